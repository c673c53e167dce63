-- Apply Workspace, part 1: job targets (jobs a user parsed or imported), trust
-- reports and the community feedback on them.
--
-- The earlier backend created these tables itself (`apply_schema.sql` and its
-- follow-ups), so an adopted database may already hold them with rows: tables are
-- created only when missing, and every column this version reads is added when
-- missing. No existing row or column is changed, except that the new
-- `employment_types` list is filled once from the earlier comma-joined text.

CREATE TABLE IF NOT EXISTS job_targets (
    job_target_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES users(user_id) ON DELETE SET NULL,
    job_url TEXT,
    job_text TEXT,
    job_hash TEXT NOT NULL,
    extracted_json JSONB,
    title TEXT,
    company TEXT,
    location TEXT,
    remote_type TEXT,
    -- The earlier backend's comma-joined list (a quirk); kept for adopted rows,
    -- no longer written. `employment_types` below is the list.
    employment_type TEXT,
    salary_min REAL,
    salary_max REAL,
    salary_currency TEXT,
    description_text TEXT,
    requirements TEXT[],
    keywords TEXT[],
    must_haves TEXT[],
    role_rubric TEXT,
    html TEXT,
    created_at TIMESTAMPTZ DEFAULT now(),
    updated_at TIMESTAMPTZ DEFAULT now()
);

-- Columns added by the earlier backend's later migrations, and the new ones.
ALTER TABLE job_targets ADD COLUMN IF NOT EXISTS extracted_json JSONB;
ALTER TABLE job_targets ADD COLUMN IF NOT EXISTS requirements TEXT[];
ALTER TABLE job_targets ADD COLUMN IF NOT EXISTS keywords TEXT[];
ALTER TABLE job_targets ADD COLUMN IF NOT EXISTS must_haves TEXT[];
ALTER TABLE job_targets ADD COLUMN IF NOT EXISTS role_rubric TEXT;
ALTER TABLE job_targets ADD COLUMN IF NOT EXISTS html TEXT;
ALTER TABLE job_targets ADD COLUMN IF NOT EXISTS employment_types TEXT[];
ALTER TABLE job_targets ADD COLUMN IF NOT EXISTS posted_at TIMESTAMPTZ;
ALTER TABLE job_targets ADD COLUMN IF NOT EXISTS valid_through TIMESTAMPTZ;

-- Adopted rows: the earlier comma-joined text becomes the list (once: only rows
-- whose list is still unset).
UPDATE job_targets
SET employment_types = ARRAY(
    SELECT btrim(part) FROM unnest(string_to_array(employment_type, ',')) AS part
    WHERE btrim(part) <> ''
)
WHERE employment_types IS NULL AND employment_type IS NOT NULL;

CREATE INDEX IF NOT EXISTS idx_job_targets_user_id ON job_targets(user_id);
CREATE INDEX IF NOT EXISTS idx_job_targets_job_hash ON job_targets(job_hash);
CREATE INDEX IF NOT EXISTS idx_job_targets_job_url ON job_targets(job_url);
-- The parse cache is looked up per user and hash.
CREATE INDEX IF NOT EXISTS idx_job_targets_user_hash ON job_targets(user_id, job_hash, created_at DESC);

CREATE TABLE IF NOT EXISTS trust_reports (
    trust_report_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_target_id UUID NOT NULL REFERENCES job_targets(job_target_id) ON DELETE CASCADE,
    scam_risk TEXT CHECK (scam_risk IN ('low', 'medium', 'high')),
    scam_reasons TEXT[],
    scam_score INTEGER,
    ghost_likelihood TEXT CHECK (ghost_likelihood IN ('low', 'medium', 'high')),
    ghost_reasons TEXT[],
    ghost_score INTEGER,
    staleness_score INTEGER,
    staleness_reasons TEXT[],
    domain TEXT,
    extracted_emails TEXT[],
    extracted_phones TEXT[],
    apply_link_status TEXT,
    domain_consistency_reasons TEXT[],
    trust_score INTEGER,
    created_at TIMESTAMPTZ DEFAULT now()
);

ALTER TABLE trust_reports ADD COLUMN IF NOT EXISTS staleness_score INTEGER;
ALTER TABLE trust_reports ADD COLUMN IF NOT EXISTS staleness_reasons TEXT[];
ALTER TABLE trust_reports ADD COLUMN IF NOT EXISTS apply_link_status TEXT;
ALTER TABLE trust_reports ADD COLUMN IF NOT EXISTS domain_consistency_reasons TEXT[];
-- The apply-link cache: what the last check found and when.
ALTER TABLE trust_reports ADD COLUMN IF NOT EXISTS apply_link_final_url TEXT;
ALTER TABLE trust_reports ADD COLUMN IF NOT EXISTS apply_link_redirects INTEGER;
ALTER TABLE trust_reports ADD COLUMN IF NOT EXISTS apply_link_http_status INTEGER;
ALTER TABLE trust_reports ADD COLUMN IF NOT EXISTS apply_link_login_required BOOLEAN;
ALTER TABLE trust_reports ADD COLUMN IF NOT EXISTS apply_link_checked_at TIMESTAMPTZ;
-- The whole report as the trust processor returned it.
ALTER TABLE trust_reports ADD COLUMN IF NOT EXISTS report_json JSONB;

CREATE INDEX IF NOT EXISTS idx_trust_reports_job_target_id ON trust_reports(job_target_id);
CREATE INDEX IF NOT EXISTS idx_trust_reports_trust_score ON trust_reports(trust_score DESC);
CREATE INDEX IF NOT EXISTS idx_trust_reports_target_created ON trust_reports(job_target_id, created_at DESC);

CREATE TABLE IF NOT EXISTS trust_report_feedback (
    feedback_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_target_id UUID REFERENCES job_targets(job_target_id) ON DELETE CASCADE,
    user_id UUID REFERENCES users(user_id) ON DELETE SET NULL,
    feedback_kind TEXT NOT NULL CHECK (feedback_kind IN ('report', 'accuracy')),
    dimension TEXT NOT NULL DEFAULT 'overall'
        CHECK (dimension IN ('overall', 'scam', 'ghost', 'staleness', 'link')),
    value TEXT,
    comment TEXT,
    created_at TIMESTAMPTZ DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_trust_report_feedback_job_target_id ON trust_report_feedback(job_target_id);
CREATE INDEX IF NOT EXISTS idx_trust_report_feedback_user_id ON trust_report_feedback(user_id);
