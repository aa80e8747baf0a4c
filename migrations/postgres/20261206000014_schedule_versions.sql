-- What a scheduler pass reads changes only when these tables do. Each change bumps a counter
-- in the one row of schedule_versions (a column per part of the pass's snapshot), in the
-- writer's own transaction, so a pass that finds the counters as it left them reuses what it
-- read before instead of reading every unit, member and assignment again. The counters live in
-- the database, not in a process: several `serve` processes on one Postgres each see every
-- change, whoever wrote it. `assignment_set` counts assignments added, removed, retired or
-- moved (what `plan_units` depends on); `assignments` counts any change to them (statuses too).

CREATE TABLE schedule_versions (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    plans BIGINT NOT NULL DEFAULT 0,
    assignment_set BIGINT NOT NULL DEFAULT 0,
    assignments BIGINT NOT NULL DEFAULT 0,
    submissions BIGINT NOT NULL DEFAULT 0,
    people BIGINT NOT NULL DEFAULT 0,
    units BIGINT NOT NULL DEFAULT 0,
    escalations BIGINT NOT NULL DEFAULT 0
);

INSERT INTO schedule_versions (id) VALUES (1);

-- One bump per statement (a 50,000-row import bumps once); the arguments name the columns.
CREATE FUNCTION schedule_versions_bump() RETURNS trigger AS $$
DECLARE
    part TEXT;
BEGIN
    FOREACH part IN ARRAY TG_ARGV LOOP
        EXECUTE format('UPDATE schedule_versions SET %I = %I + 1 WHERE id = 1', part, part);
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER plans_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plans
FOR EACH STATEMENT EXECUTE FUNCTION schedule_versions_bump('plans');

CREATE TRIGGER reporting_periods_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reporting_periods
FOR EACH STATEMENT EXECUTE FUNCTION schedule_versions_bump('plans');

CREATE TRIGGER tasks_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tasks
FOR EACH STATEMENT EXECUTE FUNCTION schedule_versions_bump('plans');

CREATE TRIGGER task_leads_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON task_leads
FOR EACH STATEMENT EXECUTE FUNCTION schedule_versions_bump('plans');

CREATE TRIGGER report_submissions_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON report_submissions
FOR EACH STATEMENT EXECUTE FUNCTION schedule_versions_bump('submissions');

CREATE TRIGGER people_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON people
FOR EACH STATEMENT EXECUTE FUNCTION schedule_versions_bump('people');

CREATE TRIGGER units_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units
FOR EACH STATEMENT EXECUTE FUNCTION schedule_versions_bump('units');

CREATE TRIGGER escalations_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON escalations
FOR EACH STATEMENT EXECUTE FUNCTION schedule_versions_bump('escalations');

CREATE TRIGGER assignments_version_set AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF task_id, unit_id, retired_at ON assignments
FOR EACH STATEMENT EXECUTE FUNCTION schedule_versions_bump('assignment_set', 'assignments');

CREATE TRIGGER assignments_version_update AFTER UPDATE ON assignments
FOR EACH STATEMENT EXECUTE FUNCTION schedule_versions_bump('assignments');

-- A pass reads the open assignments of dated tasks due by its horizon: with this index the
-- database starts from those few tasks instead of scanning every assignment.
CREATE INDEX tasks_due ON tasks(due_date) WHERE due_date IS NOT NULL;
