//! Keyset pagination of sea-orm selects into Relay connections.
//!
//! A cursor names the ordering it belongs to, the sort value and the row id
//! of an edge, so pages stay correct while rows are inserted: the next page
//! starts strictly after the last row seen, wherever new rows land.

use async_graphql::{connection::Connection, OutputType, SimpleObject};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{Condition, IntoCondition},
    ColumnTrait, DatabaseConnection, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Value,
};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};

/// Largest page a client may ask for with `first` or `last`.
pub const MAX_PAGE_SIZE: i32 = 100;
/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: i32 = 20;

/// What a list field costs in the query complexity limit: its page size
/// (as asked, or the default; at most the largest page) times what each
/// item selects, so that nested pages multiply as their rows do.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = first
        .or(last)
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_PAGE_SIZE) as usize;
    1 + size.saturating_mul(child_complexity)
}

/// `first/after/last/before` as the client sent them.
#[derive(Clone, Debug, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
    /// Whether the client selected `totalCount` (which costs a query).
    pub count: bool,
}

impl PageArgs {
    /// The paging arguments of the connection field `ctx` resolves; the
    /// total is counted only when the query selects `totalCount`.
    pub fn new(
        ctx: &async_graphql::Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        let count = ctx.look_ahead().field("totalCount").exists();
        Self {
            first,
            after,
            last,
            before,
            count,
        }
    }
}

/// A sort value inside a cursor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SortValue {
    Int(i64),
    Time(DateTime<Utc>),
    Text(String),
}

impl From<SortValue> for Value {
    fn from(value: SortValue) -> Self {
        match value {
            SortValue::Int(number) => number.into(),
            SortValue::Time(time) => time.into(),
            SortValue::Text(text) => text.into(),
        }
    }
}

/// How a connection is ordered: a column, a direction, and how to read the
/// sort value and the id of a row. Ties are broken by the id.
pub struct SortKey<E: EntityTrait> {
    /// Named into every cursor, so a cursor of one ordering is refused by
    /// another.
    pub name: &'static str,
    pub column: E::Column,
    pub descending: bool,
    pub id_column: E::Column,
    pub value: fn(&E::Model) -> SortValue,
    pub id: fn(&E::Model) -> i32,
}

#[derive(Serialize, Deserialize)]
struct Cursor {
    k: String,
    v: SortValue,
    i: i32,
}

fn encode_cursor(name: &str, value: SortValue, id: i32) -> String {
    let cursor = Cursor {
        k: name.to_string(),
        v: value,
        i: id,
    };
    let json = serde_json::to_vec(&cursor).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// Whether a cursor's sort value has the type of the column it is compared
/// with (a crafted cursor must not reach the database as a type error).
fn fits<C: ColumnTrait>(column: &C, value: &SortValue) -> bool {
    use sea_orm::sea_query::ColumnType as Type;
    matches!(
        (column.def().get_column_type(), value),
        (
            Type::TinyInteger
                | Type::SmallInteger
                | Type::Integer
                | Type::BigInteger
                | Type::TinyUnsigned
                | Type::SmallUnsigned
                | Type::Unsigned
                | Type::BigUnsigned,
            SortValue::Int(_),
        ) | (
            Type::String(_) | Type::Text | Type::Char(_),
            SortValue::Text(_)
        ) | (
            Type::DateTime | Type::Timestamp | Type::TimestampWithTimeZone,
            SortValue::Time(_),
        )
    )
}

fn decode_key_cursor<E: EntityTrait>(
    key: &SortKey<E>,
    argument: &str,
    cursor: &str,
) -> ApiResult<Cursor> {
    let decoded = decode_cursor(key.name, argument, cursor)?;
    if !fits(&key.column, &decoded.v) {
        return Err(ApiError::bad_input(format!(
            "`{argument}` is not a valid cursor for the ordering {}: `{cursor}`",
            key.name
        )));
    }
    Ok(decoded)
}

fn decode_cursor(name: &str, argument: &str, cursor: &str) -> ApiResult<Cursor> {
    let invalid = || ApiError::bad_input(format!("`{argument}` is not a valid cursor: `{cursor}`"));
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| invalid())?;
    let decoded: Cursor = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if decoded.k != name {
        return Err(ApiError::bad_input(format!(
            "`{argument}` is a cursor of another ordering ({}), this connection is ordered by {name}",
            decoded.k
        )));
    }
    Ok(decoded)
}

/// One page of rows with their cursors.
pub struct Page<M> {
    pub edges: Vec<(String, M)>,
    pub has_previous_page: bool,
    pub has_next_page: bool,
    pub total_count: u64,
}

