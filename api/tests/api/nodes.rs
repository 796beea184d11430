use serde_json::json;

use crate::helpers::{error_code, spawn_app};

const IDS: &str = r#"{
  regions(first: 1) { edges { node { id } } }
  catalogueEntries(first: 1) { edges { node { id } } }
  occupations(first: 1) { edges { node { id } } }
  certificates(first: 1) { edges { node { id } } }
  industryAssociations(first: 1) { edges { node { id } } }
  enterprises(first: 1) { edges { node { id } } }
  colleges(first: 1) { edges { node { id } } }
  programs(first: 1) { edges { node { id } } }
  demandPostings(first: 1) { edges { node { id } } }
  apprenticeshipOffers(first: 1) { edges { node { id } } }
  trainingCourses(first: 1) { edges { node { id } } }
}"#;

#[tokio::test]
async fn nodes_resolves_the_global_id_of_every_kind_in_order() {
    let app = spawn_app().await;
    let data = app.data(IDS, json!({})).await;
    let mut ids = Vec::new();
    let mut types = Vec::new();
    for (field, type_name) in [
        ("regions", "Region"),
        ("catalogueEntries", "CatalogueEntry"),
        ("occupations", "Occupation"),
        ("certificates", "Certificate"),
        ("industryAssociations", "IndustryAssociation"),
        ("enterprises", "Enterprise"),
        ("colleges", "College"),
        ("programs", "Program"),
        ("demandPostings", "DemandPosting"),
        ("apprenticeshipOffers", "ApprenticeshipOffer"),
        ("trainingCourses", "TrainingCourse"),
    ] {
        ids.push(data[field]["edges"][0]["node"]["id"].clone());
        types.push(json!({ "__typename": type_name, "id": data[field]["edges"][0]["node"]["id"] }));
    }
    let resolved = app
        .data(
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            json!({ "ids": ids }),
        )
        .await;
    assert_eq!(resolved, json!({ "nodes": types }));
}

#[tokio::test]
async fn node_returns_the_object_behind_a_global_id() {
    let app = spawn_app().await;
    let id = app.id_of("demandPostings", "").await;
    let data = app
        .data(
            "query($id: ID!) { node(id: $id) { id ... on DemandPosting { title status } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["node"]["id"], json!(id));
    assert_eq!(data["node"]["status"], "PUBLISHED");
}

#[tokio::test]
async fn unknown_or_malformed_ids_resolve_to_null() {
    let app = spawn_app().await;
    let unknown = hub::ids::encode(hub::ids::NodeKind::DemandPosting, 999_999).0;
    let data = app
        .data(
            "query($ids: [ID!]!) { node(id: \"garbage\") { id } nodes(ids: $ids) { id } }",
            json!({ "ids": [unknown, "", "Zm9vOmJhcg", "!!!"] }),
        )
        .await;
    assert_eq!(
        data,
        json!({ "node": null, "nodes": [null, null, null, null] })
    );
}

#[tokio::test]
async fn nodes_refuses_more_than_one_hundred_ids() {
    let app = spawn_app().await;
    let ids: Vec<String> = (0..101).map(|i| format!("id{i}")).collect();
    let response = app
        .graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": ids }),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
    assert_eq!(
        response["errors"][0]["message"],
        "`ids` takes at most 100 ids, got 101"
    );
}
