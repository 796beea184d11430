//! A text query restricted by filters that do not score, keeping the text
//! query's top-k pruning.
//!
//! tantivy skips most of a union's matches with block-max WAND when a
//! `TopDocs` collector asks for the best hits, but only for a union that
//! stands alone: as soon as the union is one `Must` clause beside a filter
//! (visibility, kinds, regions), every document that matches both is
//! scored. [`FilteredQuery`] hands the pruning to the text query and asks
//! the filter, for each hit the pruning lets through, whether it holds the
//! document (the hits come in increasing document order, so the filter is
//! only ever advanced). Counting and facet collection, which visit every
//! match anyway, go through the plain intersection. Filters add nothing to
//! a score: a hit scores what its text scores on every path.

use tantivy::{
    query::{
        intersect_scorers, BooleanQuery, ConstScorer, EnableScoring, Explanation, Query, Scorer,
        Weight,
    },
    DocId, DocSet, Score, SegmentReader, TantivyError, TERMINATED,
};

/// `text` restricted to the documents of `filter`.
#[derive(Clone, Debug)]
pub(crate) struct FilteredQuery {
    text: BooleanQuery,
    filter: BooleanQuery,
}

impl FilteredQuery {
    pub(crate) fn new(text: BooleanQuery, filter: BooleanQuery) -> Self {
        Self { text, filter }
    }
}

impl Query for FilteredQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(FilteredWeight {
            text: self.text.weight(enable_scoring)?,
            filter: self.filter.weight(enable_scoring)?,
        }))
    }
}

struct FilteredWeight {
    text: Box<dyn Weight>,
    filter: Box<dyn Weight>,
}

impl Weight for FilteredWeight {
    /// The plain intersection (what counting, facets and every other
    /// collector walk): text AND filter, the filter scoring zero.
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let filter = ConstScorer::new(self.filter.scorer(reader, 1.0)?, 0.0);
        Ok(intersect_scorers(
            vec![self.text.scorer(reader, boost)?, Box::new(filter)],
            reader.num_docs(),
        ))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.filter.scorer(reader, 1.0)?.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #{doc} is outside the filter"
            )));
        }
        self.text.explain(reader, doc)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let mut filter = self.filter.scorer(reader, 1.0)?;
        if filter.doc() == TERMINATED {
            return Ok(());
        }
        let mut current = threshold;
        // Hits that come out of order (no pruning scorer of tantivy does
        // this) are checked on a fresh filter rather than missed.
        let mut last: Option<DocId> = None;
        self.text
            .for_each_pruning(threshold, reader, &mut |doc, score| {
                if last.is_some_and(|last| doc < last) {
                    if let Ok(scorer) = self.filter.scorer(reader, 1.0) {
                        filter = scorer;
                    }
                }
                last = Some(doc);
                let held = match filter.doc() {
                    at if at == doc => true,
                    at if at < doc => filter.seek(doc) == doc,
                    _ => false,
                };
                if held {
                    current = callback(doc, score);
                }
                current
            })
    }
}
