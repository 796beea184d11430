//! The demand tally: the gap's demand side, kept summed so that a gap over
//! a million postings reads a few thousand rows instead of every posting.
//!
//! - `posting_demand_share` holds each counted posting's share of demand
//!   per linked occupation (headcount, or [`super::gap::DEFAULT_HEADCOUNT`],
//!   split equally over its links; one row with occupation 0 for a posting
//!   without links), with its provenance, region and validity window. A
//!   posting counts when it is published or closed and has been published;
//!   its window starts at `valid_from`, else the (UTC) day of publication,
//!   and ends at `valid_until`, else never.
//! - `demand_tally` holds the sums of those shares per occupation,
//!   provenance, region and window; the gap filters it by period and region
//!   and groups it by occupation.
//! - `demand_tally_state` holds the change-log sequence both tables are up
//!   to date with.
//!
//! The tally follows postings through the change log, as the search index
//! does (and the suggester's links through [`refresh_postings`], in its own
//! transaction): [`catch_up`] takes the postings changed after its sequence,
//! subtracts their stored shares, stores their shares as they are now and
//! adds those. Re-applying a posting is harmless (its old shares are
//! replaced, not added to), so a write that commits while a catch-up runs
//! is simply applied again by the next one. The gap catches up before it
//! reads, so it always includes every committed write; the hub also
//! catches up at start, building the tally from scratch when it has never
//! been built or is ahead of the change log (a database restored under it).

use chrono::Utc;
use sea_orm::{sea_query::Query, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};

use crate::{
    indexing::latest_sequence,
    services::write::{begin, lock_named},
};

/// Serialises catch-ups of several hub processes on one PostgreSQL
/// database (SQLite's write lock does it there).
const TALLY_LOCK: i64 = 0x6875_625f_7461_6c79; // "hub_taly"
/// The `ends_on` of postings valid without end.
pub const OPEN_END: &str = "9999-12-31";
/// Change-log entries taken per catch-up transaction.
const ENTRIES_PER_ROUND: u64 = 5_000;
/// Posting ids per `IN (...)` list.
const CHUNK: usize = 500;
/// The key columns of both tables.
const KEY: &str = "occupation_id, provenance, region_id, starts_on, ends_on";

/// What a catch-up did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CatchUp {
    /// The tally was built from scratch.
    pub rebuilt: bool,
    /// Postings whose shares were replaced (all counted ones on a rebuild).
    pub postings: u64,
    /// The change-log sequence the tally is now up to date with.
    pub sequence: i64,
}

async fn scalar_i64<C: ConnectionTrait>(db: &C, sql: &str) -> Result<Option<i64>, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_string(),
        ))
        .await?;
    match row {
        Some(row) => row.try_get_by_index::<Option<i64>>(0),
        None => Ok(None),
    }
}

async fn tally_sequence<C: ConnectionTrait>(db: &C) -> Result<Option<i64>, DbErr> {
    scalar_i64(db, "SELECT sequence FROM demand_tally_state WHERE id = 1").await
}

/// Brings the tally up to date with the change log (see the module
/// documentation); cheap when nothing changed.
pub async fn catch_up(db: &DatabaseConnection) -> Result<CatchUp, DbErr> {
    let mut done = CatchUp::default();
    loop {
        let latest = latest_sequence(db).await?;
        match tally_sequence(db).await? {
            Some(sequence) if sequence == latest => {
                done.sequence = sequence;
                return Ok(done);
            }
            Some(sequence) if sequence < latest => {
                let (postings, sequence) = apply_round(db).await?;
                done.postings += postings;
                done.sequence = sequence;
            }
            _ => {
                let (postings, sequence) = rebuild(db).await?;
                return Ok(CatchUp {
                    rebuilt: true,
                    postings,
                    sequence,
                });
            }
        }
    }
}

/// Builds the tally from every posting, whatever it held.
pub async fn rebuild(db: &DatabaseConnection) -> Result<(u64, i64), DbErr> {
    let write = begin(db).await?;
    let txn = write.db();
    lock_named(txn, TALLY_LOCK).await?;
    // Writes committed after this sequence are applied again by the next
    // catch-up, which is harmless.
    let sequence = latest_sequence(txn).await?;
    txn.execute_unprepared("DELETE FROM demand_tally").await?;
    txn.execute_unprepared("DELETE FROM posting_demand_share")
        .await?;
    txn.execute_unprepared(&shares_sql(txn, None)).await?;
    let postings = scalar_i64(
        txn,
        "SELECT COUNT(DISTINCT posting_id) FROM posting_demand_share",
    )
    .await?
    .unwrap_or(0);
    txn.execute_unprepared(&format!(
        "INSERT INTO demand_tally ({KEY}, total, postings) \
         SELECT {KEY}, SUM(share), COUNT(*) FROM posting_demand_share GROUP BY {KEY}"
    ))
    .await?;
    set_sequence(txn, sequence).await?;
    write.commit().await?;
    Ok((postings.max(0) as u64, sequence))
}

/// Applies one round of change-log entries after the tally's sequence.
async fn apply_round(db: &DatabaseConnection) -> Result<(u64, i64), DbErr> {
    let write = begin(db).await?;
    let txn = write.db();
    lock_named(txn, TALLY_LOCK).await?;
    // Another process may have caught up meanwhile.
    let Some(from) = tally_sequence(txn).await? else {
        return Ok((0, 0));
    };
    let rows = txn
        .query_all_raw(Statement::from_string(
            txn.get_database_backend(),
            format!(
                "SELECT seq, entity, entity_id FROM change_log WHERE seq > {from} \
                 ORDER BY seq LIMIT {ENTRIES_PER_ROUND}"
            ),
        ))
        .await?;
    let mut sequence = from;
    let mut postings = std::collections::BTreeSet::new();
    for row in rows {
        sequence = row.try_get_by_index::<i64>(0)?;
        let entity: String = row.try_get_by_index(1)?;
        if entity == crate::services::postings::ENTITY {
            postings.insert(row.try_get_by_index::<i32>(2)?);
        }
    }
    let ids: Vec<i32> = postings.into_iter().collect();
    for chunk in ids.chunks(CHUNK) {
        replace_shares(txn, chunk).await?;
    }
    set_sequence(txn, sequence).await?;
    write.commit().await?;
    Ok((ids.len() as u64, sequence))
}

