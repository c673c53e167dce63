//! Jobicy remote jobs API. Config: optional `base_url` (default
//! `https://jobicy.com`; tests point it at a local server).

pub mod parse;

use jobscout_plugin_sdk::parse::{config as settings, response};
use jobscout_plugin_sdk::{
    config, fetch, JobPosting, JobQuery, QueryFeature, Source, SourceError, SourceMetadata,
};

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct Jobicy;

impl Source for Jobicy {
    fn metadata() -> SourceMetadata {
        SourceMetadata {
            id: "jobicy".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Jobicy remote jobs API".to_string(),
            features: vec![QueryFeature::RemoteOnly, QueryFeature::Limit],
        }
    }

    fn search(query: JobQuery) -> Result<Vec<JobPosting>, SourceError> {
        let base = settings::base_url(config::get("base_url"), "https://jobicy.com");
        let url = format!(
            "{base}/api/v2/remote-jobs?count={}{}",
            query.limit.clamp(1, 100),
            config::get("industry")
                .map(|i| format!("&industry={}", settings::encode_component(&i)))
                .unwrap_or_default()
        );
        let root = fetch::get_json(&url)?;
        let mut postings =
            parse::postings(&root).map_err(|error| response::bad_json("jobicy", error))?;
        postings.truncate(query.limit as usize);
        Ok(postings)
    }
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_source!(Jobicy);
