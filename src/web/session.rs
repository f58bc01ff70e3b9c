//! Sessions, CSRF tokens, cookies and the slowing-down of repeated sign-in failures.
//!
//! A session stands for a person *as they were when they signed in*: it keeps their login and a
//! fingerprint of their identity in the roster of that moment (a keyed hash of the login and the
//! password's PHC string, see [`Sessions::identity`]). At every request the fingerprint is
//! compared with the roster in force, and when the configuration is reloaded every session is
//! compared at once: a person removed from the roster, or whose password was changed, has no
//! session left, and a login that is later added again (perhaps for someone else) does not get
//! the old ones back. Name, e-mail and roles are not part of the fingerprint: they change what a
//! person may do or how they are shown, not who holds the account, and rights are read from the
//! roster at every request anyway. Sessions live in memory: a restart signs everyone out, which
//! is the safe direction.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::roster::{Person, Roster};

pub const SESSION_COOKIE: &str = "konbit_session";
/// Anonymous visitors' forms (sign-in, language) are bound to this random cookie.
pub const CSRF_COOKIE: &str = "konbit_csrf";
pub const LANG_COOKIE: &str = "konbit_lang";

const SESSION_IDLE: Duration = Duration::from_secs(14 * 24 * 3600);
/// Live sessions at most; a konbit has a few hundred people.
const MAX_SESSIONS: usize = 50_000;

/// Failures allowed before each further attempt must wait, per login and per address.
const FREE_FAILURES_PER_LOGIN: u32 = 5;
const FREE_FAILURES_PER_ADDRESS: u32 = 20;
/// Failures are forgotten after this long without a new one.
const FAILURE_MEMORY: Duration = Duration::from_secs(15 * 60);
const MAX_DELAY: Duration = Duration::from_secs(5 * 60);
const MAX_SLOW_DOWN: Duration = Duration::from_secs(5);
const MAX_TRACKED_FAILURES: usize = 100_000;

pub struct Sessions {
    secret: [u8; 32],
    live: Mutex<HashMap<String, Session>>,
    failures: Mutex<HashMap<String, Failures>>,
    /// The farm's configuration generation the sessions were last checked against.
    followed: std::sync::atomic::AtomicU64,
}

struct Session {
    login: String,
    /// The person's [`Sessions::identity`] when they signed in.
    identity: Identity,
    last_seen: Instant,
}

/// A keyed hash of what makes a person of the roster who they are for signing in.
type Identity = [u8; 32];

struct Failures {
    count: u32,
    last: Instant,
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the system random source is available");
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Default for Sessions {
    fn default() -> Self {
        Self::new()
    }
}

impl Sessions {
    pub fn new() -> Self {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the system random source is available");
        Sessions {
            secret,
            live: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            followed: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// What a session keeps of the person it stands for: a keyed hash of their login and their
    /// password's PHC string (which changes, with a new salt, whenever the password does).
    /// `None` for a person who may hold no session at all: nobody today; a roster flag that
    /// disables an account would answer `None` here, and the same checks would end their
    /// sessions.
    fn identity(&self, person: &Person) -> Option<Identity> {
        if person.disabled {
            return None;
        }
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("any key length works");
        mac.update(b"identity:");
        mac.update(person.login.as_bytes());
        mac.update(b"\0");
        mac.update(person.password.as_deref().unwrap_or("").as_bytes());
        Some(mac.finalize().into_bytes().into())
    }

    /// Starts a session for a person as the roster has them now; returns its id, the cookie's
    /// value, or `None` if the person may hold no session.
    pub fn start(&self, person: &Person) -> Option<String> {
        let identity = self.identity(person)?;
        let id = random_token();
        let mut live = self.live.lock().expect("sessions lock is never poisoned");
        let now = Instant::now();
        live.retain(|_, session| now.duration_since(session.last_seen) < SESSION_IDLE);
        // Bounded: past the cap, the least recently seen session ends to make room.
        if live.len() >= MAX_SESSIONS
            && let Some(oldest) = live
                .iter()
                .min_by_key(|(_, session)| session.last_seen)
                .map(|(id, _)| id.clone())
        {
            live.remove(&oldest);
        }
        live.insert(
            id.clone(),
            Session {
                login: person.login.clone(),
                identity,
                last_seen: now,
            },
        );
        Some(id)
    }

    /// The person a live session stands for, in `roster` (the one in force for this request).
    /// A session idle too long, or whose person is no longer in the roster as they were when
    /// they signed in, ends here.
    pub fn person<'r>(&self, id: &str, roster: &'r Roster) -> Option<&'r Person> {
        let mut live = self.live.lock().expect("sessions lock is never poisoned");
        let session = live.get_mut(id)?;
        let now = Instant::now();
        let person = roster
            .person(&session.login)
            .filter(|person| self.identity(person) == Some(session.identity));
        match person {
            Some(person) if now.duration_since(session.last_seen) < SESSION_IDLE => {
                session.last_seen = now;
                Some(person)
            }
            _ => {
                live.remove(id);
                None
            }
        }
    }

