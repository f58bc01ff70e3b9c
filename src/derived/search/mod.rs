//! The farm's search index: one tantivy index for every wiki, derived from git like the other
//! caches, kept up to date by branch moves on a thread of its own, and asked only with the set
//! of wikis the access policy lets the asker read, which filters the query inside the index.
//!
//! Each page is one document: its wiki, page path, place (a facet `/wiki/folder/…`, so that read
//! rules finer than a wiki can filter inside the query later), title, headings and text analysed
//! in the wiki's language (lower-cased, stemmed, accents folded), its words unstemmed (for
//! prefixes, corrections and title suggestions), and its last change. The commit each wiki's
//! documents reflect is stored in the index's own commits, with a schema version: an index that
//! is missing, unreadable or of another version is rebuilt, and one behind a branch is caught up.

mod query;
mod stats;
mod text;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, TermQuery};
use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::i18n::ContentLang;
use crate::object_id::ObjectId;
use crate::page_path::{PagePath, WikiSlug};
use crate::rules::page_of_file;
use crate::store::Location;

use super::{BranchMoved, Derived};
use stats::ScopedStatistics;

pub use query::{Clause, MAX_QUERY_CHARS, MAX_TERMS, Query, Term as QueryTerm, TooBig, parse};
pub use text::{PageText, page_text};

/// Changes whenever the documents' shape or their analysis changes: an index of another
/// version is rebuilt.
const SCHEMA_VERSION: u32 = 1;
/// Results on one page of results.
pub const PER_PAGE: usize = 10;
/// The last page of results one may ask for.
pub const MAX_PAGE: usize = 100;
/// Words a prefix may stand for.
const MAX_EXPANSIONS: usize = 64;
/// Title suggestions offered as one types.
const MAX_SUGGESTIONS: usize = 8;
/// Below this many results, a correction is looked for.
const FEW_RESULTS: usize = 3;
/// Longest word the analysers keep, in bytes.
const MAX_WORD: usize = 40;
/// Characters of text around the matched words.
const SNIPPET_CHARS: usize = 220;
/// The writer's memory budget: segments are flushed beyond it.
const WRITER_MEMORY: usize = 50_000_000;

/// A wiki as the index needs to know it.
#[derive(Clone, Debug)]
pub struct IndexedWiki {
    pub slug: WikiSlug,
    pub lang: ContentLang,
    pub location: Location,
}

/// A readable wiki as a query needs to know it.
#[derive(Clone, Debug)]
pub struct Scope {
    pub slug: WikiSlug,
    pub lang: ContentLang,
}

/// One result.
#[derive(Clone, Debug)]
pub struct Hit {
    pub wiki: WikiSlug,
    pub path: PagePath,
    pub title: String,
    /// The text around the matched words: pieces, each highlighted or not.
    pub snippet: Vec<(String, bool)>,
    /// Seconds since the epoch of the page's last change.
    pub date: i64,
    pub author: String,
}

/// The answer to a query.
#[derive(Clone, Debug, Default)]
pub struct Found {
    /// How many pages match, over every page of results.
    pub total: usize,
    pub hits: Vec<Hit>,
    /// The wikis with hits and their counts, before any `wiki:` narrowing, most hits first.
    pub facets: Vec<(WikiSlug, u64)>,
    /// The query with its plain words corrected, when it found few pages and the correction
    /// finds more.
    pub correction: Option<String>,
}

/// A page title offered as one types.
#[derive(Clone, Debug)]
pub struct Suggestion {
    pub wiki: WikiSlug,
    pub path: PagePath,
    pub title: String,
}

/// The commits the index reflects, stored with each of its commits.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Reflects {
    schema: u32,
    wikis: BTreeMap<String, Reflected>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Reflected {
    commit: String,
    lang: String,
}

/// The fields of a page's document.
#[derive(Clone)]
struct Fields {
    /// `wiki` NUL `page path`: what a change deletes.
    key: Field,
    wiki: Field,
    path: Field,
    place: Field,
    lang: Field,
    /// The title and text as shown (stored only).
    title: Field,
    body: Field,
    date: Field,
    author: Field,
    /// Every word of the page, unstemmed.
    words: Field,
    /// The title's words, unstemmed.
    title_words: Field,
    /// Per language: title, headings, text, analysed in it.
    analysed: HashMap<ContentLang, [Field; 3]>,
}

const TITLE: usize = 0;
const HEADINGS: usize = 1;
const BODY: usize = 2;
/// How much a match in the title, the headings and the text counts.
const BOOSTS: [f32; 3] = [4.0, 2.0, 1.0];

fn analyser_name(lang: ContentLang) -> String {
    format!("konbit_{}", lang.code())
}

const WORDS_ANALYSER: &str = "konbit_words";

