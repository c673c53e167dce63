//! Bindings for `wit/since_v0.1.0` (package `jobscout:plugin@0.1.0`), adapted to
//! [`latest`]: the one place that knows 0.1.0 exists.
//!
//! * `types` did not change, so the 0.1.0 worlds use the latest Rust types
//!   (`with`): postings, queries and payloads cross without conversion.
//! * `http`, `log`, `config` and `secrets` did not change either, but their
//!   instances are named `…@0.1.0`; the host implementations below convert and
//!   call the latest ones.
//! * 0.1.0 has no `ai` import, so a 0.1.0 plugin cannot reach the provider.

use semver::Version;

use super::latest;
use crate::plugins::state::CallState;

/// Plugins whose SDK wrote a version in this range load through this module.
pub const MIN_VERSION: Version = Version::new(0, 1, 0);
pub const MAX_VERSION: Version = Version::new(0, 1, u64::MAX);

pub mod source {
    wasmtime::component::bindgen!({
        world: "job-source",
        path: "../wit/since_v0.1.0",
        imports: { default: async },
        exports: { default: async },
        with: {
            "jobscout:plugin/types@0.1.0": crate::plugins::wit::latest::types,
        },
    });
}

pub mod processor {
    wasmtime::component::bindgen!({
        world: "processor",
        path: "../wit/since_v0.1.0",
        imports: { default: async },
        exports: { default: async },
        with: {
            "jobscout:plugin/types@0.1.0": crate::plugins::wit::latest::types,
            "jobscout:plugin/http@0.1.0": super::source::jobscout::plugin::http,
            "jobscout:plugin/log@0.1.0": super::source::jobscout::plugin::log,
            "jobscout:plugin/config@0.1.0": super::source::jobscout::plugin::config,
            "jobscout:plugin/secrets@0.1.0": super::source::jobscout::plugin::secrets,
        },
    });
}

use source::jobscout::plugin::{config, http, log, secrets};

/// Adds the 0.1.0 imports, served by the latest implementations, to `linker`.
pub fn add_to_linker(linker: &mut wasmtime::component::Linker<CallState>) -> wasmtime::Result<()> {
    type Data = wasmtime::component::HasSelf<CallState>;
    // `types` holds no functions, but a component imports it as an instance.
    linker.instance("jobscout:plugin/types@0.1.0")?;
    http::add_to_linker::<CallState, Data>(linker, |state| state)?;
    log::add_to_linker::<CallState, Data>(linker, |state| state)?;
    config::add_to_linker::<CallState, Data>(linker, |state| state)?;
    secrets::add_to_linker::<CallState, Data>(linker, |state| state)?;
    Ok(())
}

impl http::Host for CallState {
    async fn fetch(&mut self, request: http::Request) -> Result<http::Response, http::FetchError> {
        let request = latest::http::Request {
            method: match request.method {
                http::Method::Get => latest::http::Method::Get,
                http::Method::Head => latest::http::Method::Head,
                http::Method::Post => latest::http::Method::Post,
                http::Method::Put => latest::http::Method::Put,
                http::Method::Patch => latest::http::Method::Patch,
                http::Method::Delete => latest::http::Method::Delete,
            },
            url: request.url,
            headers: request.headers,
            secret_headers: request
                .secret_headers
                .into_iter()
                .map(|header| latest::http::SecretHeader {
                    name: header.name,
                    secret: header.secret,
                    prefix: header.prefix,
                })
                .collect(),
            body: request.body,
        };
        match latest::http::Host::fetch(self, request).await {
            Ok(response) => Ok(http::Response {
                status: response.status,
                headers: response.headers,
                body: response.body,
                final_url: response.final_url,
            }),
            Err(error) => Err(match error {
                latest::http::FetchError::Denied(message) => http::FetchError::Denied(message),
                latest::http::FetchError::Network(message) => http::FetchError::Network(message),
                latest::http::FetchError::Timeout => http::FetchError::Timeout,
                latest::http::FetchError::TooLarge(limit) => http::FetchError::TooLarge(limit),
                latest::http::FetchError::TooManyFetches(limit) => {
                    http::FetchError::TooManyFetches(limit)
                }
                latest::http::FetchError::InvalidRequest(message) => {
                    http::FetchError::InvalidRequest(message)
                }
            }),
        }
    }
}

impl log::Host for CallState {
    async fn log(&mut self, level: log::Level, message: String) {
        let level = match level {
            log::Level::Trace => latest::log::Level::Trace,
            log::Level::Debug => latest::log::Level::Debug,
            log::Level::Info => latest::log::Level::Info,
            log::Level::Warn => latest::log::Level::Warn,
            log::Level::Error => latest::log::Level::Error,
        };
        latest::log::Host::log(self, level, message).await;
    }
}

impl config::Host for CallState {
    async fn get(&mut self, key: String) -> Option<String> {
        latest::config::Host::get(self, key).await
    }

    async fn all(&mut self) -> Vec<(String, String)> {
        latest::config::Host::all(self).await
    }
}

impl secrets::Host for CallState {
    async fn handle(&mut self, name: String) -> Option<u32> {
        latest::secrets::Host::handle(self, name).await
    }
}
