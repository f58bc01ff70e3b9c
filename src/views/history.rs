//! A wiki's past: a page's history, diffs between revisions, recent changes and the Atom feed.

use maud::{Markup, html};

use super::{Chrome, layout};
use crate::diff::{DiffLine, LineKind};
use crate::urls;

pub struct HistoryRow<'a> {
    pub commit: &'a str,
    pub short: &'a str,
    pub author: &'a str,
    pub date: &'a str,
    pub message: &'a str,
    /// The page path at this revision (it differs before a rename).
    pub path: &'a str,
    /// The previous revision of the page, to compare with.
    pub previous: Option<&'a str>,
}

pub struct History<'a> {
    pub prefix: &'a str,
    pub path: &'a str,
    pub rows: &'a [HistoryRow<'a>],
    pub page: usize,
    pub more: bool,
    pub can_write: bool,
    /// Whether the page exists now (a deleted page can be restored from any row).
    pub exists: bool,
}

pub fn history(chrome: &Chrome, history: &History) -> Markup {
    let t = chrome.t();
    let prefix = history.prefix;
    layout(
        chrome,
        &format!("{} : {}", t.history, history.path),
        html! {
            h1 { (t.history) " : " a href=(urls::page(prefix, history.path)) { (history.path) } }
            @if history.rows.is_empty() {
                p.empty { (t.no_history) }
            } @else {
                table.listing.history {
                    thead { tr { th { (t.date) } th { (t.author) } th { (t.message) } th { (t.actions) } } }
                    tbody {
                        @for (i, row) in history.rows.iter().enumerate() {
                            tr {
                                td { a href=(urls::page_at(prefix, row.path, row.commit)) { (row.date) } }
                                td { (row.author) }
                                td { (row.message) @if row.path != history.path { " (" (row.path) ")" } }
                                td.actions {
                                    @if let Some(previous) = row.previous {
                                        a href=(urls::diff(prefix, history.path, previous, row.commit)) { (t.compare) }
                                    }
                                    // The newest revision is the page as it is: nothing to restore.
                                    @if history.can_write && row.path == history.path && !(history.page == 0 && i == 0 && history.exists) {
                                        form.inline method="post" action=(urls::revert(prefix, history.path)) {
                                            input type="hidden" name="csrf" value=(chrome.csrf);
                                            input type="hidden" name="rev" value=(row.commit);
                                            " "
                                            button type="submit" title=(row.short) { (t.revert) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            nav.pager {
                @if history.page > 0 {
                    a rel="prev" href=(urls::history_page(prefix, history.path, history.page - 1)) { (t.newer) }
                    " "
                }
                @if history.more {
                    a rel="next" href=(urls::history_page(prefix, history.path, history.page + 1)) { (t.older) }
                }
            }
        },
    )
}

/// A line diff as a table: old and new line numbers, the line, added and removed lines marked.
pub fn diff_table(t: &crate::i18n::Messages, rows: &[DiffLine]) -> Markup {
    html! {
        table.diff {
            thead.visually-hidden {
                tr { th { (t.old_line) } th { (t.new_line) } th { (t.changes_between) } }
            }
            tbody {
                @for row in rows {
                    @match row.kind {
                        LineKind::Gap => tr.gap { td colspan="3" { "⋯" } },
                        kind => {
                            @let (class, mark, spoken) = match kind {
                                LineKind::Added => ("added", "+", Some(t.added_line)),
                                LineKind::Removed => ("removed", "−", Some(t.removed_line)),
                                _ => ("same", " ", None),
                            };
                            tr class=(class) {
                                td.line-number { (row.old_number.map(|n| n.to_string()).unwrap_or_default()) }
                                td.line-number { (row.new_number.map(|n| n.to_string()).unwrap_or_default()) }
                                td.line {
                                    span.mark aria-hidden="true" { (mark) }
                                    @if let Some(spoken) = spoken {
                                        span.visually-hidden { (spoken) " : " }
                                    }
                                    @match kind {
                                        LineKind::Added => ins { (row.text) },
                                        LineKind::Removed => del { (row.text) },
                                        _ => span { (row.text) },
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub struct DiffPage<'a> {
    pub prefix: &'a str,
    pub path: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub from_date: &'a str,
    pub to_date: &'a str,
    pub rows: &'a [DiffLine],
    pub added: usize,
    pub removed: usize,
}

pub fn diff_page(chrome: &Chrome, page: &DiffPage) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        &format!("{} : {}", t.changes_between, page.path),
        html! {
            h1 { (t.changes_between) " : " a href=(urls::page(page.prefix, page.path)) { (page.path) } }
            p.diff-range {
                a href=(urls::page_at(page.prefix, page.path, page.from)) {
                    (page.from_date) " " code { (&page.from[..page.from.len().min(10)]) }
                }
                " → "
                a href=(urls::page_at(page.prefix, page.path, page.to)) {
                    (page.to_date) " " code { (&page.to[..page.to.len().min(10)]) }
                }
                " · "
                span.added-count { "+" (page.added) }
                " "
                span.removed-count { "−" (page.removed) }
            }
            @if page.rows.is_empty() {
                p.empty { (t.no_difference) }
            } @else {
                (diff_table(t, page.rows))
            }
            p { a href=(urls::history(page.prefix, page.path)) { (t.history) } }
        },
    )
}

pub struct RecentItem<'a> {
    pub wiki_title: Option<&'a str>,
    pub prefix: &'a str,
    /// Page paths (or file paths for attachments) the commit changed, with whether each is a page.
    pub paths: Vec<(String, bool)>,
    pub author: &'a str,
    pub date: &'a str,
    pub message: &'a str,
}

pub fn recent_list(chrome: &Chrome, items: &[RecentItem]) -> Markup {
    let t = chrome.t();
    html! {
        @if items.is_empty() {
            p.empty { (t.no_changes) }
        } @else {
            ul.recent {
                @for item in items {
                    li {
                        span.date { (item.date) }
                        " "
                        @if let Some(title) = item.wiki_title {
                            a.wiki-title href=(item.prefix) { (title) }
                            " · "
                        }
                        @for (i, (path, is_page)) in item.paths.iter().enumerate() {
                            @if i > 0 { ", " }
                            @if *is_page {
                                a href=(urls::page(item.prefix, path)) { (path) }
                            } @else {
                                a href=(urls::file(item.prefix, path)) { (path) }
                            }
                        }
                        " — "
                        span.author { (item.author) }
                        @if !item.message.is_empty() {
                            " : " span.message { (item.message) }
                        }
                    }
                }
            }
        }
    }
}

pub fn recent_page(chrome: &Chrome, prefix: &str, items: &[RecentItem]) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.recent_changes,
        html! {
            h1 { (t.recent_changes) }
            p { a href=(urls::feed(prefix)) { (t.feed) } }
            (recent_list(chrome, items))
        },
    )
}

pub struct FeedEntry<'a> {
    pub id: &'a str,
    pub title: String,
    pub link: String,
    pub author: &'a str,
    pub updated: String,
    pub summary: &'a str,
}

/// Text that XML 1.0 accepts: commit messages pushed with git may hold control characters.
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t' | '\r'))
        .filter(|c| !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .collect()
}

/// An Atom feed of a wiki's changes. `id` is an absolute IRI; `site`, `self_link` and the
/// entries' links may be relative to the feed's own address (there is no `xml:base`).
pub fn atom_feed(
    title: &str,
    id: &str,
    site: &str,
    self_link: &str,
    updated: &str,
    entries: &[FeedEntry],
) -> String {
    let body = html! {
        feed xmlns="http://www.w3.org/2005/Atom" {
            title { (xml_text(title)) }
            id { (id) }
            link rel="alternate" href=(site) {}
            link rel="self" href=(self_link) {}
            updated { (updated) }
            @for entry in entries {
                entry {
                    title { (xml_text(&entry.title)) }
                    id { "urn:konbit:commit:" (entry.id) }
                    link rel="alternate" href=(entry.link) {}
                    updated { (entry.updated) }
                    author { name { (xml_text(entry.author)) } }
                    summary { (xml_text(entry.summary)) }
                }
            }
        }
    };
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&body.into_string());
    xml
}
