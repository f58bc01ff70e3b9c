//! Changes to `farm.toml` and `roster.toml` made from the web: edits of the documents themselves
//! (their comments, order and layout kept), checked against the configuration in force, the
//! result validated as a whole before anything is written, written atomically, and refused when
//! a file changed on disk since the person read it.
//!
//! Who may make which change is not decided here: the gate asks the access policy first.

use std::path::Path;

use sha2::{Digest, Sha256};
use toml_edit::{DocumentMut, InlineTable, Item, Table, TableLike, Value};

use super::{
    Config, ConfigErrors, FARM_FILE, RESERVED_WIKI_SLUGS, ROSTER_FILE, Visibility, is_valid_login,
    parse, read_texts,
};
use crate::i18n::ContentLang;
use crate::page_path::WikiSlug;
use crate::roster::Role;

/// One change to the configuration, as a form asks for it.
#[derive(Clone, Debug)]
pub enum Change {
    /// A person's own display name and e-mail.
    PersonDetails {
        login: String,
        name: String,
        email: String,
    },
    /// A person's password, already hashed (argon2id).
    Password {
        login: String,
        hash: String,
    },
    /// A newcomer, without a password until they set one through a one-time link.
    AddPerson {
        login: String,
        name: String,
        email: String,
    },
    Disabled {
        login: String,
        disabled: bool,
    },
    FarmAdmin {
        login: String,
        farm_admin: bool,
    },
    AddOrganisation {
        slug: String,
        name: String,
    },
    /// A member's role in an organisation; `None` removes them.
    Member {
        organisation: String,
        login: String,
        role: Option<Role>,
    },
    /// A wiki's settings; `hosts` is `None` when they are left as they are.
    WikiSettings {
        wiki: String,
        title: String,
        visibility: Visibility,
        lang: String,
        theme: String,
        hosts: Option<Vec<String>>,
    },
    /// A grant on a wiki to a person; `None` removes it.
    Grant {
        wiki: String,
        login: String,
        role: Option<Role>,
    },
    AddWiki {
        slug: String,
        owner: String,
        title: String,
        visibility: Visibility,
        lang: String,
    },
    /// The wiki's table is removed from `farm.toml` (its repository is archived by the farm).
    RetireWiki {
        wiki: String,
    },
    /// Both files as they were (an undo from the audit trail).
    Restore {
        farm: String,
        roster: String,
    },
}

impl Change {
    /// What the change is, in the files' own words (their keys), for the audit trail.
    pub fn summary(&self) -> String {
        let role = |role: &Option<Role>| role.map_or("removed", Role::as_str);
        match self {
            Change::PersonDetails { login, .. } => format!("people.{login}: name, email"),
            Change::Password { login, .. } => format!("people.{login}: password"),
            Change::AddPerson { login, .. } => format!("people.{login}: added"),
            Change::Disabled { login, disabled } => {
                format!("people.{login}: disabled = {disabled}")
            }
            Change::FarmAdmin { login, farm_admin } => {
                format!("people.{login}: farm_admin = {farm_admin}")
            }
            Change::AddOrganisation { slug, .. } => format!("organisations.{slug}: added"),
            Change::Member {
                organisation,
                login,
                role: r,
            } => format!("organisations.{organisation}.members.{login}: {}", role(r)),
            Change::WikiSettings { wiki, hosts, .. } => format!(
                "wikis.{wiki}: title, visibility, lang, theme{}",
                if hosts.is_some() { ", hosts" } else { "" }
            ),
            Change::Grant {
                wiki,
                login,
                role: r,
            } => format!("wikis.{wiki}.grants.{login}: {}", role(r)),
            Change::AddWiki { slug, .. } => format!("wikis.{slug}: added"),
            Change::RetireWiki { wiki } => format!("wikis.{wiki}: retired"),
            Change::Restore { .. } => "restored".to_owned(),
        }
    }
}

