//! The access policy as a matrix over real HTTP: actors × visibilities × surfaces.
//!
//! Both sides of the matrix are data written out here. The rights are a table, not derived from
//! `konbit::access`: a test that asked the policy what to expect could never catch the policy
//! being wrong. The surfaces are a table too, one line per route of the README's URL map, read
//! and write, each saying what a person with the right finds there: a new surface (search
//! results, a git clone) is one more line in [`surfaces`].

use std::fmt::Write as _;

use crate::harness::{Browser, Farm, PASSWORD, Reply, Server, Wiki, display_name, query_value};

/// The people of the matrix and how each one is tied to the wikis' owner organisation.
const ACTORS: [&str; 8] = [
    "visitor",  // not signed in
    "loner",    // on the roster, in no organisation, without grant
    "outsider", // admin of another organisation
    "reader",   // reader in the owner organisation
    "editor",   // editor in the owner organisation
    "orgadmin", // admin of the owner organisation
    "root",     // farm admin, in no organisation
    "guest",    // an explicit grant (GUEST_GRANT) on each wiki, in no organisation
];

/// The role `guest` is granted on every wiki.
const GUEST_GRANT: &str = "reader";

/// The three wikis, one per visibility, all owned by the organisation `own`.
const WIKIS: [(&str, &str); 3] = [("pub", "public"), ("mem", "members"), ("priv", "private")];

/// What each person may do in each wiki: `rw` read and write, `r` read only, `-` nothing (the
/// wiki answers as if it did not exist). The whole policy a person can observe.
#[rustfmt::skip]
const RIGHTS: [(&str, [&str; 3]); 8] = [
    //              pub    mem    priv
    ("visitor",  [ "r",   "-",   "-"  ]),
    ("loner",    [ "r",   "r",   "-"  ]),
    ("outsider", [ "r",   "r",   "-"  ]),
    ("reader",   [ "r",   "r",   "r"  ]),
    ("editor",   [ "rw",  "rw",  "rw" ]),
    ("orgadmin", [ "rw",  "rw",  "rw" ]),
    ("root",     [ "rw",  "rw",  "rw" ]),
    ("guest",    [ "r",   "r",   "r"  ]),
];

/// Whether `actor` may read and may write the wiki `slug`, from [`RIGHTS`].
fn rights(actor: &str, slug: &str) -> (bool, bool) {
    let row = RIGHTS
        .iter()
        .find(|(name, _)| *name == actor)
        .map(|(_, row)| row)
        .expect("every actor has a row");
    let column = WIKIS
        .iter()
        .position(|(wiki, _)| *wiki == slug)
        .expect("a wiki of the matrix");
    match row[column] {
        "rw" => (true, true),
        "r" => (true, false),
        "-" => (false, false),
        other => panic!("unknown right {other:?} for {actor} in {slug}"),
    }
}

fn may_read(actor: &str, slug: &str) -> bool {
    rights(actor, slug).0
}

/// The text of `Page` in wiki `slug`: the seed has the line `marker-{slug}-old`, the second
/// revision `marker-{slug}-new` instead.
fn page_text(slug: &str, version: &str) -> String {
    format!("# Page {slug}\n\nmarker-{slug}-page\n\nmarker-{slug}-{version}\n")
}

/// Each person's own page, in every wiki from the seed on: writes of the matrix go there, so
/// that they never change what the reading surfaces show, and a write wrongly allowed to a
/// person who may not write would change something that exists.
fn scratch(actor: &str) -> String {
    format!("Scratch-{actor}")
}

fn matrix_farm() -> Farm {
    let mut farm = Farm::new()
        .person("loner")
        .person("outsider")
        .person("reader")
        .person("editor")
        .person("orgadmin")
        .farm_admin("root")
        .person("guest")
        .organisation(
            "own",
            "Organisation Propriétaire",
            &[
                ("reader", "reader"),
                ("editor", "editor"),
                ("orgadmin", "admin"),
            ],
        )
        .organisation("other", "Autre Organisation", &[("outsider", "admin")]);
    for (slug, visibility) in WIKIS {
        let mut wiki = Wiki::new(slug, "own", visibility)
            .title(&format!("Titre {slug}"))
            .grant("guest", GUEST_GRANT)
            .page(
                "Home",
                &format!("# Accueil {slug}\n\nmarker-{slug}-home\n\n[[Page]] [[Wanted-{slug}]]\n"),
            )
            .page("Page", &page_text(slug, "old"))
            .file("doc.txt", format!("marker-{slug}-attachment\n"));
        for actor in ACTORS {
            wiki = wiki.page(&scratch(actor), &format!("# {actor}\n\nscratch\n"));
        }
        farm = farm.wiki(wiki);
    }
    farm
}

