//! Who may do what, over HTTP: every mutation × every kind of caller × its
//! own organisation's data and another's, each cell's answer written down;
//! reads of drafts; tokens that expired or were revoked; the viewer.

use std::collections::BTreeSet;

use entity::enums::TokenRole;
use serde_json::{json, Value};

use crate::helpers::{create_token, error_code, spawn_app, TestApp};

/// The answer a cell expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Past the policy: no top-level error (user errors may remain).
    Allowed,
    Forbidden,
    Unauthenticated,
}
use Expect::*;

/// Whose data a cell touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owner {
    Own,
    Other,
}

/// The demo organisations the tokens belong to, and others.
struct Ids {
    association: (String, String),
    college: (String, String),
    enterprise: (String, String),
    program: (String, String),
    offer: (String, String),
    course: (String, String),
    /// A contest person of each college, and a contest.
    person: (String, String),
    contest: String,
    /// An expert of each enterprise, a teaching need of each college.
    expert: (String, String),
    need: (String, String),
}

fn pick(pair: &(String, String), owner: Owner) -> &str {
    match owner {
        Owner::Own => &pair.0,
        Owner::Other => &pair.1,
    }
}

async fn id_by_name(app: &TestApp, connection: &str, field: &str, name: &str) -> String {
    let data = app
        .data(
            &format!("{{ {connection}(first: 100) {{ edges {{ node {{ id {field} }} }} }} }}"),
            json!({}),
        )
        .await;
    data[connection]["edges"]
        .as_array()
        .and_then(|edges| edges.iter().find(|e| e["node"][field] == name))
        .and_then(|e| e["node"]["id"].as_str())
        .unwrap_or_else(|| panic!("{connection} has「{name}」"))
        .to_string()
}

async fn first_of(app: &TestApp, query: &str, path: &[&str]) -> String {
    let mut value = app.data(query, json!({})).await;
    for key in path {
        value = match key.parse::<usize>() {
            Ok(index) => value[index].clone(),
            Err(_) => value[*key].clone(),
        };
    }
    value.as_str().expect("an id").to_string()
}

async fn ids(app: &TestApp) -> Ids {
    let association = (
        id_by_name(
            app,
            "industryAssociations",
            "name",
            "吉林市装备制造业协会（演示）",
        )
        .await,
        id_by_name(
            app,
            "industryAssociations",
            "name",
            "吉林市化工行业协会（演示）",
        )
        .await,
    );
    let college = (
        id_by_name(app, "colleges", "name", "吉林市江城职业技术学院（演示）").await,
        id_by_name(app, "colleges", "name", "吉林市松花江职业技术学校（演示）").await,
    );
    let enterprise = (
        id_by_name(
            app,
            "enterprises",
            "name",
            "吉林江城智能装备有限公司（演示）",
        )
        .await,
        id_by_name(app, "enterprises", "name", "吉林北化新材料有限公司（演示）").await,
    );
    let of = |kind: &str, field: &str, id: &str| {
        format!("{{ node(id: \"{id}\") {{ ... on {kind} {{ {field}(first: 1) {{ edges {{ node {{ id }} }} }} }} }} }}")
    };
    let path = |field| ["node", field, "edges", "0", "node", "id"];
    let program = (
        first_of(
            app,
            &of("College", "programs", &college.0),
            &path("programs"),
        )
        .await,
        first_of(
            app,
            &of("College", "programs", &college.1),
            &path("programs"),
        )
        .await,
    );
    let offer = (
        first_of(
            app,
            &of("Enterprise", "apprenticeshipOffers", &enterprise.0),
            &path("apprenticeshipOffers"),
        )
        .await,
        first_of(
            app,
            &of("Enterprise", "apprenticeshipOffers", &enterprise.1),
            &path("apprenticeshipOffers"),
        )
        .await,
    );
    let course = (
        first_of(
            app,
            &of("College", "trainingCourses", &college.0),
            &path("trainingCourses"),
        )
        .await,
        first_of(
            app,
            &of("College", "trainingCourses", &college.1),
            &path("trainingCourses"),
        )
        .await,
    );
    let person_of = |college: String, identity: &'static str| async move {
        app.create(
            "createContestPerson",
            "person",
            json!({ "name": "矩阵学生", "collegeId": college, "identity": identity }),
        )
        .await
    };
    let person = (
        person_of(college.0.clone(), "M-own").await,
        person_of(college.1.clone(), "M-other").await,
    );
    let contest = new_contest(app, "矩阵赛项").await;
    let expert_of = |enterprise: String| async move {
        app.create(
            "createExpert",
            "expert",
            json!({ "enterpriseId": enterprise, "name": "矩阵专家", "kind": "ENGINEER", "education": "BACHELOR", "enterpriseYears": 5, "hoursPerWeek": 4 }),
        )
        .await
    };
    let expert = (
        expert_of(enterprise.0.clone()).await,
        expert_of(enterprise.1.clone()).await,
    );
    let need_of = |program: String| async move {
        app.create(
            "createTeachingNeed",
            "teachingNeed",
            json!({ "programId": program, "title": "矩阵需求", "hours": 16, "periodStart": "2027-03-01", "periodEnd": "2027-06-30" }),
        )
        .await
    };
    let need = (
        need_of(program.0.clone()).await,
        need_of(program.1.clone()).await,
    );
    Ids {
        association,
        college,
        enterprise,
        program,
        offer,
        course,
        person,
        contest,
        expert,
        need,
    }
}

