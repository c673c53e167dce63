//! Whether a user counts as paid (reference §4.8): the plan limits of
//! `plans.rs`, the billing mode of `quota.rs` and the reviewer loop build on it.

use chrono::{DateTime, Utc};

use crate::config::SUBSCRIPTION_PLANS;
use crate::storage::users::Subscription;

/// The legacy paid plans, still honoured (the quota call moves them on).
pub const LEGACY_PAID_PLANS: [&str; 4] = ["pro", "pro_plus", "annual", "paid"];

/// Whether `plan` is a paid plan key, current or legacy.
pub fn is_paid_plan(plan: &str) -> bool {
    let plan = plan.trim().to_lowercase();
    SUBSCRIPTION_PLANS.contains(&plan.as_str()) || LEGACY_PAID_PLANS.contains(&plan.as_str())
}

/// A paid plan whose subscription is active, in its trial (Paddle's
/// `trialing`), past due or unknown (NULL), or cancelled with an end still ahead.
pub fn is_paid(subscription: &Subscription, now: DateTime<Utc>) -> bool {
    if !is_paid_plan(&subscription.plan) {
        return false;
    }
    match subscription.status.as_deref().map(str::trim) {
        None | Some("active") | Some("trialing") | Some("past_due") => true,
        Some("cancelled") | Some("canceled") => subscription.ends_at.is_some_and(|end| end > now),
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn subscription(plan: &str, status: Option<&str>, ends_in_days: Option<i64>) -> Subscription {
        Subscription {
            plan: plan.into(),
            status: status.map(str::to_string),
            ends_at: ends_in_days.map(|days| Utc::now() + Duration::days(days)),
        }
    }

    #[test]
    fn the_earlier_rule() {
        let now = Utc::now();
        assert!(is_paid(
            &subscription("monthly_pro", Some("active"), None),
            now
        ));
        assert!(
            is_paid(&subscription("pro", None, None), now),
            "legacy plan, no status"
        );
        assert!(is_paid(
            &subscription("weekly_sprint", Some("past_due"), None),
            now
        ));
        assert!(is_paid(
            &subscription("monthly_pro", Some("trialing"), None),
            now
        ));
        assert!(is_paid(
            &subscription("annual_power", Some("canceled"), Some(3)),
            now
        ));
        assert!(!is_paid(
            &subscription("annual_power", Some("cancelled"), Some(-1)),
            now
        ));
        assert!(!is_paid(
            &subscription("monthly_pro", Some("paused"), None),
            now
        ));
        assert!(!is_paid(&subscription("free", Some("active"), None), now));
        assert!(
            !is_paid(&subscription("enterprise", Some("active"), None), now),
            "unknown plans are free"
        );
    }
}
