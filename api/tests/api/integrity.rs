//! Integrity under change: documents follow the rows they embed, the
//! indexer recovers from a failing disk and says so while it fails, and
//! crafted input is refused as input.

use std::{collections::BTreeSet, time::Duration};

use entity::enums::ChangeOperation;
use hub::ids::{self, NodeKind};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::helpers::{error_code, spawn_app, spawn_app_with_faults, TestApp};

/// The global IDs of everything a search for `text` finds among `kind`.
async fn found(app: &TestApp, text: &str, kind: &str) -> BTreeSet<String> {
    let data = app
        .data(
            &format!(
                r#"query($q: String!) {{ search(query: $q, kinds: [{kind}], first: 50) {{
                    edges {{ node {{ object {{ ... on Node {{ id }} }} }} }} }} }}"#
            ),
            json!({ "q": text }),
        )
        .await;
    data["search"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|edge| edge["node"]["object"]["id"].as_str().map(str::to_string))
        .collect()
}

/// One way a search document embeds another row: the SQL that picks a
/// `(referenced id, dependent id)` pair from the demo data, the table and
/// change-log name of the referenced row, and the dependent's kind.
struct Reference {
    entity: &'static str,
    table: &'static str,
    pick: &'static str,
    dependent: NodeKind,
    search_kind: &'static str,
}

const PUBLISHED: &str = "(SELECT id FROM demand_posting WHERE status = 'PUBLISHED')";

fn references() -> Vec<Reference> {
    let reference = |entity, table, pick, dependent, search_kind| Reference {
        entity,
        table,
        pick,
        dependent,
        search_kind,
    };
    use NodeKind::*;
    vec![
        reference("Occupation", "occupation", "SELECT occupation_id, posting_id FROM posting_occupation WHERE posting_id IN PUBLISHED", DemandPosting, "DEMAND_POSTING"),
        reference("Occupation", "occupation", "SELECT occupation_id, program_id FROM program_occupation", Program, "PROGRAM"),
        reference("Occupation", "occupation", "SELECT occupation_id, offer_id FROM offer_occupation", ApprenticeshipOffer, "APPRENTICESHIP_OFFER"),
        reference("Occupation", "occupation", "SELECT occupation_id, certificate_id FROM certificate_occupation", Certificate, "CERTIFICATE"),
        reference("CatalogueEntry", "catalogue_entry", "SELECT catalogue_entry_id, id FROM program WHERE catalogue_entry_id IS NOT NULL", Program, "PROGRAM"),
        reference("CatalogueEntry", "catalogue_entry", "SELECT catalogue_entry_id, certificate_id FROM certificate_catalogue_entry", Certificate, "CERTIFICATE"),
        reference("Certificate", "certificate", "SELECT certificate_id, posting_id FROM posting_certificate WHERE posting_id IN PUBLISHED", DemandPosting, "DEMAND_POSTING"),
        reference("Certificate", "certificate", "SELECT certificate_id, program_id FROM program_certificate", Program, "PROGRAM"),
        reference("Certificate", "certificate", "SELECT certificate_id, id FROM training_course WHERE certificate_id IS NOT NULL", TrainingCourse, "TRAINING_COURSE"),
        reference("Region", "region", "SELECT region_id, id FROM demand_posting WHERE region_id IS NOT NULL AND id IN PUBLISHED", DemandPosting, "DEMAND_POSTING"),
        reference("Region", "region", "SELECT region_id, id FROM apprenticeship_offer WHERE region_id IS NOT NULL", ApprenticeshipOffer, "APPRENTICESHIP_OFFER"),
        reference("Region", "region", "SELECT region_id, id FROM training_course WHERE region_id IS NOT NULL", TrainingCourse, "TRAINING_COURSE"),
        reference("IndustryAssociation", "industry_association", "SELECT association_id, id FROM demand_posting WHERE id IN PUBLISHED", DemandPosting, "DEMAND_POSTING"),
        reference("Enterprise", "enterprise", "SELECT enterprise_id, id FROM demand_posting WHERE enterprise_id IS NOT NULL AND id IN PUBLISHED", DemandPosting, "DEMAND_POSTING"),
        reference("Enterprise", "enterprise", "SELECT enterprise_id, id FROM apprenticeship_offer", ApprenticeshipOffer, "APPRENTICESHIP_OFFER"),
        reference("College", "college", "SELECT college_id, id FROM program", Program, "PROGRAM"),
        reference("College", "college", "SELECT partner_college_id, id FROM apprenticeship_offer WHERE partner_college_id IS NOT NULL", ApprenticeshipOffer, "APPRENTICESHIP_OFFER"),
        reference("College", "college", "SELECT provider_id, id FROM training_course", TrainingCourse, "TRAINING_COURSE"),
    ]
}

