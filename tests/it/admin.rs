//! Administration on the web: organisation admins change their wikis' settings and their
//! members, farm admins create organisations, wikis and people, hand out one-time password
//! links, disable people, read the audit trail and undo; every change lands in `farm.toml` or
//! `roster.toml` themselves, keeping every line it does not touch, and never over a hand edit.
//! The pages exist only for those who hold the role.

use std::time::Duration;

use crate::git::write;
use crate::harness::{Browser, Farm, FarmDir, PASSWORD, Reply, Server, Wiki};

/// A farm of two organisations: Jardins (admin `dieu`, editor `emma`) and ReMix (admin
/// `bruno`), a farm admin `alice`, and `newbie` who belongs to none.
fn farm() -> Farm {
    Farm::new()
        .farm_admin("alice")
        .person("dieu")
        .person("emma")
        .person("bruno")
        .person("newbie")
        .organisation(
            "jardins",
            "Les Jardins",
            &[("dieu", "admin"), ("emma", "editor")],
        )
        .organisation("remix", "ReMix", &[("bruno", "admin")])
        .wiki(Wiki::new("jardins", "jardins", "private").page("Home", "# Jardins\n\nSemis.\n"))
        .wiki(Wiki::new("remix", "remix", "private").page("Home", "# ReMix\n"))
}

/// The farm written, with a hand-written comment at the top of each file and before each
/// table, as farm admins keep them.
fn commented() -> FarmDir {
    let dir = farm().write();
    for file in ["farm.toml", "roster.toml"] {
        let text = dir.read_config(file);
        let mut commented = format!("# {file} : tenu à la main et depuis le web.\n\n");
        for line in text.lines() {
            if line.starts_with('[') {
                commented.push_str(&format!("# — {} —\n", line.trim_matches(['[', ']'])));
            }
            commented.push_str(line);
            commented.push('\n');
        }
        dir.write_config(file, &commented);
    }
    dir
}

/// Every line of `before` is in `after`, in the same order, but the `changed` ones.
#[track_caller]
fn only_changed(before: &str, after: &str, changed: &[&str]) {
    let mut rest = after.lines();
    for line in before.lines().filter(|line| !changed.contains(line)) {
        assert!(
            rest.any(|other| other == line),
            "line {line:?} was lost or moved:\n{after}"
        );
    }
}

/// Sends an administration form of `page` (its token and fingerprint) to `action`.
async fn send(browser: &mut Browser, page: &str, action: &str, fields: &[(&str, &str)]) -> Reply {
    let form = browser.get(page).await.expect(200);
    let (csrf, digest) = (form.csrf(), form.field("digest"));
    let mut all = vec![("csrf", csrf.as_str()), ("digest", digest.as_str())];
    all.extend_from_slice(fields);
    browser.post_form(action, &all).await
}

async fn settings(browser: &mut Browser, wiki: &str, visibility: &str, title: &str) -> Reply {
    let page = format!("/{wiki}/_settings");
    let fields = [
        ("title", title),
        ("visibility", visibility),
        ("lang", "fr"),
        ("theme", "default"),
    ];
    send(browser, &page, &page, &fields).await
}

#[tokio::test]
async fn an_organisation_admin_opens_a_private_wiki_to_visitors_and_closes_it_again() {
    let dir = commented();
    let before = dir.read_config("farm.toml");
    let server = dir.start();
    let mut visitor = server.browser();
    let missing = visitor.get("/nosuch/").await.expect(404);
    let hidden = visitor.get("/jardins/").await.expect(404);
    assert_eq!(hidden.main(), missing.main().replace("nosuch", "jardins"));

    let mut dieu = server.signed_in("dieu").await;
    // The wiki's admin finds its settings in the wiki's navigation.
    let home = dieu.get("/jardins/").await.expect(200);
    assert!(
        home.text
            .contains("<a class=\"settings\" href=\"/jardins/_settings\">")
    );
    let page = dieu.get("/jardins/_settings").await.expect(200);
    assert!(
        page.main().contains("value=\"private\" selected"),
        "{}",
        page.main()
    );
    // Host names are the farm admins' business: an organisation admin is not offered them.
    assert!(!page.main().contains("name=\"hosts\""));
    let saved = settings(&mut dieu, "jardins", "public", "Les Jardins").await;
    assert_eq!(
        saved.expect(303).location(),
        Some("/jardins/_settings?saved=1")
    );
    let read = visitor.get("/jardins/").await.expect(200);
    assert!(read.main().contains("Semis."));
    let after = dir.read_config("farm.toml");
    only_changed(
        &before,
        &after,
        &["visibility = \"private\"", "title = \"Wiki jardins\""],
    );
    assert!(after.contains("# farm.toml : tenu à la main et depuis le web."));

    settings(&mut dieu, "jardins", "private", "Les Jardins")
        .await
        .expect(303);
    let hidden_again = visitor.get("/jardins/").await.expect(404);
    assert_eq!(hidden_again.main(), hidden.main());
}

