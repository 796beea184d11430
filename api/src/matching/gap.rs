//! The supply–demand gap: demand of published postings against the supply
//! of programs, apprenticeship offers and training courses, per group of
//! occupations or of the program catalogue. The rules, as the README's
//! "The supply–demand gap" section states them:
//!
//! - **Period** `[from, to]` (days, both included).
//! - **Demand**: postings published (status `PUBLISHED` or `CLOSED`) whose
//!   validity overlaps the period: `valid_from` (else the day of
//!   publication) ≤ `to`, and `valid_until` empty or ≥ `from`. Each counts
//!   its headcount; a posting without one ("若干") counts
//!   [`DEFAULT_HEADCOUNT`].
//! - **Supply**: programs count their graduates a year × the period's
//!   share of a year (days / 365; a program without the figure counts 0);
//!   apprenticeship offers their places when their cooperation overlaps
//!   the period; training courses their capacity when their dates overlap
//!   it (a course without dates always does).
//! - **Occupations**: an object's figure is split equally over its linked
//!   occupations. A link the hub suggested (`SUGGESTED`) carries
//!   [`super::weights::SUGGESTED_LINK_FACTOR`] of its share, the rest
//!   stays unclassified; an object without occupations is unclassified.
//!   Courses take the occupations of the certificate they prepare for.
//! - **Groups**: the occupation itself or its 小类, 中类, 大类; or the
//!   catalogue's 专业类 / 专业大类: an occupation's figures are split
//!   equally over the classes of the programs linked to it anywhere in the
//!   city (none: "unmapped"), and a program's own graduates go to its own
//!   class.
//! - **Region**: a region code takes that region and the regions under
//!   it; objects without a region count only for the whole city (or no
//!   code). Programs are where their college is; courses where they are
//!   held, else where their provider is.
//! - **Result**: per group demand, supply (by kind), unmet demand
//!   `max(demand − supply, 0)`, surplus `max(supply − demand, 0)` and the
//!   ratio supply / demand (none without demand).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use entity::{catalogue_entry, occupation, region};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Statement};

use super::weights::SUGGESTED_LINK_FACTOR;

/// What a posting without a headcount counts.
pub const DEFAULT_HEADCOUNT: f64 = 1.0;
/// The key of figures without an occupation.
pub const UNCLASSIFIED: &str = "UNCLASSIFIED";
/// The key of occupations no program in the city is linked to (catalogue
/// groupings).
pub const UNMAPPED: &str = "UNMAPPED";

/// How the gap is grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    Occupation,
    OccupationMinor,
    OccupationMedium,
    OccupationMajor,
    CatalogueClass,
    CatalogueCategory,
}

/// One group's figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GapRow {
    pub key: String,
    pub label: String,
    pub demand: f64,
    pub supply_programs: f64,
    pub supply_offers: f64,
    pub supply_courses: f64,
}

impl GapRow {
    pub fn supply(&self) -> f64 {
        self.supply_programs + self.supply_offers + self.supply_courses
    }
    pub fn unmet(&self) -> f64 {
        (self.demand - self.supply()).max(0.0)
    }
    pub fn surplus(&self) -> f64 {
        (self.supply() - self.demand).max(0.0)
    }
    pub fn ratio(&self) -> Option<f64> {
        (self.demand > 0.0).then(|| self.supply() / self.demand)
    }
}

/// Why a gap cannot be computed.
#[derive(Debug)]
pub enum GapError {
    /// The input is wrong: what and why.
    Invalid(String),
    Database(DbErr),
}

impl From<DbErr> for GapError {
    fn from(error: DbErr) -> Self {
        GapError::Database(error)
    }
}

