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

pub fn list(repo: &Repository, tree: Oid) -> Result<Listing> {
    let tree = repo.find_tree(tree)?;
    let mut listing = Listing::default();
    tree.walk(TreeWalkMode::PreOrder, |folder, entry| {
        if entry.kind() != Some(ObjectType::Blob) {
            return TreeWalkResult::Ok;
        }
        let Some(name) = entry.name() else {
            return TreeWalkResult::Ok;
        };
        let stored = format!("{folder}{name}");
        let normalized: String = stored.nfc().collect();
        if let Some(page) = normalized.strip_suffix(".md") {
            if let Ok(path) = PagePath::parse(page) {
                listing.pages.insert(path, stored);
            }
        } else if let Ok(path) = PagePath::parse(&normalized) {
            listing.files.insert(path, stored);
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
pub fn create(path: &Path, seed: Option<&Path>, welcome: &str) -> Result<()> {
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
    repo.commit(
        Some("HEAD"),
        &signature,
        &signature,
        "Create the wiki",
        &tree,
        &[],
    )?;
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
