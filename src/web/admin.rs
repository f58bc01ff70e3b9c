//! Administration on the web: a wiki's settings and grants (`/{wiki}/_settings`), an
//! organisation's members (`/_org/{slug}`), the farm's page (`/_admin`) and its audit trail
//! (`/_admin/audit`). Each page exists only for those the access policy lets govern what it
//! shows; everyone else gets the answer of a missing page. Every change goes through
//! `Farm::change_config`, which asks the policy again and writes nothing it refuses.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::access::{self, Governed};
use crate::config::edit::{Change, EditRefused};
use crate::config::{Config, Visibility};
use crate::dates::format_date;
use crate::error::{Error, Result};
use crate::farm::ConfigForForm;
use crate::i18n::{ContentLang, Messages};
use crate::object_id::ObjectId;
use crate::roster::Role;
use crate::urls;
use crate::views::{self, AdminForm, AuditRow, PersonRow, RoleRow, WikiRow};

use super::error::config_refusal;
use super::form::{self, csrf_form};
use super::{Caller, FARM_FORM_LIMIT, SharedState, WikiRequest, blocking, config_for_form};

/// A role as a form sends it: `none` removes.
fn parse_role(raw: &str) -> std::result::Result<Option<Role>, ()> {
    match raw {
        "none" => Ok(None),
        other => Role::parse(other).map(Some).ok_or(()),
    }
}

fn parse_visibility(raw: &str) -> Option<Visibility> {
    match raw {
        "public" => Some(Visibility::Public),
        "members" => Some(Visibility::Members),
        "private" => Some(Visibility::Private),
        _ => None,
    }
}

fn languages() -> Vec<(&'static str, &'static str)> {
    ContentLang::ALL
        .iter()
        .map(|lang| (lang.code(), lang.native_name()))
        .collect()
}

/// What a page of forms shows and carries: the configuration in force, its fingerprint, and
/// whether a hand edit broke the files on disk (with the errors, for farm admins: they name
/// every wiki and person).
struct Shown {
    config: Arc<Config>,
    digest: String,
    broken: Option<String>,
}

/// The page's starting point, for a caller who `governs` what it shows (else the answer of a
/// missing page): asked first of the configuration the request runs under, before any work,
/// then of the newest.
async fn shown(
    state: &SharedState,
    caller: &Caller,
    governs: impl Fn(&Config) -> bool,
) -> Result<Shown> {
    if !governs(&caller.config) {
        return Err(Error::NotFound);
    }
    let ConfigForForm {
        config,
        digest,
        broken,
    } = config_for_form(state).await?;
    if !governs(&config) {
        return Err(Error::NotFound);
    }
    let farm_admin = is_farm_admin(&config, caller);
    let broken = broken.map(|errors| {
        if farm_admin {
            errors.to_string()
        } else {
            String::new()
        }
    });
    Ok(Shown {
        config,
        digest,
        broken,
    })
}

/// Makes a change for the caller: `Ok(None)` when written, else the refusal in words, and
/// whether the form was stale (it then starts again from the values on disk). A new roster
/// ends at once the sessions of the people it no longer has as they were (a disabled person).
async fn change(
    state: &SharedState,
    caller: &Caller,
    digest: String,
    change: Change,
) -> Result<Option<((String, StatusCode), bool)>> {
    let (farm, actor) = (state.farm.clone(), caller.actor.clone());
    let written = blocking(move || farm.change_config(&actor, &digest, change)).await?;
    if written.is_ok() {
        super::follow_roster(state);
    }
    Ok(written.err().map(|refused| {
        let stale = matches!(refused, EditRefused::Stale);
        (config_refusal(caller.lang.messages(), &refused), stale)
    }))
}

