use hub::bench::relevance::{evaluate, read_all, QueryKind, Ranker};

use crate::helpers::shared_data;

/// Search quality must not regress: on the frozen `check` part of each
/// query kind the hub stays ahead of both plain BM25 baselines ranked in
/// the same run, and above a floor a little under the figures of
/// BENCHMARKS.md; and no official title whose characters occur in the
/// classification comes back empty.
#[tokio::test]
async fn occupation_search_stays_ahead_of_the_baselines_on_every_frozen_split() {
    let eval = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../search/eval");
    let data = shared_data("");
    let judgements = read_all(&eval, &data).expect("the judgements");
    let evaluation = evaluate(
        &shared_data("occupations/occupations_2022.csv"),
        &judgements,
        None,
    )
    .await
    .expect("evaluation");
    // (kind, split, least queries, MRR@10 floor, recall@10 floor); recall@10
    // counts the queries with a relevant occupation in the top 10.
    let floors = [
        (QueryKind::OfficialTitle, "check", 400, 0.73, 0.86),
        (QueryKind::EverydayTitle, "heldout", 35, 0.85, 0.95),
        (QueryKind::EverydayTitle, "fresh", 30, 0.80, 0.95),
        (QueryKind::EverydayTitle, "check", 200, 0.76, 0.87),
        (QueryKind::JobText, "check", 90, 0.47, 0.74),
        (QueryKind::FieldWord, "check", 25, 0.95, 1.0),
    ];
    for (kind, split, least, mrr, recall) in floors {
        let hub = evaluation.scores(Ranker::Hub, kind, Some(split));
        let label = format!("{} / {split}", kind.name());
        assert!(hub.queries >= least, "{label}: {} queries", hub.queries);
        assert!(
            hub.mrr_at_10 >= mrr,
            "{label}: MRR@10 {:.3} < {mrr}",
            hub.mrr_at_10
        );
        assert!(
            hub.recall_at_10 >= recall,
            "{label}: recall@10 {:.3} < {recall}",
            hub.recall_at_10
        );
        for baseline in [Ranker::BigramBm25, Ranker::JiebaBm25] {
            let other = evaluation.scores(baseline, kind, Some(split));
            // Every ranker finds a relevant occupation for every field
            // word: there, being ahead on recall means keeping it.
            let recall_ahead = hub.recall_at_10 > other.recall_at_10 || hub.recall_at_10 >= 1.0;
            assert!(
                hub.mrr_at_10 > other.mrr_at_10
                    && recall_ahead
                    && hub.judged_at_10 > other.judged_at_10,
                "{label}: the hub ({:.3} / {:.3} / {:.3}) is not ahead of {} ({:.3} / {:.3} / {:.3})",
                hub.mrr_at_10,
                hub.recall_at_10,
                hub.judged_at_10,
                baseline.name(),
                other.mrr_at_10,
                other.recall_at_10,
                other.judged_at_10
            );
        }
    }
    let empty = evaluation.scores(Ranker::Hub, QueryKind::OfficialTitle, None);
    assert_eq!(empty.empty, 0, "official titles with no hit");
}
