//! Plain BM25 baselines for the relevance evaluation: one text field, one
//! tokenizer, every query token an optional term, tantivy's BM25, no
//! boosts, no synonyms. They show what the hub's analysis and ranking add.

use tantivy::{
    collector::TopDocs,
    query::{BooleanQuery, Occur, Query, TermQuery},
    schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING},
    Index, IndexReader, TantivyDocument, Term,
};

use search::analysis;

/// How the baseline cuts text.
#[derive(Clone, Copy, Debug)]
pub enum Tokens {
    /// Character bigrams of Chinese runs (a lone character as itself) and
    /// whole Latin words: the hub's `hub_grams`.
    Bigrams,
    /// jieba's search-mode words: the hub's `hub_words`.
    JiebaWords,
}

impl Tokens {
    fn analyzer(self) -> &'static str {
        match self {
            Tokens::Bigrams => analysis::GRAMS,
            Tokens::JiebaWords => analysis::WORDS,
        }
    }

    fn of(self, text: &str) -> Vec<String> {
        let tokens = match self {
            Tokens::Bigrams => analysis::grams(text),
            Tokens::JiebaWords => analysis::words(text),
        };
        let mut texts: Vec<String> = tokens.into_iter().map(|t| t.text).collect();
        texts.sort();
        texts.dedup();
        texts
    }
}

/// An in-memory index of `(code, text)` documents.
pub struct Baseline {
    reader: IndexReader,
    tokens: Tokens,
    code: tantivy::schema::Field,
    text: tantivy::schema::Field,
}

impl Baseline {
    pub fn build(documents: &[(String, String)], tokens: Tokens) -> anyhow::Result<Self> {
        let mut builder = Schema::builder();
        let code = builder.add_text_field("code", STRING | STORED);
        let text = builder.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokens.analyzer())
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        );
        let index = Index::create_in_ram(builder.build());
        for (name, analyzer) in analysis::analyzers() {
            index.tokenizers().register(name, analyzer);
        }
        let mut writer = index.writer_with_num_threads(1, 50_000_000)?;
        for (document_code, document_text) in documents {
            let mut document = TantivyDocument::default();
            document.add_text(code, document_code);
            document.add_text(text, document_text);
            writer.add_document(document)?;
        }
        writer.commit()?;
        Ok(Self {
            reader: index.reader()?,
            tokens,
            code,
            text,
        })
    }

    /// The codes of the best `limit` documents.
    pub fn search(&self, query: &str, limit: usize) -> anyhow::Result<Vec<String>> {
        let clauses: Vec<(Occur, Box<dyn Query>)> = self
            .tokens
            .of(query)
            .into_iter()
            .map(|token| {
                let term = Term::from_field_text(self.text, &token);
                (
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>,
                )
            })
            .collect();
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit).order_by_score(),
        )?;
        let mut codes = Vec::new();
        for (_, address) in top {
            let document: TantivyDocument = searcher.doc(address)?;
            if let Some(code) = document.get_first(self.code).and_then(|v| v.as_str()) {
                codes.push(code.to_string());
            }
        }
        Ok(codes)
    }
}
