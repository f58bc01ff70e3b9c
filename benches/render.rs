//! The cost of rendering pathological pages (issue 7, class 1: "rendering cost is unbounded"),
//! in the renderer alone and through the real server.
//!
//! 1. The renderer: for each of cmark's pathological inputs (the cases of
//!    `tests/it/pathological.rs`, copied here), the median wall time of `konbit::markdown::render`
//!    over a few runs, the HTML it gave and whether it refused the page (empty HTML: a page too
//!    complex to show). Each case runs in a child process of this bench, killed once it has run
//!    for `KONBIT_BENCH_CAP` seconds (default 120), so that an unbounded renderer cannot hold the
//!    bench for an hour; a case makes `KONBIT_BENCH_RUNS` runs (default 5), 3 when a run takes
//!    over 2 s and no more after a run over 20 s.
//! 2. The server: a farm with a public wiki holding a page of nested quotes (about 100 KB) and a
//!    costly but allowed page (a table of 40,000 rows) is served by the `konbit` binary on
//!    loopback. For each page, on a fresh server (nothing rendered yet), ten concurrent `GET`s:
//!    the server's processor time (user + system, from `/proc/<pid>/stat`) until the last answer
//!    and until the server is idle again, and the wall time until all ten answered; then the same
//!    for one request alone, on another fresh server. Requests give up after 300 s, and are
//!    counted as timed out.
//!
//! Run with `cargo bench --bench render`. `KONBIT_BENCH_CASES` (comma-separated names) limits
//! the renderer's cases; `KONBIT_BENCH_SERVER=0` skips the server part. The source names no
//! field newer than `Rendered::html`, so that it also builds on the renderer before the bounds.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use konbit::markdown::{RenderContext, render};

#[path = "../tests/it/pathological_inputs.rs"]
mod pathological_inputs;

use pathological_inputs::inputs as cases;