    /// Ends every session whose person is no longer in `roster` as they were when they signed
    /// in: called when a new configuration comes into force, so that a person removed and
    /// added again between two of their requests does not find their old sessions.
    fn end_stale(&self, roster: &Roster) -> usize {
        let identities: HashMap<&str, Identity> = roster
            .people
            .values()
            .filter_map(|person| Some((person.login.as_str(), self.identity(person)?)))
            .collect();
        let mut live = self.live.lock().expect("sessions lock is never poisoned");
        let before = live.len();
        live.retain(|_, session| identities.get(session.login.as_str()) == Some(&session.identity));
        before - live.len()
    }

    /// Ends the stale sessions once for each configuration that came into force (its
    /// `generation`, counted by the farm), whatever put it in force: a hand edit the watcher
    /// applied, or one a web change applied before writing, even a change then refused.
    pub fn follow_roster(&self, generation: u64, roster: &Roster) -> usize {
        let before = self
            .followed
            .swap(generation, std::sync::atomic::Ordering::AcqRel);
        if before == generation {
            return 0;
        }
        self.end_stale(roster)
    }

    pub fn end(&self, id: &str) {
        self.live
            .lock()
            .expect("sessions lock is never poisoned")
            .remove(id);
    }

    /// The CSRF token of forms shown to the holder of a cookie (session id or anonymous value):
    /// a keyed hash of it, so it can be checked without storing anything.
    pub fn csrf_token(&self, cookie_value: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("any key length works");
        mac.update(b"csrf:");
        mac.update(cookie_value.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    pub fn csrf_valid(&self, cookie_value: &str, token: &str) -> bool {
        let expected = self.csrf_token(cookie_value);
        // Constant-time comparison: the answer's timing must not reveal a prefix.
        expected.len() == token.len()
            && expected
                .bytes()
                .zip(token.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    /// What repeated failures impose on a sign-in attempt. From an address that keeps failing
    /// (for this login, or for any), attempts are refused for a growing while. For a login that
    /// keeps failing from anywhere, answers are slowed down but not refused, so that a stranger
    /// cannot lock a person out of their account by failing on purpose.
    pub fn sign_in_throttle(&self, login: &str, address: &str) -> Throttle {
        let mut failures = self.failures.lock().expect("lock is never poisoned");
        let now = Instant::now();
        failures.retain(|_, f| now.duration_since(f.last) < FAILURE_MEMORY);
        let wait = |key: &str, free: u32| {
            let f = failures.get(key)?;
            if f.count < free {
                return None;
            }
            let delay = Duration::from_secs(1u64 << (f.count - free).min(16)).min(MAX_DELAY);
            delay.checked_sub(now.duration_since(f.last))
        };
        let refuse = wait(&format!("pair:{login}@{address}"), FREE_FAILURES_PER_LOGIN).max(wait(
            &format!("address:{address}"),
            FREE_FAILURES_PER_ADDRESS,
        ));
        let slow_down = failures
            .get(&format!("login:{login}"))
            .filter(|f| f.count >= FREE_FAILURES_PER_LOGIN)
            .map_or(Duration::ZERO, |f| {
                (Duration::from_millis(250) * (f.count - FREE_FAILURES_PER_LOGIN + 1))
                    .min(MAX_SLOW_DOWN)
            });
        Throttle { refuse, slow_down }
    }

    pub fn sign_in_failed(&self, login: &str, address: &str) {
        let mut failures = self.failures.lock().expect("lock is never poisoned");
        let now = Instant::now();
        // Bounded: an address spraying random logins must not grow this map without end.
        if failures.len() >= MAX_TRACKED_FAILURES {
            failures.retain(|_, f| now.duration_since(f.last) < FAILURE_MEMORY / 4);
        }
        for key in [
            format!("pair:{login}@{address}"),
            format!("address:{address}"),
            format!("login:{login}"),
        ] {
            let entry = failures.entry(key).or_insert(Failures {
                count: 0,
                last: now,
            });
            entry.count += 1;
            entry.last = now;
        }
    }

    pub fn sign_in_succeeded(&self, login: &str, address: &str) {
        let mut failures = self.failures.lock().expect("lock is never poisoned");
        failures.remove(&format!("pair:{login}@{address}"));
        failures.remove(&format!("login:{login}"));
    }
}

/// See [`Sessions::sign_in_throttle`].
#[derive(Debug, PartialEq, Eq)]
pub struct Throttle {
    /// Refuse the attempt (429) for this long yet.
    pub refuse: Option<Duration>,
    /// Otherwise answer no sooner than this.
    pub slow_down: Duration,
}

/// The value of a cookie in a `Cookie` header.
pub fn cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then_some(value)
    })
}

/// A `Set-Cookie` value for a cookie scripts cannot read.
pub fn set_cookie(name: &str, value: &str, max_age: Option<Duration>, secure: bool) -> String {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(max_age) = max_age {
        cookie.push_str(&format!("; Max-Age={}", max_age.as_secs()));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

/// A `Set-Cookie` value that makes the browser forget a cookie.
pub fn clear_cookie(name: &str, secure: bool) -> String {
    format!("{}; Max-Age=0", set_cookie(name, "", None, secure))
}

pub fn session_max_age() -> Duration {
    SESSION_IDLE
}

/// Whether a return address after sign-in is a path of this site: never another host
/// (`//host`, `/\host`, `https://…`), never a control character.
pub fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && !next.to_ascii_lowercase().contains("%5c")
        && !next.starts_with("/%2f")
        && !next.starts_with("/%2F")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths() {
        for good in ["/", "/remix/Home", "/remix/Caf%C3%A9?x=1"] {
            assert!(is_local_path(good), "{good}");
        }
        for bad in [
            "",
            "remix",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "/%5Cevil.example",
            "/\tevil",
            "/%2F/evil.example",
            " /x",
            "javascript:alert(1)",
        ] {
            assert!(!is_local_path(bad), "{bad}");
        }
    }

    #[test]
    fn csrf_tokens_are_bound_to_their_cookie() {
        let sessions = Sessions::new();
        let token = sessions.csrf_token("abc");
        assert!(sessions.csrf_valid("abc", &token));
        assert!(!sessions.csrf_valid("abd", &token));
        assert!(!sessions.csrf_valid("abc", ""));
        assert!(
            !Sessions::new().csrf_valid("abc", &token),
            "another process's secret"
        );
    }

    #[test]
    fn repeated_failures_are_refused_from_their_address_and_slowed_elsewhere() {
        let sessions = Sessions::new();
        for _ in 0..FREE_FAILURES_PER_LOGIN {
            assert_eq!(sessions.sign_in_throttle("alice", "1.2.3.4").refuse, None);
            sessions.sign_in_failed("alice", "1.2.3.4");
        }
        assert!(
            sessions
                .sign_in_throttle("alice", "1.2.3.4")
                .refuse
                .is_some()
        );
        // From elsewhere, Alice is not locked out, only slowed down.
        let elsewhere = sessions.sign_in_throttle("alice", "5.6.7.8");
        assert_eq!(elsewhere.refuse, None);
        assert!(elsewhere.slow_down > Duration::ZERO);
        assert_eq!(
            sessions.sign_in_throttle("bob", "5.6.7.8"),
            Throttle {
                refuse: None,
                slow_down: Duration::ZERO
            }
        );
        sessions.sign_in_succeeded("alice", "5.6.7.8");
        assert_eq!(
            sessions.sign_in_throttle("alice", "5.6.7.8").slow_down,
            Duration::ZERO
        );
        // An address failing for many logins is refused for all of them.
        for i in 0..FREE_FAILURES_PER_ADDRESS {
            sessions.sign_in_failed(&format!("guess{i}"), "9.9.9.9");
        }
        assert!(
            sessions
                .sign_in_throttle("carol", "9.9.9.9")
                .refuse
                .is_some()
        );
    }

    fn roster(people: &[(&str, &str)]) -> Roster {
        let mut roster = Roster::default();
        for (login, password) in people {
            roster.people.insert(
                (*login).to_owned(),
                Person {
                    login: (*login).to_owned(),
                    name: format!("Person {login}"),
                    email: format!("{login}@example.org"),
                    password: Some((*password).to_owned()),
                    disabled: false,
                    farm_admin: false,
                },
            );
        }
        roster
    }

    fn login_of(sessions: &Sessions, id: &str, roster: &Roster) -> Option<String> {
        sessions.person(id, roster).map(|p| p.login.clone())
    }

    #[test]
    fn sessions_name_a_person_as_they_were_at_sign_in() {
        let sessions = Sessions::new();
        let before = roster(&[("alice", "$argon2id$one"), ("bob", "$argon2id$two")]);
        let alice = before.person("alice").expect("on the roster");
        let id = sessions.start(alice).expect("alice may sign in");
        assert_eq!(login_of(&sessions, &id, &before).as_deref(), Some("alice"));
        // A new name or e-mail is the same person.
        let mut renamed = before.clone();
        if let Some(person) = renamed.people.get_mut("alice") {
            person.name = "Alice B.".to_owned();
            person.email = "alice@elsewhere.example".to_owned();
        }
        assert_eq!(login_of(&sessions, &id, &renamed).as_deref(), Some("alice"));
        // A new password is not: the session ends, and stays ended with the old roster back.
        let changed = roster(&[("alice", "$argon2id$new"), ("bob", "$argon2id$two")]);
        assert_eq!(login_of(&sessions, &id, &changed), None);
        assert_eq!(login_of(&sessions, &id, &before), None);

        let id = sessions.start(alice).expect("alice may sign in");
        sessions.end(&id);
        assert_eq!(login_of(&sessions, &id, &before), None);
    }

    #[test]
    fn a_new_roster_ends_the_sessions_of_people_it_changed_or_removed() {
        let sessions = Sessions::new();
        let before = roster(&[("alice", "$argon2id$one"), ("bob", "$argon2id$two")]);
        let alice = sessions
            .start(before.person("alice").expect("on the roster"))
            .expect("alice may sign in");
        let bob = sessions
            .start(before.person("bob").expect("on the roster"))
            .expect("bob may sign in");
        let without_alice = roster(&[("bob", "$argon2id$two")]);
        assert_eq!(sessions.end_stale(&without_alice), 1);
        // Alice added again exactly as she was does not get her session back.
        assert_eq!(login_of(&sessions, &alice, &before), None);
        assert_eq!(login_of(&sessions, &bob, &before).as_deref(), Some("bob"));
    }
}
