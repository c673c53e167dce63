//! Settings of Paddle Billing, under the earlier backend's `JOBSCOUT_PADDLE_*`
//! names: the API key the checkout uses, the secret webhooks are signed with,
//! which host to call, and the price id of each plan.

use std::fmt;
use std::time::Duration;

use super::SettingsSource;

/// Paddle's two API hosts (`JOBSCOUT_PADDLE_ENVIRONMENT`).
pub const PADDLE_PRODUCTION_API: &str = "https://api.paddle.com";
pub const PADDLE_SANDBOX_API: &str = "https://sandbox-api.paddle.com";

/// The plans one subscribes to today (the legacy ones are no longer sold).
pub const SUBSCRIPTION_PLANS: [&str; 8] = [
    "weekly_standard",
    "weekly_pro",
    "weekly_sprint",
    "monthly_standard",
    "monthly_pro",
    "monthly_power",
    "annual_pro",
    "annual_power",
];

/// The plans a checkout can be for, in the order the price settings are listed.
pub const CHECKOUT_PLANS: [&str; 9] = {
    let mut plans = [TOPUP_PLAN; 9];
    let mut index = 0;
    while index < SUBSCRIPTION_PLANS.len() {
        plans[index] = SUBSCRIPTION_PLANS[index];
        index += 1;
    }
    plans
};

/// The one top-up: 200 credits, bought once, not a subscription.
pub const TOPUP_PLAN: &str = "topup_20";

#[derive(Clone)]
pub struct PaddleSettings {
    /// `JOBSCOUT_PADDLE_API_KEY`: the checkout calls Paddle's API with it.
    pub api_key: Option<String>,
    /// `JOBSCOUT_PADDLE_WEBHOOK_SECRET`: the notification destination's secret key.
    pub webhook_secret: Option<String>,
    /// `JOBSCOUT_PADDLE_ENVIRONMENT`: `sandbox` (default) or `production`.
    pub production: bool,
    /// `JOBSCOUT_PADDLE_API_BASE_URL`: overrides the host the environment picks
    /// (a proxy, or a fake Paddle in tests).
    pub api_base_url: Option<String>,
    pub timeout: Duration,
    /// The earlier fallback price id of a checkout without a plan.
    pub vendor_id: Option<String>,
    /// The earlier single-product setting: its id names `monthly_standard`.
    pub product_id: Option<String>,
    /// Read so an earlier deployment's `.env` is not reported unknown; Paddle
    /// Billing signs webhooks with the secret, not with a public key.
    pub public_key: Option<String>,
    /// `(plan, price id)` for each plan whose price is set, in [`CHECKOUT_PLANS`] order.
    pub prices: Vec<(&'static str, String)>,
}

impl PaddleSettings {
    pub(super) fn read_from(src: &mut SettingsSource) -> Self {
        let production =
            src.choice("paddle_environment", "sandbox", &["sandbox", "production"]) == "production";
        let prices = CHECKOUT_PLANS
            .iter()
            .filter_map(|plan| {
                src.optional_string(&format!("paddle_price_id_{plan}"))
                    .map(|price| (*plan, price))
            })
            .collect();
        PaddleSettings {
            api_key: src.optional_string("paddle_api_key"),
            webhook_secret: src.optional_string("paddle_webhook_secret"),
            production,
            api_base_url: super::read::http_url(src, "paddle_api_base_url")
                .map(|url| url.trim_end_matches('/').to_string()),
            timeout: Duration::from_secs(src.number("paddle_timeout_seconds", 15, 1, 120)),
            vendor_id: src.optional_string("paddle_vendor_id"),
            product_id: src.optional_string("paddle_product_id"),
            public_key: src.optional_string("paddle_public_key"),
            prices,
        }
    }

    /// The API root the checkout calls.
    pub fn api_base(&self) -> &str {
        match &self.api_base_url {
            Some(url) => url,
            None if self.production => PADDLE_PRODUCTION_API,
            None => PADDLE_SANDBOX_API,
        }
    }

    /// The price id configured for `plan`.
    pub fn price_of(&self, plan: &str) -> Option<&str> {
        self.prices
            .iter()
            .find(|(known, _)| *known == plan)
            .map(|(_, price)| price.as_str())
    }

    /// The plan a price id (or the earlier product id) stands for.
    pub fn plan_of_price(&self, price_id: &str) -> Option<&'static str> {
        if let Some((plan, _)) = self.prices.iter().find(|(_, price)| price == price_id) {
            return Some(plan);
        }
        (self.product_id.as_deref() == Some(price_id)).then_some("monthly_standard")
    }

    /// The setting that holds `plan`'s price id.
    pub fn price_setting(plan: &str) -> String {
        format!("JOBSCOUT_PADDLE_PRICE_ID_{}", plan.to_ascii_uppercase())
    }
}

/// The key and the secret never reach a log line, not even through `{:?}`.
impl fmt::Debug for PaddleSettings {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |value: &Option<String>| value.as_ref().map(|_| "(set, masked)");
        formatter
            .debug_struct("PaddleSettings")
            .field("api_key", &set(&self.api_key))
            .field("webhook_secret", &set(&self.webhook_secret))
            .field("production", &self.production)
            .field("api_base_url", &self.api_base_url)
            .field("timeout", &self.timeout)
            .field("vendor_id", &self.vendor_id)
            .field("product_id", &self.product_id)
            .field("prices", &self.prices)
            .finish()
    }
}
