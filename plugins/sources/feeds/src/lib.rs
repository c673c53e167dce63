//! RSS/Atom job feeds. Config: `feeds` (feed URLs), optional `all_remote`
//! (`true` when the feeds list only remote jobs, as We Work Remotely's do).

pub mod parse;

use jobscout_plugin_sdk::parse::{config as settings, response};
use jobscout_plugin_sdk::{
    config, fetch, log, JobPosting, JobQuery, QueryFeature, Source, SourceError, SourceMetadata,
};

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct Feeds;

impl Source for Feeds {
    fn metadata() -> SourceMetadata {
        SourceMetadata {
            id: "feeds".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "RSS and Atom job feeds (URLs from config `feeds`)".to_string(),
            features: vec![QueryFeature::Limit],
        }
    }

    fn search(query: JobQuery) -> Result<Vec<JobPosting>, SourceError> {
        let feeds = settings::string_list(&config::get("feeds").unwrap_or_default());
        if feeds.is_empty() {
            return Err(SourceError::InvalidQuery(
                "no feeds configured: set `feeds` in [plugin.config]".to_string(),
            ));
        }
        let all_remote = config::get("all_remote").is_some_and(|value| value.trim() == "true");
        response::gather(
            &feeds,
            query.limit as usize,
            |feed| Ok(parse::postings(&fetch::get_feed(feed)?, feed, all_remote)),
            |feed, error| log::warn(&format!("{feed}: {error:?}")),
        )
    }
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_source!(Feeds);
