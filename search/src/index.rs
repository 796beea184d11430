//! The index: schema and fields resolved once, one writer behind a lock,
//! one reader for the process and a new searcher per request.

use std::{
    collections::{BTreeMap, BTreeSet},
    ops::Range,
    path::Path,
    sync::{
        atomic::{AtomicI64, Ordering},
        Mutex,
    },
};

use serde::{Deserialize, Serialize};
use tantivy::{
    collector::{Count, FacetCollector, FacetCounts, TopDocs},
    query::{AllQuery, Bm25StatisticsProvider, BooleanQuery, Occur, Query, TermQuery},
    schema::{
        Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing,
        TextOptions, Value, STORED, STRING,
    },
    snippet::SnippetGenerator,
    DocAddress, Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Searcher,
    TantivyDocument, Term,
};

use crate::{
    analysis::{self, CHARS, GRAMS, PREFIX, WORDS},
    document::{key, parse_key, Dimension, IndexChange, Kind, SearchDoc},
    error::{SearchError, SearchResult},
    faults::{FaultSwitch, FaultyDirectory},
    filtered::FilteredQuery,
    ranking::{self, RankFields, RERANK_DEPTH},
    statistics::{StatisticsCache, SubsetStatistics},
};

/// Changes whenever the schema or the analysis changes; an index of another
/// version is rebuilt from the database.
pub const SCHEMA_VERSION: u32 = 5;
/// Longest query text, in characters: any description the hub stores can
/// be pasted whole (long text searches with its most specific terms, see
/// `ranking`).
pub const MAX_QUERY_CHARS: usize = 10_000;
/// Largest page of hits.
pub const MAX_LIMIT: usize = 100;
/// Share of all objects above which a word is too common for
/// [`SearchIndex::sharing_words`].
pub const COMMON_WORD_SHARE: f64 = 0.02;
/// Objects a word may be found in before it can count as too common.
pub const COMMON_WORD_MIN: u64 = 5_000;

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    title: Field,
    title_grams: Field,
    title_chars: Field,
    /// The head word of a reference object's name (its last word, as
    /// `analysis::head` reads it), for ranking.
    title_head: Field,
    tags: Field,
    text: Field,
    text_grams: Field,
    text_chars: Field,
    /// Stored only: the body for snippets.
    body: Field,
    prefix: Field,
    facet: Field,
    public: Field,
}

impl Fields {
    fn ranking(&self) -> RankFields {
        RankFields {
            title: self.title,
            title_grams: self.title_grams,
            title_chars: self.title_chars,
            title_head: self.title_head,
            tags: self.tags,
            text: self.text,
            text_grams: self.text_grams,
            text_chars: self.text_chars,
            facet: self.facet,
        }
    }
}

