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
    // An empty batch is named as one, not read as an empty document.
    let response = app
        .post_graphql()
        .header("content-type", "application/json")
        .body(" [ ] ")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400, "empty batch");
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), "BATCH_TOO_LARGE", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|message| message.contains("this one 0")),
        "{body}"
    );
}

#[tokio::test]
async fn a_field_selected_hundreds_of_times_is_refused_before_validation() {
    let app = spawn_app().await;
    let limit = hub::graphql::protocol::MAX_FIELD_REPEATS;
    let repeated = |n: usize, field: &str| vec![field; n].join(" ");
    // Up to the limit, repeats merge into one answer.
    let fits = app
        .graphql(
            &format!(
                "{{ {} regions(first: 1) {{ totalCount }} }}",
                repeated(limit, "__typename")
            ),
            json!({}),
        )
        .await;
    assert_eq!(fits["data"]["__typename"], "QueryRoot", "{fits}");
    // The probe security scanners send: 500 times `__typename`.
    let refused = app
        .graphql(
            &format!("query cop {{ {} }}", repeated(500, "__typename")),
            json!({}),
        )
        .await;
    assert_eq!(error_code(&refused), "TOO_MANY_REPEATS", "{refused}");
    assert!(refused.get("data").is_none(), "{refused}");
    let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("`__typename`"), "{refused}");
    assert!(
        refused["errors"][0]["locations"][0]["line"].is_number(),
        "{refused}"
    );
    // Inline fragments count with the set they are in, in nested sets too;
    // fragments are checked on their own.
    let inline = format!(
        "{{ regions(first: 1) {{ edges {{ node {{ {} }} }} }} }}",
        (0..=limit)
            .map(|_| "... on Region { name }")
            .collect::<Vec<_>>()
            .join(" ")
    );
    let refused = app.graphql(&inline, json!({})).await;
    assert_eq!(error_code(&refused), "TOO_MANY_REPEATS", "{refused}");
    let fragment = format!(
        "{{ ...F }} fragment F on QueryRoot {{ {} }}",
        repeated(limit + 1, "__typename")
    );
    let refused = app.graphql(&fragment, json!({})).await;
    assert_eq!(error_code(&refused), "TOO_MANY_REPEATS", "{refused}");
    // Aliases are other response keys (and limited on their own).
    let distinct = app
        .graphql(
            "{ a: __typename b: __typename regions(first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(distinct.get("errors").is_none(), "{distinct}");
}

#[tokio::test]
async fn directives_on_typename_are_validated_like_on_any_field() {
    let app = spawn_app().await;
    // The directive-overloading probe of security scanners: unknown
    // directives, repeated, on `__typename`.
    let probe = app
        .graphql(
            &format!("query cop {{ __typename {} }}", "@aa".repeat(10)),
            json!({}),
        )
        .await;
    assert_eq!(error_code(&probe), "GRAPHQL_VALIDATION_FAILED", "{probe}");
    assert!(probe.get("data").is_none(), "{probe}");
    assert_eq!(
        probe["errors"].as_array().map(Vec::len),
        Some(10),
        "{probe}"
    );
    assert_eq!(probe["errors"][0]["message"], "Unknown directive \"aa\"");
    assert!(
        probe["errors"][0]["locations"][0]["column"].is_number(),
        "{probe}"
    );
    let inside_fragment = app
        .graphql(
            &format!(
                "{{ ...F }} fragment F on QueryRoot {{ __typename {} }}",
                "@include(if: true)".repeat(300)
            ),
            json!({}),
        )
        .await;
    assert_eq!(error_code(&inside_fragment), "GRAPHQL_VALIDATION_FAILED");
    assert_eq!(
        inside_fragment["errors"][0]["message"], "Duplicate directive \"include\"",
        "{inside_fragment}"
    );
    for malformed in [
        "{ __typename @skip }",
        "{ __typename @skip(if: 1) }",
        "{ __typename @include(if: true, unless: false) }",
        "query($n: Int) { __typename @skip(if: $n) }",
    ] {
        let refused = app.graphql(malformed, json!({})).await;
        assert_eq!(
            error_code(&refused),
            "GRAPHQL_VALIDATION_FAILED",
            "{malformed}: {refused}"
        );
    }
    // Well-formed ones still work, with literals and with variables.
    let shown = app
        .graphql(
            "query($hide: Boolean!) { a: __typename @include(if: true) \
             b: __typename @skip(if: $hide) @include(if: true) \
             regions(first: 1) @skip(if: $hide) { totalCount } }",
            json!({ "hide": true }),
        )
        .await;
    assert!(shown.get("errors").is_none(), "{shown}");
    assert_eq!(shown["data"]["a"], "QueryRoot", "{shown}");
    assert!(shown["data"].get("b").is_none(), "{shown}");
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

#[tokio::test]
async fn a_busy_address_gets_429_with_retry_after_and_others_are_served() {
    // The test client is on the hub's machine: count loopback addresses.
    let app = spawn_app_configured(|settings| {
        settings.rate_limit_per_address = 60;
        settings.rate_limit_loopback = true;
    })
    .await;
    let anonymous = app.as_caller(None);
    let mut refused = None;
    // A burst of 10 is allowed at 60 a minute; the 11th or so is refused.
    for _ in 0..30 {
        let response = count_regions(&anonymous).await;
        if response.status() == 429 {
            refused = Some(response);
            break;
        }
    }
    let refused = refused.expect("the address was limited");
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=2).contains(&retry), "{retry}");
    let body: Value = refused.json().await.expect("json");
    assert_eq!(error_code(&body), "RATE_LIMITED");
    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains("hub_rate_limited_total{limit=\"address\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn clients_on_the_hubs_own_machine_are_not_limited_per_address_by_default() {
    // A script on the hub's machine (or a reverse proxy in front of it,
    // whose clients all share its address) sends many requests at once.
    let app = spawn_app_configured(|settings| settings.rate_limit_per_address = 60).await;
    let anonymous = app.as_caller(None);
    // Three times the burst of 10 that 60 a minute allows a remote address.
    for sent in 0..30 {
        let response = count_regions(&anonymous).await;
        assert_eq!(response.status(), 200, "request {sent}");
    }
}

