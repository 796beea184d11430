//! A skill contest (技能大赛) of one year: the event (赛项), its level and
//! who runs it.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{ContestLevel, ContestOrganiser};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "contest")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The contest, e.g. 全国职业院校技能大赛.
    pub name: String,
    /// The event (赛项), e.g. 数控车加工技术.
    pub event: String,
    pub year: i32,
    pub level: ContestLevel,
    pub organiser: ContestOrganiser,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
