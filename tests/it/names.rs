//! Names git reads as its own (`.git` as HFS+ and NTFS see it, git's own files, their short
//! names) and names that display as something else (invisible format characters): refused with
//! the reason, in the person's language, by every way a name enters a wiki (the editor's
//! address, a rename, an upload, a push), and never committed, so that the real `git fsck
//! --full` stays clean.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::harness::{
    Browser, Farm, GitClient, PASSWORD, Server, Wiki, encode_page, unescape_html, wiki_url,
};

fn farm() -> Farm {
    Farm::new()
        .person("eve")
        .organisation("coop", "La Coop", &[("eve", "editor")])
        .wiki(
            Wiki::new("w", "coop", "public")
                .page("Home", "# Accueil\n")
                .page("Guides/Un", "# Un\n"),
        )
}

/// Why a name is refused, as the person reads it: (French, English).
#[derive(Clone, Copy, Debug)]
enum Why {
    GitFolder,
    GitFile,
    Invisible,
    Colon,
}

impl Why {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Why::GitFolder => (
                "git lit ce nom comme son propre dossier « .git »",
                "git reads this name as its own '.git' folder",
            ),
            Why::GitFile => (
                "c’est le nom d’un fichier de git lui-même",
                "this is the name of one of git's own files",
            ),
            Why::Invisible => (
                "un nom ne peut pas contenir de caractère invisible de mise en forme",
                "a name may not contain invisible format characters",
            ),
            Why::Colon => (
                "un nom ne peut pas contenir « : »",
                "a name may not contain ':'",
            ),
        }
    }
}

/// Each hostile name and why it is refused.
const NAMES: [(&str, Why); 16] = [
    // HFS+ ignores U+200C, so git on a Mac opens `.git/config`.
    (".g\u{200c}it/config", Why::GitFolder),
    ("\u{feff}.GIT/hooks/pre-commit", Why::GitFolder),
    // Not ignored by HFS+, but invisible all the same.
    ("\u{200b}.git/x", Why::Invisible),
    // NTFS drops trailing dots and spaces, reads streams, and has short names.
    (".git./config", Why::GitFolder),
    (".git /config", Why::GitFolder),
    ("GIT~1/config", Why::GitFolder),
    ("git~1", Why::GitFolder),
    (".git::$INDEX_ALLOCATION/x", Why::GitFolder),
    // git's own files, wherever they are.
    (".gitmodules", Why::GitFile),
    (".GitAttributes", Why::GitFile),
    ("a/.gitmodules", Why::GitFile),
    ("Guides/.gitignore", Why::GitFile),
    ("GITMOD~1", Why::GitFile),
    // A name that displays as another: U+202E then "txt.exe" shows as "exe.txt".
    ("\u{202e}txt.exe", Why::Invisible),
    ("Notes/\u{2067}Accueil", Why::Invisible),
    ("a:b", Why::Colon),
];

/// A `.gitmodules` as an attack brings it: a submodule name leaving the repository and a URL
/// git would take for an option.
const HOSTILE_GITMODULES: &[u8] =
    b"[submodule \"../../../hooks\"]\n\tpath = x\n\turl = --upload-pack=touch${IFS}pwned\n";

fn head(server: &Server) -> String {
    server.dir().git_in("w", &["rev-parse", "HEAD"])
}

