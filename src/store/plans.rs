//! Plans, tasks, assignments, the reporting calendar and status history.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::json;

use super::{
    audit, audit_batch, for_ids, insert_batched, parse_code, parse_kind, parse_status, with_pool,
    AssignmentView, AuditRow, BeginWrite, DueDateChange, Plan, PlanSummary, StatusUpdate, Store,
    StoreError, StoredPeriod, TaskView, UnitBrief, BATCH_PARAMETERS,
};
use crate::domain::calendar::DueDateEdit;
use crate::domain::plan::{
    match_tasks, task_identity_keys, Dimension, NewPlan, NewTask, StoredTaskIdentity,
};
use crate::domain::{
    Actor, AssignmentId, AssignmentStatus, PeriodKey, PersonId, PlanCode, ReportOwers,
    ReportingPeriod, StatusUpdateId, UnitId, UnitKind,
};

/// Whether saving a plan whose code exists is an error or a replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveMode {
    CreateOnly,
    /// Tasks are matched by identity (dimension and number, then text; see
    /// [`crate::domain::plan::match_tasks`]): matched tasks keep their id, their
    /// assignments' statuses and their status history; vanished ones are retired, not deleted.
    Replace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlanSaved {
    pub plan_id: i64,
    pub replaced: bool,
    pub tasks_added: usize,
    pub tasks_kept: usize,
    pub tasks_retired: usize,
    pub assignments_added: usize,
    pub assignments_retired: usize,
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    code: String,
    title: String,
    year: i64,
    scope_code: String,
    source: String,
    imported_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct PlanSummaryRow {
    #[sqlx(flatten)]
    plan: PlanRow,
    task_count: i64,
    assignment_count: i64,
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: i64,
    position: i64,
    source_row: i64,
    code: Option<String>,
    dimension_code: Option<String>,
    dimension: Option<String>,
    criterion: Option<String>,
    text: String,
    target: String,
    timeframe: String,
    due_date: Option<NaiveDate>,
    expected_output: String,
}

const STORED_TASKS: &str = "SELECT id, identity_key, retired_at IS NOT NULL AS retired, code, \
                            dimension_code, dimension, criterion, text FROM tasks \
                            WHERE plan_id = $1 ORDER BY position, id";

#[derive(sqlx::FromRow)]
struct StoredTaskRow {
    id: i64,
    identity_key: String,
    retired: bool,
    code: Option<String>,
    dimension_code: Option<String>,
    dimension: Option<String>,
    criterion: Option<String>,
    text: String,
}

impl StoredTaskRow {
    fn identity(self) -> StoredTaskIdentity {
        let dimension =
            (self.dimension_code.is_some() || self.dimension.is_some()).then(|| Dimension {
                code: self.dimension_code.unwrap_or_default(),
                title: self.dimension.unwrap_or_default(),
            });
        StoredTaskIdentity {
            id: self.id,
            retired: self.retired,
            code: self.code,
            dimension,
            criterion: self.criterion,
            text: self.text,
        }
    }
}

/// `key`, or `key` with a suffix no other task of the plan has.
fn unique_key(key: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = key.clone();
    let mut n = 1;
    while taken.contains(&candidate) {
        n += 1;
        candidate = format!("{key}~{n}");
    }
    taken.insert(candidate.clone());
    candidate
}

/// One side of a task in a [`PlanDiff`]: where it sits and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskLabel {
    pub dimension: Option<String>,
    pub code: Option<String>,
    pub text: String,
}

impl TaskLabel {
    fn of(dimension: Option<&Dimension>, code: Option<&str>, text: &str) -> Self {
        Self {
            dimension: dimension.map(|d| d.code.clone()).filter(|c| !c.is_empty()),
            code: code.map(str::to_string),
            text: text.to_string(),
        }
    }
}

/// What `--replace` would do to a stored plan's tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanDiff {
    /// Tasks found again with the same number and text.
    pub kept: usize,
    /// Tasks found again with another number or text: (old, new).
    pub changed: Vec<(TaskLabel, TaskLabel)>,
    /// Retired tasks that come back with their history.
    pub revived: Vec<TaskLabel>,
    pub added: Vec<TaskLabel>,
    /// Live tasks no longer in the document.
    pub retired: Vec<TaskLabel>,
    /// Live tasks before the replacement.
    pub live_before: usize,
}

