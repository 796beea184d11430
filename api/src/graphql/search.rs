//! Full-text search across the hub, autocomplete, and the index's lag.

use std::{collections::HashMap, sync::Arc, time::Duration};

use async_graphql::{
    connection::{Connection, Edge},
    Context, Enum, InputObject, Object, Result, SimpleObject, Union, ID,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use entity::{
    apprenticeship_offer, catalogue_entry, certificate, demand_posting, occupation, program,
    region, training_course,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use search::{Dimension, Filters, Kind, SearchRequest};

use super::{
    common::{capped, filter_ids},
    enums::EducationRequirement,
    loaders::database,
    postings::DemandPosting,
    programs::Program,
    reference::{CatalogueEntry, Certificate, Occupation},
    supply::{ApprenticeshipOffer, TrainingCourse},
};
use crate::{
    error::{ApiError, ApiResult},
    ids::NodeKind,
    indexing::{documents::education_value, Indexer},
    relations::rows_by_id,
};

/// Largest page of search hits.
pub const MAX_HITS: i32 = 50;
/// Deepest a client may page into one search.
pub const MAX_OFFSET: usize = 1_000;
/// Longest autocomplete prefix, in characters.
pub const MAX_PREFIX_CHARS: usize = 200;
/// Longest a mutation waits for its change to become searchable.
pub const MAX_WAIT: Duration = Duration::from_secs(5);

/// 可检索的对象类型。
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "search::Kind")]
pub enum SearchKind {
    DemandPosting,
    ApprenticeshipOffer,
    Program,
    CatalogueEntry,
    Occupation,
    Certificate,
    TrainingCourse,
}

/// An object search found.
#[derive(Union)]
pub enum SearchObject {
    DemandPosting(DemandPosting),
    ApprenticeshipOffer(ApprenticeshipOffer),
    Program(Program),
    CatalogueEntry(CatalogueEntry),
    Occupation(Occupation),
    Certificate(Certificate),
    TrainingCourse(TrainingCourse),
}

/// Facet filters of `search`: within a field any value may match, across
/// fields all must. A filter keeps only the kinds that carry its field:
/// with `regionIds`/`regionCodes`, occupations, catalogue entries and
/// certificates (which have no region) are left out; with
/// `categoryCodes`, only programs, catalogue entries and certificates on
/// the catalogue remain; with `occupationMajorCodes`, only occupations and
/// objects linked to one.
#[derive(InputObject, Default)]
pub struct SearchFilter {
    /// 地区（含下级：选吉林市即含各区县）。职业、专业目录和证书没有地区，
    /// 按地区筛选时不在结果中。
    pub region_ids: Option<Vec<ID>>,
    /// 地区代码，如 `220202`。
    pub region_codes: Option<Vec<String>>,
    /// 专业大类代码，如 `46`。
    pub category_codes: Option<Vec<String>>,
    /// 学历层次（专业按其目录层次）。
    pub education_levels: Option<Vec<EducationRequirement>>,
    /// 职业大类代码，如 `6`。
    pub occupation_major_codes: Option<Vec<String>>,
}

/// A range of characters in a fragment.
#[derive(SimpleObject)]
pub struct TextRange {
    /// First character, counted from 0.
    pub start: i32,
    /// One past the last character.
    pub end: i32,
}

/// A fragment of a matching field with the matches marked.
#[derive(SimpleObject)]
pub struct SearchSnippet {
    /// `title` or `body` (description, definition, tasks).
    pub field: String,
    pub fragment: String,
    /// The fragment as HTML with matches in `<em>`; text is escaped.
    pub html: String,
    /// Where the matches are, in characters of `fragment`.
    pub highlights: Vec<TextRange>,
}

/// One search hit.
#[derive(SimpleObject)]
pub struct SearchHit {
    /// Relevance (BM25 with field boosts); only comparable within one search.
    pub score: f64,
    pub object: SearchObject,
    pub snippets: Vec<SearchSnippet>,
}

/// How many hits have one facet value.
#[derive(SimpleObject, Clone)]
pub struct FacetValue {
    pub value: String,
    /// A readable name of the value, where the hub knows one.
    pub label: Option<String>,
    pub count: i32,
}

