//! Finding what to score: candidates that share an occupation's 小类 with
//! the subject (through the link tables), and candidates whose text the
//! search index finds for the subject's title. Both are capped, so one
//! match query costs the same on a small city and on a large one.

use std::{
    collections::{BTreeSet, HashMap},
    sync::Arc,
};

use chrono::Utc;
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ConnectionTrait, DbErr,
};
use search::{Filters, Kind, SearchIndex, SearchRequest};

use super::{
    profiles,
    score::{score, Place, Profile, Scored, SubjectKind},
};

/// Most candidates taken per kind through shared occupations (the newest).
pub const OCCUPATION_CANDIDATES: u64 = 500;
/// Most candidates per search through the index.
pub const TEXT_CANDIDATES: usize = 100;

/// Which side of the market the subject is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The subject is demand; candidates supply it.
    Demand,
    /// The subject is supply; candidates are demand it can serve.
    Supply,
}

fn search_kind(kind: SubjectKind) -> Kind {
    match kind {
        SubjectKind::DemandPosting => Kind::DemandPosting,
        SubjectKind::Program => Kind::Program,
        SubjectKind::ApprenticeshipOffer => Kind::ApprenticeshipOffer,
        SubjectKind::TrainingCourse => Kind::TrainingCourse,
    }
}

fn subject_kind(kind: Kind) -> Option<SubjectKind> {
    match kind {
        Kind::DemandPosting => Some(SubjectKind::DemandPosting),
        Kind::Program => Some(SubjectKind::Program),
        Kind::ApprenticeshipOffer => Some(SubjectKind::ApprenticeshipOffer),
        Kind::TrainingCourse => Some(SubjectKind::TrainingCourse),
        _ => None,
    }
}

/// The occupations in the 小类 of the subject's occupations.
async fn related_occupations<C: ConnectionTrait>(
    db: &C,
    subject: &Profile,
) -> Result<Vec<i32>, DbErr> {
    let minors: BTreeSet<&str> = subject
        .occupations
        .iter()
        .map(|link| link.minor_code.as_str())
        .filter(|code| !code.is_empty())
        .collect();
    let mut ids: BTreeSet<i32> = subject
        .occupations
        .iter()
        .map(|l| l.occupation_id)
        .collect();
    if !minors.is_empty() {
        let select = Query::select()
            .column("id")
            .from("occupation")
            .and_where(Expr::col("minor_code").is_in(minors.iter().copied()))
            .take();
        for row in db.query_all(&select).await? {
            ids.insert(row.try_get_by_index(0)?);
        }
    }
    Ok(ids.into_iter().collect())
}

/// The newest owners linked to one of `occupations` in a link table.
async fn linked_owners<C: ConnectionTrait>(
    db: &C,
    kind: SubjectKind,
    occupations: &[i32],
) -> Result<Vec<i32>, DbErr> {
    if occupations.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = Query::select();
    match kind {
        SubjectKind::DemandPosting => {
            // Published postings that have not expired.
            select
                .distinct()
                .column(("posting_occupation", "posting_id"))
                .from("posting_occupation")
                .inner_join(
                    "demand_posting",
                    Expr::col(("demand_posting", "id"))
                        .equals(("posting_occupation", "posting_id")),
                )
                .and_where(
                    Expr::col(("posting_occupation", "occupation_id"))
                        .is_in(occupations.iter().copied()),
                )
                .and_where(Expr::col(("demand_posting", "status")).eq("PUBLISHED"))
                .and_where(
                    Expr::col(("demand_posting", "valid_until"))
                        .is_null()
                        .or(Expr::col(("demand_posting", "valid_until"))
                            .gte(Utc::now().date_naive())),
                )
                .order_by(("posting_occupation", "posting_id"), sea_orm::Order::Desc);
        }
        SubjectKind::Program | SubjectKind::ApprenticeshipOffer => {
            let (table, owner) = if kind == SubjectKind::Program {
                ("program_occupation", "program_id")
            } else {
                ("offer_occupation", "offer_id")
            };
            select
                .distinct()
                .column(owner)
                .from(table)
                .and_where(Expr::col("occupation_id").is_in(occupations.iter().copied()))
                .order_by(owner, sea_orm::Order::Desc);
        }
        SubjectKind::TrainingCourse => {
            // Courses preparing for a certificate of one of the occupations.
            let certificates = Query::select()
                .column("certificate_id")
                .from("certificate_occupation")
                .and_where(Expr::col("occupation_id").is_in(occupations.iter().copied()))
                .take();
            select
                .column("id")
                .from("training_course")
                .and_where(Expr::col("certificate_id").in_subquery(certificates))
                .order_by("id", sea_orm::Order::Desc);
        }
    }
    select.limit(OCCUPATION_CANDIDATES);
    db.query_all(&select)
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<i32>(0))
        .collect()
}

