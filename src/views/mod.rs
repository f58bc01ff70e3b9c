//! Every HTML page of konbit, as maud markup built from plain data.
//!
//! The only place that emits HTML. It knows nothing of git, HTTP requests or the access policy:
//! handlers decide what to show and pass it in. Rendered Markdown arrives as `SafeHtml`, the only
//! HTML emitted unescaped.

use maud::{DOCTYPE, Markup, html};

use crate::config::Visibility;
use crate::i18n::{Lang, Messages};
use crate::markdown::{SafeHtml, encode_path};
use crate::roster::Role;

mod editing;
pub use editing::*;

/// What every page shows around its content: the farm, the wiki, the person, the language.
pub struct Chrome<'a> {
    pub lang: Lang,
    pub farm_name: &'a str,
    /// Display name of the signed-in person.
    pub person: Option<&'a str>,
    pub csrf: &'a str,
    /// The current address, for returning here after sign-in or a language change.
    pub here: &'a str,
    pub theme: &'a str,
    pub wiki: Option<WikiNav<'a>>,
}

pub struct WikiNav<'a> {
    pub title: &'a str,
    /// The language the wiki is written in (its pages; the interface may speak another).
    pub lang: Lang,
    /// The wiki's URL, ending in '/'.
    pub prefix: &'a str,
}

impl Chrome<'_> {
    pub fn t(&self) -> &'static Messages {
        self.lang.messages()
    }
}

pub(crate) fn query_value(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The page around a content.
pub fn layout(chrome: &Chrome, title: &str, content: Markup) -> Markup {
    let t = chrome.t();
    let full_title = match &chrome.wiki {
        Some(wiki) if wiki.title != title => format!("{title} — {}", wiki.title),
        _ => format!("{title} — {}", chrome.farm_name),
    };
    html! {
        (DOCTYPE)
        html lang=(chrome.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (full_title) }
                @if let Some(wiki) = &chrome.wiki {
                    link rel="alternate" type="application/atom+xml" title=(t.feed) href={ (wiki.prefix) "_feed.atom" };
                }
                link rel="stylesheet" href={ "/_theme/" (chrome.theme) "/style.css" };
            }
            body {
                a.skip-link href="#content" { (t.skip_to_content) }
                header.site-header {
                    a.farm-name href="/" { (chrome.farm_name) }
                    @if let Some(wiki) = &chrome.wiki {
                        a.wiki-name href=(wiki.prefix) { (wiki.title) }
                        nav.wiki-nav {
                            a href={ (wiki.prefix) "_pages" } { (t.pages) }
                            " "
                            a href={ (wiki.prefix) "_recent" } { (t.recent_changes) }
                            " "
                            a href={ (wiki.prefix) "_files/" } { (t.files) }
                        }
                    }
                    div.account {
                        @if let Some(person) = chrome.person {
                            a.person href="/account" { (person) }
                            " "
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(chrome.csrf);
                                button type="submit" { (t.sign_out) }
                            }
                        } @else {
                            a href={ "/login?next=" (query_value(chrome.here)) } { (t.sign_in) }
                        }
                        " "
                        form.lang-switch.inline method="post" action="/_lang" aria-label=(t.language) {
                            input type="hidden" name="csrf" value=(chrome.csrf);
                            input type="hidden" name="next" value=(chrome.here);
                            @for lang in Lang::ALL {
                                @if lang != chrome.lang {
                                    button type="submit" name="lang" value=(lang.code()) lang=(lang.code()) {
                                        (lang.native_name())
                                    }
                                }
                            }
                        }
                    }
                }
                main.content #content { (content) }
                footer.site-footer { (t.powered_by) }
            }
        }
    }
}

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

pub fn role_label(t: &Messages, role: Role) -> &'static str {
    match role {
        Role::Reader => t.role_reader,
        Role::Editor => t.role_editor,
        Role::Admin => t.role_admin,
    }
}

/// `/`: the wikis this person may read.
pub fn farm_home(chrome: &Chrome, wikis: &[WikiItem], recent: &[RecentItem]) -> Markup {
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
                (recent_list(chrome, recent))
            }
        },
    )
}

pub struct PageInfo<'a> {
    pub prefix: &'a str,
    pub path: &'a str,
    pub title: &'a str,
    pub html: &'a SafeHtml,
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
    let encoded = encode_path(info.path);
    layout(
        chrome,
        info.title,
        html! {
            (breadcrumbs(info.prefix, info.path))
            (page_actions(t, info.prefix, &encoded, info.can_write))
            @if let Some(notice) = info.notice {
                p.notice role="status" { (notice) }
            }
            @if info.revision.is_some() {
                p.notice {
                    (t.old_revision) " " (info.date) ". "
                    a href={ (info.prefix) (encoded) } { (t.current_page) }
                }
            }
            article.page {
                @if !info.has_own_title {
                    h1.page-title { (info.title) }
                }
                div.markdown lang=[chrome.wiki.as_ref().map(|w| w.lang.code())] { (info.html) }
            }
            p.page-meta {
                (t.last_change) " : " (info.author) ", " (info.date)
                " · "
                a href={ (info.prefix) "_raw/" (encoded) } { (t.raw) }
            }
        },
    )
}

