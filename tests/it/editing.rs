//! Editing in the browser: every change is a commit authored by the roster person, checked in
//! git itself; concurrent edits merge or conflict without losing anything; refusals commit
//! nothing.

use crate::harness::{
    EditForm, Farm, PASSWORD, Server, Wiki, assert_snapshot, display_name, replace_all,
    replace_element_text, tag_per_line,
};

/// A wiki `w` owned by `coop`: `eve` and `fred` edit, `rita` reads, `olga` is of another
/// organisation; `priv` is a private wiki of another organisation.
fn farm() -> Farm {
    Farm::new()
        .person("eve")
        .person("fred")
        .person("rita")
        .person("olga")
        .organisation(
            "coop",
            "La Coop",
            &[("eve", "editor"), ("fred", "admin"), ("rita", "reader")],
        )
        .organisation("other", "Autre", &[("olga", "admin")])
        .wiki(
            Wiki::new("w", "coop", "members")
                .page("Home", "# Accueil\n\nBienvenue.\n")
                .page(
                    "Notes",
                    "# Notes\n\nligne 1\n\nligne 2\n\nligne 3\n\nligne 4\n\nligne 5\n",
                ),
        )
        .wiki(Wiki::new("priv", "other", "private").page("Home", "# Secret\n"))
        .wiki(Wiki::new("pub", "coop", "public").page("Home", "# Public\n"))
}

struct Repo<'a> {
    server: &'a Server,
    slug: &'static str,
    /// The repository's path, for a `git clone` of it.
    path: String,
}

impl<'a> Repo<'a> {
    fn of(server: &'a Server, slug: &'static str) -> Repo<'a> {
        let path = server
            .dir()
            .repo(slug)
            .to_str()
            .expect("UTF-8 path")
            .to_owned();
        Repo { server, slug, path }
    }

    fn git(&self, args: &[&str]) -> String {
        self.server.dir().git_in(self.slug, args)
    }

    fn commits(&self) -> usize {
        self.git(&["rev-list", "--count", "HEAD"])
            .parse()
            .expect("a count")
    }

    /// A file at the branch head, or None.
    fn file(&self, path: &str) -> Option<String> {
        let listed = self.git(&["ls-tree", "-r", "--name-only", "HEAD"]);
        listed
            .lines()
            .any(|line| line == path)
            .then(|| self.git(&["show", &format!("HEAD:{path}")]))
    }

    /// "author name <email>|subject" of the head commit.
    fn head_commit(&self) -> String {
        self.git(&["log", "-1", "--format=%an <%ae>|%cn|%s"])
    }
}

