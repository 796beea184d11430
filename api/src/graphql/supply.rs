//! What enterprises and colleges offer besides programs: apprenticeship
//! places and internship bases, and public training courses.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    apprenticeship_offer, certificate, college, enterprise, occupation, offer_occupation, region,
    training_course,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{
    common::{
        filter_ids, filter_values, linked_to_occupation_prefix, patch, written, InputIds, UserError,
    },
    enums::{CourseKind, OfferKind},
    loaders::{actor, database, load_linked, load_optional, load_required},
    organisations::{by_id_key, College, Enterprise},
    reference::{Certificate, Occupation, Region},
};
use crate::{
    ids::{encode, NodeKind},
    pagination::{paginate, HubConnection, PageArgs, SortKey, SortValue},
    services::{
        courses::{self as course_service, CourseDraft, CoursePatch},
        offers::{self as offer_service, OfferDraft, OfferPatch},
    },
};

/// 企业提供的新型学徒制岗位或生产性实习基地。合作周期最长 3 年。
pub struct ApprenticeshipOffer(pub apprenticeship_offer::Model);

#[Object]
impl ApprenticeshipOffer {
    pub async fn id(&self) -> ID {
        encode(NodeKind::ApprenticeshipOffer, self.0.id)
    }
    async fn kind(&self) -> OfferKind {
        self.0.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// 名额。
    async fn places(&self) -> i32 {
        self.0.places
    }
    /// 培养期（月）。
    async fn duration_months(&self) -> i32 {
        self.0.duration_months
    }
    /// 月补贴（元）。
    async fn monthly_stipend(&self) -> Option<i32> {
        self.0.monthly_stipend
    }
    /// 合作开始日期。
    async fn cooperation_start(&self) -> NaiveDate {
        self.0.cooperation_start
    }
    /// 合作结束日期（不晚于开始日期后 3 年）。
    async fn cooperation_end(&self) -> NaiveDate {
        self.0.cooperation_end
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
    /// 合作院校（如有）。
    async fn partner_college(&self, ctx: &Context<'_>) -> Result<Option<College>> {
        Ok(
            load_optional::<college::Entity>(ctx, self.0.partner_college_id)
                .await?
                .map(College),
        )
    }
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<Region>> {
        Ok(load_optional::<region::Entity>(ctx, self.0.region_id)
            .await?
            .map(Region))
    }
    /// 培养面向的职业。
    async fn occupations(&self, ctx: &Context<'_>) -> Result<Vec<Occupation>> {
        let rows =
            load_linked::<offer_occupation::Entity, occupation::Entity>(ctx, self.0.id).await?;
        Ok(rows.into_iter().map(Occupation).collect())
    }
    /// 职业关联及其来源。
    async fn occupation_links(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::matching::OccupationLink>> {
        super::matching::occupation_links::<offer_occupation::Entity>(ctx, self.0.id).await
    }
    /// 匹配：按得分排序的能输送学徒或实习生的专业，每项附得分的组成与依据（见 README「匹配」）。
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
            crate::matching::SubjectKind::ApprenticeshipOffer,
            self.0.id,
            filter,
            first,
            after,
        )
        .await?)
    }
}

/// 院校或培训基地面向社会开设的培训课程。
pub struct TrainingCourse(pub training_course::Model);

