//! The periodic report the coordinating office sends the People's Committee (quarter,
//! half-year, year): [`build_report`] reads the store once into a plain [`Report`]; `xlsx`
//! and `csv` write it. `dondoc export` and the bot's `/xuat` share all three.
//!
//! Everything is "as of" one instant (now, by default): a report counts the first submission
//! each unit made by then, and each assignment's latest status update by then, so the report
//! for Q3 can be rebuilt later exactly as it stood.

pub mod csv;
pub mod layout;
pub mod period;
pub mod xlsx;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::domain::{AssignmentStatus, PlanCode, UnitId};
use crate::hotline::stats::{case_stats, Figures};
use crate::messages::{Lang, EXPORT_COLUMNS};
use crate::store::{
    CaseView, LatestUpdate, Plan, ReachGaps, Store, StoreError, StoredPeriod, TaskView, UnitBrief,
};

/// What a report is built for.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    pub plan: PlanCode,
    /// What the coordinator typed ("Q3", "6T", "năm" …); None: the latest period due.
    pub period: Option<String>,
    pub as_of: DateTime<Utc>,
    pub time_zone: Tz,
    /// The hotline's acknowledgement clock, for the cases' figures.
    pub ack_hours: u32,
    /// The language of the cases' rendered cells (channel, state).
    pub lang: Lang,
}

/// Why no report could be built; each is something the person asking can fix.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("no plan {0}")]
    UnknownPlan(String),
    #[error("plan {0} has no reporting periods")]
    NoPeriods(String),
    #[error("no period {typed:?} in the plan's calendar")]
    UnknownPeriod {
        typed: String,
        /// The plan's periods, to list the valid choices.
        periods: Vec<StoredPeriod>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub use crate::domain::ReportState;

/// One unit that owes the period's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitReport {
    pub unit: UnitBrief,
    pub state: ReportState,
    /// The day of the first submission, in the province.
    pub submitted_on: Option<NaiveDate>,
    /// Days after the due date (late, or missing until the as-of day); 0 otherwise.
    pub days_late: i64,
}

/// Counts of units by report state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportFigures {
    pub owing: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    pub not_yet_due: usize,
}

/// Counts of tasks by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskFigures {
    pub tasks: usize,
    pub done: usize,
    pub in_progress: usize,
    pub blocked: usize,
    pub not_started: usize,
}

impl TaskFigures {
    fn add(&mut self, status: AssignmentStatus) {
        self.tasks += 1;
        match status {
            AssignmentStatus::Done => self.done += 1,
            AssignmentStatus::InProgress => self.in_progress += 1,
            AssignmentStatus::Blocked => self.blocked += 1,
            AssignmentStatus::NotStarted => self.not_started += 1,
        }
    }

    fn sum(&mut self, other: &TaskFigures) {
        self.tasks += other.tasks;
        self.done += other.done;
        self.in_progress += other.in_progress;
        self.blocked += other.blocked;
        self.not_started += other.not_started;
    }
}

/// One task as its dimension's sheet shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskLine {
    pub code: Option<String>,
    pub text: String,
    pub target: String,
    pub timeframe: String,
    pub due_date: Option<NaiveDate>,
    pub leads: Vec<String>,
    /// The implementing units' names (shared with the reading it was composed from).
    pub units: Arc<[String]>,
    /// The task's status, from its units' (see [`task_status`]).
    pub status: AssignmentStatus,
    /// How many implementing units are at each status.
    pub by_unit: TaskFigures,
    /// The latest update about any of its units: the unit's name, the note, when.
    pub last_update: Option<(String, String, DateTime<Utc>)>,
    /// That latest update is "blocked" and its reason has not come yet (status buttons record
    /// at the press; the reason follows): the note cell says so.
    pub unexplained_block: bool,
}

/// The tasks of one dimension (nội dung) with their figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DimensionReport {
    pub code: Option<String>,
    /// None: tasks the plan gives no dimension.
    pub title: Option<String>,
    pub figures: TaskFigures,
    pub tasks: Vec<TaskLine>,
}

