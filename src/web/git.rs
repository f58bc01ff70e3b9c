//! git's smart HTTP protocol: `git clone http://HOST/{wiki}.git`, fetch and push.
//!
//! Routed beside the HTML surfaces, outside their middleware: no session, no CSRF cookie, no
//! HTML error page. Each request is authenticated (HTTP Basic: a roster login with its password
//! or a personal token), then the gate decides (`Farm::open_git`, the same policy as every other
//! surface) before anything is spawned, on every endpoint: a client may skip `info/refs`. The
//! server side of the protocol is git's own `http-backend`, spawned with a clean environment; the
//! request body is streamed into it and its answer streamed out, never a whole pack in memory.
//! Only the smart endpoints exist; nothing else of a repository is ever served.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use futures_util::StreamExt as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use crate::access::{Action, Actor};
use crate::error::Error;
use crate::farm::{Farm, GitAccess};
use crate::hook;
use crate::page_path::WikiSlug;

use super::{SharedState, blocking};

/// The oldest git whose `http-backend` speaks everything konbit relies on: protocol v2 by
/// default, partial clone filters, the push quarantine.
pub const MIN_GIT_VERSION: (u32, u32) = (2, 26);

/// How long a successful password check for git is remembered: one clone or push makes several
/// requests, and each argon2 check costs tens of milliseconds.
const LOGIN_MEMORY: Duration = Duration::from_secs(10 * 60);
const MAX_REMEMBERED_LOGINS: usize = 4096;
/// The largest request body of a clone or fetch negotiation (wants and haves).
const MAX_NEGOTIATION_BYTES: usize = 64 << 20;

/// The git found at start-up, and the logins recently checked for it.
pub struct GitServer {
    /// Why git's server cannot run here, when it cannot.
    unavailable: Option<String>,
    secret: [u8; 32],
    logins: Mutex<HashMap<[u8; 32], Instant>>,
    /// How long a request's body may go without a byte before the exchange is ended.
    body_timeout: Duration,
    /// One permit for each exchange served at once, held until its git processes have ended.
    exchanges: Arc<tokio::sync::Semaphore>,
}

impl GitServer {
    /// Looks for git and its `http-backend`; says what is missing if anything is. A request
    /// whose body goes `body_timeout` without a byte is ended (git's process with it); at most
    /// `max_exchanges` are served at once.
    pub fn detect(body_timeout: Duration, max_exchanges: usize) -> GitServer {
        let unavailable = match check_git() {
            Ok(version) => {
                tracing::info!(%version, "git found: clone and push over HTTP are served");
                None
            }
            Err(why) => {
                tracing::error!("{why}; clone and push over HTTP are unavailable");
                Some(why)
            }
        };
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the system random source is available");
        GitServer {
            unavailable,
            secret,
            logins: Mutex::new(HashMap::new()),
            body_timeout,
            exchanges: Arc::new(tokio::sync::Semaphore::new(max_exchanges)),
        }
    }

    /// The key under which a successful password check is remembered: it changes with the
    /// password and with the roster's hash of it, so a changed password is checked again.
    fn login_key(&self, login: &str, password: &str, stored_hash: &str) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("any key length works");
        for part in [login, password, stored_hash] {
            mac.update(part.as_bytes());
            mac.update(&[0]);
        }
        mac.finalize().into_bytes().into()
    }

    fn remembered(&self, key: &[u8; 32]) -> bool {
        let mut logins = self.logins.lock().expect("logins lock is never poisoned");
        match logins.get(key) {
            Some(at) if at.elapsed() < LOGIN_MEMORY => true,
            Some(_) => {
                logins.remove(key);
                false
            }
            None => false,
        }
    }

    fn remember(&self, key: [u8; 32]) {
        let mut logins = self.logins.lock().expect("logins lock is never poisoned");
        if logins.len() >= MAX_REMEMBERED_LOGINS {
            logins.retain(|_, at| at.elapsed() < LOGIN_MEMORY);
            if logins.len() >= MAX_REMEMBERED_LOGINS {
                logins.clear();
            }
        }
        logins.insert(key, Instant::now());
    }
}

