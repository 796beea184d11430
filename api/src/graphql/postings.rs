//! Demand postings: talent demand that industry associations publish.

use async_graphql::{Context, Enum, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    certificate, demand_posting, enterprise, industry_association, occupation, posting_certificate,
    posting_occupation, region,
};
use sea_orm::{sea_query::ExprTrait, ColumnTrait, EntityTrait, QueryFilter};

use super::{
    common::{
        filter_ids, filter_values, linked_to_occupation_prefix, patch, written, InputIds, UserError,
    },
    enums::{EducationRequirement, PostingStatus, RecordSource, SortDirection},
    loaders::{actor, database, load_linked, load_optional, load_required},
    organisations::{Enterprise, IndustryAssociation},
    reference::{Certificate, Occupation, Region},
};
use crate::{
    error::ApiError,
    ids::{encode, NodeKind},
    pagination::{paginate, HubConnection, PageArgs, SortKey, SortValue},
    services::postings::{self as service, PostingDraft, PostingPatch},
};

/// 人才需求信息：行业协会（可代某企业）发布的用人需求。
pub struct DemandPosting(pub demand_posting::Model);

/// 月薪范围（元/月）；面议时两端为空。
#[derive(SimpleObject)]
pub struct SalaryRange {
    /// 最低月薪（元）。
    pub min: Option<i32>,
    /// 最高月薪（元）。
    pub max: Option<i32>,
}

#[Object]
impl DemandPosting {
    pub async fn id(&self) -> ID {
        encode(NodeKind::DemandPosting, self.0.id)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// 招聘人数；「若干」时为空。
    async fn headcount(&self) -> Option<i32> {
        self.0.headcount
    }
    /// 学历要求。
    async fn education_level(&self) -> Option<EducationRequirement> {
        self.0.education_level.map(Into::into)
    }
    /// 月薪范围。
    async fn salary(&self) -> SalaryRange {
        SalaryRange {
            min: self.0.salary_min,
            max: self.0.salary_max,
        }
    }
    /// 技能要求。
    async fn skills(&self) -> Vec<String> {
        serde_json::from_value(self.0.skills.clone()).unwrap_or_default()
    }
    async fn status(&self) -> PostingStatus {
        self.0.status.into()
    }
    /// 有效期开始。
    async fn valid_from(&self) -> Option<NaiveDate> {
        self.0.valid_from
    }
    /// 有效期截止。
    async fn valid_until(&self) -> Option<NaiveDate> {
        self.0.valid_until
    }
    /// 数据来源：接口录入、文件导入或演示数据。
    async fn source(&self) -> RecordSource {
        self.0.source.into()
    }
    /// 用人单位名称（导入的外部岗位没有对应的企业时）。
    async fn employer_name(&self) -> Option<&str> {
        self.0.employer_name.as_deref()
    }
    /// 工作地点（文本，区域之外的补充）。
    async fn work_location(&self) -> Option<&str> {
        self.0.work_location.as_deref()
    }
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// 发布需求的行业协会。
    async fn association(&self, ctx: &Context<'_>) -> Result<IndustryAssociation> {
        Ok(IndustryAssociation(
            load_required::<industry_association::Entity>(
                ctx,
                self.0.association_id,
                "industry association",
            )
            .await?,
        ))
    }
    /// 用人企业（如有）。
    async fn enterprise(&self, ctx: &Context<'_>) -> Result<Option<Enterprise>> {
        Ok(
            load_optional::<enterprise::Entity>(ctx, self.0.enterprise_id)
                .await?
                .map(Enterprise),
        )
    }
    /// 工作地区。
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<Region>> {
        Ok(load_optional::<region::Entity>(ctx, self.0.region_id)
            .await?
            .map(Region))
    }
    /// 需求对应的职业。
    async fn occupations(&self, ctx: &Context<'_>) -> Result<Vec<Occupation>> {
        let rows =
            load_linked::<posting_occupation::Entity, occupation::Entity>(ctx, self.0.id).await?;
        Ok(rows.into_iter().map(Occupation).collect())
    }
    /// 要求的职业技能等级证书。
    async fn certificates(&self, ctx: &Context<'_>) -> Result<Vec<Certificate>> {
        let rows =
            load_linked::<posting_certificate::Entity, certificate::Entity>(ctx, self.0.id).await?;
        Ok(rows.into_iter().map(Certificate).collect())
    }
    /// 职业关联及其来源（含系统推荐、未确认的）。
    async fn occupation_links(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::matching::OccupationLink>> {
        super::matching::occupation_links::<posting_occupation::Entity>(ctx, self.0.id).await
    }
    /// 证书关联及其来源。
    async fn certificate_links(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::matching::CertificateLink>> {
        super::matching::certificate_links::<posting_certificate::Entity>(ctx, self.0.id).await
    }
    /// 推荐职业：根据岗位名称（找不到时连同描述）推荐，不含已有的和被拒绝的；
    /// `stored` 的一条已作为系统推荐关联保存。
    async fn suggested_occupations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "推荐个数，默认 5，最多 20。")] first: Option<i32>,
    ) -> Result<Vec<super::matching::OccupationSuggestion>> {
        let links =
            super::loaders::load_provenance::<posting_occupation::Entity>(ctx, self.0.id).await?;
        Ok(super::matching::suggested_for(
            ctx,
            crate::matching::SubjectKind::DemandPosting,
            self.0.id,
            &crate::matching::suggest::posting_texts(&self.0),
            &links,
            first,
        )
        .await?)
    }
    /// 匹配：按得分排序的能供给这一需求的专业、学徒岗位与实习基地、培训课程，每项附得分的组成与依据（见 README「匹配」）。
    /// 刚创建的对象也能匹配。
    #[graphql(
        complexity = "1 + (first.unwrap_or(10).clamp(1, super::matching::MAX_MATCHES) as usize).saturating_mul(child_complexity)"
    )]
    async fn matches(
        &self,
        ctx: &Context<'_>,
        filter: Option<super::matching::MatchFilter>,
        #[graphql(desc = "每页条数，默认 10，最多 50。")] first: Option<i32>,
        #[graphql(desc = "上一页的 `endCursor`。")] after: Option<String>,
    ) -> Result<super::matching::MatchConnection> {
        Ok(super::matching::matches(
            ctx,
            crate::matching::SubjectKind::DemandPosting,
            self.0.id,
            filter,
            first,
            after,
        )
        .await?)
    }
}

