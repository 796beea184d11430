//! Profiles of stored objects for scoring, loaded in batches: a few
//! queries per kind whatever the number of objects.

use std::collections::{BTreeSet, HashMap};

use entity::{
    apprenticeship_offer, catalogue_entry, college, demand_posting, enterprise,
    enums::LinkProvenance, expert, program, region, teaching_need, training_course,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ConnectionTrait, DbErr, EntityTrait, QuerySelect,
};

use super::{
    score::{OccupationLink, Place, Profile, SubjectKind},
    weights::{catalogue_rank, requirement_rank},
};
use crate::relations::rows_by_id;

/// Most ids in one `IN (...)` list.
const CHUNK: usize = 1_000;
/// Most key terms taken from one demand.
pub const MAX_TERMS: usize = 16;

/// Words too general to tell one demand from another.
const GENERAL_TERMS: &[&str] = &[
    "招聘",
    "急招",
    "诚聘",
    "高薪",
    "岗位",
    "人员",
    "若干",
    "工作",
    "公司",
    "企业",
    "有限",
    "有限公司",
    "要求",
    "优先",
    "以上",
    "经验",
    "负责",
    "相关",
    "能力",
    "熟练",
    "熟悉",
    "专业",
    "学徒",
    "实习",
    "基地",
    "培训",
    "课程",
    "吉林",
    "吉林市",
    "演示",
    "技术",
    "应用",
    "专家",
    "授课",
    "教学",
    "兼职",
];

/// The key terms of a demand: the words (two characters or more, not
/// numbers) of its title and skills, in order, without general words, at
/// most [`MAX_TERMS`].
pub fn key_terms<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut terms = Vec::new();
    for text in texts {
        for token in search::analysis::words(text) {
            let term = token.text;
            // Numbers (years, counts, codes) say nothing of the work.
            if term.chars().count() < 2
                || term.chars().all(|c| c.is_ascii_digit())
                || GENERAL_TERMS.contains(&term.as_str())
            {
                continue;
            }
            if seen.insert(term.clone()) {
                terms.push(term);
            }
            if terms.len() == MAX_TERMS {
                return terms;
            }
        }
    }
    terms
}

/// Every region with the region at the top of its tree.
pub async fn places<C: ConnectionTrait>(db: &C) -> Result<HashMap<i32, Place>, DbErr> {
    let regions: HashMap<i32, Option<i32>> = region::Entity::find()
        .select_only()
        .column(region::Column::Id)
        .column(region::Column::ParentId)
        .into_tuple::<(i32, Option<i32>)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let root = |mut id: i32| {
        for _ in 0..16 {
            match regions.get(&id).copied().flatten() {
                Some(parent) => id = parent,
                None => break,
            }
        }
        id
    };
    Ok(regions
        .keys()
        .map(|id| {
            (
                *id,
                Place {
                    region_id: *id,
                    root_id: root(*id),
                },
            )
        })
        .collect())
}

/// Per owner, the occupations linked in `table` (all provenances).
pub async fn occupation_links<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
    owner_column: &'static str,
    owners: &[i32],
) -> Result<HashMap<i32, Vec<OccupationLink>>, DbErr> {
    // The links first, then their occupations: as one join, SQLite may walk
    // every occupation and probe the link table once per owner listed,
    // which costs owners × 1,605 probes (half a second for 1,000 owners).
    let mut rows: Vec<(i32, i32, String, Option<f64>)> = Vec::new();
    for chunk in owners.chunks(CHUNK) {
        let select = Query::select()
            .column(owner_column)
            .column("occupation_id")
            .column("provenance")
            .column("confidence")
            .from(table)
            .and_where(Expr::col(owner_column).is_in(chunk.iter().copied()))
            .take();
        for row in db.query_all(&select).await? {
            rows.push((
                row.try_get_by_index(0)?,
                row.try_get_by_index(1)?,
                row.try_get_by_index(2)?,
                row.try_get_by_index(3)?,
            ));
        }
    }
    let mut wanted: Vec<i32> = rows.iter().map(|row| row.1).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut codes: HashMap<i32, (String, String, String)> = HashMap::with_capacity(wanted.len());
    for chunk in wanted.chunks(CHUNK) {
        let select = Query::select()
            .column("id")
            .column("code")
            .column("minor_code")
            .column("medium_code")
            .from("occupation")
            .and_where(Expr::col("id").is_in(chunk.iter().copied()))
            .take();
        for row in db.query_all(&select).await? {
            codes.insert(
                row.try_get_by_index(0)?,
                (
                    row.try_get_by_index(1)?,
                    row.try_get_by_index(2)?,
                    row.try_get_by_index(3)?,
                ),
            );
        }
    }
    let mut links: HashMap<i32, Vec<OccupationLink>> = HashMap::new();
    for (owner, occupation_id, provenance, confidence) in rows {
        let Some((code, minor_code, medium_code)) = codes.get(&occupation_id) else {
            continue;
        };
        links.entry(owner).or_default().push(OccupationLink {
            occupation_id,
            code: code.clone(),
            minor_code: minor_code.clone(),
            medium_code: medium_code.clone(),
            provenance: parse_provenance(&provenance),
            confidence,
        });
    }
    for list in links.values_mut() {
        list.sort_by(|a, b| a.code.cmp(&b.code));
    }
    Ok(links)
}

