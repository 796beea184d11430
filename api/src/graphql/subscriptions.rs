//! Live updates over WebSocket (`/graphql/ws`, `graphql-transport-ws`):
//! postings as they are published, and new matches of a program. Both
//! follow the indexer's stream of applied changes, so an event arrives
//! once its posting is searchable, whichever hub process wrote it.

use std::{
    collections::{BTreeSet, HashSet, VecDeque},
    sync::Arc,
};

use async_graphql::{Context, InputObject, Result, Subscription, ID};
use chrono::{DateTime, Utc};
use entity::{demand_posting, enums::PostingStatus, program};
use futures::{Stream, StreamExt};
use sea_orm::{DatabaseConnection, EntityTrait};
use tokio::sync::broadcast::{self, error::RecvError};

use super::{
    common::filter_ids,
    loaders::{actor, database},
    matching::Match,
    postings::DemandPosting,
    search::indexer,
};
use crate::{
    access::{authorize, Action, AuthorizeError},
    error::ApiError,
    ids::{decode, NodeKind},
    indexing::AppliedChange,
    matching::{self, profiles, score::score, Role, SubjectKind},
    relations::rows_by_id,
    services::postings::ENTITY as POSTING_ENTITY,
};

/// The default threshold of `newMatches`.
pub const DEFAULT_MIN_SCORE: f64 = 0.5;

/// Filters of `demandPostingPublished`; all given filters must hold.
#[derive(InputObject, Default)]
pub struct PublishedPostingFilter {
    /// 工作地区之一（选吉林市即含各区县）。
    pub region_ids: Option<Vec<ID>>,
    /// 需求职业编码的前缀（`6-18` 即该中类下任一职业）。
    pub occupation_code: Option<String>,
}

/// Postings published after `since`, as the index takes them in: each
/// publication once (a posting published again after a close comes again).
fn published_postings(
    db: DatabaseConnection,
    events: broadcast::Receiver<Arc<Vec<AppliedChange>>>,
    since: DateTime<Utc>,
) -> impl Stream<Item = demand_posting::Model> {
    struct State {
        db: DatabaseConnection,
        events: broadcast::Receiver<Arc<Vec<AppliedChange>>>,
        since: DateTime<Utc>,
        seen: HashSet<(i32, DateTime<Utc>)>,
        pending: VecDeque<demand_posting::Model>,
    }
    let state = State {
        db,
        events,
        since,
        seen: HashSet::new(),
        pending: VecDeque::new(),
    };
    futures::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(posting) = state.pending.pop_front() {
                return Some((posting, state));
            }
            let batch = match state.events.recv().await {
                Ok(batch) => batch,
                Err(RecvError::Lagged(skipped)) => {
                    tracing::warn!(skipped, "a subscription fell behind and skipped changes");
                    continue;
                }
                Err(RecvError::Closed) => return None,
            };
            let ids: Vec<i32> = batch
                .iter()
                .filter(|change| change.entity == POSTING_ENTITY)
                .map(|change| change.entity_id)
                .collect::<BTreeSet<i32>>()
                .into_iter()
                .collect();
            if ids.is_empty() {
                continue;
            }
            let rows = match rows_by_id::<demand_posting::Entity, _>(&state.db, &ids).await {
                Ok(rows) => rows,
                Err(error) => {
                    tracing::error!(%error, "a subscription could not read postings");
                    continue;
                }
            };
            for id in ids {
                let Some(posting) = rows.get(&id) else {
                    continue;
                };
                let Some(published_at) = posting.published_at else {
                    continue;
                };
                if posting.status == PostingStatus::Published
                    && published_at >= state.since
                    && state.seen.insert((id, published_at))
                {
                    state.pending.push_back(posting.clone());
                }
            }
        }
    })
}

