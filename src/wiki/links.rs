//! A wiki's side of the link index: what links to a page (with the words around each link),
//! the pages that are wanted and the pages nobody links to, always at the branch's head.

use crate::derived::{LinkIndex, Wanted};
use crate::error::{Error, Result};
use crate::markdown::{self, Outgoing};
use crate::object_id::ObjectId;
use crate::page_path::{PagePath, WikiSlug};
use crate::rules::HOME_PAGES;
use crate::store::Repo;

use super::Wiki;

/// The most linking pages of one wiki shown with their context; the rest are counted.
pub const MAX_BACKLINKS: usize = 200;

/// A page that links to the page asked about, and the text around the link.
#[derive(Debug, Clone)]
pub struct Backlink {
    pub page: PagePath,
    pub context: Option<String>,
}

/// The pages of one wiki that link to a page: the first [`MAX_BACKLINKS`], and how many.
#[derive(Debug, Default)]
pub struct Backlinks {
    pub pages: Vec<Backlink>,
    pub total: usize,
}

impl Wiki<'_> {
    pub(super) fn link_index(&self) -> Result<&LinkIndex> {
        self.derived
            .links()
            .ok_or_else(|| Error::Unavailable("the link index is not started".into()))
    }

    /// The pages of this wiki that link to `target`, a page of this wiki (`wiki` is this one)
    /// or of another; all read at one head.
    pub fn links_to(&self, wiki: &WikiSlug, target: &PagePath) -> Result<Backlinks> {
        let index = self.link_index()?;
        let Some(snapshot) = self.snapshot()? else {
            return Ok(Backlinks::default());
        };
        let (repo, tree) = (&snapshot.repo, snapshot.head.tree);
        let (sources, total) = if *wiki == self.slug {
            index.links_here(&self.slug, repo, Some(tree), target, MAX_BACKLINKS)?
        } else {
            index.links_to_other(&self.slug, repo, Some(tree), wiki, target, MAX_BACKLINKS)?
        };
        let mut pages = Vec::with_capacity(sources.len());
        for page in sources {
            let text = match snapshot.listing.pages.get(&page) {
                Some(stored) => repo
                    .read(tree, stored)?
                    .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned()),
                None => None,
            };
            let context = text.and_then(|text| {
                markdown::link_context(&text, page.folder(), |link| match link {
                    Outgoing::Other { wiki: w, path } => {
                        w == wiki.as_str() && path == target.as_str()
                    }
                    local => *wiki == self.slug && local.may_name(target.as_str()),
                })
            });
            pages.push(Backlink { page, context });
        }
        Ok(Backlinks { pages, total })
    }

    /// The link index at this wiki's head.
    fn at_head<T>(
        &self,
        work: impl FnOnce(&LinkIndex, &Repo, Option<ObjectId>) -> Result<T>,
    ) -> Result<T> {
        let index = self.link_index()?;
        match self.snapshot()? {
            Some(snapshot) => work(index, &snapshot.repo, Some(snapshot.head.tree)),
            None => work(index, &self.open()?, None),
        }
    }

    /// The pages that are linked but do not exist, the most wanted first.
    pub fn wanted(&self) -> Result<Vec<Wanted>> {
        self.at_head(|index, repo, tree| index.wanted(&self.slug, repo, tree))
    }

    /// The pages no other page of the wiki links to (the home page left out).
    pub fn orphans(&self) -> Result<Vec<PagePath>> {
        self.at_head(|index, repo, tree| index.orphans(&self.slug, repo, tree, &HOME_PAGES))
    }
}
