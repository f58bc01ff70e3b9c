//! The request context: who is asking (the actor, from the session), in which language, with
//! which CSRF token and on which host; worked out once per request by the [`context`]
//! middleware, which also turns error marks into pages and adds the security headers, among
//! them the one `Cache-Control` of every answer (see [`Cacheable`]).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::access::{self, Actor};
use crate::config::{Config, WikiConfig};
use crate::error::{Bad, Error};
use crate::farm::Farm;
use crate::i18n::Lang;
use crate::page_path::WikiSlug;
use crate::views::{Chrome, WikiNav};

use super::SharedState;
use super::error::{self, ErrorMark};
use super::origin::Origin;
use super::session;

/// Farm-wide paths that keep their meaning on a host that serves one wiki at its root.
const FARM_PATHS: [&str; 13] = [
    "/search",
    "/_suggest",
    "/opensearch.xml",
    "/login",
    "/logout",
    "/account",
    "/account/",
    "/_lang",
    "/_theme/",
    "/_assets/",
    "/_admin",
    "/_admin/",
    "/_org/",
];

/// Content-Security-Policy of konbit's own pages: styles and images from the farm (images also
/// from https and data: URLs, as Markdown pages embed them), and scripts from the farm only,
/// which serves one: its own (`/_assets/suggest.js`). Nothing else it serves runs as a script:
/// attachments of a script type are served as bytes, and every answer is `nosniff`.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; \
                        style-src 'self'; img-src 'self' https: data:; \
                        form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Everything a handler knows about who asks and how, beyond its own arguments.
#[derive(Clone)]
pub struct Caller {
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
    /// The `Host` header as the client sent it: never part of an answer, only compared with the
    /// `Origin` of a form (see `form`).
    pub(super) host: String,
    /// `scheme://host` of this request's site from the configuration only, for absolute links
    /// (feeds): the farm's `base_url`, or on a wiki's own host that host with the base URL's
    /// scheme and port. `None` without a base URL: the client's `Host` is not a public name.
    pub public_origin: Option<String>,
    /// The cookie value the CSRF token was made from.
    csrf_source: String,
}

impl Caller {
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
                slug: w.slug.as_str(),
                title: &w.title,
                lang: w.content_lang,
                prefix,
                settings: access::may_govern(
                    &self.config.roster,
                    &self.actor,
                    access::Governed::Wiki(w),
                ),
            }),
            opensearch: self.public_origin.is_some(),
        }
    }

    /// Whether a form's CSRF token belongs to this browser: asked by the form reader only.
    pub(super) fn csrf_valid(&self, sessions: &session::Sessions, token: &str) -> bool {
        sessions.csrf_valid(&self.csrf_source, token)
    }
}

/// How an answer may be kept by caches, as its handler declares it with [`cacheable`]. The
/// context middleware sets the one `Cache-Control` of every answer: an unmarked answer, an
/// error, a redirect, an answer that sets a cookie and any answer to a signed-in person (whose
/// name is in its header) is `private, no-store`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cacheable {
    /// The same for every visitor, such as a public wiki's page: `no-cache`, so that caches
    /// may keep it but ask again at each use (konbit sends no validators, so each use is a
    /// fresh answer: the page's forms carry each visitor's own CSRF token).
    Public,
    /// A public wiki's attachment, to a visitor: `public, max-age=60`.
    PublicFile,
    /// The same whoever asks, signed in or not (theme styles): `public, max-age=300`.
    Anyone,
}

/// Declares how an answer may be cached (see [`Cacheable`]).
pub fn cacheable(response: impl axum::response::IntoResponse, how: Cacheable) -> Response {
    let mut response = response.into_response();
    response.extensions_mut().insert(how);
    response
}

