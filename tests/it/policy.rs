//! The access policy as a matrix over real HTTP: actors × visibilities × surfaces.
//!
//! The expectations are written out here as a table, not derived from `konbit::access`: a test
//! that asked the policy what to expect could never catch the policy being wrong.

use crate::harness::{Browser, Farm, PASSWORD, Server, Wiki};

/// The people of the matrix and how each one is tied to the wikis' owner organisation.
const ACTORS: [&str; 8] = [
    "visitor",  // not signed in
    "loner",    // on the roster, in no organisation, without grant
    "outsider", // admin of another organisation
    "reader",   // reader in the owner organisation
    "editor",   // editor in the owner organisation
    "orgadmin", // admin of the owner organisation
    "root",     // farm admin, in no organisation
    "guest",    // an explicit `reader` grant on each wiki, in no organisation
];

/// The three wikis, one per visibility, all owned by the organisation `own`.
const WIKIS: [&str; 3] = ["pub", "mem", "priv"];

/// Who may read which wiki: the whole policy a person can observe.
const READS: [(&str, [bool; 3]); 8] = [
    //             pub    mem    priv
    ("visitor", [true, false, false]),
    ("loner", [true, true, false]),
    ("outsider", [true, true, false]),
    ("reader", [true, true, true]),
    ("editor", [true, true, true]),
    ("orgadmin", [true, true, true]),
    ("root", [true, true, true]),
    ("guest", [true, true, true]),
];

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
    for (slug, visibility) in WIKIS.iter().zip(["public", "members", "private"]) {
        farm = farm.wiki(
            Wiki::new(slug, "own", visibility)
                .title(&format!("Titre {slug}"))
                .grant("guest", "reader")
                .page("Home", &format!("# Accueil {slug}\n\nmarker-{slug}-home\n"))
                .page("Page", &format!("# Page {slug}\n\nmarker-{slug}-page\n"))
                .file("doc.txt", format!("marker-{slug}-attachment\n")),
        );
    }
    farm
}

/// A browser for each actor, signed in through `/login` (the visitor is not).
async fn browsers(server: &Server) -> Vec<(&'static str, Browser)> {
    let mut browsers = Vec::new();
    for actor in ACTORS {
        let mut browser = server.browser();
        if actor != "visitor" {
            browser.sign_in(actor, PASSWORD).await;
        }
        browsers.push((actor, browser));
    }
    browsers
}

