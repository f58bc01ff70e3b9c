//! The farm: the current configuration, every wiki by slug and host, and the caches of derived
//! state they share.
//!
//! Wikis are opened lazily, per operation; nothing per wiki is loaded at start-up beyond making
//! sure its repository exists. This module knows nothing of HTTP.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use crate::access::{self, Action, Actor, Place};
use crate::audit::{self, Audit, By};
use crate::config::edit::{Change, EditRefused, Texts};
use crate::config::{self, Config, ConfigErrors, WikiConfig};
use crate::derived::search::{Found, IndexedWiki, Query, Scope, Search, Suggestion};
use crate::derived::{BranchMoved, Derived, LinkIndex, Notices, Subscriber};
use crate::error::{Error, Result};
use crate::object_id::ObjectId;
use crate::page_path::{PagePath, WikiSlug};
use crate::password_links::{LinkKey, LinkRefused};
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

/// The folder of the data directory where retired wikis' repositories are kept.
const RETIRED_DIR: &str = "_retired";
/// The folder of the data directory holding the hooks git runs for pushes.
const HOOKS_DIR: &str = "konbit-hooks";
/// The hooks konbit installs; each runs `konbit hook <name>`.
pub const HOOKS: [&str; 2] = ["pre-receive", "post-receive"];

/// The gate of the farm: the configuration in force, and the only way to a wiki's content.
pub struct Farm {
    config_dir: PathBuf,
    in_force: RwLock<InForce>,
    /// The texts last read from disk, to notice changes there.
    loaded: Mutex<Loaded>,
    /// How many configurations have come into force since start, by any path.
    generation: std::sync::atomic::AtomicU64,
    derived: Arc<Derived>,
    notices: Notices,
    /// Personal tokens, in the data folder (known once the data folder is settled).
    tokens: std::sync::OnceLock<Tokens>,
    /// The search index, once started (`start_search`).
    search: std::sync::OnceLock<Arc<Search>>,
    /// Held while a change from the web is written to the configuration files.
    config_writes: Mutex<()>,
    /// The key that signs one-time password links (in the data folder, made at first use).
    link_key: std::sync::OnceLock<LinkKey>,
    /// Held while the key is made, so that two first links make one key.
    link_key_made: Mutex<()>,
    /// Each repository's size on disk as of the head it was measured at: walking every file of
    /// every repository at each look at the farm's page would cost the farm's size.
    sizes: Mutex<std::collections::HashMap<WikiSlug, (ObjectId, u64)>>,
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

/// The configuration in force and the fingerprint of the texts it was parsed from, swapped
/// together: a form shows the one and carries the other, and they must be of the same state.
#[derive(Clone)]
struct InForce {
    config: Arc<Config>,
    digest: Arc<str>,
}

/// The texts last read from the configuration files, and the errors that kept them out of
/// force if they were refused.
struct Loaded {
    texts: Texts,
    refused: Option<ConfigErrors>,
}

/// What a form of the configuration starts from: the configuration in force, the fingerprint
/// it carries, and the errors of the files on disk when a hand edit broke them (the
/// administration pages then say so and write nothing).
pub struct ConfigForForm {
    pub config: Arc<Config>,
    pub digest: String,
    pub broken: Option<ConfigErrors>,
}

/// What a reload of the configuration files found.
#[derive(Debug, PartialEq, Eq)]
pub enum Reload {
    Unchanged,
    Applied,
}

impl Farm {
    /// Reads and validates the configuration folder.
    pub fn load(config_dir: &Path) -> Result<Farm, ConfigErrors> {
        let texts = Texts::read(config_dir)?;
        let config = config::parse(config_dir, &texts.farm, &texts.roster)?;
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
            in_force: RwLock::new(InForce {
                config: Arc::new(config),
                digest: texts.digest().into(),
            }),
            loaded: Mutex::new(Loaded {
                texts,
                refused: None,
            }),
            generation: std::sync::atomic::AtomicU64::new(0),
            derived,
            notices,
            tokens: std::sync::OnceLock::new(),
            search: std::sync::OnceLock::new(),
            config_writes: Mutex::new(()),
            link_key: std::sync::OnceLock::new(),
            link_key_made: Mutex::new(()),
            sizes: Mutex::default(),
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
        self.in_force().config
    }

