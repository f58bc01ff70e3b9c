//! Configuration changes while the server runs: a valid change takes effect at the next request
//! (sessions name the person only), an invalid one is refused and the last good one stays.

use crate::harness::{Farm, PASSWORD, PATIENCE, Server, Wiki};

const MEMBERS: &str = "members = { keeper = \"admin\", reader = \"reader\" }";
const WITHOUT_READER: &str = "members = { keeper = \"admin\" }";

fn farm() -> Farm {
    Farm::new()
        .person("keeper")
        .person("reader")
        .organisation(
            "own",
            "Organisation",
            &[("keeper", "admin"), ("reader", "reader")],
        )
        .wiki(Wiki::new("priv", "own", "private").page("Home", "private-home\n"))
        .wiki(Wiki::new("pub", "own", "public").page("Home", "public-home\n"))
}

/// Rewrites roster.toml and waits until the server says it applied it.
fn edit_roster(server: &Server, from: &str, to: &str) {
    let roster = server.dir().read_config("roster.toml");
    assert!(roster.contains(from), "{from:?} not in:\n{roster}");
    server
        .dir()
        .write_config("roster.toml", &roster.replace(from, to));
    server.wait_for_log("configuration reloaded", PATIENCE);
}

#[tokio::test]
async fn removing_a_reader_from_the_organisation_takes_effect_without_signing_in_again() {
    let server = farm().start();
    let mut reader = server.browser();
    reader.sign_in("reader", PASSWORD).await;
    reader.get("/priv/").await.expect(200);

    edit_roster(&server, MEMBERS, WITHOUT_READER);
    let home = reader.get("/").await.expect(200);
    assert!(
        home.text.contains("Person Reader"),
        "still signed in:\n{}",
        home.text
    );
    assert!(
        !home.links().iter().any(|l| l.href() == Some("/priv/")),
        "the private wiki is still listed:\n{}",
        home.text
    );
    let account = reader.get("/account").await.expect(200);
    assert!(
        account
            .text
            .contains("Vous n’êtes membre d’aucune organisation."),
        "{}",
        account.text
    );

    edit_roster(&server, WITHOUT_READER, MEMBERS);
    let page = reader.get("/priv/").await.expect(200);
    assert!(page.text.contains("private-home"), "{}", page.text);
}

#[tokio::test]
async fn a_removed_reader_gets_404_at_the_next_request() {
    let server = farm().start();
    let mut reader = server.browser();
    reader.sign_in("reader", PASSWORD).await;
    reader.get("/priv/").await.expect(200);
    edit_roster(&server, MEMBERS, WITHOUT_READER);
    let reply = reader.get("/priv/").await.expect(404);
    assert!(!reply.text.contains("private-home"), "{}", reply.text);
    edit_roster(&server, WITHOUT_READER, MEMBERS);
    reader.get("/priv/").await.expect(200);
}

#[tokio::test]
async fn removing_a_person_from_the_roster_ends_what_their_session_can_do() {
    let server = farm().start();
    let mut reader = server.browser();
    reader.sign_in("reader", PASSWORD).await;
    let roster = server.dir().read_config("roster.toml");
    let start = roster
        .find("[people.reader]")
        .expect("reader is on the roster");
    let end = start
        + roster[start..]
            .find("\n\n")
            .expect("a blank line ends the person");
    let without = roster[..start].to_owned() + &roster[end + 2..];
    let without = without.replace(MEMBERS, WITHOUT_READER);
    server.dir().write_config("roster.toml", &without);
    server.wait_for_log("configuration reloaded", PATIENCE);

    let home = reader.get("/").await.expect(200);
    assert!(!home.text.contains("Person Reader"), "{}", home.text);
    assert!(home.text.contains("Se connecter"), "{}", home.text);
    assert_eq!(
        reader.get("/account").await.expect(303).location(),
        Some("/login?next=%2Faccount")
    );
}

#[tokio::test]
async fn an_invalid_roster_is_refused_and_the_last_good_one_stays() {
    let server = farm().start();
    let mut reader = server.browser();
    reader.sign_in("reader", PASSWORD).await;

    let good = server.dir().read_config("roster.toml");
    let bad = good.replace(
        MEMBERS,
        "members = { keeper = \"admin\", reader = \"boss\" }",
    );
    server.dir().write_config("roster.toml", &bad);
    server.wait_for_log("configuration refused", PATIENCE);
    let line = crate::harness::line_of(&bad, "reader = \"boss\"");
    let named = server.wait_for_log(&format!("roster.toml:{line}"), PATIENCE);
    assert!(
        named.contains("organisations.own.members.reader"),
        "the error names no key: {named}"
    );

    // The configuration in force is the last good one: the reader still reads, and people can
    // still sign in.
    let page = reader.get("/priv/").await.expect(200);
    assert!(page.text.contains("private-home"), "{}", page.text);
    server.browser().sign_in("keeper", PASSWORD).await;

    // A broken file (not even TOML) is refused the same way.
    server
        .dir()
        .write_config("roster.toml", "[people.reader\nname = ");
    server.wait_for_log("configuration refused", PATIENCE);
    reader.get("/priv/").await.expect(200);

    // Putting the good file back applies it again.
    server.dir().write_config("roster.toml", &good);
    server.wait_for_log("configuration reloaded", PATIENCE);
    reader.get("/priv/").await.expect(200);
}

