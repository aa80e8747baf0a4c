//! What a scheduler pass reads in a few bulk queries (never one query per unit or task, so a
//! pass over 200,000 assignments stays fast), and the escalation steps it records.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::{parse_kind, with_pool, BeginWrite, Store, StoreError};
use crate::domain::{
    Actor, AssignmentStatus, Channel, EscalationStep, Ladder, Lang, PersonRole, ReportOwers,
    UnitKind,
};

/// Inserts escalation steps on `$conn` (a transaction), skipping steps already recorded, with
/// an audit row for each new one. Evaluates to how many were new.
macro_rules! insert_escalations {
    ($conn:expr, $records:expr, $now:expr, $actor:expr) => {{
        let mut added: u64 = 0;
        for chunk in $records.chunks($crate::store::BATCH_PARAMETERS / 6) {
            let mut query = sqlx::QueryBuilder::new(
                "INSERT INTO escalations (item_kind, item_id, unit_id, step, due_date, at) ",
            );
            query.push_values(chunk, |mut b, r| {
                b.push_bind(r.kind.as_str())
                    .push_bind(r.item_id)
                    .push_bind(r.unit_id)
                    .push_bind(r.step.number())
                    .push_bind(r.due_date)
                    .push_bind($now);
            });
            query.push(
                " ON CONFLICT (item_kind, item_id, unit_id, step) DO NOTHING \
                 RETURNING item_kind, item_id, unit_id, step, due_date",
            );
            let inserted: Vec<(String, i64, i64, i64, chrono::NaiveDate)> =
                query.build_query_as().fetch_all($conn).await?;
            added += inserted.len() as u64;
            let audit_rows: Vec<$crate::store::AuditRow> = inserted
                .into_iter()
                .map(|(kind, item, unit, step, due)| $crate::store::AuditRow {
                    action: "escalation.step",
                    entity: $crate::store::ItemKind::parse(&kind).as_str(),
                    key: format!("{item}/{unit}"),
                    detail: serde_json::json!({ "step": step, "due_date": due.to_string() })
                        .to_string(),
                })
                .collect();
            $crate::store::audit_batch!($conn, $now, $actor, audit_rows);
        }
        added
    }};
}
pub(crate) use insert_escalations;

/// A reporting period of a live plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodDue {
    pub id: i64,
    pub plan_id: i64,
    pub plan_code: String,
    pub label: String,
    pub due_date: NaiveDate,
    pub owed_by: ReportOwers,
}

/// A plan, with its own escalation ladder when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanBrief {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub scope_unit_id: i64,
    pub ladder: Option<Ladder>,
    /// The plan's year: items of plans of past years are summed up in the digest.
    pub year: i64,
}

/// An open assignment of a task that has a due date of its own.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DatedAssignment {
    pub assignment_id: i64,
    pub task_id: i64,
    pub plan_id: i64,
    pub task_code: Option<String>,
    pub text: String,
    pub unit_id: i64,
    pub due_date: NaiveDate,
    pub status: String,
}

/// A member the service can write to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub person_id: i64,
    pub unit_id: i64,
    pub role: PersonRole,
    pub chat_id: i64,
    pub language: Option<Lang>,
    pub full_name: String,
}

/// A member Telegram said cannot be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreachable {
    pub person_id: i64,
    pub unit_id: i64,
    pub full_name: String,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitInfo {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
}

/// What is escalated: one unit's report for one period, or one assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKind {
    Report,
    Task,
    /// A citizen case as sent to one unit (the item id is the hop's).
    Case,
}

impl ItemKind {
    pub(crate) fn parse(raw: &str) -> ItemKind {
        match raw {
            "report" => ItemKind::Report,
            "case" => ItemKind::Case,
            _ => ItemKind::Task,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Report => "report",
            ItemKind::Task => "task",
            ItemKind::Case => "case",
        }
    }
}

/// One escalation step to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationRecord {
    pub kind: ItemKind,
    /// The period id (reports) or the assignment id (tasks).
    pub item_id: i64,
    pub unit_id: i64,
    pub step: EscalationStep,
    pub due_date: NaiveDate,
}

