//! Administration: a wiki's settings and grants, an organisation's members, the farm's page
//! (organisations, wikis and their health, people), the audit trail, and setting a password
//! with a one-time link.

use maud::{Markup, html};

use super::{Chrome, layout, message, role_label};
use crate::diff::{DiffLine, LineKind};
use crate::i18n::Messages;
use crate::roster::Role;

/// A message above a form: its text, and whether it is an error.
pub type Said<'a> = Option<(&'a str, bool)>;

/// What every administration form carries and shows: the fingerprint of the configuration it
/// was made from, what to say, and the errors of a configuration broken on disk.
pub struct AdminForm<'a> {
    pub digest: &'a str,
    pub said: Said<'a>,
    /// The configuration on disk is invalid: its errors, and nothing can be saved.
    pub broken: Option<&'a str>,
}

fn said(form: &AdminForm) -> Markup {
    message(form.said)
}

/// The hidden fields of every administration form.
fn hidden(chrome: &Chrome, form: &AdminForm) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(chrome.csrf);
        input type="hidden" name="digest" value=(form.digest);
    }
}

fn role_select(t: &Messages, name: &str, selected: Option<Role>, with_none: bool) -> Markup {
    html! {
        select name=(name) aria-label=(t.role) {
            @for role in [Role::Reader, Role::Editor, Role::Admin] {
                option value=(role.as_str()) selected[selected == Some(role)] { (role_label(t, role)) }
            }
            @if with_none {
                option value="none" { (t.remove) }
            }
        }
    }
}

fn people_select(t: &Messages, people: &[(&str, &str)]) -> Markup {
    html! {
        select name="login" aria-label=(t.person) required {
            @for (login, name) in people {
                option value=(login) { (name) " (" (login) ")" }
            }
        }
    }
}

/// A role held by a person, as a table row shows it.
pub struct RoleRow<'a> {
    pub login: &'a str,
    pub name: &'a str,
    pub role: Role,
}

/// `/{wiki}/_settings`.
pub struct SettingsPage<'a> {
    pub action: &'a str,
    pub grants_action: &'a str,
    pub title: &'a str,
    pub visibility: &'a str,
    pub lang: &'a str,
    pub theme: &'a str,
    /// The host names, one per line; `None` when the person may not change them.
    pub hosts: Option<&'a str>,
    pub themes: &'a [String],
    pub langs: &'a [(&'static str, &'static str)],
    pub grants: &'a [RoleRow<'a>],
    /// People who may be granted a role.
    pub people: &'a [(&'a str, &'a str)],
    pub form: AdminForm<'a>,
}

pub fn settings(chrome: &Chrome, page: &SettingsPage) -> Markup {
    let t = chrome.t();
    let visibilities = [
        ("public", t.visibility_public),
        ("members", t.visibility_members),
        ("private", t.visibility_private),
    ];
    layout(
        chrome,
        t.wiki_settings,
        html! {
            h1 { (t.wiki_settings) }
            (broken(t, &page.form))
            (said(&page.form))
            form.stack.settings method="post" action=(page.action) {
                (hidden(chrome, &page.form))
                label for="title" { (t.wiki_title) }
                input #title type="text" name="title" maxlength="200" value=(page.title) required;
                label for="visibility" { (t.visibility) }
                select #visibility name="visibility" {
                    @for (value, label) in visibilities {
                        option value=(value) selected[page.visibility == value] { (label) }
                    }
                }
                label for="lang" { (t.content_language) }
                select #lang name="lang" {
                    @for (code, name) in page.langs {
                        option value=(code) selected[page.lang == *code] { (name) }
                    }
                }
                label for="theme" { (t.theme) }
                select #theme name="theme" {
                    @for theme in page.themes {
                        option value=(theme) selected[page.theme == theme] { (theme) }
                    }
                }
                @if let Some(hosts) = page.hosts {
                    label for="hosts" { (t.host_names) }
                    textarea #hosts name="hosts" rows="3" { (hosts) }
                }
                button.primary type="submit" { (t.save) }
            }
            section.grants {
                h2 { (t.grants) }
                (role_table(chrome, &page.form, page.grants_action, page.grants, t.no_grants))
                (add_role(chrome, &page.form, page.grants_action, page.people))
            }
        },
    )
}

fn broken(t: &Messages, form: &AdminForm) -> Markup {
    html! {
        @if let Some(errors) = form.broken {
            div.error.config-broken role="alert" {
                p { (t.config_broken) }
                @if !errors.is_empty() {
                    pre { (errors) }
                }
            }
        }
    }
}

