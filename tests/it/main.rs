//! konbit's integration tests: one binary, one harness, the real server over real HTTP.
//!
//! Each module is an area a person would notice: who reads and writes what, on every surface
//! (`policy`), the routes (`pages`), host names (`host`), configuration changes while running
//! (`reload`), signing in (`signin`), one's own account (`account`), links between pages and
//! wikis, backlinks, wanted pages and moves (`links`), malformed addresses (`bad_input`), the command line and
//! storage (`config`), Markdown rendering (`rendering`), the interface language (`language`),
//! editing and its history (`editing`), hostile uses of the write path (`hostile`), names git
//! would read as its own or that display as others (`names`), connections held open by slow,
//! idle or too many clients (`connections`), pages built to make rendering expensive
//! (`pathological`), many people saving at once
//! (`stress`) and one walk in a real Chromium (`browser`). The `harness` writes farms, runs
//! servers and acts as a person (see its action layer).

mod account;
mod admin;
mod bad_input;
mod browser;
mod config;
mod connections;
mod editing;
mod git;
mod harness;
mod host;
mod hostile;
mod language;
mod links;
mod names;
mod pages;
mod pathological;
mod pathological_inputs;
mod policy;
mod reload;
mod rendering;
mod search;
mod signin;
mod stress;
mod tidy;
