-- What a scheduler pass reads from the assignments on the days it composes digests and report
-- reminders, each from an index that holds every column the read needs (no table rows read):
-- the digest's figures count live assignments by task and status; a report reminder lists a
-- unit's open tasks.
CREATE INDEX assignments_live_status ON assignments(task_id, status) WHERE retired_at IS NULL;
CREATE INDEX assignments_open ON assignments(unit_id, task_id) WHERE retired_at IS NULL AND status <> 'done';
