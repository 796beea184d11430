//! Industry associations, enterprises and colleges: created and changed by
//! admins. A rename reaches every search document that embeds the name
//! through the change log (`indexing::dependents`).

use entity::{
    college, enterprise,
    enums::{ChangeOperation, CollegeLevel, CollegeOwnership, EnterpriseSize},
    industry_association,
};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set, TransactionTrait};

use super::{
    begin, check_exists, check_region, signed_in, ServiceError, ServiceResult, UserErrorCode,
    Validator,
};
use crate::access::{authorize, Action, Actor};

const NAME_CHARS: usize = 128;
const LABEL_CHARS: usize = 64;
const DESCRIPTION_CHARS: usize = 4_000;

/// An industry association as written.
#[derive(Clone, Debug)]
pub struct AssociationDraft {
    pub name: String,
    pub sector: String,
    pub region_id: Option<i32>,
    pub description: String,
}

/// An enterprise as written.
#[derive(Clone, Debug)]
pub struct EnterpriseDraft {
    pub name: String,
    pub industry: String,
    pub region_id: Option<i32>,
    pub size: EnterpriseSize,
    pub association_id: Option<i32>,
    pub description: String,
}

/// A college as written.
#[derive(Clone, Debug)]
pub struct CollegeDraft {
    pub name: String,
    pub level: CollegeLevel,
    pub ownership: CollegeOwnership,
    pub region_id: Option<i32>,
    pub description: String,
}

/// The checks every organisation shares: a name, a label (sector or
/// industry), a region and a description.
fn check_common(
    validator: &mut Validator,
    name: &str,
    label: (&str, &str, &str),
    description: &str,
) {
    validator.required_text("name", "名称", name, NAME_CHARS);
    let (field, text, value) = label;
    validator.optional_text(field, text, value, LABEL_CHARS);
    validator.optional_text("description", "简介", description, DESCRIPTION_CHARS);
}

fn not_found(kind: &str, id: i32) -> ServiceError {
    ServiceError::field(
        "id",
        UserErrorCode::NotFound,
        format!("{kind}不存在 (no such {kind} with id {id})"),
    )
}

/// Creates (`id` none) or changes an industry association.
pub async fn write_association<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: Option<i32>,
    draft: impl FnOnce(Option<&industry_association::Model>) -> AssociationDraft,
) -> ServiceResult<industry_association::Model> {
    signed_in(actor)?;
    let mut write = begin(db).await?;
    authorize(write.db(), actor, Action::ManageOrganisations).await?;
    let existing = match id {
        Some(id) => Some(
            write
                .lock::<industry_association::Entity>(id)
                .await?
                .ok_or_else(|| not_found("行业协会", id))?,
        ),
        None => None,
    };
    let draft = draft(existing.as_ref());
    let mut validator = Validator::new();
    check_common(
        &mut validator,
        &draft.name,
        ("sector", "行业", &draft.sector),
        &draft.description,
    );
    check_region(write.db(), &mut validator, "regionId", draft.region_id).await?;
    validator.finish()?;
    let mut active = match existing {
        Some(model) => model.into_active_model(),
        None => <industry_association::ActiveModel as Default>::default(),
    };
    active.name = Set(draft.name.trim().to_string());
    active.sector = Set(draft.sector.trim().to_string());
    active.region_id = Set(draft.region_id);
    active.description = Set(draft.description);
    let (model, operation) = match id {
        Some(_) => (active.update(write.db()).await?, ChangeOperation::Update),
        None => (active.insert(write.db()).await?, ChangeOperation::Create),
    };
    write.record("IndustryAssociation", model.id, operation);
    write.commit().await?;
    Ok(model)
}

/// Creates (`id` none) or changes an enterprise.
pub async fn write_enterprise<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: Option<i32>,
    draft: impl FnOnce(Option<&enterprise::Model>) -> EnterpriseDraft,
) -> ServiceResult<enterprise::Model> {
    signed_in(actor)?;
    let mut write = begin(db).await?;
    authorize(write.db(), actor, Action::ManageOrganisations).await?;
    let existing = match id {
        Some(id) => Some(
            write
                .lock::<enterprise::Entity>(id)
                .await?
                .ok_or_else(|| not_found("企业", id))?,
        ),
        None => None,
    };
    let draft = draft(existing.as_ref());
    let mut validator = Validator::new();
    check_common(
        &mut validator,
        &draft.name,
        ("industry", "行业", &draft.industry),
        &draft.description,
    );
    check_region(write.db(), &mut validator, "regionId", draft.region_id).await?;
    check_exists::<industry_association::Entity, _>(
        write.db(),
        &mut validator,
        "associationId",
        "行业协会",
        draft.association_id,
    )
    .await?;
    validator.finish()?;
    let mut active = match existing {
        Some(model) => model.into_active_model(),
        None => <enterprise::ActiveModel as Default>::default(),
    };
    active.name = Set(draft.name.trim().to_string());
    active.industry = Set(draft.industry.trim().to_string());
    active.region_id = Set(draft.region_id);
    active.size = Set(draft.size);
    active.association_id = Set(draft.association_id);
    active.description = Set(draft.description);
    let (model, operation) = match id {
        Some(_) => (active.update(write.db()).await?, ChangeOperation::Update),
        None => (active.insert(write.db()).await?, ChangeOperation::Create),
    };
    write.record("Enterprise", model.id, operation);
    write.commit().await?;
    Ok(model)
}

/// Creates (`id` none) or changes a college.
pub async fn write_college<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: Option<i32>,
    draft: impl FnOnce(Option<&college::Model>) -> CollegeDraft,
) -> ServiceResult<college::Model> {
    signed_in(actor)?;
    let mut write = begin(db).await?;
    authorize(write.db(), actor, Action::ManageOrganisations).await?;
    let existing = match id {
        Some(id) => Some(
            write
                .lock::<college::Entity>(id)
                .await?
                .ok_or_else(|| not_found("院校", id))?,
        ),
        None => None,
    };
    let draft = draft(existing.as_ref());
    let mut validator = Validator::new();
    check_common(
        &mut validator,
        &draft.name,
        ("name", "名称", ""),
        &draft.description,
    );
    check_region(write.db(), &mut validator, "regionId", draft.region_id).await?;
    validator.finish()?;
    let mut active = match existing {
        Some(model) => model.into_active_model(),
        None => <college::ActiveModel as Default>::default(),
    };
    active.name = Set(draft.name.trim().to_string());
    active.level = Set(draft.level);
    active.ownership = Set(draft.ownership);
    active.region_id = Set(draft.region_id);
    active.description = Set(draft.description);
    let (model, operation) = match id {
        Some(_) => (active.update(write.db()).await?, ChangeOperation::Update),
        None => (active.insert(write.db()).await?, ChangeOperation::Create),
    };
    write.record("College", model.id, operation);
    write.commit().await?;
    Ok(model)
}
