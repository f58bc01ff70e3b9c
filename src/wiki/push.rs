//! A `git push`, judged before the branch moves and reported after it moved.
//!
//! git's receive-pack runs konbit's hooks (`konbit hook pre-receive`, `post-receive`), which
//! open the wiki through the gate like any other writer and call [`Wiki::check_push`] and
//! [`Wiki::push_report`]. Every commit of the push is judged by the same rule set as a browser
//! write, against the tree it changes; a refusal names the commit, the path and the rule.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::access::Action;
use crate::error::Result;
use crate::object_id::ObjectId;
use crate::page_path::PagePath;
use crate::rules::{self, Change, Listing, PushRefusal, Refusal, page_of_file};
use crate::store::Repo;

use super::Wiki;

/// One line of what git feeds its hooks: `<old> <new> <ref>`, with `None` for git's zero id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefUpdate {
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
    pub name: String,
}

/// Parses the lines git writes on a hook's standard input; malformed lines are skipped.
pub fn parse_updates(input: &str) -> Vec<RefUpdate> {
    input
        .lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let old = ObjectId::parse(parts.next()?)?;
            let new = ObjectId::parse(parts.next()?)?;
            let name = parts.next()?.to_owned();
            let some = |id: ObjectId| (!id.is_zero()).then_some(id);
            Some(RefUpdate {
                old: some(old),
                new: some(new),
                name,
            })
        })
        .collect()
}

/// Refusals reported for one push at most: enough to fix a batch of files, not a flood.
const MAX_REFUSALS: usize = 20;

/// What a push changed, for the person who pushed.
#[derive(Debug, Default)]
pub struct PushReport {
    /// Pages added or changed, and removed (`false`).
    pub pages: Vec<(PagePath, bool)>,
    /// Links from a changed page to a page that does not exist: (page, target).
    pub missing_links: Vec<(PagePath, String)>,
}