#[tokio::test]
async fn create_preview_save_history_diff_and_revert() {
    let server = farm().start();
    let repo = Repo::of(&server, "w");
    let mut eve = server.signed_in("eve").await;

    // A missing page offers its creation to an editor.
    let missing = eve.get("/w/Plan%20d%27action").await.expect(404);
    assert_eq!(
        missing.link_with_text("Créer cette page").href(),
        Some("/w/_edit/Plan%20d%27action")
    );
    let form = eve.edit_page("w", "Plan d'action").await;
    assert_eq!(form.action, "/w/_edit/Plan%20d%27action");

    // A preview renders with the page renderer and commits nothing.
    let before = repo.commits();
    let preview = eve
        .preview_from(&form, "# Plan\n\nVoir [[Home]] et [[Absente]].\n")
        .await
        .expect(200);
    let link = preview.link_with_text("Home");
    assert_eq!(link.class(), Some("wikilink"));
    assert_eq!(
        preview.link_with_text("Absente").class(),
        Some("wikilink missing")
    );
    assert_eq!(repo.commits(), before, "a preview commits nothing");

    // Saving commits once, authored by the roster person, with the message given.
    let saved = eve
        .save_from(
            &form,
            "# Plan\r\n\r\nPremière version.\r\n",
            "Créer le plan",
        )
        .await
        .expect(303);
    assert_eq!(saved.location(), Some("/w/Plan%20d%27action?saved=yes"));
    assert_eq!(repo.commits(), before + 1);
    // The server announces the change, from the head the editor was opened at.
    let head = repo.git(&["rev-parse", "HEAD"]);
    assert_eq!(server.wait_for_branch_moved("w", &head), form.base);
    assert_eq!(
        repo.head_commit(),
        format!(
            "{name} <eve@example.org>|{name}|Créer le plan",
            name = display_name("eve")
        )
    );
    assert_eq!(
        repo.file("Plan d'action.md").as_deref(),
        Some("# Plan\n\nPremière version.")
    );
    let page = eve.get("/w/Plan%20d%27action?saved=yes").await.expect(200);
    assert!(page.text.contains("Première version."));

    // A second save without a message gets a sensible default.
    eve.save_page("w", "Plan d'action", "# Plan\n\nDeuxième version.\n")
        .await
        .expect(303);
    assert_eq!(
        repo.head_commit().rsplit('|').next(),
        Some("Modifier Plan d'action")
    );

    // History: newest first, with author, and a diff between the two revisions.
    let history = eve.get("/w/_history/Plan%20d%27action").await.expect(200);
    let first = history
        .text
        .find("Modifier Plan d&#39;action")
        .or_else(|| history.text.find("Modifier Plan d'action"));
    let second = history.text.find("Créer le plan");
    assert!(
        first.is_some() && second.is_some() && first < second,
        "newest first:\n{}",
        history.text
    );
    assert!(history.text.contains(&display_name("eve")));
    let compare = history.link_with_text("Comparer");
    let diff = eve.get(compare.href().expect("href")).await.expect(200);
    assert!(
        diff.text.contains("<tr class=\"removed\">"),
        "{}",
        diff.text
    );
    assert!(
        diff.text.contains("<del>Première version.</del>"),
        "{}",
        diff.text
    );
    assert!(
        diff.text.contains("<ins>Deuxième version.</ins>"),
        "{}",
        diff.text
    );

    // Any revision can be viewed.
    let old_id = repo.git(&["rev-parse", "HEAD~1"]);
    let old = eve
        .get(&format!("/w/Plan%20d%27action?rev={old_id}"))
        .await
        .expect(200);
    assert!(old.text.contains("Première version.") && !old.text.contains("Deuxième version."));

    // Revert to the first revision, from the history: a new commit with the old text.
    let reverted = eve
        .revert_page("w", "Plan d'action", &old_id)
        .await
        .expect(303);
    assert_eq!(reverted.location(), Some("/w/Plan%20d%27action?saved=yes"));
    assert_eq!(repo.commits(), before + 3);
    assert_eq!(
        repo.file("Plan d'action.md").as_deref(),
        Some("# Plan\n\nPremière version.")
    );
    assert!(
        repo.head_commit()
            .contains("Rétablir Plan d'action à la version du ")
    );
}

