//! Write JobScout plugins in Rust.
//!
//! A job source implements [`Source`] and calls [`register_source!`]; a processor
//! implements [`Processor`] and calls [`register_processor!`]. The crate must be a
//! `cdylib` built for `wasm32-wasip2`. Everything the host offers (outbound HTTP,
//! logging, the plugin's config table, secret handles and, where plugins.toml
//! grants it, the host's AI provider) is in the modules below.
//!
//! The wit-bindgen output stays in the hidden `__bindings` module so that the
//! public surface can stay stable while the WIT grows.

// The generated export macros name this crate by path, also from inside it.
extern crate self as jobscout_plugin_sdk;

/// The WIT package version this SDK targets. The register macros write it into
/// the `jobscout:plugin-version` custom section, which the host reads before compiling.
pub const WIT_VERSION: &str = "0.2.0";

#[doc(hidden)]
pub mod __bindings {
    pub use wit_bindgen;

    pub mod source_world {
        wit_bindgen::generate!({
            world: "job-source",
            path: "../../wit/since_v0.2.0",
            // Exports are only described by the export! macro, so a crate that
            // registers a source does not also claim the processor exports.
            pub_export_macro: true,
            runtime_path: "jobscout_plugin_sdk::__bindings::wit_bindgen::rt",
        });
    }

    pub mod processor_world {
        wit_bindgen::generate!({
            world: "processor",
            path: "../../wit/since_v0.2.0",
            pub_export_macro: true,
            runtime_path: "jobscout_plugin_sdk::__bindings::wit_bindgen::rt",
            with: {
                "jobscout:plugin/types@0.2.0": crate::__bindings::source_world::jobscout::plugin::types,
                "jobscout:plugin/http@0.2.0": crate::__bindings::source_world::jobscout::plugin::http,
                "jobscout:plugin/log@0.2.0": crate::__bindings::source_world::jobscout::plugin::log,
                "jobscout:plugin/config@0.2.0": crate::__bindings::source_world::jobscout::plugin::config,
                "jobscout:plugin/secrets@0.2.0": crate::__bindings::source_world::jobscout::plugin::secrets,
                "jobscout:plugin/ai@0.2.0": crate::__bindings::source_world::jobscout::plugin::ai,
            },
        });
    }
}

pub use __bindings::source_world::jobscout::plugin::types::{
    Blob, EmploymentType, JobPosting, JobQuery, Payload, ProcessorError, ProcessorMetadata,
    QueryFeature, Salary, SalaryPeriod, SourceError, SourceMetadata, WorkMode,
};

/// A job board or ATS.
pub trait Source {
    /// Who the source is and which query features it honours.
    fn metadata() -> SourceMetadata;

    /// One page of postings for `query`.
    fn search(query: JobQuery) -> Result<Vec<JobPosting>, SourceError> {
        let _ = query;
        Err(SourceError::Internal(
            "search is not implemented by this plugin".to_string(),
        ))
    }
}

/// An Apply-Workspace processor.
pub trait Processor {
    fn metadata() -> ProcessorMetadata;

    fn process(input: Payload) -> Result<Payload, ProcessorError> {
        let _ = input;
        Err(ProcessorError::Internal(
            "process is not implemented by this plugin".to_string(),
        ))
    }
}

pub mod parse;

/// Outbound HTTP through the host. Only hosts listed in the plugin's
/// `allowed_hosts` are reachable; the host enforces every limit.
pub mod http {
    pub use crate::__bindings::source_world::jobscout::plugin::http::{
        FetchError, Method, Request, Response, SecretHeader,
    };

    /// Sends `request` through the host.
    pub fn fetch(request: &Request) -> Result<Response, FetchError> {
        crate::__bindings::source_world::jobscout::plugin::http::fetch(request)
    }

    /// A plain GET.
    pub fn get(url: &str) -> Result<Response, FetchError> {
        fetch(&Request {
            method: Method::Get,
            url: url.to_string(),
            headers: Vec::new(),
            secret_headers: Vec::new(),
            body: None,
        })
    }
}

