//! Changing pages from the browser: the editor and its preview, saves with merges and conflicts,
//! new pages, renames, deletions and reverts.
//!
//! Every POST asks the right to write before its form is read, so that a refused person learns
//! nothing from validation messages; its form is read through `form`, the one CSRF door; and a
//! refused save always gives the person their text back.

use std::collections::HashMap;

use axum::extract::{Query, RawPathParams, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::access::Action;
use crate::error::{Error, Oversized, Result};
use crate::page_path::{PagePath, decode_url};
use crate::rules::Refusal;
use crate::urls;
use crate::views::{self, Editor, EditorState};
use crate::wiki::SaveOutcome;

use super::error;
use super::form::{self, OVERHEAD, Refused, csrf_form};
use super::scope::{Page, parse_revision};
use super::{Caller, SharedState, WikiRequest};

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

#[derive(Deserialize)]
struct RenameForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
    redirect: Option<String>,
    #[serde(default)]
    message: String,
    /// Rewrite the links that lead to the page (the form's box, ticked by default).
    update: Option<String>,
    /// The person saw what the move changes and confirmed it.
    confirm: Option<String>,
}

#[derive(Deserialize)]
struct MessageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct RevertForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    rev: String,
}

csrf_form!(EditForm, RenameForm, MessageForm, RevertForm);

/// The answer to a refused save: nothing was written, and the person's text comes back to them
/// (their own submission; it tells nothing about the wiki, so a wiki that may not be read gets
/// exactly the same page as one that does not exist).
fn unsaved(caller: &Caller, status: StatusCode, text: &str) -> Response {
    (status, views::unsaved_text(&caller.chrome(None), text)).into_response()
}

/// The largest editor form read, which bounds a save's memory: a page at the limit in the
/// worst case of its percent-encoding, and the other fields. A stored byte arrives as at most
/// three (`%C3`), except a line end, which browsers send as CR LF (`%0D%0A`): six for the one
/// byte stored. Whether the page itself is too large is the rule set's decision, on the
/// Markdown as it will be stored.
fn edit_form_limit(caller: &Caller) -> usize {
    caller
        .config
        .farm
        .max_page_bytes
        .saturating_mul(6)
        .saturating_add(OVERHEAD)
}