fn language(lang: ContentLang) -> Language {
    match lang {
        ContentLang::Arabic => Language::Arabic,
        ContentLang::Danish => Language::Danish,
        ContentLang::Dutch => Language::Dutch,
        ContentLang::English => Language::English,
        ContentLang::Finnish => Language::Finnish,
        ContentLang::French => Language::French,
        ContentLang::German => Language::German,
        ContentLang::Greek => Language::Greek,
        ContentLang::Hungarian => Language::Hungarian,
        ContentLang::Italian => Language::Italian,
        ContentLang::Norwegian => Language::Norwegian,
        ContentLang::Portuguese => Language::Portuguese,
        ContentLang::Romanian => Language::Romanian,
        ContentLang::Russian => Language::Russian,
        ContentLang::Spanish => Language::Spanish,
        ContentLang::Swedish => Language::Swedish,
        ContentLang::Tamil => Language::Tamil,
        ContentLang::Turkish => Language::Turkish,
    }
}

/// A language's analyser: words lower-cased, stemmed in the language (which needs its
/// accents), then folded to ASCII, so that `équipes`, `Équipe` and `equipe` meet.
fn analyser(lang: ContentLang) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD))
        .filter(LowerCaser)
        .filter(Stemmer::new(language(lang)))
        .filter(AsciiFoldingFilter)
        .build()
}

fn words_analyser() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |analyser: &str, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyser)
                .set_index_option(record),
        )
    };
    let key = builder.add_text_field("key", STRING);
    let wiki = builder.add_text_field("wiki", STRING | STORED);
    let path = builder.add_text_field("path", STORED);
    let place = builder.add_facet_field("place", FacetOptions::default());
    let lang = builder.add_text_field("lang", STORED);
    let title = builder.add_text_field("title", STORED);
    let body = builder.add_text_field("body", STORED);
    let date = builder.add_i64_field("date", NumericOptions::default().set_stored());
    let author = builder.add_text_field("author", STORED);
    let words = builder.add_text_field("words", text(WORDS_ANALYSER, IndexRecordOption::Basic));
    let title_words = builder.add_text_field(
        "title_words",
        text(WORDS_ANALYSER, IndexRecordOption::Basic),
    );
    let mut analysed = HashMap::new();
    for lang in ContentLang::ALL {
        let name = analyser_name(lang);
        let options = text(&name, IndexRecordOption::WithFreqsAndPositions);
        let code = lang.code();
        analysed.insert(
            lang,
            [
                builder.add_text_field(&format!("title_{code}"), options.clone()),
                builder.add_text_field(&format!("headings_{code}"), options.clone()),
                builder.add_text_field(&format!("body_{code}"), options),
            ],
        );
    }
    let fields = Fields {
        key,
        wiki,
        path,
        place,
        lang,
        title,
        body,
        date,
        author,
        words,
        title_words,
        analysed,
    };
    (builder.build(), fields)
}

fn register_analysers(index: &Index) {
    let manager = index.tokenizers();
    manager.register(WORDS_ANALYSER, words_analyser());
    for lang in ContentLang::ALL {
        manager.register(&analyser_name(lang), analyser(lang));
    }
}

fn search_error(error: tantivy::TantivyError) -> Error {
    Error::Internal(format!("search index: {error}"))
}

/// Opens the index in `dir`, or makes a new one where there is none, or one konbit cannot use
/// (unreadable, another schema version): what it held is derived and is rebuilt from git.
fn open_index(dir: &Path) -> Result<(Index, Fields, Reflects)> {
    let (schema, fields) = schema();
    let opened = Index::open_in_dir(dir).and_then(|index| {
        let metas = index.load_metas()?;
        let reflects: Reflects = metas
            .payload
            .as_deref()
            .and_then(|payload| serde_json::from_str(payload).ok())
            .unwrap_or_default();
        Ok((index, reflects))
    });
    match opened {
        Ok((index, reflects)) if reflects.schema == SCHEMA_VERSION && index.schema() == schema => {
            register_analysers(&index);
            return Ok((index, fields, reflects));
        }
        Ok(_) => {
            tracing::info!(dir = %dir.display(), "the search index is of another version; rebuilding it")
        }
        Err(tantivy::TantivyError::OpenDirectoryError(_)) => {}
        Err(error) => {
            tracing::warn!(dir = %dir.display(), %error, "the search index cannot be read; rebuilding it")
        }
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .map_err(|e| Error::Internal(format!("removing {}: {e}", dir.display())))?;
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::Internal(format!("creating {}: {e}", dir.display())))?;
    let index = Index::create_in_dir(dir, schema).map_err(search_error)?;
    register_analysers(&index);
    Ok((
        index,
        fields,
        Reflects {
            schema: SCHEMA_VERSION,
            wikis: BTreeMap::new(),
        },
    ))
}

