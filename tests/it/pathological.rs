//! Pages built to make rendering expensive (cmark's pathological inputs, and what an attack on
//! the farm tried): each answers within a deadline, either rendered or as "too complex to show"
//! with its raw text offered; one render serves every reader of it, old revisions included, and
//! a change to another page does not throw it away.

use std::time::{Duration, Instant};

use super::pathological_inputs::inputs;
use crate::harness::{EditForm, Farm, Reply, Server, Wiki};

/// Far above what any of these pages needs once bounded; far below what they took unbounded.
const DEADLINE: Duration = Duration::from_secs(10);

/// What a case must show.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Shown {
    /// Nested too deep to show whatever the machine: the raw text is offered instead.
    TooComplex,
    /// Either, as long as it answers in time.
    Either,
    /// An ordinary page, however long: it must be shown.
    Rendered,
}

/// Each input, with what it must show.
fn cases() -> Vec<(&'static str, String, Shown)> {
    inputs()
        .into_iter()
        .map(|(name, text)| {
            let shown = match name {
                "quotes" | "quotes-1mib" | "lists" | "indented-lists" | "divs" | "emphasis" => {
                    Shown::TooComplex
                }
                "ordinary" => Shown::Rendered,
                _ => Shown::Either,
            };
            (name, text, shown)
        })
        .collect()
}

fn farm_with(pages: &[(&str, String)]) -> Farm {
    let mut wiki = Wiki::new("w", "lakou", "public").page("Accueil", "# Accueil\n");
    for (name, text) in pages {
        wiki = wiki.page(name, text);
    }
    Farm::new()
        .person("alice")
        .organisation("lakou", "Lakou", &[("alice", "admin")])
        .wiki(wiki)
}

/// The start of a long text, for messages.
fn head(text: &str) -> &str {
    &text[..text.floor_char_boundary(600)]
}

/// The page's own part of the answer: its article.
fn article(reply: &Reply) -> &str {
    let html = &reply.text;
    let start = html
        .find("<article")
        .unwrap_or_else(|| panic!("no article in {}", head(html)));
    &html[start..start + html[start..].find("</article>").expect("the article's end")]
}

#[tokio::test]
async fn every_pathological_page_answers_in_time_shown_or_offered_raw() {
    let cases = cases();
    let pages: Vec<(&str, String)> = cases.iter().map(|(n, t, _)| (*n, t.clone())).collect();
    let server = farm_with(&pages).start();
    let mut browser = server.browser();
    for (name, text, shown) in &cases {
        let started = Instant::now();
        let page = browser.get(&format!("/w/{name}")).await.expect(200);
        let took = started.elapsed();
        assert!(took < DEADLINE, "{name} took {took:?}");

        let article = article(&page);
        let too_complex = article.contains("class=\"notice too-complex\"");
        match shown {
            Shown::TooComplex => assert!(too_complex, "{name} was shown"),
            Shown::Rendered => assert!(!too_complex, "{name} was refused: {}", head(article)),
            Shown::Either => {}
        }
        if too_complex {
            assert!(
                article.contains("Cette page est trop complexe pour être affichée"),
                "{}",
                head(article)
            );
            assert!(!article.contains("class=\"markdown"), "{name}");
            // The raw text it offers is the page, whole.
            let raw = page.link_with_text("Lire son texte source");
            let href = raw.href().expect("a link to the raw text").to_owned();
            let source = browser.get(&href).await.expect(200);
            assert!(source.text == *text, "{name}: the raw text differs");
        } else {
            assert!(
                article.contains("class=\"markdown"),
                "{name}: {}",
                head(article)
            );
        }
    }
}

#[tokio::test]
async fn a_too_complex_preview_says_so_and_keeps_the_text() {
    let server = farm_with(&[]).start();
    let mut alice = server.signed_in("alice").await;
    let form = alice.edit_page("w", "Essai").await;
    let text = "> ".repeat(5_000) + "profond\n";
    let preview = alice.preview_from(&form, &text).await.expect(200);
    let section = &preview.text[preview.text.find("class=\"preview\"").expect("a preview")..];
    assert!(
        section.contains("Cette page est trop complexe pour être affichée"),
        "{}",
        head(section)
    );
    assert!(section.contains("plus de 100 niveaux"), "{}", head(section));
    assert!(
        EditForm::of(preview).text == text,
        "the typed text was not kept"
    );
}

