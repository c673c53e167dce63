-- Referrals (reference §1.6, §9): one row per referred user, pending until the
-- referee's first subscription or payment rewards the referrer. Same logical
-- schema as the PostgreSQL folder (without the earlier UNIQUE on the code).

CREATE TABLE IF NOT EXISTS referrals (
    referral_id TEXT PRIMARY KEY,
    referrer_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
    referee_id TEXT REFERENCES users(user_id) ON DELETE SET NULL,
    referral_code TEXT NOT NULL,
    status TEXT DEFAULT 'pending',
    packs_awarded_referrer INTEGER DEFAULT 0,
    packs_awarded_referee INTEGER DEFAULT 0,
    completed_at TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    expires_at TEXT
);

CREATE INDEX IF NOT EXISTS idx_referrals_referrer ON referrals(referrer_id);
CREATE INDEX IF NOT EXISTS idx_referrals_referee ON referrals(referee_id);
CREATE INDEX IF NOT EXISTS idx_referrals_code ON referrals(referral_code);
