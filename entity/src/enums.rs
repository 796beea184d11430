//! Enumerations stored as strings in the database.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// 吉林市 region kinds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RegionKind {
    #[sea_orm(string_value = "CITY")]
    City,
    #[sea_orm(string_value = "DISTRICT")]
    District,
    #[sea_orm(string_value = "COUNTY")]
    County,
    #[sea_orm(string_value = "COUNTY_CITY")]
    CountyCity,
    #[sea_orm(string_value = "DEVELOPMENT_ZONE")]
    DevelopmentZone,
}

/// Education level of a catalogue entry (中职, 高职专科, 职业本科).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CatalogueLevel {
    #[sea_orm(string_value = "VOCATIONAL_SECONDARY")]
    VocationalSecondary,
    #[sea_orm(string_value = "VOCATIONAL_ASSOCIATE")]
    VocationalAssociate,
    #[sea_orm(string_value = "VOCATIONAL_BACHELOR")]
    VocationalBachelor,
}

/// Depth in the catalogue: 专业大类, 专业类, 专业.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CatalogueItemLevel {
    #[sea_orm(string_value = "CATEGORY")]
    Category,
    #[sea_orm(string_value = "CLASS")]
    Class,
    #[sea_orm(string_value = "MAJOR")]
    Major,
}

/// What kind of school a college is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CollegeLevel {
    #[sea_orm(string_value = "SECONDARY_VOCATIONAL")]
    SecondaryVocational,
    #[sea_orm(string_value = "HIGHER_VOCATIONAL")]
    HigherVocational,
    #[sea_orm(string_value = "VOCATIONAL_BACHELOR")]
    VocationalBachelor,
    #[sea_orm(string_value = "UNDERGRADUATE")]
    Undergraduate,
    #[sea_orm(string_value = "TRAINING_BASE")]
    TrainingBase,
}

/// Who runs a college (市属, 省属, ...).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CollegeOwnership {
    #[sea_orm(string_value = "CITY")]
    City,
    #[sea_orm(string_value = "PROVINCE")]
    Province,
    #[sea_orm(string_value = "NATIONAL")]
    National,
    #[sea_orm(string_value = "PRIVATE")]
    Private,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Enterprise size class.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EnterpriseSize {
    #[sea_orm(string_value = "MICRO")]
    Micro,
    #[sea_orm(string_value = "SMALL")]
    Small,
    #[sea_orm(string_value = "MEDIUM")]
    Medium,
    #[sea_orm(string_value = "LARGE")]
    Large,
}

/// Minimum education a posting asks for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EducationRequirement {
    #[sea_orm(string_value = "ANY")]
    Any,
    #[sea_orm(string_value = "JUNIOR_SECONDARY")]
    JuniorSecondary,
    #[sea_orm(string_value = "SENIOR_SECONDARY")]
    SeniorSecondary,
    #[sea_orm(string_value = "ASSOCIATE")]
    Associate,
    #[sea_orm(string_value = "BACHELOR")]
    Bachelor,
    #[sea_orm(string_value = "MASTER")]
    Master,
    #[sea_orm(string_value = "DOCTORATE")]
    Doctorate,
}

/// Life cycle of a demand posting: draft → published → closed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PostingStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

/// Where a row came from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecordSource {
    #[sea_orm(string_value = "MANUAL")]
    Manual,
    #[sea_orm(string_value = "IMPORTED")]
    Imported,
    #[sea_orm(string_value = "DEMO")]
    Demo,
}

/// 新型学徒制 places or a production internship base.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OfferKind {
    #[sea_orm(string_value = "APPRENTICESHIP")]
    Apprenticeship,
    #[sea_orm(string_value = "INTERNSHIP_BASE")]
    InternshipBase,
}

/// Kind of public training course.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CourseKind {
    #[sea_orm(string_value = "PRACTICAL_TECHNOLOGY")]
    PracticalTechnology,
    #[sea_orm(string_value = "SKILL_APPRAISAL")]
    SkillAppraisal,
    #[sea_orm(string_value = "CERTIFICATE_TRAINING")]
    CertificateTraining,
}

/// What a change-log row records.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChangeOperation {
    #[sea_orm(string_value = "CREATE")]
    Create,
    #[sea_orm(string_value = "UPDATE")]
    Update,
    #[sea_orm(string_value = "DELETE")]
    Delete,
}

/// Where a link between supply or demand and an occupation or certificate
/// came from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LinkProvenance {
    /// Set by the owner.
    #[sea_orm(string_value = "DECLARED")]
    Declared,
    /// Suggested by the hub, then confirmed by the owner.
    #[sea_orm(string_value = "CONFIRMED")]
    Confirmed,
    /// Suggested by the hub from the text; not confirmed.
    #[sea_orm(string_value = "SUGGESTED")]
    Suggested,
    /// Came with imported data.
    #[sea_orm(string_value = "IMPORTED")]
    Imported,
}

/// What an API token may do: manage everything (admin) or write for one
/// organisation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TokenRole {
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "ASSOCIATION")]
    Association,
    #[sea_orm(string_value = "COLLEGE")]
    College,
    #[sea_orm(string_value = "ENTERPRISE")]
    Enterprise,
    /// 市人社局: approves and pays skill-competition rewards.
    #[sea_orm(string_value = "HR_BUREAU")]
    HrBureau,
}

