//! The README's GraphQL examples, which are also the IDE's starter tabs:
//! one source, so what the README shows is what the IDE opens with, and
//! one test runs them all against the demo data.
//!
//! In the README, every ```` ```graphql ```` block holds one operation;
//! a ```` ```json ```` block right after it (nothing but blank lines in
//! between) holds its variables, and a ```` ```json headers ```` block
//! after that its HTTP headers (the demo token it needs). The title is the
//! `###` heading above.

use serde::Serialize;

const README: &str = include_str!("../../README.md");

/// One example operation.
#[derive(Clone, Debug, Serialize)]
pub struct Example {
    pub title: String,
    pub query: String,
    pub variables: Option<serde_json::Value>,
    pub headers: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The examples of the README the hub was built with.
pub fn readme_examples() -> Vec<Example> {
    parse(README)
}

/// The examples of a README text. A variables block that is not valid
/// JSON is kept out (the README test reports it).
pub fn parse(markdown: &str) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    let mut heading = String::new();
    let mut lines = markdown.lines().peekable();
    // Whether the last thing seen, blank lines aside, closed a graphql block.
    let mut after_graphql = false;
    while let Some(line) = lines.next() {
        if let Some(title) = line.strip_prefix("### ") {
            heading = title.trim().to_string();
        }
        let Some(language) = line.trim_start().strip_prefix("```") else {
            after_graphql &= line.trim().is_empty();
            continue;
        };
        let mut body = String::new();
        for inner in lines.by_ref() {
            if inner.trim_start().starts_with("```") {
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        match language.trim() {
            "graphql" => {
                examples.push(Example {
                    title: heading.clone(),
                    query: body,
                    variables: None,
                    headers: None,
                });
                after_graphql = true;
                continue;
            }
            "json" if after_graphql => {
                if let Some(last) = examples.last_mut() {
                    last.variables = serde_json::from_str(&body).ok();
                }
                after_graphql = true;
                continue;
            }
            "json headers" if after_graphql => {
                if let Some(last) = examples.last_mut() {
                    last.headers = serde_json::from_str(&body).ok();
                }
            }
            _ => {}
        }
        after_graphql = false;
    }
    examples
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_headings_and_variables_are_read() {
        let text = "### One\n\n```graphql\n{ a }\n```\n\n```json\n{\"x\": 1}\n```\n```json headers\n{\"Authorization\": \"Bearer t\"}\n```\n\ntext\n\n```json\n{\"y\": 2}\n```\n### Two\n```graphql\nquery B { b }\n```\nprose\n```json\n{}\n```\n";
        let examples = parse(text);
        assert_eq!(examples.len(), 2);
        assert_eq!(examples[0].title, "One");
        assert_eq!(examples[0].query, "{ a }\n");
        assert_eq!(examples[0].variables, Some(serde_json::json!({"x": 1})));
        assert_eq!(
            examples[0]
                .headers
                .as_ref()
                .and_then(|h| h.get("Authorization")),
            Some(&serde_json::json!("Bearer t"))
        );
        assert_eq!(examples[1].title, "Two");
        assert_eq!(examples[1].variables, None, "prose between: not variables");
    }

    #[test]
    fn the_readme_has_examples() {
        assert!(readme_examples().len() >= 4);
    }
}
