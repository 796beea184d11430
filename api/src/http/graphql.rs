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

use crate::graphql::HubSchema;

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

#[handler]
pub async fn endpoint(request: &Request, body: Body, schema: Data<&HubSchema>) -> Response {
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
    let mut body = RequestBody::new(Body::from(bytes));
    let accepts_graphql_response = request
        .header(header::ACCEPT)
        .is_some_and(|accept| accept.contains(GRAPHQL_RESPONSE));
    let content_type = if accepts_graphql_response {
        GRAPHQL_RESPONSE
    } else {
        "application/json"
    };
    let batch = match GraphQLBatchRequest::from_request(request, &mut body).await {
        Ok(batch) => batch.0,
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
    let response = schema.execute_batch(batch).await;
    // With the GraphQL-over-HTTP media type, a request that could not be
    // executed at all (parse or validation errors, no data) is a 400.
    let status = match &response {
        async_graphql::BatchResponse::Single(single)
            if accepts_graphql_response
                && single.data == async_graphql::Value::Null
                && !single.errors.is_empty() =>
        {
            StatusCode::BAD_REQUEST
        }
        _ => StatusCode::OK,
    };
    match serde_json::to_string(&response) {
        Ok(body) => json_response(status, content_type, body),
        Err(error) => {
            tracing::error!(%error, "cannot serialise a GraphQL response");
            error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                content_type,
                "internal error",
                "INTERNAL",
            )
        }
    }
}