/// "Saved" when the address says so (`?saved=…`, after a change). The query is read as it
/// is, never refused: a page answers like a missing one before anything else is looked at.
fn saved_said(t: &Messages, query: Option<&str>) -> Option<(String, StatusCode)> {
    query
        .unwrap_or("")
        .split('&')
        .any(|pair| pair == "saved" || pair.starts_with("saved="))
        .then(|| (t.changes_saved.to_owned(), StatusCode::OK))
}

/// The rows of a map of roles (members, grants), each person by their display name.
fn role_rows<'c>(config: &'c Config, roles: &'c BTreeMap<String, Role>) -> Vec<RoleRow<'c>> {
    roles
        .iter()
        .map(|(login, role)| RoleRow {
            login,
            name: config
                .roster
                .people
                .get(login)
                .map_or(login.as_str(), |person| person.name.as_str()),
            role: *role,
        })
        .collect()
}

/// The people who may act and are not in `roles` yet: whom a role may be given to.
fn candidates<'c>(config: &'c Config, roles: &BTreeMap<String, Role>) -> Vec<(&'c str, &'c str)> {
    config
        .roster
        .people
        .values()
        .filter(|person| !person.disabled && !roles.contains_key(&person.login))
        .map(|person| (person.login.as_str(), person.name.as_str()))
        .collect()
}

/// The status of a page that says `said` (200 when it says nothing).
fn status_of(said: &Option<(String, StatusCode)>) -> StatusCode {
    said.as_ref().map_or(StatusCode::OK, |(_, status)| *status)
}

/// What every administration form carries: the fingerprint, what to say, a broken file.
fn admin_form<'a>(shown: &'a Shown, said: &'a Option<(String, StatusCode)>) -> AdminForm<'a> {
    AdminForm {
        digest: &shown.digest,
        said: said
            .as_ref()
            .map(|(text, status)| (text.as_str(), !status.is_success())),
        broken: shown.broken.as_deref(),
    }
}

// ---------------------------------------------------------------- a wiki's settings

/// Values typed in the settings form, kept when it is refused.
struct TypedSettings {
    title: String,
    visibility: String,
    lang: String,
    theme: String,
    hosts: Option<String>,
}

/// Whether the caller may govern this wiki's settings; else the wiki is answered as missing.
fn require_wiki(config: &Config, caller: &Caller, slug: &str) -> Result<()> {
    let wiki = config.wiki(slug).ok_or(Error::NotFound)?;
    let governs = access::may_govern(&config.roster, &caller.actor, Governed::Wiki(wiki));
    governs.then_some(()).ok_or(Error::NotFound)
}

fn is_farm_admin(config: &Config, caller: &Caller) -> bool {
    access::may_govern(&config.roster, &caller.actor, Governed::Farm)
}

/// `GET /{wiki}/_settings`.
pub async fn settings(
    State(state): State<SharedState>,
    caller: Caller,
    wiki: WikiRequest,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    let said = saved_said(caller.lang.messages(), query.as_deref());
    render_settings(&state, &caller, &wiki, None, said).await
}

async fn render_settings(
    state: &SharedState,
    caller: &Caller,
    wiki: &WikiRequest,
    typed: Option<TypedSettings>,
    said: Option<(String, StatusCode)>,
) -> Result<Response> {
    // The configuration in force now: a form starts from the newest values.
    let slug = wiki.slug.as_str();
    let shown = shown(state, caller, |config| {
        require_wiki(config, caller, slug).is_ok()
    })
    .await?;
    let config = &shown.config;
    let settings = config.wiki(wiki.slug.as_str()).ok_or(Error::NotFound)?;
    let farm = state.farm.clone();
    let themes = blocking(move || Ok(farm.themes())).await?;
    let hosts = settings.hosts.join("\n");
    let typed = typed.unwrap_or(TypedSettings {
        title: settings.title.clone(),
        visibility: settings.visibility.as_str().to_owned(),
        lang: settings.content_lang.code().to_owned(),
        theme: settings.theme.clone(),
        hosts: None,
    });
    let grants = role_rows(config, &settings.grants);
    // Grants are for people outside the owner organisation.
    let people: Vec<(&str, &str)> = candidates(config, &settings.grants)
        .into_iter()
        .filter(|(login, _)| config.roster.role_in(&settings.owner, login).is_none())
        .collect();
    let action = urls::settings(&wiki.prefix);
    let grants_action = format!("{}/grants", urls::settings(&wiki.prefix));
    let langs = languages();
    let status = status_of(&said);
    let page = views::SettingsPage {
        action: &action,
        grants_action: &grants_action,
        title: &typed.title,
        visibility: &typed.visibility,
        lang: &typed.lang,
        theme: &typed.theme,
        hosts: is_farm_admin(config, caller).then(|| typed.hosts.as_deref().unwrap_or(&hosts)),
        themes: &themes,
        langs: &langs,
        grants: &grants,
        people: &people,
        form: admin_form(&shown, &said),
    };
    let chrome = wiki.chrome(caller)?;
    Ok((status, views::settings(&chrome, &page)).into_response())
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    theme: String,
    hosts: Option<String>,
}

