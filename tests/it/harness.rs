//! The test harness: a farm written from plain fixture data into a temporary folder, the real
//! `konbit` binary serving it on a loopback port, and a browser that keeps its own cookies.
//!
//! Tests wait on the server's own signals (its log lines) rather than sleeping, and every failed
//! request or wait prints the server's log, so that a failure says what the server saw.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, LazyLock, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// The password of every test person unless a test gives one its own hash.
pub const PASSWORD: &str = "correct horse battery staple";

/// Hashing costs a noticeable fraction of a second at the default cost, so the test process
/// does it once and every person shares the hash.
static PASSWORD_HASH: LazyLock<String> = LazyLock::new(|| {
    konbit::roster::hash_password(PASSWORD).expect("hashing a fixed password cannot fail")
});

/// How long the server may take to do what a test waits for. Generous: a loaded CI machine is
/// slow, and a passing test never waits this long.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A farm described in code: people, organisations and wikis with their seed files.
#[derive(Clone)]
pub struct Farm {
    name: String,
    default_lang: Option<String>,
    base_url: Option<String>,
    people: Vec<Person>,
    organisations: Vec<Organisation>,
    wikis: Vec<Wiki>,
}

#[derive(Clone)]
struct Person {
    login: String,
    farm_admin: bool,
    hash: Option<String>,
}

#[derive(Clone)]
struct Organisation {
    slug: String,
    name: String,
    members: Vec<(String, String)>,
}

/// One wiki of a [`Farm`]: its settings and the files of its first commit.
#[derive(Clone)]
pub struct Wiki {
    slug: String,
    title: String,
    owner: String,
    visibility: String,
    lang: Option<String>,
    hosts: Vec<String>,
    grants: Vec<(String, String)>,
    files: Vec<(String, Vec<u8>)>,
}

impl Wiki {
    pub fn new(slug: &str, owner: &str, visibility: &str) -> Wiki {
        Wiki {
            slug: slug.to_owned(),
            title: format!("Wiki {slug}"),
            owner: owner.to_owned(),
            visibility: visibility.to_owned(),
            lang: None,
            hosts: Vec::new(),
            grants: Vec::new(),
            files: Vec::new(),
        }
    }

    pub fn title(mut self, title: &str) -> Wiki {
        self.title = title.to_owned();
        self
    }

    /// The language its pages are written in (`lang` in farm.toml).
    pub fn lang(mut self, lang: &str) -> Wiki {
        self.lang = Some(lang.to_owned());
        self
    }

    pub fn host(mut self, host: &str) -> Wiki {
        self.hosts.push(host.to_owned());
        self
    }

    pub fn grant(mut self, login: &str, role: &str) -> Wiki {
        self.grants.push((login.to_owned(), role.to_owned()));
        self
    }

    /// A page, by page path (without `.md`).
    pub fn page(self, path: &str, markdown: &str) -> Wiki {
        self.file(&format!("{path}.md"), markdown.as_bytes())
    }

    /// Any file of the first commit, by its path in the repository.
    pub fn file(mut self, path: &str, bytes: impl Into<Vec<u8>>) -> Wiki {
        self.files.push((path.to_owned(), bytes.into()));
        self
    }
}

impl Farm {
    pub fn new() -> Farm {
        Farm {
            name: "Ferme de test".to_owned(),
            default_lang: None,
            base_url: None,
            people: Vec::new(),
            organisations: Vec::new(),
            wikis: Vec::new(),
        }
    }

    pub fn default_lang(mut self, lang: &str) -> Farm {
        self.default_lang = Some(lang.to_owned());
        self
    }

    pub fn base_url(mut self, url: &str) -> Farm {
        self.base_url = Some(url.to_owned());
        self
    }

    /// A person whose password is [`PASSWORD`].
    pub fn person(mut self, login: &str) -> Farm {
        self.people.push(Person {
            login: login.to_owned(),
            farm_admin: false,
            hash: None,
        });
        self
    }

    /// A person with a password hash of the test's own.
    pub fn person_with_hash(mut self, login: &str, hash: &str) -> Farm {
        self.people.push(Person {
            login: login.to_owned(),
            farm_admin: false,
            hash: Some(hash.to_owned()),
        });
        self
    }

    pub fn farm_admin(mut self, login: &str) -> Farm {
        self.people.push(Person {
            login: login.to_owned(),
            farm_admin: true,
            hash: None,
        });
        self
    }

    /// An organisation with its members and their roles.
    pub fn organisation(mut self, slug: &str, name: &str, members: &[(&str, &str)]) -> Farm {
        self.organisations.push(Organisation {
            slug: slug.to_owned(),
            name: name.to_owned(),
            members: members
                .iter()
                .map(|(login, role)| ((*login).to_owned(), (*role).to_owned()))
                .collect(),
        });
        self
    }

    pub fn wiki(mut self, wiki: Wiki) -> Farm {
        self.wikis.push(wiki);
        self
    }

    /// The text of `farm.toml`.
    pub fn farm_toml(&self) -> String {
        let mut text = String::from("[farm]\n");
        writeln!(text, "name = {}", quote(&self.name)).expect("writing to a String");
        text.push_str("data_dir = \"../data\"\n");
        if let Some(lang) = &self.default_lang {
            writeln!(text, "default_lang = {}", quote(lang)).expect("writing to a String");
        }
        if let Some(url) = &self.base_url {
            writeln!(text, "base_url = {}", quote(url)).expect("writing to a String");
        }
        for wiki in &self.wikis {
            text.push_str(&wiki_toml(wiki));
        }
        text
    }

    /// The text of `roster.toml`.
    pub fn roster_toml(&self) -> String {
        let mut text = String::new();
        for person in &self.people {
            let hash = person.hash.as_deref().unwrap_or(&PASSWORD_HASH);
            write!(
                text,
                "[people.{login}]\nname = {name}\nemail = \"{login}@example.org\"\npassword = {hash}\n",
                login = person.login,
                name = quote(&display_name(&person.login)),
                hash = quote(hash),
            )
            .expect("writing to a String");
            if person.farm_admin {
                text.push_str("farm_admin = true\n");
            }
            text.push('\n');
        }
        for organisation in &self.organisations {
            text.push_str(&organisation_toml(organisation));
        }
        text
    }

