//! A load run from a second process: `hub-bench load` starts the `hub`
//! binary (demo data, its own data directory) and drives it over loopback
//! with several clients and the demo's tokens: pages of postings,
//! searches, postings written by the association, program changes by the
//! college, offers by the enterprise, and writes the policy must refuse.
//! It stops by itself, then checks that every acknowledged posting exists
//! exactly once and that nothing but the expected refusals failed. Last,
//! it sends abusive requests (a 50-level deep query, 1,000 aliases, one
//! field 500 times, a batch of 500, a 5 MB body, malformed JSON) while a
//! normal client keeps querying, and prints how fast each is refused and
//! how the normal client fares meanwhile.

use std::{
    collections::{BTreeMap, HashSet},
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use serde_json::{json, Value};

use super::performance::{ms, Latency};

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Concurrent clients.
    pub clients: usize,
    /// Requests each client sends.
    pub requests: usize,
}

/// What the clients search for.
const QUERIES: [&str; 5] = ["数控车工", "护理", "工业机器人 运维", "物流", "化工"];

/// What one request did.
enum Kind {
    Page,
    Search,
    CreatePosting,
    UpdateProgram,
    CreateOffer,
    /// A write of another association's data: must be FORBIDDEN.
    Refused,
}

impl Kind {
    fn of(i: usize) -> Kind {
        match i % 10 {
            0 | 5 => Kind::Page,
            1 | 6 | 8 => Kind::Search,
            2 | 7 => Kind::CreatePosting,
            3 => Kind::UpdateProgram,
            4 => Kind::CreateOffer,
            _ => Kind::Refused,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Kind::Page => "page of postings",
            Kind::Search => "search",
            Kind::CreatePosting => "create posting",
            Kind::UpdateProgram => "update program",
            Kind::CreateOffer => "create offer",
            Kind::Refused => "refused write",
        }
    }
}

#[derive(Default)]
struct Tally {
    samples: BTreeMap<&'static str, Vec<Duration>>,
    unexpected: Vec<String>,
    refused: usize,
    created: Vec<String>,
}

