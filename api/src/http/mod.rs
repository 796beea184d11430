//! HTTP routes: the GraphQL endpoint (GraphQL over HTTP: POST JSON, GET for
//! queries only), the GraphiQL IDE (embedded, works offline), the SDL and
//! health.

mod graphql;
mod ide;

use poem::{
    get, handler,
    http::StatusCode,
    middleware::{Compression, Cors},
    web::{Data, Json},
    EndpointExt, IntoResponse, Response, Route,
};
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{graphql::HubSchema, indexing::Indexer};

/// Most operations one JSON batch may hold.
pub const MAX_BATCH: usize = 10;

/// Largest request body the hub accepts (1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The hub's routes.
pub fn routes(
    schema: HubSchema,
    db: DatabaseConnection,
    indexer: Arc<Indexer>,
    cors: Cors,
) -> impl poem::Endpoint {
    Route::new()
        .at("/", get(ide::page))
        .at("/ide/:name", get(ide::asset))
        .at("/graphql", get(graphql::endpoint).post(graphql::endpoint))
        .at("/schema.graphql", get(sdl))
        .at("/health", get(health))
        .with(cors)
        .with(Compression::new())
        .data(schema)
        .data(db)
        .data(indexer)
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
