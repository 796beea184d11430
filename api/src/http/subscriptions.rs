//! `GET /graphql/ws`: GraphQL subscriptions over WebSocket with the
//! `graphql-transport-ws` protocol (the npm `graphql-ws` client's; the
//! older `graphql-ws` subprotocol of subscriptions-transport-ws is
//! accepted too). The bearer token travels in the `connection_init`
//! payload: `{"Authorization": "Bearer hub_…"}` (also `authorization`,
//! `token`, or `headers.Authorization`); without one the connection is
//! anonymous, with an unknown, expired or revoked one it is closed with
//! code 4403 (Forbidden), as the protocol recommends.
//!
//! async-graphql runs the protocol; the hub adjusts what it sends to the
//! letter of `graphql-transport-ws`: an operation refused before it runs
//! (validation, permissions) is answered with one `error` message instead
//! of `next` + `complete`; a refused `connection_init` closes with 4403,
//! a `subscribe` before the handshake with 4401, and a connection that
//! sends no `connection_init` within [`INIT_TIMEOUT`] with 4408.
//!
//! One connection runs at most [`MAX_SUBSCRIPTIONS`] operations at once;
//! a `subscribe` beyond that is answered with an `error` (code
//! `TOO_MANY_SUBSCRIPTIONS`) and runs nothing, so that one client cannot
//! pile up unbounded work on the server.

use std::{
    collections::HashSet,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
};

use async_graphql::{
    http::{WebSocketProtocols, WsMessage, ALL_WEBSOCKET_PROTOCOLS},
    Data,
};
use async_graphql_poem::GraphQLProtocol;
use futures::{SinkExt, StreamExt};
use poem::{
    handler,
    web::{
        websocket::{Message, WebSocket},
        Data as PoemData,
    },
    IntoResponse,
};
use sea_orm::DatabaseConnection;

use crate::{access::Actor, graphql::HubSchema};

/// How long a new connection may take to send `connection_init`
/// (graphql-ws servers wait 3 s by default; the hub is more patient with
/// slow networks).
pub const INIT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Most operations one connection may run at once.
pub const MAX_SUBSCRIPTIONS: usize = 25;

/// The operations a connection runs, by id.
#[derive(Clone, Default)]
struct Running(Arc<Mutex<HashSet<String>>>);

impl Running {
    /// An incoming message: `Some(message)` to pass on, `None` when it is a
    /// `subscribe` over the limit (its id goes to `refused`).
    fn incoming(
        &self,
        message: Vec<u8>,
        refused: &tokio::sync::mpsc::UnboundedSender<String>,
    ) -> Option<Vec<u8>> {
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(&message) else {
            return Some(message);
        };
        let id = value["id"].as_str().unwrap_or_default().to_string();
        let Ok(mut running) = self.0.lock() else {
            return Some(message);
        };
        match value["type"].as_str() {
            Some("subscribe" | "start") => {
                if running.len() >= MAX_SUBSCRIPTIONS && !running.contains(&id) {
                    let _ = refused.send(id);
                    return None;
                }
                running.insert(id);
            }
            Some("complete" | "stop") => {
                running.remove(&id);
            }
            _ => {}
        }
        Some(message)
    }

    /// An outgoing message: an operation that completed or failed no
    /// longer counts.
    fn outgoing(&self, message: &Message) {
        let Message::Text(text) = message else {
            return;
        };
        if !(text.contains("\"complete\"") || text.contains("\"error\"")) {
            return;
        }
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
            return;
        };
        if matches!(value["type"].as_str(), Some("complete" | "error")) {
            if let (Some(id), Ok(mut running)) = (value["id"].as_str(), self.0.lock()) {
                running.remove(id);
            }
        }
    }
}

/// The answer to a `subscribe` over the limit.
fn too_many(id: &str, strict: bool) -> Message {
    let error = serde_json::json!({
        "message": format!(
            "this connection already runs {MAX_SUBSCRIPTIONS} subscriptions, the most one connection may run; complete one first or open another connection"
        ),
        "extensions": { "code": "TOO_MANY_SUBSCRIPTIONS" },
    });
    // graphql-transport-ws sends a list of errors; the older protocol one.
    let payload = if strict {
        serde_json::json!([error])
    } else {
        error
    };
    Message::text(serde_json::json!({ "id": id, "type": "error", "payload": payload }).to_string())
}

/// The token of a `connection_init` payload, if it carries one.
fn token_of(payload: &serde_json::Value) -> Option<String> {
    let object = payload.as_object()?;
    let find = |object: &serde_json::Map<String, serde_json::Value>| {
        object.iter().find_map(|(key, value)| {
            let key = key.to_ascii_lowercase();
            (key == "authorization" || key == "token")
                .then(|| value.as_str().map(str::to_string))
                .flatten()
        })
    };
    let value = find(object).or_else(|| {
        object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case("headers"))
            .and_then(|(_, headers)| headers.as_object())
            .and_then(find)
    })?;
    let value = value.trim();
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .unwrap_or(value);
    Some(token.trim().to_string())
}

/// The actor of a `connection_init` payload, or why the connection is
/// refused.
async fn actor_of(
    db: &DatabaseConnection,
    payload: serde_json::Value,
) -> async_graphql::Result<Data> {
    let mut data = Data::default();
    let Some(token) = token_of(&payload) else {
        data.insert(Actor::Anonymous);
        return Ok(data);
    };
    match crate::access::authenticate(db, &token).await {
        Ok(Ok(actor)) => {
            data.insert(actor);
            Ok(data)
        }
        Ok(Err(refusal)) => Err(async_graphql::Error::new(refusal.message())),
        Err(error) => {
            tracing::error!(%error, "cannot check an API token");
            Err(async_graphql::Error::new("internal error"))
        }
    }
}

