//! The command line and the data folder: `konbit check`, `konbit serve` refusing a malformed
//! configuration, `konbit hash-password`, a broken repository, and repositories never rewritten.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::harness::{Farm, FarmDir, PATIENCE, Wiki, line_of};

fn farm() -> Farm {
    Farm::new()
        .person("alice")
        .organisation("lakou", "Lakou", &[("alice", "admin")])
        .wiki(Wiki::new("lakou", "lakou", "public").page("Home", "lakou-home\n"))
        .wiki(Wiki::new("remix", "lakou", "public").page("Home", "remix-home\n"))
}

/// A farm whose farm.toml has one line changed: (the file written, the line to look for).
fn farm_with(from: &str, to: &str) -> (FarmDir, String) {
    let dir = farm().write();
    let text = dir.read_config("farm.toml");
    assert!(text.contains(from), "{from:?} not in:\n{text}");
    let text = text.replacen(from, to, 1);
    dir.write_config("farm.toml", &text);
    (dir, text)
}

/// `konbit check` and `konbit serve` must both refuse, naming `file:line` and the key.
#[track_caller]
fn assert_refused(dir: &FarmDir, file: &str, line: usize, key: &str) {
    let output = dir.check();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "check accepted it: {stderr}");
    let location = format!("{file}:{line}: {key}");
    assert!(stderr.contains(&location), "{location:?} not in: {stderr}");

    let failure = match dir.try_start() {
        Ok(server) => panic!("the server started anyway; log:\n{}", server.log()),
        Err(failure) => failure,
    };
    assert!(!failure.status.success(), "{failure:?}");
    assert!(
        failure.stderr.contains(&location),
        "{location:?} not in: {}",
        failure.stderr
    );
    // Nothing was created for a configuration that was refused.
    assert!(!dir.data_dir().exists(), "the data folder was created");
}

#[test]
fn check_accepts_a_valid_configuration() {
    let dir = farm().write();
    let output = dir.check();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("2 wikis, 1 people, 1 organisations: valid"),
        "{stdout}"
    );
}

#[test]
fn check_warns_when_feeds_have_no_base_url_and_still_succeeds() {
    let dir = farm().write();
    let output = dir.check();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "a warning is not an error: {stderr}"
    );
    let warning = stderr
        .lines()
        .find(|line| line.starts_with("warning: "))
        .unwrap_or_else(|| panic!("no warning in: {stderr}"));
    assert!(
        warning.contains("farm.toml: farm.base_url: not set"),
        "{warning}"
    );

    let dir = farm().base_url("https://wiki.example.org").write();
    let output = dir.check();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn a_base_url_without_a_host_is_refused() {
    let dir = farm().base_url("https://").write();
    let text = dir.read_config("farm.toml");
    assert_refused(
        &dir,
        "farm.toml",
        line_of(&text, "base_url"),
        "farm.base_url",
    );
}

#[test]
fn an_unknown_key_is_named() {
    let (dir, text) = farm_with(
        "visibility = \"public\"\n",
        "visibility = \"public\"\ncolour = \"red\"\n",
    );
    assert_refused(
        &dir,
        "farm.toml",
        line_of(&text, "colour"),
        "wikis.lakou.colour",
    );
}

#[test]
fn a_bad_visibility_is_named() {
    let (dir, text) = farm_with("visibility = \"public\"", "visibility = \"publique\"");
    assert_refused(
        &dir,
        "farm.toml",
        line_of(&text, "publique"),
        "wikis.lakou.visibility",
    );
}

#[test]
fn a_host_name_that_is_not_one_is_named() {
    // The rule the settings form applies: a host the form would refuse never loads either.
    let (dir, text) = farm_with(
        "visibility = \"public\"",
        "visibility = \"public\"\nhosts = [\"wiki_1.example.org\"]",
    );
    assert_refused(
        &dir,
        "farm.toml",
        line_of(&text, "wiki_1"),
        "wikis.lakou.hosts",
    );
}

#[test]
fn an_owner_missing_from_the_roster_is_named() {
    let (dir, text) = farm_with("owner = \"lakou\"", "owner = \"nobody\"");
    assert_refused(
        &dir,
        "farm.toml",
        line_of(&text, "nobody"),
        "wikis.lakou.owner",
    );
}

#[test]
fn malformed_toml_is_named() {
    let (dir, text) = farm_with("[wikis.remix]", "[wikis.remix");
    assert_refused(
        &dir,
        "farm.toml",
        line_of(&text, "[wikis.remix"),
        "wikis.remix",
    );
}

