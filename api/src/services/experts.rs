//! The expert pool and programs' teaching needs (吉市政办发〔2022〕32号
//! §二(二), §二(六)): enterprises record their experts who may teach
//! part-time or help build courses, with the colleges each expert agreed
//! to share contact details with; colleges publish what their programs
//! need.

use chrono::{NaiveDate, Utc};
use entity::{
    college, enterprise,
    enums::{
        EducationAttained, ExpertKind, TeachingNeedKind, TeachingNeedStatus, VocationalSkillLevel,
    },
    expert, program, teaching_need,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set, TransactionTrait,
};

use super::{
    begin, check_all_exist, check_certificates, check_exists, check_labels, linked_ids,
    linked_occupation_codes, patch, replace_links, resolve_occupation_codes, signed_in,
    ServiceError, ServiceResult, UserErrorCode, Validator, MAX_TEXT, MAX_TITLE,
};
use crate::access::{authorize, Action, Actor};

/// Most hours a week an expert may offer.
pub const MAX_HOURS_PER_WEEK: i32 = 40;
/// Most teaching hours one need may ask for.
pub const MAX_NEED_HOURS: i32 = 2_000;
/// Longest period of one need: a school year and a half, in days.
pub const MAX_NEED_DAYS: i64 = 550;

/// An expert as the enterprise writes it.
#[derive(Clone, Debug)]
pub struct ExpertDraft {
    pub enterprise_id: i32,
    pub name: String,
    pub kind: ExpertKind,
    pub job_title: String,
    pub education: EducationAttained,
    pub skill_level: VocationalSkillLevel,
    pub professional_title: String,
    pub high_professional_title: bool,
    pub enterprise_years: i32,
    pub skills: Vec<String>,
    pub teaches: bool,
    pub builds_courses: bool,
    pub hours_per_week: i32,
    pub available_from: Option<NaiveDate>,
    pub available_until: Option<NaiveDate>,
    pub availability_note: String,
    pub phone: String,
    pub email: String,
    pub occupation_codes: Vec<String>,
    pub certificate_ids: Vec<i32>,
    /// Colleges the expert agreed to share contact details with.
    pub shared_college_ids: Vec<i32>,
}

/// Changes to an expert: only the given fields change.
#[derive(Clone, Debug, Default)]
pub struct ExpertPatch {
    pub name: Option<String>,
    pub kind: Option<ExpertKind>,
    pub job_title: Option<String>,
    pub education: Option<EducationAttained>,
    pub skill_level: Option<VocationalSkillLevel>,
    pub professional_title: Option<String>,
    pub high_professional_title: Option<bool>,
    pub enterprise_years: Option<i32>,
    pub skills: Option<Vec<String>>,
    pub teaches: Option<bool>,
    pub builds_courses: Option<bool>,
    pub hours_per_week: Option<i32>,
    pub available_from: Option<Option<NaiveDate>>,
    pub available_until: Option<Option<NaiveDate>>,
    pub availability_note: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub occupation_codes: Option<Vec<String>>,
    pub certificate_ids: Option<Vec<i32>>,
    pub shared_college_ids: Option<Vec<i32>>,
}

impl ExpertDraft {
    fn apply(&mut self, changes: ExpertPatch) {
        patch(&mut self.name, changes.name);
        patch(&mut self.kind, changes.kind);
        patch(&mut self.job_title, changes.job_title);
        patch(&mut self.education, changes.education);
        patch(&mut self.skill_level, changes.skill_level);
        patch(&mut self.professional_title, changes.professional_title);
        patch(
            &mut self.high_professional_title,
            changes.high_professional_title,
        );
        patch(&mut self.enterprise_years, changes.enterprise_years);
        patch(&mut self.skills, changes.skills);
        patch(&mut self.teaches, changes.teaches);
        patch(&mut self.builds_courses, changes.builds_courses);
        patch(&mut self.hours_per_week, changes.hours_per_week);
        patch(&mut self.available_from, changes.available_from);
        patch(&mut self.available_until, changes.available_until);
        patch(&mut self.availability_note, changes.availability_note);
        patch(&mut self.phone, changes.phone);
        patch(&mut self.email, changes.email);
        patch(&mut self.occupation_codes, changes.occupation_codes);
        patch(&mut self.certificate_ids, changes.certificate_ids);
        patch(&mut self.shared_college_ids, changes.shared_college_ids);
    }
}

