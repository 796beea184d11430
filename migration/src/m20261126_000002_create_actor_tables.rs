//! The organisations that use the hub: industry associations, enterprises
//! and colleges (including regional training bases).

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
                    .table("industry_association")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len_uniq("name", 128))
                    .col(string_len("sector", 64))
                    .col(integer_null("region_id"))
                    .col(text("description"))
                    .foreign_key(&mut foreign_key(
                        "industry_association",
                        "region_id",
                        "region",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("enterprise")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len_uniq("name", 128))
                    .col(string_len("industry", 64))
                    .col(integer_null("region_id"))
                    .col(string_len("size", 16))
                    .col(integer_null("association_id"))
                    .col(text("description"))
                    .foreign_key(&mut foreign_key(
                        "enterprise",
                        "region_id",
                        "region",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut foreign_key(
                        "enterprise",
                        "association_id",
                        "industry_association",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("enterprise", &["region_id"], false))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("college")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len_uniq("name", 128))
                    .col(string_len("level", 24))
                    .col(string_len("ownership", 24))
                    .col(integer_null("region_id"))
                    .col(text("description"))
                    .foreign_key(&mut foreign_key(
                        "college",
                        "region_id",
                        "region",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["college", "enterprise", "industry_association"]).await
    }
}
