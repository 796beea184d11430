//! `hub import catalogue`: the 职业教育专业目录(2021年).

use std::{collections::HashMap, path::Path};

use entity::{
    catalogue_entry,
    enums::{CatalogueItemLevel, CatalogueLevel},
};
use sea_orm::{sea_query::OnConflict, ConnectionTrait, DbErr, Set};
use serde::{Deserialize, Serialize};

use super::{
    begin, check_lengths, check_problems, created_and_updated, database_error, finish, key_ids,
    problem, read_csv, upsert_batches, ImportError, ImportOptions, ImportReport, Progress, BATCH,
};

#[derive(Deserialize)]
struct Row {
    #[serde(rename = "educationLevel")]
    education_level: String,
    #[serde(rename = "categoryCode")]
    category_code: String,
    #[serde(rename = "categoryName")]
    category_name: String,
    #[serde(rename = "classCode")]
    class_code: String,
    #[serde(rename = "className")]
    class_name: String,
    #[serde(rename = "majorCode")]
    major_code: String,
    #[serde(rename = "majorName")]
    major_name: String,
    #[serde(rename = "parentCode")]
    parent_code: String,
    #[serde(rename = "itemLevel")]
    item_level: String,
    #[serde(rename = "isStateControlled")]
    is_state_controlled: String,
}

/// One catalogue entry ready to be written.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct CatalogueRecord {
    pub code: String,
    pub name: String,
    pub education_level: CatalogueLevel,
    pub item_level: CatalogueItemLevel,
    pub parent_code: Option<String>,
    pub category_code: String,
    pub category_name: String,
    pub class_code: Option<String>,
    pub class_name: Option<String>,
    pub state_controlled: bool,
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn is_catalogue_code(code: &str) -> bool {
    let digits = code.strip_suffix('K').unwrap_or(code);
    matches!(digits.len(), 2 | 4 | 6) && digits.chars().all(|c| c.is_ascii_digit())
}

pub async fn import(
    db: &sea_orm::DatabaseConnection,
    path: &Path,
    options: ImportOptions,
    progress: &Progress,
) -> Result<ImportReport, ImportError> {
    let (records, mut report) = read(path, options)?;
    let txn = begin(db, &report.file).await?;
    let written = upsert(txn.db(), &records, progress)
        .await
        .map_err(database_error(&report.file))?;
    finish(txn, &mut report, "CatalogueEntry", written).await?;
    Ok(report)
}

/// Reads and checks the file: the entries to write, and a report of the
/// rows read, left out and repeated (nothing created yet).
pub fn read(
    path: &Path,
    options: ImportOptions,
) -> Result<(Vec<CatalogueRecord>, ImportReport), ImportError> {
    let csv = read_csv::<Row>(
        path,
        &[
            "educationLevel",
            "majorCode",
            "majorName",
            "itemLevel",
            "parentCode",
        ],
    )?;
    let file = csv.file.clone();
    let mut problems = csv.problems;
    let mut report = ImportReport {
        file: file.clone(),
        rows: csv.rows.len() + problems.len(),
        ..Default::default()
    };
    let mut records: Vec<CatalogueRecord> = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for (line, row) in &csv.rows {
        let line = *line;
        let education_level = match row.education_level.trim() {
            "VOCATIONAL_SECONDARY" => CatalogueLevel::VocationalSecondary,
            "VOCATIONAL_ASSOCIATE" => CatalogueLevel::VocationalAssociate,
            "VOCATIONAL_BACHELOR" => CatalogueLevel::VocationalBachelor,
            other => {
                problems.push(problem(
                    &file,
                    line,
                    "educationLevel",
                    format!("unknown education level `{other}`"),
                ));
                continue;
            }
        };
        let item_level = match row.item_level.trim() {
            "CATEGORY" => CatalogueItemLevel::Category,
            "CLASS" => CatalogueItemLevel::Class,
            "MAJOR" => CatalogueItemLevel::Major,
            other => {
                problems.push(problem(
                    &file,
                    line,
                    "itemLevel",
                    format!("unknown item level `{other}`"),
                ));
                continue;
            }
        };
        let code = row.major_code.trim().to_string();
        if !is_catalogue_code(&code) {
            problems.push(problem(
                &file,
                line,
                "majorCode",
                format!("`{code}` is not a catalogue code (2, 4 or 6 digits, optional K)"),
            ));
            continue;
        }
        let Some(name) = non_empty(&row.major_name) else {
            problems.push(problem(&file, line, "majorName", "the name is empty"));
            continue;
        };
        let parent_code = non_empty(&row.parent_code);
        if item_level != CatalogueItemLevel::Category && parent_code.is_none() {
            problems.push(problem(
                &file,
                line,
                "parentCode",
                "a class or program needs a parent code",
            ));
            continue;
        }
        if let Some(earlier) = first_line.get(&code) {
            report.warnings.push(problem(
                &file,
                line,
                "majorCode",
                format!("code `{code}` repeats line {earlier}; this row is left out"),
            ));
            continue;
        }
        let record = CatalogueRecord {
            code,
            name,
            education_level,
            item_level,
            parent_code,
            category_code: row.category_code.trim().to_string(),
            category_name: row.category_name.trim().to_string(),
            class_code: non_empty(&row.class_code),
            class_name: non_empty(&row.class_name),
            state_controlled: matches!(row.is_state_controlled.trim(), "Y" | "y" | "true" | "1"),
        };
        let too_long = check_lengths(
            &file,
            line,
            &[
                ("majorName", &record.name, 128),
                ("categoryCode", &record.category_code, 8),
                ("categoryName", &record.category_name, 64),
                (
                    "classCode",
                    record.class_code.as_deref().unwrap_or_default(),
                    8,
                ),
                (
                    "className",
                    record.class_name.as_deref().unwrap_or_default(),
                    64,
                ),
            ],
        );
        if !too_long.is_empty() {
            problems.extend(too_long);
            continue;
        }
        first_line.insert(record.code.clone(), line);
        records.push(record);
    }
    for (record, line) in records
        .iter()
        .filter_map(|r| first_line.get(&r.code).map(|line| (r, *line)))
    {
        if let Some(parent) = &record.parent_code {
            if !first_line.contains_key(parent) {
                problems.push(problem(
                    &file,
                    line,
                    "parentCode",
                    format!("parent `{parent}` is not in the file"),
                ));
            }
        }
    }
    let problems = check_problems(&file, problems, options)?;
    let bad_lines: std::collections::HashSet<u64> = problems.iter().map(|p| p.line).collect();
    records.retain(|r| {
        first_line
            .get(&r.code)
            .is_none_or(|line| !bad_lines.contains(line))
    });
    report.skipped = problems;
    Ok((records, report))
}

