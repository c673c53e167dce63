//! `/api/v1/referrals` (reference §1.6): the caller's code and counters, applying
//! someone's code, and the public check of a code for the sign-up page.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::apply::service;
use super::extractor::AppJson;
use super::user::AuthUser;
use super::{AppState, Result};
use crate::apply::referrals::{self, Applied};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/referrals/stats", get(referral_stats))
        .route("/referrals/apply", post(apply_referral))
        .route("/referrals/check/{code}", get(check_referral))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralStats {
    pub referral_code: String,
    /// `<JOBSCOUT_SITE_URL>/login?ref=<code>`.
    pub referral_link: String,
    pub completed_referrals: i64,
    pub pending_referrals: i64,
    pub total_packs_earned: i64,
}

/// The caller's referral code (made on first use), link and counters.
#[utoipa::path(get, path = "/api/v1/referrals/stats", tag = "referrals", security(("bearer" = [])),
    responses((status = 200, body = ReferralStats)))]
pub async fn referral_stats(
    user: AuthUser,
    State(state): State<AppState>,
) -> Result<Json<ReferralStats>> {
    let apply = service(&state)?;
    let stats = referrals::stats(&apply, user.user_id).await?;
    Ok(Json(ReferralStats {
        referral_code: stats.referral_code,
        referral_link: stats.referral_link,
        completed_referrals: stats.completed_referrals,
        pending_referrals: stats.pending_referrals,
        total_packs_earned: stats.total_packs_earned,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplyReferral {
    pub referral_code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralApplied {
    /// `applied` or `already_referred` (the earlier `unavailable` is not answered:
    /// every signed-in caller has a user row here).
    pub status: &'static str,
    pub message: &'static str,
}

/// Applies a referral code for the caller, once.
#[utoipa::path(post, path = "/api/v1/referrals/apply", tag = "referrals", security(("bearer" = [])),
    request_body = ApplyReferral,
    responses((status = 200, body = ReferralApplied), (status = 400, description = "the caller's own code"),
        (status = 404, description = "no user holds this code"), (status = 422)))]
pub async fn apply_referral(
    user: AuthUser,
    State(state): State<AppState>,
    AppJson(body): AppJson<ApplyReferral>,
) -> Result<Json<ReferralApplied>> {
    let apply = service(&state)?;
    let applied =
        referrals::apply_code(&apply, user.user_id, &body.referral_code, Utc::now()).await?;
    Ok(Json(match applied {
        Applied::Applied => ReferralApplied {
            status: "applied",
            message: "Referral code applied. Your referrer is rewarded when you subscribe.",
        },
        Applied::AlreadyReferred => ReferralApplied {
            status: "already_referred",
            message: "You have already used a referral code.",
        },
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralCheck {
    pub valid: bool,
    /// The local part of the owner's e-mail, or "A JobiQueue user".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer_name: Option<String>,
}

/// Whether a referral code exists (no sign-in: the sign-up page asks).
#[utoipa::path(get, path = "/api/v1/referrals/check/{code}", tag = "referrals",
    params(("code" = String, Path)),
    responses((status = 200, body = ReferralCheck)))]
pub async fn check_referral(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<ReferralCheck>> {
    let pool = state.db.pool()?;
    let name = referrals::check(&pool, &code).await?;
    Ok(Json(ReferralCheck {
        valid: name.is_some(),
        referrer_name: name,
    }))
}