impl PlanDiff {
    /// More than a third of the live tasks would be retired or matched to a changed row:
    /// likely the wrong file, or a renumbering to look at before history moves.
    pub fn needs_confirmation(&self) -> bool {
        (self.retired.len() + self.changed.len()) * 3 > self.live_before
    }
}

/// A lead unit of a task.
#[derive(sqlx::FromRow)]
struct LeadRow {
    task_id: i64,
    unit_id: UnitId,
    code: String,
    name: String,
    kind: String,
}

#[derive(sqlx::FromRow)]
struct PeriodRow {
    id: i64,
    period_key: String,
    label: String,
    due_date: NaiveDate,
    owed_by: String,
}

#[derive(sqlx::FromRow)]
struct ExistingAssignment {
    id: i64,
    task_id: i64,
    unit_id: i64,
    retired: bool,
}

/// How a plan's assignments must change: rows to insert, retired rows to revive, live rows
/// whose unit left a task that stays.
#[derive(Debug, Default)]
struct AssignmentChanges {
    insert: Vec<(i64, i64)>,
    revive: Vec<i64>,
    retire: Vec<i64>,
}

fn assignment_changes(
    plan: &NewPlan,
    task_ids: &[i64],
    before: &[ExistingAssignment],
) -> AssignmentChanges {
    let existing: HashMap<(i64, i64), &ExistingAssignment> =
        before.iter().map(|a| ((a.task_id, a.unit_id), a)).collect();
    let mut changes = AssignmentChanges::default();
    let mut wanted: HashSet<(i64, i64)> = HashSet::new();
    for (task, &task_id) in plan.tasks.iter().zip(task_ids) {
        for unit in &task.implementing_units {
            if !wanted.insert((task_id, unit.id)) {
                continue;
            }
            match existing.get(&(task_id, unit.id)) {
                Some(a) if a.retired => changes.revive.push(a.id),
                Some(_) => {}
                None => changes.insert.push((task_id, unit.id)),
            }
        }
    }
    let live_tasks: HashSet<i64> = task_ids.iter().copied().collect();
    changes.retire = before
        .iter()
        .filter(|a| !a.retired && live_tasks.contains(&a.task_id))
        .filter(|a| !wanted.contains(&(a.task_id, a.unit_id)))
        .map(|a| a.id)
        .collect();
    changes
}

#[derive(sqlx::FromRow)]
struct StatusRow {
    id: StatusUpdateId,
    assignment_id: AssignmentId,
    status: String,
    note: String,
    person_id: Option<PersonId>,
    reported_at: DateTime<Utc>,
}

const PLAN_COLUMNS: &str = "p.id, p.code, p.title, p.year, s.code AS scope_code, p.source, \
                            p.imported_at, p.updated_at";

fn plan_from_row(r: PlanRow) -> Result<Plan, StoreError> {
    Ok(Plan {
        id: r.id,
        code: r.code,
        title: r.title,
        year: i32::try_from(r.year).map_err(|_| StoreError::Corrupt(format!("year {}", r.year)))?,
        scope: parse_code(r.scope_code)?,
        source: r.source,
        imported_at: r.imported_at,
        updated_at: r.updated_at,
    })
}

fn period_from_row(r: PeriodRow) -> Result<StoredPeriod, StoreError> {
    Ok(StoredPeriod {
        id: r.id,
        key: PeriodKey::parse(&r.period_key).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        label: r.label,
        due_date: r.due_date,
        owed_by: r
            .owed_by
            .parse()
            .map_err(|e: crate::domain::ParseError| StoreError::Corrupt(e.to_string()))?,
    })
}

/// The units owing `period`'s report among a plan's live `tasks` (as [`Store::plan_tasks`]
/// reads them): every unit implementing one of them, or only the communes when the period is
/// owed by communes; by code. One rule for the export, the board and `plan show`, made from
/// the tasks a reader already holds rather than a second pass over every assignment.
pub fn owing_among(tasks: &[TaskView], period: &StoredPeriod) -> Vec<UnitBrief> {
    let mut seen = HashSet::new();
    let mut owing: Vec<UnitBrief> = tasks
        .iter()
        .flat_map(|t| &t.assignments)
        .map(|a| &a.unit)
        .filter(|u| match period.owed_by {
            ReportOwers::ImplementingUnits => true,
            ReportOwers::Communes => u.kind == UnitKind::Commune,
        })
        .filter(|u| seen.insert(u.id))
        .cloned()
        .collect();
    owing.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    owing
}

