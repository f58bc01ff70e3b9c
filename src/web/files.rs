//! Attachments: the list with its upload form, uploads, and the files themselves.

use std::collections::HashMap;

use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::access::Action;
use crate::error::{Error, Result};
use crate::page_path::PagePath;
use crate::urls;
use crate::views;

use super::context::{Cacheable, cacheable};
use super::scope::Page;
use super::{Caller, SharedState, WikiRequest, form};

/// `GET /{wiki}/_files/`: the attachments and, for writers, the upload form; after an upload,
/// the Markdown to paste for the file (`uploaded`), shown only if the file is really there.
pub async fn list(
    caller: Caller,
    wiki: WikiRequest,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response> {
    let page = query.get("page").map_or("", String::as_str);
    render_list(
        &caller,
        &wiki,
        page,
        query.get("uploaded").map(String::as_str),
        None,
    )
    .await
}

async fn render_list(
    caller: &Caller,
    wiki: &WikiRequest,
    for_page: &str,
    uploaded: Option<&str>,
    error: Option<&str>,
) -> Result<Response> {
    let listing = wiki.run(Action::Read, |opened| opened.listing()).await?;
    let files: Vec<&str> = listing.files.keys().map(PagePath::as_str).collect();
    let folder = PagePath::parse(for_page)
        .map(|page| page.folder().to_owned())
        .unwrap_or_default();
    let pasted = uploaded
        .and_then(|file| PagePath::parse(file).ok())
        .filter(|file| listing.files.contains_key(file))
        .map(|file| paste_markdown(file.as_str(), &folder));
    let uploaded = pasted.as_deref();
    let chrome = wiki.chrome(caller)?;
    let page = views::FilesPage {
        prefix: &wiki.prefix,
        files: &files,
        can_write: wiki.can_write(),
        for_page,
        uploaded,
        error,
        max_mib: caller.config.farm.max_upload_bytes >> 20,
    };
    Ok(cacheable(
        views::files_page(&chrome, &page),
        Cacheable::Public,
    ))
}

/// The Markdown that shows `file` from a page in `folder`.
pub fn paste_markdown(file: &str, folder: &str) -> String {
    let depth = if folder.is_empty() {
        0
    } else {
        folder.split('/').count()
    };
    let relative = format!("{}{file}", "../".repeat(depth));
    let name = file.rsplit('/').next().unwrap_or(file);
    let target = if relative.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", relative.replace('<', "%3C").replace('>', "%3E"))
    } else {
        relative
    };
    let is_image = mime_guess::from_path(file)
        .first()
        .is_some_and(|mime| mime.type_() == mime_guess::mime::IMAGE);
    if is_image {
        format!("![{name}]({target})")
    } else {
        format!("[{name}]({target})")
    }
}

/// `POST /{wiki}/_files/`: a multipart upload.
pub async fn upload(
    State(state): State<SharedState>,
    caller: Caller,
    wiki: WikiRequest,
    request: Request,
) -> Result<Response> {
    // The right to write is asked before the form is read: a refused person learns nothing
    // from validation messages.
    wiki.require(Action::Write).await?;
    let max = caller.config.farm.max_upload_bytes;
    let upload = form::read_upload(&state, &caller, request, max).await?;
    // Browsers send a bare file name, but some send a full local path: keep its last part.
    let base_name = upload
        .file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .to_owned();
    let wanted = if upload.name.trim().is_empty() {
        base_name
    } else {
        upload.name.trim().to_owned()
    };
    let path = match PagePath::parse(&wanted) {
        Ok(path) => path,
        Err(why) => {
            let message = format!(
                "{} : {}",
                caller.lang.messages().bad_name,
                caller.lang.path_error(why)
            );
            let response = render_list(&caller, &wiki, &upload.page, None, Some(&message)).await?;
            return Ok((StatusCode::BAD_REQUEST, response).into_response());
        }
    };
    let stored = path.clone();
    let bytes = upload.bytes;
    wiki.run(Action::Write, move |opened| {
        opened.upload(&stored, &bytes, "")
    })
    .await?;
    let location = format!(
        "{}?uploaded={}&page={}",
        urls::files(&wiki.prefix),
        urls::query_value(path.as_str()),
        urls::query_value(&upload.page),
    );
    Ok(Redirect::to(&location).into_response())
}

/// `GET /{wiki}/_files/{path}`: an attachment.
pub async fn file(Page(path): Page, wiki: WikiRequest) -> Result<Response> {
    let name = path.name().to_owned();
    let bytes = wiki
        .run(Action::Read, move |opened| {
            opened.file(&path)?.ok_or(Error::NotFound)
        })
        .await?;
    Ok(cacheable(attachment(&name, bytes), Cacheable::PublicFile))
}

/// Types a browser shows without running anything of the file's.
const INLINE_TYPES: [&str; 8] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "application/pdf",
    "text/plain",
    "image/svg+xml",
];

/// Types a browser runs as a script, or as code a script loads.
fn is_script(essence: &str) -> bool {
    essence.contains("javascript")
        || essence.contains("ecmascript")
        || essence == "application/wasm"
        || essence == "text/jscript"
}

/// An attachment's response. Files that could run script in the farm's origin (HTML, SVG, XML…)
/// are confined by a sandboxing CSP, and anything not known to be inert is a download.
fn attachment(name: &str, bytes: Vec<u8>) -> Response {
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    // A script served with its own type would run if a page of the farm ever named it in a
    // script element (the pages' CSP allows the farm's scripts): it is served as bytes.
    let essence = if is_script(mime.essence_str()) {
        "application/octet-stream".to_owned()
    } else {
        mime.essence_str().to_owned()
    };
    let inline = INLINE_TYPES.contains(&essence.as_str());
    let content_type = if essence.starts_with("text/") {
        format!("{essence}; charset=utf-8")
    } else {
        essence.clone()
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox",
        ),
    );
    let ascii_name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "{}; filename=\"{ascii_name}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
