//! Skill-competition results and rewards: contests, the people who win
//! them, awards, dated reward tables and the approval of each reward
//! (recorded → submitted → approved or returned → paid). The amounts come
//! from [`crate::programmes::rewards`]; this module stores them and keeps
//! them current as awards and tables are added.
//!
//! A reward belongs to one person, event (赛项) and year. Whenever an award
//! or a table is added, the rewards of every (person, event, year) it
//! touches are computed again: the open reward (recorded or returned)
//! takes the amount still due, `highest amount − what was already
//! submitted, approved or paid`; a reward no longer due is cancelled, not
//! deleted. So a higher award after submission adds a second reward for
//! the difference, and a person is never paid twice for one event and
//! year. Every change of status is kept as a step with who and when.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Utc};
use entity::{
    award_winner, college, competition_reward, contest, contest_award, contest_person,
    enums::{ContestLevel, ContestOrganiser, Participation, Prize, RewardStatus, TokenRole},
    reward_step, reward_table,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

use super::{
    begin, check_exists, signed_in, ServiceError, ServiceResult, UserErrorCode, Validator,
};
use crate::{
    access::{authorize, Action, Actor},
    programmes::rewards::{self, AwardEntry, RewardTable},
    relations::{children_of, rows_by_id},
};

/// Most winners of one award (a team and its instructors).
pub const MAX_WINNERS: usize = 50;
/// Largest amount of a reward table, in yuan.
pub const MAX_AMOUNT: i64 = 10_000_000;

#[derive(Clone, Debug)]
pub struct ContestDraft {
    pub name: String,
    pub event: String,
    pub year: i32,
    pub level: ContestLevel,
    pub organiser: ContestOrganiser,
}

#[derive(Clone, Debug)]
pub struct PersonDraft {
    pub name: String,
    pub college_id: i32,
    pub identity: String,
}

#[derive(Clone, Debug)]
pub struct AwardDraft {
    pub contest_id: i32,
    pub prize: Prize,
    pub awarded_on: NaiveDate,
    pub winners: Vec<(i32, Participation)>,
}

#[derive(Clone, Debug)]
pub struct TableDraft {
    pub effective_from: NaiveDate,
    /// 一, 二, 三等奖 per level.
    pub nation: [i64; 3],
    pub province: [i64; 3],
    pub city: [i64; 3],
}

/// A move of a reward through its approval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// The college submits a recorded or returned reward.
    Submit,
    /// 市人社局 approves a submitted reward.
    Approve,
    /// 市人社局 returns a submitted reward, with a note saying why.
    Return,
    /// 市人社局 records the payment of an approved reward.
    Pay,
}

impl Transition {
    fn allowed_from(self) -> &'static [RewardStatus] {
        match self {
            Transition::Submit => &[RewardStatus::Recorded, RewardStatus::Returned],
            Transition::Approve | Transition::Return => &[RewardStatus::Submitted],
            Transition::Pay => &[RewardStatus::Approved],
        }
    }

    fn to(self) -> RewardStatus {
        match self {
            Transition::Submit => RewardStatus::Submitted,
            Transition::Approve => RewardStatus::Approved,
            Transition::Return => RewardStatus::Returned,
            Transition::Pay => RewardStatus::Paid,
        }
    }
}

/// Statuses whose amount is committed: a later award adds to them.
const COMMITTED: [RewardStatus; 3] = [
    RewardStatus::Submitted,
    RewardStatus::Approved,
    RewardStatus::Paid,
];
/// Statuses that recomputation may still change.
const OPEN: [RewardStatus; 2] = [RewardStatus::Recorded, RewardStatus::Returned];

fn actor_label(actor: &Actor) -> String {
    match actor {
        Actor::Token(holder) => format!("{} ({:?})", holder.name, holder.role),
        Actor::System => "hub".to_string(),
        Actor::Anonymous => "anonymous".to_string(),
    }
}

