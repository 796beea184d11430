//! Who is calling (`viewer`), API tokens and the organisations admins
//! manage. Every mutation here is for admins; the policy is
//! `crate::access`.

use async_graphql::{Context, Enum, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{api_token, college, enterprise, industry_association};

use super::{
    common::{outcome, InputIds, UserError},
    enums::{CollegeLevel, CollegeOwnership, EnterpriseSize},
    loaders::{actor, database, load_optional},
    organisations::{College, Enterprise, IndustryAssociation},
};
use crate::{
    access::{self, Action, Actor, NewToken},
    error::{ApiError, ApiResult},
    ids::{encode, NodeKind},
    services::{
        organisations::{self as service, AssociationDraft, CollegeDraft, EnterpriseDraft},
        UserErrorCode,
    },
};

/// What a token may do.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::enums::TokenRole")]
pub enum TokenRole {
    /// 管理员：管理机构与令牌，可修改一切
    Admin,
    /// 行业协会：发布与管理本协会的需求信息
    Association,
    /// 院校：管理本校的专业与培训课程
    College,
    /// 企业：管理本企业的学徒岗位与实习基地
    Enterprise,
    /// 市人社局：审批和发放技能竞赛奖励，维护奖励标准（不属于任何机构）
    HrBureau,
}

/// 当前调用者。
pub struct Viewer(Actor);

#[Object]
impl Viewer {
    /// Whether the request carried a valid token.
    async fn authenticated(&self) -> bool {
        matches!(self.0, Actor::Token(_))
    }

    /// The token's role; `null` for anonymous callers.
    async fn role(&self) -> Option<TokenRole> {
        match &self.0 {
            Actor::Token(holder) => Some(holder.role.into()),
            _ => None,
        }
    }

    /// The token's name.
    async fn token_name(&self) -> Option<&str> {
        match &self.0 {
            Actor::Token(holder) => Some(holder.name.as_str()),
            _ => None,
        }
    }

    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        match &self.0 {
            Actor::Token(holder) => holder.expires_at,
            _ => None,
        }
    }

    /// The association the token writes for.
    async fn association(&self, ctx: &Context<'_>) -> Result<Option<IndustryAssociation>> {
        let id = self.0.organisation(entity::enums::TokenRole::Association);
        Ok(load_optional::<industry_association::Entity>(ctx, id)
            .await?
            .map(IndustryAssociation))
    }

    /// The college the token writes for.
    async fn college(&self, ctx: &Context<'_>) -> Result<Option<College>> {
        let id = self.0.organisation(entity::enums::TokenRole::College);
        Ok(load_optional::<college::Entity>(ctx, id)
            .await?
            .map(College))
    }

    /// The enterprise the token writes for.
    async fn enterprise(&self, ctx: &Context<'_>) -> Result<Option<Enterprise>> {
        let id = self.0.organisation(entity::enums::TokenRole::Enterprise);
        Ok(load_optional::<enterprise::Entity>(ctx, id)
            .await?
            .map(Enterprise))
    }
}

/// An API token as admins see it (the secret is shown only once, when the
/// token is created).
pub struct ApiToken(pub api_token::Model);

