//! Hacker News "Who is hiring?" via the Algolia API. Config: optional `story_id`
//! (else the newest whoishiring story is looked up), optional `base_url` (default
//! `https://hn.algolia.com`; tests point it at a local server).

pub mod parse;

use jobscout_plugin_sdk::parse::{config as settings, response};
use jobscout_plugin_sdk::{
    config, fetch, JobPosting, JobQuery, QueryFeature, Source, SourceError, SourceMetadata,
};

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct HackerNews;

impl Source for HackerNews {
    fn metadata() -> SourceMetadata {
        SourceMetadata {
            id: "hackernews".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Hacker News \"Ask HN: Who is hiring?\" comments".to_string(),
            features: vec![QueryFeature::Limit],
        }
    }

    fn search(query: JobQuery) -> Result<Vec<JobPosting>, SourceError> {
        let base = settings::base_url(config::get("base_url"), "https://hn.algolia.com");
        let story = match config::get("story_id").filter(|id| !id.trim().is_empty()) {
            Some(id) => id.trim().to_string(),
            None => {
                let url = format!(
                    "{base}/api/v1/search_by_date?tags=story,author_whoishiring&query=who%20is%20hiring&hitsPerPage=5"
                );
                let search = fetch::get_json(&url)?;
                parse::story_id(&search)
                    .map_err(|error| response::bad_json("hackernews", error))?
                    .ok_or_else(|| {
                        SourceError::BadResponse("no \"Who is hiring?\" story found".to_string())
                    })?
            }
        };
        let thread = fetch::get_json(&format!(
            "{base}/api/v1/items/{}",
            settings::encode_component(&story)
        ))?;
        let mut postings = parse::story_postings(&thread)
            .map_err(|error| response::bad_json("hackernews", error))?;
        postings.truncate(query.limit as usize);
        Ok(postings)
    }
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_source!(HackerNews);
