//! Quotas and credits applied to a user (reference §4.8): which billing mode the
//! user is in, what each quota has left, the gates of pack generation, export and
//! tracking with the earlier 403 texts, and `GET /apply/quota`'s account view
//! (which also moves a legacy plan to a current one, once).
//!
//! **Credit mode**: a paid user with any credit-ledger row pays in credits;
//! everyone else counts against their plan's quotas. Every function takes `now`,
//! so tests move the clock across week and month boundaries.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::paid::is_paid;
use super::plans::{self, Feature, Limit, PlanLimits};
use super::{Apply, Error, Result};
use crate::storage::accounts::{self, CreditEntry, PaidWork, Payment, Refused};
use crate::storage::apply::packs::StoredPack;
use crate::storage::users::{self, Subscription};

/// A user's plan as it applies now.
#[derive(Debug, Clone)]
pub struct Account {
    pub subscription: Subscription,
    pub paid: bool,
    pub limits: PlanLimits,
    /// Paid and holding credit-ledger rows: packs and premium AI cost credits.
    pub credit_mode: bool,
}

/// One quota as `GET /apply/quota` shows it: unlimited `{allowed, remaining:
/// null, limit: null}`, none `{allowed: false, 0, 0, used: 0}`, else counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaStatus {
    pub allowed: bool,
    pub remaining: Option<i64>,
    pub limit: Option<i64>,
    /// Absent for an unlimited quota, as the earlier shape had it.
    pub used: Option<i64>,
}

impl QuotaStatus {
    fn unlimited() -> Self {
        QuotaStatus {
            allowed: true,
            remaining: None,
            limit: None,
            used: None,
        }
    }

    fn counted(used: i64, limit: i64) -> Self {
        let remaining = (limit - used).max(0);
        QuotaStatus {
            allowed: remaining > 0,
            remaining: Some(remaining),
            limit: Some(limit),
            used: Some(used),
        }
    }
}

/// The user's plan, paid status and billing mode at `now`; 404 without a user row.
pub async fn account(apply: &Apply, user_id: Uuid, now: DateTime<Utc>) -> Result<Account> {
    let subscription = users::subscription(&apply.pool, user_id)
        .await?
        .ok_or_else(|| Error::NotFound("User not found".into()))?;
    let paid = is_paid(&subscription, now);
    let limits = plans::limits(&subscription.plan, paid);
    let credit_mode = paid && accounts::has_credit_rows(&apply.pool, user_id).await?;
    Ok(Account {
        subscription,
        paid,
        limits,
        credit_mode,
    })
}

/// What `feature`'s quota has left in its current window.
pub async fn status(
    apply: &Apply,
    user_id: Uuid,
    account: &Account,
    feature: Feature,
    now: DateTime<Utc>,
) -> Result<QuotaStatus> {
    let limit = match account.limits.of(feature) {
        Limit::Unlimited => return Ok(QuotaStatus::unlimited()),
        Limit::Count(limit) => limit,
    };
    let limit = if feature == Feature::ApplyPack {
        limit + accounts::topup_packs(&apply.pool, user_id, now).await?
    } else {
        limit
    };
    if limit == 0 {
        return Ok(QuotaStatus::counted(0, 0));
    }
    let used = match feature {
        Feature::Tracking => accounts::active_applications(&apply.pool, user_id).await?,
        _ => {
            let weekly = account.limits.weekly && feature == Feature::ApplyPack;
            let since = plans::window_start(now, weekly);
            accounts::usage_since(&apply.pool, user_id, feature.action_type(), since).await?
        }
    };
    Ok(QuotaStatus::counted(used, limit))
}

/// The 403 of a quota that is used up, in the earlier wording.
fn quota_exceeded(feature: Feature, used: i64, limit: i64, weekly: bool) -> Error {
    let period = if weekly { "this week" } else { "this month" };
    Error::Forbidden(match feature {
        Feature::ApplyPack => format!("Quota exceeded. {used}/{limit} apply packs used {period}."),
        Feature::DocxExport => format!(
            "Quota exceeded. {used}/{limit} document exports used {period}. Upgrade for unlimited exports."
        ),
        Feature::Tracking => format!(
            "Tracking limit reached. {used}/{limit} active applications; close one (offer, rejected or withdrawn) or upgrade."
        ),
        Feature::AiInterviewCoach | Feature::AiTemplate => {
            format!("Quota exceeded. {used}/{limit} used {period}.")
        }
    })
}

fn insufficient_credits(balance: i64, cost: i64) -> Error {
    Error::Forbidden(format!(
        "Insufficient credits: this needs {cost} credits and your balance is {balance}."
    ))
}

/// How a new apply pack will be paid for, decided before the work starts (the
/// check that counts is [`store_pack`]'s, inside the write).
#[derive(Debug, Clone)]
pub struct PackGate {
    payment: Payment,
    /// Whether the reviewer loop may run: paid users, and in credit mode only
    /// with credits for it too.
    pub review: bool,
    /// The quota counts this week rather than this month.
    weekly: bool,
}

