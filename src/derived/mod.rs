//! Derived state, in one home: everything konbit computes from a wiki's git repository and
//! could throw away — page listings, rendered pages, recent changes, the history index, the
//! search index — and the branch-move notices that keep it up to date.
//!
//! Each piece knows what it was derived from: listings by tree id, renders by the page's blob id
//! and the set of pages it can link to, recent changes by head commit; the history index records
//! the head it reflects and catches up from there. A cache entry can be evicted, never wrong.
//! This module knows nothing of HTTP or of the access policy: its callers have passed the gate.

mod history;
mod links;
mod notices;
pub mod search;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crate::cache::BoundedCache;
use crate::error::Result;
use crate::markdown::Rendered;
use crate::object_id::ObjectId;
use crate::page_path::{PagePath, WikiSlug};
use crate::rules::Listing;
use crate::store::{Repo, Revision};

pub use history::PathIndex;
pub use links::{LinkIndex, Wanted};
pub use notices::{BranchMoved, Notices, Subscriber};

/// Memory budgets of the caches. Everything here can be recomputed, so an evicted entry only
/// costs its recomputation.
const RENDER_CACHE_BYTES: usize = 64 << 20;
const LISTING_CACHE_BYTES: usize = 16 << 20;
const RECENT_CACHE_BYTES: usize = 8 << 20;
const HISTORY_INDEX_BYTES: usize = 64 << 20;
/// Commits kept in a wiki's recent changes.
pub const RECENT_LIMIT: usize = 50;

/// A commit and the files it changed (stored paths), for recent changes and feeds.
#[derive(Clone, Debug)]
pub struct Activity {
    pub revision: Revision,
    pub paths: Vec<String>,
}

/// A page rendered for display, and the page it redirects to when it is a redirect page.
#[derive(Debug)]
pub struct RenderedPage {
    pub rendered: Rendered,
    pub redirect: Option<PagePath>,
    /// Every page whose existence the render asked about, with the answer it got: the render
    /// holds for any set of pages that gives the same answers.
    pub lookups: Lookups,
    /// The same for pages of other wikis (the answer: exists and may be read by the reader).
    pub other_lookups: OtherLookups,
    /// The newest set of pages (`Listing::page_set`) the lookups were found to hold for.
    checked: AtomicU64,
}

impl RenderedPage {
    /// A render made against the pages of `listing`.
    pub fn new(
        rendered: Rendered,
        redirect: Option<PagePath>,
        lookups: Lookups,
        other_lookups: OtherLookups,
        listing: &Listing,
    ) -> Self {
        RenderedPage {
            rendered,
            redirect,
            lookups,
            other_lookups,
            checked: AtomicU64::new(listing.page_set()),
        }
    }

    /// Whether the render is still right for the pages of `listing` and of the other wikis
    /// (`other`, for this reader): the pages it links to exist or not as they did. Creating or
    /// deleting some other page leaves it right.
    fn holds_for(&self, listing: &Listing, other: &OtherPages) -> bool {
        if !self
            .other_lookups
            .iter()
            .all(|(wiki, path, exists)| other(wiki, path) == *exists)
        {
            return false;
        }
        let pages = listing.page_set();
        if self.checked.load(Ordering::Relaxed) == pages {
            return true;
        }
        let holds = self
            .lookups
            .iter()
            .all(|(path, exists)| listing.pages.contains_key(path) == *exists);
        if holds {
            self.checked.store(pages, Ordering::Relaxed);
        }
        holds
    }

    fn size(&self) -> usize {
        let lookups: usize = self
            .lookups
            .iter()
            .map(|(p, _)| p.as_str().len() + 32)
            .sum();
        self.rendered.html.len() + self.rendered.text.len() + lookups + 256
    }
}

/// What a render was built from, besides the pages it links to: the page's bytes (its blob),
/// its path (relative links), the wiki's URL prefix and the farm's settings links depend on
/// (`Config::render_basis`: a wiki added makes `[[slug:Page]]` a link into it). An old
/// revision's render is found by its blob like today's.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RenderKey {
    pub blob: ObjectId,
    pub path: PagePath,
    pub prefix: String,
    pub basis: u64,
}

