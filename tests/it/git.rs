//! git over HTTP: the real `git` client (private HOME, no user configuration, no prompts)
//! clones and pushes against the real server; who may do what is the same policy as the web's,
//! and every refused push names its reason in `remote:` lines and changes nothing.

use std::path::Path;
use std::process::Command;

use crate::harness::{Farm, GitClient, PASSWORD, Server, Wiki};

/// A wiki `w` of `coop` (members), a public `pub` and a private `priv` of `coop`, and a private
/// `other` of another organisation. `eve` edits coop's wikis, `rita` reads them, `olga` belongs
/// to the other organisation.
fn farm() -> Farm {
    Farm::new()
        .person("eve")
        .person("rita")
        .person("olga")
        .organisation("coop", "La Coop", &[("eve", "editor"), ("rita", "reader")])
        .organisation("autre", "Autre", &[("olga", "admin")])
        .wiki(
            Wiki::new("w", "coop", "members")
                .page("Home", "# Accueil\n\nBienvenue.\n")
                .page("Guides/Un", "# Un\n"),
        )
        .wiki(Wiki::new("pub", "coop", "public").page("Home", "# Public\n\nmarker-pub\n"))
        .wiki(Wiki::new("priv", "coop", "private").page("Home", "# Privé\n"))
        .wiki(Wiki::new("other", "autre", "private").page("Home", "# Autre\n"))
}

/// Writes a file of a clone, making its folders.
pub(crate) fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("folder");
    std::fs::write(path, text).expect("writing a file");
}

fn head(server: &Server, slug: &str) -> String {
    server.dir().git_in(slug, &["rev-parse", "HEAD"])
}

#[tokio::test]
async fn a_visitor_clones_a_public_wiki_with_every_protocol_and_depth() {
    let server = farm().start();
    let git = server.git_client();
    let plain = git.clone("pub", None, "plain");
    assert_eq!(
        std::fs::read_to_string(plain.join("Home.md")).expect("cloned"),
        "# Public\n\nmarker-pub\n"
    );
    for (folder, options) in [
        ("v0", vec!["-c", "protocol.version=0"]),
        ("v2", vec!["-c", "protocol.version=2"]),
        ("shallow", vec!["--depth", "1"]),
        ("partial", vec!["--filter=blob:none"]),
    ] {
        let url = git.url("pub", None);
        let mut args = vec!["clone", "--quiet"];
        args.extend(options.iter().copied());
        args.extend([url.as_str(), folder]);
        // `-c` options go before the subcommand.
        let args: Vec<&str> = if options[0] == "-c" {
            let mut reordered = options.clone();
            reordered.extend(["clone", "--quiet", url.as_str(), folder]);
            reordered
        } else {
            args
        };
        git.ok(&git.home, &args);
        assert!(git.home.join(folder).join("Home.md").exists(), "{folder}");
    }
    // The page index says how to clone.
    let index = server.browser().get("/pub/_pages").await.expect(200);
    assert!(
        index
            .text
            .contains(&format!("value=\"git clone {}/pub.git\"", server.base())),
        "{}",
        index.text
    );
}

/// The answer to a git request, as a client without credentials gets it.
async fn answer(server: &Server, path: &str) -> (u16, Option<String>, String) {
    let reply = server.browser().get(path).await;
    (
        reply.status,
        reply.header("www-authenticate").map(str::to_owned),
        reply.text,
    )
}

