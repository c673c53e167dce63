//! Greenhouse job boards. Config: `boards` (board tokens, e.g. `["vercel"]`),
//! optional `base_url` (default `https://boards-api.greenhouse.io`, tests point it
//! at a local server).

pub mod parse;

use jobscout_plugin_sdk::parse::{config as settings, response};
use jobscout_plugin_sdk::{
    config, fetch, log, JobPosting, JobQuery, QueryFeature, Source, SourceError, SourceMetadata,
};

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct Greenhouse;

impl Source for Greenhouse {
    fn metadata() -> SourceMetadata {
        SourceMetadata {
            id: "greenhouse".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Greenhouse job boards (companies from config `boards`)".to_string(),
            features: vec![QueryFeature::Limit],
        }
    }

    fn search(query: JobQuery) -> Result<Vec<JobPosting>, SourceError> {
        let base = settings::base_url(config::get("base_url"), "https://boards-api.greenhouse.io");
        let boards = settings::string_list(&config::get("boards").unwrap_or_default());
        if boards.is_empty() {
            return Err(SourceError::InvalidQuery(
                "no boards configured: set `boards` in [plugin.config]".to_string(),
            ));
        }
        response::gather(
            &boards,
            query.limit as usize,
            |board| {
                let url = format!(
                    "{base}/v1/boards/{}/jobs?content=true",
                    settings::encode_component(board)
                );
                let root = fetch::get_json(&url)?;
                parse::postings(&root, board)
                    .map_err(|error| response::bad_json("greenhouse", error))
            },
            |board, error| log::warn(&format!("board {board}: {error:?}")),
        )
    }
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_source!(Greenhouse);
