//! The link index: which page of which wiki links to which page, for the whole farm.
//!
//! Derived state like the others: built from git (every page's Markdown parsed for its links,
//! no HTML made), brought up to date by each branch move for the pages the move changed, kept
//! under `<data_dir>/link-index/<slug>.links` with the tree it reflects so that a start catches
//! up from there (a missing or damaged file is rebuilt). Links are kept as written
//! ([`Outgoing`]), so whether `[[X]]` from folder `F` means `F/X` or `X` is decided when asked,
//! against the pages that exist then, exactly as the renderer decides it.
//!
//! Names are interned per wiki: a link costs 12 bytes, a page its name once, so that a farm of
//! 100,000 pages with ten links each stays in the tens of megabytes.
//!
//! Rendering (missing marks of links into other wikis), backlinks, wanted and orphan pages and
//! the push report all read this one index. It knows nothing of the access policy: the gate
//! asks it about the wikis the reader may read only.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::markdown::{self, Outgoing};
use crate::object_id::ObjectId;
use crate::page_path::{PagePath, WikiSlug};
use crate::rules::page_of_file;
use crate::store::{Location, Repo};

/// The first line of an index file; another version is rebuilt.
const FORMAT: &str = "konbit-links 1";
/// How often the index files of changed wikis are written.
const SAVE_EVERY: Duration = Duration::from_secs(2);
/// No name.
const NONE: u32 = u32::MAX;

/// One link as the index keeps it: interned names of the linking page's wiki.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    /// In the same wiki: `preferred` (or [`NONE`]) when it exists, else `path`.
    Page { preferred: u32, path: u32 },
    /// In wiki `wiki` (a slug, interned here too), page `path` from its root.
    Other { wiki: u32, path: u32 },
}

#[derive(Default)]
struct Names {
    by_id: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, u32>,
}

impl Names {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.by_id.len()).expect("fewer than 4 billion names");
        let name: Arc<str> = name.into();
        self.by_id.push(name.clone());
        self.ids.insert(name, id);
        id
    }

    fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    fn name(&self, id: u32) -> &str {
        &self.by_id[id as usize]
    }
}

/// The links of one wiki at one tree.
#[derive(Default)]
struct WikiLinks {
    /// The tree this reflects; `None` before anything was read (or for an empty branch).
    tree: Option<ObjectId>,
    /// Whether it was caught up with the repository once in this process (later moves come as
    /// notices).
    synced: bool,
    /// Whether the file on disk is behind.
    dirty: bool,
    names: Names,
    pages: HashSet<u32>,
    links: HashMap<u32, Box<[Link]>>,
}

impl WikiLinks {
    /// Where a link of this wiki leads, when it leads into this wiki.
    fn resolve(&self, link: Link) -> Option<u32> {
        match link {
            Link::Page { preferred, path } => {
                Some(if preferred != NONE && self.pages.contains(&preferred) {
                    preferred
                } else {
                    path
                })
            }
            Link::Other { .. } => None,
        }
    }

    fn page_name(&self, id: u32) -> PagePath {
        PagePath::parse(self.names.name(id)).expect("only page paths are interned as pages")
    }

    /// Rough memory size: the names once each (with their map entry), the links, the sets.
    fn size(&self) -> usize {
        let names: usize = self.names.by_id.iter().map(|name| name.len() + 56).sum();
        let links: usize = self.links.values().map(|links| links.len() * 12 + 40).sum();
        names + links + self.pages.len() * 8
    }