async fn pick(app: &TestApp, sql: &str) -> (i32, i32) {
    let sql = format!(
        "{} ORDER BY 1, 2 LIMIT 1",
        sql.replace("PUBLISHED", PUBLISHED)
    );
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            sql.clone(),
        ))
        .await
        .expect("the pick query runs")
        .unwrap_or_else(|| panic!("the demo has a row for `{sql}`"));
    (
        row.try_get_by_index::<i32>(0).expect("a referenced id"),
        row.try_get_by_index::<i32>(1).expect("a dependent id"),
    )
}

/// Renames a row through the write pipeline every service uses.
async fn rename(app: &TestApp, entity: &str, table: &str, id: i32, name: &str) {
    let mut write = hub::services::begin(&app.db).await.expect("begin");
    write
        .db()
        .execute_unprepared(&format!(
            "UPDATE {table} SET name = '{name}' WHERE id = {id}"
        ))
        .await
        .expect("rename");
    write.record(entity, id, ChangeOperation::Update);
    write.commit().await.expect("commit");
}

#[tokio::test]
async fn every_document_that_embeds_a_renamed_row_is_found_by_the_new_name() {
    let app = spawn_app().await;
    let references = references();
    let covered: BTreeSet<&str> = references.iter().map(|r| r.entity).collect();
    assert_eq!(
        covered,
        hub::indexing::dependents::embedded_entities(),
        "each kind of reference has a case here"
    );
    for (n, reference) in references.iter().enumerate() {
        let (referenced, dependent) = pick(&app, reference.pick).await;
        // A word no demo text holds, and no other case's word.
        let token = format!("renamecheck{n}x");
        let expected = ids::encode(reference.dependent, dependent).to_string();
        assert!(
            !found(&app, &token, reference.search_kind)
                .await
                .contains(&expected),
            "{} → {:?}: not found before the rename",
            reference.entity,
            reference.dependent
        );
        rename(&app, reference.entity, reference.table, referenced, &token).await;
        app.wait_until_indexed().await;
        assert!(
            found(&app, &token, reference.search_kind).await.contains(&expected),
            "{} {referenced} renamed to {token}: its dependent {:?} {dependent} is found by the new name",
            reference.entity,
            reference.dependent
        );
    }
}

#[tokio::test]
async fn a_reimported_occupation_name_finds_its_postings_without_a_reindex() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("occupations.csv");
    std::fs::write(
        &path,
        "code,name_clean,is_digital,is_green,definition,main_tasks,minor_code,minor_gbm,minor_name,minor_definition,medium_code,medium_gbm,medium_name,major_code,major_gbm,major_name\n\
         6-31-01-03,钌铑铱锇,,,安装、调试与维护机械设备电气部分的人员。,1.安装电气设备,6-31-01,,机械设备修理人员,,6-31,,设备修理人员,6,,生产制造及有关人员\n",
    )
    .expect("write the file");
    let before = found(&app, "钌铑铱锇", "DEMAND_POSTING").await;
    assert!(before.is_empty(), "{before:?}");
    let report = hub::import::import_file(
        &app.db,
        hub::import::ImportKind::Occupations,
        &path,
        hub::import::ImportOptions::default(),
        &hub::import::Progress::silent(),
    )
    .await
    .expect("the import succeeds");
    assert_eq!(report.updated, 1);
    // Nobody wakes the indexer: the import could be another process. It
    // polls every 100 ms in tests.
    let mut postings = BTreeSet::new();
    for _ in 0..100 {
        postings = found(&app, "钌铑铱锇", "DEMAND_POSTING").await;
        if !postings.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let coded = app
        .data(
            r#"{ demandPostings(first: 50, filter: { occupationCode: "6-31-01-03" }) { edges { node { id } } } }"#,
            json!({}),
        )
        .await;
    let expected: BTreeSet<String> = coded["demandPostings"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["node"]["id"].as_str().map(str::to_string))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(postings, expected);
}

