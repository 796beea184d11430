//! The expert pool and programs' teaching needs (吉市政办发〔2022〕32号
//! §二(二), §二(六)): `experts`, `teachingNeeds`, their matches on the
//! scoring parts of supply–demand matching, each expert's answer to the
//! hiring rule, and the four mutations.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    certificate, college, enterprise, expert, expert_certificate, expert_contact_share,
    expert_occupation, occupation, program, teaching_need, teaching_need_certificate,
    teaching_need_occupation,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, LikeExpr},
    ColumnTrait, Condition, EntityTrait, QueryFilter,
};

use super::{
    common::{
        contains, escape_like, filter_ids, filter_values, linked_to_occupation_prefix, outcome,
        patch, InputIds, UserError,
    },
    enums::{ExpertKind, TeachingNeedKind, TeachingNeedStatus},
    hiring::{answer, TeacherHiringAnswer},
    loaders::{actor, database, load_link_ids, load_linked, load_many, load_required},
    matching::{check_min_score, in_regions, region_filter, MatchConnection, PageOfMatches},
    organisations::{by_id_key, College, Enterprise},
    programs::Program,
    reference::{Certificate, Occupation},
};
use crate::{
    access::{contact_access, ContactAccess},
    error::{ApiError, ApiResult},
    ids::{encode, NodeKind},
    matching::{self, Role},
    pagination::{paginate, HubConnection, PageArgs, SortKey, SortValue},
    programmes::hiring::{Candidate, Education, SkillLevel},
    services::experts::{self as service, ExpertDraft, ExpertPatch, NeedDraft, NeedPatch},
};

/// 企业专家：可兼职授课或参与课程建设的企业工程技术人员、高技能人才和行业专家。
/// 联系方式仅对其所在企业、专家同意提供的院校和管理员可见。
pub struct Expert(pub expert::Model);