fn role_table(
    chrome: &Chrome,
    form: &AdminForm,
    action: &str,
    rows: &[RoleRow],
    empty: &str,
) -> Markup {
    let t = chrome.t();
    html! {
        @if rows.is_empty() {
            p.empty { (empty) }
        } @else {
            table.listing.roles {
                thead { tr { th { (t.person) } th { (t.role) } th { (t.actions) } } }
                tbody {
                    @for row in rows {
                        tr data-login=(row.login) {
                            td.person { (row.name) " (" (row.login) ")" }
                            td.role { (role_label(t, row.role)) }
                            td.actions {
                                form.inline method="post" action=(action) {
                                    (hidden(chrome, form))
                                    input type="hidden" name="login" value=(row.login);
                                    (role_select(t, "role", Some(row.role), true))
                                    button type="submit" { (t.change) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn add_role(chrome: &Chrome, form: &AdminForm, action: &str, people: &[(&str, &str)]) -> Markup {
    let t = chrome.t();
    html! {
        @if !people.is_empty() {
            form.inline.add-role method="post" action=(action) {
                (hidden(chrome, form))
                (people_select(t, people))
                (role_select(t, "role", Some(Role::Editor), false))
                button.primary type="submit" { (t.add) }
            }
        }
    }
}

/// `/_org/{slug}`.
pub struct OrganisationPage<'a> {
    pub name: &'a str,
    pub action: &'a str,
    pub members: &'a [RoleRow<'a>],
    /// People of the roster who are not members.
    pub people: &'a [(&'a str, &'a str)],
    /// The organisation's wikis: title and settings address.
    pub wikis: &'a [(&'a str, String)],
    pub form: AdminForm<'a>,
}

pub fn organisation(chrome: &Chrome, page: &OrganisationPage) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        page.name,
        html! {
            h1 { (page.name) }
            (broken(t, &page.form))
            (said(&page.form))
            section.members {
                h2 { (t.members) }
                (role_table(chrome, &page.form, page.action, page.members, ""))
                (add_role(chrome, &page.form, page.action, page.people))
            }
            @if !page.wikis.is_empty() {
                section.org-wikis {
                    h2 { (t.organisation_wikis) }
                    ul {
                        @for (title, settings) in page.wikis {
                            li { (title) " — " a href=(settings) { (t.settings) } }
                        }
                    }
                }
            }
        },
    )
}

/// A wiki on the farm's page, with its health.
pub struct WikiRow<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub owner: &'a str,
    pub visibility: &'a str,
    /// `None` when the repository is present and valid, else why not.
    pub problem: Option<&'a str>,
    pub size: String,
    pub last_change: Option<String>,
    pub caught_up: bool,
}

/// A person on the farm's page.
pub struct PersonRow<'a> {
    pub login: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub farm_admin: bool,
    pub disabled: bool,
    pub has_password: bool,
}

/// A button that turns a person's flag (`disabled`, `farm_admin`) the other way, labelled
/// `(when on, when off)`.
fn toggle(
    chrome: &Chrome,
    form: &AdminForm,
    flag: &str,
    person: &PersonRow,
    on: bool,
    labels: (&str, &str),
) -> Markup {
    let action = format!("/_admin/people/{}", flag.replace('_', "-"));
    html! {
        form.inline method="post" action=(action) {
            (hidden(chrome, form))
            input type="hidden" name="login" value=(person.login);
            input type="hidden" name=(flag) value=(if on { "false" } else { "true" });
            button type="submit" { (if on { labels.0 } else { labels.1 }) }
        }
    }
}

/// `/_admin`.
pub struct FarmPage<'a> {
    pub organisations: &'a [(&'a str, &'a str, usize)],
    pub wikis: &'a [WikiRow<'a>],
    pub people: &'a [PersonRow<'a>],
    pub langs: &'a [(&'static str, &'static str)],
    /// A one-time link just made: for whom, and the address.
    pub new_link: Option<(&'a str, &'a str)>,
    /// What was typed in a refused form: its action, and its fields.
    pub kept: Option<(&'a str, &'a [(String, String)])>,
    /// A wiki whose retirement is to be confirmed.
    pub confirm_retire: Option<&'a str>,
    pub form: AdminForm<'a>,
}

