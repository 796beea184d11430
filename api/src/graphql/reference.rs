//! Reference data: regions of 吉林市, the 2021 program catalogue, the 2022
//! occupation classification and skill level certificates.

use async_graphql::{Context, InputObject, Object, Result, ID};
use entity::{
    catalogue_entry, certificate, certificate_catalogue_entry, certificate_occupation, occupation,
    region,
};
use sea_orm::{sea_query::ExprTrait, ColumnTrait, EntityTrait, QueryFilter};

use super::{
    common::{contains, escape_like, filter_ids, filter_values, linked_to_occupation_prefix},
    enums::{CatalogueItemLevel, CatalogueLevel, RegionKind},
    loaders::{database, load_linked, load_optional},
};
use crate::{
    ids::{encode, NodeKind},
    pagination::{paginate, HubConnection, PageArgs, SortKey, SortValue},
};

/// 吉林市的区、县、县级市或开发区，或吉林市本身。
pub struct Region(pub region::Model);

#[Object]
impl Region {
    pub async fn id(&self) -> ID {
        encode(NodeKind::Region, self.0.id)
    }
    /// 行政区划代码（无正式代码的开发区为 `220200-` 加后缀）。
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// 名称，如「昌邑区」。
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> RegionKind {
        self.0.kind.into()
    }
    /// 上级地区（吉林市本身没有）。
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Region>> {
        Ok(load_optional::<region::Entity>(ctx, self.0.parent_id)
            .await?
            .map(Region))
    }
}

/// 职业教育专业目录(2021年)的一项：专业大类、专业类或专业。
pub struct CatalogueEntry(pub catalogue_entry::Model);

#[Object]
impl CatalogueEntry {
    pub async fn id(&self) -> ID {
        encode(NodeKind::CatalogueEntry, self.0.id)
    }
    /// 专业代码，如 `460305`；国家控制专业带 `K` 后缀，如 `520101K`。
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// 教育层次：中职、高职专科或职业本科。
    async fn education_level(&self) -> CatalogueLevel {
        self.0.education_level.into()
    }
    /// 层级：专业大类、专业类或专业。
    async fn item_level(&self) -> CatalogueItemLevel {
        self.0.item_level.into()
    }
    /// 是否国家控制专业。
    async fn state_controlled(&self) -> bool {
        self.0.state_controlled
    }
    async fn category_code(&self) -> &str {
        &self.0.category_code
    }
    /// 所属专业大类名称。
    async fn category_name(&self) -> &str {
        &self.0.category_name
    }
    async fn class_code(&self) -> Option<&str> {
        self.0.class_code.as_deref()
    }
    /// 所属专业类名称（专业大类没有）。
    async fn class_name(&self) -> Option<&str> {
        self.0.class_name.as_deref()
    }
    /// 上一级：专业的专业类，专业类的专业大类。
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<CatalogueEntry>> {
        Ok(
            load_optional::<catalogue_entry::Entity>(ctx, self.0.parent_id)
                .await?
                .map(CatalogueEntry),
        )
    }
}

/// 职业分类大典(2022年版)的一个职业（细类）。
pub struct Occupation(pub occupation::Model);

#[Object]
impl Occupation {
    pub async fn id(&self) -> ID {
        encode(NodeKind::Occupation, self.0.id)
    }
    /// 职业编码，如 `6-18-02-04`。
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// 职业定义（含义）。
    async fn definition(&self) -> &str {
        &self.0.definition
    }
    /// 主要工作任务，每项一行。
    async fn main_tasks(&self) -> Vec<&str> {
        self.0
            .main_tasks
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect()
    }
    /// 是否数字职业（标注 S）。
    async fn is_digital(&self) -> bool {
        self.0.is_digital
    }
    /// 是否绿色职业（标注 L）。
    async fn is_green(&self) -> bool {
        self.0.is_green
    }
    /// 大类编码，如 `6`。
    async fn major_code(&self) -> &str {
        &self.0.major_code
    }
    async fn major_name(&self) -> &str {
        &self.0.major_name
    }
    /// 中类编码，如 `6-18`。
    async fn medium_code(&self) -> &str {
        &self.0.medium_code
    }
    async fn medium_name(&self) -> &str {
        &self.0.medium_name
    }
    /// 小类编码，如 `6-18-02`。
    async fn minor_code(&self) -> &str {
        &self.0.minor_code
    }
    async fn minor_name(&self) -> &str {
        &self.0.minor_name
    }
}

/// 职业技能等级证书（1+X 中的 X）。
pub struct Certificate(pub certificate::Model);