/// Why a change was not written. Nothing was.
#[derive(Debug)]
pub enum EditRefused {
    /// A file changed on disk since the form was opened.
    Stale,
    /// A display or organisation name is 1 to 100 characters, none of them control characters.
    BadName,
    /// A wiki title is 1 to 200 characters, none of them control characters.
    BadTitle,
    /// An e-mail address is `someone@somewhere`, without spaces, at most 254 characters.
    BadEmail,
    /// A login is 1 to 64 characters among a-z, 0-9, '.', '_' and '-'.
    BadLogin,
    /// A slug is lower-case letters, digits and '-' (not first), at most 63.
    BadSlug,
    /// The slug is one of the farm's own addresses.
    ReservedSlug,
    /// The login or slug is already used.
    Taken,
    NoSuchPerson,
    NoSuchOrganisation,
    NoSuchWiki,
    UnknownTheme,
    UnknownLanguage,
    /// The host name is not one, or another wiki has it.
    BadHost(String),
    /// The farm would be left without a farm admin who may act.
    LastFarmAdmin,
    /// The configuration on disk is invalid (a hand edit): nothing is written until it is
    /// repaired.
    Broken(ConfigErrors),
    /// The change would make the configuration invalid.
    Invalid(ConfigErrors),
    /// Later changes touched the same lines as the change to undo.
    UndoConflict,
    /// The undo would set a password back.
    PasswordsNotUndone,
    /// An organisation's name is 1 to 100 characters, none of them control characters.
    BadOrganisationName,
    /// A file could not be read, parsed as a document or written.
    Failed(String),
}

/// The texts of both files, read together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Texts {
    pub farm: String,
    pub roster: String,
}

impl Texts {
    pub fn read(dir: &Path) -> Result<Texts, ConfigErrors> {
        let (farm, roster) = read_texts(dir)?;
        Ok(Texts { farm, roster })
    }

