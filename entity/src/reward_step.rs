//! One step of a reward's approval: the status it entered, who moved it
//! and when, with a note.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::RewardStatus;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "reward_step")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub reward_id: i32,
    pub status: RewardStatus,
    /// The token's name and role, or `hub` for the hub itself.
    pub actor: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
