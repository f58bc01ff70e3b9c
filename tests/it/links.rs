//! Links between pages and wikis as people meet them: links into other wikis (and the ones that
//! must look missing), what links here across the farm for each reader, wanted and orphan pages
//! as saves, pushes, renames and deletes change them, and the link index thrown away and rebuilt.

use std::time::Duration;

use crate::git::write;
use crate::harness::{Farm, PASSWORD, Reply, Wiki, strip_tags};

/// `commun` (public, of the konbit), `lakou` (public) and `prive` (private, of lakou). `alice`
/// edits lakou's wikis; `kay` edits commun.
fn farm() -> Farm {
    Farm::new()
        .person("alice")
        .person("kay")
        .organisation("konbit", "Konbit", &[("kay", "editor")])
        .organisation("lakou", "Lakou", &[("alice", "editor")])
        .wiki(
            Wiki::new("commun", "konbit", "public")
                .title("Le commun")
                .page("Home", "# Commun\n\nBienvenue.\n")
                .page(
                    "Liens",
                    "# Liens\n\n\
                     La procédure : [[lakou:Procédures/Réception des dons]].\n\n\
                     Une page absente : [[lakou:Secret]].\n\n\
                     Une page privée : [[prive:Secret]].\n\n\
                     Pas un wiki : [[nosuch:Page]].\n\n\
                     Avec un libellé : [[lakou:Charte|la charte de Lakou]].\n",
                ),
        )
        .wiki(
            Wiki::new("lakou", "lakou", "public")
                .title("Lakou")
                .page("Home", "# Lakou\n\n[[Charte]]\n")
                .page("Charte", "# Charte\n\nLe texte de la charte.\n")
                .page("Procédures/Réception des dons", "# Réception des dons\n"),
        )
        .wiki(
            Wiki::new("prive", "lakou", "private")
                .title("Lakou privé")
                .page("Home", "# Privé\n")
                .page("Secret", "# Secret\n")
                .page(
                    "Notes",
                    "# Notes\n\nUne note privée sur [[lakou:Charte]], à garder pour nous.\n",
                ),
        )
}

/// The raw `<a …>…</a>` element whose text is `text`.
#[track_caller]
fn anchor(reply: &Reply, text: &str) -> String {
    let html = &reply.text;
    let mut rest = 0;
    while let Some(start) = html[rest..].find("<a ").map(|i| i + rest) {
        let end = html[start..].find("</a>").expect("a closed link") + start + 4;
        let element = &html[start..end];
        if strip_tags(element) == text {
            return element.to_owned();
        }
        rest = end;
    }
    panic!("no link with text {text:?} in:\n{html}")
}

#[tokio::test]
async fn links_into_other_wikis_lead_there_and_what_may_not_be_read_looks_missing() {
    let server = farm().start();
    // Alice, who may read the private wiki, reads the page first: her render must not be what a
    // visitor is shown afterwards.
    let mut alice = server.signed_in("alice").await;
    let page = alice.get("/commun/Liens").await.expect(200);
    let private = page.link_with_text("prive:Secret");
    assert_eq!(private.class(), Some("wikilink interwiki"));
    assert_eq!(private.href(), Some("/prive/Secret"));

    let mut visitor = server.browser();
    let page = visitor.get("/commun/Liens").await.expect(200);
    let present = page.link_with_text("lakou:Procédures/Réception des dons");
    assert_eq!(present.class(), Some("wikilink interwiki"));
    assert_eq!(
        present.href(),
        Some("/lakou/Proc%C3%A9dures/R%C3%A9ception%20des%20dons")
    );
    let labelled = page.link_with_text("la charte de Lakou");
    assert_eq!(labelled.href(), Some("/lakou/Charte"));
    assert_eq!(labelled.class(), Some("wikilink interwiki"));
    // The link leads to the page.
    let target = visitor.get(present.href().expect("href")).await.expect(200);
    assert!(target.main().contains("Réception des dons"));

    // A page of a wiki the visitor may not read is shown exactly like a missing page of a wiki
    // they may read: the same element, but for the slug.
    let missing = anchor(&page, "lakou:Secret");
    let hidden = anchor(&page, "prive:Secret");
    assert!(missing.contains("wikilink interwiki missing"), "{missing}");
    assert_eq!(hidden.replace("prive", "lakou"), missing);

    // A prefix that is no wiki's slug is part of an ordinary name, which names no page.
    let ordinary = page.link_with_text("nosuch:Page");
    assert_eq!(ordinary.class(), Some("wikilink missing"));
    assert_eq!(ordinary.href(), Some("/commun/nosuch%3APage"));

    // Creating the missing page turns the link into a present one at the next view.
    alice
        .save_page("lakou", "Secret", "# Pas si secret\n")
        .await
        .expect(303);
    let page = visitor.get("/commun/Liens").await.expect(200);
    assert_eq!(
        page.link_with_text("lakou:Secret").class(),
        Some("wikilink interwiki")
    );
    assert_eq!(
        page.link_with_text("prive:Secret").class(),
        Some("wikilink interwiki missing")
    );
}

