-- Referrals (reference §1.6, §9): one row per referred user, pending until the
-- referee's first subscription or payment rewards the referrer. The earlier
-- backend keyed rows by the code (UNIQUE), so a referrer kept one row however many
-- people used their code; that constraint is dropped here so each referee gets
-- their own row (an adopted table keeps its rows).

CREATE TABLE IF NOT EXISTS referrals (
    referral_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    referrer_id UUID REFERENCES users(user_id) ON DELETE CASCADE,
    referee_id UUID REFERENCES users(user_id) ON DELETE SET NULL,
    referral_code VARCHAR(32) NOT NULL,
    status VARCHAR(32) DEFAULT 'pending',
    packs_awarded_referrer INTEGER DEFAULT 0,
    packs_awarded_referee INTEGER DEFAULT 0,
    completed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ DEFAULT now(),
    expires_at TIMESTAMPTZ
);

ALTER TABLE referrals DROP CONSTRAINT IF EXISTS referrals_referral_code_key;
CREATE INDEX IF NOT EXISTS idx_referrals_referrer ON referrals(referrer_id);
CREATE INDEX IF NOT EXISTS idx_referrals_referee ON referrals(referee_id);
CREATE INDEX IF NOT EXISTS idx_referrals_code ON referrals(referral_code);