/// The two revisions of each wiki: the seed, and a second commit changing `Page`, so that there
/// is an old revision to show and a diff to make.
struct Revisions {
    seed: String,
    second: String,
}

/// The matrix's server, with the second revision of `Page` saved in each wiki by `root`.
async fn matrix_server() -> (Server, Vec<Revisions>) {
    let server = matrix_farm().start();
    let mut root = server.signed_in("root").await;
    let mut revisions = Vec::new();
    for (slug, _) in WIKIS {
        let seed = head(&server, slug);
        root.save_page_with_message(
            slug,
            "Page",
            &page_text(slug, "new"),
            &format!("marker-{slug}-second"),
        )
        .await
        .expect(303);
        let second = head(&server, slug);
        assert_eq!(server.wait_for_branch_moved(slug, &second), seed);
        revisions.push(Revisions { seed, second });
    }
    (server, revisions)
}

fn head(server: &Server, slug: &str) -> String {
    server.dir().git_in(slug, &["rev-parse", "HEAD"])
}

/// A browser for each actor, signed in through `/login` (the visitor is not). The sign-ins run
/// at once: each costs the server a password hash, and the server hashes on all its cores.
async fn browsers(server: &Server) -> Vec<(&'static str, Browser)> {
    let mut signing_in = Vec::new();
    for actor in ACTORS {
        let mut browser = server.browser();
        signing_in.push(tokio::spawn(async move {
            if actor != "visitor" {
                browser.sign_in(actor, PASSWORD).await;
            }
            (actor, browser)
        }));
    }
    let mut browsers = Vec::new();
    for task in signing_in {
        browsers.push(task.await.expect("signing in"));
    }
    browsers
}

/// What a surface asks of the person.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Need {
    Read,
    Write,
}

/// The request of a surface; the matrix adds the person's CSRF token to every POST.
enum Request {
    Get(String),
    Post(String, Vec<(String, String)>),
    /// A multipart upload: text fields, then the file (its name on the person's computer, its
    /// bytes).
    Upload(String, Vec<(String, String)>, (String, Vec<u8>)),
}

impl Request {
    fn path(&self) -> &str {
        match self {
            Request::Get(path) | Request::Post(path, _) | Request::Upload(path, _, _) => path,
        }
    }

    fn method(&self) -> &'static str {
        match self {
            Request::Get(_) => "GET",
            Request::Post(..) | Request::Upload(..) => "POST",
        }
    }

    async fn send(&self, browser: &mut Browser, csrf: &str) -> Reply {
        let with_token = |fields: &[(String, String)]| -> Vec<(String, String)> {
            let mut all = vec![("csrf".to_owned(), csrf.to_owned())];
            all.extend(fields.iter().cloned());
            all
        };
        match self {
            Request::Get(path) => browser.get(path).await,
            Request::Post(path, fields) => {
                let fields = with_token(fields);
                browser.post_form(path, &as_strs(&fields)).await
            }
            Request::Upload(path, fields, (file_name, bytes)) => {
                let fields = with_token(fields);
                browser
                    .post_multipart(path, &as_strs(&fields), ("file", file_name, bytes))
                    .await
            }
        }
    }
}

fn as_strs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect()
}

/// What a person with the right finds on a surface.
enum Find {
    /// 200, and the answer holds this text.
    Text(String),
    /// 200, and the answer is exactly this.
    Exactly(String),
    /// 404 with this text: a page the wiki says it does not have.
    Missing(String),
    /// 303 to this address.
    Redirect(String),
    /// 303 to this address, after the branch moved by one commit authored by the person, which
    /// the server announced.
    Commit(String),
}

/// One row of the matrix.
struct Surface {
    name: &'static str,
    need: Need,
    request: Request,
    find: Find,
    /// Text on a reading surface exactly when the person may also write (its edit controls).
    controls: Option<String>,
}

impl Surface {
    fn controls(mut self, marker: String) -> Surface {
        self.controls = Some(marker);
        self
    }
}

