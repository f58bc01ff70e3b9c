//! Administration against the real server over HTTP, on a farm of the size a large konbit has:
//! 200 wikis, 50 organisations, 2,000 people (20 members each per organisation, the people as
//! roster.toml tables, each with a comment). It times:
//! - `GET /_admin` (every organisation, every wiki with its health, every person);
//! - `GET /_org/{slug}` (an organisation's members and the people who could join);
//! - a change: `POST /_org/{slug}` adding or removing a member (the form fetched untimed), from
//!   the request to the answer, with the new roster in force (edited as a document, validated
//!   whole, written atomically, recorded in the audit trail, applied);
//! - `GET /_admin/audit` once those changes are recorded.
//!
//! Run with `cargo bench --bench admin`; `KONBIT_BENCH_PEOPLE` (2,000), `KONBIT_BENCH_WIKIS`
//! (200), `KONBIT_BENCH_CHANGES` (50) and `KONBIT_BENCH_READS` (20) set the sizes.

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{client, count, hidden, report, sign_in, start_server, timed_get};

const PASSWORD: &str = "bench";
const ORGANISATIONS: usize = 50;

fn write_config(config: &Path, people: usize, wikis: usize) {
    std::fs::create_dir_all(config).expect("config folder");
    let hash = konbit::roster::hash_password(PASSWORD).expect("hash");
    let mut roster = String::from("# The people of a large konbit.\n\n");
    for i in 0..people {
        let admin = if i == 0 { "farm_admin = true\n" } else { "" };
        write!(
            roster,
            "# Person {i}, of organisation {}.\n[people.p{i}]\nname = \"Person {i}\"\n\
             email = \"p{i}@example.org\"\npassword = \"{hash}\"\n{admin}\n",
            i % ORGANISATIONS
        )
        .expect("a String");
    }
    for o in 0..ORGANISATIONS {
        let members: Vec<String> = (0..20)
            .map(|k| format!("p{} = \"editor\"", (o + k * ORGANISATIONS) % people))
            .collect();
        write!(
            roster,
            "[organisations.o{o}]\nname = \"Organisation {o}\"\nmembers = {{ {} }}\n\n",
            members.join(", ")
        )
        .expect("a String");
    }
    let mut farm = String::from("[farm]\nname = \"Bench\"\ndata_dir = \"../data\"\n\n");
    for w in 0..wikis {
        write!(
            farm,
            "# Wiki {w}.\n[wikis.w{w}]\ntitle = \"Wiki {w}\"\nowner = \"o{}\"\n\
             visibility = \"members\"\n\n",
            w % ORGANISATIONS
        )
        .expect("a String");
    }
    std::fs::write(config.join("farm.toml"), farm).expect("farm.toml");
    std::fs::write(config.join("roster.toml"), roster).expect("roster.toml");
}

fn main() {
    let people = count("KONBIT_BENCH_PEOPLE", 2_000);
    let wikis = count("KONBIT_BENCH_WIKIS", 200);
    let changes = count("KONBIT_BENCH_CHANGES", 50);
    let reads = count("KONBIT_BENCH_READS", 20);
    let root = tempfile::tempdir().expect("temp dir");
    let config = root.path().join("config");
    write_config(&config, people, wikis);
    let started = Instant::now();
    let (_server, base, log) = start_server(&config, &[]);
    log.wait_for("link index caught up wikis=", Duration::from_secs(600));
    println!(
        "{wikis} wikis, {people} people, {ORGANISATIONS} organisations: started (repositories \
         created) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let client = client();
        let session = sign_in(&client, &base, "p0", PASSWORD).await;
        for (name, path) in [("GET /_admin", "/_admin"), ("GET /_org/o1", "/_org/o1")] {
            let mut samples = Vec::with_capacity(reads);
            for _ in 0..reads {
                let (status, _, took) =
                    timed_get(&client, &format!("{base}{path}"), &session).await;
                assert_eq!(status, 200, "{path}");
                samples.push(took);
            }
            report(name, samples);
        }
        let mut samples = Vec::with_capacity(changes);
        for i in 0..changes {
            let (_, form, _) = timed_get(&client, &format!("{base}/_org/o1"), &session).await;
            let (csrf, digest) = (hidden(&form, "csrf"), hidden(&form, "digest"));
            let role = if i % 2 == 0 { "reader" } else { "none" };
            let started = Instant::now();
            let answer = client
                .post(format!("{base}/_org/o1"))
                .header("cookie", &session)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("digest", digest.as_str()),
                    ("login", "p0"),
                    ("role", role),
                ])
                .send()
                .await
                .expect("a change");
            assert_eq!(answer.status(), 303, "change {i}");
            samples.push(started.elapsed());
        }
        report("POST /_org/o1 (a member added or removed)", samples);
        let mut samples = Vec::with_capacity(reads);
        for _ in 0..reads {
            let (status, _, took) =
                timed_get(&client, &format!("{base}/_admin/audit"), &session).await;
            assert_eq!(status, 200);
            samples.push(took);
        }
        report(
            &format!("GET /_admin/audit ({} changes)", changes + 1),
            samples,
        );
    });
}
