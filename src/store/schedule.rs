//! What a scheduler pass reads — the working calendar, then its snapshot — in a few bulk
//! queries (never one query per unit or task, so a pass over 200,000 assignments stays fast),
//! and the escalation steps it records.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::{parse_kind, with_pool, BeginWrite, Store, StoreError};
use crate::domain::{
    Actor, AssignmentStatus, CalendarDay, Channel, DayKind, EscalationStep, Ladder, Lang,
    PersonRole, ReportOwers, UnitKind, WorkingCalendar,
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

/// The counters `schedule_parts` keeps (migrations 20261206000014, 20261207000031: one row a
/// part): each moves when a table a part of the snapshot is read from changes, in the writer's
/// transaction, whichever process wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleVersions {
    /// plans, reporting periods, tasks, task leads.
    pub plans: i64,
    /// assignments added, removed, retired or moved.
    pub assignment_set: i64,
    /// any change to assignments (statuses too).
    pub assignments: i64,
    /// reports updated or deleted (read whole again).
    pub submissions: i64,
    /// reports added (only the rows past the last id read are read).
    pub submissions_added: i64,
    pub people: i64,
    pub units: i64,
    /// escalation steps updated or deleted (read whole again).
    pub escalations: i64,
    /// escalation steps added (only the rows past the last id read are read).
    pub escalations_added: i64,
}

/// A snapshot kept between passes, with the counters it was read at
/// (`Store::refresh_snapshot`).
#[derive(Debug, Clone, Default)]
pub struct SnapshotCache {
    versions: Option<ScheduleVersions>,
    horizon: Option<NaiveDate>,
    /// The last report and escalation step read (ids): what was added since comes after.
    submissions_read: i64,
    escalations_read: i64,
    snapshot: ScheduleSnapshot,
}

impl SnapshotCache {
    /// The change counters the kept snapshot was read at (None before the first read).
    pub fn versions(&self) -> Option<ScheduleVersions> {
        self.versions
    }

    /// The kept snapshot, as the last [`Store::refresh_snapshot`] left it.
    pub fn snapshot(&self) -> &ScheduleSnapshot {
        &self.snapshot
    }
}

/// Live assignments of one live task with one status, for digests.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaskStatusCount {
    pub task_id: i64,
    pub plan_id: i64,
    pub dimension: Option<String>,
    pub status: String,
    pub n: i64,
}

/// Live assignments counted by plan, dimension and status: the figures a digest prints.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StatusTally {
    pub plan_id: i64,
    pub dimension: Option<String>,
    pub status: String,
    pub n: i64,
}

impl StatusTally {
    pub fn status(&self) -> AssignmentStatus {
        self.status.parse().unwrap_or(AssignmentStatus::NotStarted)
    }
}

impl From<&TaskStatusCount> for StatusTally {
    fn from(c: &TaskStatusCount) -> Self {
        StatusTally {
            plan_id: c.plan_id,
            dimension: c.dimension.clone(),
            status: c.status.clone(),
            n: c.n,
        }
    }
}

/// A live task as a report reminder lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskLine {
    pub code: Option<String>,
    pub text: String,
}

/// The open tasks of some units, as report reminders list them: for each unit and plan, the
/// first few in plan order and how many are open in all.
#[derive(Debug, Clone, Default)]
pub struct OpenTasks {
    /// task id → its line, for every task listed below.
    tasks: HashMap<i64, TaskLine>,
    /// (unit, plan) → the first open tasks in plan order, and how many are open in all.
    lists: HashMap<(i64, i64), (Vec<i64>, usize)>,
}

impl OpenTasks {
    /// The first open tasks of `unit_id` in `plan_id` (at most the `per_plan` the store was
    /// asked for), in plan order, and how many it has open there in all.
    pub fn of(&self, unit_id: i64, plan_id: i64) -> (Vec<&TaskLine>, usize) {
        match self.lists.get(&(unit_id, plan_id)) {
            Some((listed, open)) => (
                listed.iter().filter_map(|id| self.tasks.get(id)).collect(),
                *open,
            ),
            None => (Vec::new(), 0),
        }
    }
}

