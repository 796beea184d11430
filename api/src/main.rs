//! The `hub` binary: parses the command line, sets up logging and hands
//! over to the library.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = hub::cli::Cli::parse();
    hub::telemetry::init(cli.verbose);
    match hub::cli::run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
