//! The policy's rule for hiring professional teachers of vocational
//! colleges from enterprises (吉市政办发〔2022〕32号 §二(六)), as a check the
//! hub answers for a candidate profile, condition by condition.
//!
//! - **Open recruitment**: in principle at least 3 years of enterprise work
//!   and at least 大专 (高职) education; a relevant vocational skill level
//!   certificate relaxes the education requirement.
//! - **Exception**: graduates of 双师型 teacher education (职业技术师范) are
//!   hired without the 3 years of enterprise work.
//! - **Direct assessment** (直接考察), without the written examination: doctors
//!   for urgently needed programs, 技师 and 高级技师, and experts with a high
//!   professional title (副高级 and above).
//!
//! A candidate is eligible when any route holds; every condition is
//! reported with whether it holds and why.

/// Highest education completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, async_graphql::Enum)]
pub enum Education {
    /// 高中、中职及以下
    BelowAssociate,
    /// 大专（高职）
    Associate,
    /// 本科
    Bachelor,
    /// 硕士研究生
    Master,
    /// 博士研究生
    Doctor,
}

/// Vocational skill level (职业技能等级).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, async_graphql::Enum)]
pub enum SkillLevel {
    None,
    /// 初级工、中级工、高级工
    Worker,
    /// 技师
    Technician,
    /// 高级技师
    SeniorTechnician,
}

impl From<entity::enums::EducationAttained> for Education {
    fn from(stored: entity::enums::EducationAttained) -> Self {
        use entity::enums::EducationAttained as E;
        match stored {
            E::BelowAssociate => Education::BelowAssociate,
            E::Associate => Education::Associate,
            E::Bachelor => Education::Bachelor,
            E::Master => Education::Master,
            E::Doctor => Education::Doctor,
        }
    }
}

impl From<Education> for entity::enums::EducationAttained {
    fn from(education: Education) -> Self {
        use entity::enums::EducationAttained as E;
        match education {
            Education::BelowAssociate => E::BelowAssociate,
            Education::Associate => E::Associate,
            Education::Bachelor => E::Bachelor,
            Education::Master => E::Master,
            Education::Doctor => E::Doctor,
        }
    }
}

impl From<entity::enums::VocationalSkillLevel> for SkillLevel {
    fn from(stored: entity::enums::VocationalSkillLevel) -> Self {
        use entity::enums::VocationalSkillLevel as L;
        match stored {
            L::None => SkillLevel::None,
            L::Worker => SkillLevel::Worker,
            L::Technician => SkillLevel::Technician,
            L::SeniorTechnician => SkillLevel::SeniorTechnician,
        }
    }
}

impl From<SkillLevel> for entity::enums::VocationalSkillLevel {
    fn from(level: SkillLevel) -> Self {
        use entity::enums::VocationalSkillLevel as L;
        match level {
            SkillLevel::None => L::None,
            SkillLevel::Worker => L::Worker,
            SkillLevel::Technician => L::Technician,
            SkillLevel::SeniorTechnician => L::SeniorTechnician,
        }
    }
}

/// A candidate's profile.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Years of full-time enterprise work.
    pub enterprise_years: f64,
    pub education: Education,
    pub skill_level: SkillLevel,
    /// Holds a vocational skill level certificate relevant to the post.
    pub relevant_certificate: bool,
    /// Graduated from 双师型 teacher education (职业技术师范).
    pub dual_teacher_graduate: bool,
    /// Holds a high professional title (副高级 and above).
    pub high_professional_title: bool,
    /// The post is in a program the city lists as urgently needed.
    pub urgent_program: bool,
}

/// One condition of the rule and whether it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// A stable key, e.g. `enterprise_years`.
    pub key: &'static str,
    pub holds: bool,
    /// What the rule asks and what the profile has.
    pub detail: String,
}

/// A route to hiring and whether it is open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// `OPEN_RECRUITMENT`, `DUAL_TEACHER_GRADUATE`, `DIRECT_ASSESSMENT`.
    pub key: &'static str,
    pub open: bool,
    pub conditions: Vec<Condition>,
}

/// The answer for a candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub eligible: bool,
    pub routes: Vec<Route>,
}

/// Years of enterprise work the rule asks for.
pub const ENTERPRISE_YEARS: f64 = 3.0;