/// What the indexer thread is asked to do.
enum Job {
    /// The wikis of the farm as configured now: catch each up with its branch, drop the others.
    Sync(Vec<IndexedWiki>),
    /// A branch moved.
    Moved(WikiSlug),
}

/// The farm's search index, for queries; its writer lives on the indexer thread.
pub struct Search {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    jobs: Mutex<mpsc::Sender<Job>>,
    catching_up: Arc<AtomicBool>,
}

impl Search {
    /// Opens (or rebuilds) the index in `dir` and starts its indexer thread, which first catches
    /// every wiki of `wikis` up with its branch.
    pub fn start(dir: &Path, derived: Arc<Derived>, wikis: Vec<IndexedWiki>) -> Result<Search> {
        let (index, fields, reflects) = open_index(dir)?;
        let writer: IndexWriter = index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .map_err(search_error)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(search_error)?;
        let catching_up = Arc::new(AtomicBool::new(true));
        let (sender, receiver) = mpsc::channel();
        let mut indexer = Indexer {
            writer,
            fields: fields.clone(),
            reflects,
            derived,
            wikis: HashMap::new(),
            pending: 0,
        };
        let thread_reader: IndexReader = reader.clone();
        let flag = catching_up.clone();
        std::thread::Builder::new()
            .name("search-indexer".into())
            .spawn(move || indexer.run(receiver, &thread_reader, &flag))
            .map_err(|e| Error::Internal(format!("starting the search indexer: {e}")))?;
        sender
            .send(Job::Sync(wikis))
            .map_err(|_| Error::Internal("the search indexer stopped".into()))?;
        Ok(Search {
            index,
            reader,
            fields,
            jobs: Mutex::new(sender),
            catching_up,
        })
    }

    /// Whether the index is still catching up with the branches (results may be incomplete).
    pub fn catching_up(&self) -> bool {
        self.catching_up.load(Ordering::Relaxed)
    }

    /// Tells the indexer which wikis the farm has now (after a configuration change).
    pub fn sync(&self, wikis: Vec<IndexedWiki>) {
        self.catching_up.store(true, Ordering::Relaxed);
        self.send(Job::Sync(wikis));
    }

    /// Hands a branch move to the indexer; returns at once.
    pub fn branch_moved(&self, notice: &BranchMoved) {
        self.send(Job::Moved(notice.wiki.clone()));
    }

    fn send(&self, job: Job) {
        let sent = self
            .jobs
            .lock()
            .expect("jobs lock is never poisoned")
            .send(job);
        if sent.is_err() {
            tracing::error!("the search indexer has stopped; search results will be stale");
        }
    }

