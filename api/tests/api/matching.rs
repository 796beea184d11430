//! Matching on a hand-built fixture (食用菌: an area the demo data does not
//! touch). Every expected score below is worked out by hand from the
//! weights in `api/src/matching/weights.rs`:
//! occupation 0.40, text 0.20, certificates 0.15, region 0.10,
//! education 0.10, capacity 0.05; relevance R = (0.40 occ + 0.20 text) /
//! 0.60 scales the refining parts; parts that cannot be computed (other
//! than occupation and text) leave the denominator.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

struct Fixture {
    posting: String,
    program_a: String,
    program_b: String,
    offer: String,
    course: String,
}

async fn certificate_ids(app: &TestApp) -> (String, String) {
    let data = app
        .data(
            "{ certificates(first: 10) { nodes { id name } } }",
            json!({}),
        )
        .await;
    let id = |name: &str| {
        data["certificates"]["nodes"]
            .as_array()
            .and_then(|list| list.iter().find(|c| c["name"] == name))
            .and_then(|c| c["id"].as_str())
            .expect("a demo certificate")
            .to_string()
    };
    (id("电子商务数据分析"), id("物流管理"))
}

async fn fixture(app: &TestApp) -> Fixture {
    let (c1, c2) = certificate_ids(app).await;
    let changyi = app.region_id("220202").await;
    let chuanying = app.region_id("220204").await;
    let association = app.id_of("industryAssociations", "").await;
    let enterprise = app.id_of("enterprises", "").await;
    let college_x = app
        .create(
            "createCollege",
            "college",
            json!({
                "name": "吉林市菌业职业学院（测试）", "level": "HIGHER_VOCATIONAL",
                "ownership": "CITY", "regionId": changyi,
            }),
        )
        .await;
    let college_y = app
        .create(
            "createCollege",
            "college",
            json!({
                "name": "吉林市园艺中等职业学校（测试）", "level": "SECONDARY_VOCATIONAL",
                "ownership": "CITY", "regionId": chuanying,
            }),
        )
        .await;
    // A: same occupation, 4 of the posting's 5 terms, both certificates,
    // same district, associate level, 40 graduates.
    let program_a = app
        .create(
            "createProgram",
            "program",
            json!({
                "collegeId": college_x, "catalogueCode": "410111", "name": "食用菌生产与加工技术",
                "graduatesPerYear": 40,
                "description": "培养香菇、木耳栽培与菌棒制作的技术技能人才。",
                "certificateIds": [c1, c2], "occupationCodes": ["5-01-02-03"],
            }),
        )
        .await;
    // B: an occupation of the same 小类, 1 term of 5, one certificate of
    // two, same city, secondary level, 5 graduates.
    let program_b = app
        .create(
            "createProgram",
            "program",
            json!({
                "collegeId": college_y, "catalogueCode": "610105", "name": "园艺技术",
                "graduatesPerYear": 5, "description": "设施大棚园艺生产。",
                "certificateIds": [c1], "occupationCodes": ["5-01-02-02"],
            }),
        )
        .await;
    let offer = app
        .create(
            "createApprenticeshipOffer",
            "apprenticeshipOffer",
            json!({
                "enterpriseId": enterprise, "title": "香菇大棚学徒", "places": 3,
                "durationMonths": 12, "regionId": changyi,
                "cooperationStart": "2026-09-01", "cooperationEnd": "2028-08-31",
                "occupationCodes": ["5-01-02-03"],
            }),
        )
        .await;
    let course = app
        .create(
            "createTrainingCourse",
            "trainingCourse",
            json!({
                "providerId": college_x, "title": "木耳栽培短训班", "kind": "PRACTICAL_TECHNOLOGY",
                "certificateId": c1, "hours": 40, "capacity": 30,
            }),
        )
        .await;
    // The demand: terms 香菇 木耳 栽培 (title) 菌棒 大棚 (skills).
    let posting = app
        .create(
            "createDemandPosting",
            "demandPosting",
            json!({
                "associationId": association, "title": "香菇木耳栽培员", "headcount": 10,
                "regionId": changyi, "educationLevel": "ASSOCIATE", "skills": ["菌棒", "大棚"],
                "occupationCodes": ["5-01-02-03"], "certificateIds": [c1, c2],
                "publish": true, "waitUntilSearchable": true,
            }),
        )
        .await;
    app.wait_until_indexed().await;
    Fixture {
        posting,
        program_a,
        program_b,
        offer,
        course,
    }
}

