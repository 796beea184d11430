//! `hub import postings`: job postings exported from 51job and zhilian,
//! imported as published demand postings of the "imported" source.

use std::{collections::HashMap, path::Path};

use chrono::{NaiveDate, Utc};
use entity::{
    demand_posting,
    enums::{PostingStatus, RecordSource},
    industry_association,
};
use sea_orm::{
    sea_query::OnConflict, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QuerySelect, Set,
};

use super::{
    begin, check_problems, created_and_updated, database_error, finish, key_ids,
    parse::{parse_education, parse_headcount, parse_salary, stable_hash},
    problem, read_csv, upsert_batches, ImportError, ImportOptions, ImportReport, Progress,
    RowProblem, BATCH,
};
use crate::services::{
    postings::{check_values, PostingDraft, MAX_HEADCOUNT, MAX_SALARY},
    Validator, MAX_TEXT, MAX_TITLE,
};

/// Longest posting address kept as its key (`url:` + address fits the
/// 128-character `source_key` column); longer ones are keyed by a hash.
const MAX_URL_KEY: usize = 120;

/// Salaries and headcounts are read from messy text: a value the services
/// would refuse (above the maximum, a reversed range) is left empty with a
/// warning, as an unreadable one is.
fn drop_out_of_range(posting: &mut Posting, file: &str, line: u64) -> Vec<RowProblem> {
    let mut warnings = Vec::new();
    if let Some(count) = posting
        .headcount
        .filter(|c| !(1..=MAX_HEADCOUNT).contains(c))
    {
        warnings.push(problem(
            file,
            line,
            "headcount",
            format!("headcount {count} is outside 1..={MAX_HEADCOUNT}; headcount left empty"),
        ));
        posting.headcount = None;
    }
    let out_of_range = |v: Option<i32>| v.is_some_and(|v| !(0..=MAX_SALARY).contains(&v));
    let reversed =
        matches!((posting.salary_min, posting.salary_max), (Some(min), Some(max)) if min > max);
    if out_of_range(posting.salary_min) || out_of_range(posting.salary_max) || reversed {
        warnings.push(problem(
            file,
            line,
            "salary",
            format!(
                "monthly salary {:?}-{:?} is outside 0..={MAX_SALARY} or reversed; salary left empty",
                posting.salary_min, posting.salary_max
            ),
        ));
        posting.salary_min = None;
        posting.salary_max = None;
    }
    warnings
}

/// The row checked as the services check a posting; each refusal becomes a
/// problem of its line, named by the file's column.
fn invalid_fields(posting: &Posting, file: &str, line: u64) -> Vec<RowProblem> {
    let draft = PostingDraft {
        title: posting.title.clone(),
        description: posting.description.clone(),
        work_location: posting.location.clone(),
        headcount: posting.headcount,
        salary_min: posting.salary_min,
        salary_max: posting.salary_max,
        skills: posting.skills.clone(),
        ..Default::default()
    };
    let mut validator = Validator::new();
    check_values(&mut validator, &draft);
    validator
        .into_errors()
        .into_iter()
        .map(|error| {
            let field = match error.field.last().map(String::as_str) {
                Some("salaryMin" | "salaryMax") => "salary",
                Some("workLocation") => "location",
                Some("skills") => "company_tags",
                Some(other) => other,
                None => "(row)",
            };
            problem(file, line, field, error.message)
        })
        .collect()
}

/// The association that imported postings belong to.
pub const IMPORT_ASSOCIATION: &str = "外部招聘平台（导入数据）";

/// The three layouts of the posting files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// 51job 2019: title, salary, company, company_info, work_address, area,
    /// experience, education, headcount, post_date, description.
    Job51,
    /// zhilian: title, salary, address, keyword, work_experience, education,
    /// company, welfare, requirements, url.
    ZhilianRequirements,
    /// zhilian 2024: title, company, salary, company_tags, location,
    /// experience, education, url.
    ZhilianTags,
}

fn layout(headers: &[String]) -> Option<Layout> {
    let has = |name: &str| headers.iter().any(|h| h == name);
    if has("company_info") && has("area") {
        Some(Layout::Job51)
    } else if has("requirements") && has("address") {
        Some(Layout::ZhilianRequirements)
    } else if has("company_tags") && has("location") {
        Some(Layout::ZhilianTags)
    } else {
        None
    }
}

