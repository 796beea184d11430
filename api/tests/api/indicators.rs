//! The policy's indicators on a hand-built fixture (a hub without the
//! demo data, so every figure is worked out by hand), for the whole city
//! and for one district; the CSV of `/export/indicators.csv`.

use chrono::Datelike;
use serde_json::{json, Value};

use crate::helpers::{error_code, spawn_app_with, TestApp};

const INDICATORS: &str = "query($year: Int!, $region: String) { indicators(year: $year, regionCode: $region) { year figures { section key subject value unit target met method } } }";

async fn figures(app: &TestApp, year: i32, region: Option<&str>) -> Vec<Value> {
    let data = app
        .data(INDICATORS, json!({ "year": year, "region": region }))
        .await;
    data["indicators"]["figures"]
        .as_array()
        .expect("figures")
        .clone()
}

/// The value of the figure with this key (and subject).
fn value(figures: &[Value], key: &str, subject: Option<&str>) -> f64 {
    figures
        .iter()
        .find(|f| {
            f["key"] == key
                && subject.is_none_or(|s| f["subject"].as_str().is_some_and(|t| t.starts_with(s)))
        })
        .and_then(|f| f["value"].as_f64())
        .unwrap_or_else(|| panic!("no figure {key} {subject:?}"))
}

#[tokio::test]
async fn indicators_follow_the_fixture_by_hand() {
    let app = spawn_app_with(false).await;
    let year = chrono::Utc::now().year();
    let day = |y: i32, md: &str| format!("{y}-{md}");
    let changyi = app.region_id("220202").await;
    let chuanying = app.region_id("220204").await;
    let college = |name: &'static str, region: String| {
        let app = &app;
        async move {
            app.create(
                "createCollege",
                "college",
                json!({ "name": name, "level": "HIGHER_VOCATIONAL", "ownership": "CITY", "regionId": region }),
            )
            .await
        }
    };
    let a = college("指标测试学院甲", changyi.clone()).await;
    let b = college("指标测试学院乙", chuanying.clone()).await;

    // Activities this year: A 1,200 + 2,000, B 900 + 1,000; one last year.
    for (college, kind, participants, date) in [
        (&a, "CAREER_AWAKENING", 1200, day(year, "01-01")),
        (&a, "LABOUR_EDUCATION", 2000, day(year, "01-01")),
        (&b, "VOCATIONAL_EXPERIENCE", 900, day(year, "01-01")),
        (&b, "CAREER_AWAKENING", 1000, day(year, "01-01")),
        (&a, "CAREER_AWAKENING", 5000, day(year - 1, "12-31")),
    ] {
        app.create(
            "recordOutreachActivity",
            "outreachActivity",
            json!({ "collegeId": college, "kind": kind, "title": "开放日", "heldOn": date, "participants": participants }),
        )
        .await;
    }
    // An activity in the future is refused.
    let future = app
        .data(
            "mutation($c: ID!, $d: NaiveDate!) { recordOutreachActivity(input: { collegeId: $c, kind: CAREER_AWAKENING, title: \"未来\", heldOn: $d, participants: 10 }) { userErrors { field code } } }",
            json!({ "c": a, "d": day(year + 1, "06-01") }),
        )
        .await;
    assert_eq!(
        future["recordOutreachActivity"]["userErrors"][0]["code"],
        "OUT_OF_RANGE"
    );

    // Cooperation: two offers active this year, one that ended last year.
    let enterprise = app
        .create(
            "createEnterprise",
            "enterprise",
            json!({ "name": "指标测试企业", "size": "SMALL" }),
        )
        .await;
    for (kind, places, start, end, region, codes) in [
        (
            "APPRENTICESHIP",
            5,
            day(year, "01-01"),
            day(year, "12-31"),
            &changyi,
            vec!["6-18-01-01"],
        ),
        (
            "INTERNSHIP_BASE",
            20,
            day(year - 1, "09-01"),
            day(year + 2, "08-31"),
            &chuanying,
            vec!["6-18-01-01", "6-18-01-02"],
        ),
        (
            "APPRENTICESHIP",
            7,
            day(year - 2, "01-01"),
            day(year - 1, "06-30"),
            &changyi,
            vec![],
        ),
    ] {
        app.create(
            "createApprenticeshipOffer",
            "apprenticeshipOffer",
            json!({ "enterpriseId": enterprise, "kind": kind, "title": "合作", "places": places, "durationMonths": 12,
                "cooperationStart": start, "cooperationEnd": end, "regionId": region, "occupationCodes": codes }),
        )
        .await;
    }

    // Associations: X publishes 6 + 4 people, Y 30 (and a draft of 100).
    let x = app
        .create(
            "createIndustryAssociation",
            "industryAssociation",
            json!({ "name": "指标协会甲" }),
        )
        .await;
    let y = app
        .create(
            "createIndustryAssociation",
            "industryAssociation",
            json!({ "name": "指标协会乙" }),
        )
        .await;
    for (association, headcount, publish, region) in [
        (&x, 6, true, &changyi),
        (&x, 4, true, &chuanying),
        (&y, 30, true, &chuanying),
        (&y, 100, false, &chuanying),
    ] {
        app.create(
            "createDemandPosting",
            "demandPosting",
            json!({ "associationId": association, "title": "技工", "headcount": headcount, "publish": publish, "regionId": region }),
        )
        .await;
    }

    // Programs: A two in 装备制造大类 (one linked to an occupation), B one
    // in 农林牧渔大类 (中职).
    for (college, code, occupations) in [
        (&a, "460301", vec!["6-18-01-01"]),
        (&a, "460103", vec![]),
        (&b, "610105", vec![]),
    ] {
        app.create(
            "createProgram",
            "program",
            json!({ "collegeId": college, "catalogueCode": code, "occupationCodes": occupations }),
        )
        .await;
    }

    let city = figures(&app, year, None).await;
    assert_eq!(value(&city, "outreach.participants", None), 5100.0);
    let participants = city
        .iter()
        .find(|f| f["key"] == "outreach.participants")
        .expect("the figure");
    assert_eq!(participants["target"], 5000.0);
    assert_eq!(participants["met"], true);
    assert!(participants["method"]
        .as_str()
        .is_some_and(|m| m.contains("5,000")));
    assert_eq!(value(&city, "outreach.activities", None), 4.0);
    assert_eq!(
        value(&city, "outreach.participants_by_kind", Some("职业启蒙")),
        2200.0
    );
    assert_eq!(value(&city, "cooperation.offers", None), 2.0);
    assert_eq!(
        value(&city, "cooperation.places_by_kind", Some("生产性实习基地")),
        20.0
    );
    assert_eq!(
        value(&city, "cooperation.offers_by_cycle", Some("1 年以内")),
        1.0
    );
    assert_eq!(
        value(&city, "cooperation.offers_by_cycle", Some("2–3 年")),
        1.0
    );
    assert_eq!(
        value(&city, "cooperation.offers_by_cycle", Some("超过 3 年")),
        0.0
    );
    assert_eq!(value(&city, "cooperation.occupations", None), 2.0);
    assert_eq!(
        value(&city, "associations.recent_postings", Some("指标协会甲")),
        2.0
    );
    assert_eq!(
        value(&city, "associations.recent_postings", Some("指标协会乙")),
        1.0
    );
    // Demand: 10 of 40 people, 30 of 40.
    assert_eq!(
        value(&city, "associations.demand_share", Some("指标协会甲")),
        25.0
    );
    assert_eq!(
        value(&city, "associations.demand_share", Some("指标协会乙")),
        75.0
    );
    assert_eq!(value(&city, "programs.total", None), 3.0);
    assert_eq!(
        value(&city, "programs.by_category", Some("46 装备制造大类")),
        2.0
    );
    assert_eq!(
        value(&city, "programs.by_category", Some("61 农林牧渔大类")),
        1.0
    );
    assert_eq!(value(&city, "programs.without_occupation", None), 2.0);
    assert_eq!(value(&city, "programs.without_certificate", None), 3.0);
    assert_eq!(value(&city, "programs.certificates_per_program", None), 0.0);
    assert!(city
        .iter()
        .all(|f| !f["method"].as_str().unwrap_or_default().is_empty()));

    // 昌邑区 alone: college A, the apprenticeship there, X's first posting.
    let district = figures(&app, year, Some("220202")).await;
    assert_eq!(value(&district, "outreach.participants", None), 3200.0);
    assert_eq!(value(&district, "cooperation.offers", None), 1.0);
    assert_eq!(
        value(
            &district,
            "associations.recent_postings",
            Some("指标协会甲")
        ),
        1.0
    );
    assert_eq!(
        value(&district, "associations.demand_share", Some("指标协会甲")),
        100.0
    );
    assert_eq!(value(&district, "programs.total", None), 2.0);

    // Bad input: an unknown region is BAD_USER_INPUT.
    let unknown = app
        .graphql(INDICATORS, json!({ "year": year, "region": "999999" }))
        .await;
    assert_eq!(error_code(&unknown), "BAD_USER_INPUT");

    // The CSV: a BOM, a header and one row per figure.
    let csv = app
        .client
        .get(format!("{}/export/indicators.csv?year={year}", app.address))
        .send()
        .await
        .expect("request");
    assert_eq!(csv.status(), 200);
    let body = csv.text().await.expect("text");
    let lines: Vec<&str> = body.lines().collect();
    assert!(
        lines[0].starts_with("\u{feff}year,region,section,key"),
        "{body}"
    );
    assert_eq!(lines.len(), 1 + city.len());
    assert!(
        body.contains(&format!("{year},,OUTREACH,outreach.participants,,")),
        "{body}"
    );
    let missing = app
        .client
        .get(format!("{}/export/indicators.csv", app.address))
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status(), 400);
}

