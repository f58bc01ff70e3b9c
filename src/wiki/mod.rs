//! A wiki: the one API the web layer calls to read and change a wiki's content.
//!
//! A [`Wiki`] can only be obtained through [`crate::farm::Farm::open`], which asks the access
//! policy first, so holding one is proof that the actor may read it. It reads through the
//! derived state (listings, renders, history) and writes through the rule set and one
//! compare-and-swap loop (`write.rs`). This module knows nothing of HTTP or sessions; every git2
//! call is in `store`.

mod links;
mod moves;
mod push;
mod write;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use crate::access::{self, Action, Actor, Place};
use crate::config::{Config, WikiConfig};
use crate::derived::{Derived, Lookups, Notices, OtherLookups, RenderKey, RenderedPage};
use crate::error::{Error, Result};
use crate::markdown::{self, RenderContext, Rendered};
use crate::object_id::ObjectId;
use crate::page_path::{PagePath, WikiSlug};
use crate::rules::{HOME_PAGES, Listing};
use crate::store::{Location, Repo};

pub use crate::derived::Activity;
pub use crate::derived::Wanted;
pub use crate::store::{Head, Revision};
pub use links::{Backlink, Backlinks, MAX_BACKLINKS};
pub use moves::MovePlan;
pub use push::{PushReport, RefUpdate, parse_updates};
pub use write::{Conflict, SaveOutcome};

/// A wiki that the actor may read, at the configuration of the request.
pub struct Wiki<'f> {
    derived: &'f Derived,
    notices: &'f Notices,
    location: Location,
    config: Arc<Config>,
    slug: WikiSlug,
    actor: Actor,
}

/// A page rendered for display.
pub struct PageView {
    pub path: PagePath,
    pub page: Arc<RenderedPage>,
    /// The newest commit that changed this page (not the wiki's newest commit).
    pub last_change: Option<Revision>,
}

/// What a wiki's branch holds right now.
struct Snapshot {
    repo: Repo,
    head: Head,
    listing: Arc<Listing>,
}

