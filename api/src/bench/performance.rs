//! Search performance at N postings: indexing throughput, index size, peak
//! memory, and search latency for 1-, 2- and 3-word queries from real job
//! titles, raw in the search crate and end-to-end through GraphQL over
//! HTTP, against SQLite FTS5 (trigram) over the same corpus in the same run.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use anyhow::Context;
use entity::{
    demand_posting,
    enums::{EducationRequirement, PostingStatus, RecordSource},
    industry_association, region,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Set, Statement, TransactionTrait};
use search::{IndexChange, SearchIndex, SearchRequest, WriterOptions};
use serde_json::json;

use super::corpus::{queries, Corpus, GeneratedPosting, Generator};
use crate::{config::Settings, db::connect_and_migrate, startup::Application};

/// What to measure.
#[derive(Clone, Debug)]
pub struct Options {
    pub data: PathBuf,
    pub work_dir: PathBuf,
    pub sizes: Vec<usize>,
    pub queries_per_class: usize,
    /// Queries per class for FTS5, whose short words scan the table.
    pub fts_queries_per_class: usize,
    pub writer_threads: usize,
    pub writer_memory_mb: usize,
    pub skip_fts: bool,
    pub skip_http: bool,
}

/// Latency figures of one query class.
#[derive(Clone, Copy, Debug, Default)]
pub struct Latency {
    pub p50: Duration,
    pub p99: Duration,
    pub mean: Duration,
}

impl Latency {
    pub(crate) fn of(mut samples: Vec<Duration>) -> Self {
        if samples.is_empty() {
            return Self::default();
        }
        samples.sort();
        let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
        let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
        Self {
            p50: at(0.50),
            p99: at(0.99),
            mean,
        }
    }
}

pub(crate) fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Peak resident memory of this process so far (VmHWM), in MiB.
pub fn peak_rss_mib() -> f64 {
    status_mib("VmHWM:")
}

/// A line of `/proc/self/status` in MiB (0 where there is none).
fn status_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find(|l| l.starts_with(field)).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| match entry.metadata() {
                    Ok(meta) if meta.is_dir() => dir_size(&entry.path()),
                    Ok(meta) => meta.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Runs every measurement for every size and prints the figures.
pub async fn run(options: &Options) -> anyhow::Result<()> {
    let corpus = Corpus::load(&options.data)?;
    let query_sets = queries(&corpus, options.queries_per_class, 7);
    println!(
        "machine: {} cores, {}; queries per class: {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| m.lines().next().map(|l| l
                .split_whitespace()
                .skip(1)
                .collect::<Vec<_>>()
                .join(" ")))
            .unwrap_or_default(),
        options.queries_per_class
    );
    for &size in &options.sizes {
        measure(options, &corpus, &query_sets, size).await?;
    }
    Ok(())
}

