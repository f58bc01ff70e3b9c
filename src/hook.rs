//! The hooks git runs during a push (`konbit hook pre-receive`, `konbit hook post-receive`).
//!
//! git's receive-pack, spawned by the server for one authorised push, runs them as separate
//! processes with the environment the server gave it: which configuration, which wiki, which
//! person. Each opens the wiki through the gate again, as that person (a roster change since the
//! push began applies), and speaks to the person in the wiki's language; git shows what a hook
//! prints as `remote:` lines. A refusal in pre-receive leaves nothing behind: the pushed objects
//! are still in git's quarantine, which git removes.

use std::io::Read;
use std::path::PathBuf;

use crate::access::{Action, Actor};
use crate::error::{Error, Result};
use crate::farm::Farm;
use crate::urls;
use crate::wiki::parse_updates;

/// The environment the server hands to git for the hooks.
pub const CONFIG_VAR: &str = "KONBIT_CONFIG";
pub const DATA_VAR: &str = "KONBIT_DATA";
pub const WIKI_VAR: &str = "KONBIT_WIKI";
pub const LOGIN_VAR: &str = "KONBIT_LOGIN";

/// Runs the hook `name`; returns the process's exit status (non-zero refuses the push).
pub fn run(name: &str) -> i32 {
    let mut input = String::new();
    if std::io::stdin().read_to_string(&mut input).is_err() {
        eprintln!("konbit: the push's ref list could not be read");
        return 1;
    }
    match run_with(name, &input) {
        Ok(status) => status,
        Err(Error::Forbidden | Error::NotFound) => {
            println!("konbit: you may not push to this wiki (any more).");
            1
        }
        Err(error) => {
            // The person learns that nothing changed; the cause is for the farm's administrator
            // and stays out of what a pusher sees.
            println!(
                "konbit: the server could not check this push; nothing changed. Tell the farm's administrator."
            );
            let _ = error;
            1
        }
    }
}

fn var(name: &str) -> Result<String> {
    std::env::var(name).map_err(|_| Error::Internal(format!("{name} is not set")))
}

fn run_with(name: &str, input: &str) -> Result<i32> {
    let config_dir = PathBuf::from(var(CONFIG_VAR)?);
    let farm = Farm::load(&config_dir)
        .map_err(|errors| Error::Internal(format!("configuration: {errors}")))?;
    farm.set_data_dir(&PathBuf::from(var(DATA_VAR)?));
    if name == "post-receive" {
        farm.start_links(false);
    }
    let config = farm.config();
    let slug = var(WIKI_VAR)?;
    let actor = Actor::Person(var(LOGIN_VAR)?);
    let wiki = farm.open(config.clone(), actor, &slug, Action::Write)?;
    let lang = wiki.settings().lang;
    let t = lang.messages();
    let updates = parse_updates(input);
    match name {
        "pre-receive" => {
            let quarantine = std::env::var_os("GIT_QUARANTINE_PATH").map(PathBuf::from);
            let refusals = wiki.check_push(quarantine.as_deref(), &updates)?;
            if refusals.is_empty() {
                return Ok(0);
            }
            println!("konbit: {}", t.push_refused);
            for refusal in &refusals {
                for line in lang.push_refusal(refusal) {
                    println!("konbit:   {line}");
                }
            }
            Ok(1)
        }
        "post-receive" => {
            let prefix = match &config.farm.base_url {
                Some(base) => format!("{base}/{slug}/"),
                None => format!("/{slug}/"),
            };
            for update in &updates {
                let Some(new) = update.new else { continue };
                let report = wiki.push_report(update.old, new)?;
                if !report.pages.is_empty() {
                    println!("konbit: {}", t.push_pages);
                }
                for (page, present) in &report.pages {
                    if *present {
                        println!("konbit:   {}", urls::page(&prefix, page.as_str()));
                    } else {
                        println!("konbit:   {} ({})", page, t.push_removed);
                    }
                }
                for (page, target) in &report.missing_links {
                    println!("konbit: {} {page} → {target}", t.push_missing_link);
                }
            }
            Ok(0)
        }
        other => Err(Error::Internal(format!("no hook named {other}"))),
    }
}
