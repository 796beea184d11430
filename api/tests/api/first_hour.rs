//! What a frontend team meets in its first hour: standard introspection,
//! responses in selection order, GraphQL-over-HTTP statuses, errors with
//! codes, facets spelled like the arguments, complete reference tables,
//! and README examples that run as written.

use std::collections::BTreeSet;

use async_graphql::parser::{parse_schema, types::TypeKind, types::TypeSystemDefinition};
use serde_json::{json, Value};

use crate::helpers::{error_code, spawn_app, TestApp};

const INTROSPECTION: &str = include_str!("../fixtures/introspection_query.graphql");
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// POSTs a request with the GraphQL-over-HTTP media type: status, raw body.
async fn post_raw(app: &TestApp, body: Value, accept: &str) -> (u16, String) {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("accept", accept)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("text"))
}

/// `(type, field)` pairs of the object, interface and input types of an
/// SDL text.
fn sdl_fields(sdl: &str) -> BTreeSet<(String, String)> {
    let document = parse_schema(sdl).expect("the SDL parses");
    let mut fields = BTreeSet::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let name = ty.node.name.node.to_string();
        match &ty.node.kind {
            TypeKind::Object(object) => fields.extend(
                object
                    .fields
                    .iter()
                    .map(|f| (name.clone(), f.node.name.node.to_string())),
            ),
            TypeKind::Interface(interface) => fields.extend(
                interface
                    .fields
                    .iter()
                    .map(|f| (name.clone(), f.node.name.node.to_string())),
            ),
            TypeKind::InputObject(input) => fields.extend(
                input
                    .fields
                    .iter()
                    .map(|f| (name.clone(), f.node.name.node.to_string())),
            ),
            TypeKind::Enum(values) => fields.extend(
                values
                    .values
                    .iter()
                    .map(|v| (name.clone(), v.node.value.node.to_string())),
            ),
            _ => {}
        }
    }
    fields
}

#[tokio::test]
async fn the_standard_introspection_query_of_graphql_js_describes_the_whole_schema() {
    let app = spawn_app().await;
    let response = app.graphql(INTROSPECTION, json!({})).await;
    assert!(response.get("errors").is_none(), "{response:#}");
    let schema = &response["data"]["__schema"];
    assert_eq!(schema["queryType"]["name"], "QueryRoot");
    assert_eq!(schema["mutationType"]["name"], "MutationRoot");
    // Build the client's view of the schema from the answer and compare it
    // with the SDL the hub checks in: every type, field, input field and
    // enum value is there.
    let mut introspected = BTreeSet::new();
    for ty in schema["types"].as_array().expect("types") {
        let name = ty["name"].as_str().expect("a type name");
        if name.starts_with("__") {
            continue;
        }
        for list in ["fields", "inputFields", "enumValues"] {
            for field in ty[list].as_array().into_iter().flatten() {
                introspected.insert((
                    name.to_string(),
                    field["name"].as_str().expect("a name").to_string(),
                ));
            }
        }
    }
    let expected = sdl_fields(&hub::graphql::sdl());
    assert!(expected.len() > 300, "the SDL has its fields");
    assert_eq!(introspected, expected);
    // A field's type comes with its wrappers (non-null list of non-null).
    let query_root = schema["types"]
        .as_array()
        .and_then(|types| types.iter().find(|t| t["name"] == "QueryRoot"))
        .expect("QueryRoot");
    let nodes = query_root["fields"]
        .as_array()
        .and_then(|fields| fields.iter().find(|f| f["name"] == "nodes"))
        .expect("nodes");
    assert_eq!(nodes["type"]["kind"], "NON_NULL");
    assert_eq!(nodes["type"]["ofType"]["kind"], "LIST");
}

#[tokio::test]
async fn circular_introspection_is_refused_before_execution() {
    let app = spawn_app().await;
    let circular = "{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }";
    let (status, body) = post_raw(&app, json!({ "query": circular }), GRAPHQL_RESPONSE).await;
    assert_eq!(status, 400, "{body}");
    let response: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(error_code(&response), "QUERY_TOO_DEEP", "{response}");
    assert!(response.get("data").is_none(), "{response}");
    // The same through `__type` and fragments.
    let fragments = "query { __type(name: \"QueryRoot\") { ...A } } fragment A on __Type { fields { type { ...B } } } fragment B on __Type { fields { type { ...C } } } fragment C on __Type { interfaces { name } }";
    let response = app.graphql(fragments, json!({})).await;
    assert_eq!(error_code(&response), "QUERY_TOO_DEEP", "{response}");
    // Nesting twice is still answered (a client looking one level ahead).
    let twice =
        "{ __type(name: \"DemandPosting\") { fields { type { ofType { fields { name } } } } } }";
    let response = app.graphql(twice, json!({})).await;
    assert!(response.get("errors").is_none(), "{response}");
}