#[tokio::test]
async fn a_member_added_edits_and_pushes_and_once_removed_cannot() {
    let dir = commented();
    let before = dir.read_config("roster.toml");
    let server = dir.start();
    let mut dieu = server.signed_in("dieu").await;
    let org = dieu.get("/_org/jardins").await.expect(200);
    assert!(org.main().contains("data-login=\"emma\""));
    let added = send(
        &mut dieu,
        "/_org/jardins",
        "/_org/jardins",
        &[("login", "newbie"), ("role", "editor")],
    )
    .await;
    assert_eq!(added.expect(303).location(), Some("/_org/jardins?saved=1"));
    only_changed(
        &before,
        &dir.read_config("roster.toml"),
        &["members = { dieu = \"admin\", emma = \"editor\" }"],
    );
    assert!(
        dir.read_config("roster.toml")
            .contains("members = { dieu = \"admin\", emma = \"editor\", newbie = \"editor\" }")
    );

    let mut newbie = server.signed_in("newbie").await;
    newbie
        .save_page("jardins", "Semis", "# Semis\n\nTomates.\n")
        .await
        .expect(303);
    let git = server.git_client();
    let work = git.clone("jardins", Some(("newbie", PASSWORD)), "newbie");
    write(&work, "Récolte.md", "# Récolte\n");
    git.ok(&work, &["add", "-A"]);
    git.ok(&work, &["commit", "--quiet", "-m", "Récolte"]);
    git.ok(&work, &["push", "--quiet", "origin", "HEAD"]);

    send(
        &mut dieu,
        "/_org/jardins",
        "/_org/jardins",
        &[("login", "newbie"), ("role", "none")],
    )
    .await
    .expect(303);
    assert_eq!(dir.read_config("roster.toml"), before);
    // The wiki is private: to a non-member it is missing, in the browser and to git.
    newbie.get("/jardins/Semis").await.expect(404);
    write(&work, "Encore.md", "# Encore\n");
    git.ok(&work, &["add", "-A"]);
    git.ok(&work, &["commit", "--quiet", "-m", "Encore"]);
    let refused = git.fails(&work, &["push", "--quiet", "origin", "HEAD"]);
    assert!(
        refused.contains("not found") || refused.contains("404"),
        "{refused}"
    );
}

#[tokio::test]
async fn administration_pages_are_missing_pages_to_everyone_without_the_role() {
    let server = farm().start();
    let mut dieu = server.signed_in("dieu").await;
    let missing_org = dieu.get("/_org/nosuch").await.expect(404);
    let other_org = dieu.get("/_org/remix").await.expect(404);
    assert_eq!(other_org.main(), missing_org.main());
    let missing_wiki = dieu.get("/nosuch/_settings").await.expect(404);
    let other_wiki = dieu.get("/remix/_settings").await.expect(404);
    assert_eq!(
        other_wiki.main(),
        missing_wiki.main().replace("nosuch", "remix")
    );
    dieu.get("/_admin").await.expect(404);
    dieu.get("/_admin/audit").await.expect(404);
    // Acting on another organisation is refused the same way, and writes nothing.
    let roster = server.dir().read_config("roster.toml");
    let csrf = dieu.csrf().await;
    let digest = dieu.get("/_org/jardins").await.expect(200).field("digest");
    let fields = [
        ("csrf", csrf.as_str()),
        ("digest", digest.as_str()),
        ("login", "dieu"),
        ("role", "admin"),
    ];
    dieu.post_form("/_org/remix", &fields).await.expect(404);
    dieu.post_form("/remix/_settings/grants", &fields)
        .await
        .expect(404);
    dieu.post_form("/_admin/people/farm-admin", &fields)
        .await
        .expect(404);
    assert_eq!(server.dir().read_config("roster.toml"), roster);
    // An editor of the organisation is no admin of it.
    let mut emma = server.signed_in("emma").await;
    let home = emma.get("/jardins/").await.expect(200);
    assert!(
        !home.text.contains("_settings"),
        "an editor is not offered the settings"
    );
    emma.get("/_org/jardins").await.expect(404);
    emma.get("/jardins/_settings").await.expect(404);
    let mut visitor = server.browser();
    let visitor_admin = visitor.get("/_admin").await.expect(404);
    let nowhere = visitor.get("/_nowhere").await.expect(404);
    assert_eq!(
        visitor_admin.main(),
        nowhere.main().replace("%5Fnowhere", "%5Fadmin")
    );
}

/// The one-time link shown on the farm's page after asking for one.
fn link_of(page: &Reply) -> String {
    let main = page.main();
    let start = main.find("<pre><code>").expect("a link shown") + "<pre><code>".len();
    let end = start + main[start..].find("</code>").expect("closed");
    main[start..end].to_owned()
}

