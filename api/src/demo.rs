//! The Jilin City demo dataset (`api/demo/jilin.json`), loaded on first
//! start into an empty database. Its organisations, programs, postings,
//! offers and courses are invented and named as demo content; the
//! catalogue codes, occupation codes and certificate names it uses are
//! real. Writes go through the services, so the demo is validated like any
//! user input and lands in the change log.

use std::collections::HashMap;

use anyhow::{anyhow, Context};
use chrono::NaiveDate;
use entity::{
    certificate, college, enterprise,
    enums::{
        ChangeOperation, CollegeLevel, CollegeOwnership, ContestLevel, ContestOrganiser,
        CourseKind, EducationAttained, EducationRequirement, EnterpriseSize, ExpertKind, OfferKind,
        OutreachKind, Participation, Prize, RecordSource, TeachingNeedKind, TeachingNeedStatus,
        TokenRole, VocationalSkillLevel,
    },
    industry_association, region,
};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, PaginatorTrait, Set,
};
use serde::Deserialize;

use crate::access::Actor;
use crate::services::{
    self, courses::CourseDraft, offers::OfferDraft, postings::PostingDraft, programs::ProgramDraft,
    write::lock_named, ServiceError, Write,
};

const DEMO: &str = include_str!("../demo/jilin.json");

#[derive(Deserialize)]
struct Demo {
    certificates: Vec<DemoCertificate>,
    associations: Vec<DemoAssociation>,
    enterprises: Vec<DemoEnterprise>,
    colleges: Vec<DemoCollege>,
    programs: Vec<DemoProgram>,
    postings: Vec<DemoPosting>,
    offers: Vec<DemoOffer>,
    courses: Vec<DemoCourse>,
    outreach: Vec<DemoActivity>,
    contests: Vec<DemoContest>,
    contest_people: Vec<DemoPerson>,
    awards: Vec<DemoAward>,
    experts: Vec<DemoExpert>,
    teaching_needs: Vec<DemoNeed>,
}

#[derive(Deserialize)]
struct DemoExpert {
    enterprise: String,
    name: String,
    kind: ExpertKind,
    job_title: String,
    education: EducationAttained,
    skill_level: VocationalSkillLevel,
    professional_title: String,
    high_professional_title: bool,
    enterprise_years: i32,
    skills: Vec<String>,
    teaches: bool,
    builds_courses: bool,
    hours_per_week: i32,
    available_from: Option<NaiveDate>,
    available_until: Option<NaiveDate>,
    availability_note: String,
    phone: String,
    email: String,
    occupation_codes: Vec<String>,
    certificates: Vec<String>,
    share_with: Vec<String>,
}

#[derive(Deserialize)]
struct DemoNeed {
    college: String,
    /// The program's catalogue code, or its name when it has none.
    program: String,
    kind: TeachingNeedKind,
    title: String,
    topics: Vec<String>,
    description: String,
    hours: i32,
    period_start: NaiveDate,
    period_end: NaiveDate,
    occupation_codes: Vec<String>,
    certificates: Vec<String>,
}

#[derive(Deserialize)]
struct DemoActivity {
    college: String,
    kind: OutreachKind,
    title: String,
    held_on: NaiveDate,
    participants: i32,
}

#[derive(Deserialize)]
struct DemoContest {
    name: String,
    event: String,
    year: i32,
    level: ContestLevel,
    organiser: ContestOrganiser,
}

#[derive(Deserialize)]
struct DemoPerson {
    name: String,
    college: String,
    identity: String,
}

#[derive(Deserialize)]
struct DemoWinner {
    identity: String,
    participation: Participation,
}

#[derive(Deserialize)]
struct DemoAward {
    /// Index into `contests`.
    contest: usize,
    prize: Prize,
    awarded_on: NaiveDate,
    winners: Vec<DemoWinner>,
}

#[derive(Deserialize)]
struct DemoCertificate {
    name: String,
    issuer: String,
    levels: Vec<String>,
    description: String,
    catalogue_codes: Vec<String>,
    occupation_codes: Vec<String>,
}

