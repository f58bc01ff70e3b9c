//! What a wiki's tree may hold: the one rule set that every change is judged by, whoever makes
//! it (a browser save, a rename, an upload, a `git push`).
//!
//! It defines which files are pages ([`page_of_file`]), classifies a tree's files into a
//! [`Listing`], and takes a proposed change to a listing and answers with a typed [`Refusal`]
//! when the change breaks a rule. It knows nothing of git, HTTP or languages: a refusal says
//! what is wrong as data, and the interface puts it in the person's words.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::atomic::{AtomicU64, Ordering};

use unicode_normalization::UnicodeNormalization;

use crate::object_id::ObjectId;
use crate::page_path::{PagePath, PathError};

/// Names tried, in order, for a wiki's home page.
pub const HOME_PAGES: [&str; 3] = ["Home", "Accueil", "index"];

/// The extension of page files. A page file is `Name.md`, whatever the letter case of `md`, so
/// that `Notes.MD` pushed from another system is a page too.
const PAGE_EXTENSION: &str = "md";

/// The page path part of a page file's path (`"Guides/Un.md"` → `"Guides/Un"`), or `None` when
/// the file is an attachment. The one definition of "is a page file".
pub fn page_of_file(path: &str) -> Option<&str> {
    let (stem, extension) = path.rsplit_once('.')?;
    let is_page =
        extension.eq_ignore_ascii_case(PAGE_EXTENSION) && !stem.is_empty() && !stem.ends_with('/');
    is_page.then_some(stem)
}

/// Every file of a tree, sorted: pages by page path, the others as attachments. Keys are in NFC;
/// values are the paths as stored, which a push from another system may have left in another
/// normalisation or letter case. Files whose names konbit cannot serve are left out.
#[derive(Debug, Default, Clone)]
pub struct Listing {
    pub pages: BTreeMap<PagePath, String>,
    pub files: BTreeMap<PagePath, String>,
    /// Names this listing's set of pages: two listings with the same number have the same
    /// pages (their texts may differ), so renders that only depend on which pages exist can be
    /// shared between them.
    page_set: u64,
}

/// Numbers for sets of pages; 0 is the empty listing's.
static NEXT_PAGE_SET: AtomicU64 = AtomicU64::new(1);

impl Listing {
    /// The listing of these stored paths.
    pub fn of_files<'a>(paths: impl IntoIterator<Item = &'a str>) -> Listing {
        let mut listing = Listing::default();
        for path in paths {
            listing.insert(path);
        }
        listing.page_set = NEXT_PAGE_SET.fetch_add(1, Ordering::Relaxed);
        listing
    }

    /// This listing with some files added (`true`) or removed (`false`).
    pub fn with_changes<'a>(&self, changes: impl IntoIterator<Item = (&'a str, bool)>) -> Listing {
        let mut listing = self.clone();
        let mut pages_changed = false;
        for (path, present) in changes {
            let before = listing.pages.len();
            if present {
                listing.insert(path);
            } else {
                listing.remove(path);
            }
            pages_changed |= listing.pages.len() != before;
        }
        if pages_changed {
            listing.page_set = NEXT_PAGE_SET.fetch_add(1, Ordering::Relaxed);
        }
        listing
    }

    /// The number of this listing's set of pages (see the field).
    pub fn page_set(&self) -> u64 {
        self.page_set
    }

    /// Rough memory size, for bounding caches.
    pub fn size(&self) -> usize {
        self.pages
            .iter()
            .chain(&self.files)
            .map(|(k, v)| k.as_str().len() + v.len() + 64)
            .sum()
    }

    fn classify(stored: &str) -> Option<(bool, PagePath)> {
        let normalized: String = stored.nfc().collect();
        match page_of_file(&normalized) {
            Some(page) => PagePath::parse(page).ok().map(|path| (true, path)),
            None => PagePath::parse(&normalized).ok().map(|path| (false, path)),
        }
    }

    fn insert(&mut self, stored: &str) {
        match Self::classify(stored) {
            Some((true, path)) => {
                self.pages.insert(path, stored.to_owned());
            }
            Some((false, path)) => {
                self.files.insert(path, stored.to_owned());
            }
            None => {}
        }
    }

    fn remove(&mut self, stored: &str) {
        match Self::classify(stored) {
            Some((true, path)) => {
                self.pages.remove(&path);
            }
            Some((false, path)) => {
                self.files.remove(&path);
            }
            None => {}
        }
    }

    /// An existing page whose name equals `path` but for letter case.
    pub fn case_clash(&self, path: &PagePath) -> Option<&PagePath> {
        let wanted = path.as_str().to_lowercase();
        self.pages
            .keys()
            .find(|existing| *existing != path && existing.as_str().to_lowercase() == wanted)
    }

    /// Whether some page or attachment lives inside the folder `path`.
    fn is_folder(&self, path: &str) -> bool {
        let prefix = format!("{path}/");
        let under = |map: &BTreeMap<PagePath, String>| {
            map.range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
                .next()
                .is_some_and(|(key, _)| key.as_str().starts_with(&prefix))
        };
        under(&self.pages) || under(&self.files)
    }

    /// Whether a file (page or attachment) is stored at exactly `stored`.
    fn is_file(&self, stored: &str) -> bool {
        match Self::classify(stored) {
            Some((true, path)) => self.pages.get(&path).is_some_and(|s| s == stored),
            Some((false, path)) => self.files.contains_key(&path),
            None => false,
        }
    }
}