/// The pack gate: 403 when the quota is used up or the credits do not cover a pack.
pub async fn pack_gate(apply: &Apply, user_id: Uuid, now: DateTime<Utc>) -> Result<PackGate> {
    let account = account(apply, user_id, now).await?;
    let review = account.paid && apply.settings.ai.review.enabled;
    let weekly = account.limits.weekly;
    if account.credit_mode {
        let balance = accounts::credit_balance(&apply.pool, user_id, now).await?;
        if balance < plans::APPLY_PACK_CREDITS {
            return Err(insufficient_credits(balance, plans::APPLY_PACK_CREDITS));
        }
        return Ok(PackGate {
            payment: Payment::Credits { spends: Vec::new() },
            review: review && balance >= plans::APPLY_PACK_CREDITS + plans::REVIEW_CREDITS,
            weekly,
        });
    }
    let quota = status(apply, user_id, &account, Feature::ApplyPack, now).await?;
    if !quota.allowed {
        return Err(quota_exceeded(
            Feature::ApplyPack,
            quota.used.unwrap_or(0),
            quota.limit.unwrap_or(0),
            weekly,
        ));
    }
    Ok(PackGate {
        payment: Payment::Quota {
            since: plans::window_start(now, weekly),
            limit: quota.limit,
        },
        review,
        weekly,
    })
}

/// Stores a generated pack and pays for it in one transaction (the reviewer's
/// credits too when it ran); a request that lost the race for the last credits
/// or the last quota unit gets the 403 and nothing is stored.
pub async fn store_pack(
    apply: &Apply,
    user_id: Uuid,
    pack: &StoredPack,
    gate: PackGate,
    reviewed: bool,
    now: DateTime<Utc>,
) -> Result<StoredPack> {
    let payment = match gate.payment {
        Payment::Credits { .. } => {
            let mut spends = vec![(plans::APPLY_PACK_CREDITS, "apply_pack")];
            if reviewed {
                spends.push((plans::REVIEW_CREDITS, "apply_pack_review"));
            }
            Payment::Credits { spends }
        }
        quota => quota,
    };
    match accounts::store_paid_pack(&apply.pool, user_id, pack, &payment, now).await? {
        Ok(stored) => Ok(stored),
        Err(Refused::Credits { balance, cost }) => Err(insufficient_credits(balance, cost)),
        Err(Refused::Quota { used, limit }) => {
            Err(quota_exceeded(Feature::ApplyPack, used, limit, gate.weekly))
        }
    }
}

/// How a premium-AI result will be paid for, decided before the provider is called.
#[derive(Debug, Clone)]
pub struct PremiumGate {
    feature: Feature,
    payment: Payment,
}

/// The premium-AI gate (the interview coach and templates, reference §4.8):
/// 404 while `JOBSCOUT_PREMIUM_AI_ENABLED` is off, as before; in credit mode
/// 403 unless the balance covers the feature (12 credits for the coach, 5 for a
/// template); otherwise 403 once the feature's monthly quota is used up (the
/// free and weekly plans have none).
pub async fn premium_gate(
    apply: &Apply,
    user_id: Uuid,
    feature: Feature,
    now: DateTime<Utc>,
) -> Result<PremiumGate> {
    let cost = match feature {
        Feature::AiInterviewCoach => plans::INTERVIEW_COACH_CREDITS,
        Feature::AiTemplate => plans::TEMPLATE_CREDITS,
        other => {
            return Err(Error::Internal(anyhow::anyhow!(
                "{other:?} is not a premium-AI feature"
            )))
        }
    };
    if !apply.settings.ai.premium_enabled {
        return Err(Error::NotFound(
            "Premium AI features are not enabled (JOBSCOUT_PREMIUM_AI_ENABLED)".into(),
        ));
    }
    let account = account(apply, user_id, now).await?;
    if account.credit_mode {
        let balance = accounts::credit_balance(&apply.pool, user_id, now).await?;
        if balance < cost {
            return Err(insufficient_credits(balance, cost));
        }
        return Ok(PremiumGate {
            feature,
            payment: Payment::Credits {
                spends: vec![(cost, feature.action_type())],
            },
        });
    }
    let quota = status(apply, user_id, &account, feature, now).await?;
    if !quota.allowed {
        return Err(quota_exceeded(
            feature,
            quota.used.unwrap_or(0),
            quota.limit.unwrap_or(0),
            false,
        ));
    }
    Ok(PremiumGate {
        feature,
        payment: Payment::Quota {
            since: plans::window_start(now, false),
            limit: quota.limit,
        },
    })
}