#[tokio::test]
async fn rename_with_redirect_keeps_history_and_delete_asks_first() {
    let server = farm().start();
    let repo = Repo::of(&server, "w");
    let mut eve = server.signed_in("eve").await;

    eve.rename_page("w", "Notes", "Archives/Vieilles notes", true, "Ranger")
        .await
        .expect(303);
    assert!(
        repo.file("Archives/Vieilles notes.md")
            .expect("moved")
            .contains("ligne 3")
    );
    assert_eq!(
        repo.file("Notes.md").as_deref(),
        Some("#REDIRECT [[Archives/Vieilles notes]]")
    );
    let redirected = eve.get("/w/Notes").await.expect(303);
    assert_eq!(
        redirected.location(),
        Some("/w/Archives/Vieilles%20notes?from=Notes")
    );
    let page = eve
        .get("/w/Archives/Vieilles%20notes?from=Notes")
        .await
        .expect(200);
    assert!(page.text.contains("Notes"), "says where it came from");

    // History follows the rename back to the page's first commit under its old name.
    let history = eve
        .get("/w/_history/Archives/Vieilles%20notes")
        .await
        .expect(200);
    assert!(history.text.contains("Ranger"));
    assert!(
        history.text.contains("(Notes)"),
        "older revisions under the old name:\n{}",
        history.text
    );

    // Renaming onto an existing page is refused, nothing committed.
    let before = repo.commits();
    let refused = eve
        .rename_page("w", "Home", "Notes", false, "")
        .await
        .expect(409);
    assert_eq!(refused.link_with_text("Notes").href(), Some("/w/Notes"));
    assert_eq!(repo.commits(), before);

    // Rename without a redirect: the old name is gone.
    eve.rename_page("w", "Archives/Vieilles notes", "Notes finales", false, "")
        .await
        .expect(303);
    assert!(repo.file("Archives/Vieilles notes.md").is_none());
    assert!(repo.file("Notes finales.md").is_some());

    // Delete: a GET only asks; the POST commits.
    eve.get("/w/_delete/Notes%20finales").await.expect(200);
    assert!(
        repo.file("Notes finales.md").is_some(),
        "asking deletes nothing"
    );
    eve.delete_page("w", "Notes finales", "").await.expect(303);
    assert!(repo.file("Notes finales.md").is_none());
    assert!(repo.head_commit().ends_with("|Supprimer Notes finales"));
    let gone = eve.get("/w/Notes%20finales").await.expect(404);
    assert!(gone.text.contains("a été supprimée"), "{}", gone.text);
    let history = eve.get("/w/_history/Notes%20finales").await.expect(200);
    // A deleted page can be brought back from its history, newest version included.
    let newest = history.field("rev");
    eve.revert_page("w", "Notes finales", &newest)
        .await
        .expect(303);
    assert!(
        repo.file("Notes finales.md")
            .expect("restored")
            .contains("ligne 3")
    );
}

#[tokio::test]
async fn readers_visitors_and_stale_tokens_commit_nothing() {
    let server = farm().start();
    let repo = Repo::of(&server, "w");
    let before = repo.commits();
    let fields = |csrf: &str, base: &str| {
        vec![
            ("csrf".to_owned(), csrf.to_owned()),
            ("base".to_owned(), base.to_owned()),
            ("text".to_owned(), "vandalisme".to_owned()),
            ("action".to_owned(), "save".to_owned()),
        ]
    };
    let head = repo.git(&["rev-parse", "HEAD"]);

    // A reader sees no edit controls and is refused.
    let mut rita = server.signed_in("rita").await;
    let page = rita.get("/w/Home").await.expect(200);
    assert!(
        !page.text.contains("/w/_edit/"),
        "no edit link for a reader"
    );
    rita.get("/w/_edit/Home").await.expect(403);
    let csrf = rita.csrf().await;
    for path in [
        "/w/_edit/Home",
        "/w/_delete/Home",
        "/w/_rename/Home",
        "/w/_revert/Home",
    ] {
        let owned = fields(&csrf, &head);
        let form: Vec<(&str, &str)> = owned
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        rita.post_form(path, &form).await.expect(403);
    }

    // A visitor is sent to sign in, and their POST is refused.
    let mut visitor = server.browser();
    let public = Repo::of(&server, "pub");
    let public_before = public.commits();
    let sent = visitor.get("/pub/_edit/Home").await.expect(303);
    assert_eq!(sent.location(), Some("/login?next=%2Fpub%2F%5Fedit%2FHome"));
    visitor.get("/w/_edit/Home").await.expect(404);
    let csrf = visitor.csrf().await;
    let owned = fields(&csrf, &head);
    let form: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    visitor
        .post_form("/pub/_edit/Home", &form)
        .await
        .expect(403);
    let hidden = visitor.post_form("/w/_edit/Home", &form).await.expect(404);
    assert!(hidden.text.contains("vandalisme"), "the text comes back");
    // …exactly as for a wiki that does not exist (only the echoed address differs).
    let missing = visitor
        .post_form("/nowiki/_edit/Home", &form)
        .await
        .expect(404);
    let echoed = hidden
        .text
        .replace("%2Fw%2F", "%2Fnowiki%2F")
        .replace("value=\"/w/", "value=\"/nowiki/");
    assert_eq!(echoed, missing.text);
    assert_eq!(public.commits(), public_before);

    // Someone of another organisation cannot even see the private wiki.
    let mut olga = server.signed_in("olga").await;
    let csrf = olga.csrf().await;
    let owned = fields(&csrf, &head);
    let form: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut eve = server.signed_in("eve").await;
    let eve_csrf = eve.csrf().await;
    eve.post_form(
        "/priv/_edit/Home",
        &[("csrf", &eve_csrf), ("text", "x"), ("action", "save")],
    )
    .await
    .expect(404);

    // An editor with a missing, stale or foreign token is refused.
    let mut editor = eve.edit_page("w", "Home").await;
    for token in ["", "0000", csrf.as_str()] {
        editor.csrf = token.to_owned();
        let refused = eve.save_from(&editor, "sans jeton", "").await.expect(403);
        assert!(refused.text.contains("sans jeton"), "the text comes back");
    }
    olga.post_form("/w/_edit/Home", &form).await.expect(403);
    assert_eq!(repo.commits(), before, "nothing was committed");
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), head);
}

