//! Where each link between supply, demand, occupations and certificates
//! came from: declared by its owner, confirmed from a suggestion, suggested
//! by the hub (with a confidence) or imported; and when it was set. Owners'
//! rejected suggestions are kept so they are not suggested again.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, foreign_key};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The link tables that gain provenance.
const LINK_TABLES: [&str; 6] = [
    "posting_occupation",
    "program_occupation",
    "offer_occupation",
    "posting_certificate",
    "program_certificate",
    "certificate_occupation",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in LINK_TABLES {
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
        manager
            .create_table(
                Table::create()
                    .table("rejected_suggestion")
                    .if_not_exists()
                    .col(string_len("subject_kind", 32))
                    .col(integer("subject_id"))
                    .col(integer("occupation_id"))
                    .col(integer_null("rejected_by"))
                    .col(timestamp_with_time_zone("rejected_at"))
                    .primary_key(
                        Index::create()
                            .col("subject_kind")
                            .col("subject_id")
                            .col("occupation_id"),
                    )
                    .foreign_key(&mut foreign_key(
                        "rejected_suggestion",
                        "occupation_id",
                        "occupation",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["rejected_suggestion"]).await?;
        for table in LINK_TABLES {
            for column in ["provenance", "confidence", "linked_at"] {
                manager
                    .alter_table(Table::alter().table(table).drop_column(column).take())
                    .await?;
            }
        }
        Ok(())
    }
}
