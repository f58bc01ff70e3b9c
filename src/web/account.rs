//! Signing in and out, the account page and the choice of language.

use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::config::edit::EditRefused;
use crate::dates::format_date;
use crate::error::{Bad, Error};
use crate::i18n::Lang;
use crate::tokens;
use crate::views::{self, Membership, TokenRow};

use super::form::{self, csrf_form};
use super::session::{self, is_local_path};
use super::{Caller, FARM_FORM_LIMIT, SharedState, blocking, error};

fn local_or_home(next: Option<&str>) -> String {
    next.filter(|next| is_local_path(next))
        .unwrap_or("/")
        .to_owned()
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(caller: Caller, Query(query): Query<NextQuery>) -> Response {
    let next = local_or_home(query.next.as_deref());
    views::login(&caller.chrome(None), &next, "", None).into_response()
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
        let page = views::login(&caller.chrome(None), &next, &login, Some(t.sign_in_failed));
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

pub async fn account(
    State(state): State<SharedState>,
    caller: Caller,
    Query(query): Query<AccountQuery>,
) -> Result<Response, Error> {
    let t = caller.lang.messages();
    let details = Details {
        typed: None,
        message: query.saved.is_some().then_some((t.details_saved, false)),
    };
    render_account(&state, &caller, None, None, "", details, StatusCode::OK).await
}

/// What the details form shows besides the roster's values: what was typed, and a message.
#[derive(Default)]
struct Details<'a> {
    typed: Option<(&'a str, &'a str)>,
    message: Option<(&'a str, bool)>,
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
/// `roster.toml` unless it changed on disk since the form was shown.
pub async fn set_details(
    State(state): State<SharedState>,
    caller: Caller,
    request: Request,
) -> Result<Response, Error> {
    let login = caller.actor.login().ok_or(Error::Forbidden)?.to_owned();
    let submitted: DetailsSubmitted = form::read(&state, &caller, request, FARM_FORM_LIMIT).await?;
    let farm = state.farm.clone();
    let (name, email, digest) = (
        submitted.name.clone(),
        submitted.email.clone(),
        submitted.digest.clone(),
    );
    let written =
        blocking(move || Ok(farm.set_person_details(&login, &digest, &name, &email))).await?;
    let t = caller.lang.messages();
    let typed = Some((submitted.name.as_str(), submitted.email.as_str()));
    let (details, status) = match written {
        Ok(()) => return Ok(Redirect::to("/account?saved=details").into_response()),
        // The values on disk now, to start again from.
        Err(EditRefused::Stale) => {
            let details = Details {
                typed: None,
                message: Some((t.details_stale, true)),
            };
            (details, StatusCode::CONFLICT)
        }
        Err(EditRefused::BadName) => {
            let message = Some((t.details_bad_name, true));
            (Details { typed, message }, StatusCode::BAD_REQUEST)
        }
        Err(EditRefused::BadEmail) => {
            let message = Some((t.details_bad_email, true));
            (Details { typed, message }, StatusCode::BAD_REQUEST)
        }
        Err(EditRefused::Invalid(errors)) => {
            tracing::warn!(%errors, "a change from the web would leave the configuration invalid");
            let message = Some((t.details_invalid, true));
            (Details { typed, message }, StatusCode::CONFLICT)
        }
        Err(EditRefused::Failed(why)) => return Err(Error::Internal(why)),
    };
    render_account(&state, &caller, None, None, "", details, status).await
}

/// The account page, with a token just made or the reason one was not.
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
    let newest = state.farm.config();
    let person = newest.roster.person(login).ok_or(Error::NotFound)?;
    let farm = state.farm.clone();
    let digest = blocking(move || farm.roster_digest()).await?;
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
    DetailsSubmitted
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
