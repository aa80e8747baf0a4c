-- The scheduler's change counters, one row per part instead of one row for all (migration
-- 20261206000014 kept them as columns of a single row). On Postgres every writer of plans,
-- statuses, reports, members or escalations updated that one row, so a status reply waited
-- for an import or a pass recording escalation steps to commit; with a row per part, writers
-- of different parts no longer wait on each other. The parts, and what bumps them, are
-- unchanged: `plans` (plans, reporting periods, tasks, task leads), `assignment_set`
-- (assignments added, removed, retired or moved), `assignments` (any change to them),
-- `submissions`, `people`, `units`, `escalations` — except that a report or an escalation step
-- added now bumps a part of its own (`submissions_added`, `escalations_added`): those tables
-- only grow, and a pass then reads just the rows past the last id it read instead of all of
-- them again; an update or delete still bumps `submissions` / `escalations`, after which a pass
-- reads the part whole. (The rows are added with their generated ids, which SQLite's one
-- writer hands out in commit order.) Kept column-for-column equal to the Postgres twin.

CREATE TABLE schedule_parts (
    part TEXT PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 0
);

INSERT INTO schedule_parts (part, version)
SELECT 'plans', plans FROM schedule_versions WHERE id = 1
UNION ALL SELECT 'assignment_set', assignment_set FROM schedule_versions WHERE id = 1
UNION ALL SELECT 'assignments', assignments FROM schedule_versions WHERE id = 1
UNION ALL SELECT 'submissions', submissions FROM schedule_versions WHERE id = 1
UNION ALL SELECT 'people', people FROM schedule_versions WHERE id = 1
UNION ALL SELECT 'units', units FROM schedule_versions WHERE id = 1
UNION ALL SELECT 'escalations', escalations FROM schedule_versions WHERE id = 1
UNION ALL SELECT 'submissions_added', 0
UNION ALL SELECT 'escalations_added', 0;

DROP TRIGGER plans_version_insert;
CREATE TRIGGER plans_version_insert AFTER INSERT ON plans
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'plans';
END;

DROP TRIGGER plans_version_update;
CREATE TRIGGER plans_version_update AFTER UPDATE ON plans
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'plans';
END;

DROP TRIGGER plans_version_delete;
CREATE TRIGGER plans_version_delete AFTER DELETE ON plans
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'plans';
END;

DROP TRIGGER reporting_periods_version_insert;
CREATE TRIGGER reporting_periods_version_insert AFTER INSERT ON reporting_periods
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'plans';
END;

DROP TRIGGER reporting_periods_version_update;
CREATE TRIGGER reporting_periods_version_update AFTER UPDATE ON reporting_periods
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'plans';
END;

DROP TRIGGER reporting_periods_version_delete;
CREATE TRIGGER reporting_periods_version_delete AFTER DELETE ON reporting_periods
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'plans';
END;

DROP TRIGGER tasks_version_insert;
CREATE TRIGGER tasks_version_insert AFTER INSERT ON tasks
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'plans';
END;

DROP TRIGGER tasks_version_update;
CREATE TRIGGER tasks_version_update AFTER UPDATE ON tasks
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'plans';
END;

DROP TRIGGER tasks_version_delete;
CREATE TRIGGER tasks_version_delete AFTER DELETE ON tasks
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'plans';
END;

DROP TRIGGER task_leads_version_insert;
CREATE TRIGGER task_leads_version_insert AFTER INSERT ON task_leads
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'plans';
END;

DROP TRIGGER task_leads_version_update;
CREATE TRIGGER task_leads_version_update AFTER UPDATE ON task_leads
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'plans';
END;

DROP TRIGGER task_leads_version_delete;
CREATE TRIGGER task_leads_version_delete AFTER DELETE ON task_leads
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'plans';
END;

DROP TRIGGER report_submissions_version_insert;
CREATE TRIGGER report_submissions_version_insert AFTER INSERT ON report_submissions
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'submissions_added';
END;

DROP TRIGGER report_submissions_version_update;
CREATE TRIGGER report_submissions_version_update AFTER UPDATE ON report_submissions
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'submissions';
END;

DROP TRIGGER report_submissions_version_delete;
CREATE TRIGGER report_submissions_version_delete AFTER DELETE ON report_submissions
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'submissions';
END;

DROP TRIGGER people_version_insert;
CREATE TRIGGER people_version_insert AFTER INSERT ON people
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'people';
END;

DROP TRIGGER people_version_update;
CREATE TRIGGER people_version_update AFTER UPDATE ON people
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'people';
END;

DROP TRIGGER people_version_delete;
CREATE TRIGGER people_version_delete AFTER DELETE ON people
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'people';
END;

DROP TRIGGER units_version_insert;
CREATE TRIGGER units_version_insert AFTER INSERT ON units
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'units';
END;

DROP TRIGGER units_version_update;
CREATE TRIGGER units_version_update AFTER UPDATE ON units
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'units';
END;

DROP TRIGGER units_version_delete;
CREATE TRIGGER units_version_delete AFTER DELETE ON units
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'units';
END;

DROP TRIGGER escalations_version_insert;
CREATE TRIGGER escalations_version_insert AFTER INSERT ON escalations
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'escalations_added';
END;

DROP TRIGGER escalations_version_update;
CREATE TRIGGER escalations_version_update AFTER UPDATE ON escalations
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'escalations';
END;

DROP TRIGGER escalations_version_delete;
CREATE TRIGGER escalations_version_delete AFTER DELETE ON escalations
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'escalations';
END;

DROP TRIGGER assignments_version_insert;
CREATE TRIGGER assignments_version_insert AFTER INSERT ON assignments
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part IN ('assignment_set', 'assignments');
END;

DROP TRIGGER assignments_version_delete;
CREATE TRIGGER assignments_version_delete AFTER DELETE ON assignments
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part IN ('assignment_set', 'assignments');
END;

DROP TRIGGER assignments_version_move;
CREATE TRIGGER assignments_version_move AFTER UPDATE OF task_id, unit_id, retired_at ON assignments
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'assignment_set';
END;

DROP TRIGGER assignments_version_update;
CREATE TRIGGER assignments_version_update AFTER UPDATE ON assignments
BEGIN
    UPDATE schedule_parts SET version = version + 1 WHERE part = 'assignments';
END;

DROP TABLE schedule_versions;