/// Checks an expert's values; returns the occupation ids.
async fn validate_expert<C: ConnectionTrait>(
    db: &C,
    draft: &ExpertDraft,
) -> ServiceResult<Vec<i32>> {
    let mut validator = Validator::new();
    validator.required_text("name", "姓名", &draft.name, 60);
    validator.optional_text("jobTitle", "岗位", &draft.job_title, MAX_TITLE);
    validator.optional_text(
        "professionalTitle",
        "专业技术职称",
        &draft.professional_title,
        60,
    );
    validator.number_in(
        "enterpriseYears",
        "企业工作年限",
        draft.enterprise_years,
        0,
        60,
    );
    check_labels(&mut validator, "skills", &draft.skills);
    if !draft.teaches && !draft.builds_courses {
        validator.add(
            "teaches",
            UserErrorCode::Invalid,
            "专家须至少愿意兼职授课或参与课程建设之一 (teaches or buildsCourses must be true)",
        );
    }
    validator.number_in(
        "hoursPerWeek",
        "每周可用学时",
        draft.hours_per_week,
        1,
        MAX_HOURS_PER_WEEK,
    );
    validator.ordered(
        "availableUntil",
        "可用结束日期早于开始日期 (availableUntil is before availableFrom)",
        draft.available_from,
        draft.available_until,
    );
    validator.optional_text(
        "availabilityNote",
        "时间说明",
        &draft.availability_note,
        200,
    );
    check_phone(&mut validator, &draft.phone);
    check_email(&mut validator, &draft.email);
    check_exists::<enterprise::Entity, _>(
        db,
        &mut validator,
        "enterpriseId",
        "企业",
        Some(draft.enterprise_id),
    )
    .await?;
    check_certificates(db, &mut validator, "certificateIds", &draft.certificate_ids).await?;
    check_all_exist::<college::Entity, _>(
        db,
        &mut validator,
        "shareContactWith",
        ("所院校", "院校", "college"),
        &draft.shared_college_ids,
    )
    .await?;
    let occupation_ids = resolve_occupation_codes(
        db,
        &mut validator,
        "occupationCodes",
        &draft.occupation_codes,
    )
    .await?;
    validator.finish()?;
    Ok(occupation_ids)
}

