//! Search: the results page (farm-wide or one wiki's), with the wikis that have hits, a
//! correction, pages of results; and the OpenSearch description.

use maud::{Markup, html};

use super::{Chrome, layout};
use crate::urls;

/// One result, ready to show.
pub struct SearchHit<'a> {
    pub title: &'a str,
    /// The wiki's title and the page's address.
    pub wiki: &'a str,
    pub url: String,
    pub path: &'a str,
    pub snippet: &'a [(String, bool)],
    pub date: &'a str,
}

/// A wiki with hits, to narrow down to.
pub struct SearchFacet<'a> {
    pub title: &'a str,
    pub count: u64,
    /// The same search in that wiki only.
    pub url: String,
    pub selected: bool,
}

/// Why the search box's text was not searched.
#[derive(Clone, Copy)]
pub enum SearchRefused {
    TooLong,
    TooManyTerms,
    TooSlow,
    Unavailable,
}

pub struct SearchPage<'a> {
    /// Where the form is sent: `/search`, or a wiki's `_search`.
    pub action: &'a str,
    /// The farm-wide search, when this one is a wiki's.
    pub everywhere: Option<String>,
    pub query: &'a str,
    pub refused: Option<SearchRefused>,
    /// Whether anything was searched (a query with words in it).
    pub searched: bool,
    pub total: usize,
    pub hits: &'a [SearchHit<'a>],
    pub facets: &'a [SearchFacet<'a>],
    /// The corrected query and its address.
    pub correction: Option<(&'a str, String)>,
    /// The number of the first result shown.
    pub first: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub catching_up: bool,
}

pub fn search(chrome: &Chrome, page: &SearchPage) -> Markup {
    let t = chrome.t();
    let title = if page.query.is_empty() {
        t.search.to_owned()
    } else {
        format!("{} : {}", t.search, page.query)
    };
    layout(
        chrome,
        &title,
        html! {
            h1 { (t.search) }
            form.search-page role="search" method="get" action=(page.action) {
                label for="search-page-q" { (t.search_label) }
                " "
                input #search-page-q type="search" name="q" value=(page.query) maxlength="1000";
                " "
                button type="submit" { (t.search) }
                p.hint { (t.search_syntax) }
            }
            @if let Some(everywhere) = &page.everywhere {
                p.search-everywhere { a href=(everywhere) { (t.search_everywhere) } }
            }
            @if page.catching_up {
                p.notice.catching-up { (t.search_catching_up) }
            }
            @match page.refused {
                Some(SearchRefused::TooLong) => p.error.refused { (t.search_too_long) },
                Some(SearchRefused::TooManyTerms) => p.error.refused { (t.search_too_many_terms) },
                Some(SearchRefused::TooSlow) => p.error.refused { (t.search_too_slow) },
                Some(SearchRefused::Unavailable) => p.error.refused { (t.search_unavailable) },
                None => {}
            }
            @if let Some((corrected, url)) = &page.correction {
                p.correction { (t.did_you_mean) " " a href=(url) { (corrected) } " ?" }
            }
            @if page.searched && page.refused.is_none() {
                p.result-count {
                    (page.total) " " @if page.total == 1 { (t.result) } @else { (t.results) }
                }
                @if !page.facets.is_empty() {
                    nav.search-facets aria-label=(t.wikis) {
                        ul {
                            @for facet in page.facets {
                                li {
                                    @if facet.selected {
                                        strong { (facet.title) } " (" (facet.count) ")"
                                    } @else {
                                        a href=(facet.url) { (facet.title) } " (" (facet.count) ")"
                                    }
                                }
                            }
                        }
                    }
                }
                @if page.hits.is_empty() {
                    p.empty { (t.no_results) }
                } @else {
                    ol.search-results start=(page.first) {
                        @for hit in page.hits {
                            li.search-hit {
                                a.hit-title href=(hit.url) { (hit.title) }
                                " "
                                span.hit-place { (hit.wiki) " › " (hit.path) }
                                p.snippet {
                                    @for (text, highlighted) in hit.snippet {
                                        @if *highlighted { mark { (text) } } @else { (text) }
                                    }
                                }
                                span.hit-date { (hit.date) }
                            }
                        }
                    }
                }
                @if page.previous.is_some() || page.next.is_some() {
                    nav.pager {
                        @if let Some(previous) = &page.previous { a rel="prev" href=(previous) { (t.previous_results) } " " }
                        @if let Some(next) = &page.next { a rel="next" href=(next) { (t.next_results) } }
                    }
                }
            }
        },
    )
}

/// The search box of every page: the wiki's own search inside a wiki, else the farm's.
pub fn search_box(chrome: &Chrome) -> Markup {
    let t = chrome.t();
    let action = match &chrome.wiki {
        Some(wiki) => urls::search(wiki.prefix),
        None => "/search".to_owned(),
    };
    html! {
        form.search-box role="search" method="get" action=(action)
            data-wiki=[chrome.wiki.as_ref().map(|wiki| wiki.slug)] {
            input type="search" name="q" aria-label=(t.search_label) placeholder=(t.search);
            " "
            button type="submit" { (t.search) }
        }
    }
}

/// The OpenSearch description: lets a browser add the farm as a search engine.
pub fn opensearch(farm_name: &str, origin: &str) -> String {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let name: String = farm_name.chars().take(16).collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n\
         <ShortName>{}</ShortName>\n\
         <Description>{}</Description>\n\
         <InputEncoding>UTF-8</InputEncoding>\n\
         <Url type=\"text/html\" method=\"get\" template=\"{}/search?q={{searchTerms}}\"/>\n\
         <Url type=\"application/x-suggestions+json\" method=\"get\" template=\"{}/_suggest?q={{searchTerms}}\"/>\n\
         </OpenSearchDescription>\n",
        escape(&name),
        escape(farm_name),
        escape(origin),
        escape(origin),
    )
}
