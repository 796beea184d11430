//! The postings and programs waiting for occupation suggestions, as a
//! partial index: the suggester polls for them every second, and without
//! the index each poll read every row of the table (a third of a second at
//! a million postings).
//!
//! `suggested_at` now means "the suggester has seen this text": objects
//! with the owner's own occupations are marked as seen too (nothing to
//! suggest), so that only objects really waiting stay in the index. Rows
//! that already have the owner's occupations are marked here.

use sea_orm_migration::{prelude::*, sea_orm::prelude::ChronoUtc};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, link table, owner column of the link table)
const SUBJECTS: [(&str, &str, &str); 2] = [
    ("demand_posting", "posting_occupation", "posting_id"),
    ("program", "program_occupation", "program_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, links, owner) in SUBJECTS {
            manager
                .exec_stmt(
                    Query::update()
                        .table(table)
                        .value("suggested_at", ChronoUtc::now())
                        .and_where(Expr::col("suggested_at").is_null())
                        .and_where(
                            Expr::col("id").in_subquery(
                                Query::select()
                                    .column(owner)
                                    .from(links)
                                    .and_where(Expr::col("provenance").ne("SUGGESTED"))
                                    .take(),
                            ),
                        )
                        .take(),
                )
                .await?;
            db.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS idx_{table}_waiting_for_suggestion \
                 ON {table} (id) WHERE suggested_at IS NULL"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, _, _) in SUBJECTS {
            db.execute_unprepared(&format!(
                "DROP INDEX IF EXISTS idx_{table}_waiting_for_suggestion"
            ))
            .await?;
        }
        Ok(())
    }
}
