//! Write paths. Each service function takes the one write pipeline
//! ([`write`]): it begins a write transaction, locks what it reads to
//! change, validates its input completely, writes, and commits together
//! with its change-log rows; invalid input writes nothing and comes back as
//! field errors.

pub mod courses;
pub mod experts;
pub mod offers;
pub mod organisations;
pub mod outreach;
pub mod postings;
pub mod programs;
pub mod rewards;
pub mod suggestions;
pub mod write;

pub use write::{begin, Write};

use std::collections::{BTreeSet, HashMap};

use entity::{catalogue_entry, certificate, occupation, region};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

/// Why a write was refused.
#[derive(Debug)]
pub enum ServiceError {
    /// The input is invalid; nothing was written.
    Invalid(Vec<FieldError>),
    /// The caller may not do this (see [`crate::access`]); nothing was
    /// written.
    Refused(crate::access::Refusal),
    /// The database failed.
    Database(DbErr),
}

impl From<DbErr> for ServiceError {
    fn from(error: DbErr) -> Self {
        ServiceError::Database(error)
    }
}

impl From<crate::access::AuthorizeError> for ServiceError {
    fn from(error: crate::access::AuthorizeError) -> Self {
        match error {
            crate::access::AuthorizeError::Refused(refusal) => ServiceError::Refused(refusal),
            crate::access::AuthorizeError::Database(error) => ServiceError::Database(error),
        }
    }
}

/// Refuses anonymous callers before a service looks anything up, so that
/// they learn nothing (not even whether an id exists).
pub fn signed_in(actor: &crate::access::Actor) -> ServiceResult<()> {
    if *actor == crate::access::Actor::Anonymous {
        return Err(ServiceError::Refused(
            crate::access::Refusal::Unauthenticated(
                "this needs an API token: send `Authorization: Bearer <token>`".to_string(),
            ),
        ));
    }
    Ok(())
}

impl ServiceError {
    /// A refusal because of one field.
    pub fn field(field: &str, code: UserErrorCode, message: impl Into<String>) -> Self {
        let mut validator = Validator::new();
        validator.add(field, code, message);
        ServiceError::Invalid(validator.errors)
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// What is wrong with a field of the input, as `userErrors` report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum UserErrorCode {
    /// A required value is empty.
    Blank,
    /// A text is longer than allowed.
    TooLong,
    /// A value is malformed (an id of the wrong kind, an unknown code...).
    Invalid,
    /// The referenced object does not exist.
    NotFound,
    /// A number is outside its allowed range.
    OutOfRange,
    /// A pair of values is reversed (minimum above maximum, end before start).
    InvalidRange,
    /// The object is in a state that does not allow the operation.
    InvalidState,
    /// A cooperation cycle is longer than the city allows.
    CycleTooLong,
    /// Another object already uses this unique value.
    Taken,
}

/// One problem with one input field.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    /// Path to the field, e.g. `["input", "salaryMin"]`.
    pub field: Vec<String>,
    pub code: UserErrorCode,
    pub message: String,
}

/// Collects field errors; a write goes ahead only when it stays empty.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, code: UserErrorCode, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: vec!["input".to_string(), field.to_string()],
            code,
            message: message.into(),
        });
    }

    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// The problems found so far.
    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    /// A required text: not blank, at most `max_chars` characters.
    pub fn required_text(&mut self, field: &str, label: &str, value: &str, max_chars: usize) {
        if value.trim().is_empty() {
            self.add(
                field,
                UserErrorCode::Blank,
                format!("{label}不能为空 ({field} must not be blank)"),
            );
        } else {
            self.optional_text(field, label, value, max_chars);
        }
    }

    /// An optional text of at most `max_chars` characters, without
    /// control characters other than line breaks and tabs (PostgreSQL
    /// cannot store NUL, and no reader wants the others).
    pub fn optional_text(&mut self, field: &str, label: &str, value: &str, max_chars: usize) {
        let length = value.chars().count();
        if length > max_chars {
            self.add(
                field,
                UserErrorCode::TooLong,
                format!("{label}最多 {max_chars} 个字符，现为 {length} 个 ({field} is too long)"),
            );
        } else if let Some(control) = value
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            self.add(
                field,
                UserErrorCode::Invalid,
                format!(
                    "{label}含控制字符 U+{:04X} ({field} holds a control character)",
                    u32::from(control)
                ),
            );
        }
    }

    /// A whole number in `min..=max`.
    pub fn number_in(&mut self, field: &str, label: &str, value: i32, min: i32, max: i32) {
        if value < min || value > max {
            self.add(
                field,
                UserErrorCode::OutOfRange,
                format!("{label}须在 {min} 到 {max} 之间，现为 {value} ({field} is out of range)"),
            );
        }
    }

    /// `low <= high` when both are present.
    pub fn ordered<T: PartialOrd + std::fmt::Display>(
        &mut self,
        field: &str,
        message: &str,
        low: Option<T>,
        high: Option<T>,
    ) {
        if let (Some(low), Some(high)) = (low, high) {
            if low > high {
                self.add(
                    field,
                    UserErrorCode::InvalidRange,
                    format!("{message} ({low} > {high})"),
                );
            }
        }
    }

    pub fn finish(self) -> ServiceResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(self.errors))
        }
    }
}

