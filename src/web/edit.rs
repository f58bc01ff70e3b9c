//! Changing wikis from the browser: the editor and its preview, saves with merges and conflicts,
//! new pages, renames, deletions, reverts and uploads.
//!
//! Every handler here reaches the wiki through `At::run(Action::Write, …)`, so the access policy
//! is asked before anything is read or written, and checks the form's CSRF token before acting.

use axum::body::to_bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::access::{Action, Actor};
use crate::error::{Error, Oversized, Result};
use crate::markdown::encode_path;
use crate::page_path::PagePath;
use crate::rules::Refusal;
use crate::urls;
use crate::views::{self, Editor, EditorState};
use crate::wiki::SaveOutcome;

use super::pages::{At, parse_oid};
use super::{Ctx, SharedState};

/// Room for the other fields of a form besides its text.
const FORM_OVERHEAD: usize = 64 << 10;

/// A visitor who opens a page meant for writers is sent to sign in first.
pub fn sign_in_to_write(ctx: &Ctx, result: Result<Response>) -> Result<Response> {
    match result {
        Err(Error::Forbidden) if ctx.actor == Actor::Visitor => Ok(Redirect::to(&format!(
            "/login?next={}",
            urls::query_value(&ctx.here)
        ))
        .into_response()),
        other => other,
    }
}

/// The answer to a refused save: nothing was written, and the person's text comes back to them
/// (their own submission; it tells nothing about the wiki, so a wiki that may not be read gets
/// exactly the same page as one that does not exist).
fn unsaved(ctx: &Ctx, status: StatusCode, text: &str) -> Response {
    (status, views::unsaved_text(&ctx.chrome(None), text)).into_response()
}

/// A save refused before its form was read (no right to write, or no such wiki): read the text
/// anyway, within the limit, to give it back.
pub async fn refused_text(ctx: &Ctx, status: StatusCode, request: Request) -> Result<Response> {
    let max = ctx.config.farm.max_page_bytes;
    let form: EditForm = read_form(request, max + FORM_OVERHEAD).await?;
    Ok(unsaved(ctx, status, &form.text))
}

/// A small form of the wiki's write surfaces, which carries a CSRF token.
trait CheckedForm: serde::de::DeserializeOwned {
    fn csrf(&self) -> &str;
}

/// Reads a small form and checks its CSRF token: the one door of the rename, delete and revert
/// forms, so that none of them can forget the check.
async fn read_checked_form<T: CheckedForm>(
    state: &SharedState,
    ctx: &Ctx,
    request: Request,
) -> Result<T> {
    let form: T = read_form(request, FORM_OVERHEAD).await?;
    ctx.check_csrf(&state.sessions, form.csrf())?;
    Ok(form)
}

/// Reads a URL-encoded form of at most `limit` bytes: 413 beyond, 400 when malformed.
async fn read_form<T: serde::de::DeserializeOwned>(request: Request, limit: usize) -> Result<T> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(Error::TooLarge(Oversized::Form));
    }
    let bytes = to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| Error::TooLarge(Oversized::Form))?;
    serde_urlencoded::from_bytes(&bytes)
        .map_err(|error| Error::BadRequest(format!("malformed form: {error}")))
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    base: String,
    #[serde(default)]
    action: String,
}

fn page_url(at: &At, path: &PagePath) -> String {
    format!("{}{}", at.prefix, encode_path(path.as_str()))
}

/// `GET /{wiki}/_edit/{page}`.
pub async fn editor_form(ctx: &Ctx, at: &At, path: PagePath) -> Result<Response> {
    let wanted = path.clone();
    let (text, head, clash) = at
        .run(Action::Write, move |wiki| {
            let (text, head) = wiki.source(&wanted)?;
            let clash = match text {
                None => wiki.listing()?.case_clash(&wanted).cloned(),
                Some(_) => None,
            };
            Ok((text, head, clash))
        })
        .await?;
    let creating = text.is_none();
    let base = head.map(|h| h.to_string()).unwrap_or_default();
    let clash = clash.map(|c| c.as_str().to_owned());
    let state = match &clash {
        Some(existing) => EditorState::Clash(existing),
        None => EditorState::Fresh,
    };
    let initial = text.unwrap_or_else(|| format!("# {}\n\n", path.name()));
    render_editor(
        ctx,
        at,
        &path,
        &initial,
        "",
        &base,
        creating,
        state,
        StatusCode::OK,
    )
}

