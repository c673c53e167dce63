-- Tokens the AI provider counted for each user's requests, per UTC day and feature
-- ("Apply pack generation", "Apply pack review"): usage per user lives here, usage
-- per plugin in the Prometheus counter jobscout_ai_tokens_total. New in JobScout;
-- the earlier backend kept only `tokens_used` on its generation cache.

CREATE TABLE IF NOT EXISTS ai_token_usage (
    user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    usage_day DATE NOT NULL,
    feature TEXT NOT NULL,
    calls BIGINT NOT NULL DEFAULT 0,
    prompt_tokens BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, usage_day, feature)
);