/// Everything a pass needs, read at once.
#[derive(Debug, Clone, Default)]
pub struct ScheduleSnapshot {
    pub plans: Vec<PlanBrief>,
    pub periods: Vec<PeriodDue>,
    /// (plan, unit): the unit implements at least one live task of the plan.
    pub plan_units: Vec<(i64, i64)>,
    /// (period, unit) → when the unit first reported.
    pub submissions: HashMap<(i64, i64), DateTime<Utc>>,
    /// Open dated assignments due on or before the horizon (all overdue ones included).
    pub dated: Vec<DatedAssignment>,
    /// Lead units of the dated tasks.
    pub task_leads: HashMap<i64, Vec<i64>>,
    pub recipients: Vec<Recipient>,
    pub unreachable: Vec<Unreachable>,
    pub units: HashMap<i64, UnitInfo>,
    /// The highest step recorded for each escalated item.
    pub escalated: HashMap<(ItemKind, i64, i64), EscalationStep>,
    /// Citizen cases still with a unit (forwarded or accepted), with their numbers.
    pub case_hops: Vec<(super::HopView, crate::domain::case::CaseNumber)>,
    /// Lookups over the parts above, rebuilt with the part they index.
    pub index: SnapshotIndex,
}

/// Lookups a pass makes over and over, kept with the snapshot so a pass that reads nothing
/// new does not rebuild them.
#[derive(Debug, Clone, Default)]
pub struct SnapshotIndex {
    /// unit → positions of its members in `recipients`.
    pub members: HashMap<i64, Vec<usize>>,
    /// plan → the units implementing its live tasks, in `plan_units` order.
    pub plan_units: HashMap<i64, Vec<i64>>,
    /// unit → the units directly under it.
    pub children: HashMap<i64, Vec<i64>>,
}

/// The counters `schedule_versions` keeps (migration 20261206000014): each moves when a table
/// a part of the snapshot is read from changes, in the writer's transaction, whichever process
/// wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct ScheduleVersions {
    /// plans, reporting periods, tasks, task leads.
    pub plans: i64,
    /// assignments added, removed, retired or moved.
    pub assignment_set: i64,
    /// any change to assignments (statuses too).
    pub assignments: i64,
    pub submissions: i64,
    pub people: i64,
    pub units: i64,
    pub escalations: i64,
}

/// A snapshot kept between passes, with the counters it was read at
/// (`Store::refresh_snapshot`).
#[derive(Debug, Clone, Default)]
pub struct SnapshotCache {
    versions: Option<ScheduleVersions>,
    horizon: Option<NaiveDate>,
    snapshot: ScheduleSnapshot,
}

/// Live assignments counted by plan, dimension, unit (or lead unit) and status, for digests.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StatusCount {
    pub plan_id: i64,
    pub dimension: Option<String>,
    pub unit_id: i64,
    pub status: String,
    pub n: i64,
}

impl StatusCount {
    pub fn status(&self) -> AssignmentStatus {
        self.status.parse().unwrap_or(AssignmentStatus::NotStarted)
    }
}

/// An open task of a unit, as a reminder lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenTask {
    pub assignment_id: i64,
    pub plan_id: i64,
    pub unit_id: i64,
    pub task_code: Option<String>,
    pub text: String,
    pub status: String,
    /// How many tasks the unit has open in the plan, listed or not.
    pub open_in_plan: i64,
}

#[derive(sqlx::FromRow)]
struct PeriodRow {
    id: i64,
    plan_id: i64,
    plan_code: String,
    label: String,
    due_date: NaiveDate,
    owed_by: String,
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    code: String,
    title: String,
    scope_unit_id: i64,
    escalation_ladder: Option<String>,
    year: i64,
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    unit_id: i64,
    role: String,
    telegram_user_id: Option<i64>,
    zalo_chat: Option<i64>,
    channel_choice: Option<String>,
    last_channel: Option<String>,
    language: Option<String>,
    full_name: String,
    unreachable_at: Option<DateTime<Utc>>,
}

impl PersonRow {
    /// The one chat they are written to (`domain::channel::chat_to_write`); None: not linked.
    fn chat_to_write(&self) -> Option<i64> {
        crate::domain::channel::chat_to_write(
            self.telegram_user_id,
            self.zalo_chat,
            self.channel_choice.as_deref().and_then(Channel::parse),
            self.last_channel.as_deref().and_then(Channel::parse),
        )
    }
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    code: String,
    name: String,
    kind: String,
    parent_id: Option<i64>,
}

