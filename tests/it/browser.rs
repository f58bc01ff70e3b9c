//! One end-to-end walk in a real headless Chromium, driven over WebDriver by chromedriver:
//! sign in, create a page, preview it, save it, see it rendered, edit it again, open its history
//! and a diff; and the search box's title suggestions as one types. Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

use crate::harness::{Farm, PASSWORD, Wiki, display_name};

/// A chromedriver on a free loopback port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_driver() -> Driver {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is installed (Debian package chromium-driver)");
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not start listening"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver { child, url }
}

async fn browser(driver: &Driver, profile: &std::path::Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--lang=fr",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a Chromium session through chromedriver")
}

/// The element the locator names, waiting for it to appear (pages load after clicks).
async fn element(client: &Client, locator: Locator<'_>) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(locator)
        .await
        .unwrap_or_else(|e| panic!("no element {locator:?}: {e}"))
}

/// Waits until the browser has left `from` (a form's answer has arrived), and returns the URL.
async fn wait_for_path_change(client: &Client, from: &str) -> url::Url {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let url = client.current_url().await.expect("url");
        if url.path() != from || Instant::now() > deadline {
            return url;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no element {css}: {e}"))
        .text()
        .await
        .expect("element text")
}

#[tokio::test(flavor = "multi_thread")]
async fn create_preview_save_and_read_history_in_chromium() {
    let farm = Farm::new()
        .person("eve")
        .organisation("coop", "La Coop", &[("eve", "editor")])
        .wiki(Wiki::new("coop", "coop", "private").page("Home", "# Accueil\n\nBienvenue.\n"));
    let server = farm.start();
    let base = server.base().to_owned();
    let driver = start_driver();
    let profile = tempfile::tempdir().expect("a browser profile folder");
    let client = browser(&driver, profile.path()).await;

    // Sign in through the form, like a person.
    sign_in_as(&client, &base, "eve", "/coop/").await;
    let account = text_of(&client, ".account").await;
    assert!(
        account.contains(&display_name("eve")),
        "signed in: {account}"
    );

    // Open the editor of a page that does not exist yet.
    client
        .goto(&format!("{base}/coop/Plan%20de%20travail"))
        .await
        .expect("missing page");
    element(
        &client,
        Locator::Css("article.page a[href='/coop/_edit/Plan%20de%20travail']"),
    )
    .await
    .click()
    .await
    .expect("click");
    assert!(
        client
            .current_url()
            .await
            .expect("url")
            .path()
            .starts_with("/coop/_edit/")
    );
    let textarea = element(&client, Locator::Id("text")).await;
    textarea.clear().await.expect("clear");
    textarea
        .send_keys(
            "# Plan de travail\n\n| Tâche | Qui |\n|---|---|\n| Semis | Eve |\n\nRetour à [[Home|l'accueil]].\n",
        )
        .await
        .expect("type the page");

    // Preview: rendered by the page renderer, nothing saved.
    element(&client, Locator::Css("button[value=preview]"))
        .await
        .click()
        .await
        .expect("click");
    let preview = text_of(&client, "section.preview").await;
    assert!(
        preview.contains("Semis") && preview.contains("l'accueil"),
        "{preview}"
    );
    element(&client, Locator::Css("section.preview table")).await;
    assert_eq!(
        server
            .dir()
            .git_in("coop", &["rev-list", "--count", "HEAD"])
            .trim(),
        "1",
        "a preview commits nothing"
    );

    // Save, and see the page rendered.
    element(&client, Locator::Css("button[value=save]"))
        .await
        .click()
        .await
        .expect("click");
    let url = wait_for_path_change(&client, "/coop/_edit/Plan%20de%20travail").await;
    assert_eq!(url.path(), "/coop/Plan%20de%20travail");
    let heading = text_of(&client, "article.page h1").await;
    // The heading's own anchor link ("#") follows its text.
    assert_eq!(heading.trim_end_matches('#').trim(), "Plan de travail");
    let link = element(&client, Locator::Css("article.page a.wikilink")).await;
    assert_eq!(
        link.attr("href").await.expect("href").as_deref(),
        Some("/coop/Home")
    );

    // A second edit, so that the history has two revisions to compare.
    element(&client, Locator::Css("nav.page-actions a[href*='/_edit/']"))
        .await
        .click()
        .await
        .expect("click");
    let textarea = element(&client, Locator::Id("text")).await;
    textarea
        .send_keys("\nDeuxième version.\n")
        .await
        .expect("type");
    element(&client, Locator::Id("message"))
        .await
        .send_keys("Ajouter une ligne")
        .await
        .expect("type");
    element(&client, Locator::Css("button[value=save]"))
        .await
        .click()
        .await
        .expect("click");
    assert!(
        text_of(&client, "article.page")
            .await
            .contains("Deuxième version.")
    );

    // History, then the diff between the two revisions.
    element(
        &client,
        Locator::Css("nav.page-actions a[href*='/_history/']"),
    )
    .await
    .click()
    .await
    .expect("click");
    let history = text_of(&client, "table.history").await;
    assert!(history.contains("Ajouter une ligne"), "{history}");
    assert!(history.contains(&display_name("eve")), "{history}");
    element(&client, Locator::Css("table.history a[href*='/_diff/']"))
        .await
        .click()
        .await
        .expect("click");
    let diff = text_of(&client, "table.diff").await;
    assert!(diff.contains("Deuxième version."), "{diff}");
    let mut added = String::new();
    for row in client
        .find_all(Locator::Css("table.diff tr.added"))
        .await
        .expect("added rows")
    {
        added.push_str(&row.text().await.expect("row text"));
    }
    assert!(added.contains("Deuxième version."), "{added}");

    client.close().await.expect("closing the browser");
    let log = server.dir().git_in("coop", &["log", "--format=%an|%s"]);
    assert!(
        log.starts_with(&format!("{}|Ajouter une ligne", display_name("eve"))),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_search_box_suggests_readable_titles_as_one_types_in_chromium() {
    let farm = Farm::new()
        .person("eve")
        .organisation("coop", "La Coop", &[("eve", "editor")])
        .wiki(
            Wiki::new("w", "coop", "public")
                .page("Jardin", "# Jardin\n\nLes semis.\n")
                .page("Cuisine collective", "# Cuisine collective\n\nLe mardi.\n")
                .page("Cuisine d'été", "# Cuisine d'été\n\nEn juillet.\n"),
        )
        .wiki(
            Wiki::new("secret", "coop", "private")
                .page("Cuisine secrète", "# Cuisine secrète\n\nNe pas lire.\n"),
        );
    let server = farm.start();
    server.wait_for_log("search index caught up", crate::harness::PATIENCE);
    let base = server.base().to_owned();
    let driver = start_driver();
    let profile = tempfile::tempdir().expect("a browser profile folder");
    let client = browser(&driver, profile.path()).await;

    client
        .goto(&format!("{base}/w/Jardin"))
        .await
        .expect("a page");
    element(&client, Locator::Css("form.search-box input[name=q]"))
        .await
        .send_keys("cuis")
        .await
        .expect("type");
    // The list fills in from /_suggest: the readable titles, not the private wiki's.
    let deadline = Instant::now() + Duration::from_secs(20);
    let titles = loop {
        let mut titles = Vec::new();
        for option in client
            .find_all(Locator::Css("form.search-box datalist option"))
            .await
            .expect("the suggestions")
        {
            titles.push(
                option
                    .attr("value")
                    .await
                    .expect("a value")
                    .unwrap_or_default(),
            );
        }
        if titles.len() >= 2 || Instant::now() > deadline {
            break titles;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    titles
        .iter()
        .for_each(|title| assert!(!title.contains("secrète"), "{titles:?}"));
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(sorted, ["Cuisine collective", "Cuisine d'été"]);

    // Choosing a suggestion (as the browser's list does) opens its page.
    client
        .execute(
            "const box = document.querySelector('form.search-box input[name=q]'); \
             box.value = 'Cuisine collective'; \
             box.dispatchEvent(new InputEvent('input', { inputType: 'insertReplacementText' }));",
            vec![],
        )
        .await
        .expect("choosing a suggestion");
    let landed = wait_for_path_change(&client, "/w/Jardin").await;
    assert_eq!(landed.path(), "/w/Cuisine%20collective");
    client.close().await.expect("closing the browser");
}

/// Clicks the element `css` names, once it is there.
async fn click(client: &Client, css: &str) {
    element(client, Locator::Css(css))
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
}

/// Signs in through the form and waits for the answer.
async fn sign_in_as(client: &Client, base: &str, login: &str, next: &str) {
    client
        .goto(&format!("{base}/login?next={}", next.replace('/', "%2F")))
        .await
        .expect("login page");
    element(client, Locator::Id("login"))
        .await
        .send_keys(login)
        .await
        .expect("type");
    element(client, Locator::Id("password"))
        .await
        .send_keys(PASSWORD)
        .await
        .expect("type");
    click(client, "form.stack button[type=submit]").await;
    let landed = wait_for_path_change(client, "/login").await;
    assert_eq!(landed.path(), next, "signing in as {login} failed");
}

async fn sign_out(client: &Client) {
    element(
        client,
        Locator::Css("div.account form.inline button[type=submit]"),
    )
    .await
    .click()
    .await
    .expect("sign out");
    element(client, Locator::Css("div.account a[href^='/login']")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_organisation_admin_adds_a_member_who_then_finds_the_edit_link_in_chromium() {
    let farm = Farm::new()
        .person("dieu")
        .person("newbie")
        .organisation("jardins", "Les Jardins", &[("dieu", "admin")])
        .wiki(
            Wiki::new("jardins", "jardins", "members")
                .page("Home", "# Jardins\n\nLe calendrier des semis.\n"),
        );
    let server = farm.start();
    let base = server.base().to_owned();
    let driver = start_driver();
    let profile = tempfile::tempdir().expect("a browser profile folder");
    let client = browser(&driver, profile.path()).await;

    // The newcomer reads the members' wiki, without an edit link.
    sign_in_as(&client, &base, "newbie", "/jardins/").await;
    text_of(&client, "article.page").await;
    let edit_links = client
        .find_all(Locator::Css("a.edit"))
        .await
        .expect("a search");
    assert!(edit_links.is_empty(), "a reader was offered to edit");
    sign_out(&client).await;

    // The organisation's admin finds the members' page from their account and adds them.
    sign_in_as(&client, &base, "dieu", "/account").await;
    click(&client, "section.administration a[href='/_org/jardins']").await;
    element(&client, Locator::Css("form.add-role select[name=login]"))
        .await
        .select_by_value("newbie")
        .await
        .expect("choose the person");
    element(&client, Locator::Css("form.add-role select[name=role]"))
        .await
        .select_by_value("editor")
        .await
        .expect("choose the role");
    click(&client, "form.add-role button[type=submit]").await;
    // The answer is the organisation's page again, saying the change is saved.
    let notice = text_of(&client, "p.notice").await;
    // The interface speaks the language Chromium asks for.
    let lang = element(&client, Locator::Css("html"))
        .await
        .attr("lang")
        .await
        .expect("an attribute")
        .unwrap_or_default();
    let (editor, saved) = match lang.as_str() {
        "fr" => ("édition", "Le changement est enregistré"),
        _ => ("editor", "The change is saved"),
    };
    let row = text_of(&client, "tr[data-login=newbie] td.role").await;
    assert_eq!(row, editor, "interface in {lang}");
    assert!(notice.contains(saved), "no confirmation: {notice}");
    sign_out(&client).await;

    // At their next visit the member finds the edit link, and it opens the editor.
    sign_in_as(&client, &base, "newbie", "/jardins/").await;
    click(&client, "a.edit").await;
    element(&client, Locator::Css("form.editor textarea")).await;
    assert!(
        client
            .current_url()
            .await
            .expect("url")
            .path()
            .starts_with("/jardins/_edit/"),
        "the edit link leads to the editor"
    );
    client.close().await.expect("closing Chromium");
}
