//! How each searchable row becomes a search document: title, body, the
//! structured names it is found by, and its facet values.

use std::collections::{BTreeSet, HashMap};

use entity::{
    apprenticeship_offer, catalogue_entry, certificate, certificate_catalogue_entry,
    certificate_occupation, college, demand_posting, enterprise,
    enums::{CatalogueLevel, CourseKind, EducationRequirement, OfferKind, PostingStatus},
    industry_association, occupation, offer_occupation, posting_certificate, posting_occupation,
    program, program_certificate, program_occupation, region, training_course,
};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use search::{IndexChange, Kind, SearchDoc};

use crate::relations::{links_of, rows_by_id};

/// The education facet value of a catalogue level.
fn catalogue_education(level: CatalogueLevel) -> &'static str {
    match level {
        CatalogueLevel::VocationalSecondary => "SENIOR_SECONDARY",
        CatalogueLevel::VocationalAssociate => "ASSOCIATE",
        CatalogueLevel::VocationalBachelor => "BACHELOR",
    }
}

fn catalogue_level_label(level: CatalogueLevel) -> &'static str {
    match level {
        CatalogueLevel::VocationalSecondary => "中职 中等职业教育",
        CatalogueLevel::VocationalAssociate => "高职 高职专科 高等职业教育专科",
        CatalogueLevel::VocationalBachelor => "职业本科 高等职业教育本科",
    }
}

/// The education facet value of a posting's requirement.
pub fn education_value(level: EducationRequirement) -> &'static str {
    match level {
        EducationRequirement::Any => "ANY",
        EducationRequirement::JuniorSecondary => "JUNIOR_SECONDARY",
        EducationRequirement::SeniorSecondary => "SENIOR_SECONDARY",
        EducationRequirement::Associate => "ASSOCIATE",
        EducationRequirement::Bachelor => "BACHELOR",
        EducationRequirement::Master => "MASTER",
        EducationRequirement::Doctorate => "DOCTORATE",
    }
}

/// Regions by id with their codes and names, and their parents' codes, so
/// that filtering by 吉林市 finds everything in its districts.
struct Regions(HashMap<i32, region::Model>);

impl Regions {
    async fn load<C: ConnectionTrait>(db: &C) -> Result<Self, DbErr> {
        Ok(Self(
            region::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|r| (r.id, r))
                .collect(),
        ))
    }

    fn codes(&self, id: Option<i32>) -> Vec<String> {
        let mut codes = Vec::new();
        let mut next = id;
        while let Some(region) = next.and_then(|id| self.0.get(&id)) {
            codes.push(region.code.clone());
            next = region.parent_id.filter(|parent| Some(*parent) != next);
            if codes.len() > 4 {
                break;
            }
        }
        codes
    }

    fn name(&self, id: Option<i32>) -> Option<String> {
        id.and_then(|id| self.0.get(&id)).map(|r| r.name.clone())
    }
}

/// Occupations of many owners, with the names they are found by.
struct Occupations(HashMap<i32, occupation::Model>);

impl Occupations {
    async fn load<C: ConnectionTrait>(
        db: &C,
        links: &HashMap<i32, Vec<i32>>,
    ) -> Result<Self, DbErr> {
        let ids: BTreeSet<i32> = links.values().flatten().copied().collect();
        Ok(Self(
            rows_by_id::<occupation::Entity, _>(db, &ids.into_iter().collect::<Vec<_>>()).await?,
        ))
    }

    fn of(&self, links: &HashMap<i32, Vec<i32>>, owner: i32) -> Vec<&occupation::Model> {
        links
            .get(&owner)
            .map(|ids| ids.iter().filter_map(|id| self.0.get(id)).collect())
            .unwrap_or_default()
    }

    fn tags(occupations: &[&occupation::Model]) -> Vec<String> {
        occupations
            .iter()
            .flat_map(|o| [o.name.clone(), o.minor_name.clone(), o.code.clone()])
            .collect()
    }

    fn majors(occupations: &[&occupation::Model]) -> Vec<String> {
        occupations.iter().map(|o| o.major_code.clone()).collect()
    }
}

