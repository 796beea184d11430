use std::collections::HashSet;

use serde_json::{json, Value};

use crate::helpers::{error_code, spawn_app, spawn_peer, TestApp};

const SEARCH: &str = r#"query($query: String!, $kinds: [SearchKind!], $filter: SearchFilter, $first: Int, $after: String) {
  search(query: $query, kinds: $kinds, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    indexLag { appliedSequence latestSequence behind }
    facets { kinds { value count } regions { value label count } categories { value label count }
             educationLevels { value count } occupationMajors { value label count } }
    edges { cursor node { score snippets { field fragment html highlights { start end } }
      object { __typename
        ... on DemandPosting { id title status }
        ... on Occupation { id code name }
        ... on Program { id name }
        ... on CatalogueEntry { id code name }
        ... on Certificate { id name }
        ... on ApprenticeshipOffer { id title }
        ... on TrainingCourse { id title }
      } } }
  }
}"#;

async fn search(app: &TestApp, variables: Value) -> Value {
    app.data(SEARCH, variables).await["search"].clone()
}

fn hits(result: &Value) -> Vec<(String, String)> {
    result["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| {
                    let object = &e["node"]["object"];
                    let label = object
                        .get("title")
                        .or(object.get("name"))
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    (
                        object["__typename"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                        label.to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn search_finds_every_kind_with_snippets_facets_and_no_lag() {
    let app = spawn_app().await;
    let result = search(&app, json!({ "query": "工业机器人", "first": 50 })).await;
    let found = hits(&result);
    for expected in [
        ("Occupation", "工业机器人系统操作员"),
        ("DemandPosting", "工业机器人系统操作员"),
        ("Program", "工业机器人技术"),
        ("CatalogueEntry", "工业机器人技术"),
        ("Certificate", "工业机器人操作与运维"),
        ("ApprenticeshipOffer", "工业机器人运维新型学徒制班"),
        ("TrainingCourse", "工业机器人操作与运维（中级）证书培训"),
    ] {
        assert!(
            found.contains(&(expected.0.to_string(), expected.1.to_string())),
            "{expected:?} missing from {found:?}"
        );
    }
    let titles: Vec<&str> = found
        .iter()
        .take(3)
        .map(|(_, label)| label.as_str())
        .collect();
    assert!(
        titles.iter().all(|t| t.contains("工业机器人")),
        "names with the words rank first: {titles:?}"
    );
    assert_eq!(result["indexLag"]["behind"], 0);
    assert_eq!(
        result["indexLag"]["appliedSequence"],
        result["indexLag"]["latestSequence"]
    );
    let kinds: u64 = result["facets"]["kinds"]
        .as_array()
        .map(|k| k.iter().map(|f| f["count"].as_u64().unwrap_or(0)).sum())
        .unwrap_or(0);
    assert_eq!(
        kinds,
        result["totalCount"].as_u64().unwrap_or(0),
        "kind facets add up to the total"
    );
    let snippet = &result["edges"][0]["node"]["snippets"][0];
    assert!(
        snippet["html"]
            .as_str()
            .unwrap_or_default()
            .contains("<em>"),
        "{snippet}"
    );
    let fragment: Vec<char> = snippet["fragment"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .collect();
    let first = &snippet["highlights"][0];
    let marked: String = fragment[first["start"].as_u64().unwrap_or(0) as usize
        ..first["end"].as_u64().unwrap_or(0) as usize]
        .iter()
        .collect();
    assert!(
        "工业机器人".contains(&marked) || marked.contains("工业"),
        "highlight `{marked}` is part of the query"
    );
}

#[tokio::test]
async fn partial_and_latin_queries_match() {
    let app = spawn_app().await;
    let partial = hits(
        &search(
            &app,
            json!({ "query": "数控机", "kinds": ["DEMAND_POSTING", "PROGRAM"] }),
        )
        .await,
    );
    assert!(
        partial.contains(&(
            "DemandPosting".to_string(),
            "数控车工（两班倒）".to_string()
        )),
        "{partial:?}"
    );
    let latin = hits(&search(&app, json!({ "query": "fanuc" })).await);
    assert_eq!(
        latin.first(),
        Some(&(
            "DemandPosting".to_string(),
            "数控车工（两班倒）".to_string()
        ))
    );
    let upper = hits(&search(&app, json!({ "query": "PLC" })).await);
    assert!(
        upper.iter().any(|(_, t)| t == "工业机器人系统操作员"),
        "{upper:?}"
    );
}

#[tokio::test]
async fn anonymous_search_never_shows_draft_or_closed_postings() {
    let app = spawn_app().await;
    let query = json!({ "query": "电商直播运营助理", "kinds": ["DEMAND_POSTING"] });
    let draft_hit = ("DemandPosting".to_string(), "电商直播运营助理".to_string());
    assert!(
        !hits(&search(&app, query.clone()).await).contains(&draft_hit),
        "the demo draft is hidden"
    );
    let draft = app
        .id_of("demandPostings", ", filter: { statuses: [DRAFT] }")
        .await;
    let publish = "mutation($id: ID!) { publishDemandPosting(input: { id: $id, waitUntilSearchable: true }) { searchable userErrors { code } } }";
    assert_eq!(
        app.data(publish, json!({ "id": draft })).await["publishDemandPosting"],
        json!({ "searchable": true, "userErrors": [] })
    );
    assert_eq!(
        hits(&search(&app, query.clone()).await).first(),
        Some(&draft_hit),
        "published, it ranks first"
    );
    let close = "mutation($id: ID!) { closeDemandPosting(input: { id: $id, waitUntilSearchable: true }) { searchable userErrors { code } } }";
    assert_eq!(
        app.data(close, json!({ "id": draft })).await["closeDemandPosting"],
        json!({ "searchable": true, "userErrors": [] })
    );
    assert!(
        !hits(&search(&app, query).await).contains(&draft_hit),
        "closed, it is hidden again"
    );
    let autocomplete = app
        .data(
            r#"{ autocomplete(prefix: "电商直播", kinds: [DEMAND_POSTING]) { __typename } }"#,
            json!({}),
        )
        .await;
    assert_eq!(autocomplete["autocomplete"], json!([]));
}

#[tokio::test]
async fn odd_queries_give_results_or_clear_user_errors() {
    let app = spawn_app().await;
    for query in [
        "",
        "   ",
        "\"焊工",
        "AND OR",
        "*",
        "((",
        "焊工 AND NOT 电工",
        "title:焊工",
        "~!@#$%^&*()_+",
        "🙂",
        "\u{0}",
    ] {
        let response = app.graphql(SEARCH, json!({ "query": query })).await;
        assert!(response.get("errors").is_none(), "{query:?}: {response}");
    }
    let everything = search(&app, json!({ "query": "  " })).await;
    assert!(
        everything["totalCount"].as_u64().unwrap_or(0) > 50,
        "blank text lists everything public"
    );
    let long = app
        .graphql(SEARCH, json!({ "query": "焊".repeat(10_001) }))
        .await;
    assert_eq!(error_code(&long), "BAD_USER_INPUT");
    assert_eq!(
        long["errors"][0]["message"],
        "the query is 10001 characters long, at most 10000 are allowed"
    );
    let big = app
        .graphql(SEARCH, json!({ "query": "焊工", "first": 51 }))
        .await;
    assert_eq!(error_code(&big), "BAD_USER_INPUT");
    let cursor = app
        .graphql(SEARCH, json!({ "query": "焊工", "after": "garbage" }))
        .await;
    assert_eq!(error_code(&cursor), "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_pasted_job_description_finds_its_posting_and_occupation() {
    let app = spawn_app().await;
    let sentence = "岗位职责：操作数控车床加工轴类零件，读懂零件图纸，能使用 FANUC 系统编程，\
                    按工艺文件完成首件检验和批量加工，做好设备日常保养。";
    let mut description = String::new();
    while description.chars().count() < 2_000 {
        description.push_str(sentence);
    }
    assert!(description.chars().count() >= 2_000);
    let result = search(
        &app,
        json!({ "query": description, "kinds": ["DEMAND_POSTING", "OCCUPATION"], "first": 5 }),
    )
    .await;
    let found = hits(&result);
    assert!(
        found.contains(&(
            "DemandPosting".to_string(),
            "数控车工（两班倒）".to_string()
        )),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(kind, _)| kind == "Occupation"),
        "{found:?}"
    );
}

#[tokio::test]
async fn text_that_shares_only_characters_with_the_corpus_still_finds_something() {
    let app = spawn_app().await;
    // No word and no bigram of `工焊` occurs anywhere; its characters do.
    let result = search(&app, json!({ "query": "工焊", "first": 10 })).await;
    let found = hits(&result);
    assert!(!found.is_empty(), "overlapping text finds something");
    assert!(
        found.iter().any(|(_, label)| label.contains('焊')),
        "{found:?}"
    );
    // Text that shares nothing finds nothing.
    let nothing = search(&app, json!({ "query": "乂乚亅" })).await;
    assert_eq!(nothing["totalCount"], 0);
}

#[tokio::test]
async fn search_filters_by_kind_region_category_education_and_occupation_group() {
    let app = spawn_app().await;
    let zone = app.region_id("220272").await;
    let in_zone = search(&app, json!({ "query": "", "kinds": ["DEMAND_POSTING"], "filter": { "regionIds": [zone] }, "first": 50 })).await;
    let mut titles: Vec<String> = hits(&in_zone).into_iter().map(|(_, t)| t).collect();
    titles.sort();
    assert_eq!(
        titles,
        vec![
            "冰雪大数据分析工程师",
            "工业机器人系统操作员",
            "工业机器人运维工程师"
        ]
    );
    let city = app.region_id("220200").await;
    let in_city = search(
        &app,
        json!({ "query": "", "kinds": ["DEMAND_POSTING"], "filter": { "regionIds": [city] } }),
    )
    .await;
    assert_eq!(
        in_city["totalCount"], 11,
        "the city includes its districts and zones"
    );
    let manufacturing = search(&app, json!({ "query": "技术", "kinds": ["PROGRAM"], "filter": { "categoryCodes": ["46"] }, "first": 50 })).await;
    let programs: HashSet<String> = hits(&manufacturing).into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        programs,
        HashSet::from([
            "工业机器人技术".to_string(),
            "数控技术".to_string(),
            "电气自动化技术".to_string()
        ])
    );
    let labels = &manufacturing["facets"]["categories"];
    assert_eq!(
        labels,
        &json!([{ "value": "46", "label": "装备制造大类（高等职业教育专科）", "count": 3 }])
    );
    let bachelor = search(&app, json!({ "query": "", "kinds": ["DEMAND_POSTING"], "filter": { "educationLevels": ["BACHELOR"] } })).await;
    assert_eq!(
        hits(&bachelor),
        vec![(
            "DemandPosting".to_string(),
            "冰雪大数据分析工程师".to_string()
        )]
    );
    let professionals = search(&app, json!({ "query": "", "kinds": ["OCCUPATION"], "filter": { "occupationMajorCodes": ["2"] } })).await;
    let in_group_2 = hub::reference_tables::occupation_entries()
        .expect("the built-in occupations")
        .iter()
        .filter(|o| o.major_code == "2")
        .count();
    assert!(in_group_2 > 400, "{in_group_2}");
    assert_eq!(professionals["totalCount"], in_group_2);
    assert_eq!(
        professionals["facets"]["occupationMajors"],
        json!([{ "value": "2", "label": "专业技术人员", "count": in_group_2 }])
    );
}

#[tokio::test]
async fn search_pages_follow_the_cursor() {
    let app = spawn_app().await;
    let first = search(&app, json!({ "query": "工业机器人", "first": 3 })).await;
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let second = search(
        &app,
        json!({ "query": "工业机器人", "first": 3, "after": first["pageInfo"]["endCursor"] }),
    )
    .await;
    let all = search(&app, json!({ "query": "工业机器人", "first": 6 })).await;
    let mut paged = hits(&first);
    paged.extend(hits(&second));
    assert_eq!(paged, hits(&all));
    assert_eq!(first["totalCount"], second["totalCount"]);
}

#[tokio::test]
async fn autocomplete_completes_name_prefixes_for_pickers() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
              robots: autocomplete(prefix: "工业机器", kinds: [OCCUPATION]) { ... on Occupation { code name } }
              programs: autocomplete(prefix: "数控", kinds: [CATALOGUE_ENTRY], first: 1) { ... on CatalogueEntry { code name } }
              none: autocomplete(prefix: "  ") { __typename }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["robots"],
        json!([{ "code": "6-31-07-03", "name": "工业机器人系统操作员" }, { "code": "6-31-07-01", "name": "工业机器人系统运维员" }])
    );
    // 数控技术 is a program of 高职专科 (460103) and of 职业本科 (260103).
    assert_eq!(data["programs"][0]["name"], "数控技术");
    assert!(
        ["460103", "260103"].contains(&data["programs"][0]["code"].as_str().unwrap_or_default()),
        "{data}"
    );
    assert_eq!(data["none"], json!([]));
    let too_many = app
        .graphql(
            r#"{ autocomplete(prefix: "数", first: 51) { __typename } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&too_many), "BAD_USER_INPUT");
}

const CREATE: &str = r#"mutation($input: CreateDemandPostingInput!) {
  createDemandPosting(input: $input) { demandPosting { id } searchable userErrors { code } }
}"#;

#[tokio::test]
async fn a_mutation_can_wait_until_its_change_is_searchable() {
    let app = spawn_app().await;
    let association = app.id_of("industryAssociations", "").await;
    let created = app
        .data(CREATE, json!({ "input": { "associationId": association, "title": "锅炉运行值班员", "publish": true, "waitUntilSearchable": true } }))
        .await;
    assert_eq!(created["createDemandPosting"]["searchable"], true);
    let id = created["createDemandPosting"]["demandPosting"]["id"].clone();
    let found = search(
        &app,
        json!({ "query": "锅炉运行值班员", "kinds": ["DEMAND_POSTING"] }),
    )
    .await;
    assert_eq!(found["edges"][0]["node"]["object"]["id"], id);
    assert_eq!(found["indexLag"]["behind"], 0);

    let update = r#"mutation($id: ID!) { updateDemandPosting(input: { id: $id, title: "燃气锅炉司炉工", waitUntilSearchable: true }) { searchable } }"#;
    assert_eq!(
        app.data(update, json!({ "id": id })).await["updateDemandPosting"]["searchable"],
        true
    );
    // The old title finds the posting no more (other postings may share a
    // character with it).
    let old_title = search(
        &app,
        json!({ "query": "运行值班员", "kinds": ["DEMAND_POSTING"] }),
    )
    .await;
    assert!(
        old_title["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|edge| edge["node"]["object"]["id"] != id),
        "{old_title}"
    );
    assert_eq!(
        hits(
            &search(
                &app,
                json!({ "query": "司炉", "kinds": ["DEMAND_POSTING"] })
            )
            .await
        ),
        vec![("DemandPosting".to_string(), "燃气锅炉司炉工".to_string())]
    );
    let without_wait = app
        .data(
            CREATE,
            json!({ "input": { "associationId": association, "title": "x" } }),
        )
        .await;
    assert_eq!(
        without_wait["createDemandPosting"]["searchable"],
        Value::Null
    );
}

#[tokio::test]
async fn two_hub_processes_on_one_database_find_each_others_writes() {
    let first = spawn_app().await;
    let second = spawn_peer(&first).await;
    let association = first.id_of("industryAssociations", "").await;
    let created = first
        .data(CREATE, json!({ "input": { "associationId": association, "title": "起重装卸机械操作工", "publish": true, "waitUntilSearchable": true } }))
        .await;
    assert_eq!(created["createDemandPosting"]["searchable"], true);
    let query = json!({ "query": "起重装卸", "kinds": ["DEMAND_POSTING"], "first": 1 });
    let mut found = Vec::new();
    for _ in 0..100 {
        found = hits(&search(&second, query.clone()).await);
        if found.iter().any(|(_, title)| title == "起重装卸机械操作工") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        found,
        vec![(
            "DemandPosting".to_string(),
            "起重装卸机械操作工".to_string()
        )],
        "the peer's index caught up"
    );

    let other = second
        .data(CREATE, json!({ "input": { "associationId": association, "title": "电梯安装维修工", "publish": true } }))
        .await;
    assert_eq!(other["createDemandPosting"]["userErrors"], json!([]));
    let mut found = Vec::new();
    for _ in 0..100 {
        found = hits(
            &search(
                &first,
                json!({ "query": "电梯安装", "kinds": ["DEMAND_POSTING"], "first": 1 }),
            )
            .await,
        );
        if found.iter().any(|(_, title)| title == "电梯安装维修工") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        found,
        vec![("DemandPosting".to_string(), "电梯安装维修工".to_string())]
    );
}

#[tokio::test]
async fn a_rebuilt_index_holds_the_same_documents() {
    let app = spawn_app().await;
    let queries = ["", "工业机器人", "数控 车工", "护理"];
    let mut before = Vec::new();
    for query in queries {
        before.push(every_hit(&app, query).await);
    }
    assert!(
        before[0].len() > 30,
        "the demo fills the index: {}",
        before[0].len()
    );
    let documents = app
        .indexer
        .rebuild(&hub::import::Progress::silent())
        .await
        .expect("rebuild");
    assert_eq!(documents, app.indexer.index().num_docs());
    // Every public document is listed by the empty query; drafts are
    // indexed but hidden.
    assert!(documents as usize >= before[0].len());
    for (query, expected) in queries.iter().zip(&before) {
        assert_eq!(
            &every_hit(&app, query).await,
            expected,
            "hits of `{query}` changed"
        );
    }
    let after = search(&app, json!({ "query": "", "first": 1 })).await;
    assert_eq!(after["indexLag"]["behind"], 0);
}

/// Every hit of a query, across pages, as `Type:id`, of the kinds the
/// organisations publish; of occupations and catalogue entries (the
/// built-in tables hold thousands), the count.
async fn every_hit(app: &TestApp, query: &str) -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    let reference = search(
        app,
        json!({ "query": query, "first": 1, "kinds": ["OCCUPATION", "CATALOGUE_ENTRY"] }),
    )
    .await;
    // Equal scores may swap places when documents are renumbered, and
    // scores shift a little as deleted documents leave the statistics:
    // compare how many there are.
    found.insert(format!("reference total: {}", reference["totalCount"]));
    let kinds = json!([
        "DEMAND_POSTING",
        "APPRENTICESHIP_OFFER",
        "PROGRAM",
        "CERTIFICATE",
        "TRAINING_COURSE"
    ]);
    let mut after = Value::Null;
    loop {
        let page = search(
            app,
            json!({ "query": query, "first": 50, "after": after, "kinds": kinds }),
        )
        .await;
        for edge in page["edges"].as_array().into_iter().flatten() {
            let object = &edge["node"]["object"];
            found.insert(format!("{}:{}", object["__typename"], object["id"]));
        }
        if page["pageInfo"]["hasNextPage"] != true {
            return found;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}
