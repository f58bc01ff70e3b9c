//! Page paths, file paths and wiki slugs: parsed once at the edge, trusted everywhere after.
//!
//! This module knows nothing of HTTP or git; it only decides which names are acceptable and in
//! which form (Unicode NFC) they are stored.

use std::fmt;

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
    GitDirectory,
    EmptySegment,
    Backslash,
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
            PathError::GitDirectory => "'.git' is reserved",
            PathError::EmptySegment => "a name may not contain an empty segment ('//')",
            PathError::Backslash => "a name may not contain '\\'",
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
        if segment.eq_ignore_ascii_case(".git") {
            return Err(PathError::GitDirectory);
        }
    }
    Ok(())
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
