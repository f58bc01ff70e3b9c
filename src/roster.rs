//! The roster: people, organisations and roles, and the password check.
//!
//! It knows nothing of wikis, HTTP or storage; `access` combines it with a wiki's settings.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// A role in an organisation or an explicit grant on a wiki. Ordered: each role includes the
/// rights of the ones before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Reader,
    Editor,
    Admin,
}

impl Role {
    pub fn parse(raw: &str) -> Option<Role> {
        match raw {
            "reader" => Some(Role::Reader),
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Person {
    pub login: String,
    pub name: String,
    pub email: String,
    /// An argon2id PHC string, checked to parse when the roster was loaded; `None` until the
    /// person sets one (through a one-time link).
    pub password: Option<String>,
    pub farm_admin: bool,
    /// A disabled person stays on the roster (their history, memberships and grants are kept)
    /// but is nobody: no sign-in, no session, no git, no rights.
    pub disabled: bool,
}

#[derive(Clone, Debug)]
pub struct Organisation {
    pub slug: String,
    pub name: String,
    pub members: BTreeMap<String, Role>,
}

#[derive(Clone, Debug, Default)]
pub struct Roster {
    pub people: BTreeMap<String, Person>,
    pub organisations: BTreeMap<String, Organisation>,
}

impl Roster {
    /// A person who may act: on the roster and not disabled. Everything that grants rights
    /// asks this; only administration pages read `people` whole.
    pub fn person(&self, login: &str) -> Option<&Person> {
        self.people.get(login).filter(|person| !person.disabled)
    }

    /// Whether the farm has a farm admin who may act (the farm must never lose its last).
    pub fn has_acting_farm_admin(&self) -> bool {
        self.people
            .values()
            .any(|person| person.farm_admin && !person.disabled)
    }

    /// The role of a person in an organisation, if they belong to it.
    pub fn role_in(&self, organisation: &str, login: &str) -> Option<Role> {
        self.organisations
            .get(organisation)?
            .members
            .get(login)
            .copied()
    }

    /// The organisations a person belongs to, with their role, in slug order.
    pub fn memberships<'a>(
        &'a self,
        login: &'a str,
    ) -> impl Iterator<Item = (&'a Organisation, Role)> + 'a {
        self.organisations
            .values()
            .filter_map(move |org| org.members.get(login).map(|role| (org, *role)))
    }

    /// Checks a password against the roster. An unknown login costs the same time as a wrong
    /// password, so that the answer reveals nothing about who is on the roster.
    pub fn check_password(&self, login: &str, password: &str) -> Option<&Person> {
        match self.person(login) {
            Some(Person {
                password: Some(hash),
                ..
            }) => verify_password(hash, password).then(|| &self.people[login]),
            _ => {
                verify_password(&DECOY_HASH, password);
                None
            }
        }
    }
}

/// Computes the decoy hash now rather than at the first unknown login, so that even that first
/// answer takes the same time as a wrong password.
pub fn prepare() {
    LazyLock::force(&DECOY_HASH);
}

/// A valid hash of a password nobody knows, with the default cost, verified for unknown logins.
static DECOY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_password("konbit decoy password").expect("hashing a fixed password cannot fail")
});

/// Hashes a password as an argon2id PHC string with the default cost (19 MiB, 2 passes).
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the system random source is available");
    let salt = SaltString::encode_b64(&salt)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default());
    Ok(argon.hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Whether a string is an argon2id PHC hash that `verify_password` can use.
pub fn is_argon2id_hash(phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| hash.algorithm.as_str() == "argon2id")
}

fn verify_password(phc: &str, password: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    // The cost parameters come from the stored hash itself.
    Argon2::default()
        .verify_password(password.as_bytes(), &hash)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let hash = hash_password("sésame").expect("hash");
        assert!(is_argon2id_hash(&hash));
        assert!(verify_password(&hash, "sésame"));
        assert!(!verify_password(&hash, "sesame"));
        assert!(!verify_password("not a hash", "sésame"));
    }

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Reader < Role::Editor && Role::Editor < Role::Admin);
        assert_eq!(Role::parse("editor"), Some(Role::Editor));
        assert_eq!(Role::parse("owner"), None);
    }
}
