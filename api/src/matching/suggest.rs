//! Occupation suggestions: the occupations of the 2022 classification that
//! a text (a job title, a description, a program's name) most likely
//! names, ranked by the occupation search, each with a confidence.
//!
//! The suggester ([`run_once`], started with the server) stores the best
//! suggestion of every posting and program that has no occupation of its
//! owner's as a `SUGGESTED` link with its confidence; matching and the
//! gap count such a link at [`super::weights::SUGGESTED_LINK_FACTOR`]. It
//! runs again for an object when its text changes (the services clear
//! `suggested_at`), and never suggests what the owner rejected.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use chrono::Utc;
use entity::{demand_posting, program};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use search::{Filters, Kind, SearchIndex, SearchRequest};

use super::score::SubjectKind;
use crate::services::write::begin;

/// Hits whose scores the confidence is shared among.
pub const CONFIDENCE_POOL: usize = 10;
/// Objects the suggester handles per transaction.
pub const SUGGESTER_BATCH: u64 = 200;
/// The least confidence a stored suggestion needs: below it, the text
/// names no occupation clearly enough (the pool's scores are flat). Chosen
/// on the `tune` split of `hub-bench suggestions`: 0.12 stored 62% of the
/// judged tune postings (top-1 accuracy 0.615), 0.05 stores nearly all
/// (0.921); a stored suggestion counts 0.6 and its owner can reject it.
pub const MIN_STORED_CONFIDENCE: f64 = 0.05;

/// One suggested occupation.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    pub occupation_id: i32,
    /// The hit's share of the relevance of the top [`CONFIDENCE_POOL`]
    /// occupations (0 to 1): high when one occupation stands out, low when
    /// many fit equally. Not a probability.
    pub confidence: f64,
}

/// The occupations a text names, best first, at most `first`, leaving out
/// `excluded` ones.
pub async fn for_text(
    index: &Arc<SearchIndex>,
    text: &str,
    first: usize,
    excluded: &HashSet<i32>,
) -> anyhow::Result<Vec<Suggestion>> {
    let request = SearchRequest {
        text: text.to_string(),
        filters: Filters {
            kinds: vec![Kind::Occupation],
            ..Default::default()
        },
        limit: CONFIDENCE_POOL
            .max(first + excluded.len())
            .min(search::index::MAX_LIMIT),
        ..Default::default()
    };
    let index = index.clone();
    let results = tokio::task::spawn_blocking(move || index.search(&request)).await??;
    let pool: f64 = results
        .hits
        .iter()
        .take(CONFIDENCE_POOL)
        .map(|hit| f64::from(hit.score.max(0.0)))
        .sum();
    Ok(results
        .hits
        .iter()
        .filter(|hit| !excluded.contains(&hit.id))
        .take(first)
        .map(|hit| Suggestion {
            occupation_id: hit.id,
            confidence: if pool > 0.0 {
                (f64::from(hit.score.max(0.0)) / pool * 10_000.0).round() / 10_000.0
            } else {
                0.0
            },
        })
        .collect())
}

/// The text a posting's suggestions are computed from: its title (what
/// names the job most clearly); with its description when the title alone
/// finds nothing.
pub fn posting_texts(posting: &demand_posting::Model) -> [String; 2] {
    [
        posting.title.clone(),
        format!("{}\n{}", posting.title, posting.description),
    ]
}

/// The texts of a program: its name, then with its description.
pub fn program_texts(program: &program::Model) -> [String; 2] {
    [
        program.name.clone(),
        format!("{}\n{}", program.name, program.description),
    ]
}

/// Suggestions for the first text that finds any.
pub async fn for_texts(
    index: &Arc<SearchIndex>,
    texts: &[String],
    first: usize,
    excluded: &HashSet<i32>,
) -> anyhow::Result<Vec<Suggestion>> {
    for text in texts {
        let found = for_text(index, text, first, excluded).await?;
        if !found.is_empty() {
            return Ok(found);
        }
    }
    Ok(Vec::new())
}

/// The kind that takes suggestions through a link table, and the table of
/// its objects.
pub fn subject_of(link_table: &str) -> Option<(SubjectKind, &'static str)> {
    match link_table {
        "posting_occupation" => Some((SubjectKind::DemandPosting, "demand_posting")),
        "program_occupation" => Some((SubjectKind::Program, "program")),
        _ => None,
    }
}

