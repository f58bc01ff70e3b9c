//! Page paths, file paths and wiki slugs: parsed once at the edge, trusted everywhere after.
//!
//! This module knows nothing of HTTP or git's library; it only decides which names are
//! acceptable and in which form (Unicode NFC) they are stored. It is the one name check of the
//! farm: pages, attachments, renames and every file of a push go through [`PagePath::parse`].
//!
//! A name is refused when git itself would refuse it or read it as its own on some system (git's
//! `core.protectHFS` and `core.protectNTFS`): a segment that is `.git` once HFS+ has dropped the
//! code points it ignores ([`hfs_fold`]) or once NTFS has dropped trailing dots, spaces and a
//! stream name ([`ntfs_fold`]), their short names (`GIT~1`), and git's own files (`.gitmodules`,
//! `.gitattributes`, any `.git…`, `.mailmap`, `GITMOD~1`). Invisible Unicode format characters
//! (general category Cf: zero-width characters, bidirectional overrides) are refused too, so
//! that a name always displays as what it is.

use std::fmt::{self, Write as _};

use percent_encoding::percent_decode_str;
use unicode_normalization::UnicodeNormalization;

/// Longest accepted path, in bytes, and longest accepted segment.
const MAX_PATH_BYTES: usize = 1024;
const MAX_SEGMENT_BYTES: usize = 255;

/// Why a name was refused. Each variant is something a person can fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathError {
    Empty,
    TooLong,
    BadEncoding,
    DotSegment,
    ControlCharacter,
    Reserved,
    /// A segment git reads as its own folder `.git` on some file system (`.git.`, `GIT~1`,
    /// `.g\u{200c}it`).
    GitDirectory,
    /// A segment naming one of git's own files (`.gitmodules`, `.gitattributes`, any `.git…`,
    /// `.mailmap`) on some file system, or their NTFS short names (`GITMOD~1`).
    GitFile,
    EmptySegment,
    Backslash,
    /// An invisible format character (Unicode general category Cf: zero-width characters,
    /// bidirectional overrides and isolates) that would make the name display as another.
    FormatCharacter,
    /// A ':', which names an alternate data stream on NTFS (`.git::$INDEX_ALLOCATION`).
    Colon,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PathError::Empty => "the name is empty",
            PathError::TooLong => "the name is too long",
            PathError::BadEncoding => "the address is not valid percent-encoded UTF-8",
            PathError::DotSegment => "a name may not contain '.' or '..' segments",
            PathError::ControlCharacter => "a name may not contain control characters",
            PathError::Reserved => "names beginning with '_' are reserved",
            PathError::GitDirectory => "git reads this name as its '.git' folder",
            PathError::GitFile => "this is the name of one of git's own files",
            PathError::EmptySegment => "a name may not contain an empty segment ('//')",
            PathError::Backslash => "a name may not contain '\\'",
            PathError::FormatCharacter => "a name may not contain invisible format characters",
            PathError::Colon => "a name may not contain ':'",
        })
    }
}

impl std::error::Error for PathError {}

/// A validated path inside a wiki repository, without the `.md` of pages: segments joined by
/// `/`, in NFC, none empty, reserved or escaping the root.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PagePath(String);

impl PagePath {
    /// Parses a decoded path (as typed or as found in a repository).
    pub fn parse(raw: &str) -> Result<Self, PathError> {
        let normalized: String = raw.nfc().collect();
        validate(&normalized)?;
        Ok(PagePath(normalized))
    }

    /// Parses a percent-encoded path taken from a URL.
    pub fn from_url(encoded: &str) -> Result<Self, PathError> {
        Self::parse(&decode_url(encoded)?)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The file of the page in the repository.
    pub fn file_name(&self) -> String {
        format!("{}.md", self.0)
    }

    /// The folder holding the page, "" at the root.
    pub fn folder(&self) -> &str {
        self.0.rsplit_once('/').map_or("", |(folder, _)| folder)
    }

    /// The last segment: the page's own name.
    pub fn name(&self) -> &str {
        self.0.rsplit_once('/').map_or(&self.0, |(_, name)| name)
    }
}

/// Maps keyed by page path can be searched by a plain string (a folder prefix, say): the order
/// of page paths is the order of their text.
impl std::borrow::Borrow<str> for PagePath {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PagePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Decodes a URL path component, refusing invalid escapes and invalid UTF-8.
pub fn decode_url(encoded: &str) -> Result<String, PathError> {
    // `percent_decode_str` passes malformed escapes through unchanged; a '%' not followed by two
    // hex digits is refused here so that `%zz` never silently names a page called "%zz".
    let bytes = encoded.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'%'
            && !(i + 2 < bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit())
        {
            return Err(PathError::BadEncoding);
        }
    }
    percent_decode_str(encoded)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| PathError::BadEncoding)
}

