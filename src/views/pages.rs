//! The reading pages: the farm home, a page, a missing page, the page index, the new-page form.

use maud::{Markup, html};

use super::{Chrome, layout};
use crate::config::Visibility;
use crate::i18n::Messages;
use crate::markdown::{SafeHtml, TooComplex, encode_path};
use crate::urls;

pub struct WikiItem<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub owner: &'a str,
    pub visibility: Visibility,
}

fn visibility_label(t: &Messages, visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Public => t.visibility_public,
        Visibility::Members => t.visibility_members,
        Visibility::Private => t.visibility_private,
    }
}

/// `/`: the wikis this person may read.
pub fn farm_home(chrome: &Chrome, wikis: &[WikiItem], recent: &[super::RecentItem]) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.wikis,
        html! {
            h1 { (chrome.farm_name) }
            h2 { (t.wikis) }
            @if wikis.is_empty() {
                p.empty { (t.no_wikis) }
            } @else {
                ul.wiki-list {
                    @for wiki in wikis {
                        li {
                            a.wiki-title href={ "/" (wiki.slug) "/" } { (wiki.title) }
                            " "
                            span.wiki-owner { (wiki.owner) }
                            " "
                            span class={ "badge visibility-" (wiki.visibility.as_str()) } {
                                (visibility_label(t, wiki.visibility))
                            }
                        }
                    }
                }
            }
            @if !wikis.is_empty() {
                h2 { (t.recent_changes) }
                (super::recent_list(chrome, recent))
            }
        },
    )
}

pub struct PageInfo<'a> {
    pub prefix: &'a str,
    pub path: &'a str,
    pub title: &'a str,
    pub html: &'a SafeHtml,
    /// Set when the page is too complex to show as HTML: its raw text is offered instead.
    pub too_complex: Option<TooComplex>,
    /// Whether the Markdown opens with its own level-1 heading (then no title is added).
    pub has_own_title: bool,
    pub author: &'a str,
    pub date: &'a str,
    /// Whether to show the editing controls.
    pub can_write: bool,
    /// A message shown above the page (saved, redirected from…).
    pub notice: Option<&'a str>,
    /// When showing an old revision: its commit id.
    pub revision: Option<&'a str>,
}

/// A rendered page.
pub fn page(chrome: &Chrome, info: &PageInfo) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        info.title,
        html! {
            (breadcrumbs(info.prefix, info.path))
            (page_actions(t, info.prefix, info.path, info.can_write))
            @if let Some(notice) = info.notice {
                p.notice role="status" { (notice) }
            }
            @if info.revision.is_some() {
                p.notice {
                    (t.old_revision) " " (info.date) ". "
                    a href=(urls::page(info.prefix, info.path)) { (t.current_page) }
                }
            }
            article.page {
                @if !info.has_own_title || info.too_complex.is_some() {
                    h1.page-title { (info.title) }
                }
                @if let Some(why) = info.too_complex {
                    (too_complex(chrome, why, Some(&urls::raw(info.prefix, info.path))))
                } @else {
                    div.markdown lang=[chrome.wiki.as_ref().map(|w| w.lang.code())] { (info.html) }
                }
            }
            p.page-meta {
                (t.last_change) " : " (info.author) ", " (info.date)
                " · "
                a href=(urls::raw(info.prefix, info.path)) { (t.raw) }
            }
        },
    )
}

/// What stands in for a page too complex to show: why, and a link to its raw text.
pub(crate) fn too_complex(chrome: &Chrome, why: TooComplex, raw: Option<&str>) -> Markup {
    let t = chrome.lang.messages();
    html! {
        p.notice.too-complex role="status" {
            (t.too_complex) " " (chrome.lang.too_complex(why))
            @if let Some(raw) = raw {
                " " a href=(raw) { (t.too_complex_raw) }
            }
        }
    }
}

pub(crate) fn breadcrumbs(prefix: &str, path: &str) -> Markup {
    let segments: Vec<&str> = path.split('/').collect();
    html! {
        @if segments.len() > 1 {
            nav.breadcrumbs {
                @for (i, segment) in segments[..segments.len() - 1].iter().enumerate() {
                    @if i > 0 { " / " }
                    a href=(urls::pages_folder(prefix, &segments[..=i].join("/"))) { (segment) }
                }
            }
        }
    }
}

