//! Reference data: regions, the 2021 program catalogue, the 2022 occupation
//! classification and vocational skill level certificates.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{create_link_table, drop_tables, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("region")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len_uniq("code", 12))
                    .col(string_len("name", 64))
                    .col(string_len("kind", 24))
                    .col(integer_null("parent_id"))
                    .foreign_key(&mut foreign_key(
                        "region",
                        "parent_id",
                        "region",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("catalogue_entry")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len_uniq("code", 16))
                    .col(string_len("name", 128))
                    .col(string_len("education_level", 24))
                    .col(string_len("item_level", 16))
                    .col(integer_null("parent_id"))
                    .col(string_len("category_code", 8))
                    .col(string_len("category_name", 64))
                    .col(string_len_null("class_code", 8))
                    .col(string_len_null("class_name", 64))
                    .col(boolean("state_controlled"))
                    .foreign_key(&mut foreign_key(
                        "catalogue_entry",
                        "parent_id",
                        "catalogue_entry",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        for columns in [
            &["item_level", "code"][..],
            &["education_level", "code"],
            &["category_code"],
            &["class_code"],
            &["name"],
        ] {
            manager
                .create_index(index("catalogue_entry", columns, false))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("occupation")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len_uniq("code", 16))
                    .col(string_len("name", 128))
                    .col(text("definition"))
                    .col(text("main_tasks"))
                    .col(boolean("is_digital"))
                    .col(boolean("is_green"))
                    .col(string_len("minor_code", 16))
                    .col(string_len("minor_name", 128))
                    .col(string_len("medium_code", 16))
                    .col(string_len("medium_name", 128))
                    .col(string_len("major_code", 8))
                    .col(string_len("major_name", 128))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("occupation", &["major_code", "code"], false))
            .await?;
        manager
            .create_index(index("occupation", &["medium_code", "code"], false))
            .await?;
        manager
            .create_index(index("occupation", &["minor_code", "code"], false))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("certificate")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len_uniq("name", 128))
                    .col(string_len("issuer", 128))
                    .col(json("levels"))
                    .col(text("description"))
                    .take(),
            )
            .await?;
        create_link_table(
            manager,
            "certificate_catalogue_entry",
            ("certificate_id", "certificate"),
            ("catalogue_entry_id", "catalogue_entry"),
        )
        .await?;
        create_link_table(
            manager,
            "certificate_occupation",
            ("certificate_id", "certificate"),
            ("occupation_id", "occupation"),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "certificate_occupation",
                "certificate_catalogue_entry",
                "certificate",
                "occupation",
                "catalogue_entry",
                "region",
            ],
        )
        .await
    }
}
