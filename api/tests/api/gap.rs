//! The supply–demand gap on a hand-built fixture (食用菌 occupations
//! 5-01-02-xx, which the demo data does not touch), every figure worked
//! out by hand from the rules in `api/src/matching/gap.rs`; the CSV of
//! `/export/gap.csv` and of `hub export gap`.

use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use serde_json::{json, Value};

use crate::helpers::{error_code, spawn_app, TestApp};

fn row_id(id: &str) -> i32 {
    hub::ids::decode_any(id).map(|(_, id)| id).expect("an id")
}

/// The fixture: 2027 figures for 5-01-02-03 (食用菌生产工) and 5-01-02-02
/// (园艺工).
async fn fixture(app: &TestApp) {
    let changyi = app.region_id("220202").await;
    let chuanying = app.region_id("220204").await;
    let association = app.id_of("industryAssociations", "").await;
    let enterprise = app.id_of("enterprises", "").await;
    let college = app.create("createCollege", "college", json!({
        "name": "吉林市缺口测试学院", "level": "HIGHER_VOCATIONAL", "ownership": "CITY", "regionId": changyi,
    }))
    .await;
    let association = &association;
    let posting = |input: Value| async move {
        let mut input = input;
        input["associationId"] = json!(association);
        app.create("createDemandPosting", "demandPosting", input)
            .await
    };
    // P1: 10 people over two occupations: 5 each.
    posting(
        json!({ "title": "食用菌与园艺工", "headcount": 10, "regionId": changyi,
        "occupationCodes": ["5-01-02-03", "5-01-02-02"], "validFrom": "2027-03-01",
        "validUntil": "2027-06-30", "publish": true }),
    )
    .await;
    // P2: no headcount ("若干"): 1; no region; no validity: counts.
    posting(json!({ "title": "食用菌生产工", "occupationCodes": ["5-01-02-03"], "publish": true }))
        .await;
    // P3: 4 people on a suggested occupation: 2.4 there, 1.6 unclassified.
    let p3 = posting(json!({ "title": "菌菇岗位（缺口测试）", "headcount": 4, "regionId": chuanying, "publish": true })).await;
    // Not counted: a draft, and a posting that expired before the period.
    posting(json!({ "title": "草稿", "headcount": 100, "occupationCodes": ["5-01-02-03"] })).await;
    posting(
        json!({ "title": "过期", "headcount": 100, "occupationCodes": ["5-01-02-03"],
        "validFrom": "2026-10-01", "validUntil": "2026-12-31", "publish": true }),
    )
    .await;
    // Supply: A 40 graduates on 5-01-02-03; B 30 over both; an offer of 6.
    app.create(
        "createProgram",
        "program",
        json!({ "collegeId": college, "catalogueCode": "410111",
        "graduatesPerYear": 40, "occupationCodes": ["5-01-02-03"] }),
    )
    .await;
    app.create(
        "createProgram",
        "program",
        json!({ "collegeId": college, "catalogueCode": "610105",
        "graduatesPerYear": 30, "occupationCodes": ["5-01-02-03", "5-01-02-02"] }),
    )
    .await;
    app.create(
        "createApprenticeshipOffer",
        "apprenticeshipOffer",
        json!({ "enterpriseId": enterprise,
        "title": "菌菇学徒", "places": 6, "durationMonths": 12, "regionId": changyi,
        "cooperationStart": "2026-09-01", "cooperationEnd": "2028-08-31",
        "occupationCodes": ["5-01-02-03"] }),
    )
    .await;
    // P3's suggested link, as the suggester stores it (in one transaction,
    // so the background suggester cannot interleave, the demand tally
    // refreshed in it).
    let id = row_id(&p3);
    let txn = app.db.begin().await.expect("a transaction");
    let backend = app.db.get_database_backend();
    // Marking the posting first takes its row lock (the write lock on
    // SQLite), as the suggester does: a suggestion being stored meanwhile
    // is either committed before (and deleted below) or skipped after.
    for sql in [
        format!("UPDATE demand_posting SET suggested_at = created_at WHERE id = {id}"),
        format!("DELETE FROM posting_occupation WHERE posting_id = {id}"),
        format!(
            "INSERT INTO posting_occupation (posting_id, occupation_id, provenance, confidence) \
                 SELECT {id}, id, 'SUGGESTED', 0.5 FROM occupation WHERE code = '5-01-02-03'"
        ),
    ] {
        txn.execute_raw(Statement::from_string(backend, sql))
            .await
            .expect("fixture SQL");
    }
    hub::matching::tally::refresh_postings(&txn, &[id])
        .await
        .expect("the tally takes the link");
    txn.commit().await.expect("committed");
}

