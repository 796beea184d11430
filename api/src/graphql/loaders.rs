//! DataLoaders: relations of a page of objects load in one query per
//! relation, whatever the page size.

use std::{collections::HashMap, marker::PhantomData, sync::Arc};

use async_graphql::{
    dataloader::{DataLoader, Loader},
    Context,
};
use sea_orm::{DatabaseConnection, DbErr};

use crate::{
    error::{ApiError, ApiResult},
    relations::{children_of, links_of, rows_by_id, Child, Keyed, Link},
};

/// Loads rows of `E` by id.
pub struct ByIdLoader<E> {
    db: DatabaseConnection,
    entity: PhantomData<fn() -> E>,
}

impl<E> ByIdLoader<E> {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            entity: PhantomData,
        }
    }
}

impl<E> Loader<i32> for ByIdLoader<E>
where
    E: Keyed + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
{
    type Value = E::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, E::Model>, Self::Error> {
        rows_by_id::<E, _>(&self.db, keys).await.map_err(Arc::new)
    }
}

/// Loads, per owner, the target ids of a link table, in ascending order.
pub struct LinkLoader<L> {
    db: DatabaseConnection,
    link: PhantomData<fn() -> L>,
}

impl<L> LinkLoader<L> {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            link: PhantomData,
        }
    }
}

impl<L> Loader<i32> for LinkLoader<L>
where
    L: Link + Send + Sync + 'static,
    L::Model: Send + Sync + 'static,
{
    type Value = Vec<i32>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Vec<i32>>, Self::Error> {
        links_of::<L, _>(&self.db, keys).await.map_err(Arc::new)
    }
}

/// Loads, per parent, its child rows of `E` (see [`Child`]).
pub struct ChildrenLoader<E> {
    db: DatabaseConnection,
    entity: PhantomData<fn() -> E>,
}

impl<E> ChildrenLoader<E> {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            entity: PhantomData,
        }
    }
}

impl<E> Loader<i32> for ChildrenLoader<E>
where
    E: Child + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
{
    type Value = Vec<E::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Vec<E::Model>>, Self::Error> {
        children_of::<E, _>(&self.db, keys).await.map_err(Arc::new)
    }
}

/// The child rows of `E` of one parent, through its DataLoader.
pub async fn load_children<E>(ctx: &Context<'_>, parent: i32) -> ApiResult<Vec<E::Model>>
where
    E: Child + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
{
    Ok(loader::<ChildrenLoader<E>>(ctx)?
        .load_one(parent)
        .await?
        .unwrap_or_default())
}

/// Loads, per owner, every link of a link table with its provenance.
pub struct ProvenanceLoader<L> {
    db: DatabaseConnection,
    link: PhantomData<fn() -> L>,
}

impl<L> ProvenanceLoader<L> {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            link: PhantomData,
        }
    }
}

impl<L> Loader<i32> for ProvenanceLoader<L>
where
    L: Link + Send + Sync + 'static,
    L::Model: Send + Sync + 'static,
{
    type Value = Vec<crate::relations::Provenance>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[i32],
    ) -> Result<HashMap<i32, Vec<crate::relations::Provenance>>, Self::Error> {
        crate::relations::provenance_of::<L, _>(&self.db, keys)
            .await
            .map_err(Arc::new)
    }
}

/// Every link of `owner` in `L` with its provenance.
pub async fn load_provenance<L>(
    ctx: &Context<'_>,
    owner: i32,
) -> ApiResult<Vec<crate::relations::Provenance>>
where
    L: Link + Send + Sync + 'static,
    L::Model: Send + Sync + 'static,
{
    Ok(loader::<ProvenanceLoader<L>>(ctx)?
        .load_one(owner)
        .await?
        .unwrap_or_default())
}

/// The database handle of the schema.
/// Who the request acts as (the HTTP layer sets it; anonymous otherwise).
pub fn actor<'a>(ctx: &Context<'a>) -> &'a crate::access::Actor {
    static ANONYMOUS: crate::access::Actor = crate::access::Actor::Anonymous;
    ctx.data_opt::<crate::access::Actor>().unwrap_or(&ANONYMOUS)
}

pub fn database<'a>(ctx: &Context<'a>) -> ApiResult<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("the schema has no database connection")))
}

