use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};

/// Counts the SQL statements the hub has executed; tests use it to check
/// that relations resolve in a constant number of queries.
#[derive(Clone, Debug, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Connects to `url` (SQLite or PostgreSQL), applies the migrations and
/// returns the connection with its statement counter.
pub async fn connect_and_migrate(
    url: &str,
) -> anyhow::Result<(DatabaseConnection, StatementCounter)> {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .max_connections(if url.starts_with("sqlite") { 4 } else { 10 })
        .connect_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let mut db = Database::connect(options)
        .await
        .with_context(|| format!("cannot connect to the database at {}", redact(url)))?;
    let counter = StatementCounter::default();
    let counted = counter.0.clone();
    db.set_metric_callback(move |info| {
        counted.fetch_add(1, Ordering::Relaxed);
        tracing::trace!(target: "hub::sql", elapsed_us = info.elapsed.as_micros() as u64, "{}", info.statement);
    });
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA journal_mode = WAL")
            .await
            .context("cannot switch SQLite to WAL mode")?;
    }
    Migrator::up(&db, None)
        .await
        .context("cannot apply database migrations")?;
    Ok((db, counter))
}

fn redact(url: &str) -> String {
    crate::config::Settings {
        database_url: Some(url.to_string()),
        ..Default::default()
    }
    .redacted_database_url()
}