struct Posting {
    key: String,
    title: String,
    employer: Option<String>,
    description: String,
    location: Option<String>,
    headcount: Option<i32>,
    education: Option<entity::enums::EducationRequirement>,
    salary_min: Option<i32>,
    salary_max: Option<i32>,
    skills: Vec<String>,
    posted_on: Option<NaiveDate>,
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

pub async fn import(
    db: &sea_orm::DatabaseConnection,
    path: &Path,
    options: ImportOptions,
    progress: &Progress,
) -> Result<ImportReport, ImportError> {
    let csv =
        read_csv::<HashMap<String, String>>(path, &["title", "salary", "company", "education"])?;
    let file = csv.file.clone();
    let Some(layout) = layout(&csv.headers) else {
        return Err(ImportError::File {
            file,
            reason: format!(
                "unknown posting layout (columns {}); expected a 51job or zhilian export",
                csv.headers.join(", ")
            ),
        });
    };
    let mut problems = csv.problems;
    let mut report = ImportReport {
        file: file.clone(),
        rows: csv.rows.len() + problems.len(),
        ..Default::default()
    };
    let mut postings: Vec<Posting> = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (line, row) in &csv.rows {
        let line = *line;
        let get = |name: &str| row.get(name).map(|v| v.trim()).unwrap_or_default();
        let title = get("title")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if title.is_empty() {
            problems.push(problem(&file, line, "title", "the title is empty"));
            continue;
        }
        if title.chars().count() > MAX_TITLE {
            problems.push(problem(
                &file,
                line,
                "title",
                format!("the title is longer than {MAX_TITLE} characters"),
            ));
            continue;
        }
        let salary = match parse_salary(get("salary")) {
            Ok(salary) => salary,
            Err(error) => {
                report.warnings.push(problem(
                    &file,
                    line,
                    "salary",
                    format!("{}; salary left empty", error.0),
                ));
                Default::default()
            }
        };
        let headcount_text = if layout == Layout::Job51 {
            get("headcount")
        } else {
            ""
        };
        let headcount = match parse_headcount(headcount_text) {
            Ok(count) => count,
            Err(reason) => {
                report.warnings.push(problem(
                    &file,
                    line,
                    "headcount",
                    format!("{reason}; headcount left empty"),
                ));
                None
            }
        };
        // The 51job file sometimes shifts the education into `experience`.
        let education =
            parse_education(get("education")).or_else(|| parse_education(get("experience")));
        let (description, location, skills, posted_on) = match layout {
            Layout::Job51 => {
                let address = get("work_address")
                    .trim_start_matches("上班地址")
                    .trim_start_matches([' ', ':', '：'])
                    .trim();
                let location = [get("area"), address]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" ");
                (
                    get("description").to_string(),
                    location,
                    Vec::new(),
                    NaiveDate::parse_from_str(get("post_date"), "%Y-%m-%d").ok(),
                )
            }
            Layout::ZhilianRequirements => (
                get("requirements").to_string(),
                get("address").to_string(),
                Vec::new(),
                None,
            ),
            Layout::ZhilianTags => {
                let skills: Vec<String> = get("company_tags")
                    .split('|')
                    .map(str::trim)
                    .filter(|tag| tag.is_ascii() && !tag.is_empty() && !tag.contains('人'))
                    .map(str::to_string)
                    .collect();
                (
                    String::new(),
                    get("location").replace('·', " "),
                    skills,
                    None,
                )
            }
        };
        let url = get("url");
        let key = if url.chars().count() > MAX_URL_KEY {
            // Keys fit their column: a very long address is keyed by its hash.
            format!("urlhash:{}", stable_hash(&[url]))
        } else if url.is_empty() {
            format!(
                "hash:{}",
                stable_hash(&[
                    &title,
                    get("company"),
                    &location,
                    get("post_date"),
                    &description
                ])
            )
        } else {
            format!("url:{url}")
        };
        if let Some(earlier) = seen.get(&key) {
            report.warnings.push(problem(
                &file,
                line,
                if url.is_empty() { "(row)" } else { "url" },
                format!("repeats the posting on line {earlier}; left out"),
            ));
            continue;
        }
        seen.insert(key.clone(), line);
        let employer = Some(clip(get("company"), MAX_TITLE)).filter(|c| !c.is_empty());
        let mut posting = Posting {
            key,
            title,
            employer,
            description: clip(&description, MAX_TEXT),
            location: Some(clip(&location, MAX_TITLE)).filter(|l| !l.is_empty()),
            headcount,
            education,
            salary_min: salary.min,
            salary_max: salary.max,
            skills,
            posted_on,
        };
        report
            .warnings
            .extend(drop_out_of_range(&mut posting, &file, line));
        let invalid = invalid_fields(&posting, &file, line);
        if invalid.is_empty() {
            postings.push(posting);
        } else {
            problems.extend(invalid);
        }
    }
    report.skipped = check_problems(&file, problems, options)?;

    let txn = begin(db, &file).await?;
    let written = write(txn.db(), &postings, progress)
        .await
        .map_err(database_error(&file))?;
    finish(txn, &mut report, "DemandPosting", written).await?;
    Ok(report)
}