/// One small anonymous query, as a busy client sends it.
async fn count_regions(caller: &crate::helpers::TestApp) -> reqwest::Response {
    caller
        .post_graphql()
        .json(&json!({ "query": "{ regions(first: 1) { totalCount } }" }))
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn a_busy_token_is_limited_on_its_own() {
    let app = spawn_app_configured(|settings| settings.rate_limit_per_token = 60).await;
    let query = json!({ "query": "{ viewer { authenticated } }" });
    let mut statuses = Vec::new();
    for _ in 0..30 {
        statuses.push(
            app.post_graphql()
                .json(&query)
                .send()
                .await
                .expect("request")
                .status()
                .as_u16(),
        );
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    // Another caller (here anonymous) is still served.
    let other = app
        .as_caller(None)
        .post_graphql()
        .json(&query)
        .send()
        .await
        .expect("request");
    assert_eq!(other.status(), 200);
}

#[tokio::test]
async fn a_request_that_runs_too_long_is_stopped_with_503() {
    let app = spawn_app_configured(|settings| {
        settings.request_timeout = Duration::from_millis(1);
    })
    .await;
    app.wait_until_indexed().await;
    let response = app
        .post_graphql()
        .json(&json!({ "query": "{ search(query: \"工\", first: 50) { totalCount facets { kinds { value count } categories { value label count } } edges { node { score snippets { html } } } } }" }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), "TIMEOUT");
}

#[tokio::test]
async fn metrics_and_request_ids_tell_operators_what_happened() {
    let app = spawn_app().await;
    let response = app
        .post_graphql()
        .header("x-request-id", "abc-123")
        .json(&json!({ "query": "query Regions { regions(first: 1) { totalCount } }", "operationName": "Regions" }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.headers()["x-request-id"], "abc-123");
    let generated = app
        .post_graphql()
        .header("x-request-id", "not a valid id!")
        .json(&json!({ "query": "{ nope }" }))
        .send()
        .await
        .expect("request");
    let id = generated.headers()["x-request-id"].to_str().expect("text");
    assert_eq!(id.len(), 16, "a fresh id replaces an unusable one: {id}");
    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    for line in [
        "hub_graphql_requests_total{operation=\"Regions\",status=\"200\"} 1",
        "hub_graphql_request_duration_seconds_count{operation=\"Regions\"} 1",
        "hub_graphql_errors_total{code=\"GRAPHQL_VALIDATION_FAILED\"} 1",
        "hub_index_lag ",
        "hub_db_pool_connections ",
    ] {
        assert!(metrics.contains(line), "missing `{line}` in:\n{metrics}");
    }
}

#[tokio::test]
async fn malformed_input_gets_clear_errors_and_writes_nothing() {
    let app = spawn_app().await;
    let before = app.count("change_log").await;
    let send_raw = |body: Vec<u8>| {
        let request = app
            .post_graphql()
            .header("content-type", "application/json")
            .body(body);
        async move {
            let response = request.send().await.expect("request");
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            (status, body)
        }
    };
    // Not JSON, not UTF-8, the wrong JSON shape.
    for body in [
        b"{\"query\": ".to_vec(),
        vec![b'{', b'"', b'q', 0xff, 0xfe, b'"', b'}'],
        b"[1, 2, 3]".to_vec(),
        b"{\"query\": 42}".to_vec(),
    ] {
        let (status, response) = send_raw(body.clone()).await;
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
        assert_eq!(error_code(&response), "BAD_REQUEST", "{response}");
    }
    let association = app.id_of("industryAssociations", "").await;
    let create = "mutation($input: CreateDemandPostingInput!) { createDemandPosting(input: $input) { demandPosting { id } userErrors { field code } } }";
    let region = app.region_id("220202").await;
    for (input, expected) in [
        // Wrong types.
        (
            json!({ "associationId": association, "title": 42 }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "associationId": association, "title": "x", "headcount": "many" }),
            "BAD_USER_INPUT",
        ),
        // An invalid ID and one of another kind.
        (json!({ "associationId": "!!!", "title": "x" }), "INVALID"),
        (json!({ "associationId": region, "title": "x" }), "INVALID"),
        // A huge string and control characters.
        (
            json!({ "associationId": association, "title": "长".repeat(100_000) }),
            "TOO_LONG",
        ),
        (
            json!({ "associationId": association, "title": "\u{0}\u{7}" }),
            "INVALID",
        ),
    ] {
        let response = app.graphql(create, json!({ "input": input })).await;
        let code = response["data"]["createDemandPosting"]["userErrors"][0]["code"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| error_code(&response).to_string());
        assert!(
            code == expected
                || (expected == "BAD_USER_INPUT" && code == "GRAPHQL_VALIDATION_FAILED"),
            "{input}: expected {expected}, got {response}"
        );
    }
    // SQL-looking text is just text.
    let response = app
        .graphql(
            "{ search(query: \"'; DROP TABLE demand_posting; --\") { totalCount } industryAssociations(filter: { sectorContains: \"' OR 1=1 --\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(response.get("errors").is_none(), "{response}");
    assert_eq!(response["data"]["industryAssociations"]["totalCount"], 0);
    assert_eq!(app.count("change_log").await, before, "nothing was written");
    assert!(app.count("demand_posting").await > 0);
}

#[tokio::test]
async fn nested_pages_multiply_in_the_complexity_limit() {
    let app = spawn_app().await;
    // 100 colleges x 100 programs x their fields: a million rows' worth.
    let heavy = "{ colleges(first: 100) { edges { node { name programs(first: 100) { edges { node { name description catalogueEntry { code name } occupations { code name } } } } } } } }";
    let response = app.graphql(heavy, json!({})).await;
    assert_eq!(error_code(&response), "QUERY_TOO_COMPLEX", "{response}");
    assert!(response.get("data").is_none());
    // The same shape with small pages is answered.
    let light = "{ colleges(first: 5) { edges { node { name programs(first: 10) { edges { node { name description catalogueEntry { code name } occupations { code name } } } } } } } }";
    let response = app.graphql(light, json!({})).await;
    assert!(response.get("errors").is_none(), "{response}");
    // Page sizes given as variables count too.
    let with_variables = "query($n: Int) { colleges(first: $n) { edges { node { programs(first: $n) { edges { node { name description catalogueEntry { code name } occupations { code name } } } } } } } }";
    let response = app.graphql(with_variables, json!({ "n": 100 })).await;
    assert_eq!(error_code(&response), "QUERY_TOO_COMPLEX", "{response}");
}

#[tokio::test]
async fn fragments_that_multiply_or_cycle_are_refused_at_once() {
    let app = spawn_app().await;
    // 30 fragments, each spreading the next twice: a kilobyte that stands
    // for 2^30 fields.
    let fragments: Vec<String> = (0..30)
        .map(|i| {
            let body = if i < 29 {
                format!("...F{} ...F{}", i + 1, i + 1)
            } else {
                "__typename".to_string()
            };
            format!("fragment F{i} on QueryRoot {{ {body} }}")
        })
        .collect();
    let query = format!("query {{ ...F0 }} {}", fragments.join(" "));
    // A bounded wait: a hub that walks every spread would not answer.
    let response: Value = app
        .post_graphql()
        .timeout(Duration::from_secs(20))
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("answered, not hung")
        .json()
        .await
        .expect("json");
    assert_eq!(error_code(&response), "QUERY_TOO_COMPLEX", "{response}");
    // A chain of 40 fragments nests too deep.
    let chain: Vec<String> = (0..40)
        .map(|i| {
            let body = if i < 39 {
                format!("...F{}", i + 1)
            } else {
                "__typename".to_string()
            };
            format!("fragment F{i} on QueryRoot {{ {body} }}")
        })
        .collect();
    let response = app
        .graphql(&format!("query {{ ...F0 }} {}", chain.join(" ")), json!({}))
        .await;
    assert_eq!(error_code(&response), "QUERY_TOO_DEEP", "{response}");
    let cycle = "query { ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }";
    let response = app.graphql(cycle, json!({})).await;
    assert_eq!(
        error_code(&response),
        "GRAPHQL_VALIDATION_FAILED",
        "{response}"
    );
    // Fragments used sensibly still work.
    let fine = "query { ...A ...B } fragment A on QueryRoot { regions(first: 1) { totalCount } } fragment B on QueryRoot { ...A }";
    let response = app.graphql(fine, json!({})).await;
    assert!(response.get("errors").is_none(), "{response}");
}
