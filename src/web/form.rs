//! The one door of every form: a body read within a limit, parsed, and its CSRF token checked.
//!
//! No handler reads a form any other way, so none can forget the check. A form whose token is
//! not this browser's comes back as [`Refused::Forged`] with what was submitted, so that the
//! editor can still give the person their text back.

use axum::body::to_bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;

use crate::error::{Bad, Error, Oversized};

use super::{Caller, SharedState};

/// A form with a CSRF token.
pub trait Form: serde::de::DeserializeOwned {
    fn csrf(&self) -> &str;
}

/// Why a form was not accepted.
pub enum Refused<T> {
    /// The token is not this browser's (a forged or stale form): nothing is done with it.
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

/// Reads a URL-encoded form of at most `limit` bytes (413 beyond, 400 when malformed) and
/// checks its CSRF token.
pub async fn read<T: Form>(
    state: &SharedState,
    caller: &Caller,
    request: Request,
    limit: usize,
) -> Result<T, Refused<T>> {
    let form: T = read_unchecked(request, limit)
        .await
        .map_err(Refused::Error)?;
    if caller.csrf_valid(&state.sessions, form.csrf()) {
        Ok(form)
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
    if declared_length(&request).is_some_and(|length| length > limit) {
        return Err(Error::TooLarge(Oversized::Form));
    }
    let bytes = to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| Error::TooLarge(Oversized::Form))?;
    serde_urlencoded::from_bytes(&bytes).map_err(|_| Error::BadRequest(Bad::MalformedForm))
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
