//! Rows by id and link tables in batches: what DataLoaders and the search
//! indexer share.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// Most ids in one `IN (...)` list.
const CHUNK: usize = 1_000;

/// An entity whose rows are loaded by their `id`.
pub trait Keyed: EntityTrait {
    fn id_column() -> Self::Column;
    fn key(model: &Self::Model) -> i32;
}

macro_rules! keyed {
    ($($module:ident),* $(,)?) => {$(
        impl Keyed for entity::$module::Entity {
            fn id_column() -> Self::Column {
                entity::$module::Column::Id
            }
            fn key(model: &Self::Model) -> i32 {
                model.id
            }
        }
    )*};
}

keyed!(
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
    teaching_need,
);

/// A link table `(owner, target)`.
pub trait Link: EntityTrait {
    fn owner_column() -> Self::Column;
    fn owner(model: &Self::Model) -> i32;
    fn target(model: &Self::Model) -> i32;
    /// Whether the link is the hub's unconfirmed suggestion rather than
    /// the owner's (suggestions are read separately).
    fn is_suggestion(_model: &Self::Model) -> bool {
        false
    }
    /// Where the link came from, in tables that record it.
    fn provenance(_model: &Self::Model) -> Option<Provenance> {
        None
    }
}

/// Where a link came from and when it was set.
#[derive(Clone, Debug, PartialEq)]
pub struct Provenance {
    pub target: i32,
    pub provenance: entity::enums::LinkProvenance,
    pub confidence: Option<f64>,
    pub linked_at: Option<chrono::DateTime<chrono::Utc>>,
}

macro_rules! link {
    ($($module:ident: $owner:ident / $owner_field:ident -> $target_field:ident),* $(,)?) => {$(
        impl Link for entity::$module::Entity {
            fn owner_column() -> Self::Column {
                entity::$module::Column::$owner
            }
            fn owner(model: &Self::Model) -> i32 {
                model.$owner_field
            }
            fn target(model: &Self::Model) -> i32 {
                model.$target_field
            }
            fn is_suggestion(model: &Self::Model) -> bool {
                model.provenance == entity::enums::LinkProvenance::Suggested
            }
            fn provenance(model: &Self::Model) -> Option<Provenance> {
                Some(Provenance {
                    target: model.$target_field,
                    provenance: model.provenance,
                    confidence: model.confidence,
                    linked_at: model.linked_at,
                })
            }
        }
    )*};
}

impl Link for entity::certificate_catalogue_entry::Entity {
    fn owner_column() -> Self::Column {
        entity::certificate_catalogue_entry::Column::CertificateId
    }
    fn owner(model: &Self::Model) -> i32 {
        model.certificate_id
    }
    fn target(model: &Self::Model) -> i32 {
        model.catalogue_entry_id
    }
}

link!(
    certificate_occupation: CertificateId / certificate_id -> occupation_id,
    program_certificate: ProgramId / program_id -> certificate_id,
    program_occupation: ProgramId / program_id -> occupation_id,
    posting_occupation: PostingId / posting_id -> occupation_id,
    posting_certificate: PostingId / posting_id -> certificate_id,
    offer_occupation: OfferId / offer_id -> occupation_id,
    expert_occupation: ExpertId / expert_id -> occupation_id,
    expert_certificate: ExpertId / expert_id -> certificate_id,
    teaching_need_occupation: NeedId / need_id -> occupation_id,
    teaching_need_certificate: NeedId / need_id -> certificate_id,
);

impl Link for entity::expert_contact_share::Entity {
    fn owner_column() -> Self::Column {
        entity::expert_contact_share::Column::ExpertId
    }
    fn owner(model: &Self::Model) -> i32 {
        model.expert_id
    }
    fn target(model: &Self::Model) -> i32 {
        model.college_id
    }
}

/// Rows that belong to one parent row (a contest's awards, a reward's
/// steps), loaded per parent in batches.
pub trait Child: EntityTrait {
    fn parent_column() -> Self::Column;
    fn parent(model: &Self::Model) -> i32;
    /// The order of one parent's rows.
    fn order_column() -> Self::Column;
}

macro_rules! child {
    ($($module:ident: $parent:ident / $parent_field:ident by $order:ident),* $(,)?) => {$(
        impl Child for entity::$module::Entity {
            fn parent_column() -> Self::Column {
                entity::$module::Column::$parent
            }
            fn parent(model: &Self::Model) -> i32 {
                model.$parent_field
            }
            fn order_column() -> Self::Column {
                entity::$module::Column::$order
            }
        }
    )*};
}

child!(
    contest_award: ContestId / contest_id by Id,
    award_winner: AwardId / award_id by PersonId,
    competition_reward: PersonId / person_id by Id,
    reward_step: RewardId / reward_id by Id,
);

/// Per parent, its rows of `E` in [`Child::order_column`] order.
pub async fn children_of<E, C>(
    db: &C,
    parents: &[i32],
) -> Result<HashMap<i32, Vec<E::Model>>, DbErr>
where
    E: Child,
    C: ConnectionTrait,
{
    let mut children: HashMap<i32, Vec<E::Model>> = HashMap::new();
    for chunk in parents.chunks(CHUNK) {
        for row in E::find()
            .filter(E::parent_column().is_in(chunk.iter().copied()))
            .order_by_asc(E::order_column())
            .all(db)
            .await?
        {
            children.entry(E::parent(&row)).or_default().push(row);
        }
    }
    Ok(children)
}

/// The rows of `E` with these ids (missing ids are absent).
pub async fn rows_by_id<E, C>(db: &C, ids: &[i32]) -> Result<HashMap<i32, E::Model>, DbErr>
where
    E: Keyed,
    C: ConnectionTrait,
{
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut rows = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        for row in E::find()
            .filter(E::id_column().is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            rows.insert(E::key(&row), row);
        }
    }
    Ok(rows)
}

/// Per owner, the target ids of the link table `L`, in ascending order.
pub async fn links_of<L, C>(db: &C, owners: &[i32]) -> Result<HashMap<i32, Vec<i32>>, DbErr>
where
    L: Link,
    C: ConnectionTrait,
{
    let mut links: HashMap<i32, Vec<i32>> = HashMap::new();
    for chunk in owners.chunks(CHUNK) {
        for row in L::find()
            .filter(L::owner_column().is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            if L::is_suggestion(&row) {
                continue;
            }
            links
                .entry(L::owner(&row))
                .or_default()
                .push(L::target(&row));
        }
    }
    for targets in links.values_mut() {
        targets.sort_unstable();
    }
    Ok(links)
}

/// Per owner, every link of `L` (suggestions included) with its
/// provenance, in target order.
pub async fn provenance_of<L, C>(
    db: &C,
    owners: &[i32],
) -> Result<HashMap<i32, Vec<Provenance>>, DbErr>
where
    L: Link,
    C: ConnectionTrait,
{
    let mut links: HashMap<i32, Vec<Provenance>> = HashMap::new();
    for chunk in owners.chunks(CHUNK) {
        for row in L::find()
            .filter(L::owner_column().is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            if let Some(provenance) = L::provenance(&row) {
                links.entry(L::owner(&row)).or_default().push(provenance);
            }
        }
    }
    for list in links.values_mut() {
        list.sort_by_key(|link| link.target);
    }
    Ok(links)
}
