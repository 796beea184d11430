//! A person's part in an award: student, competing teacher or instructor.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::Participation;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "award_winner")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub award_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i32,
    pub participation: Participation,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