async fn health(app: &TestApp) -> (u16, Value) {
    let response = app
        .client
        .get(format!("{}/health", app.address))
        .send()
        .await
        .expect("the health request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

#[tokio::test]
async fn the_indexer_reports_a_failing_disk_and_recovers_when_it_is_back() {
    let faults = search::FaultSwitch::new();
    let app = spawn_app_with_faults(faults.clone()).await;
    assert_eq!(health(&app).await.0, 200);
    let association = app.id_of("industryAssociations", "").await;
    faults.fail_writes();
    let created = app
        .data(
            r#"mutation($a: ID!) { createDemandPosting(input: {
                associationId: $a, title: "磁盘故障演练 钍镤铀镎", publish: true }) {
                demandPosting { id } userErrors { code } } }"#,
            json!({ "a": association }),
        )
        .await;
    let id = created["createDemandPosting"]["demandPosting"]["id"]
        .as_str()
        .expect("the write itself succeeds: the database is the source of truth")
        .to_string();
    let searchable = || async {
        found(&app, "钍镤铀镎", "DEMAND_POSTING")
            .await
            .contains(&id)
    };
    // The index cannot write: /health says so after a few failed tries.
    let mut failing = None;
    for _ in 0..200 {
        let (status, body) = health(&app).await;
        if status == 503 {
            failing = Some(body);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let failing = failing.expect("/health reports the failing index");
    assert_eq!(failing["status"], "unavailable");
    assert_eq!(failing["database"], "ok");
    assert_eq!(failing["index"]["status"], "failing");
    assert!(
        failing["index"]["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("injected fault")),
        "{failing:#}"
    );
    let lag = app.data("{ searchIndexLag { behind } }", json!({})).await;
    assert!(lag["searchIndexLag"]["behind"].as_i64() > Some(0), "{lag}");
    assert!(
        !searchable().await,
        "nothing new is searchable while the disk fails"
    );

    faults.heal();
    let mut recovered = false;
    for _ in 0..600 {
        if health(&app).await.0 == 200 && searchable().await {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered, "the indexer recovered once the disk was back");
    assert_eq!(
        found(&app, "钍镤铀镎", "DEMAND_POSTING").await,
        BTreeSet::from([id.clone()])
    );
    let (_, body) = health(&app).await;
    assert_eq!(body["index"]["consecutiveFailures"], 0);
    // Later writes are indexed as usual.
    let association = app.id_of("industryAssociations", "").await;
    app.data(
        r#"mutation($a: ID!) { createDemandPosting(input: {
            associationId: $a, title: "恢复之后 镧铈镨钕", publish: true, waitUntilSearchable: true }) {
            searchable } }"#,
        json!({ "a": association }),
    )
    .await;
    assert_eq!(found(&app, "镧铈镨钕", "DEMAND_POSTING").await.len(), 1);
}

#[tokio::test]
async fn crafted_cursors_and_long_filter_lists_are_bad_user_input() {
    let app = spawn_app().await;
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let overflow = URL_SAFE_NO_PAD.encode("search:18446744073709551615");
    let response = app
        .graphql(
            "query($after: String) { search(query: \"焊工\", after: $after) { totalCount } }",
            json!({ "after": overflow }),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT", "{response}");

    // A cursor of the right ordering whose value has the wrong type.
    let wrong_type = URL_SAFE_NO_PAD.encode(r#"{"k":"createdAt:desc","v":{"Text":"x"},"i":1}"#);
    for ordering in ["", ", orderBy: { field: CREATED_AT, direction: DESC }"] {
        let response = app
            .graphql(
                &format!(
                    "query($after: String) {{ demandPostings(after: $after{ordering}) {{ edges {{ cursor }} }} }}"
                ),
                json!({ "after": wrong_type }),
            )
            .await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT", "{response}");
    }
    let wrong_type = URL_SAFE_NO_PAD.encode(r#"{"k":"code","v":{"Int":5},"i":1}"#);
    let response = app
        .graphql(
            "query($after: String) { occupations(after: $after) { edges { cursor } } }",
            json!({ "after": wrong_type }),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT", "{response}");

    let region = app.region_id("220202").await;
    let many: Vec<&str> = std::iter::repeat_n(region.as_str(), 101).collect();
    let response = app
        .graphql(
            "query($ids: [ID!]) { demandPostings(filter: { regionIds: $ids }) { totalCount } }",
            json!({ "ids": many }),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT", "{response}");
    let statuses: Vec<&str> = std::iter::repeat_n("DRAFT", 101).collect();
    let response = app
        .graphql(
            "query($s: [PostingStatus!]) { demandPostings(filter: { statuses: $s }) { totalCount } }",
            json!({ "s": statuses }),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT", "{response}");
    let codes: Vec<String> = (0..101).map(|n| format!("{n}")).collect();
    let response = app
        .graphql(
            "query($c: [String!]) { search(query: \"\", filter: { categoryCodes: $c }) { totalCount } }",
            json!({ "c": codes }),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT", "{response}");
    // 100 values are fine.
    let hundred: Vec<&str> = std::iter::repeat_n(region.as_str(), 100).collect();
    let data = app
        .data(
            "query($ids: [ID!]) { demandPostings(filter: { regionIds: $ids }) { totalCount } }",
            json!({ "ids": hundred }),
        )
        .await;
    assert!(data["demandPostings"]["totalCount"].as_i64() > Some(0));
}
