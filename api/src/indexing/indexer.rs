//! The indexer: tails the change log in sequence order and applies each
//! batch to the index together with its last sequence, so the index always
//! knows how far it has caught up. The database stays the source of truth;
//! the index can be rebuilt from it at any time.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::Arc,
    time::Duration,
};

use anyhow::Context;
use entity::change_log;
use futures::FutureExt;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use search::{IndexChange, Kind, SearchIndex};
use tokio::sync::{watch, Mutex, Notify};

use super::{dependents::with_dependents, documents::changes_for};
use crate::import::Progress;

/// Change-log rows applied per index commit.
const BATCH: u64 = 2_000;
/// Rows per document batch when rebuilding.
const REBUILD_BATCH: usize = 1_000;

/// Consecutive failed catch-ups after which the index counts as failing
/// (`/health` answers 503).
pub const FAILING_AFTER: u32 = 3;
/// Longest pause between retries after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How the indexer is doing, as `/health` reports it.
#[derive(Clone, Debug, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexHealth {
    /// `ok`, `retrying` (failed fewer than [`FAILING_AFTER`] times in a
    /// row) or `failing`.
    pub status: &'static str,
    /// Failed catch-ups in a row (0 when the last one succeeded).
    pub consecutive_failures: u32,
    /// The last failure, when the last catch-up failed.
    pub last_error: Option<String>,
    /// The last change-log sequence that is searchable.
    pub applied_sequence: i64,
}

/// A change that has just become searchable, as subscriptions see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedChange {
    pub seq: i64,
    /// The change log's entity name (`DemandPosting`, `Program`, ...).
    pub entity: String,
    pub entity_id: i32,
}

/// Batches of applied changes kept for slow subscribers; one who falls
/// further behind skips ahead (and is told so in the logs).
const EVENT_BUFFER: usize = 256;

/// Keeps one search index caught up with the change log.
pub struct Indexer {
    /// Changes in sequence order once searchable: subscriptions follow
    /// them (every process sees every process's writes this way).
    events: tokio::sync::broadcast::Sender<Arc<Vec<AppliedChange>>>,
    db: DatabaseConnection,
    index: Arc<SearchIndex>,
    applied: watch::Sender<i64>,
    wake: Notify,
    /// One catch-up or rebuild at a time.
    running: Mutex<()>,
    poll: Duration,
    failures: std::sync::Mutex<(u32, Option<String>)>,
}

impl IndexHealth {
    /// Failed [`FAILING_AFTER`] times or more in a row.
    pub fn is_failing(&self) -> bool {
        self.consecutive_failures >= FAILING_AFTER
    }
}

impl Indexer {
    pub fn new(db: DatabaseConnection, index: Arc<SearchIndex>, poll: Duration) -> Arc<Self> {
        let (applied, _) = watch::channel(index.applied_sequence());
        Arc::new(Self {
            events: tokio::sync::broadcast::channel(EVENT_BUFFER).0,
            db,
            index,
            applied,
            wake: Notify::new(),
            running: Mutex::new(()),
            poll,
            failures: std::sync::Mutex::new((0, None)),
        })
    }

    /// Whether the index keeps up, as `/health` reports it.
    pub fn health(&self) -> IndexHealth {
        let (failures, last_error) = self
            .failures
            .lock()
            .map(|state| state.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone());
        IndexHealth {
            status: match failures {
                0 => "ok",
                n if n < FAILING_AFTER => "retrying",
                _ => "failing",
            },
            consecutive_failures: failures,
            last_error,
            applied_sequence: self.applied_sequence(),
        }
    }

    fn record_outcome(&self, outcome: Result<(), String>) -> u32 {
        let mut state = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match outcome {
            Ok(()) => {
                if state.0 > 0 {
                    tracing::info!(failures = state.0, "search indexing recovered");
                }
                *state = (0, None);
            }
            Err(error) => {
                state.0 = state.0.saturating_add(1);
                state.1 = Some(error);
            }
        }
        state.0
    }

