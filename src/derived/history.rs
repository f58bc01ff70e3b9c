//! The history index: which first-parent commits of a wiki's branch changed which file.
//!
//! Derived state like the others: it records the head it reflects and catches up from there on
//! every branch move, so a history page costs its rows, not a walk of the whole history.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::object_id::ObjectId;
use crate::store::{Repo, Revision};

#[derive(Clone, Debug, Default)]
pub struct PathIndex {
    head: Option<ObjectId>,
    /// The branch's first-parent commits, oldest first.
    commits: Vec<ObjectId>,
    /// A stored path → the numbers (in `commits`) of the commits that changed it.
    by_path: HashMap<String, Vec<u32>>,
}

impl PathIndex {
    /// The head this index reflects.
    pub fn head(&self) -> Option<ObjectId> {
        self.head
    }

    /// Rough memory size, for bounding caches.
    pub fn size(&self) -> usize {
        self.commits.len() * 24
            + self
                .by_path
                .iter()
                .map(|(path, commits)| path.len() + commits.len() * 4 + 64)
                .sum::<usize>()
    }

    /// Brings the index to `head`: extended in place when `head` descends from the head it
    /// reflects (by first parents), else built anew.
    pub fn catch_up(&mut self, repo: &Repo, head: ObjectId) -> Result<()> {
        let (new_commits, met_known) = repo.first_parents(head, self.head, usize::MAX)?;
        if !met_known {
            *self = PathIndex::default();
        }
        for commit in new_commits.into_iter().rev() {
            let number = u32::try_from(self.commits.len())
                .map_err(|_| Error::Internal("history too long to index".into()))?;
            self.commits.push(commit);
            for change in repo.commit_changes(commit)? {
                let commits = self.by_path.entry(change.path).or_default();
                if commits.last() != Some(&number) {
                    commits.push(number);
                }
            }
        }
        self.head = Some(head);
        Ok(())
    }

    /// The index at `head`, built from nothing.
    pub fn build(repo: &Repo, head: ObjectId) -> Result<PathIndex> {
        let mut index = PathIndex::default();
        index.catch_up(repo, head)?;
        Ok(index)
    }

    /// The newest commit that changed the file at `path`, when the file is there now: a page's
    /// last change. Unlike [`PathIndex::history`], it never searches for renames.
    pub fn last_change(&self, repo: &Repo, path: &str) -> Result<Option<Revision>> {
        let Some(&number) = self.by_path.get(path).and_then(|numbers| numbers.last()) else {
            return Ok(None);
        };
        let commit = self.commits[number as usize];
        if repo.blob_at(commit, path)?.is_none() {
            return Ok(None);
        }
        repo.revision(commit, path).map(Some)
    }

