-- What a scheduler pass reads from the assignments on the days it composes digests and report
-- reminders, each from an index that holds every column the read names (SQLite then reads no
-- table row; the partial conditions' columns are in the index for that reason): the digest's
-- figures count live assignments by task and status; a report reminder lists a unit's open
-- tasks.
CREATE INDEX assignments_live_status ON assignments(task_id, status, retired_at) WHERE retired_at IS NULL;
CREATE INDEX assignments_open ON assignments(unit_id, task_id, status, retired_at)
    WHERE retired_at IS NULL AND status <> 'done';
