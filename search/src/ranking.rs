//! Ranking: how the text of a search becomes the first-stage query, and how
//! the top hits of a short query (a job title) are re-scored. Every weight
//! is in [`WEIGHTS`]; `hub-bench relevance` measures them on judged queries
//! of four kinds (official job-type titles, everyday titles, job text,
//! field words) against plain BM25 baselines, and the weights were fitted
//! on the `tune` parts only.
//!
//! **First stage** (every query): BM25 over
//! - the whole text of an object (name, structured names, body) as jieba
//!   words; for the reference kinds also as character bigrams and, for
//!   short queries, single characters (other kinds: bigrams of their
//!   names): a rare word that jieba cuts differently in the query and in a
//!   definition still matches through its bigrams, and a title whose words
//!   and bigrams occur nowhere still finds the texts that share its
//!   characters (a search box never comes back empty when the text
//!   overlaps the corpus);
//! - the name again (words and bigrams), and the structured names (words);
//! - everyday words expanded to catalogue words (`synonyms.txt`), whole
//!   words only, at a lower weight.
//!
//! A search for the reference kinds leaves out the level words of a posting
//! title (`高级`, `资深`, `实习生`): no occupation has a seniority; and of a
//! pasted posting, also the words about the posting itself (`任职要求`,
//! `学历`, `五险一金`: [`analysis::without_job_terms`]), which occupation
//! texts rarely hold and which would otherwise be among its most specific
//! terms.
//!
//! A search that may return postings leaves out the query words held by
//! more than half of all objects when rarer ones remain
//! ([`COMMON_QUERY_SHARE`]): they tell nothing apart and would be scored
//! for most of a million postings.
//!
//! Long text (a pasted job description) keeps its most specific terms
//! only, the `long_terms` words and bigrams with the highest inverse
//! document frequency, so its cost stays bounded whatever its length, and
//! weighs names less against the whole text than a title does.
//!
//! **Second stage** (queries of at most [`SHORT_QUERY_CHARS`] characters
//! for the reference kinds alone: occupations, catalogue entries,
//! certificates, as `search(kinds: [OCCUPATION])` and occupation
//! suggestions ask): the first [`RERANK_DEPTH`] hits are re-scored by a
//! weighted sum of [`features`] read from posting lists: the first-stage
//! score and rank, how much of the query's characters and bigrams (by IDF)
//! the text and the name hold, how much of the name the query holds, and
//! whether name and text hold the query's head word. A job title is
//! "what + kind of work" (`丙烯酰胺` + `装置操作工`): the coverage terms
//! reward the object whose text holds the specific part, the head terms the
//! one that does the same kind of work, and the share of the name held
//! keeps a generic suffix shared with another occupation's short name from
//! winning on its own. A title ending in `工` names a trade, which the
//! professional major group (大类 2) does not do: its occupations rank
//! lower unless their name holds the title's head word. A query that
//! names a field of work (`化工`, `食品`) ranks first the names that hold
//! its words and name some work of that field (化工总控工, not 化纤聚合工
//! with the same characters apart). The weights were fitted on the `tune`
//! parts of `hub-bench relevance` (`hub-bench relevance --features FILE`
//! writes the features, `scripts/fit_rerank.py` fits them).

use std::collections::BTreeSet;

use tantivy::{
    query::{Bm25StatisticsProvider, BooleanQuery, BoostQuery, Occur, Query, TermQuery},
    schema::{Field, IndexRecordOption},
    DocAddress, DocSet, Searcher, Term, TERMINATED,
};

use crate::{
    analysis,
    document::Dimension,
    error::SearchResult,
    index::{common_limit, facet},
};

/// Queries of at most this many characters are job titles: they search
/// single characters too, and their top hits are re-scored.
pub const SHORT_QUERY_CHARS: usize = 32;
/// A search that may return postings, programs, offers or courses leaves
/// out the query words found in more than this share of all objects, when
/// rarer words remain ([`plan`]).
pub const COMMON_QUERY_SHARE: f64 = 0.5;
/// A search that may return postings, programs, offers or courses expands
/// a query only with the catalogue words found in at most this share of all
/// objects (and at most [`crate::index::COMMON_WORD_MIN`] when fewer): an
/// expansion stands for a catalogue name, and its generic parts (`技术`,
/// `人员` of `工程技术人员`) pick no object out.
pub const EXPANSION_SHARE: f64 = 0.05;
/// How many first-stage hits the second stage re-scores.
pub const RERANK_DEPTH: usize = 100;

