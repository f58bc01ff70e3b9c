//! Changing a wiki: saves with three-way merges, renames, deletions, reverts and uploads, all
//! through one loop that judges the change by the rule set, commits it with a compare-and-swap
//! on the branch, records the move, and starts again from the new head when another writer came
//! first.

use std::sync::Arc;

use crate::access::Action;
use crate::error::{Bad, Error, Result};
use crate::object_id::ObjectId;
use crate::page_path::PagePath;
use crate::rules::{self, Change, Limits, Listing};
use crate::store::{Author, Head, Moved};

use super::{Snapshot, Wiki};

/// What became of a save.
#[derive(Debug)]
pub enum SaveOutcome {
    /// Committed; `merged` when it was combined with changes made since the form was opened.
    Saved { commit: ObjectId, merged: bool },
    /// The page already holds exactly this text: nothing to commit.
    Unchanged { commit: ObjectId },
    /// Someone changed the same lines meanwhile: nothing was committed.
    Conflict(Conflict),
}

/// Both sides of a conflicting save, so that the editor can resolve it.
#[derive(Debug)]
pub struct Conflict {
    /// The commit to save against next time.
    pub head: ObjectId,
    /// The page as it is now on the branch.
    pub theirs: String,
    /// The text the person submitted, intact.
    pub yours: String,
}

/// The step a write decides on, given the branch as it is now.
enum Step<T> {
    Commit {
        changes: Vec<Change>,
        message: String,
        done: Box<dyn FnOnce(ObjectId) -> T>,
    },
    Stop(T),
}

/// Attempts at a compare-and-swap before giving up: each failure means another writer moved
/// the branch, so this only runs out under a storm of concurrent writes.
const MAX_ATTEMPTS: usize = 50;

