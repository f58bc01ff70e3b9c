//! The HTTP front end: the router, the request context, and the one crossing into blocking code.
//!
//! The only async code of konbit and the only place that knows about requests. Handlers take a
//! [`Ctx`], ask the core (which asks the access policy) inside [`blocking`], and pass plain data
//! to `views`. No file here calls git2.

mod account;
mod assets;
mod edit;
mod error;
mod pages;
pub mod session;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};

use crate::access::Actor;
use crate::config::{Config, WikiConfig};
use crate::error::Error;
use crate::farm::{Farm, Reload};
use crate::i18n::Lang;
use crate::page_path::WikiSlug;
use crate::views::{Chrome, WikiNav};
use session::Sessions;

pub use error::ErrorMark;

/// What every handler shares.
pub struct AppState {
    pub farm: Arc<Farm>,
    pub sessions: Sessions,
}

pub type SharedState = Arc<AppState>;

/// Largest body of a farm-wide form (sign-in, sign-out, language).
const FARM_FORM_LIMIT: usize = 16 << 10;

/// Farm-wide paths that keep their meaning on a host that serves one wiki at its root.
const FARM_PATHS: [&str; 5] = ["/login", "/logout", "/account", "/_lang", "/_theme/"];

/// Content-Security-Policy of konbit's own pages: no script at all, styles and images from the
/// farm (images also from https and data: URLs, as Markdown pages embed them).
const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; \
                        form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn router(state: SharedState) -> Router {
    Router::new()
        .route("/", get(pages::farm_home))
        .route("/login", get(account::login_form).post(account::login))
        .route("/logout", post(account::logout))
        .route("/account", get(account::account))
        .route("/_lang", post(account::set_lang))
        .route("/_theme/{theme}/{file}", get(assets::theme_file))
        .route("/{wiki}", get(pages::wiki_without_slash))
        .route("/{wiki}/", get(pages::wiki_get))
        .route(
            "/{wiki}/{*rest}",
            // Wiki forms and uploads enforce their own limits, from the configuration.
            get(pages::wiki_get).post(pages::wiki_post.layer(DefaultBodyLimit::disable())),
        )
        // Every other form (sign-in, sign-out, language) is small.
        .layer(DefaultBodyLimit::max(FARM_FORM_LIMIT))
        .fallback(pages::not_found)
        .with_state(state)
}

/// Serves the farm on `listener` until `shutdown` resolves, re-reading the configuration files
/// every half second.
pub async fn serve(
    state: SharedState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let watcher = tokio::spawn(watch_config(state.farm.clone()));
    let app = axum::middleware::from_fn_with_state(state.clone(), context);
    let app = tower_layer(app, router(state));
    let result = axum::serve(
        listener,
        axum::ServiceExt::<Request>::into_make_service_with_connect_info::<SocketAddr>(app),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    watcher.abort();
    result
}

fn tower_layer<L, S>(layer: L, service: S) -> L::Service
where
    L: tower_layer::Layer<S>,
{
    layer.layer(service)
}

async fn watch_config(farm: Arc<Farm>) {
    let mut interval = tokio::time::interval(Duration::from_millis(500));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let farm = farm.clone();
        match blocking(move || Ok(farm.reload())).await {
            Ok(Ok(Reload::Applied)) => tracing::info!("configuration reloaded"),
            Ok(Ok(Reload::Unchanged)) => {}
            Ok(Err(errors)) => {
                tracing::error!("configuration refused, the previous one stays in force:\n{errors}")
            }
            Err(error) => tracing::error!(%error, "configuration reload failed"),
        }
    }
}

/// Runs blocking work (git, argon2, files) off the async executor. A panic in it becomes an
/// internal error for this request only.
pub async fn blocking<T, F>(work: F) -> Result<T, Error>
where
    F: FnOnce() -> Result<T, Error> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(join_error) => Err(Error::Internal(format!(
            "blocking task failed: {join_error}"
        ))),
    }
}

/// Everything a handler knows about the request beyond its own arguments, worked out once by
/// the `context` middleware.
#[derive(Clone)]
pub struct Ctx {
    pub config: Arc<Config>,
    /// The signed-in person (only while the roster still has them), or a visitor.
    pub actor: Actor,
    pub lang: Lang,
    /// The session id, when signed in.
    pub session: Option<String>,
    pub csrf: String,
    /// The wiki this host serves at its root, if any.
    pub host_wiki: Option<WikiSlug>,
    /// The address as the browser sees it (before host routing), for `next=`.
    pub here: String,
    pub address: String,
    /// `scheme://host` of the farm as the browser reaches it, for absolute links (feeds).
    pub origin: String,
    /// The cookie value the CSRF token was made from.
    csrf_source: String,
}

