//! Opaque global IDs: `base64url("DemandPosting:42")`. Clients treat them as
//! opaque strings; the hub decodes them back to a kind and a row id.

use async_graphql::ID;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

use crate::error::ApiError;

/// The kinds of objects that have a global ID (the `Node` types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Region,
    CatalogueEntry,
    Occupation,
    Certificate,
    IndustryAssociation,
    Enterprise,
    College,
    Program,
    DemandPosting,
    ApprenticeshipOffer,
    TrainingCourse,
    ApiToken,
    Contest,
    ContestAward,
    ContestPerson,
    CompetitionReward,
    OutreachActivity,
    Expert,
    TeachingNeed,
}

impl NodeKind {
    pub const ALL: [NodeKind; 19] = [
        NodeKind::Region,
        NodeKind::CatalogueEntry,
        NodeKind::Occupation,
        NodeKind::Certificate,
        NodeKind::IndustryAssociation,
        NodeKind::Enterprise,
        NodeKind::College,
        NodeKind::Program,
        NodeKind::DemandPosting,
        NodeKind::ApprenticeshipOffer,
        NodeKind::TrainingCourse,
        NodeKind::ApiToken,
        NodeKind::Contest,
        NodeKind::ContestAward,
        NodeKind::ContestPerson,
        NodeKind::CompetitionReward,
        NodeKind::OutreachActivity,
        NodeKind::Expert,
        NodeKind::TeachingNeed,
    ];

    /// The GraphQL type name, which is also the prefix inside the ID.
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Region => "Region",
            NodeKind::CatalogueEntry => "CatalogueEntry",
            NodeKind::Occupation => "Occupation",
            NodeKind::Certificate => "Certificate",
            NodeKind::IndustryAssociation => "IndustryAssociation",
            NodeKind::Enterprise => "Enterprise",
            NodeKind::College => "College",
            NodeKind::Program => "Program",
            NodeKind::DemandPosting => "DemandPosting",
            NodeKind::ApprenticeshipOffer => "ApprenticeshipOffer",
            NodeKind::TrainingCourse => "TrainingCourse",
            NodeKind::ApiToken => "ApiToken",
            NodeKind::Contest => "Contest",
            NodeKind::ContestAward => "ContestAward",
            NodeKind::ContestPerson => "ContestPerson",
            NodeKind::CompetitionReward => "CompetitionReward",
            NodeKind::OutreachActivity => "OutreachActivity",
            NodeKind::Expert => "Expert",
            NodeKind::TeachingNeed => "TeachingNeed",
        }
    }

    fn from_name(name: &str) -> Option<NodeKind> {
        NodeKind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// Encodes the global ID of row `id` of `kind`.
pub fn encode(kind: NodeKind, id: i32) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// Decodes any global ID; `None` when it is not one the hub issued.
pub fn decode_any(id: &str) -> Option<(NodeKind, i32)> {
    let bytes = URL_SAFE_NO_PAD.decode(id.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (kind, row) = text.split_once(':')?;
    let row: i32 = row.parse().ok()?;
    if row <= 0 {
        return None;
    }
    Some((NodeKind::from_name(kind)?, row))
}

/// Decodes a global ID that must be of `kind`.
pub fn decode(kind: NodeKind, id: &str) -> Result<i32, ApiError> {
    match decode_any(id) {
        Some((found, row)) if found == kind => Ok(row),
        Some((found, _)) => Err(ApiError::bad_input(format!(
            "id `{id}` is a {} id, expected a {} id",
            found.name(),
            kind.name()
        ))),
        None => Err(ApiError::bad_input(format!(
            "`{id}` is not a valid {} id",
            kind.name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip_and_reject_other_kinds() {
        let id = encode(NodeKind::DemandPosting, 42);
        assert_eq!(decode(NodeKind::DemandPosting, &id).ok(), Some(42));
        assert!(decode(NodeKind::Program, &id).is_err());
        assert_eq!(decode_any("not an id"), None);
        assert_eq!(
            decode_any(&URL_SAFE_NO_PAD.encode("DemandPosting:-1")),
            None
        );
        assert_eq!(decode_any(&URL_SAFE_NO_PAD.encode("Unknown:1")), None);
    }
}
