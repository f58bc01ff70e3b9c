//! Every git2 call of konbit: reading a wiki's branch, listing its files, creating repositories.
//!
//! It knows nothing of access, rendering or HTTP: callers have already asked the policy.

use std::collections::BTreeMap;
use std::path::Path;

use git2::{
    ErrorCode, FileMode, ObjectType, Oid, Repository, Signature, TreeWalkMode, TreeWalkResult,
};
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};
use crate::page_path::PagePath;

/// The branch a new repository serves; an existing repository serves whatever its HEAD names.
pub const DEFAULT_BRANCH: &str = "refs/heads/main";

/// Opens a wiki's bare repository. A missing or broken repository makes the wiki unavailable,
/// not the farm.
pub fn open(path: &Path) -> Result<Repository> {
    Repository::open_bare(path)
        .map_err(|error| Error::Unavailable(format!("{}: {}", path.display(), error.message())))
}

/// The commit HEAD points at, or `None` for a repository without commits.
pub struct Head {
    pub commit: Oid,
    pub tree: Oid,
    pub author: String,
    /// Seconds since the epoch.
    pub time: i64,
}

pub fn head(repo: &Repository) -> Result<Option<Head>> {
    let reference = match repo.head() {
        Ok(reference) => reference,
        Err(error) if matches!(error.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
            return Ok(None);
        }
        Err(error) => return Err(error.into()),
    };
    let commit = reference.peel_to_commit()?;
    Ok(Some(Head {
        commit: commit.id(),
        tree: commit.tree_id(),
        author: commit.author().name().unwrap_or("?").to_owned(),
        time: commit.time().seconds(),
    }))
}

/// Every file of a tree, sorted: pages (`*.md`) by page path, the others as attachments. Keys
/// are in NFC, values are the paths as stored, which a push from another system may have left
/// in another normalisation. Files whose names konbit cannot serve are left out.
#[derive(Debug, Default)]
pub struct Listing {
    pub pages: BTreeMap<PagePath, String>,
    pub files: BTreeMap<PagePath, String>,
}

impl Listing {
    /// Rough memory size, for bounding caches.
    pub fn size(&self) -> usize {
        self.pages
            .iter()
            .chain(&self.files)
            .map(|(k, v)| k.as_str().len() + v.len() + 64)
            .sum()
    }
}

impl Listing {
    fn insert(&mut self, stored: &str) {
        let normalized: String = stored.nfc().collect();
        if let Some(page) = normalized.strip_suffix(".md") {
            if let Ok(path) = PagePath::parse(page) {
                self.pages.insert(path, stored.to_owned());
            }
        } else if let Ok(path) = PagePath::parse(&normalized) {
            self.files.insert(path, stored.to_owned());
        }
    }

    fn remove(&mut self, stored: &str) {
        let normalized: String = stored.nfc().collect();
        if let Some(page) = normalized.strip_suffix(".md") {
            if let Ok(path) = PagePath::parse(page) {
                self.pages.remove(&path);
            }
        } else if let Ok(path) = PagePath::parse(&normalized) {
            self.files.remove(&path);
        }
    }
}

/// The listing of `new_tree`, derived from the listing of `old_tree` and the difference between
/// the two trees: unchanged folders are skipped by their ids, so this costs the change, not the
/// wiki's size.
pub fn list_changed(
    repo: &Repository,
    old: &Listing,
    old_tree: Oid,
    new_tree: Oid,
) -> Result<Listing> {
    let old_tree = repo.find_tree(old_tree)?;
    let new_tree = repo.find_tree(new_tree)?;
    let mut listing = Listing {
        pages: old.pages.clone(),
        files: old.files.clone(),
    };
    for change in changed_files(repo, Some(&old_tree), Some(&new_tree))? {
        if change.after {
            listing.insert(&change.path);
        } else {
            listing.remove(&change.path);
        }
    }
    Ok(listing)
}

