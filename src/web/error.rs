//! Errors become responses here, and only here: the status, the log line, the page.
//!
//! A handler's error leaves an [`ErrorMark`] on its response; the context middleware, which knows
//! the person and their language, turns the mark into a page. Internal causes are logged once and
//! never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::access::Actor;
use crate::config::edit::EditRefused;
use crate::error::Error;
use crate::i18n::Messages;
use crate::rules::Refusal;
use crate::views;

use super::Caller;

/// What page a response should get: the handler's error itself (its internal cause already
/// logged), or a sign-in refused after repeated failures.
#[derive(Clone, Debug)]
pub enum ErrorMark {
    Error(Error),
    TooManyAttempts(u64),
}

/// The status of each outcome.
pub(super) fn status(error: &Error) -> StatusCode {
    match error {
        Error::NotFound => StatusCode::NOT_FOUND,
        Error::BadRequest(_) | Error::BadName(_) => StatusCode::BAD_REQUEST,
        Error::Refused(refusal) => match refusal {
            Refusal::PageTooLarge { .. }
            | Refusal::FileTooLarge { .. }
            | Refusal::ChangeTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::FolderTaken { .. }
            | Refusal::CaseClash { .. }
            | Refusal::PageExists { .. } => StatusCode::CONFLICT,
            Refusal::Name { .. }
            | Refusal::PageAsAttachment { .. }
            | Refusal::PageNotText { .. }
            | Refusal::NotNormalized { .. }
            | Refusal::NotAFile { .. } => StatusCode::BAD_REQUEST,
        },
        Error::Forbidden => StatusCode::FORBIDDEN,
        Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match &self {
            Error::Unavailable(cause) => tracing::error!(%cause, "wiki unavailable"),
            Error::Internal(cause) => tracing::error!(%cause, "internal error"),
            _ => {}
        }
        let mut response = status(&self).into_response();
        if matches!(self, Error::TooLarge(_)) {
            // The rest of the request body is not read: the connection cannot carry another
            // request, and the client must know not to reuse it.
            response.headers_mut().insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
        }
        response.extensions_mut().insert(ErrorMark::Error(self));
        response
    }
}

/// A too-many-attempts answer, with the seconds to wait.
pub fn too_many_attempts(seconds: u64) -> Response {
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        [("retry-after", seconds.to_string())],
    )
        .into_response();
    response
        .extensions_mut()
        .insert(ErrorMark::TooManyAttempts(seconds));
    response
}

/// The page for a marked response, keeping its status and headers.
pub fn render(caller: &Caller, mark: ErrorMark, response: Response) -> Response {
    let t = caller.lang.messages();
    let chrome = caller.chrome(None);
    let page = match &mark {
        ErrorMark::Error(Error::NotFound) => views::error_page(
            &chrome,
            t.not_found_title,
            t.not_found,
            caller.actor == Actor::Visitor,
        ),
        ErrorMark::Error(Error::BadRequest(why)) => {
            let message = format!("{} ({})", t.bad_request, caller.lang.bad_request(*why));
            views::error_page(&chrome, t.bad_request_title, &message, false)
        }
        ErrorMark::Error(Error::BadName(why)) => {
            let message = format!("{} : {}", t.bad_name, caller.lang.path_error(*why));
            views::error_page(&chrome, t.bad_request_title, &message, false)
        }
        ErrorMark::Error(Error::Refused(refusal)) => {
            let message = format!("{} {}", t.nothing_saved, caller.lang.refusal(refusal));
            views::error_page(&chrome, t.refused_title, &message, false)
        }
        ErrorMark::Error(Error::Forbidden) => views::error_page(
            &chrome,
            t.forbidden_title,
            t.forbidden,
            caller.actor == Actor::Visitor,
        ),
        ErrorMark::Error(Error::TooLarge(what)) => {
            use crate::error::Oversized;
            let message = match what {
                Oversized::Text(limit) => {
                    format!("{} ({} {} {})", t.too_large, t.limit, limit >> 10, t.kib)
                }
                Oversized::File(limit) => format!(
                    "{} ({} {} {})",
                    t.too_large_file,
                    t.limit,
                    limit >> 20,
                    t.mib
                ),
                Oversized::Form => t.too_large_form.to_owned(),
            };
            views::error_page(&chrome, t.too_large_title, &message, false)
        }
        ErrorMark::Error(Error::Unavailable(_)) => {
            views::error_page(&chrome, t.unavailable_title, t.unavailable, false)
        }
        ErrorMark::Error(Error::Internal(_)) => {
            views::error_page(&chrome, t.internal_title, t.internal, false)
        }
        ErrorMark::TooManyAttempts(_) => {
            views::error_page(&chrome, t.sign_in, t.too_many_attempts, false)
        }
    };
    let (mut parts, _) = response.into_parts();
    // The marked response had an empty body; its length no longer applies.
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let page = page.into_response();
    parts.headers.extend(page.headers().clone());
    Response::from_parts(parts, page.into_body())
}