/// Checks a candidate against the rule; an error says what is impossible
/// in the profile (negative or absurd years).
pub fn check(candidate: &Candidate) -> Result<Answer, String> {
    if !candidate.enterprise_years.is_finite()
        || !(0.0..=60.0).contains(&candidate.enterprise_years)
    {
        return Err(format!(
            "enterpriseYears must be between 0 and 60, not {}",
            candidate.enterprise_years
        ));
    }
    let years = Condition {
        key: "enterprise_years",
        holds: candidate.enterprise_years >= ENTERPRISE_YEARS,
        detail: format!(
            "企业工作经历不少于 3 年 (at least 3 years of enterprise work): {} 年",
            candidate.enterprise_years
        ),
    };
    let education = Condition {
        key: "education",
        holds: candidate.education >= Education::Associate,
        detail: format!(
            "大专（高职）及以上学历 (associate degree or higher): {:?}",
            candidate.education
        ),
    };
    let certificate = Condition {
        key: "relevant_certificate",
        holds: candidate.relevant_certificate,
        detail: "持有相关职业技能等级证书，可放宽学历要求 (a relevant skill level certificate relaxes the education requirement)".to_string(),
    };
    let open = years.holds && (education.holds || certificate.holds);
    let dual = Condition {
        key: "dual_teacher_graduate",
        holds: candidate.dual_teacher_graduate,
        detail: "双师型教师培养（职业技术师范）毕业生，不受企业工作年限限制 (graduates of dual-teacher education need no enterprise years)".to_string(),
    };
    let dual_education = Condition {
        key: "education",
        holds: education.holds,
        detail: education.detail.clone(),
    };
    let doctor = Condition {
        key: "doctor_for_urgent_program",
        holds: candidate.education == Education::Doctor && candidate.urgent_program,
        detail: format!(
            "急需紧缺专业的博士 (a doctor for an urgently needed program): {:?}, urgent program {}",
            candidate.education, candidate.urgent_program
        ),
    };
    let technician = Condition {
        key: "technician",
        holds: candidate.skill_level >= SkillLevel::Technician,
        detail: format!(
            "技师或高级技师 (技师 or 高级技师): {:?}",
            candidate.skill_level
        ),
    };
    let title = Condition {
        key: "high_professional_title",
        holds: candidate.high_professional_title,
        detail: "高级专业技术职称 (a high professional title)".to_string(),
    };
    let direct = doctor.holds || technician.holds || title.holds;
    let routes = vec![
        Route {
            key: "OPEN_RECRUITMENT",
            open,
            conditions: vec![years, education, certificate],
        },
        Route {
            key: "DUAL_TEACHER_GRADUATE",
            open: dual.holds && dual_education.holds,
            conditions: vec![dual, dual_education],
        },
        Route {
            key: "DIRECT_ASSESSMENT",
            open: direct,
            conditions: vec![doctor, technician, title],
        },
    ];
    Ok(Answer {
        eligible: routes.iter().any(|route| route.open),
        routes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate() -> Candidate {
        Candidate {
            enterprise_years: 0.0,
            education: Education::BelowAssociate,
            skill_level: SkillLevel::None,
            relevant_certificate: false,
            dual_teacher_graduate: false,
            high_professional_title: false,
            urgent_program: false,
        }
    }

    fn open(answer: &Answer) -> Vec<&'static str> {
        answer
            .routes
            .iter()
            .filter(|r| r.open)
            .map(|r| r.key)
            .collect()
    }

    #[test]
    fn open_recruitment_needs_three_years_and_an_associate_degree_or_a_certificate() {
        let mut c = candidate();
        c.enterprise_years = 3.0;
        c.education = Education::Associate;
        assert_eq!(open(&check(&c).unwrap()), ["OPEN_RECRUITMENT"]);
        c.enterprise_years = 2.5;
        let answer = check(&c).unwrap();
        assert!(!answer.eligible);
        let failing: Vec<_> = answer.routes[0]
            .conditions
            .iter()
            .filter(|c| !c.holds)
            .map(|c| c.key)
            .collect();
        assert_eq!(failing, ["enterprise_years", "relevant_certificate"]);
        // Below the degree, a relevant certificate relaxes it.
        c.enterprise_years = 5.0;
        c.education = Education::BelowAssociate;
        assert!(!check(&c).unwrap().eligible);
        c.relevant_certificate = true;
        assert_eq!(open(&check(&c).unwrap()), ["OPEN_RECRUITMENT"]);
    }

    #[test]
    fn dual_teacher_graduates_need_no_enterprise_years() {
        let mut c = candidate();
        c.dual_teacher_graduate = true;
        c.education = Education::Bachelor;
        assert_eq!(open(&check(&c).unwrap()), ["DUAL_TEACHER_GRADUATE"]);
    }

    #[test]
    fn direct_assessment_for_doctors_of_urgent_programs_technicians_and_titles() {
        let mut c = candidate();
        c.education = Education::Doctor;
        assert!(!check(&c).unwrap().eligible, "a doctor, but not urgent");
        c.urgent_program = true;
        assert_eq!(open(&check(&c).unwrap()), ["DIRECT_ASSESSMENT"]);
        let mut c = candidate();
        c.skill_level = SkillLevel::Technician;
        assert_eq!(open(&check(&c).unwrap()), ["DIRECT_ASSESSMENT"]);
        c.skill_level = SkillLevel::Worker;
        assert!(!check(&c).unwrap().eligible);
        let mut c = candidate();
        c.high_professional_title = true;
        assert_eq!(open(&check(&c).unwrap()), ["DIRECT_ASSESSMENT"]);
    }

    #[test]
    fn impossible_years_are_refused() {
        let mut c = candidate();
        c.enterprise_years = -1.0;
        assert!(check(&c).is_err());
        c.enterprise_years = f64::NAN;
        assert!(check(&c).is_err());
    }
}
