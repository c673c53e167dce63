-- Client analytics posted to `POST /api/v1/metrics/event`.

CREATE TABLE IF NOT EXISTS analytics_events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    client_ts TEXT,
    event_name TEXT NOT NULL,
    user_id TEXT,
    distinct_id TEXT,
    path TEXT,
    properties TEXT             -- JSON object
);

CREATE INDEX IF NOT EXISTS idx_analytics_events_occurred_at ON analytics_events(occurred_at DESC);
CREATE INDEX IF NOT EXISTS idx_analytics_events_event_name ON analytics_events(event_name);
