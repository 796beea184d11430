//! An entry of the 职业教育专业目录(2021年): 专业大类, 专业类 or 专业.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::enums::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "catalogue_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub education_level: CatalogueLevel,
    pub item_level: CatalogueItemLevel,
    pub parent_id: Option<i32>,
    pub category_code: String,
    pub category_name: String,
    pub class_code: Option<String>,
    pub class_name: Option<String>,
    pub state_controlled: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