    /// Reads the pages that changed between the tree reflected and `tree`.
    fn catch_up(&mut self, repo: &Repo, tree: Option<ObjectId>) -> Result<()> {
        if self.tree == tree {
            return Ok(());
        }
        if let Some(known) = self.tree
            && !repo.is_tree(known)
        {
            // A tree of another repository (a retired wiki's, whose slug a new wiki took):
            // built anew.
            *self = WikiLinks::default();
        }
        for file in repo.changed_files(self.tree, tree)? {
            let Some(page) = page_of_file(&file.path).and_then(|p| PagePath::parse(p).ok()) else {
                continue;
            };
            let id = self.names.intern(page.as_str());
            match file.blob.filter(|_| file.after) {
                Some(blob) => {
                    let text = String::from_utf8_lossy(&repo.blob(blob)?).into_owned();
                    let links = markdown::outgoing(&text, page.folder());
                    let links = self.intern_links(&links);
                    self.pages.insert(id);
                    self.links.insert(id, links);
                }
                None => {
                    self.pages.remove(&id);
                    self.links.remove(&id);
                }
            }
        }
        self.tree = tree;
        self.dirty = true;
        Ok(())
    }

    /// Keeps the links that can lead to a page: names that are page paths, slugs that are slugs.
    fn intern_links(&mut self, links: &[Outgoing]) -> Box<[Link]> {
        let mut kept = Vec::with_capacity(links.len());
        for link in links {
            match link {
                Outgoing::Page { preferred, path } => {
                    let Ok(path) = PagePath::parse(path) else {
                        continue;
                    };
                    let preferred = preferred
                        .as_deref()
                        .and_then(|p| PagePath::parse(p).ok())
                        .map_or(NONE, |p| self.names.intern(p.as_str()));
                    kept.push(Link::Page {
                        preferred,
                        path: self.names.intern(path.as_str()),
                    });
                }
                Outgoing::Other { wiki, path } => {
                    let (Some(wiki), Ok(path)) = (WikiSlug::parse(wiki), PagePath::parse(path))
                    else {
                        continue;
                    };
                    kept.push(Link::Other {
                        wiki: self.names.intern(wiki.as_str()),
                        path: self.names.intern(path.as_str()),
                    });
                }
            }
        }
        kept.dedup();
        kept.into_boxed_slice()
    }

    /// The pages that link to `target` of this wiki (itself left out), in name order.
    fn sources_of(&self, target: u32) -> Vec<u32> {
        let sources = self
            .links
            .iter()
            .filter(|(source, links)| {
                **source != target && links.iter().any(|l| self.resolve(*l) == Some(target))
            })
            .map(|(source, _)| *source)
            .collect();
        self.in_name_order(sources)
    }

    /// The pages that link to page `path` of wiki `wiki`, another wiki, in name order.
    fn sources_in_other(&self, wiki: &str, path: &str) -> Vec<u32> {
        let (Some(wiki), Some(path)) = (self.names.get(wiki), self.names.get(path)) else {
            return Vec::new();
        };
        let wanted = Link::Other { wiki, path };
        let sources = self
            .links
            .iter()
            .filter(|(_, links)| links.contains(&wanted))
            .map(|(source, _)| *source)
            .collect();
        self.in_name_order(sources)
    }

    /// Page ids sorted as their names are (the order of page paths is that of their text).
    fn in_name_order(&self, mut ids: Vec<u32>) -> Vec<u32> {
        ids.sort_unstable_by(|a, b| self.names.name(*a).cmp(self.names.name(*b)));
        ids
    }

    /// The first `limit` of these pages by name, and how many there are: only the pages shown
    /// are made page paths again.
    fn first(&self, ids: &[u32], limit: usize) -> (Vec<PagePath>, usize) {
        let shown = ids
            .iter()
            .take(limit)
            .map(|id| self.page_name(*id))
            .collect();
        (shown, ids.len())
    }

    fn to_text(&self) -> String {
        let mut text = format!("{FORMAT}\n");
        if let Some(tree) = self.tree {
            text.push_str(&format!("tree {tree}\n"));
        }
        let mut pages: Vec<(&str, u32)> = self
            .pages
            .iter()
            .map(|id| (self.names.name(*id), *id))
            .collect();
        pages.sort_unstable();
        for (name, id) in pages {
            text.push_str("P\t");
            text.push_str(name);
            text.push('\n');
            for link in self.links.get(&id).into_iter().flatten() {
                match *link {
                    Link::Page { preferred, path } => {
                        let preferred = if preferred == NONE {
                            ""
                        } else {
                            self.names.name(preferred)
                        };
                        text.push_str(&format!("L\t{preferred}\t{}\n", self.names.name(path)));
                    }
                    Link::Other { wiki, path } => text.push_str(&format!(
                        "O\t{}\t{}\n",
                        self.names.name(wiki),
                        self.names.name(path)
                    )),
                }
            }
        }
        text
    }

