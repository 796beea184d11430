//! The hub's tantivy index: schema, Chinese text analysis, indexer and
//! searcher. It knows nothing of sea-orm or GraphQL: the API describes each
//! object as a [`SearchDoc`] and feeds changes in change-log order.

/// Chinese analysis: jieba words, character bigrams, name prefixes.
pub mod analysis;
/// Searchable objects and changes to the index.
pub mod document;
/// Errors of the index.
pub mod error;
/// Fault injection for the index's storage (tests and drills).
pub mod faults;
mod filtered;
/// The index: apply changes, search, suggest.
pub mod index;
/// Ranking: the first-stage query and the re-scoring of short queries.
pub mod ranking;
mod statistics;

pub use document::{Dimension, IndexChange, Kind, SearchDoc};
pub use error::{SearchError, SearchResult};
pub use faults::FaultSwitch;
pub use index::{
    CandidateFeatures, FacetCount, Filters, Hit, SearchIndex, SearchRequest, SearchResults,
    Snippet, WriterOptions,
};

#[cfg(test)]
mod index_tests;