/// Browsers send text areas with CRLF line ends; pages are stored with LF and a final newline.
pub fn normalize_text(text: &str) -> String {
    let mut text = text.replace("\r\n", "\n").replace('\r', "\n");
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

impl Wiki<'_> {
    pub(super) fn require(&self, action: Action) -> Result<()> {
        if self.can(action) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    pub(super) fn limits(&self) -> Limits {
        Limits {
            max_page_bytes: self.config.farm.max_page_bytes,
            max_file_bytes: self.config.farm.max_upload_bytes,
        }
    }

    /// Runs a write: decides the changes against the current branch, judges them by the rule
    /// set, commits them with a compare-and-swap, and starts again from the new head when
    /// another writer came first.
    fn write<T>(&self, mut decide: impl FnMut(&Snapshot) -> Result<Step<T>>) -> Result<T> {
        self.require(Action::Write)?;
        let login = self.actor.login().ok_or(Error::Forbidden)?;
        let person = self.config.roster.person(login).ok_or(Error::Forbidden)?;
        let author = Author {
            name: &person.name,
            email: &person.email,
        };
        for attempt in 0..MAX_ATTEMPTS {
            let snapshot = match self.snapshot()? {
                Some(snapshot) => snapshot,
                None => Snapshot {
                    repo: self.open()?,
                    head: Head {
                        commit: ObjectId::ZERO,
                        tree: ObjectId::ZERO,
                        author: String::new(),
                        time: 0,
                    },
                    listing: Arc::new(Listing::default()),
                },
            };
            let (parent, base_tree) = if snapshot.head.commit.is_zero() {
                (None, None)
            } else {
                (Some(snapshot.head.commit), Some(snapshot.head.tree))
            };
            let (changes, message, done) = match decide(&snapshot)? {
                Step::Stop(outcome) => return Ok(outcome),
                Step::Commit {
                    changes,
                    message,
                    done,
                } => (changes, message, done),
            };
            rules::check(&snapshot.listing, &changes, self.limits()).map_err(Error::Refused)?;
            let tree = snapshot.repo.write_tree(base_tree, &changes)?;
            let message = clean_message(&message);
            let committed = self.notices.record(&self.slug, &self.location, || {
                Ok(
                    match snapshot.repo.commit(parent, tree, &author, &message)? {
                        Ok(commit) => Some((parent, commit, commit)),
                        Err(Moved) => None,
                    },
                )
            })?;
            match committed {
                Some(commit) => return Ok(done(commit)),
                None => {
                    tracing::debug!(wiki = %self.slug, attempt, "branch moved during a write; retrying");
                    std::thread::sleep(std::time::Duration::from_millis(1 + attempt as u64));
                }
            }
        }
        Err(Error::Internal(format!(
            "could not update wiki {} after {MAX_ATTEMPTS} attempts",
            self.slug
        )))
    }

    /// Saves a page's new text. `base` is the commit the form was opened on: when the page
    /// changed since, the edit is merged three-way, or refused as a conflict with nothing lost.
    pub fn save(
        &self,
        path: &PagePath,
        text: &str,
        base: Option<ObjectId>,
        message: &str,
    ) -> Result<SaveOutcome> {
        let yours = normalize_text(text);
        let message = message.trim().to_owned();
        let t = self.settings().lang.messages();
        self.write(|snapshot| {
            let head = snapshot.head.commit;
            let stored = snapshot.listing.pages.get(path).cloned();
            let current = match &stored {
                Some(stored) => snapshot
                    .repo
                    .read(snapshot.head.tree, stored)?
                    .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned()),
                None => None,
            };
            if current.as_deref() == Some(yours.as_str()) {
                return Ok(Step::Stop(SaveOutcome::Unchanged { commit: head }));
            }
            let stale =
                base.is_some_and(|base| base != head) || (base.is_none() && current.is_some());
            let (new_text, merged) = if stale {
                let base_text = match base {
                    Some(base) if !head.is_zero() => {
                        if !snapshot.repo.on_branch(base, head)? {
                            return Err(Error::BadRequest(Bad::RevisionNotOnBranch));
                        }
                        let stored = stored.clone().unwrap_or_else(|| path.file_name());
                        snapshot
                            .repo
                            .read_at(base, &stored)?
                            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                    }
                    _ => None,
                };
                match (&base_text, &current) {
                    (Some(base_text), Some(current)) if base_text == current => {
                        (yours.clone(), false)
                    }
                    // Deleted meanwhile: the edit brings the page back; the deletion stays in
                    // the history.
                    (_, None) => (yours.clone(), false),
                    (base_text, Some(current)) => {
                        match diffy::merge(base_text.as_deref().unwrap_or(""), current, &yours) {
                            Ok(merged) => (merged, true),
                            Err(_) => {
                                return Ok(Step::Stop(SaveOutcome::Conflict(Conflict {
                                    head,
                                    theirs: current.clone(),
                                    yours: yours.clone(),
                                })));
                            }
                        }
                    }
                }
            } else {
                (yours.clone(), false)
            };
            let file = stored.clone().unwrap_or_else(|| path.file_name());
            let message = if message.is_empty() {
                let verb = if current.is_some() {
                    t.commit_update
                } else {
                    t.commit_create
                };
                format!("{verb} {path}")
            } else {
                message.clone()
            };
            Ok(Step::Commit {
                changes: vec![Change::Put(file, new_text.into_bytes())],
                message,
                done: Box::new(move |commit| SaveOutcome::Saved { commit, merged }),
            })
        })
    }

    /// Deletes a page.
    pub fn delete(&self, path: &PagePath, message: &str) -> Result<ObjectId> {
        let t = self.settings().lang.messages();
        let message = non_empty(message, || format!("{} {path}", t.commit_delete));
        self.write(|snapshot| {
            let stored = snapshot.listing.pages.get(path).ok_or(Error::NotFound)?;
            Ok(Step::Commit {
                changes: vec![Change::Delete(stored.clone())],
                message: message.clone(),
                done: Box::new(|commit| commit),
            })
        })
    }

    /// Renames or moves a page, optionally leaving a redirect page at the old name.
    pub fn rename(
        &self,
        from: &PagePath,
        to: &PagePath,
        leave_redirect: bool,
        message: &str,
    ) -> Result<ObjectId> {
        self.move_page(from, to, leave_redirect, false, message)
    }

    /// Renames or moves a page; with `update_links`, the links that lead to it from the other
    /// pages of the wiki, and its own relative links and pictures, are rewritten in the same
    /// commit, whose message lists them.
    pub fn move_page(
        &self,
        from: &PagePath,
        to: &PagePath,
        leave_redirect: bool,
        update_links: bool,
        message: &str,
    ) -> Result<ObjectId> {
        let t = self.settings().lang.messages();
        let subject = non_empty(message, || {
            format!("{} {from} {} {to}", t.commit_rename, t.commit_rename_to)
        });
        self.write(|snapshot| {
            let stored = snapshot.listing.pages.get(from).ok_or(Error::NotFound)?;
            self.may_move_onto(snapshot, from, to)?;
            let (_, bytes) = snapshot
                .repo
                .read(snapshot.head.tree, stored)?
                .ok_or(Error::NotFound)?;
            let mut message = subject.clone();
            let (mut changes, bytes) = if update_links {
                let text = String::from_utf8_lossy(&bytes);
                let (plan, changes, text) = self.move_changes(snapshot, from, to, &text)?;
                if !plan.pages.is_empty() || plan.own > 0 {
                    message.push_str(&format!("\n\n{}\n", t.commit_links_updated));
                    for (page, count) in &plan.pages {
                        message.push_str(&format!("- {page} ({count})\n"));
                    }
                    if plan.own > 0 {
                        message.push_str(&format!("- {to} ({})\n", plan.own));
                    }
                }
                (changes, text.into_bytes())
            } else {
                (Vec::new(), bytes)
            };
            let old = if leave_redirect {
                Change::Put(stored.clone(), format!("#REDIRECT [[{to}]]\n").into_bytes())
            } else {
                Change::Delete(stored.clone())
            };
            // Onto the redirect page an earlier move left: replace it, under its stored name.
            let target = snapshot
                .listing
                .pages
                .get(to)
                .cloned()
                .unwrap_or_else(|| to.file_name());
            changes.push(Change::Put(target, bytes));
            changes.push(old);
            Ok(Step::Commit {
                changes,
                message,
                done: Box::new(|commit| commit),
            })
        })
    }

    /// Adds or replaces an attachment.
    pub fn upload(&self, path: &PagePath, bytes: &[u8], message: &str) -> Result<ObjectId> {
        rules::check_attachment_name(path).map_err(Error::Refused)?;
        let t = self.settings().lang.messages();
        let message = non_empty(message, || format!("{} {path}", t.commit_upload));
        self.write(|snapshot| {
            let stored = snapshot
                .listing
                .files
                .get(path)
                .cloned()
                .unwrap_or_else(|| path.as_str().to_owned());
            Ok(Step::Commit {
                changes: vec![Change::Put(stored, bytes.to_vec())],
                message: message.clone(),
                done: Box::new(|commit| commit),
            })
        })
    }

    /// Restores a page's text at a revision, as a new commit on top of the current head.
    pub fn revert(&self, path: &PagePath, revision: ObjectId) -> Result<SaveOutcome> {
        let text = self
            .text_at(revision, &path.file_name())?
            .ok_or(Error::NotFound)?;
        let head = self.head()?.map(|head| head.commit);
        let t = self.settings().lang.messages();
        let time = self.revision_info(revision)?.time;
        let when = crate::dates::format_date(time);
        let message = format!("{} {path} {} {when}", t.commit_revert, t.commit_revert_to);
        self.save(path, &text, head, &message)
    }
}