const LIVE: &str = "a.retired_at IS NULL AND t.retired_at IS NULL";

impl Store {
    /// Reads what a pass on a day needs; dated assignments due after `horizon` are left out.
    pub async fn schedule_snapshot(
        &self,
        horizon: NaiveDate,
    ) -> Result<ScheduleSnapshot, StoreError> {
        let mut cache = SnapshotCache::default();
        self.refresh_snapshot(&mut cache, horizon).await?;
        Ok(cache.snapshot)
    }

    /// The counters of `schedule_versions`: what changed since a cache was filled.
    pub async fn schedule_versions(&self) -> Result<ScheduleVersions, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT plans, assignment_set, assignments, submissions, people, units, escalations \
                 FROM schedule_versions WHERE id = 1",
            )
            .fetch_one(pool).await?
        }))
    }

    /// Brings `cache` up to date for a pass whose dated tasks reach `horizon`: reads the
    /// counters first, then again only the parts whose tables changed since the cache was
    /// filled (all of them the first time). The live citizen cases are read every time (only
    /// the live ones: an indexed handful). Reading the counters before the data means a change
    /// committed in between is at worst read twice, never missed.
    pub async fn refresh_snapshot<'c>(
        &self,
        cache: &'c mut SnapshotCache,
        horizon: NaiveDate,
    ) -> Result<&'c ScheduleSnapshot, StoreError> {
        let now = self.schedule_versions().await?;
        let was = cache.versions.take();
        let changed =
            |part: fn(&ScheduleVersions) -> i64| was.is_none_or(|w| part(&w) != part(&now));
        let snapshot = &mut cache.snapshot;
        if changed(|v| v.plans) {
            let (plans, periods) = self.snapshot_plans().await?;
            snapshot.plans = plans;
            snapshot.periods = periods;
        }
        if changed(|v| v.plans) || changed(|v| v.assignment_set) {
            snapshot.plan_units = self.snapshot_plan_units().await?;
            let mut by_plan: HashMap<i64, Vec<i64>> = HashMap::new();
            for (plan, unit) in &snapshot.plan_units {
                by_plan.entry(*plan).or_default().push(*unit);
            }
            snapshot.index.plan_units = by_plan;
        }
        if changed(|v| v.plans) || changed(|v| v.assignments) || cache.horizon != Some(horizon) {
            let (dated, task_leads) = self.snapshot_dated(horizon).await?;
            snapshot.dated = dated;
            snapshot.task_leads = task_leads;
            cache.horizon = Some(horizon);
        }
        if changed(|v| v.submissions) {
            snapshot.submissions = self.snapshot_submissions().await?;
        }
        if changed(|v| v.people) {
            let (recipients, unreachable) = self.snapshot_people().await?;
            let mut members: HashMap<i64, Vec<usize>> = HashMap::new();
            for (position, r) in recipients.iter().enumerate() {
                members.entry(r.unit_id).or_default().push(position);
            }
            snapshot.recipients = recipients;
            snapshot.unreachable = unreachable;
            snapshot.index.members = members;
        }
        if changed(|v| v.units) {
            snapshot.units = self.snapshot_units().await?;
            let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
            for unit in snapshot.units.values() {
                if let Some(parent) = unit.parent_id {
                    children.entry(parent).or_default().push(unit.id);
                }
            }
            snapshot.index.children = children;
        }
        if changed(|v| v.escalations) {
            snapshot.escalated = self.snapshot_escalated().await?;
        }
        snapshot.case_hops = self.live_hops().await?;
        cache.versions = Some(now);
        Ok(&cache.snapshot)
    }

    async fn snapshot_plans(&self) -> Result<(Vec<PlanBrief>, Vec<PeriodDue>), StoreError> {
        let plans: Vec<PlanRow> = with_pool!(self, pool => {
            sqlx::query_as("SELECT id, code, title, scope_unit_id, escalation_ladder, year FROM plans ORDER BY code")
                .fetch_all(pool).await?
        });
        let periods: Vec<PeriodRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT rp.id, rp.plan_id, p.code AS plan_code, rp.label, rp.due_date, rp.owed_by \
                 FROM reporting_periods rp JOIN plans p ON p.id = rp.plan_id ORDER BY rp.due_date, p.code",
            )
            .fetch_all(pool).await?
        });
        let mut briefs = Vec::with_capacity(plans.len());
        for plan in plans {
            let ladder =
                match plan.escalation_ladder {
                    Some(json) => Some(serde_json::from_str(&json).map_err(|e| {
                        StoreError::Corrupt(format!("plan {} ladder: {e}", plan.code))
                    })?),
                    None => None,
                };
            briefs.push(PlanBrief {
                id: plan.id,
                code: plan.code,
                title: plan.title,
                scope_unit_id: plan.scope_unit_id,
                ladder,
                year: plan.year,
            });
        }
        let mut dues = Vec::with_capacity(periods.len());
        for p in periods {
            dues.push(PeriodDue {
                id: p.id,
                plan_id: p.plan_id,
                plan_code: p.plan_code,
                label: p.label,
                due_date: p.due_date,
                owed_by: p
                    .owed_by
                    .parse()
                    .map_err(|e: crate::domain::ParseError| StoreError::Corrupt(e.to_string()))?,
            });
        }
        Ok((briefs, dues))
    }

    async fn snapshot_plan_units(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_as(&format!(
                "SELECT DISTINCT t.plan_id, a.unit_id FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE {LIVE}"
            ))
            .fetch_all(pool).await?
        }))
    }

    async fn snapshot_submissions(&self) -> Result<HashMap<(i64, i64), DateTime<Utc>>, StoreError> {
        let submissions: Vec<(i64, i64, DateTime<Utc>)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT period_id, unit_id, MIN(submitted_at) FROM report_submissions GROUP BY period_id, unit_id",
            )
            .fetch_all(pool).await?
        });
        Ok(submissions
            .into_iter()
            .map(|(p, u, at)| ((p, u), at))
            .collect())
    }

    async fn snapshot_dated(
        &self,
        horizon: NaiveDate,
    ) -> Result<(Vec<DatedAssignment>, HashMap<i64, Vec<i64>>), StoreError> {
        let dated: Vec<DatedAssignment> = with_pool!(self, pool => {
            sqlx::query_as(&format!(
                "SELECT a.id AS assignment_id, t.id AS task_id, t.plan_id, t.code AS task_code, t.text, \
                 a.unit_id, t.due_date, a.status FROM assignments a JOIN tasks t ON t.id = a.task_id \
                 WHERE {LIVE} AND a.status <> 'done' AND t.due_date IS NOT NULL AND t.due_date <= $1 \
                 ORDER BY t.due_date, a.id"
            ))
            .bind(horizon)
            .fetch_all(pool).await?
        });
        let leads: Vec<(i64, i64)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT tl.task_id, tl.unit_id FROM task_leads tl JOIN tasks t ON t.id = tl.task_id \
                 WHERE t.retired_at IS NULL AND t.due_date IS NOT NULL AND t.due_date <= $1 ORDER BY tl.position",
            )
            .bind(horizon)
            .fetch_all(pool).await?
        });
        let mut task_leads: HashMap<i64, Vec<i64>> = HashMap::new();
        for (task, unit) in leads {
            task_leads.entry(task).or_default().push(unit);
        }
        Ok((dated, task_leads))
    }

    async fn snapshot_people(&self) -> Result<(Vec<Recipient>, Vec<Unreachable>), StoreError> {
        let people: Vec<PersonRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, unit_id, role, telegram_user_id, zalo_chat, channel_choice, last_channel, \
                 language, full_name, unreachable_at \
                 FROM people WHERE telegram_user_id IS NOT NULL OR zalo_chat IS NOT NULL ORDER BY id",
            )
            .fetch_all(pool).await?
        });
        let (mut recipients, mut unreachable) = (Vec::new(), Vec::new());
        for person in people {
            // One messenger per member, never both: the scheduler only sees the chat.
            let Some(chat_id) = person.chat_to_write() else {
                continue;
            };
            match person.unreachable_at {
                Some(since) => unreachable.push(Unreachable {
                    person_id: person.id,
                    unit_id: person.unit_id,
                    full_name: person.full_name,
                    since,
                }),
                None => recipients.push(Recipient {
                    person_id: person.id,
                    unit_id: person.unit_id,
                    role: person
                        .role
                        .parse()
                        .map_err(|e: crate::domain::ParseError| {
                            StoreError::Corrupt(e.to_string())
                        })?,
                    chat_id,
                    language: person.language.and_then(|l| l.parse().ok()),
                    full_name: person.full_name,
                }),
            }
        }
        Ok((recipients, unreachable))
    }

    async fn snapshot_units(&self) -> Result<HashMap<i64, UnitInfo>, StoreError> {
        let units: Vec<UnitRow> = with_pool!(self, pool => {
            sqlx::query_as("SELECT id, code, name, kind, parent_id FROM units").fetch_all(pool).await?
        });
        let mut infos = HashMap::with_capacity(units.len());
        for unit in units {
            infos.insert(
                unit.id,
                UnitInfo {
                    id: unit.id,
                    code: unit.code,
                    name: unit.name,
                    kind: parse_kind(&unit.kind)?,
                    parent_id: unit.parent_id,
                },
            );
        }
        Ok(infos)
    }

    async fn snapshot_escalated(
        &self,
    ) -> Result<HashMap<(ItemKind, i64, i64), EscalationStep>, StoreError> {
        let escalated: Vec<(String, i64, i64, i64)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT item_kind, item_id, unit_id, MAX(step) FROM escalations GROUP BY item_kind, item_id, unit_id")
                .fetch_all(pool).await?
        });
        let mut steps = HashMap::with_capacity(escalated.len());
        for (kind, item, unit, step) in escalated {
            let kind = ItemKind::parse(&kind);
            if let Some(step) = EscalationStep::from_number(step) {
                steps.insert((kind, item, unit), step);
            }
        }
        Ok(steps)
    }

    /// Open tasks of `unit_ids` (what a report reminder lists), by unit and plan: the first
    /// `per_plan` of each unit in each plan, in plan order, each row with the unit's count of
    /// open tasks in that plan. A reminder lists only the first few, and reading every open
    /// assignment of thousands of units (with its text) made this the slowest read of a pass.
    pub async fn open_tasks_of(
        &self,
        unit_ids: &[i64],
        per_plan: usize,
    ) -> Result<Vec<OpenTask>, StoreError> {
        let per_plan = i64::try_from(per_plan).unwrap_or(i64::MAX);
        let mut tasks = Vec::new();
        for chunk in unit_ids.chunks(super::BATCH_PARAMETERS - 1) {
            let rows: Vec<OpenTask> = with_pool!(self, pool => {
                let mut query = sqlx::QueryBuilder::new(format!(
                    "SELECT o.assignment_id, lt.plan_id, o.unit_id, lt.code AS task_code, lt.text, o.status, \
                     o.open_in_plan FROM (SELECT assignment_id, task_id, unit_id, status, open_in_plan FROM \
                     (SELECT a.id AS assignment_id, a.task_id, a.unit_id, a.status, ROW_NUMBER() OVER w AS row_no, \
                     COUNT(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS open_in_plan \
                     FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE {LIVE} AND a.status <> 'done' \
                     AND a.unit_id IN ("
                ));
                let mut list = query.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                query.push(
                    ") WINDOW w AS (PARTITION BY a.unit_id, t.plan_id ORDER BY t.position)) numbered \
                     WHERE row_no <= ",
                );
                query.push_bind(per_plan);
                query.push(") o JOIN tasks lt ON lt.id = o.task_id ORDER BY o.unit_id, lt.plan_id, lt.position");
                query.build_query_as().fetch_all(pool).await?
            });
            tasks.extend(rows);
        }
        Ok(tasks)
    }

    /// Live assignments counted by plan, dimension, implementing unit and status.
    /// Units leading at least one live task (whether or not the task has live assignments):
    /// a few hundred rows, read without touching the assignments.
    pub async fn lead_units_of_live_tasks(&self) -> Result<HashSet<i64>, StoreError> {
        let units: Vec<i64> = with_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT DISTINCT tl.unit_id FROM task_leads tl JOIN tasks t ON t.id = tl.task_id \
                 WHERE t.retired_at IS NULL",
            )
            .fetch_all(pool).await?
        });
        Ok(units.into_iter().collect())
    }

    pub async fn status_counts_by_unit(&self) -> Result<Vec<StatusCount>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_as(&format!(
                "SELECT t.plan_id, t.dimension, a.unit_id, a.status, COUNT(*) AS n \
                 FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE {LIVE} \
                 GROUP BY t.plan_id, t.dimension, a.unit_id, a.status"
            ))
            .fetch_all(pool).await?
        }))
    }

    /// Live assignments counted by plan, dimension, lead unit and status.
    pub async fn status_counts_by_lead(&self) -> Result<Vec<StatusCount>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_as(&format!(
                "SELECT t.plan_id, t.dimension, tl.unit_id, a.status, COUNT(*) AS n \
                 FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN task_leads tl ON tl.task_id = t.id \
                 WHERE {LIVE} GROUP BY t.plan_id, t.dimension, tl.unit_id, a.status"
            ))
            .fetch_all(pool).await?
        }))
    }

    /// Records escalation steps (each once: a step already recorded is skipped) with an
    /// audit row for each new one. Returns how many were new.
    pub async fn record_escalations(
        &self,
        records: &[EscalationRecord],
    ) -> Result<u64, StoreError> {
        Ok(self.queue_pass(&[], records).await?.1)
    }

    /// A plan's own escalation ladder, if it has one.
    pub async fn plan_ladder(&self, plan_id: i64) -> Result<Option<Ladder>, StoreError> {
        let json: Option<Option<String>> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT escalation_ladder FROM plans WHERE id = $1")
                .bind(plan_id)
                .fetch_optional(pool)
                .await?
        });
        json.flatten()
            .map(|j| serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }

    /// Sets plan `code`'s own escalation ladder, or goes back to the default with `None`.
    pub async fn set_plan_ladder(
        &self,
        plan_id: i64,
        ladder: Option<&Ladder>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = self.now();
        let json = ladder
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE plans SET escalation_ladder = $1 WHERE id = $2")
                .bind(&json)
                .bind(plan_id)
                .execute(&mut *tx)
                .await?;
            super::audit!(&mut *tx, now, actor, "plan.ladder", "plan", plan_id.to_string(),
                json!({ "ladder": json }));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Remembers a small fact about the running service.
    pub async fn set_service_state(&self, name: &str, value: &str) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO service_state (name, value, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            )
            .bind(name)
            .bind(value)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Remembers which bot serves this database. Update ids count per bot, so when another
    /// bot takes over (a new token) the ids already processed are forgotten; otherwise the new
    /// bot's first updates would look like redeliveries and be ignored. True when it changed.
    pub async fn adopt_bot(&self, bot_id: i64) -> Result<bool, StoreError> {
        let now = self.now();
        let value = bot_id.to_string();
        Ok(with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let previous: Option<String> =
                sqlx::query_scalar("SELECT value FROM service_state WHERE name = 'telegram.bot_id'")
                    .fetch_optional(&mut *tx)
                    .await?;
            let changed = previous.as_deref().is_some_and(|p| p != value);
            if changed {
                sqlx::query("DELETE FROM processed_updates").execute(&mut *tx).await?;
                sqlx::query("DELETE FROM inbox").execute(&mut *tx).await?;
                super::audit!(&mut *tx, now, Actor::system(), "bot.changed", "telegram_bot", value.clone(),
                    json!({ "previous": previous }));
            }
            if previous.as_deref() != Some(value.as_str()) {
                sqlx::query(
                    "INSERT INTO service_state (name, value, updated_at) VALUES ('telegram.bot_id', $1, $2) \
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                )
                .bind(&value)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            changed
        }))
    }

    pub async fn service_state(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar("SELECT value FROM service_state WHERE name = $1")
                .bind(name)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Escalation steps recorded for `unit_ids`' items, for `/tinhhinh`: (kind, item, unit, step).
    pub async fn escalations_of(
        &self,
        unit_ids: &[i64],
    ) -> Result<Vec<(ItemKind, i64, i64, EscalationStep)>, StoreError> {
        let mut found = Vec::new();
        for chunk in unit_ids.chunks(super::BATCH_PARAMETERS - 1) {
            let rows: Vec<(String, i64, i64, i64)> = with_pool!(self, pool => {
                let mut query = sqlx::QueryBuilder::new(
                    "SELECT item_kind, item_id, unit_id, MAX(step) FROM escalations WHERE unit_id IN (",
                );
                let mut list = query.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                query.push(") GROUP BY item_kind, item_id, unit_id");
                query.build_query_as().fetch_all(pool).await?
            });
            for (kind, item, unit, step) in rows {
                let kind = ItemKind::parse(&kind);
                if let Some(step) = EscalationStep::from_number(step) {
                    found.push((kind, item, unit, step));
                }
            }
        }
        Ok(found)
    }
}
