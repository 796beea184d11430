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

/// How long an SQLite writer waits for the write lock held by another
/// writer (of this or another process) before it gives up. Write
/// transactions take the lock up front (`services::write`), so writers
/// queue behind it instead of failing.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of an SQLite database file is memory-mapped (1 GiB).
const SQLITE_MMAP_BYTES: u64 = 1 << 30;
/// The page cache of each SQLite connection, in KiB (32 MiB).
const SQLITE_CACHE_KIB: u64 = 32 * 1024;

/// Connects to `url` (SQLite or PostgreSQL), applies the migrations,
/// loads the built-in reference tables where codes are missing and
/// returns the connection with its statement counter.
pub async fn connect_and_migrate(
    url: &str,
) -> anyhow::Result<(DatabaseConnection, StatementCounter)> {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .max_connections(if url.starts_with("sqlite") { 4 } else { 10 })
        .connect_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                // Read the database file through memory mapping (no system
                // call per page read once it is in the OS cache) and keep
                // more pages per connection than SQLite's 2 MB default.
                .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string())
                .pragma("cache_size", format!("-{}", SQLITE_CACHE_KIB))
        });
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
        switch_to_wal(&db)
            .await
            .context("cannot switch SQLite to WAL mode")?;
    }
    migrate(&db)
        .await
        .context("cannot apply database migrations")?;
    crate::reference_tables::ensure(&db)
        .await
        .context("cannot load the built-in reference tables")?;
    Ok((db, counter))
}

/// Switches an SQLite database to write-ahead logging (a no-op once the
/// file is in WAL mode). The switch needs the file to itself, and SQLite
/// refuses it at once, without waiting in its busy handler, when another
/// process read the file in the same instant (two hubs starting together
/// on a new database): refusals are retried for up to
/// [`SQLITE_BUSY_TIMEOUT`].
async fn switch_to_wal(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    let started = std::time::Instant::now();
    loop {
        match db.execute_unprepared("PRAGMA journal_mode = WAL").await {
            Err(error) if is_sqlite_busy(&error) && started.elapsed() < SQLITE_BUSY_TIMEOUT => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            result => return result.map(|_| ()),
        }
    }
}

/// Whether SQLite refused a statement because another connection held
/// the file (`SQLITE_BUSY` or `SQLITE_LOCKED`, with their extended codes).
fn is_sqlite_busy(error: &sea_orm::DbErr) -> bool {
    use sea_orm::{sqlx, DbErr, RuntimeErr};
    let (DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error))) =
        error
    else {
        return false;
    };
    let sqlx::Error::Database(error) = &**error else {
        return false;
    };
    error
        .code()
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 6))
}

/// Key of the lock that serialises migrations of hub processes starting
/// together on one PostgreSQL database.
const MIGRATION_LOCK: i64 = 0x6875_625f_6d69_6772; // "hub_migr"

/// Applies pending migrations in one write transaction: hub processes
/// starting together on one database apply them once, one after the other.
async fn migrate(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    let write = crate::services::begin(db).await?;
    crate::services::write::lock_named(write.db(), MIGRATION_LOCK).await?;
    Migrator::up(write.db(), None).await?;
    write.commit().await
}

fn redact(url: &str) -> String {
    crate::config::Settings {
        database_url: Some(url.to_string()),
        ..Default::default()
    }
    .redacted_database_url()
}

#[cfg(test)]
mod tests {
    use sea_orm::{AccessMode, TransactionTrait};

    use super::*;

    /// Another process holding the write lock of a database still in
    /// rollback-journal mode makes SQLite refuse the switch to WAL at once;
    /// the hub waits for the lock instead of failing to start.
    #[tokio::test]
    async fn the_hub_starts_while_another_process_holds_a_new_database() {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(error) => panic!("a temporary directory: {error}"),
        };
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("hub.db").display());
        let other = match Database::connect(url.as_str()).await {
            Ok(other) => other,
            Err(error) => panic!("the other connection opens: {error}"),
        };
        let holding = match other
            .begin_with_options(sea_orm::TransactionOptions {
                sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                access_mode: Some(AccessMode::ReadWrite),
                ..Default::default()
            })
            .await
        {
            Ok(holding) => holding,
            Err(error) => panic!("the other connection takes the write lock: {error}"),
        };
        if let Err(error) = holding
            .execute_unprepared("CREATE TABLE held_by_another_process (id INTEGER)")
            .await
        {
            panic!("the other connection writes: {error}");
        }
        let release = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            holding.commit().await
        });
        let started = connect_and_migrate(&url).await;
        assert!(
            matches!(release.await, Ok(Ok(()))),
            "the other connection commits"
        );
        match started {
            Ok((db, _)) => {
                let mode = db
                    .query_one_raw(sea_orm::Statement::from_string(
                        DbBackend::Sqlite,
                        "PRAGMA journal_mode",
                    ))
                    .await
                    .ok()
                    .flatten()
                    .and_then(|row| row.try_get_by_index::<String>(0).ok());
                assert_eq!(mode.as_deref(), Some("wal"));
            }
            Err(error) => panic!("the hub starts: {error:#}"),
        }
    }
}
