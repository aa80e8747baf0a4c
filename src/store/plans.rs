//! Plans, tasks, assignments, the reporting calendar and status history.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::json;

use super::{
    audit, parse_code, parse_kind, parse_status, with_pool, AssignmentView, BeginWrite,
    DueDateChange, Plan, PlanSummary, StatusUpdate, Store, StoreError, StoredPeriod, TaskView,
    UnitBrief,
};
use crate::domain::calendar::DueDateEdit;
use crate::domain::plan::{task_identity_keys, NewPlan};
use crate::domain::{Actor, AssignmentStatus, PeriodKey, PlanCode, ReportOwers, ReportingPeriod};

/// Whether saving a plan whose code exists is an error or a replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveMode {
    CreateOnly,
    /// Tasks are matched by identity (number, else text): matched tasks keep their id, their
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

#[derive(sqlx::FromRow)]
struct TaskUnitRow {
    task_id: i64,
    row_id: i64,
    status: Option<String>,
    unit_id: i64,
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
    unit_id: i64,
    retired: bool,
}

#[derive(sqlx::FromRow)]
struct StatusRow {
    id: i64,
    assignment_id: i64,
    status: String,
    note: String,
    person_id: Option<i64>,
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

fn brief(unit_id: i64, code: String, name: String, kind: &str) -> Result<UnitBrief, StoreError> {
    Ok(UnitBrief {
        id: unit_id,
        code: parse_code(code)?,
        name,
        kind: parse_kind(kind)?,
    })
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

            let stored: Vec<(i64, String)> =
                sqlx::query_as("SELECT id, identity_key FROM tasks WHERE plan_id = $1")
                    .bind(plan_id)
                    .fetch_all(&mut *tx)
                    .await?;
            let stored: HashMap<String, i64> = stored.into_iter().map(|(id, key)| (key, id)).collect();
            let mut live: HashSet<i64> = HashSet::new();

            for (position, (task, key)) in plan.tasks.iter().zip(&keys).enumerate() {
                let dimension_code = task.dimension.as_ref().map(|d| d.code.as_str());
                let dimension = task.dimension.as_ref().map(|d| d.title.as_str());
                let task_id: i64 = match stored.get(key) {
                    Some(&id) => {
                        sqlx::query(
                            "UPDATE tasks SET position = $1, source_row = $2, code = $3, dimension_code = $4, \
                             dimension = $5, criterion = $6, text = $7, target = $8, timeframe = $9, \
                             due_date = $10, expected_output = $11, retired_at = NULL WHERE id = $12",
                        )
                        .bind(position as i64)
                        .bind(task.source_row as i64)
                        .bind(&task.code)
                        .bind(dimension_code)
                        .bind(dimension)
                        .bind(&task.criterion)
                        .bind(&task.text)
                        .bind(&task.target)
                        .bind(&task.timeframe)
                        .bind(task.due_date)
                        .bind(&task.expected_output)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                        sqlx::query("DELETE FROM task_leads WHERE task_id = $1")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        saved.tasks_kept += 1;
                        id
                    }
                    None => {
                        saved.tasks_added += 1;
                        sqlx::query_scalar(
                            "INSERT INTO tasks (plan_id, identity_key, position, source_row, code, dimension_code, \
                             dimension, criterion, text, target, timeframe, due_date, expected_output) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                        )
                        .bind(plan_id)
                        .bind(key)
                        .bind(position as i64)
                        .bind(task.source_row as i64)
                        .bind(&task.code)
                        .bind(dimension_code)
                        .bind(dimension)
                        .bind(&task.criterion)
                        .bind(&task.text)
                        .bind(&task.target)
                        .bind(&task.timeframe)
                        .bind(task.due_date)
                        .bind(&task.expected_output)
                        .fetch_one(&mut *tx)
                        .await?
                    }
                };
                live.insert(task_id);
                for (lead_position, lead) in task.lead_units.iter().enumerate() {
                    sqlx::query("INSERT INTO task_leads (task_id, unit_id, position) VALUES ($1, $2, $3)")
                        .bind(task_id)
                        .bind(lead.id)
                        .bind(lead_position as i64)
                        .execute(&mut *tx)
                        .await?;
                }
                let before: Vec<ExistingAssignment> = if stored.contains_key(key) {
                    sqlx::query_as(
                        "SELECT id, unit_id, retired_at IS NOT NULL AS retired FROM assignments WHERE task_id = $1",
                    )
                    .bind(task_id)
                    .fetch_all(&mut *tx)
                    .await?
                } else {
                    Vec::new()
                };
                let wanted: HashSet<i64> = task.implementing_units.iter().map(|u| u.id).collect();
                for unit in &task.implementing_units {
                    match before.iter().find(|a| a.unit_id == unit.id) {
                        Some(a) if !a.retired => {}
                        Some(a) => {
                            sqlx::query("UPDATE assignments SET retired_at = NULL WHERE id = $1")
                                .bind(a.id)
                                .execute(&mut *tx)
                                .await?;
                            saved.assignments_added += 1;
                        }
                        None => {
                            sqlx::query("INSERT INTO assignments (task_id, unit_id) VALUES ($1, $2)")
                                .bind(task_id)
                                .bind(unit.id)
                                .execute(&mut *tx)
                                .await?;
                            saved.assignments_added += 1;
                        }
                    }
                }
                for gone in before.iter().filter(|a| !a.retired && !wanted.contains(&a.unit_id)) {
                    sqlx::query("UPDATE assignments SET retired_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(gone.id)
                        .execute(&mut *tx)
                        .await?;
                    saved.assignments_retired += 1;
                }
            }

            for (key, id) in stored.iter().filter(|(_, id)| !live.contains(id)) {
                let retired = sqlx::query(
                    "UPDATE tasks SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL",
                )
                .bind(now)
                .bind(*id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if retired == 0 {
                    continue;
                }
                saved.tasks_retired += 1;
                saved.assignments_retired += sqlx::query(
                    "UPDATE assignments SET retired_at = $1 WHERE task_id = $2 AND retired_at IS NULL",
                )
                .bind(now)
                .bind(*id)
                .execute(&mut *tx)
                .await?
                .rows_affected() as usize;
                audit!(&mut *tx, now, actor, "task.retire", "task", id.to_string(),
                    json!({ "plan": plan.code.as_str(), "identity": key }));
            }

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
        const LEADS: &str = "SELECT l.task_id, l.position AS row_id, NULL AS status, u.id AS unit_id, u.code, u.name, u.kind \
                             FROM task_leads l JOIN tasks t ON t.id = l.task_id JOIN units u ON u.id = l.unit_id \
                             WHERE t.plan_id = $1 AND t.retired_at IS NULL ORDER BY l.task_id, l.position";
        const ASSIGNMENTS: &str = "SELECT a.task_id, a.id AS row_id, a.status, u.id AS unit_id, u.code, u.name, u.kind \
                                   FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id \
                                   WHERE t.plan_id = $1 AND t.retired_at IS NULL AND a.retired_at IS NULL \
                                   ORDER BY a.task_id, a.id";
        let (tasks, leads, assignments): (Vec<TaskRow>, Vec<TaskUnitRow>, Vec<TaskUnitRow>) = with_pool!(self, pool => (
            sqlx::query_as(TASKS).bind(plan_id).fetch_all(pool).await?,
            sqlx::query_as(LEADS).bind(plan_id).fetch_all(pool).await?,
            sqlx::query_as(ASSIGNMENTS).bind(plan_id).fetch_all(pool).await?,
        ));
        let mut leads_by_task: HashMap<i64, Vec<UnitBrief>> = HashMap::new();
        for r in leads {
            leads_by_task
                .entry(r.task_id)
                .or_default()
                .push(brief(r.unit_id, r.code, r.name, &r.kind)?);
        }
        let mut assignments_by_task: HashMap<i64, Vec<AssignmentView>> = HashMap::new();
        for r in assignments {
            let status = parse_status(r.status.as_deref().unwrap_or_default())?;
            assignments_by_task
                .entry(r.task_id)
                .or_default()
                .push(AssignmentView {
                    id: r.row_id,
                    unit: brief(r.unit_id, r.code, r.name, &r.kind)?,
                    status,
                });
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

    /// The units that owe the report of `period`: every unit implementing a live task, or
    /// only the communes among them, as the period says.
    pub async fn units_owing(
        &self,
        plan_id: i64,
        period: &StoredPeriod,
    ) -> Result<Vec<UnitBrief>, StoreError> {
        let commune_filter = match period.owed_by {
            ReportOwers::ImplementingUnits => "",
            ReportOwers::Communes => " AND u.kind = 'commune'",
        };
        let sql = format!(
            "SELECT DISTINCT u.id, u.code, u.name, u.kind FROM assignments a \
             JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id \
             WHERE t.plan_id = $1 AND t.retired_at IS NULL AND a.retired_at IS NULL{commune_filter} \
             ORDER BY u.code"
        );
        let rows: Vec<(i64, String, String, String)> = with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(plan_id).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(id, code, name, kind)| brief(id, code, name, &kind))
            .collect()
    }

    /// Records a status reply about one assignment and makes it the assignment's status.
    pub async fn record_status_update(
        &self,
        assignment_id: i64,
        status: AssignmentStatus,
        note: &str,
        person_id: Option<i64>,
        actor: &Actor,
    ) -> Result<StatusUpdate, StoreError> {
        let now = self.now();
        let id: i64 = with_pool!(self, pool => {
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
            let id: i64 = sqlx::query_scalar(
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
        assignment_id: i64,
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
