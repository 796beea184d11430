//! Scoring one demand against one supply: pure functions over two
//! [`Profile`]s, so the same pair scores the same whichever side asks.

use std::collections::BTreeSet;

use entity::enums::LinkProvenance;

use super::weights::{
    capacity_value, education_value, link_factor, occupation_closeness, region_value, Closeness,
    EducationFit, LinkLabel, PartKind, RegionFit, WEIGHTS,
};

/// What a matched object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubjectKind {
    DemandPosting,
    Program,
    ApprenticeshipOffer,
    TrainingCourse,
    /// A program's teaching need (demand for experts).
    TeachingNeed,
    /// An expert of the pool (supply of teaching).
    Expert,
}

impl SubjectKind {
    /// The name stored with rejected suggestions.
    pub fn name(self) -> &'static str {
        match self {
            SubjectKind::DemandPosting => "demand_posting",
            SubjectKind::Program => "program",
            SubjectKind::ApprenticeshipOffer => "apprenticeship_offer",
            SubjectKind::TrainingCourse => "training_course",
            SubjectKind::TeachingNeed => "teaching_need",
            SubjectKind::Expert => "expert",
        }
    }

    /// What a capacity of this kind counts: people, or teaching hours.
    pub fn capacity_unit(self) -> &'static str {
        match self {
            SubjectKind::TeachingNeed | SubjectKind::Expert => "学时",
            _ => "人",
        }
    }
}

/// An occupation a profile is linked to, and how.
#[derive(Clone, Debug, PartialEq)]
pub struct OccupationLink {
    pub occupation_id: i32,
    pub code: String,
    pub minor_code: String,
    pub medium_code: String,
    pub provenance: LinkProvenance,
    pub confidence: Option<f64>,
}

/// Where a profile is: its region and the region at the top of its tree
/// (the city).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub region_id: i32,
    pub root_id: i32,
}

/// Everything scoring needs to know of one object.
#[derive(Clone, Debug)]
pub struct Profile {
    pub kind: SubjectKind,
    pub id: i32,
    /// Title, description and skills, lowercased: where a demand's terms
    /// are looked for.
    pub text: String,
    /// The key terms of a demand (title and skills); of an object that
    /// is not a posting (its title) only when it is the subject of a match
    /// (which searches with them) or on its demand side.
    pub terms: Vec<String>,
    pub occupations: Vec<OccupationLink>,
    /// Certificates asked for (demand) or offered (supply); `None` when
    /// this kind of object does not record them.
    pub certificates: Option<Vec<i32>>,
    pub place: Option<Place>,
    /// Demand: the rank of the education asked for (0 = any);
    /// supply: the rank of the level it educates to. `None`: unknown or
    /// not applicable.
    pub education_rank: Option<u8>,
    /// Demand: headcount; supply: graduates a year, places or capacity.
    pub capacity: Option<i32>,
    /// Whether the object takes part in matching now: a posting is
    /// published and has not expired; other kinds always.
    pub open: bool,
}

/// One named part of a score.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub kind: PartKind,
    pub weight: f64,
    /// The part's value from 0 to 1; `None` when it could not be computed.
    pub value: Option<f64>,
    /// Whether the part counts in the score (see [`super::weights`]).
    pub counted: bool,
    /// The part's share of the score: weight × value / counted weights.
    pub points: f64,
    /// Why the part has its value, in words.
    pub explanation: String,
}

/// A shared or related occupation of a demand and a supply.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedOccupation {
    pub demand: OccupationLink,
    pub supply: OccupationLink,
    pub closeness: Closeness,
    /// closeness × the two links' provenance factors.
    pub value: f64,
}

/// A scored pair with its evidence.
#[derive(Clone, Debug)]
pub struct Scored {
    pub demand: (SubjectKind, i32),
    pub supply: (SubjectKind, i32),
    pub score: f64,
    pub parts: Vec<Part>,
    pub shared_occupations: Vec<SharedOccupation>,
    pub certificates_matched: Vec<i32>,
    pub certificates_missing: Vec<i32>,
    pub matched_terms: Vec<String>,
    pub region: RegionFit,
    pub education: EducationFit,
    pub demand_capacity: Option<i32>,
    pub supply_capacity: Option<i32>,
}

impl Scored {
    /// Whether there is evidence of relevance at all: a related occupation
    /// or a shared term.
    pub fn is_relevant(&self) -> bool {
        !self.shared_occupations.is_empty() || !self.matched_terms.is_empty()
    }
}

fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// Scores `supply` as a way to meet `demand`.
pub fn score(demand: &Profile, supply: &Profile) -> Scored {
    // Occupations: the best related pair.
    let mut shared = Vec::new();
    for d in &demand.occupations {
        for s in &supply.occupations {
            if let Some(closeness) = occupation_closeness(d, s) {
                let value =
                    closeness.value() * link_factor(d.provenance) * link_factor(s.provenance);
                shared.push(SharedOccupation {
                    demand: d.clone(),
                    supply: s.clone(),
                    closeness,
                    value,
                });
            }
        }
    }
    shared.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| a.demand.code.cmp(&b.demand.code))
            .then_with(|| a.supply.code.cmp(&b.supply.code))
    });
    let occupation = if demand.occupations.is_empty() || supply.occupations.is_empty() {
        let which = if demand.occupations.is_empty() {
            "需求"
        } else {
            "供给方"
        };
        (
            None,
            format!("{which}未关联职业，无法比较 (no occupation linked; counts as 0)"),
        )
    } else if let Some(best) = shared.first() {
        (
            Some(best.value),
            format!(
                "{} 与 {}：{}，关联来源 {} / {}",
                best.demand.code,
                best.supply.code,
                best.closeness.label(),
                best.demand.provenance.label(),
                best.supply.provenance.label()
            ),
        )
    } else {
        (
            Some(0.0),
            "没有相同或相近的职业 (no shared occupation)".to_string(),
        )
    };

    // Text: the demand's key terms found in the supply's text.
    let matched_terms: Vec<String> = demand
        .terms
        .iter()
        .filter(|term| supply.text.contains(term.as_str()))
        .cloned()
        .collect();
    let text = if demand.terms.is_empty() {
        (
            None,
            "需求没有可比较的关键词 (no key terms; counts as 0)".to_string(),
        )
    } else {
        (
            Some(matched_terms.len() as f64 / demand.terms.len() as f64),
            format!(
                "需求关键词 {} 个，命中 {} 个",
                demand.terms.len(),
                matched_terms.len()
            ),
        )
    };

    // Certificates asked for vs offered.
    let asked: BTreeSet<i32> = demand.certificates.iter().flatten().copied().collect();
    let offered: Option<BTreeSet<i32>> = supply
        .certificates
        .as_ref()
        .map(|list| list.iter().copied().collect());
    let certificates_matched: Vec<i32> = match &offered {
        Some(offered) => asked.intersection(offered).copied().collect(),
        None => Vec::new(),
    };
    let certificates_missing: Vec<i32> = match &offered {
        Some(offered) => asked.difference(offered).copied().collect(),
        None => asked.iter().copied().collect(),
    };
    let certificates = if asked.is_empty() {
        (
            Some(1.0),
            "需求未要求证书 (no certificate asked for)".to_string(),
        )
    } else if offered.is_none() {
        (
            None,
            "供给方不记录证书 (this kind of supply records no certificates)".to_string(),
        )
    } else {
        (
            Some(certificates_matched.len() as f64 / asked.len() as f64),
            format!(
                "要求证书 {} 个，提供 {} 个，缺 {} 个",
                asked.len(),
                certificates_matched.len(),
                certificates_missing.len()
            ),
        )
    };

    let region_fit = RegionFit::of(demand.place, supply.place);
    let region = match region_value(region_fit) {
        Some(value) => (Some(value), region_fit.label().to_string()),
        None => (None, "一方未填写地区 (region unknown)".to_string()),
    };

    let education_fit = EducationFit::of(demand.education_rank, supply.education_rank);
    let education = match education_value(education_fit) {
        Some(value) => (Some(value), education_fit.label().to_string()),
        None => (None, education_fit.label().to_string()),
    };

    let capacity = match (
        demand.capacity.filter(|headcount| *headcount > 0),
        supply.capacity,
    ) {
        (None, _) => (None, "需求未写人数 (headcount unknown)".to_string()),
        (Some(_), None) => (None, "供给方未写人数 (capacity unknown)".to_string()),
        (Some(headcount), Some(available)) => (
            Some(capacity_value(headcount, available)),
            format!(
                "需求 {headcount} {}，供给 {available} {}",
                demand.kind.capacity_unit(),
                supply.kind.capacity_unit()
            ),
        ),
    };

    let values = [
        (PartKind::Occupation, occupation),
        (PartKind::Text, text),
        (PartKind::Certificates, certificates),
        (PartKind::Region, region),
        (PartKind::Education, education),
        (PartKind::Capacity, capacity),
    ];
    let mut parts: Vec<Part> = values
        .into_iter()
        .map(|(kind, (value, explanation))| Part {
            kind,
            weight: WEIGHTS.of(kind),
            value: value.map(round),
            counted: value.is_some() || kind.always_counted(),
            points: 0.0,
            explanation,
        })
        .collect();
    let denominator: f64 = parts.iter().filter(|p| p.counted).map(|p| p.weight).sum();
    // How relevant the supply is at all (occupation and text, 0 to 1):
    // the refining parts count in proportion, so being near and at the
    // right level cannot make up for unrelated work.
    let relevance_weight: f64 = parts
        .iter()
        .filter(|p| p.kind.always_counted())
        .map(|p| p.weight)
        .sum();
    let relevance = parts
        .iter()
        .filter(|p| p.kind.always_counted())
        .map(|p| p.weight * p.value.unwrap_or(0.0))
        .sum::<f64>()
        / relevance_weight;
    let mut total = 0.0;
    for part in &mut parts {
        if part.counted && denominator > 0.0 {
            let scale = if part.kind.always_counted() {
                1.0
            } else {
                relevance
            };
            let points = part.weight * part.value.unwrap_or(0.0) * scale / denominator;
            part.points = round(points);
            total += points;
        }
    }
    Scored {
        demand: (demand.kind, demand.id),
        supply: (supply.kind, supply.id),
        score: round(total),
        parts,
        shared_occupations: shared,
        certificates_matched,
        certificates_missing,
        matched_terms,
        region: region_fit,
        education: education_fit,
        demand_capacity: demand.capacity,
        supply_capacity: supply.capacity,
    }
}
