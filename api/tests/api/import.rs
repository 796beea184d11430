use std::io::Write;

use hub::import::{import_file, ImportError, ImportKind, ImportOptions, Progress};
use serde_json::json;

use crate::helpers::{shared_data, spawn_app_with};

async fn import(
    app: &crate::helpers::TestApp,
    kind: ImportKind,
    path: &std::path::Path,
    skip: bool,
) -> Result<hub::import::ImportReport, ImportError> {
    import_file(
        &app.db,
        kind,
        path,
        ImportOptions {
            skip_bad_rows: skip,
        },
        &Progress::silent(),
    )
    .await
}

#[tokio::test]
async fn the_catalogue_imports_57_categories_275_classes_and_1349_programs_and_reimports_as_updates(
) {
    let app = spawn_app_with(false).await;
    let logged_before = app.count("change_log").await;
    let path = shared_data("programs/vocational_catalog_2021.csv");
    let report = import(&app, ImportKind::Catalogue, &path, false)
        .await
        .expect("the catalogue imports");
    // The built-in tables hold every code already: the import updates.
    assert_eq!(
        (report.rows, report.created, report.updated),
        (1681, 0, 1681)
    );
    let counts = r#"{
      categories: catalogueEntries(filter: { itemLevel: CATEGORY }) { totalCount }
      classes: catalogueEntries(filter: { itemLevel: CLASS }) { totalCount }
      majors: catalogueEntries(filter: { itemLevel: MAJOR }) { totalCount }
      secondary: catalogueEntries(filter: { itemLevel: MAJOR, educationLevel: VOCATIONAL_SECONDARY }) { totalCount }
      associate: catalogueEntries(filter: { itemLevel: MAJOR, educationLevel: VOCATIONAL_ASSOCIATE }) { totalCount }
      bachelor: catalogueEntries(filter: { itemLevel: MAJOR, educationLevel: VOCATIONAL_BACHELOR }) { totalCount }
      clinical: catalogueEntry(code: "520101K") { name stateControlled parent { code name parent { code name } } }
    }"#;
    let expected = json!({
        "categories": { "totalCount": 57 }, "classes": { "totalCount": 275 }, "majors": { "totalCount": 1349 },
        "secondary": { "totalCount": 358 }, "associate": { "totalCount": 744 }, "bachelor": { "totalCount": 247 },
        "clinical": { "name": "临床医学", "stateControlled": true,
            "parent": { "code": "5201", "name": "临床医学类", "parent": { "code": "52", "name": "医药卫生大类" } } }
    });
    assert_eq!(app.data(counts, json!({})).await, expected);

    let again = import(&app, ImportKind::Catalogue, &path, false)
        .await
        .expect("the catalogue imports again");
    assert_eq!((again.created, again.updated), (0, 1681));
    assert_eq!(
        app.data(counts, json!({})).await,
        expected,
        "a second import duplicates nothing"
    );
    assert_eq!(
        app.count("change_log").await - logged_before,
        1681 * 2,
        "every write is in the change log"
    );
}

