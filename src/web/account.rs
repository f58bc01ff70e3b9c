//! Signing in and out, the account page and the choice of language.

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::access::{self, Governed};
use crate::config::Config;
use crate::config::edit::{Change, EditRefused};
use crate::dates::format_date;
use crate::error::{Bad, Error};
use crate::farm::{ConfigForForm, PasswordRefused};
use crate::i18n::{Lang, Messages};
use crate::password_links::LinkRefused;
use crate::tokens;
use crate::urls;
use crate::views::{self, Membership, TokenRow};

use super::form::{self, csrf_form};
use super::session::{self, is_local_path};
use super::{Caller, FARM_FORM_LIMIT, SharedState, blocking, config_for_form, error};

fn local_or_home(next: Option<&str>) -> String {
    next.filter(|next| is_local_path(next))
        .unwrap_or("/")
        .to_owned()
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    login: Option<String>,
    saved: Option<String>,
}

pub async fn login_form(caller: Caller, Query(query): Query<NextQuery>) -> Response {
    let next = local_or_home(query.next.as_deref());
    let login = query.login.as_deref().unwrap_or("");
    let t = caller.lang.messages();
    let said = query.saved.as_ref().map(|_| (t.password_set, false));
    views::login(&caller.chrome(None), &next, login, said).into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response, Error> {
    let submitted: LoginForm = form::read(&state, &caller, request, FARM_FORM_LIMIT).await?;
    let next = local_or_home(submitted.next.as_deref());
    let login = submitted.login.trim().to_ascii_lowercase();
    if login.len() > 64 || submitted.password.len() > 1024 {
        return Err(Error::BadRequest(Bad::CredentialsTooLong));
    }
    let throttle = state.sessions.sign_in_throttle(&login, &caller.address);
    if let Some(wait) = throttle.refuse {
        tracing::warn!(%login, address = %caller.address, "sign-in refused after repeated failures");
        return Ok(error::too_many_attempts(wait.as_secs().max(1)));
    }
    if !throttle.slow_down.is_zero() {
        tokio::time::sleep(throttle.slow_down).await;
    }
    let config = caller.config.clone();
    let checked_login = login.clone();
    let password = submitted.password;
    let accepted = blocking(move || {
        Ok(config
            .roster
            .check_password(&checked_login, &password)
            .is_some())
    })
    .await?;
    // A person the roster has but who may hold no session is answered like a wrong password.
    let person = caller.config.roster.person(&login).filter(|_| accepted);
    // A new session id at every sign-in: an id planted before sign-in is worth nothing after.
    let started = person.and_then(|person| state.sessions.start(person));
    let Some(id) = started else {
        state.sessions.sign_in_failed(&login, &caller.address);
        tracing::info!(%login, address = %caller.address, "sign-in refused");
        let t = caller.lang.messages();
        let page = views::login(
            &caller.chrome(None),
            &next,
            &login,
            Some((t.sign_in_failed, true)),
        );
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    state.sessions.sign_in_succeeded(&login, &caller.address);
    if let Some(old) = &caller.session {
        state.sessions.end(old);
    }
    tracing::info!(%login, "signed in");
    let cookie = session::set_cookie(
        session::SESSION_COOKIE,
        &id,
        Some(session::session_max_age()),
        caller.config.farm.secure_cookies,
    );
    redirect_with_cookie(&next, &cookie)
}

fn redirect_with_cookie(next: &str, cookie: &str) -> Result<Response, Error> {
    let mut response = Redirect::to(next).into_response();
    let value = HeaderValue::from_str(cookie)
        .map_err(|e| Error::Internal(format!("cookie header: {e}")))?;
    response.headers_mut().append(header::SET_COOKIE, value);
    Ok(response)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response, Error> {
    let _: CsrfForm = form::read(&state, &caller, request, FARM_FORM_LIMIT).await?;
    if let Some(id) = &caller.session {
        state.sessions.end(id);
    }
    let cookie = session::clear_cookie(session::SESSION_COOKIE, caller.config.farm.secure_cookies);
    redirect_with_cookie("/", &cookie)
}

#[derive(Deserialize)]
pub struct AccountQuery {
    saved: Option<String>,
}

/// The administration pages the person may open: the farm's, their organisations', their
/// wikis' settings (each as the policy answers).
fn governed_places(config: &Config, caller: &Caller) -> Vec<(String, String)> {
    let roster = &config.roster;
    let actor = &caller.actor;
    let mut places = Vec::new();
    if access::may_govern(roster, actor, Governed::Farm) {
        places.push((
            caller.lang.messages().farm_administration.to_owned(),
            "/_admin".to_owned(),
        ));
    }
    for org in roster.organisations.values() {
        if access::may_govern(roster, actor, Governed::Organisation(&org.slug)) {
            places.push((org.name.clone(), format!("/_org/{}", org.slug)));
        }
    }
    for wiki in config.wikis.values() {
        if access::may_govern(roster, actor, Governed::Wiki(wiki)) {
            let settings = urls::settings(&caller.prefix(&wiki.slug));
            places.push((
                format!("{} — {}", wiki.title, caller.lang.messages().settings),
                settings,
            ));
        }
    }
    places
}

pub async fn account(
    State(state): State<SharedState>,
    caller: Caller,
    Query(query): Query<AccountQuery>,
) -> Result<Response, Error> {
    let t = caller.lang.messages();
    let saved = query.saved.as_deref();
    let details = Details {
        typed: None,
        message: (saved == Some("details")).then_some((t.details_saved, false)),
        password: (saved == Some("password")).then_some((t.password_changed, false)),
    };
    render_account(&state, &caller, None, None, "", details, StatusCode::OK).await
}

/// What the details form shows besides the roster's values: what was typed, and a message;
/// and what the password form says.
#[derive(Default)]
struct Details<'a> {
    typed: Option<(&'a str, &'a str)>,
    message: Option<(&'a str, bool)>,
    password: Option<(&'a str, bool)>,
}

#[derive(Deserialize)]
pub struct DetailsSubmitted {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    digest: String,
}

/// `POST /account/details`: the person's own display name and e-mail, written into
/// `roster.toml` unless the configuration changed on disk since the form was shown.
pub async fn set_details(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response, Error> {
    let login = caller.actor.login().ok_or(Error::Forbidden)?.to_owned();
    let submitted: DetailsSubmitted = form::read(&state, &caller, request, FARM_FORM_LIMIT).await?;
    let (farm, actor) = (state.farm.clone(), caller.actor.clone());
    let change = Change::PersonDetails {
        login,
        name: submitted.name.clone(),
        email: submitted.email.clone(),
    };
    let digest = submitted.digest.clone();
    let written = blocking(move || farm.change_config(&actor, &digest, change)).await?;
    let t = caller.lang.messages();
    let refused = match written {
        Ok(()) => return Ok(Redirect::to("/account?saved=details").into_response()),
        Err(refused) => refused,
    };
    let (text, status) = error::config_refusal(t, &refused);
    let details = Details {
        // A stale form starts again from the values on disk.
        typed: (!matches!(refused, EditRefused::Stale))
            .then_some((submitted.name.as_str(), submitted.email.as_str())),
        message: Some((&text, true)),
        password: None,
    };
    render_account(&state, &caller, None, None, "", details, status).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// The words for a password that was not set.
fn password_refusal(t: &Messages, refused: &PasswordRefused) -> (String, StatusCode) {
    let bad = StatusCode::BAD_REQUEST;
    match refused {
        PasswordRefused::Link(LinkRefused::Invalid) => {
            (t.link_invalid.to_owned(), StatusCode::NOT_FOUND)
        }
        PasswordRefused::Link(LinkRefused::Expired) => {
            (t.link_expired.to_owned(), StatusCode::GONE)
        }
        PasswordRefused::WrongPassword => (t.wrong_password.to_owned(), StatusCode::FORBIDDEN),
        PasswordRefused::TooShort => (t.password_too_short.to_owned(), bad),
        PasswordRefused::TooLong => (t.password_too_long.to_owned(), bad),
        PasswordRefused::Edit(refused) => error::config_refusal(t, refused),
    }
}

/// `POST /account/password`: a person changes their own password, giving the current one.
pub async fn change_password(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response, Error> {
    let login = caller.actor.login().ok_or(Error::Forbidden)?.to_owned();
    let submitted: PasswordForm = form::read(&state, &caller, request, FARM_FORM_LIMIT).await?;
    let t = caller.lang.messages();
    // The current password is checked like a sign-in: repeated failures are slowed, then refused.
    let throttle = state.sessions.sign_in_throttle(&login, &caller.address);
    if let Some(wait) = throttle.refuse {
        return Ok(error::too_many_attempts(wait.as_secs().max(1)));
    }
    if !throttle.slow_down.is_zero() {
        tokio::time::sleep(throttle.slow_down).await;
    }
    let refused = if submitted.password != submitted.confirm {
        (t.passwords_differ.to_owned(), StatusCode::BAD_REQUEST)
    } else {
        let (farm, actor) = (state.farm.clone(), caller.actor.clone());
        let changed =
            blocking(move || farm.change_password(&actor, &submitted.current, &submitted.password))
                .await?;
        match changed {
            Ok(()) => {
                state.sessions.sign_in_succeeded(&login, &caller.address);
                // The old session ended with the old password: a new one, at once.
                let config = state.farm.config();
                let Some(id) = config
                    .roster
                    .person(&login)
                    .and_then(|p| state.sessions.start(p))
                else {
                    return Ok(Redirect::to("/login").into_response());
                };
                super::follow_roster(&state);
                let cookie = session::set_cookie(
                    session::SESSION_COOKIE,
                    &id,
                    Some(session::session_max_age()),
                    config.farm.secure_cookies,
                );
                return redirect_with_cookie("/account?saved=password", &cookie);
            }
            Err(refused) => {
                if let PasswordRefused::WrongPassword = refused {
                    state.sessions.sign_in_failed(&login, &caller.address);
                }
                password_refusal(t, &refused)
            }
        }
    };
    let details = Details {
        password: Some((refused.0.as_str(), true)),
        ..Details::default()
    };
    render_account(&state, &caller, None, None, "", details, refused.1).await
}

/// Whom a one-time link is for (their display name), if it is still good, and where its form
/// is sent.
async fn link_holder(
    state: &SharedState,
    link: &str,
) -> Result<(Result<String, LinkRefused>, String), Error> {
    let (farm, checked) = (state.farm.clone(), link.to_owned());
    let person = blocking(move || farm.password_link_person(&checked)).await?;
    let config = state.farm.config();
    let name = person.map(|login| {
        config
            .roster
            .people
            .get(&login)
            .map_or(login, |person| person.name.clone())
    });
    let action = format!("/account/password/{}", urls::query_value(link));
    Ok((name, action))
}

/// `GET /account/password/{link}`: the form of a one-time link, for anyone who holds it.
pub async fn password_link_form(
    State(state): State<SharedState>,
    caller: Caller,
    Path(link): Path<String>,
) -> Result<Response, Error> {
    let (holder, action) = link_holder(&state, &link).await?;
    let chrome = caller.chrome(None);
    Ok(match holder {
        Ok(name) => views::set_password(&chrome, Some(&name), &action, None).into_response(),
        Err(refused) => {
            let t = caller.lang.messages();
            let (text, status) = password_refusal(t, &PasswordRefused::Link(refused));
            let page = views::set_password(&chrome, None, &action, Some((&text, true)));
            (status, page).into_response()
        }
    })
}

#[derive(Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /account/password/{link}`: the password set, the link used up; then sign in.
pub async fn set_password_with_link(
    State(state): State<SharedState>,
    caller: Caller,
    Path(link): Path<String>,
    request: Request,
) -> Result<Response, Error> {
    let submitted: NewPasswordForm = form::read(&state, &caller, request, FARM_FORM_LIMIT).await?;
    let t = caller.lang.messages();
    let (holder, action) = link_holder(&state, &link).await?;
    let refused = if submitted.password != submitted.confirm && holder.is_ok() {
        (t.passwords_differ.to_owned(), StatusCode::BAD_REQUEST)
    } else {
        let farm = state.farm.clone();
        let set = blocking(move || farm.set_password_with_link(&link, &submitted.password)).await?;
        match set {
            Ok(login) => {
                super::follow_roster(&state);
                let next = format!("/login?login={}&saved=password", urls::query_value(&login));
                return Ok(Redirect::to(&next).into_response());
            }
            Err(refused) => password_refusal(t, &refused),
        }
    };
    // A link refused meanwhile no longer says whom it was for.
    let shown_name = match refused.1 {
        StatusCode::NOT_FOUND | StatusCode::GONE => None,
        _ => holder.as_deref().ok(),
    };
    let chrome = caller.chrome(None);
    let page = views::set_password(&chrome, shown_name, &action, Some((&refused.0, true)));
    Ok((refused.1, page).into_response())
}

/// The account page, with a token just made or the reason one was not, and what the details
/// and password forms say.
async fn render_account(
    state: &SharedState,
    caller: &Caller,
    new_token: Option<&str>,
    token_error: Option<&str>,
    token_name: &str,
    details: Details<'_>,
    status: StatusCode,
) -> Result<Response, Error> {
    let Some(login) = caller.actor.login() else {
        return Ok(Redirect::to("/login?next=%2Faccount").into_response());
    };
    // The roster in force now: the details form starts from the newest values.
    let ConfigForForm {
        config: newest,
        digest,
        ..
    } = config_for_form(state).await?;
    let person = newest.roster.person(login).ok_or(Error::NotFound)?;
    let (shown_name, shown_email) = details
        .typed
        .unwrap_or((person.name.as_str(), person.email.as_str()));
    let memberships: Vec<Membership> = caller
        .config
        .roster
        .memberships(login)
        .map(|(org, role)| Membership {
            organisation: &org.name,
            role,
        })
        .collect();
    let governs = governed_places(&newest, caller);
    let (farm, owner) = (state.farm.clone(), login.to_owned());
    let tokens = blocking(move || farm.tokens().list(&owner)).await?;
    let dates: Vec<(String, Option<String>)> = tokens
        .iter()
        .map(|token| (format_date(token.created), token.last_used.map(format_date)))
        .collect();
    let rows: Vec<TokenRow> = tokens
        .iter()
        .zip(&dates)
        .map(|(token, (created, last_used))| TokenRow {
            id: &token.id,
            name: &token.name,
            created,
            last_used: last_used.as_deref(),
        })
        .collect();
    let page = views::AccountPage {
        name: &person.name,
        email: &person.email,
        memberships: &memberships,
        farm_admin: person.farm_admin,
        tokens: &rows,
        new_token,
        token_error,
        token_name,
        details: views::DetailsForm {
            name: shown_name,
            email: shown_email,
            digest: &digest,
            message: details.message,
        },
        password: details.password,
        governs: &governs,
    };
    Ok((status, views::account(&caller.chrome(None), &page)).into_response())
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// `POST /account/tokens`: makes a personal token and shows it, once.
pub async fn create_token(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response, Error> {
    let login = caller.actor.login().ok_or(Error::Forbidden)?.to_owned();
    let submitted: TokenForm = form::read(&state, &caller, request, FARM_FORM_LIMIT).await?;
    let (farm, name) = (state.farm.clone(), submitted.name.clone());
    let owner = login.clone();
    let made = blocking(move || farm.tokens().create(&owner, &name)).await?;
    let t = caller.lang.messages();
    match made {
        Ok(token) => {
            tracing::info!(%login, name = %submitted.name.trim(), "personal token created");
            let details = Details::default();
            render_account(
                &state,
                &caller,
                Some(&token),
                None,
                "",
                details,
                StatusCode::OK,
            )
            .await
        }
        Err(refused) => {
            let why = match refused {
                tokens::Refused::EmptyName => t.token_empty_name,
                tokens::Refused::NameTooLong => t.token_name_too_long,
                tokens::Refused::TooMany => t.token_too_many,
            };
            let status = StatusCode::BAD_REQUEST;
            let name = &submitted.name;
            render_account(
                &state,
                &caller,
                None,
                Some(why),
                name,
                Details::default(),
                status,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
}

/// `POST /account/tokens/revoke`: the token stops working at the next request.
pub async fn revoke_token(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response, Error> {
    let login = caller.actor.login().ok_or(Error::Forbidden)?.to_owned();
    let submitted: RevokeForm = form::read(&state, &caller, request, FARM_FORM_LIMIT).await?;
    let farm = state.farm.clone();
    let owner = login.clone();
    let revoked = blocking(move || farm.tokens().revoke(&owner, &submitted.id)).await?;
    if revoked {
        tracing::info!(%login, "personal token revoked");
    }
    Ok(Redirect::to("/account").into_response())
}

csrf_form!(
    LoginForm,
    CsrfForm,
    LangForm,
    TokenForm,
    RevokeForm,
    DetailsSubmitted,
    PasswordForm,
    NewPasswordForm
);

#[derive(Deserialize)]
pub struct LangForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
    next: Option<String>,
}

pub async fn set_lang(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response, Error> {
    let submitted: LangForm = form::read(&state, &caller, request, FARM_FORM_LIMIT).await?;
    let lang = Lang::parse(&submitted.lang).ok_or(Error::BadRequest(Bad::UnknownLanguage))?;
    let cookie = session::set_cookie(
        session::LANG_COOKIE,
        lang.code(),
        Some(std::time::Duration::from_secs(365 * 24 * 3600)),
        caller.config.farm.secure_cookies,
    );
    redirect_with_cookie(&local_or_home(submitted.next.as_deref()), &cookie)
}
