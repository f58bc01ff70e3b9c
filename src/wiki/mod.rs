//! A wiki: the one API the web layer calls to read a wiki's content.
//!
//! A [`Wiki`] can only be obtained through [`crate::farm::Farm::open`], which asks the access
//! policy first, so holding one is proof that the actor may read it. This module knows nothing
//! of HTTP; every git2 call is in `store`.

pub mod store;

use std::sync::Arc;

use git2::{Oid, Repository};

use crate::access::{self, Action};
use crate::config::{Config, WikiConfig};
use crate::error::Result;
use crate::farm::Farm;
use crate::markdown::{self, RenderContext, Rendered};
use crate::page_path::{PagePath, WikiSlug};

pub use store::{Head, Listing};

/// Names tried, in order, for a wiki's home page.
pub const HOME_PAGES: [&str; 2] = ["Home", "index"];

/// A wiki that the actor may read, at the configuration of the request.
pub struct Wiki<'f> {
    farm: &'f Farm,
    config: Arc<Config>,
    slug: WikiSlug,
    actor: Option<String>,
}

/// A page rendered for display.
pub struct PageView {
    pub path: PagePath,
    pub rendered: Arc<Rendered>,
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
    pub(crate) fn new(
        farm: &'f Farm,
        config: Arc<Config>,
        slug: WikiSlug,
        actor: Option<String>,
    ) -> Self {
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
            self.settings(),
            self.actor.as_deref(),
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
        let rendered = match self.farm.renders.get(&key) {
            Some(rendered) => rendered,
            None => {
                let Some((_, bytes)) = store::read(&snapshot.repo, snapshot.head.tree, stored)?
                else {
                    return Ok(None);
                };
                let text = String::from_utf8_lossy(&bytes);
                let listing = &snapshot.listing;
                let exists = |target: &str| {
                    PagePath::parse(target).is_ok_and(|target| listing.pages.contains_key(&target))
                };
                let context = RenderContext {
                    prefix,
                    folder: path.folder(),
                    page_exists: &exists,
                };
                let rendered = Arc::new(markdown::render(&text, &context));
                let size = rendered.html.len() + rendered.text.len() + 256;
                self.farm.renders.insert(key, rendered.clone(), size);
                rendered
            }
        };
        Ok(Some(PageView {
            path: path.clone(),
            rendered,
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