/// A phone number: digits, spaces, `+`, `-` and brackets, at most 40.
fn check_phone(validator: &mut Validator, phone: &str) {
    let phone = phone.trim();
    if phone.is_empty() {
        return;
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if phone.chars().count() > 40
        || digits < 5
        || !phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'))
    {
        validator.add(
            "phone",
            UserErrorCode::Invalid,
            format!("电话号码格式不正确: `{phone}` (digits, spaces, + - and brackets, at most 40 characters)"),
        );
    }
}

/// An e-mail address: one `@` with text on both sides, no spaces.
fn check_email(validator: &mut Validator, email: &str) {
    let email = email.trim();
    if email.is_empty() {
        return;
    }
    let valid = email.chars().count() <= 120
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && email.matches('@').count() == 1;
    if !valid {
        validator.add(
            "email",
            UserErrorCode::Invalid,
            format!("电子邮箱格式不正确: `{email}` (expected name@example.com)"),
        );
    }
}

async fn write_expert_links<C: ConnectionTrait>(
    db: &C,
    id: i32,
    occupation_ids: &[i32],
    draft: &ExpertDraft,
) -> Result<(), sea_orm::DbErr> {
    replace_links(
        db,
        "expert_occupation",
        "expert_id",
        "occupation_id",
        id,
        occupation_ids,
    )
    .await?;
    replace_links(
        db,
        "expert_certificate",
        "expert_id",
        "certificate_id",
        id,
        &draft.certificate_ids,
    )
    .await?;
    replace_links(
        db,
        "expert_contact_share",
        "expert_id",
        "college_id",
        id,
        &draft.shared_college_ids,
    )
    .await
}

fn set_expert(active: &mut expert::ActiveModel, draft: &ExpertDraft) {
    active.name = Set(draft.name.trim().to_string());
    active.kind = Set(draft.kind);
    active.job_title = Set(draft.job_title.trim().to_string());
    active.education = Set(draft.education);
    active.skill_level = Set(draft.skill_level);
    active.professional_title = Set(draft.professional_title.trim().to_string());
    active.high_professional_title = Set(draft.high_professional_title);
    active.enterprise_years = Set(draft.enterprise_years);
    active.skills = Set(serde_json::json!(draft
        .skills
        .iter()
        .map(|skill| skill.trim())
        .collect::<Vec<_>>()));
    active.teaches = Set(draft.teaches);
    active.builds_courses = Set(draft.builds_courses);
    active.hours_per_week = Set(draft.hours_per_week);
    active.available_from = Set(draft.available_from);
    active.available_until = Set(draft.available_until);
    active.availability_note = Set(draft.availability_note.trim().to_string());
    active.phone = Set(draft.phone.trim().to_string());
    active.email = Set(draft.email.trim().to_string());
    active.updated_at = Set(Utc::now());
}

/// Records an expert of the caller's enterprise.
pub async fn create_expert<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    draft: ExpertDraft,
) -> ServiceResult<expert::Model> {
    signed_in(actor)?;
    let write = begin(db).await?;
    let txn = write.db();
    authorize(
        txn,
        actor,
        Action::WriteExpert {
            enterprise_id: draft.enterprise_id,
        },
    )
    .await?;
    let occupation_ids = validate_expert(txn, &draft).await?;
    let mut active = expert::ActiveModel {
        enterprise_id: Set(draft.enterprise_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    set_expert(&mut active, &draft);
    let model = active.insert(txn).await?;
    write_expert_links(txn, model.id, &occupation_ids, &draft).await?;
    write.commit().await?;
    Ok(model)
}

/// The stored expert as a draft, to apply changes to.
async fn expert_draft<C: ConnectionTrait>(
    db: &C,
    existing: &expert::Model,
) -> Result<ExpertDraft, sea_orm::DbErr> {
    let id = existing.id;
    Ok(ExpertDraft {
        enterprise_id: existing.enterprise_id,
        name: existing.name.clone(),
        kind: existing.kind,
        job_title: existing.job_title.clone(),
        education: existing.education,
        skill_level: existing.skill_level,
        professional_title: existing.professional_title.clone(),
        high_professional_title: existing.high_professional_title,
        enterprise_years: existing.enterprise_years,
        skills: serde_json::from_value(existing.skills.clone()).unwrap_or_default(),
        teaches: existing.teaches,
        builds_courses: existing.builds_courses,
        hours_per_week: existing.hours_per_week,
        available_from: existing.available_from,
        available_until: existing.available_until,
        availability_note: existing.availability_note.clone(),
        phone: existing.phone.clone(),
        email: existing.email.clone(),
        occupation_codes: linked_occupation_codes(db, "expert_occupation", "expert_id", id).await?,
        certificate_ids: linked_ids(db, "expert_certificate", "expert_id", "certificate_id", id)
            .await?,
        shared_college_ids: linked_ids(db, "expert_contact_share", "expert_id", "college_id", id)
            .await?,
    })
}

/// Changes an expert of the caller's enterprise.
pub async fn update_expert<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    changes: ExpertPatch,
) -> ServiceResult<expert::Model> {
    signed_in(actor)?;
    let write = begin(db).await?;
    let txn = write.db();
    let Some(existing) = write.lock::<expert::Entity>(id).await? else {
        return Err(ServiceError::field(
            "id",
            UserErrorCode::NotFound,
            format!("专家不存在 (no expert with id {id})"),
        ));
    };
    authorize(
        txn,
        actor,
        Action::WriteExpert {
            enterprise_id: existing.enterprise_id,
        },
    )
    .await?;
    let mut draft = expert_draft(txn, &existing).await?;
    draft.apply(changes);
    let occupation_ids = validate_expert(txn, &draft).await?;
    let mut active = existing.into_active_model();
    set_expert(&mut active, &draft);
    let model = active.update(txn).await?;
    write_expert_links(txn, id, &occupation_ids, &draft).await?;
    write.commit().await?;
    Ok(model)
}

/// A teaching need as the college writes it.
#[derive(Clone, Debug)]
pub struct NeedDraft {
    pub program_id: i32,
    pub kind: TeachingNeedKind,
    pub title: String,
    pub topics: Vec<String>,
    pub description: String,
    pub hours: i32,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub status: TeachingNeedStatus,
    pub occupation_codes: Vec<String>,
    pub certificate_ids: Vec<i32>,
}

/// Changes to a teaching need: only the given fields change.
#[derive(Clone, Debug, Default)]
pub struct NeedPatch {
    pub kind: Option<TeachingNeedKind>,
    pub title: Option<String>,
    pub topics: Option<Vec<String>>,
    pub description: Option<String>,
    pub hours: Option<i32>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub status: Option<TeachingNeedStatus>,
    pub occupation_codes: Option<Vec<String>>,
    pub certificate_ids: Option<Vec<i32>>,
}

impl NeedDraft {
    fn apply(&mut self, changes: NeedPatch) {
        patch(&mut self.kind, changes.kind);
        patch(&mut self.title, changes.title);
        patch(&mut self.topics, changes.topics);
        patch(&mut self.description, changes.description);
        patch(&mut self.hours, changes.hours);
        patch(&mut self.period_start, changes.period_start);
        patch(&mut self.period_end, changes.period_end);
        patch(&mut self.status, changes.status);
        patch(&mut self.occupation_codes, changes.occupation_codes);
        patch(&mut self.certificate_ids, changes.certificate_ids);
    }
}

async fn validate_need<C: ConnectionTrait>(db: &C, draft: &NeedDraft) -> ServiceResult<Vec<i32>> {
    let mut validator = Validator::new();
    validator.required_text("title", "标题", &draft.title, MAX_TITLE);
    check_labels(&mut validator, "topics", &draft.topics);
    validator.optional_text("description", "说明", &draft.description, MAX_TEXT);
    validator.number_in("hours", "学时", draft.hours, 1, MAX_NEED_HOURS);
    if draft.period_end < draft.period_start {
        validator.add(
            "periodEnd",
            UserErrorCode::InvalidRange,
            format!(
                "结束日期 {} 早于开始日期 {} (periodEnd is before periodStart)",
                draft.period_end, draft.period_start
            ),
        );
    } else if (draft.period_end - draft.period_start).num_days() > MAX_NEED_DAYS {
        validator.add(
            "periodEnd",
            UserErrorCode::OutOfRange,
            format!("一项需求的周期最长 {MAX_NEED_DAYS} 天 (publish a longer need as several)"),
        );
    }
    check_certificates(db, &mut validator, "certificateIds", &draft.certificate_ids).await?;
    let occupation_ids = resolve_occupation_codes(
        db,
        &mut validator,
        "occupationCodes",
        &draft.occupation_codes,
    )
    .await?;
    validator.finish()?;
    Ok(occupation_ids)
}

async fn write_need_links<C: ConnectionTrait>(
    db: &C,
    id: i32,
    occupation_ids: &[i32],
    certificate_ids: &[i32],
) -> Result<(), sea_orm::DbErr> {
    replace_links(
        db,
        "teaching_need_occupation",
        "need_id",
        "occupation_id",
        id,
        occupation_ids,
    )
    .await?;
    replace_links(
        db,
        "teaching_need_certificate",
        "need_id",
        "certificate_id",
        id,
        certificate_ids,
    )
    .await
}

fn set_need(active: &mut teaching_need::ActiveModel, draft: &NeedDraft) {
    active.kind = Set(draft.kind);
    active.title = Set(draft.title.trim().to_string());
    active.topics = Set(serde_json::json!(draft
        .topics
        .iter()
        .map(|topic| topic.trim())
        .collect::<Vec<_>>()));
    active.description = Set(draft.description.clone());
    active.hours = Set(draft.hours);
    active.period_start = Set(draft.period_start);
    active.period_end = Set(draft.period_end);
    active.status = Set(draft.status);
    active.updated_at = Set(Utc::now());
}

/// Publishes a teaching need of one of the caller's programs.
pub async fn create_need<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    draft: NeedDraft,
) -> ServiceResult<teaching_need::Model> {
    signed_in(actor)?;
    let write = begin(db).await?;
    let txn = write.db();
    let Some(program) = program::Entity::find_by_id(draft.program_id)
        .one(txn)
        .await?
    else {
        return Err(ServiceError::field(
            "programId",
            UserErrorCode::NotFound,
            format!("专业不存在 (no program with id {})", draft.program_id),
        ));
    };
    authorize(
        txn,
        actor,
        Action::WriteTeachingNeed {
            college_id: program.college_id,
        },
    )
    .await?;
    let occupation_ids = validate_need(txn, &draft).await?;
    let now = Utc::now();
    let mut active = teaching_need::ActiveModel {
        program_id: Set(draft.program_id),
        created_at: Set(now),
        ..Default::default()
    };
    set_need(&mut active, &draft);
    let model = active.insert(txn).await?;
    write_need_links(txn, model.id, &occupation_ids, &draft.certificate_ids).await?;
    write.commit().await?;
    Ok(model)
}

