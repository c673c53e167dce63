-- Paddle Billing webhooks (reference §9): the id of every delivery applied (so a
-- replay changes nothing) and, per user, when the newest subscription event
-- applied occurred (so a late older one never overwrites a newer state). Same
-- logical schema as the PostgreSQL folder.

CREATE TABLE IF NOT EXISTS paddle_events (
    event_id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL,
    occurred_at TEXT,
    user_id TEXT REFERENCES users(user_id) ON DELETE SET NULL,
    outcome TEXT NOT NULL,
    received_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS paddle_subscription_state (
    user_id TEXT PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
    last_event_at TEXT NOT NULL,
    last_event_id TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS idx_users_paddle_customer ON users(paddle_customer_id);