/// The link table of a kind that takes suggestions.
pub fn link_table(kind: SubjectKind) -> Option<(&'static str, &'static str)> {
    match kind {
        SubjectKind::DemandPosting => Some(("posting_occupation", "posting_id")),
        SubjectKind::Program => Some(("program_occupation", "program_id")),
        _ => None,
    }
}

/// Occupations the owner rejected, per object.
pub async fn rejected<C: ConnectionTrait>(
    db: &C,
    kind: SubjectKind,
    ids: &[i32],
) -> Result<HashMap<i32, HashSet<i32>>, DbErr> {
    let mut rejected: HashMap<i32, HashSet<i32>> = HashMap::new();
    for chunk in ids.chunks(1_000) {
        let rows = entity::rejected_suggestion::Entity::find()
            .filter(entity::rejected_suggestion::Column::SubjectKind.eq(kind.name()))
            .filter(entity::rejected_suggestion::Column::SubjectId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        for row in rows {
            rejected
                .entry(row.subject_id)
                .or_default()
                .insert(row.occupation_id);
        }
    }
    Ok(rejected)
}

/// Objects of `kind` waiting for suggestions: text not yet seen (read
/// through the partial index of unseen rows, so an idle poll costs nothing
/// however many objects the hub holds).
async fn waiting(db: &DatabaseConnection, kind: SubjectKind) -> Result<Vec<i32>, DbErr> {
    match kind {
        SubjectKind::DemandPosting => {
            demand_posting::Entity::find()
                .select_only()
                .column(demand_posting::Column::Id)
                .filter(demand_posting::Column::SuggestedAt.is_null())
                .order_by_asc(demand_posting::Column::Id)
                .limit(SUGGESTER_BATCH)
                .into_tuple()
                .all(db)
                .await
        }
        SubjectKind::Program => {
            program::Entity::find()
                .select_only()
                .column(program::Column::Id)
                .filter(program::Column::SuggestedAt.is_null())
                .order_by_asc(program::Column::Id)
                .limit(SUGGESTER_BATCH)
                .into_tuple()
                .all(db)
                .await
        }
        _ => Ok(Vec::new()),
    }
}

/// Which of `ids` have occupations of their owner's (nothing to suggest).
pub async fn owned<C: ConnectionTrait>(
    db: &C,
    kind: SubjectKind,
    ids: &[i32],
) -> Result<HashSet<i32>, DbErr> {
    let Some((table, owner)) = link_table(kind) else {
        return Ok(HashSet::new());
    };
    let mut owned = HashSet::new();
    for chunk in ids.chunks(1_000) {
        let rows = db
            .query_all(
                &Query::select()
                    .distinct()
                    .column(owner)
                    .from(table)
                    .and_where(Expr::col(owner).is_in(chunk.iter().copied()))
                    .and_where(Expr::col("provenance").ne("SUGGESTED"))
                    .take(),
            )
            .await?;
        for row in rows {
            owned.insert(row.try_get_by_index::<i32>(0)?);
        }
    }
    Ok(owned)
}

/// One object's text and when it was last changed.
struct Pending {
    id: i32,
    texts: [String; 2],
    updated_at: chrono::DateTime<Utc>,
}

async fn pending(
    db: &DatabaseConnection,
    kind: SubjectKind,
    ids: &[i32],
) -> Result<Vec<Pending>, DbErr> {
    Ok(match kind {
        SubjectKind::DemandPosting => demand_posting::Entity::find()
            .filter(demand_posting::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|p| Pending {
                id: p.id,
                texts: posting_texts(&p),
                updated_at: p.updated_at,
            })
            .collect(),
        _ => program::Entity::find()
            .filter(program::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|p| Pending {
                id: p.id,
                texts: program_texts(&p),
                updated_at: p.updated_at,
            })
            .collect(),
    })
}

/// Suggests for one batch of each kind waiting; returns how many objects
/// were handled (0 when nothing waits).
pub async fn run_once(db: &DatabaseConnection, index: &Arc<SearchIndex>) -> anyhow::Result<usize> {
    let mut handled = 0;
    for kind in [SubjectKind::DemandPosting, SubjectKind::Program] {
        let ids = waiting(db, kind).await?;
        if ids.is_empty() {
            continue;
        }
        let rejected = rejected(db, kind, &ids).await?;
        let owned = owned(db, kind, &ids).await?;
        let mut computed = Vec::with_capacity(ids.len());
        let none = HashSet::new();
        for item in pending(db, kind, &ids).await? {
            if owned.contains(&item.id) {
                // Marked as seen by `store`, which checks again.
                computed.push((item.id, item.updated_at, None));
                continue;
            }
            let excluded = rejected.get(&item.id).unwrap_or(&none);
            let best = for_texts(index, &item.texts, 1, excluded)
                .await?
                .into_iter()
                .next()
                .filter(|s| s.confidence >= MIN_STORED_CONFIDENCE);
            computed.push((item.id, item.updated_at, best));
        }
        store(db, kind, &computed).await?;
        handled += computed.len();
    }
    Ok(handled)
}

/// Stores computed suggestions, skipping objects changed meanwhile (their
/// text or their owner's occupations): those wait for the next round.
async fn store(
    db: &DatabaseConnection,
    kind: SubjectKind,
    computed: &[(i32, chrono::DateTime<Utc>, Option<Suggestion>)],
) -> anyhow::Result<()> {
    let Some((table, owner)) = link_table(kind) else {
        return Ok(());
    };
    let write = begin(db).await?;
    let now = Utc::now();
    let mut stored = Vec::new();
    for (id, updated_at, best) in computed {
        let txn = write.db();
        // Still unchanged and without the owner's occupations? The row is
        // locked as the services lock it, so an owner's write waits or
        // has committed.
        let (entity_table, current) = match kind {
            SubjectKind::DemandPosting => (
                "demand_posting",
                write
                    .lock::<demand_posting::Entity>(*id)
                    .await?
                    .map(|p| (p.updated_at, p.suggested_at)),
            ),
            _ => (
                "program",
                write
                    .lock::<program::Entity>(*id)
                    .await?
                    .map(|p| (p.updated_at, p.suggested_at)),
            ),
        };
        if current != Some((*updated_at, None)) {
            continue;
        }
        let owned = owned(txn, kind, &[*id]).await?.contains(id);
        // With occupations of the owner's there is nothing to suggest: the
        // object is only marked as seen (the services clear the mark when
        // the owner's last occupation goes).
        if !owned {
            txn.execute(
                &Query::delete()
                    .from_table(table)
                    .and_where(Expr::col(owner).eq(*id))
                    .take(),
            )
            .await?;
            if let Some(best) = best {
                crate::services::insert_occupation_link(
                    txn,
                    (table, owner),
                    *id,
                    best.occupation_id,
                    "SUGGESTED",
                    Some(best.confidence),
                )
                .await?;
            }
        }
        txn.execute(
            &Query::update()
                .table(entity_table)
                .value("suggested_at", now)
                .and_where(Expr::col("id").eq(*id))
                .take(),
        )
        .await?;
        stored.push(*id);
    }
    // Suggested links are not searched, so they are not logged as changes
    // for the index; the gap's demand tally takes them here, in the same
    // transaction.
    if kind == SubjectKind::DemandPosting {
        super::tally::refresh_postings(write.db(), &stored).await?;
    }
    write.commit().await?;
    Ok(())
}

/// Runs the suggester until the process ends: after each batch of applied
/// changes (new or changed text) and every `poll` (other processes'
/// writes), until nothing waits.
pub fn spawn(
    db: DatabaseConnection,
    indexer: Arc<crate::indexing::Indexer>,
    poll: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    let mut events = indexer.subscribe();
    let index = indexer.index().clone();
    tokio::spawn(async move {
        loop {
            match run_once(&db, &index).await {
                Ok(0) => {}
                Ok(_) => continue,
                Err(error) => {
                    tracing::warn!(error = %format!("{error:#}"), "occupation suggestions failed; retrying");
                    tokio::time::sleep(poll * 10).await;
                }
            }
            tokio::select! {
                _ = events.recv() => {}
                _ = tokio::time::sleep(poll * 4) => {}
            }
        }
    })
}
