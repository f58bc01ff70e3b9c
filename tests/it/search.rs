//! Search over real HTTP: each wiki's language, the query language, ranking, snippets, wikis
//! with hits, corrections and title suggestions; freshness after saves, pushes, renames and
//! deletions; the access policy inside every answer; an index caught up or rebuilt at start.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{Farm, PASSWORD, Reply, Server, Wiki, query_value, strip_tags, unescape_html};

/// Three wikis of one organisation, each in its own language, and one page title to rank.
fn languages_farm() -> Farm {
    Farm::new()
        .person("eve")
        .organisation("coop", "La Coop", &[("eve", "editor")])
        .wiki(
            Wiki::new("fr", "coop", "public")
                .title("Le wiki français")
                .lang("fr")
                .page("Home", "# Accueil\n\nBienvenue.\n")
                .page(
                    "Réunions/Équipes",
                    "# Les équipes\n\nLes équipes de bénévoles se réunissent le mardi soir \
                     pour préparer les paniers.\n",
                )
                .page(
                    "Budget",
                    "# Budget\n\nLe tableau des dépenses de l’année.\n",
                )
                .page(
                    "Comptes",
                    "# Comptes\n\nOn parle du budget, du budget et encore du budget, \
                     mais ce n’est pas son titre.\n",
                ),
        )
        .wiki(
            Wiki::new("en", "coop", "public")
                .title("The English wiki")
                .lang("en")
                .page("Home", "# Home\n\nWelcome.\n")
                .page(
                    "Kitchen",
                    "# Kitchen\n\nA volunteer runs the community kitchen on Saturdays; \
                     see [the rota](Rota.md).\n",
                ),
        )
        .wiki(
            Wiki::new("es", "coop", "public")
                .title("El wiki en español")
                .lang("es")
                .page("Home", "# Inicio\n\nBienvenidos.\n")
                .page(
                    "Cocinas",
                    "# Cocinas comunitarias\n\nLas cocinas abren los sábados por la mañana.\n",
                ),
        )
}

/// The results of a search as a person sees them: each hit's title, place and snippet, taken
/// from the results list, and the other parts of the results page.
#[derive(Debug)]
struct Results {
    reply: Reply,
    hits: Vec<ShownHit>,
}

#[derive(Debug, Clone)]
struct ShownHit {
    title: String,
    href: String,
    place: String,
    snippet_html: String,
}

impl Results {
    fn titles(&self) -> Vec<&str> {
        self.hits.iter().map(|hit| hit.title.as_str()).collect()
    }

    /// The text of the element with this class in the page's main part, if any.
    fn part(&self, class: &str) -> Option<String> {
        element_html(self.reply.main(), class).map(|html| strip(&html))
    }

    fn count(&self) -> usize {
        self.part("result-count")
            .and_then(|text| text.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("no result count in:\n{}", self.reply.main()))
    }

