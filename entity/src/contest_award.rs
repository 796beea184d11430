//! A prize won in a contest, on a date; its winners are in `award_winner`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::Prize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "contest_award")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub contest_id: i32,
    pub prize: Prize,
    pub awarded_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
