//! Public training courses (社会化培训) run by colleges and training bases.

use crate::access::{authorize, Action, Actor};
use chrono::{NaiveDate, Utc};
use entity::{
    college,
    enums::{ChangeOperation, CourseKind},
    training_course,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set, TransactionTrait};

use super::{
    begin, check_certificates, check_exists, check_region, signed_in, ServiceError, ServiceResult,
    UserErrorCode, Validator, MAX_TEXT, MAX_TITLE,
};

pub const ENTITY: &str = "TrainingCourse";
pub const MAX_HOURS: i32 = 5_000;
pub const MAX_CAPACITY: i32 = 10_000;
pub const MAX_FEE: i32 = 1_000_000;

#[derive(Clone, Debug)]
pub struct CourseDraft {
    pub provider_id: i32,
    pub title: String,
    pub description: String,
    pub kind: CourseKind,
    pub certificate_id: Option<i32>,
    pub hours: i32,
    pub capacity: i32,
    /// Fee per participant in yuan; 0 for free public training.
    pub fee: i32,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub schedule: String,
    pub region_id: Option<i32>,
}

#[derive(Clone, Debug, Default)]
pub struct CoursePatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub kind: Option<CourseKind>,
    pub certificate_id: Option<Option<i32>>,
    pub hours: Option<i32>,
    pub capacity: Option<i32>,
    pub fee: Option<i32>,
    pub starts_on: Option<Option<NaiveDate>>,
    pub ends_on: Option<Option<NaiveDate>>,
    pub schedule: Option<String>,
    pub region_id: Option<Option<i32>>,
}

async fn validate<C: ConnectionTrait>(db: &C, draft: &CourseDraft) -> ServiceResult<()> {
    let mut validator = Validator::new();
    validator.required_text("title", "课程名称", &draft.title, MAX_TITLE);
    validator.optional_text("description", "描述", &draft.description, MAX_TEXT);
    validator.optional_text("schedule", "课程安排", &draft.schedule, 250);
    validator.number_in("hours", "学时", draft.hours, 1, MAX_HOURS);
    validator.number_in("capacity", "容量", draft.capacity, 1, MAX_CAPACITY);
    validator.number_in("fee", "费用", draft.fee, 0, MAX_FEE);
    validator.ordered(
        "endsOn",
        "结束日期早于开始日期 (endsOn is before startsOn)",
        draft.starts_on,
        draft.ends_on,
    );
    if draft.kind == CourseKind::CertificateTraining && draft.certificate_id.is_none() {
        validator.add(
            "certificateId",
            UserErrorCode::Blank,
            "证书培训须指明证书 (certificate training needs a certificate)",
        );
    }
    check_exists::<college::Entity, _>(
        db,
        &mut validator,
        "providerId",
        "培训机构",
        Some(draft.provider_id),
    )
    .await?;
    let certificates: Vec<i32> = draft.certificate_id.into_iter().collect();
    check_certificates(db, &mut validator, "certificateId", &certificates).await?;
    check_region(db, &mut validator, "regionId", draft.region_id).await?;
    validator.finish()
}

pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    draft: CourseDraft,
) -> ServiceResult<training_course::Model> {
    signed_in(actor)?;
    let mut write = begin(db).await?;
    let txn = write.db();
    authorize(
        txn,
        actor,
        Action::WriteCourse {
            college_id: draft.provider_id,
        },
    )
    .await?;
    validate(txn, &draft).await?;
    let now = Utc::now();
    let model = training_course::ActiveModel {
        provider_id: Set(draft.provider_id),
        title: Set(draft.title.trim().to_string()),
        description: Set(draft.description),
        kind: Set(draft.kind),
        certificate_id: Set(draft.certificate_id),
        hours: Set(draft.hours),
        capacity: Set(draft.capacity),
        fee: Set(draft.fee),
        starts_on: Set(draft.starts_on),
        ends_on: Set(draft.ends_on),
        schedule: Set(draft.schedule),
        region_id: Set(draft.region_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    write.record(ENTITY, model.id, ChangeOperation::Create);
    write.commit().await?;
    Ok(model)
}

pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    changes: CoursePatch,
) -> ServiceResult<training_course::Model> {
    signed_in(actor)?;
    let mut write = begin(db).await?;
    let txn = write.db();
    let Some(existing) = write.lock::<training_course::Entity>(id).await? else {
        return Err(ServiceError::field(
            "id",
            UserErrorCode::NotFound,
            format!("培训课程不存在 (no training course with id {id})"),
        ));
    };
    authorize(
        txn,
        actor,
        Action::WriteCourse {
            college_id: existing.provider_id,
        },
    )
    .await?;
    let draft = CourseDraft {
        provider_id: existing.provider_id,
        title: changes.title.unwrap_or_else(|| existing.title.clone()),
        description: changes
            .description
            .unwrap_or_else(|| existing.description.clone()),
        kind: changes.kind.unwrap_or(existing.kind),
        certificate_id: changes.certificate_id.unwrap_or(existing.certificate_id),
        hours: changes.hours.unwrap_or(existing.hours),
        capacity: changes.capacity.unwrap_or(existing.capacity),
        fee: changes.fee.unwrap_or(existing.fee),
        starts_on: changes.starts_on.unwrap_or(existing.starts_on),
        ends_on: changes.ends_on.unwrap_or(existing.ends_on),
        schedule: changes
            .schedule
            .unwrap_or_else(|| existing.schedule.clone()),
        region_id: changes.region_id.unwrap_or(existing.region_id),
    };
    validate(txn, &draft).await?;
    let mut active = existing.into_active_model();
    active.title = Set(draft.title.trim().to_string());
    active.description = Set(draft.description);
    active.kind = Set(draft.kind);
    active.certificate_id = Set(draft.certificate_id);
    active.hours = Set(draft.hours);
    active.capacity = Set(draft.capacity);
    active.fee = Set(draft.fee);
    active.starts_on = Set(draft.starts_on);
    active.ends_on = Set(draft.ends_on);
    active.schedule = Set(draft.schedule);
    active.region_id = Set(draft.region_id);
    active.updated_at = Set(Utc::now());
    let model = active.update(txn).await?;
    write.record(ENTITY, id, ChangeOperation::Update);
    write.commit().await?;
    Ok(model)
}