/// `POST /{wiki}/_settings`: title, visibility, language, theme; host names for farm admins.
pub async fn save_settings(
    State(state): State<SharedState>,
    caller: Caller,
    wiki: WikiRequest,
    request: Request,
) -> Result<Response> {
    require_wiki(&state.farm.config(), &caller, wiki.slug.as_str())?;
    let submitted: SettingsForm = form::read(&state, &caller, request, FARM_FORM_LIMIT).await?;
    let t = caller.lang.messages();
    let farm_admin = is_farm_admin(&state.farm.config(), &caller);
    let hosts = submitted.hosts.clone().filter(|_| farm_admin);
    let typed = TypedSettings {
        title: submitted.title.clone(),
        visibility: submitted.visibility.clone(),
        lang: submitted.lang.clone(),
        theme: submitted.theme.clone(),
        hosts: hosts.clone(),
    };
    let Some(visibility) = parse_visibility(&submitted.visibility) else {
        let said = (t.refused_bad_visibility.to_owned(), StatusCode::BAD_REQUEST);
        return render_settings(&state, &caller, &wiki, Some(typed), Some(said)).await;
    };
    let hosts = hosts.map(|hosts| {
        hosts
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|host| !host.is_empty())
            .map(str::to_owned)
            .collect()
    });
    let edit = Change::WikiSettings {
        wiki: wiki.slug.to_string(),
        title: submitted.title,
        visibility,
        lang: submitted.lang,
        theme: submitted.theme,
        hosts,
    };
    match change(&state, &caller, submitted.digest, edit).await? {
        None => {
            Ok(Redirect::to(&format!("{}?saved=1", urls::settings(&wiki.prefix))).into_response())
        }
        Some((said, stale)) => {
            // A stale form starts again from the values on disk.
            let typed = (!stale).then_some(typed);
            render_settings(&state, &caller, &wiki, typed, Some(said)).await
        }
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    role: String,
}

/// `POST /{wiki}/_settings/grants`: a role granted on the wiki to a person, changed or removed.
pub async fn set_grant(
    State(state): State<SharedState>,
    caller: Caller,
    wiki: WikiRequest,
    request: Request,
) -> Result<Response> {
    require_wiki(&state.farm.config(), &caller, wiki.slug.as_str())?;
    let submitted: RoleForm = form::read(&state, &caller, request, FARM_FORM_LIMIT).await?;
    let t = caller.lang.messages();
    let Ok(role) = parse_role(&submitted.role) else {
        let said = (t.refused_bad_role.to_owned(), StatusCode::BAD_REQUEST);
        return render_settings(&state, &caller, &wiki, None, Some(said)).await;
    };
    let edit = Change::Grant {
        wiki: wiki.slug.to_string(),
        login: submitted.login,
        role,
    };
    match change(&state, &caller, submitted.digest, edit).await? {
        None => {
            Ok(Redirect::to(&format!("{}?saved=1", urls::settings(&wiki.prefix))).into_response())
        }
        Some((said, _)) => render_settings(&state, &caller, &wiki, None, Some(said)).await,
    }
}

