//! Search quality on real queries: MRR@10 and recall@10 of occupation
//! search for job titles, judged by `search/eval/occupation_queries.tsv`.

use std::{collections::HashMap, path::Path, sync::Arc, time::Duration};

use anyhow::Context;
use entity::occupation;
use sea_orm::{EntityTrait, QuerySelect};
use search::{Filters, Kind, SearchIndex, SearchRequest, WriterOptions};

use crate::{
    db::connect_and_migrate,
    import::{import_file, ImportKind, ImportOptions, Progress},
    indexing::Indexer,
};

/// One labelled query.
#[derive(Clone, Debug)]
pub struct Judgement {
    /// `tune` or `heldout`.
    pub split: String,
    pub query: String,
    pub relevant: Vec<String>,
}

/// Reads `split<TAB>query<TAB>code,code` lines; `#` starts a comment.
pub fn read_judgements(path: &Path) -> anyhow::Result<Vec<Judgement>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut judgements = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [split, query, codes] = fields[..] else {
            anyhow::bail!(
                "{}:{}: expected 3 tab-separated fields",
                path.display(),
                number + 1
            );
        };
        judgements.push(Judgement {
            split: split.to_string(),
            query: query.to_string(),
            relevant: codes
                .split(',')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect(),
        });
    }
    Ok(judgements)
}

/// The outcome of one query.
#[derive(Clone, Debug)]
pub struct QueryOutcome {
    pub judgement: Judgement,
    /// Codes of the top 10, best first.
    pub top: Vec<String>,
    /// 1-based rank of the first relevant hit within the top 10.
    pub first_relevant: Option<usize>,
    pub recall: f64,
}

/// Mean scores over a set of queries.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scores {
    pub queries: usize,
    pub mrr_at_10: f64,
    pub recall_at_10: f64,
}

impl Scores {
    pub fn of<'a>(outcomes: impl Iterator<Item = &'a QueryOutcome>) -> Self {
        let mut scores = Scores::default();
        for outcome in outcomes {
            scores.queries += 1;
            scores.mrr_at_10 += outcome
                .first_relevant
                .map(|rank| 1.0 / rank as f64)
                .unwrap_or(0.0);
            scores.recall_at_10 += outcome.recall;
        }
        if scores.queries > 0 {
            scores.mrr_at_10 /= scores.queries as f64;
            scores.recall_at_10 /= scores.queries as f64;
        }
        scores
    }
}

/// The outcomes of all judged queries, and occupation names by code.
pub struct Evaluation {
    pub outcomes: Vec<QueryOutcome>,
    pub names: HashMap<String, String>,
}

impl Evaluation {
    pub fn scores(&self, split: Option<&str>) -> Scores {
        Scores::of(
            self.outcomes
                .iter()
                .filter(|o| split.is_none_or(|s| o.judgement.split == s)),
        )
    }
}

/// Imports the real occupation file into a scratch database, indexes it
/// through the hub's own indexer, and runs every judged query.
pub async fn evaluate(
    occupations_csv: &Path,
    judgements: &[Judgement],
) -> anyhow::Result<Evaluation> {
    let scratch = tempfile::tempdir()?;
    let url = format!(
        "sqlite://{}?mode=rwc",
        scratch.path().join("eval.db").display()
    );
    let (db, _) = connect_and_migrate(&url).await?;
    import_file(
        &db,
        ImportKind::Occupations,
        occupations_csv,
        ImportOptions::default(),
        &Progress::silent(),
    )
    .await?;
    let index = SearchIndex::open(&scratch.path().join("index"), WriterOptions::default())?;
    let indexer = Indexer::new(db.clone(), Arc::new(index), Duration::from_secs(3600));
    indexer.catch_up().await?;
    let rows: Vec<(i32, String, String)> = occupation::Entity::find()
        .select_only()
        .column(occupation::Column::Id)
        .column(occupation::Column::Code)
        .column(occupation::Column::Name)
        .into_tuple()
        .all(&db)
        .await?;
    let codes: HashMap<i32, String> = rows
        .iter()
        .map(|(id, code, _)| (*id, code.clone()))
        .collect();
    let names: HashMap<String, String> = rows
        .into_iter()
        .map(|(_, code, name)| (code, name))
        .collect();
    let mut outcomes = Vec::new();
    for judgement in judgements {
        let request = SearchRequest {
            text: judgement.query.clone(),
            filters: Filters {
                kinds: vec![Kind::Occupation],
                ..Default::default()
            },
            limit: 10,
            ..Default::default()
        };
        let results = indexer.index().search(&request)?;
        let top: Vec<String> = results
            .hits
            .iter()
            .filter_map(|hit| codes.get(&hit.id).cloned())
            .collect();
        let first_relevant = top
            .iter()
            .position(|code| judgement.relevant.contains(code))
            .map(|i| i + 1);
        let found = judgement
            .relevant
            .iter()
            .filter(|code| top.contains(code))
            .count();
        let recall = if judgement.relevant.is_empty() {
            0.0
        } else {
            found as f64 / judgement.relevant.len() as f64
        };
        outcomes.push(QueryOutcome {
            judgement: judgement.clone(),
            top,
            first_relevant,
            recall,
        });
    }
    Ok(Evaluation { outcomes, names })
}

/// Prints the scores by split and the queries that found nothing relevant.
pub fn print_report(evaluation: &Evaluation) {
    let (outcomes, names) = (&evaluation.outcomes, &evaluation.names);
    println!("search relevance: occupation search for real job titles (MRR@10, recall@10)");
    for split in ["tune", "heldout", "fresh"] {
        let scores = Scores::of(outcomes.iter().filter(|o| o.judgement.split == split));
        println!(
            "  {split:<8} {:>3} queries  MRR@10 {:.3}  recall@10 {:.3}",
            scores.queries, scores.mrr_at_10, scores.recall_at_10
        );
    }
    let all = Scores::of(outcomes.iter());
    println!(
        "  {:<8} {:>3} queries  MRR@10 {:.3}  recall@10 {:.3}",
        "all", all.queries, all.mrr_at_10, all.recall_at_10
    );
    for outcome in outcomes.iter().filter(|o| o.first_relevant != Some(1)) {
        let top: Vec<String> = outcome
            .top
            .iter()
            .take(3)
            .map(|code| {
                format!(
                    "{code} {}",
                    names.get(code).map(String::as_str).unwrap_or("")
                )
            })
            .collect();
        println!(
            "  [{}] {:<12} first relevant at {:<5} top 3: {}",
            outcome.judgement.split,
            outcome.judgement.query,
            outcome
                .first_relevant
                .map(|r| r.to_string())
                .unwrap_or_else(|| "-".into()),
            top.join(" | ")
        );
    }
}