/// What the hub changes in async-graphql's outgoing messages (see the
/// module's documentation).
#[derive(Default)]
struct Outgoing {
    /// Operations that have sent a result.
    running: HashSet<String>,
    /// Operations answered with `error`: their `complete` is not sent.
    refused: HashSet<String>,
}

impl Outgoing {
    fn adjust(&mut self, message: WsMessage, init_refused: bool) -> Option<Message> {
        let text = match message {
            WsMessage::Close(1002, reason) if init_refused => {
                return Some(Message::close_with(4403u16, format!("Forbidden: {reason}")))
            }
            WsMessage::Close(1011, reason) if reason.contains("handshake") => {
                return Some(Message::close_with(
                    4401u16,
                    "Unauthorized: send connection_init first",
                ))
            }
            WsMessage::Close(code, reason) => return Some(Message::close_with(code, reason)),
            WsMessage::Text(text) => text,
        };
        let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&text) else {
            return Some(Message::text(text));
        };
        let id = value["id"].as_str().unwrap_or_default().to_string();
        match value["type"].as_str() {
            Some("next") if !self.running.contains(&id) => {
                let payload = &value["payload"];
                let no_data = payload.get("data").is_none_or(serde_json::Value::is_null);
                let errors = payload["errors"]
                    .as_array()
                    .filter(|e| !e.is_empty())
                    .cloned();
                match errors {
                    Some(errors) if no_data => {
                        self.refused.insert(id.clone());
                        value = serde_json::json!({ "id": id, "type": "error", "payload": errors });
                        Some(Message::text(value.to_string()))
                    }
                    _ => {
                        self.running.insert(id);
                        Some(Message::text(text))
                    }
                }
            }
            Some("complete") => {
                self.running.remove(&id);
                if self.refused.remove(&id) {
                    None
                } else {
                    Some(Message::text(text))
                }
            }
            _ => Some(Message::text(text)),
        }
    }
}

#[handler]
pub async fn endpoint(
    schema: PoemData<&HubSchema>,
    db: PoemData<&DatabaseConnection>,
    protocol: GraphQLProtocol,
    websocket: WebSocket,
) -> impl IntoResponse {
    let schema = schema.clone();
    let db = db.clone();
    websocket
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let (mut sink, stream) = socket.split();
            let running = Running::default();
            let (refuse, mut refusals) = tokio::sync::mpsc::unbounded_channel();
            let counted = running.clone();
            let incoming = stream
                .take_while(|message| futures::future::ready(message.is_ok()))
                .filter_map(move |message| {
                    futures::future::ready(
                        message
                            .ok()
                            .filter(|m| m.is_text() || m.is_binary())
                            .map(Message::into_bytes)
                            .and_then(|bytes| counted.incoming(bytes, &refuse)),
                    )
                });
            let init_refused = Arc::new(AtomicBool::new(false));
            let initialised = Arc::new(AtomicBool::new(false));
            let (refused, init) = (init_refused.clone(), initialised.clone());
            let outgoing = async_graphql::http::WebSocket::new(schema, incoming, protocol.0)
                .on_connection_init(move |payload| async move {
                    init.store(true, Ordering::SeqCst);
                    let outcome = actor_of(&db, payload).await;
                    if outcome.is_err() {
                        refused.store(true, Ordering::SeqCst);
                    }
                    outcome
                });
            futures::pin_mut!(outgoing);
            let strict = protocol.0 == WebSocketProtocols::GraphQLWS;
            let mut adjust = Outgoing::default();
            let deadline = tokio::time::sleep(INIT_TIMEOUT);
            futures::pin_mut!(deadline);
            loop {
                let message = tokio::select! {
                    message = outgoing.next() => message,
                    Some(id) = refusals.recv() => {
                        if sink.send(too_many(&id, strict)).await.is_err() {
                            break;
                        }
                        continue;
                    }
                    () = &mut deadline, if !initialised.load(Ordering::SeqCst) => {
                        let _ = sink
                            .send(Message::close_with(4408u16, "Connection initialisation timeout"))
                            .await;
                        break;
                    }
                };
                let Some(message) = message else {
                    break;
                };
                let message = if strict {
                    match adjust.adjust(message, init_refused.load(Ordering::SeqCst)) {
                        Some(message) => message,
                        None => continue,
                    }
                } else {
                    match message {
                        WsMessage::Text(text) => Message::text(text),
                        WsMessage::Close(code, reason) => Message::close_with(code, reason),
                    }
                };
                running.outgoing(&message);
                if sink.send(message).await.is_err() {
                    break;
                }
            }
        })
}

#[cfg(test)]
mod tests {
    use super::token_of;

    #[test]
    fn tokens_are_found_where_graphql_ws_clients_put_them() {
        let cases = [
            (
                serde_json::json!({"Authorization": "Bearer hub_a"}),
                Some("hub_a"),
            ),
            (
                serde_json::json!({"authorization": "bearer hub_b"}),
                Some("hub_b"),
            ),
            (serde_json::json!({"token": "hub_c"}), Some("hub_c")),
            (
                serde_json::json!({"headers": {"Authorization": "Bearer hub_d"}}),
                Some("hub_d"),
            ),
            (serde_json::json!({}), None),
            (serde_json::json!(null), None),
            (serde_json::json!({"Authorization": 5}), None),
        ];
        for (payload, expected) in cases {
            assert_eq!(token_of(&payload).as_deref(), expected, "{payload}");
        }
    }
}
