//! Save and history latency on a large wiki, measured against the real server over HTTP.
//!
//! Builds a wiki of 10,000 pages with 10,000 commits of history (with `git fast-import`), starts
//! the `konbit` binary on a loopback port, signs in like a browser, then times:
//! - saves: `POST /{wiki}/_edit/{page}` of an edited page (the edit form is fetched untimed);
//! - the first history request, which builds the wiki's history index;
//! - history pages: `GET /{wiki}/_history/{page}` for a page changed often and recently, and for
//!   a page changed once, at the very start;
//! - saves again, now that the history index exists and follows every save.
//!
//! Run with `cargo bench --bench edit`; `KONBIT_BENCH_SAVES` and `KONBIT_BENCH_HISTORY` set the
//! sample counts. Prints medians and 99th percentiles.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{client, count, git, hidden, report, sign_in, start_server};

const PAGES: usize = 10_000;
const HOT_EVERY: usize = 50;

/// A bare repository whose history adds one page per commit; every `HOT_EVERY` commits also edit
/// `Notes/Hot.md`, which ends with `PAGES / HOT_EVERY` revisions.
fn build_repository(root: &Path, repo: &Path) {
    let status = git(root)
        .args(["init", "--bare", "-q", "-b", "main"])
        .arg(repo)
        .status()
        .expect("git init");
    assert!(status.success());
    let mut import = git(root)
        .arg("--git-dir")
        .arg(repo)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    let mut stream = std::io::BufWriter::new(import.stdin.take().expect("stdin"));
    let start = 1_700_000_000u64;
    for i in 0..PAGES {
        let body = format!(
            "# Page {i}\n\nSome text about topic {i}, linking to [[Folder {}/Page {}]].\n\n\
             | a | b |\n|---|---|\n| {i} | {} |\n",
            (i + 1) % 100,
            i + 1,
            i * 7
        );
        writeln!(stream, "commit refs/heads/main").expect("write");
        writeln!(
            stream,
            "committer Bench <bench@example.org> {} +0000",
            start + i as u64 * 60
        )
        .expect("write");
        let message = format!("Add page {i}");
        writeln!(stream, "data {}\n{message}", message.len()).expect("write");
        writeln!(stream, "M 100644 inline Folder {}/Page {i}.md", i % 100).expect("write");
        writeln!(stream, "data {}\n{body}", body.len()).expect("write");
        if i % HOT_EVERY == 0 {
            let hot = format!("# Hot\n\nRevision {i}.\n");
            writeln!(stream, "M 100644 inline Notes/Hot.md").expect("write");
            writeln!(stream, "data {}\n{hot}", hot.len()).expect("write");
        }
        writeln!(stream).expect("write");
    }
    drop(stream);
    assert!(import.wait().expect("fast-import").success());
}

/// Saves each page once (the edit form fetched untimed) and returns the time of each POST.
async fn timed_saves(
    client: &reqwest::Client,
    base: &str,
    session: &str,
    pages: impl Iterator<Item = String>,
) -> Vec<Duration> {
    let mut times = Vec::new();
    for (i, page) in pages.enumerate() {
        let form = client
            .get(format!("{base}/big/_edit/{page}"))
            .header("cookie", session)
            .send()
            .await
            .expect("edit form")
            .text()
            .await
            .expect("body");
        let (csrf, base_commit) = (hidden(&form, "csrf"), hidden(&form, "base"));
        let text = format!("# Edited {i}\n\nNew text {i}.\n");
        let started = Instant::now();
        let response = client
            .post(format!("{base}/big/_edit/{page}"))
            .header("cookie", session)
            .form(&[
                ("csrf", csrf.as_str()),
                ("base", base_commit.as_str()),
                ("text", text.as_str()),
                ("message", "bench"),
                ("action", "save"),
            ])
            .send()
            .await
            .expect("save");
        times.push(started.elapsed());
        assert_eq!(response.status(), 303, "save {i} of {page}");
    }
    times
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters nothing here.
    let root = tempfile::tempdir().expect("temp dir");
    let config = root.path().join("config");
    let data = root.path().join("data");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::create_dir_all(&data).expect("data dir");

    let started = Instant::now();
    build_repository(root.path(), &data.join("big.git"));
    println!(
        "built {PAGES} pages / {PAGES} commits in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let hash = konbit::roster::hash_password("bench").expect("hash");
    std::fs::write(
        config.join("farm.toml"),
        "[farm]\nname = \"Bench\"\ndata_dir = \"../data\"\n\n\
         [wikis.big]\ntitle = \"Big\"\nowner = \"org\"\nvisibility = \"private\"\n",
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

    let (_server, base, _log) = start_server(&config, &[]);

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async move {
        let client = client();
        let session = sign_in(&client, &base, "ed", "bench").await;

        // Warm up: the first request of a page walks and caches the listing.
        let _ = client
            .get(format!("{base}/big/"))
            .header("cookie", &session)
            .send()
            .await;

        let saves = count("KONBIT_BENCH_SAVES", 200);
        let pages = (0..saves).map(|i| format!("Folder%20{}/Page%20{}", i % 100, (i * 37) % PAGES));
        let save_times = timed_saves(&client, &base, &session, pages).await;
        report("save (POST /_edit, 10k pages, 10k+ commits)", save_times);

        // The first history request of the wiki builds its history index (derived state that
        // later requests and saves only extend).
        let started = Instant::now();
        let first = client
            .get(format!("{base}/big/_history/Folder%201/Page%201"))
            .header("cookie", &session)
            .send()
            .await
            .expect("history");
        assert_eq!(first.status(), 200);
        let _ = first.bytes().await;
        println!(
            "first history request (builds the index over {} commits): {:.1} ms",
            PAGES + saves,
            started.elapsed().as_secs_f64() * 1e3
        );

        let samples = count("KONBIT_BENCH_HISTORY", 50);
        for (name, page) in [
            ("history, page changed every 50 commits", "Notes/Hot"),
            (
                "history, page changed once, at the very start",
                "Folder%200/Page%200",
            ),
        ] {
            let mut times = Vec::with_capacity(samples);
            for _ in 0..samples {
                let started = Instant::now();
                let response = client
                    .get(format!("{base}/big/_history/{page}"))
                    .header("cookie", &session)
                    .send()
                    .await
                    .expect("history");
                assert_eq!(response.status(), 200);
                let _ = response.bytes().await;
                times.push(started.elapsed());
            }
            report(name, times);
        }

        let pages = (0..saves).map(|i| {
            format!(
                "Folder%20{}/Page%20{}",
                (i + 50) % 100,
                (i * 41 + 7) % PAGES
            )
        });
        let save_times = timed_saves(&client, &base, &session, pages).await;
        report("save with the history index following", save_times);
    });
}
