//! Farm-wide search against the real server over HTTP, beside `grep -ril` over the same files.
//!
//! Builds a farm of 100 wikis × 1,000 pages (with `git fast-import`): each page is assembled
//! from one to three real pages of the tldr corpus (CC BY 4.0, © the tldr-pages team and
//! contributors, <https://github.com/tldr-pages/tldr>) in the wiki's language (six wikis in ten
//! English, then French, Spanish, German, Portuguese); every tenth wiki is private to the
//! organisation of the signed-in member, the others are public. Then it times:
//! - rebuild throughput: `konbit reindex` on the fresh farm (pages per second), then the
//!   server's own start-up catch-up after the index is deleted (its "search index caught up"
//!   line);
//! - query latency: `GET /search?q=` for seven kinds of query (a common word, a rare word, two
//!   words, a phrase, a prefix, a `wiki:` filter, a mistyped word that gets a correction), as a
//!   visitor (the public wikis) and as a signed-in member (every wiki): median and p99;
//! - the baseline: the same words looked for with `grep -ril` over a checkout of every wiki
//!   (`git archive`), median of a few runs, and the ratio to the member's median;
//! - freshness: from a browser save's answer (`POST /{wiki}/_edit/{page}`), and from `git push`
//!   returning, until the saved word is found by `/search`.
//!
//! Run with `cargo bench --bench search`. The corpus is read from `KONBIT_BENCH_CORPUS`
//! (default `../shared/corpora/tldr-pages.tar.gz` beside the repository); without it the pages
//! are generated text, and the bench says so. `KONBIT_BENCH_WIKIS` and `KONBIT_BENCH_PAGES` set
//! the farm's size, `KONBIT_BENCH_QUERIES` the requests per query kind (200),
//! `KONBIT_BENCH_GREP_RUNS` the grep runs (3), `KONBIT_BENCH_SAVES` and `KONBIT_BENCH_PUSHES`
//! the freshness samples (20 and 10). Prints medians, 99th percentiles and ratios.

mod common;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{count, git, hidden, ms, percentile, resident_mib, sign_in, start_server};

/// The content language of wiki `i` is `LANGS[i % 10]`; each is a folder of the corpus.
const LANGS: [&str; 10] = ["en", "en", "en", "en", "en", "en", "fr", "es", "de", "pt"];
/// The corpus folder of each konbit language code.
const CORPUS_DIRS: [(&str, &str); 5] = [
    ("en", "en"),
    ("fr", "fr"),
    ("es", "es"),
    ("de", "de"),
    ("pt", "pt_BR"),
];
/// Commits each wiki's pages are added in.
const COMMITS_PER_WIKI: usize = 10;
const PASSWORD: &str = "bench";