/// A reading surface.
fn read(name: &'static str, path: String, find: Find) -> Surface {
    surface(name, Need::Read, Request::Get(path), find)
}

/// A writing surface reached by a GET (a form).
fn form(name: &'static str, path: String, find: Find) -> Surface {
    surface(name, Need::Write, Request::Get(path), find)
}

/// A writing surface's POST.
fn write(name: &'static str, request: Request, find: Find) -> Surface {
    surface(name, Need::Write, request, find)
}

fn surface(name: &'static str, need: Need, request: Request, find: Find) -> Surface {
    Surface {
        name,
        need,
        request,
        find,
        controls: None,
    }
}

fn post(path: String, fields: &[(&str, &str)]) -> Request {
    Request::Post(path, owned(fields))
}

fn upload(path: String, fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> Request {
    Request::Upload(path, owned(fields), (file_name.to_owned(), bytes.to_vec()))
}

fn owned(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

/// Every surface of wiki `slug` as `actor` meets it: one line per route of the README's URL
/// map. The GETs (reading surfaces and forms) all run first and must change nothing; the POSTs
/// run after them, in this order, each on the person's own page and starting from what the one
/// before left: save it, rename it away, restore it from the seed, delete it, then upload a
/// file of their own. A surface to come is one more line here: search results a `read` row
/// with the marker a reader must find, a git clone over HTTP a `read` row of its own request.
#[rustfmt::skip]
fn surfaces(slug: &str, actor: &str, revisions: &Revisions) -> Vec<Surface> {
    let w = format!("/{slug}/");
    let m = |what: &str| format!("marker-{slug}-{what}");
    let (seed, second) = (revisions.seed.as_str(), revisions.second.as_str());
    let (me, moved) = (scratch(actor), format!("Moved-{actor}"));
    let file = format!("up-{actor}.txt");
    // Echoed by a refused save: the same for every wiki, as the address is the only difference
    // a hidden wiki's answer may have with a missing one's.
    let saved = format!("# {actor}\n\nsaved\n");
    use Find::*;
    vec![
        read("home", w.clone(), Text(m("home"))),
        read("page", format!("{w}Page"), Text(m("new"))).controls(format!("href=\"{w}_edit/Page\"")),
        read("old revision", format!("{w}Page?rev={seed}"), Text(m("old"))),
        read("raw", format!("{w}_raw/Page"), Exactly(page_text(slug, "new"))),
        read("missing page", format!("{w}No%20such%20page"), Missing("n’existe pas encore".into())).controls(format!("href=\"{w}_edit/No%20such%20page\"")),
        read("page index", format!("{w}_pages"), Text(format!("href=\"{w}Page\""))).controls(format!("action=\"{w}_new\"")),
        read("what links here", format!("{w}_links/Page"), Text(format!("<a class=\"backlink\" href=\"{w}Home\">Home</a>"))),
        read("wanted pages", format!("{w}_wanted"), Text(format!("<a class=\"wikilink missing\" href=\"{w}Wanted-{slug}\">"))),
        read("orphan pages", format!("{w}_orphans"), Text(format!("<li><a href=\"{w}{me}\">{me}</a></li>"))),
        read("attachment", format!("{w}_files/doc.txt"), Exactly(format!("{}\n", m("attachment")))),
        read("file list", format!("{w}_files/"), Text(format!("href=\"{w}_files/doc.txt\""))).controls("enctype=\"multipart/form-data\"".into()),
        read("history", format!("{w}_history/Page"), Text(format!("href=\"{w}Page?rev={seed}\""))).controls(format!("action=\"{w}_revert/Page\"")),
        read("diff", format!("{w}_diff/Page?from={seed}&to={second}"), Text(format!("<ins>{}</ins>", m("new")))),
        read("recent changes", format!("{w}_recent"), Text(format!("<span class=\"message\">{}</span>", m("second")))),
        read("feed", format!("{w}_feed.atom"), Text(format!("<summary>{}</summary>", m("second")))),
        form("editor", format!("{w}_edit/Page"), Text(format!("name=\"base\" value=\"{second}\""))),
        form("new page", format!("{w}_new?name=X"), Redirect(format!("{w}_edit/X"))),
        form("rename form", format!("{w}_rename/Page"), Text(format!("action=\"{w}_rename/Page\""))),
        form("delete form", format!("{w}_delete/Page"), Text(format!("action=\"{w}_delete/Page\""))),
        write("save", post(format!("{w}_edit/{me}"), &[("base", seed), ("text", &saved), ("message", ""), ("action", "save")]), Commit(format!("{w}{me}?saved=yes"))),
        write("rename", post(format!("{w}_rename/{me}"), &[("to", &moved), ("message", "")]), Commit(format!("{w}{moved}?saved=renamed"))),
        write("revert", post(format!("{w}_revert/{me}"), &[("rev", seed)]), Commit(format!("{w}{me}?saved=yes"))),
        write("delete", post(format!("{w}_delete/{me}"), &[("message", "")]), Commit(format!("{w}_pages"))),
        write("upload", upload(format!("{w}_files/"), &[("page", ""), ("name", &file)], "f.txt", b"up\n"), Commit(format!("{w}_files/?uploaded={}&page=", query_value(&file)))),
    ]
}

/// Cells of the matrix that did not answer as expected: the matrix runs to its end and reports
/// them all, so that one wrong right shows as the pattern it makes.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn check(&mut self, ok: bool, cell: &str, what: impl FnOnce() -> String) {
        if !ok {
            self.0.push(format!("{cell}: {}", what()));
        }
    }

    #[track_caller]
    fn assert_none(self, server: &Server) {
        if self.0.is_empty() {
            return;
        }
        let mut report = format!("{} cells of the access matrix are wrong:\n", self.0.len());
        for failure in &self.0 {
            let mut shown: String = failure.chars().take(1500).collect();
            if shown.len() < failure.len() {
                shown.push('…');
            }
            writeln!(report, "- {shown}").expect("writing to a String");
        }
        panic!("{report}\nserver log:\n{}", server.log());
    }
}