/// Filters of `demandPostings`; all given filters must hold.
#[derive(InputObject, Default)]
pub struct DemandPostingFilter {
    /// 状态；缺省时只列已发布的需求。
    pub statuses: Option<Vec<PostingStatus>>,
    /// 工作地区之一。
    pub region_ids: Option<Vec<ID>>,
    /// 发布的行业协会。
    pub association_id: Option<ID>,
    /// 用人企业。
    pub enterprise_id: Option<ID>,
    /// 职业编码或其前缀（`6-18` 匹配该中类下所有职业）。
    pub occupation_code: Option<String>,
    /// 学历要求之一。
    pub education_levels: Option<Vec<EducationRequirement>>,
    /// 月薪范围与 [salaryMin, salaryMax] 有交集；未写薪资的需求不匹配。
    pub salary_min: Option<i32>,
    pub salary_max: Option<i32>,
    /// 创建时间不早于。
    pub created_after: Option<DateTime<Utc>>,
    /// 创建时间早于。
    pub created_before: Option<DateTime<Utc>>,
    /// 在此日期有效（有效期包含该日；未写有效期的一端不限）。
    pub valid_on: Option<NaiveDate>,
    /// 数据来源。
    pub source: Option<RecordSource>,
}

/// Orderings of `demandPostings`.
#[derive(Enum, Copy, Clone, Debug, Default, Eq, PartialEq)]
pub enum DemandPostingOrderField {
    /// 创建时间
    #[default]
    CreatedAt,
    /// 更新时间
    UpdatedAt,
    /// 标题
    Title,
}

/// How `demandPostings` are ordered; ties broken by id.
#[derive(InputObject, Default)]
pub struct DemandPostingOrder {
    #[graphql(default)]
    pub field: DemandPostingOrderField,
    #[graphql(default)]
    pub direction: SortDirection,
}

