//! `hub-bench matching`: matches and the supply–demand gap at city scale.
//! A scratch SQLite database gets generated supply (programs of 200
//! colleges and apprenticeship offers of 200 enterprises, 100k in all)
//! and demand (postings, in stages up to 1M), each linked to one or two
//! occupations of the 2022 classification drawn at random, spread over the
//! regions of 吉林市; titles are occupation names, so the search index
//! finds text candidates as it does for real data.
//!
//! Printed: the gap of the whole city by occupation at each stage
//! (median of 3, to show how it scales with postings) with the time to
//! build its demand tally, the gap just after postings changed, then, on the
//! indexed full set, the latency of `DemandPosting.matches` (programs,
//! offers, courses) and of `Program.matches` (postings, offers) as the API
//! computes them (`matching::candidates::find`: candidates, profiles,
//! scores), p50 and p99 over 100 subjects each.

use std::{
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    sea_query::{Query, SimpleExpr},
    ConnectionTrait, DatabaseConnection, EntityTrait,
};
use search::{SearchIndex, WriterOptions};

use super::{
    corpus::Rng,
    performance::{ms, Latency},
};
use crate::{
    db::connect_and_migrate,
    import::Progress,
    indexing::Indexer,
    matching::{self, gap, tally, Role, SubjectKind},
};

pub struct Options {
    pub work_dir: PathBuf,
    /// Posting counts at which the gap is measured; the last is the full set.
    pub stages: Vec<usize>,
    pub programs: usize,
    pub offers: usize,
    pub subjects: usize,
    /// Keep the data and index in `work_dir/matching-kept` and reuse them
    /// on the next kept run, which then only times matches.
    pub keep: bool,
}

/// Rows per multi-row INSERT.
const BATCH: usize = 500;

pub(super) struct World {
    pub(super) occupations: Vec<(i32, String)>,
    regions: Vec<i32>,
    pub(super) entries: Vec<i32>,
    association: i32,
    pub(super) colleges: Vec<i32>,
    pub(super) enterprises: Vec<i32>,
}

pub(super) async fn insert_rows(
    db: &DatabaseConnection,
    table: &'static str,
    columns: &[&'static str],
    rows: Vec<Vec<SimpleExpr>>,
) -> anyhow::Result<()> {
    for chunk in rows.chunks(BATCH) {
        let mut insert = Query::insert();
        insert.into_table(table).columns(columns.iter().copied());
        for row in chunk {
            insert.values(row.clone())?;
        }
        db.execute(&insert).await?;
    }
    Ok(())
}

pub(super) async fn world(db: &DatabaseConnection) -> anyhow::Result<World> {
    let occupations: Vec<(i32, String)> = entity::occupation::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let regions: Vec<i32> = entity::region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let entries: Vec<i32> = entity::catalogue_entry::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|e| e.item_level == entity::enums::CatalogueItemLevel::Major)
        .map(|e| e.id)
        .collect();
    insert_rows(
        db,
        "industry_association",
        &["name", "sector", "description"],
        vec![vec!["基准测试协会".into(), "基准".into(), "".into()]],
    )
    .await?;
    let mut rng = Rng::new(7);
    let colleges = (0..200)
        .map(|n| {
            vec![
                format!("基准学院{n}").into(),
                "HIGHER_VOCATIONAL".into(),
                "CITY".into(),
                (*rng.pick(&regions)).into(),
                "".into(),
            ]
        })
        .collect();
    insert_rows(
        db,
        "college",
        &["name", "level", "ownership", "region_id", "description"],
        colleges,
    )
    .await?;
    let enterprises = (0..200)
        .map(|n| {
            vec![
                format!("基准企业{n}").into(),
                "制造".into(),
                (*rng.pick(&regions)).into(),
                "MEDIUM".into(),
                "".into(),
            ]
        })
        .collect();
    insert_rows(
        db,
        "enterprise",
        &["name", "industry", "region_id", "size", "description"],
        enterprises,
    )
    .await?;
    let ids = |table: &str| format!("SELECT id FROM {table} ORDER BY id");
    let fetch = |sql: String| async move {
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                sql,
            ))
            .await?;
        rows.iter()
            .map(|row| row.try_get_by_index::<i32>(0))
            .collect::<Result<Vec<i32>, _>>()
    };
    Ok(World {
        association: fetch(ids("industry_association")).await?[0],
        colleges: fetch(ids("college")).await?,
        enterprises: fetch(ids("enterprise")).await?,
        occupations,
        regions,
        entries,
    })
}

