//! Every git2 call of konbit: opening and creating a wiki's repository, reading its branch,
//! writing trees and commits, walking its history.
//!
//! It knows nothing of access, rendering or HTTP: the gate (`farm`) has asked the policy before
//! it hands out a [`Location`]. It speaks in [`ObjectId`]s and plain data; no git2 type leaves
//! this file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use git2::{
    ErrorCode, FileMode, ObjectType, Oid, Repository, Signature, Tree, TreeWalkMode, TreeWalkResult,
};
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};
use crate::object_id::ObjectId;
use crate::rules::{Change, Refusal};

/// The branch a new repository serves; an existing repository serves whatever its HEAD names.
const DEFAULT_BRANCH: &str = "refs/heads/main";

impl From<git2::Error> for Error {
    fn from(error: git2::Error) -> Self {
        Error::Internal(format!("git: {error}"))
    }
}

fn id(oid: Oid) -> ObjectId {
    let mut bytes = [0u8; 20];
    bytes.copy_from_slice(&oid.as_bytes()[..20]);
    ObjectId::from_bytes(bytes)
}

fn oid(id: ObjectId) -> Oid {
    Oid::from_bytes(id.as_bytes()).expect("20 bytes are a valid object id")
}

fn folder_taken(path: &str) -> Error {
    Error::Refused(Refusal::FolderTaken {
        path: path.to_owned(),
    })
}

/// Where a wiki's bare repository lives. Only the gate makes one, after the access check.
#[derive(Clone, Debug)]
pub struct Location(PathBuf);

impl Location {
    pub fn new(path: PathBuf) -> Location {
        Location(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Opens the repository. A missing or broken repository makes the wiki unavailable, not
    /// the farm.
    pub fn open(&self) -> Result<Repo> {
        Repository::open_bare(&self.0)
            .map(|repo| Repo { repo })
            .map_err(|error| {
                Error::Unavailable(format!("{}: {}", self.0.display(), error.message()))
            })
    }

    /// Opens the repository with the objects of a push still in quarantine (the folder git
    /// names in `GIT_QUARANTINE_PATH` while its pre-receive hook runs) readable beside its own.
    pub fn open_with_quarantine(&self, quarantine: &Path) -> Result<Repo> {
        let repo = self.open()?;
        repo.repo
            .odb()?
            .add_disk_alternate(&quarantine.to_string_lossy())?;
        Ok(repo)
    }

    pub fn exists(&self) -> bool {
        self.0.exists()
    }

    /// Removes what a git process killed mid-way leaves in the repository, older than `age`: lock
    /// files (`refs/heads/main.lock` would refuse every later push and save) and the temporary
    /// objects of a push cut off (`objects/incoming-*`, `tmp_*`). Only for a repository no
    /// process is writing to (the server's start). Returns what was removed.
    pub fn clear_leftovers(&self, age: std::time::Duration) -> Vec<PathBuf> {
        let old = |path: &Path| {
            std::fs::symlink_metadata(path)
                .and_then(|meta| meta.modified())
                .is_ok_and(|modified| modified.elapsed().is_ok_and(|elapsed| elapsed > age))
        };
        let mut found = Vec::new();
        let mut folders = vec![self.0.clone(), self.0.join("refs")];
        while let Some(folder) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
                if is_dir && folder != self.0 {
                    folders.push(path);
                } else if !is_dir && path.extension().is_some_and(|ext| ext == "lock") {
                    found.push(path);
                }
            }
        }
        for folder in [self.0.join("objects"), self.0.join("objects").join("pack")] {
            for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with("incoming-") || name.starts_with("tmp_") {
                    found.push(entry.path());
                }
            }
        }
        found.retain(|path| old(path));
        for path in &found {
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(path)
            } else {
                std::fs::remove_file(path)
            };
            if let Err(error) = removed {
                tracing::warn!(path = %path.display(), %error, "cannot remove a leftover");
            }
        }
        found
    }

    /// Creates an empty bare repository whose HEAD names the default branch (the audit trail's:
    /// its first commit is the first state recorded).
    pub fn create_empty(&self) -> Result<()> {
        let mut options = git2::RepositoryInitOptions::new();
        options
            .bare(true)
            .initial_head(DEFAULT_BRANCH.trim_start_matches("refs/heads/"));
        Repository::init_opts(&self.0, &options)?;
        Ok(())
    }

    /// Creates a bare repository whose first commit holds the files of `seed`, or a single
    /// `Home.md` with `welcome` when there is no seed.
    pub fn create(&self, seed: Option<&Path>, welcome: &str, message: &str) -> Result<()> {
        let mut options = git2::RepositoryInitOptions::new();
        options
            .bare(true)
            .initial_head(DEFAULT_BRANCH.trim_start_matches("refs/heads/"));
        let repo = Repository::init_opts(&self.0, &options)?;
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
}

