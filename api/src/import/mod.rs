//! Import of real files: the 2021 program catalogue, the 2022 occupation
//! classification, programs of colleges in 吉林市 and job postings.
//!
//! Every import reads the whole file first. A row it cannot read is
//! reported with file, line, field and reason; a file with any such row
//! imports nothing unless bad rows are skipped. The rows that pass are
//! written in one transaction, as upserts on their natural key, so running
//! an import again updates rows instead of duplicating them.

pub mod catalogue;
pub mod colleges;
pub mod occupations;
pub mod parse;
pub mod postings;
pub mod progress;

use std::{fmt, path::Path};

use entity::enums::ChangeOperation;
use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait,
};
use serde::de::DeserializeOwned;

pub use progress::Progress;

use crate::services::write::{self, Write};

/// What `hub import` can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportKind {
    /// programs/vocational_catalog_2021.csv: 职业教育专业目录(2021年)
    Catalogue,
    /// occupations/occupations_2022.csv: 职业分类大典(2022年版)
    Occupations,
    /// colleges/jilin_city_college_programs_distinct.csv
    CollegePrograms,
    /// postings/*.csv: 51job and zhilian exports
    Postings,
}

/// One row that could not be read, or was read with a caveat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    pub file: String,
    pub line: u64,
    pub field: String,
    pub reason: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}:{}: field `{}`: {}",
            self.file, self.line, self.field, self.reason
        )
    }
}

/// What an import did.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    pub file: String,
    /// Data rows in the file.
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    /// Bad rows left out (only with `--skip-bad-rows`).
    pub skipped: Vec<RowProblem>,
    /// Rows imported with a caveat, or left out as repeats of earlier rows.
    pub warnings: Vec<RowProblem>,
    /// Anything else worth telling, e.g. program names without a catalogue
    /// match.
    pub notes: Vec<String>,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}: {} rows read, {} created, {} updated, {} bad rows skipped, {} warnings",
            self.file,
            self.rows,
            self.created,
            self.updated,
            self.skipped.len(),
            self.warnings.len()
        )
    }
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {file}: {reason}")]
    File { file: String, reason: String },
    #[error("{file}: {} bad rows, nothing imported (use --skip-bad-rows to import the rest):\n{}", problems.len(), list(problems))]
    BadRows {
        file: String,
        problems: Vec<RowProblem>,
    },
    #[error("database error while importing {file}: {source}")]
    Database { file: String, source: DbErr },
}

fn list(problems: &[RowProblem]) -> String {
    const SHOWN: usize = 50;
    let mut text: Vec<String> = problems
        .iter()
        .take(SHOWN)
        .map(|p| format!("  {p}"))
        .collect();
    if problems.len() > SHOWN {
        text.push(format!("  ... and {} more", problems.len() - SHOWN));
    }
    text.join("\n")
}

/// How to import.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions {
    pub skip_bad_rows: bool,
}

/// Imports `path` as `kind` into the database.
pub async fn import_file(
    db: &sea_orm::DatabaseConnection,
    kind: ImportKind,
    path: &Path,
    options: ImportOptions,
    progress: &Progress,
) -> Result<ImportReport, ImportError> {
    match kind {
        ImportKind::Catalogue => catalogue::import(db, path, options, progress).await,
        ImportKind::Occupations => occupations::import(db, path, options, progress).await,
        ImportKind::CollegePrograms => colleges::import(db, path, options, progress).await,
        ImportKind::Postings => postings::import(db, path, options, progress).await,
    }
}

/// A CSV file read into rows of `T` with their line numbers; rows that do
/// not deserialize become problems.
pub(crate) struct CsvRows<T> {
    pub file: String,
    pub headers: Vec<String>,
    pub rows: Vec<(u64, T)>,
    pub problems: Vec<RowProblem>,
}

