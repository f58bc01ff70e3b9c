//! Search: `/search` (every wiki the person may read), `/{wiki}/_search` (one wiki),
//! `/_suggest` (page titles as one types, in the OpenSearch suggestions format) and
//! `/opensearch.xml`. The policy's set of readable wikis is computed by the farm and filters the
//! query inside the index; this module only shapes what comes back.

use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::access::Action;
use crate::dates::format_date;
use crate::error::{Error, Result};
use crate::farm::Searched;
use crate::farm::search::{self, MAX_PAGE, PER_PAGE, TooBig};
use crate::urls;
use crate::views::{self, SearchFacet, SearchHit, SearchPage, SearchRefused};

use super::context::{Cacheable, cacheable};
use super::{Caller, SharedState, WikiRequest, blocking};

/// A search that takes longer than this is answered as too slow (the work is bounded anyway:
/// terms, prefix expansions and pages are).
const SEARCH_DEADLINE: Duration = Duration::from_secs(5);

/// What the address asks: `q` and `page`, read leniently (any bytes make some text).
struct Asked {
    text: String,
    page: usize,
}

impl Asked {
    fn of(raw: Option<String>) -> Asked {
        let value = |name: &str| super::form::query_value(raw.as_deref(), name);
        Asked {
            text: value("q").unwrap_or_default(),
            page: value("page")
                .and_then(|page| page.parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, MAX_PAGE),
        }
    }
}

/// `GET /search?q=`: every wiki the person may read.
pub async fn farm_search(
    State(state): State<SharedState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    answer(state, caller, None, Asked::of(raw)).await
}

/// `GET /{wiki}/_search?q=`: one wiki, answered like a missing wiki to whoever may not read it.
pub async fn wiki_search(
    State(state): State<SharedState>,
    caller: Caller,
    wiki: WikiRequest,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    wiki.require(Action::Read).await?;
    answer(state, caller, Some(wiki), Asked::of(raw)).await
}