/// The hotline cases received in the period's span, masked, with their figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasesReport {
    pub from: NaiveDate,
    /// Included; cut at the as-of day.
    pub to: NaiveDate,
    pub figures: Figures,
    pub rows: Vec<[String; EXPORT_COLUMNS]>,
}

/// The whole report, as plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub plan: Plan,
    pub period: StoredPeriod,
    pub as_of: DateTime<Utc>,
    /// The as-of day in the province.
    pub as_of_day: NaiveDate,
    pub time_zone: Tz,
    pub reports: ReportFigures,
    /// Owing units, most behind first (missing, late, not yet due, on time), then by code.
    pub units: Vec<UnitReport>,
    /// Figures over every dimension.
    pub tasks: TaskFigures,
    pub dimensions: Vec<DimensionReport>,
    pub cases: CasesReport,
    /// The plan's implementing units no one can be told in, and their unreachable members,
    /// as they stand now (linking has no history).
    pub reach: ReachGaps,
}

/// A task's status from its units': done when every unit is done; blocked when any unit is
/// blocked (the difficulty is what the People's Committee must hear of); in progress when
/// any unit has started or finished; otherwise not started.
pub fn task_status(units: &TaskFigures) -> AssignmentStatus {
    if units.tasks > 0 && units.done == units.tasks {
        AssignmentStatus::Done
    } else if units.blocked > 0 {
        AssignmentStatus::Blocked
    } else if units.in_progress > 0 || units.done > 0 {
        AssignmentStatus::InProgress
    } else {
        AssignmentStatus::NotStarted
    }
}

/// Reads the store and composes the report for `request`.
pub async fn build_report(store: &Store, request: &ReportRequest) -> Result<Report, ExportError> {
    Ok(build_detailed(store, request).await?.0)
}

/// [`build_report`], with what it read to count the tasks: the plan's tasks and each live
/// assignment's latest update as of the report (the web board draws its grid from them, so
/// its figures are the report's).
pub async fn build_detailed(
    store: &Store,
    request: &ReportRequest,
) -> Result<(Report, Arc<Vec<TaskView>>, HashMap<i64, LatestUpdate>), ExportError> {
    let (plan, live) = read(store, request).await?;
    let report = compose(&plan, &live, request);
    Ok((report, plan.tasks, live.updates))
}

/// Everything a report for `request` reads. The plan's tasks (at national scale 200,000
/// assignments, most of the time) are read while the updates, first reports, reach and cases
/// are, each on its own connection of the pool.
pub async fn read(
    store: &Store,
    request: &ReportRequest,
) -> Result<(PlanReading, LiveReading), ExportError> {
    let (plan, period) = plan_and_period(store, request).await?;
    let (tasks, first_submissions, updates, reach, cases) = tokio::try_join!(
        store.plan_tasks(plan.id),
        store.first_submissions(period.id, request.as_of),
        store.latest_updates(plan.id, request.as_of),
        store.reach_gaps(),
        read_cases(store, &period, request),
    )?;
    let live = LiveReading {
        first_submissions,
        updates,
        reach,
        cases,
    };
    Ok((PlanReading::of(plan, period, tasks), live))
}

/// What a report reads that only a plan's import, a due date or the registry changes: the
/// plan, the chosen period, the live tasks with their units, the units owing the period's
/// report. At national scale this is the costly part (every assignment with its unit), so
/// the web board keeps it across writes that cannot change it.
#[derive(Debug, Clone)]
pub struct PlanReading {
    pub plan: Plan,
    pub period: StoredPeriod,
    /// Shared by the readings made from this one when only its periods change.
    pub tasks: Arc<Vec<TaskView>>,
    pub owing: Vec<UnitBrief>,
    /// Each task's implementing units' names, in its assignments' order: made once per
    /// reading and shared by every report composed from it (the board composes one after
    /// each reply; copying 200,000 names each time was most of that).
    unit_names: Vec<Arc<[String]>>,
    /// The units implementing a live task of the plan.
    implementing: HashSet<UnitId>,
    /// Each task's (dimension, position) in a report's task lines ([`placements`]).
    placement: Vec<(usize, usize)>,
}

