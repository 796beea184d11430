//! Experts of the pool against programs' teaching needs, scored on the
//! same parts as supply–demand matching ([`super::score`]): the need is
//! the demand, the expert the supply.
//!
//! - **Occupation**: the need's occupations against the expert's.
//! - **Text**: the need's key terms (title and topics) found in the
//!   expert's post, professional title and skills.
//! - **Certificates**: certificates the need names (the 1+X certificates a
//!   course prepares for) that the expert holds.
//! - **Region**: the college's district against the enterprise's.
//! - **Education**: not stated by needs, so left out (and said so).
//! - **Capacity**: the hours asked for against the hours the expert can
//!   give within the need's period: hours a week × days of overlap between
//!   the period and the expert's availability ÷ 7, rounded down.
//!
//! Only experts who offer what the need asks (teaching or course
//! building), are still available, and show evidence of relevance (a
//! related occupation or a shared term) are listed; the database narrows
//! the pool to them before scoring (`hub-bench experts` times it).

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{
    enums::{TeachingNeedKind, TeachingNeedStatus},
    expert, teaching_need,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Func, LikeExpr, Query},
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

use super::{
    profiles,
    score::{score, Place, Profile, Scored},
};
use crate::relations::rows_by_id;

/// Hours the expert can give within `[start, end]`: hours a week × days of
/// overlap with the expert's availability ÷ 7, rounded down.
pub fn available_hours(
    hours_per_week: i32,
    available: (Option<NaiveDate>, Option<NaiveDate>),
    period: (NaiveDate, NaiveDate),
) -> i32 {
    let start = available
        .0
        .map_or(period.0, |from| Ord::max(from, period.0));
    let end = available
        .1
        .map_or(period.1, |until| Ord::min(until, period.1));
    if end < start {
        return 0;
    }
    let days = (end - start).num_days() + 1;
    i32::try_from(days * i64::from(Ord::max(hours_per_week, 0)) / 7).unwrap_or(i32::MAX)
}

/// Whether the expert offers what the need asks.
pub fn offers(expert: &expert::Model, kind: TeachingNeedKind) -> bool {
    match kind {
        TeachingNeedKind::Teaching => expert.teaches,
        TeachingNeedKind::CourseBuilding => expert.builds_courses,
    }
}

fn service_condition(kind: TeachingNeedKind) -> Condition {
    Condition::all().add(match kind {
        TeachingNeedKind::Teaching => expert::Column::Teaches.eq(true),
        TeachingNeedKind::CourseBuilding => expert::Column::BuildsCourses.eq(true),
    })
}

/// The experts that can be relevant to a need, as SQL: linked to an
/// occupation of the same 中类 as one of the need's, or holding one of its
/// key terms in their post, title or skills (lowercased, as scoring reads
/// them). A superset of the experts scoring finds relevant, so the pool
/// is not scored whole; `None` when nothing can be relevant.
fn relevance_condition(need: &Profile) -> Option<Condition> {
    let mut mediums: Vec<&str> = need
        .occupations
        .iter()
        .map(|link| link.medium_code.as_str())
        .filter(|code| !code.is_empty())
        .collect();
    mediums.sort_unstable();
    mediums.dedup();
    if mediums.is_empty() && need.terms.is_empty() {
        return None;
    }
    let mut relevant = Condition::any();
    if !mediums.is_empty() {
        relevant = relevant.add(
            expert::Column::Id.in_subquery(
                Query::select()
                    .column(("expert_occupation", "expert_id"))
                    .from("expert_occupation")
                    .inner_join(
                        "occupation",
                        Expr::col(("occupation", "id"))
                            .equals(("expert_occupation", "occupation_id")),
                    )
                    .and_where(Expr::col(("occupation", "medium_code")).is_in(mediums))
                    .take(),
            ),
        );
    }
    for term in &need.terms {
        let pattern = format!("%{}%", crate::graphql::common::escape_like(term));
        for text in [
            Expr::col(expert::Column::JobTitle),
            Expr::col(expert::Column::ProfessionalTitle),
            Expr::col(expert::Column::Skills).cast_as("TEXT"),
        ] {
            relevant =
                relevant.add(Func::lower(text).like(LikeExpr::new(pattern.clone()).escape('\\')));
        }
    }
    Some(relevant)
}

/// Scores one pair: the expert's capacity is what it can give in the
/// need's period.
fn pair(
    need: &teaching_need::Model,
    need_profile: &Profile,
    expert: &expert::Model,
    expert_profile: &Profile,
) -> Scored {
    let mut supply = expert_profile.clone();
    supply.capacity = Some(available_hours(
        expert.hours_per_week,
        (expert.available_from, expert.available_until),
        (need.period_start, need.period_end),
    ));
    score(need_profile, &supply)
}

