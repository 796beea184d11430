//! The weights of matching, in one place. The README's "Matching" section
//! explains them with a worked example; `tests/api/matching.rs` checks
//! hand-computed scores against them.
//!
//! Each part has a value from 0 to 1. **Occupation** and **text** are the
//! evidence that a supply is relevant at all: they always count, as 0 when
//! they cannot be computed (and say why); together they give the
//! relevance `R = (0.40 × occupation + 0.20 × text) / 0.60`. The other
//! parts (certificates, region, education, capacity) refine the order and
//! count in proportion to `R`, so being near and at the right level cannot
//! make up for unrelated work; one that cannot be computed (a region not
//! given, a kind of supply without certificates) is left out, so missing
//! data neither helps nor hurts, and says so.
//!
//! `score = (Σ relevance parts w × v + R × Σ refining parts w × v) / Σ
//! counted weights`; each part's `points` is its term of that sum.

use entity::enums::LinkProvenance;

use super::score::{OccupationLink, Place};

/// The parts of a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PartKind {
    /// Shared occupations of the 2022 classification.
    Occupation,
    /// The demand's key terms found in the supply's text.
    Text,
    /// Certificates asked for that the supply offers.
    Certificates,
    /// Same district, same city or elsewhere.
    Region,
    /// The supply's education level against the level asked for.
    Education,
    /// The supply's size against the headcount.
    Capacity,
}

impl PartKind {
    /// Counts in the score even when it cannot be computed (as 0).
    pub fn always_counted(self) -> bool {
        matches!(self, PartKind::Occupation | PartKind::Text)
    }

    pub fn label(self) -> &'static str {
        match self {
            PartKind::Occupation => "职业对应",
            PartKind::Text => "文本相关",
            PartKind::Certificates => "证书",
            PartKind::Region => "地区",
            PartKind::Education => "学历层次",
            PartKind::Capacity => "规模",
        }
    }
}

/// The weight of each part.
pub struct Weights {
    pub occupation: f64,
    pub text: f64,
    pub certificates: f64,
    pub region: f64,
    pub education: f64,
    pub capacity: f64,
}

/// The hub's weights.
pub const WEIGHTS: Weights = Weights {
    occupation: 0.40,
    text: 0.20,
    certificates: 0.15,
    region: 0.10,
    education: 0.10,
    capacity: 0.05,
};

impl Weights {
    pub fn of(&self, part: PartKind) -> f64 {
        match part {
            PartKind::Occupation => self.occupation,
            PartKind::Text => self.text,
            PartKind::Certificates => self.certificates,
            PartKind::Region => self.region,
            PartKind::Education => self.education,
            PartKind::Capacity => self.capacity,
        }
    }
}

/// How much a link counts by where it came from: the hub's own
/// unconfirmed suggestion counts less than a link its owner stands for.
pub fn link_factor(provenance: LinkProvenance) -> f64 {
    match provenance {
        LinkProvenance::Declared | LinkProvenance::Confirmed | LinkProvenance::Imported => 1.0,
        LinkProvenance::Suggested => SUGGESTED_LINK_FACTOR,
    }
}

/// What a suggested link counts for against a declared one.
pub const SUGGESTED_LINK_FACTOR: f64 = 0.6;

/// How close two occupations are in the classification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Closeness {
    /// The same occupation (细类).
    SameOccupation,
    /// Two occupations of one 小类.
    SameMinorGroup,
    /// Two occupations of one 中类.
    SameMediumGroup,
}

impl Closeness {
    pub fn value(self) -> f64 {
        match self {
            Closeness::SameOccupation => 1.0,
            Closeness::SameMinorGroup => 0.5,
            Closeness::SameMediumGroup => 0.25,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Closeness::SameOccupation => "同一职业",
            Closeness::SameMinorGroup => "同一小类",
            Closeness::SameMediumGroup => "同一中类",
        }
    }
}

/// How close two linked occupations are, if related at all.
pub fn occupation_closeness(a: &OccupationLink, b: &OccupationLink) -> Option<Closeness> {
    if a.occupation_id == b.occupation_id {
        Some(Closeness::SameOccupation)
    } else if !a.minor_code.is_empty() && a.minor_code == b.minor_code {
        Some(Closeness::SameMinorGroup)
    } else if !a.medium_code.is_empty() && a.medium_code == b.medium_code {
        Some(Closeness::SameMediumGroup)
    } else {
        None
    }
}

