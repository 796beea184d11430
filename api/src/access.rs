//! Who is calling and what they may do: bearer API tokens and the one
//! policy every write goes through.
//!
//! - A request without `Authorization` is [`Actor::Anonymous`]: it reads
//!   published data only. A request with a token acts for the token's role
//!   and organisation; an unknown, expired or revoked token is refused
//!   (`UNAUTHENTICATED`, HTTP 401), never treated as anonymous.
//! - Tokens are `hub_` and 43 random characters, shown once; only their
//!   SHA-256 is stored.
//! - [`authorize`] is the policy: every service calls it inside its write
//!   transaction, with the rows it locked, before it writes. Refusals are
//!   `UNAUTHENTICATED` (no token) or `FORBIDDEN` (another organisation's
//!   data, or a role that may not do this) and write nothing.

use std::fmt;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use entity::{
    api_token, demand_posting, enterprise,
    enums::{PostingStatus, TokenRole},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use sha2::{Digest, Sha256};

/// Who a request acts as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// No token: reads published data only.
    Anonymous,
    /// The hub itself: the demo loader, imports and the command line.
    System,
    /// A caller with a valid token.
    Token(TokenHolder),
}

/// The role and organisation of a valid token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenHolder {
    pub token_id: i32,
    pub name: String,
    pub role: TokenRole,
    /// The association, college or enterprise (none for admins).
    pub organisation_id: Option<i32>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl Actor {
    /// Whether the actor may do anything (admins and the hub itself).
    pub fn is_admin(&self) -> bool {
        match self {
            Actor::System => true,
            Actor::Token(holder) => holder.role == TokenRole::Admin,
            Actor::Anonymous => false,
        }
    }

    /// The organisation this actor writes for in `role`, if any.
    pub fn organisation(&self, role: TokenRole) -> Option<i32> {
        match self {
            Actor::Token(holder) if holder.role == role => holder.organisation_id,
            _ => None,
        }
    }
}

/// Why a caller was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No (valid) token.
    Unauthenticated(String),
    /// A valid token that may not do this.
    Forbidden(String),
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Unauthenticated(_) => "UNAUTHENTICATED",
            Refusal::Forbidden(_) => "FORBIDDEN",
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Refusal::Unauthenticated(message) | Refusal::Forbidden(message) => message,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.message())
    }
}

/// What a write does, with the rows it concerns (as locked by the
/// service).
#[derive(Clone, Copy, Debug)]
pub enum Action {
    /// Create a posting for an association, perhaps on behalf of one of
    /// its member enterprises.
    CreatePosting {
        association_id: i32,
        enterprise_id: Option<i32>,
    },
    /// Change, publish or close a posting; `enterprise_id` is the
    /// enterprise it will name afterwards.
    ChangePosting {
        association_id: i32,
        enterprise_id: Option<i32>,
    },
    /// Create or change a college's program.
    WriteProgram { college_id: i32 },
    /// Create or change a college's training course.
    WriteCourse { college_id: i32 },
    /// Create or change an enterprise's apprenticeship offer.
    WriteOffer { enterprise_id: i32 },
    /// Create or change associations, enterprises and colleges.
    ManageOrganisations,
    /// Create, list and revoke API tokens.
    ManageTokens,
    /// Follow the new matches of a college's program (a subscription).
    FollowProgramMatches { college_id: i32 },
    /// Record a 职业启蒙, labour-education or experience activity of a
    /// college.
    WriteActivity { college_id: i32 },
    /// Record a skill contest (colleges report results; 市人社局 too).
    WriteContest,
    /// Record a college's contest winners and their awards, and submit
    /// their rewards for approval.
    WriteContestResults { college_id: i32 },
    /// Add a dated table of reward amounts (市人社局).
    WriteRewardTable,
    /// Approve, return or mark paid a competition reward: 市人社局 only,
    /// not even admins.
    DecideReward,
    /// Record or change an enterprise's expert of the pool, with the
    /// colleges the expert agreed to share contact details with.
    WriteExpert { enterprise_id: i32 },
    /// Publish or change a teaching need of a college's program.
    WriteTeachingNeed { college_id: i32 },
}

fn unauthenticated() -> Refusal {
    Refusal::Unauthenticated(
        "this needs an API token: send `Authorization: Bearer <token>`".to_string(),
    )
}

fn forbidden(what: &str) -> Refusal {
    Refusal::Forbidden(format!("this token may not {what}"))
}

