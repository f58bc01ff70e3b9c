//! Every reading route: the farm home, a wiki's home, pages, raw Markdown, the page list,
//! attachments, themes and the account page, with their content types and headers.

use crate::harness::{
    Farm, PASSWORD, Reply, Wiki, assert_only_the_farms_scripts, assert_snapshot, tag_per_line,
};

/// The bytes of a 1×1 PNG: an attachment must come back byte for byte.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xff, 0xff, 0x3f,
    0x00, 0x05, 0xfe, 0x02, 0xfe, 0xa7, 0x35, 0x81, 0x84, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

const FIRST_STEPS: &str = "# Premiers pas\n\nBienvenue, voici comment commencer.\n";

fn farm() -> Farm {
    Farm::new()
        .person("alice")
        .organisation("lakou", "Konbit Lakou", &[("alice", "editor")])
        .wiki(
            Wiki::new("w", "lakou", "public")
                .title("Wiki commun")
                .page("Home", "# Accueil du wiki\n\nLa page d’accueil.\n")
                .page("Guides/Premiers pas", FIRST_STEPS)
                .page("Sans titre", "Une page sans titre de niveau 1.\n")
                .file("images/logo.png", PNG)
                .file("documents/statuts.pdf", b"%PDF-1.4 not really\n".to_vec())
                .file("notes.txt", "Des notes, accentuées.\n")
                .file("dessin.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
                .file("page.html", "<p>html</p>")
                .file("archive.inconnu", b"\x00\x01binary".to_vec()),
        )
        .wiki(
            Wiki::new("idx", "lakou", "public").page("index", "# Index page\n\nhome-from-index\n"),
        )
        .wiki(Wiki::new("nohome", "lakou", "public").page("Other", "# Other\n"))
        .wiki(Wiki::new("fresh", "lakou", "public"))
}

#[track_caller]
fn assert_content_type(reply: &Reply, expected: &str) {
    assert_eq!(reply.header("content-type"), Some(expected), "{reply:?}");
}

#[tokio::test]
async fn the_farm_home_is_an_html_page_listing_wikis() {
    let server = farm().start();
    let mut browser = server.browser();
    let home = browser.get("/").await.expect(200);
    assert_only_the_farms_scripts(&home);
    assert_eq!(home.header("x-frame-options"), Some("DENY"));
    assert!(
        home.text.contains("<h1>Ferme de test</h1>"),
        "{}",
        home.text
    );
    assert_eq!(home.link_with_text("Wiki commun").href(), Some("/w/"));
    assert!(
        home.text
            .contains("<span class=\"wiki-owner\">Konbit Lakou</span>")
    );
    assert!(home.text.contains("visibility-public"));
}

#[tokio::test]
async fn a_wiki_without_its_slash_redirects_permanently() {
    let server = farm().start();
    let reply = server.browser().get("/w").await.expect(308);
    assert_eq!(reply.location(), Some("/w/"));
}

#[tokio::test]
async fn the_wiki_home_is_home_md_then_index_md() {
    let server = farm().start();
    let mut browser = server.browser();
    let home = browser.get("/w/").await.expect(200);
    assert_only_the_farms_scripts(&home);
    assert!(home.text.contains("La page d’accueil."), "{}", home.text);
    assert!(
        home.text
            .contains("<title>Accueil du wiki — Wiki commun</title>")
    );

    let index = browser.get("/idx/").await.expect(200);
    assert!(index.text.contains("home-from-index"), "{}", index.text);

    // A wiki declared without a seed gets a welcome page in its first commit.
    let fresh = browser.get("/fresh/").await.expect(200);
    assert!(
        fresh.text.contains("Bienvenue sur le wiki"),
        "{}",
        fresh.text
    );
}

#[tokio::test]
async fn a_wiki_without_a_home_page_says_so() {
    let server = farm().start();
    let reply = server.browser().get("/nohome/").await.expect(404);
    assert_only_the_farms_scripts(&reply);
    assert!(
        reply
            .text
            .contains("Ce wiki n’a pas encore de page d’accueil."),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn a_page_in_a_folder_is_rendered_with_its_title() {
    let server = farm().start();
    let mut browser = server.browser();
    let page = browser.get("/w/Guides/Premiers%20pas").await.expect(200);
    assert_only_the_farms_scripts(&page);
    assert_content_type(&page, "text/html; charset=utf-8");
    assert!(page.text.contains("Bienvenue, voici comment commencer."));
    assert!(
        page.text
            .contains("<title>Premiers pas — Wiki commun</title>")
    );
    // The page's folder leads to the page list, and its source is one click away.
    assert_eq!(
        page.link_with_text("Guides").href(),
        Some("/w/_pages#Guides")
    );
    assert_eq!(
        page.link_with_text("Source").href(),
        Some("/w/_raw/Guides/Premiers%20pas")
    );

    // A page without a level-1 heading is titled with its name.
    let untitled = browser.get("/w/Sans%20titre").await.expect(200);
    assert!(
        untitled
            .text
            .contains("<h1 class=\"page-title\">Sans titre</h1>"),
        "{}",
        untitled.text
    );
}

#[tokio::test]
async fn a_missing_page_in_a_readable_wiki_says_it_does_not_exist() {
    let server = farm().start();
    let reply = server.browser().get("/w/Pas%20encore").await.expect(404);
    assert_only_the_farms_scripts(&reply);
    assert!(reply.text.contains("Pas encore"), "{}", reply.text);
    assert!(
        reply.text.contains("Cette page n’existe pas encore."),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn raw_markdown_is_served_as_stored() {
    let server = farm().start();
    let reply = server
        .browser()
        .get("/w/_raw/Guides/Premiers%20pas")
        .await
        .expect(200);
    assert_content_type(&reply, "text/markdown; charset=utf-8");
    assert_eq!(reply.text, FIRST_STEPS);
    let csp = reply.header("content-security-policy").unwrap_or("");
    assert!(csp.contains("sandbox"), "{csp}");
}

#[tokio::test]
async fn missing_raw_pages_and_attachments_are_404_pages() {
    let server = farm().start();
    let mut browser = server.browser();
    for path in [
        "/w/_raw/Pas%20encore",
        "/w/_files/absent.png",
        "/w/_raw/images/logo.png",
        "/w/_files/Home",
        "/nosuch/",
        "/_nothing",
    ] {
        let reply = browser.get(path).await.expect(404);
        assert_only_the_farms_scripts(&reply);
        assert!(reply.text.contains("Introuvable"), "{path}: {}", reply.text);
    }
}

#[tokio::test]
async fn the_page_list_links_every_page_and_file() {
    let server = farm().start();
    let index = server.browser().get("/w/_pages").await.expect(200);
    assert_only_the_farms_scripts(&index);
    let hrefs: Vec<String> = index
        .links()
        .iter()
        .filter_map(|link| link.href().map(str::to_owned))
        .collect();
    for expected in [
        "/w/Home",
        "/w/Guides/Premiers%20pas",
        "/w/Sans%20titre",
        "/w/_files/images/logo.png",
        "/w/_files/documents/statuts.pdf",
        "/w/_files/notes.txt",
    ] {
        assert!(
            hrefs.iter().any(|href| href == expected),
            "{expected} missing from {hrefs:?}"
        );
    }
    // Pages are listed by page path, without their `.md`.
    assert!(!index.text.contains("Home.md"), "{}", index.text);
    // The whole list: pages by path, each folder announced once before its pages, then the
    // files; a visitor is offered no new-page form.
    assert_snapshot(
        &tag_per_line(index.main()).replace(server.base(), "BASE"),
        r#"
        <main class="content" id="content">
        <h1>Pages</h1>
        <p class="clone-url">
        <label for="clone-url">Cloner avec git</label> <input id="clone-url" type="text" readonly value="git clone BASE/w.git">
        </p>
        <nav class="link-reports">
        <a class="wanted" href="/w/_wanted">Pages demandées</a> <a class="orphans" href="/w/_orphans">Pages orphelines</a>
        </nav>
        <ul class="page-list">
        <li class="folder" id="Guides">Guides/</li>
        <li>
        <a href="/w/Guides/Premiers%20pas">Guides/Premiers pas</a>
        </li>
        <li>
        <a href="/w/Home">Home</a>
        </li>
        <li>
        <a href="/w/Sans%20titre">Sans titre</a>
        </li>
        </ul>
        <h2>Fichiers</h2>
        <ul class="page-list">
        <li>
        <a href="/w/_files/archive.inconnu">archive.inconnu</a>
        </li>
        <li>
        <a href="/w/_files/dessin.svg">dessin.svg</a>
        </li>
        <li>
        <a href="/w/_files/documents/statuts.pdf">documents/statuts.pdf</a>
        </li>
        <li>
        <a href="/w/_files/images/logo.png">images/logo.png</a>
        </li>
        <li>
        <a href="/w/_files/notes.txt">notes.txt</a>
        </li>
        <li>
        <a href="/w/_files/page.html">page.html</a>
        </li>
        </ul>
        </main>
        "#,
    );
}

#[tokio::test]
async fn a_breadcrumb_folder_leads_to_that_folder_in_the_page_list() {
    let server = farm().start();
    let mut browser = server.browser();
    let page = browser.get("/w/Guides/Premiers%20pas").await.expect(200);
    let href = page
        .link_with_text("Guides")
        .href()
        .expect("a link")
        .to_owned();
    let (list, fragment) = href.split_once('#').expect("a link into the page list");
    let index = browser.get(list).await.expect(200);
    assert!(
        index.text.contains(&format!("id=\"{fragment}\"")),
        "nothing in the page list has id {fragment:?}:\n{}",
        index.text
    );
}

#[tokio::test]
async fn attachments_get_their_content_types() {
    let server = farm().start();
    let mut browser = server.browser();

    let png = browser.get("/w/_files/images/logo.png").await.expect(200);
    assert_content_type(&png, "image/png");
    assert_eq!(png.bytes, PNG);
    let disposition = png.header("content-disposition").unwrap_or("");
    assert!(disposition.starts_with("inline"), "{disposition}");

    let pdf = browser
        .get("/w/_files/documents/statuts.pdf")
        .await
        .expect(200);
    assert_content_type(&pdf, "application/pdf");

    let text = browser.get("/w/_files/notes.txt").await.expect(200);
    assert_content_type(&text, "text/plain; charset=utf-8");
    assert_eq!(text.text, "Des notes, accentuées.\n");

    let unknown = browser.get("/w/_files/archive.inconnu").await.expect(200);
    assert_content_type(&unknown, "application/octet-stream");
    let disposition = unknown.header("content-disposition").unwrap_or("");
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert_eq!(unknown.bytes, b"\x00\x01binary");
}

#[tokio::test]
async fn svg_and_html_attachments_cannot_run_script_in_the_farms_origin() {
    let server = farm().start();
    let mut browser = server.browser();

    let svg = browser.get("/w/_files/dessin.svg").await.expect(200);
    assert_content_type(&svg, "image/svg+xml");
    let csp = svg.header("content-security-policy").unwrap_or("");
    assert!(csp.contains("sandbox"), "{csp}");
    assert!(!csp.contains("script-src"), "{csp}");

    let html = browser.get("/w/_files/page.html").await.expect(200);
    let csp = html.header("content-security-policy").unwrap_or("");
    assert!(csp.contains("sandbox"), "{csp}");
    let disposition = html.header("content-disposition").unwrap_or("");
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert_eq!(html.header("x-content-type-options"), Some("nosniff"));
}

#[tokio::test]
async fn the_default_theme_is_served() {
    let server = farm().start();
    let css = server
        .browser()
        .get("/_theme/default/style.css")
        .await
        .expect(200);
    assert_content_type(&css, "text/css; charset=utf-8");
    assert!(css.text.contains('{'), "{}", css.text);
    // Pages link to it.
    let home = server.browser().get("/w/").await.expect(200);
    assert!(home.text.contains("href=\"/_theme/default/style.css\""));
}

#[tokio::test]
async fn the_account_page_needs_a_person_and_shows_their_organisations() {
    let server = farm().start();
    let mut browser = server.browser();
    let reply = browser.get("/account").await.expect(303);
    assert_eq!(reply.location(), Some("/login?next=%2Faccount"));

    browser.sign_in("alice", PASSWORD).await;
    let account = browser.get("/account").await.expect(200);
    assert_only_the_farms_scripts(&account);
    assert!(account.text.contains("Person Alice"), "{}", account.text);
    assert!(account.text.contains("alice@example.org"));
    assert!(
        account.text.contains("Konbit Lakou — édition"),
        "{}",
        account.text
    );
}

#[tokio::test]
async fn a_french_wiki_may_call_its_home_page_accueil() {
    let server = Farm::new()
        .wiki(Wiki::new("fr", "org", "public").page("Accueil", "# Bienvenue\n\nmot-accueil\n"))
        .organisation("org", "Org", &[])
        .start();
    let home = server.browser().get("/fr/").await.expect(200);
    assert!(home.text.contains("mot-accueil"), "{}", home.text);
}

/// The text of the page's "last change" line.
fn last_change(page: &Reply) -> String {
    let start = page
        .text
        .find("<p class=\"page-meta\">")
        .unwrap_or_else(|| panic!("no last-change line:\n{}", page.text));
    let end = page.text[start..].find("</p>").expect("the line ends") + start;
    page.text[start..end].to_owned()
}

async fn save(browser: &mut crate::harness::Browser, page: &str, text: &str) {
    let form = browser.get(&format!("/w/_edit/{page}")).await.expect(200);
    browser
        .post_form(
            &format!("/w/_edit/{page}"),
            &[
                ("csrf", &form.csrf()),
                ("base", &form.field("base")),
                ("text", text),
                ("action", "save"),
            ],
        )
        .await
        .expect(303);
}

#[tokio::test]
async fn each_page_names_its_own_last_change_not_the_wikis() {
    let server = Farm::new()
        .person("alice")
        .person("bruno")
        .organisation(
            "lakou",
            "Konbit Lakou",
            &[("alice", "editor"), ("bruno", "editor")],
        )
        .wiki(Wiki::new("w", "lakou", "public").page("Home", "# Accueil\n"))
        .start();
    let (mut alice, mut bruno) = (server.browser(), server.browser());
    alice.sign_in("alice", PASSWORD).await;
    bruno.sign_in("bruno", PASSWORD).await;
    save(&mut alice, "Charte", "# Charte\n\nPar Alice.\n").await;
    save(&mut bruno, "Compte rendu", "# Compte rendu\n\nPar Bruno.\n").await;

    let charte = last_change(&alice.get("/w/Charte").await.expect(200));
    assert!(charte.contains("Person Alice"), "{charte}");
    assert!(!charte.contains("Person Bruno"), "{charte}");
    let compte_rendu = last_change(&alice.get("/w/Compte%20rendu").await.expect(200));
    assert!(compte_rendu.contains("Person Bruno"), "{compte_rendu}");
    // The seed's page was last changed by the commit that created the wiki.
    let home = last_change(&alice.get("/w/").await.expect(200));
    assert!(home.contains("konbit"), "{home}");
    assert!(!home.contains("Person"), "{home}");
}