impl PlanReading {
    /// The reading of `plan`'s live `tasks` for `period`.
    fn of(plan: Plan, period: StoredPeriod, tasks: Vec<TaskView>) -> PlanReading {
        let tasks = Arc::new(tasks);
        let owing = crate::store::owing_among(&tasks, &period);
        let unit_names = names_of(&tasks);
        let implementing = tasks
            .iter()
            .flat_map(|t| t.assignments.iter().map(|a| a.unit.id))
            .collect();
        let placement = placements(&tasks);
        PlanReading {
            plan,
            period,
            tasks,
            owing,
            unit_names,
            implementing,
            placement,
        }
    }

    /// This reading after a due date was set: the plan and its periods read again (the period
    /// a request without one gets may be another now), who owes its report worked out again,
    /// the tasks and everything made from them kept.
    pub async fn with_periods_read_again(
        &self,
        store: &Store,
        request: &ReportRequest,
    ) -> Result<PlanReading, ExportError> {
        let (plan, period) = plan_and_period(store, request).await?;
        let owing = crate::store::owing_among(&self.tasks, &period);
        Ok(PlanReading {
            plan,
            period,
            tasks: self.tasks.clone(),
            owing,
            unit_names: self.unit_names.clone(),
            implementing: self.implementing.clone(),
            placement: self.placement.clone(),
        })
    }

    /// This reading's tasks after units were changed in the registry (renamed, another kind):
    /// each task's leads and assignments carry `fresh`'s brief of their unit, and the names of
    /// the tasks naming one are made again; None when no task names a changed unit. The same
    /// for every reading sharing these tasks (another period's or language's), so the web
    /// board makes it once for all of them.
    pub fn renamed_tasks(&self, fresh: &HashMap<UnitId, UnitBrief>) -> Option<RenamedTasks> {
        let changed = |unit: &UnitBrief| fresh.get(&unit.id).is_some_and(|f| f != unit);
        let names = |task: &TaskView| {
            task.leads.iter().any(changed) || task.assignments.iter().any(|a| changed(&a.unit))
        };
        if !self.tasks.iter().any(names) {
            return None;
        }
        let patch = |unit: &mut UnitBrief| {
            if let Some(f) = fresh.get(&unit.id) {
                unit.clone_from(f);
            }
        };
        let mut tasks = Vec::with_capacity(self.tasks.len());
        let mut unit_names = Vec::with_capacity(self.tasks.len());
        for (task, kept_names) in self.tasks.iter().zip(&self.unit_names) {
            let mut task = task.clone();
            if names(&task) {
                task.leads.iter_mut().for_each(patch);
                task.assignments.iter_mut().for_each(|a| patch(&mut a.unit));
                unit_names.push(names_in(&task));
            } else {
                unit_names.push(kept_names.clone());
            }
            tasks.push(task);
        }
        Some(RenamedTasks {
            from: self.tasks.clone(),
            tasks: Arc::new(tasks),
            unit_names,
        })
    }

    /// Whether `renamed` was made from this reading's tasks.
    pub fn renamed_from_here(&self, renamed: &RenamedTasks) -> bool {
        Arc::ptr_eq(&self.tasks, &renamed.from)
    }

    /// This reading with `renamed`'s tasks (made from the same tasks): who owes its period's
    /// report worked out again over them.
    pub fn with_renamed(&self, renamed: &RenamedTasks) -> PlanReading {
        PlanReading {
            plan: self.plan.clone(),
            period: self.period.clone(),
            unit_names: renamed.unit_names.clone(),
            owing: crate::store::owing_among(&renamed.tasks, &self.period),
            tasks: renamed.tasks.clone(),
            implementing: self.implementing.clone(),
            placement: self.placement.clone(),
        }
    }
}

/// A plan's tasks with units renamed ([`PlanReading::renamed_tasks`]), and the tasks they
/// were made from (kept, so that a reading can tell they are its own).
#[derive(Debug, Clone)]
pub struct RenamedTasks {
    from: Arc<Vec<TaskView>>,
    tasks: Arc<Vec<TaskView>>,
    unit_names: Vec<Arc<[String]>>,
}

