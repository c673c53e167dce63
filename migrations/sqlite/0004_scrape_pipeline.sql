-- What the scrape pipeline records beyond the earlier schema: run status and
-- heartbeat (so a run cut short by a crash is marked at the next start), what the
-- filters dropped, each source's outcome per run, every sighting of a job, and the
-- salary period with a yearly figure.

ALTER TABLE runs ADD COLUMN status TEXT;          -- running | finished | failed | interrupted
ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
ALTER TABLE runs ADD COLUMN error TEXT;
ALTER TABLE runs ADD COLUMN filter_counts TEXT;   -- JSON {remote_only, location, employment}

ALTER TABLE jobs ADD COLUMN salary_period TEXT;   -- hour | day | week | month | year
ALTER TABLE jobs ADD COLUMN salary_annual_min REAL;
ALTER TABLE jobs ADD COLUMN salary_annual_max REAL;

CREATE TABLE IF NOT EXISTS run_sources (
    run_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,                         -- ok | failed | timeout
    collected INTEGER NOT NULL DEFAULT 0,         -- postings the source returned
    kept INTEGER NOT NULL DEFAULT 0,              -- after the run filters
    duration_ms INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    ignored_filters TEXT NOT NULL DEFAULT '[]',   -- JSON: query parts the source cannot apply
    PRIMARY KEY (run_id, source)
);

CREATE TABLE IF NOT EXISTS job_sightings (
    job_id TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (job_id, source, url)
);

CREATE INDEX IF NOT EXISTS idx_jobs_identity ON jobs(company_normalized, title_normalized);