#[derive(sqlx::FromRow)]
struct LiveTaskRow {
    id: i64,
    plan_id: i64,
    code: Option<String>,
    text: String,
    position: i64,
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

/// The highest step recorded for each escalated item (kind, item, unit).
type Escalated = HashMap<(ItemKind, i64, i64), EscalationStep>;

/// Keeps the higher of each item's step in `steps` and `rows` (kind, item, unit, step, id);
/// returns the highest id seen, at least `after`.
fn add_steps(steps: &mut Escalated, rows: Vec<(String, i64, i64, i64, i64)>, after: i64) -> i64 {
    let mut last = after;
    for (kind, item, unit, step, id) in rows {
        last = last.max(id);
        let Some(step) = EscalationStep::from_number(step) else {
            continue;
        };
        let kept = steps
            .entry((ItemKind::parse(&kind), item, unit))
            .or_insert(step);
        if step > *kept {
            *kept = step;
        }
    }
    last
}

/// A row of the holiday table.
#[derive(sqlx::FromRow)]
pub(super) struct HolidayRow {
    day: NaiveDate,
    name: String,
    kind: String,
}

impl TryFrom<HolidayRow> for CalendarDay {
    type Error = StoreError;

    fn try_from(row: HolidayRow) -> Result<Self, Self::Error> {
        let kind: DayKind = row
            .kind
            .parse()
            .map_err(|e: crate::domain::ParseError| StoreError::Corrupt(e.to_string()))?;
        Ok(CalendarDay {
            date: row.day,
            name: row.name,
            kind,
        })
    }
}

impl Store {
    /// Weekends plus every row of the holiday table (a few dozen a year).
    pub async fn working_calendar(&self) -> Result<WorkingCalendar, StoreError> {
        const SQL: &str = "SELECT day, name, kind FROM holidays ORDER BY day";
        let rows: Vec<HolidayRow> = with_pool!(self, pool => {
            sqlx::query_as(SQL).fetch_all(pool).await?
        });
        let days = rows
            .into_iter()
            .map(CalendarDay::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(WorkingCalendar::new(&days))
    }

    /// Reads what a pass on a day needs; dated assignments due after `horizon` are left out.
    pub async fn schedule_snapshot(
        &self,
        horizon: NaiveDate,
    ) -> Result<ScheduleSnapshot, StoreError> {
        let mut cache = SnapshotCache::default();
        self.refresh_snapshot(&mut cache, horizon).await?;
        Ok(cache.snapshot)
    }

    /// The counters of `schedule_parts`: what changed since a cache was filled.
    pub async fn schedule_versions(&self) -> Result<ScheduleVersions, StoreError> {
        let rows: Vec<(String, i64)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT part, version FROM schedule_parts")
                .fetch_all(pool).await?
        });
        let parts: HashMap<String, i64> = rows.into_iter().collect();
        // A missing row would read as "never changes": a pass would keep a stale copy forever.
        let part = |name: &str| {
            parts
                .get(name)
                .copied()
                .ok_or_else(|| StoreError::Corrupt(format!("schedule_parts has no row {name}")))
        };
        Ok(ScheduleVersions {
            plans: part("plans")?,
            assignment_set: part("assignment_set")?,
            assignments: part("assignments")?,
            submissions: part("submissions")?,
            submissions_added: part("submissions_added")?,
            people: part("people")?,
            units: part("units")?,
            escalations: part("escalations")?,
            escalations_added: part("escalations_added")?,
        })
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
            let (submissions, last) = self.snapshot_submissions().await?;
            snapshot.submissions = submissions;
            cache.submissions_read = last;
        } else if changed(|v| v.submissions_added) {
            cache.submissions_read = self
                .add_submissions(&mut snapshot.submissions, cache.submissions_read)
                .await?;
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
            let (escalated, last) = self.snapshot_escalated().await?;
            snapshot.escalated = escalated;
            cache.escalations_read = last;
        } else if changed(|v| v.escalations_added) {
            cache.escalations_read = self
                .add_escalated(&mut snapshot.escalated, cache.escalations_read)
                .await?;
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

    /// Each unit's first report for each period, and the last report id read.
    async fn snapshot_submissions(
        &self,
    ) -> Result<(HashMap<(i64, i64), DateTime<Utc>>, i64), StoreError> {
        let submissions: Vec<(i64, i64, DateTime<Utc>, i64)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT period_id, unit_id, MIN(submitted_at), MAX(id) FROM report_submissions \
                 GROUP BY period_id, unit_id",
            )
            .fetch_all(pool).await?
        });
        let last = submissions.iter().map(|s| s.3).max().unwrap_or(0);
        let first = submissions
            .into_iter()
            .map(|(p, u, at, _)| ((p, u), at))
            .collect();
        Ok((first, last))
    }

    /// Adds the reports past id `after` to `first` (each unit's first report for each period);
    /// returns the last id read.
    async fn add_submissions(
        &self,
        first: &mut HashMap<(i64, i64), DateTime<Utc>>,
        after: i64,
    ) -> Result<i64, StoreError> {
        let added: Vec<(i64, i64, DateTime<Utc>, i64)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT period_id, unit_id, submitted_at, id FROM report_submissions WHERE id > $1",
            )
            .bind(after)
            .fetch_all(pool).await?
        });
        let mut last = after;
        for (period, unit, at, id) in added {
            let kept = first.entry((period, unit)).or_insert(at);
            *kept = (*kept).min(at);
            last = last.max(id);
        }
        Ok(last)
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

    /// The highest step recorded for each escalated item, and the last step id read.
    async fn snapshot_escalated(&self) -> Result<(Escalated, i64), StoreError> {
        let escalated: Vec<(String, i64, i64, i64, i64)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT item_kind, item_id, unit_id, MAX(step), MAX(id) FROM escalations \
                 GROUP BY item_kind, item_id, unit_id",
            )
            .fetch_all(pool).await?
        });
        let mut steps = HashMap::with_capacity(escalated.len());
        let last = add_steps(&mut steps, escalated, 0);
        Ok((steps, last))
    }

    /// Adds the steps past id `after` to `steps`; returns the last id read.
    async fn add_escalated(&self, steps: &mut Escalated, after: i64) -> Result<i64, StoreError> {
        let added: Vec<(String, i64, i64, i64, i64)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT item_kind, item_id, unit_id, step, id FROM escalations WHERE id > $1",
            )
            .bind(after)
            .fetch_all(pool).await?
        });
        Ok(add_steps(steps, added, after))
    }

    /// Open tasks of `unit_ids` (what a report reminder lists): the first `per_plan` of each
    /// unit in each plan, in plan order, with the unit's count of open tasks in that plan.
    /// The database hands over one row per unit (its open task ids, joined into one text) and
    /// the live tasks once: a row per open assignment (75,000 at national scale, each with its
    /// text) made this the slowest read of a reminder day.
    pub async fn open_tasks_of(
        &self,
        unit_ids: &[i64],
        per_plan: usize,
    ) -> Result<OpenTasks, StoreError> {
        if unit_ids.is_empty() {
            return Ok(OpenTasks::default());
        }
        let live: Vec<LiveTaskRow> = with_pool!(self, pool => {
            sqlx::query_as("SELECT id, plan_id, code, text, position FROM tasks WHERE retired_at IS NULL")
                .fetch_all(pool).await?
        });
        let mut open_ids: Vec<(i64, String)> = Vec::new();
        for chunk in unit_ids.chunks(super::BATCH_PARAMETERS - 1) {
            let rows: Vec<(i64, String)> = with_pool!(self, pool => {
                let mut query = sqlx::QueryBuilder::new(
                    "SELECT unit_id, string_agg(CAST(task_id AS TEXT), ',') FROM assignments \
                     WHERE retired_at IS NULL AND status <> 'done' AND unit_id IN (",
                );
                let mut list = query.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                query.push(") GROUP BY unit_id");
                query.build_query_as().fetch_all(pool).await?
            });
            open_ids.extend(rows);
        }
        let live: HashMap<i64, LiveTaskRow> = live.into_iter().map(|t| (t.id, t)).collect();
        let mut lists: HashMap<(i64, i64), (Vec<i64>, usize)> = HashMap::new();
        for (unit_id, joined) in open_ids {
            // This unit's open tasks by plan, in plan order (a retired task is not open).
            let mut by_plan: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
            for id in joined.split(',') {
                let id: i64 = id.parse().map_err(|_| {
                    StoreError::Corrupt(format!("open task list of unit {unit_id}: {joined:?}"))
                })?;
                if let Some(task) = live.get(&id) {
                    by_plan
                        .entry(task.plan_id)
                        .or_default()
                        .push((task.position, id));
                }
            }
            for (plan_id, mut tasks) in by_plan {
                tasks.sort_unstable();
                let open = tasks.len();
                let listed = tasks.into_iter().take(per_plan).map(|(_, id)| id).collect();
                lists.insert((unit_id, plan_id), (listed, open));
            }
        }
        let listed: HashSet<i64> = lists
            .values()
            .flat_map(|(ids, _)| ids.iter().copied())
            .collect();
        let tasks = live
            .into_values()
            .filter(|t| listed.contains(&t.id))
            .map(|t| {
                let line = TaskLine {
                    code: t.code,
                    text: t.text,
                };
                (t.id, line)
            })
            .collect();
        Ok(OpenTasks { tasks, lists })
    }

    /// Live assignments of live tasks counted by task and status (one aggregation in the
    /// database, a few rows a task): a digest's figures for the whole registry and for a lead
    /// unit are sums of these.
    pub async fn status_counts_by_task(&self) -> Result<Vec<TaskStatusCount>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT t.id AS task_id, t.plan_id, t.dimension, c.status, c.n FROM \
                 (SELECT task_id, status, COUNT(*) AS n FROM assignments WHERE retired_at IS NULL \
                 GROUP BY task_id, status) c JOIN tasks t ON t.id = c.task_id WHERE t.retired_at IS NULL",
            )
            .fetch_all(pool).await?
        }))
    }

    /// The lead units of every live task, in lead order.
    pub async fn live_task_leads(&self) -> Result<HashMap<i64, Vec<i64>>, StoreError> {
        let rows: Vec<(i64, i64)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT tl.task_id, tl.unit_id FROM task_leads tl JOIN tasks t ON t.id = tl.task_id \
                 WHERE t.retired_at IS NULL ORDER BY tl.task_id, tl.position",
            )
            .fetch_all(pool).await?
        });
        let mut leads: HashMap<i64, Vec<i64>> = HashMap::new();
        for (task, unit) in rows {
            leads.entry(task).or_default().push(unit);
        }
        Ok(leads)
    }

    /// Live assignments of `unit_ids` counted by plan, dimension and status (for a digest
    /// whose units are not every unit at work). A long list is read in chunks, so a plan,
    /// dimension and status may come in several rows: they add up.
    pub async fn status_tallies_of_units(
        &self,
        unit_ids: &[i64],
    ) -> Result<Vec<StatusTally>, StoreError> {
        let mut tallies = Vec::new();
        for chunk in unit_ids.chunks(super::BATCH_PARAMETERS - 1) {
            let rows: Vec<StatusTally> = with_pool!(self, pool => {
                let mut query = sqlx::QueryBuilder::new(format!(
                    "SELECT t.plan_id, t.dimension, a.status, COUNT(*) AS n \
                     FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE {LIVE} AND a.unit_id IN ("
                ));
                let mut list = query.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                query.push(") GROUP BY t.plan_id, t.dimension, a.status");
                query.build_query_as().fetch_all(pool).await?
            });
            tallies.extend(rows);
        }
        Ok(tallies)
    }

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
