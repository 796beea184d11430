//! Search quality on real queries: MRR@10 and recall@1 and @10 of
//! occupation search, for four kinds of query, against two plain
//! baselines ranked in the same run over the same occupations.
//!
//! Recall@k is the share of queries with a relevant occupation within the
//! top k (a title judged for several occupations needs one of them), as
//! the issue that set the targets counts it. J@10, the share of a query's
//! judged occupations within the top 10 (of at most 10 of them), is
//! printed next to it.
//!
//! Query kinds:
//! - **official titles**: the 工种 titles of `eval/jobtype_titles_tune.tsv`
//!   in the shared data, each judged by the occupation it belongs to; split
//!   by occupation (a stable hash of its code) into `tune` and `check`.
//! - **everyday titles**: job titles of real postings,
//!   `search/eval/occupation_queries.tsv`.
//! - **job text**: a real posting's description pasted as the query,
//!   `search/eval/text_queries.tsv` (the text is read from the shared data).
//! - **field words**: one word naming a field of work (`化工`, `食品`), as
//!   colleges search for the occupations of a program,
//!   `search/eval/field_words.tsv`.
//!
//! Rankers: the hub (its index and ranking, as `search` answers), plain
//! BM25 over character bigrams and plain BM25 over jieba words (one field
//! holding the occupation's name, hierarchy, definition and tasks; no
//! boosts, no synonyms).

use std::{
    collections::{BTreeMap, HashMap},
    io::Write,
    path::Path,
    sync::Arc,
    time::Duration,
};

use anyhow::Context;
use entity::occupation;
use sea_orm::EntityTrait;
use search::{Filters, Kind, SearchIndex, SearchRequest, WriterOptions};

use super::baseline::{Baseline, Tokens};
use crate::{
    db::connect_and_migrate,
    import::{import_file, ImportKind, ImportOptions, Progress},
    indexing::Indexer,
};

/// What a query is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QueryKind {
    /// 工种 titles of the classification.
    OfficialTitle,
    /// Job titles as postings write them.
    EverydayTitle,
    /// A posting's description or requirement text.
    JobText,
    /// One word naming a field of work.
    FieldWord,
}

impl QueryKind {
    pub const ALL: [QueryKind; 4] = [
        QueryKind::OfficialTitle,
        QueryKind::EverydayTitle,
        QueryKind::JobText,
        QueryKind::FieldWord,
    ];

    pub fn name(self) -> &'static str {
        match self {
            QueryKind::OfficialTitle => "official titles",
            QueryKind::EverydayTitle => "everyday titles",
            QueryKind::JobText => "job text",
            QueryKind::FieldWord => "field words",
        }
    }
}

/// Who ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ranker {
    Hub,
    BigramBm25,
    JiebaBm25,
}

impl Ranker {
    pub const ALL: [Ranker; 3] = [Ranker::Hub, Ranker::BigramBm25, Ranker::JiebaBm25];

    pub fn name(self) -> &'static str {
        match self {
            Ranker::Hub => "hub",
            Ranker::BigramBm25 => "bigram BM25",
            Ranker::JiebaBm25 => "jieba BM25",
        }
    }
}

/// One labelled query.
#[derive(Clone, Debug)]
pub struct Judgement {
    pub kind: QueryKind,
    /// `tune`, `check`, and for everyday titles also `heldout`, `fresh`.
    pub split: String,
    pub query: String,
    /// A short label for reports (the query, or the posting's title).
    pub label: String,
    pub relevant: Vec<String>,
}

fn codes(text: &str) -> Vec<String> {
    text.split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

/// Data lines of a judgement file: tab-separated fields, `#` comments.
fn data_lines(path: &Path) -> anyhow::Result<Vec<(usize, Vec<String>)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(number, line)| (number + 1, line.split('\t').map(str::to_string).collect()))
        .collect())
}

/// Everyday titles and field words: `split<TAB>query<TAB>code,code`.
pub fn read_queries(path: &Path, kind: QueryKind) -> anyhow::Result<Vec<Judgement>> {
    let mut judgements = Vec::new();
    for (line, fields) in data_lines(path)? {
        let [split, query, relevant] = &fields[..] else {
            anyhow::bail!("{}:{line}: expected 3 tab-separated fields", path.display());
        };
        judgements.push(Judgement {
            kind,
            split: split.clone(),
            query: query.clone(),
            label: query.clone(),
            relevant: codes(relevant),
        });
    }
    Ok(judgements)
}