/// Sets `target` to the patch's value when the patch has one.
pub fn patch<T>(target: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *target = value;
    }
}

/// Longest title or name a user may write.
pub const MAX_TITLE: usize = 120;
/// Longest free text (descriptions) a user may write.
pub const MAX_TEXT: usize = 10_000;
/// Longest short label (a skill, a schedule line).
pub const MAX_LABEL: usize = 60;
/// Most items in one list input (skills, occupation codes, certificates).
pub const MAX_ITEMS: usize = 50;

/// Link tables that record where each link came from (`provenance`,
/// `confidence`, `linked_at`).
pub const PROVENANCE_TABLES: [&str; 10] = [
    "posting_occupation",
    "program_occupation",
    "offer_occupation",
    "posting_certificate",
    "program_certificate",
    "certificate_occupation",
    "expert_occupation",
    "expert_certificate",
    "teaching_need_occupation",
    "teaching_need_certificate",
];

/// Sets the links of `owner_id` in a link table to `targets`, as its owner
/// declares them. In a table with provenance, links kept keep their
/// provenance and date, new ones are `DECLARED`, and the hub's own
/// suggestions (`SUGGESTED`) stay only while the owner lists none.
pub async fn replace_links<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
    owner_column: &'static str,
    target_column: &'static str,
    owner_id: i32,
    targets: &[i32],
) -> Result<(), DbErr> {
    let unique: BTreeSet<i32> = targets.iter().copied().collect();
    let with_provenance = PROVENANCE_TABLES.contains(&table);
    let mut delete = Query::delete();
    delete
        .from_table(table)
        .and_where(Expr::col(owner_column).eq(owner_id));
    let mut kept = BTreeSet::new();
    // The suggester marks an object as seen (`suggested_at`) once it has
    // nothing to do for it: occupations of the owner's leave nothing to
    // suggest, so they mark it at once; when the last of them goes, the
    // mark goes and the object is suggested again.
    if let Some((kind, subject)) = crate::matching::suggest::subject_of(table) {
        let had_own = unique.is_empty()
            && crate::matching::suggest::owned(db, kind, &[owner_id])
                .await?
                .contains(&owner_id);
        let mut mark = Query::update();
        mark.table(subject).and_where(Expr::col("id").eq(owner_id));
        if !unique.is_empty() {
            mark.value("suggested_at", chrono::Utc::now())
                .and_where(Expr::col("suggested_at").is_null());
            db.execute(&mark).await?;
        } else if had_own {
            mark.value(
                "suggested_at",
                Option::<chrono::DateTime<chrono::Utc>>::None,
            );
            db.execute(&mark).await?;
        }
    }
    if with_provenance {
        kept = linked_ids(db, table, owner_column, target_column, owner_id)
            .await?
            .into_iter()
            .filter(|target| unique.contains(target))
            .collect();
        // Drop the owner's links no longer listed; once the owner lists
        // any, the hub's suggestions have served (they are made only for
        // objects without the owner's own).
        let suggestions = if unique.is_empty() {
            sea_orm::Condition::all().add(Expr::val(1).eq(0))
        } else {
            sea_orm::Condition::all().add(Expr::col("provenance").eq(SUGGESTED))
        };
        delete.cond_where(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(Expr::col("provenance").ne(SUGGESTED))
                        .add(Expr::col(target_column).is_not_in(kept.iter().copied())),
                )
                .add(suggestions),
        );
    }
    db.execute(&delete).await?;
    let new: Vec<i32> = unique.difference(&kept).copied().collect();
    if new.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert.into_table(table);
    if with_provenance {
        let now = chrono::Utc::now();
        insert.columns([owner_column, target_column, "provenance", "linked_at"]);
        for target in new {
            insert.values_panic([
                owner_id.into(),
                target.into(),
                "DECLARED".into(),
                now.into(),
            ]);
        }
    } else {
        insert.columns([owner_column, target_column]);
        for target in new {
            insert.values_panic([owner_id.into(), target.into()]);
        }
    }
    db.execute(&insert).await?;
    Ok(())
}

