//! JobScout's host: settings, storage, the HTTP API, the plugin runtime and scheduling.
//!
//! `main.rs` is a thin shell over this crate so that tests and tools reuse the same
//! building blocks. See `ARCHITECTURE.md` at the repository root for the map.

pub mod ai;
pub mod apply;
pub mod auth;
pub mod cli;
mod cli_plugin;
mod cli_scrape;
pub mod config;
pub mod http;
pub mod net;
pub mod pipeline;
pub mod plugins;
pub mod scheduler;
pub mod shutdown;
pub mod storage;
pub mod telemetry;