    /// Searches the wikis of `scope` (every wiki the asker may read, and no other) for `query`;
    /// `wikis:` in the query narrows within the scope. `page` counts from 1.
    pub fn search(&self, query: &Query, scope: &[Scope], page: usize) -> Result<Found> {
        let searcher = self.reader.searcher();
        let asked = Asked::new(self, &searcher, query);
        let narrowed: Vec<&Scope> = scope
            .iter()
            .filter(|wiki| {
                query.wikis.is_empty() || query.wikis.iter().any(|w| w == wiki.slug.as_str())
            })
            .collect();
        let mut found = Found::default();
        if !query.has_positive_terms() {
            return Ok(found);
        }
        let all: Vec<&Scope> = scope.iter().collect();
        let facet_query = asked.build(&all);
        let mut facets = FacetCollector::for_field("place");
        facets.add_facet("/");
        let counts = searcher
            .search(&facet_query, &facets)
            .map_err(search_error)?;
        found.facets = counts
            .get("/")
            .filter_map(|(facet, count)| {
                let slug = facet.to_path().first().and_then(|s| WikiSlug::parse(s))?;
                Some((slug, count))
            })
            .collect();
        found
            .facets
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

        let main = asked.build(&narrowed);
        let page = page.clamp(1, MAX_PAGE);
        let top = TopDocs::with_limit(PER_PAGE)
            .and_offset((page - 1) * PER_PAGE)
            .order_by_score();
        // Ranked by the statistics of the readable wikis alone.
        let statistics = ScopedStatistics::new(&searcher, self.wiki_filter(scope.iter()))
            .map_err(search_error)?;
        let (top, total) = searcher
            .search_with_statistics_provider(&main, &(top, Count), &statistics)
            .map_err(search_error)?;
        found.total = total;
        let mut snippets: HashMap<ContentLang, SnippetGenerator> = HashMap::new();
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address).map_err(search_error)?;
            found.hits.push(self.hit(&doc, &asked, &mut snippets)?);
        }
        if total < FEW_RESULTS {
            found.correction = asked.correction(&narrowed, total);
        }
        Ok(found)
    }

    fn hit(
        &self,
        doc: &TantivyDocument,
        asked: &Asked,
        snippets: &mut HashMap<ContentLang, SnippetGenerator>,
    ) -> Result<Hit> {
        let fields = &self.fields;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|value| value.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let wiki = WikiSlug::parse(&text(fields.wiki))
            .ok_or_else(|| Error::Internal("search index: a document without its wiki".into()))?;
        let path = PagePath::parse(&text(fields.path))
            .map_err(|_| Error::Internal("search index: a document without its path".into()))?;
        let lang = ContentLang::parse(&text(fields.lang)).unwrap_or(ContentLang::English);
        let body = text(fields.body);
        let generator = match snippets.entry(lang) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(asked.snippet_generator(lang)?)
            }
        };
        let snippet = generator.snippet(&body);
        let pieces = if snippet.is_empty() {
            // A match in the title only: the text's beginning.
            let start: String = body.chars().take(SNIPPET_CHARS).collect();
            vec![(start, false)]
        } else {
            let fragment = snippet.fragment();
            let mut pieces = Vec::new();
            let mut at = 0;
            for range in snippet.highlighted() {
                if range.start > at {
                    pieces.push((fragment[at..range.start].to_owned(), false));
                }
                pieces.push((fragment[range.clone()].to_owned(), true));
                at = range.end;
            }
            if at < fragment.len() {
                pieces.push((fragment[at..].to_owned(), false));
            }
            pieces
        };
        Ok(Hit {
            wiki,
            title: text(fields.title),
            path,
            snippet: pieces,
            date: doc
                .get_first(fields.date)
                .and_then(|value| value.as_i64())
                .unwrap_or_default(),
            author: text(fields.author),
        })
    }

    /// Page titles of the wikis of `scope` whose words begin like `typed` (the last word may be
    /// unfinished).
    pub fn suggest(&self, typed: &str, scope: &[Scope]) -> Result<Vec<Suggestion>> {
        let searcher = self.reader.searcher();
        let words = analyse(&mut words_analyser(), typed);
        let Some((last, complete)) = words.split_last() else {
            return Ok(Vec::new());
        };
        let field = self.fields.title_words;
        let mut clauses: Vec<(Occur, Box<dyn tantivy::query::Query>)> = complete
            .iter()
            .map(|word| (Occur::Must, term_query(field, word)))
            .collect();
        let expansions = expand(&searcher, field, last, MAX_EXPANSIONS)?;
        clauses.push((
            Occur::Must,
            any_of(expansions.iter().map(|w| term_query(field, w))),
        ));
        clauses.push((Occur::Must, self.wiki_filter(scope.iter())));
        let query = BooleanQuery::new(clauses);
        let statistics = ScopedStatistics::new(&searcher, self.wiki_filter(scope.iter()))
            .map_err(search_error)?;
        let top = searcher
            .search_with_statistics_provider(
                &query,
                &TopDocs::with_limit(MAX_SUGGESTIONS).order_by_score(),
                &statistics,
            )
            .map_err(search_error)?;
        let mut suggestions = Vec::new();
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address).map_err(search_error)?;
            let text = |field: Field| {
                doc.get_first(field)
                    .and_then(|value| value.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            if let (Some(wiki), Ok(path)) = (
                WikiSlug::parse(&text(self.fields.wiki)),
                PagePath::parse(&text(self.fields.path)),
            ) {
                suggestions.push(Suggestion {
                    wiki,
                    path,
                    title: text(self.fields.title),
                });
            }
        }
        Ok(suggestions)
    }

    /// A query that matches the documents of these wikis only.
    fn wiki_filter<'s>(
        &self,
        wikis: impl Iterator<Item = &'s Scope>,
    ) -> Box<dyn tantivy::query::Query> {
        any_of(wikis.map(|wiki| term_query(self.fields.wiki, wiki.slug.as_str())))
    }

    /// The number of documents in the index (for tests and the administration).
    pub fn documents(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The index as tantivy sees it, for the benchmarks.
    pub fn index(&self) -> &Index {
        &self.index
    }
}

/// A query being answered: its words analysed in each language once.
struct Asked<'a> {
    search: &'a Search,
    searcher: &'a Searcher,
    query: &'a Query,
    /// Per term, what a prefix stands for (unstemmed words), computed once.
    expansions: Vec<Option<Vec<String>>>,
}