/// An error answered before any context exists: plain text, no detail.
pub fn render_bare(error: Error) -> Response {
    let status = status(&error);
    (status, status.canonical_reason().unwrap_or("error")).into_response()
}

/// What a refused change says, in the person's language, and the status of the answer.
pub(super) fn config_refusal(t: &Messages, refused: &EditRefused) -> (String, StatusCode) {
    let bad = StatusCode::BAD_REQUEST;
    let (text, status) = match refused {
        EditRefused::Stale => (t.config_stale.to_owned(), StatusCode::CONFLICT),
        EditRefused::BadName => (t.details_bad_name.to_owned(), bad),
        EditRefused::BadTitle => (t.refused_bad_title.to_owned(), bad),
        EditRefused::BadEmail => (t.details_bad_email.to_owned(), bad),
        EditRefused::BadLogin => (t.refused_bad_login.to_owned(), bad),
        EditRefused::BadSlug => (t.refused_bad_slug.to_owned(), bad),
        EditRefused::ReservedSlug => (t.refused_reserved_slug.to_owned(), bad),
        EditRefused::Taken => (t.refused_taken.to_owned(), StatusCode::CONFLICT),
        EditRefused::NoSuchPerson => (t.refused_no_person.to_owned(), bad),
        EditRefused::NoSuchOrganisation => (t.refused_no_organisation.to_owned(), bad),
        EditRefused::NoSuchWiki => (t.refused_no_wiki.to_owned(), bad),
        EditRefused::UnknownTheme => (t.refused_unknown_theme.to_owned(), bad),
        EditRefused::UnknownLanguage => (t.refused_unknown_language.to_owned(), bad),
        EditRefused::BadHost(host) => (format!("{} {host}", t.refused_bad_host), bad),
        EditRefused::LastFarmAdmin => (t.refused_last_farm_admin.to_owned(), StatusCode::CONFLICT),
        EditRefused::Broken(_) => (t.details_invalid.to_owned(), StatusCode::CONFLICT),
        EditRefused::Invalid(errors) => {
            tracing::warn!(%errors, "a change from the web would leave the configuration invalid");
            (t.refused_invalid.to_owned(), StatusCode::CONFLICT)
        }
        EditRefused::UndoConflict => (t.refused_undo_conflict.to_owned(), StatusCode::CONFLICT),
        EditRefused::PasswordsNotUndone => (
            t.refused_passwords_not_undone.to_owned(),
            StatusCode::CONFLICT,
        ),
        EditRefused::BadOrganisationName => (t.refused_bad_org_name.to_owned(), bad),
        EditRefused::Failed(why) => {
            tracing::error!(%why, "a configuration change failed");
            (
                t.refused_invalid.to_owned(),
                StatusCode::INTERNAL_SERVER_ERROR,
            )
        }
    };
    (text, status)
}
