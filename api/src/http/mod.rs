//! HTTP routes: the GraphQL endpoint (GraphQL over HTTP: POST JSON, GET for
//! queries only) and its WebSocket for subscriptions, the GraphiQL IDE
//! (embedded, works offline), the gap page and its CSV export, the SDL,
//! metrics and health.

mod export;
mod graphql;
mod guard;
mod ide;
mod metrics;
pub mod subscriptions;

pub use guard::RateLimiter;
pub use metrics::Metrics;

use poem::{
    get, handler,
    http::StatusCode,
    middleware::{Compression, Cors},
    web::{Data, Json},
    Endpoint, EndpointExt, IntoResponse, Response, Route,
};
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{graphql::HubSchema, indexing::Indexer};

/// Most operations one JSON batch may hold.
pub const MAX_BATCH: usize = 10;

/// Largest request body the hub accepts (1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The hub's routes.
/// What the HTTP layer keeps across requests: counters, rate limits and
/// the request timeout.
pub struct HttpState {
    pub metrics: Metrics,
    pub per_address: Option<RateLimiter>,
    /// Whether loopback addresses count against `per_address`.
    pub limit_loopback: bool,
    pub per_token: Option<RateLimiter>,
    pub timeout: std::time::Duration,
}

impl HttpState {
    pub fn new(settings: &crate::config::Settings) -> Self {
        Self {
            metrics: Metrics::default(),
            per_address: RateLimiter::per_minute(settings.rate_limit_per_address),
            limit_loopback: settings.rate_limit_loopback,
            per_token: RateLimiter::per_minute(settings.rate_limit_per_token),
            timeout: settings.request_timeout,
        }
    }
}

/// The request's id: the caller's `x-request-id` when it is a short plain
/// token, a new random one otherwise.
fn request_id(request: &poem::Request) -> String {
    let incoming = request
        .header("x-request-id")
        .filter(|id| {
            !id.is_empty()
                && id.len() <= 64
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(str::to_string);
    incoming.unwrap_or_else(|| {
        let mut bytes = [0u8; 8];
        let _ = getrandom::fill(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    })
}

pub fn routes(
    schema: HubSchema,
    db: DatabaseConnection,
    indexer: Arc<Indexer>,
    cors: Cors,
    http: Arc<HttpState>,
) -> impl poem::Endpoint {
    Route::new()
        .at("/", get(ide::page))
        .at("/metrics", get(metrics_page))
        .at("/ide/:name", get(ide::asset))
        .at("/graphql", get(graphql::endpoint).post(graphql::endpoint))
        .at("/graphql/ws", get(subscriptions::endpoint))
        .at("/export/gap.csv", get(export::gap_csv))
        .at("/export/rewards.csv", get(export::rewards_csv))
        .at("/export/indicators.csv", get(export::indicators_csv))
        .at("/gap", get(export::gap_page))
        .at("/schema.graphql", get(sdl))
        .at("/health", get(health))
        .with(cors)
        .with(Compression::new())
        .data(schema)
        .data(db)
        .data(indexer)
        .data(http)
        .around(|endpoint, request| async move {
            // One log line per request, and the id in the response, so a
            // caller's report can be found in the logs.
            use tracing::Instrument;
            let id = request_id(&request);
            let method = request.method().clone();
            let path = request.uri().path().to_string();
            let started = std::time::Instant::now();
            let span = tracing::info_span!("request", request_id = %id);
            let mut response = endpoint
                .get_response(request)
                .instrument(span.clone())
                .await;
            span.in_scope(|| {
                tracing::info!(
                    %method,
                    path,
                    status = response.status().as_u16(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "request"
                )
            });
            if let Ok(value) = poem::http::HeaderValue::from_str(&id) {
                response.headers_mut().insert("x-request-id", value);
            }
            Ok(response)
        })
}

/// `GET /metrics`: Prometheus text format.
#[handler]
async fn metrics_page(
    http: Data<&Arc<HttpState>>,
    db: Data<&DatabaseConnection>,
    indexer: Data<&Arc<Indexer>>,
) -> Response {
    let applied = indexer.applied_sequence();
    let latest = indexer.latest_sequence().await.unwrap_or(applied);
    let (size, idle) = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    };
    let gauges = [
        (
            "hub_index_applied_sequence",
            "Last change-log sequence the search index holds.",
            applied as f64,
        ),
        (
            "hub_index_lag",
            "Change-log entries not yet searchable.",
            (latest - applied).max(0) as f64,
        ),
        (
            "hub_index_consecutive_failures",
            "Failed indexing attempts in a row.",
            f64::from(indexer.health().consecutive_failures),
        ),
        (
            "hub_db_pool_connections",
            "Open database connections.",
            f64::from(size),
        ),
        (
            "hub_db_pool_idle_connections",
            "Idle database connections.",
            idle as f64,
        ),
    ];
    Response::builder()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(http.metrics.render(&gauges))
}

/// Which browser origins may call the hub: the listed ones; none listed,
/// any origin outside production mode and none in it. (Writes need a
/// bearer token, which browsers never send by themselves.)
pub fn cors(settings: &crate::config::Settings) -> Cors {
    let cors = Cors::new()
        .allow_methods([poem::http::Method::GET, poem::http::Method::POST])
        .allow_headers(["content-type", "authorization", "accept"])
        .max_age(600);
    if !settings.cors_origins.is_empty() {
        settings
            .cors_origins
            .iter()
            .fold(cors, |cors, origin| cors.allow_origin(origin.as_str()))
    } else if settings.production {
        // No origin is allowed: poem answers cross-origin requests with 403.
        cors.allow_origins_fn(|_| false)
    } else {
        cors
    }
}

/// `200 {"status": "ok", ...}` when the database answers and the search
/// index keeps up; `503` with what is wrong when the database is
/// unreachable or the index has failed several times in a row (its
/// `lastError` says why; search answers from the last good state meanwhile).
#[handler]
async fn health(db: Data<&DatabaseConnection>, indexer: Data<&Arc<Indexer>>) -> Response {
    let database = match db.ping().await {
        Ok(()) => "ok",
        Err(error) => {
            tracing::warn!(%error, "health check: database unreachable");
            "unreachable"
        }
    };
    let index = indexer.health();
    let healthy = database == "ok" && !index.is_failing();
    let body = Json(serde_json::json!({
        "status": if healthy { "ok" } else { "unavailable" },
        "database": database,
        "index": index,
    }));
    if healthy {
        body.into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, body).into_response()
    }
}

#[handler]
async fn sdl(schema: Data<&HubSchema>) -> Response {
    Response::builder()
        .content_type("text/plain; charset=utf-8")
        .body(schema.sdl())
}
