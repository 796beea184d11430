//! Keeps the search index consistent with the database: documents built
//! from rows, applied in change-log order.

pub mod dependents;
pub mod documents;
pub mod indexer;

pub use indexer::{latest_sequence, AppliedChange, IndexHealth, Indexer};