/// Counts of the hits by facet. Each `value` is what the matching filter
/// (or the `kinds:` argument) takes; `label` is its readable name.
#[derive(SimpleObject, Default)]
pub struct SearchFacets {
    /// Values as in `kinds:` (`DEMAND_POSTING`, ...).
    pub kinds: Vec<FacetValue>,
    pub regions: Vec<FacetValue>,
    pub categories: Vec<FacetValue>,
    pub education_levels: Vec<FacetValue>,
    pub occupation_majors: Vec<FacetValue>,
}

/// How far the search index is behind the database.
#[derive(SimpleObject)]
pub struct IndexLag {
    /// The last change-log sequence that is searchable.
    pub applied_sequence: i64,
    /// The newest change-log sequence.
    pub latest_sequence: i64,
    /// Changes written but not yet searchable.
    pub behind: i64,
}

/// Fields of the search connection besides edges and page info.
#[derive(SimpleObject)]
pub struct SearchResultFields {
    /// Number of matching objects. Counting visits every match: leave it
    /// out of queries that do not show it.
    pub total_count: u64,
    /// Counts by facet; also visits every match.
    pub facets: SearchFacets,
    pub index_lag: IndexLag,
}

pub type SearchConnection = Connection<String, SearchHit, SearchResultFields>;

pub fn indexer<'a>(ctx: &Context<'a>) -> ApiResult<&'a Arc<Indexer>> {
    ctx.data::<Arc<Indexer>>()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("the schema has no search indexer")))
}

/// The lag of the index now.
pub async fn index_lag(indexer: &Indexer) -> ApiResult<IndexLag> {
    let latest_sequence = indexer.latest_sequence().await?;
    let applied_sequence = indexer.applied_sequence();
    Ok(IndexLag {
        applied_sequence,
        latest_sequence,
        behind: (latest_sequence - applied_sequence).max(0),
    })
}

/// After a successful write: wakes the indexer, and when asked waits until
/// the write is searchable. `Some(false)` when the wait timed out.
pub async fn after_write(ctx: &Context<'_>, wait: bool) -> ApiResult<Option<bool>> {
    let indexer = indexer(ctx)?;
    indexer.wake();
    if !wait {
        return Ok(None);
    }
    let sequence = indexer.latest_sequence().await?;
    Ok(Some(indexer.wait_for(sequence, MAX_WAIT).await))
}

fn encode_offset(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("search:{offset}"))
}

