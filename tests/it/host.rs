//! Host routing: a wiki reached by its own host name is served at that host's root, with links
//! that stay at the root, while the farm's own paths keep their meaning.

use crate::harness::{Farm, PASSWORD, Wiki, assert_only_the_farms_scripts};

fn farm() -> Farm {
    Farm::new()
        .person("alice")
        .organisation("remix", "ReMix", &[("alice", "reader")])
        .wiki(
            Wiki::new("remix", "remix", "public")
                .title("ReMix")
                .host("wiki.remix.example")
                .page(
                    "Home",
                    "# ReMix\n\nremix-home. Voir [[Guides/Installer]].\n",
                )
                .page("Guides/Installer", "# Installer\n\nremix-install\n")
                .file("logo.txt", "remix-file"),
        )
        .wiki(
            Wiki::new("secret", "remix", "private")
                .host("secret.example")
                .page("Home", "# Secret\n\nsecret-home\n"),
        )
        .wiki(Wiki::new("other", "remix", "public").page("Home", "other-home\n"))
}

#[tokio::test]
async fn a_wiki_host_serves_the_wiki_at_its_root() {
    let server = farm().start();
    let mut browser = server.browser();

    let home = browser
        .get_host("wiki.remix.example", "/")
        .await
        .expect(200);
    assert_only_the_farms_scripts(&home);
    assert!(home.text.contains("remix-home"), "{}", home.text);
    // Links inside the wiki stay at the host's root.
    assert_eq!(
        home.link_with_text("Guides/Installer").href(),
        Some("/Guides/Installer")
    );
    assert_eq!(home.link_with_text("Pages").href(), Some("/_pages"));

    let page = browser
        .get_host("wiki.remix.example", "/Guides/Installer")
        .await
        .expect(200);
    assert!(page.text.contains("remix-install"), "{}", page.text);

    let raw = browser
        .get_host("wiki.remix.example", "/_raw/Guides/Installer")
        .await
        .expect(200);
    assert_eq!(raw.text, "# Installer\n\nremix-install\n");

    let file = browser
        .get_host("wiki.remix.example", "/_files/logo.txt")
        .await
        .expect(200);
    assert_eq!(file.text, "remix-file");

    let index = browser
        .get_host("wiki.remix.example", "/_pages")
        .await
        .expect(200);
    assert!(
        index
            .links()
            .iter()
            .any(|link| link.href() == Some("/Guides/Installer")),
        "{}",
        index.text
    );
}

#[tokio::test]
async fn host_names_match_without_case_or_port() {
    let server = farm().start();
    let mut browser = server.browser();
    for host in ["WIKI.ReMix.Example", "wiki.remix.example:8080"] {
        let home = browser.get_host(host, "/").await.expect(200);
        assert!(home.text.contains("remix-home"), "{host}: {}", home.text);
    }
}

#[tokio::test]
async fn a_wiki_host_does_not_reach_other_wikis() {
    let server = farm().start();
    let mut browser = server.browser();
    // On the wiki's host, `/other/Home` is a page path inside that wiki, not the other wiki.
    for path in ["/other", "/other/Home"] {
        let reply = browser
            .get_host("wiki.remix.example", path)
            .await
            .expect(404);
        assert!(!reply.text.contains("other-home"), "{path}: {}", reply.text);
        assert!(reply.text.contains("Cette page n’existe pas encore."));
    }
}

#[tokio::test]
async fn farm_paths_keep_their_meaning_on_a_wiki_host() {
    let server = farm().start();
    let mut browser = server.browser();
    let login = browser
        .get_host("wiki.remix.example", "/login")
        .await
        .expect(200);
    assert!(login.text.contains("action=\"/login\""), "{}", login.text);
    let css = browser
        .get_host("wiki.remix.example", "/_theme/default/style.css")
        .await
        .expect(200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    // An unknown host is the farm itself.
    let farm_home = browser.get_host("unknown.example", "/").await.expect(200);
    assert_eq!(farm_home.link_with_text("ReMix").href(), Some("/remix/"));
}

#[tokio::test]
async fn a_private_wiki_host_needs_a_reader() {
    let server = farm().start();
    let mut browser = server.browser();
    browser.sign_in("alice", PASSWORD).await;
    let home = browser.get_host("secret.example", "/").await.expect(200);
    assert!(home.text.contains("secret-home"), "{}", home.text);
}

#[tokio::test]
async fn a_private_wiki_host_is_not_found_for_a_visitor() {
    let server = farm().start();
    let mut browser = server.browser();
    let reply = browser.get_host("secret.example", "/").await.expect(404);
    assert!(!reply.text.contains("secret-home"), "{}", reply.text);
    assert!(reply.text.contains("Introuvable"), "{}", reply.text);
}

/// The `href` of every link of a feed and the text of its ids.
fn feed_addresses(feed: &str) -> (Vec<String>, Vec<String>) {
    let grab = |open: &str, close: char| -> Vec<String> {
        feed.split(open)
            .skip(1)
            .map(|rest| rest[..rest.find(close).unwrap_or(rest.len())].to_owned())
            .collect()
    };
    (grab("href=\"", '"'), grab("<id>", '<'))
}

#[tokio::test]
async fn a_forged_host_never_reaches_the_feed() {
    let server = farm().start();
    let mut visitor = server.browser();
    for (host, path, prefix) in [
        ("evil.example", "/remix/_feed.atom", "/remix/"),
        ("evil.example:8080", "/remix/_feed.atom", "/remix/"),
        ("wiki.remix.example", "/_feed.atom", "/"),
    ] {
        let feed = visitor.get_host(host, path).await.expect(200);
        assert!(!feed.text.contains("evil.example"), "{host}: {}", feed.text);
        // Without a base URL, the links are relative to the farm's root and the feed's id is
        // not an address.
        let (links, ids) = feed_addresses(&feed.text);
        assert!(!links.is_empty(), "{}", feed.text);
        for link in &links {
            assert!(link.starts_with(prefix), "{host}: {link}");
        }
        assert_eq!(ids[0], "urn:konbit:wiki:remix", "{}", feed.text);
    }
}

#[tokio::test]
async fn feed_addresses_come_from_the_base_url_and_the_wikis_hosts() {
    let server = farm().base_url("https://farm.example").start();
    let mut visitor = server.browser();
    for (host, path, site) in [
        (
            "evil.example",
            "/remix/_feed.atom",
            "https://farm.example/remix/",
        ),
        (
            "wiki.remix.example",
            "/_feed.atom",
            "https://wiki.remix.example/",
        ),
        (
            "WIKI.remix.example:8443",
            "/_feed.atom",
            "https://wiki.remix.example/",
        ),
    ] {
        let feed = visitor.get_host(host, path).await.expect(200);
        assert!(!feed.text.contains("evil.example"), "{host}: {}", feed.text);
        assert!(!feed.text.contains("8443"), "{host}: {}", feed.text);
        let (links, ids) = feed_addresses(&feed.text);
        assert!(links.len() > 2, "{}", feed.text);
        for link in &links {
            assert!(link.starts_with(site), "{host}: {link}");
        }
        assert!(
            links.contains(&format!("{site}_feed.atom")),
            "{host}: {links:?}"
        );
        // The feed's id is the wiki's address at the farm, whichever host served it.
        assert_eq!(ids[0], "https://farm.example/remix/", "{}", feed.text);
    }
}