// ---------------------------------------------------------------- an organisation

fn require_organisation(config: &Config, caller: &Caller, slug: &str) -> Result<()> {
    let exists = config.roster.organisations.contains_key(slug);
    let governs = access::may_govern(&config.roster, &caller.actor, Governed::Organisation(slug));
    (exists && governs).then_some(()).ok_or(Error::NotFound)
}

/// `GET /_org/{slug}`: the organisation's members, for its admins.
pub async fn organisation(
    State(state): State<SharedState>,
    caller: Caller,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    let said = saved_said(caller.lang.messages(), query.as_deref());
    render_organisation(&state, &caller, &slug, said).await
}

async fn render_organisation(
    state: &SharedState,
    caller: &Caller,
    slug: &str,
    said: Option<(String, StatusCode)>,
) -> Result<Response> {
    let governs = |config: &Config| require_organisation(config, caller, slug).is_ok();
    let shown = shown(state, caller, governs).await?;
    let config = &shown.config;
    let organisation = &config.roster.organisations[slug];
    let members = role_rows(config, &organisation.members);
    let people = candidates(config, &organisation.members);
    let wikis: Vec<(&str, String)> = config
        .wikis
        .values()
        .filter(|wiki| wiki.owner == slug)
        .map(|wiki| {
            (
                wiki.title.as_str(),
                urls::settings(&caller.prefix(&wiki.slug)),
            )
        })
        .collect();
    let action = format!("/_org/{slug}");
    let status = status_of(&said);
    let page = views::OrganisationPage {
        name: &organisation.name,
        action: &action,
        members: &members,
        people: &people,
        wikis: &wikis,
        form: admin_form(&shown, &said),
    };
    Ok((status, views::organisation(&caller.chrome(None), &page)).into_response())
}

/// `POST /_org/{slug}`: a member added, their role changed, or removed.
pub async fn set_member(
    State(state): State<SharedState>,
    caller: Caller,
    Path(slug): Path<String>,
    request: Request,
) -> Result<Response> {
    require_organisation(&state.farm.config(), &caller, &slug)?;
    let submitted: RoleForm = form::read(&state, &caller, request, FARM_FORM_LIMIT).await?;
    let t = caller.lang.messages();
    let Ok(role) = parse_role(&submitted.role) else {
        let said = (t.refused_bad_role.to_owned(), StatusCode::BAD_REQUEST);
        return render_organisation(&state, &caller, &slug, Some(said)).await;
    };
    let edit = Change::Member {
        organisation: slug.clone(),
        login: submitted.login,
        role,
    };
    match change(&state, &caller, submitted.digest, edit).await? {
        None => Ok(Redirect::to(&format!("/_org/{slug}?saved=1")).into_response()),
        Some((said, _)) => render_organisation(&state, &caller, &slug, Some(said)).await,
    }
}

// ---------------------------------------------------------------- the farm

fn require_farm(state: &SharedState, caller: &Caller) -> Result<()> {
    is_farm_admin(&state.farm.config(), caller)
        .then_some(())
        .ok_or(Error::NotFound)
}

/// A form of the farm's page, read only for a farm admin.
async fn farm_form<F: form::Form>(
    state: &SharedState,
    caller: &Caller,
    request: Request,
) -> Result<F> {
    require_farm(state, caller)?;
    Ok(form::read(state, caller, request, FARM_FORM_LIMIT).await?)
}

/// A form of the farm's page that makes something, with what was typed in it and where it was
/// sent (to show it again if it is refused).
async fn farm_form_kept<F: form::Form>(
    state: &SharedState,
    caller: &Caller,
    request: Request,
) -> Result<(F, Kept)> {
    require_farm(state, caller)?;
    let action = request.uri().path().to_owned();
    let (submitted, typed) = form::read_typed(state, caller, request, FARM_FORM_LIMIT).await?;
    Ok((submitted, Some((action, typed))))
}

