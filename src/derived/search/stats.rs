//! Ranking statistics of the readable wikis only. BM25 weighs a word by how many documents hold
//! it and a field by its average length; taken over the whole index, they would let the order
//! of a person's results depend on the pages of wikis they may not read. These are computed
//! over the documents of the asker's wikis, so that results rank as if the others did not exist.

use std::cell::RefCell;
use std::collections::HashMap;

use tantivy::query::{EnableScoring, Query};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, TERMINATED, Term};

/// BM25 statistics over the documents that `filter` matches.
pub struct ScopedStatistics<'s> {
    searcher: &'s Searcher,
    /// The documents in scope, segment by segment (deleted ones left out).
    docs: Vec<Vec<DocId>>,
    /// The same, as one bit per document of each segment.
    in_scope: Vec<Vec<u64>>,
    tokens: RefCell<HashMap<Field, u64>>,
}

impl<'s> ScopedStatistics<'s> {
    pub fn new(searcher: &'s Searcher, filter: Box<dyn Query>) -> tantivy::Result<Self> {
        // `filter` only picks the documents; it is not kept.
        let weight = filter.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let mut docs = Vec::with_capacity(searcher.segment_readers().len());
        let mut in_scope = Vec::with_capacity(docs.capacity());
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
            let mut bits = vec![0u64; (segment.max_doc() as usize).div_ceil(64)];
            for id in &ids {
                bits[*id as usize / 64] |= 1 << (id % 64);
            }
            docs.push(ids);
            in_scope.push(bits);
        }
        Ok(ScopedStatistics {
            searcher,
            docs,
            in_scope,
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

    /// The term's postings, counted where they fall in scope: as cheap as the term is rare.
    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let mut count = 0u64;
        for (segment, bits) in self.searcher.segment_readers().iter().zip(&self.in_scope) {
            let inverted = segment.inverted_index(term.field())?;
            let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic)? else {
                continue;
            };
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if bits
                    .get(doc as usize / 64)
                    .is_some_and(|word| word & (1 << (doc % 64)) != 0)
                {
                    count += 1;
                }
                doc = postings.advance();
            }
        }
        Ok(count)
    }
}
