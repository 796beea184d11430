use serde_json::{json, Value};

use crate::helpers::spawn_app;

const CREATE_POSTING: &str = r#"mutation($input: CreateDemandPostingInput!) {
  createDemandPosting(input: $input) {
    demandPosting { id title status headcount salary { min max } region { code } occupations { code } certificates { name } skills publishedAt }
    userErrors { field code message }
  }
}"#;

const UPDATE_POSTING: &str = r#"mutation($input: UpdateDemandPostingInput!) {
  updateDemandPosting(input: $input) {
    demandPosting { id title salary { min max } occupations { code } status }
    userErrors { field code message }
  }
}"#;

fn codes(errors: &Value) -> Vec<(String, String)> {
    errors
        .as_array()
        .map(|list| {
            list.iter()
                .map(|e| {
                    (
                        e["field"][1].as_str().unwrap_or_default().to_string(),
                        e["code"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn change_log_ops(app: &crate::helpers::TestApp, entity: &str, id: i32) -> Vec<String> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    entity::change_log::Entity::find()
        .filter(entity::change_log::Column::Entity.eq(entity))
        .filter(entity::change_log::Column::EntityId.eq(id))
        .order_by_asc(entity::change_log::Column::Seq)
        .all(&app.db)
        .await
        .expect("change log")
        .into_iter()
        .map(|row| format!("{:?}", row.operation))
        .collect()
}

fn row_id(global: &Value) -> i32 {
    hub::ids::decode_any(global.as_str().unwrap_or_default())
        .map(|(_, id)| id)
        .unwrap_or_default()
}

#[tokio::test]
async fn an_association_drafts_publishes_and_closes_a_posting_and_each_step_is_logged() {
    let app = spawn_app().await;
    let association = app.id_of("industryAssociations", "").await;
    let region = app.region_id("220202").await;
    let certificate = app.id_of("certificates", "").await;
    let created = app
        .data(
            CREATE_POSTING,
            json!({ "input": {
                "associationId": association, "regionId": region, "title": "  数控车工  ", "headcount": 3,
                "salaryMin": 5000, "salaryMax": 7000, "occupationCodes": ["6-20-03-01"], "certificateIds": [certificate],
                "skills": ["FANUC"], "educationLevel": "SENIOR_SECONDARY"
            } }),
        )
        .await;
    let payload = &created["createDemandPosting"];
    assert_eq!(payload["userErrors"], json!([]));
    let posting = &payload["demandPosting"];
    let id = posting["id"].clone();
    assert_eq!(
        posting,
        &json!({
            "id": id, "title": "数控车工", "status": "DRAFT", "headcount": 3, "salary": { "min": 5000, "max": 7000 },
            "region": { "code": "220202" }, "occupations": [{ "code": "6-20-03-01" }],
            "certificates": [{ "name": "工业机器人操作与运维" }], "skills": ["FANUC"], "publishedAt": null
        })
    );

    let status = "mutation($id: ID!) { publishDemandPosting(input: { id: $id }) { demandPosting { status } userErrors { code } } }";
    let published = app.data(status, json!({ "id": id })).await;
    assert_eq!(
        published["publishDemandPosting"],
        json!({ "demandPosting": { "status": "PUBLISHED" }, "userErrors": [] })
    );

    let close = "mutation($id: ID!) { closeDemandPosting(input: { id: $id }) { demandPosting { status } userErrors { code } } }";
    let closed = app.data(close, json!({ "id": id })).await;
    assert_eq!(
        closed["closeDemandPosting"],
        json!({ "demandPosting": { "status": "CLOSED" }, "userErrors": [] })
    );

    let again = app.data(status, json!({ "id": id })).await;
    assert_eq!(
        again["publishDemandPosting"],
        json!({ "demandPosting": null, "userErrors": [{ "code": "INVALID_STATE" }] })
    );
    let update = app
        .data(
            UPDATE_POSTING,
            json!({ "input": { "id": id, "title": "改标题" } }),
        )
        .await;
    assert_eq!(
        codes(&update["updateDemandPosting"]["userErrors"]),
        vec![("id".to_string(), "INVALID_STATE".to_string())]
    );

    assert_eq!(
        change_log_ops(&app, "DemandPosting", row_id(&id)).await,
        vec!["Create", "Update", "Update"]
    );
}

#[tokio::test]
async fn invalid_posting_input_is_reported_field_by_field_and_writes_nothing() {
    let app = spawn_app().await;
    let association = app.id_of("industryAssociations", "").await;
    let unknown_region = hub::ids::encode(hub::ids::NodeKind::Region, 9999).0;
    let postings_before = app.count("demand_posting").await;
    let log_before = app.count("change_log").await;
    let response = app
        .data(
            CREATE_POSTING,
            json!({ "input": {
                "associationId": association, "regionId": unknown_region, "title": "长".repeat(121), "headcount": 0,
                "salaryMin": 9000, "salaryMax": 5000, "occupationCodes": ["9-99-99-99"],
                "validFrom": "2027-02-01", "validUntil": "2027-01-01"
            } }),
        )
        .await;
    let payload = &response["createDemandPosting"];
    assert_eq!(payload["demandPosting"], Value::Null);
    let mut found = codes(&payload["userErrors"]);
    found.sort();
    let mut expected: Vec<(String, String)> = [
        ("title", "TOO_LONG"),
        ("headcount", "OUT_OF_RANGE"),
        ("salaryMin", "INVALID_RANGE"),
        ("validUntil", "INVALID_RANGE"),
        ("regionId", "NOT_FOUND"),
        ("occupationCodes", "NOT_FOUND"),
    ]
    .iter()
    .map(|(f, c)| (f.to_string(), c.to_string()))
    .collect();
    expected.sort();
    assert_eq!(found, expected);
    assert!(payload["userErrors"].as_array().is_some_and(|errors| errors
        .iter()
        .all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty()))));
    assert_eq!(app.count("demand_posting").await, postings_before);
    assert_eq!(app.count("change_log").await, log_before);
}

#[tokio::test]
async fn malformed_ids_in_an_input_are_user_errors() {
    let app = spawn_app().await;
    let region = app.region_id("220202").await;
    let response = app
        .data(CREATE_POSTING, json!({ "input": { "associationId": region, "title": "x", "certificateIds": ["???"] } }))
        .await;
    assert_eq!(
        codes(&response["createDemandPosting"]["userErrors"]),
        vec![
            ("associationId".to_string(), "INVALID".to_string()),
            ("certificateIds".to_string(), "INVALID".to_string())
        ]
    );
    assert_eq!(
        response["createDemandPosting"]["userErrors"][0]["message"],
        format!("id `{region}` is a Region id, expected a IndustryAssociation id")
    );
}

#[tokio::test]
async fn an_update_changes_only_the_given_fields_and_null_clears() {
    let app = spawn_app().await;
    let id = app
        .id_of(
            "demandPostings",
            ", filter: { occupationCode: \"6-31-07-03\" }",
        )
        .await;
    let response = app.data(UPDATE_POSTING, json!({ "input": { "id": id, "title": "工业机器人操作员（急招）", "salaryMax": null, "salaryMin": null } })).await;
    assert_eq!(
        response["updateDemandPosting"],
        json!({
            "demandPosting": { "id": id, "title": "工业机器人操作员（急招）", "salary": { "min": null, "max": null }, "occupations": [{ "code": "6-31-07-03" }], "status": "PUBLISHED" },
            "userErrors": []
        })
    );
    let reversed = app
        .data(
            UPDATE_POSTING,
            json!({ "input": { "id": id, "salaryMin": 8000, "salaryMax": 6000 } }),
        )
        .await;
    assert_eq!(
        codes(&reversed["updateDemandPosting"]["userErrors"]),
        vec![("salaryMin".to_string(), "INVALID_RANGE".to_string())]
    );
    let unknown = hub::ids::encode(hub::ids::NodeKind::DemandPosting, 999_999).0;
    let missing = app
        .data(
            UPDATE_POSTING,
            json!({ "input": { "id": unknown, "title": "x" } }),
        )
        .await;
    assert_eq!(
        codes(&missing["updateDemandPosting"]["userErrors"]),
        vec![("id".to_string(), "NOT_FOUND".to_string())]
    );
}

const CREATE_PROGRAM: &str = r#"mutation($input: CreateProgramInput!) {
  createProgram(input: $input) { program { name catalogueEntry { code } college { name } occupations { code } } userErrors { field code } }
}"#;

#[tokio::test]
async fn a_college_registers_programs_on_the_catalogue() {
    let app = spawn_app().await;
    let college = app.id_of("colleges", "").await;
    let created = app
        .data(CREATE_PROGRAM, json!({ "input": { "collegeId": college, "catalogueCode": "530701", "enrolmentPlan": 45, "occupationCodes": ["4-01-06-01"] } }))
        .await;
    assert_eq!(
        created["createProgram"],
        json!({ "program": { "name": "电子商务", "catalogueEntry": { "code": "530701" }, "college": { "name": "吉林市江城职业技术学院（演示）" }, "occupations": [{ "code": "4-01-06-01" }] }, "userErrors": [] })
    );
    let taken = app
        .data(
            CREATE_PROGRAM,
            json!({ "input": { "collegeId": college, "catalogueCode": "530701" } }),
        )
        .await;
    assert_eq!(
        taken["createProgram"]["userErrors"],
        json!([{ "field": ["input", "name"], "code": "TAKEN" }])
    );
    let unknown = app
        .data(
            CREATE_PROGRAM,
            json!({ "input": { "collegeId": college, "catalogueCode": "999999" } }),
        )
        .await;
    assert_eq!(
        codes(&unknown["createProgram"]["userErrors"]),
        vec![
            ("catalogueCode".to_string(), "NOT_FOUND".to_string()),
            ("name".to_string(), "BLANK".to_string())
        ]
    );
    let category = app
        .data(
            CREATE_PROGRAM,
            json!({ "input": { "collegeId": college, "catalogueCode": "46", "name": "装备" } }),
        )
        .await;
    assert_eq!(
        codes(&category["createProgram"]["userErrors"]),
        vec![("catalogueCode".to_string(), "INVALID".to_string())]
    );
    let negative = app
        .data(
            CREATE_PROGRAM,
            json!({ "input": { "collegeId": college, "name": "新专业", "enrolmentPlan": -1 } }),
        )
        .await;
    assert_eq!(
        codes(&negative["createProgram"]["userErrors"]),
        vec![("enrolmentPlan".to_string(), "OUT_OF_RANGE".to_string())]
    );

    let id = app
        .id_of("programs", ", filter: { catalogueCode: \"460305\" }")
        .await;
    let updated = app
        .data(
            "mutation($input: UpdateProgramInput!) { updateProgram(input: $input) { program { name enrolmentPlan catalogueEntry { code } } userErrors { code } } }",
            json!({ "input": { "id": id, "enrolmentPlan": 150, "catalogueCode": null } }),
        )
        .await;
    assert_eq!(
        updated["updateProgram"],
        json!({ "program": { "name": "工业机器人技术", "enrolmentPlan": 150, "catalogueEntry": null }, "userErrors": [] })
    );
}

const CREATE_OFFER: &str = r#"mutation($input: CreateApprenticeshipOfferInput!) {
  createApprenticeshipOffer(input: $input) { apprenticeshipOffer { title cooperationStart cooperationEnd enterprise { name } occupations { code } } userErrors { field code message } }
}"#;

#[tokio::test]
async fn cooperation_cycles_longer_than_three_years_are_refused() {
    let app = spawn_app().await;
    let enterprise = app.id_of("enterprises", "").await;
    let offers_before = app.count("apprenticeship_offer").await;
    let input = |end: &str| {
        json!({ "input": { "enterpriseId": enterprise, "title": "焊工学徒", "places": 10, "durationMonths": 12,
            "cooperationStart": "2026-09-01", "cooperationEnd": end, "occupationCodes": ["6-18-02-04"] } })
    };
    let too_long = app.data(CREATE_OFFER, input("2029-09-02")).await;
    let errors = &too_long["createApprenticeshipOffer"]["userErrors"];
    assert_eq!(
        codes(errors),
        vec![("cooperationEnd".to_string(), "CYCLE_TOO_LONG".to_string())]
    );
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("2029-09-01"),
        "{errors}"
    );
    assert_eq!(app.count("apprenticeship_offer").await, offers_before);

    let ok = app.data(CREATE_OFFER, input("2029-09-01")).await;
    assert_eq!(
        ok["createApprenticeshipOffer"],
        json!({ "apprenticeshipOffer": { "title": "焊工学徒", "cooperationStart": "2026-09-01", "cooperationEnd": "2029-09-01",
            "enterprise": { "name": "吉林江城智能装备有限公司（演示）" }, "occupations": [{ "code": "6-18-02-04" }] }, "userErrors": [] })
    );
    let places = app.data(CREATE_OFFER, json!({ "input": { "enterpriseId": enterprise, "title": "x", "places": 0, "durationMonths": 40,
        "cooperationStart": "2026-09-01", "cooperationEnd": "2026-08-01" } })).await;
    assert_eq!(
        codes(&places["createApprenticeshipOffer"]["userErrors"]),
        vec![
            ("places".to_string(), "OUT_OF_RANGE".to_string()),
            ("durationMonths".to_string(), "OUT_OF_RANGE".to_string()),
            ("cooperationEnd".to_string(), "INVALID_RANGE".to_string())
        ]
    );

    let id = app.id_of("apprenticeshipOffers", "").await;
    let extend = app
        .data(
            "mutation($input: UpdateApprenticeshipOfferInput!) { updateApprenticeshipOffer(input: $input) { apprenticeshipOffer { places } userErrors { code } } }",
            json!({ "input": { "id": id, "cooperationEnd": "2031-01-01" } }),
        )
        .await;
    assert_eq!(
        extend["updateApprenticeshipOffer"],
        json!({ "apprenticeshipOffer": null, "userErrors": [{ "code": "CYCLE_TOO_LONG" }] })
    );
    let more = app
        .data(
            "mutation($input: UpdateApprenticeshipOfferInput!) { updateApprenticeshipOffer(input: $input) { apprenticeshipOffer { places } userErrors { code } } }",
            json!({ "input": { "id": id, "places": 25 } }),
        )
        .await;
    assert_eq!(
        more["updateApprenticeshipOffer"],
        json!({ "apprenticeshipOffer": { "places": 25 }, "userErrors": [] })
    );
}

#[tokio::test]
async fn training_courses_check_their_certificate_dates_and_numbers() {
    let app = spawn_app().await;
    let provider = app
        .id_of("colleges", ", filter: { levels: [TRAINING_BASE] }")
        .await;
    let create = r#"mutation($input: CreateTrainingCourseInput!) {
      createTrainingCourse(input: $input) { trainingCourse { title kind fee provider { name } certificate { name } } userErrors { field code } }
    }"#;
    let missing = app
        .data(create, json!({ "input": { "providerId": provider, "title": "证书培训", "kind": "CERTIFICATE_TRAINING", "hours": 0, "capacity": 20,
            "startsOn": "2027-02-01", "endsOn": "2027-01-01" } }))
        .await;
    assert_eq!(
        codes(&missing["createTrainingCourse"]["userErrors"]),
        vec![
            ("hours".to_string(), "OUT_OF_RANGE".to_string()),
            ("endsOn".to_string(), "INVALID_RANGE".to_string()),
            ("certificateId".to_string(), "BLANK".to_string())
        ]
    );
    let ok = app
        .data(create, json!({ "input": { "providerId": provider, "title": "焊工实用技术", "kind": "PRACTICAL_TECHNOLOGY", "hours": 32, "capacity": 20 } }))
        .await;
    assert_eq!(
        ok["createTrainingCourse"],
        json!({ "trainingCourse": { "title": "焊工实用技术", "kind": "PRACTICAL_TECHNOLOGY", "fee": 0, "provider": { "name": "吉林市公共实训基地（演示）" }, "certificate": null }, "userErrors": [] })
    );
    let id = app
        .id_of(
            "trainingCourses",
            ", filter: { kinds: [PRACTICAL_TECHNOLOGY] }",
        )
        .await;
    let update = r#"mutation($input: UpdateTrainingCourseInput!) { updateTrainingCourse(input: $input) { trainingCourse { fee capacity } userErrors { field code } } }"#;
    let updated = app
        .data(update, json!({ "input": { "id": id, "fee": 100 } }))
        .await;
    assert_eq!(updated["updateTrainingCourse"]["userErrors"], json!([]));
    assert_eq!(
        updated["updateTrainingCourse"]["trainingCourse"]["fee"],
        100
    );
    let negative = app
        .data(update, json!({ "input": { "id": id, "fee": -5 } }))
        .await;
    assert_eq!(
        negative["updateTrainingCourse"]["userErrors"],
        json!([{ "field": ["input", "fee"], "code": "OUT_OF_RANGE" }])
    );
}
