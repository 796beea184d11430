use std::{collections::HashSet, process::Stdio, time::Duration};

use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{json, Value};
use tokio::process::{Child, Command};

use crate::helpers::fresh_database;

const TITLE: &str = "崩溃恢复测试岗位";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start_hub(data_dir: &std::path::Path, database_url: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_hub"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--no-demo"])
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--database-url", database_url])
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the hub binary starts")
}

async fn wait_until_healthy(client: &reqwest::Client, port: u16) {
    for _ in 0..600 {
        if let Ok(response) = client
            .get(format!("http://127.0.0.1:{port}/health"))
            .send()
            .await
        {
            if response.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the hub did not become healthy on port {port}");
}

async fn graphql(
    client: &reqwest::Client,
    port: u16,
    query: &str,
    variables: Value,
) -> reqwest::Result<Value> {
    client
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .bearer_auth(TOKEN)
        .timeout(Duration::from_secs(5))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await?
        .json()
        .await
}

/// Creates postings one after another until the hub dies; returns the ids
/// of the writes it acknowledged.
async fn write_until_killed(
    client: reqwest::Client,
    port: u16,
    association: String,
    round: usize,
) -> Vec<String> {
    let mutation = "mutation($input: CreateDemandPostingInput!) { createDemandPosting(input: $input) { demandPosting { id } } }";
    let mut acknowledged = Vec::new();
    for i in 0.. {
        let input = json!({ "input": { "associationId": association, "title": format!("{TITLE} {round}-{i}"), "publish": true } });
        match graphql(&client, port, mutation, input).await {
            Ok(response) => {
                match response["data"]["createDemandPosting"]["demandPosting"]["id"].as_str() {
                    Some(id) => acknowledged.push(id.to_string()),
                    None => break,
                }
            }
            Err(_) => break,
        }
    }
    acknowledged
}

/// Kill -9 at different moments of a stream of writes, then restart: every
/// acknowledged write is searchable, and none is found twice.
#[tokio::test]
async fn after_kill_9_during_writes_a_restart_finds_every_acknowledged_write_once() {
    let data_dir = tempfile::tempdir().expect("a temporary directory");
    let database_url = fresh_database(data_dir.path()).await;
    let client = reqwest::Client::new();
    let mut acknowledged: Vec<String> = Vec::new();
    for round in 0..3 {
        let port = free_port();
        let mut hub = start_hub(data_dir.path(), &database_url, port);
        wait_until_healthy(&client, port).await;
        let association = association_id(&database_url).await;
        let writer = tokio::spawn(write_until_killed(client.clone(), port, association, round));
        tokio::time::sleep(Duration::from_millis(300 + 400 * round as u64)).await;
        hub.start_kill().expect("kill -9");
        hub.wait().await.expect("the hub is gone");
        acknowledged.extend(writer.await.expect("the writer ends"));
    }
    assert!(
        acknowledged.len() >= 3,
        "writes were acknowledged before the kills: {}",
        acknowledged.len()
    );
    eprintln!(
        "{} writes acknowledged across three kills",
        acknowledged.len()
    );

    let port = free_port();
    let _hub = start_hub(data_dir.path(), &database_url, port);
    wait_until_healthy(&client, port).await;
    let search = r#"query($after: String) { search(query: "崩溃恢复测试岗位", kinds: [DEMAND_POSTING], first: 50, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } indexLag { behind } edges { node { object { ... on DemandPosting { id } } } } } }"#;
    let mut found: Vec<String> = Vec::new();
    let mut after = Value::Null;
    let mut total;
    loop {
        let response = graphql(&client, port, search, json!({ "after": after }))
            .await
            .expect("search");
        let result = &response["data"]["search"];
        assert_eq!(
            result["indexLag"]["behind"], 0,
            "caught up before serving: {response}"
        );
        total = result["totalCount"].as_u64().unwrap_or_default();
        for edge in result["edges"].as_array().into_iter().flatten() {
            found.push(
                edge["node"]["object"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
        if result["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = result["pageInfo"]["endCursor"].clone();
    }
    let unique: HashSet<&String> = found.iter().collect();
    assert_eq!(unique.len(), found.len(), "no posting is found twice");
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !unique.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "acknowledged writes missing from search: {missing:?}"
    );
    let stored = stored_postings(&database_url).await;
    assert_eq!(total, stored, "search finds exactly the committed postings");
    assert_eq!(found.len() as u64, stored);
}

/// The admin token of this test, stored on first use.
const TOKEN: &str = "hub_crash_test_admin_token";

async fn association_id(database_url: &str) -> String {
    let db = Database::connect(database_url).await.expect("connect");
    if hub::access::authenticate(&db, TOKEN)
        .await
        .expect("token lookup")
        .is_err()
    {
        hub::access::store_token(
            &db,
            hub::access::NewToken {
                name: "崩溃测试".into(),
                role: entity::enums::TokenRole::Admin,
                organisation_id: None,
                expires_at: None,
            },
            TOKEN,
        )
        .await
        .expect("the token is stored");
    }
    let existing = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM industry_association ORDER BY id LIMIT 1",
        ))
        .await
        .expect("query");
    let id: i32 = match existing {
        Some(row) => row.try_get_by_index(0).expect("an id"),
        None => {
            db.execute_raw(Statement::from_string(
                db.get_database_backend(),
                "INSERT INTO industry_association (name, sector, description) VALUES ('崩溃测试协会', '测试', '')",
            ))
            .await
            .expect("insert");
            let row = db
                .query_one_raw(Statement::from_string(
                    db.get_database_backend(),
                    "SELECT id FROM industry_association",
                ))
                .await
                .expect("query")
                .expect("a row");
            row.try_get_by_index(0).expect("an id")
        }
    };
    hub::ids::encode(hub::ids::NodeKind::IndustryAssociation, id).0
}

async fn stored_postings(database_url: &str) -> u64 {
    let db = Database::connect(database_url).await.expect("connect");
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) FROM demand_posting WHERE title LIKE '{TITLE}%'"),
        ))
        .await
        .expect("count")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a count") as u64
}

