//! Bindings for `wit/since_v0.2.0` (package `jobscout:plugin@0.2.0`), the newest
//! contract: the rest of the runtime talks to these types only. 0.2.0 is 0.1.0
//! plus the `ai` import.

use semver::Version;

/// Plugins whose SDK wrote a version in this range load through this module.
pub const MIN_VERSION: Version = Version::new(0, 2, 0);
pub const MAX_VERSION: Version = Version::new(0, 2, u64::MAX);

pub mod source {
    wasmtime::component::bindgen!({
        world: "job-source",
        path: "../wit/since_v0.2.0",
        imports: { default: async },
        exports: { default: async },
    });
}

pub mod processor {
    wasmtime::component::bindgen!({
        world: "processor",
        path: "../wit/since_v0.2.0",
        imports: { default: async },
        exports: { default: async },
        // The shared interfaces are generated once, in `source`, so one set of
        // host implementations serves both worlds.
        with: {
            "jobscout:plugin/types@0.2.0": super::source::jobscout::plugin::types,
            "jobscout:plugin/http@0.2.0": super::source::jobscout::plugin::http,
            "jobscout:plugin/log@0.2.0": super::source::jobscout::plugin::log,
            "jobscout:plugin/config@0.2.0": super::source::jobscout::plugin::config,
            "jobscout:plugin/secrets@0.2.0": super::source::jobscout::plugin::secrets,
            "jobscout:plugin/ai@0.2.0": super::source::jobscout::plugin::ai,
        },
    });
}

pub use source::jobscout::plugin::{ai, config, http, log, secrets, types};