/// The regions a code stands for (itself and those under it), and whether
/// objects without a region count (the whole city).
pub(crate) async fn region_scope<C: ConnectionTrait>(
    db: &C,
    code: Option<&str>,
) -> Result<Option<(Vec<i32>, bool)>, GapError> {
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let regions = region::Entity::find().all(db).await?;
    let Some(root) = regions.iter().find(|r| r.code == code) else {
        return Err(GapError::Invalid(format!(
            "no region with code `{code}` (e.g. 220200 for 吉林市, 220202 for 昌邑区)"
        )));
    };
    let mut ids = vec![root.id];
    let mut frontier = vec![root.id];
    while let Some(parent) = frontier.pop() {
        for child in regions.iter().filter(|r| r.parent_id == Some(parent)) {
            ids.push(child.id);
            frontier.push(child.id);
        }
    }
    Ok(Some((ids, root.parent_id.is_none())))
}

/// A condition on `column` for the regions of `scope`; `none` is the
/// condition of "no region" (`IS NULL`, or `= 0` in the tally).
pub(crate) fn region_condition(
    column: &str,
    scope: &Option<(Vec<i32>, bool)>,
    none: &str,
) -> String {
    match scope {
        None => "1 = 1".to_string(),
        Some((ids, whole_city)) => {
            let list = ids
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            if *whole_city {
                format!("({column} IN ({list}) OR {column} {none})")
            } else {
                format!("{column} IN ({list})")
            }
        }
    }
}

/// Per occupation (or `None`: unclassified), a figure.
type ByOccupation = HashMap<Option<i32>, f64>;

/// Adds rows of `(occupation_id, provenance, share)` and unlinked totals.
async fn collect<C: ConnectionTrait>(
    db: &C,
    linked_sql: String,
    unlinked_sql: String,
    factor: f64,
) -> Result<ByOccupation, DbErr> {
    let backend = db.get_database_backend();
    let mut figures: ByOccupation = HashMap::new();
    for row in db
        .query_all_raw(Statement::from_string(backend, linked_sql))
        .await?
    {
        let occupation: i32 = row.try_get_by_index(0)?;
        let provenance: String = row.try_get_by_index(1)?;
        let share: f64 = row.try_get_by_index::<Option<f64>>(2)?.unwrap_or(0.0) * factor;
        add_share(&mut figures, Some(occupation), &provenance, share);
    }
    if let Some(row) = db
        .query_one_raw(Statement::from_string(backend, unlinked_sql))
        .await?
    {
        let total: f64 = row.try_get_by_index::<Option<f64>>(0)?.unwrap_or(0.0) * factor;
        *figures.entry(None).or_default() += total;
    }
    Ok(figures)
}

/// Adds a share to its occupation; a suggested link's share only in part,
/// the rest stays unclassified.
fn add_share(figures: &mut ByOccupation, occupation: Option<i32>, provenance: &str, share: f64) {
    if occupation.is_some() && provenance == "SUGGESTED" {
        *figures.entry(occupation).or_default() += share * SUGGESTED_LINK_FACTOR;
        *figures.entry(None).or_default() += share * (1.0 - SUGGESTED_LINK_FACTOR);
    } else {
        *figures.entry(occupation).or_default() += share;
    }
}

fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The gap for `[from, to]`, a region code and a grouping: every group
/// with demand or supply, in key order.
pub async fn compute(
    db: &DatabaseConnection,
    from: NaiveDate,
    to: NaiveDate,
    region_code: Option<&str>,
    grouping: Grouping,
) -> Result<Vec<GapRow>, GapError> {
    if to < from {
        return Err(GapError::Invalid(format!(
            "the period ends ({to}) before it starts ({from})"
        )));
    }
    let days = (to - from).num_days() + 1;
    if days > 366 * 10 {
        return Err(GapError::Invalid(format!(
            "the period is {days} days long; at most ten years are computed"
        )));
    }
    let scope = region_scope(db, region_code).await?;
    let (from_day, to_day) = (day(from), day(to));

    // Demand, from the tally (brought up to date with every committed
    // write first).
    super::tally::catch_up(db).await?;
    let mut demand: ByOccupation = HashMap::new();
    for (occupation, provenance, total) in super::tally::demand(
        db,
        &from_day,
        &to_day,
        &region_condition("region_id", &scope, "= 0"),
    )
    .await?
    {
        add_share(&mut demand, occupation, &provenance, total);
    }

    // Supply: programs (annual graduates × share of a year).
    let year_share = days as f64 / 365.0;
    let program_filter = region_condition("c.region_id", &scope, "IS NULL");
    let programs = collect(
        db,
        format!(
            "SELECT l.occupation_id, l.provenance, \
                    CAST(SUM(COALESCE(pr.graduates_per_year, 0) * 1.0 / n.links) AS DOUBLE PRECISION) \
             FROM program pr JOIN college c ON c.id = pr.college_id \
             JOIN program_occupation l ON l.program_id = pr.id \
             JOIN (SELECT program_id, COUNT(*) AS links FROM program_occupation GROUP BY program_id) n \
               ON n.program_id = pr.id \
             WHERE {program_filter} GROUP BY l.occupation_id, l.provenance"
        ),
        format!(
            "SELECT CAST(SUM(COALESCE(pr.graduates_per_year, 0) * 1.0) AS DOUBLE PRECISION) FROM program pr \
             JOIN college c ON c.id = pr.college_id WHERE {program_filter} \
               AND NOT EXISTS (SELECT 1 FROM program_occupation l WHERE l.program_id = pr.id)"
        ),
        year_share,
    )
    .await?;
    let offer_filter = format!(
        "o.cooperation_start <= '{to_day}' AND o.cooperation_end >= '{from_day}' AND {}",
        region_condition("o.region_id", &scope, "IS NULL")
    );
    let offers = collect(
        db,
        format!(
            "SELECT l.occupation_id, l.provenance, CAST(SUM(o.places * 1.0 / n.links) AS DOUBLE PRECISION) \
             FROM apprenticeship_offer o JOIN offer_occupation l ON l.offer_id = o.id \
             JOIN (SELECT offer_id, COUNT(*) AS links FROM offer_occupation GROUP BY offer_id) n \
               ON n.offer_id = o.id \
             WHERE {offer_filter} GROUP BY l.occupation_id, l.provenance"
        ),
        format!(
            "SELECT CAST(SUM(o.places * 1.0) AS DOUBLE PRECISION) FROM apprenticeship_offer o WHERE {offer_filter} \
               AND NOT EXISTS (SELECT 1 FROM offer_occupation l WHERE l.offer_id = o.id)"
        ),
        1.0,
    )
    .await?;
    let course_filter = format!(
        "(t.starts_on IS NULL OR t.starts_on <= '{to_day}') \
         AND (t.ends_on IS NULL OR t.ends_on >= '{from_day}') AND {}",
        region_condition("COALESCE(t.region_id, c.region_id)", &scope, "IS NULL")
    );
    let courses = collect(
        db,
        format!(
            "SELECT l.occupation_id, l.provenance, CAST(SUM(t.capacity * 1.0 / n.links) AS DOUBLE PRECISION) \
             FROM training_course t JOIN college c ON c.id = t.provider_id \
             JOIN certificate_occupation l ON l.certificate_id = t.certificate_id \
             JOIN (SELECT certificate_id, COUNT(*) AS links FROM certificate_occupation GROUP BY certificate_id) n \
               ON n.certificate_id = t.certificate_id \
             WHERE {course_filter} GROUP BY l.occupation_id, l.provenance"
        ),
        format!(
            "SELECT CAST(SUM(t.capacity * 1.0) AS DOUBLE PRECISION) FROM training_course t JOIN college c ON c.id = t.provider_id \
             WHERE {course_filter} AND NOT EXISTS \
               (SELECT 1 FROM certificate_occupation l WHERE l.certificate_id = t.certificate_id)"
        ),
        1.0,
    )
    .await?;

    let groups = Groups::load(db, grouping).await?;
    let mut rows: BTreeMap<String, GapRow> = BTreeMap::new();
    let mut add = |figures: &ByOccupation, apply: fn(&mut GapRow, f64)| {
        for (occupation, value) in figures {
            for (key, label, weight) in groups.of(*occupation) {
                let row = rows.entry(key.clone()).or_insert_with(|| GapRow {
                    key: key.clone(),
                    label: label.clone(),
                    ..Default::default()
                });
                apply(row, value * weight);
            }
        }
    };
    add(&demand, |row, v| row.demand += v);
    add(&offers, |row, v| row.supply_offers += v);
    add(&courses, |row, v| row.supply_courses += v);
    if groups.catalogue {
        // A program's own graduates go to its own class or category.
        let own = program_supply_by_entry(db, &program_filter, year_share).await?;
        for (entry, value) in own {
            let (key, label) = groups.entry_group(entry);
            let row = rows.entry(key.clone()).or_insert_with(|| GapRow {
                key,
                label,
                ..Default::default()
            });
            row.supply_programs += value;
        }
    } else {
        add(&programs, |row, v| row.supply_programs += v);
    }
    Ok(rows
        .into_values()
        .map(|mut row| {
            for value in [
                &mut row.demand,
                &mut row.supply_programs,
                &mut row.supply_offers,
                &mut row.supply_courses,
            ] {
                *value = (*value * 100.0).round() / 100.0;
            }
            row
        })
        .filter(|row| row.demand > 0.0 || row.supply() > 0.0)
        .collect())
}

