//! A program that a college runs, on the 2021 catalogue where it matches.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::enums::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "program")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub college_id: i32,
    pub catalogue_entry_id: Option<i32>,
    pub name: String,
    pub enrolment_plan: Option<i32>,
    pub graduates_per_year: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub source: RecordSource,
    /// When the hub last suggested occupations for the text (`None`: not
    /// yet, or the text changed since).
    pub suggested_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