    /// The wikis with hits, as "title (count)".
    fn facets(&self) -> Vec<String> {
        element_html(self.reply.main(), "search-facets")
            .map(|html| {
                html.split("<li>")
                    .skip(1)
                    .map(|item| strip(item.split("</li>").next().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The inner HTML of the first element whose class list holds `class`.
fn element_html(html: &str, class: &str) -> Option<String> {
    let marker = format!("class=\"{class}");
    let at = html.find(&marker)?;
    let open = html[..at].rfind('<')?;
    let tag: String = html[open + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let start = html[at..].find('>')? + at + 1;
    // Elements of the same name nested inside are counted, so that the right end is found.
    let (opening, closing) = (format!("<{tag}"), format!("</{tag}>"));
    let mut depth = 1;
    let mut position = start;
    while depth > 0 {
        let next_close = html[position..].find(&closing)? + position;
        let next_open = html[position..].find(&opening).map(|p| p + position);
        match next_open {
            Some(open) if open < next_close => {
                depth += 1;
                position = open + opening.len();
            }
            _ => {
                depth -= 1;
                if depth == 0 {
                    return Some(html[start..next_close].to_owned());
                }
                position = next_close + closing.len();
            }
        }
    }
    None
}

fn strip(html: &str) -> String {
    let text = strip_tags(html);
    unescape_html(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn hits_of(reply: &Reply) -> Vec<ShownHit> {
    let Some(list) = element_html(reply.main(), "search-results") else {
        return Vec::new();
    };
    list.split("<li class=\"search-hit\">")
        .skip(1)
        .map(|item| {
            let title_html = element_html(item, "hit-title").unwrap_or_default();
            let href = item
                .split("href=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_default()
                .to_owned();
            ShownHit {
                title: strip(&title_html),
                href: unescape_html(&href),
                place: element_html(item, "hit-place")
                    .map(|h| strip(&h))
                    .unwrap_or_default(),
                snippet_html: element_html(item, "snippet").unwrap_or_default(),
            }
        })
        .collect()
}

async fn search(browser: &mut crate::harness::Browser, at: &str, query: &str) -> Results {
    let reply = browser
        .get(&format!("{at}?q={}", query_value(query)))
        .await
        .expect(200);
    Results {
        hits: hits_of(&reply),
        reply,
    }
}

/// Waits until the index has caught up with the wikis at start (the page says so meanwhile).
async fn wait_until_indexed(server: &Server) {
    server.wait_for_log("search index caught up", crate::harness::PATIENCE);
}

#[tokio::test]
async fn each_wiki_is_searched_in_its_own_language_with_the_whole_query_language() {
    let server = languages_farm().start();
    wait_until_indexed(&server).await;
    let mut visitor = server.browser();

    // Stemming and accents, each wiki in its language.
    let found = search(&mut visitor, "/search", "equipe").await;
    assert_eq!(found.titles(), ["Les équipes"]);
    assert_eq!(found.hits[0].href, "/fr/R%C3%A9unions/%C3%89quipes");
    assert_eq!(found.hits[0].place, "Le wiki français › Réunions/Équipes");
    assert!(
        found.hits[0].snippet_html.contains("<mark>équipes</mark>"),
        "the matched words are highlighted: {}",
        found.hits[0].snippet_html
    );
    assert_eq!(
        search(&mut visitor, "/search", "running").await.titles(),
        ["Kitchen"]
    );
    assert_eq!(
        search(&mut visitor, "/search", "cocina").await.titles(),
        ["Cocinas comunitarias"]
    );
    // A link's label is text; its target is not.
    assert_eq!(
        search(&mut visitor, "/search", "rota").await.titles(),
        ["Kitchen"]
    );
    assert!(search(&mut visitor, "/search", "Rota.md").await.hits.len() <= 1);

    // Phrases, prefixes, exclusions and wiki filters.
    assert_eq!(
        search(&mut visitor, "/search", "\"se réunissent le mardi\"")
            .await
            .titles(),
        ["Les équipes"]
    );
    assert!(
        search(&mut visitor, "/search", "\"mardi réunissent\"")
            .await
            .hits
            .is_empty()
    );
    assert_eq!(
        search(&mut visitor, "/search", "bénév*").await.titles(),
        ["Les équipes"]
    );
    assert_eq!(
        search(&mut visitor, "/search", "commun*").await.titles(),
        ["Kitchen"]
    );
    assert!(
        search(&mut visitor, "/search", "equipe -mardi")
            .await
            .hits
            .is_empty()
    );
    let narrowed = search(&mut visitor, "/search", "sa* wiki:es").await;
    assert_eq!(narrowed.titles(), ["Cocinas comunitarias"]);
    // The wikis with hits are those of the whole query, to switch between them.
    let mut facets = narrowed.facets();
    facets.sort();
    assert_eq!(facets, ["El wiki en español (1)", "The English wiki (1)"]);
    let one_wiki = search(&mut visitor, "/en/_search", "sa*").await;
    assert_eq!(one_wiki.titles(), ["Kitchen"]);

    // A title match ranks above a text that repeats the word.
    let ranked = search(&mut visitor, "/search", "budget").await;
    assert_eq!(ranked.titles(), ["Budget", "Comptes"]);
    assert_eq!(ranked.count(), 2);
    assert_eq!(ranked.facets(), ["Le wiki français (2)"]);

    // A mistyped word gets a correction from the wikis' own words.
    let mistyped = search(&mut visitor, "/search", "bugdet").await;
    assert!(mistyped.hits.is_empty());
    let correction = mistyped.part("correction").expect("a correction");
    assert!(correction.contains("budget"), "{correction}");
    assert_eq!(
        mistyped.reply.link_with_text("budget").href(),
        Some("/search?q=budget")
    );

    // Titles are suggested as one types, in the OpenSearch suggestions format.
    let suggested = visitor.get("/_suggest?q=cocinas%20com").await.expect(200);
    let suggestions: serde_json::Value = serde_json::from_str(&suggested.text).expect("JSON");
    assert_eq!(suggestions[0], "cocinas com");
    assert_eq!(suggestions[1], serde_json::json!(["Cocinas comunitarias"]));
    assert_eq!(suggestions[3], serde_json::json!(["/es/Cocinas"]));
    let in_one_wiki = visitor.get("/_suggest?q=bud&wiki=en").await.expect(200);
    assert_eq!(in_one_wiki.text, r#"["bud",[],[],[]]"#);

    // Every page has a search box; inside a wiki it searches that wiki.
    let page = visitor.get("/fr/Budget").await.expect(200);
    assert!(
        page.text.contains(
            r#"<form class="search-box" role="search" method="get" action="/fr/_search" data-wiki="fr">"#
        )
    );
    let home = visitor.get("/").await.expect(200);
    assert!(home.text.contains(r#"action="/search""#));
}

#[tokio::test]
async fn any_query_gets_a_page_and_oversized_ones_a_reason() {
    let server = languages_farm().start();
    wait_until_indexed(&server).await;
    let mut visitor = server.browser();
    let empty = visitor.get("/search").await.expect(200);
    assert!(empty.main().contains(r#"name="q""#));
    assert!(element_html(empty.main(), "result-count").is_none());
    for hostile in [
        "-",
        "*",
        "\"",
        "\"\"",
        "- * \"",
        "((((((((((((((((((((a",
        "title:budget",
        "wiki:",
        "wiki:missing budget",
        "-budget",
        "AND OR NOT",
        "\u{0}\u{1}",
        "<script>alert(1)</script>",
        "%%%",
        "budget~2",
        "[1 TO 5]",
    ] {
        let reply = visitor
            .get(&format!("/search?q={}", query_value(hostile)))
            .await
            .expect(200);
        assert!(!reply.text.contains("<script>alert"), "{hostile}: escaped");
    }
    // Bytes that are not UTF-8, and page numbers of every kind.
    for address in [
        "/search?q=%FF%FE%80",
        "/search?q=budget&page=999999",
        "/search?q=budget&page=-1",
        "/search?q=budget&page=x",
        "/search?q=budget&q=other",
        "/search?page=2",
        "/fr/_search?q=%C3",
    ] {
        visitor.get(address).await.expect(200);
    }
    let past = visitor.get("/search?q=budget&page=50").await.expect(200);
    assert!(past.main().contains("2 résultats"), "{}", past.main());
    assert!(hits_of(&past).is_empty());

    let too_long = visitor
        .get(&format!("/search?q={}", "a".repeat(1001)))
        .await
        .expect(400);
    assert!(
        element_html(too_long.main(), "error refused")
            .is_some_and(|text| text.contains("1 000 caractères au plus")),
        "{}",
        too_long.main()
    );
    let many = vec!["mot"; 33].join(" ");
    let too_many = visitor
        .get(&format!("/search?q={}", query_value(&many)))
        .await
        .expect(400);
    assert!(too_many.main().contains("32 au plus"));
    // The text typed stays in the box to be shortened.
    assert!(too_many.main().contains(&format!("value=\"{many}\"")));
}

#[tokio::test]
async fn saves_pushes_renames_and_deletions_are_findable_within_a_second() {
    let server = languages_farm().start();
    wait_until_indexed(&server).await;
    let mut eve = server.signed_in("eve").await;

    eve.save_page(
        "fr",
        "Potager",
        "# Potager\n\nLes courgettes du jardin partagé.\n",
    )
    .await
    .expect(303);
    let waited = found_within(&mut eve, "/search", "courgette", "Potager").await;
    println!("a browser save was found {waited:?} after its answer");

    let git = server.git_client();
    let clone = git.clone("en", Some(("eve", PASSWORD)), "en");
    std::fs::write(
        clone.join("Garden.md"),
        "# Garden\n\nThe shared garden grows pumpkins.\n",
    )
    .expect("writing a page");
    git.ok(&clone, &["add", "."]);
    git.ok(&clone, &["commit", "-q", "-m", "A garden"]);
    git.ok(&clone, &["push", "-q", "origin", "HEAD"]);
    let waited = found_within(&mut eve, "/search", "pumpkin", "Garden").await;
    println!("a push was found {waited:?} after it returned");

    eve.rename_page("fr", "Potager", "Jardin/Potager", false, "Ranger")
        .await
        .expect(303);
    let started = Instant::now();
    loop {
        let found = search(&mut eve, "/search", "courgettes").await;
        let hrefs: Vec<&str> = found.hits.iter().map(|hit| hit.href.as_str()).collect();
        if hrefs == ["/fr/Jardin/Potager"] {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "a rename shows the page at its new place only: {hrefs:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eve.delete_page("fr", "Jardin/Potager", "Plus de potager")
        .await
        .expect(303);
    let started = Instant::now();
    while !search(&mut eve, "/search", "courgettes")
        .await
        .hits
        .is_empty()
    {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "a deleted page leaves the results"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Searches until `title` is the first hit; fails after one second.
async fn found_within(
    browser: &mut crate::harness::Browser,
    at: &str,
    query: &str,
    title: &str,
) -> Duration {
    let started = Instant::now();
    loop {
        let found = search(browser, at, query).await;
        if found.titles().first() == Some(&title) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{title} not found by {query:?} within a second: {:?}",
            found.titles()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A public, a members-only and a private wiki of `coop`, each with the word `konbitmot` and a
/// word of its own; people of every kind.
fn access_farm() -> Farm {
    let page = |wiki: &str| {
        format!("# Plan {wiki}\n\nkonbitmot apparaît ici, avec le mot propre zorglub{wiki}.\n")
    };
    Farm::new()
        .person("outsider")
        .person("member")
        .person("insider")
        .farm_admin("admin")
        .organisation("coop", "La Coop", &[("member", "reader")])
        .organisation("autre", "Autre", &[("outsider", "editor")])
        .wiki(Wiki::new("public", "coop", "public").page("Plan", &page("public")))
        .wiki(Wiki::new("members", "coop", "members").page("Plan", &page("members")))
        .wiki(
            Wiki::new("private", "coop", "private")
                .grant("insider", "reader")
                .page("Plan", &page("private")),
        )
}

#[tokio::test]
async fn search_shows_nothing_of_a_wiki_the_person_may_not_read() {
    let dir = access_farm().write();
    let server = dir.start();
    wait_until_indexed(&server).await;
    // who → the wikis they may read.
    let table: &[(&str, &[&str])] = &[
        ("visitor", &["public"]),
        ("outsider", &["members", "public"]),
        ("member", &["members", "private", "public"]),
        ("insider", &["members", "private", "public"]),
        ("admin", &["members", "private", "public"]),
    ];
    for (who, readable) in table {
        let mut browser = if *who == "visitor" {
            server.browser()
        } else {
            server.signed_in(who).await
        };
        let found = search(&mut browser, "/search", "konbitmot").await;
        let mut titles = found.titles();
        titles.sort();
        let expected: Vec<String> = readable.iter().map(|w| format!("Plan {w}")).collect();
        assert_eq!(titles, expected, "{who}: titles");
        assert_eq!(found.count(), readable.len(), "{who}: count");
        let mut facets = found.facets();
        facets.sort();
        let expected: Vec<String> = readable.iter().map(|w| format!("Wiki {w} (1)")).collect();
        assert_eq!(facets, expected, "{who}: wikis with hits");
        for wiki in ["public", "members", "private"] {
            let may = readable.contains(&wiki);
            // Snippets, corrections and suggestions come from readable wikis only.
            let own = search(&mut browser, "/search", &format!("zorglub{wiki}")).await;
            assert_eq!(own.hits.len(), usize::from(may), "{who}: {wiki}'s own word");
            let mistyped = search(&mut browser, "/search", &format!("zorglub{wiki}x")).await;
            let correction = mistyped.part("correction");
            assert_eq!(
                correction.is_some_and(|c| c.contains(&format!("zorglub{wiki}"))),
                may,
                "{who}: a correction toward {wiki}'s word"
            );
            let suggested = browser.get("/_suggest?q=plan").await.expect(200);
            assert_eq!(
                suggested.text.contains(&format!("Plan {wiki}")),
                may,
                "{who}: suggestions of {wiki}: {}",
                suggested.text
            );
            // A wiki's own search is, for whoever may not read it, a missing wiki's.
            let inside = browser.get(&format!("/{wiki}/_search?q=konbitmot")).await;
            if may {
                assert_eq!(inside.status, 200);
            } else {
                let missing = browser.get("/nowhere/_search?q=konbitmot").await;
                assert_eq!(inside.status, 404, "{who}: {wiki}");
                // The same page, but for the address it names (to come back after signing in).
                let named = inside
                    .text
                    .replace(&format!("/{wiki}/"), "/nowhere/")
                    .replace(&format!("%2F{wiki}%2F"), "%2Fnowhere%2F");
                assert_eq!(
                    named, missing.text,
                    "{who}: {wiki} answers like a missing wiki"
                );
            }
        }
        let narrowed = search(&mut browser, "/search", "konbitmot wiki:private").await;
        assert_eq!(
            narrowed.hits.len(),
            usize::from(readable.contains(&"private")),
            "{who}: wiki:private"
        );
    }

    // A wiki made private in farm.toml leaves visitors' results at the next query.
    let farm_toml = dir.read_config("farm.toml");
    let changed = farm_toml.replacen("visibility = \"public\"", "visibility = \"private\"", 1);
    assert_ne!(farm_toml, changed);
    dir.write_config("farm.toml", &changed);
    server.wait_for_log("configuration reloaded", crate::harness::PATIENCE);
    let mut visitor = server.browser();
    let found = search(&mut visitor, "/search", "konbitmot").await;
    assert!(found.hits.is_empty(), "{:?}", found.titles());
    assert_eq!(found.count(), 0);
}

/// Commits a page straight into a wiki's bare repository, as someone working on the server
/// would, without konbit knowing.
fn commit_behind_its_back(repo: &Path, file: &str, text: &str) {
    let git = |args: &[&str], input: Option<&str>| -> String {
        let mut command = Command::new("git");
        command
            .args(args)
            .env("GIT_DIR", repo)
            .env("GIT_INDEX_FILE", repo.join("behind-index"))
            .env("GIT_AUTHOR_NAME", "Admin")
            .env("GIT_AUTHOR_EMAIL", "admin@example.org")
            .env("GIT_COMMITTER_NAME", "Admin")
            .env("GIT_COMMITTER_EMAIL", "admin@example.org")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        let mut child = command.spawn().expect("running git");
        if let Some(input) = input {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(input.as_bytes())
                .expect("writing to git");
        }
        let output = child.wait_with_output().expect("git's output");
        assert!(output.status.success(), "git {args:?}");
        String::from_utf8(output.stdout)
            .expect("UTF-8")
            .trim()
            .to_owned()
    };
    git(&["read-tree", "HEAD"], None);
    let blob = git(&["hash-object", "-w", "--stdin"], Some(text));
    git(
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("100644,{blob},{file}"),
        ],
        None,
    );
    let tree = git(&["write-tree"], None);
    let commit = git(
        &["commit-tree", &tree, "-p", "HEAD", "-m", "Behind its back"],
        None,
    );
    git(&["update-ref", "HEAD", &commit], None);
    std::fs::remove_file(repo.join("behind-index")).expect("removing the index");
}

#[tokio::test]
async fn the_index_catches_up_at_start_and_is_rebuilt_when_lost() {
    let dir = languages_farm().write();
    let server = dir.start();
    wait_until_indexed(&server).await;
    server.stop();

    // Commits while the server is down are found once it is back.
    commit_behind_its_back(
        &dir.repo("fr"),
        "Verger.md",
        "# Verger\n\nLes pommiers du verger.\n",
    );
    let server = dir.start();
    let mut visitor = server.browser();
    wait_until_indexed(&server).await;
    assert_eq!(
        search(&mut visitor, "/search", "pommier").await.titles(),
        ["Verger"]
    );
    server.stop();

    // A lost index is rebuilt from git, and so is a damaged one.
    let index = dir.data_dir().join("search-index");
    std::fs::remove_dir_all(&index).expect("removing the index");
    commit_behind_its_back(&dir.repo("en"), "Orchard.md", "# Orchard\n\nApple trees.\n");
    let server = dir.start();
    wait_until_indexed(&server).await;
    let mut visitor = server.browser();
    assert_eq!(
        search(&mut visitor, "/search", "apple").await.titles(),
        ["Orchard"]
    );
    assert_eq!(
        search(&mut visitor, "/search", "pommier").await.titles(),
        ["Verger"]
    );
    server.stop();
    std::fs::write(index.join("meta.json"), "{ not json").expect("damaging the index");
    let server = dir.start();
    wait_until_indexed(&server).await;
    let mut visitor = server.browser();
    assert_eq!(
        search(&mut visitor, "/search", "equipe").await.titles(),
        ["Les équipes"]
    );
}

#[tokio::test]
async fn konbit_reindex_rebuilds_on_demand_and_says_what_it_did() {
    let dir = languages_farm().write();
    let server = dir.start();
    wait_until_indexed(&server).await;
    // A running server keeps the index itself: the command says so and changes nothing.
    let refused = dir.konbit("reindex", &[]);
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(
        why.contains("konbit serve") && why.contains("stop it first"),
        "{why}"
    );
    server.stop();

    commit_behind_its_back(
        &dir.repo("fr"),
        "Verger.md",
        "# Verger\n\nLes pommiers du verger.\n",
    );
    let one = dir.konbit("reindex", &["--wiki", "fr"]);
    assert!(one.status.success(), "{one:?}");
    let said = String::from_utf8_lossy(&one.stdout);
    assert!(said.contains("1 wikis, 5 pages"), "{said}");

    let all = dir.konbit("reindex", &[]);
    assert!(all.status.success(), "{all:?}");
    let said = String::from_utf8_lossy(&all.stdout);
    assert!(said.contains("3 wikis, 9 pages"), "{said}");

    let unknown = dir.konbit("reindex", &["--wiki", "nope"]);
    assert!(!unknown.status.success());
    let why = String::from_utf8_lossy(&unknown.stderr);
    assert!(why.contains("no wiki `nope`"), "{why}");

    // The index agrees with the branches: the server has nothing to catch up, and finds all.
    let server = dir.start();
    wait_until_indexed(&server).await;
    let log = server.log();
    let caught_up = log
        .lines()
        .find(|line| line.contains("search index caught up"))
        .expect("the catch-up line");
    assert!(caught_up.contains("pages=0"), "{caught_up}");
    let mut visitor = server.browser();
    assert_eq!(
        search(&mut visitor, "/search", "pommier").await.titles(),
        ["Verger"]
    );
    assert_eq!(
        search(&mut visitor, "/search", "kitchen").await.titles(),
        ["Kitchen"]
    );
}

/// A public wiki whose two pages both hold the two words, each one more often than the other,
/// beside a private wiki full of one of the words.
fn ranking_farm(private_word: &str) -> Farm {
    let mut private = Wiki::new("secret", "coop", "private").lang("fr");
    for n in 0..20 {
        private = private.page(
            &format!("Note {n}"),
            &format!("# Note {n}\n\nUne note sur le {private_word}.\n"),
        );
    }
    Farm::new()
        .person("eve")
        .organisation("coop", "La Coop", &[("eve", "editor")])
        .wiki(
            Wiki::new("pub", "coop", "public")
                .lang("fr")
                .page(
                    "Un",
                    "# Un\n\nLe verger, le verger et encore le verger ; une ruche.\n",
                )
                .page(
                    "Deux",
                    "# Deux\n\nLa ruche, la ruche et encore la ruche ; un verger.\n",
                ),
        )
        .wiki(private)
}

#[tokio::test]
async fn results_rank_the_same_whatever_the_wikis_one_may_not_read_hold() {
    let mut shown = Vec::new();
    for private_word in ["verger", "ruche"] {
        let server = ranking_farm(private_word).start();
        wait_until_indexed(&server).await;
        let mut visitor = server.browser();
        let results = search(&mut visitor, "/search", "verger ruche").await;
        let hits: Vec<(String, String)> = results
            .hits
            .iter()
            .map(|hit| (hit.title.clone(), hit.snippet_html.clone()))
            .collect();
        assert_eq!(hits.len(), 2, "{hits:?}");
        shown.push(hits);
    }
    assert_eq!(
        shown[0], shown[1],
        "the order of a visitor's results follows the words of a private wiki"
    );
}
