//! Matches, explained: `DemandPosting.matches`, `Program.matches`,
//! `ApprenticeshipOffer.matches` (the scoring is `crate::matching`).

use std::collections::BTreeSet;

use async_graphql::{
    connection::{Connection, Edge},
    Context, Enum, InputObject, Object, Result, SimpleObject, Union, ID,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use entity::{
    apprenticeship_offer, certificate, demand_posting, occupation, program, training_course,
};

use super::{
    enums::EducationRequirement,
    loaders::{database, load_one},
    postings::DemandPosting,
    programs::Program,
    reference::{Certificate, Occupation},
    search::indexer,
    supply::{ApprenticeshipOffer, TrainingCourse},
};
use crate::{
    error::{ApiError, ApiResult},
    ids::NodeKind,
    matching::{
        self,
        score::{Part, SharedOccupation as ScoredOccupation},
        weights, Role, Scored, SubjectKind,
    },
};

/// Largest page of matches.
pub const MAX_MATCHES: i32 = 50;
/// Deepest a client may page into one list of matches.
pub const MAX_MATCH_OFFSET: usize = 1_000;

/// 可匹配的对象类型。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum MatchKind {
    /// 需求信息
    DemandPosting,
    /// 院校专业
    Program,
    /// 学徒岗位与实习基地
    ApprenticeshipOffer,
    /// 培训课程
    TrainingCourse,
}

impl From<MatchKind> for SubjectKind {
    fn from(kind: MatchKind) -> Self {
        match kind {
            MatchKind::DemandPosting => SubjectKind::DemandPosting,
            MatchKind::Program => SubjectKind::Program,
            MatchKind::ApprenticeshipOffer => SubjectKind::ApprenticeshipOffer,
            MatchKind::TrainingCourse => SubjectKind::TrainingCourse,
        }
    }
}

/// 匹配得分的组成部分。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::matching::weights::PartKind")]
pub enum MatchPartKind {
    /// 职业对应：共同的职业（同一职业 1、同一小类 0.5、同一中类 0.25，乘以关联来源系数）
    Occupation,
    /// 文本相关：需求关键词在供给方文本中出现的比例
    Text,
    /// 证书：需求要求的证书中供给方提供的比例
    Certificates,
    /// 地区：同一区县 1、同城 0.6、外地 0.2
    Region,
    /// 学历层次：达到 1、低一层 0.5、更低 0
    Education,
    /// 规模：供给人数 / 需求人数，最多 1
    Capacity,
}

/// 两个职业在职业分类中的远近。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::matching::weights::Closeness")]
pub enum OccupationCloseness {
    /// 同一职业（细类）
    SameOccupation,
    /// 同一小类
    SameMinorGroup,
    /// 同一中类
    SameMediumGroup,
}

/// 供给方相对需求的地区。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::matching::weights::RegionFit")]
pub enum RegionFit {
    /// 同一区县
    SameDistrict,
    /// 同城不同区县
    SameCity,
    /// 外地
    Elsewhere,
    /// 一方未填写地区
    Unknown,
}

/// 供给方学历层次与需求的比较。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::matching::weights::EducationFit")]
pub enum EducationFit {
    /// 需求学历不限
    AnyLevel,
    /// 达到要求
    Meets,
    /// 低一个层次
    OneBelow,
    /// 低两个层次及以上
    Below,
    /// 需求未写学历要求
    NotStated,
    /// 供给方没有学历层次（学徒岗位、培训课程、目录外专业）
    NotApplicable,
}

/// 关联的来源。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::LinkProvenance")]
pub enum LinkProvenance {
    /// 所有者填报
    Declared,
    /// 系统推荐后经所有者确认
    Confirmed,
    /// 系统根据文本推荐，未确认（匹配时按 0.6 计）
    Suggested,
    /// 随导入数据而来
    Imported,
}

/// A matched object.
#[derive(Union)]
pub enum MatchObject {
    DemandPosting(DemandPosting),
    Program(Program),
    ApprenticeshipOffer(ApprenticeshipOffer),
    TrainingCourse(TrainingCourse),
}

/// 得分的一部分：权重、取值、计入的分数和说明。
#[derive(SimpleObject)]
pub struct MatchPart {
    pub part: MatchPartKind,
    /// 中文名称。
    pub label: String,
    pub weight: f64,
    /// 0 到 1；无法计算时为空（见 `counted` 与 `explanation`）。
    pub value: Option<f64>,
    /// 是否计入得分：职业对应与文本相关总计入（无法计算时按 0）；其余部分
    /// 无法计算时不计入，既不加分也不减分。
    pub counted: bool,
    /// 计入得分的分数：weight × value / 计入部分的权重之和。
    pub points: f64,
    /// 为什么是这个值。
    pub explanation: String,
}

impl From<&Part> for MatchPart {
    fn from(part: &Part) -> Self {
        MatchPart {
            part: part.kind.into(),
            label: part.kind.label().to_string(),
            weight: part.weight,
            value: part.value,
            counted: part.counted,
            points: part.points,
            explanation: part.explanation.clone(),
        }
    }
}

