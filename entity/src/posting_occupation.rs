//! An occupation a demand posting asks for: a row of the link table `posting_occupation`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "posting_occupation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub posting_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub occupation_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