    /// Writes the configuration folder and the seeds into a new temporary folder.
    pub fn write(&self) -> FarmDir {
        let dir = FarmDir::empty();
        std::fs::create_dir_all(dir.config_dir()).expect("creating the config folder");
        for wiki in &self.wikis {
            for (path, bytes) in &wiki.files {
                let file = dir.config_dir().join("seeds").join(&wiki.slug).join(path);
                std::fs::create_dir_all(file.parent().expect("a seed file has a folder"))
                    .expect("creating a seed folder");
                std::fs::write(&file, bytes).expect("writing a seed file");
            }
        }
        dir.write_config("farm.toml", &self.farm_toml());
        dir.write_config("roster.toml", &self.roster_toml());
        dir
    }

    /// Writes the farm and starts a server on it.
    pub fn start(&self) -> Server {
        self.write().start()
    }
}

/// "reader" → "Person Reader": display names differ from logins so that tests can tell a name
/// shown on a page from a login echoed in a form.
pub fn display_name(login: &str) -> String {
    let mut chars = login.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
    format!("Person {}{}", first.unwrap_or_default(), chars.as_str())
}

fn wiki_toml(wiki: &Wiki) -> String {
    let mut text = format!(
        "\n[wikis.{slug}]\ntitle = {title}\nowner = {owner}\nvisibility = {visibility}\n",
        slug = wiki.slug,
        title = quote(&wiki.title),
        owner = quote(&wiki.owner),
        visibility = quote(&wiki.visibility),
    );
    if let Some(lang) = &wiki.lang {
        writeln!(text, "lang = {}", quote(lang)).expect("writing to a String");
    }
    if !wiki.hosts.is_empty() {
        let hosts: Vec<String> = wiki.hosts.iter().map(|h| quote(h)).collect();
        writeln!(text, "hosts = [{}]", hosts.join(", ")).expect("writing to a String");
    }
    if !wiki.grants.is_empty() {
        let grants: Vec<String> = wiki
            .grants
            .iter()
            .map(|(login, role)| format!("{login} = {}", quote(role)))
            .collect();
        writeln!(text, "grants = {{ {} }}", grants.join(", ")).expect("writing to a String");
    }
    if !wiki.files.is_empty() {
        writeln!(text, "seed = \"seeds/{}\"", wiki.slug).expect("writing to a String");
    }
    text
}

fn organisation_toml(organisation: &Organisation) -> String {
    let members: Vec<String> = organisation
        .members
        .iter()
        .map(|(login, role)| format!("{login} = {}", quote(role)))
        .collect();
    format!(
        "[organisations.{}]\nname = {}\nmembers = {{ {} }}\n\n",
        organisation.slug,
        quote(&organisation.name),
        members.join(", ")
    )
}

/// A TOML basic string.
fn quote(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The 1-based number of the first line of `text` that contains `needle`: tests compute the
/// line an error should name from the file they wrote, not from a number typed by hand.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("no line contains {needle:?} in:\n{text}"))
        + 1
}

/// A farm on disk: `config/` (farm.toml, roster.toml, seeds/) and `data/`, in a temporary
/// folder removed when the last holder is dropped — unless that happens while a test is failing
/// (its thread panicking): then the folder is kept for inspection and its path printed.
#[derive(Clone)]
pub struct FarmDir {
    root: Arc<Root>,
}

/// The temporary folder of a [`FarmDir`], shared by its clones.
struct Root {
    path: PathBuf,
    dir: Option<tempfile::TempDir>,
}

impl Drop for Root {
    fn drop(&mut self) {
        let Some(dir) = self.dir.take() else { return };
        if std::thread::panicking() {
            let path = dir.keep();
            eprintln!(
                "the failed test's farm is kept for inspection: {}",
                path.display()
            );
        }
        // Otherwise `dir` is dropped here, which removes the folder.
    }
}

/// How a server that should not have started ended.
#[derive(Debug)]
pub struct StartFailure {
    pub status: ExitStatus,
    pub stderr: String,
}

impl FarmDir {
    /// A farm folder holding copies of existing folders, by their name under the farm's root
    /// (`config`, `themes`…), such as the demo farm shipped with konbit.
    pub fn copy_of(folders: &[(&Path, &str)]) -> FarmDir {
        let dir = FarmDir::empty();
        for (source, name) in folders {
            copy_tree(source, &dir.path().join(name));
        }
        dir
    }

    /// A new, empty temporary folder.
    fn empty() -> FarmDir {
        let dir = tempfile::Builder::new()
            .prefix("konbit-it-")
            .tempdir()
            .expect("creating a temporary folder");
        FarmDir {
            root: Arc::new(Root {
                path: dir.path().to_owned(),
                dir: Some(dir),
            }),
        }
    }

    pub fn config_dir(&self) -> PathBuf {
        self.root.path.join("config")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.root.path.join("data")
    }

    /// The bare repository of a wiki.
    pub fn repo(&self, slug: &str) -> PathBuf {
        self.data_dir().join(format!("{slug}.git"))
    }

    /// Replaces a configuration file in one step (write aside, then rename), so that a server
    /// polling the folder never reads half a file.
    pub fn write_config(&self, name: &str, text: &str) {
        let target = self.config_dir().join(name);
        let aside = self.config_dir().join(format!(".{name}.new"));
        std::fs::write(&aside, text).expect("writing a config file");
        std::fs::rename(&aside, &target).expect("replacing a config file");
    }

    pub fn read_config(&self, name: &str) -> String {
        std::fs::read_to_string(self.config_dir().join(name)).expect("reading a config file")
    }

    /// `konbit COMMAND --config DIR ARGS…`, run to its end.
    pub fn konbit(&self, command: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_konbit"))
            .arg(command)
            .arg("--config")
            .arg(self.config_dir())
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("running konbit")
    }

