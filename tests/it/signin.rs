//! Signing in and out like a browser: CSRF tokens, the same answer for every wrong credential,
//! the slowing-down of repeated failures, local-only return addresses and cookie flags.

use crate::harness::{Browser, Farm, PASSWORD, Server, Wiki, assert_only_the_farms_scripts};

fn farm() -> Farm {
    Farm::new()
        .person("alice")
        .person("bruno")
        .organisation(
            "lakou",
            "Lakou",
            &[("alice", "editor"), ("bruno", "reader")],
        )
        .wiki(
            Wiki::new("w", "lakou", "members")
                .page("Home", "members-home\n")
                .page("Page", "members-page\n"),
        )
}

/// Whether the browser is signed in, as the person sees it: their name in the header.
async fn signed_in_as(browser: &mut Browser, name: &str) -> bool {
    browser.get("/").await.expect(200).text.contains(name)
}

#[tokio::test]
async fn signing_in_sets_a_session_that_names_the_person() {
    let server = farm().start();
    let mut browser = server.browser();
    assert!(!signed_in_as(&mut browser, "Person Alice").await);
    let reply = browser.sign_in("alice", PASSWORD).await;
    assert_eq!(reply.location(), Some("/"));
    let home = browser.get("/").await.expect(200);
    assert!(home.text.contains("Person Alice"), "{}", home.text);
    assert!(home.text.contains("Se déconnecter"), "{}", home.text);
    browser.get("/w/Page").await.expect(200);
}

#[tokio::test]
async fn logins_are_taken_without_case_or_surrounding_spaces() {
    let server = farm().start();
    let mut browser = server.browser();
    let reply = browser
        .try_sign_in("  Alice ", PASSWORD, "/")
        .await
        .expect(303);
    assert!(reply.set_cookie("konbit_session").is_some());
    assert!(signed_in_as(&mut browser, "Person Alice").await);
}

#[tokio::test]
async fn cookies_are_httponly_and_lax_and_not_secure_over_http() {
    let server = farm().start();
    let mut browser = server.browser();
    let form = browser.get("/login").await.expect(200);
    let csrf_cookie = form
        .set_cookie("konbit_csrf")
        .expect("a visitor's first page sets the CSRF cookie");
    let reply = browser.sign_in("alice", PASSWORD).await;
    let session_cookie = reply.set_cookie("konbit_session").expect("session cookie");
    for cookie in [&csrf_cookie, &session_cookie] {
        let attributes: Vec<String> = cookie
            .split(';')
            .skip(1)
            .map(|a| a.trim().to_ascii_lowercase())
            .collect();
        assert!(attributes.contains(&"httponly".to_owned()), "{cookie}");
        assert!(attributes.contains(&"samesite=lax".to_owned()), "{cookie}");
        assert!(attributes.contains(&"path=/".to_owned()), "{cookie}");
        assert!(!attributes.contains(&"secure".to_owned()), "{cookie}");
    }
}

#[tokio::test]
async fn cookies_are_secure_when_the_farm_is_served_over_https() {
    let server = farm().base_url("https://wiki.example.org").start();
    let mut browser = server.browser();
    let reply = browser.sign_in("alice", PASSWORD).await;
    let cookie = reply.set_cookie("konbit_session").expect("session cookie");
    assert!(
        cookie
            .split(';')
            .any(|a| a.trim().eq_ignore_ascii_case("secure")),
        "{cookie}"
    );
}

#[tokio::test]
async fn every_sign_in_gets_a_new_session_id() {
    let server = farm().start();
    let mut browser = server.browser();
    // An id planted before sign-in (session fixation) is not adopted.
    browser.set_cookie("konbit_session", "planted-by-someone-else");
    browser.sign_in("alice", PASSWORD).await;
    let first = browser
        .cookie("konbit_session")
        .expect("signed in")
        .to_owned();
    assert_ne!(first, "planted-by-someone-else");

    browser.sign_in("alice", PASSWORD).await;
    let second = browser
        .cookie("konbit_session")
        .expect("signed in")
        .to_owned();
    assert_ne!(first, second);
    // The replaced session is over.
    let mut old = server.browser();
    old.set_cookie("konbit_session", &first);
    assert!(!signed_in_as(&mut old, "Person Alice").await);
    assert!(signed_in_as(&mut browser, "Person Alice").await);
}