#[tokio::test]
async fn private_and_missing_wikis_answer_alike_and_outsiders_get_not_found() {
    let server = farm().start();
    let refs = "/info/refs?service=git-upload-pack";
    // A visitor: the same challenge for a private wiki, a members wiki and a wiki that does not
    // exist.
    let private = answer(&server, &format!("/priv.git{refs}")).await;
    assert_eq!(private.0, 401);
    assert!(
        private
            .1
            .as_deref()
            .is_some_and(|h| h.starts_with("Basic "))
    );
    for other in ["w", "nosuch"] {
        assert_eq!(
            answer(&server, &format!("/{other}.git{refs}")).await,
            private,
            "{other}"
        );
    }
    // Someone of another organisation: a private wiki answers like a missing one.
    let git = server.git_client();
    let refused = git.fails(
        &git.home,
        &["clone", &git.url("priv", Some(("olga", PASSWORD))), "x"],
    );
    let missing = git.fails(
        &git.home,
        &["clone", &git.url("nosuch", Some(("olga", PASSWORD))), "x"],
    );
    assert!(refused.contains("not found"), "{refused}");
    assert_eq!(
        refused.replace("priv.git", "SLUG"),
        missing.replace("nosuch.git", "SLUG")
    );
    // A members wiki is readable by anyone on the roster, with a password.
    git.clone("w", Some(("olga", PASSWORD)), "members");
    // A wrong password is a new challenge, and the log says so.
    let wrong = git.fails(
        &git.home,
        &["clone", &git.url("w", Some(("eve", "wrong"))), "z"],
    );
    assert!(wrong.contains("Authentication failed"), "{wrong}");
    server.wait_for_log("git sign-in refused", crate::harness::PATIENCE);
}

#[tokio::test]
async fn an_editor_pushes_and_the_web_shows_it_at_once() {
    let server = farm().start();
    let git = server.git_client();
    let work = git.clone("w", Some(("eve", PASSWORD)), "work");
    write(
        &work,
        "Réunions/Compte rendu.md",
        "# Compte rendu\n\nVoir [[Ordre du jour]].\n",
    );
    git.ok(&work, &["add", "-A"]);
    git.ok(
        &work,
        &["commit", "--quiet", "-m", "Compte rendu de la réunion"],
    );
    let pushed = git.ok(&work, &["push", "--quiet", "origin", "HEAD"]);
    // The push lists the pages it changed and warns about a link to a missing page.
    assert!(
        pushed.contains("remote: konbit:   /w/R%C3%A9unions/Compte%20rendu"),
        "{pushed}"
    );
    assert!(
        pushed.contains("Réunions/Compte rendu → Ordre du jour"),
        "{pushed}"
    );
    // The moment the push returns, the page is on the web and in recent changes, by its author.
    let mut eve = server.browser();
    eve.sign_in("eve", PASSWORD).await;
    let page = eve.get("/w/R%C3%A9unions/Compte%20rendu").await.expect(200);
    assert!(page.text.contains("Voir"), "{}", page.text);
    let recent = eve.get("/w/_recent").await.expect(200);
    assert!(
        recent.text.contains("Compte rendu de la réunion"),
        "{}",
        recent.text
    );
    assert!(
        recent.text.contains("Eve Poussée"),
        "the commit keeps its author"
    );
    let log = server.dir().git_in("w", &["log", "-1", "--format=%an|%s"]);
    assert_eq!(log, "Eve Poussée|Compte rendu de la réunion");
}

#[tokio::test]
async fn a_reader_may_clone_but_not_push() {
    let server = farm().start();
    let git = server.git_client();
    let work = git.clone("w", Some(("rita", PASSWORD)), "work");
    let before = head(&server, "w");
    write(&work, "Lecture.md", "# Lecture\n");
    git.ok(&work, &["add", "-A"]);
    git.ok(&work, &["commit", "--quiet", "-m", "essai"]);
    let refused = git.fails(&work, &["push", "origin", "HEAD"]);
    assert!(refused.contains("403"), "{refused}");
    assert_eq!(head(&server, "w"), before, "nothing changed");
}

