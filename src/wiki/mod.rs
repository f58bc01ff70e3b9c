//! A wiki: the one API the web layer calls to read a wiki's content.
//!
//! A [`Wiki`] can only be obtained through [`crate::farm::Farm::open`], which asks the access
//! policy first, so holding one is proof that the actor may read it. This module knows nothing
//! of HTTP; every git2 call is in `store`.

pub mod store;

use std::sync::Arc;

use git2::{Oid, Repository};

use crate::access::{self, Action, Actor, Place};
use crate::config::{Config, WikiConfig};
use crate::error::{Error, Result};
use crate::farm::Farm;
use crate::markdown::{self, RenderContext, Rendered};
use crate::page_path::{PagePath, WikiSlug};

pub use store::{Head, Listing};

/// Names tried, in order, for a wiki's home page.
pub const HOME_PAGES: [&str; 3] = ["Home", "Accueil", "index"];

/// A wiki that the actor may read, at the configuration of the request.
pub struct Wiki<'f> {
    farm: &'f Farm,
    config: Arc<Config>,
    slug: WikiSlug,
    actor: Actor,
}

/// A page rendered for display.
pub struct PageView {
    pub path: PagePath,
    pub rendered: Arc<Rendered>,
    /// Set when the page is a redirect left by a rename.
    pub redirect: Option<PagePath>,
    pub head: Head,
}

/// What a wiki's branch holds right now.
struct Snapshot {
    repo: Repository,
    head: Head,
    listing: Arc<Listing>,
}

impl<'f> Wiki<'f> {
    /// Only `Farm::open` calls this, after the access check.
    pub(crate) fn new(farm: &'f Farm, config: Arc<Config>, slug: WikiSlug, actor: Actor) -> Self {
        Wiki {
            farm,
            config,
            slug,
            actor,
        }
    }

    pub fn settings(&self) -> &WikiConfig {
        self.config
            .wikis
            .get(&self.slug)
            .expect("Farm::open only builds a Wiki for a declared slug")
    }

    pub fn slug(&self) -> &WikiSlug {
        &self.slug
    }

    /// Whether the actor may change this wiki (to show or hide edit controls).
    pub fn can(&self, action: Action) -> bool {
        access::allows(
            &self.config.roster,
            Place::wiki(self.settings()),
            &self.actor,
            action,
        )
    }

    fn snapshot(&self) -> Result<Option<Snapshot>> {
        let repo = store::open(&self.config.repo_path(&self.slug))?;
        let Some(head) = store::head(&repo)? else {
            return Ok(None);
        };
        let listing = self.listing_of(&repo, head.tree)?;
        Ok(Some(Snapshot {
            repo,
            head,
            listing,
        }))
    }

    fn listing_of(&self, repo: &Repository, tree: Oid) -> Result<Arc<Listing>> {
        if let Some(listing) = self.farm.listings.get(&tree) {
            return Ok(listing);
        }
        let listing = Arc::new(store::list(repo, tree)?);
        self.farm
            .listings
            .insert(tree, listing.clone(), listing.size());
        Ok(listing)
    }

    /// Every page and attachment on the branch.
    pub fn listing(&self) -> Result<Arc<Listing>> {
        Ok(match self.snapshot()? {
            Some(snapshot) => snapshot.listing,
            None => Arc::new(Listing::default()),
        })
    }

    /// The home page's path, if the wiki has one.
    pub fn home_path(&self) -> Result<Option<PagePath>> {
        let listing = self.listing()?;
        Ok(HOME_PAGES
            .iter()
            .filter_map(|name| PagePath::parse(name).ok())
            .find(|path| listing.pages.contains_key(path)))
    }

    /// A page rendered with links under `prefix` (the wiki's URL, ending in '/').
    pub fn page(&self, path: &PagePath, prefix: &str) -> Result<Option<PageView>> {
        let Some(snapshot) = self.snapshot()? else {
            return Ok(None);
        };
        let Some(stored) = snapshot.listing.pages.get(path) else {
            return Ok(None);
        };
        // The tree and the path fix the page's bytes and the set of pages it can link to, so
        // this key can never name a stale rendering.
        let key = (snapshot.head.tree, path.clone(), prefix.to_owned());
        let (rendered, redirect) = match self.farm.renders.get(&key) {
            Some(cached) => cached,
            None => {
                let Some((_, bytes)) = store::read(&snapshot.repo, snapshot.head.tree, stored)?
                else {
                    return Ok(None);
                };
                let text = String::from_utf8_lossy(&bytes);
                let rendered = Arc::new(render_in(&snapshot.listing, path, &text, prefix));
                let redirect = redirect_target(&text);
                let size = rendered.html.len() + rendered.text.len() + 256;
                self.farm
                    .renders
                    .insert(key, (rendered.clone(), redirect.clone()), size);
                (rendered, redirect)
            }
        };
        Ok(Some(PageView {
            path: path.clone(),
            rendered,
            redirect,
            head: snapshot.head,
        }))
    }

