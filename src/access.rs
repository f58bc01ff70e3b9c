//! THE access policy: who may read, edit or administer a place of the farm.
//!
//! One pure function of (roster, place, actor, action). Every surface asks it and nothing else;
//! it knows nothing of HTTP, sessions or storage.

use crate::config::edit::Change;
use crate::config::{Config, Visibility, WikiConfig};
use crate::roster::{Role, Roster};

/// What an actor wants to do with a place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// See its pages, raw Markdown, attachments, history, search results.
    Read,
    /// Change its content.
    Write,
    /// Change its settings and grants.
    Administer,
}

/// Who is asking: a visitor, or a person of the roster. How the person proved who they are (a
/// session, a password, a personal token) is the caller's business; rights come from the roster
/// in force, so a person removed from it is a visitor again at the next request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Actor {
    Visitor,
    Person(String),
}

impl Actor {
    /// The person's login, or `None` for a visitor.
    pub fn login(&self) -> Option<&str> {
        match self {
            Actor::Visitor => None,
            Actor::Person(login) => Some(login),
        }
    }
}

/// Where in the farm an action would happen: a wiki, and a folder within it (`""` for the whole
/// wiki). Rights are the wiki's today; the folder is where finer rules will plug in.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    pub wiki: &'a WikiConfig,
    pub folder: &'a str,
}

impl<'a> Place<'a> {
    /// The whole wiki.
    pub fn wiki(wiki: &'a WikiConfig) -> Place<'a> {
        Place { wiki, folder: "" }
    }

    /// A folder of a wiki (`"Guides/Réunions"`), where a page or attachment lives.
    pub fn folder(wiki: &'a WikiConfig, folder: &'a str) -> Place<'a> {
        Place { wiki, folder }
    }
}

/// The role an actor holds on a wiki: the best of their role in the owner organisation and an
/// explicit grant. Farm admins hold `Admin` everywhere: they run the machine the data lives on.
pub fn role(roster: &Roster, wiki: &WikiConfig, actor: &Actor) -> Option<Role> {
    let login = actor.login()?;
    let person = roster.person(login)?;
    if person.farm_admin {
        return Some(Role::Admin);
    }
    let membership = roster.role_in(&wiki.owner, login);
    let grant = wiki.grants.get(login).copied();
    membership.max(grant)
}

/// Whether `actor` may do `action` at `place`. A login that is not on the roster is a visitor.
pub fn allows(roster: &Roster, place: Place, actor: &Actor, action: Action) -> bool {
    let wiki = place.wiki;
    let role = role(roster, wiki, actor);
    match action {
        Action::Read => match wiki.visibility {
            Visibility::Public => true,
            Visibility::Members => actor
                .login()
                .is_some_and(|login| roster.person(login).is_some()),
            Visibility::Private => role.is_some(),
        },
        Action::Write => role >= Some(Role::Editor),
        Action::Administer => role == Some(Role::Admin),
    }
}

