use serde_json::json;

use crate::helpers::spawn_app_configured;

const PAGE_WITH_RELATIONS: &str = r#"query($first: Int!) {
  demandPostings(first: $first) {
    edges { node {
      title
      association { name region { name } }
      enterprise { name region { name } }
      region { name parent { name } }
      occupations { code name }
      certificates { name catalogueEntries { code } occupations { code } }
    } }
  }
}"#;

/// A page of postings with their association, enterprise, region,
/// occupations and certificates costs a number of SQL statements bounded by
/// the shape of the query, not by the page size: relations load through
/// DataLoaders. (Which relations of one depth share a batch depends on
/// timing, so the exact count may vary by a statement or two; an N+1 would
/// cost over a hundred.)
#[tokio::test]
async fn a_page_of_postings_with_relations_takes_a_constant_number_of_queries() {
    // The background suggester and the indexer's polling read the same
    // pool; the suggester is off and the indexer polls once an hour here
    // (writes still wake it), so that only the query's statements are
    // counted however slow the machine is.
    let app = spawn_app_configured(|settings| {
        settings.suggest_occupations = false;
        settings.index_poll = std::time::Duration::from_secs(3600);
    })
    .await;
    let association = app.id_of("industryAssociations", "").await;
    let enterprise = app.id_of("enterprises", "").await;
    let certificate = app.id_of("certificates", "").await;
    let regions = ["220202", "220203", "220204", "220211", "220272"];
    let mut region_ids = Vec::new();
    for code in regions {
        region_ids.push(app.region_id(code).await);
    }
    let create = "mutation($input: CreateDemandPostingInput!) { createDemandPosting(input: $input) { userErrors { code } } }";
    for i in 0..100 {
        let response = app
            .data(
                create,
                json!({ "input": {
                    "associationId": association, "enterpriseId": enterprise, "regionId": region_ids[i % region_ids.len()],
                    "title": format!("批量需求 {i}"), "occupationCodes": ["6-31-07-03", "6-31-01-03"], "certificateIds": [certificate],
                    "publish": true
                } }),
            )
            .await;
        assert_eq!(response["createDemandPosting"]["userErrors"], json!([]));
    }

    // The indexer reads the new postings on the same connection pool; let
    // it finish so that only the query is counted.
    app.wait_until_indexed().await;
    let mut costs = Vec::new();
    for first in [10, 100] {
        let before = app.statements.get();
        let data = app
            .data(PAGE_WITH_RELATIONS, json!({ "first": first }))
            .await;
        let cost = app.statements.get() - before;
        let edges = data["demandPostings"]["edges"]
            .as_array()
            .map(Vec::len)
            .unwrap_or_default();
        assert_eq!(edges, first);
        assert_eq!(
            data["demandPostings"]["edges"][first - 1]["node"]["occupations"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
        costs.push(cost);
    }
    // 2 for the page (count and rows) + one batch per relation in the
    // query: association, its region, enterprise, its region, region, its
    // parent, occupations (links, rows), certificates (links, rows), their
    // catalogue entries (links, rows) and occupations (links, rows) = 15.
    // A DataLoader may split a relation's keys into several batches when
    // the machine is busy (the whole suite on PostgreSQL has measured 33
    // and 34), hence up to three per relation; an N+1 would cost over 100.
    const BOUND: u64 = 2 + 3 * 15;
    for (first, cost) in [10, 100].iter().zip(&costs) {
        assert!(
            *cost <= BOUND,
            "{first} postings took {cost} statements, more than the bound of {BOUND}: {costs:?}"
        );
    }
}

const REWARDS_WITH_RELATIONS: &str = r#"query($first: Int!) {
  competitionRewards(first: $first) {
    edges { node {
      amount
      steps { status }
      person { name college { name } rewards { amount } }
      award { prize winners { participation person { name } } contest { event awards { prize } } }
    } }
  }
}"#;

/// The same for a page of competition rewards: their approval steps,
/// people, people's other rewards, awards, winners and contests load in
/// batches, so the cost follows the query's shape, not the page size.
#[tokio::test]
async fn a_page_of_rewards_with_relations_takes_a_constant_number_of_queries() {
    let app = spawn_app_configured(|settings| {
        settings.suggest_occupations = false;
        settings.index_poll = std::time::Duration::from_secs(3600);
    })
    .await;
    let college = app.id_of("colleges", "").await;
    let mut people = Vec::new();
    for i in 0..40 {
        people.push(
            app.create(
                "createContestPerson",
                "person",
                json!({ "name": format!("批量学生{i}"), "collegeId": college, "identity": format!("BATCH-{i}") }),
            )
            .await,
        );
    }
    // Four events, ten winners each: forty rewards on four awards.
    for (n, group) in people.chunks(10).enumerate() {
        let contest = app
            .create(
                "createContest",
                "contest",
                json!({ "name": "吉林市职业院校技能大赛", "event": format!("批量赛项{n}"), "year": 2026, "level": "CITY", "organiser": "VOCATIONAL_COLLEGE_CONTEST" }),
            )
            .await;
        let winners: Vec<_> = group
            .iter()
            .map(|person| json!({ "personId": person, "participation": "STUDENT" }))
            .collect();
        let data = app
            .data(
                "mutation($input: RecordContestAwardInput!) { recordContestAward(input: $input) { userErrors { message } } }",
                json!({ "input": { "contestId": contest, "prize": "SECOND", "awardedOn": "2026-05-01", "winners": winners } }),
            )
            .await;
        assert_eq!(data["recordContestAward"]["userErrors"], json!([]));
    }
    app.wait_until_indexed().await;
    let mut costs = Vec::new();
    for first in [5, 40] {
        let before = app.statements.get();
        let data = app
            .data(REWARDS_WITH_RELATIONS, json!({ "first": first }))
            .await;
        costs.push(app.statements.get() - before);
        let edges = data["competitionRewards"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(edges.len(), first);
        assert!(edges.iter().all(|edge| edge["node"]["steps"]
            .as_array()
            .is_some_and(|s| !s.is_empty())));
    }
    // The token, 2 for the page, and one batch per relation: steps,
    // person, college, person's rewards, award, winners, winners' people,
    // contest, contest's awards = 9; up to three batches each on a busy
    // machine. One query per reward would cost over 100 for 40 rewards.
    const BOUND: u64 = 3 + 3 * 9;
    for (first, cost) in [5, 40].iter().zip(&costs) {
        assert!(
            *cost <= BOUND,
            "{first} rewards took {cost} statements, more than the bound of {BOUND}: {costs:?}"
        );
    }
}