pub(crate) fn read_csv<T: DeserializeOwned>(
    path: &Path,
    required: &[&str],
) -> Result<CsvRows<T>, ImportError> {
    let file = path.display().to_string();
    let file_error = |reason: String| ImportError::File {
        file: file.clone(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|error| file_error(error.to_string()))?;
    // Lines are counted from the bytes, as an editor shows them: the csv
    // reader's own count is one short on files with CRLF line ends.
    let line_starts: Vec<u64> = std::iter::once(0)
        .chain(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, byte)| **byte == b'\n')
                .map(|(index, _)| index as u64 + 1),
        )
        .collect();
    let line_at = |position: Option<&csv::Position>| -> u64 {
        position.map_or(0, |position| {
            // After a CR the reader's position may still point at the LF
            // ending the line before: a record starts past line ends.
            let mut start = position.byte();
            while bytes
                .get(start as usize)
                .is_some_and(|byte| matches!(byte, b'\r' | b'\n'))
            {
                start += 1;
            }
            line_starts.partition_point(|line| *line <= start) as u64
        })
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(bytes.as_slice());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|error| file_error(error.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|name| !headers.iter().any(|h| h == name))
        .collect();
    if !missing.is_empty() {
        return Err(file_error(format!(
            "the header lacks the column(s) {}; found {}",
            missing.join(", "),
            headers.join(", ")
        )));
    }
    let header_record = csv::StringRecord::from(headers.clone());
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = line_at(record.position());
                match record.deserialize::<T>(Some(&header_record)) {
                    Ok(row) => rows.push((line, row)),
                    Err(error) => problems.push(RowProblem {
                        file: file.clone(),
                        line,
                        field: deserialize_field(&error, &headers),
                        reason: error.to_string(),
                    }),
                }
            }
            Err(error) => {
                let line = line_at(error.position());
                problems.push(RowProblem {
                    file: file.clone(),
                    line,
                    field: "(row)".into(),
                    reason: error.to_string(),
                });
            }
        }
    }
    Ok(CsvRows {
        file,
        headers,
        rows,
        problems,
    })
}

fn deserialize_field(error: &csv::Error, headers: &[String]) -> String {
    if let csv::ErrorKind::Deserialize { err, .. } = error.kind() {
        if let Some(index) = err.field() {
            return headers
                .get(index as usize)
                .cloned()
                .unwrap_or_else(|| format!("#{index}"));
        }
    }
    "(row)".to_string()
}

/// Applies the bad-row policy: with problems and without `skip`, nothing
/// is imported.
pub(crate) fn check_problems(
    file: &str,
    problems: Vec<RowProblem>,
    options: ImportOptions,
) -> Result<Vec<RowProblem>, ImportError> {
    if !problems.is_empty() && !options.skip_bad_rows {
        return Err(ImportError::BadRows {
            file: file.to_string(),
            problems,
        });
    }
    Ok(problems)
}

/// Problems for the values longer than their column allows: `(field,
/// value, most characters)`.
pub(crate) fn check_lengths(
    file: &str,
    line: u64,
    values: &[(&str, &str, usize)],
) -> Vec<RowProblem> {
    values
        .iter()
        .filter(|(_, value, max)| value.chars().count() > *max)
        .map(|(field, value, max)| {
            problem(
                file,
                line,
                field,
                format!(
                    "{} characters, at most {max} are allowed",
                    value.chars().count()
                ),
            )
        })
        .collect()
}