/// An open repository.
pub struct Repo {
    repo: Repository,
}

/// The commit HEAD points at.
#[derive(Clone, Debug)]
pub struct Head {
    pub commit: ObjectId,
    pub tree: ObjectId,
    pub author: String,
    /// Seconds since the epoch.
    pub time: i64,
}

/// Who a commit is by.
pub struct Author<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

/// One commit, as history shows it.
#[derive(Clone, Debug)]
pub struct Revision {
    pub commit: ObjectId,
    pub author: String,
    pub email: String,
    pub time: i64,
    pub message: String,
    /// The stored path of the file at this revision (it changes across renames).
    pub path: String,
}

/// A file that differs between two trees: its stored path, and whether it exists in the old
/// and in the new tree.
#[derive(Debug, PartialEq, Eq)]
pub struct Changed {
    pub path: String,
    pub before: bool,
    pub after: bool,
    /// The file's blob in the new tree.
    pub blob: Option<ObjectId>,
    /// What the new tree holds at this path when it is not a plain file.
    pub special: Option<Special>,
}

/// Tree entries that are not plain files, which a wiki does not hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    Symlink,
    Submodule,
}

/// Git's file modes for a symbolic link and a submodule (a commit inside a tree).
const MODE_SYMLINK: i32 = 0o120000;

/// Someone else moved the branch first: the caller starts again from the new head.
pub struct Moved;

type Edit<'a> = (Vec<&'a str>, Option<Oid>);

impl Repo {
    /// The commit HEAD points at, or `None` for a repository without commits.
    pub fn head(&self) -> Result<Option<Head>> {
        let reference = match self.repo.head() {
            Ok(reference) => reference,
            Err(error) if matches!(error.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
                return Ok(None);
            }
            Err(error) => return Err(error.into()),
        };
        let commit = reference.peel_to_commit()?;
        Ok(Some(Head {
            commit: id(commit.id()),
            tree: id(commit.tree_id()),
            author: commit.author().name().unwrap_or("?").to_owned(),
            time: commit.time().seconds(),
        }))
    }

    /// The stored path of every file of a tree.
    pub fn files(&self, tree: ObjectId) -> Result<Vec<String>> {
        let tree = self.repo.find_tree(oid(tree))?;
        let mut files = Vec::new();
        tree.walk(TreeWalkMode::PreOrder, |folder, entry| {
            if entry.kind() == Some(ObjectType::Blob)
                && let Some(name) = entry.name()
            {
                files.push(format!("{folder}{name}"));
            }
            TreeWalkResult::Ok
        })?;
        Ok(files)
    }

