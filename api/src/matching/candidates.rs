//! Finding what to score: candidates linked to the subject's occupations,
//! then (while there is room) to the other occupations of their 小类,
//! newest first, through the link tables; and candidates whose text the
//! search index finds for the subject's terms. Both are capped, so one
//! match query costs the same on a small city and on a large one.

use std::{
    collections::{BTreeSet, HashMap},
    sync::Arc,
};

use chrono::Utc;
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ConnectionTrait, DbErr, Statement,
};
use search::{Kind, SearchIndex};

use super::{
    profiles,
    score::{score, Place, Profile, Scored, SubjectKind},
};

/// Most candidates taken per kind through occupations: the newest linked
/// to the subject's own occupations first, then the newest linked to the
/// rest of their 小类.
pub const OCCUPATION_CANDIDATES: usize = 200;
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

/// The kind of search document of a subject kind; experts and teaching
/// needs are matched among themselves (`super::experts`), not searched.
fn search_kind(kind: SubjectKind) -> Option<Kind> {
    match kind {
        SubjectKind::DemandPosting => Some(Kind::DemandPosting),
        SubjectKind::Program => Some(Kind::Program),
        SubjectKind::ApprenticeshipOffer => Some(Kind::ApprenticeshipOffer),
        SubjectKind::TrainingCourse => Some(Kind::TrainingCourse),
        SubjectKind::TeachingNeed | SubjectKind::Expert => None,
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

/// The subject's own occupations, and the other occupations of their 小类.
async fn occupation_tiers<C: ConnectionTrait>(
    db: &C,
    subject: &Profile,
) -> Result<[Vec<i32>; 2], DbErr> {
    let own: BTreeSet<i32> = subject
        .occupations
        .iter()
        .map(|l| l.occupation_id)
        .collect();
    let minors: BTreeSet<&str> = subject
        .occupations
        .iter()
        .map(|link| link.minor_code.as_str())
        .filter(|code| !code.is_empty())
        .collect();
    let mut related = BTreeSet::new();
    if !minors.is_empty() {
        let select = Query::select()
            .column("id")
            .from("occupation")
            .and_where(Expr::col("minor_code").is_in(minors.iter().copied()))
            .take();
        for row in db.query_all(&select).await? {
            let id: i32 = row.try_get_by_index(0)?;
            if !own.contains(&id) {
                related.insert(id);
            }
        }
    }
    Ok([own.into_iter().collect(), related.into_iter().collect()])
}

/// The newest owners of `kind` linked to each of `occupations`, at most
/// `limit` per occupation, in one statement: per occupation one ordered walk
/// of the (occupation, owner) index. Postings must be published and
/// unexpired. (`CROSS JOIN` makes SQLite walk the links first; PostgreSQL
/// plans it as any join.)
async fn newest_linked<C: ConnectionTrait>(
    db: &C,
    kind: SubjectKind,
    occupations: &[i32],
    limit: usize,
) -> Result<Vec<i32>, DbErr> {
    let today = Utc::now().date_naive().format("%Y-%m-%d").to_string();
    let walk = |occupation: i32| {
        match kind {
        SubjectKind::DemandPosting => Some(format!(
            "SELECT l.posting_id AS id FROM posting_occupation l CROSS JOIN demand_posting p \
             WHERE l.occupation_id = {occupation} AND p.id = l.posting_id \
               AND p.status = 'PUBLISHED' AND (p.valid_until IS NULL OR p.valid_until >= '{today}') \
             ORDER BY l.posting_id DESC LIMIT {limit}"
        )),
        SubjectKind::Program => Some(format!(
            "SELECT program_id AS id FROM program_occupation WHERE occupation_id = {occupation} \
             ORDER BY program_id DESC LIMIT {limit}"
        )),
        SubjectKind::ApprenticeshipOffer => Some(format!(
            "SELECT offer_id AS id FROM offer_occupation WHERE occupation_id = {occupation} \
             ORDER BY offer_id DESC LIMIT {limit}"
        )),
        SubjectKind::TrainingCourse | SubjectKind::TeachingNeed | SubjectKind::Expert => None,
    }
    };
    let walks: Vec<String> = occupations
        .iter()
        .filter_map(|occupation| walk(*occupation))
        .enumerate()
        .map(|(n, walk)| format!("SELECT id FROM ({walk}) AS walk{n}"))
        .collect();
    if walks.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    ids(db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            walks.join(" UNION ALL "),
        ))
        .await?)
}

/// The first column of each row, as ids.
fn ids(rows: Vec<sea_orm::QueryResult>) -> Result<Vec<i32>, DbErr> {
    rows.iter()
        .map(|row| row.try_get_by_index::<i32>(0))
        .collect()
}

