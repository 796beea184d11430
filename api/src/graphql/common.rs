//! Pieces every domain of the schema shares: user errors of mutation
//! payloads, decoding of IDs in inputs, and filter helpers.

use async_graphql::{MaybeUndefined, SimpleObject, ID};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query, SimpleExpr},
    ColumnTrait, DbErr, SqlErr,
};

use crate::{
    error::{ApiError, ApiResult},
    ids::{self, NodeKind},
    services::{FieldError, ServiceError, ServiceResult, UserErrorCode},
};

/// A problem with the input of a mutation. Nothing was written.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// Path to the input field at fault, e.g. `["input", "salaryMin"]`.
    pub field: Option<Vec<String>>,
    /// What kind of problem it is, for programs.
    pub code: UserErrorCode,
    /// What is wrong, for people (Chinese first, English in brackets).
    pub message: String,
}

impl From<FieldError> for UserError {
    fn from(error: FieldError) -> Self {
        UserError {
            field: Some(error.field),
            code: error.code,
            message: error.message,
        }
    }
}

fn field_path(field: &str) -> Option<Vec<String>> {
    Some(vec!["input".to_string(), field.to_string()])
}

/// Turns the result of a service call into `(object, userErrors)`:
/// validation errors and constraint violations become user errors, other
/// database errors an `INTERNAL` error.
pub fn outcome<M, T>(
    result: ServiceResult<M>,
    wrap: impl FnOnce(M) -> T,
) -> ApiResult<(Option<T>, Vec<UserError>)> {
    match result {
        Ok(model) => Ok((Some(wrap(model)), Vec::new())),
        Err(ServiceError::Invalid(errors)) => {
            Ok((None, errors.into_iter().map(UserError::from).collect()))
        }
        Err(ServiceError::Refused(refusal)) => Err(ApiError::from(refusal)),
        Err(ServiceError::Database(error)) => match constraint_violation(&error) {
            Some(user_error) => Ok((None, vec![user_error])),
            None => Err(ApiError::from(error)),
        },
    }
}

/// Like [`outcome`], and after a successful write wakes the search indexer
/// and, when `wait` is set, waits until the write is searchable; the third
/// value says whether it is (`None` when not asked).
pub async fn written<M, T>(
    ctx: &async_graphql::Context<'_>,
    result: ServiceResult<M>,
    wrap: impl FnOnce(M) -> T,
    wait: bool,
) -> ApiResult<(Option<T>, Vec<UserError>, Option<bool>)> {
    let (object, user_errors) = outcome(result, wrap)?;
    let searchable = match object {
        Some(_) => super::search::after_write(ctx, wait).await?,
        None => None,
    };
    Ok((object, user_errors, searchable))
}

/// A write that lost a race against another (same unique value, a row
/// deleted meanwhile) is the user's problem to retry, not a server error.
fn constraint_violation(error: &DbErr) -> Option<UserError> {
    match error.sql_err()? {
        SqlErr::UniqueConstraintViolation(_) => Some(UserError {
            field: None,
            code: UserErrorCode::Taken,
            message: "已存在相同的记录 (a record with the same unique value exists)".to_string(),
        }),
        SqlErr::ForeignKeyConstraintViolation(_) => Some(UserError {
            field: None,
            code: UserErrorCode::NotFound,
            message: "引用的记录不存在 (a referenced record does not exist)".to_string(),
        }),
        _ => None,
    }
}

/// Decodes the global IDs of a mutation input, collecting user errors.
#[derive(Default)]
pub struct InputIds {
    pub errors: Vec<UserError>,
}

impl InputIds {
    pub fn required(&mut self, field: &str, kind: NodeKind, id: &ID) -> i32 {
        match ids::decode(kind, id) {
            Ok(row) => row,
            Err(error) => {
                self.errors.push(UserError {
                    field: field_path(field),
                    code: UserErrorCode::Invalid,
                    message: error.message(),
                });
                0
            }
        }
    }

    pub fn optional(&mut self, field: &str, kind: NodeKind, id: Option<&ID>) -> Option<i32> {
        id.map(|id| self.required(field, kind, id))
    }

    pub fn many(&mut self, field: &str, kind: NodeKind, list: &[ID]) -> Vec<i32> {
        list.iter()
            .map(|id| self.required(field, kind, id))
            .collect()
    }

    /// A nullable ID of an update: absent keeps, `null` clears.
    pub fn patch(
        &mut self,
        field: &str,
        kind: NodeKind,
        id: MaybeUndefined<ID>,
    ) -> Option<Option<i32>> {
        patch(id).map(|id| id.map(|id| self.required(field, kind, &id)))
    }

    /// The user errors, if any ID was malformed.
    pub fn into_errors(self) -> Option<Vec<UserError>> {
        (!self.errors.is_empty()).then_some(self.errors)
    }
}

/// An update field: absent keeps (`None`), `null` clears (`Some(None)`).
pub fn patch<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(value) => Some(Some(value)),
    }
}

/// Most values one filter list may hold; longer lists are a
/// `BAD_USER_INPUT` (they would only repeat or exceed what exists, and
/// each value costs a bind parameter).
pub const MAX_FILTER_VALUES: usize = 100;

/// A filter list, refused beyond [`MAX_FILTER_VALUES`] values.
pub fn capped<T>(argument: &str, list: Vec<T>) -> ApiResult<Vec<T>> {
    if list.len() > MAX_FILTER_VALUES {
        return Err(ApiError::bad_input(format!(
            "`{argument}` lists {} values, at most {MAX_FILTER_VALUES} are allowed",
            list.len()
        )));
    }
    Ok(list)
}

/// A filter list of GraphQL enum values as entity values.
pub fn filter_values<T, U: From<T>>(argument: &str, list: Vec<T>) -> ApiResult<Vec<U>> {
    Ok(capped(argument, list)?.into_iter().map(U::from).collect())
}

/// Decodes the IDs of a query filter; a malformed one, or more than
/// [`MAX_FILTER_VALUES`], is a `BAD_USER_INPUT`.
pub fn filter_ids(kind: NodeKind, list: &[ID]) -> ApiResult<Vec<i32>> {
    if list.len() > MAX_FILTER_VALUES {
        return Err(ApiError::bad_input(format!(
            "a filter lists {} IDs, at most {MAX_FILTER_VALUES} are allowed",
            list.len()
        )));
    }
    list.iter().map(|id| ids::decode(kind, id)).collect()
}

/// Rows whose `owner_column` appears in `link_table` next to an occupation
/// whose code starts with `prefix` (`6-18` finds every occupation under
/// that 中类).
pub fn linked_to_occupation_prefix(
    owner_column: impl ColumnTrait,
    link_table: &'static str,
    link_owner: &'static str,
    prefix: &str,
) -> SimpleExpr {
    let pattern = format!("{}%", escape_like(prefix.trim()));
    let subquery = Query::select()
        .column((link_table, link_owner))
        .from(link_table)
        .inner_join(
            "occupation",
            Expr::col(("occupation", "id")).equals((link_table, "occupation_id")),
        )
        .and_where(
            Expr::col(("occupation", "code"))
                .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')),
        )
        .take();
    owner_column.in_subquery(subquery)
}

/// `%` and `_` in user text match themselves in LIKE patterns.
pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A `LIKE '%text%'` condition with the text escaped.
pub fn contains(column: impl ColumnTrait, text: &str) -> SimpleExpr {
    let pattern = format!("%{}%", escape_like(text.trim()));
    Expr::col(column.as_column_ref()).like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\'))
}