#[derive(Deserialize)]
struct DemoAssociation {
    name: String,
    sector: String,
    region: String,
    description: String,
}

#[derive(Deserialize)]
struct DemoEnterprise {
    name: String,
    industry: String,
    region: String,
    size: EnterpriseSize,
    association: String,
    description: String,
}

#[derive(Deserialize)]
struct DemoCollege {
    name: String,
    level: CollegeLevel,
    ownership: CollegeOwnership,
    region: String,
    description: String,
}

#[derive(Deserialize)]
struct DemoProgram {
    college: String,
    catalogue_code: Option<String>,
    name: String,
    enrolment_plan: Option<i32>,
    graduates_per_year: Option<i32>,
    description: String,
    certificates: Vec<String>,
    occupation_codes: Vec<String>,
}

#[derive(Deserialize)]
struct DemoPosting {
    association: String,
    enterprise: Option<String>,
    title: String,
    description: String,
    headcount: Option<i32>,
    region: String,
    education_level: Option<EducationRequirement>,
    salary_min: Option<i32>,
    salary_max: Option<i32>,
    skills: Vec<String>,
    occupation_codes: Vec<String>,
    certificates: Vec<String>,
    valid_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    publish: bool,
}

#[derive(Deserialize)]
struct DemoOffer {
    enterprise: String,
    kind: OfferKind,
    title: String,
    description: String,
    places: i32,
    duration_months: i32,
    monthly_stipend: Option<i32>,
    partner_college: Option<String>,
    region: String,
    cooperation_start: NaiveDate,
    cooperation_end: NaiveDate,
    occupation_codes: Vec<String>,
}

#[derive(Deserialize)]
struct DemoCourse {
    provider: String,
    title: String,
    description: String,
    kind: CourseKind,
    certificate: Option<String>,
    hours: i32,
    capacity: i32,
    fee: i32,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    schedule: String,
    region: String,
}

/// Names → ids of what the demo has written so far.
struct Ids(HashMap<String, i32>);

impl Ids {
    fn get(&self, kind: &str, name: &str) -> anyhow::Result<i32> {
        self.0
            .get(&format!("{kind}:{name}"))
            .copied()
            .ok_or_else(|| anyhow!("demo data names an unknown {kind} `{name}`"))
    }

    fn all(&self, kind: &str, names: &[String]) -> anyhow::Result<Vec<i32>> {
        names.iter().map(|name| self.get(kind, name)).collect()
    }

    fn optional(&self, kind: &str, name: Option<&String>) -> anyhow::Result<Option<i32>> {
        name.map(|name| self.get(kind, name)).transpose()
    }

    fn insert(&mut self, kind: &str, name: &str, id: i32) {
        self.0.insert(format!("{kind}:{name}"), id);
    }
}

fn service(what: &str, result: Result<impl Sized, ServiceError>) -> anyhow::Result<()> {
    match result {
        Ok(_) => Ok(()),
        Err(ServiceError::Invalid(errors)) => Err(anyhow!("demo {what} is invalid: {errors:?}")),
        Err(ServiceError::Refused(refusal)) => Err(anyhow!("demo {what} was refused: {refusal}")),
        Err(ServiceError::Database(error)) => {
            Err(anyhow!(error).context(format!("cannot write demo {what}")))
        }
    }
}

/// Key of the lock that serialises demo loads of hub processes starting
/// together on one PostgreSQL database.
const DEMO_LOCK: i64 = 0x6875_625f_6465_6d6f; // "hub_demo"

/// Loads the demo when the database holds no organisations and no
/// postings. Returns whether it loaded. The check and the load are one
/// transaction: a crash midway leaves no half demo, and of several hub
/// processes starting together on one empty database exactly one loads it.
pub async fn load_if_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    let mut write = services::begin(db).await?;
    lock_named(write.db(), DEMO_LOCK).await?;
    let associations = industry_association::Entity::find()
        .count(write.db())
        .await?;
    let postings = entity::demand_posting::Entity::find()
        .count(write.db())
        .await?;
    if associations > 0 || postings > 0 {
        return Ok(false);
    }
    load_into(&mut write).await?;
    write.commit().await?;
    Ok(true)
}

