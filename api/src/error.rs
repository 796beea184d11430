//! The one error type at the API edge. Each variant becomes a GraphQL error
//! whose `extensions.code` tells clients what happened; database and
//! internal details are logged, never shown.

use async_graphql::ErrorExtensions;

/// Deliberately not `Display`: async-graphql converts any `Display` type
/// into an error without a code, so `?` on an `ApiError` must go through
/// the `From` below, which sets `extensions.code`.
#[derive(Debug)]
pub enum ApiError {
    /// `NOT_FOUND`: the object the request names does not exist.
    NotFound(String),
    /// `BAD_USER_INPUT`: an argument is malformed or out of range.
    BadUserInput(String),
    /// `UNAUTHENTICATED`: this needs a (valid) API token.
    Unauthenticated(String),
    /// `FORBIDDEN`: the caller may not do this.
    Forbidden(String),
    /// `INTERNAL`: anything else; the details go to the log only.
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::BadUserInput(_) => "BAD_USER_INPUT",
            ApiError::Unauthenticated(_) => "UNAUTHENTICATED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::Internal(_) => "INTERNAL",
        }
    }

    /// The message shown to clients.
    pub fn message(&self) -> String {
        match self {
            ApiError::NotFound(message)
            | ApiError::BadUserInput(message)
            | ApiError::Unauthenticated(message)
            | ApiError::Forbidden(message) => message.clone(),
            ApiError::Internal(_) => "internal error".to_string(),
        }
    }

    pub fn bad_input(message: impl Into<String>) -> Self {
        ApiError::BadUserInput(message.into())
    }
}

impl From<crate::access::Refusal> for ApiError {
    fn from(refusal: crate::access::Refusal) -> Self {
        match refusal {
            crate::access::Refusal::Unauthenticated(message) => ApiError::Unauthenticated(message),
            crate::access::Refusal::Forbidden(message) => ApiError::Forbidden(message),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        ApiError::Internal(error.into())
    }
}

impl From<std::sync::Arc<sea_orm::DbErr>> for ApiError {
    fn from(error: std::sync::Arc<sea_orm::DbErr>) -> Self {
        ApiError::Internal(anyhow::anyhow!("{error}"))
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        if let ApiError::Internal(source) = &error {
            tracing::error!(error = %format!("{source:#}"), "internal error while serving a request");
        }
        let code = error.code();
        async_graphql::Error::new(error.message()).extend_with(|_, extensions| {
            extensions.set("code", code);
        })
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