async fn code_ids<C: ConnectionTrait>(
    db: &C,
    codes: &[String],
) -> Result<HashMap<String, i32>, DbErr> {
    key_ids::<catalogue_entry::Entity, _>(
        db,
        catalogue_entry::Column::Code,
        catalogue_entry::Column::Id,
        codes,
    )
    .await
}

/// Writes catalogue entries (parents before children), updating entries
/// whose code exists. Returns the ids created and the ids updated.
pub async fn upsert<C: ConnectionTrait>(
    db: &C,
    records: &[CatalogueRecord],
    progress: &Progress,
) -> Result<(Vec<i32>, Vec<i32>), DbErr> {
    let all_codes: Vec<String> = records.iter().map(|r| r.code.clone()).collect();
    let parent_codes: Vec<String> = records
        .iter()
        .filter_map(|r| r.parent_code.clone())
        .collect();
    let existing = code_ids(db, &all_codes).await?;
    let mut ids = code_ids(db, &parent_codes).await?;
    ids.extend(existing.clone());
    let total = records.len() as u64;
    let mut done = 0u64;
    progress.start("catalogue", total);
    let conflict = OnConflict::column(catalogue_entry::Column::Code)
        .update_columns([
            catalogue_entry::Column::Name,
            catalogue_entry::Column::EducationLevel,
            catalogue_entry::Column::ItemLevel,
            catalogue_entry::Column::ParentId,
            catalogue_entry::Column::CategoryCode,
            catalogue_entry::Column::CategoryName,
            catalogue_entry::Column::ClassCode,
            catalogue_entry::Column::ClassName,
            catalogue_entry::Column::StateControlled,
        ])
        .to_owned();
    for level in [
        CatalogueItemLevel::Category,
        CatalogueItemLevel::Class,
        CatalogueItemLevel::Major,
    ] {
        let of_level: Vec<&CatalogueRecord> =
            records.iter().filter(|r| r.item_level == level).collect();
        let models: Vec<catalogue_entry::ActiveModel> = of_level
            .iter()
            .map(|record| catalogue_entry::ActiveModel {
                code: Set(record.code.clone()),
                name: Set(record.name.clone()),
                education_level: Set(record.education_level),
                item_level: Set(record.item_level),
                parent_id: Set(record
                    .parent_code
                    .as_ref()
                    .and_then(|code| ids.get(code).copied())),
                category_code: Set(record.category_code.clone()),
                category_name: Set(record.category_name.clone()),
                class_code: Set(record.class_code.clone()),
                class_name: Set(record.class_name.clone()),
                state_controlled: Set(record.state_controlled),
                ..Default::default()
            })
            .collect();
        upsert_batches(
            db,
            models,
            &conflict,
            BATCH,
            (progress, "catalogue", &mut done, total),
        )
        .await?;
        let level_codes: Vec<String> = of_level.iter().map(|r| r.code.clone()).collect();
        ids.extend(code_ids(db, &level_codes).await?);
    }
    progress.finish();
    Ok(created_and_updated(&all_codes, &ids, |code| {
        existing.contains_key(code)
    }))
}
