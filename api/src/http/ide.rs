//! `GET /`: a small GraphQL IDE that needs no internet access (the
//! built-in GraphiQL page loads its scripts from a CDN).

use poem::{handler, web::Html};

const PAGE: &str = include_str!("ide.html");

#[handler]
pub async fn page() -> Html<&'static str> {
    Html(PAGE)
}
