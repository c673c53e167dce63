-- Apply Workspace, part 2: apply packs (reference §4.5). The earlier backend
-- created this table itself (`apply_schema.sql`), so an adopted database may hold
-- it with rows: it is created only when missing and the new columns are added.

CREATE TABLE IF NOT EXISTS apply_packs (
    apply_pack_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES users(user_id) ON DELETE CASCADE,
    resume_id UUID REFERENCES resume_versions(resume_id) ON DELETE CASCADE,
    job_target_id UUID REFERENCES job_targets(job_target_id) ON DELETE CASCADE,
    pack_hash TEXT NOT NULL,
    tailored_summary TEXT,
    tailored_bullets JSONB,
    cover_note TEXT,
    ats_checklist JSONB,
    keyword_coverage REAL,
    created_at TIMESTAMPTZ DEFAULT now(),
    updated_at TIMESTAMPTZ DEFAULT now()
);

-- New: whether a language model wrote the texts, and which one (NULL: the template pack).
ALTER TABLE apply_packs ADD COLUMN IF NOT EXISTS ai_model TEXT;

CREATE INDEX IF NOT EXISTS idx_apply_packs_user_id ON apply_packs(user_id);
CREATE INDEX IF NOT EXISTS idx_apply_packs_pack_hash ON apply_packs(pack_hash);
CREATE INDEX IF NOT EXISTS idx_apply_packs_created_at ON apply_packs(created_at DESC);
-- The pack cache and the history are read per user.
CREATE INDEX IF NOT EXISTS idx_apply_packs_user_hash ON apply_packs(user_id, pack_hash, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_apply_packs_user_created ON apply_packs(user_id, created_at DESC);
-- Pack generation reuses the user's newest resume version with the same text.
CREATE INDEX IF NOT EXISTS idx_resume_versions_user_hash ON resume_versions(user_id, resume_hash, created_at DESC);
