//! THE access policy: who may read, edit or administer a wiki.
//!
//! One pure function of (roster, wiki, actor, action). Every surface asks it and nothing else;
//! it knows nothing of HTTP, sessions or storage.

use crate::config::{Visibility, WikiConfig};
use crate::roster::{Role, Roster};

/// What an actor wants to do with a wiki.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// See its pages, raw Markdown, attachments, history, search results.
    Read,
    /// Change its content.
    Write,
    /// Change its settings and grants.
    Administer,
}

/// The role an actor holds on a wiki: the best of their role in the owner organisation and an
/// explicit grant. Farm admins hold `Admin` everywhere: they run the machine the data lives on.
pub fn role(roster: &Roster, wiki: &WikiConfig, actor: Option<&str>) -> Option<Role> {
    let login = actor?;
    let person = roster.person(login)?;
    if person.farm_admin {
        return Some(Role::Admin);
    }
    let membership = roster.role_in(&wiki.owner, login);
    let grant = wiki.grants.get(login).copied();
    membership.max(grant)
}

/// Whether `actor` (a login, or `None` for a visitor) may do `action` on `wiki`. A login that is
/// not on the roster is a visitor.
pub fn allows(roster: &Roster, wiki: &WikiConfig, actor: Option<&str>, action: Action) -> bool {
    let role = role(roster, wiki, actor);
    match action {
        Action::Read => match wiki.visibility {
            Visibility::Public => true,
            Visibility::Members => actor.is_some_and(|login| roster.person(login).is_some()),
            Visibility::Private => role.is_some(),
        },
        Action::Write => role >= Some(Role::Editor),
        Action::Administer => role == Some(Role::Admin),
    }
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
        for (actor, rights) in expected {
            for (visibility, right) in ["public", "members", "private"].iter().zip(rights) {
                let wiki = config.wiki(visibility).expect("declared");
                let got: String = [
                    (Action::Read, 'r'),
                    (Action::Write, 'w'),
                    (Action::Administer, 'a'),
                ]
                .iter()
                .filter(|(action, _)| allows(&config.roster, wiki, *actor, *action))
                .map(|(_, c)| *c)
                .collect();
                assert_eq!(&got, right, "{actor:?} on {visibility}");
            }
        }
    }
}
