-- Apply Workspace, part 2: apply packs (reference §4.5). Same logical schema as
-- the PostgreSQL folder: ids are UUID text, JSON columns JSON text, timestamps
-- ISO-8601 text.

CREATE TABLE IF NOT EXISTS apply_packs (
    apply_pack_id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
    resume_id TEXT REFERENCES resume_versions(resume_id) ON DELETE CASCADE,
    job_target_id TEXT REFERENCES job_targets(job_target_id) ON DELETE CASCADE,
    pack_hash TEXT NOT NULL,                -- SHA-256 hex of resume_hash:job part
    tailored_summary TEXT,
    tailored_bullets TEXT,                  -- JSON
    cover_note TEXT,
    ats_checklist TEXT,                     -- JSON
    keyword_coverage REAL,
    ai_model TEXT,                          -- NULL: the template pack
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX IF NOT EXISTS idx_apply_packs_user_hash ON apply_packs(user_id, pack_hash, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_apply_packs_user_created ON apply_packs(user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_resume_versions_user_hash ON resume_versions(user_id, resume_hash, created_at DESC);