pub fn list(repo: &Repository, tree: Oid) -> Result<Listing> {
    let tree = repo.find_tree(tree)?;
    let mut listing = Listing::default();
    tree.walk(TreeWalkMode::PreOrder, |folder, entry| {
        if entry.kind() == Some(ObjectType::Blob)
            && let Some(name) = entry.name()
        {
            listing.insert(&format!("{folder}{name}"));
        }
        TreeWalkResult::Ok
    })?;
    Ok(listing)
}

/// The bytes of a file at a stored path of a tree, with its blob id.
pub fn read(repo: &Repository, tree: Oid, stored_path: &str) -> Result<Option<(Oid, Vec<u8>)>> {
    let tree = repo.find_tree(tree)?;
    let entry = match tree.get_path(Path::new(stored_path)) {
        Ok(entry) => entry,
        Err(error) if error.code() == ErrorCode::NotFound => return Ok(None),
        Err(error) => return Err(error.into()),
    };
    let blob = match entry.to_object(repo)?.into_blob() {
        Ok(blob) => blob,
        Err(_) => return Ok(None),
    };
    Ok(Some((blob.id(), blob.content().to_vec())))
}

/// Creates a bare repository whose first commit holds the files of `seed`, or a single
/// `Home.md` with `welcome` when there is no seed.
pub fn create(path: &Path, seed: Option<&Path>, welcome: &str, message: &str) -> Result<()> {
    let mut options = git2::RepositoryInitOptions::new();
    options
        .bare(true)
        .initial_head(DEFAULT_BRANCH.trim_start_matches("refs/heads/"));
    let repo = Repository::init_opts(path, &options)?;
    let tree = match seed {
        Some(seed) => write_folder(&repo, seed)
            .map_err(|error| Error::Internal(format!("seed {}: {error}", seed.display())))?,
        None => {
            let blob = repo.blob(welcome.as_bytes())?;
            let mut builder = repo.treebuilder(None)?;
            builder.insert("Home.md", blob, FileMode::Blob.into())?;
            builder.write()?
        }
    };
    let tree = repo.find_tree(tree)?;
    let signature = Signature::now("konbit", "konbit@localhost")?;
    repo.commit(Some("HEAD"), &signature, &signature, message, &tree, &[])?;
    Ok(())
}

fn write_folder(
    repo: &Repository,
    folder: &Path,
) -> std::result::Result<Oid, Box<dyn std::error::Error>> {
    let mut builder = repo.treebuilder(None)?;
    let mut entries = std::fs::read_dir(folder)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with('.') {
            continue;
        }
        let name: String = name.nfc().collect();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            let tree = write_folder(repo, &entry.path())?;
            builder.insert(&name, tree, FileMode::Tree.into())?;
        } else if kind.is_file() {
            let blob = repo.blob(&std::fs::read(entry.path())?)?;
            builder.insert(&name, blob, FileMode::Blob.into())?;
        }
    }
    Ok(builder.write()?)
}

/// The branch HEAD names (`refs/heads/main` for repositories konbit created).
pub fn branch(repo: &Repository) -> Result<String> {
    let head = repo.find_reference("HEAD")?;
    // Reads follow HEAD; writes must move the same branch, or saves would vanish.
    head.symbolic_target().map(str::to_owned).ok_or_else(|| {
        Error::Unavailable(format!(
            "{}: HEAD does not name a branch; writes are refused",
            repo.path().display()
        ))
    })
}

/// One change to a tree: a file written with these bytes, or removed.
pub enum Change<'a> {
    Put(&'a str, &'a [u8]),
    Delete(&'a str),
}

/// Writes a new tree: `base` with `changes` applied. Only the trees along the changed paths are
/// rebuilt; folders left empty disappear.
pub fn write_tree(repo: &Repository, base: Option<Oid>, changes: &[Change]) -> Result<Oid> {
    let mut edits: Vec<(Vec<&str>, Option<Oid>)> = Vec::with_capacity(changes.len());
    for change in changes {
        match change {
            Change::Put(path, bytes) => {
                edits.push((path.split('/').collect(), Some(repo.blob(bytes)?)))
            }
            Change::Delete(path) => edits.push((path.split('/').collect(), None)),
        }
    }
    let base = base.map(|id| repo.find_tree(id)).transpose()?;
    let tree = update_tree(repo, base.as_ref(), &edits)?;
    match tree {
        Some(tree) => Ok(tree),
        // Every file removed: the empty tree.
        None => Ok(repo.treebuilder(None)?.write()?),
    }
}