fn sort_key(order: &DemandPostingOrder) -> SortKey<demand_posting::Entity> {
    let descending = order.direction == SortDirection::Desc;
    let (name, column, value): (_, _, fn(&demand_posting::Model) -> SortValue) =
        match (order.field, descending) {
            (DemandPostingOrderField::CreatedAt, true) => {
                ("createdAt:desc", demand_posting::Column::CreatedAt, |row| {
                    SortValue::Time(row.created_at)
                })
            }
            (DemandPostingOrderField::CreatedAt, false) => {
                ("createdAt:asc", demand_posting::Column::CreatedAt, |row| {
                    SortValue::Time(row.created_at)
                })
            }
            (DemandPostingOrderField::UpdatedAt, true) => {
                ("updatedAt:desc", demand_posting::Column::UpdatedAt, |row| {
                    SortValue::Time(row.updated_at)
                })
            }
            (DemandPostingOrderField::UpdatedAt, false) => {
                ("updatedAt:asc", demand_posting::Column::UpdatedAt, |row| {
                    SortValue::Time(row.updated_at)
                })
            }
            (DemandPostingOrderField::Title, true) => {
                ("title:desc", demand_posting::Column::Title, |row| {
                    SortValue::Text(row.title.clone())
                })
            }
            (DemandPostingOrderField::Title, false) => {
                ("title:asc", demand_posting::Column::Title, |row| {
                    SortValue::Text(row.title.clone())
                })
            }
        };
    SortKey {
        name,
        column,
        descending,
        id_column: demand_posting::Column::Id,
        value,
        id: |row| row.id,
    }
}

/// The `demandPostings` connection, shared with `IndustryAssociation.demandPostings`.
pub async fn postings_connection(
    ctx: &Context<'_>,
    filter: DemandPostingFilter,
    order: Option<DemandPostingOrder>,
    page: PageArgs,
) -> Result<HubConnection<DemandPosting>> {
    let mut select = demand_posting::Entity::find();
    let statuses: Vec<entity::enums::PostingStatus> = match filter.statuses {
        Some(statuses) => filter_values("statuses", statuses)?,
        None => vec![entity::enums::PostingStatus::Published],
    };
    select = select.filter(demand_posting::Column::Status.is_in(statuses));
    if let Some(visible) = crate::access::visible_postings(actor(ctx)) {
        select = select.filter(visible);
    }
    if let Some(ids) = filter.region_ids {
        select = select
            .filter(demand_posting::Column::RegionId.is_in(filter_ids(NodeKind::Region, &ids)?));
    }
    if let Some(id) = filter.association_id {
        let ids = filter_ids(NodeKind::IndustryAssociation, &[id])?;
        select = select.filter(demand_posting::Column::AssociationId.is_in(ids));
    }
    if let Some(id) = filter.enterprise_id {
        select = select.filter(
            demand_posting::Column::EnterpriseId.is_in(filter_ids(NodeKind::Enterprise, &[id])?),
        );
    }
    if let Some(code) = filter.occupation_code {
        select = select.filter(linked_to_occupation_prefix(
            demand_posting::Column::Id,
            "posting_occupation",
            "posting_id",
            &code,
        ));
    }
    if let Some(levels) = filter.education_levels {
        let levels: Vec<entity::enums::EducationRequirement> =
            filter_values("educationLevels", levels)?;
        select = select.filter(demand_posting::Column::EducationLevel.is_in(levels));
    }
    if let (Some(low), Some(high)) = (filter.salary_min, filter.salary_max) {
        if low > high {
            return Err(ApiError::bad_input(format!(
                "`salaryMin` ({low}) is above `salaryMax` ({high})"
            ))
            .into());
        }
    }
    if let Some(low) = filter.salary_min {
        select = select.filter(demand_posting::Column::SalaryMax.gte(low));
    }
    if let Some(high) = filter.salary_max {
        select = select.filter(demand_posting::Column::SalaryMin.lte(high));
    }
    if let Some(time) = filter.created_after {
        select = select.filter(demand_posting::Column::CreatedAt.gte(time));
    }
    if let Some(time) = filter.created_before {
        select = select.filter(demand_posting::Column::CreatedAt.lt(time));
    }
    if let Some(day) = filter.valid_on {
        select = select
            .filter(
                demand_posting::Column::ValidFrom
                    .is_null()
                    .or(demand_posting::Column::ValidFrom.lte(day)),
            )
            .filter(
                demand_posting::Column::ValidUntil
                    .is_null()
                    .or(demand_posting::Column::ValidUntil.gte(day)),
            );
    }
    if let Some(source) = filter.source {
        select = select
            .filter(demand_posting::Column::Source.eq(entity::enums::RecordSource::from(source)));
    }
    let key = sort_key(&order.unwrap_or_default());
    let page = paginate(database(ctx)?, select, &key, page).await?;
    Ok(page.into_connection(DemandPosting))
}