/// `git --version`, checked against [`MIN_GIT_VERSION`], and the presence of `http-backend`.
fn check_git() -> Result<String, String> {
    let output = std::process::Command::new("git")
        .arg("--version")
        .env_clear()
        .env("PATH", search_path())
        .output()
        .map_err(|error| {
            format!(
                "git is not installed ({error}); install git {}.{} or newer",
                MIN_GIT_VERSION.0, MIN_GIT_VERSION.1
            )
        })?;
    let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let version = text.strip_prefix("git version ").unwrap_or("");
    let mut numbers = version.split('.').map(|n| {
        n.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse::<u32>()
            .unwrap_or(0)
    });
    let found = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    if found < MIN_GIT_VERSION {
        return Err(format!(
            "git {}.{} or newer is needed, found `{text}`",
            MIN_GIT_VERSION.0, MIN_GIT_VERSION.1
        ));
    }
    let exec_path = std::process::Command::new("git")
        .arg("--exec-path")
        .env_clear()
        .env("PATH", search_path())
        .output()
        .map_err(|error| format!("git --exec-path failed: {error}"))?;
    let exec_path = PathBuf::from(String::from_utf8_lossy(&exec_path.stdout).trim());
    if !exec_path.join("git-http-backend").exists() {
        return Err(format!(
            "git's http-backend is missing from {} (install the full git package)",
            exec_path.display()
        ));
    }
    Ok(text)
}

/// The program search path given to git: the server's own, or the usual places.
fn search_path() -> String {
    std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".to_owned())
}

/// Whether a request is for git: its first segment names a repository (`/{wiki}.git/…`).
pub fn is_git_path(path: &str) -> bool {
    path.trim_start_matches('/')
        .split('/')
        .next()
        .is_some_and(|first| first.ends_with(".git"))
}

/// The smart endpoints, and what each needs.
enum Endpoint {
    /// `GET info/refs?service=…`: the advertisement of refs.
    Refs(Service),
    /// `POST git-upload-pack` or `git-receive-pack`: the exchange itself.
    Exchange(Service),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Service {
    UploadPack,
    ReceivePack,
}

impl Service {
    fn parse(name: &str) -> Option<Service> {
        match name {
            "git-upload-pack" => Some(Service::UploadPack),
            "git-receive-pack" => Some(Service::ReceivePack),
            _ => None,
        }
    }

    fn action(self) -> Action {
        match self {
            Service::UploadPack => Action::Read,
            Service::ReceivePack => Action::Write,
        }
    }
}

/// An answer in plain text, as git shows it to the person.
fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        format!("{text}\n"),
    )
        .into_response()
}

/// A plain answer asking the client to try again in `seconds`.
fn retry_later(status: StatusCode, text: &str, seconds: u64) -> Response {
    let mut response = plain(status, text);
    if let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The answer that asks for credentials: the same for a private wiki and a missing one.
fn challenge() -> Response {
    let mut response = plain(StatusCode::UNAUTHORIZED, "Authentication required");
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"konbit\", charset=\"UTF-8\""),
    );
    response
}

fn not_found() -> Response {
    plain(StatusCode::NOT_FOUND, "Repository not found")
}

/// The login and secret of a Basic `Authorization` header.
fn credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (login, secret) = text.split_once(':')?;
    Some((login.trim().to_ascii_lowercase(), secret.to_owned()))
}

