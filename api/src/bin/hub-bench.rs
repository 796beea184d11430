//! `hub-bench`: prints figures on search quality and performance.
//!
//! `hub-bench relevance` — MRR@10 and recall@1/@10 of occupation search on
//! labelled real job titles.
//! `hub-bench search` — indexing and search performance at 100k and 1M
//! generated postings, against SQLite FTS5 (trigram) in the same run.
//! `hub-bench writes` — postings stored per second by concurrent writers
//! over HTTP, against one writer in the same run, on SQLite and PostgreSQL.
//! `hub-bench suggestions` — occupation suggestions for the imported
//! postings: postings/s and top-1 accuracy on judged titles.
//! `hub-bench matching` — matches and the supply–demand gap on generated
//! city-scale data (100k programs and offers, up to 1M postings).
//! `hub-bench load` — a bounded load run from this process against a
//! separate hub process: mixed reads, searches, writes and refusals.

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "hub-bench",
    about = "Search quality and performance figures of the hub"
)]
struct Cli {
    /// The shared reference data folder.
    #[arg(
        long,
        global = true,
        env = "HUB_SHARED_DATA",
        default_value = "../shared/data"
    )]
    data: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Search quality on labelled real queries of four kinds, against
    /// two plain BM25 baselines.
    Relevance {
        /// The folder of the repository's judgements.
        #[arg(long, default_value = "search/eval")]
        eval: PathBuf,
        /// Also list the hub's misses on the tune splits.
        #[arg(long)]
        misses: bool,
        /// Also write the second stage's features of every title query's
        /// candidates to this TSV file, for `scripts/fit_rerank.py`.
        #[arg(long)]
        features: Option<PathBuf>,
    },
    /// Indexing and search performance against SQLite FTS5 (trigram).
    Search {
        /// Corpus sizes (postings).
        #[arg(long, value_delimiter = ',', default_value = "100000,1000000")]
        sizes: Vec<usize>,
        /// Queries per class (1, 2 and 3 words).
        #[arg(long, default_value_t = 200)]
        queries: usize,
        /// Queries per class for FTS5 (its short words scan the table).
        #[arg(long, default_value_t = 50)]
        fts_queries: usize,
        /// Where to build the indexes and databases.
        #[arg(long, default_value = "target/hub-bench")]
        work_dir: PathBuf,
        #[arg(long, default_value_t = 2)]
        writer_threads: usize,
        #[arg(long, default_value_t = 600)]
        writer_memory_mb: usize,
        /// Leave out the FTS5 baseline.
        #[arg(long)]
        skip_fts: bool,
        /// Leave out GraphQL over HTTP.
        #[arg(long)]
        skip_http: bool,
    },
    /// Concurrent writers against one writer, on SQLite and PostgreSQL.
    Writes {
        #[arg(long, default_value_t = 8)]
        writers: usize,
        #[arg(long, default_value_t = 40)]
        per_writer: usize,
        /// An empty PostgreSQL database to measure on as well.
        #[arg(long, env = "HUB_BENCH_POSTGRES_URL")]
        postgres_url: Option<String>,
    },
    /// Occupation suggestions for the real imported postings: time and
    /// top-1 accuracy on postings with a judged title.
    Suggestions {
        /// The folder of the repository's judgements.
        #[arg(long, default_value = "search/eval")]
        eval: PathBuf,
    },
    /// Matches and the supply–demand gap on generated city-scale data.
    Matching {
        /// Posting counts at which the gap is measured (the last is the
        /// full set the matches run on).
        #[arg(long, value_delimiter = ',', default_value = "250000,500000,1000000")]
        stages: Vec<usize>,
        #[arg(long, default_value_t = 50_000)]
        programs: usize,
        #[arg(long, default_value_t = 50_000)]
        offers: usize,
        /// Subjects whose matches are timed, per direction.
        #[arg(long, default_value_t = 100)]
        subjects: usize,
        /// Where to build the database and index.
        #[arg(long, default_value = "target/hub-bench")]
        work_dir: PathBuf,
        /// Keep the generated data and index (in the work dir) and reuse
        /// them next time: a kept run with data only times matches.
        #[arg(long)]
        keep: bool,
    },
    /// Experts of the pool matched to teaching needs as the pool grows,
    /// against an SQL lookup baseline.
    Experts {
        /// Pool sizes (experts).
        #[arg(long, value_delimiter = ',', default_value = "1000,5000,20000")]
        stages: Vec<usize>,
        /// Subjects timed per direction and stage.
        #[arg(long, default_value_t = 50)]
        subjects: usize,
        /// Where to build the database.
        #[arg(long, default_value = "target/hub-bench")]
        work_dir: PathBuf,
    },
    /// Mixed load with the demo tokens against a separate hub process.
    Load {
        #[arg(long, default_value_t = 8)]
        clients: usize,
        #[arg(long, default_value_t = 250)]
        requests: usize,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    hub::telemetry::init(false);
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Relevance {
            eval,
            misses,
            features,
        } => relevance(&cli.data, &eval, misses, features.as_deref()).await,
        Command::Search {
            sizes,
            queries,
            fts_queries,
            work_dir,
            writer_threads,
            writer_memory_mb,
            skip_fts,
            skip_http,
        } => {
            let options = hub::bench::performance::Options {
                data: cli.data.clone(),
                work_dir,
                sizes,
                queries_per_class: queries,
                fts_queries_per_class: fts_queries,
                writer_threads,
                writer_memory_mb,
                skip_fts,
                skip_http,
            };
            hub::bench::performance::run(&options).await
        }
        Command::Writes {
            writers,
            per_writer,
            postgres_url,
        } => {
            let options = hub::bench::writes::Options {
                writers,
                per_writer,
                postgres_url,
            };
            hub::bench::writes::run(&options).await
        }
        Command::Suggestions { eval } => {
            hub::bench::suggestions::run(&hub::bench::suggestions::Options {
                data: cli.data.clone(),
                eval,
            })
            .await
        }
        Command::Matching {
            stages,
            programs,
            offers,
            subjects,
            work_dir,
            keep,
        } => {
            hub::bench::matching::run(&hub::bench::matching::Options {
                work_dir,
                stages,
                programs,
                offers,
                subjects,
                keep,
            })
            .await
        }
        Command::Experts {
            stages,
            subjects,
            work_dir,
        } => {
            hub::bench::experts::run(&hub::bench::experts::Options {
                work_dir,
                stages,
                subjects,
            })
            .await
        }
        Command::Load { clients, requests } => {
            hub::bench::load::run(&hub::bench::load::Options { clients, requests }).await
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn relevance(
    data: &std::path::Path,
    eval: &std::path::Path,
    misses: bool,
    features: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use hub::bench::relevance::{evaluate, print_report, read_all};
    let judgements = read_all(eval, data)?;
    let evaluation = evaluate(
        &data.join("occupations/occupations_2022.csv"),
        &judgements,
        features,
    )
    .await?;
    print_report(&evaluation, misses);
    Ok(())
}
