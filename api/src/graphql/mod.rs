//! The GraphQL schema: one module per domain, merged into one query root and
//! one mutation root.

pub mod accounts;
pub mod common;
pub mod enums;
pub mod experts;
pub mod gap;
pub mod hiring;
pub mod indicators;
pub mod loaders;
pub mod matching;
pub mod node;
pub mod organisations;
pub mod postings;
pub mod programs;
pub mod protocol;
pub mod reference;
pub mod rewards;
pub mod search;
pub mod subscriptions;
pub mod supply;

use async_graphql::{MergedObject, Schema};
use sea_orm::DatabaseConnection;

pub use protocol::MAX_DEPTH;
/// Most complex query the hub answers (fields × page sizes).
pub const MAX_COMPLEXITY: usize = 50_000;

#[derive(MergedObject, Default)]
pub struct QueryRoot(
    node::NodeQuery,
    reference::ReferenceQuery,
    organisations::OrganisationQuery,
    programs::ProgramQuery,
    postings::PostingQuery,
    supply::SupplyQuery,
    search::SearchQuery,
    matching::MatchingQuery,
    gap::GapQuery,
    rewards::RewardQuery,
    indicators::IndicatorQuery,
    hiring::HiringQuery,
    experts::ExpertQuery,
    accounts::AccountQuery,
);

#[derive(MergedObject, Default)]
pub struct MutationRoot(
    postings::PostingMutation,
    programs::ProgramMutation,
    supply::SupplyMutation,
    matching::MatchingMutation,
    rewards::RewardMutation,
    indicators::IndicatorMutation,
    experts::ExpertMutation,
    accounts::AccountMutation,
);

pub type HubSchema = Schema<QueryRoot, MutationRoot, subscriptions::SubscriptionRoot>;

/// Builds the schema with its shared handles: the database and the
/// DataLoaders and the search indexer.
pub fn build_schema(
    db: DatabaseConnection,
    indexer: std::sync::Arc<crate::indexing::Indexer>,
    settings: &crate::config::Settings,
) -> HubSchema {
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        subscriptions::SubscriptionRoot,
    )
    .limit_complexity(MAX_COMPLEXITY)
    .limit_recursive_depth(protocol::MAX_NESTING)
    .extension(protocol::Protocol);
    if settings.production {
        // "Did you mean …" would tell the schema to whoever probes it.
        builder = builder.disable_suggestions();
    }
    if !settings.introspection() {
        builder = builder.disable_introspection();
    }
    let builder = loaders::register(builder, &db);
    builder.data(db).data(indexer).finish()
}

/// The SDL of the schema, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        subscriptions::SubscriptionRoot,
    )
    .finish()
    .sdl()
}
