-- The chat dialogue made safe (issue 12): an answer binds to the question it belongs to.

-- A confirmation the bot sent for one recorded status update: a reply to it (or its
-- «Thêm ghi chú» button) attaches the note to that update, whatever came after it.
ALTER TABLE bot_messages ADD COLUMN status_update_id INTEGER REFERENCES status_updates(id);

-- A file or photo sent without replying to anything: kept until the person taps the task or
-- report it belongs to (filed_at), so nothing they send is thrown away.
CREATE TABLE held_files (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    update_id         INTEGER NOT NULL UNIQUE,
    chat_id           INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    telegram_message_id INTEGER NOT NULL,
    caption           TEXT NOT NULL,
    file_id           TEXT NOT NULL,
    file_unique_id    TEXT NOT NULL,
    file_name         TEXT,
    mime_type         TEXT,
    file_size         INTEGER,
    received_at       TEXT NOT NULL,
    filed_at          TEXT
);
CREATE INDEX held_files_chat ON held_files(chat_id, user_id);
