//! An API token: a bearer secret bound to one role and organisation.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::enums::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "api_token")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Who or what the token is for, e.g. 「装备制造业协会 招聘系统」.
    pub name: String,
    /// SHA-256 of the token, hex; the token itself is never stored.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// The first characters of the token, to recognise it in lists.
    pub prefix: String,
    pub role: TokenRole,
    /// The association, college or enterprise the token acts for (none
    /// for admins).
    pub organisation_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
