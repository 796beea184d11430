//! The hub: a GraphQL data hub for labour-market matching in vocational
//! education in 吉林市.

/// Who is calling (API tokens) and the one policy every write goes through.
pub mod access;
/// Benchmarks and relevance evaluation (`hub-bench`).
pub mod bench;
/// Command line: `hub serve`, `hub schema`, `hub import`.
pub mod cli;
/// Typed settings with zero-configuration defaults.
pub mod config;
/// Database connection, migrations and the statement counter.
pub mod db;
/// The Jilin City demo dataset loaded on first start.
pub mod demo;
/// The one error type at the API edge and its `extensions.code`s.
pub mod error;
/// The README's GraphQL examples (also the IDE's starter tabs).
pub mod examples;
/// The GraphQL schema: one module per domain, merged into one schema.
pub mod graphql;
/// HTTP routes: GraphQL endpoint, IDE page, health.
pub mod http;
/// Opaque global IDs (`Node` ids) and cursors.
pub mod ids;
/// Import of the national catalogues, college programs and postings.
pub mod import;
/// The search indexer: change log → search index.
pub mod indexing;
/// Supply–demand matching: scored, explained matches.
pub mod matching;
/// Keyset pagination of sea-orm selects into Relay connections.
pub mod pagination;
/// The city's programmes: skill-competition rewards.
pub mod programmes;
/// The built-in reference tables: every code of the program catalogue
/// and of the occupation classification.
pub mod reference_tables;
/// Rows by id and link tables in batches (DataLoaders, indexer).
pub mod relations;
/// Write paths: validation and transactional writes with change log.
pub mod services;
/// CSV for Excel and WPS (BOM, CRLF), shared by every export.
pub mod spreadsheet;
/// Application start-up: build from settings, then run until stopped.
pub mod startup;
/// Logging through `tracing`.
pub mod telemetry;
