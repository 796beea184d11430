//! The hub's tantivy index: schema, Chinese text analysis, indexer and
//! searcher. It knows nothing of sea-orm or GraphQL; the API feeds it from
//! the database's change log.
