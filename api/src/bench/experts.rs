//! `hub-bench experts`: matching experts of the pool to teaching needs as
//! the pool grows. A scratch SQLite database gets 200 colleges with one
//! program and one teaching need each, and experts of 200 enterprises in
//! stages, each linked to one or two occupations of the 2022
//! classification drawn at random (needs too), with their occupation's
//! name as a skill.
//!
//! Printed per pool size: the latency of `TeachingNeed.matches` (the whole
//! pool scored, `matching::experts::for_need`) and of `Expert.matches`
//! (every open need scored, `for_expert`), p50 and p99 over the sampled
//! subjects, next to a baseline measured in the same run: the one indexed
//! SQL lookup of the experts linked to the need's occupations, which
//! scores nothing. The ratio of medians is what compares across machines.

use std::{path::PathBuf, time::Instant};

use chrono::{Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::{
    corpus::Rng,
    matching::{declared_links, insert_rows, occupations_of, world, World},
    performance::{ms, Latency},
};
use crate::{db::connect_and_migrate, matching};

pub struct Options {
    pub work_dir: PathBuf,
    /// Pool sizes, in increasing order.
    pub stages: Vec<usize>,
    /// Subjects timed per direction and stage.
    pub subjects: usize,
}

/// Teaching needs: one per college.
const NEEDS: usize = 200;

async fn fill_needs(db: &DatabaseConnection, world: &World) -> anyhow::Result<()> {
    let mut rng = Rng::new(17);
    let now = Utc::now();
    let today = now.date_naive();
    let mut programs = Vec::new();
    let mut needs = Vec::new();
    let mut links = Vec::new();
    for (n, college) in world.colleges.iter().take(NEEDS).enumerate() {
        let id = n as i32 + 1;
        let picks = occupations_of(&mut rng, world);
        let name = &world.occupations[picks[0]].1;
        programs.push(vec![
            id.into(),
            (*college).into(),
            (*rng.pick(&world.entries)).into(),
            format!("{name}专业").into(),
            "".into(),
            "MANUAL".into(),
            now.into(),
            now.into(),
        ]);
        let start = today + Duration::days(30);
        needs.push(vec![
            id.into(),
            id.into(),
            "TEACHING".into(),
            format!("{name}实训").into(),
            serde_json::json!([name]).into(),
            "".into(),
            ((32 + rng.below(32)) as i32).into(),
            start.into(),
            (start + Duration::days(120)).into(),
            "OPEN".into(),
            now.into(),
            now.into(),
        ]);
        links.extend(declared_links(id, &picks, world));
    }
    insert_rows(
        db,
        "program",
        &[
            "id",
            "college_id",
            "catalogue_entry_id",
            "name",
            "description",
            "source",
            "created_at",
            "updated_at",
        ],
        programs,
    )
    .await?;
    insert_rows(
        db,
        "teaching_need",
        &[
            "id",
            "program_id",
            "kind",
            "title",
            "topics",
            "description",
            "hours",
            "period_start",
            "period_end",
            "status",
            "created_at",
            "updated_at",
        ],
        needs,
    )
    .await?;
    insert_rows(
        db,
        "teaching_need_occupation",
        &["need_id", "occupation_id", "provenance"],
        links,
    )
    .await
}

/// Adds experts `from + 1 ..= to`.
async fn fill_experts(
    db: &DatabaseConnection,
    world: &World,
    from: usize,
    to: usize,
) -> anyhow::Result<()> {
    let mut rng = Rng::new(23 + from as u64);
    let now = Utc::now();
    let mut experts = Vec::new();
    let mut links = Vec::new();
    for id in (from + 1)..=to {
        let id = id as i32;
        let picks = occupations_of(&mut rng, world);
        let skill = &world.occupations[picks[0]].1;
        experts.push(vec![
            id.into(),
            (*rng.pick(&world.enterprises)).into(),
            format!("基准专家{id}").into(),
            "SKILLED_WORKER".into(),
            format!("{skill}班组长").into(),
            "ASSOCIATE".into(),
            "TECHNICIAN".into(),
            "".into(),
            false.into(),
            ((3 + rng.below(20)) as i32).into(),
            serde_json::json!([skill]).into(),
            true.into(),
            (rng.below(2) == 0).into(),
            ((2 + rng.below(7)) as i32).into(),
            "".into(),
            "".into(),
            "".into(),
            now.into(),
            now.into(),
        ]);
        links.extend(declared_links(id, &picks, world));
    }
    insert_rows(
        db,
        "expert",
        &[
            "id",
            "enterprise_id",
            "name",
            "kind",
            "job_title",
            "education",
            "skill_level",
            "professional_title",
            "high_professional_title",
            "enterprise_years",
            "skills",
            "teaches",
            "builds_courses",
            "hours_per_week",
            "availability_note",
            "phone",
            "email",
            "created_at",
            "updated_at",
        ],
        experts,
    )
    .await?;
    insert_rows(
        db,
        "expert_occupation",
        &["expert_id", "occupation_id", "provenance"],
        links,
    )
    .await
}

/// The baseline: the experts linked to a need's occupations, one indexed
/// lookup, nothing scored.
async fn baseline(db: &DatabaseConnection, need: i32) -> anyhow::Result<usize> {
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT DISTINCT e.expert_id FROM expert_occupation e \
                 JOIN teaching_need_occupation n ON n.occupation_id = e.occupation_id \
                 WHERE n.need_id = {need}"
            ),
        ))
        .await?;
    Ok(rows.len())
}

