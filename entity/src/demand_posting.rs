//! Talent demand published by an industry association.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::enums::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "demand_posting")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub association_id: i32,
    pub enterprise_id: Option<i32>,
    pub employer_name: Option<String>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub headcount: Option<i32>,
    pub region_id: Option<i32>,
    pub work_location: Option<String>,
    pub education_level: Option<EducationRequirement>,
    pub salary_min: Option<i32>,
    pub salary_max: Option<i32>,
    pub skills: Json,
    pub status: PostingStatus,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
    pub source: RecordSource,
    pub source_key: Option<String>,
    pub published_at: Option<DateTimeUtc>,
    /// When the hub last suggested occupations for the text (`None`: not
    /// yet, or the text changed since).
    pub suggested_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