/// `GET /{wiki}/_edit/{page}`.
pub async fn editor(Page(path): Page, caller: Caller, wiki: WikiRequest) -> Result<Response> {
    let wanted = path.clone();
    let (text, head, clash) = wiki
        .run(Action::Write, move |opened| {
            let (text, head) = opened.source(&wanted)?;
            let clash = match text {
                None => opened.listing()?.case_clash(&wanted).cloned(),
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
    let form = Shown {
        text: &initial,
        message: "",
        base: &base,
    };
    render_editor(
        &caller,
        &wiki,
        &path,
        &form,
        creating,
        state,
        StatusCode::OK,
    )
}

/// What the editor form is filled with.
struct Shown<'a> {
    text: &'a str,
    message: &'a str,
    base: &'a str,
}

fn render_editor(
    caller: &Caller,
    wiki: &WikiRequest,
    path: &PagePath,
    form: &Shown,
    creating: bool,
    state: EditorState,
    status: StatusCode,
) -> Result<Response> {
    let chrome = wiki.chrome(caller)?;
    let editor = Editor {
        prefix: &wiki.prefix,
        path: path.as_str(),
        text: form.text,
        message: form.message,
        base: form.base,
        creating,
        max_chars: caller.config.farm.max_page_bytes,
        state,
    };
    Ok((status, views::editor(&chrome, &editor)).into_response())
}

/// `POST /{wiki}/_edit/{page}`: preview or save.
pub async fn save(
    State(state): State<SharedState>,
    page: std::result::Result<Page, Error>,
    raw: RawPathParams,
    caller: Caller,
    wiki: WikiRequest,
    request: Request,
) -> Result<Response> {
    let path = match page {
        Ok(Page(path)) => path,
        Err(Error::BadName(why)) => {
            let raw_name = raw
                .iter()
                .find(|(key, _)| *key == "page")
                .map(|(_, value)| value.to_owned())
                .unwrap_or_default();
            let name = decode_url(&raw_name).unwrap_or(raw_name);
            return refused_name(&state, &caller, &wiki, &name, why, request).await;
        }
        Err(error) => return Err(error),
    };
    // A save refused before its form is read (no right to write, or no such wiki) still gives
    // the text back, read within the limit but never acted on.
    if let Err(refused) = wiki.require(Action::Write).await {
        let status = match refused {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Forbidden => StatusCode::FORBIDDEN,
            other => return Err(other),
        };
        let form: EditForm = form::read_unchecked(request, edit_form_limit(&caller)).await?;
        return Ok(unsaved(&caller, status, &form.text));
    }
    let max = caller.config.farm.max_page_bytes;
    let form: EditForm = match form::read(&state, &caller, request, edit_form_limit(&caller)).await
    {
        Ok(form) => form,
        Err(Refused::Forged(form)) => {
            return Ok(unsaved(&caller, StatusCode::FORBIDDEN, &form.text));
        }
        Err(Refused::Error(Error::TooLarge(_))) => {
            return Err(Error::TooLarge(Oversized::Text(max)));
        }
        Err(Refused::Error(error)) => return Err(error),
    };
    let base = match form.base.trim() {
        "" => None,
        base => Some(parse_revision(base)?),
    };
    let shown = Shown {
        text: &form.text,
        message: &form.message,
        base: &form.base,
    };
    if form.action == "preview" {
        let (wanted, text, prefix) = (path.clone(), form.text.clone(), wiki.prefix.clone());
        let (rendered, creating) = wiki
            .run(Action::Write, move |opened| {
                let creating = opened.source(&wanted)?.0.is_none();
                Ok((opened.render_text(&wanted, &text, &prefix)?, creating))
            })
            .await?;
        let state = EditorState::Preview(&rendered.html, rendered.too_complex);
        return render_editor(
            &caller,
            &wiki,
            &path,
            &shown,
            creating,
            state,
            StatusCode::OK,
        );
    }
    let (wanted, text, message) = (path.clone(), form.text.clone(), form.message.clone());
    let result = wiki
        .run(Action::Write, move |opened| {
            let outcome = opened.save(&wanted, &text, base, &message)?;
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
            let state = EditorState::Clash(existing.as_str());
            return render_editor(
                &caller,
                &wiki,
                &path,
                &shown,
                true,
                state,
                StatusCode::CONFLICT,
            );
        }
        Err(Error::Refused(refusal)) => {
            let message = caller.lang.refusal(&refusal);
            let status = error::status(&Error::Refused(refusal));
            let state = EditorState::Refused(&message);
            return render_editor(&caller, &wiki, &path, &shown, false, state, status);
        }
        other => other?,
    };
    match outcome {
        SaveOutcome::Saved { merged, .. } => {
            let flag = if merged { "merged" } else { "yes" };
            Ok(Redirect::to(&format!("{}?saved={flag}", wiki.page_url(&path))).into_response())
        }
        SaveOutcome::Unchanged { .. } => {
            Ok(Redirect::to(&format!("{}?saved=unchanged", wiki.page_url(&path))).into_response())
        }
        SaveOutcome::Conflict(conflict) => {
            let head = conflict.head.to_string();
            let shown = Shown {
                text: &conflict.yours,
                message: &form.message,
                base: &head,
            };
            let state = EditorState::Conflict {
                theirs: &conflict.theirs,
                diff: &conflict_diff,
            };
            render_editor(
                &caller,
                &wiki,
                &path,
                &shown,
                false,
                state,
                StatusCode::CONFLICT,
            )
        }
    }
}

/// A POST to the editor of a page whose name is refused: 400, with the form and its text back.
async fn refused_name(
    state: &SharedState,
    caller: &Caller,
    wiki: &WikiRequest,
    raw_name: &str,
    why: crate::page_path::PathError,
    request: Request,
) -> Result<Response> {
    let form: EditForm = form::read(state, caller, request, edit_form_limit(caller)).await?;
    // The access check still comes first: a refused name must not reveal a wiki.
    wiki.require(Action::Write).await?;
    let t = caller.lang.messages();
    let chrome = wiki.chrome(caller)?;
    let message = format!("{} : {}", t.bad_name, caller.lang.path_error(why));
    let page = views::new_page_form(
        &chrome,
        &wiki.prefix,
        raw_name,
        Some(&message),
        Some(&form.text),
    );
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

/// `GET /{wiki}/_new?name=…`: the page-index form's way into the editor.
pub async fn new_page(
    caller: Caller,
    wiki: WikiRequest,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response> {
    wiki.require(Action::Write).await?;
    let name = query.get("name").map_or("", String::as_str);
    match PagePath::parse(name.trim()) {
        Ok(path) => Ok(Redirect::to(&urls::edit(&wiki.prefix, path.as_str())).into_response()),
        Err(why) => {
            let t = caller.lang.messages();
            let chrome = wiki.chrome(&caller)?;
            let message = format!("{} : {}", t.bad_name, caller.lang.path_error(why));
            let page = views::new_page_form(&chrome, &wiki.prefix, name, Some(&message), None);
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
    }
}

/// Succeeds when the actor may change the wiki and the page exists.
async fn writable_page(wiki: &WikiRequest, path: &PagePath) -> Result<()> {
    let wanted = path.clone();
    wiki.run(Action::Write, move |opened| {
        opened.raw(&wanted)?.map(|_| ()).ok_or(Error::NotFound)
    })
    .await
}

/// `GET /{wiki}/_rename/{page}`.
pub async fn rename_form(Page(path): Page, caller: Caller, wiki: WikiRequest) -> Result<Response> {
    writable_page(&wiki, &path).await?;
    let chrome = wiki.chrome(&caller)?;
    let page = views::rename_form(&chrome, &wiki.prefix, path.as_str(), path.as_str(), None);
    Ok(page.into_response())
}

/// `POST /{wiki}/_rename/{page}`.
pub async fn rename(
    State(state): State<SharedState>,
    Page(path): Page,
    caller: Caller,
    wiki: WikiRequest,
    request: Request,
) -> Result<Response> {
    wiki.require(Action::Write).await?;
    let form: RenameForm = form::read(&state, &caller, request, OVERHEAD).await?;
    let t = caller.lang.messages();
    let to = match PagePath::parse(form.to.trim()) {
        Ok(to) => to,
        Err(why) => {
            let chrome = wiki.chrome(&caller)?;
            let error = maud::html! { (t.bad_name) " : " (caller.lang.path_error(why)) };
            let page =
                views::rename_form(&chrome, &wiki.prefix, path.as_str(), &form.to, Some(error));
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let (from, target) = (path.clone(), to.clone());
    let leave_redirect = form.redirect.is_some();
    let update_links = form.update.is_some();
    let confirmed = form.confirm.is_some();
    let message = form.message.clone();
    let result = wiki
        .run(Action::Write, move |opened| {
            // What the move changes is shown before anything is written.
            if update_links && !confirmed {
                let plan = opened.plan_move(&from, &target)?;
                if !plan.is_empty() {
                    return Ok(Some(plan));
                }
            }
            opened
                .move_page(&from, &target, leave_redirect, update_links, &message)
                .map(|_| None)
        })
        .await;
    if let Ok(Some(plan)) = &result {
        let chrome = wiki.chrome(&caller)?;
        let pages: Vec<(&str, usize)> = plan
            .pages
            .iter()
            .map(|(page, count)| (page.as_str(), *count))
            .collect();
        let elsewhere: Vec<(String, &str, String)> = plan
            .elsewhere
            .iter()
            .map(|(slug, page)| {
                let title = caller
                    .config
                    .wiki(slug.as_str())
                    .map_or_else(|| slug.to_string(), |w| w.title.clone());
                (
                    title,
                    page.as_str(),
                    urls::page(&caller.prefix(slug), page.as_str()),
                )
            })
            .collect();
        let confirm = views::MoveConfirm {
            prefix: &wiki.prefix,
            from: path.as_str(),
            to: to.as_str(),
            leave_redirect,
            message: &form.message,
            pages: &pages,
            own: plan.own,
            elsewhere: &elsewhere,
        };
        return Ok(views::move_confirm(&chrome, &confirm).into_response());
    }
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{}?saved=renamed", wiki.page_url(&to))).into_response()),
        Err(Error::Refused(
            Refusal::PageExists { path: existing } | Refusal::CaseClash { existing, .. },
        )) => {
            let chrome = wiki.chrome(&caller)?;
            let error = maud::html! {
                (t.name_taken) " "
                a href=(wiki.page_url(&existing)) { (existing.as_str()) }
            };
            let page =
                views::rename_form(&chrome, &wiki.prefix, path.as_str(), &form.to, Some(error));
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(error) => Err(error),
    }
}

/// `GET /{wiki}/_delete/{page}`: the confirmation.
pub async fn delete_form(Page(path): Page, caller: Caller, wiki: WikiRequest) -> Result<Response> {
    writable_page(&wiki, &path).await?;
    let chrome = wiki.chrome(&caller)?;
    Ok(views::delete_form(&chrome, &wiki.prefix, path.as_str()).into_response())
}

/// `POST /{wiki}/_delete/{page}`.
pub async fn delete(
    State(state): State<SharedState>,
    Page(path): Page,
    caller: Caller,
    wiki: WikiRequest,
    request: Request,
) -> Result<Response> {
    wiki.require(Action::Write).await?;
    let form: MessageForm = form::read(&state, &caller, request, OVERHEAD).await?;
    wiki.run(Action::Write, move |opened| {
        opened.delete(&path, &form.message)
    })
    .await?;
    Ok(Redirect::to(&urls::pages(&wiki.prefix)).into_response())
}

/// `POST /{wiki}/_revert/{page}`: the page's text at a revision, saved as a new commit.
pub async fn revert(
    State(state): State<SharedState>,
    Page(path): Page,
    caller: Caller,
    wiki: WikiRequest,
    request: Request,
) -> Result<Response> {
    wiki.require(Action::Write).await?;
    let form: RevertForm = form::read(&state, &caller, request, OVERHEAD).await?;
    let revision = parse_revision(&form.rev)?;
    let wanted = path.clone();
    let outcome = wiki
        .run(Action::Write, move |opened| {
            opened.revert(&wanted, revision)
        })
        .await?;
    let flag = match outcome {
        SaveOutcome::Unchanged { .. } => "unchanged",
        _ => "yes",
    };
    Ok(Redirect::to(&format!("{}?saved={flag}", wiki.page_url(&path))).into_response())
}