#[derive(Default)]
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// 需求发布时推送（从订阅开始起）。任何人都可订阅；可按地区和职业编码前缀筛选。
    async fn demand_posting_published(
        &self,
        ctx: &Context<'_>,
        filter: Option<PublishedPostingFilter>,
    ) -> Result<impl Stream<Item = DemandPosting>> {
        let filter = filter.unwrap_or_default();
        let regions: Option<BTreeSet<i32>> = match &filter.region_ids {
            Some(ids) => Some(filter_ids(NodeKind::Region, ids)?.into_iter().collect()),
            None => None,
        };
        let prefix = filter
            .occupation_code
            .map(|code| code.trim().to_string())
            .filter(|code| !code.is_empty());
        let db = database(ctx)?.clone();
        let events = indexer(ctx)?.subscribe();
        let places = profiles::places(&db).await.map_err(ApiError::from)?;
        let stream =
            published_postings(db.clone(), events, Utc::now()).filter_map(move |posting| {
                let db = db.clone();
                let regions = regions.clone();
                let prefix = prefix.clone();
                let places = places.clone();
                async move {
                    if let Some(wanted) = &regions {
                        let place = posting.region_id.and_then(|r| places.get(&r));
                        if !place.is_some_and(|p| {
                            wanted.contains(&p.region_id) || wanted.contains(&p.root_id)
                        }) {
                            return None;
                        }
                    }
                    if let Some(prefix) = &prefix {
                        let links = profiles::occupation_links(
                            &db,
                            "posting_occupation",
                            "posting_id",
                            &[posting.id],
                        )
                        .await
                        .ok()?;
                        let any = links.get(&posting.id).is_some_and(|list| {
                            list.iter().any(|l| l.code.starts_with(prefix.as_str()))
                        });
                        if !any {
                            return None;
                        }
                    }
                    Some(DemandPosting(posting))
                }
            });
        Ok(stream)
    }

    /// 新发布的需求与本专业匹配、得分不低于 `minScore`（默认 0.5）时推送。
    /// 只有该专业所属院校的令牌和管理员可以订阅。
    async fn new_matches(
        &self,
        ctx: &Context<'_>,
        program_id: ID,
        #[graphql(desc = "最低得分（0 到 1），默认 0.5。")] min_score: Option<f64>,
    ) -> Result<impl Stream<Item = Match>> {
        let min_score = min_score.unwrap_or(DEFAULT_MIN_SCORE);
        if !(0.0..=1.0).contains(&min_score) {
            return Err(ApiError::bad_input(format!(
                "`minScore` must be between 0 and 1, got {min_score}"
            ))
            .into());
        }
        let id = decode(NodeKind::Program, &program_id)?;
        let db = database(ctx)?.clone();
        let Some(row) = program::Entity::find_by_id(id)
            .one(&db)
            .await
            .map_err(ApiError::from)?
        else {
            return Err(
                ApiError::NotFound(format!("no program with id {}", program_id.as_str())).into(),
            );
        };
        match authorize(
            &db,
            actor(ctx),
            Action::FollowProgramMatches {
                college_id: row.college_id,
            },
        )
        .await
        {
            Ok(()) => {}
            Err(AuthorizeError::Refused(refusal)) => return Err(ApiError::from(refusal).into()),
            Err(AuthorizeError::Database(error)) => return Err(ApiError::from(error).into()),
        }
        let events = indexer(ctx)?.subscribe();
        let places = Arc::new(profiles::places(&db).await.map_err(ApiError::from)?);
        let stream =
            published_postings(db.clone(), events, Utc::now()).filter_map(move |posting| {
                let db = db.clone();
                let places = places.clone();
                async move {
                    let demand = profiles::postings(&db, &[posting.id], &places)
                        .await
                        .ok()?
                        .remove(&posting.id)?;
                    // The program as it is now: it may have changed since.
                    let supply = matching::profile(&db, SubjectKind::Program, id, &places)
                        .await
                        .ok()??;
                    let pair = score(&demand, &supply);
                    (pair.is_relevant() && pair.score >= min_score)
                        .then(|| Match::new(pair, Role::Supply))
                }
            });
        Ok(stream)
    }
}