async fn names_by_id<E, C>(
    db: &C,
    ids: impl Iterator<Item = i32>,
    name: fn(&E::Model) -> String,
) -> Result<HashMap<i32, String>, DbErr>
where
    E: crate::relations::Keyed,
    C: ConnectionTrait,
{
    let ids: BTreeSet<i32> = ids.collect();
    let rows = rows_by_id::<E, _>(db, &ids.into_iter().collect::<Vec<_>>()).await?;
    Ok(rows.iter().map(|(id, row)| (*id, name(row))).collect())
}

fn found<T>(
    ids: &[i32],
    rows: &HashMap<i32, T>,
    kind: Kind,
    mut build: impl FnMut(&T) -> SearchDoc,
) -> Vec<IndexChange> {
    ids.iter()
        .map(|id| match rows.get(id) {
            Some(row) => IndexChange::Upsert(build(row)),
            None => IndexChange::Delete(kind, *id),
        })
        .collect()
}

/// The index changes for these rows of a change-log entity: an upsert for
/// each row that exists, a delete for each that does not. Entities the
/// index does not hold give no changes.
pub async fn changes_for<C: ConnectionTrait>(
    db: &C,
    entity: &str,
    ids: &[i32],
) -> Result<Vec<IndexChange>, DbErr> {
    let Some(kind) = Kind::from_name(entity) else {
        return Ok(Vec::new());
    };
    match kind {
        Kind::DemandPosting => postings(db, ids).await,
        Kind::ApprenticeshipOffer => offers(db, ids).await,
        Kind::Program => programs(db, ids).await,
        Kind::CatalogueEntry => catalogue(db, ids).await,
        Kind::Occupation => occupations(db, ids).await,
        Kind::Certificate => certificates(db, ids).await,
        Kind::TrainingCourse => courses(db, ids).await,
    }
}

async fn postings<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<Vec<IndexChange>, DbErr> {
    let rows = rows_by_id::<demand_posting::Entity, _>(db, ids).await?;
    let regions = Regions::load(db).await?;
    let occupation_links = links_of::<posting_occupation::Entity, _>(db, ids).await?;
    let occupations = Occupations::load(db, &occupation_links).await?;
    let certificate_links = links_of::<posting_certificate::Entity, _>(db, ids).await?;
    let certificates = names_by_id::<certificate::Entity, _>(
        db,
        certificate_links.values().flatten().copied(),
        |c| c.name.clone(),
    )
    .await?;
    let associations = names_by_id::<industry_association::Entity, _>(
        db,
        rows.values().map(|p| p.association_id),
        |a| a.name.clone(),
    )
    .await?;
    let enterprises = names_by_id::<enterprise::Entity, _>(
        db,
        rows.values().filter_map(|p| p.enterprise_id),
        |e| e.name.clone(),
    )
    .await?;
    Ok(found(ids, &rows, Kind::DemandPosting, |posting| {
        let linked = occupations.of(&occupation_links, posting.id);
        let mut tags: Vec<String> =
            serde_json::from_value(posting.skills.clone()).unwrap_or_default();
        tags.extend(Occupations::tags(&linked));
        tags.extend(
            certificate_links
                .get(&posting.id)
                .into_iter()
                .flatten()
                .filter_map(|id| certificates.get(id).cloned()),
        );
        tags.extend(associations.get(&posting.association_id).cloned());
        tags.extend(
            posting
                .enterprise_id
                .and_then(|id| enterprises.get(&id).cloned()),
        );
        tags.extend(posting.employer_name.clone());
        tags.extend(regions.name(posting.region_id));
        tags.extend(posting.work_location.clone());
        SearchDoc {
            title: posting.title.clone(),
            body: posting.description.clone(),
            tags,
            regions: regions.codes(posting.region_id),
            education: posting
                .education_level
                .map(|l| education_value(l).to_string())
                .into_iter()
                .collect(),
            occupation_majors: Occupations::majors(&linked),
            public: posting.status == PostingStatus::Published,
            ..SearchDoc::new(Kind::DemandPosting, posting.id)
        }
    }))
}