async fn answer(
    state: SharedState,
    caller: Caller,
    wiki: Option<WikiRequest>,
    asked: Asked,
) -> Result<Response> {
    let action = match &wiki {
        Some(wiki) => urls::search(&wiki.prefix),
        None => "/search".to_owned(),
    };
    let mut status = StatusCode::OK;
    let mut refused = None;
    let mut searched: Option<(search::Query, Searched)> = None;
    if !asked.text.trim().is_empty() {
        match search::parse(&asked.text) {
            Err(too_big) => {
                status = StatusCode::BAD_REQUEST;
                refused = Some(match too_big {
                    TooBig::TooLong => SearchRefused::TooLong,
                    TooBig::TooManyTerms => SearchRefused::TooManyTerms,
                });
            }
            Ok(query) => {
                let farm = state.farm.clone();
                let (config, actor) = (caller.config.clone(), caller.actor.clone());
                let slug = wiki.as_ref().map(|w| w.slug.clone());
                let page = asked.page;
                let work = blocking(move || {
                    let found = farm.search(
                        &config,
                        &actor,
                        slug.as_ref().map(|s| s.as_str()),
                        &query,
                        page,
                    )?;
                    Ok((query, found))
                });
                match tokio::time::timeout(SEARCH_DEADLINE, work).await {
                    Ok(Ok(found)) => searched = Some(found),
                    Ok(Err(Error::Unavailable(cause))) => {
                        tracing::warn!(%cause, "search unavailable");
                        status = StatusCode::SERVICE_UNAVAILABLE;
                        refused = Some(SearchRefused::Unavailable);
                    }
                    Ok(Err(error)) => return Err(error),
                    Err(_) => {
                        status = StatusCode::SERVICE_UNAVAILABLE;
                        refused = Some(SearchRefused::TooSlow);
                    }
                }
            }
        }
    }

    let config = &caller.config;
    let empty = Searched {
        found: Default::default(),
        catching_up: false,
    };
    let (query, result) = match &searched {
        Some((query, result)) => (Some(query), result),
        None => (None, &empty),
    };
    let found = &result.found;
    let dates: Vec<String> = found.hits.iter().map(|hit| format_date(hit.date)).collect();
    let hits: Vec<SearchHit> = found
        .hits
        .iter()
        .zip(&dates)
        .map(|(hit, date)| SearchHit {
            title: &hit.title,
            wiki: config
                .wiki(hit.wiki.as_str())
                .map_or(hit.wiki.as_str(), |w| w.title.as_str()),
            url: urls::page(&caller.prefix(&hit.wiki), hit.path.as_str()),
            path: hit.path.as_str(),
            snippet: &hit.snippet,
            date,
        })
        .collect();
    // Narrowing to a wiki is the same query with one `wiki:` filter; only the farm-wide search
    // has wikis to narrow to.
    let facets: Vec<SearchFacet> = match (query, &wiki) {
        (Some(query), None) => {
            let mut unfiltered = query.clone();
            unfiltered.wikis.clear();
            let base = unfiltered.rewritten(|_| None);
            found
                .facets
                .iter()
                .map(|(slug, count)| SearchFacet {
                    title: config
                        .wiki(slug.as_str())
                        .map_or(slug.as_str(), |w| w.title.as_str()),
                    count: *count,
                    url: urls::search_for(&action, &format!("{base} wiki:{slug}"), 1),
                    selected: query.wikis.len() == 1 && query.wikis[0] == slug.as_str(),
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let correction = found
        .correction
        .as_deref()
        .map(|corrected| (corrected, urls::search_for(&action, corrected, 1)));
    let page = asked.page;
    let previous =
        (page > 1 && searched.is_some()).then(|| urls::search_for(&action, &asked.text, page - 1));
    let next = (page * PER_PAGE < found.total && page < MAX_PAGE)
        .then(|| urls::search_for(&action, &asked.text, page + 1));
    let everywhere = wiki
        .as_ref()
        .map(|_| urls::search_for("/search", &asked.text, 1));
    let chrome = match &wiki {
        Some(wiki) => wiki.chrome(&caller)?,
        None => caller.chrome(None),
    };
    let view = SearchPage {
        action: &action,
        everywhere,
        query: &asked.text,
        refused,
        searched: query.is_some_and(|q| q.has_positive_terms()) || refused.is_some(),
        total: found.total,
        hits: &hits,
        facets: &facets,
        correction,
        first: (page - 1) * PER_PAGE + 1,
        previous,
        next,
        catching_up: result.catching_up,
    };
    let markup = views::search(&chrome, &view);
    if status != StatusCode::OK {
        return Ok((status, markup).into_response());
    }
    // The same for every visitor; the context keeps a signed-in person's answer private.
    Ok(cacheable(markup, Cacheable::Public))
}

/// `GET /_suggest?q=&wiki=`: titles of readable pages whose words begin like `q`, as OpenSearch
/// suggestions: `[q, [titles], [places], [addresses]]`.
pub async fn suggest(
    State(state): State<SharedState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    let value = |name: &str| super::form::query_value(raw.as_deref(), name);
    let typed: String = value("q")
        .unwrap_or_default()
        .chars()
        .take(search::MAX_QUERY_CHARS)
        .collect();
    let wiki = value("wiki");
    let farm = state.farm.clone();
    let (config, actor) = (caller.config.clone(), caller.actor.clone());
    let typed_for_search = typed.clone();
    let work = blocking(move || {
        match farm.suggest(&config, &actor, wiki.as_deref(), &typed_for_search) {
            // Suggestions for a wiki one may not read are none, like a missing wiki's.
            Err(Error::NotFound) | Err(Error::Unavailable(_)) => Ok(Vec::new()),
            other => other,
        }
    });
    let suggestions = tokio::time::timeout(SEARCH_DEADLINE, work)
        .await
        .unwrap_or(Ok(Vec::new()))?;
    let config = &caller.config;
    let titles: Vec<&str> = suggestions.iter().map(|s| s.title.as_str()).collect();
    let places: Vec<String> = suggestions
        .iter()
        .map(|s| {
            let wiki = config
                .wiki(s.wiki.as_str())
                .map_or(s.wiki.as_str(), |w| w.title.as_str());
            format!("{wiki} › {}", s.path.as_str())
        })
        .collect();
    let addresses: Vec<String> = suggestions
        .iter()
        .map(|s| urls::page(&caller.prefix(&s.wiki), s.path.as_str()))
        .collect();
    let body = serde_json::json!([typed, titles, places, addresses]).to_string();
    Ok(cacheable(
        (
            [(
                header::CONTENT_TYPE,
                "application/x-suggestions+json; charset=utf-8",
            )],
            body,
        ),
        Cacheable::Public,
    ))
}

/// `GET /opensearch.xml`: the farm as a browser's search engine. It needs the farm's public
/// address (`base_url`): without one there is no description.
pub async fn opensearch(caller: Caller) -> Result<Response> {
    let origin = caller.public_origin.as_deref().ok_or(Error::NotFound)?;
    let body = views::opensearch(&caller.config.farm.name, origin.trim_end_matches('/'));
    Ok(cacheable(
        (
            [(
                header::CONTENT_TYPE,
                "application/opensearchdescription+xml; charset=utf-8",
            )],
            body,
        ),
        Cacheable::Anyone,
    ))
}