/// Pays for one premium-AI result once it is made: its usage row and, in
/// credit mode, its spend, in one transaction under the user's lock; a request
/// that lost the race for the last unit gets the 403 and nothing is written.
/// Returns the id the spend is keyed by.
pub async fn charge_premium(
    apply: &Apply,
    user_id: Uuid,
    gate: PremiumGate,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let work = PaidWork::Premium {
        action_type: gate.feature.action_type(),
    };
    match accounts::pay_for(&apply.pool, user_id, work, &gate.payment, now).await? {
        Ok(id) => Ok(id),
        Err(Refused::Credits { balance, cost }) => Err(insufficient_credits(balance, cost)),
        Err(Refused::Quota { used, limit }) => {
            Err(quota_exceeded(gate.feature, used, limit, false))
        }
    }
}

/// The export gate: free plans count downloads, paid ones are unlimited.
pub async fn check_export(apply: &Apply, user_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    check(apply, user_id, Feature::DocxExport, now).await
}

/// Records one download against the export quota.
pub async fn record_export(
    apply: &Apply,
    user_id: Uuid,
    apply_pack_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    Ok(accounts::record_usage(
        &apply.pool,
        user_id,
        "docx_export",
        Some(apply_pack_id),
        now,
    )
    .await?)
}

/// The tracking gate: the number of active applications.
pub async fn check_tracking(apply: &Apply, user_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    check(apply, user_id, Feature::Tracking, now).await
}

async fn check(apply: &Apply, user_id: Uuid, feature: Feature, now: DateTime<Utc>) -> Result<()> {
    let account = account(apply, user_id, now).await?;
    let quota = status(apply, user_id, &account, feature, now).await?;
    if quota.allowed {
        return Ok(());
    }
    Err(quota_exceeded(
        feature,
        quota.used.unwrap_or(0),
        quota.limit.unwrap_or(0),
        false,
    ))
}

/// `GET /apply/quota`'s figures.
#[derive(Debug, Clone)]
pub struct AccountView {
    pub plan: String,
    pub subscription_status: Option<String>,
    pub apply_packs: QuotaStatus,
    pub docx_export: QuotaStatus,
    pub tracking: QuotaStatus,
    pub credits_balance: i64,
    /// The next expiry of available credits, when it is within 7 days.
    pub credits_expires_soon: Option<DateTime<Utc>>,
    pub credits_enabled: bool,
    pub packs_equivalent: i64,
}

/// The user's plan, quotas and credits. A paid user on a legacy plan is moved
/// to its current plan first and, holding no credits, granted the plan's
/// credits once (`legacy-migrate:<user>`).
pub async fn view(apply: &Apply, user_id: Uuid, now: DateTime<Utc>) -> Result<AccountView> {
    let mut account = account(apply, user_id, now).await?;
    if account.paid {
        if let Some((plan, credits)) = plans::legacy_migration(&account.subscription.plan) {
            migrate_legacy(apply, user_id, plan, credits, now).await?;
            account = self::account(apply, user_id, now).await?;
        }
    }
    let balance = accounts::credit_balance(&apply.pool, user_id, now).await?;
    let apply_packs = if account.credit_mode {
        let packs = balance.max(0) / plans::APPLY_PACK_CREDITS;
        QuotaStatus {
            allowed: balance >= plans::APPLY_PACK_CREDITS,
            remaining: Some(packs),
            limit: Some(packs),
            used: Some(0),
        }
    } else {
        status(apply, user_id, &account, Feature::ApplyPack, now).await?
    };
    let expiry = accounts::next_expiry(&apply.pool, user_id, now).await?;
    Ok(AccountView {
        plan: account.subscription.plan.clone(),
        subscription_status: account.subscription.status.clone(),
        apply_packs,
        docx_export: status(apply, user_id, &account, Feature::DocxExport, now).await?,
        tracking: status(apply, user_id, &account, Feature::Tracking, now).await?,
        credits_balance: balance,
        credits_expires_soon: expiry.filter(|expiry| *expiry <= now + Duration::days(7)),
        credits_enabled: account.credit_mode,
        packs_equivalent: balance.max(0) / plans::APPLY_PACK_CREDITS,
    })
}

async fn migrate_legacy(
    apply: &Apply,
    user_id: Uuid,
    plan: &str,
    credits: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    users::set_plan(&apply.pool, user_id, plan).await?;
    if !accounts::has_credit_rows(&apply.pool, user_id).await? {
        let entry = CreditEntry {
            delta_credits: credits,
            reason: "plan_grant",
            feature: Some("legacy_migration".into()),
            idempotency_key: format!("legacy-migrate:{user_id}"),
            metadata: Some(serde_json::json!({ "plan": plan })),
            available_at: None,
            expires_at: None,
        };
        accounts::add_credits(&apply.pool, user_id, &entry, now).await?;
    }
    tracing::info!(%user_id, plan, "legacy plan moved to a current one");
    Ok(())
}