/// Job text: `split<TAB>file<TAB>record<TAB>title<TAB>code,code`, the text
/// read from the posting file under `data`.
pub fn read_job_texts(path: &Path, data: &Path) -> anyhow::Result<Vec<Judgement>> {
    let mut files: HashMap<String, (csv::StringRecord, Vec<csv::StringRecord>)> = HashMap::new();
    let mut judgements = Vec::new();
    for (line, fields) in data_lines(path)? {
        let [split, file, record, title, relevant] = &fields[..] else {
            anyhow::bail!("{}:{line}: expected 5 tab-separated fields", path.display());
        };
        if !files.contains_key(file) {
            let csv_path = data.join(file);
            let mut reader = csv::Reader::from_path(&csv_path)
                .with_context(|| format!("cannot read {}", csv_path.display()))?;
            let headers = reader
                .headers()
                .with_context(|| format!("cannot read {}", csv_path.display()))?
                .clone();
            let records = reader
                .records()
                .collect::<Result<Vec<_>, _>>()
                .with_context(|| format!("cannot read {}", csv_path.display()))?;
            files.insert(file.clone(), (headers, records));
        }
        let number: usize = record
            .parse()
            .with_context(|| format!("{}:{line}: bad record number", path.display()))?;
        let Some((headers, records)) = files.get(file) else {
            anyhow::bail!("{}:{line}: {file} was not read", path.display());
        };
        let posting = records
            .get(number.saturating_sub(1))
            .with_context(|| format!("{}:{line}: no record {number} in {file}", path.display()))?;
        let column = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|at| posting.get(at))
        };
        let found_title = column("title").unwrap_or_default();
        // The description (51job) or the requirements (zhilian).
        let text = column("description")
            .or_else(|| column("requirements"))
            .unwrap_or_default();
        if found_title.split_whitespace().collect::<Vec<_>>().join(" ") != *title {
            anyhow::bail!(
                "{}:{line}: record {number} of {file} is 「{found_title}」, not 「{title}」",
                path.display()
            );
        }
        judgements.push(Judgement {
            kind: QueryKind::JobText,
            split: split.clone(),
            query: text.trim().to_string(),
            label: format!("text of 「{title}」"),
            relevant: codes(relevant),
        });
    }
    Ok(judgements)
}

/// The part an occupation belongs to: a stable hash of its code, so that
/// every title of one occupation lands in the same part and the parts never
/// change.
pub fn occupation_split(code: &str) -> &'static str {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in code.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    if hash.is_multiple_of(2) {
        "tune"
    } else {
        "check"
    }
}

/// Official titles: `job_type<TAB>occupation_code<TAB>occupation_name`; a
/// title of several occupations is one query relevant to all of them,
/// placed by its first code.
pub fn read_official_titles(path: &Path) -> anyhow::Result<Vec<Judgement>> {
    let mut by_title: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut order = Vec::new();
    for (line, fields) in data_lines(path)? {
        let [title, code, _] = &fields[..] else {
            anyhow::bail!("{}:{line}: expected 3 tab-separated fields", path.display());
        };
        if title == "job_type" {
            continue;
        }
        let entry = by_title.entry(title.clone()).or_default();
        if entry.is_empty() {
            order.push(title.clone());
        }
        if !entry.contains(code) {
            entry.push(code.clone());
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|title| {
            let relevant = by_title.remove(&title)?;
            let mut sorted = relevant.clone();
            sorted.sort();
            Some(Judgement {
                kind: QueryKind::OfficialTitle,
                split: occupation_split(sorted.first()?).to_string(),
                label: title.clone(),
                query: title,
                relevant,
            })
        })
        .collect())
}

/// All judgements of the four kinds, from the repository's `search/eval`
/// and the shared data folder.
pub fn read_all(eval_dir: &Path, data: &Path) -> anyhow::Result<Vec<Judgement>> {
    let mut judgements = read_official_titles(&data.join("eval/jobtype_titles_tune.tsv"))?;
    judgements.extend(read_queries(
        &eval_dir.join("occupation_queries.tsv"),
        QueryKind::EverydayTitle,
    )?);
    judgements.extend(read_job_texts(&eval_dir.join("text_queries.tsv"), data)?);
    judgements.extend(read_queries(
        &eval_dir.join("field_words.tsv"),
        QueryKind::FieldWord,
    )?);
    Ok(judgements)
}

