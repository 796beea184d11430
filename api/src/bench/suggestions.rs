//! `hub-bench suggestions`: occupation suggestions for the real imported
//! postings. Imports the occupation classification and every posting file
//! of the shared data into a scratch SQLite database, indexes them with
//! the hub's indexer, runs the suggester until nothing waits (time and
//! postings/s), and measures the top-1 accuracy of the stored suggestions
//! on the postings whose title is judged in `search/eval/occupation_queries.tsv`
//! (by split; `check` was frozen before any of this was written).

use std::{
    collections::{BTreeMap, HashMap},
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use entity::demand_posting;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Statement};
use search::{SearchIndex, WriterOptions};

use crate::{
    bench::relevance::{read_queries, QueryKind},
    db::connect_and_migrate,
    import::{import_file, ImportKind, ImportOptions, Progress},
    indexing::Indexer,
    matching::suggest::run_once,
};

pub struct Options {
    pub data: PathBuf,
    pub eval: PathBuf,
}

/// Split → (postings judged, with a suggestion, right at top 1).
type Tally = BTreeMap<String, (usize, usize, usize)>;

pub async fn run(options: &Options) -> anyhow::Result<()> {
    let scratch = tempfile::tempdir()?;
    let url = format!(
        "sqlite://{}?mode=rwc",
        scratch.path().join("bench.db").display()
    );
    let (db, _) = connect_and_migrate(&url).await?;
    let silent = Progress::silent();
    import_file(
        &db,
        ImportKind::Occupations,
        &options.data.join("occupations/occupations_2022.csv"),
        ImportOptions::default(),
        &silent,
    )
    .await?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(options.data.join("postings"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    for file in &files {
        let skip = ImportOptions {
            skip_bad_rows: true,
        };
        import_file(&db, ImportKind::Postings, file, skip, &silent).await?;
    }
    let postings = demand_posting::Entity::find().count(&db).await?;
    let index = SearchIndex::open(&scratch.path().join("index"), WriterOptions::default())?;
    let indexer = Indexer::new(db.clone(), Arc::new(index), Duration::from_secs(3600));
    indexer.catch_up().await?;

    let started = Instant::now();
    let mut handled = 0;
    loop {
        let done = run_once(&db, indexer.index()).await?;
        if done == 0 {
            break;
        }
        handled += done;
    }
    let elapsed = started.elapsed();
    let stored = count(
        &db,
        "SELECT COUNT(*) FROM posting_occupation WHERE provenance = 'SUGGESTED'",
    )
    .await?;

    // Stored suggestion per posting title.
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT p.title, o.code FROM demand_posting p \
             LEFT JOIN posting_occupation l ON l.posting_id = p.id AND l.provenance = 'SUGGESTED' \
             LEFT JOIN occupation o ON o.id = l.occupation_id"
                .to_string(),
        ))
        .await?;
    let judged: HashMap<String, (String, Vec<String>)> = read_queries(
        &options.eval.join("occupation_queries.tsv"),
        QueryKind::EverydayTitle,
    )?
    .into_iter()
    .map(|j| (j.query.trim().to_lowercase(), (j.split, j.relevant)))
    .collect();
    let mut tally: Tally = BTreeMap::new();
    let mut titles: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for row in rows {
        let title: String = row.try_get_by_index(0)?;
        let code: Option<String> = row.try_get_by_index(1)?;
        let Some((split, relevant)) = judged.get(&title.trim().to_lowercase()) else {
            continue;
        };
        titles
            .entry(split.clone())
            .or_default()
            .insert(title.clone());
        let entry = tally.entry(split.clone()).or_default();
        entry.0 += 1;
        if let Some(code) = code {
            entry.1 += 1;
            if relevant.contains(&code) {
                entry.2 += 1;
            }
        }
    }
    print_report(postings, handled, stored, elapsed, &tally, &titles);
    Ok(())
}

async fn count(db: &sea_orm::DatabaseConnection, sql: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_string(),
        ))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no count"))?;
    Ok(row.try_get_by_index(0)?)
}

fn print_report(
    postings: u64,
    handled: usize,
    stored: i64,
    elapsed: Duration,
    tally: &Tally,
    titles: &BTreeMap<String, std::collections::BTreeSet<String>>,
) {
    println!("occupation suggestions for the imported postings of ../shared/data/postings");
    println!(
        "  postings {postings}, handled by the suggester {handled} in {:.1} s = {:.0} postings/s; stored suggestions {stored} ({:.1}%)",
        elapsed.as_secs_f64(),
        handled as f64 / elapsed.as_secs_f64().max(1e-9),
        stored as f64 * 100.0 / (postings.max(1) as f64),
    );
    println!("top-1 accuracy of the stored suggestion on postings with a judged title (a posting without a suggestion counts as wrong):");
    println!("  split       postings  titles  with suggestion  top-1 right  accuracy");
    let mut total = (0, 0, 0);
    for (split, (judged, suggested, right)) in tally {
        total = (total.0 + judged, total.1 + suggested, total.2 + right);
        println!(
            "  {split:<10} {judged:>9} {:>7} {suggested:>16} {right:>12} {:>9.3}",
            titles.get(split).map_or(0, |t| t.len()),
            *right as f64 / (*judged).max(1) as f64
        );
    }
    println!(
        "  {:<10} {:>9} {:>7} {:>16} {:>12} {:>9.3}",
        "all",
        total.0,
        titles.values().map(|t| t.len()).sum::<usize>(),
        total.1,
        total.2,
        total.2 as f64 / total.0.max(1) as f64
    );
}
