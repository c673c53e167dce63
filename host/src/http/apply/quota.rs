//! `GET /apply/quota` (reference §1.4, §4.8): the caller's plan, what each quota
//! has left, their credits, and the capability flags the web app gates buttons on.
//! A paid user on a legacy plan is moved to its current plan by this call.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::service;
use crate::apply::quota::{self, QuotaStatus};
use crate::http::user::AuthUser;
use crate::http::{AppState, Result};

pub fn router() -> Router<AppState> {
    Router::new().route("/apply/quota", get(get_quota))
}

/// One quota: unlimited `{allowed: true, remaining: null, limit: null}`, else
/// `{allowed, remaining, limit, used}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Quota {
    pub allowed: bool,
    pub remaining: Option<i64>,
    pub limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used: Option<i64>,
}

impl From<QuotaStatus> for Quota {
    fn from(status: QuotaStatus) -> Self {
        Quota {
            allowed: status.allowed,
            remaining: status.remaining,
            limit: status.limit,
            used: status.used,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaResponse {
    pub plan: String,
    pub subscription_status: Option<String>,
    /// In credit mode: packs the balance pays for (`remaining = limit = balance / 10`).
    pub apply_packs: Quota,
    pub docx_export: Quota,
    /// Active applications (not offer, rejected or withdrawn).
    pub tracking: Quota,
    pub credits_balance: i64,
    /// When available credits next expire, if within 7 days.
    pub credits_expires_soon: Option<DateTime<Utc>>,
    /// Packs and premium AI are paid in credits (a paid plan with a credit ledger).
    pub credits_enabled: bool,
    pub packs_equivalent: i64,
    /// `JOBSCOUT_PREMIUM_AI_ENABLED`.
    pub premium_ai_enabled: bool,
    /// Premium AI is enabled and an AI provider is configured.
    pub premium_ai_configured: bool,
    /// `JOBSCOUT_APPLY_PACK_REVIEW_ENABLED`.
    pub apply_pack_review_enabled: bool,
}

/// The caller's plan, quotas, credits and capability flags.
#[utoipa::path(get, path = "/api/v1/apply/quota", tag = "apply", security(("bearer" = [])),
    responses((status = 200, body = QuotaResponse), (status = 404, description = "the user row does not exist")))]
pub async fn get_quota(
    user: AuthUser,
    State(state): State<AppState>,
) -> Result<Json<QuotaResponse>> {
    let apply = service(&state)?;
    let view = quota::view(&apply, user.user_id, Utc::now()).await?;
    let ai = &state.settings.ai;
    Ok(Json(QuotaResponse {
        plan: view.plan,
        subscription_status: view.subscription_status,
        apply_packs: view.apply_packs.into(),
        docx_export: view.docx_export.into(),
        tracking: view.tracking.into(),
        credits_balance: view.credits_balance,
        credits_expires_soon: view.credits_expires_soon,
        credits_enabled: view.credits_enabled,
        packs_equivalent: view.packs_equivalent,
        premium_ai_enabled: ai.premium_enabled,
        premium_ai_configured: ai.premium_enabled && state.ai.configured(),
        apply_pack_review_enabled: ai.review.enabled,
    }))
}
