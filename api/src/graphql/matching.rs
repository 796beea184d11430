//! Matches, explained: `DemandPosting.matches`, `Program.matches`,
//! `ApprenticeshipOffer.matches` (the scoring is `crate::matching`).

use std::collections::BTreeSet;

use async_graphql::{
    connection::{Connection, Edge},
    Context, Enum, InputObject, Object, Result, SimpleObject, Union, ID,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use entity::{
    apprenticeship_offer, certificate, demand_posting, expert, occupation, program, teaching_need,
    training_course,
};

use super::{
    enums::EducationRequirement,
    experts::{Expert, TeachingNeed},
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
    TeachingNeed(TeachingNeed),
    Expert(Expert),
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
    Ok(super::loaders::load_many::<certificate::Entity>(ctx, ids)
        .await?
        .into_iter()
        .map(Certificate)
        .collect())
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
        SubjectKind::TeachingNeed => load_one::<teaching_need::Entity>(ctx, id)
            .await?
            .map(|row| MatchObject::TeachingNeed(TeachingNeed(row))),
        SubjectKind::Expert => load_one::<expert::Entity>(ctx, id)
            .await?
            .map(|row| MatchObject::Expert(Expert(row))),
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
    /// 需求人数（学徒岗位为名额，教学需求为学时）。
    async fn demand_headcount(&self) -> Option<i32> {
        self.scored.demand_capacity
    }
    /// 供给人数：专业的年毕业生、学徒名额或课程容量；专家为在需求期间可提供的学时。
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

/// Which side of the market a subject is on, and what its matches can
/// be: a posting or an offer is demand that programs (and, for a posting,
/// offers and courses) supply; a program is supply for postings and offers.
fn sides(subject: SubjectKind) -> (Role, &'static [MatchKind]) {
    match subject {
        SubjectKind::DemandPosting => (
            Role::Demand,
            &[
                MatchKind::Program,
                MatchKind::ApprenticeshipOffer,
                MatchKind::TrainingCourse,
            ],
        ),
        SubjectKind::Program => (
            Role::Supply,
            &[MatchKind::DemandPosting, MatchKind::ApprenticeshipOffer],
        ),
        SubjectKind::ApprenticeshipOffer | SubjectKind::TrainingCourse => {
            (Role::Demand, &[MatchKind::Program])
        }
        // Matched among themselves (`crate::graphql::experts`).
        SubjectKind::TeachingNeed => (Role::Demand, &[]),
        SubjectKind::Expert => (Role::Supply, &[]),
    }
}

/// The ranked matches of one subject as a connection.
pub async fn matches(
    ctx: &Context<'_>,
    subject: SubjectKind,
    id: i32,
    filter: Option<MatchFilter>,
    first: Option<i32>,
    after: Option<String>,
) -> ApiResult<MatchConnection> {
    let (role, allowed) = sides(subject);
    let filter = filter.unwrap_or_default();
    let page = PageOfMatches::new(first, after.as_deref())?;
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
    check_min_score(filter.min_score)?;
    let regions = region_filter(filter.region_ids.as_deref())?;
    let ranks: Option<BTreeSet<u8>> = filter.education_levels.as_ref().map(|levels| {
        levels
            .iter()
            .map(|level| weights::requirement_rank((*level).into()))
            .collect()
    });
    let db = database(ctx)?;
    let places = matching::profiles::places(db).await?;
    let Some(profile) = matching::profile(db, subject, id, &places).await? else {
        return Err(ApiError::NotFound(format!(
            "{subject:?} {id} does not exist"
        )));
    };
    let kinds: Vec<SubjectKind> = kinds.into_iter().map(Into::into).collect();
    let keep = |candidate: &matching::Profile| {
        let region_ok = in_regions(regions.as_ref(), candidate);
        let education_ok = ranks.as_ref().is_none_or(|wanted| {
            candidate
                .education_rank
                .is_some_and(|rank| wanted.contains(&rank))
        });
        region_ok && education_ok
    };
    let index = indexer(ctx)?.index().clone();
    let scored = matching::candidates::find(db, &index, &profile, role, &kinds, &places, &keep)
        .await
        .map_err(ApiError::Internal)?;
    Ok(page.connection(scored, filter.min_score, role))
}

/// `first` and `after` of a list of matches, checked.
pub struct PageOfMatches {
    first: usize,
    offset: usize,
}

impl PageOfMatches {
    pub fn new(first: Option<i32>, after: Option<&str>) -> ApiResult<Self> {
        let first = first.unwrap_or(10);
        if !(0..=MAX_MATCHES).contains(&first) {
            return Err(ApiError::bad_input(format!(
                "`first` must be between 0 and {MAX_MATCHES}, got {first}"
            )));
        }
        let offset = match after {
            Some(cursor) => decode_offset(cursor)? + 1,
            None => 0,
        };
        if offset > MAX_MATCH_OFFSET {
            return Err(ApiError::bad_input(format!(
                "matches can be paged {MAX_MATCH_OFFSET} deep at most"
            )));
        }
        Ok(Self {
            first: first as usize,
            offset,
        })
    }

    /// This page of the ranked pairs scoring at least `min_score`.
    pub fn connection(
        &self,
        mut scored: Vec<Scored>,
        min_score: Option<f64>,
        role: Role,
    ) -> MatchConnection {
        if let Some(min) = min_score {
            scored.retain(|pair| pair.score >= min);
        }
        let total = scored.len();
        let offset = self.offset;
        let page: Vec<Scored> = scored.into_iter().skip(offset).take(self.first).collect();
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
        connection
    }
}

/// `filter.minScore`, checked.
pub fn check_min_score(min_score: Option<f64>) -> ApiResult<()> {
    match min_score {
        Some(min) if !(0.0..=1.0).contains(&min) => Err(ApiError::bad_input(format!(
            "`filter.minScore` must be between 0 and 1, got {min}"
        ))),
        _ => Ok(()),
    }
}

/// `filter.regionIds` as row ids.
pub fn region_filter(ids: Option<&[ID]>) -> ApiResult<Option<BTreeSet<i32>>> {
    Ok(match ids {
        Some(ids) => Some(
            super::common::filter_ids(NodeKind::Region, ids)?
                .into_iter()
                .collect(),
        ),
        None => None,
    })
}

/// Whether a candidate is in one of the wanted regions (a city counts its
/// districts); no filter keeps every candidate.
pub fn in_regions(wanted: Option<&BTreeSet<i32>>, candidate: &matching::Profile) -> bool {
    wanted.is_none_or(|wanted| {
        candidate
            .place
            .is_some_and(|p| wanted.contains(&p.region_id) || wanted.contains(&p.root_id))
    })
}

/// 一条职业关联及其来源。
pub struct OccupationLink(pub crate::relations::Provenance);

#[Object]
impl OccupationLink {
    async fn occupation(&self, ctx: &Context<'_>) -> Result<Option<Occupation>> {
        Ok(load_one::<occupation::Entity>(ctx, self.0.target)
            .await?
            .map(Occupation))
    }
    /// 来源：填报、确认的推荐、系统推荐（未确认）或导入。
    async fn provenance(&self) -> LinkProvenance {
        self.0.provenance.into()
    }
    /// 系统推荐的把握（0 到 1）；填报的关联为空。
    async fn confidence(&self) -> Option<f64> {
        self.0.confidence
    }
    /// 设定的时间（早于来源记录的关联为空）。
    async fn linked_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.linked_at
    }
}

/// 一条证书关联及其来源。
pub struct CertificateLink(pub crate::relations::Provenance);

#[Object]
impl CertificateLink {
    async fn certificate(&self, ctx: &Context<'_>) -> Result<Option<Certificate>> {
        Ok(load_one::<certificate::Entity>(ctx, self.0.target)
            .await?
            .map(Certificate))
    }
    async fn provenance(&self) -> LinkProvenance {
        self.0.provenance.into()
    }
    async fn linked_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.linked_at
    }
}