/// Training courses preparing for a certificate of one of `occupations`,
/// newest first.
async fn courses_of<C: ConnectionTrait>(
    db: &C,
    occupations: &[i32],
    limit: usize,
) -> Result<Vec<i32>, DbErr> {
    if occupations.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let certificates = Query::select()
        .column("certificate_id")
        .from("certificate_occupation")
        .and_where(Expr::col("occupation_id").is_in(occupations.iter().copied()))
        .take();
    newest_courses(
        db,
        Expr::col("certificate_id").in_subquery(certificates),
        limit,
    )
    .await
}

/// The newest training courses whose certificate meets `certificate`.
async fn newest_courses<C: ConnectionTrait>(
    db: &C,
    certificate: sea_orm::sea_query::SimpleExpr,
    limit: usize,
) -> Result<Vec<i32>, DbErr> {
    let select = Query::select()
        .column("id")
        .from("training_course")
        .and_where(certificate)
        .order_by("id", sea_orm::Order::Desc)
        .limit(limit as u64)
        .take();
    ids(db.query_all(&select).await?)
}

/// Candidates of `kind` through occupations: the newest linked to the
/// subject's own occupations, then, while fewer than
/// [`OCCUPATION_CANDIDATES`], the newest linked to the rest of their 小类.
async fn occupation_candidates<C: ConnectionTrait>(
    db: &C,
    kind: SubjectKind,
    tiers: &[Vec<i32>; 2],
) -> Result<BTreeSet<i32>, DbErr> {
    let mut found = BTreeSet::new();
    for tier in tiers {
        let room = OCCUPATION_CANDIDATES - found.len();
        if room == 0 {
            break;
        }
        let mut ids = if kind == SubjectKind::TrainingCourse {
            courses_of(db, tier, room).await?
        } else {
            newest_linked(db, kind, tier, room).await?
        };
        ids.retain(|id| !found.contains(id));
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.dedup();
        found.extend(ids.into_iter().take(room));
    }
    Ok(found)
}

/// Candidates of `kinds` whose name or text shares specific words with
/// the subject's key terms (the index leaves out words common to most
/// objects).
async fn text_candidates(
    index: &Arc<SearchIndex>,
    subject: &Profile,
    kinds: &[SubjectKind],
) -> anyhow::Result<Vec<(SubjectKind, i32)>> {
    if subject.terms.is_empty() || kinds.is_empty() {
        return Ok(Vec::new());
    }
    let index = index.clone();
    let words = subject.terms.clone();
    let kinds: Vec<Kind> = kinds.iter().copied().filter_map(search_kind).collect();
    let found =
        tokio::task::spawn_blocking(move || index.sharing_words(&words, &kinds, TEXT_CANDIDATES))
            .await??;
    Ok(found
        .into_iter()
        .filter_map(|(kind, id)| subject_kind(kind).map(|kind| (kind, id)))
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
    let wanted = gather(db, index, subject, role, kinds).await?;
    Ok(score_all(db, subject, role, wanted, places, keep).await?)
}

/// The ids of the candidates of each kind (see the module documentation).
pub async fn gather<C: ConnectionTrait>(
    db: &C,
    index: &Arc<SearchIndex>,
    subject: &Profile,
    role: Role,
    kinds: &[SubjectKind],
) -> anyhow::Result<HashMap<SubjectKind, BTreeSet<i32>>> {
    let tiers = occupation_tiers(db, subject).await?;
    let mut wanted: HashMap<SubjectKind, BTreeSet<i32>> = HashMap::new();
    for kind in kinds {
        let ids = occupation_candidates(db, *kind, &tiers).await?;
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
            let courses = newest_courses(
                db,
                Expr::col("certificate_id").is_in(asked),
                OCCUPATION_CANDIDATES,
            )
            .await?;
            wanted
                .entry(SubjectKind::TrainingCourse)
                .or_default()
                .extend(courses);
        }
    }
    Ok(wanted)
}

/// Loads the candidates' profiles and scores them, best first.
pub async fn score_all<C: ConnectionTrait>(
    db: &C,
    subject: &Profile,
    role: Role,
    wanted: HashMap<SubjectKind, BTreeSet<i32>>,
    places: &HashMap<i32, Place>,
    keep: &(dyn Fn(&Profile) -> bool + Sync),
) -> Result<Vec<Scored>, DbErr> {
    let mut scored = Vec::new();
    for (kind, ids) in wanted {
        let ids: Vec<i32> = ids.into_iter().collect();
        // Candidates on the demand side are scored on their key terms.
        let candidates = profiles::of_kind(db, kind, &ids, places, role == Role::Supply).await?;
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
