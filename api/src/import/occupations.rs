//! `hub import occupations`: the 职业分类大典(2022年版).

use std::{collections::HashMap, path::Path};

use entity::occupation;
use sea_orm::{sea_query::OnConflict, ConnectionTrait, DbErr, Set};
use serde::{Deserialize, Serialize};

use super::{
    begin, check_lengths, check_problems, created_and_updated, database_error, finish, key_ids,
    problem, read_csv, upsert_batches, ImportError, ImportOptions, ImportReport, Progress, BATCH,
};

#[derive(Deserialize)]
struct Row {
    code: String,
    name_clean: String,
    is_digital: String,
    is_green: String,
    definition: String,
    main_tasks: String,
    minor_code: String,
    minor_name: String,
    medium_code: String,
    medium_name: String,
    major_code: String,
    major_name: String,
}

/// One occupation ready to be written.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct OccupationRecord {
    pub code: String,
    pub name: String,
    pub definition: String,
    pub main_tasks: String,
    pub is_digital: bool,
    pub is_green: bool,
    pub minor_code: String,
    pub minor_name: String,
    pub medium_code: String,
    pub medium_name: String,
    pub major_code: String,
    pub major_name: String,
}

/// `6-05-01-01`: one digit, then three groups of two.
pub fn is_occupation_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    parts.len() == 4
        && parts[0].len() == 1
        && parts[1..].iter().all(|p| p.len() == 2)
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
}

fn flag(text: &str) -> bool {
    matches!(text.trim(), "Y" | "y" | "1" | "true" | "是")
}

/// What the classification marks after an occupation's name: `L` for a
/// green occupation, `S` for a digital one, `L/S` for both. Some source
/// rows keep the mark (or what is left of it, `L/`) in the name.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct NameMark {
    pub green: bool,
    pub digital: bool,
}

/// The name without a trailing classification mark (ASCII letters and
/// `/` after the last Chinese character), and the mark. A name that is
/// all Latin, or has no such tail, is returned as it is.
pub fn split_mark(name: &str) -> (&str, NameMark) {
    let bare = name.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '/' || c == ' ');
    let mark = &name[bare.len()..];
    let ends_chinese = bare
        .chars()
        .next_back()
        .is_some_and(search::analysis::is_cjk);
    if mark.is_empty()
        || !ends_chinese
        || !mark.trim().chars().all(|c| matches!(c, 'L' | 'S' | '/'))
    {
        return (name, NameMark::default());
    }
    (
        bare,
        NameMark {
            green: mark.contains('L'),
            digital: mark.contains('S'),
        },
    )
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
    finish(txn, &mut report, "Occupation", written).await?;
    Ok(report)
}

/// Reads and checks the file: the occupations to write, and a report of
/// the rows read, left out and repeated (nothing created yet).
pub fn read(
    path: &Path,
    options: ImportOptions,
) -> Result<(Vec<OccupationRecord>, ImportReport), ImportError> {
    let csv = read_csv::<Row>(
        path,
        &[
            "code",
            "name_clean",
            "definition",
            "main_tasks",
            "minor_code",
            "major_code",
        ],
    )?;
    let file = csv.file.clone();
    let mut problems = csv.problems;
    let mut report = ImportReport {
        file: file.clone(),
        rows: csv.rows.len() + problems.len(),
        ..Default::default()
    };
    let mut records: Vec<OccupationRecord> = Vec::new();
    let mut first: HashMap<String, (u64, usize)> = HashMap::new();
    for (line, row) in csv.rows {
        let code = row.code.trim().to_string();
        if !is_occupation_code(&code) {
            problems.push(problem(
                &file,
                line,
                "code",
                format!("`{code}` is not an occupation code like 6-05-01-01"),
            ));
            continue;
        }
        let (name, mark) = split_mark(row.name_clean.trim());
        let name = name.to_string();
        if name.is_empty() {
            problems.push(problem(&file, line, "name_clean", "the name is empty"));
            continue;
        }
        if !code.starts_with(row.minor_code.trim()) || row.minor_code.trim().is_empty() {
            problems.push(problem(
                &file,
                line,
                "minor_code",
                format!("`{}` is not the 小类 of `{code}`", row.minor_code.trim()),
            ));
            continue;
        }
        let record = OccupationRecord {
            code: code.clone(),
            name,
            definition: row.definition.trim().to_string(),
            main_tasks: row.main_tasks.trim().to_string(),
            is_digital: flag(&row.is_digital) || mark.digital,
            is_green: flag(&row.is_green) || mark.green,
            minor_code: row.minor_code.trim().to_string(),
            minor_name: row.minor_name.trim().to_string(),
            medium_code: row.medium_code.trim().to_string(),
            medium_name: row.medium_name.trim().to_string(),
            major_code: row.major_code.trim().to_string(),
            major_name: row.major_name.trim().to_string(),
        };
        let too_long = check_lengths(
            &file,
            line,
            &[
                ("name_clean", &record.name, 128),
                ("minor_code", &record.minor_code, 16),
                ("minor_name", &record.minor_name, 128),
                ("medium_code", &record.medium_code, 16),
                ("medium_name", &record.medium_name, 128),
                ("major_code", &record.major_code, 8),
                ("major_name", &record.major_name, 128),
            ],
        );
        if !too_long.is_empty() {
            problems.extend(too_long);
            continue;
        }
        // The source repeats a few codes; the first row of a code wins and
        // every later one is reported, never silently merged.
        if let Some((earlier_line, index)) = first.get(&code) {
            let earlier = &records[*index];
            let reason = if earlier.name == record.name
                && normalise(&earlier.definition) == normalise(&record.definition)
            {
                format!("code `{code}` repeats line {earlier_line} (same occupation, other punctuation); left out")
            } else {
                format!("code `{code}` was already used on line {earlier_line} for 「{}」; this row (「{}」) is left out", earlier.name, record.name)
            };
            report.warnings.push(problem(&file, line, "code", reason));
            continue;
        }
        first.insert(code, (line, records.len()));
        records.push(record);
    }
    report.skipped = check_problems(&file, problems, options)?;
    Ok((records, report))
}