#[derive(Default)]
pub struct PostingQuery;

#[Object]
impl PostingQuery {
    /// 人才需求信息；缺省只列已发布的，按创建时间倒序。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn demand_postings(
        &self,
        ctx: &Context<'_>,
        filter: Option<DemandPostingFilter>,
        order_by: Option<DemandPostingOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<DemandPosting>> {
        postings_connection(
            ctx,
            filter.unwrap_or_default(),
            order_by,
            PageArgs::new(ctx, first, after, last, before),
        )
        .await
    }
}

/// Input of `createDemandPosting`.
#[derive(InputObject)]
pub struct CreateDemandPostingInput {
    /// 发布需求的行业协会。
    pub association_id: ID,
    /// 用人企业（可选）。
    pub enterprise_id: Option<ID>,
    /// 标题，最多 120 字。
    pub title: String,
    /// 岗位描述，最多 10000 字。
    #[graphql(default)]
    pub description: String,
    /// 招聘人数（≥ 1）；不写表示「若干」。
    pub headcount: Option<i32>,
    pub region_id: Option<ID>,
    pub work_location: Option<String>,
    pub education_level: Option<EducationRequirement>,
    /// 最低月薪（元）。
    pub salary_min: Option<i32>,
    /// 最高月薪（元），不低于最低月薪。
    pub salary_max: Option<i32>,
    #[graphql(default)]
    pub skills: Vec<String>,
    /// 职业编码，如 `6-18-02-04`。
    #[graphql(default)]
    pub occupation_codes: Vec<String>,
    #[graphql(default)]
    pub certificate_ids: Vec<ID>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// 创建后立即发布（默认存为草稿）。
    #[graphql(default)]
    pub publish: bool,
    /// 等到本次修改可被检索后再返回（最多 5 秒）。
    #[graphql(default)]
    pub wait_until_searchable: bool,
}
/// Input of `updateDemandPosting`: only the given fields change; `null`
/// clears an optional field.
#[derive(InputObject)]
pub struct UpdateDemandPostingInput {
    pub id: ID,
    pub enterprise_id: MaybeUndefined<ID>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub headcount: MaybeUndefined<i32>,
    pub region_id: MaybeUndefined<ID>,
    pub work_location: MaybeUndefined<String>,
    pub education_level: MaybeUndefined<EducationRequirement>,
    pub salary_min: MaybeUndefined<i32>,
    pub salary_max: MaybeUndefined<i32>,
    pub skills: Option<Vec<String>>,
    pub occupation_codes: Option<Vec<String>>,
    pub certificate_ids: Option<Vec<ID>>,
    pub valid_from: MaybeUndefined<NaiveDate>,
    pub valid_until: MaybeUndefined<NaiveDate>,
    /// 等到本次修改可被检索后再返回（最多 5 秒）。
    #[graphql(default)]
    pub wait_until_searchable: bool,
}
/// Input of `publishDemandPosting` and `closeDemandPosting`.
#[derive(InputObject)]
pub struct DemandPostingStatusInput {
    pub id: ID,
    /// 等到本次修改可被检索后再返回（最多 5 秒）。
    #[graphql(default)]
    pub wait_until_searchable: bool,
}
/// Result of a demand posting mutation.
#[derive(SimpleObject)]
pub struct DemandPostingPayload {
    /// The posting as written; `null` when `userErrors` is not empty.
    pub demand_posting: Option<DemandPosting>,
    pub user_errors: Vec<UserError>,
    /// Whether the change is searchable: `null` unless the input asked to
    /// wait (`waitUntilSearchable`), `false` when the wait timed out.
    pub searchable: Option<bool>,
}
async fn payload(
    ctx: &Context<'_>,
    result: crate::services::ServiceResult<demand_posting::Model>,
    wait: bool,
) -> Result<DemandPostingPayload> {
    let (demand_posting, user_errors, searchable) =
        written(ctx, result, DemandPosting, wait).await?;
    Ok(DemandPostingPayload {
        demand_posting,
        user_errors,
        searchable,
    })
}

