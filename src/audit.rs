//! The audit trail of the configuration: every state of `farm.toml` and `roster.toml`, whether
//! written from the web or found on disk, as a commit of a repository of its own (in the data
//! folder, beside the wikis'), by the person who made the change: who, when, what (the line
//! diffs, password hashes hidden), and the texts an undo goes back to.
//!
//! It records; it decides nothing. The gate asks the access policy before it shows or undoes.

use sha2::{Digest, Sha256};

use crate::config::edit::Texts;
use crate::config::{FARM_FILE, ROSTER_FILE};
use crate::diff::{self, DiffLine};
use crate::error::{Error, Result};
use crate::object_id::ObjectId;
use crate::rules::Change;
use crate::store::{Author, Location};

/// Who made a change. A change found on disk has no author the farm knows.
pub struct By<'a> {
    pub login: &'a str,
    pub name: &'a str,
}

/// One recorded change.
pub struct Entry {
    pub commit: ObjectId,
    /// The login of who made it, empty for a change found on disk.
    pub login: String,
    pub name: String,
    /// Seconds since the epoch.
    pub time: i64,
    pub message: String,
    /// The files changed, with their line diffs (a password's hash is never shown).
    pub files: Vec<(&'static str, Vec<DiffLine>)>,
    /// Whether there is a state before it to go back to.
    pub undoable: bool,
}

/// The login recorded for changes found on disk.
/// (Not a login: logins have no `@`.)
const ON_DISK: &str = "konbit@on-disk";

pub struct Audit {
    location: Location,
}

impl Audit {
    pub fn new(location: Location) -> Audit {
        Audit { location }
    }

    fn repo(&self) -> Result<crate::store::Repo> {
        if !self.location.exists() {
            self.location.create_empty()?;
        }
        self.location.open()
    }

    /// Records `texts` as the newest state, by `by` (`None`: found on disk), unless it is the
    /// newest already. Returns the commit of the change recorded, if one was.
    pub fn record(&self, texts: &Texts, by: Option<By>, message: &str) -> Result<Option<ObjectId>> {
        let repo = self.repo()?;
        let name = by.as_ref().map(|by| signed(by.name));
        let author = match (&by, &name) {
            (Some(by), Some(name)) => Author {
                name,
                email: by.login,
            },
            _ => Author {
                name: "konbit",
                email: ON_DISK,
            },
        };
        // A record racing another (the web and the file watcher) starts again from its head.
        for _ in 0..8 {
            let head = repo.head()?;
            let tree = repo.write_tree(
                None,
                &[
                    Change::Put(FARM_FILE.to_owned(), texts.farm.as_bytes().to_vec()),
                    Change::Put(ROSTER_FILE.to_owned(), texts.roster.as_bytes().to_vec()),
                ],
            )?;
            if head.as_ref().is_some_and(|head| head.tree == tree) {
                return Ok(None);
            }
            if let Ok(commit) = repo.commit(head.map(|head| head.commit), tree, &author, message)? {
                return Ok(Some(commit));
            }
        }
        Err(Error::Internal("the audit trail kept moving".into()))
    }

    /// Records an act that changes neither file (a one-time link handed out), by its author.
    pub fn note(&self, by: By, message: &str) -> Result<()> {
        let repo = self.repo()?;
        let name = signed(by.name);
        let author = Author {
            name: &name,
            email: by.login,
        };
        for _ in 0..8 {
            let head = repo.head()?;
            let tree = match &head {
                Some(head) => head.tree,
                None => repo.write_tree(None, &[])?,
            };
            if repo
                .commit(head.map(|head| head.commit), tree, &author, message)?
                .is_ok()
            {
                return Ok(());
            }
        }
        Err(Error::Internal("the audit trail kept moving".into()))
    }

