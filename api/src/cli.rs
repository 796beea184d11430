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
    /// Production mode: no field suggestions in errors, introspection off
    /// (unless --introspection true), no cross-origin callers unless listed.
    #[arg(long, global = true, env = "HUB_PRODUCTION", value_parser = clap::builder::BoolishValueParser::new(), default_value_t = false)]
    pub production: bool,
    /// Answer introspection queries (default: yes, no in production mode).
    #[arg(long, global = true, env = "HUB_INTROSPECTION", value_parser = clap::builder::BoolishValueParser::new())]
    pub introspection: Option<bool>,
    /// Origins allowed to call the hub from a browser, comma-separated
    /// (default: any; none in production mode).
    #[arg(
        long = "cors-origin",
        global = true,
        env = "HUB_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
    /// GraphQL requests a minute per client address (0: no limit).
    #[arg(
        long,
        global = true,
        env = "HUB_RATE_LIMIT_PER_ADDRESS",
        default_value_t = 1_200
    )]
    pub rate_limit_per_address: u32,
    /// Count requests from this machine (loopback addresses) against the
    /// per-address limit too; by default they are local tools, or a
    /// reverse proxy whose clients would all share one address.
    #[arg(long, global = true, env = "HUB_RATE_LIMIT_LOOPBACK", value_parser = clap::builder::BoolishValueParser::new(), default_value_t = false, action = clap::ArgAction::Set)]
    pub rate_limit_loopback: bool,
    /// GraphQL requests a minute per API token (0: no limit).
    #[arg(
        long,
        global = true,
        env = "HUB_RATE_LIMIT_PER_TOKEN",
        default_value_t = 1_200
    )]
    pub rate_limit_per_token: u32,
    /// Longest a GraphQL request may run, in seconds.
    #[arg(
        long,
        global = true,
        env = "HUB_REQUEST_TIMEOUT_SECS",
        default_value_t = 30
    )]
    pub request_timeout_secs: u64,
    /// Compute occupation suggestions for postings and programs without
    /// owner occupations in the background (one process of several sharing
    /// a database is enough).
    #[arg(long, global = true, env = "HUB_SUGGEST_OCCUPATIONS", value_parser = clap::builder::BoolishValueParser::new(), default_value_t = true, action = clap::ArgAction::Set)]
    pub suggest_occupations: bool,
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
    /// Create, list or revoke API tokens.
    Token {
        #[command(subcommand)]
        action: TokenCommand,
    },
    /// Export tables as CSV: `hub export gap --from ... --to ...`.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
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