/// Each task's implementing units' names ([`names_in`]).
fn names_of(tasks: &[TaskView]) -> Vec<Arc<[String]>> {
    tasks.iter().map(names_in).collect()
}

/// A task's implementing units' names, in its assignments' order.
fn names_in(task: &TaskView) -> Arc<[String]> {
    task.assignments
        .iter()
        .map(|a| a.unit.name.clone())
        .collect()
}

/// The plan a request names and the period its report is for.
async fn plan_and_period(
    store: &Store,
    request: &ReportRequest,
) -> Result<(Plan, StoredPeriod), ExportError> {
    let plan = store
        .plan(&request.plan)
        .await?
        .ok_or_else(|| ExportError::UnknownPlan(request.plan.to_string()))?;
    let periods = store.reporting_periods(plan.id).await?;
    let as_of_day = request.as_of.with_timezone(&request.time_zone).date_naive();
    let period = choose_period(&plan, &periods, request.period.as_deref(), as_of_day)?;
    Ok((plan, period))
}

/// What a report reads that replies, reports, members and cases change, as of the request's
/// instant; each part can be read again alone (`read_*`) when only its kind of write came.
#[derive(Debug, Clone)]
pub struct LiveReading {
    /// unit id → its first submission for the period by the as-of instant.
    pub first_submissions: HashMap<UnitId, DateTime<Utc>>,
    /// assignment id → its latest status update by the as-of instant.
    pub updates: HashMap<i64, LatestUpdate>,
    /// Who cannot be reached, over the whole registry (cut to the plan when composed).
    pub reach: ReachGaps,
    /// The hotline cases received in the period's span up to the as-of instant.
    pub cases: Vec<CaseView>,
}

/// The units' first submissions for the plan's period, as of the request.
pub async fn read_first_submissions(
    store: &Store,
    plan: &PlanReading,
    request: &ReportRequest,
) -> Result<HashMap<UnitId, DateTime<Utc>>, StoreError> {
    store.first_submissions(plan.period.id, request.as_of).await
}

/// The report from what was read, for `request`'s instant: no I/O.
pub fn compose(plan: &PlanReading, live: &LiveReading, request: &ReportRequest) -> Report {
    assemble(plan, live, request, dimension_reports(plan, &live.updates))
}

/// [`compose`] after status updates: `kept` (composed from the same plan reading) keeps its
/// task lines but those of the tasks implemented through an assignment in `touched`, which
/// are drawn again from `live`. Everything else is composed as `compose` does (reports, cases
/// and reach depend on the instant too). Equal to `compose` over the same readings as long as
/// `live` differs from `kept`'s only in the updates of `touched`; a reply then costs the task
/// lines it changed, not the plan's 200,000 assignments again.
pub fn recompose(
    kept: &Report,
    plan: &PlanReading,
    live: &LiveReading,
    request: &ReportRequest,
    touched: &HashSet<i64>,
) -> Report {
    let mut dimensions = kept.dimensions.clone();
    for ((task, unit_names), &(dimension, position)) in
        plan.tasks.iter().zip(&plan.unit_names).zip(&plan.placement)
    {
        if !task.assignments.iter().any(|a| touched.contains(&a.id)) {
            continue;
        }
        let line = task_line(task, unit_names.clone(), &live.updates);
        if let Some(slot) = dimensions
            .get_mut(dimension)
            .and_then(|d| d.tasks.get_mut(position))
        {
            *slot = line;
        }
    }
    for dimension in &mut dimensions {
        dimension.figures = TaskFigures::default();
        for line in &dimension.tasks {
            dimension.figures.add(line.status);
        }
    }
    assemble(plan, live, request, dimensions)
}

