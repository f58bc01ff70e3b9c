//! The link index against the real server over HTTP: what links here, wanted and orphan pages on
//! a 10,000-page wiki, and what the index adds to a save.
//!
//! Builds one wiki of 10,000 pages in 100 folders (with `git fast-import`); each page links to a
//! page of its folder (`[[Page N]]`, missing for the last hundred), to `[[/Hub]]` (which then has
//! 10,000 pages linking to it), to one of 500 missing pages and to a page of another folder, and
//! has one relative Markdown link. Two servers run on copies of it: one with the link index, one
//! started with `--without-link-index`. Then it times:
//! - the index built from git at the first start, and read back from its file at a restart;
//! - `GET /{wiki}/_links/{page}` for a page with two linking pages and for `Hub`;
//! - `GET /{wiki}/_wanted` (600 wanted pages) and `GET /{wiki}/_orphans`;
//! - saves (`POST /{wiki}/_edit/{page}`, the form fetched untimed) on both servers, alternately,
//!   so that the ratio of their medians is what the index costs a save;
//! - the resident memory of both servers.
//!
//! Run with `cargo bench --bench links`; `KONBIT_BENCH_PAGES` (10,000), `KONBIT_BENCH_SAVES`
//! (100 per server) and `KONBIT_BENCH_READS` (30 per address) set the sizes.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{
    client, count, git, hidden, ms, report, resident_mib, sign_in, start_server, timed_get,
};

const PASSWORD: &str = "bench";
const FOLDERS: usize = 100;
const WANTED: usize = 500;

fn page_text(i: usize, pages: usize) -> String {
    let other = (i * 13 + 7) % pages;
    format!(
        "# Page {i}\n\nText about topic {i}. See [[Page {next}]] in this folder, the [[/Hub]], \
         the future [[Wanted {wanted}]] and [[/Folder {of}/Page {other}]].\n\n\
         Back to [the previous one](Page%20{previous}.md).\n",
        next = i + FOLDERS,
        wanted = i % WANTED,
        of = other % FOLDERS,
        previous = i.saturating_sub(FOLDERS),
    )
}

/// A bare repository holding the wiki in one commit.
fn build_repository(home: &Path, repo: &Path, pages: usize) {
    let status = git(home)
        .args(["init", "--bare", "-q", "-b", "main"])
        .arg(repo)
        .status()
        .expect("git init");
    assert!(status.success());
    let mut import = git(home)
        .arg("--git-dir")
        .arg(repo)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    let mut stream = std::io::BufWriter::new(import.stdin.take().expect("stdin"));
    writeln!(stream, "commit refs/heads/main").expect("write");
    writeln!(
        stream,
        "committer Bench <bench@example.org> 1700000000 +0000"
    )
    .expect("write");
    writeln!(stream, "data 5\npages").expect("write");
    let mut file = |path: &str, text: &str| {
        writeln!(stream, "M 100644 inline {path}").expect("write");
        writeln!(stream, "data {}\n{text}", text.len()).expect("write");
    };
    file("Home.md", "# Home\n\n[[Hub]]\n");
    file("Hub.md", "# Hub\n\nEvery page links here.\n");
    for i in 0..pages {
        file(
            &format!("Folder {}/Page {i}.md", i % FOLDERS),
            &page_text(i, pages),
        );
    }
    writeln!(stream).expect("write");
    drop(stream);
    assert!(import.wait().expect("fast-import").success());
}

fn write_config(config: &Path, data: &Path) {
    std::fs::create_dir_all(config).expect("config dir");
    let hash = konbit::roster::hash_password(PASSWORD).expect("hash");
    std::fs::write(
        config.join("farm.toml"),
        format!(
            "[farm]\nname = \"Bench\"\ndata_dir = {data:?}\n\n\
             [wikis.big]\ntitle = \"Big\"\nowner = \"org\"\nvisibility = \"private\"\n"
        ),
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
}

/// The `elapsed=` of a log line (`{:?}` of a `Duration`), in milliseconds.
fn elapsed_ms(line: &str) -> Option<f64> {
    let start = line.find(" elapsed=")? + " elapsed=".len();
    let text = line[start..].split(' ').next()?;
    for (suffix, scale) in [("ms", 1.0), ("µs", 1e-3), ("ns", 1e-6), ("s", 1e3)] {
        if let Some(number) = text.strip_suffix(suffix) {
            return number.parse::<f64>().ok().map(|n| n * scale);
        }
    }
    None
}

/// The value of `name=` in a log line.
fn field<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!(" {name}=");
    let start = line.find(&marker)? + marker.len();
    line[start..].split(' ').next()
}

