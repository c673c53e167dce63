//! A source built against `wit/since_v0.1.0`, the way the 0.1 SDK built every
//! plugin: wit-bindgen on the frozen folder and the `jobscout:plugin-version`
//! section saying 0.1.0. The host must keep loading it beside 0.2.0 plugins and
//! serve its imports through the 0.1.0 adapter:
//!
//! - `fetch <url>`: GET through the host (the 0.1.0 `http` import), with the
//!   secret `LEGACY_TOKEN` as a bearer header when declared;
//! - anything else: one posting titled after the keywords, its `extra` the
//!   config table (the 0.1.0 `config` import), after a log line (`log`).
//!
//! Built for `wasm32-wasip2` only: natively (the workspace's tests) it is empty.
#![cfg(target_arch = "wasm32")]

wit_bindgen::generate!({
    world: "job-source",
    path: "../../../wit/since_v0.1.0",
});

use exports::jobscout::plugin::source::Guest;
use jobscout::plugin::types::{
    EmploymentType, JobPosting, JobQuery, QueryFeature, SourceError, SourceMetadata, WorkMode,
};
use jobscout::plugin::{config, http, log, secrets};

struct Legacy;

fn posting(title: String, extra: Vec<(String, String)>) -> JobPosting {
    JobPosting {
        source_id: "legacy-1".to_string(),
        title,
        company: "Legacy Corp".to_string(),
        locations: Vec::new(),
        work_mode: WorkMode::Remote,
        employment_types: vec![EmploymentType::Contract],
        salary: None,
        listing_url: "https://legacy.example/jobs/1".to_string(),
        apply_url: None,
        description_html: None,
        description_text: None,
        posted_at: None,
        expires_at: None,
        tags: Vec::new(),
        extra,
    }
}

impl Guest for Legacy {
    fn metadata() -> SourceMetadata {
        SourceMetadata {
            id: "legacy".to_string(),
            version: "0.1.9".to_string(),
            description: "A plugin built for jobscout:plugin@0.1.0".to_string(),
            features: vec![QueryFeature::Keywords],
        }
    }

    fn search(query: JobQuery) -> Result<Vec<JobPosting>, SourceError> {
        if let Some(url) = query.keywords.strip_prefix("fetch ") {
            let secret_headers = secrets::handle("LEGACY_TOKEN")
                .map(|secret| http::SecretHeader {
                    name: "authorization".to_string(),
                    secret,
                    prefix: "Bearer ".to_string(),
                })
                .into_iter()
                .collect();
            let response = http::fetch(&http::Request {
                method: http::Method::Get,
                url: url.to_string(),
                headers: Vec::new(),
                secret_headers,
                body: None,
            })
            .map_err(|error| SourceError::Network(format!("{error:?}")))?;
            let body = String::from_utf8_lossy(&response.body).into_owned();
            return Ok(vec![posting(
                format!("HTTP {}", response.status),
                vec![("body".to_string(), body)],
            )]);
        }
        log::log(
            log::Level::Info,
            &format!("legacy search for {}", query.keywords),
        );
        Ok(vec![posting(query.keywords, config::all())])
    }
}

export!(Legacy);

// What the 0.1 SDK's register macros wrote.
#[unsafe(link_section = "jobscout:plugin-version")]
#[used]
static JOBSCOUT_PLUGIN_VERSION: [u8; 5] = *b"0.1.0";