async fn offers<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<Vec<IndexChange>, DbErr> {
    let rows = rows_by_id::<apprenticeship_offer::Entity, _>(db, ids).await?;
    let regions = Regions::load(db).await?;
    let occupation_links = links_of::<offer_occupation::Entity, _>(db, ids).await?;
    let occupations = Occupations::load(db, &occupation_links).await?;
    let enterprises =
        names_by_id::<enterprise::Entity, _>(db, rows.values().map(|o| o.enterprise_id), |e| {
            e.name.clone()
        })
        .await?;
    let colleges = names_by_id::<college::Entity, _>(
        db,
        rows.values().filter_map(|o| o.partner_college_id),
        |c| c.name.clone(),
    )
    .await?;
    Ok(found(ids, &rows, Kind::ApprenticeshipOffer, |offer| {
        let linked = occupations.of(&occupation_links, offer.id);
        let mut tags = Occupations::tags(&linked);
        tags.push(match offer.kind {
            OfferKind::Apprenticeship => "新型学徒制 学徒".to_string(),
            OfferKind::InternshipBase => "生产性实习基地 实习".to_string(),
        });
        tags.extend(enterprises.get(&offer.enterprise_id).cloned());
        tags.extend(
            offer
                .partner_college_id
                .and_then(|id| colleges.get(&id).cloned()),
        );
        tags.extend(regions.name(offer.region_id));
        SearchDoc {
            title: offer.title.clone(),
            body: offer.description.clone(),
            tags,
            regions: regions.codes(offer.region_id),
            occupation_majors: Occupations::majors(&linked),
            ..SearchDoc::new(Kind::ApprenticeshipOffer, offer.id)
        }
    }))
}

async fn programs<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<Vec<IndexChange>, DbErr> {
    let rows = rows_by_id::<program::Entity, _>(db, ids).await?;
    let regions = Regions::load(db).await?;
    let occupation_links = links_of::<program_occupation::Entity, _>(db, ids).await?;
    let occupations = Occupations::load(db, &occupation_links).await?;
    let certificate_links = links_of::<program_certificate::Entity, _>(db, ids).await?;
    let certificates = names_by_id::<certificate::Entity, _>(
        db,
        certificate_links.values().flatten().copied(),
        |c| c.name.clone(),
    )
    .await?;
    let college_ids: Vec<i32> = rows.values().map(|p| p.college_id).collect();
    let colleges = rows_by_id::<college::Entity, _>(db, &college_ids).await?;
    let entry_ids: Vec<i32> = rows.values().filter_map(|p| p.catalogue_entry_id).collect();
    let entries = rows_by_id::<catalogue_entry::Entity, _>(db, &entry_ids).await?;
    Ok(found(ids, &rows, Kind::Program, |program| {
        let linked = occupations.of(&occupation_links, program.id);
        let entry = program.catalogue_entry_id.and_then(|id| entries.get(&id));
        let college = colleges.get(&program.college_id);
        let mut tags = Occupations::tags(&linked);
        tags.extend(
            certificate_links
                .get(&program.id)
                .into_iter()
                .flatten()
                .filter_map(|id| certificates.get(id).cloned()),
        );
        if let Some(entry) = entry {
            tags.extend([
                entry.name.clone(),
                entry.code.clone(),
                entry.category_name.clone(),
            ]);
            tags.extend(entry.class_name.clone());
        }
        tags.extend(college.map(|c| c.name.clone()));
        SearchDoc {
            title: program.name.clone(),
            body: program.description.clone(),
            tags,
            regions: regions.codes(college.and_then(|c| c.region_id)),
            categories: entry.map(|e| e.category_code.clone()).into_iter().collect(),
            education: entry
                .map(|e| catalogue_education(e.education_level).to_string())
                .into_iter()
                .collect(),
            occupation_majors: Occupations::majors(&linked),
            ..SearchDoc::new(Kind::Program, program.id)
        }
    }))
}

