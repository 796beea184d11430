//! Indexes of the occupation link tables by occupation and then owner, so
//! that matching reads the newest owners of one occupation in index order
//! (and stops after the few hundred it takes) instead of gathering and
//! sorting every owner of the occupation.

use sea_orm_migration::prelude::*;

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

const LINKS: [(&str, &str); 3] = [
    ("posting_occupation", "posting_id"),
    ("program_occupation", "program_id"),
    ("offer_occupation", "offer_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, owner) in LINKS {
            manager
                .create_index(index(table, &["occupation_id", owner], false))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, owner) in LINKS {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("idx_{table}_occupation_id_{owner}"))
                        .table(table)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
