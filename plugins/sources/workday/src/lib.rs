//! Workday career sites. Config: `sites` (public career-site URLs such as
//! `https://nvidia.wd5.myworkdayjobs.com/NVIDIAExternalCareerSite`), optional
//! `base_url` replacing the sites' origin (tests point it at a local server).

pub mod parse;

use jobscout_plugin_sdk::http::{Method, Request};
use jobscout_plugin_sdk::parse::{config as settings, response};
use jobscout_plugin_sdk::{
    config, fetch, log, JobPosting, JobQuery, QueryFeature, Source, SourceError, SourceMetadata,
};

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct Workday;

impl Source for Workday {
    fn metadata() -> SourceMetadata {
        SourceMetadata {
            id: "workday".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description:
                "Workday career sites (URLs from config `sites`), searched with the keywords"
                    .to_string(),
            features: vec![QueryFeature::Keywords, QueryFeature::Limit],
        }
    }

    fn search(query: JobQuery) -> Result<Vec<JobPosting>, SourceError> {
        let sites = settings::string_list(&config::get("sites").unwrap_or_default());
        if sites.is_empty() {
            return Err(SourceError::InvalidQuery(
                "no sites configured: set `sites` in [plugin.config]".to_string(),
            ));
        }
        let base = config::get("base_url")
            .map(|url| url.trim().trim_end_matches('/').to_string())
            .filter(|url| !url.is_empty());
        // Relative dates ("Posted 4 Days Ago") need today's date.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs() as i64)
            .unwrap_or_default();
        response::gather(
            &sites,
            query.limit as usize,
            |site| {
                let site = parse::Site::parse(site).map_err(SourceError::InvalidQuery)?;
                let body = format!(
                    r#"{{"appliedFacets":{{}},"limit":{},"offset":0,"searchText":{}}}"#,
                    query.limit.clamp(1, 20),
                    serde_json::Value::String(query.keywords.clone())
                );
                let answer = fetch::fetch_json(&Request {
                    method: Method::Post,
                    url: site.api_url(base.as_deref()),
                    headers: vec![
                        ("content-type".to_string(), "application/json".to_string()),
                        ("accept".to_string(), "application/json".to_string()),
                    ],
                    secret_headers: Vec::new(),
                    body: Some(body.into_bytes()),
                })?;
                parse::postings(&answer, &site, now)
                    .map_err(|error| response::bad_json("workday", error))
            },
            |site, error| log::warn(&format!("{site}: {error:?}")),
        )
    }
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_source!(Workday);