impl<'a> Asked<'a> {
    fn new(search: &'a Search, searcher: &'a Searcher, query: &'a Query) -> Asked<'a> {
        let expansions = query
            .terms
            .iter()
            .map(|term| match &term.clause {
                Clause::Prefix(prefix) => {
                    let words = analyse(&mut words_analyser(), prefix);
                    let last = words.last()?;
                    expand(searcher, search.fields.words, last, MAX_EXPANSIONS).ok()
                }
                _ => None,
            })
            .collect();
        Asked {
            search,
            searcher,
            query,
            expansions,
        }
    }

    /// The whole query over the wikis of `scope`: for each language among them, the terms
    /// analysed in it, over its fields, for its wikis.
    fn build(&self, scope: &[&Scope]) -> BooleanQuery {
        let mut by_lang: BTreeMap<ContentLang, Vec<&Scope>> = BTreeMap::new();
        for wiki in scope {
            by_lang.entry(wiki.lang).or_default().push(wiki);
        }
        let mut languages: Vec<(Occur, Box<dyn tantivy::query::Query>)> = Vec::new();
        for (lang, wikis) in by_lang {
            let mut clauses: Vec<(Occur, Box<dyn tantivy::query::Query>)> =
                vec![(Occur::Must, self.search.wiki_filter(wikis.into_iter()))];
            let mut positive = false;
            for (index, term) in self.query.terms.iter().enumerate() {
                let Some(query) = self.term(lang, index) else {
                    continue;
                };
                if term.excluded {
                    clauses.push((Occur::MustNot, query));
                } else {
                    positive = true;
                    clauses.push((Occur::Must, query));
                }
            }
            if positive {
                languages.push((Occur::Should, Box::new(BooleanQuery::new(clauses))));
            }
        }
        BooleanQuery::new(languages)
    }

    /// One term of the query in one language, over the title, headings and text; `None` when
    /// the language's analyser finds no word in it.
    fn term(&self, lang: ContentLang, index: usize) -> Option<Box<dyn tantivy::query::Query>> {
        let fields = self.search.fields.analysed[&lang];
        let mut analyser = analyser(lang);
        let over_fields = |tokens: &[String]| -> Box<dyn tantivy::query::Query> {
            any_of(fields.iter().zip(BOOSTS).map(|(&field, boost)| {
                let query: Box<dyn tantivy::query::Query> = match tokens {
                    [token] => term_query(field, token),
                    _ => Box::new(PhraseQuery::new(
                        tokens
                            .iter()
                            .map(|token| Term::from_field_text(field, token))
                            .collect(),
                    )),
                };
                Box::new(BoostQuery::new(query, boost)) as Box<dyn tantivy::query::Query>
            }))
        };
        match &self.query.terms[index].clause {
            Clause::Words(text) | Clause::Phrase(text) => {
                let tokens = analyse(&mut analyser, text);
                (!tokens.is_empty()).then(|| over_fields(&tokens))
            }
            Clause::Prefix(prefix) => {
                if analyse(&mut words_analyser(), prefix).is_empty() {
                    return None;
                }
                let expansions = self.expansions[index].as_deref().unwrap_or_default();
                let stems: BTreeSet<String> = expansions
                    .iter()
                    .flat_map(|word| analyse(&mut analyser, word))
                    .collect();
                Some(any_of(
                    stems
                        .iter()
                        .map(|stem| over_fields(std::slice::from_ref(stem))),
                ))
            }
        }
    }

    /// The terms this query highlights in a language's text.
    fn snippet_generator(&self, lang: ContentLang) -> Result<SnippetGenerator> {
        let body = self.search.fields.analysed[&lang][BODY];
        let mut words = BTreeMap::new();
        let mut analyser = analyser(lang);
        for (index, term) in self.query.terms.iter().enumerate() {
            if term.excluded {
                continue;
            }
            let tokens = match &term.clause {
                Clause::Words(text) | Clause::Phrase(text) => analyse(&mut analyser, text),
                Clause::Prefix(_) => self.expansions[index]
                    .iter()
                    .flatten()
                    .flat_map(|word| analyse(&mut analyser, word))
                    .collect(),
            };
            for token in tokens {
                // Every word counts the same: how often a word occurs elsewhere in the farm
                // (in wikis the asker may not read) must not choose the fragment shown.
                words.insert(token, 1.0);
            }
        }
        let analyser = self
            .search
            .index
            .tokenizer_for_field(body)
            .map_err(search_error)?;
        let mut generator = SnippetGenerator::new(words, analyser, body, SNIPPET_CHARS);
        generator.set_max_num_chars(SNIPPET_CHARS);
        Ok(generator)
    }

    /// The query with its unknown plain words replaced by the nearest word of the readable
    /// wikis, when that finds more than `total` pages.
    fn correction(&self, scope: &[&Scope], total: usize) -> Option<String> {
        if scope.is_empty() {
            return None;
        }
        let words_field = self.search.fields.words;
        let filter = || self.search.wiki_filter(scope.iter().copied());
        // How many readable pages hold a word, unstemmed.
        let readable_count = |word: &str| -> usize {
            let query = BooleanQuery::new(vec![
                (Occur::Must, term_query(words_field, word)),
                (Occur::Must, filter()),
            ]);
            self.searcher.search(&query, &Count).unwrap_or(0)
        };
        let mut replaced = HashMap::new();
        for term in &self.query.terms {
            let Clause::Words(text) = &term.clause else {
                continue;
            };
            if term.excluded || replaced.contains_key(text) {
                continue;
            }
            let tokens = analyse(&mut words_analyser(), text);
            let [word] = tokens.as_slice() else {
                continue;
            };
            if readable_count(word) > 0 {
                continue;
            }
            // Nearest first, then the most frequent in the readable wikis: how often a word
            // appears in the others must not decide which one is offered.
            let best = near_words(self.searcher, words_field, word)
                .into_iter()
                .map(|(candidate, distance)| {
                    let count = readable_count(&candidate);
                    (candidate, distance, count)
                })
                .filter(|(_, _, count)| *count > 0)
                .min_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
            if let Some((better, _, _)) = best {
                replaced.insert(text.clone(), better);
            }
        }
        if replaced.is_empty() {
            return None;
        }
        let corrected = self.query.rewritten(|word| replaced.get(word).cloned());
        let query = parse(&corrected).ok()?;
        let asked = Asked::new(self.search, self.searcher, &query);
        let count = self.searcher.search(&asked.build(scope), &Count).ok()?;
        (count > total).then_some(corrected)
    }
}

fn term_query(field: Field, text: &str) -> Box<dyn tantivy::query::Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// A query that matches what any of `queries` matches; nothing when there are none.
fn any_of(
    queries: impl Iterator<Item = Box<dyn tantivy::query::Query>>,
) -> Box<dyn tantivy::query::Query> {
    let clauses: Vec<_> = queries.map(|query| (Occur::Should, query)).collect();
    if clauses.is_empty() {
        Box::new(EmptyQuery)
    } else {
        Box::new(BooleanQuery::new(clauses))
    }
}

/// The words an analyser finds in a text.
fn analyse(analyser: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyser.token_stream(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token().text.clone());
    }
    tokens
}

