-- The job upsert computes the search_vector of new rows whose text is plain ASCII
-- (host/src/storage/search_vector.rs, checked against to_tsvector by
-- host/tests/search_vector.rs), which costs microseconds instead of the ~100 µs
-- of to_tsvector. The insert trigger now computes only the vectors it was not
-- given. Updates are unchanged: a changed title, company or description is always
-- re-read by to_tsvector (trigger jobs_search_vector_update of 0030).

DROP TRIGGER IF EXISTS jobs_search_vector_insert ON jobs;
CREATE TRIGGER jobs_search_vector_insert
    BEFORE INSERT ON jobs
    FOR EACH ROW
    WHEN (NEW.search_vector IS NULL)
    EXECUTE FUNCTION jobs_search_vector_refresh();