impl From<&reward_table::Model> for RewardTable {
    fn from(table: &reward_table::Model) -> Self {
        RewardTable {
            effective_from: table.effective_from,
            nation: [table.nation_first, table.nation_second, table.nation_third],
            province: [
                table.province_first,
                table.province_second,
                table.province_third,
            ],
            city: [table.city_first, table.city_second, table.city_third],
        }
    }
}

pub async fn create_contest<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    draft: ContestDraft,
) -> ServiceResult<contest::Model> {
    signed_in(actor)?;
    let write = begin(db).await?;
    let txn = write.db();
    authorize(txn, actor, Action::WriteContest).await?;
    let mut validator = Validator::new();
    validator.required_text("name", "大赛名称", &draft.name, 200);
    validator.required_text("event", "赛项", &draft.event, 200);
    validator.number_in("year", "年度", draft.year, 2000, 2100);
    validator.finish()?;
    let model = contest::ActiveModel {
        name: Set(draft.name.trim().to_string()),
        event: Set(draft.event.trim().to_string()),
        year: Set(draft.year),
        level: Set(draft.level),
        organiser: Set(draft.organiser),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    write.commit().await?;
    Ok(model)
}

pub async fn create_person<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    draft: PersonDraft,
) -> ServiceResult<contest_person::Model> {
    signed_in(actor)?;
    let write = begin(db).await?;
    let txn = write.db();
    authorize(
        txn,
        actor,
        Action::WriteContestResults {
            college_id: draft.college_id,
        },
    )
    .await?;
    let mut validator = Validator::new();
    validator.required_text("name", "姓名", &draft.name, 100);
    validator.required_text("identity", "学号或工号", &draft.identity, 64);
    check_exists::<college::Entity, _>(
        txn,
        &mut validator,
        "collegeId",
        "院校",
        Some(draft.college_id),
    )
    .await?;
    let identity = draft.identity.trim().to_string();
    let taken = contest_person::Entity::find()
        .filter(contest_person::Column::CollegeId.eq(draft.college_id))
        .filter(contest_person::Column::Identity.eq(identity.as_str()))
        .one(txn)
        .await?;
    if taken.is_some() {
        validator.add(
            "identity",
            UserErrorCode::Taken,
            format!(
                "本校已登记学号或工号 {identity} (this college already has a person {identity})"
            ),
        );
    }
    validator.finish()?;
    let model = contest_person::ActiveModel {
        name: Set(draft.name.trim().to_string()),
        college_id: Set(draft.college_id),
        identity: Set(identity),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    write.commit().await?;
    Ok(model)
}

/// Records an award with its winners and computes their rewards again.
/// Every winner must belong to the caller's college (admins may record
/// any); the award's date must fall in the contest's year.
pub async fn record_award<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    draft: AwardDraft,
) -> ServiceResult<(contest_award::Model, Vec<competition_reward::Model>)> {
    signed_in(actor)?;
    let write = begin(db).await?;
    let txn = write.db();
    // Only colleges (for their own people, checked below) and admins
    // record awards: others are refused before anything is looked up.
    let own = actor.organisation(TokenRole::College).unwrap_or(0);
    authorize(txn, actor, Action::WriteContestResults { college_id: own }).await?;
    let mut validator = Validator::new();
    let contest = contest::Entity::find_by_id(draft.contest_id)
        .one(txn)
        .await?;
    match &contest {
        None => validator.add(
            "contestId",
            UserErrorCode::NotFound,
            format!(
                "竞赛不存在 (no contest with id {})",
                crate::ids::encode(crate::ids::NodeKind::Contest, draft.contest_id).as_str()
            ),
        ),
        Some(contest) if contest.year != draft.awarded_on.year() => validator.add(
            "awardedOn",
            UserErrorCode::OutOfRange,
            format!(
                "获奖日期不在竞赛年度 {} 内 (the award date {} is not in the contest's year {})",
                contest.year, draft.awarded_on, contest.year
            ),
        ),
        Some(_) => {}
    }
    if draft.winners.is_empty() {
        validator.add(
            "winners",
            UserErrorCode::Blank,
            "至少一名获奖人 (an award needs at least one winner)",
        );
    }
    if draft.winners.len() > MAX_WINNERS {
        validator.add(
            "winners",
            UserErrorCode::TooLong,
            format!("获奖人至多 {MAX_WINNERS} 名 (at most {MAX_WINNERS} winners)"),
        );
    }
    let ids: BTreeSet<i32> = draft.winners.iter().map(|(id, _)| *id).collect();
    if ids.len() != draft.winners.len() {
        validator.add(
            "winners",
            UserErrorCode::Invalid,
            "同一人重复列出 (a person is listed twice)",
        );
    }
    let people = contest_person::Entity::find()
        .filter(contest_person::Column::Id.is_in(ids.iter().copied()))
        .all(txn)
        .await?;
    for id in &ids {
        if !people.iter().any(|person| person.id == *id) {
            validator.add(
                "winners",
                UserErrorCode::NotFound,
                format!(
                    "获奖人不存在 (no contest person with id {})",
                    crate::ids::encode(crate::ids::NodeKind::ContestPerson, *id).as_str()
                ),
            );
        }
    }
    validator.finish()?;
    let colleges: BTreeSet<i32> = people.iter().map(|person| person.college_id).collect();
    for college_id in colleges {
        authorize(txn, actor, Action::WriteContestResults { college_id }).await?;
    }
    let Some(contest) = contest else {
        return Err(ServiceError::field(
            "contestId",
            UserErrorCode::NotFound,
            "竞赛不存在 (no such contest)",
        ));
    };
    // One writer at a time per person: their rewards are read and written
    // below.
    for id in &ids {
        write.lock::<contest_person::Entity>(*id).await?;
    }
    let award = contest_award::ActiveModel {
        contest_id: Set(contest.id),
        prize: Set(draft.prize),
        awarded_on: Set(draft.awarded_on),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let rows: Vec<award_winner::ActiveModel> = draft
        .winners
        .iter()
        .map(|(person_id, participation)| award_winner::ActiveModel {
            award_id: Set(award.id),
            person_id: Set(*person_id),
            participation: Set(*participation),
        })
        .collect();
    award_winner::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    let key = rewards::event_key(&contest.event);
    let mut touched = Vec::new();
    for id in &ids {
        touched.extend(recompute(txn, actor, *id, &key, contest.year).await?);
    }
    write.commit().await?;
    Ok((award, touched))
}

/// Adds a dated table of amounts and computes again the open rewards of
/// awards dated on or after it.
pub async fn add_table<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    draft: TableDraft,
) -> ServiceResult<reward_table::Model> {
    signed_in(actor)?;
    let write = begin(db).await?;
    let txn = write.db();
    authorize(txn, actor, Action::WriteRewardTable).await?;
    let mut validator = Validator::new();
    for (field, row) in [
        ("nation", draft.nation),
        ("province", draft.province),
        ("city", draft.city),
    ] {
        if row.iter().any(|amount| !(0..=MAX_AMOUNT).contains(amount)) {
            validator.add(
                field,
                UserErrorCode::OutOfRange,
                format!("金额须在 0 至 {MAX_AMOUNT} 元之间 (amounts are 0 to {MAX_AMOUNT} yuan)"),
            );
        } else if row[0] < row[1] || row[1] < row[2] {
            validator.add(
                field,
                UserErrorCode::InvalidRange,
                "一等奖不低于二等奖，二等奖不低于三等奖 (first ≥ second ≥ third)",
            );
        }
    }
    let taken = reward_table::Entity::find()
        .filter(reward_table::Column::EffectiveFrom.eq(draft.effective_from))
        .one(txn)
        .await?;
    if taken.is_some() {
        validator.add(
            "effectiveFrom",
            UserErrorCode::Taken,
            format!(
                "{} 已有奖励标准 (a table already takes effect on {})",
                draft.effective_from, draft.effective_from
            ),
        );
    }
    validator.finish()?;
    let [nation_first, nation_second, nation_third] = draft.nation;
    let [province_first, province_second, province_third] = draft.province;
    let [city_first, city_second, city_third] = draft.city;
    let table = reward_table::ActiveModel {
        effective_from: Set(draft.effective_from),
        nation_first: Set(nation_first),
        nation_second: Set(nation_second),
        nation_third: Set(nation_third),
        province_first: Set(province_first),
        province_second: Set(province_second),
        province_third: Set(province_third),
        city_first: Set(city_first),
        city_second: Set(city_second),
        city_third: Set(city_third),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    // Every (person, event, year) with an award on or after the new date.
    let awards = contest_award::Entity::find()
        .filter(contest_award::Column::AwardedOn.gte(draft.effective_from))
        .all(txn)
        .await?;
    let contest_ids: Vec<i32> = awards.iter().map(|award| award.contest_id).collect();
    let contests = rows_by_id::<contest::Entity, _>(txn, &contest_ids).await?;
    let award_ids: Vec<i32> = awards.iter().map(|award| award.id).collect();
    let winners = children_of::<award_winner::Entity, _>(txn, &award_ids).await?;
    let mut keys = BTreeSet::new();
    for award in &awards {
        let Some(contest) = contests.get(&award.contest_id) else {
            continue;
        };
        for winner in winners.get(&award.id).into_iter().flatten() {
            keys.insert((
                winner.person_id,
                rewards::event_key(&contest.event),
                contest.year,
            ));
        }
    }
    for (person_id, key, year) in keys {
        recompute(txn, actor, person_id, &key, year).await?;
    }
    write.commit().await?;
    Ok(table)
}

/// Computes the rewards of one person, event and year again (see the
/// module's documentation); returns the rewards it created or changed.
async fn recompute<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    person_id: i32,
    event_key: &str,
    year: i32,
) -> ServiceResult<Vec<competition_reward::Model>> {
    let tables: Vec<RewardTable> = reward_table::Entity::find()
        .all(db)
        .await?
        .iter()
        .map(RewardTable::from)
        .collect();
    let winners = award_winner::Entity::find()
        .filter(award_winner::Column::PersonId.eq(person_id))
        .all(db)
        .await?;
    let award_ids: Vec<i32> = winners.iter().map(|winner| winner.award_id).collect();
    let awards = rows_by_id::<contest_award::Entity, _>(db, &award_ids).await?;
    let contest_ids: Vec<i32> = awards.values().map(|award| award.contest_id).collect();
    let contests = rows_by_id::<contest::Entity, _>(db, &contest_ids).await?;
    let mut entries = Vec::new();
    for winner in winners {
        let Some(award) = awards.get(&winner.award_id) else {
            continue;
        };
        let Some(contest) = contests.get(&award.contest_id) else {
            continue;
        };
        if contest.year != year || rewards::event_key(&contest.event) != event_key {
            continue;
        }
        entries.push(AwardEntry {
            award_id: award.id,
            person_id,
            participation: winner.participation,
            event: contest.event.clone(),
            level: contest.level,
            organiser: contest.organiser,
            prize: award.prize,
            awarded_on: award.awarded_on,
        });
    }
    let lines = rewards::compute(&entries, &tables);
    let best = lines
        .iter()
        .filter(|line| line.no_reward.is_none())
        .max_by_key(|line| line.amount);
    let existing = competition_reward::Entity::find()
        .filter(competition_reward::Column::PersonId.eq(person_id))
        .filter(competition_reward::Column::EventKey.eq(event_key))
        .filter(competition_reward::Column::Year.eq(year))
        .order_by_asc(competition_reward::Column::Id)
        .all(db)
        .await?;
    let committed: i64 = existing
        .iter()
        .filter(|reward| COMMITTED.contains(&reward.status))
        .map(|reward| reward.amount)
        .sum();
    let open = existing.iter().find(|reward| OPEN.contains(&reward.status));
    let due = best.map_or(0, |line| line.amount) - committed;
    let now = Utc::now();
    let mut changed = Vec::new();
    match (best.filter(|_| due > 0), open) {
        (Some(line), Some(open)) => {
            let unchanged = open.amount == due && open.award_id == line.award_id;
            if !unchanged {
                let mut model = open.clone().into_active_model();
                model.award_id = Set(line.award_id);
                model.amount = Set(due);
                model.table_from = Set(line.table_from);
                model.updated_at = Set(now);
                let model = model.update(db).await?;
                step(
                    db,
                    actor,
                    model.id,
                    model.status,
                    &format!("重新计算：{due} 元 (recomputed: {due} yuan)"),
                )
                .await?;
                changed.push(model);
            }
        }
        (Some(line), None) => {
            let model = competition_reward::ActiveModel {
                person_id: Set(person_id),
                event_key: Set(event_key.to_string()),
                year: Set(year),
                award_id: Set(line.award_id),
                amount: Set(due),
                table_from: Set(line.table_from),
                status: Set(RewardStatus::Recorded),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
            let note = if committed > 0 {
                format!("补发差额 {due} 元 (top-up of {due} yuan)")
            } else {
                format!("{due} 元 ({due} yuan)")
            };
            step(db, actor, model.id, RewardStatus::Recorded, &note).await?;
            changed.push(model);
        }
        (None, Some(open)) => {
            let mut model = open.clone().into_active_model();
            model.status = Set(RewardStatus::Cancelled);
            model.updated_at = Set(now);
            let model = model.update(db).await?;
            step(
                db,
                actor,
                model.id,
                RewardStatus::Cancelled,
                "不再应发：同一赛项同年已按更高奖项奖励 (no longer due)",
            )
            .await?;
            changed.push(model);
        }
        (None, None) => {}
    }
    Ok(changed)
}

async fn step<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    reward_id: i32,
    status: RewardStatus,
    note: &str,
) -> ServiceResult<()> {
    reward_step::ActiveModel {
        reward_id: Set(reward_id),
        status: Set(status),
        actor: Set(actor_label(actor)),
        note: Set(note.to_string()),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Moves a reward one step through its approval. Submitting is for the
/// person's college (or an admin); approving, returning and paying for
/// 市人社局 alone. A return needs a note.
pub async fn transition<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    transition: Transition,
    note: &str,
) -> ServiceResult<competition_reward::Model> {
    signed_in(actor)?;
    let write = begin(db).await?;
    let txn = write.db();
    let Some(reward) = write.lock::<competition_reward::Entity>(id).await? else {
        return Err(ServiceError::field(
            "id",
            UserErrorCode::NotFound,
            format!(
                "奖励不存在 (no reward with id {})",
                crate::ids::encode(crate::ids::NodeKind::CompetitionReward, id).as_str()
            ),
        ));
    };
    let action = match transition {
        Transition::Submit => {
            let college_id = contest_person::Entity::find_by_id(reward.person_id)
                .one(txn)
                .await?
                .map_or(0, |person| person.college_id);
            Action::WriteContestResults { college_id }
        }
        Transition::Approve | Transition::Return | Transition::Pay => Action::DecideReward,
    };
    authorize(txn, actor, action).await?;
    let mut validator = Validator::new();
    validator.optional_text("note", "备注", note, 1_000);
    if transition == Transition::Return && note.trim().is_empty() {
        validator.add(
            "note",
            UserErrorCode::Blank,
            "退回须说明原因 (a return needs a note saying why)",
        );
    }
    if !transition.allowed_from().contains(&reward.status) {
        validator.add(
            "id",
            UserErrorCode::InvalidState,
            format!(
                "奖励当前状态为 {:?}，不能{:?} (a {:?} reward cannot be moved by {:?})",
                reward.status, transition, reward.status, transition
            ),
        );
    }
    validator.finish()?;
    let to = transition.to();
    let mut model = reward.into_active_model();
    model.status = Set(to);
    model.updated_at = Set(Utc::now());
    let model = model.update(txn).await?;
    step(txn, actor, model.id, to, note.trim()).await?;
    write.commit().await?;
    Ok(model)
}