/// Changes (or closes) a teaching need of one of the caller's programs.
pub async fn update_need<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    changes: NeedPatch,
) -> ServiceResult<teaching_need::Model> {
    signed_in(actor)?;
    let write = begin(db).await?;
    let txn = write.db();
    let Some(existing) = write.lock::<teaching_need::Entity>(id).await? else {
        return Err(ServiceError::field(
            "id",
            UserErrorCode::NotFound,
            format!("教学需求不存在 (no teaching need with id {id})"),
        ));
    };
    let college_id = program::Entity::find_by_id(existing.program_id)
        .one(txn)
        .await?
        .map(|program| program.college_id)
        .ok_or_else(|| {
            ServiceError::Database(sea_orm::DbErr::RecordNotFound(format!(
                "program {} of teaching need {id}",
                existing.program_id
            )))
        })?;
    authorize(txn, actor, Action::WriteTeachingNeed { college_id }).await?;
    let mut draft = NeedDraft {
        program_id: existing.program_id,
        kind: existing.kind,
        title: existing.title.clone(),
        topics: serde_json::from_value(existing.topics.clone()).unwrap_or_default(),
        description: existing.description.clone(),
        hours: existing.hours,
        period_start: existing.period_start,
        period_end: existing.period_end,
        status: existing.status,
        occupation_codes: linked_occupation_codes(txn, "teaching_need_occupation", "need_id", id)
            .await?,
        certificate_ids: linked_ids(
            txn,
            "teaching_need_certificate",
            "need_id",
            "certificate_id",
            id,
        )
        .await?,
    };
    draft.apply(changes);
    let occupation_ids = validate_need(txn, &draft).await?;
    let mut active = existing.into_active_model();
    set_need(&mut active, &draft);
    let model = active.update(txn).await?;
    write_need_links(txn, id, &occupation_ids, &draft.certificate_ids).await?;
    write.commit().await?;
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(check: impl Fn(&mut Validator)) -> usize {
        let mut validator = Validator::new();
        check(&mut validator);
        validator.into_errors().len()
    }

    #[test]
    fn phone_numbers_and_email_addresses_are_checked_for_shape() {
        for good in ["", "0432-6288 1234", "+86 138 0000 0000", "(0432)62881234"] {
            assert_eq!(problems(|v| check_phone(v, good)), 0, "{good}");
        }
        for bad in ["电话", "1234", "0432-6288-1234 转 8"] {
            assert_eq!(problems(|v| check_phone(v, bad)), 1, "{bad}");
        }
        for good in ["", "wang.li@example.com"] {
            assert_eq!(problems(|v| check_email(v, good)), 0, "{good}");
        }
        for bad in [
            "wang",
            "@example.com",
            "a@b",
            "a b@example.com",
            "a@@example.com",
        ] {
            assert_eq!(problems(|v| check_email(v, bad)), 1, "{bad}");
        }
    }
}