/// What [`Store::plan_tasks`] reads: tasks, leads, each task's `id:unit:status` list of live
/// assignments, and the registry's units.
type PlanRows = (
    Vec<TaskRow>,
    Vec<LeadRow>,
    Vec<(i64, String)>,
    Vec<(UnitId, String, String, String)>,
);

/// One `id:unit:status` item of [`Store::plan_tasks`]'s list, with the unit from `units`.
fn assignment_view(
    item: &str,
    units: &HashMap<UnitId, UnitBrief>,
) -> Result<AssignmentView, StoreError> {
    let corrupt = || StoreError::Corrupt(format!("assignment list item {item:?}"));
    let mut parts = item.splitn(3, ':');
    let (Some(id), Some(unit), Some(status)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(corrupt());
    };
    let id: i64 = id.parse().map_err(|_| corrupt())?;
    let unit = UnitId(unit.parse().map_err(|_| corrupt())?);
    Ok(AssignmentView {
        id,
        unit: units.get(&unit).cloned().ok_or_else(corrupt)?,
        status: parse_status(status)?,
    })
}

pub(crate) fn brief(
    unit_id: UnitId,
    code: String,
    name: String,
    kind: &str,
) -> Result<UnitBrief, StoreError> {
    Ok(UnitBrief {
        id: unit_id,
        code: parse_code(code)?,
        name,
        kind: parse_kind(kind)?,
    })
}

fn diff_tasks(tasks: &[NewTask], stored: &[StoredTaskIdentity]) -> PlanDiff {
    let matches = match_tasks(tasks, stored);
    let mut diff = PlanDiff {
        live_before: stored.iter().filter(|t| !t.retired).count(),
        ..PlanDiff::default()
    };
    let label_new = |t: &NewTask| TaskLabel::of(t.dimension.as_ref(), t.code.as_deref(), &t.text);
    let label_old =
        |t: &StoredTaskIdentity| TaskLabel::of(t.dimension.as_ref(), t.code.as_deref(), &t.text);
    let mut used = vec![false; stored.len()];
    for (task, matched) in tasks.iter().zip(&matches) {
        match matched {
            None => diff.added.push(label_new(task)),
            Some(i) => {
                used[*i] = true;
                let old = &stored[*i];
                if old.retired {
                    diff.revived.push(label_new(task));
                } else if old.code == task.code
                    && old.text == task.text
                    && old.criterion == task.criterion
                {
                    diff.kept += 1;
                } else {
                    diff.changed.push((label_old(old), label_new(task)));
                }
            }
        }
    }
    diff.retired = stored
        .iter()
        .zip(&used)
        .filter(|(t, used)| !t.retired && !**used)
        .map(|(t, _)| label_old(t))
        .collect();
    diff
}

/// The same month and day in another year (29/2 becomes 28/2).
fn move_to_year(date: NaiveDate, year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), date.day() - 1))
}