#[tokio::test]
async fn occupations_import_1605_codes_and_report_the_three_repeated_codes() {
    let app = spawn_app_with(false).await;
    let welder = r#"{ occupation(code: "6-18-02-04") { name definition } }"#;
    assert_eq!(
        app.data(welder, json!({})).await["occupation"],
        json!({ "name": "焊工", "definition": "" }),
        "the built-in table has the code and name, not the texts"
    );
    let report = import(
        &app,
        ImportKind::Occupations,
        &shared_data("occupations/occupations_2022.csv"),
        false,
    )
    .await
    .expect("the occupations import");
    // The built-in table holds every code, without texts: the import
    // fills in the definitions and tasks of the same rows.
    assert_eq!(
        (report.rows, report.created, report.updated),
        (1608, 0, 1605)
    );
    let mut repeated: Vec<String> = report
        .warnings
        .iter()
        .map(|w| w.reason.split('`').nth(1).unwrap_or_default().to_string())
        .collect();
    repeated.sort();
    assert_eq!(repeated, vec!["2-07-10-03", "2-08-04-00", "6-11-08-24"]);
    assert!(report
        .warnings
        .iter()
        .all(|w| w.field == "code" && w.line > 1 && w.file.ends_with("occupations_2022.csv")));
    let data = app
        .data(
            r#"{
              all: occupations { totalCount }
              digital: occupations(filter: { isDigital: true }) { totalCount }
              green: occupations(filter: { isGreen: true }) { totalCount }
              logistics: occupation(code: "2-02-30-02") { name isGreen isDigital }
              welder: occupation(code: "6-18-02-04") { name majorCode majorName mediumCode minorCode }
              counsellor: occupation(code: "2-07-10-03") { name }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["all"]["totalCount"], 1605);
    assert_eq!(data["digital"]["totalCount"], 97);
    // 23 rows keep the classification's mark in the name (`L/`, what is
    // left of `L/S`): the name loses it, the occupation is green.
    assert_eq!(
        data["logistics"],
        json!({ "name": "物流工程技术人员", "isGreen": true, "isDigital": true })
    );
    assert_eq!(data["green"]["totalCount"], 110 + 23);
    assert_eq!(data["welder"]["name"], "焊工");
    assert_eq!(data["welder"]["mediumCode"], "6-18");
    let definition = app.data(welder, json!({})).await["occupation"]["definition"].clone();
    assert!(
        definition.as_str().is_some_and(|d| d.contains("焊")),
        "the import filled in the definition: {definition}"
    );
    assert_eq!(
        data["counsellor"]["name"], "心理咨询师",
        "the first row of a repeated code wins"
    );
}