const MATCHES: &str = r#"query($id: ID!, $filter: MatchFilter) {
  node(id: $id) {
    ... on DemandPosting { matches(filter: $filter, first: 20) { ...list } }
    ... on Program { matches(filter: $filter, first: 20) { ...list } }
    ... on ApprenticeshipOffer { matches(filter: $filter, first: 20) { ...list } }
  }
}
fragment list on MatchConnection {
  totalCount
  edges { node {
    score
    object { ... on Program { id } ... on ApprenticeshipOffer { id } ... on TrainingCourse { id } ... on DemandPosting { id } }
    parts { part value counted points explanation }
    sharedOccupations { closeness demandProvenance supplyProvenance value demandOccupation { code } supplyOccupation { code } }
    certificatesMatched { name }
    certificatesMissing { name }
    matchedTerms region education demandHeadcount supplyCapacity
  } }
}"#;

async fn matches(app: &TestApp, id: &str, filter: Value) -> Value {
    let data = app
        .data(MATCHES, json!({ "id": id, "filter": filter }))
        .await;
    data["node"]["matches"].clone()
}

fn ranked(list: &Value) -> Vec<(String, f64)> {
    list["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            (
                e["node"]["object"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                e["node"]["score"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect()
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 0.00011
}

fn assert_ranking(list: &Value, expected: &[(&str, f64)]) {
    let actual = ranked(list);
    assert_eq!(
        actual.len(),
        expected.len(),
        "matches {actual:?}, expected {expected:?}"
    );
    for ((id, score), (want_id, want_score)) in actual.iter().zip(expected) {
        assert_eq!(id, want_id, "order: {actual:?}, expected {expected:?}");
        assert!(
            close(*score, *want_score),
            "{id}: score {score}, expected {want_score}"
        );
    }
}

#[tokio::test]
async fn a_posting_ranks_its_suppliers_with_hand_computed_scores() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let list = matches(&app, &f.posting, json!(null)).await;
    // A: occ 1, text 4/5, R = (0.40 + 0.16) / 0.60 = 0.9333; certificates,
    //    region, education, capacity all 1: 0.56 + 0.9333 × 0.40 = 0.9333.
    // Offer: occ 1, text 2/5 (香菇 大棚), R = 0.48 / 0.60 = 0.8; region 1,
    //    capacity 3/10; no certificates, no level: denominator 0.75;
    //    (0.48 + 0.8 × (0.10 + 0.015)) / 0.75 = 0.7627.
    // B: same 小类 0.5, text 1/5, R = (0.20 + 0.04) / 0.60 = 0.4;
    //    certificates 1/2, same city 0.6, one level below 0.5, 5/10:
    //    0.24 + 0.4 × (0.075 + 0.06 + 0.05 + 0.025) = 0.324.
    // Course: its certificate's occupations are unrelated (0), text 2/5
    //    (木耳 栽培), R = 0.08 / 0.60; certificates 1/2, same district,
    //    capacity 1; no level: denominator 0.9;
    //    (0.08 + 0.1333 × (0.075 + 0.10 + 0.05)) / 0.9 = 0.1222.
    assert_ranking(
        &list,
        &[
            (&f.program_a, 0.9333),
            (&f.offer, 0.7627),
            (&f.program_b, 0.324),
            (&f.course, 0.1222),
        ],
    );
    assert_eq!(list["totalCount"], 4);

    let best = &list["edges"][0]["node"];
    let parts: Vec<(String, f64, f64)> = best["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .map(|p| {
            (
                p["part"].as_str().unwrap_or_default().to_string(),
                p["value"].as_f64().unwrap_or(-1.0),
                p["points"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect();
    let expected = [
        ("OCCUPATION", 1.0, 0.4),
        ("TEXT", 0.8, 0.16),
        ("CERTIFICATES", 1.0, 0.14),
        ("REGION", 1.0, 0.0933),
        ("EDUCATION", 1.0, 0.0933),
        ("CAPACITY", 1.0, 0.0467),
    ];
    for ((part, value, points), (want_part, want_value, want_points)) in parts.iter().zip(expected)
    {
        assert_eq!(part, want_part);
        assert!(close(*value, want_value), "{part} value {value}");
        assert!(close(*points, want_points), "{part} points {points}");
    }
    assert_eq!(
        best["matchedTerms"],
        json!(["香菇", "木耳", "栽培", "菌棒"])
    );
    assert_eq!(best["region"], "SAME_DISTRICT");
    assert_eq!(best["education"], "MEETS");
    assert_eq!(best["demandHeadcount"], 10);
    assert_eq!(best["supplyCapacity"], 40);
    assert_eq!(
        best["sharedOccupations"][0],
        json!({
            "closeness": "SAME_OCCUPATION", "demandProvenance": "DECLARED",
            "supplyProvenance": "DECLARED", "value": 1.0,
            "demandOccupation": { "code": "5-01-02-03" }, "supplyOccupation": { "code": "5-01-02-03" }
        })
    );
    assert_eq!(best["certificatesMissing"], json!([]));

    // B's evidence: the related occupation and the missing certificate.
    let b = &list["edges"][2]["node"];
    assert_eq!(b["sharedOccupations"][0]["closeness"], "SAME_MINOR_GROUP");
    assert_eq!(b["certificatesMissing"], json!([{ "name": "物流管理" }]));
    assert_eq!(b["region"], "SAME_CITY");
    assert_eq!(b["education"], "ONE_BELOW");

    // The offer's parts that cannot be computed say so and do not count.
    let offer = &list["edges"][1]["node"];
    let certificates = &offer["parts"][2];
    assert_eq!(certificates["part"], "CERTIFICATES");
    assert_eq!(certificates["value"], Value::Null);
    assert_eq!(certificates["counted"], false);
    assert!(certificates["explanation"]
        .as_str()
        .unwrap_or_default()
        .contains("records no certificates"));
    assert_eq!(offer["parts"][4]["counted"], false);
    assert_eq!(offer["education"], "NOT_APPLICABLE");
}

#[tokio::test]
async fn match_filters_narrow_the_list_without_changing_scores() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let at_least_half = matches(&app, &f.posting, json!({ "minScore": 0.5 })).await;
    assert_ranking(
        &at_least_half,
        &[(&f.program_a, 0.9333), (&f.offer, 0.7627)],
    );
    let programs = matches(&app, &f.posting, json!({ "kinds": ["PROGRAM"] })).await;
    assert_ranking(&programs, &[(&f.program_a, 0.9333), (&f.program_b, 0.324)]);
    let chuanying = app.region_id("220204").await;
    let there = matches(&app, &f.posting, json!({ "regionIds": [chuanying] })).await;
    assert_ranking(&there, &[(&f.program_b, 0.324)]);
    let secondary = matches(
        &app,
        &f.posting,
        json!({ "educationLevels": ["SENIOR_SECONDARY"] }),
    )
    .await;
    assert_ranking(&secondary, &[(&f.program_b, 0.324)]);

    // Kinds a list cannot hold, and scores out of range, are refused.
    let response = app
        .graphql(
            MATCHES,
            json!({ "id": f.posting, "filter": { "kinds": ["DEMAND_POSTING"] } }),
        )
        .await;
    assert_eq!(crate::helpers::error_code(&response), "BAD_USER_INPUT");
    let response = app
        .graphql(
            MATCHES,
            json!({ "id": f.posting, "filter": { "minScore": 2 } }),
        )
        .await;
    assert_eq!(crate::helpers::error_code(&response), "BAD_USER_INPUT");
}

#[tokio::test]
async fn programs_and_offers_see_the_demand_they_serve_and_drafts_stay_out() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    // A draft with the same text and occupation is not offered to programs.
    let association = app.id_of("industryAssociations", "").await;
    let draft = app
        .create(
            "createDemandPosting",
            "demandPosting",
            json!({
                "associationId": association, "title": "香菇木耳栽培员（草稿）",
                "occupationCodes": ["5-01-02-03"], "waitUntilSearchable": true,
            }),
        )
        .await;
    app.wait_until_indexed().await;
    // The posting against A scores as above (0.9333), whichever side asks.
    // The offer as demand for A: occ 1, its terms 香菇 大棚 (学徒 is too
    // general), A has 香菇: text 1/2; R = 0.5 / 0.6; asks no certificate
    // (1), same district (1), no level stated (left out), 3 places vs 40
    // (1): (0.5 + 0.8333 × 0.30) / 0.90 = 0.8333.
    // (The demo's postings and offers that share only a general word of
    // the program's name, such as 生产 or 加工, follow far below 0.3.)
    let everything = matches(&app, &f.program_a, json!(null)).await;
    assert!(!ranked(&everything).iter().any(|(id, _)| *id == draft));
    let list = matches(&app, &f.program_a, json!({ "minScore": 0.3 })).await;
    assert_ranking(&list, &[(&f.posting, 0.9333), (&f.offer, 0.8333)]);
    // The offer's candidate programs: A as above; B: same 小类 0.5, text
    // 1/2 (大棚), R = 0.3 / 0.6 = 0.5; no certificate asked (1), same city
    // (0.6), capacity 5 vs 3 (1): (0.30 + 0.5 × 0.26) / 0.90 = 0.4778.
    let list = matches(&app, &f.offer, json!(null)).await;
    assert_ranking(&list, &[(&f.program_a, 0.8333), (&f.program_b, 0.4778)]);
}

#[tokio::test]
async fn a_suggested_occupation_counts_less_than_a_declared_one() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let association = app.id_of("industryAssociations", "").await;
    let (c1, c2) = certificate_ids(&app).await;
    let changyi = app.region_id("220202").await;
    let twin = app
        .create(
            "createDemandPosting",
            "demandPosting",
            json!({
                "associationId": association, "title": "香菇木耳栽培员", "headcount": 10,
                "regionId": changyi, "educationLevel": "ASSOCIATE", "skills": ["菌棒", "大棚"],
                "certificateIds": [c1, c2], "publish": true,
            }),
        )
        .await;
    // What the hub's suggestions store: the occupation as SUGGESTED.
    let twin_id = hub::ids::decode(hub::ids::NodeKind::DemandPosting, &twin).expect("an id");
    app.db
        .execute_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!(
                "INSERT INTO posting_occupation (posting_id, occupation_id, provenance, confidence) \
                 SELECT {twin_id}, id, 'SUGGESTED', 0.9 FROM occupation WHERE code = '5-01-02-03'"
            ),
        ))
        .await
        .expect("a suggested link");
    // occ 1 × 0.6 (suggested), text 0.8: R = (0.24 + 0.16) / 0.6 = 0.6667;
    // refining parts all 1: 0.40 + 0.6667 × 0.40 = 0.6667.
    let list = matches(
        &app,
        &twin,
        json!({ "kinds": ["PROGRAM"], "minScore": 0.5 }),
    )
    .await;
    assert_ranking(&list, &[(&f.program_a, 0.6667)]);
    let shared = &list["edges"][0]["node"]["sharedOccupations"][0];
    assert_eq!(shared["demandProvenance"], "SUGGESTED");
    assert_eq!(shared["value"], 0.6);
    // The owner's own list of occupations leaves the suggestion out.
    let data = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on DemandPosting { occupations { code } } } }",
            json!({ "id": twin }),
        )
        .await;
    assert_eq!(data["node"]["occupations"], json!([]));
}