/// The stored value of a suggested link's provenance.
const SUGGESTED: &str = "SUGGESTED";

/// Inserts one occupation link with its provenance, set now.
pub async fn insert_occupation_link<C: ConnectionTrait>(
    db: &C,
    (table, owner_column): (&'static str, &'static str),
    owner_id: i32,
    occupation_id: i32,
    provenance: &'static str,
    confidence: Option<f64>,
) -> Result<(), DbErr> {
    db.execute(
        &Query::insert()
            .into_table(table)
            .columns([
                owner_column,
                "occupation_id",
                "provenance",
                "confidence",
                "linked_at",
            ])
            .values_panic([
                owner_id.into(),
                occupation_id.into(),
                provenance.into(),
                confidence.into(),
                chrono::Utc::now().into(),
            ])
            .take(),
    )
    .await?;
    Ok(())
}

/// A posting's or program's text changed: its suggested occupations are
/// dropped and the suggester computes them again
/// (`crate::matching::suggest`).
pub async fn forget_suggestions<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
    owner_column: &'static str,
    entity_table: &'static str,
    id: i32,
) -> Result<(), DbErr> {
    forget_suggestions_of(db, table, owner_column, entity_table, &[id]).await
}

/// [`forget_suggestions`] for many objects, in batches (a re-import).
pub async fn forget_suggestions_of<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
    owner_column: &'static str,
    entity_table: &'static str,
    ids: &[i32],
) -> Result<(), DbErr> {
    for chunk in ids.chunks(1_000) {
        db.execute(
            &Query::delete()
                .from_table(table)
                .and_where(Expr::col(owner_column).is_in(chunk.iter().copied()))
                .and_where(Expr::col("provenance").eq(SUGGESTED))
                .take(),
        )
        .await?;
        db.execute(
            &Query::update()
                .table(entity_table)
                .value(
                    "suggested_at",
                    Option::<chrono::DateTime<chrono::Utc>>::None,
                )
                .and_where(Expr::col("id").is_in(chunk.iter().copied()))
                .take(),
        )
        .await?;
    }
    Ok(())
}

/// Checks that a region exists.
pub async fn check_region<C: ConnectionTrait>(
    db: &C,
    validator: &mut Validator,
    field: &str,
    region_id: Option<i32>,
) -> Result<(), DbErr> {
    if let Some(id) = region_id {
        if region::Entity::find_by_id(id).one(db).await?.is_none() {
            validator.add(
                field,
                UserErrorCode::NotFound,
                format!("地区不存在 (no region with id {id})"),
            );
        }
    }
    Ok(())
}

/// Checks that a row of `E` with this id exists.
pub async fn check_exists<E, C>(
    db: &C,
    validator: &mut Validator,
    field: &str,
    label: &str,
    id: Option<i32>,
) -> Result<(), DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i32>,
{
    if let Some(id) = id {
        if E::find_by_id(id).one(db).await?.is_none() {
            validator.add(
                field,
                UserErrorCode::NotFound,
                format!("{label}不存在 (no {field} {id})"),
            );
        }
    }
    Ok(())
}

