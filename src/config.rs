//! `farm-config/`: the TOML files read raw, then validated once into a trusted [`Config`].
//!
//! Every error names the file, the line and the key, so that a farm admin can fix it without
//! reading code. This module knows nothing of HTTP or git.

pub mod edit;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::i18n::{ContentLang, Lang};
use crate::page_path::WikiSlug;
use crate::roster::{self, Organisation, Person, Role, Roster};

pub const FARM_FILE: &str = "farm.toml";
pub const ROSTER_FILE: &str = "roster.toml";

/// Who may read a wiki. Writing always needs a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Visibility {
    Public,
    Members,
    Private,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Members => "members",
            Visibility::Private => "private",
        }
    }
}

/// The whole validated configuration: the farm, its wikis and the roster.
#[derive(Debug, Clone)]
pub struct Config {
    pub farm: FarmSettings,
    pub wikis: BTreeMap<WikiSlug, WikiConfig>,
    pub roster: Roster,
    /// Host name (lower case, without port) → the wiki served at that host's root.
    pub hosts: HashMap<String, WikiSlug>,
    /// What of the farm's settings every page's render depends on (which prefixes are wikis'
    /// slugs, the base URL), as a number: a render made under other settings is not reused.
    pub render_basis: u64,
}

#[derive(Debug, Clone)]
pub struct FarmSettings {
    pub name: String,
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub themes_dir: PathBuf,
    pub default_lang: Lang,
    pub base_url: Option<String>,
    /// Cookies carry `Secure` when the farm is served over https.
    pub secure_cookies: bool,
    /// Largest page, in bytes of Markdown.
    pub max_page_bytes: usize,
    /// Largest attachment, in bytes (from the browser or in a push).
    pub max_upload_bytes: usize,
    /// Largest `git push`, in bytes of pack and of new files.
    pub max_push_bytes: usize,
}

#[derive(Debug, Clone)]
pub struct WikiConfig {
    pub slug: WikiSlug,
    pub title: String,
    pub owner: String,
    pub visibility: Visibility,
    /// The interface language of the wiki's own words (commit messages, push messages): its
    /// content language when the interface speaks it, else the farm's default.
    pub lang: Lang,
    /// The language its pages are written in (search analyses them in it).
    pub content_lang: ContentLang,
    pub theme: String,
    pub hosts: Vec<String>,
    pub grants: BTreeMap<String, Role>,
    /// Folder whose files make the first commit of a new repository.
    pub seed: Option<PathBuf>,
}

impl Config {
    pub fn wiki(&self, slug: &str) -> Option<&WikiConfig> {
        WikiSlug::parse(slug).and_then(|slug| self.wikis.get(&slug))
    }
}

/// One configuration error: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    /// 1-based; 0 when the error is about the whole file.
    pub line: usize,
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// All the errors found in a configuration, in file order.
#[derive(Debug, Clone)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

// Raw file shapes. Values that need checking are `Spanned` so that errors can name their line.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFarmFile {
    farm: RawFarm,
    #[serde(default)]
    wikis: BTreeMap<Spanned<String>, RawWiki>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFarm {
    name: String,
    #[serde(default = "default_listen")]
    listen: Spanned<String>,
    data_dir: String,
    #[serde(default = "default_themes_dir")]
    themes_dir: String,
    #[serde(default = "default_lang")]
    default_lang: Spanned<String>,
    base_url: Option<Spanned<String>>,
    #[serde(default = "default_max_page_kib")]
    max_page_kib: Spanned<u64>,
    #[serde(default = "default_max_upload_mib")]
    max_upload_mib: Spanned<u64>,
    #[serde(default = "default_max_push_mib")]
    max_push_mib: Spanned<u64>,
}

fn default_max_page_kib() -> Spanned<u64> {
    Spanned::new(0..0, 1024)
}
fn default_max_upload_mib() -> Spanned<u64> {
    Spanned::new(0..0, 10)
}
fn default_max_push_mib() -> Spanned<u64> {
    Spanned::new(0..0, 100)
}

