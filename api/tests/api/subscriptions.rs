//! GraphQL subscriptions over WebSocket (`/graphql/ws`), spoken as the npm
//! `graphql-ws` client speaks `graphql-transport-ws`: connection_init /
//! connection_ack, ping / pong, subscribe / next / complete, error.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::{
    tungstenite::{client::IntoClientRequest, http::HeaderValue, Message},
    MaybeTlsStream, WebSocketStream,
};

use crate::helpers::{create_token, spawn_app, TestApp};

pub type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn connect(app: &TestApp) -> Socket {
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("a WebSocket request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("the WebSocket upgrade");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    socket
}

pub async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("a message is sent");
}

/// The next protocol message (JSON), or the close frame's code.
pub async fn receive(socket: &mut Socket) -> Result<Value, u16> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(20), socket.next())
            .await
            .expect("a message within 20 s")
            .expect("the socket is open")
            .expect("a message");
        match message {
            Message::Text(text) => return Ok(serde_json::from_str(&text).expect("JSON")),
            Message::Close(frame) => return Err(frame.map(|f| u16::from(f.code)).unwrap_or(0)),
            _ => continue,
        }
    }
}

/// Nothing arrives for a while.
async fn quiet(socket: &mut Socket, wait: Duration) {
    if let Ok(Some(Ok(Message::Text(text)))) = tokio::time::timeout(wait, socket.next()).await {
        panic!("unexpected message: {text}");
    }
}

pub async fn connected(app: &TestApp, payload: Value) -> Socket {
    let mut socket = connect(app).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    assert_eq!(
        receive(&mut socket).await,
        Ok(json!({ "type": "connection_ack" }))
    );
    socket
}

const CREATE: &str = r#"mutation($input: CreateDemandPostingInput!) {
  createDemandPosting(input: $input) { demandPosting { id } userErrors { message } }
}"#;

pub async fn publish_posting(app: &TestApp, title: &str, codes: &[&str]) -> String {
    let association = app.id_of("industryAssociations", "").await;
    let data = app
        .data(
            CREATE,
            json!({ "input": {
                "associationId": association, "title": title, "headcount": 5,
                "occupationCodes": codes, "publish": true,
            } }),
        )
        .await;
    data["createDemandPosting"]["demandPosting"]["id"]
        .as_str()
        .expect("a posting id")
        .to_string()
}