const GAP: &str = r#"query($from: NaiveDate!, $to: NaiveDate!, $region: String, $groupBy: GapGrouping!) {
  supplyDemandGap(period: { from: $from, to: $to }, regionCode: $region, groupBy: $groupBy) {
    rows { key label demand supply supplyPrograms supplyOffers supplyCourses unmet surplus ratio }
  }
}"#;

async fn gap(
    app: &TestApp,
    from: &str,
    to: &str,
    region: Option<&str>,
    group_by: &str,
) -> Vec<Value> {
    let data = app
        .data(
            GAP,
            json!({ "from": from, "to": to, "region": region, "groupBy": group_by }),
        )
        .await;
    data["supplyDemandGap"]["rows"]
        .as_array()
        .expect("rows")
        .clone()
}

fn row<'a>(rows: &'a [Value], key: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no row {key} in {rows:#?}"))
}

fn figures(row: &Value) -> Vec<f64> {
    [
        "demand",
        "supply",
        "supplyPrograms",
        "supplyOffers",
        "supplyCourses",
        "unmet",
        "surplus",
    ]
    .iter()
    .map(|f| row[f].as_f64().unwrap_or(-1.0))
    .collect()
}

#[tokio::test]
async fn the_gap_follows_its_rules_on_a_hand_computed_fixture() {
    let app = spawn_app().await;
    let before = gap(&app, "2027-01-01", "2027-12-31", None, "OCCUPATION").await;
    let unclassified_before = row(&before, "UNCLASSIFIED")["demand"]
        .as_f64()
        .unwrap_or(0.0);
    fixture(&app).await;

    // 2027 (365 days: programs count a whole year of graduates).
    let rows = gap(&app, "2027-01-01", "2027-12-31", None, "OCCUPATION").await;
    // 5-01-02-03: demand 5 (P1) + 1 (P2) + 4 × 0.6 (P3) = 8.4;
    // supply 40 (A) + 15 (B) = 55 graduates, 6 places: 61.
    let mushrooms = row(&rows, "5-01-02-03");
    assert_eq!(
        figures(mushrooms),
        vec![8.4, 61.0, 55.0, 6.0, 0.0, 0.0, 52.6]
    );
    assert_eq!(mushrooms["ratio"], 7.262); // 61 / 8.4
    assert_eq!(mushrooms["label"], "食用菌生产工");
    // 5-01-02-02: demand 5 (P1), supply 15 (B).
    assert_eq!(
        figures(row(&rows, "5-01-02-02")),
        vec![5.0, 15.0, 15.0, 0.0, 0.0, 0.0, 10.0]
    );
    assert_eq!(row(&rows, "5-01-02-02")["ratio"], 3.0);
    // P3's other 40%: 1.6 more unclassified demand.
    let unclassified = row(&rows, "UNCLASSIFIED")["demand"].as_f64().unwrap_or(0.0);
    assert!(
        (unclassified - unclassified_before - 1.6).abs() < 0.011,
        "{unclassified_before} → {unclassified}"
    );

    // Grouped by 小类: the two occupations together.
    let minor = gap(&app, "2027-01-01", "2027-12-31", None, "OCCUPATION_MINOR").await;
    assert_eq!(
        figures(row(&minor, "5-01-02")),
        vec![13.4, 76.0, 70.0, 6.0, 0.0, 0.0, 62.6]
    );

    // Half a year (181 days): graduates × 181 / 365; postings and places
    // that overlap count whole. 55 × 181/365 = 27.27.
    let half = gap(&app, "2027-01-01", "2027-06-30", None, "OCCUPATION").await;
    assert_eq!(
        figures(row(&half, "5-01-02-03")),
        vec![8.4, 33.27, 27.27, 6.0, 0.0, 0.0, 24.87]
    );

    // 昌邑区: P1 only (P2 has no region, P3 is in 船营区); the college and
    // the offer are in 昌邑区. The whole city (220200) takes P2 as well.
    let changyi = gap(
        &app,
        "2027-01-01",
        "2027-12-31",
        Some("220202"),
        "OCCUPATION",
    )
    .await;
    assert_eq!(
        figures(row(&changyi, "5-01-02-03")),
        vec![5.0, 61.0, 55.0, 6.0, 0.0, 0.0, 56.0]
    );
    let city = gap(
        &app,
        "2027-01-01",
        "2027-12-31",
        Some("220200"),
        "OCCUPATION",
    )
    .await;
    assert_eq!(row(&city, "5-01-02-03")["demand"], 8.4);

    // By 专业类: 5-01-02-03 is prepared for by A (4101) and B (6101), so
    // its demand and places split in two; 5-01-02-02 only by B. Programs'
    // graduates go to their own class.
    // 4101: demand 8.4/2 = 4.2; supply 40 + 6/2 = 43.
    // 6101: demand 4.2 + 5 = 9.2; supply 30 + 3 = 33.
    let classes = gap(&app, "2027-01-01", "2027-12-31", None, "CATALOGUE_CLASS").await;
    assert_eq!(
        figures(row(&classes, "4101")),
        vec![4.2, 43.0, 40.0, 3.0, 0.0, 0.0, 38.8]
    );
    assert_eq!(
        figures(row(&classes, "6101")),
        vec![9.2, 33.0, 30.0, 3.0, 0.0, 0.0, 23.8]
    );
    assert_eq!(row(&classes, "4101")["label"], "农业类（高等职业教育专科）");
}

