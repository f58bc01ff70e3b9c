//! The farm: the current configuration, every wiki by slug and host, and the caches of derived
//! state they share.
//!
//! Wikis are opened lazily, per operation; nothing per wiki is loaded at start-up beyond making
//! sure its repository exists. This module knows nothing of HTTP.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use crate::access::{self, Action, Actor, Place};
use crate::config::{self, Config, ConfigErrors, WikiConfig};
use crate::derived::search::{Found, IndexedWiki, Query, Scope, Search, Suggestion};
use crate::derived::{BranchMoved, Derived, LinkIndex, Notices, Subscriber};
use crate::error::{Error, Result};
use crate::page_path::{PagePath, WikiSlug};
use crate::store::Location;
use crate::tokens::Tokens;
use crate::wiki::{Backlinks, Wiki};

/// The search index's vocabulary, for the callers of [`Farm::search`].
pub mod search {
    pub use crate::derived::search::{
        Found, Hit, Indexer, MAX_PAGE, MAX_QUERY_CHARS, MAX_TERMS, PER_PAGE, Progress, Query,
        Rebuilt, Suggestion, TooBig, parse,
    };
}

/// The folder of the data directory holding the hooks git runs for pushes.
const HOOKS_DIR: &str = "konbit-hooks";
/// The hooks konbit installs; each runs `konbit hook <name>`.
pub const HOOKS: [&str; 2] = ["pre-receive", "post-receive"];

/// The gate of the farm: the configuration in force, and the only way to a wiki's content.
pub struct Farm {
    config_dir: PathBuf,
    config: RwLock<Arc<Config>>,
    /// The texts the current configuration was read from, to notice changes on disk.
    loaded_texts: Mutex<(String, String)>,
    derived: Arc<Derived>,
    notices: Notices,
    /// Personal tokens, in the data folder (known once the data folder is settled).
    tokens: std::sync::OnceLock<Tokens>,
    /// The search index, once started (`start_search`).
    search: std::sync::OnceLock<Arc<Search>>,
    /// Held while a change from the web is written to the configuration files.
    config_writes: Mutex<()>,
}

/// Leave to run git's own server on one wiki's repository, for one action. The gate hands it out
/// after the access check; it is the only way to a repository's folder outside the core.
pub struct GitAccess {
    pub slug: WikiSlug,
    /// The folder that holds every wiki's repository (`GIT_PROJECT_ROOT`).
    project_root: PathBuf,
    action: Action,
}

impl GitAccess {
    pub fn project_root(&self) -> &Path {
        &self.project_root
    }

    /// The folder of the hooks that judge and report pushes.
    pub fn hooks_dir(&self) -> PathBuf {
        self.project_root.join(HOOKS_DIR)
    }

    /// Whether this leave allows pushing, not only cloning and fetching.
    pub fn may_push(&self) -> bool {
        self.action == Action::Write
    }
}

/// What `Farm::reload` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Reload {
    Unchanged,
    Applied,
}

impl Farm {
    /// Reads and validates the configuration folder.
    pub fn load(config_dir: &Path) -> Result<Farm, ConfigErrors> {
        let texts = config::read_texts(config_dir)?;
        let config = config::parse(config_dir, &texts.0, &texts.1)?;
        let derived = Arc::new(Derived::default());
        let notices = Notices::default();
        let follower = derived.clone();
        // The caches follow every move at once: it costs the size of the change, and the next
        // reader then finds the new head's listing and recent changes ready.
        notices.subscribe(move |notice: &BranchMoved| {
            let followed = notice
                .location
                .open()
                .and_then(|repo| follower.follow(&repo, notice));
            if let Err(error) = followed {
                tracing::warn!(wiki = %notice.wiki, %error, "derived state not updated; it will be on first use");
            }
        });
        Ok(Farm {
            config_dir: config_dir.to_owned(),
            config: RwLock::new(Arc::new(config)),
            loaded_texts: Mutex::new(texts),
            derived,
            notices,
            tokens: std::sync::OnceLock::new(),
            search: std::sync::OnceLock::new(),
            config_writes: Mutex::new(()),
        })
    }

