//! Limits that keep one caller from hurting the others: aliases, batches,
//! production mode (no suggestions, no introspection, no foreign origins).

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{error_code, spawn_app, spawn_app_configured};

#[tokio::test]
async fn many_aliases_are_refused_before_validation() {
    let app = spawn_app().await;
    let fields = |n: usize| {
        (0..n)
            .map(|i| format!("a{i}: regions(first: 1) {{ totalCount }}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let fits = app
        .graphql(
            &format!("{{ {} }}", fields(hub::graphql::protocol::MAX_ALIASES)),
            json!({}),
        )
        .await;
    assert!(fits.get("errors").is_none(), "{fits}");
    let started = Instant::now();
    let refused = app
        .graphql(&format!("{{ {} }}", fields(1_000)), json!({}))
        .await;
    let took = started.elapsed();
    assert_eq!(error_code(&refused), "TOO_MANY_ALIASES", "{refused}");
    assert!(refused.get("data").is_none());
    eprintln!("1,000 aliases refused in {took:?}");
    // Aliases inside fragments count too.
    let fragment = format!(
        "{{ ...F }} fragment F on QueryRoot {{ {} }}",
        fields(hub::graphql::protocol::MAX_ALIASES + 1)
    );
    let refused = app.graphql(&fragment, json!({})).await;
    assert_eq!(error_code(&refused), "TOO_MANY_ALIASES", "{refused}");
}

#[tokio::test]
async fn batches_hold_at_most_ten_operations() {
    let app = spawn_app().await;
    let batch = |n: usize| -> Value {
        Value::Array(
            (0..n)
                .map(|_| json!({ "query": "{ regions(first: 1) { totalCount } }" }))
                .collect(),
        )
    };
    let response = app
        .post_graphql()
        .json(&batch(hub::http::MAX_BATCH))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let answers: Value = response.json().await.expect("json");
    assert_eq!(answers.as_array().map(Vec::len), Some(hub::http::MAX_BATCH));
    for n in [hub::http::MAX_BATCH + 1, 500] {
        let response = app
            .post_graphql()
            .json(&batch(n))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 400, "batch of {n}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(error_code(&body), "BATCH_TOO_LARGE", "{body}");
    }
}

#[tokio::test]
async fn production_mode_hides_suggestions_and_introspection_and_foreign_origins() {
    let app = spawn_app_configured(|settings| settings.production = true).await;
    let typo = app
        .graphql("{ regions(first: 1) { totalCoun } }", json!({}))
        .await;
    let message = typo["errors"][0]["message"].as_str().unwrap_or_default();
    assert_eq!(error_code(&typo), "GRAPHQL_VALIDATION_FAILED");
    assert!(!message.contains("Did you mean"), "{message}");
    let introspection = app
        .graphql("{ __schema { types { name } } }", json!({}))
        .await;
    assert!(
        introspection.get("errors").is_some() || introspection["data"]["__schema"].is_null(),
        "{introspection}"
    );
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("request");
    assert!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none(),
        "no origin is allowed in production by default"
    );
    // Outside production mode, suggestions help developers.
    let dev = spawn_app().await;
    let typo = dev
        .graphql("{ regions(first: 1) { totalCoun } }", json!({}))
        .await;
    assert!(typo["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("Did you mean"));
}

#[tokio::test]
async fn listed_origins_are_allowed_and_others_are_not() {
    let app = spawn_app_configured(|settings| {
        settings.production = true;
        settings.cors_origins = vec!["https://dashboard.jilin.example".to_string()];
    })
    .await;
    for (origin, allowed) in [
        ("https://dashboard.jilin.example", true),
        ("https://evil.example", false),
    ] {
        let preflight = app
            .client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
            .await
            .expect("request");
        assert_eq!(
            preflight
                .headers()
                .get("access-control-allow-origin")
                .and_then(|v| v.to_str().ok()),
            allowed.then_some(origin),
            "{origin}"
        );
    }
}
