-- Full-text search for `GET /api/v1/jobs?q=`: a stored `simple` tsvector of title,
-- company and description with a GIN index. Stored (not an expression index) so that
-- rechecks and ranking read the vector instead of re-parsing 2 KB descriptions.

ALTER TABLE jobs ADD COLUMN IF NOT EXISTS search_vector tsvector
    GENERATED ALWAYS AS (
        to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(company, '') || ' ' || coalesce(description_text, ''))
    ) STORED;

CREATE INDEX IF NOT EXISTS idx_jobs_search_vector ON jobs USING gin (search_vector);
