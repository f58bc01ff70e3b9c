//! Hostile but plausible uses of the write path and the farm forms, each found in review: none
//! may lose a page, hang the farm, forge a notice or break a feed.

use crate::harness::{Browser, Farm, PASSWORD, Reply, Server, Wiki};

fn farm() -> Farm {
    Farm::new()
        .person("eve")
        .organisation("coop", "La Coop", &[("eve", "editor")])
        .wiki(
            Wiki::new("w", "coop", "public")
                .page("Home", "# Accueil\n")
                .page("Guides/Un", "# Un\n")
                .page("Guides/Deux", "# Deux\n"),
        )
}

fn git(server: &Server, args: &[&str]) -> String {
    server.dir().git_in("w", args)
}

#[tokio::test]
async fn a_file_never_replaces_a_folder_nor_a_folder_a_file() {
    let server = farm().start();
    let mut eve = server.signed_in("eve").await;
    let before = git(&server, &["rev-list", "--count", "HEAD"]);

    // An upload named like a folder of pages.
    eve.upload("w", "Guides", "x.png", b"png").await.expect(409);
    // A page inside a "folder" that is a file.
    let refused = eve
        .save_page("w", "Home.md/Sous-page", "Mon texte gardé")
        .await
        .expect(409);
    assert!(refused.text.contains("Mon texte gardé"), "the text is kept");
    // A rename onto a path below a file.
    eve.rename_page("w", "Guides/Un", "Home.md/Un", false, "")
        .await
        .expect(409);

    assert_eq!(
        git(&server, &["rev-list", "--count", "HEAD"]),
        before,
        "nothing committed"
    );
    let files = git(&server, &["ls-tree", "-r", "--name-only", "HEAD"]);
    assert_eq!(files, "Guides/Deux.md\nGuides/Un.md\nHome.md");
}

#[tokio::test]
async fn saves_are_refused_when_head_names_no_branch() {
    let server = farm().start();
    let mut eve = server.signed_in("eve").await;
    let head = git(&server, &["rev-parse", "HEAD"]);
    git(&server, &["update-ref", "--no-deref", "HEAD", &head]);
    eve.save_page("w", "Home", "# Perdu ?\n").await.expect(503);
    assert_eq!(
        git(&server, &["rev-parse", "refs/heads/main"]),
        head,
        "no hidden commit"
    );
    // Reading still works.
    eve.get("/w/Home").await.expect(200);
}

#[tokio::test]
async fn redirect_pages_are_followed_one_hop_and_notices_cannot_be_forged() {
    let server = farm().start();
    let mut eve = server.signed_in("eve").await;
    eve.save_page("w", "Boucle", "#REDIRECT [[Boucle]]\n")
        .await
        .expect(303);
    eve.get("/w/Boucle").await.expect(200);
    eve.save_page("w", "Ping", "#REDIRECT [[Pong]]\n")
        .await
        .expect(303);
    eve.save_page("w", "Pong", "#REDIRECT [[Ping]]\n")
        .await
        .expect(303);
    let first = eve.get("/w/Ping").await.expect(303);
    assert_eq!(first.location(), Some("/w/Pong?from=Ping"));
    let second = eve.get("/w/Pong?from=Ping").await.expect(200);
    assert!(
        second.text.contains("« Ping »"),
        "a true redirect is announced"
    );

    // A link cannot make the page announce a redirect that did not happen…
    let forged = eve
        .get("/w/Home?from=Avis%20de%20s%C3%A9curit%C3%A9")
        .await
        .expect(200);
    assert!(!forged.text.contains("Avis de sécurité"), "{}", forged.text);
    assert!(!forged.text.contains("class=\"notice\""), "{}", forged.text);
    // …nor an upload that did not happen.
    let forged = eve.get("/w/_files/?uploaded=faux.png").await.expect(200);
    assert!(
        !forged.text.contains("class=\"paste\"") && !forged.text.contains("class=\"notice\""),
        "{}",
        forged.text
    );
}

#[tokio::test]
async fn control_characters_never_reach_the_feed() {
    let server = farm().start();
    let mut eve = server.signed_in("eve").await;
    eve.save_page_with_message(
        "w",
        "Home",
        "# Accueil\n\nNouveau.\n",
        "mauvais\u{1}message\u{7f}",
    )
    .await
    .expect(303);
    let subject = git(&server, &["log", "-1", "--format=%s"]);
    assert_eq!(subject, "mauvaismessage");
    let feed = server.browser().get("/w/_feed.atom").await.expect(200);
    assert!(
        feed.text.contains("<summary>mauvaismessage</summary>"),
        "{}",
        feed.text
    );
    assert!(
        !feed.text.chars().any(|c| c.is_control() && c != '\n'),
        "{}",
        feed.text
    );
}

#[tokio::test]
async fn farm_forms_refuse_oversized_bodies() {
    let server = farm().start();
    let mut visitor = server.browser();
    let csrf = visitor.get("/login").await.expect(200).csrf();
    let password = "x".repeat(200 * 1024);
    visitor
        .post_form(
            "/login",
            &[("csrf", &csrf), ("login", "eve"), ("password", &password)],
        )
        .await
        .expect(413);
    // And the farm still answers.
    server.browser().get("/").await.expect(200);
}