/// The farm's limits on what a change may hold.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest page, in bytes of Markdown.
    pub max_page_bytes: usize,
    /// Largest attachment, in bytes.
    pub max_file_bytes: usize,
}

/// One file of a proposed change: written with these bytes, or removed. Paths are as they will
/// be stored (`Guides/Un.md`, `images/logo.png`).
#[derive(Debug)]
pub enum Change {
    Put(String, Vec<u8>),
    Delete(String),
}

impl Change {
    pub fn path(&self) -> &str {
        match self {
            Change::Put(path, _) | Change::Delete(path) => path,
        }
    }
}

/// Why a change was refused: each variant is something the person can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A name no wiki may hold.
    Name { path: String, why: PathError },
    /// A Markdown file offered as an attachment: pages are made with the editor.
    PageAsAttachment { path: String },
    /// A page whose Markdown is not UTF-8 text.
    PageNotText { path: String },
    PageTooLarge {
        path: String,
        bytes: usize,
        limit: usize,
    },
    FileTooLarge {
        path: String,
        bytes: usize,
        limit: usize,
    },
    /// A file where a folder of that name holds other files (or a folder where a file is):
    /// writing it would delete them.
    FolderTaken { path: String },
    /// A new page beside an existing one whose name differs only by letter case.
    CaseClash { path: PagePath, existing: PagePath },
    /// A page moved onto one that exists.
    PageExists { path: PagePath },
    /// A name whose letters are not in their composed Unicode form (NFC), as some systems
    /// write them: the same name would then exist twice.
    NotNormalized { path: String },
    /// A symbolic link or a submodule: a wiki holds pages and files only.
    NotAFile { path: String },
    /// More bytes of files than one change may bring.
    ChangeTooLarge { bytes: usize, limit: usize },
}

/// Why a `git push` is refused: a rule about refs, or a commit that breaks a rule above.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushRefusal {
    /// Only the wiki's branch may be updated.
    OtherRef { name: String, branch: String },
    /// The branch may not be deleted.
    Deletion { branch: String },
    /// The push does not contain the branch as it is: someone changed the wiki meanwhile.
    NotFastForward { branch: String },
    /// A commit breaks a rule of what a wiki may hold.
    Change {
        commit: ObjectId,
        subject: String,
        refusal: Refusal,
    },
}

