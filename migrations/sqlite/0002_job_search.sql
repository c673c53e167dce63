-- Full-text search for `GET /api/v1/jobs?q=`: a contentless FTS5 index over title,
-- company and description, kept in step with `jobs` by triggers.
--
-- `jobs` has a TEXT primary key, whose implicit rowids VACUUM may renumber, so the
-- index is keyed by `job_search_keys.search_rowid`, a stable INTEGER PRIMARY KEY.

CREATE TABLE IF NOT EXISTS job_search_keys (
    search_rowid INTEGER PRIMARY KEY,
    job_id TEXT NOT NULL UNIQUE
);

CREATE VIRTUAL TABLE IF NOT EXISTS jobs_fts USING fts5(
    title,
    company,
    description_text,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT OR IGNORE INTO job_search_keys (job_id) SELECT job_id FROM jobs;

INSERT INTO jobs_fts (rowid, title, company, description_text)
SELECT k.search_rowid, j.title, j.company, coalesce(j.description_text, '')
FROM jobs j JOIN job_search_keys k ON k.job_id = j.job_id
WHERE NOT EXISTS (SELECT 1 FROM jobs_fts);

CREATE TRIGGER IF NOT EXISTS jobs_fts_after_insert AFTER INSERT ON jobs BEGIN
    INSERT OR IGNORE INTO job_search_keys (job_id) VALUES (new.job_id);
    INSERT INTO jobs_fts (rowid, title, company, description_text)
    VALUES ((SELECT search_rowid FROM job_search_keys WHERE job_id = new.job_id),
            new.title, new.company, coalesce(new.description_text, ''));
END;

CREATE TRIGGER IF NOT EXISTS jobs_fts_after_delete AFTER DELETE ON jobs BEGIN
    DELETE FROM jobs_fts
    WHERE rowid = (SELECT search_rowid FROM job_search_keys WHERE job_id = old.job_id);
    DELETE FROM job_search_keys WHERE job_id = old.job_id;
END;

CREATE TRIGGER IF NOT EXISTS jobs_fts_after_update
AFTER UPDATE OF title, company, description_text ON jobs
WHEN old.title IS NOT new.title
  OR old.company IS NOT new.company
  OR old.description_text IS NOT new.description_text
BEGIN
    DELETE FROM jobs_fts
    WHERE rowid = (SELECT search_rowid FROM job_search_keys WHERE job_id = old.job_id);
    INSERT INTO jobs_fts (rowid, title, company, description_text)
    VALUES ((SELECT search_rowid FROM job_search_keys WHERE job_id = new.job_id),
            new.title, new.company, coalesce(new.description_text, ''));
END;
