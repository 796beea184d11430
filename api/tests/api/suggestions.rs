//! Occupation suggestions: for free text, for stored postings and
//! programs (computed in the background and stored as SUGGESTED links),
//! confirmed and rejected by owners, used by matching at a lower weight.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{error_code, spawn_app, spawn_app_with, TestApp};

const SUGGEST: &str = "query($text: String!, $first: Int) { suggestOccupations(text: $text, first: $first) { confidence stored occupation { code name } } }";

#[tokio::test]
async fn free_text_gets_ranked_occupations_with_a_confidence() {
    let app = spawn_app().await;
    let data = app
        .data(SUGGEST, json!({ "text": "数控车工", "first": 5 }))
        .await;
    let list = data["suggestOccupations"].as_array().expect("a list");
    assert_eq!(list.len(), 5);
    let codes: Vec<&str> = list
        .iter()
        .map(|s| s["occupation"]["code"].as_str().unwrap_or_default())
        .collect();
    assert!(codes[..3].contains(&"6-18-01-01"), "{codes:?}");
    let confidences: Vec<f64> = list
        .iter()
        .map(|s| s["confidence"].as_f64().unwrap_or(-1.0))
        .collect();
    assert!(
        confidences.iter().all(|c| *c > 0.0 && *c <= 1.0),
        "{confidences:?}"
    );
    assert!(
        confidences.windows(2).all(|w| w[0] >= w[1]),
        "{confidences:?}"
    );
    assert!(confidences.iter().sum::<f64>() <= 1.0001);

    // A pasted job description (long text) works too.
    let description = "岗位职责：1. 负责数控车床的操作与日常保养，按图纸加工轴类、盘类零件；\
        2. 能够使用 FANUC 系统手工编程，调整刀具补偿；3. 首件自检，填写加工记录。\
        任职要求：中专及以上学历，持有车工职业技能等级证书者优先。"
        .repeat(20);
    assert!(description.chars().count() > 2_000);
    let data = app
        .data(SUGGEST, json!({ "text": description, "first": 3 }))
        .await;
    let codes: Vec<&str> = data["suggestOccupations"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| s["occupation"]["code"].as_str().unwrap_or_default())
        .collect();
    assert!(codes.contains(&"6-18-01-01"), "{codes:?}");

    for (text, first) in [
        ("x".repeat(10_001), 5),
        (" ".to_string(), 5),
        ("车工".to_string(), 0),
    ] {
        let response = app
            .graphql(SUGGEST, json!({ "text": text, "first": first }))
            .await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT", "{response}");
    }
}

const LINKS: &str = r#"query($id: ID!) { node(id: $id) { ... on DemandPosting {
  occupations { code }
  occupationLinks { provenance confidence linkedAt occupation { code } }
  suggestedOccupations(first: 3) { stored confidence occupation { code } }
} } }"#;

async fn links(app: &TestApp, id: &str) -> Value {
    app.data(LINKS, json!({ "id": id })).await["node"].clone()
}

