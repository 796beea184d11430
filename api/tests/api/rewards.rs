//! Skill-competition rewards over HTTP, with hand-computed amounts:
//! 吉市政办发〔2022〕32号 §二(七)'s table, one reward per person, event and
//! year for the highest award (across city, province and nation), top-ups
//! after submission, instructors, halving, a table change between two
//! awards, the approval by 市人社局 only, totals, CSV and who sees what.

use entity::enums::TokenRole;
use serde_json::{json, Value};

use crate::helpers::{create_token, error_code, spawn_app, TestApp};

async fn contest(app: &TestApp, event: &str, year: i32, level: &str, organiser: &str) -> String {
    app.create(
        "createContest",
        "contest",
        json!({ "name": "技能大赛", "event": event, "year": year, "level": level, "organiser": organiser }),
    )
    .await
}

async fn person(app: &TestApp, college: &str, name: &str, identity: &str) -> String {
    app.create(
        "createContestPerson",
        "person",
        json!({ "name": name, "collegeId": college, "identity": identity }),
    )
    .await
}

const RECORD: &str = "mutation($input: RecordContestAwardInput!) { recordContestAward(input: $input) { award { id } rewards { id amount status } userErrors { field code message } } }";

/// Records an award; returns the rewards it created or changed.
async fn award(
    app: &TestApp,
    contest: &str,
    prize: &str,
    on: &str,
    winners: &[(&str, &str)],
) -> Vec<Value> {
    let winners: Vec<Value> = winners
        .iter()
        .map(|(id, participation)| json!({ "personId": id, "participation": participation }))
        .collect();
    let data = app
        .data(
            RECORD,
            json!({ "input": { "contestId": contest, "prize": prize, "awardedOn": on, "winners": winners } }),
        )
        .await;
    assert_eq!(
        data["recordContestAward"]["userErrors"],
        json!([]),
        "{data:#}"
    );
    data["recordContestAward"]["rewards"]
        .as_array()
        .expect("rewards")
        .clone()
}

/// Every reward of a person: (amount, status), oldest first.
async fn rewards_of(app: &TestApp, person: &str) -> Vec<(i64, String)> {
    let data = app
        .data(
            "query($p: ID!) { competitionRewards(filter: { personId: $p }, first: 100) { edges { node { amount status } } } }",
            json!({ "p": person }),
        )
        .await;
    data["competitionRewards"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            (
                e["node"]["amount"].as_i64().expect("amount"),
                e["node"]["status"].as_str().expect("status").to_string(),
            )
        })
        .collect()
}

async fn transition(app: &TestApp, mutation: &str, id: &str, note: &str) -> Value {
    app.graphql(
        &format!("mutation($id: ID!, $note: String!) {{ {mutation}(input: {{ id: $id, note: $note }}) {{ reward {{ status }} userErrors {{ field code }} }} }}"),
        json!({ "id": id, "note": note }),
    )
    .await
}

fn id(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_string()
}