#[tokio::test]
async fn personal_tokens_clone_and_push_until_revoked() {
    let server = farm().start();
    let mut eve = server.browser();
    eve.sign_in("eve", PASSWORD).await;
    let account = eve.get("/account").await.expect(200);
    let created = eve
        .post_form(
            "/account/tokens",
            &[("csrf", &account.csrf()), ("name", "portable")],
        )
        .await
        .expect(200);
    let start = created.text.find("konbit_").expect("the token is shown");
    let token: String = created.text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    // Shown once: the account page lists its name, never the token again.
    let listed = eve.get("/account").await.expect(200);
    assert!(
        listed
            .text
            .contains("<td class=\"token-name\">portable</td>"),
        "{}",
        listed.text
    );
    assert!(!listed.text.contains(&token));
    let stored = std::fs::read_to_string(server.dir().data_dir().join("tokens.toml"))
        .expect("tokens are kept in the data folder");
    assert!(!stored.contains(&token), "only a hash is stored");

    let git = server.git_client();
    let work = git.clone("w", Some(("eve", &token)), "work");
    write(&work, "Par jeton.md", "# Par jeton\n");
    git.ok(&work, &["add", "-A"]);
    git.ok(&work, &["commit", "--quiet", "-m", "par jeton"]);
    git.ok(&work, &["push", "--quiet", "origin", "HEAD"]);
    assert!(
        server
            .dir()
            .git_in("w", &["ls-tree", "--name-only", "HEAD"])
            .contains("Par jeton.md")
    );

    // Revoked: the next request is refused.
    let listed = eve.get("/account").await.expect(200);
    let id = listed.field("id");
    eve.post_form(
        "/account/tokens/revoke",
        &[("csrf", &listed.csrf()), ("id", &id)],
    )
    .await
    .expect(303);
    write(&work, "Après.md", "# Après\n");
    git.ok(&work, &["add", "-A"]);
    git.ok(&work, &["commit", "--quiet", "-m", "après révocation"]);
    let refused = git.fails(&work, &["push", "origin", "HEAD"]);
    assert!(refused.contains("Authentication failed"), "{refused}");
    let after = eve.get("/account").await.expect(200);
    assert!(
        !after.text.contains("token-name\">portable"),
        "{}",
        after.text
    );
}

/// Commits `files` in a fresh clone of `w` by eve, pushes, and returns git's standard error.
fn refused_push(
    server: &Server,
    git: &GitClient,
    folder: &str,
    prepare: impl FnOnce(&Path),
) -> String {
    let work = git.clone("w", Some(("eve", PASSWORD)), folder);
    prepare(&work);
    git.ok(
        &work,
        &[
            "commit",
            "--quiet",
            "--allow-empty",
            "-m",
            &format!("commit {folder}"),
        ],
    );
    let before = head(server, "w");
    let refused = git.fails(&work, &["push", "origin", "HEAD:main"]);
    assert_eq!(
        head(server, "w"),
        before,
        "{folder}: the branch did not move"
    );
    refused
}