    /// An index read back from its file; `None` when the file is not one this version wrote.
    fn from_text(text: &str) -> Option<WikiLinks> {
        let mut lines = text.lines();
        if lines.next()? != FORMAT {
            return None;
        }
        let mut index = WikiLinks::default();
        let mut current = None;
        let mut links = Vec::new();
        let finish = |index: &mut WikiLinks, current: Option<u32>, links: &mut Vec<Link>| {
            if let Some(page) = current {
                index.pages.insert(page);
                index
                    .links
                    .insert(page, std::mem::take(links).into_boxed_slice());
            }
        };
        for line in lines {
            let mut fields = line.split('\t');
            match (fields.next()?, fields.next(), fields.next()) {
                (tree, None, None) if tree.starts_with("tree ") => {
                    index.tree = Some(ObjectId::parse(&tree[5..])?);
                }
                ("P", Some(page), None) => {
                    finish(&mut index, current, &mut links);
                    current = Some(index.names.intern(PagePath::parse(page).ok()?.as_str()));
                }
                ("L", Some(preferred), Some(path)) => {
                    current?;
                    let preferred = if preferred.is_empty() {
                        NONE
                    } else {
                        index
                            .names
                            .intern(PagePath::parse(preferred).ok()?.as_str())
                    };
                    let path = index.names.intern(PagePath::parse(path).ok()?.as_str());
                    links.push(Link::Page { preferred, path });
                }
                ("O", Some(wiki), Some(path)) => {
                    current?;
                    let wiki = index.names.intern(WikiSlug::parse(wiki)?.as_str());
                    let path = index.names.intern(PagePath::parse(path).ok()?.as_str());
                    links.push(Link::Other { wiki, path });
                }
                _ => return None,
            }
        }
        finish(&mut index, current, &mut links);
        Some(index)
    }
}

/// A page that does not exist and the pages that link to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub path: PagePath,
    /// The first [`WANTED_SOURCES`] linking pages, by name.
    pub linked_from: Vec<PagePath>,
    /// How many pages link to it.
    pub count: usize,
}

/// The linking pages named for each wanted page; the others are counted.
pub const WANTED_SOURCES: usize = 10;

/// The link index of the farm.
pub struct LinkIndex {
    /// Where the index files are.
    dir: PathBuf,
    /// Whether this process writes them (a push hook only reads them).
    write: bool,
    /// Where each wiki's repository is, to catch up a wiki no notice has mentioned yet.
    locations: RwLock<HashMap<WikiSlug, Location>>,
    wikis: RwLock<HashMap<WikiSlug, Arc<Mutex<WikiLinks>>>>,
}

impl LinkIndex {
    /// The index of these wikis, kept in `dir`; read there, and written there when `write`.
    pub fn new(dir: PathBuf, write: bool, wikis: Vec<(WikiSlug, Location)>) -> LinkIndex {
        let index = LinkIndex {
            dir,
            write,
            locations: RwLock::default(),
            wikis: RwLock::default(),
        };
        index.sync(wikis);
        index
    }

    /// The wikis of the farm changed (a new configuration): forget the ones that left.
    pub fn sync(&self, wikis: Vec<(WikiSlug, Location)>) {
        let slugs: HashSet<WikiSlug> = wikis.iter().map(|(slug, _)| slug.clone()).collect();
        self.wikis
            .write()
            .expect("never poisoned")
            .retain(|slug, _| slugs.contains(slug));
        *self.locations.write().expect("never poisoned") = wikis.into_iter().collect();
    }

