//! `POST /graphql` and `GET /graphql`.

use async_graphql::{
    parser::{
        parse_query,
        types::{DocumentOperations, OperationType},
    },
    BatchRequest, ServerError,
};
use async_graphql_poem::GraphQLBatchRequest;
use poem::{
    handler,
    http::{header, Method, StatusCode},
    web::Data,
    Body, FromRequest, Request, RequestBody, Response,
};

use crate::{access::Actor, graphql::HubSchema};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// Whether the request's operation (as selected by `operationName`) is a
/// mutation. Unparsable documents are left for execution to report.
fn is_mutation(request: &async_graphql::Request) -> bool {
    let Ok(document) = parse_query(&request.query) else {
        return false;
    };
    match &document.operations {
        DocumentOperations::Single(operation) => operation.node.ty == OperationType::Mutation,
        DocumentOperations::Multiple(operations) => match &request.operation_name {
            Some(name) => operations
                .get(name.as_str())
                .is_some_and(|op| op.node.ty == OperationType::Mutation),
            None => operations
                .values()
                .any(|op| op.node.ty == OperationType::Mutation),
        },
    }
}

fn json_response(status: StatusCode, content_type: &str, body: String) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .body(body)
}

fn error_response(status: StatusCode, content_type: &str, message: &str, code: &str) -> Response {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    let body = serde_json::json!({ "errors": [error] });
    json_response(status, content_type, body.to_string())
}

/// The actor of the request's `Authorization: Bearer <token>`
/// (anonymous without the header), or the response refusing it.
pub(crate) async fn actor(
    request: &Request,
    db: &sea_orm::DatabaseConnection,
    content_type: &str,
) -> Result<Actor, Response> {
    let Some(value) = request.header(header::AUTHORIZATION) else {
        return Ok(Actor::Anonymous);
    };
    let refuse = |message: &str| {
        let mut response = error_response(
            StatusCode::UNAUTHORIZED,
            content_type,
            message,
            "UNAUTHENTICATED",
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
        response
    };
    let Some(token) = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
    else {
        return Err(refuse("the Authorization header must be `Bearer <token>`"));
    };
    match crate::access::authenticate(db, token).await {
        Ok(Ok(actor)) => Ok(actor),
        Ok(Err(refusal)) => Err(refuse(refusal.message())),
        Err(error) => {
            tracing::error!(%error, "cannot check an API token");
            Err(error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                content_type,
                "internal error",
                "INTERNAL",
            ))
        }
    }
}

/// What the metrics learn of a request.
#[derive(Default)]
struct Outcome {
    operation: Option<String>,
    codes: Vec<String>,
}