fn validate(path: &str) -> Result<(), PathError> {
    if path.is_empty() {
        return Err(PathError::Empty);
    }
    if path.len() > MAX_PATH_BYTES {
        return Err(PathError::TooLong);
    }
    if path.chars().any(char::is_control) {
        return Err(PathError::ControlCharacter);
    }
    if path.contains('\\') {
        return Err(PathError::Backslash);
    }
    for segment in path.split('/') {
        if segment.is_empty() {
            return Err(PathError::EmptySegment);
        }
        if segment.len() > MAX_SEGMENT_BYTES {
            return Err(PathError::TooLong);
        }
        if segment == "." || segment == ".." {
            return Err(PathError::DotSegment);
        }
        if segment.starts_with('_') {
            return Err(PathError::Reserved);
        }
        if let Some(why) = git_name(segment) {
            return Err(why);
        }
        if segment.chars().any(is_format_character) {
            return Err(PathError::FormatCharacter);
        }
        if segment.contains(':') {
            return Err(PathError::Colon);
        }
    }
    Ok(())
}

/// The code points HFS+ ignores when it compares names (git's list in `utf8.c`): a segment
/// `.g\u{200c}it` opens the folder `.git` on a Mac.
fn is_hfs_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{206a}'..='\u{206f}' | '\u{feff}'
    )
}