async fn measure(
    options: &Options,
    corpus: &Corpus,
    query_sets: &[Vec<String>; 3],
    size: usize,
) -> anyhow::Result<()> {
    let dir = options.work_dir.join(format!("postings-{size}"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir)?;
    println!("\n== {size} postings ==");

    // Raw indexing in the search crate.
    let index_dir = dir.join("index");
    let writer = WriterOptions {
        threads: options.writer_threads,
        memory_bytes: options.writer_memory_mb * 1024 * 1024,
    };
    let index = SearchIndex::open(&index_dir, writer)?;
    let mut generator = Generator::new(corpus, 42);
    let started = Instant::now();
    let mut chunk = Vec::with_capacity(100_000);
    for id in 1..=size {
        chunk.push(IndexChange::Upsert(generator.posting(id as i32).document()));
        if chunk.len() == 100_000 || id == size {
            index.apply(&chunk, 0)?;
            chunk.clear();
        }
    }
    let indexing = started.elapsed();
    let size_bytes = dir_size(&index_dir);
    println!(
        "indexing (search crate, {} threads, {} MiB writer): {:.1} s, {:.0} postings/s; index {:.0} MiB; peak RSS {:.0} MiB",
        options.writer_threads,
        options.writer_memory_mb,
        indexing.as_secs_f64(),
        size as f64 / indexing.as_secs_f64(),
        mib(size_bytes),
        peak_rss_mib()
    );

    let mut raw: Vec<Latency> = Vec::new();
    let mut raw_counted: Vec<Latency> = Vec::new();
    let mut slowest: Vec<Vec<(Duration, String)>> = Vec::new();
    for set in query_sets {
        let (latency, slow) = time_raw(&index, set, false)?;
        raw.push(latency);
        slowest.push(slow);
        raw_counted.push(time_raw(&index, set, true)?.0);
    }
    drop(index);

    let fts = if options.skip_fts {
        None
    } else {
        Some(
            fts5(
                &dir,
                corpus,
                query_sets,
                size,
                options.fts_queries_per_class,
            )
            .await?,
        )
    };
    let http = if options.skip_http {
        None
    } else {
        Some(graphql(&dir, corpus, query_sets, size).await?)
    };

    println!(
        "search latency, ms (p50 / p99), top 10 with snippets; {} queries per class ({} for FTS5):",
        options.queries_per_class, options.fts_queries_per_class
    );
    println!("  words  tantivy raw      +count+facets    GraphQL/HTTP     FTS5 trigram     p99 FTS5/raw  p99 GraphQL/raw");
    for class in 0..3 {
        let fts_class = fts.as_ref().map(|f| f.1[class]);
        let http_class = http.as_ref().map(|h| h[class]);
        let pair = |l: Option<Latency>| {
            l.map(|l| format!("{:>6.2} / {:<7.2}", ms(l.p50), ms(l.p99)))
                .unwrap_or_else(|| format!("{:^16}", "-"))
        };
        let ratio = |l: Option<Latency>| {
            l.map(|l| format!("{:>6.1}x", ms(l.p99) / ms(raw[class].p99).max(0.001)))
                .unwrap_or_else(|| "-".into())
        };
        println!(
            "  {}      {}  {}  {}  {}  {:>12}  {:>14}",
            class + 1,
            pair(Some(raw[class])),
            pair(Some(raw_counted[class])),
            pair(http_class),
            pair(fts_class),
            ratio(fts_class),
            ratio(http_class)
        );
    }
    for (class, slow) in slowest.iter().enumerate() {
        let listed: Vec<String> = slow
            .iter()
            .map(|(took, query)| format!("{query} {:.1}", ms(*took)))
            .collect();
        println!(
            "  slowest raw, {} word(s), ms: {}",
            class + 1,
            listed.join(" | ")
        );
    }
    if let Some((fts_indexing, _, fts_bytes)) = fts {
        println!(
            "FTS5 trigram indexing: {:.1} s, {:.0} postings/s; database {:.0} MiB",
            fts_indexing.as_secs_f64(),
            size as f64 / fts_indexing.as_secs_f64(),
            mib(fts_bytes)
        );
    }
    // The peak counts memory-mapped files too: the index, and the SQLite
    // databases the hub maps (up to 1 GiB each, see db.rs), which the FTS5
    // baseline's LIKE scans read end to end. Resident now, split:
    println!(
        "peak RSS of the whole run so far: {:.0} MiB (resident now: {:.0} MiB anonymous, {:.0} MiB of mapped files)",
        peak_rss_mib(),
        status_mib("RssAnon:"),
        status_mib("RssFile:") + status_mib("RssShmem:")
    );
    Ok(())
}

/// The latency of `queries` in the search crate, and the three slowest.
fn time_raw(
    index: &SearchIndex,
    queries: &[String],
    counted: bool,
) -> anyhow::Result<(Latency, Vec<(Duration, String)>)> {
    let request = |text: &str| SearchRequest {
        text: text.to_string(),
        limit: 10,
        with_snippets: true,
        with_count: counted,
        with_facets: counted,
        ..Default::default()
    };
    for query in queries.iter().take(WARM_UP_QUERIES) {
        index.search(&request(query))?;
    }
    let mut samples = Vec::with_capacity(queries.len());
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    for query in queries {
        let started = Instant::now();
        index.search(&request(query))?;
        let took = started.elapsed();
        samples.push(took);
        slowest.push((took, query.clone()));
        slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        slowest.truncate(3);
    }
    Ok((Latency::of(samples), slowest))
}

/// FTS5 with the trigram tokenizer over the same postings: each query
/// word becomes a quoted trigram phrase, ORed, ranked by bm25. Words
/// shorter than three characters (most Chinese words) cannot use a trigram
/// index; they are matched with LIKE, which scans.
async fn fts5(
    dir: &Path,
    corpus: &Corpus,
    query_sets: &[Vec<String>; 3],
    size: usize,
    per_class: usize,
) -> anyhow::Result<(Duration, [Latency; 3], u64)> {
    let path = dir.join("fts5.db");
    let mut connect = sea_orm::ConnectOptions::new(format!("sqlite://{}?mode=rwc", path.display()));
    connect.sqlx_logging(false);
    let db = sea_orm::Database::connect(connect).await?;
    let backend = db.get_database_backend();
    db.execute_unprepared("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;")
        .await?;
    db.execute_unprepared(
        "CREATE VIRTUAL TABLE postings USING fts5(title, body, tags, tokenize = 'trigram')",
    )
    .await?;
    let mut generator = Generator::new(corpus, 42);
    let started = Instant::now();
    let mut batch: Vec<GeneratedPosting> = Vec::new();
    db.execute_unprepared("BEGIN").await?;
    for id in 1..=size {
        batch.push(generator.posting(id as i32));
        if batch.len() == 200 || id == size {
            let placeholders = vec!["(?, ?, ?, ?)"; batch.len()].join(", ");
            let mut values: Vec<sea_orm::Value> = Vec::new();
            for posting in batch.drain(..) {
                let tags = format!(
                    "{} {} {}",
                    posting.skills.join(" "),
                    posting.occupation,
                    posting.location
                );
                values.extend([
                    i64::from(posting.id).into(),
                    posting.title.into(),
                    posting.description.into(),
                    tags.into(),
                ]);
            }
            let sql =
                format!("INSERT INTO postings (rowid, title, body, tags) VALUES {placeholders}");
            db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
                .await?;
        }
        if id % 100_000 == 0 {
            db.execute_unprepared("COMMIT; BEGIN").await?;
        }
    }
    db.execute_unprepared("COMMIT").await?;
    db.execute_unprepared("INSERT INTO postings(postings) VALUES('optimize')")
        .await?;
    let indexing = started.elapsed();
    let mut latencies = [Latency::default(); 3];
    for (class, queries) in query_sets.iter().enumerate() {
        let mut samples = Vec::with_capacity(queries.len());
        for (round, query) in queries.iter().take(per_class + 5).enumerate() {
            let (sql, values) = fts5_query(query);
            let started = Instant::now();
            db.query_all_raw(Statement::from_sql_and_values(backend, sql, values))
                .await?;
            if round >= 5 {
                samples.push(started.elapsed());
            }
        }
        latencies[class] = Latency::of(samples);
    }
    db.close().await?;
    Ok((
        indexing,
        latencies,
        dir_size(dir).saturating_sub(dir_size(&dir.join("index"))),
    ))
}

fn fts5_query(query: &str) -> (String, Vec<sea_orm::Value>) {
    let words: Vec<&str> = query.split_whitespace().collect();
    let long: Vec<String> = words
        .iter()
        .filter(|w| w.chars().count() >= 3)
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect();
    let short: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| w.chars().count() < 3)
        .collect();
    let mut conditions = Vec::new();
    let mut values: Vec<sea_orm::Value> = Vec::new();
    if !long.is_empty() {
        conditions.push("postings MATCH ?".to_string());
        values.push(long.join(" OR ").into());
    }
    for word in short {
        conditions.push("(title LIKE ? OR body LIKE ? OR tags LIKE ?)".to_string());
        let pattern = format!("%{word}%");
        values.extend([
            pattern.clone().into(),
            pattern.clone().into(),
            pattern.into(),
        ]);
    }
    let sql = format!(
        "SELECT rowid, snippet(postings, 1, '<em>', '</em>', '…', 16) FROM postings WHERE {} ORDER BY rank LIMIT 10",
        conditions.join(" OR ")
    );
    (sql, values)
}