    /// The newest changes first, at most `limit`.
    pub fn entries(&self, limit: usize) -> Result<Vec<Entry>> {
        let repo = self.repo()?;
        let Some(head) = repo.head()? else {
            return Ok(Vec::new());
        };
        let (commits, _) = repo.first_parents(head.commit, None, limit)?;
        let mut entries = Vec::with_capacity(commits.len());
        for commit in commits {
            let revision = repo.revision(commit, "")?;
            let parent = repo.parent_of(commit)?;
            let after = texts_at(&repo, commit)?;
            let before = parent.map(|parent| texts_at(&repo, parent)).transpose()?;
            let mut files = Vec::new();
            for (file, old, new) in [
                (
                    FARM_FILE,
                    before.as_ref().map_or("", |b| b.farm.as_str()),
                    &after.farm,
                ),
                (
                    ROSTER_FILE,
                    before.as_ref().map_or("", |b| b.roster.as_str()),
                    &after.roster,
                ),
            ] {
                if old != new.as_str() {
                    files.push((file, changed_lines(old, new)));
                }
            }
            // A note (a link handed out) changed no file: there is nothing to undo.
            let undoable = parent.is_some() && !files.is_empty();
            entries.push(Entry {
                commit,
                login: if revision.email == ON_DISK {
                    String::new()
                } else {
                    revision.email
                },
                name: revision.author,
                time: revision.time,
                message: revision.message,
                files,
                undoable,
            });
        }
        Ok(entries)
    }