#[tokio::test]
async fn a_farm_admin_makes_an_organisation_a_wiki_and_a_person_who_sets_a_password_once() {
    let dir = commented();
    let server = dir.start();
    let mut alice = server.signed_in("alice").await;
    let created = send(
        &mut alice,
        "/_admin",
        "/_admin/organisations",
        &[("slug", "atelier"), ("name", "Atelier Lumen")],
    )
    .await;
    assert_eq!(created.expect(303).location(), Some("/_admin?saved=1"));
    send(
        &mut alice,
        "/_admin",
        "/_admin/wikis",
        &[
            ("slug", "lumen"),
            ("title", "Studio Lumen"),
            ("owner", "atelier"),
            ("visibility", "members"),
            ("lang", "en"),
        ],
    )
    .await
    .expect(303);
    send(
        &mut alice,
        "/_admin",
        "/_admin/people",
        &[
            ("login", "zoe"),
            ("name", "Zoé Lumière"),
            ("email", "zoe@lumen.example"),
        ],
    )
    .await
    .expect(303);
    // The wiki's repository is made at once, with its welcome page.
    let home = alice.get("/lumen/").await.expect(200);
    assert!(home.main().contains("Studio Lumen"), "{}", home.main());
    let page = alice.get("/_admin").await.expect(200);
    assert!(page.main().contains("data-login=\"zoe\""));
    // Each wiki's health: its repository valid, its size on disk, its last change.
    let row = page
        .main()
        .split("<tr data-slug=\"lumen\">")
        .nth(1)
        .and_then(|row| row.split("</tr>").next())
        .expect("the new wiki's row");
    assert!(
        row.contains("<td class=\"repository\">valide</td>"),
        "{row}"
    );
    assert!(!row.contains("<td class=\"size\">0 B</td>"), "{row}");
    assert!(row.contains(" UTC</td>"), "{row}");
    send(
        &mut alice,
        "/_org/atelier",
        "/_org/atelier",
        &[("login", "zoe"), ("role", "admin")],
    )
    .await
    .expect(303);

    // Zoé has no password yet: nothing lets her in.
    let mut zoe = server.browser();
    zoe.try_sign_in("zoe", "", "/").await.expect(401);
    let csrf = alice.csrf().await;
    let issued = alice
        .post_form("/_admin/people/link", &[("csrf", &csrf), ("login", "zoe")])
        .await
        .expect(200);
    let link = link_of(&issued);
    let path = link.trim_start_matches(server.base());
    assert!(path.starts_with("/account/password/zoe."), "{path}");
    let form = zoe.get(path).await.expect(200);
    assert!(form.main().contains("Zoé Lumière"));
    let csrf = form.csrf();
    let differ = zoe
        .post_form(
            path,
            &[
                ("csrf", &csrf),
                ("password", "lumière-1"),
                ("confirm", "lumière-2"),
            ],
        )
        .await
        .expect(400);
    assert!(
        differ
            .main()
            .contains("Les deux mots de passe ne sont pas les mêmes.")
    );
    let set = zoe
        .post_form(
            path,
            &[
                ("csrf", &csrf),
                ("password", "lumière-1"),
                ("confirm", "lumière-1"),
            ],
        )
        .await
        .expect(303);
    assert_eq!(set.location(), Some("/login?login=zoe&saved=password"));
    zoe.sign_in("zoe", "lumière-1").await;
    zoe.save_page("lumen", "Palette", "# Palette\n")
        .await
        .expect(303);
    // The link is used up, and a forged one is worth nothing either.
    let mut other = server.browser();
    let used = other.get(path).await.expect(404);
    assert!(
        used.main()
            .contains("Ce lien n’est pas valable, ou il a déjà servi.")
    );
    let csrf = other.csrf().await;
    other
        .post_form(
            path,
            &[
                ("csrf", &csrf),
                ("password", "volé-volé"),
                ("confirm", "volé-volé"),
            ],
        )
        .await
        .expect(404);
    let forged = path.replacen("zoe.", "alice.", 1);
    other.get(&forged).await.expect(404);
    zoe.sign_in("zoe", "lumière-1").await;
    assert!(!dir.read_config("roster.toml").contains("volé"));

    // The link handed out is in the trail, by whom and for whom; its key is the farm's secret.
    let trail = alice.get("/_admin/audit").await.expect(200);
    let note = trail
        .main()
        .split("<li class=\"change\"")
        .find(|change| change.contains("people.zoe: one-time password link issued"))
        .expect("the link in the trail");
    assert!(note.contains("Person Alice (alice)"), "{note}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = std::fs::metadata(dir.data_dir().join("password-links.key")).expect("the key");
        assert_eq!(key.permissions().mode() & 0o777, 0o600);
    }

    // Retiring asks first, and changes nothing until confirmed.
    let asked = send(
        &mut alice,
        "/_admin",
        "/_admin/wikis/retire",
        &[("wiki", "lumen")],
    )
    .await
    .expect(200);
    assert!(asked.main().contains("data-slug=\"lumen\""));
    assert!(asked.main().contains("name=\"confirm\" value=\"yes\""));
    assert!(dir.read_config("farm.toml").contains("[wikis.lumen]"));
    // Retired, the wiki is no longer served; its repository is kept, archived.
    send(
        &mut alice,
        "/_admin",
        "/_admin/wikis/retire",
        &[("wiki", "lumen"), ("confirm", "yes")],
    )
    .await
    .expect(303);
    alice.get("/lumen/").await.expect(404);
    assert!(!dir.read_config("farm.toml").contains("[wikis.lumen]"));
    assert!(!dir.repo("lumen").exists());
    let archived: Vec<String> = std::fs::read_dir(dir.data_dir().join("_retired"))
        .expect("the archive folder")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        archived.len() == 1 && archived[0].starts_with("lumen.") && archived[0].ends_with(".git"),
        "{archived:?}"
    );
    // A new wiki of that slug starts afresh, and is retired in turn within the same second.
    let fresh = [
        ("slug", "lumen"),
        ("title", "Lumen bis"),
        ("owner", "atelier"),
        ("visibility", "members"),
        ("lang", "en"),
    ];
    send(&mut alice, "/_admin", "/_admin/wikis", &fresh)
        .await
        .expect(303);
    alice.get("/lumen/Palette").await.expect(404);
    send(
        &mut alice,
        "/_admin",
        "/_admin/wikis/retire",
        &[("wiki", "lumen"), ("confirm", "yes")],
    )
    .await
    .expect(303);
    let archives = std::fs::read_dir(dir.data_dir().join("_retired"))
        .expect("the archive folder")
        .count();
    assert_eq!(archives, 2, "each retirement keeps its own archive");
    // An undo of the first retirement brings back the repository that one archived, with its
    // pages, not the newest archive of the slug.
    let trail = alice.get("/_admin/audit").await.expect(200);
    let retired = trail
        .main()
        .split("<li class=\"change\"")
        .filter(|change| change.contains("wikis.lumen: retired"))
        .last()
        .and_then(|change| change.split("data-commit=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .expect("the retirement in the trail")
        .to_owned();
    send(
        &mut alice,
        "/_admin/audit",
        "/_admin/audit/undo",
        &[("commit", &retired)],
    )
    .await
    .expect(303);
    let palette = alice.get("/lumen/Palette").await.expect(200);
    assert!(palette.main().contains("Palette"));
}

#[tokio::test]
async fn a_disabled_person_loses_their_session_and_git_and_the_last_farm_admin_stays() {
    let server = farm().start();
    let git = server.git_client();
    let mut dieu = server.signed_in("dieu").await;
    git.clone("jardins", Some(("dieu", PASSWORD)), "before");
    let mut alice = server.signed_in("alice").await;
    send(
        &mut alice,
        "/_admin",
        "/_admin/people/disabled",
        &[("login", "dieu"), ("disabled", "true")],
    )
    .await
    .expect(303);
    // Signed out everywhere: the next request is a visitor's.
    let account = dieu.get("/account").await;
    assert_eq!(account.status, 303, "{}", account.text);
    dieu.get("/jardins/").await.expect(404);
    let mut again = server.browser();
    again.try_sign_in("dieu", PASSWORD, "/").await.expect(401);
    let url = git.url("jardins", Some(("dieu", PASSWORD)));
    let refused = git.fails(&git.home, &["clone", "--quiet", &url, "after"]);
    assert!(
        refused.contains("401") || refused.contains("Authentication"),
        "{refused}"
    );

    // The farm cannot lose its last farm admin.
    let roster = server.dir().read_config("roster.toml");
    for (action, field) in [
        ("/_admin/people/disabled", ("disabled", "true")),
        ("/_admin/people/farm-admin", ("farm_admin", "false")),
    ] {
        let refused = send(&mut alice, "/_admin", action, &[("login", "alice"), field]).await;
        let refused = refused.expect(409);
        assert!(
            refused
                .main()
                .contains("La ferme doit garder au moins une personne qui l’administre."),
            "{}",
            refused.main()
        );
    }
    assert_eq!(server.dir().read_config("roster.toml"), roster);

    send(
        &mut alice,
        "/_admin",
        "/_admin/people/disabled",
        &[("login", "dieu"), ("disabled", "false")],
    )
    .await
    .expect(303);
    again.sign_in("dieu", PASSWORD).await;
    git.clone("jardins", Some(("dieu", PASSWORD)), "after");
}

#[tokio::test]
async fn a_hand_edit_applied_by_a_refused_web_change_still_ends_the_sessions_it_should() {
    let dir = farm().write();
    let server = dir.start();
    let mut emma = server.signed_in("emma").await;
    let mut alice = server.signed_in("alice").await;
    let form = alice.get("/_admin").await.expect(200);
    let (csrf, digest) = (form.csrf(), form.field("digest"));
    // Emma is disabled by hand, and at once a web change made on the form shown before comes
    // in: refused as stale, after it has put the hand edit in force.
    let roster = dir.read_config("roster.toml");
    let disabled = roster.replace("[people.emma]\n", "[people.emma]\ndisabled = true\n");
    assert_ne!(disabled, roster);
    dir.write_config("roster.toml", &disabled);
    let fields = [
        ("csrf", csrf.as_str()),
        ("digest", digest.as_str()),
        ("slug", "neuve"),
        ("name", "Neuve"),
    ];
    alice
        .post_form("/_admin/organisations", &fields)
        .await
        .expect(409);
    // Re-enabled by hand with the same password, she is not signed in again by her old session.
    std::thread::sleep(Duration::from_millis(1200));
    dir.write_config("roster.toml", &roster);
    server.wait_for_log("configuration reloaded", Duration::from_secs(10));
    let account = emma.get("/account").await;
    assert_eq!(account.status, 303, "{}", account.text);
}

#[tokio::test]
async fn a_hand_edit_racing_a_web_change_is_kept_and_shown() {
    let dir = farm().write();
    let server = dir.start();
    let mut dieu = server.signed_in("dieu").await;
    let form = dieu.get("/jardins/_settings").await.expect(200);
    let (csrf, digest) = (form.csrf(), form.field("digest"));
    // Meanwhile, on the server, someone edits farm.toml by hand.
    let hand = dir.read_config("farm.toml").replace(
        "title = \"Wiki jardins\"",
        "title = \"Jardins (à la main)\" # édité à la main",
    );
    dir.write_config("farm.toml", &hand);
    let fields = [
        ("csrf", csrf.as_str()),
        ("digest", digest.as_str()),
        ("title", "Par le web"),
        ("visibility", "public"),
        ("lang", "fr"),
        ("theme", "default"),
    ];
    let stale = dieu
        .post_form("/jardins/_settings", &fields)
        .await
        .expect(409);
    assert!(
        stale
            .main()
            .contains("La configuration a été modifiée entre-temps")
    );
    assert!(
        stale.main().contains("value=\"Jardins (à la main)\""),
        "{}",
        stale.main()
    );
    assert_eq!(dir.read_config("farm.toml"), hand);
    // From the values shown, the change goes through and the hand edit's comment stays.
    settings(&mut dieu, "jardins", "public", "Jardins (à la main)")
        .await
        .expect(303);
    let after = dir.read_config("farm.toml");
    assert!(
        after.contains("title = \"Jardins (à la main)\" # édité à la main"),
        "{after}"
    );
    assert!(after.contains("visibility = \"public\""));
    // The trail tells the two apart: the hand edit found on disk, then Dieu's change alone.
    let mut alice = server.signed_in("alice").await;
    let trail = alice.get("/_admin/audit").await.expect(200);
    let changes: Vec<&str> = trail.main().split("<li class=\"change\"").skip(1).collect();
    assert!(changes[0].contains("Person Dieu (dieu)"), "{}", changes[0]);
    assert!(
        changes[0].contains("visibility = &quot;public&quot;")
            || changes[0].contains("visibility = \"public\"")
    );
    let added = |change: &str| -> Vec<String> {
        change
            .split("<tr class=\"added\">")
            .skip(1)
            .map(|row| crate::harness::strip_tags(row.split("</tr>").next().unwrap_or("")))
            .collect()
    };
    assert_eq!(added(changes[0]), ["+visibility = &quot;public&quot;"]);
    assert!(
        changes[1].contains("modifié sur le disque"),
        "{}",
        changes[1]
    );
    assert!(changes[1].contains("édité à la main"), "{}", changes[1]);
}

/// A refused form: where it is sent, its fields, the status and words of the answer.
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], u16, &'a str);