#[tokio::test]
async fn a_graphql_ws_client_follows_published_postings() {
    let app = spawn_app().await;
    let mut socket = connected(&app, json!({})).await;
    send(
        &mut socket,
        json!({ "type": "ping", "payload": { "at": 1 } }),
    )
    .await;
    assert_eq!(
        receive(&mut socket).await.map(|m| m["type"].clone()),
        Ok(json!("pong"))
    );

    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": {
            "query": "subscription($filter: PublishedPostingFilter) { demandPostingPublished(filter: $filter) { id title status } }",
            "variables": { "filter": { "occupationCode": "6-18" } },
        } }),
    )
    .await;
    // Give the subscription a moment to start before publishing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    publish_posting(&app, "数控车床操作工（订阅测试）", &["6-18-01-01"]).await;
    let other = publish_posting(&app, "养老护理员（订阅测试，另一类职业）", &["4-10-01-05"]).await;
    assert!(!other.is_empty());
    let next = receive(&mut socket).await.expect("a next message");
    assert_eq!(next["type"], "next");
    assert_eq!(next["id"], "1");
    assert_eq!(
        next["payload"]["data"]["demandPostingPublished"]["title"],
        "数控车床操作工（订阅测试）"
    );
    assert_eq!(
        next["payload"]["data"]["demandPostingPublished"]["status"],
        "PUBLISHED"
    );
    // The other occupation is filtered out; a draft is not pushed.
    quiet(&mut socket, Duration::from_millis(800)).await;

    // The client completes; publications after that are not sent.
    send(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    publish_posting(&app, "数控铣工（订阅结束后）", &["6-18-01-02"]).await;
    app.wait_until_indexed().await;
    let after = tokio::time::timeout(Duration::from_millis(800), receive(&mut socket)).await;
    if let Ok(message) = after {
        // async-graphql acknowledges the client's complete once.
        assert_eq!(message, Ok(json!({ "id": "1", "type": "complete" })));
        quiet(&mut socket, Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn unknown_subscriptions_and_bad_tokens_are_refused_by_the_protocol() {
    let app = spawn_app().await;
    let mut socket = connected(&app, json!({})).await;
    send(
        &mut socket,
        json!({ "id": "x", "type": "subscribe", "payload": { "query": "subscription { noSuchThing { id } }" } }),
    )
    .await;
    let error = receive(&mut socket).await.expect("an error message");
    assert_eq!(error["type"], "error");
    assert_eq!(error["id"], "x");
    assert_eq!(
        error["payload"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    // No `complete` follows an `error`; the connection stays usable.
    send(&mut socket, json!({ "type": "ping" })).await;
    assert_eq!(
        receive(&mut socket).await.map(|m| m["type"].clone()),
        Ok(json!("pong"))
    );

    // An unknown token in connection_init closes with 4403.
    let mut socket = connect(&app).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer hub_not_a_token" } }),
    )
    .await;
    assert_eq!(receive(&mut socket).await, Err(4403));

    // Subscribing before the handshake closes with 4401.
    let mut socket = connect(&app).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { demandPostingPublished { id } }" } }),
    )
    .await;
    assert_eq!(receive(&mut socket).await, Err(4401));

    // A connection that never sends connection_init is closed with 4408
    // once the hub stops waiting; one that did stays open past it.
    let mut silent = connect(&app).await;
    let mut talking = connected(&app, json!({})).await;
    let started = std::time::Instant::now();
    assert_eq!(receive(&mut silent).await, Err(4408));
    assert!(
        started.elapsed()
            >= hub::http::subscriptions::INIT_TIMEOUT - std::time::Duration::from_millis(500)
    );
    send(&mut talking, json!({ "type": "ping" })).await;
    assert_eq!(
        receive(&mut talking).await.map(|m| m["type"].clone()),
        Ok(json!("pong"))
    );
}

const NEW_MATCHES: &str = "subscription($program: ID!) { newMatches(programId: $program, minScore: 0.5) { score object { ... on DemandPosting { title } } sharedOccupations { closeness } } }";

#[tokio::test]
async fn a_college_follows_new_matches_of_its_own_programs_only() {
    let app = spawn_app().await;
    // A program of a college of its own, and a token of that college.
    let changyi = app.region_id("220202").await;
    let college = app
        .data(
            r#"mutation($input: CreateCollegeInput!) { createCollege(input: $input) { college { id } } }"#,
            json!({ "input": { "name": "吉林市订阅测试学院", "level": "HIGHER_VOCATIONAL", "ownership": "CITY", "regionId": changyi } }),
        )
        .await["createCollege"]["college"]["id"]
        .as_str()
        .expect("a college")
        .to_string();
    let program = app
        .data(
            r#"mutation($input: CreateProgramInput!) { createProgram(input: $input) { program { id } } }"#,
            json!({ "input": { "collegeId": college, "name": "数控技术", "catalogueCode": "460103",
                "description": "数控车床编程与操作", "occupationCodes": ["6-18-01-01"] } }),
        )
        .await["createProgram"]["program"]["id"]
        .as_str()
        .expect("a program")
        .to_string();
    let college_id = hub::ids::decode(hub::ids::NodeKind::College, &college).expect("an id");
    let own = create_token(&app.db, entity::enums::TokenRole::College, Some(college_id)).await;
    let other_college = create_token(
        &app.db,
        entity::enums::TokenRole::College,
        Some(college_id + 1000),
    )
    .await;

    // Anonymous and another college's token are refused with codes.
    for (payload, code) in [
        (json!({}), "UNAUTHENTICATED"),
        (
            json!({ "Authorization": format!("Bearer {other_college}") }),
            "FORBIDDEN",
        ),
    ] {
        let mut socket = connected(&app, payload).await;
        send(&mut socket, json!({ "id": "m", "type": "subscribe", "payload": { "query": NEW_MATCHES, "variables": { "program": program } } })).await;
        let error = receive(&mut socket).await.expect("an error message");
        assert_eq!(error["type"], "error", "{error}");
        assert_eq!(error["payload"][0]["extensions"]["code"], code);
    }

    let mut socket = connected(&app, json!({ "Authorization": format!("Bearer {own}") })).await;
    send(&mut socket, json!({ "id": "m", "type": "subscribe", "payload": { "query": NEW_MATCHES, "variables": { "program": program } } })).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Unrelated demand does not match; demand for the program's occupation does.
    publish_posting(&app, "养老护理员", &["4-10-01-05"]).await;
    publish_posting(&app, "数控车床操作工", &["6-18-01-01"]).await;
    let next = receive(&mut socket).await.expect("a next message");
    assert_eq!(next["type"], "next", "{next}");
    let matched = &next["payload"]["data"]["newMatches"];
    assert_eq!(matched["object"]["title"], "数控车床操作工");
    assert_eq!(
        matched["sharedOccupations"][0]["closeness"],
        "SAME_OCCUPATION"
    );
    assert!(matched["score"].as_f64().unwrap_or(0.0) >= 0.5);
    quiet(&mut socket, Duration::from_millis(800)).await;
}

#[tokio::test]
async fn one_connection_runs_a_bounded_number_of_subscriptions() {
    let app = spawn_app().await;
    let mut socket = connected(&app, json!({})).await;
    let subscribe = |id: String| {
        json!({ "id": id, "type": "subscribe", "payload": {
            "query": "subscription { demandPostingPublished { id } }",
        } })
    };
    let limit = hub::http::subscriptions::MAX_SUBSCRIPTIONS;
    for n in 0..limit {
        send(&mut socket, subscribe(format!("s{n}"))).await;
    }
    quiet(&mut socket, Duration::from_millis(500)).await;
    // One more is refused with an error for its id, and runs nothing.
    send(&mut socket, subscribe("over".to_string())).await;
    let refused = receive(&mut socket).await.expect("an error message");
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["id"], "over");
    assert_eq!(
        refused["payload"][0]["extensions"]["code"],
        "TOO_MANY_SUBSCRIPTIONS"
    );
    // Once one completes, there is room again.
    send(&mut socket, json!({ "id": "s0", "type": "complete" })).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    send(&mut socket, subscribe("again".to_string())).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    publish_posting(&app, "数控车工（订阅上限测试）", &["6-18-01-01"]).await;
    let mut ids = std::collections::BTreeSet::new();
    while ids.len() < limit {
        let message = receive(&mut socket).await.expect("a message");
        if message["type"] == "next" {
            ids.insert(message["id"].as_str().unwrap_or_default().to_string());
        }
    }
    assert!(ids.contains("again"), "{ids:?}");
    assert!(!ids.contains("s0") && !ids.contains("over"), "{ids:?}");
}
