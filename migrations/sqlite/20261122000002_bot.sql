-- The Telegram bot: invitations, exactly-once updates, dialogue state, what each bot message
-- was about, and files received.

-- A single-use invitation to link a Telegram user to a member. Only a hash of the code is kept.
CREATE TABLE invitations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id     INTEGER NOT NULL REFERENCES people(id),
    code_hash     TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    used_at       TEXT,
    used_by_user  INTEGER
);
CREATE INDEX invitations_person ON invitations(person_id);

-- Bad /start codes per chat, to refuse guessing (more than 5 an hour).
CREATE TABLE start_failures (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id  INTEGER NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX start_failures_chat ON start_failures(chat_id, at);

-- Updates whose effect is committed: a redelivered update changes nothing.
CREATE TABLE processed_updates (
    update_id     INTEGER PRIMARY KEY,
    processed_at  TEXT NOT NULL
);

-- What the bot waits for from a user in a chat (JSON), so a restart loses no conversation.
CREATE TABLE dialogues (
    chat_id     INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    state       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);

-- What a message sent by the bot was about, so a reply to it lands on the right item.
CREATE TABLE bot_messages (
    chat_id        INTEGER NOT NULL,
    message_id     INTEGER NOT NULL,
    assignment_id  INTEGER REFERENCES assignments(id),
    period_id      INTEGER REFERENCES reporting_periods(id),
    unit_id        INTEGER REFERENCES units(id),
    sent_at        TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);

-- Files received with a status update or a report, kept by Telegram file id.
CREATE TABLE attachments (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    status_update_id  INTEGER REFERENCES status_updates(id),
    submission_id     INTEGER REFERENCES report_submissions(id),
    file_id           TEXT NOT NULL,
    file_unique_id    TEXT NOT NULL,
    file_name         TEXT,
    mime_type         TEXT,
    file_size         INTEGER,
    local_path        TEXT
);

-- A group chat belongs to one unit: the bot shows that unit's data there and no other's.
CREATE TABLE group_chats (
    chat_id    INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    bound_by   INTEGER NOT NULL REFERENCES people(id),
    bound_at   TEXT NOT NULL
);
