//! The `[plugin.ai]` table: which AI calls a plugin may make through the host
//! (`jobscout:plugin/ai`, WIT 0.2.0) and how many tokens it may spend, and the
//! per-plugin token budget that enforces it.
//!
//! Budgets are kept per plugin id in the runtime, so a reload neither resets
//! nor forgets what a plugin spent today. They are per process: two servers on
//! one database each allow a plugin its budget.

use std::ops::Range;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_spanned::Spanned;

/// Tokens a plugin may spend per UTC day unless its table says otherwise.
pub const DEFAULT_TOKENS_PER_DAY: u64 = 200_000;
/// Generated tokens of one chat unless its table says otherwise.
pub const DEFAULT_MAX_TOKENS_PER_CALL: u32 = 2_000;

/// What a plugin may ask the AI provider, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AiGrant {
    /// `ai.chat` is allowed.
    pub chat: bool,
    /// `ai.embed` is allowed.
    pub embeddings: bool,
    /// Prompt and completion tokens, all calls together, per UTC day.
    pub tokens_per_day: u64,
    /// The most tokens one chat may generate.
    pub max_tokens_per_call: u32,
}

/// `[plugin.ai]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AiGrantTable {
    #[serde(default)]
    chat: bool,
    #[serde(default)]
    embeddings: bool,
    tokens_per_day: Option<Spanned<u64>>,
    max_tokens_per_call: Option<Spanned<u64>>,
}

