//! College programs, on the 2021 catalogue where their names match.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{
    catalogue_entry, certificate, college, occupation, program, program_certificate,
    program_occupation,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ColumnTrait, EntityTrait, QueryFilter,
};

use super::{
    common::{
        contains, filter_ids, linked_to_occupation_prefix, patch, written, InputIds, UserError,
    },
    enums::{CatalogueLevel, RecordSource},
    loaders::{actor, database, load_linked, load_optional, load_required},
    organisations::{by_id_key, College},
    reference::{CatalogueEntry, Certificate, Occupation},
};
use crate::{
    ids::{encode, NodeKind},
    pagination::{paginate, HubConnection, PageArgs, SortKey, SortValue},
    services::programs::{self as service, ProgramDraft, ProgramPatch},
};

/// 院校开设的专业。
pub struct Program(pub program::Model);

#[Object]
impl Program {
    pub async fn id(&self) -> ID {
        encode(NodeKind::Program, self.0.id)
    }
    /// 专业名称（院校所用的名称，未必等于目录名称）。
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// 年招生计划。
    async fn enrolment_plan(&self) -> Option<i32> {
        self.0.enrolment_plan
    }
    /// 预计年毕业生数。
    async fn graduates_per_year(&self) -> Option<i32> {
        self.0.graduates_per_year
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn source(&self) -> RecordSource {
        self.0.source.into()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn college(&self, ctx: &Context<'_>) -> Result<College> {
        Ok(College(
            load_required::<college::Entity>(ctx, self.0.college_id, "college").await?,
        ))
    }
    /// 对应的专业目录条目；名称未能匹配目录时为空。
    async fn catalogue_entry(&self, ctx: &Context<'_>) -> Result<Option<CatalogueEntry>> {
        Ok(
            load_optional::<catalogue_entry::Entity>(ctx, self.0.catalogue_entry_id)
                .await?
                .map(CatalogueEntry),
        )
    }
    /// 本专业可考取的职业技能等级证书。
    async fn certificates(&self, ctx: &Context<'_>) -> Result<Vec<Certificate>> {
        let rows =
            load_linked::<program_certificate::Entity, certificate::Entity>(ctx, self.0.id).await?;
        Ok(rows.into_iter().map(Certificate).collect())
    }
    /// 本专业面向的职业。
    async fn occupations(&self, ctx: &Context<'_>) -> Result<Vec<Occupation>> {
        let rows =
            load_linked::<program_occupation::Entity, occupation::Entity>(ctx, self.0.id).await?;
        Ok(rows.into_iter().map(Occupation).collect())
    }
    /// 职业关联及其来源（含系统推荐、未确认的）。
    async fn occupation_links(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::matching::OccupationLink>> {
        super::matching::occupation_links::<program_occupation::Entity>(ctx, self.0.id).await
    }
    /// 证书关联及其来源。
    async fn certificate_links(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::matching::CertificateLink>> {
        super::matching::certificate_links::<program_certificate::Entity>(ctx, self.0.id).await
    }
    /// 推荐职业：根据专业名称（找不到时连同简介）推荐，不含已有的和被拒绝的；
    /// `stored` 的一条已作为系统推荐关联保存。
    async fn suggested_occupations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "推荐个数，默认 5，最多 20。")] first: Option<i32>,
    ) -> Result<Vec<super::matching::OccupationSuggestion>> {
        let links =
            super::loaders::load_provenance::<program_occupation::Entity>(ctx, self.0.id).await?;
        Ok(super::matching::suggested_for(
            ctx,
            crate::matching::SubjectKind::Program,
            self.0.id,
            &crate::matching::suggest::program_texts(&self.0),
            &links,
            first,
        )
        .await?)
    }
    /// 本专业发布的教学需求（请企业专家授课或共建课程）。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn teaching_needs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<crate::pagination::HubConnection<super::experts::TeachingNeed>> {
        let filter = super::experts::TeachingNeedFilter {
            program_id: Some(encode(NodeKind::Program, self.0.id)),
            ..Default::default()
        };
        super::experts::teaching_needs_connection(
            ctx,
            filter,
            crate::pagination::PageArgs::new(ctx, first, after, last, before),
        )
        .await
    }
    /// 匹配：按得分排序的本专业能服务的已发布需求和学徒岗位与实习基地，每项附得分的组成与依据（见 README「匹配」）。
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
            crate::matching::SubjectKind::Program,
            self.0.id,
            filter,
            first,
            after,
        )
        .await?)
    }
}