/// `GET /_admin`: organisations, wikis with their health, people.
pub async fn farm_page(
    State(state): State<SharedState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    let said = saved_said(caller.lang.messages(), query.as_deref());
    let answer = FarmAnswer {
        said,
        ..FarmAnswer::default()
    };
    render_farm(&state, &caller, answer).await
}

/// What was typed in a refused form of the farm's page: where it was sent, and its fields.
type Kept = Option<(String, form::Typed)>;

/// What the farm's page says besides its listings.
#[derive(Default)]
struct FarmAnswer {
    said: Option<(String, StatusCode)>,
    /// A one-time link just made: for whom, and the address.
    new_link: Option<(String, String)>,
    kept: Kept,
    /// A wiki whose retirement is to be confirmed.
    confirm_retire: Option<String>,
}

impl FarmAnswer {
    fn said(said: (String, StatusCode), kept: Kept) -> FarmAnswer {
        FarmAnswer {
            said: Some(said),
            kept,
            ..FarmAnswer::default()
        }
    }
}

/// Bytes as a person reads a size.
fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1 << 10 => format!("{b} B"),
        b if b < 1 << 20 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}

async fn render_farm(state: &SharedState, caller: &Caller, answer: FarmAnswer) -> Result<Response> {
    let shown = shown(state, caller, |config| is_farm_admin(config, caller)).await?;
    let config = &shown.config;
    let (farm, actor) = (state.farm.clone(), caller.actor.clone());
    let health = blocking(move || farm.health(&actor)).await?;
    let organisations: Vec<(&str, &str, usize)> = config
        .roster
        .organisations
        .values()
        .map(|org| (org.slug.as_str(), org.name.as_str(), org.members.len()))
        .collect();
    let wikis: Vec<WikiRow> = health
        .iter()
        .filter_map(|health| {
            let wiki = config.wiki(health.slug.as_str())?;
            Some(WikiRow {
                slug: wiki.slug.as_str(),
                title: &wiki.title,
                owner: &wiki.owner,
                visibility: wiki.visibility.as_str(),
                problem: health.repository.as_ref().err().map(String::as_str),
                size: size(health.bytes),
                last_change: health.last_change.map(format_date),
                caught_up: health.caught_up,
            })
        })
        .collect();
    let people: Vec<PersonRow> = config
        .roster
        .people
        .values()
        .map(|person| PersonRow {
            login: &person.login,
            name: &person.name,
            email: &person.email,
            farm_admin: person.farm_admin,
            disabled: person.disabled,
            has_password: person.password.is_some(),
        })
        .collect();
    let langs = languages();
    let status = status_of(&answer.said);
    let page = views::FarmPage {
        organisations: &organisations,
        wikis: &wikis,
        people: &people,
        langs: &langs,
        new_link: answer
            .new_link
            .as_ref()
            .map(|(login, link)| (login.as_str(), link.as_str())),
        kept: answer
            .kept
            .as_ref()
            .map(|(action, fields)| (action.as_str(), fields.as_slice())),
        confirm_retire: answer.confirm_retire.as_deref(),
        form: admin_form(&shown, &answer.said),
    };
    Ok((status, views::farm(&caller.chrome(None), &page)).into_response())
}

/// Answers a change made from the farm's page: back to it, saying what happened.
async fn farm_change(
    state: &SharedState,
    caller: &Caller,
    digest: String,
    edit: Change,
    kept: Kept,
) -> Result<Response> {
    require_farm(state, caller)?;
    match change(state, caller, digest, edit).await? {
        None => Ok(Redirect::to("/_admin?saved=1").into_response()),
        // A stale form starts again from the values on disk; any other keeps what was typed.
        Some((said, stale)) => {
            let kept = if stale { None } else { kept };
            render_farm(state, caller, FarmAnswer::said(said, kept)).await
        }
    }
}