fn default_listen() -> Spanned<String> {
    Spanned::new(0..0, "127.0.0.1:8080".to_owned())
}
fn default_themes_dir() -> String {
    "../themes".to_owned()
}
fn default_lang() -> Spanned<String> {
    Spanned::new(0..0, "fr".to_owned())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWiki {
    title: String,
    owner: Spanned<String>,
    visibility: Spanned<String>,
    lang: Option<Spanned<String>>,
    #[serde(default = "default_theme")]
    theme: Spanned<String>,
    #[serde(default)]
    hosts: Vec<Spanned<String>>,
    #[serde(default)]
    grants: BTreeMap<Spanned<String>, Spanned<String>>,
    seed: Option<Spanned<String>>,
}

fn default_theme() -> Spanned<String> {
    Spanned::new(0..0, "default".to_owned())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRosterFile {
    #[serde(default)]
    people: BTreeMap<Spanned<String>, RawPerson>,
    #[serde(default)]
    organisations: BTreeMap<Spanned<String>, RawOrganisation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    name: String,
    email: String,
    /// Absent for a newcomer who has not set one yet (see one-time links).
    password: Option<Spanned<String>>,
    #[serde(default)]
    farm_admin: bool,
    #[serde(default)]
    disabled: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganisation {
    name: String,
    #[serde(default)]
    members: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// One file being validated: its text, for turning byte offsets into lines, and its errors.
struct Source<'a> {
    file: PathBuf,
    text: &'a str,
    errors: &'a mut Vec<ConfigError>,
}

impl Source<'_> {
    fn line_of(&self, offset: usize) -> usize {
        if offset == 0 && self.text.is_empty() {
            return 0;
        }
        let offset = offset.min(self.text.len());
        self.text[..offset].bytes().filter(|&b| b == b'\n').count() + 1
    }

    fn error<T>(&mut self, at: &Spanned<T>, key: impl Into<String>, message: impl Into<String>) {
        let span = at.span();
        // A defaulted value has an empty span at 0: report it without a line.
        let line = if span == (0..0) {
            0
        } else {
            self.line_of(span.start)
        };
        self.errors.push(ConfigError {
            file: self.file.clone(),
            line,
            key: key.into(),
            message: message.into(),
        });
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self) -> Option<T> {
        match toml::from_str::<T>(self.text) {
            Ok(value) => Some(value),
            Err(error) => {
                let line = error.span().map_or(0, |span| self.line_of(span.start));
                let key = key_at(self.text, error.span().map_or(0, |span| span.start));
                self.errors.push(ConfigError {
                    file: self.file.clone(),
                    line,
                    key,
                    message: error.message().trim().to_owned(),
                });
                None
            }
        }
    }
}

/// The dotted key of the table or assignment at a byte offset, as well as a line-based reading
/// can tell: enough for a person to find it.
fn key_at(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[line_start..line_end].trim();
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_owned());
    if line.starts_with('[') {
        return line
            .trim_matches(|c| c == '[' || c == ']')
            .trim()
            .to_owned();
    }
    let assigned = line.split('=').next().unwrap_or("").trim();
    match (table, assigned.is_empty()) {
        (Some(table), false) => format!("{table}.{assigned}"),
        (Some(table), true) => table,
        (None, _) => assigned.to_owned(),
    }
}

/// Whether `theme` names a theme a wiki may take: `default`, or a folder of the themes folder
/// with a `style.css` whose name is letters, digits, '-' and '_'.
pub fn is_theme(themes_dir: &Path, theme: &str) -> bool {
    let named = !theme.is_empty()
        && theme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    theme == "default" || (named && themes_dir.join(theme).join("style.css").is_file())
}

/// A host name as DNS has them: dot-separated labels of letters, digits and '-'.
pub fn is_host_name(host: &str) -> bool {
    (1..=253).contains(&host.len())
        && host.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Reads and validates `farm.toml` and `roster.toml` in a configuration folder.
pub fn load(dir: &Path) -> Result<Config, ConfigErrors> {
    let (farm_text, roster_text) = read_texts(dir)?;
    parse(dir, &farm_text, &roster_text)
}

/// The texts of `farm.toml` and `roster.toml`; a file that cannot be read is an error naming it.
pub fn read_texts(dir: &Path) -> Result<(String, String), ConfigErrors> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).map_err(|error| {
            ConfigErrors(vec![ConfigError {
                file: path.clone(),
                line: 0,
                key: String::new(),
                message: format!("cannot read the file: {error}"),
            }])
        })
    };
    Ok((read(FARM_FILE)?, read(ROSTER_FILE)?))
}

