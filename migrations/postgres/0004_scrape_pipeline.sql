-- What the scrape pipeline records beyond the earlier schema: run status and
-- heartbeat (so a run cut short by a crash is marked at the next start), what the
-- filters dropped, each source's outcome per run, every sighting of a job, and the
-- salary period with a yearly figure.

ALTER TABLE runs ADD COLUMN IF NOT EXISTS status TEXT;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS heartbeat_at TIMESTAMPTZ;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS error TEXT;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS filter_counts JSONB;

ALTER TABLE jobs ADD COLUMN IF NOT EXISTS salary_period TEXT;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS salary_annual_min REAL;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS salary_annual_max REAL;

CREATE TABLE IF NOT EXISTS run_sources (
    run_id INT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    collected INT NOT NULL DEFAULT 0,
    kept INT NOT NULL DEFAULT 0,
    duration_ms INT NOT NULL DEFAULT 0,
    error TEXT,
    ignored_filters TEXT[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, source)
);

CREATE TABLE IF NOT EXISTS job_sightings (
    job_id TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (job_id, source, url)
);

CREATE INDEX IF NOT EXISTS idx_jobs_identity ON jobs(company_normalized, title_normalized);