/// Replaces the places where a 404 page echoes the requested address, so that the answer for an
/// unreadable wiki can be compared with the answer for a wiki that does not exist.
fn without_slug(text: &str, slug: &str) -> String {
    text.replace(&format!("/{slug}/"), "/SLUG/")
        .replace(&format!("%2F{slug}%2F"), "%2FSLUG%2F")
        .replace(&format!("/{slug}\""), "/SLUG\"")
}

/// What a person who may read (and, for a writing surface, write) must find.
fn check_found(failures: &mut Failures, cell: &str, surface: &Surface, reply: &Reply) {
    let status = reply.status;
    match &surface.find {
        Find::Text(text) => {
            failures.check(status == 200 && reply.text.contains(text), cell, || {
                format!(
                    "expected 200 holding {text:?}, got {status}:\n{}",
                    reply.text
                )
            })
        }
        Find::Exactly(text) => failures.check(status == 200 && reply.text == *text, cell, || {
            format!(
                "expected 200 and exactly {text:?}, got {status}: {:?}",
                reply.text
            )
        }),
        Find::Missing(text) => {
            failures.check(status == 404 && reply.text.contains(text), cell, || {
                format!(
                    "expected 404 holding {text:?}, got {status}:\n{}",
                    reply.text
                )
            })
        }
        Find::Redirect(to) | Find::Commit(to) => {
            failures.check(status == 303 && reply.location() == Some(to), cell, || {
                format!(
                    "expected 303 to {to}, got {status} to {:?}:\n{}",
                    reply.location(),
                    reply.text
                )
            })
        }
    }
}

/// The answer to a person who may read the wiki but not write it, on a writing surface: a
/// visitor's GET is sent to sign in and come back; anything else is refused (403).
fn check_refused(
    failures: &mut Failures,
    cell: &str,
    actor: &str,
    request: &Request,
    reply: &Reply,
) {
    if actor == "visitor" && request.method() == "GET" {
        let to = format!("/login?next={}", query_value(request.path()));
        failures.check(
            reply.status == 303 && reply.location() == Some(&to),
            cell,
            || {
                format!(
                    "expected 303 to {to}, got {} to {:?}",
                    reply.status,
                    reply.location()
                )
            },
        );
    } else {
        failures.check(reply.status == 403, cell, || {
            format!("expected 403, got {}:\n{}", reply.status, reply.text)
        });
    }
}