    /// How many configurations have come into force since start (a web change, a hand edit),
    /// so that what follows the roster (sessions) can tell a new one, however it came.
    pub fn config_generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    fn in_force(&self) -> InForce {
        self.in_force
            .read()
            .expect("config lock is never poisoned")
            .clone()
    }

    /// What a form of the configuration shows, as of the last reload (a form's page reloads
    /// first, as the watcher does): a change on disk since makes the form stale.
    pub fn config_for_form(&self) -> ConfigForForm {
        let broken = self
            .loaded
            .lock()
            .expect("lock is never poisoned")
            .refused
            .clone();
        let InForce { config, digest } = self.in_force();
        ConfigForForm {
            config,
            digest: digest.to_string(),
            broken,
        }
    }

    /// Makes a change to the configuration files for `actor`, who must govern what it touches
    /// (the policy's [`access::may_govern`]; else `NotFound`, as for a private wiki), when the
    /// files still have the fingerprint `expected`. It is recorded in the audit trail by its
    /// author and applied at once. Passwords and undos have their own doors
    /// ([`Farm::change_password`], [`Farm::undo_config`]), which check what they need.
    pub fn change_config(
        &self,
        actor: &Actor,
        expected: &str,
        change: Change,
    ) -> Result<std::result::Result<(), EditRefused>> {
        if matches!(change, Change::Password { .. } | Change::Restore { .. }) {
            return Err(Error::NotFound);
        }
        let allowed = |config: &Config| {
            access::may_govern(&config.roster, actor, access::governed(config, &change))
        };
        let config = self.config();
        if !allowed(&config) {
            return Err(Error::NotFound);
        }
        let summary = change.summary();
        let _writing = self.writing();
        self.write_locked(Write {
            login: actor.login().unwrap_or_default(),
            allowed: &allowed,
            expected: Some(expected),
            change: &change,
            summary: &summary,
            undoing: None,
        })
    }

    /// Undoes a change of the audit trail (farm admins only): each file it touched goes back to
    /// its state before, merged with later changes to other lines; recorded as a change itself.
    pub fn undo_config(
        &self,
        actor: &Actor,
        expected: &str,
        commit: ObjectId,
    ) -> Result<std::result::Result<(), EditRefused>> {
        let allowed =
            |config: &Config| access::may_govern(&config.roster, actor, access::Governed::Farm);
        let config = self.config();
        if !allowed(&config) {
            return Err(Error::NotFound);
        }
        let (before, after) = self.audit().change(commit)?;
        let _writing = self.writing();
        let current =
            Texts::read(&self.config_dir).map_err(|errors| Error::Internal(errors.to_string()))?;
        let texts = match config::edit::undone(&current, &before, &after) {
            Ok(texts) => texts,
            Err(refused) => return Ok(Err(refused)),
        };
        let change = Change::Restore {
            farm: texts.farm,
            roster: texts.roster,
        };
        let summary = format!("undo {}", short(commit));
        self.write_locked(Write {
            login: actor.login().unwrap_or_default(),
            allowed: &allowed,
            expected: Some(expected),
            change: &change,
            summary: &summary,
            undoing: Some(commit),
        })
    }

    /// Takes the writer's lock, then applies and records what is on disk (a hand edit the
    /// watcher has not seen yet), so that what is checked and written under the lock is checked
    /// against the files as they are, and a change's record holds that change only. Files
    /// refused on disk are reported by the sync and refuse the change later (`apply` says so).
    fn writing(&self) -> std::sync::MutexGuard<'_, ()> {
        let writing = self.config_writes.lock().expect("lock is never poisoned");
        let _ = self.sync_locked();
        writing
    }