fn update_tree(
    repo: &Repository,
    base: Option<&git2::Tree>,
    edits: &[(Vec<&str>, Option<Oid>)],
) -> Result<Option<Oid>> {
    let mut builder = repo.treebuilder(base)?;
    let mut names: Vec<&str> = edits.iter().map(|(segments, _)| segments[0]).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let here: Vec<&(Vec<&str>, Option<Oid>)> = edits
            .iter()
            .filter(|(segments, _)| segments[0] == name)
            .collect();
        let existing_kind = builder.get(name)?.and_then(|entry| entry.kind());
        for (_, blob) in here.iter().filter(|(segments, _)| segments.len() == 1) {
            match blob {
                Some(blob) => {
                    // Writing a file over a folder would silently delete everything in it.
                    if existing_kind == Some(ObjectType::Tree) {
                        return Err(Error::NameTaken(name.to_owned()));
                    }
                    builder.insert(name, *blob, FileMode::Blob.into())?;
                }
                None => {
                    if builder.get(name)?.is_some() {
                        builder.remove(name)?;
                    }
                }
            }
        }
        let deeper: Vec<(Vec<&str>, Option<Oid>)> = here
            .iter()
            .filter(|(segments, _)| segments.len() > 1)
            .map(|(segments, blob)| (segments[1..].to_vec(), *blob))
            .collect();
        if deeper.is_empty() {
            continue;
        }
        let subtree = match builder.get(name)? {
            Some(entry) if entry.kind() == Some(ObjectType::Tree) => {
                Some(repo.find_tree(entry.id())?)
            }
            // A folder cannot be made where a file is: that would delete the file.
            Some(_) if deeper.iter().any(|(_, blob)| blob.is_some()) => {
                return Err(Error::NameTaken(name.to_owned()));
            }
            _ => None,
        };
        match update_tree(repo, subtree.as_ref(), &deeper)? {
            Some(tree) => {
                builder.insert(name, tree, FileMode::Tree.into())?;
            }
            None => {
                if builder.get(name)?.is_some() {
                    builder.remove(name)?;
                }
            }
        }
    }
    if builder.is_empty() {
        return Ok(None);
    }
    Ok(Some(builder.write()?))
}

/// Someone else moved the branch first: the caller starts again from the new head.
pub struct Moved;

/// Commits `tree` on top of `parent` and moves the branch with a compare-and-swap on `parent`:
/// never a blind overwrite, so a concurrent save or push is never lost.
pub fn commit(
    repo: &Repository,
    parent: Option<Oid>,
    tree: Oid,
    author: &Signature,
    message: &str,
) -> Result<std::result::Result<Oid, Moved>> {
    let branch = branch(repo)?;
    let tree = repo.find_tree(tree)?;
    let parents = parent.map(|id| repo.find_commit(id)).transpose()?;
    let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
    let commit = repo.commit(None, author, author, message, &tree, &parent_refs)?;
    let log = format!("konbit: {}", message.lines().next().unwrap_or(""));
    let moved = match parent {
        Some(parent) => repo.reference_matching(&branch, commit, true, parent, &log),
        None => repo.reference(&branch, commit, false, &log),
    };
    match moved {
        Ok(_) => Ok(Ok(commit)),
        Err(error)
            if matches!(
                error.code(),
                ErrorCode::Modified | ErrorCode::Locked | ErrorCode::Exists
            ) =>
        {
            Ok(Err(Moved))
        }
        Err(error) => Err(error.into()),
    }
}

/// The tree of a commit.
pub fn tree_of(repo: &Repository, commit: Oid) -> Result<Oid> {
    Ok(repo.find_commit(commit)?.tree_id())
}