/// The `Cache-Control` of an answer.
fn cache_control(
    how: Option<Cacheable>,
    actor: &Actor,
    response: &Response,
    is_error: bool,
) -> &'static str {
    const PRIVATE: &str = "private, no-store";
    let sets_cookie = response.headers().contains_key(header::SET_COOKIE);
    if is_error || sets_cookie || !response.status().is_success() {
        return PRIVATE;
    }
    match (how, actor) {
        (Some(Cacheable::Anyone), _) => "public, max-age=300",
        (Some(Cacheable::PublicFile), Actor::Visitor) => "public, max-age=60",
        (Some(Cacheable::Public), Actor::Visitor) => "no-cache",
        _ => PRIVATE,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| Error::Internal("the context middleware did not run".into()))
    }
}

/// Works out the request context, applies host routing, and after the handler: renders error
/// pages in the person's language and adds the security headers.
pub async fn context(
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
        .unwrap_or("")
        .to_owned();
    let host_wiki = Farm::wiki_for_host(&config, &host).cloned();
    // Absolute addresses come from the configuration alone, never from what the client sent.
    let public_origin = config.farm.base_url.as_deref().and_then(|base| {
        let Some(slug) = &host_wiki else {
            return Some(base.to_owned());
        };
        // The wiki's configured name (the Host matched it), with the farm's scheme and port.
        let name = Origin::of_host("http", &host)
            .map(|origin| origin.host().to_owned())
            .filter(|name| config.hosts.get(name) == Some(slug))?;
        Some(Origin::of_url(base)?.with_host(&name).to_string())
    });
    if let Some(slug) = &host_wiki {
        let path = request.uri().path();
        if !FARM_PATHS
            .iter()
            .any(|p| path == *p || (p.ends_with('/') && path.starts_with(p)))
        {
            let rewritten = format!("/{slug}{here}");
            match rewritten.parse::<Uri>() {
                Ok(uri) => *request.uri_mut() = uri,
                Err(_) => return error::render_bare(Error::BadRequest(Bad::MalformedAddress)),
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
    // The session stands for the person as they were at sign-in; if the roster in force has
    // them otherwise (or not at all), the session ends here and the browser forgets it.
    let login = session_id
        .as_deref()
        .and_then(|id| state.sessions.person(id, &config.roster))
        .map(|person| person.login.clone());
    let ended_session = session_id.is_some() && login.is_none();
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
    let caller = Caller {
        csrf: state.sessions.csrf_token(&csrf_source),
        config: config.clone(),
        actor,
        lang,
        session,
        host_wiki,
        here,
        address: peer.ip().to_string(),
        host,
        public_origin,
        csrf_source,
    };
    request.extensions_mut().insert(caller.clone());

    let mut response = next.run(request).await;
    let mark = response.extensions_mut().remove::<ErrorMark>();
    let is_error = mark.is_some();
    if let Some(mark) = mark {
        response = error::render(&caller, mark, response);
    }
    let mut cookies = Vec::new();
    if let Some(value) = new_csrf_cookie {
        cookies.push(session::set_cookie(
            session::CSRF_COOKIE,
            &value,
            None,
            config.farm.secure_cookies,
        ));
    }
    let sets_session = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|line| {
            line.as_bytes()
                .strip_prefix(session::SESSION_COOKIE.as_bytes())
                .is_some_and(|rest| rest.starts_with(b"="))
        });
    if ended_session && !sets_session {
        cookies.push(session::clear_cookie(
            session::SESSION_COOKIE,
            config.farm.secure_cookies,
        ));
    }
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    let how = response.extensions().get::<Cacheable>().copied();
    let cache = cache_control(how, &caller.actor, &response, is_error);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
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

#[cfg(test)]
mod tests {
    use super::FARM_PATHS;
    use crate::config::RESERVED_WIKI_SLUGS;
    use crate::page_path::WikiSlug;

    /// A wiki whose slug is one of the farm's own addresses would be hidden behind it.
    #[test]
    fn every_farm_address_that_could_be_a_slug_is_reserved() {
        for path in FARM_PATHS {
            let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
            if WikiSlug::parse(first).is_some() {
                assert!(
                    RESERVED_WIKI_SLUGS.contains(&first),
                    "{path}: `{first}` is not in config::RESERVED_WIKI_SLUGS"
                );
            }
        }
    }
}
