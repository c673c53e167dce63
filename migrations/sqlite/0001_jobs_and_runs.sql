-- Jobs and scrape runs, in the exact shape the earlier backend's SQLite store wrote,
-- so that one of its databases is adopted unchanged.

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
    remote_type TEXT,
    employment_types TEXT,      -- JSON array
    salary_min REAL,
    salary_max REAL,
    salary_currency TEXT,
    job_url TEXT,
    job_url_canonical TEXT,
    apply_url TEXT,
    description_text TEXT,
    emails TEXT,                -- JSON array
    company_website TEXT,
    linkedin_url TEXT,
    twitter_url TEXT,
    facebook_url TEXT,
    instagram_url TEXT,
    youtube_url TEXT,
    other_urls TEXT,            -- JSON array
    tags TEXT,                  -- JSON array
    founder TEXT,
    posted_at TEXT,             -- ISO-8601 UTC
    expires_at TEXT,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    raw_data TEXT,              -- JSON
    relevance_score REAL,
    relevance_reasons TEXT,
    ai_score REAL,
    ai_reasons TEXT,
    ai_remote_type TEXT,
    ai_employment_types TEXT,   -- JSON array
    ai_seniority TEXT,
    ai_confidence REAL,
    ai_summary TEXT,
    ai_requirements TEXT,
    ai_tech_stack TEXT,
    ai_company_domain TEXT,
    ai_company_summary TEXT,
    ai_flags TEXT               -- JSON array
);

CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    jobs_collected INTEGER DEFAULT 0,
    jobs_new INTEGER DEFAULT 0,
    jobs_updated INTEGER DEFAULT 0,
    jobs_filtered INTEGER DEFAULT 0,
    errors INTEGER DEFAULT 0,
    sources TEXT,
    criteria TEXT               -- JSON {query, location, use_ai}
);

-- The earlier backend's indexes (kept by name so an adopted database is not duplicated).
CREATE INDEX IF NOT EXISTS idx_jobs_source ON jobs(source);
CREATE INDEX IF NOT EXISTS idx_jobs_relevance_score ON jobs(relevance_score);
CREATE INDEX IF NOT EXISTS idx_jobs_ai_score ON jobs(ai_score);
CREATE INDEX IF NOT EXISTS idx_jobs_company ON jobs(company_normalized);
CREATE INDEX IF NOT EXISTS idx_jobs_posted ON jobs(posted_at);
CREATE INDEX IF NOT EXISTS idx_jobs_first_seen ON jobs(first_seen_at);
CREATE INDEX IF NOT EXISTS idx_jobs_job_url ON jobs(job_url_canonical);

-- Indexes that match the list endpoint's sort orders exactly, so a page is read
-- in index order instead of sorting the whole table. (SQLite sorts NULL lowest,
-- so DESC already puts missing dates last.)
-- `job_id` ends each one because it ends each ORDER BY (a stable order across pages).
CREATE INDEX IF NOT EXISTS idx_jobs_sort_relevance
    ON jobs(coalesce(relevance_score, 0) DESC, posted_at DESC, first_seen_at DESC, job_id);
CREATE INDEX IF NOT EXISTS idx_jobs_sort_ai
    ON jobs(coalesce(ai_score, 0) DESC, posted_at DESC, first_seen_at DESC, job_id);
CREATE INDEX IF NOT EXISTS idx_jobs_sort_posted ON jobs(posted_at DESC, first_seen_at DESC, job_id);
CREATE INDEX IF NOT EXISTS idx_jobs_sort_first_seen ON jobs(first_seen_at DESC, job_id);
CREATE INDEX IF NOT EXISTS idx_jobs_remote_type ON jobs(remote_type);