fn build_schema() -> (Schema, Fields) {
    let text = |tokenizer: &str, stored: bool| {
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let mut builder = Schema::builder();
    let fields = Fields {
        key: builder.add_text_field("key", STRING | STORED),
        title: builder.add_text_field("title", text(WORDS, true)),
        title_grams: builder.add_text_field("title_grams", text(GRAMS, false)),
        title_chars: builder.add_text_field("title_chars", text(CHARS, false)),
        title_head: builder.add_text_field("title_head", STRING),
        tags: builder.add_text_field("tags", text(WORDS, false)),
        text: builder.add_text_field("text", text(WORDS, false)),
        text_grams: builder.add_text_field("text_grams", text(GRAMS, false)),
        text_chars: builder.add_text_field("text_chars", text(CHARS, false)),
        body: builder.add_text_field("body", STORED),
        prefix: builder.add_text_field(
            "prefix",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(PREFIX)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
        facet: builder.add_facet_field("facet", FacetOptions::default()),
        public: builder.add_u64_field("public", NumericOptions::default().set_indexed()),
    };
    (builder.build(), fields)
}

#[derive(Serialize, Deserialize)]
struct Payload {
    schema: u32,
    sequence: i64,
}

/// How much the writer may use.
#[derive(Clone, Copy, Debug)]
pub struct WriterOptions {
    pub threads: usize,
    /// Memory budget of the writer across its threads.
    pub memory_bytes: usize,
}

impl Default for WriterOptions {
    fn default() -> Self {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        Self {
            threads,
            memory_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Facet filters of a search: within a dimension any value may match,
/// across dimensions all must.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub kinds: Vec<Kind>,
    pub regions: Vec<String>,
    pub categories: Vec<String>,
    pub education: Vec<String>,
    pub occupation_majors: Vec<String>,
}

/// A search.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    pub text: String,
    pub filters: Filters,
    /// Include objects hidden from anonymous readers (draft and closed
    /// postings).
    pub include_private: bool,
    pub offset: usize,
    pub limit: usize,
    /// Count all matches (costs a pass over every match).
    pub with_count: bool,
    /// Count matches by facet (costs a pass over every match).
    pub with_facets: bool,
    pub with_snippets: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        Self {
            text: String::new(),
            filters: Filters::default(),
            include_private: false,
            offset: 0,
            limit: 10,
            with_count: false,
            with_facets: false,
            with_snippets: false,
        }
    }
}

/// A marked fragment of a matching field.
#[derive(Clone, Debug, PartialEq)]
pub struct Snippet {
    /// `title` or `body`.
    pub field: &'static str,
    pub fragment: String,
    /// Byte ranges of `fragment` that match the query, merged and sorted.
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    /// The fragment as HTML, matches in `<em>`.
    pub fn html(&self) -> String {
        let mut html = String::new();
        let mut at = 0;
        for range in &self.highlights {
            html.push_str(&escape(&self.fragment[at..range.start]));
            html.push_str("<em>");
            html.push_str(&escape(&self.fragment[range.clone()]));
            html.push_str("</em>");
            at = range.end;
        }
        html.push_str(&escape(&self.fragment[at..]));
        html
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub kind: Kind,
    pub id: i32,
    pub score: f32,
    pub snippets: Vec<Snippet>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetCount {
    pub dimension: Dimension,
    pub value: String,
    pub count: u64,
}

#[derive(Clone, Debug, Default)]
pub struct SearchResults {
    /// Number of matching objects, when counted.
    pub total: Option<usize>,
    /// Whether hits follow this page.
    pub has_more: bool,
    pub hits: Vec<Hit>,
    pub facets: Vec<FacetCount>,
}

/// The hub's search index.
pub struct SearchIndex {
    index: Index,
    options: WriterOptions,
    reader: IndexReader,
    /// `None` after a writer failed and could not roll back: the next write
    /// opens a new one.
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    sequence: AtomicI64,
    /// BM25 statistics of the kinds searched on their own.
    statistics: StatisticsCache,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing and rebuilding it
    /// empty when it was written by another schema version.
    pub fn open(dir: &Path, options: WriterOptions) -> SearchResult<Self> {
        Self::open_with_faults(dir, options, None)
    }

    /// Like [`SearchIndex::open`]; with a switch, writes to the directory
    /// fail while the switch is on (fault-injection tests).
    pub fn open_with_faults(
        dir: &Path,
        options: WriterOptions,
        faults: Option<FaultSwitch>,
    ) -> SearchResult<Self> {
        std::fs::create_dir_all(dir)?;
        let (schema, _) = build_schema();
        if dir.join("meta.json").exists() {
            let index = Index::open_in_dir(dir)?;
            let current = index
                .load_metas()?
                .payload
                .and_then(|payload| serde_json::from_str::<Payload>(&payload).ok())
                .is_some_and(|payload| payload.schema == SCHEMA_VERSION);
            if current && index.schema() == schema {
                let index = match faults {
                    Some(switch) => Index::open(FaultyDirectory::open(dir, switch)?)?,
                    None => index,
                };
                return Self::from_index(index, options);
            }
            tracing::warn!(dir = %dir.display(), "search index has another schema version; rebuilding it");
            drop(index);
            std::fs::remove_dir_all(dir)?;
            std::fs::create_dir_all(dir)?;
        }
        let index = match faults {
            Some(switch) => Index::create(
                FaultyDirectory::open(dir, switch)?,
                schema,
                IndexSettings::default(),
            )?,
            None => Index::create_in_dir(dir, schema)?,
        };
        Self::from_index(index, options)
    }

    /// An index in memory (tests, benchmarks).
    pub fn in_ram(options: WriterOptions) -> SearchResult<Self> {
        let (schema, _) = build_schema();
        Self::from_index(Index::create_in_ram(schema), options)
    }

    fn from_index(mut index: Index, options: WriterOptions) -> SearchResult<Self> {
        analysis::warm_up();
        // Segments of one query are searched in parallel, one thread per
        // core: latency of a single query drops on an idle machine.
        index.set_default_multithread_executor()?;
        for (name, analyzer) in analysis::analyzers() {
            index.tokenizers().register(name, analyzer);
        }
        let (_, fields) = build_schema();
        let writer = index.writer_with_num_threads(options.threads, options.memory_bytes)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let sequence = index
            .load_metas()?
            .payload
            .and_then(|payload| serde_json::from_str::<Payload>(&payload).ok())
            .map(|payload| payload.sequence)
            .unwrap_or(0);
        Ok(Self {
            index,
            options,
            reader,
            writer: Mutex::new(Some(writer)),
            fields,
            sequence: AtomicI64::new(sequence),
            statistics: StatisticsCache::default(),
        })
    }

    /// The last change-log sequence whose changes are searchable.
    pub fn applied_sequence(&self) -> i64 {
        self.sequence.load(Ordering::SeqCst)
    }

    /// Number of documents in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn document(&self, doc: &SearchDoc, kind: Kind) -> TantivyDocument {
        let f = self.fields;
        let mut document = TantivyDocument::default();
        document.add_text(f.key, key(kind, doc.id));
        document.add_text(f.title, &doc.title);
        document.add_text(f.title_grams, &doc.title);
        document.add_text(f.title_chars, &doc.title);
        document.add_text(f.prefix, &doc.title);
        if kind.is_reference() {
            if let Some(head) = crate::analysis::head(&doc.title) {
                document.add_text(f.title_head, head);
            }
        }
        let tags: Vec<&str> = doc
            .tags
            .iter()
            .map(String::as_str)
            .filter(|t| !t.is_empty())
            .collect();
        for tag in &tags {
            document.add_text(f.tags, tag);
        }
        let names = std::iter::once(doc.title.as_str())
            .chain(tags.iter().copied())
            .collect::<Vec<_>>()
            .join("\n");
        let whole = if doc.body.is_empty() {
            names.clone()
        } else {
            format!("{names}\n{}", doc.body)
        };
        document.add_text(f.text, &whole);
        // Bigrams and single characters of the whole text only for the
        // reference kinds: a few thousand objects whose texts define the
        // vocabulary, where a job title must find its occupation through the
        // specific part of a definition or task, even through characters
        // alone. Postings, programs, offers and courses are many and long:
        // their bodies match by words, their names also by bigrams (a shared
        // character alone would flood their results; characters of their
        // names are the fallback when nothing else matches).
        if kind.is_reference() {
            document.add_text(f.text_grams, &whole);
            document.add_text(f.text_chars, &whole);
        } else {
            document.add_text(f.text_grams, &names);
        }
        if !doc.body.is_empty() {
            document.add_text(f.body, &doc.body);
        }
        document.add_facet(f.facet, facet(Dimension::Kind, kind.name()));
        for (dimension, values) in [
            (Dimension::Region, &doc.regions),
            (Dimension::Category, &doc.categories),
            (Dimension::Education, &doc.education),
            (Dimension::OccupationMajor, &doc.occupation_majors),
        ] {
            let unique: BTreeSet<&String> = values.iter().filter(|v| !v.is_empty()).collect();
            for value in unique {
                document.add_facet(f.facet, facet(dimension, value));
            }
        }
        document.add_u64(f.public, u64::from(doc.public));
        document
    }

    /// Applies changes and commits them with `sequence` as the last applied
    /// change-log sequence, in one commit: after a crash the index holds
    /// either all of them or none. On failure the writer rolls back to the
    /// last commit (or is replaced when it cannot), so the same changes can
    /// be applied again once the cause is gone.
    pub fn apply(&self, changes: &[IndexChange], sequence: i64) -> SearchResult<()> {
        self.write(sequence, |writer, fields| {
            for change in changes {
                match change {
                    IndexChange::Upsert(doc) => {
                        let Some(kind) = doc.kind else { continue };
                        writer.delete_term(Term::from_field_text(fields.key, &key(kind, doc.id)));
                        writer.add_document(self.document(doc, kind))?;
                    }
                    IndexChange::Delete(kind, id) => {
                        writer.delete_term(Term::from_field_text(fields.key, &key(*kind, *id)));
                    }
                }
            }
            Ok(())
        })
    }

    /// Removes every document, recording `sequence` as applied.
    pub fn clear(&self, sequence: i64) -> SearchResult<()> {
        self.write(sequence, |writer, _| {
            writer.delete_all_documents()?;
            Ok(())
        })
    }

    /// Runs `changes` on the writer and commits them with `sequence`; on
    /// any failure rolls back.
    fn write(
        &self,
        sequence: i64,
        changes: impl FnOnce(&mut IndexWriter, Fields) -> SearchResult<()>,
    ) -> SearchResult<()> {
        let mut slot = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let writer = match slot.as_mut() {
            Some(writer) => writer,
            None => slot.insert(
                self.index
                    .writer_with_num_threads(self.options.threads, self.options.memory_bytes)?,
            ),
        };
        let result = changes(writer, self.fields).and_then(|()| self.commit(writer, sequence));
        if let Err(error) = &result {
            tracing::warn!(%error, "search index write failed; rolling back to the last commit");
            let rolled_back =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| writer.rollback()));
            if !matches!(rolled_back, Ok(Ok(_))) {
                // Dropping the writer releases the directory lock; the next
                // write opens a new one.
                *slot = None;
            }
        }
        result
    }

    fn commit(&self, writer: &mut IndexWriter, sequence: i64) -> SearchResult<()> {
        let payload =
            serde_json::json!({ "schema": SCHEMA_VERSION, "sequence": sequence }).to_string();
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.reader.reload()?;
        self.sequence.store(sequence, Ordering::SeqCst);
        Ok(())
    }

    fn filter_clauses(
        &self,
        filters: &Filters,
        include_private: bool,
    ) -> Vec<(Occur, Box<dyn Query>)> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let kinds: Vec<String> = filters.kinds.iter().map(|k| k.name().to_string()).collect();
        for (dimension, values) in [
            (Dimension::Kind, &kinds),
            (Dimension::Region, &filters.regions),
            (Dimension::Category, &filters.categories),
            (Dimension::Education, &filters.education),
            (Dimension::OccupationMajor, &filters.occupation_majors),
        ] {
            if values.is_empty() {
                continue;
            }
            let any: Vec<(Occur, Box<dyn Query>)> = values
                .iter()
                .map(|value| {
                    let term = Term::from_facet(self.fields.facet, &facet(dimension, value));
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if !include_private {
            let term = Term::from_field_u64(self.fields.public, 1);
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        clauses
    }

    /// Checks a request and runs its first stage (with the character
    /// fallback when nothing shares a word or a bigram). A short query's
    /// first [`RERANK_DEPTH`] hits are collected whatever the page, so the
    /// second stage re-scores the same hits for every page.
    fn first_stage(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
    ) -> SearchResult<FirstStage> {
        let length = request.text.chars().count();
        if length > MAX_QUERY_CHARS {
            return Err(SearchError::InvalidQuery(format!(
                "the query is {length} characters long, at most {MAX_QUERY_CHARS} are allowed"
            )));
        }
        if request.limit > MAX_LIMIT {
            return Err(SearchError::InvalidQuery(format!(
                "at most {MAX_LIMIT} hits per page"
            )));
        }
        // The second stage matches titles to the reference vocabulary; a
        // search that may return postings, programs, offers or courses (of
        // which there can be millions) ranks by the first stage alone.
        let reference_only = !request.filters.kinds.is_empty()
            && request.filters.kinds.iter().all(|kind| kind.is_reference());
        // Reference kinds are ranked by the statistics of the reference
        // vocabulary (occupations, catalogue entries, certificates): how
        // rare a word is among them, not among the postings, programs,
        // offers and courses beside them, whose number grows with use.
        let subset = if reference_only {
            let reference: Vec<Kind> = Kind::ALL
                .into_iter()
                .filter(|kind| kind.is_reference())
                .collect();
            Some(self.kind_statistics(searcher, &reference)?).filter(|subset| !subset.is_empty())
        } else {
            None
        };
        let stats: &dyn Bm25StatisticsProvider = match &subset {
            Some(subset) => subset.as_ref(),
            None => searcher,
        };
        let plan = ranking::plan(
            searcher,
            stats,
            &self.fields.ranking(),
            &request.text,
            reference_only,
        );
        let wanted = request.offset + request.limit + 1;
        let depth = if plan.rerank.is_some() {
            wanted.max(RERANK_DEPTH)
        } else {
            wanted
        };
        let (mut top, mut total, mut facet_counts) =
            self.collect(searcher, stats, request, plan.query.clone(), depth)?;
        if top.is_empty() && plan.query.is_some() {
            // Nothing shares a word or a bigram: fall back to the texts that
            // share characters, so overlapping text never finds nothing.
            if let Some(fallback) = ranking::fallback(&self.fields.ranking(), &request.text) {
                (top, total, facet_counts) =
                    self.collect(searcher, stats, request, Some(fallback), wanted)?;
            }
        }
        Ok(FirstStage {
            top,
            total,
            facet_counts,
            rerank: plan.rerank,
        })
    }

    /// The second stage's features of a request's re-scored hits (its
    /// first [`RERANK_DEPTH`] first-stage hits, in first-stage order), for
    /// fitting the second stage's weights; empty when the request gets no
    /// second stage (long text, or kinds beyond the reference kinds).
    pub fn second_stage_features(
        &self,
        request: &SearchRequest,
    ) -> SearchResult<Vec<CandidateFeatures>> {
        let searcher = self.reader.searcher();
        let FirstStage {
            mut top, rerank, ..
        } = self.first_stage(&searcher, request)?;
        let Some(rerank) = rerank else {
            return Ok(Vec::new());
        };
        top.truncate(RERANK_DEPTH);
        let features = ranking::features(&searcher, &rerank, &top)?;
        let mut out = Vec::with_capacity(top.len());
        for ((_, address), values) in top.iter().zip(features) {
            let document: TantivyDocument = searcher.doc(*address)?;
            if let Some((kind, id)) = self.key_of(&document) {
                out.push(CandidateFeatures {
                    kind,
                    id,
                    features: values.to_vec(),
                });
            }
        }
        Ok(out)
    }

    /// Runs a search. Any text is accepted: it is analysed, never parsed as
    /// a query language, so quotes, `AND`, `*` and the like are just text.
    /// Text without any searchable token lists everything that matches the
    /// filters.
    pub fn search(&self, request: &SearchRequest) -> SearchResult<SearchResults> {
        let searcher = self.reader.searcher();
        let FirstStage {
            mut top,
            total,
            facet_counts,
            rerank,
        } = self.first_stage(&searcher, request)?;
        if let Some(rerank) = &rerank {
            // The rest keeps first-stage order.
            let rest = top.split_off(top.len().min(RERANK_DEPTH));
            top = ranking::rerank(&searcher, rerank, top)?;
            top.extend(rest);
        }
        let top: Vec<(f32, DocAddress)> = top.into_iter().skip(request.offset).collect();
        let has_more = top.len() > request.limit;
        let mut hits = Vec::with_capacity(request.limit);
        let snippets = if request.with_snippets {
            Some(self.snippet_generators(&request.text))
        } else {
            None
        };
        for (score, address) in top.into_iter().take(request.limit) {
            let document: TantivyDocument = searcher.doc(address)?;
            let Some((kind, id)) = self.key_of(&document) else {
                continue;
            };
            let snippets = match &snippets {
                Some(generators) => generators
                    .iter()
                    .filter_map(|(field, g)| snippet(field, g, &document))
                    .collect(),
                None => Vec::new(),
            };
            hits.push(Hit {
                kind,
                id,
                score,
                snippets,
            });
        }
        let mut counts = Vec::new();
        if let Some(facet_counts) = facet_counts {
            for dimension in Dimension::ALL {
                for (facet, count) in facet_counts.get(dimension.path()) {
                    let value = facet
                        .to_path()
                        .last()
                        .map(|s| s.to_string())
                        .unwrap_or_default();
                    counts.push(FacetCount {
                        dimension,
                        value,
                        count,
                    });
                }
            }
        }
        Ok(SearchResults {
            total,
            has_more,
            hits,
            facets: counts,
        })
    }

    /// The best `depth` hits of `text_query` (everything when `None`) within
    /// the request's filters, with the count and facets when asked.
    fn collect(
        &self,
        searcher: &Searcher,
        stats: &dyn Bm25StatisticsProvider,
        request: &SearchRequest,
        text_query: Option<BooleanQuery>,
        depth: usize,
    ) -> SearchResult<Collected> {
        let filter = self.filter_clauses(&request.filters, request.include_private);
        let query = filtered(text_query, filter);
        // Without counts, only the top hits are collected, and block-max
        // WAND skips most of the matches.
        let top = TopDocs::with_limit(depth.max(1)).order_by_score();
        if request.with_facets {
            let mut facets = FacetCollector::for_field("facet");
            for dimension in Dimension::ALL {
                facets.add_facet(dimension.path());
            }
            let (top, total, facets) =
                searcher.search_with_statistics_provider(&query, &(top, Count, facets), stats)?;
            Ok((top, Some(total), Some(facets)))
        } else if request.with_count {
            let (top, total) =
                searcher.search_with_statistics_provider(&query, &(top, Count), stats)?;
            Ok((top, Some(total), None))
        } else {
            Ok((
                searcher.search_with_statistics_provider(&query, &top, stats)?,
                None,
                None,
            ))
        }
    }

    /// The statistics of the live objects of `kinds`, cached for the
    /// searcher's generation.
    fn kind_statistics(
        &self,
        searcher: &Searcher,
        kinds: &[Kind],
    ) -> SearchResult<std::sync::Arc<SubsetStatistics>> {
        let mut names: Vec<&str> = kinds.iter().map(|kind| kind.name()).collect();
        names.sort_unstable();
        names.dedup();
        let filters = Filters {
            kinds: kinds.to_vec(),
            ..Default::default()
        };
        let subset = filtered(None, self.filter_clauses(&filters, true));
        Ok(self
            .statistics
            .get(searcher, &names.join(","), subset.as_ref())?)
    }

    /// Objects of `kinds` whose name or text holds some of `words` (as the
    /// hub's word analysis cuts them), best BM25 first, at most `limit`:
    /// what matching takes as text candidates. A word found in more than
    /// [`COMMON_WORD_SHARE`] of all objects (and more than
    /// [`COMMON_WORD_MIN`]) is left out: it tells no objects apart, and
    /// scoring it would walk most of a million postings.
    pub fn sharing_words(
        &self,
        words: &[String],
        kinds: &[Kind],
        limit: usize,
    ) -> SearchResult<Vec<(Kind, i32)>> {
        let searcher = self.reader.searcher();
        let common = common_limit(&searcher, COMMON_WORD_SHARE);
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in words {
            let word = word.to_lowercase();
            for field in [self.fields.title, self.fields.text] {
                let term = Term::from_field_text(field, &word);
                let found = searcher.doc_freq(&term)?;
                if found == 0 || found > common {
                    continue;
                }
                any.push((
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                ));
            }
        }
        if any.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let filters = Filters {
            kinds: kinds.to_vec(),
            ..Default::default()
        };
        let query = filtered(
            Some(BooleanQuery::new(any)),
            self.filter_clauses(&filters, false),
        );
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut found = Vec::with_capacity(top.len());
        for (_, address) in top {
            let document: TantivyDocument = searcher.doc(address)?;
            if let Some(key) = self.key_of(&document) {
                found.push(key);
            }
        }
        Ok(found)
    }

    fn key_of(&self, document: &TantivyDocument) -> Option<(Kind, i32)> {
        document
            .get_first(self.fields.key)
            .and_then(|value| value.as_str())
            .and_then(parse_key)
    }

    fn snippet_generators(&self, text: &str) -> Vec<(&'static str, SnippetGenerator)> {
        let terms: BTreeMap<String, f32> = analysis::grams(text)
            .into_iter()
            .map(|t| (t.text, 1.0))
            .collect();
        let analyzer = || analysis::analyzers()[1].1.clone();
        let mut generators = Vec::new();
        for (name, field) in [("title", self.fields.title), ("body", self.fields.body)] {
            let mut generator = SnippetGenerator::new(terms.clone(), analyzer(), field, 120);
            generator.set_max_num_chars(120);
            generators.push((name, generator));
        }
        generators
    }

    /// Autocomplete: objects of `kinds` whose name starts with `prefix`
    /// (ignoring case, spaces and punctuation), shortest names first.
    pub fn suggest(
        &self,
        kinds: &[Kind],
        prefix: &str,
        limit: usize,
    ) -> SearchResult<Vec<(Kind, i32, String)>> {
        let normal = analysis::normalise_prefix(prefix);
        if normal.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let normal: String = normal.chars().take(analysis::MAX_PREFIX_CHARS).collect();
        let filters = Filters {
            kinds: kinds.to_vec(),
            ..Default::default()
        };
        let mut clauses = self.filter_clauses(&filters, false);
        let term = Term::from_field_text(self.fields.prefix, &normal);
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        ));
        let searcher = self.reader.searcher();
        let candidates = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit.max(1) * 20).order_by_score(),
        )?;
        let mut found = self.titles(
            &searcher,
            candidates.into_iter().map(|(_, address)| address),
        )?;
        found.sort_by(|a, b| {
            a.2.chars()
                .count()
                .cmp(&b.2.chars().count())
                .then_with(|| a.2.cmp(&b.2))
        });
        found.truncate(limit);
        Ok(found)
    }

    fn titles(
        &self,
        searcher: &Searcher,
        addresses: impl Iterator<Item = DocAddress>,
    ) -> SearchResult<Vec<(Kind, i32, String)>> {
        let mut found = Vec::new();
        for address in addresses {
            let document: TantivyDocument = searcher.doc(address)?;
            let title = document
                .get_first(self.fields.title)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            if let Some((kind, id)) = self.key_of(&document) {
                found.push((kind, id, title));
            }
        }
        Ok(found)
    }
}