#[tokio::test]
async fn bad_input_is_refused_with_its_reason_and_writes_nothing() {
    let dir = farm().write();
    let server = dir.start();
    let (farm_toml, roster_toml) = (dir.read_config("farm.toml"), dir.read_config("roster.toml"));
    let mut alice = server.signed_in("alice").await;
    let cases: &[Case] = &[
        (
            "/_admin/organisations",
            &[("slug", "Les Jardins"), ("name", "X")],
            400,
            "lettres minuscules",
        ),
        (
            "/_admin/organisations",
            &[("slug", "search"), ("name", "X")],
            400,
            "une adresse de la ferme",
        ),
        (
            "/_admin/organisations",
            &[("slug", "remix"), ("name", "X")],
            409,
            "déjà pris",
        ),
        (
            "/_admin/organisations",
            &[("slug", "neuve"), ("name", "")],
            400,
            "Le nom",
        ),
        (
            "/_admin/wikis",
            &[
                ("slug", "jardins"),
                ("title", "T"),
                ("owner", "remix"),
                ("visibility", "public"),
                ("lang", "fr"),
            ],
            409,
            "déjà pris",
        ),
        (
            "/_admin/wikis",
            &[
                ("slug", "neuf"),
                ("title", "T"),
                ("owner", "nosuch"),
                ("visibility", "public"),
                ("lang", "fr"),
            ],
            400,
            "Cette organisation n’existe pas.",
        ),
        (
            "/_admin/wikis",
            &[
                ("slug", "neuf"),
                ("title", "T"),
                ("owner", "remix"),
                ("visibility", "public"),
                ("lang", "tlh"),
            ],
            400,
            "Cette langue n’est pas connue.",
        ),
        (
            "/_admin/people",
            &[("login", "Zoé"), ("name", "Z"), ("email", "z@example.org")],
            400,
            "Un identifiant",
        ),
        (
            "/_admin/people",
            &[
                ("login", "zoe"),
                ("name", "Z"),
                ("email", "pas une adresse"),
            ],
            400,
            "L’adresse e-mail",
        ),
        (
            "/_admin/people",
            &[
                ("login", "zoe"),
                ("name", "Z\"\n[people.x]"),
                ("email", "z@example.org"),
            ],
            400,
            "Le nom affiché",
        ),
        (
            "/_admin/people/disabled",
            &[("login", "ghost"), ("disabled", "true")],
            400,
            "pas dans le registre",
        ),
        (
            "/_admin/wikis/retire",
            &[("wiki", "nosuch"), ("confirm", "yes")],
            400,
            "Ce wiki n’existe pas.",
        ),
        (
            "/_admin/organisations",
            &[("slug", "neuve"), ("name", "<b>Neuve</b>")],
            400,
            "Le nom doit compter",
        ),
        (
            "/_org/jardins",
            &[("login", "newbie"), ("role", "owner")],
            400,
            "Ce rôle n’existe pas",
        ),
        (
            "/_org/jardins",
            &[("login", "ghost"), ("role", "reader")],
            400,
            "pas dans le registre",
        ),
        (
            "/jardins/_settings",
            &[
                ("title", "T"),
                ("visibility", "public"),
                ("lang", "fr"),
                ("theme", "../../etc"),
            ],
            400,
            "Ce thème n’existe pas.",
        ),
        (
            "/jardins/_settings",
            &[
                ("title", "T"),
                ("visibility", "public"),
                ("lang", "fr"),
                ("theme", "default"),
                ("hosts", "wiki.example/evil"),
            ],
            400,
            "nom d’hôte",
        ),
        (
            "/jardins/_settings",
            &[
                ("title", "T"),
                ("visibility", "secret"),
                ("lang", "fr"),
                ("theme", "default"),
            ],
            400,
            "La visibilité est publique, membres ou privée.",
        ),
    ];
    for (action, fields, status, reason) in cases {
        let page = if action.starts_with("/_org/") || action.ends_with("_settings") {
            action.to_string()
        } else {
            "/_admin".to_owned()
        };
        let refused = send(&mut alice, &page, action, fields).await;
        assert_eq!(
            refused.status,
            *status,
            "{action} {fields:?}: {}",
            refused.main()
        );
        assert!(
            refused.main().contains(reason),
            "{action} {fields:?}: {}",
            refused.main()
        );
    }
    // A form whose token is not the session's is refused before anything is read.
    let digest = alice.get("/_admin").await.expect(200).field("digest");
    alice
        .post_form(
            "/_admin/organisations",
            &[
                ("csrf", "forged"),
                ("digest", &digest),
                ("slug", "neuve"),
                ("name", "N"),
            ],
        )
        .await
        .expect(403);
    assert_eq!(dir.read_config("farm.toml"), farm_toml);
    assert_eq!(dir.read_config("roster.toml"), roster_toml);

    // A wiki removed from farm.toml by hand leaves its repository: a new wiki never takes it.
    let without = farm_toml.replace("[wikis.remix]", "[wikis.remix-old]");
    dir.write_config("farm.toml", &without);
    server.wait_for_log("configuration reloaded", Duration::from_secs(10));
    let taken = send(
        &mut alice,
        "/_admin",
        "/_admin/wikis",
        &[
            ("slug", "remix"),
            ("title", "Nouveau"),
            ("owner", "remix"),
            ("visibility", "public"),
            ("lang", "fr"),
        ],
    )
    .await
    .expect(409);
    assert!(taken.main().contains("déjà pris"), "{}", taken.main());
    dir.write_config("farm.toml", &farm_toml);

    // A file broken on disk by a hand edit stops every change until it is repaired.
    let mut dieu = server.signed_in("dieu").await;
    dir.write_config("roster.toml", &format!("{roster_toml}\n[people.broken\n"));
    // An organisation admin is told, without the errors, which name other wikis and people.
    let settings_page = dieu.get("/jardins/_settings").await.expect(200);
    assert!(
        settings_page
            .main()
            .contains("n’est pas valide sur le disque")
    );
    assert!(!settings_page.main().contains("people.broken"));
    assert!(!settings_page.main().contains("roster.toml:"));
    let page = alice.get("/_admin").await.expect(200);
    assert!(
        page.main().contains("n’est pas valide sur le disque"),
        "{}",
        page.main()
    );
    let refused = send(
        &mut alice,
        "/_admin",
        "/_admin/organisations",
        &[("slug", "neuve"), ("name", "N")],
    )
    .await;
    assert_eq!(refused.status, 409);
    assert!(dir.read_config("roster.toml").ends_with("[people.broken\n"));
    // A state refused on disk is no state of the farm's: the trail never records it.
    let trail = alice.get("/_admin/audit").await.expect(200);
    let changes: Vec<&str> = trail.main().split("<li class=\"change\"").skip(1).collect();
    assert!(!changes.is_empty());
    assert!(
        changes
            .iter()
            .all(|change| !change.contains("people.broken")),
        "{changes:?}"
    );

    // Repaired by hand, but naming a theme whose folder is not there yet: still refused. Once
    // the folder is copied, the same texts load, and the forms work again.
    dir.write_config("roster.toml", &roster_toml);
    dir.write_config(
        "farm.toml",
        &farm_toml.replace(
            "[wikis.jardins]\n",
            "[wikis.jardins]\ntheme = \"sombre\" # copié ensuite\n",
        ),
    );
    let page = alice.get("/_admin").await.expect(200);
    assert!(page.main().contains("no theme `sombre`"), "{}", page.main());
    let theme = dir.config_dir().join("../themes/sombre");
    std::fs::create_dir_all(&theme).expect("the theme's folder");
    std::fs::write(theme.join("style.css"), "body { color: #222 }").expect("its style");
    let page = alice.get("/_admin").await.expect(200);
    assert!(
        !page.main().contains("n’est pas valide sur le disque"),
        "{}",
        page.main()
    );
    send(
        &mut alice,
        "/_admin",
        "/_admin/organisations",
        &[("slug", "neuve"), ("name", "Neuve")],
    )
    .await
    .expect(303);
    assert!(
        dir.read_config("farm.toml")
            .contains("theme = \"sombre\" # copié ensuite")
    );
}

