//! A wiki's past: a page's history, diffs between revisions, recent changes and the Atom feed.

use std::collections::HashMap;

use axum::extract::Query;
use axum::http::header;
use axum::response::Response;

use crate::access::Action;
use crate::dates::{format_date, rfc3339};
use crate::error::{Bad, Error, Result};
use crate::urls;
use crate::views;

use super::context::{Cacheable, cacheable};
use super::scope::{Page, display_paths, parse_revision};
use super::{Caller, WikiRequest};

/// History rows per page.
const HISTORY_PER_PAGE: usize = 50;

/// `GET /{wiki}/_history/{page}`: the commits that changed the page, following renames.
pub async fn history(
    Page(path): Page,
    caller: Caller,
    wiki: WikiRequest,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response> {
    let page: usize = match query.get("page") {
        Some(page) => page
            .parse()
            .map_err(|_| Error::BadRequest(Bad::NotAHistoryPage))?,
        None => 0,
    };
    if page > 100_000 {
        return Err(Error::BadRequest(Bad::NotAHistoryPage));
    }
    let wanted = path.clone();
    let (revisions, more, previous, exists) = wiki
        .run(Action::Read, move |opened| {
            let exists = opened.raw(&wanted)?.is_some();
            // One more row than shown, so that the last row can link to its previous revision.
            let (mut revisions, more) = opened.history(&wanted, page, HISTORY_PER_PAGE + 1)?;
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
    let chrome = wiki.chrome(&caller)?;
    let page_view = views::History {
        prefix: &wiki.prefix,
        path: path.as_str(),
        rows: &rows,
        page,
        more,
        can_write: wiki.can_write(),
        exists,
    };
    Ok(cacheable(
        views::history(&chrome, &page_view),
        Cacheable::Public,
    ))
}

/// `GET /{wiki}/_diff/{page}?from=&to=`: a line diff between two revisions (`to` defaults to
/// the newest).
pub async fn diff(
    Page(path): Page,
    caller: Caller,
    wiki: WikiRequest,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response> {
    let from = query
        .get("from")
        .ok_or(Error::BadRequest(Bad::MissingRevision))?;
    let from = parse_revision(from)?;
    let to = match query.get("to") {
        Some(to) => Some(parse_revision(to)?),
        None => None,
    };
    let wanted = path.clone();
    let (rows, to, from_time, to_time) = wiki
        .run(Action::Read, move |opened| {
            let to = match to {
                Some(to) => to,
                None => opened.head()?.ok_or(Error::NotFound)?.commit,
            };
            // The page may have had another name at `from`: its history says which.
            let file = wanted.file_name();
            let new = opened.text_at(to, &file)?.unwrap_or_default();
            let old_path = opened.path_at(&wanted, from)?.unwrap_or(file);
            let old = opened.text_at(from, &old_path)?.unwrap_or_default();
            let from_time = opened.revision_info(from)?.time;
            let to_time = opened.revision_info(to)?.time;
            Ok((crate::diff::lines(&old, &new, 3), to, from_time, to_time))
        })
        .await?;
    let (added, removed) = crate::diff::stats(&rows);
    let chrome = wiki.chrome(&caller)?;
    let (from_text, to_text) = (from.to_string(), to.to_string());
    let page = views::DiffPage {
        prefix: &wiki.prefix,
        path: path.as_str(),
        from: &from_text,
        to: &to_text,
        from_date: &format_date(from_time),
        to_date: &format_date(to_time),
        rows: &rows,
        added,
        removed,
    };
    Ok(cacheable(
        views::diff_page(&chrome, &page),
        Cacheable::Public,
    ))
}

/// `GET /{wiki}/_recent`: the newest changes of the wiki.
pub async fn recent(caller: Caller, wiki: WikiRequest) -> Result<Response> {
    let recent = wiki.run(Action::Read, |opened| opened.recent()).await?;
    let dates: Vec<String> = recent
        .iter()
        .map(|a| format_date(a.revision.time))
        .collect();
    let items: Vec<views::RecentItem> = recent
        .iter()
        .zip(&dates)
        .map(|(a, date)| views::RecentItem {
            wiki_title: None,
            prefix: &wiki.prefix,
            paths: display_paths(&a.paths),
            author: &a.revision.author,
            date,
            message: &a.revision.message,
        })
        .collect();
    let chrome = wiki.chrome(&caller)?;
    let page = views::recent_page(&chrome, &wiki.prefix, &items);
    Ok(cacheable(page, Cacheable::Public))
}

/// `GET /{wiki}/_feed.atom`: the recent changes as an Atom feed.
pub async fn feed(caller: Caller, wiki: WikiRequest) -> Result<Response> {
    let recent = wiki.run(Action::Read, |opened| opened.recent()).await?;
    let settings = caller
        .config
        .wiki(wiki.slug.as_str())
        .ok_or(Error::NotFound)?;
    // Absolute addresses come from the configuration only (see `Caller::public_origin`).
    // Without a base URL the links are relative to the farm's root, which Atom allows: with no
    // `xml:base`, readers resolve them against the address they fetched the feed from. The
    // feed's id must be absolute and the same at every address of the wiki.
    let site = match &caller.public_origin {
        Some(origin) => format!("{origin}{}", wiki.prefix),
        None => wiki.prefix.clone(),
    };
    let id = match &caller.config.farm.base_url {
        Some(base) => format!("{base}/{}/", wiki.slug),
        None => format!("urn:konbit:wiki:{}", wiki.slug),
    };
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
                    urls::page(&site, p)
                } else {
                    urls::file(&site, p)
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
        &settings.title,
        &id,
        &site,
        &urls::feed(&site),
        &updated,
        &entries,
    );
    let feed = (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    );
    Ok(cacheable(feed, Cacheable::Public))
}