    /// The configuration folder this farm was loaded from.
    pub fn config_dir(&self) -> &Path {
        &self.config_dir
    }

    /// The personal tokens of the roster's people.
    pub fn tokens(&self) -> &Tokens {
        self.tokens
            .get_or_init(|| Tokens::new(self.config().farm.data_dir.join("tokens.toml")))
    }

    /// Publishes a move of a wiki's branch made by someone else than this process's writes (a
    /// push through git's own server), so that derived state follows before anyone reads.
    pub fn observe(&self, config: &Config, slug: &WikiSlug) -> Result<()> {
        let location = repo_location(config, slug);
        let repo = location.open()?;
        self.notices.observe(slug, &location, &repo)?;
        Ok(())
    }

    /// Opens a wiki's repository to git's own server, for `action` (`Read` to clone and fetch,
    /// `Write` to push), after the same checks as [`Farm::open`].
    pub fn open_git(
        &self,
        config: &Config,
        actor: &Actor,
        slug: &str,
        action: Action,
    ) -> Result<GitAccess> {
        let settings = config.wiki(slug).ok_or(Error::NotFound)?;
        let place = Place::wiki(settings);
        if !access::allows(&config.roster, place, actor, Action::Read) {
            return Err(Error::NotFound);
        }
        if !access::allows(&config.roster, place, actor, action) {
            return Err(Error::Forbidden);
        }
        if !repo_location(config, &settings.slug).exists() {
            return Err(Error::Unavailable(format!("no repository for {slug}")));
        }
        Ok(GitAccess {
            slug: settings.slug.clone(),
            project_root: config.farm.data_dir.clone(),
            action,
        })
    }

    /// Adds a subscriber to branch moves, on a thread of its own: it never makes a write wait.
    pub fn subscribe_on_thread(&self, name: &str, subscriber: impl Subscriber) {
        self.notices.subscribe_on_thread(name, subscriber);
    }

    /// The configuration in force. A request takes it once and keeps it to the end, so that a
    /// reload never changes the rules half-way through an answer.
    pub fn config(&self) -> Arc<Config> {
        self.config
            .read()
            .expect("config lock is never poisoned")
            .clone()
    }

    /// The fingerprint of `roster.toml` as it is on disk, for a form that will change it.
    pub fn roster_digest(&self) -> Result<String> {
        let (_, roster) = config::read_texts(&self.config_dir)
            .map_err(|errors| Error::Internal(errors.to_string()))?;
        Ok(config::edit::digest(&roster))
    }

    /// Sets a person's display name and e-mail in `roster.toml` (see [`config::edit`]) when the
    /// file still has the fingerprint `expected`, and applies the new roster at once.
    pub fn set_person_details(
        &self,
        login: &str,
        expected: &str,
        name: &str,
        email: &str,
    ) -> Result<(), config::edit::EditRefused> {
        let _writing = self.config_writes.lock().expect("lock is never poisoned");
        let written =
            config::edit::set_person_details(&self.config_dir, expected, login, name, email);
        if let Err(config::edit::EditRefused::Stale) = written {
            // The hand edit that made the form stale is applied now, so that the person is
            // shown the values on disk.
            let _ = self.reload();
        }
        written?;
        if let Err(errors) = self.reload() {
            tracing::warn!(%errors, "the roster written from the web did not load");
        }
        tracing::info!(%login, "person's details changed from the web");
        Ok(())
    }

    /// Overrides the data folder named in the configuration (the `--data` option).
    pub fn set_data_dir(&self, data_dir: &Path) {
        let mut guard = self.config.write().expect("config lock is never poisoned");
        let mut config = Config::clone(&guard);
        config.farm.data_dir = data_dir.to_owned();
        *guard = Arc::new(config);
    }

