//! A 职业启蒙, labour-education or vocational-experience activity held at a
//! college base, with its participant count.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::OutreachKind;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "outreach_activity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub college_id: i32,
    pub kind: OutreachKind,
    pub title: String,
    pub held_on: Date,
    pub participants: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