#[Object]
impl ApiToken {
    pub async fn id(&self) -> ID {
        encode(NodeKind::ApiToken, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The first characters of the token, to recognise it.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }
    async fn role(&self) -> TokenRole {
        self.0.role.into()
    }
    /// The global ID of the association, college or enterprise.
    async fn organisation_id(&self) -> Option<ID> {
        let kind = match self.0.role {
            entity::enums::TokenRole::Admin | entity::enums::TokenRole::HrBureau => return None,
            entity::enums::TokenRole::Association => NodeKind::IndustryAssociation,
            entity::enums::TokenRole::College => NodeKind::College,
            entity::enums::TokenRole::Enterprise => NodeKind::Enterprise,
        };
        self.0.organisation_id.map(|id| encode(kind, id))
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// Refuses everyone but admins.
fn admin_only(actor: &Actor, action: Action) -> ApiResult<()> {
    match actor {
        Actor::Anonymous => Err(ApiError::Unauthenticated(
            "this needs an admin API token: send `Authorization: Bearer <token>`".to_string(),
        )),
        actor if actor.is_admin() => Ok(()),
        _ => Err(ApiError::Forbidden(match action {
            Action::ManageTokens => "only admins manage API tokens".to_string(),
            _ => "only admins manage organisations".to_string(),
        })),
    }
}

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// 当前调用者：匿名，或令牌的角色与所属机构。
    async fn viewer(&self, ctx: &Context<'_>) -> Viewer {
        Viewer(actor(ctx).clone())
    }

    /// 全部 API 令牌（仅管理员；不含令牌本身）。
    async fn api_tokens(&self, ctx: &Context<'_>) -> Result<Vec<ApiToken>> {
        admin_only(actor(ctx), Action::ManageTokens)?;
        let rows = access::list_tokens(database(ctx)?)
            .await
            .map_err(ApiError::from)?;
        Ok(rows.into_iter().map(ApiToken).collect())
    }
}

/// Input of `createApiToken`.
#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// Who or what the token is for.
    pub name: String,
    pub role: TokenRole,
    /// The association, college or enterprise (required unless `ADMIN`).
    pub organisation_id: Option<ID>,
    /// When the token stops working; default: never.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Result of `createApiToken`.
#[derive(SimpleObject)]
pub struct CreateApiTokenPayload {
    /// The token itself, shown this once: store it now.
    pub token: Option<String>,
    pub api_token: Option<ApiToken>,
    pub user_errors: Vec<UserError>,
}

/// Input of `revokeApiToken`.
#[derive(InputObject)]
pub struct RevokeApiTokenInput {
    pub id: ID,
}

/// Result of `revokeApiToken`.
#[derive(SimpleObject)]
pub struct RevokeApiTokenPayload {
    pub api_token: Option<ApiToken>,
    pub user_errors: Vec<UserError>,
}

/// Input of `createIndustryAssociation`.
#[derive(InputObject)]
pub struct CreateIndustryAssociationInput {
    pub name: String,
    #[graphql(default)]
    pub sector: String,
    pub region_id: Option<ID>,
    #[graphql(default)]
    pub description: String,
}

/// Input of `updateIndustryAssociation`: only the fields sent change.
#[derive(InputObject)]
pub struct UpdateIndustryAssociationInput {
    pub id: ID,
    pub name: Option<String>,
    pub sector: Option<String>,
    pub region_id: MaybeUndefined<ID>,
    pub description: Option<String>,
}

/// Result of an industry association mutation.
#[derive(SimpleObject)]
pub struct IndustryAssociationPayload {
    pub industry_association: Option<IndustryAssociation>,
    pub user_errors: Vec<UserError>,
}

/// Input of `createEnterprise`.
#[derive(InputObject)]
pub struct CreateEnterpriseInput {
    pub name: String,
    #[graphql(default)]
    pub industry: String,
    pub region_id: Option<ID>,
    pub size: EnterpriseSize,
    /// The association the enterprise is a member of.
    pub association_id: Option<ID>,
    #[graphql(default)]
    pub description: String,
}

/// Input of `updateEnterprise`: only the fields sent change.
#[derive(InputObject)]
pub struct UpdateEnterpriseInput {
    pub id: ID,
    pub name: Option<String>,
    pub industry: Option<String>,
    pub region_id: MaybeUndefined<ID>,
    pub size: Option<EnterpriseSize>,
    pub association_id: MaybeUndefined<ID>,
    pub description: Option<String>,
}

/// Result of an enterprise mutation.
#[derive(SimpleObject)]
pub struct EnterprisePayload {
    pub enterprise: Option<Enterprise>,
    pub user_errors: Vec<UserError>,
}

/// Input of `createCollege`.
#[derive(InputObject)]
pub struct CreateCollegeInput {
    pub name: String,
    pub level: CollegeLevel,
    pub ownership: CollegeOwnership,
    pub region_id: Option<ID>,
    #[graphql(default)]
    pub description: String,
}

/// Input of `updateCollege`: only the fields sent change.
#[derive(InputObject)]
pub struct UpdateCollegeInput {
    pub id: ID,
    pub name: Option<String>,
    pub level: Option<CollegeLevel>,
    pub ownership: Option<CollegeOwnership>,
    pub region_id: MaybeUndefined<ID>,
    pub description: Option<String>,
}

/// Result of a college mutation.
#[derive(SimpleObject)]
pub struct CollegePayload {
    pub college: Option<College>,
    pub user_errors: Vec<UserError>,
}

fn user_error(field: &str, code: UserErrorCode, message: String) -> UserError {
    UserError {
        field: Some(vec!["input".to_string(), field.to_string()]),
        code,
        message,
    }
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// 创建 API 令牌（仅管理员）。令牌只在此返回一次，库中只存其散列。
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        input: CreateApiTokenInput,
    ) -> Result<CreateApiTokenPayload> {
        admin_only(actor(ctx), Action::ManageTokens)?;
        let refused = |user_errors| CreateApiTokenPayload {
            token: None,
            api_token: None,
            user_errors,
        };
        let mut errors = Vec::new();
        let name = input.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 128 {
            errors.push(user_error(
                "name",
                UserErrorCode::Blank,
                "令牌名称须为 1 到 128 个字符 (name must hold 1 to 128 characters)".into(),
            ));
        }
        let role: entity::enums::TokenRole = input.role.into();
        let kind = match role {
            entity::enums::TokenRole::Admin | entity::enums::TokenRole::HrBureau => None,
            entity::enums::TokenRole::Association => Some(NodeKind::IndustryAssociation),
            entity::enums::TokenRole::College => Some(NodeKind::College),
            entity::enums::TokenRole::Enterprise => Some(NodeKind::Enterprise),
        };
        let mut ids = InputIds::default();
        let organisation_id = match (kind, &input.organisation_id) {
            (None, None) => None,
            (None, Some(_)) => {
                errors.push(user_error(
                    "organisationId",
                    UserErrorCode::Invalid,
                    "管理员和市人社局令牌不属于任何机构 (admin and HR bureau tokens have no organisation)".into(),
                ));
                None
            }
            (Some(_), None) => {
                errors.push(user_error(
                    "organisationId",
                    UserErrorCode::Blank,
                    "此角色的令牌须指定机构 (this role needs an organisation)".into(),
                ));
                None
            }
            (Some(kind), Some(id)) => Some(ids.required("organisationId", kind, id)),
        };
        if let Some(id_errors) = ids.into_errors() {
            errors.extend(id_errors);
        }
        if input.expires_at.is_some_and(|at| at <= Utc::now()) {
            errors.push(user_error(
                "expiresAt",
                UserErrorCode::OutOfRange,
                "过期时间须在将来 (expiresAt must lie in the future)".into(),
            ));
        }
        let db = database(ctx)?;
        if let (Some(kind), Some(id)) = (kind, organisation_id) {
            if !organisation_exists(db, kind, id).await? {
                errors.push(user_error(
                    "organisationId",
                    UserErrorCode::NotFound,
                    "机构不存在 (no such organisation)".into(),
                ));
            }
        }
        if !errors.is_empty() {
            return Ok(refused(errors));
        }
        let secret = access::new_token().map_err(ApiError::Internal)?;
        let model = access::store_token(
            db,
            NewToken {
                name,
                role,
                organisation_id,
                expires_at: input.expires_at,
            },
            &secret,
        )
        .await
        .map_err(ApiError::from)?;
        Ok(CreateApiTokenPayload {
            token: Some(secret),
            api_token: Some(ApiToken(model)),
            user_errors: Vec::new(),
        })
    }

    /// 吊销 API 令牌（仅管理员）：之后用它的请求一律被拒。
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        input: RevokeApiTokenInput,
    ) -> Result<RevokeApiTokenPayload> {
        admin_only(actor(ctx), Action::ManageTokens)?;
        let mut ids = InputIds::default();
        let id = ids.required("id", NodeKind::ApiToken, &input.id);
        if let Some(user_errors) = ids.into_errors() {
            return Ok(RevokeApiTokenPayload {
                api_token: None,
                user_errors,
            });
        }
        let revoked = access::revoke_token(database(ctx)?, id)
            .await
            .map_err(ApiError::from)?;
        Ok(match revoked {
            Some(model) => RevokeApiTokenPayload {
                api_token: Some(ApiToken(model)),
                user_errors: Vec::new(),
            },
            None => RevokeApiTokenPayload {
                api_token: None,
                user_errors: vec![user_error(
                    "id",
                    UserErrorCode::NotFound,
                    "令牌不存在 (no such token)".into(),
                )],
            },
        })
    }

