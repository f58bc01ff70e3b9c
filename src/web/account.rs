//! Signing in and out, the account page and the choice of language.

use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::error::{Bad, Error};
use crate::i18n::Lang;
use crate::views::{self, Membership};

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
    if !accepted {
        state.sessions.sign_in_failed(&login, &caller.address);
        tracing::info!(%login, address = %caller.address, "sign-in refused");
        let t = caller.lang.messages();
        let page = views::login(&caller.chrome(None), &next, &login, Some(t.sign_in_failed));
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    }
    state.sessions.sign_in_succeeded(&login, &caller.address);
    // A new session id at every sign-in: an id planted before sign-in is worth nothing after.
    if let Some(old) = &caller.session {
        state.sessions.end(old);
    }
    let id = state.sessions.start(&login);
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
    let cookie = format!(
        "{}; Max-Age=0",
        session::set_cookie(
            session::SESSION_COOKIE,
            "",
            None,
            caller.config.farm.secure_cookies
        )
    );
    redirect_with_cookie("/", &cookie)
}

pub async fn account(caller: Caller) -> Result<Response, Error> {
    let Some(login) = caller.actor.login() else {
        return Ok(Redirect::to("/login?next=%2Faccount").into_response());
    };
    let person = caller.config.roster.person(login).ok_or(Error::NotFound)?;
    let memberships: Vec<Membership> = caller
        .config
        .roster
        .memberships(login)
        .map(|(org, role)| Membership {
            organisation: &org.name,
            role,
        })
        .collect();
    Ok(views::account(
        &caller.chrome(None),
        &person.name,
        &person.email,
        &memberships,
        person.farm_admin,
    )
    .into_response())
}

csrf_form!(LoginForm, CsrfForm, LangForm);

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