#[tokio::test]
async fn the_audit_trail_lists_each_change_and_an_undo_restores_the_state_before() {
    let dir = commented();
    let server = dir.start();
    let mut alice = server.signed_in("alice").await;
    settings(&mut alice, "jardins", "public", "Les Jardins")
        .await
        .expect(303);
    send(
        &mut alice,
        "/_org/remix",
        "/_org/remix",
        &[("login", "newbie"), ("role", "reader")],
    )
    .await
    .expect(303);
    // A hand edit on disk is recorded too, as found on disk.
    let hand = dir
        .read_config("roster.toml")
        .replace("name = \"ReMix\"", "name = \"ReMix coop\"");
    dir.write_config("roster.toml", &hand);
    server.wait_for_log("configuration reloaded", Duration::from_secs(10));
    let trail = alice.get("/_admin/audit").await.expect(200);
    let main = trail.main();
    let changes: Vec<&str> = main.split("<li class=\"change\"").skip(1).collect();
    assert_eq!(changes.len(), 4, "{main}");
    assert!(changes[0].contains("modifié sur le disque") && changes[0].contains("ReMix coop"));
    assert!(changes[1].contains("Person Alice (alice)"));
    assert!(changes[1].contains("organisations.remix.members.newbie: reader"));
    assert!(changes[2].contains("wikis.jardins: title, visibility"));
    assert!(
        changes[2].contains("visibility = &quot;public&quot;")
            || changes[2].contains("visibility = \"public\"")
    );
    // The first state, found at start, cannot be undone: there is nothing before it.
    assert!(!changes[3].contains("/_admin/audit/undo"));
    assert!(!main.contains("argon2id"), "password hashes never show");

    // Undo the visibility change: the wiki is private again, the later changes stay.
    let commit = changes[2]
        .split("data-commit=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a commit id");
    let undone = send(
        &mut alice,
        "/_admin/audit",
        "/_admin/audit/undo",
        &[("commit", commit)],
    )
    .await;
    assert_eq!(undone.expect(303).location(), Some("/_admin/audit?saved=1"));
    let farm_toml = dir.read_config("farm.toml");
    assert!(
        farm_toml.contains("visibility = \"private\""),
        "{farm_toml}"
    );
    assert!(
        dir.read_config("roster.toml")
            .contains("name = \"ReMix coop\"")
    );
    assert!(
        dir.read_config("roster.toml")
            .contains("newbie = \"reader\"")
    );
    server.browser().get("/jardins/").await.expect(404);
    let trail = alice.get("/_admin/audit").await.expect(200);
    let newest = trail
        .main()
        .split("<li class=\"change\"")
        .nth(1)
        .expect("a change");
    assert!(
        newest.contains(&format!("undo {}", &commit[..12])),
        "{newest}"
    );
}