    /// 新建行业协会（仅管理员）。
    async fn create_industry_association(
        &self,
        ctx: &Context<'_>,
        input: CreateIndustryAssociationInput,
    ) -> Result<IndustryAssociationPayload> {
        let mut ids = InputIds::default();
        let region_id = ids.optional("regionId", NodeKind::Region, input.region_id.as_ref());
        let draft = AssociationDraft {
            name: input.name,
            sector: input.sector,
            region_id,
            description: input.description,
        };
        let result = match ids.into_errors() {
            Some(user_errors) => return association_payload(Ok((None, user_errors))),
            None => service::write_association(database(ctx)?, actor(ctx), None, |_| draft).await,
        };
        association_payload(outcome(result, IndustryAssociation))
    }

    /// 修改行业协会（仅管理员）：只改所传字段。
    async fn update_industry_association(
        &self,
        ctx: &Context<'_>,
        input: UpdateIndustryAssociationInput,
    ) -> Result<IndustryAssociationPayload> {
        let mut ids = InputIds::default();
        let id = ids.required("id", NodeKind::IndustryAssociation, &input.id);
        let region = ids.patch("regionId", NodeKind::Region, input.region_id);
        if let Some(user_errors) = ids.into_errors() {
            return association_payload(Ok((None, user_errors)));
        }
        let result = service::write_association(database(ctx)?, actor(ctx), Some(id), |old| {
            let old = old.cloned().unwrap_or_else(empty_association);
            AssociationDraft {
                name: input.name.unwrap_or(old.name),
                sector: input.sector.unwrap_or(old.sector),
                region_id: region.unwrap_or(old.region_id),
                description: input.description.unwrap_or(old.description),
            }
        })
        .await;
        association_payload(outcome(result, IndustryAssociation))
    }