/// 需求与供给共同（或相近）的职业。
pub struct SharedOccupation(ScoredOccupation);

#[Object]
impl SharedOccupation {
    /// 需求一方的职业。
    async fn demand_occupation(&self, ctx: &Context<'_>) -> Result<Option<Occupation>> {
        Ok(
            load_one::<occupation::Entity>(ctx, self.0.demand.occupation_id)
                .await?
                .map(Occupation),
        )
    }
    /// 供给一方的职业。
    async fn supply_occupation(&self, ctx: &Context<'_>) -> Result<Option<Occupation>> {
        Ok(
            load_one::<occupation::Entity>(ctx, self.0.supply.occupation_id)
                .await?
                .map(Occupation),
        )
    }
    async fn closeness(&self) -> OccupationCloseness {
        self.0.closeness.into()
    }
    /// 需求一方关联的来源。
    async fn demand_provenance(&self) -> LinkProvenance {
        self.0.demand.provenance.into()
    }
    /// 供给一方关联的来源。
    async fn supply_provenance(&self) -> LinkProvenance {
        self.0.supply.provenance.into()
    }
    /// 远近 × 两边关联来源系数（系统推荐的关联按 0.6 计）。
    async fn value(&self) -> f64 {
        (self.0.value * 10_000.0).round() / 10_000.0
    }
}

/// 一个匹配：对象、得分及其组成与依据。
pub struct Match {
    scored: Scored,
    /// Which side of the pair the list shows.
    shows: Role,
}

impl Match {
    pub fn new(scored: Scored, shows: Role) -> Self {
        Self { scored, shows }
    }
}

async fn certificates(ctx: &Context<'_>, ids: &[i32]) -> ApiResult<Vec<Certificate>> {
    let mut list = Vec::new();
    for id in ids {
        if let Some(row) = load_one::<certificate::Entity>(ctx, *id).await? {
            list.push(Certificate(row));
        }
    }
    Ok(list)
}

/// The object of a matched pair's side, if it still exists.
pub async fn load_object(
    ctx: &Context<'_>,
    (kind, id): (SubjectKind, i32),
) -> ApiResult<Option<MatchObject>> {
    Ok(match kind {
        SubjectKind::DemandPosting => load_one::<demand_posting::Entity>(ctx, id)
            .await?
            .map(|row| MatchObject::DemandPosting(DemandPosting(row))),
        SubjectKind::Program => load_one::<program::Entity>(ctx, id)
            .await?
            .map(|row| MatchObject::Program(Program(row))),
        SubjectKind::ApprenticeshipOffer => load_one::<apprenticeship_offer::Entity>(ctx, id)
            .await?
            .map(|row| MatchObject::ApprenticeshipOffer(ApprenticeshipOffer(row))),
        SubjectKind::TrainingCourse => load_one::<training_course::Entity>(ctx, id)
            .await?
            .map(|row| MatchObject::TrainingCourse(TrainingCourse(row))),
    })
}

#[Object]
impl Match {
    /// 得分，0 到 1：各部分 `points` 之和。
    async fn score(&self) -> f64 {
        self.scored.score
    }
    /// 匹配到的对象。
    async fn object(&self, ctx: &Context<'_>) -> Result<MatchObject> {
        let side = match self.shows {
            Role::Demand => self.scored.supply,
            Role::Supply => self.scored.demand,
        };
        Ok(load_object(ctx, side).await?.ok_or_else(|| {
            ApiError::NotFound(format!("the matched object {side:?} was deleted meanwhile"))
        })?)
    }
    /// 得分的各部分，顺序固定：职业、文本、证书、地区、学历、规模。
    async fn parts(&self) -> Vec<MatchPart> {
        self.scored.parts.iter().map(MatchPart::from).collect()
    }
    /// 共同或相近的职业，最接近的在前。
    async fn shared_occupations(&self) -> Vec<SharedOccupation> {
        self.scored
            .shared_occupations
            .iter()
            .cloned()
            .map(SharedOccupation)
            .collect()
    }
    /// 需求要求、供给方提供的证书。
    async fn certificates_matched(&self, ctx: &Context<'_>) -> Result<Vec<Certificate>> {
        Ok(certificates(ctx, &self.scored.certificates_matched).await?)
    }
    /// 需求要求、供给方没有的证书。
    async fn certificates_missing(&self, ctx: &Context<'_>) -> Result<Vec<Certificate>> {
        Ok(certificates(ctx, &self.scored.certificates_missing).await?)
    }
    /// 需求的关键词中在供给方文本里出现的。
    async fn matched_terms(&self) -> &[String] {
        &self.scored.matched_terms
    }
    async fn region(&self) -> RegionFit {
        self.scored.region.into()
    }
    async fn education(&self) -> EducationFit {
        self.scored.education.into()
    }
    /// 需求人数（学徒岗位为名额）。
    async fn demand_headcount(&self) -> Option<i32> {
        self.scored.demand_capacity
    }
    /// 供给人数：专业的年毕业生、学徒名额或课程容量。
    async fn supply_capacity(&self) -> Option<i32> {
        self.scored.supply_capacity
    }
}