    /// The one writer of the configuration files, under [`Farm::writing`]: the change asked of
    /// the policy again, written if the files still have the fingerprint its form carried,
    /// recorded, and those very texts put in force.
    fn write_locked(&self, write: Write) -> Result<std::result::Result<(), EditRefused>> {
        let Write {
            login,
            allowed,
            expected,
            change,
            summary,
            undoing,
        } = write;
        let InForce {
            config: before,
            digest,
        } = self.in_force();
        if !allowed(&before) {
            return Err(Error::NotFound);
        }
        let by = by(&before, login);
        let expected = expected.unwrap_or(&digest);
        if let Change::AddWiki { slug, .. } = change
            && let Some(slug) = WikiSlug::parse(slug)
            && repo_location(&before, &slug).exists()
        {
            // A repository left by a wiki removed by hand is never handed to a new wiki.
            return Ok(Err(EditRefused::Taken));
        }
        // A wiki an undo brings back finds its repository in place before the files declare it
        // (a crash in between leaves it undeclared, not empty); put back if the undo is refused.
        let brought = match (undoing, change) {
            (Some(undone), Change::Restore { farm, roster }) => {
                match config::parse(&self.config_dir, farm, roster) {
                    Ok(after) => self.bring_back(&before, &after, undone),
                    Err(_) => Vec::new(),
                }
            }
            _ => Vec::new(),
        };
        let texts = match config::edit::apply(&self.config_dir, expected, change) {
            Ok(texts) => texts,
            // A failed write may have renamed one file already: what it declares stays served.
            Err(EditRefused::Failed(error)) => return Ok(Err(EditRefused::Failed(error))),
            Err(refused) => {
                for (archived, location) in brought {
                    if let Err(error) = std::fs::rename(&location, &archived) {
                        tracing::error!(%error, "cannot put an archived repository back");
                    }
                }
                return Ok(Err(refused));
            }
        };
        let who = by.login.to_owned();
        let recorded = self
            .audit()
            .record(&texts, Some(by), summary)
            .unwrap_or_else(|error| {
                tracing::error!(%error, "a configuration change could not be recorded in the audit trail");
                None
            });
        if let Err(errors) = self.take_texts(texts) {
            tracing::error!(%errors, "the configuration written from the web did not load");
        }
        // A wiki taken away is archived once no longer served.
        self.archive_retired(&before, &self.config(), recorded);
        tracing::info!(by = %who, change = %summary, "configuration changed from the web");
        Ok(Ok(()))
    }

    /// The repositories of the wikis a change (`recorded` in the trail) took away are archived
    /// as `_retired/<slug>.<seconds>.<change>.git`: kept, not served, out of the way of a new
    /// wiki of the same slug. What was derived from them is forgotten.
    fn archive_retired(&self, before: &Config, after: &Config, recorded: Option<ObjectId>) {
        let retired = before.farm.data_dir.join(RETIRED_DIR);
        let change = recorded.map_or_else(|| "unrecorded".to_owned(), short);
        for slug in before
            .wikis
            .keys()
            .filter(|slug| !after.wikis.contains_key(*slug))
        {
            let location = repo_location(before, slug);
            if !location.exists() {
                continue;
            }
            let to = retired.join(format!("{slug}.{}.{change}.git", now_seconds()));
            let moved = std::fs::create_dir_all(&retired)
                .and_then(|()| std::fs::rename(location.path(), &to));
            match moved {
                Ok(()) => {
                    self.notices.forget(slug);
                    tracing::info!(wiki = %slug, to = %to.display(), "retired wiki's repository archived")
                }
                Err(error) => {
                    tracing::error!(wiki = %slug, %error, "cannot archive the retired wiki's repository")
                }
            }
        }
    }

