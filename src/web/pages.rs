//! Reading wikis: the farm home, pages and old revisions, raw Markdown, the page index,
//! attachments, history, diffs, recent changes and the Atom feed.

use std::collections::HashMap;
use std::sync::Arc;

use crate::object_id::ObjectId;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;

use crate::access::{self, Action, Actor, Place};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::farm::Farm;
use crate::markdown::encode_path;
use crate::page_path::{PagePath, WikiSlug};
use crate::urls;
use crate::views::{self, PageInfo, WikiItem};
use crate::wiki::Wiki;

use super::{Ctx, SharedState, blocking, edit};
use crate::dates::{format_date, rfc3339};

/// History rows per page.
const HISTORY_PER_PAGE: usize = 50;
/// Recent changes shown on the farm home, over all wikis.
const FARM_RECENT: usize = 20;

pub async fn not_found() -> Error {
    Error::NotFound
}

/// One request's way into one wiki: everything needed to open it for the actor inside
/// `blocking`, where the access policy is asked.
pub struct At {
    pub farm: Arc<Farm>,
    pub config: Arc<Config>,
    pub actor: Actor,
    pub slug: WikiSlug,
    /// The wiki's URL prefix for this request, ending in '/'.
    pub prefix: String,
}

impl At {
    pub fn new(state: &SharedState, ctx: &Ctx, slug: WikiSlug) -> At {
        At {
            farm: state.farm.clone(),
            config: ctx.config.clone(),
            actor: ctx.actor.clone(),
            prefix: ctx.prefix(&slug),
            slug,
        }
    }

    /// Opens the wiki for `action` (the access check) and runs `work` on it off the executor.
    pub async fn run<T, F>(&self, action: Action, work: F) -> Result<T>
    where
        F: FnOnce(Wiki<'_>) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let farm = self.farm.clone();
        let config = self.config.clone();
        let actor = self.actor.clone();
        let slug = self.slug.clone();
        blocking(move || work(farm.open(config, actor, slug.as_str(), action)?)).await
    }

    /// Whether the actor may change the wiki (to show edit controls).
    pub fn can_write(&self) -> bool {
        self.config.wiki(self.slug.as_str()).is_some_and(|wiki| {
            crate::access::allows(
                &self.config.roster,
                Place::wiki(wiki),
                &self.actor,
                Action::Write,
            )
        })
    }

    pub fn chrome<'a>(&'a self, ctx: &'a Ctx) -> Result<views::Chrome<'a>> {
        let wiki = self
            .config
            .wiki(self.slug.as_str())
            .ok_or(Error::NotFound)?;
        Ok(ctx.chrome(Some((wiki, &self.prefix))))
    }
}

/// `/`: the wikis this person may read, and their recent changes.
pub async fn farm_home(State(state): State<SharedState>, ctx: Ctx) -> Result<Markup> {
    let config = &ctx.config;
    let readable = access::readable(config, &ctx.actor);
    let wikis: Vec<WikiItem> = readable
        .iter()
        .map(|wiki| WikiItem {
            slug: wiki.slug.as_str(),
            title: &wiki.title,
            owner: config
                .roster
                .organisations
                .get(&wiki.owner)
                .map_or(wiki.owner.as_str(), |org| org.name.as_str()),
            visibility: wiki.visibility,
        })
        .collect();
    let slugs: Vec<WikiSlug> = readable.iter().map(|wiki| wiki.slug.clone()).collect();
    let (farm, shared, actor) = (state.farm.clone(), config.clone(), ctx.actor.clone());
    let activity = blocking(move || {
        let mut all = Vec::new();
        for slug in slugs {
            // A wiki that cannot be read right now is left out of the activity, not fatal.
            let recent = farm
                .open(shared.clone(), actor.clone(), slug.as_str(), Action::Read)
                .and_then(|wiki| wiki.recent());
            if let Ok(recent) = recent {
                all.extend(
                    recent
                        .iter()
                        .take(FARM_RECENT)
                        .map(|a| (slug.clone(), a.clone())),
                );
            }
        }
        all.sort_by_key(|(_, activity)| std::cmp::Reverse(activity.revision.time));
        all.truncate(FARM_RECENT);
        Ok(all)
    })
    .await?;
    let prefixes: Vec<String> = activity.iter().map(|(slug, _)| ctx.prefix(slug)).collect();
    let dates: Vec<String> = activity
        .iter()
        .map(|(_, a)| format_date(a.revision.time))
        .collect();
    let items: Vec<views::RecentItem> = activity
        .iter()
        .zip(prefixes.iter().zip(&dates))
        .map(|((slug, a), (prefix, date))| views::RecentItem {
            wiki_title: config.wiki(slug.as_str()).map(|w| w.title.as_str()),
            prefix,
            paths: display_paths(&a.paths),
            author: &a.revision.author,
            date,
            message: &a.revision.message,
        })
        .collect();
    Ok(views::farm_home(&ctx.chrome(None), &wikis, &items))
}

