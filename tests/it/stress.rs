//! Many people saving at once: 16 clients make 25 saves each to 4 pages. Every save answered as
//! accepted must be in the history, and every refused one must have been answered with a
//! conflict (409) the person can act on — nothing else, and nothing lost.

use std::collections::BTreeSet;

use crate::harness::{Farm, Wiki};

const CLIENTS: usize = 16;
const SAVES: usize = 25;
const PAGES: usize = 4;

/// The page's text with this client's own line replaced. Lines of different clients are apart
/// (blank lines between them), so concurrent saves of different clients merge.
fn with_line(text: &str, client: usize, value: &str) -> String {
    text.lines()
        .map(|line| {
            if line.starts_with(&format!("client {client}:")) {
                format!("client {client}: {value}")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_clients_save_concurrently_and_nothing_accepted_is_lost() {
    let mut farm = Farm::new();
    let mut members = Vec::new();
    let logins: Vec<String> = (0..CLIENTS).map(|i| format!("c{i}")).collect();
    for login in &logins {
        farm = farm.person(login);
        members.push((login.as_str(), "editor"));
    }
    let mut wiki = Wiki::new("w", "coop", "private");
    let body: String = (0..CLIENTS)
        .map(|c| format!("client {c}: start\n\n\n"))
        .collect();
    for page in 0..PAGES {
        wiki = wiki.page(&format!("Page {page}"), &body);
    }
    let server = farm
        .organisation("coop", "Coop", &members)
        .wiki(wiki)
        .start();

    let mut tasks = Vec::new();
    for (client, login) in logins.iter().enumerate() {
        let mut browser = server.signed_in(login).await;
        tasks.push(tokio::spawn(async move {
            let mut accepted = Vec::new();
            let mut conflicts = 0;
            for save in 0..SAVES {
                let page = (client + save) % PAGES;
                let form = browser.edit_page("w", &format!("Page {page}")).await;
                let message = format!("c{client} s{save}");
                let text = with_line(&form.text, client, &message);
                let reply = browser.save_from(&form, &text, &message).await;
                match reply.status {
                    303 => accepted.push(message),
                    409 => {
                        assert!(reply.text.contains(&message), "a conflict keeps the text");
                        conflicts += 1;
                    }
                    other => panic!("save {message} answered {other}: {}", reply.text),
                }
            }
            (accepted, conflicts)
        }));
    }
    let mut accepted = BTreeSet::new();
    let mut conflicts = 0;
    for task in tasks {
        let (saves, refused) = task.await.expect("a client task");
        accepted.extend(saves);
        conflicts += refused;
    }
    assert_eq!(accepted.len() + conflicts, CLIENTS * SAVES);

    let subjects: BTreeSet<String> = server
        .dir()
        .git_in("w", &["log", "--format=%s"])
        .lines()
        .map(str::to_owned)
        .collect();
    let lost: Vec<&String> = accepted.iter().filter(|m| !subjects.contains(*m)).collect();
    assert!(
        lost.is_empty(),
        "accepted saves missing from the history: {lost:?}"
    );
    // Every client's last accepted line on each page is still in that page: merges kept them.
    for page in 0..PAGES {
        let text = server
            .dir()
            .git_in("w", &["show", &format!("HEAD:Page {page}.md")]);
        for client in 0..CLIENTS {
            let last = (0..SAVES)
                .rev()
                .filter(|save| (client + save) % PAGES == page)
                .map(|save| format!("c{client} s{save}"))
                .find(|m| accepted.contains(m));
            if let Some(last) = last {
                assert!(
                    text.contains(&format!("client {client}: {last}")),
                    "page {page} lost {last}:\n{text}"
                );
            }
        }
    }
    println!("{} saves accepted, {conflicts} conflicts", accepted.len());
}
