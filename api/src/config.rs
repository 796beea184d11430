use std::{fmt, net::SocketAddr, path::PathBuf};

/// Where the hub listens and keeps its data. Every field has a default that
/// runs with zero setup; flags and `HUB_...`/`DATABASE_URL` environment
/// variables override them (see `cli`).
#[derive(Clone)]
pub struct Settings {
    /// Address of the HTTP server (`HUB_ADDR`, default `127.0.0.1:8080`).
    pub addr: SocketAddr,
    /// Directory of the embedded database and the search index
    /// (`HUB_DATA_DIR`, default `./data`).
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...` (`DATABASE_URL`); default SQLite
    /// file `hub.db` in the data dir.
    pub database_url: Option<String>,
    /// Load the Jilin City demo dataset when the database is empty.
    pub load_demo: bool,
    /// How often the indexer checks the change log for writes of other
    /// processes (`HUB_INDEX_POLL_MS`, default 250 ms); local writes are
    /// indexed at once.
    pub index_poll: std::time::Duration,
    /// Production mode (`--production`, `HUB_PRODUCTION=1`): no field
    /// suggestions in errors, introspection off unless asked for, and no
    /// cross-origin callers unless their origins are listed.
    pub production: bool,
    /// Answer introspection (`HUB_INTROSPECTION`); default: on, off in
    /// production mode.
    pub introspection: Option<bool>,
    /// Origins that may call the hub from a browser (`HUB_CORS_ORIGINS`,
    /// comma-separated). None listed: any origin outside production mode,
    /// none in it.
    pub cors_origins: Vec<String>,
    /// GraphQL requests a minute one client address may make
    /// (`HUB_RATE_LIMIT_PER_ADDRESS`, default 1,200; 0: no limit).
    pub rate_limit_per_address: u32,
    /// Count the requests of loopback addresses (this machine) against
    /// `rate_limit_per_address` too (`HUB_RATE_LIMIT_LOOPBACK`, default
    /// off): a client on the hub's own machine is a local tool or script,
    /// or a reverse proxy whose clients would all share its one address.
    pub rate_limit_loopback: bool,
    /// GraphQL requests a minute one API token may make
    /// (`HUB_RATE_LIMIT_PER_TOKEN`, default 1,200; 0: no limit).
    pub rate_limit_per_token: u32,
    /// Longest a GraphQL request may run (`HUB_REQUEST_TIMEOUT_SECS`,
    /// default 30 s).
    pub request_timeout: std::time::Duration,
    /// Compute occupation suggestions for postings and programs without
    /// owner occupations in the background (`HUB_SUGGEST_OCCUPATIONS`,
    /// default on). Where several hub processes share one database, one of
    /// them is enough.
    pub suggest_occupations: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            load_demo: true,
            index_poll: std::time::Duration::from_millis(250),
            production: false,
            introspection: None,
            cors_origins: Vec::new(),
            rate_limit_per_address: 1_200,
            rate_limit_loopback: false,
            rate_limit_per_token: 1_200,
            request_timeout: std::time::Duration::from_secs(30),
            suggest_occupations: true,
        }
    }
}

impl Settings {
    /// The database URL in force: the configured one, or SQLite in the data
    /// dir (created when missing).
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("hub.db").display()
            ),
        }
    }

    /// Whether introspection is answered.
    pub fn introspection(&self) -> bool {
        self.introspection.unwrap_or(!self.production)
    }

    /// The directory of this process's search index.
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }

    /// The database URL with any password replaced, for logs.
    pub fn redacted_database_url(&self) -> String {
        redact_password(&self.database_url())
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Settings")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.redacted_database_url())
            .field("load_demo", &self.load_demo)
            .field("index_poll", &self.index_poll)
            .field("production", &self.production)
            .field("introspection", &self.introspection())
            .field("cors_origins", &self.cors_origins)
            .field("rate_limit_per_address", &self.rate_limit_per_address)
            .field("rate_limit_loopback", &self.rate_limit_loopback)
            .field("rate_limit_per_token", &self.rate_limit_per_token)
            .field("request_timeout", &self.request_timeout)
            .field("suggest_occupations", &self.suggest_occupations)
            .finish()
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let credentials = &authority[..at];
    match credentials.find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &credentials[..colon],
            &rest[at..]
        ),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_database_urls_are_redacted() {
        assert_eq!(
            redact_password("postgres://hub:s3cret@localhost:5432/hub"),
            "postgres://hub:***@localhost:5432/hub"
        );
        assert_eq!(
            redact_password("postgres://hub@localhost/hub"),
            "postgres://hub@localhost/hub"
        );
        assert_eq!(
            redact_password("sqlite://data/hub.db?mode=rwc"),
            "sqlite://data/hub.db?mode=rwc"
        );
    }

    #[test]
    fn the_default_database_is_sqlite_in_the_data_dir() {
        let settings = Settings {
            data_dir: PathBuf::from("/tmp/x"),
            ..Settings::default()
        };
        assert_eq!(settings.database_url(), "sqlite:///tmp/x/hub.db?mode=rwc");
    }
}