fn rank(scored: &mut [Scored]) {
    scored.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.demand.1.cmp(&b.demand.1))
            .then_with(|| a.supply.1.cmp(&b.supply.1))
    });
}

/// The experts for a teaching need, best first; `None` when there is no
/// such need. `keep` filters experts by their profile.
pub async fn for_need<C: ConnectionTrait>(
    db: &C,
    need_id: i32,
    places: &HashMap<i32, Place>,
    keep: &(dyn Fn(&Profile) -> bool + Sync),
) -> Result<Option<Vec<Scored>>, DbErr> {
    let Some(need) = teaching_need::Entity::find_by_id(need_id).one(db).await? else {
        return Ok(None);
    };
    let Some(need_profile) = profiles::needs(db, &[need_id], places)
        .await?
        .remove(&need_id)
    else {
        return Ok(None);
    };
    let Some(relevant) = relevance_condition(&need_profile) else {
        return Ok(Some(Vec::new()));
    };
    let today = chrono::Utc::now().date_naive();
    let expert_ids: Vec<i32> = expert::Entity::find()
        .select_only()
        .column(expert::Column::Id)
        .filter(service_condition(need.kind))
        .filter(
            Condition::any()
                .add(expert::Column::AvailableUntil.is_null())
                .add(expert::Column::AvailableUntil.gte(today)),
        )
        .filter(relevant)
        .into_tuple::<i32>()
        .all(db)
        .await?;
    let experts = rows_by_id::<expert::Entity, _>(db, &expert_ids).await?;
    let expert_profiles = profiles::experts(db, &expert_ids, places).await?;
    let mut scored: Vec<Scored> = expert_profiles
        .values()
        .filter(|profile| profile.open && keep(profile))
        .filter_map(|profile| {
            let expert = experts.get(&profile.id)?;
            let scored = pair(&need, &need_profile, expert, profile);
            scored.is_relevant().then_some(scored)
        })
        .collect();
    rank(&mut scored);
    Ok(Some(scored))
}

/// The open teaching needs an expert fits, best first; `None` when there
/// is no such expert. `keep` filters needs by their profile.
pub async fn for_expert<C: ConnectionTrait>(
    db: &C,
    expert_id: i32,
    places: &HashMap<i32, Place>,
    keep: &(dyn Fn(&Profile) -> bool + Sync),
) -> Result<Option<Vec<Scored>>, DbErr> {
    let Some(expert) = expert::Entity::find_by_id(expert_id).one(db).await? else {
        return Ok(None);
    };
    let Some(expert_profile) = profiles::experts(db, &[expert_id], places)
        .await?
        .remove(&expert_id)
    else {
        return Ok(None);
    };
    let kinds: Vec<TeachingNeedKind> =
        [TeachingNeedKind::Teaching, TeachingNeedKind::CourseBuilding]
            .into_iter()
            .filter(|kind| offers(&expert, *kind))
            .collect();
    let today = chrono::Utc::now().date_naive();
    let need_ids: Vec<i32> = teaching_need::Entity::find()
        .select_only()
        .column(teaching_need::Column::Id)
        .filter(teaching_need::Column::Status.eq(TeachingNeedStatus::Open))
        .filter(teaching_need::Column::PeriodEnd.gte(today))
        .filter(teaching_need::Column::Kind.is_in(kinds))
        .into_tuple::<i32>()
        .all(db)
        .await?;
    let needs = rows_by_id::<teaching_need::Entity, _>(db, &need_ids).await?;
    let need_profiles = profiles::needs(db, &need_ids, places).await?;
    let mut scored: Vec<Scored> = need_profiles
        .values()
        .filter(|profile| keep(profile))
        .filter_map(|profile| {
            let need = needs.get(&profile.id)?;
            let scored = pair(need, profile, &expert, &expert_profile);
            scored.is_relevant().then_some(scored)
        })
        .collect();
    rank(&mut scored);
    Ok(Some(scored))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn available_hours_count_only_the_overlap_of_availability_and_period() {
        let period = (date("2027-03-01"), date("2027-06-27")); // 119 days, 17 weeks
        assert_eq!(available_hours(4, (None, None), period), 68);
        // Available from 2027-05-03: 56 days, 8 weeks.
        assert_eq!(
            available_hours(4, (Some(date("2027-05-03")), None), period),
            32
        );
        // Available until the day before the period starts.
        assert_eq!(
            available_hours(4, (None, Some(date("2027-02-28"))), period),
            0
        );
        // One day of overlap: 6 hours a week gives 6 / 7, rounded down.
        assert_eq!(
            available_hours(6, (Some(date("2027-06-27")), None), period),
            0
        );
        assert_eq!(
            available_hours(7, (Some(date("2027-06-27")), None), period),
            1
        );
    }
}
