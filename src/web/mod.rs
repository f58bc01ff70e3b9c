//! The HTTP front end: the route table, the request context, and the one crossing into blocking
//! code.
//!
//! The only async code of konbit and the only place that knows about requests. One module per
//! surface (`pages`, `history`, `edit`, `files`, `account`, `admin`, `search`, `assets`); handlers take the
//! [`Caller`] and, for a wiki, a [`WikiRequest`], ask the core (which asks the access policy)
//! inside [`blocking`], and pass plain data to `views`. Forms are read by `form`, the only door
//! that checks CSRF tokens. No file here calls git2.

mod account;
mod admin;
mod assets;
mod context;
mod edit;
mod error;
mod files;
mod form;
mod git;
mod history;
mod links;
pub mod listen;
mod origin;
mod pages;
mod scope;
mod search;
pub mod session;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::routing::{MethodRouter, get, post};

use crate::error::Error;
use crate::farm::{ConfigForForm, Farm, Reload};
use session::Sessions;

pub use context::Caller;
pub use error::ErrorMark;
pub use git::GitServer;
pub use scope::WikiRequest;

/// What every handler shares.
pub struct AppState {
    pub farm: Arc<Farm>,
    pub sessions: Sessions,
    pub git: GitServer,
}

pub type SharedState = Arc<AppState>;

/// Largest body of a farm-wide form (sign-in, sign-out, language).
pub(crate) const FARM_FORM_LIMIT: usize = 16 << 10;

/// The route table: every address of the farm and the handler that answers it, in the order of
/// the README's URL map. Under `/{wiki}/`, names beginning with `_` are the engine's; anything
/// else is a page path.
pub fn router(state: SharedState) -> Router {
    let farm = Router::new()
        .route("/", get(pages::farm_home))
        .route("/login", get(account::login_form).post(account::login))
        .route("/logout", post(account::logout))
        .route("/account", get(account::account))
        .route("/account/details", post(account::set_details))
        .route("/account/password", post(account::change_password))
        .route(
            "/account/password/{link}",
            get(account::password_link_form).post(account::set_password_with_link),
        )
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/revoke", post(account::revoke_token))
        .route("/_lang", post(account::set_lang))
        // The administration's addresses answer any other method like a missing page.
        .route("/_admin", only(get(admin::farm_page)))
        .route("/_admin/organisations", only(post(admin::add_organisation)))
        .route("/_admin/wikis", only(post(admin::add_wiki)))
        .route("/_admin/wikis/retire", only(post(admin::retire_wiki)))
        .route("/_admin/people", only(post(admin::add_person)))
        .route("/_admin/people/disabled", only(post(admin::set_disabled)))
        .route(
            "/_admin/people/farm-admin",
            only(post(admin::set_farm_admin)),
        )
        .route("/_admin/people/link", only(post(admin::password_link)))
        .route("/_admin/audit", only(get(admin::audit)))
        .route("/_admin/audit/undo", only(post(admin::undo)))
        .route(
            "/_org/{organisation}",
            only(get(admin::organisation).post(admin::set_member)),
        )
        .route("/_theme/{theme}/{file}", get(assets::theme_file))
        .route("/_assets/suggest.js", get(assets::suggest_script))
        .route("/search", get(search::farm_search))
        .route("/_suggest", get(search::suggest))
        .route("/opensearch.xml", get(search::opensearch))
        // Every farm-wide form is small.
        .layer(DefaultBodyLimit::max(FARM_FORM_LIMIT));
    let wiki = Router::new()
        .route("/{wiki}", only(get(pages::wiki_without_slash)))
        .route("/{wiki}/", only(get(pages::home)))
        .route("/{wiki}/_raw/{*page}", only(get(pages::raw)))
        .route(
            "/{wiki}/_edit/{*page}",
            only(get(edit::editor).post(edit::save)),
        )
        // The editor of no page at all: refused as a bad name, the text kept.
        .route("/{wiki}/_edit/", only(get(edit::editor).post(edit::save)))
        .route("/{wiki}/_new", only(get(edit::new_page)))
        .route(
            "/{wiki}/_rename/{*page}",
            only(get(edit::rename_form).post(edit::rename)),
        )
        .route(
            "/{wiki}/_delete/{*page}",
            only(get(edit::delete_form).post(edit::delete)),
        )
        .route("/{wiki}/_revert/{*page}", only(post(edit::revert)))
        .route("/{wiki}/_history/{*page}", only(get(history::history)))
        .route("/{wiki}/_diff/{*page}", only(get(history::diff)))
        .route(
            "/{wiki}/_settings",
            only(get(admin::settings).post(admin::save_settings)),
        )
        .route("/{wiki}/_settings/grants", only(post(admin::set_grant)))
        .route("/{wiki}/_pages", only(get(pages::index)))
        .route("/{wiki}/_links/{*page}", only(get(links::backlinks)))
        .route("/{wiki}/_wanted", only(get(links::wanted)))
        .route("/{wiki}/_orphans", only(get(links::orphans)))
        .route("/{wiki}/_recent", only(get(history::recent)))
        .route("/{wiki}/_search", only(get(search::wiki_search)))
        .route("/{wiki}/_feed.atom", only(get(history::feed)))
        .route(
            "/{wiki}/_files/",
            only(get(files::list).post(files::upload)),
        )
        .route("/{wiki}/_files/{*path}", only(get(files::file)))
        .route("/{wiki}/{*page}", only(get(pages::page)))
        // A visitor who opens a page meant for writers is sent to sign in first.
        .route_layer(axum::middleware::from_fn(scope::sign_in_to_write))
        // Wiki forms and uploads enforce their own limits, from the configuration.
        .layer(DefaultBodyLimit::disable());
    farm.merge(wiki)
        .fallback(pages::not_found)
        .with_state(state)
}

