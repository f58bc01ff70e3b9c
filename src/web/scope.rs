//! A request's business with one wiki: [`WikiRequest`] (which wiki, for whom, at which URL
//! prefix) and [`Page`] (the page path of the address), both taken from the route's raw,
//! still percent-encoded captures, so that malformed escapes are refused rather than guessed at.

use std::sync::Arc;

use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::access::{self, Action, Actor, Place};
use crate::config::Config;
use crate::error::{Bad, Error, Result};
use crate::farm::Farm;
use crate::object_id::ObjectId;
use crate::page_path::{PagePath, PathError, WikiSlug};
use crate::rules::page_of_file;
use crate::urls;
use crate::views;
use crate::wiki::{Backlinks, Wiki};

use super::error::ErrorMark;
use super::{Caller, SharedState, blocking};

/// One request's way into one wiki: everything needed to open it for the actor inside
/// `blocking`, where the access policy is asked.
pub struct WikiRequest {
    farm: Arc<Farm>,
    pub config: Arc<Config>,
    pub actor: Actor,
    pub slug: WikiSlug,
    /// The wiki's URL prefix for this request, ending in '/'.
    pub prefix: String,
}

impl WikiRequest {
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

    /// What links to a page of this wiki, from every wiki the actor may read (this one first).
    pub async fn backlinks(&self, path: PagePath) -> Result<Vec<(WikiSlug, Backlinks)>> {
        let farm = self.farm.clone();
        let config = self.config.clone();
        let actor = self.actor.clone();
        let slug = self.slug.clone();
        blocking(move || farm.backlinks(&config, &actor, slug.as_str(), &path)).await
    }

    /// Succeeds when the actor may do `action` on the wiki; a wiki they may not read is
    /// `NotFound`, exactly like a missing one.
    pub async fn require(&self, action: Action) -> Result<()> {
        self.run(action, |_| Ok(())).await
    }

    /// Whether the actor may change the wiki (to show edit controls).
    pub fn can_write(&self) -> bool {
        self.config.wiki(self.slug.as_str()).is_some_and(|wiki| {
            access::allows(
                &self.config.roster,
                Place::wiki(wiki),
                &self.actor,
                Action::Write,
            )
        })
    }

    pub fn chrome<'a>(&'a self, caller: &'a Caller) -> Result<views::Chrome<'a>> {
        let wiki = self
            .config
            .wiki(self.slug.as_str())
            .ok_or(Error::NotFound)?;
        Ok(caller.chrome(Some((wiki, &self.prefix))))
    }

    /// The address of a page of this wiki.
    pub fn page_url(&self, path: &PagePath) -> String {
        urls::page(&self.prefix, path.as_str())
    }
}

/// Stored file paths as a person reads them: pages without their extension.
pub fn display_paths(paths: &[String]) -> Vec<(String, bool)> {
    paths
        .iter()
        .map(|path| match page_of_file(path) {
            Some(page) => (page.to_owned(), true),
            None => (path.clone(), false),
        })
        .collect()
}

/// A revision named in an address: a full commit id.
pub fn parse_revision(text: &str) -> Result<ObjectId> {
    ObjectId::parse(text).ok_or(Error::BadRequest(Bad::NotARevision))
}

/// The raw capture `name` of the route.
pub(super) async fn capture(parts: &mut Parts, name: &str) -> Result<String> {
    let params = RawPathParams::from_request_parts(parts, &())
        .await
        .map_err(|rejection| match rejection {
            // The router decodes captures once to check them: an escape that is not UTF-8 is a
            // malformed address, like any other bad escape.
            RawPathParamsRejection::InvalidUtf8InPathParam(_) => {
                Error::BadName(PathError::BadEncoding)
            }
            _ => Error::NotFound,
        })?;
    params
        .iter()
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .ok_or(Error::NotFound)
}

impl FromRequestParts<SharedState> for WikiRequest {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let slug = WikiSlug::parse(&capture(parts, "wiki").await?).ok_or(Error::NotFound)?;
        Ok(WikiRequest {
            farm: state.farm.clone(),
            config: caller.config.clone(),
            actor: caller.actor.clone(),
            prefix: caller.prefix(&slug),
            slug,
        })
    }
}

/// The page path of the address (the route's `page` or `path` capture).
pub struct Page(pub PagePath);

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        // An address that ends where the page path should start names the empty path, which
        // is refused like any other bad name.
        let raw = match capture(parts, "page").await {
            Ok(raw) => raw,
            Err(Error::NotFound) => capture(parts, "path").await.unwrap_or_default(),
            Err(error) => return Err(error),
        };
        Ok(Page(urls::page_path(&raw)?))
    }
}

/// Around every wiki route: a visitor who opens a page meant for writers is sent to sign in,
/// and comes back here afterwards. (A refused POST is answered as refused: its form is gone.)
pub async fn sign_in_to_write(caller: Caller, request: Request, next: Next) -> Response {
    let opening = request.method() == axum::http::Method::GET;
    let response = next.run(request).await;
    let forbidden = matches!(
        response.extensions().get::<ErrorMark>(),
        Some(ErrorMark::Error(Error::Forbidden))
    );
    if opening && forbidden && caller.actor == Actor::Visitor {
        return Redirect::to(&urls::sign_in(&caller.here)).into_response();
    }
    response
}