/// The links to act on a page: history for everyone who reads it, editing for writers.
fn page_actions(t: &Messages, prefix: &str, path: &str, can_write: bool) -> Markup {
    html! {
        nav.page-actions {
            @if can_write {
                a.edit href=(urls::edit(prefix, path)) { (t.edit) }
                " "
            }
            a.history href=(urls::history(prefix, path)) { (t.history) }
            " "
            a.backlinks href=(urls::backlinks(prefix, path)) { (t.what_links_here) }
            @if can_write {
                " "
                a.rename href=(urls::rename(prefix, path)) { (t.rename) }
                " "
                a.delete href=(urls::delete(prefix, path)) { (t.delete) }
            }
        }
    }
}

/// A page that does not exist (yet); editors are offered its creation.
pub fn missing_page(
    chrome: &Chrome,
    prefix: &str,
    path: Option<&str>,
    can_write: bool,
    signed_in: bool,
    deleted: bool,
) -> Markup {
    let t = chrome.t();
    let home = path.is_none();
    let name = path.map_or(t.home, |p| p.rsplit('/').next().unwrap_or(p));
    let target = path.unwrap_or(crate::rules::HOME_PAGES[0]);
    layout(
        chrome,
        name,
        html! {
            article.page {
                h1.page-title { (name) }
                @if deleted {
                    p.notice { (t.page_deleted) }
                    p { a href=(urls::history(prefix, target)) { (t.history) } }
                } @else {
                    p.notice { (if home { t.no_home_page } else { t.page_missing }) }
                }
                @if can_write {
                    p { a.button.primary href=(urls::edit(prefix, target)) { (t.create_this_page) } }
                } @else if !signed_in {
                    p { a href=(urls::sign_in(chrome.here)) { (t.sign_in_to_edit) } }
                }
            }
        },
    )
}

/// `/{wiki}/_pages`: every page, grouped by folder.
pub fn page_index(
    chrome: &Chrome,
    prefix: &str,
    pages: &[&str],
    files: &[&str],
    can_write: bool,
    clone_url: &str,
) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.pages,
        html! {
            h1 { (t.pages) }
            p.clone-url {
                label for="clone-url" { (t.clone_with_git) }
                " "
                input #clone-url type="text" readonly value={ "git clone " (clone_url) };
            }
            @if can_write {
                form.inline.new-page method="get" action=(urls::new_page(prefix)) {
                    label for="new-page" { (t.page_name) }
                    " "
                    input #new-page type="text" name="name" required;
                    " "
                    button type="submit" { (t.new_page) }
                }
            }
            nav.link-reports {
                a.wanted href=(urls::wanted(prefix)) { (t.wanted_pages) }
                " "
                a.orphans href=(urls::orphans(prefix)) { (t.orphan_pages) }
            }
            @if pages.is_empty() {
                p.empty { (t.no_pages) }
            } @else {
                ul.page-list {
                    @for (i, page) in pages.iter().enumerate() {
                        @let folder = page.rsplit_once('/').map_or("", |(f, _)| f);
                        @let previous = i.checked_sub(1).map(|j| pages[j].rsplit_once('/').map_or("", |(f, _)| f));
                        @if !folder.is_empty() && previous != Some(folder) {
                            li.folder id=(encode_path(folder)) { (folder) "/" }
                        }
                        li {
                            a href=(urls::page(prefix, page)) { (page) }
                        }
                    }
                }
            }
            @if !files.is_empty() {
                h2 { (t.files) }
                ul.page-list {
                    @for file in files {
                        li { a href=(urls::file(prefix, file)) { (file) } }
                    }
                }
            }
        },
    )
}

/// The form that names a new page; shown again with the refused name and, when it came from the
/// editor, the person's text.
pub fn new_page_form(
    chrome: &Chrome,
    prefix: &str,
    name: &str,
    error: Option<&str>,
    text: Option<&str>,
) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.new_page,
        html! {
            h1 { (t.new_page) }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form.stack method="get" action=(urls::new_page(prefix)) {
                label for="name" { (t.page_name) }
                input #name type="text" name="name" value=(name) required;
                button.primary type="submit" { (t.new_page) }
            }
            @if let Some(text) = text {
                label for="kept" { (t.text_label) }
                textarea #kept readonly rows="16" { (text) }
            }
        },
    )
}