/// Other methods on a known address are answered like an unknown address.
fn only(route: MethodRouter<SharedState>) -> MethodRouter<SharedState> {
    route.fallback(pages::not_found)
}

/// Serves the farm on `listener` within the connection `limits` until `shutdown` resolves,
/// re-reading the configuration files every half second.
pub async fn serve(
    state: SharedState,
    listener: tokio::net::TcpListener,
    limits: listen::Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let watcher = tokio::spawn(watch_config(state.clone()));
    // The HTML surfaces share the context middleware (session, language, CSRF cookie, error
    // pages). Surfaces that are not for browsers (git's smart HTTP, next) are routed beside it,
    // without any of that.
    // The context wraps the whole router, so that host routing rewrites the address before a
    // route is chosen.
    let context = axum::middleware::from_fn_with_state(state.clone(), context::context);
    let html = tower_layer::Layer::layer(&context, router(state.clone()));
    // git's smart HTTP (`/{wiki}.git/…`) is answered beside the HTML surfaces, outside their
    // middleware: no session, no CSRF cookie, no HTML error page, streamed bodies.
    let git = Router::new()
        .fallback(git::handle)
        .with_state(state.clone());
    let app = tower::service_fn(move |request: Request| {
        let (git, html) = (git.clone(), html.clone());
        async move {
            if git::is_git_path(request.uri().path()) {
                tower::ServiceExt::oneshot(git, request).await
            } else {
                tower::ServiceExt::oneshot(html, request).await
            }
        }
    });
    let result = listen::serve(listener, app, limits, shutdown).await;
    watcher.abort();
    result
}

/// Applies configuration changes made on disk, every half second.
async fn watch_config(state: SharedState) {
    let mut interval = tokio::time::interval(Duration::from_millis(500));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let state = state.clone();
        let applied = blocking(move || {
            apply_disk_changes(&state);
            Ok(())
        });
        if let Err(error) = applied.await {
            tracing::error!(%error, "configuration reload failed");
        }
    }
}

/// Applies a change of the configuration files found on disk (a hand edit) if they are valid
/// (a refusal is reported by the farm, once). Whatever put a new roster in force (this reload,
/// or a web change that applied a hand edit before writing), the sessions it no longer has as
/// they were when they signed in end here, before the reload is announced. Blocking.
fn apply_disk_changes(state: &SharedState) {
    let reloaded = state.farm.reload_from_disk();
    follow_roster(state);
    if let Ok(Reload::Applied) = reloaded {
        tracing::info!("configuration reloaded");
    }
}

/// Ends the sessions of the people a new roster no longer has as they were when they signed
/// in, once for each configuration that came into force, whatever put it there: the watcher's
/// reload, or a web change (after which it is called at once, so that a person disabled is
/// signed out before the answer).
pub(crate) fn follow_roster(state: &SharedState) {
    let generation = state.farm.config_generation();
    let ended = state
        .sessions
        .follow_roster(generation, &state.farm.config().roster);
    if ended > 0 {
        tracing::info!(ended, "sessions ended by the new roster");
    }
}

/// What a form of the configuration starts from: a change on disk is applied first, as the
/// watcher would, so that the form shows the newest values, or says the files are broken.
async fn config_for_form(state: &SharedState) -> Result<ConfigForForm, Error> {
    let state = state.clone();
    blocking(move || {
        apply_disk_changes(&state);
        Ok(state.farm.config_for_form())
    })
    .await
}

/// Runs blocking work (git, argon2, files) off the async executor. A panic in it becomes an
/// internal error for this request only.
pub async fn blocking<T, F>(work: F) -> Result<T, Error>
where
    F: FnOnce() -> Result<T, Error> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(join_error) => Err(Error::Internal(format!(
            "blocking task failed: {join_error}"
        ))),
    }
}