#[derive(Deserialize)]
pub struct OrganisationForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
}

/// `POST /_admin/organisations`.
pub async fn add_organisation(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response> {
    let (submitted, kept): (OrganisationForm, _) = farm_form_kept(&state, &caller, request).await?;
    let edit = Change::AddOrganisation {
        slug: submitted.slug.trim().to_owned(),
        name: submitted.name,
    };
    farm_change(&state, &caller, submitted.digest, edit, kept).await
}

#[derive(Deserialize)]
pub struct WikiForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    lang: String,
}

/// `POST /_admin/wikis`: a new wiki; its repository is made at once, as on first start.
pub async fn add_wiki(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response> {
    let (submitted, kept): (WikiForm, _) = farm_form_kept(&state, &caller, request).await?;
    let Some(visibility) = parse_visibility(&submitted.visibility) else {
        let t = caller.lang.messages();
        let said = (t.refused_bad_visibility.to_owned(), StatusCode::BAD_REQUEST);
        return render_farm(&state, &caller, FarmAnswer::said(said, kept)).await;
    };
    let edit = Change::AddWiki {
        slug: submitted.slug.trim().to_owned(),
        owner: submitted.owner,
        title: submitted.title,
        visibility,
        lang: submitted.lang,
    };
    farm_change(&state, &caller, submitted.digest, edit, kept).await
}

#[derive(Deserialize)]
pub struct RetireForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    wiki: String,
    /// `yes` once the admin has seen what retiring means.
    confirm: Option<String>,
}

/// `POST /_admin/wikis/retire`: the wiki leaves `farm.toml`; its repository is archived.
pub async fn retire_wiki(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response> {
    let submitted: RetireForm = farm_form(&state, &caller, request).await?;
    if submitted.confirm.as_deref() != Some("yes") {
        let answer = match state.farm.config().wiki(&submitted.wiki) {
            Some(wiki) => FarmAnswer {
                confirm_retire: Some(wiki.slug.to_string()),
                ..FarmAnswer::default()
            },
            None => {
                let t = caller.lang.messages();
                FarmAnswer::said(config_refusal(t, &EditRefused::NoSuchWiki), None)
            }
        };
        return render_farm(&state, &caller, answer).await;
    }
    let edit = Change::RetireWiki {
        wiki: submitted.wiki,
    };
    farm_change(&state, &caller, submitted.digest, edit, None).await
}

#[derive(Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
}

/// `POST /_admin/people`: a newcomer, without a password until they set one.
pub async fn add_person(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response> {
    let (submitted, kept): (PersonForm, _) = farm_form_kept(&state, &caller, request).await?;
    let edit = Change::AddPerson {
        login: submitted.login.trim().to_owned(),
        name: submitted.name,
        email: submitted.email,
    };
    farm_change(&state, &caller, submitted.digest, edit, kept).await
}

#[derive(Deserialize)]
pub struct FlagForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    login: String,
    disabled: Option<String>,
    farm_admin: Option<String>,
}

fn flag(raw: Option<&str>) -> Result<bool> {
    match raw {
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        _ => Err(Error::BadRequest(crate::error::Bad::MalformedForm)),
    }
}