/// Whether `ancestor` is `descendant` or one of its ancestors.
pub fn is_ancestor(repo: &Repository, ancestor: Oid, descendant: Oid) -> Result<bool> {
    Ok(ancestor == descendant || repo.graph_descendant_of(descendant, ancestor)?)
}

/// One commit, as history shows it.
#[derive(Clone, Debug)]
pub struct Revision {
    pub commit: Oid,
    pub author: String,
    pub email: String,
    pub time: i64,
    pub message: String,
    /// The stored path of the file at this revision (it changes across renames).
    pub path: String,
}

fn revision(commit: &git2::Commit, path: &str) -> Revision {
    Revision {
        commit: commit.id(),
        author: commit.author().name().unwrap_or("?").to_owned(),
        email: commit.author().email().unwrap_or("").to_owned(),
        time: commit.time().seconds(),
        message: commit.message().unwrap_or("").trim().to_owned(),
        path: path.to_owned(),
    }
}

fn blob_at(tree: &git2::Tree, path: &str) -> Option<Oid> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    (entry.kind() == Some(ObjectType::Blob)).then(|| entry.id())
}

/// A file that differs between two trees: its stored path, and whether it exists in the old
/// and in the new tree.
#[derive(Debug, PartialEq, Eq)]
pub struct Changed {
    pub path: String,
    pub before: bool,
    pub after: bool,
}

/// The files that differ between `old` and `new`. Folders with the same id are skipped without
/// being read, so this costs the change, not the size of the trees; libgit2's general diff does
/// the same walk with much more bookkeeping.
pub fn changed_files(
    repo: &Repository,
    old: Option<&git2::Tree>,
    new: Option<&git2::Tree>,
) -> Result<Vec<Changed>> {
    let mut changed = Vec::new();
    compare_trees(repo, old, new, "", &mut changed)?;
    Ok(changed)
}

fn compare_trees(
    repo: &Repository,
    old: Option<&git2::Tree>,
    new: Option<&git2::Tree>,
    prefix: &str,
    changed: &mut Vec<Changed>,
) -> Result<()> {
    type Entry = (Oid, Option<ObjectType>);
    let entries = |tree: Option<&git2::Tree>| -> BTreeMap<String, Entry> {
        tree.map(|tree| {
            tree.iter()
                .filter_map(|e| Some((e.name()?.to_owned(), (e.id(), e.kind()))))
                .collect()
        })
        .unwrap_or_default()
    };
    let before = entries(old);
    let after = entries(new);
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let (a, b) = (before.get(name), after.get(name));
        if a.map(|e| e.0) == b.map(|e| e.0) {
            continue;
        }
        let path = format!("{prefix}{name}");
        let is_tree = |e: Option<&Entry>| e.is_some_and(|e| e.1 == Some(ObjectType::Tree));
        let is_blob = |e: Option<&Entry>| e.is_some_and(|e| e.1 == Some(ObjectType::Blob));
        if is_tree(a) || is_tree(b) {
            let sub = |e: Option<&Entry>| -> Result<Option<git2::Tree<'_>>> {
                Ok(match e {
                    Some((id, Some(ObjectType::Tree))) => Some(repo.find_tree(*id)?),
                    _ => None,
                })
            };
            let (old_sub, new_sub) = (sub(a)?, sub(b)?);
            compare_trees(
                repo,
                old_sub.as_ref(),
                new_sub.as_ref(),
                &format!("{path}/"),
                changed,
            )?;
        }
        if is_blob(a) || is_blob(b) {
            changed.push(Changed {
                path,
                before: is_blob(a),
                after: is_blob(b),
            });
        }
    }
    Ok(())
}