/// A problem in the table: where (`None`: the table itself), which key
/// (`""`: the table itself), why.
pub type GrantError = (Option<Range<usize>>, &'static str, String);

impl AiGrantTable {
    pub fn validate(&self) -> Result<AiGrant, GrantError> {
        if !self.chat && !self.embeddings {
            return Err((
                None,
                "",
                "the table grants nothing: set `chat = true`, `embeddings = true` or both (or remove [plugin.ai])"
                    .to_string(),
            ));
        }
        let ranged = |value: &Option<Spanned<u64>>, key, max: u64, default: u64| match value {
            None => Ok(default),
            Some(spanned) if (1..=max).contains(spanned.get_ref()) => Ok(*spanned.get_ref()),
            Some(spanned) => Err((
                Some(spanned.span()),
                key,
                format!("{} is out of range: expected 1 to {max}", spanned.get_ref()),
            )),
        };
        Ok(AiGrant {
            chat: self.chat,
            embeddings: self.embeddings,
            tokens_per_day: ranged(
                &self.tokens_per_day,
                "tokens_per_day",
                1_000_000_000,
                DEFAULT_TOKENS_PER_DAY,
            )?,
            max_tokens_per_call: ranged(
                &self.max_tokens_per_call,
                "max_tokens_per_call",
                32_768,
                u64::from(DEFAULT_MAX_TOKENS_PER_CALL),
            )? as u32,
        })
    }
}

/// One plugin's spending in the current UTC day. A call reserves what it may
/// spend before it starts and settles to what it used, so calls running at
/// once cannot together overshoot the budget.
#[derive(Debug)]
pub struct TokenBudget {
    state: Mutex<BudgetState>,
}

#[derive(Debug)]
struct BudgetState {
    per_day: u64,
    day: chrono::NaiveDate,
    used: u64,
    reserved: u64,
}

/// Tokens set aside for one call; give it back with [`TokenBudget::settle`].
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a reservation is settled once the call returns"]
pub struct Reservation {
    tokens: u64,
    day: chrono::NaiveDate,
}

impl TokenBudget {
    pub fn new(per_day: u64) -> TokenBudget {
        TokenBudget {
            state: Mutex::new(BudgetState {
                per_day,
                day: Utc::now().date_naive(),
                used: 0,
                reserved: 0,
            }),
        }
    }

    /// A changed `tokens_per_day` applies at once; today's spending is kept.
    pub fn set_per_day(&self, per_day: u64) {
        self.lock().per_day = per_day;
    }

    /// Reserves `at_least` tokens and up to `at_most` when the budget has them;
    /// the reservation's size is what the call may spend. `Err` holds the seconds
    /// until the budget turns over.
    pub fn reserve(
        &self,
        now: DateTime<Utc>,
        at_least: u64,
        at_most: u64,
    ) -> Result<Reservation, u32> {
        let mut state = self.lock();
        state.roll_over(now);
        let left = state.per_day.saturating_sub(state.used + state.reserved);
        if left < at_least.max(1) {
            return Err(seconds_to_next_day(now));
        }
        let tokens = at_most.max(at_least).min(left);
        state.reserved += tokens;
        Ok(Reservation {
            tokens,
            day: state.day,
        })
    }

    /// Ends a call: its reservation is returned and `spent` tokens are counted.
    pub fn settle(&self, now: DateTime<Utc>, reservation: Reservation, spent: u64) {
        let mut state = self.lock();
        state.roll_over(now);
        if reservation.day == state.day {
            state.reserved = state.reserved.saturating_sub(reservation.tokens);
            state.used += spent;
        }
    }

    /// Tokens counted today (for tests and the admin view).
    pub fn used(&self, now: DateTime<Utc>) -> u64 {
        let mut state = self.lock();
        state.roll_over(now);
        state.used
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BudgetState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Reservation {
    /// The tokens this call may spend.
    pub fn tokens(&self) -> u64 {
        self.tokens
    }
}

impl BudgetState {
    fn roll_over(&mut self, now: DateTime<Utc>) {
        let today = now.date_naive();
        if today != self.day {
            self.day = today;
            self.used = 0;
            // Reservations of calls still running belong to the day before.
            self.reserved = 0;
        }
    }
}

fn seconds_to_next_day(now: DateTime<Utc>) -> u32 {
    let tomorrow = now.date_naive().succ_opt().unwrap_or(now.date_naive());
    let midnight = tomorrow.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    (midnight - now).num_seconds().clamp(1, 86_400) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, hour, minute, 0).unwrap()
    }

    #[test]
    fn calls_running_at_once_cannot_overshoot_the_budget() {
        let budget = TokenBudget::new(1_000);
        let first = budget.reserve(at(10, 0), 100, 700).unwrap();
        assert_eq!(first.tokens(), 700);
        let second = budget.reserve(at(10, 0), 100, 700).unwrap();
        assert_eq!(second.tokens(), 300, "only what is left is reserved");
        assert_eq!(budget.reserve(at(10, 0), 100, 700), Err(50_400));
        budget.settle(at(10, 1), first, 250);
        budget.settle(at(10, 1), second, 300);
        assert_eq!(budget.used(at(10, 2)), 550);
        let third = budget.reserve(at(10, 2), 100, 700).unwrap();
        assert_eq!(third.tokens(), 450);
        budget.settle(at(10, 3), third, 450);
        assert_eq!(budget.reserve(at(23, 59), 1, 10), Err(60));
    }

    #[test]
    fn the_budget_turns_over_at_utc_midnight_and_keeps_its_spending_on_a_change() {
        let budget = TokenBudget::new(100);
        let today = budget.reserve(at(12, 0), 10, 100).unwrap();
        budget.settle(at(12, 0), today, 100);
        assert!(budget.reserve(at(13, 0), 1, 1).is_err());
        budget.set_per_day(150);
        assert_eq!(budget.reserve(at(13, 0), 1, 100).unwrap().tokens(), 50);
        let tomorrow = at(12, 0) + chrono::Duration::days(1);
        assert_eq!(budget.used(tomorrow), 0);
        // A reservation made yesterday settles without touching today.
        let late = TokenBudget::new(100);
        let yesterday = late.reserve(at(23, 59), 1, 60).unwrap();
        late.settle(tomorrow, yesterday, 60);
        assert_eq!(late.used(tomorrow), 0);
        assert_eq!(late.reserve(tomorrow, 1, 100).unwrap().tokens(), 100);
    }

    fn table(text: &str) -> Result<AiGrant, GrantError> {
        toml::from_str::<AiGrantTable>(text).unwrap().validate()
    }

    #[test]
    fn a_grant_names_what_it_allows_and_takes_defaults() {
        assert_eq!(
            table("chat = true").unwrap(),
            AiGrant {
                chat: true,
                embeddings: false,
                tokens_per_day: DEFAULT_TOKENS_PER_DAY,
                max_tokens_per_call: DEFAULT_MAX_TOKENS_PER_CALL,
            }
        );
        let nothing = table("tokens_per_day = 5").unwrap_err();
        assert_eq!(nothing.1, "");
        assert!(nothing.2.starts_with("the table grants nothing"));
        let zero = table("embeddings = true\ntokens_per_day = 0").unwrap_err();
        assert_eq!(zero.1, "tokens_per_day");
        assert_eq!(zero.2, "0 is out of range: expected 1 to 1000000000");
        assert!(toml::from_str::<AiGrantTable>("chat = true\nmodel = \"x\"").is_err());
    }
}
