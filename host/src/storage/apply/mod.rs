//! Apply-Workspace storage: job targets (owner-scoped), trust reports with the
//! apply-link cache, community feedback, apply packs (owner-scoped), and the
//! application tracker with its outcomes. Lists are `TEXT[]` on PostgreSQL and JSON text on
//! SQLite; JSON columns are JSONB / JSON text; timestamps `TIMESTAMPTZ` / ISO text.

pub mod applications;
pub mod feedback;
pub mod job_targets;
pub mod outcomes;
pub mod packs;
pub mod trust_reports;