/// The answer to a failed sign-in, with the echoed login replaced so that two answers compare.
fn failed_answer(browser_reply: &crate::harness::Reply, login: &str) -> String {
    browser_reply
        .text
        .replace(&format!("value=\"{login}\""), "value=\"LOGIN\"")
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_login_get_the_same_answer() {
    let server = farm().start();
    let mut browser = server.browser();
    let wrong_password = browser
        .try_sign_in("alice", "not her password", "/w/Page")
        .await
        .expect(401);
    let unknown_login = browser
        .try_sign_in("nobody", PASSWORD, "/w/Page")
        .await
        .expect(401);
    assert!(
        wrong_password
            .text
            .contains("Identifiant ou mot de passe incorrect."),
        "{}",
        wrong_password.text
    );
    assert_eq!(
        failed_answer(&wrong_password, "alice"),
        failed_answer(&unknown_login, "nobody")
    );
    for reply in [&wrong_password, &unknown_login] {
        assert_only_the_farms_scripts(reply);
        assert!(reply.set_cookie("konbit_session").is_none());
        // The form comes back ready for another try, still going to the same place.
        assert!(
            reply.text.contains("name=\"next\" value=\"/w/Page\""),
            "{}",
            reply.text
        );
    }
    assert!(!signed_in_as(&mut browser, "Person Alice").await);
}

#[tokio::test]
async fn signing_in_needs_the_forms_csrf_token() {
    let server = farm().start();
    let mut browser = server.browser();
    let token = browser.get("/login").await.expect(200).csrf();
    let mut other = server.browser();
    let others_token = other.get("/login").await.expect(200).csrf();
    assert_ne!(token, others_token);
    for csrf in ["", "0000", others_token.as_str()] {
        let reply = browser
            .post_form(
                "/login",
                &[("csrf", csrf), ("login", "alice"), ("password", PASSWORD)],
            )
            .await
            .expect(403);
        assert!(reply.text.contains("Accès refusé"), "{}", reply.text);
        assert!(reply.set_cookie("konbit_session").is_none());
    }
    let without = browser
        .post_form("/login", &[("login", "alice"), ("password", PASSWORD)])
        .await
        .expect(403);
    assert!(without.set_cookie("konbit_session").is_none());
    // A browser that lost its CSRF cookie cannot use a token made for it.
    let mut fresh = server.browser();
    fresh
        .post_form(
            "/login",
            &[("csrf", &token), ("login", "alice"), ("password", PASSWORD)],
        )
        .await
        .expect(403);
    assert!(!signed_in_as(&mut browser, "Person Alice").await);
}

/// Five wrong passwords for one login; the answers must all be the ordinary refusal.
async fn fail_five_times(server: &Server, login: &str) -> Browser {
    let mut browser = server.browser();
    for attempt in 1..=5 {
        let reply = browser.try_sign_in(login, "wrong", "/").await;
        assert_eq!(reply.status, 401, "attempt {attempt}: {}", reply.text);
    }
    browser
}

#[tokio::test]
async fn repeated_failures_for_a_login_are_slowed_down() {
    let server = farm().start();
    let mut browser = fail_five_times(&server, "alice").await;
    // Even the right password is refused for a while, and the answer says when to retry.
    let reply = browser
        .try_sign_in("alice", PASSWORD, "/")
        .await
        .expect(429);
    assert!(reply.set_cookie("konbit_session").is_none());
    let retry: u64 = reply
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("a retry-after header in seconds");
    assert!(retry >= 1, "{retry}");
    assert!(reply.text.contains("Trop de tentatives"), "{}", reply.text);
    // Another person is not held back by alice's failures.
    server.browser().sign_in("bruno", PASSWORD).await;
}

#[tokio::test]
async fn the_return_address_after_sign_in_is_only_ever_local() {
    let server = farm().start();
    let cases = [
        ("/w/Page", "/w/Page"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/%5Cevil.example", "/"),
    ];
    for (next, expected) in cases {
        let mut browser = server.browser();
        let reply = browser
            .try_sign_in("alice", PASSWORD, next)
            .await
            .expect(303);
        assert_eq!(reply.location(), Some(expected), "next = {next:?}");
    }
    // The form itself never carries a foreign address forward.
    let mut browser = server.browser();
    let form = browser
        .get("/login?next=%2F%2Fevil.example%2F")
        .await
        .expect(200);
    assert!(
        form.text.contains("name=\"next\" value=\"/\""),
        "{}",
        form.text
    );
}

#[tokio::test]
async fn signing_out_is_a_post_with_the_sessions_token() {
    let server = farm().start();
    let mut browser = server.browser();
    browser.sign_in("alice", PASSWORD).await;
    let session = browser
        .cookie("konbit_session")
        .expect("signed in")
        .to_owned();

    // A link or an image pointing at /logout signs nobody out.
    let reply = browser.get("/logout").await;
    assert!(
        reply.status == 405 || reply.status == 404,
        "GET /logout answered {}",
        reply.status
    );
    assert!(signed_in_as(&mut browser, "Person Alice").await);

    let csrf = browser.csrf().await;
    let reply = browser
        .post_form("/logout", &[("csrf", &csrf)])
        .await
        .expect(303);
    assert_eq!(reply.location(), Some("/"));
    let cleared = reply
        .set_cookie("konbit_session")
        .expect("the cookie is cleared");
    assert!(
        cleared.to_ascii_lowercase().contains("max-age=0"),
        "{cleared}"
    );
    assert!(!signed_in_as(&mut browser, "Person Alice").await);

    // The ended session is over on the server too, not only in this browser.
    let mut replay = server.browser();
    replay.set_cookie("konbit_session", &session);
    assert!(!signed_in_as(&mut replay, "Person Alice").await);
    assert_eq!(
        replay.get("/account").await.expect(303).location(),
        Some("/login?next=%2Faccount")
    );
}

#[tokio::test]
async fn signing_out_without_the_token_is_refused() {
    let server = farm().start();
    let mut browser = server.browser();
    browser.sign_in("alice", PASSWORD).await;
    browser.post_form("/logout", &[]).await.expect(403);
    browser
        .post_form("/logout", &[("csrf", "forged")])
        .await
        .expect(403);
    // A token from before sign-in belonged to another cookie.
    let mut visitor = server.browser();
    let visitor_token = visitor.csrf().await;
    browser
        .post_form("/logout", &[("csrf", &visitor_token)])
        .await
        .expect(403);
    assert!(signed_in_as(&mut browser, "Person Alice").await);
    browser.get("/w/Page").await.expect(200);
}
