-- Users (provisioned on their first authenticated call), their profile, resume
-- versions and saved searches. Same logical schema as the PostgreSQL tables of the
-- earlier backend; ids are UUID text, JSON columns are JSON text, arrays are JSON
-- text arrays and timestamps ISO-8601 text, as elsewhere in this folder.

CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,               -- the Supabase user id
    email TEXT UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    plan TEXT NOT NULL DEFAULT 'free',
    subscription_id TEXT,
    paddle_customer_id TEXT,
    subscription_status TEXT,
    subscription_ends_at TEXT,
    referral_code TEXT,
    referred_by TEXT REFERENCES users(user_id),
    email_preferences TEXT NOT NULL DEFAULT '{"weekly_digest": true, "job_alerts": true, "marketing": true}'
);

CREATE INDEX IF NOT EXISTS idx_users_email ON users(email);
CREATE UNIQUE INDEX IF NOT EXISTS idx_users_referral_code ON users(referral_code) WHERE referral_code IS NOT NULL;

CREATE TABLE IF NOT EXISTS resume_versions (
    resume_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    resume_text TEXT NOT NULL,
    resume_hash TEXT NOT NULL,              -- SHA-256 hex of resume_text
    proof_points TEXT,
    extracted_skills TEXT,                  -- JSON
    extracted_seniority TEXT,
    extracted_bullets TEXT,                 -- JSON
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX IF NOT EXISTS idx_resume_versions_user_id ON resume_versions(user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_resume_versions_resume_hash ON resume_versions(resume_hash);

CREATE TABLE IF NOT EXISTS user_profiles (
    user_id TEXT PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
    headline TEXT,
    location TEXT,
    desired_roles TEXT,                     -- JSON array
    work_authorization TEXT,
    remote_preferences TEXT,
    salary_expectations TEXT,               -- JSON
    skills TEXT,                            -- JSON array
    education TEXT,                         -- JSON
    certifications TEXT,                    -- JSON array
    projects TEXT,                          -- JSON
    interests TEXT,                         -- JSON array
    links TEXT,                             -- JSON
    primary_resume_id TEXT REFERENCES resume_versions(resume_id) ON DELETE SET NULL,
    profile_hash TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX IF NOT EXISTS idx_user_profiles_updated_at ON user_profiles(updated_at DESC);
CREATE INDEX IF NOT EXISTS idx_user_profiles_primary_resume_id ON user_profiles(primary_resume_id);

CREATE TABLE IF NOT EXISTS saved_searches (
    search_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    name TEXT,
    query TEXT,
    filters TEXT NOT NULL DEFAULT '{}',     -- JSON object
    notify_frequency TEXT NOT NULL DEFAULT 'weekly',
    last_notified_at TEXT,
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX IF NOT EXISTS idx_saved_searches_user_id ON saved_searches(user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_saved_searches_active ON saved_searches(is_active) WHERE is_active = 1;
