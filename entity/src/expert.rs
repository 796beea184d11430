//! An enterprise engineer, highly skilled worker or industry expert who may
//! teach part-time at colleges or help build their courses.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{EducationAttained, ExpertKind, VocationalSkillLevel};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "expert")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The enterprise the expert works for, which keeps the record.
    pub enterprise_id: i32,
    pub name: String,
    pub kind: ExpertKind,
    /// Post at the enterprise, e.g. 数控车间主任.
    pub job_title: String,
    pub education: EducationAttained,
    pub skill_level: VocationalSkillLevel,
    /// Professional title, e.g. 高级工程师 (empty when none).
    pub professional_title: String,
    /// Whether the title is 副高级 or above.
    pub high_professional_title: bool,
    /// Years of enterprise work.
    pub enterprise_years: i32,
    /// Skills, as a JSON array of short labels.
    pub skills: Json,
    /// May teach part-time.
    pub teaches: bool,
    /// May help build courses.
    pub builds_courses: bool,
    /// Hours a week the expert can give.
    pub hours_per_week: i32,
    pub available_from: Option<Date>,
    pub available_until: Option<Date>,
    /// Free text on availability, e.g. 周六全天.
    pub availability_note: String,
    /// Contact details: shown only to the enterprise, the colleges the
    /// expert agreed to share with, and admins.
    pub phone: String,
    pub email: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