async fn new_contest(admin: &TestApp, event: &str) -> String {
    admin
        .create(
            "createContest",
            "contest",
            json!({ "name": "吉林市职业院校技能大赛", "event": event, "year": 2026, "level": "CITY", "organiser": "VOCATIONAL_COLLEGE_CONTEST" }),
        )
        .await
}

/// A fresh recorded reward of the owner's college's person, made by the
/// admin (a new event, so a new reward).
async fn fresh_reward(admin: &TestApp, ids: &Ids, owner: Owner, n: usize) -> String {
    let contest = new_contest(admin, &format!("矩阵赛项{n}")).await;
    let data = admin
        .data(
            "mutation($c: ID!, $p: ID!) { recordContestAward(input: { contestId: $c, prize: FIRST, awardedOn: \"2026-06-01\", winners: [{ personId: $p, participation: STUDENT }] }) { rewards { id } userErrors { message } } }",
            json!({ "c": contest, "p": pick(&ids.person, owner) }),
        )
        .await;
    data["recordContestAward"]["rewards"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a reward: {data}"))
        .to_string()
}

/// A fresh draft posting of the owner's association, made by the admin.
async fn draft_posting(admin: &TestApp, ids: &Ids, owner: Owner) -> String {
    let data = admin
        .data(
            "mutation($a: ID!) { createDemandPosting(input: { associationId: $a, title: \"矩阵草稿\" }) { demandPosting { id } } }",
            json!({ "a": pick(&ids.association, owner) }),
        )
        .await;
    data["createDemandPosting"]["demandPosting"]["id"]
        .as_str()
        .expect("a posting")
        .to_string()
}

/// A fresh token, made by the admin, to revoke.
async fn spare_token(admin: &TestApp) -> String {
    let data = admin
        .data(
            "mutation { createApiToken(input: { name: \"备用\", role: ADMIN }) { apiToken { id } } }",
            json!({}),
        )
        .await;
    data["createApiToken"]["apiToken"]["id"]
        .as_str()
        .expect("a token")
        .to_string()
}

/// The request of one cell: the mutation on the owner's data.
async fn request(
    admin: &TestApp,
    ids: &Ids,
    mutation: &str,
    owner: Owner,
    n: usize,
) -> (String, Value) {
    let (query, variables) = match mutation {
        "createDemandPosting" => (
            "mutation($id: ID!) { createDemandPosting(input: { associationId: $id, title: \"矩阵需求\" }) { userErrors { code } } }",
            json!({ "id": pick(&ids.association, owner) }),
        ),
        "updateDemandPosting" | "publishDemandPosting" | "closeDemandPosting" => {
            let id = draft_posting(admin, ids, owner).await;
            let input = if mutation == "updateDemandPosting" {
                "{ id: $id, title: \"矩阵改\" }"
            } else {
                "{ id: $id }"
            };
            return (
                format!("mutation($id: ID!) {{ {mutation}(input: {input}) {{ userErrors {{ code }} }} }}"),
                json!({ "id": id }),
            );
        }
        "confirmOccupationSuggestion" | "rejectOccupationSuggestion" => {
            // Answering a suggestion for a posting is the posting owner's.
            let id = draft_posting(admin, ids, owner).await;
            return (
                format!("mutation($id: ID!) {{ {mutation}(input: {{ subjectId: $id, occupationCode: \"6-18-01-01\" }}) {{ userErrors {{ code }} }} }}"),
                json!({ "id": id }),
            );
        }
        "createProgram" => {
            return (
                format!("mutation($id: ID!) {{ createProgram(input: {{ collegeId: $id, catalogueCode: \"460301\", name: \"矩阵专业{n}\" }}) {{ userErrors {{ code }} }} }}"),
                json!({ "id": pick(&ids.college, owner) }),
            )
        }
        "updateProgram" => (
            "mutation($id: ID!) { updateProgram(input: { id: $id, description: \"矩阵\" }) { userErrors { code } } }",
            json!({ "id": pick(&ids.program, owner) }),
        ),
        "createApprenticeshipOffer" => (
            "mutation($id: ID!) { createApprenticeshipOffer(input: { enterpriseId: $id, title: \"矩阵学徒\", places: 2, durationMonths: 12, cooperationStart: \"2027-01-01\", cooperationEnd: \"2028-01-01\" }) { userErrors { code } } }",
            json!({ "id": pick(&ids.enterprise, owner) }),
        ),
        "updateApprenticeshipOffer" => (
            "mutation($id: ID!) { updateApprenticeshipOffer(input: { id: $id, description: \"矩阵\" }) { userErrors { code } } }",
            json!({ "id": pick(&ids.offer, owner) }),
        ),
        "createTrainingCourse" => (
            "mutation($id: ID!) { createTrainingCourse(input: { providerId: $id, title: \"矩阵课程\", kind: SKILL_APPRAISAL, hours: 16, capacity: 20 }) { userErrors { code } } }",
            json!({ "id": pick(&ids.college, owner) }),
        ),
        "updateTrainingCourse" => (
            "mutation($id: ID!) { updateTrainingCourse(input: { id: $id, description: \"矩阵\" }) { userErrors { code } } }",
            json!({ "id": pick(&ids.course, owner) }),
        ),
        "createApiToken" => (
            "mutation { createApiToken(input: { name: \"矩阵令牌\", role: ADMIN }) { token userErrors { code } } }",
            json!({}),
        ),
        "revokeApiToken" => {
            let id = spare_token(admin).await;
            return (
                "mutation($id: ID!) { revokeApiToken(input: { id: $id }) { userErrors { code } } }"
                    .to_string(),
                json!({ "id": id }),
            );
        }
        "createIndustryAssociation" => {
            return (
                format!("mutation {{ createIndustryAssociation(input: {{ name: \"矩阵协会{n}\" }}) {{ userErrors {{ code }} }} }}"),
                json!({}),
            )
        }
        "updateIndustryAssociation" => (
            "mutation($id: ID!) { updateIndustryAssociation(input: { id: $id, description: \"矩阵\" }) { userErrors { code } } }",
            json!({ "id": pick(&ids.association, owner) }),
        ),
        "createEnterprise" => {
            return (
                format!("mutation {{ createEnterprise(input: {{ name: \"矩阵企业{n}\", size: SMALL }}) {{ userErrors {{ code }} }} }}"),
                json!({}),
            )
        }
        "updateEnterprise" => (
            "mutation($id: ID!) { updateEnterprise(input: { id: $id, description: \"矩阵\" }) { userErrors { code } } }",
            json!({ "id": pick(&ids.enterprise, owner) }),
        ),
        "createCollege" => {
            return (
                format!("mutation {{ createCollege(input: {{ name: \"矩阵院校{n}\", level: HIGHER_VOCATIONAL, ownership: CITY }}) {{ userErrors {{ code }} }} }}"),
                json!({}),
            )
        }
        "updateCollege" => (
            "mutation($id: ID!) { updateCollege(input: { id: $id, description: \"矩阵\" }) { userErrors { code } } }",
            json!({ "id": pick(&ids.college, owner) }),
        ),
        "recordOutreachActivity" => (
            "mutation($id: ID!) { recordOutreachActivity(input: { collegeId: $id, kind: CAREER_AWAKENING, title: \"矩阵活动\", heldOn: \"2026-03-01\", participants: 30 }) { userErrors { code } } }",
            json!({ "id": pick(&ids.college, owner) }),
        ),
        "createExpert" => (
            "mutation($id: ID!) { createExpert(input: { enterpriseId: $id, name: \"矩阵专家\", kind: ENGINEER, education: BACHELOR, enterpriseYears: 5, hoursPerWeek: 4 }) { userErrors { code } } }",
            json!({ "id": pick(&ids.enterprise, owner) }),
        ),
        "updateExpert" => (
            "mutation($id: ID!) { updateExpert(input: { id: $id, jobTitle: \"矩阵\" }) { userErrors { code } } }",
            json!({ "id": pick(&ids.expert, owner) }),
        ),
        "createTeachingNeed" => (
            "mutation($id: ID!) { createTeachingNeed(input: { programId: $id, title: \"矩阵需求\", hours: 16, periodStart: \"2027-03-01\", periodEnd: \"2027-06-30\" }) { userErrors { code } } }",
            json!({ "id": pick(&ids.program, owner) }),
        ),
        "updateTeachingNeed" => (
            "mutation($id: ID!) { updateTeachingNeed(input: { id: $id, description: \"矩阵\" }) { userErrors { code } } }",
            json!({ "id": pick(&ids.need, owner) }),
        ),
        "createContest" => {
            return (
                format!("mutation {{ createContest(input: {{ name: \"矩阵大赛\", event: \"矩阵{n}\", year: 2026, level: CITY, organiser: VOCATIONAL_COLLEGE_CONTEST }}) {{ userErrors {{ code }} }} }}"),
                json!({}),
            )
        }
        "createContestPerson" => {
            return (
                format!("mutation($id: ID!) {{ createContestPerson(input: {{ name: \"矩阵学生\", collegeId: $id, identity: \"M{n}\" }}) {{ userErrors {{ code }} }} }}"),
                json!({ "id": pick(&ids.college, owner) }),
            )
        }
        "recordContestAward" => (
            "mutation($c: ID!, $p: ID!) { recordContestAward(input: { contestId: $c, prize: THIRD, awardedOn: \"2026-06-01\", winners: [{ personId: $p, participation: STUDENT }] }) { userErrors { code } } }",
            json!({ "c": ids.contest, "p": pick(&ids.person, owner) }),
        ),
        "addRewardTable" => {
            let day = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).expect("a date")
                + chrono::Duration::days(n as i64);
            return (
                "mutation($d: NaiveDate!) { addRewardTable(input: { effectiveFrom: $d, nation: [3, 2, 1], province: [3, 2, 1], city: [3, 2, 1] }) { userErrors { code } } }".to_string(),
                json!({ "d": day.to_string() }),
            );
        }
        "submitCompetitionReward"
        | "approveCompetitionReward"
        | "returnCompetitionReward"
        | "payCompetitionReward" => {
            let id = fresh_reward(admin, ids, owner, n).await;
            return (
                format!("mutation($id: ID!) {{ {mutation}(input: {{ id: $id, note: \"矩阵\" }}) {{ userErrors {{ code }} }} }}"),
                json!({ "id": id }),
            );
        }
        other => panic!("the matrix has no request for `{other}`: add its row"),
    };
    (query.to_string(), variables)
}

