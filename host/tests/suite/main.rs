//! The host's integration tests, in one test binary.
//!
//! Every file here was once a binary of its own; each linked the whole host
//! (wasmtime, sqlx, both engines) into some 250 MB, so 38 of them cost minutes of
//! linking and about 9 GB of disk (a CI run once ran out of it). Run one area with a module filter:
//! `cargo test -p jobscout-host --test suite reliability::` (or a single test by
//! its full name). Shared support lives in the `*_support` modules and `common`.

// Shared support.
mod ai_support;
mod apply_support;
mod common;
mod paddle_support;
mod plugins_support;
mod python_support;

// The public API and its edge.
mod api_jobs;
mod api_misc;
mod api_schema;
mod api_validation;
mod auth_logs;
mod auth_matrix;
mod auth_users;
mod http_connections;
mod startup;

// Storage and search.
mod profile_flows;
mod referrals_flows;
mod reliability;
mod saved_searches_flows;
mod search_plans;
mod storage_adoption;
mod storage_upsert;

// The scrape pipeline.
mod pipeline_run;
mod pipeline_triggers;

// The plugin runtime and the author kit.
mod plugin_cli_check;
mod plugin_cli_record;
mod plugin_cli_walkthrough;
mod plugins_admin;
mod plugins_ai;
mod plugins_egress;
mod plugins_hostile;
mod plugins_manifest_ui;
mod plugins_python_source;
mod plugins_reload;
mod plugins_runtime;
mod sources_fixture_server;
mod wit_frozen;

// The Apply Workspace, its processors and the AI provider.
mod ai_provider;
mod apply_documents;
mod apply_jobs;
mod apply_packs;
mod apply_quota;
mod apply_storage;
mod apply_tracker;
mod apply_trust;
mod apply_uploads;
mod billing_paddle;
mod processor_job_parse;
mod processor_resume_text;
mod processor_trust;
