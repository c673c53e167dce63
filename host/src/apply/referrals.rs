//! Referrals (reference §1.6, §9): each user's code, stored once; a new user
//! applying someone's code (once, never their own); the public check of a code;
//! and the reward: when a referred user's subscription starts or a payment
//! succeeds, their referrer gets 50 credits once per referee.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Apply, Error, Result};
use crate::storage::referrals;
use crate::storage::Pool;

/// Credits a referrer gets per referee who pays.
pub const REFERRAL_CREDITS: i64 = 50;
/// The packs that reward shows as in the referrer's stats (the earlier wording).
pub const REFERRER_PACKS: i64 = 5;

/// The user's referral code, made and stored on first use.
pub async fn code(apply: &Apply, user_id: Uuid) -> Result<String> {
    // 8 random bytes as URL-safe base64 (11 characters), as the earlier
    // `secrets.token_urlsafe(8)`.
    let fresh =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&Uuid::new_v4().as_bytes()[..8]);
    referrals::code_or_store(&apply.pool, user_id, &fresh)
        .await?
        .ok_or_else(|| Error::NotFound("User not found".into()))
}

/// A referrer's figures for the Account page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    pub referral_code: String,
    pub referral_link: String,
    pub completed_referrals: i64,
    pub pending_referrals: i64,
    pub total_packs_earned: i64,
}

pub async fn stats(apply: &Apply, user_id: Uuid) -> Result<Stats> {
    let referral_code = code(apply, user_id).await?;
    let (completed_referrals, pending_referrals, total_packs_earned) =
        referrals::stats(&apply.pool, user_id).await?;
    Ok(Stats {
        referral_link: format!("{}/login?ref={referral_code}", apply.settings.site_url),
        referral_code,
        completed_referrals,
        pending_referrals,
        total_packs_earned,
    })
}

/// What applying a code did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The user is now referred by the code's owner.
    Applied,
    /// The user had applied a code before; nothing changed.
    AlreadyReferred,
}

/// Applies `code` for `user_id`: 404 for a code nobody holds, 400 for the
/// user's own code.
pub async fn apply_code(
    apply: &Apply,
    user_id: Uuid,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Applied> {
    let code = code.trim();
    let Some((referrer, _)) = referrals::owner_of(&apply.pool, code).await? else {
        return Err(Error::NotFound("Invalid referral code".into()));
    };
    if referrer == user_id {
        return Err(Error::Invalid(
            "You cannot use your own referral code".into(),
        ));
    }
    Ok(
        if referrals::record(&apply.pool, referrer, user_id, code, now).await? {
            Applied::Applied
        } else {
            Applied::AlreadyReferred
        },
    )
}

/// The name a valid code shows on the sign-up page: the local part of its
/// owner's e-mail, else "A JobiQueue user"; `None` for an unknown code.
pub async fn check(pool: &Pool, code: &str) -> Result<Option<String>> {
    Ok(referrals::owner_of(pool, code.trim())
        .await?
        .map(|(_, email)| {
            email
                .as_deref()
                .and_then(|email| email.split_once('@'))
                .map(|(local, _)| local.to_string())
                .filter(|local| !local.is_empty())
                .unwrap_or_else(|| "A JobiQueue user".to_string())
        }))
}

/// Rewards the referrer of `referee` (a subscription started or a payment
/// succeeded): 50 credits once per referee (`referral:<referrer>:<referee>`) and
/// the referral marked completed. True when a reward was granted now. Paddle's
/// webhook grants the same inside its own transaction.
pub async fn reward(pool: &Pool, referee: Uuid, now: DateTime<Utc>) -> Result<bool> {
    Ok(referrals::reward(pool, referee, REFERRAL_CREDITS, REFERRER_PACKS, now).await?)
}