#[tokio::test]
async fn gap_input_errors_are_clear_and_the_csv_opens_in_excel() {
    let app = spawn_app().await;
    fixture(&app).await;
    for (from, to, region, code) in [
        ("2027-12-31", "2027-01-01", None, "BAD_USER_INPUT"),
        ("2027-01-01", "2027-12-31", Some("999999"), "BAD_USER_INPUT"),
    ] {
        let response = app
            .graphql(
                GAP,
                json!({ "from": from, "to": to, "region": region, "groupBy": "OCCUPATION" }),
            )
            .await;
        assert_eq!(error_code(&response), code, "{response}");
    }

    let url = format!(
        "{}/export/gap.csv?from=2027-01-01&to=2027-12-31&groupBy=OCCUPATION",
        app.address
    );
    let response = app.client.get(&url).send().await.expect("the export");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap_or_default()
        .contains("gap-2027-01-01-2027-12-31.csv"));
    let bytes = response.bytes().await.expect("a body");
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 with BOM");
    let text = std::str::from_utf8(&bytes[3..]).expect("UTF-8");
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "分组代码 (key),分组名称 (label),需求人数 (demand),供给合计 (supply),专业毕业生 (supply_programs),学徒与实习名额 (supply_offers),培训容量 (supply_courses),缺口 (unmet),富余 (surplus),供需比 (ratio)"
    );
    assert!(
        lines.contains(&"5-01-02-03,食用菌生产工,8.40,61.00,55.00,6.00,0.00,0.00,52.60,7.262"),
        "{text}"
    );

    // Bad parameters: 400 with what and why.
    for (query, says) in [
        ("from=2027-01-01", "`to` is missing"),
        ("from=2027-13-01&to=2027-12-31", "not a date"),
        (
            "from=2027-01-01&to=2027-12-31&groupBy=CITY",
            "unknown grouping",
        ),
    ] {
        let response = app
            .client
            .get(format!("{}/export/gap.csv?{query}", app.address))
            .send()
            .await
            .expect("a response");
        assert_eq!(response.status(), 400);
        let body = response.text().await.unwrap_or_default();
        assert!(body.contains(says), "{query}: {body}");
    }

    // `hub export gap` writes the same bytes.
    let out = tempfile::tempdir().expect("a temp dir");
    let file = out.path().join("gap.csv");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_hub"))
        .args(["--database-url", &app.database_url, "--data-dir"])
        .arg(out.path())
        .args([
            "export",
            "gap",
            "--from",
            "2027-01-01",
            "--to",
            "2027-12-31",
            "--group-by",
            "occupation",
            "--output",
        ])
        .arg(&file)
        .status()
        .expect("hub runs");
    assert!(status.success());
    assert_eq!(std::fs::read(&file).expect("the file"), bytes.to_vec());
}