/// SIGTERM: the hub finishes, then indexes and commits what the change log
/// holds, so a change written by another process just before the stop is
/// in the index it leaves behind (its poll interval here is an hour).
#[tokio::test]
async fn a_stopped_hub_commits_the_change_log_to_its_index() {
    use sea_orm::{ActiveModelTrait, Set};
    let data_dir = tempfile::tempdir().expect("a temporary directory");
    let database_url = fresh_database(data_dir.path()).await;
    let client = reqwest::Client::new();
    let port = free_port();
    let hub = Command::new(env!("CARGO_BIN_EXE_hub"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--no-demo"])
        .args(["--index-poll-ms", "3600000"])
        .arg("--data-dir")
        .arg(data_dir.path())
        .args(["--database-url", &database_url])
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the hub binary starts");
    wait_until_healthy(&client, port).await;
    // Another process's write: a change the hub has not polled for.
    let db = Database::connect(&database_url).await.expect("connect");
    let logged = entity::change_log::ActiveModel {
        entity: Set("Occupation".into()),
        entity_id: Set(1),
        operation: Set(entity::enums::ChangeOperation::Update),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&db)
    .await
    .expect("a change-log row");
    let pid = hub.id().expect("a pid").to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let mut hub = hub;
    let exit = tokio::time::timeout(Duration::from_secs(30), hub.wait())
        .await
        .expect("the hub stops within 30 s")
        .expect("an exit status");
    assert!(exit.success(), "{exit:?}");
    let index = search::SearchIndex::open(
        &data_dir.path().join("index"),
        search::WriterOptions::default(),
    )
    .expect("the index opens");
    assert_eq!(index.applied_sequence(), logged.seq);
}