/// Loads the demo dataset in one transaction.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<()> {
    let mut write = services::begin(db).await?;
    load_into(&mut write).await?;
    write.commit().await?;
    Ok(())
}

async fn load_into(write: &mut Write<DatabaseTransaction>) -> anyhow::Result<()> {
    let demo: Demo = serde_json::from_str(DEMO).context("the demo dataset is not valid JSON")?;
    let mut ids = Ids(HashMap::new());
    for row in region::Entity::find().all(write.db()).await? {
        ids.insert("region", &row.code, row.id);
    }
    // Catalogue entries and occupations come from the built-in reference
    // tables, loaded with the migrations.
    for row in entity::catalogue_entry::Entity::find()
        .all(write.db())
        .await?
    {
        ids.insert("catalogue", &row.code, row.id);
    }
    for row in entity::occupation::Entity::find().all(write.db()).await? {
        ids.insert("occupation", &row.code, row.id);
    }
    for item in &demo.certificates {
        let saved = certificate::ActiveModel {
            name: Set(item.name.clone()),
            issuer: Set(item.issuer.clone()),
            levels: Set(serde_json::json!(item.levels)),
            description: Set(item.description.clone()),
            ..Default::default()
        }
        .insert(write.db())
        .await?;
        ids.insert("certificate", &item.name, saved.id);
        let entries = item
            .catalogue_codes
            .iter()
            .map(|c| ids.get("catalogue", c))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let occupations = item
            .occupation_codes
            .iter()
            .map(|c| ids.get("occupation", c))
            .collect::<anyhow::Result<Vec<_>>>()?;
        services::replace_links(
            write.db(),
            "certificate_catalogue_entry",
            "certificate_id",
            "catalogue_entry_id",
            saved.id,
            &entries,
        )
        .await?;
        services::replace_links(
            write.db(),
            "certificate_occupation",
            "certificate_id",
            "occupation_id",
            saved.id,
            &occupations,
        )
        .await?;
        write.record("Certificate", saved.id, ChangeOperation::Create);
    }
    for item in &demo.associations {
        let saved = industry_association::ActiveModel {
            name: Set(item.name.clone()),
            sector: Set(item.sector.clone()),
            region_id: Set(Some(ids.get("region", &item.region)?)),
            description: Set(item.description.clone()),
            ..Default::default()
        }
        .insert(write.db())
        .await?;
        ids.insert("association", &item.name, saved.id);
        write.record("IndustryAssociation", saved.id, ChangeOperation::Create);
    }
    for item in &demo.enterprises {
        let saved = enterprise::ActiveModel {
            name: Set(item.name.clone()),
            industry: Set(item.industry.clone()),
            region_id: Set(Some(ids.get("region", &item.region)?)),
            size: Set(item.size),
            association_id: Set(Some(ids.get("association", &item.association)?)),
            description: Set(item.description.clone()),
            ..Default::default()
        }
        .insert(write.db())
        .await?;
        ids.insert("enterprise", &item.name, saved.id);
        write.record("Enterprise", saved.id, ChangeOperation::Create);
    }
    for item in &demo.colleges {
        let saved = college::ActiveModel {
            name: Set(item.name.clone()),
            level: Set(item.level),
            ownership: Set(item.ownership),
            region_id: Set(Some(ids.get("region", &item.region)?)),
            description: Set(item.description.clone()),
            ..Default::default()
        }
        .insert(write.db())
        .await?;
        ids.insert("college", &item.name, saved.id);
        write.record("College", saved.id, ChangeOperation::Create);
    }

    let mut programs = HashMap::new();
    for item in &demo.programs {
        let draft = ProgramDraft {
            college_id: ids.get("college", &item.college)?,
            catalogue_code: item.catalogue_code.clone(),
            name: item.name.clone(),
            enrolment_plan: item.enrolment_plan,
            graduates_per_year: item.graduates_per_year,
            description: item.description.clone(),
            certificate_ids: ids.all("certificate", &item.certificates)?,
            occupation_codes: item.occupation_codes.clone(),
        };
        let key = format!(
            "{}/{}",
            item.college,
            item.catalogue_code.as_deref().unwrap_or(&item.name)
        );
        match services::programs::create(write.db(), &Actor::System, draft, RecordSource::Demo)
            .await
        {
            Ok(program) => {
                programs.insert(key, program.id);
            }
            Err(error) => service("program", Err::<(), _>(error))?,
        }
    }
    for item in &demo.postings {
        let draft = PostingDraft {
            association_id: ids.get("association", &item.association)?,
            enterprise_id: ids.optional("enterprise", item.enterprise.as_ref())?,
            employer_name: None,
            title: item.title.clone(),
            description: item.description.clone(),
            headcount: item.headcount,
            region_id: Some(ids.get("region", &item.region)?),
            work_location: None,
            education_level: item.education_level,
            salary_min: item.salary_min,
            salary_max: item.salary_max,
            skills: item.skills.clone(),
            occupation_codes: item.occupation_codes.clone(),
            certificate_ids: ids.all("certificate", &item.certificates)?,
            valid_from: item.valid_from,
            valid_until: item.valid_until,
        };
        service(
            "posting",
            services::postings::create(
                write.db(),
                &Actor::System,
                draft,
                item.publish,
                RecordSource::Demo,
            )
            .await,
        )?;
    }
    for item in &demo.offers {
        let draft = OfferDraft {
            enterprise_id: ids.get("enterprise", &item.enterprise)?,
            kind: item.kind,
            title: item.title.clone(),
            description: item.description.clone(),
            places: item.places,
            duration_months: item.duration_months,
            monthly_stipend: item.monthly_stipend,
            partner_college_id: ids.optional("college", item.partner_college.as_ref())?,
            region_id: Some(ids.get("region", &item.region)?),
            cooperation_start: item.cooperation_start,
            cooperation_end: item.cooperation_end,
            occupation_codes: item.occupation_codes.clone(),
        };
        service(
            "apprenticeship offer",
            services::offers::create(write.db(), &Actor::System, draft).await,
        )?;
    }
    for item in &demo.courses {
        let draft = CourseDraft {
            provider_id: ids.get("college", &item.provider)?,
            title: item.title.clone(),
            description: item.description.clone(),
            kind: item.kind,
            certificate_id: ids.optional("certificate", item.certificate.as_ref())?,
            hours: item.hours,
            capacity: item.capacity,
            fee: item.fee,
            starts_on: item.starts_on,
            ends_on: item.ends_on,
            schedule: item.schedule.clone(),
            region_id: Some(ids.get("region", &item.region)?),
        };
        service(
            "training course",
            services::courses::create(write.db(), &Actor::System, draft).await,
        )?;
    }
    for item in &demo.outreach {
        let draft = services::outreach::ActivityDraft {
            college_id: ids.get("college", &item.college)?,
            kind: item.kind,
            title: item.title.clone(),
            held_on: item.held_on,
            participants: item.participants,
        };
        service(
            "outreach activity",
            services::outreach::record(write.db(), &Actor::System, draft).await,
        )?;
    }
    let mut contests = Vec::new();
    for item in &demo.contests {
        let draft = services::rewards::ContestDraft {
            name: item.name.clone(),
            event: item.event.clone(),
            year: item.year,
            level: item.level,
            organiser: item.organiser,
        };
        match services::rewards::create_contest(write.db(), &Actor::System, draft).await {
            Ok(contest) => contests.push(contest.id),
            Err(error) => service("contest", Err::<(), _>(error))?,
        }
    }
    for item in &demo.contest_people {
        let draft = services::rewards::PersonDraft {
            name: item.name.clone(),
            college_id: ids.get("college", &item.college)?,
            identity: item.identity.clone(),
        };
        match services::rewards::create_person(write.db(), &Actor::System, draft).await {
            Ok(person) => ids.insert("person", &item.identity, person.id),
            Err(error) => service("contest person", Err::<(), _>(error))?,
        }
    }
    for item in &demo.awards {
        let contest_id = *contests
            .get(item.contest)
            .ok_or_else(|| anyhow!("demo award names contest {}", item.contest))?;
        let mut winners = Vec::new();
        for winner in &item.winners {
            winners.push((ids.get("person", &winner.identity)?, winner.participation));
        }
        let draft = services::rewards::AwardDraft {
            contest_id,
            prize: item.prize,
            awarded_on: item.awarded_on,
            winners,
        };
        service(
            "contest award",
            services::rewards::record_award(write.db(), &Actor::System, draft).await,
        )?;
    }
    for item in &demo.experts {
        let draft = services::experts::ExpertDraft {
            enterprise_id: ids.get("enterprise", &item.enterprise)?,
            name: item.name.clone(),
            kind: item.kind,
            job_title: item.job_title.clone(),
            education: item.education,
            skill_level: item.skill_level,
            professional_title: item.professional_title.clone(),
            high_professional_title: item.high_professional_title,
            enterprise_years: item.enterprise_years,
            skills: item.skills.clone(),
            teaches: item.teaches,
            builds_courses: item.builds_courses,
            hours_per_week: item.hours_per_week,
            available_from: item.available_from,
            available_until: item.available_until,
            availability_note: item.availability_note.clone(),
            phone: item.phone.clone(),
            email: item.email.clone(),
            occupation_codes: item.occupation_codes.clone(),
            certificate_ids: ids.all("certificate", &item.certificates)?,
            shared_college_ids: ids.all("college", &item.share_with)?,
        };
        service(
            "expert",
            services::experts::create_expert(write.db(), &Actor::System, draft).await,
        )?;
    }
    for item in &demo.teaching_needs {
        let key = format!("{}/{}", item.college, item.program);
        let program_id = *programs
            .get(&key)
            .ok_or_else(|| anyhow!("demo teaching need names an unknown program `{key}`"))?;
        let draft = services::experts::NeedDraft {
            program_id,
            kind: item.kind,
            title: item.title.clone(),
            topics: item.topics.clone(),
            description: item.description.clone(),
            hours: item.hours,
            period_start: item.period_start,
            period_end: item.period_end,
            status: TeachingNeedStatus::Open,
            occupation_codes: item.occupation_codes.clone(),
            certificate_ids: ids.all("certificate", &item.certificates)?,
        };
        service(
            "teaching need",
            services::experts::create_need(write.db(), &Actor::System, draft).await,
        )?;
    }
    for (secret, name, role, kind, organisation) in DEMO_TOKENS {
        let organisation_id = match organisation {
            Some(name) => Some(ids.get(kind, name)?),
            None => None,
        };
        crate::access::store_token(
            write.db(),
            crate::access::NewToken {
                name: name.to_string(),
                role,
                organisation_id,
                expires_at: None,
            },
            secret,
        )
        .await?;
    }
    Ok(())
}

/// The demo's API tokens, documented in the README so that its examples
/// run: one per role. They exist only where the demo was loaded; a real
/// deployment starts with `--no-demo` and creates its own tokens.
pub const DEMO_TOKENS: [(&str, &str, TokenRole, &str, Option<&str>); 5] = [
    ("hub_demo_admin", "演示：管理员", TokenRole::Admin, "", None),
    (
        "hub_demo_association",
        "演示：吉林市装备制造业协会",
        TokenRole::Association,
        "association",
        Some("吉林市装备制造业协会（演示）"),
    ),
    (
        "hub_demo_college",
        "演示：吉林市江城职业技术学院",
        TokenRole::College,
        "college",
        Some("吉林市江城职业技术学院（演示）"),
    ),
    (
        "hub_demo_enterprise",
        "演示：吉林江城智能装备有限公司",
        TokenRole::Enterprise,
        "enterprise",
        Some("吉林江城智能装备有限公司（演示）"),
    ),
    (
        "hub_demo_hr_bureau",
        "演示：吉林市人力资源和社会保障局",
        TokenRole::HrBureau,
        "",
        None,
    ),
];
