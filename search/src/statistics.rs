//! BM25 statistics of the documents a search is restricted to.
//!
//! A search for occupations ranks the reference vocabulary (occupations,
//! catalogue entries, certificates): how rare a word is there is what tells
//! them apart, not how rare it is among the postings, programs, offers and
//! courses that share the index and grow with use. With the whole index's
//! statistics, importing 18,000 postings moved the ranking of official
//! occupation titles (MRR@10 0.746 → 0.726), and so did the documents an
//! update leaves deleted until their segment is merged (0.746 → 0.740). A
//! search restricted to reference kinds therefore reads document counts,
//! term frequencies and field lengths of the live reference documents
//! alone.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use tantivy::{
    collector::DocSetCollector,
    query::{Bm25StatisticsProvider, Query},
    schema::{Field, IndexRecordOption},
    DocId, DocSet, Searcher, Term, TERMINATED,
};

/// The statistics of one set of documents in one searcher generation.
pub(crate) struct SubsetStatistics {
    /// Live documents of the subset, per segment (by segment ordinal),
    /// ascending.
    docs: Vec<Vec<DocId>>,
    total: u64,
    tokens: Mutex<HashMap<Field, u64>>,
    frequencies: Mutex<HashMap<Term, u64>>,
    /// The searcher the documents were read from.
    searcher: Searcher,
}

impl SubsetStatistics {
    /// The live documents `subset` matches in `searcher`.
    pub(crate) fn new(searcher: &Searcher, subset: &dyn Query) -> tantivy::Result<Self> {
        let found = searcher.search(subset, &DocSetCollector)?;
        let mut docs = vec![Vec::new(); searcher.segment_readers().len()];
        for address in &found {
            if let Some(segment) = docs.get_mut(address.segment_ord as usize) {
                segment.push(address.doc_id);
            }
        }
        for segment in &mut docs {
            segment.sort_unstable();
        }
        Ok(Self {
            total: found.len() as u64,
            docs,
            tokens: Mutex::new(HashMap::new()),
            frequencies: Mutex::new(HashMap::new()),
            searcher: searcher.clone(),
        })
    }

    /// Whether the subset holds no document (then its statistics mean
    /// nothing, and a search of it finds nothing either).
    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Whether these statistics were read from `searcher`'s generation.
    pub(crate) fn is_of(&self, searcher: &Searcher) -> bool {
        self.searcher.generation().generation_id() == searcher.generation().generation_id()
    }

    fn count_term(&self, term: &Term) -> tantivy::Result<u64> {
        let mut count = 0;
        for (reader, docs) in self.searcher.segment_readers().iter().zip(&self.docs) {
            if docs.is_empty() {
                continue;
            }
            let index = reader.inverted_index(term.field())?;
            let Some(mut postings) = index.read_postings(term, IndexRecordOption::Basic)? else {
                continue;
            };
            for &doc in docs {
                let at = if postings.doc() >= doc {
                    postings.doc()
                } else {
                    postings.seek(doc)
                };
                if at == TERMINATED {
                    break;
                }
                if at == doc {
                    count += 1;
                }
            }
        }
        Ok(count)
    }

    /// The tokens of `field` in the subset. Field norms keep each
    /// document's length approximately (in 256 steps), so the segment's
    /// exact count is shared out by the subset's share of the norms: a
    /// subset that is the whole segment counts exactly what the whole
    /// index's statistics count.
    fn count_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let mut total = 0.0_f64;
        for (reader, docs) in self.searcher.segment_readers().iter().zip(&self.docs) {
            if docs.is_empty() {
                continue;
            }
            let exact = reader.inverted_index(field)?.total_num_tokens();
            // A field without norms (the facets) is never scored by its
            // length: the segment's count serves.
            let Some(norms) = reader.fieldnorms_readers().get_field(field)? else {
                total += exact as f64;
                continue;
            };
            let all: u64 = (0..reader.max_doc())
                .map(|doc| u64::from(norms.fieldnorm(doc)))
                .sum();
            if all == 0 {
                continue;
            }
            let subset: u64 = docs
                .iter()
                .map(|doc| u64::from(norms.fieldnorm(*doc)))
                .sum();
            total += exact as f64 * subset as f64 / all as f64;
        }
        Ok(total.round() as u64)
    }
}

impl Bm25StatisticsProvider for SubsetStatistics {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let mut cache = self
            .tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(total) = cache.get(&field) {
            return Ok(*total);
        }
        let total = self.count_tokens(field)?;
        cache.insert(field, total);
        Ok(total)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.total)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let mut cache = self
            .frequencies
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(found) = cache.get(term) {
            return Ok(*found);
        }
        let found = self.count_term(term)?;
        cache.insert(term.clone(), found);
        Ok(found)
    }
}

/// The statistics of each set of kinds searched lately, for the current
/// searcher generation: built on the first search of a generation, shared
/// by the searches after it until the index changes.
#[derive(Default)]
pub(crate) struct StatisticsCache {
    entries: Mutex<HashMap<String, Arc<SubsetStatistics>>>,
}

impl StatisticsCache {
    /// The statistics of the subset named `key` (matched by `subset`) in
    /// `searcher`'s generation.
    pub(crate) fn get(
        &self,
        searcher: &Searcher,
        key: &str,
        subset: &dyn Query,
    ) -> tantivy::Result<Arc<SubsetStatistics>> {
        {
            let entries = self
                .entries
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some(found) = entries.get(key).filter(|found| found.is_of(searcher)) {
                return Ok(Arc::clone(found));
            }
        }
        let built = Arc::new(SubsetStatistics::new(searcher, subset)?);
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Statistics of an older generation are of no further use.
        entries.retain(|_, statistics| statistics.is_of(searcher));
        entries.insert(key.to_string(), Arc::clone(&built));
        Ok(built)
    }
}