impl<'f> Wiki<'f> {
    /// Only `Farm::open` calls this, after the access check.
    pub(crate) fn new(
        derived: &'f Derived,
        notices: &'f Notices,
        location: Location,
        config: Arc<Config>,
        slug: WikiSlug,
        actor: Actor,
    ) -> Self {
        Wiki {
            derived,
            notices,
            location,
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

    /// Whether the actor may do `action` on this wiki (to show or hide controls).
    pub fn can(&self, action: Action) -> bool {
        access::allows(
            &self.config.roster,
            Place::wiki(self.settings()),
            &self.actor,
            action,
        )
    }

    fn open(&self) -> Result<Repo> {
        self.location.open()
    }

    /// The branch as it is now. Reading the head through the notices is what publishes the
    /// moves made by others (a push, a commit behind the server's back).
    fn snapshot(&self) -> Result<Option<Snapshot>> {
        let repo = self.open()?;
        let Some(head) = self.notices.observe(&self.slug, &self.location, &repo)? else {
            return Ok(None);
        };
        let listing = self.derived.listing(&repo, head.tree)?;
        Ok(Some(Snapshot {
            repo,
            head,
            listing,
        }))
    }

    /// The branch's head commit, if any.
    pub fn head(&self) -> Result<Option<Head>> {
        Ok(self.snapshot()?.map(|snapshot| snapshot.head))
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
        let Some(blob) = snapshot.repo.blob_in_tree(snapshot.head.tree, stored)? else {
            return Ok(None);
        };
        let page = self.render_blob(&snapshot, blob, path, prefix)?;
        let index = self
            .derived
            .history_index(&snapshot.repo, &self.slug, snapshot.head.commit)?;
        let last_change = index.last_change(&snapshot.repo, stored)?;
        Ok(Some(PageView {
            path: path.clone(),
            page,
            last_change,
        }))
    }

    /// A page as it was at a revision of the branch, rendered against the pages of today.
    pub fn page_at(
        &self,
        path: &PagePath,
        commit: ObjectId,
        prefix: &str,
    ) -> Result<Option<(Arc<RenderedPage>, Revision)>> {
        let Some(snapshot) = self.snapshot()? else {
            return Ok(None);
        };
        if !snapshot.repo.on_branch(commit, snapshot.head.commit)? {
            return Err(Error::NotFound);
        }
        let file = path.file_name();
        let Some(blob) = snapshot.repo.blob_at(commit, &file)? else {
            return Ok(None);
        };
        let page = self.render_blob(&snapshot, blob, path, prefix)?;
        Ok(Some((page, snapshot.repo.revision(commit, &file)?)))
    }

    fn render_blob(
        &self,
        snapshot: &Snapshot,
        blob: ObjectId,
        path: &PagePath,
        prefix: &str,
    ) -> Result<Arc<RenderedPage>> {
        let key = RenderKey {
            blob,
            path: path.clone(),
            prefix: prefix.to_owned(),
            basis: self.config.render_basis,
        };
        let listing = &snapshot.listing;
        let other = |wiki: &WikiSlug, page: &PagePath| self.other_page_exists(wiki, page);
        self.derived.render(key, listing, &other, || {
            let bytes = snapshot.repo.blob(blob)?;
            let text = String::from_utf8_lossy(&bytes);
            let (rendered, lookups, other_lookups) =
                self.render_recording(listing, path, &text, prefix);
            Ok(RenderedPage::new(
                rendered,
                redirect_target(&text),
                lookups,
                other_lookups,
                listing,
            ))
        })
    }

    /// Whether a page of another wiki exists for this actor: a wiki they may not read has no
    /// pages, exactly like a page that does not exist.
    fn other_page_exists(&self, wiki: &WikiSlug, page: &PagePath) -> bool {
        self.may_read(wiki)
            && self
                .derived
                .links()
                .is_some_and(|index| index.has_page(wiki, page))
    }

    /// Whether the actor may read wiki `wiki` of the farm.
    fn may_read(&self, wiki: &WikiSlug) -> bool {
        self.config.wikis.get(wiki).is_some_and(|settings| {
            access::allows(
                &self.config.roster,
                Place::wiki(settings),
                &self.actor,
                Action::Read,
            )
        })
    }

    /// Where another wiki's pages are, seen from a page of this one at `prefix`: beside it on the
    /// farm's host; from a wiki served at its own host's root, on the farm's address.
    fn other_prefix(&self, wiki: &WikiSlug, prefix: &str) -> String {
        if *wiki == self.slug {
            return prefix.to_owned();
        }
        match (&self.config.farm.base_url, prefix) {
            (Some(base), "/") => format!("{base}/{wiki}/"),
            _ => format!("/{wiki}/"),
        }
    }

    /// Renders a page's Markdown with links resolved against the pages of `listing` and of the
    /// other wikis, and tells which pages' existence the render depended on.
    fn render_recording(
        &self,
        listing: &Listing,
        path: &PagePath,
        text: &str,
        prefix: &str,
    ) -> (Rendered, Lookups, OtherLookups) {
        let lookups = RefCell::new(HashMap::new());
        let others = RefCell::new(HashMap::new());
        let exists = |target: &str| {
            // A name that is not a page path names no page, whatever the listing holds.
            let Ok(target) = PagePath::parse(target) else {
                return false;
            };
            let exists = listing.pages.contains_key(&target);
            lookups.borrow_mut().insert(target, exists);
            exists
        };
        let other_wiki = |slug: &str, target: Option<&str>| {
            let wiki = self.config.wiki(slug)?.slug.clone();
            let exists = match target {
                // The other wiki's root: there for whoever may read the wiki.
                Some("") => self.may_read(&wiki),
                Some(target) => match PagePath::parse(target) {
                    // `[[this-wiki:Page]]` is a page of this wiki, from its root.
                    Ok(target) if wiki == self.slug => {
                        let exists = listing.pages.contains_key(&target);
                        lookups.borrow_mut().insert(target, exists);
                        exists
                    }
                    Ok(target) => {
                        let exists = self.other_page_exists(&wiki, &target);
                        others.borrow_mut().insert((wiki.clone(), target), exists);
                        exists
                    }
                    Err(_) => false,
                },
                None => false,
            };
            Some(markdown::OtherPage {
                prefix: self.other_prefix(&wiki, prefix),
                exists,
            })
        };
        let context = RenderContext {
            prefix,
            folder: path.folder(),
            page_exists: &exists,
            other_wiki: &other_wiki,
        };
        let rendered = markdown::render(text, &context);
        (
            rendered,
            lookups.into_inner().into_iter().collect(),
            others
                .into_inner()
                .into_iter()
                .map(|((wiki, page), exists)| (wiki, page, exists))
                .collect(),
        )
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
        Ok(snapshot
            .repo
            .read(snapshot.head.tree, stored)?
            .map(|(_, bytes)| bytes))
    }

    /// The Markdown of a page and the commit it was read at, for an edit form.
    pub fn source(&self, path: &PagePath) -> Result<(Option<String>, Option<ObjectId>)> {
        let Some(snapshot) = self.snapshot()? else {
            return Ok((None, None));
        };
        let text = match snapshot.listing.pages.get(path) {
            Some(stored) => snapshot
                .repo
                .read(snapshot.head.tree, stored)?
                .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned()),
            None => None,
        };
        Ok((text, Some(snapshot.head.commit)))
    }

    /// The commits that changed a page, newest first, `per_page` at a time; and whether there
    /// are more.
    pub fn history(
        &self,
        path: &PagePath,
        page: usize,
        per_page: usize,
    ) -> Result<(Vec<Revision>, bool)> {
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
            .derived
            .history_index(&snapshot.repo, &self.slug, snapshot.head.commit)?;
        index.history(&snapshot.repo, &stored, page * per_page, per_page)
    }

    /// A page's Markdown at a revision, looked up by its path at that revision. The revision
    /// must be on the branch: commits that were never part of the wiki are not served.
    pub fn text_at(&self, commit: ObjectId, stored_path: &str) -> Result<Option<String>> {
        let Some(snapshot) = self.snapshot()? else {
            return Ok(None);
        };
        if !snapshot.repo.on_branch(commit, snapshot.head.commit)? {
            return Err(Error::NotFound);
        }
        Ok(snapshot
            .repo
            .read_at(commit, stored_path)?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// Renders Markdown that is not on the branch: a preview.
    pub fn render_text(&self, path: &PagePath, text: &str, prefix: &str) -> Result<Rendered> {
        Ok(self
            .render_recording(&*self.listing()?, path, text, prefix)
            .0)
    }

    /// Who made a commit of the branch, and when.
    pub fn revision_info(&self, commit: ObjectId) -> Result<Revision> {
        let snapshot = self.snapshot()?.ok_or(Error::NotFound)?;
        if !snapshot.repo.on_branch(commit, snapshot.head.commit)? {
            return Err(Error::NotFound);
        }
        snapshot.repo.revision(commit, "")
    }

    /// The stored path a page had at one of the revisions of its history (before a rename, its
    /// old name).
    pub fn path_at(&self, path: &PagePath, commit: ObjectId) -> Result<Option<String>> {
        let (revisions, _) = self.history(path, 0, usize::MAX >> 1)?;
        Ok(revisions
            .into_iter()
            .find(|revision| revision.commit == commit)
            .map(|revision| revision.path))
    }

    /// The newest changes of the wiki.
    pub fn recent(&self) -> Result<Arc<Vec<Activity>>> {
        let Some(snapshot) = self.snapshot()? else {
            return Ok(Arc::new(Vec::new()));
        };
        self.derived.recent(&snapshot.repo, snapshot.head.commit)
    }
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
