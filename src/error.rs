//! The outcomes a caller must handle differently, shared by the core and the web layer.
//!
//! The web layer turns each into one response (see `web::error`); the core never formats an
//! answer for a person.

use std::fmt;

#[derive(Clone, Debug)]
pub enum Error {
    /// Nothing there, or nothing this actor may see: the two are never told apart.
    NotFound,
    /// The request itself is malformed; the cause says what to fix.
    BadRequest(Bad),
    /// A page or file name that cannot be used; shown in the person's language.
    BadName(crate::page_path::PathError),
    /// A change broke a rule of what a wiki may hold: nothing was written.
    Refused(crate::rules::Refusal),
    /// The actor may see this but not do that.
    Forbidden,
    /// The content is larger than the farm accepts.
    TooLarge(Oversized),
    /// A wiki's repository cannot be read; the other wikis keep working.
    Unavailable(String),
    /// Anything else: logged with its cause, shown without it.
    Internal(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotFound => f.write_str("not found"),
            Error::BadRequest(why) => write!(f, "bad request: {why:?}"),
            Error::BadName(why) => write!(f, "bad name: {why}"),
            Error::Refused(why) => write!(f, "refused: {why:?}"),
            Error::Forbidden => f.write_str("forbidden"),
            Error::TooLarge(what) => write!(f, "too large: {what:?}"),
            Error::Unavailable(why) => write!(f, "unavailable: {why}"),
            Error::Internal(why) => write!(f, "internal error: {why}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<crate::page_path::PathError> for Error {
    fn from(error: crate::page_path::PathError) -> Self {
        Error::BadName(error)
    }
}

/// How a request was malformed. The interface explains each in the person's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bad {
    /// A form that is not valid `application/x-www-form-urlencoded`.
    MalformedForm,
    /// An upload that is not valid `multipart/form-data`.
    MalformedUpload,
    TooManyFields,
    /// A form field that is not UTF-8 text.
    FieldNotText,
    /// A revision that is not a full commit id.
    NotARevision,
    /// A revision that is not on the wiki's branch (an edit cannot start from it).
    RevisionNotOnBranch,
    /// A history page number that is not one.
    NotAHistoryPage,
    /// A diff without the revision to compare from.
    MissingRevision,
    /// A login or password longer than any the roster holds.
    CredentialsTooLong,
    UnknownLanguage,
    /// An address that cannot be parsed.
    MalformedAddress,
}

/// What was too large, and the limit in bytes when it is one a person can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oversized {
    /// A page's text (the person's text is still in their browser's form).
    Text(usize),
    /// An uploaded file.
    File(usize),
    /// Any other form.
    Form,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