/// Where a supply is, seen from the demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionFit {
    SameDistrict,
    SameCity,
    Elsewhere,
    Unknown,
}

impl RegionFit {
    pub fn of(demand: Option<Place>, supply: Option<Place>) -> Self {
        match (demand, supply) {
            (Some(d), Some(s)) if d.region_id == s.region_id => RegionFit::SameDistrict,
            (Some(d), Some(s)) if d.root_id == s.root_id => RegionFit::SameCity,
            (Some(_), Some(_)) => RegionFit::Elsewhere,
            _ => RegionFit::Unknown,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RegionFit::SameDistrict => "同一区县",
            RegionFit::SameCity => "同城不同区县",
            RegionFit::Elsewhere => "外地",
            RegionFit::Unknown => "地区未知",
        }
    }
}

pub fn region_value(fit: RegionFit) -> Option<f64> {
    match fit {
        RegionFit::SameDistrict => Some(1.0),
        RegionFit::SameCity => Some(0.6),
        RegionFit::Elsewhere => Some(0.2),
        RegionFit::Unknown => None,
    }
}

/// The supply's education level against the level asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EducationFit {
    /// The demand accepts any level.
    AnyLevel,
    /// The supply educates to the level asked for or above.
    Meets,
    /// One level below.
    OneBelow,
    /// Two or more levels below.
    Below,
    /// The demand states no level.
    NotStated,
    /// The supply has no education level (offers, courses, programs off
    /// the catalogue).
    NotApplicable,
}

impl EducationFit {
    pub fn of(asked: Option<u8>, offered: Option<u8>) -> Self {
        match (asked, offered) {
            (None, _) => EducationFit::NotStated,
            (Some(0), _) => EducationFit::AnyLevel,
            (Some(_), None) => EducationFit::NotApplicable,
            (Some(asked), Some(offered)) if offered >= asked => EducationFit::Meets,
            (Some(asked), Some(offered)) if offered + 1 == asked => EducationFit::OneBelow,
            _ => EducationFit::Below,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EducationFit::AnyLevel => "学历不限",
            EducationFit::Meets => "达到学历要求",
            EducationFit::OneBelow => "低一个层次",
            EducationFit::Below => "低两个层次及以上",
            EducationFit::NotStated => "需求未写学历要求 (not stated)",
            EducationFit::NotApplicable => "供给方没有学历层次 (not applicable)",
        }
    }
}

pub fn education_value(fit: EducationFit) -> Option<f64> {
    match fit {
        EducationFit::AnyLevel | EducationFit::Meets => Some(1.0),
        EducationFit::OneBelow => Some(0.5),
        EducationFit::Below => Some(0.0),
        EducationFit::NotStated | EducationFit::NotApplicable => None,
    }
}

/// The rank of an education requirement (0 = any level).
pub fn requirement_rank(level: entity::enums::EducationRequirement) -> u8 {
    use entity::enums::EducationRequirement as E;
    match level {
        E::Any => 0,
        E::JuniorSecondary => 1,
        E::SeniorSecondary => 2,
        E::Associate => 3,
        E::Bachelor => 4,
        E::Master => 5,
        E::Doctorate => 6,
    }
}

/// The rank of the level a catalogue program educates to.
pub fn catalogue_rank(level: entity::enums::CatalogueLevel) -> u8 {
    use entity::enums::CatalogueLevel as L;
    match level {
        L::VocationalSecondary => 2,
        L::VocationalAssociate => 3,
        L::VocationalBachelor => 4,
    }
}

/// Supply against headcount: 1 when it covers the headcount.
pub fn capacity_value(headcount: i32, available: i32) -> f64 {
    (f64::from(available.max(0)) / f64::from(headcount.max(1))).min(1.0)
}

impl LinkLabel for LinkProvenance {
    fn label(self) -> &'static str {
        match self {
            LinkProvenance::Declared => "填报",
            LinkProvenance::Confirmed => "已确认的推荐",
            LinkProvenance::Suggested => "系统推荐",
            LinkProvenance::Imported => "导入",
        }
    }
}

/// A readable name of a link's provenance.
pub trait LinkLabel {
    fn label(self) -> &'static str;
}
