//! The change log: every write appends one row in the same transaction; the
//! search indexer tails it in sequence order.

use sea_orm_migration::{prelude::*, schema::*};

use crate::drop_tables;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("change_log")
                    .if_not_exists()
                    .col(big_pk_auto("seq"))
                    .col(string_len("entity", 32))
                    .col(integer("entity_id"))
                    .col(string_len("operation", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["change_log"]).await
    }
}