    /// The state a change was made on, and the state it made: what an undo goes back from and to.
    pub fn change(&self, commit: ObjectId) -> Result<(Texts, Texts)> {
        let repo = self.repo()?;
        if !repo.is_commit(commit) {
            return Err(Error::NotFound);
        }
        let parent = repo.parent_of(commit)?.ok_or(Error::NotFound)?;
        Ok((texts_at(&repo, parent)?, texts_at(&repo, commit)?))
    }
}

/// A display name as a git signature takes it: without `<` and `>`, which a name written by
/// hand in the roster may hold (the web refuses them).
fn signed(name: &str) -> String {
    name.replace(['<', '>'], "")
}

fn texts_at(repo: &crate::store::Repo, commit: ObjectId) -> Result<Texts> {
    let read = |file: &str| -> Result<String> {
        let bytes = repo.read_at(commit, file)?.unwrap_or_default();
        String::from_utf8(bytes).map_err(|_| Error::Internal(format!("{file} is not UTF-8")))
    };
    Ok(Texts {
        farm: read(FARM_FILE)?,
        roster: read(ROSTER_FILE)?,
    })
}

/// Lines of context around each change.
const CONTEXT: usize = 2;

/// The line diff of two states of a file, passwords hidden. A change touches a few lines of a
/// long file: only the lines between the first and the last that differ (and their context)
/// are diffed, so that a long trail of a large roster stays quick to show.
fn changed_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let (old, new) = (without_long_passwords(old), without_long_passwords(new));
    let (old_lines, new_lines): (Vec<&str>, Vec<&str>) = (
        old.split_inclusive('\n').collect(),
        new.split_inclusive('\n').collect(),
    );
    let prefix = old_lines
        .iter()
        .zip(&new_lines)
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = old_lines[prefix..]
        .iter()
        .rev()
        .zip(new_lines[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let start = prefix.saturating_sub(CONTEXT);
    let middle = |lines: &[&str]| {
        let end = (lines.len() - suffix + CONTEXT).min(lines.len());
        hidden(&lines[start..end].concat())
    };
    let mut rows = diff::lines(&middle(&old_lines), &middle(&new_lines), CONTEXT);
    for row in &mut rows {
        row.old_number = row.old_number.map(|n| n + start);
        row.new_number = row.new_number.map(|n| n + start);
    }
    rows
}

/// A roster's text with each password written over several lines (a multi-line string)
/// replaced in place by a mark of it, its lines kept so that numbers stay those of the file:
/// [`hidden`], line by line, could not tell its second line from any other.
fn without_long_passwords(text: &str) -> std::borrow::Cow<'_, str> {
    if !(text.contains("\"\"\"") || text.contains("'''")) {
        return text.into();
    }
    let Ok(document) = toml_edit::Document::parse(text) else {
        return text.into();
    };
    let mut spans: Vec<std::ops::Range<usize>> = document
        .as_item()
        .get("people")
        .and_then(toml_edit::Item::as_table_like)
        .into_iter()
        .flat_map(|people| people.iter())
        .filter_map(|(_, person)| person.as_table_like()?.get("password")?.span())
        .collect();
    spans.sort_by_key(|span| std::cmp::Reverse(span.start));
    let mut out = text.to_owned();
    for span in spans {
        let value = &text[span.clone()];
        let hash = Sha256::digest(value.as_bytes());
        let mark: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
        let lines = "\n".repeat(value.matches('\n').count());
        out.replace_range(span, &format!("\"{mark}\"{lines}"));
    }
    out.into()
}

/// A file's text with every password hash replaced: the trail shows that a password changed,
/// never what it is.
fn hidden(text: &str) -> String {
    text.lines()
        .map(|line| {
            let key = line.split('=').next().unwrap_or("").trim();
            let key_names_password = key.trim_matches(['"', '\'']).ends_with("password");
            // However a hash is written (`password = …`, `a.password = …`, inside an inline
            // table), a line that holds one, or assigns a password, shows only a mark of it.
            if line.contains('=') && (key_names_password || line.contains("$argon2")) {
                let hash = Sha256::digest(line.as_bytes());
                let mark: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
                format!("{key} = \"… ({mark})\"")
            } else {
                line.to_owned()
            }
        })
        .fold(String::with_capacity(text.len()), |mut out, line| {
            out.push_str(&line);
            out.push('\n');
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(farm: &str, roster: &str) -> Texts {
        Texts {
            farm: farm.to_owned(),
            roster: roster.to_owned(),
        }
    }

    #[test]
    fn records_each_state_once_and_hides_passwords() {
        let dir = tempfile::tempdir().expect("temp dir");
        let audit = Audit::new(Location::new(dir.path().join("config-history.git")));
        let first = texts("[farm]\n", "[people.a]\npassword = \"$argon2id$secret\"\n");
        assert!(
            audit
                .record(&first, None, "found on disk")
                .expect("recorded")
                .is_some()
        );
        assert!(
            audit
                .record(&first, None, "again")
                .expect("nothing new")
                .is_none()
        );
        let second = texts("[farm]\n", "[people.a]\npassword = \"$argon2id$other\"\n");
        let by = By {
            login: "a",
            name: "Ann",
        };
        assert!(
            audit
                .record(&second, Some(by), "password")
                .expect("recorded")
                .is_some()
        );
        let entries = audit.entries(10).expect("listed");
        assert_eq!(entries.len(), 2);
        assert_eq!(
            (entries[0].login.as_str(), entries[0].name.as_str()),
            ("a", "Ann")
        );
        assert_eq!(entries[1].login, "");
        let (file, lines) = &entries[0].files[0];
        assert_eq!(*file, ROSTER_FILE);
        assert!(lines.iter().all(|line| !line.text.contains("argon2id")));
        // A hash continued on a second line, its line numbers kept.
        let long = "[people.a]\npassword = \"\"\"$argon2id$v=19$m=8,t=1,p=1$\\\n  \
                    c2FsdHNhbHQ$K6fM5m2NRnNXu\"\"\"\nname = \"A\"\n";
        let rows = changed_lines("[people.a]\nname = \"A\"\n", long);
        assert!(
            rows.iter()
                .all(|row| !row.text.contains("c2FsdHNhbHQ") && !row.text.contains("argon2")),
            "{rows:?}"
        );
        assert!(rows.iter().any(|row| row.new_number == Some(4)), "{rows:?}");
        for written in [
            "a.password = \"$argon2id$x\"",
            "a = { name = \"A\", password = \"$argon2id$x\" }",
            "\"password\" = \"$argon2id$x\"",
        ] {
            assert!(!hidden(written).contains("argon2"), "{written}");
        }
        assert!(entries[0].undoable && !entries[1].undoable);
        // Only the change and its context are shown, numbered as in the files.
        let long = |changed: &str| {
            let mut text: String = (1..=1000).map(|i| format!("line {i}\n")).collect();
            text = text.replace("line 500\n", changed);
            text
        };
        let rows = changed_lines(&long("line 500\n"), &long("changed\n"));
        let shown: Vec<(Option<usize>, Option<usize>, &str)> = rows
            .iter()
            .map(|row| (row.old_number, row.new_number, row.text.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (Some(498), Some(498), "line 498"),
                (Some(499), Some(499), "line 499"),
                (Some(500), None, "line 500"),
                (None, Some(500), "changed"),
                (Some(501), Some(501), "line 501"),
                (Some(502), Some(502), "line 502"),
            ]
        );
        let (before, after) = audit.change(entries[0].commit).expect("known");
        assert_eq!((before, after), (first, second));
    }
}