    /// The Markdown of a page as stored.
    pub fn raw(&self, path: &PagePath) -> Result<Option<Vec<u8>>> {
        self.read_listed(|listing| listing.pages.get(path))
    }

    /// The bytes of an attachment.
    pub fn file(&self, path: &PagePath) -> Result<Option<Vec<u8>>> {
        self.read_listed(|listing| listing.files.get(path))
    }

    fn read_listed(
        &self,
        pick: impl FnOnce(&Listing) -> Option<&String>,
    ) -> Result<Option<Vec<u8>>> {
        let Some(snapshot) = self.snapshot()? else {
            return Ok(None);
        };
        let Some(stored) = pick(&snapshot.listing) else {
            return Ok(None);
        };
        Ok(store::read(&snapshot.repo, snapshot.head.tree, stored)?.map(|(_, bytes)| bytes))
    }
}

/// What became of a save.
pub enum SaveOutcome {
    /// Committed; `merged` when it was combined with changes made since the form was opened.
    Saved { commit: Oid, merged: bool },
    /// The page already holds exactly this text: nothing to commit.
    Unchanged { commit: Oid },
    /// Someone changed the same lines meanwhile: nothing was committed.
    Conflict(Conflict),
    /// A new page would sit beside an existing one whose name differs only by letter case.
    Clash(PagePath),
}

/// Both sides of a conflicting save, so that the editor can resolve it.
pub struct Conflict {
    /// The commit to save against next time.
    pub head: Oid,
    /// The page as it is now on the branch.
    pub theirs: String,
    /// The text the person submitted, intact.
    pub yours: String,
}

/// The first line of a page left behind by a rename: `#REDIRECT [[New name]]`.
const REDIRECT_MARK: &str = "#redirect [[";

/// The page a redirect page points to.
pub fn redirect_target(text: &str) -> Option<PagePath> {
    let first = text.lines().next()?.trim();
    let lower = first.to_lowercase();
    let rest = lower
        .strip_prefix(REDIRECT_MARK)
        .map(|_| &first[REDIRECT_MARK.len()..])?;
    PagePath::parse(rest.strip_suffix("]]")?.trim()).ok()
}

