use hub::bench::relevance::{evaluate, read_judgements};

use crate::helpers::shared_data;

/// Search quality on labelled real job titles must not regress: the
/// figures `hub-bench relevance` prints, with a margin below today's.
#[tokio::test]
async fn occupation_search_for_real_job_titles_keeps_its_quality() {
    let queries = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../search/eval/occupation_queries.tsv");
    let judgements = read_judgements(&queries).expect("the judgements");
    let evaluation = evaluate(
        &shared_data("occupations/occupations_2022.csv"),
        &judgements,
    )
    .await
    .expect("evaluation");
    for (split, mrr, recall) in [("heldout", 0.85, 0.88), ("fresh", 0.78, 0.88)] {
        let scores = evaluation.scores(Some(split));
        assert!(scores.queries >= 30, "{split}: {} queries", scores.queries);
        assert!(
            scores.mrr_at_10 >= mrr,
            "{split}: MRR@10 {:.3} < {mrr}",
            scores.mrr_at_10
        );
        assert!(
            scores.recall_at_10 >= recall,
            "{split}: recall@10 {:.3} < {recall}",
            scores.recall_at_10
        );
    }
}