/// Text without punctuation and spaces, to tell exact repeats.
fn normalise(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Writes occupations, updating those whose code exists. Returns the ids
/// created and the ids updated.
pub async fn upsert<C: ConnectionTrait>(
    db: &C,
    records: &[OccupationRecord],
    progress: &Progress,
) -> Result<(Vec<i32>, Vec<i32>), DbErr> {
    let codes: Vec<String> = records.iter().map(|r| r.code.clone()).collect();
    let existing = code_ids(db, &codes).await?;
    let total = records.len() as u64;
    progress.start("occupations", total);
    let mut done = 0;
    let models: Vec<occupation::ActiveModel> = records
        .iter()
        .map(|r| occupation::ActiveModel {
            code: Set(r.code.clone()),
            name: Set(r.name.clone()),
            definition: Set(r.definition.clone()),
            main_tasks: Set(r.main_tasks.clone()),
            is_digital: Set(r.is_digital),
            is_green: Set(r.is_green),
            minor_code: Set(r.minor_code.clone()),
            minor_name: Set(r.minor_name.clone()),
            medium_code: Set(r.medium_code.clone()),
            medium_name: Set(r.medium_name.clone()),
            major_code: Set(r.major_code.clone()),
            major_name: Set(r.major_name.clone()),
            ..Default::default()
        })
        .collect();
    let conflict = OnConflict::column(occupation::Column::Code)
        .update_columns([
            occupation::Column::Name,
            occupation::Column::Definition,
            occupation::Column::MainTasks,
            occupation::Column::IsDigital,
            occupation::Column::IsGreen,
            occupation::Column::MinorCode,
            occupation::Column::MinorName,
            occupation::Column::MediumCode,
            occupation::Column::MediumName,
            occupation::Column::MajorCode,
            occupation::Column::MajorName,
        ])
        .to_owned();
    upsert_batches(
        db,
        models,
        &conflict,
        BATCH / 2,
        (progress, "occupations", &mut done, total),
    )
    .await?;
    progress.finish();
    let ids = code_ids(db, &codes).await?;
    Ok(created_and_updated(&codes, &ids, |code| {
        existing.contains_key(code)
    }))
}

async fn code_ids<C: ConnectionTrait>(
    db: &C,
    codes: &[String],
) -> Result<HashMap<String, i32>, DbErr> {
    key_ids::<occupation::Entity, _>(db, occupation::Column::Code, occupation::Column::Id, codes)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_classification_mark_leaves_the_name_and_sets_its_flags() {
        assert_eq!(
            split_mark("物流工程技术人员L/"),
            (
                "物流工程技术人员",
                NameMark {
                    green: true,
                    digital: false
                }
            )
        );
        assert_eq!(
            split_mark("碳汇计量评估师L/S"),
            (
                "碳汇计量评估师",
                NameMark {
                    green: true,
                    digital: true
                }
            )
        );
        assert_eq!(split_mark("数字化管理师 S").0, "数字化管理师");
        assert!(split_mark("数字化管理师 S").1.digital);
        // Other Latin text is part of the name.
        assert_eq!(split_mark("CAD制图员").0, "CAD制图员");
        assert_eq!(split_mark("工业APP开发员").0, "工业APP开发员");
        assert_eq!(split_mark("焊工IT").0, "焊工IT");
        assert_eq!(split_mark("PLC").0, "PLC");
        assert_eq!(split_mark("焊工"), ("焊工", NameMark::default()));
    }
}