fn loader<'a, T: Send + Sync + 'static>(ctx: &Context<'a>) -> ApiResult<&'a DataLoader<T>> {
    ctx.data::<DataLoader<T>>().map_err(|_| {
        ApiError::Internal(anyhow::anyhow!(
            "data loader {} is not registered",
            std::any::type_name::<T>()
        ))
    })
}

/// The row of `E` with this id, through its DataLoader.
pub async fn load_one<E>(ctx: &Context<'_>, id: i32) -> ApiResult<Option<E::Model>>
where
    E: Keyed + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
{
    Ok(loader::<ByIdLoader<E>>(ctx)?.load_one(id).await?)
}

/// The row a foreign key points at; its absence (which the foreign key
/// forbids) is an internal error naming `what`.
pub async fn load_required<E>(ctx: &Context<'_>, id: i32, what: &str) -> ApiResult<E::Model>
where
    E: Keyed + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
{
    load_one::<E>(ctx, id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("{what} {id} does not exist")))
}

/// The row of `E` with this id, when there is an id.
pub async fn load_optional<E>(ctx: &Context<'_>, id: Option<i32>) -> ApiResult<Option<E::Model>>
where
    E: Keyed + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
{
    match id {
        Some(id) => load_one::<E>(ctx, id).await,
        None => Ok(None),
    }
}

/// The rows of `E` linked to `owner` through the link table `L`, in id order.
pub async fn load_linked<L, E>(ctx: &Context<'_>, owner: i32) -> ApiResult<Vec<E::Model>>
where
    L: Link + Send + Sync + 'static,
    L::Model: Send + Sync + 'static,
    E: Keyed + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
{
    let ids = load_link_ids::<L>(ctx, owner).await?;
    load_many::<E>(ctx, &ids).await
}

/// The target ids linked to `owner` through the link table `L`, ascending.
pub async fn load_link_ids<L>(ctx: &Context<'_>, owner: i32) -> ApiResult<Vec<i32>>
where
    L: Link + Send + Sync + 'static,
    L::Model: Send + Sync + 'static,
{
    Ok(loader::<LinkLoader<L>>(ctx)?
        .load_one(owner)
        .await?
        .unwrap_or_default())
}

/// The rows of `E` with these ids, in the order given (missing ones left
/// out), in one batch.
pub async fn load_many<E>(ctx: &Context<'_>, ids: &[i32]) -> ApiResult<Vec<E::Model>>
where
    E: Keyed + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = loader::<ByIdLoader<E>>(ctx)?
        .load_many(ids.iter().copied())
        .await?;
    Ok(ids.iter().filter_map(|id| rows.get(id).cloned()).collect())
}

/// How long a DataLoader collects keys before it queries: each level of
/// relations in a query waits this long once.
pub const BATCH_WINDOW: std::time::Duration = std::time::Duration::from_millis(1);

/// Registers every loader in the schema builder.
pub fn register<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
    db: &DatabaseConnection,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    macro_rules! by_id {
        ($builder:ident, $($module:ident),*) => {
            $builder$(.data(DataLoader::new(ByIdLoader::<entity::$module::Entity>::new(db.clone()), tokio::spawn).delay(BATCH_WINDOW)))*
        };
    }
    macro_rules! links {
        ($builder:ident, $($module:ident),*) => {
            $builder$(.data(DataLoader::new(LinkLoader::<entity::$module::Entity>::new(db.clone()), tokio::spawn).delay(BATCH_WINDOW)))*
        };
    }
    let builder = by_id!(
        builder,
        region,
        catalogue_entry,
        occupation,
        certificate,
        industry_association,
        enterprise,
        college,
        program,
        demand_posting,
        apprenticeship_offer,
        training_course,
        contest,
        contest_award,
        contest_person,
        competition_reward,
        outreach_activity,
        expert,
        teaching_need
    );
    macro_rules! children {
        ($builder:ident, $($module:ident),*) => {
            $builder$(.data(DataLoader::new(ChildrenLoader::<entity::$module::Entity>::new(db.clone()), tokio::spawn).delay(BATCH_WINDOW)))*
        };
    }
    let builder = children!(
        builder,
        contest_award,
        award_winner,
        competition_reward,
        reward_step
    );
    macro_rules! provenance {
        ($builder:ident, $($module:ident),*) => {
            $builder$(.data(DataLoader::new(ProvenanceLoader::<entity::$module::Entity>::new(db.clone()), tokio::spawn).delay(BATCH_WINDOW)))*
        };
    }
    let builder = provenance!(
        builder,
        program_certificate,
        program_occupation,
        posting_occupation,
        posting_certificate,
        offer_occupation,
        expert_occupation,
        expert_certificate,
        teaching_need_occupation,
        teaching_need_certificate
    );
    links!(
        builder,
        certificate_catalogue_entry,
        certificate_occupation,
        program_certificate,
        program_occupation,
        posting_occupation,
        posting_certificate,
        offer_occupation,
        expert_occupation,
        expert_certificate,
        expert_contact_share,
        teaching_need_occupation,
        teaching_need_certificate
    )
}