#[tokio::test]
async fn a_farm_toml_change_adds_and_closes_wikis_while_running() {
    let farm = farm();
    let server = farm.start();
    let mut visitor = server.browser();
    let listed = |text: &str, slug: &str| text.contains(&format!("href=\"/{slug}/\""));
    assert!(listed(&visitor.get("/").await.expect(200).text, "pub"));

    let changed = farm
        .clone()
        .wiki(Wiki::new("nouveau", "own", "public").title("Nouveau wiki"))
        .farm_toml()
        .replacen(
            "[wikis.pub]\ntitle = \"Wiki pub\"\nowner = \"own\"\nvisibility = \"public\"",
            "[wikis.pub]\ntitle = \"Wiki pub\"\nowner = \"own\"\nvisibility = \"members\"",
            1,
        );
    assert_ne!(changed, farm.farm_toml());
    server.dir().write_config("farm.toml", &changed);
    server.wait_for_log("configuration reloaded", PATIENCE);

    let home = visitor.get("/").await.expect(200);
    assert!(listed(&home.text, "nouveau"), "{}", home.text);
    assert!(!listed(&home.text, "pub"), "{}", home.text);
    let fresh = visitor.get("/nouveau/").await.expect(200);
    assert!(
        fresh.text.contains("Bienvenue sur le wiki"),
        "{}",
        fresh.text
    );
}

/// A page as the test compares it: the CSRF tokens of its forms (each browser's own) taken out.
fn without_tokens(text: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        out.push_str(&rest[..at + marker.len()]);
        rest = &rest[at + marker.len()..];
        rest = &rest[rest.find('"').unwrap_or(0)..];
    }
    out.push_str(rest);
    out
}

/// The roster with one person's password hash replaced.
fn with_password(roster: &str, login: &str, hash: &str) -> String {
    let start = roster
        .find(&format!("[people.{login}]"))
        .expect("the person is on the roster");
    let line = start
        + roster[start..]
            .find("password = ")
            .expect("the person has a password");
    let end = line + roster[line..].find('\n').expect("a line ends");
    format!("{}password = \"{hash}\"{}", &roster[..line], &roster[end..])
}

/// Asserts that a browser's answer to a private page is a visitor's answer, word for word.
async fn answers_like_a_visitor(server: &Server, browser: &mut crate::harness::Browser) {
    let theirs = browser.get("/priv/").await;
    let visitor = server.browser().get("/priv/").await;
    assert_eq!(theirs.status, 404, "{}", theirs.text);
    assert_eq!(theirs.status, visitor.status);
    assert_eq!(without_tokens(&theirs.text), without_tokens(&visitor.text));
    assert!(!theirs.text.contains("private-home"));
}

#[tokio::test]
async fn a_changed_password_ends_the_persons_sessions() {
    let server = farm().start();
    let mut reader = server.browser();
    reader.sign_in("reader", PASSWORD).await;
    reader.get("/priv/").await.expect(200);
    let mut keeper = server.browser();
    keeper.sign_in("keeper", PASSWORD).await;

    let new_password = "un tout autre mot de passe";
    let hash = konbit::roster::hash_password(new_password).expect("hashing");
    let roster = server.dir().read_config("roster.toml");
    server
        .dir()
        .write_config("roster.toml", &with_password(&roster, "reader", &hash));
    server.wait_for_log("configuration reloaded", PATIENCE);

    answers_like_a_visitor(&server, &mut reader).await;
    assert_eq!(
        reader.cookie("konbit_session"),
        None,
        "the browser forgot it"
    );
    // Someone else's session is not touched.
    keeper.get("/priv/").await.expect(200);
    // The old password no longer opens anything; the new one does.
    reader
        .try_sign_in("reader", PASSWORD, "/")
        .await
        .expect(401);
    reader.sign_in("reader", new_password).await;
    let page = reader.get("/priv/").await.expect(200);
    assert!(page.text.contains("private-home"), "{}", page.text);
}

#[tokio::test]
async fn a_login_removed_and_added_again_does_not_get_its_old_sessions_back() {
    let server = farm().start();
    let mut reader = server.browser();
    reader.sign_in("reader", PASSWORD).await;
    reader.get("/priv/").await.expect(200);

    // Removed, then added again exactly as before, with no request of theirs in between.
    let roster = server.dir().read_config("roster.toml");
    let start = roster.find("[people.reader]").expect("on the roster");
    let end = start
        + roster[start..]
            .find("\n\n")
            .expect("a blank line ends the person");
    let without =
        (roster[..start].to_owned() + &roster[end + 2..]).replace(MEMBERS, WITHOUT_READER);
    server.dir().write_config("roster.toml", &without);
    server.wait_for_log("configuration reloaded", PATIENCE);
    server.dir().write_config("roster.toml", &roster);
    server.wait_for_log("configuration reloaded", PATIENCE);

    answers_like_a_visitor(&server, &mut reader).await;
    let home = reader.get("/").await.expect(200);
    assert!(!home.text.contains("Person Reader"), "{}", home.text);
    reader.sign_in("reader", PASSWORD).await;
    reader.get("/priv/").await.expect(200);
}
