//! The pages of a wiki's life: the editor, renaming and deleting, history, diffs, recent
//! changes, attachments and the Atom feed.

use maud::{Markup, html};

use super::{Chrome, layout, query_value};
use crate::diff::{DiffLine, LineKind};
use crate::markdown::{SafeHtml, encode_path};

/// What the editor shows besides the form.
pub enum EditorState<'a> {
    Fresh,
    Preview(&'a SafeHtml),
    Conflict {
        theirs: &'a str,
        diff: &'a [DiffLine],
    },
    /// A new page would clash with an existing one (letter case or accents).
    Clash(&'a str),
    /// The submitted form was refused (bad name…); the text is kept.
    Refused(&'a str),
}

pub struct Editor<'a> {
    pub prefix: &'a str,
    pub path: &'a str,
    pub text: &'a str,
    pub message: &'a str,
    /// The commit the text was read at: the base of a three-way merge.
    pub base: &'a str,
    pub creating: bool,
    pub max_chars: usize,
    pub state: EditorState<'a>,
}

pub fn editor(chrome: &Chrome, editor: &Editor) -> Markup {
    let t = chrome.t();
    let encoded = encode_path(editor.path);
    let heading = if editor.creating {
        t.creating
    } else {
        t.editing
    };
    layout(
        chrome,
        &format!("{heading} : {}", editor.path),
        html! {
            h1 { (heading) " : " (editor.path) }
            @match &editor.state {
                EditorState::Fresh => {}
                EditorState::Preview(html) => {
                    section.preview aria-label=(t.preview) {
                        h2 { (t.preview_unsaved) }
                        div.markdown { (*html) }
                    }
                }
                EditorState::Conflict { theirs, diff } => {
                    section.conflict {
                        h2 { (t.conflict_title) }
                        p.error role="alert" { (t.conflict_explain) }
                        h3 { (t.differences) }
                        (diff_table(chrome.t(), diff))
                        details {
                            summary { (t.current_version) }
                            textarea.theirs readonly rows="12" aria-label=(t.current_version) { (theirs) }
                        }
                    }
                }
                EditorState::Clash(existing) => {
                    p.error role="alert" {
                        (t.name_clash) " "
                        a href={ (editor.prefix) (encode_path(existing)) } { (existing) }
                    }
                }
                EditorState::Refused(why) => {
                    p.error role="alert" { (why) }
                }
            }
            form.stack.editor method="post" action={ (editor.prefix) "_edit/" (encoded) } {
                input type="hidden" name="csrf" value=(chrome.csrf);
                input type="hidden" name="base" value=(editor.base);
                label for="text" { (t.text_label) }
                textarea #text name="text" rows="24" maxlength=(editor.max_chars) { (editor.text) }
                label for="message" { (t.commit_message) }
                input #message type="text" name="message" maxlength="500" value=(editor.message);
                div.buttons {
                    button type="submit" name="action" value="preview" { (t.preview) }
                    " "
                    button.primary type="submit" name="action" value="save" { (t.save) }
                    " "
                    a.cancel href={ (editor.prefix) (encoded) } { (t.cancel) }
                }
            }
            details.markdown-help {
                summary { (t.markdown_help) }
                pre { code { (t.markdown_cheatsheet) } }
            }
            p {
                a href={ (editor.prefix) "_files/?page=" (query_value(editor.path)) } target="_blank" { (t.attach_file) }
            }
        },
    )
}

pub fn rename_form(
    chrome: &Chrome,
    prefix: &str,
    path: &str,
    new_name: &str,
    error: Option<Markup>,
) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        &format!("{} : {path}", t.rename),
        html! {
            h1 { (t.rename) " : " (path) }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form.stack method="post" action={ (prefix) "_rename/" (encode_path(path)) } {
                input type="hidden" name="csrf" value=(chrome.csrf);
                label for="to" { (t.new_name) }
                input #to type="text" name="to" value=(new_name) required;
                label.checkbox {
                    input type="checkbox" name="redirect" value="yes" checked;
                    " " (t.leave_redirect)
                }
                label for="message" { (t.commit_message) }
                input #message type="text" name="message" maxlength="500";
                button.primary type="submit" { (t.rename) }
            }
        },
    )
}