/// Extra fields of every connection.
#[derive(SimpleObject)]
pub struct ConnectionFields {
    /// Number of objects that match the filter, across all pages.
    pub total_count: u64,
}

/// A Relay connection whose cursors are opaque strings.
pub type HubConnection<T> = Connection<String, T, ConnectionFields>;

impl<M> Page<M> {
    /// Turns the page into a GraphQL connection, wrapping each row.
    pub fn into_connection<T: OutputType>(self, wrap: impl Fn(M) -> T) -> HubConnection<T> {
        let mut connection = Connection::with_additional_fields(
            self.has_previous_page,
            self.has_next_page,
            ConnectionFields {
                total_count: self.total_count,
            },
        );
        connection.edges.extend(
            self.edges
                .into_iter()
                .map(|(cursor, row)| async_graphql::connection::Edge::new(cursor, wrap(row))),
        );
        connection
    }
}

fn validate_size(argument: &str, size: i32) -> ApiResult<u64> {
    if !(0..=MAX_PAGE_SIZE).contains(&size) {
        return Err(ApiError::bad_input(format!(
            "`{argument}` must be between 0 and {MAX_PAGE_SIZE}, got {size}"
        )));
    }
    Ok(size as u64)
}

/// Rows strictly after (`after = true`) or before the cursor, in the order
/// of `key`.
fn beyond<E: EntityTrait>(key: &SortKey<E>, cursor: Cursor, after: bool) -> Condition {
    let forward = after != key.descending;
    let value: Value = cursor.v.into();
    let (past_value, past_id) = if forward {
        (key.column.gt(value.clone()), key.id_column.gt(cursor.i))
    } else {
        (key.column.lt(value.clone()), key.id_column.lt(cursor.i))
    };
    Condition::any()
        .add(past_value)
        .add(Condition::all().add(key.column.eq(value)).add(past_id))
        .into_condition()
}

/// Loads one page of `select` ordered by `key`.
pub async fn paginate<E>(
    db: &DatabaseConnection,
    select: Select<E>,
    key: &SortKey<E>,
    args: PageArgs,
) -> ApiResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let (forward, size) = match (args.first, args.last) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_input(
                "`first` and `last` cannot be used together",
            ));
        }
        (None, Some(last)) => (false, validate_size("last", last)?),
        (Some(first), None) => (true, validate_size("first", first)?),
        (None, None) => (true, DEFAULT_PAGE_SIZE as u64),
    };
    let after = args
        .after
        .as_deref()
        .map(|c| decode_key_cursor(key, "after", c))
        .transpose()?;
    let before = args
        .before
        .as_deref()
        .map(|c| decode_key_cursor(key, "before", c))
        .transpose()?;
    let has_after = after.is_some();
    let has_before = before.is_some();

    let total_count = if args.count {
        select.clone().count(db).await?
    } else {
        0
    };

    let mut query = select;
    if let Some(cursor) = after {
        query = query.filter(beyond(key, cursor, true));
    }
    if let Some(cursor) = before {
        query = query.filter(beyond(key, cursor, false));
    }
    let ascending = forward != key.descending;
    let order = if ascending { Order::Asc } else { Order::Desc };
    let mut rows = query
        .order_by(key.column, order.clone())
        .order_by(key.id_column, order)
        .limit(size + 1)
        .all(db)
        .await?;
    let has_more = rows.len() as u64 > size;
    rows.truncate(size as usize);
    if !forward {
        rows.reverse();
    }
    let edges = rows
        .into_iter()
        .map(|row| {
            (
                encode_cursor(key.name, (key.value)(&row), (key.id)(&row)),
                row,
            )
        })
        .collect();
    let (has_previous_page, has_next_page) = if forward {
        (has_after, has_more)
    } else {
        (has_more, has_before)
    };
    Ok(Page {
        edges,
        has_previous_page,
        has_next_page,
        total_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_bound_to_their_ordering() {
        let cursor = encode_cursor("createdAt", SortValue::Int(7), 3);
        let decoded = decode_cursor("createdAt", "after", &cursor)
            .ok()
            .map(|c| (c.v, c.i));
        assert_eq!(decoded, Some((SortValue::Int(7), 3)));
        assert!(decode_cursor("title", "after", &cursor).is_err());
        assert!(decode_cursor("createdAt", "after", "garbage!").is_err());
    }

    #[test]
    fn page_sizes_are_bounded() {
        assert!(validate_size("first", 101).is_err());
        assert!(validate_size("first", -1).is_err());
        assert_eq!(validate_size("last", 100).ok(), Some(100));
    }
}