pub(crate) fn problem(file: &str, line: u64, field: &str, reason: impl Into<String>) -> RowProblem {
    RowProblem {
        file: file.to_string(),
        line,
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// Rows per multi-row INSERT (well below SQLite's and PostgreSQL's bind
/// parameter limits for the widest table).
pub(crate) const BATCH: usize = 400;

/// Ids of the rows of `E` whose `key_column` is one of `keys`.
pub(crate) async fn key_ids<E, C>(
    db: &C,
    key_column: E::Column,
    id_column: E::Column,
    keys: &[String],
) -> Result<std::collections::HashMap<String, i32>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let mut found = std::collections::HashMap::new();
    for chunk in keys.chunks(BATCH * 4) {
        let rows = E::find()
            .select_only()
            .column(key_column)
            .column(id_column)
            .filter(key_column.is_in(chunk.to_vec()))
            .into_tuple::<(String, i32)>()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// Maps a database error of an import to its `ImportError`.
pub(crate) fn database_error(file: &str) -> impl Fn(DbErr) -> ImportError + '_ {
    move |source| ImportError::Database {
        file: file.to_string(),
        source,
    }
}

/// Begins the one write transaction of an import.
pub(crate) async fn begin(
    db: &DatabaseConnection,
    file: &str,
) -> Result<Write<DatabaseTransaction>, ImportError> {
    write::begin(db).await.map_err(database_error(file))
}

/// Logs the written rows to the change log, commits, and counts them into
/// the report.
pub(crate) async fn finish(
    mut txn: Write<DatabaseTransaction>,
    report: &mut ImportReport,
    entity: &str,
    (created, updated): (Vec<i32>, Vec<i32>),
) -> Result<(), ImportError> {
    txn.record_many(entity, &created, ChangeOperation::Create);
    txn.record_many(entity, &updated, ChangeOperation::Update);
    txn.commit().await.map_err(database_error(&report.file))?;
    report.created = created.len();
    report.updated = updated.len();
    Ok(())
}

/// Inserts `models` in batches, updating rows that conflict, and reports
/// progress as `done` of `total`.
pub(crate) async fn upsert_batches<A, C>(
    db: &C,
    models: Vec<A>,
    conflict: &OnConflict,
    batch: usize,
    progress: (&Progress, &str, &mut u64, u64),
) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Clone + Send,
    C: ConnectionTrait,
{
    let (progress, phase, done, total) = progress;
    for chunk in models.chunks(batch) {
        <A::Entity as EntityTrait>::insert_many(chunk.to_vec())
            .on_conflict(conflict.clone())
            .exec_without_returning(db)
            .await?;
        *done += chunk.len() as u64;
        progress.advance(phase, *done, total);
    }
    Ok(())
}

/// Splits the ids of written rows, by key, into created and updated.
pub(crate) fn created_and_updated(
    keys: &[String],
    ids: &std::collections::HashMap<String, i32>,
    existed: impl Fn(&str) -> bool,
) -> (Vec<i32>, Vec<i32>) {
    let mut created = Vec::new();
    let mut updated = Vec::new();
    for key in keys {
        if let Some(id) = ids.get(key) {
            if existed(key) {
                updated.push(*id);
            } else {
                created.push(*id);
            }
        }
    }
    (created, updated)
}

#[cfg(test)]
mod line_tests {
    use super::*;

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Row {
        name: String,
        count: u32,
    }

    fn lines_of_problems(text: &str) -> Vec<u64> {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        std::io::Write::write_all(&mut file, text.as_bytes()).expect("write");
        let csv = read_csv::<Row>(file.path(), &["name", "count"]).expect("readable");
        csv.problems.iter().map(|p| p.line).collect()
    }

    #[test]
    fn problems_name_the_line_where_their_record_starts() {
        // Line 1 header, 2 good, 3 bad.
        assert_eq!(lines_of_problems("name,count\na,1\nb,x\n"), vec![3]);
        // A quoted field spans lines 3-4; the bad record starts on line 5.
        assert_eq!(
            lines_of_problems("name,count\na,1\n\"two\nlines\",2\nc,x\n"),
            vec![5]
        );
        // The multi-line record itself is bad: it starts on line 3.
        assert_eq!(
            lines_of_problems("name,count\na,1\n\"two\nlines\",x\nc,4\n"),
            vec![3]
        );
        // CRLF line ends count the same, multi-line records too.
        assert_eq!(lines_of_problems("name,count\r\na,1\r\nb,x\r\n"), vec![3]);
        assert_eq!(
            lines_of_problems("name,count\r\na,1\r\n\"two\r\nlines\",2\r\nc,x\r\n"),
            vec![5]
        );
    }
}