/// 推荐的职业。
pub struct OccupationSuggestion {
    suggestion: matching::suggest::Suggestion,
    stored: bool,
}

#[Object]
impl OccupationSuggestion {
    async fn occupation(&self, ctx: &Context<'_>) -> Result<Option<Occupation>> {
        Ok(
            load_one::<occupation::Entity>(ctx, self.suggestion.occupation_id)
                .await?
                .map(Occupation),
        )
    }
    /// 把握（0 到 1）：该职业在前 10 个候选职业的相关度中所占的份额；一个职业
    /// 明显突出时高，多个职业同样相符时低。不是概率。
    async fn confidence(&self) -> f64 {
        self.suggestion.confidence
    }
    /// 是否已作为「系统推荐」关联保存（匹配与供需缺口按 0.6 计入）。
    async fn stored(&self) -> bool {
        self.stored
    }
}

/// Every occupation link of `owner` in `L` with its provenance.
pub async fn occupation_links<L>(ctx: &Context<'_>, owner: i32) -> Result<Vec<OccupationLink>>
where
    L: crate::relations::Link + Send + Sync + 'static,
    L::Model: Send + Sync + 'static,
{
    Ok(super::loaders::load_provenance::<L>(ctx, owner)
        .await?
        .into_iter()
        .map(OccupationLink)
        .collect())
}

/// Every certificate link of `owner` in `L` with its provenance.
pub async fn certificate_links<L>(ctx: &Context<'_>, owner: i32) -> Result<Vec<CertificateLink>>
where
    L: crate::relations::Link + Send + Sync + 'static,
    L::Model: Send + Sync + 'static,
{
    Ok(super::loaders::load_provenance::<L>(ctx, owner)
        .await?
        .into_iter()
        .map(CertificateLink)
        .collect())
}

/// Most suggestions one request may ask for.
pub const MAX_SUGGESTIONS: i32 = 20;
/// Longest text `suggestOccupations` takes, in characters.
pub const MAX_SUGGESTION_TEXT: usize = 10_000;

fn suggestion_count(first: Option<i32>) -> ApiResult<usize> {
    let first = first.unwrap_or(5);
    if !(1..=MAX_SUGGESTIONS).contains(&first) {
        return Err(ApiError::bad_input(format!(
            "`first` must be between 1 and {MAX_SUGGESTIONS}, got {first}"
        )));
    }
    Ok(first as usize)
}

/// Suggestions for a stored posting or program: its own occupations and
/// the rejected ones left out.
pub async fn suggested_for(
    ctx: &Context<'_>,
    kind: SubjectKind,
    id: i32,
    texts: &[String],
    links: &[crate::relations::Provenance],
    first: Option<i32>,
) -> ApiResult<Vec<OccupationSuggestion>> {
    let first = suggestion_count(first)?;
    let db = database(ctx)?;
    let mut excluded: std::collections::HashSet<i32> = matching::suggest::rejected(db, kind, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    excluded.extend(
        links
            .iter()
            .filter(|l| l.provenance != entity::enums::LinkProvenance::Suggested)
            .map(|l| l.target),
    );
    let stored: std::collections::HashSet<i32> = links
        .iter()
        .filter(|l| l.provenance == entity::enums::LinkProvenance::Suggested)
        .map(|l| l.target)
        .collect();
    let index = indexer(ctx)?.index().clone();
    let found = matching::suggest::for_texts(&index, texts, first, &excluded)
        .await
        .map_err(ApiError::Internal)?;
    Ok(found
        .into_iter()
        .map(|suggestion| OccupationSuggestion {
            stored: stored.contains(&suggestion.occupation_id),
            suggestion,
        })
        .collect())
}

#[derive(Default)]
pub struct MatchingQuery;

#[Object]
impl MatchingQuery {
    /// 职业推荐：为一段文本（岗位名称、岗位描述、专业名称与简介）推荐《职业分类
    /// 大典（2022年版）》中的职业，按相关度排序，附把握。文本最多 10000 字
    /// （超过 32 字按其中最有区分度的词检索）。
    async fn suggest_occupations(
        &self,
        ctx: &Context<'_>,
        text: String,
        #[graphql(desc = "推荐个数，默认 5，最多 20。")] first: Option<i32>,
    ) -> Result<Vec<OccupationSuggestion>> {
        let first = suggestion_count(first)?;
        let length = text.chars().count();
        if length > MAX_SUGGESTION_TEXT {
            return Err(ApiError::bad_input(format!(
                "`text` is {length} characters long; at most {MAX_SUGGESTION_TEXT} are taken"
            ))
            .into());
        }
        if text.trim().is_empty() {
            return Err(
                ApiError::bad_input("`text` is empty: give a title or a description").into(),
            );
        }
        let index = indexer(ctx)?.index().clone();
        let found = matching::suggest::for_text(&index, &text, first, &Default::default())
            .await
            .map_err(ApiError::Internal)?;
        Ok(found
            .into_iter()
            .map(|suggestion| OccupationSuggestion {
                suggestion,
                stored: false,
            })
            .collect())
    }
}

/// Input of `confirmOccupationSuggestion` and `rejectOccupationSuggestion`.
#[derive(InputObject)]
pub struct OccupationSuggestionInput {
    /// 需求信息或专业的 ID。
    pub subject_id: ID,
    /// 推荐的职业编码，如 `6-18-01-01`。
    pub occupation_code: String,
}

/// The posting's or program's occupation links after the answer.
#[derive(SimpleObject)]
pub struct OccupationSuggestionPayload {
    /// 回答后的全部职业关联（含来源）；有 `userErrors` 时为空。
    pub occupation_links: Option<Vec<OccupationLink>>,
    pub user_errors: Vec<super::common::UserError>,
}

#[derive(Default)]
pub struct MatchingMutation;

async fn answer(
    ctx: &Context<'_>,
    input: OccupationSuggestionInput,
    confirm: bool,
) -> Result<OccupationSuggestionPayload> {
    use crate::services::suggestions::{self, Subject};
    let subject = match crate::ids::decode_any(input.subject_id.as_str()) {
        Some((NodeKind::DemandPosting, id)) => Subject {
            kind: SubjectKind::DemandPosting,
            id,
        },
        Some((NodeKind::Program, id)) => Subject {
            kind: SubjectKind::Program,
            id,
        },
        _ => {
            return Ok(OccupationSuggestionPayload {
                occupation_links: None,
                user_errors: vec![super::common::UserError {
                    field: Some(vec!["input".to_string(), "subjectId".to_string()]),
                    code: crate::services::UserErrorCode::Invalid,
                    message: format!(
                        "`{}` 不是需求信息或专业的 ID (not a DemandPosting or Program id)",
                        input.subject_id.as_str()
                    ),
                }],
            })
        }
    };
    let db = database(ctx)?;
    let actor = super::loaders::actor(ctx);
    let result = if confirm {
        suggestions::confirm(db, actor, subject, &input.occupation_code).await
    } else {
        suggestions::reject(db, actor, subject, &input.occupation_code).await
    };
    let (done, user_errors) = super::common::outcome(result, |()| ())?;
    if done.is_none() {
        return Ok(OccupationSuggestionPayload {
            occupation_links: None,
            user_errors,
        });
    }
    super::search::after_write(ctx, false).await?;
    let links = match subject.kind {
        SubjectKind::DemandPosting => {
            crate::relations::provenance_of::<entity::posting_occupation::Entity, _>(
                db,
                &[subject.id],
            )
            .await?
        }
        _ => {
            crate::relations::provenance_of::<entity::program_occupation::Entity, _>(
                db,
                &[subject.id],
            )
            .await?
        }
    };
    Ok(OccupationSuggestionPayload {
        occupation_links: Some(
            links
                .get(&subject.id)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(OccupationLink)
                .collect(),
        ),
        user_errors,
    })
}

#[Object]
impl MatchingMutation {
    /// 确认一条推荐职业：它成为所有者的职业（来源「确认的推荐」），其余推荐随之撤下。
    async fn confirm_occupation_suggestion(
        &self,
        ctx: &Context<'_>,
        input: OccupationSuggestionInput,
    ) -> Result<OccupationSuggestionPayload> {
        answer(ctx, input, true).await
    }

    /// 拒绝一条推荐职业：不再为该对象推荐它，系统改推下一个。
    async fn reject_occupation_suggestion(
        &self,
        ctx: &Context<'_>,
        input: OccupationSuggestionInput,
    ) -> Result<OccupationSuggestionPayload> {
        answer(ctx, input, false).await
    }
}