/// The answer to a person who may not read the wiki: exactly the answer for a wiki that does
/// not exist (only the echoed address differs).
fn check_hidden(failures: &mut Failures, cell: &str, slug: &str, reply: &Reply, missing: &Reply) {
    failures.check(reply.status == 404 && missing.status == 404, cell, || {
        format!(
            "expected 404 like a missing wiki, got {} (missing wiki: {})",
            reply.status, missing.status
        )
    });
    failures.check(
        reply.header("content-type") == missing.header("content-type"),
        cell,
        || {
            format!(
                "content type {:?}, a missing wiki's {:?}",
                reply.header("content-type"),
                missing.header("content-type")
            )
        },
    );
    failures.check(!reply.text.contains(&format!("Titre {slug}")), cell, || {
        "the answer names the wiki".to_owned()
    });
    let (shown, expected) = (
        without_slug(&reply.text, slug),
        without_slug(&missing.text, "nosuch"),
    );
    failures.check(shown == expected, cell, || {
        format!("differs from a missing wiki's answer:\n{shown}\n--- a missing wiki's:\n{expected}")
    });
}

/// The farm home (`/`) lists exactly the wikis the person may read, and names no other.
async fn check_farm_home(failures: &mut Failures, actor: &str, browser: &mut Browser) {
    let home = browser.get("/").await;
    let cell = format!("{actor} × farm home (GET /)");
    failures.check(home.status == 200, &cell, || format!("got {}", home.status));
    let links = home.links();
    for (slug, _) in WIKIS {
        let listed = links
            .iter()
            .any(|link| link.href() == Some(&format!("/{slug}/")));
        let named = home.text.contains(&format!("Titre {slug}"));
        let readable = may_read(actor, slug);
        failures.check(listed == readable && named == readable, &cell, || {
            format!("{slug} listed: {listed}, named: {named}, readable: {readable}")
        });
    }
}

#[tokio::test]
async fn every_surface_answers_each_person_by_their_rights() {
    let (server, revisions) = matrix_server().await;
    let mut browsers = browsers(&server).await;
    let mut failures = Failures::default();

    // Reading surfaces and forms: every GET, for everyone, from the farm home on.
    for (actor, browser) in &mut browsers {
        check_farm_home(&mut failures, actor, browser).await;
        for ((slug, _), revisions) in WIKIS.iter().zip(&revisions) {
            let (may_read, may_write) = rights(actor, slug);
            let rows = surfaces(slug, actor, revisions);
            let missing_rows = surfaces("nosuch", actor, revisions);
            for (surface, missing_surface) in rows.iter().zip(&missing_rows) {
                let Request::Get(path) = &surface.request else {
                    continue;
                };
                let cell = format!("{actor} × {slug} × {} (GET {path})", surface.name);
                let reply = browser.get(path).await;
                if !may_read {
                    let missing = missing_surface.request.send(browser, "").await;
                    check_hidden(&mut failures, &cell, slug, &reply, &missing);
                } else if surface.need == Need::Write && !may_write {
                    check_refused(&mut failures, &cell, actor, &surface.request, &reply);
                } else {
                    check_found(&mut failures, &cell, surface, &reply);
                    if let Some(controls) = &surface.controls {
                        let shown = reply.text.contains(controls);
                        failures.check(shown == may_write, &cell, || {
                            format!(
                                "edit controls {controls:?} shown: {shown}, may write: {may_write}"
                            )
                        });
                    }
                }
            }
        }
    }
    // No GET changed anything.
    for ((slug, _), revisions) in WIKIS.iter().zip(&revisions) {
        let now = head(&server, slug);
        failures.check(now == revisions.second, slug, || {
            format!("a GET moved the branch to {now}")
        });
    }

    // Writing surfaces: every POST, for everyone, with the person's own valid token.
    for (actor, browser) in &mut browsers {
        let csrf = browser.csrf().await;
        for ((slug, _), revisions) in WIKIS.iter().zip(&revisions) {
            let (may_read, may_write) = rights(actor, slug);
            let rows = surfaces(slug, actor, revisions);
            let missing_rows = surfaces("nosuch", actor, revisions);
            for (surface, missing_surface) in rows.iter().zip(&missing_rows) {
                if surface.request.method() != "POST" {
                    continue;
                }
                let cell = format!(
                    "{actor} × {slug} × {} (POST {})",
                    surface.name,
                    surface.request.path()
                );
                let before = head(&server, slug);
                let reply = surface.request.send(browser, &csrf).await;
                let after = head(&server, slug);
                if !(may_read && may_write) {
                    if may_read {
                        check_refused(&mut failures, &cell, actor, &surface.request, &reply);
                    } else {
                        let missing = missing_surface.request.send(browser, &csrf).await;
                        check_hidden(&mut failures, &cell, slug, &reply, &missing);
                    }
                    failures.check(after == before, &cell, || {
                        format!("a refused POST committed {after}")
                    });
                    continue;
                }
                check_found(&mut failures, &cell, surface, &reply);
                if !matches!(surface.find, Find::Commit(_)) {
                    failures.check(after == before, &cell, || format!("committed {after}"));
                    continue;
                }
                if after == before {
                    failures.check(false, &cell, || "the branch did not move".to_owned());
                    continue;
                }
                let commit = server.dir().git_in(slug, &["log", "-1", "--format=%P|%an"]);
                let expected = format!("{before}|{}", display_name(actor));
                failures.check(commit == expected, &cell, || {
                    format!(
                        "one commit on {before} by {}, got parent|author {commit}",
                        display_name(actor)
                    )
                });
                let from = server.wait_for_branch_moved(slug, &after);
                failures.check(from == before, &cell, || {
                    format!("announced as a move from {from}")
                });
            }
        }
    }
    failures.assert_none(&server);
}