/// A save sent with extra headers: (the answer, the commits of `w` after it).
async fn save_with(
    eve: &mut Browser,
    server: &Server,
    host: Option<&str>,
    text: &str,
    headers: &[(&str, &str)],
) -> (Reply, usize) {
    let (editor, path) = match host {
        Some(host) => (eve.get_host(host, "/_edit/Home").await, "/_edit/Home"),
        None => (eve.get("/w/_edit/Home").await, "/w/_edit/Home"),
    };
    let editor = editor.expect(200);
    let mut all: Vec<(&str, &str)> = headers.to_vec();
    if let Some(host) = host {
        all.push(("host", host));
    }
    let reply = eve
        .post_form_with(
            path,
            &[
                ("csrf", &editor.csrf()),
                ("base", &editor.field("base")),
                ("text", text),
                ("action", "save"),
            ],
            &all,
        )
        .await;
    let commits = git(server, &["rev-list", "--count", "HEAD"])
        .parse()
        .expect("a count");
    (reply, commits)
}

#[tokio::test]
async fn a_form_sent_from_another_site_is_refused_even_with_its_token() {
    let server = farm().start();
    let mut eve = server.browser();
    eve.sign_in("eve", PASSWORD).await;
    let own = server.base().to_owned();
    let mut commits: usize = git(&server, &["rev-list", "--count", "HEAD"])
        .parse()
        .expect("a count");

    let refused: [&[(&str, &str)]; 6] = [
        &[("origin", "https://evil.example")],
        &[("origin", "null")],
        &[("sec-fetch-site", "cross-site")],
        &[("sec-fetch-site", "same-site")],
        &[("origin", &own), ("sec-fetch-site", "cross-site")],
        &[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "same-origin"),
        ],
    ];
    for (i, headers) in refused.iter().enumerate() {
        let text = format!("# Accueil\n\nVenu d’ailleurs {i}\n");
        let (reply, after) = save_with(&mut eve, &server, None, &text, headers).await;
        assert_eq!(reply.status, 403, "{headers:?}: {}", reply.text);
        assert!(
            reply.text.contains("Texte non enregistré"),
            "{}",
            reply.text
        );
        assert_eq!(after, commits, "{headers:?}: nothing was committed");
    }
    // Uploads, signing out and the language switch are refused the same way.
    let csrf = eve.get("/w/_files/").await.expect(200).csrf();
    let reply = eve
        .post_multipart_with(
            "/w/_files/",
            &[("csrf", &csrf)],
            ("file", "venu.txt", b"d'ailleurs"),
            &[("origin", "https://evil.example")],
        )
        .await
        .expect(403);
    assert!(reply.text.contains("Accès refusé"), "{}", reply.text);
    assert_eq!(
        git(&server, &["rev-list", "--count", "HEAD"]),
        commits.to_string()
    );
    let csrf = eve.csrf().await;
    let reply = eve
        .post_form_with(
            "/logout",
            &[("csrf", &csrf)],
            &[("origin", "https://evil.example")],
        )
        .await
        .expect(403);
    assert!(reply.text.contains("Accès refusé"), "{}", reply.text);
    assert!(eve.get("/").await.expect(200).text.contains("Person Eve"));
    let mut english = server.browser().with_accept_language("en");
    let csrf = english.csrf().await;
    let reply = english
        .post_form_with(
            "/_lang",
            &[("csrf", &csrf), ("lang", "fr"), ("next", "/")],
            &[("sec-fetch-site", "cross-site")],
        )
        .await
        .expect(403);
    assert!(reply.text.contains("Forbidden"), "{}", reply.text);
    assert_eq!(reply.set_cookie("konbit_lang"), None);

    // The farm's own pages, the person's own doing, and clients that say nothing.
    let accepted: [&[(&str, &str)]; 4] = [
        &[("origin", &own)],
        &[("origin", &own), ("sec-fetch-site", "same-origin")],
        &[("sec-fetch-site", "none")],
        &[],
    ];
    for (i, headers) in accepted.iter().enumerate() {
        let text = format!("# Accueil\n\nDe chez nous {i}\n");
        let (reply, after) = save_with(&mut eve, &server, None, &text, headers).await;
        assert_eq!(reply.status, 303, "{headers:?}: {}", reply.text);
        commits += 1;
        assert_eq!(after, commits, "{headers:?}: saved");
    }
}

#[tokio::test]
async fn the_farms_own_origins_are_its_base_url_and_its_wikis_hosts() {
    let server = Farm::new()
        .person("eve")
        .organisation("coop", "La Coop", &[("eve", "editor")])
        .base_url("https://farm.example")
        .wiki(
            Wiki::new("w", "coop", "public")
                .host("wiki.coop.example")
                .page("Home", "# Accueil\n"),
        )
        .start();
    let mut eve = server.browser();
    eve.sign_in("eve", PASSWORD).await;
    let own_host = server.base().to_owned();
    let cases: [(Option<&str>, &str, u16); 6] = [
        (None, "https://farm.example", 303),
        (None, "https://FARM.example:443", 303),
        // With a base URL, the address the request happened to use is not the farm's.
        (None, &own_host, 403),
        (None, "http://farm.example", 403),
        (Some("wiki.coop.example"), "https://wiki.coop.example", 303),
        (Some("wiki.coop.example"), "http://wiki.coop.example", 403),
    ];
    for (i, (host, origin, status)) in cases.iter().enumerate() {
        let text = format!("# Accueil\n\nessai {i}\n");
        let (reply, _) = save_with(&mut eve, &server, *host, &text, &[("origin", origin)]).await;
        assert_eq!(reply.status, *status, "{host:?} {origin}: {}", reply.text);
    }
}