#[allow(clippy::too_many_arguments)]
fn render_editor(
    ctx: &Ctx,
    at: &At,
    path: &PagePath,
    text: &str,
    message: &str,
    base: &str,
    creating: bool,
    state: EditorState,
    status: StatusCode,
) -> Result<Response> {
    let chrome = at.chrome(ctx)?;
    let editor = Editor {
        prefix: &at.prefix,
        path: path.as_str(),
        text,
        message,
        base,
        creating,
        max_chars: ctx.config.farm.max_page_bytes,
        state,
    };
    Ok((status, views::editor(&chrome, &editor)).into_response())
}

/// `POST /{wiki}/_edit/{page}`: preview or save.
pub async fn save(
    state: &SharedState,
    ctx: &Ctx,
    at: &At,
    path: PagePath,
    request: Request,
) -> Result<Response> {
    let max = ctx.config.farm.max_page_bytes;
    let form: EditForm =
        read_form(request, max + FORM_OVERHEAD)
            .await
            .map_err(|error| match error {
                Error::TooLarge(_) => Error::TooLarge(Oversized::Text(max)),
                other => other,
            })?;
    if !ctx.csrf_valid(&state.sessions, &form.csrf) {
        return Ok(unsaved(ctx, StatusCode::FORBIDDEN, &form.text));
    }
    if form.text.len() > max {
        return Err(Error::TooLarge(Oversized::Text(max)));
    }
    let base = match form.base.trim() {
        "" => None,
        base => Some(parse_oid(base)?),
    };
    if form.action == "preview" {
        let (wanted, text, prefix) = (path.clone(), form.text.clone(), at.prefix.clone());
        let (rendered, creating) = at
            .run(Action::Write, move |wiki| {
                let creating = wiki.source(&wanted)?.0.is_none();
                Ok((wiki.render_text(&wanted, &text, &prefix)?, creating))
            })
            .await?;
        return render_editor(
            ctx,
            at,
            &path,
            &form.text,
            &form.message,
            &form.base,
            creating,
            EditorState::Preview(&rendered.html),
            StatusCode::OK,
        );
    }
    let (wanted, text, message) = (path.clone(), form.text.clone(), form.message.clone());
    let result = at
        .run(Action::Write, move |wiki| {
            let outcome = wiki.save(&wanted, &text, base, &message)?;
            // The diff of a conflict is CPU work: done here, off the executor.
            let diff = match &outcome {
                SaveOutcome::Conflict(c) => crate::diff::lines(&c.theirs, &c.yours, 3),
                _ => Vec::new(),
            };
            Ok((outcome, diff))
        })
        .await;
    let (outcome, conflict_diff) = match result {
        Err(Error::Refused(Refusal::CaseClash { existing, .. })) => {
            return render_editor(
                ctx,
                at,
                &path,
                &form.text,
                &form.message,
                &form.base,
                true,
                EditorState::Clash(existing.as_str()),
                StatusCode::CONFLICT,
            );
        }
        Err(Error::Refused(refusal)) => {
            let message = ctx.lang.refusal(&refusal);
            return render_editor(
                ctx,
                at,
                &path,
                &form.text,
                &form.message,
                &form.base,
                false,
                EditorState::Refused(&message),
                StatusCode::CONFLICT,
            );
        }
        other => other?,
    };
    match outcome {
        SaveOutcome::Saved { merged, .. } => {
            let flag = if merged { "merged" } else { "yes" };
            Ok(Redirect::to(&format!("{}?saved={flag}", page_url(at, &path))).into_response())
        }
        SaveOutcome::Unchanged { .. } => {
            Ok(Redirect::to(&format!("{}?saved=unchanged", page_url(at, &path))).into_response())
        }
        SaveOutcome::Conflict(conflict) => {
            let diff = conflict_diff;
            render_editor(
                ctx,
                at,
                &path,
                &conflict.yours,
                &form.message,
                &conflict.head.to_string(),
                false,
                EditorState::Conflict {
                    theirs: &conflict.theirs,
                    diff: &diff,
                },
                StatusCode::CONFLICT,
            )
        }
    }
}