#[tokio::test]
async fn bad_names_and_oversized_pages_keep_the_text() {
    let server = farm().start();
    let repo = Repo::of(&server, "w");
    let before = repo.commits();
    let mut eve = server.signed_in("eve").await;
    let mut form = eve.edit_page("w", "Home").await;
    let long = "x".repeat(300);
    for path in [
        "/w/_edit/_reserve".to_owned(),
        "/w/_edit/a/_b".to_owned(),
        "/w/_edit/a%00b".to_owned(),
        "/w/_edit/a%0Ab".to_owned(),
        "/w/_edit/.GIT/x".to_owned(),
        "/w/_edit/".to_owned(),
        format!("/w/_edit/{long}"),
    ] {
        form.action = path.clone();
        let reply = eve.save_from(&form, "Mon texte précieux", "").await;
        assert_eq!(reply.status, 400, "{path}: {}", reply.text);
        assert!(
            reply.text.contains("Mon texte précieux"),
            "{path}: the text is kept"
        );
    }

    // A new page differing only by letter case from an existing one is not created.
    let clash = eve
        .save_page("w", "HOME", "Texte en double")
        .await
        .expect(409);
    assert_eq!(clash.link_with_text("Home").href(), Some("/w/Home"));
    assert!(clash.text.contains("Texte en double"));

    // Over the limit (1 MiB of Markdown by default): 413, nothing committed.
    let huge = "é".repeat(600 * 1024);
    eve.save_page("w", "Grande page", &huge).await.expect(413);
    assert_eq!(repo.commits(), before, "nothing was committed");
    let form = eve.edit_page("w", "Grande page").await;
    assert!(
        form.page.text.contains("maxlength=\"1048576\""),
        "the browser stops typing at the limit"
    );
}

#[tokio::test]
async fn a_save_after_losing_the_right_to_edit_is_refused() {
    let farm = farm();
    let server = farm.start();
    let repo = Repo::of(&server, "w");
    let mut eve = server.signed_in("eve").await;
    let form = eve.edit_page("w", "Home").await;
    let before = repo.commits();

    let roster = server.dir().read_config("roster.toml");
    server.dir().write_config(
        "roster.toml",
        &roster.replace("eve = \"editor\"", "eve = \"reader\""),
    );
    server.wait_for_log("configuration reloaded", crate::harness::PATIENCE);

    eve.save_from(&form, "trop tard", "").await.expect(403);
    assert_eq!(repo.commits(), before);
}

