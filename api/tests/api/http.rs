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
async fn the_ide_is_graphiql_served_by_the_hub_itself() {
    let app = spawn_app().await;
    let get = |path: &str| {
        let url = format!("{}{path}", app.address);
        let client = app.client.clone();
        async move { client.get(url).send().await.expect("request") }
    };
    let page = get("/").await.text().await.expect("text");
    for script in [
        "/ide/react.production.min.js",
        "/ide/react-dom.production.min.js",
        "/ide/graphiql.min.js",
        "/ide/hub-ide.js",
    ] {
        assert!(page.contains(&format!("src=\"{script}\"")), "{script}");
        let response = get(script).await;
        assert_eq!(response.status(), 200, "{script}");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/javascript"));
        assert!(
            response.bytes().await.expect("body").len() > 1_000 || script.ends_with("hub-ide.js")
        );
    }
    assert!(!page.contains("src=\"http"), "no external scripts");
    assert!(!page.contains("href=\"http"), "no external styles");
    let css = get("/ide/graphiql.min.css")
        .await
        .text()
        .await
        .expect("css");
    assert!(
        !css.contains("url(http"),
        "the styles load nothing from elsewhere"
    );
    let licence = get("/ide/LICENSE-graphiql")
        .await
        .text()
        .await
        .expect("licence");
    assert!(licence.contains("MIT License"));
    assert_eq!(get("/ide/nothing.js").await.status(), 404);
    let examples: serde_json::Value = get("/ide/examples.json").await.json().await.expect("json");
    assert_eq!(
        examples.as_array().map(Vec::len),
        Some(hub::examples::readme_examples().len())
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
    assert_eq!(error_code(&response), "QUERY_TOO_DEEP", "{response}");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("13 levels deep under `regions`"),
        "{response}"
    );
    assert!(response.get("data").is_none(), "refused before execution");
    // One level less is answered.
    let fits = "{ regions(first: 1) { edges { node { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } }";
    let response = app.graphql(fits, json!({})).await;
    assert!(response.get("errors").is_none(), "{response}");
}
