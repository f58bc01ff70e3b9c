//! What the benchmarks that drive the real server share: starting `konbit serve` on a loopback
//! port with its log at hand, signing in like a browser, and reporting medians.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// A child process killed when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A number from the environment, else `default`.
pub fn count(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `git` with no user or system configuration and no prompts; its output is dropped.
pub fn git(home: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", home)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_AUTHOR_NAME", "Bench")
        .env("GIT_AUTHOR_EMAIL", "bench@example.org")
        .env("GIT_COMMITTER_NAME", "Bench")
        .env("GIT_COMMITTER_EMAIL", "bench@example.org")
        .stdout(Stdio::null());
    command
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// Sorts the samples and prints their median, 99th percentile and minimum; returns the median.
pub fn report(name: &str, mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    let median = percentile(&samples, 0.5);
    println!(
        "{name}: n={} median={:.2} ms p99={:.2} ms min={:.2} ms",
        samples.len(),
        ms(median),
        ms(percentile(&samples, 0.99)),
        ms(samples[0]),
    );
    median
}

/// The value of a hidden form field.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .map(|i| i + marker.len())
        .expect("hidden field");
    html[start..start + html[start..].find('"').expect("end quote")].to_owned()
}

/// The server's standard error, line by line, as it comes.
#[derive(Default)]
pub struct Log {
    lines: Mutex<Vec<String>>,
    added: Condvar,
}

impl Log {
    /// The first line holding `needle`, waiting for it up to `timeout`.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut lines = self.lines.lock().expect("log lock");
        loop {
            if let Some(line) = lines.iter().find(|line| line.contains(needle)) {
                return line.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "the server did not log {needle:?} within {timeout:?}; its log:\n{}",
                lines.join("\n")
            );
            lines = self.added.wait_timeout(lines, left).expect("log lock").0;
        }
    }

    /// Every line so far holding `pattern`.
    pub fn matching(&self, pattern: &str) -> Vec<String> {
        let lines = self.lines.lock().expect("log lock");
        lines
            .iter()
            .filter(|line| line.contains(pattern))
            .cloned()
            .collect()
    }
}

/// `konbit serve` on the configuration folder with `options`: the process, its address, its log.
pub fn start_server(config: &Path, options: &[&str]) -> (Killed, String, Arc<Log>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_konbit"))
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(config)
        .args(options)
        .env("RUST_LOG", "konbit=info,warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start konbit");
    let log = Arc::new(Log::default());
    let stderr = child.stderr.take().expect("stderr");
    let collector = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            collector.lines.lock().expect("log lock").push(line);
            collector.added.notify_all();
        }
    });
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("read address");
    // Keep reading so that the server never writes into a closed pipe.
    std::thread::spawn(move || {
        let mut rest = String::new();
        while stdout.read_line(&mut rest).is_ok_and(|n| n > 0) {
            rest.clear();
        }
    });
    let base = line
        .trim()
        .strip_prefix("konbit listening on ")
        .expect("listening line")
        .to_owned();
    (Killed(child), base, log)
}

/// The resident memory of a process, in MiB.
pub fn resident_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// An HTTP client that follows no redirect, as the benchmarks read answers.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Signs in like a browser and returns the session cookie.
pub async fn sign_in(client: &reqwest::Client, base: &str, login: &str, password: &str) -> String {
    let cookie_of = |response: &reqwest::Response| {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let login_page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("login page");
    let anonymous = cookie_of(&login_page);
    let csrf = hidden(&login_page.text().await.expect("body"), "csrf");
    let signed = client
        .post(format!("{base}/login"))
        .header("cookie", &anonymous)
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", login),
            ("password", password),
            ("next", "/"),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed.status(), 303, "sign-in");
    cookie_of(&signed)
}

/// A GET with the session cookie: status and body, and the time to the body's last byte.
pub async fn timed_get(
    client: &reqwest::Client,
    url: &str,
    cookie: &str,
) -> (u16, String, Duration) {
    let started = Instant::now();
    let response = client
        .get(url)
        .header("cookie", cookie)
        .send()
        .await
        .expect("a GET");
    let status = response.status().as_u16();
    let body = response.text().await.expect("a body");
    (status, body, started.elapsed())
}