/// `POST /_admin/people/disabled`: a disabled person is signed out everywhere at once and can
/// neither sign in, clone nor push; re-enabled, they can again.
pub async fn set_disabled(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response> {
    let submitted: FlagForm = farm_form(&state, &caller, request).await?;
    let edit = Change::Disabled {
        login: submitted.login,
        disabled: flag(submitted.disabled.as_deref())?,
    };
    farm_change(&state, &caller, submitted.digest, edit, None).await
}

/// `POST /_admin/people/farm-admin`.
pub async fn set_farm_admin(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response> {
    let submitted: FlagForm = farm_form(&state, &caller, request).await?;
    let edit = Change::FarmAdmin {
        login: submitted.login,
        farm_admin: flag(submitted.farm_admin.as_deref())?,
    };
    farm_change(&state, &caller, submitted.digest, edit, None).await
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
}

/// `POST /_admin/people/link`: a one-time link to set a password, shown to pass on.
pub async fn password_link(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response> {
    let submitted: LinkForm = farm_form(&state, &caller, request).await?;
    let (farm, actor, login) = (
        state.farm.clone(),
        caller.actor.clone(),
        submitted.login.clone(),
    );
    let issued = blocking(move || farm.issue_password_link(&actor, &login)).await?;
    let t = caller.lang.messages();
    match issued {
        Some(link) => {
            let base = caller.config.farm.base_url.clone().unwrap_or_default();
            let address = format!("{base}/account/password/{link}");
            let answer = FarmAnswer {
                new_link: Some((submitted.login, address)),
                ..FarmAnswer::default()
            };
            render_farm(&state, &caller, answer).await
        }
        None => {
            let said = (t.refused_no_person.to_owned(), StatusCode::BAD_REQUEST);
            render_farm(&state, &caller, FarmAnswer::said(said, None)).await
        }
    }
}

// ---------------------------------------------------------------- the audit trail

/// How many changes the audit page shows.
const AUDIT_SHOWN: usize = 200;

/// `GET /_admin/audit`.
pub async fn audit(
    State(state): State<SharedState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    let said = saved_said(caller.lang.messages(), query.as_deref());
    render_audit(&state, &caller, said).await
}

async fn render_audit(
    state: &SharedState,
    caller: &Caller,
    said: Option<(String, StatusCode)>,
) -> Result<Response> {
    let form_shown = shown(state, caller, |config| is_farm_admin(config, caller)).await?;
    let (farm, actor) = (state.farm.clone(), caller.actor.clone());
    let entries = blocking(move || farm.audit_entries(&actor, AUDIT_SHOWN)).await?;
    let shown: Vec<(String, String, Option<String>)> = entries
        .iter()
        .map(|entry| {
            let by = (!entry.login.is_empty()).then(|| format!("{} ({})", entry.name, entry.login));
            (entry.commit.to_string(), format_date(entry.time), by)
        })
        .collect();
    let rows: Vec<AuditRow> = entries
        .iter()
        .zip(&shown)
        .map(|(entry, (commit, when, by))| AuditRow {
            commit,
            by: by.as_deref(),
            when,
            message: entry.message.trim(),
            files: &entry.files,
            undoable: entry.undoable,
        })
        .collect();
    let status = status_of(&said);
    let form = admin_form(&form_shown, &said);
    Ok((status, views::audit(&caller.chrome(None), &rows, &form)).into_response())
}

#[derive(Deserialize)]
pub struct UndoForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    commit: String,
}

/// `POST /_admin/audit/undo`: the files go back to their state before a change.
pub async fn undo(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response> {
    let submitted: UndoForm = farm_form(&state, &caller, request).await?;
    let commit = ObjectId::parse(&submitted.commit).ok_or(Error::NotFound)?;
    let (farm, actor, digest) = (
        state.farm.clone(),
        caller.actor.clone(),
        submitted.digest.clone(),
    );
    let undone = blocking(move || farm.undo_config(&actor, &digest, commit)).await?;
    // An undo may re-enable or disable someone.
    super::follow_roster(&state);
    match undone {
        Ok(()) => Ok(Redirect::to("/_admin/audit?saved=1").into_response()),
        Err(refused) => {
            let said = config_refusal(caller.lang.messages(), &refused);
            render_audit(&state, &caller, Some(said)).await
        }
    }
}

csrf_form!(
    SettingsForm,
    RoleForm,
    OrganisationForm,
    WikiForm,
    RetireForm,
    PersonForm,
    FlagForm,
    LinkForm,
    UndoForm
);