#[tokio::test]
async fn college_programs_are_matched_to_the_catalogue_by_name_and_unmatched_ones_are_kept() {
    let app = spawn_app_with(false).await;
    import(
        &app,
        ImportKind::Catalogue,
        &shared_data("programs/vocational_catalog_2021.csv"),
        false,
    )
    .await
    .expect("catalogue");
    let path = shared_data("colleges/jilin_city_college_programs_distinct.csv");
    let report = import(&app, ImportKind::CollegePrograms, &path, false)
        .await
        .expect("college programs");
    assert_eq!((report.rows, report.created), (365, 365));
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("match no catalogue entry")),
        "{:?}",
        report.notes
    );
    let data = app
        .data(
            r#"{
              colleges(first: 20) { totalCount }
              vocational: colleges(first: 20, filter: { levels: [HIGHER_VOCATIONAL, VOCATIONAL_BACHELOR] }) { edges { node { name level } } }
              matched: programs(filter: { matchedToCatalogue: true }) { totalCount }
              unmatched: programs(filter: { matchedToCatalogue: false }) { totalCount }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["colleges"]["totalCount"], 9);
    let mut vocational: Vec<String> = data["vocational"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| e["node"]["name"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    vocational.sort();
    assert_eq!(
        vocational,
        vec![
            "吉林工业职业技术学院",
            "吉林电子信息职业技术学院",
            "吉林通用航空职业技术学院",
            "吉林铁道职业技术大学"
        ]
    );
    let matched = data["matched"]["totalCount"].as_u64().unwrap_or_default();
    let unmatched = data["unmatched"]["totalCount"].as_u64().unwrap_or_default();
    assert_eq!(matched + unmatched, 365);
    assert!(
        matched >= 100 && unmatched >= 50,
        "matched {matched}, unmatched {unmatched}"
    );

    let again = import(&app, ImportKind::CollegePrograms, &path, false)
        .await
        .expect("again");
    assert_eq!((again.created, again.updated), (0, 365));
    assert_eq!(app.count("program").await, 365);
}

#[tokio::test]
async fn a_posting_file_with_bad_rows_imports_nothing_unless_bad_rows_are_skipped() {
    let app = spawn_app_with(false).await;
    let path = shared_data("postings/51job_2019_cugwhzenith.csv");
    let error = import(&app, ImportKind::Postings, &path, false)
        .await
        .expect_err("the file has rows without a title");
    let ImportError::BadRows { problems, .. } = &error else {
        panic!("expected bad rows, got {error}")
    };
    assert_eq!(problems.len(), 28);
    assert!(problems
        .iter()
        .all(|p| p.field == "title" && p.reason == "the title is empty" && p.line > 1));
    assert!(
        error.to_string().contains("51job_2019_cugwhzenith.csv:"),
        "the message names file and line: {error}"
    );
    assert_eq!(app.count("demand_posting").await, 0, "nothing was imported");

    let report = import(&app, ImportKind::Postings, &path, true)
        .await
        .expect("the readable rows import");
    assert_eq!(report.skipped.len(), 28);
    assert_eq!(
        report.created
            + report
                .warnings
                .iter()
                .filter(|w| w.reason.contains("repeats"))
                .count(),
        4950 - 28
    );
    let again = import(&app, ImportKind::Postings, &path, true)
        .await
        .expect("again");
    assert_eq!((again.created, again.updated), (0, report.created));
    assert_eq!(app.count("demand_posting").await as usize, report.created);
}

#[tokio::test]
async fn messy_salaries_and_headcounts_of_real_postings_are_parsed() {
    let app = spawn_app_with(false).await;
    let report = import(
        &app,
        ImportKind::Postings,
        &shared_data("postings/zhilian_mcliuyi.csv"),
        false,
    )
    .await
    .expect("import");
    assert_eq!((report.rows, report.created), (291, 291));
    let data = app
        .data(
            r#"{ all: demandPostings(filter: { source: IMPORTED }) { totalCount }
                 demandPostings(first: 100, filter: { source: IMPORTED, educationLevels: [SENIOR_SECONDARY], salaryMin: 6000, salaryMax: 6000 }) {
                 edges { node { title employerName salary { min max } educationLevel association { name } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["all"]["totalCount"], 291);
    let analyst = data["demandPostings"]["edges"]
        .as_array()
        .and_then(|edges| {
            edges
                .iter()
                .find(|e| e["node"]["title"] == "电商数据分析(双休+五险一金+餐补)")
        })
        .map(|e| e["node"].clone())
        .expect("the first posting of the file");
    assert_eq!(
        analyst,
        json!({ "title": "电商数据分析(双休+五险一金+餐补)", "employerName": "杭州挪蒙广告设计有限公司",
            "salary": { "min": 6000, "max": 8000 }, "educationLevel": "SENIOR_SECONDARY",
            "association": { "name": "外部招聘平台（导入数据）" } })
    );
    let big = import(
        &app,
        ImportKind::Postings,
        &shared_data("postings/zhilian_2024_fanjuchen.csv"),
        false,
    )
    .await
    .expect("2024 file");
    assert_eq!(big.rows, 14_251);
    assert!(
        big.warnings
            .iter()
            .any(|w| w.field == "salary" && w.reason.contains("800-1600元/次")),
        "unreadable salaries are reported"
    );
    let negotiable = app
        .data(
            r#"{ demandPostings(filter: { salaryMin: 10000, salaryMax: 10000 }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert!(
        negotiable["demandPostings"]["totalCount"]
            .as_u64()
            .unwrap_or_default()
            > 1000
    );
}

#[tokio::test]
async fn unreadable_rows_of_any_file_are_reported_with_file_line_and_field() {
    let app = spawn_app_with(false).await;
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    writeln!(
        file,
        "catalogCode,educationLevel,educationLevelName,categoryCode,categoryName,classCode,className,majorCode,majorName,parentCode,itemLevel,isStateControlled\n\
         MOE,VOCATIONAL_ASSOCIATE,高职,46,装备制造大类,,,46,装备制造大类,,CATEGORY,\n\
         MOE,VOCATIONAL_ASSOCIATE,高职,46,装备制造大类,4603,自动化类,4603,自动化类,46,CLASS,\n\
         MOE,VOCATIONAL_ASSOCIATE,高职,46,装备制造大类,4603,自动化类,46030X,坏代码,4603,MAJOR,\n\
         MOE,DOCTORATE,博士,46,装备制造大类,4603,自动化类,460305,工业机器人技术,4603,MAJOR,\n\
         MOE,VOCATIONAL_ASSOCIATE,高职,46,装备制造大类,4699,未知类,469901,孤儿专业,4699,MAJOR,"
    )
    .expect("write");
    let error = import(&app, ImportKind::Catalogue, file.path(), false)
        .await
        .expect_err("bad rows");
    let ImportError::BadRows { problems, .. } = error else {
        panic!("expected bad rows")
    };
    let found: Vec<(u64, String)> = problems.iter().map(|p| (p.line, p.field.clone())).collect();
    assert_eq!(
        found,
        vec![
            (4, "majorCode".to_string()),
            (5, "educationLevel".to_string()),
            (6, "parentCode".to_string())
        ]
    );
    assert_eq!(
        app.count("catalogue_entry").await,
        1681,
        "the built-in entries, nothing more"
    );

    let report = import(&app, ImportKind::Catalogue, file.path(), true)
        .await
        .expect("skipping bad rows");
    assert_eq!(
        (report.created + report.updated, report.skipped.len()),
        (2, 3)
    );

    let mut wrong = tempfile::NamedTempFile::new().expect("temp file");
    writeln!(wrong, "a,b\n1,2").expect("write");
    let header = import(&app, ImportKind::Occupations, wrong.path(), false)
        .await
        .expect_err("wrong header");
    assert!(
        header
            .to_string()
            .contains("the header lacks the column(s) code"),
        "{header}"
    );
}

#[tokio::test]
async fn imported_postings_are_checked_like_the_services_check_them() {
    let app = spawn_app_with(false).await;
    let long_url = format!("https://jobs.example.cn/{}", "x".repeat(300));
    let long_tag = "A".repeat(61);
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    writeln!(
        file,
        "title,company,salary,company_tags,location,experience,education,url\n\
         数控车工,吉林某机械厂,6千-8千,CNC|民营,吉林·船营,1-3年,中专,https://jobs.example.cn/1\n\
         销售总监,吉林某集团,2000-3000万/月,民营,吉林·昌邑,5-10年,本科,https://jobs.example.cn/2\n\
         焊工,吉林某钢构厂,5千-7千,{long_tag}|民营,吉林·龙潭,不限,不限,https://jobs.example.cn/3\n\
         电工,吉林某电力公司,5千-6千,国企,吉林·丰满,不限,大专,{long_url}"
    )
    .expect("write");
    // The too long skill tag (line 4) is a bad row, named by its column.
    let error = import(&app, ImportKind::Postings, file.path(), false)
        .await
        .expect_err("a bad row");
    let ImportError::BadRows { problems, .. } = error else {
        panic!("expected bad rows, got {error}")
    };
    let found: Vec<(u64, String)> = problems.iter().map(|p| (p.line, p.field.clone())).collect();
    assert_eq!(found, vec![(4, "company_tags".to_string())]);
    assert_eq!(app.count("demand_posting").await, 0);

    let report = import(&app, ImportKind::Postings, file.path(), true)
        .await
        .expect("skipping the bad row");
    assert_eq!((report.created, report.skipped.len()), (3, 1));
    // A salary the services would refuse is left empty, with a warning.
    let warnings: Vec<(u64, String)> = report
        .warnings
        .iter()
        .map(|p| (p.line, p.field.clone()))
        .collect();
    assert_eq!(warnings, vec![(3, "salary".to_string())]);
    let data = app
        .data(
            r#"{ demandPostings(first: 10, orderBy: { field: TITLE, direction: ASC }) {
                edges { node { title salary { min max } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["demandPostings"]["edges"],
        json!([
            { "node": { "title": "数控车工", "salary": { "min": 6000, "max": 8000 } } },
            { "node": { "title": "电工", "salary": { "min": 5000, "max": 6000 } } },
            { "node": { "title": "销售总监", "salary": { "min": null, "max": null } } },
        ])
    );
    // The long address fits its key column as a hash: a second import
    // updates instead of duplicating.
    let again = import(&app, ImportKind::Postings, file.path(), true)
        .await
        .expect("importing again");
    assert_eq!((again.created, again.updated), (0, 3));
    assert_eq!(app.count("demand_posting").await, 3);
}

/// Databases of earlier versions hold names with the classification's mark
/// (from the built-in table or an import): a migration takes it off.
#[tokio::test]
async fn a_migration_takes_the_mark_off_stored_occupation_names() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Statement};

    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = crate::helpers::fresh_database(dir.path()).await;
    let (db, _) = hub::db::connect_and_migrate(&url)
        .await
        .expect("the database");
    let backend = db.get_database_backend();
    let run = |sql: &str| Statement::from_string(backend, sql.to_string());
    // As an earlier version stored them.
    for (code, name) in [
        ("2-02-30-02", "物流工程技术人员L/"),
        ("6-18-02-04", "焊工L/S"),
    ] {
        db.execute_raw(run(&format!(
            "UPDATE occupation SET name = '{name}', is_green = FALSE, is_digital = FALSE \
             WHERE code = '{code}'"
        )))
        .await
        .expect("the old name");
    }
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let before = entity::change_log::Entity::find()
        .order_by_desc(entity::change_log::Column::Seq)
        .one(&db)
        .await
        .expect("the change log")
        .map_or(0, |row| row.seq);
    Migrator::down(&db, Some(1)).await.expect("down");
    Migrator::up(&db, None).await.expect("up again");
    // The renamed occupations are logged as updated (rows the indexer
    // reads), so the index and clients that follow the log see the names.
    let logged = entity::change_log::Entity::find()
        .filter(entity::change_log::Column::Seq.gt(before))
        .all(&db)
        .await
        .expect("the change log");
    let mut ids: Vec<(String, i32, entity::enums::ChangeOperation)> = logged
        .into_iter()
        .map(|row| (row.entity, row.entity_id, row.operation))
        .collect();
    ids.sort_by_key(|(_, id, _)| *id);
    let mut expected = Vec::new();
    for code in ["2-02-30-02", "6-18-02-04"] {
        let id = entity::occupation::Entity::find()
            .filter(entity::occupation::Column::Code.eq(code))
            .one(&db)
            .await
            .expect("the query")
            .expect("the occupation")
            .id;
        expected.push((
            "Occupation".to_string(),
            id,
            entity::enums::ChangeOperation::Update,
        ));
    }
    expected.sort_by_key(|(_, id, _)| *id);
    assert_eq!(ids, expected);
    for (code, name, digital) in [
        ("2-02-30-02", "物流工程技术人员", false),
        ("6-18-02-04", "焊工", true),
    ] {
        let row = db
            .query_one_raw(run(&format!(
                "SELECT name, is_green, is_digital FROM occupation WHERE code = '{code}'"
            )))
            .await
            .expect("the query")
            .expect("the occupation");
        assert_eq!(
            row.try_get_by_index::<String>(0).ok().as_deref(),
            Some(name)
        );
        assert_eq!(
            row.try_get_by_index::<bool>(1).ok(),
            Some(true),
            "{code} green"
        );
        assert_eq!(
            row.try_get_by_index::<bool>(2).ok(),
            Some(digital),
            "{code} digital"
        );
    }
}
