//! Supply and demand: college programs, demand postings, apprenticeship
//! offers and training courses, with their links to occupations and
//! certificates.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{create_link_table, drop_tables, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn timestamps(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut program = Table::create();
        program
            .table("program")
            .if_not_exists()
            .col(pk_auto("id"))
            .col(integer("college_id"))
            .col(integer_null("catalogue_entry_id"))
            .col(string_len("name", 128))
            .col(integer_null("enrolment_plan"))
            .col(integer_null("graduates_per_year"))
            .col(text("description"))
            .col(string_len("source", 16))
            .foreign_key(&mut foreign_key(
                "program",
                "college_id",
                "college",
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut foreign_key(
                "program",
                "catalogue_entry_id",
                "catalogue_entry",
                ForeignKeyAction::SetNull,
            ));
        manager
            .create_table(timestamps(&mut program).take())
            .await?;
        manager
            .create_index(index("program", &["college_id", "name"], true))
            .await?;
        manager
            .create_index(index("program", &["catalogue_entry_id"], false))
            .await?;
        create_link_table(
            manager,
            "program_certificate",
            ("program_id", "program"),
            ("certificate_id", "certificate"),
        )
        .await?;
        create_link_table(
            manager,
            "program_occupation",
            ("program_id", "program"),
            ("occupation_id", "occupation"),
        )
        .await?;

        let mut posting = Table::create();
        posting
            .table("demand_posting")
            .if_not_exists()
            .col(pk_auto("id"))
            .col(integer("association_id"))
            .col(integer_null("enterprise_id"))
            .col(string_len_null("employer_name", 128))
            .col(string_len("title", 128))
            .col(text("description"))
            .col(integer_null("headcount"))
            .col(integer_null("region_id"))
            .col(string_len_null("work_location", 128))
            .col(string_len_null("education_level", 24))
            .col(integer_null("salary_min"))
            .col(integer_null("salary_max"))
            .col(json("skills"))
            .col(string_len("status", 16))
            .col(date_null("valid_from"))
            .col(date_null("valid_until"))
            .col(string_len("source", 16))
            .col(string_len_null("source_key", 128))
            .col(timestamp_with_time_zone_null("published_at"))
            .foreign_key(&mut foreign_key(
                "demand_posting",
                "association_id",
                "industry_association",
                ForeignKeyAction::Restrict,
            ))
            .foreign_key(&mut foreign_key(
                "demand_posting",
                "enterprise_id",
                "enterprise",
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut foreign_key(
                "demand_posting",
                "region_id",
                "region",
                ForeignKeyAction::SetNull,
            ));
        manager
            .create_table(timestamps(&mut posting).take())
            .await?;
        for (columns, unique) in [
            (&["source", "source_key"][..], true),
            (&["status", "id"], false),
            (&["status", "created_at", "id"], false),
            (&["association_id"], false),
            (&["enterprise_id"], false),
            (&["region_id"], false),
        ] {
            manager
                .create_index(index("demand_posting", columns, unique))
                .await?;
        }
        create_link_table(
            manager,
            "posting_occupation",
            ("posting_id", "demand_posting"),
            ("occupation_id", "occupation"),
        )
        .await?;
        create_link_table(
            manager,
            "posting_certificate",
            ("posting_id", "demand_posting"),
            ("certificate_id", "certificate"),
        )
        .await?;

        let mut offer = Table::create();
        offer
            .table("apprenticeship_offer")
            .if_not_exists()
            .col(pk_auto("id"))
            .col(integer("enterprise_id"))
            .col(string_len("kind", 24))
            .col(string_len("title", 128))
            .col(text("description"))
            .col(integer("places"))
            .col(integer("duration_months"))
            .col(integer_null("monthly_stipend"))
            .col(integer_null("partner_college_id"))
            .col(integer_null("region_id"))
            .col(date("cooperation_start"))
            .col(date("cooperation_end"))
            .foreign_key(&mut foreign_key(
                "apprenticeship_offer",
                "enterprise_id",
                "enterprise",
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut foreign_key(
                "apprenticeship_offer",
                "partner_college_id",
                "college",
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut foreign_key(
                "apprenticeship_offer",
                "region_id",
                "region",
                ForeignKeyAction::SetNull,
            ));
        manager.create_table(timestamps(&mut offer).take()).await?;
        manager
            .create_index(index("apprenticeship_offer", &["enterprise_id"], false))
            .await?;
        manager
            .create_index(index("apprenticeship_offer", &["region_id"], false))
            .await?;
        create_link_table(
            manager,
            "offer_occupation",
            ("offer_id", "apprenticeship_offer"),
            ("occupation_id", "occupation"),
        )
        .await?;

        let mut course = Table::create();
        course
            .table("training_course")
            .if_not_exists()
            .col(pk_auto("id"))
            .col(integer("provider_id"))
            .col(string_len("title", 128))
            .col(text("description"))
            .col(string_len("kind", 32))
            .col(integer_null("certificate_id"))
            .col(integer("hours"))
            .col(integer("capacity"))
            .col(integer("fee"))
            .col(date_null("starts_on"))
            .col(date_null("ends_on"))
            .col(string_len("schedule", 256))
            .col(integer_null("region_id"))
            .foreign_key(&mut foreign_key(
                "training_course",
                "provider_id",
                "college",
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut foreign_key(
                "training_course",
                "certificate_id",
                "certificate",
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut foreign_key(
                "training_course",
                "region_id",
                "region",
                ForeignKeyAction::SetNull,
            ));
        manager.create_table(timestamps(&mut course).take()).await?;
        manager
            .create_index(index("training_course", &["provider_id"], false))
            .await?;
        manager
            .create_index(index("training_course", &["certificate_id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "training_course",
                "offer_occupation",
                "apprenticeship_offer",
                "posting_certificate",
                "posting_occupation",
                "demand_posting",
                "program_occupation",
                "program_certificate",
                "program",
            ],
        )
        .await
    }
}