#[tokio::test]
async fn a_person_changes_their_own_password() {
    let server = farm().start();
    let mut emma = server.signed_in("emma").await;
    let csrf = emma.csrf().await;
    let wrong = emma
        .post_form(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", "pas le bon"),
                ("password", "nouveau-123"),
                ("confirm", "nouveau-123"),
            ],
        )
        .await
        .expect(403);
    assert!(
        wrong
            .main()
            .contains("Le mot de passe actuel n’est pas le bon.")
    );
    let short = emma
        .post_form(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", PASSWORD),
                ("password", "court"),
                ("confirm", "court"),
            ],
        )
        .await
        .expect(400);
    assert!(short.main().contains("au moins 8 caractères"));
    // A hand edit just made, not applied yet, neither stops a password change nor is lost by it.
    let dir = server.dir();
    let hand = format!(
        "{}\n# une note écrite à la main\n",
        dir.read_config("roster.toml")
    );
    dir.write_config("roster.toml", &hand);
    let changed = emma
        .post_form(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", PASSWORD),
                ("password", "nouveau-123"),
                ("confirm", "nouveau-123"),
            ],
        )
        .await
        .expect(303);
    assert_eq!(changed.location(), Some("/account?saved=password"));
    let roster = dir.read_config("roster.toml");
    assert!(roster.contains("# une note écrite à la main"), "{roster}");
    assert_ne!(roster, hand, "the new password is written");
    // The session goes on under the new password; the old one no longer signs in.
    let page = emma.get("/account?saved=password").await.expect(200);
    assert!(page.main().contains("Votre mot de passe est changé."));
    server
        .browser()
        .try_sign_in("emma", PASSWORD, "/")
        .await
        .expect(401);
    server.browser().sign_in("emma", "nouveau-123").await;
    // An undo never sets a password back.
    let mut alice = server.signed_in("alice").await;
    let trail = alice.get("/_admin/audit").await.expect(200);
    let commit = trail
        .main()
        .split("data-commit=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the newest change")
        .to_owned();
    let roster = server.dir().read_config("roster.toml");
    let refused = send(
        &mut alice,
        "/_admin/audit",
        "/_admin/audit/undo",
        &[("commit", &commit)],
    )
    .await
    .expect(409);
    assert!(
        refused
            .main()
            .contains("un mot de passe n’est jamais remis en arrière")
    );
    assert_eq!(server.dir().read_config("roster.toml"), roster);
}