/// 专家的联系方式。
#[derive(SimpleObject)]
pub struct ExpertContact {
    pub phone: Option<String>,
    pub email: Option<String>,
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

fn labels(value: &serde_json::Value) -> Vec<String> {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

impl Expert {
    async fn access(&self, ctx: &Context<'_>) -> ApiResult<ContactAccess> {
        let shared = load_link_ids::<expert_contact_share::Entity>(ctx, self.0.id).await?;
        Ok(contact_access(actor(ctx), self.0.enterprise_id, &shared))
    }
}

#[Object]
impl Expert {
    pub async fn id(&self) -> ID {
        encode(NodeKind::Expert, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> ExpertKind {
        self.0.kind.into()
    }
    /// 在企业的岗位。
    async fn job_title(&self) -> &str {
        &self.0.job_title
    }
    async fn education(&self) -> Education {
        self.0.education.into()
    }
    /// 职业技能等级（技师、高级技师等）。
    async fn skill_level(&self) -> SkillLevel {
        self.0.skill_level.into()
    }
    /// 专业技术职称，如「高级工程师」；没有时为空串。
    async fn professional_title(&self) -> &str {
        &self.0.professional_title
    }
    /// 职称是否为副高级及以上。
    async fn high_professional_title(&self) -> bool {
        self.0.high_professional_title
    }
    /// 企业工作年限。
    async fn enterprise_years(&self) -> i32 {
        self.0.enterprise_years
    }
    async fn skills(&self) -> Vec<String> {
        labels(&self.0.skills)
    }
    /// 愿意兼职授课。
    async fn teaches(&self) -> bool {
        self.0.teaches
    }
    /// 愿意参与课程建设。
    async fn builds_courses(&self) -> bool {
        self.0.builds_courses
    }
    /// 每周可用学时。
    async fn hours_per_week(&self) -> i32 {
        self.0.hours_per_week
    }
    async fn available_from(&self) -> Option<NaiveDate> {
        self.0.available_from
    }
    async fn available_until(&self) -> Option<NaiveDate> {
        self.0.available_until
    }
    /// 时间说明，如「周六全天」。
    async fn availability_note(&self) -> &str {
        &self.0.availability_note
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn enterprise(&self, ctx: &Context<'_>) -> Result<Enterprise> {
        Ok(Enterprise(
            load_required::<enterprise::Entity>(ctx, self.0.enterprise_id, "enterprise").await?,
        ))
    }
    /// 从事的职业。
    async fn occupations(&self, ctx: &Context<'_>) -> Result<Vec<Occupation>> {
        let rows =
            load_linked::<expert_occupation::Entity, occupation::Entity>(ctx, self.0.id).await?;
        Ok(rows.into_iter().map(Occupation).collect())
    }
    /// 持有的职业技能等级证书。
    async fn certificates(&self, ctx: &Context<'_>) -> Result<Vec<Certificate>> {
        let rows =
            load_linked::<expert_certificate::Entity, certificate::Entity>(ctx, self.0.id).await?;
        Ok(rows.into_iter().map(Certificate).collect())
    }
    /// 调用者能否看到联系方式及原因。
    async fn contact_access(&self, ctx: &Context<'_>) -> Result<ContactAccess> {
        Ok(self.access(ctx).await?)
    }
    /// 联系方式：仅专家所在企业、专家同意提供的院校和管理员可见，其他调用者为 `null`。
    async fn contact(&self, ctx: &Context<'_>) -> Result<Option<ExpertContact>> {
        Ok(self.access(ctx).await?.visible().then(|| ExpertContact {
            phone: non_empty(&self.0.phone),
            email: non_empty(&self.0.email),
        }))
    }
    /// 专家同意提供联系方式的院校：仅专家所在企业和管理员可见，其他调用者为 `null`。
    async fn contact_shared_with(&self, ctx: &Context<'_>) -> Result<Option<Vec<College>>> {
        let access = self.access(ctx).await?;
        if !matches!(access, ContactAccess::Admin | ContactAccess::OwnEnterprise) {
            return Ok(None);
        }
        let ids = load_link_ids::<expert_contact_share::Entity>(ctx, self.0.id).await?;
        Ok(Some(
            load_many::<college::Entity>(ctx, &ids)
                .await?
                .into_iter()
                .map(College)
                .collect(),
        ))
    }
    /// 按政策（§二(六)）检查本专家能否被引进为专业教师：工作年限、学历、技能等级、
    /// 职称取自专家档案；「持有相关证书」缺省为持有任一证书或技能等级不低于初级工。
    async fn hiring_check(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "岗位属于急需紧缺专业。", default)] urgent_program: bool,
        #[graphql(desc = "双师型教师培养（职业技术师范）毕业生。", default)]
        dual_teacher_graduate: bool,
        #[graphql(desc = "持有与岗位相关的职业技能等级证书（缺省按档案推断）。")]
        relevant_certificate: Option<bool>,
    ) -> Result<TeacherHiringAnswer> {
        let relevant_certificate = match relevant_certificate {
            Some(given) => given,
            None => {
                self.0.skill_level >= entity::enums::VocationalSkillLevel::Worker
                    || !load_link_ids::<expert_certificate::Entity>(ctx, self.0.id)
                        .await?
                        .is_empty()
            }
        };
        Ok(answer(&Candidate {
            enterprise_years: f64::from(self.0.enterprise_years),
            education: self.0.education.into(),
            skill_level: self.0.skill_level.into(),
            relevant_certificate,
            dual_teacher_graduate,
            high_professional_title: self.0.high_professional_title,
            urgent_program,
        })?)
    }
    /// 匹配：本专家适合的征集中的教学需求，按得分排序，得分组成与需求匹配相同
    /// （见 README「企业专家」）。
    #[graphql(
        complexity = "1 + (first.unwrap_or(10).clamp(1, super::matching::MAX_MATCHES) as usize).saturating_mul(child_complexity)"
    )]
    async fn matches(
        &self,
        ctx: &Context<'_>,
        filter: Option<ExpertMatchFilter>,
        #[graphql(desc = "每页条数，默认 10，最多 50。")] first: Option<i32>,
        #[graphql(desc = "上一页的 `endCursor`。")] after: Option<String>,
    ) -> Result<MatchConnection> {
        Ok(expert_matches(ctx, Subject::Expert(self.0.id), filter, first, after).await?)
    }
}

/// 专业的教学需求：请企业专家兼职授课或参与课程建设的主题、职业、学时和时间。
pub struct TeachingNeed(pub teaching_need::Model);

#[Object]
impl TeachingNeed {
    pub async fn id(&self) -> ID {
        encode(NodeKind::TeachingNeed, self.0.id)
    }
    async fn kind(&self) -> TeachingNeedKind {
        self.0.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// 教学或建设的主题。
    async fn topics(&self) -> Vec<String> {
        labels(&self.0.topics)
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// 需要的学时。
    async fn hours(&self) -> i32 {
        self.0.hours
    }
    async fn period_start(&self) -> NaiveDate {
        self.0.period_start
    }
    async fn period_end(&self) -> NaiveDate {
        self.0.period_end
    }
    async fn status(&self) -> TeachingNeedStatus {
        self.0.status.into()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn program(&self, ctx: &Context<'_>) -> Result<Program> {
        Ok(Program(
            load_required::<program::Entity>(ctx, self.0.program_id, "program").await?,
        ))
    }
    /// 涉及的职业。
    async fn occupations(&self, ctx: &Context<'_>) -> Result<Vec<Occupation>> {
        let rows =
            load_linked::<teaching_need_occupation::Entity, occupation::Entity>(ctx, self.0.id)
                .await?;
        Ok(rows.into_iter().map(Occupation).collect())
    }
    /// 教学面向的证书（如 1+X 证书）。
    async fn certificates(&self, ctx: &Context<'_>) -> Result<Vec<Certificate>> {
        let rows =
            load_linked::<teaching_need_certificate::Entity, certificate::Entity>(ctx, self.0.id)
                .await?;
        Ok(rows.into_iter().map(Certificate).collect())
    }
    /// 匹配：适合本需求的专家（愿意承担此类工作、仍可用），按得分排序，
    /// 得分组成与需求匹配相同（见 README「企业专家」）。
    #[graphql(
        complexity = "1 + (first.unwrap_or(10).clamp(1, super::matching::MAX_MATCHES) as usize).saturating_mul(child_complexity)"
    )]
    async fn matches(
        &self,
        ctx: &Context<'_>,
        filter: Option<ExpertMatchFilter>,
        #[graphql(desc = "每页条数，默认 10，最多 50。")] first: Option<i32>,
        #[graphql(desc = "上一页的 `endCursor`。")] after: Option<String>,
    ) -> Result<MatchConnection> {
        Ok(expert_matches(ctx, Subject::Need(self.0.id), filter, first, after).await?)
    }
}

/// Filters of expert and teaching-need matches; all given filters must
/// hold.
#[derive(InputObject, Default)]
pub struct ExpertMatchFilter {
    /// 对方所在地区之一（选吉林市即含各区县）。
    pub region_ids: Option<Vec<ID>>,
    /// 最低得分（0 到 1）。
    pub min_score: Option<f64>,
}

enum Subject {
    Need(i32),
    Expert(i32),
}

async fn expert_matches(
    ctx: &Context<'_>,
    subject: Subject,
    filter: Option<ExpertMatchFilter>,
    first: Option<i32>,
    after: Option<String>,
) -> ApiResult<MatchConnection> {
    let filter = filter.unwrap_or_default();
    let page = PageOfMatches::new(first, after.as_deref())?;
    check_min_score(filter.min_score)?;
    let regions = region_filter(filter.region_ids.as_deref())?;
    let keep = |candidate: &matching::Profile| in_regions(regions.as_ref(), candidate);
    let db = database(ctx)?;
    let places = matching::profiles::places(db).await?;
    let (scored, role) = match subject {
        Subject::Need(id) => (
            matching::experts::for_need(db, id, &places, &keep).await?,
            Role::Demand,
        ),
        Subject::Expert(id) => (
            matching::experts::for_expert(db, id, &places, &keep).await?,
            Role::Supply,
        ),
    };
    let scored = scored.ok_or_else(|| {
        ApiError::NotFound("the expert or teaching need was deleted meanwhile".to_string())
    })?;
    Ok(page.connection(scored, filter.min_score, role))
}

/// Filters of `experts`; all given filters must hold.
#[derive(InputObject, Default)]
pub struct ExpertFilter {
    pub enterprise_id: Option<ID>,
    /// 职业编码或其前缀。
    pub occupation_code: Option<String>,
    pub kinds: Option<Vec<ExpertKind>>,
    /// 职业技能等级之一。
    pub skill_levels: Option<Vec<SkillLevel>>,
    /// 愿意承担的工作：授课或课程建设。
    pub offers: Option<TeachingNeedKind>,
    /// 在该日期可用。
    pub available_on: Option<NaiveDate>,
    /// 姓名、岗位、职称或技能中包含的文字，如「数控」。
    pub text_contains: Option<String>,
}

/// Filters of `teachingNeeds`; all given filters must hold.
#[derive(InputObject, Default)]
pub struct TeachingNeedFilter {
    pub college_id: Option<ID>,
    pub program_id: Option<ID>,
    pub status: Option<TeachingNeedStatus>,
    pub kind: Option<TeachingNeedKind>,
    /// 职业编码或其前缀。
    pub occupation_code: Option<String>,
}

#[derive(Default)]
pub struct ExpertQuery;

#[Object]
impl ExpertQuery {
    /// 企业专家库。联系方式仅对专家所在企业、专家同意提供的院校和管理员可见。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn experts(
        &self,
        ctx: &Context<'_>,
        filter: Option<ExpertFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<Expert>> {
        experts_connection(
            ctx,
            filter.unwrap_or_default(),
            PageArgs::new(ctx, first, after, last, before),
        )
        .await
    }