/// The policy: whether `actor` may do `action`. The one place where
/// ownership is decided; services call it before they write.
pub async fn authorize<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    action: Action,
) -> Result<(), AuthorizeError> {
    if *actor == Actor::Anonymous {
        return Err(unauthenticated().into());
    }
    let hr_bureau = matches!(actor, Actor::Token(holder) if holder.role == TokenRole::HrBureau);
    if let Action::DecideReward = action {
        // The policy gives approval to 市人社局 alone.
        return if hr_bureau {
            Ok(())
        } else {
            Err(forbidden(describe(action)).into())
        };
    }
    if actor.is_admin() {
        return Ok(());
    }
    let allowed = match action {
        Action::CreatePosting {
            association_id,
            enterprise_id,
        }
        | Action::ChangePosting {
            association_id,
            enterprise_id,
        } => {
            let own = actor.organisation(TokenRole::Association) == Some(association_id);
            if own {
                if let Some(enterprise_id) = enterprise_id {
                    // An association posts for an enterprise only when the
                    // enterprise is one of its members.
                    let member = enterprise::Entity::find_by_id(enterprise_id)
                        .one(db)
                        .await?
                        .is_some_and(|e| e.association_id == Some(association_id));
                    if !member {
                        return Err(Refusal::Forbidden(
                            "an association posts only for its own member enterprises".to_string(),
                        )
                        .into());
                    }
                }
            }
            own
        }
        Action::WriteProgram { college_id }
        | Action::WriteCourse { college_id }
        | Action::FollowProgramMatches { college_id } => {
            actor.organisation(TokenRole::College) == Some(college_id)
        }
        Action::WriteOffer { enterprise_id } | Action::WriteExpert { enterprise_id } => {
            actor.organisation(TokenRole::Enterprise) == Some(enterprise_id)
        }
        Action::WriteActivity { college_id }
        | Action::WriteContestResults { college_id }
        | Action::WriteTeachingNeed { college_id } => {
            actor.organisation(TokenRole::College) == Some(college_id)
        }
        Action::WriteContest => hr_bureau || actor.organisation(TokenRole::College).is_some(),
        Action::WriteRewardTable => hr_bureau,
        // Decided above: 市人社局 only.
        Action::DecideReward => false,
        Action::ManageOrganisations | Action::ManageTokens => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(forbidden(describe(action)).into())
    }
}

/// Reads: drafts are seen by their association and admins only; published
/// and closed postings (once public, kept as the record of demand) by
/// everyone. Other objects have no unpublished state.
pub fn can_see_posting(actor: &Actor, association_id: i32, status: PostingStatus) -> bool {
    status != PostingStatus::Draft
        || actor.is_admin()
        || actor.organisation(TokenRole::Association) == Some(association_id)
}

/// Who sees an expert's contact details: admins, the expert's enterprise,
/// and the colleges the expert agreed to share them with
/// (`shared_with`).
pub fn contact_access(actor: &Actor, enterprise_id: i32, shared_with: &[i32]) -> ContactAccess {
    if actor.is_admin() {
        ContactAccess::Admin
    } else if actor.organisation(TokenRole::Enterprise) == Some(enterprise_id) {
        ContactAccess::OwnEnterprise
    } else if actor
        .organisation(TokenRole::College)
        .is_some_and(|college| shared_with.contains(&college))
    {
        ContactAccess::SharedWithCollege
    } else {
        ContactAccess::Hidden
    }
}

/// Why a caller sees an expert's contact details, or that it does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum ContactAccess {
    /// 管理员
    Admin,
    /// 专家所在企业
    OwnEnterprise,
    /// 专家同意向其提供联系方式的院校
    SharedWithCollege,
    /// 不可见
    Hidden,
}

impl ContactAccess {
    pub fn visible(self) -> bool {
        self != ContactAccess::Hidden
    }
}

/// [`can_see_posting`] as a condition on `demand_posting` rows, for lists.
pub fn visible_postings(actor: &Actor) -> Option<Condition> {
    if actor.is_admin() {
        return None;
    }
    let not_draft = demand_posting::Column::Status.ne(PostingStatus::Draft);
    Some(match actor.organisation(TokenRole::Association) {
        Some(own) => Condition::any()
            .add(not_draft)
            .add(demand_posting::Column::AssociationId.eq(own)),
        None => Condition::all().add(not_draft),
    })
}

