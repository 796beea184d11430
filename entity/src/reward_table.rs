//! One dated version of the reward amounts (yuan per person), by level and
//! prize; an award is computed with the table in force on its date.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "reward_table")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub effective_from: Date,
    pub nation_first: i64,
    pub nation_second: i64,
    pub nation_third: i64,
    pub province_first: i64,
    pub province_second: i64,
    pub province_third: i64,
    pub city_first: i64,
    pub city_second: i64,
    pub city_third: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
