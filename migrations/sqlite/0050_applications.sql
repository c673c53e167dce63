-- Apply Workspace: applications and their outcome feedback (reference §4.7). Same
-- logical schema as the PostgreSQL folder: ids are UUID text, JSON columns JSON
-- text, timestamps ISO-8601 text.

CREATE TABLE IF NOT EXISTS applications (
    application_id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
    apply_pack_id TEXT REFERENCES apply_packs(apply_pack_id) ON DELETE SET NULL,
    job_target_id TEXT REFERENCES job_targets(job_target_id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'applied'
        CHECK (status IN ('applied', 'interview', 'offer', 'rejected', 'withdrawn')),
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    interview_at TEXT,
    offer_at TEXT,
    rejected_at TEXT,
    notes TEXT,
    reminder_at TEXT,
    contact_email TEXT,
    contact_linkedin_url TEXT,
    contact_phone TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX IF NOT EXISTS idx_applications_user_applied ON applications(user_id, applied_at DESC);
CREATE INDEX IF NOT EXISTS idx_applications_reminder_at ON applications(reminder_at) WHERE reminder_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS application_feedback (
    feedback_id TEXT PRIMARY KEY,
    application_id TEXT REFERENCES applications(application_id) ON DELETE CASCADE,
    feedback_type TEXT NOT NULL
        CHECK (feedback_type IN ('rejection', 'shortlisted', 'offer', 'no_response', 'withdrawn')),
    raw_text TEXT,
    parsed_json TEXT,                       -- JSON
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX IF NOT EXISTS idx_application_feedback_application ON application_feedback(application_id, created_at DESC);
