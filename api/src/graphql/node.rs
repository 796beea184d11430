//! The `Node` interface and the `node`/`nodes` root fields.

use async_graphql::{Context, Interface, Object, Result, ID};
use entity::*;

use sea_orm::EntityTrait;

use super::{
    accounts::ApiToken,
    experts::{Expert, TeachingNeed},
    indicators::OutreachActivity,
    loaders::load_one,
    organisations::{College, Enterprise, IndustryAssociation},
    postings::DemandPosting,
    programs::Program,
    reference::{CatalogueEntry, Certificate, Occupation, Region},
    rewards::{CompetitionReward, Contest, ContestAward, ContestPerson},
    supply::{ApprenticeshipOffer, TrainingCourse},
};
use crate::{
    error::ApiError,
    ids::{decode_any, NodeKind},
};

/// An object with a global ID, which `node(id:)` fetches again.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "不透明的全局 ID (opaque global ID)"))]
pub enum Node {
    Region(Region),
    CatalogueEntry(CatalogueEntry),
    Occupation(Occupation),
    Certificate(Certificate),
    IndustryAssociation(IndustryAssociation),
    Enterprise(Enterprise),
    College(College),
    Program(Program),
    DemandPosting(DemandPosting),
    ApprenticeshipOffer(ApprenticeshipOffer),
    TrainingCourse(TrainingCourse),
    ApiToken(ApiToken),
    Contest(Contest),
    ContestAward(ContestAward),
    ContestPerson(ContestPerson),
    CompetitionReward(CompetitionReward),
    OutreachActivity(OutreachActivity),
    Expert(Expert),
    TeachingNeed(TeachingNeed),
}

/// Most IDs `nodes(ids:)` takes at once.
pub const MAX_NODES: usize = 100;

async fn fetch(ctx: &Context<'_>, kind: NodeKind, id: i32) -> Result<Option<Node>> {
    Ok(match kind {
        NodeKind::Region => load_one::<region::Entity>(ctx, id)
            .await?
            .map(|m| Node::Region(Region(m))),
        NodeKind::CatalogueEntry => load_one::<catalogue_entry::Entity>(ctx, id)
            .await?
            .map(|m| Node::CatalogueEntry(CatalogueEntry(m))),
        NodeKind::Occupation => load_one::<occupation::Entity>(ctx, id)
            .await?
            .map(|m| Node::Occupation(Occupation(m))),
        NodeKind::Certificate => load_one::<certificate::Entity>(ctx, id)
            .await?
            .map(|m| Node::Certificate(Certificate(m))),
        NodeKind::IndustryAssociation => load_one::<industry_association::Entity>(ctx, id)
            .await?
            .map(|m| Node::IndustryAssociation(IndustryAssociation(m))),
        NodeKind::Enterprise => load_one::<enterprise::Entity>(ctx, id)
            .await?
            .map(|m| Node::Enterprise(Enterprise(m))),
        NodeKind::College => load_one::<college::Entity>(ctx, id)
            .await?
            .map(|m| Node::College(College(m))),
        NodeKind::Program => load_one::<program::Entity>(ctx, id)
            .await?
            .map(|m| Node::Program(Program(m))),
        NodeKind::DemandPosting => load_one::<demand_posting::Entity>(ctx, id)
            .await?
            .filter(|m| {
                crate::access::can_see_posting(
                    super::loaders::actor(ctx),
                    m.association_id,
                    m.status,
                )
            })
            .map(|m| Node::DemandPosting(DemandPosting(m))),
        NodeKind::ApprenticeshipOffer => load_one::<apprenticeship_offer::Entity>(ctx, id)
            .await?
            .map(|m| Node::ApprenticeshipOffer(ApprenticeshipOffer(m))),
        NodeKind::TrainingCourse => load_one::<training_course::Entity>(ctx, id)
            .await?
            .map(|m| Node::TrainingCourse(TrainingCourse(m))),
        // Tokens are for admins only; others get `null`, as for unknown IDs.
        NodeKind::ApiToken if super::loaders::actor(ctx).is_admin() => {
            api_token::Entity::find_by_id(id)
                .one(super::loaders::database(ctx)?)
                .await
                .map_err(ApiError::from)?
                .map(|m| Node::ApiToken(ApiToken(m)))
        }
        NodeKind::ApiToken => None,
        NodeKind::OutreachActivity => load_one::<outreach_activity::Entity>(ctx, id)
            .await?
            .map(|m| Node::OutreachActivity(OutreachActivity(m))),
        NodeKind::Expert => load_one::<expert::Entity>(ctx, id)
            .await?
            .map(|m| Node::Expert(Expert(m))),
        NodeKind::TeachingNeed => load_one::<teaching_need::Entity>(ctx, id)
            .await?
            .map(|m| Node::TeachingNeed(TeachingNeed(m))),
        NodeKind::Contest => load_one::<contest::Entity>(ctx, id)
            .await?
            .map(|m| Node::Contest(Contest(m))),
        NodeKind::ContestAward => load_one::<contest_award::Entity>(ctx, id)
            .await?
            .map(|m| Node::ContestAward(ContestAward(m))),
        // People and rewards: their college, 市人社局 and admins only;
        // others get `null`, as for unknown IDs.
        NodeKind::ContestPerson => load_one::<contest_person::Entity>(ctx, id)
            .await?
            .filter(|m| super::rewards::may_see_person(super::loaders::actor(ctx), m))
            .map(|m| Node::ContestPerson(ContestPerson(m))),
        NodeKind::CompetitionReward => {
            let Some(reward) = load_one::<competition_reward::Entity>(ctx, id).await? else {
                return Ok(None);
            };
            let person = load_one::<contest_person::Entity>(ctx, reward.person_id).await?;
            person
                .filter(|m| super::rewards::may_see_person(super::loaders::actor(ctx), m))
                .map(|_| Node::CompetitionReward(CompetitionReward(reward)))
        }
    })
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global ID; `null` when the ID is unknown or
    /// malformed.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        match decode_any(&id) {
            Some((kind, row)) => fetch(ctx, kind, row).await,
            None => Ok(None),
        }
    }

    /// The objects with these global IDs, in the same order; `null` for
    /// each unknown or malformed ID. At most 100 IDs.
    #[graphql(complexity = "1 + ids.len().min(MAX_NODES).saturating_mul(child_complexity)")]
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(ApiError::bad_input(format!(
                "`ids` takes at most {MAX_NODES} ids, got {}",
                ids.len()
            ))
            .into());
        }
        let lookups = ids.iter().map(|id| async move {
            match decode_any(id) {
                Some((kind, row)) => fetch(ctx, kind, row).await,
                None => Ok(None),
            }
        });
        futures::future::try_join_all(lookups).await
    }
}
