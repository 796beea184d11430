//! 职业启蒙, labour-education and vocational-experience activities held at
//! college bases, with their participant counts (吉市政办发〔2022〕32号
//! §二(一): at least 5,000 participants a year).

use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("outreach_activity")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("college_id"))
                    .col(string_len("kind", 32))
                    .col(string_len("title", 200))
                    .col(date("held_on"))
                    .col(integer("participants"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut foreign_key(
                        "outreach_activity",
                        "college_id",
                        "college",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("outreach_activity", &["held_on"], false))
            .await?;
        manager
            .create_index(index("outreach_activity", &["college_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["outreach_activity"]).await
    }
}
