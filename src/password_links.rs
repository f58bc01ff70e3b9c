//! One-time links that let a person set their password: a newcomer who has none, or someone who
//! lost theirs. The konbit has no mail server the farm can rely on, so a farm admin is shown the
//! link and passes it on.
//!
//! A link is `<login>.<expiry>.<signature>`, signed with a key kept in the data folder, and the
//! signature covers the person's password as the roster has it when the link is made: once a
//! password is set with it (or any other way), the link, and every other link made before,
//! is worth nothing. Nothing is stored per link.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::roster::{Person, Roster};

/// How long a link stays valid.
pub const VALID_SECONDS: u64 = 72 * 3600;

/// Why a link does not let anyone set a password.
#[derive(Debug, PartialEq, Eq)]
pub enum LinkRefused {
    /// Not a link the farm made, or made for a password that has changed since (used).
    Invalid,
    Expired,
}

/// The signing key: 32 random bytes, kept as hex text.
pub struct LinkKey([u8; 32]);

impl LinkKey {
    pub fn generate() -> LinkKey {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the system random source is available");
        LinkKey(key)
    }

    pub fn from_text(text: &str) -> Option<LinkKey> {
        let text = text.trim();
        if text.len() != 64 {
            return None;
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(LinkKey(key))
    }

    pub fn to_text(&self) -> String {
        hex(&self.0)
    }

    fn signature(&self, person: &Person, expiry: u64) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length works");
        mac.update(b"password-link:");
        mac.update(person.login.as_bytes());
        mac.update(b"\0");
        mac.update(expiry.to_string().as_bytes());
        mac.update(b"\0");
        mac.update(person.password.as_deref().unwrap_or("").as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// A link for `person`, valid until `now + VALID_SECONDS`.
    pub fn issue(&self, person: &Person, now: u64) -> String {
        let expiry = now + VALID_SECONDS;
        format!(
            "{}.{expiry}.{}",
            person.login,
            self.signature(person, expiry)
        )
    }

    /// The person a link lets set a password, at `now`. A disabled person has no link.
    pub fn check<'r>(
        &self,
        roster: &'r Roster,
        link: &str,
        now: u64,
    ) -> Result<&'r Person, LinkRefused> {
        let mut parts = link.rsplitn(3, '.');
        let (Some(signature), Some(expiry), Some(login)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(LinkRefused::Invalid);
        };
        let expiry: u64 = expiry.parse().map_err(|_| LinkRefused::Invalid)?;
        let person = roster.person(login).ok_or(LinkRefused::Invalid)?;
        let expected = self.signature(person, expiry);
        // Constant-time comparison: the answer's timing must not reveal a prefix.
        let same = expected.len() == signature.len()
            && expected
                .bytes()
                .zip(signature.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same {
            return Err(LinkRefused::Invalid);
        }
        if now > expiry {
            return Err(LinkRefused::Expired);
        }
        Ok(person)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roster(password: Option<&str>) -> Roster {
        let mut roster = Roster::default();
        roster.people.insert(
            "zoe".into(),
            Person {
                login: "zoe".into(),
                name: "Zoé".into(),
                email: "zoe@example.org".into(),
                password: password.map(str::to_owned),
                farm_admin: false,
                disabled: false,
            },
        );
        roster
    }

    #[test]
    fn a_link_works_once_until_it_expires() {
        let key = LinkKey::generate();
        let newcomer = roster(None);
        let link = key.issue(&newcomer.people["zoe"], 1000);
        assert_eq!(
            key.check(&newcomer, &link, 1001).map(|p| &*p.login),
            Ok("zoe")
        );
        assert_eq!(
            key.check(&newcomer, &link, 1000 + VALID_SECONDS + 1).err(),
            Some(LinkRefused::Expired)
        );
        // Once a password is set, the link is used up.
        let set = roster(Some(
            "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$K6fM5m2NRnNXu+ZQvmqSMw",
        ));
        assert_eq!(
            key.check(&set, &link, 1001).err(),
            Some(LinkRefused::Invalid)
        );
        // Forged: another key, another expiry, another login, garbage.
        let other = LinkKey::generate();
        assert!(other.check(&newcomer, &link, 1001).is_err());
        let later = link.replacen(&(1000 + VALID_SECONDS).to_string(), "99999999", 1);
        assert!(key.check(&newcomer, &later, 1001).is_err());
        for forged in ["", "zoe", "zoe..", "ghost.5000.00", "zoe.x.y"] {
            assert!(key.check(&newcomer, forged, 1001).is_err(), "{forged}");
        }
        let text = key.to_text();
        assert_eq!(LinkKey::from_text(&text).map(|k| k.0), Some(key.0));
    }
}