/// Filters of a list of matches; all given filters must hold.
#[derive(InputObject, Default)]
pub struct MatchFilter {
    /// 对象类型之一（缺省为该列表的全部类型）。
    pub kinds: Option<Vec<MatchKind>>,
    /// 对象所在地区之一（选吉林市即含各区县）。
    pub region_ids: Option<Vec<ID>>,
    /// 学历层次之一：需求按其学历要求，专业按其目录层次。
    pub education_levels: Option<Vec<EducationRequirement>>,
    /// 最低得分（0 到 1）。
    pub min_score: Option<f64>,
}

/// Fields of a list of matches besides edges and page info.
#[derive(SimpleObject)]
pub struct MatchListFields {
    /// 符合筛选条件的匹配数。
    pub total_count: u64,
}

pub type MatchConnection = Connection<String, Match, MatchListFields>;

fn encode_offset(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("match:{offset}"))
}

fn decode_offset(cursor: &str) -> ApiResult<usize> {
    URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("match:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| ApiError::bad_input(format!("`after` is not a match cursor: `{cursor}`")))
}

/// The ranked matches of one subject as a connection.
#[allow(clippy::too_many_arguments)]
pub async fn matches(
    ctx: &Context<'_>,
    subject: SubjectKind,
    id: i32,
    role: Role,
    allowed: &[MatchKind],
    filter: Option<MatchFilter>,
    first: Option<i32>,
    after: Option<String>,
) -> ApiResult<MatchConnection> {
    let filter = filter.unwrap_or_default();
    let first = first.unwrap_or(10);
    if !(0..=MAX_MATCHES).contains(&first) {
        return Err(ApiError::bad_input(format!(
            "`first` must be between 0 and {MAX_MATCHES}, got {first}"
        )));
    }
    let offset = match &after {
        Some(cursor) => decode_offset(cursor)? + 1,
        None => 0,
    };
    if offset > MAX_MATCH_OFFSET {
        return Err(ApiError::bad_input(format!(
            "matches can be paged {MAX_MATCH_OFFSET} deep at most"
        )));
    }
    let kinds: Vec<MatchKind> = match filter.kinds {
        Some(kinds) => {
            if let Some(kind) = kinds.iter().find(|kind| !allowed.contains(kind)) {
                return Err(ApiError::bad_input(format!(
                    "`filter.kinds`: {kind:?} cannot be matched here; possible kinds are {}",
                    allowed
                        .iter()
                        .map(|k| format!("{k:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            kinds
        }
        None => allowed.to_vec(),
    };
    if let Some(min) = filter.min_score {
        if !(0.0..=1.0).contains(&min) {
            return Err(ApiError::bad_input(format!(
                "`filter.minScore` must be between 0 and 1, got {min}"
            )));
        }
    }
    let regions: Option<BTreeSet<i32>> = match &filter.region_ids {
        Some(ids) => Some(
            super::common::filter_ids(NodeKind::Region, ids)?
                .into_iter()
                .collect(),
        ),
        None => None,
    };
    let ranks: Option<BTreeSet<u8>> = filter.education_levels.as_ref().map(|levels| {
        levels
            .iter()
            .map(|level| weights::requirement_rank((*level).into()))
            .collect()
    });
    let db = database(ctx)?;
    let Some(profile) = matching::profile(db, subject, id).await? else {
        return Err(ApiError::NotFound(format!(
            "{subject:?} {id} does not exist"
        )));
    };
    let kinds: Vec<SubjectKind> = kinds.into_iter().map(Into::into).collect();
    let keep = |candidate: &matching::Profile| {
        let region_ok = regions.as_ref().is_none_or(|wanted| {
            candidate
                .place
                .is_some_and(|p| wanted.contains(&p.region_id) || wanted.contains(&p.root_id))
        });
        let education_ok = ranks.as_ref().is_none_or(|wanted| {
            candidate
                .education_rank
                .is_some_and(|rank| wanted.contains(&rank))
        });
        region_ok && education_ok
    };
    let index = indexer(ctx)?.index().clone();
    let mut scored = matching::candidates::find(db, &index, &profile, role, &kinds, &keep)
        .await
        .map_err(ApiError::Internal)?;
    if let Some(min) = filter.min_score {
        scored.retain(|pair| pair.score >= min);
    }
    let total = scored.len();
    let page: Vec<Scored> = scored
        .into_iter()
        .skip(offset)
        .take(first as usize)
        .collect();
    let has_next = offset + page.len() < total;
    let mut connection = Connection::with_additional_fields(
        offset > 0,
        has_next,
        MatchListFields {
            total_count: total as u64,
        },
    );
    connection.edges.extend(
        page.into_iter()
            .enumerate()
            .map(|(n, pair)| Edge::new(encode_offset(offset + n), Match::new(pair, role))),
    );
    Ok(connection)
}