#[track_caller]
fn run(command: &mut Command) {
    let output = command
        .stderr(Stdio::piped())
        .output()
        .expect("running a command");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A small deterministic generator (xorshift64*), so that every run builds the same farm.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A page of the corpus.
struct Source {
    category: String,
    name: String,
    text: String,
}

/// The corpus pages of each language, in the order of `CORPUS_DIRS`, or `None` (and why) when
/// the corpus cannot be read.
fn load_corpus(tarball: &Path, into: &Path) -> Result<Vec<Vec<Source>>, String> {
    if !tarball.is_file() {
        return Err(format!("{} is not a file", tarball.display()));
    }
    std::fs::create_dir_all(into).map_err(|e| e.to_string())?;
    let output = Command::new("tar")
        .arg("-xzf")
        .arg(tarball)
        .arg("-C")
        .arg(into)
        .output()
        .map_err(|e| format!("running tar: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "tar failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let mut languages = Vec::new();
    for (_, dir) in CORPUS_DIRS {
        let mut sources = Vec::new();
        let Ok(categories) = std::fs::read_dir(into.join(dir)) else {
            return Err(format!("no folder `{dir}` in the corpus"));
        };
        let mut categories: Vec<PathBuf> = categories.flatten().map(|e| e.path()).collect();
        categories.sort();
        for category in categories {
            let Ok(files) = std::fs::read_dir(&category) else {
                continue;
            };
            let mut files: Vec<PathBuf> = files.flatten().map(|e| e.path()).collect();
            files.sort();
            for file in files {
                let (Some(stem), Ok(text)) = (
                    file.file_stem().and_then(|s| s.to_str()),
                    std::fs::read_to_string(&file),
                ) else {
                    continue;
                };
                sources.push(Source {
                    category: category
                        .file_name()
                        .and_then(|s| s.to_str())
                        .unwrap_or("misc")
                        .to_owned(),
                    name: stem.to_owned(),
                    text,
                });
            }
        }
        if sources.is_empty() {
            return Err(format!("no pages in the corpus folder `{dir}`"));
        }
        languages.push(sources);
    }
    Ok(languages)
}

/// A page name made of lower-case letters, digits and hyphens.
fn page_name(name: &str) -> String {
    let cleaned: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let cleaned = cleaned.trim_matches('-').to_owned();
    if cleaned.is_empty() {
        "page".to_owned()
    } else {
        cleaned
    }
}

/// Common words of the generated text, the query words among them.
const WORDS: [&str; 40] = [
    "file",
    "the",
    "a",
    "to",
    "of",
    "directory",
    "current",
    "list",
    "remove",
    "show",
    "create",
    "archive",
    "docker",
    "documentation",
    "docs",
    "network",
    "process",
    "user",
    "system",
    "package",
    "install",
    "update",
    "output",
    "input",
    "print",
    "display",
    "command",
    "option",
    "server",
    "client",
    "config",
    "version",
    "path",
    "name",
    "all",
    "in",
    "with",
    "and",
    "from",
    "specific",
];
const SYLLABLES: [&str; 16] = [
    "ka", "lo", "mi", "ra", "tu", "ve", "zo", "ni", "pe", "sa", "do", "gri", "fen", "bal", "tor",
    "quin",
];

/// A sentence of generated text: mostly common words (the first ones most), some made up.
fn generated_sentence(rng: &mut Rng, words: usize) -> String {
    let mut sentence = Vec::with_capacity(words);
    for _ in 0..words {
        if rng.below(10) < 7 {
            let bound = rng.below(WORDS.len()) + 1;
            sentence.push(WORDS[rng.below(bound)].to_owned());
        } else {
            let syllables = 2 + rng.below(3);
            sentence.push(
                (0..syllables)
                    .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                    .collect(),
            );
        }
    }
    if rng.below(3000) == 0 {
        sentence.push("wireguard".to_owned());
    }
    sentence.join(" ")
}

/// A generated page in the shape of a tldr page.
fn generated_page(rng: &mut Rng) -> (String, String) {
    let title: String = (0..2 + rng.below(2))
        .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
        .collect();
    let mut text = format!("# {title}\n\n> {}.\n\n", generated_sentence(rng, 8));
    for _ in 0..4 + rng.below(5) {
        let words = 6 + rng.below(6);
        text.push_str(&format!(
            "- {}:\n\n`{title} {{{{path/to/file}}}}`\n\n",
            generated_sentence(rng, words)
        ));
    }
    (title, text)
}

/// The pages of wiki `index`: (page path, Markdown).
fn wiki_pages(corpus: Option<&[Source]>, index: usize, pages: usize) -> Vec<(String, String)> {
    let mut rng = Rng::new(index as u64 + 1);
    let mut taken = HashSet::new();
    let mut out = Vec::with_capacity(pages);
    for j in 0..pages {
        let (folder, name, text) = match corpus {
            Some(sources) => {
                let main = &sources[rng.below(sources.len())];
                let mut text = main.text.clone();
                for _ in 0..rng.below(3) {
                    let extra = &sources[rng.below(sources.len())];
                    text.push('\n');
                    for line in extra.text.lines() {
                        // The other pages' titles become headings of this one.
                        if line.starts_with("# ") {
                            text.push('#');
                        }
                        text.push_str(line);
                        text.push('\n');
                    }
                }
                (main.category.clone(), page_name(&main.name), text)
            }
            None => {
                let (title, text) = generated_page(&mut rng);
                (format!("topic-{}", j % 10), page_name(&title), text)
            }
        };
        let mut path = format!("{folder}/{name}");
        if !taken.insert(path.clone()) {
            path = format!("{folder}/{name}-{j}");
            taken.insert(path.clone());
        }
        out.push((path, text));
    }
    out
}

fn slug(index: usize) -> String {
    format!("w{index:03}")
}

/// Whether wiki `index` is private to the member's organisation (else public).
fn private(index: usize) -> bool {
    index.is_multiple_of(10)
}

/// A bare repository holding `pages`, added over `COMMITS_PER_WIKI` commits.
fn build_repository(home: &Path, repo: &Path, pages: &[(String, String)]) -> usize {
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
    let mut bytes = 0;
    let per_commit = pages.len().div_ceil(COMMITS_PER_WIKI).max(1);
    for (number, chunk) in pages.chunks(per_commit).enumerate() {
        writeln!(stream, "commit refs/heads/main").expect("write");
        writeln!(
            stream,
            "committer Bench <bench@example.org> {} +0000",
            1_700_000_000 + number * 3600
        )
        .expect("write");
        let message = format!("Pages, part {number}");
        writeln!(stream, "data {}\n{message}", message.len()).expect("write");
        for (path, text) in chunk {
            writeln!(stream, "M 100644 inline {path}.md").expect("write");
            writeln!(stream, "data {}\n{text}", text.len()).expect("write");
            bytes += text.len();
        }
        writeln!(stream).expect("write");
    }
    drop(stream);
    assert!(import.wait().expect("fast-import").success());
    bytes
}

/// Extracts the branch of `repo` into `dir` with `git archive`.
fn check_out(home: &Path, repo: &Path, dir: &Path) {
    std::fs::create_dir_all(dir).expect("checkout folder");
    let mut archive = git(home)
        .arg("--git-dir")
        .arg(repo)
        .args(["archive", "--format=tar", "main"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("git archive");
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dir)
        .stdin(Stdio::from(archive.stdout.take().expect("archive stdout")))
        .status()
        .expect("tar -x");
    assert!(tar.success());
    assert!(archive.wait().expect("git archive").success());
}

/// Median and p99 of the samples.
fn stats(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (percentile(&samples, 0.5), percentile(&samples, 0.99))
}

/// The value of `name=` in a log line.
fn log_field<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!(" {name}=");
    let start = line.find(&marker)? + marker.len();
    line[start..].split(' ').next()
}

/// A `Duration` as `{:?}` prints it (`1.5s`, `12.3ms`, `45µs`), in seconds.
fn debug_seconds(text: &str) -> Option<f64> {
    for (suffix, scale) in [("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9), ("s", 1.0)] {
        if let Some(number) = text.strip_suffix(suffix) {
            return number.parse::<f64>().ok().map(|n| n * scale);
        }
    }
    None
}

fn folder_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => folder_size(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

/// What a results page says.
struct Results {
    total: Option<usize>,
    correction: Option<String>,
    first_title: Option<String>,
    catching_up: bool,
}

/// The text of the first element with `class` (its tags dropped).
fn element_text(html: &str, class: &str) -> Option<String> {
    let at = html.find(&format!("class=\"{class}\""))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let end = start + rest[start..].find("</")?;
    Some(strip_tags(&rest[start..end]).trim().to_owned())
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn results_of(html: &str) -> Results {
    let total = element_text(html, "result-count").and_then(|text| {
        text.split_whitespace()
            .next()
            .and_then(|n| n.parse::<usize>().ok())
    });
    let correction = html.find("class=\"correction\"").and_then(|at| {
        let rest = &html[at..];
        let link = rest.find("<a ")?;
        let start = link + rest[link..].find('>')? + 1;
        let end = start + rest[start..].find("</a>")?;
        Some(strip_tags(&rest[start..end]))
    });
    Results {
        total,
        correction,
        first_title: element_text(html, "hit-title"),
        catching_up: html.contains("catching-up"),
    }
}

fn search_url(base: &str, query: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
    format!("{base}/search?q={encoded}")
}

async fn get(client: &reqwest::Client, url: &str, cookie: Option<&str>) -> (u16, String) {
    let mut request = client.get(url);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.expect("a response");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

/// Searches until `word` is found (at least one result); returns the time it took.
async fn found_after(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    word: &str,
    since: Instant,
) -> Option<Duration> {
    let url = search_url(base, word);
    loop {
        let (status, html) = get(client, &url, Some(cookie)).await;
        assert_eq!(status, 200, "{url}");
        if results_of(&html).total.unwrap_or(0) > 0 {
            return Some(since.elapsed());
        }
        if since.elapsed() > Duration::from_secs(10) {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// One kind of query: its name, what is typed, and the grep that looks for the same words.
struct Kind {
    name: &'static str,
    query: String,
    grep: Grep,
}

enum Grep {
    /// `grep -rilF WORD` over every wiki.
    Fixed(&'static str),
    /// Files holding both words: `grep -rilZF A | xargs -0 grep -ilF B`.
    Both(&'static str, &'static str),
    /// `grep -rilE PATTERN` over every wiki.
    Pattern(&'static str),
    /// `grep -rilF WORD` over one wiki.
    InWiki(&'static str, String),
}

impl Grep {
    fn describe(&self) -> String {
        match self {
            Grep::Fixed(word) => format!("grep -rilF '{word}'"),
            Grep::Both(a, b) => format!("grep -rilZF '{a}' | xargs -0 grep -ilF '{b}'"),
            Grep::Pattern(pattern) => format!("grep -rilE '{pattern}'"),
            Grep::InWiki(word, wiki) => format!("grep -rilF '{word}' {wiki}/"),
        }
    }

    /// Runs the grep over the checkout in `dir`; returns how many files it listed.
    fn run(&self, dir: &Path) -> usize {
        let mut command = match self {
            Grep::Fixed(word) => {
                let mut command = Command::new("grep");
                command.args(["-rilF", "--", word, "."]);
                command
            }
            Grep::Pattern(pattern) => {
                let mut command = Command::new("grep");
                command.args(["-rilE", "--", pattern, "."]);
                command
            }
            Grep::InWiki(word, wiki) => {
                let mut command = Command::new("grep");
                command.args(["-rilF", "--", word, wiki.as_str()]);
                command
            }
            Grep::Both(a, b) => {
                let mut command = Command::new("sh");
                command.args([
                    "-c",
                    "grep -rilZF -- \"$1\" . | xargs -0 -r grep -ilF -- \"$2\"",
                    "sh",
                    a,
                    b,
                ]);
                command
            }
        };
        let output = command
            .current_dir(dir)
            .stderr(Stdio::null())
            .output()
            .expect("grep");
        // grep exits with 1 when nothing matches, and xargs with 123 when one of its greps did.
        assert!(
            output
                .status
                .code()
                .is_some_and(|code| code <= 1 || code == 123),
            "{}: {:?}",
            self.describe(),
            output.status
        );
        output
            .stdout
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .count()
    }
}

fn main() {
    let wikis = count("KONBIT_BENCH_WIKIS", 100).max(1);
    let pages = count("KONBIT_BENCH_PAGES", 1_000).max(1);
    let queries = count("KONBIT_BENCH_QUERIES", 200).max(1);
    let grep_runs = count("KONBIT_BENCH_GREP_RUNS", 3).max(1);
    let saves = count("KONBIT_BENCH_SAVES", 20);
    let pushes = count("KONBIT_BENCH_PUSHES", 10);
    let bench_started = Instant::now();

    let root = tempfile::tempdir().expect("temp dir");
    let home = root.path().join("home");
    let config = root.path().join("config");
    let data = root.path().join("data");
    let checkout = root.path().join("checkout");
    for dir in [&home, &config, &data, &checkout] {
        std::fs::create_dir_all(dir).expect("a folder");
    }

    let tarball = std::env::var_os("KONBIT_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/tldr-pages.tar.gz")
        });
    let corpus = match load_corpus(&tarball, &root.path().join("corpus")) {
        Ok(corpus) => {
            println!(
                "corpus: tldr pages (CC BY 4.0, © the tldr-pages team and contributors), {} \
                 pages in {} languages",
                corpus.iter().map(Vec::len).sum::<usize>(),
                corpus.len()
            );
            Some(corpus)
        }
        Err(why) => {
            println!(
                "corpus not found ({why}); the pages are GENERATED TEXT, not real pages \
                 (set KONBIT_BENCH_CORPUS to the tldr tarball)"
            );
            None
        }
    };

    // The farm: repositories, configuration, and a checkout of every wiki for grep.
    let started = Instant::now();
    let mut bytes = 0;
    let mut fresh_pages = Vec::new();
    for index in 0..wikis {
        let lang = LANGS[index % LANGS.len()];
        let sources = corpus.as_ref().map(|corpus| {
            let at = CORPUS_DIRS
                .iter()
                .position(|(code, _)| *code == lang)
                .expect("a corpus language");
            corpus[at].as_slice()
        });
        let generated = wiki_pages(sources, index, pages);
        let repo = data.join(format!("{}.git", slug(index)));
        bytes += build_repository(&home, &repo, &generated);
        check_out(&home, &repo, &checkout.join(slug(index)));
        if index == 0 {
            fresh_pages = generated.into_iter().map(|(path, _)| path).collect();
        }
    }
    let total_pages = wikis * pages;
    println!(
        "built {wikis} wikis × {pages} pages = {total_pages} pages ({:.1} MiB of Markdown) in \
         {:.1} s, and checked them out for grep",
        bytes as f64 / (1 << 20) as f64,
        started.elapsed().as_secs_f64()
    );
    let readable_by_visitor = (0..wikis).filter(|&i| !private(i)).count();

    let mut farm =
        String::from("[farm]\nname = \"Bench\"\ndata_dir = \"../data\"\ndefault_lang = \"en\"\n");
    for index in 0..wikis {
        let (owner, visibility) = if private(index) {
            ("coop", "private")
        } else {
            ("commons", "public")
        };
        farm.push_str(&format!(
            "\n[wikis.{slug}]\ntitle = \"Wiki {index}\"\nowner = \"{owner}\"\nvisibility = \
             \"{visibility}\"\nlang = \"{lang}\"\n",
            slug = slug(index),
            lang = LANGS[index % LANGS.len()],
        ));
    }
    std::fs::write(config.join("farm.toml"), farm).expect("farm.toml");
    let hash = konbit::roster::hash_password(PASSWORD).expect("hash");
    std::fs::write(
        config.join("roster.toml"),
        format!(
            "[people.ed]\nname = \"Ed\"\nemail = \"ed@example.org\"\npassword = \"{hash}\"\n\n\
             [people.pat]\nname = \"Pat\"\nemail = \"pat@example.org\"\npassword = \"{hash}\"\n\n\
             [organisations.coop]\nname = \"Coop\"\nmembers = {{ ed = \"editor\" }}\n\n\
             [organisations.commons]\nname = \"Commons\"\nmembers = {{ pat = \"admin\" }}\n"
        ),
    )
    .expect("roster.toml");

    // 1. Rebuild throughput: `konbit reindex` on the fresh farm.
    let started = Instant::now();
    let reindex = Command::new(env!("CARGO_BIN_EXE_konbit"))
        .args(["reindex", "--config"])
        .arg(&config)
        .stdin(Stdio::null())
        .output()
        .expect("konbit reindex");
    let reindex_time = started.elapsed();
    assert!(
        reindex.status.success(),
        "konbit reindex failed:\n{}",
        String::from_utf8_lossy(&reindex.stderr)
    );
    let said = String::from_utf8_lossy(&reindex.stdout);
    let said = said
        .lines()
        .find(|line| line.starts_with("search index rebuilt"))
        .unwrap_or("(no summary line)")
        .to_owned();
    let index_dir = data.join("search-index");
    println!(
        "konbit reindex: {:.1} s wall, {:.0} pages/s; index {:.1} MiB on disk; it said: {said}",
        reindex_time.as_secs_f64(),
        total_pages as f64 / reindex_time.as_secs_f64(),
        folder_size(&index_dir) as f64 / (1 << 20) as f64,
    );

    // The server's own catch-up at start, on a data folder without an index.
    std::fs::remove_dir_all(&index_dir).expect("removing the index");
    let started = Instant::now();
    let (server, base, log) = start_server(&config, &[]);
    let caught_up = log.wait_for("search index caught up", Duration::from_secs(900));
    let waited = started.elapsed();
    let elapsed = log_field(&caught_up, "elapsed").and_then(debug_seconds);
    let indexed = log_field(&caught_up, "pages").unwrap_or("?");
    match elapsed {
        Some(seconds) => println!(
            "server start-up catch-up (index deleted): {seconds:.1} s by its log ({indexed} \
             pages, {:.0} pages/s); {:.1} s from spawn to the log line",
            total_pages as f64 / seconds,
            waited.as_secs_f64()
        ),
        None => println!("server start-up catch-up: {caught_up}"),
    }

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let filtered = slug((wikis / 2 + 1).min(wikis - 1));
    let kinds = [
        Kind {
            name: "common word",
            query: "file".into(),
            grep: Grep::Fixed("file"),
        },
        Kind {
            name: "rare word",
            query: "wireguard".into(),
            grep: Grep::Fixed("wireguard"),
        },
        Kind {
            name: "two words",
            query: "remove directory".into(),
            grep: Grep::Both("remove", "directory"),
        },
        Kind {
            name: "phrase",
            query: "\"current directory\"".into(),
            grep: Grep::Fixed("current directory"),
        },
        Kind {
            name: "prefix",
            query: "doc*".into(),
            grep: Grep::Pattern("\\bdoc"),
        },
        Kind {
            name: "wiki: filter",
            query: format!("file wiki:{filtered}"),
            grep: Grep::InWiki("file", filtered.clone()),
        },
        Kind {
            name: "mistyped word",
            query: "direcotry".into(),
            grep: Grep::Fixed("direcotry"),
        },
    ];

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let member = runtime.block_on(sign_in(&client, &base, "ed", PASSWORD));

    // 2. Query latency over HTTP, as a visitor and as a member.
    let mut member_medians = Vec::new();
    for (who, cookie, readable) in [
        ("visitor", None, readable_by_visitor),
        ("member", Some(member.as_str()), wikis),
    ] {
        println!(
            "query latency as a {who} ({readable} readable wikis of {wikis}), GET /search, \
             {queries} requests per kind:"
        );
        for kind in &kinds {
            let url = search_url(&base, &kind.query);
            let (samples, results) = runtime.block_on(async {
                let (status, html) = get(&client, &url, cookie).await;
                assert_eq!(status, 200, "{url}");
                let results = results_of(&html);
                for _ in 0..3 {
                    let _ = get(&client, &url, cookie).await;
                }
                let mut samples = Vec::with_capacity(queries);
                for _ in 0..queries {
                    let started = Instant::now();
                    let (status, _) = get(&client, &url, cookie).await;
                    samples.push(started.elapsed());
                    assert_eq!(status, 200, "{url}");
                }
                (samples, results)
            });
            let (median, p99) = stats(samples);
            println!(
                "  {:<14} {:<24} median {:>7.2} ms  p99 {:>7.2} ms  results {}{}{}{}",
                kind.name,
                format!("`{}`", kind.query),
                ms(median),
                ms(p99),
                results
                    .total
                    .map_or_else(|| "?".to_owned(), |n| n.to_string()),
                results
                    .first_title
                    .map(|t| format!(", first `{t}`"))
                    .unwrap_or_default(),
                results
                    .correction
                    .map(|c| format!(", did you mean `{c}`"))
                    .unwrap_or_default(),
                if results.catching_up {
                    " (CATCHING UP)"
                } else {
                    ""
                },
            );
            if cookie.is_some() {
                member_medians.push(median);
            }
        }
    }

    // 3. The baseline: grep over a checkout of every wiki (the member's set of pages).
    println!(
        "baseline: grep over a checkout of all {total_pages} pages ({wikis} wikis), median of \
         {grep_runs} runs, beside the member's median:"
    );
    for (kind, konbit_median) in kinds.iter().zip(&member_medians) {
        let mut files = 0;
        let samples: Vec<Duration> = (0..grep_runs)
            .map(|_| {
                let started = Instant::now();
                files = kind.grep.run(&checkout);
                started.elapsed()
            })
            .collect();
        let (median, _) = stats(samples);
        println!(
            "  {:<14} {:<58} median {:>8.1} ms  files {:>6}  konbit {:>6.2} ms  ratio grep/konbit {:>6.1}×",
            kind.name,
            kind.grep.describe(),
            ms(median),
            files,
            ms(*konbit_median),
            median.as_secs_f64() / konbit_median.as_secs_f64()
        );
    }

    // 4. Freshness: a browser save, then a push, until the new word is found.
    let wiki = slug(0);
    let save_waits = runtime.block_on(async {
        let mut waits = Vec::new();
        let mut missed = 0;
        for i in 0..saves {
            let page = &fresh_pages[(i * 37) % fresh_pages.len()];
            let form_url = format!("{base}/{wiki}/_edit/{page}");
            let (status, form) = get(&client, &form_url, Some(&member)).await;
            assert_eq!(status, 200, "{form_url}");
            let (csrf, base_commit) = (hidden(&form, "csrf"), hidden(&form, "base"));
            let word = format!("zqsaved{i}x");
            let text = format!("# Saved {i}\n\nThis page now mentions {word} once.\n");
            let response = client
                .post(&form_url)
                .header("cookie", &member)
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
            let answered = Instant::now();
            assert_eq!(response.status(), 303, "save {i} of {page}");
            match found_after(&client, &base, &member, &word, answered).await {
                Some(wait) => waits.push(wait),
                None => missed += 1,
            }
        }
        (waits, missed)
    });
    report_freshness("browser save (POST /_edit) until found", save_waits);

    if pushes > 0 {
        let host = base.trim_start_matches("http://");
        let work = home.join("push");
        run(git(&home)
            .args(["clone", "-q"])
            .arg(format!("http://ed:{PASSWORD}@{host}/{wiki}.git"))
            .arg(&work));
        let mut waits = Vec::new();
        let mut missed = 0;
        for i in 0..pushes {
            let word = format!("zqpushed{i}x");
            std::fs::create_dir_all(work.join("pushed")).expect("folder");
            std::fs::write(
                work.join(format!("pushed/page-{i}.md")),
                format!("# Pushed {i}\n\nThis page mentions {word} once.\n"),
            )
            .expect("write a page");
            run(git(&home).current_dir(&work).args(["add", "-A"]));
            run(git(&home)
                .current_dir(&work)
                .args(["commit", "-q", "-m", &format!("push {i}")]));
            run(git(&home)
                .current_dir(&work)
                .args(["push", "-q", "origin", "HEAD:main"]));
            let returned = Instant::now();
            match runtime.block_on(found_after(&client, &base, &member, &word, returned)) {
                Some(wait) => waits.push(wait),
                None => missed += 1,
            }
        }
        report_freshness("git push over HTTP until found", (waits, missed));
    }

    if let Some(mib) = resident_mib(server.0.id()) {
        println!("server resident memory at the end: {mib:.0} MiB");
    }
    // The farm has no public address on purpose; anything else the server warns of is shown.
    let problems: Vec<String> = log
        .matching("WARN")
        .into_iter()
        .filter(|line| !line.contains("farm.base_url"))
        .collect();
    let errors = log.matching("ERROR");
    if !problems.is_empty() || !errors.is_empty() {
        println!(
            "the server logged {} warnings and {} errors; the first: {}",
            problems.len(),
            errors.len(),
            errors
                .first()
                .or(problems.first())
                .map_or("", |s| s.as_str())
        );
    }
    drop(server);
    println!(
        "whole bench: {:.0} s",
        bench_started.elapsed().as_secs_f64()
    );
}

fn report_freshness(name: &str, (waits, missed): (Vec<Duration>, usize)) {
    if waits.is_empty() {
        println!("{name}: never found within 10 s ({missed} tries)");
        return;
    }
    let n = waits.len();
    let max = waits.iter().max().copied().unwrap_or_default();
    let (median, p99) = stats(waits);
    println!(
        "{name}: n={n} median {:.0} ms  p99 {:.0} ms  max {:.0} ms{}",
        ms(median),
        ms(p99),
        ms(max),
        if missed > 0 {
            format!("; NOT FOUND within 10 s: {missed}")
        } else {
            String::new()
        }
    );
}