/// Judges a change to the files of `listing`: the first rule it breaks, or `Ok`.
pub fn check(listing: &Listing, changes: &[Change], limits: Limits) -> Result<(), Refusal> {
    let removed: Vec<&str> = changes
        .iter()
        .filter_map(|change| match change {
            Change::Delete(path) => Some(path.as_str()),
            Change::Put(..) => None,
        })
        .collect();
    let after = listing.with_changes(removed.iter().map(|path| (*path, false)));
    // Letter-case clashes are looked up in a map made once for the whole change: a push of a
    // thousand pages must not compare each with every page of the wiki.
    let mut lowercase: Option<HashMap<String, &PagePath>> = None;
    for change in changes {
        let Change::Put(stored, bytes) = change else {
            continue;
        };
        let normalized: String = stored.nfc().collect();
        // The one name check, on the page's name and on every segment of the stored path: a
        // name git would read as its own, anywhere in a tree, never enters one.
        let name = page_of_file(&normalized).unwrap_or(&normalized);
        let refused = |why| Refusal::Name {
            path: stored.clone(),
            why,
        };
        let path = PagePath::parse(name).map_err(refused)?;
        if name != normalized {
            PagePath::parse(&normalized).map_err(refused)?;
        }
        if normalized != *stored {
            return Err(Refusal::NotNormalized {
                path: stored.clone(),
            });
        }
        if page_of_file(&normalized).is_some() {
            if std::str::from_utf8(bytes).is_err() {
                return Err(Refusal::PageNotText {
                    path: stored.clone(),
                });
            }
            if bytes.len() > limits.max_page_bytes {
                return Err(Refusal::PageTooLarge {
                    path: stored.clone(),
                    bytes: bytes.len(),
                    limit: limits.max_page_bytes,
                });
            }
            if !after.pages.contains_key(&path) {
                let lowercase = lowercase.get_or_insert_with(|| {
                    after
                        .pages
                        .keys()
                        .map(|page| (page.as_str().to_lowercase(), page))
                        .collect()
                });
                if let Some(existing) = lowercase.get(&path.as_str().to_lowercase()) {
                    return Err(Refusal::CaseClash {
                        path,
                        existing: (*existing).clone(),
                    });
                }
            }
        } else if bytes.len() > limits.max_file_bytes {
            return Err(Refusal::FileTooLarge {
                path: stored.clone(),
                bytes: bytes.len(),
                limit: limits.max_file_bytes,
            });
        }
        // A file over a folder, or a folder through a file, would delete what is there.
        if after.is_folder(&normalized) {
            return Err(Refusal::FolderTaken {
                path: stored.clone(),
            });
        }
        let mut folder = normalized.as_str();
        while let Some((parent, _)) = folder.rsplit_once('/') {
            if after.is_file(parent) {
                return Err(Refusal::FolderTaken {
                    path: parent.to_owned(),
                });
            }
            folder = parent;
        }
    }
    Ok(())
}