#[tokio::test]
async fn every_rule_refuses_a_push_with_its_reason_and_changes_nothing() {
    let server = Farm::new()
        .person("eve")
        .organisation("coop", "La Coop", &[("eve", "editor")])
        .wiki(
            Wiki::new("w", "coop", "members")
                .page("Home", "# Accueil\n")
                .page("Guides/Un", "# Un\n"),
        )
        .start();
    let git = server.git_client();
    // (case, the file it adds, what the refusal must say)
    let cases: [(&str, &str, Vec<u8>, &str); 6] = [
        ("reserved", "_brouillon.md", b"x".to_vec(), "_brouillon.md"),
        ("case", "home.md", b"x".to_vec(), "home"),
        ("nfd", "Cafe\u{301}.md", b"x".to_vec(), "NFC"),
        ("binary page", "Binaire.md", vec![0xff, 0xfe, 0x00], "UTF-8"),
        ("big page", "Grande.md", vec![b'a'; 1025 * 1024], "1024 Kio"),
        ("control", "a\u{1}b.txt", b"x".to_vec(), "contrôle"),
    ];
    for (name, file, bytes, expected) in cases {
        let folder = name.replace(' ', "-");
        let refused = refused_push(&server, &git, &folder, move |work| {
            std::fs::write(work.join(file), bytes).expect("write");
            git_add(work);
        });
        assert!(
            refused.contains("remote: konbit: poussée refusée"),
            "{name}: {refused}"
        );
        assert!(
            refused.contains(expected),
            "{name}: expected {expected:?} in:\n{refused}"
        );
        assert!(
            refused.contains(&format!("commit {folder}")),
            "{name} names the commit: {refused}"
        );
    }

    // A symbolic link and a submodule are not files.
    let refused = refused_push(&server, &git, "symlink", |work| {
        std::os::unix::fs::symlink("Home.md", work.join("Lien.md")).expect("symlink");
        git_add(work);
    });
    assert!(refused.contains("lien symbolique"), "{refused}");
    let refused = refused_push(&server, &git, "submodule", |work| {
        let id = "0123456789012345678901234567890123456789";
        let status = Command::new("git")
            .args([
                "update-index",
                "--add",
                "--cacheinfo",
                &format!("160000,{id},module"),
            ])
            .current_dir(work)
            .status()
            .expect("git update-index");
        assert!(status.success());
    });
    assert!(refused.contains("sous-module"), "{refused}");

    // Another branch, a deletion, a rewrite of history.
    let work = git.clone("w", Some(("eve", PASSWORD)), "refs");
    let refused = git.fails(&work, &["push", "origin", "HEAD:refs/heads/autre"]);
    assert!(refused.contains("seule la branche « main »"), "{refused}");
    let refused = git.fails(&work, &["push", "origin", ":main"]);
    assert!(refused.contains("main"), "{refused}");
    git.ok(&work, &["commit", "--quiet", "--amend", "-m", "réécrit"]);
    let refused = git.fails(&work, &["push", "--force", "origin", "HEAD:main"]);
    assert!(
        refused.contains("non-fast-forward") || refused.contains("git pull --rebase"),
        "{refused}"
    );
    let branches = server
        .dir()
        .git_in("w", &["branch", "--format=%(refname:short)"]);
    assert_eq!(branches, "main");

    // After all that, a good push still works.
    let work = git.clone("w", Some(("eve", PASSWORD)), "good");
    write(&work, "Bonne page.md", "# Bonne page\n");
    git.ok(&work, &["add", "-A"]);
    git.ok(&work, &["commit", "--quiet", "-m", "bonne"]);
    git.ok(&work, &["push", "--quiet", "origin", "HEAD"]);
    let fsck = server.dir().git_in("w", &["fsck", "--full"]);
    assert!(!fsck.contains("error"), "{fsck}");
}

#[tokio::test]
async fn only_the_smart_endpoints_exist() {
    let server = farm().start();
    for path in [
        "/pub.git/HEAD",
        "/pub.git/config",
        "/pub.git/objects/info/packs",
        "/pub.git/objects/info/alternates",
        "/pub.git/hooks/pre-receive",
        "/pub.git/info/refs",
        "/pub.git/info/refs?service=git-upload-archive",
        "/pub.git/../priv.git/info/refs?service=git-upload-pack",
        "/pub.git/%2E%2E/priv.git/info/refs?service=git-upload-pack",
        "/pub.git\\..\\priv.git/info/refs?service=git-upload-pack",
        "/pub.git/info%2Frefs?service=git-upload-pack",
        "/PUB.git/info/refs?service=git-upload-pack",
    ] {
        let reply = server.raw_get(path);
        assert!(
            reply.status == 400 || reply.status == 404 || reply.status == 401,
            "{path}: {} {}",
            reply.status,
            reply.text
        );
        assert!(
            !reply.text.contains("ref: refs/heads"),
            "{path} served a file"
        );
        assert!(!reply.text.contains("[core]"), "{path} served a file");
    }
}