    fn entry(&self, slug: &WikiSlug) -> Arc<Mutex<WikiLinks>> {
        if let Some(entry) = self.wikis.read().expect("never poisoned").get(slug) {
            return entry.clone();
        }
        self.wikis
            .write()
            .expect("never poisoned")
            .entry(slug.clone())
            .or_insert_with(|| Arc::new(Mutex::new(self.load(slug))))
            .clone()
    }

    fn file(&self, slug: &WikiSlug) -> PathBuf {
        self.dir.join(format!("{slug}.links"))
    }

    /// A wiki's index as its file left it, or an empty one to build from scratch.
    fn load(&self, slug: &WikiSlug) -> WikiLinks {
        match std::fs::read_to_string(self.file(slug)) {
            Ok(text) => WikiLinks::from_text(&text).unwrap_or_else(|| {
                tracing::warn!(wiki = %slug, "the link index file is damaged or of another version; rebuilding it");
                WikiLinks::default()
            }),
            Err(_) => WikiLinks::default(),
        }
    }

    /// Runs `work` on a wiki's links as of `tree`, catching up first.
    fn at<T>(
        &self,
        slug: &WikiSlug,
        repo: &Repo,
        tree: Option<ObjectId>,
        work: impl FnOnce(&WikiLinks) -> T,
    ) -> Result<T> {
        let entry = self.entry(slug);
        let mut links = entry.lock().expect("never poisoned");
        let started = std::time::Instant::now();
        let before = links.pages.len();
        links.catch_up(repo, tree)?;
        if !links.synced {
            links.synced = true;
            tracing::debug!(wiki = %slug, pages = links.pages.len(), before, elapsed = ?started.elapsed(), "link index caught up");
        }
        Ok(work(&links))
    }

    /// Follows a branch move: reads the pages it changed.
    pub fn follow(&self, slug: &WikiSlug, repo: &Repo, to: ObjectId) -> Result<()> {
        let tree = repo.tree_of(to)?;
        self.at(slug, repo, Some(tree), |_| ())
    }

    /// A wiki's links as they are, caught up with its repository if this process never was.
    fn current<T>(&self, slug: &WikiSlug, work: impl FnOnce(&WikiLinks) -> T) -> Result<T> {
        let entry = self.entry(slug);
        let synced = entry.lock().expect("never poisoned").synced;
        if !synced {
            let location = self
                .locations
                .read()
                .expect("never poisoned")
                .get(slug)
                .cloned()
                .ok_or(Error::NotFound)?;
            let repo = location.open()?;
            let tree = repo.head()?.map(|head| head.tree);
            return self.at(slug, &repo, tree, work);
        }
        let links = entry.lock().expect("never poisoned");
        Ok(work(&links))
    }

    /// The tree a wiki's links reflect in this process, without catching up: whether derived
    /// state followed the branch (the farm's health page asks).
    pub fn reflects(&self, slug: &WikiSlug) -> Option<ObjectId> {
        let entry = self
            .wikis
            .read()
            .expect("never poisoned")
            .get(slug)?
            .clone();
        let links = entry.lock().expect("never poisoned");
        links.tree
    }

    /// Catches every wiki up (at start, on a thread of its own).
    pub fn catch_up_all(&self) {
        let slugs: Vec<WikiSlug> = self
            .locations
            .read()
            .expect("never poisoned")
            .keys()
            .cloned()
            .collect();
        let started = std::time::Instant::now();
        let (mut pages, mut bytes) = (0, 0);
        for slug in &slugs {
            match self.current(slug, |links| (links.pages.len(), links.size())) {
                Ok((wiki_pages, wiki_bytes)) => {
                    pages += wiki_pages;
                    bytes += wiki_bytes;
                }
                Err(error) => tracing::warn!(wiki = %slug, %error, "link index not caught up"),
            }
        }
        self.save_changed();
        tracing::info!(wikis = slugs.len(), pages, kib = bytes >> 10, elapsed = ?started.elapsed(), "link index caught up");
    }

    /// Whether page `path` of wiki `slug` exists, as far as the index knows.
    pub fn has_page(&self, slug: &WikiSlug, path: &PagePath) -> bool {
        self.current(slug, |links| {
            links
                .names
                .get(path.as_str())
                .is_some_and(|id| links.pages.contains(&id))
        })
        .unwrap_or(false)
    }