/// Every weight of the ranking.
pub struct Weights {
    /// First stage: BM25 boosts per field and token kind.
    pub text_words: f32,
    pub text_grams: f32,
    pub text_chars: f32,
    pub title_words: f32,
    pub title_grams: f32,
    pub tags_words: f32,
    /// Catalogue words that a query's everyday words stand for.
    pub expansion: f32,
    /// Second stage, one weight per feature of [`features`].
    pub second: [f32; FEATURES],
    /// First stage of long text (more than `SHORT_QUERY_CHARS`).
    pub long_text_words: f32,
    pub long_text_grams: f32,
    pub long_title_words: f32,
    pub long_title_grams: f32,
    pub long_tags_words: f32,
    /// Most words and most bigrams long text searches with: the rarest.
    pub long_terms: usize,
}

pub const WEIGHTS: Weights = Weights {
    text_words: 1.0,
    text_grams: 1.0,
    text_chars: 0.5,
    title_words: 0.5,
    title_grams: 0.5,
    tags_words: 0.6,
    expansion: 1.0,
    second: [
        4.2, 3.35, 2.1, 0.6, 0.25, -3.85, 2.5, 1.9, 0.85, -0.6, 0.5, -4.0, 3.0,
    ],
    long_text_words: 1.0,
    long_text_grams: 1.0,
    long_title_words: 1.0,
    long_title_grams: 1.0,
    long_tags_words: 0.5,
    long_terms: 64,
};

/// The fields ranking reads.
#[derive(Clone, Copy)]
pub(crate) struct RankFields {
    pub title: Field,
    pub title_grams: Field,
    pub title_chars: Field,
    pub title_head: Field,
    pub tags: Field,
    pub text: Field,
    pub text_grams: Field,
    pub text_chars: Field,
    pub facet: Field,
}

/// The major group (大类) of professional and technical personnel
/// (专业技术人员) in the occupation classification: engineers, teachers,
/// doctors. Its occupations are named `…人员`, `…师`, `…员` and the like,
/// never `…工`.
const PROFESSIONAL_MAJOR: &str = "2";

/// Whether a title names a trade: its last character is `工` (`焊工`,
/// `装置操作工`), the classification's name for a skilled worker.
fn names_trade(text: &str) -> bool {
    text.trim_end().ends_with('工')
}

/// What the second stage needs of a query: its terms, each with its IDF
/// in the field it is looked up in.
pub(crate) struct Rerank {
    /// The query's characters in the whole text, and in names.
    text_chars: Vec<(Term, f32)>,
    title_chars: Vec<(Term, f32)>,
    /// The query's bigrams in the whole text, and in names.
    text_grams: Vec<(Term, f32)>,
    title_grams: Vec<(Term, f32)>,
    /// The bigrams of the query's specific part (without its head word) in
    /// the whole text, its characters in names.
    specific_grams: Vec<(Term, f32)>,
    specific_chars: Vec<(Term, f32)>,
    /// The head word, as a word of names and as a word of the whole text.
    head: Option<Term>,
    head_in_text: Option<Term>,
    /// For a title that names a trade: the facet of the professional major
    /// group, whose occupations do not do that work unless their name holds
    /// the head word (`化工` is also in 化工工程技术人员), and the head
    /// word's bigrams in names to tell.
    professional: Option<Term>,
    head_grams: Vec<(Term, f32)>,
    /// The query's words in names, and its head word as the head of a
    /// name: a name that holds all the words but has another head is named
    /// for what the query names (`化工` → 化工总控工, 化工技术类), which a
    /// name holding its characters apart (化纤聚合工) or inside other words
    /// (园林绿化工) is not; a name with the same head is a narrower job
    /// (`保育员` → 展出动物保育员), not the job asked for.
    name_words: Vec<Term>,
    name_head: Option<Term>,
    /// Where a name's length in characters is read (its field norm).
    title_chars_field: Field,
}

/// The first-stage query of a text, and the second stage when the text is
/// short. `None` when the text holds no searchable token.
pub(crate) struct Plan {
    pub query: Option<BooleanQuery>,
    pub rerank: Option<Rerank>,
}

fn distinct(tokens: Vec<tantivy::tokenizer::Token>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    tokens
        .into_iter()
        .map(|t| t.text)
        .filter(|t| seen.insert(t.clone()))
        .collect()
}

