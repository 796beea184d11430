//! College programs: create and update.

use crate::access::{authorize, Action, Actor};
use chrono::Utc;
use entity::{
    catalogue_entry, college,
    enums::{ChangeOperation, RecordSource},
    program,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    TransactionTrait,
};

use super::{
    begin, check_certificates, check_exists, forget_suggestions, linked_ids,
    linked_occupation_codes, replace_links, resolve_catalogue_code, resolve_occupation_codes,
    signed_in, ServiceError, ServiceResult, UserErrorCode, Validator, MAX_TEXT, MAX_TITLE,
};

pub const ENTITY: &str = "Program";
/// Largest annual enrolment plan or graduate count of one program.
pub const MAX_STUDENTS: i32 = 100_000;

#[derive(Clone, Debug, Default)]
pub struct ProgramDraft {
    pub college_id: i32,
    /// A 专业 code of the 2021 catalogue, e.g. `460305`.
    pub catalogue_code: Option<String>,
    /// Defaults to the catalogue name when blank and a code is given.
    pub name: String,
    pub enrolment_plan: Option<i32>,
    pub graduates_per_year: Option<i32>,
    pub description: String,
    pub certificate_ids: Vec<i32>,
    pub occupation_codes: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct ProgramPatch {
    pub catalogue_code: Option<Option<String>>,
    pub name: Option<String>,
    pub enrolment_plan: Option<Option<i32>>,
    pub graduates_per_year: Option<Option<i32>>,
    pub description: Option<String>,
    pub certificate_ids: Option<Vec<i32>>,
    pub occupation_codes: Option<Vec<String>>,
}

struct Checked {
    catalogue_entry_id: Option<i32>,
    name: String,
    occupation_ids: Vec<i32>,
}

async fn validate<C: ConnectionTrait>(
    db: &C,
    draft: &ProgramDraft,
    existing_id: Option<i32>,
) -> ServiceResult<Checked> {
    let mut validator = Validator::new();
    check_exists::<college::Entity, _>(
        db,
        &mut validator,
        "collegeId",
        "院校",
        Some(draft.college_id),
    )
    .await?;
    let catalogue_entry_id = resolve_catalogue_code(
        db,
        &mut validator,
        "catalogueCode",
        draft.catalogue_code.as_deref(),
    )
    .await?;
    let mut name = draft.name.trim().to_string();
    if name.is_empty() {
        if let Some(id) = catalogue_entry_id {
            if let Some(entry) = catalogue_entry::Entity::find_by_id(id).one(db).await? {
                name = entry.name;
            }
        }
    }
    validator.required_text("name", "专业名称", &name, MAX_TITLE);
    validator.optional_text("description", "描述", &draft.description, MAX_TEXT);
    if let Some(plan) = draft.enrolment_plan {
        validator.number_in("enrolmentPlan", "年招生计划", plan, 0, MAX_STUDENTS);
    }
    if let Some(graduates) = draft.graduates_per_year {
        validator.number_in("graduatesPerYear", "年毕业生数", graduates, 0, MAX_STUDENTS);
    }
    let occupation_ids = resolve_occupation_codes(
        db,
        &mut validator,
        "occupationCodes",
        &draft.occupation_codes,
    )
    .await?;
    check_certificates(db, &mut validator, "certificateIds", &draft.certificate_ids).await?;
    if !name.is_empty() {
        let same_name = program::Entity::find()
            .filter(program::Column::CollegeId.eq(draft.college_id))
            .filter(program::Column::Name.eq(name.clone()))
            .one(db)
            .await?;
        if same_name.is_some_and(|other| Some(other.id) != existing_id) {
            validator.add(
                "name",
                UserErrorCode::Taken,
                format!("该院校已有名为「{name}」的专业 (name taken in this college)"),
            );
        }
    }
    validator.finish()?;
    Ok(Checked {
        catalogue_entry_id,
        name,
        occupation_ids,
    })
}

async fn write_links<C: ConnectionTrait>(
    db: &C,
    id: i32,
    checked: &Checked,
    certificate_ids: &[i32],
) -> Result<(), sea_orm::DbErr> {
    replace_links(
        db,
        "program_occupation",
        "program_id",
        "occupation_id",
        id,
        &checked.occupation_ids,
    )
    .await?;
    replace_links(
        db,
        "program_certificate",
        "program_id",
        "certificate_id",
        id,
        certificate_ids,
    )
    .await
}

pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    draft: ProgramDraft,
    source: RecordSource,
) -> ServiceResult<program::Model> {
    signed_in(actor)?;
    let mut write = begin(db).await?;
    let txn = write.db();
    authorize(
        txn,
        actor,
        Action::WriteProgram {
            college_id: draft.college_id,
        },
    )
    .await?;
    let checked = validate(txn, &draft, None).await?;
    let now = Utc::now();
    let model = program::ActiveModel {
        college_id: Set(draft.college_id),
        catalogue_entry_id: Set(checked.catalogue_entry_id),
        name: Set(checked.name.clone()),
        enrolment_plan: Set(draft.enrolment_plan),
        graduates_per_year: Set(draft.graduates_per_year),
        description: Set(draft.description.clone()),
        source: Set(source),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    write_links(txn, model.id, &checked, &draft.certificate_ids).await?;
    write.record(ENTITY, model.id, ChangeOperation::Create);
    write.commit().await?;
    Ok(model)
}

pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    changes: ProgramPatch,
) -> ServiceResult<program::Model> {
    signed_in(actor)?;
    let mut write = begin(db).await?;
    let txn = write.db();
    let Some(existing) = write.lock::<program::Entity>(id).await? else {
        return Err(ServiceError::field(
            "id",
            UserErrorCode::NotFound,
            format!("专业不存在 (no program with id {id})"),
        ));
    };
    authorize(
        txn,
        actor,
        Action::WriteProgram {
            college_id: existing.college_id,
        },
    )
    .await?;
    let current_code = match existing.catalogue_entry_id {
        Some(entry_id) => catalogue_entry::Entity::find_by_id(entry_id)
            .one(txn)
            .await?
            .map(|entry| entry.code),
        None => None,
    };
    let draft = ProgramDraft {
        college_id: existing.college_id,
        catalogue_code: changes.catalogue_code.unwrap_or(current_code),
        name: changes.name.unwrap_or_else(|| existing.name.clone()),
        enrolment_plan: changes.enrolment_plan.unwrap_or(existing.enrolment_plan),
        graduates_per_year: changes
            .graduates_per_year
            .unwrap_or(existing.graduates_per_year),
        description: changes
            .description
            .unwrap_or_else(|| existing.description.clone()),
        certificate_ids: match changes.certificate_ids {
            Some(ids) => ids,
            None => {
                linked_ids(
                    txn,
                    "program_certificate",
                    "program_id",
                    "certificate_id",
                    id,
                )
                .await?
            }
        },
        occupation_codes: match changes.occupation_codes {
            Some(codes) => codes,
            None => linked_occupation_codes(txn, "program_occupation", "program_id", id).await?,
        },
    };
    let checked = validate(txn, &draft, Some(id)).await?;
    let text_before = (existing.name.clone(), existing.description.clone());
    let mut active = existing.into_active_model();
    active.catalogue_entry_id = Set(checked.catalogue_entry_id);
    active.name = Set(checked.name.clone());
    active.enrolment_plan = Set(draft.enrolment_plan);
    active.graduates_per_year = Set(draft.graduates_per_year);
    active.description = Set(draft.description.clone());
    active.updated_at = Set(Utc::now());
    let model = active.update(txn).await?;
    write_links(txn, id, &checked, &draft.certificate_ids).await?;
    if (model.name.as_str(), model.description.as_str())
        != (text_before.0.as_str(), text_before.1.as_str())
    {
        forget_suggestions(txn, "program_occupation", "program_id", "program", id).await?;
    }
    write.record(ENTITY, id, ChangeOperation::Update);
    write.commit().await?;
    Ok(model)
}
