//! Markdown as a reader sees it: wiki links (present and missing), tables, and hostile HTML
//! with nothing executable left in the served page.

use crate::harness::{Farm, OWN_SCRIPT, Wiki, assert_only_the_farms_scripts};

const LINKS: &str = "# Liens\n\n\
    Voir [[Target Page]], [[Target Page|le libellé]] et [[No Such Page]].\n\n\
    Dans un dossier : [[Guides/Sub Page]]. Lien relatif : [la cible](Target%20Page.md).\n";

const TABLE: &str = "# Tableau\n\n\
    | Parcelle | Responsable |\n\
    |----------|-------------|\n\
    | A1       | Marie       |\n\
    | B2       | Jean        |\n";

const EXTENSIONS: &str = "# Extensions\n\n\
    ## Une section\n\n\
    Du texte ~~barré~~ et une note[^n].\n\n\
    - [x] fait\n\
    - [ ] à faire\n\n\
    [^n]: La note de bas de page.\n";

const HOSTILE: &str = "# Hostile\n\n\
    <script>alert('script')</script>\n\n\
    <img src=\"x.png\" onerror=\"alert('onerror')\">\n\n\
    [cliquez](javascript:alert('link'))\n\n\
    <a href=\"javascript:alert('raw link')\">raw</a>\n\n\
    <a href=\"JaVaScRiPt&#58;alert('entity')\">entity</a>\n\n\
    <iframe src=\"https://evil.example/\"></iframe>\n\n\
    <svg><script>alert('svg')</script></svg>\n\n\
    <svg onload=\"alert('svg onload')\"></svg>\n\n\
    <div onclick=\"alert('click')\" style=\"position:fixed\">texte gardé</div>\n\n\
    <object data=\"evil.swf\"></object><embed src=\"evil.swf\">\n\n\
    <form action=\"https://evil.example/\"><input name=\"password\"></form>\n\n\
    <math><mtext><script>alert('math')</script></mtext></math>\n";

/// A page whose headings and raw HTML take the names of the interface's elements.
const COLLIDING: &str = "# Content\n\n\
    ## Main\n\n\
    <div id=\"content\" class=\"skip-link button notice\">écrit par l'auteur</div>\n\n\
    Voir [[Collide#Content]] et [plus haut](#main).\n";

fn farm() -> Farm {
    Farm::new()
        .person("alice")
        .organisation("lakou", "Lakou", &[("alice", "admin")])
        .wiki(
            Wiki::new("w", "lakou", "public")
                .host("wiki.example")
                .page("Home", "home\n")
                .page("Links", LINKS)
                .page("Target Page", "target\n")
                .page("Guides/Sub Page", "sub\n")
                .page("Table", TABLE)
                .page("Extensions", EXTENSIONS)
                .page("Hostile", HOSTILE)
                .page("Collide", COLLIDING)
                .page(
                    "Code Title",
                    "# Le code `<script>alert('title')</script>`\n\ntexte\n",
                )
                .file("evil.js", "alert(document.cookie)")
                .file(
                    "evil.svg",
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
                ),
        )
}

#[tokio::test]
async fn wiki_links_lead_to_pages_and_missing_ones_are_marked() {
    let server = farm().start();
    let page = server.browser().get("/w/Links").await.expect(200);

    let plain = page.link_with_text("Target Page");
    assert_eq!(plain.href(), Some("/w/Target%20Page"));
    assert_eq!(plain.class(), Some("wikilink"));

    let labelled = page.link_with_text("le libellé");
    assert_eq!(labelled.href(), Some("/w/Target%20Page"));
    assert_eq!(labelled.class(), Some("wikilink"));

    let missing = page.link_with_text("No Such Page");
    assert_eq!(missing.href(), Some("/w/No%20Such%20Page"));
    assert_eq!(missing.class(), Some("wikilink missing"));

    let nested = page.link_with_text("Guides/Sub Page");
    assert_eq!(nested.href(), Some("/w/Guides/Sub%20Page"));
    assert_eq!(nested.class(), Some("wikilink"));

    let relative = page.link_with_text("la cible");
    assert_eq!(relative.href(), Some("/w/Target%20Page"));
}