/// The keys of the top-level `data` object, in the order of the text
/// (serde_json's map sorts keys, so the text is read byte by byte; the
/// structural characters are ASCII and never part of a UTF-8 sequence).
fn data_keys_in_order(body: &str) -> Vec<String> {
    let bytes = body.as_bytes();
    let mut index = body.find("\"data\":{").expect("data object") + "\"data\":{".len();
    let mut keys = Vec::new();
    let mut depth = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => break,
            b'}' | b']' => depth -= 1,
            b'"' => {
                let start = index + 1;
                index = start;
                while bytes[index] != b'"' {
                    index += if bytes[index] == b'\\' { 2 } else { 1 };
                }
                if depth == 0 && bytes.get(index + 1) == Some(&b':') {
                    keys.push(body[start..index].to_string());
                }
            }
            _ => {}
        }
        index += 1;
    }
    keys
}

#[tokio::test]
async fn responses_keep_the_order_of_the_selection_set() {
    let app = spawn_app().await;
    // Root fields resolve concurrently and finish in any order; slow and
    // fast ones are mixed so that completion order differs from the text.
    let query = "{ zz: occupations(first: 50) { totalCount edges { node { name } } } aa: regions(first: 1) { totalCount } mm: catalogueEntries(first: 50) { totalCount } search(query: \"数控\", first: 5) { totalCount } bb: regions(first: 2) { totalCount } __typename ... on QueryRoot { yy: colleges(first: 1) { totalCount } } }";
    let expected = ["zz", "aa", "mm", "search", "bb", "__typename", "yy"];
    let requests = (0..12).map(|_| post_raw(&app, json!({ "query": query }), "application/json"));
    for (status, body) in futures::future::join_all(requests).await {
        assert_eq!(status, 200);
        assert_eq!(data_keys_in_order(&body), expected, "{body}");
    }
    // Nested objects too: the order written, not the order of the type.
    let (_, body) = post_raw(
        &app,
        json!({ "query": "{ occupation(code: \"6-18-01-01\") { name code majorName id } }" }),
        "application/json",
    )
    .await;
    let name = body.find("\"name\"").expect("name");
    let code = body.find("\"code\"").expect("code");
    let major = body.find("\"majorName\"").expect("majorName");
    let id = body.find("\"id\"").expect("id");
    assert!(name < code && code < major && major < id, "{body}");
}

