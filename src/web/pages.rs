//! Reading wikis: the farm home, pages, raw Markdown, the page index and attachments.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;

use crate::access::Action;
use crate::error::Error;
use crate::farm::Farm;
use crate::page_path::PagePath;
use crate::views::{self, PageInfo, WikiItem};

use super::{Ctx, SharedState, blocking};

pub async fn not_found() -> Error {
    Error::NotFound
}

/// `/`: the wikis this person may read.
pub async fn farm_home(ctx: Ctx) -> Markup {
    let config = &ctx.config;
    let wikis: Vec<WikiItem> = Farm::readable(config, ctx.actor.as_deref())
        .into_iter()
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
    views::farm_home(&ctx.chrome(None), &wikis)
}

/// `/{wiki}` → `/{wiki}/`.
pub async fn wiki_without_slash(Path(slug): Path<String>) -> Result<Redirect, Error> {
    // Redirect only for names that can be wikis, so that the redirect itself reveals nothing the
    // 404 of a missing wiki would not.
    crate::page_path::WikiSlug::parse(&slug).ok_or(Error::NotFound)?;
    Ok(Redirect::permanent(&format!("/{slug}/")))
}

/// What a path under a wiki names.
enum Target {
    Home,
    Page(PagePath),
    Raw(PagePath),
    Index,
    File(PagePath),
}

fn parse_target(rest: &str) -> Result<Target, Error> {
    if rest.is_empty() {
        return Ok(Target::Home);
    }
    if let Some(path) = rest.strip_prefix("_raw/") {
        return Ok(Target::Raw(PagePath::from_url(path)?));
    }
    if let Some(path) = rest.strip_prefix("_files/") {
        return Ok(Target::File(PagePath::from_url(path)?));
    }
    if rest == "_pages" {
        return Ok(Target::Index);
    }
    if rest.starts_with('_') {
        // An engine route this version does not have, or a reserved page name.
        let path = PagePath::from_url(rest)?;
        return Ok(Target::Page(path));
    }
    Ok(Target::Page(PagePath::from_url(rest)?))
}

/// `GET /{wiki}/…`: everything under a wiki. The raw (still percent-encoded) path is parsed
/// here, once, so that malformed escapes are refused rather than guessed at.
pub async fn wiki_get(
    State(state): State<SharedState>,
    ctx: Ctx,
    uri: axum::http::Uri,
) -> Result<Response, Error> {
    let raw = uri.path().strip_prefix('/').unwrap_or("");
    let (slug, rest) = raw.split_once('/').unwrap_or((raw, ""));
    let slug = slug.to_owned();
    let target = parse_target(rest)?;
    let farm = state.farm.clone();
    let config = ctx.config.clone();
    let actor = ctx.actor.clone();
    let wiki_slug = crate::page_path::WikiSlug::parse(&slug).ok_or(Error::NotFound)?;
    let prefix = ctx.prefix(&wiki_slug);

    match target {
        Target::Home | Target::Page(_) => {
            let page_prefix = prefix.clone();
            let found = blocking(move || {
                let wiki = farm.open(config, actor.as_deref(), &slug, Action::Read)?;
                let path = match target {
                    Target::Page(path) => Some(path),
                    _ => wiki.home_path()?,
                };
                let view = match &path {
                    Some(path) => wiki.page(path, &page_prefix)?,
                    None => None,
                };
                Ok((path, view))
            })
            .await?;
            let wiki = ctx.config.wiki(wiki_slug.as_str()).ok_or(Error::NotFound)?;
            let chrome = ctx.chrome(Some((wiki, &prefix)));
            match found {
                (Some(path), Some(view)) => {
                    let title = view
                        .rendered
                        .title
                        .clone()
                        .unwrap_or_else(|| path.name().to_owned());
                    let info = PageInfo {
                        prefix: &prefix,
                        path: path.as_str(),
                        title: &title,
                        html: &view.rendered.html,
                        has_own_title: view.rendered.title.is_some(),
                        author: &view.head.author,
                        date: &format_date(view.head.time),
                    };
                    Ok(views::page(&chrome, &info).into_response())
                }
                (path, _) => {
                    let home = path.is_none() || rest.is_empty();
                    let name = path.as_ref().map_or("", |p| p.name());
                    let page = views::missing_page(&chrome, name, home);
                    Ok((StatusCode::NOT_FOUND, page).into_response())
                }
            }
        }
        Target::Index => {
            let listing = blocking(move || {
                farm.open(config, actor.as_deref(), &slug, Action::Read)?
                    .listing()
            })
            .await?;
            let wiki = ctx.config.wiki(wiki_slug.as_str()).ok_or(Error::NotFound)?;
            let pages: Vec<&str> = listing.pages.keys().map(PagePath::as_str).collect();
            let files: Vec<&str> = listing.files.keys().map(PagePath::as_str).collect();
            let chrome = ctx.chrome(Some((wiki, &prefix)));
            Ok(views::page_index(&chrome, &prefix, &pages, &files).into_response())
        }
        Target::Raw(path) => {
            let bytes = blocking(move || {
                farm.open(config, actor.as_deref(), &slug, Action::Read)?
                    .raw(&path)?
                    .ok_or(Error::NotFound)
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
        Target::File(path) => {
            let name = path.name().to_owned();
            let bytes = blocking(move || {
                farm.open(config, actor.as_deref(), &slug, Action::Read)?
                    .file(&path)?
                    .ok_or(Error::NotFound)
            })
            .await?;
            Ok(attachment(&name, bytes))
        }
    }
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

/// A commit time as a date a person reads: `2026-11-25 14:03 UTC`.
pub fn format_date(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(format_date(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_date(1_795_610_640), "2026-11-25 12:44 UTC");
        assert_eq!(format_date(951_782_400), "2000-02-29 00:00 UTC");
    }
}
