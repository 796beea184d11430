use serde_json::json;

use crate::helpers::{error_code, spawn_app};

#[tokio::test]
async fn health_answers_200_once_the_hub_is_ready() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/health", app.address))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<serde_json::Value>().await.expect("json"),
        json!({
            "status": "ok",
            "database": "ok",
            "index": {
                "status": "ok",
                "consecutiveFailures": 0,
                "lastError": null,
                "appliedSequence": app.indexer.applied_sequence(),
            },
        })
    );
}

#[tokio::test]
async fn the_ide_page_works_without_internet_access() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/", app.address))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let page = response.text().await.expect("text");
    assert!(
        page.contains("<textarea id=\"query\""),
        "the page has a query editor"
    );
    assert!(
        page.contains("fetch(\"/graphql\""),
        "the page posts to the hub"
    );
    assert!(
        !page.contains("src=\"http"),
        "the page loads no external scripts"
    );
    assert!(
        !page.contains("href=\"http"),
        "the page loads no external styles"
    );
}

#[tokio::test]
async fn the_sdl_is_served_for_frontend_teams() {
    let app = spawn_app().await;
    let sdl = app
        .client
        .get(format!("{}/schema.graphql", app.address))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("text");
    assert_eq!(sdl, hub::graphql::sdl());
}

#[tokio::test]
async fn get_requests_run_queries_and_refuse_mutations() {
    let app = spawn_app().await;
    let query = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "{ regions(first: 1) { totalCount } }")])
        .send()
        .await
        .expect("request");
    assert_eq!(query.status(), 200);
    assert_eq!(
        query.json::<serde_json::Value>().await.expect("json"),
        json!({ "data": { "regions": { "totalCount": 15 } } })
    );

    let mutation = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[(
            "query",
            "mutation { publishDemandPosting(input: { id: \"x\" }) { userErrors { code } } }",
        )])
        .send()
        .await
        .expect("request");
    assert_eq!(mutation.status(), 405);
    assert_eq!(mutation.headers()["allow"], "POST");
    let body: serde_json::Value = mutation.json().await.expect("json");
    assert_eq!(error_code(&body), "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn the_graphql_response_media_type_is_honoured() {
    let app = spawn_app().await;
    let send = |query: &'static str| {
        app.client
            .post(format!("{}/graphql", app.address))
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query }))
            .send()
    };
    let ok = send("{ regions(first: 1) { totalCount } }")
        .await
        .expect("request");
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.headers()["content-type"],
        "application/graphql-response+json"
    );

    let invalid = send("{ regions(first: 1) { noSuchField } }")
        .await
        .expect("request");
    assert_eq!(invalid.status(), 400);
    let body: serde_json::Value = invalid.json().await.expect("json");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("noSuchField"),
        "{body}"
    );

    let plain = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": "{ regions(first: 1) { noSuchField } }" }))
        .send()
        .await
        .expect("request");
    assert_eq!(
        plain.status(),
        200,
        "plain application/json keeps status 200"
    );
    assert_eq!(plain.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn malformed_and_oversized_bodies_are_refused_with_clear_errors() {
    let app = spawn_app().await;
    let malformed = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body("{ not json")
        .send()
        .await
        .expect("request");
    assert_eq!(malformed.status(), 400);
    let body: serde_json::Value = malformed.json().await.expect("json");
    assert_eq!(error_code(&body), "BAD_REQUEST");

    let huge = format!(
        "{{\"query\": \"{{ regions {{ totalCount }} }}\", \"x\": \"{}\"}}",
        "a".repeat(2 * 1024 * 1024)
    );
    let oversized = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("request");
    assert_eq!(oversized.status(), 413);
}

#[tokio::test]
async fn queries_deeper_than_the_limit_are_refused() {
    let app = spawn_app().await;
    let deep = "{ regions(first: 1) { edges { node { parent { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } } }";
    let response = app.graphql(deep, json!({})).await;
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("nested too deep"),
        "{response}"
    );
}