/// Candidates of `kinds` the search index finds for the subject's terms.
async fn text_candidates(
    index: &Arc<SearchIndex>,
    subject: &Profile,
    kinds: &[SubjectKind],
) -> anyhow::Result<Vec<(SubjectKind, i32)>> {
    if subject.terms.is_empty() || kinds.is_empty() {
        return Ok(Vec::new());
    }
    let request = SearchRequest {
        text: subject.terms.join(" "),
        filters: Filters {
            kinds: kinds.iter().copied().map(search_kind).collect(),
            ..Default::default()
        },
        limit: TEXT_CANDIDATES,
        ..Default::default()
    };
    let index = index.clone();
    let results = tokio::task::spawn_blocking(move || index.search(&request)).await??;
    Ok(results
        .hits
        .into_iter()
        .filter_map(|hit| subject_kind(hit.kind).map(|kind| (kind, hit.id)))
        .collect())
}

/// Scores every candidate of `kinds` for `subject`, best first; only
/// candidates with some relevance (a related occupation or a shared term).
pub async fn find<C: ConnectionTrait>(
    db: &C,
    index: &Arc<SearchIndex>,
    subject: &Profile,
    role: Role,
    kinds: &[SubjectKind],
    places: &HashMap<i32, Place>,
    keep: &(dyn Fn(&Profile) -> bool + Sync),
) -> anyhow::Result<Vec<Scored>> {
    let occupations = related_occupations(db, subject).await?;
    let mut wanted: HashMap<SubjectKind, BTreeSet<i32>> = HashMap::new();
    for kind in kinds {
        let ids = linked_owners(db, *kind, &occupations).await?;
        wanted.entry(*kind).or_default().extend(ids);
    }
    // Supply finds demand by the demand's words, so a program searches
    // with its own name; demand searches with its title and skills.
    for (kind, id) in text_candidates(index, subject, kinds).await? {
        wanted.entry(kind).or_default().insert(id);
    }
    // Courses that prepare for a certificate the demand asks for.
    if role == Role::Demand && kinds.contains(&SubjectKind::TrainingCourse) {
        let asked: Vec<i32> = subject.certificates.iter().flatten().copied().collect();
        if !asked.is_empty() {
            let select = Query::select()
                .column("id")
                .from("training_course")
                .and_where(Expr::col("certificate_id").is_in(asked))
                .limit(OCCUPATION_CANDIDATES)
                .take();
            for row in db.query_all(&select).await? {
                wanted
                    .entry(SubjectKind::TrainingCourse)
                    .or_default()
                    .insert(row.try_get_by_index(0)?);
            }
        }
    }
    let mut scored = Vec::new();
    for (kind, ids) in wanted {
        let ids: Vec<i32> = ids.into_iter().collect();
        let candidates = profiles::of_kind(db, kind, &ids, places).await?;
        for candidate in candidates.values() {
            if !candidate.open || !keep(candidate) {
                continue;
            }
            let pair = match role {
                Role::Demand => score(subject, candidate),
                Role::Supply => score(candidate, subject),
            };
            if pair.is_relevant() {
                scored.push(pair);
            }
        }
    }
    scored.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.demand.cmp(&b.demand))
            .then_with(|| a.supply.cmp(&b.supply))
    });
    Ok(scored)
}
