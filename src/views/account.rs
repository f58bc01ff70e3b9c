//! Signing in and the account page.

use maud::{Markup, html};

use super::{Chrome, layout, role_label};
use crate::roster::Role;

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