/// Programs' graduates (× the period's share of a year) per catalogue
/// entry (`None`: off the catalogue).
async fn program_supply_by_entry<C: ConnectionTrait>(
    db: &C,
    program_filter: &str,
    year_share: f64,
) -> Result<HashMap<Option<i32>, f64>, DbErr> {
    let mut supply = HashMap::new();
    for row in db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT pr.catalogue_entry_id, CAST(SUM(COALESCE(pr.graduates_per_year, 0) * 1.0) AS DOUBLE PRECISION) \
                 FROM program pr JOIN college c ON c.id = pr.college_id \
                 WHERE {program_filter} GROUP BY pr.catalogue_entry_id"
            ),
        ))
        .await?
    {
        let entry: Option<i32> = row.try_get_by_index(0)?;
        let value: f64 = row.try_get_by_index::<Option<f64>>(1)?.unwrap_or(0.0);
        supply.insert(entry, value * year_share);
    }
    Ok(supply)
}

/// Where an occupation's figures go: `(key, label, weight)`s.
struct Groups {
    catalogue: bool,
    occupations: HashMap<i32, Vec<(String, String, f64)>>,
    entries: HashMap<i32, (String, String)>,
}

impl Groups {
    async fn load<C: ConnectionTrait>(db: &C, grouping: Grouping) -> Result<Self, DbErr> {
        let occupations = occupation::Entity::find().all(db).await?;
        let entries: Vec<catalogue_entry::Model> = catalogue_entry::Entity::find().all(db).await?;
        let catalogue = matches!(
            grouping,
            Grouping::CatalogueClass | Grouping::CatalogueCategory
        );
        let entry_group = |entry: &catalogue_entry::Model| -> (String, String) {
            let level = entry.education_level.label();
            match (grouping, &entry.class_code, &entry.class_name) {
                (Grouping::CatalogueClass, Some(code), Some(name)) => {
                    (code.clone(), format!("{name}（{level}）"))
                }
                _ => (
                    entry.category_code.clone(),
                    format!("{}（{level}）", entry.category_name),
                ),
            }
        };
        let entry_groups: HashMap<i32, (String, String)> =
            entries.iter().map(|e| (e.id, entry_group(e))).collect();
        let mut map: HashMap<i32, Vec<(String, String, f64)>> = HashMap::new();
        if catalogue {
            // The classes of the programs linked to each occupation.
            let rows = db
                .query_all_raw(Statement::from_string(
                    db.get_database_backend(),
                    "SELECT DISTINCT l.occupation_id, pr.catalogue_entry_id FROM program_occupation l \
                     JOIN program pr ON pr.id = l.program_id WHERE pr.catalogue_entry_id IS NOT NULL"
                        .to_string(),
                ))
                .await?;
            let mut keys: HashMap<i32, HashSet<(String, String)>> = HashMap::new();
            for row in rows {
                let occupation: i32 = row.try_get_by_index(0)?;
                let entry: i32 = row.try_get_by_index(1)?;
                if let Some(group) = entry_groups.get(&entry) {
                    keys.entry(occupation).or_default().insert(group.clone());
                }
            }
            for (occupation, groups) in keys {
                let weight = 1.0 / groups.len() as f64;
                let mut list: Vec<(String, String, f64)> = groups
                    .into_iter()
                    .map(|(key, label)| (key, label, weight))
                    .collect();
                list.sort_by(|a, b| a.0.cmp(&b.0));
                map.insert(occupation, list);
            }
        } else {
            for o in occupations {
                let (key, label) = match grouping {
                    Grouping::Occupation => (o.code, o.name),
                    Grouping::OccupationMinor => (o.minor_code, o.minor_name),
                    Grouping::OccupationMedium => (o.medium_code, o.medium_name),
                    _ => (o.major_code, o.major_name),
                };
                map.insert(o.id, vec![(key, label, 1.0)]);
            }
        }
        Ok(Groups {
            catalogue,
            occupations: map,
            entries: entry_groups,
        })
    }

