//! The expert pool and teaching needs over HTTP: matching with scores
//! worked out by hand on the parts of supply–demand matching, who sees an
//! expert's contact details, the hiring rule answered from an expert's
//! record, and refused or invalid writes that change nothing.

use chrono::{Duration, Utc};
use entity::enums::TokenRole;
use serde_json::{json, Value};

use crate::helpers::{create_token, error_code, spawn_app, TestApp};

fn row(id: &str) -> i32 {
    hub::ids::decode_any(id).map(|(_, row)| row).expect("an id")
}

async fn caller(admin: &TestApp, role: TokenRole, organisation: &str) -> TestApp {
    admin.as_caller(Some(
        &create_token(&admin.db, role, Some(row(organisation))).await,
    ))
}

const MATCHES: &str = "query($id: ID!) { node(id: $id) { ... on TeachingNeed { matches(first: 50) { totalCount edges { node { score object { ... on Expert { id } } parts { part value counted points explanation } matchedTerms } } } } } }";

fn edges(data: &Value) -> Vec<Value> {
    data["node"]["matches"]["edges"]
        .as_array()
        .expect("edges")
        .clone()
}

fn of(edges: &[Value], id: &str) -> Option<Value> {
    edges
        .iter()
        .find(|edge| edge["node"]["object"]["id"] == id)
        .map(|edge| edge["node"].clone())
}