/// The surfaces of a wiki: (name, path under the wiki, what a reader must find there).
fn surfaces(slug: &str) -> [(&'static str, String, String); 5] {
    [
        ("home", format!("/{slug}/"), format!("marker-{slug}-home")),
        (
            "page",
            format!("/{slug}/Page"),
            format!("marker-{slug}-page"),
        ),
        (
            "raw",
            format!("/{slug}/_raw/Page"),
            format!("# Page {slug}\n\nmarker-{slug}-page\n"),
        ),
        (
            "attachment",
            format!("/{slug}/_files/doc.txt"),
            format!("marker-{slug}-attachment\n"),
        ),
        (
            "page list",
            format!("/{slug}/_pages"),
            format!("href=\"/{slug}/Page\""),
        ),
    ]
}

fn reads(actor: &str) -> [bool; 3] {
    READS
        .iter()
        .find(|(name, _)| *name == actor)
        .map(|(_, row)| *row)
        .expect("every actor has a row")
}

#[tokio::test]
async fn readable_wikis_are_served_on_every_surface() {
    let server = matrix_farm().start();
    for (actor, mut browser) in browsers(&server).await {
        for (slug, readable) in WIKIS.iter().zip(reads(actor)) {
            if !readable {
                continue;
            }
            for (surface, path, expected) in surfaces(slug) {
                let reply = browser.get(&path).await;
                assert_eq!(reply.status, 200, "{actor} reading the {surface} of {slug}");
                if surface == "raw" || surface == "attachment" {
                    assert_eq!(reply.text, expected, "{actor}: {surface} of {slug}");
                } else {
                    assert!(
                        reply.text.contains(&expected),
                        "{actor}: the {surface} of {slug} lacks {expected:?}:\n{}",
                        reply.text
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn the_farm_home_lists_exactly_the_readable_wikis() {
    let server = matrix_farm().start();
    for (actor, mut browser) in browsers(&server).await {
        let home = browser.get("/").await.expect(200);
        let listed: Vec<&str> = WIKIS
            .iter()
            .copied()
            .filter(|slug| {
                home.links()
                    .iter()
                    .any(|link| link.href() == Some(&format!("/{slug}/")))
            })
            .collect();
        let expected: Vec<&str> = WIKIS
            .iter()
            .zip(reads(actor))
            .filter(|(_, readable)| *readable)
            .map(|(slug, _)| *slug)
            .collect();
        assert_eq!(listed, expected, "wikis listed on / for {actor}");
        for slug in WIKIS.iter().zip(reads(actor)).filter(|(_, r)| !r) {
            assert!(
                !home.text.contains(&format!("Titre {}", slug.0)),
                "{actor} sees the title of {}",
                slug.0
            );
        }
    }
}

#[tokio::test]
async fn the_farm_home_shows_owner_and_visibility() {
    let server = matrix_farm().start();
    let mut root = server.browser();
    root.sign_in("root", PASSWORD).await;
    let home = root.get("/").await.expect(200);
    let owner_spans = home
        .text
        .matches("<span class=\"wiki-owner\">Organisation Propriétaire</span>")
        .count();
    assert_eq!(owner_spans, 3, "{}", home.text);
    for visibility in ["public", "members", "private"] {
        assert!(
            home.text.contains(&format!("visibility-{visibility}")),
            "no {visibility} badge:\n{}",
            home.text
        );
    }
    for slug in WIKIS {
        assert_eq!(
            home.link_with_text(&format!("Titre {slug}")).href(),
            Some(format!("/{slug}/").as_str())
        );
    }
}

/// Replaces the places where a 404 page echoes the requested address, so that the answer for an
/// unreadable wiki can be compared with the answer for a wiki that does not exist.
fn without_slug(text: &str, slug: &str) -> String {
    text.replace(&format!("/{slug}/"), "/SLUG/")
        .replace(&format!("%2F{slug}%2F"), "%2FSLUG%2F")
        .replace(&format!("/{slug}\""), "/SLUG\"")
}

#[tokio::test]
async fn unreadable_wikis_answer_exactly_like_missing_ones() {
    let server = matrix_farm().start();
    for (actor, mut browser) in browsers(&server).await {
        for (slug, readable) in WIKIS.iter().zip(reads(actor)) {
            if readable {
                continue;
            }
            for ((surface, path, expected), (_, missing_path, _)) in
                surfaces(slug).into_iter().zip(surfaces("nosuch"))
            {
                let reply = browser.get(&path).await;
                let missing = browser.get(&missing_path).await;
                assert_eq!(reply.status, 404, "{actor} reading the {surface} of {slug}");
                assert_eq!(missing.status, 404, "{actor}: {missing_path}");
                assert!(
                    !reply.text.contains(&expected),
                    "{actor}: {surface} of {slug}"
                );
                assert!(!reply.text.contains(&format!("Titre {slug}")));
                assert_eq!(
                    reply.header("content-type"),
                    missing.header("content-type"),
                    "{actor}: {surface} of {slug}"
                );
                assert_eq!(
                    without_slug(&reply.text, slug),
                    without_slug(&missing.text, "nosuch"),
                    "{actor}: the {surface} of {slug} differs from a missing wiki's"
                );
            }
            // A page that does not exist in an unreadable wiki must not get the "missing page"
            // answer that a reader gets: that would tell that the wiki exists.
            let reply = browser.get(&format!("/{slug}/No%20such%20page")).await;
            let missing = browser.get("/nosuch/No%20such%20page").await;
            assert_eq!(reply.status, 404);
            assert_eq!(
                without_slug(&reply.text, slug),
                without_slug(&missing.text, "nosuch"),
                "{actor}: missing page of {slug}"
            );
        }
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