/// Scored hits (best first), the number of matches and the facet counts
/// (when asked).
type Collected = (Vec<(f32, DocAddress)>, Option<usize>, Option<FacetCounts>);

/// A candidate of the second stage and its features (see
/// [`SearchIndex::second_stage_features`]).
#[derive(Debug, Clone)]
pub struct CandidateFeatures {
    pub kind: Kind,
    pub id: i32,
    pub features: Vec<f32>,
}

/// A first stage's hits (best first), match count, facet counts, and the
/// second stage the query gets, if any.
struct FirstStage {
    top: Vec<(f32, DocAddress)>,
    total: Option<usize>,
    facet_counts: Option<FacetCounts>,
    rerank: Option<ranking::Rerank>,
}

/// The query of a search: its text (everything when `None`) within its
/// filter clauses. The filters do not score, and the text keeps its top-k
/// pruning (see [`FilteredQuery`]).
fn filtered(text: Option<BooleanQuery>, filter: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    match (text, filter.is_empty()) {
        (Some(text), true) => Box::new(text),
        (Some(text), false) => Box::new(FilteredQuery::new(text, BooleanQuery::new(filter))),
        (None, true) => Box::new(AllQuery),
        (None, false) => {
            let mut clauses = filter;
            clauses.push((Occur::Must, Box::new(AllQuery)));
            Box::new(BooleanQuery::new(clauses))
        }
    }
}

/// How many objects a word may be found in before it counts as too common:
/// `share` of all objects, and at least [`COMMON_WORD_MIN`].
pub(crate) fn common_limit(searcher: &Searcher, share: f64) -> u64 {
    ((searcher.num_docs() as f64 * share) as u64).max(COMMON_WORD_MIN)
}

pub(crate) fn facet(dimension: Dimension, value: &str) -> Facet {
    Facet::from_path([&dimension.path()[1..], value.replace('/', "_").as_str()])
}

fn snippet(
    field: &'static str,
    generator: &SnippetGenerator,
    document: &TantivyDocument,
) -> Option<Snippet> {
    let found = generator.snippet_from_doc(document);
    if found.highlighted().is_empty() {
        return None;
    }
    let mut ranges: Vec<Range<usize>> = found.highlighted().to_vec();
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    Some(Snippet {
        field,
        fragment: found.fragment().to_string(),
        highlights: merged,
    })
}