#[tokio::test]
async fn concurrent_edits_merge_or_conflict_without_loss() {
    let server = farm().start();
    let repo = Repo::of(&server, "w");
    let mut eve = server.signed_in("eve").await;
    let mut fred = server.signed_in("fred").await;
    let original = repo.file("Notes.md").expect("seeded");

    // Both open the page at the same revision.
    let eve_form = eve.edit_page("w", "Notes").await;
    let fred_form = fred.edit_page("w", "Notes").await;
    assert_eq!(eve_form.base, fred_form.base);

    // Non-overlapping changes: both land, the second merged.
    let eve_text = original.replace("ligne 1", "ligne 1 par Eve");
    let fred_text = original.replace("ligne 5", "ligne 5 par Fred");
    eve.save_from(&eve_form, &eve_text, "Eve").await.expect(303);
    let merged = fred
        .save_from(&fred_form, &fred_text, "Fred")
        .await
        .expect(303);
    assert_eq!(merged.location(), Some("/w/Notes?saved=merged"));
    let now = repo.file("Notes.md").expect("page");
    assert!(
        now.contains("ligne 1 par Eve") && now.contains("ligne 5 par Fred"),
        "{now}"
    );

    // Overlapping changes: the second sees a conflict with its own text intact.
    let eve_form = eve.edit_page("w", "Notes").await;
    let fred_form = fred.edit_page("w", "Notes").await;
    eve.save_from(
        &eve_form,
        &now.replace("ligne 3", "ligne trois (Eve)"),
        "Eve 2",
    )
    .await
    .expect(303);
    let commits = repo.commits();
    let fred_text = now.replace("ligne 3", "ligne III (Fred)");
    let conflict = fred
        .save_from(&fred_form, &fred_text, "Fred 2")
        .await
        .expect(409);
    assert_eq!(repo.commits(), commits, "a conflict commits nothing");
    assert!(
        conflict.text.contains("ligne III (Fred)"),
        "Fred's text is intact"
    );
    assert!(
        conflict.text.contains("ligne trois (Eve)"),
        "the other version is shown"
    );
    assert!(
        conflict.text.contains("<table class=\"diff\">"),
        "and the difference"
    );

    // Saving again from the conflict view (its base is the new head) lands.
    let retry = EditForm::of(conflict);
    assert_ne!(retry.base, fred_form.base);
    assert_eq!(retry.base, repo.git(&["rev-parse", "HEAD"]));
    fred.save_from(&retry, &fred_text, "Fred 2")
        .await
        .expect(303);
    assert!(
        repo.file("Notes.md")
            .expect("page")
            .contains("ligne III (Fred)")
    );
    let subjects = repo.git(&["log", "--format=%s"]);
    for subject in ["Eve", "Fred", "Eve 2", "Fred 2"] {
        assert!(
            subjects.lines().any(|line| line == subject),
            "{subject} in\n{subjects}"
        );
    }
}

#[tokio::test]
async fn a_save_racing_a_commit_behind_the_servers_back_loses_neither() {
    let server = farm().start();
    let repo = Repo::of(&server, "w");
    let mut eve = server.signed_in("eve").await;
    let form = eve.edit_page("w", "Notes").await;
    let original = repo.file("Notes.md").expect("seeded");

    // Someone commits straight into the repository, with git, while Eve is editing.
    let work = server.dir().path().join("work");
    let work = work.to_str().expect("UTF-8 path");
    server.dir().git(&["clone", "-q", &repo.path, work]);
    std::fs::write(
        format!("{work}/Notes.md"),
        original.replace("ligne 5", "ligne 5 (git)"),
    )
    .expect("writing the clone");
    server
        .dir()
        .git(&["-C", work, "commit", "-q", "-am", "Commit direct"]);
    server
        .dir()
        .git(&["-C", work, "push", "-q", "origin", "HEAD"]);

    let text = original.replace("ligne 1", "ligne 1 (web)");
    eve.save_from(&form, &text, "Commit web").await.expect(303);
    let now = repo.file("Notes.md").expect("page");
    assert!(
        now.contains("ligne 1 (web)") && now.contains("ligne 5 (git)"),
        "{now}"
    );
    let subjects = repo.git(&["log", "--format=%s"]);
    assert!(
        subjects.starts_with("Commit web\nCommit direct\n"),
        "{subjects}"
    );
}