    /// `konbit check --config DIR`.
    pub fn check(&self) -> Output {
        Command::new(env!("CARGO_BIN_EXE_konbit"))
            .arg("check")
            .arg("--config")
            .arg(self.config_dir())
            .stdin(Stdio::null())
            .output()
            .expect("running konbit check")
    }

    /// Starts `konbit serve` on this farm; panics with the server's output if it does not start.
    pub fn start(&self) -> Server {
        self.try_start()
            .unwrap_or_else(|failure| panic!("the server did not start: {failure:?}"))
    }

    /// Starts `konbit serve` with more options; panics with the server's output if it does not
    /// start.
    pub fn start_with(&self, options: &[&str]) -> Server {
        self.try_start_with(options)
            .unwrap_or_else(|failure| panic!("the server did not start: {failure:?}"))
    }

    /// Starts `konbit serve` on this farm, or says how it ended if it stopped before listening.
    pub fn try_start(&self) -> Result<Server, StartFailure> {
        self.try_start_with(&[])
    }

    fn try_start_with(&self, options: &[&str]) -> Result<Server, StartFailure> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_konbit"))
            .arg("serve")
            .arg("--config")
            .arg(self.config_dir())
            .args(["--listen", "127.0.0.1:0"])
            .args(options)
            .env("RUST_LOG", "konbit=info,warn")
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting konbit serve");

        let log = Arc::new(Log::default());
        let stderr = child.stderr.take().expect("stderr is piped");
        let collector = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                collector.push(line);
            }
            collector.close();
        });

        let stdout = child.stdout.take().expect("stdout is piped");
        let (address_tx, address_rx) = mpsc::channel();
        std::thread::spawn(move || {
            // Keep reading to the end so that the server never blocks on a full pipe.
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(address) = line.strip_prefix("konbit listening on http://") {
                    // The receiver is gone only if the test already gave up.
                    let _ = address_tx.send(address.trim().to_owned());
                }
            }
        });

        match address_rx.recv_timeout(PATIENCE) {
            Ok(address) => Ok(Server {
                dir: self.clone(),
                child,
                base: format!("http://{address}"),
                address,
                log,
            }),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = child.wait().expect("waiting for konbit serve");
                log.wait_closed();
                Err(StartFailure {
                    status,
                    stderr: log.all(),
                })
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "konbit serve printed no address within {PATIENCE:?}; its log:\n{}",
                    log.all()
                )
            }
        }
    }

    /// Runs `git` on this farm's files with a private HOME and no system or user configuration.
    pub fn git(&self, args: &[&str]) -> String {
        let home = self.root.path.join("home");
        std::fs::create_dir_all(&home).expect("creating the private HOME");
        let output = Command::new("git")
            .args(args)
            .current_dir(&self.root.path)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
            .env("GIT_AUTHOR_NAME", "Test Author")
            .env("GIT_AUTHOR_EMAIL", "author@example.org")
            .env("GIT_COMMITTER_NAME", "Test Author")
            .env("GIT_COMMITTER_EMAIL", "author@example.org")
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(Stdio::null())
            .output()
            .expect("running git (is it installed?)");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .expect("git prints UTF-8 here")
            .trim()
            .to_owned()
    }

    /// Runs `git` on the bare repository of wiki `slug`.
    pub fn git_in(&self, slug: &str, args: &[&str]) -> String {
        let repo = self.repo(slug);
        let mut all = vec!["--git-dir", repo.to_str().expect("a UTF-8 temporary path")];
        all.extend_from_slice(args);
        self.git(&all)
    }

    pub fn path(&self) -> &Path {
        self.root.path.as_path()
    }
}

fn copy_tree(source: &Path, target: &Path) {
    std::fs::create_dir_all(target).expect("creating a folder");
    for entry in std::fs::read_dir(source).expect("reading a folder") {
        let entry = entry.expect("reading a folder entry");
        let path = entry.path();
        if entry.file_type().expect("a file type").is_dir() {
            copy_tree(&path, &target.join(entry.file_name()));
        } else {
            std::fs::copy(&path, target.join(entry.file_name())).expect("copying a file");
        }
    }
}

/// The server's log (its standard error), line by line, as it comes.
#[derive(Default)]
struct Log {
    state: Mutex<LogState>,
    changed: Condvar,
}

#[derive(Default)]
struct LogState {
    lines: Vec<String>,
    /// Lines before this index were already matched by `wait_for`: each wait needs a new signal.
    consumed: usize,
    closed: bool,
}

impl Log {
    fn push(&self, line: String) {
        self.state.lock().expect("log lock").lines.push(line);
        self.changed.notify_all();
    }

    fn close(&self) {
        self.state.lock().expect("log lock").closed = true;
        self.changed.notify_all();
    }

    fn wait_closed(&self) {
        let deadline = Instant::now() + PATIENCE;
        let mut state = self.state.lock().expect("log lock");
        while !state.closed && Instant::now() < deadline {
            state = self
                .changed
                .wait_timeout(state, deadline - Instant::now())
                .expect("log lock")
                .0;
        }
    }

    fn all(&self) -> String {
        self.state.lock().expect("log lock").lines.join("\n")
    }

    /// Waits for a line, old or new, that `matches`, without moving the cursor of
    /// [`Log::wait_for`]: for signals that are unique, such as one naming a commit.
    fn wait_for_line(
        &self,
        matches: impl Fn(&str) -> bool,
        what: &str,
        timeout: Duration,
    ) -> String {
        let deadline = Instant::now() + timeout;
        let mut state = self.state.lock().expect("log lock");
        loop {
            if let Some(line) = state.lines.iter().find(|line| matches(line)) {
                return line.clone();
            }
            let now = Instant::now();
            if state.closed || now >= deadline {
                panic!(
                    "the server did not log {what:?} within {timeout:?}; its log:\n{}",
                    state.lines.join("\n")
                );
            }
            state = self
                .changed
                .wait_timeout(state, deadline - now)
                .expect("log lock")
                .0;
        }
    }

    fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut state = self.state.lock().expect("log lock");
        loop {
            let start = state.consumed;
            if let Some(offset) = state.lines[start..].iter().position(|l| l.contains(needle)) {
                state.consumed = start + offset + 1;
                return state.lines[start + offset].clone();
            }
            let now = Instant::now();
            if state.closed || now >= deadline {
                panic!(
                    "the server did not log {needle:?} within {timeout:?}; its log:\n{}",
                    state.lines.join("\n")
                );
            }
            state = self
                .changed
                .wait_timeout(state, deadline - now)
                .expect("log lock")
                .0;
        }
    }
}

/// A running `konbit serve`, killed when dropped.
pub struct Server {
    dir: FarmDir,
    child: Child,
    base: String,
    address: String,
    log: Arc<Log>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Kills the server at once (SIGKILL), as a crash or a power cut would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn dir(&self) -> &FarmDir {
        &self.dir
    }

    /// The processor time the server has used so far, all its threads together (from the
    /// kernel's accounting, in steps of a clock tick).
    pub fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))
            .expect("the server's /proc entry");
        // The command's name, in parentheses, may hold spaces: count fields after it.
        let fields: Vec<&str> = stat[stat.rfind(')').expect("a command name") + 2..]
            .split(' ')
            .collect();
        let ticks: u64 =
            fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime");
        // Linux reports these in USER_HZ, which is 100 on every architecture it runs on.
        Duration::from_millis(ticks * 10)
    }

    /// `http://127.0.0.1:PORT`, for clients other than [`Browser`].
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `127.0.0.1:PORT`, for clients that speak TCP themselves.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Asks the server to stop as an operator would (SIGTERM) and waits, at most [`PATIENCE`],
    /// for it to end; `None` if it is still running then.
    pub fn terminate(&mut self) -> Option<ExitStatus> {
        self.send_sigterm();
        self.wait_for_exit(PATIENCE)
    }

    /// Sends SIGTERM, as an operator's `kill` or a service manager does, without waiting.
    pub fn send_sigterm(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("running kill");
        assert!(sent.success(), "kill -TERM failed");
    }

    /// How the server ended, if it does within `timeout`.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("waiting for konbit serve") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// A new browser, with no cookies and no Accept-Language.
    pub fn browser(&self) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(PATIENCE)
                .build()
                .expect("building an HTTP client"),
            base: self.base.clone(),
            cookies: BTreeMap::new(),
            accept_language: None,
            log: self.log.clone(),
        }
    }

    /// A new browser signed in as `login` with [`PASSWORD`].
    pub async fn signed_in(&self, login: &str) -> Browser {
        let mut browser = self.browser();
        browser.sign_in(login, PASSWORD).await;
        browser
    }

    /// Waits for the next log line containing `needle` that no earlier wait matched, and
    /// returns it.
    pub fn wait_for_log(&self, needle: &str, timeout: Duration) -> String {
        self.log.wait_for(needle, timeout)
    }

    /// Waits for the server's own signal that the branch of wiki `slug` moved to the commit
    /// `to` ("branch moved", logged once the change is in and derived state follows it), and
    /// returns the commit it moved from. Commit ids are unique, so this wait neither takes nor
    /// skips the signals other waits look for.
    pub fn wait_for_branch_moved(&self, slug: &str, to: &str) -> String {
        let wiki = format!(" wiki={slug} ");
        let target = format!(" to={to}");
        let line = self.log.wait_for_line(
            |line| line.contains("branch moved") && line.contains(&wiki) && line.ends_with(&target),
            &format!("branch moved wiki={slug} … to={to}"),
            PATIENCE,
        );
        line.split(" from=")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or_else(|| panic!("a branch-moved line without from=: {line}"))
            .to_owned()
    }

    pub fn log(&self) -> String {
        self.log.all()
    }

    /// Stops the server and waits for its end.
    pub fn stop(self) {
        drop(self);
    }

    /// Sends a request line exactly as given, byte for byte, over a fresh connection: HTTP
    /// client libraries normalise `..` and escapes, an attacker's client does not.
    pub fn raw_get(&self, target: &str) -> Reply {
        let mut stream =
            std::net::TcpStream::connect(&self.address).expect("connecting to the server");
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("setting a read timeout");
        let request = format!(
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        );
        stream
            .write_all(request.as_bytes())
            .expect("sending the request");
        let mut bytes = Vec::new();
        // A reset connection still leaves what was read; an empty answer is reported below.
        let _ = stream.read_to_end(&mut bytes);
        parse_raw_response(&bytes).unwrap_or_else(|| {
            panic!(
                "GET {target:?} got no HTTP answer ({} bytes); server log:\n{}",
                bytes.len(),
                self.log.all()
            )
        })
    }
}

fn parse_raw_response(bytes: &[u8]) -> Option<Reply> {
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let mut headers = HeaderMap::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        headers.append(
            HeaderName::from_bytes(name.trim().as_bytes()).ok()?,
            HeaderValue::from_str(value.trim()).ok()?,
        );
    }
    let mut body = bytes[split + 4..].to_vec();
    let chunked = headers
        .get("transfer-encoding")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"chunked"));
    if chunked {
        body = dechunk(&body)?;
    }
    Some(Reply::new(status, headers, body))
}

fn dechunk(mut bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = bytes.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&bytes[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(bytes.get(..size)?);
        bytes = bytes.get(size + 2..)?;
    }
}

/// An answer: status, headers and body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    pub text: String,
}