/// The report around its task lines.
fn assemble(
    plan: &PlanReading,
    live: &LiveReading,
    request: &ReportRequest,
    dimensions: Vec<DimensionReport>,
) -> Report {
    let as_of_day = request.as_of.with_timezone(&request.time_zone).date_naive();
    let period = &plan.period;
    let units = unit_reports(
        &plan.owing,
        &live.first_submissions,
        period,
        request.as_of,
        request.time_zone,
    );
    let reports = count_reports(&units);
    let mut all_tasks = TaskFigures::default();
    for dimension in &dimensions {
        all_tasks.sum(&dimension.figures);
    }
    let cases = cases_report(&live.cases, request, period, as_of_day);
    let reach = live.reach.clone().within(&plan.implementing);
    Report {
        plan: plan.plan.clone(),
        period: period.clone(),
        as_of: request.as_of,
        as_of_day,
        time_zone: request.time_zone,
        reports,
        units,
        tasks: all_tasks,
        dimensions,
        cases,
        reach,
    }
}

fn choose_period(
    plan: &Plan,
    periods: &[StoredPeriod],
    typed: Option<&str>,
    today: NaiveDate,
) -> Result<StoredPeriod, ExportError> {
    let found = match typed.map(str::trim).filter(|t| !t.is_empty()) {
        Some(typed) => {
            period::find_period(periods, typed).ok_or_else(|| ExportError::UnknownPeriod {
                typed: typed.to_string(),
                periods: periods.to_vec(),
            })?
        }
        None => period::default_period(periods, today)
            .ok_or_else(|| ExportError::NoPeriods(plan.code.clone()))?,
    };
    Ok(found.clone())
}

fn unit_reports(
    owing: &[UnitBrief],
    first: &HashMap<UnitId, DateTime<Utc>>,
    period: &StoredPeriod,
    as_of: DateTime<Utc>,
    time_zone: Tz,
) -> Vec<UnitReport> {
    let today = as_of.with_timezone(&time_zone).date_naive();
    let mut units: Vec<UnitReport> = owing
        .iter()
        .map(|unit| {
            let submitted_on = first
                .get(&unit.id)
                .map(|at| at.with_timezone(&time_zone).date_naive());
            let (state, days_late) = match submitted_on {
                Some(day) if day <= period.due_date => (ReportState::OnTime, 0),
                Some(day) => (ReportState::Late, (day - period.due_date).num_days()),
                None if today > period.due_date => {
                    (ReportState::Missing, (today - period.due_date).num_days())
                }
                None => (ReportState::NotYetDue, 0),
            };
            UnitReport {
                unit: unit.clone(),
                state,
                submitted_on,
                days_late,
            }
        })
        .collect();
    let order = |s: ReportState| match s {
        ReportState::Missing => 0,
        ReportState::Late => 1,
        ReportState::NotYetDue => 2,
        ReportState::OnTime => 3,
    };
    units.sort_by(|a, b| {
        order(a.state)
            .cmp(&order(b.state))
            .then_with(|| a.unit.code.cmp(&b.unit.code))
    });
    units
}

fn count_reports(units: &[UnitReport]) -> ReportFigures {
    let mut figures = ReportFigures {
        owing: units.len(),
        ..ReportFigures::default()
    };
    for unit in units {
        match unit.state {
            ReportState::OnTime => figures.on_time += 1,
            ReportState::Late => figures.late += 1,
            ReportState::Missing => figures.missing += 1,
            ReportState::NotYetDue => figures.not_yet_due += 1,
        }
    }
    figures
}

/// The plan's tasks grouped by dimension in document order, each with its status as of the
/// report (an assignment without an update by then counts as not started).
fn dimension_reports(
    plan: &PlanReading,
    updates: &HashMap<i64, LatestUpdate>,
) -> Vec<DimensionReport> {
    let mut dimensions: Vec<DimensionReport> = Vec::new();
    for ((task, unit_names), &(index, _)) in
        plan.tasks.iter().zip(&plan.unit_names).zip(&plan.placement)
    {
        // Dimensions are numbered by first appearance: a new one is the next.
        if index >= dimensions.len() {
            dimensions.push(DimensionReport {
                code: task.dimension_code.clone(),
                title: task.dimension.clone(),
                figures: TaskFigures::default(),
                tasks: Vec::new(),
            });
        }
        let line = task_line(task, unit_names.clone(), updates);
        if let Some(dimension) = dimensions.get_mut(index) {
            dimension.figures.add(line.status);
            dimension.tasks.push(line);
        }
    }
    dimensions
}

