//! The organisations that use the hub: industry associations, enterprises
//! and colleges (including regional training bases).

use async_graphql::{Context, InputObject, Object, Result, ID};
use entity::{college, enterprise, industry_association, region};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{
    common::{contains, filter_ids, filter_values},
    enums::{CollegeLevel, CollegeOwnership, EnterpriseSize},
    loaders::{database, load_optional},
    postings::{postings_connection, DemandPosting, DemandPostingFilter, DemandPostingOrder},
    programs::{programs_connection, Program, ProgramFilter},
    reference::Region,
    supply::{
        courses_connection, offers_connection, ApprenticeshipOffer, ApprenticeshipOfferFilter,
        TrainingCourse, TrainingCourseFilter,
    },
};
use crate::{
    ids::{encode, NodeKind},
    pagination::{paginate, HubConnection, PageArgs, SortKey, SortValue},
};

/// 行业协会：收集并发布本行业的人才需求。
pub struct IndustryAssociation(pub industry_association::Model);

#[Object]
impl IndustryAssociation {
    pub async fn id(&self) -> ID {
        encode(NodeKind::IndustryAssociation, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// 所属行业，如「装备制造」。
    async fn sector(&self) -> &str {
        &self.0.sector
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<Region>> {
        Ok(load_optional::<region::Entity>(ctx, self.0.region_id)
            .await?
            .map(Region))
    }
    /// 本协会发布的需求信息（默认仅已发布的）。
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
        let mut filter = filter.unwrap_or_default();
        filter.association_id = Some(encode(NodeKind::IndustryAssociation, self.0.id));
        postings_connection(
            ctx,
            filter,
            order_by,
            PageArgs::new(ctx, first, after, last, before),
        )
        .await
    }
}

/// 企业：用人、提供学徒岗位和实习基地。
pub struct Enterprise(pub enterprise::Model);

#[Object]
impl Enterprise {
    pub async fn id(&self) -> ID {
        encode(NodeKind::Enterprise, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// 所属行业。
    async fn industry(&self) -> &str {
        &self.0.industry
    }
    async fn size(&self) -> EnterpriseSize {
        self.0.size.into()
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<Region>> {
        Ok(load_optional::<region::Entity>(ctx, self.0.region_id)
            .await?
            .map(Region))
    }
    /// 企业所属的行业协会。
    async fn association(&self, ctx: &Context<'_>) -> Result<Option<IndustryAssociation>> {
        Ok(
            load_optional::<industry_association::Entity>(ctx, self.0.association_id)
                .await?
                .map(IndustryAssociation),
        )
    }
    /// 本企业提供的学徒岗位和实习基地。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn apprenticeship_offers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<ApprenticeshipOffer>> {
        let filter = ApprenticeshipOfferFilter {
            enterprise_id: Some(encode(NodeKind::Enterprise, self.0.id)),
            ..Default::default()
        };
        offers_connection(ctx, filter, PageArgs::new(ctx, first, after, last, before)).await
    }
    /// 本企业专家库中的专家（联系方式的可见范围见 `Expert.contact`）。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn experts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<super::experts::Expert>> {
        let filter = super::experts::ExpertFilter {
            enterprise_id: Some(encode(NodeKind::Enterprise, self.0.id)),
            ..Default::default()
        };
        super::experts::experts_connection(
            ctx,
            filter,
            PageArgs::new(ctx, first, after, last, before),
        )
        .await
    }
}

/// 院校或区域培训基地。
pub struct College(pub college::Model);

#[Object]
impl College {
    pub async fn id(&self) -> ID {
        encode(NodeKind::College, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// 院校类型（中职、高职专科、职业本科、普通本科、培训基地）。
    async fn level(&self) -> CollegeLevel {
        self.0.level.into()
    }
    /// 举办者（市属、省属……）。
    async fn ownership(&self) -> CollegeOwnership {
        self.0.ownership.into()
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<Region>> {
        Ok(load_optional::<region::Entity>(ctx, self.0.region_id)
            .await?
            .map(Region))
    }
    /// 本校开设的专业。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn programs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<Program>> {
        let filter = ProgramFilter {
            college_ids: Some(vec![encode(NodeKind::College, self.0.id)]),
            ..Default::default()
        };
        programs_connection(ctx, filter, PageArgs::new(ctx, first, after, last, before)).await
    }
    /// 本校面向社会开设的培训课程。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn training_courses(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<TrainingCourse>> {
        let filter = TrainingCourseFilter {
            provider_id: Some(encode(NodeKind::College, self.0.id)),
            ..Default::default()
        };
        courses_connection(ctx, filter, PageArgs::new(ctx, first, after, last, before)).await
    }
}

/// Filters of `industryAssociations`.
#[derive(InputObject, Default)]
pub struct IndustryAssociationFilter {
    /// 行业名称包含此文本。
    pub sector_contains: Option<String>,
    /// 名称包含此文本。
    pub name_contains: Option<String>,
}

/// Filters of `enterprises`; all given filters must hold.
#[derive(InputObject, Default)]
pub struct EnterpriseFilter {
    pub region_ids: Option<Vec<ID>>,
    pub association_id: Option<ID>,
    pub sizes: Option<Vec<EnterpriseSize>>,
    /// 行业包含此文本。
    pub industry_contains: Option<String>,
    /// 名称包含此文本。
    pub name_contains: Option<String>,
}

/// Filters of `colleges`; all given filters must hold.
#[derive(InputObject, Default)]
pub struct CollegeFilter {
    pub levels: Option<Vec<CollegeLevel>>,
    pub ownerships: Option<Vec<CollegeOwnership>>,
    pub region_ids: Option<Vec<ID>>,
    /// 名称包含此文本。
    pub name_contains: Option<String>,
}

macro_rules! by_id_key {
    ($module:ident) => {
        SortKey::<$module::Entity> {
            name: "id",
            column: $module::Column::Id,
            descending: false,
            id_column: $module::Column::Id,
            value: |row| SortValue::Int(row.id.into()),
            id: |row| row.id,
        }
    };
}
pub(crate) use by_id_key;

#[derive(Default)]
pub struct OrganisationQuery;

#[Object]
impl OrganisationQuery {
    /// 行业协会。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn industry_associations(
        &self,
        ctx: &Context<'_>,
        filter: Option<IndustryAssociationFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<IndustryAssociation>> {
        let filter = filter.unwrap_or_default();
        let mut select = industry_association::Entity::find();
        if let Some(text) = filter.sector_contains {
            select = select.filter(contains(industry_association::Column::Sector, &text));
        }
        if let Some(text) = filter.name_contains {
            select = select.filter(contains(industry_association::Column::Name, &text));
        }
        let key = by_id_key!(industry_association);
        let page = paginate(
            database(ctx)?,
            select,
            &key,
            PageArgs::new(ctx, first, after, last, before),
        )
        .await?;
        Ok(page.into_connection(IndustryAssociation))
    }

    /// 企业。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn enterprises(
        &self,
        ctx: &Context<'_>,
        filter: Option<EnterpriseFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<Enterprise>> {
        let filter = filter.unwrap_or_default();
        let mut select = enterprise::Entity::find();
        if let Some(ids) = filter.region_ids {
            select = select
                .filter(enterprise::Column::RegionId.is_in(filter_ids(NodeKind::Region, &ids)?));
        }
        if let Some(id) = filter.association_id {
            let ids = filter_ids(NodeKind::IndustryAssociation, &[id])?;
            select = select.filter(enterprise::Column::AssociationId.is_in(ids));
        }
        if let Some(sizes) = filter.sizes {
            let sizes: Vec<entity::enums::EnterpriseSize> = filter_values("sizes", sizes)?;
            select = select.filter(enterprise::Column::Size.is_in(sizes));
        }
        if let Some(text) = filter.industry_contains {
            select = select.filter(contains(enterprise::Column::Industry, &text));
        }
        if let Some(text) = filter.name_contains {
            select = select.filter(contains(enterprise::Column::Name, &text));
        }
        let key = by_id_key!(enterprise);
        let page = paginate(
            database(ctx)?,
            select,
            &key,
            PageArgs::new(ctx, first, after, last, before),
        )
        .await?;
        Ok(page.into_connection(Enterprise))
    }

    /// 院校和区域培训基地。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn colleges(
        &self,
        ctx: &Context<'_>,
        filter: Option<CollegeFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<College>> {
        let filter = filter.unwrap_or_default();
        let mut select = college::Entity::find();
        if let Some(levels) = filter.levels {
            let levels: Vec<entity::enums::CollegeLevel> = filter_values("levels", levels)?;
            select = select.filter(college::Column::Level.is_in(levels));
        }
        if let Some(ownerships) = filter.ownerships {
            let ownerships: Vec<entity::enums::CollegeOwnership> =
                filter_values("ownerships", ownerships)?;
            select = select.filter(college::Column::Ownership.is_in(ownerships));
        }
        if let Some(ids) = filter.region_ids {
            select =
                select.filter(college::Column::RegionId.is_in(filter_ids(NodeKind::Region, &ids)?));
        }
        if let Some(text) = filter.name_contains {
            select = select.filter(contains(college::Column::Name, &text));
        }
        let key = by_id_key!(college);
        let page = paginate(
            database(ctx)?,
            select,
            &key,
            PageArgs::new(ctx, first, after, last, before),
        )
        .await?;
        Ok(page.into_connection(College))
    }
}