    /// An undo of change `undone` that brings wikis back brings back the repositories that
    /// change archived (or, if there is none, the newest archive of the slug). Returns what was
    /// moved: each archive and where it went.
    fn bring_back(
        &self,
        before: &Config,
        after: &Config,
        undone: ObjectId,
    ) -> Vec<(PathBuf, PathBuf)> {
        let retired = before.farm.data_dir.join(RETIRED_DIR);
        let undone = short(undone);
        let mut brought = Vec::new();
        for slug in after
            .wikis
            .keys()
            .filter(|slug| !before.wikis.contains_key(*slug))
        {
            let location = repo_location(before, slug);
            if location.exists() {
                continue;
            }
            let archives = std::fs::read_dir(&retired)
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|entry| {
                    let (seconds, change) = archive_of(&entry.file_name().to_string_lossy(), slug)?;
                    Some((
                        (change.as_deref() == Some(undone.as_str()), seconds),
                        entry.path(),
                    ))
                });
            let Some((_, archived)) = archives.max() else {
                continue;
            };
            match std::fs::rename(&archived, location.path()) {
                Ok(()) => {
                    tracing::info!(wiki = %slug, "archived repository brought back by an undo");
                    brought.push((archived, location.path().to_owned()));
                }
                Err(error) => {
                    tracing::error!(wiki = %slug, %error, "cannot bring back the archived repository")
                }
            }
        }
        brought
    }

    /// The key of one-time password links, `<data_dir>/password-links.key`; made at the first
    /// link issued (`make`), never by someone merely holding a link.
    fn link_key(&self, make: bool) -> Result<Option<&LinkKey>> {
        if let Some(key) = self.link_key.get() {
            return Ok(Some(key));
        }
        let _making = self.link_key_made.lock().expect("lock is never poisoned");
        if let Some(key) = self.link_key.get() {
            return Ok(Some(key));
        }
        let path = self.config().farm.data_dir.join("password-links.key");
        let key = match std::fs::read_to_string(&path) {
            Ok(text) => LinkKey::from_text(&text).ok_or_else(|| {
                Error::Internal(format!("{} is damaged; remove it", path.display()))
            })?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && !make => {
                return Ok(None);
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let key = LinkKey::generate();
                crate::atomic_file::write_private(&path, &key.to_text())
                    .map_err(|error| Error::Internal(format!("{}: {error}", path.display())))?;
                key
            }
            Err(error) => return Err(Error::Internal(format!("{}: {error}", path.display()))),
        };
        Ok(Some(self.link_key.get_or_init(|| key)))
    }

    /// A one-time link for `login` to set a password, for a farm admin to pass on (the farm
    /// has no mail server it can rely on). `None` when there is no such person who may act.
    pub fn issue_password_link(&self, actor: &Actor, login: &str) -> Result<Option<String>> {
        let config = self.config();
        if !access::may_govern(&config.roster, actor, access::Governed::Farm) {
            return Err(Error::NotFound);
        }
        let Some(person) = config.roster.person(login) else {
            return Ok(None);
        };
        let key = self.link_key(true)?.expect("made when missing");
        let link = key.issue(person, now_seconds());
        let by = by(&config, actor.login().unwrap_or_default());
        let by_login = by.login;
        // Who handed a link to whom is in the trail: the link lets its holder into the account.
        self.audit().note(
            by,
            &format!("people.{login}: one-time password link issued"),
        )?;
        tracing::info!(by = by_login, %login, "one-time password link issued");
        Ok(Some(link))
    }

    /// The person a one-time link is for, if it is still good in the configuration in force.
    pub fn password_link_person(
        &self,
        link: &str,
    ) -> Result<std::result::Result<String, LinkRefused>> {
        let config = self.config();
        let Some(key) = self.link_key(false)? else {
            return Ok(Err(LinkRefused::Invalid));
        };
        let checked = key.check(&config.roster, link, now_seconds());
        Ok(checked.map(|person| person.login.clone()))
    }

    /// Sets a password with a one-time link: the link is used up by the change itself.
    pub fn set_password_with_link(
        &self,
        link: &str,
        password: &str,
    ) -> Result<std::result::Result<String, PasswordRefused>> {
        if let Err(refused) = self.password_link_person(link)? {
            return Ok(Err(PasswordRefused::Link(refused)));
        }
        if let Err(refused) = check_new_password(password) {
            return Ok(Err(refused));
        }
        let hash = crate::roster::hash_password(password)
            .map_err(|error| Error::Internal(format!("hashing: {error}")))?;
        // Checked again under the lock, against the files as they are: two uses racing each
        // other, one wins; a password set by hand meanwhile has used the link up.
        let _writing = self.writing();
        let login = match self.password_link_person(link)? {
            Ok(login) => login,
            Err(_) => return Ok(Err(PasswordRefused::Link(LinkRefused::Invalid))),
        };
        let change = Change::Password {
            login: login.clone(),
            hash,
        };
        let summary = format!("people.{login}: password (one-time link)");
        let written = self.write_locked(Write {
            login: &login,
            allowed: &|_| true,
            expected: None,
            change: &change,
            summary: &summary,
            undoing: None,
        })?;
        match written {
            Ok(()) => Ok(Ok(login)),
            Err(refused) => Ok(Err(PasswordRefused::Edit(refused))),
        }
    }

    /// Changes a person's own password, after checking their current one. The slow work (both
    /// hashes) is done before the writer's lock; under it, a password changed meanwhile (by
    /// hand, or from another session) is not overwritten by one checked against the old.
    pub fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
    ) -> Result<std::result::Result<(), PasswordRefused>> {
        let login = actor.login().ok_or(Error::NotFound)?;
        let config = self.config();
        let checked = config.roster.person(login).ok_or(Error::NotFound)?;
        if config.roster.check_password(login, current).is_none() {
            return Ok(Err(PasswordRefused::WrongPassword));
        }
        if let Err(refused) = check_new_password(new) {
            return Ok(Err(refused));
        }
        let hash = crate::roster::hash_password(new)
            .map_err(|error| Error::Internal(format!("hashing: {error}")))?;
        let _writing = self.writing();
        let unchanged = self
            .config()
            .roster
            .person(login)
            .is_some_and(|person| person.password == checked.password);
        if !unchanged {
            return Ok(Err(PasswordRefused::WrongPassword));
        }
        let change = Change::Password {
            login: login.to_owned(),
            hash,
        };
        Ok(self
            .write_locked(Write {
                login,
                allowed: &|_| true,
                expected: None,
                change: &change,
                summary: &change.summary(),
                undoing: None,
            })?
            .map_err(PasswordRefused::Edit))
    }

    /// The audit trail of the configuration, `<data_dir>/_config-history.git` (a name no wiki
    /// slug can take).
    fn audit(&self) -> Audit {
        Audit::new(Location::new(
            self.config().farm.data_dir.join("_config-history.git"),
        ))
    }

    /// Each wiki's health, for farm admins: its repository present and valid, its size on disk,
    /// its last change, and whether derived state (the link index and search) follows it.
    pub fn health(&self, actor: &Actor) -> Result<Vec<WikiHealth>> {
        let config = self.config();
        if !access::may_govern(&config.roster, actor, access::Governed::Farm) {
            return Err(Error::NotFound);
        }
        let catching_up = self.search.get().is_some_and(|search| search.catching_up());
        Ok(config
            .wikis
            .values()
            .map(|wiki| {
                let location = repo_location(&config, &wiki.slug);
                let head = location.open().and_then(|repo| repo.head());
                let links = self.derived.links().map(|links| links.reflects(&wiki.slug));
                let bytes = self.size_of(
                    &wiki.slug,
                    &location,
                    head.as_ref().ok().and_then(Option::as_ref),
                );
                let (repository, last_change, caught_up) = match head {
                    Ok(head) => {
                        let tree = head.as_ref().map(|head| head.tree);
                        let links_follow = links.is_none_or(|reflects| reflects == tree);
                        (
                            Ok(()),
                            head.map(|head| head.time),
                            links_follow && !catching_up,
                        )
                    }
                    Err(error) => (Err(error.to_string()), None, false),
                };
                WikiHealth {
                    slug: wiki.slug.clone(),
                    repository,
                    bytes,
                    last_change,
                    caught_up,
                }
            })
            .collect())
    }

    /// A repository's size on disk, measured again when its head moved.
    fn size_of(
        &self,
        slug: &WikiSlug,
        location: &Location,
        head: Option<&crate::store::Head>,
    ) -> u64 {
        let Some(head) = head else {
            return folder_size(location.path());
        };
        if let Some((measured_at, bytes)) =
            self.sizes.lock().expect("lock is never poisoned").get(slug)
            && *measured_at == head.commit
        {
            return *bytes;
        }
        let bytes = folder_size(location.path());
        self.sizes
            .lock()
            .expect("lock is never poisoned")
            .insert(slug.clone(), (head.commit, bytes));
        bytes
    }

    /// The themes a wiki may take: `default` and every folder of the themes folder with a
    /// `style.css`.
    pub fn themes(&self) -> Vec<String> {
        let config = self.config();
        let mut themes = vec!["default".to_owned()];
        if let Ok(entries) = std::fs::read_dir(&config.farm.themes_dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name != "default" && config::is_theme(&config.farm.themes_dir, &name) {
                    themes.push(name);
                }
            }
        }
        themes.sort();
        themes
    }

    /// The newest changes of the audit trail, for farm admins.
    pub fn audit_entries(&self, actor: &Actor, limit: usize) -> Result<Vec<audit::Entry>> {
        if !access::may_govern(&self.config().roster, actor, access::Governed::Farm) {
            return Err(Error::NotFound);
        }
        self.audit().entries(limit)
    }

    /// Overrides the data folder named in the configuration (the `--data` option).
    pub fn set_data_dir(&self, data_dir: &Path) {
        let mut guard = self
            .in_force
            .write()
            .expect("config lock is never poisoned");
        let mut config = Config::clone(&guard.config);
        config.farm.data_dir = data_dir.to_owned();
        guard.config = Arc::new(config);
    }

    /// The file watcher's reload, also made before a form is shown: a hand edit applied is
    /// recorded in the audit trail as found on disk. While a change from the web is being
    /// written, it waits for the next round: that change applies and records what it finds.
    pub fn reload_from_disk(&self) -> Result<Reload, ConfigErrors> {
        let Ok(_no_web_change) = self.config_writes.try_lock() else {
            return Ok(Reload::Unchanged);
        };
        self.sync_locked()
    }

    /// Applies the configuration files as they are on disk if they changed and are valid, and
    /// records them in the audit trail as found on disk; while `config_writes` is held. A state
    /// refused on disk never was the farm's: it is reported (once) and recorded once repaired.
    fn sync_locked(&self) -> Result<Reload, ConfigErrors> {
        let texts = Texts::read(&self.config_dir)?;
        let reloaded = self.take_texts(texts.clone());
        match &reloaded {
            Ok(Reload::Applied) => self.record_found(&texts),
            Ok(Reload::Unchanged) => {}
            Err(errors) => {
                tracing::error!("configuration refused, the previous one stays in force:\n{errors}")
            }
        }
        reloaded
    }

    fn record_found(&self, texts: &Texts) {
        if let Err(error) = self.audit().record(texts, None, "found on disk") {
            tracing::error!(%error, "the configuration could not be recorded in the audit trail");
        }
    }

    /// Applies `texts` if they are not the ones last read and are valid. Invalid texts are
    /// refused (reported once) and the configuration in force stays; refused texts are tried
    /// again each time, since what they name (a theme's folder) may have come.
    fn take_texts(&self, texts: Texts) -> Result<Reload, ConfigErrors> {
        let mut loaded = self.loaded.lock().expect("lock is never poisoned");
        let again = loaded.texts == texts;
        if again && loaded.refused.is_none() {
            return Ok(Reload::Unchanged);
        }
        let mut config = match config::parse(&self.config_dir, &texts.farm, &texts.roster) {
            Ok(config) => config,
            Err(errors) => {
                *loaded = Loaded {
                    texts,
                    refused: Some(errors.clone()),
                };
                return if again {
                    Ok(Reload::Unchanged)
                } else {
                    Err(errors)
                };
            }
        };
        // The data folder may have been overridden on the command line; keep it.
        config.farm.data_dir = self.config().farm.data_dir.clone();
        *self
            .in_force
            .write()
            .expect("config lock is never poisoned") = InForce {
            config: Arc::new(config),
            digest: texts.digest().into(),
        };
        *loaded = Loaded {
            texts,
            refused: None,
        };
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
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

    /// Records the configuration in force in the audit trail unless it is its newest state
    /// (the first start, or a trail older than the files): done once at start.
    pub fn record_found_on_disk(&self) {
        let _writing = self.writing();
        let loaded = self.loaded.lock().expect("lock is never poisoned");
        let texts = loaded.refused.is_none().then(|| loaded.texts.clone());
        drop(loaded);
        if let Some(texts) = texts {
            self.record_found(&texts);
        }
    }

    /// At start, before anything writes: removes what git processes killed mid-way (a crash, a
    /// stop cut short) left in the wikis' repositories, older than a few minutes, saying so.
    pub fn clear_leftovers(&self) {
        let config = self.config();
        for wiki in config.wikis.values() {
            let location = repo_location(&config, &wiki.slug);
            for path in location.clear_leftovers(std::time::Duration::from_secs(600)) {
                tracing::warn!(wiki = %wiki.slug, path = %path.display(), "removed what an interrupted git process left behind");
            }
        }
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

/// When an archive of `slug`'s repository was made, and by which change of the trail:
/// `<slug>.<seconds>.<change>.git`, or `<slug>-<seconds>.git` as the first versions named them.
fn archive_of(name: &str, slug: &WikiSlug) -> Option<(u64, Option<String>)> {
    let name = name.strip_suffix(".git")?;
    if let Some((seconds, change)) = name
        .strip_prefix(&format!("{slug}."))
        .and_then(|rest| rest.split_once('.'))
    {
        return Some((seconds.parse().ok()?, Some(change.to_owned())));
    }
    let seconds = name.strip_prefix(&format!("{slug}-"))?;
    seconds
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| Some((seconds.parse().ok()?, None)))?
}

/// A change for the writer, [`Farm::write_locked`].
struct Write<'a> {
    /// Who makes it (the trail records them with their display name).
    login: &'a str,
    /// Whether it may be made under a configuration: the policy, asked again of the files as
    /// they are once what is on disk is applied.
    allowed: &'a dyn Fn(&Config) -> bool,
    /// The fingerprint the form carried; `None` for a change that shows no values to go stale
    /// (a password, checked by its own door).
    expected: Option<&'a str>,
    change: &'a Change,
    /// How the trail names it.
    summary: &'a str,
    /// The change of the trail an undo takes back.
    undoing: Option<ObjectId>,
}

