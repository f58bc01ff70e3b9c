//! Malformed addresses get a clear 400 page and reveal nothing; the two Unicode spellings of a
//! name are one page. Requests are sent byte for byte, as a hostile client would send them.

use crate::harness::{Farm, Wiki, assert_only_the_farms_scripts};

fn farm() -> Farm {
    Farm::new()
        .person("alice")
        .organisation("lakou", "Lakou", &[("alice", "admin")])
        .wiki(
            Wiki::new("w", "lakou", "public")
                .page("Home", "home\n")
                // Stored decomposed ("e" + U+0301), as a Mac may write it: the seed is read in NFC.
                .page("Cafe\u{301}", "# Café\n\ncafe-page\n")
                .page("a/b", "nested\n")
                .file("doc.txt", "doc"),
        )
}

/// Every kind of malformed page path, under each surface that takes one.
const BAD_PATHS: [&str; 17] = [
    "..",
    "a/../b",
    "a/%2E%2E/b",
    "a%00b",
    "a%0Ab",
    "a%7Fb",
    "_secret",
    "a/_b",
    ".git/config",
    ".GIT/config",
    "a/.Git",
    "a%zz",
    "%FF",
    "a%C3",
    "a//b",
    "a%5Cb",
    "./Home",
];

#[tokio::test]
async fn malformed_page_paths_get_a_400_page() {
    let server = farm().start();
    for bad in BAD_PATHS {
        for prefix in ["/w/", "/w/_raw/", "/w/_files/"] {
            let target = format!("{prefix}{bad}");
            let reply = server.raw_get(&target);
            assert_eq!(reply.status, 400, "{target}: {}", reply.text);
            assert_only_the_farms_scripts(&reply);
            assert!(
                reply.text.contains("Requête invalide"),
                "{target}: {}",
                reply.text
            );
        }
    }
    // The same for a wiki that does not exist: a malformed address is refused before any wiki
    // is looked at, so the answer tells nothing about which wikis exist.
    let reply = server.raw_get("/nosuch/a/../b");
    assert_eq!(reply.status, 400, "{}", reply.text);
}

#[tokio::test]
async fn a_400_page_says_what_is_wrong_without_internal_detail() {
    let server = farm().start();
    let reply = server.raw_get("/w/a/../b");
    assert_eq!(reply.status, 400);
    // Said in the person's language (the farm's default here: French).
    assert!(
        reply
            .text
            .contains("un nom ne peut pas contenir « . » ou « .. » comme dossier"),
        "{}",
        reply.text
    );
    let reply = server.raw_get("/w/.git/config");
    assert_eq!(reply.status, 400);
    assert!(!reply.text.contains("[core]"), "{}", reply.text);
}

#[tokio::test]
async fn a_name_typed_composed_or_decomposed_is_one_page() {
    let server = farm().start();
    let mut browser = server.browser();
    let composed = browser.get("/w/Caf%C3%A9").await.expect(200);
    let decomposed = browser.get("/w/Cafe%CC%81").await.expect(200);
    assert!(composed.text.contains("cafe-page"), "{}", composed.text);
    assert!(decomposed.text.contains("cafe-page"), "{}", decomposed.text);
    let raw = browser.get("/w/_raw/Cafe%CC%81").await.expect(200);
    assert_eq!(raw.text, "# Café\n\ncafe-page\n");
    // The page list names it once, in NFC.
    let index = browser.get("/w/_pages").await.expect(200);
    assert_eq!(
        index.text.matches("href=\"/w/Caf%C3%A9\"").count(),
        1,
        "{}",
        index.text
    );
}

#[tokio::test]
async fn well_formed_neighbours_of_bad_paths_are_served() {
    // The refusals above must not catch good names that merely look alike.
    let server = farm().start();
    for good in ["/w/a/b", "/w/Home", "/w/_files/doc.txt"] {
        let reply = server.raw_get(good);
        assert_eq!(reply.status, 200, "{good}: {}", reply.text);
    }
}