#[Object]
impl Certificate {
    pub async fn id(&self) -> ID {
        encode(NodeKind::Certificate, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// 培训评价组织。
    async fn issuer(&self) -> &str {
        &self.0.issuer
    }
    /// 等级，如 初级、中级、高级。
    async fn levels(&self) -> Vec<String> {
        serde_json::from_value(self.0.levels.clone()).unwrap_or_default()
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// 对应的专业目录条目。
    async fn catalogue_entries(&self, ctx: &Context<'_>) -> Result<Vec<CatalogueEntry>> {
        let rows = load_linked::<certificate_catalogue_entry::Entity, catalogue_entry::Entity>(
            ctx, self.0.id,
        )
        .await?;
        Ok(rows.into_iter().map(CatalogueEntry).collect())
    }
    /// 对应的职业。
    async fn occupations(&self, ctx: &Context<'_>) -> Result<Vec<Occupation>> {
        let rows =
            load_linked::<certificate_occupation::Entity, occupation::Entity>(ctx, self.0.id)
                .await?;
        Ok(rows.into_iter().map(Occupation).collect())
    }
}

/// Filters of `regions`.
#[derive(InputObject, Default)]
pub struct RegionFilter {
    /// Only regions of these kinds.
    pub kinds: Option<Vec<RegionKind>>,
}

/// Filters of `catalogueEntries`; all given filters must hold.
#[derive(InputObject, Default)]
pub struct CatalogueFilter {
    /// 教育层次。
    pub education_level: Option<CatalogueLevel>,
    /// 层级（专业大类/专业类/专业）。
    pub item_level: Option<CatalogueItemLevel>,
    /// 专业大类代码，如 `46`。
    pub category_code: Option<String>,
    /// 专业类代码，如 `4603`。
    pub class_code: Option<String>,
    /// 上级条目的代码（列出某一专业类下的专业）。
    pub parent_code: Option<String>,
    /// 名称包含此文本。
    pub name_contains: Option<String>,
}

/// Filters of `occupations`; all given filters must hold.
#[derive(InputObject, Default)]
pub struct OccupationFilter {
    /// 编码前缀：`6` 大类、`6-18` 中类、`6-18-02` 小类。
    pub code_prefix: Option<String>,
    pub major_code: Option<String>,
    pub medium_code: Option<String>,
    pub minor_code: Option<String>,
    /// 仅数字职业。
    pub is_digital: Option<bool>,
    /// 仅绿色职业。
    pub is_green: Option<bool>,
    /// 名称包含此文本。
    pub name_contains: Option<String>,
}

/// Filters of `certificates`; all given filters must hold.
#[derive(InputObject, Default)]
pub struct CertificateFilter {
    /// 与此专业目录条目（代码）对应的证书。
    pub catalogue_code: Option<String>,
    /// 与此职业编码（或前缀）对应的证书。
    pub occupation_code: Option<String>,
    /// 与这些专业目录条目之一对应的证书。
    pub catalogue_entry_ids: Option<Vec<ID>>,
    /// 名称包含此文本。
    pub name_contains: Option<String>,
}

fn region_key() -> SortKey<region::Entity> {
    SortKey {
        name: "code",
        column: region::Column::Code,
        descending: false,
        id_column: region::Column::Id,
        value: |row| SortValue::Text(row.code.clone()),
        id: |row| row.id,
    }
}

fn catalogue_key() -> SortKey<catalogue_entry::Entity> {
    SortKey {
        name: "code",
        column: catalogue_entry::Column::Code,
        descending: false,
        id_column: catalogue_entry::Column::Id,
        value: |row| SortValue::Text(row.code.clone()),
        id: |row| row.id,
    }
}

fn occupation_key() -> SortKey<occupation::Entity> {
    SortKey {
        name: "code",
        column: occupation::Column::Code,
        descending: false,
        id_column: occupation::Column::Id,
        value: |row| SortValue::Text(row.code.clone()),
        id: |row| row.id,
    }
}

fn certificate_key() -> SortKey<certificate::Entity> {
    SortKey {
        name: "id",
        column: certificate::Column::Id,
        descending: false,
        id_column: certificate::Column::Id,
        value: |row| SortValue::Int(row.id.into()),
        id: |row| row.id,
    }
}

#[derive(Default)]
pub struct ReferenceQuery;

#[Object]
impl ReferenceQuery {
    /// 吉林市的地区，按行政区划代码排序。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn regions(
        &self,
        ctx: &Context<'_>,
        filter: Option<RegionFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<Region>> {
        let filter = filter.unwrap_or_default();
        let mut select = region::Entity::find();
        if let Some(kinds) = filter.kinds {
            let kinds: Vec<entity::enums::RegionKind> = filter_values("kinds", kinds)?;
            select = select.filter(region::Column::Kind.is_in(kinds));
        }
        let page = paginate(
            database(ctx)?,
            select,
            &region_key(),
            PageArgs::new(ctx, first, after, last, before),
        )
        .await?;
        Ok(page.into_connection(Region))
    }

    /// 职业教育专业目录(2021年)，按专业代码排序。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn catalogue_entries(
        &self,
        ctx: &Context<'_>,
        filter: Option<CatalogueFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<CatalogueEntry>> {
        let filter = filter.unwrap_or_default();
        let db = database(ctx)?;
        let mut select = catalogue_entry::Entity::find();
        if let Some(level) = filter.education_level {
            select = select.filter(
                catalogue_entry::Column::EducationLevel
                    .eq(entity::enums::CatalogueLevel::from(level)),
            );
        }
        if let Some(level) = filter.item_level {
            select = select.filter(
                catalogue_entry::Column::ItemLevel
                    .eq(entity::enums::CatalogueItemLevel::from(level)),
            );
        }
        if let Some(code) = filter.category_code {
            select = select.filter(catalogue_entry::Column::CategoryCode.eq(code.trim()));
        }
        if let Some(code) = filter.class_code {
            select = select.filter(catalogue_entry::Column::ClassCode.eq(code.trim()));
        }
        if let Some(code) = filter.parent_code {
            let parent = catalogue_entry::Entity::find()
                .filter(catalogue_entry::Column::Code.eq(code.trim()))
                .one(db)
                .await?;
            select = select
                .filter(catalogue_entry::Column::ParentId.eq(parent.map(|p| p.id).unwrap_or(0)));
        }
        if let Some(text) = filter.name_contains {
            select = select.filter(contains(catalogue_entry::Column::Name, &text));
        }
        let page = paginate(
            db,
            select,
            &catalogue_key(),
            PageArgs::new(ctx, first, after, last, before),
        )
        .await?;
        Ok(page.into_connection(CatalogueEntry))
    }

    /// 按代码查专业目录条目，如 `460305` 或 `520101K`。
    async fn catalogue_entry(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> Result<Option<CatalogueEntry>> {
        let entry = catalogue_entry::Entity::find()
            .filter(catalogue_entry::Column::Code.eq(code.trim()))
            .one(database(ctx)?)
            .await?;
        Ok(entry.map(CatalogueEntry))
    }

    /// 职业分类大典(2022年版)的职业，按职业编码排序。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn occupations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OccupationFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<Occupation>> {
        let filter = filter.unwrap_or_default();
        let mut select = occupation::Entity::find();
        if let Some(prefix) = filter.code_prefix {
            let pattern = format!("{}%", escape_like(prefix.trim()));
            select = select.filter(
                sea_orm::sea_query::Expr::col(occupation::Column::Code)
                    .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')),
            );
        }
        if let Some(code) = filter.major_code {
            select = select.filter(occupation::Column::MajorCode.eq(code.trim()));
        }
        if let Some(code) = filter.medium_code {
            select = select.filter(occupation::Column::MediumCode.eq(code.trim()));
        }
        if let Some(code) = filter.minor_code {
            select = select.filter(occupation::Column::MinorCode.eq(code.trim()));
        }
        if let Some(flag) = filter.is_digital {
            select = select.filter(occupation::Column::IsDigital.eq(flag));
        }
        if let Some(flag) = filter.is_green {
            select = select.filter(occupation::Column::IsGreen.eq(flag));
        }
        if let Some(text) = filter.name_contains {
            select = select.filter(contains(occupation::Column::Name, &text));
        }
        let page = paginate(
            database(ctx)?,
            select,
            &occupation_key(),
            PageArgs::new(ctx, first, after, last, before),
        )
        .await?;
        Ok(page.into_connection(Occupation))
    }

    /// 按编码查职业，如 `6-18-02-04`。
    async fn occupation(&self, ctx: &Context<'_>, code: String) -> Result<Option<Occupation>> {
        let found = occupation::Entity::find()
            .filter(occupation::Column::Code.eq(code.trim()))
            .one(database(ctx)?)
            .await?;
        Ok(found.map(Occupation))
    }

    /// 职业技能等级证书。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn certificates(
        &self,
        ctx: &Context<'_>,
        filter: Option<CertificateFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<Certificate>> {
        use sea_orm::sea_query::{Expr, Query};
        let filter = filter.unwrap_or_default();
        let mut select = certificate::Entity::find();
        if let Some(code) = filter.catalogue_code {
            let subquery = Query::select()
                .column(("certificate_catalogue_entry", "certificate_id"))
                .from("certificate_catalogue_entry")
                .inner_join(
                    "catalogue_entry",
                    Expr::col(("catalogue_entry", "id"))
                        .equals(("certificate_catalogue_entry", "catalogue_entry_id")),
                )
                .and_where(Expr::col(("catalogue_entry", "code")).eq(code.trim()))
                .take();
            select = select.filter(certificate::Column::Id.in_subquery(subquery));
        }
        if let Some(ids) = filter.catalogue_entry_ids {
            let ids = filter_ids(NodeKind::CatalogueEntry, &ids)?;
            let subquery = Query::select()
                .column("certificate_id")
                .from("certificate_catalogue_entry")
                .and_where(Expr::col("catalogue_entry_id").is_in(ids))
                .take();
            select = select.filter(certificate::Column::Id.in_subquery(subquery));
        }
        if let Some(code) = filter.occupation_code {
            select = select.filter(linked_to_occupation_prefix(
                certificate::Column::Id,
                "certificate_occupation",
                "certificate_id",
                &code,
            ));
        }
        if let Some(text) = filter.name_contains {
            select = select.filter(contains(certificate::Column::Name, &text));
        }
        let page = paginate(
            database(ctx)?,
            select,
            &certificate_key(),
            PageArgs::new(ctx, first, after, last, before),
        )
        .await?;
        Ok(page.into_connection(Certificate))
    }
}