impl Store {
    pub async fn plan(&self, code: &PlanCode) -> Result<Option<Plan>, StoreError> {
        let sql = format!(
            "SELECT {PLAN_COLUMNS} FROM plans p JOIN units s ON s.id = p.scope_unit_id WHERE p.code = $1"
        );
        let row: Option<PlanRow> = with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(code.as_str()).fetch_optional(pool).await?
        });
        row.map(plan_from_row).transpose()
    }

    /// A plan that must exist.
    pub async fn require_plan(&self, code: &PlanCode) -> Result<Plan, StoreError> {
        self.plan(code).await?.ok_or_else(|| StoreError::NotFound {
            what: "plan",
            key: code.to_string(),
        })
    }

    pub async fn list_plans(&self) -> Result<Vec<PlanSummary>, StoreError> {
        let sql = format!(
            "SELECT {PLAN_COLUMNS}, \
             (SELECT COUNT(*) FROM tasks t WHERE t.plan_id = p.id AND t.retired_at IS NULL) AS task_count, \
             (SELECT COUNT(*) FROM assignments a JOIN tasks t ON t.id = a.task_id \
              WHERE t.plan_id = p.id AND t.retired_at IS NULL AND a.retired_at IS NULL) AS assignment_count \
             FROM plans p JOIN units s ON s.id = p.scope_unit_id ORDER BY p.year DESC, p.code"
        );
        let rows: Vec<PlanSummaryRow> = with_pool!(self, pool => {
            sqlx::query_as(&sql).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|r| {
                Ok(PlanSummary {
                    plan: plan_from_row(r.plan)?,
                    task_count: r.task_count,
                    assignment_count: r.assignment_count,
                })
            })
            .collect()
    }

    /// What replacing the stored plan `plan.code` with `plan` would change, task by task
    /// (the matching `save_plan` does). A plan not stored yet is all new.
    pub async fn plan_diff(&self, plan: &NewPlan) -> Result<PlanDiff, StoreError> {
        let stored_rows: Vec<StoredTaskRow> = with_pool!(self, pool => {
            sqlx::query_as(&format!(
                "{} ",
                STORED_TASKS.replace(
                    "WHERE plan_id = $1",
                    "WHERE plan_id = (SELECT id FROM plans WHERE code = $1)"
                )
            ))
            .bind(plan.code.as_str())
            .fetch_all(pool)
            .await?
        });
        let identities: Vec<StoredTaskIdentity> = stored_rows
            .into_iter()
            .map(StoredTaskRow::identity)
            .collect();
        Ok(diff_tasks(&plan.tasks, &identities))
    }

    /// Stores `plan` in one transaction. `periods` seed the calendar of a new plan; an
    /// existing plan keeps its (possibly edited) calendar, moved to the new year if it changed.
    pub async fn save_plan(
        &self,
        plan: &NewPlan,
        periods: &[ReportingPeriod],
        mode: SaveMode,
        actor: &Actor,
    ) -> Result<PlanSaved, StoreError> {
        let now = self.now();
        let keys = task_identity_keys(&plan.tasks);
        let mut saved = PlanSaved::default();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let scope_id: i64 = sqlx::query_scalar("SELECT id FROM units WHERE code = $1")
                .bind(plan.scope.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound { what: "unit", key: plan.scope.to_string() })?;
            let existing: Option<(i64, i64)> =
                sqlx::query_as("SELECT id, year FROM plans WHERE code = $1")
                    .bind(plan.code.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            let plan_id = match existing {
                Some(_) if mode == SaveMode::CreateOnly => {
                    return Err(StoreError::PlanExists(plan.code.to_string()));
                }
                Some((plan_id, old_year)) => {
                    saved.replaced = true;
                    sqlx::query(
                        "UPDATE plans SET title = $1, year = $2, scope_unit_id = $3, source = $4, \
                         updated_at = $5 WHERE id = $6",
                    )
                    .bind(&plan.title)
                    .bind(i64::from(plan.year.value()))
                    .bind(scope_id)
                    .bind(&plan.source)
                    .bind(now)
                    .bind(plan_id)
                    .execute(&mut *tx)
                    .await?;
                    if old_year != i64::from(plan.year.value()) {
                        let dates: Vec<(i64, NaiveDate)> = sqlx::query_as(
                            "SELECT id, due_date FROM reporting_periods WHERE plan_id = $1",
                        )
                        .bind(plan_id)
                        .fetch_all(&mut *tx)
                        .await?;
                        for (id, date) in dates {
                            if let Some(moved) = move_to_year(date, plan.year.value()) {
                                sqlx::query("UPDATE reporting_periods SET due_date = $1 WHERE id = $2")
                                    .bind(moved)
                                    .bind(id)
                                    .execute(&mut *tx)
                                    .await?;
                            }
                        }
                    }
                    plan_id
                }
                None => {
                    let inserted = sqlx::query_scalar(
                        "INSERT INTO plans (code, title, year, scope_unit_id, source, imported_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                    )
                    .bind(plan.code.as_str())
                    .bind(&plan.title)
                    .bind(i64::from(plan.year.value()))
                    .bind(scope_id)
                    .bind(&plan.source)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await;
                    let plan_id: i64 = match inserted {
                        // Another process created the same code since we looked.
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                            return Err(StoreError::PlanExists(plan.code.to_string()));
                        }
                        other => other?,
                    };
                    for period in periods {
                        sqlx::query(
                            "INSERT INTO reporting_periods (plan_id, period_key, label, due_date, owed_by) \
                             VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(plan_id)
                        .bind(period.key.as_str())
                        .bind(&period.label)
                        .bind(period.due_date)
                        .bind(period.owed_by.as_str())
                        .execute(&mut *tx)
                        .await?;
                    }
                    plan_id
                }
            };
            saved.plan_id = plan_id;

            // Tasks: known ones (by dimension and number, then text) updated in place, new
            // ones inserted in batches under a label no stored task has.
            let stored_rows: Vec<StoredTaskRow> = sqlx::query_as(STORED_TASKS)
                .bind(plan_id)
                .fetch_all(&mut *tx)
                .await?;
            let stored: Vec<(i64, String, bool)> = stored_rows
                .iter()
                .map(|r| (r.id, r.identity_key.clone(), r.retired))
                .collect();
            let identities: Vec<StoredTaskIdentity> =
                stored_rows.into_iter().map(StoredTaskRow::identity).collect();
            let matches = match_tasks(&plan.tasks, &identities);
            let mut taken: HashSet<String> = stored.iter().map(|(_, key, _)| key.clone()).collect();
            let keys: Vec<String> = keys
                .into_iter()
                .zip(&matches)
                .map(|(key, matched)| match matched {
                    Some(_) => key,
                    None => unique_key(key, &mut taken),
                })
                .collect();
            let mut task_ids: Vec<i64> = vec![0; plan.tasks.len()];
            let mut new_tasks: Vec<usize> = Vec::new();
            for (position, (task, matched)) in plan.tasks.iter().zip(&matches).enumerate() {
                let Some(id) = matched.map(|i| identities[i].id) else {
                    new_tasks.push(position);
                    continue;
                };
                task_ids[position] = id;
                saved.tasks_kept += 1;
                sqlx::query(
                    "UPDATE tasks SET position = $1, source_row = $2, code = $3, dimension_code = $4, \
                     dimension = $5, criterion = $6, text = $7, target = $8, timeframe = $9, \
                     due_date = $10, expected_output = $11, retired_at = NULL WHERE id = $12",
                )
                .bind(position as i64)
                .bind(task.source_row as i64)
                .bind(&task.code)
                .bind(task.dimension.as_ref().map(|d| d.code.as_str()))
                .bind(task.dimension.as_ref().map(|d| d.title.as_str()))
                .bind(&task.criterion)
                .bind(&task.text)
                .bind(&task.target)
                .bind(&task.timeframe)
                .bind(task.due_date)
                .bind(&task.expected_output)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            let index_of_key: HashMap<&str, usize> =
                keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
            for chunk in new_tasks.chunks(BATCH_PARAMETERS / 13) {
                let mut query = sqlx::QueryBuilder::new(
                    "INSERT INTO tasks (plan_id, identity_key, position, source_row, code, dimension_code, \
                     dimension, criterion, text, target, timeframe, due_date, expected_output) ",
                );
                query.push_values(chunk, |mut b, &i| {
                    let task = &plan.tasks[i];
                    b.push_bind(plan_id)
                        .push_bind(keys[i].as_str())
                        .push_bind(i as i64)
                        .push_bind(task.source_row as i64)
                        .push_bind(task.code.as_deref())
                        .push_bind(task.dimension.as_ref().map(|d| d.code.as_str()))
                        .push_bind(task.dimension.as_ref().map(|d| d.title.as_str()))
                        .push_bind(task.criterion.as_deref())
                        .push_bind(task.text.as_str())
                        .push_bind(task.target.as_str())
                        .push_bind(task.timeframe.as_str())
                        .push_bind(task.due_date)
                        .push_bind(task.expected_output.as_str());
                });
                query.push(" RETURNING id, identity_key");
                let inserted: Vec<(i64, String)> = query.build_query_as().fetch_all(&mut *tx).await?;
                for (id, key) in inserted {
                    if let Some(&i) = index_of_key.get(key.as_str()) {
                        task_ids[i] = id;
                    }
                }
            }
            saved.tasks_added = new_tasks.len();

            // Leads carry no history: replaced wholesale.
            if saved.replaced {
                sqlx::query("DELETE FROM task_leads WHERE task_id IN (SELECT id FROM tasks WHERE plan_id = $1)")
                    .bind(plan_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let leads: Vec<(i64, i64, i64)> = plan
                .tasks
                .iter()
                .zip(&task_ids)
                .flat_map(|(task, &task_id)| {
                    task.lead_units.iter().enumerate().map(move |(n, u)| (task_id, u.id, n as i64))
                })
                .collect();
            insert_batched!(&mut *tx, "INSERT INTO task_leads (task_id, unit_id, position) ", leads, 3,
                |b, row| b.push_bind(row.0).push_bind(row.1).push_bind(row.2));

            // Assignments carry statuses and history: kept, revived, retired or added.
            let before: Vec<ExistingAssignment> = if saved.replaced {
                sqlx::query_as(
                    "SELECT a.id, a.task_id, a.unit_id, a.retired_at IS NOT NULL AS retired \
                     FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE t.plan_id = $1",
                )
                .bind(plan_id)
                .fetch_all(&mut *tx)
                .await?
            } else {
                Vec::new()
            };
            let plan_changes = assignment_changes(plan, &task_ids, &before);
            insert_batched!(&mut *tx, "INSERT INTO assignments (task_id, unit_id) ", plan_changes.insert, 2,
                |b, row| b.push_bind(row.0).push_bind(row.1));
            for_ids!(&mut *tx, plan_changes.revive, |query| query.push("UPDATE assignments SET retired_at = NULL WHERE id IN"));
            for_ids!(&mut *tx, plan_changes.retire, |query| query
                .push("UPDATE assignments SET retired_at = ")
                .push_bind(now)
                .push(" WHERE id IN"));
            saved.assignments_added = plan_changes.insert.len() + plan_changes.revive.len();
            saved.assignments_retired = plan_changes.retire.len();

            // Tasks that vanished from the document are retired with their assignments.
            let live: HashSet<i64> = task_ids.iter().copied().collect();
            let vanished: Vec<(i64, &str)> = stored
                .iter()
                .filter(|(id, _, retired)| !retired && !live.contains(id))
                .map(|(id, key, _)| (*id, key.as_str()))
                .collect();
            let vanished_ids: Vec<i64> = vanished.iter().map(|(id, _)| *id).collect();
            for_ids!(&mut *tx, vanished_ids, |query| query
                .push("UPDATE tasks SET retired_at = ")
                .push_bind(now)
                .push(" WHERE id IN"));
            let retired_assignments = for_ids!(&mut *tx, vanished_ids, |query| query
                .push("UPDATE assignments SET retired_at = ")
                .push_bind(now)
                .push(" WHERE retired_at IS NULL AND task_id IN"));
            saved.tasks_retired = vanished.len();
            saved.assignments_retired += retired_assignments as usize;
            let retirements: Vec<AuditRow> = vanished
                .iter()
                .map(|(id, key)| AuditRow {
                    action: "task.retire",
                    entity: "task",
                    key: id.to_string(),
                    detail: json!({ "plan": plan.code.as_str(), "identity": key }).to_string(),
                })
                .collect();
            audit_batch!(&mut *tx, now, actor, retirements);

            let action = if saved.replaced { "plan.replace" } else { "plan.create" };
            let detail = json!({
                "title": plan.title,
                "year": plan.year.value(),
                "scope": plan.scope.as_str(),
                "source": plan.source,
                "tasks": plan.tasks.len(),
                "tasks_added": saved.tasks_added,
                "tasks_kept": saved.tasks_kept,
                "tasks_retired": saved.tasks_retired,
                "assignments_added": saved.assignments_added,
                "assignments_retired": saved.assignments_retired,
            });
            audit!(&mut *tx, now, actor, action, "plan", plan.code.as_str(), detail);
            tx.commit().await?;
        });
        Ok(saved)
    }

    /// The plan's live tasks in document order, with leads and implementing units.
    pub async fn plan_tasks(&self, plan_id: i64) -> Result<Vec<TaskView>, StoreError> {
        const TASKS: &str =
            "SELECT id, position, source_row, code, dimension_code, dimension, criterion, text, \
                             target, timeframe, due_date, expected_output FROM tasks \
                             WHERE plan_id = $1 AND retired_at IS NULL ORDER BY position";
        const LEADS: &str = "SELECT l.task_id, u.id AS unit_id, u.code, u.name, u.kind \
                             FROM task_leads l JOIN tasks t ON t.id = l.task_id JOIN units u ON u.id = l.unit_id \
                             WHERE t.plan_id = $1 AND t.retired_at IS NULL ORDER BY l.task_id, l.position";
        // Every live assignment as one `id:unit:status` list a task, and the registry once:
        // 200,000 rows of names decoded one by one were most of what reading a national plan
        // cost (BENCHMARKS.md, "Periodic report export"). `string_agg(… ORDER BY …)` needs
        // SQLite 3.44 (sqlx bundles 3.46); every column is NOT NULL, so no item is dropped.
        const ASSIGNMENTS: &str = "SELECT a.task_id, string_agg(CAST(a.id AS TEXT) || ':' || CAST(a.unit_id AS TEXT) || ':' || a.status, ',' ORDER BY a.id) \
                                   FROM assignments a JOIN tasks t ON t.id = a.task_id \
                                   WHERE t.plan_id = $1 AND t.retired_at IS NULL AND a.retired_at IS NULL \
                                   GROUP BY a.task_id";
        const UNITS: &str = "SELECT id, code, name, kind FROM units";
        let (tasks, leads, assignments, units): PlanRows = with_pool!(self, pool => (
            sqlx::query_as(TASKS).bind(plan_id).fetch_all(pool).await?,
            sqlx::query_as(LEADS).bind(plan_id).fetch_all(pool).await?,
            sqlx::query_as(ASSIGNMENTS).bind(plan_id).fetch_all(pool).await?,
            sqlx::query_as(UNITS).fetch_all(pool).await?,
        ));
        let mut leads_by_task: HashMap<i64, Vec<UnitBrief>> = HashMap::new();
        for r in leads {
            leads_by_task
                .entry(r.task_id)
                .or_default()
                .push(brief(r.unit_id, r.code, r.name, &r.kind)?);
        }
        let units: HashMap<UnitId, UnitBrief> = units
            .into_iter()
            .map(|(id, code, name, kind)| Ok((id, brief(id, code, name, &kind)?)))
            .collect::<Result<_, StoreError>>()?;
        let mut assignments_by_task: HashMap<i64, Vec<AssignmentView>> = HashMap::new();
        for (task_id, list) in assignments {
            let views = list
                .split(',')
                .map(|item| assignment_view(item, &units))
                .collect::<Result<Vec<_>, _>>()?;
            assignments_by_task.insert(task_id, views);
        }
        Ok(tasks
            .into_iter()
            .map(|t| TaskView {
                leads: leads_by_task.remove(&t.id).unwrap_or_default(),
                assignments: assignments_by_task.remove(&t.id).unwrap_or_default(),
                id: t.id,
                position: t.position,
                source_row: t.source_row,
                code: t.code,
                dimension_code: t.dimension_code,
                dimension: t.dimension,
                criterion: t.criterion,
                text: t.text,
                target: t.target,
                timeframe: t.timeframe,
                due_date: t.due_date,
                expected_output: t.expected_output,
            })
            .collect())
    }

    /// The plan's reporting calendar, earliest first.
    pub async fn reporting_periods(&self, plan_id: i64) -> Result<Vec<StoredPeriod>, StoreError> {
        const SQL: &str = "SELECT id, period_key, label, due_date, owed_by FROM reporting_periods \
                           WHERE plan_id = $1 ORDER BY due_date, period_key";
        let rows: Vec<PeriodRow> = with_pool!(self, pool => {
            sqlx::query_as(SQL).bind(plan_id).fetch_all(pool).await?
        });
        rows.into_iter().map(period_from_row).collect()
    }

    /// Moves due dates; a key the plan does not have yet adds a period owed by every
    /// implementing unit. All edits or none.
    pub async fn set_due_dates(
        &self,
        plan_id: i64,
        edits: &[DueDateEdit],
        actor: &Actor,
    ) -> Result<Vec<DueDateChange>, StoreError> {
        let now = self.now();
        let mut changes = Vec::new();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            for edit in edits {
                let before: Option<NaiveDate> = sqlx::query_scalar(
                    "SELECT due_date FROM reporting_periods WHERE plan_id = $1 AND period_key = $2",
                )
                .bind(plan_id)
                .bind(edit.key.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                if before.is_some() {
                    sqlx::query("UPDATE reporting_periods SET due_date = $1 WHERE plan_id = $2 AND period_key = $3")
                        .bind(edit.due_date)
                        .bind(plan_id)
                        .bind(edit.key.as_str())
                        .execute(&mut *tx)
                        .await?;
                } else {
                    sqlx::query(
                        "INSERT INTO reporting_periods (plan_id, period_key, label, due_date, owed_by) \
                         VALUES ($1, $2, $2, $3, $4)",
                    )
                    .bind(plan_id)
                    .bind(edit.key.as_str())
                    .bind(edit.due_date)
                    .bind(ReportOwers::ImplementingUnits.as_str())
                    .execute(&mut *tx)
                    .await?;
                }
                let detail = json!({
                    "plan_id": plan_id,
                    "before": before.map(|d| d.to_string()),
                    "after": edit.due_date.to_string(),
                });
                audit!(&mut *tx, now, actor, "period.set_due_date", "reporting_period",
                    format!("{plan_id}/{}", edit.key), detail);
                changes.push(DueDateChange { key: edit.key.clone(), before, after: edit.due_date });
            }
            tx.commit().await?;
        });
        Ok(changes)
    }

    /// The units owing `period`'s report: see [`owing_among`], over the plan's live tasks.
    pub async fn units_owing(
        &self,
        plan_id: i64,
        period: &StoredPeriod,
    ) -> Result<Vec<UnitBrief>, StoreError> {
        Ok(owing_among(&self.plan_tasks(plan_id).await?, period))
    }

    /// Records a status reply about one assignment and makes it the assignment's status.
    pub async fn record_status_update(
        &self,
        assignment_id: AssignmentId,
        status: AssignmentStatus,
        note: &str,
        person_id: Option<PersonId>,
        actor: &Actor,
    ) -> Result<StatusUpdate, StoreError> {
        let now = self.now();
        let id: StatusUpdateId = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let updated = sqlx::query("UPDATE assignments SET status = $1 WHERE id = $2")
                .bind(status.as_str())
                .bind(assignment_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if updated == 0 {
                return Err(StoreError::NotFound { what: "assignment", key: assignment_id.to_string() });
            }
            let id: StatusUpdateId = sqlx::query_scalar(
                "INSERT INTO status_updates (assignment_id, status, note, person_id, reported_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(assignment_id)
            .bind(status.as_str())
            .bind(note)
            .bind(person_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            audit!(&mut *tx, now, actor, "assignment.status", "assignment", assignment_id.to_string(),
                json!({ "status": status.as_str(), "note": note, "person_id": person_id }));
            tx.commit().await?;
            id
        });
        Ok(StatusUpdate {
            id,
            assignment_id,
            status,
            note: note.to_string(),
            person_id,
            reported_at: now,
        })
    }

    /// Every status reply about an assignment, oldest first.
    pub async fn status_history(
        &self,
        assignment_id: AssignmentId,
    ) -> Result<Vec<StatusUpdate>, StoreError> {
        const SQL: &str =
            "SELECT id, assignment_id, status, note, person_id, reported_at FROM status_updates \
                           WHERE assignment_id = $1 ORDER BY reported_at, id";
        let rows: Vec<StatusRow> = with_pool!(self, pool => {
            sqlx::query_as(SQL).bind(assignment_id).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|r| {
                Ok(StatusUpdate {
                    id: r.id,
                    assignment_id: r.assignment_id,
                    status: parse_status(&r.status)?,
                    note: r.note,
                    person_id: r.person_id,
                    reported_at: r.reported_at,
                })
            })
            .collect()
    }
}