#[test]
fn a_roster_error_is_named_in_roster_toml() {
    let dir = farm().write();
    let text = dir
        .read_config("roster.toml")
        .replace("alice = \"admin\"", "alice = \"boss\"");
    dir.write_config("roster.toml", &text);
    assert_refused(
        &dir,
        "roster.toml",
        line_of(&text, "\"boss\""),
        "organisations.lakou.members.alice",
    );
}

#[tokio::test]
async fn hash_password_prints_a_hash_the_roster_accepts() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_konbit"))
        .arg("hash-password")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running konbit hash-password");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all("sésame ouvre-toi\n".as_bytes())
        .expect("writing the password");
    let output = child.wait_with_output().expect("konbit hash-password ends");
    assert!(output.status.success(), "{output:?}");
    let hash = String::from_utf8(output.stdout).expect("UTF-8");
    let hash = hash.trim();
    assert!(hash.starts_with("$argon2id$"), "{hash}");

    // The printed hash is one a person can sign in with (the newline is not part of it).
    let server = Farm::new()
        .person_with_hash("zoe", hash)
        .organisation("lakou", "Lakou", &[("zoe", "reader")])
        .wiki(Wiki::new("w", "lakou", "private").page("Home", "private-home\n"))
        .start();
    let mut browser = server.browser();
    browser
        .try_sign_in("zoe", "sésame ouvre-toi\n", "/")
        .await
        .expect(401);
    browser.sign_in("zoe", "sésame ouvre-toi").await;
    browser.get("/w/").await.expect(200);
}

#[test]
fn hash_password_refuses_an_empty_password() {
    let output = Command::new(env!("CARGO_BIN_EXE_konbit"))
        .arg("hash-password")
        .stdin(Stdio::null())
        .output()
        .expect("running konbit hash-password");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "{output:?}");
}

#[tokio::test]
async fn a_broken_repository_leaves_the_other_wikis_served() {
    let dir = farm().write();
    let broken = dir.repo("remix");
    std::fs::create_dir_all(&broken).expect("creating the broken repository");
    std::fs::write(broken.join("HEAD"), "this is not a git repository\n").expect("junk");
    std::fs::write(broken.join("junk"), "junk").expect("junk");

    let server = dir.start();
    let reported = server.wait_for_log("cannot be opened", PATIENCE);
    assert!(reported.contains("remix"), "{reported}");
    let mut browser = server.browser();
    let page = browser.get("/lakou/").await.expect(200);
    assert!(page.text.contains("lakou-home"), "{}", page.text);
    // The broken folder is left as it was, for the farm admin to look at.
    assert_eq!(
        std::fs::read_to_string(broken.join("HEAD")).expect("still there"),
        "this is not a git repository\n"
    );
}

#[tokio::test]
async fn a_broken_repository_answers_503() {
    let dir = farm().write();
    let broken = dir.repo("remix");
    std::fs::create_dir_all(&broken).expect("creating the broken repository");
    std::fs::write(broken.join("HEAD"), "this is not a git repository\n").expect("junk");

    let server = dir.start();
    let mut browser = server.browser();
    let reply = browser.get("/remix/").await.expect(503);
    assert!(reply.text.contains("Wiki indisponible"), "{}", reply.text);
    // No internal detail (paths, git messages) reaches the person.
    assert!(!reply.text.contains(".git"), "{}", reply.text);
    browser.get("/lakou/").await.expect(200);
}

#[tokio::test]
async fn an_existing_repository_is_never_rewritten() {
    let dir = farm().write();
    let repo = dir.repo("lakou");
    let repo_arg = repo.to_str().expect("a UTF-8 temporary path").to_owned();

    let server = dir.start();
    server.browser().get("/lakou/").await.expect(200);
    server.stop();
    let first_head = dir.git(&["--git-dir", &repo_arg, "rev-parse", "HEAD"]);
    assert_eq!(
        dir.git(&["--git-dir", &repo_arg, "rev-list", "--count", "HEAD"]),
        "1"
    );

    // Someone pushes a change with git while the server is down, and the seed changes too.
    dir.git(&["clone", "--quiet", &repo_arg, "work"]);
    std::fs::write(dir.path().join("work/Pushed.md"), "pushed-page\n").expect("writing a page");
    dir.git(&["-C", "work", "add", "Pushed.md"]);
    dir.git(&["-C", "work", "commit", "--quiet", "-m", "Add a page"]);
    dir.git(&["-C", "work", "push", "--quiet", "origin", "HEAD"]);
    let pushed_head = dir.git(&["--git-dir", &repo_arg, "rev-parse", "HEAD"]);
    assert_ne!(pushed_head, first_head);
    std::fs::write(
        dir.config_dir().join("seeds/lakou/Seeded.md"),
        "seeded-later\n",
    )
    .expect("changing the seed");

    let server = dir.start();
    let mut browser = server.browser();
    let page = browser.get("/lakou/Pushed").await.expect(200);
    assert!(page.text.contains("pushed-page"), "{}", page.text);
    browser.get("/lakou/Seeded").await.expect(404);
    server.stop();
    assert_eq!(
        dir.git(&["--git-dir", &repo_arg, "rev-parse", "HEAD"]),
        pushed_head
    );
    assert_eq!(
        dir.git(&["--git-dir", &repo_arg, "rev-list", "--count", "HEAD"]),
        "2"
    );
}

