//! Architecture rules, checked as ordinary tests: which module may know what (see
//! ARCHITECTURE.md). A failure names the file and the line that broke the rule.

use std::path::{Path, PathBuf};

/// The Rust files under `dir`, or `dir` itself when it is a file.
fn sources(dir: &Path) -> Vec<PathBuf> {
    if dir.is_file() {
        return vec![dir.to_owned()];
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("reading src/") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Lines of the files under `src/{under}` that contain `needle`, outside comments.
fn offenders(under: &str, needle: &str, allowed: &[&str]) -> Vec<String> {
    let src = root().join("src");
    let mut found = Vec::new();
    for file in sources(&src.join(under)) {
        let relative = file
            .strip_prefix(root())
            .expect("under the root")
            .display()
            .to_string();
        if allowed.iter().any(|a| relative == *a) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("reading a source file");
        for (number, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if !code.starts_with("//") && code.contains(needle) {
                found.push(format!("{relative}:{}: {}", number + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_core_knows_nothing_of_http() {
    for module in [
        "wiki",
        "access.rs",
        "config.rs",
        "farm.rs",
        "markdown.rs",
        "page_path.rs",
        "roster.rs",
        "diff.rs",
        "views",
    ] {
        let mut found = offenders(module, "axum", &[]);
        // Markup types are fine in views; requests are not.
        found.retain(|line| !line.contains("maud"));
        assert!(
            found.is_empty(),
            "{module} must not know HTTP:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn only_the_store_calls_git() {
    // Object ids travel everywhere; repositories, trees and signatures stay in the wiki module.
    for needle in [
        "Repository",
        "git2::Signature",
        "revwalk",
        "find_tree",
        "treebuilder",
    ] {
        let found = offenders("", needle, &["src/store.rs"]);
        assert!(
            found.is_empty(),
            "{needle} outside src/wiki/:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn views_never_touch_storage_or_the_policy() {
    for needle in ["git2", "tantivy", "access::", "Farm"] {
        let found = offenders("views", needle, &[]);
        assert!(
            found.is_empty(),
            "views use {needle}:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn only_the_renderer_emits_unescaped_html() {
    let found = offenders("", "PreEscaped", &["src/markdown.rs"]);
    assert!(
        found.is_empty(),
        "PreEscaped outside the renderer:\n{}",
        found.join("\n")
    );
}

#[test]
fn handlers_reach_wikis_only_through_the_gate() {
    // A Wiki is built by Farm::open after the access check, nowhere else.
    let found = offenders("", "Wiki::new(", &["src/farm.rs", "src/wiki/mod.rs"]);
    assert!(
        found.is_empty(),
        "a Wiki built outside Farm::open:\n{}",
        found.join("\n")
    );
    let found = offenders("web", "store::", &[]);
    assert!(
        found.is_empty(),
        "the web layer reaches into storage:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_source_file_says_what_it_owns() {
    for file in sources(&root().join("src")) {
        let text = std::fs::read_to_string(&file).expect("reading a source file");
        assert!(
            text.starts_with("//!"),
            "{} does not open with a //! line",
            file.display()
        );
    }
}

#[test]
fn no_bare_unwrap_outside_tests() {
    let mut found = Vec::new();
    for file in sources(&root().join("src")) {
        let text = std::fs::read_to_string(&file).expect("reading a source file");
        // Unit tests sit at the end of a file, after `#[cfg(test)]`.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (number, line) in code.lines().enumerate() {
            if line.contains(".unwrap()") && !line.trim_start().starts_with("//") {
                found.push(format!("{}:{}", file.display(), number + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "bare unwrap() (use expect with a reason):\n{}",
        found.join("\n")
    );
}