async fn catalogue<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<Vec<IndexChange>, DbErr> {
    let rows = rows_by_id::<catalogue_entry::Entity, _>(db, ids).await?;
    Ok(found(ids, &rows, Kind::CatalogueEntry, |entry| {
        let mut tags = vec![
            entry.code.clone(),
            entry.category_name.clone(),
            catalogue_level_label(entry.education_level).to_string(),
        ];
        tags.extend(entry.class_name.clone());
        SearchDoc {
            title: entry.name.clone(),
            tags,
            categories: vec![entry.category_code.clone()],
            education: vec![catalogue_education(entry.education_level).to_string()],
            ..SearchDoc::new(Kind::CatalogueEntry, entry.id)
        }
    }))
}

async fn occupations<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<Vec<IndexChange>, DbErr> {
    let rows = rows_by_id::<occupation::Entity, _>(db, ids).await?;
    Ok(found(ids, &rows, Kind::Occupation, |occupation| {
        SearchDoc {
            title: occupation.name.clone(),
            body: format!("{}\n{}", occupation.definition, occupation.main_tasks),
            tags: vec![
                occupation.code.clone(),
                occupation.minor_name.clone(),
                occupation.medium_name.clone(),
                occupation.major_name.clone(),
            ],
            occupation_majors: vec![occupation.major_code.clone()],
            ..SearchDoc::new(Kind::Occupation, occupation.id)
        }
    }))
}

async fn certificates<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<Vec<IndexChange>, DbErr> {
    let rows = rows_by_id::<certificate::Entity, _>(db, ids).await?;
    let occupation_links = links_of::<certificate_occupation::Entity, _>(db, ids).await?;
    let occupations = Occupations::load(db, &occupation_links).await?;
    let entry_links = links_of::<certificate_catalogue_entry::Entity, _>(db, ids).await?;
    let entry_ids: Vec<i32> = entry_links
        .values()
        .flatten()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let entries = rows_by_id::<catalogue_entry::Entity, _>(db, &entry_ids).await?;
    Ok(found(ids, &rows, Kind::Certificate, |certificate| {
        let linked = occupations.of(&occupation_links, certificate.id);
        let linked_entries: Vec<&catalogue_entry::Model> = entry_links
            .get(&certificate.id)
            .into_iter()
            .flatten()
            .filter_map(|id| entries.get(id))
            .collect();
        let mut tags = Occupations::tags(&linked);
        tags.push(certificate.issuer.clone());
        tags.push("1+X 职业技能等级证书".to_string());
        tags.extend(linked_entries.iter().map(|e| e.name.clone()));
        SearchDoc {
            title: certificate.name.clone(),
            body: certificate.description.clone(),
            tags,
            categories: linked_entries
                .iter()
                .map(|e| e.category_code.clone())
                .collect(),
            occupation_majors: Occupations::majors(&linked),
            ..SearchDoc::new(Kind::Certificate, certificate.id)
        }
    }))
}

async fn courses<C: ConnectionTrait>(db: &C, ids: &[i32]) -> Result<Vec<IndexChange>, DbErr> {
    let rows = rows_by_id::<training_course::Entity, _>(db, ids).await?;
    let regions = Regions::load(db).await?;
    let providers =
        names_by_id::<college::Entity, _>(db, rows.values().map(|c| c.provider_id), |c| {
            c.name.clone()
        })
        .await?;
    let certificates = names_by_id::<certificate::Entity, _>(
        db,
        rows.values().filter_map(|c| c.certificate_id),
        |c| c.name.clone(),
    )
    .await?;
    Ok(found(ids, &rows, Kind::TrainingCourse, |course| {
        let mut tags = vec![match course.kind {
            CourseKind::PracticalTechnology => "实用技术培训".to_string(),
            CourseKind::SkillAppraisal => "技能鉴定培训".to_string(),
            CourseKind::CertificateTraining => "证书培训".to_string(),
        }];
        tags.extend(providers.get(&course.provider_id).cloned());
        tags.extend(
            course
                .certificate_id
                .and_then(|id| certificates.get(&id).cloned()),
        );
        tags.extend(regions.name(course.region_id));
        SearchDoc {
            title: course.title.clone(),
            body: format!("{}\n{}", course.description, course.schedule),
            tags,
            regions: regions.codes(course.region_id),
            ..SearchDoc::new(Kind::TrainingCourse, course.id)
        }
    }))
}