    fn of(&self, occupation: Option<i32>) -> Vec<(String, String, f64)> {
        match occupation {
            None => vec![(UNCLASSIFIED.to_string(), "未归类职业".to_string(), 1.0)],
            Some(id) => self.occupations.get(&id).cloned().unwrap_or_else(|| {
                vec![(UNMAPPED.to_string(), "无对应专业的职业".to_string(), 1.0)]
            }),
        }
    }

    fn entry_group(&self, entry: Option<i32>) -> (String, String) {
        entry
            .and_then(|id| self.entries.get(&id).cloned())
            .unwrap_or_else(|| ("OFF_CATALOGUE".to_string(), "目录外专业".to_string()))
    }
}

/// The gap as CSV for Excel and WPS: UTF-8 with a byte-order mark, CRLF
/// line ends, a header row naming each column in Chinese with its English
/// code, shortages first (largest unmet demand first), then the rest by key.
pub fn to_csv(rows: &[GapRow]) -> Result<Vec<u8>, csv::Error> {
    let mut sorted: Vec<&GapRow> = rows.iter().collect();
    sorted.sort_by(|a, b| {
        b.unmet()
            .total_cmp(&a.unmet())
            .then_with(|| a.key.cmp(&b.key))
    });
    let number = |value: f64| format!("{value:.2}");
    crate::spreadsheet::csv(
        &CSV_HEADER,
        sorted.into_iter().map(|row| {
            [
                row.key.clone(),
                row.label.clone(),
                number(row.demand),
                number(row.supply()),
                number(row.supply_programs),
                number(row.supply_offers),
                number(row.supply_courses),
                number(row.unmet()),
                number(row.surplus()),
                row.ratio().map(|r| format!("{r:.3}")).unwrap_or_default(),
            ]
        }),
    )
}

/// The CSV's header: Chinese name and English code of each column.
pub const CSV_HEADER: [&str; 10] = [
    "分组代码 (key)",
    "分组名称 (label)",
    "需求人数 (demand)",
    "供给合计 (supply)",
    "专业毕业生 (supply_programs)",
    "学徒与实习名额 (supply_offers)",
    "培训容量 (supply_courses)",
    "缺口 (unmet)",
    "富余 (surplus)",
    "供需比 (ratio)",
];

impl std::str::FromStr for Grouping {
    type Err = String;

    /// `OCCUPATION`, `occupation-minor`, `catalogue_class`...
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_uppercase().replace('-', "_").as_str() {
            "OCCUPATION" => Ok(Grouping::Occupation),
            "OCCUPATION_MINOR" => Ok(Grouping::OccupationMinor),
            "OCCUPATION_MEDIUM" => Ok(Grouping::OccupationMedium),
            "OCCUPATION_MAJOR" => Ok(Grouping::OccupationMajor),
            "CATALOGUE_CLASS" => Ok(Grouping::CatalogueClass),
            "CATALOGUE_CATEGORY" => Ok(Grouping::CatalogueCategory),
            other => Err(format!(
                "unknown grouping `{other}`: OCCUPATION, OCCUPATION_MINOR, OCCUPATION_MEDIUM, \
                 OCCUPATION_MAJOR, CATALOGUE_CLASS or CATALOGUE_CATEGORY"
            )),
        }
    }
}