/// Filters of `programs`; all given filters must hold.
#[derive(InputObject, Default)]
pub struct ProgramFilter {
    /// 开设院校之一。
    pub college_ids: Option<Vec<ID>>,
    /// 专业目录中的专业代码。
    pub catalogue_code: Option<String>,
    /// 专业类代码，如 `4603`。
    pub class_code: Option<String>,
    /// 专业大类代码，如 `46`。
    pub category_code: Option<String>,
    /// 教育层次。
    pub education_level: Option<CatalogueLevel>,
    /// `true` 仅已对应目录的专业，`false` 仅未对应的。
    pub matched_to_catalogue: Option<bool>,
    /// 面向的职业编码或其前缀。
    pub occupation_code: Option<String>,
    /// 名称包含此文本。
    pub name_contains: Option<String>,
}

/// The `programs` connection, shared with `College.programs`.
pub async fn programs_connection(
    ctx: &Context<'_>,
    filter: ProgramFilter,
    page: PageArgs,
) -> Result<HubConnection<Program>> {
    let mut select = program::Entity::find();
    if let Some(ids) = filter.college_ids {
        select =
            select.filter(program::Column::CollegeId.is_in(filter_ids(NodeKind::College, &ids)?));
    }
    let mut catalogue_conditions = Vec::new();
    if let Some(code) = filter.catalogue_code {
        catalogue_conditions.push(Expr::col("code").eq(code.trim()));
    }
    if let Some(code) = filter.class_code {
        catalogue_conditions.push(Expr::col("class_code").eq(code.trim()));
    }
    if let Some(code) = filter.category_code {
        catalogue_conditions.push(Expr::col("category_code").eq(code.trim()));
    }
    if let Some(level) = filter.education_level {
        let level: entity::enums::CatalogueLevel = level.into();
        catalogue_conditions
            .push(Expr::col("education_level").eq(sea_orm::ActiveEnum::to_value(&level)));
    }
    if !catalogue_conditions.is_empty() {
        let mut subquery = Query::select();
        subquery.column("id").from("catalogue_entry");
        for condition in catalogue_conditions {
            subquery.and_where(condition);
        }
        select = select.filter(program::Column::CatalogueEntryId.in_subquery(subquery.take()));
    }
    if let Some(matched) = filter.matched_to_catalogue {
        select = select.filter(if matched {
            program::Column::CatalogueEntryId.is_not_null()
        } else {
            program::Column::CatalogueEntryId.is_null()
        });
    }
    if let Some(code) = filter.occupation_code {
        select = select.filter(linked_to_occupation_prefix(
            program::Column::Id,
            "program_occupation",
            "program_id",
            &code,
        ));
    }
    if let Some(text) = filter.name_contains {
        select = select.filter(contains(program::Column::Name, &text));
    }
    let key = by_id_key!(program);
    let page = paginate(database(ctx)?, select, &key, page).await?;
    Ok(page.into_connection(Program))
}

#[derive(Default)]
pub struct ProgramQuery;

#[Object]
impl ProgramQuery {
    /// 院校开设的专业。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn programs(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProgramFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<Program>> {
        programs_connection(
            ctx,
            filter.unwrap_or_default(),
            PageArgs::new(ctx, first, after, last, before),
        )
        .await
    }
}