/// `git fsck --full` on the wiki's repository: it succeeds and warns of nothing.
#[track_caller]
fn assert_fsck_clean(server: &Server) {
    let repo = server.dir().repo("w");
    let output = Command::new("git")
        .arg("--git-dir")
        .arg(&repo)
        .args(["fsck", "--full", "--no-progress"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", server.dir().path())
        .stdin(Stdio::null())
        .output()
        .expect("running git fsck");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "git fsck --full failed:\n{said}");
    for word in ["hasDotgit", "warning", "error", "gitmodules"] {
        assert!(!said.contains(word), "git fsck --full says {word}:\n{said}");
    }
}

/// The answer is a 400 that gives the reason in the person's words.
#[track_caller]
fn assert_refused(surface: &str, name: &str, status: u16, text: &str, reason: &str) {
    assert_eq!(status, 400, "{surface} of {name:?}:\n{text}");
    assert!(
        unescape_html(text).contains(reason),
        "{surface} of {name:?} does not say {reason:?}:\n{text}"
    );
}

/// Tries `name` through the editor's address (opening and saving), a rename and an upload
/// (under a typed name, and as the browser's own file name); each must be a 400 with `reason`
/// and commit nothing.
async fn try_every_way(server: &Server, browser: &mut Browser, name: &str, reason: &str) {
    let before = head(server);

    let editor = browser.get(&wiki_url("w", "_edit/", name)).await;
    assert_refused("the editor", name, editor.status, &editor.text, reason);
    let csrf = browser.csrf().await;
    let saved = browser
        .post_form(
            &wiki_url("w", "_edit/", name),
            &[
                ("csrf", &csrf),
                ("base", &before),
                ("text", "# Texte gardé\n"),
                ("message", ""),
                ("action", "save"),
            ],
        )
        .await;
    assert_refused("a save", name, saved.status, &saved.text, reason);
    assert!(saved.text.contains("Texte gardé"), "the text comes back");

    let renamed = browser.rename_page("w", "Guides/Un", name, true, "").await;
    assert_refused("a rename", name, renamed.status, &renamed.text, reason);

    let uploaded = browser
        .upload("w", name, "fichier.txt", HOSTILE_GITMODULES)
        .await;
    assert_refused("an upload", name, uploaded.status, &uploaded.text, reason);
    if !name.contains('/') {
        let uploaded = browser.upload("w", "", name, HOSTILE_GITMODULES).await;
        assert_refused(
            "an upload of a file so named",
            name,
            uploaded.status,
            &uploaded.text,
            reason,
        );
    }

    assert_eq!(head(server), before, "{name:?}: nothing committed");
}

#[tokio::test]
async fn names_git_reads_as_its_own_are_refused_by_every_browser_write() {
    let server = farm().start();
    let mut eve = server.signed_in("eve").await;
    // Some ordinary writes first, so that fsck has a wiki to look at.
    eve.save_page("w", "Guides/Git et moi", "# Git\n")
        .await
        .expect(303);
    eve.upload("w", "images/logo.png", "logo.png", b"png")
        .await
        .expect(303);
    eve.rename_page("w", "Guides/Un", "Guides/Premier", false, "")
        .await
        .expect(303);
    eve.save_page("w", "Guides/Un", "# Un, de nouveau\n")
        .await
        .expect(303);

    for (name, why) in NAMES {
        try_every_way(&server, &mut eve, name, why.words().0).await;
    }

    let files = server
        .dir()
        .git_in("w", &["ls-tree", "-r", "--name-only", "HEAD"]);
    assert_eq!(
        files,
        "Guides/Git et moi.md\nGuides/Premier.md\nGuides/Un.md\nHome.md\nimages/logo.png"
    );
    assert_fsck_clean(&server);
}

#[tokio::test]
async fn the_reason_is_given_in_the_persons_language() {
    let server = farm().start();
    let mut english = server.signed_in("eve").await.with_accept_language("en");
    for (name, why) in [
        (".g\u{200c}it/config", Why::GitFolder),
        ("GIT~1/config", Why::GitFolder),
        (".gitmodules", Why::GitFile),
        ("\u{202e}txt.exe", Why::Invisible),
        ("a:b", Why::Colon),
    ] {
        try_every_way(&server, &mut english, name, why.words().1).await;
    }
    assert_fsck_clean(&server);
}

/// Runs git in `work` and returns its standard output, trimmed.
#[track_caller]
fn plumbing(git: &GitClient, work: &Path, args: &[&str]) -> String {
    let output = git.run(work, args);
    assert!(
        output.status.success(),
        "git {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A commit on top of `origin/main` adding the file `path`, built with git's plumbing with its
/// own protections off, as an attacker's git would build it (git's porcelain refuses some of
/// these names).
fn commit_adding(git: &GitClient, work: &Path, path: &str, bytes: &[u8]) -> String {
    let blob_file = git.home.join("blob");
    std::fs::write(&blob_file, bytes).expect("writing the blob");
    let blob_arg = blob_file.to_str().expect("a UTF-8 temporary path");
    let blob = plumbing(git, work, &["hash-object", "-w", blob_arg]);
    plumbing(git, work, &["read-tree", "origin/main"]);
    plumbing(
        git,
        work,
        &[
            "-c",
            "core.protectNTFS=false",
            "-c",
            "core.protectHFS=false",
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("100644,{blob},{path}"),
        ],
    );
    let tree = plumbing(git, work, &["write-tree"]);
    let message = format!("ajoute {}", encode_page(path));
    plumbing(
        git,
        work,
        &["commit-tree", &tree, "-p", "origin/main", "-m", &message],
    )
}

#[tokio::test]
async fn a_push_carrying_such_a_name_is_refused_with_the_reason() {
    let server = farm().start();
    let git = server.git_client();
    let work = git.clone("w", Some(("eve", PASSWORD)), "work");
    let before = head(&server);

    // Names git's own checks let through: konbit's rule set refuses them, in the wiki's
    // language, in `remote:` lines naming the commit.
    let benign_gitmodules = b"[submodule \"a\"]\n\tpath = a\n\turl = https://example.org/a.git\n";
    let konbit_refuses: [(&str, &[u8], Why, &str); 7] = [
        (
            ".gitattributes",
            b"* filter=evil\n",
            Why::GitFile,
            ".gitattributes",
        ),
        (
            "Guides/.gitignore",
            b"*\n",
            Why::GitFile,
            "Guides/.gitignore",
        ),
        (
            ".gitmodules",
            benign_gitmodules,
            Why::GitFile,
            ".gitmodules",
        ),
        ("GITMOD~1", b"x\n", Why::GitFile, "GITMOD~1"),
        (
            "docs/\u{202e}gpj.exe",
            b"MZ",
            Why::Invisible,
            "docs/<U+202E>gpj.exe",
        ),
        (
            "\u{200b}Notes/Page.md",
            b"# Page\n",
            Why::Invisible,
            "<U+200B>Notes/Page.md",
        ),
        ("images/a:b.png", b"png", Why::Colon, "images/a:b.png"),
    ];
    for (path, bytes, why, shown) in konbit_refuses {
        let commit = commit_adding(&git, &work, path, bytes);
        let refused = git.fails(
            &work,
            &["push", "origin", &format!("{commit}:refs/heads/main")],
        );
        assert!(
            refused.contains("remote: konbit: poussée refusée"),
            "{path:?}: {refused}"
        );
        assert!(
            refused.contains(&format!("« {shown} » : {}", why.words().0)),
            "{path:?}: expected the name and the reason in:\n{refused}"
        );
        assert!(
            refused.contains(&commit[..10]),
            "{path:?}: the commit is named:\n{refused}"
        );
        assert!(
            !refused.contains('\u{202e}') && !refused.contains('\u{200b}'),
            "invisible characters are spelled out: {refused}"
        );
        assert_eq!(head(&server), before, "{path:?}: the branch did not move");
    }

    // Names git's own fsck already refuses stay refused, with git's `remote:` reason.
    for path in [
        ".g\u{200c}it/config",
        "GIT~1/config",
        ".git./hooks/post-checkout",
    ] {
        let commit = commit_adding(&git, &work, path, b"[core]\n\tfsmonitor = evil\n");
        let refused = git.fails(
            &work,
            &["push", "origin", &format!("{commit}:refs/heads/main")],
        );
        assert!(
            refused.contains("remote:") && refused.contains("hasDotgit"),
            "{path:?}: {refused}"
        );
        assert_eq!(head(&server), before, "{path:?}: the branch did not move");
    }

    // A good push after all that still goes through.
    let commit = commit_adding(&git, &work, "images/Git et moi.png", b"png");
    git.ok(
        &work,
        &[
            "push",
            "--quiet",
            "origin",
            &format!("{commit}:refs/heads/main"),
        ],
    );
    assert_eq!(head(&server), commit);
    assert_fsck_clean(&server);
}
