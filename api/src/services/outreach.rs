//! 职业启蒙, labour-education and vocational-experience activities held at
//! college bases, recorded by the college with their participant counts.

use chrono::{Datelike, NaiveDate, Utc};
use entity::{college, enums::OutreachKind, outreach_activity};
use sea_orm::{ActiveModelTrait, Set, TransactionTrait};

use super::{begin, check_exists, signed_in, ServiceResult, UserErrorCode, Validator};
use crate::access::{authorize, Action, Actor};

/// Most participants one activity may report.
pub const MAX_PARTICIPANTS: i32 = 100_000;

#[derive(Clone, Debug)]
pub struct ActivityDraft {
    pub college_id: i32,
    pub kind: OutreachKind,
    pub title: String,
    pub held_on: NaiveDate,
    pub participants: i32,
}

pub async fn record<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    draft: ActivityDraft,
) -> ServiceResult<outreach_activity::Model> {
    signed_in(actor)?;
    let write = begin(db).await?;
    let txn = write.db();
    authorize(
        txn,
        actor,
        Action::WriteActivity {
            college_id: draft.college_id,
        },
    )
    .await?;
    let mut validator = Validator::new();
    validator.required_text("title", "活动名称", &draft.title, 200);
    validator.number_in(
        "participants",
        "参与人数",
        draft.participants,
        1,
        MAX_PARTICIPANTS,
    );
    let today = Utc::now().date_naive();
    if draft.held_on > today || draft.held_on.year() < 2000 {
        validator.add(
            "heldOn",
            UserErrorCode::OutOfRange,
            format!(
                "活动日期须在 2000 年至今天之间 (an activity is recorded after it was held: {} is not between 2000-01-01 and {today})",
                draft.held_on
            ),
        );
    }
    check_exists::<college::Entity, _>(
        txn,
        &mut validator,
        "collegeId",
        "院校",
        Some(draft.college_id),
    )
    .await?;
    validator.finish()?;
    let model = outreach_activity::ActiveModel {
        college_id: Set(draft.college_id),
        kind: Set(draft.kind),
        title: Set(draft.title.trim().to_string()),
        held_on: Set(draft.held_on),
        participants: Set(draft.participants),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    write.commit().await?;
    Ok(model)
}