    /// Re-reads the configuration files; applies them if they changed and are valid. An invalid
    /// change is refused and the configuration in force stays.
    pub fn reload(&self) -> Result<Reload, ConfigErrors> {
        let texts = config::read_texts(&self.config_dir)?;
        let mut loaded = self.loaded_texts.lock().expect("lock is never poisoned");
        if *loaded == texts {
            return Ok(Reload::Unchanged);
        }
        let mut config = match config::parse(&self.config_dir, &texts.0, &texts.1) {
            Ok(config) => config,
            Err(errors) => {
                // Remember the bad texts so that the same error is reported once, not every poll.
                *loaded = texts;
                return Err(errors);
            }
        };
        *loaded = texts;
        // The data folder may have been overridden on the command line; keep it.
        config.farm.data_dir = self.config().farm.data_dir.clone();
        *self.config.write().expect("config lock is never poisoned") = Arc::new(config);
        drop(loaded);
        self.prepare_repositories();
        if let Some(search) = self.search.get() {
            search.sync(indexed_wikis(&self.config()));
        }
        if let Some(links) = self.derived.links() {
            links.sync(linked_wikis(&self.config()));
        }
        Ok(Reload::Applied)
    }

    /// Creates the repository of every declared wiki that has none, and reports the ones that
    /// exist but cannot be opened. An existing repository is never rewritten.
    pub fn prepare_repositories(&self) {
        let config = self.config();
        if let Err(error) = std::fs::create_dir_all(&config.farm.data_dir) {
            tracing::error!(dir = %config.farm.data_dir.display(), %error, "cannot create the data folder");
            return;
        }
        install_hooks(&config.farm.data_dir.join(HOOKS_DIR));
        for wiki in config.wikis.values() {
            let location = repo_location(&config, &wiki.slug);
            if location.exists() {
                if let Err(error) = location.open() {
                    tracing::error!(wiki = %wiki.slug, %error, "the wiki's repository cannot be opened; it is unavailable");
                }
                continue;
            }
            let welcome = welcome_page(wiki);
            let message = wiki.lang.messages().commit_new_wiki;
            match location.create(wiki.seed.as_deref(), &welcome, message) {
                Ok(()) => {
                    tracing::info!(wiki = %wiki.slug, path = %location.path().display(), "created the wiki's repository")
                }
                Err(error) => {
                    tracing::error!(wiki = %wiki.slug, %error, "cannot create the wiki's repository")
                }
            }
        }
    }

