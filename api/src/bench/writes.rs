//! Concurrent writers: how many demand postings per second the hub stores
//! through GraphQL over HTTP when several clients post at once, against one
//! client posting alone in the same run (the baseline), on SQLite and on
//! PostgreSQL. Every write must succeed: refusals and errors are counted
//! and printed.

use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{json, Value};

use super::performance::{ms, Latency};
use crate::{config::Settings, startup::Application};

/// What to measure.
#[derive(Clone, Debug)]
pub struct Options {
    /// Concurrent clients of the concurrent run.
    pub writers: usize,
    /// Postings each client writes.
    pub per_writer: usize,
    /// Also measure on this PostgreSQL database (it should be empty).
    pub postgres_url: Option<String>,
}

const CREATE: &str = r#"mutation($input: CreateDemandPostingInput!) {
  createDemandPosting(input: $input) { demandPosting { id } userErrors { code } }
}"#;

/// Figures of one run.
struct Run {
    writes: usize,
    failed: usize,
    elapsed: Duration,
    latency: Latency,
}

impl Run {
    fn per_second(&self) -> f64 {
        (self.writes - self.failed) as f64 / self.elapsed.as_secs_f64()
    }
}

pub async fn run(options: &Options) -> anyhow::Result<()> {
    println!(
        "concurrent writes: createDemandPosting over HTTP, {} writers x {} postings vs 1 writer x {} postings",
        options.writers,
        options.per_writer,
        options.writers * options.per_writer
    );
    println!(
        "  database    writers  writes  failed  writes/s   p50 ms   p99 ms   ratio to 1 writer"
    );
    let sqlite_dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let sqlite_url = format!(
        "sqlite://{}?mode=rwc",
        sqlite_dir.path().join("hub.db").display()
    );
    // Each hub keeps running (and indexing) until the process ends, so its
    // data directory is kept until then.
    let _sqlite = measure("SQLite", &sqlite_url, options).await?;
    if let Some(url) = &options.postgres_url {
        let _postgres = measure("PostgreSQL", url, options).await?;
    }
    Ok(())
}

async fn measure(
    label: &str,
    database_url: &str,
    options: &Options,
) -> anyhow::Result<tempfile::TempDir> {
    let data_dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let settings = Settings {
        addr: "127.0.0.1:0".parse()?,
        data_dir: data_dir.path().to_path_buf(),
        database_url: Some(database_url.to_string()),
        load_demo: true,
        // Measured here are the writes, not the per-client rate limit.
        rate_limit_per_address: 0,
        rate_limit_per_token: 0,
        ..Default::default()
    };
    let application = Application::build(settings).await?;
    let address = format!("http://127.0.0.1:{}/graphql", application.port());
    let server = tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::new();
    let association = association_id(&client, &address).await?;
    let total = options.writers * options.per_writer;
    let serial = write_postings(&client, &address, &association, 1, total, "单写").await;
    let concurrent = write_postings(
        &client,
        &address,
        &association,
        options.writers,
        options.per_writer,
        "并发",
    )
    .await;
    for (writers, run) in [(1, &serial), (options.writers, &concurrent)] {
        println!(
            "  {label:<11} {writers:>7}  {:>6}  {:>6}  {:>8.0}  {:>7.2}  {:>7.2}   {:.2}x",
            run.writes,
            run.failed,
            run.per_second(),
            ms(run.latency.p50),
            ms(run.latency.p99),
            run.per_second() / serial.per_second()
        );
    }
    server.abort();
    Ok(data_dir)
}

async fn association_id(client: &reqwest::Client, address: &str) -> anyhow::Result<String> {
    let response: Value = client
        .post(address)
        .json(&json!({ "query": "{ industryAssociations(first: 1) { edges { node { id } } } }" }))
        .send()
        .await?
        .json()
        .await?;
    response["data"]["industryAssociations"]["edges"][0]["node"]["id"]
        .as_str()
        .map(str::to_string)
        .context("the demo has no industry association")
}

async fn write_postings(
    client: &reqwest::Client,
    address: &str,
    association: &str,
    writers: usize,
    per_writer: usize,
    label: &str,
) -> Run {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for writer in 0..writers {
        let client = client.clone();
        let address = address.to_string();
        let association = association.to_string();
        let label = label.to_string();
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::with_capacity(per_writer);
            let mut failed = 0;
            for number in 0..per_writer {
                let input = json!({
                    "associationId": association,
                    "title": format!("{label}写入测试 {writer}-{number}"),
                    "description": "基准测试：多个客户端同时发布人才需求",
                    "headcount": 2,
                    "occupationCodes": ["6-20-03-01"],
                    "publish": true,
                });
                let begun = Instant::now();
                // The demo's association token writes the demo association's postings.
                let outcome = client
                    .post(&address)
                    .bearer_auth("hub_demo_association")
                    .json(&json!({ "query": CREATE, "variables": { "input": input } }))
                    .send()
                    .await;
                let stored = match outcome {
                    Ok(response) => response.json::<Value>().await.is_ok_and(|body| {
                        body.get("errors").is_none()
                            && body["data"]["createDemandPosting"]["demandPosting"]["id"]
                                .is_string()
                    }),
                    Err(_) => false,
                };
                samples.push(begun.elapsed());
                if !stored {
                    failed += 1;
                }
            }
            (samples, failed)
        }));
    }
    let mut samples = Vec::new();
    let mut failed = 0;
    for task in tasks {
        if let Ok((mut times, failures)) = task.await {
            samples.append(&mut times);
            failed += failures;
        } else {
            failed += per_writer;
        }
    }
    Run {
        writes: writers * per_writer,
        failed,
        elapsed: start.elapsed(),
        latency: Latency::of(samples),
    }
}