/// Waits until the stored suggestion of a posting satisfies `done`.
async fn wait_for(app: &TestApp, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let node = links(app, id).await;
        if done(&node) {
            return node;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the suggester did not get there: {:#}",
        links(app, id).await
    );
}

fn suggested_code(node: &Value) -> Option<String> {
    node["occupationLinks"]
        .as_array()?
        .iter()
        .find(|l| l["provenance"] == "SUGGESTED")
        .and_then(|l| l["occupation"]["code"].as_str())
        .map(str::to_string)
}

async fn posting_without_occupations(app: &TestApp, title: &str) -> String {
    let association = app.id_of("industryAssociations", "").await;
    let data = app
        .data(
            "mutation($input: CreateDemandPostingInput!) { createDemandPosting(input: $input) { demandPosting { id } } }",
            json!({ "input": { "associationId": association, "title": title, "headcount": 6, "publish": true } }),
        )
        .await;
    data["createDemandPosting"]["demandPosting"]["id"]
        .as_str()
        .expect("an id")
        .to_string()
}

#[tokio::test]
async fn postings_without_occupations_get_a_stored_suggestion_that_matching_weighs_less() {
    let app = spawn_app().await;
    let id = posting_without_occupations(&app, "数控车工").await;
    let node = wait_for(&app, &id, |n| suggested_code(n).is_some()).await;
    // The owner's own list stays empty; the link says where it came from.
    assert_eq!(node["occupations"], json!([]));
    let link = &node["occupationLinks"][0];
    assert_eq!(link["provenance"], "SUGGESTED");
    assert!(link["confidence"].as_f64().is_some_and(|c| c > 0.0));
    assert!(link["linkedAt"].is_string());
    let stored = suggested_code(&node).expect("a stored suggestion");
    let first = &node["suggestedOccupations"][0];
    assert_eq!(first["occupation"]["code"], stored.as_str());
    assert_eq!(first["stored"], true);

    // Matching counts the suggested link at 0.6.
    let data = app
        .data(
            r#"query($id: ID!) { node(id: $id) { ... on DemandPosting { matches(first: 10, filter: { kinds: [PROGRAM] }) {
                edges { node { sharedOccupations { demandProvenance value closeness } } } } } } }"#,
            json!({ "id": id }),
        )
        .await;
    let shared: Vec<&Value> = data["node"]["matches"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|e| e["node"]["sharedOccupations"].get(0))
        .collect();
    assert!(!shared.is_empty(), "{data:#}");
    for pair in shared {
        assert_eq!(pair["demandProvenance"], "SUGGESTED");
        let value = pair["value"].as_f64().unwrap_or(1.0);
        assert!(value <= 0.6 + 1e-9, "{pair}");
    }
}

async fn answer(app: &TestApp, mutation: &str, id: &str, code: &str) -> Value {
    let query = format!(
        "mutation($id: ID!, $code: String!) {{ {mutation}(input: {{ subjectId: $id, occupationCode: $code }}) {{ occupationLinks {{ provenance occupation {{ code }} }} userErrors {{ field code message }} }} }}"
    );
    app.data(&query, json!({ "id": id, "code": code })).await[mutation].clone()
}

#[tokio::test]
async fn owners_reject_and_confirm_suggestions() {
    let app = spawn_app().await;
    let id = posting_without_occupations(&app, "数控车工").await;
    let node = wait_for(&app, &id, |n| suggested_code(n).is_some()).await;
    let first = suggested_code(&node).expect("a suggestion");

    // Rejected: gone, never suggested again, the next best is stored.
    let payload = answer(&app, "rejectOccupationSuggestion", &id, &first).await;
    assert_eq!(payload["userErrors"], json!([]));
    let node = wait_for(&app, &id, |n| {
        suggested_code(n).is_some_and(|code| code != first)
    })
    .await;
    let listed: Vec<&str> = node["suggestedOccupations"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| s["occupation"]["code"].as_str().unwrap_or_default())
        .collect();
    assert!(!listed.contains(&first.as_str()), "{listed:?}");
    let second = suggested_code(&node).expect("the next suggestion");

    // Confirmed: the owner's own occupation, suggestions withdrawn.
    let payload = answer(&app, "confirmOccupationSuggestion", &id, &second).await;
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(
        payload["occupationLinks"],
        json!([{ "provenance": "CONFIRMED", "occupation": { "code": second } }])
    );
    let node = links(&app, &id).await;
    assert_eq!(node["occupations"], json!([{ "code": second }]));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(suggested_code(&links(&app, &id).await), None);

    // The owner's own occupation cannot be rejected; unknown codes and
    // foreign ids are user errors.
    let payload = answer(&app, "rejectOccupationSuggestion", &id, &second).await;
    assert_eq!(payload["userErrors"][0]["code"], "INVALID_STATE");
    let payload = answer(&app, "confirmOccupationSuggestion", &id, "9-99-99-99").await;
    assert_eq!(payload["userErrors"][0]["code"], "NOT_FOUND");
    let region = app.region_id("220202").await;
    let payload = answer(&app, "confirmOccupationSuggestion", &region, &second).await;
    assert_eq!(payload["userErrors"][0]["code"], "INVALID");
}

