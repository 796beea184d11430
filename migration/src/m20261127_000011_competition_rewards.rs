//! Skill-competition rewards (吉市政办发〔2022〕32号 §二(七)): contests,
//! the people who win them (students and teachers of colleges), awards
//! with their winners, dated reward tables, the rewards computed from them
//! and every step of their approval.
//!
//! The first reward table holds the policy's amounts, in force from
//! 2022-01-01; the city adjusts amounts by adding a table with a later
//! date, never by editing one.

use sea_orm_migration::{
    prelude::*,
    schema::*,
    sea_orm::prelude::{ChronoDate, ChronoUtc},
};

use crate::{drop_tables, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("contest")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len("name", 200))
                    .col(string_len("event", 200))
                    .col(integer("year"))
                    .col(string_len("level", 16))
                    .col(string_len("organiser", 32))
                    .col(timestamp_with_time_zone("created_at"))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("contest", &["year", "event"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("contest_person")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len("name", 100))
                    .col(integer("college_id"))
                    .col(string_len("identity", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut foreign_key(
                        "contest_person",
                        "college_id",
                        "college",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("contest_person", &["college_id", "identity"], true))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("contest_award")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("contest_id"))
                    .col(string_len("prize", 16))
                    .col(date("awarded_on"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut foreign_key(
                        "contest_award",
                        "contest_id",
                        "contest",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("contest_award", &["contest_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("award_winner")
                    .if_not_exists()
                    .col(integer("award_id"))
                    .col(integer("person_id"))
                    .col(string_len("participation", 16))
                    .primary_key(Index::create().col("award_id").col("person_id"))
                    .foreign_key(&mut foreign_key(
                        "award_winner",
                        "award_id",
                        "contest_award",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "award_winner",
                        "person_id",
                        "contest_person",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("award_winner", &["person_id"], false))
            .await?;
        let mut table = Table::create();
        table
            .table("reward_table")
            .if_not_exists()
            .col(pk_auto("id"))
            .col(date("effective_from"));
        for level in ["nation", "province", "city"] {
            for prize in ["first", "second", "third"] {
                table.col(big_integer(format!("{level}_{prize}")));
            }
        }
        table.col(timestamp_with_time_zone("created_at"));
        manager.create_table(table.take()).await?;
        manager
            .create_index(index("reward_table", &["effective_from"], true))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("competition_reward")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("person_id"))
                    .col(string_len("event_key", 200))
                    .col(integer("year"))
                    .col(integer("award_id"))
                    .col(big_integer("amount"))
                    .col(date_null("table_from"))
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key(
                        "competition_reward",
                        "person_id",
                        "contest_person",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "competition_reward",
                        "award_id",
                        "contest_award",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "competition_reward",
                &["person_id", "event_key", "year"],
                false,
            ))
            .await?;
        manager
            .create_index(index("competition_reward", &["year", "status"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("reward_step")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("reward_id"))
                    .col(string_len("status", 16))
                    .col(string_len("actor", 200))
                    .col(text("note"))
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(&mut foreign_key(
                        "reward_step",
                        "reward_id",
                        "competition_reward",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("reward_step", &["reward_id"], false))
            .await?;
        let from = ChronoDate::from_ymd_opt(2022, 1, 1)
            .ok_or_else(|| DbErr::Custom("the policy table's date".to_string()))?;
        let mut seed = Query::insert();
        seed.into_table("reward_table").columns([
            "effective_from",
            "nation_first",
            "nation_second",
            "nation_third",
            "province_first",
            "province_second",
            "province_third",
            "city_first",
            "city_second",
            "city_third",
            "created_at",
        ]);
        seed.values_panic([
            from.into(),
            20_000_i64.into(),
            15_000_i64.into(),
            12_000_i64.into(),
            10_000_i64.into(),
            8_000_i64.into(),
            5_000_i64.into(),
            3_000_i64.into(),
            2_000_i64.into(),
            1_000_i64.into(),
            ChronoUtc::now().into(),
        ]);
        manager.exec_stmt(seed.take()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "reward_step",
                "competition_reward",
                "reward_table",
                "award_winner",
                "contest_award",
                "contest_person",
                "contest",
            ],
        )
        .await
    }
}