/// How long the GraphQL phase warms the hub before measuring.
const WARM_UP: Duration = Duration::from_secs(3);
/// How many queries of each class warm up both phases.
const WARM_UP_QUERIES: usize = 20;

/// End to end: the hub on an SQLite database holding the same postings and
/// the index built above, queried through GraphQL over HTTP.
async fn graphql(
    dir: &Path,
    corpus: &Corpus,
    query_sets: &[Vec<String>; 3],
    size: usize,
) -> anyhow::Result<[Latency; 3]> {
    let url = format!("sqlite://{}?mode=rwc", dir.join("hub.db").display());
    let (db, _) = connect_and_migrate(&url).await?;
    fill_database(&db, corpus, size).await?;
    db.close().await?;
    let settings = Settings {
        addr: "127.0.0.1:0".parse()?,
        data_dir: dir.to_path_buf(),
        database_url: Some(url),
        load_demo: false,
        index_poll: Duration::from_secs(3600),
        // One client sends every query: measured here is the search, not
        // the per-client rate limit.
        rate_limit_per_address: 0,
        rate_limit_per_token: 0,
        ..Default::default()
    };
    let application = Application::build(settings).await?;
    let address = format!("http://127.0.0.1:{}/graphql", application.port());
    let server = tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::new();
    let document = "query($q: String!) { search(query: $q, first: 10) { edges { node { score object { ... on DemandPosting { id title } } snippets { html } } } } }";
    let search = |query: &String| {
        let request = client
            .post(&address)
            .json(&json!({ "query": document, "variables": { "q": query } }));
        async move {
            let started = Instant::now();
            let response: serde_json::Value = request.send().await?.json().await?;
            let elapsed = started.elapsed();
            anyhow::ensure!(
                response.get("errors").is_none(),
                "search failed: {response}"
            );
            Ok(elapsed)
        }
    };
    // Warmed as the raw phase is (the first 20 queries of every class),
    // in rounds for at least `WARM_UP`: the first second after the hub
    // starts is spent merging the segment of its start-up commit and
    // reading cold pages, and the figures are of a running hub. What the
    // warm-up saw is printed, so the start-up cost stays visible.
    let warm_up_started = Instant::now();
    let mut warm_up = Vec::new();
    while warm_up.is_empty() || warm_up_started.elapsed() < WARM_UP {
        for queries in query_sets {
            for query in queries.iter().take(WARM_UP_QUERIES) {
                warm_up.push(search(query).await?);
            }
        }
    }
    let requests = warm_up.len();
    let first_round = query_sets.len() * WARM_UP_QUERIES;
    let first = warm_up
        .iter()
        .take(first_round)
        .max()
        .copied()
        .unwrap_or_default();
    let warm = Latency::of(warm_up);
    println!(
        "GraphQL warm-up: {} requests in {:.1} s; the first {} up to {:.0} ms; all: p50 {:.2} ms, p99 {:.2} ms",
        requests,
        warm_up_started.elapsed().as_secs_f64(),
        first_round,
        ms(first),
        ms(warm.p50),
        ms(warm.p99)
    );
    let mut latencies = [Latency::default(); 3];
    for (class, queries) in query_sets.iter().enumerate() {
        let mut samples = Vec::with_capacity(queries.len());
        for query in queries {
            samples.push(search(query).await?);
        }
        latencies[class] = Latency::of(samples);
    }
    server.abort();
    Ok(latencies)
}

