//! A person's own account on the web: their display name and e-mail changed into `roster.toml`
//! itself (comments and layout kept, every other line untouched), a hand edit on disk that raced
//! the form never overwritten, malformed values refused with the form kept.

use crate::harness::{Browser, Farm, Reply, display_name};

fn farm() -> Farm {
    Farm::new().person("alice").person("bob").organisation(
        "lakou",
        "Lakou",
        &[("alice", "editor"), ("bob", "reader")],
    )
}

/// The value of the details form's field `name`.
fn field(reply: &Reply, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let start = reply.text.find(&marker).expect("the field");
    let rest = &reply.text[start..];
    let value = rest.find("value=\"").expect("a value") + 7;
    rest[value..value + rest[value..].find('"').expect("quoted")].to_owned()
}

/// Sends the details form with these values.
async fn post_details(
    browser: &mut Browser,
    csrf: &str,
    digest: &str,
    name: &str,
    email: &str,
) -> Reply {
    browser
        .post_form(
            "/account/details",
            &[
                ("csrf", csrf),
                ("digest", digest),
                ("name", name),
                ("email", email),
            ],
        )
        .await
}

#[tokio::test]
async fn a_person_changes_their_details_and_the_roster_keeps_everything_else() {
    let dir = farm().write();
    let roster = format!(
        "# Les personnes du konbit : tenu à la main et depuis le web.\n\n{}",
        dir.read_config("roster.toml")
    );
    dir.write_config("roster.toml", &roster);
    let server = dir.start();
    let mut alice = server.signed_in("alice").await;
    let page = alice.get("/account").await.expect(200);
    assert_eq!(field(&page, "display-name"), display_name("alice"));
    let (csrf, digest) = (page.csrf(), page.field("digest"));
    let saved = post_details(
        &mut alice,
        &csrf,
        &digest,
        "Alice Théodore",
        "alice@lakou.example",
    )
    .await
    .expect(303);
    assert_eq!(saved.location(), Some("/account?saved=details"));
    let page = alice.get("/account?saved=details").await.expect(200);
    assert!(
        page.main()
            .contains("<strong>Alice Théodore</strong> · alice@lakou.example"),
        "{}",
        page.main()
    );
    assert!(page.main().contains("Vos coordonnées sont enregistrées."));
    // Every line of the file but the two changed is as it was, the comment included.
    let after = dir.read_config("roster.toml");
    let (old, new): (Vec<&str>, Vec<&str>) = (roster.lines().collect(), after.lines().collect());
    assert_eq!(old.len(), new.len(), "{after}");
    let changed: Vec<(&str, &str)> = old
        .iter()
        .zip(&new)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (*a, *b))
        .collect();
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert!(
        changed.iter().any(|(_, b)| b.contains("Alice Théodore")),
        "{changed:?}"
    );
    assert!(
        changed
            .iter()
            .any(|(_, b)| b.contains("alice@lakou.example")),
        "{changed:?}"
    );
    // Bob's page shows him, not her: the change was hers only.
    let mut bob = server.signed_in("bob").await;
    let page = bob.get("/account").await.expect(200);
    assert_eq!(field(&page, "display-name"), display_name("bob"));
}

#[tokio::test]
async fn a_hand_edit_made_meanwhile_is_not_overwritten() {
    let dir = farm().write();
    let server = dir.start();
    let mut alice = server.signed_in("alice").await;
    let page = alice.get("/account").await.expect(200);
    let (csrf, digest) = (page.csrf(), page.field("digest"));
    // The coordinator edits the roster by hand after the form was shown.
    let hand = dir
        .read_config("roster.toml")
        .replace(&display_name("alice"), "Alice à la main");
    dir.write_config("roster.toml", &hand);
    let refused = post_details(&mut alice, &csrf, &digest, "Web", "w@example.org")
        .await
        .expect(409);
    assert!(
        refused.main().contains("a été modifiée entre-temps"),
        "{}",
        refused.main()
    );
    assert_eq!(field(&refused, "display-name"), "Alice à la main");
    assert_eq!(dir.read_config("roster.toml"), hand);
    // From the values now shown, the change goes through.
    let (csrf, digest) = (refused.csrf(), refused.field("digest"));
    post_details(&mut alice, &csrf, &digest, "Web", "w@example.org")
        .await
        .expect(303);
    assert!(dir.read_config("roster.toml").contains("name = \"Web\""));
}

#[tokio::test]
async fn malformed_details_and_forged_forms_change_nothing() {
    let dir = farm().write();
    let server = dir.start();
    let before = dir.read_config("roster.toml");
    let mut alice = server.signed_in("alice").await;
    let page = alice.get("/account").await.expect(200);
    let (csrf, digest) = (page.csrf(), page.field("digest"));
    let long = "x".repeat(101);
    for (name, email, reason) in [
        ("", "a@example.org", "Le nom affiché"),
        (long.as_str(), "a@example.org", "Le nom affiché"),
        ("A\u{1b}[31m", "a@example.org", "Le nom affiché"),
        ("Alice", "pas-une-adresse", "L’adresse e-mail"),
        ("Alice", "a b@example.org", "L’adresse e-mail"),
        (
            "Alice\"\n[people.root]\nfarm_admin = true\n#",
            "a@example.org",
            "Le nom affiché",
        ),
    ] {
        let refused = post_details(&mut alice, &csrf, &digest, name, email)
            .await
            .expect(400);
        assert!(
            refused.main().contains(reason),
            "{name:?} {email:?}: {}",
            refused.main()
        );
        // The form keeps what was typed.
        assert!(
            refused.text.contains(&format!("value=\"{}\"", email)),
            "{email}"
        );
    }
    let forged = post_details(&mut alice, "forged", &digest, "Mallory", "m@example.org").await;
    assert_eq!(forged.status, 403);
    let mut visitor = server.browser();
    let csrf = visitor.csrf().await;
    let anonymous = post_details(&mut visitor, &csrf, &digest, "Nobody", "n@example.org").await;
    assert_eq!(anonymous.status, 403);
    assert_eq!(dir.read_config("roster.toml"), before);
}
