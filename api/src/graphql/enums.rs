//! GraphQL enums, mirroring the stored enums of `entity::enums`.

use async_graphql::Enum;

/// 地区类型。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::RegionKind")]
pub enum RegionKind {
    /// 地级市
    City,
    /// 市辖区
    District,
    /// 县
    County,
    /// 县级市
    CountyCity,
    /// 开发区
    DevelopmentZone,
}

/// 专业目录的教育层次。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::CatalogueLevel")]
pub enum CatalogueLevel {
    /// 中等职业教育
    VocationalSecondary,
    /// 高等职业教育专科
    VocationalAssociate,
    /// 高等职业教育本科
    VocationalBachelor,
}

/// 专业目录的层级：专业大类、专业类、专业。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::CatalogueItemLevel")]
pub enum CatalogueItemLevel {
    /// 专业大类
    Category,
    /// 专业类
    Class,
    /// 专业
    Major,
}

/// 院校类型。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::CollegeLevel")]
pub enum CollegeLevel {
    /// 中等职业学校
    SecondaryVocational,
    /// 高职专科院校
    HigherVocational,
    /// 职业本科院校
    VocationalBachelor,
    /// 普通本科院校
    Undergraduate,
    /// 区域培训基地
    TrainingBase,
}

/// 院校举办者。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::CollegeOwnership")]
pub enum CollegeOwnership {
    /// 市属
    City,
    /// 省属
    Province,
    /// 部属
    National,
    /// 民办
    Private,
    /// 其他
    Other,
}

/// 企业规模。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::EnterpriseSize")]
pub enum EnterpriseSize {
    /// 微型
    Micro,
    /// 小型
    Small,
    /// 中型
    Medium,
    /// 大型
    Large,
}

/// 学历要求。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::EducationRequirement")]
pub enum EducationRequirement {
    /// 不限
    Any,
    /// 初中及以下
    JuniorSecondary,
    /// 高中/中专/中职
    SeniorSecondary,
    /// 大专（高职专科）
    Associate,
    /// 本科（含职业本科）
    Bachelor,
    /// 硕士
    Master,
    /// 博士
    Doctorate,
}

/// 需求信息状态：草稿 → 已发布 → 已关闭。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::PostingStatus")]
pub enum PostingStatus {
    /// 草稿，仅发布者可见
    Draft,
    /// 已发布
    Published,
    /// 已关闭
    Closed,
}

/// 数据来源。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::RecordSource")]
pub enum RecordSource {
    /// 通过接口录入
    Manual,
    /// 从文件导入
    Imported,
    /// 演示数据
    Demo,
}

/// 学徒岗位类型。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::OfferKind")]
pub enum OfferKind {
    /// 新型学徒制
    Apprenticeship,
    /// 生产性实习基地
    InternshipBase,
}

/// 培训类型。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::CourseKind")]
pub enum CourseKind {
    /// 实用技术培训
    PracticalTechnology,
    /// 技能鉴定培训
    SkillAppraisal,
    /// 证书培训
    CertificateTraining,
}

/// 排序方向。
#[derive(Enum, Copy, Clone, Debug, Default, Eq, PartialEq)]
pub enum SortDirection {
    /// 升序
    Asc,
    /// 降序
    #[default]
    Desc,
}

/// 专家类型。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::ExpertKind")]
pub enum ExpertKind {
    /// 企业工程技术人员
    Engineer,
    /// 高技能人才
    SkilledWorker,
    /// 行业专家
    IndustryExpert,
}

/// 教学需求的类型。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::TeachingNeedKind")]
pub enum TeachingNeedKind {
    /// 兼职授课
    Teaching,
    /// 参与课程建设
    CourseBuilding,
}

/// 教学需求的状态。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::TeachingNeedStatus")]
pub enum TeachingNeedStatus {
    /// 征集中
    Open,
    /// 已关闭
    Closed,
}