    /// 各专业发布的教学需求。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn teaching_needs(
        &self,
        ctx: &Context<'_>,
        filter: Option<TeachingNeedFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<TeachingNeed>> {
        teaching_needs_connection(
            ctx,
            filter.unwrap_or_default(),
            PageArgs::new(ctx, first, after, last, before),
        )
        .await
    }
}

/// The `experts` connection, shared with `Enterprise.experts`.
pub async fn experts_connection(
    ctx: &Context<'_>,
    filter: ExpertFilter,
    page: PageArgs,
) -> Result<HubConnection<Expert>> {
    let mut select = expert::Entity::find();
    if let Some(id) = &filter.enterprise_id {
        select = select.filter(
            expert::Column::EnterpriseId
                .is_in(filter_ids(NodeKind::Enterprise, std::slice::from_ref(id))?),
        );
    }
    if let Some(code) = &filter.occupation_code {
        select = select.filter(linked_to_occupation_prefix(
            expert::Column::Id,
            "expert_occupation",
            "expert_id",
            code,
        ));
    }
    if let Some(kinds) = filter.kinds {
        let kinds: Vec<entity::enums::ExpertKind> = filter_values("filter.kinds", kinds)?;
        select = select.filter(expert::Column::Kind.is_in(kinds));
    }
    if let Some(levels) = filter.skill_levels {
        let levels: Vec<entity::enums::VocationalSkillLevel> =
            filter_values("filter.skillLevels", levels)?;
        select = select.filter(expert::Column::SkillLevel.is_in(levels));
    }
    match filter.offers {
        Some(TeachingNeedKind::Teaching) => {
            select = select.filter(expert::Column::Teaches.eq(true));
        }
        Some(TeachingNeedKind::CourseBuilding) => {
            select = select.filter(expert::Column::BuildsCourses.eq(true));
        }
        None => {}
    }
    if let Some(day) = filter.available_on {
        select = select
            .filter(
                Condition::any()
                    .add(expert::Column::AvailableFrom.is_null())
                    .add(expert::Column::AvailableFrom.lte(day)),
            )
            .filter(
                Condition::any()
                    .add(expert::Column::AvailableUntil.is_null())
                    .add(expert::Column::AvailableUntil.gte(day)),
            );
    }
    if let Some(text) = filter.text_contains.as_deref().map(str::trim) {
        if !text.is_empty() {
            let pattern = format!("%{}%", escape_like(text));
            select = select.filter(
                Condition::any()
                    .add(contains(expert::Column::Name, text))
                    .add(contains(expert::Column::JobTitle, text))
                    .add(contains(expert::Column::ProfessionalTitle, text))
                    // The skills' JSON as text: labels are stored unescaped.
                    .add(
                        Expr::col(expert::Column::Skills)
                            .cast_as("TEXT")
                            .like(LikeExpr::new(pattern).escape('\\')),
                    ),
            );
        }
    }
    let key = by_id_key!(expert);
    let page = paginate(database(ctx)?, select, &key, page).await?;
    Ok(page.into_connection(Expert))
}

/// The `teachingNeeds` connection, shared with `Program.teachingNeeds`.
pub async fn teaching_needs_connection(
    ctx: &Context<'_>,
    filter: TeachingNeedFilter,
    page: PageArgs,
) -> Result<HubConnection<TeachingNeed>> {
    let mut select = teaching_need::Entity::find();
    if let Some(id) = &filter.program_id {
        select = select.filter(
            teaching_need::Column::ProgramId
                .is_in(filter_ids(NodeKind::Program, std::slice::from_ref(id))?),
        );
    }
    if let Some(id) = &filter.college_id {
        let colleges = filter_ids(NodeKind::College, std::slice::from_ref(id))?;
        select = select.filter(
            teaching_need::Column::ProgramId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(program::Column::Id)
                    .from(program::Entity)
                    .and_where(program::Column::CollegeId.is_in(colleges))
                    .take(),
            ),
        );
    }
    if let Some(status) = filter.status {
        select = select.filter(
            teaching_need::Column::Status.eq(entity::enums::TeachingNeedStatus::from(status)),
        );
    }
    if let Some(kind) = filter.kind {
        select = select
            .filter(teaching_need::Column::Kind.eq(entity::enums::TeachingNeedKind::from(kind)));
    }
    if let Some(code) = &filter.occupation_code {
        select = select.filter(linked_to_occupation_prefix(
            teaching_need::Column::Id,
            "teaching_need_occupation",
            "need_id",
            code,
        ));
    }
    let key = by_id_key!(teaching_need);
    let page = paginate(database(ctx)?, select, &key, page).await?;
    Ok(page.into_connection(TeachingNeed))
}

/// Input of `createExpert`.
#[derive(InputObject)]
pub struct CreateExpertInput {
    pub enterprise_id: ID,
    pub name: String,
    pub kind: ExpertKind,
    #[graphql(default)]
    pub job_title: String,
    pub education: Education,
    #[graphql(default_with = "SkillLevel::None")]
    pub skill_level: SkillLevel,
    /// 专业技术职称，如「高级工程师」。
    #[graphql(default)]
    pub professional_title: String,
    /// 职称为副高级及以上。
    #[graphql(default)]
    pub high_professional_title: bool,
    /// 企业工作年限（0–60）。
    pub enterprise_years: i32,
    #[graphql(default)]
    pub skills: Vec<String>,
    /// 愿意兼职授课（与 `buildsCourses` 至少一项为真）。
    #[graphql(default = true)]
    pub teaches: bool,
    #[graphql(default)]
    pub builds_courses: bool,
    /// 每周可用学时（1–40）。
    pub hours_per_week: i32,
    pub available_from: Option<NaiveDate>,
    pub available_until: Option<NaiveDate>,
    #[graphql(default)]
    pub availability_note: String,
    #[graphql(default)]
    pub phone: String,
    #[graphql(default)]
    pub email: String,
    /// 从事的职业（职业分类大典 2022 编码）。
    #[graphql(default)]
    pub occupation_codes: Vec<String>,
    #[graphql(default)]
    pub certificate_ids: Vec<ID>,
    /// 专家同意向其提供联系方式的院校。
    #[graphql(default)]
    pub share_contact_with: Vec<ID>,
}

/// Input of `updateExpert`: only the given fields change.
#[derive(InputObject)]
pub struct UpdateExpertInput {
    pub id: ID,
    pub name: Option<String>,
    pub kind: Option<ExpertKind>,
    pub job_title: Option<String>,
    pub education: Option<Education>,
    pub skill_level: Option<SkillLevel>,
    pub professional_title: Option<String>,
    pub high_professional_title: Option<bool>,
    pub enterprise_years: Option<i32>,
    pub skills: Option<Vec<String>>,
    pub teaches: Option<bool>,
    pub builds_courses: Option<bool>,
    pub hours_per_week: Option<i32>,
    pub available_from: MaybeUndefined<NaiveDate>,
    pub available_until: MaybeUndefined<NaiveDate>,
    pub availability_note: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub occupation_codes: Option<Vec<String>>,
    pub certificate_ids: Option<Vec<ID>>,
    /// 专家同意向其提供联系方式的院校（整体替换；空列表即撤回全部同意）。
    pub share_contact_with: Option<Vec<ID>>,
}

/// Result of an expert mutation.
#[derive(SimpleObject)]
pub struct ExpertPayload {
    pub expert: Option<Expert>,
    pub user_errors: Vec<UserError>,
}

/// Input of `createTeachingNeed`.
#[derive(InputObject)]
pub struct CreateTeachingNeedInput {
    pub program_id: ID,
    #[graphql(default_with = "TeachingNeedKind::Teaching")]
    pub kind: TeachingNeedKind,
    pub title: String,
    #[graphql(default)]
    pub topics: Vec<String>,
    #[graphql(default)]
    pub description: String,
    /// 学时（1–2,000）。
    pub hours: i32,
    pub period_start: NaiveDate,
    /// 不早于开始日期，周期最长 550 天。
    pub period_end: NaiveDate,
    #[graphql(default)]
    pub occupation_codes: Vec<String>,
    #[graphql(default)]
    pub certificate_ids: Vec<ID>,
}

/// Input of `updateTeachingNeed`: only the given fields change.
#[derive(InputObject)]
pub struct UpdateTeachingNeedInput {
    pub id: ID,
    pub kind: Option<TeachingNeedKind>,
    pub title: Option<String>,
    pub topics: Option<Vec<String>>,
    pub description: Option<String>,
    pub hours: Option<i32>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    /// `CLOSED` 关闭需求（不再出现在专家的匹配中）；`OPEN` 重新征集。
    pub status: Option<TeachingNeedStatus>,
    pub occupation_codes: Option<Vec<String>>,
    pub certificate_ids: Option<Vec<ID>>,
}

/// Result of a teaching need mutation.
#[derive(SimpleObject)]
pub struct TeachingNeedPayload {
    pub teaching_need: Option<TeachingNeed>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct ExpertMutation;

#[Object]
impl ExpertMutation {
    /// 企业登记本企业的专家（含其同意提供联系方式的院校）。
    async fn create_expert(
        &self,
        ctx: &Context<'_>,
        input: CreateExpertInput,
    ) -> Result<ExpertPayload> {
        let mut ids = InputIds::default();
        let draft = ExpertDraft {
            enterprise_id: ids.required("enterpriseId", NodeKind::Enterprise, &input.enterprise_id),
            name: input.name,
            kind: input.kind.into(),
            job_title: input.job_title,
            education: input.education.into(),
            skill_level: input.skill_level.into(),
            professional_title: input.professional_title,
            high_professional_title: input.high_professional_title,
            enterprise_years: input.enterprise_years,
            skills: input.skills,
            teaches: input.teaches,
            builds_courses: input.builds_courses,
            hours_per_week: input.hours_per_week,
            available_from: input.available_from,
            available_until: input.available_until,
            availability_note: input.availability_note,
            phone: input.phone,
            email: input.email,
            occupation_codes: input.occupation_codes,
            certificate_ids: ids.many(
                "certificateIds",
                NodeKind::Certificate,
                &input.certificate_ids,
            ),
            shared_college_ids: ids.many(
                "shareContactWith",
                NodeKind::College,
                &input.share_contact_with,
            ),
        };
        if let Some(user_errors) = ids.into_errors() {
            return Ok(ExpertPayload {
                expert: None,
                user_errors,
            });
        }
        let (expert, user_errors) = outcome(
            service::create_expert(database(ctx)?, actor(ctx), draft).await,
            Expert,
        )?;
        Ok(ExpertPayload {
            expert,
            user_errors,
        })
    }

