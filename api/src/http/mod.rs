//! HTTP routes: the GraphQL endpoint (GraphQL over HTTP: POST JSON, GET for
//! queries only), the offline GraphQL IDE, the SDL and health.

mod graphql;
mod ide;

use poem::{
    get, handler,
    http::StatusCode,
    middleware::{Compression, Cors},
    web::{Data, Json},
    EndpointExt, IntoResponse, Response, Route,
};
use sea_orm::DatabaseConnection;

use crate::graphql::HubSchema;

/// Largest request body the hub accepts (1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The hub's routes.
pub fn routes(schema: HubSchema, db: DatabaseConnection) -> impl poem::Endpoint {
    Route::new()
        .at("/", get(ide::page))
        .at("/graphql", get(graphql::endpoint).post(graphql::endpoint))
        .at("/schema.graphql", get(sdl))
        .at("/health", get(health))
        .with(Cors::new())
        .with(Compression::new())
        .data(schema)
        .data(db)
}

#[handler]
async fn health(db: Data<&DatabaseConnection>) -> Response {
    match db.ping().await {
        Ok(()) => Json(serde_json::json!({ "status": "ok" })).into_response(),
        Err(error) => {
            tracing::warn!(%error, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "database unreachable" })),
            )
                .into_response()
        }
    }
}

#[handler]
async fn sdl(schema: Data<&HubSchema>) -> Response {
    Response::builder()
        .content_type("text/plain; charset=utf-8")
        .body(schema.sdl())
}