/// Up to `limit` words of `field` that begin with `prefix`, in every segment.
fn expand(searcher: &Searcher, field: Field, prefix: &str, limit: usize) -> Result<Vec<String>> {
    let mut words = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field).map_err(search_error)?;
        let mut stream = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .into_stream()
            .map_err(|e| Error::Internal(format!("search index: {e}")))?;
        while stream.advance() {
            let Ok(word) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if !word.starts_with(prefix) || words.len() >= limit {
                break;
            }
            words.insert(word.to_owned());
        }
    }
    Ok(words.into_iter().take(limit).collect())
}

/// Words of `field` within a small edit distance of `word` that begin with the same letter, with
/// their distance, in any wiki (the caller keeps those it may offer). At most
/// `MAX_NEAR_WORDS`, nearest first.
fn near_words(searcher: &Searcher, field: Field, word: &str) -> Vec<(String, usize)> {
    let Some(first) = word.chars().next() else {
        return Vec::new();
    };
    let length = word.chars().count();
    let max_distance = if length <= 4 { 1 } else { 2 };
    let mut found: HashMap<String, usize> = HashMap::new();
    let mut start = [0u8; 4];
    let start = first.encode_utf8(&mut start).as_bytes().to_vec();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().range().ge(&start).into_stream() else {
            continue;
        };
        while stream.advance() {
            let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if !candidate.starts_with(first) {
                break;
            }
            if candidate.chars().count().abs_diff(length) > max_distance {
                continue;
            }
            if let Some(distance) = edit_distance(word, candidate, max_distance) {
                found.insert(candidate.to_owned(), distance);
            }
        }
    }
    let mut found: Vec<_> = found.into_iter().collect();
    found.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    found.truncate(MAX_NEAR_WORDS);
    found
}

/// Bound on the words weighed for a correction.
const MAX_NEAR_WORDS: usize = 500;

/// The Levenshtein distance between two words, if it is at most `max`.
fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        if current.iter().min().is_some_and(|&least| least > max) {
            return None;
        }
        previous = current;
    }
    let distance = previous[b.len()];
    (distance <= max && distance > 0).then_some(distance)
}

/// The writer's side: owns the tantivy writer and the record of what the index reflects.
pub struct Indexer {
    writer: IndexWriter,
    fields: Fields,
    reflects: Reflects,
    derived: Arc<Derived>,
    /// The farm's wikis, as last told.
    wikis: HashMap<WikiSlug, IndexedWiki>,
    /// Documents added or deleted since the last commit.
    pending: usize,
}

/// How far a rebuild has got.
pub struct Progress<'a> {
    pub wiki: &'a WikiSlug,
    pub done: usize,
    pub total: usize,
}

