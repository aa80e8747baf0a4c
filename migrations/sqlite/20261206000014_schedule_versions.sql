-- What a scheduler pass reads changes only when these tables do. Each change bumps a counter
-- in the one row of schedule_versions (a column per part of the pass's snapshot), in the
-- writer's own transaction, so a pass that finds the counters as it left them reuses what it
-- read before instead of reading every unit, member and assignment again. The counters live in
-- the database, not in a process: several `serve` processes on one Postgres each see every
-- change, whoever wrote it. `assignment_set` counts assignments added, removed, retired or
-- moved (what `plan_units` depends on); `assignments` counts any change to them (statuses too).

CREATE TABLE schedule_versions (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    plans INTEGER NOT NULL DEFAULT 0,
    assignment_set INTEGER NOT NULL DEFAULT 0,
    assignments INTEGER NOT NULL DEFAULT 0,
    submissions INTEGER NOT NULL DEFAULT 0,
    people INTEGER NOT NULL DEFAULT 0,
    units INTEGER NOT NULL DEFAULT 0,
    escalations INTEGER NOT NULL DEFAULT 0
);

INSERT INTO schedule_versions (id) VALUES (1);

CREATE TRIGGER plans_version_insert AFTER INSERT ON plans
BEGIN
    UPDATE schedule_versions SET plans = plans + 1 WHERE id = 1;
END;

CREATE TRIGGER plans_version_update AFTER UPDATE ON plans
BEGIN
    UPDATE schedule_versions SET plans = plans + 1 WHERE id = 1;
END;

CREATE TRIGGER plans_version_delete AFTER DELETE ON plans
BEGIN
    UPDATE schedule_versions SET plans = plans + 1 WHERE id = 1;
END;

CREATE TRIGGER reporting_periods_version_insert AFTER INSERT ON reporting_periods
BEGIN
    UPDATE schedule_versions SET plans = plans + 1 WHERE id = 1;
END;

CREATE TRIGGER reporting_periods_version_update AFTER UPDATE ON reporting_periods
BEGIN
    UPDATE schedule_versions SET plans = plans + 1 WHERE id = 1;
END;

CREATE TRIGGER reporting_periods_version_delete AFTER DELETE ON reporting_periods
BEGIN
    UPDATE schedule_versions SET plans = plans + 1 WHERE id = 1;
END;

CREATE TRIGGER tasks_version_insert AFTER INSERT ON tasks
BEGIN
    UPDATE schedule_versions SET plans = plans + 1 WHERE id = 1;
END;

CREATE TRIGGER tasks_version_update AFTER UPDATE ON tasks
BEGIN
    UPDATE schedule_versions SET plans = plans + 1 WHERE id = 1;
END;

CREATE TRIGGER tasks_version_delete AFTER DELETE ON tasks
BEGIN
    UPDATE schedule_versions SET plans = plans + 1 WHERE id = 1;
END;

CREATE TRIGGER task_leads_version_insert AFTER INSERT ON task_leads
BEGIN
    UPDATE schedule_versions SET plans = plans + 1 WHERE id = 1;
END;

CREATE TRIGGER task_leads_version_update AFTER UPDATE ON task_leads
BEGIN
    UPDATE schedule_versions SET plans = plans + 1 WHERE id = 1;
END;

CREATE TRIGGER task_leads_version_delete AFTER DELETE ON task_leads
BEGIN
    UPDATE schedule_versions SET plans = plans + 1 WHERE id = 1;
END;

CREATE TRIGGER report_submissions_version_insert AFTER INSERT ON report_submissions
BEGIN
    UPDATE schedule_versions SET submissions = submissions + 1 WHERE id = 1;
END;

CREATE TRIGGER report_submissions_version_update AFTER UPDATE ON report_submissions
BEGIN
    UPDATE schedule_versions SET submissions = submissions + 1 WHERE id = 1;
END;

CREATE TRIGGER report_submissions_version_delete AFTER DELETE ON report_submissions
BEGIN
    UPDATE schedule_versions SET submissions = submissions + 1 WHERE id = 1;
END;

CREATE TRIGGER people_version_insert AFTER INSERT ON people
BEGIN
    UPDATE schedule_versions SET people = people + 1 WHERE id = 1;
END;

CREATE TRIGGER people_version_update AFTER UPDATE ON people
BEGIN
    UPDATE schedule_versions SET people = people + 1 WHERE id = 1;
END;

CREATE TRIGGER people_version_delete AFTER DELETE ON people
BEGIN
    UPDATE schedule_versions SET people = people + 1 WHERE id = 1;
END;

CREATE TRIGGER units_version_insert AFTER INSERT ON units
BEGIN
    UPDATE schedule_versions SET units = units + 1 WHERE id = 1;
END;

CREATE TRIGGER units_version_update AFTER UPDATE ON units
BEGIN
    UPDATE schedule_versions SET units = units + 1 WHERE id = 1;
END;

CREATE TRIGGER units_version_delete AFTER DELETE ON units
BEGIN
    UPDATE schedule_versions SET units = units + 1 WHERE id = 1;
END;

CREATE TRIGGER escalations_version_insert AFTER INSERT ON escalations
BEGIN
    UPDATE schedule_versions SET escalations = escalations + 1 WHERE id = 1;
END;

CREATE TRIGGER escalations_version_update AFTER UPDATE ON escalations
BEGIN
    UPDATE schedule_versions SET escalations = escalations + 1 WHERE id = 1;
END;

CREATE TRIGGER escalations_version_delete AFTER DELETE ON escalations
BEGIN
    UPDATE schedule_versions SET escalations = escalations + 1 WHERE id = 1;
END;

CREATE TRIGGER assignments_version_insert AFTER INSERT ON assignments
BEGIN
    UPDATE schedule_versions SET assignment_set = assignment_set + 1, assignments = assignments + 1 WHERE id = 1;
END;

CREATE TRIGGER assignments_version_delete AFTER DELETE ON assignments
BEGIN
    UPDATE schedule_versions SET assignment_set = assignment_set + 1, assignments = assignments + 1 WHERE id = 1;
END;

CREATE TRIGGER assignments_version_move AFTER UPDATE OF task_id, unit_id, retired_at ON assignments
BEGIN
    UPDATE schedule_versions SET assignment_set = assignment_set + 1 WHERE id = 1;
END;

CREATE TRIGGER assignments_version_update AFTER UPDATE ON assignments
BEGIN
    UPDATE schedule_versions SET assignments = assignments + 1 WHERE id = 1;
END;

-- A pass reads the open assignments of dated tasks due by its horizon: with this index the
-- database starts from those few tasks instead of scanning every assignment.
CREATE INDEX tasks_due ON tasks(due_date) WHERE due_date IS NOT NULL;
