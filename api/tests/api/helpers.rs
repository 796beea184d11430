use std::{
    path::PathBuf,
    sync::atomic::{AtomicU32, Ordering},
};

use hub::{config::Settings, db::StatementCounter, startup::Application};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{json, Value};

/// A running hub for one test; clones talk to the same hub.
#[derive(Clone)]
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub statements: StatementCounter,
    pub indexer: std::sync::Arc<hub::indexing::Indexer>,
    pub database_url: String,
    /// The bearer token requests carry: an admin token of this app's own
    /// unless a test asks for another caller ([`TestApp::as_caller`]).
    pub token: Option<String>,
    _data_dir: std::sync::Arc<tempfile::TempDir>,
}

static DATABASES: AtomicU32 = AtomicU32::new(0);

/// A fresh database URL: SQLite in `dir`, or a new PostgreSQL database when
/// `HUB_TEST_POSTGRES_URL` (a URL of the server's `postgres` database) is
/// set.
pub async fn fresh_database(dir: &std::path::Path) -> String {
    let Ok(admin_url) = std::env::var("HUB_TEST_POSTGRES_URL") else {
        return format!("sqlite://{}?mode=rwc", dir.join("hub.db").display());
    };
    let name = format!(
        "hub_test_{}_{}_{}",
        std::process::id(),
        DATABASES.fetch_add(1, Ordering::SeqCst),
        chrono::Utc::now().timestamp_micros() % 1_000_000
    );
    let admin = Database::connect(admin_url.as_str())
        .await
        .expect("connect to the PostgreSQL test server");
    admin
        .execute_raw(Statement::from_string(
            admin.get_database_backend(),
            format!("CREATE DATABASE {name}"),
        ))
        .await
        .expect("create a test database");
    admin.close().await.ok();
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base.to_string())
        .expect("a database URL with a path");
    format!("{base}/{name}")
}

/// Starts the hub with the demo dataset.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(true).await
}

/// Starts the hub, with or without the demo dataset.
pub async fn spawn_app_with(load_demo: bool) -> TestApp {
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let database_url = fresh_database(data_dir.path()).await;
    start(database_url, data_dir, load_demo).await
}

/// Starts a second hub process on the database of `app`, with a data
/// directory (and so a search index) of its own.
pub async fn spawn_peer(app: &TestApp) -> TestApp {
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    start(app.database_url.clone(), data_dir, false).await
}

/// Starts the hub with the demo dataset, its search index on a directory
/// whose writes fail while `faults` is on.
pub async fn spawn_app_with_faults(faults: search::FaultSwitch) -> TestApp {
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let database_url = fresh_database(data_dir.path()).await;
    start_with(database_url, data_dir, true, Some(faults)).await
}

/// Two hubs started at the same moment on one new, empty database, each
/// with its own data directory, both asked to load the demo.
pub async fn spawn_two_on_one_database() -> (TestApp, TestApp) {
    let first_dir = tempfile::tempdir().expect("a temporary data directory");
    let second_dir = tempfile::tempdir().expect("a temporary data directory");
    let database_url = fresh_database(first_dir.path()).await;
    tokio::join!(
        start(database_url.clone(), first_dir, true),
        start(database_url, second_dir, true)
    )
}

async fn start(database_url: String, data_dir: tempfile::TempDir, load_demo: bool) -> TestApp {
    start_with(database_url, data_dir, load_demo, None).await
}

/// Starts the hub with the demo and settings changed by `configure`
/// (production mode, allowed origins...).
pub async fn spawn_app_configured(configure: fn(&mut Settings)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let database_url = fresh_database(data_dir.path()).await;
    start_configured(database_url, data_dir, true, None, configure).await
}

async fn start_with(
    database_url: String,
    data_dir: tempfile::TempDir,
    load_demo: bool,
    faults: Option<search::FaultSwitch>,
) -> TestApp {
    start_configured(database_url, data_dir, load_demo, faults, |_| {}).await
}

