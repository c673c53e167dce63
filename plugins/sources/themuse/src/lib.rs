//! The Muse public jobs API. Config: optional `category`, `level`, `location`
//! filters (the API's own values), optional `base_url` (tests).

pub mod parse;

use jobscout_plugin_sdk::parse::{config as settings, response};
use jobscout_plugin_sdk::{
    config, fetch, JobPosting, JobQuery, QueryFeature, Source, SourceError, SourceMetadata,
};

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct TheMuse;

impl Source for TheMuse {
    fn metadata() -> SourceMetadata {
        SourceMetadata {
            id: "themuse".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "The Muse public jobs API".to_string(),
            features: vec![QueryFeature::Limit],
        }
    }

    fn search(query: JobQuery) -> Result<Vec<JobPosting>, SourceError> {
        let base = settings::base_url(config::get("base_url"), "https://www.themuse.com");
        let mut url = format!("{base}/api/public/jobs?page=0&descending=true");
        for key in ["category", "level", "location"] {
            for value in settings::string_list(&config::get(key).unwrap_or_default()) {
                url.push_str(&format!("&{key}={}", settings::encode_component(&value)));
            }
        }
        let root = fetch::get_json(&url)?;
        let mut postings =
            parse::postings(&root).map_err(|error| response::bad_json("themuse", error))?;
        postings.truncate(query.limit as usize);
        Ok(postings)
    }
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_source!(TheMuse);