#[tokio::test]
async fn killing_the_server_during_a_burst_of_changes_leaves_both_files_valid() {
    let dir = commented();
    let mut server: Server = dir.start();
    let mut alice = server.signed_in("alice").await;
    let mut dieu = server.signed_in("dieu").await;
    let first = alice.get("/_admin").await.expect(200);
    let csrf_alice = first.csrf();
    let csrf_dieu = dieu.csrf().await;
    let mut burst = Vec::new();
    for i in 0..40 {
        let (mut alice, mut dieu) = (alice.clone(), dieu.clone());
        let (csrf_alice, csrf_dieu) = (csrf_alice.clone(), csrf_dieu.clone());
        burst.push(tokio::spawn(async move {
            let digest = alice.get("/_admin").await.field("digest");
            let title = format!("Titre {i}");
            let role = if i % 2 == 0 { "reader" } else { "editor" };
            let _ = alice
                .post_form(
                    "/_org/remix",
                    &[
                        ("csrf", &csrf_alice),
                        ("digest", &digest),
                        ("login", "newbie"),
                        ("role", role),
                    ],
                )
                .await;
            let _ = dieu
                .post_form(
                    "/jardins/_settings",
                    &[
                        ("csrf", &csrf_dieu),
                        ("digest", &digest),
                        ("title", &title),
                        ("visibility", "private"),
                        ("lang", "fr"),
                        ("theme", "default"),
                    ],
                )
                .await;
        }));
    }
    // Killed as soon as the first change is on disk, with the others in flight.
    let before = (dir.read_config("farm.toml"), dir.read_config("roster.toml"));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while (dir.read_config("farm.toml"), dir.read_config("roster.toml")) == before {
        assert!(
            std::time::Instant::now() < deadline,
            "no change was written"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    for task in burst {
        let _ = task.await;
    }
    let checked = dir.check();
    assert!(
        checked.status.success(),
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    // Every hand-written comment is still there.
    for file in ["farm.toml", "roster.toml"] {
        assert!(
            dir.read_config(file)
                .starts_with(&format!("# {file} : tenu à la main"))
        );
    }
}
