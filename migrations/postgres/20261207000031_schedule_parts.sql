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
-- reads the part whole. Kept column-for-column equal to the SQLite twin.

CREATE TABLE schedule_parts (
    part TEXT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 0
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

-- The triggers of 20261206000014 stay as they are: their arguments name the parts, and the
-- function they call now bumps those rows. One statement bumping two parts (assignments
-- added) locks them in the order of their names, as every other statement does.
CREATE OR REPLACE FUNCTION schedule_versions_bump() RETURNS trigger AS $$
BEGIN
    PERFORM 1 FROM schedule_parts WHERE part = ANY(TG_ARGV) ORDER BY part FOR UPDATE;
    UPDATE schedule_parts SET version = version + 1 WHERE part = ANY(TG_ARGV);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Reading "the rows past the last id read" is exact only if ids are handed out in commit order.
-- Ids come from a sequence as rows are made, so the part's row is locked before the statement
-- makes any (BEFORE ... FOR EACH STATEMENT): a second writer of the part waits for the first to
-- commit before it takes an id. (The rows are added with their generated ids: nothing inserts
-- these tables with ids of its own.)
DROP TRIGGER report_submissions_version ON report_submissions;
CREATE TRIGGER report_submissions_added BEFORE INSERT ON report_submissions
FOR EACH STATEMENT EXECUTE FUNCTION schedule_versions_bump('submissions_added');
CREATE TRIGGER report_submissions_version AFTER UPDATE OR DELETE OR TRUNCATE ON report_submissions
FOR EACH STATEMENT EXECUTE FUNCTION schedule_versions_bump('submissions');

DROP TRIGGER escalations_version ON escalations;
CREATE TRIGGER escalations_added BEFORE INSERT ON escalations
FOR EACH STATEMENT EXECUTE FUNCTION schedule_versions_bump('escalations_added');
CREATE TRIGGER escalations_version AFTER UPDATE OR DELETE OR TRUNCATE ON escalations
FOR EACH STATEMENT EXECUTE FUNCTION schedule_versions_bump('escalations');

DROP TABLE schedule_versions;
