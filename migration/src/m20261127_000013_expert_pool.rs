//! The expert pool (吉市政办发〔2022〕32号 §二(二), §二(六)): enterprise
//! experts who may teach part-time or help build courses, their
//! occupations and certificates, the colleges they share contact details
//! with; and programs' teaching needs with their occupations and
//! certificates.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{create_link_table, drop_tables, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Link tables that record provenance like the other occupation and
/// certificate links: `(table, owner column, owner table, target column,
/// target table)`.
const LINKS: [(&str, &str, &str, &str, &str); 4] = [
    (
        "expert_occupation",
        "expert_id",
        "expert",
        "occupation_id",
        "occupation",
    ),
    (
        "expert_certificate",
        "expert_id",
        "expert",
        "certificate_id",
        "certificate",
    ),
    (
        "teaching_need_occupation",
        "need_id",
        "teaching_need",
        "occupation_id",
        "occupation",
    ),
    (
        "teaching_need_certificate",
        "need_id",
        "teaching_need",
        "certificate_id",
        "certificate",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("expert")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("enterprise_id"))
                    .col(string_len("name", 60))
                    .col(string_len("kind", 32))
                    .col(string_len("job_title", 120))
                    .col(string_len("education", 32))
                    .col(string_len("skill_level", 32))
                    .col(string_len("professional_title", 60))
                    .col(boolean("high_professional_title"))
                    .col(integer("enterprise_years"))
                    .col(json("skills"))
                    .col(boolean("teaches"))
                    .col(boolean("builds_courses"))
                    .col(integer("hours_per_week"))
                    .col(date_null("available_from"))
                    .col(date_null("available_until"))
                    .col(string_len("availability_note", 200))
                    .col(string_len("phone", 40))
                    .col(string_len("email", 120))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key(
                        "expert",
                        "enterprise_id",
                        "enterprise",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("expert", &["enterprise_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("teaching_need")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("program_id"))
                    .col(string_len("kind", 32))
                    .col(string_len("title", 120))
                    .col(json("topics"))
                    .col(text("description"))
                    .col(integer("hours"))
                    .col(date("period_start"))
                    .col(date("period_end"))
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key(
                        "teaching_need",
                        "program_id",
                        "program",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("teaching_need", &["program_id"], false))
            .await?;
        manager
            .create_index(index("teaching_need", &["status"], false))
            .await?;
        for (table, owner, owner_table, target, target_table) in LINKS {
            create_link_table(manager, table, (owner, owner_table), (target, target_table)).await?;
            // SQLite alters one column per statement.
            for column in [
                string_len("provenance", 16).default("DECLARED").take(),
                double_null("confidence").take(),
                timestamp_with_time_zone_null("linked_at").take(),
            ] {
                manager
                    .alter_table(Table::alter().table(table).add_column(column).take())
                    .await?;
            }
        }
        create_link_table(
            manager,
            "expert_contact_share",
            ("expert_id", "expert"),
            ("college_id", "college"),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "expert_contact_share",
                "teaching_need_certificate",
                "teaching_need_occupation",
                "expert_certificate",
                "expert_occupation",
                "teaching_need",
                "expert",
            ],
        )
        .await
    }
}