/// Every request under `/{wiki}.git/`.
pub async fn handle(
    State(state): State<SharedState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let config = state.farm.config();
    let path = request.uri().path().to_owned();
    let Some((repository, rest)) = path.trim_start_matches('/').split_once('/') else {
        return not_found();
    };
    let Some(slug) = repository.strip_suffix(".git").and_then(WikiSlug::parse) else {
        return not_found();
    };
    let query = request.uri().query().unwrap_or("").to_owned();
    let endpoint = match (request.method(), rest) {
        (&Method::GET, "info/refs") => {
            let service = query
                .split('&')
                .find_map(|pair| pair.strip_prefix("service="))
                .and_then(Service::parse);
            match service {
                Some(service) => Endpoint::Refs(service),
                // The dumb protocol is not served.
                None => {
                    return plain(
                        StatusCode::BAD_REQUEST,
                        "Only git's smart protocol is served",
                    );
                }
            }
        }
        (&Method::POST, service) => match Service::parse(service) {
            Some(service) => Endpoint::Exchange(service),
            None => return not_found(),
        },
        _ => return not_found(),
    };
    // A host that serves one wiki serves that wiki's repository only.
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if Farm::wiki_for_host(&config, host).is_some_and(|served| *served != slug) {
        return not_found();
    }
    let service = match endpoint {
        Endpoint::Refs(service) | Endpoint::Exchange(service) => service,
    };
    let address = peer.ip().to_string();
    let actor = match credentials(request.headers()) {
        None => Actor::Visitor,
        Some((login, secret)) => match authenticate(&state, &login, &secret, &address).await {
            Ok(Some(actor)) => actor,
            Ok(None) => return challenge(),
            Err(response) => return *response,
        },
    };
    let farm = state.farm.clone();
    let (checked_config, checked_actor, checked_slug) =
        (config.clone(), actor.clone(), slug.clone());
    let access = blocking(move || {
        farm.open_git(
            &checked_config,
            &checked_actor,
            checked_slug.as_str(),
            service.action(),
        )
    })
    .await;
    let access = match (access, &actor) {
        (Ok(access), _) => access,
        // A visitor is asked to sign in, for a private wiki and a missing one alike.
        (Err(Error::NotFound | Error::Forbidden), Actor::Visitor) => return challenge(),
        (Err(Error::NotFound), Actor::Person(_)) => return not_found(),
        (Err(Error::Forbidden), Actor::Person(_)) => {
            return plain(
                StatusCode::FORBIDDEN,
                "You may read this wiki but not push to it",
            );
        }
        (Err(error), _) => {
            tracing::error!(wiki = %slug, %error, "git request failed");
            return plain(StatusCode::SERVICE_UNAVAILABLE, "This wiki is unavailable");
        }
    };
    if let Some(why) = &state.git.unavailable {
        return plain(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("git is unavailable on this server: {why}"),
        );
    }
    let login = actor.login().map(str::to_owned);
    match run_backend(&state, access, login, request, rest, &query, &address).await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(wiki = %slug, %error, "git http-backend failed");
            plain(StatusCode::INTERNAL_SERVER_ERROR, "The git server failed")
        }
    }
}

/// Checks a login and its password or personal token, with the sign-in form's slowing of
/// repeated failures. `Ok(None)`: refused (answer with a new challenge).
async fn authenticate(
    state: &SharedState,
    login: &str,
    secret: &str,
    address: &str,
) -> Result<Option<Actor>, Box<Response>> {
    if login.len() > 64 || secret.len() > 1024 {
        return Ok(None);
    }
    let throttle = state.sessions.sign_in_throttle(login, address);
    if let Some(wait) = throttle.refuse {
        tracing::warn!(%login, %address, "git sign-in refused after repeated failures");
        return Err(Box::new(retry_later(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed attempts; wait and try again",
            wait.as_secs(),
        )));
    }
    if !throttle.slow_down.is_zero() {
        tokio::time::sleep(throttle.slow_down).await;
    }
    let config = state.farm.config();
    let stored_hash = config
        .roster
        .person(login)
        .and_then(|person| person.password.clone());
    let key = state
        .git
        .login_key(login, secret, stored_hash.as_deref().unwrap_or(""));
    let accepted = if stored_hash.is_some() && state.git.remembered(&key) {
        true
    } else {
        let (farm, login_owned, secret_owned) =
            (state.farm.clone(), login.to_owned(), secret.to_owned());
        let checked = blocking(move || {
            if farm.config().roster.person(&login_owned).is_none() {
                // An unknown login costs a password check too.
                farm.config()
                    .roster
                    .check_password(&login_owned, &secret_owned);
                return Ok(None);
            }
            if let Some(name) = farm.tokens().check(&login_owned, &secret_owned)? {
                return Ok(Some(format!("token {name}")));
            }
            Ok(farm
                .config()
                .roster
                .check_password(&login_owned, &secret_owned)
                .map(|_| "password".to_owned()))
        })
        .await;
        match checked {
            Ok(Some(how)) => {
                if how == "password" {
                    state.git.remember(key);
                }
                tracing::info!(%login, by = %how, "git sign-in");
                true
            }
            Ok(None) => false,
            Err(error) => {
                tracing::error!(%login, %error, "git sign-in could not be checked");
                false
            }
        }
    };
    if accepted {
        state.sessions.sign_in_succeeded(login, address);
        Ok(Some(Actor::Person(login.to_owned())))
    } else {
        state.sessions.sign_in_failed(login, address);
        tracing::warn!(%login, %address, "git sign-in refused");
        Ok(None)
    }
}