#[tokio::test]
async fn the_farm_home_shows_owner_and_visibility() {
    let server = matrix_farm().start();
    let mut root = server.signed_in("root").await;
    let home = root.get("/").await.expect(200);
    let owner_spans = home
        .text
        .matches("<span class=\"wiki-owner\">Organisation Propriétaire</span>")
        .count();
    assert_eq!(owner_spans, 3, "{}", home.text);
    for (slug, visibility) in WIKIS {
        assert!(
            home.text.contains(&format!("visibility-{visibility}")),
            "no {visibility} badge:\n{}",
            home.text
        );
        assert_eq!(
            home.link_with_text(&format!("Titre {slug}")).href(),
            Some(format!("/{slug}/").as_str())
        );
    }
}

#[tokio::test]
async fn the_slash_redirect_does_not_tell_private_wikis_apart() {
    let server = matrix_farm().start();
    let mut visitor = server.browser();
    for slug in ["priv", "nosuch"] {
        let reply = visitor.get(&format!("/{slug}")).await.expect(308);
        assert_eq!(reply.location(), Some(format!("/{slug}/").as_str()));
    }
}

#[tokio::test]
async fn a_visitor_signs_in_from_the_404_and_comes_back_to_the_page() {
    let server = matrix_farm().start();
    let mut browser = server.browser();
    let not_found = browser.get("/priv/Page").await.expect(404);
    let sign_in = not_found
        .links()
        .into_iter()
        .find(|link| link.href() == Some("/login?next=%2Fpriv%2FPage"))
        .unwrap_or_else(|| panic!("the 404 offers no sign-in back here:\n{}", not_found.text));
    let form = browser
        .get(sign_in.href().expect("a link"))
        .await
        .expect(200);
    assert!(
        form.text.contains("name=\"next\" value=\"/priv/Page\""),
        "{}",
        form.text
    );
    let reply = browser
        .post_form(
            "/login",
            &[
                ("csrf", &form.csrf()),
                ("login", "reader"),
                ("password", PASSWORD),
                ("next", "/priv/Page"),
            ],
        )
        .await
        .expect(303);
    assert_eq!(reply.location(), Some("/priv/Page"));
    let page = browser.get("/priv/Page").await.expect(200);
    assert!(page.text.contains("marker-priv-page"), "{}", page.text);
}

