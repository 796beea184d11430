//! Skill-competition rewards (吉市政办发〔2022〕32号 §二(七)): contests,
//! winners, awards, dated reward tables, rewards and their approval by
//! 市人社局. Contests, awards and tables are public; people and rewards
//! (names, student numbers, amounts) are seen by their college, 市人社局
//! and admins only.

use std::collections::{BTreeMap, HashMap};

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    award_winner, college, competition_reward, contest, contest_award, contest_person,
    enums::TokenRole, reward_step, reward_table,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    common::{filter_ids, outcome, InputIds, UserError},
    loaders::{actor, database, load_children, load_many, load_required},
    organisations::{by_id_key, College},
};
use crate::{
    access::{Actor, Refusal},
    error::{ApiError, ApiResult},
    ids::{encode, NodeKind},
    pagination::{paginate, HubConnection, PageArgs, SortKey, SortValue},
    relations::rows_by_id,
    services::rewards::{
        self as service, AwardDraft, ContestDraft, PersonDraft, TableDraft, Transition,
    },
};

/// 竞赛级别。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::ContestLevel")]
pub enum ContestLevel {
    /// 全市
    City,
    /// 全省
    Province,
    /// 全国
    Nation,
}

/// 竞赛主办方类别：决定奖励是否减半。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::ContestOrganiser")]
pub enum ContestOrganiser {
    /// 职业院校技能大赛（含教师教学能力比赛）：全额。
    VocationalCollegeContest,
    /// 国际性行业组织：按全国级标准减半。
    InternationalOrganisation,
    /// 全国性行业协会、学会等社会组织：按相应级别标准减半。
    SocialOrganisation,
}

/// 奖项。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::Prize")]
pub enum Prize {
    /// 一等奖
    First,
    /// 二等奖
    Second,
    /// 三等奖
    Third,
    /// 其他奖项（不予奖励）
    Other,
}

/// 获奖人身份。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::Participation")]
pub enum Participation {
    /// 参赛学生
    Student,
    /// 参赛教师
    Teacher,
    /// 指导教师（按学生奖励标准）
    Instructor,
}

/// 奖励审批状态：登记 → 提交 → 批准（或退回）→ 发放。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::RewardStatus")]
pub enum RewardStatus {
    /// 已登记（按获奖计算，尚未提交）
    Recorded,
    /// 已提交市人社局
    Submitted,
    /// 市人社局已批准
    Approved,
    /// 市人社局已退回
    Returned,
    /// 已发放
    Paid,
    /// 已取消（同一赛项同年有更高奖项，提交前被取代）
    Cancelled,
}

/// Who may read people and rewards.
enum Scope {
    All,
    College(i32),
}

fn scope(actor: &Actor) -> ApiResult<Scope> {
    match actor {
        Actor::Anonymous => Err(ApiError::from(Refusal::Unauthenticated(
            "rewards need an API token: send `Authorization: Bearer <token>`".to_string(),
        ))),
        Actor::System => Ok(Scope::All),
        Actor::Token(holder) => match holder.role {
            TokenRole::Admin | TokenRole::HrBureau => Ok(Scope::All),
            TokenRole::College => Ok(Scope::College(holder.organisation_id.unwrap_or(0))),
            TokenRole::Association | TokenRole::Enterprise => {
                Err(ApiError::from(Refusal::Forbidden(
                    "rewards are for colleges, 市人社局 and admins only".to_string(),
                )))
            }
        },
    }
}

pub fn may_see_person(actor: &Actor, person: &contest_person::Model) -> bool {
    match scope(actor) {
        Ok(Scope::All) => true,
        Ok(Scope::College(id)) => id == person.college_id,
        Err(_) => false,
    }
}

fn yuan(amount: i64) -> i32 {
    i32::try_from(amount).unwrap_or(i32::MAX)
}

/// 技能竞赛（某年度的一个赛项）。
pub struct Contest(pub contest::Model);

