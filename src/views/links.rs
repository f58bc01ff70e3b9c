//! The links between pages: what links to a page (from every wiki the reader may read), the
//! wanted pages and the orphan pages of a wiki.

use maud::{Markup, html};

use super::{Chrome, layout};
use crate::urls;

/// The pages of one wiki that link to the page.
pub struct BacklinkGroup<'a> {
    /// That wiki's title, when it is not the page's own wiki.
    pub wiki_title: Option<&'a str>,
    pub prefix: String,
    /// Page path and the words around the link.
    pub pages: Vec<(&'a str, Option<&'a str>)>,
    /// How many pages link, shown or not.
    pub total: usize,
}

/// `/{wiki}/_links/{page}`.
pub fn backlinks(chrome: &Chrome, prefix: &str, path: &str, groups: &[BacklinkGroup]) -> Markup {
    let t = chrome.t();
    let empty = groups.iter().all(|group| group.total == 0);
    layout(
        chrome,
        &format!("{} : {path}", t.what_links_here),
        html! {
            h1 { (t.what_links_here) " : " a href=(urls::page(prefix, path)) { (path) } }
            @if empty {
                p.empty { (t.no_backlinks) }
            }
            @for group in groups.iter().filter(|group| group.total > 0) {
                section.backlinks {
                    @if let Some(title) = group.wiki_title {
                        h2 { (title) }
                    }
                    ul.backlink-list {
                        @for (page, context) in &group.pages {
                            li {
                                a.backlink href=(urls::page(&group.prefix, page)) { (page) }
                                @if let Some(context) = context {
                                    " " span.context { (context) }
                                }
                            }
                        }
                    }
                    @if group.total > group.pages.len() {
                        p.more { (group.total - group.pages.len()) " " (t.more_backlinks) }
                    }
                }
            }
        },
    )
}

/// A page that does not exist yet and the pages that link to it.
pub struct WantedRow<'a> {
    pub path: &'a str,
    /// The first linking pages, by name.
    pub linked_from: Vec<&'a str>,
    /// How many pages link to it.
    pub count: usize,
}

/// `/{wiki}/_wanted`.
pub fn wanted(chrome: &Chrome, prefix: &str, rows: &[WantedRow], can_write: bool) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.wanted_pages,
        html! {
            h1 { (t.wanted_pages) }
            @if rows.is_empty() {
                p.empty { (t.no_wanted) }
            } @else {
                p { (t.wanted_intro) }
                table.listing.wanted {
                    tbody {
                        @for row in rows {
                            tr {
                                td.wanted-page {
                                    a.wikilink.missing href=(urls::page(prefix, row.path)) { (row.path) }
                                    @if can_write {
                                        " " a.button.create href=(urls::edit(prefix, row.path)) { (t.create) }
                                    }
                                }
                                td.count { (row.count) }
                                td.linked-from {
                                    (t.linked_from) " "
                                    @for (i, source) in row.linked_from.iter().enumerate() {
                                        @if i > 0 { ", " }
                                        a href=(urls::page(prefix, source)) { (source) }
                                    }
                                    @if row.count > row.linked_from.len() {
                                        " … " (row.count - row.linked_from.len()) " " (t.more_backlinks)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// `/{wiki}/_orphans`.
pub fn orphans(chrome: &Chrome, prefix: &str, pages: &[&str]) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.orphan_pages,
        html! {
            h1 { (t.orphan_pages) }
            @if pages.is_empty() {
                p.empty { (t.no_orphans) }
            } @else {
                p { (t.orphans_intro) }
                ul.page-list.orphans {
                    @for page in pages {
                        li { a href=(urls::page(prefix, page)) { (page) } }
                    }
                }
            }
        },
    )
}