/// The expected answer of a cell: written out per role.
fn expected(role: &str, mutation: &str, owner: Owner) -> Expect {
    let posting = mutation.ends_with("DemandPosting") || mutation.ends_with("OccupationSuggestion");
    let college_owned = matches!(
        mutation,
        "createProgram"
            | "updateProgram"
            | "createTrainingCourse"
            | "updateTrainingCourse"
            | "createTeachingNeed"
            | "updateTeachingNeed"
    );
    let enterprise_owned = matches!(
        mutation,
        "createApprenticeshipOffer" | "updateApprenticeshipOffer" | "createExpert" | "updateExpert"
    );
    let college_results = matches!(
        mutation,
        "createContestPerson"
            | "recordContestAward"
            | "submitCompetitionReward"
            | "recordOutreachActivity"
    );
    // Approving, returning and paying rewards is 市人社局's alone.
    let decision = matches!(
        mutation,
        "approveCompetitionReward" | "returnCompetitionReward" | "payCompetitionReward"
    );
    match role {
        "anonymous" | "expired" | "revoked" => Unauthenticated,
        "hr_bureau" if decision || mutation == "createContest" || mutation == "addRewardTable" => {
            Allowed
        }
        "hr_bureau" => Forbidden,
        "admin" if decision => Forbidden,
        "admin" => Allowed,
        "college" if mutation == "createContest" => Allowed,
        "college" if college_results && owner == Owner::Own => Allowed,
        "association" if posting && owner == Owner::Own => Allowed,
        "college" if college_owned && owner == Owner::Own => Allowed,
        "enterprise" if enterprise_owned && owner == Owner::Own => Allowed,
        "association" | "college" | "enterprise" => Forbidden,
        other => panic!("unknown role {other}"),
    }
}