impl Wiki<'_> {
    /// Judges a push before its refs move. `quarantine` is the folder holding the pushed
    /// objects while git waits for the verdict. An empty list means the push may go ahead.
    pub fn check_push(
        &self,
        quarantine: Option<&Path>,
        updates: &[RefUpdate],
    ) -> Result<Vec<PushRefusal>> {
        self.require(Action::Write)?;
        let repo = match quarantine {
            Some(quarantine) => self.location.open_with_quarantine(quarantine)?,
            None => self.open()?,
        };
        let full_branch = repo.branch()?;
        // People know the branch by its short name (`main`).
        let branch = full_branch
            .strip_prefix("refs/heads/")
            .unwrap_or(&full_branch)
            .to_owned();
        let mut refusals = Vec::new();
        for update in updates {
            if update.name != full_branch {
                refusals.push(PushRefusal::OtherRef {
                    name: update.name.clone(),
                    branch: branch.clone(),
                });
                continue;
            }
            let Some(new) = update.new else {
                refusals.push(PushRefusal::Deletion {
                    branch: branch.clone(),
                });
                continue;
            };
            if let Some(old) = update.old
                && !repo.on_branch(old, new)?
            {
                refusals.push(PushRefusal::NotFastForward {
                    branch: branch.clone(),
                });
                continue;
            }
            self.check_commits(&repo, update.old, new, &mut refusals)?;
        }
        refusals.truncate(MAX_REFUSALS);
        Ok(refusals)
    }

    /// Judges each new commit against the tree of its first parent, as a browser write is
    /// judged against the branch.
    fn check_commits(
        &self,
        repo: &Repo,
        old: Option<ObjectId>,
        new: ObjectId,
        refusals: &mut Vec<PushRefusal>,
    ) -> Result<()> {
        let limits = self.limits();
        let max_push = self.config.farm.max_push_bytes;
        // Listings by tree, carried from parent to child: a push of many commits costs its
        // changes, not the wiki's size times the number of commits.
        let mut listings: HashMap<ObjectId, Arc<Listing>> = HashMap::new();
        let mut pushed_bytes = 0usize;
        for commit in repo.new_commits(new, old)? {
            let parent_tree = repo
                .parent_of(commit)?
                .map(|parent| repo.tree_of(parent))
                .transpose()?;
            let tree = repo.tree_of(commit)?;
            let listing = match parent_tree {
                Some(parent_tree) => match listings.get(&parent_tree) {
                    Some(listing) => listing.clone(),
                    None => self.derived.listing(repo, parent_tree)?,
                },
                None => Arc::new(Listing::default()),
            };
            let changed = repo.changed_files(parent_tree, Some(tree))?;
            let mut changes = Vec::with_capacity(changed.len());
            let mut refusal = None;
            for file in &changed {
                if file.special.is_some() {
                    refusal = Some(Refusal::NotAFile {
                        path: file.path.clone(),
                    });
                    break;
                }
                match file.blob {
                    Some(blob) => {
                        // Sized from its header first: a push is never inflated in memory
                        // beyond its bound (a small pack may hold a file of gigabytes); past
                        // it, the others are only sized, for the refusal to say how much.
                        pushed_bytes += repo.blob_size(blob)?;
                        if pushed_bytes > max_push {
                            continue;
                        }
                        let bytes = repo.blob(blob)?;
                        changes.push(Change::Put(file.path.clone(), bytes));
                    }
                    None => changes.push(Change::Delete(file.path.clone())),
                }
            }
            let refusal = refusal
                .or_else(|| rules::check(&listing, &changes, limits).err())
                .or_else(|| {
                    (pushed_bytes > max_push).then_some(Refusal::ChangeTooLarge {
                        bytes: pushed_bytes,
                        limit: max_push,
                    })
                });
            if let Some(refusal) = refusal {
                let message = repo.revision(commit, "")?.message;
                let subject = message.lines().next().unwrap_or("").to_owned();
                refusals.push(PushRefusal::Change {
                    commit,
                    subject,
                    refusal,
                });
                if refusals.len() >= MAX_REFUSALS {
                    return Ok(());
                }
            }
            let after = listing.with_changes(changed.iter().map(|c| (c.path.as_str(), c.after)));
            listings.insert(tree, Arc::new(after));
        }
        Ok(())
    }

    /// What a push that moved the branch from `old` to `new` changed: its pages, and their links
    /// to pages that do not exist (or that the pusher may not read), from the link index.
    pub fn push_report(&self, old: Option<ObjectId>, new: ObjectId) -> Result<PushReport> {
        let repo = self.open()?;
        let old_tree = old.map(|old| repo.tree_of(old)).transpose()?;
        let tree = repo.tree_of(new)?;
        let mut report = PushReport::default();
        for file in repo.changed_files(old_tree, Some(tree))? {
            let Some(page) = page_of_file(&file.path).and_then(|p| PagePath::parse(p).ok()) else {
                continue;
            };
            report.pages.push((page.clone(), file.after));
        }
        let Some(index) = self.derived.links() else {
            return Ok(report);
        };
        for (page, _) in report.pages.iter().filter(|(_, present)| *present) {
            for (wiki, target) in index.links_of(&self.slug, &repo, Some(tree), page)? {
                let missing = match &wiki {
                    None => true,
                    // Only links to a wiki of the farm; the others are ordinary (impossible) names.
                    Some(wiki) if self.config.wikis.contains_key(wiki) => {
                        *wiki != self.slug && !self.other_page_exists(wiki, &target)
                    }
                    Some(_) => false,
                };
                if missing {
                    let shown = match wiki {
                        Some(wiki) => format!("{wiki}:{target}"),
                        None => target.to_string(),
                    };
                    report.missing_links.push((page.clone(), shown));
                }
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hook_input_is_read_line_by_line() {
        let zero = "0".repeat(40);
        let a = "a".repeat(40);
        let input = format!("{zero} {a} refs/heads/main\n{a} {zero} refs/tags/v1\nnonsense\n");
        let updates = parse_updates(&input);
        let id = ObjectId::parse(&a);
        assert_eq!(
            updates,
            [
                RefUpdate {
                    old: None,
                    new: id,
                    name: "refs/heads/main".into()
                },
                RefUpdate {
                    old: id,
                    new: None,
                    name: "refs/tags/v1".into()
                },
            ]
        );
    }
}
