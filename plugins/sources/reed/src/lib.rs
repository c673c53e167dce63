//! Reed.co.uk job search, a keyed API. Reed uses HTTP Basic auth with the API
//! key as user name; the secret `REED_API_AUTH` holds `base64("<key>:")` and the
//! host writes it into the request, so this plugin never sees the key.
//! Config: optional `location`, optional `base_url` (tests).

pub mod parse;

use jobscout_plugin_sdk::http::{Method, Request, SecretHeader};
use jobscout_plugin_sdk::parse::{config as settings, response};
use jobscout_plugin_sdk::{
    config, fetch, secrets, JobPosting, JobQuery, QueryFeature, Source, SourceError, SourceMetadata,
};

/// The secret's name as declared in plugins.toml (`secrets = ["REED_API_AUTH"]`).
pub const SECRET: &str = "REED_API_AUTH";

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct Reed;

impl Source for Reed {
    fn metadata() -> SourceMetadata {
        SourceMetadata {
            id: "reed".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Reed.co.uk job search (needs the REED_API_AUTH secret)".to_string(),
            features: vec![
                QueryFeature::Keywords,
                QueryFeature::Location,
                QueryFeature::Limit,
            ],
        }
    }

    fn search(query: JobQuery) -> Result<Vec<JobPosting>, SourceError> {
        let handle = secrets::handle(SECRET).ok_or_else(|| {
            SourceError::Unauthorized(format!(
                "secret {SECRET} is not available: declare it in plugins.toml (secrets = [\"{SECRET}\"]) and set it to $(printf '%s:' \"$KEY\" | base64)"
            ))
        })?;
        let base = settings::base_url(config::get("base_url"), "https://www.reed.co.uk");
        let location = query
            .location
            .clone()
            .or_else(|| config::get("location"))
            .unwrap_or_default();
        let url = format!(
            "{base}/api/1.0/search?keywords={}&locationName={}&resultsToTake={}",
            settings::encode_component(&query.keywords),
            settings::encode_component(&location),
            query.limit.clamp(1, 100)
        );
        let answer = fetch::fetch_json(&Request {
            method: Method::Get,
            url,
            headers: vec![("accept".to_string(), "application/json".to_string())],
            secret_headers: vec![SecretHeader {
                name: "authorization".to_string(),
                secret: handle,
                prefix: "Basic ".to_string(),
            }],
            body: None,
        })?;
        let mut postings =
            parse::postings(&answer).map_err(|error| response::bad_json("reed", error))?;
        postings.truncate(query.limit as usize);
        Ok(postings)
    }
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_source!(Reed);