/// Validates the two files' texts; `dir` is where relative paths in them start from.
pub fn parse(dir: &Path, farm_text: &str, roster_text: &str) -> Result<Config, ConfigErrors> {
    let mut errors = Vec::new();
    let roster = {
        let mut source = Source {
            file: dir.join(ROSTER_FILE),
            text: roster_text,
            errors: &mut errors,
        };
        source
            .parse::<RawRosterFile>()
            .map(|raw| validate_roster(&mut source, raw))
    };
    let config = {
        let mut source = Source {
            file: dir.join(FARM_FILE),
            text: farm_text,
            errors: &mut errors,
        };
        match (source.parse::<RawFarmFile>(), roster) {
            (Some(raw), Some(roster)) => Some(validate_farm(&mut source, dir, raw, roster)),
            _ => None,
        }
    };
    match config {
        Some(config) if errors.is_empty() => Ok(config),
        _ => Err(ConfigErrors(errors)),
    }
}

/// What a valid configuration lacks for some of konbit's answers, each naming its file and
/// key (the line is 0: the key is missing). Warnings do not stop a farm from being served.
pub fn warnings(dir: &Path, config: &Config) -> Vec<ConfigError> {
    let mut warnings = Vec::new();
    if config.farm.base_url.is_none() && !config.wikis.is_empty() {
        warnings.push(ConfigError {
            file: dir.join(FARM_FILE),
            line: 0,
            key: "farm.base_url".to_owned(),
            message: "not set: the Atom feeds have no public address to give, so their links \
                      are relative to the farm's root and their ids are urn:konbit:wiki:<slug>; \
                      set it to the farm's public address, such as https://wiki.example.org"
                .to_owned(),
        });
    }
    warnings
}

pub fn is_valid_login(login: &str) -> bool {
    (1..=64).contains(&login.len())
        && login.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
}

fn validate_roster(source: &mut Source, raw: RawRosterFile) -> Roster {
    let mut roster = Roster::default();
    for (login, person) in raw.people {
        let key = format!("people.{}", login.get_ref());
        if !is_valid_login(login.get_ref()) {
            source.error(
                &login,
                &key,
                "a login is 1 to 64 characters among a-z, 0-9, '.', '_' and '-'",
            );
        }
        if let Some(password) = &person.password
            && !roster::is_argon2id_hash(password.get_ref())
        {
            source.error(
                password,
                format!("{key}.password"),
                "expected an argon2id PHC string (make one with `konbit hash-password`)",
            );
        }
        let login = login.into_inner();
        roster.people.insert(
            login.clone(),
            Person {
                login,
                name: person.name,
                email: person.email,
                password: person.password.map(Spanned::into_inner),
                farm_admin: person.farm_admin,
                disabled: person.disabled,
            },
        );
    }
    for (slug, organisation) in raw.organisations {
        let key = format!("organisations.{}", slug.get_ref());
        if WikiSlug::parse(slug.get_ref()).is_none() {
            source.error(
                &slug,
                &key,
                "an organisation slug is lower-case letters, digits and '-'",
            );
        }
        let mut members = BTreeMap::new();
        for (login, role) in organisation.members {
            if !roster.people.contains_key(login.get_ref()) {
                source.error(
                    &login,
                    format!("{key}.members.{}", login.get_ref()),
                    format!("no person `{}` in [people]", login.get_ref()),
                );
            }
            match Role::parse(role.get_ref()) {
                Some(parsed) => {
                    members.insert(login.into_inner(), parsed);
                }
                None => source.error(
                    &role,
                    format!("{key}.members.{}", login.get_ref()),
                    format!(
                        "expected reader, editor or admin, found `{}`",
                        role.get_ref()
                    ),
                ),
            }
        }
        let slug = slug.into_inner();
        roster.organisations.insert(
            slug.clone(),
            Organisation {
                slug,
                name: organisation.name,
                members,
            },
        );
    }
    roster
}

