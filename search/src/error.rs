/// Errors of the search index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query cannot be run as given; the message says why.
    #[error("{0}")]
    InvalidQuery(String),
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index directory error: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("search index I/O error: {0}")]
    Io(#[from] std::io::Error),
}

pub type SearchResult<T> = Result<T, SearchError>;