/// Input of `createProgram`.
#[derive(InputObject)]
pub struct CreateProgramInput {
    pub college_id: ID,
    /// 专业目录中的专业代码，如 `460305`。
    pub catalogue_code: Option<String>,
    /// 专业名称；不写时取目录名称。
    #[graphql(default)]
    pub name: String,
    pub enrolment_plan: Option<i32>,
    pub graduates_per_year: Option<i32>,
    #[graphql(default)]
    pub description: String,
    #[graphql(default)]
    pub certificate_ids: Vec<ID>,
    #[graphql(default)]
    pub occupation_codes: Vec<String>,
    /// 等到本次修改可被检索后再返回（最多 5 秒）。
    #[graphql(default)]
    pub wait_until_searchable: bool,
}
/// Input of `updateProgram`: only the given fields change.
#[derive(InputObject)]
pub struct UpdateProgramInput {
    pub id: ID,
    pub catalogue_code: MaybeUndefined<String>,
    pub name: Option<String>,
    pub enrolment_plan: MaybeUndefined<i32>,
    pub graduates_per_year: MaybeUndefined<i32>,
    pub description: Option<String>,
    pub certificate_ids: Option<Vec<ID>>,
    pub occupation_codes: Option<Vec<String>>,
    /// 等到本次修改可被检索后再返回（最多 5 秒）。
    #[graphql(default)]
    pub wait_until_searchable: bool,
}
/// Result of a program mutation.
#[derive(SimpleObject)]
pub struct ProgramPayload {
    pub program: Option<Program>,
    pub user_errors: Vec<UserError>,
    /// Whether the change is searchable: `null` unless the input asked to
    /// wait (`waitUntilSearchable`), `false` when the wait timed out.
    pub searchable: Option<bool>,
}
async fn payload(
    ctx: &Context<'_>,
    result: crate::services::ServiceResult<program::Model>,
    wait: bool,
) -> Result<ProgramPayload> {
    let (program, user_errors, searchable) = written(ctx, result, Program, wait).await?;
    Ok(ProgramPayload {
        program,
        user_errors,
        searchable,
    })
}

#[derive(Default)]
pub struct ProgramMutation;

#[Object]
impl ProgramMutation {
    /// 登记院校开设的专业。
    async fn create_program(
        &self,
        ctx: &Context<'_>,
        input: CreateProgramInput,
    ) -> Result<ProgramPayload> {
        let mut ids = InputIds::default();
        let draft = ProgramDraft {
            college_id: ids.required("collegeId", NodeKind::College, &input.college_id),
            catalogue_code: input.catalogue_code,
            name: input.name,
            enrolment_plan: input.enrolment_plan,
            graduates_per_year: input.graduates_per_year,
            description: input.description,
            certificate_ids: ids.many(
                "certificateIds",
                NodeKind::Certificate,
                &input.certificate_ids,
            ),
            occupation_codes: input.occupation_codes,
        };
        if let Some(user_errors) = ids.into_errors() {
            return Ok(ProgramPayload {
                program: None,
                user_errors,
                searchable: None,
            });
        }
        let wait = input.wait_until_searchable;
        payload(
            ctx,
            service::create(
                database(ctx)?,
                actor(ctx),
                draft,
                entity::enums::RecordSource::Manual,
            )
            .await,
            wait,
        )
        .await
    }

    /// 修改专业。
    async fn update_program(
        &self,
        ctx: &Context<'_>,
        input: UpdateProgramInput,
    ) -> Result<ProgramPayload> {
        let mut ids = InputIds::default();
        let id = ids.required("id", NodeKind::Program, &input.id);
        let changes = ProgramPatch {
            catalogue_code: patch(input.catalogue_code),
            name: input.name,
            enrolment_plan: patch(input.enrolment_plan),
            graduates_per_year: patch(input.graduates_per_year),
            description: input.description,
            certificate_ids: input
                .certificate_ids
                .map(|list| ids.many("certificateIds", NodeKind::Certificate, &list)),
            occupation_codes: input.occupation_codes,
        };
        if let Some(user_errors) = ids.into_errors() {
            return Ok(ProgramPayload {
                program: None,
                user_errors,
                searchable: None,
            });
        }
        payload(
            ctx,
            service::update(database(ctx)?, actor(ctx), id, changes).await,
            input.wait_until_searchable,
        )
        .await
    }
}
