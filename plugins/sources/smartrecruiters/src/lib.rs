//! SmartRecruiters postings (companies from config `companies`). Config: `companies` (list), optional `base_url` (default
//! `https://api.smartrecruiters.com`; tests point it at a local server).

pub mod parse;

use jobscout_plugin_sdk::parse::{config as settings, response};
use jobscout_plugin_sdk::{
    config, fetch, log, JobPosting, JobQuery, QueryFeature, Source, SourceError, SourceMetadata,
};

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct SmartRecruiters;

impl Source for SmartRecruiters {
    fn metadata() -> SourceMetadata {
        SourceMetadata {
            id: "smartrecruiters".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "SmartRecruiters postings (companies from config `companies`)".to_string(),
            features: vec![QueryFeature::Limit],
        }
    }

    fn search(query: JobQuery) -> Result<Vec<JobPosting>, SourceError> {
        let base = settings::base_url(config::get("base_url"), "https://api.smartrecruiters.com");
        let targets = settings::string_list(&config::get("companies").unwrap_or_default());
        if targets.is_empty() {
            return Err(SourceError::InvalidQuery(
                "nothing to poll: set `companies` in [plugin.config]".to_string(),
            ));
        }
        response::gather(
            &targets,
            query.limit as usize,
            |target| {
                let base = base.replace("{target}", target);
                let url = format!(
                    "{base}/v1/companies/{}/postings?limit=100",
                    settings::encode_component(target)
                );
                let root = fetch::get_json(&url)?;
                parse::postings(&root, target)
                    .map_err(|error| response::bad_json("smartrecruiters", error))
            },
            |target, error| log::warn(&format!("{target}: {error:?}")),
        )
    }
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_source!(SmartRecruiters);
