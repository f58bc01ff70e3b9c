//! Ranking statistics of the readable wikis only. BM25 weighs a word by how many documents hold
//! it and a field by its average length; taken over the whole index, they would let the order
//! of a person's results depend on the pages of wikis they may not read. These are computed
//! over the documents of the asker's wikis, so that results rank as if the others did not exist.

use std::cell::RefCell;
use std::collections::HashMap;

use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, TERMINATED, Term};

/// BM25 statistics over the documents that `filter` matches.
pub struct ScopedStatistics<'s> {
    searcher: &'s Searcher,
    filter: Box<dyn Query>,
    /// The documents in scope, segment by segment (deleted ones left out).
    docs: Vec<Vec<DocId>>,
    tokens: RefCell<HashMap<Field, u64>>,
}

impl<'s> ScopedStatistics<'s> {
    pub fn new(searcher: &'s Searcher, filter: Box<dyn Query>) -> tantivy::Result<Self> {
        let weight = filter.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let mut docs = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            let mut scorer = weight.scorer(segment, 1.0)?;
            let alive = segment.alive_bitset();
            let mut ids = Vec::new();
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|alive| alive.is_alive(doc)) {
                    ids.push(doc);
                }
                doc = scorer.advance();
            }
            docs.push(ids);
        }
        Ok(ScopedStatistics {
            searcher,
            filter,
            docs,
            tokens: RefCell::default(),
        })
    }
}

impl tantivy::query::Bm25StatisticsProvider for ScopedStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(tokens) = self.tokens.borrow().get(&field) {
            return Ok(*tokens);
        }
        let mut tokens = 0u64;
        for (segment, docs) in self.searcher.segment_readers().iter().zip(&self.docs) {
            let norms = segment.get_fieldnorms_reader(field)?;
            tokens += docs
                .iter()
                .map(|doc| u64::from(norms.fieldnorm(*doc)))
                .sum::<u64>();
        }
        self.tokens.borrow_mut().insert(field, tokens);
        Ok(tokens)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.docs.iter().map(|docs| docs.len() as u64).sum())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(term.clone(), IndexRecordOption::Basic)),
            ),
            (Occur::Must, self.filter.box_clone()),
        ]);
        Ok(self.searcher.search(&query, &Count)? as u64)
    }
}
