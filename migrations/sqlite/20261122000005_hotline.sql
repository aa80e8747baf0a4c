-- The citizen-feedback hotline: cases, the units each was sent to (one row per forward hop,
-- each with its own clocks), their files, and routing rules. Kept column-for-column equal to
-- the Postgres twin. A citizen's name and phone live only in `cases`; audit rows never copy them.

CREATE TABLE cases (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    year                 INTEGER NOT NULL,
    seq                  INTEGER NOT NULL,
    number               TEXT NOT NULL UNIQUE,
    channel              TEXT NOT NULL CHECK (channel IN ('phone','sms','zalo','email','web_portal','in_person')),
    content              TEXT NOT NULL,
    place_unit_id        INTEGER NOT NULL REFERENCES units(id),
    category             TEXT NOT NULL,
    citizen_name         TEXT,
    citizen_phone        TEXT,
    contact_consent      INTEGER NOT NULL,
    state                TEXT NOT NULL CHECK (state IN ('received','forwarded','accepted','answered','closed','returned','reopened','cancelled')),
    operator_id          INTEGER REFERENCES people(id),
    received_at          TEXT NOT NULL,
    ack_due_at           TEXT NOT NULL,
    answer_due_date      TEXT NOT NULL,
    acknowledged_at      TEXT,
    answered_at          TEXT,
    late                 INTEGER NOT NULL DEFAULT 0,
    citizen_informed_at  TEXT,
    closed_at            TEXT,
    reopened             INTEGER NOT NULL DEFAULT 0,
    source               TEXT NOT NULL,
    UNIQUE (year, seq)
);
CREATE INDEX cases_state ON cases(state);
CREATE INDEX cases_received ON cases(received_at);

-- One unit's part in a case: forwarded, accepted, returned (with a reason) or answered.
CREATE TABLE case_hops (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    state            TEXT NOT NULL CHECK (state IN ('forwarded','accepted','returned','answered','withdrawn')),
    forwarded_at     TEXT NOT NULL,
    forwarded_by     INTEGER REFERENCES people(id),
    ack_due_at       TEXT NOT NULL,
    answer_due_date  TEXT NOT NULL,
    accepted_at      TEXT,
    accepted_by      INTEGER REFERENCES people(id),
    returned_at      TEXT,
    return_reason    TEXT,
    answered_at      TEXT,
    answered_by      INTEGER REFERENCES people(id),
    answer           TEXT,
    late             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX case_hops_case ON case_hops(case_id);
CREATE INDEX case_hops_unit ON case_hops(unit_id, state);

-- Photos and documents: the citizen's (hop_id NULL) and those sent with an answer.
CREATE TABLE case_files (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    hop_id          INTEGER REFERENCES case_hops(id),
    file_id         TEXT NOT NULL,
    file_unique_id  TEXT NOT NULL,
    file_name       TEXT,
    mime_type       TEXT,
    file_size       INTEGER,
    added_at        TEXT NOT NULL
);
CREATE INDEX case_files_case ON case_files(case_id);

-- Category × place → unit; the most specific rule wins, else the commune's People's Committee.
CREATE TABLE routing_rules (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    category       TEXT,
    place_unit_id  INTEGER REFERENCES units(id),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    created_at     TEXT NOT NULL
);

-- A bot message about a case hop, so a reply to it is that unit's answer.
ALTER TABLE bot_messages ADD COLUMN case_hop_id INTEGER REFERENCES case_hops(id);
-- A file the message carries ("photo:FILE_ID" or "document:FILE_ID"), the body its caption.
ALTER TABLE outbox ADD COLUMN attachment TEXT;
ALTER TABLE outbox ADD COLUMN case_hop_id INTEGER REFERENCES case_hops(id);
