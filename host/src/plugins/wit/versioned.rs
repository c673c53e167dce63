//! One component, whichever `jobscout:plugin` version it was built for: links
//! every supported version's imports, tells from a component's exports which
//! version it speaks, and calls it through that version's bindings. Every
//! version shares the latest `types`, so calls return the latest types.

use wasmtime::component::{Component, HasSelf, InstancePre, Linker};
use wasmtime::{Engine, Store};

use super::{latest, since_v0_1_0};
use crate::plugins::state::CallState;
use latest::types::{
    JobPosting, JobQuery, Payload, ProcessorError, ProcessorMetadata, SourceError, SourceMetadata,
};

/// The `jobscout:plugin` minor a component was built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorldVersion {
    V0_1,
    V0_2,
}

impl WorldVersion {
    /// The version of [`latest`].
    pub const LATEST: WorldVersion = WorldVersion::V0_2;

    /// The version of the `jobscout:plugin/source` or `…/processing` interface the
    /// component exports (`None` when it exports neither, or an unknown version).
    pub fn of(component: &Component, engine: &Engine) -> Option<WorldVersion> {
        component
            .component_type()
            .exports(engine)
            .find_map(|(name, _)| {
                let (interface, version) = name.split_once('@')?;
                if interface != "jobscout:plugin/source"
                    && interface != "jobscout:plugin/processing"
                {
                    return None;
                }
                let version = semver::Version::parse(version).ok()?;
                match (version.major, version.minor) {
                    (0, 1) => Some(WorldVersion::V0_1),
                    (0, 2) => Some(WorldVersion::V0_2),
                    _ => None,
                }
            })
    }

    /// The version as the admin API shows it (the SDK's section is more precise
    /// when present).
    pub fn as_str(self) -> &'static str {
        match self {
            WorldVersion::V0_1 => "0.1.0",
            WorldVersion::V0_2 => "0.2.0",
        }
    }
}

/// Adds the imports of every supported version to `linker`.
pub fn add_to_linker(linker: &mut Linker<CallState>) -> wasmtime::Result<()> {
    // One set of host implementations serves both worlds of a version: the
    // processor bindings reuse the source bindings' interfaces.
    latest::source::JobSource::add_to_linker::<CallState, HasSelf<CallState>>(linker, |state| {
        state
    })?;
    since_v0_1_0::add_to_linker(linker)
}

/// Runs `$body` with `$pre` bound to the bindings of whichever version `$value`
/// holds: each version's bindings are their own types, with the same methods.
macro_rules! on_version {
    ($value:expr, $kind:ident, $pre:ident => $body:expr) => {
        match $value {
            $kind::V0_1($pre) => $body,
            $kind::V0_2($pre) => $body,
        }
    };
}

/// A source, pre-linked for the version it was built for.
pub enum SourcePre {
    V0_1(since_v0_1_0::source::JobSourcePre<CallState>),
    V0_2(latest::source::JobSourcePre<CallState>),
}

impl SourcePre {
    /// Type-checks `instance` as the `job-source` world of `version`.
    pub fn new(instance: InstancePre<CallState>, version: WorldVersion) -> wasmtime::Result<Self> {
        Ok(match version {
            WorldVersion::V0_1 => {
                SourcePre::V0_1(since_v0_1_0::source::JobSourcePre::new(instance)?)
            }
            WorldVersion::V0_2 => SourcePre::V0_2(latest::source::JobSourcePre::new(instance)?),
        })
    }

    pub async fn metadata(&self, store: &mut Store<CallState>) -> wasmtime::Result<SourceMetadata> {
        on_version!(self, SourcePre, pre => {
            let bindings = pre.instantiate_async(&mut *store).await?;
            bindings.jobscout_plugin_source().call_metadata(store).await
        })
    }

    pub async fn search(
        &self,
        store: &mut Store<CallState>,
        query: &JobQuery,
    ) -> wasmtime::Result<Result<Vec<JobPosting>, SourceError>> {
        on_version!(self, SourcePre, pre => {
            let bindings = pre.instantiate_async(&mut *store).await?;
            bindings.jobscout_plugin_source().call_search(store, query).await
        })
    }
}

/// A processor, pre-linked for the version it was built for.
pub enum ProcessorPre {
    V0_1(since_v0_1_0::processor::ProcessorPre<CallState>),
    V0_2(latest::processor::ProcessorPre<CallState>),
}

impl ProcessorPre {
    /// Type-checks `instance` as the `processor` world of `version`.
    pub fn new(instance: InstancePre<CallState>, version: WorldVersion) -> wasmtime::Result<Self> {
        Ok(match version {
            WorldVersion::V0_1 => {
                ProcessorPre::V0_1(since_v0_1_0::processor::ProcessorPre::new(instance)?)
            }
            WorldVersion::V0_2 => {
                ProcessorPre::V0_2(latest::processor::ProcessorPre::new(instance)?)
            }
        })
    }

    pub async fn metadata(
        &self,
        store: &mut Store<CallState>,
    ) -> wasmtime::Result<ProcessorMetadata> {
        on_version!(self, ProcessorPre, pre => {
            let bindings = pre.instantiate_async(&mut *store).await?;
            bindings.jobscout_plugin_processing().call_metadata(store).await
        })
    }

    pub async fn process(
        &self,
        store: &mut Store<CallState>,
        input: &Payload,
    ) -> wasmtime::Result<Result<Payload, ProcessorError>> {
        on_version!(self, ProcessorPre, pre => {
            let bindings = pre.instantiate_async(&mut *store).await?;
            bindings.jobscout_plugin_processing().call_process(store, input).await
        })
    }
}