fn parse_provenance(value: &str) -> LinkProvenance {
    match value {
        "SUGGESTED" => LinkProvenance::Suggested,
        "CONFIRMED" => LinkProvenance::Confirmed,
        "IMPORTED" => LinkProvenance::Imported,
        _ => LinkProvenance::Declared,
    }
}

/// Per owner, the targets of a link table (the owner's links only).
async fn targets<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
    owner_column: &'static str,
    target_column: &'static str,
    owners: &[i32],
) -> Result<HashMap<i32, Vec<i32>>, DbErr> {
    let mut links: HashMap<i32, Vec<i32>> = HashMap::new();
    for chunk in owners.chunks(CHUNK) {
        let select = Query::select()
            .column(owner_column)
            .column(target_column)
            .from(table)
            .and_where(Expr::col(owner_column).is_in(chunk.iter().copied()))
            .and_where(Expr::col("provenance").ne("SUGGESTED"))
            .take();
        for row in db.query_all(&select).await? {
            links
                .entry(row.try_get_by_index(0)?)
                .or_default()
                .push(row.try_get_by_index(1)?);
        }
    }
    Ok(links)
}

/// Per owner, its occupation links (all provenances) and its
/// certificates (the owner's links only), from the two link tables of a
/// kind: `(occupation table, certificate table)`.
#[allow(clippy::type_complexity)]
async fn occupations_and_certificates<C: ConnectionTrait>(
    db: &C,
    (occupation_table, certificate_table): (&'static str, &'static str),
    owner_column: &'static str,
    owners: &[i32],
) -> Result<(HashMap<i32, Vec<OccupationLink>>, HashMap<i32, Vec<i32>>), DbErr> {
    Ok((
        occupation_links(db, occupation_table, owner_column, owners).await?,
        targets(
            db,
            certificate_table,
            owner_column,
            "certificate_id",
            owners,
        )
        .await?,
    ))
}

fn lowercase_text(parts: &[&str]) -> String {
    parts.join("\n").to_lowercase()
}

fn skills_of(posting: &demand_posting::Model) -> Vec<String> {
    serde_json::from_value(posting.skills.clone()).unwrap_or_default()
}

/// Profiles of demand postings.
pub async fn postings<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
    places: &HashMap<i32, Place>,
) -> Result<HashMap<i32, Profile>, DbErr> {
    let rows = rows_by_id::<demand_posting::Entity, _>(db, ids).await?;
    let ids: Vec<i32> = rows.keys().copied().collect();
    let (mut occupations, mut certificates) = occupations_and_certificates(
        db,
        ("posting_occupation", "posting_certificate"),
        "posting_id",
        &ids,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, posting)| {
            let skills = skills_of(&posting);
            let mut texts: Vec<&str> = vec![&posting.title];
            texts.extend(skills.iter().map(String::as_str));
            let terms = key_terms(texts.iter().copied());
            texts.push(&posting.description);
            (
                id,
                Profile {
                    kind: SubjectKind::DemandPosting,
                    id,
                    text: lowercase_text(&texts),
                    terms,
                    occupations: occupations.remove(&id).unwrap_or_default(),
                    certificates: Some(certificates.remove(&id).unwrap_or_default()),
                    place: posting.region_id.and_then(|r| places.get(&r).copied()),
                    education_rank: posting.education_level.map(requirement_rank),
                    capacity: posting.headcount,
                    open: posting.status == entity::enums::PostingStatus::Published
                        && posting
                            .valid_until
                            .is_none_or(|until| until >= chrono::Utc::now().date_naive()),
                },
            )
        })
        .collect())
}

