//! What the index holds: one document per searchable object.

use serde::{Deserialize, Serialize};

/// The kinds of objects the hub searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    DemandPosting,
    ApprenticeshipOffer,
    Program,
    CatalogueEntry,
    Occupation,
    Certificate,
    TrainingCourse,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::DemandPosting,
        Kind::ApprenticeshipOffer,
        Kind::Program,
        Kind::CatalogueEntry,
        Kind::Occupation,
        Kind::Certificate,
        Kind::TrainingCourse,
    ];

    /// The name used in keys, facets and the change log.
    pub fn name(self) -> &'static str {
        match self {
            Kind::DemandPosting => "DemandPosting",
            Kind::ApprenticeshipOffer => "ApprenticeshipOffer",
            Kind::Program => "Program",
            Kind::CatalogueEntry => "CatalogueEntry",
            Kind::Occupation => "Occupation",
            Kind::Certificate => "Certificate",
            Kind::TrainingCourse => "TrainingCourse",
        }
    }

    /// The reference kinds: the national classification, catalogue and
    /// certificates, a few thousand objects whose texts define the
    /// vocabulary that supply and demand are coded with. Their whole text
    /// is indexed as bigrams and characters, and searches for them alone
    /// re-score their top hits (see `ranking`).
    pub fn is_reference(self) -> bool {
        matches!(
            self,
            Kind::Occupation | Kind::CatalogueEntry | Kind::Certificate
        )
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// The facet dimensions of search results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dimension {
    Kind,
    /// Region code (`220202`).
    Region,
    /// Catalogue category code (专业大类, `46`).
    Category,
    /// Education level (`ASSOCIATE`, ...).
    Education,
    /// Occupation major group code (大类, `6`).
    OccupationMajor,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::Kind,
        Dimension::Region,
        Dimension::Category,
        Dimension::Education,
        Dimension::OccupationMajor,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Dimension::Kind => "/kind",
            Dimension::Region => "/region",
            Dimension::Category => "/category",
            Dimension::Education => "/education",
            Dimension::OccupationMajor => "/major",
        }
    }
}

/// One searchable object, as the API describes it to the index.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchDoc {
    pub kind: Option<Kind>,
    pub id: i32,
    /// Name or title: ranked highest, highlighted, autocompleted.
    pub title: String,
    /// Description, definition or main tasks: highlighted.
    pub body: String,
    /// Structured names: occupations and their hierarchy, catalogue class
    /// and category, certificates, skills, organisations, region.
    pub tags: Vec<String>,
    pub regions: Vec<String>,
    pub categories: Vec<String>,
    pub education: Vec<String>,
    pub occupation_majors: Vec<String>,
    /// Visible to anonymous readers (false for draft and closed postings).
    pub public: bool,
}

impl SearchDoc {
    pub fn new(kind: Kind, id: i32) -> Self {
        Self {
            kind: Some(kind),
            id,
            public: true,
            ..Default::default()
        }
    }
}

/// A change to apply to the index.
#[derive(Clone, Debug, PartialEq)]
pub enum IndexChange {
    /// Add the document, replacing any document of the same kind and id.
    Upsert(SearchDoc),
    /// Remove the document of this kind and id, if any.
    Delete(Kind, i32),
}

pub(crate) fn key(kind: Kind, id: i32) -> String {
    format!("{}:{id}", kind.name())
}

pub(crate) fn parse_key(key: &str) -> Option<(Kind, i32)> {
    let (kind, id) = key.split_once(':')?;
    Some((Kind::from_name(kind)?, id.parse().ok()?))
}
