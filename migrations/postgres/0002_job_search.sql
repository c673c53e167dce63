-- Full-text search for `GET /api/v1/jobs?q=`: a GIN index over the `simple`
-- tsvector of title, company and description. The list query repeats this exact
-- expression (see host/src/storage/jobs.rs) so the planner can use the index.

CREATE INDEX IF NOT EXISTS idx_jobs_search ON jobs USING gin (
    to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(company, '') || ' ' || coalesce(description_text, ''))
);