/// Profiles of programs: the college's region, the catalogue level.
pub async fn programs<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
    places: &HashMap<i32, Place>,
    with_terms: bool,
) -> Result<HashMap<i32, Profile>, DbErr> {
    let rows = rows_by_id::<program::Entity, _>(db, ids).await?;
    let ids: Vec<i32> = rows.keys().copied().collect();
    let college_ids: Vec<i32> = rows.values().map(|p| p.college_id).collect();
    let colleges = rows_by_id::<college::Entity, _>(db, &college_ids).await?;
    let entry_ids: Vec<i32> = rows.values().filter_map(|p| p.catalogue_entry_id).collect();
    let entries = rows_by_id::<catalogue_entry::Entity, _>(db, &entry_ids).await?;
    let (mut occupations, mut certificates) = occupations_and_certificates(
        db,
        ("program_occupation", "program_certificate"),
        "program_id",
        &ids,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, program)| {
            let entry = program.catalogue_entry_id.and_then(|e| entries.get(&e));
            let entry_name = entry.map(|e| e.name.as_str()).unwrap_or_default();
            let region_id = colleges.get(&program.college_id).and_then(|c| c.region_id);
            (
                id,
                Profile {
                    kind: SubjectKind::Program,
                    id,
                    text: lowercase_text(&[&program.name, entry_name, &program.description]),
                    terms: supply_terms(with_terms, &program.name),
                    occupations: occupations.remove(&id).unwrap_or_default(),
                    certificates: Some(certificates.remove(&id).unwrap_or_default()),
                    place: region_id.and_then(|r| places.get(&r).copied()),
                    education_rank: entry.map(|e| catalogue_rank(e.education_level)),
                    capacity: program.graduates_per_year,
                    open: true,
                },
            )
        })
        .collect())
}

/// Profiles of apprenticeship offers: no certificates, no education level.
pub async fn offers<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
    places: &HashMap<i32, Place>,
    with_terms: bool,
) -> Result<HashMap<i32, Profile>, DbErr> {
    let rows = rows_by_id::<apprenticeship_offer::Entity, _>(db, ids).await?;
    let ids: Vec<i32> = rows.keys().copied().collect();
    let mut occupations = occupation_links(db, "offer_occupation", "offer_id", &ids).await?;
    Ok(rows
        .into_iter()
        .map(|(id, offer)| {
            (
                id,
                Profile {
                    kind: SubjectKind::ApprenticeshipOffer,
                    id,
                    text: lowercase_text(&[&offer.title, &offer.description]),
                    terms: supply_terms(with_terms, &offer.title),
                    occupations: occupations.remove(&id).unwrap_or_default(),
                    certificates: None,
                    place: offer.region_id.and_then(|r| places.get(&r).copied()),
                    education_rank: None,
                    capacity: Some(offer.places),
                    open: true,
                },
            )
        })
        .collect())
}

/// Profiles of training courses: occupations through the certificate the
/// course prepares for; region of the course or else of its provider.
pub async fn courses<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
    places: &HashMap<i32, Place>,
    with_terms: bool,
) -> Result<HashMap<i32, Profile>, DbErr> {
    let rows = rows_by_id::<training_course::Entity, _>(db, ids).await?;
    let provider_ids: Vec<i32> = rows.values().map(|c| c.provider_id).collect();
    let providers = rows_by_id::<college::Entity, _>(db, &provider_ids).await?;
    let certificate_ids: Vec<i32> = rows.values().filter_map(|c| c.certificate_id).collect();
    let certificate_occupations = occupation_links(
        db,
        "certificate_occupation",
        "certificate_id",
        &certificate_ids,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, course)| {
            let region_id = course
                .region_id
                .or_else(|| providers.get(&course.provider_id).and_then(|p| p.region_id));
            (
                id,
                Profile {
                    kind: SubjectKind::TrainingCourse,
                    id,
                    text: lowercase_text(&[&course.title, &course.description]),
                    terms: supply_terms(with_terms, &course.title),
                    occupations: course
                        .certificate_id
                        .and_then(|c| certificate_occupations.get(&c).cloned())
                        .unwrap_or_default(),
                    certificates: Some(course.certificate_id.into_iter().collect()),
                    place: region_id.and_then(|r| places.get(&r).copied()),
                    education_rank: None,
                    capacity: Some(course.capacity),
                    open: true,
                },
            )
        })
        .collect())
}

/// Profiles of objects of one kind. `with_terms`: whether programs, offers
/// and courses get their key terms, which they need as the subject of a
/// match (it searches the index with them) or on its demand side (an offer
/// matched with programs); a supply candidate's text is searched for the
/// demand's terms instead. Postings always get them.
pub async fn of_kind<C: ConnectionTrait>(
    db: &C,
    kind: SubjectKind,
    ids: &[i32],
    places: &HashMap<i32, Place>,
    with_terms: bool,
) -> Result<HashMap<i32, Profile>, DbErr> {
    match kind {
        SubjectKind::DemandPosting => postings(db, ids, places).await,
        SubjectKind::Program => programs(db, ids, places, with_terms).await,
        SubjectKind::ApprenticeshipOffer => offers(db, ids, places, with_terms).await,
        SubjectKind::TrainingCourse => courses(db, ids, places, with_terms).await,
        SubjectKind::TeachingNeed => needs(db, ids, places).await,
        SubjectKind::Expert => experts(db, ids, places).await,
    }
}