#[tokio::test]
async fn wiki_links_stay_at_the_root_on_a_wiki_host() {
    let server = farm().start();
    let page = server
        .browser()
        .get_host("wiki.example", "/Links")
        .await
        .expect(200);
    assert_eq!(
        page.link_with_text("Target Page").href(),
        Some("/Target%20Page")
    );
    assert_eq!(
        page.link_with_text("No Such Page").href(),
        Some("/No%20Such%20Page")
    );
}

#[tokio::test]
async fn tables_are_rendered_as_tables() {
    let server = farm().start();
    let page = server.browser().get("/w/Table").await.expect(200);
    let text = &page.text;
    let table_start = text.find("<table").expect("a table");
    let table = &text[table_start..text.find("</table>").expect("closed") + 8];
    assert!(
        table.contains("<th") && table.contains("Parcelle"),
        "{table}"
    );
    for cell in ["A1", "Marie", "B2", "Jean"] {
        assert!(
            table.contains(&format!(">{cell}</td>")),
            "{cell} in {table}"
        );
    }
    assert_eq!(table.matches("<tr").count(), 3, "{table}");
}

#[tokio::test]
async fn strikethrough_task_lists_footnotes_and_heading_anchors_are_rendered() {
    let server = farm().start();
    let page = server.browser().get("/w/Extensions").await.expect(200);
    let text = &page.text;
    assert!(text.contains("<del>barré</del>"), "{text}");
    // Task-list boxes are shown, checked or not, and cannot be changed.
    let boxes: Vec<&str> = text
        .match_indices("<input")
        .map(|(i, _)| &text[i..i + text[i..].find('>').expect("closed tag")])
        .filter(|tag| tag.contains("checkbox"))
        .collect();
    assert_eq!(boxes.len(), 2, "{text}");
    assert!(
        boxes.iter().all(|tag| tag.contains("disabled")),
        "{boxes:?}"
    );
    assert_eq!(
        boxes.iter().filter(|tag| tag.contains("checked")).count(),
        1
    );
    // The note's reference leads to its text.
    let reference = page
        .links()
        .into_iter()
        .find(|link| link.text == "1")
        .unwrap_or_else(|| panic!("no footnote reference in:\n{text}"));
    let target = reference.href().expect("a link").trim_start_matches('#');
    assert!(
        text.contains(&format!("id=\"{target}\"")),
        "{target} in {text}"
    );
    assert!(text.contains("La note de bas de page."), "{text}");
    // A heading has an id and an anchor pointing at it.
    let heading = text.find("Une section").expect("the heading");
    let start = text[..heading].rfind("<h2").expect("an h2");
    let h2 = &text[start..heading];
    let id = h2
        .split("id=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the heading has no id: {h2}"));
    assert!(
        page.links()
            .iter()
            .any(|link| link.href() == Some(&format!("#{id}"))),
        "no anchor to #{id} in {text}"
    );
}

#[tokio::test]
async fn hostile_html_leaves_nothing_executable() {
    let server = farm().start();
    let page = server.browser().get("/w/Hostile").await.expect(200);
    assert_only_the_farms_scripts(&page);
    let lower = page.text.replace(OWN_SCRIPT, "").to_ascii_lowercase();
    for forbidden in [
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "javascript&#58;",
        "<iframe",
        "<svg",
        "<object",
        "<embed",
        "<form action=\"https://evil",
        "<math",
        "alert(",
        "style=\"position",
    ] {
        assert!(
            !lower.contains(forbidden),
            "{forbidden:?} survived in:\n{}",
            page.text
        );
    }
    // Harmless content around the hostile parts is kept.
    assert!(page.text.contains("texte gardé"), "{}", page.text);
    assert!(page.text.contains("cliquez"), "{}", page.text);
}