/// Writes the generated postings into the hub's tables, ids 1..=size, so
/// search hits load through the same DataLoaders as in production.
async fn fill_database(
    db: &DatabaseConnection,
    corpus: &Corpus,
    size: usize,
) -> anyhow::Result<()> {
    let association = industry_association::Entity::insert(industry_association::ActiveModel {
        name: Set("基准测试协会".into()),
        sector: Set("基准测试".into()),
        region_id: Set(None),
        description: Set(String::new()),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    let regions: std::collections::HashMap<String, i32> = region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.code, r.id))
        .collect();
    let education = |value: &str| match value {
        "ANY" => EducationRequirement::Any,
        "SENIOR_SECONDARY" => EducationRequirement::SeniorSecondary,
        "ASSOCIATE" => EducationRequirement::Associate,
        "BACHELOR" => EducationRequirement::Bachelor,
        _ => EducationRequirement::Master,
    };
    let now = chrono::Utc::now();
    let mut generator = Generator::new(corpus, 42);
    let txn = db.begin().await?;
    let mut batch = Vec::new();
    for id in 1..=size {
        let posting = generator.posting(id as i32);
        batch.push(demand_posting::ActiveModel {
            id: Set(posting.id),
            association_id: Set(association),
            enterprise_id: Set(None),
            employer_name: Set(None),
            title: Set(posting.title),
            description: Set(posting.description),
            headcount: Set(None),
            region_id: Set(regions.get(posting.region).copied()),
            work_location: Set(Some(posting.location)),
            education_level: Set(Some(education(posting.education))),
            salary_min: Set(posting.salary_min),
            salary_max: Set(posting.salary_max),
            skills: Set(json!(posting.skills)),
            status: Set(PostingStatus::Published),
            valid_from: Set(None),
            valid_until: Set(None),
            source: Set(RecordSource::Imported),
            source_key: Set(Some(format!("bench:{id}"))),
            published_at: Set(Some(now)),
            // Marked as done, so the hub under measurement does not spend
            // the run suggesting occupations for a million postings.
            suggested_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
        });
        if batch.len() == 400 || id == size {
            demand_posting::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}
