//! The command line of the `hub` binary.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::{
    config::Settings,
    import::{import_file, ImportError, ImportKind, ImportOptions, Progress},
    startup::Application,
};

/// GraphQL data hub for labour-market matching in vocational education
/// (吉林市).
#[derive(Debug, Parser)]
#[command(name = "hub", version, about)]
pub struct Cli {
    /// Directory of the embedded database and the search index.
    #[arg(long, global = true, env = "HUB_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://...` or `postgres://user:password@host/db`.
    /// Default: SQLite file `hub.db` in the data directory.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// How often (ms) the search indexer looks for writes of other hub
    /// processes sharing the database.
    #[arg(long, global = true, env = "HUB_INDEX_POLL_MS", default_value_t = 250)]
    pub index_poll_ms: u64,
    /// Log the hub's debug messages.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the hub (the default command).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "HUB_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Do not load the demo dataset into an empty database.
        #[arg(long)]
        no_demo: bool,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Rebuild the search index from the database.
    Reindex,
    /// Import a real data file (see ../shared/data/README.md for formats).
    Import {
        /// What the file holds.
        #[arg(value_enum)]
        kind: ImportKind,
        /// The CSV file.
        file: PathBuf,
        /// Import the readable rows of a file that has bad rows.
        #[arg(long)]
        skip_bad_rows: bool,
    },
    /// Regenerate the built-in reference tables (codes, names, hierarchy of
    /// the program catalogue and the occupation classification) from the
    /// source files, for maintainers; see scripts/refresh-reference-tables.
    ReferenceTables {
        /// Directory holding programs/vocational_catalog_2021.csv and
        /// occupations/occupations_2022.csv.
        #[arg(long, default_value = "../shared/data")]
        data: PathBuf,
        /// Where to write the tables.
        #[arg(long, default_value = "api/reference")]
        out: PathBuf,
    },
}

fn settings(cli: &Cli, addr: Option<SocketAddr>, load_demo: bool) -> Settings {
    let defaults = Settings::default();
    Settings {
        addr: addr.unwrap_or(defaults.addr),
        data_dir: cli.data_dir.clone(),
        database_url: cli
            .database_url
            .clone()
            .filter(|url| !url.trim().is_empty()),
        load_demo,
        index_poll: std::time::Duration::from_millis(cli.index_poll_ms),
    }
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        None => {
            // `hub` alone serves like `hub serve`, `HUB_ADDR` included.
            let addr = match std::env::var("HUB_ADDR") {
                Ok(text) => Some(text.trim().parse::<SocketAddr>().with_context(|| {
                    format!("HUB_ADDR `{text}` is not an address like 127.0.0.1:8080")
                })?),
                Err(_) => None,
            };
            serve(settings(&cli, addr, true)).await
        }
        Some(Command::Serve { addr, no_demo }) => {
            serve(settings(&cli, Some(*addr), !no_demo)).await
        }
        Some(Command::Schema) => {
            print!("{}", crate::graphql::sdl());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Reindex) => {
            let settings = settings(&cli, None, false);
            let (db, _) = crate::db::connect_and_migrate(&settings.database_url()).await?;
            let index =
                search::SearchIndex::open(&settings.index_dir(), search::WriterOptions::default())
                    .with_context(|| {
                        format!(
                            "cannot open the search index in {}",
                            settings.index_dir().display()
                        )
                    })?;
            let indexer =
                crate::indexing::Indexer::new(db, std::sync::Arc::new(index), settings.index_poll);
            let started = std::time::Instant::now();
            let documents = indexer.rebuild(&Progress::for_terminal()).await?;
            indexer.catch_up().await?;
            println!(
                "indexed {documents} documents up to change {} in {:.1} s",
                indexer.applied_sequence(),
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::ReferenceTables { data, out }) => {
            let (entries, occupations) = crate::reference_tables::generate(data, out)?;
            println!(
                "wrote {entries} catalogue entries and {occupations} occupations to {}",
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Import {
            kind,
            file,
            skip_bad_rows,
        }) => {
            let settings = settings(&cli, None, false);
            std::fs::create_dir_all(&settings.data_dir).with_context(|| {
                format!(
                    "cannot create the data directory {}",
                    settings.data_dir.display()
                )
            })?;
            let (db, _) = crate::db::connect_and_migrate(&settings.database_url()).await?;
            let options = ImportOptions {
                skip_bad_rows: *skip_bad_rows,
            };
            let started = std::time::Instant::now();
            match import_file(&db, *kind, file, options, &Progress::for_terminal()).await {
                Ok(report) => {
                    for warning in &report.warnings {
                        eprintln!("warning: {warning}");
                    }
                    for skipped in &report.skipped {
                        eprintln!("skipped: {skipped}");
                    }
                    for note in &report.notes {
                        eprintln!("{note}");
                    }
                    println!("{report} in {:.1} s", started.elapsed().as_secs_f64());
                    Ok(ExitCode::SUCCESS)
                }
                Err(error @ ImportError::BadRows { .. }) => {
                    eprintln!("error: {error}");
                    Ok(ExitCode::from(2))
                }
                Err(error) => Err(error.into()),
            }
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<ExitCode> {
    tracing::info!(?settings, "starting");
    let application = Application::build(settings).await?;
    application.run_until_stopped().await?;
    Ok(ExitCode::SUCCESS)
}