/// Replaces the shares of `postings` by their shares now, in the caller's
/// write transaction: for a writer whose changes do not go through the
/// change log (the suggester's links, which are not searched). Nothing to
/// do while the tally has never been built (building it takes everything).
pub async fn refresh_postings<C: ConnectionTrait>(txn: &C, postings: &[i32]) -> Result<(), DbErr> {
    if postings.is_empty() {
        return Ok(());
    }
    lock_named(txn, TALLY_LOCK).await?;
    if tally_sequence(txn).await?.is_none() {
        return Ok(());
    }
    for chunk in postings.chunks(CHUNK) {
        replace_shares(txn, chunk).await?;
    }
    Ok(())
}

/// Replaces the shares of `ids` in both tables by their shares now.
async fn replace_shares<C: ConnectionTrait>(txn: &C, ids: &[i32]) -> Result<(), DbErr> {
    let list = ids
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let add_to_tally = |sign: &str| {
        format!(
            "INSERT INTO demand_tally ({KEY}, total, postings) \
             SELECT {KEY}, {sign}SUM(share), {sign}COUNT(*) FROM posting_demand_share \
             WHERE posting_id IN ({list}) GROUP BY {KEY} \
             ON CONFLICT ({KEY}) DO UPDATE SET total = demand_tally.total + excluded.total, \
             postings = demand_tally.postings + excluded.postings"
        )
    };
    txn.execute_unprepared(&add_to_tally("-")).await?;
    txn.execute_unprepared(&format!(
        "DELETE FROM posting_demand_share WHERE posting_id IN ({list})"
    ))
    .await?;
    txn.execute_unprepared(&shares_sql(txn, Some(&list)))
        .await?;
    txn.execute_unprepared(&add_to_tally("")).await?;
    txn.execute_unprepared("DELETE FROM demand_tally WHERE postings <= 0")
        .await?;
    Ok(())
}

/// The INSERT of the shares of the postings in `list` (all without).
fn shares_sql<C: ConnectionTrait>(db: &C, list: Option<&str>) -> String {
    let published_day = match db.get_database_backend() {
        DbBackend::Postgres => "CAST(p.published_at AT TIME ZONE 'UTC' AS DATE)",
        _ => "substr(p.published_at, 1, 10)",
    };
    let (postings, links) = match list {
        Some(list) => (
            format!("p.id IN ({list})"),
            format!("WHERE posting_id IN ({list})"),
        ),
        None => ("1 = 1".to_string(), String::new()),
    };
    let default_headcount = super::gap::DEFAULT_HEADCOUNT;
    format!(
        "INSERT INTO posting_demand_share (posting_id, {KEY}, share) \
         SELECT p.id, COALESCE(l.occupation_id, 0), COALESCE(l.provenance, 'NONE'), \
                COALESCE(p.region_id, 0), COALESCE(p.valid_from, {published_day}), \
                COALESCE(p.valid_until, '{OPEN_END}'), \
                CAST(COALESCE(p.headcount, {default_headcount}) * 1.0 / COALESCE(n.links, 1) AS DOUBLE PRECISION) \
         FROM demand_posting p \
         LEFT JOIN posting_occupation l ON l.posting_id = p.id \
         LEFT JOIN (SELECT posting_id, COUNT(*) AS links FROM posting_occupation {links} GROUP BY posting_id) n \
           ON n.posting_id = p.id \
         WHERE {postings} AND p.status IN ('PUBLISHED', 'CLOSED') AND p.published_at IS NOT NULL"
    )
}

async fn set_sequence<C: ConnectionTrait>(txn: &C, sequence: i64) -> Result<(), DbErr> {
    txn.execute_unprepared("DELETE FROM demand_tally_state")
        .await?;
    let mut insert = Query::insert();
    insert
        .into_table("demand_tally_state")
        .columns(["id", "sequence", "rebuilt_at"])
        .values([1.into(), sequence.into(), Utc::now().into()])
        .map_err(|error| DbErr::Custom(error.to_string()))?;
    txn.execute(&insert).await.map(|_| ())
}

/// Demand in a period: `(occupation, provenance, total)` per occupation
/// and provenance (`None`, "NONE": postings without occupations) of the
/// postings valid some day of `[from, to]` in the regions `region_sql`
/// admits (a condition on `region_id`, 0 for postings without a region).
pub async fn demand<C: ConnectionTrait>(
    db: &C,
    from: &str,
    to: &str,
    region_sql: &str,
) -> Result<Vec<(Option<i32>, String, f64)>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT occupation_id, provenance, CAST(SUM(total) AS DOUBLE PRECISION) \
                 FROM demand_tally WHERE starts_on <= '{to}' AND ends_on >= '{from}' AND {region_sql} \
                 GROUP BY occupation_id, provenance"
            ),
        ))
        .await?;
    rows.into_iter()
        .map(|row| {
            let occupation: i32 = row.try_get_by_index(0)?;
            Ok((
                (occupation != 0).then_some(occupation),
                row.try_get_by_index(1)?,
                row.try_get_by_index::<Option<f64>>(2)?.unwrap_or(0.0),
            ))
        })
        .collect()
}