/// The association imported postings belong to, created on first use.
async fn import_association<C: ConnectionTrait>(db: &C) -> Result<i32, DbErr> {
    let found = industry_association::Entity::find()
        .filter(industry_association::Column::Name.eq(IMPORT_ASSOCIATION))
        .one(db)
        .await?;
    if let Some(association) = found {
        return Ok(association.id);
    }
    let created = industry_association::Entity::insert(industry_association::ActiveModel {
        name: Set(IMPORT_ASSOCIATION.to_string()),
        sector: Set("综合".to_string()),
        region_id: Set(None),
        description: Set(
            "由 `hub import postings` 从外部招聘平台导入的岗位，用于检索与匹配的测试和评估。"
                .to_string(),
        ),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(created.last_insert_id)
}

async fn write<C: ConnectionTrait>(
    db: &C,
    postings: &[Posting],
    progress: &Progress,
) -> Result<(Vec<i32>, Vec<i32>), DbErr> {
    let association_id = import_association(db).await?;
    let keys: Vec<String> = postings.iter().map(|p| p.key.clone()).collect();
    let earlier = texts_by_key(db, &keys).await?;
    let now = Utc::now();
    let total = postings.len() as u64;
    let mut done = 0;
    progress.start("postings", total);
    let models: Vec<demand_posting::ActiveModel> = postings
        .iter()
        .map(|p| demand_posting::ActiveModel {
            association_id: Set(association_id),
            enterprise_id: Set(None),
            employer_name: Set(p.employer.clone()),
            title: Set(p.title.clone()),
            description: Set(p.description.clone()),
            headcount: Set(p.headcount),
            region_id: Set(None),
            work_location: Set(p.location.clone()),
            education_level: Set(p.education),
            salary_min: Set(p.salary_min),
            salary_max: Set(p.salary_max),
            skills: Set(serde_json::json!(p.skills)),
            status: Set(PostingStatus::Published),
            valid_from: Set(p.posted_on),
            valid_until: Set(None),
            source: Set(RecordSource::Imported),
            source_key: Set(Some(p.key.clone())),
            published_at: Set(Some(
                p.posted_on
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|t| t.and_utc())
                    .unwrap_or(now),
            )),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    let conflict = OnConflict::columns([
        demand_posting::Column::Source,
        demand_posting::Column::SourceKey,
    ])
    .update_columns([
        demand_posting::Column::EmployerName,
        demand_posting::Column::Title,
        demand_posting::Column::Description,
        demand_posting::Column::Headcount,
        demand_posting::Column::WorkLocation,
        demand_posting::Column::EducationLevel,
        demand_posting::Column::SalaryMin,
        demand_posting::Column::SalaryMax,
        demand_posting::Column::Skills,
        demand_posting::Column::ValidFrom,
        demand_posting::Column::UpdatedAt,
    ])
    .to_owned();
    upsert_batches(
        db,
        models,
        &conflict,
        BATCH / 2,
        (progress, "postings", &mut done, total),
    )
    .await?;
    progress.finish();
    let ids = key_ids::<demand_posting::Entity, _>(
        db,
        demand_posting::Column::SourceKey,
        demand_posting::Column::Id,
        &keys,
    )
    .await?;
    // Postings whose text changed get their occupations suggested again:
    // the stored suggestions were made for the old text.
    let changed: Vec<i32> = postings
        .iter()
        .filter(|p| {
            earlier
                .get(&p.key)
                .is_some_and(|(title, description, skills)| {
                    *title != p.title
                        || *description != p.description
                        || *skills != serde_json::json!(p.skills)
                })
        })
        .filter_map(|p| ids.get(&p.key).copied())
        .collect();
    crate::services::forget_suggestions_of(
        db,
        "posting_occupation",
        "posting_id",
        "demand_posting",
        &changed,
    )
    .await?;
    Ok(created_and_updated(&keys, &ids, |key| {
        earlier.contains_key(key)
    }))
}

/// Title, description and skills of the postings already imported under
/// these keys.
#[allow(clippy::type_complexity)]
async fn texts_by_key<C: ConnectionTrait>(
    db: &C,
    keys: &[String],
) -> Result<HashMap<String, (String, String, serde_json::Value)>, DbErr> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(BATCH * 4) {
        let rows = demand_posting::Entity::find()
            .select_only()
            .column(demand_posting::Column::SourceKey)
            .column(demand_posting::Column::Title)
            .column(demand_posting::Column::Description)
            .column(demand_posting::Column::Skills)
            .filter(demand_posting::Column::Source.eq(RecordSource::Imported))
            .filter(demand_posting::Column::SourceKey.is_in(chunk.to_vec()))
            .into_tuple::<(String, String, String, serde_json::Value)>()
            .all(db)
            .await?;
        found.extend(
            rows.into_iter()
                .map(|(key, title, description, skills)| (key, (title, description, skills))),
        );
    }
    Ok(found)
}
