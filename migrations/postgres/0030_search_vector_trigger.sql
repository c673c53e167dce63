-- Faster job upserts.
--
-- `search_vector` was a generated column, recomputed (to_tsvector over ~2 KB of
-- text) on every upsert even when the text had not changed. It becomes a plain
-- column, kept by triggers: computed on insert, and on update only when title,
-- company or description changed. DROP EXPRESSION keeps every stored vector, so no
-- row is rewritten and the GIN index stays as it is (the search condition in
-- storage/job_filter.rs still reads it).

ALTER TABLE jobs ALTER COLUMN search_vector DROP EXPRESSION IF EXISTS;

CREATE OR REPLACE FUNCTION jobs_search_vector_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := to_tsvector('simple',
        coalesce(NEW.title, '') || ' ' || coalesce(NEW.company, '') || ' ' || coalesce(NEW.description_text, ''));
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS jobs_search_vector_insert ON jobs;
CREATE TRIGGER jobs_search_vector_insert
    BEFORE INSERT ON jobs
    FOR EACH ROW EXECUTE FUNCTION jobs_search_vector_refresh();

DROP TRIGGER IF EXISTS jobs_search_vector_update ON jobs;
CREATE TRIGGER jobs_search_vector_update
    BEFORE UPDATE OF title, company, description_text ON jobs
    FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title
       OR OLD.company IS DISTINCT FROM NEW.company
       OR OLD.description_text IS DISTINCT FROM NEW.description_text)
    EXECUTE FUNCTION jobs_search_vector_refresh();

-- Room on each page for a new row version, so that a job seen again (only
-- last_seen_at moves) is updated in place (a HOT update) instead of writing an
-- entry into every index, the GIN index's ~150 included. Applies to pages written
-- from now on; no row is rewritten.
ALTER TABLE jobs SET (fillfactor = 80);

-- Indexes that no query reads (checked with EXPLAIN over the list, count, stats and
-- dedupe queries), each costing every insert:
-- * idx_jobs_company: company_normalized lookups use idx_jobs_identity (same first column).
-- * the earlier backend's idx_jobs_fts (an 'english' expression index that the
--   'simple' search never matches), idx_jobs_relevance (sorts read
--   coalesce(relevance_score, 0) from idx_jobs_sort_relevance) and
--   idx_jobs_posted_at (idx_jobs_sort_posted starts with posted_at), where an
--   adopted database has them.
DROP INDEX IF EXISTS idx_jobs_company;
DROP INDEX IF EXISTS idx_jobs_fts;
DROP INDEX IF EXISTS idx_jobs_relevance;
DROP INDEX IF EXISTS idx_jobs_posted_at;
