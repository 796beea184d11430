//! An occupation an expert works in: a row of the link table `expert_occupation`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::LinkProvenance;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "expert_occupation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub expert_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub occupation_id: i32,
    /// Where the link came from.
    pub provenance: LinkProvenance,
    /// How sure the hub is of a suggested link (0 to 1).
    pub confidence: Option<f64>,
    /// When the link was set.
    pub linked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