/// A commit message as people write it: no control characters but line breaks and tabs (they
/// would break feeds and terminals), at most 2,000 characters.
fn clean_message(message: &str) -> String {
    message
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .take(2_000)
        .collect()
}

fn non_empty(message: &str, default: impl FnOnce() -> String) -> String {
    let message = message.trim();
    if message.is_empty() {
        default()
    } else {
        message.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Actor;
    use crate::farm::Farm;
    use crate::rules::Refusal;

    const HASH: &str = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$K6fM5m2NRnNXu+ZQvmqSMw";

    /// A farm of one wiki `w` in a temporary folder, with an editor `ed` and a reader `re`.
    fn farm() -> (tempfile::TempDir, Farm) {
        let dir = tempfile::tempdir().expect("temp dir");
        let farm_toml = "[farm]\nname = \"t\"\ndata_dir = \"data\"\nmax_page_kib = 1\n\n\
                         [wikis.w]\ntitle = \"W\"\nowner = \"org\"\nvisibility = \"private\"\n";
        let people: String = ["ed", "re"]
            .iter()
            .map(|login| {
                format!(
                    "[people.{login}]\nname = \"Person {login}\"\nemail = \"{login}@example.org\"\n\
                     password = \"{HASH}\"\n"
                )
            })
            .collect();
        let roster = format!(
            "{people}[organisations.org]\nname = \"Org\"\n\
             members = {{ ed = \"editor\", re = \"reader\" }}\n"
        );
        std::fs::write(dir.path().join("farm.toml"), farm_toml).expect("farm.toml");
        std::fs::write(dir.path().join("roster.toml"), roster).expect("roster.toml");
        let farm = Farm::load(dir.path()).expect("a valid farm");
        farm.prepare_repositories();
        (dir, farm)
    }

    fn as_person<'f>(farm: &'f Farm, login: &str, action: Action) -> Result<Wiki<'f>> {
        farm.open(farm.config(), Actor::Person(login.to_owned()), "w", action)
    }

    fn page(name: &str) -> PagePath {
        PagePath::parse(name).expect("a valid page path")
    }

    fn text(wiki: &Wiki, name: &str) -> Option<String> {
        wiki.source(&page(name)).expect("source").0
    }

    /// What the current text is when a save starting from `base` arrives with `yours`.
    enum Theirs {
        Same,
        Text(&'static str),
        Deleted,
    }

    /// The merge table: (base, theirs, yours) → what the save does and the page's text after.
    #[test]
    fn the_merge_table() {
        let cases: [(&str, Theirs, &str, &str, Option<&str>); 6] = [
            (
                "a\nb\nc\n",
                Theirs::Same,
                "a\nB\nc\n",
                "saved",
                Some("a\nB\nc\n"),
            ),
            (
                "a\nb\nc\n",
                Theirs::Text("A\nb\nc\n"),
                "a\nb\nC\n",
                "merged",
                Some("A\nb\nC\n"),
            ),
            (
                "a\nb\nc\n",
                Theirs::Text("a\nX\nc\n"),
                "a\nY\nc\n",
                "conflict",
                Some("a\nX\nc\n"),
            ),
            ("a\n", Theirs::Deleted, "b\n", "saved", Some("b\n")),
            ("a\n", Theirs::Text("b\n"), "b\n", "unchanged", Some("b\n")),
            // Line ends from a browser are stored as LF with a final newline.
            ("a\n", Theirs::Same, "a\r\nb", "saved", Some("a\nb\n")),
        ];
        let (_dir, farm) = farm();
        let wiki = as_person(&farm, "ed", Action::Write).expect("an editor writes");
        for (i, (base_text, theirs, yours, expected, after)) in cases.into_iter().enumerate() {
            let name = format!("Page {i}");
            let path = page(&name);
            let base = match wiki.save(&path, base_text, None, "").expect("create") {
                SaveOutcome::Saved { commit, .. } => commit,
                other => panic!("case {i}: creating gave {other:?}"),
            };
            match theirs {
                Theirs::Same => {}
                Theirs::Text(text) => {
                    wiki.save(&path, text, Some(base), "").expect("their save");
                }
                Theirs::Deleted => {
                    wiki.delete(&path, "").expect("their delete");
                }
            }
            let outcome = wiki.save(&path, yours, Some(base), "").expect("your save");
            let got = match &outcome {
                SaveOutcome::Saved { merged: false, .. } => "saved",
                SaveOutcome::Saved { merged: true, .. } => "merged",
                SaveOutcome::Unchanged { .. } => "unchanged",
                SaveOutcome::Conflict(conflict) => {
                    assert_eq!(conflict.yours, yours, "case {i}: your text is intact");
                    "conflict"
                }
            };
            assert_eq!(got, expected, "case {i}");
            assert_eq!(text(&wiki, &name).as_deref(), after, "case {i}");
        }
    }

    #[test]
    fn writes_go_through_the_rules_and_the_policy_and_commit_as_the_person() {
        let (_dir, farm) = farm();
        let wiki = as_person(&farm, "ed", Action::Write).expect("an editor writes");
        let listing_before = wiki.listing().expect("listing").pages.len() + 1;
        // The rule set refuses, nothing is written. The limit counts the page as stored: with
        // its final newline.
        let too_large = "x".repeat(1024);
        assert!(matches!(
            wiki.save(&page("Big"), &too_large, None, ""),
            Err(Error::Refused(Refusal::PageTooLarge {
                bytes: 1025,
                limit: 1024,
                ..
            }))
        ));
        let fits = "x".repeat(1023);
        assert!(matches!(
            wiki.save(&page("Fits"), &fits, None, ""),
            Ok(SaveOutcome::Saved { .. })
        ));
        assert!(matches!(
            wiki.save(&page("home"), "x", None, ""),
            Err(Error::Refused(Refusal::CaseClash { .. }))
        ));
        assert!(matches!(
            wiki.upload(&page("notes.MD"), b"x", ""),
            Err(Error::Refused(Refusal::PageAsAttachment { .. }))
        ));
        assert_eq!(wiki.listing().expect("listing").pages.len(), listing_before);
        // A save is a commit by the person; a rename moves the page and its history follows.
        wiki.save(&page("Old"), "# Old\n\ntext\n", None, "first")
            .expect("save");
        wiki.rename(&page("Old"), &page("Dossier/New"), false, "")
            .expect("rename");
        assert!(matches!(
            wiki.rename(&page("Dossier/New"), &page("Home"), false, ""),
            Err(Error::Refused(Refusal::PageExists { .. }))
        ));
        let (history, _) = wiki.history(&page("Dossier/New"), 0, 10).expect("history");
        let seen: Vec<(&str, &str)> = history
            .iter()
            .map(|r| (r.author.as_str(), r.path.as_str()))
            .collect();
        assert_eq!(
            seen,
            [("Person ed", "Dossier/New.md"), ("Person ed", "Old.md")]
        );
        let view = wiki
            .page(&page("Dossier/New"), "/w/")
            .expect("page")
            .expect("exists");
        assert_eq!(view.last_change.expect("a last change").author, "Person ed");
        // A base that is not on the branch is refused, in words the interface can translate.
        assert!(matches!(
            wiki.save(&page("Home"), "x", Some(ObjectId::from_bytes([7; 20])), ""),
            Err(Error::BadRequest(Bad::RevisionNotOnBranch))
        ));
        // A reader may open the wiki but not write it, even holding the handle.
        let reader = as_person(&farm, "re", Action::Read).expect("a reader reads");
        assert!(matches!(
            reader.save(&page("Home"), "x", None, ""),
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            as_person(&farm, "re", Action::Write),
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            farm.open(farm.config(), Actor::Visitor, "w", Action::Read),
            Err(Error::NotFound)
        ));
    }
}