impl Ctx {
    /// The URL prefix of a wiki's pages, ending in '/'.
    pub fn prefix(&self, slug: &WikiSlug) -> String {
        if self.host_wiki.as_ref() == Some(slug) {
            "/".to_owned()
        } else {
            format!("/{slug}/")
        }
    }

    pub fn person_name(&self) -> Option<&str> {
        let login = self.actor.login()?;
        self.config.roster.person(login).map(|p| p.name.as_str())
    }

    /// The page chrome, for a farm page (`wiki` = None) or a wiki's page.
    pub fn chrome<'a>(&'a self, wiki: Option<(&'a WikiConfig, &'a str)>) -> Chrome<'a> {
        Chrome {
            lang: self.lang,
            farm_name: &self.config.farm.name,
            person: self.person_name(),
            csrf: &self.csrf,
            here: &self.here,
            theme: wiki.map_or("default", |(w, _)| w.theme.as_str()),
            wiki: wiki.map(|(w, prefix)| WikiNav {
                title: &w.title,
                lang: w.lang,
                prefix,
            }),
        }
    }

    /// Whether a form's CSRF token belongs to this browser.
    pub fn csrf_valid(&self, sessions: &Sessions, token: &str) -> bool {
        sessions.csrf_valid(&self.csrf_source, token)
    }

    /// Refuses a form whose CSRF token does not belong to this browser.
    pub fn check_csrf(&self, sessions: &Sessions, token: &str) -> Result<(), Error> {
        if self.csrf_valid(sessions, token) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| Error::Internal("the context middleware did not run".into()))
    }
}

/// Works out the request context, applies host routing, and after the handler: renders error
/// pages in the person's language and adds the security headers.
async fn context(
    State(state): State<SharedState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    let config = state.farm.config();
    let here = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned());

    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let host_wiki = Farm::wiki_for_host(&config, host).cloned();
    let origin = match (&config.farm.base_url, &host_wiki) {
        (Some(base), None) => base.clone(),
        _ => format!(
            "http://{}",
            if host.is_empty() { "localhost" } else { host }
        ),
    };
    if let Some(slug) = &host_wiki {
        let path = request.uri().path();
        if !FARM_PATHS
            .iter()
            .any(|p| path == *p || (p.ends_with('/') && path.starts_with(p)))
        {
            let rewritten = format!("/{slug}{here}");
            match rewritten.parse::<Uri>() {
                Ok(uri) => *request.uri_mut() = uri,
                Err(_) => return error::render_bare(Error::BadRequest("malformed address".into())),
            }
        }
    }

    let cookies = request
        .headers()
        .get(header::COOKIE)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let session_id = session::cookie(&cookies, session::SESSION_COOKIE).map(str::to_owned);
    let login = session_id
        .as_deref()
        .and_then(|id| state.sessions.login(id))
        .filter(|login| config.roster.person(login).is_some());
    let session = login.as_ref().and(session_id);
    let actor = login.map_or(Actor::Visitor, Actor::Person);

    let lang = session::cookie(&cookies, session::LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| {
            request
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|h| h.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(config.farm.default_lang);

    let mut new_csrf_cookie = None;
    let csrf_source = match (&session, session::cookie(&cookies, session::CSRF_COOKIE)) {
        (Some(id), _) => id.clone(),
        (None, Some(value)) => value.to_owned(),
        (None, None) => {
            let value = session::random_token();
            new_csrf_cookie = Some(value.clone());
            value
        }
    };
    let ctx = Ctx {
        csrf: state.sessions.csrf_token(&csrf_source),
        config: config.clone(),
        actor,
        lang,
        session,
        host_wiki,
        here,
        address: peer.ip().to_string(),
        origin,
        csrf_source,
    };
    request.extensions_mut().insert(ctx.clone());

    let mut response = next.run(request).await;
    if let Some(mark) = response.extensions_mut().remove::<ErrorMark>() {
        response = error::render(&ctx, mark, response);
    }
    let headers = response.headers_mut();
    if let Some(value) = new_csrf_cookie {
        let cookie = session::set_cookie(
            session::CSRF_COOKIE,
            &value,
            None,
            config.farm.secure_cookies,
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    response
}
