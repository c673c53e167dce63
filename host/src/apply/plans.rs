//! The plans and what they allow (reference §4.8): quota limits per plan and
//! feature, the window each limit counts in, and the credit costs. Pure data and
//! arithmetic; `quota.rs` applies them to a user's ledgers.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc};

/// What a quota limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    ApplyPack,
    DocxExport,
    /// Active applications (not rejected, withdrawn or offer); no window.
    Tracking,
    AiInterviewCoach,
    AiTemplate,
}

impl Feature {
    /// The `usage_ledger.action_type` the feature records (tracking counts
    /// applications instead).
    pub fn action_type(self) -> &'static str {
        match self {
            Feature::ApplyPack => "apply_pack",
            Feature::DocxExport => "docx_export",
            Feature::Tracking => "tracking",
            Feature::AiInterviewCoach => "ai_interview_coach",
            Feature::AiTemplate => "ai_template",
        }
    }
}

/// A quota: a number per window, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Unlimited,
    Count(i64),
}

use Limit::{Count, Unlimited};

/// What one plan allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanLimits {
    pub apply_pack: Limit,
    pub docx_export: Limit,
    pub tracking: Limit,
    pub ai_interview_coach: Limit,
    pub ai_template: Limit,
    /// Apply packs count per week (Monday 00:00 UTC) rather than per month.
    pub weekly: bool,
}

impl PlanLimits {
    pub fn of(&self, feature: Feature) -> Limit {
        match feature {
            Feature::ApplyPack => self.apply_pack,
            Feature::DocxExport => self.docx_export,
            Feature::Tracking => self.tracking,
            Feature::AiInterviewCoach => self.ai_interview_coach,
            Feature::AiTemplate => self.ai_template,
        }
    }
}

const fn plan(
    apply_pack: Limit,
    docx_export: Limit,
    tracking: Limit,
    ai_interview_coach: Limit,
    ai_template: Limit,
    weekly: bool,
) -> PlanLimits {
    PlanLimits {
        apply_pack,
        docx_export,
        tracking,
        ai_interview_coach,
        ai_template,
        weekly,
    }
}

pub const FREE: PlanLimits = plan(Count(2), Count(6), Count(5), Count(0), Count(0), false);

/// The limits of `plan_key` for a user whose paid status is `paid`: an unpaid
/// or unknown plan gets the free limits.
pub fn limits(plan_key: &str, paid: bool) -> PlanLimits {
    if !paid {
        return FREE;
    }
    let weekly = |packs| {
        plan(
            Count(packs),
            Unlimited,
            Count(packs),
            Count(0),
            Count(0),
            true,
        )
    };
    match plan_key.trim().to_lowercase().as_str() {
        "weekly_standard" => weekly(20),
        "weekly_pro" => weekly(50),
        "weekly_sprint" => weekly(30),
        "monthly_standard" => plan(
            Count(120),
            Unlimited,
            Count(120),
            Count(20),
            Count(40),
            false,
        ),
        "monthly_pro" => plan(
            Count(250),
            Unlimited,
            Count(250),
            Count(100),
            Count(200),
            false,
        ),
        "monthly_power" => plan(
            Count(300),
            Unlimited,
            Count(300),
            Count(100),
            Count(200),
            false,
        ),
        "annual_pro" => plan(
            Count(150),
            Unlimited,
            Count(150),
            Count(20),
            Count(40),
            false,
        ),
        "annual_power" => plan(
            Count(300),
            Unlimited,
            Count(300),
            Count(100),
            Count(200),
            false,
        ),
        "pro" | "annual" | "paid" => {
            plan(Count(30), Unlimited, Unlimited, Count(20), Count(40), false)
        }
        "pro_plus" => plan(
            Count(100),
            Unlimited,
            Unlimited,
            Count(100),
            Count(200),
            false,
        ),
        _ => FREE,
    }
}