/// The reference walk that [`PathIndex::history`] must agree with (used by tests).
///
/// The commits that changed the file at `path`, newest first, following renames: when the file
/// appears in a commit, a file removed by that same commit with the same or similar content is
/// taken as its former name.
#[cfg(test)]
pub fn file_history(
    repo: &Repository,
    head: Oid,
    path: &str,
    skip: usize,
    limit: usize,
) -> Result<(Vec<Revision>, bool)> {
    // First parents only, from the head back, stopping as soon as the page is full. Each
    // commit's tree is looked up once: it is the "after" of one step and the "before" of the
    // next.
    let mut current = path.to_owned();
    let mut found = Vec::new();
    let mut seen = 0usize;
    let mut commit = repo.find_commit(head)?;
    let mut tree = commit.tree()?;
    let mut blob = blob_at(&tree, &current);
    loop {
        let parent = commit.parent(0).ok();
        let parent_tree = parent.as_ref().map(git2::Commit::tree).transpose()?;
        let mut before = parent_tree.as_ref().and_then(|t| blob_at(t, &current));
        match blob {
            // Not here: deleted since (keep looking for it) or, once met, created here.
            None if seen > 0 => break,
            Some(id) if before != Some(id) => {
                if seen >= skip {
                    if found.len() == limit {
                        return Ok((found, true));
                    }
                    found.push(revision(&commit, &current));
                }
                seen += 1;
                if before.is_none() {
                    let Some(parent_tree) = &parent_tree else {
                        break;
                    };
                    match renamed_from(repo, parent_tree, &tree, &current)? {
                        Some(old) => {
                            before = blob_at(parent_tree, &old);
                            current = old;
                        }
                        None => break,
                    }
                }
            }
            _ => {}
        }
        let (Some(parent), Some(parent_tree)) = (parent, parent_tree) else {
            break;
        };
        commit = parent;
        tree = parent_tree;
        blob = before;
    }
    Ok((found, false))
}

/// Derived state for history: the branch's first-parent commits, oldest first, and for each
/// stored path the commits that changed it. It knows the head it reflects and catches up from
/// there, so a history page costs its rows, not the length of the history.
#[derive(Clone, Debug, Default)]
pub struct PathIndex {
    head: Option<Oid>,
    commits: Vec<Oid>,
    by_path: std::collections::HashMap<String, Vec<u32>>,
}