#[tokio::test]
async fn uploads_attachments_within_the_limit() {
    let server = farm().start();
    let repo = Repo::of(&server, "w");
    let mut eve = server.signed_in("eve").await;
    let png = b"\x89PNG\r\n\x1a\n0000IHDR-not-really-but-typed-by-name".to_vec();

    let reply = eve
        .upload_for_page(
            "w",
            "Guides/Accueil",
            "images/Logo coop.png",
            "logo.png",
            &png,
        )
        .await
        .expect(303);
    let location = reply.location().expect("a redirect").to_owned();
    assert_eq!(
        repo.git(&["cat-file", "-s", "HEAD:images/Logo coop.png"]),
        png.len().to_string()
    );
    assert!(
        repo.head_commit()
            .ends_with("|Ajouter images/Logo coop.png")
    );
    let shown = eve.get(&location).await.expect(200);
    assert!(
        shown
            .text
            .contains("![Logo coop.png](&lt;../images/Logo coop.png&gt;)"),
        "the Markdown to paste, relative to the page:\n{}",
        shown.text
    );
    let file = eve
        .get("/w/_files/images/Logo%20coop.png")
        .await
        .expect(200);
    assert_eq!(file.header("content-type"), Some("image/png"));
    assert_eq!(file.bytes, png);

    // Without a name, the file's own name; a reserved name is refused.
    let before = repo.commits();
    eve.upload("w", "", "_cache.png", &png).await.expect(400);
    eve.upload("w", "page.md", "x.md", b"# x").await.expect(400);
    // Over the limit (10 MiB by default): 413, nothing committed.
    let big = vec![0u8; 10 * 1024 * 1024 + 1];
    eve.upload("w", "", "big.bin", &big).await.expect(413);
    // A reader cannot upload.
    let mut rita = server.signed_in("rita").await;
    rita.upload("w", "", "r.png", &png).await.expect(403);
    assert_eq!(repo.commits(), before);
}

