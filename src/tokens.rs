//! Personal tokens: the secrets a person creates on their account page to clone and push with
//! git without giving their password to a tool.
//!
//! A token is shown once, when it is made; the farm keeps only its SHA-256 (a token is 256 random
//! bits, so a fast hash is enough, unlike a password). Tokens live in `tokens.toml` in the data
//! folder, written whole and atomically (aside, then renamed), and are read once per process. A
//! revoked token stops working at the next request. This module knows nothing of HTTP or wikis.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// What every token starts with, so that one pasted in the wrong place is recognisable.
const PREFIX: &str = "konbit_";
/// Tokens a person may hold at once.
pub const MAX_PER_PERSON: usize = 20;
/// Longest token name, in characters.
pub const MAX_NAME_CHARS: usize = 60;
/// A token's last use is written to disk at most this often (seconds).
const LAST_USED_GRANULARITY: i64 = 60;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Stored {
    /// Public part of the token, to find it without comparing every hash.
    id: String,
    login: String,
    name: String,
    /// SHA-256 of the whole token, hexadecimal.
    hash: String,
    created: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_used: Option<i64>,
}

#[derive(Default, Serialize, Deserialize)]
struct File {
    #[serde(default, rename = "token")]
    tokens: Vec<Stored>,
}

/// A token as its owner sees it in the list (never the secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub created: i64,
    pub last_used: Option<i64>,
}

/// Why a token could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    EmptyName,
    NameTooLong,
    TooMany,
}

pub struct Tokens {
    path: PathBuf,
    /// `None` until first read from disk.
    loaded: Mutex<Option<File>>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Constant-time equality of two hexadecimal digests.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).expect("the system random source is available");
    hex(&buffer)
}

impl Tokens {
    /// The tokens kept in `path` (read on first use; a missing file is no tokens).
    pub fn new(path: PathBuf) -> Tokens {
        Tokens {
            path,
            loaded: Mutex::new(None),
        }
    }

    fn with<T>(&self, work: impl FnOnce(&mut File) -> Result<(T, bool)>) -> Result<T> {
        let mut loaded = self.loaded.lock().expect("tokens lock is never poisoned");
        if loaded.is_none() {
            *loaded = Some(read(&self.path)?);
        }
        let file = loaded.as_mut().expect("just loaded");
        let (value, changed) = work(file)?;
        if changed {
            write(&self.path, file)?;
        }
        Ok(value)
    }

    /// Makes a token for a person; returns the token itself, to be shown once.
    pub fn create(&self, login: &str, name: &str) -> Result<std::result::Result<String, Refused>> {
        let name = name.trim();
        if name.is_empty() {
            return Ok(Err(Refused::EmptyName));
        }
        if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Ok(Err(Refused::NameTooLong));
        }
        self.with(|file| {
            if file.tokens.iter().filter(|t| t.login == login).count() >= MAX_PER_PERSON {
                return Ok((Err(Refused::TooMany), false));
            }
            let id = random_hex(4);
            let token = format!("{PREFIX}{id}_{}", random_hex(32));
            file.tokens.push(Stored {
                id,
                login: login.to_owned(),
                name: name.to_owned(),
                hash: digest(&token),
                created: now(),
                last_used: None,
            });
            Ok((Ok(token), true))
        })
    }

    /// A person's tokens, newest first.
    pub fn list(&self, login: &str) -> Result<Vec<TokenInfo>> {
        self.with(|file| {
            let mut list: Vec<TokenInfo> = file
                .tokens
                .iter()
                .filter(|t| t.login == login)
                .map(|t| TokenInfo {
                    id: t.id.clone(),
                    name: t.name.clone(),
                    created: t.created,
                    last_used: t.last_used,
                })
                .collect();
            list.sort_by_key(|t| std::cmp::Reverse(t.created));
            Ok((list, false))
        })
    }

    /// Revokes one of a person's tokens; false when they have none with this id.
    pub fn revoke(&self, login: &str, id: &str) -> Result<bool> {
        self.with(|file| {
            let before = file.tokens.len();
            file.tokens.retain(|t| !(t.login == login && t.id == id));
            let removed = file.tokens.len() != before;
            Ok((removed, removed))
        })
    }

    /// Revokes every token of a person (when they leave the roster, say).
    pub fn revoke_all(&self, login: &str) -> Result<usize> {
        self.with(|file| {
            let before = file.tokens.len();
            file.tokens.retain(|t| t.login != login);
            let removed = before - file.tokens.len();
            Ok((removed, removed > 0))
        })
    }

    /// Whether `secret` is one of `login`'s tokens; its name if so. Records the use.
    pub fn check(&self, login: &str, secret: &str) -> Result<Option<String>> {
        let Some(id) = secret
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split_once('_'))
            .map(|(id, _)| id)
        else {
            return Ok(None);
        };
        let hash = digest(secret);
        self.with(|file| {
            let Some(token) = file
                .tokens
                .iter_mut()
                .find(|t| t.id == id && t.login == login && same(&t.hash, &hash))
            else {
                return Ok((None, false));
            };
            let now = now();
            let stale = token
                .last_used
                .is_none_or(|last| now - last >= LAST_USED_GRANULARITY);
            if stale {
                token.last_used = Some(now);
            }
            Ok((Some(token.name.clone()), stale))
        })
    }
}

