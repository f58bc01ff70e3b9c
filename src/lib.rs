//! konbit: a wiki farm. One process serves many git-backed Markdown wikis, one per member
//! organisation of a cooperative, and one member roster decides who may do what, everywhere.
//!
//! Glossary, one word per concept:
//! - **farm**: the process and its configuration folder (`farm-config/`).
//! - **wiki**: a bare git repository under the data folder, with a slug, a title, an owner
//!   organisation, a visibility (public, members, private), a language and a theme.
//! - **page**: a Markdown file `path/Page Name.md` of a wiki; its **page path** is
//!   `path/Page Name`. Other files are **attachments**.
//! - **person**, **organisation**, **role** (reader < editor < admin): the **roster**.
//! - **actor**: the person making a request, or a visitor (no login).
//!
//! Layers, from the bottom (ARCHITECTURE.md; `tests/it/tidy.rs` checks them): the leaves
//! (`object_id`, `page_path`, `rules`, `urls`, `error`, `i18n`, `config`, `roster`, `access` — the
//! one policy —, `markdown`…), then `store` (every git2 call, private), `derived` (caches and
//! branch-move notices), `wiki` (a wiki's content behind the policy), `farm` (the gate), `views`
//! (HTML) and `web` (HTTP, the only async code).

pub mod access;
pub mod atomic_file;
pub mod audit;
pub mod cache;
pub mod config;
pub mod dates;
pub mod derived;
pub mod diff;
pub mod error;
pub mod farm;
pub mod hook;
pub mod i18n;
pub mod markdown;
pub mod object_id;
pub mod page_path;
pub mod password_links;
pub mod roster;
pub mod rules;
mod store;
pub mod tokens;
pub mod urls;
pub mod views;
pub mod web;
pub mod wiki;