    /// The pages of wiki `slug` (at `tree`) that link to its page `target`: the first `limit`
    /// by name, and how many.
    pub fn links_here(
        &self,
        slug: &WikiSlug,
        repo: &Repo,
        tree: Option<ObjectId>,
        target: &PagePath,
        limit: usize,
    ) -> Result<(Vec<PagePath>, usize)> {
        self.at(slug, repo, tree, |links| {
            let sources = links
                .names
                .get(target.as_str())
                .map_or_else(Vec::new, |id| links.sources_of(id));
            links.first(&sources, limit)
        })
    }

    /// The pages of wiki `slug` (at `tree`) that link to page `target` of wiki `other`: the
    /// first `limit` by name, and how many.
    pub fn links_to_other(
        &self,
        slug: &WikiSlug,
        repo: &Repo,
        tree: Option<ObjectId>,
        other: &WikiSlug,
        target: &PagePath,
        limit: usize,
    ) -> Result<(Vec<PagePath>, usize)> {
        self.at(slug, repo, tree, |links| {
            links.first(
                &links.sources_in_other(other.as_str(), target.as_str()),
                limit,
            )
        })
    }

    /// The pages of wiki `slug`, as the index knows it now, that link to page `target` of wiki
    /// `other`.
    pub fn linking_from(
        &self,
        slug: &WikiSlug,
        other: &WikiSlug,
        target: &PagePath,
    ) -> Result<Vec<PagePath>> {
        self.current(slug, |links| {
            let sources = links.sources_in_other(other.as_str(), target.as_str());
            links.first(&sources, usize::MAX).0
        })
    }