/// The pages of its own wiki a render asked about, and whether they existed.
pub type Lookups = Vec<(PagePath, bool)>;
/// The same for the pages of other wikis (exists and may be read by the reader).
pub type OtherLookups = Vec<(WikiSlug, PagePath, bool)>;

/// Whether a page of another wiki exists and may be read, for one reader.
pub type OtherPages<'a> = dyn Fn(&WikiSlug, &PagePath) -> bool + 'a;

/// A render under way: whoever asks for the same render meanwhile waits for this one.
type InFlight = Arc<OnceLock<Option<Arc<RenderedPage>>>>;

pub struct Derived {
    renders: BoundedCache<RenderKey, Arc<RenderedPage>>,
    rendering: Mutex<HashMap<RenderKey, InFlight>>,
    listings: BoundedCache<ObjectId, Arc<Listing>>,
    /// A branch head → its newest commits with the files they changed.
    recents: BoundedCache<ObjectId, Arc<Vec<Activity>>>,
    /// A wiki → which commits changed which file, as of some head.
    histories: BoundedCache<WikiSlug, Arc<PathIndex>>,
    /// The farm's link index, once started.
    links: OnceLock<Arc<LinkIndex>>,
}

impl Default for Derived {
    fn default() -> Self {
        Derived {
            renders: BoundedCache::new(RENDER_CACHE_BYTES),
            rendering: Mutex::default(),
            listings: BoundedCache::new(LISTING_CACHE_BYTES),
            recents: BoundedCache::new(RECENT_CACHE_BYTES),
            histories: BoundedCache::new(HISTORY_INDEX_BYTES),
            links: OnceLock::new(),
        }
    }
}

impl Derived {
    /// The link index, once the farm started it.
    pub fn links(&self) -> Option<&LinkIndex> {
        self.links.get().map(Arc::as_ref)
    }

    /// Hands the farm's link index to every reader.
    pub fn set_links(&self, index: Arc<LinkIndex>) {
        let _ = self.links.set(index);
    }

    /// The pages and attachments of a tree.
    pub fn listing(&self, repo: &Repo, tree: ObjectId) -> Result<Arc<Listing>> {
        if let Some(listing) = self.listings.get(&tree) {
            return Ok(listing);
        }
        let files = repo.files(tree)?;
        let listing = Arc::new(Listing::of_files(files.iter().map(String::as_str)));
        self.listings.insert(tree, listing.clone(), listing.size());
        Ok(listing)
    }

    /// A page's render against the pages of `listing`, computed once for what it was built
    /// from. Requests for a render that is under way wait for it rather than start their own.
    pub fn render(
        &self,
        key: RenderKey,
        listing: &Listing,
        other: &OtherPages,
        compute: impl Fn() -> Result<RenderedPage>,
    ) -> Result<Arc<RenderedPage>> {
        if let Some(page) = self
            .renders
            .get(&key)
            .filter(|page| page.holds_for(listing, other))
        {
            return Ok(page);
        }
        let slot = self
            .rendering
            .lock()
            .expect("the render table's lock is never poisoned")
            .entry(key.clone())
            .or_default()
            .clone();
        let mut outcome = None;
        let shared = slot.get_or_init(|| {
            let computed = compute().map(Arc::new);
            let page = computed.as_ref().ok().cloned();
            outcome = Some(computed);
            page
        });
        if let Some(computed) = outcome {
            // This request made the render: it files it and clears the way for the next one.
            if let Ok(page) = &computed {
                self.renders.insert(key.clone(), page.clone(), page.size());
            }
            self.rendering
                .lock()
                .expect("the render table's lock is never poisoned")
                .remove(&key);
            return computed;
        }
        match shared {
            Some(page) if page.holds_for(listing, other) => Ok(page.clone()),
            // The shared render failed, or was made against other pages: make this one.
            _ => compute().map(Arc::new),
        }
    }