/// The page of nested quotes the attack used (about 100 KB), and the costly but allowed page.
fn server_pages() -> [(&'static str, String); 2] {
    [
        ("Quotes", "> ".repeat(50_000) + "x\n"),
        (
            "Table",
            format!(
                "# Table\n\n|a|b|\n|-|-|\n{}",
                "|une cellule|une autre|\n".repeat(40_000)
            ),
        ),
    ]
}

/// A run slower than this makes the case stop after 3 runs.
const SLOW: Duration = Duration::from_secs(2);
/// A run slower than this is the case's last.
const TOO_SLOW: Duration = Duration::from_secs(20);

fn count(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// In the child process: renders one case, printing `run <nanoseconds> <html bytes>` after each
/// run, then `done` (or `stopped <why>`).
fn run_case(name: &str) {
    let (_, text) = cases()
        .into_iter()
        .find(|(n, _)| *n == name)
        .expect("a known case");
    let exists = |_: &str| true;
    let context = RenderContext {
        prefix: "/w/",
        folder: "",
        page_exists: &exists,
        other_wiki: &konbit::markdown::no_other_wiki,
    };
    let mut runs = count("KONBIT_BENCH_RUNS", 5).max(1);
    let mut stdout = std::io::stdout();
    let mut done = 0;
    while done < runs {
        let started = Instant::now();
        let rendered = render(&text, &context);
        let took = started.elapsed();
        writeln!(
            stdout,
            "run {} {}",
            took.as_nanos(),
            rendered.html.as_str().len()
        )
        .expect("stdout");
        stdout.flush().expect("stdout");
        done += 1;
        if took > TOO_SLOW {
            if done < runs {
                writeln!(stdout, "stopped a run took over {} s", TOO_SLOW.as_secs())
                    .expect("stdout");
            }
            return;
        }
        if took > SLOW {
            runs = runs.min(3);
        }
    }
    writeln!(stdout, "done").expect("stdout");
}

/// What the parent learnt of one case.
struct CaseResult {
    times: Vec<Duration>,
    html_bytes: Option<usize>,
    note: String,
}

/// Runs one case in a child process, killed after `cap`.
fn measure_case(name: &str, cap: Duration) -> CaseResult {
    let mut child = Command::new(std::env::current_exe().expect("this bench's path"))
        .args(["--case", name])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("a child for the case");
    let stdout = child.stdout.take().expect("stdout is piped");
    let (lines_tx, lines_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let started = Instant::now();
    let mut result = CaseResult {
        times: Vec::new(),
        html_bytes: None,
        note: String::new(),
    };
    loop {
        let left = cap.saturating_sub(started.elapsed());
        match lines_rx.recv_timeout(left) {
            Ok(line) => {
                let mut words = line.splitn(3, ' ');
                match words.next() {
                    Some("run") => {
                        let nanos: u64 = words.next().and_then(|w| w.parse().ok()).expect("ns");
                        let bytes = words.next().and_then(|w| w.parse().ok()).expect("bytes");
                        result.times.push(Duration::from_nanos(nanos));
                        result.html_bytes = Some(bytes);
                    }
                    Some("stopped") => result.note = line["stopped ".len()..].to_owned(),
                    _ => {}
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                result.note = format!(
                    "killed after {} s (cap), {} run(s) done",
                    cap.as_secs(),
                    result.times.len()
                );
                break;
            }
        }
    }
    let status = child.wait().expect("waiting for the case");
    if !status.success() && result.note.is_empty() {
        result.note = format!("the child failed: {status}");
    }
    result
}

fn median(times: &[Duration]) -> Option<Duration> {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied()
}

fn seconds(time: Duration) -> String {
    let s = time.as_secs_f64();
    if s < 1.0 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

fn renderer() {
    let cap = Duration::from_secs(count("KONBIT_BENCH_CAP", 120));
    let only: Option<Vec<String>> = std::env::var("KONBIT_BENCH_CASES")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect());
    println!(
        "## konbit::markdown::render, per case (cap {} s per case)",
        cap.as_secs()
    );
    println!(
        "{:<15} {:>10} {:>5} {:>11} {:>11} {:>10} {:>8}  note",
        "case", "bytes", "runs", "median", "slowest", "html", "refused"
    );
    let mut slowest: Option<(&str, Duration, bool)> = None;
    for (name, text) in cases() {
        if only
            .as_ref()
            .is_some_and(|only| !only.iter().any(|o| o == name))
        {
            continue;
        }
        let result = measure_case(name, cap);
        let max = result.times.iter().max().copied();
        let capped = result.note.starts_with("killed");
        let (median_text, max_text) = match (median(&result.times), max) {
            (Some(median), Some(max)) => (seconds(median), seconds(max)),
            _ => (format!("> {} s", cap.as_secs()), "-".to_owned()),
        };
        let (html, refused) = match result.html_bytes {
            Some(bytes) => (bytes.to_string(), if bytes == 0 { "yes" } else { "no" }),
            None => ("-".to_owned(), "-"),
        };
        println!(
            "{name:<15} {:>10} {:>5} {median_text:>11} {max_text:>11} {html:>10} {refused:>8}  {}",
            text.len(),
            result.times.len(),
            result.note
        );
        let worst = if capped && result.times.is_empty() {
            Some(cap)
        } else {
            max
        };
        if let Some(worst) = worst
            && slowest.is_none_or(|(_, time, _)| worst > time)
        {
            slowest = Some((name, worst, capped && result.times.is_empty()));
        }
    }
    if let Some((name, time, capped)) = slowest {
        let over = if capped { "over " } else { "" };
        println!("slowest single render: {name}, {over}{}", seconds(time));
    }
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// The processor time the server has used so far, all its threads together: utime + stime
    /// (fields 14 and 15 of `/proc/<pid>/stat`), in clock ticks of 1/100 s.
    fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))
            .expect("the server's /proc entry");
        // The command's name, in parentheses, may hold spaces: count fields after it.
        let fields: Vec<&str> = stat[stat.rfind(')').expect("a command name") + 2..]
            .split(' ')
            .collect();
        let ticks: u64 =
            fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime");
        Duration::from_millis(ticks * 10)
    }

    /// Waits until the server has used no processor time for a second (at most `patience`),
    /// and returns its processor time then, and whether it was idle.
    fn idle(&self, patience: Duration) -> (Duration, bool) {
        let started = Instant::now();
        let mut last = self.cpu_time();
        let mut quiet = 0;
        while quiet < 4 && started.elapsed() < patience {
            std::thread::sleep(Duration::from_millis(250));
            let now = self.cpu_time();
            quiet = if now == last { quiet + 1 } else { 0 };
            last = now;
        }
        (last, quiet >= 4)
    }
}

fn git(home: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", home)
        .env("GIT_AUTHOR_NAME", "Bench")
        .env("GIT_AUTHOR_EMAIL", "bench@example.org");
    command
}

/// A farm in `root`: a public wiki `w` whose bare repository holds a home page and the pages.
fn write_farm(root: &Path, pages: &[(&str, String)]) {
    let config = root.join("config");
    let data = root.join("data");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::create_dir_all(&data).expect("data dir");
    let repo = data.join("w.git");
    let status = git(root)
        .args(["init", "--bare", "-q", "-b", "main"])
        .arg(&repo)
        .status()
        .expect("git init");
    assert!(status.success());
    let mut import = git(root)
        .arg("--git-dir")
        .arg(&repo)
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
    let home = "# Home\n\nThe pages.\n".to_owned();
    for (name, text) in std::iter::once(&("Home", home)).chain(pages) {
        writeln!(stream, "M 100644 inline {name}.md").expect("write");
        writeln!(stream, "data {}\n{text}", text.len()).expect("write");
    }
    writeln!(stream).expect("write");
    drop(stream);
    assert!(import.wait().expect("fast-import").success());

    let hash = konbit::roster::hash_password("bench").expect("hash");
    std::fs::write(
        config.join("farm.toml"),
        "[farm]\nname = \"Bench\"\ndata_dir = \"../data\"\n\n\
         [wikis.w]\ntitle = \"W\"\nowner = \"org\"\nvisibility = \"public\"\n",
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

/// Starts `konbit serve` on a new copy of the farm, fetches the home page (which walks and
/// caches the listing) and waits for the server to be idle.
fn fresh_server(
    root: &Path,
    client: &reqwest::Client,
    runtime: &tokio::runtime::Runtime,
) -> Server {
    write_farm(root, &server_pages());
    let mut child = Command::new(env!("CARGO_BIN_EXE_konbit"))
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(root.join("config"))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start konbit");
    let stdout = child.stdout.take().expect("stdout");
    let (address_tx, address_rx) = mpsc::channel();
    std::thread::spawn(move || {
        // Keep reading to the end so that the server never blocks on a full pipe.
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(base) = line.trim().strip_prefix("konbit listening on ") {
                let _ = address_tx.send(base.to_owned());
            }
        }
    });
    let base = address_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("konbit listening on …");
    let server = Server { child, base };
    runtime.block_on(async {
        let home = client
            .get(format!("{}/w/", server.base))
            .send()
            .await
            .expect("the home page");
        assert_eq!(home.status(), 200, "the home page");
        let _ = home.bytes().await;
    });
    server.idle(Duration::from_secs(120));
    server
}

/// One request's outcome: its status and body, or a timeout or other failure.
enum Answer {
    Page { status: u16, too_complex: bool },
    TimedOut,
    Failed(String),
}

async fn fetch(client: reqwest::Client, url: String) -> (Answer, Duration) {
    let started = Instant::now();
    let answer = match client.get(&url).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            match response.text().await {
                Ok(body) => Answer::Page {
                    status,
                    too_complex: body.contains("class=\"notice too-complex\""),
                },
                Err(error) if error.is_timeout() => Answer::TimedOut,
                Err(error) => Answer::Failed(error.to_string()),
            }
        }
        Err(error) if error.is_timeout() => Answer::TimedOut,
        Err(error) => Answer::Failed(error.to_string()),
    };
    (answer, started.elapsed())
}

