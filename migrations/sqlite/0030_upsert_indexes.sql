-- Faster job upserts: indexes that no query reads are dropped, since each one costs
-- every insert (and every update of its columns) a B-tree write.
--
-- Checked with EXPLAIN QUERY PLAN over every query on `jobs` (list, count, stats,
-- the dedupe identity lookups):
-- * idx_jobs_relevance_score: sorts read coalesce(relevance_score, 0) from
--   idx_jobs_sort_relevance; nothing filters on the bare column.
-- * idx_jobs_company: company_normalized lookups use idx_jobs_identity, whose
--   first column it is.
-- * idx_jobs_posted: posted_at ranges use idx_jobs_sort_posted (posted_at first).
-- * idx_jobs_first_seen: first_seen_at ranges (stats, posted_since) use
--   idx_jobs_sort_first_seen (first_seen_at first, covering for counts).
--
-- The full-text triggers of 0002 already refresh jobs_fts only when title, company
-- or description change.

DROP INDEX IF EXISTS idx_jobs_relevance_score;
DROP INDEX IF EXISTS idx_jobs_company;
DROP INDEX IF EXISTS idx_jobs_posted;
DROP INDEX IF EXISTS idx_jobs_first_seen;
