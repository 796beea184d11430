//! A college an expert agreed to share contact details with.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "expert_contact_share")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub expert_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub college_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