/// Rows of a link table: `owner` declared on each of `picks`.
pub(super) fn declared_links(owner: i32, picks: &[usize], world: &World) -> Vec<Vec<SimpleExpr>> {
    picks
        .iter()
        .map(|pick| {
            vec![
                owner.into(),
                world.occupations[*pick].0.into(),
                "DECLARED".into(),
            ]
        })
        .collect()
}

/// One or two random occupations.
pub(super) fn occupations_of(rng: &mut Rng, world: &World) -> Vec<usize> {
    let first = rng.below(world.occupations.len());
    if rng.below(2) == 0 {
        vec![first]
    } else {
        let second = rng.below(world.occupations.len());
        if second == first {
            vec![first]
        } else {
            vec![first, second]
        }
    }
}

async fn fill_supply(
    db: &DatabaseConnection,
    world: &World,
    options: &Options,
) -> anyhow::Result<()> {
    let mut rng = Rng::new(11);
    let now = Utc::now();
    let mut programs = Vec::new();
    let mut links = Vec::new();
    for id in 1..=options.programs as i32 {
        let picks = occupations_of(&mut rng, world);
        let name = format!("{}专业{id}", world.occupations[picks[0]].1);
        programs.push(vec![
            id.into(),
            (*rng.pick(&world.colleges)).into(),
            (*rng.pick(&world.entries)).into(),
            name.into(),
            ((20 + rng.below(100)) as i32).into(),
            "".into(),
            "MANUAL".into(),
            now.into(),
            now.into(),
            now.into(),
        ]);
        links.extend(declared_links(id, &picks, world));
    }
    insert_rows(
        db,
        "program",
        &[
            "id",
            "college_id",
            "catalogue_entry_id",
            "name",
            "graduates_per_year",
            "description",
            "source",
            "suggested_at",
            "created_at",
            "updated_at",
        ],
        programs,
    )
    .await?;
    insert_rows(
        db,
        "program_occupation",
        &["program_id", "occupation_id", "provenance"],
        links,
    )
    .await?;
    let mut offers = Vec::new();
    let mut links = Vec::new();
    let start = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default();
    let end = NaiveDate::from_ymd_opt(2028, 8, 31).unwrap_or_default();
    for id in 1..=options.offers as i32 {
        let picks = occupations_of(&mut rng, world);
        offers.push(vec![
            id.into(),
            (*rng.pick(&world.enterprises)).into(),
            "APPRENTICESHIP".into(),
            format!("{}学徒{id}", world.occupations[picks[0]].1).into(),
            "".into(),
            ((2 + rng.below(30)) as i32).into(),
            24.into(),
            (*rng.pick(&world.regions)).into(),
            start.into(),
            end.into(),
            now.into(),
            now.into(),
        ]);
        links.extend(declared_links(id, &picks, world));
    }
    insert_rows(
        db,
        "apprenticeship_offer",
        &[
            "id",
            "enterprise_id",
            "kind",
            "title",
            "description",
            "places",
            "duration_months",
            "region_id",
            "cooperation_start",
            "cooperation_end",
            "created_at",
            "updated_at",
        ],
        offers,
    )
    .await?;
    insert_rows(
        db,
        "offer_occupation",
        &["offer_id", "occupation_id", "provenance"],
        links,
    )
    .await?;
    Ok(())
}

async fn fill_postings(
    db: &DatabaseConnection,
    world: &World,
    from: usize,
    to: usize,
) -> anyhow::Result<()> {
    let mut rng = Rng::new(13 + from as u64);
    let now = Utc::now();
    let valid_from = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default();
    let valid_until = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap_or_default();
    let mut postings = Vec::with_capacity(BATCH * 20);
    let mut links = Vec::with_capacity(BATCH * 30);
    for id in (from + 1)..=to {
        let id = id as i32;
        let picks = occupations_of(&mut rng, world);
        postings.push(vec![
            id.into(),
            world.association.into(),
            format!("招聘{}", world.occupations[picks[0]].1).into(),
            "".into(),
            ((1 + rng.below(20)) as i32).into(),
            (*rng.pick(&world.regions)).into(),
            serde_json::json!([]).into(),
            "PUBLISHED".into(),
            valid_from.into(),
            valid_until.into(),
            "IMPORTED".into(),
            now.into(),
            now.into(),
            now.into(),
            now.into(),
        ]);
        links.extend(declared_links(id, &picks, world));
        if postings.len() >= BATCH * 20 {
            flush_postings(db, &mut postings, &mut links).await?;
        }
    }
    flush_postings(db, &mut postings, &mut links).await
}