struct Target {
    url: String,
    own_association: String,
    other_association: String,
    program: String,
    enterprise: String,
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> anyhow::Result<Value> {
    let mut request = client
        .post(url)
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    Ok(request.send().await?.json().await?)
}

async fn client_run(
    client: reqwest::Client,
    target: std::sync::Arc<Target>,
    n: usize,
    requests: usize,
) -> Tally {
    let mut tally = Tally::default();
    for i in 0..requests {
        let kind = Kind::of(i + n);
        let (token, query, variables) = match kind {
            Kind::Page => (
                None,
                "{ demandPostings(first: 20) { totalCount edges { node { id title association { name } occupations { code } } } } }",
                json!({}),
            ),
            Kind::Search => (
                None,
                "query($q: String!) { search(query: $q, first: 10) { edges { node { score } } } }",
                json!({ "q": QUERIES[i % QUERIES.len()] }),
            ),
            Kind::CreatePosting => (
                Some("hub_demo_association"),
                "mutation($a: ID!, $t: String!) { createDemandPosting(input: { associationId: $a, title: $t, publish: true, occupationCodes: [\"6-18-01-01\"] }) { demandPosting { id } userErrors { code } } }",
                json!({ "a": target.own_association, "t": format!("负载测试岗位 {n}-{i}") }),
            ),
            Kind::UpdateProgram => (
                Some("hub_demo_college"),
                "mutation($id: ID!, $d: String!) { updateProgram(input: { id: $id, description: $d }) { program { id } userErrors { code } } }",
                json!({ "id": target.program, "d": format!("负载测试 {n}-{i}") }),
            ),
            Kind::CreateOffer => (
                Some("hub_demo_enterprise"),
                "mutation($e: ID!, $t: String!) { createApprenticeshipOffer(input: { enterpriseId: $e, title: $t, places: 2, durationMonths: 12, cooperationStart: \"2027-01-01\", cooperationEnd: \"2028-01-01\" }) { apprenticeshipOffer { id } userErrors { code } } }",
                json!({ "e": target.enterprise, "t": format!("负载测试学徒 {n}-{i}") }),
            ),
            Kind::Refused => (
                Some("hub_demo_association"),
                "mutation($a: ID!) { createDemandPosting(input: { associationId: $a, title: \"越权\" }) { demandPosting { id } } }",
                json!({ "a": target.other_association }),
            ),
        };
        let started = Instant::now();
        let outcome = post(&client, &target.url, token, query, variables).await;
        let took = started.elapsed();
        tally.samples.entry(kind.name()).or_default().push(took);
        let response = match outcome {
            Ok(response) => response,
            Err(error) => {
                tally.unexpected.push(format!("{}: {error}", kind.name()));
                continue;
            }
        };
        let code = response["errors"][0]["extensions"]["code"].as_str();
        match (&kind, code) {
            (Kind::Refused, Some("FORBIDDEN")) => tally.refused += 1,
            (Kind::Refused, _) => tally.unexpected.push(format!("not refused: {response}")),
            (_, Some(code)) => tally
                .unexpected
                .push(format!("{}: {code}: {response}", kind.name())),
            (Kind::CreatePosting, None) => {
                match response["data"]["createDemandPosting"]["demandPosting"]["id"].as_str() {
                    Some(id) => tally.created.push(id.to_string()),
                    None => tally.unexpected.push(format!("create posting: {response}")),
                }
            }
            (_, None) => {}
        }
    }
    tally
}

/// How many published postings the association has.
async fn posting_count(
    client: &reqwest::Client,
    url: &str,
    association: &str,
) -> anyhow::Result<u64> {
    let response = post(
        client,
        url,
        None,
        "query($a: ID!) { demandPostings(filter: { associationId: $a }) { totalCount } }",
        json!({ "a": association }),
    )
    .await?;
    Ok(response["data"]["demandPostings"]["totalCount"]
        .as_u64()
        .unwrap_or_default())
}

/// Starts the hub binary next to this one on a free port.
async fn start_hub(data_dir: &std::path::Path) -> anyhow::Result<(tokio::process::Child, String)> {
    let binary = std::env::current_exe()?.with_file_name("hub");
    if !binary.exists() {
        bail!(
            "{} is missing: build it with `cargo build --release --bin hub`",
            binary.display()
        );
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = tokio::process::Command::new(&binary)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data_dir)
        // The load comes from one address with a few tokens; the limits
        // are measured elsewhere.
        .args([
            "--rate-limit-per-address",
            "0",
            "--rate-limit-per-token",
            "0",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok((child, base));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the hub did not become healthy within a minute")
}

pub async fn run(options: &Options) -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let (mut hub, base) = start_hub(data_dir.path()).await?;
    let url = format!("{base}/graphql");
    let client = reqwest::Client::new();
    let lookup = post(
        &client,
        &url,
        None,
        "{ own: industryAssociations(filter: { sectorContains: \"装备制造\" }) { edges { node { id } } } other: industryAssociations(filter: { sectorContains: \"化工\" }) { edges { node { id } } } }",
        json!({}),
    )
    .await?;
    let own_association = lookup["data"]["own"]["edges"][0]["node"]["id"]
        .as_str()
        .context("the demo association")?
        .to_string();
    let other_association = lookup["data"]["other"]["edges"][0]["node"]["id"]
        .as_str()
        .context("another association")?
        .to_string();
    let viewer = post(
        &client,
        &url,
        Some("hub_demo_college"),
        "{ viewer { college { programs(first: 1) { edges { node { id } } } } } }",
        json!({}),
    )
    .await?;
    let program = viewer["data"]["viewer"]["college"]["programs"]["edges"][0]["node"]["id"]
        .as_str()
        .context("the demo college's program")?
        .to_string();
    let viewer = post(
        &client,
        &url,
        Some("hub_demo_enterprise"),
        "{ viewer { enterprise { id } } }",
        json!({}),
    )
    .await?;
    let enterprise = viewer["data"]["viewer"]["enterprise"]["id"]
        .as_str()
        .context("the demo enterprise")?
        .to_string();
    let before = posting_count(&client, &url, &own_association).await?;
    let target = std::sync::Arc::new(Target {
        url: url.clone(),
        own_association: own_association.clone(),
        other_association,
        program,
        enterprise,
    });

    println!(
        "load run: {} clients x {} requests over loopback against a separate hub process (demo data, demo tokens)",
        options.clients, options.requests
    );
    let started = Instant::now();
    let runs: Vec<_> = (0..options.clients)
        .map(|n| {
            tokio::spawn(client_run(
                client.clone(),
                target.clone(),
                n,
                options.requests,
            ))
        })
        .collect();
    let mut total = Tally::default();
    for run in runs {
        let tally = run.await?;
        for (kind, samples) in tally.samples {
            total.samples.entry(kind).or_default().extend(samples);
        }
        total.unexpected.extend(tally.unexpected);
        total.refused += tally.refused;
        total.created.extend(tally.created);
    }
    let elapsed = started.elapsed();

    let after = posting_count(&client, &url, &own_association).await?;
    let unique: HashSet<&String> = total.created.iter().collect();
    let requests: usize = total.samples.values().map(Vec::len).sum();
    println!("  kind               requests   p50 ms   p99 ms");
    for (kind, samples) in &total.samples {
        let latency = Latency::of(samples.clone());
        println!(
            "  {kind:<18} {:>8} {:>8.1} {:>8.1}",
            samples.len(),
            ms(latency.p50),
            ms(latency.p99)
        );
    }
    println!(
        "  {requests} requests in {:.1} s = {:.0} requests/s; {} expected refusals (FORBIDDEN), {} unexpected errors",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        total.refused,
        total.unexpected.len()
    );
    println!(
        "  postings acknowledged {}, distinct {}, stored {} (before {before}, after {after})",
        total.created.len(),
        unique.len(),
        after - before
    );
    for problem in total.unexpected.iter().take(5) {
        println!("  unexpected: {problem}");
    }
    abuse(&client, &url).await?;
    let _ = hub.start_kill();
    let _ = hub.wait().await;
    if !total.unexpected.is_empty()
        || unique.len() != total.created.len()
        || after - before != total.created.len() as u64
    {
        bail!("the load run lost, duplicated or failed writes");
    }
    Ok(())
}

/// Abusive requests, each sent while a normal client keeps querying: how
/// fast each is refused (median of 20), and the normal client's median
/// before and during the abuse.
async fn abuse(client: &reqwest::Client, url: &str) -> anyhow::Result<()> {
    let deep = format!(
        "{{ regions(first: 1) {{ edges {{ node {{ {}name{} }} }} }} }}",
        "parent { ".repeat(50),
        " }".repeat(50)
    );
    let aliases = format!(
        "{{ {} }}",
        (0..1_000)
            .map(|i| format!("a{i}: regions(first: 1) {{ totalCount }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    // What security scanners send to see whether repeats are merged
    // unchecked.
    let repeats = format!("query cop {{ {} }}", vec!["__typename"; 500].join(" "));
    let batch = serde_json::to_vec(&Value::Array(
        (0..500)
            .map(|_| json!({ "query": "{ regions(first: 1) { totalCount } }" }))
            .collect(),
    ))?;
    let big = serde_json::to_vec(
        &json!({ "query": format!("{{ regions(first: 1) {{ totalCount }} }} #{}", "x".repeat(5 * 1024 * 1024)) }),
    )?;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "50-level deep query",
            serde_json::to_vec(&json!({ "query": deep }))?,
        ),
        (
            "1,000 aliases",
            serde_json::to_vec(&json!({ "query": aliases }))?,
        ),
        (
            "__typename 500 times",
            serde_json::to_vec(&json!({ "query": repeats }))?,
        ),
        ("batch of 500", batch),
        ("5 MB body", big),
        ("malformed JSON", b"{\"query\": \"{ regions".to_vec()),
    ];
    let normal = json!({ "query": "{ demandPostings(first: 10) { edges { node { title } } } }" });
    let sample = |client: reqwest::Client, url: String, normal: Value, rounds: usize| async move {
        let mut samples = Vec::new();
        for _ in 0..rounds {
            let started = Instant::now();
            let ok = client
                .post(&url)
                .json(&normal)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                samples.push(started.elapsed());
            }
        }
        samples
    };
    let quiet = Latency::of(sample(client.clone(), url.to_string(), normal.clone(), 50).await);
    println!("abusive requests, each refused while a normal client queries (medians of 20):");
    println!(
        "  request               status  refused in ms   normal p50 ms (quiet {:.1})",
        ms(quiet.p50)
    );
    for (name, body) in cases {
        let background = tokio::spawn(sample(client.clone(), url.to_string(), normal.clone(), 40));
        let mut took = Vec::new();
        let mut status = 0;
        for _ in 0..20 {
            let started = Instant::now();
            let response = client
                .post(url)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await;
            // The hub answers 413 after the first MiB and closes: a client
            // still sending the rest sees the connection end instead.
            status = match response {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let _ = response.bytes().await;
                    status
                }
                Err(_) => 413,
            };
            took.push(started.elapsed());
        }
        let during = Latency::of(background.await?);
        println!(
            "  {name:<21} {status:>6} {:>14.1} {:>15.1}",
            ms(Latency::of(took).p50),
            ms(during.p50)
        );
    }
    Ok(())
}
