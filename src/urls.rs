//! Every address of a wiki, built in one place and parsed in one place.
//!
//! `prefix` is the wiki's URL as this request reaches it, ending in '/': `/remix/` on the farm's
//! host, `/` on a host that serves the wiki at its root. The route table (`web::router`) names
//! the same surfaces; the page paths in them are percent-encoded here and decoded by
//! [`page_path`].

use crate::markdown::encode_path;
use crate::page_path::{PagePath, PathError};

/// A query-string value, percent-encoded.
pub fn query_value(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The page path of a percent-encoded URL segment: the one way a page path enters from a URL.
pub fn page_path(encoded: &str) -> Result<PagePath, PathError> {
    PagePath::from_url(encoded)
}

pub fn page(prefix: &str, path: &str) -> String {
    format!("{prefix}{}", encode_path(path))
}

/// A page as it was at a revision.
pub fn page_at(prefix: &str, path: &str, revision: &str) -> String {
    format!("{prefix}{}?rev={revision}", encode_path(path))
}

pub fn raw(prefix: &str, path: &str) -> String {
    format!("{prefix}_raw/{}", encode_path(path))
}

pub fn edit(prefix: &str, path: &str) -> String {
    format!("{prefix}_edit/{}", encode_path(path))
}

pub fn rename(prefix: &str, path: &str) -> String {
    format!("{prefix}_rename/{}", encode_path(path))
}

pub fn delete(prefix: &str, path: &str) -> String {
    format!("{prefix}_delete/{}", encode_path(path))
}

pub fn revert(prefix: &str, path: &str) -> String {
    format!("{prefix}_revert/{}", encode_path(path))
}

pub fn history(prefix: &str, path: &str) -> String {
    format!("{prefix}_history/{}", encode_path(path))
}

/// One page of a long history (0 is the newest).
pub fn history_page(prefix: &str, path: &str, page: usize) -> String {
    format!("{}?page={page}", history(prefix, path))
}

pub fn diff(prefix: &str, path: &str, from: &str, to: &str) -> String {
    format!("{prefix}_diff/{}?from={from}&to={to}", encode_path(path))
}

/// What links to a page, in every wiki.
pub fn backlinks(prefix: &str, path: &str) -> String {
    format!("{prefix}_links/{}", encode_path(path))
}

/// The pages that are linked but do not exist.
pub fn wanted(prefix: &str) -> String {
    format!("{prefix}_wanted")
}

/// The pages no other page links to.
pub fn orphans(prefix: &str) -> String {
    format!("{prefix}_orphans")
}

/// The page index, or one folder of it.
pub fn pages(prefix: &str) -> String {
    format!("{prefix}_pages")
}

pub fn pages_folder(prefix: &str, folder: &str) -> String {
    format!("{prefix}_pages#{}", encode_path(folder))
}

/// The form that turns a typed name into an editor's address.
pub fn new_page(prefix: &str) -> String {
    format!("{prefix}_new")
}

/// A wiki's own search.
pub fn search(prefix: &str) -> String {
    format!("{prefix}_search")
}

/// A search for `query` at `action` (`/search` or a wiki's), on one page of results.
pub fn search_for(action: &str, query: &str, page: usize) -> String {
    let query = query_value(query);
    if page > 1 {
        format!("{action}?q={query}&page={page}")
    } else {
        format!("{action}?q={query}")
    }
}

pub fn recent(prefix: &str) -> String {
    format!("{prefix}_recent")
}

pub fn feed(prefix: &str) -> String {
    format!("{prefix}_feed.atom")
}

/// A wiki's settings page, for its admins.
pub fn settings(prefix: &str) -> String {
    format!("{prefix}_settings")
}

/// The attachments and the upload form.
pub fn files(prefix: &str) -> String {
    format!("{prefix}_files/")
}

/// The upload form, for a page (pasted Markdown is then relative to the page's folder).
pub fn files_for(prefix: &str, page: &str) -> String {
    format!("{}?page={}", files(prefix), query_value(page))
}

pub fn file(prefix: &str, path: &str) -> String {
    format!("{prefix}_files/{}", encode_path(path))
}

/// The sign-in form, coming back to `here` afterwards.
pub fn sign_in(here: &str) -> String {
    format!("/login?next={}", query_value(here))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_encode_page_paths_and_parse_back() {
        let prefix = "/remix/";
        let path = "Procédures/Réception des dons";
        assert_eq!(
            page(prefix, path),
            "/remix/Proc%C3%A9dures/R%C3%A9ception%20des%20dons"
        );
        assert_eq!(
            history_page(prefix, path, 2),
            "/remix/_history/Proc%C3%A9dures/R%C3%A9ception%20des%20dons?page=2"
        );
        assert_eq!(files_for("/", "A b"), "/_files/?page=A%20b");
        assert_eq!(
            sign_in("/remix/_edit/A"),
            "/login?next=%2Fremix%2F%5Fedit%2FA"
        );
        let encoded = page("", path);
        assert_eq!(page_path(&encoded).expect("parses").as_str(), path);
        assert_eq!(page_path("a%zz"), Err(PathError::BadEncoding));
    }
}