impl Reply {
    fn new(status: u16, headers: HeaderMap, bytes: Vec<u8>) -> Reply {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Reply {
            status,
            headers,
            bytes,
            text,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every value of a header, such as the `set-cookie` lines.
    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    }

    /// Asserts the status, showing the body when it is not the expected one.
    #[track_caller]
    pub fn expect(self, status: u16) -> Reply {
        assert_eq!(
            self.status, status,
            "unexpected status; headers {:?}; body:\n{}",
            self.headers, self.text
        );
        self
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The `Set-Cookie` line of a cookie, if this answer sets it.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.header_all("set-cookie")
            .into_iter()
            .find(|line| line.split('=').next() == Some(name))
    }

    /// The value of the first hidden `csrf` input of the page.
    #[track_caller]
    pub fn csrf(&self) -> String {
        input_value(&self.text, "csrf")
            .unwrap_or_else(|| panic!("no csrf input on the page:\n{}", self.text))
    }

    /// The value of the first input named `name` (a hidden field such as `base` or `rev`).
    #[track_caller]
    pub fn field(&self, name: &str) -> String {
        input_value(&self.text, name)
            .unwrap_or_else(|| panic!("no input {name} on the page:\n{}", self.text))
    }

    /// The page's `<main>` element, without the layout around it.
    #[track_caller]
    pub fn main(&self) -> &str {
        let start = self
            .text
            .find("<main")
            .unwrap_or_else(|| panic!("no <main> on the page:\n{}", self.text));
        let end = self.text[start..]
            .find("</main>")
            .map(|end| start + end + "</main>".len())
            .expect("a closed <main>");
        &self.text[start..end]
    }

    /// The `lang` attribute of the page's `<html>`.
    pub fn html_lang(&self) -> Option<&str> {
        let start = self.text.find("<html lang=\"")? + "<html lang=\"".len();
        let end = self.text[start..].find('"')? + start;
        Some(&self.text[start..end])
    }

    /// Every `<a …>` of the page, with its attributes and its text (tags inside stripped).
    pub fn links(&self) -> Vec<Link> {
        let mut links = Vec::new();
        let mut rest = self.text.as_str();
        while let Some(start) = rest.find("<a ") {
            rest = &rest[start + 3..];
            let Some(end) = rest.find('>') else { break };
            let attributes = parse_attributes(&rest[..end]);
            rest = &rest[end + 1..];
            let close = rest.find("</a>").unwrap_or(rest.len());
            let text = strip_tags(&rest[..close]);
            links.push(Link { attributes, text });
        }
        links
    }

    /// The first link whose text is `text`.
    #[track_caller]
    pub fn link_with_text(&self, text: &str) -> Link {
        self.links()
            .into_iter()
            .find(|link| link.text == text)
            .unwrap_or_else(|| panic!("no link with text {text:?} in:\n{}", self.text))
    }
}

/// An `<a>` element as a test looks at it.
#[derive(Debug, Clone)]
pub struct Link {
    pub attributes: BTreeMap<String, String>,
    pub text: String,
}

impl Link {
    pub fn href(&self) -> Option<&str> {
        self.attributes.get("href").map(String::as_str)
    }

    pub fn class(&self) -> Option<&str> {
        self.attributes.get("class").map(String::as_str)
    }
}

/// `name="value"` pairs of a tag (konbit's HTML always quotes attributes with `"`).
fn parse_attributes(tag: &str) -> BTreeMap<String, String> {
    let mut attributes = BTreeMap::new();
    let mut rest = tag;
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq]
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("")
            .to_owned();
        let value_start = eq + 2;
        let Some(value_len) = rest[value_start..].find('"') else {
            break;
        };
        let value = rest[value_start..value_start + value_len].replace("&amp;", "&");
        attributes.insert(name, value);
        rest = &rest[value_start + value_len + 1..];
    }
    attributes
}

pub fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}

fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// A browser's session with the farm: it keeps cookies the way a browser does, follows no
/// redirect by itself, and may announce a language. A clone is another tab of the same browser.
#[derive(Clone)]
pub struct Browser {
    client: reqwest::Client,
    base: String,
    cookies: BTreeMap<String, String>,
    accept_language: Option<String>,
    log: Arc<Log>,
}

impl Browser {
    pub fn with_accept_language(mut self, value: &str) -> Browser {
        self.accept_language = Some(value.to_owned());
        self
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// Plants or replaces a cookie by hand, as another site or a stolen value would.
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let request = self.client.get(self.url(path));
        self.send(request, "GET", path).await
    }

    /// A GET whose `Host` header names another host than the server's address.
    pub async fn get_host(&mut self, host: &str, path: &str) -> Reply {
        let request = self.client.get(self.url(path)).header("host", host);
        self.send(request, "GET", path).await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let request = self.client.post(self.url(path)).form(fields);
        self.send(request, "POST", path).await
    }