/// A segment as HFS+ compares it: without the code points it ignores, in lower case.
pub fn hfs_fold(segment: &str) -> String {
    segment
        .chars()
        .filter(|c| !is_hfs_ignorable(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A segment as NTFS opens it: without a stream name (`:…`), without trailing dots and
/// spaces, in lower case. `.git::$INDEX_ALLOCATION`, `.git.` and `.GIT ` all open `.git`.
pub fn ntfs_fold(segment: &str) -> String {
    let file = segment.split_once(':').map_or(segment, |(file, _)| file);
    file.trim_end_matches(['.', ' ']).to_lowercase()
}

/// git's own files, with the first letters of the hashed NTFS short names Windows may give
/// them (`GI7EBA~1` for `.gitmodules`), as git itself lists them in `path.c`.
const GIT_FILES: [(&str, &str); 4] = [
    ("gitmodules", "gi7eba"),
    ("gitattributes", "gi7d29"),
    ("gitignore", "gi250a"),
    ("mailmap", "maba30"),
];

/// Whether `folded` has the shape of an NTFS short name (`HEAD~N`, at most eight characters,
/// the head at most six) whose head is `stem` cut to six letters or the start of `hashed`.
fn is_short_name(folded: &str, stem: &str, hashed: &str) -> bool {
    let Some((head, number)) = folded.split_once('~') else {
        return false;
    };
    let shaped = !head.is_empty()
        && head.len() <= 6
        && head.len() + 1 + number.len() <= 8
        && number.bytes().all(|b| b.is_ascii_digit())
        && number.bytes().next().is_some_and(|b| b != b'0');
    let short_stem = stem.get(..6).unwrap_or(stem);
    shaped && (head == short_stem || (!hashed.is_empty() && hashed.starts_with(head)))
}

/// Whether git reads `segment` as its own folder or one of its own files on HFS+ or NTFS.
fn git_name(segment: &str) -> Option<PathError> {
    let folded = ntfs_fold(&hfs_fold(segment));
    if folded == ".git" || is_short_name(&folded, "git", "") {
        return Some(PathError::GitDirectory);
    }
    let git_file = folded.starts_with(".git")
        || GIT_FILES.iter().any(|(name, hashed)| {
            folded.strip_prefix('.') == Some(*name) || is_short_name(&folded, name, hashed)
        });
    git_file.then_some(PathError::GitFile)
}

/// Unicode's format characters (general category Cf, Unicode 15): invisible, they change how
/// the text around them is shown (zero-width spaces and joiners, bidirectional overrides and
/// isolates, the byte-order mark, tags).
const FORMAT_CHARACTERS: [(char, char); 21] = [
    ('\u{ad}', '\u{ad}'),
    ('\u{600}', '\u{605}'),
    ('\u{61c}', '\u{61c}'),
    ('\u{6dd}', '\u{6dd}'),
    ('\u{70f}', '\u{70f}'),
    ('\u{890}', '\u{891}'),
    ('\u{8e2}', '\u{8e2}'),
    ('\u{180e}', '\u{180e}'),
    ('\u{200b}', '\u{200f}'),
    ('\u{202a}', '\u{202e}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206f}'),
    ('\u{feff}', '\u{feff}'),
    ('\u{fff9}', '\u{fffb}'),
    ('\u{110bd}', '\u{110bd}'),
    ('\u{110cd}', '\u{110cd}'),
    ('\u{13430}', '\u{1343f}'),
    ('\u{1bca0}', '\u{1bca3}'),
    ('\u{1d173}', '\u{1d17a}'),
    ('\u{e0001}', '\u{e0001}'),
    ('\u{e0020}', '\u{e007f}'),
];

/// Whether `c` is a Unicode format character (general category Cf).
pub fn is_format_character(c: char) -> bool {
    FORMAT_CHARACTERS
        .iter()
        .any(|(first, last)| (*first..=*last).contains(&c))
}

/// A name as it may be shown in a message: control and format characters written as
/// `<U+202E>`, so that a refused name cannot display as another one.
pub fn shown(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_control() || is_format_character(c) {
            // Writing to a String cannot fail.
            let _ = write!(out, "<U+{:04X}>", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// A wiki's slug: lower-case ASCII letters, digits and '-', 1 to 63 characters, starting with a
/// letter or digit. It is a URL segment, a folder name and a search filter at once.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WikiSlug(String);

impl WikiSlug {
    pub fn parse(raw: &str) -> Option<Self> {
        let valid = (1..=63).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && raw.as_bytes()[0] != b'-';
        valid.then(|| WikiSlug(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WikiSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str, expected: Result<&str, PathError>) {
        let got = PagePath::from_url(url);
        assert_eq!(
            got.as_ref().map(PagePath::as_str).map_err(|e| *e),
            expected,
            "{url}"
        );
    }

    #[test]
    fn page_paths() {
        check("Home", Ok("Home"));
        check("Guides/Premiers%20pas", Ok("Guides/Premiers pas"));
        // "Café" typed with a combining accent is the same page as the precomposed one.
        check("Cafe%CC%81", Ok("Caf\u{e9}"));
        check("Caf%C3%A9", Ok("Caf\u{e9}"));
        check("", Err(PathError::Empty));
        check("a/../b", Err(PathError::DotSegment));
        check("..", Err(PathError::DotSegment));
        check("a/./b", Err(PathError::DotSegment));
        check("a%00b", Err(PathError::ControlCharacter));
        check("a%0Ab", Err(PathError::ControlCharacter));
        check("a%7Fb", Err(PathError::ControlCharacter));
        check("_raw", Err(PathError::Reserved));
        check("a/_b", Err(PathError::Reserved));
        check(".git/config", Err(PathError::GitDirectory));
        check("x/.GiT", Err(PathError::GitDirectory));
        check("a%zz", Err(PathError::BadEncoding));
        check("a%", Err(PathError::BadEncoding));
        check("a%C3", Err(PathError::BadEncoding));
        check("%FF", Err(PathError::BadEncoding));
        check("a//b", Err(PathError::EmptySegment));
        check("a/", Err(PathError::EmptySegment));
        check("a%5Cb", Err(PathError::Backslash));
        check(&"x".repeat(300), Err(PathError::TooLong));
    }

    #[test]
    fn names_git_reads_as_its_own_folder() {
        for name in [
            ".git",
            ".GIT",
            // HFS+ ignores these code points.
            ".g\u{200c}it",
            "\u{200e}.git",
            ".gi\u{200d}t",
            "\u{feff}.git",
            ".git\u{202e}",
            "\u{206a}.G\u{206f}IT",
            // NTFS drops trailing dots and spaces and reads a stream of the folder.
            ".git.",
            ".git ",
            ".git. . ",
            ".git::$INDEX_ALLOCATION",
            ".git:$DATA",
            "GIT~1",
            "git~1",
            "git~2.",
            "Git~1::$INDEX_ALLOCATION",
        ] {
            for path in [
                name.to_owned(),
                format!("{name}/config"),
                format!("a/{name}/b"),
            ] {
                assert_eq!(
                    PagePath::parse(&path),
                    Err(PathError::GitDirectory),
                    "{path:?}"
                );
            }
        }
    }

    #[test]
    fn names_of_gits_own_files() {
        for name in [
            ".gitmodules",
            ".GitModules",
            ".gitattributes",
            ".GitAttributes",
            ".gitignore",
            ".gitkeep",
            ".git-blame-ignore-revs",
            ".mailmap",
            ".MailMap. ",
            ".gitmodules::$DATA",
            ".git\u{200c}modules",
            "\u{200e}.gitattributes",
            ".gitmodules.",
            "GITMOD~1",
            "gitmod~4",
            "GITATT~1",
            "gitign~1",
            "MAILMA~1",
            "GI7EBA~1",
            "gi7eba~9",
            "GI7EB~12",
            "gi7d29~1",
            "GI250A~1",
            "MABA30~1",
            "gitmod~1 .",
        ] {
            for path in [name.to_owned(), format!("dossier/{name}")] {
                assert_eq!(PagePath::parse(&path), Err(PathError::GitFile), "{path:?}");
            }
        }
    }

    #[test]
    fn names_near_gits_own_are_pages() {
        for name in [
            "git",
            "Git et moi",
            "github",
            "a.git",
            "Notes.gitmodules",
            "mailmap",
            "Git~ce que c'est",
            "GITMOD~0",
            "gitmod~1x",
            "GITMODU~1",
            "Projet~1",
            "gitmod-1",
            "Pourquoi ?",
            "Notes etc.",
            "Café crème",
            "עברית",
            "العربية",
            "日本語",
        ] {
            assert!(PagePath::parse(name).is_ok(), "{name:?}");
        }
    }

    #[test]
    fn hfs_and_ntfs_folds() {
        assert_eq!(hfs_fold(".G\u{200c}i\u{200f}T"), ".git");
        assert_eq!(hfs_fold("\u{feff}A\u{202a}b\u{206d}"), "ab");
        // Not every invisible character is one HFS+ ignores.
        assert_eq!(hfs_fold(".g\u{200b}it"), ".g\u{200b}it");
        assert_eq!(ntfs_fold(".GIT. . "), ".git");
        assert_eq!(ntfs_fold(".git::$INDEX_ALLOCATION"), ".git");
        assert_eq!(ntfs_fold("a b:c"), "a b");
        assert_eq!(ntfs_fold(". .git"), ". .git");
        assert_eq!(ntfs_fold("Notes"), "notes");
    }

    #[test]
    fn format_characters_and_colons() {
        for name in [
            "\u{202e}txt.exe",
            "a\u{200b}b",
            "Accueil\u{2066}",
            "x\u{feff}",
            "doc\u{ad}ument",
            "drapeau\u{e0067}",
            "a/b\u{200d}c",
            // Not ignored by HFS+, so not `.git` to git, but invisible all the same.
            "\u{200b}.git",
        ] {
            assert_eq!(
                PagePath::parse(name),
                Err(PathError::FormatCharacter),
                "{name:?}"
            );
        }
        for name in ["a:b", "Notes:$DATA", "C:/x", "x/y:z.png"] {
            assert_eq!(PagePath::parse(name), Err(PathError::Colon), "{name:?}");
        }
        // Letters and marks of other scripts are not format characters.
        for c in [
            'a', 'é', '\u{301}', '\u{5d0}', '\u{627}', '\u{200a}', '\u{2065}',
        ] {
            assert!(!is_format_character(c), "{c:?}");
        }
    }

    #[test]
    fn refused_names_are_shown_with_their_invisible_characters_spelled_out() {
        assert_eq!(shown("\u{202e}txt.exe"), "<U+202E>txt.exe");
        assert_eq!(shown(".g\u{200c}it/a\u{1}"), ".g<U+200C>it/a<U+0001>");
        assert_eq!(shown("Café"), "Café");
    }

    #[test]
    fn page_path_parts() {
        let path = PagePath::parse("Guides/Premiers pas").expect("valid");
        assert_eq!(path.folder(), "Guides");
        assert_eq!(path.name(), "Premiers pas");
        assert_eq!(path.file_name(), "Guides/Premiers pas.md");
        let root = PagePath::parse("Home").expect("valid");
        assert_eq!(root.folder(), "");
        assert_eq!(root.name(), "Home");
    }

    #[test]
    fn slugs() {
        assert!(WikiSlug::parse("remix").is_some());
        assert!(WikiSlug::parse("jardins-2").is_some());
        for bad in [
            "",
            "_x",
            "-x",
            "Remix",
            "a.git",
            "a/b",
            "é",
            &"a".repeat(64),
        ] {
            assert!(WikiSlug::parse(bad).is_none(), "{bad}");
        }
    }
}
