//! CSV exports for Excel and WPS (UTF-8 with BOM, CRLF):
//! - `GET /export/gap.csv`: the supply–demand gap, the same table as
//!   `supplyDemandGap` and `hub export gap`. Parameters: `from`, `to`
//!   (dates, required), `regionCode`, `groupBy` (default `OCCUPATION`).
//! - `GET /export/rewards.csv`: competition rewards, one row per reward,
//!   as `competitionRewards` shows them to the caller (send the token as
//!   `Authorization: Bearer`). Parameters: `year`, `collegeId`, `status`
//!   (all optional).
//! - `GET /export/indicators.csv`: the policy's indicators, one row per
//!   figure with its computation, as `indicators`. Parameters: `year`
//!   (required), `regionCode`.

use std::collections::HashMap;

use chrono::NaiveDate;
use poem::{
    handler,
    http::{header, StatusCode},
    web::{Data, Query},
    Response,
};
use sea_orm::DatabaseConnection;

use crate::matching::gap::{self, GapError, Grouping};

fn bad_request(message: String) -> Response {
    Response::builder()
        .status(StatusCode::BAD_REQUEST)
        .content_type("text/plain; charset=utf-8")
        .body(message)
}

/// A date parameter, or what is wrong with it.
fn date(params: &HashMap<String, String>, name: &str) -> Result<NaiveDate, String> {
    let Some(value) = params.get(name) else {
        return Err(format!(
            "parameter `{name}` is missing: give a date such as 2026-09-01"
        ));
    };
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| format!("parameter `{name}`: `{value}` is not a date (YYYY-MM-DD)"))
}

#[handler]
pub async fn gap_csv(
    Query(params): Query<HashMap<String, String>>,
    db: Data<&DatabaseConnection>,
) -> Response {
    let (from, to) = match (date(&params, "from"), date(&params, "to")) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(message), _) | (_, Err(message)) => return bad_request(message),
    };
    let grouping = match params.get("groupBy").map(|g| g.parse::<Grouping>()) {
        None => Grouping::Occupation,
        Some(Ok(grouping)) => grouping,
        Some(Err(message)) => return bad_request(format!("parameter `groupBy`: {message}")),
    };
    let region = params.get("regionCode").map(String::as_str);
    let rows = match gap::compute(*db, from, to, region, grouping).await {
        Ok(rows) => rows,
        Err(GapError::Invalid(message)) => return bad_request(message),
        Err(GapError::Database(error)) => {
            tracing::error!(%error, "the gap export failed");
            return Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body("internal error");
        }
    };
    match gap::to_csv(&rows) {
        Ok(body) => Response::builder()
            .content_type("text/csv; charset=utf-8")
            .header(
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"gap-{from}-{to}.csv\""),
            )
            .body(body),
        Err(error) => {
            tracing::error!(%error, "the gap could not be written as CSV");
            Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body("internal error")
        }
    }
}

#[handler]
pub async fn indicators_csv(
    Query(params): Query<HashMap<String, String>>,
    db: Data<&DatabaseConnection>,
) -> Response {
    let Some(year) = params.get("year") else {
        return bad_request("parameter `year` is missing: give a year such as 2026".to_string());
    };
    let Ok(year) = year.trim().parse::<i32>() else {
        return bad_request(format!("parameter `year`: `{year}` is not a year"));
    };
    let region = params.get("regionCode").map(String::as_str);
    let indicators = match crate::programmes::indicators::compute(
        *db,
        year,
        region,
        chrono::Utc::now().date_naive(),
    )
    .await
    {
        Ok(indicators) => indicators,
        Err(GapError::Invalid(message)) => return bad_request(message),
        Err(GapError::Database(error)) => {
            tracing::error!(%error, "the indicators export failed");
            return Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body("internal error");
        }
    };
    match crate::programmes::indicators::to_csv(&indicators) {
        Ok(body) => Response::builder()
            .content_type("text/csv; charset=utf-8")
            .header(
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"indicators-{year}.csv\""),
            )
            .body(body),
        Err(error) => {
            tracing::error!(%error, "the indicators could not be written as CSV");
            Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body("internal error")
        }
    }
}

#[handler]
pub async fn rewards_csv(
    request: &poem::Request,
    Query(params): Query<HashMap<String, String>>,
    db: Data<&DatabaseConnection>,
) -> Response {
    use crate::graphql::rewards::{csv_rows, CompetitionRewardFilter, RewardStatus, CSV_HEADER};
    let actor = match super::graphql::actor(request, &db, "text/plain; charset=utf-8").await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let mut filter = CompetitionRewardFilter::default();
    if let Some(year) = params.get("year") {
        match year.trim().parse::<i32>() {
            Ok(year) => filter.year = Some(year),
            Err(_) => return bad_request(format!("parameter `year`: `{year}` is not a year")),
        }
    }
    if let Some(college) = params.get("collegeId") {
        filter.college_id = Some(async_graphql::ID(college.clone()));
    }
    if let Some(status) = params.get("status") {
        let value = async_graphql::Value::Enum(async_graphql::Name::new(status.trim()));
        match <RewardStatus as async_graphql::InputType>::parse(Some(value)) {
            Ok(status) => filter.statuses = Some(vec![status]),
            Err(_) => {
                return bad_request(format!(
                    "parameter `status`: `{status}` is not one of RECORDED, SUBMITTED, APPROVED, RETURNED, PAID, CANCELLED"
                ))
            }
        }
    }
    let rows = match csv_rows(*db, &actor, &filter).await {
        Ok(rows) => rows,
        Err(error) => {
            let status = match error.code() {
                "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
                "FORBIDDEN" => StatusCode::FORBIDDEN,
                "BAD_USER_INPUT" => StatusCode::BAD_REQUEST,
                _ => {
                    tracing::error!(error = %error.message(), "the rewards export failed");
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            };
            return Response::builder()
                .status(status)
                .content_type("text/plain; charset=utf-8")
                .body(error.message());
        }
    };
    let written = crate::spreadsheet::csv(&CSV_HEADER, &rows);
    match written {
        Ok(body) => Response::builder()
            .content_type("text/csv; charset=utf-8")
            .header(
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"rewards.csv\"",
            )
            .body(body),
        Err(error) => {
            tracing::error!(%error, "the rewards could not be written as CSV");
            Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body("internal error")
        }
    }
}

/// `GET /gap`: the gap as a chart (top shortages and surpluses) with
/// period, region and grouping controls; one self-contained page on the
/// public GraphQL API, nothing loaded from elsewhere.
#[handler]
pub async fn gap_page() -> poem::web::Html<&'static str> {
    poem::web::Html(include_str!("gap.html"))
}