impl CatalogueLevel {
    /// The level's name as the catalogue writes it.
    pub fn label(self) -> &'static str {
        match self {
            CatalogueLevel::VocationalSecondary => "中等职业教育",
            CatalogueLevel::VocationalAssociate => "高等职业教育专科",
            CatalogueLevel::VocationalBachelor => "高等职业教育本科",
        }
    }
}

impl EducationRequirement {
    /// The requirement as postings write it.
    pub fn label(self) -> &'static str {
        match self {
            EducationRequirement::Any => "不限",
            EducationRequirement::JuniorSecondary => "初中及以下",
            EducationRequirement::SeniorSecondary => "高中/中专/中职",
            EducationRequirement::Associate => "大专（高职专科）",
            EducationRequirement::Bachelor => "本科（含职业本科）",
            EducationRequirement::Master => "硕士",
            EducationRequirement::Doctorate => "博士",
        }
    }
}

/// Level of a skill contest.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContestLevel {
    /// 全市
    #[sea_orm(string_value = "CITY")]
    City,
    /// 全省
    #[sea_orm(string_value = "PROVINCE")]
    Province,
    /// 全国
    #[sea_orm(string_value = "NATION")]
    Nation,
}

/// Who runs a skill contest: decides whether its rewards are halved.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContestOrganiser {
    /// 职业院校技能大赛 of its level, including the 教师教学能力比赛: full amounts.
    #[sea_orm(string_value = "VOCATIONAL_COLLEGE_CONTEST")]
    VocationalCollegeContest,
    /// An international industry organisation: the 全国 amounts, halved.
    #[sea_orm(string_value = "INTERNATIONAL_ORGANISATION")]
    InternationalOrganisation,
    /// A national industry association, a society or another social organisation: its level's amounts, halved.
    #[sea_orm(string_value = "SOCIAL_ORGANISATION")]
    SocialOrganisation,
}

/// A contest prize.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Prize {
    /// 一等奖
    #[sea_orm(string_value = "FIRST")]
    First,
    /// 二等奖
    #[sea_orm(string_value = "SECOND")]
    Second,
    /// 三等奖
    #[sea_orm(string_value = "THIRD")]
    Third,
    /// Any lower prize (优秀奖 and the like): no reward.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// How a person took part in an award.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Participation {
    /// A student who competed.
    #[sea_orm(string_value = "STUDENT")]
    Student,
    /// A teacher who competed.
    #[sea_orm(string_value = "TEACHER")]
    Teacher,
    /// 指导教师 of the winning entry: the student amount of the award.
    #[sea_orm(string_value = "INSTRUCTOR")]
    Instructor,
}

/// Where a competition reward is in its approval.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RewardStatus {
    /// Computed from the awards, not yet submitted.
    #[sea_orm(string_value = "RECORDED")]
    Recorded,
    /// Submitted by the college for approval.
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    /// Approved by 市人社局.
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    /// Returned by 市人社局 with a note; the college may submit it again.
    #[sea_orm(string_value = "RETURNED")]
    Returned,
    /// Paid.
    #[sea_orm(string_value = "PAID")]
    Paid,
    /// No longer due (a higher award of the same event and year replaced it before submission).
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

/// Kind of activity held at a college base for the public (§二(一)).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OutreachKind {
    /// 职业启蒙教育
    #[sea_orm(string_value = "CAREER_AWAKENING")]
    CareerAwakening,
    /// 劳动教育
    #[sea_orm(string_value = "LABOUR_EDUCATION")]
    LabourEducation,
    /// 职业体验
    #[sea_orm(string_value = "VOCATIONAL_EXPERIENCE")]
    VocationalExperience,
}

/// What kind of expert of the pool (§二(二)).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExpertKind {
    /// 企业工程技术人员
    #[sea_orm(string_value = "ENGINEER")]
    Engineer,
    /// 高技能人才
    #[sea_orm(string_value = "SKILLED_WORKER")]
    SkilledWorker,
    /// 行业专家
    #[sea_orm(string_value = "INDUSTRY_EXPERT")]
    IndustryExpert,
}

/// Highest education completed, in ascending order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EducationAttained {
    /// 高中、中职及以下
    #[sea_orm(string_value = "BELOW_ASSOCIATE")]
    BelowAssociate,
    /// 大专（高职）
    #[sea_orm(string_value = "ASSOCIATE")]
    Associate,
    /// 本科
    #[sea_orm(string_value = "BACHELOR")]
    Bachelor,
    /// 硕士研究生
    #[sea_orm(string_value = "MASTER")]
    Master,
    /// 博士研究生
    #[sea_orm(string_value = "DOCTOR")]
    Doctor,
}

/// Vocational skill level (职业技能等级), in ascending order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VocationalSkillLevel {
    /// 无
    #[sea_orm(string_value = "NONE")]
    None,
    /// 初级工、中级工、高级工
    #[sea_orm(string_value = "WORKER")]
    Worker,
    /// 技师
    #[sea_orm(string_value = "TECHNICIAN")]
    Technician,
    /// 高级技师
    #[sea_orm(string_value = "SENIOR_TECHNICIAN")]
    SeniorTechnician,
}

/// What a program's teaching need asks of an expert.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TeachingNeedKind {
    /// 兼职授课
    #[sea_orm(string_value = "TEACHING")]
    Teaching,
    /// 参与课程建设
    #[sea_orm(string_value = "COURSE_BUILDING")]
    CourseBuilding,
}

/// Whether a teaching need is still looking for experts.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TeachingNeedStatus {
    /// 征集中
    #[sea_orm(string_value = "OPEN")]
    Open,
    /// 已关闭
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}