fn describe(action: Action) -> &'static str {
    match action {
        Action::CreatePosting { .. } | Action::ChangePosting { .. } => {
            "write another association's postings"
        }
        Action::WriteProgram { .. } => "write another college's programs",
        Action::WriteCourse { .. } => "write another college's training courses",
        Action::WriteOffer { .. } => "write another enterprise's offers",
        Action::ManageOrganisations => "manage organisations (admins only)",
        Action::ManageTokens => "manage API tokens (admins only)",
        Action::FollowProgramMatches { .. } => "follow another college's program matches",
        Action::WriteActivity { .. } => "record another college's activities",
        Action::WriteContest => "record contests (colleges and 市人社局 only)",
        Action::WriteContestResults { .. } => "write another college's contest results",
        Action::WriteRewardTable => "add reward tables (市人社局 only)",
        Action::DecideReward => "approve, return or pay rewards (市人社局 only)",
        Action::WriteExpert { .. } => "write another enterprise's experts",
        Action::WriteTeachingNeed { .. } => "write another college's teaching needs",
    }
}

/// A refusal, or the database failing while deciding.
#[derive(Debug)]
pub enum AuthorizeError {
    Refused(Refusal),
    Database(DbErr),
}

impl From<Refusal> for AuthorizeError {
    fn from(refusal: Refusal) -> Self {
        AuthorizeError::Refused(refusal)
    }
}

impl From<DbErr> for AuthorizeError {
    fn from(error: DbErr) -> Self {
        AuthorizeError::Database(error)
    }
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A new random token: `hub_` and 43 URL-safe characters (256 bits).
pub fn new_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
    Ok(format!("hub_{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// What `hub token create` and `createApiToken` need.
#[derive(Clone, Debug)]
pub struct NewToken {
    pub name: String,
    pub role: TokenRole,
    pub organisation_id: Option<i32>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Stores a token (hashed) and returns it with its one showing of the
/// secret. The caller checks the organisation exists.
pub async fn store_token<C: ConnectionTrait>(
    db: &C,
    new: NewToken,
    secret: &str,
) -> Result<api_token::Model, DbErr> {
    api_token::ActiveModel {
        name: Set(new.name),
        token_hash: Set(hash_token(secret)),
        prefix: Set(secret.chars().take(10).collect()),
        role: Set(new.role),
        organisation_id: Set(new.organisation_id),
        created_at: Set(Utc::now()),
        expires_at: Set(new.expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The actor of a presented token, or why it is refused.
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    token: &str,
) -> Result<Result<Actor, Refusal>, DbErr> {
    let Some(row) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash_token(token.trim())))
        .one(db)
        .await?
    else {
        return Ok(Err(Refusal::Unauthenticated(
            "the API token is not known".to_string(),
        )));
    };
    if let Some(revoked) = row.revoked_at {
        return Ok(Err(Refusal::Unauthenticated(format!(
            "the API token was revoked on {}",
            revoked.format("%Y-%m-%d %H:%M UTC")
        ))));
    }
    if let Some(expires) = row.expires_at {
        if expires <= Utc::now() {
            return Ok(Err(Refusal::Unauthenticated(format!(
                "the API token expired on {}",
                expires.format("%Y-%m-%d %H:%M UTC")
            ))));
        }
    }
    Ok(Ok(Actor::Token(TokenHolder {
        token_id: row.id,
        name: row.name,
        role: row.role,
        organisation_id: row.organisation_id,
        expires_at: row.expires_at,
    })))
}

/// Every token, newest first (for admins; secrets are never listed).
pub async fn list_tokens<C: ConnectionTrait>(db: &C) -> Result<Vec<api_token::Model>, DbErr> {
    api_token::Entity::find()
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await
}

/// Revokes a token; `None` when there is no such token. Revoking twice
/// keeps the first date.
pub async fn revoke_token<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> Result<Option<api_token::Model>, DbErr> {
    let Some(row) = api_token::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if row.revoked_at.is_some() {
        return Ok(Some(row));
    }
    let mut active: api_token::ActiveModel = row.into();
    active.revoked_at = Set(Some(Utc::now()));
    Ok(Some(active.update(db).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let one = new_token().expect("token");
        let two = new_token().expect("token");
        assert_ne!(one, two);
        assert!(one.starts_with("hub_") && one.len() == 47, "{one}");
        assert_eq!(hash_token(&one).len(), 64);
        assert_ne!(hash_token(&one), hash_token(&two));
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
