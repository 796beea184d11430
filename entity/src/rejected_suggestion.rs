//! An occupation the owner of a posting or program rejected as a
//! suggestion: it is not suggested again for that object.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "rejected_suggestion")]
pub struct Model {
    /// `demand_posting` or `program`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject_kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub occupation_id: i32,
    /// The token that rejected it (none for the hub itself).
    pub rejected_by: Option<i32>,
    pub rejected_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