    /// The bytes of a file at a stored path of a tree, with its blob id.
    pub fn read(&self, tree: ObjectId, stored_path: &str) -> Result<Option<(ObjectId, Vec<u8>)>> {
        let tree = self.repo.find_tree(oid(tree))?;
        let entry = match tree.get_path(Path::new(stored_path)) {
            Ok(entry) => entry,
            Err(error) if error.code() == ErrorCode::NotFound => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        let blob = match entry.to_object(&self.repo)?.into_blob() {
            Ok(blob) => blob,
            Err(_) => return Ok(None),
        };
        Ok(Some((id(blob.id()), blob.content().to_vec())))
    }

    /// The blob at a stored path of a tree, if there is one: cheaper than reading it.
    pub fn blob_in_tree(&self, tree: ObjectId, stored_path: &str) -> Result<Option<ObjectId>> {
        let tree = self.repo.find_tree(oid(tree))?;
        Ok(blob_in(&tree, stored_path).map(id))
    }

    /// The size of a blob, read from its header: without inflating it.
    pub fn blob_size(&self, blob: ObjectId) -> Result<usize> {
        let (size, _) = self.repo.odb()?.read_header(oid(blob))?;
        Ok(size)
    }

    /// The bytes of a blob.
    pub fn blob(&self, blob: ObjectId) -> Result<Vec<u8>> {
        Ok(self.repo.find_blob(oid(blob))?.content().to_vec())
    }

    /// The bytes of a stored path at a commit.
    pub fn read_at(&self, commit: ObjectId, stored_path: &str) -> Result<Option<Vec<u8>>> {
        let tree = self.tree_of(commit)?;
        Ok(self.read(tree, stored_path)?.map(|(_, bytes)| bytes))
    }

    /// The blob at a stored path of a commit's tree, if there is one.
    pub fn blob_at(&self, commit: ObjectId, stored_path: &str) -> Result<Option<ObjectId>> {
        let tree = self.repo.find_commit(oid(commit))?.tree()?;
        Ok(blob_in(&tree, stored_path).map(id))
    }

    /// The tree of a commit.
    pub fn tree_of(&self, commit: ObjectId) -> Result<ObjectId> {
        Ok(id(self.repo.find_commit(oid(commit))?.tree_id()))
    }

    /// A commit's first parent.
    pub fn parent_of(&self, commit: ObjectId) -> Result<Option<ObjectId>> {
        let commit = self.repo.find_commit(oid(commit))?;
        Ok(commit.parent_id(0).ok().map(id))
    }

    /// Whether `commit` is a commit of the branch whose head is `head` (the head itself or one
    /// of its ancestors): commits that were never part of the wiki are not served.
    pub fn on_branch(&self, commit: ObjectId, head: ObjectId) -> Result<bool> {
        if self.repo.find_commit(oid(commit)).is_err() {
            return Ok(false);
        }
        Ok(commit == head || self.repo.graph_descendant_of(oid(head), oid(commit))?)
    }

    /// Who made a commit, when, and why; `path` is recorded as the file it is about.
    pub fn revision(&self, commit: ObjectId, path: &str) -> Result<Revision> {
        let commit = self.repo.find_commit(oid(commit))?;
        Ok(revision(&commit, path))
    }

    /// The branch's first-parent commits from `head` back, newest first: at most `limit`, and
    /// stopping before `until` when it is met (then the flag is true).
    pub fn first_parents(
        &self,
        head: ObjectId,
        until: Option<ObjectId>,
        limit: usize,
    ) -> Result<(Vec<ObjectId>, bool)> {
        let mut walk = self.repo.revwalk()?;
        walk.push(oid(head))?;
        walk.simplify_first_parent()?;
        let mut commits = Vec::new();
        for commit in walk {
            let commit = id(commit?);
            if Some(commit) == until {
                return Ok((commits, true));
            }
            if commits.len() == limit {
                break;
            }
            commits.push(commit);
        }
        Ok((commits, false))
    }

    /// The files that differ between two trees (`None`: the empty tree). Folders with the same
    /// id are skipped without being read, so this costs the change, not the size of the trees;
    /// libgit2's general diff does the same walk with much more bookkeeping.
    pub fn changed_files(
        &self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
    ) -> Result<Vec<Changed>> {
        let old = old.map(|tree| self.repo.find_tree(oid(tree))).transpose()?;
        let new = new.map(|tree| self.repo.find_tree(oid(tree))).transpose()?;
        let mut changed = Vec::new();
        compare_trees(&self.repo, old.as_ref(), new.as_ref(), "", &mut changed)?;
        Ok(changed)
    }

    /// The files a commit changed, compared with its first parent.
    pub fn commit_changes(&self, commit: ObjectId) -> Result<Vec<Changed>> {
        let commit = self.repo.find_commit(oid(commit))?;
        let tree = commit.tree()?;
        let parent_tree = match commit.parent(0) {
            Ok(parent) => Some(parent.tree()?),
            Err(_) => None,
        };
        let mut changed = Vec::new();
        compare_trees(
            &self.repo,
            parent_tree.as_ref(),
            Some(&tree),
            "",
            &mut changed,
        )?;
        Ok(changed)
    }

    /// The path that the file `path`, added by `commit`, had in the commit's first parent, if
    /// the commit renamed it.
    pub fn renamed_from(&self, commit: ObjectId, path: &str) -> Result<Option<String>> {
        let commit = self.repo.find_commit(oid(commit))?;
        let Ok(parent) = commit.parent(0) else {
            return Ok(None);
        };
        renamed_from(&self.repo, &parent.tree()?, &commit.tree()?, path)
    }

    /// Writes a new tree: `base` with `changes` applied. Only the trees along the changed paths
    /// are rebuilt; folders left empty disappear.
    pub fn write_tree(&self, base: Option<ObjectId>, changes: &[Change]) -> Result<ObjectId> {
        let repo = &self.repo;
        let mut edits: Vec<Edit> = Vec::with_capacity(changes.len());
        for change in changes {
            match change {
                Change::Put(path, bytes) => {
                    edits.push((path.split('/').collect(), Some(repo.blob(bytes)?)))
                }
                Change::Delete(path) => edits.push((path.split('/').collect(), None)),
            }
        }
        let base = base.map(|tree| repo.find_tree(oid(tree))).transpose()?;
        match update_tree(repo, base.as_ref(), &edits)? {
            Some(tree) => Ok(id(tree)),
            // Every file removed: the empty tree.
            None => Ok(id(repo.treebuilder(None)?.write()?)),
        }
    }

    /// Commits `tree` on top of `parent` and moves the branch with a compare-and-swap on
    /// `parent`: never a blind overwrite, so a concurrent save or push is never lost.
    pub fn commit(
        &self,
        parent: Option<ObjectId>,
        tree: ObjectId,
        author: &Author,
        message: &str,
    ) -> Result<std::result::Result<ObjectId, Moved>> {
        let repo = &self.repo;
        let branch = self.branch()?;
        let signature = Signature::now(author.name, author.email)?;
        let tree = repo.find_tree(oid(tree))?;
        let parents = parent.map(|p| repo.find_commit(oid(p))).transpose()?;
        let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
        let commit = repo.commit(None, &signature, &signature, message, &tree, &parent_refs)?;
        let log = format!("konbit: {}", message.lines().next().unwrap_or(""));
        let moved = match parent {
            Some(parent) => repo.reference_matching(&branch, commit, true, oid(parent), &log),
            None => repo.reference(&branch, commit, false, &log),
        };
        match moved {
            Ok(_) => Ok(Ok(id(commit))),
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

    /// The commits reachable from `new` and not from `old`, parents before children.
    pub fn new_commits(&self, new: ObjectId, old: Option<ObjectId>) -> Result<Vec<ObjectId>> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
        walk.push(oid(new))?;
        if let Some(old) = old {
            walk.hide(oid(old))?;
        }
        walk.map(|commit| Ok(id(commit?))).collect()
    }

    /// The commit a commit-ish revision names, if it is one (a push names commits by id).
    pub fn is_commit(&self, commit: ObjectId) -> bool {
        self.repo.find_commit(oid(commit)).is_ok()
    }

    /// Whether this repository holds the tree `tree`.
    pub fn is_tree(&self, tree: ObjectId) -> bool {
        self.repo.find_tree(oid(tree)).is_ok()
    }

    /// The branch HEAD names (`refs/heads/main` for repositories konbit created).
    pub fn branch(&self) -> Result<String> {
        let head = self.repo.find_reference("HEAD")?;
        // Reads follow HEAD; writes must move the same branch, or saves would vanish.
        head.symbolic_target().map(str::to_owned).ok_or_else(|| {
            Error::Unavailable(format!(
                "{}: HEAD does not name a branch; writes are refused",
                self.repo.path().display()
            ))
        })
    }
}

fn revision(commit: &git2::Commit, path: &str) -> Revision {
    Revision {
        commit: id(commit.id()),
        author: commit.author().name().unwrap_or("?").to_owned(),
        email: commit.author().email().unwrap_or("").to_owned(),
        time: commit.time().seconds(),
        message: commit.message().unwrap_or("").trim().to_owned(),
        path: path.to_owned(),
    }
}

fn blob_in(tree: &Tree, path: &str) -> Option<Oid> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    (entry.kind() == Some(ObjectType::Blob)).then(|| entry.id())
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

fn update_tree(
    repo: &Repository,
    base: Option<&git2::Tree>,
    edits: &[Edit],
) -> Result<Option<Oid>> {
    let mut builder = repo.treebuilder(base)?;
    let mut names: Vec<&str> = edits.iter().map(|(segments, _)| segments[0]).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let here: Vec<&Edit> = edits
            .iter()
            .filter(|(segments, _)| segments[0] == name)
            .collect();
        let existing_kind = builder.get(name)?.and_then(|entry| entry.kind());
        for (_, blob) in here.iter().filter(|(segments, _)| segments.len() == 1) {
            match blob {
                Some(blob) => {
                    // Writing a file over a folder would silently delete everything in it.
                    if existing_kind == Some(ObjectType::Tree) {
                        return Err(folder_taken(name));
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
        let deeper: Vec<Edit> = here
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
                return Err(folder_taken(name));
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

fn compare_trees(
    repo: &Repository,
    old: Option<&Tree>,
    new: Option<&Tree>,
    prefix: &str,
    changed: &mut Vec<Changed>,
) -> Result<()> {
    type Entry = (Oid, Option<ObjectType>, i32);
    let entries = |tree: Option<&Tree>| -> BTreeMap<String, Entry> {
        tree.map(|tree| {
            tree.iter()
                .filter_map(|e| Some((e.name()?.to_owned(), (e.id(), e.kind(), e.filemode()))))
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
            let sub = |e: Option<&Entry>| -> Result<Option<Tree<'_>>> {
                Ok(match e {
                    Some((id, Some(ObjectType::Tree), _)) => Some(repo.find_tree(*id)?),
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
        let special = match b {
            Some((_, Some(ObjectType::Commit), _)) => Some(Special::Submodule),
            Some((_, Some(ObjectType::Blob), MODE_SYMLINK)) => Some(Special::Symlink),
            _ => None,
        };
        if is_blob(a) || is_blob(b) || special.is_some() {
            changed.push(Changed {
                path,
                before: is_blob(a),
                after: is_blob(b),
                blob: b.filter(|e| e.1 == Some(ObjectType::Blob)).map(|e| id(e.0)),
                special,
            });
        }
    }
    Ok(())
}

/// The path a file added as `path` in `tree` had in `parent`, if the commit renamed it.
fn renamed_from(
    repo: &Repository,
    parent: &Tree,
    tree: &Tree,
    path: &str,
) -> Result<Option<String>> {
    let mut diff = repo.diff_tree_to_tree(Some(parent), Some(tree), None)?;
    // A rename that left a redirect page behind is a modified old file whose former content is
    // exactly the new file: look for that first.
    let added = blob_in(tree, path);
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
