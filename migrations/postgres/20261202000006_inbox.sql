-- Updates as they arrive from Telegram, kept before Telegram is told they arrived (the next
-- getUpdates) and deleted once handled: a crash between the two is replayed at start.
CREATE TABLE inbox (
    update_id    BIGINT PRIMARY KEY,
    payload      TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL
);
