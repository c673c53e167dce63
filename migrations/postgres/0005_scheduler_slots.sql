-- One row per scheduler time slot that an instance claimed, so that a slot's
-- scheduled scrape runs once even when several instances share the database.
CREATE TABLE IF NOT EXISTS scheduler_slots (
    slot BIGINT PRIMARY KEY,        -- unix time / interval
    claimed_at TIMESTAMPTZ NOT NULL
);