    /// A form POST with headers of the test's choosing (`Origin`, `Sec-Fetch-Site`, `Host`),
    /// as another site's page or a client that is not a browser would send it.
    pub async fn post_form_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.client.post(self.url(path)).form(fields);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request, "POST", path).await
    }

    /// A `multipart/form-data` POST, as a browser sends an upload form: text fields, then one
    /// file field `(field name, file name, bytes)`.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> Reply {
        self.post_multipart_with(path, fields, file, &[]).await
    }

    /// An upload with headers of the test's choosing, like [`Browser::post_form_with`].
    pub async fn post_multipart_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
        headers: &[(&str, &str)],
    ) -> Reply {
        let boundary = "----konbit-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        let (name, file_name, bytes) = file;
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut request = self
            .client
            .post(self.url(path))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request, "POST", path).await
    }

    /// The CSRF token of the forms this browser is shown (read from the farm's home page).
    pub async fn csrf(&mut self) -> String {
        self.get("/").await.expect(200).csrf()
    }

    /// Signs in as a browser does: the form, its token, the POST; expects the redirect and the
    /// session cookie.
    pub async fn sign_in(&mut self, login: &str, password: &str) -> Reply {
        let reply = self.try_sign_in(login, password, "/").await;
        assert_eq!(
            reply.status, 303,
            "signing in as {login} failed; body:\n{}",
            reply.text
        );
        assert!(
            reply.set_cookie("konbit_session").is_some(),
            "signing in as {login} set no session cookie: {:?}",
            reply.headers
        );
        reply
    }

    /// The sign-in form filled in and sent, whatever the outcome.
    pub async fn try_sign_in(&mut self, login: &str, password: &str, next: &str) -> Reply {
        let form = self.get("/login").await.expect(200);
        let csrf = form.csrf();
        self.post_form(
            "/login",
            &[
                ("csrf", &csrf),
                ("login", login),
                ("password", password),
                ("next", next),
            ],
        )
        .await
    }

    fn url(&self, path: &str) -> String {
        assert!(path.starts_with('/'), "a path starts with '/': {path:?}");
        format!("{}{path}", self.base)
    }

    async fn send(
        &mut self,
        mut request: reqwest::RequestBuilder,
        method: &str,
        path: &str,
    ) -> Reply {
        if !self.cookies.is_empty() {
            let cookie: Vec<String> = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            request = request.header("cookie", cookie.join("; "));
        }
        if let Some(language) = &self.accept_language {
            request = request.header("accept-language", language);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => panic!(
                "{method} {path} got no answer: {error:?}; server log:\n{}",
                self.log.all()
            ),
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = match response.bytes().await {
            Ok(bytes) => bytes.to_vec(),
            Err(error) => panic!(
                "{method} {path}: the body did not arrive: {error:?}; server log:\n{}",
                self.log.all()
            ),
        };
        let reply = Reply::new(status, headers, bytes);
        for line in reply.header_all("set-cookie") {
            self.store_cookie(&line);
        }
        reply
    }

    fn store_cookie(&mut self, line: &str) {
        let mut parts = line.split(';');
        let Some((name, value)) = parts.next().and_then(|pair| pair.trim().split_once('=')) else {
            return;
        };
        let expired = parts.any(|attribute| attribute.trim().eq_ignore_ascii_case("max-age=0"));
        if expired {
            self.cookies.remove(name);
        } else {
            self.cookies.insert(name.to_owned(), value.to_owned());
        }
    }
}

/// The action layer: what a person does in a wiki, done the way their browser does it — open
/// the form, take its token (and, for the editor, its base revision), send it — so that no test
/// re-implements the forms. Each action returns the server's answer unchecked, for the test to
/// judge; opening a form expects it to be there (200) and shows the page otherwise.
///
/// A wiki is named by its slug and served under `/{slug}/`; a page by its path as a person
/// writes it (`Guides/Plan d'action`), encoded here.
///
/// For git, [`Server::git_client`] clones and pushes as a person (their login and
/// [`PASSWORD`] or a token in the URL).
impl Browser {
    /// Opens `page` (any address of the farm) and chooses the interface language `lang` with
    /// its language switch, which comes back to that page.
    pub async fn choose_language(&mut self, page: &str, lang: &str) -> Reply {
        let csrf = self.get(page).await.expect(200).csrf();
        self.post_form("/_lang", &[("csrf", &csrf), ("lang", lang), ("next", page)])
            .await
    }

    /// Opens the editor of a page (an existing one or a new one).
    pub async fn edit_page(&mut self, wiki: &str, page: &str) -> EditForm {
        let url = wiki_url(wiki, "_edit/", page);
        EditForm::of(self.get(&url).await.expect(200))
    }

    /// Saves `text` with `message` from an editor form as it was when opened (its token and
    /// base revision), as the editor's "save" button does.
    pub async fn save_from(&mut self, form: &EditForm, text: &str, message: &str) -> Reply {
        self.post_form(
            &form.action,
            &[
                ("csrf", &form.csrf),
                ("base", &form.base),
                ("text", text),
                ("message", message),
                ("action", "save"),
            ],
        )
        .await
    }

    /// The editor's "preview" button.
    pub async fn preview_from(&mut self, form: &EditForm, text: &str) -> Reply {
        self.post_form(
            &form.action,
            &[
                ("csrf", &form.csrf),
                ("base", &form.base),
                ("text", text),
                ("message", ""),
                ("action", "preview"),
            ],
        )
        .await
    }

    /// Opens the editor of a page and saves `text` without a message.
    pub async fn save_page(&mut self, wiki: &str, page: &str, text: &str) -> Reply {
        self.save_page_with_message(wiki, page, text, "").await
    }

    /// Opens the editor of a page and saves `text` with a message.
    pub async fn save_page_with_message(
        &mut self,
        wiki: &str,
        page: &str,
        text: &str,
        message: &str,
    ) -> Reply {
        let form = self.edit_page(wiki, page).await;
        self.save_from(&form, text, message).await
    }

    /// Opens the rename form of a page and renames it to `to`, leaving a redirect page or not.
    pub async fn rename_page(
        &mut self,
        wiki: &str,
        page: &str,
        to: &str,
        leave_redirect: bool,
        message: &str,
    ) -> Reply {
        let url = wiki_url(wiki, "_rename/", page);
        let csrf = self.get(&url).await.expect(200).csrf();
        let mut fields = vec![("csrf", csrf.as_str()), ("to", to), ("message", message)];
        if leave_redirect {
            fields.push(("redirect", "yes"));
        }
        self.post_form(&url, &fields).await
    }

    /// Opens the confirmation of a page's deletion and confirms it.
    pub async fn delete_page(&mut self, wiki: &str, page: &str, message: &str) -> Reply {
        let url = wiki_url(wiki, "_delete/", page);
        let csrf = self.get(&url).await.expect(200).csrf();
        self.post_form(&url, &[("csrf", &csrf), ("message", message)])
            .await
    }

    /// Opens a page's history and restores the revision `rev` (a commit id) from there.
    pub async fn revert_page(&mut self, wiki: &str, page: &str, rev: &str) -> Reply {
        let csrf = self
            .get(&wiki_url(wiki, "_history/", page))
            .await
            .expect(200)
            .csrf();
        self.post_form(
            &wiki_url(wiki, "_revert/", page),
            &[("csrf", &csrf), ("rev", rev)],
        )
        .await
    }

