//! Supply–demand matching: which programs, offers and courses can supply a
//! demand posting, and which demand a program or offer can serve, each
//! with a score broken into named parts and the evidence behind them.
//!
//! - [`weights`]: the weights and value tables, in one place.
//! - [`score`]: one demand against one supply, pure.
//! - [`profiles`]: what scoring needs of stored objects, loaded in batches.
//! - [`candidates`]: what to score for a subject, and the ranked result.
//! - [`experts`]: the expert pool against programs' teaching needs.
//! - [`gap`]: demand against supply per group, with its rules.
//! - [`tally`]: the gap's demand, kept summed and up to date.
//! - [`suggest`]: occupations suggested for a text, stored for postings
//!   and programs without occupations of their owner's.

pub mod candidates;
pub mod experts;
pub mod gap;
pub mod profiles;
pub mod score;
pub mod suggest;
pub mod tally;
pub mod weights;

pub use candidates::Role;
pub use score::{Profile, Scored, SubjectKind};

use sea_orm::{ConnectionTrait, DbErr};

/// The profile of one stored object, if it exists (`places` from
/// [`profiles::places`]).
pub async fn profile<C: ConnectionTrait>(
    db: &C,
    kind: SubjectKind,
    id: i32,
    places: &std::collections::HashMap<i32, score::Place>,
) -> Result<Option<Profile>, DbErr> {
    Ok(profiles::of_kind(db, kind, &[id], places, true)
        .await?
        .remove(&id))
}