async fn flush_postings(
    db: &DatabaseConnection,
    postings: &mut Vec<Vec<SimpleExpr>>,
    links: &mut Vec<Vec<SimpleExpr>>,
) -> anyhow::Result<()> {
    insert_rows(
        db,
        "demand_posting",
        &[
            "id",
            "association_id",
            "title",
            "description",
            "headcount",
            "region_id",
            "skills",
            "status",
            "valid_from",
            "valid_until",
            "source",
            "published_at",
            "suggested_at",
            "created_at",
            "updated_at",
        ],
        std::mem::take(postings),
    )
    .await?;
    insert_rows(
        db,
        "posting_occupation",
        &["posting_id", "occupation_id", "provenance"],
        std::mem::take(links),
    )
    .await
}

pub async fn run(options: &Options) -> anyhow::Result<()> {
    std::fs::create_dir_all(&options.work_dir)?;
    // Kept: a fixed folder, reused by the next kept run (which then only
    // times matches); otherwise a temporary one.
    let (_scratch, folder) = if options.keep {
        (None, options.work_dir.join("matching-kept"))
    } else {
        let scratch = tempfile::tempdir_in(&options.work_dir)?;
        let folder = scratch.path().to_path_buf();
        (Some(scratch), folder)
    };
    let ready = folder.join("ready");
    std::fs::create_dir_all(&folder)?;
    let url = format!("sqlite://{}?mode=rwc", folder.join("matching.db").display());
    let (db, _) = connect_and_migrate(&url).await?;
    let index = if ready.exists() {
        println!(
            "reusing the data and index kept in {} (delete it to start afresh)",
            folder.display()
        );
        Arc::new(SearchIndex::open(
            &folder.join("index"),
            WriterOptions::default(),
        )?)
    } else {
        let index = fill_and_index(&db, &folder, options).await?;
        std::fs::write(&ready, "")?;
        index
    };
    // A hub that has been serving has its database and index in the
    // operating system's cache; a fresh bench run has them only in part
    // (the index was just written, the database filled long before).
    let mut warmed = 0;
    for entry in std::fs::read_dir(folder.join("index"))?
        .chain(std::fs::read_dir(&folder)?)
        .flatten()
    {
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            warmed += std::fs::read(entry.path())?.len();
        }
    }
    println!(
        "database and index read once before timing ({} MB), as on a hub that has been serving",
        warmed / 1_000_000
    );
    time_matches(&db, &index, options).await
}

