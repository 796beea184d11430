//! Integration tests: each test starts the real hub on a free port with a
//! fresh database (SQLite in a temporary directory, or a fresh PostgreSQL
//! database when `HUB_TEST_POSTGRES_URL` is set) and talks to it over HTTP.

mod helpers;

mod concurrency;
mod crash;
mod dataloaders;
mod experts;
mod first_hour;
mod gap;
mod http;
mod import;
mod indicators;
mod integrity;
mod limits;
mod matching;
mod mutations;
mod nodes;
mod pagination;
mod permissions;
mod relevance;
mod rewards;
mod schema;
mod search;
mod subscriptions;
mod suggestions;