#[Object]
impl TrainingCourse {
    pub async fn id(&self) -> ID {
        encode(NodeKind::TrainingCourse, self.0.id)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn kind(&self) -> CourseKind {
        self.0.kind.into()
    }
    /// 学时。
    async fn hours(&self) -> i32 {
        self.0.hours
    }
    /// 容量（人）。
    async fn capacity(&self) -> i32 {
        self.0.capacity
    }
    /// 每人费用（元），0 为免费。
    async fn fee(&self) -> i32 {
        self.0.fee
    }
    async fn starts_on(&self) -> Option<NaiveDate> {
        self.0.starts_on
    }
    async fn ends_on(&self) -> Option<NaiveDate> {
        self.0.ends_on
    }
    /// 上课安排，如「每周六 9:00-16:00」。
    async fn schedule(&self) -> &str {
        &self.0.schedule
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// 开课院校或培训基地。
    async fn provider(&self, ctx: &Context<'_>) -> Result<College> {
        Ok(College(
            load_required::<college::Entity>(ctx, self.0.provider_id, "training provider").await?,
        ))
    }
    /// 培训对应的证书（证书培训必有）。
    async fn certificate(&self, ctx: &Context<'_>) -> Result<Option<Certificate>> {
        Ok(
            load_optional::<certificate::Entity>(ctx, self.0.certificate_id)
                .await?
                .map(Certificate),
        )
    }
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<Region>> {
        Ok(load_optional::<region::Entity>(ctx, self.0.region_id)
            .await?
            .map(Region))
    }
}

/// Filters of `apprenticeshipOffers`; all given filters must hold.
#[derive(InputObject, Default)]
pub struct ApprenticeshipOfferFilter {
    pub enterprise_id: Option<ID>,
    pub region_ids: Option<Vec<ID>>,
    /// 职业编码或其前缀。
    pub occupation_code: Option<String>,
    pub kind: Option<OfferKind>,
    pub partner_college_id: Option<ID>,
}

/// Filters of `trainingCourses`; all given filters must hold.
#[derive(InputObject, Default)]
pub struct TrainingCourseFilter {
    /// 开课院校或培训基地。
    pub provider_id: Option<ID>,
    pub kinds: Option<Vec<CourseKind>>,
    pub certificate_id: Option<ID>,
    pub region_ids: Option<Vec<ID>>,
}

/// The `apprenticeshipOffers` connection, shared with `Enterprise`.
pub async fn offers_connection(
    ctx: &Context<'_>,
    filter: ApprenticeshipOfferFilter,
    page: PageArgs,
) -> Result<HubConnection<ApprenticeshipOffer>> {
    let mut select = apprenticeship_offer::Entity::find();
    if let Some(id) = filter.enterprise_id {
        select = select.filter(
            apprenticeship_offer::Column::EnterpriseId
                .is_in(filter_ids(NodeKind::Enterprise, &[id])?),
        );
    }
    if let Some(ids) = filter.region_ids {
        select = select.filter(
            apprenticeship_offer::Column::RegionId.is_in(filter_ids(NodeKind::Region, &ids)?),
        );
    }
    if let Some(code) = filter.occupation_code {
        select = select.filter(linked_to_occupation_prefix(
            apprenticeship_offer::Column::Id,
            "offer_occupation",
            "offer_id",
            &code,
        ));
    }
    if let Some(kind) = filter.kind {
        select = select
            .filter(apprenticeship_offer::Column::Kind.eq(entity::enums::OfferKind::from(kind)));
    }
    if let Some(id) = filter.partner_college_id {
        select = select.filter(
            apprenticeship_offer::Column::PartnerCollegeId
                .is_in(filter_ids(NodeKind::College, &[id])?),
        );
    }
    let key = by_id_key!(apprenticeship_offer);
    let page = paginate(database(ctx)?, select, &key, page).await?;
    Ok(page.into_connection(ApprenticeshipOffer))
}

/// The `trainingCourses` connection, shared with `College`.
pub async fn courses_connection(
    ctx: &Context<'_>,
    filter: TrainingCourseFilter,
    page: PageArgs,
) -> Result<HubConnection<TrainingCourse>> {
    let mut select = training_course::Entity::find();
    if let Some(id) = filter.provider_id {
        select = select.filter(
            training_course::Column::ProviderId.is_in(filter_ids(NodeKind::College, &[id])?),
        );
    }
    if let Some(kinds) = filter.kinds {
        let kinds: Vec<entity::enums::CourseKind> = filter_values("kinds", kinds)?;
        select = select.filter(training_course::Column::Kind.is_in(kinds));
    }
    if let Some(id) = filter.certificate_id {
        select = select.filter(
            training_course::Column::CertificateId.is_in(filter_ids(NodeKind::Certificate, &[id])?),
        );
    }
    if let Some(ids) = filter.region_ids {
        select = select
            .filter(training_course::Column::RegionId.is_in(filter_ids(NodeKind::Region, &ids)?));
    }
    let key = by_id_key!(training_course);
    let page = paginate(database(ctx)?, select, &key, page).await?;
    Ok(page.into_connection(TrainingCourse))
}

#[derive(Default)]
pub struct SupplyQuery;

#[Object]
impl SupplyQuery {
    /// 学徒岗位和生产性实习基地。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn apprenticeship_offers(
        &self,
        ctx: &Context<'_>,
        filter: Option<ApprenticeshipOfferFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<ApprenticeshipOffer>> {
        offers_connection(
            ctx,
            filter.unwrap_or_default(),
            PageArgs::new(ctx, first, after, last, before),
        )
        .await
    }

    /// 面向社会的培训课程。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn training_courses(
        &self,
        ctx: &Context<'_>,
        filter: Option<TrainingCourseFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<TrainingCourse>> {
        courses_connection(
            ctx,
            filter.unwrap_or_default(),
            PageArgs::new(ctx, first, after, last, before),
        )
        .await
    }
}

/// Input of `createApprenticeshipOffer`.
#[derive(InputObject)]
pub struct CreateApprenticeshipOfferInput {
    pub enterprise_id: ID,
    #[graphql(default_with = "OfferKind::Apprenticeship")]
    pub kind: OfferKind,
    pub title: String,
    #[graphql(default)]
    pub description: String,
    /// 名额（≥ 1）。
    pub places: i32,
    /// 培养期（月，1–36）。
    pub duration_months: i32,
    pub monthly_stipend: Option<i32>,
    pub partner_college_id: Option<ID>,
    pub region_id: Option<ID>,
    pub cooperation_start: NaiveDate,
    /// 不晚于开始日期后 3 年。
    pub cooperation_end: NaiveDate,
    #[graphql(default)]
    pub occupation_codes: Vec<String>,
    /// 等到本次修改可被检索后再返回（最多 5 秒）。
    #[graphql(default)]
    pub wait_until_searchable: bool,
}
/// Input of `updateApprenticeshipOffer`: only the given fields change.
#[derive(InputObject)]
pub struct UpdateApprenticeshipOfferInput {
    pub id: ID,
    pub kind: Option<OfferKind>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub places: Option<i32>,
    pub duration_months: Option<i32>,
    pub monthly_stipend: MaybeUndefined<i32>,
    pub partner_college_id: MaybeUndefined<ID>,
    pub region_id: MaybeUndefined<ID>,
    pub cooperation_start: Option<NaiveDate>,
    pub cooperation_end: Option<NaiveDate>,
    pub occupation_codes: Option<Vec<String>>,
    /// 等到本次修改可被检索后再返回（最多 5 秒）。
    #[graphql(default)]
    pub wait_until_searchable: bool,
}
/// Result of an apprenticeship offer mutation.
#[derive(SimpleObject)]
pub struct ApprenticeshipOfferPayload {
    pub apprenticeship_offer: Option<ApprenticeshipOffer>,
    pub user_errors: Vec<UserError>,
    /// Whether the change is searchable: `null` unless the input asked to
    /// wait (`waitUntilSearchable`), `false` when the wait timed out.
    pub searchable: Option<bool>,
}
/// Input of `createTrainingCourse`.
#[derive(InputObject)]
pub struct CreateTrainingCourseInput {
    /// 开课院校或培训基地。
    pub provider_id: ID,
    pub title: String,
    #[graphql(default)]
    pub description: String,
    pub kind: CourseKind,
    /// 证书培训必填。
    pub certificate_id: Option<ID>,
    pub hours: i32,
    pub capacity: i32,
    /// 每人费用（元），默认 0（免费）。
    #[graphql(default)]
    pub fee: i32,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    #[graphql(default)]
    pub schedule: String,
    pub region_id: Option<ID>,
    /// 等到本次修改可被检索后再返回（最多 5 秒）。
    #[graphql(default)]
    pub wait_until_searchable: bool,
}
/// Input of `updateTrainingCourse`: only the given fields change.
#[derive(InputObject)]
pub struct UpdateTrainingCourseInput {
    pub id: ID,
    pub title: Option<String>,
    pub description: Option<String>,
    pub kind: Option<CourseKind>,
    pub certificate_id: MaybeUndefined<ID>,
    pub hours: Option<i32>,
    pub capacity: Option<i32>,
    pub fee: Option<i32>,
    pub starts_on: MaybeUndefined<NaiveDate>,
    pub ends_on: MaybeUndefined<NaiveDate>,
    pub schedule: Option<String>,
    pub region_id: MaybeUndefined<ID>,
    /// 等到本次修改可被检索后再返回（最多 5 秒）。
    #[graphql(default)]
    pub wait_until_searchable: bool,
}
/// Result of a training course mutation.
#[derive(SimpleObject)]
pub struct TrainingCoursePayload {
    pub training_course: Option<TrainingCourse>,
    pub user_errors: Vec<UserError>,
    /// Whether the change is searchable: `null` unless the input asked to
    /// wait (`waitUntilSearchable`), `false` when the wait timed out.
    pub searchable: Option<bool>,
}
#[derive(Default)]
pub struct SupplyMutation;

#[Object]
impl SupplyMutation {
    /// 发布学徒岗位或实习基地。
    async fn create_apprenticeship_offer(
        &self,
        ctx: &Context<'_>,
        input: CreateApprenticeshipOfferInput,
    ) -> Result<ApprenticeshipOfferPayload> {
        let mut ids = InputIds::default();
        let draft = OfferDraft {
            enterprise_id: ids.required("enterpriseId", NodeKind::Enterprise, &input.enterprise_id),
            kind: input.kind.into(),
            title: input.title,
            description: input.description,
            places: input.places,
            duration_months: input.duration_months,
            monthly_stipend: input.monthly_stipend,
            partner_college_id: ids.optional(
                "partnerCollegeId",
                NodeKind::College,
                input.partner_college_id.as_ref(),
            ),
            region_id: ids.optional("regionId", NodeKind::Region, input.region_id.as_ref()),
            cooperation_start: input.cooperation_start,
            cooperation_end: input.cooperation_end,
            occupation_codes: input.occupation_codes,
        };
        if let Some(user_errors) = ids.into_errors() {
            return Ok(ApprenticeshipOfferPayload {
                apprenticeship_offer: None,
                user_errors,
                searchable: None,
            });
        }
        let wait = input.wait_until_searchable;
        let (apprenticeship_offer, user_errors, searchable) = written(
            ctx,
            offer_service::create(database(ctx)?, actor(ctx), draft).await,
            ApprenticeshipOffer,
            wait,
        )
        .await?;
        Ok(ApprenticeshipOfferPayload {
            apprenticeship_offer,
            user_errors,
            searchable,
        })
    }

    /// 修改学徒岗位或实习基地。
    async fn update_apprenticeship_offer(
        &self,
        ctx: &Context<'_>,
        input: UpdateApprenticeshipOfferInput,
    ) -> Result<ApprenticeshipOfferPayload> {
        let mut ids = InputIds::default();
        let id = ids.required("id", NodeKind::ApprenticeshipOffer, &input.id);
        let changes = OfferPatch {
            kind: input.kind.map(Into::into),
            title: input.title,
            description: input.description,
            places: input.places,
            duration_months: input.duration_months,
            monthly_stipend: patch(input.monthly_stipend),
            partner_college_id: ids.patch(
                "partnerCollegeId",
                NodeKind::College,
                input.partner_college_id,
            ),
            region_id: ids.patch("regionId", NodeKind::Region, input.region_id),
            cooperation_start: input.cooperation_start,
            cooperation_end: input.cooperation_end,
            occupation_codes: input.occupation_codes,
        };
        if let Some(user_errors) = ids.into_errors() {
            return Ok(ApprenticeshipOfferPayload {
                apprenticeship_offer: None,
                user_errors,
                searchable: None,
            });
        }
        let wait = input.wait_until_searchable;
        let (apprenticeship_offer, user_errors, searchable) = written(
            ctx,
            offer_service::update(database(ctx)?, actor(ctx), id, changes).await,
            ApprenticeshipOffer,
            wait,
        )
        .await?;
        Ok(ApprenticeshipOfferPayload {
            apprenticeship_offer,
            user_errors,
            searchable,
        })
    }

    /// 开设培训课程。
    async fn create_training_course(
        &self,
        ctx: &Context<'_>,
        input: CreateTrainingCourseInput,
    ) -> Result<TrainingCoursePayload> {
        let mut ids = InputIds::default();
        let draft = CourseDraft {
            provider_id: ids.required("providerId", NodeKind::College, &input.provider_id),
            title: input.title,
            description: input.description,
            kind: input.kind.into(),
            certificate_id: ids.optional(
                "certificateId",
                NodeKind::Certificate,
                input.certificate_id.as_ref(),
            ),
            hours: input.hours,
            capacity: input.capacity,
            fee: input.fee,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            schedule: input.schedule,
            region_id: ids.optional("regionId", NodeKind::Region, input.region_id.as_ref()),
        };
        if let Some(user_errors) = ids.into_errors() {
            return Ok(TrainingCoursePayload {
                training_course: None,
                user_errors,
                searchable: None,
            });
        }
        let wait = input.wait_until_searchable;
        let (training_course, user_errors, searchable) = written(
            ctx,
            course_service::create(database(ctx)?, actor(ctx), draft).await,
            TrainingCourse,
            wait,
        )
        .await?;
        Ok(TrainingCoursePayload {
            training_course,
            user_errors,
            searchable,
        })
    }

    /// 修改培训课程。
    async fn update_training_course(
        &self,
        ctx: &Context<'_>,
        input: UpdateTrainingCourseInput,
    ) -> Result<TrainingCoursePayload> {
        let mut ids = InputIds::default();
        let id = ids.required("id", NodeKind::TrainingCourse, &input.id);
        let changes = CoursePatch {
            title: input.title,
            description: input.description,
            kind: input.kind.map(Into::into),
            certificate_id: ids.patch("certificateId", NodeKind::Certificate, input.certificate_id),
            hours: input.hours,
            capacity: input.capacity,
            fee: input.fee,
            starts_on: patch(input.starts_on),
            ends_on: patch(input.ends_on),
            schedule: input.schedule,
            region_id: ids.patch("regionId", NodeKind::Region, input.region_id),
        };
        if let Some(user_errors) = ids.into_errors() {
            return Ok(TrainingCoursePayload {
                training_course: None,
                user_errors,
                searchable: None,
            });
        }
        let wait = input.wait_until_searchable;
        let (training_course, user_errors, searchable) = written(
            ctx,
            course_service::update(database(ctx)?, actor(ctx), id, changes).await,
            TrainingCourse,
            wait,
        )
        .await?;
        Ok(TrainingCoursePayload {
            training_course,
            user_errors,
            searchable,
        })
    }
}
