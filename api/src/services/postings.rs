//! Demand postings: create, update, publish, close.

use crate::access::{authorize, Action, Actor};
use chrono::{NaiveDate, Utc};
use entity::{
    demand_posting, enterprise,
    enums::{ChangeOperation, EducationRequirement, PostingStatus, RecordSource},
    industry_association,
};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set, TransactionTrait};

use super::{
    begin, check_certificates, check_exists, check_labels, check_region, forget_suggestions,
    linked_ids, linked_occupation_codes, patch, replace_links, resolve_occupation_codes, signed_in,
    ServiceError, ServiceResult, UserErrorCode, Validator, MAX_TEXT, MAX_TITLE,
};

pub const ENTITY: &str = "DemandPosting";
/// Largest headcount one posting may ask for.
pub const MAX_HEADCOUNT: i32 = 100_000;
/// Largest monthly salary in yuan a posting may state.
pub const MAX_SALARY: i32 = 1_000_000;

/// Everything a posting holds that its author writes.
#[derive(Clone, Debug, Default)]
pub struct PostingDraft {
    pub association_id: i32,
    pub enterprise_id: Option<i32>,
    pub employer_name: Option<String>,
    pub title: String,
    pub description: String,
    pub headcount: Option<i32>,
    pub region_id: Option<i32>,
    pub work_location: Option<String>,
    pub education_level: Option<EducationRequirement>,
    pub salary_min: Option<i32>,
    pub salary_max: Option<i32>,
    pub skills: Vec<String>,
    pub occupation_codes: Vec<String>,
    pub certificate_ids: Vec<i32>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

/// A partial update: `None` keeps a field; `Some(None)` clears a nullable one.
#[derive(Clone, Debug, Default)]
pub struct PostingPatch {
    pub enterprise_id: Option<Option<i32>>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub headcount: Option<Option<i32>>,
    pub region_id: Option<Option<i32>>,
    pub work_location: Option<Option<String>>,
    pub education_level: Option<Option<EducationRequirement>>,
    pub salary_min: Option<Option<i32>>,
    pub salary_max: Option<Option<i32>>,
    pub skills: Option<Vec<String>>,
    pub occupation_codes: Option<Vec<String>>,
    pub certificate_ids: Option<Vec<i32>>,
    pub valid_from: Option<Option<NaiveDate>>,
    pub valid_until: Option<Option<NaiveDate>>,
}

impl PostingDraft {
    fn apply(&mut self, changes: PostingPatch) {
        patch(&mut self.enterprise_id, changes.enterprise_id);
        patch(&mut self.title, changes.title);
        patch(&mut self.description, changes.description);
        patch(&mut self.headcount, changes.headcount);
        patch(&mut self.region_id, changes.region_id);
        patch(&mut self.work_location, changes.work_location);
        patch(&mut self.education_level, changes.education_level);
        patch(&mut self.salary_min, changes.salary_min);
        patch(&mut self.salary_max, changes.salary_max);
        patch(&mut self.skills, changes.skills);
        patch(&mut self.occupation_codes, changes.occupation_codes);
        patch(&mut self.certificate_ids, changes.certificate_ids);
        patch(&mut self.valid_from, changes.valid_from);
        patch(&mut self.valid_until, changes.valid_until);
    }
}

/// Checks the values of a draft that need no database: lengths, ranges,
/// order of pairs. Imports check their rows with it too.
pub fn check_values(validator: &mut Validator, draft: &PostingDraft) {
    validator.required_text("title", "标题", &draft.title, MAX_TITLE);
    validator.optional_text("description", "描述", &draft.description, MAX_TEXT);
    if let Some(location) = &draft.work_location {
        validator.optional_text("workLocation", "工作地点", location, MAX_TITLE);
    }
    if let Some(headcount) = draft.headcount {
        validator.number_in("headcount", "招聘人数", headcount, 1, MAX_HEADCOUNT);
    }
    for (field, value) in [
        ("salaryMin", draft.salary_min),
        ("salaryMax", draft.salary_max),
    ] {
        if let Some(value) = value {
            validator.number_in(field, "月薪", value, 0, MAX_SALARY);
        }
    }
    validator.ordered(
        "salaryMin",
        "最低月薪高于最高月薪 (salaryMin is above salaryMax)",
        draft.salary_min,
        draft.salary_max,
    );
    validator.ordered(
        "validUntil",
        "截止日期早于开始日期 (validUntil is before validFrom)",
        draft.valid_from,
        draft.valid_until,
    );
    check_labels(validator, "skills", &draft.skills);
}

/// Validates a draft against the rules and the database; returns the ids of
/// its occupations.
async fn validate<C: sea_orm::ConnectionTrait>(
    db: &C,
    draft: &PostingDraft,
) -> ServiceResult<Vec<i32>> {
    let mut validator = Validator::new();
    check_values(&mut validator, draft);
    check_exists::<industry_association::Entity, _>(
        db,
        &mut validator,
        "associationId",
        "行业协会",
        Some(draft.association_id),
    )
    .await?;
    check_exists::<enterprise::Entity, _>(
        db,
        &mut validator,
        "enterpriseId",
        "企业",
        draft.enterprise_id,
    )
    .await?;
    check_region(db, &mut validator, "regionId", draft.region_id).await?;
    let occupation_ids = resolve_occupation_codes(
        db,
        &mut validator,
        "occupationCodes",
        &draft.occupation_codes,
    )
    .await?;
    check_certificates(db, &mut validator, "certificateIds", &draft.certificate_ids).await?;
    validator.finish()?;
    Ok(occupation_ids)
}

/// Creates a posting, as a draft or published at once.
pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    draft: PostingDraft,
    publish: bool,
    source: RecordSource,
) -> ServiceResult<demand_posting::Model> {
    signed_in(actor)?;
    let mut write = begin(db).await?;
    let txn = write.db();
    authorize(
        txn,
        actor,
        Action::CreatePosting {
            association_id: draft.association_id,
            enterprise_id: draft.enterprise_id,
        },
    )
    .await?;
    let occupation_ids = validate(txn, &draft).await?;
    let now = Utc::now();
    let status = if publish {
        PostingStatus::Published
    } else {
        PostingStatus::Draft
    };
    let model = demand_posting::ActiveModel {
        association_id: Set(draft.association_id),
        enterprise_id: Set(draft.enterprise_id),
        employer_name: Set(draft.employer_name.clone()),
        title: Set(draft.title.trim().to_string()),
        description: Set(draft.description.clone()),
        headcount: Set(draft.headcount),
        region_id: Set(draft.region_id),
        work_location: Set(draft.work_location.clone()),
        education_level: Set(draft.education_level),
        salary_min: Set(draft.salary_min),
        salary_max: Set(draft.salary_max),
        skills: Set(serde_json::json!(draft.skills)),
        status: Set(status),
        valid_from: Set(draft.valid_from),
        valid_until: Set(draft.valid_until),
        source: Set(source),
        source_key: Set(None),
        published_at: Set(publish.then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    replace_links(
        txn,
        "posting_occupation",
        "posting_id",
        "occupation_id",
        model.id,
        &occupation_ids,
    )
    .await?;
    replace_links(
        txn,
        "posting_certificate",
        "posting_id",
        "certificate_id",
        model.id,
        &draft.certificate_ids,
    )
    .await?;
    write.record(ENTITY, model.id, ChangeOperation::Create);
    write.commit().await?;
    Ok(model)
}

fn not_found(id: i32) -> ServiceError {
    ServiceError::field(
        "id",
        UserErrorCode::NotFound,
        format!("需求信息不存在 (no demand posting with id {id})"),
    )
}

/// The draft a stored posting corresponds to.
async fn draft_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    posting: &demand_posting::Model,
) -> ServiceResult<PostingDraft> {
    let occupation_codes =
        linked_occupation_codes(db, "posting_occupation", "posting_id", posting.id).await?;
    let certificate_ids = linked_ids(
        db,
        "posting_certificate",
        "posting_id",
        "certificate_id",
        posting.id,
    )
    .await?;
    Ok(PostingDraft {
        association_id: posting.association_id,
        enterprise_id: posting.enterprise_id,
        employer_name: posting.employer_name.clone(),
        title: posting.title.clone(),
        description: posting.description.clone(),
        headcount: posting.headcount,
        region_id: posting.region_id,
        work_location: posting.work_location.clone(),
        education_level: posting.education_level,
        salary_min: posting.salary_min,
        salary_max: posting.salary_max,
        skills: serde_json::from_value(posting.skills.clone()).unwrap_or_default(),
        occupation_codes,
        certificate_ids,
        valid_from: posting.valid_from,
        valid_until: posting.valid_until,
    })
}

/// Applies a partial update to a draft or published posting.
pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    changes: PostingPatch,
) -> ServiceResult<demand_posting::Model> {
    signed_in(actor)?;
    let mut write = begin(db).await?;
    let txn = write.db();
    let Some(posting) = write.lock::<demand_posting::Entity>(id).await? else {
        return Err(not_found(id));
    };
    if posting.status == PostingStatus::Closed {
        return Err(ServiceError::field(
            "id",
            UserErrorCode::InvalidState,
            "已关闭的需求信息不能修改 (a closed posting cannot be changed)",
        ));
    }
    let links_changed = changes.occupation_codes.is_some() || changes.certificate_ids.is_some();
    let mut draft = draft_of(txn, &posting).await?;
    let text_before = (
        draft.title.clone(),
        draft.description.clone(),
        draft.skills.clone(),
    );
    draft.apply(changes);
    let text_changed = text_before
        != (
            draft.title.clone(),
            draft.description.clone(),
            draft.skills.clone(),
        );
    authorize(
        txn,
        actor,
        Action::ChangePosting {
            association_id: draft.association_id,
            enterprise_id: draft.enterprise_id,
        },
    )
    .await?;
    let occupation_ids = validate(txn, &draft).await?;
    let mut active = posting.into_active_model();
    active.enterprise_id = Set(draft.enterprise_id);
    active.title = Set(draft.title.trim().to_string());
    active.description = Set(draft.description.clone());
    active.headcount = Set(draft.headcount);
    active.region_id = Set(draft.region_id);
    active.work_location = Set(draft.work_location.clone());
    active.education_level = Set(draft.education_level);
    active.salary_min = Set(draft.salary_min);
    active.salary_max = Set(draft.salary_max);
    active.skills = Set(serde_json::json!(draft.skills));
    active.valid_from = Set(draft.valid_from);
    active.valid_until = Set(draft.valid_until);
    active.updated_at = Set(Utc::now());
    let model = active.update(txn).await?;
    if links_changed {
        replace_links(
            txn,
            "posting_occupation",
            "posting_id",
            "occupation_id",
            id,
            &occupation_ids,
        )
        .await?;
        replace_links(
            txn,
            "posting_certificate",
            "posting_id",
            "certificate_id",
            id,
            &draft.certificate_ids,
        )
        .await?;
    }
    if text_changed {
        forget_suggestions(
            txn,
            "posting_occupation",
            "posting_id",
            "demand_posting",
            id,
        )
        .await?;
    }
    write.record(ENTITY, id, ChangeOperation::Update);
    write.commit().await?;
    Ok(model)
}

