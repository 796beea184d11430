//! The policy's indicators for one year and region (吉市政办发〔2022〕32号):
//! what 市教育局 and 市人社局 read to follow the programmes. Every figure
//! carries the sentence that says how it is computed; `indicators(year:,
//! regionCode:)` and `GET /export/indicators.csv` show the same rows.
//!
//! The region (a code; none: the whole city) selects colleges (activities,
//! programs) by their region, offers and postings by theirs; objects
//! without a region count for the whole city only, as in the gap.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};

use crate::matching::gap::{region_condition, region_scope, GapError};

/// 职业启蒙 and labour-education participants a year the policy asks for.
pub const OUTREACH_TARGET: f64 = 5_000.0;
/// The window of an association's recent publication activity.
pub const RECENT_DAYS: i64 = 90;

/// One figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// `OUTREACH`, `COOPERATION`, `ASSOCIATIONS`, `PROGRAMS`.
    pub section: &'static str,
    /// A stable key, e.g. `outreach.participants`.
    pub key: &'static str,
    /// What the figure is about when a key repeats: a kind, a cycle
    /// length, an association, a catalogue category.
    pub subject: Option<String>,
    pub label: &'static str,
    pub value: f64,
    pub unit: &'static str,
    /// The policy's target, when it sets one.
    pub target: Option<f64>,
    /// How the figure is computed.
    pub method: &'static str,
}

impl Figure {
    /// Whether the target is met (`None` without a target).
    pub fn met(&self) -> Option<bool> {
        self.target.map(|target| self.value >= target)
    }
}

/// The indicators of a year and region.
#[derive(Clone, Debug)]
pub struct Indicators {
    pub year: i32,
    pub region_code: Option<String>,
    /// The end of the 90-day window of publication activity: the year's
    /// last day, or today for the current year.
    pub recent_until: NaiveDate,
    pub figures: Vec<Figure>,
}

async fn rows<C: ConnectionTrait>(db: &C, sql: String) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
}

fn outreach_label(kind: &str) -> String {
    match kind {
        "CAREER_AWAKENING" => "职业启蒙教育 (CAREER_AWAKENING)".to_string(),
        "LABOUR_EDUCATION" => "劳动教育 (LABOUR_EDUCATION)".to_string(),
        "VOCATIONAL_EXPERIENCE" => "职业体验 (VOCATIONAL_EXPERIENCE)".to_string(),
        other => other.to_string(),
    }
}

