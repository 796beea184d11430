//! What a program asks of enterprise experts: topics to teach or a course
//! to build, with occupations, hours and period.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{TeachingNeedKind, TeachingNeedStatus};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "teaching_need")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub program_id: i32,
    pub kind: TeachingNeedKind,
    pub title: String,
    /// Topics, as a JSON array of short labels.
    pub topics: Json,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// Teaching hours (学时) asked for.
    pub hours: i32,
    pub period_start: Date,
    pub period_end: Date,
    pub status: TeachingNeedStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
