//! Application start-up: connect, migrate, load the demo when the database
//! is empty, bind the listener; then serve until stopped.

use std::{net::TcpListener, sync::Arc};

use anyhow::Context;
use poem::{listener::TcpAcceptor, Server};
use sea_orm::DatabaseConnection;

use crate::{
    config::Settings,
    db::{connect_and_migrate, StatementCounter},
    graphql::{build_schema, HubSchema},
    indexing::Indexer,
};
use search::{FaultSwitch, SearchIndex, WriterOptions};

/// A built hub, bound to its port, ready to serve.
pub struct Application {
    acceptor: TcpAcceptor,
    port: u16,
    db: DatabaseConnection,
    schema: HubSchema,
    statements: StatementCounter,
    indexer: Arc<Indexer>,
    cors: poem::middleware::Cors,
    http: Arc<crate::http::HttpState>,
    index_poll: std::time::Duration,
    suggest_occupations: bool,
}

impl Application {
    /// Connects and migrates the database, loads the demo dataset when
    /// asked and the database is empty, brings the search index up to date
    /// and binds `settings.addr` (port 0 picks a free port).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_faults(settings, None).await
    }

    /// Like [`Application::build`]; with a switch, writes to the search
    /// index's directory fail while it is on (fault-injection tests).
    pub async fn build_with_faults(
        settings: Settings,
        index_faults: Option<FaultSwitch>,
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                settings.data_dir.display()
            )
        })?;
        let (db, statements) = connect_and_migrate(&settings.database_url()).await?;
        if settings.load_demo
            && crate::demo::load_if_empty(&db)
                .await
                .context("cannot load the demo dataset")?
        {
            tracing::info!("loaded the Jilin City demo dataset into the empty database");
        }
        let index = SearchIndex::open_with_faults(
            &settings.index_dir(),
            WriterOptions::default(),
            index_faults,
        )
        .with_context(|| {
            format!(
                "cannot open the search index in {}",
                settings.index_dir().display()
            )
        })?;
        let indexer = Indexer::new(db.clone(), Arc::new(index), settings.index_poll);
        indexer
            .start()
            .await
            .context("cannot bring the search index up to date")?;
        let tally = crate::matching::tally::catch_up(&db)
            .await
            .context("cannot bring the demand tally up to date")?;
        if tally.rebuilt {
            tracing::info!(
                postings = tally.postings,
                "demand tally of the supply–demand gap built"
            );
        }
        let schema = build_schema(db.clone(), indexer.clone(), &settings);
        let cors = crate::http::cors(&settings);
        let http = Arc::new(crate::http::HttpState::new(&settings));
        let listener = TcpListener::bind(settings.addr)
            .with_context(|| format!("cannot listen on {}", settings.addr))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let acceptor = TcpAcceptor::from_std(listener)?;
        tracing::info!(
            addr = %settings.addr.ip(),
            port,
            database = %settings.redacted_database_url(),
            "hub ready: GraphQL at /graphql, IDE at /"
        );
        Ok(Self {
            acceptor,
            port,
            db,
            schema,
            statements,
            indexer,
            cors,
            http,
            index_poll: settings.index_poll,
            suggest_occupations: settings.suggest_occupations,
        })
    }

    /// The port the hub listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn database(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The search indexer of this process.
    pub fn indexer(&self) -> Arc<Indexer> {
        self.indexer.clone()
    }

    /// Counts the SQL statements executed so far.
    pub fn statements(&self) -> StatementCounter {
        self.statements.clone()
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes open requests.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let indexing = self.indexer.spawn();
        let suggesting = self.suggest_occupations.then(|| {
            crate::matching::suggest::spawn(self.db.clone(), self.indexer.clone(), self.index_poll)
        });
        let routes = crate::http::routes(
            self.schema,
            self.db,
            self.indexer.clone(),
            self.cors,
            self.http,
        );
        Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(
                routes,
                shutdown_signal(),
                Some(std::time::Duration::from_secs(10)),
            )
            .await
            .context("the HTTP server failed")?;
        // In-flight requests are done: stop the indexing loop and commit
        // whatever the change log holds, so the next start has nothing to
        // catch up on.
        indexing.abort();
        if let Some(suggesting) = suggesting {
            suggesting.abort();
        }
        let _ = indexing.await;
        if let Err(error) = self.indexer.catch_up().await {
            tracing::warn!(error = %format!("{error:#}"), "the last indexing before shutdown failed");
        }
        tracing::info!(
            sequence = self.indexer.applied_sequence(),
            "search index committed; stopped"
        );
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