/// A POST to the editor of a page whose name is refused: 400, with the form and its text back.
pub async fn refused_save(
    state: &SharedState,
    ctx: &Ctx,
    at: &At,
    raw_name: &str,
    why: &str,
    request: Request,
) -> Result<Response> {
    let max = ctx.config.farm.max_page_bytes;
    let form: EditForm = read_form(request, max + FORM_OVERHEAD).await?;
    ctx.check_csrf(&state.sessions, &form.csrf)?;
    // The access check still comes first: a refused name must not reveal a wiki.
    at.run(Action::Write, |_| Ok(())).await?;
    let t = ctx.lang.messages();
    let chrome = at.chrome(ctx)?;
    let message = format!("{} : {why}", t.bad_name);
    let page = views::new_page_form(
        &chrome,
        &at.prefix,
        raw_name,
        Some(&message),
        Some(&form.text),
    );
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

/// `GET /{wiki}/_new?name=…`: the page-index form's way into the editor.
pub async fn new_page(ctx: &Ctx, at: &At, name: &str) -> Result<Response> {
    at.run(Action::Write, |_| Ok(())).await?;
    match PagePath::parse(name.trim()) {
        Ok(path) => Ok(Redirect::to(&format!(
            "{}_edit/{}",
            at.prefix,
            encode_path(path.as_str())
        ))
        .into_response()),
        Err(why) => {
            let t = ctx.lang.messages();
            let chrome = at.chrome(ctx)?;
            let message = format!("{} : {}", t.bad_name, ctx.lang.path_error(why));
            let page = views::new_page_form(&chrome, &at.prefix, name, Some(&message), None);
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
    }
}

/// Succeeds when the actor may change the wiki and the page exists.
async fn writable_page(at: &At, path: &PagePath) -> Result<()> {
    let wanted = path.clone();
    at.run(Action::Write, move |wiki| {
        wiki.raw(&wanted)?.map(|_| ()).ok_or(Error::NotFound)
    })
    .await
}

/// `GET /{wiki}/_rename/{page}`.
pub async fn rename_form(ctx: &Ctx, at: &At, path: PagePath) -> Result<Response> {
    writable_page(at, &path).await?;
    let chrome = at.chrome(ctx)?;
    Ok(views::rename_form(&chrome, &at.prefix, path.as_str(), path.as_str(), None).into_response())
}

#[derive(Deserialize)]
struct RenameForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
    redirect: Option<String>,
    #[serde(default)]
    message: String,
}

impl CheckedForm for RenameForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /{wiki}/_rename/{page}`.
pub async fn rename(
    state: &SharedState,
    ctx: &Ctx,
    at: &At,
    path: PagePath,
    request: Request,
) -> Result<Response> {
    let form: RenameForm = read_checked_form(state, ctx, request).await?;
    let t = ctx.lang.messages();
    let to = match PagePath::parse(form.to.trim()) {
        Ok(to) => to,
        Err(why) => {
            at.run(Action::Write, |_| Ok(())).await?;
            let chrome = at.chrome(ctx)?;
            let error = maud::html! { (t.bad_name) " : " (ctx.lang.path_error(why)) };
            let page =
                views::rename_form(&chrome, &at.prefix, path.as_str(), &form.to, Some(error));
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let (from, target) = (path.clone(), to.clone());
    let leave_redirect = form.redirect.is_some();
    let message = form.message.clone();
    let result = at
        .run(Action::Write, move |wiki| {
            wiki.rename(&from, &target, leave_redirect, &message)
        })
        .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{}?saved=renamed", page_url(at, &to))).into_response()),
        Err(Error::Refused(
            Refusal::PageExists { path: existing } | Refusal::CaseClash { existing, .. },
        )) => {
            let chrome = at.chrome(ctx)?;
            let error = maud::html! {
                (t.name_taken) " "
                a href=(page_url(at, &existing)) { (existing.as_str()) }
            };
            let page =
                views::rename_form(&chrome, &at.prefix, path.as_str(), &form.to, Some(error));
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(error) => Err(error),
    }
}

/// `GET /{wiki}/_delete/{page}`: the confirmation.
pub async fn delete_form(ctx: &Ctx, at: &At, path: PagePath) -> Result<Response> {
    writable_page(at, &path).await?;
    let chrome = at.chrome(ctx)?;
    Ok(views::delete_form(&chrome, &at.prefix, path.as_str()).into_response())
}

#[derive(Deserialize)]
struct MessageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    message: String,
}

impl CheckedForm for MessageForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /{wiki}/_delete/{page}`.
pub async fn delete(
    state: &SharedState,
    ctx: &Ctx,
    at: &At,
    path: PagePath,
    request: Request,
) -> Result<Response> {
    let form: MessageForm = read_checked_form(state, ctx, request).await?;
    at.run(Action::Write, move |wiki| wiki.delete(&path, &form.message))
        .await?;
    Ok(Redirect::to(&format!("{}_pages", at.prefix)).into_response())
}

#[derive(Deserialize)]
struct RevertForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    rev: String,
}