    /// A short fingerprint of both files, carried by a form to notice a change made on disk
    /// meanwhile.
    pub fn digest(&self) -> String {
        let mut hash = Sha256::new();
        hash.update(self.farm.as_bytes());
        hash.update([0]);
        hash.update(self.roster.as_bytes());
        hash.finalize()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Applies `change` to the configuration folder `dir` if its files still have the fingerprint
/// `expected`; returns the texts written.
pub fn apply(dir: &Path, expected: &str, change: &Change) -> Result<Texts, EditRefused> {
    check_values(change)?;
    let texts = Texts::read(dir).map_err(|errors| EditRefused::Failed(errors.to_string()))?;
    let current = parse(dir, &texts.farm, &texts.roster).map_err(EditRefused::Broken)?;
    if texts.digest() != expected {
        return Err(EditRefused::Stale);
    }
    let written = match change {
        Change::Restore { farm, roster } => Texts {
            farm: farm.clone(),
            roster: roster.clone(),
        },
        _ => {
            check_against(&current, change)?;
            edit(&texts, change, &current)?
        }
    };
    let after = parse(dir, &written.farm, &written.roster).map_err(EditRefused::Invalid)?;
    if current.roster.has_acting_farm_admin() && !after.roster.has_acting_farm_admin() {
        return Err(EditRefused::LastFarmAdmin);
    }
    if let Change::Restore { .. } = change {
        // Passwords are their owners': an undo never sets one back (nor revives a used link).
        let changed = current.roster.people.values().any(|person| {
            after
                .roster
                .people
                .get(&person.login)
                .is_some_and(|then| then.password != person.password)
        });
        if changed {
            return Err(EditRefused::PasswordsNotUndone);
        }
    }
    // The two files are written one after the other: first the one whose new text is valid
    // with the other's old text, so that a crash between the two renames leaves a farm that
    // loads.
    let roster_first = parse(dir, &texts.farm, &written.roster).is_ok();
    let files = [
        (ROSTER_FILE, &texts.roster, &written.roster),
        (FARM_FILE, &texts.farm, &written.farm),
    ];
    let order = if roster_first { [0, 1] } else { [1, 0] };
    for (file, old, new) in order.map(|i| files[i]) {
        if new != old {
            write(&dir.join(file), new)?;
        }
    }
    Ok(written)
}

/// The texts an undo writes: each file the change (`before` → `after`) touched goes back to
/// `before`, as it was if nothing changed it since, else merged three-way with the later changes
/// when they touched other lines.
pub fn undone(current: &Texts, before: &Texts, after: &Texts) -> Result<Texts, EditRefused> {
    let file = |current: &str, before: &str, after: &str| {
        if before == after {
            Ok(current.to_owned())
        } else if current == after {
            Ok(before.to_owned())
        } else {
            diffy::merge(after, current, before).map_err(|_| EditRefused::UndoConflict)
        }
    };
    Ok(Texts {
        farm: file(&current.farm, &before.farm, &after.farm)?,
        roster: file(&current.roster, &before.roster, &after.roster)?,
    })
}

fn write(path: &Path, text: &str) -> Result<(), EditRefused> {
    crate::atomic_file::write(path, text).map_err(|error| EditRefused::Failed(error.to_string()))
}

/// A name shown to people and written into git signatures (which refuse `<` and `>`).
fn is_name(text: &str, max: usize) -> bool {
    !text.trim().is_empty()
        && text.chars().count() <= max
        && !text.chars().any(|c| c.is_control() || c == '<' || c == '>')
}

fn is_email(email: &str) -> bool {
    let shaped = email
        .split_once('@')
        .is_some_and(|(who, place)| !who.is_empty() && !place.is_empty() && !place.contains('@'));
    shaped
        && email.len() <= 254
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
}

fn check_slug(slug: &str) -> Result<(), EditRefused> {
    if WikiSlug::parse(slug).is_none() {
        return Err(EditRefused::BadSlug);
    }
    if RESERVED_WIKI_SLUGS.contains(&slug) {
        return Err(EditRefused::ReservedSlug);
    }
    Ok(())
}

/// The checks that need nothing but the values.
fn check_values(change: &Change) -> Result<(), EditRefused> {
    match change {
        Change::PersonDetails { name, email, .. } => {
            if !is_name(name, 100) {
                return Err(EditRefused::BadName);
            }
            if !is_email(email) {
                return Err(EditRefused::BadEmail);
            }
        }
        Change::AddPerson { login, name, email } => {
            if !is_valid_login(login) {
                return Err(EditRefused::BadLogin);
            }
            if !is_name(name, 100) {
                return Err(EditRefused::BadName);
            }
            if !is_email(email) {
                return Err(EditRefused::BadEmail);
            }
        }
        Change::AddOrganisation { slug, name } => {
            check_slug(slug)?;
            if !is_name(name, 100) {
                return Err(EditRefused::BadOrganisationName);
            }
        }
        Change::AddWiki { slug, title, .. } => {
            check_slug(slug)?;
            if !is_name(title, 200) {
                return Err(EditRefused::BadTitle);
            }
        }
        Change::WikiSettings { title, hosts, .. } => {
            if !is_name(title, 200) {
                return Err(EditRefused::BadTitle);
            }
            for host in hosts.iter().flatten() {
                if !crate::config::is_host_name(host) {
                    return Err(EditRefused::BadHost(host.clone()));
                }
            }
        }
        Change::Password { .. }
        | Change::Disabled { .. }
        | Change::FarmAdmin { .. }
        | Change::Member { .. }
        | Change::Grant { .. }
        | Change::RetireWiki { .. }
        | Change::Restore { .. } => {}
    }
    Ok(())
}

/// The checks that need the configuration in force: what the change names exists, what it
/// makes is new, and the farm keeps a farm admin.
fn check_against(config: &Config, change: &Change) -> Result<(), EditRefused> {
    let roster = &config.roster;
    let person = |login: &str| {
        roster
            .people
            .contains_key(login)
            .then_some(())
            .ok_or(EditRefused::NoSuchPerson)
    };
    let wiki = |slug: &str| config.wiki(slug).ok_or(EditRefused::NoSuchWiki);
    let organisation = |slug: &str| {
        roster
            .organisations
            .contains_key(slug)
            .then_some(())
            .ok_or(EditRefused::NoSuchOrganisation)
    };
    let lang_and_theme = |lang: &str, theme: &str| {
        ContentLang::parse(lang).ok_or(EditRefused::UnknownLanguage)?;
        crate::config::is_theme(&config.farm.themes_dir, theme)
            .then_some(())
            .ok_or(EditRefused::UnknownTheme)
    };
    match change {
        Change::PersonDetails { login, .. } | Change::Password { login, .. } => person(login),
        // Whether a farm admin remains is asked of the result, for every change.
        Change::Disabled { login, .. } | Change::FarmAdmin { login, .. } => person(login),
        Change::AddPerson { login, .. } => match roster.people.contains_key(login) {
            true => Err(EditRefused::Taken),
            false => Ok(()),
        },
        Change::AddOrganisation { slug, .. } => match roster.organisations.contains_key(slug) {
            true => Err(EditRefused::Taken),
            false => Ok(()),
        },
        Change::Member {
            organisation: org,
            login,
            ..
        } => {
            organisation(org)?;
            person(login)
        }
        Change::WikiSettings {
            wiki: slug,
            lang,
            theme,
            hosts,
            ..
        } => {
            wiki(slug)?;
            lang_and_theme(lang, theme)?;
            for host in hosts.iter().flatten() {
                let host = host.to_ascii_lowercase();
                if config
                    .hosts
                    .get(&host)
                    .is_some_and(|other| other.as_str() != slug)
                {
                    return Err(EditRefused::BadHost(host));
                }
            }
            Ok(())
        }
        Change::Grant {
            wiki: slug, login, ..
        } => {
            wiki(slug)?;
            person(login)
        }
        Change::AddWiki {
            slug, owner, lang, ..
        } => {
            if config.wiki(slug).is_some() {
                return Err(EditRefused::Taken);
            }
            organisation(owner)?;
            lang_and_theme(lang, "default")
        }
        Change::RetireWiki { wiki: slug } => wiki(slug).map(|_| ()),
        Change::Restore { .. } => Ok(()),
    }
}

fn document(text: &str) -> Result<DocumentMut, EditRefused> {
    text.parse()
        .map_err(|error: toml_edit::TomlError| EditRefused::Failed(error.to_string()))
}

/// The table `[outer.key]` of a document (`people.alice`, `wikis.remix`…).
fn entry<'d>(
    document: &'d mut DocumentMut,
    outer: &str,
    key: &str,
) -> Result<&'d mut dyn TableLike, EditRefused> {
    document
        .get_mut(outer)
        .and_then(|outer| outer.get_mut(key))
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| EditRefused::Failed(format!("no [{outer}.{key}] in the file")))
}