const HIRING: &str = "query($c: TeacherCandidateInput!) { teacherHiringCheck(candidate: $c) { eligible routes { key open conditions { key holds detail } } } }";

#[tokio::test]
async fn the_teacher_hiring_rule_answers_condition_by_condition() {
    let app = spawn_app_with(false).await;
    let anonymous = app.as_caller(None);
    // Two years in an enterprise and a bachelor's degree: no route.
    let data = anonymous
        .data(
            HIRING,
            json!({ "c": { "enterpriseYears": 2, "education": "BACHELOR" } }),
        )
        .await;
    let answer = &data["teacherHiringCheck"];
    assert_eq!(answer["eligible"], false);
    let open_recruitment = &answer["routes"][0];
    assert_eq!(open_recruitment["key"], "OPEN_RECRUITMENT");
    assert_eq!(open_recruitment["conditions"][0]["key"], "enterprise_years");
    assert_eq!(open_recruitment["conditions"][0]["holds"], false);
    assert_eq!(open_recruitment["conditions"][1]["holds"], true);
    // A 高级技师 is hired by direct assessment, whatever the years.
    let data = anonymous
        .data(
            HIRING,
            json!({ "c": { "enterpriseYears": 1, "education": "BELOW_ASSOCIATE", "skillLevel": "SENIOR_TECHNICIAN" } }),
        )
        .await;
    let open: Vec<&str> = data["teacherHiringCheck"]["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .filter(|r| r["open"] == true)
        .map(|r| r["key"].as_str().expect("key"))
        .collect();
    assert_eq!(open, ["DIRECT_ASSESSMENT"]);
    // Impossible years are a clear BAD_USER_INPUT.
    let bad = anonymous
        .graphql(
            HIRING,
            json!({ "c": { "enterpriseYears": -2, "education": "BACHELOR" } }),
        )
        .await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
}