fn answer(response: &Value) -> Expect {
    match error_code(response) {
        "(none)" => Allowed,
        "FORBIDDEN" => Forbidden,
        "UNAUTHENTICATED" => Unauthenticated,
        other => panic!("unexpected error code {other}: {response}"),
    }
}

/// The mutations of the schema, from introspection.
async fn schema_mutations(app: &TestApp) -> BTreeSet<String> {
    let data = app
        .data(
            "{ __schema { mutationType { fields { name } } } }",
            json!({}),
        )
        .await;
    data["__schema"]["mutationType"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["name"].as_str().expect("name").to_string())
        .collect()
}

#[tokio::test]
async fn every_mutation_answers_every_caller_as_the_policy_says_and_refusals_write_nothing() {
    let admin = spawn_app().await;
    let ids = ids(&admin).await;
    let own = |pair: &(String, String)| {
        hub::ids::decode_any(&pair.0)
            .map(|(_, id)| id)
            .expect("a demo id")
    };
    let association_token = create_token(
        &admin.db,
        TokenRole::Association,
        Some(own(&ids.association)),
    )
    .await;
    let college_token = create_token(&admin.db, TokenRole::College, Some(own(&ids.college))).await;
    let enterprise_token =
        create_token(&admin.db, TokenRole::Enterprise, Some(own(&ids.enterprise))).await;
    let hr_token = create_token(&admin.db, TokenRole::HrBureau, None).await;
    // An expired token: stored with a past expiry.
    let expired = hub::access::new_token().expect("token");
    hub::access::store_token(
        &admin.db,
        hub::access::NewToken {
            name: "过期".into(),
            role: TokenRole::Admin,
            organisation_id: None,
            expires_at: Some(chrono::Utc::now() - chrono::Duration::hours(1)),
        },
        &expired,
    )
    .await
    .expect("stored");
    let revoked = create_token(&admin.db, TokenRole::Admin, None).await;
    let revoked_id = admin.data("{ apiTokens { id name } }", json!({})).await["apiTokens"]
        .as_array()
        .and_then(|tokens| tokens.first().cloned())
        .expect("the newest token")["id"]
        .clone();
    admin
        .data(
            "mutation($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { revokedAt } } }",
            json!({ "id": revoked_id }),
        )
        .await;

    let callers: Vec<(&str, Option<&str>)> = vec![
        ("admin", admin.token.as_deref()),
        ("association", Some(&association_token)),
        ("college", Some(&college_token)),
        ("enterprise", Some(&enterprise_token)),
        ("hr_bureau", Some(&hr_token)),
        ("anonymous", None),
        ("expired", Some(&expired)),
        ("revoked", Some(&revoked)),
    ];
    let mutations = schema_mutations(&admin).await;
    assert_eq!(mutations.len(), 33, "{mutations:?}");
    let mut n = 0;
    let mut wrong = Vec::new();
    for mutation in &mutations {
        for (role, token) in &callers {
            for owner in [Owner::Own, Owner::Other] {
                n += 1;
                let (query, variables) = request(&admin, &ids, mutation, owner, n).await;
                let before = admin.count("change_log").await;
                let tokens = admin.count("api_token").await;
                let experts = admin.count("expert").await;
                let needs = admin.count("teaching_need").await;
                let caller = admin.as_caller(*token);
                let response = caller.graphql(&query, variables).await;
                let got = answer(&response);
                let want = expected(role, mutation, owner);
                if got != want {
                    wrong.push(format!(
                        "{mutation} as {role} on {owner:?} data: expected {want:?}, got {response}"
                    ));
                }
                if got != Allowed {
                    assert_eq!(
                        admin.count("change_log").await,
                        before,
                        "a refused {mutation} by {role} wrote nothing"
                    );
                    assert_eq!(admin.count("api_token").await, tokens);
                    assert_eq!(admin.count("expert").await, experts);
                    assert_eq!(admin.count("teaching_need").await, needs);
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong cells:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn bad_tokens_are_refused_with_401_and_never_read_as_anonymous() {
    let app = spawn_app().await;
    for header in ["Bearer hub_nope", "Basic dXNlcjpwYXNz", "Bearer "] {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("authorization", header)
            .json(&json!({ "query": "{ viewer { authenticated } }" }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 401, "{header}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let body: Value = response.json().await.expect("json");
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body}");
    }
}

#[tokio::test]
async fn drafts_are_seen_by_their_association_and_admins_only() {
    let admin = spawn_app().await;
    let ids = ids(&admin).await;
    let own_posting = draft_posting(&admin, &ids, Owner::Own).await;
    let other_posting = draft_posting(&admin, &ids, Owner::Other).await;
    let association = hub::ids::decode_any(&ids.association.0)
        .map(|(_, id)| id)
        .expect("id");
    let association_token =
        create_token(&admin.db, TokenRole::Association, Some(association)).await;
    let college = hub::ids::decode_any(&ids.college.0)
        .map(|(_, id)| id)
        .expect("id");
    let college_token = create_token(&admin.db, TokenRole::College, Some(college)).await;
    let drafts = "{ demandPostings(filter: { statuses: [DRAFT] }) { edges { node { id } } } }";
    let node = "query($id: ID!) { node(id: $id) { id } }";
    let seen = |data: &Value| -> BTreeSet<String> {
        data["demandPostings"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["node"]["id"].as_str().map(str::to_string))
            .collect()
    };
    // Admins see every draft.
    let all = seen(&admin.data(drafts, json!({})).await);
    assert!(all.contains(&own_posting) && all.contains(&other_posting));
    // The association sees its own drafts only.
    let caller = admin.as_caller(Some(&association_token));
    let mine = seen(&caller.data(drafts, json!({})).await);
    assert!(
        mine.contains(&own_posting) && !mine.contains(&other_posting),
        "{mine:?}"
    );
    assert_eq!(
        caller.data(node, json!({ "id": own_posting })).await["node"]["id"],
        json!(own_posting)
    );
    assert_eq!(
        caller.data(node, json!({ "id": other_posting })).await["node"],
        Value::Null
    );
    // Anonymous callers and other roles see none.
    for caller in [admin.as_caller(None), admin.as_caller(Some(&college_token))] {
        assert!(seen(&caller.data(drafts, json!({})).await).is_empty());
        assert_eq!(
            caller.data(node, json!({ "id": own_posting })).await["node"],
            Value::Null
        );
        // Nor the token list.
        let tokens = caller.graphql("{ apiTokens { id } }", json!({})).await;
        assert!(
            matches!(error_code(&tokens), "UNAUTHENTICATED" | "FORBIDDEN"),
            "{tokens}"
        );
    }
}

#[tokio::test]
async fn the_viewer_says_who_is_calling_and_tokens_are_shown_once() {
    let admin = spawn_app().await;
    let viewer = "{ viewer { authenticated role tokenName association { name } } }";
    assert_eq!(
        admin.as_caller(None).data(viewer, json!({})).await["viewer"],
        json!({ "authenticated": false, "role": null, "tokenName": null, "association": null })
    );
    // The demo's documented association token.
    assert_eq!(
        admin
            .as_caller(Some("hub_demo_association"))
            .data(viewer, json!({}))
            .await["viewer"],
        json!({ "authenticated": true, "role": "ASSOCIATION", "tokenName": "演示：吉林市装备制造业协会",
                "association": { "name": "吉林市装备制造业协会（演示）" } })
    );
    let created = admin
        .data(
            "mutation { createApiToken(input: { name: \"招聘系统\", role: ADMIN }) { token apiToken { id prefix role } userErrors { code } } }",
            json!({}),
        )
        .await["createApiToken"]
        .clone();
    let token = created["token"].as_str().expect("the token").to_string();
    assert!(token.starts_with(created["apiToken"]["prefix"].as_str().expect("prefix")));
    // Only the hash is stored.
    let stored = admin.count("api_token").await;
    assert!(stored >= 2);
    let listed = admin.data("{ apiTokens { prefix } }", json!({})).await;
    assert!(!listed.to_string().contains(&token));
    // The new token works until revoked.
    let caller = admin.as_caller(Some(&token));
    assert_eq!(
        caller.data("{ viewer { tokenName } }", json!({})).await["viewer"]["tokenName"],
        "招聘系统"
    );
    admin
        .data(
            "mutation($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { revokedAt } } }",
            json!({ "id": created["apiToken"]["id"] }),
        )
        .await;
    let refused = caller.graphql("{ viewer { tokenName } }", json!({})).await;
    assert_eq!(error_code(&refused), "UNAUTHENTICATED");
    // An association token must name an existing association.
    let bad = admin
        .data(
            "mutation { createApiToken(input: { name: \"x\", role: ASSOCIATION }) { token userErrors { field code } } }",
            json!({}),
        )
        .await;
    assert_eq!(bad["createApiToken"]["token"], Value::Null);
    assert_eq!(
        bad["createApiToken"]["userErrors"][0]["field"],
        json!(["input", "organisationId"])
    );
}