/// `429` with `Retry-After`.
fn rate_limited(content_type: &str, wait: std::time::Duration, what: &str) -> Response {
    let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
    let mut response = error_response(
        StatusCode::TOO_MANY_REQUESTS,
        content_type,
        &format!("too many requests from this {what}; retry in {seconds} s"),
        "RATE_LIMITED",
    );
    if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

#[handler]
pub async fn endpoint(
    request: &Request,
    body: Body,
    schema: Data<&HubSchema>,
    db: Data<&sea_orm::DatabaseConnection>,
    http: Data<&std::sync::Arc<super::HttpState>>,
) -> Response {
    let started = std::time::Instant::now();
    let mut outcome = Outcome::default();
    let response = respond(request, body, &schema, &db, &http, &mut outcome).await;
    http.metrics.record(
        outcome.operation.as_deref(),
        response.status().as_u16(),
        started.elapsed(),
        &outcome.codes,
    );
    response
}

async fn respond(
    request: &Request,
    body: Body,
    schema: &HubSchema,
    db: &sea_orm::DatabaseConnection,
    http: &super::HttpState,
    outcome: &mut Outcome,
) -> Response {
    let early_type = if request
        .header(header::ACCEPT)
        .is_some_and(|accept| accept.contains(GRAPHQL_RESPONSE))
    {
        GRAPHQL_RESPONSE
    } else {
        "application/json"
    };
    let address = request.remote_addr().as_socket_addr().map(|addr| addr.ip());
    let counted = http.limit_loopback || !address.is_some_and(|ip| ip.to_canonical().is_loopback());
    if let (Some(limiter), true) = (&http.per_address, counted) {
        let address = address.map(|ip| ip.to_string()).unwrap_or_default();
        if let Err(wait) = limiter.check(&address) {
            http.metrics.rate_limited("address");
            outcome.codes.push("RATE_LIMITED".into());
            return rate_limited(early_type, wait, "address");
        }
    }
    let bytes = match body.into_bytes_limit(super::MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) => {
            let accepts = request
                .header(header::ACCEPT)
                .is_some_and(|a| a.contains(GRAPHQL_RESPONSE));
            let content_type = if accepts {
                GRAPHQL_RESPONSE
            } else {
                "application/json"
            };
            let message = format!(
                "cannot read the request body (at most {} bytes): {error}",
                super::MAX_BODY_BYTES
            );
            return error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                content_type,
                &message,
                "PAYLOAD_TOO_LARGE",
            );
        }
    };
    // `[]` reads as one request with an empty document (a struct may be
    // read from a JSON array); it is an empty batch.
    let empty_batch = serde_json::from_slice::<Vec<serde::de::IgnoredAny>>(&bytes)
        .is_ok_and(|operations| operations.is_empty());
    let mut body = RequestBody::new(Body::from(bytes));
    let accepts_graphql_response = request
        .header(header::ACCEPT)
        .is_some_and(|accept| accept.contains(GRAPHQL_RESPONSE));
    let content_type = if accepts_graphql_response {
        GRAPHQL_RESPONSE
    } else {
        "application/json"
    };
    let actor = match actor(request, db, content_type).await {
        Ok(actor) => actor,
        Err(response) => {
            outcome.codes.push("UNAUTHENTICATED".into());
            return response;
        }
    };
    if let (Some(limiter), Actor::Token(holder)) = (&http.per_token, &actor) {
        if let Err(wait) = limiter.check(&holder.token_id.to_string()) {
            http.metrics.rate_limited("token");
            outcome.codes.push("RATE_LIMITED".into());
            return rate_limited(content_type, wait, "token");
        }
    }
    let batch = match GraphQLBatchRequest::from_request(request, &mut body).await {
        Ok(_) if empty_batch => BatchRequest::Batch(Vec::new()),
        Ok(batch) => batch.0.data(actor),
        Err(error) => {
            let message = format!("cannot read the GraphQL request: {error}");
            return error_response(
                StatusCode::BAD_REQUEST,
                content_type,
                &message,
                "BAD_REQUEST",
            );
        }
    };
    if let BatchRequest::Batch(requests) = &batch {
        if requests.is_empty() || requests.len() > super::MAX_BATCH {
            return error_response(
                StatusCode::BAD_REQUEST,
                content_type,
                &format!(
                    "a batch holds 1 to {} operations, this one {}",
                    super::MAX_BATCH,
                    requests.len()
                ),
                "BATCH_TOO_LARGE",
            );
        }
    }
    if request.method() == Method::GET {
        let has_mutation = match &batch {
            BatchRequest::Single(single) => is_mutation(single),
            BatchRequest::Batch(many) => many.iter().any(is_mutation),
        };
        if has_mutation {
            let mut response = error_response(
                StatusCode::METHOD_NOT_ALLOWED,
                content_type,
                "mutations must be sent with POST",
                "METHOD_NOT_ALLOWED",
            );
            response
                .headers_mut()
                .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
            return response;
        }
    }
    outcome.operation = match &batch {
        BatchRequest::Single(single) => single.operation_name.clone(),
        BatchRequest::Batch(_) => Some("batch".to_string()),
    };
    let Ok(response) = tokio::time::timeout(http.timeout, schema.execute_batch(batch)).await else {
        // The request's future is dropped: its transaction, if any, rolls
        // back; nothing half-done is kept.
        outcome.codes.push("TIMEOUT".into());
        return error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            content_type,
            &format!(
                "the request took longer than {} s and was stopped",
                http.timeout.as_secs()
            ),
            "TIMEOUT",
        );
    };
    let errors: Vec<&async_graphql::ServerError> = match &response {
        async_graphql::BatchResponse::Single(single) => single.errors.iter().collect(),
        async_graphql::BatchResponse::Batch(many) => {
            many.iter().flat_map(|one| one.errors.iter()).collect()
        }
    };
    outcome.codes.extend(errors.into_iter().map(|error| {
        crate::graphql::protocol::error_code(error)
            .unwrap_or("INTERNAL")
            .to_string()
    }));
    let refused = match &response {
        async_graphql::BatchResponse::Single(single) => refused_before_execution(single),
        async_graphql::BatchResponse::Batch(_) => false,
    };
    // GraphQL over HTTP: with its own media type, a request refused before
    // execution (parse or validation) is a 400; once execution started the
    // status is 200, even when `data` is null. `application/json` clients
    // get 200 for every well-formed request.
    let status = if accepts_graphql_response && refused {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let body = match &response {
        async_graphql::BatchResponse::Single(single) => response_json(single),
        async_graphql::BatchResponse::Batch(many) => {
            let items: Vec<String> = many.iter().map(response_json).collect();
            format!("[{}]", items.join(","))
        }
    };
    json_response(status, content_type, body)
}

/// Whether the request was refused before execution began: then the
/// response has no `data` entry at all.
fn refused_before_execution(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| {
            crate::graphql::protocol::error_code(error)
                .is_some_and(crate::graphql::protocol::is_pre_execution_code)
        })
}

/// One response as JSON text (written directly: a `serde_json::Value`
/// would sort the keys and lose the selection order); `data` left out when
/// execution never started.
fn response_json(response: &async_graphql::Response) -> String {
    let mut parts = Vec::with_capacity(3);
    if !refused_before_execution(response) {
        parts.push(format!("\"data\":{}", to_json(&response.data)));
    }
    if !response.errors.is_empty() {
        parts.push(format!("\"errors\":{}", to_json(&response.errors)));
    }
    if !response.extensions.is_empty() {
        parts.push(format!("\"extensions\":{}", to_json(&response.extensions)));
    }
    format!("{{{}}}", parts.join(","))
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|error| {
        tracing::error!(%error, "cannot serialise a GraphQL response");
        "null".to_string()
    })
}