    /// The pages of wiki `slug` (at `tree`) that are linked but do not exist, the most wanted
    /// first (then by name).
    pub fn wanted(
        &self,
        slug: &WikiSlug,
        repo: &Repo,
        tree: Option<ObjectId>,
    ) -> Result<Vec<Wanted>> {
        self.at(slug, repo, tree, |links| {
            let mut wanted: HashMap<u32, Vec<u32>> = HashMap::new();
            for (source, targets) in &links.links {
                for link in targets.iter() {
                    if let Some(target) = links.resolve(*link)
                        && !links.pages.contains(&target)
                    {
                        let from = wanted.entry(target).or_default();
                        if from.last() != Some(source) {
                            from.push(*source);
                        }
                    }
                }
            }
            let mut wanted: Vec<Wanted> = wanted
                .into_iter()
                .map(|(target, mut sources)| {
                    sources.sort_unstable();
                    sources.dedup();
                    let sources = links.in_name_order(sources);
                    let (linked_from, count) = links.first(&sources, WANTED_SOURCES);
                    Wanted {
                        path: links.page_name(target),
                        linked_from,
                        count,
                    }
                })
                .collect();
            wanted.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.path.cmp(&b.path)));
            wanted
        })
    }

    /// The pages of wiki `slug` (at `tree`) that no other page of it links to, by name; the
    /// home pages, reached from the wiki's address, are left out.
    pub fn orphans(
        &self,
        slug: &WikiSlug,
        repo: &Repo,
        tree: Option<ObjectId>,
        homes: &[&str],
    ) -> Result<Vec<PagePath>> {
        self.at(slug, repo, tree, |links| {
            let mut linked = HashSet::new();
            for (source, targets) in &links.links {
                for link in targets.iter() {
                    if let Some(target) = links.resolve(*link)
                        && target != *source
                    {
                        linked.insert(target);
                    }
                }
            }
            let mut orphans: BTreeMap<PagePath, ()> = BTreeMap::new();
            for page in &links.pages {
                let name = links.names.name(*page);
                if !linked.contains(page) && !homes.contains(&name) {
                    orphans.insert(links.page_name(*page), ());
                }
            }
            orphans.into_keys().collect()
        })
    }

    /// The links of page `path` of wiki `slug` (at `tree`) that lead to no page: in its wiki,
    /// `(None, target)`; in another, `(Some(wiki), target)`, for the caller to check.
    pub fn links_of(
        &self,
        slug: &WikiSlug,
        repo: &Repo,
        tree: Option<ObjectId>,
        path: &PagePath,
    ) -> Result<Vec<(Option<WikiSlug>, PagePath)>> {
        self.at(slug, repo, tree, |links| {
            let Some(page) = links.names.get(path.as_str()) else {
                return Vec::new();
            };
            links
                .links
                .get(&page)
                .into_iter()
                .flatten()
                .map(|link| match *link {
                    Link::Other { wiki, path } => (
                        WikiSlug::parse(links.names.name(wiki)),
                        links.page_name(path),
                    ),
                    local => {
                        let target = links.resolve(local).expect("a local link");
                        (None, links.page_name(target))
                    }
                })
                .filter(|(wiki, target)| match wiki {
                    None => !links
                        .pages
                        .contains(&links.names.get(target.as_str()).expect("an interned name")),
                    Some(_) => true,
                })
                .collect()
        })
    }

    /// Writes the index files of the wikis that changed since they were last written.
    pub fn save_changed(&self) {
        if !self.write {
            return;
        }
        let entries: Vec<(WikiSlug, Arc<Mutex<WikiLinks>>)> = self
            .wikis
            .read()
            .expect("never poisoned")
            .iter()
            .map(|(slug, entry)| (slug.clone(), entry.clone()))
            .collect();
        for (slug, entry) in entries {
            let file = self.file(&slug);
            let text = {
                let mut links = entry.lock().expect("never poisoned");
                if !links.dirty {
                    continue;
                }
                links.dirty = false;
                links.to_text()
            };
            if let Err(error) = crate::atomic_file::write(&file, &text) {
                tracing::warn!(wiki = %slug, %error, "the link index could not be written; it will be caught up at the next start");
            }
        }
    }

    /// Writes the changed wikis' files every few seconds, for as long as the index lives.
    pub fn save_on_thread(index: &Arc<LinkIndex>) {
        let weak: Weak<LinkIndex> = Arc::downgrade(index);
        let spawned = std::thread::Builder::new()
            .name("link-index-save".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(SAVE_EVERY);
                    let Some(index) = weak.upgrade() else { return };
                    index.save_changed();
                }
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "the link index will not be written to disk");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derived::tests::{repository, write};

    fn slug(name: &str) -> WikiSlug {
        WikiSlug::parse(name).expect("a slug")
    }

    fn page(name: &str) -> PagePath {
        PagePath::parse(name).expect("a page path")
    }

    fn names(pages: &[PagePath]) -> Vec<&str> {
        pages.iter().map(PagePath::as_str).collect()
    }

    #[test]
    fn an_index_of_a_repository_gone_is_built_anew_for_the_next_of_its_slug() {
        let (dir, old) = repository();
        let w = slug("w");
        let files = dir.path().join("links");
        let index = LinkIndex::new(
            files.clone(),
            true,
            vec![(w.clone(), Location::new(dir.path().join("w.git")))],
        );
        let head = write(&old, &[("A.md", Some("[[Old]]"))], "old");
        let tree = Some(old.tree_of(head).expect("tree"));
        assert_eq!(index.wanted(&w, &old, tree).expect("wanted").len(), 1);
        index.save_changed();
        // The wiki retired and its slug taken by a new one, the file left behind is of a tree
        // the new repository does not have.
        let (new_dir, new) = repository();
        let head = write(&new, &[("B.md", Some("[[New]]"))], "new");
        let tree = Some(new.tree_of(head).expect("tree"));
        let reread = LinkIndex::new(
            files,
            true,
            vec![(w.clone(), Location::new(new_dir.path().join("w.git")))],
        );
        let wanted = reread
            .wanted(&w, &new, tree)
            .expect("caught up from scratch");
        assert_eq!(names(&[wanted[0].path.clone()]), ["New"]);
        assert_eq!(wanted.len(), 1);
    }

    #[test]
    fn the_index_follows_changes_and_reads_back_what_it_wrote() {
        let (dir, repo) = repository();
        let w = slug("w");
        let location = Location::new(dir.path().join("w.git"));
        let index = LinkIndex::new(
            dir.path().join("links"),
            true,
            vec![(w.clone(), location.clone())],
        );
        let head = write(
            &repo,
            &[
                (
                    "Home.md",
                    Some("[[A]] [[Guides/B]] [[Nope]] [[x:Y]] [[lakou:Charte]]"),
                ),
                ("A.md", Some("[[Nope]] [[A]]")),
                ("Guides/B.md", Some("[[C]] [up](../Home.md)")),
                ("Guides/C.md", Some("alone")),
                ("Lonely.md", Some("[[Lonely]]")),
            ],
            "pages",
        );
        let tree = Some(repo.tree_of(head).expect("tree"));
        let here = |target| {
            index
                .links_here(&w, &repo, tree, &page(target), usize::MAX)
                .expect("links")
                .0
        };
        assert_eq!(
            names(&here("A")),
            ["Home"],
            "a page's link to itself is left out"
        );
        // `[[C]]` from Guides/B means Guides/C, which exists.
        assert_eq!(names(&here("Guides/C")), ["Guides/B"]);
        assert_eq!(names(&here("Home")), ["Guides/B"]);
        let wanted = index.wanted(&w, &repo, tree).expect("wanted");
        assert_eq!(
            wanted,
            [Wanted {
                path: page("Nope"),
                linked_from: vec![page("A"), page("Home")],
                count: 2,
            }]
        );
        let orphans = index.orphans(&w, &repo, tree, &["Home"]).expect("orphans");
        assert_eq!(names(&orphans), ["Lonely"]);
        let other = index
            .links_to_other(&w, &repo, tree, &slug("lakou"), &page("Charte"), 10)
            .expect("links")
            .0;
        assert_eq!(names(&other), ["Home"]);

        // Deleting Guides/C: `[[C]]` now means the root's C, which is wanted.
        let head = write(&repo, &[("Guides/C.md", None)], "gone");
        index.follow(&w, &repo, head).expect("follow");
        index.save_changed();
        let tree = Some(repo.tree_of(head).expect("tree"));
        let wanted = index.wanted(&w, &repo, tree).expect("wanted");
        assert_eq!(
            wanted.iter().map(|w| w.path.as_str()).collect::<Vec<_>>(),
            ["Nope", "C"]
        );

        // A new process reads the file back and answers the same.
        let again = LinkIndex::new(dir.path().join("links"), false, vec![(w.clone(), location)]);
        assert_eq!(again.wanted(&w, &repo, tree).expect("wanted"), wanted);
        assert!(again.has_page(&w, &page("Guides/B")));
        assert!(!again.has_page(&w, &page("Guides/C")));

        // A damaged file is rebuilt from git.
        std::fs::write(
            dir.path().join("links/w.links"),
            "konbit-links 1\nP\tA\nL\t\t../x\n",
        )
        .expect("write");
        let rebuilt = LinkIndex::new(
            dir.path().join("links"),
            false,
            vec![(w.clone(), Location::new(dir.path().join("w.git")))],
        );
        assert_eq!(rebuilt.wanted(&w, &repo, tree).expect("wanted"), wanted);
    }

    #[test]
    fn ten_thousand_links_on_one_page() {
        let (dir, repo) = repository();
        let w = slug("w");
        let location = Location::new(dir.path().join("w.git"));
        let index = LinkIndex::new(dir.path().join("links"), true, vec![(w.clone(), location)]);
        let text: String = (0..10_000).map(|i| format!("[[P{i}]] [[P{i}]] ")).collect();
        let head = write(&repo, &[("Many.md", Some(&text))], "many");
        let tree = Some(repo.tree_of(head).expect("tree"));
        let wanted = index.wanted(&w, &repo, tree).expect("wanted");
        assert_eq!(wanted.len(), 10_000);
        assert!(wanted.iter().all(|w| names(&w.linked_from) == ["Many"]));
    }
}