    /// 修改本企业专家的档案、可用时间或联系方式的提供范围。
    async fn update_expert(
        &self,
        ctx: &Context<'_>,
        input: UpdateExpertInput,
    ) -> Result<ExpertPayload> {
        let mut ids = InputIds::default();
        let id = ids.required("id", NodeKind::Expert, &input.id);
        let changes = ExpertPatch {
            name: input.name,
            kind: input.kind.map(Into::into),
            job_title: input.job_title,
            education: input.education.map(Into::into),
            skill_level: input.skill_level.map(Into::into),
            professional_title: input.professional_title,
            high_professional_title: input.high_professional_title,
            enterprise_years: input.enterprise_years,
            skills: input.skills,
            teaches: input.teaches,
            builds_courses: input.builds_courses,
            hours_per_week: input.hours_per_week,
            available_from: patch(input.available_from),
            available_until: patch(input.available_until),
            availability_note: input.availability_note,
            phone: input.phone,
            email: input.email,
            occupation_codes: input.occupation_codes,
            certificate_ids: input
                .certificate_ids
                .map(|list| ids.many("certificateIds", NodeKind::Certificate, &list)),
            shared_college_ids: input
                .share_contact_with
                .map(|list| ids.many("shareContactWith", NodeKind::College, &list)),
        };
        if let Some(user_errors) = ids.into_errors() {
            return Ok(ExpertPayload {
                expert: None,
                user_errors,
            });
        }
        let (expert, user_errors) = outcome(
            service::update_expert(database(ctx)?, actor(ctx), id, changes).await,
            Expert,
        )?;
        Ok(ExpertPayload {
            expert,
            user_errors,
        })
    }