    /// Follows the changes that become searchable from now on.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Arc<Vec<AppliedChange>>> {
        self.events.subscribe()
    }

    pub fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    /// The last change-log sequence that is searchable.
    pub fn applied_sequence(&self) -> i64 {
        self.index.applied_sequence()
    }

    /// The newest sequence in the change log.
    pub async fn latest_sequence(&self) -> Result<i64, DbErr> {
        latest_sequence(&self.db).await
    }

    /// Asks the background loop to catch up now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Waits until `sequence` is searchable; `false` after `timeout`.
    pub async fn wait_for(&self, sequence: i64, timeout: Duration) -> bool {
        self.wake();
        let mut applied = self.applied.subscribe();
        tokio::time::timeout(timeout, applied.wait_for(|applied| *applied >= sequence))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Brings the index up to date at start: catches up from where the index
    /// left off, or rebuilds it when it is ahead of the database (a database
    /// restored or replaced under it).
    pub async fn start(&self) -> anyhow::Result<()> {
        let latest = self.latest_sequence().await?;
        if self.applied_sequence() > latest {
            tracing::warn!(
                applied = self.applied_sequence(),
                latest,
                "the search index is ahead of the database; rebuilding it"
            );
            self.rebuild(&Progress::silent()).await?;
        }
        let applied = self.catch_up().await?;
        if applied > 0 {
            tracing::info!(
                changes = applied,
                sequence = self.applied_sequence(),
                "search index caught up"
            );
        }
        Ok(())
    }

    /// Applies every change-log row after the index's sequence. Returns the
    /// number of rows applied.
    pub async fn catch_up(&self) -> anyhow::Result<u64> {
        let _running = self.running.lock().await;
        let mut total = 0;
        loop {
            let after = self.index.applied_sequence();
            let rows = change_log::Entity::find()
                .filter(change_log::Column::Seq.gt(after))
                .order_by_asc(change_log::Column::Seq)
                .limit(BATCH)
                .all(&self.db)
                .await?;
            let Some(last) = rows.last().map(|row| row.seq) else {
                return Ok(total);
            };
            let mut by_entity: BTreeMap<String, BTreeSet<i32>> = BTreeMap::new();
            for row in &rows {
                by_entity
                    .entry(row.entity.clone())
                    .or_default()
                    .insert(row.entity_id);
            }
            let by_entity = with_dependents(&self.db, by_entity).await?;
            let mut changes = Vec::new();
            for (entity, ids) in by_entity {
                let ids: Vec<i32> = ids.into_iter().collect();
                changes.extend(changes_for(&self.db, &entity, &ids).await?);
            }
            self.apply(changes, last).await?;
            total += rows.len() as u64;
            if self.events.receiver_count() > 0 {
                let applied = rows
                    .into_iter()
                    .map(|row| AppliedChange {
                        seq: row.seq,
                        entity: row.entity,
                        entity_id: row.entity_id,
                    })
                    .collect();
                // Nobody listening is not an error.
                let _ = self.events.send(Arc::new(applied));
            }
        }
    }

    async fn apply(&self, changes: Vec<IndexChange>, sequence: i64) -> anyhow::Result<()> {
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || index.apply(&changes, sequence))
            .await
            .context("the indexing task failed")??;
        self.applied.send_replace(sequence);
        Ok(())
    }

    /// Rebuilds the index from the database tables. Writes that land
    /// meanwhile are picked up by the next catch-up.
    pub async fn rebuild(&self, progress: &Progress) -> anyhow::Result<u64> {
        let _running = self.running.lock().await;
        let start = self.latest_sequence().await?;
        self.apply_clear().await?;
        let mut documents = 0;
        for kind in Kind::ALL {
            let ids = all_ids(&self.db, kind).await?;
            progress.start(kind.name(), ids.len() as u64);
            for (done, chunk) in ids.chunks(REBUILD_BATCH).enumerate() {
                let changes = changes_for(&self.db, kind.name(), chunk).await?;
                documents += changes.len() as u64;
                self.apply(changes, 0).await?;
                let finished = ((done + 1) * REBUILD_BATCH).min(ids.len()) as u64;
                progress.advance(kind.name(), finished, ids.len() as u64);
            }
        }
        progress.finish();
        self.apply(Vec::new(), start).await?;
        Ok(documents)
    }

    async fn apply_clear(&self) -> anyhow::Result<()> {
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || index.clear(0))
            .await
            .context("the indexing task failed")??;
        self.applied.send_replace(0);
        Ok(())
    }

    /// Runs until the process ends: catches up whenever woken, and at least
    /// every poll interval (writes of other hub processes sharing the
    /// database arrive that way). After a failure (the index writer has
    /// rolled back) it retries with a growing pause that wake-ups from
    /// mutations cannot cut short; a panic while indexing counts as a
    /// failure and the loop goes on.
    pub fn spawn(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let indexer = self.clone();
        tokio::spawn(async move {
            loop {
                let outcome = std::panic::AssertUnwindSafe(indexer.catch_up())
                    .catch_unwind()
                    .await;
                let outcome = match outcome {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(error)) => Err(format!("{error:#}")),
                    Err(panic) => Err(format!("the indexer panicked: {}", panic_message(&panic))),
                };
                let failed = outcome.is_err();
                if let Err(error) = &outcome {
                    tracing::error!(%error, "search indexing failed; retrying");
                }
                let failures = indexer.record_outcome(outcome);
                if failed {
                    if failures == FAILING_AFTER {
                        tracing::error!(
                            failures,
                            "the search index is failing; /health reports it"
                        );
                    }
                    // Back off while the database or the disk is in trouble.
                    let pause =
                        (indexer.poll * 2u32.saturating_pow(failures.min(7))).min(MAX_BACKOFF);
                    tokio::time::sleep(pause).await;
                    continue;
                }
                tokio::select! {
                    _ = indexer.wake.notified() => {}
                    _ = tokio::time::sleep(indexer.poll) => {}
                }
            }
        })
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// The newest sequence in the change log (0 when empty).
pub async fn latest_sequence<C: sea_orm::ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let latest: Option<Option<i64>> = change_log::Entity::find()
        .select_only()
        .column_as(change_log::Column::Seq.max(), "latest")
        .into_tuple()
        .one(db)
        .await?;
    Ok(latest.flatten().unwrap_or(0))
}

async fn all_ids(db: &DatabaseConnection, kind: Kind) -> Result<Vec<i32>, DbErr> {
    macro_rules! ids {
        ($module:ident) => {
            entity::$module::Entity::find()
                .select_only()
                .column(entity::$module::Column::Id)
                .order_by_asc(entity::$module::Column::Id)
                .into_tuple::<i32>()
                .all(db)
                .await
        };
    }
    match kind {
        Kind::DemandPosting => ids!(demand_posting),
        Kind::ApprenticeshipOffer => ids!(apprenticeship_offer),
        Kind::Program => ids!(program),
        Kind::CatalogueEntry => ids!(catalogue_entry),
        Kind::Occupation => ids!(occupation),
        Kind::Certificate => ids!(certificate),
        Kind::TrainingCourse => ids!(training_course),
    }
}
