//! Arbeitnow job board API. Config: optional `base_url` (default
//! `https://www.arbeitnow.com`; tests point it at a local server).

pub mod parse;

use jobscout_plugin_sdk::parse::{config as settings, response};
use jobscout_plugin_sdk::{
    config, fetch, JobPosting, JobQuery, QueryFeature, Source, SourceError, SourceMetadata,
};

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct Arbeitnow;

impl Source for Arbeitnow {
    fn metadata() -> SourceMetadata {
        SourceMetadata {
            id: "arbeitnow".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Arbeitnow job board API".to_string(),
            features: vec![QueryFeature::Limit],
        }
    }

    fn search(query: JobQuery) -> Result<Vec<JobPosting>, SourceError> {
        let base = settings::base_url(config::get("base_url"), "https://www.arbeitnow.com");
        let url = format!("{base}/api/job-board-api?page=1");
        let root = fetch::get_json(&url)?;
        let mut postings =
            parse::postings(&root).map_err(|error| response::bad_json("arbeitnow", error))?;
        postings.truncate(query.limit as usize);
        Ok(postings)
    }
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_source!(Arbeitnow);