/// Where each task's line stands in the report: (its dimension, keyed by first appearance so
/// dimensions keep the plan's order; its position among that dimension's tasks).
fn placements(tasks: &[TaskView]) -> Vec<(usize, usize)> {
    let mut keys: Vec<(&Option<String>, &Option<String>)> = Vec::new();
    let mut sizes: Vec<usize> = Vec::new();
    tasks
        .iter()
        .map(|task| {
            let key = (&task.dimension_code, &task.dimension);
            let index = keys.iter().position(|k| *k == key).unwrap_or_else(|| {
                keys.push(key);
                sizes.push(0);
                keys.len() - 1
            });
            let position = sizes[index];
            sizes[index] += 1;
            (index, position)
        })
        .collect()
}

fn task_line(
    task: &TaskView,
    units: Arc<[String]>,
    updates: &HashMap<i64, LatestUpdate>,
) -> TaskLine {
    let mut by_unit = TaskFigures::default();
    let mut last_update: Option<(String, String, DateTime<Utc>)> = None;
    let mut unexplained_block = false;
    for assignment in &task.assignments {
        let update = updates.get(&assignment.id);
        by_unit.add(update.map_or(AssignmentStatus::NotStarted, |u| u.status));
        if let Some(u) = update {
            if last_update
                .as_ref()
                .is_none_or(|(_, _, at)| u.reported_at > *at)
            {
                last_update = Some((assignment.unit.name.clone(), u.note.clone(), u.reported_at));
                unexplained_block =
                    u.status == AssignmentStatus::Blocked && u.note.trim().is_empty();
            }
        }
    }
    TaskLine {
        code: task.code.clone(),
        text: task.text.clone(),
        target: task.target.clone(),
        timeframe: task.timeframe.clone(),
        due_date: task.due_date,
        leads: task.leads.iter().map(|u| u.name.clone()).collect(),
        units,
        status: task_status(&by_unit),
        by_unit,
        last_update,
        unexplained_block,
    }
}

/// Midnight at the start of `day` in the province.
fn start_of(day: NaiveDate, time_zone: Tz) -> DateTime<Utc> {
    time_zone
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map_or_else(
            // Asia/Ho_Chi_Minh has no gaps at midnight; any zone that does starts the day at UTC midnight.
            || Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN)),
            |t| t.with_timezone(&Utc),
        )
}

/// The period's span as the case sheet covers it: its coverage, cut at the as-of day.
fn case_span(period: &StoredPeriod, as_of_day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let (from, to) = period::coverage(period);
    (from, to.min(as_of_day))
}

/// Whether a report for `after` lists the same hotline cases as one for `before` (the same
/// span of days: a quarter's does not move with its due date).
pub fn same_case_span(before: &StoredPeriod, after: &StoredPeriod) -> bool {
    period::coverage(before) == period::coverage(after)
}

/// The hotline cases received in `period`'s span up to the request's instant.
pub async fn read_cases(
    store: &Store,
    period: &StoredPeriod,
    request: &ReportRequest,
) -> Result<Vec<CaseView>, StoreError> {
    let as_of_day = request.as_of.with_timezone(&request.time_zone).date_naive();
    let (from, to) = case_span(period, as_of_day);
    if to < from {
        return Ok(Vec::new());
    }
    // `cases_received` excludes its end: one microsecond past as-of keeps a case logged then.
    let end = start_of(to.succ_opt().unwrap_or(to), request.time_zone)
        .min(request.as_of + chrono::Duration::microseconds(1));
    store
        .cases_received(start_of(from, request.time_zone), end)
        .await
}

fn cases_report(
    cases: &[CaseView],
    request: &ReportRequest,
    period: &StoredPeriod,
    as_of_day: NaiveDate,
) -> CasesReport {
    let (from, to) = case_span(period, as_of_day);
    let stats = case_stats(cases, request.ack_hours, request.time_zone, as_of_day);
    let rows = cases
        .iter()
        .map(|case| {
            crate::hotline::export_row(case, request.lang, request.time_zone, as_of_day, false)
        })
        .collect();
    CasesReport {
        from,
        to,
        figures: stats.total,
        rows,
    }
}
