//! `supplyDemandGap`: demand against supply per group (the rules are in
//! `crate::matching::gap` and the README).

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};
use chrono::NaiveDate;

use super::loaders::database;
use crate::{
    error::ApiError,
    matching::gap::{self, GapError},
};

/// 供需缺口的分组方式。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::matching::gap::Grouping")]
pub enum GapGrouping {
    /// 职业（细类）
    Occupation,
    /// 职业小类
    OccupationMinor,
    /// 职业中类
    OccupationMedium,
    /// 职业大类
    OccupationMajor,
    /// 专业类（2021 专业目录）
    CatalogueClass,
    /// 专业大类
    CatalogueCategory,
}

/// 起止日期（含两端）。
#[derive(InputObject)]
pub struct DatePeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// 一个分组的需求与供给（人数）。
#[derive(SimpleObject, Clone)]
pub struct GapRow {
    /// 分组代码：职业编码、专业类代码，或 `UNCLASSIFIED`（未归类职业）、
    /// `UNMAPPED`（无对应专业的职业）、`OFF_CATALOGUE`（目录外专业）。
    pub key: String,
    pub label: String,
    /// 需求人数（未写人数的需求按 1 计；按职业均分）。
    pub demand: f64,
    /// 供给合计。
    pub supply: f64,
    /// 专业毕业生（年毕业生 × 期间占一年的比例）。
    pub supply_programs: f64,
    /// 学徒与实习名额。
    pub supply_offers: f64,
    /// 培训课程容量。
    pub supply_courses: f64,
    /// 缺口：需求超出供给的部分。
    pub unmet: f64,
    /// 富余：供给超出需求的部分。
    pub surplus: f64,
    /// 供需比：供给 / 需求；没有需求时为空。
    pub ratio: Option<f64>,
}

fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

impl From<&gap::GapRow> for GapRow {
    fn from(row: &gap::GapRow) -> Self {
        GapRow {
            key: row.key.clone(),
            label: row.label.clone(),
            demand: round(row.demand),
            supply: round(row.supply()),
            supply_programs: round(row.supply_programs),
            supply_offers: round(row.supply_offers),
            supply_courses: round(row.supply_courses),
            unmet: round(row.unmet()),
            surplus: round(row.surplus()),
            ratio: row.ratio().map(|r| (r * 1000.0).round() / 1000.0),
        }
    }
}

/// 供需缺口。
pub struct SupplyDemandGap {
    rows: Vec<gap::GapRow>,
}

#[Object]
impl SupplyDemandGap {
    /// 所有有需求或供给的分组，按代码排序。
    async fn rows(&self) -> Vec<GapRow> {
        self.rows.iter().map(GapRow::from).collect()
    }
    /// 短缺：缺口最大的在前（只含有缺口的分组）。
    async fn shortages(&self, #[graphql(default = 10)] first: i32) -> Result<Vec<GapRow>> {
        let first = count(first)?;
        let mut rows: Vec<&gap::GapRow> = self.rows.iter().filter(|r| r.unmet() > 0.0).collect();
        rows.sort_by(|a, b| {
            b.unmet()
                .total_cmp(&a.unmet())
                .then_with(|| a.key.cmp(&b.key))
        });
        Ok(rows.into_iter().take(first).map(GapRow::from).collect())
    }
    /// 富余：供给超出需求最多的在前。
    async fn surpluses(&self, #[graphql(default = 10)] first: i32) -> Result<Vec<GapRow>> {
        let first = count(first)?;
        let mut rows: Vec<&gap::GapRow> = self.rows.iter().filter(|r| r.surplus() > 0.0).collect();
        rows.sort_by(|a, b| {
            b.surplus()
                .total_cmp(&a.surplus())
                .then_with(|| a.key.cmp(&b.key))
        });
        Ok(rows.into_iter().take(first).map(GapRow::from).collect())
    }
    /// 全部分组的合计。
    async fn totals(&self) -> GapRow {
        let mut total = gap::GapRow {
            key: "TOTAL".to_string(),
            label: "合计".to_string(),
            ..Default::default()
        };
        for row in &self.rows {
            total.demand += row.demand;
            total.supply_programs += row.supply_programs;
            total.supply_offers += row.supply_offers;
            total.supply_courses += row.supply_courses;
        }
        GapRow::from(&total)
    }
}

fn count(first: i32) -> Result<usize> {
    if !(1..=500).contains(&first) {
        return Err(
            ApiError::bad_input(format!("`first` must be between 1 and 500, got {first}")).into(),
        );
    }
    Ok(first as usize)
}

/// Runs the gap, mapping its errors to API errors.
pub async fn compute(
    db: &sea_orm::DatabaseConnection,
    from: NaiveDate,
    to: NaiveDate,
    region_code: Option<&str>,
    grouping: gap::Grouping,
) -> Result<Vec<gap::GapRow>, ApiError> {
    gap::compute(db, from, to, region_code, grouping)
        .await
        .map_err(|error| match error {
            GapError::Invalid(message) => ApiError::bad_input(message),
            GapError::Database(error) => ApiError::from(error),
        })
}

#[derive(Default)]
pub struct GapQuery;

#[Object]
impl GapQuery {
    /// 供需缺口：期间内已发布需求的人数与专业毕业生、学徒名额、培训容量的对比，
    /// 按职业或专业目录分组。计算规则见 README「供需缺口」。
    async fn supply_demand_gap(
        &self,
        ctx: &Context<'_>,
        period: DatePeriod,
        #[graphql(
            desc = "地区代码（含下级），如 `220200`（吉林市）、`220202`（昌邑区）；缺省为全部。"
        )]
        region_code: Option<String>,
        #[graphql(default_with = "GapGrouping::Occupation")] group_by: GapGrouping,
    ) -> Result<SupplyDemandGap> {
        let rows = compute(
            database(ctx)?,
            period.from,
            period.to,
            region_code.as_deref(),
            group_by.into(),
        )
        .await?;
        Ok(SupplyDemandGap { rows })
    }
}