/// git's two services under the same rights: clone and fetch need reading, push needs writing.
/// A visitor refused is asked for credentials (401), for a hidden wiki and a missing one alike;
/// a person who may not read gets exactly the answer of a missing wiki (404); a person who may
/// read but not write is refused a push (403).
#[tokio::test]
async fn git_answers_each_person_by_the_same_rights() {
    let server = matrix_farm().start();
    let client = reqwest::Client::new();
    let ask = |actor: &'static str, slug: &'static str, service: &'static str| {
        let mut request = client.get(format!(
            "{}/{slug}.git/info/refs?service={service}",
            server.base()
        ));
        if actor != "visitor" {
            request = request.basic_auth(actor, Some(PASSWORD));
        }
        async move {
            let reply = request.send().await.expect("an answer");
            let status = reply.status().as_u16();
            let challenge = reply.headers().contains_key("www-authenticate");
            let text = reply.text().await.expect("a body");
            (status, challenge, text)
        }
    };
    let mut wrong = Vec::new();
    for (actor, _) in RIGHTS {
        for (slug, _) in WIKIS {
            let (may_read, may_write) = rights(actor, slug);
            for (service, allowed) in [
                ("git-upload-pack", may_read),
                ("git-receive-pack", may_write),
            ] {
                let got = ask(actor, slug, service).await;
                let missing = ask(actor, "nosuch", service).await;
                let ok = if allowed {
                    got.0 == 200 && got.2.contains("refs/heads/main")
                } else if actor == "visitor" {
                    got.0 == 401 && got.1 && got == missing
                } else if !may_read {
                    got.0 == 404 && got == missing
                } else {
                    got.0 == 403 && !got.2.contains("refs/heads")
                };
                if !ok {
                    wrong.push(format!("{actor} × {slug} × {service}: {} {}", got.0, got.2));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "git answers against the rights:\n{}",
        wrong.join("\n")
    );
}

/// What caches may keep, by who asks and what: an answer that depends on who asks is never
/// stored; a public wiki's answers to a visitor are.
#[tokio::test]
async fn only_answers_that_are_the_same_for_every_visitor_may_be_cached() {
    const PRIVATE: &str = "private, no-store";
    const PAGE: &str = "no-cache";
    const FILE: &str = "public, max-age=60";
    const STYLE: &str = "public, max-age=300";
    let table: &[(&str, &str, &str)] = &[
        // who, what, Cache-Control
        ("visitor", "/", PAGE),
        ("visitor", "/pub/", PAGE),
        ("visitor", "/pub/Page", PAGE),
        ("visitor", "/pub/_raw/Page", PAGE),
        // Without a base_url its clone address comes from the Host header: not the same for all.
        ("visitor", "/pub/_pages", PRIVATE),
        ("visitor", "/pub/_history/Page", PAGE),
        ("visitor", "/pub/_recent", PAGE),
        ("visitor", "/pub/_feed.atom", PAGE),
        ("visitor", "/pub/_files/", PAGE),
        ("visitor", "/pub/_files/doc.txt", FILE),
        ("visitor", "/_theme/default/style.css", STYLE),
        ("visitor", "/pub/Missing", PRIVATE),
        ("visitor", "/pub/_files/missing.txt", PRIVATE),
        ("visitor", "/mem/Page", PRIVATE),
        ("visitor", "/priv/_files/doc.txt", PRIVATE),
        ("visitor", "/priv/_feed.atom", PRIVATE),
        ("visitor", "/login", PRIVATE),
        ("visitor", "/account", PRIVATE),
        ("visitor", "/pub/_edit/Page", PRIVATE),
        ("visitor", "/pub", PRIVATE),
        ("reader", "/", PRIVATE),
        ("reader", "/pub/Page", PRIVATE),
        ("reader", "/pub/_files/doc.txt", PRIVATE),
        ("reader", "/mem/Page", PRIVATE),
        ("reader", "/mem/_raw/Page", PRIVATE),
        ("reader", "/priv/", PRIVATE),
        ("reader", "/priv/_files/doc.txt", PRIVATE),
        ("reader", "/priv/_feed.atom", PRIVATE),
        ("reader", "/priv/_history/Page", PRIVATE),
        ("reader", "/account", PRIVATE),
        ("reader", "/login", PRIVATE),
        ("reader", "/_theme/default/style.css", STYLE),
        ("editor", "/pub/_edit/Page", PRIVATE),
        ("editor", "/priv/_edit/Page", PRIVATE),
        ("loner", "/priv/Page", PRIVATE),
    ];
    let server = matrix_farm().start();
    let mut browsers = browsers(&server).await;
    // Every browser has its cookies: an answer that sets one is private whatever it is.
    for (_, browser) in &mut browsers {
        browser.get("/").await.expect(200);
    }
    let mut wrong = Vec::new();
    for (who, what, expected) in table {
        let (_, browser) = browsers
            .iter_mut()
            .find(|(actor, _)| actor == who)
            .expect("a browser for each actor");
        let reply = browser.get(what).await;
        let got = reply.header("cache-control").unwrap_or("(none)");
        if got != *expected {
            wrong.push(format!(
                "{who} {what} ({}): {got}, expected {expected}",
                reply.status
            ));
        }
    }
    // A form's answer, and an answer that sets a cookie, are private too.
    let mut first = server.browser();
    let reply = first.get("/pub/Page").await.expect(200);
    assert!(reply.set_cookie("konbit_csrf").is_some());
    if reply.header("cache-control") != Some(PRIVATE) {
        wrong.push(format!(
            "a first visit, setting a cookie: {:?}",
            reply.header("cache-control")
        ));
    }
    let csrf = first.csrf().await;
    let reply = first
        .post_form(
            "/_lang",
            &[("csrf", &csrf), ("lang", "en"), ("next", "/pub/")],
        )
        .await
        .expect(303);
    if reply.header("cache-control") != Some(PRIVATE) {
        wrong.push(format!(
            "a form's answer: {:?}",
            reply.header("cache-control")
        ));
    }
    assert!(
        wrong.is_empty(),
        "wrong Cache-Control:\n{}",
        wrong.join("\n")
    );
}

/// Who may open each administration page: the wiki's settings, the owner organisation's members,
/// the farm's page and its audit trail. A table like [`RIGHTS`], not asked of the policy.
#[rustfmt::skip]
const GOVERNS: [(&str, [bool; 4]); 8] = [
    //             settings  _org/own  _admin  audit
    ("visitor",  [ false,    false,    false,  false ]),
    ("loner",    [ false,    false,    false,  false ]),
    ("outsider", [ false,    false,    false,  false ]),
    ("reader",   [ false,    false,    false,  false ]),
    ("editor",   [ false,    false,    false,  false ]),
    ("orgadmin", [ true,     true,     false,  false ]),
    ("root",     [ true,     true,     true,   true  ]),
    ("guest",    [ false,    false,    false,  false ]),
];

#[tokio::test]
async fn the_administration_pages_exist_only_for_those_who_govern_them() {
    let server = matrix_farm().start();
    let mut failures = Vec::new();
    for (actor, mut browser) in browsers(&server).await {
        let governs = GOVERNS
            .iter()
            .find(|(name, _)| *name == actor)
            .map(|(_, row)| *row)
            .expect("every actor has a row");
        let mut pages: Vec<(String, String, bool)> = WIKIS
            .iter()
            .map(|(slug, _)| {
                (
                    format!("/{slug}/_settings"),
                    "/nosuch/_settings".to_owned(),
                    governs[0],
                )
            })
            .collect();
        pages.push(("/_org/own".into(), "/_org/nosuch".into(), governs[1]));
        pages.push(("/_admin".into(), "/_nosuch".into(), governs[2]));
        // A query the page would not expect is no reason to answer otherwise.
        pages.push((
            "/_admin?saved=a&saved=b".into(),
            "/_nosuch?saved=a&saved=b".into(),
            governs[2],
        ));
        pages.push(("/_admin/audit".into(), "/_nosuch/audit".into(), governs[3]));
        // The addresses forms are sent to are no pages: fetched, they answer like missing ones,
        // whoever asks.
        let forms = [
            "/_admin/organisations",
            "/_admin/wikis",
            "/_admin/wikis/retire",
            "/_admin/people",
            "/_admin/people/disabled",
            "/_admin/people/farm-admin",
            "/_admin/people/link",
            "/_admin/audit/undo",
        ];
        pages.extend(
            forms
                .iter()
                .map(|path| (path.to_string(), "/_nosuch/form".to_owned(), false)),
        );
        for (path, missing, may) in pages {
            let reply = browser.get(&path).await;
            if may {
                let content = reply.main().contains("name=\"digest\"")
                    || reply.main().contains("<ol class=\"audit\">");
                if reply.status != 200 || !content {
                    failures.push(format!(
                        "{actor} {path}: {} without its forms",
                        reply.status
                    ));
                }
                continue;
            }
            let absent = browser.get(&missing).await;
            // The answer to someone who may not govern is the answer for a page that is not
            // there, word for word (the address it names aside).
            let expected = absent
                .main()
                .replace(&query_value(&missing), &query_value(&path));
            if reply.status != 404 || reply.main() != expected {
                failures.push(format!("{actor} {path}: {} {}", reply.status, reply.main()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
