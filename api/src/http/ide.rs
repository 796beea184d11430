//! `GET /`: GraphiQL (npm `graphiql` with React, UMD builds embedded in the
//! hub, refreshed by `scripts/refresh-graphiql`), so the IDE works with no
//! internet access. `GET /ide/...` serves its files and the starter
//! operations (the README's examples).

use poem::{
    handler,
    http::{header, StatusCode},
    web::{Html, Path},
    IntoResponse, Response,
};

const PAGE: &str = include_str!("ide.html");

/// The files of the IDE: name, media type, content.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
    (
        "hub-ide.js",
        "text/javascript; charset=utf-8",
        include_bytes!("hub-ide.js"),
    ),
    (
        "LICENSE-graphiql",
        "text/plain; charset=utf-8",
        include_bytes!("../../assets/graphiql/LICENSE-graphiql"),
    ),
    (
        "LICENSE-react",
        "text/plain; charset=utf-8",
        include_bytes!("../../assets/graphiql/LICENSE-react"),
    ),
    (
        "LICENSE-react-dom",
        "text/plain; charset=utf-8",
        include_bytes!("../../assets/graphiql/LICENSE-react-dom"),
    ),
    (
        "VERSIONS",
        "text/plain; charset=utf-8",
        include_bytes!("../../assets/graphiql/VERSIONS"),
    ),
];

#[handler]
pub async fn page() -> Html<&'static str> {
    Html(PAGE)
}

#[handler]
pub async fn asset(Path(name): Path<String>) -> Response {
    if name == "examples.json" {
        let body = serde_json::to_string(&crate::examples::readme_examples())
            .unwrap_or_else(|_| "[]".to_string());
        return Response::builder()
            .content_type("application/json")
            .body(body);
    }
    match ASSETS.iter().find(|(file, _, _)| *file == name) {
        Some((_, media_type, content)) => Response::builder()
            .content_type(*media_type)
            .header(header::CACHE_CONTROL, "public, max-age=3600")
            .body(*content),
        None => (StatusCode::NOT_FOUND, "no such IDE file").into_response(),
    }
}
