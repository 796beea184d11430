//! Writers at the same moment: none fails, none overwrites another, status
//! changes are final, and every write reaches the search index. Run on
//! SQLite (one writer at a time, queued) and on PostgreSQL (parallel
//! writers with row locks).

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

const CREATE: &str = r#"mutation($input: CreateDemandPostingInput!) {
  createDemandPosting(input: $input) {
    demandPosting { id status }
    userErrors { field code message }
  }
}"#;

const UPDATE: &str = r#"mutation($input: UpdateDemandPostingInput!) {
  updateDemandPosting(input: $input) {
    demandPosting { id title headcount }
    userErrors { field code message }
  }
}"#;

const PUBLISH: &str = r#"mutation($id: ID!) {
  publishDemandPosting(input: { id: $id }) { demandPosting { status } userErrors { code } }
}"#;

const CLOSE: &str = r#"mutation($id: ID!) {
  closeDemandPosting(input: { id: $id }) { demandPosting { status } userErrors { code } }
}"#;

const UPDATE_PROGRAM: &str = r#"mutation($input: UpdateProgramInput!) {
  updateProgram(input: $input) { program { id } userErrors { code message } }
}"#;

/// What one write came back with: the object written, a user error, or an
/// error of the request.
#[derive(Debug, PartialEq)]
enum Outcome {
    Written(Value),
    Refused(Vec<String>),
    Failed(Value),
}

async fn write(app: &TestApp, query: &str, variables: Value, field: &str, object: &str) -> Outcome {
    let response = app.graphql(query, variables).await;
    if response.get("errors").is_some() {
        return Outcome::Failed(response);
    }
    let payload = &response["data"][field];
    let user_errors: Vec<String> = payload["userErrors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["code"].as_str().unwrap_or_default().to_string())
        .collect();
    if user_errors.is_empty() {
        Outcome::Written(payload[object].clone())
    } else {
        Outcome::Refused(user_errors)
    }
}

async fn create_posting(app: &TestApp, association: &str, title: &str, publish: bool) -> Outcome {
    let input = json!({
        "associationId": association,
        "title": title,
        "description": "并发写入测试：多个协会同时发布需求",
        "headcount": 3,
        "occupationCodes": ["6-18-02-04"],
        "publish": publish,
    });
    write(
        app,
        CREATE,
        json!({ "input": input }),
        "createDemandPosting",
        "demandPosting",
    )
    .await
}

fn posting_id(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Written(object) => object["id"].as_str().unwrap_or_default().to_string(),
        other => panic!("the posting was not written: {other:?}"),
    }
}

#[tokio::test]
async fn eight_writers_of_forty_postings_each_store_all_320_with_no_error() {
    const WRITERS: usize = 8;
    const EACH: usize = 40;
    let app = spawn_app().await;
    let association = app.id_of("industryAssociations", "").await;
    let program = app.id_of("programs", "").await;
    let before = app.count("demand_posting").await;
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let client = app.clone();
        let association = association.clone();
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for number in 0..EACH {
                let title = format!("并发岗位 写入者{writer} 第{number}条");
                outcomes.push(create_posting(&client, &association, &title, true).await);
            }
            outcomes
        }));
    }
    // A college edits a program meanwhile.
    let editor = {
        let client = app.clone();
        tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for round in 0..EACH {
                let input = json!({ "id": program, "enrolmentPlan": 100 + round as i64 });
                outcomes.push(
                    write(
                        &client,
                        UPDATE_PROGRAM,
                        json!({ "input": input }),
                        "updateProgram",
                        "program",
                    )
                    .await,
                );
            }
            outcomes
        })
    };
    let mut failures = Vec::new();
    let mut ids = BTreeSet::new();
    for task in tasks {
        for outcome in task.await.expect("a writer task") {
            match &outcome {
                Outcome::Written(object) => {
                    ids.insert(object["id"].as_str().unwrap_or_default().to_string());
                }
                other => failures.push(format!("{other:?}")),
            }
        }
    }
    for outcome in editor.await.expect("the editor task") {
        if !matches!(outcome, Outcome::Written(_)) {
            failures.push(format!("program edit: {outcome:?}"));
        }
    }
    assert_eq!(failures, Vec::<String>::new(), "every write succeeds");
    assert_eq!(ids.len(), WRITERS * EACH, "each write made its own posting");
    assert_eq!(
        app.count("demand_posting").await - before,
        (WRITERS * EACH) as i64,
        "every posting is stored exactly once"
    );
    // Every write reached the index: with sequences committed out of order
    // the indexer would skip some.
    app.wait_until_indexed().await;
    let found = app
        .data(
            r#"{ search(query: "并发岗位", kinds: [DEMAND_POSTING], first: 1) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(found["search"]["totalCount"], (WRITERS * EACH) as i64);
}