    /// The newest changes up to `head`, computed once per head.
    pub fn recent(&self, repo: &Repo, head: ObjectId) -> Result<Arc<Vec<Activity>>> {
        if let Some(recent) = self.recents.get(&head) {
            return Ok(recent);
        }
        let recent = Arc::new(recent(repo, head, None)?);
        self.insert_recent(head, recent.clone());
        Ok(recent)
    }

    fn insert_recent(&self, head: ObjectId, recent: Arc<Vec<Activity>>) {
        let size = recent
            .iter()
            .map(|a| {
                a.revision.message.len() + a.paths.iter().map(|p| p.len() + 24).sum::<usize>() + 128
            })
            .sum();
        self.recents.insert(head, recent, size);
    }

    /// The history index of a wiki at `head`, caught up from the one at hand if any.
    pub fn history_index(
        &self,
        repo: &Repo,
        wiki: &WikiSlug,
        head: ObjectId,
    ) -> Result<Arc<PathIndex>> {
        if let Some(index) = self.histories.get(wiki)
            && index.head() == Some(head)
        {
            return Ok(index);
        }
        // Take the index out to extend it in place; a reader still holding it keeps its copy.
        let mut index = match self.histories.remove(wiki) {
            Some(known) => Arc::try_unwrap(known).unwrap_or_else(|shared| (*shared).clone()),
            None => PathIndex::default(),
        };
        let started = std::time::Instant::now();
        index.catch_up(repo, head)?;
        tracing::debug!(wiki = %wiki, elapsed = ?started.elapsed(), "history index caught up");
        let index = Arc::new(index);
        self.histories
            .insert(wiki.clone(), index.clone(), index.size());
        Ok(index)
    }

    /// Follows a branch move: derives the new head's listing and recent changes from the old
    /// head's when they are at hand (the cost is then the size of the change, not of the wiki),
    /// and extends the history index if one was built.
    pub fn follow(&self, repo: &Repo, notice: &BranchMoved) -> Result<()> {
        let (from, to) = (notice.from, notice.to);
        let tree = repo.tree_of(to)?;
        let old_tree = from.map(|from| repo.tree_of(from)).transpose()?;
        if self.listings.get(&tree).is_none() {
            let listing = match old_tree.and_then(|old| self.listings.get(&old).map(|l| (old, l))) {
                Some((old_tree, old)) => {
                    let changed = repo.changed_files(Some(old_tree), Some(tree))?;
                    old.with_changes(changed.iter().map(|c| (c.path.as_str(), c.after)))
                }
                None => {
                    let files = repo.files(tree)?;
                    Listing::of_files(files.iter().map(String::as_str))
                }
            };
            let listing = Arc::new(listing);
            self.listings.insert(tree, listing.clone(), listing.size());
        }
        // The history index is built on first use only; once built, it follows every move.
        let follows = self
            .histories
            .get(&notice.wiki)
            .is_some_and(|index| index.head() == from);
        if follows {
            self.history_index(repo, &notice.wiki, to)?;
        }
        if self.recents.get(&to).is_none() {
            let known = from.and_then(|from| self.recents.get(&from).map(|r| (from, r)));
            let recent = recent(repo, to, known.as_ref().map(|(id, r)| (*id, r.as_slice())))?;
            self.insert_recent(to, Arc::new(recent));
        }
        Ok(())
    }
}