    /// Opens a wiki for an actor and an action. A wiki the actor may not read is answered exactly
    /// like one that does not exist.
    pub fn open(
        &self,
        config: Arc<Config>,
        actor: Actor,
        slug: &str,
        action: Action,
    ) -> Result<Wiki<'_>> {
        let settings = config.wiki(slug).ok_or(Error::NotFound)?;
        let place = Place::wiki(settings);
        if !access::allows(&config.roster, place, &actor, Action::Read) {
            return Err(Error::NotFound);
        }
        if !access::allows(&config.roster, place, &actor, action) {
            return Err(Error::Forbidden);
        }
        let slug = settings.slug.clone();
        let location = repo_location(&config, &slug);
        Ok(Wiki::new(
            &self.derived,
            &self.notices,
            location,
            config,
            slug,
            actor,
        ))
    }

    /// Opens the search index under the data folder (rebuilding it if it is missing or of
    /// another version) and keeps it up to date with every branch move from now on; it catches
    /// up with the branches in the background.
    pub fn start_search(&self) -> Result<()> {
        let config = self.config();
        let dir = search_index_dir(&config);
        let search = Arc::new(Search::start(
            &dir,
            self.derived.clone(),
            indexed_wikis(&config),
        )?);
        let follower = search.clone();
        // Handing a move to the indexer costs a channel send; the indexing happens on its thread.
        self.notices
            .subscribe_on_thread("search-notices", move |notice: &BranchMoved| {
                follower.branch_moved(notice)
            });
        let _ = self.search.set(search);
        Ok(())
    }

    /// Opens the link index under the data folder and keeps it up to date with every branch
    /// move, on a thread of its own so that a save never waits for it (a reader of a wiki's
    /// links catches up to the head it reads, whoever gets there first). A server (`write`)
    /// catches every wiki up on a thread of its own and writes the index files; a push hook only
    /// reads them, catching up in memory.
    pub fn start_links(&self, write: bool) {
        let config = self.config();
        let index = Arc::new(LinkIndex::new(
            config.farm.data_dir.join("link-index"),
            write,
            linked_wikis(&config),
        ));
        let follower = index.clone();
        self.notices
            .subscribe_on_thread("link-index-notices", move |notice: &BranchMoved| {
            let followed = notice
                .location
                .open()
                .and_then(|repo| follower.follow(&notice.wiki, &repo, notice.to));
            if let Err(error) = followed {
                tracing::warn!(wiki = %notice.wiki, %error, "link index not updated; it will be on first use");
            }
        });
        if write {
            LinkIndex::save_on_thread(&index);
            let catching_up = index.clone();
            let spawned = std::thread::Builder::new()
                .name("link-index-catch-up".into())
                .spawn(move || catching_up.catch_up_all());
            if let Err(error) = spawned {
                tracing::warn!(%error, "the link index will catch up on first use");
            }
        }
        self.derived.set_links(index);
    }

    /// What links to page `path` of wiki `slug`, in every wiki the actor may read: that wiki
    /// first, then the others by slug. A wiki the actor may not read is answered like a missing
    /// one; the wikis they may not read are never looked at.
    pub fn backlinks(
        &self,
        config: &Arc<Config>,
        actor: &Actor,
        slug: &str,
        path: &PagePath,
    ) -> Result<Vec<(WikiSlug, Backlinks)>> {
        let target = self.open(config.clone(), actor.clone(), slug, Action::Read)?;
        let slug = target.slug().clone();
        let mut found = vec![(slug.clone(), target.links_to(&slug, path)?)];
        for wiki in access::readable(config, actor) {
            if wiki.slug == slug {
                continue;
            }
            let other = self.open(
                config.clone(),
                actor.clone(),
                wiki.slug.as_str(),
                Action::Read,
            )?;
            let links = other.links_to(&slug, path)?;
            if links.total > 0 {
                found.push((wiki.slug.clone(), links));
            }
        }
        Ok(found)
    }

    /// Searches every wiki the actor may read, or only `wiki` (a wiki they may not read is
    /// answered like a missing one). The policy's answer filters the query inside the index.
    pub fn search(
        &self,
        config: &Config,
        actor: &Actor,
        wiki: Option<&str>,
        query: &Query,
        page: usize,
    ) -> Result<Searched> {
        let scope = search_scope(config, actor, wiki)?;
        let search = self
            .search
            .get()
            .ok_or(Error::Unavailable("search is not started".into()))?;
        Ok(Searched {
            found: search.search(query, &scope, page)?,
            catching_up: search.catching_up(),
        })
    }

    /// Page titles of the wikis the actor may read (or of `wiki` only) that begin like `typed`.
    pub fn suggest(
        &self,
        config: &Config,
        actor: &Actor,
        wiki: Option<&str>,
        typed: &str,
    ) -> Result<Vec<Suggestion>> {
        let scope = search_scope(config, actor, wiki)?;
        let search = self
            .search
            .get()
            .ok_or(Error::Unavailable("search is not started".into()))?;
        search.suggest(typed, &scope)
    }

    /// The search index opened for writing, for `konbit reindex` (the server must be stopped),
    /// with the wikis to rebuild: all of them, or `only`.
    pub fn indexer(&self, only: Option<&str>) -> Result<(search::Indexer, Vec<IndexedWiki>)> {
        let config = self.config();
        let mut wikis = indexed_wikis(&config);
        if let Some(only) = only {
            wikis.retain(|wiki| wiki.slug.as_str() == only);
            if wikis.is_empty() {
                return Err(Error::NotFound);
            }
        }
        let dir = search_index_dir(&config);
        Ok((search::Indexer::open(&dir, self.derived.clone(), 2)?, wikis))
    }

    /// The wiki served at a host's root, if any.
    pub fn wiki_for_host<'c>(config: &'c Config, host: &str) -> Option<&'c WikiSlug> {
        let host = host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        });
        config.hosts.get(&host.to_ascii_lowercase())
    }
}

