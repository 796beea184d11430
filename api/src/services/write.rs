//! The one write path every service takes: begin, lock, validate, write,
//! append to the change log, commit. (The GraphQL edge then wakes the
//! indexer, in `graphql::common::written`.)
//!
//! Concurrent writers queue instead of failing or overwriting each other:
//! - **SQLite** allows one writer at a time. A deferred transaction that
//!   reads first and writes later is refused (`database is locked`) when
//!   another writer committed in between, so every write transaction
//!   begins `IMMEDIATE`: it takes the write lock up front and waits for it
//!   behind the busy timeout (`db::SQLITE_BUSY_TIMEOUT`).
//! - **PostgreSQL** runs writers in parallel. A row that is read and then
//!   written (an update, a status change) is read with [`Write::lock`]
//!   (`SELECT … FOR UPDATE`): a second writer of the same row waits and then
//!   reads the committed row, so status changes are final and partial
//!   updates merge. The change log is locked last, at commit, so sequences
//!   become visible in order (see [`lock_change_log`]).
//!
//! Writes nest: a [`Write`] begun on a transaction is a savepoint of it (the
//! demo loads all its objects through the services in one transaction).

use chrono::Utc;
use entity::{change_log, enums::ChangeOperation};
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, EntityTrait, PrimaryKeyTrait, QuerySelect, Set,
    SqliteTransactionMode, TransactionOptions, TransactionSession, TransactionTrait,
};

/// One change a write makes, as the change log records it.
#[derive(Clone, Debug)]
struct Change {
    entity: String,
    id: i32,
    operation: ChangeOperation,
}

/// An open write transaction with the changes it will log at commit.
/// Dropped without [`Write::commit`], it rolls back and logs nothing.
pub struct Write<T> {
    txn: T,
    changes: Vec<Change>,
}

/// Begins a write on `db` (a connection, or a transaction to nest in).
pub async fn begin<C>(db: &C) -> Result<Write<C::Transaction>, DbErr>
where
    C: TransactionTrait,
{
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    Ok(Write {
        txn,
        changes: Vec::new(),
    })
}

impl<T> Write<T>
where
    T: ConnectionTrait + TransactionSession + Send,
{
    /// The transaction, for reads, validation and writes.
    pub fn db(&self) -> &T {
        &self.txn
    }

    /// Reads the row that this write will change and holds it until commit:
    /// `FOR UPDATE` on PostgreSQL; on SQLite the write lock taken at begin
    /// already excludes every other writer.
    pub async fn lock<E>(&self, id: i32) -> Result<Option<E::Model>, DbErr>
    where
        E: EntityTrait,
        <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i32>,
    {
        let select = E::find_by_id(id);
        if self.txn.get_database_backend() == DbBackend::Postgres {
            select.lock_exclusive().one(&self.txn).await
        } else {
            select.one(&self.txn).await
        }
    }

    /// Records a change of one row, logged at commit.
    pub fn record(&mut self, entity: &str, id: i32, operation: ChangeOperation) {
        self.changes.push(Change {
            entity: entity.to_string(),
            id,
            operation,
        });
    }

    /// Records changes of many rows of one entity, logged at commit.
    pub fn record_many(&mut self, entity: &str, ids: &[i32], operation: ChangeOperation) {
        for id in ids {
            self.record(entity, *id, operation);
        }
    }

    /// Appends the recorded changes to the change log and commits.
    pub async fn commit(self) -> Result<(), DbErr> {
        append_changes(&self.txn, &self.changes).await?;
        self.txn.commit().await
    }
}

/// Rows per multi-row INSERT into the change log.
const LOG_BATCH: usize = 400;

async fn append_changes<C: ConnectionTrait>(db: &C, changes: &[Change]) -> Result<(), DbErr> {
    if changes.is_empty() {
        return Ok(());
    }
    lock_change_log(db).await?;
    let now = Utc::now();
    for chunk in changes.chunks(LOG_BATCH) {
        let rows: Vec<change_log::ActiveModel> = chunk
            .iter()
            .map(|change| change_log::ActiveModel {
                entity: Set(change.entity.clone()),
                entity_id: Set(change.id),
                operation: Set(change.operation),
                created_at: Set(now),
                ..Default::default()
            })
            .collect();
        change_log::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Serialises writers of the change log until their transaction ends, so
/// that sequences become visible in order: the indexer never sees sequence
/// 11 committed while 10 is still open (which it would then skip). SQLite
/// has one writer at a time anyway.
pub async fn lock_change_log<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("LOCK TABLE change_log IN EXCLUSIVE MODE")
            .await?;
    }
    Ok(())
}

/// Takes a lock named by `key` until the transaction ends (PostgreSQL
/// advisory lock); SQLite's write lock, taken at begin, already serialises
/// writers.
pub async fn lock_named<C: ConnectionTrait>(db: &C, key: i64) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({key})"))
            .await?;
    }
    Ok(())
}