pub fn delete_form(chrome: &Chrome, prefix: &str, path: &str) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        &format!("{} : {path}", t.delete),
        html! {
            h1 { (t.delete) " : " (path) }
            p { (t.delete_confirm) }
            form.stack method="post" action={ (prefix) "_delete/" (encode_path(path)) } {
                input type="hidden" name="csrf" value=(chrome.csrf);
                label for="message" { (t.commit_message) }
                input #message type="text" name="message" maxlength="500";
                button.primary.danger type="submit" { (t.delete) }
            }
        },
    )
}

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
    let encoded = encode_path(history.path);
    let prefix = history.prefix;
    layout(
        chrome,
        &format!("{} : {}", t.history, history.path),
        html! {
            h1 { (t.history) " : " a href={ (prefix) (encoded) } { (history.path) } }
            @if history.rows.is_empty() {
                p.empty { (t.no_history) }
            } @else {
                table.listing.history {
                    thead { tr { th { (t.date) } th { (t.author) } th { (t.message) } th { (t.actions) } } }
                    tbody {
                        @for (i, row) in history.rows.iter().enumerate() {
                            tr {
                                td { a href={ (prefix) (encode_path(row.path)) "?rev=" (row.commit) } { (row.date) } }
                                td { (row.author) }
                                td { (row.message) @if row.path != history.path { " (" (row.path) ")" } }
                                td.actions {
                                    @if let Some(previous) = row.previous {
                                        a href={ (prefix) "_diff/" (encoded) "?from=" (previous) "&to=" (row.commit) } { (t.compare) }
                                    }
                                    // The newest revision is the page as it is: nothing to restore.
                                    @if history.can_write && row.path == history.path && !(history.page == 0 && i == 0 && history.exists) {
                                        form.inline method="post" action={ (prefix) "_revert/" (encoded) } {
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
                    a rel="prev" href={ (prefix) "_history/" (encoded) "?page=" (history.page - 1) } { (t.newer) }
                    " "
                }
                @if history.more {
                    a rel="next" href={ (prefix) "_history/" (encoded) "?page=" (history.page + 1) } { (t.older) }
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
    let encoded = encode_path(page.path);
    layout(
        chrome,
        &format!("{} : {}", t.changes_between, page.path),
        html! {
            h1 { (t.changes_between) " : " a href={ (page.prefix) (encoded) } { (page.path) } }
            p.diff-range {
                a href={ (page.prefix) (encoded) "?rev=" (page.from) } {
                    (page.from_date) " " code { (&page.from[..page.from.len().min(10)]) }
                }
                " → "
                a href={ (page.prefix) (encoded) "?rev=" (page.to) } {
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
            p { a href={ (page.prefix) "_history/" (encoded) } { (t.history) } }
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
                                a href={ (item.prefix) (encode_path(path)) } { (path) }
                            } @else {
                                a href={ (item.prefix) "_files/" (encode_path(path)) } { (path) }
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
            p { a href={ (prefix) "_feed.atom" } { (t.feed) } }
            (recent_list(chrome, items))
        },
    )
}

pub struct FilesPage<'a> {
    pub prefix: &'a str,
    pub files: &'a [&'a str],
    pub can_write: bool,
    /// The page the upload is for: the pasted Markdown is relative to its folder.
    pub for_page: &'a str,
    /// The Markdown to paste for a file just uploaded.
    pub uploaded: Option<&'a str>,
    pub error: Option<&'a str>,
    pub max_mib: usize,
}

pub fn files_page(chrome: &Chrome, page: &FilesPage) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.files,
        html! {
            h1 { (t.files) }
            @if !page.for_page.is_empty() {
                p { a href={ (page.prefix) (encode_path(page.for_page)) } { "← " (t.back_to_page) " « " (page.for_page) " »" } }
            }
            @if let Some(error) = page.error { p.error role="alert" { (error) } }
            @if let Some(markdown) = page.uploaded {
                p.notice role="status" { (t.uploaded) }
                pre.paste { code { (markdown) } }
            }
            @if page.can_write {
                form.stack method="post" action={ (page.prefix) "_files/" } enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(chrome.csrf);
                    input type="hidden" name="page" value=(page.for_page);
                    label for="file" { (t.file_to_upload) " (≤ " (page.max_mib) " " (t.mib) ")" }
                    input #file type="file" name="file" required;
                    label for="name" { (t.file_name) }
                    input #name type="text" name="name";
                    button.primary type="submit" { (t.upload) }
                }
            }
            @if page.files.is_empty() {
                p.empty { "—" }
            } @else {
                ul.page-list {
                    @for file in page.files {
                        li { a href={ (page.prefix) "_files/" (encode_path(file)) } { (file) } }
                    }
                }
            }
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

/// An Atom feed of a wiki's changes.
pub fn atom_feed(
    title: &str,
    site: &str,
    self_link: &str,
    updated: &str,
    entries: &[FeedEntry],
) -> String {
    let body = html! {
        feed xmlns="http://www.w3.org/2005/Atom" {
            title { (xml_text(title)) }
            id { (site) }
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
