//! Measurements that print figures: search relevance on labelled real
//! queries, and search performance against an SQLite FTS5 baseline.

pub mod baseline;
pub mod corpus;
pub mod experts;
pub mod load;
pub mod matching;
pub mod performance;
pub mod relevance;
pub mod suggestions;
pub mod writes;
