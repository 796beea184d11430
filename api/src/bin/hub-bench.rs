//! `hub-bench`: prints figures on search quality and performance.
//!
//! `hub-bench relevance` — MRR@10 and recall@10 of occupation search on
//! labelled real job titles.

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
    /// Search quality on labelled real queries.
    Relevance {
        #[arg(long, default_value = "search/eval/occupation_queries.tsv")]
        queries: PathBuf,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    hub::telemetry::init(false);
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Relevance { queries } => relevance(&cli.data, &queries).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn relevance(data: &std::path::Path, queries: &std::path::Path) -> anyhow::Result<()> {
    use hub::bench::relevance::{evaluate, print_report, read_judgements};
    let judgements = read_judgements(queries)?;
    let evaluation = evaluate(&data.join("occupations/occupations_2022.csv"), &judgements).await?;
    print_report(&evaluation);
    Ok(())
}
