//! `GET /metrics` in the Prometheus text format: GraphQL requests and
//! their latencies by operation, errors by code, rate-limit refusals,
//! the search index's lag and the database pool.

use std::{collections::BTreeMap, fmt::Write as _, sync::Mutex, time::Duration};

/// Upper bounds (seconds) of the latency histogram's buckets.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Distinct operation names kept; others are counted as `other`.
const MAX_OPERATIONS: usize = 200;

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Counters {
    requests: BTreeMap<(String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    errors: BTreeMap<String, u64>,
    rate_limited: BTreeMap<&'static str, u64>,
}

/// The hub's counters, shared by every request.
#[derive(Default)]
pub struct Metrics {
    counters: Mutex<Counters>,
}

/// An operation name safe as a label value: letters, digits and `_`.
fn label(operation: Option<&str>) -> String {
    match operation {
        Some(name) if !name.is_empty() => name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(64)
            .collect(),
        _ => "anonymous".to_string(),
    }
}

impl Metrics {
    /// Counts one GraphQL request: its operation, status, duration and
    /// the codes of its errors.
    pub fn record(&self, operation: Option<&str>, status: u16, took: Duration, codes: &[String]) {
        let Ok(mut counters) = self.counters.lock() else {
            return;
        };
        let mut operation = label(operation);
        if !counters.latency.contains_key(&operation) && counters.latency.len() >= MAX_OPERATIONS {
            operation = "other".to_string();
        }
        *counters
            .requests
            .entry((operation.clone(), status))
            .or_default() += 1;
        let seconds = took.as_secs_f64();
        let histogram = counters.latency.entry(operation).or_default();
        for (bound, count) in BUCKETS.iter().zip(histogram.counts.iter_mut()) {
            if seconds <= *bound {
                *count += 1;
            }
        }
        histogram.count += 1;
        histogram.sum += seconds;
        for code in codes {
            *counters.errors.entry(code.clone()).or_default() += 1;
        }
    }

    /// Counts a request refused by a rate limit (`address` or `token`).
    pub fn rate_limited(&self, limit: &'static str) {
        if let Ok(mut counters) = self.counters.lock() {
            *counters.rate_limited.entry(limit).or_default() += 1;
        }
    }

    /// The text exposition, with the gauges measured by the caller.
    pub fn render(&self, gauges: &[(&str, &str, f64)]) -> String {
        let mut out = String::new();
        let Ok(counters) = self.counters.lock() else {
            return out;
        };
        let _ = writeln!(
            out,
            "# HELP hub_graphql_requests_total GraphQL requests by operation and HTTP status."
        );
        let _ = writeln!(out, "# TYPE hub_graphql_requests_total counter");
        for ((operation, status), count) in &counters.requests {
            let _ = writeln!(
                out,
                "hub_graphql_requests_total{{operation=\"{operation}\",status=\"{status}\"}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP hub_graphql_request_duration_seconds Time to answer a GraphQL request."
        );
        let _ = writeln!(out, "# TYPE hub_graphql_request_duration_seconds histogram");
        for (operation, histogram) in &counters.latency {
            for (bound, count) in BUCKETS.iter().zip(histogram.counts.iter()) {
                let _ = writeln!(
                    out,
                    "hub_graphql_request_duration_seconds_bucket{{operation=\"{operation}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "hub_graphql_request_duration_seconds_bucket{{operation=\"{operation}\",le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(
                out,
                "hub_graphql_request_duration_seconds_sum{{operation=\"{operation}\"}} {}",
                histogram.sum
            );
            let _ = writeln!(
                out,
                "hub_graphql_request_duration_seconds_count{{operation=\"{operation}\"}} {}",
                histogram.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP hub_graphql_errors_total GraphQL errors by extensions.code."
        );
        let _ = writeln!(out, "# TYPE hub_graphql_errors_total counter");
        for (code, count) in &counters.errors {
            let _ = writeln!(out, "hub_graphql_errors_total{{code=\"{code}\"}} {count}");
        }
        let _ = writeln!(
            out,
            "# HELP hub_rate_limited_total Requests refused by a rate limit (429)."
        );
        let _ = writeln!(out, "# TYPE hub_rate_limited_total counter");
        for limit in ["address", "token"] {
            let count = counters.rate_limited.get(limit).copied().unwrap_or(0);
            let _ = writeln!(out, "hub_rate_limited_total{{limit=\"{limit}\"}} {count}");
        }
        for (name, help, value) in gauges {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} gauge");
            let _ = writeln!(out, "{name} {value}");
        }
        out
    }
}