/// Who makes a change, as the trail records them: their login and display name.
fn by<'c>(config: &'c Config, login: &'c str) -> By<'c> {
    let name = config
        .roster
        .person(login)
        .map_or(login, |person| person.name.as_str());
    By { login, name }
}

/// A change of the audit trail as a person reads it, and archives are named.
fn short(commit: ObjectId) -> String {
    commit.to_string()[..12].to_owned()
}

/// Why a password was not set.
#[derive(Debug)]
pub enum PasswordRefused {
    Link(LinkRefused),
    WrongPassword,
    /// A password is 8 to 1024 characters.
    TooShort,
    TooLong,
    Edit(EditRefused),
}

fn check_new_password(password: &str) -> std::result::Result<(), PasswordRefused> {
    if password.chars().count() < 8 {
        return Err(PasswordRefused::TooShort);
    }
    if password.len() > 1024 {
        return Err(PasswordRefused::TooLong);
    }
    Ok(())
}

fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// A wiki's health as a farm admin sees it.
pub struct WikiHealth {
    pub slug: WikiSlug,
    /// Present and valid, or why not.
    pub repository: std::result::Result<(), String>,
    pub bytes: u64,
    /// Seconds since the epoch.
    pub last_change: Option<i64>,
    /// Whether the link index and search follow its branch.
    pub caught_up: bool,
}

/// The bytes of the files under a folder (0 when it is missing).
fn folder_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => folder_size(&entry.path()),
            Ok(_) => entry.metadata().map_or(0, |meta| meta.len()),
            Err(_) => 0,
        })
        .sum()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_are_told_apart_by_slug_and_change() {
        let slug = WikiSlug::parse("x").expect("a slug");
        assert_eq!(
            archive_of("x.1700000000.0123456789ab.git", &slug),
            Some((1_700_000_000, Some("0123456789ab".to_owned())))
        );
        assert_eq!(
            archive_of("x-1700000000.git", &slug),
            Some((1_700_000_000, None))
        );
        // Another slug's archives, old or new, are not this one's.
        assert_eq!(archive_of("x-2-1700000000.git", &slug), None);
        assert_eq!(archive_of("x-2.1700000000.0123456789ab.git", &slug), None);
        assert_eq!(archive_of("xy.1700000000.0123456789ab.git", &slug), None);
    }
}