/// What a rebuild did.
#[derive(Debug, Default)]
pub struct Rebuilt {
    pub wikis: usize,
    pub pages: usize,
}

impl Indexer {
    /// Opens the index in `dir` for writing, outside a running server (`konbit reindex`). Fails
    /// when a server holds the index.
    pub fn open(dir: &Path, derived: Arc<Derived>, threads: usize) -> Result<Indexer> {
        let (index, fields, reflects) = open_index(dir)?;
        let writer = index
            .writer_with_num_threads(threads.max(1), WRITER_MEMORY * threads.max(1))
            .map_err(|error| match error {
                tantivy::TantivyError::LockFailure(..) => Error::Unavailable(
                    "the search index is in use by a running `konbit serve`, which keeps it up \
                     to date itself; stop it first"
                        .into(),
                ),
                other => search_error(other),
            })?;
        Ok(Indexer {
            writer,
            fields,
            reflects,
            derived,
            wikis: HashMap::new(),
            pending: 0,
        })
    }

    /// Rebuilds the documents of `wikis` from their branches, reporting progress, and commits.
    pub fn rebuild(
        &mut self,
        wikis: &[IndexedWiki],
        mut progress: impl FnMut(Progress),
    ) -> Result<Rebuilt> {
        let mut rebuilt = Rebuilt::default();
        for wiki in wikis {
            self.reflects.wikis.remove(wiki.slug.as_str());
            self.writer
                .delete_term(Term::from_field_text(self.fields.wiki, wiki.slug.as_str()));
            rebuilt.pages += self.catch_up(wiki, &mut progress)?;
            rebuilt.wikis += 1;
        }
        self.commit()?;
        Ok(rebuilt)
    }

    fn run(&mut self, jobs: mpsc::Receiver<Job>, reader: &IndexReader, catching_up: &AtomicBool) {
        while let Ok(job) = jobs.recv() {
            let mut synced = self.apply(job);
            // Whatever came meanwhile goes into the same commit: commits are batched.
            while let Ok(job) = jobs.try_recv() {
                synced |= self.apply(job);
            }
            if let Err(error) = self.commit() {
                tracing::error!(%error, "the search index cannot commit; retrying with the next change");
                continue;
            }
            if let Err(error) = reader.reload() {
                tracing::error!(%error, "the search index cannot be reloaded");
            }
            if synced {
                catching_up.store(false, Ordering::Relaxed);
            }
        }
    }

    /// Applies a job; says whether it was a catch-up of the whole farm.
    fn apply(&mut self, job: Job) -> bool {
        match job {
            Job::Sync(wikis) => {
                let started = std::time::Instant::now();
                let listed: BTreeSet<String> =
                    wikis.iter().map(|w| w.slug.as_str().to_owned()).collect();
                let gone: Vec<String> = self
                    .reflects
                    .wikis
                    .keys()
                    .filter(|slug| !listed.contains(*slug))
                    .cloned()
                    .collect();
                for slug in gone {
                    self.writer
                        .delete_term(Term::from_field_text(self.fields.wiki, &slug));
                    self.reflects.wikis.remove(&slug);
                    self.pending += 1;
                }
                self.wikis = wikis.iter().map(|w| (w.slug.clone(), w.clone())).collect();
                let mut pages = 0;
                for wiki in &wikis {
                    match self.catch_up(wiki, &mut |_| {}) {
                        Ok(count) => pages += count,
                        Err(error) => {
                            tracing::warn!(wiki = %wiki.slug, %error, "the wiki cannot be indexed")
                        }
                    }
                    // Each wiki caught up is searchable without waiting for the others.
                    if self.pending > 0
                        && let Err(error) = self.commit()
                    {
                        tracing::error!(%error, "the search index cannot commit");
                    }
                }
                tracing::info!(wikis = wikis.len(), pages, elapsed = ?started.elapsed(), "search index caught up");
                true
            }
            Job::Moved(slug) => {
                if let Some(wiki) = self.wikis.get(&slug).cloned()
                    && let Err(error) = self.catch_up(&wiki, &mut |_| {})
                {
                    tracing::warn!(wiki = %slug, %error, "the search index did not follow a branch move; it will at the next");
                }
                false
            }
        }
    }