#[tokio::test]
async fn a_broken_push_changes_nothing_and_leaves_nothing_behind() {
    let server = farm().start();
    let before = head(&server, "w");
    let client = reqwest::Client::new();
    let url = format!("{}/w.git/git-receive-pack", server.base());
    let zero = "0".repeat(40);
    let command = format!(
        "{before} {} refs/heads/main\0report-status\n",
        "1".repeat(40)
    );
    let line = format!("{:04x}{command}", command.len() + 4);
    for body in [
        Vec::new(),
        b"garbage, not a pack".to_vec(),
        format!("{line}0000PACK\0\0\0\x02\0\0\0\x05truncated").into_bytes(),
        format!("{:04x}{zero} {zero} refs/heads/main\n0000", 4 + 83).into_bytes(),
    ] {
        let reply = client
            .post(&url)
            .basic_auth("eve", Some(PASSWORD))
            .header("content-type", "application/x-git-receive-pack-request")
            .body(body)
            .send()
            .await
            .expect("an answer");
        let _ = reply.bytes().await;
        assert_eq!(head(&server, "w"), before, "nothing changed");
    }
    let objects = server.dir().repo("w").join("objects");
    let leftovers: Vec<String> = std::fs::read_dir(&objects)
        .expect("objects")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("incoming") || name.starts_with("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // And the next push works.
    let git = server.git_client();
    let work = git.clone("w", Some(("eve", PASSWORD)), "after");
    write(&work, "Après.md", "# Après\n");
    git.ok(&work, &["add", "-A"]);
    git.ok(&work, &["commit", "--quiet", "-m", "après"]);
    git.ok(&work, &["push", "--quiet", "origin", "HEAD"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_push_racing_sixteen_browser_saves_loses_nothing() {
    let server = farm().start();
    let git = server.git_client();
    let work = git.clone("w", Some(("eve", PASSWORD)), "race");
    for i in 0..20 {
        write(
            &work,
            &format!("Poussées/Page {i}.md"),
            &format!("# Page {i}\n"),
        );
    }
    git.ok(&work, &["add", "-A"]);
    git.ok(&work, &["commit", "--quiet", "-m", "vingt pages poussées"]);

    // Sixteen saves of new pages from the browser while the push runs.
    let mut saves = Vec::new();
    for i in 0..16 {
        let mut browser = server.browser();
        browser.sign_in("eve", PASSWORD).await;
        saves.push(tokio::spawn(async move {
            let url = format!("/w/_edit/Navigateur%20{i}");
            let form = browser.get(&url).await.expect(200);
            let reply = browser
                .post_form(
                    &url,
                    &[
                        ("csrf", &form.csrf()),
                        ("base", &form.field("base")),
                        ("text", &format!("# Navigateur {i}\n")),
                        ("message", &format!("navigateur {i}")),
                        ("action", "save"),
                    ],
                )
                .await;
            (i, reply.status)
        }));
    }
    let push = git.run(&work, &["push", "origin", "HEAD:main"]);
    let mut accepted = Vec::new();
    for save in saves {
        let (i, status) = save.await.expect("a save");
        assert!(status == 303, "save {i} answered {status}");
        accepted.push(i);
    }
    let log = server.dir().git_in("w", &["log", "--format=%s"]);
    for i in accepted {
        assert!(
            log.contains(&format!("navigateur {i}")),
            "save {i} is in the history"
        );
    }
    if push.status.success() {
        assert!(
            log.contains("vingt pages poussées"),
            "the pushed commit is in the history"
        );
    } else {
        // Refused as not a fast-forward: the person fetches and pushes again, nothing is lost.
        let stderr = String::from_utf8_lossy(&push.stderr);
        assert!(
            stderr.contains("fetch first")
                || stderr.contains("non-fast-forward")
                || stderr.contains("rejected"),
            "{stderr}"
        );
        git.ok(&work, &["pull", "--quiet", "--rebase", "origin", "main"]);
        git.ok(&work, &["push", "--quiet", "origin", "HEAD:main"]);
        let log = server.dir().git_in("w", &["log", "--format=%s"]);
        assert!(log.contains("vingt pages poussées"));
    }
    let tree = server.dir().git_in(
        "w",
        &[
            "-c",
            "core.quotePath=false",
            "ls-tree",
            "-r",
            "--name-only",
            "HEAD",
        ],
    );
    assert_eq!(
        tree.lines().filter(|l| l.starts_with("Poussées/")).count(),
        20
    );
    assert_eq!(
        tree.lines().filter(|l| l.starts_with("Navigateur")).count(),
        16
    );
}

#[tokio::test]
async fn a_push_of_a_thousand_pages_is_served_at_once() {
    let server = farm().start();
    let git = server.git_client();
    let work = git.clone("w", Some(("eve", PASSWORD)), "thousand");
    for i in 0..1000 {
        write(
            &work,
            &format!("Inventaire/Objet {i:04}.md"),
            &format!(
                "# Objet {i}\n\nVoir [[Inventaire/Objet {:04}]].\n",
                (i + 1) % 1000
            ),
        );
    }
    git.ok(&work, &["add", "-A"]);
    git.ok(&work, &["commit", "--quiet", "-m", "mille pages"]);
    let pushed = git.ok(&work, &["push", "origin", "HEAD:main"]);
    assert!(
        !pushed.contains("n’existe pas encore"),
        "every link resolves: {pushed}"
    );
    let mut eve = server.browser();
    eve.sign_in("eve", PASSWORD).await;
    let index = eve.get("/w/_pages").await.expect(200);
    assert_eq!(
        index.text.matches("href=\"/w/Inventaire/Objet%20").count(),
        1000
    );
    let last = eve.get("/w/Inventaire/Objet%200999").await.expect(200);
    let link = last.link_with_text("Inventaire/Objet 0000");
    assert_eq!(link.href(), Some("/w/Inventaire/Objet%200000"));
}

#[tokio::test]
async fn a_wiki_at_its_own_host_name_clones_from_that_host() {
    let server = Farm::new()
        .person("eve")
        .organisation("coop", "La Coop", &[("eve", "editor")])
        .wiki(
            Wiki::new("site", "coop", "public")
                .host("wiki.coop.example")
                .page("Home", "# Site\n"),
        )
        .wiki(Wiki::new("autre", "coop", "public").page("Home", "# Autre\n"))
        .start();
    let git = server.git_client();
    let url = git.url("site", None);
    git.ok(
        &git.home,
        &[
            "-c",
            "http.extraHeader=Host: wiki.coop.example",
            "clone",
            "--quiet",
            &url,
            "site",
        ],
    );
    assert!(git.home.join("site/Home.md").exists());
    // That host serves its own wiki's repository only.
    let other = git.url("autre", None);
    git.fails(
        &git.home,
        &[
            "-c",
            "http.extraHeader=Host: wiki.coop.example",
            "clone",
            &other,
            "autre",
        ],
    );
}

/// `git add -A` in a working copy, inside preparations that do not hold the client.
fn git_add(work: &Path) {
    let status = Command::new("git")
        .args(["add", "-A"])
        .current_dir(work)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git add");
    assert!(status.success());
}

#[tokio::test]
async fn a_push_cut_off_or_inflating_past_the_limit_changes_nothing() {
    use std::io::{Read, Write};
    let server = farm().start();
    let before = head(&server, "w");
    let address = server.base().trim_start_matches("http://").to_owned();
    let auth = eve_auth();
    // A client that announces 8 MiB, sends a little, and goes away.
    let mut stream = push_announcing_8_mib(&server);
    stream.write_all(&[b'0'; 65536]).expect("send");
    drop(stream);
    // A gzip body that inflates far beyond anything a push may hold (a few KiB of zeros that
    // become gigabytes would do; a modest one proves the path): it is not a pack either way.
    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    let bomb = gzip_of_zeros(64 << 20);
    let head_lines = format!(
        "POST /w.git/git-receive-pack HTTP/1.1\r\nHost: {address}\r\nAuthorization: {auth}\r\n\
         Content-Type: application/x-git-receive-pack-request\r\nContent-Encoding: gzip\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        bomb.len()
    );
    stream.write_all(head_lines.as_bytes()).expect("send");
    stream.write_all(&bomb).expect("send");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert!(!answer.is_empty(), "an answer comes back");

    assert_eq!(head(&server, "w"), before, "nothing changed");
    // git's receive-pack may still be winding down the cut-off push: wait for its leftovers to go.
    let objects = server.dir().repo("w").join("objects");
    let leftovers = || -> Vec<String> {
        std::fs::read_dir(&objects)
            .expect("objects")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("incoming") || name.starts_with("tmp"))
            .collect()
    };
    let deadline = std::time::Instant::now() + crate::harness::PATIENCE;
    while !leftovers().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(leftovers().is_empty(), "{:?}", leftovers());
    // Nor is any git process left behind by the push cut off (one would spin for ever).
    let deadline = std::time::Instant::now() + crate::harness::PATIENCE;
    while !git_processes_of(server.dir()).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(git_processes_of(server.dir()), Vec::<u32>::new());
    let git = server.git_client();
    let work = git.clone("w", Some(("eve", PASSWORD)), "after");
    write(&work, "Ensuite.md", "# Ensuite\n");
    git.ok(&work, &["add", "-A"]);
    git.ok(&work, &["commit", "--quiet", "-m", "ensuite"]);
    git.ok(&work, &["push", "--quiet", "origin", "HEAD"]);
}

#[tokio::test]
async fn a_push_whose_body_stops_coming_is_ended_and_leaves_nothing_behind() {
    use std::io::Read;
    let server = farm().write().start_with(&["--git-body-timeout", "2"]);
    let before = head(&server, "w");
    // A client that announces a push, starts its pack, and then says nothing, its connection
    // open: git waits for the rest of the pack.
    let mut stream = push_that_stalls(&server, &before);
    server.wait_for_log("stopped coming", crate::harness::PATIENCE);
    // Its git process ends while the client still holds the connection.
    let deadline = std::time::Instant::now() + crate::harness::PATIENCE;
    while !git_processes_of(server.dir()).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(git_processes_of(server.dir()), Vec::<u32>::new());
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .expect("a read timeout");
    let _ = stream.read_to_end(&mut Vec::new());
    drop(stream);
    assert_eq!(head(&server, "w"), before, "nothing changed");
}

#[tokio::test]
async fn beyond_the_bound_on_git_exchanges_a_newcomer_is_asked_to_retry() {
    let server = farm().write().start_with(&["--max-git-exchanges", "1"]);
    let before = head(&server, "w");
    // One push under way, its pack not all sent yet, holds the only place.
    let stream = push_that_stalls(&server, &before);
    let deadline = std::time::Instant::now() + crate::harness::PATIENCE;
    while git_processes_of(server.dir()).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let git = server.git_client();
    let url = git.url("pub", None);
    let refused = git.fails(&git.home, &["clone", "--quiet", &url, "refused"]);
    assert!(refused.contains("503"), "{refused}");
    // Once it ends, clones are served again (as soon as its git processes are gone).
    drop(stream);
    let deadline = std::time::Instant::now() + crate::harness::PATIENCE;
    let target = git.home.join("served");
    loop {
        let output = git.run(&git.home, &["clone", "--quiet", &url, "served"]);
        if output.status.success() {
            break;
        }
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(
            said.contains("503") && std::time::Instant::now() < deadline,
            "{said}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(target.join("Home.md").exists());
}

#[tokio::test]
async fn what_a_killed_git_left_in_a_repository_is_cleared_at_start() {
    let dir = farm().write();
    // The repositories are made at the first start.
    dir.start().stop();
    let repo = dir.repo("w");
    std::fs::create_dir_all(repo.join("refs").join("heads")).expect("refs/heads");
    // A branch lock and a push's quarantine, left an hour ago by a git process killed mid-way;
    // the lock alone would refuse every save and push.
    let lock = repo.join("refs").join("heads").join("main.lock");
    std::fs::write(&lock, "0123456789012345678901234567890123456789\n").expect("a lock");
    let incoming = repo.join("objects").join("incoming-Xy12Zw");
    std::fs::create_dir_all(incoming.join("pack")).expect("a quarantine");
    std::fs::write(incoming.join("pack").join("tmp_pack_a1b2c3"), b"PACK").expect("a pack");
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for path in [&lock, &incoming] {
        std::fs::File::open(path)
            .and_then(|file| file.set_modified(an_hour_ago))
            .expect("dated an hour ago");
    }
    let server = dir.start();
    assert!(!lock.exists(), "the stale lock is gone");
    assert!(!incoming.exists(), "the quarantine is gone");
    server.wait_for_log(
        "removed what an interrupted git process left behind",
        crate::harness::PATIENCE,
    );
    let mut eve = server.signed_in("eve").await;
    eve.save_page("w", "Après", "# Après\n").await.expect(303);
}

/// Eve's credentials, as a client sends them.
fn eve_auth() -> String {
    format!(
        "Basic {}",
        base64_encode(format!("eve:{PASSWORD}").as_bytes())
    )
}

/// A connection on which Eve's push announcing an 8 MiB body has sent its head only.
fn push_announcing_8_mib(server: &Server) -> std::net::TcpStream {
    use std::io::Write;
    let address = server.base().trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    let head_lines = format!(
        "POST /w.git/git-receive-pack HTTP/1.1\r\nHost: {address}\r\nAuthorization: {}\r\n\
         Content-Type: application/x-git-receive-pack-request\r\nContent-Length: 8388608\r\n\r\n",
        eve_auth()
    );
    stream.write_all(head_lines.as_bytes()).expect("send");
    stream
}

/// A push of Eve's that updates `main` from `head`, whose pack has begun and then stalls: git
/// waits for the rest.
fn push_that_stalls(server: &Server, head: &str) -> std::net::TcpStream {
    use std::io::Write;
    let mut stream = push_announcing_8_mib(server);
    let command = format!("{head} {} refs/heads/main\0report-status\n", "1".repeat(40));
    let mut body = format!("{:04x}{command}0000", command.len() + 4).into_bytes();
    body.extend_from_slice(b"PACK");
    body.extend_from_slice(&2u32.to_be_bytes());
    body.extend_from_slice(&1u32.to_be_bytes());
    stream.write_all(&body).expect("send");
    stream
}

/// The git processes still serving this farm's repositories, found by their environment in
/// `/proc` (Linux).
fn git_processes_of(dir: &crate::harness::FarmDir) -> Vec<u32> {
    let root = dir.config_dir();
    let root = format!(
        "GIT_PROJECT_ROOT={}/",
        root.parent().unwrap_or(&root).display()
    );
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    processes
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|environ| {
                environ
                    .split(|b| *b == 0)
                    .any(|var| String::from_utf8_lossy(var).starts_with(&root))
            })
        })
        .collect()
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A gzip stream of `n` zero bytes, made with the system's gzip.
fn gzip_of_zeros(n: usize) -> Vec<u8> {
    use std::io::Write;
    let mut child = Command::new("gzip")
        .arg("-c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gzip");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..n >> 20 {
            stdin.write_all(&zeros).expect("write");
        }
    });
    let output = child.wait_with_output().expect("gzip output");
    writer.join().expect("writer");
    output.stdout
}
