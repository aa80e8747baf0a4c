-- Zalo, the second messenger (issue 18).
--
-- Zalo's ids are strings; every table keyed by a chat keeps an integer. So each Zalo id (a
-- user's, a chat's; in a private chat they are often the same string and then share one
-- number) gets a local number here, counted from 2^60 = 1152921504606846976, a range no
-- Telegram id reaches (`domain::channel`): the number alone says which messenger it is on, and
-- outbox rows, dialogues, group bindings and processed updates work for both unchanged.
CREATE TABLE zalo_ids (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    zalo_id     TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);
-- AUTOINCREMENT continues from the table's entry in sqlite_sequence (created with the first
-- AUTOINCREMENT table, long before this migration).
INSERT INTO sqlite_sequence (name, seq) VALUES ('zalo_ids', 1152921504606846975);

-- A member linked on Zalo: their user's number and the private chat to write to. A member may
-- be linked on both messengers; messages go to one: `channel_choice` when set, else the one
-- they used last (`last_channel`), never both.
ALTER TABLE people ADD COLUMN zalo_user INTEGER REFERENCES zalo_ids(id);
ALTER TABLE people ADD COLUMN zalo_chat INTEGER REFERENCES zalo_ids(id);
ALTER TABLE people ADD COLUMN channel_choice TEXT CHECK (channel_choice IN ('telegram','zalo'));
ALTER TABLE people ADD COLUMN last_channel TEXT CHECK (last_channel IN ('telegram','zalo'));
CREATE UNIQUE INDEX people_zalo_user ON people(zalo_user) WHERE zalo_user IS NOT NULL;

-- Every Zalo update as it arrives, kept before it is acted on: Zalo does not deliver an update
-- twice (no offset), so one lost between arrival and effect would be lost for good. `id` is
-- the update's number for `processed_updates` (from 2^60, beside Telegram's update ids);
-- `message_id` makes a webhook retry or a second poller's copy the same row.
CREATE TABLE zalo_inbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id   TEXT NOT NULL UNIQUE,
    payload      TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    handled_at   TEXT
);
INSERT INTO sqlite_sequence (name, seq) VALUES ('zalo_inbox', 1152921504606846975);
CREATE INDEX zalo_inbox_waiting ON zalo_inbox(id) WHERE handled_at IS NULL;