/// Moves a posting to `target`: draft → published → closed (a draft may
/// also be closed directly).
pub async fn transition<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    target: PostingStatus,
) -> ServiceResult<demand_posting::Model> {
    signed_in(actor)?;
    let mut write = begin(db).await?;
    let Some(posting) = write.lock::<demand_posting::Entity>(id).await? else {
        return Err(not_found(id));
    };
    authorize(
        write.db(),
        actor,
        Action::ChangePosting {
            association_id: posting.association_id,
            enterprise_id: posting.enterprise_id,
        },
    )
    .await?;
    let allowed = matches!(
        (posting.status, target),
        (PostingStatus::Draft, PostingStatus::Published)
            | (PostingStatus::Draft, PostingStatus::Closed)
            | (PostingStatus::Published, PostingStatus::Closed)
    );
    if !allowed {
        return Err(ServiceError::field(
            "id",
            UserErrorCode::InvalidState,
            format!(
                "需求信息状态为 {:?}，不能变为 {:?} (invalid status change)",
                posting.status, target
            ),
        ));
    }
    let now = Utc::now();
    let mut active = posting.into_active_model();
    active.status = Set(target);
    active.updated_at = Set(now);
    if target == PostingStatus::Published {
        active.published_at = Set(Some(now));
    }
    let model = active.update(write.db()).await?;
    write.record(ENTITY, id, ChangeOperation::Update);
    write.commit().await?;
    Ok(model)
}