/// The demand tally follows every kind of posting write through the change
/// log: after creating, editing (headcount, occupations, region, validity),
/// closing and reopening postings, the gap equals the gap of a tally built
/// from scratch, and both match figures worked out by hand.
#[tokio::test]
async fn the_demand_tally_follows_posting_writes() {
    let app = spawn_app().await;
    let association = app.id_of("industryAssociations", "").await;
    let changyi = app.region_id("220202").await;
    let fengman = app.region_id("220211").await;
    let whole_year = |app: &TestApp| {
        let app = app.clone();
        async move { gap(&app, "2027-01-01", "2027-12-31", None, "OCCUPATION").await }
    };
    let demand = |rows: &[Value], key: &str| {
        rows.iter()
            .find(|r| r["key"] == key)
            .map(|r| r["demand"].as_f64().unwrap_or(-1.0))
            .unwrap_or(0.0)
    };
    // Built at start (from the demo); nothing on 5-01-02-01 (食用菌菌种工).
    assert_eq!(demand(&whole_year(&app).await, "5-01-02-01"), 0.0);

    let mut input = json!({ "associationId": association, "title": "菌种工（汇总测试）",
        "headcount": 6, "regionId": changyi, "occupationCodes": ["5-01-02-01"], "publish": true });
    let first = app
        .create("createDemandPosting", "demandPosting", input.clone())
        .await;
    input["title"] = json!("菌种与园艺（汇总测试）");
    input["occupationCodes"] = json!(["5-01-02-01", "5-01-02-02"]);
    let second = app
        .create("createDemandPosting", "demandPosting", input)
        .await;
    let rows = whole_year(&app).await;
    assert_eq!(demand(&rows, "5-01-02-01"), 9.0); // 6 + 6 / 2

    let update = "mutation($input: UpdateDemandPostingInput!) { updateDemandPosting(input: $input) { userErrors { code message } } }";
    for input in [
        // 6 → 10 people.
        json!({ "id": first, "headcount": 10 }),
        // The second posting leaves 5-01-02-01 and moves to 丰满区.
        json!({ "id": second, "occupationCodes": ["5-01-02-02"], "regionId": fengman }),
    ] {
        let data = app.data(update, json!({ "input": input })).await;
        assert_eq!(data["updateDemandPosting"]["userErrors"], json!([]));
    }
    let rows = whole_year(&app).await;
    assert_eq!(demand(&rows, "5-01-02-01"), 10.0);
    let fengman_rows = gap(
        &app,
        "2027-01-01",
        "2027-12-31",
        Some("220211"),
        "OCCUPATION",
    )
    .await;
    assert_eq!(demand(&fengman_rows, "5-01-02-02"), 6.0);
    assert_eq!(demand(&fengman_rows, "5-01-02-01"), 0.0);

    // Valid only in 2026: out of 2027.
    let data = app
        .data(update, json!({ "input": { "id": first, "validFrom": "2026-01-01", "validUntil": "2026-12-31" } }))
        .await;
    assert_eq!(data["updateDemandPosting"]["userErrors"], json!([]));
    assert_eq!(demand(&whole_year(&app).await, "5-01-02-01"), 0.0);
    assert_eq!(
        demand(
            &gap(&app, "2026-06-01", "2026-06-30", None, "OCCUPATION").await,
            "5-01-02-01"
        ),
        10.0
    );

    // Closed postings still count for the days they were valid; the
    // status of a draft does not.
    let close =
        "mutation($id: ID!) { closeDemandPosting(input: { id: $id }) { userErrors { code } } }";
    let data = app.data(close, json!({ "id": first })).await;
    assert_eq!(data["closeDemandPosting"]["userErrors"], json!([]));
    let incremental = gap(&app, "2026-01-01", "2027-12-31", None, "OCCUPATION").await;
    assert_eq!(demand(&incremental, "5-01-02-01"), 10.0);

    // Built from scratch, the tally gives the same gap to the cent.
    hub::matching::tally::rebuild(&app.db)
        .await
        .expect("rebuilt");
    let rebuilt = gap(&app, "2026-01-01", "2027-12-31", None, "OCCUPATION").await;
    assert_eq!(incremental, rebuilt);
}