/// Fills the scratch database in stages, timing the gap at each, and
/// indexes everything.
async fn fill_and_index(
    db: &DatabaseConnection,
    folder: &std::path::Path,
    options: &Options,
) -> anyhow::Result<Arc<SearchIndex>> {
    let db = db.clone();
    let world = world(&db).await?;
    fill_supply(&db, &world, options).await?;
    println!(
        "matching and gap at city scale: {} programs of 200 colleges and {} offers of 200 enterprises, postings in stages; 1-2 random occupations each",
        options.programs, options.offers
    );
    println!("supply–demand gap of the whole city by occupation (median of 3), period 2026-09-01..2027-08-31;");
    println!("the demand tally is built from scratch after each stage's bulk insert (the hub does that once, at its first start on a database):");
    println!("  postings    gap ms   groups   tally build s");
    let from = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(2027, 8, 31).unwrap_or_default();
    let gap_ms = |db: DatabaseConnection| async move {
        let started = Instant::now();
        let rows = gap::compute(&db, from, to, None, gap::Grouping::Occupation)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        anyhow::Ok((started.elapsed(), rows.len()))
    };
    let mut filled = 0;
    for stage in &options.stages {
        fill_postings(&db, &world, filled, *stage).await?;
        filled = *stage;
        db.execute_unprepared("ANALYZE").await?;
        let started = Instant::now();
        tally::rebuild(&db).await?;
        let build = started.elapsed();
        let mut samples = Vec::new();
        let mut groups = 0;
        for _ in 0..3 {
            let (took, rows) = gap_ms(db.clone()).await?;
            samples.push(took);
            groups = rows;
        }
        samples.sort();
        println!(
            "  {stage:>8} {:>9.1} {groups:>8} {:>15.1}",
            ms(samples[1]),
            build.as_secs_f64()
        );
    }
    // Writes reach the tally through the change log: change postings as
    // the services would (row and log entry), then ask for the gap, which
    // first applies them.
    for changed in [10usize, 1_000] {
        let mut rng = Rng::new(41 + changed as u64);
        let ids: Vec<i32> = (0..changed).map(|_| 1 + rng.below(filled) as i32).collect();
        let list = ids
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        db.execute_unprepared(&format!(
            "UPDATE demand_posting SET headcount = headcount + 1 WHERE id IN ({list})"
        ))
        .await?;
        let now = Utc::now();
        insert_rows(
            &db,
            "change_log",
            &["entity", "entity_id", "operation", "created_at"],
            ids.iter()
                .map(|id| {
                    vec![
                        "DemandPosting".into(),
                        (*id).into(),
                        "UPDATE".into(),
                        now.into(),
                    ]
                })
                .collect(),
        )
        .await?;
        let (first, _) = gap_ms(db.clone()).await?;
        let (next, _) = gap_ms(db.clone()).await?;
        println!(
            "  after {changed} changed postings: first gap (applies them) {:.1} ms, the next {:.1} ms",
            ms(first),
            ms(next)
        );
    }

    let index = SearchIndex::open(&folder.join("index"), WriterOptions::default())?;
    let indexer = Indexer::new(db.clone(), Arc::new(index), Duration::from_secs(3600));
    let started = Instant::now();
    let documents = indexer.rebuild(&Progress::silent()).await?;
    println!(
        "search index of everything: {documents} documents in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(indexer.index().clone())
}

/// Times matches for random postings and programs of the scratch data.
async fn time_matches(
    db: &DatabaseConnection,
    index: &Arc<SearchIndex>,
    options: &Options,
) -> anyhow::Result<()> {
    let count = |table: &str| {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        async move {
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    sql,
                ))
                .await?;
            anyhow::Ok(match row {
                Some(row) => row.try_get_by_index::<i64>(0)? as usize,
                None => 0,
            })
        }
    };
    let (postings, programs) = (count("demand_posting").await?, count("program").await?);
    let mut rng = Rng::new(29);
    let places = matching::profiles::places(db).await?;
    let mut report = Vec::new();
    for (label, kind, role, count, kinds) in [
        (
            "one posting → programs, offers, courses",
            SubjectKind::DemandPosting,
            Role::Demand,
            postings,
            vec![
                SubjectKind::Program,
                SubjectKind::ApprenticeshipOffer,
                SubjectKind::TrainingCourse,
            ],
        ),
        (
            "one program → postings, offers",
            SubjectKind::Program,
            Role::Supply,
            programs,
            vec![SubjectKind::DemandPosting, SubjectKind::ApprenticeshipOffer],
        ),
    ] {
        let mut samples = Vec::new();
        let mut phases = (Vec::new(), Vec::new());
        let mut found = 0usize;
        for round in 0..options.subjects + 5 {
            let id = 1 + rng.below(count) as i32;
            let started = Instant::now();
            let Some(profile) = matching::profile(db, kind, id, &places).await? else {
                continue;
            };
            let gathered = Instant::now();
            let wanted = matching::candidates::gather(db, index, &profile, role, &kinds).await?;
            let scoring = Instant::now();
            let matches =
                matching::candidates::score_all(db, &profile, role, wanted, &places, &|_| true)
                    .await?;
            let elapsed = started.elapsed();
            if round >= 5 {
                samples.push(elapsed);
                phases.0.push(scoring - gathered);
                phases.1.push(scoring.elapsed());
                found += matches.len();
            }
        }
        let n = samples.len().max(1);
        report.push((
            label,
            Latency::of(samples),
            Latency::of(phases.0),
            Latency::of(phases.1),
            found / n,
        ));
    }
    println!(
        "matches, ms (p50 / p99) over {} subjects each, all candidates scored and ranked; \
         of which finding the candidates, and loading and scoring them:",
        options.subjects
    );
    for (label, latency, gather, score, found) in report {
        println!(
            "  {label:<42} {:>7.1} / {:>7.1}   candidates {:>5.1} / {:>5.1}   scores {:>5.1} / {:>5.1}   ({found} matches on average)",
            ms(latency.p50),
            ms(latency.p99),
            ms(gather.p50),
            ms(gather.p99),
            ms(score.p50),
            ms(score.p99),
        );
    }
    Ok(())
}
