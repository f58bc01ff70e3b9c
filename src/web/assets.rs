//! Theme files: `themes/<theme>/style.css` from the themes folder, with the default theme built
//! into the binary so that the farm has a face even without the folder; and the farm's one
//! script, built in (`/_assets/suggest.js`).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::Response;

use crate::error::Error;

use super::context::{Cacheable, cacheable};
use super::{Caller, SharedState, blocking};

const DEFAULT_STYLE: &str = include_str!("../../themes/default/style.css");

/// The farm's one script: title suggestions in the search box (the box works without it).
const SUGGEST_SCRIPT: &str = include_str!("suggest.js");

/// `GET /_assets/suggest.js`.
pub async fn suggest_script() -> Response {
    let script = (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SUGGEST_SCRIPT,
    );
    cacheable(script, Cacheable::Anyone)
}

pub async fn theme_file(
    State(_state): State<SharedState>,
    caller: Caller,
    Path((theme, file)): Path<(String, String)>,
) -> Result<Response, Error> {
    let valid_name = !theme.is_empty()
        && theme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid_name || file != "style.css" {
        return Err(Error::NotFound);
    }
    let path = caller.config.farm.themes_dir.join(&theme).join(&file);
    let is_default = theme == "default";
    let css = blocking(move || match std::fs::read_to_string(&path) {
        Ok(css) => Ok(css),
        Err(_) if is_default => Ok(DEFAULT_STYLE.to_owned()),
        Err(_) => Err(Error::NotFound),
    })
    .await?;
    let css = ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css);
    Ok(cacheable(css, Cacheable::Anyone))
}