fn parse_lang(source: &mut Source, value: &Spanned<String>, key: &str) -> Lang {
    Lang::parse(value.get_ref()).unwrap_or_else(|| {
        source.error(
            value,
            key,
            format!("expected fr or en, found `{}`", value.get_ref()),
        );
        Lang::Fr
    })
}

fn validate_farm(source: &mut Source, dir: &Path, raw: RawFarmFile, roster: Roster) -> Config {
    let listen = raw.farm.listen.get_ref().parse().unwrap_or_else(|_| {
        source.error(
            &raw.farm.listen,
            "farm.listen",
            format!(
                "expected an address and port such as 127.0.0.1:8080, found `{}`",
                raw.farm.listen.get_ref()
            ),
        );
        SocketAddr::from(([127, 0, 0, 1], 8080))
    });
    let default_lang = parse_lang(source, &raw.farm.default_lang, "farm.default_lang");
    let mut secure_cookies = false;
    if let Some(base_url) = &raw.farm.base_url {
        let url = base_url.get_ref();
        secure_cookies = url.starts_with("https://");
        let host = url.split_once("://").map_or("", |(_, rest)| {
            rest.split(['/', '?', '#']).next().unwrap_or("")
        });
        if !(secure_cookies || url.starts_with("http://")) || host.is_empty() || host.contains('@')
        {
            source.error(
                base_url,
                "farm.base_url",
                "expected an http:// or https:// address with a host name",
            );
        }
    }
    let themes_dir = dir.join(&raw.farm.themes_dir);
    let max_page_kib = *raw.farm.max_page_kib.get_ref();
    if !(1..=64 * 1024).contains(&max_page_kib) {
        source.error(
            &raw.farm.max_page_kib,
            "farm.max_page_kib",
            "expected 1 to 65536 (KiB)",
        );
    }
    let max_upload_mib = *raw.farm.max_upload_mib.get_ref();
    if !(1..=1024).contains(&max_upload_mib) {
        source.error(
            &raw.farm.max_upload_mib,
            "farm.max_upload_mib",
            "expected 1 to 1024 (MiB)",
        );
    }
    let max_push_mib = *raw.farm.max_push_mib.get_ref();
    if !(1..=16 * 1024).contains(&max_push_mib) {
        source.error(
            &raw.farm.max_push_mib,
            "farm.max_push_mib",
            "expected 1 to 16384 (MiB)",
        );
    }
    let farm = FarmSettings {
        name: raw.farm.name,
        listen,
        data_dir: dir.join(&raw.farm.data_dir),
        themes_dir,
        default_lang,
        base_url: raw
            .farm
            .base_url
            .map(|url| url.into_inner().trim_end_matches('/').to_owned()),
        secure_cookies,
        max_page_bytes: (max_page_kib as usize) << 10,
        max_upload_bytes: (max_upload_mib as usize) << 20,
        max_push_bytes: (max_push_mib as usize) << 20,
    };

    let mut wikis = BTreeMap::new();
    let mut hosts: HashMap<String, WikiSlug> = HashMap::new();
    for (slug_raw, wiki) in raw.wikis {
        let key = format!("wikis.{}", slug_raw.get_ref());
        let Some(slug) = WikiSlug::parse(slug_raw.get_ref()) else {
            source.error(
                &slug_raw,
                &key,
                "a wiki slug is 1 to 63 characters among a-z, 0-9 and '-', not starting with '-'",
            );
            continue;
        };
        if RESERVED_WIKI_SLUGS.contains(&slug.as_str()) {
            source.error(
                &slug_raw,
                &key,
                format!(
                    "`{slug}` is an address of the farm itself (/{slug}); choose another slug \
                     (reserved: {})",
                    RESERVED_WIKI_SLUGS.join(", ")
                ),
            );
            continue;
        }
        if !roster.organisations.contains_key(wiki.owner.get_ref()) {
            source.error(
                &wiki.owner,
                format!("{key}.owner"),
                format!("no organisation `{}` in roster.toml", wiki.owner.get_ref()),
            );
        }
        let visibility = match wiki.visibility.get_ref().as_str() {
            "public" => Visibility::Public,
            "members" => Visibility::Members,
            "private" => Visibility::Private,
            other => {
                source.error(
                    &wiki.visibility,
                    format!("{key}.visibility"),
                    format!("expected public, members or private, found `{other}`"),
                );
                Visibility::Private
            }
        };
        let content_lang = match &wiki.lang {
            Some(lang) => ContentLang::parse(lang.get_ref()).unwrap_or_else(|| {
                let codes: Vec<&str> = ContentLang::ALL.iter().map(|l| l.code()).collect();
                source.error(
                    lang,
                    format!("{key}.lang"),
                    format!(
                        "expected one of {}, found `{}`",
                        codes.join(", "),
                        lang.get_ref()
                    ),
                );
                ContentLang::French
            }),
            None => ContentLang::parse(default_lang.code()).unwrap_or(ContentLang::French),
        };
        let lang = content_lang.interface().unwrap_or(default_lang);
        let theme = wiki.theme.get_ref();
        if !is_theme(&farm.themes_dir, theme) {
            source.error(
                &wiki.theme,
                format!("{key}.theme"),
                format!("no theme `{theme}` (a folder with style.css under the themes folder)"),
            );
        }
        let mut wiki_hosts = Vec::new();
        for host in &wiki.hosts {
            let name = host.get_ref().to_ascii_lowercase();
            if !is_host_name(&name) {
                source.error(
                    host,
                    format!("{key}.hosts"),
                    format!("`{name}` is not a host name"),
                );
            } else if let Some(other) = hosts.insert(name.clone(), slug.clone()) {
                source.error(
                    host,
                    format!("{key}.hosts"),
                    format!("host `{name}` is already used by wiki `{other}`"),
                );
            }
            wiki_hosts.push(name);
        }
        let mut grants = BTreeMap::new();
        for (login, role) in &wiki.grants {
            if !roster.people.contains_key(login.get_ref()) {
                source.error(
                    login,
                    format!("{key}.grants.{}", login.get_ref()),
                    format!("no person `{}` in roster.toml", login.get_ref()),
                );
            }
            match Role::parse(role.get_ref()) {
                Some(parsed) => {
                    grants.insert(login.get_ref().clone(), parsed);
                }
                None => source.error(
                    role,
                    format!("{key}.grants.{}", login.get_ref()),
                    format!(
                        "expected reader, editor or admin, found `{}`",
                        role.get_ref()
                    ),
                ),
            }
        }
        let seed = wiki.seed.as_ref().and_then(|seed| {
            let path = dir.join(seed.get_ref());
            if path.is_dir() {
                Some(path)
            } else {
                source.error(
                    seed,
                    format!("{key}.seed"),
                    format!("no folder `{}`", seed.get_ref()),
                );
                None
            }
        });
        wikis.insert(
            slug.clone(),
            WikiConfig {
                slug,
                title: wiki.title,
                owner: wiki.owner.into_inner(),
                visibility,
                lang,
                content_lang,
                theme: wiki.theme.into_inner(),
                hosts: wiki_hosts,
                grants,
                seed,
            },
        );
    }
    let render_basis = {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        wikis
            .keys()
            .for_each(|slug| slug.as_str().hash(&mut hasher));
        farm.base_url.hash(&mut hasher);
        hasher.finish()
    };
    Config {
        farm,
        wikis,
        roster,
        hosts,
        render_basis,
    }
}