/// What governing the farm touches, for [`may_govern`].
#[derive(Clone, Copy, Debug)]
pub enum Governed<'a> {
    /// A person's own details and password.
    Own(&'a str),
    /// An organisation's memberships.
    Organisation(&'a str),
    /// A wiki's settings (but its host names) and grants.
    Wiki(&'a WikiConfig),
    /// The farm itself: organisations, wikis and their host names, people, farm admins, the
    /// audit trail.
    Farm,
}

/// Whether `actor` may change what `governed` names. Organisation admins govern their
/// organisation and its wikis (holding the highest role, they may hand out any); farm admins
/// govern everything. A disabled person governs nothing, not even themselves.
pub fn may_govern(roster: &Roster, actor: &Actor, governed: Governed) -> bool {
    let Some(person) = actor.login().and_then(|login| roster.person(login)) else {
        return false;
    };
    if person.farm_admin {
        return true;
    }
    match governed {
        Governed::Own(login) => person.login == login,
        Governed::Organisation(slug) => roster.role_in(slug, &person.login) == Some(Role::Admin),
        Governed::Wiki(wiki) => allows(roster, Place::wiki(wiki), actor, Action::Administer),
        Governed::Farm => false,
    }
}

/// What a change to the configuration governs (the wiki or organisation it names must exist;
/// a change naming nothing that exists is the farm's business).
pub fn governed<'c>(config: &'c Config, change: &'c Change) -> Governed<'c> {
    match change {
        Change::PersonDetails { login, .. } | Change::Password { login, .. } => {
            Governed::Own(login)
        }
        Change::Member { organisation, .. } => Governed::Organisation(organisation),
        Change::WikiSettings {
            wiki, hosts: None, ..
        }
        | Change::Grant { wiki, .. } => match config.wiki(wiki) {
            Some(wiki) => Governed::Wiki(wiki),
            None => Governed::Farm,
        },
        Change::WikiSettings { .. }
        | Change::AddPerson { .. }
        | Change::Disabled { .. }
        | Change::FarmAdmin { .. }
        | Change::AddOrganisation { .. }
        | Change::AddWiki { .. }
        | Change::RetireWiki { .. }
        | Change::Restore { .. } => Governed::Farm,
    }
}

/// The wikis an actor may read, in slug order: the set that listings and searches are filtered
/// to, from the same function as every other answer.
pub fn readable<'c>(config: &'c Config, actor: &Actor) -> Vec<&'c WikiConfig> {
    config
        .wikis
        .values()
        .filter(|wiki| allows(&config.roster, Place::wiki(wiki), actor, Action::Read))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;
    use std::path::Path;

    const HASH: &str = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$K6fM5m2NRnNXu+ZQvmqSMw";

    fn farm() -> config::Config {
        let people = ["outsider", "reader", "editor", "admin", "root", "guest"]
            .iter()
            .map(|login| {
                let admin = if *login == "root" {
                    "farm_admin = true\n"
                } else {
                    ""
                };
                format!(
                    "[people.{login}]\nname = \"{login}\"\nemail = \"{login}@example.org\"\n\
                     password = \"{HASH}\"\n{admin}"
                )
            })
            .collect::<String>();
        let roster = format!(
            "{people}[organisations.own]\nname = \"Own\"\n\
             members = {{ reader = \"reader\", editor = \"editor\", admin = \"admin\" }}\n\
             [organisations.other]\nname = \"Other\"\nmembers = {{ outsider = \"admin\" }}\n"
        );
        let wikis = ["public", "members", "private"]
            .iter()
            .map(|v| {
                format!(
                    "[wikis.{v}]\ntitle = \"{v}\"\nowner = \"own\"\nvisibility = \"{v}\"\n\
                     grants = {{ guest = \"editor\" }}\n"
                )
            })
            .collect::<String>();
        let farm = format!("[farm]\nname = \"t\"\ndata_dir = \"d\"\n{wikis}");
        config::parse(Path::new("."), &farm, &roster).expect("valid test farm")
    }

    /// The policy as a table: actor × visibility → (read, write, administer).
    #[test]
    fn matrix() {
        let config = farm();
        let expected: &[(Option<&str>, [&str; 3])] = &[
            // public, members, private; r = read, w = write, a = administer
            (None, ["r", "", ""]),
            (Some("ghost"), ["r", "", ""]),
            (Some("outsider"), ["r", "r", ""]),
            (Some("reader"), ["r", "r", "r"]),
            (Some("editor"), ["rw", "rw", "rw"]),
            (Some("admin"), ["rwa", "rwa", "rwa"]),
            (Some("root"), ["rwa", "rwa", "rwa"]),
            (Some("guest"), ["rw", "rw", "rw"]),
        ];
        for (login, rights) in expected {
            let actor = match login {
                Some(login) => Actor::Person((*login).to_owned()),
                None => Actor::Visitor,
            };
            for (visibility, right) in ["public", "members", "private"].iter().zip(rights) {
                let wiki = config.wiki(visibility).expect("declared");
                let got: String = [
                    (Action::Read, 'r'),
                    (Action::Write, 'w'),
                    (Action::Administer, 'a'),
                ]
                .iter()
                .filter(|(action, _)| allows(&config.roster, Place::wiki(wiki), &actor, *action))
                .map(|(_, c)| *c)
                .collect();
                assert_eq!(&got, right, "{actor:?} on {visibility}");
                // A folder of the wiki has the wiki's rights (until finer rules exist).
                let folder = Place::folder(wiki, "Guides/Réunions");
                let in_folder: String = [
                    (Action::Read, 'r'),
                    (Action::Write, 'w'),
                    (Action::Administer, 'a'),
                ]
                .iter()
                .filter(|(action, _)| allows(&config.roster, folder, &actor, *action))
                .map(|(_, c)| *c)
                .collect();
                assert_eq!(&in_folder, right, "{actor:?} in a folder of {visibility}");
            }
            let mut readable: Vec<&str> = readable(&config, &actor)
                .iter()
                .map(|wiki| wiki.slug.as_str())
                .collect();
            readable.sort_unstable();
            let mut expected: Vec<&str> = ["public", "members", "private"]
                .iter()
                .zip(rights)
                .filter(|(_, right)| right.contains('r'))
                .map(|(slug, _)| *slug)
                .collect();
            expected.sort_unstable();
            assert_eq!(readable, expected, "readable wikis of {actor:?}");
        }
    }

    /// Administration as a table: who governs what, and up to which role.
    #[test]
    fn governing() {
        let config = farm();
        let roster = &config.roster;
        let private = config.wiki("private").expect("declared");
        let person = |login: &str| Actor::Person(login.to_owned());
        for (login, own, org_admin, wiki_admin, farm) in [
            ("reader", true, false, false, false),
            ("editor", true, false, false, false),
            ("admin", true, true, true, false),
            ("root", true, true, true, true),
            ("outsider", true, false, false, false),
            ("ghost", false, false, false, false),
        ] {
            let actor = person(login);
            assert_eq!(
                may_govern(roster, &actor, Governed::Own(login)),
                own,
                "{login}"
            );
            assert_eq!(
                may_govern(roster, &actor, Governed::Organisation("own")),
                org_admin,
                "{login}"
            );
            assert_eq!(
                may_govern(roster, &actor, Governed::Wiki(private)),
                wiki_admin,
                "{login}"
            );
            assert_eq!(may_govern(roster, &actor, Governed::Farm), farm, "{login}");
        }
        // Nobody but a farm admin governs someone else's account; a visitor governs nothing.
        assert!(!may_govern(
            roster,
            &person("admin"),
            Governed::Own("reader")
        ));
        assert!(may_govern(roster, &person("root"), Governed::Own("reader")));
        assert!(!may_govern(roster, &Actor::Visitor, Governed::Own("")));
        // The other organisation's admin governs it, not this one.
        assert!(may_govern(
            roster,
            &person("outsider"),
            Governed::Organisation("other")
        ));
        assert!(!may_govern(
            roster,
            &person("outsider"),
            Governed::Organisation("own")
        ));
        // Host names and new wikis are the farm's.
        let hosts = Change::WikiSettings {
            wiki: "private".into(),
            title: "T".into(),
            visibility: Visibility::Public,
            lang: "fr".into(),
            theme: "default".into(),
            hosts: Some(vec!["wiki.example.org".into()]),
        };
        assert!(!may_govern(
            roster,
            &person("admin"),
            governed(&config, &hosts)
        ));
        assert!(may_govern(
            roster,
            &person("root"),
            governed(&config, &hosts)
        ));
        // A disabled farm admin governs nothing.
        let mut disabled = config.roster.clone();
        if let Some(root) = disabled.people.get_mut("root") {
            root.disabled = true;
        }
        assert!(!may_govern(&disabled, &person("root"), Governed::Farm));
        assert!(!may_govern(
            &disabled,
            &person("root"),
            Governed::Own("root")
        ));
    }
}
