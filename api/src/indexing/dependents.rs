//! What embeds what. A search document holds the names of the rows it
//! refers to (a posting its occupations, certificates, region and
//! organisations; a program its college and catalogue entry...). The change
//! log records only the row that changed, so when the indexer applies a
//! change it also rebuilds every document that embeds the changed row,
//! following this table. Entities that are not searchable themselves
//! (regions, organisations) are logged for their dependents' sake.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ConnectionTrait, DbErr,
};

/// One way a row of `entity` is embedded: the rows of `dependent` whose
/// `dependent_column` in `table` is found by `column = id`.
struct Dependent {
    /// The change-log name of the embedded row.
    entity: &'static str,
    /// The change-log name of the embedding row.
    dependent: &'static str,
    /// Where the reference is stored: a link table, or the dependent's own
    /// table (then `dependent_column` is `id`).
    table: &'static str,
    column: &'static str,
    dependent_column: &'static str,
}

const fn dependent(
    entity: &'static str,
    dependent: &'static str,
    table: &'static str,
    column: &'static str,
    dependent_column: &'static str,
) -> Dependent {
    Dependent {
        entity,
        dependent,
        table,
        column,
        dependent_column,
    }
}

/// Every reference a search document embeds (see `documents.rs`). A
/// dependent that is not searchable itself (a college) passes the change
/// on to its own dependents.
const DEPENDENTS: &[Dependent] = &[
    // Occupation names and codes in postings, programs, offers, certificates.
    dependent(
        "Occupation",
        "DemandPosting",
        "posting_occupation",
        "occupation_id",
        "posting_id",
    ),
    dependent(
        "Occupation",
        "Program",
        "program_occupation",
        "occupation_id",
        "program_id",
    ),
    dependent(
        "Occupation",
        "ApprenticeshipOffer",
        "offer_occupation",
        "occupation_id",
        "offer_id",
    ),
    dependent(
        "Occupation",
        "Certificate",
        "certificate_occupation",
        "occupation_id",
        "certificate_id",
    ),
    // Catalogue names, classes and categories in programs and certificates.
    dependent(
        "CatalogueEntry",
        "Program",
        "program",
        "catalogue_entry_id",
        "id",
    ),
    dependent(
        "CatalogueEntry",
        "Certificate",
        "certificate_catalogue_entry",
        "catalogue_entry_id",
        "certificate_id",
    ),
    // Certificate names in postings, programs and courses.
    dependent(
        "Certificate",
        "DemandPosting",
        "posting_certificate",
        "certificate_id",
        "posting_id",
    ),
    dependent(
        "Certificate",
        "Program",
        "program_certificate",
        "certificate_id",
        "program_id",
    ),
    dependent(
        "Certificate",
        "TrainingCourse",
        "training_course",
        "certificate_id",
        "id",
    ),
    // Region names and codes (facets) in postings, offers, courses, and in
    // programs through their college.
    dependent(
        "Region",
        "DemandPosting",
        "demand_posting",
        "region_id",
        "id",
    ),
    dependent(
        "Region",
        "ApprenticeshipOffer",
        "apprenticeship_offer",
        "region_id",
        "id",
    ),
    dependent(
        "Region",
        "TrainingCourse",
        "training_course",
        "region_id",
        "id",
    ),
    dependent("Region", "College", "college", "region_id", "id"),
    // Organisation names.
    dependent(
        "IndustryAssociation",
        "DemandPosting",
        "demand_posting",
        "association_id",
        "id",
    ),
    dependent(
        "Enterprise",
        "DemandPosting",
        "demand_posting",
        "enterprise_id",
        "id",
    ),
    dependent(
        "Enterprise",
        "ApprenticeshipOffer",
        "apprenticeship_offer",
        "enterprise_id",
        "id",
    ),
    dependent("College", "Program", "program", "college_id", "id"),
    dependent(
        "College",
        "ApprenticeshipOffer",
        "apprenticeship_offer",
        "partner_college_id",
        "id",
    ),
    dependent(
        "College",
        "TrainingCourse",
        "training_course",
        "provider_id",
        "id",
    ),
];

/// Most ids in one `IN (...)` list.
const CHUNK: usize = 1_000;

/// The changed rows plus every row that embeds one of them, directly or
/// through a chain of references, by change-log entity name.
pub async fn with_dependents<C: ConnectionTrait>(
    db: &C,
    changed: BTreeMap<String, BTreeSet<i32>>,
) -> Result<BTreeMap<String, BTreeSet<i32>>, DbErr> {
    let mut all = changed.clone();
    let mut pending = changed;
    // References form no cycle (region → college → program), so this ends;
    // the bound guards against a cycle added to the table by mistake.
    for _ in 0..DEPENDENTS.len() {
        if pending.is_empty() {
            break;
        }
        let mut next: BTreeMap<String, BTreeSet<i32>> = BTreeMap::new();
        for (entity, ids) in &pending {
            for link in DEPENDENTS.iter().filter(|d| d.entity == entity) {
                let found = referring_ids(db, link, ids).await?;
                let known = all.entry(link.dependent.to_string()).or_default();
                let new: BTreeSet<i32> = found.difference(known).copied().collect();
                if new.is_empty() {
                    continue;
                }
                known.extend(new.iter().copied());
                next.entry(link.dependent.to_string())
                    .or_default()
                    .extend(new);
            }
        }
        pending = next;
    }
    Ok(all)
}

async fn referring_ids<C: ConnectionTrait>(
    db: &C,
    link: &Dependent,
    ids: &BTreeSet<i32>,
) -> Result<BTreeSet<i32>, DbErr> {
    let ids: Vec<i32> = ids.iter().copied().collect();
    let mut found = BTreeSet::new();
    for chunk in ids.chunks(CHUNK) {
        let select = Query::select()
            .distinct()
            .column(link.dependent_column)
            .from(link.table)
            .and_where(Expr::col(link.column).is_in(chunk.iter().copied()))
            .take();
        for row in db.query_all(&select).await? {
            found.insert(row.try_get_by_index::<i32>(0)?);
        }
    }
    Ok(found)
}

/// The change-log names of the entities that other documents embed.
pub fn embedded_entities() -> BTreeSet<&'static str> {
    DEPENDENTS.iter().map(|d| d.entity).collect()
}
