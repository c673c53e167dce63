-- Plans, quotas and credits (reference §4.8). Same logical schema as the
-- PostgreSQL folder: ids are UUID text, JSON columns JSON text, timestamps
-- ISO-8601 text (written by the host, so one format compares in order).

CREATE TABLE IF NOT EXISTS usage_ledger (
    usage_id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
    action_type TEXT NOT NULL
        CHECK (action_type IN ('apply_pack', 'docx_export', 'trust_report', 'ai_interview_coach', 'ai_template')),
    apply_pack_id TEXT REFERENCES apply_packs(apply_pack_id) ON DELETE SET NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE INDEX IF NOT EXISTS idx_usage_ledger_user_created ON usage_ledger(user_id, created_at DESC);

CREATE TABLE IF NOT EXISTS credit_ledger (
    entry_id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
    delta_credits INTEGER NOT NULL,
    reason TEXT NOT NULL,
    feature TEXT,
    idempotency_key TEXT,
    metadata TEXT,                          -- JSON
    available_at TEXT,
    expires_at TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE INDEX IF NOT EXISTS idx_credit_ledger_user_created ON credit_ledger(user_id, created_at DESC);
CREATE UNIQUE INDEX IF NOT EXISTS idx_credit_ledger_idempotency_key
    ON credit_ledger(idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE IF NOT EXISTS pack_topups (
    topup_id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
    pack_count INTEGER DEFAULT 25,
    payment_id TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    expires_at TEXT
);

CREATE INDEX IF NOT EXISTS idx_pack_topups_user ON pack_topups(user_id);