/// Profiles of teaching needs: the demand side of the expert pool. Key
/// terms from the title and topics; the college's region; the hours asked
/// for as capacity; open while published and not past its period.
pub async fn needs<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
    places: &HashMap<i32, Place>,
) -> Result<HashMap<i32, Profile>, DbErr> {
    let rows = rows_by_id::<teaching_need::Entity, _>(db, ids).await?;
    let ids: Vec<i32> = rows.keys().copied().collect();
    let program_ids: Vec<i32> = rows.values().map(|n| n.program_id).collect();
    let programs = rows_by_id::<program::Entity, _>(db, &program_ids).await?;
    let college_ids: Vec<i32> = programs.values().map(|p| p.college_id).collect();
    let colleges = rows_by_id::<college::Entity, _>(db, &college_ids).await?;
    let (mut occupations, mut certificates) = occupations_and_certificates(
        db,
        ("teaching_need_occupation", "teaching_need_certificate"),
        "need_id",
        &ids,
    )
    .await?;
    let today = chrono::Utc::now().date_naive();
    Ok(rows
        .into_iter()
        .map(|(id, need)| {
            let topics: Vec<String> =
                serde_json::from_value(need.topics.clone()).unwrap_or_default();
            let mut texts: Vec<&str> = vec![&need.title];
            texts.extend(topics.iter().map(String::as_str));
            let terms = key_terms(texts.iter().copied());
            texts.push(&need.description);
            let region_id = programs
                .get(&need.program_id)
                .and_then(|p| colleges.get(&p.college_id))
                .and_then(|c| c.region_id);
            (
                id,
                Profile {
                    kind: SubjectKind::TeachingNeed,
                    id,
                    text: lowercase_text(&texts),
                    terms,
                    occupations: occupations.remove(&id).unwrap_or_default(),
                    certificates: Some(certificates.remove(&id).unwrap_or_default()),
                    place: region_id.and_then(|r| places.get(&r).copied()),
                    education_rank: None,
                    capacity: Some(need.hours),
                    open: need.status == entity::enums::TeachingNeedStatus::Open
                        && need.period_end >= today,
                },
            )
        })
        .collect())
}

/// Profiles of experts: the supply side of the expert pool. Text from the
/// post, skills and professional title; the enterprise's region; capacity
/// is left for each need (hours the expert can give in its period, see
/// `super::experts`); open while available.
pub async fn experts<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
    places: &HashMap<i32, Place>,
) -> Result<HashMap<i32, Profile>, DbErr> {
    let rows = rows_by_id::<expert::Entity, _>(db, ids).await?;
    let ids: Vec<i32> = rows.keys().copied().collect();
    let enterprise_ids: Vec<i32> = rows.values().map(|e| e.enterprise_id).collect();
    let enterprises = rows_by_id::<enterprise::Entity, _>(db, &enterprise_ids).await?;
    let (mut occupations, mut certificates) = occupations_and_certificates(
        db,
        ("expert_occupation", "expert_certificate"),
        "expert_id",
        &ids,
    )
    .await?;
    let today = chrono::Utc::now().date_naive();
    Ok(rows
        .into_iter()
        .map(|(id, expert)| {
            let skills: Vec<String> =
                serde_json::from_value(expert.skills.clone()).unwrap_or_default();
            let mut texts: Vec<&str> = vec![&expert.job_title, &expert.professional_title];
            texts.extend(skills.iter().map(String::as_str));
            let region_id = enterprises
                .get(&expert.enterprise_id)
                .and_then(|e| e.region_id);
            (
                id,
                Profile {
                    kind: SubjectKind::Expert,
                    id,
                    text: lowercase_text(&texts),
                    terms: Vec::new(),
                    occupations: occupations.remove(&id).unwrap_or_default(),
                    certificates: Some(certificates.remove(&id).unwrap_or_default()),
                    place: region_id.and_then(|r| places.get(&r).copied()),
                    education_rank: None,
                    capacity: None,
                    open: expert.available_until.is_none_or(|until| until >= today),
                },
            )
        })
        .collect())
}

/// The key terms of a title, when asked for.
fn supply_terms(with_terms: bool, title: &str) -> Vec<String> {
    if with_terms {
        key_terms([title])
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::key_terms;

    #[test]
    fn key_terms_leave_out_numbers_short_and_general_words() {
        let terms = key_terms(["招聘2026届数控车工 5名", "熟悉 PLC 编程"]);
        assert!(terms.contains(&"数控".to_string()), "{terms:?}");
        assert!(terms.contains(&"plc".to_string()), "{terms:?}");
        assert!(
            terms
                .iter()
                .all(|t| t.chars().count() >= 2 && !t.chars().all(|c| c.is_ascii_digit())),
            "{terms:?}"
        );
        assert!(!terms.contains(&"招聘".to_string()), "{terms:?}");
        assert!(!terms.contains(&"熟悉".to_string()), "{terms:?}");
    }
}