fn server_part() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(300))
        .build()
        .expect("client");
    println!();
    println!("## the server: GET of one page on a fresh server (client timeout 300 s)");
    for (page, text) in server_pages() {
        for readers in [10, 1] {
            let root = tempfile::tempdir().expect("temp dir");
            let server = fresh_server(root.path(), &client, &runtime);
            let url = format!("{}/w/{page}", server.base);
            let before = server.cpu_time();
            let started = Instant::now();
            let answers = runtime.block_on(async {
                let mut set = tokio::task::JoinSet::new();
                for _ in 0..readers {
                    set.spawn(fetch(client.clone(), url.clone()));
                }
                set.join_all().await
            });
            let wall = started.elapsed();
            let at_last_answer = server.cpu_time().saturating_sub(before);
            let (idle_at, idle) = server.idle(Duration::from_secs(300));
            let until_idle = if idle {
                format!("{} until idle", seconds(idle_at.saturating_sub(before)))
            } else {
                format!(
                    "{} when still busy 300 s later",
                    seconds(idle_at.saturating_sub(before))
                )
            };
            let mut statuses = std::collections::BTreeMap::new();
            let (mut timed_out, mut too_complex, mut failures) = (0, 0, Vec::new());
            for (answer, _) in &answers {
                match answer {
                    Answer::Page {
                        status,
                        too_complex: refused,
                    } => {
                        *statuses.entry(*status).or_insert(0) += 1;
                        too_complex += usize::from(*refused);
                    }
                    Answer::TimedOut => timed_out += 1,
                    Answer::Failed(error) => failures.push(error.clone()),
                }
            }
            let slowest = answers.iter().map(|(_, t)| *t).max().unwrap_or_default();
            println!(
                "{page} ({} bytes), {readers} request(s): server CPU {} until the last answer, \
                 {until_idle}; wall {} (slowest answer {}); statuses {statuses:?}, \
                 {too_complex} shown as too complex, {timed_out} timed out{}",
                text.len(),
                seconds(at_last_answer),
                seconds(wall),
                seconds(slowest),
                if failures.is_empty() {
                    String::new()
                } else {
                    format!(", failed: {failures:?}")
                }
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--case") {
        run_case(args.get(at + 1).expect("a case name"));
        return;
    }
    // `cargo bench` passes `--bench`; any other argument filters nothing here.
    renderer();
    if std::env::var("KONBIT_BENCH_SERVER").as_deref() != Ok("0") {
        server_part();
    }
}