/// How many objects hold `token` in `field`.
fn found(searcher: &Searcher, field: Field, token: &str) -> u64 {
    searcher
        .doc_freq(&Term::from_field_text(field, token))
        .unwrap_or(0)
}

fn idf(stats: &dyn Bm25StatisticsProvider, term: &Term) -> f32 {
    let docs = stats.total_num_docs().unwrap_or(0) as f32;
    let found = stats.doc_freq(term).unwrap_or(0) as f32;
    (1.0 + (docs - found + 0.5).max(0.0) / (found + 0.5)).ln()
}

/// The keywords of a long text: its `limit` tokens of highest
/// `(1 + ln tf) × idf` (frequent in the text, specific in the corpus), each
/// weighted by `1 + ln tf`. A description names its job by the words it
/// repeats; words found in no object are dropped.
fn keywords(
    stats: &dyn Bm25StatisticsProvider,
    field: Field,
    tokens: Vec<tantivy::tokenizer::Token>,
    limit: usize,
) -> Vec<(String, f32)> {
    let mut counts: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
    for token in tokens {
        *counts.entry(token.text).or_default() += 1;
    }
    let mut weighted: Vec<(f32, String, f32)> = counts
        .into_iter()
        .filter_map(|(token, count)| {
            let term = Term::from_field_text(field, &token);
            if stats.doc_freq(&term).unwrap_or(0) == 0 {
                return None;
            }
            let weight = 1.0 + (count as f32).ln();
            Some((weight * idf(stats, &term), token, weight))
        })
        .collect();
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    weighted.truncate(limit);
    weighted
        .into_iter()
        .map(|(_, token, weight)| (token, weight))
        .collect()
}

/// Query tokens, each with its weight.
type Weighted = Vec<(String, f32)>;

/// Leaves out of a search beyond the reference kinds the words (and
/// bigrams) found in more than [`COMMON_QUERY_SHARE`] of all objects (and
/// more than [`crate::index::COMMON_WORD_MIN`]), as long as a rarer one
/// remains: such a word tells almost nothing apart (in a million postings,
/// `工程师` is in more than half of them), and scoring it walks most of the
/// index. The objects that hold the rarer words are still found and ranked
/// by them. A query of common words alone keeps them, but for the parts
/// of a longer query word that some object holds (`工程` of `工程师`): the
/// longer word is what was asked for, and its part would only add the many
/// objects that hold the part alone.
fn without_common(
    searcher: &Searcher,
    fields: &RankFields,
    words: Weighted,
    grams: Weighted,
) -> (Weighted, Weighted) {
    let limit = common_limit(searcher, COMMON_QUERY_SHARE);
    let word_counts: Vec<u64> = words
        .iter()
        .map(|(w, _)| found(searcher, fields.text, w))
        .collect();
    let gram_counts: Vec<u64> = grams
        .iter()
        .map(|(g, _)| found(searcher, fields.text_grams, g))
        .collect();
    // Only a rarer token that some object holds can take over.
    let rarer_found = word_counts
        .iter()
        .chain(&gram_counts)
        .any(|&count| count > 0 && count <= limit);
    if !rarer_found {
        let held_longer: Vec<&str> = words
            .iter()
            .zip(&word_counts)
            .filter(|(_, count)| **count > 0)
            .map(|((word, _), _)| word.as_str())
            .collect();
        let part_of_longer = |word: &str| {
            held_longer
                .iter()
                .any(|longer| longer.len() > word.len() && longer.contains(word))
        };
        let words = words
            .iter()
            .filter(|(word, _)| !part_of_longer(word))
            .cloned()
            .collect();
        return (words, grams);
    }
    let keep = |tokens: Weighted, counts: Vec<u64>| -> Weighted {
        tokens
            .into_iter()
            .zip(counts)
            .filter(|(_, count)| *count <= limit)
            .map(|(token, _)| token)
            .collect()
    };
    (keep(words, word_counts), keep(grams, gram_counts))
}

fn unweighted(tokens: Vec<String>) -> Weighted {
    tokens.into_iter().map(|token| (token, 1.0)).collect()
}

fn term_clauses(
    clauses: &mut Vec<(Occur, Box<dyn Query>)>,
    field: Field,
    tokens: &[(String, f32)],
    boost: f32,
) {
    for (token, weight) in tokens {
        let query = TermQuery::new(
            Term::from_field_text(field, token),
            IndexRecordOption::WithFreqs,
        );
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(query), boost * weight)),
        ));
    }
}