/// The rule for uploads: an attachment's name must not be a page file's.
pub fn check_attachment_name(path: &PagePath) -> Result<(), Refusal> {
    match page_of_file(path.as_str()) {
        Some(_) => Err(Refusal::PageAsAttachment {
            path: path.as_str().to_owned(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_page_bytes: 100,
        max_file_bytes: 1000,
    };

    fn listing() -> Listing {
        Listing::of_files([
            "Home.md",
            "Guides/Un.md",
            "Notes.MD",
            "images/logo.png",
            "doc.txt",
        ])
    }

    fn put(path: &str, bytes: &[u8]) -> Change {
        Change::Put(path.to_owned(), bytes.to_vec())
    }

    #[test]
    fn one_definition_of_a_page_file() {
        for (path, page) in [
            ("Home.md", Some("Home")),
            ("Notes.MD", Some("Notes")),
            ("Guides/Un.Md", Some("Guides/Un")),
            ("doc.txt", None),
            (".md", None),
            ("a/.md", None),
            ("md", None),
            ("archive.md.gz", None),
        ] {
            assert_eq!(page_of_file(path), page, "{path}");
        }
        let listing = listing();
        let pages: Vec<&str> = listing.pages.keys().map(PagePath::as_str).collect();
        let files: Vec<&str> = listing.files.keys().map(PagePath::as_str).collect();
        assert_eq!(pages, ["Guides/Un", "Home", "Notes"]);
        assert_eq!(files, ["doc.txt", "images/logo.png"]);
        assert_eq!(
            listing.pages[&PagePath::parse("Notes").expect("valid")],
            "Notes.MD"
        );
    }

    /// Each proposed change and the refusal it gets (`None`: accepted).
    #[test]
    fn the_rule_set() {
        let bad_name = |path: &str, why| {
            Some(Refusal::Name {
                path: path.to_owned(),
                why,
            })
        };
        let page = |p: &str| PagePath::parse(p).expect("valid");
        let cases: Vec<(Vec<Change>, Option<Refusal>)> = vec![
            (vec![put("Nouvelle.md", b"# N\n")], None),
            (vec![put("Home.md", b"changed\n")], None),
            (vec![put("images/other.png", &[0xff; 10])], None),
            (
                vec![put("_x.md", b"")],
                bad_name("_x.md", PathError::Reserved),
            ),
            (
                vec![put("a/../b.md", b"")],
                bad_name("a/../b.md", PathError::DotSegment),
            ),
            (
                vec![put("a\u{1}.md", b"")],
                bad_name("a\u{1}.md", PathError::ControlCharacter),
            ),
            (
                vec![put("Bad.md", &[0xff, 0xfe])],
                Some(Refusal::PageNotText {
                    path: "Bad.md".into(),
                }),
            ),
            (
                vec![put("Big.md", &[b'a'; 101])],
                Some(Refusal::PageTooLarge {
                    path: "Big.md".into(),
                    bytes: 101,
                    limit: 100,
                }),
            ),
            (vec![put("Fits.md", &[b'a'; 100])], None),
            (
                vec![put("big.bin", &[0; 1001])],
                Some(Refusal::FileTooLarge {
                    path: "big.bin".into(),
                    bytes: 1001,
                    limit: 1000,
                }),
            ),
            (
                vec![put("home.md", b"x")],
                Some(Refusal::CaseClash {
                    path: page("home"),
                    existing: page("Home"),
                }),
            ),
            // The clash is gone when the other page leaves in the same change (a rename).
            (
                vec![put("home.md", b"x"), Change::Delete("Home.md".into())],
                None,
            ),
            (
                vec![put("images", b"x")],
                Some(Refusal::FolderTaken {
                    path: "images".into(),
                }),
            ),
            (
                vec![put("doc.txt/inside.md", b"x")],
                Some(Refusal::FolderTaken {
                    path: "doc.txt".into(),
                }),
            ),
            (
                vec![
                    put("doc.txt/inside.md", b"x"),
                    Change::Delete("doc.txt".into()),
                ],
                None,
            ),
            (
                vec![put("Home.md/picture.png", b"x")],
                Some(Refusal::FolderTaken {
                    path: "Home.md".into(),
                }),
            ),
            (vec![Change::Delete("Home.md".into())], None),
            (
                vec![put("Cafe\u{301}.md", b"x")],
                Some(Refusal::NotNormalized {
                    path: "Cafe\u{301}.md".into(),
                }),
            ),
            (vec![put("Caf\u{e9}.md", b"x")], None),
            // Names git reads as its own, in any folder, pages or not (as a push brings them).
            (
                vec![put(".g\u{200c}it/config", b"x")],
                bad_name(".g\u{200c}it/config", PathError::GitDirectory),
            ),
            (
                vec![put("Guides/GIT~1/Page.md", b"x")],
                bad_name("Guides/GIT~1/Page.md", PathError::GitDirectory),
            ),
            (
                vec![put(".gitattributes", b"* filter=x")],
                bad_name(".gitattributes", PathError::GitFile),
            ),
            (
                vec![put("Guides/.gitmodules", b"x")],
                bad_name("Guides/.gitmodules", PathError::GitFile),
            ),
            (
                vec![put("docs/\u{202e}gpj.exe", b"x")],
                bad_name("docs/\u{202e}gpj.exe", PathError::FormatCharacter),
            ),
            (
                vec![put("images/a:b.png", b"x")],
                bad_name("images/a:b.png", PathError::Colon),
            ),
            // Removing such a file is how a wiki gets rid of it.
            (vec![Change::Delete(".gitattributes".into())], None),
        ];
        let listing = listing();
        for (changes, expected) in cases {
            assert_eq!(
                check(&listing, &changes, LIMITS).err(),
                expected,
                "{changes:?}"
            );
        }
    }

    #[test]
    fn the_set_of_pages_changes_only_when_pages_come_or_go() {
        let listing = listing();
        let edited = listing.with_changes([("Home.md", true), ("doc.txt", false)]);
        assert_eq!(
            edited.page_set(),
            listing.page_set(),
            "an edit and an attachment"
        );
        let added = listing.with_changes([("New.md", true)]);
        let removed = listing.with_changes([("Home.md", false)]);
        assert_ne!(added.page_set(), listing.page_set());
        assert_ne!(removed.page_set(), listing.page_set());
        assert_ne!(added.page_set(), removed.page_set());
    }

    #[test]
    fn markdown_is_not_an_attachment() {
        for (name, refused) in [("notes.md", true), ("NOTES.MD", true), ("notes.txt", false)] {
            let path = PagePath::parse(name).expect("valid");
            assert_eq!(check_attachment_name(&path).is_err(), refused, "{name}");
        }
    }
}
