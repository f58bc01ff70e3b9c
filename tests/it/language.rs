//! The interface language: from Accept-Language, else the farm's default, and a choice the
//! person makes with the language switch, which wins over the browser's header.

use crate::harness::{Farm, Wiki};

fn farm() -> Farm {
    Farm::new()
        .person("alice")
        .organisation("lakou", "Lakou", &[("alice", "admin")])
        .wiki(
            Wiki::new("w", "lakou", "public")
                .page("Home", "home\n")
                .page("Page", "page\n"),
        )
}

#[tokio::test]
async fn accept_language_picks_the_interface_language() {
    let server = farm().start();
    let mut english = server
        .browser()
        .with_accept_language("en-US,en;q=0.9,fr;q=0.5");
    let page = english.get("/w/Page").await.expect(200);
    assert_eq!(page.html_lang(), Some("en"));
    assert!(page.text.contains("Sign in"), "{}", page.text);
    assert!(!page.text.contains("Se connecter"), "{}", page.text);

    let mut french = server.browser().with_accept_language("fr-CA,fr;q=0.9");
    let page = french.get("/w/Page").await.expect(200);
    assert_eq!(page.html_lang(), Some("fr"));
    assert!(page.text.contains("Se connecter"), "{}", page.text);
    assert!(!page.text.contains("Sign in"), "{}", page.text);

    // A language the interface does not speak falls back to the farm's default.
    let mut german = server.browser().with_accept_language("de-DE,de");
    assert_eq!(german.get("/").await.expect(200).html_lang(), Some("fr"));
}

#[tokio::test]
async fn the_farms_default_language_applies_without_a_header() {
    let server = farm().default_lang("en").start();
    let page = server.browser().get("/login").await.expect(200);
    assert_eq!(page.html_lang(), Some("en"));
    assert!(page.text.contains("<h1>Sign in</h1>"), "{}", page.text);
}

#[tokio::test]
async fn the_persons_choice_wins_over_the_browsers_header() {
    let server = farm().start();
    let mut browser = server.browser().with_accept_language("fr");
    let page = browser.get("/w/Page").await.expect(200);
    assert_eq!(page.html_lang(), Some("fr"));
    let reply = browser.choose_language("/w/Page", "en").await.expect(303);
    assert_eq!(reply.location(), Some("/w/Page"));
    let cookie = reply.set_cookie("konbit_lang").expect("a language cookie");
    assert!(cookie.starts_with("konbit_lang=en;"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");

    let page = browser.get("/w/Page").await.expect(200);
    assert_eq!(page.html_lang(), Some("en"));
    assert!(page.text.contains("Sign in"), "{}", page.text);
    // The switch offers the other language, in its own name.
    assert!(page.text.contains(">Français</button>"), "{}", page.text);

    // And back.
    browser.choose_language("/", "fr").await.expect(303);
    assert_eq!(browser.get("/").await.expect(200).html_lang(), Some("fr"));
}

#[tokio::test]
async fn the_language_switch_returns_only_to_local_addresses() {
    let server = farm().start();
    let mut browser = server.browser();
    let csrf = browser.csrf().await;
    let reply = browser
        .post_form(
            "/_lang",
            &[("csrf", &csrf), ("lang", "en"), ("next", "//evil.example/")],
        )
        .await
        .expect(303);
    assert_eq!(reply.location(), Some("/"));
}

#[tokio::test]
async fn the_language_switch_needs_a_token_and_a_known_language() {
    let server = farm().start();
    let mut browser = server.browser().with_accept_language("en");
    browser
        .post_form("/_lang", &[("lang", "en"), ("next", "/")])
        .await
        .expect(403);
    let csrf = browser.csrf().await;
    let reply = browser
        .post_form("/_lang", &[("csrf", &csrf), ("lang", "de"), ("next", "/")])
        .await
        .expect(400);
    assert!(reply.set_cookie("konbit_lang").is_none());
    // Error pages speak the person's language too.
    assert!(reply.text.contains("Bad request"), "{}", reply.text);
    let not_found = browser.get("/nosuch/").await.expect(404);
    assert_eq!(not_found.html_lang(), Some("en"));
    assert!(not_found.text.contains("Not found"), "{}", not_found.text);
}