/// The table `outer` that holds one table per key, made (implicit) when missing.
fn tables<'d>(document: &'d mut DocumentMut, outer: &str) -> Result<&'d mut Table, EditRefused> {
    if document.get(outer).is_none() {
        let mut table = Table::new();
        table.set_implicit(true);
        document.insert(outer, Item::Table(table));
    }
    document
        .get_mut(outer)
        .and_then(Item::as_table_mut)
        .ok_or_else(|| EditRefused::Failed(format!("`{outer}` is not a table")))
}

/// The highest position of the tables in `table`, at any depth.
fn last_position(table: &Table) -> isize {
    table
        .iter()
        .filter_map(|(_, item)| item.as_table())
        .map(|inner| inner.position().unwrap_or(0).max(last_position(inner)))
        .max()
        .unwrap_or(0)
}

/// Appends `[outer.key]` after the last table of the document, after a blank line.
fn append_table(
    document: &mut DocumentMut,
    outer: &str,
    key: &str,
    mut table: Table,
) -> Result<(), EditRefused> {
    table.set_position(last_position(document.as_table()) + 1);
    table.decor_mut().set_prefix("\n");
    tables(document, outer)?.insert(key, Item::Table(table));
    Ok(())
}

/// Sets or removes `login = "role"` in the map of roles `key` of a table (`members = { … }`,
/// `grants = { … }`, made inline when missing), keeping the others as they are written.
fn set_role(
    table: &mut dyn TableLike,
    key: &str,
    login: &str,
    role: Option<Role>,
) -> Result<(), EditRefused> {
    if table.get(key).is_none() {
        if role.is_none() {
            return Ok(());
        }
        table.insert(key, Item::Value(Value::InlineTable(InlineTable::new())));
    }
    let item = table
        .get_mut(key)
        .ok_or_else(|| EditRefused::Failed(format!("`{key}` is not a table")))?;
    if let Some(inline) = item.as_inline_table_mut() {
        set_inline_role(inline, login, role);
    } else if let Some(map) = item.as_table_like_mut() {
        match role {
            Some(role) => set_value(map, login, Value::from(role.as_str())),
            None => {
                map.remove(login);
            }
        }
    } else {
        return Err(EditRefused::Failed(format!("`{key}` is not a table")));
    }
    if table
        .get(key)
        .and_then(Item::as_table_like)
        .is_some_and(|map| map.is_empty())
    {
        table.remove(key);
    }
    Ok(())
}