impl FarmPage<'_> {
    /// The value typed in field `field` of the form sent to `action`, when it was refused.
    fn kept(&self, action: &str, field: &str) -> &str {
        self.kept
            .filter(|(sent_to, _)| *sent_to == action)
            .and_then(|(_, fields)| fields.iter().find(|(name, _)| *name == field))
            .map_or("", |(_, value)| value.as_str())
    }

    /// A field of the form sent to `action`, holding what was typed in it if it was refused.
    fn field(&self, action: &str, kind: &str, name: &str, label: &str, maxlength: u32) -> Markup {
        html! {
            input type=(kind) name=(name) placeholder=(label) aria-label=(label) maxlength=(maxlength) value=(self.kept(action, name)) required;
        }
    }
}

pub fn farm(chrome: &Chrome, page: &FarmPage) -> Markup {
    let t = chrome.t();
    let visibilities = [
        ("public", t.visibility_public),
        ("members", t.visibility_members),
        ("private", t.visibility_private),
    ];
    let form = &page.form;
    layout(
        chrome,
        t.farm_administration,
        html! {
            h1 { (t.farm_administration) }
            p { a href="/_admin/audit" { (t.audit_trail) } }
            (broken(t, form))
            (said(form))
            @if let Some(slug) = page.confirm_retire {
                div.notice.confirm-retire role="alert" data-slug=(slug) {
                    p { strong { (slug) } " — " (t.retire_confirm) }
                    form.inline method="post" action="/_admin/wikis/retire" {
                        (hidden(chrome, form))
                        input type="hidden" name="wiki" value=(slug);
                        input type="hidden" name="confirm" value="yes";
                        button.primary type="submit" { (t.retire) }
                    }
                    " "
                    a href="/_admin" { (t.cancel) }
                }
            }
            @if let Some((login, link)) = page.new_link {
                div.notice.password-link role="status" data-login=(login) {
                    p { (t.password_link_made) }
                    pre { code { (link) } }
                }
            }
            section.organisations {
                h2 { (t.organisations) }
                table.listing {
                    thead { tr { th { (t.slug) } th { (t.name) } th { (t.members) } } }
                    tbody {
                        @for (slug, name, members) in page.organisations {
                            tr data-slug=(slug) {
                                td { a href={ "/_org/" (slug) } { (slug) } }
                                td { (name) }
                                td { (members) }
                            }
                        }
                    }
                }
                form.inline.create method="post" action="/_admin/organisations" {
                    (hidden(chrome, form))
                    (page.field("/_admin/organisations", "text", "slug", t.slug, 63))
                    (page.field("/_admin/organisations", "text", "name", t.name, 100))
                    button.primary type="submit" { (t.create_organisation) }
                }
            }
            section.wikis {
                h2 { (t.wikis) }
                table.listing.health {
                    thead { tr {
                        th { (t.slug) } th { (t.owner) } th { (t.visibility) } th { (t.repository) }
                        th { (t.size_on_disk) } th { (t.last_change) } th { (t.derived_state) } th { (t.actions) }
                    } }
                    tbody {
                        @for wiki in page.wikis {
                            tr data-slug=(wiki.slug) {
                                td { a href={ "/" (wiki.slug) "/" } { (wiki.title) } " (" (wiki.slug) ")" }
                                td { (wiki.owner) }
                                td { (wiki.visibility) }
                                td.repository {
                                    @match wiki.problem {
                                        None => { (t.health_ok) }
                                        Some(problem) => { span.error { (problem) } }
                                    }
                                }
                                td.size { (wiki.size) }
                                td.when { (wiki.last_change.as_deref().unwrap_or("—")) }
                                td.derived { @if wiki.caught_up { (t.caught_up) } @else { (t.catching_up) } }
                                td.actions {
                                    a href={ "/" (wiki.slug) "/_settings" } { (t.settings) }
                                    " "
                                    form.inline method="post" action="/_admin/wikis/retire" {
                                        (hidden(chrome, form))
                                        input type="hidden" name="wiki" value=(wiki.slug);
                                        button type="submit" { (t.retire) }
                                    }
                                }
                            }
                        }
                    }
                }
                form.inline.create method="post" action="/_admin/wikis" {
                    (hidden(chrome, form))
                    (page.field("/_admin/wikis", "text", "slug", t.slug, 63))
                    (page.field("/_admin/wikis", "text", "title", t.wiki_title, 200))
                    @let owner = page.kept("/_admin/wikis", "owner");
                    select name="owner" aria-label=(t.owner) {
                        @for (slug, name, _) in page.organisations {
                            option value=(slug) selected[*slug == owner] { (name) }
                        }
                    }
                    @let visibility = match page.kept("/_admin/wikis", "visibility") { "" => "private", kept => kept };
                    select name="visibility" aria-label=(t.visibility) {
                        @for (value, label) in visibilities {
                            option value=(value) selected[value == visibility] { (label) }
                        }
                    }
                    @let lang = match page.kept("/_admin/wikis", "lang") { "" => chrome.lang.code(), kept => kept };
                    select name="lang" aria-label=(t.content_language) {
                        @for (code, name) in page.langs {
                            option value=(code) selected[*code == lang] { (name) }
                        }
                    }
                    button.primary type="submit" { (t.create_wiki) }
                }
            }
            section.people {
                h2 { (t.people) }
                table.listing.people {
                    thead { tr { th { (t.login) } th { (t.name) } th { (t.email_address) } th { (t.actions) } } }
                    tbody {
                        @for person in page.people {
                            tr data-login=(person.login) {
                                td { (person.login) }
                                td {
                                    (person.name)
                                    @if person.farm_admin { " · " span.farm-admin { (t.farm_admin_badge) } }
                                    @if person.disabled { " · " span.disabled { (t.disabled) } }
                                    @if !person.has_password { " · " span.no-password { (t.no_password_yet) } }
                                }
                                td { (person.email) }
                                td.actions {
                                    (toggle(chrome, form, "disabled", person, person.disabled, (t.enable, t.disable)))
                                    (toggle(chrome, form, "farm_admin", person, person.farm_admin, (t.unmake_farm_admin, t.make_farm_admin)))
                                    @if !person.disabled {
                                        form.inline method="post" action="/_admin/people/link" {
                                            input type="hidden" name="csrf" value=(chrome.csrf);
                                            input type="hidden" name="login" value=(person.login);
                                            button type="submit" { (t.password_link) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                form.inline.create method="post" action="/_admin/people" {
                    (hidden(chrome, form))
                    (page.field("/_admin/people", "text", "login", t.login, 64))
                    (page.field("/_admin/people", "text", "name", t.display_name, 100))
                    (page.field("/_admin/people", "email", "email", t.email_address, 254))
                    button.primary type="submit" { (t.add_person) }
                }
            }
        },
    )
}

/// One change of the audit trail.
pub struct AuditRow<'a> {
    pub commit: &'a str,
    /// Who made it; `None` for a change found on disk.
    pub by: Option<&'a str>,
    pub when: &'a str,
    pub message: &'a str,
    pub files: &'a [(&'static str, Vec<DiffLine>)],
    pub undoable: bool,
}

/// `/_admin/audit`.
/// Changed lines beyond which a file's change in the trail starts folded.
const LONG_CHANGE: usize = 40;

pub fn audit(chrome: &Chrome, rows: &[AuditRow], form: &AdminForm) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.audit_trail,
        html! {
            h1 { (t.audit_trail) }
            p { a href="/_admin" { (t.farm_administration) } }
            (broken(t, form))
            (said(form))
            @if rows.is_empty() {
                p.empty { (t.no_changes_recorded) }
            }
            ol.audit {
                @for row in rows {
                    li.change data-commit=(row.commit) {
                        p.what {
                            span.by { (row.by.unwrap_or(t.audit_on_disk)) }
                            " · " span.when { (row.when) }
                            " · " code.message { (row.message) }
                        }
                        @for (file, lines) in row.files {
                            @let added = lines.iter().filter(|line| line.kind == LineKind::Added).count();
                            @let removed = lines.iter().filter(|line| line.kind == LineKind::Removed).count();
                            // A long change (the first state found, a file rewritten) starts folded.
                            details.file open[added + removed <= LONG_CHANGE] {
                            summary { code { (file) } " " span.count { "+" (added) " −" (removed) } }
                            table.diff {
                                @for line in lines {
                                    @let class = match line.kind {
                                        LineKind::Added => "added",
                                        LineKind::Removed => "removed",
                                        LineKind::Same => "same",
                                        LineKind::Gap => "gap",
                                    };
                                    tr class=(class) {
                                        td.sign { @match line.kind {
                                            LineKind::Added => "+",
                                            LineKind::Removed => "−",
                                            LineKind::Same => " ",
                                            LineKind::Gap => "…",
                                        } }
                                        td.text { code { (line.text) } }
                                    }
                                }
                            }
                            }
                        }
                        @if row.undoable {
                            form.inline method="post" action="/_admin/audit/undo" {
                                (hidden(chrome, form))
                                input type="hidden" name="commit" value=(row.commit);
                                button type="submit" { (t.undo) }
                            }
                        }
                    }
                }
            }
        },
    )
}