pub async fn run(options: &Options) -> anyhow::Result<()> {
    std::fs::create_dir_all(&options.work_dir)?;
    let scratch = tempfile::tempdir_in(&options.work_dir)?;
    let url = format!(
        "sqlite://{}?mode=rwc",
        scratch.path().join("experts.db").display()
    );
    let (db, _) = connect_and_migrate(&url).await?;
    let world = world(&db).await?;
    fill_needs(&db, &world).await?;
    let places = matching::profiles::places(&db).await?;
    println!(
        "expert matching: {NEEDS} open teaching needs of 200 colleges, experts of 200 enterprises; 1-2 random occupations each; {} subjects per direction",
        options.subjects
    );
    println!("ms, p50 / p99        need → experts      expert → needs      baseline (SQL lookup)   need→experts ÷ baseline (p50)");
    let mut rng = Rng::new(5);
    let mut filled = 0;
    for stage in &options.stages {
        fill_experts(&db, &world, filled, *stage).await?;
        filled = *stage;
        db.execute_unprepared("ANALYZE").await?;
        let (mut for_need, mut for_expert, mut lookups) = (Vec::new(), Vec::new(), Vec::new());
        let mut listed = 0;
        for round in 0..options.subjects + 3 {
            let need = 1 + rng.below(NEEDS) as i32;
            let started = Instant::now();
            let scored = matching::experts::for_need(&db, need, &places, &|_| true)
                .await?
                .unwrap_or_default();
            let took = started.elapsed();
            let started = Instant::now();
            baseline(&db, need).await?;
            let lookup = started.elapsed();
            let expert = 1 + rng.below(filled) as i32;
            let started = Instant::now();
            matching::experts::for_expert(&db, expert, &places, &|_| true).await?;
            let reverse = started.elapsed();
            // The first rounds warm the caches.
            if round >= 3 {
                for_need.push(took);
                lookups.push(lookup);
                for_expert.push(reverse);
                listed += scored.len();
            }
        }
        let (need, expert, lookup) = (
            Latency::of(for_need),
            Latency::of(for_expert),
            Latency::of(lookups),
        );
        println!(
            "{stage:>7} experts   {:>7.1} / {:>7.1}   {:>7.1} / {:>7.1}   {:>7.2} / {:>7.2}        {:>6.0}×   ({} experts listed per need on average)",
            ms(need.p50),
            ms(need.p99),
            ms(expert.p50),
            ms(expert.p99),
            ms(lookup.p50),
            ms(lookup.p99),
            ms(need.p50) / ms(lookup.p50).max(0.001),
            listed / options.subjects.max(1),
        );
    }
    Ok(())
}
