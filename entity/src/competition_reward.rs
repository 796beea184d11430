//! A reward due to a person for one event (赛项) and year: the award it
//! pays for, its amount and where it is in its approval. A higher award
//! of the same event and year after submission adds a second reward for
//! the difference.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::RewardStatus;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "competition_reward")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    /// The event without whitespace: the key of the one-reward rule.
    pub event_key: String,
    pub year: i32,
    pub award_id: i32,
    pub amount: i64,
    pub table_from: Option<Date>,
    pub status: RewardStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