#[tokio::test]
async fn publish_and_close_at_once_always_end_closed() {
    let app = spawn_app().await;
    let association = app.id_of("industryAssociations", "").await;
    for round in 0..12 {
        let draft = create_posting(&app, &association, &format!("状态竞争 {round}"), false).await;
        let id = posting_id(&draft);
        let (published, closed) = tokio::join!(
            write(
                &app,
                PUBLISH,
                json!({ "id": id }),
                "publishDemandPosting",
                "demandPosting"
            ),
            write(
                &app,
                CLOSE,
                json!({ "id": id }),
                "closeDemandPosting",
                "demandPosting"
            ),
        );
        assert_eq!(
            closed,
            Outcome::Written(json!({ "status": "CLOSED" })),
            "round {round}: closing a draft or a published posting succeeds"
        );
        assert!(
            matches!(&published, Outcome::Written(_))
                || published == Outcome::Refused(vec!["INVALID_STATE".to_string()]),
            "round {round}: publish either ran first or was refused: {published:?}"
        );
        let status = app
            .data(
                "query($id: ID!) { node(id: $id) { ... on DemandPosting { status } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            status["node"]["status"], "CLOSED",
            "round {round}: a closed posting is never re-published"
        );
    }
}

#[tokio::test]
async fn two_partial_updates_at_once_both_take_effect() {
    let app = spawn_app().await;
    let association = app.id_of("industryAssociations", "").await;
    for round in 0..12 {
        let created = create_posting(&app, &association, &format!("合并更新 {round}"), true).await;
        let id = posting_id(&created);
        let title = format!("合并更新 {round} 新标题");
        let (retitled, recounted) = tokio::join!(
            write(
                &app,
                UPDATE,
                json!({ "input": { "id": id, "title": title } }),
                "updateDemandPosting",
                "demandPosting",
            ),
            write(
                &app,
                UPDATE,
                json!({ "input": { "id": id, "headcount": 42 } }),
                "updateDemandPosting",
                "demandPosting",
            ),
        );
        assert!(matches!(retitled, Outcome::Written(_)), "{retitled:?}");
        assert!(matches!(recounted, Outcome::Written(_)), "{recounted:?}");
        let stored = app
            .data(
                "query($id: ID!) { node(id: $id) { ... on DemandPosting { title headcount } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            stored["node"],
            json!({ "title": title, "headcount": 42 }),
            "round {round}: neither update overwrote the other"
        );
    }
}

#[tokio::test]
async fn two_hubs_starting_together_on_one_empty_database_load_the_demo_once() {
    let (first, second) = crate::helpers::spawn_two_on_one_database().await;
    let associations = first.count("industry_association").await;
    assert!(associations > 0, "the demo was loaded");
    let demo = spawn_app().await;
    assert_eq!(associations, demo.count("industry_association").await);
    assert_eq!(
        first.count("demand_posting").await,
        demo.count("demand_posting").await
    );
    assert_eq!(
        second.count("change_log").await,
        demo.count("change_log").await
    );
}