    /// Brings a wiki's documents from the commit they reflect to its branch's head: the pages
    /// added, changed, renamed and deleted in between. Returns the number of pages indexed.
    fn catch_up(
        &mut self,
        wiki: &IndexedWiki,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<usize> {
        let repo = wiki.location.open()?;
        let Some(head) = repo.head()? else {
            return Ok(0);
        };
        let lang = wiki.lang.code().to_owned();
        let known = self.reflects.wikis.get(wiki.slug.as_str()).cloned();
        let from = match &known {
            Some(reflected)
                if reflected.commit == head.commit.to_string() && reflected.lang == lang =>
            {
                return Ok(0);
            }
            Some(reflected) if reflected.lang == lang => {
                ObjectId::parse(&reflected.commit).filter(|commit| repo.is_commit(*commit))
            }
            _ => None,
        };
        if from.is_none() && known.is_some() {
            // Another language, or a commit the repository no longer has: start afresh.
            self.writer
                .delete_term(Term::from_field_text(self.fields.wiki, wiki.slug.as_str()));
        }
        let old_tree = from.map(|commit| repo.tree_of(commit)).transpose()?;
        let changed = repo.changed_files(old_tree, Some(head.tree))?;
        let pages: Vec<_> = changed
            .iter()
            .filter_map(|change| {
                let page = page_of_file(&change.path)?;
                Some((PagePath::parse(page).ok()?, change))
            })
            .collect();
        let history = self.derived.history_index(&repo, &wiki.slug, head.commit)?;
        let total = pages.len();
        let mut indexed = 0;
        for (done, (path, change)) in pages.into_iter().enumerate() {
            let key = format!("{}\0{}", wiki.slug, path.as_str());
            self.writer
                .delete_term(Term::from_field_text(self.fields.key, &key));
            self.pending += 1;
            if let (true, Some(blob)) = (change.after, change.blob) {
                let source = repo.blob(blob)?;
                let source = String::from_utf8_lossy(&source);
                let last = history.last_change(&repo, &change.path)?;
                let (date, author) =
                    last.map_or((head.time, head.author.clone()), |r| (r.time, r.author));
                self.add(wiki, &key, &path, &source, date, &author)?;
                indexed += 1;
            }
            if done % 100 == 0 || done + 1 == total {
                progress(Progress {
                    wiki: &wiki.slug,
                    done: done + 1,
                    total,
                });
            }
        }
        self.reflects.wikis.insert(
            wiki.slug.as_str().to_owned(),
            Reflected {
                commit: head.commit.to_string(),
                lang,
            },
        );
        self.pending += 1;
        Ok(indexed)
    }

    fn add(
        &mut self,
        wiki: &IndexedWiki,
        key: &str,
        path: &PagePath,
        source: &str,
        date: i64,
        author: &str,
    ) -> Result<()> {
        let fields = &self.fields;
        let page = page_text(source);
        let title = page.title.clone().unwrap_or_else(|| path.name().to_owned());
        let analysed = fields.analysed[&wiki.lang];
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.key, key);
        doc.add_text(fields.wiki, wiki.slug.as_str());
        doc.add_text(fields.path, path.as_str());
        let mut place = vec![wiki.slug.as_str()];
        if !path.folder().is_empty() {
            place.extend(path.folder().split('/'));
        }
        doc.add_facet(fields.place, tantivy::schema::Facet::from_path(place));
        doc.add_text(fields.lang, wiki.lang.code());
        doc.add_text(fields.title, &title);
        doc.add_text(fields.body, &page.body);
        doc.add_i64(fields.date, date);
        doc.add_text(fields.author, author);
        doc.add_text(analysed[TITLE], &title);
        doc.add_text(analysed[HEADINGS], page.headings.join("\n"));
        doc.add_text(analysed[BODY], &page.body);
        doc.add_text(fields.title_words, &title);
        doc.add_text(fields.words, &title);
        doc.add_text(fields.words, &page.body);
        self.writer.add_document(doc).map_err(search_error)?;
        Ok(())
    }

    /// Commits what changed, with the commits it reflects.
    fn commit(&mut self) -> Result<()> {
        if self.pending == 0 {
            return Ok(());
        }
        let payload = serde_json::to_string(&self.reflects)
            .map_err(|e| Error::Internal(format!("search index record: {e}")))?;
        let mut prepared = self.writer.prepare_commit().map_err(search_error)?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(search_error)?;
        self.pending = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_meets_its_own_forms() {
        let french = |text| analyse(&mut analyser(ContentLang::French), text);
        assert_eq!(french("équipes"), french("equipe"));
        assert_eq!(french("Éléphants"), french("elephant"));
        let english = |text| analyse(&mut analyser(ContentLang::English), text);
        assert_eq!(english("running"), english("runs"));
        let german = |text| analyse(&mut analyser(ContentLang::German), text);
        assert_eq!(german("Häuser"), german("Haus"));
    }

    #[test]
    fn near_words_are_within_the_distance() {
        assert_eq!(edit_distance("equipe", "equipes", 2), Some(1));
        assert_eq!(edit_distance("budjet", "budget", 2), Some(1));
        assert_eq!(edit_distance("abc", "xyz", 2), None);
        assert_eq!(
            edit_distance("same", "same", 2),
            None,
            "a word is not its own correction"
        );
    }
}