    /// Opens the files page and uploads `bytes` as the file `file_name` of the person's
    /// computer, stored under `name` (empty: under the file's own name).
    pub async fn upload(&mut self, wiki: &str, name: &str, file_name: &str, bytes: &[u8]) -> Reply {
        self.upload_for_page(wiki, "", name, file_name, bytes).await
    }

    /// [`Browser::upload`] from the files page opened for a page (`_files/?page=…`), as the
    /// editor's link to it does: the answer gives the Markdown to paste into that page.
    pub async fn upload_for_page(
        &mut self,
        wiki: &str,
        page: &str,
        name: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Reply {
        let files = format!("/{wiki}/_files/");
        let form_url = if page.is_empty() {
            files.clone()
        } else {
            format!("{files}?page={}", query_value(page))
        };
        let csrf = self.get(&form_url).await.expect(200).csrf();
        self.post_multipart(
            &files,
            &[("csrf", &csrf), ("page", page), ("name", name)],
            ("file", file_name, bytes),
        )
        .await
    }
}

/// The editor as a browser holds it once opened: where it posts, its token, the revision its
/// text was read at, and the text itself.
#[derive(Debug, Clone)]
pub struct EditForm {
    /// The form's address, `/{wiki}/_edit/{page}`.
    pub action: String,
    pub csrf: String,
    /// The commit the editor's text was read at (empty for a wiki without commits).
    pub base: String,
    /// The text of the editor's textarea, as the browser shows it (unescaped).
    pub text: String,
    /// The editor page itself.
    pub page: Reply,
}

impl EditForm {
    /// The editor form of a page showing one: the editor, a preview, a conflict or a refused
    /// save (whose form carries the new base revision).
    #[track_caller]
    pub fn of(page: Reply) -> EditForm {
        let tag_start = page
            .text
            .find("<form class=\"stack editor\"")
            .unwrap_or_else(|| panic!("no editor form on the page:\n{}", page.text));
        let tag_end = page.text[tag_start..]
            .find('>')
            .map(|end| tag_start + end)
            .expect("a complete form tag");
        let action = parse_attributes(&page.text[tag_start..tag_end])
            .remove("action")
            .expect("an editor form has an action");
        let textarea = page.text[tag_start..]
            .find("name=\"text\"")
            .map(|at| &page.text[tag_start + at..])
            .expect("an editor form has a text field");
        let text = textarea
            .split_once('>')
            .and_then(|(_, rest)| rest.split_once("</textarea>"))
            .map(|(text, _)| unescape_html(text))
            .expect("a complete textarea");
        EditForm {
            action,
            csrf: page.csrf(),
            base: page.field("base"),
            text,
            page,
        }
    }
}

/// The address of a wiki surface for a page: `wiki_url("w", "_edit/", "Plan d'action")` is
/// `/w/_edit/Plan%20d%27action`; an empty route gives the page itself.
pub fn wiki_url(wiki: &str, route: &str, page: &str) -> String {
    format!("/{wiki}/{route}{}", encode_page(page))
}

/// A page path as a browser puts it in an address: every byte but ASCII letters, digits, `/`
/// and `-._~` percent-encoded.
pub fn encode_page(page: &str) -> String {
    let mut out = String::new();
    for byte in page.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            write!(out, "%{byte:02X}").expect("writing to a String");
        }
    }
    out
}

/// A value for a query string, every byte but ASCII letters and digits percent-encoded, as
/// konbit writes the `next=` of its sign-in links.
pub fn query_value(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() {
            out.push(char::from(byte));
        } else {
            write!(out, "%{byte:02X}").expect("writing to a String");
        }
    }
    out
}

/// Text as an HTML page shows it, from its escaped form in the page's source.
pub fn unescape_html(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Asserts that a whole output is what the test expects, line for line. The test normalises the
/// output first (dates, commit ids, the server's address: see [`tag_per_line`],
/// [`replace_all`] and [`replace_element_text`]) and writes `expected` inline, indented with its code: the first newline and
/// the lines' common indentation are removed, as are trailing spaces and blank lines at either
/// end of both texts. A failure shows a line diff, `-` expected and `+` actual, then the actual
/// text whole, ready to paste.
#[track_caller]
pub fn assert_snapshot(actual: &str, expected: &str) {
    let expected = dedent(expected);
    let actual = trimmed_lines(actual);
    if actual == expected {
        return;
    }
    panic!(
        "the output differs from its snapshot (- expected, + actual):\n{}\nactual, whole:\n{}",
        line_diff(&expected, &actual),
        actual.join("\n")
    );
}

/// HTML or XML with a line break between every two adjacent tags (`><`), so that a snapshot of
/// it reads one element per line.
pub fn tag_per_line(markup: &str) -> String {
    markup.replace("><", ">\n<")
}

/// `text` with each `(from, to)` replaced, in order: commit ids by names, addresses by a word.
pub fn replace_all(text: &str, replacements: &[(&str, &str)]) -> String {
    replacements
        .iter()
        .fold(text.to_owned(), |text, (from, to)| text.replace(from, to))
}

/// `markup` with the text of every `<tag>…</tag>` replaced by `with`: dates, for instance.
pub fn replace_element_text(markup: &str, tag: &str, with: &str) -> String {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = String::new();
    let mut rest = markup;
    while let Some(start) = rest.find(&open) {
        let text_start = start + open.len();
        let Some(len) = rest[text_start..].find(&close) else {
            break;
        };
        out.push_str(&rest[..text_start]);
        out.push_str(with);
        rest = &rest[text_start + len..];
    }
    out.push_str(rest);
    out
}

fn trimmed_lines(text: &str) -> Vec<String> {
    let lines: Vec<String> = text
        .lines()
        .map(|line| line.trim_end().to_owned())
        .collect();
    let start = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |i| i + 1);
    lines[start..end].to_vec()
}

