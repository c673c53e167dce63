-- Paddle Billing webhooks (reference §9). `paddle_events` holds the id of every
-- delivery applied, written in the same transaction as what it changed, so a
-- replayed or duplicated delivery changes nothing. `paddle_subscription_state`
-- holds, per user, when the newest subscription event applied occurred, so an
-- older delivery arriving late never overwrites a newer state.

CREATE TABLE IF NOT EXISTS paddle_events (
    event_id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL,
    occurred_at TIMESTAMPTZ,
    user_id UUID REFERENCES users(user_id) ON DELETE SET NULL,
    outcome TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS paddle_subscription_state (
    user_id UUID PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
    last_event_at TIMESTAMPTZ NOT NULL,
    last_event_id TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS idx_users_paddle_customer ON users(paddle_customer_id);
