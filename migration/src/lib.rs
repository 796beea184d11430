//! Migrations of the hub's database, one file per change, applied at start
//! and in every test app.

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_create_reference_tables;
mod m20261126_000002_create_actor_tables;
mod m20261126_000003_create_supply_demand_tables;
mod m20261126_000004_create_change_log;
mod m20261126_000005_seed_jilin_regions;
mod m20261127_000006_create_api_tokens;
mod m20261127_000007_link_provenance;
mod m20261127_000008_suggestion_state;
mod m20261127_000009_demand_tally;
mod m20261127_000010_link_owner_order;
mod m20261127_000011_competition_rewards;
mod m20261127_000012_outreach_activities;
mod m20261127_000013_expert_pool;
mod m20261128_000014_waiting_for_suggestions;
mod m20261128_000015_occupation_name_marks;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_reference_tables::Migration),
            Box::new(m20261126_000002_create_actor_tables::Migration),
            Box::new(m20261126_000003_create_supply_demand_tables::Migration),
            Box::new(m20261126_000004_create_change_log::Migration),
            Box::new(m20261126_000005_seed_jilin_regions::Migration),
            Box::new(m20261127_000006_create_api_tokens::Migration),
            Box::new(m20261127_000007_link_provenance::Migration),
            Box::new(m20261127_000008_suggestion_state::Migration),
            Box::new(m20261127_000009_demand_tally::Migration),
            Box::new(m20261127_000010_link_owner_order::Migration),
            Box::new(m20261127_000011_competition_rewards::Migration),
            Box::new(m20261127_000012_outreach_activities::Migration),
            Box::new(m20261127_000013_expert_pool::Migration),
            Box::new(m20261128_000014_waiting_for_suggestions::Migration),
            Box::new(m20261128_000015_occupation_name_marks::Migration),
        ]
    }
}

/// A foreign key from `table.column` to `target.id`.
pub(crate) fn foreign_key(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

/// A plain (or unique) index on some columns of a table.
pub(crate) fn index(
    table: &'static str,
    columns: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement
        .name(format!("idx_{table}_{}", columns.join("_")))
        .table(table)
        .if_not_exists();
    for column in columns {
        statement.col(*column);
    }
    if unique {
        statement.unique();
    }
    statement.take()
}

/// A link table `(owner, target)` with a composite primary key, cascading
/// deletes from both sides and an index on the target for reverse lookups.
pub(crate) async fn create_link_table(
    manager: &SchemaManager<'_>,
    table: &'static str,
    owner: (&'static str, &'static str),
    target: (&'static str, &'static str),
) -> Result<(), DbErr> {
    use sea_orm_migration::schema::integer;
    manager
        .create_table(
            Table::create()
                .table(table)
                .if_not_exists()
                .col(integer(owner.0))
                .col(integer(target.0))
                .primary_key(Index::create().col(owner.0).col(target.0))
                .foreign_key(&mut foreign_key(
                    table,
                    owner.0,
                    owner.1,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    table,
                    target.0,
                    target.1,
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
    manager.create_index(index(table, &[target.0], false)).await
}

pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).if_exists().take())
            .await?;
    }
    Ok(())
}
