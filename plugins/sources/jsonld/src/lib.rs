//! schema.org JobPosting JSON-LD on career pages. Config: `pages` (page URLs).

pub mod parse;

use jobscout_plugin_sdk::parse::{config as settings, response};
use jobscout_plugin_sdk::{
    config, fetch, log, JobPosting, JobQuery, QueryFeature, Source, SourceError, SourceMetadata,
};

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct JsonLd;

impl Source for JsonLd {
    fn metadata() -> SourceMetadata {
        SourceMetadata {
            id: "jsonld".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "schema.org JobPosting JSON-LD on career pages (URLs from config `pages`)"
                .to_string(),
            features: vec![QueryFeature::Limit],
        }
    }

    fn search(query: JobQuery) -> Result<Vec<JobPosting>, SourceError> {
        let pages = settings::string_list(&config::get("pages").unwrap_or_default());
        if pages.is_empty() {
            return Err(SourceError::InvalidQuery(
                "no pages configured: set `pages` in [plugin.config]".to_string(),
            ));
        }
        response::gather(
            &pages,
            query.limit as usize,
            |page| Ok(parse::parse(&fetch::get_html(page)?, page)),
            |page, error| log::warn(&format!("{page}: {error:?}")),
        )
    }
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_source!(JsonLd);
