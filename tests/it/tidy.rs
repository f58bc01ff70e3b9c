//! Architecture rules, checked as ordinary tests: which module may know what (see
//! ARCHITECTURE.md). A failure names the file and the line that broke the rule.
//!
//! Code is read without its comments and without its `#[cfg(test)]` modules: unit tests may
//! reach across layers to set up what they check.

use std::path::{Path, PathBuf};

/// The layers of the crate, from the bottom. A module may name only modules of lower layers
/// (`crate::x`); modules of one layer do not know each other. Knowledge flows one way:
/// web → farm → wiki → derived → store, and every layer may use the leaves below.
const LAYERS: &[&[&str]] = &[
    &[
        "object_id",
        "atomic_file",
        "page_path",
        "dates",
        "cache",
        "diff",
        "markdown",
        "roster",
    ],
    &["rules", "urls"],
    &["error"],
    &["i18n", "tokens", "password_links"],
    &["config"],
    &["access"],
    &["store"],
    &["derived"],
    &["wiki", "audit"],
    &["farm"],
    &["views", "hook"],
    &["web"],
];

/// Lower modules that a layer must still not know, although they are below it.
const FORBIDDEN: &[(&str, &[&str], &str)] = &[
    (
        "views",
        &["access", "store", "derived", "wiki", "farm"],
        "views get plain data: no storage, no policy",
    ),
    (
        "web",
        &["store", "derived"],
        "the web layer reaches wikis through the gate only",
    ),
];

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

/// A source file as the rules read it: each line of code with its number, comments, string
/// contents and `#[cfg(test)]` modules blanked out.
struct Code {
    relative: String,
    /// The top-level module the file belongs to (`wiki` for `src/wiki/write.rs`).
    module: String,
    lines: Vec<(usize, String)>,
}

fn code_of(file: &Path) -> Code {
    let relative = file
        .strip_prefix(root())
        .expect("under the root")
        .display()
        .to_string();
    let inside_src = file.strip_prefix(root().join("src")).expect("under src/");
    let first = inside_src
        .components()
        .next()
        .expect("a file has a name")
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_owned();
    let text = std::fs::read_to_string(file).expect("reading a source file");
    let blanked = blank(&text);
    Code {
        relative,
        module: first,
        lines: blanked
            .lines()
            .enumerate()
            .map(|(i, line)| (i + 1, line.to_owned()))
            .filter(|(_, line)| !line.trim().is_empty())
            .collect(),
    }
}

