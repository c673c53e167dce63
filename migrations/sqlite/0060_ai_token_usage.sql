-- Tokens the AI provider counted for each user's requests, per UTC day and feature.
-- Same logical schema as the PostgreSQL folder: the id is UUID text, the day
-- `YYYY-MM-DD` text.

CREATE TABLE IF NOT EXISTS ai_token_usage (
    user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    usage_day TEXT NOT NULL,
    feature TEXT NOT NULL,
    calls INTEGER NOT NULL DEFAULT 0,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, usage_day, feature)
);
