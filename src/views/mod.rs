//! Every HTML page of konbit, as maud markup built from plain data, one module per surface
//! like the web layer: `pages` (the farm home, pages, the page index), `history` (history,
//! diffs, recent changes, the feed), `edit` (the editor, rename, delete), `files`
//! (attachments), `account` (sign-in, the account page) and `search`; this file holds the layout around
//! them and the error pages.
//!
//! The only place that emits HTML. It knows nothing of git, HTTP requests or the access policy:
//! handlers decide what to show and pass it in. Rendered Markdown arrives as `SafeHtml`, the only
//! HTML emitted unescaped. Addresses come from `urls`.

use maud::{DOCTYPE, Markup, html};

use crate::i18n::{Lang, Messages};
use crate::roster::Role;
use crate::urls;

mod account;
mod admin;
mod edit;
mod files;
mod history;
mod links;
mod pages;
mod search;

pub use account::*;
pub use admin::*;
pub use edit::*;
pub use files::*;
pub use history::*;
pub use links::*;
pub use pages::*;
pub use search::*;

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
    /// Whether the farm describes its search to browsers (it needs its public address).
    pub opensearch: bool,
}

pub struct WikiNav<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    /// The language the wiki is written in (its pages; the interface may speak another).
    pub lang: crate::i18n::ContentLang,
    /// The wiki's URL, ending in '/'.
    pub prefix: &'a str,
    /// Whether the person may change its settings (the link is offered).
    pub settings: bool,
}

impl Chrome<'_> {
    pub fn t(&self) -> &'static Messages {
        self.lang.messages()
    }
}

/// A message above a form: an alert when it is an error, else a status.
pub fn message(said: Option<(&str, bool)>) -> Markup {
    html! {
        @if let Some((text, error)) = said {
            @if error {
                p.error role="alert" { (text) }
            } @else {
                p.notice role="status" { (text) }
            }
        }
    }
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
                    link rel="alternate" type="application/atom+xml" title=(t.feed) href=(urls::feed(wiki.prefix));
                }
                link rel="stylesheet" href={ "/_theme/" (chrome.theme) "/style.css" };
                script src="/_assets/suggest.js" defer {}
                @if chrome.opensearch {
                link rel="search" type="application/opensearchdescription+xml" title=(chrome.farm_name) href="/opensearch.xml";
                }
            }
            body {
                a.skip-link href="#content" { (t.skip_to_content) }
                header.site-header {
                    a.farm-name href="/" { (chrome.farm_name) }
                    @if let Some(wiki) = &chrome.wiki {
                        a.wiki-name href=(wiki.prefix) { (wiki.title) }
                        nav.wiki-nav {
                            a href=(urls::pages(wiki.prefix)) { (t.pages) }
                            " "
                            a href=(urls::recent(wiki.prefix)) { (t.recent_changes) }
                            " "
                            a href=(urls::files(wiki.prefix)) { (t.files) }
                            @if wiki.settings {
                                " "
                                a.settings href=(urls::settings(wiki.prefix)) { (t.settings) }
                            }
                        }
                    }
                    (search_box(chrome))
                    div.account {
                        @if let Some(person) = chrome.person {
                            a.person href="/account" { (person) }
                            " "
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(chrome.csrf);
                                button type="submit" { (t.sign_out) }
                            }
                        } @else {
                            a href=(urls::sign_in(chrome.here)) { (t.sign_in) }
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

pub fn role_label(t: &Messages, role: Role) -> &'static str {
    match role {
        Role::Reader => t.role_reader,
        Role::Editor => t.role_editor,
        Role::Admin => t.role_admin,
    }
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
            p { a href=(urls::sign_in(chrome.here)) target="_blank" { (t.sign_in) } }
            label for="kept" { (t.text_label) }
            textarea #kept readonly rows="20" { (text) }
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
                    p { a href=(urls::sign_in(chrome.here)) { (t.not_found_sign_in) } }
                }
                p { a href="/" { (t.back_home) } }
            }
        },
    )
}
