use std::collections::HashSet;

use serde_json::{json, Value};

use crate::helpers::{error_code, spawn_app};

const PAGE: &str = r#"query($first: Int, $after: String, $last: Int, $before: String) {
  demandPostings(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id title } }
  }
}"#;

fn titles(page: &Value) -> Vec<String> {
    page["demandPostings"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| e["node"]["title"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn paging_forward_and_backward_visits_every_published_posting_once() {
    let app = spawn_app().await;
    let all = app.data(PAGE, json!({ "first": 100 })).await;
    let everything = titles(&all);
    assert_eq!(everything.len(), 11, "the demo has 11 published postings");
    assert_eq!(all["demandPostings"]["totalCount"], 11);

    let mut forward = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = app.data(PAGE, json!({ "first": 4, "after": after })).await;
        forward.extend(titles(&page));
        let info = &page["demandPostings"]["pageInfo"];
        assert_eq!(info["hasPreviousPage"], json!(after.is_some()));
        if info["hasNextPage"] == json!(false) {
            break;
        }
        after = info["endCursor"].as_str().map(str::to_string);
    }
    assert_eq!(forward, everything);

    let mut backward = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let page = app.data(PAGE, json!({ "last": 4, "before": before })).await;
        let mut chunk = titles(&page);
        chunk.extend(backward);
        backward = chunk;
        let info = &page["demandPostings"]["pageInfo"];
        if info["hasPreviousPage"] == json!(false) {
            break;
        }
        before = info["startCursor"].as_str().map(str::to_string);
    }
    assert_eq!(backward, everything);
}

#[tokio::test]
async fn keyset_cursors_stay_correct_while_postings_are_inserted() {
    let app = spawn_app().await;
    let first_page = app.data(PAGE, json!({ "first": 5 })).await;
    let seen: Vec<String> = titles(&first_page);
    let cursor = first_page["demandPostings"]["pageInfo"]["endCursor"].clone();

    let association = app.id_of("industryAssociations", "").await;
    for title in ["新插入的需求一", "新插入的需求二"] {
        let response = app
            .data(
                "mutation($input: CreateDemandPostingInput!) { createDemandPosting(input: $input) { userErrors { code } } }",
                json!({ "input": { "associationId": association, "title": title, "publish": true } }),
            )
            .await;
        assert_eq!(response["createDemandPosting"]["userErrors"], json!([]));
    }

    let rest = app
        .data(PAGE, json!({ "first": 100, "after": cursor }))
        .await;
    let rest_titles = titles(&rest);
    assert_eq!(
        seen.len() + rest_titles.len(),
        11,
        "no posting is skipped or repeated"
    );
    let unique: HashSet<&String> = seen.iter().chain(rest_titles.iter()).collect();
    assert_eq!(unique.len(), 11);
    assert!(
        !rest_titles.iter().any(|t| t.starts_with("新插入")),
        "newer rows land before the cursor"
    );
    assert_eq!(
        rest["demandPostings"]["totalCount"], 13,
        "totalCount counts every match"
    );
}

#[tokio::test]
async fn page_sizes_above_one_hundred_are_refused_with_a_clear_error() {
    let app = spawn_app().await;
    let response = app.graphql(PAGE, json!({ "first": 101 })).await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
    assert_eq!(
        response["errors"][0]["message"],
        "`first` must be between 0 and 100, got 101"
    );
    assert_eq!(response["data"], Value::Null);
}

#[tokio::test]
async fn first_with_last_and_foreign_cursors_are_refused() {
    let app = spawn_app().await;
    let both = app.graphql(PAGE, json!({ "first": 2, "last": 2 })).await;
    assert_eq!(error_code(&both), "BAD_USER_INPUT");
    assert_eq!(
        both["errors"][0]["message"],
        "`first` and `last` cannot be used together"
    );

    let garbage = app
        .graphql(PAGE, json!({ "first": 2, "after": "not-a-cursor" }))
        .await;
    assert_eq!(error_code(&garbage), "BAD_USER_INPUT");

    let regions = app
        .data(
            "{ regions(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let foreign = app
        .graphql(
            PAGE,
            json!({ "first": 2, "after": regions["regions"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(error_code(&foreign), "BAD_USER_INPUT");
    assert!(foreign["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("another ordering"));
}

#[tokio::test]
async fn postings_filter_by_region_occupation_salary_status_and_association() {
    let app = spawn_app().await;
    let high_tech_zone = app.region_id("220272").await;
    let query = r#"query($filter: DemandPostingFilter) {
      demandPostings(first: 100, filter: $filter, orderBy: { field: TITLE, direction: ASC }) { totalCount edges { node { title } } }
    }"#;
    let by_region = app
        .data(
            query,
            json!({ "filter": { "regionIds": [high_tech_zone] } }),
        )
        .await;
    assert_eq!(
        titles(&by_region),
        vec![
            "冰雪大数据分析工程师",
            "工业机器人系统操作员",
            "工业机器人运维工程师"
        ]
    );

    let by_group = app
        .data(query, json!({ "filter": { "occupationCode": "6-31-07" } }))
        .await;
    assert_eq!(
        titles(&by_group),
        vec!["工业机器人系统操作员", "工业机器人运维工程师"]
    );

    let by_salary = app
        .data(
            query,
            json!({ "filter": { "salaryMin": 9500, "salaryMax": 20000 } }),
        )
        .await;
    assert_eq!(
        titles(&by_salary),
        vec![
            "冰雪大数据分析工程师",
            "工业机器人运维工程师",
            "新能源汽车维修技师"
        ]
    );

    let drafts = app
        .data(query, json!({ "filter": { "statuses": ["DRAFT"] } }))
        .await;
    assert_eq!(titles(&drafts), vec!["电商直播运营助理"]);

    let levels = app
        .data(
            query,
            json!({ "filter": { "educationLevels": ["BACHELOR"] } }),
        )
        .await;
    assert_eq!(titles(&levels), vec!["冰雪大数据分析工程师"]);

    let valid = app
        .data(query, json!({ "filter": { "validOn": "2027-07-15" } }))
        .await;
    assert_eq!(titles(&valid), vec!["养老护理员"]);

    let reversed = app
        .graphql(
            query,
            json!({ "filter": { "salaryMin": 9000, "salaryMax": 1000 } }),
        )
        .await;
    assert_eq!(error_code(&reversed), "BAD_USER_INPUT");

    let bad_id = app
        .graphql(query, json!({ "filter": { "regionIds": ["nonsense"] } }))
        .await;
    assert_eq!(error_code(&bad_id), "BAD_USER_INPUT");
}

#[tokio::test]
async fn reference_data_filters_by_level_class_prefix_and_links() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
              automation: catalogueEntries(first: 10, filter: { classCode: "4603", itemLevel: MAJOR }) { totalCount edges { node { code name className categoryName } } }
              robots: occupations(first: 10, filter: { codePrefix: "6-31-07" }) { edges { node { code name isDigital minorName } } }
              certificates(first: 10, filter: { catalogueCode: "460305" }) { edges { node { name issuer levels } } }
              programs(first: 20, filter: { classCode: "4603" }) { totalCount edges { node { name catalogueEntry { code } } } }
              unmatched: programs(first: 20, filter: { matchedToCatalogue: false }) { edges { node { name } } }
              certificateCourses: trainingCourses(first: 10, filter: { kinds: [CERTIFICATE_TRAINING] }) { totalCount }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["automation"]["totalCount"], 11);
    assert_eq!(
        data["automation"]["edges"][0]["node"],
        json!({ "code": "460301", "name": "机电一体化技术", "className": "自动化类", "categoryName": "装备制造大类" })
    );
    assert_eq!(
        data["robots"]["edges"],
        json!([
            { "node": { "code": "6-31-07-01", "name": "工业机器人系统运维员", "isDigital": true, "minorName": "工业机器人操作运维人员" } },
            { "node": { "code": "6-31-07-02", "name": "工业视觉系统运维员", "isDigital": true, "minorName": "工业机器人操作运维人员" } },
            { "node": { "code": "6-31-07-03", "name": "工业机器人系统操作员", "isDigital": true, "minorName": "工业机器人操作运维人员" } }
        ])
    );
    assert_eq!(
        data["certificates"]["edges"],
        json!([{ "node": { "name": "工业机器人操作与运维", "issuer": "北京新奥时代科技有限责任公司", "levels": ["初级", "中级", "高级"] } }])
    );
    assert_eq!(data["programs"]["totalCount"], 2);
    assert_eq!(
        data["unmatched"]["edges"],
        json!([{ "node": { "name": "汽车维修（校企合作班）" } }])
    );
    assert_eq!(data["certificateCourses"]["totalCount"], 2);
}

#[tokio::test]
async fn the_total_is_counted_only_when_the_query_selects_it() {
    // Anonymous: a token would add its own lookup.
    let app = spawn_app().await.as_caller(None);
    let mut costs = Vec::new();
    for query in [
        "{ demandPostings(first: 5) { edges { node { id } } } }",
        "{ demandPostings(first: 5) { totalCount edges { node { id } } } }",
    ] {
        // The fewest of a few runs: the indexer's poll of the change log
        // may run meanwhile and be counted too.
        let mut fewest = u64::MAX;
        for _ in 0..5 {
            let before = app.statements.get();
            let data = app.data(query, json!({})).await;
            fewest = fewest.min(app.statements.get() - before);
            assert_eq!(
                data["demandPostings"]["edges"].as_array().map(Vec::len),
                Some(5)
            );
        }
        costs.push(fewest);
    }
    assert_eq!(
        costs,
        vec![1, 2],
        "the count query runs only for totalCount"
    );
}