/// Slugs a wiki cannot take: the farm's own addresses at the root (`/search`, `/login`…), which
/// a wiki at `/{slug}/` would otherwise hide behind. The web layer checks that its routes and
/// this list agree.
pub const RESERVED_WIKI_SLUGS: &[&str] = &["search", "login", "logout", "account"];

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$K6fM5m2NRnNXu+ZQvmqSMw";

    fn roster() -> String {
        format!(
            "[people.alice]\nname = \"Alice\"\nemail = \"a@example.org\"\npassword = \"{HASH}\"\n\n\
             [organisations.remix]\nname = \"Remix\"\nmembers = {{ alice = \"admin\" }}\n"
        )
    }

    const FARM: &str = "[farm]\nname = \"Test\"\ndata_dir = \"data\"\n\n\
                        [wikis.remix]\ntitle = \"Remix\"\nowner = \"remix\"\nvisibility = \"public\"\n";

    fn errors(farm: &str, roster: &str) -> Vec<String> {
        match parse(Path::new("cfg"), farm, roster) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.0.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn valid_config() {
        let config = parse(Path::new("cfg"), FARM, &roster()).expect("valid");
        let wiki = config.wiki("remix").expect("declared");
        assert_eq!(wiki.visibility, Visibility::Public);
        assert_eq!(config.roster.role_in("remix", "alice"), Some(Role::Admin));
        assert_eq!(config.farm.data_dir, Path::new("cfg/data"));
    }

    #[test]
    fn the_farms_own_addresses_are_not_wiki_slugs() {
        for slug in RESERVED_WIKI_SLUGS {
            let farm = FARM.replace("[wikis.remix]", &format!("[wikis.{slug}]"));
            let got = errors(&farm, &roster());
            assert_eq!(got.len(), 1, "{got:?}");
            assert!(
                got[0].starts_with(&format!(
                    "cfg/farm.toml:5: wikis.{slug}: `{slug}` is an address of the farm itself"
                )),
                "{got:?}"
            );
        }
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let farm = FARM.replace("\"public\"", "\"publique\"");
        assert_eq!(
            errors(&farm, &roster()),
            [
                "cfg/farm.toml:8: wikis.remix.visibility: expected public, members or private, found `publique`"
            ]
        );
        let farm = format!("{FARM}colour = \"red\"\n");
        let got = errors(&farm, &roster());
        assert_eq!(got.len(), 1);
        assert!(
            got[0].starts_with("cfg/farm.toml:9: wikis.remix.colour: unknown field `colour`"),
            "{got:?}"
        );
        let farm = FARM.replace("owner = \"remix\"", "owner = \"nobody\"");
        assert_eq!(
            errors(&farm, &roster()),
            ["cfg/farm.toml:7: wikis.remix.owner: no organisation `nobody` in roster.toml"]
        );
        let roster_bad = roster().replace(HASH, "hunter2");
        assert_eq!(
            errors(FARM, &roster_bad),
            [
                "cfg/roster.toml:4: people.alice.password: expected an argon2id PHC string (make one with `konbit hash-password`)"
            ]
        );
        let roster_bad = roster().replace("\"admin\"", "\"boss\"");
        assert_eq!(
            errors(FARM, &roster_bad),
            [
                "cfg/roster.toml:8: organisations.remix.members.alice: expected reader, editor or admin, found `boss`"
            ]
        );
        let got = errors("[farm\nname=", &roster());
        assert!(got[0].starts_with("cfg/farm.toml:1"), "{got:?}");
    }
}