/// Builds the first stage (and the second, for short text).
/// `reference_only`: the search is for reference kinds alone (then short
/// text gets the second stage); otherwise bigrams that are also query words
/// are left out (the word clauses cover them), which keeps searches over
/// millions of postings fast.
///
/// `stats`: the BM25 statistics the query is scored with (of the live
/// reference documents alone for a search of reference kinds,
/// [`crate::statistics`]); the second stage's IDFs and long text's
/// keywords read them too.
pub(crate) fn plan(
    searcher: &Searcher,
    stats: &dyn Bm25StatisticsProvider,
    fields: &RankFields,
    text: &str,
    reference_only: bool,
) -> Plan {
    let w = &WEIGHTS;
    // Expansions come from the text as written; the rest of a search for
    // the reference kinds reads each Latin everyday word with the
    // catalogue word it stands for (`CNC操作工` as `cnc数控操作工`).
    let expanded = analysis::expand(text);
    // A title is short as written: neither the words left out below nor
    // those the reading adds make pasted text a title or a title pasted
    // text.
    let short = text.chars().count() <= SHORT_QUERY_CHARS;
    // An occupation has no seniority: `高级` of `高级焊工` would only match
    // names that hold its characters for another reason; nor do the
    // requirements and benefits of a pasted posting name its work.
    let work_text = if reference_only {
        analysis::without_job_terms(text, !short)
    } else {
        None
    };
    let text = work_text.as_deref().unwrap_or(text);
    let rewritten = if reference_only {
        analysis::with_catalogue_words(text)
    } else {
        None
    };
    let text = rewritten.as_deref().unwrap_or(text);
    let (mut words, mut grams) = if short {
        (
            unweighted(distinct(analysis::words(text))),
            unweighted(distinct(analysis::grams(text))),
        )
    } else {
        (
            keywords(stats, fields.text, analysis::words(text), w.long_terms),
            keywords(
                stats,
                fields.text_grams,
                analysis::grams(text),
                w.long_terms,
            ),
        )
    };
    let own: BTreeSet<String> = words.iter().map(|(word, _)| word.clone()).collect();
    if !reference_only {
        (words, grams) = without_common(searcher, fields, words, grams);
    }
    if !reference_only {
        grams.retain(|(gram, _)| !own.contains(gram));
    }
    let chars = if short {
        unweighted(distinct(analysis::chars(text)))
    } else {
        Vec::new()
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let (tw, tg, nw, ng, gw) = if short {
        (
            w.text_words,
            w.text_grams,
            w.title_words,
            w.title_grams,
            w.tags_words,
        )
    } else {
        (
            w.long_text_words,
            w.long_text_grams,
            w.long_title_words,
            w.long_title_grams,
            w.long_tags_words,
        )
    };
    term_clauses(&mut clauses, fields.text, &words, tw);
    term_clauses(&mut clauses, fields.text_grams, &grams, tg);
    term_clauses(&mut clauses, fields.text_chars, &chars, w.text_chars);
    term_clauses(&mut clauses, fields.title, &words, nw);
    // Beyond the reference kinds, `text_grams` holds the bigrams of the
    // names and no more: a second clause over the title's bigrams would
    // walk the same long posting lists again for a small boost (the title
    // words keep the title's weight).
    if reference_only {
        term_clauses(&mut clauses, fields.title_grams, &grams, ng);
    }
    term_clauses(&mut clauses, fields.tags, &words, gw);
    if clauses.is_empty() {
        return Plan {
            query: None,
            rerank: None,
        };
    }
    let expansion_limit = common_limit(searcher, EXPANSION_SHARE);
    let expansions: Vec<(String, f32)> = distinct(analysis::words(&expanded))
        .into_iter()
        .filter(|word| !own.contains(word))
        .filter(|word| reference_only || found(searcher, fields.text, word) <= expansion_limit)
        .map(|word| (word, 1.0))
        .collect();
    for field in [fields.title, fields.tags, fields.text] {
        term_clauses(&mut clauses, field, &expansions, w.expansion);
    }
    let with_idf = |tokens: &[(String, f32)], field: Field| -> Vec<(Term, f32)> {
        tokens
            .iter()
            .map(|(c, _)| {
                let term = Term::from_field_text(field, c);
                let weight = idf(stats, &term);
                (term, weight)
            })
            .collect()
    };
    let rerank = (short && reference_only).then(|| {
        let head = analysis::head(text);
        // Only the trade feature reads them.
        let head_grams = if names_trade(text) {
            with_idf(
                &unweighted(distinct(analysis::grams(
                    head.as_deref().unwrap_or_default(),
                ))),
                fields.title_grams,
            )
        } else {
            Vec::new()
        };
        let specific = head
            .as_deref()
            .and_then(|head| text.trim_end().strip_suffix(head))
            .unwrap_or(text);
        Rerank {
            text_chars: with_idf(&chars, fields.text_chars),
            title_chars: with_idf(&chars, fields.title_chars),
            text_grams: with_idf(&grams, fields.text_grams),
            title_grams: with_idf(&grams, fields.title_grams),
            specific_grams: with_idf(
                &unweighted(distinct(analysis::grams(specific))),
                fields.text_grams,
            ),
            specific_chars: with_idf(
                &unweighted(distinct(analysis::chars(specific))),
                fields.title_chars,
            ),
            head_in_text: head
                .as_deref()
                .map(|head| Term::from_field_text(fields.text, head)),
            head: head
                .as_deref()
                .map(|head| Term::from_field_text(fields.title, head)),
            head_grams,
            professional: names_trade(text).then(|| {
                Term::from_facet(
                    fields.facet,
                    &facet(Dimension::OccupationMajor, PROFESSIONAL_MAJOR),
                )
            }),
            name_words: words
                .iter()
                .map(|(word, _)| Term::from_field_text(fields.title, word))
                .collect(),
            name_head: head
                .as_deref()
                .map(|head| Term::from_field_text(fields.title_head, head)),
            title_chars_field: fields.title_chars,
        }
    });
    Plan {
        query: Some(BooleanQuery::new(clauses)),
        rerank,
    }
}

/// The characters of a text in names and whole texts: the last resort
/// when nothing shares a word or a bigram with it.
pub(crate) fn fallback(fields: &RankFields, text: &str) -> Option<BooleanQuery> {
    let chars = unweighted(distinct(analysis::chars(text)));
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    term_clauses(&mut clauses, fields.text_chars, &chars, 1.0);
    term_clauses(&mut clauses, fields.title_chars, &chars, 1.0);
    (!clauses.is_empty()).then(|| BooleanQuery::new(clauses))
}

/// Which of `terms` each candidate holds, read from the posting lists (no
/// document is loaded). `present[i][t]`: candidate `i` holds term `t`.
fn presence(
    searcher: &Searcher,
    terms: &[&Term],
    candidates: &[DocAddress],
) -> SearchResult<Vec<Vec<bool>>> {
    let mut present = vec![vec![false; terms.len()]; candidates.len()];
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by_key(|&i| (candidates[i].segment_ord, candidates[i].doc_id));
    for (t, term) in terms.iter().enumerate() {
        let mut at = 0;
        while at < order.len() {
            let segment = candidates[order[at]].segment_ord;
            let end = order[at..]
                .iter()
                .position(|&i| candidates[i].segment_ord != segment)
                .map_or(order.len(), |n| at + n);
            let reader = searcher.segment_reader(segment);
            let inverted = reader.inverted_index(term.field())?;
            if let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic)? {
                for &i in &order[at..end] {
                    let doc = candidates[i].doc_id;
                    if postings.doc() == TERMINATED {
                        break;
                    }
                    if postings.doc() <= doc && postings.seek(doc) == doc {
                        present[i][t] = true;
                    }
                }
            }
            at = end;
        }
    }
    Ok(present)
}