    /// 院校为本校专业发布教学需求。
    async fn create_teaching_need(
        &self,
        ctx: &Context<'_>,
        input: CreateTeachingNeedInput,
    ) -> Result<TeachingNeedPayload> {
        let mut ids = InputIds::default();
        let draft = NeedDraft {
            program_id: ids.required("programId", NodeKind::Program, &input.program_id),
            kind: input.kind.into(),
            title: input.title,
            topics: input.topics,
            description: input.description,
            hours: input.hours,
            period_start: input.period_start,
            period_end: input.period_end,
            status: entity::enums::TeachingNeedStatus::Open,
            occupation_codes: input.occupation_codes,
            certificate_ids: ids.many(
                "certificateIds",
                NodeKind::Certificate,
                &input.certificate_ids,
            ),
        };
        if let Some(user_errors) = ids.into_errors() {
            return Ok(TeachingNeedPayload {
                teaching_need: None,
                user_errors,
            });
        }
        let (teaching_need, user_errors) = outcome(
            service::create_need(database(ctx)?, actor(ctx), draft).await,
            TeachingNeed,
        )?;
        Ok(TeachingNeedPayload {
            teaching_need,
            user_errors,
        })
    }

    /// 修改或关闭本校专业的教学需求。
    async fn update_teaching_need(
        &self,
        ctx: &Context<'_>,
        input: UpdateTeachingNeedInput,
    ) -> Result<TeachingNeedPayload> {
        let mut ids = InputIds::default();
        let id = ids.required("id", NodeKind::TeachingNeed, &input.id);
        let changes = NeedPatch {
            kind: input.kind.map(Into::into),
            title: input.title,
            topics: input.topics,
            description: input.description,
            hours: input.hours,
            period_start: input.period_start,
            period_end: input.period_end,
            status: input.status.map(Into::into),
            occupation_codes: input.occupation_codes,
            certificate_ids: input
                .certificate_ids
                .map(|list| ids.many("certificateIds", NodeKind::Certificate, &list)),
        };
        if let Some(user_errors) = ids.into_errors() {
            return Ok(TeachingNeedPayload {
                teaching_need: None,
                user_errors,
            });
        }
        let (teaching_need, user_errors) = outcome(
            service::update_need(database(ctx)?, actor(ctx), id, changes).await,
            TeachingNeed,
        )?;
        Ok(TeachingNeedPayload {
            teaching_need,
            user_errors,
        })
    }
}
