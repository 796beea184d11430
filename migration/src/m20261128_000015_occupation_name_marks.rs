//! Occupation names stored with the classification's mark for a green
//! occupation (`物流工程技术人员L/`, what the source file keeps of `L/S`,
//! and `…L/S` itself), from the built-in table or an import of earlier
//! versions: the mark leaves the name and the occupation is green, as the
//! importer now reads such rows. (`S`, digital, is already flagged on
//! every such row of the source.) Each renamed occupation gets an `UPDATE`
//! row in the change log, in the same transaction, so the search index and
//! clients that follow the log see the new name.

use sea_orm_migration::{prelude::*, sea_orm::prelude::ChronoUtc, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            // As every writer of the log: sequences become visible in order.
            db.execute_unprepared("LOCK TABLE change_log IN EXCLUSIVE MODE")
                .await?;
        }
        let now = ChronoUtc::now();
        // `substr` and `length` count characters on SQLite and PostgreSQL.
        for (mark, digital) in [("L/S", true), ("L/", false)] {
            let log = Query::insert()
                .into_table("change_log")
                .columns(["entity", "entity_id", "operation", "created_at"])
                .select_from(
                    Query::select()
                        .expr(Expr::val("Occupation"))
                        .column("id")
                        .expr(Expr::val("UPDATE"))
                        .expr(Expr::val(now))
                        .from("occupation")
                        .and_where(Expr::col("name").like(format!("%{mark}")))
                        .order_by("id", Order::Asc)
                        .take(),
                )
                .map_err(|error| DbErr::Migration(error.to_string()))?
                .take();
            manager.exec_stmt(log).await?;
            let digital = if digital { ", is_digital = TRUE" } else { "" };
            db.execute_unprepared(&format!(
                "UPDATE occupation SET name = substr(name, 1, length(name) - {}), \
                 is_green = TRUE{digital} WHERE name LIKE '%{mark}'",
                mark.len()
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The mark is not part of a name; nothing to restore.
        Ok(())
    }
}
