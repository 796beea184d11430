//! `hub import college-programs`: programs of the colleges in 吉林市, each
//! matched to a catalogue entry by name where one matches.

use std::{
    collections::{BTreeMap, HashMap},
    path::Path,
};

use chrono::Utc;
use entity::{
    catalogue_entry, college,
    enums::{CatalogueItemLevel, CatalogueLevel, CollegeLevel, CollegeOwnership, RecordSource},
    program, region,
};
use sea_orm::{
    sea_query::OnConflict, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use serde::Deserialize;

use super::{
    begin, check_problems, database_error, finish, problem, read_csv, upsert_batches, ImportError,
    ImportOptions, ImportReport, Progress, BATCH,
};

#[derive(Deserialize)]
struct Row {
    school: String,
    major_name_as_listed: String,
    n_admission_records: String,
}

/// What kind of school a college is, from its name.
pub fn college_level_from_name(name: &str) -> CollegeLevel {
    if name.contains("职业技术大学") || name.contains("职业大学") {
        CollegeLevel::VocationalBachelor
    } else if name.contains("职业技术学院")
        || name.contains("职业学院")
        || name.contains("专科学校")
    {
        CollegeLevel::HigherVocational
    } else if name.contains("职业学校")
        || name.contains("中等专业学校")
        || name.contains("技工学校")
    {
        CollegeLevel::SecondaryVocational
    } else {
        CollegeLevel::Undergraduate
    }
}

/// Catalogue levels to try, best first, for a college of this level.
fn preferred_levels(level: CollegeLevel) -> [CatalogueLevel; 3] {
    use CatalogueLevel::*;
    match level {
        CollegeLevel::SecondaryVocational => {
            [VocationalSecondary, VocationalAssociate, VocationalBachelor]
        }
        CollegeLevel::HigherVocational | CollegeLevel::TrainingBase => {
            [VocationalAssociate, VocationalBachelor, VocationalSecondary]
        }
        CollegeLevel::VocationalBachelor | CollegeLevel::Undergraduate => {
            [VocationalBachelor, VocationalAssociate, VocationalSecondary]
        }
    }
}

/// A program name as schools list it, without bracketed remarks such as
/// `（中外合作办学）` and without spaces.
pub fn normalise_program_name(name: &str) -> String {
    let mut result = String::new();
    let mut depth = 0;
    for character in name.chars() {
        match character {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = (depth - 1).max(0),
            c if depth == 0 && !c.is_whitespace() => result.push(c),
            _ => {}
        }
    }
    result
}

/// Catalogue programs by normalised name.
async fn catalogue_by_name<C: ConnectionTrait>(
    db: &C,
) -> Result<HashMap<String, Vec<(CatalogueLevel, i32)>>, DbErr> {
    let majors = catalogue_entry::Entity::find()
        .filter(catalogue_entry::Column::ItemLevel.eq(CatalogueItemLevel::Major))
        .all(db)
        .await?;
    let mut by_name: HashMap<String, Vec<(CatalogueLevel, i32)>> = HashMap::new();
    for entry in majors {
        by_name
            .entry(normalise_program_name(&entry.name))
            .or_default()
            .push((entry.education_level, entry.id));
    }
    Ok(by_name)
}

pub async fn import(
    db: &sea_orm::DatabaseConnection,
    path: &Path,
    options: ImportOptions,
    progress: &Progress,
) -> Result<ImportReport, ImportError> {
    let csv = read_csv::<Row>(path, &["school", "major_name_as_listed"])?;
    let file = csv.file.clone();
    let mut problems = csv.problems;
    let mut report = ImportReport {
        file: file.clone(),
        rows: csv.rows.len() + problems.len(),
        ..Default::default()
    };
    let mut programs: Vec<(String, String, u32)> = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    for (line, row) in csv.rows {
        let school = row.school.trim().to_string();
        let name = row.major_name_as_listed.trim().to_string();
        if school.is_empty() {
            problems.push(problem(&file, line, "school", "the school is empty"));
            continue;
        }
        if name.is_empty() {
            problems.push(problem(
                &file,
                line,
                "major_name_as_listed",
                "the program name is empty",
            ));
            continue;
        }
        if name.chars().count() > crate::services::MAX_TITLE {
            problems.push(problem(
                &file,
                line,
                "major_name_as_listed",
                "the program name is longer than 120 characters",
            ));
            continue;
        }
        let records = match row.n_admission_records.trim() {
            "" => 0,
            text => match text.parse::<u32>() {
                Ok(count) => count,
                Err(_) => {
                    problems.push(problem(
                        &file,
                        line,
                        "n_admission_records",
                        format!("`{text}` is not a whole number"),
                    ));
                    continue;
                }
            },
        };
        if let Some(earlier) = seen.get(&(school.clone(), name.clone())) {
            report.warnings.push(problem(
                &file,
                line,
                "major_name_as_listed",
                format!("{school} 「{name}」 repeats line {earlier}; left out"),
            ));
            continue;
        }
        seen.insert((school.clone(), name.clone()), line);
        programs.push((school, name, records));
    }
    report.skipped = check_problems(&file, problems, options)?;

    let txn = begin(db, &file).await?;
    let mut notes = Vec::new();
    let written = write(txn.db(), &programs, progress, &mut notes)
        .await
        .map_err(database_error(&file))?;
    report.notes = notes;
    finish(txn, &mut report, "Program", written).await?;
    Ok(report)
}

async fn write<C: ConnectionTrait>(
    db: &C,
    programs: &[(String, String, u32)],
    progress: &Progress,
    notes: &mut Vec<String>,
) -> Result<(Vec<i32>, Vec<i32>), DbErr> {
    let city = region::Entity::find()
        .filter(region::Column::Code.eq("220200"))
        .one(db)
        .await?
        .map(|r| r.id);
    let schools: Vec<String> = {
        let mut names: Vec<String> = programs
            .iter()
            .map(|(school, _, _)| school.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    };
    let colleges: Vec<college::ActiveModel> = schools
        .iter()
        .map(|name| college::ActiveModel {
            name: Set(name.clone()),
            level: Set(college_level_from_name(name)),
            ownership: Set(CollegeOwnership::Other),
            region_id: Set(city),
            description: Set(String::new()),
            ..Default::default()
        })
        .collect();
    if !colleges.is_empty() {
        college::Entity::insert_many(colleges)
            .on_conflict(
                OnConflict::column(college::Column::Name)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    let college_rows = college::Entity::find()
        .filter(college::Column::Name.is_in(schools.clone()))
        .all(db)
        .await?;
    let colleges: HashMap<String, (i32, CollegeLevel)> = college_rows
        .into_iter()
        .map(|c| (c.name, (c.id, c.level)))
        .collect();
    let catalogue = catalogue_by_name(db).await?;
    if catalogue.is_empty() {
        notes.push(
            "the catalogue is empty: run `hub import catalogue` first to match programs"
                .to_string(),
        );
    }
    let existing: HashMap<(i32, String), i32> = program::Entity::find()
        .filter(
            program::Column::CollegeId
                .is_in(colleges.values().map(|(id, _)| *id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|p| ((p.college_id, p.name), p.id))
        .collect();
    let now = Utc::now();
    let mut unmatched: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut models = Vec::new();
    for (school, name, records) in programs {
        let Some((college_id, level)) = colleges.get(school).copied() else {
            continue;
        };
        let candidates = catalogue.get(&normalise_program_name(name));
        let entry = candidates.and_then(|found| {
            preferred_levels(level).iter().find_map(|wanted| {
                found
                    .iter()
                    .find(|(level, _)| level == wanted)
                    .map(|(_, id)| *id)
            })
        });
        if entry.is_none() {
            unmatched
                .entry(school.clone())
                .or_default()
                .push(name.clone());
        }
        models.push(program::ActiveModel {
            college_id: Set(college_id),
            catalogue_entry_id: Set(entry),
            name: Set(name.clone()),
            enrolment_plan: Set(None),
            graduates_per_year: Set(None),
            description: Set(format!("2025 年招生计划中出现 {records} 次")),
            source: Set(RecordSource::Imported),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
    }
    progress.start("programs", models.len() as u64);
    let total = models.len() as u64;
    let mut done = 0;
    let conflict = OnConflict::columns([program::Column::CollegeId, program::Column::Name])
        .update_columns([
            program::Column::CatalogueEntryId,
            program::Column::Description,
            program::Column::UpdatedAt,
        ])
        .to_owned();
    upsert_batches(
        db,
        models,
        &conflict,
        BATCH / 2,
        (progress, "programs", &mut done, total),
    )
    .await?;
    progress.finish();
    let after: Vec<program::Model> = program::Entity::find()
        .filter(
            program::Column::CollegeId
                .is_in(colleges.values().map(|(id, _)| *id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?;
    let mut created = Vec::new();
    let mut updated = Vec::new();
    for (school, name, _) in programs {
        let Some((college_id, _)) = colleges.get(school) else {
            continue;
        };
        if let Some(row) = after
            .iter()
            .find(|p| p.college_id == *college_id && &p.name == name)
        {
            if existing.contains_key(&(*college_id, name.clone())) {
                updated.push(row.id);
            } else {
                created.push(row.id);
            }
        }
    }
    let unmatched_count: usize = unmatched.values().map(Vec::len).sum();
    if unmatched_count > 0 {
        notes.push(format!(
            "{unmatched_count} program names match no catalogue entry and are kept without a code:"
        ));
        for (school, names) in unmatched {
            notes.push(format!(
                "  {school} ({}): {}",
                names.len(),
                names.join("、")
            ));
        }
    }
    Ok((created, updated))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn college_levels_come_from_their_names() {
        assert_eq!(
            college_level_from_name("吉林铁道职业技术大学"),
            CollegeLevel::VocationalBachelor
        );
        assert_eq!(
            college_level_from_name("吉林工业职业技术学院"),
            CollegeLevel::HigherVocational
        );
        assert_eq!(
            college_level_from_name("北华大学"),
            CollegeLevel::Undergraduate
        );
    }

    #[test]
    fn bracketed_remarks_do_not_stop_a_catalogue_match() {
        assert_eq!(
            normalise_program_name("电子商务（跨境电商方向）"),
            "电子商务"
        );
        assert_eq!(normalise_program_name(" 护理 (中外合作办学)"), "护理");
    }
}