    /// The commits that changed the file at `path`, newest first, following renames: when the
    /// file appears in a commit, a file removed by that same commit with the same or similar
    /// content is taken as its former name. `skip` rows are left out, at most `limit` are
    /// returned, and the flag says whether there are more.
    pub fn history(
        &self,
        repo: &Repo,
        path: &str,
        skip: usize,
        limit: usize,
    ) -> Result<(Vec<Revision>, bool)> {
        let mut current = path.to_owned();
        let mut below = self.commits.len();
        let mut found = Vec::new();
        let mut seen = 0usize;
        'paths: while let Some(numbers) = self.by_path.get(&current) {
            for &number in numbers.iter().rev() {
                let number = number as usize;
                if number >= below {
                    continue;
                }
                let commit = self.commits[number];
                if repo.blob_at(commit, &current)?.is_none() {
                    // Deleted here: keep looking for the page's life before, unless we already
                    // met it (then this is where it was created, under another path).
                    if seen > 0 {
                        break 'paths;
                    }
                    continue;
                }
                if seen >= skip {
                    if found.len() == limit {
                        return Ok((found, true));
                    }
                    found.push(repo.revision(commit, &current)?);
                }
                seen += 1;
                let Some(parent) = repo.parent_of(commit)? else {
                    break 'paths;
                };
                if repo.blob_at(parent, &current)?.is_none() {
                    match repo.renamed_from(commit, &current)? {
                        Some(old) => {
                            current = old;
                            below = number;
                            continue 'paths;
                        }
                        None => break 'paths,
                    }
                }
            }
            break;
        }
        Ok((found, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derived::tests::{repository, write};

    /// The reference walk the index must agree with: from the head back by first parents,
    /// comparing each commit's blob at the path with its parent's.
    fn walked(
        repo: &Repo,
        head: ObjectId,
        path: &str,
        skip: usize,
        limit: usize,
    ) -> (Vec<Revision>, bool) {
        let mut current = path.to_owned();
        let mut found = Vec::new();
        let mut seen = 0usize;
        let mut commit = head;
        let mut blob = repo.blob_at(commit, &current).expect("blob");
        loop {
            let parent = repo.parent_of(commit).expect("parent");
            let mut before = match parent {
                Some(parent) => repo.blob_at(parent, &current).expect("blob"),
                None => None,
            };
            match blob {
                None if seen > 0 => break,
                Some(id) if before != Some(id) => {
                    if seen >= skip {
                        if found.len() == limit {
                            return (found, true);
                        }
                        found.push(repo.revision(commit, &current).expect("revision"));
                    }
                    seen += 1;
                    if before.is_none() {
                        let Some(parent) = parent else { break };
                        match repo.renamed_from(commit, &current).expect("rename") {
                            Some(old) => {
                                before = repo.blob_at(parent, &old).expect("blob");
                                current = old;
                            }
                            None => break,
                        }
                    }
                }
                _ => {}
            }
            let Some(parent) = parent else { break };
            commit = parent;
            blob = before;
        }
        (found, false)
    }

    #[test]
    fn the_index_follows_renames_like_a_walk_built_at_once_or_caught_up() {
        let (_dir, repo) = repository();
        write(
            &repo,
            &[("Old.md", Some("# Old\n\nsome text that stays\n"))],
            "create old",
        );
        write(&repo, &[("Other.md", Some("x"))], "unrelated");
        write(
            &repo,
            &[
                ("New.md", Some("# Old\n\nsome text that stays\n")),
                ("Old.md", Some("#REDIRECT [[New]]\n")),
            ],
            "rename with redirect",
        );
        let tip = write(
            &repo,
            &[("New.md", Some("# New\n\nsome text that stays\n"))],
            "edit new",
        );
        let (revisions, more) = walked(&repo, tip, "New.md", 0, 10);
        let seen: Vec<(&str, &str)> = revisions
            .iter()
            .map(|r| (r.message.as_str(), r.path.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("edit new", "New.md"),
                ("rename with redirect", "New.md"),
                ("create old", "Old.md")
            ]
        );
        assert!(!more);

        let index = PathIndex::build(&repo, tip).expect("index");
        let parent = repo.parent_of(tip).expect("parent").expect("a parent");
        let mut caught_up = PathIndex::build(&repo, parent).expect("index");
        caught_up.catch_up(&repo, tip).expect("caught up");
        for (path, skip, limit) in [
            ("New.md", 0, 10),
            ("New.md", 1, 1),
            ("New.md", 0, 2),
            ("New.md", 2, 5),
            ("Old.md", 0, 10),
            ("Home.md", 0, 10),
            ("Missing.md", 0, 10),
        ] {
            let ids = |r: &(Vec<Revision>, bool)| {
                (
                    r.0.iter()
                        .map(|r| (r.commit, r.path.clone()))
                        .collect::<Vec<_>>(),
                    r.1,
                )
            };
            let expected = ids(&walked(&repo, tip, path, skip, limit));
            for index in [&index, &caught_up] {
                let indexed = index.history(&repo, path, skip, limit).expect("index");
                assert_eq!(ids(&indexed), expected, "{path} skip {skip} limit {limit}");
            }
        }
    }
}
