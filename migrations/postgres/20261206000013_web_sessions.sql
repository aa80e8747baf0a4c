-- The web board's logins (issue 17). A one-time link carries a random token; only its
-- SHA-256 is kept, it lives ten minutes and can be used once. Opening it starts a session
-- whose cookie is again a random token kept as a hash, with its own CSRF token; a session
-- ends after eight idle hours or at logout.
CREATE TABLE web_login_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ
);
CREATE INDEX web_login_tokens_person ON web_login_tokens (person_id);

CREATE TABLE web_sessions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people(id),
    session_hash TEXT NOT NULL UNIQUE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ended_at TIMESTAMPTZ
);
CREATE INDEX web_sessions_person ON web_sessions (person_id);