#[tokio::test]
async fn rewards_follow_the_policy_and_its_approval() {
    let admin = spawn_app().await;
    let college = admin.id_of("colleges", "").await;
    let college_row = hub::ids::decode_any(&college)
        .map(|(_, id)| id)
        .expect("a college id");
    let college_app = admin.as_caller(Some(
        &create_token(&admin.db, TokenRole::College, Some(college_row)).await,
    ));
    let hr = admin.as_caller(Some(
        &create_token(&admin.db, TokenRole::HrBureau, None).await,
    ));

    let student = person(&college_app, &college, "李明", "S2026001").await;
    let teacher = person(&college_app, &college, "王芳", "T0001").await;

    let city = contest(
        &college_app,
        "数控车加工技术",
        2026,
        "CITY",
        "VOCATIONAL_COLLEGE_CONTEST",
    )
    .await;
    let province = contest(
        &college_app,
        "数控车加工技术",
        2026,
        "PROVINCE",
        "VOCATIONAL_COLLEGE_CONTEST",
    )
    .await;
    // The same event written with a space: still the same event.
    let nation = contest(
        &college_app,
        "数控车 加工技术",
        2026,
        "NATION",
        "VOCATIONAL_COLLEGE_CONTEST",
    )
    .await;

    // City 一等奖: 3,000.
    let first = award(
        &college_app,
        &city,
        "FIRST",
        "2026-03-10",
        &[(student.as_str(), "STUDENT")],
    )
    .await;
    assert_eq!(first[0]["amount"], 3000);
    let reward = id(&first[0]);
    // Province 二等奖 the same year: 8,000 replaces 3,000 (one reward).
    award(
        &college_app,
        &province,
        "SECOND",
        "2026-05-10",
        &[
            (student.as_str(), "STUDENT"),
            (teacher.as_str(), "INSTRUCTOR"),
        ],
    )
    .await;
    assert_eq!(
        rewards_of(&admin, &student).await,
        [(8000, "RECORDED".into())]
    );
    // The instructor gets the student amount of the award.
    assert_eq!(
        rewards_of(&admin, &teacher).await,
        [(8000, "RECORDED".into())]
    );

    // The college submits; approving is for 市人社局 only, not even admins.
    let submitted = transition(&college_app, "submitCompetitionReward", &reward, "").await;
    assert_eq!(
        submitted["data"]["submitCompetitionReward"]["reward"]["status"],
        "SUBMITTED"
    );
    let by_admin = transition(&admin, "approveCompetitionReward", &reward, "").await;
    assert_eq!(error_code(&by_admin), "FORBIDDEN", "{by_admin}");
    let by_college = transition(&college_app, "approveCompetitionReward", &reward, "").await;
    assert_eq!(error_code(&by_college), "FORBIDDEN", "{by_college}");
    // A return needs a note; paying needs an approval first.
    let no_note = transition(&hr, "returnCompetitionReward", &reward, " ").await;
    assert_eq!(
        no_note["data"]["returnCompetitionReward"]["userErrors"][0]["code"],
        "BLANK"
    );
    let too_early = transition(&hr, "payCompetitionReward", &reward, "").await;
    assert_eq!(
        too_early["data"]["payCompetitionReward"]["userErrors"][0]["code"],
        "INVALID_STATE"
    );
    let returned = transition(
        &hr,
        "returnCompetitionReward",
        &reward,
        "缺少获奖证书扫描件",
    )
    .await;
    assert_eq!(
        returned["data"]["returnCompetitionReward"]["reward"]["status"],
        "RETURNED"
    );
    transition(
        &college_app,
        "submitCompetitionReward",
        &reward,
        "已补充证书",
    )
    .await;
    let approved = transition(&hr, "approveCompetitionReward", &reward, "").await;
    assert_eq!(
        approved["data"]["approveCompetitionReward"]["reward"]["status"],
        "APPROVED"
    );
    let paid = transition(&hr, "payCompetitionReward", &reward, "2026-07 批次").await;
    assert_eq!(
        paid["data"]["payCompetitionReward"]["reward"]["status"],
        "PAID"
    );

    // National 三等奖 after payment: 12,000 is the highest, 8,000 was paid,
    // so a top-up of 4,000.
    award(
        &college_app,
        &nation,
        "THIRD",
        "2026-08-20",
        &[(student.as_str(), "STUDENT")],
    )
    .await;
    assert_eq!(
        rewards_of(&admin, &student).await,
        [(8000, "PAID".into()), (4000, "RECORDED".into())]
    );

    // Another event the same year, and the same event another year: each
    // rewarded on its own.
    let robots = contest(
        &college_app,
        "工业机器人技术应用",
        2026,
        "CITY",
        "VOCATIONAL_COLLEGE_CONTEST",
    )
    .await;
    award(
        &college_app,
        &robots,
        "SECOND",
        "2026-04-01",
        &[(student.as_str(), "STUDENT")],
    )
    .await;
    let next_year = contest(
        &college_app,
        "数控车加工技术",
        2027,
        "CITY",
        "VOCATIONAL_COLLEGE_CONTEST",
    )
    .await;
    let later = award(
        &college_app,
        &next_year,
        "THIRD",
        "2027-04-01",
        &[(student.as_str(), "STUDENT")],
    )
    .await;
    assert_eq!(later[0]["amount"], 1000);

    // Social organisations: the level's amount halved; an international
    // organisation's contest counts as 全国, halved. A teacher who competed.
    let society = contest(
        &college_app,
        "焊接",
        2026,
        "PROVINCE",
        "SOCIAL_ORGANISATION",
    )
    .await;
    let halved = award(
        &college_app,
        &society,
        "FIRST",
        "2026-06-01",
        &[(teacher.as_str(), "TEACHER")],
    )
    .await;
    assert_eq!(halved[0]["amount"], 5000);
    let world = contest(
        &college_app,
        "移动机器人",
        2026,
        "PROVINCE",
        "INTERNATIONAL_ORGANISATION",
    )
    .await;
    let international = award(
        &college_app,
        &world,
        "SECOND",
        "2026-09-01",
        &[(student.as_str(), "STUDENT")],
    )
    .await;
    assert_eq!(international[0]["amount"], 7500);
    // 优秀奖 and the like: nothing.
    let merit = award(
        &college_app,
        &robots,
        "OTHER",
        "2026-04-01",
        &[(teacher.as_str(), "INSTRUCTOR")],
    )
    .await;
    assert!(merit.is_empty(), "{merit:?}");

    // The city raises the city amounts from 2026-10-01: an award before the
    // date keeps the old table, one after it uses the new one.
    let tables = "mutation($input: AddRewardTableInput!) { addRewardTable(input: $input) { rewardTable { effectiveFrom } userErrors { field code } } }";
    let table = json!({ "input": { "effectiveFrom": "2026-10-01", "nation": [20000, 15000, 12000], "province": [10000, 8000, 5000], "city": [4000, 2500, 1200] } });
    let refused = college_app.graphql(tables, table.clone()).await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    let added = hr.data(tables, table).await;
    assert_eq!(added["addRewardTable"]["userErrors"], json!([]));
    let bad = json!({ "input": { "effectiveFrom": "2026-11-01", "nation": [1, 2, 3], "province": [3, 2, 1], "city": [3, 2] } });
    let rejected = hr.data(tables, bad).await;
    let codes: Vec<&str> = rejected["addRewardTable"]["userErrors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["INVALID"], "{rejected}");
    // Amounts out of order: first < second.
    let reversed = json!({ "input": { "effectiveFrom": "2026-11-01", "nation": [1, 2, 3], "province": [3, 2, 1], "city": [3, 2, 1] } });
    let rejected = hr.data(tables, reversed).await;
    assert_eq!(
        rejected["addRewardTable"]["userErrors"][0]["code"], "INVALID_RANGE",
        "{rejected}"
    );
    let before = person(&college_app, &college, "赵强", "S2026002").await;
    let after = person(&college_app, &college, "钱丽", "S2026003").await;
    let autumn = contest(
        &college_app,
        "电子商务技能",
        2026,
        "CITY",
        "VOCATIONAL_COLLEGE_CONTEST",
    )
    .await;
    let old = award(
        &college_app,
        &autumn,
        "FIRST",
        "2026-09-30",
        &[(before.as_str(), "STUDENT")],
    )
    .await;
    let new = award(
        &college_app,
        &autumn,
        "FIRST",
        "2026-10-01",
        &[(after.as_str(), "STUDENT")],
    )
    .await;
    assert_eq!(old[0]["amount"], 3000);
    assert_eq!(new[0]["amount"], 4000);

    // A bad award writes nothing: its date is outside the contest's year.
    let awards = admin.count("contest_award").await;
    let wrong_year = college_app
        .data(
            RECORD,
            json!({ "input": { "contestId": city, "prize": "FIRST", "awardedOn": "2025-12-31", "winners": [{ "personId": student, "participation": "STUDENT" }] } }),
        )
        .await;
    assert_eq!(
        wrong_year["recordContestAward"]["userErrors"][0]["code"],
        "OUT_OF_RANGE"
    );
    assert_eq!(admin.count("contest_award").await, awards);

    // Totals of 2026 for the college (cancelled rewards not counted):
    // student 8,000 paid + 4,000 + 2,000 + 7,500; teacher 8,000 + 5,000;
    // 3,000 + 4,000 for the two autumn winners.
    let totals = college_app
        .data(
            "{ competitionRewardTotals(filter: { year: 2026 }) { year rewards total paid recorded } }",
            json!({}),
        )
        .await;
    assert_eq!(
        totals["competitionRewardTotals"],
        json!([{ "year": 2026, "rewards": 8, "total": 41500, "paid": 8000, "recorded": 33500 }])
    );

    // Every step is kept with who and when.
    let steps = admin
        .data(
            "query($id: ID!) { node(id: $id) { ... on CompetitionReward { steps { status actor note } } } }",
            json!({ "id": reward }),
        )
        .await;
    let statuses: Vec<&str> = steps["node"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["status"].as_str().expect("status"))
        .collect();
    assert_eq!(
        statuses,
        [
            "RECORDED",
            "RECORDED",
            "SUBMITTED",
            "RETURNED",
            "SUBMITTED",
            "APPROVED",
            "PAID"
        ]
    );
    assert_eq!(steps["node"]["steps"][3]["note"], "缺少获奖证书扫描件");
    assert!(steps["node"]["steps"][3]["actor"]
        .as_str()
        .expect("actor")
        .contains("HrBureau"));

    // The CSV export: the college's rewards, with a header and a BOM.
    let csv = admin
        .client
        .get(format!("{}/export/rewards.csv?year=2026", admin.address))
        .bearer_auth(college_app.token.as_deref().expect("a token"))
        .send()
        .await
        .expect("request");
    assert_eq!(csv.status(), 200);
    let body = csv.text().await.expect("text");
    let lines: Vec<&str> = body.lines().collect();
    assert!(
        lines[0].starts_with("\u{feff}reward_id,college,name"),
        "{body}"
    );
    assert_eq!(lines.len(), 1 + 8, "the header and 2026's rewards: {body}");
    assert!(body.contains("李明,S2026001"), "{body}");
    let anonymous = admin
        .client
        .get(format!("{}/export/rewards.csv", admin.address))
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status(), 401);

    // Who sees people and rewards: the college, 市人社局, admins; not
    // enterprises, not other colleges, not anonymous callers.
    let enterprise = admin.id_of("enterprises", "").await;
    let enterprise_row = hub::ids::decode_any(&enterprise)
        .map(|(_, id)| id)
        .expect("an enterprise id");
    let outsider = admin.as_caller(Some(
        &create_token(&admin.db, TokenRole::Enterprise, Some(enterprise_row)).await,
    ));
    let list = "{ competitionRewards(first: 5) { edges { node { amount } } } }";
    assert_eq!(
        error_code(&outsider.graphql(list, json!({})).await),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(&admin.as_caller(None).graphql(list, json!({})).await),
        "UNAUTHENTICATED"
    );
    let node = "query($id: ID!) { node(id: $id) { id } }";
    assert_eq!(
        outsider.data(node, json!({ "id": reward })).await["node"],
        Value::Null
    );
    let hr_sees = hr.data(list, json!({})).await;
    assert_eq!(
        hr_sees["competitionRewards"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(5)
    );
}
