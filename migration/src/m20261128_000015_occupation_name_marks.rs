//! Occupation names stored with the classification's mark for a green
//! occupation (`物流工程技术人员L/`, what the source file keeps of `L/S`,
//! and `…L/S` itself), from the built-in table or an import of earlier
//! versions: the mark leaves the name and the occupation is green, as the
//! importer now reads such rows. (`S`, digital, is already flagged on
//! every such row of the source.)

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // `substr` and `length` count characters on SQLite and PostgreSQL.
        for (mark, digital) in [("L/S", true), ("L/", false)] {
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
