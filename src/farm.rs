//! The farm: the current configuration, every wiki by slug and host, and the caches of derived
//! state they share.
//!
//! Wikis are opened lazily, per operation; nothing per wiki is loaded at start-up beyond making
//! sure its repository exists. This module knows nothing of HTTP.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use git2::Oid;

use crate::access::{self, Action, Actor, Place};
use crate::config::{self, Config, ConfigErrors, WikiConfig};
use crate::error::{Error, Result};
use crate::markdown::Rendered;
use crate::page_path::{PagePath, WikiSlug};
use crate::wiki::store::{self, Activity, PathIndex};
use crate::wiki::{Listing, Wiki};

/// Memory budgets of the shared caches. Both hold derived state keyed by git object ids, so an
/// evicted entry only costs its recomputation.
const RENDER_CACHE_BYTES: usize = 64 << 20;
const LISTING_CACHE_BYTES: usize = 16 << 20;
const RECENT_CACHE_BYTES: usize = 8 << 20;
const HISTORY_INDEX_BYTES: usize = 64 << 20;
/// Commits kept in a wiki's recent changes.
pub const RECENT_LIMIT: usize = 50;

type RenderKey = (Oid, PagePath, String);

pub struct Farm {
    config_dir: PathBuf,
    config: RwLock<Arc<Config>>,
    /// The texts the current configuration was read from, to notice changes on disk.
    loaded_texts: Mutex<(String, String)>,
    /// A rendered page and the page it redirects to, if it is a redirect page.
    pub(crate) renders: crate::cache::BoundedCache<RenderKey, (Arc<Rendered>, Option<PagePath>)>,
    pub(crate) listings: crate::cache::BoundedCache<Oid, Arc<Listing>>,
    /// A branch head → its newest commits with the files they changed.
    recents: crate::cache::BoundedCache<Oid, Arc<Vec<Activity>>>,
    /// A wiki → which commits changed which file, as of some head (see `store::PathIndex`).
    histories: crate::cache::BoundedCache<WikiSlug, Arc<PathIndex>>,
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
        Ok(Farm {
            config_dir: config_dir.to_owned(),
            config: RwLock::new(Arc::new(config)),
            loaded_texts: Mutex::new(texts),
            renders: crate::cache::BoundedCache::new(RENDER_CACHE_BYTES),
            listings: crate::cache::BoundedCache::new(LISTING_CACHE_BYTES),
            recents: crate::cache::BoundedCache::new(RECENT_CACHE_BYTES),
            histories: crate::cache::BoundedCache::new(HISTORY_INDEX_BYTES),
        })
    }

    /// The configuration in force. A request takes it once and keeps it to the end, so that a
    /// reload never changes the rules half-way through an answer.
    pub fn config(&self) -> Arc<Config> {
        self.config
            .read()
            .expect("config lock is never poisoned")
            .clone()
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
        for wiki in config.wikis.values() {
            let path = config.repo_path(&wiki.slug);
            if path.exists() {
                if let Err(error) = store::open(&path) {
                    tracing::error!(wiki = %wiki.slug, %error, "the wiki's repository cannot be opened; it is unavailable");
                }
                continue;
            }
            let welcome = welcome_page(wiki);
            let message = wiki.lang.messages().commit_new_wiki;
            match store::create(&path, wiki.seed.as_deref(), &welcome, message) {
                Ok(()) => {
                    tracing::info!(wiki = %wiki.slug, path = %path.display(), "created the wiki's repository")
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
        Ok(Wiki::new(self, config, slug, actor))
    }

    /// "The branch of wiki W moved from A to B": the one path by which derived state follows a
    /// change, whether it came from a browser save or a git push. Derived state is keyed by git
    /// object ids, so it can never be stale; this brings the new head's page list and recent
    /// changes up to date at once, so that the next reader does not pay for them.
    pub fn branch_moved(&self, slug: &WikiSlug, from: Option<Oid>, to: Oid) {
        tracing::info!(wiki = %slug, from = %from.map_or_else(|| "none".to_owned(), |id| id.to_string()), %to, "branch moved");
        let config = self.config();
        let Ok(repo) = store::open(&config.repo_path(slug)) else {
            return;
        };
        let updated = store::tree_of(&repo, to).and_then(|tree| {
            // Derive the new state from the old head's, when it is at hand: the cost is then the
            // size of the change, not of the wiki.
            let old_tree = from.map(|from| store::tree_of(&repo, from)).transpose()?;
            if self.listings.get(&tree).is_none() {
                let listing =
                    match old_tree.and_then(|old| self.listings.get(&old).map(|l| (old, l))) {
                        Some((old_tree, old)) => store::list_changed(&repo, &old, old_tree, tree)?,
                        None => store::list(&repo, tree)?,
                    };
                let listing = Arc::new(listing);
                self.listings.insert(tree, listing.clone(), listing.size());
            }
            // The history index is built on first use only; once built, it follows every move.
            let follows = self
                .histories
                .get(slug)
                .is_some_and(|index| index.head() == from);
            if follows {
                self.history_index(&repo, slug, to)?;
            }
            if self.recents.get(&to).is_none() {
                let known = from.and_then(|from| self.recents.get(&from).map(|r| (from, r)));
                let recent = store::recent(
                    &repo,
                    to,
                    RECENT_LIMIT,
                    known.as_ref().map(|(id, r)| (*id, r.as_slice())),
                )?;
                self.insert_recent(to, Arc::new(recent));
            }
            Ok(())
        });
        if let Err(error) = updated {
            tracing::warn!(wiki = %slug, %error, "derived state not updated; it will be on first use");
        }
    }

    /// The history index of a wiki at `head`, caught up from the one at hand if any.
    pub(crate) fn history_index(
        &self,
        repo: &git2::Repository,
        slug: &WikiSlug,
        head: Oid,
    ) -> Result<Arc<PathIndex>> {
        if let Some(index) = self.histories.get(slug)
            && index.head() == Some(head)
        {
            return Ok(index);
        }
        // Take the index out to extend it in place; a reader still holding it keeps its copy.
        let mut index = match self.histories.remove(slug) {
            Some(known) => Arc::try_unwrap(known).unwrap_or_else(|shared| (*shared).clone()),
            None => PathIndex::default(),
        };
        let started = std::time::Instant::now();
        index.catch_up(repo, head)?;
        tracing::debug!(wiki = %slug, elapsed = ?started.elapsed(), "history index caught up");
        let index = Arc::new(index);
        self.histories
            .insert(slug.clone(), index.clone(), index.size());
        Ok(index)
    }

    fn insert_recent(&self, head: Oid, recent: Arc<Vec<Activity>>) {
        let size = recent
            .iter()
            .map(|a| {
                a.revision.message.len() + a.paths.iter().map(|p| p.len() + 24).sum::<usize>() + 128
            })
            .sum();
        self.recents.insert(head, recent, size);
    }

    /// The newest changes up to `head`, computed once per head.
    pub(crate) fn recent_of(
        &self,
        repo: &git2::Repository,
        head: Oid,
    ) -> Result<Arc<Vec<Activity>>> {
        if let Some(recent) = self.recents.get(&head) {
            return Ok(recent);
        }
        let recent = Arc::new(store::recent(repo, head, RECENT_LIMIT, None)?);
        self.insert_recent(head, recent.clone());
        Ok(recent)
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
