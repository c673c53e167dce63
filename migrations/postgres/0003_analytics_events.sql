-- Client analytics posted to `POST /api/v1/metrics/event`.

CREATE TABLE IF NOT EXISTS analytics_events (
    event_id BIGSERIAL PRIMARY KEY,
    occurred_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    client_ts TIMESTAMPTZ,
    event_name TEXT NOT NULL,
    user_id UUID,
    distinct_id TEXT,
    path TEXT,
    properties JSONB
);

CREATE INDEX IF NOT EXISTS idx_analytics_events_occurred_at ON analytics_events(occurred_at DESC);
CREATE INDEX IF NOT EXISTS idx_analytics_events_event_name ON analytics_events(event_name);
