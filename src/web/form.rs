//! The one door of every form: where it was sent from, a body read within a limit, parsed, and
//! its CSRF token checked.
//!
//! No handler reads a form any other way, so none can forget the checks. A form whose token is
//! not this browser's, or that the browser says was sent from another site, comes back as
//! [`Refused::Forged`] with what was submitted, so that the editor can still give the person
//! their text back; nothing is done with it.

use axum::body::{Bytes, to_bytes};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderMap, header};

use crate::error::{Bad, Error, Oversized};

use super::origin::Origin;
use super::{Caller, SharedState};

/// A form with a CSRF token.
pub trait Form: serde::de::DeserializeOwned {
    fn csrf(&self) -> &str;
}

/// Why a form was not accepted.
pub enum Refused<T> {
    /// The token is not this browser's (a forged or stale form), or the form was sent from
    /// another site: nothing is done with it.
    Forged(T),
    Error(Error),
}

impl<T> From<Refused<T>> for Error {
    fn from(refused: Refused<T>) -> Error {
        match refused {
            Refused::Forged(_) => Error::Forbidden,
            Refused::Error(error) => error,
        }
    }
}

/// Room for the other fields of a form besides its text.
pub const OVERHEAD: usize = 64 << 10;

fn declared_length(request: &Request) -> Option<usize> {
    request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
}

/// Where the browser says a form comes from, when that is another site than the farm (then the
/// form is refused whatever its token). Browsers say it in two headers:
///
/// - `Sec-Fetch-Site`, their own verdict: `same-origin` and `none` (the person's own doing)
///   pass; `same-site`, `cross-site` and anything else do not.
/// - `Origin`, which must be one of the farm's own origins: its `base_url` (or, without one,
///   the origin the request was sent to, by its `Host`: here the Host is only compared with the
///   browser's claim, never shown), or a wiki's configured host name (with the base URL's
///   scheme and port when there is one). `Origin: null` is no origin of the farm's.
///
/// A request with neither (old browsers, scripts) is judged by its token alone.
fn sent_from_another_site(caller: &Caller, headers: &HeaderMap) -> Option<String> {
    let text = |name| {
        headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()))
    };
    if let Some(site) = text("sec-fetch-site")
        && !matches!(site.as_ref(), "same-origin" | "none")
    {
        return Some(format!("Sec-Fetch-Site: {site}"));
    }
    let claimed = text("origin")?;
    let config = &caller.config;
    let ours = Origin::of_url(&claimed).is_some_and(|origin| {
        let wiki_host = config.hosts.contains_key(origin.host());
        match config.farm.base_url.as_deref().and_then(Origin::of_url) {
            Some(base) => origin == base || (wiki_host && origin == base.with_host(origin.host())),
            None => {
                wiki_host || Origin::of_host(origin.scheme(), &caller.host) == Some(origin.clone())
            }
        }
    });
    (!ours).then(|| format!("Origin: {claimed}"))
}

/// Refuses a form the browser says was sent from another site, logging what it said.
fn check_origin(caller: &Caller, headers: &HeaderMap) -> Result<(), String> {
    match sent_from_another_site(caller, headers) {
        None => Ok(()),
        Some(claim) => {
            tracing::warn!(
                %claim,
                base_url = caller.config.farm.base_url.as_deref().unwrap_or("(none)"),
                path = %caller.here,
                "a form sent from another site was refused"
            );
            Err(claim)
        }
    }
}

/// Reads a URL-encoded form of at most `limit` bytes (413 beyond, 400 when malformed), checks
/// that it was sent from the farm's own pages, and checks its CSRF token.
pub async fn read<T: Form>(
    state: &SharedState,
    caller: &Caller,
    request: Request,
    limit: usize,
) -> Result<T, Refused<T>> {
    Ok(read_checked(state, caller, request, limit).await?.0)
}

/// What was typed in a form, field by field (all but its token and fingerprint): to show it
/// again when the form is refused.
pub type Typed = Vec<(String, String)>;

/// Reads a form as [`read`] does, and what was typed in it.
pub async fn read_typed<T: Form>(
    state: &SharedState,
    caller: &Caller,
    request: Request,
    limit: usize,
) -> Result<(T, Typed), Refused<T>> {
    let (form, bytes) = read_checked(state, caller, request, limit).await?;
    let fields: Typed = serde_urlencoded::from_bytes(&bytes)
        .map_err(|_| Refused::Error(Error::BadRequest(Bad::MalformedForm)))?;
    let typed = fields
        .into_iter()
        .filter(|(name, _)| name != "csrf" && name != "digest")
        .collect();
    Ok((form, typed))
}

