//! git over HTTP against the real server, beside git's own server on the same machine.
//!
//! Builds a wiki of 10,000 pages (with `git fast-import`), serves it with `konbit serve` and with
//! `git daemon` (git's own protocol: no HTTP, no authentication, no checks) on loopback, then
//! times, for each:
//! - `git clone` of the whole wiki;
//! - `git push` of a commit adding 1,000 pages; for konbit, until every one of the 1,000 pages is
//!   served on the web (the push is judged page by page before the branch moves).
//!
//! Run with `cargo bench --bench git`; `KONBIT_BENCH_RUNS` sets the runs of each (default 5).
//! Prints medians and the ratio to git daemon.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Killed, git, ms, report};

const PAGES: usize = 10_000;
const PUSHED: usize = 1_000;

#[track_caller]
fn run(command: &mut Command) {
    let output = command
        .stderr(Stdio::piped())
        .output()
        .expect("running git");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A bare repository of `PAGES` pages in 100 folders, added over 100 commits.
fn build_repository(home: &Path, repo: &Path) {
    run(git(home)
        .args(["init", "--bare", "-q", "-b", "main"])
        .arg(repo));
    let mut import = git(home)
        .arg("--git-dir")
        .arg(repo)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    let mut stream = std::io::BufWriter::new(import.stdin.take().expect("stdin"));
    for folder in 0..100 {
        writeln!(stream, "commit refs/heads/main").expect("write");
        writeln!(
            stream,
            "committer Bench <bench@example.org> {} +0000",
            1_700_000_000 + folder * 60
        )
        .expect("write");
        let message = format!("Folder {folder}");
        writeln!(stream, "data {}\n{message}", message.len()).expect("write");
        for i in 0..PAGES / 100 {
            let page = folder * 100 + i;
            let body = format!(
                "# Page {page}\n\nSome text about topic {page}, linking to [[Folder {}/Page {}]].\n\n\
                 | a | b |\n|---|---|\n| {page} | {} |\n",
                (folder + 1) % 100,
                (page + 100) % PAGES,
                page * 7
            );
            writeln!(stream, "M 100644 inline Folder {folder}/Page {page}.md").expect("write");
            writeln!(stream, "data {}\n{body}", body.len()).expect("write");
        }
        writeln!(stream).expect("write");
    }
    drop(stream);
    assert!(import.wait().expect("fast-import").success());
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// Adds `PUSHED` pages in a new folder of the working copy and commits them.
fn add_pages(home: &Path, work: &Path, run_number: usize) {
    let folder = work.join(format!("Pushed {run_number}"));
    std::fs::create_dir_all(&folder).expect("folder");
    for i in 0..PUSHED {
        std::fs::write(
            folder.join(format!("Item {i}.md")),
            format!("# Item {i}\n\nPushed in run {run_number}.\n"),
        )
        .expect("write a page");
    }
    run(git(home).current_dir(work).args(["add", "-A"]));
    run(git(home)
        .current_dir(work)
        .args(["commit", "-q", "-m", &format!("run {run_number}")]));
}

fn main() {
    let root = tempfile::tempdir().expect("temp dir");
    let home = root.path().join("home");
    let config = root.path().join("config");
    let data = root.path().join("data");
    let daemon_root = root.path().join("daemon");
    for dir in [&home, &config, &data, &daemon_root] {
        std::fs::create_dir_all(dir).expect("a folder");
    }
    let runs = common::count("KONBIT_BENCH_RUNS", 5);

    let started = Instant::now();
    build_repository(&home, &data.join("big.git"));
    run(git(&home)
        .args(["clone", "-q", "--bare"])
        .arg(data.join("big.git"))
        .arg(daemon_root.join("big.git")));
    println!(
        "built {PAGES} pages in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let hash = konbit::roster::hash_password("bench").expect("hash");
    std::fs::write(
        config.join("farm.toml"),
        "[farm]\nname = \"Bench\"\ndata_dir = \"../data\"\n\n\
         [wikis.big]\ntitle = \"Big\"\nowner = \"org\"\nvisibility = \"public\"\n",
    )
    .expect("farm.toml");
    std::fs::write(
        config.join("roster.toml"),
        format!(
            "[people.ed]\nname = \"Ed\"\nemail = \"ed@example.org\"\npassword = \"{hash}\"\n\n\
             [organisations.org]\nname = \"Org\"\nmembers = {{ ed = \"editor\" }}\n"
        ),
    )
    .expect("roster.toml");
    let (_konbit, base, _log) = common::start_server(&config, &[]);
    let port = free_port();
    let daemon = git(&home)
        .arg("daemon")
        .arg(format!("--port={port}"))
        .arg("--listen=127.0.0.1")
        .arg(format!("--base-path={}", daemon_root.display()))
        .args(["--export-all", "--enable=receive-pack", "--reuseaddr"])
        .arg(&daemon_root)
        .stderr(Stdio::null())
        .spawn()
        .expect("start git daemon");
    let _daemon = Killed(daemon);
    std::thread::sleep(Duration::from_millis(500));

    let host = base.trim_start_matches("http://");
    let konbit_url = format!("{base}/big.git");
    let konbit_push_url = format!("http://ed:bench@{host}/big.git");
    let daemon_url = format!("git://127.0.0.1:{port}/big.git");

    let clone = |url: &str, name: &str| {
        let target = home.join(name);
        let _ = std::fs::remove_dir_all(&target);
        let started = Instant::now();
        run(git(&home).args(["clone", "-q", url]).arg(&target));
        started.elapsed()
    };
    let konbit_clones: Vec<Duration> = (0..runs)
        .map(|i| clone(&konbit_url, &format!("k{i}")))
        .collect();
    let daemon_clones: Vec<Duration> = (0..runs)
        .map(|i| clone(&daemon_url, &format!("d{i}")))
        .collect();
    let k = report("clone: konbit (HTTP)", konbit_clones);
    let d = report("clone: git daemon", daemon_clones);
    println!(
        "clone {PAGES} pages: konbit (HTTP) median {:.0} ms; git daemon median {:.0} ms; ratio {:.2}",
        ms(k),
        ms(d),
        k.as_secs_f64() / d.as_secs_f64()
    );

    // Pushes: one working copy for each server, a new folder of pages per run.
    let konbit_work = home.join("k-push");
    run(git(&home)
        .args(["clone", "-q", &konbit_push_url])
        .arg(&konbit_work));
    let daemon_work = home.join("d-push");
    run(git(&home)
        .args(["clone", "-q", &daemon_url])
        .arg(&daemon_work));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = reqwest::Client::new();
    let mut konbit_pushes = Vec::new();
    let mut konbit_served = Vec::new();
    let mut daemon_pushes = Vec::new();
    for run_number in 0..runs {
        add_pages(&home, &konbit_work, run_number);
        let started = Instant::now();
        run(git(&home)
            .current_dir(&konbit_work)
            .args(["push", "-q", "origin", "HEAD:main"]));
        konbit_pushes.push(started.elapsed());
        runtime.block_on(async {
            for i in 0..PUSHED {
                let url = format!("{base}/big/Pushed%20{run_number}/Item%20{i}");
                let response = client.get(&url).send().await.expect("a page");
                assert_eq!(response.status().as_u16(), 200, "{url}");
                let _ = response.bytes().await;
            }
        });
        konbit_served.push(started.elapsed());

        add_pages(&home, &daemon_work, run_number);
        let started = Instant::now();
        run(git(&home)
            .current_dir(&daemon_work)
            .args(["push", "-q", "origin", "HEAD:main"]));
        daemon_pushes.push(started.elapsed());
    }
    let push = report("push: konbit, to `git push` returning", konbit_pushes);
    let served = report("push: konbit, until every page is served", konbit_served);
    let daemon = report("push: git daemon", daemon_pushes);
    println!(
        "push {PUSHED} new pages: konbit median {:.0} ms to `git push` returning, {:.0} ms until all \
         {PUSHED} pages are served; git daemon median {:.0} ms; ratio (push) {:.2}",
        ms(push),
        ms(served),
        ms(daemon),
        push.as_secs_f64() / daemon.as_secs_f64()
    );
}
