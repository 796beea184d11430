//! The demand tally behind the supply–demand gap: each posting's share of
//! demand per occupation (`posting_demand_share`), their sums per
//! occupation, provenance, region and validity window (`demand_tally`),
//! and the change-log sequence both are up to date with
//! (`demand_tally_state`). Keys use 0 for "no occupation" / "no region"
//! and 9999-12-31 for "open-ended", so that they can be primary keys on
//! both databases. No foreign keys: the tally follows postings through the
//! change log, removing a deleted posting's shares itself.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("posting_demand_share")
                    .if_not_exists()
                    .col(integer("posting_id"))
                    .col(integer("occupation_id"))
                    .col(string_len("provenance", 16))
                    .col(integer("region_id"))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .col(double("share"))
                    .primary_key(Index::create().col("posting_id").col("occupation_id"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("demand_tally")
                    .if_not_exists()
                    .col(integer("occupation_id"))
                    .col(string_len("provenance", 16))
                    .col(integer("region_id"))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .col(double("total"))
                    .col(integer("postings"))
                    .primary_key(
                        Index::create()
                            .col("occupation_id")
                            .col("provenance")
                            .col("region_id")
                            .col("starts_on")
                            .col("ends_on"),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(index("demand_tally", &["starts_on", "ends_on"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("demand_tally_state")
                    .if_not_exists()
                    .col(integer("id").primary_key())
                    .col(big_integer("sequence"))
                    .col(timestamp_with_time_zone("rebuilt_at"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &["demand_tally_state", "demand_tally", "posting_demand_share"],
        )
        .await
    }
}
