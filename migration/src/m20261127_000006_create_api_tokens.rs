//! API tokens: each bound to one role and, except for admins, one
//! organisation. Only a hash of the token is stored.

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
                    .table("api_token")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len("name", 128))
                    .col(string_len_uniq("token_hash", 64))
                    .col(string_len("prefix", 16))
                    .col(string_len("role", 32))
                    .col(integer_null("organisation_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("expires_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["api_token"]).await
    }
}