/// Typed fetches through the host: a GET (or any [`http::Request`]) and its
/// body as JSON, text, HTML or a feed, in one call.
///
/// Every helper fails with a [`SourceError`] a source can return as it is:
///
/// - the host refused or could not complete the fetch: `denied`, `network`
///   (also a timeout), `bad-response` (over the size limit), see
///   [`parse::response::fetch_error`];
/// - a status other than 2xx: `rate-limited` for 429 (and 503 with
///   `Retry-After`), `unauthorized` for 401/403, else `bad-response`
///   (`HTTP 404 from <url>`), see [`parse::response::check_status`];
/// - a body that does not decode: `bad-response` naming the URL (for JSON also
///   the field path, line and column).
///
/// The decoding is done by the pure `parse::response::decode_*` functions, which
/// a source's unit tests call on recorded bytes.
///
/// ```no_run
/// use jobscout_plugin_sdk::{fetch, SourceError};
///
/// #[derive(serde::Deserialize)]
/// struct Board {
///     jobs: Vec<Job>,
/// }
///
/// #[derive(serde::Deserialize)]
/// struct Job {
///     id: u64,
///     title: String,
/// }
///
/// fn titles() -> Result<Vec<String>, SourceError> {
///     let board: Board = fetch::get_json("https://jobs.example.com/api/jobs")?;
///     Ok(board.jobs.into_iter().map(|job| job.title).collect())
/// }
/// ```
pub mod fetch {
    use serde::de::DeserializeOwned;

    use crate::http::Request;
    use crate::parse::feed::Feed;
    use crate::parse::response::{self, get_request};
    use crate::SourceError;

    /// GETs `url` (`Accept: application/json`) and decodes the body as `T`
    /// ([`response::decode_json`]); `serde_json::Value` takes any JSON.
    pub fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, SourceError> {
        fetch_json(&get_request(url, "application/json"))
    }

    /// Sends `request` as it is (method, headers, secret headers, body) and
    /// decodes the answer as `T` like [`get_json`].
    pub fn fetch_json<T: DeserializeOwned>(request: &Request) -> Result<T, SourceError> {
        let answer = response::fetch(request)?;
        response::decode_json(&answer.body, &answer.headers, &request.url)
    }

    /// GETs `url` and decodes the body to text: charset from a byte-order mark or
    /// the Content-Type, else UTF-8, else Windows-1252 ([`response::decode_text`]).
    pub fn get_text(url: &str) -> Result<String, SourceError> {
        let answer = response::fetch(&get_request(url, "text/plain, */*;q=0.5"))?;
        Ok(response::decode_text(&answer.body, &answer.headers))
    }

    /// GETs the page at `url` (`Accept: text/html`) and decodes it like
    /// [`get_text`], also reading a `<meta charset>` ([`response::decode_html`]).
    pub fn get_html(url: &str) -> Result<String, SourceError> {
        let answer = response::fetch(&get_request(url, "text/html"))?;
        Ok(response::decode_html(&answer.body, &answer.headers))
    }

    /// GETs the RSS 2.0, RSS 1.0 (RDF) or Atom feed at `url` and parses it
    /// ([`response::decode_feed`], [`crate::parse::feed`]).
    pub fn get_feed(url: &str) -> Result<Feed, SourceError> {
        let answer = response::fetch(&get_request(
            url,
            "application/rss+xml, application/atom+xml, application/xml, text/xml",
        ))?;
        response::decode_feed(&answer.body, &answer.headers, url)
    }
}

/// Log lines appear in the host's log under the plugin's id.
pub mod log {
    use crate::__bindings::source_world::jobscout::plugin::log::{log, Level};

    pub fn debug(message: &str) {
        log(Level::Debug, message);
    }
    pub fn info(message: &str) {
        log(Level::Info, message);
    }
    pub fn warn(message: &str) {
        log(Level::Warn, message);
    }
    pub fn error(message: &str) {
        log(Level::Error, message);
    }
}

/// The plugin's `config` table from plugins.toml.
pub mod config {
    pub use crate::__bindings::source_world::jobscout::plugin::config::{all, get};
}

/// Secrets are handles: pass one in [`http::SecretHeader`] and the host writes
/// the value into the outgoing request. The plugin never sees the value.
pub mod secrets {
    /// A handle for the secret declared as `name`, if it is declared and set.
    pub fn handle(name: &str) -> Option<u32> {
        crate::__bindings::source_world::jobscout::plugin::secrets::handle(name)
    }
}

/// The host's AI provider, for plugins whose plugins.toml entry has an
/// `[plugin.ai]` table (`chat = true`, `embeddings = true`, a daily token
/// budget). Without the grant every call fails with [`ai::AiError::NotGranted`].
/// The provider's key stays in the host.
///
/// Instructions go in [`ai::Message::system`]; text from users and job ads goes
/// in [`ai::Message::user`], never into the instructions.
///
/// ```no_run
/// use jobscout_plugin_sdk::ai;
///
/// #[derive(serde::Deserialize)]
/// struct Verdict {
///     remote: bool,
/// }
///
/// fn is_remote(ad: &str) -> Result<bool, ai::AiError> {
///     let schema = serde_json::json!({
///         "type": "object",
///         "properties": {"remote": {"type": "boolean"}},
///         "required": ["remote"],
///         "additionalProperties": false
///     });
///     let verdict: Verdict = ai::chat_json(
///         &[
///             ai::Message::system("Say whether the job ad offers fully remote work."),
///             ai::Message::user(ad),
///         ],
///         "verdict",
///         &schema,
///     )?;
///     Ok(verdict.remote)
/// }
/// ```
pub mod ai {
    use serde::de::DeserializeOwned;

