//! The built-in reference tables: codes, names and hierarchy of the
//! 职业教育专业目录(2021年) (all 1,681 entries) and of the
//! 职业分类大典(2022年版) (all 1,608 occupations with their 小类, 中类
//! and 大类). They are facts of two national standards, kept in
//! `api/reference/*.tsv` and compiled into the hub, so a hub with zero
//! configuration knows every code. Definitions and task texts are not
//! part of them: `hub import occupations` fills those in for the same
//! codes.
//!
//! The files are generated from the source files with
//! `hub reference-tables --data <dir with programs/ and occupations/>`
//! (see `scripts/refresh-reference-tables`), through the same readers and
//! checks as `hub import`.

use std::{collections::HashSet, path::Path};

use anyhow::Context;
use entity::enums::ChangeOperation;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, QuerySelect};
use serde::{Deserialize, Serialize};

use crate::{
    import::{
        catalogue::{self, CatalogueRecord},
        occupations::{self, OccupationRecord},
        ImportOptions, Progress,
    },
    services::{self, write::lock_named},
};

/// File names of the tables in `api/reference`.
pub const CATALOGUE_FILE: &str = "catalogue_2021.tsv";
pub const OCCUPATIONS_FILE: &str = "occupations_2022.tsv";

const CATALOGUE_TSV: &str = include_str!("../reference/catalogue_2021.tsv");
const OCCUPATIONS_TSV: &str = include_str!("../reference/occupations_2022.tsv");

/// Serialises the loading of the tables of hubs starting together on one
/// PostgreSQL database.
const REFERENCE_LOCK: i64 = 0x6875_625f_7265_6673; // "hub_refs"

/// One occupation of the table: everything but the texts.
#[derive(Serialize, Deserialize)]
struct OccupationRow {
    code: String,
    name: String,
    is_digital: bool,
    is_green: bool,
    minor_code: String,
    minor_name: String,
    medium_code: String,
    medium_name: String,
    major_code: String,
    major_name: String,
}

impl From<&OccupationRecord> for OccupationRow {
    fn from(record: &OccupationRecord) -> Self {
        Self {
            code: record.code.clone(),
            name: record.name.clone(),
            is_digital: record.is_digital,
            is_green: record.is_green,
            minor_code: record.minor_code.clone(),
            minor_name: record.minor_name.clone(),
            medium_code: record.medium_code.clone(),
            medium_name: record.medium_name.clone(),
            major_code: record.major_code.clone(),
            major_name: record.major_name.clone(),
        }
    }
}

impl From<OccupationRow> for OccupationRecord {
    fn from(row: OccupationRow) -> Self {
        Self {
            code: row.code,
            name: row.name,
            definition: String::new(),
            main_tasks: String::new(),
            is_digital: row.is_digital,
            is_green: row.is_green,
            minor_code: row.minor_code,
            minor_name: row.minor_name,
            medium_code: row.medium_code,
            medium_name: row.medium_name,
            major_code: row.major_code,
            major_name: row.major_name,
        }
    }
}

fn parse_tsv<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> anyhow::Result<Vec<T>> {
    csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .quoting(false)
        .from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(index, row)| {
            row.with_context(|| format!("{name}: line {} is not a valid row", index + 2))
        })
        .collect()
}

fn write_tsv<T: Serialize>(path: &Path, rows: impl IntoIterator<Item = T>) -> anyhow::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .quote_style(csv::QuoteStyle::Never)
        .from_path(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    for row in rows {
        writer.serialize(row)?;
    }
    writer.flush()?;
    Ok(())
}

/// The 1,681 entries of the program catalogue, parents before children.
pub fn catalogue_entries() -> anyhow::Result<Vec<CatalogueRecord>> {
    parse_tsv(CATALOGUE_FILE, CATALOGUE_TSV)
}

/// The 1,608 occupations, without definitions and tasks.
pub fn occupation_entries() -> anyhow::Result<Vec<OccupationRecord>> {
    let rows: Vec<OccupationRow> = parse_tsv(OCCUPATIONS_FILE, OCCUPATIONS_TSV)?;
    Ok(rows.into_iter().map(OccupationRecord::from).collect())
}

/// Regenerates the tables in `out` from the source files under `data`
/// (`programs/vocational_catalog_2021.csv`,
/// `occupations/occupations_2022.csv`), read exactly as `hub import`
/// reads them. Returns how many entries and occupations were written.
pub fn generate(data: &Path, out: &Path) -> anyhow::Result<(usize, usize)> {
    let strict = ImportOptions {
        skip_bad_rows: false,
    };
    let (entries, _) = catalogue::read(&data.join("programs/vocational_catalog_2021.csv"), strict)?;
    let (occupations, report) =
        occupations::read(&data.join("occupations/occupations_2022.csv"), strict)?;
    for warning in &report.warnings {
        tracing::warn!("{warning}");
    }
    for text in entries
        .iter()
        .map(|e| e.name.as_str())
        .chain(occupations.iter().map(|o| o.name.as_str()))
    {
        anyhow::ensure!(
            !text.contains(['\t', '\n', '\r']),
            "「{text}」 holds a tab or line break, which the tables cannot store"
        );
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    write_tsv(&out.join(CATALOGUE_FILE), &entries)?;
    write_tsv(
        &out.join(OCCUPATIONS_FILE),
        occupations.iter().map(OccupationRow::from),
    )?;
    Ok((entries.len(), occupations.len()))
}

/// Inserts the codes of the tables the database does not have yet (on
/// first start: all of them), in one transaction that also records them
/// in the change log, so they are indexed. Entries already there, such as
/// imported ones with their definitions, are left as they are. Returns
/// how many rows were added.
pub async fn ensure(db: &DatabaseConnection) -> anyhow::Result<usize> {
    let entries = catalogue_entries()?;
    let all_occupations = occupation_entries()?;
    let mut write = services::begin(db).await?;
    lock_named(write.db(), REFERENCE_LOCK).await?;
    let known = known_codes::<entity::catalogue_entry::Entity, _>(
        write.db(),
        entity::catalogue_entry::Column::Code,
    )
    .await?;
    let missing_entries: Vec<CatalogueRecord> = entries
        .into_iter()
        .filter(|entry| !known.contains(&entry.code))
        .collect();
    let known =
        known_codes::<entity::occupation::Entity, _>(write.db(), entity::occupation::Column::Code)
            .await?;
    let missing_occupations: Vec<OccupationRecord> = all_occupations
        .into_iter()
        .filter(|occupation| !known.contains(&occupation.code))
        .collect();
    let added = missing_entries.len() + missing_occupations.len();
    if added == 0 {
        return Ok(0);
    }
    let silent = Progress::silent();
    let (created, _) = catalogue::upsert(write.db(), &missing_entries, &silent).await?;
    write.record_many("CatalogueEntry", &created, ChangeOperation::Create);
    let (created, _) = occupations::upsert(write.db(), &missing_occupations, &silent).await?;
    write.record_many("Occupation", &created, ChangeOperation::Create);
    write.commit().await?;
    Ok(added)
}

/// Every value of a table's code column.
async fn known_codes<E: EntityTrait, C: ConnectionTrait>(
    db: &C,
    column: E::Column,
) -> Result<HashSet<String>, sea_orm::DbErr> {
    let codes: Vec<String> = E::find()
        .select_only()
        .column(column)
        .into_tuple()
        .all(db)
        .await?;
    Ok(codes.into_iter().collect())
}