#[Object]
impl Contest {
    pub async fn id(&self) -> ID {
        encode(NodeKind::Contest, self.0.id)
    }
    /// 大赛名称，如“全国职业院校技能大赛”。
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// 赛项。
    async fn event(&self) -> &str {
        &self.0.event
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    async fn level(&self) -> ContestLevel {
        self.0.level.into()
    }
    async fn organiser(&self) -> ContestOrganiser {
        self.0.organiser.into()
    }
    /// 本竞赛的获奖记录（按日期）。
    async fn awards(&self, ctx: &Context<'_>) -> Result<Vec<ContestAward>> {
        let mut rows = load_children::<contest_award::Entity>(ctx, self.0.id).await?;
        rows.sort_by_key(|award| (award.awarded_on, award.id));
        Ok(rows.into_iter().map(ContestAward).collect())
    }
}

/// 一项获奖：竞赛、奖项、日期和获奖人。
pub struct ContestAward(pub contest_award::Model);

#[Object]
impl ContestAward {
    pub async fn id(&self) -> ID {
        encode(NodeKind::ContestAward, self.0.id)
    }
    async fn contest(&self, ctx: &Context<'_>) -> Result<Contest> {
        Ok(Contest(
            load_required::<contest::Entity>(ctx, self.0.contest_id, "contest").await?,
        ))
    }
    async fn prize(&self) -> Prize {
        self.0.prize.into()
    }
    async fn awarded_on(&self) -> NaiveDate {
        self.0.awarded_on
    }
    /// 获奖人；姓名等个人信息仅本校、市人社局和管理员可见（其他人得到
    /// `person: null`）。
    async fn winners(&self, ctx: &Context<'_>) -> Result<Vec<AwardWinner>> {
        let winners = load_children::<award_winner::Entity>(ctx, self.0.id).await?;
        let ids: Vec<i32> = winners.iter().map(|winner| winner.person_id).collect();
        let people: HashMap<i32, contest_person::Model> =
            load_many::<contest_person::Entity>(ctx, &ids)
                .await?
                .into_iter()
                .map(|person| (person.id, person))
                .collect();
        Ok(winners
            .into_iter()
            .map(|winner| AwardWinner {
                person: people
                    .get(&winner.person_id)
                    .filter(|person| may_see_person(actor(ctx), person))
                    .cloned()
                    .map(ContestPerson),
                participation: winner.participation.into(),
            })
            .collect())
    }
}

/// 获奖人及其身份。
#[derive(SimpleObject)]
pub struct AwardWinner {
    /// `null` when the caller may not see the person.
    pub person: Option<ContestPerson>,
    pub participation: Participation,
}

/// 参赛的学生或教师（院校登记）。
pub struct ContestPerson(pub contest_person::Model);

#[Object]
impl ContestPerson {
    pub async fn id(&self) -> ID {
        encode(NodeKind::ContestPerson, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// 学号或工号。
    async fn identity(&self) -> &str {
        &self.0.identity
    }
    async fn college(&self, ctx: &Context<'_>) -> Result<College> {
        Ok(College(
            load_required::<college::Entity>(ctx, self.0.college_id, "college").await?,
        ))
    }
    /// 此人的奖励。
    async fn rewards(&self, ctx: &Context<'_>) -> Result<Vec<CompetitionReward>> {
        Ok(load_children::<competition_reward::Entity>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(CompetitionReward)
            .collect())
    }
}

/// 竞赛奖励：一人一赛项一年度，按最高奖项计发；审批经市人社局。
pub struct CompetitionReward(pub competition_reward::Model);

#[Object]
impl CompetitionReward {
    pub async fn id(&self) -> ID {
        encode(NodeKind::CompetitionReward, self.0.id)
    }
    async fn person(&self, ctx: &Context<'_>) -> Result<ContestPerson> {
        Ok(ContestPerson(
            load_required::<contest_person::Entity>(ctx, self.0.person_id, "contest person")
                .await?,
        ))
    }
    /// 计发所依据的获奖。
    async fn award(&self, ctx: &Context<'_>) -> Result<ContestAward> {
        Ok(ContestAward(
            load_required::<contest_award::Entity>(ctx, self.0.award_id, "contest award").await?,
        ))
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// 金额（元）。同一赛项同年已提交的奖励之后出现更高奖项时，此为补发差额。
    async fn amount(&self) -> i32 {
        yuan(self.0.amount)
    }
    /// 所用奖励标准的生效日期。
    async fn table_from(&self) -> Option<NaiveDate> {
        self.0.table_from
    }
    async fn status(&self) -> RewardStatus {
        self.0.status.into()
    }
    /// 每一步：状态、操作人、时间、备注（按时间）。
    async fn steps(&self, ctx: &Context<'_>) -> Result<Vec<RewardStep>> {
        let rows = load_children::<reward_step::Entity>(ctx, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|step| RewardStep {
                status: step.status.into(),
                actor: step.actor,
                note: step.note,
                at: step.at,
            })
            .collect())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// 奖励审批的一步。
#[derive(SimpleObject)]
pub struct RewardStep {
    /// 进入的状态。
    pub status: RewardStatus,
    /// 操作人（令牌名称和角色）。
    pub actor: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// 一版奖励标准（元/人），自生效日期起适用。
pub struct RewardTable(pub reward_table::Model);

/// 某级别某奖项的金额。
#[derive(SimpleObject)]
pub struct RewardAmount {
    pub level: ContestLevel,
    pub prize: Prize,
    pub yuan: i32,
}

#[Object]
impl RewardTable {
    async fn effective_from(&self) -> NaiveDate {
        self.0.effective_from
    }
    /// 九档金额：全国、全省、全市 × 一、二、三等奖。
    async fn amounts(&self) -> Vec<RewardAmount> {
        let t = &self.0;
        let rows = [
            (
                ContestLevel::Nation,
                [t.nation_first, t.nation_second, t.nation_third],
            ),
            (
                ContestLevel::Province,
                [t.province_first, t.province_second, t.province_third],
            ),
            (
                ContestLevel::City,
                [t.city_first, t.city_second, t.city_third],
            ),
        ];
        rows.into_iter()
            .flat_map(|(level, amounts)| {
                [Prize::First, Prize::Second, Prize::Third]
                    .into_iter()
                    .zip(amounts)
                    .map(move |(prize, amount)| RewardAmount {
                        level,
                        prize,
                        yuan: yuan(amount),
                    })
            })
            .collect()
    }
}

/// 某院校某年度的奖励合计（元），按状态分列；已取消的不计。
#[derive(SimpleObject)]
pub struct RewardTotal {
    pub college: College,
    pub year: i32,
    /// 奖励条数（不含已取消）。
    pub rewards: i32,
    /// 应发合计（不含已取消）。
    pub total: i32,
    pub recorded: i32,
    pub submitted: i32,
    pub approved: i32,
    pub returned: i32,
    pub paid: i32,
}

/// Filter of `competitionRewards`.
#[derive(InputObject, Default)]
pub struct CompetitionRewardFilter {
    pub person_id: Option<ID>,
    pub college_id: Option<ID>,
    pub year: Option<i32>,
    pub statuses: Option<Vec<RewardStatus>>,
}

/// The rewards the caller may see, filtered, newest first by id.
pub async fn visible_rewards(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    filter: &CompetitionRewardFilter,
) -> ApiResult<sea_orm::Select<competition_reward::Entity>> {
    let mut select = competition_reward::Entity::find();
    let mut colleges: Option<Vec<i32>> = match scope(actor)? {
        Scope::All => None,
        Scope::College(id) => Some(vec![id]),
    };
    if let Some(id) = &filter.college_id {
        let wanted = filter_ids(NodeKind::College, std::slice::from_ref(id))?;
        colleges = Some(match colleges {
            None => wanted,
            Some(own) => own.into_iter().filter(|id| wanted.contains(id)).collect(),
        });
    }
    if let Some(colleges) = colleges {
        let people: Vec<i32> = contest_person::Entity::find()
            .filter(contest_person::Column::CollegeId.is_in(colleges))
            .all(db)
            .await?
            .into_iter()
            .map(|person| person.id)
            .collect();
        select = select.filter(competition_reward::Column::PersonId.is_in(people));
    }
    if let Some(id) = &filter.person_id {
        select = select.filter(competition_reward::Column::PersonId.is_in(filter_ids(
            NodeKind::ContestPerson,
            std::slice::from_ref(id),
        )?));
    }
    if let Some(year) = filter.year {
        select = select.filter(competition_reward::Column::Year.eq(year));
    }
    if let Some(statuses) = &filter.statuses {
        let statuses: Vec<entity::enums::RewardStatus> =
            statuses.iter().map(|status| (*status).into()).collect();
        select = select.filter(competition_reward::Column::Status.is_in(statuses));
    }
    Ok(select)
}

/// Totals per college and year of the rewards the caller may see.
pub async fn totals(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    filter: &CompetitionRewardFilter,
) -> ApiResult<Vec<(college::Model, i32, [i64; 7])>> {
    let rewards = visible_rewards(db, actor, filter).await?.all(db).await?;
    let people: BTreeMap<i32, i32> = contest_person::Entity::find()
        .filter(contest_person::Column::Id.is_in(rewards.iter().map(|r| r.person_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|person| (person.id, person.college_id))
        .collect();
    // [count, total, recorded, submitted, approved, returned, paid]
    let mut sums: BTreeMap<(i32, i32), [i64; 7]> = BTreeMap::new();
    for reward in &rewards {
        use entity::enums::RewardStatus as S;
        if reward.status == S::Cancelled {
            continue;
        }
        let college = people.get(&reward.person_id).copied().unwrap_or(0);
        let row = sums.entry((college, reward.year)).or_default();
        row[0] += 1;
        row[1] += reward.amount;
        let column = match reward.status {
            S::Recorded => 2,
            S::Submitted => 3,
            S::Approved => 4,
            S::Returned => 5,
            S::Paid | S::Cancelled => 6,
        };
        row[column] += reward.amount;
    }
    let colleges: BTreeMap<i32, college::Model> = college::Entity::find()
        .filter(college::Column::Id.is_in(sums.keys().map(|(college, _)| *college)))
        .all(db)
        .await?
        .into_iter()
        .map(|college| (college.id, college))
        .collect();
    Ok(sums
        .into_iter()
        .filter_map(|((college, year), row)| colleges.get(&college).map(|c| (c.clone(), year, row)))
        .collect())
}

/// The rows of the rewards CSV: one per visible reward.
pub async fn csv_rows(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    filter: &CompetitionRewardFilter,
) -> ApiResult<Vec<[String; 12]>> {
    let rewards = visible_rewards(db, actor, filter)
        .await?
        .order_by_asc(competition_reward::Column::Id)
        .all(db)
        .await?;
    // Each table read once, whatever the number of rewards.
    let ids = |of: &dyn Fn(&competition_reward::Model) -> i32| -> Vec<i32> {
        rewards.iter().map(of).collect()
    };
    let people = rows_by_id::<contest_person::Entity, _>(db, &ids(&|r| r.person_id)).await?;
    let awards = rows_by_id::<contest_award::Entity, _>(db, &ids(&|r| r.award_id)).await?;
    let contest_ids: Vec<i32> = awards.values().map(|a| a.contest_id).collect();
    let contests = rows_by_id::<contest::Entity, _>(db, &contest_ids).await?;
    let college_ids: Vec<i32> = people.values().map(|p| p.college_id).collect();
    let colleges = rows_by_id::<college::Entity, _>(db, &college_ids).await?;
    let mut rows = Vec::with_capacity(rewards.len());
    for reward in rewards.iter() {
        let person = people.get(&reward.person_id);
        let award = awards.get(&reward.award_id);
        let contest = award.and_then(|a| contests.get(&a.contest_id));
        let college = person.and_then(|p| colleges.get(&p.college_id));
        rows.push([
            encode(NodeKind::CompetitionReward, reward.id).to_string(),
            college.map(|c| c.name.clone()).unwrap_or_default(),
            person.map(|p| p.name.clone()).unwrap_or_default(),
            person.map(|p| p.identity.clone()).unwrap_or_default(),
            contest.map(|c| c.name.clone()).unwrap_or_default(),
            contest
                .map(|c| c.event.clone())
                .unwrap_or_else(|| reward.event_key.clone()),
            reward.year.to_string(),
            award
                .map(|a| format!("{:?}", a.prize).to_uppercase())
                .unwrap_or_default(),
            award.map(|a| a.awarded_on.to_string()).unwrap_or_default(),
            reward.amount.to_string(),
            reward.table_from.map(|d| d.to_string()).unwrap_or_default(),
            format!("{:?}", reward.status).to_uppercase(),
        ]);
    }
    Ok(rows)
}

/// The CSV header matching [`csv_rows`].
pub const CSV_HEADER: [&str; 12] = [
    "reward_id",
    "college",
    "name",
    "identity",
    "contest",
    "event",
    "year",
    "prize",
    "awarded_on",
    "amount_yuan",
    "table_from",
    "status",
];

#[derive(Default)]
pub struct RewardQuery;

#[Object]
impl RewardQuery {
    /// 技能竞赛（公开）。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn contests(
        &self,
        ctx: &Context<'_>,
        year: Option<i32>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<Contest>> {
        let mut select = contest::Entity::find();
        if let Some(year) = year {
            select = select.filter(contest::Column::Year.eq(year));
        }
        let key = by_id_key!(contest);
        let page = paginate(
            database(ctx)?,
            select,
            &key,
            PageArgs::new(ctx, first, after, last, before),
        )
        .await?;
        Ok(page.into_connection(Contest))
    }

    /// 竞赛奖励：院校看本校，市人社局和管理员看全部；其他角色 `FORBIDDEN`。
    #[graphql(complexity = "crate::pagination::page_cost(first, last, child_complexity)")]
    async fn competition_rewards(
        &self,
        ctx: &Context<'_>,
        filter: Option<CompetitionRewardFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<HubConnection<CompetitionReward>> {
        let db = database(ctx)?;
        let select = visible_rewards(db, actor(ctx), &filter.unwrap_or_default()).await?;
        let key = by_id_key!(competition_reward);
        let page = paginate(
            db,
            select,
            &key,
            PageArgs::new(ctx, first, after, last, before),
        )
        .await?;
        Ok(page.into_connection(CompetitionReward))
    }

    /// 各院校各年度的奖励合计，按状态分列（可见范围同 `competitionRewards`）。
    async fn competition_reward_totals(
        &self,
        ctx: &Context<'_>,
        filter: Option<CompetitionRewardFilter>,
    ) -> Result<Vec<RewardTotal>> {
        let rows = totals(database(ctx)?, actor(ctx), &filter.unwrap_or_default()).await?;
        Ok(rows
            .into_iter()
            .map(|(college, year, row)| RewardTotal {
                college: College(college),
                year,
                rewards: yuan(row[0]),
                total: yuan(row[1]),
                recorded: yuan(row[2]),
                submitted: yuan(row[3]),
                approved: yuan(row[4]),
                returned: yuan(row[5]),
                paid: yuan(row[6]),
            })
            .collect())
    }

    /// 奖励标准的各版本（按生效日期）。
    async fn reward_tables(&self, ctx: &Context<'_>) -> Result<Vec<RewardTable>> {
        let rows = reward_table::Entity::find()
            .order_by_asc(reward_table::Column::EffectiveFrom)
            .all(database(ctx)?)
            .await
            .map_err(ApiError::from)?;
        Ok(rows.into_iter().map(RewardTable).collect())
    }
}

/// Input of `createContest`.
#[derive(InputObject)]
pub struct CreateContestInput {
    pub name: String,
    /// 赛项。
    pub event: String,
    pub year: i32,
    pub level: ContestLevel,
    pub organiser: ContestOrganiser,
}

/// Input of `createContestPerson`.
#[derive(InputObject)]
pub struct CreateContestPersonInput {
    pub name: String,
    pub college_id: ID,
    /// 学号或工号（本校内唯一）。
    pub identity: String,
}

/// One winner of `recordContestAward`.
#[derive(InputObject)]
pub struct AwardWinnerInput {
    pub person_id: ID,
    pub participation: Participation,
}

/// Input of `recordContestAward`.
#[derive(InputObject)]
pub struct RecordContestAwardInput {
    pub contest_id: ID,
    pub prize: Prize,
    /// 获奖日期（须在竞赛年度内），决定适用的奖励标准。
    pub awarded_on: NaiveDate,
    pub winners: Vec<AwardWinnerInput>,
}

/// Input of `addRewardTable`: amounts in yuan per person, 一/二/三等奖.
#[derive(InputObject)]
pub struct AddRewardTableInput {
    pub effective_from: NaiveDate,
    pub nation: Vec<i32>,
    pub province: Vec<i32>,
    pub city: Vec<i32>,
}

/// Input of the reward transitions.
#[derive(InputObject)]
pub struct RewardTransitionInput {
    pub id: ID,
    /// 备注；退回时必填。
    #[graphql(default)]
    pub note: String,
}

#[derive(SimpleObject)]
pub struct ContestPayload {
    pub contest: Option<Contest>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct ContestPersonPayload {
    pub person: Option<ContestPerson>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct ContestAwardPayload {
    pub award: Option<ContestAward>,
    /// 因本次获奖新增或变化的奖励。
    pub rewards: Vec<CompetitionReward>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct RewardTablePayload {
    pub reward_table: Option<RewardTable>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct CompetitionRewardPayload {
    pub reward: Option<CompetitionReward>,
    pub user_errors: Vec<UserError>,
}

fn three(ids: &mut InputIds, field: &str, values: &[i32]) -> [i64; 3] {
    match values {
        [a, b, c] => [i64::from(*a), i64::from(*b), i64::from(*c)],
        _ => {
            ids.errors.push(UserError {
                field: Some(vec!["input".to_string(), field.to_string()]),
                code: crate::services::UserErrorCode::Invalid,
                message: format!(
                    "须为三个金额：一、二、三等奖 (three amounts: first, second, third; got {})",
                    values.len()
                ),
            });
            [0; 3]
        }
    }
}

async fn move_reward(
    ctx: &Context<'_>,
    input: RewardTransitionInput,
    transition: Transition,
) -> Result<CompetitionRewardPayload> {
    let mut ids = InputIds::default();
    let id = ids.required("id", NodeKind::CompetitionReward, &input.id);
    if let Some(user_errors) = ids.into_errors() {
        return Ok(CompetitionRewardPayload {
            reward: None,
            user_errors,
        });
    }
    let (reward, user_errors) = outcome(
        service::transition(database(ctx)?, actor(ctx), id, transition, &input.note).await,
        CompetitionReward,
    )?;
    Ok(CompetitionRewardPayload {
        reward,
        user_errors,
    })
}

#[derive(Default)]
pub struct RewardMutation;

#[Object]
impl RewardMutation {
    /// 登记技能竞赛（院校、市人社局、管理员）。
    async fn create_contest(
        &self,
        ctx: &Context<'_>,
        input: CreateContestInput,
    ) -> Result<ContestPayload> {
        let draft = ContestDraft {
            name: input.name,
            event: input.event,
            year: input.year,
            level: input.level.into(),
            organiser: input.organiser.into(),
        };
        let (contest, user_errors) = outcome(
            service::create_contest(database(ctx)?, actor(ctx), draft).await,
            Contest,
        )?;
        Ok(ContestPayload {
            contest,
            user_errors,
        })
    }

    /// 登记本校参赛学生或教师。
    async fn create_contest_person(
        &self,
        ctx: &Context<'_>,
        input: CreateContestPersonInput,
    ) -> Result<ContestPersonPayload> {
        let mut ids = InputIds::default();
        let draft = PersonDraft {
            name: input.name,
            college_id: ids.required("collegeId", NodeKind::College, &input.college_id),
            identity: input.identity,
        };
        if let Some(user_errors) = ids.into_errors() {
            return Ok(ContestPersonPayload {
                person: None,
                user_errors,
            });
        }
        let (person, user_errors) = outcome(
            service::create_person(database(ctx)?, actor(ctx), draft).await,
            ContestPerson,
        )?;
        Ok(ContestPersonPayload {
            person,
            user_errors,
        })
    }

    /// 登记获奖及获奖人，并重新计算其奖励（一人一赛项一年度按最高奖项）。
    async fn record_contest_award(
        &self,
        ctx: &Context<'_>,
        input: RecordContestAwardInput,
    ) -> Result<ContestAwardPayload> {
        let mut ids = InputIds::default();
        let contest_id = ids.required("contestId", NodeKind::Contest, &input.contest_id);
        let winners = input
            .winners
            .iter()
            .map(|winner| {
                (
                    ids.required("winners", NodeKind::ContestPerson, &winner.person_id),
                    winner.participation.into(),
                )
            })
            .collect();
        if let Some(user_errors) = ids.into_errors() {
            return Ok(ContestAwardPayload {
                award: None,
                rewards: Vec::new(),
                user_errors,
            });
        }
        let draft = AwardDraft {
            contest_id,
            prize: input.prize.into(),
            awarded_on: input.awarded_on,
            winners,
        };
        let (recorded, user_errors) = outcome(
            service::record_award(database(ctx)?, actor(ctx), draft).await,
            |(award, rewards)| {
                (
                    ContestAward(award),
                    rewards
                        .into_iter()
                        .map(CompetitionReward)
                        .collect::<Vec<_>>(),
                )
            },
        )?;
        let (award, rewards) = match recorded {
            Some((award, rewards)) => (Some(award), rewards),
            None => (None, Vec::new()),
        };
        Ok(ContestAwardPayload {
            award,
            rewards,
            user_errors,
        })
    }

    /// 新增一版奖励标准（市人社局）；生效日期及之后的未提交奖励按新标准重算。
    async fn add_reward_table(
        &self,
        ctx: &Context<'_>,
        input: AddRewardTableInput,
    ) -> Result<RewardTablePayload> {
        let mut ids = InputIds::default();
        let draft = TableDraft {
            effective_from: input.effective_from,
            nation: three(&mut ids, "nation", &input.nation),
            province: three(&mut ids, "province", &input.province),
            city: three(&mut ids, "city", &input.city),
        };
        if let Some(user_errors) = ids.into_errors() {
            return Ok(RewardTablePayload {
                reward_table: None,
                user_errors,
            });
        }
        let (reward_table, user_errors) = outcome(
            service::add_table(database(ctx)?, actor(ctx), draft).await,
            RewardTable,
        )?;
        Ok(RewardTablePayload {
            reward_table,
            user_errors,
        })
    }

    /// 院校提交奖励（已登记或被退回的）。
    async fn submit_competition_reward(
        &self,
        ctx: &Context<'_>,
        input: RewardTransitionInput,
    ) -> Result<CompetitionRewardPayload> {
        move_reward(ctx, input, Transition::Submit).await
    }

    /// 市人社局批准已提交的奖励。
    async fn approve_competition_reward(
        &self,
        ctx: &Context<'_>,
        input: RewardTransitionInput,
    ) -> Result<CompetitionRewardPayload> {
        move_reward(ctx, input, Transition::Approve).await
    }

    /// 市人社局退回已提交的奖励（须说明原因）。
    async fn return_competition_reward(
        &self,
        ctx: &Context<'_>,
        input: RewardTransitionInput,
    ) -> Result<CompetitionRewardPayload> {
        move_reward(ctx, input, Transition::Return).await
    }

    /// 市人社局登记已批准奖励的发放。
    async fn pay_competition_reward(
        &self,
        ctx: &Context<'_>,
        input: RewardTransitionInput,
    ) -> Result<CompetitionRewardPayload> {
        move_reward(ctx, input, Transition::Pay).await
    }
}