/// Saves `page` once: the edit form untimed, the POST timed.
async fn timed_save(
    client: &reqwest::Client,
    base: &str,
    session: &str,
    page: &str,
    i: usize,
) -> Duration {
    let (_, form, _) = timed_get(client, &format!("{base}/big/_edit/{page}"), session).await;
    let (csrf, base_commit) = (hidden(&form, "csrf"), hidden(&form, "base"));
    let text = format!("# Edited {i}\n\nNew text {i}, see [[Page {i}]] and [[Wanted {i}]].\n");
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
    let elapsed = started.elapsed();
    assert_eq!(response.status(), 303, "save {i} of {page}");
    elapsed
}

fn main() {
    let pages = count("KONBIT_BENCH_PAGES", 10_000);
    let saves = count("KONBIT_BENCH_SAVES", 100);
    let reads = count("KONBIT_BENCH_READS", 30);
    let root = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    build_repository(root.path(), &root.path().join("with/big.git"), pages);
    let copied = std::process::Command::new("cp")
        .arg("-r")
        .arg(root.path().join("with"))
        .arg(root.path().join("without"))
        .status()
        .expect("cp");
    assert!(copied.success());
    println!(
        "built a wiki of {pages} pages in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for side in ["with", "without"] {
        write_config(
            &root.path().join(format!("config-{side}")),
            &root.path().join(side),
        );
    }

    let (with, with_base, with_log) = start_server(&root.path().join("config-with"), &[]);
    let built = with_log.wait_for("link index caught up wikis=", Duration::from_secs(600));
    println!(
        "link index built from git at start ({pages} pages): {:.0} ms, {} KiB by its own count",
        elapsed_ms(&built).unwrap_or(f64::NAN),
        field(&built, "kib").unwrap_or("?")
    );
    let (without, without_base, _) = start_server(
        &root.path().join("config-without"),
        &["--without-link-index"],
    );

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let client = client();
        let with_session = sign_in(&client, &with_base, "ed", PASSWORD).await;
        let without_session = sign_in(&client, &without_base, "ed", PASSWORD).await;

        for (name, address) in [
            (
                "what links here, a page with 2 linking pages",
                "_links/Folder%207/Page%20107",
            ),
            (
                "what links here, Hub (every page links to it)",
                "_links/Hub",
            ),
            ("wanted pages", "_wanted"),
            ("orphan pages", "_orphans"),
        ] {
            let url = format!("{with_base}/big/{address}");
            let (status, body, first) = timed_get(&client, &url, &with_session).await;
            assert_eq!(status, 200, "{url}: {body}");
            let mut times = Vec::with_capacity(reads);
            for _ in 0..reads {
                times.push(timed_get(&client, &url, &with_session).await.2);
            }
            let median = report(name, times);
            println!(
                "  first: {:.2} ms, answer {} KiB, median {:.2} ms",
                ms(first),
                body.len() / 1024,
                ms(median)
            );
        }

        let (mut timed_with, mut timed_without) = (Vec::new(), Vec::new());
        for i in 0..saves {
            let page = format!("Folder%20{}/Page%20{}", i % FOLDERS, (i * 37) % pages);
            // Alternately, so that both sides meet the same moments of the machine.
            timed_with.push(timed_save(&client, &with_base, &with_session, &page, i).await);
            timed_without
                .push(timed_save(&client, &without_base, &without_session, &page, i).await);
        }
        let with_median = report("save with the link index", timed_with);
        let without_median = report("save without the link index", timed_without);
        println!(
            "  the index costs a save {:.2} ms at the median ({:.2}×)",
            ms(with_median) - ms(without_median),
            with_median.as_secs_f64() / without_median.as_secs_f64()
        );
    });
    let memory = |pid: u32| resident_mib(pid).unwrap_or(f64::NAN);
    println!(
        "resident memory: {:.1} MiB with the link index, {:.1} MiB without",
        memory(with.0.id()),
        memory(without.0.id())
    );
    // Let the index file be written, then time a start that reads it back.
    std::thread::sleep(Duration::from_secs(3));
    drop(with);
    let (_again, _, log) = start_server(&root.path().join("config-with"), &[]);
    let loaded = log.wait_for("link index caught up wikis=", Duration::from_secs(600));
    println!(
        "link index read back from its file at a restart: {:.0} ms",
        elapsed_ms(&loaded).unwrap_or(f64::NAN)
    );
}