/// The newest [`RECENT_LIMIT`] commits of the branch (first parents) with the files each
/// changed. When the activity up to an older head `known` is at hand, the walk stops there and
/// reuses it.
fn recent(
    repo: &Repo,
    head: ObjectId,
    known: Option<(ObjectId, &[Activity])>,
) -> Result<Vec<Activity>> {
    let (commits, met_known) = repo.first_parents(head, known.map(|(id, _)| id), RECENT_LIMIT)?;
    let mut activity = Vec::with_capacity(RECENT_LIMIT);
    for commit in commits {
        activity.push(Activity {
            revision: repo.revision(commit, "")?,
            paths: repo
                .commit_changes(commit)?
                .into_iter()
                .map(|change| change.path)
                .collect(),
        });
    }
    if let (true, Some((_, known))) = (met_known, known) {
        let room = RECENT_LIMIT - activity.len();
        activity.extend(known.iter().take(room).cloned());
    }
    Ok(activity)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::rules::Change;
    use crate::store::{Author, Location, Moved};

    /// A new repository with one commit (`Home.md`), in a temporary folder.
    pub fn repository() -> (tempfile::TempDir, Repo) {
        let dir = tempfile::tempdir().expect("temp dir");
        let location = Location::new(dir.path().join("w.git"));
        location.create(None, "# Home\n", "first").expect("create");
        let repo = location.open().expect("open");
        (dir, repo)
    }

    /// Commits these files (`None`: removed) on top of the head.
    pub fn write(repo: &Repo, files: &[(&str, Option<&str>)], message: &str) -> ObjectId {
        let head = repo.head().expect("head").expect("a commit");
        let changes: Vec<Change> = files
            .iter()
            .map(|(path, text)| match text {
                Some(text) => Change::Put((*path).to_owned(), text.as_bytes().to_vec()),
                None => Change::Delete((*path).to_owned()),
            })
            .collect();
        let tree = repo.write_tree(Some(head.tree), &changes).expect("tree");
        let author = Author {
            name: "T",
            email: "t@example.org",
        };
        match repo
            .commit(Some(head.commit), tree, &author, message)
            .expect("commit")
        {
            Ok(id) => id,
            Err(Moved) => panic!("nobody else writes here"),
        }
    }

    fn names(listing: &Listing) -> Vec<String> {
        listing
            .pages
            .iter()
            .chain(&listing.files)
            .map(|(k, v)| format!("{k}={v}"))
            .collect()
    }

    #[test]
    fn following_a_move_gives_what_a_full_computation_gives() {
        let (dir, repo) = repository();
        let wiki = WikiSlug::parse("w").expect("a slug");
        let location = Location::new(dir.path().join("w.git"));
        let derived = Derived::default();
        let before = repo.head().expect("head").expect("commit");
        derived.listing(&repo, before.tree).expect("listing");
        derived.recent(&repo, before.commit).expect("recent");
        let after = write(
            &repo,
            &[
                ("Guides/Un.md", Some("1")),
                ("images/a.png", Some("png")),
                ("Home.md", None),
            ],
            "mixed",
        );
        derived
            .follow(
                &repo,
                &BranchMoved {
                    wiki,
                    location,
                    from: Some(before.commit),
                    to: after,
                },
            )
            .expect("follow");
        let tree = repo.tree_of(after).expect("tree");
        let followed = derived.listing(&repo, tree).expect("listing");
        let full = Derived::default().listing(&repo, tree).expect("listing");
        assert_eq!(names(&followed), names(&full));
        assert_eq!(
            names(&full),
            ["Guides/Un=Guides/Un.md", "images/a.png=images/a.png"]
        );
        let messages = |a: &[Activity]| {
            a.iter()
                .map(|a| a.revision.message.clone())
                .collect::<Vec<_>>()
        };
        let followed = derived.recent(&repo, after).expect("recent");
        let full = Derived::default().recent(&repo, after).expect("recent");
        assert_eq!(messages(&followed), messages(&full));
        assert_eq!(messages(&full), ["mixed", "first"]);
        assert_eq!(full[0].paths, ["Guides/Un.md", "Home.md", "images/a.png"]);
    }

    #[test]
    fn a_commit_on_a_stale_parent_moves_nothing() {
        let (_dir, repo) = repository();
        let first = repo.head().expect("head").expect("commit");
        let second = write(&repo, &[("A.md", Some("a"))], "a");
        let tree = repo
            .write_tree(
                Some(first.tree),
                &[Change::Put("B.md".into(), b"b".to_vec())],
            )
            .expect("tree");
        let author = Author {
            name: "T",
            email: "t@example.org",
        };
        let stale = repo
            .commit(Some(first.commit), tree, &author, "stale")
            .expect("commit");
        assert!(stale.is_err(), "the branch moved since `first`");
        assert_eq!(repo.head().expect("head").expect("commit").commit, second);
    }
}