fn refused(user_errors: Vec<UserError>) -> Result<DemandPostingPayload> {
    Ok(DemandPostingPayload {
        demand_posting: None,
        user_errors,
        searchable: None,
    })
}

#[derive(Default)]
pub struct PostingMutation;

#[Object]
impl PostingMutation {
    /// 发布或起草一条人才需求。
    async fn create_demand_posting(
        &self,
        ctx: &Context<'_>,
        input: CreateDemandPostingInput,
    ) -> Result<DemandPostingPayload> {
        let mut ids = InputIds::default();
        let draft = PostingDraft {
            association_id: ids.required(
                "associationId",
                NodeKind::IndustryAssociation,
                &input.association_id,
            ),
            enterprise_id: ids.optional(
                "enterpriseId",
                NodeKind::Enterprise,
                input.enterprise_id.as_ref(),
            ),
            employer_name: None,
            title: input.title,
            description: input.description,
            headcount: input.headcount,
            region_id: ids.optional("regionId", NodeKind::Region, input.region_id.as_ref()),
            work_location: input.work_location,
            education_level: input.education_level.map(Into::into),
            salary_min: input.salary_min,
            salary_max: input.salary_max,
            skills: input.skills,
            occupation_codes: input.occupation_codes,
            certificate_ids: ids.many(
                "certificateIds",
                NodeKind::Certificate,
                &input.certificate_ids,
            ),
            valid_from: input.valid_from,
            valid_until: input.valid_until,
        };
        if let Some(errors) = ids.into_errors() {
            return refused(errors);
        }
        let wait = input.wait_until_searchable;
        let result = service::create(
            database(ctx)?,
            actor(ctx),
            draft,
            input.publish,
            entity::enums::RecordSource::Manual,
        )
        .await;
        payload(ctx, result, wait).await
    }

    /// 修改一条草稿或已发布的需求。
    async fn update_demand_posting(
        &self,
        ctx: &Context<'_>,
        input: UpdateDemandPostingInput,
    ) -> Result<DemandPostingPayload> {
        let mut ids = InputIds::default();
        let id = ids.required("id", NodeKind::DemandPosting, &input.id);
        let changes = PostingPatch {
            enterprise_id: ids.patch("enterpriseId", NodeKind::Enterprise, input.enterprise_id),
            title: input.title,
            description: input.description,
            headcount: patch(input.headcount),
            region_id: ids.patch("regionId", NodeKind::Region, input.region_id),
            work_location: patch(input.work_location),
            education_level: patch(input.education_level).map(|level| level.map(Into::into)),
            salary_min: patch(input.salary_min),
            salary_max: patch(input.salary_max),
            skills: input.skills,
            occupation_codes: input.occupation_codes,
            certificate_ids: input
                .certificate_ids
                .map(|list| ids.many("certificateIds", NodeKind::Certificate, &list)),
            valid_from: patch(input.valid_from),
            valid_until: patch(input.valid_until),
        };
        if let Some(errors) = ids.into_errors() {
            return refused(errors);
        }
        payload(
            ctx,
            service::update(database(ctx)?, actor(ctx), id, changes).await,
            input.wait_until_searchable,
        )
        .await
    }

    /// 发布一条草稿需求。
    async fn publish_demand_posting(
        &self,
        ctx: &Context<'_>,
        input: DemandPostingStatusInput,
    ) -> Result<DemandPostingPayload> {
        self.transition(ctx, input, entity::enums::PostingStatus::Published)
            .await
    }

    /// 关闭一条需求（草稿或已发布）。
    async fn close_demand_posting(
        &self,
        ctx: &Context<'_>,
        input: DemandPostingStatusInput,
    ) -> Result<DemandPostingPayload> {
        self.transition(ctx, input, entity::enums::PostingStatus::Closed)
            .await
    }
}

impl PostingMutation {
    async fn transition(
        &self,
        ctx: &Context<'_>,
        input: DemandPostingStatusInput,
        target: entity::enums::PostingStatus,
    ) -> Result<DemandPostingPayload> {
        let mut ids = InputIds::default();
        let id = ids.required("id", NodeKind::DemandPosting, &input.id);
        if let Some(errors) = ids.into_errors() {
            return refused(errors);
        }
        payload(
            ctx,
            service::transition(database(ctx)?, actor(ctx), id, target).await,
            input.wait_until_searchable,
        )
        .await
    }
}