async fn start_configured(
    database_url: String,
    data_dir: tempfile::TempDir,
    load_demo: bool,
    faults: Option<search::FaultSwitch>,
    configure: fn(&mut Settings),
) -> TestApp {
    hub::telemetry::init(false);
    let mut settings = Settings {
        addr: "127.0.0.1:0".parse().expect("an address"),
        data_dir: data_dir.path().to_path_buf(),
        database_url: Some(database_url.clone()),
        load_demo,
        index_poll: std::time::Duration::from_millis(100),
        // Tests send many requests from one address; limits are tested on
        // their own.
        rate_limit_per_address: 0,
        rate_limit_per_token: 0,
        ..Settings::default()
    };
    configure(&mut settings);
    let application = Application::build_with_faults(settings, faults)
        .await
        .expect("the hub starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    let db = application.database().clone();
    let statements = application.statements();
    let indexer = application.indexer();
    tokio::spawn(application.run_until_stopped());
    let token = create_token(&db, entity::enums::TokenRole::Admin, None).await;
    TestApp {
        address,
        client: reqwest::Client::new(),
        db,
        statements,
        indexer,
        database_url,
        token: Some(token),
        _data_dir: std::sync::Arc::new(data_dir),
    }
}

/// Stores a new token of `role` (for `organisation`) and returns it.
pub async fn create_token(
    db: &DatabaseConnection,
    role: entity::enums::TokenRole,
    organisation: Option<i32>,
) -> String {
    let secret = hub::access::new_token().expect("a token");
    hub::access::store_token(
        db,
        hub::access::NewToken {
            name: format!("test {role:?}"),
            role,
            organisation_id: organisation,
            expires_at: None,
        },
        &secret,
    )
    .await
    .expect("the token is stored");
    secret
}

impl TestApp {
    /// The same hub, called with `token` (`None`: anonymously).
    pub fn as_caller(&self, token: Option<&str>) -> TestApp {
        TestApp {
            token: token.map(str::to_string),
            ..self.clone()
        }
    }

    /// A POST to `/graphql` with this caller's token.
    pub fn post_graphql(&self) -> reqwest::RequestBuilder {
        let request = self.client.post(format!("{}/graphql", self.address));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// POSTs a GraphQL request and returns the whole JSON response.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.post_graphql()
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("the request is sent")
            .json()
            .await
            .expect("the response is JSON")
    }

    /// `data` of a response that must have no errors.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.graphql(query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }

    /// Runs a create mutation `field` (input type `<Field>Input`) that must
    /// succeed; returns the ID of its payload's `object`.
    pub async fn create(&self, field: &str, object: &str, input: Value) -> String {
        let mut name = field.to_string();
        name.replace_range(..1, &field[..1].to_uppercase());
        let query = format!(
            "mutation($input: {name}Input!) {{ {field}(input: $input) {{ {object} {{ id }} userErrors {{ field message }} }} }}"
        );
        let data = self.data(&query, json!({ "input": input })).await;
        assert_eq!(data[field]["userErrors"], json!([]), "{field}: {data:#}");
        data[field][object]["id"]
            .as_str()
            .expect("an id")
            .to_string()
    }

    /// The global ID of the first node of a connection field, e.g.
    /// `first_id("regions", "code", "220202")`.
    pub async fn id_of(&self, connection: &str, filter: &str) -> String {
        let query =
            format!("{{ {connection}(first: 100{filter}) {{ edges {{ node {{ id }} }} }} }}");
        let data = self.data(&query, json!({})).await;
        data[connection]["edges"][0]["node"]["id"]
            .as_str()
            .expect("a node id")
            .to_string()
    }

    /// The ID of the region with this code.
    pub async fn region_id(&self, code: &str) -> String {
        let data = self
            .data(
                "{ regions(first: 100) { edges { node { id code } } } }",
                json!({}),
            )
            .await;
        data["regions"]["edges"]
            .as_array()
            .and_then(|edges| edges.iter().find(|e| e["node"]["code"] == code))
            .and_then(|e| e["node"]["id"].as_str())
            .expect("the region exists")
            .to_string()
    }

    /// Waits until every change logged so far is searchable.
    pub async fn wait_until_indexed(&self) {
        let latest = self
            .indexer
            .latest_sequence()
            .await
            .expect("latest sequence");
        assert!(
            self.indexer
                .wait_for(latest, std::time::Duration::from_secs(30))
                .await,
            "the index caught up with sequence {latest}"
        );
    }

    /// Counts rows of a table.
    pub async fn count(&self, table: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                self.db.get_database_backend(),
                format!("SELECT COUNT(*) FROM {table}"),
            ))
            .await
            .expect("count query")
            .expect("a row");
        row.try_get_by_index::<i64>(0).expect("a count")
    }
}

/// `../shared/data` next to the repository (or `HUB_SHARED_DATA`).
pub fn shared_data(relative: &str) -> PathBuf {
    let base = std::env::var("HUB_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"));
    let path = base.join(relative);
    assert!(
        path.exists(),
        "the real data file {} is missing: set HUB_SHARED_DATA to the shared data folder",
        path.display()
    );
    path
}

/// The `extensions.code` of the first error.
pub fn error_code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("(none)")
}