fn read(path: &Path) -> Result<File> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text)
            .map_err(|error| Error::Internal(format!("{}: {error}", path.display()))),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(File::default()),
        Err(error) => Err(Error::Internal(format!("{}: {error}", path.display()))),
    }
}

/// Writes the file atomically: a crash leaves the old one or the new one.
fn write(path: &Path, file: &File) -> Result<()> {
    let text = toml::to_string(file).map_err(|error| Error::Internal(error.to_string()))?;
    crate::atomic_file::write(path, &text)
        .map_err(|error| Error::Internal(format!("{}: {error}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_works_for_its_person_until_revoked_and_survives_a_restart() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("tokens.toml");
        let tokens = Tokens::new(path.clone());
        let token = tokens
            .create("alice", "portable")
            .expect("stored")
            .expect("made");
        assert!(token.starts_with(PREFIX));
        assert_eq!(
            tokens.check("alice", &token).expect("checked"),
            Some("portable".into())
        );
        assert_eq!(
            tokens.check("bruno", &token).expect("checked"),
            None,
            "not bruno's"
        );
        let mut forged = token.clone();
        forged.pop();
        forged.push(if token.ends_with('0') { '1' } else { '0' });
        assert_eq!(tokens.check("alice", &forged).expect("checked"), None);
        assert_eq!(tokens.check("alice", "password").expect("checked"), None);
        let text = std::fs::read_to_string(&path).expect("written");
        assert!(!text.contains(&token), "only the hash is stored");

        // Another process (a restart) reads the same tokens.
        let again = Tokens::new(path);
        let list = again.list("alice").expect("list");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].name, "portable");
        assert!(list[0].last_used.is_some(), "the use was recorded");
        assert!(again.revoke("alice", &list[0].id).expect("revoked"));
        assert_eq!(again.check("alice", &token).expect("checked"), None);
    }

    #[test]
    fn names_and_numbers_are_bounded() {
        let dir = tempfile::tempdir().expect("temp dir");
        let tokens = Tokens::new(dir.path().join("tokens.toml"));
        assert_eq!(
            tokens.create("a", "  ").expect("ok"),
            Err(Refused::EmptyName)
        );
        assert_eq!(
            tokens.create("a", &"x".repeat(61)).expect("ok"),
            Err(Refused::NameTooLong)
        );
        for i in 0..MAX_PER_PERSON {
            assert!(tokens.create("a", &format!("t{i}")).expect("ok").is_ok());
        }
        assert_eq!(
            tokens.create("a", "one more").expect("ok"),
            Err(Refused::TooMany)
        );
        assert_eq!(tokens.revoke_all("a").expect("ok"), MAX_PER_PERSON);
    }
}
