//! A move that keeps links working: renaming a page rewrites, in the same commit, the wiki links
//! and relative links of the other pages that lead to it, and the page's own relative links,
//! pictures and folder-relative wiki links when it changes folder. Links from other wikis are
//! listed, not changed (their wikis are not the mover's to edit); a redirect page keeps them
//! working.

use std::ops::Range;

use crate::error::{Error, Result};
use crate::markdown::{self, LinkSite, Outgoing, SiteKind};
use crate::page_path::{PagePath, WikiSlug};
use crate::rules::{Change, Listing, Refusal};

use super::{Snapshot, Wiki};

/// What a move will change besides the page itself, shown before it is confirmed.
#[derive(Debug, Default, Clone)]
pub struct MovePlan {
    /// The pages of this wiki whose links are rewritten, with how many links each.
    pub pages: Vec<(PagePath, usize)>,
    /// How many of the moved page's own links are rewritten.
    pub own: usize,
    /// The pages of other wikis (that the person may read) that link to the page: left as they
    /// are.
    pub elsewhere: Vec<(WikiSlug, PagePath)>,
}

impl MovePlan {
    /// Whether the move changes nothing but the page's name.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty() && self.own == 0 && self.elsewhere.is_empty()
    }
}

impl Wiki<'_> {
    /// What moving `from` to `to` would change, at the branch's head.
    pub fn plan_move(&self, from: &PagePath, to: &PagePath) -> Result<MovePlan> {
        let Some(snapshot) = self.snapshot()? else {
            return Ok(MovePlan::default());
        };
        self.may_move_onto(&snapshot, from, to)?;
        let Some(stored) = snapshot.listing.pages.get(from) else {
            return Err(Error::NotFound);
        };
        let Some((_, bytes)) = snapshot.repo.read(snapshot.head.tree, stored)? else {
            return Ok(MovePlan::default());
        };
        let text = String::from_utf8_lossy(&bytes);
        Ok(self.move_changes(&snapshot, from, to, &text)?.0)
    }

    /// A move may not overwrite a page, except the redirect page an earlier move of this very
    /// page left there: moving a page back where it was is how a move is undone.
    pub(super) fn may_move_onto(
        &self,
        snapshot: &Snapshot,
        from: &PagePath,
        to: &PagePath,
    ) -> Result<()> {
        let Some((existing, stored)) = snapshot.listing.pages.get_key_value(to) else {
            return Ok(());
        };
        let text = snapshot.repo.read(snapshot.head.tree, stored)?;
        let left_by_this_page = text.is_some_and(|(_, bytes)| {
            super::redirect_target(&String::from_utf8_lossy(&bytes)).as_ref() == Some(from)
        });
        if left_by_this_page {
            return Ok(());
        }
        Err(Error::Refused(Refusal::PageExists {
            path: existing.clone(),
        }))
    }

    /// The changes that keep links working when `from` (whose text is `text`) becomes `to`: the
    /// other pages rewritten, and the moved page's new text.
    pub(super) fn move_changes(
        &self,
        snapshot: &Snapshot,
        from: &PagePath,
        to: &PagePath,
        text: &str,
    ) -> Result<(MovePlan, Vec<Change>, String)> {
        let listing = &snapshot.listing;
        let moved_from = listing
            .pages
            .get(from)
            .cloned()
            .unwrap_or_else(|| from.file_name());
        let after = listing.with_changes([(moved_from.as_str(), false), (&*to.file_name(), true)]);
        let mut plan = MovePlan::default();
        let mut changes = Vec::new();

        let index = self.link_index()?;
        let (repo, tree) = (&snapshot.repo, snapshot.head.tree);
        let (sources, _) = index.links_here(&self.slug, repo, Some(tree), from, usize::MAX)?;
        for source in sources {
            let Some(stored) = listing.pages.get(&source) else {
                continue;
            };
            let Some((_, bytes)) = repo.read(tree, stored)? else {
                continue;
            };
            let source_text = String::from_utf8_lossy(&bytes);
            let folder = source.folder();
            let mut edits = Vec::new();
            for site in markdown::link_sites(&source_text, folder) {
                let written = &source_text[site.range.clone()];
                let leads_here = match &site.kind {
                    SiteKind::Wiki(Some(link)) => resolve(link, listing) == Some(from.as_str()),
                    SiteKind::Relative { path, file: false } => path == from.as_str(),
                    _ => false,
                };
                if leads_here {
                    edits.push((
                        site.range.clone(),
                        rewritten(&site, written, folder, to.as_str(), &after),
                    ));
                }
            }
            if !edits.is_empty() {
                plan.pages.push((source.clone(), edits.len()));
                changes.push(Change::Put(
                    stored.clone(),
                    apply(&source_text, edits).into_bytes(),
                ));
            }
        }

        // The moved page's own links, read from its old place, written for its new one.
        let mut edits = Vec::new();
        for site in markdown::link_sites(text, from.folder()) {
            let written = &text[site.range.clone()];
            let target = match &site.kind {
                SiteKind::Wiki(Some(link)) => match resolve(link, listing) {
                    Some(target) => target.to_owned(),
                    None => continue,
                },
                SiteKind::Relative { path, .. } => path.clone(),
                SiteKind::Wiki(None) => continue,
            };
            let target = if target == from.as_str() {
                to.as_str().to_owned()
            } else {
                target
            };
            let still = match &site.kind {
                SiteKind::Wiki(_) => {
                    markdown::wikilink_target(written, to.folder())
                        .and_then(|link| resolve(&link, &after).map(str::to_owned))
                        == Some(target.clone())
                }
                SiteKind::Relative { path, .. } => from.folder() == to.folder() && *path == target,
            };
            if !still {
                edits.push((
                    site.range.clone(),
                    rewritten(&site, written, to.folder(), &target, &after),
                ));
            }
        }
        plan.own = edits.len();
        let new_text = apply(text, edits);

        for wiki in self.config.wikis.values() {
            if wiki.slug == self.slug || !self.may_read(&wiki.slug) {
                continue;
            }
            for page in index.linking_from(&wiki.slug, &self.slug, from)? {
                plan.elsewhere.push((wiki.slug.clone(), page));
            }
        }
        Ok((plan, changes, new_text))
    }
}