/// An inline map edited as a person would: a new entry goes last, taking over the space the
/// last one had before `}`; removing the last entry hands that space to the one before.
fn set_inline_role(inline: &mut InlineTable, login: &str, role: Option<Role>) {
    let last_suffix = |inline: &mut InlineTable| {
        inline.iter_mut().last().map(|(_, value)| {
            let suffix = value.decor().suffix().cloned();
            value.decor_mut().set_suffix("");
            suffix
        })
    };
    match role {
        Some(role) if inline.contains_key(login) => {
            if let Some(value) = inline.get_mut(login) {
                let decor = value.decor().clone();
                *value = Value::from(role.as_str());
                *value.decor_mut() = decor;
            }
        }
        Some(role) => {
            let suffix = last_suffix(inline).flatten();
            let mut value = Value::from(role.as_str());
            value.decor_mut().set_prefix(" ");
            value
                .decor_mut()
                .set_suffix(suffix.unwrap_or_else(|| " ".into()));
            inline.insert(login, value);
            if let Some((mut key, _)) = inline.get_key_value_mut(login) {
                key.leaf_decor_mut().set_prefix(" ");
                key.leaf_decor_mut().set_suffix(" ");
            }
        }
        None => {
            let was_last = inline.iter().last().is_some_and(|(key, _)| key == login);
            let removed = inline.remove(login);
            if let (true, Some(removed)) = (was_last, removed) {
                let suffix = removed.decor().suffix().cloned();
                if let (Some((_, value)), Some(suffix)) = (inline.iter_mut().last(), suffix) {
                    value.decor_mut().set_suffix(suffix);
                }
            }
        }
    }
}

/// Replaces a value, keeping the decoration (spaces, comment) of the one it replaces.
fn set_value(table: &mut dyn TableLike, key: &str, value: Value) {
    match table.get_mut(key).and_then(Item::as_value_mut) {
        Some(existing) => {
            let decor = existing.decor().clone();
            *existing = value;
            *existing.decor_mut() = decor;
        }
        None => {
            table.insert(key, Item::Value(value));
        }
    }
}

fn set_flag(table: &mut dyn TableLike, key: &str, on: bool) {
    if on {
        set_value(table, key, Value::from(true));
    } else {
        table.remove(key);
    }
}