/// Stored file paths as a person reads them: pages without `.md`.
fn display_paths(paths: &[String]) -> Vec<(String, bool)> {
    paths
        .iter()
        .map(|path| match path.strip_suffix(".md") {
            Some(page) => (page.to_owned(), true),
            None => (path.clone(), false),
        })
        .collect()
}

/// `/{wiki}` → `/{wiki}/`.
pub async fn wiki_without_slash(Path(slug): Path<String>) -> Result<Redirect> {
    // Redirect only for names that can be wikis, so that the redirect itself reveals nothing the
    // 404 of a missing wiki would not.
    WikiSlug::parse(&slug).ok_or(Error::NotFound)?;
    Ok(Redirect::permanent(&format!("/{slug}/")))
}

/// What a path under a wiki names.
pub enum Target {
    Home,
    Page(PagePath),
    Raw(PagePath),
    Index,
    Files,
    File(PagePath),
    Edit(PagePath),
    New,
    Rename(PagePath),
    Delete(PagePath),
    Revert(PagePath),
    History(PagePath),
    Diff(PagePath),
    Recent,
    Feed,
}

fn parse_target(rest: &str) -> Result<Target> {
    if rest.is_empty() {
        return Ok(Target::Home);
    }
    type Route = (&'static str, fn(PagePath) -> Target);
    let routes: [Route; 7] = [
        ("_raw/", Target::Raw),
        ("_files/", Target::File),
        ("_edit/", Target::Edit),
        ("_rename/", Target::Rename),
        ("_delete/", Target::Delete),
        ("_revert/", Target::Revert),
        ("_history/", Target::History),
    ];
    for (route, target) in routes {
        if let Some(path) = rest.strip_prefix(route) {
            if route == "_files/" && path.is_empty() {
                return Ok(Target::Files);
            }
            return Ok(target(PagePath::from_url(path)?));
        }
    }
    if let Some(path) = rest.strip_prefix("_diff/") {
        return Ok(Target::Diff(PagePath::from_url(path)?));
    }
    match rest {
        "_pages" => Ok(Target::Index),
        "_recent" => Ok(Target::Recent),
        "_feed.atom" => Ok(Target::Feed),
        "_new" => Ok(Target::New),
        // Anything else: a page path, which refuses names starting with '_' itself.
        _ => Ok(Target::Page(PagePath::from_url(rest)?)),
    }
}

/// Splits a request path into the wiki and its target. The raw (still percent-encoded) path is
/// parsed here, once, so that malformed escapes are refused rather than guessed at.
fn locate(state: &SharedState, ctx: &Ctx, uri: &Uri) -> Result<(At, Target)> {
    let raw = uri.path().strip_prefix('/').unwrap_or("");
    let (slug, rest) = raw.split_once('/').unwrap_or((raw, ""));
    let target = parse_target(rest)?;
    let slug = WikiSlug::parse(slug).ok_or(Error::NotFound)?;
    Ok((At::new(state, ctx, slug), target))
}

/// `GET /{wiki}/…`: everything under a wiki.
pub async fn wiki_get(
    State(state): State<SharedState>,
    ctx: Ctx,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response> {
    let (at, target) = locate(&state, &ctx, &uri)?;
    let param = |name: &str| query.get(name).map(String::as_str);
    let result = match target {
        Target::Home => show_page(&ctx, &at, None, &query).await,
        Target::Page(path) => show_page(&ctx, &at, Some(path), &query).await,
        Target::Index => index(&ctx, &at).await,
        Target::Raw(path) => raw(&at, path).await,
        Target::File(path) => file(&at, path).await,
        Target::Files => {
            let page = param("page").unwrap_or("");
            edit::files_form(&ctx, &at, page, param("uploaded"), None).await
        }
        Target::Edit(path) => edit::editor_form(&ctx, &at, path).await,
        Target::New => edit::new_page(&ctx, &at, param("name").unwrap_or("")).await,
        Target::Rename(path) => edit::rename_form(&ctx, &at, path).await,
        Target::Delete(path) => edit::delete_form(&ctx, &at, path).await,
        Target::History(path) => history(&ctx, &at, path, param("page")).await,
        Target::Diff(path) => diff(&ctx, &at, path, param("from"), param("to")).await,
        Target::Recent => recent(&ctx, &at).await,
        Target::Feed => feed(&ctx, &at).await,
        Target::Revert(_) => Err(Error::NotFound),
    };
    edit::sign_in_to_write(&ctx, result)
}

/// `POST /{wiki}/…`: every change to a wiki.
pub async fn wiki_post(
    State(state): State<SharedState>,
    ctx: Ctx,
    request: Request,
) -> Result<Response> {
    let uri = request.uri().clone();
    let (at, target) = match locate(&state, &ctx, &uri) {
        Ok(located) => located,
        Err(Error::BadName(why)) => {
            // A refused page name in the editor's address: answer with the person's text kept.
            let raw = uri.path().strip_prefix('/').unwrap_or("");
            let (slug, rest) = raw.split_once('/').unwrap_or((raw, ""));
            let (Some(slug), Some(name)) = (WikiSlug::parse(slug), rest.strip_prefix("_edit/"))
            else {
                return Err(Error::BadName(why));
            };
            let at = At::new(&state, &ctx, slug);
            let name = crate::page_path::decode_url(name).unwrap_or_else(|_| name.to_owned());
            let why = ctx.lang.path_error(why);
            return edit::refused_save(&state, &ctx, &at, &name, why, request).await;
        }
        Err(error) => return Err(error),
    };
    // Every change needs the right to write: asked once here, before any form is read, so that
    // a refused person learns nothing from validation messages. Each operation asks again.
    if let Err(refused) = at.run(Action::Write, |_| Ok(())).await {
        // A refused save still gives the person their text back.
        return match (&target, refused) {
            (Target::Edit(_), Error::NotFound) => {
                edit::refused_text(&ctx, StatusCode::NOT_FOUND, request).await
            }
            (Target::Edit(_), Error::Forbidden) => {
                edit::refused_text(&ctx, StatusCode::FORBIDDEN, request).await
            }
            (_, refused) => Err(refused),
        };
    }
    let result = match target {
        Target::Edit(path) => edit::save(&state, &ctx, &at, path, request).await,
        Target::Rename(path) => edit::rename(&state, &ctx, &at, path, request).await,
        Target::Delete(path) => edit::delete(&state, &ctx, &at, path, request).await,
        Target::Revert(path) => edit::revert(&state, &ctx, &at, path, request).await,
        Target::Files => edit::upload(&state, &ctx, &at, request).await,
        _ => Err(Error::NotFound),
    };
    edit::sign_in_to_write(&ctx, result)
}

async fn show_page(
    ctx: &Ctx,
    at: &At,
    path: Option<PagePath>,
    query: &HashMap<String, String>,
) -> Result<Response> {
    let revision = match query.get("rev") {
        Some(rev) => Some(parse_oid(rev)?),
        None => None,
    };
    // A redirect is followed one hop at most: arriving from one (`from`) never redirects again.
    let from = query
        .get("from")
        .and_then(|from| PagePath::parse(from).ok());
    let follow_redirect = query.get("redirect").map(String::as_str) != Some("no") && from.is_none();
    let prefix = at.prefix.clone();
    let (path, view, redirected_from, deleted) = at
        .run(Action::Read, move |wiki| {
            let path = match path {
                Some(path) => Some(path),
                None => wiki.home_path()?,
            };
            // Say where the reader came from only when that page really redirects here: the
            // notice must not be text that anyone can put in a link.
            let redirected_from = match (&from, &path) {
                (Some(from), Some(path)) => wiki
                    .page(from, &prefix)?
                    .filter(|view| view.page.redirect.as_ref() == Some(path))
                    .map(|_| from.clone()),
                _ => None,
            };
            let view = match (&path, revision) {
                (Some(path), None) => wiki.page(path, &prefix)?.map(|view| {
                    let (author, date) = view
                        .last_change
                        .map_or_else(Default::default, |r| (r.author, format_date(r.time)));
                    (view.page, true, author, date)
                }),
                (Some(path), Some(revision)) => {
                    let (page, revision) = wiki
                        .page_at(path, revision, &prefix)?
                        .ok_or(Error::NotFound)?;
                    Some((page, false, revision.author, format_date(revision.time)))
                }
                (None, _) => None,
            };
            // A missing page that has a history was deleted: say so, and lead to its history.
            let deleted = match (&path, &view, revision) {
                (Some(path), None, None) => !wiki.history(path, 0, 1)?.0.is_empty(),
                _ => false,
            };
            Ok((path, view, redirected_from, deleted))
        })
        .await?;
    let chrome = at.chrome(ctx)?;
    let can_write = at.can_write();
    let Some((page, current, author, date)) = view else {
        let page = views::missing_page(
            &chrome,
            &at.prefix,
            path.as_ref().map(PagePath::as_str),
            can_write,
            ctx.actor != Actor::Visitor,
            deleted,
        );
        return Ok((StatusCode::NOT_FOUND, page).into_response());
    };
    let path = path.expect("a view exists only for a path");
    let rendered = &page.rendered;
    // An old revision is shown as it is, redirect or not.
    let redirect = page.redirect.as_ref().filter(|_| current);
    let loops = redirect == Some(&path);
    if let (Some(target), true, None, false) = (redirect, follow_redirect, revision, loops) {
        let location = format!(
            "{}{}?from={}",
            at.prefix,
            encode_path(target.as_str()),
            urls::query_value(path.as_str())
        );
        return Ok(Redirect::to(&location).into_response());
    }
    let t = ctx.lang.messages();
    let notice = match (query.get("saved").map(String::as_str), &redirected_from) {
        (Some("merged"), _) => Some(t.saved_merged.to_owned()),
        (Some("unchanged"), _) => Some(t.unchanged.to_owned()),
        (Some("renamed"), _) => Some(t.renamed.to_owned()),
        (Some(_), _) => Some(t.saved.to_owned()),
        (None, Some(from)) => Some(format!("{} « {from} ».", t.redirected_from)),
        (None, None) => None,
    };
    let title = rendered
        .title
        .clone()
        .unwrap_or_else(|| path.name().to_owned());
    let revision_text = revision.map(|r| r.to_string());
    let info = PageInfo {
        prefix: &at.prefix,
        path: path.as_str(),
        title: &title,
        html: &rendered.html,
        has_own_title: rendered.title.is_some(),
        author: &author,
        date: &date,
        can_write,
        notice: notice.as_deref(),
        revision: revision_text.as_deref(),
    };
    Ok(views::page(&chrome, &info).into_response())
}

pub fn parse_oid(text: &str) -> Result<ObjectId> {
    ObjectId::parse(text)
        .ok_or_else(|| Error::BadRequest("a revision is a 40-character commit id".into()))
}

async fn index(ctx: &Ctx, at: &At) -> Result<Response> {
    let listing = at.run(Action::Read, |wiki| wiki.listing()).await?;
    let pages: Vec<&str> = listing.pages.keys().map(PagePath::as_str).collect();
    let files: Vec<&str> = listing.files.keys().map(PagePath::as_str).collect();
    let chrome = at.chrome(ctx)?;
    Ok(views::page_index(&chrome, &at.prefix, &pages, &files, at.can_write()).into_response())
}

async fn raw(at: &At, path: PagePath) -> Result<Response> {
    let bytes = at
        .run(Action::Read, move |wiki| {
            wiki.raw(&path)?.ok_or(Error::NotFound)
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/markdown; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox",
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn file(at: &At, path: PagePath) -> Result<Response> {
    let name = path.name().to_owned();
    let bytes = at
        .run(Action::Read, move |wiki| {
            wiki.file(&path)?.ok_or(Error::NotFound)
        })
        .await?;
    Ok(attachment(&name, bytes))
}

async fn history(ctx: &Ctx, at: &At, path: PagePath, page: Option<&str>) -> Result<Response> {
    let page: usize = match page {
        Some(page) => page
            .parse()
            .map_err(|_| Error::BadRequest("the history page is a number".into()))?,
        None => 0,
    };
    if page > 100_000 {
        return Err(Error::BadRequest("no such history page".into()));
    }
    let wanted = path.clone();
    let (revisions, more, previous, exists) = at
        .run(Action::Read, move |wiki| {
            let exists = wiki.raw(&wanted)?.is_some();
            // One more row than shown, so that the last row can link to its previous revision.
            let (mut revisions, more) = wiki.history(&wanted, page, HISTORY_PER_PAGE + 1)?;
            let previous = if revisions.len() > HISTORY_PER_PAGE {
                revisions.pop().map(|r| r.commit)
            } else {
                None
            };
            Ok((revisions, more || previous.is_some(), previous, exists))
        })
        .await?;
    let ids: Vec<String> = revisions.iter().map(|r| r.commit.to_string()).collect();
    let dates: Vec<String> = revisions.iter().map(|r| format_date(r.time)).collect();
    let paths: Vec<String> = revisions
        .iter()
        .map(|r| r.path.strip_suffix(".md").unwrap_or(&r.path).to_owned())
        .collect();
    let previous = previous.map(|id| id.to_string());
    let rows: Vec<views::HistoryRow> = (0..revisions.len())
        .map(|i| views::HistoryRow {
            commit: &ids[i],
            short: &ids[i][..10],
            author: &revisions[i].author,
            date: &dates[i],
            message: &revisions[i].message,
            path: &paths[i],
            previous: ids.get(i + 1).map(String::as_str).or(previous.as_deref()),
        })
        .collect();
    let chrome = at.chrome(ctx)?;
    let page_view = views::History {
        prefix: &at.prefix,
        path: path.as_str(),
        rows: &rows,
        page,
        more,
        can_write: at.can_write(),
        exists,
    };
    Ok(views::history(&chrome, &page_view).into_response())
}

async fn diff(
    ctx: &Ctx,
    at: &At,
    path: PagePath,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Response> {
    let from = parse_oid(from.ok_or_else(|| Error::BadRequest("`from` is missing".into()))?)?;
    let to = match to {
        Some(to) => Some(parse_oid(to)?),
        None => None,
    };
    let wanted = path.clone();
    let (rows, to, from_time, to_time) = at
        .run(Action::Read, move |wiki| {
            let to = match to {
                Some(to) => to,
                None => wiki.head()?.ok_or(Error::NotFound)?.commit,
            };
            // The page may have had another name at `from`: its history says which.
            let file = wanted.file_name();
            let new = wiki.text_at(to, &file)?.unwrap_or_default();
            let old_path = wiki.path_at(&wanted, from)?.unwrap_or(file);
            let old = wiki.text_at(from, &old_path)?.unwrap_or_default();
            let from_time = wiki.revision_info(from)?.time;
            let to_time = wiki.revision_info(to)?.time;
            Ok((crate::diff::lines(&old, &new, 3), to, from_time, to_time))
        })
        .await?;
    let (added, removed) = crate::diff::stats(&rows);
    let chrome = at.chrome(ctx)?;
    let (from_text, to_text) = (from.to_string(), to.to_string());
    let page = views::DiffPage {
        prefix: &at.prefix,
        path: path.as_str(),
        from: &from_text,
        to: &to_text,
        from_date: &format_date(from_time),
        to_date: &format_date(to_time),
        rows: &rows,
        added,
        removed,
    };
    Ok(views::diff_page(&chrome, &page).into_response())
}

async fn recent(ctx: &Ctx, at: &At) -> Result<Response> {
    let recent = at.run(Action::Read, |wiki| wiki.recent()).await?;
    let dates: Vec<String> = recent
        .iter()
        .map(|a| format_date(a.revision.time))
        .collect();
    let items: Vec<views::RecentItem> = recent
        .iter()
        .zip(&dates)
        .map(|(a, date)| views::RecentItem {
            wiki_title: None,
            prefix: &at.prefix,
            paths: display_paths(&a.paths),
            author: &a.revision.author,
            date,
            message: &a.revision.message,
        })
        .collect();
    let chrome = at.chrome(ctx)?;
    Ok(views::recent_page(&chrome, &at.prefix, &items).into_response())
}

async fn feed(ctx: &Ctx, at: &At) -> Result<Response> {
    let recent = at.run(Action::Read, |wiki| wiki.recent()).await?;
    let wiki = ctx.config.wiki(at.slug.as_str()).ok_or(Error::NotFound)?;
    let site = format!("{}{}", ctx.origin, at.prefix);
    let ids: Vec<String> = recent
        .iter()
        .map(|a| a.revision.commit.to_string())
        .collect();
    let entries: Vec<views::FeedEntry> = recent
        .iter()
        .zip(&ids)
        .map(|(a, id)| {
            let paths = display_paths(&a.paths);
            let first = paths.first().map(|(p, is_page)| {
                if *is_page {
                    format!("{site}{}", encode_path(p))
                } else {
                    format!("{site}_files/{}", encode_path(p))
                }
            });
            let names: Vec<&str> = paths.iter().map(|(p, _)| p.as_str()).collect();
            views::FeedEntry {
                id,
                title: if names.is_empty() {
                    a.revision.message.clone()
                } else {
                    names.join(", ")
                },
                link: first.unwrap_or_else(|| site.clone()),
                author: &a.revision.author,
                updated: rfc3339(a.revision.time),
                summary: &a.revision.message,
            }
        })
        .collect();
    let updated = recent
        .first()
        .map_or_else(|| rfc3339(0), |a| rfc3339(a.revision.time));
    let xml = views::atom_feed(
        &wiki.title,
        &site,
        &format!("{site}_feed.atom"),
        &updated,
        &entries,
    );
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
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

/// An attachment's response. Files that could run script in the farm's origin (HTML, SVG, XML…)
/// are confined by a sandboxing CSP, and anything not known to be inert is a download.
fn attachment(name: &str, bytes: Vec<u8>) -> Response {
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let essence = mime.essence_str().to_owned();
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
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=60"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert!(matches!(parse_target(""), Ok(Target::Home)));
        assert!(matches!(parse_target("_files/"), Ok(Target::Files)));
        assert!(matches!(parse_target("_edit/A%20b"), Ok(Target::Edit(p)) if p.as_str() == "A b"));
        assert!(matches!(parse_target("_unknown"), Err(Error::BadName(_))));
        assert!(matches!(parse_target("_edit/"), Err(Error::BadName(_))));
        assert!(matches!(parse_target("_recent"), Ok(Target::Recent)));
    }
}
