//! Changes to `roster.toml` made from the web: edits of the document itself (its comments, order
//! and layout kept), validated as a whole configuration before anything is written, written
//! atomically, and refused when the file changed on disk since the person read it.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::{ConfigErrors, ROSTER_FILE, parse};

/// Why a change was not written.
#[derive(Debug)]
pub enum EditRefused {
    /// The file changed on disk since the form was opened: nothing was written.
    Stale,
    /// A display name must be 1 to 100 characters, none of them control characters.
    BadName,
    /// An e-mail address is `someone@somewhere`, without spaces, at most 254 characters.
    BadEmail,
    /// The change would make the configuration invalid.
    Invalid(ConfigErrors),
    /// The file could not be read, parsed as a document or written.
    Failed(String),
}

/// A short fingerprint of a configuration file's text, carried by a form to notice a change
/// made on disk meanwhile.
pub fn digest(text: &str) -> String {
    let hash = Sha256::digest(text.as_bytes());
    hash.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Sets a person's display name and e-mail in `roster.toml`, if the file still has the
/// fingerprint `expected`.
pub fn set_person_details(
    dir: &Path,
    expected: &str,
    login: &str,
    name: &str,
    email: &str,
) -> Result<(), EditRefused> {
    let name = name.trim();
    let email = email.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(EditRefused::BadName);
    }
    let shaped = email
        .split_once('@')
        .is_some_and(|(who, place)| !who.is_empty() && !place.is_empty() && !place.contains('@'));
    if !shaped || email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(EditRefused::BadEmail);
    }
    let (farm_text, roster_text) =
        super::read_texts(dir).map_err(|errors| EditRefused::Failed(errors.to_string()))?;
    if digest(&roster_text) != expected {
        return Err(EditRefused::Stale);
    }
    let mut document: toml_edit::DocumentMut = roster_text
        .parse()
        .map_err(|error: toml_edit::TomlError| EditRefused::Failed(error.to_string()))?;
    let person = document
        .get_mut("people")
        .and_then(|people| people.get_mut(login))
        .and_then(toml_edit::Item::as_table_like_mut)
        .ok_or_else(|| EditRefused::Failed(format!("no person {login} in {ROSTER_FILE}")))?;
    set_string(person, "name", name);
    set_string(person, "email", email);
    let text = document.to_string();
    parse(dir, &farm_text, &text).map_err(EditRefused::Invalid)?;
    crate::atomic_file::write(&dir.join(ROSTER_FILE), &text)
        .map_err(|error| EditRefused::Failed(error.to_string()))
}

/// Replaces a string value, keeping the decoration (spaces, comment) of the one it replaces.
fn set_string(table: &mut dyn toml_edit::TableLike, key: &str, value: &str) {
    match table.get_mut(key).and_then(toml_edit::Item::as_value_mut) {
        Some(existing) => {
            let decor = existing.decor().clone();
            *existing = toml_edit::Value::from(value);
            *existing.decor_mut() = decor;
        }
        None => {
            table.insert(key, toml_edit::value(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FARM: &str = "[farm]\nname = \"F\"\ndata_dir = \"data\"\n";
    const ROSTER: &str = "# Les personnes du konbit\n\n\
        [people.ed] # l'éditeur\nname = \"Ed\"   # affiché\nemail = \"ed@example.org\"\n\
        password = \"$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$K6fM5m2NRnNXu+ZQvmqSMw\"\n\n\
        # une autre\n[people.jo]\nname = \"Jo\"\nemail = \"jo@example.org\"\n\
        password = \"$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$K6fM5m2NRnNXu+ZQvmqSMw\"\n";

    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("farm.toml"), FARM).expect("farm.toml");
        std::fs::write(dir.path().join(ROSTER_FILE), ROSTER).expect("roster.toml");
        dir
    }

    #[test]
    fn an_edit_keeps_the_document_and_refuses_what_changed_on_disk() {
        let dir = folder();
        set_person_details(
            dir.path(),
            &digest(ROSTER),
            "ed",
            "Édouard \"Ed\"",
            "e@example.org",
        )
        .expect("written");
        let text = std::fs::read_to_string(dir.path().join(ROSTER_FILE)).expect("read");
        assert_eq!(
            text,
            ROSTER
                .replace("name = \"Ed\"   #", "name = 'Édouard \"Ed\"'   #")
                .replace("ed@example.org", "e@example.org")
        );
        // The fingerprint of the old text no longer matches: nothing is written.
        assert!(matches!(
            set_person_details(dir.path(), &digest(ROSTER), "ed", "X", "x@example.org"),
            Err(EditRefused::Stale)
        ));
        // Malformed values are refused before anything is read or written.
        for (name, email) in [
            ("", "x@example.org"),
            ("a\u{7}b", "x@example.org"),
            ("X", "x"),
            ("X", "a b@c"),
            ("X", "a@b@c"),
        ] {
            assert!(
                set_person_details(dir.path(), &digest(&text), "ed", name, email).is_err(),
                "{name:?} {email:?}"
            );
        }
        assert_eq!(
            std::fs::read_to_string(dir.path().join(ROSTER_FILE)).expect("read"),
            text
        );
    }
}