#[tokio::test]
async fn markup_in_a_title_is_text_not_tags() {
    let server = farm().start();
    let page = server.browser().get("/w/Code%20Title").await.expect(200);
    assert!(
        !page.text.replace(OWN_SCRIPT, "").contains("<script"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(
            "<title>Le code &lt;script&gt;alert('title')&lt;/script&gt; — Wiki w</title>"
        ),
        "{}",
        page.text
    );
}

#[tokio::test]
async fn an_svg_attachment_with_script_is_served_sandboxed() {
    let server = farm().start();
    let svg = server.browser().get("/w/_files/evil.svg").await.expect(200);
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    let csp = svg.header("content-security-policy").unwrap_or("");
    assert!(csp.contains("sandbox"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(!csp.contains("script-src"), "{csp}");
    assert_eq!(svg.header("x-content-type-options"), Some("nosniff"));
}

#[tokio::test]
async fn the_raw_markdown_of_a_hostile_page_is_not_html() {
    let server = farm().start();
    let raw = server.browser().get("/w/_raw/Hostile").await.expect(200);
    assert_eq!(raw.text, HOSTILE);
    assert_eq!(
        raw.header("content-type"),
        Some("text/markdown; charset=utf-8")
    );
    let csp = raw.header("content-security-policy").unwrap_or("");
    assert!(csp.contains("sandbox"), "{csp}");
    assert_eq!(raw.header("x-content-type-options"), Some("nosniff"));
}

/// The opening tag of the element whose text starts with `text`.
fn opening_tag_before<'a>(html: &'a str, text: &str) -> &'a str {
    let at = html
        .find(text)
        .unwrap_or_else(|| panic!("{text:?} in:\n{html}"));
    let start = html[..at].rfind('<').expect("an opening tag");
    &html[start..at]
}

fn ids(html: &str) -> Vec<&str> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[tokio::test]
async fn author_ids_and_classes_never_take_the_interfaces() {
    let server = farm().start();
    let page = server.browser().get("/w/Collide").await.expect(200);
    let html = &page.text;

    // The skip link leads to the page's main element, not to the heading called "Content".
    assert_eq!(
        page.links()
            .iter()
            .filter(|link| link.href() == Some("#content"))
            .count(),
        1,
        "{html}"
    );
    let all = ids(html);
    assert_eq!(
        all.iter().filter(|id| **id == "content").count(),
        1,
        "{all:?}"
    );
    assert!(
        opening_tag_before(html, "id=\"content\"").starts_with("<main"),
        "{html}"
    );
    // Every id of the interface is its own; every id of the content is in the content's space.
    let mut interface: Vec<&str> = all
        .iter()
        .copied()
        .filter(|id| !id.starts_with("h-"))
        .collect();
    let count = interface.len();
    interface.sort_unstable();
    interface.dedup();
    assert_eq!(
        interface.len(),
        count,
        "an interface id is used twice: {all:?}"
    );
    let markdown = &html[html.find("class=\"markdown").expect("the page's content")..];
    let markdown = &markdown[..markdown.find("</article>").expect("the article's end")];
    assert!(
        ids(markdown).iter().all(|id| id.starts_with("h-")),
        "{markdown}"
    );

    // The author's element keeps its text, not the interface's id or classes.
    let div = opening_tag_before(html, "écrit par l'auteur");
    assert!(div.starts_with("<div"), "{div}");
    for interface in ["id=\"content\"", "skip-link", "button", "notice"] {
        assert!(!div.contains(interface), "{interface} kept on {div}");
    }

    // Heading anchors still work, and are readable; links to a heading by its text reach it.
    let heading = opening_tag_before(html, "Content <a");
    assert!(heading.starts_with("<h1 id=\"h-content\""), "{heading}");
    assert!(
        page.links()
            .iter()
            .any(|link| link.href() == Some("#h-content")),
        "{html}"
    );
    assert_eq!(
        page.link_with_text("Collide#Content").href(),
        Some("/w/Collide#h-content")
    );
    assert_eq!(page.link_with_text("plus haut").href(), Some("#h-main"));
    assert!(all.contains(&"h-main"), "{all:?}");
}

#[tokio::test]
async fn a_script_attachment_is_served_as_bytes_never_as_a_script() {
    let server = farm().start();
    let js = server.browser().get("/w/_files/evil.js").await.expect(200);
    assert_eq!(js.header("content-type"), Some("application/octet-stream"));
    assert!(
        js.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment")),
        "{:?}",
        js.headers
    );
    assert_eq!(js.header("x-content-type-options"), Some("nosniff"));
    // The farm's own script is the one served as a script.
    let own = server
        .browser()
        .get("/_assets/suggest.js")
        .await
        .expect(200);
    assert_eq!(
        own.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(own.text.contains("/_suggest?q="), "{}", own.text);
}
