//! The editor (with its preview, conflict and refusal states), and the rename and delete forms.

use maud::{Markup, html};

use super::{Chrome, diff_table, layout};
use crate::diff::DiffLine;
use crate::markdown::{SafeHtml, TooComplex};
use crate::urls;

/// What the editor shows besides the form.
pub enum EditorState<'a> {
    Fresh,
    /// The text as it would be shown, or why it could not be.
    Preview(&'a SafeHtml, Option<TooComplex>),
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
                EditorState::Preview(html, too_complex) => {
                    section.preview aria-label=(t.preview) {
                        h2 { (t.preview_unsaved) }
                        @if let Some(why) = too_complex {
                            (super::pages::too_complex(chrome, *why, None))
                        } @else {
                            div.markdown { (*html) }
                        }
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
                        a href=(urls::page(editor.prefix, existing)) { (existing) }
                    }
                }
                EditorState::Refused(why) => {
                    p.error role="alert" { (why) }
                }
            }
            form.stack.editor method="post" action=(urls::edit(editor.prefix, editor.path)) {
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
                    a.cancel href=(urls::page(editor.prefix, editor.path)) { (t.cancel) }
                }
            }
            details.markdown-help {
                summary { (t.markdown_help) }
                pre { code { (t.markdown_cheatsheet) } }
            }
            p {
                a href=(urls::files_for(editor.prefix, editor.path)) target="_blank" { (t.attach_file) }
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
            form.stack method="post" action=(urls::rename(prefix, path)) {
                input type="hidden" name="csrf" value=(chrome.csrf);
                label for="to" { (t.new_name) }
                input #to type="text" name="to" value=(new_name) required;
                label.checkbox {
                    input type="checkbox" name="redirect" value="yes" checked;
                    " " (t.leave_redirect)
                }
                label.checkbox {
                    input type="checkbox" name="update" value="yes" checked;
                    " " (t.update_links)
                }
                label for="message" { (t.commit_message) }
                input #message type="text" name="message" maxlength="500";
                button.primary type="submit" { (t.rename) }
            }
        },
    )
}

/// What a move will change, shown before it is confirmed.
pub struct MoveConfirm<'a> {
    pub prefix: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub leave_redirect: bool,
    pub message: &'a str,
    /// Pages whose links are rewritten, with how many.
    pub pages: &'a [(&'a str, usize)],
    /// How many of the page's own links are rewritten.
    pub own: usize,
    /// Pages of other wikis that link here: their wiki's title, page, address.
    pub elsewhere: &'a [(String, &'a str, String)],
}

/// `POST /{wiki}/_rename/{page}` when the move changes other pages: the list, and the form that
/// confirms it with what the person chose.
pub fn move_confirm(chrome: &Chrome, confirm: &MoveConfirm) -> Markup {
    let t = chrome.t();
    let prefix = confirm.prefix;
    layout(
        chrome,
        &format!("{} : {}", t.move_confirm_title, confirm.from),
        html! {
            h1 { (t.move_confirm_title) " : " (confirm.from) " → " (confirm.to) }
            @if !confirm.pages.is_empty() {
                p { (t.move_pages_changed) }
                ul.move-pages {
                    @for (page, count) in confirm.pages {
                        li { a href=(urls::page(prefix, page)) { (page) } " (" (count) " " (t.links_word) ")" }
                    }
                }
            }
            @if confirm.own > 0 {
                p.move-own { (t.move_own_links) " " (confirm.own) }
            }
            @if !confirm.elsewhere.is_empty() {
                p { (t.move_elsewhere) }
                ul.move-elsewhere {
                    @for (wiki, page, href) in confirm.elsewhere {
                        li { (wiki) " : " a href=(href) { (page) } }
                    }
                }
            }
            form.stack method="post" action=(urls::rename(prefix, confirm.from)) {
                input type="hidden" name="csrf" value=(chrome.csrf);
                input type="hidden" name="to" value=(confirm.to);
                @if confirm.leave_redirect {
                    input type="hidden" name="redirect" value="yes";
                }
                input type="hidden" name="update" value="yes";
                input type="hidden" name="confirm" value="yes";
                input type="hidden" name="message" value=(confirm.message);
                button.primary type="submit" { (t.move_confirm) }
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
            form.stack method="post" action=(urls::delete(prefix, path)) {
                input type="hidden" name="csrf" value=(chrome.csrf);
                label for="message" { (t.commit_message) }
                input #message type="text" name="message" maxlength="500";
                button.primary.danger type="submit" { (t.delete) }
            }
        },
    )
}