fn coverage(weights: &[f32], present: &[bool]) -> f32 {
    let total: f32 = weights.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    weights
        .iter()
        .zip(present)
        .filter(|(_, found)| **found)
        .map(|(weight, _)| weight)
        .sum::<f32>()
        / total
}

/// Number of second-stage features.
pub(crate) const FEATURES: usize = 13;

/// The second stage's features of each hit, in this order (the order of
/// [`Weights::second`]); coverages are shares of the query's terms found,
/// each term counted by its IDF:
/// 0. first-stage score / best first-stage score of the query;
/// 1. coverage of the query's characters in the whole text;
/// 2. coverage of its characters in the name;
/// 3. the name holds the head word;
/// 4. coverage of its bigrams in the whole text;
/// 5. coverage of its bigrams in the name;
/// 6. share of the name's characters that the query holds (a long name
///    that only shares a suffix with the query scores low);
/// 7. coverage of the specific part's bigrams in the whole text;
/// 8. coverage of the specific part's characters in the name;
/// 9. the whole text holds the head word;
/// 10. 1 / first-stage rank;
/// 11. the title names a trade (`…工`), the hit is of the professional
///     major group and its name does not hold the head word's bigrams: a
///     welder (`焊工`) is not a welding engineer (焊接工程技术人员);
/// 12. the name holds all the query's words, and either has another head
///     word (the query names its field: `化工` → 化工总控工) or is the
///     query's own characters (`电工` → 电工).
///
/// Every value is read from posting lists and field norms: no document is
/// loaded.
pub(crate) fn features(
    searcher: &Searcher,
    rerank: &Rerank,
    hits: &[(f32, DocAddress)],
) -> SearchResult<Vec<[f32; FEATURES]>> {
    let best = hits.iter().map(|(score, _)| *score).fold(0.0_f32, f32::max);
    let addresses: Vec<DocAddress> = hits.iter().map(|(_, address)| *address).collect();
    let groups = [
        &rerank.text_chars,
        &rerank.title_chars,
        &rerank.text_grams,
        &rerank.title_grams,
        &rerank.specific_grams,
        &rerank.specific_chars,
        &rerank.head_grams,
    ];
    let heads = [&rerank.head, &rerank.head_in_text, &rerank.professional];
    let mut terms: Vec<&Term> = groups
        .iter()
        .flat_map(|group| group.iter().map(|(term, _)| term))
        .collect();
    terms.extend(heads.iter().filter_map(|head| head.as_ref()));
    let words_at = terms.len();
    terms.extend(rerank.name_words.iter());
    let name_head_at = terms.len();
    terms.extend(rerank.name_head.iter());
    let present = presence(searcher, &terms, &addresses)?;
    let idfs: Vec<Vec<f32>> = groups
        .iter()
        .map(|group| group.iter().map(|(_, idf)| *idf).collect())
        .collect();
    let mut out = Vec::with_capacity(hits.len());
    for (rank, ((score, address), found)) in hits.iter().zip(&present).enumerate() {
        let mut at = 0;
        let mut cover = [0.0_f32; 7];
        let mut name_chars_found = 0;
        for (g, weights) in idfs.iter().enumerate() {
            let slice = &found[at..at + weights.len()];
            cover[g] = coverage(weights, slice);
            if g == 1 {
                name_chars_found = slice.iter().filter(|found| **found).count();
            }
            at += weights.len();
        }
        let mut head = [0.0_f32; 3];
        for (h, term) in heads.iter().enumerate() {
            if term.is_some() {
                head[h] = f32::from(u8::from(found[at]));
                at += 1;
            }
        }
        let name_length = searcher
            .segment_reader(address.segment_ord)
            .get_fieldnorms_reader(rerank.title_chars_field)?
            .fieldnorm(address.doc_id)
            .max(1) as f32;
        out.push([
            if best > 0.0 { score / best } else { 0.0 },
            cover[0],
            cover[1],
            head[0],
            cover[2],
            cover[3],
            (name_chars_found as f32 / name_length).min(1.0),
            cover[4],
            cover[5],
            head[1],
            1.0 / (rank as f32 + 1.0),
            if cover[6] < 1.0 { head[2] } else { 0.0 },
            f32::from(u8::from(
                !rerank.name_words.is_empty()
                    && found[words_at..name_head_at].iter().all(|found| *found)
                    && (!found[name_head_at..].iter().any(|found| *found)
                        || (cover[1] >= 1.0 && name_chars_found as f32 >= name_length)),
            )),
        ]);
    }
    Ok(out)
}

/// Re-scores `hits` (first-stage score, address), best first: the weighted
/// sum of their [`features`].
pub(crate) fn rerank(
    searcher: &Searcher,
    rerank: &Rerank,
    hits: Vec<(f32, DocAddress)>,
) -> SearchResult<Vec<(f32, DocAddress)>> {
    let best = hits.iter().map(|(score, _)| *score).fold(0.0_f32, f32::max);
    if hits.is_empty() || best <= 0.0 {
        return Ok(hits);
    }
    let features = features(searcher, rerank, &hits)?;
    let mut scored: Vec<(f32, DocAddress)> = hits
        .iter()
        .zip(&features)
        .map(|((_, address), values)| {
            let score = values
                .iter()
                .zip(&WEIGHTS.second)
                .map(|(value, weight)| value * weight)
                .sum();
            (score, *address)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(scored)
}