#[tokio::test]
async fn recent_changes_and_feed_follow_the_access_policy() {
    let server = farm().base_url("https://wiki.example.org").start();
    let repo = Repo::of(&server, "w");
    let mut eve = server.signed_in("eve").await;
    eve.save_page_with_message("w", "Journal", "# Journal\n\nRien.\n", "Ouvrir le journal")
        .await
        .expect(303);
    let mut olga = server.signed_in("olga").await;
    olga.save_page_with_message(
        "priv",
        "Home",
        "# Secret\n\nCode 1234.\n",
        "Changer le code secret",
    )
    .await
    .expect(303);

    let recent = eve.get("/w/_recent").await.expect(200);
    assert!(recent.text.contains("Ouvrir le journal"));
    assert_eq!(recent.link_with_text("Journal").href(), Some("/w/Journal"));

    // The farm home shows each person the changes of the wikis they may read, and no others.
    let home = eve.get("/").await.expect(200);
    assert!(home.text.contains("Ouvrir le journal"));
    assert!(!home.text.contains("Changer le code secret"));
    let home = olga.get("/").await.expect(200);
    assert!(home.text.contains("Changer le code secret"));
    let home = server.browser().get("/").await.expect(200);
    assert!(
        !home.text.contains("Changer le code secret") && !home.text.contains("Ouvrir le journal")
    );

    let feed = eve.get("/w/_feed.atom").await.expect(200);
    assert_eq!(
        feed.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    assert!(feed.text.starts_with("<?xml"));
    assert!(feed.text.contains("<title>Journal</title>"));
    assert!(feed.text.contains("<summary>Ouvrir le journal</summary>"));
    assert!(
        feed.text
            .contains(&format!("<name>{}</name>", display_name("eve")))
    );
    // The whole feed, newest change first; dates, commit ids and the address normalised.
    let journal = repo.git(&["rev-parse", "HEAD"]);
    let seed = repo.git(&["rev-parse", "HEAD~1"]);
    assert_snapshot(
        &replace_all(
            &replace_element_text(&tag_per_line(&feed.text), "updated", "DATE"),
            &[
                (&journal, "JOURNAL"),
                (&seed, "SEED"),
                ("https://wiki.example.org", "BASE"),
            ],
        ),
        r#"
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
        <title>Wiki w</title>
        <id>BASE/w/</id>
        <link rel="alternate" href="BASE/w/">
        </link>
        <link rel="self" href="BASE/w/_feed.atom">
        </link>
        <updated>DATE</updated>
        <entry>
        <title>Journal</title>
        <id>urn:konbit:commit:JOURNAL</id>
        <link rel="alternate" href="BASE/w/Journal">
        </link>
        <updated>DATE</updated>
        <author>
        <name>Person Eve</name>
        </author>
        <summary>Ouvrir le journal</summary>
        </entry>
        <entry>
        <title>Home, Notes</title>
        <id>urn:konbit:commit:SEED</id>
        <link rel="alternate" href="BASE/w/Home">
        </link>
        <updated>DATE</updated>
        <author>
        <name>konbit</name>
        </author>
        <summary>Créer le wiki</summary>
        </entry>
        </feed>
        "#,
    );
    server.browser().get("/w/_feed.atom").await.expect(404);
    eve.get("/priv/_feed.atom").await.expect(404);
    eve.get("/priv/_recent").await.expect(404);
    eve.get("/priv/_history/Home").await.expect(404);
}

/// The length of a form as a browser sends it (`application/x-www-form-urlencoded`).
fn encoded_length(fields: &[(&str, &str)]) -> usize {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
        .len()
}

#[tokio::test]
async fn the_page_limit_counts_the_stored_markdown_and_a_refusal_keeps_the_text() {
    let server = farm().start();
    let repo = Repo::of(&server, "w");
    let mut eve = server.signed_in("eve").await;

    // 390 KiB of French's accented letters, the worst case of the encoding (three bytes sent
    // for each byte stored): far under the 1024 KiB of Markdown allowed, although the form
    // that carries it is over 1 MiB.
    let line = "« Ééèêàâîïôûùüçœæ Ç’À É »";
    let mut french = String::new();
    while french.len() < 390 * 1024 {
        french.push_str(line);
        french.push('\n');
    }
    let form = eve.edit_page("w", "Accents").await;
    assert!(
        encoded_length(&[
            ("csrf", &form.csrf),
            ("base", &form.base),
            ("text", &french)
        ]) > 1088 << 10,
        "the test's text must be over the old limit once encoded"
    );
    eve.save_from(&form, &french, "").await.expect(303);
    assert_eq!(repo.file("Accents.md").as_deref(), Some(french.trim_end()));

    // One byte over the limit, as stored (the page ends with a line end, kept as it is).
    let before = repo.commits();
    let mut over = "é".repeat(512 * 1024 - 1);
    over.push_str("ab\n");
    assert_eq!(over.len(), (1024 << 10) + 1);
    let form = eve.edit_page("w", "Trop long").await;
    let refused = eve.save_from(&form, &over, "trop").await.expect(413);
    assert!(
        refused.text.contains("textarea id=\"text\" name=\"text\""),
        "the editor, not an error page:\n{}",
        &refused.text[..refused.text.len().min(2000)]
    );
    assert!(refused.text.contains(&over), "the person's text comes back");
    assert!(
        refused
            .text
            .contains("fait 1025 Kio, au-delà de la limite de 1024 Kio"),
        "the message names the size and the limit"
    );
    assert_eq!(repo.commits(), before, "nothing was committed");

    // In the person's language.
    let mut english = server.browser().with_accept_language("en");
    english.sign_in("eve", PASSWORD).await;
    let form = english.edit_page("w", "Trop long").await;
    let refused = english.save_from(&form, &over, "").await.expect(413);
    assert!(
        refused
            .text
            .contains("is 1025 KiB, over the limit of 1024 KiB"),
        "{}",
        &refused.text[..refused.text.len().min(2000)]
    );
    assert_eq!(repo.commits(), before, "nothing was committed");
}
