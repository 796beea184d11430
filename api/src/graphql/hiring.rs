//! `teacherHiringCheck`: the policy's rule for hiring professional teachers
//! from enterprises (§二(六)), answered condition by condition for a
//! candidate profile. Nothing is stored.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

use crate::{
    error::ApiError,
    programmes::hiring::{self, Candidate, Education, SkillLevel},
};

/// 应聘专业教师的候选人情况。
#[derive(InputObject)]
pub struct TeacherCandidateInput {
    /// 企业全职工作年限（0–60）。
    pub enterprise_years: f64,
    pub education: Education,
    #[graphql(default_with = "SkillLevel::None")]
    pub skill_level: SkillLevel,
    /// 持有与岗位相关的职业技能等级证书。
    #[graphql(default)]
    pub relevant_certificate: bool,
    /// 双师型教师培养（职业技术师范）毕业生。
    #[graphql(default)]
    pub dual_teacher_graduate: bool,
    /// 具有副高级及以上专业技术职称。
    #[graphql(default)]
    pub high_professional_title: bool,
    /// 岗位属于急需紧缺专业。
    #[graphql(default)]
    pub urgent_program: bool,
}

/// 一项条件及是否满足。
#[derive(SimpleObject)]
pub struct HiringCondition {
    pub key: String,
    pub holds: bool,
    pub detail: String,
}

/// 一条引进途径及是否可行。
#[derive(SimpleObject)]
pub struct HiringRoute {
    /// `OPEN_RECRUITMENT`（公开招聘）、`DUAL_TEACHER_GRADUATE`（双师型毕业生）、
    /// `DIRECT_ASSESSMENT`（直接考察）。
    pub key: String,
    pub open: bool,
    pub conditions: Vec<HiringCondition>,
}

/// 专业教师引进规则的检查结果。
#[derive(SimpleObject)]
pub struct TeacherHiringAnswer {
    /// 是否有任一途径可行。
    pub eligible: bool,
    pub routes: Vec<HiringRoute>,
}

#[derive(Default)]
pub struct HiringQuery;

#[Object]
impl HiringQuery {
    /// 按政策（吉市政办发〔2022〕32号 §二(六)）检查候选人能否被引进为专业教师：
    /// 每条途径、每项条件是否满足及原因。
    async fn teacher_hiring_check(
        &self,
        _ctx: &Context<'_>,
        candidate: TeacherCandidateInput,
    ) -> Result<TeacherHiringAnswer> {
        Ok(answer(&Candidate {
            enterprise_years: candidate.enterprise_years,
            education: candidate.education,
            skill_level: candidate.skill_level,
            relevant_certificate: candidate.relevant_certificate,
            dual_teacher_graduate: candidate.dual_teacher_graduate,
            high_professional_title: candidate.high_professional_title,
            urgent_program: candidate.urgent_program,
        })?)
    }
}

/// The rule's answer for a candidate, as GraphQL objects.
pub fn answer(candidate: &Candidate) -> crate::error::ApiResult<TeacherHiringAnswer> {
    let answer = hiring::check(candidate).map_err(ApiError::bad_input)?;
    Ok(TeacherHiringAnswer {
        eligible: answer.eligible,
        routes: answer
            .routes
            .into_iter()
            .map(|route| HiringRoute {
                key: route.key.to_string(),
                open: route.open,
                conditions: route
                    .conditions
                    .into_iter()
                    .map(|condition| HiringCondition {
                        key: condition.key.to_string(),
                        holds: condition.holds,
                        detail: condition.detail,
                    })
                    .collect(),
            })
            .collect(),
    })
}