fn decode_offset(cursor: &str) -> ApiResult<usize> {
    URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("search:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| ApiError::bad_input(format!("`after` is not a search cursor: `{cursor}`")))
}

/// Objects of the hits, in hit order, with one query per kind (the keys
/// are all known, so no DataLoader window is waited for); hits whose row is
/// gone (the index lagging behind a delete) come back as `None`.
async fn load_objects(
    ctx: &Context<'_>,
    keys: &[(Kind, i32)],
) -> ApiResult<Vec<Option<SearchObject>>> {
    let db = database(ctx)?;
    let ids = |wanted: Kind| -> Vec<i32> {
        keys.iter()
            .filter(|(kind, _)| *kind == wanted)
            .map(|(_, id)| *id)
            .collect()
    };
    let mut objects: HashMap<(Kind, i32), SearchObject> = HashMap::new();
    macro_rules! load {
        ($kind:ident, $module:ident, $wrap:ident) => {
            let wanted = ids(Kind::$kind);
            if !wanted.is_empty() {
                for (id, row) in rows_by_id::<$module::Entity, _>(db, &wanted).await? {
                    objects.insert((Kind::$kind, id), SearchObject::$kind($wrap(row)));
                }
            }
        };
    }
    load!(DemandPosting, demand_posting, DemandPosting);
    load!(
        ApprenticeshipOffer,
        apprenticeship_offer,
        ApprenticeshipOffer
    );
    load!(Program, program, Program);
    load!(CatalogueEntry, catalogue_entry, CatalogueEntry);
    load!(Occupation, occupation, Occupation);
    load!(Certificate, certificate, Certificate);
    load!(TrainingCourse, training_course, TrainingCourse);
    Ok(keys.iter().map(|key| objects.remove(key)).collect())
}

fn char_range(text: &str, range: &std::ops::Range<usize>) -> TextRange {
    let start = text[..range.start].chars().count() as i32;
    let length = text[range.clone()].chars().count() as i32;
    TextRange {
        start,
        end: start + length,
    }
}

async fn region_filter(ctx: &Context<'_>, filter: &SearchFilter) -> ApiResult<Vec<String>> {
    let mut codes = capped(
        "regionCodes",
        filter.region_codes.clone().unwrap_or_default(),
    )?;
    if let Some(ids) = &filter.region_ids {
        let ids = filter_ids(NodeKind::Region, ids)?;
        let found: Vec<String> = region::Entity::find()
            .select_only()
            .column(region::Column::Code)
            .filter(region::Column::Id.is_in(ids))
            .into_tuple()
            .all(database(ctx)?)
            .await?;
        codes.extend(found);
        if codes.is_empty() {
            codes.push("(none)".to_string());
        }
    }
    Ok(codes)
}

/// Readable names of facet values: regions, catalogue categories and
/// occupation major groups.
async fn labels(
    ctx: &Context<'_>,
    results: &search::SearchResults,
) -> ApiResult<HashMap<(Dimension, String), String>> {
    let db = database(ctx)?;
    let values = |dimension: Dimension| -> Vec<String> {
        results
            .facets
            .iter()
            .filter(|f| f.dimension == dimension)
            .map(|f| f.value.clone())
            .collect()
    };
    let mut labels = HashMap::new();
    let regions: Vec<(String, String)> = region::Entity::find()
        .select_only()
        .column(region::Column::Code)
        .column(region::Column::Name)
        .filter(region::Column::Code.is_in(values(Dimension::Region)))
        .into_tuple()
        .all(db)
        .await?;
    labels.extend(
        regions
            .into_iter()
            .map(|(code, name)| ((Dimension::Region, code), name)),
    );
    // One name may head a category on several levels (医药卫生大类 is 52
    // in 高职专科 and 72 in 中职): the label names the level.
    let categories: Vec<(String, String, entity::enums::CatalogueLevel)> =
        catalogue_entry::Entity::find()
            .select_only()
            .column(catalogue_entry::Column::Code)
            .column(catalogue_entry::Column::Name)
            .column(catalogue_entry::Column::EducationLevel)
            .filter(catalogue_entry::Column::Code.is_in(values(Dimension::Category)))
            .into_tuple()
            .all(db)
            .await?;
    labels.extend(categories.into_iter().map(|(code, name, level)| {
        (
            (Dimension::Category, code),
            format!("{name}（{}）", level.label()),
        )
    }));
    labels.extend(
        <entity::enums::EducationRequirement as sea_orm::Iterable>::iter().map(|level| {
            (
                (Dimension::Education, education_value(level).to_string()),
                level.label().to_string(),
            )
        }),
    );
    let majors: Vec<(String, String)> = occupation::Entity::find()
        .select_only()
        .column(occupation::Column::MajorCode)
        .column(occupation::Column::MajorName)
        .filter(occupation::Column::MajorCode.is_in(values(Dimension::OccupationMajor)))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    labels.extend(
        majors
            .into_iter()
            .map(|(code, name)| ((Dimension::OccupationMajor, code), name)),
    );
    Ok(labels)
}

/// A kind facet as the `kinds:` argument spells it, with its name.
fn kind_facet(dimension: Dimension, value: &str) -> Option<(&'static str, &'static str)> {
    if dimension != Dimension::Kind {
        return None;
    }
    let kind = Kind::ALL.into_iter().find(|kind| kind.name() == value)?;
    Some(match kind {
        Kind::DemandPosting => ("DEMAND_POSTING", "需求信息"),
        Kind::ApprenticeshipOffer => ("APPRENTICESHIP_OFFER", "学徒岗位与实习基地"),
        Kind::Program => ("PROGRAM", "院校专业"),
        Kind::CatalogueEntry => ("CATALOGUE_ENTRY", "专业目录"),
        Kind::Occupation => ("OCCUPATION", "职业"),
        Kind::Certificate => ("CERTIFICATE", "职业技能等级证书"),
        Kind::TrainingCourse => ("TRAINING_COURSE", "培训课程"),
    })
}

fn facets(
    results: &search::SearchResults,
    labels: &HashMap<(Dimension, String), String>,
) -> SearchFacets {
    let mut facets = SearchFacets::default();
    for count in &results.facets {
        let value = match kind_facet(count.dimension, &count.value) {
            Some((value, label)) => FacetValue {
                value: value.to_string(),
                label: Some(label.to_string()),
                count: count.count as i32,
            },
            None => FacetValue {
                value: count.value.clone(),
                label: labels.get(&(count.dimension, count.value.clone())).cloned(),
                count: count.count as i32,
            },
        };
        match count.dimension {
            Dimension::Kind => facets.kinds.push(value),
            Dimension::Region => facets.regions.push(value),
            Dimension::Category => facets.categories.push(value),
            Dimension::Education => facets.education_levels.push(value),
            Dimension::OccupationMajor => facets.occupation_majors.push(value),
        }
    }
    for list in [
        &mut facets.kinds,
        &mut facets.regions,
        &mut facets.categories,
        &mut facets.education_levels,
        &mut facets.occupation_majors,
    ] {
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    }
    facets
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// 全文检索：需求、学徒岗位、专业、专业目录、职业、证书和培训课程。
    /// Chinese text is segmented (jieba) and matched by character bigrams
    /// too, so partial words match; Latin words ignore case. Any text is
    /// accepted (quotes, `AND`, `*` are plain text); empty text lists
    /// everything that matches the filter. Draft and closed postings are
    /// never found. Hits are ordered by relevance; `after` takes the
    /// `endCursor` of the previous page.
    #[graphql(
        complexity = "1 + (first.unwrap_or(10).clamp(1, MAX_HITS) as usize).saturating_mul(child_complexity)"
    )]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "检索词：词语、职位名称，或整段职位描述（最多 10000 字；长文本按其关键词检索）"
        )]
        query: String,
        #[graphql(desc = "只检索这些类型（默认全部）")] kinds: Option<Vec<SearchKind>>,
        filter: Option<SearchFilter>,
        #[graphql(desc = "每页条数，默认 10，最多 50")] first: Option<i32>,
        after: Option<String>,
    ) -> Result<SearchConnection> {
        let first = first.unwrap_or(10);
        if !(0..=MAX_HITS).contains(&first) {
            return Err(ApiError::bad_input(format!(
                "`first` must be between 0 and {MAX_HITS}, got {first}"
            ))
            .into());
        }
        let offset = match &after {
            Some(cursor) => decode_offset(cursor)?.saturating_add(1),
            None => 0,
        };
        if offset > MAX_OFFSET {
            return Err(ApiError::bad_input(format!(
                "search pages end after {MAX_OFFSET} hits; narrow the query or the filter"
            ))
            .into());
        }
        let filter = filter.unwrap_or_default();
        let filters = Filters {
            kinds: capped("kinds", kinds.unwrap_or_default())?
                .into_iter()
                .map(Kind::from)
                .collect(),
            regions: region_filter(ctx, &filter).await?,
            categories: capped(
                "categoryCodes",
                filter.category_codes.clone().unwrap_or_default(),
            )?,
            education: capped(
                "educationLevels",
                filter.education_levels.clone().unwrap_or_default(),
            )?
            .into_iter()
            .map(|level| education_value(level.into()).to_string())
            .collect(),
            occupation_majors: capped(
                "occupationMajorCodes",
                filter.occupation_major_codes.clone().unwrap_or_default(),
            )?,
        };
        // Counting and faceting visit every match; done only when asked.
        let wanted = ctx.look_ahead();
        let with_count = wanted.field("totalCount").exists();
        let with_facets = wanted.field("facets").exists();
        let with_lag = wanted.field("indexLag").exists();
        let with_snippets = wanted
            .field("edges")
            .field("node")
            .field("snippets")
            .exists();
        let request = SearchRequest {
            text: query,
            filters,
            include_private: false,
            offset,
            limit: first as usize,
            with_count,
            with_facets,
            with_snippets,
        };
        let indexer = indexer(ctx)?.clone();
        let index = indexer.index().clone();
        let results = tokio::task::spawn_blocking(move || index.search(&request))
            .await
            .map_err(|error| ApiError::Internal(error.into()))?
            .map_err(|error| match error {
                search::SearchError::InvalidQuery(message) => ApiError::BadUserInput(message),
                other => ApiError::Internal(other.into()),
            })?;
        let keys: Vec<(Kind, i32)> = results.hits.iter().map(|hit| (hit.kind, hit.id)).collect();
        let objects = load_objects(ctx, &keys).await?;
        let facets = if with_facets {
            facets(&results, &labels(ctx, &results).await?)
        } else {
            SearchFacets::default()
        };
        let index_lag = if with_lag {
            index_lag(&indexer).await?
        } else {
            let applied_sequence = indexer.applied_sequence();
            IndexLag {
                applied_sequence,
                latest_sequence: applied_sequence,
                behind: 0,
            }
        };
        let fields = SearchResultFields {
            total_count: results.total.unwrap_or_default() as u64,
            facets,
            index_lag,
        };
        let has_next = results.has_more;
        let mut connection = Connection::with_additional_fields(offset > 0, has_next, fields);
        for (position, (hit, object)) in results.hits.into_iter().zip(objects).enumerate() {
            let Some(object) = object else { continue };
            let snippets = hit
                .snippets
                .iter()
                .map(|snippet| SearchSnippet {
                    field: snippet.field.to_string(),
                    fragment: snippet.fragment.clone(),
                    html: snippet.html(),
                    highlights: snippet
                        .highlights
                        .iter()
                        .map(|r| char_range(&snippet.fragment, r))
                        .collect(),
                })
                .collect();
            let node = SearchHit {
                score: f64::from(hit.score),
                object,
                snippets,
            };
            connection
                .edges
                .push(Edge::new(encode_offset(offset + position), node));
        }
        Ok(connection)
    }

    /// 自动补全：名称以 `prefix` 开头的对象（忽略大小写、空格和标点），
    /// 名称短的在前。用于职业、专业、证书等选择器。
    async fn autocomplete(
        &self,
        ctx: &Context<'_>,
        prefix: String,
        #[graphql(desc = "只补全这些类型（默认全部）")] kinds: Option<Vec<SearchKind>>,
        #[graphql(default = 10, desc = "最多条数，不超过 50")] first: i32,
    ) -> Result<Vec<SearchObject>> {
        if !(0..=MAX_HITS).contains(&first) {
            return Err(ApiError::bad_input(format!(
                "`first` must be between 0 and {MAX_HITS}, got {first}"
            ))
            .into());
        }
        if prefix.chars().count() > MAX_PREFIX_CHARS {
            return Err(ApiError::bad_input(format!(
                "`prefix` is longer than {MAX_PREFIX_CHARS} characters"
            ))
            .into());
        }
        let kinds: Vec<Kind> = kinds
            .unwrap_or_default()
            .into_iter()
            .map(Kind::from)
            .collect();
        let index = indexer(ctx)?.index().clone();
        let found =
            tokio::task::spawn_blocking(move || index.suggest(&kinds, &prefix, first as usize))
                .await
                .map_err(|error| ApiError::Internal(error.into()))?
                .map_err(|error| ApiError::Internal(error.into()))?;
        let keys: Vec<(Kind, i32)> = found.iter().map(|(kind, id, _)| (*kind, *id)).collect();
        Ok(load_objects(ctx, &keys)
            .await?
            .into_iter()
            .flatten()
            .collect())
    }

    /// 检索索引落后于数据库的程度。
    async fn search_index_lag(&self, ctx: &Context<'_>) -> Result<IndexLag> {
        Ok(index_lag(indexer(ctx)?).await?)
    }
}
