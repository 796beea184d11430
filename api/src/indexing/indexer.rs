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
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use search::{IndexChange, Kind, SearchIndex};
use tokio::sync::{watch, Mutex, Notify};

use super::documents::changes_for;
use crate::import::Progress;

/// Change-log rows applied per index commit.
const BATCH: u64 = 2_000;
/// Rows per document batch when rebuilding.
const REBUILD_BATCH: usize = 1_000;

/// Keeps one search index caught up with the change log.
pub struct Indexer {
    db: DatabaseConnection,
    index: Arc<SearchIndex>,
    applied: watch::Sender<i64>,
    wake: Notify,
    /// One catch-up or rebuild at a time.
    running: Mutex<()>,
    poll: Duration,
}

impl Indexer {
    pub fn new(db: DatabaseConnection, index: Arc<SearchIndex>, poll: Duration) -> Arc<Self> {
        let (applied, _) = watch::channel(index.applied_sequence());
        Arc::new(Self {
            db,
            index,
            applied,
            wake: Notify::new(),
            running: Mutex::new(()),
            poll,
        })
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
            let mut changes = Vec::new();
            for (entity, ids) in by_entity {
                let ids: Vec<i32> = ids.into_iter().collect();
                changes.extend(changes_for(&self.db, &entity, &ids).await?);
            }
            self.apply(changes, last).await?;
            total += rows.len() as u64;
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
    /// database arrive that way).
    pub fn spawn(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let indexer = self.clone();
        tokio::spawn(async move {
            let mut failures: u32 = 0;
            loop {
                let pause = match indexer.catch_up().await {
                    Ok(_) => {
                        failures = 0;
                        indexer.poll
                    }
                    Err(error) => {
                        failures = failures.saturating_add(1);
                        tracing::error!(error = %format!("{error:#}"), failures, "search indexing failed; retrying");
                        // Back off while the database or the disk is in trouble.
                        (indexer.poll * 2u32.saturating_pow(failures.min(7)))
                            .min(Duration::from_secs(30))
                    }
                };
                tokio::select! {
                    _ = indexer.wake.notified() => {}
                    _ = tokio::time::sleep(pause) => {}
                }
            }
        })
    }
}

/// The newest sequence in the change log (0 when empty).
pub async fn latest_sequence(db: &DatabaseConnection) -> Result<i64, DbErr> {
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