async fn read_checked<T: Form>(
    state: &SharedState,
    caller: &Caller,
    request: Request,
    limit: usize,
) -> Result<(T, Bytes), Refused<T>> {
    let same_site = check_origin(caller, request.headers()).is_ok();
    let read = match read_bytes(request, limit).await {
        Ok(bytes) => parse(&bytes).map(|form| (form, bytes)),
        Err(error) => Err(error),
    };
    // Another site's form is refused as such, however malformed.
    let (form, bytes): (T, Bytes) =
        read.map_err(|error| Refused::Error(if same_site { error } else { Error::Forbidden }))?;
    if same_site && caller.csrf_valid(&state.sessions, form.csrf()) {
        Ok((form, bytes))
    } else {
        Err(Refused::Forged(form))
    }
}

/// Reads a form without looking at its token: only to give a refused person their own text
/// back, never to act on it.
pub async fn read_unchecked<T: serde::de::DeserializeOwned>(
    request: Request,
    limit: usize,
) -> Result<T, Error> {
    parse(&read_bytes(request, limit).await?)
}

async fn read_bytes(request: Request, limit: usize) -> Result<Bytes, Error> {
    if declared_length(&request).is_some_and(|length| length > limit) {
        return Err(Error::TooLarge(Oversized::Form));
    }
    to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| Error::TooLarge(Oversized::Form))
}

fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    serde_urlencoded::from_bytes(bytes).map_err(|_| Error::BadRequest(Bad::MalformedForm))
}

/// An upload form: its text fields and one file.
#[derive(Default)]
pub struct Upload {
    pub name: String,
    pub page: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Text fields and files read from a multipart form at most.
const MAX_FIELDS: usize = 16;

/// Reads a `multipart/form-data` upload whose file is at most `max_file` bytes, by chunks (an
/// oversized field is refused before it is held whole), and checks its CSRF token.
pub async fn read_upload(
    state: &SharedState,
    caller: &Caller,
    request: Request,
    max_file: usize,
) -> Result<Upload, Error> {
    if check_origin(caller, request.headers()).is_err() {
        return Err(Error::Forbidden);
    }
    if declared_length(&request).is_some_and(|length| length > max_file + OVERHEAD) {
        return Err(Error::TooLarge(Oversized::File(max_file)));
    }
    let malformed = |_| Error::BadRequest(Bad::MalformedUpload);
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| Error::BadRequest(Bad::MalformedUpload))?;
    let mut upload = Upload::default();
    let mut csrf = String::new();
    let mut fields = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(Error::BadRequest(Bad::TooManyFields));
        }
        let field_name = field.name().unwrap_or("").to_owned();
        let (limit, too_large) = if field_name == "file" {
            upload.file_name = field.file_name().unwrap_or("").to_owned();
            (max_file, Oversized::File(max_file))
        } else {
            (OVERHEAD, Oversized::Form)
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(malformed)? {
            if bytes.len() + chunk.len() > limit {
                return Err(Error::TooLarge(too_large));
            }
            bytes.extend_from_slice(&chunk);
        }
        if field_name == "file" {
            upload.bytes = bytes;
            continue;
        }
        let text = String::from_utf8(bytes).map_err(|_| Error::BadRequest(Bad::FieldNotText))?;
        match field_name.as_str() {
            "csrf" => csrf = text,
            "name" => upload.name = text,
            "page" => upload.page = text,
            _ => {}
        }
    }
    if !caller.csrf_valid(&state.sessions, &csrf) {
        return Err(Error::Forbidden);
    }
    Ok(upload)
}

/// Declares that a form type carries its token in a field `csrf`.
macro_rules! csrf_form {
    ($($form:ty),* $(,)?) => {
        $(impl $crate::web::form::Form for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })*
    };
}
pub(crate) use csrf_form;

/// The first value named `name` in an address's query string, read leniently: any bytes make
/// some text (for the search box's `GET` forms, which carry no token).
pub fn query_value(raw: Option<&str>, name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default();
    pairs
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}