/// The outcome of one query for one ranker.
#[derive(Clone, Debug)]
pub struct QueryOutcome {
    pub ranker: Ranker,
    pub judgement: Judgement,
    /// Codes of the top 10, best first.
    pub top: Vec<String>,
    /// 1-based rank of the first relevant hit within the top 10.
    pub first_relevant: Option<usize>,
    /// Share of the judged occupations found in the top 10 (of at most 10
    /// of them: a field word judged for 30 finds all it can with 10).
    pub judged_found: f64,
}

/// Mean scores over a set of queries.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scores {
    pub queries: usize,
    pub mrr_at_10: f64,
    pub recall_at_1: f64,
    /// Share of queries with a relevant hit in the top 10.
    pub recall_at_10: f64,
    /// Mean share of a query's judged occupations in the top 10.
    pub judged_at_10: f64,
    /// Queries with no hit at all.
    pub empty: usize,
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
            scores.recall_at_1 += f64::from(u8::from(outcome.first_relevant == Some(1)));
            scores.recall_at_10 += f64::from(u8::from(outcome.first_relevant.is_some()));
            scores.judged_at_10 += outcome.judged_found;
            scores.empty += usize::from(outcome.top.is_empty());
        }
        if scores.queries > 0 {
            let n = scores.queries as f64;
            scores.mrr_at_10 /= n;
            scores.recall_at_1 /= n;
            scores.recall_at_10 /= n;
            scores.judged_at_10 /= n;
        }
        scores
    }
}

/// The outcomes of all judged queries for every ranker, and occupation
/// names by code.
pub struct Evaluation {
    pub outcomes: Vec<QueryOutcome>,
    pub names: HashMap<String, String>,
}

impl Evaluation {
    pub fn scores(&self, ranker: Ranker, kind: QueryKind, split: Option<&str>) -> Scores {
        Scores::of(self.outcomes.iter().filter(|o| {
            o.ranker == ranker
                && o.judgement.kind == kind
                && split.is_none_or(|s| o.judgement.split == s)
        }))
    }

    /// The splits of a kind, in the order they are reported.
    pub fn splits(&self, kind: QueryKind) -> Vec<String> {
        let mut splits: Vec<String> = Vec::new();
        for outcome in self.outcomes.iter().filter(|o| o.judgement.kind == kind) {
            if !splits.contains(&outcome.judgement.split) {
                splits.push(outcome.judgement.split.clone());
            }
        }
        let rank = |s: &str| match s {
            "tune" => 0,
            "heldout" => 1,
            "fresh" => 2,
            "check" => 3,
            _ => 4,
        };
        splits.sort_by_key(|s| rank(s));
        splits
    }
}

fn outcome(ranker: Ranker, judgement: &Judgement, top: Vec<String>) -> QueryOutcome {
    let first_relevant = top
        .iter()
        .position(|code| judgement.relevant.contains(code))
        .map(|i| i + 1);
    let found = judgement
        .relevant
        .iter()
        .filter(|code| top.contains(code))
        .count();
    let judged_found = if judgement.relevant.is_empty() {
        0.0
    } else {
        found as f64 / judgement.relevant.len().min(10) as f64
    };
    QueryOutcome {
        ranker,
        judgement: judgement.clone(),
        top,
        first_relevant,
        judged_found,
    }
}

/// Imports the real occupation file into a scratch database, indexes it
/// through the hub's own indexer, builds the baselines over the same rows,
/// and runs every judged query through every ranker.
pub async fn evaluate(
    occupations_csv: &Path,
    judgements: &[Judgement],
    features: Option<&Path>,
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
    let rows = occupation::Entity::find().all(&db).await?;
    let codes: HashMap<i32, String> = rows.iter().map(|o| (o.id, o.code.clone())).collect();
    let names: HashMap<String, String> = rows
        .iter()
        .map(|o| (o.code.clone(), o.name.clone()))
        .collect();
    let documents: Vec<(String, String)> = rows
        .iter()
        .map(|o| {
            (
                o.code.clone(),
                [
                    o.name.as_str(),
                    &o.minor_name,
                    &o.medium_name,
                    &o.major_name,
                    &o.definition,
                    &o.main_tasks,
                ]
                .join("\n"),
            )
        })
        .collect();
    let bigrams = Baseline::build(&documents, Tokens::Bigrams)?;
    let jieba = Baseline::build(&documents, Tokens::JiebaWords)?;
    let mut features_table = match features {
        Some(path) => {
            let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
            writeln!(
                file,
                "kind\tsplit\tquery\tcode\trelevant\trelevant_count\tfeatures"
            )?;
            Some(file)
        }
        None => None,
    };
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
        if let Some(table) = features_table.as_mut() {
            write_features(table, indexer.index(), &request, judgement, &codes)?;
        }
        let results = indexer.index().search(&request)?;
        let top: Vec<String> = results
            .hits
            .iter()
            .filter_map(|hit| codes.get(&hit.id).cloned())
            .collect();
        outcomes.push(outcome(Ranker::Hub, judgement, top));
        outcomes.push(outcome(
            Ranker::BigramBm25,
            judgement,
            bigrams.search(&judgement.query, 10)?,
        ));
        outcomes.push(outcome(
            Ranker::JiebaBm25,
            judgement,
            jieba.search(&judgement.query, 10)?,
        ));
    }
    if let Some(mut table) = features_table {
        table.flush()?;
    }
    Ok(Evaluation { outcomes, names })
}