fn part(matched: &Value, kind: &str) -> Value {
    matched["parts"]
        .as_array()
        .and_then(|parts| parts.iter().find(|p| p["part"] == kind))
        .cloned()
        .unwrap_or_else(|| panic!("no part {kind}: {matched}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-4
}

#[tokio::test]
async fn experts_match_needs_on_the_matching_parts_as_worked_out_by_hand() {
    let admin = spawn_app().await;
    let changyi = admin.region_id("220202").await;
    let chuanying = admin.region_id("220204").await;
    let college = admin
        .create(
            "createCollege",
            "college",
            json!({ "name": "专家测试学院", "level": "HIGHER_VOCATIONAL", "ownership": "CITY", "regionId": changyi }),
        )
        .await;
    let program = admin
        .create(
            "createProgram",
            "program",
            json!({ "collegeId": college, "catalogueCode": "460103", "name": "数控技术（专家测试）" }),
        )
        .await;
    let near = admin
        .create(
            "createEnterprise",
            "enterprise",
            json!({ "name": "专家测试企业甲", "size": "MEDIUM", "regionId": changyi }),
        )
        .await;
    let far = admin
        .create(
            "createEnterprise",
            "enterprise",
            json!({ "name": "专家测试企业乙", "size": "SMALL", "regionId": chuanying }),
        )
        .await;
    let certificates = admin
        .data(
            "{ certificates(first: 2) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let certificate = |n: usize| {
        certificates["certificates"]["edges"][n]["node"]["id"]
            .as_str()
            .expect("a demo certificate")
            .to_string()
    };
    let near_app = caller(&admin, TokenRole::Enterprise, &near).await;
    let far_app = caller(&admin, TokenRole::Enterprise, &far).await;
    let college_app = caller(&admin, TokenRole::College, &college).await;

    // The need: 60 hours over 119 days (17 weeks), a month from today.
    let start = Utc::now().date_naive() + Duration::days(30);
    let end = start + Duration::days(118);
    let need = college_app
        .create(
            "createTeachingNeed",
            "teachingNeed",
            json!({ "programId": program, "title": "数控车床编程实训", "topics": ["数控车床编程", "零件检测"],
                "hours": 60, "periodStart": start.to_string(), "periodEnd": end.to_string(),
                "occupationCodes": ["6-18-01-01"], "certificateIds": [certificate(0), certificate(1)] }),
        )
        .await;

    let expert = |app: &TestApp, input: Value| {
        let app = app.clone();
        async move { app.create("createExpert", "expert", input).await }
    };
    // Same occupation, every term, one of two certificates, same district,
    // 4 h a week × 119 days / 7 = 68 hours ≥ 60.
    let best = expert(
        &near_app,
        json!({ "enterpriseId": near, "name": "王建国", "kind": "SKILLED_WORKER", "jobTitle": "数控车间主任",
            "education": "ASSOCIATE", "skillLevel": "TECHNICIAN", "enterpriseYears": 12,
            "skills": ["数控车床编程实训", "零件检测"], "hoursPerWeek": 4,
            "phone": "0432-6288 1234", "email": "wang.jg@example.com",
            "occupationCodes": ["6-18-01-01"], "certificateIds": [certificate(0)],
            "shareContactWith": [college] }),
    )
    .await;
    // Same 小类 (车工 / 铣工), no term, no certificate, same city, 2 h a
    // week from day 63 of the period: 56 days → 16 hours.
    let partial = expert(
        &far_app,
        json!({ "enterpriseId": far, "name": "李淑华", "kind": "ENGINEER", "education": "BACHELOR",
            "enterpriseYears": 6, "skills": ["装配调试"], "hoursPerWeek": 2, "buildsCourses": true,
            "availableFrom": (start + Duration::days(62)).to_string(),
            "occupationCodes": ["6-18-01-02"] }),
    )
    .await;
    // Would fit, but builds courses only: not for a teaching need.
    let builder = expert(
        &near_app,
        json!({ "enterpriseId": near, "name": "赵志强", "kind": "ENGINEER", "education": "MASTER",
            "enterpriseYears": 9, "skills": ["数控车床编程"], "hoursPerWeek": 8,
            "teaches": false, "buildsCourses": true, "occupationCodes": ["6-18-01-01"] }),
    )
    .await;
    // Another occupation, but a skill the need names: listed on the text.
    let term_only = expert(
        &far_app,
        json!({ "enterpriseId": far, "name": "吴敏", "kind": "ENGINEER", "education": "BACHELOR",
            "enterpriseYears": 4, "skills": ["零件检测"], "hoursPerWeek": 2,
            "occupationCodes": ["2-06-01-01"] }),
    )
    .await;
    // Unrelated work: no shared occupation, no shared term.
    let unrelated = expert(
        &far_app,
        json!({ "enterpriseId": far, "name": "孙丽", "kind": "INDUSTRY_EXPERT", "education": "BELOW_ASSOCIATE",
            "enterpriseYears": 1, "skills": ["财务核算"], "hoursPerWeek": 3,
            "occupationCodes": ["2-06-01-01"] }),
    )
    .await;

    // Listed under their program and enterprise.
    let listed = admin
        .data(
            "query($p: ID!, $e: ID!) { p: node(id: $p) { ... on Program { teachingNeeds { edges { node { id } } } } } e: node(id: $e) { ... on Enterprise { experts { edges { node { id } } } } } }",
            json!({ "p": program, "e": near }),
        )
        .await;
    assert_eq!(
        listed["p"]["teachingNeeds"]["edges"],
        json!([{ "node": { "id": need } }])
    );
    assert_eq!(
        listed["e"]["experts"]["edges"],
        json!([{ "node": { "id": best } }, { "node": { "id": builder } }])
    );

    // Found by a word of their skills or post.
    for text in ["零件检测", "车间主任"] {
        let found = admin
            .data(
                "query($e: ID!, $t: String!) { experts(filter: { enterpriseId: $e, textContains: $t }) { edges { node { id } } } }",
                json!({ "e": near, "t": text }),
            )
            .await;
        assert_eq!(
            found["experts"]["edges"],
            json!([{ "node": { "id": best } }]),
            "{text}"
        );
    }

    let data = admin.data(MATCHES, json!({ "id": need })).await;
    let list = edges(&data);
    let first = of(&list, &best).expect("the best expert is listed");
    let second = of(&list, &partial).expect("the partial expert is listed");
    assert!(
        of(&list, &builder).is_none(),
        "course builders only: not listed"
    );
    assert!(of(&list, &unrelated).is_none(), "unrelated: not listed");
    let text_only = of(&list, &term_only).expect("a shared term is enough to be listed");
    assert_eq!(part(&text_only, "OCCUPATION")["value"], 0.0);
    assert!(part(&text_only, "TEXT")["value"]
        .as_f64()
        .is_some_and(|v| v > 0.0));

    // Best: occupation 1, text 1, certificates 1/2, region 1, capacity 1;
    // education not stated (not counted): (0.4 + 0.2 + 0.075 + 0.1 + 0.05) / 0.9.
    assert!(
        close(first["score"].as_f64().expect("score"), 0.825 / 0.9),
        "{first}"
    );
    assert_eq!(part(&first, "OCCUPATION")["value"], 1.0);
    assert_eq!(part(&first, "TEXT")["value"], 1.0);
    assert_eq!(part(&first, "CERTIFICATES")["value"], 0.5);
    assert_eq!(part(&first, "REGION")["value"], 1.0);
    assert_eq!(part(&first, "CAPACITY")["value"], 1.0);
    assert_eq!(
        part(&first, "CAPACITY")["explanation"],
        "需求 60 学时，供给 68 学时"
    );
    assert_eq!(part(&first, "EDUCATION")["counted"], false);

    // Partial: occupation 0.5 (same 小类), text 0, certificates 0/2,
    // region 0.6, capacity 16/60; R = 0.2 / 0.6.
    let r = 0.2 / 0.6;
    let want = (0.4 * 0.5 + r * (0.15 * 0.0 + 0.1 * 0.6 + 0.05 * (16.0 / 60.0))) / 0.9;
    assert!(
        close(second["score"].as_f64().expect("score"), want),
        "{second} vs {want}"
    );
    assert_eq!(part(&second, "OCCUPATION")["value"], 0.5);
    assert_eq!(part(&second, "TEXT")["value"], 0.0);
    assert_eq!(part(&second, "REGION")["value"], 0.6);
    assert_eq!(
        part(&second, "CAPACITY")["explanation"],
        "需求 60 学时，供给 16 学时"
    );
    let position = |id: &str| {
        list.iter()
            .position(|edge| edge["node"]["object"]["id"] == id)
            .expect("listed")
    };
    assert!(position(&best) < position(&partial));

    // Seen from the expert: the same pair, the same score.
    let from_expert = admin
        .data(
            "query($id: ID!) { node(id: $id) { ... on Expert { matches { edges { node { score object { ... on TeachingNeed { id } } } } } } } }",
            json!({ "id": best }),
        )
        .await;
    let mine = from_expert["node"]["matches"]["edges"]
        .as_array()
        .and_then(|edges| edges.iter().find(|e| e["node"]["object"]["id"] == need))
        .cloned()
        .expect("the need is listed for the expert");
    assert!(close(
        mine["node"]["score"].as_f64().expect("score"),
        0.825 / 0.9
    ));

    // Closed needs leave the experts' lists; the need still shows its own.
    let closed = college_app
        .data(
            "mutation($id: ID!) { updateTeachingNeed(input: { id: $id, status: CLOSED }) { teachingNeed { status } userErrors { code } } }",
            json!({ "id": need }),
        )
        .await;
    assert_eq!(
        closed["updateTeachingNeed"]["teachingNeed"]["status"],
        "CLOSED"
    );
    let from_expert = admin
        .data(
            "query($id: ID!) { node(id: $id) { ... on Expert { matches { edges { node { object { ... on TeachingNeed { id } } } } } } } }",
            json!({ "id": best }),
        )
        .await;
    assert!(!from_expert.to_string().contains(&need));
    let data = admin.data(MATCHES, json!({ "id": need })).await;
    assert!(of(&edges(&data), &best).is_some());

    // The hiring rule from the record: 技师 opens direct assessment; one
    // year, below 大专, no level and no certificate opens nothing.
    let check = "query($id: ID!) { node(id: $id) { ... on Expert { hiringCheck { eligible routes { key open } } } } }";
    let answer = admin.data(check, json!({ "id": best })).await;
    let routes = answer["node"]["hiringCheck"]["routes"]
        .as_array()
        .expect("routes")
        .clone();
    assert_eq!(answer["node"]["hiringCheck"]["eligible"], true);
    assert!(routes
        .iter()
        .any(|r| r["key"] == "DIRECT_ASSESSMENT" && r["open"] == true));
    let answer = admin.data(check, json!({ "id": unrelated })).await;
    assert_eq!(answer["node"]["hiringCheck"]["eligible"], false, "{answer}");
}

#[tokio::test]
async fn contact_details_are_seen_only_by_the_enterprise_consenting_colleges_and_admins() {
    let admin = spawn_app().await;
    let enterprise = admin
        .create(
            "createEnterprise",
            "enterprise",
            json!({ "name": "联系方式测试企业", "size": "SMALL" }),
        )
        .await;
    let shared = admin
        .create(
            "createCollege",
            "college",
            json!({ "name": "联系方式测试学院甲", "level": "HIGHER_VOCATIONAL", "ownership": "CITY" }),
        )
        .await;
    let other = admin
        .create(
            "createCollege",
            "college",
            json!({ "name": "联系方式测试学院乙", "level": "HIGHER_VOCATIONAL", "ownership": "CITY" }),
        )
        .await;
    let own_app = caller(&admin, TokenRole::Enterprise, &enterprise).await;
    let shared_app = caller(&admin, TokenRole::College, &shared).await;
    let other_app = caller(&admin, TokenRole::College, &other).await;
    let expert = own_app
        .create(
            "createExpert",
            "expert",
            json!({ "enterpriseId": enterprise, "name": "周伟", "kind": "ENGINEER", "education": "BACHELOR",
                "enterpriseYears": 10, "hoursPerWeek": 4, "phone": "13800000000", "email": "zhou.wei@example.com",
                "shareContactWith": [shared] }),
        )
        .await;
    let query = "query($id: ID!) { node(id: $id) { ... on Expert { name contactAccess contact { phone email } contactSharedWith { id } } } }";
    let seen = |app: TestApp| {
        let expert = expert.clone();
        async move { app.data(query, json!({ "id": expert })).await["node"].clone() }
    };

    let by_owner = seen(own_app.clone()).await;
    assert_eq!(by_owner["contactAccess"], "OWN_ENTERPRISE");
    assert_eq!(by_owner["contact"]["phone"], "13800000000");
    assert_eq!(by_owner["contactSharedWith"], json!([{ "id": shared }]));
    let by_shared = seen(shared_app.clone()).await;
    assert_eq!(by_shared["contactAccess"], "SHARED_WITH_COLLEGE");
    assert_eq!(by_shared["contact"]["email"], "zhou.wei@example.com");
    assert_eq!(by_shared["contactSharedWith"], Value::Null);
    let by_admin = seen(admin.clone()).await;
    assert_eq!(by_admin["contactAccess"], "ADMIN");
    assert_eq!(by_admin["contact"]["phone"], "13800000000");
    for stranger in [other_app.clone(), admin.as_caller(None)] {
        let view = seen(stranger).await;
        assert_eq!(view["name"], "周伟", "the profile itself is public");
        assert_eq!(view["contactAccess"], "HIDDEN");
        assert_eq!(view["contact"], Value::Null);
        assert_eq!(view["contactSharedWith"], Value::Null);
    }
    // In lists too.
    let list = other_app
        .data(
            "query($e: ID!) { experts(filter: { enterpriseId: $e }) { edges { node { contact { phone } } } } }",
            json!({ "e": enterprise }),
        )
        .await;
    assert_eq!(list["experts"]["edges"][0]["node"]["contact"], Value::Null);

    // The expert withdraws consent: the college no longer sees them.
    own_app
        .data(
            "mutation($id: ID!) { updateExpert(input: { id: $id, shareContactWith: [] }) { userErrors { code } } }",
            json!({ "id": expert }),
        )
        .await;
    let by_shared = seen(shared_app).await;
    assert_eq!(by_shared["contactAccess"], "HIDDEN");
    assert_eq!(by_shared["contact"], Value::Null);
}

#[tokio::test]
async fn invalid_or_refused_expert_and_need_writes_change_nothing() {
    let admin = spawn_app().await;
    let enterprise = admin
        .create(
            "createEnterprise",
            "enterprise",
            json!({ "name": "校验测试企业", "size": "SMALL" }),
        )
        .await;
    let other = admin
        .create(
            "createEnterprise",
            "enterprise",
            json!({ "name": "校验测试企业乙", "size": "SMALL" }),
        )
        .await;
    let other_app = caller(&admin, TokenRole::Enterprise, &other).await;
    let (experts, needs) = (
        admin.count("expert").await,
        admin.count("teaching_need").await,
    );

    let create = "mutation($input: CreateExpertInput!) { createExpert(input: $input) { expert { id } userErrors { field code message } } }";
    let data = admin
        .data(
            create,
            json!({ "input": { "enterpriseId": enterprise, "name": " ", "kind": "ENGINEER", "education": "BACHELOR",
                "enterpriseYears": 70, "hoursPerWeek": 0, "teaches": false, "email": "not-an-address",
                "availableFrom": "2027-05-01", "availableUntil": "2027-04-01",
                "occupationCodes": ["9-99-99-99"],
                "shareContactWith": [hub::ids::encode(hub::ids::NodeKind::College, 999_999)] } }),
        )
        .await;
    let errors = data["createExpert"]["userErrors"]
        .as_array()
        .expect("errors")
        .clone();
    let code_of = |field: &str| {
        errors
            .iter()
            .find(|e| e["field"] == json!(["input", field]))
            .map(|e| e["code"].as_str().unwrap_or_default().to_string())
            .unwrap_or_else(|| panic!("no error on {field}: {errors:?}"))
    };
    assert_eq!(code_of("name"), "BLANK");
    assert_eq!(code_of("enterpriseYears"), "OUT_OF_RANGE");
    assert_eq!(code_of("hoursPerWeek"), "OUT_OF_RANGE");
    assert_eq!(code_of("teaches"), "INVALID");
    assert_eq!(code_of("email"), "INVALID");
    assert_eq!(code_of("availableUntil"), "INVALID_RANGE");
    assert_eq!(code_of("occupationCodes"), "NOT_FOUND");
    assert_eq!(code_of("shareContactWith"), "NOT_FOUND");
    assert_eq!(data["createExpert"]["expert"], Value::Null);

    // Another enterprise's expert, or no token: refused.
    let valid = json!({ "enterpriseId": enterprise, "name": "钱进", "kind": "ENGINEER", "education": "BACHELOR",
        "enterpriseYears": 5, "hoursPerWeek": 4 });
    let refused = other_app.graphql(create, json!({ "input": valid })).await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    let anonymous = admin
        .as_caller(None)
        .graphql(create, json!({ "input": valid }))
        .await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");

    // A need ending before it starts, of a program that does not exist.
    let program = admin.id_of("programs", "").await;
    let need = "mutation($input: CreateTeachingNeedInput!) { createTeachingNeed(input: $input) { teachingNeed { id } userErrors { field code } } }";
    let data = admin
        .data(
            need,
            json!({ "input": { "programId": program, "title": "实训", "hours": 0,
                "periodStart": "2027-06-01", "periodEnd": "2027-03-01", "topics": [""] } }),
        )
        .await;
    let codes: Vec<(Value, Value)> = data["createTeachingNeed"]["userErrors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["field"].clone(), e["code"].clone()))
        .collect();
    assert!(
        codes.contains(&(json!(["input", "hours"]), json!("OUT_OF_RANGE"))),
        "{codes:?}"
    );
    assert!(
        codes.contains(&(json!(["input", "periodEnd"]), json!("INVALID_RANGE"))),
        "{codes:?}"
    );
    assert!(
        codes.contains(&(json!(["input", "topics"]), json!("BLANK"))),
        "{codes:?}"
    );
    let missing = hub::ids::encode(hub::ids::NodeKind::Program, 999_999);
    let data = admin
        .data(
            need,
            json!({ "input": { "programId": missing, "title": "实训", "hours": 8,
                "periodStart": "2027-03-01", "periodEnd": "2027-06-01" } }),
        )
        .await;
    assert_eq!(
        data["createTeachingNeed"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    // A college may not publish for another college's program.
    let outsider = admin
        .create(
            "createCollege",
            "college",
            json!({ "name": "校验测试学院", "level": "HIGHER_VOCATIONAL", "ownership": "CITY" }),
        )
        .await;
    let outsider_app = caller(&admin, TokenRole::College, &outsider).await;
    let refused = outsider_app
        .graphql(
            need,
            json!({ "input": { "programId": program, "title": "实训", "hours": 8,
                "periodStart": "2027-03-01", "periodEnd": "2027-06-01" } }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");

    assert_eq!(admin.count("expert").await, experts);
    assert_eq!(admin.count("teaching_need").await, needs);
}