impl CheckedForm for RevertForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /{wiki}/_revert/{page}`: the page's text at a revision, saved as a new commit.
pub async fn revert(
    state: &SharedState,
    ctx: &Ctx,
    at: &At,
    path: PagePath,
    request: Request,
) -> Result<Response> {
    let form: RevertForm = read_checked_form(state, ctx, request).await?;
    let revision = parse_oid(&form.rev)?;
    let wanted = path.clone();
    let outcome = at
        .run(Action::Write, move |wiki| wiki.revert(&wanted, revision))
        .await?;
    let flag = match outcome {
        SaveOutcome::Unchanged { .. } => "unchanged",
        _ => "yes",
    };
    Ok(Redirect::to(&format!("{}?saved={flag}", page_url(at, &path))).into_response())
}

/// `GET /{wiki}/_files/`: the attachments and, for writers, the upload form; after an upload,
/// the Markdown to paste for the file (`uploaded`), shown only if the file is really there.
pub async fn files_form(
    ctx: &Ctx,
    at: &At,
    for_page: &str,
    uploaded: Option<&str>,
    error: Option<&str>,
) -> Result<Response> {
    let listing = at.run(Action::Read, |wiki| wiki.listing()).await?;
    let files: Vec<&str> = listing.files.keys().map(PagePath::as_str).collect();
    let folder = PagePath::parse(for_page)
        .map(|page| page.folder().to_owned())
        .unwrap_or_default();
    let pasted = uploaded
        .and_then(|file| PagePath::parse(file).ok())
        .filter(|file| listing.files.contains_key(file))
        .map(|file| paste_markdown(file.as_str(), &folder));
    let uploaded = pasted.as_deref();
    let chrome = at.chrome(ctx)?;
    let page = views::FilesPage {
        prefix: &at.prefix,
        files: &files,
        can_write: at.can_write(),
        for_page,
        uploaded,
        error,
        max_mib: ctx.config.farm.max_upload_bytes >> 20,
    };
    Ok(views::files_page(&chrome, &page).into_response())
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
pub async fn upload(state: &SharedState, ctx: &Ctx, at: &At, request: Request) -> Result<Response> {
    let max = ctx.config.farm.max_upload_bytes;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > max + FORM_OVERHEAD) {
        return Err(Error::TooLarge(Oversized::File(max)));
    }
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|rejection| Error::BadRequest(rejection.body_text()))?;
    let (mut csrf, mut name, mut page, mut file_name) =
        (String::new(), String::new(), String::new(), String::new());
    let mut bytes: Vec<u8> = Vec::new();
    let mut fields = 0;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|error| Error::BadRequest(format!("malformed upload: {error}")))?
    {
        fields += 1;
        if fields > 16 {
            return Err(Error::BadRequest("too many form fields".into()));
        }
        let field_name = field.name().unwrap_or("").to_owned();
        if field_name == "file" {
            file_name = field.file_name().unwrap_or("").to_owned();
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|error| Error::BadRequest(format!("malformed upload: {error}")))?
            {
                if bytes.len() + chunk.len() > max {
                    return Err(Error::TooLarge(Oversized::File(max)));
                }
                bytes.extend_from_slice(&chunk);
            }
        } else {
            // Read by chunks, so that an oversized field is refused before it is held whole.
            let mut raw = Vec::new();
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|error| Error::BadRequest(format!("malformed upload: {error}")))?
            {
                if raw.len() + chunk.len() > FORM_OVERHEAD {
                    return Err(Error::TooLarge(Oversized::Form));
                }
                raw.extend_from_slice(&chunk);
            }
            let text = String::from_utf8(raw)
                .map_err(|_| Error::BadRequest("a form field is not UTF-8".into()))?;
            match field_name.as_str() {
                "csrf" => csrf = text,
                "name" => name = text,
                "page" => page = text,
                _ => {}
            }
        }
    }
    ctx.check_csrf(&state.sessions, &csrf)?;
    // Browsers send a bare file name, but some send a full local path: keep its last part.
    let base_name = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .to_owned();
    let wanted = if name.trim().is_empty() {
        base_name
    } else {
        name.trim().to_owned()
    };
    let path = match PagePath::parse(&wanted) {
        Ok(path) => path,
        Err(why) => {
            at.run(Action::Write, |_| Ok(())).await?;
            let message = format!(
                "{} : {}",
                ctx.lang.messages().bad_name,
                ctx.lang.path_error(why)
            );
            let response = files_form(ctx, at, &page, None, Some(&message)).await?;
            return Ok((StatusCode::BAD_REQUEST, response).into_response());
        }
    };
    let stored = path.clone();
    at.run(Action::Write, move |wiki| wiki.upload(&stored, &bytes, ""))
        .await?;
    let location = format!(
        "{}_files/?uploaded={}&page={}",
        at.prefix,
        urls::query_value(path.as_str()),
        urls::query_value(&page),
    );
    Ok(Redirect::to(&location).into_response())
}