#[tokio::test]
async fn a_new_repository_holds_the_seed_as_its_first_commit() {
    let dir = farm().write();
    let server = dir.start();
    server.wait_for_log("created the wiki's repository", PATIENCE);
    server.stop();
    let repo = dir.repo("remix");
    let repo_arg = repo.to_str().expect("a UTF-8 temporary path");
    assert_eq!(
        dir.git(&[
            "--git-dir",
            repo_arg,
            "ls-tree",
            "-r",
            "--name-only",
            "HEAD"
        ]),
        "Home.md"
    );
    assert_eq!(
        dir.git(&["--git-dir", repo_arg, "show", "HEAD:Home.md"]),
        "remix-home"
    );
    assert_eq!(
        dir.git(&["--git-dir", repo_arg, "rev-parse", "--is-bare-repository"]),
        "true"
    );
}

#[tokio::test]
async fn the_data_option_overrides_the_configs_data_folder_even_after_a_reload() {
    let farm = farm();
    let dir = farm.write();
    let elsewhere = dir.path().join("elsewhere");
    let server = dir.start_with(&["--data", elsewhere.to_str().expect("a UTF-8 path")]);
    server.browser().get("/lakou/").await.expect(200);
    assert!(elsewhere.join("lakou.git").is_dir());
    assert!(
        !dir.data_dir().exists(),
        "the config's data folder was used"
    );

    // A wiki added while running gets its repository in the same folder.
    let changed = farm
        .wiki(Wiki::new("nouveau", "lakou", "public"))
        .farm_toml();
    dir.write_config("farm.toml", &changed);
    server.wait_for_log("configuration reloaded", PATIENCE);
    server.browser().get("/nouveau/").await.expect(200);
    assert!(elsewhere.join("nouveau.git").is_dir());
    assert!(
        !dir.data_dir().exists(),
        "the config's data folder was used"
    );
}

#[test]
fn help_documents_every_command_and_option() {
    let help = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_konbit"))
            .args(args)
            .output()
            .expect("running konbit --help");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).expect("UTF-8")
    };
    let top = help(&["--help"]);
    for command in ["serve", "check", "hash-password"] {
        assert!(top.contains(command), "{command} missing from:\n{top}");
    }
    let serve = help(&["serve", "--help"]);
    for option in ["--config", "--data", "--listen"] {
        assert!(serve.contains(option), "{option} missing from:\n{serve}");
    }
    assert!(help(&["check", "--help"]).contains("--config"));
}

/// The demo farm shipped in `farm-config/`, copied with the themes it names.
fn demo_farm() -> FarmDir {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    FarmDir::copy_of(&[
        (&root.join("farm-config"), "config"),
        (&root.join("themes"), "themes"),
    ])
}

#[tokio::test]
async fn the_shipped_demo_farm_is_valid_and_its_demo_accounts_sign_in() {
    let dir = demo_farm();
    let output = dir.check();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let data = dir.path().join("demo-data");
    let server = dir.start_with(&["--data", data.to_str().expect("a UTF-8 path")]);
    let mut browser = server.browser();
    let home = browser.get("/").await.expect(200);
    let public_wikis = home
        .links()
        .iter()
        .filter(|l| l.class() == Some("wiki-title"))
        .count();
    assert!(
        public_wikis >= 1,
        "no public wiki on the demo farm:\n{}",
        home.text
    );
    // The roster's comment gives the demo passwords as "<login>-demo".
    browser.sign_in("alice", "alice-demo").await;
    let home = browser.get("/").await.expect(200);
    let readable = home
        .links()
        .iter()
        .filter(|l| l.class() == Some("wiki-title"))
        .count();
    assert!(readable > public_wikis, "{}", home.text);
}