#[tokio::test]
async fn graphql_over_http_statuses_and_the_data_entry() {
    let app = spawn_app().await;
    // Execution started: 200, `data` present (null), the error has a code.
    let (status, body) = post_raw(
        &app,
        json!({ "query": "{ occupations(first: 101) { totalCount } }" }),
        GRAPHQL_RESPONSE,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let response: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(response["data"], Value::Null);
    assert!(response.as_object().is_some_and(|o| o.contains_key("data")));
    assert_eq!(error_code(&response), "BAD_USER_INPUT");

    // Validation failed: 400, no `data` entry.
    let (status, body) = post_raw(
        &app,
        json!({ "query": "{ occupations(first: 1) { totalCoun } }" }),
        GRAPHQL_RESPONSE,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let response: Value = serde_json::from_str(&body).expect("json");
    assert!(response.get("data").is_none(), "{response}");
    assert_eq!(error_code(&response), "GRAPHQL_VALIDATION_FAILED");

    // Syntax error: no `data`, one readable line with the position.
    let (status, body) = post_raw(
        &app,
        json!({ "query": "{ occupations(first: 1) { totalCount }" }),
        GRAPHQL_RESPONSE,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let response: Value = serde_json::from_str(&body).expect("json");
    assert!(response.get("data").is_none(), "{response}");
    assert_eq!(error_code(&response), "GRAPHQL_PARSE_FAILED");
    let message = response["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(!message.contains('\n'), "{message}");
    assert!(
        message.starts_with("syntax error at line:column 1:"),
        "{message}"
    );

    // Several operations, none chosen: a validation error with a code.
    let (status, body) = post_raw(
        &app,
        json!({ "query": "query A { regions(first: 1) { totalCount } } query B { regions(first: 2) { totalCount } }" }),
        GRAPHQL_RESPONSE,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let response: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(error_code(&response), "GRAPHQL_VALIDATION_FAILED");
    // ... and with `operationName` it runs.
    let (status, body) = post_raw(
        &app,
        json!({ "query": "query A { regions(first: 1) { totalCount } } query B { regions(first: 2) { totalCount } }", "operationName": "B" }),
        GRAPHQL_RESPONSE,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // With plain JSON, every well-formed request is a 200.
    let (status, body) = post_raw(
        &app,
        json!({ "query": "{ occupations(first: 1) { totalCoun } }" }),
        "application/json",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("\"data\""), "{body}");
}

#[tokio::test]
async fn every_error_carries_a_code() {
    let app = spawn_app().await;
    for (query, variables) in [
        ("{ nope }", json!({})),
        ("{ regions(first: \"x\") { totalCount } }", json!({})),
        (
            "query Q($n: Int) { regions(first: $n) { totalCount } }",
            json!({ "n": "many" }),
        ),
        (
            "query Q($n: Int!) { regions(first: $n) { totalCount } }",
            json!({}),
        ),
        ("{ regions(first: 1) { totalCount ", json!({})),
        ("{ regions(first: 100000) { totalCount } }", json!({})),
        ("{ node(id: \"bad\") { id } }", json!({})),
    ] {
        let response = app.graphql(query, variables).await;
        for error in response["errors"].as_array().into_iter().flatten() {
            assert!(
                error["extensions"]["code"].is_string(),
                "{query}: {response}"
            );
        }
    }
}

#[tokio::test]
async fn search_facets_are_spelled_like_the_arguments_and_labelled() {
    let app = spawn_app().await;
    app.wait_until_indexed().await;
    let data = app
        .data(
            "{ search(query: \"护理\", first: 1) { facets { kinds { value label count } categories { value label } educationLevels { value label } } } }",
            json!({}),
        )
        .await;
    let facets = &data["search"]["facets"];
    let kinds: Vec<&str> = facets["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .map(|k| k["value"].as_str().expect("value"))
        .collect();
    assert!(kinds.contains(&"CATALOGUE_ENTRY"), "{kinds:?}");
    assert!(kinds.contains(&"DEMAND_POSTING"), "{kinds:?}");
    for list in ["kinds", "categories", "educationLevels"] {
        for value in facets[list].as_array().expect("a list") {
            assert!(value["label"].is_string(), "{list}: {value}");
        }
    }
    // A kind facet value is accepted by `kinds:` as it is.
    let response = app
        .graphql(
            &format!(
                "{{ search(query: \"护理\", kinds: [{}]) {{ totalCount }} }}",
                kinds[0]
            ),
            json!({}),
        )
        .await;
    assert!(response.get("errors").is_none(), "{response}");
    // 医药卫生大类 heads a category on three levels: the labels tell them apart.
    let labels: Vec<&str> = facets["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .filter_map(|c| c["label"].as_str())
        .filter(|label| label.starts_with("医药卫生大类"))
        .collect();
    assert!(labels.len() >= 2, "{labels:?}");
    let distinct: BTreeSet<&&str> = labels.iter().collect();
    assert_eq!(distinct.len(), labels.len(), "{labels:?}");
    assert!(
        labels.contains(&"医药卫生大类（中等职业教育）"),
        "{labels:?}"
    );
}

#[tokio::test]
async fn a_zero_config_hub_knows_every_catalogue_and_occupation_code() {
    let app = spawn_app().await;
    let data = app
        .data(
            "{ occupation(code: \"6-18-01-01\") { code name minorCode minorName mediumName majorName } occupations { totalCount } catalogueEntries { totalCount } automation: catalogueEntries(filter: { classCode: \"4603\", itemLevel: MAJOR }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["occupation"],
        json!({ "code": "6-18-01-01", "name": "车工", "minorCode": "6-18-01", "minorName": "机械冷加工人员", "mediumName": "机械制造基础加工人员", "majorName": "生产制造及有关人员" })
    );
    let expected_occupations = hub::reference_tables::occupation_entries()
        .expect("table")
        .len();
    assert_eq!(expected_occupations, 1_605);
    assert_eq!(data["occupations"]["totalCount"], 1_605);
    assert_eq!(data["catalogueEntries"]["totalCount"], 1_681);
    assert_eq!(data["automation"]["totalCount"], 11);
    // A posting coded with any of them is accepted.
    let association = app.id_of("industryAssociations", "").await;
    let data = app
        .data(
            "mutation($a: ID!) { createDemandPosting(input: { associationId: $a, title: \"车工（演示）\", occupationCodes: [\"6-18-01-01\", \"2-01-01-00\"] }) { demandPosting { occupations { name } } userErrors { code } } }",
            json!({ "a": association }),
        )
        .await;
    assert_eq!(
        data["createDemandPosting"]["demandPosting"]["occupations"],
        json!([{ "name": "哲学研究人员" }, { "name": "车工" }]),
        "in code order"
    );
    // The demo's CNC lathe posting is coded 车工.
    let data = app
        .data(
            "{ demandPostings(filter: { occupationCode: \"6-18-01-01\" }) { edges { node { title } } } }",
            json!({}),
        )
        .await;
    assert!(data["demandPostings"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .any(|e| e["node"]["title"]
            .as_str()
            .unwrap_or_default()
            .contains("数控车工")));
}

#[tokio::test]
async fn every_readme_example_runs_as_written_against_the_demo() {
    let app = spawn_app().await;
    let readme = include_str!("../../../README.md");
    let examples = hub::examples::readme_examples();
    assert_eq!(
        examples.len(),
        readme.matches("```graphql").count(),
        "every graphql block of the README is an example"
    );
    for example in examples {
        let variables = example.variables.clone().unwrap_or_else(|| json!({}));
        if example
            .query
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty() && !line.starts_with('#'))
            .is_some_and(|line| line.starts_with("subscription"))
        {
            subscription_example_runs(&app, &example, variables).await;
            continue;
        }
        // Each example runs as its README block says: anonymously, or with
        // the demo token its headers name.
        let mut request = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&json!({ "query": example.query, "variables": variables }));
        for (name, value) in example.headers.iter().flatten() {
            request = request.header(name.as_str(), value.as_str().unwrap_or_default());
        }
        let response: Value = request
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        assert!(
            response.get("errors").is_none(),
            "README example「{}」failed: {response:#}",
            example.title
        );
        // Mutations report no user errors either.
        let text = response.to_string();
        assert!(
            !text.contains("\"userErrors\":[{"),
            "README example「{}」: {text}",
            example.title
        );
    }
}

#[tokio::test]
async fn the_readme_csv_export_runs_as_written() {
    let app = spawn_app().await;
    let readme = include_str!("../../../README.md");
    let urls: Vec<&str> = readme
        .split('\'')
        .filter(|part| part.starts_with("http://127.0.0.1:8080/export/"))
        .collect();
    assert!(!urls.is_empty(), "the README shows the CSV export");
    for url in urls {
        let url = url.replace("http://127.0.0.1:8080", &app.address);
        let response = app.client.get(&url).send().await.expect("the export");
        assert_eq!(response.status(), 200, "{url}");
        let bytes = response.bytes().await.expect("a body");
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{url}: UTF-8 with BOM");
        assert!(bytes.len() > 200, "{url}: rows for the demo data");
    }
}

/// A subscription example, as a graphql-ws client runs it: its headers as
/// the `connection_init` payload; a posting published for the demo's
/// 数控 occupation then arrives as a `next` without errors.
async fn subscription_example_runs(
    app: &crate::helpers::TestApp,
    example: &hub::examples::Example,
    variables: Value,
) {
    use crate::subscriptions::{connected, publish_posting, receive, send};
    let payload = example
        .headers
        .clone()
        .map(Value::Object)
        .unwrap_or_else(|| json!({}));
    let mut socket = connected(app, payload).await;
    send(
        &mut socket,
        json!({ "id": "readme", "type": "subscribe", "payload": { "query": example.query, "variables": variables } }),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    publish_posting(app, "数控车床操作工（README 订阅示例）", &["6-18-01-01"]).await;
    let message = receive(&mut socket).await.expect("a message");
    assert_eq!(
        message["type"], "next",
        "README example「{}」: {message}",
        example.title
    );
    assert!(
        message["payload"].get("errors").is_none(),
        "README example「{}」: {message}",
        example.title
    );
}

#[test]
fn the_built_in_reference_tables_are_what_the_script_generates_from_the_sources() {
    let data = crate::helpers::shared_data("programs/vocational_catalog_2021.csv");
    let data = data
        .parent()
        .and_then(std::path::Path::parent)
        .expect("the shared data folder");
    let out = tempfile::tempdir().expect("temp dir");
    let (entries, occupations) =
        hub::reference_tables::generate(data, out.path()).expect("the tables are generated");
    assert_eq!((entries, occupations), (1_681, 1_605));
    let checked_in = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reference");
    for file in [
        hub::reference_tables::CATALOGUE_FILE,
        hub::reference_tables::OCCUPATIONS_FILE,
    ] {
        let generated = std::fs::read_to_string(out.path().join(file)).expect("generated");
        let stored = std::fs::read_to_string(checked_in.join(file)).expect("checked in");
        assert!(
            generated == stored,
            "{file} differs from what the sources give: run scripts/refresh-reference-tables"
        );
    }
}