impl PathIndex {
    /// The head this index reflects.
    pub fn head(&self) -> Option<Oid> {
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
    pub fn catch_up(&mut self, repo: &Repository, head: Oid) -> Result<()> {
        let mut new_commits = Vec::new();
        let mut met_known = false;
        let mut cursor = Some(repo.find_commit(head)?);
        while let Some(commit) = cursor {
            if Some(commit.id()) == self.head {
                met_known = true;
                break;
            }
            cursor = commit.parent(0).ok();
            new_commits.push(commit);
        }
        if !met_known {
            *self = PathIndex::default();
        }
        let index = self;
        for commit in new_commits.iter().rev() {
            let number = u32::try_from(index.commits.len())
                .map_err(|_| Error::Internal("history too long to index".into()))?;
            index.commits.push(commit.id());
            let tree = commit.tree()?;
            let parent_tree = match commit.parent(0) {
                Ok(parent) => Some(parent.tree()?),
                Err(_) => None,
            };
            for change in changed_files(repo, parent_tree.as_ref(), Some(&tree))? {
                let commits = index.by_path.entry(change.path).or_default();
                if commits.last() != Some(&number) {
                    commits.push(number);
                }
            }
        }
        index.head = Some(head);
        Ok(())
    }

    /// The index at `head`, built from nothing.
    pub fn build(repo: &Repository, head: Oid) -> Result<PathIndex> {
        let mut index = PathIndex::default();
        index.catch_up(repo, head)?;
        Ok(index)
    }

    /// The commits that changed the file at `path`, newest first, following renames, as
    /// [`file_history`] finds them by walking.
    pub fn history(
        &self,
        repo: &Repository,
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
                let commit = repo.find_commit(self.commits[number])?;
                let tree = commit.tree()?;
                if blob_at(&tree, &current).is_none() {
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
                    found.push(revision(&commit, &current));
                }
                seen += 1;
                let parent_tree = match commit.parent(0) {
                    Ok(parent) => parent.tree()?,
                    Err(_) => break 'paths,
                };
                if blob_at(&parent_tree, &current).is_none() {
                    match renamed_from(repo, &parent_tree, &tree, &current)? {
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

/// The path a file added as `path` in `tree` had in `parent`, if the commit renamed it.
fn renamed_from(
    repo: &Repository,
    parent: &git2::Tree,
    tree: &git2::Tree,
    path: &str,
) -> Result<Option<String>> {
    let mut diff = repo.diff_tree_to_tree(Some(parent), Some(tree), None)?;
    // A rename that left a redirect page behind is a modified old file whose former content is
    // exactly the new file: look for that first.
    let added = blob_at(tree, path);
    for delta in diff.deltas() {
        if delta.status() == git2::Delta::Modified && Some(delta.old_file().id()) == added {
            return Ok(delta
                .old_file()
                .path()
                .and_then(Path::to_str)
                .map(str::to_owned));
        }
    }
    let mut options = git2::DiffFindOptions::new();
    options.renames(true);
    diff.find_similar(Some(&mut options))?;
    for delta in diff.deltas() {
        if delta.status() == git2::Delta::Renamed
            && delta.new_file().path().and_then(Path::to_str) == Some(path)
        {
            return Ok(delta
                .old_file()
                .path()
                .and_then(Path::to_str)
                .map(str::to_owned));
        }
    }
    Ok(None)
}

/// A commit and the files it changed (stored paths), for recent changes and feeds.
#[derive(Clone, Debug)]
pub struct Activity {
    pub revision: Revision,
    pub paths: Vec<String>,
}

/// What a commit changed, for recent changes.
fn activity(repo: &Repository, commit: &git2::Commit) -> Result<Activity> {
    let tree = commit.tree()?;
    let parent_tree = match commit.parent(0) {
        Ok(parent) => Some(parent.tree()?),
        Err(_) => None,
    };
    let paths = changed_files(repo, parent_tree.as_ref(), Some(&tree))?
        .into_iter()
        .map(|change| change.path)
        .collect();
    Ok(Activity {
        revision: revision(commit, ""),
        paths,
    })
}

/// The newest `limit` commits of the branch (first parents) with the files each changed. When
/// the activity up to an older head `known` is at hand, the walk stops there and reuses it.
pub fn recent(
    repo: &Repository,
    head: Oid,
    limit: usize,
    known: Option<(Oid, &[Activity])>,
) -> Result<Vec<Activity>> {
    let mut walk = repo.revwalk()?;
    walk.push(head)?;
    walk.simplify_first_parent()?;
    let mut activity = Vec::new();
    for id in walk {
        let id = id?;
        if activity.len() == limit {
            break;
        }
        if let Some((known_head, known)) = known
            && id == known_head
        {
            let room = limit - activity.len();
            activity.extend(known.iter().take(room).cloned());
            break;
        }
        activity.push(self::activity(repo, &repo.find_commit(id)?)?);
    }
    Ok(activity)
}

/// The bytes of a stored path at a commit.
pub fn read_at(repo: &Repository, commit: Oid, stored_path: &str) -> Result<Option<Vec<u8>>> {
    let tree = tree_of(repo, commit)?;
    Ok(read(repo, tree, stored_path)?.map(|(_, bytes)| bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repository() -> (tempfile::TempDir, Repository) {
        let dir = tempfile::tempdir().expect("temp dir");
        create(&dir.path().join("w.git"), None, "# Home\n", "first").expect("create");
        let repo = Repository::open_bare(dir.path().join("w.git")).expect("open");
        (dir, repo)
    }

    fn change(repo: &Repository, changes: &[Change], message: &str) -> Oid {
        let head = head(repo).expect("head").expect("a commit");
        let tree = write_tree(repo, Some(head.tree), changes).expect("tree");
        let signature = Signature::now("T", "t@example.org").expect("signature");
        match commit(repo, Some(head.commit), tree, &signature, message).expect("commit") {
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
    fn incremental_listing_matches_a_full_walk() {
        let (_dir, repo) = repository();
        let before = head(&repo).expect("head").expect("commit");
        let old = list(&repo, before.tree).expect("list");
        change(
            &repo,
            &[
                Change::Put("Guides/Un.md", b"1"),
                Change::Put("images/a.png", b"png"),
                Change::Delete("Home.md"),
            ],
            "mixed",
        );
        let after = head(&repo).expect("head").expect("commit");
        let derived = list_changed(&repo, &old, before.tree, after.tree).expect("derived");
        let full = list(&repo, after.tree).expect("full");
        assert_eq!(names(&derived), names(&full));
        assert_eq!(
            names(&full),
            ["Guides/Un=Guides/Un.md", "images/a.png=images/a.png"]
        );
    }

    #[test]
    fn a_commit_on_a_stale_parent_moves_nothing() {
        let (_dir, repo) = repository();
        let first = head(&repo).expect("head").expect("commit");
        let second = change(&repo, &[Change::Put("A.md", b"a")], "a");
        let tree = write_tree(&repo, Some(first.tree), &[Change::Put("B.md", b"b")]).expect("tree");
        let signature = Signature::now("T", "t@example.org").expect("signature");
        let stale = commit(&repo, Some(first.commit), tree, &signature, "stale").expect("commit");
        assert!(stale.is_err(), "the branch moved since `first`");
        assert_eq!(head(&repo).expect("head").expect("commit").commit, second);
    }

    #[test]
    fn history_follows_renames_and_recent_reuses_what_it_knows() {
        let (_dir, repo) = repository();
        change(
            &repo,
            &[Change::Put("Old.md", b"# Old\n\nsome text that stays\n")],
            "create old",
        );
        change(&repo, &[Change::Put("Other.md", b"x")], "unrelated");
        change(
            &repo,
            &[
                Change::Put("New.md", b"# Old\n\nsome text that stays\n"),
                Change::Put("Old.md", b"#REDIRECT [[New]]\n"),
            ],
            "rename with redirect",
        );
        let tip = change(
            &repo,
            &[Change::Put("New.md", b"# New\n\nsome text that stays\n")],
            "edit new",
        );
        let (revisions, more) = file_history(&repo, tip, "New.md", 0, 10).expect("history");
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
        let (page, more) = file_history(&repo, tip, "New.md", 1, 1).expect("history");
        assert_eq!(page[0].message, "rename with redirect");
        assert!(more);

        // The index agrees with the walk, built at once or caught up commit by commit.
        let index = PathIndex::build(&repo, tip).expect("index");
        let parent = repo
            .find_commit(tip)
            .expect("tip")
            .parent_id(0)
            .expect("parent");
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
            let walked = file_history(&repo, tip, path, skip, limit).expect("walk");
            for index in [&index, &caught_up] {
                let indexed = index.history(&repo, path, skip, limit).expect("index");
                let ids = |r: &(Vec<Revision>, bool)| {
                    (
                        r.0.iter()
                            .map(|r| (r.commit, r.path.clone()))
                            .collect::<Vec<_>>(),
                        r.1,
                    )
                };
                assert_eq!(
                    ids(&indexed),
                    ids(&walked),
                    "{path} skip {skip} limit {limit}"
                );
            }
        }

        let full = recent(&repo, tip, 3, None).expect("recent");
        let parent = repo
            .find_commit(tip)
            .expect("tip")
            .parent_id(0)
            .expect("parent");
        let known = recent(&repo, parent, 3, None).expect("recent");
        let reused = recent(&repo, tip, 3, Some((parent, &known))).expect("recent");
        let messages = |a: &[Activity]| {
            a.iter()
                .map(|a| a.revision.message.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(messages(&full), messages(&reused));
        assert_eq!(
            messages(&full),
            ["edit new", "rename with redirect", "unrelated"]
        );
        assert_eq!(full[1].paths, ["New.md", "Old.md"]);
    }
}
