-- Users (provisioned on their first authenticated call), their profile, resume
-- versions and saved searches, as the earlier backend created them (`init_schema`),
-- so its databases are adopted as they are: tables and columns are only added when
-- missing. The earlier pgvector columns are not needed here and not created.

CREATE TABLE IF NOT EXISTS users (
    user_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email TEXT UNIQUE,
    created_at TIMESTAMPTZ DEFAULT now(),
    updated_at TIMESTAMPTZ DEFAULT now(),
    plan TEXT DEFAULT 'free',
    subscription_id TEXT,
    paddle_customer_id TEXT,
    subscription_status TEXT,
    subscription_ends_at TIMESTAMPTZ
);

ALTER TABLE users ADD COLUMN IF NOT EXISTS referral_code VARCHAR(32);
ALTER TABLE users ADD COLUMN IF NOT EXISTS referred_by UUID REFERENCES users(user_id);
ALTER TABLE users ADD COLUMN IF NOT EXISTS email_preferences JSONB
    DEFAULT '{"weekly_digest": true, "job_alerts": true, "marketing": true}'::jsonb;

CREATE INDEX IF NOT EXISTS idx_users_email ON users(email);
CREATE INDEX IF NOT EXISTS idx_users_subscription_id ON users(subscription_id);
CREATE UNIQUE INDEX IF NOT EXISTS idx_users_referral_code ON users(referral_code) WHERE referral_code IS NOT NULL;

CREATE TABLE IF NOT EXISTS resume_versions (
    resume_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES users(user_id) ON DELETE CASCADE,
    resume_text TEXT NOT NULL,
    resume_hash TEXT NOT NULL,
    proof_points TEXT,
    extracted_skills JSONB,
    extracted_seniority TEXT,
    extracted_bullets JSONB,
    created_at TIMESTAMPTZ DEFAULT now(),
    updated_at TIMESTAMPTZ DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_resume_versions_user_id ON resume_versions(user_id);
CREATE INDEX IF NOT EXISTS idx_resume_versions_resume_hash ON resume_versions(resume_hash);

CREATE TABLE IF NOT EXISTS user_profiles (
    user_id UUID PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
    headline TEXT,
    location TEXT,
    desired_roles TEXT[],
    work_authorization TEXT,
    remote_preferences TEXT,
    salary_expectations JSONB,
    skills TEXT[],
    education JSONB,
    certifications TEXT[],
    projects JSONB,
    interests TEXT[],
    links JSONB,
    primary_resume_id UUID REFERENCES resume_versions(resume_id) ON DELETE SET NULL,
    profile_hash TEXT,
    created_at TIMESTAMPTZ DEFAULT now(),
    updated_at TIMESTAMPTZ DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_user_profiles_updated_at ON user_profiles(updated_at DESC);
CREATE INDEX IF NOT EXISTS idx_user_profiles_primary_resume_id ON user_profiles(primary_resume_id);

CREATE TABLE IF NOT EXISTS saved_searches (
    search_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES users(user_id) ON DELETE CASCADE,
    name VARCHAR(255),
    query VARCHAR(500),
    filters JSONB DEFAULT '{}'::jsonb,
    notify_frequency VARCHAR(32) DEFAULT 'weekly',
    last_notified_at TIMESTAMPTZ,
    is_active BOOLEAN DEFAULT true,
    created_at TIMESTAMPTZ DEFAULT now(),
    updated_at TIMESTAMPTZ DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_saved_searches_user_id ON saved_searches(user_id);
CREATE INDEX IF NOT EXISTS idx_saved_searches_active ON saved_searches(is_active) WHERE is_active = true;
