//! Theme files: `themes/<theme>/style.css` from the themes folder, with the default theme built
//! into the binary so that the farm has a face even without the folder.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::Response;

use crate::error::Error;

use super::context::{Cacheable, cacheable};
use super::{Caller, SharedState, blocking};

const DEFAULT_STYLE: &str = include_str!("../../themes/default/style.css");

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
