-- Units, people, plans, tasks, assignments, the reporting calendar, submissions, status
-- updates and the append-only audit log. Kept column-for-column equal to the Postgres twin.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('province','department','district','commune','coordinating_office','hotline','other')),
    parent_id   INTEGER REFERENCES units(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);

-- Names and other spellings, normalised (lower case, no diacritics) for matching plan text.
CREATE TABLE unit_names (
    unit_id     INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    is_alias    INTEGER NOT NULL,
    PRIMARY KEY (unit_id, name_key)
);
CREATE INDEX unit_names_key ON unit_names(name_key);

-- A member: one person's place in one unit with one role. Someone who is both a commune
-- chairman and a focal point elsewhere has two rows linked to the same Telegram user.
CREATE TABLE people (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id           INTEGER NOT NULL REFERENCES units(id),
    full_name         TEXT NOT NULL,
    role              TEXT NOT NULL CHECK (role IN ('head','deputy','focal_point','coordinator','hotline_operator')),
    telegram_user_id  INTEGER,
    language          TEXT CHECK (language IN ('vi','en')),
    phone             TEXT,
    created_at        TEXT NOT NULL
);
CREATE INDEX people_telegram ON people(telegram_user_id);
CREATE INDEX people_unit ON people(unit_id);

CREATE TABLE plans (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    code           TEXT NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    year           INTEGER NOT NULL,
    scope_unit_id  INTEGER NOT NULL REFERENCES units(id),
    source         TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- A task removed by a later import is retired, not deleted: its history stays.
CREATE TABLE tasks (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id          INTEGER NOT NULL REFERENCES plans(id),
    identity_key     TEXT NOT NULL,
    position         INTEGER NOT NULL,
    source_row       INTEGER NOT NULL,
    code             TEXT,
    dimension_code   TEXT,
    dimension        TEXT,
    criterion        TEXT,
    text             TEXT NOT NULL,
    target           TEXT NOT NULL,
    timeframe        TEXT NOT NULL,
    due_date         TEXT,
    expected_output  TEXT NOT NULL,
    retired_at       TEXT,
    UNIQUE (plan_id, identity_key)
);
CREATE INDEX tasks_plan ON tasks(plan_id, position);

CREATE TABLE task_leads (
    task_id   INTEGER NOT NULL REFERENCES tasks(id),
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (task_id, unit_id)
);

CREATE TABLE assignments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id     INTEGER NOT NULL REFERENCES tasks(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    status      TEXT NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started','in_progress','done','blocked')),
    retired_at  TEXT,
    UNIQUE (task_id, unit_id)
);
CREATE INDEX assignments_unit ON assignments(unit_id);

CREATE TABLE reporting_periods (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id      INTEGER NOT NULL REFERENCES plans(id),
    period_key   TEXT NOT NULL,
    label        TEXT NOT NULL,
    due_date     TEXT NOT NULL,
    owed_by      TEXT NOT NULL CHECK (owed_by IN ('implementing_units','communes')),
    UNIQUE (plan_id, period_key)
);

-- Filled by the bot (next issues): one row per report a unit sends for a period.
CREATE TABLE report_submissions (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id            INTEGER NOT NULL REFERENCES reporting_periods(id),
    unit_id              INTEGER NOT NULL REFERENCES units(id),
    person_id            INTEGER REFERENCES people(id),
    submitted_at         TEXT NOT NULL,
    body                 TEXT NOT NULL,
    attachment_file_id   TEXT,
    telegram_message_id  INTEGER
);
CREATE INDEX report_submissions_period ON report_submissions(period_id, unit_id);

-- Filled by the bot: every status reply about one assignment, oldest first.
CREATE TABLE status_updates (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    assignment_id        INTEGER NOT NULL REFERENCES assignments(id),
    status               TEXT NOT NULL CHECK (status IN ('not_started','in_progress','done','blocked')),
    note                 TEXT NOT NULL,
    person_id            INTEGER REFERENCES people(id),
    reported_at          TEXT NOT NULL,
    telegram_message_id  INTEGER
);
CREATE INDEX status_updates_assignment ON status_updates(assignment_id, reported_at);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_key  TEXT NOT NULL,
    detail      TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