#[tokio::test]
async fn a_changed_title_is_suggested_again() {
    let app = spawn_app().await;
    let id = posting_without_occupations(&app, "养老护理员").await;
    let node = wait_for(&app, &id, |n| suggested_code(n).is_some()).await;
    let before = suggested_code(&node).expect("a suggestion");
    app.data(
        "mutation($id: ID!) { updateDemandPosting(input: { id: $id, title: \"数控车工\" }) { userErrors { message } } }",
        json!({ "id": id }),
    )
    .await;
    let node = wait_for(&app, &id, |n| {
        suggested_code(n).is_some_and(|code| code != before)
    })
    .await;
    let after = suggested_code(&node).expect("a new suggestion");
    assert!(after.starts_with("6-18"), "{before} → {after}");
}

/// Imports one zhilian posting with this title under a fixed address.
async fn import_one(app: &TestApp, dir: &std::path::Path, title: &str) {
    let path = dir.join("posting.csv");
    std::fs::write(
        &path,
        format!(
            "title,company,salary,company_tags,location,experience,education,url\n\
             {title},演示导入公司,6千-8千,民营,吉林·船营,1-3年,大专,http://jobs.example.com/reimport-1\n"
        ),
    )
    .expect("the file is written");
    hub::import::import_file(
        &app.db,
        hub::import::ImportKind::Postings,
        &path,
        hub::import::ImportOptions::default(),
        &hub::import::Progress::silent(),
    )
    .await
    .expect("the file imports");
}

#[tokio::test]
async fn a_reimport_that_changes_a_postings_text_gets_its_occupation_suggested_again() {
    let app = spawn_app_with(false).await;
    let dir = tempfile::tempdir().expect("a directory");
    import_one(&app, dir.path(), "数控车工").await;
    let id = app.id_of("demandPostings", "").await;
    let before = wait_for(&app, &id, |n| suggested_code(n).is_some()).await;
    let old = suggested_code(&before).expect("a suggestion for the first text");

    // The same posting (same address) now asks for another kind of work:
    // the suggestion for the old text goes, a new one comes.
    import_one(&app, dir.path(), "养老护理员").await;
    assert_eq!(app.count("demand_posting").await, 1, "updated, not added");
    let after = wait_for(&app, &id, |n| {
        suggested_code(n).is_some_and(|code| code != old)
    })
    .await;
    assert!(
        suggested_code(&after).is_some_and(|code| code.starts_with("4-10")),
        "{after:#}"
    );
}

/// A posting with its owner's occupations is only marked as seen by the
/// suggester; when the owner takes the last one away, it is suggested
/// again.
#[tokio::test]
async fn a_posting_whose_owner_removes_its_occupations_is_suggested_again() {
    let app = spawn_app().await;
    let association = app.id_of("industryAssociations", "").await;
    let data = app
        .data(
            "mutation($input: CreateDemandPostingInput!) { createDemandPosting(input: $input) { demandPosting { id } } }",
            json!({ "input": { "associationId": association, "title": "数控车工", "headcount": 2,
                "occupationCodes": ["6-18-01-01"], "publish": true } }),
        )
        .await;
    let owned = data["createDemandPosting"]["demandPosting"]["id"]
        .as_str()
        .expect("an id")
        .to_string();
    // The suggester works in id order: once a later posting has its
    // suggestion, the first one has been seen.
    let later = posting_without_occupations(&app, "养老护理员").await;
    wait_for(&app, &later, |n| suggested_code(n).is_some()).await;
    let node = links(&app, &owned).await;
    assert_eq!(suggested_code(&node), None, "{node:#}");
    assert_eq!(node["occupations"][0]["code"], "6-18-01-01");

    let data = app
        .data(
            "mutation($id: ID!) { updateDemandPosting(input: { id: $id, occupationCodes: [] }) { userErrors { message } } }",
            json!({ "id": owned }),
        )
        .await;
    assert_eq!(data["updateDemandPosting"]["userErrors"], json!([]));
    let node = wait_for(&app, &owned, |n| suggested_code(n).is_some()).await;
    assert!(
        suggested_code(&node).is_some_and(|code| code.starts_with("6-18")),
        "{node:#}"
    );
}