    /// 新建企业（仅管理员）。
    async fn create_enterprise(
        &self,
        ctx: &Context<'_>,
        input: CreateEnterpriseInput,
    ) -> Result<EnterprisePayload> {
        let mut ids = InputIds::default();
        let draft = EnterpriseDraft {
            name: input.name,
            industry: input.industry,
            region_id: ids.optional("regionId", NodeKind::Region, input.region_id.as_ref()),
            size: input.size.into(),
            association_id: ids.optional(
                "associationId",
                NodeKind::IndustryAssociation,
                input.association_id.as_ref(),
            ),
            description: input.description,
        };
        if let Some(user_errors) = ids.into_errors() {
            return enterprise_payload(Ok((None, user_errors)));
        }
        let result = service::write_enterprise(database(ctx)?, actor(ctx), None, |_| draft).await;
        enterprise_payload(outcome(result, Enterprise))
    }

    /// 修改企业（仅管理员）：只改所传字段。
    async fn update_enterprise(
        &self,
        ctx: &Context<'_>,
        input: UpdateEnterpriseInput,
    ) -> Result<EnterprisePayload> {
        let mut ids = InputIds::default();
        let id = ids.required("id", NodeKind::Enterprise, &input.id);
        let region = ids.patch("regionId", NodeKind::Region, input.region_id);
        let association = ids.patch(
            "associationId",
            NodeKind::IndustryAssociation,
            input.association_id,
        );
        if let Some(user_errors) = ids.into_errors() {
            return enterprise_payload(Ok((None, user_errors)));
        }
        let result = service::write_enterprise(database(ctx)?, actor(ctx), Some(id), |old| {
            let old = old.cloned();
            EnterpriseDraft {
                name: input
                    .name
                    .unwrap_or_else(|| old.as_ref().map(|o| o.name.clone()).unwrap_or_default()),
                industry: input.industry.unwrap_or_else(|| {
                    old.as_ref().map(|o| o.industry.clone()).unwrap_or_default()
                }),
                region_id: region.unwrap_or(old.as_ref().and_then(|o| o.region_id)),
                size: input
                    .size
                    .map(Into::into)
                    .or(old.as_ref().map(|o| o.size))
                    .unwrap_or(entity::enums::EnterpriseSize::Small),
                association_id: association.unwrap_or(old.as_ref().and_then(|o| o.association_id)),
                description: input.description.unwrap_or_else(|| {
                    old.as_ref()
                        .map(|o| o.description.clone())
                        .unwrap_or_default()
                }),
            }
        })
        .await;
        enterprise_payload(outcome(result, Enterprise))
    }