/// git's configuration for one request: the smart services, and for pushes the checks before
/// refs move (git's own, then konbit's hooks).
fn backend_config(access: &GitAccess, max_push: usize) -> Vec<String> {
    let mut config = vec![
        "http.uploadpack=true".to_owned(),
        format!("http.receivepack={}", access.may_push()),
        "uploadpack.allowFilter=true".to_owned(),
        "receive.fsckObjects=true".to_owned(),
        "receive.denyDeletes=true".to_owned(),
        "receive.denyNonFastForwards=true".to_owned(),
        format!("receive.maxInputSize={max_push}"),
        // Housekeeping would make the push's answer wait; it is not the person's business.
        "receive.autogc=false".to_owned(),
        format!(
            "core.hooksPath={}",
            std::path::absolute(access.hooks_dir())
                .unwrap_or_else(|_| access.hooks_dir())
                .display()
        ),
    ];
    // fsck's warnings about names a wiki can never hold become errors.
    for check in [
        "hasDot",
        "hasDotdot",
        "hasDotgit",
        "duplicateEntries",
        "fullPathname",
        "emptyName",
        "nullSha1",
        "zeroPaddedFilemode",
        "badFilemode",
    ] {
        config.push(format!("receive.fsck.{check}=error"));
    }
    config
}