/// One row per candidate of the second stage: the judgement, the
/// candidate's code, whether it is relevant, and its features.
fn write_features(
    table: &mut impl Write,
    index: &SearchIndex,
    request: &SearchRequest,
    judgement: &Judgement,
    codes: &HashMap<i32, String>,
) -> anyhow::Result<()> {
    for candidate in index.second_stage_features(request)? {
        let Some(code) = codes.get(&candidate.id) else {
            continue;
        };
        let values: Vec<String> = candidate.features.iter().map(f32::to_string).collect();
        writeln!(
            table,
            "{}\t{}\t{}\t{code}\t{}\t{}\t{}",
            judgement.kind.name(),
            judgement.split,
            judgement.query.replace(['\t', '\n', '\r'], " "),
            u8::from(judgement.relevant.contains(code)),
            judgement.relevant.len(),
            values.join("\t")
        )?;
    }
    Ok(())
}

/// Prints every kind × split × ranker, then the hub's misses of the tune
/// splits (the check splits' queries are not listed: they stay unseen).
pub fn print_report(evaluation: &Evaluation, show_misses: bool) {
    println!("search relevance: occupation search over the 2022 classification (top 10)");
    println!(
        "  {:<16} {:<8} {:>5}   {:<28} {:<37} {:<37}",
        "kind", "split", "n", "hub MRR / R@1 / R@10 / J@10", "bigram BM25", "jieba BM25"
    );
    for kind in QueryKind::ALL {
        let mut splits = evaluation.splits(kind);
        splits.push("all".to_string());
        for split in splits {
            let filter = (split != "all").then_some(split.as_str());
            let mut cells = Vec::new();
            let mut queries = 0;
            for ranker in Ranker::ALL {
                let s = evaluation.scores(ranker, kind, filter);
                queries = s.queries;
                cells.push(format!(
                    "{:.3} / {:.2} / {:.2} / {:.2}{}",
                    s.mrr_at_10,
                    s.recall_at_1,
                    s.recall_at_10,
                    s.judged_at_10,
                    if s.empty > 0 {
                        format!(" ({} empty)", s.empty)
                    } else {
                        String::new()
                    }
                ));
            }
            println!(
                "  {:<16} {:<8} {:>5}   {:<28} {:<37} {:<37}",
                kind.name(),
                split,
                queries,
                cells[0],
                cells[1],
                cells[2]
            );
        }
    }
    println!(
        "  (MRR@10; R@k: queries with a relevant occupation in the top k; \
         J@10: share of the judged occupations in the top 10; empty: no hit at all)"
    );
    if !show_misses {
        return;
    }
    for outcome in evaluation.outcomes.iter().filter(|o| {
        o.ranker == Ranker::Hub && o.judgement.split == "tune" && o.first_relevant != Some(1)
    }) {
        let top: Vec<String> = outcome
            .top
            .iter()
            .take(3)
            .map(|code| {
                format!(
                    "{code} {}",
                    evaluation.names.get(code).map(String::as_str).unwrap_or("")
                )
            })
            .collect();
        let wanted: Vec<String> = outcome
            .judgement
            .relevant
            .iter()
            .map(|code| {
                format!(
                    "{code} {}",
                    evaluation.names.get(code).map(String::as_str).unwrap_or("")
                )
            })
            .collect();
        println!(
            "  miss [{}] {} → first relevant at {}; wanted {}; top 3: {}",
            outcome.judgement.kind.name(),
            outcome.judgement.label,
            outcome
                .first_relevant
                .map(|r| r.to_string())
                .unwrap_or_else(|| "-".into()),
            wanted.join(", "),
            top.join(" | ")
        );
    }
}
