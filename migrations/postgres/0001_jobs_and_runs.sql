-- Jobs and scrape runs, in the shape the earlier backend's Postgres schema used
-- (TEXT[] arrays, TIMESTAMPTZ, JSONB criteria), so one of its databases is adopted
-- unchanged. Its pgvector `embedding` columns are left alone where they exist and
-- not created here: JobScout does not need the vector extension.

CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    provider_id TEXT,
    source TEXT NOT NULL,
    source_url TEXT,
    title TEXT NOT NULL,
    title_normalized TEXT,
    company TEXT NOT NULL,
    company_normalized TEXT,
    location_raw TEXT,
    country TEXT,
    city TEXT,
    remote_type TEXT DEFAULT 'unknown',
    employment_types TEXT[] DEFAULT '{}',
    salary_min REAL,
    salary_max REAL,
    salary_currency TEXT,
    job_url TEXT,
    job_url_canonical TEXT,
    apply_url TEXT,
    description_text TEXT,
    emails TEXT[],
    company_website TEXT,
    linkedin_url TEXT,
    twitter_url TEXT,
    facebook_url TEXT,
    instagram_url TEXT,
    youtube_url TEXT,
    other_urls TEXT[],
    tags TEXT[],
    founder TEXT,
    posted_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    first_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ai_score REAL,
    ai_reasons TEXT,
    ai_remote_type TEXT,
    ai_employment_types TEXT[],
    ai_seniority TEXT,
    ai_confidence REAL,
    ai_summary TEXT,
    ai_requirements TEXT,
    ai_tech_stack TEXT,
    ai_company_domain TEXT,
    ai_company_summary TEXT,
    ai_flags TEXT[]
);

-- The earlier schema added these later with ADD COLUMN; older databases may lack them.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS relevance_score REAL;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS relevance_reasons TEXT;

CREATE TABLE IF NOT EXISTS runs (
    run_id SERIAL PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    jobs_collected INT DEFAULT 0,
    jobs_new INT DEFAULT 0,
    jobs_updated INT DEFAULT 0,
    jobs_filtered INT DEFAULT 0,
    errors INT DEFAULT 0,
    sources TEXT,
    criteria JSONB
);

CREATE INDEX IF NOT EXISTS idx_jobs_source ON jobs(source);
CREATE INDEX IF NOT EXISTS idx_jobs_company ON jobs(company_normalized);
CREATE INDEX IF NOT EXISTS idx_jobs_remote_type ON jobs(remote_type);
CREATE INDEX IF NOT EXISTS idx_jobs_job_url ON jobs(job_url_canonical);

-- Indexes matching the list endpoint's sort orders exactly (`job_id` last, as in
-- each ORDER BY, for a stable order across pages).
CREATE INDEX IF NOT EXISTS idx_jobs_sort_relevance
    ON jobs((coalesce(relevance_score, 0)) DESC, posted_at DESC NULLS LAST, first_seen_at DESC, job_id);
CREATE INDEX IF NOT EXISTS idx_jobs_sort_ai
    ON jobs((coalesce(ai_score, 0)) DESC, posted_at DESC NULLS LAST, first_seen_at DESC, job_id);
CREATE INDEX IF NOT EXISTS idx_jobs_sort_posted ON jobs(posted_at DESC NULLS LAST, first_seen_at DESC, job_id);
CREATE INDEX IF NOT EXISTS idx_jobs_sort_first_seen ON jobs(first_seen_at DESC, job_id);
