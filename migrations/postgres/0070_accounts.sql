-- Plans, quotas and credits (reference §4.8): the usage ledger that quotas count,
-- the credit ledger (signed deltas; the source of truth for money) and the legacy
-- pack top-ups that raise the apply-pack quota. The earlier backend created the
-- same tables, so an adopted database keeps its rows: each is created only when
-- missing.

CREATE TABLE IF NOT EXISTS usage_ledger (
    usage_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES users(user_id) ON DELETE CASCADE,
    action_type TEXT NOT NULL
        CHECK (action_type IN ('apply_pack', 'docx_export', 'trust_report', 'ai_interview_coach', 'ai_template')),
    apply_pack_id UUID REFERENCES apply_packs(apply_pack_id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_usage_ledger_user_created ON usage_ledger(user_id, created_at DESC);

CREATE TABLE IF NOT EXISTS credit_ledger (
    entry_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES users(user_id) ON DELETE CASCADE,
    delta_credits INTEGER NOT NULL,
    reason TEXT NOT NULL,
    feature TEXT,
    idempotency_key TEXT,
    metadata JSONB,
    available_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_credit_ledger_user_created ON credit_ledger(user_id, created_at DESC);
CREATE UNIQUE INDEX IF NOT EXISTS idx_credit_ledger_idempotency_key
    ON credit_ledger(idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE IF NOT EXISTS pack_topups (
    topup_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES users(user_id) ON DELETE CASCADE,
    pack_count INTEGER DEFAULT 25,
    payment_id VARCHAR(255),
    created_at TIMESTAMPTZ DEFAULT now(),
    expires_at TIMESTAMPTZ
);

CREATE INDEX IF NOT EXISTS idx_pack_topups_user ON pack_topups(user_id);
