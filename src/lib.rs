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
//! Layers, from the bottom: `page_path`, `roster`, `config`, `access` (the one policy),
//! `markdown`, `wiki` (storage behind the policy), `farm` (all wikis, caches, reloads), `views`
//! (HTML) and `web` (HTTP, the only async code).

pub mod access;
pub mod cache;
pub mod config;
pub mod dates;
pub mod derived;
pub mod diff;
pub mod error;
pub mod farm;
pub mod i18n;
pub mod markdown;
pub mod object_id;
pub mod page_path;
pub mod roster;
pub mod rules;
mod store;
pub mod urls;
pub mod views;
pub mod web;
pub mod wiki;