/// Spawns `git http-backend` for the request and streams the exchange.
async fn run_backend(
    state: &SharedState,
    access: GitAccess,
    login: Option<String>,
    request: Request,
    rest: &str,
    query: &str,
    address: &str,
) -> std::io::Result<Response> {
    // Each exchange holds git's processes until it ends: beyond the bound, a newcomer is asked
    // to come back rather than queue processes without end.
    let Ok(permit) = state.git.exchanges.clone().try_acquire_owned() else {
        tracing::warn!(wiki = %access.slug, "as many git exchanges as allowed are under way; one more asked to retry");
        return Ok(retry_later(
            StatusCode::SERVICE_UNAVAILABLE,
            "The farm is busy serving clones and pushes; try again in a few seconds",
            5,
        ));
    };
    let config = state.farm.config();
    let max_push = config.farm.max_push_bytes;
    let pushing = rest == "git-receive-pack";
    if pushing {
        // The head before the push is known, so that the move it makes is published even when
        // no one has read the wiki since the server started.
        let (farm, config, slug) = (state.farm.clone(), config.clone(), access.slug.clone());
        if let Err(error) = blocking(move || farm.observe(&config, &slug)).await {
            tracing::debug!(%error, "the head before the push is unknown");
        }
    }
    let mut command = tokio::process::Command::new("git");
    for setting in backend_config(&access, max_push) {
        command.arg("-c").arg(setting);
    }
    command
        .arg("http-backend")
        .env_clear()
        .env("PATH", search_path())
        .env("HOME", access.project_root())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_PROJECT_ROOT", access.project_root())
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("PATH_INFO", format!("/{}.git/{rest}", access.slug))
        .env("REQUEST_METHOD", request.method().as_str())
        .env("QUERY_STRING", query)
        .env("REMOTE_ADDR", address)
        // The hooks run inside the repository: they need absolute paths.
        .env(
            hook::CONFIG_VAR,
            std::path::absolute(state.farm.config_dir())?,
        )
        .env(hook::DATA_VAR, std::path::absolute(access.project_root())?)
        .env(hook::WIKI_VAR, access.slug.as_str());
    if let (Some(login), true) = (&login, access.may_push()) {
        // http-backend enables receive-pack for an authenticated person only.
        command
            .env("REMOTE_USER", login)
            .env(hook::LOGIN_VAR, login);
    }
    let headers = request.headers();
    // No CONTENT_LENGTH: the body is streamed in within its bound and stdin closed at its end,
    // so git reads to the end of stdin. Told a length, git's http-backend reads a push in a
    // loop that never ends when the body is shorter (a client gone mid-way): it would spin
    // forever, one processor each.
    for (variable, name) in [
        ("CONTENT_TYPE", header::CONTENT_TYPE),
        ("HTTP_CONTENT_ENCODING", header::CONTENT_ENCODING),
    ] {
        if let Some(value) = headers.get(name).and_then(|v| v.to_str().ok()) {
            command.env(variable, value);
        }
    }
    let protocol = headers
        .get("git-protocol")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() < 256 && v.bytes().all(|b| b.is_ascii_graphic()));
    if let Some(protocol) = protocol {
        command.env("GIT_PROTOCOL", protocol);
    }
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn()?;

    // The request body, streamed in within its bound; a client that stops mid-way (gone, or
    // silent for `body_timeout`) leaves git with a truncated request, which it refuses and
    // cleans up: its process ends rather than wait for ever.
    let limit = if pushing {
        max_push.saturating_add(16 << 20)
    } else {
        MAX_NEGOTIATION_BYTES
    };
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let mut body = request.into_body().into_data_stream();
    let slug = access.slug.clone();
    let (stalled_slug, body_timeout) = (slug.clone(), state.git.body_timeout);
    tokio::spawn(async move {
        let mut sent = 0usize;
        loop {
            let chunk = match tokio::time::timeout(body_timeout, body.next()).await {
                Ok(Some(Ok(chunk))) => chunk,
                Ok(Some(Err(_)) | None) => break,
                Err(_) => {
                    tracing::warn!(wiki = %stalled_slug, seconds = body_timeout.as_secs(), "a git request's body stopped coming; the request is ended");
                    break;
                }
            };
            sent += chunk.len();
            if sent > limit || stdin.write_all(&chunk).await.is_err() {
                break;
            }
        }
        // Dropping stdin closes it: git sees the end of the request.
    });
    let stderr = child.stderr.take().expect("stderr is piped");
    let log_slug = slug.clone();
    tokio::spawn(async move {
        // Read to the end whatever git writes (a line that is not UTF-8 included): a pipe
        // closed early would kill git with SIGPIPE on its next message.
        let mut stderr = BufReader::new(stderr);
        let mut line = Vec::new();
        while stderr
            .read_until(b'\n', &mut line)
            .await
            .is_ok_and(|n| n > 0)
        {
            let text = String::from_utf8_lossy(&line);
            let text: String = text.trim_end().chars().take(2000).collect();
            tracing::warn!(wiki = %log_slug, "git: {text}");
            line.clear();
        }
    });

    // The CGI header block, then the body as it comes.
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut status = StatusCode::OK;
    let mut response_headers = HeaderMap::new();
    loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).await? == 0 {
            break;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("status") {
            let code = value
                .split_whitespace()
                .next()
                .and_then(|c| c.parse::<u16>().ok());
            status = code
                .and_then(|c| StatusCode::from_u16(c).ok())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        } else if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response_headers.append(name, value);
        }
    }
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));

    // The answer is pumped by a task of its own, which owns git. When the client goes, or stops
    // reading for `body_timeout`, a push still runs to its end, its output drained, so that git
    // finishes its hooks and cleans up after itself (a pipe closed under it would kill it half-
    // way, its quarantined objects left behind); a clone nobody reads is stopped. After the last
    // byte, and before the answer ends, the branch move (if the push made one) is published:
    // when `git push` returns, the web already shows it.
    let (sender, receiver) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(4);
    let after = pushing.then(|| (state.farm.clone(), config.clone(), slug.clone()));
    tokio::spawn(async move {
        let mut client = Some(sender);
        let mut buffer = vec![0u8; 64 << 10];
        loop {
            let read = match stdout.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(read) => read,
            };
            let Some(to_client) = &client else {
                continue;
            };
            let chunk = Bytes::copy_from_slice(&buffer[..read]);
            let sent = tokio::time::timeout(body_timeout, to_client.send(Ok(chunk))).await;
            if !matches!(sent, Ok(Ok(()))) {
                if !pushing {
                    break;
                }
                client = None;
            }
        }
        // A clone broken off ends at git's next write; a push has ended already.
        drop(stdout);
        let _ = child.wait().await;
        // git's processes have ended: the place is free.
        drop(permit);
        if let Some((farm, config, slug)) = after {
            let noticed = blocking(move || farm.observe(&config, &slug)).await;
            if let Err(error) = noticed {
                tracing::debug!(%error, "the branch move is noticed by the next reader");
            }
        }
        drop(client);
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = status;
    *response.headers_mut() = response_headers;
    Ok(response)
}
