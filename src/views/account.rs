//! Signing in and the account page.

use maud::{Markup, html};

use super::{Chrome, layout, message, role_label};
use crate::roster::Role;

/// `/login`.
pub fn login(chrome: &Chrome, next: &str, login: &str, said: Option<(&str, bool)>) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.sign_in,
        html! {
            h1 { (t.sign_in) }
            (message(said))
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

/// A personal token as its owner sees it.
pub struct TokenRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub created: &'a str,
    pub last_used: Option<&'a str>,
}

/// What the account page shows.
pub struct AccountPage<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub memberships: &'a [Membership<'a>],
    pub farm_admin: bool,
    pub tokens: &'a [TokenRow<'a>],
    /// A token just made, shown this once.
    pub new_token: Option<&'a str>,
    /// Why a token could not be made.
    pub token_error: Option<&'a str>,
    /// The token name typed, kept when refused.
    pub token_name: &'a str,
    /// The details form: the values shown, the roster's fingerprint, and a message (and
    /// whether it is an error).
    pub details: DetailsForm<'a>,
    /// What the password form says (and whether it is an error).
    pub password: Option<(&'a str, bool)>,
    /// The administration pages the person may open: their names and addresses.
    pub governs: &'a [(String, String)],
}

/// The form in which a person changes their own display name and e-mail.
pub struct DetailsForm<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub digest: &'a str,
    pub message: Option<(&'a str, bool)>,
}

/// `/account`.
pub fn account(chrome: &Chrome, page: &AccountPage) -> Markup {
    let t = chrome.t();
    let AccountPage {
        name,
        email,
        memberships,
        farm_admin,
        ..
    } = *page;
    layout(
        chrome,
        t.account,
        html! {
            h1 { (t.account) }
            p { strong { (name) } " · " (email) }
            @if farm_admin {
                p.notice { (t.you_administer_the_farm) " " a href="/_admin" { (t.farm_administration) } }
            }
            section.details {
                h2 { (t.your_details) }
                (message(page.details.message))
                form.stack method="post" action="/account/details" {
                    input type="hidden" name="csrf" value=(chrome.csrf);
                    input type="hidden" name="digest" value=(page.details.digest);
                    label for="display-name" { (t.display_name) }
                    input #display-name type="text" name="name" maxlength="100" value=(page.details.name) required;
                    label for="email" { (t.email_address) }
                    input #email type="email" name="email" maxlength="254" value=(page.details.email) required;
                    button.primary type="submit" { (t.save_details) }
                }
            }
            section.password {
                h2 { (t.change_password) }
                (message(page.password))
                form.stack method="post" action="/account/password" {
                    input type="hidden" name="csrf" value=(chrome.csrf);
                    label for="current-password" { (t.current_password) }
                    input #current-password type="password" name="current" autocomplete="current-password" required;
                    (new_password_fields(chrome))
                    button.primary type="submit" { (t.change_password) }
                }
            }
            @if !page.governs.is_empty() {
                section.administration {
                    h2 { (t.administration) }
                    ul {
                        @for (name, address) in page.governs {
                            li { a href=(address) { (name) } }
                        }
                    }
                }
            }
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
            section.tokens {
                h2 { (t.tokens) }
                p { (t.tokens_help) }
                @if let Some(token) = page.new_token {
                    div.notice role="status" {
                        p { (t.token_created) }
                        pre.token { code { (token) } }
                    }
                }
                @if page.tokens.is_empty() {
                    p.empty { (t.no_tokens) }
                } @else {
                    table.listing.tokens {
                        thead { tr { th { (t.token_name) } th { (t.created) } th { (t.last_used) } th { (t.actions) } } }
                        tbody {
                            @for token in page.tokens {
                                tr {
                                    td.token-name { (token.name) }
                                    td { (token.created) }
                                    td { (token.last_used.unwrap_or(t.never)) }
                                    td.actions {
                                        form.inline method="post" action="/account/tokens/revoke" {
                                            input type="hidden" name="csrf" value=(chrome.csrf);
                                            input type="hidden" name="id" value=(token.id);
                                            button type="submit" { (t.revoke) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if let Some(error) = page.token_error {
                    p.error role="alert" { (error) }
                }
                form.stack method="post" action="/account/tokens" {
                    input type="hidden" name="csrf" value=(chrome.csrf);
                    label for="token-name" { (t.token_name) }
                    input #token-name type="text" name="name" maxlength="60" value=(page.token_name) required;
                    button.primary type="submit" { (t.create_token) }
                }
            }
        },
    )
}

/// The new password, twice.
fn new_password_fields(chrome: &Chrome) -> Markup {
    let t = chrome.t();
    html! {
        label for="new-password" { (t.new_password) }
        input #new-password type="password" name="password" autocomplete="new-password" minlength="8" required;
        label for="confirm-password" { (t.confirm_password) }
        input #confirm-password type="password" name="confirm" autocomplete="new-password" minlength="8" required;
    }
}

/// `/account/password/{link}`: a person sets a password with a one-time link (`name` is whose,
/// `None` when the link is worth nothing).
pub fn set_password(
    chrome: &Chrome,
    name: Option<&str>,
    action: &str,
    said: Option<(&str, bool)>,
) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.set_password,
        html! {
            h1 { (t.set_password) }
            @if let Some(name) = name { p.person { strong { (name) } } }
            (message(said))
            @if name.is_some() {
                form.stack method="post" action=(action) {
                    input type="hidden" name="csrf" value=(chrome.csrf);
                    (new_password_fields(chrome))
                    button.primary type="submit" { (t.set_password) }
                }
            }
        },
    )
}