/// Browsers send text areas with CRLF line ends; pages are stored with LF and a final newline.
pub fn normalize_text(text: &str) -> String {
    let mut text = text.replace("\r\n", "\n").replace('\r', "\n");
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The step a write decides on, given the branch as it is now.
enum Step<T> {
    Commit {
        changes: Vec<(String, Option<Vec<u8>>)>,
        message: String,
        done: Box<dyn FnOnce(Oid) -> T>,
    },
    Stop(T),
}

/// Attempts at a compare-and-swap before giving up: each failure means another writer moved
/// the branch, so this only runs out under a storm of concurrent writes.
const MAX_ATTEMPTS: usize = 50;

impl Wiki<'_> {
    fn require(&self, action: Action) -> Result<()> {
        if self.can(action) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    fn signature(&self) -> Result<git2::Signature<'static>> {
        let login = self.actor.login().ok_or(Error::Forbidden)?;
        let person = self.config.roster.person(login).ok_or(Error::Forbidden)?;
        Ok(git2::Signature::now(&person.name, &person.email)?)
    }

    /// The branch's head commit, if any.
    pub fn head(&self) -> Result<Option<Head>> {
        store::head(&store::open(&self.config.repo_path(&self.slug))?)
    }

    /// The Markdown of a page and the commit it was read at, for an edit form.
    pub fn source(&self, path: &PagePath) -> Result<(Option<String>, Option<Oid>)> {
        let Some(snapshot) = self.snapshot()? else {
            return Ok((None, None));
        };
        let text = match snapshot.listing.pages.get(path) {
            Some(stored) => store::read(&snapshot.repo, snapshot.head.tree, stored)?
                .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned()),
            None => None,
        };
        Ok((text, Some(snapshot.head.commit)))
    }

    /// Runs a write: decides the changes against the current branch, commits them with a
    /// compare-and-swap, and starts again from the new head when another writer came first.
    fn write<T>(&self, mut decide: impl FnMut(&Snapshot) -> Result<Step<T>>) -> Result<T> {
        self.require(Action::Write)?;
        let author = self.signature()?;
        let path = self.config.repo_path(&self.slug);
        for attempt in 0..MAX_ATTEMPTS {
            let repo = store::open(&path)?;
            let snapshot = match store::head(&repo)? {
                Some(head) => {
                    let listing = self.listing_of(&repo, head.tree)?;
                    Snapshot {
                        repo,
                        head,
                        listing,
                    }
                }
                None => Snapshot {
                    repo,
                    head: Head {
                        commit: Oid::zero(),
                        tree: Oid::zero(),
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
            let changes: Vec<store::Change> = changes
                .iter()
                .map(|(path, bytes)| match bytes {
                    Some(bytes) => store::Change::Put(path, bytes),
                    None => store::Change::Delete(path),
                })
                .collect();
            let tree = store::write_tree(&snapshot.repo, base_tree, &changes)?;
            let message = clean_message(&message);
            match store::commit(&snapshot.repo, parent, tree, &author, &message)? {
                Ok(commit) => {
                    self.farm.branch_moved(&self.slug, parent, commit);
                    return Ok(done(commit));
                }
                Err(store::Moved) => {
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
        base: Option<Oid>,
        message: &str,
    ) -> Result<SaveOutcome> {
        let yours = normalize_text(text);
        let message = message.trim().to_owned();
        let t = self.settings().lang.messages();
        self.write(|snapshot| {
            let head = snapshot.head.commit;
            let stored = snapshot.listing.pages.get(path).cloned();
            let current = match &stored {
                Some(stored) => store::read(&snapshot.repo, snapshot.head.tree, stored)?
                    .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned()),
                None => None,
            };
            if current.is_none()
                && let Some(existing) = clash(&snapshot.listing, path)
            {
                return Ok(Step::Stop(SaveOutcome::Clash(existing)));
            }
            if current.as_deref() == Some(yours.as_str()) {
                return Ok(Step::Stop(SaveOutcome::Unchanged { commit: head }));
            }
            let stale =
                base.is_some_and(|base| base != head) || (base.is_none() && current.is_some());
            let (new_text, merged) = if stale {
                let base_text = match base {
                    Some(base) if !head.is_zero() => {
                        if snapshot.repo.find_commit(base).is_err()
                            || !store::is_ancestor(&snapshot.repo, base, head)?
                        {
                            return Err(Error::BadRequest(
                                "the revision this edit started from is not on the wiki's branch"
                                    .into(),
                            ));
                        }
                        let stored = stored.clone().unwrap_or_else(|| path.file_name());
                        store::read_at(&snapshot.repo, base, &stored)?
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
                changes: vec![(file, Some(new_text.into_bytes()))],
                message,
                done: Box::new(move |commit| SaveOutcome::Saved { commit, merged }),
            })
        })
    }

    /// Deletes a page.
    pub fn delete(&self, path: &PagePath, message: &str) -> Result<Oid> {
        let t = self.settings().lang.messages();
        let message = non_empty(message, || format!("{} {path}", t.commit_delete));
        self.write(|snapshot| {
            let stored = snapshot.listing.pages.get(path).ok_or(Error::NotFound)?;
            Ok(Step::Commit {
                changes: vec![(stored.clone(), None)],
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
    ) -> Result<std::result::Result<Oid, PagePath>> {
        let t = self.settings().lang.messages();
        let message = non_empty(message, || {
            format!("{} {from} {} {to}", t.commit_rename, t.commit_rename_to)
        });
        self.write(|snapshot| {
            let stored = snapshot.listing.pages.get(from).ok_or(Error::NotFound)?;
            if let Some(existing) = snapshot
                .listing
                .pages
                .get_key_value(to)
                .map(|(k, _)| k.clone())
                .or_else(|| clash(&snapshot.listing, to))
            {
                return Ok(Step::Stop(Err(existing)));
            }
            let (_, bytes) =
                store::read(&snapshot.repo, snapshot.head.tree, stored)?.ok_or(Error::NotFound)?;
            let old = if leave_redirect {
                Some(format!("#REDIRECT [[{to}]]\n").into_bytes())
            } else {
                None
            };
            Ok(Step::Commit {
                changes: vec![(to.file_name(), Some(bytes)), (stored.clone(), old)],
                message: message.clone(),
                done: Box::new(Ok),
            })
        })
    }

    /// Adds or replaces an attachment.
    pub fn upload(&self, path: &PagePath, bytes: &[u8], message: &str) -> Result<Oid> {
        if path.as_str().to_lowercase().ends_with(".md") {
            return Err(Error::BadRequest(
                "Markdown files are pages: create them with the editor".into(),
            ));
        }
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
                changes: vec![(stored, Some(bytes.to_vec()))],
                message: message.clone(),
                done: Box::new(|commit| commit),
            })
        })
    }

    /// The commits that changed a page, newest first, `per_page` at a time; and whether there
    /// are more.
    pub fn history(
        &self,
        path: &PagePath,
        page: usize,
        per_page: usize,
    ) -> Result<(Vec<store::Revision>, bool)> {
        let Some(snapshot) = self.snapshot()? else {
            return Ok((Vec::new(), false));
        };
        let stored = snapshot
            .listing
            .pages
            .get(path)
            .cloned()
            .unwrap_or_else(|| path.file_name());
        let index = self
            .farm
            .history_index(&snapshot.repo, &self.slug, snapshot.head.commit)?;
        index.history(&snapshot.repo, &stored, page * per_page, per_page)
    }

    /// A page's Markdown at a revision, looked up by its path at that revision. The revision
    /// must be on the branch: commits that were never part of the wiki are not served.
    pub fn text_at(&self, commit: Oid, stored_path: &str) -> Result<Option<String>> {
        let Some(snapshot) = self.snapshot()? else {
            return Ok(None);
        };
        if snapshot.repo.find_commit(commit).is_err()
            || !store::is_ancestor(&snapshot.repo, commit, snapshot.head.commit)?
        {
            return Err(Error::NotFound);
        }
        Ok(store::read_at(&snapshot.repo, commit, stored_path)?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// Renders Markdown that is not (or not yet) on the branch: a preview or an old revision.
    pub fn render_text(&self, path: &PagePath, text: &str, prefix: &str) -> Result<Rendered> {
        Ok(render_in(&*self.listing()?, path, text, prefix))
    }

    /// Restores a page's text at a revision, as a new commit on top of the current head.
    pub fn revert(&self, path: &PagePath, revision: Oid) -> Result<SaveOutcome> {
        let text = self
            .text_at(revision, &path.file_name())?
            .ok_or(Error::NotFound)?;
        let head = self.head()?.map(|head| head.commit);
        let t = self.settings().lang.messages();
        let (_, time) = self.revision_info(revision)?;
        let when = crate::dates::format_date(time);
        let message = format!("{} {path} {} {when}", t.commit_revert, t.commit_revert_to);
        self.save(path, &text, head, &message)
    }

    /// Who made a commit of the branch, and when.
    pub fn revision_info(&self, commit: Oid) -> Result<(String, i64)> {
        let repo = store::open(&self.config.repo_path(&self.slug))?;
        let head = store::head(&repo)?.ok_or(Error::NotFound)?;
        if repo.find_commit(commit).is_err() || !store::is_ancestor(&repo, commit, head.commit)? {
            return Err(Error::NotFound);
        }
        let commit = repo.find_commit(commit)?;
        Ok((
            commit.author().name().unwrap_or("?").to_owned(),
            commit.time().seconds(),
        ))
    }

    /// The stored path a page had at one of the revisions of its history (before a rename, its
    /// old name).
    pub fn path_at(&self, path: &PagePath, commit: Oid) -> Result<Option<String>> {
        let (revisions, _) = self.history(path, 0, usize::MAX >> 1)?;
        Ok(revisions
            .into_iter()
            .find(|revision| revision.commit == commit)
            .map(|revision| revision.path))
    }

    /// The newest changes of the wiki.
    pub fn recent(&self) -> Result<Arc<Vec<store::Activity>>> {
        let repo = store::open(&self.config.repo_path(&self.slug))?;
        let Some(head) = store::head(&repo)? else {
            return Ok(Arc::new(Vec::new()));
        };
        self.farm.recent_of(&repo, head.commit)
    }
}

/// Renders a page's Markdown with links resolved against the pages of `listing`.
fn render_in(listing: &Listing, path: &PagePath, text: &str, prefix: &str) -> Rendered {
    let exists = |target: &str| {
        PagePath::parse(target).is_ok_and(|target| listing.pages.contains_key(&target))
    };
    let context = RenderContext {
        prefix,
        folder: path.folder(),
        page_exists: &exists,
    };
    markdown::render(text, &context)
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

/// An existing page whose name equals `path` but for letter case (both are NFC already).
pub fn clash(listing: &Listing, path: &PagePath) -> Option<PagePath> {
    let wanted = path.as_str().to_lowercase();
    listing
        .pages
        .keys()
        .find(|existing| *existing != path && existing.as_str().to_lowercase() == wanted)
        .cloned()
}