    /// 新建院校（仅管理员）。
    async fn create_college(
        &self,
        ctx: &Context<'_>,
        input: CreateCollegeInput,
    ) -> Result<CollegePayload> {
        let mut ids = InputIds::default();
        let draft = CollegeDraft {
            name: input.name,
            level: input.level.into(),
            ownership: input.ownership.into(),
            region_id: ids.optional("regionId", NodeKind::Region, input.region_id.as_ref()),
            description: input.description,
        };
        if let Some(user_errors) = ids.into_errors() {
            return college_payload(Ok((None, user_errors)));
        }
        let result = service::write_college(database(ctx)?, actor(ctx), None, |_| draft).await;
        college_payload(outcome(result, College))
    }

    /// 修改院校（仅管理员）：只改所传字段。
    async fn update_college(
        &self,
        ctx: &Context<'_>,
        input: UpdateCollegeInput,
    ) -> Result<CollegePayload> {
        let mut ids = InputIds::default();
        let id = ids.required("id", NodeKind::College, &input.id);
        let region = ids.patch("regionId", NodeKind::Region, input.region_id);
        if let Some(user_errors) = ids.into_errors() {
            return college_payload(Ok((None, user_errors)));
        }
        let result = service::write_college(database(ctx)?, actor(ctx), Some(id), |old| {
            let old = old.cloned();
            CollegeDraft {
                name: input
                    .name
                    .unwrap_or_else(|| old.as_ref().map(|o| o.name.clone()).unwrap_or_default()),
                level: input
                    .level
                    .map(Into::into)
                    .or(old.as_ref().map(|o| o.level))
                    .unwrap_or(entity::enums::CollegeLevel::HigherVocational),
                ownership: input
                    .ownership
                    .map(Into::into)
                    .or(old.as_ref().map(|o| o.ownership))
                    .unwrap_or(entity::enums::CollegeOwnership::City),
                region_id: region.unwrap_or(old.as_ref().and_then(|o| o.region_id)),
                description: input.description.unwrap_or_else(|| {
                    old.as_ref()
                        .map(|o| o.description.clone())
                        .unwrap_or_default()
                }),
            }
        })
        .await;
        college_payload(outcome(result, College))
    }
}

fn empty_association() -> industry_association::Model {
    industry_association::Model {
        id: 0,
        name: String::new(),
        sector: String::new(),
        region_id: None,
        description: String::new(),
    }
}

fn association_payload(
    result: ApiResult<(Option<IndustryAssociation>, Vec<UserError>)>,
) -> Result<IndustryAssociationPayload> {
    let (industry_association, user_errors) = result?;
    Ok(IndustryAssociationPayload {
        industry_association,
        user_errors,
    })
}

fn enterprise_payload(
    result: ApiResult<(Option<Enterprise>, Vec<UserError>)>,
) -> Result<EnterprisePayload> {
    let (enterprise, user_errors) = result?;
    Ok(EnterprisePayload {
        enterprise,
        user_errors,
    })
}

fn college_payload(result: ApiResult<(Option<College>, Vec<UserError>)>) -> Result<CollegePayload> {
    let (college, user_errors) = result?;
    Ok(CollegePayload {
        college,
        user_errors,
    })
}

async fn organisation_exists(
    db: &sea_orm::DatabaseConnection,
    kind: NodeKind,
    id: i32,
) -> ApiResult<bool> {
    use sea_orm::EntityTrait;
    Ok(match kind {
        NodeKind::IndustryAssociation => industry_association::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_some(),
        NodeKind::College => college::Entity::find_by_id(id).one(db).await?.is_some(),
        NodeKind::Enterprise => enterprise::Entity::find_by_id(id).one(db).await?.is_some(),
        _ => false,
    })
}