/// `hub token ...`.
/// What `hub export` writes.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The supply–demand gap as CSV (UTF-8 with BOM, for Excel and WPS).
    Gap {
        /// First day of the period (YYYY-MM-DD).
        #[arg(long)]
        from: chrono::NaiveDate,
        /// Last day of the period (YYYY-MM-DD).
        #[arg(long)]
        to: chrono::NaiveDate,
        /// A region code (it and the regions under it), e.g. 220200.
        #[arg(long)]
        region: Option<String>,
        /// OCCUPATION, OCCUPATION_MINOR, OCCUPATION_MEDIUM,
        /// OCCUPATION_MAJOR, CATALOGUE_CLASS or CATALOGUE_CATEGORY.
        #[arg(long, default_value = "OCCUPATION")]
        group_by: crate::matching::gap::Grouping,
        /// Where to write (standard output when left out).
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it (shown this once; only its hash is kept).
    Create {
        /// Who or what the token is for.
        #[arg(long)]
        name: String,
        /// admin, association, college or enterprise.
        #[arg(long, value_parser = parse_role)]
        role: entity::enums::TokenRole,
        /// The exact name of the association, college or enterprise.
        #[arg(long)]
        organisation: Option<String>,
        /// Days until the token stops working (default: never).
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// List the tokens (never their secrets).
    List,
    /// Revoke a token by its number (see `hub token list`).
    Revoke { id: i32 },
}

fn parse_role(text: &str) -> Result<entity::enums::TokenRole, String> {
    use entity::enums::TokenRole;
    match text.trim().to_ascii_lowercase().as_str() {
        "admin" => Ok(TokenRole::Admin),
        "association" => Ok(TokenRole::Association),
        "college" => Ok(TokenRole::College),
        "enterprise" => Ok(TokenRole::Enterprise),
        "hr-bureau" => Ok(TokenRole::HrBureau),
        other => Err(format!(
            "`{other}` is not a role: admin, association, college, enterprise or hr-bureau"
        )),
    }
}

/// The id of the organisation named `name` for a token of `role`.
async fn organisation_id(
    db: &sea_orm::DatabaseConnection,
    role: entity::enums::TokenRole,
    name: Option<&str>,
) -> anyhow::Result<Option<i32>> {
    use entity::enums::TokenRole;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let name = match (role, name) {
        (TokenRole::Admin | TokenRole::HrBureau, None) => return Ok(None),
        (TokenRole::Admin | TokenRole::HrBureau, Some(_)) => {
            anyhow::bail!("admin and hr-bureau tokens have no --organisation")
        }
        (_, None) => anyhow::bail!("a token of this role needs --organisation <exact name>"),
        (_, Some(name)) => name.trim(),
    };
    let id = match role {
        TokenRole::Association => entity::industry_association::Entity::find()
            .filter(entity::industry_association::Column::Name.eq(name))
            .one(db)
            .await?
            .map(|row| row.id),
        TokenRole::College => entity::college::Entity::find()
            .filter(entity::college::Column::Name.eq(name))
            .one(db)
            .await?
            .map(|row| row.id),
        TokenRole::Enterprise => entity::enterprise::Entity::find()
            .filter(entity::enterprise::Column::Name.eq(name))
            .one(db)
            .await?
            .map(|row| row.id),
        TokenRole::Admin | TokenRole::HrBureau => None,
    };
    id.map(Some)
        .with_context(|| format!("no organisation of this role is named「{name}」"))
}

async fn token_command(
    db: &sea_orm::DatabaseConnection,
    action: &TokenCommand,
) -> anyhow::Result<()> {
    match action {
        TokenCommand::Create {
            name,
            role,
            organisation,
            expires_in_days,
        } => {
            anyhow::ensure!(
                !name.trim().is_empty() && name.chars().count() <= 128,
                "--name must hold 1 to 128 characters"
            );
            let organisation_id = organisation_id(db, *role, organisation.as_deref()).await?;
            let secret = crate::access::new_token()?;
            let expires_at = expires_in_days
                .map(|days| chrono::Utc::now() + chrono::Duration::days(i64::from(days)));
            let row = crate::access::store_token(
                db,
                crate::access::NewToken {
                    name: name.trim().to_string(),
                    role: *role,
                    organisation_id,
                    expires_at,
                },
                &secret,
            )
            .await?;
            eprintln!("token {} created; it is shown this once:", row.id);
            println!("{secret}");
        }
        TokenCommand::List => {
            for row in crate::access::list_tokens(db).await? {
                let state = match (row.revoked_at, row.expires_at) {
                    (Some(at), _) => format!("revoked {}", at.format("%Y-%m-%d")),
                    (None, Some(at)) if at <= chrono::Utc::now() => {
                        format!("expired {}", at.format("%Y-%m-%d"))
                    }
                    (None, Some(at)) => format!("valid until {}", at.format("%Y-%m-%d")),
                    (None, None) => "valid".to_string(),
                };
                println!(
                    "{}\t{}…\t{:?}\t{}\t{}",
                    row.id, row.prefix, row.role, row.name, state
                );
            }
        }
        TokenCommand::Revoke { id } => match crate::access::revoke_token(db, *id).await? {
            Some(_) => println!("token {id} revoked"),
            None => anyhow::bail!("there is no token {id}"),
        },
    }
    Ok(())
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
        production: cli.production,
        introspection: cli.introspection,
        cors_origins: cli
            .cors_origins
            .iter()
            .map(|origin| origin.trim().to_string())
            .filter(|origin| !origin.is_empty())
            .collect(),
        rate_limit_per_address: cli.rate_limit_per_address,
        rate_limit_loopback: cli.rate_limit_loopback,
        rate_limit_per_token: cli.rate_limit_per_token,
        request_timeout: std::time::Duration::from_secs(cli.request_timeout_secs.max(1)),
        suggest_occupations: cli.suggest_occupations,
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
        Some(Command::Token { action }) => {
            let db = open_database(&cli).await?;
            token_command(&db, action).await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Export {
            what:
                ExportCommand::Gap {
                    from,
                    to,
                    region,
                    group_by,
                    output,
                },
        }) => {
            let db = open_database(&cli).await?;
            let rows =
                match crate::matching::gap::compute(&db, *from, *to, region.as_deref(), *group_by)
                    .await
                {
                    Ok(rows) => rows,
                    Err(crate::matching::gap::GapError::Invalid(message)) => {
                        eprintln!("error: {message}");
                        return Ok(ExitCode::from(2));
                    }
                    Err(crate::matching::gap::GapError::Database(error)) => {
                        return Err(error.into())
                    }
                };
            let csv = crate::matching::gap::to_csv(&rows)?;
            match output {
                Some(path) => {
                    std::fs::write(path, &csv)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!("{} groups written to {}", rows.len(), path.display());
                }
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&csv)?;
                }
            }
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
            let db = open_database(&cli).await?;
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

/// The database of the command line's settings, its data directory
/// created and its migrations applied (for commands other than serve).
async fn open_database(cli: &Cli) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let settings = settings(cli, None, false);
    std::fs::create_dir_all(&settings.data_dir).with_context(|| {
        format!(
            "cannot create the data directory {}",
            settings.data_dir.display()
        )
    })?;
    let (db, _) = crate::db::connect_and_migrate(&settings.database_url()).await?;
    Ok(db)
}

async fn serve(settings: Settings) -> anyhow::Result<ExitCode> {
    tracing::info!(?settings, "starting");
    let application = Application::build(settings).await?;
    application.run_until_stopped().await?;
    Ok(ExitCode::SUCCESS)
}
