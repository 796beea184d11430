//! The policy's indicators (`indicators(year:, regionCode:)`) and the
//! outreach activities behind the first of them.

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{college, outreach_activity};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{
    common::{filter_ids, outcome, InputIds, UserError},
    loaders::{actor, database, load_required},
    organisations::{by_id_key, College},
};
use crate::{
    error::ApiError,
    ids::{encode, NodeKind},
    matching::gap::GapError,
    pagination::{paginate, HubConnection, PageArgs, SortKey, SortValue},
    programmes::indicators,
    services::outreach::{self as service, ActivityDraft},
};

/// 面向公众的活动类型（§二(一)）。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::OutreachKind")]
pub enum OutreachKind {
    /// 职业启蒙教育
    CareerAwakening,
    /// 劳动教育
    LabourEducation,
    /// 职业体验
    VocationalExperience,
}

/// 院校基地举办的职业启蒙、劳动教育或职业体验活动。
pub struct OutreachActivity(pub outreach_activity::Model);

#[Object]
impl OutreachActivity {
    pub async fn id(&self) -> ID {
        encode(NodeKind::OutreachActivity, self.0.id)
    }
    async fn college(&self, ctx: &Context<'_>) -> Result<College> {
        Ok(College(
            load_required::<college::Entity>(ctx, self.0.college_id, "college").await?,
        ))
    }
    async fn kind(&self) -> OutreachKind {
        self.0.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn held_on(&self) -> NaiveDate {
        self.0.held_on
    }
    /// 参与人数。
    async fn participants(&self) -> i32 {
        self.0.participants
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// 一项指标：数值、单位、目标（如有）及计算方法。
#[derive(SimpleObject)]
pub struct IndicatorFigure {
    /// `OUTREACH`、`COOPERATION`、`ASSOCIATIONS`、`PROGRAMS`。
    pub section: String,
    /// 稳定的键，如 `outreach.participants`。
    pub key: String,
    /// 同一键的多行所指：类型、周期、协会或专业大类。
    pub subject: Option<String>,
    pub label: String,
    pub value: f64,
    pub unit: String,
    /// 政策目标（如有）。
    pub target: Option<f64>,
    /// 是否达到目标（无目标时为 `null`）。
    pub met: Option<bool>,
    /// 计算方法。
    pub method: String,
}

/// 某年度某地区的政策指标。
#[derive(SimpleObject)]
pub struct Indicators {
    pub year: i32,
    pub region_code: Option<String>,
    /// “近 90 天”发布活动的截止日（该年最后一天；当年为今天）。
    pub recent_until: NaiveDate,
    pub figures: Vec<IndicatorFigure>,
}

/// The indicators, or a `BAD_USER_INPUT` error saying what is wrong.
pub async fn compute(
    db: &sea_orm::DatabaseConnection,
    year: i32,
    region_code: Option<&str>,
) -> std::result::Result<indicators::Indicators, ApiError> {
    indicators::compute(db, year, region_code, Utc::now().date_naive())
        .await
        .map_err(|error| match error {
            GapError::Invalid(message) => ApiError::bad_input(message),
            GapError::Database(error) => ApiError::from(error),
        })
}

/// Filter of `outreachActivities`.
#[derive(InputObject, Default)]
pub struct OutreachActivityFilter {
    pub college_id: Option<ID>,
    pub year: Option<i32>,
}

#[derive(Default)]
pub struct IndicatorQuery;

#[Object]
impl IndicatorQuery {
    /// 政策指标（吉市政办发〔2022〕32号）：职业启蒙与劳动教育参与人数（目标每年不少于
    /// 5,000 人次）、学徒与实习基地合作、行业协会发布活动及其需求占比、专业与 1+X
    /// 证书。每项附计算方法；CSV：`GET /export/indicators.csv?year=&regionCode=`。
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        year: i32,
        region_code: Option<String>,
    ) -> Result<Indicators> {
        let computed = compute(database(ctx)?, year, region_code.as_deref()).await?;
        Ok(Indicators {
            year: computed.year,
            region_code: computed.region_code.clone(),
            recent_until: computed.recent_until,
            figures: computed
                .figures
                .iter()
                .map(|figure| IndicatorFigure {
                    section: figure.section.to_string(),
                    key: figure.key.to_string(),
                    subject: figure.subject.clone(),
                    label: figure.label.to_string(),
                    value: figure.value,
                    unit: figure.unit.to_string(),
                    target: figure.target,
                    met: figure.met(),
                    method: figure.method.to_string(),
                })
                .collect(),
        })
    }

    /// 院校基地的职业启蒙、劳动教育和职业体验活动。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn outreach_activities(
        &self,
        ctx: &Context<'_>,
        filter: Option<OutreachActivityFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<OutreachActivity>> {
        let filter = filter.unwrap_or_default();
        let mut select = outreach_activity::Entity::find();
        if let Some(id) = &filter.college_id {
            select = select.filter(
                outreach_activity::Column::CollegeId
                    .is_in(filter_ids(NodeKind::College, std::slice::from_ref(id))?),
            );
        }
        if let Some(year) = filter.year {
            let (Some(first_day), Some(last_day)) = (
                NaiveDate::from_ymd_opt(year, 1, 1),
                NaiveDate::from_ymd_opt(year, 12, 31),
            ) else {
                return Err(ApiError::bad_input(format!("{year} is not a year")).into());
            };
            select = select
                .filter(outreach_activity::Column::HeldOn.gte(first_day))
                .filter(outreach_activity::Column::HeldOn.lte(last_day));
        }
        let key = by_id_key!(outreach_activity);
        let page = paginate(
            database(ctx)?,
            select,
            &key,
            PageArgs::new(ctx, first, after, last, before),
        )
        .await?;
        Ok(page.into_connection(OutreachActivity))
    }
}

/// Input of `recordOutreachActivity`.
#[derive(InputObject)]
pub struct RecordOutreachActivityInput {
    pub college_id: ID,
    pub kind: OutreachKind,
    pub title: String,
    /// 举办日期（不晚于今天）。
    pub held_on: NaiveDate,
    /// 参与人数（1–100,000）。
    pub participants: i32,
}

#[derive(SimpleObject)]
pub struct OutreachActivityPayload {
    pub outreach_activity: Option<OutreachActivity>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct IndicatorMutation;

#[Object]
impl IndicatorMutation {
    /// 院校登记本校基地举办的活动及参与人数。
    async fn record_outreach_activity(
        &self,
        ctx: &Context<'_>,
        input: RecordOutreachActivityInput,
    ) -> Result<OutreachActivityPayload> {
        let mut ids = InputIds::default();
        let draft = ActivityDraft {
            college_id: ids.required("collegeId", NodeKind::College, &input.college_id),
            kind: input.kind.into(),
            title: input.title,
            held_on: input.held_on,
            participants: input.participants,
        };
        if let Some(user_errors) = ids.into_errors() {
            return Ok(OutreachActivityPayload {
                outreach_activity: None,
                user_errors,
            });
        }
        let (outreach_activity, user_errors) = outcome(
            service::record(database(ctx)?, actor(ctx), draft).await,
            OutreachActivity,
        )?;
        Ok(OutreachActivityPayload {
            outreach_activity,
            user_errors,
        })
    }
}
