-- Apply Workspace, part 1: job targets (jobs a user parsed or imported), trust
-- reports and the community feedback on them. Same logical schema as the
-- PostgreSQL folder: ids are UUID text, lists are JSON text arrays, JSON columns
-- JSON text, timestamps ISO-8601 text.

CREATE TABLE IF NOT EXISTS job_targets (
    job_target_id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users(user_id) ON DELETE SET NULL,
    job_url TEXT,
    job_text TEXT,
    job_hash TEXT NOT NULL,                 -- SHA-256 hex of job_url + job_text
    extracted_json TEXT,                    -- JSON
    title TEXT,
    company TEXT,
    location TEXT,
    remote_type TEXT,
    employment_types TEXT,                  -- JSON array
    salary_min REAL,
    salary_max REAL,
    salary_currency TEXT,
    description_text TEXT,
    requirements TEXT,                      -- JSON array
    keywords TEXT,                          -- JSON array
    must_haves TEXT,                        -- JSON array
    role_rubric TEXT,
    html TEXT,                              -- the fetched page, truncated
    posted_at TEXT,
    valid_through TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX IF NOT EXISTS idx_job_targets_user_id ON job_targets(user_id);
CREATE INDEX IF NOT EXISTS idx_job_targets_job_url ON job_targets(job_url);
-- The parse cache is looked up per user and hash.
CREATE INDEX IF NOT EXISTS idx_job_targets_user_hash ON job_targets(user_id, job_hash, created_at DESC);

CREATE TABLE IF NOT EXISTS trust_reports (
    trust_report_id TEXT PRIMARY KEY,
    job_target_id TEXT NOT NULL REFERENCES job_targets(job_target_id) ON DELETE CASCADE,
    scam_risk TEXT CHECK (scam_risk IN ('low', 'medium', 'high')),
    scam_reasons TEXT,                      -- JSON array
    scam_score INTEGER,
    ghost_likelihood TEXT CHECK (ghost_likelihood IN ('low', 'medium', 'high')),
    ghost_reasons TEXT,                     -- JSON array
    ghost_score INTEGER,
    staleness_score INTEGER,
    staleness_reasons TEXT,                 -- JSON array
    domain TEXT,
    extracted_emails TEXT,                  -- JSON array
    extracted_phones TEXT,                  -- JSON array
    apply_link_status TEXT,
    domain_consistency_reasons TEXT,        -- JSON array
    trust_score INTEGER,
    apply_link_final_url TEXT,              -- the apply-link cache ...
    apply_link_redirects INTEGER,
    apply_link_http_status INTEGER,
    apply_link_login_required INTEGER,      -- 0/1
    apply_link_checked_at TEXT,             -- ... and when the link was checked
    report_json TEXT,                       -- the whole report (JSON)
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX IF NOT EXISTS idx_trust_reports_target_created ON trust_reports(job_target_id, created_at DESC);

CREATE TABLE IF NOT EXISTS trust_report_feedback (
    feedback_id TEXT PRIMARY KEY,
    job_target_id TEXT REFERENCES job_targets(job_target_id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users(user_id) ON DELETE SET NULL,
    feedback_kind TEXT NOT NULL CHECK (feedback_kind IN ('report', 'accuracy')),
    dimension TEXT NOT NULL DEFAULT 'overall'
        CHECK (dimension IN ('overall', 'scam', 'ghost', 'staleness', 'link')),
    value TEXT,
    comment TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX IF NOT EXISTS idx_trust_report_feedback_job_target_id ON trust_report_feedback(job_target_id);
CREATE INDEX IF NOT EXISTS idx_trust_report_feedback_user_id ON trust_report_feedback(user_id);
