//! 新型学徒制 places or a production internship base offered by an enterprise.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::enums::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "apprenticeship_offer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub enterprise_id: i32,
    pub kind: OfferKind,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub places: i32,
    pub duration_months: i32,
    pub monthly_stipend: Option<i32>,
    pub partner_college_id: Option<i32>,
    pub region_id: Option<i32>,
    pub cooperation_start: Date,
    pub cooperation_end: Date,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