/// Credits an apply pack costs, and the reviewer loop on top.
pub const APPLY_PACK_CREDITS: i64 = 10;
pub const REVIEW_CREDITS: i64 = 2;
pub const INTERVIEW_COACH_CREDITS: i64 = 12;
pub const TEMPLATE_CREDITS: i64 = 5;

/// The credits a plan grants per billing period, and in how many rows: annual
/// plans grant twelve, one per 30-day cycle, each available from its cycle's
/// start. `None` for plans that grant none (free, the legacy ones).
pub fn plan_credits(plan_key: &str) -> Option<(i64, i64)> {
    match plan_key.trim().to_lowercase().as_str() {
        "weekly_standard" => Some((200, 1)),
        "weekly_pro" => Some((500, 1)),
        "weekly_sprint" => Some((300, 1)),
        "monthly_standard" => Some((1_200, 1)),
        "monthly_pro" => Some((2_500, 1)),
        "monthly_power" => Some((3_000, 1)),
        "annual_pro" => Some((1_500, 12)),
        "annual_power" => Some((3_000, 12)),
        _ => None,
    }
}

/// Credits the one top-up (`topup_20`) buys.
pub const TOPUP_CREDITS: i64 = 200;

/// The legacy plans a quota call moves to the current ones, with the credits
/// granted once to a user who has none: `(legacy, new plan, credits)`.
pub fn legacy_migration(plan_key: &str) -> Option<(&'static str, i64)> {
    match plan_key.trim().to_lowercase().as_str() {
        "pro_plus" => Some(("monthly_pro", 2_500)),
        "pro" | "annual" | "paid" => Some(("monthly_standard", 1_200)),
        _ => None,
    }
}

/// Where the current window of a quota starts: the first of the month, or for
/// weekly plans' apply packs Monday, 00:00 UTC (PostgreSQL's `date_trunc`).
pub fn window_start(now: DateTime<Utc>, weekly: bool) -> DateTime<Utc> {
    let day = now.date_naive();
    let first = if weekly {
        day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
    } else {
        day.with_day(1).unwrap_or(day)
    };
    Utc.from_utc_datetime(&first.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn windows_start_on_the_first_of_the_month_or_on_monday() {
        assert_eq!(
            window_start(at("2026-12-07T15:00:00Z"), false),
            at("2026-12-01T00:00:00Z")
        );
        // 2026-12-07 is a Monday: its week starts that midnight.
        assert_eq!(
            window_start(at("2026-12-07T15:00:00Z"), true),
            at("2026-12-07T00:00:00Z")
        );
        assert_eq!(
            window_start(at("2026-12-06T23:59:59Z"), true),
            at("2026-11-30T00:00:00Z")
        );
        // A week across the year's turn starts in the old year.
        assert_eq!(
            window_start(at("2027-01-01T08:00:00Z"), true),
            at("2026-12-28T00:00:00Z")
        );
        assert_eq!(
            window_start(at("2027-01-01T08:00:00Z"), false),
            at("2027-01-01T00:00:00Z")
        );
    }

    #[test]
    fn unpaid_and_unknown_plans_get_the_free_limits() {
        assert_eq!(limits("monthly_pro", false), FREE);
        assert_eq!(limits("platinum", true), FREE);
        assert_eq!(limits(" Monthly_Pro ", true).apply_pack, Count(250));
        let weekly = limits("weekly_sprint", true);
        assert!(weekly.weekly);
        assert_eq!(weekly.of(Feature::ApplyPack), Count(30));
        assert_eq!(weekly.of(Feature::DocxExport), Unlimited);
        assert_eq!(limits("pro_plus", true).tracking, Unlimited);
        assert_eq!(limits("annual_pro", true).ai_template, Count(40));
    }

    #[test]
    fn legacy_plans_move_to_current_ones() {
        assert_eq!(legacy_migration("pro_plus"), Some(("monthly_pro", 2_500)));
        assert_eq!(
            legacy_migration("annual"),
            Some(("monthly_standard", 1_200))
        );
        assert_eq!(legacy_migration("monthly_pro"), None);
    }
}