/// The documents with the change made (`current` is the configuration they hold).
fn edit(texts: &Texts, change: &Change, current: &Config) -> Result<Texts, EditRefused> {
    let mut farm = document(&texts.farm)?;
    let mut roster = document(&texts.roster)?;
    match change {
        Change::PersonDetails { login, name, email } => {
            let person = entry(&mut roster, "people", login)?;
            set_value(person, "name", Value::from(name.trim()));
            set_value(person, "email", Value::from(email.trim()));
        }
        Change::Password { login, hash } => {
            set_value(
                entry(&mut roster, "people", login)?,
                "password",
                Value::from(hash.as_str()),
            );
        }
        Change::AddPerson { login, name, email } => {
            let mut table = Table::new();
            table.insert("name", toml_edit::value(name.trim()));
            table.insert("email", toml_edit::value(email.trim()));
            append_table(&mut roster, "people", login, table)?;
        }
        Change::Disabled { login, disabled } => {
            set_flag(entry(&mut roster, "people", login)?, "disabled", *disabled);
        }
        Change::FarmAdmin { login, farm_admin } => {
            set_flag(
                entry(&mut roster, "people", login)?,
                "farm_admin",
                *farm_admin,
            );
        }
        Change::AddOrganisation { slug, name } => {
            let mut table = Table::new();
            table.insert("name", toml_edit::value(name.trim()));
            table.insert("members", toml_edit::value(InlineTable::new()));
            append_table(&mut roster, "organisations", slug, table)?;
        }
        Change::Member {
            organisation,
            login,
            role,
        } => {
            let table = entry(&mut roster, "organisations", organisation)?;
            set_role(table, "members", login, *role)?;
        }
        Change::WikiSettings {
            wiki,
            title,
            visibility,
            lang,
            theme,
            hosts,
        } => {
            let table = entry(&mut farm, "wikis", wiki)?;
            set_value(table, "title", Value::from(title.trim()));
            set_value(table, "visibility", Value::from(visibility.as_str()));
            // A language or theme the wiki inherits stays inherited unless it changes.
            let settings = current.wiki(wiki).ok_or(EditRefused::NoSuchWiki)?;
            if table.contains_key("lang") || settings.content_lang.code() != lang {
                set_value(table, "lang", Value::from(lang.as_str()));
            }
            if table.contains_key("theme") || settings.theme != *theme {
                set_value(table, "theme", Value::from(theme.as_str()));
            }
            match hosts {
                Some(hosts) if hosts.is_empty() => {
                    table.remove("hosts");
                }
                Some(hosts) => {
                    let array: toml_edit::Array =
                        hosts.iter().map(|host| host.to_ascii_lowercase()).collect();
                    set_value(table, "hosts", Value::Array(array));
                }
                None => {}
            }
        }
        Change::Grant { wiki, login, role } => {
            let table = entry(&mut farm, "wikis", wiki)?;
            set_role(table, "grants", login, *role)?;
        }
        Change::AddWiki {
            slug,
            owner,
            title,
            visibility,
            lang,
        } => {
            let mut table = Table::new();
            table.insert("title", toml_edit::value(title.trim()));
            table.insert("owner", toml_edit::value(owner.as_str()));
            table.insert("visibility", toml_edit::value(visibility.as_str()));
            table.insert("lang", toml_edit::value(lang.as_str()));
            table.insert("theme", toml_edit::value("default"));
            append_table(&mut farm, "wikis", slug, table)?;
        }
        Change::RetireWiki { wiki } => {
            tables(&mut farm, "wikis")?.remove(wiki);
        }
        Change::Restore { .. } => {}
    }
    Ok(Texts {
        farm: farm.to_string(),
        roster: roster.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$K6fM5m2NRnNXu+ZQvmqSMw";

    fn farm() -> String {
        "# La ferme\n[farm]\nname = \"F\"\ndata_dir = \"data\"\n\n\
         # Le wiki commun\n[wikis.commun]\ntitle = \"Commun\"  # titre\nowner = \"co\"\n\
         visibility = \"private\"\n"
            .to_owned()
    }

    fn roster() -> String {
        format!(
            "# Les personnes du konbit\n\n\
             [people.ed] # l'éditeur\nname = \"Ed\"   # affiché\nemail = \"ed@example.org\"\n\
             password = \"{HASH}\"\nfarm_admin = true\n\n\
             # une autre\n[people.jo]\nname = \"Jo\"\nemail = \"jo@example.org\"\n\
             password = \"{HASH}\"\n\n\
             [organisations.co]\nname = \"Co\"\nmembers = {{ ed = \"admin\" }} # qui\n"
        )
    }

    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(FARM_FILE), farm()).expect("farm.toml");
        std::fs::write(dir.path().join(ROSTER_FILE), roster()).expect("roster.toml");
        dir
    }

    fn digest(dir: &Path) -> String {
        Texts::read(dir).expect("readable").digest()
    }

    fn apply_now(dir: &Path, change: Change) -> Result<Texts, EditRefused> {
        apply(dir, &digest(dir), &change)
    }

    #[test]
    fn an_edit_keeps_the_document_and_refuses_what_changed_on_disk() {
        let dir = folder();
        let before = digest(dir.path());
        let details = Change::PersonDetails {
            login: "ed".into(),
            name: "Édouard \"Ed\"".into(),
            email: "e@example.org".into(),
        };
        let written = apply(dir.path(), &before, &details).expect("written");
        assert_eq!(
            written.roster,
            roster()
                .replace("name = \"Ed\"   #", "name = 'Édouard \"Ed\"'   #")
                .replace("ed@example.org", "e@example.org")
        );
        assert_eq!(written.farm, farm());
        // The fingerprint of the old texts no longer matches: nothing is written.
        assert!(matches!(
            apply(dir.path(), &before, &details),
            Err(EditRefused::Stale)
        ));
        for (name, email) in [
            ("", "x@example.org"),
            ("a\u{7}b", "x@example.org"),
            ("X", "x"),
            ("X", "a b@c"),
            ("X", "a@b@c"),
        ] {
            let change = Change::PersonDetails {
                login: "ed".into(),
                name: name.into(),
                email: email.into(),
            };
            assert!(apply_now(dir.path(), change).is_err(), "{name:?} {email:?}");
        }
        assert_eq!(Texts::read(dir.path()).expect("read"), written);
    }

    #[test]
    fn members_grants_and_new_tables_are_written_as_people_write_them() {
        let dir = folder();
        let member = |login: &str, role| Change::Member {
            organisation: "co".into(),
            login: login.into(),
            role,
        };
        let written = apply_now(dir.path(), member("jo", Some(Role::Editor))).expect("added");
        assert!(
            written
                .roster
                .ends_with("members = { ed = \"admin\", jo = \"editor\" } # qui\n"),
            "{}",
            written.roster
        );
        let written = apply_now(dir.path(), member("ed", None)).expect("removed");
        assert!(
            written
                .roster
                .ends_with("members = { jo = \"editor\" } # qui\n")
        );
        let written = apply_now(dir.path(), member("ed", Some(Role::Admin))).expect("back");
        let written_again = apply_now(dir.path(), member("ed", None)).expect("removed again");
        assert!(
            written
                .roster
                .ends_with("members = { jo = \"editor\", ed = \"admin\" } # qui\n")
        );
        assert!(
            written_again
                .roster
                .ends_with("members = { jo = \"editor\" } # qui\n")
        );
        let organisation = Change::AddOrganisation {
            slug: "neuve".into(),
            name: "Neuve".into(),
        };
        apply_now(dir.path(), organisation).expect("created");
        let newcomer = Change::Member {
            organisation: "neuve".into(),
            login: "jo".into(),
            role: Some(Role::Reader),
        };
        let written = apply_now(dir.path(), newcomer).expect("member");
        assert!(
            written.roster.ends_with(
                "\n\n[organisations.neuve]\nname = \"Neuve\"\nmembers = { jo = \"reader\" }\n"
            ),
            "{}",
            written.roster
        );
        let grant = Change::Grant {
            wiki: "commun".into(),
            login: "jo".into(),
            role: Some(Role::Reader),
        };
        let written = apply_now(dir.path(), grant).expect("granted");
        assert!(
            written.farm.ends_with("grants = { jo = \"reader\" }\n"),
            "{}",
            written.farm
        );
        let new_person = Change::AddPerson {
            login: "zoe".into(),
            name: "Zoé".into(),
            email: "zoe@example.org".into(),
        };
        let written = apply_now(dir.path(), new_person).expect("added");
        // The new person comes after the last table, and every line before it is kept.
        assert!(
            written
                .roster
                .ends_with("\n\n[people.zoe]\nname = \"Zoé\"\nemail = \"zoe@example.org\"\n"),
            "{}",
            written.roster
        );
        let new_wiki = Change::AddWiki {
            slug: "atelier".into(),
            owner: "co".into(),
            title: "Atelier".into(),
            visibility: Visibility::Public,
            lang: "fr".into(),
        };
        let written = apply_now(dir.path(), new_wiki).expect("added");
        assert!(written.farm.starts_with(&farm()), "{}", written.farm);
        let written = apply_now(
            dir.path(),
            Change::RetireWiki {
                wiki: "commun".into(),
            },
        )
        .expect("retired");
        assert!(!written.farm.contains("Commun"), "{}", written.farm);
        assert!(written.farm.contains("[wikis.atelier]"));
        let config = parse(dir.path(), &written.farm, &written.roster).expect("valid");
        assert_eq!(config.roster.role_in("co", "jo"), Some(Role::Editor));
        assert!(config.roster.people["zoe"].password.is_none());
    }

    #[test]
    fn refusals_write_nothing() {
        let dir = folder();
        let refused = [
            Change::FarmAdmin {
                login: "ed".into(),
                farm_admin: false,
            },
            Change::Disabled {
                login: "ed".into(),
                disabled: true,
            },
            Change::AddPerson {
                login: "Jo Jo".into(),
                name: "J".into(),
                email: "j@example.org".into(),
            },
            Change::AddPerson {
                login: "jo".into(),
                name: "J".into(),
                email: "j@example.org".into(),
            },
            Change::AddOrganisation {
                slug: "search".into(),
                name: "S".into(),
            },
            Change::AddWiki {
                slug: "commun".into(),
                owner: "co".into(),
                title: "C".into(),
                visibility: Visibility::Public,
                lang: "fr".into(),
            },
            Change::AddWiki {
                slug: "neuf".into(),
                owner: "nobody".into(),
                title: "N".into(),
                visibility: Visibility::Public,
                lang: "fr".into(),
            },
            Change::Member {
                organisation: "co".into(),
                login: "ghost".into(),
                role: Some(Role::Reader),
            },
            Change::WikiSettings {
                wiki: "commun".into(),
                title: "C".into(),
                visibility: Visibility::Public,
                lang: "fr".into(),
                theme: "../../etc".into(),
                hosts: None,
            },
            Change::WikiSettings {
                wiki: "commun".into(),
                title: "C".into(),
                visibility: Visibility::Public,
                lang: "klingon".into(),
                theme: "default".into(),
                hosts: None,
            },
            Change::WikiSettings {
                wiki: "commun".into(),
                title: "C".into(),
                visibility: Visibility::Public,
                lang: "fr".into(),
                theme: "default".into(),
                hosts: Some(vec!["wiki.example/evil".into()]),
            },
        ];
        for change in refused {
            assert!(apply_now(dir.path(), change.clone()).is_err(), "{change:?}");
        }
        assert_eq!(
            std::fs::read_to_string(dir.path().join(FARM_FILE)).expect("read"),
            farm()
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join(ROSTER_FILE)).expect("read"),
            roster()
        );
        // A hand edit that broke a file stops every change until it is repaired.
        std::fs::write(dir.path().join(FARM_FILE), "[farm\n").expect("broken");
        let change = Change::Member {
            organisation: "co".into(),
            login: "jo".into(),
            role: Some(Role::Reader),
        };
        assert!(matches!(
            apply_now(dir.path(), change),
            Err(EditRefused::Broken(_))
        ));
    }
}