/// Computes the indicators. `today` bounds the publication window of the
/// current year.
pub async fn compute(
    db: &DatabaseConnection,
    year: i32,
    region_code: Option<&str>,
    today: NaiveDate,
) -> Result<Indicators, GapError> {
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(GapError::Invalid(format!("{year} is not a year")));
    };
    if !(2000..=2100).contains(&year) {
        return Err(GapError::Invalid(format!(
            "the year {year} is outside 2000–2100"
        )));
    }
    let scope = region_scope(db, region_code).await?;
    let (from, to) = (first.to_string(), last.to_string());
    let mut figures = Vec::new();

    // 职业启蒙 and labour education at college bases.
    let colleges = region_condition("c.region_id", &scope, "IS NULL");
    let mut by_kind: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for row in rows(
        db,
        format!(
            "SELECT a.kind, COUNT(*), CAST(SUM(a.participants) AS BIGINT) FROM outreach_activity a \
             JOIN college c ON c.id = a.college_id \
             WHERE a.held_on >= '{from}' AND a.held_on <= '{to}' AND {colleges} GROUP BY a.kind"
        ),
    )
    .await?
    {
        let kind: String = row.try_get_by_index(0)?;
        let count: i64 = row.try_get_by_index(1)?;
        let participants: Option<i64> = row.try_get_by_index(2)?;
        by_kind.insert(kind, (count, participants.unwrap_or(0)));
    }
    let participants: i64 = by_kind.values().map(|(_, p)| p).sum();
    figures.push(Figure {
        section: "OUTREACH",
        key: "outreach.participants",
        subject: None,
        label: "职业启蒙与劳动教育参与人数 (participants of outreach activities)",
        value: participants as f64,
        unit: "人次",
        target: Some(OUTREACH_TARGET),
        method: "Sum of the participant counts of the 职业启蒙, 劳动教育 and 职业体验 activities held at college bases in the year (held_on within it), colleges in the region; the policy's target is at least 5,000 a year.",
    });
    figures.push(Figure {
        section: "OUTREACH",
        key: "outreach.activities",
        subject: None,
        label: "活动场次 (activities)",
        value: by_kind.values().map(|(c, _)| c).sum::<i64>() as f64,
        unit: "场",
        target: None,
        method: "Number of those activities.",
    });
    for kind in [
        "CAREER_AWAKENING",
        "LABOUR_EDUCATION",
        "VOCATIONAL_EXPERIENCE",
    ] {
        figures.push(Figure {
            section: "OUTREACH",
            key: "outreach.participants_by_kind",
            subject: Some(outreach_label(kind)),
            label: "按类型的参与人数 (participants by kind)",
            value: by_kind.get(kind).map_or(0, |(_, p)| *p) as f64,
            unit: "人次",
            target: None,
            method: "Participants of the year's activities of this kind.",
        });
    }

    // Apprenticeship and internship-base cooperation.
    let offers = format!(
        "o.cooperation_start <= '{to}' AND o.cooperation_end >= '{from}' AND {}",
        region_condition("o.region_id", &scope, "IS NULL")
    );
    let mut cycles = [0_i64; 4];
    let mut by_offer_kind: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for row in rows(
        db,
        format!(
            "SELECT o.kind, o.places, o.cooperation_start, o.cooperation_end \
             FROM apprenticeship_offer o WHERE {offers}"
        ),
    )
    .await?
    {
        let kind: String = row.try_get_by_index(0)?;
        let places: i32 = row.try_get_by_index(1)?;
        let start: NaiveDate = row.try_get_by_index(2)?;
        let end: NaiveDate = row.try_get_by_index(3)?;
        let entry = by_offer_kind.entry(kind).or_default();
        entry.0 += 1;
        entry.1 += i64::from(places);
        let bucket = [1, 2, 3]
            .iter()
            .position(|years| end <= add_years(start, *years))
            .unwrap_or(3);
        cycles[bucket] += 1;
    }
    let active: i64 = by_offer_kind.values().map(|(n, _)| n).sum();
    figures.push(Figure {
        section: "COOPERATION",
        key: "cooperation.offers",
        subject: None,
        label: "合作中的学徒岗位与实习基地 (offers in cooperation)",
        value: active as f64,
        unit: "个",
        target: None,
        method: "Apprenticeship offers and internship bases whose cooperation period overlaps the year, offers in the region.",
    });
    for (kind, label) in [
        ("APPRENTICESHIP", "新型学徒制 (APPRENTICESHIP)"),
        ("INTERNSHIP_BASE", "生产性实习基地 (INTERNSHIP_BASE)"),
    ] {
        let (count, places) = by_offer_kind.get(kind).copied().unwrap_or((0, 0));
        figures.push(Figure {
            section: "COOPERATION",
            key: "cooperation.offers_by_kind",
            subject: Some(label.to_string()),
            label: "按类型的合作项目 (offers by kind)",
            value: count as f64,
            unit: "个",
            target: None,
            method: "Those offers of this kind.",
        });
        figures.push(Figure {
            section: "COOPERATION",
            key: "cooperation.places_by_kind",
            subject: Some(label.to_string()),
            label: "按类型的名额 (places by kind)",
            value: places as f64,
            unit: "人",
            target: None,
            method: "Sum of the places of those offers of this kind.",
        });
    }
    for (bucket, subject) in [
        "1 年以内 (up to 1 year)",
        "1–2 年 (1 to 2 years)",
        "2–3 年 (2 to 3 years)",
        "超过 3 年 (over 3 years, beyond the rule)",
    ]
    .iter()
    .enumerate()
    {
        figures.push(Figure {
            section: "COOPERATION",
            key: "cooperation.offers_by_cycle",
            subject: Some(subject.to_string()),
            label: "按合作周期的项目 (offers by cycle length)",
            value: cycles[bucket] as f64,
            unit: "个",
            target: None,
            method: "Those offers by the length of their cooperation period (start to end); the rule allows at most 3 years, and the hub refuses longer ones.",
        });
    }
    let occupations = rows(
        db,
        format!(
            "SELECT COUNT(DISTINCT l.occupation_id) FROM offer_occupation l \
             JOIN apprenticeship_offer o ON o.id = l.offer_id WHERE {offers}"
        ),
    )
    .await?;
    figures.push(Figure {
        section: "COOPERATION",
        key: "cooperation.occupations",
        subject: None,
        label: "涉及职业 (occupations)",
        value: occupations
            .first()
            .map(|row| row.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0) as f64,
        unit: "个",
        target: None,
        method: "Distinct occupations (2022 classification) linked to those offers.",
    });

    // Associations: publication activity and share of the gap's demand.
    let recent_until = last.min(today);
    let window_start = recent_until - Duration::days(RECENT_DAYS - 1);
    let start_ts = Utc.from_utc_datetime(&window_start.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end_ts = Utc.from_utc_datetime(
        &(recent_until + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    let associations = rows(
        db,
        "SELECT id, name FROM industry_association ORDER BY id".to_string(),
    )
    .await?;
    let published = recent_publications(db, &scope, start_ts, end_ts).await?;
    crate::matching::tally::catch_up(db).await?;
    let demand_region = region_condition("s.region_id", &scope, "= 0");
    let mut demand: BTreeMap<i32, f64> = BTreeMap::new();
    for row in rows(
        db,
        format!(
            "SELECT p.association_id, CAST(SUM(s.share) AS DOUBLE PRECISION) \
             FROM posting_demand_share s JOIN demand_posting p ON p.id = s.posting_id \
             WHERE s.starts_on <= '{to}' AND s.ends_on >= '{from}' AND {demand_region} \
             GROUP BY p.association_id"
        ),
    )
    .await?
    {
        let association: i32 = row.try_get_by_index(0)?;
        let share: Option<f64> = row.try_get_by_index(1)?;
        demand.insert(association, share.unwrap_or(0.0));
    }
    let total_demand: f64 = demand.values().sum();
    for row in associations {
        let id: i32 = row.try_get_by_index(0)?;
        let name: String = row.try_get_by_index(1)?;
        figures.push(Figure {
            section: "ASSOCIATIONS",
            key: "associations.recent_postings",
            subject: Some(name.clone()),
            label: "近 90 天发布的需求 (postings published in the last 90 days)",
            value: published.get(&id).copied().unwrap_or(0) as f64,
            unit: "条",
            target: None,
            method: "Postings of the association first published in the 90 days up to the year's last day (today, for the current year), postings in the region.",
        });
        let share = if total_demand > 0.0 {
            100.0 * demand.get(&id).copied().unwrap_or(0.0) / total_demand
        } else {
            0.0
        };
        figures.push(Figure {
            section: "ASSOCIATIONS",
            key: "associations.demand_share",
            subject: Some(name),
            label: "占供需缺口需求的比例 (share of the gap's demand)",
            value: (share * 100.0).round() / 100.0,
            unit: "%",
            target: None,
            method: "The association's share of the demand that the supply–demand gap counts for the year and region: the headcount shares of its published and closed postings valid in the year, over all postings' (0 when there is no demand).",
        });
    }

    // Programs and 1+X certificates.
    let programs = region_condition("c.region_id", &scope, "IS NULL");
    for row in rows(
        db,
        format!(
            "SELECT e.category_code, e.category_name, COUNT(*) FROM program pr \
             JOIN college c ON c.id = pr.college_id \
             LEFT JOIN catalogue_entry e ON e.id = pr.catalogue_entry_id \
             WHERE {programs} GROUP BY e.category_code, e.category_name \
             ORDER BY e.category_code"
        ),
    )
    .await?
    {
        let code: Option<String> = row.try_get_by_index(0)?;
        let name: Option<String> = row.try_get_by_index(1)?;
        let count: i64 = row.try_get_by_index(2)?;
        figures.push(Figure {
            section: "PROGRAMS",
            key: "programs.by_category",
            subject: Some(match (code, name) {
                (Some(code), Some(name)) => format!("{code} {name}"),
                _ => "未对应专业目录 (not on the catalogue)".to_string(),
            }),
            label: "按专业大类的专业数 (programs by catalogue category)",
            value: count as f64,
            unit: "个",
            target: None,
            method:
                "Programs of colleges in the region by the 专业大类 of their 2021 catalogue entry.",
        });
    }
    let counts = rows(
        db,
        format!(
            "SELECT COUNT(*), \
                    COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM program_certificate l WHERE l.program_id = pr.id) THEN 0 ELSE 1 END), 0), \
                    COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM program_occupation l WHERE l.program_id = pr.id AND l.provenance <> 'SUGGESTED') THEN 0 ELSE 1 END), 0), \
                    (SELECT COUNT(*) FROM program_certificate l JOIN program p2 ON p2.id = l.program_id \
                       JOIN college c2 ON c2.id = p2.college_id WHERE {}) \
             FROM program pr JOIN college c ON c.id = pr.college_id WHERE {programs}",
            region_condition("c2.region_id", &scope, "IS NULL")
        ),
    )
    .await?;
    let (total, without_certificate, without_occupation, certificate_links) = match counts.first() {
        Some(row) => (
            row.try_get_by_index::<i64>(0)?,
            row.try_get_by_index::<i64>(1)?,
            row.try_get_by_index::<i64>(2)?,
            row.try_get_by_index::<i64>(3)?,
        ),
        None => (0, 0, 0, 0),
    };
    figures.push(Figure {
        section: "PROGRAMS",
        key: "programs.total",
        subject: None,
        label: "专业数 (programs)",
        value: total as f64,
        unit: "个",
        target: None,
        method: "Programs of colleges in the region.",
    });
    figures.push(Figure {
        section: "PROGRAMS",
        key: "programs.certificates_per_program",
        subject: None,
        label: "每个专业的 1+X 证书数 (certificates per program)",
        value: if total > 0 {
            (certificate_links as f64 / total as f64 * 100.0).round() / 100.0
        } else {
            0.0
        },
        unit: "个/专业",
        target: None,
        method: "Certificates offered by those programs (program–certificate links) divided by the number of programs.",
    });
    figures.push(Figure {
        section: "PROGRAMS",
        key: "programs.without_certificate",
        subject: None,
        label: "未对接 1+X 证书的专业 (programs without a certificate)",
        value: without_certificate as f64,
        unit: "个",
        target: None,
        method: "Those programs that offer no certificate.",
    });
    figures.push(Figure {
        section: "PROGRAMS",
        key: "programs.without_occupation",
        subject: None,
        label: "未关联职业的专业 (programs without a declared occupation link)",
        value: without_occupation as f64,
        unit: "个",
        target: None,
        method: "Those programs with no occupation link of their own (links the hub only suggested, not confirmed by the college, do not count): the college has not aligned them with any occupation.",
    });
    Ok(Indicators {
        year,
        region_code: region_code.map(str::to_string),
        recent_until,
        figures,
    })
}

fn add_years(date: NaiveDate, years: i32) -> NaiveDate {
    date.checked_add_months(chrono::Months::new(12 * years as u32))
        .unwrap_or(NaiveDate::MAX)
}

/// Postings first published in `[start, end)` per association, postings in
/// the scope. Bound as parameters so that both databases compare
/// timestamps, not text.
async fn recent_publications(
    db: &DatabaseConnection,
    scope: &Option<(Vec<i32>, bool)>,
    start: chrono::DateTime<Utc>,
    end: chrono::DateTime<Utc>,
) -> Result<BTreeMap<i32, i64>, DbErr> {
    use entity::demand_posting::{Column, Entity};
    use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let counted: Vec<(i32, i64)> = Entity::find()
        .select_only()
        .column(Column::AssociationId)
        .column_as(Column::Id.count(), "postings")
        .filter(Column::PublishedAt.gte(start))
        .filter(Column::PublishedAt.lt(end))
        .filter(Expr::cust(region_condition("region_id", scope, "IS NULL")))
        .group_by(Column::AssociationId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(counted.into_iter().collect())
}

/// The CSV of the indicators: one row per figure.
pub fn to_csv(indicators: &Indicators) -> Result<Vec<u8>, csv::Error> {
    crate::spreadsheet::csv(
        &[
            "year", "region", "section", "key", "subject", "label", "value", "unit", "target",
            "met", "method",
        ],
        indicators.figures.iter().map(|figure| {
            [
                indicators.year.to_string(),
                indicators.region_code.clone().unwrap_or_default(),
                figure.section.to_string(),
                figure.key.to_string(),
                figure.subject.clone().unwrap_or_default(),
                figure.label.to_string(),
                format!("{}", figure.value),
                figure.unit.to_string(),
                figure.target.map(|t| t.to_string()).unwrap_or_default(),
                figure.met().map(|m| m.to_string()).unwrap_or_default(),
                figure.method.to_string(),
            ]
        }),
    )
}
