-- A case's identity, for imports: the hotline's own number ("ref:…") or a hash of received
-- time, phone and content ("sha256:…"). Importing the same file twice skips what is there.
-- Cases logged in chat have none (a redelivered update is refused by processed_updates).
ALTER TABLE cases ADD COLUMN identity TEXT;
CREATE UNIQUE INDEX cases_identity ON cases (identity);