fn dedent(text: &str) -> Vec<String> {
    let lines = trimmed_lines(text);
    let indent = lines
        .iter()
        .filter(|line| !line.is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .into_iter()
        .map(|line| line.get(indent..).unwrap_or("").to_owned())
        .collect()
}

/// A line diff by longest common subsequence: outputs here are small.
fn line_diff(expected: &[String], actual: &[String]) -> String {
    let (n, m) = (expected.len(), actual.len());
    // common[i][j]: the length of the longest common subsequence of expected[i..] and actual[j..].
    let mut common = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            common[i][j] = if expected[i] == actual[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            writeln!(out, "  {}", expected[i]).expect("writing to a String");
            (i, j) = (i + 1, j + 1);
        } else if i < n && (j == m || common[i + 1][j] >= common[i][j + 1]) {
            writeln!(out, "- {}", expected[i]).expect("writing to a String");
            i += 1;
        } else {
            writeln!(out, "+ {}", actual[j]).expect("writing to a String");
            j += 1;
        }
    }
    out
}

/// The farm's one script element, in the head of every page (title suggestions).
pub const OWN_SCRIPT: &str = "<script src=\"/_assets/suggest.js\" defer>";

/// Asserts what every HTML page of konbit carries: no script but the farm's own, and a CSP that
/// allows no other (none inline, none from elsewhere).
#[track_caller]
pub fn assert_only_the_farms_scripts(reply: &Reply) {
    let scripts: Vec<&str> = reply
        .text
        .match_indices("<script")
        .map(|(at, _)| &reply.text[at..at + reply.text[at..].find('>').unwrap_or(0) + 1])
        .collect();
    assert!(
        scripts.iter().all(|tag| *tag == OWN_SCRIPT),
        "a script other than the farm's own: {scripts:?}"
    );
    let content_type = reply.header("content-type").unwrap_or("");
    assert!(
        content_type.starts_with("text/html"),
        "not an HTML page: {content_type:?}"
    );
    let csp = reply
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("an HTML page without a CSP: {:?}", reply.headers));
    assert!(csp.contains("default-src 'none'"), "{csp}");
    // Scripts only from the farm, which serves one; none inline, no eval.
    let scripts = csp
        .split(';')
        .map(str::trim)
        .find(|directive| directive.starts_with("script-src"));
    assert_eq!(scripts, Some("script-src 'self'"), "{csp}");
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
}

#[test]
fn a_failing_test_keeps_its_farm_and_a_passing_one_does_not() {
    let passed = std::thread::spawn(|| Farm::new().write().path().to_owned())
        .join()
        .expect("a farm written without failing");
    assert!(!passed.exists(), "{} was not removed", passed.display());

    let (path_tx, path_rx) = mpsc::channel();
    let failed = std::thread::spawn(move || {
        let dir = Farm::new().write();
        path_tx
            .send(dir.path().to_owned())
            .expect("sending the path");
        panic!("a test failing on purpose");
    })
    .join();
    assert!(failed.is_err(), "the thread did fail");
    let kept = path_rx.recv().expect("the failed thread's farm path");
    assert!(
        kept.join("config").join("farm.toml").is_file(),
        "{} was not kept",
        kept.display()
    );
    std::fs::remove_dir_all(&kept).expect("removing the kept farm");
}

#[test]
fn a_snapshot_diff_shows_what_changed_line_by_line() {
    let expected = dedent(
        "
        one
        two
          indented
        four
        ",
    );
    assert_eq!(expected, ["one", "two", "  indented", "four"]);
    let actual = trimmed_lines("one\n  indented\nthree\nfour\n\n");
    assert_eq!(
        line_diff(&expected, &actual),
        "  one\n- two\n    indented\n+ three\n  four\n"
    );
    assert_snapshot("a\nb  \n", "\n    a\n    b\n");
}

/// The real `git` client against the server, as a person runs it: a private HOME in the farm's
/// temporary tree, no system or user configuration, no prompts; credentials in the URL.
pub struct GitClient {
    pub home: PathBuf,
    base: String,
}

impl Server {
    /// A git client for this server.
    pub fn git_client(&self) -> GitClient {
        let server = self;
        let home = server.dir().path().join("git-home");
        std::fs::create_dir_all(&home).expect("creating the git home");
        GitClient {
            home,
            base: server.base().to_owned(),
        }
    }
}

impl GitClient {
    /// The URL of a wiki's repository, with credentials when given.
    pub fn url(&self, slug: &str, credentials: Option<(&str, &str)>) -> String {
        match credentials {
            Some((login, secret)) => {
                let host = self.base.trim_start_matches("http://");
                let secret = percent_encoding::utf8_percent_encode(
                    secret,
                    percent_encoding::NON_ALPHANUMERIC,
                );
                format!("http://{login}:{secret}@{host}/{slug}.git")
            }
            None => format!("{}/{slug}.git", self.base),
        }
    }

    pub fn run(&self, dir: &Path, args: &[&str]) -> Output {
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.home.join(".gitconfig"))
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_AUTHOR_NAME", "Eve Poussée")
            .env("GIT_AUTHOR_EMAIL", "eve@example.org")
            .env("GIT_COMMITTER_NAME", "Eve Poussée")
            .env("GIT_COMMITTER_EMAIL", "eve@example.org")
            .stdin(Stdio::null())
            .output()
            .expect("running git (is it installed?)")
    }

    /// Runs git and expects success; returns its standard error (where `remote:` lines go).
    #[track_caller]
    pub fn ok(&self, dir: &Path, args: &[&str]) -> String {
        let output = self.run(dir, args);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "git {args:?} failed:\n{stderr}");
        stderr
    }

    /// Runs git and expects failure; returns its standard error.
    #[track_caller]
    pub fn fails(&self, dir: &Path, args: &[&str]) -> String {
        let output = self.run(dir, args);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            !output.status.success(),
            "git {args:?} succeeded:\n{stderr}"
        );
        stderr
    }

    /// Clones a wiki into a new folder; returns the folder.
    #[track_caller]
    pub fn clone(&self, slug: &str, credentials: Option<(&str, &str)>, folder: &str) -> PathBuf {
        let target = self.home.join(folder);
        let url = self.url(slug, credentials);
        self.ok(&self.home, &["clone", "--quiet", &url, folder]);
        target
    }
}
