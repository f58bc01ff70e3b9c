//! Reading a wiki: the farm home, a wiki's home page, pages and their old revisions, raw
//! Markdown and the page index.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::access::{self, Action, Actor};
use crate::dates::format_date;
use crate::error::{Error, Result};
use crate::page_path::{PagePath, WikiSlug};
use crate::urls;
use crate::views::{self, PageInfo, WikiItem};

use super::context::{Cacheable, cacheable};
use super::scope::{Page, display_paths, parse_revision};
use super::{Caller, SharedState, WikiRequest, blocking};

/// Recent changes shown on the farm home, over all wikis.
const FARM_RECENT: usize = 20;

pub async fn not_found() -> Error {
    Error::NotFound
}

/// `/`: the wikis this person may read, and their recent changes.
pub async fn farm_home(State(state): State<SharedState>, caller: Caller) -> Result<Response> {
    let config = &caller.config;
    let readable = access::readable(config, &caller.actor);
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
    let (farm, shared, actor) = (state.farm.clone(), config.clone(), caller.actor.clone());
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
    let prefixes: Vec<String> = activity
        .iter()
        .map(|(slug, _)| caller.prefix(slug))
        .collect();
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
    let page = views::farm_home(&caller.chrome(None), &wikis, &items);
    Ok(cacheable(page, Cacheable::Public))
}

/// `/{wiki}` → `/{wiki}/`.
pub async fn wiki_without_slash(Path(slug): Path<String>) -> Result<Redirect> {
    // Redirect only for names that can be wikis, so that the redirect itself reveals nothing the
    // 404 of a missing wiki would not.
    WikiSlug::parse(&slug).ok_or(Error::NotFound)?;
    Ok(Redirect::permanent(&format!("/{slug}/")))
}

/// `GET /{wiki}/`: the wiki's home page.
pub async fn home(
    caller: Caller,
    wiki: WikiRequest,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response> {
    show_page(&caller, &wiki, None, &query).await
}

/// `GET /{wiki}/{page}`: a page, or an old revision of it (`?rev=`).
pub async fn page(
    Page(path): Page,
    caller: Caller,
    wiki: WikiRequest,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response> {
    show_page(&caller, &wiki, Some(path), &query).await
}

async fn show_page(
    caller: &Caller,
    wiki: &WikiRequest,
    path: Option<PagePath>,
    query: &HashMap<String, String>,
) -> Result<Response> {
    let revision = match query.get("rev") {
        Some(rev) => Some(parse_revision(rev)?),
        None => None,
    };
    // A redirect is followed one hop at most: arriving from one (`from`) never redirects again.
    let from = query
        .get("from")
        .and_then(|from| PagePath::parse(from).ok());
    let follow_redirect = query.get("redirect").map(String::as_str) != Some("no") && from.is_none();
    let prefix = wiki.prefix.clone();
    let (path, view, redirected_from, deleted) = wiki
        .run(Action::Read, move |opened| {
            let path = match path {
                Some(path) => Some(path),
                None => opened.home_path()?,
            };
            // Say where the reader came from only when that page really redirects here: the
            // notice must not be text that anyone can put in a link.
            let redirected_from = match (&from, &path) {
                (Some(from), Some(path)) => opened
                    .page(from, &prefix)?
                    .filter(|view| view.page.redirect.as_ref() == Some(path))
                    .map(|_| from.clone()),
                _ => None,
            };
            let view = match (&path, revision) {
                (Some(path), None) => opened.page(path, &prefix)?.map(|view| {
                    let (author, date) = view
                        .last_change
                        .map_or_else(Default::default, |r| (r.author, format_date(r.time)));
                    (view.page, true, author, date)
                }),
                (Some(path), Some(revision)) => {
                    let (page, revision) = opened
                        .page_at(path, revision, &prefix)?
                        .ok_or(Error::NotFound)?;
                    Some((page, false, revision.author, format_date(revision.time)))
                }
                (None, _) => None,
            };
            // A missing page that has a history was deleted: say so, and lead to its history.
            let deleted = match (&path, &view, revision) {
                (Some(path), None, None) => !opened.history(path, 0, 1)?.0.is_empty(),
                _ => false,
            };
            Ok((path, view, redirected_from, deleted))
        })
        .await?;
    let chrome = wiki.chrome(caller)?;
    let can_write = wiki.can_write();
    let Some((page, current, author, date)) = view else {
        let page = views::missing_page(
            &chrome,
            &wiki.prefix,
            path.as_ref().map(PagePath::as_str),
            can_write,
            caller.actor != Actor::Visitor,
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
            "{}?from={}",
            wiki.page_url(target),
            urls::query_value(path.as_str())
        );
        return Ok(Redirect::to(&location).into_response());
    }
    let t = caller.lang.messages();
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
        prefix: &wiki.prefix,
        path: path.as_str(),
        title: &title,
        html: &rendered.html,
        too_complex: rendered.too_complex,
        has_own_title: rendered.title.is_some(),
        author: &author,
        date: &date,
        can_write,
        notice: notice.as_deref(),
        revision: revision_text.as_deref(),
    };
    Ok(cacheable(views::page(&chrome, &info), Cacheable::Public))
}

/// `GET /{wiki}/_pages`: every page and attachment.
pub async fn index(caller: Caller, wiki: WikiRequest) -> Result<Response> {
    let listing = wiki.run(Action::Read, |opened| opened.listing()).await?;
    let pages: Vec<&str> = listing.pages.keys().map(PagePath::as_str).collect();
    let files: Vec<&str> = listing.files.keys().map(PagePath::as_str).collect();
    let chrome = wiki.chrome(&caller)?;
    // The clone address is absolute: from the configuration when it names the farm. Without a
    // base URL it can only come from the Host this client sent, so the answer is then for this
    // client alone and never cached.
    let (origin, public) = match &caller.public_origin {
        Some(origin) => (origin.clone(), true),
        None => (format!("http://{}", caller.host), false),
    };
    let clone_url = format!("{origin}/{}.git", wiki.slug);
    let page = views::page_index(
        &chrome,
        &wiki.prefix,
        &pages,
        &files,
        wiki.can_write(),
        &clone_url,
    );
    Ok(if public {
        cacheable(page, Cacheable::Public)
    } else {
        page.into_response()
    })
}

/// `GET /{wiki}/_raw/{page}`: the Markdown as stored.
pub async fn raw(Page(path): Page, wiki: WikiRequest) -> Result<Response> {
    let bytes = wiki
        .run(Action::Read, move |opened| {
            opened.raw(&path)?.ok_or(Error::NotFound)
        })
        .await?;
    let raw = (
        [
            (header::CONTENT_TYPE, "text/markdown; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox",
            ),
        ],
        bytes,
    );
    Ok(cacheable(raw, Cacheable::Public))
}