/// Writes the hooks git runs for pushes: small scripts that call this very binary, so that the
/// checks are konbit's own code. Rewritten at every start, in case the binary moved.
fn install_hooks(dir: &Path) {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(error) => {
            tracing::error!(%error, "cannot find konbit's own binary; pushes will be refused");
            return;
        }
    };
    // A single-quoted shell word: every ' becomes '\''.
    let quoted = format!("'{}'", exe.to_string_lossy().replace('\'', "'\\''"));
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        for hook in HOOKS {
            let path = dir.join(hook);
            let script = format!("#!/bin/sh\nexec {quoted} hook {hook}\n");
            let aside = dir.join(format!(".{hook}.new"));
            std::fs::write(&aside, script)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&aside, std::fs::Permissions::from_mode(0o755))?;
            }
            std::fs::rename(&aside, &path)?;
        }
        Ok(())
    });
    if let Err(error) = written {
        tracing::error!(dir = %dir.display(), %error, "cannot install the push hooks; pushes will be refused");
    }
}

/// What a search found, and whether the index was still catching up.
pub struct Searched {
    pub found: Found,
    pub catching_up: bool,
}

/// The wikis a search may look in: those the actor may read (all, or `wiki` only).
fn search_scope(config: &Config, actor: &Actor, wiki: Option<&str>) -> Result<Vec<Scope>> {
    let readable = access::readable(config, actor);
    let scope: Vec<Scope> = readable
        .into_iter()
        .filter(|settings| wiki.is_none_or(|slug| settings.slug.as_str() == slug))
        .map(|settings| Scope {
            slug: settings.slug.clone(),
            lang: settings.content_lang,
        })
        .collect();
    if wiki.is_some() && scope.is_empty() {
        return Err(Error::NotFound);
    }
    Ok(scope)
}

/// Every wiki of the configuration, as the search index needs it.
fn indexed_wikis(config: &Config) -> Vec<IndexedWiki> {
    config
        .wikis
        .values()
        .map(|wiki| IndexedWiki {
            slug: wiki.slug.clone(),
            lang: wiki.content_lang,
            location: repo_location(config, &wiki.slug),
        })
        .collect()
}

/// Every wiki of the configuration, as the link index needs it.
fn linked_wikis(config: &Config) -> Vec<(WikiSlug, Location)> {
    config
        .wikis
        .values()
        .map(|wiki| (wiki.slug.clone(), repo_location(config, &wiki.slug)))
        .collect()
}

/// Where the search index lives: `<data_dir>/search-index`.
fn search_index_dir(config: &Config) -> PathBuf {
    config.farm.data_dir.join("search-index")
}

/// Where a wiki's bare repository lives: `<data_dir>/<slug>.git`. Private to the gate, so that
/// no other module can reach a repository without passing the access policy.
fn repo_location(config: &Config, slug: &WikiSlug) -> Location {
    Location::new(config.farm.data_dir.join(format!("{slug}.git")))
}

fn welcome_page(wiki: &WikiConfig) -> String {
    match wiki.lang {
        crate::i18n::Lang::Fr => format!(
            "# {}\n\nBienvenue sur le wiki ! Cette page d’accueil est la première du wiki ; \
             modifiez-la pour présenter votre organisation.\n",
            wiki.title
        ),
        crate::i18n::Lang::En => format!(
            "# {}\n\nWelcome to the wiki! This home page is its first page; edit it to \
             introduce your organisation.\n",
            wiki.title
        ),
    }
}