/// A page that is allowed but costly to render (many table rows), unique per name so that
/// its render is not shared with another page's.
fn costly(name: &str) -> String {
    format!(
        "# {name}\n\n|a|b|\n|-|-|\n{}",
        "|une cellule|une autre|\n".repeat(40_000)
    )
}

/// The server's processor time spent by `work`.
async fn cpu_of<F: std::future::Future>(server: &Server, work: F) -> (Duration, F::Output) {
    let before = server.cpu_time();
    let output = work.await;
    (server.cpu_time().saturating_sub(before), output)
}

#[tokio::test]
async fn concurrent_readers_of_one_page_share_one_render() {
    let server = farm_with(&[("Seul", costly("Seul")), ("Foule", costly("Foule"))]).start();
    let (alone, _) = cpu_of(&server, async {
        server.browser().get("/w/Seul").await.expect(200)
    })
    .await;
    assert!(
        alone >= Duration::from_millis(100),
        "the page is too cheap to tell a shared render from ten: {alone:?}"
    );

    let (ten, replies) = cpu_of(&server, async {
        let requests = (0..10).map(|_| {
            let mut browser = server.browser();
            async move { browser.get("/w/Foule").await.expect(200) }
        });
        futures_util::future::join_all(requests).await
    })
    .await;
    let first = article(&replies[0]).to_owned();
    assert!(first.contains("une cellule"), "{}", head(&first));
    assert!(replies.iter().all(|reply| article(reply) == first));
    assert!(
        ten < alone * 3,
        "ten readers cost {ten:?}, one alone {alone:?}: each made its own render"
    );
}

#[tokio::test]
async fn renders_stay_for_old_revisions_and_for_changes_elsewhere() {
    let server = farm_with(&[
        ("Lourde", costly("Lourde")),
        ("Liens", "Voir [[Nouvelle]].\n".to_owned()),
    ])
    .start();
    let mut alice = server.signed_in("alice").await;
    let first = server.dir().git_in("w", &["rev-parse", "HEAD"]);
    let first = first.trim();
    // A new revision of the page: the old one stays readable, by its commit.
    let changed = costly("Lourde") + "\nune ligne de plus\n";
    alice.save_page("w", "Lourde", &changed).await.expect(303);

    let old = format!("/w/Lourde?rev={first}");
    let (cold, reply) = cpu_of(&server, alice.get(&old)).await;
    assert!(!article(&reply).contains("une ligne de plus"));
    assert!(cold >= Duration::from_millis(100), "{cold:?}");
    let (warm, reply) = cpu_of(&server, async {
        let mut last = None;
        for _ in 0..5 {
            last = Some(alice.get(&old).await.expect(200));
        }
        last.expect("five answers")
    })
    .await;
    assert!(!article(&reply).contains("une ligne de plus"));
    assert!(
        warm < cold / 2,
        "five readings of a revision cost {warm:?}, the first {cold:?}"
    );

    // Today's page, rendered once; then another page is created, which changes the wiki's set
    // of pages but nothing this page shows.
    let (cold, _) = cpu_of(&server, alice.get("/w/Lourde")).await;
    let links = alice.get("/w/Liens").await.expect(200);
    assert_eq!(
        links.link_with_text("Nouvelle").class(),
        Some("wikilink missing")
    );
    alice
        .save_page("w", "Nouvelle", "# Nouvelle\n")
        .await
        .expect(303);
    let (after, reply) = cpu_of(&server, alice.get("/w/Lourde")).await;
    assert!(article(&reply).contains("une ligne de plus"));
    assert!(
        after < cold / 2,
        "a page created elsewhere made this one render again: {after:?} against {cold:?}"
    );
    // The page that links to the new one is rendered again: its link is no longer missing.
    let links = alice.get("/w/Liens").await.expect(200);
    assert_eq!(links.link_with_text("Nouvelle").class(), Some("wikilink"));
}