pub(crate) fn breadcrumbs(prefix: &str, path: &str) -> Markup {
    let segments: Vec<&str> = path.split('/').collect();
    html! {
        @if segments.len() > 1 {
            nav.breadcrumbs {
                @for (i, segment) in segments[..segments.len() - 1].iter().enumerate() {
                    @if i > 0 { " / " }
                    a href={ (prefix) "_pages#" (encode_path(&segments[..=i].join("/"))) } { (segment) }
                }
            }
        }
    }
}

/// The links to act on a page: history for everyone who reads it, editing for writers.
fn page_actions(t: &Messages, prefix: &str, encoded: &str, can_write: bool) -> Markup {
    html! {
        nav.page-actions {
            @if can_write {
                a.edit href={ (prefix) "_edit/" (encoded) } { (t.edit) }
                " "
            }
            a.history href={ (prefix) "_history/" (encoded) } { (t.history) }
            @if can_write {
                " "
                a.rename href={ (prefix) "_rename/" (encoded) } { (t.rename) }
                " "
                a.delete href={ (prefix) "_delete/" (encoded) } { (t.delete) }
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
    let target = path.unwrap_or(crate::wiki::HOME_PAGES[0]);
    layout(
        chrome,
        name,
        html! {
            article.page {
                h1.page-title { (name) }
                @if deleted {
                    p.notice { (t.page_deleted) }
                    p { a href={ (prefix) "_history/" (encode_path(target)) } { (t.history) } }
                } @else {
                    p.notice { (if home { t.no_home_page } else { t.page_missing }) }
                }
                @if can_write {
                    p { a.button.primary href={ (prefix) "_edit/" (encode_path(target)) } { (t.create_this_page) } }
                } @else if !signed_in {
                    p { a href={ "/login?next=" (query_value(chrome.here)) } { (t.sign_in_to_edit) } }
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
) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.pages,
        html! {
            h1 { (t.pages) }
            @if can_write {
                form.inline.new-page method="get" action={ (prefix) "_new" } {
                    label for="new-page" { (t.page_name) }
                    " "
                    input #new-page type="text" name="name" required;
                    " "
                    button type="submit" { (t.new_page) }
                }
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
                            a href={ (prefix) (encode_path(page)) } { (page) }
                        }
                    }
                }
            }
            @if !files.is_empty() {
                h2 { (t.files) }
                ul.page-list {
                    @for file in files {
                        li { a href={ (prefix) "_files/" (encode_path(file)) } { (file) } }
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
            form.stack method="get" action={ (prefix) "_new" } {
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

/// A save that was refused, with the person's text to copy.
pub fn unsaved_text(chrome: &Chrome, text: &str) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.unsaved_title,
        html! {
            h1 { (t.unsaved_title) }
            p.error role="alert" { (t.unsaved) }
            p { a href={ "/login?next=" (query_value(chrome.here)) } target="_blank" { (t.sign_in) } }
            label for="kept" { (t.text_label) }
            textarea #kept readonly rows="20" { (text) }
        },
    )
}

/// `/login`.
pub fn login(chrome: &Chrome, next: &str, login: &str, error: Option<&str>) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.sign_in,
        html! {
            h1 { (t.sign_in) }
            @if let Some(error) = error {
                p.error role="alert" { (error) }
            }
            form.stack method="post" action="/login" {
                input type="hidden" name="csrf" value=(chrome.csrf);
                input type="hidden" name="next" value=(next);
                label for="login" { (t.login) }
                input #login type="text" name="login" value=(login) autocomplete="username" required autofocus;
                label for="password" { (t.password) }
                input #password type="password" name="password" autocomplete="current-password" required;
                button.primary type="submit" { (t.sign_in) }
            }
        },
    )
}

pub struct Membership<'a> {
    pub organisation: &'a str,
    pub role: Role,
}

/// `/account`.
pub fn account(
    chrome: &Chrome,
    name: &str,
    email: &str,
    memberships: &[Membership],
    farm_admin: bool,
) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.account,
        html! {
            h1 { (t.account) }
            p { strong { (name) } " · " (email) }
            @if farm_admin { p.notice { (t.farm_admin) } }
            h2 { (t.your_organisations) }
            @if memberships.is_empty() {
                p.empty { (t.no_organisation) }
            } @else {
                ul {
                    @for m in memberships {
                        li { (m.organisation) " — " (role_label(t, m.role)) }
                    }
                }
            }
        },
    )
}

/// An error page: a title, an explanation, and what the person can do next.
pub fn error_page(chrome: &Chrome, title: &str, message: &str, offer_sign_in: bool) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        title,
        html! {
            div.error-page {
                h1 { (title) }
                p { (message) }
                @if offer_sign_in {
                    p { a href={ "/login?next=" (query_value(chrome.here)) } { (t.not_found_sign_in) } }
                }
                p { a href="/" { (t.back_home) } }
            }
        },
    )
}