/// Where a link of this wiki leads among the pages of `listing`.
fn resolve<'a>(link: &'a Outgoing, listing: &Listing) -> Option<&'a str> {
    match link {
        Outgoing::Page { preferred, path } => Some(
            preferred
                .as_deref()
                .filter(|p| exists(listing, p))
                .unwrap_or(path),
        ),
        Outgoing::Other { .. } => None,
    }
}

fn exists(listing: &Listing, path: &str) -> bool {
    PagePath::parse(path).is_ok_and(|path| listing.pages.contains_key(&path))
}

/// The target of a link, written anew to lead from a page in `folder` to `target`, keeping what
/// followed the name (a heading, a query, `.md`) as it was written.
fn rewritten(
    site: &LinkSite,
    written: &str,
    folder: &str,
    target: &str,
    after: &Listing,
) -> String {
    match &site.kind {
        SiteKind::Wiki(_) => {
            // In a table cell `[[P\|L]]` keeps its backslash.
            let (written, escape) = match written.strip_suffix('\\') {
                Some(rest) => (rest, "\\"),
                None => (written, ""),
            };
            let fragment = written.find('#').map_or("", |i| &written[i..]);
            let inside = if folder.is_empty() {
                None
            } else {
                target
                    .strip_prefix(folder)
                    .and_then(|rest| rest.strip_prefix('/'))
            };
            let name = match inside {
                Some(rest) => rest.to_owned(),
                None if !folder.is_empty() && exists(after, &format!("{folder}/{target}")) => {
                    format!("/{target}")
                }
                None => target.to_owned(),
            };
            format!("{name}{fragment}{escape}")
        }
        SiteKind::Relative { file, .. } => {
            let split = written.find(['?', '#']).unwrap_or(written.len());
            let (path, suffix) = written.split_at(split);
            let md = !file && path.to_ascii_lowercase().ends_with(".md");
            let address = markdown::relative_address(folder, target);
            format!("{address}{}{suffix}", if md { ".md" } else { "" })
        }
    }
}

/// `text` with each range replaced.
fn apply(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut text = text.to_owned();
    for (range, replacement) in edits {
        text.replace_range(range, &replacement);
    }
    text
}