    pub use crate::__bindings::source_world::jobscout::plugin::ai::{
        AiError, ChatRequest, ChatResponse, Embeddings, Message, Role, Usage,
    };

    impl Message {
        /// Instructions.
        pub fn system(content: impl Into<String>) -> Message {
            Message {
                role: Role::System,
                content: content.into(),
            }
        }

        /// Data: a resume, a job ad, a user's words.
        pub fn user(content: impl Into<String>) -> Message {
            Message {
                role: Role::User,
                content: content.into(),
            }
        }

        /// An earlier answer of the model, in a conversation.
        pub fn assistant(content: impl Into<String>) -> Message {
            Message {
                role: Role::Assistant,
                content: content.into(),
            }
        }
    }

    /// One chat completion as it is; the answer's `json` is JSON text.
    pub fn chat(request: &ChatRequest) -> Result<ChatResponse, AiError> {
        crate::__bindings::source_world::jobscout::plugin::ai::chat(request)
    }

    /// A chat answering in JSON of `schema`, read as `T` (an answer that does
    /// not read as `T` is [`AiError::InvalidResponse`]).
    pub fn chat_json<T: DeserializeOwned>(
        messages: &[Message],
        schema_name: &str,
        schema: &serde_json::Value,
    ) -> Result<T, AiError> {
        let response = chat(&ChatRequest {
            messages: messages.to_vec(),
            json_schema: schema.to_string(),
            schema_name: schema_name.to_string(),
            max_tokens: None,
            temperature: None,
        })?;
        serde_json::from_str(&response.json).map_err(|error| {
            AiError::InvalidResponse(format!("the answer does not match {schema_name}: {error}"))
        })
    }

    /// One vector per text, in order (up to 64 texts).
    pub fn embed(inputs: &[String]) -> Result<Embeddings, AiError> {
        crate::__bindings::source_world::jobscout::plugin::ai::embed(inputs)
    }
}

#[doc(hidden)]
#[macro_export]
macro_rules! __jobscout_version_section {
    () => {
        // Read by the host before compiling, to reject plugins built for another WIT major.
        #[cfg(target_arch = "wasm32")]
        #[unsafe(link_section = "jobscout:plugin-version")]
        #[used]
        static __JOBSCOUT_PLUGIN_VERSION: [u8; 5] = *b"0.2.0";
    };
}

/// Exports a [`Source`] implementation as the plugin's `job-source` world.
#[macro_export]
macro_rules! register_source {
    ($source:ty) => {
        #[doc(hidden)]
        pub struct __JobscoutSourceExport;

        impl $crate::__bindings::source_world::exports::jobscout::plugin::source::Guest for __JobscoutSourceExport {
            fn metadata() -> $crate::SourceMetadata {
                <$source as $crate::Source>::metadata()
            }
            fn search(query: $crate::JobQuery) -> ::core::result::Result<::std::vec::Vec<$crate::JobPosting>, $crate::SourceError> {
                <$source as $crate::Source>::search(query)
            }
        }

        $crate::__bindings::source_world::export!(__JobscoutSourceExport with_types_in $crate::__bindings::source_world);
        $crate::__jobscout_version_section!();
    };
}

/// Exports a [`Processor`] implementation as the plugin's `processor` world.
#[macro_export]
macro_rules! register_processor {
    ($processor:ty) => {
        #[doc(hidden)]
        pub struct __JobscoutProcessorExport;

        impl $crate::__bindings::processor_world::exports::jobscout::plugin::processing::Guest
            for __JobscoutProcessorExport
        {
            fn metadata() -> $crate::ProcessorMetadata {
                <$processor as $crate::Processor>::metadata()
            }
            fn process(input: $crate::Payload) -> ::core::result::Result<$crate::Payload, $crate::ProcessorError> {
                <$processor as $crate::Processor>::process(input)
            }
        }

        $crate::__bindings::processor_world::export!(__JobscoutProcessorExport with_types_in $crate::__bindings::processor_world);
        $crate::__jobscout_version_section!();
    };
}
