//! `/{wiki}/_links/{page}` (what links here, from every wiki the reader may read),
//! `/{wiki}/_wanted` and `/{wiki}/_orphans`.

use axum::response::Response;

use crate::access::Action;
use crate::error::Result;
use crate::page_path::PagePath;
use crate::views::{self, BacklinkGroup, WantedRow};

use super::context::{Cacheable, cacheable};
use super::scope::Page;
use super::{Caller, WikiRequest};

/// `GET /{wiki}/_links/{page}`: the pages that link to this one, with the words around each
/// link; those of other wikis only when the reader may read them.
pub async fn backlinks(Page(path): Page, caller: Caller, wiki: WikiRequest) -> Result<Response> {
    let found = wiki.backlinks(path.clone()).await?;
    let groups: Vec<BacklinkGroup> = found
        .iter()
        .map(|(slug, links)| BacklinkGroup {
            wiki_title: (*slug != wiki.slug)
                .then(|| caller.config.wiki(slug.as_str()).map(|w| w.title.as_str()))
                .flatten(),
            prefix: caller.prefix(slug),
            pages: links
                .pages
                .iter()
                .map(|link| (link.page.as_str(), link.context.as_deref()))
                .collect(),
            total: links.total,
        })
        .collect();
    let chrome = wiki.chrome(&caller)?;
    let page = views::backlinks(&chrome, &wiki.prefix, path.as_str(), &groups);
    Ok(cacheable(page, Cacheable::Public))
}

/// `GET /{wiki}/_wanted`: the pages linked but missing, the most wanted first.
pub async fn wanted(caller: Caller, wiki: WikiRequest) -> Result<Response> {
    let wanted = wiki.run(Action::Read, |opened| opened.wanted()).await?;
    let rows: Vec<WantedRow> = wanted
        .iter()
        .map(|wanted| WantedRow {
            path: wanted.path.as_str(),
            linked_from: wanted.linked_from.iter().map(PagePath::as_str).collect(),
            count: wanted.count,
        })
        .collect();
    let chrome = wiki.chrome(&caller)?;
    let page = views::wanted(&chrome, &wiki.prefix, &rows, wiki.can_write());
    Ok(cacheable(page, Cacheable::Public))
}

/// `GET /{wiki}/_orphans`: the pages no other page links to.
pub async fn orphans(caller: Caller, wiki: WikiRequest) -> Result<Response> {
    let orphans = wiki.run(Action::Read, |opened| opened.orphans()).await?;
    let pages: Vec<&str> = orphans.iter().map(PagePath::as_str).collect();
    let chrome = wiki.chrome(&caller)?;
    Ok(cacheable(
        views::orphans(&chrome, &wiki.prefix, &pages),
        Cacheable::Public,
    ))
}
