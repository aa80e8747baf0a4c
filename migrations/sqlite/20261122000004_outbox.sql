-- The outbox (every message the service sends on its own), the sender lease, escalation steps
-- taken, members who cannot be reached, per-plan escalation ladders and small service facts.
-- Kept column-for-column equal to the Postgres twin.

-- One message to one chat. `idempotency_key` names why it exists (which reminder, which
-- escalation step, which digest), so a pass that runs twice queues it once.
CREATE TABLE outbox (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key      TEXT NOT NULL UNIQUE,
    kind                 TEXT NOT NULL CHECK (kind IN ('reply','case','window','reminder','escalation','digest','closing')),
    priority             INTEGER NOT NULL,
    chat_id              INTEGER NOT NULL,
    person_id            INTEGER REFERENCES people(id),
    body                 TEXT NOT NULL,
    reply_markup         TEXT,
    assignment_id        INTEGER REFERENCES assignments(id),
    period_id            INTEGER REFERENCES reporting_periods(id),
    unit_id              INTEGER REFERENCES units(id),
    state                TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','sending','sent','parked','failed')),
    attempts             INTEGER NOT NULL DEFAULT 0,
    retry_at             TEXT,
    claimed_by           TEXT,
    last_error           TEXT,
    created_at           TEXT NOT NULL,
    sent_at              TEXT,
    telegram_message_id  INTEGER
);
CREATE INDEX outbox_queue ON outbox(priority, id) WHERE state = 'queued';
CREATE INDEX outbox_state ON outbox(state, kind);
CREATE INDEX outbox_retrying ON outbox(chat_id) WHERE state = 'queued' AND retry_at IS NOT NULL;

-- Who may send now: one holder at a time, renewed while it lives (several `serve` processes
-- share one outbox and one rate budget this way).
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

-- Each step of the escalation ladder taken for an overdue item (a report of one unit for one
-- period, or one assignment), once.
CREATE TABLE escalations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    item_kind  TEXT NOT NULL CHECK (item_kind IN ('report','task','case')),
    item_id    INTEGER NOT NULL,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    step       INTEGER NOT NULL CHECK (step BETWEEN 1 AND 3),
    due_date   TEXT NOT NULL,
    at         TEXT NOT NULL,
    UNIQUE (item_kind, item_id, unit_id, step)
);
CREATE INDEX escalations_unit ON escalations(unit_id);

-- Telegram said this member cannot be reached (blocked the bot, never started it …).
ALTER TABLE people ADD COLUMN unreachable_at TEXT;
ALTER TABLE people ADD COLUMN unreachable_reason TEXT;

-- A plan's own escalation ladder (JSON); NULL means the configured default.
ALTER TABLE plans ADD COLUMN escalation_ladder TEXT;

-- Small facts about the running service: the bot's id (a new bot restarts update ids), the
-- time of the last scheduler pass.
CREATE TABLE service_state (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
