//! Apprenticeship offers (新型学徒制) and production internship bases.

use crate::access::{authorize, Action, Actor};
use chrono::{Months, NaiveDate, Utc};
use entity::{
    apprenticeship_offer, college, enterprise,
    enums::{ChangeOperation, OfferKind},
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set, TransactionTrait};

use super::{
    begin, check_exists, check_region, linked_occupation_codes, replace_links,
    resolve_occupation_codes, signed_in, ServiceError, ServiceResult, UserErrorCode, Validator,
    MAX_TEXT, MAX_TITLE,
};

pub const ENTITY: &str = "ApprenticeshipOffer";
/// The city's rule: a cooperation cycle lasts at most 3 years.
pub const MAX_CYCLE_MONTHS: u32 = 36;
pub const MAX_PLACES: i32 = 10_000;
pub const MAX_STIPEND: i32 = 100_000;

#[derive(Clone, Debug)]
pub struct OfferDraft {
    pub enterprise_id: i32,
    pub kind: OfferKind,
    pub title: String,
    pub description: String,
    pub places: i32,
    pub duration_months: i32,
    pub monthly_stipend: Option<i32>,
    pub partner_college_id: Option<i32>,
    pub region_id: Option<i32>,
    pub cooperation_start: NaiveDate,
    pub cooperation_end: NaiveDate,
    pub occupation_codes: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct OfferPatch {
    pub kind: Option<OfferKind>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub places: Option<i32>,
    pub duration_months: Option<i32>,
    pub monthly_stipend: Option<Option<i32>>,
    pub partner_college_id: Option<Option<i32>>,
    pub region_id: Option<Option<i32>>,
    pub cooperation_start: Option<NaiveDate>,
    pub cooperation_end: Option<NaiveDate>,
    pub occupation_codes: Option<Vec<String>>,
}

/// Checks the city's rule on cooperation cycles.
pub fn check_cycle(validator: &mut Validator, start: NaiveDate, end: NaiveDate) {
    if end < start {
        validator.add(
            "cooperationEnd",
            UserErrorCode::InvalidRange,
            format!("合作结束日期 {end} 早于开始日期 {start} (cooperationEnd is before cooperationStart)"),
        );
        return;
    }
    let limit = start.checked_add_months(Months::new(MAX_CYCLE_MONTHS));
    if limit.is_none_or(|limit| end > limit) {
        validator.add(
            "cooperationEnd",
            UserErrorCode::CycleTooLong,
            format!(
                "合作周期最长 3 年：{start} 开始的合作最晚于 {} 结束 (cooperation cycle longer than 3 years)",
                limit.map(|d| d.to_string()).unwrap_or_default()
            ),
        );
    }
}

async fn validate<C: ConnectionTrait>(db: &C, draft: &OfferDraft) -> ServiceResult<Vec<i32>> {
    let mut validator = Validator::new();
    validator.required_text("title", "标题", &draft.title, MAX_TITLE);
    validator.optional_text("description", "描述", &draft.description, MAX_TEXT);
    validator.number_in("places", "名额", draft.places, 1, MAX_PLACES);
    validator.number_in(
        "durationMonths",
        "培养期(月)",
        draft.duration_months,
        1,
        MAX_CYCLE_MONTHS as i32,
    );
    if let Some(stipend) = draft.monthly_stipend {
        validator.number_in("monthlyStipend", "月补贴", stipend, 0, MAX_STIPEND);
    }
    check_cycle(
        &mut validator,
        draft.cooperation_start,
        draft.cooperation_end,
    );
    check_exists::<enterprise::Entity, _>(
        db,
        &mut validator,
        "enterpriseId",
        "企业",
        Some(draft.enterprise_id),
    )
    .await?;
    check_exists::<college::Entity, _>(
        db,
        &mut validator,
        "partnerCollegeId",
        "合作院校",
        draft.partner_college_id,
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
    validator.finish()?;
    Ok(occupation_ids)
}

pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    draft: OfferDraft,
) -> ServiceResult<apprenticeship_offer::Model> {
    signed_in(actor)?;
    let mut write = begin(db).await?;
    let txn = write.db();
    authorize(
        txn,
        actor,
        Action::WriteOffer {
            enterprise_id: draft.enterprise_id,
        },
    )
    .await?;
    let occupation_ids = validate(txn, &draft).await?;
    let now = Utc::now();
    let model = apprenticeship_offer::ActiveModel {
        enterprise_id: Set(draft.enterprise_id),
        kind: Set(draft.kind),
        title: Set(draft.title.trim().to_string()),
        description: Set(draft.description.clone()),
        places: Set(draft.places),
        duration_months: Set(draft.duration_months),
        monthly_stipend: Set(draft.monthly_stipend),
        partner_college_id: Set(draft.partner_college_id),
        region_id: Set(draft.region_id),
        cooperation_start: Set(draft.cooperation_start),
        cooperation_end: Set(draft.cooperation_end),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    replace_links(
        txn,
        "offer_occupation",
        "offer_id",
        "occupation_id",
        model.id,
        &occupation_ids,
    )
    .await?;
    write.record(ENTITY, model.id, ChangeOperation::Create);
    write.commit().await?;
    Ok(model)
}

pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    changes: OfferPatch,
) -> ServiceResult<apprenticeship_offer::Model> {
    signed_in(actor)?;
    let mut write = begin(db).await?;
    let txn = write.db();
    let Some(existing) = write.lock::<apprenticeship_offer::Entity>(id).await? else {
        return Err(ServiceError::field(
            "id",
            UserErrorCode::NotFound,
            format!("学徒岗位不存在 (no apprenticeship offer with id {id})"),
        ));
    };
    authorize(
        txn,
        actor,
        Action::WriteOffer {
            enterprise_id: existing.enterprise_id,
        },
    )
    .await?;
    let draft = OfferDraft {
        enterprise_id: existing.enterprise_id,
        kind: changes.kind.unwrap_or(existing.kind),
        title: changes.title.unwrap_or_else(|| existing.title.clone()),
        description: changes
            .description
            .unwrap_or_else(|| existing.description.clone()),
        places: changes.places.unwrap_or(existing.places),
        duration_months: changes.duration_months.unwrap_or(existing.duration_months),
        monthly_stipend: changes.monthly_stipend.unwrap_or(existing.monthly_stipend),
        partner_college_id: changes
            .partner_college_id
            .unwrap_or(existing.partner_college_id),
        region_id: changes.region_id.unwrap_or(existing.region_id),
        cooperation_start: changes
            .cooperation_start
            .unwrap_or(existing.cooperation_start),
        cooperation_end: changes.cooperation_end.unwrap_or(existing.cooperation_end),
        occupation_codes: match changes.occupation_codes {
            Some(codes) => codes,
            None => linked_occupation_codes(txn, "offer_occupation", "offer_id", id).await?,
        },
    };
    let occupation_ids = validate(txn, &draft).await?;
    let mut active = existing.into_active_model();
    active.kind = Set(draft.kind);
    active.title = Set(draft.title.trim().to_string());
    active.description = Set(draft.description.clone());
    active.places = Set(draft.places);
    active.duration_months = Set(draft.duration_months);
    active.monthly_stipend = Set(draft.monthly_stipend);
    active.partner_college_id = Set(draft.partner_college_id);
    active.region_id = Set(draft.region_id);
    active.cooperation_start = Set(draft.cooperation_start);
    active.cooperation_end = Set(draft.cooperation_end);
    active.updated_at = Set(Utc::now());
    let model = active.update(txn).await?;
    replace_links(
        txn,
        "offer_occupation",
        "offer_id",
        "occupation_id",
        id,
        &occupation_ids,
    )
    .await?;
    write.record(ENTITY, id, ChangeOperation::Update);
    write.commit().await?;
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) => date,
            Err(error) => panic!("`{text}` is not a date: {error}"),
        }
    }

    #[test]
    fn a_cooperation_cycle_of_exactly_three_years_is_allowed_and_a_day_more_is_not() {
        let mut validator = Validator::new();
        check_cycle(&mut validator, date("2026-09-01"), date("2029-09-01"));
        assert!(validator.is_valid());
        let mut validator = Validator::new();
        check_cycle(&mut validator, date("2026-09-01"), date("2029-09-02"));
        assert!(
            matches!(validator.finish(), Err(ServiceError::Invalid(errors)) if errors[0].code == UserErrorCode::CycleTooLong)
        );
    }

    #[test]
    fn a_cooperation_that_ends_before_it_starts_is_a_reversed_range() {
        let mut validator = Validator::new();
        check_cycle(&mut validator, date("2026-09-01"), date("2026-08-01"));
        assert!(
            matches!(validator.finish(), Err(ServiceError::Invalid(errors)) if errors[0].code == UserErrorCode::InvalidRange)
        );
    }
}
