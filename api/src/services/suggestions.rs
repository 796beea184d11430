//! Owners confirm or reject the occupations the hub suggests for their
//! postings and programs (`crate::matching::suggest` makes them).

use chrono::Utc;
use entity::{demand_posting, enums::ChangeOperation, occupation, program, rejected_suggestion};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait,
};

use super::{begin, signed_in, ServiceError, ServiceResult, UserErrorCode};
use crate::{
    access::{authorize, Action, Actor},
    matching::{suggest::link_table, SubjectKind},
};

/// A posting or program whose suggestions an owner answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: i32,
}

impl Subject {
    fn entity(self) -> &'static str {
        match self.kind {
            SubjectKind::DemandPosting => super::postings::ENTITY,
            _ => super::programs::ENTITY,
        }
    }
}

/// Locks the subject and checks the actor owns it.
async fn lock_owned<T>(
    write: &super::Write<T>,
    actor: &Actor,
    subject: Subject,
) -> ServiceResult<()>
where
    T: ConnectionTrait + sea_orm::TransactionSession + Send,
{
    let not_found = || {
        ServiceError::field(
            "subjectId",
            UserErrorCode::NotFound,
            format!(
                "没有这条需求或专业 (no {:?} with id {})",
                subject.kind, subject.id
            ),
        )
    };
    let action = match subject.kind {
        SubjectKind::DemandPosting => {
            let posting = write
                .lock::<demand_posting::Entity>(subject.id)
                .await?
                .ok_or_else(not_found)?;
            Action::ChangePosting {
                association_id: posting.association_id,
                enterprise_id: posting.enterprise_id,
            }
        }
        SubjectKind::Program => {
            let program = write
                .lock::<program::Entity>(subject.id)
                .await?
                .ok_or_else(not_found)?;
            Action::WriteProgram {
                college_id: program.college_id,
            }
        }
        _ => return Err(not_found()),
    };
    authorize(write.db(), actor, action).await?;
    Ok(())
}

async fn occupation_id<C: ConnectionTrait>(db: &C, code: &str) -> ServiceResult<i32> {
    occupation::Entity::find()
        .filter(occupation::Column::Code.eq(code.trim()))
        .one(db)
        .await?
        .map(|row| row.id)
        .ok_or_else(|| {
            ServiceError::field(
                "occupationCode",
                UserErrorCode::NotFound,
                format!(
                    "职业编码不存在: `{}` (unknown occupation code)",
                    code.trim()
                ),
            )
        })
}

/// Locks the subject, checks ownership and resolves the code: the
/// occupation and the subject's link table.
async fn prepare<T>(
    write: &super::Write<T>,
    actor: &Actor,
    subject: Subject,
    code: &str,
) -> ServiceResult<(i32, &'static str, &'static str)>
where
    T: ConnectionTrait + sea_orm::TransactionSession + Send,
{
    lock_owned(write, actor, subject).await?;
    let occupation = occupation_id(write.db(), code).await?;
    let Some((table, owner)) = link_table(subject.kind) else {
        return Err(ServiceError::field(
            "subjectId",
            UserErrorCode::Invalid,
            "只有需求和专业有推荐职业 (only postings and programs have suggestions)",
        ));
    };
    Ok((occupation, table, owner))
}

/// The provenance of the subject's link to an occupation, if linked.
async fn provenance_of<C: ConnectionTrait>(
    db: &C,
    subject: Subject,
    occupation_id: i32,
) -> ServiceResult<Option<(String, Option<f64>)>> {
    let Some((table, owner)) = link_table(subject.kind) else {
        return Ok(None);
    };
    let row = db
        .query_one(
            &Query::select()
                .column("provenance")
                .column("confidence")
                .from(table)
                .and_where(Expr::col(owner).eq(subject.id))
                .and_where(Expr::col("occupation_id").eq(occupation_id))
                .take(),
        )
        .await?;
    Ok(match row {
        Some(row) => Some((row.try_get_by_index(0)?, row.try_get_by_index(1)?)),
        None => None,
    })
}

/// The owner takes the occupation as its own (`CONFIRMED`): the hub's
/// other suggestions for the object are dropped, as they are once an owner
/// lists any occupation.
pub async fn confirm<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    subject: Subject,
    code: &str,
) -> ServiceResult<()> {
    signed_in(actor)?;
    let mut write = begin(db).await?;
    let (occupation, table, owner) = prepare(&write, actor, subject, code).await?;
    let txn = write.db();
    let existing = provenance_of(txn, subject, occupation).await?;
    if existing.as_ref().is_some_and(|(p, _)| p != "SUGGESTED") {
        // Already the owner's: nothing to do.
        write.commit().await?;
        return Ok(());
    }
    let confidence = existing.and_then(|(_, c)| c);
    txn.execute(
        &Query::delete()
            .from_table(table)
            .and_where(Expr::col(owner).eq(subject.id))
            .and_where(Expr::col("provenance").eq("SUGGESTED"))
            .take(),
    )
    .await?;
    super::insert_occupation_link(
        txn,
        (table, owner),
        subject.id,
        occupation,
        "CONFIRMED",
        confidence,
    )
    .await?;
    rejected_suggestion::Entity::delete_many()
        .filter(rejected_suggestion::Column::SubjectKind.eq(subject.kind.name()))
        .filter(rejected_suggestion::Column::SubjectId.eq(subject.id))
        .filter(rejected_suggestion::Column::OccupationId.eq(occupation))
        .exec(txn)
        .await?;
    write.record(subject.entity(), subject.id, ChangeOperation::Update);
    write.commit().await?;
    Ok(())
}

/// The owner rejects the occupation: it is not suggested for the object
/// again, and the suggester looks for the next best one.
pub async fn reject<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    subject: Subject,
    code: &str,
) -> ServiceResult<()> {
    signed_in(actor)?;
    let write = begin(db).await?;
    let (occupation, table, owner) = prepare(&write, actor, subject, code).await?;
    let txn = write.db();
    if provenance_of(txn, subject, occupation)
        .await?
        .is_some_and(|(p, _)| p != "SUGGESTED")
    {
        return Err(ServiceError::field(
            "occupationCode",
            UserErrorCode::InvalidState,
            "这是所有者填报或确认的职业，请修改 occupationCodes (the owner's own occupation: change occupationCodes instead)",
        ));
    }
    let holder = match actor {
        Actor::Token(holder) => Some(holder.token_id),
        _ => None,
    };
    let already = rejected_suggestion::Entity::find_by_id((
        subject.kind.name().to_string(),
        subject.id,
        occupation,
    ))
    .one(txn)
    .await?
    .is_some();
    if !already {
        rejected_suggestion::Entity::insert(rejected_suggestion::ActiveModel {
            subject_kind: Set(subject.kind.name().to_string()),
            subject_id: Set(subject.id),
            occupation_id: Set(occupation),
            rejected_by: Set(holder),
            rejected_at: Set(Utc::now()),
        })
        .exec_without_returning(txn)
        .await?;
    }
    let entity_table = match subject.kind {
        SubjectKind::DemandPosting => "demand_posting",
        _ => "program",
    };
    super::forget_suggestions(txn, table, owner, entity_table, subject.id).await?;
    write.commit().await?;
    Ok(())
}