#[tokio::test]
async fn what_links_here_spans_the_wikis_the_reader_may_read() {
    let server = farm().start();
    let mut visitor = server.browser();
    let page = visitor.get("/lakou/Charte").await.expect(200);
    let offered = page.link_with_text("Pages liées");
    assert_eq!(offered.href(), Some("/lakou/_links/Charte"));

    let links = visitor.get("/lakou/_links/Charte").await.expect(200);
    let listed: Vec<String> = links
        .links()
        .into_iter()
        .filter(|link| link.class() == Some("backlink"))
        .map(|link| link.href().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(listed, ["/lakou/Home", "/commun/Liens"]);
    let main = links.main();
    assert!(main.contains("<h2>Le commun</h2>"), "{main}");
    // The link's context: the words around it, inside the element that shows it.
    assert!(
        main.contains("<span class=\"context\">Avec un libellé : la charte de Lakou.</span>"),
        "{main}"
    );
    // The private wiki's page that links here is not even hinted at.
    assert!(!main.contains("prive") && !main.contains("Notes") && !main.contains("Lakou privé"));

    let mut alice = server.signed_in("alice").await;
    let links = alice.get("/lakou/_links/Charte").await.expect(200);
    let main = links.main();
    assert!(main.contains("<h2>Lakou privé</h2>"), "{main}");
    assert!(main.contains("href=\"/prive/Notes\""), "{main}");
    assert!(
        main.contains("Une note privée sur lakou:Charte, à garder pour nous."),
        "{main}"
    );

    // Asking about a page of a wiki one may not read is answered like a missing wiki.
    let hidden = visitor.get("/prive/_links/Secret").await.expect(404);
    let absent = visitor.get("/nosuch/_links/Secret").await.expect(404);
    assert_eq!(
        hidden.text.replace("prive", "SLUG"),
        absent.text.replace("nosuch", "SLUG")
    );
    let nothing = visitor.get("/lakou/_links/Procédures").await.expect(200);
    assert!(nothing.main().contains("Aucune page ne mène ici."));
}

/// The wanted pages as (page, number of linking pages, the linking pages), in order.
async fn wanted(browser: &mut crate::harness::Browser, wiki: &str) -> Vec<(String, Vec<String>)> {
    let reply = browser.get(&format!("/{wiki}/_wanted")).await.expect(200);
    let main = reply.main().to_owned();
    let mut rows = Vec::new();
    for row in main.split("<tr>").skip(1) {
        let cell = |class: &str| {
            let start = row
                .find(&format!("<td class=\"{class}\">"))
                .expect("a cell");
            let end = row[start..].find("</td>").expect("closed") + start;
            row[start..end].to_owned()
        };
        let page = cell("wanted-page");
        let name_end = page.find("</a>").expect("a link");
        let name = page[page[..name_end].rfind('>').expect("a tag") + 1..name_end].to_owned();
        let from = strip_tags(&cell("linked-from"));
        let from = from.trim_start_matches("liée depuis").trim();
        let from: Vec<String> = from.split(", ").map(str::to_owned).collect();
        let count: usize = strip_tags(&cell("count")).parse().expect("a count");
        assert_eq!(count, from.len(), "{row}");
        rows.push((name, from));
    }
    rows
}

async fn orphans(browser: &mut crate::harness::Browser, wiki: &str) -> Vec<String> {
    let reply = browser.get(&format!("/{wiki}/_orphans")).await.expect(200);
    reply
        .links()
        .into_iter()
        .filter(|link| {
            link.href()
                .is_some_and(|h| h.starts_with(&format!("/{wiki}/")))
        })
        .filter(|link| {
            reply.main().contains(&format!(
                "<li><a href=\"{}\">",
                link.href().unwrap_or_default()
            ))
        })
        .map(|link| link.text)
        .collect()
}

fn row(page: &str, from: &[&str]) -> (String, Vec<String>) {
    (
        page.to_owned(),
        from.iter().map(|s| (*s).to_owned()).collect(),
    )
}

#[tokio::test]
async fn wanted_and_orphan_pages_follow_saves_pushes_renames_and_deletes() {
    let server = farm().start();
    let mut alice = server.signed_in("alice").await;
    assert_eq!(wanted(&mut alice, "lakou").await, []);
    assert!(
        alice
            .get("/lakou/_wanted")
            .await
            .main()
            .contains("Aucune page demandée")
    );
    // Seeded: Home links to Charte; the procedure is linked from another wiki only.
    assert_eq!(
        orphans(&mut alice, "lakou").await,
        ["Procédures/Réception des dons"]
    );

    alice
        .save_page(
            "lakou",
            "Atelier",
            "# Atelier\n\n[[Outils]], [[Horaires]] et [[Atelier]].\n",
        )
        .await
        .expect(303);
    assert_eq!(
        wanted(&mut alice, "lakou").await,
        [row("Horaires", &["Atelier"]), row("Outils", &["Atelier"])]
    );
    let reply = alice.get("/lakou/_wanted").await;
    let create = reply.link_with_text("Créer");
    assert_eq!(create.href(), Some("/lakou/_edit/Horaires"));
    // A page's link to itself does not save it from being an orphan.
    assert_eq!(
        orphans(&mut alice, "lakou").await,
        ["Atelier", "Procédures/Réception des dons"]
    );

    alice
        .save_page("lakou", "Outils", "# Outils\n")
        .await
        .expect(303);
    assert_eq!(
        wanted(&mut alice, "lakou").await,
        [row("Horaires", &["Atelier"])]
    );

    // A push: its missing link is reported by the same index, and counted at once.
    let git = server.git_client();
    let work = git.clone("lakou", Some(("alice", PASSWORD)), "work");
    write(
        &work,
        "Planning.md",
        "# Planning\n\n[[Horaires]], [[Atelier]], [[commun:Absent]].\n",
    );
    git.ok(&work, &["add", "-A"]);
    git.ok(&work, &["commit", "--quiet", "-m", "Planning"]);
    let pushed = git.ok(&work, &["push", "--quiet", "origin", "HEAD"]);
    assert!(pushed.contains("Planning → Horaires"), "{pushed}");
    assert!(pushed.contains("Planning → commun:Absent"), "{pushed}");
    assert!(!pushed.contains("→ Atelier"), "{pushed}");
    assert_eq!(
        wanted(&mut alice, "lakou").await,
        [row("Horaires", &["Atelier", "Planning"])]
    );
    assert_eq!(
        orphans(&mut alice, "lakou").await,
        ["Planning", "Procédures/Réception des dons"]
    );

    // A rename without a redirect: the old name is wanted again, the new one is an orphan.
    alice
        .rename_page("lakou", "Outils", "Matériel", false, "")
        .await
        .expect(303);
    assert_eq!(
        wanted(&mut alice, "lakou").await,
        [
            row("Horaires", &["Atelier", "Planning"]),
            row("Outils", &["Atelier"])
        ]
    );
    assert_eq!(
        orphans(&mut alice, "lakou").await,
        ["Matériel", "Planning", "Procédures/Réception des dons"]
    );

    // A delete: what only it linked to is no longer wanted by it.
    alice.delete_page("lakou", "Planning", "").await.expect(303);
    assert_eq!(
        wanted(&mut alice, "lakou").await,
        [row("Horaires", &["Atelier"]), row("Outils", &["Atelier"])]
    );
}

#[tokio::test]
async fn the_link_index_is_rebuilt_when_it_is_missing_or_damaged() {
    let dir = farm().write();
    let server = dir.start();
    let mut alice = server.signed_in("alice").await;
    alice
        .save_page("lakou", "Atelier", "# Atelier\n\n[[Outils]]\n")
        .await
        .expect(303);
    let before = wanted(&mut alice, "lakou").await;
    assert_eq!(before, [row("Outils", &["Atelier"])]);
    let file = dir.data_dir().join("link-index").join("lakou.links");
    // The index is written within a few seconds of a change.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !std::fs::read_to_string(&file).is_ok_and(|text| text.contains("Atelier")) {
        assert!(
            std::time::Instant::now() < deadline,
            "the index was not written"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server.stop();

    // The index thrown away while the server is down: the next start rebuilds it from git.
    std::fs::remove_dir_all(dir.data_dir().join("link-index")).expect("removing the index");
    let server = dir.start();
    let mut alice = server.signed_in("alice").await;
    assert_eq!(wanted(&mut alice, "lakou").await, before);
    let links = alice.get("/lakou/_links/Charte").await.expect(200);
    assert!(
        links.main().contains("href=\"/prive/Notes\""),
        "{}",
        links.main()
    );
    server.stop();

    // A damaged file is rebuilt from git, not believed.
    std::fs::create_dir_all(dir.data_dir().join("link-index")).expect("folder");
    std::fs::write(&file, "konbit-links 1\ntree 00\nP\tAtelier\nL\t\t..\n").expect("write");
    let server = dir.start();
    let mut alice = server.signed_in("alice").await;
    assert_eq!(wanted(&mut alice, "lakou").await, before);
    assert!(server.log().contains("rebuilding it"), "{}", server.log());
}

#[tokio::test]
async fn hostile_link_targets_stay_inside_the_farm_and_never_break_a_page() {
    let many: String = (0..10_000).map(|i| format!("[[P{i}]] ")).collect();
    let dir = farm()
        .wiki(
            Wiki::new("bad", "lakou", "public")
                .page("Home", "# Bad\n")
                .page(
                    "Hostile",
                    "# Hostile\n\n[[lakou:../x]] [[javascript:alert(1)]] [[lakou:javascript:alert(2)]] \
                     [[a/../../b]] [[_x/Y]] [[A\u{7}B]] [[lakou:_files/evil]] [[Hostile]] \
                     [[prive:../lakou/Charte]] [[lakou:Charte\"><script>x</script>]]\n",
                )
                .page("Many", &format!("# Many\n\n{many}\n"))
                .page("Loop A", "#REDIRECT [[Loop B]]\n")
                .page("Loop B", "#REDIRECT [[Loop A]]\n"),
        )
        .write();
    let server = dir.start();
    let mut visitor = server.browser();
    let page = visitor.get("/bad/Hostile").await.expect(200);
    for link in page.links() {
        let Some(class) = link.class() else { continue };
        if !class.starts_with("wikilink") {
            continue;
        }
        if let Some(href) = link.href() {
            assert!(href.starts_with('/') && !href.starts_with("//"), "{href}");
            assert!(
                !href.contains("/../") && !href.contains(':') || href.contains("%3A"),
                "{href}"
            );
        }
    }
    assert!(!page.main().contains("<script"), "{}", page.main());
    assert!(!page.text.contains("href=\"javascript"));
    let wanted_pages = wanted(&mut visitor, "bad").await;
    assert_eq!(
        wanted_pages.len(),
        10_000,
        "every link of Many, none of the hostile names"
    );
    assert!(wanted_pages.iter().all(|(_, from)| from == &["Many"]));
    // Redirect loops are followed one hop at most.
    let reply = visitor.get("/bad/Loop%20A").await.expect(303);
    let next = reply.location().expect("a redirect").to_owned();
    visitor.get(&next).await.expect(200);

    // A wiki removed from farm.toml: links to it are ordinary names again, nothing fails.
    let toml = dir.read_config("farm.toml");
    let without = remove_wiki(&toml, "prive");
    dir.write_config("farm.toml", &without);
    server.wait_for_log("configuration reloaded", Duration::from_secs(20));
    let page = visitor.get("/commun/Liens").await.expect(200);
    let link = page.link_with_text("prive:Secret");
    assert_eq!(link.class(), Some("wikilink missing"));
    assert_eq!(link.href(), Some("/commun/prive%3ASecret"));
    visitor.get("/lakou/_links/Charte").await.expect(200);
    // Back in farm.toml, the wiki's slug is a wiki's again at the next view, though the page
    // did not change.
    dir.write_config("farm.toml", &toml);
    server.wait_for_log("configuration reloaded", Duration::from_secs(20));
    let page = visitor.get("/commun/Liens").await.expect(200);
    let link = page.link_with_text("prive:Secret");
    assert_eq!(link.class(), Some("wikilink interwiki missing"));
    assert_eq!(link.href(), Some("/prive/Secret"));
}

/// farm.toml without the table of wiki `slug`.
fn remove_wiki(toml: &str, slug: &str) -> String {
    let mut kept = String::new();
    let mut skipping = false;
    for line in toml.lines() {
        if line.starts_with('[') {
            skipping = line.trim() == format!("[wikis.{slug}]");
        }
        if !skipping {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

/// A wiki whose page `Guides/Accueil des bénévoles` is linked in every way a page can be, with a
/// picture beside it, and another wiki that links to it too.
fn moving_farm() -> Farm {
    Farm::new()
        .person("alice")
        .organisation("lakou", "Lakou", &[("alice", "editor")])
        .wiki(
            Wiki::new("atelier", "lakou", "public")
                .page(
                    "Home",
                    "# Atelier\n\n[[Guides/Accueil des bénévoles]] et \
                     [[Guides/Accueil des bénévoles#Horaires|les horaires]].\n",
                )
                .page("Guides/Index", "# Index\n\n- [[Accueil des bénévoles]]\n- [[Voisin]]\n")
                .page(
                    "Guides/Voisin",
                    "# Voisin\n\n[retour](Accueil%20des%20b%C3%A9n%C3%A9voles.md)\n",
                )
                .page(
                    "Autre/Page",
                    "# Autre\n\n| Où | Lien |\n|---|---|\n| ici | [[Guides/Accueil des bénévoles\\|la page]] |\n\n\
                     [encore](../Guides/Accueil%20des%20b%C3%A9n%C3%A9voles.md#horaires)\n",
                )
                .page(
                    "Guides/Accueil des bénévoles",
                    "# Accueil des bénévoles\n\n![Le plan](images/plan.png)\n\n\
                     Voir [[Voisin]], [le voisin](Voisin.md), [[Home]] et [moi](Accueil%20des%20b%C3%A9n%C3%A9voles.md).\n\n\
                     ## Horaires\n\nLe matin.\n",
                )
                .file("Guides/images/plan.png", b"\x89PNG\r\n\x1a\nplan".to_vec()),
        )
        .wiki(
            Wiki::new("commun", "lakou", "public")
                .title("Le commun")
                .page("Home", "# Commun\n")
                .page("Liens", "# Liens\n\n[[atelier:Guides/Accueil des bénévoles]]\n"),
        )
}

/// The links and pictures inside a page's content: (address, class).
fn content_links(reply: &Reply) -> Vec<(String, String)> {
    let main = reply.main();
    let start = main
        .find("<div class=\"markdown\"")
        .expect("the page's content");
    let content = &main[start..];
    let mut found = Vec::new();
    for (tag, attribute) in [("<a ", "href=\""), ("<img ", "src=\"")] {
        for piece in content.split(tag).skip(1) {
            let element = &piece[..piece.find('>').unwrap_or(piece.len())];
            let Some(at) = element.find(attribute) else {
                continue;
            };
            let value = &element[at + attribute.len()..];
            let value = value[..value.find('"').expect("quoted")].replace("&amp;", "&");
            // A heading's own anchor is not a link to follow.
            if value.starts_with('#') {
                continue;
            }
            let class = element
                .find("class=\"")
                .map(|c| element[c + 7..].split('"').next().unwrap_or("").to_owned())
                .unwrap_or_default();
            found.push((value, class));
        }
    }
    found
}

#[tokio::test]
async fn a_move_into_another_folder_keeps_every_link_and_picture_working() {
    let server = moving_farm().start();
    let mut alice = server.signed_in("alice").await;
    let form_url = "/atelier/_rename/Guides/Accueil%20des%20b%C3%A9n%C3%A9voles";
    let form = alice.get(form_url).await.expect(200);
    assert!(
        form.text.contains("name=\"update\" value=\"yes\" checked"),
        "{}",
        form.text
    );
    let csrf = form.csrf();
    let to = "Équipe/Bénévoles/Accueil";
    let fields = [
        ("csrf", csrf.as_str()),
        ("to", to),
        ("redirect", "yes"),
        ("update", "yes"),
        ("message", ""),
    ];
    let before = server.dir().git_in("atelier", &["rev-parse", "HEAD"]);
    // First the list of what will change; nothing is written yet.
    let plan = alice.post_form(form_url, &fields).await.expect(200);
    let main = plan.main();
    for (page, count) in [
        ("Home", 2),
        ("Guides/Index", 1),
        ("Guides/Voisin", 1),
        ("Autre/Page", 2),
    ] {
        assert!(
            main.contains(&format!(">{page}</a> ({count} liens)")),
            "{page} with {count} links in:\n{main}"
        );
    }
    assert!(
        main.contains("Le commun : <a href=\"/commun/Liens\">Liens</a>"),
        "{main}"
    );
    assert!(main.contains("class=\"move-own\""), "{main}");
    assert_eq!(
        server.dir().git_in("atelier", &["rev-parse", "HEAD"]),
        before
    );

    let mut confirmed = fields.to_vec();
    confirmed.push(("confirm", "yes"));
    let moved = alice.post_form(form_url, &confirmed).await.expect(303);
    assert_eq!(
        moved.location(),
        Some("/atelier/%C3%89quipe/B%C3%A9n%C3%A9voles/Accueil?saved=renamed")
    );
    // One commit, which says what it changed.
    let log = server.dir().git_in(
        "atelier",
        &["log", "--format=%B", &format!("{before}..HEAD")],
    );
    assert!(log.starts_with("Renommer Guides/Accueil des bénévoles en Équipe/Bénévoles/Accueil\n\nLiens mis à jour :\n"), "{log}");
    for line in [
        "- Home (2)",
        "- Guides/Index (1)",
        "- Guides/Voisin (1)",
        "- Autre/Page (2)",
        "- Équipe/Bénévoles/Accueil (",
    ] {
        assert!(log.contains(line), "{line} in {log}");
    }
    assert_eq!(
        server.dir().git_in(
            "atelier",
            &["rev-list", "--count", &format!("{before}..HEAD")]
        ),
        "1"
    );

    // Every link and picture of every page the move touched leads where it should, directly.
    let new_address = "/atelier/%C3%89quipe/B%C3%A9n%C3%A9voles/Accueil";
    for page in ["Home", "Guides/Index", "Guides/Voisin", "Autre/Page", to] {
        let address = format!(
            "/atelier/{}",
            page.replace(' ', "%20")
                .replace('É', "%C3%89")
                .replace('é', "%C3%A9")
        );
        let reply = alice.get(&address).await.expect(200);
        let links = content_links(&reply);
        assert!(!links.is_empty(), "{page} has links");
        for (href, class) in links {
            assert!(
                !class.contains("missing"),
                "{page}: {href} is marked missing"
            );
            let followed = alice.get(&href).await;
            assert_eq!(
                followed.status, 200,
                "{page}: {href} answers {}",
                followed.status
            );
        }
        if page != "Guides/Index" && page != to {
            assert!(
                reply.main().contains(&format!("href=\"{new_address}")),
                "{page} links to the new address:\n{}",
                reply.main()
            );
        }
    }
    let moved_page = alice.get(new_address).await.expect(200);
    assert!(
        moved_page
            .main()
            .contains("src=\"/atelier/_files/Guides/images/plan.png\"")
    );
    let text = server
        .dir()
        .git_in("atelier", &["show", "HEAD:Équipe/Bénévoles/Accueil.md"]);
    assert!(
        text.contains(
            "![Le plan](../../Guides/images/plan.png)\n\n\
             Voir [[Guides/Voisin]], [le voisin](../../Guides/Voisin.md), [[Home]] et [moi](Accueil.md)."
        ),
        "{text}"
    );
    // The table cell kept its escaped pipe, the heading its anchor.
    let autre = server
        .dir()
        .git_in("atelier", &["show", "HEAD:Autre/Page.md"]);
    assert!(
        autre.contains("[[Équipe/Bénévoles/Accueil\\|la page]]"),
        "{autre}"
    );
    assert!(
        autre.contains("(../%C3%89quipe/B%C3%A9n%C3%A9voles/Accueil.md#horaires)"),
        "{autre}"
    );

    // The other wiki's link, not changed, still arrives through the redirect page.
    let commun = alice.get("/commun/Liens").await.expect(200);
    let old = commun.link_with_text("atelier:Guides/Accueil des bénévoles");
    let redirect = alice.get(old.href().expect("href")).await.expect(303);
    assert!(
        redirect
            .location()
            .expect("a location")
            .starts_with(new_address)
    );
    assert_eq!(wanted(&mut alice, "atelier").await, []);
}

#[tokio::test]
async fn a_move_that_changes_no_other_page_needs_no_confirmation() {
    let server = moving_farm().start();
    let mut alice = server.signed_in("alice").await;
    let form_url = "/atelier/_rename/Guides/Index";
    let csrf = alice.get(form_url).await.expect(200).csrf();
    let moved = alice
        .post_form(
            form_url,
            &[
                ("csrf", &csrf),
                ("to", "Guides/Sommaire"),
                ("update", "yes"),
                ("message", ""),
            ],
        )
        .await
        .expect(303);
    assert_eq!(
        moved.location(),
        Some("/atelier/Guides/Sommaire?saved=renamed")
    );
    // Onto a page that exists: refused before any list is shown.
    let csrf = alice.get("/atelier/_rename/Home").await.expect(200).csrf();
    let refused = alice
        .post_form(
            "/atelier/_rename/Home",
            &[
                ("csrf", &csrf),
                ("to", "Guides/Voisin"),
                ("update", "yes"),
                ("message", ""),
            ],
        )
        .await
        .expect(409);
    assert!(refused.main().contains("href=\"/atelier/Guides/Voisin\""));
}
