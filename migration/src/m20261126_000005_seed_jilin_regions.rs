//! Seeds the regions of 吉林市: the city itself, its districts, county,
//! county-level cities and development zones, with their administrative
//! division codes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `(code, name, kind)`; every region but the city has the city as parent.
/// Codes are the national administrative division codes where the region
/// has one, and the city's code with a suffix where it has none.
const REGIONS: &[(&str, &str, &str)] = &[
    ("220200", "吉林市", "CITY"),
    ("220202", "昌邑区", "DISTRICT"),
    ("220203", "龙潭区", "DISTRICT"),
    ("220204", "船营区", "DISTRICT"),
    ("220211", "丰满区", "DISTRICT"),
    ("220221", "永吉县", "COUNTY"),
    ("220281", "蛟河市", "COUNTY_CITY"),
    ("220282", "桦甸市", "COUNTY_CITY"),
    ("220283", "舒兰市", "COUNTY_CITY"),
    ("220284", "磐石市", "COUNTY_CITY"),
    ("220271", "吉林经济技术开发区", "DEVELOPMENT_ZONE"),
    ("220272", "吉林高新技术产业开发区", "DEVELOPMENT_ZONE"),
    ("220273", "吉林中国新加坡食品区", "DEVELOPMENT_ZONE"),
    (
        "220200-HG",
        "吉林化学工业循环经济示范区",
        "DEVELOPMENT_ZONE",
    ),
    ("220200-BDH", "北大湖体育旅游经济开发区", "DEVELOPMENT_ZONE"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (code, name, kind) in REGIONS {
            let parent = if *kind == "CITY" {
                Expr::value(Option::<i32>::None)
            } else {
                Expr::cust("(SELECT id FROM region WHERE code = '220200')")
            };
            let insert = Query::insert()
                .into_table("region")
                .columns(["code", "name", "kind", "parent_id"])
                .values_panic([(*code).into(), (*name).into(), (*kind).into(), parent])
                .take();
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let delete = Query::delete().from_table("region").take();
        manager.exec_stmt(delete).await
    }
}
