//! Hostile but plausible uses of the write path and the farm forms, each found in review: none
//! may lose a page, hang the farm, forge a notice or break a feed.

use crate::harness::{Farm, Server, Wiki};

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