/// Resolves occupation codes to ids; unknown codes become field errors.
pub async fn resolve_occupation_codes<C: ConnectionTrait>(
    db: &C,
    validator: &mut Validator,
    field: &str,
    codes: &[String],
) -> Result<Vec<i32>, DbErr> {
    if codes.len() > MAX_ITEMS {
        validator.add(
            field,
            UserErrorCode::OutOfRange,
            format!("最多 {MAX_ITEMS} 个职业 (at most {MAX_ITEMS} occupations)"),
        );
        return Ok(Vec::new());
    }
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let trimmed: Vec<String> = codes.iter().map(|code| code.trim().to_string()).collect();
    let found: HashMap<String, i32> = occupation::Entity::find()
        .select_only()
        .column(occupation::Column::Code)
        .column(occupation::Column::Id)
        .filter(occupation::Column::Code.is_in(trimmed.clone()))
        .into_tuple::<(String, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut ids = Vec::new();
    for code in &trimmed {
        match found.get(code) {
            Some(id) => ids.push(*id),
            None => validator.add(
                field,
                UserErrorCode::NotFound,
                format!(
                    "职业编码不存在: `{code}` (unknown occupation code, expected e.g. 6-18-02-04)"
                ),
            ),
        }
    }
    Ok(ids)
}

/// Checks that every certificate id exists.
pub async fn check_certificates<C: ConnectionTrait>(
    db: &C,
    validator: &mut Validator,
    field: &str,
    ids: &[i32],
) -> Result<(), DbErr> {
    check_all_exist::<certificate::Entity, _>(
        db,
        validator,
        field,
        ("个证书", "证书", "certificate"),
        ids,
    )
    .await
}

/// Checks that every id of a list input names a row of `E`, at most
/// [`MAX_ITEMS`] of them. `words`: the list's measure word and noun
/// (`个证书`), the noun alone (`证书`) and its English (`certificate`).
pub async fn check_all_exist<E, C>(
    db: &C,
    validator: &mut Validator,
    field: &str,
    (counted, noun, english): (&str, &str, &str),
    ids: &[i32],
) -> Result<(), DbErr>
where
    E: crate::relations::Keyed,
    C: ConnectionTrait,
{
    if ids.len() > MAX_ITEMS {
        validator.add(
            field,
            UserErrorCode::OutOfRange,
            format!("最多 {MAX_ITEMS} {counted} (at most {MAX_ITEMS} {english}s)"),
        );
        return Ok(());
    }
    if ids.is_empty() {
        return Ok(());
    }
    let found: BTreeSet<i32> = E::find()
        .select_only()
        .column(E::id_column())
        .filter(E::id_column().is_in(ids.to_vec()))
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    for id in ids {
        if !found.contains(id) {
            validator.add(
                field,
                UserErrorCode::NotFound,
                format!("{noun}不存在 (no {english} with id {id})"),
            );
        }
    }
    Ok(())
}

/// Resolves a catalogue code (`460305`, `520101K`) of a 专业 to its id.
pub async fn resolve_catalogue_code<C: ConnectionTrait>(
    db: &C,
    validator: &mut Validator,
    field: &str,
    code: Option<&str>,
) -> Result<Option<i32>, DbErr> {
    let Some(code) = code.map(str::trim) else {
        return Ok(None);
    };
    let entry = catalogue_entry::Entity::find()
        .filter(catalogue_entry::Column::Code.eq(code))
        .one(db)
        .await?;
    match entry {
        Some(entry) if entry.item_level == entity::enums::CatalogueItemLevel::Major => {
            Ok(Some(entry.id))
        }
        Some(_) => {
            validator.add(
                field,
                UserErrorCode::Invalid,
                format!("`{code}` 是专业大类或专业类，不是专业 (not a program-level code)"),
            );
            Ok(None)
        }
        None => {
            validator.add(
                field,
                UserErrorCode::NotFound,
                format!("专业目录中没有代码 `{code}` (unknown catalogue code)"),
            );
            Ok(None)
        }
    }
}

/// A list of short labels: each non-blank and short, at most `MAX_ITEMS`.
pub fn check_labels(validator: &mut Validator, field: &str, labels: &[String]) {
    if labels.len() > MAX_ITEMS {
        validator.add(
            field,
            UserErrorCode::OutOfRange,
            format!("最多 {MAX_ITEMS} 项 (at most {MAX_ITEMS} items)"),
        );
    }
    for label in labels {
        if label.trim().is_empty() {
            validator.add(
                field,
                UserErrorCode::Blank,
                "列表项不能为空 (items must not be blank)",
            );
        } else if label.chars().count() > MAX_LABEL {
            validator.add(
                field,
                UserErrorCode::TooLong,
                format!("列表项最多 {MAX_LABEL} 个字符: `{label}`"),
            );
        }
    }
}

/// Target ids linked to `owner_id` in a link table by its owner (or by
/// import): the hub's unconfirmed suggestions are left out.
pub async fn linked_ids<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
    owner_column: &'static str,
    target_column: &'static str,
    owner_id: i32,
) -> Result<Vec<i32>, DbErr> {
    let mut select = Query::select();
    select
        .column(target_column)
        .from(table)
        .and_where(Expr::col(owner_column).eq(owner_id))
        .order_by(target_column, sea_orm::Order::Asc);
    if PROVENANCE_TABLES.contains(&table) {
        select.and_where(Expr::col("provenance").ne(SUGGESTED));
    }
    let rows = db.query_all(&select).await?;
    rows.iter()
        .map(|row| row.try_get_by_index::<i32>(0))
        .collect()
}

/// Codes of the occupations linked to `owner_id` in a link table.
pub async fn linked_occupation_codes<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
    owner_column: &'static str,
    owner_id: i32,
) -> Result<Vec<String>, DbErr> {
    let ids = linked_ids(db, table, owner_column, "occupation_id", owner_id).await?;
    occupation::Entity::find()
        .select_only()
        .column(occupation::Column::Code)
        .filter(occupation::Column::Id.is_in(ids))
        .into_tuple::<String>()
        .all(db)
        .await
}