/// The text with comments and the contents of strings and chars replaced by spaces (line
/// breaks kept), and every `#[cfg(test)]` item removed up to its closing brace.
fn blank(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let keep = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let rest: String = chars[i..chars.len().min(i + 12)].iter().collect();
        if rest.starts_with("//") {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if rest.starts_with("/*") {
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                out.push(keep(chars[i]));
                i += 1;
            }
            i += 2;
        } else if chars[i] == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(keep(chars[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if chars[i] == '\''
            && (chars.get(i + 2) == Some(&'\'')
                || (chars.get(i + 1) == Some(&'\\')
                    && chars[i + 1..].iter().take(12).any(|c| *c == '\'')))
        {
            // A char literal ('{', '\n', '\u{1F}'); a lifetime has no closing quote nearby.
            out.push_str("' '");
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
        } else if rest.starts_with("#[cfg(test)]") {
            // Skip the attribute and the item it marks, braces balanced.
            let mut depth = 0usize;
            let mut opened = false;
            while i < chars.len() {
                match chars[i] {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    ';' if !opened => {
                        i += 1;
                        break;
                    }
                    _ => {}
                }
                out.push(keep(chars[i]));
                i += 1;
                if opened && depth == 0 {
                    break;
                }
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn all_code() -> Vec<Code> {
    sources(&root().join("src"))
        .iter()
        .filter(|file| !file.ends_with("main.rs") && !file.ends_with("lib.rs"))
        .map(|file| code_of(file))
        .collect()
}

fn layer_of(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|layer| layer.contains(&module))
        .unwrap_or_else(|| panic!("module {module} is in no layer of tests/it/tidy.rs"))
}

/// The crate modules a line names (`crate::x`, and `super::x` at the crate root).
fn named_modules(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        found.push(name);
    }
    found
}

#[test]
fn knowledge_flows_down_the_layers() {
    let mut broken = Vec::new();
    for code in all_code() {
        let own = layer_of(&code.module);
        for (number, line) in &code.lines {
            for named in named_modules(line) {
                if named == code.module {
                    continue;
                }
                let theirs = layer_of(&named);
                if theirs >= own {
                    broken.push(format!(
                        "{}:{number}: {} (layer {own}) names {named} (layer {theirs}): {}",
                        code.relative,
                        code.module,
                        line.trim()
                    ));
                }
                if let Some((_, _, why)) = FORBIDDEN.iter().find(|(module, banned, _)| {
                    *module == code.module && banned.contains(&named.as_str())
                }) {
                    broken.push(format!(
                        "{}:{number}: {} names {named} ({why}): {}",
                        code.relative,
                        code.module,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports against the direction of knowledge:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_web_surfaces_do_not_know_each_other() {
    // Shared request helpers live in context, scope, form, error and session; a surface module
    // (pages, history, edit, files, account, admin, assets, links) names none of its siblings.
    let surfaces = [
        "pages", "history", "edit", "files", "account", "assets", "links", "admin",
    ];
    let mut broken = Vec::new();
    for code in all_code().iter().filter(|code| code.module == "web") {
        let own = Path::new(&code.relative)
            .file_stem()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        if !surfaces.contains(&own.as_str()) {
            continue;
        }
        for (number, line) in &code.lines {
            for other in surfaces.iter().filter(|other| **other != own) {
                if line.contains(&format!("super::{other}"))
                    || line.contains(&format!("web::{other}"))
                {
                    broken.push(format!("{}:{number}: {}", code.relative, line.trim()));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "a surface reaches into another:\n{}",
        broken.join("\n")
    );
}

/// Lines of `src/` outside `allowed` files that contain `needle` in code.
fn offenders(needle: &str, allowed: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for code in all_code() {
        if allowed.contains(&code.relative.as_str()) {
            continue;
        }
        for (number, line) in &code.lines {
            if line.contains(needle) {
                found.push(format!("{}:{number}: {}", code.relative, line.trim()));
            }
        }
    }
    found
}

#[test]
fn git2_appears_in_the_store_alone() {
    let found = offenders("git2", &["src/store.rs"]);
    assert!(
        found.is_empty(),
        "git2 outside src/store.rs:\n{}",
        found.join("\n")
    );
}

#[test]
fn only_the_gate_hands_out_repositories_and_wikis() {
    // A repository's location is made by the gate after the access check, and so is a Wiki.
    for needle in ["Location::new(", "Wiki::new(", ".git\")", "data_dir.join("] {
        let found = offenders(needle, &["src/farm.rs"]);
        assert!(
            found.is_empty(),
            "{needle} outside the gate:\n{}",
            found.join("\n")
        );
    }
    // The store module is private to the crate's core: declared without `pub`.
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).expect("reading lib.rs");
    assert!(
        lib.lines().any(|line| line == "mod store;"),
        "src/lib.rs must declare `mod store;`"
    );
}

#[test]
fn the_core_knows_nothing_of_http() {
    let found: Vec<String> = ["axum", "maud", "tower"]
        .iter()
        .flat_map(|needle| offenders(needle, &[]))
        .filter(|line| !line.starts_with("src/web/") && !line.starts_with("src/views/"))
        // SafeHtml renders itself into maud markup: the renderer's one tie to the views.
        .filter(|line| !(line.starts_with("src/markdown.rs") && line.contains("maud::")))
        .collect();
    assert!(
        found.is_empty(),
        "HTTP or HTML outside web/ and views/:\n{}",
        found.join("\n")
    );
    let found: Vec<String> = offenders("axum", &[])
        .into_iter()
        .filter(|line| line.starts_with("src/views/"))
        .collect();
    assert!(
        found.is_empty(),
        "views know requests:\n{}",
        found.join("\n")
    );
}

/// A page's content owns the ids that start with `h-` (markdown.rs, `ID_PREFIX`); the interface
/// keeps out of them, so that no heading or raw HTML can take an element's place.
#[test]
fn the_interface_keeps_out_of_the_contents_ids() {
    let mut found = Vec::new();
    for file in sources(&root().join("src/views")) {
        let text = std::fs::read_to_string(&file).expect("reading a view");
        for (n, line) in text.lines().enumerate() {
            if line.contains(" #h-") || line.contains("id=\"h-") {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "interface ids in the content's space:\n{}",
        found.join("\n")
    );
}

#[test]
fn only_the_renderer_emits_unescaped_html() {
    let found = offenders("PreEscaped", &["src/markdown.rs"]);
    assert!(
        found.is_empty(),
        "PreEscaped outside the renderer:\n{}",
        found.join("\n")
    );
}

#[test]
fn only_the_form_reader_checks_csrf_tokens() {
    // Defined by the sessions, lent by the caller's context (its cookie), called by the form
    // reader: nowhere else.
    let found: Vec<String> = offenders(
        "csrf_valid(",
        &[
            "src/web/form.rs",
            "src/web/session.rs",
            "src/web/context.rs",
        ],
    );
    assert!(
        found.is_empty(),
        "a CSRF check outside web/form.rs:\n{}",
        found.join("\n")
    );
    let found = offenders("serde_urlencoded", &["src/web/form.rs"]);
    assert!(
        found.is_empty(),
        "a form read outside web/form.rs:\n{}",
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
fn the_reader_of_the_rules_is_itself_checked() {
    let blanked = blank(
        "use crate::a; // crate::b\nlet s = \"crate::c\"; let c = '{';\n#[cfg(test)]\nmod tests {\n    use crate::d;\n    fn f() { if x { } }\n}\nuse crate::e;\n",
    );
    let named: Vec<String> = blanked.lines().flat_map(named_modules).collect();
    assert_eq!(named, ["a", "e"], "{blanked}");
}
