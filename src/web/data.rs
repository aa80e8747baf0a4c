//! What the board's pages show, computed from one read of the store per page: the periodic
//! report ([`crate::export::build_detailed`], so the figures are the export's) and, for the
//! grid and the per-dimension table, the same tasks and latest updates it counted.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::domain::unit::{subtree, Unit};
use crate::domain::{AssignmentStatus, PersonRole, UnitId, UnitKind};
use crate::export::{task_status, ReportFigures, ReportState, TaskFigures, UnitReport};
use crate::store::{LatestUpdate, Member, TaskView};

/// Who may see what: the chat's scopes. A coordinator sees the city or province their office
/// serves; a province or district member everything under it; anyone else their own unit.
/// Tasks a member's unit leads are visible with every unit implementing them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Holds a coordinator's membership: may export, sees the hotline's cases of its area.
    pub coordinator: bool,
    /// Units whose work is visible.
    pub units: HashSet<UnitId>,
    /// Units whose led tasks are visible in full.
    pub leads: HashSet<UnitId>,
}

impl Scope {
    pub fn of(members: &[Member], units: &[Unit]) -> Scope {
        let mut scope = Scope::default();
        for member in members {
            scope.coordinator |= member.person.role == PersonRole::Coordinator;
            scope.leads.insert(member.unit.id);
            let Some(index) = units.iter().position(|u| UnitId(u.id) == member.unit.id) else {
                continue;
            };
            let root = match member.unit.kind {
                UnitKind::CoordinatingOffice => units[index]
                    .parent
                    .as_ref()
                    .and_then(|p| units.iter().position(|u| &u.code == p))
                    .unwrap_or(index),
                _ => index,
            };
            scope.units.extend(
                subtree(units, root)
                    .into_iter()
                    .map(|i| UnitId(units[i].id)),
            );
        }
        scope
    }

    /// Whether the assignment of `unit_id` to `task` is visible.
    pub fn sees(&self, unit_id: UnitId, task: &TaskView) -> bool {
        self.units.contains(&unit_id) || self.leads_task(task)
    }

    pub fn leads_task(&self, task: &TaskView) -> bool {
        task.leads.iter().any(|l| self.leads.contains(&l.id))
    }

    /// Units visible in `tasks`: those in scope, and every unit implementing a task it leads.
    pub fn visible_units(&self, tasks: &[TaskView]) -> HashSet<UnitId> {
        let mut visible = self.units.clone();
        for task in tasks.iter().filter(|t| self.leads_task(t)) {
            visible.extend(task.assignments.iter().map(|a| a.unit.id));
        }
        visible
    }
}

pub use crate::domain::TaskClass;

impl TaskClass {
    pub const ALL: [TaskClass; 5] = [
        TaskClass::DoneOnTime,
        TaskClass::DoneLate,
        TaskClass::OpenInTime,
        TaskClass::OpenOverdue,
        TaskClass::NotReported,
    ];

    /// The key in URLs and CSS classes.
    pub fn key(self) -> &'static str {
        match self {
            TaskClass::DoneOnTime => "done-on-time",
            TaskClass::DoneLate => "done-late",
            TaskClass::OpenInTime => "open-in-time",
            TaskClass::OpenOverdue => "open-overdue",
            TaskClass::NotReported => "not-reported",
        }
    }

    pub fn parse(key: &str) -> Option<TaskClass> {
        TaskClass::ALL.into_iter().find(|c| c.key() == key)
    }

    /// `status` (as the export counts it) finished or not at `done_at`, against `due`: done
    /// on time when its last report came by the end of the due day (province time); open
    /// and overdue once the due day is past. No due date (ongoing tasks) is never late.
    pub fn of(
        status: AssignmentStatus,
        done_at: Option<DateTime<Utc>>,
        due: Option<NaiveDate>,
        today: NaiveDate,
        time_zone: Tz,
    ) -> TaskClass {
        match status {
            AssignmentStatus::Done => {
                let day = done_at.map(|at| at.with_timezone(&time_zone).date_naive());
                match (day, due) {
                    (Some(day), Some(due)) if day > due => TaskClass::DoneLate,
                    _ => TaskClass::DoneOnTime,
                }
            }
            AssignmentStatus::InProgress | AssignmentStatus::Blocked => match due {
                Some(due) if today > due => TaskClass::OpenOverdue,
                _ => TaskClass::OpenInTime,
            },
            AssignmentStatus::NotStarted => TaskClass::NotReported,
        }
    }
}

/// Counts by class, and the export's status figures they refine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassFigures {
    pub counts: [usize; 5],
    /// The same tasks counted as the export counts them.
    pub status: TaskFigures,
}

impl ClassFigures {
    pub fn get(&self, class: TaskClass) -> usize {
        self.counts[class as usize]
    }

    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    fn add(&mut self, class: TaskClass, status: AssignmentStatus) {
        self.counts[class as usize] += 1;
        add_status(&mut self.status, status);
    }

    fn sum(&mut self, other: &ClassFigures) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.status.tasks += other.status.tasks;
        self.status.done += other.status.done;
        self.status.in_progress += other.status.in_progress;
        self.status.blocked += other.status.blocked;
        self.status.not_started += other.status.not_started;
    }
}

fn add_status(figures: &mut TaskFigures, status: AssignmentStatus) {
    figures.tasks += 1;
    match status {
        AssignmentStatus::Done => figures.done += 1,
        AssignmentStatus::InProgress => figures.in_progress += 1,
        AssignmentStatus::Blocked => figures.blocked += 1,
        AssignmentStatus::NotStarted => figures.not_started += 1,
    }
}

/// One assignment's cell: its status as of the report, its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub assignment_id: i64,
    pub status: AssignmentStatus,
    pub class: TaskClass,
}

/// The cell of each assignment (by id), as of the report.
pub fn cell(
    assignment_id: i64,
    task: &TaskView,
    updates: &HashMap<i64, LatestUpdate>,
    today: NaiveDate,
    time_zone: Tz,
) -> Cell {
    let update = updates.get(&assignment_id);
    let status = update.map_or(AssignmentStatus::NotStarted, |u| u.status);
    Cell {
        assignment_id,
        status,
        class: TaskClass::of(
            status,
            update.map(|u| u.reported_at),
            task.due_date,
            today,
            time_zone,
        ),
    }
}

/// A dimension's tasks by class, over the assignments `scope` sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DimensionRow {
    pub code: Option<String>,
    pub title: Option<String>,
    pub figures: ClassFigures,
}

/// The plan's tasks by dimension (in the plan's order) and class, over what `scope` sees: a
/// task's status comes from its visible units' as the export's does from all of them
/// ([`task_status`]); its done time is the latest of their reports.
pub fn dimension_rows(
    tasks: &[TaskView],
    updates: &HashMap<i64, LatestUpdate>,
    scope: &Scope,
    today: NaiveDate,
    time_zone: Tz,
) -> (Vec<DimensionRow>, ClassFigures) {
    let mut rows: Vec<DimensionRow> = Vec::new();
    for task in tasks {
        let mut units = TaskFigures::default();
        let mut last: Option<DateTime<Utc>> = None;
        for a in task
            .assignments
            .iter()
            .filter(|a| scope.sees(a.unit.id, task))
        {
            let update = updates.get(&a.id);
            add_status(
                &mut units,
                update.map_or(AssignmentStatus::NotStarted, |u| u.status),
            );
            if let Some(u) = update {
                last = Some(last.map_or(u.reported_at, |l| l.max(u.reported_at)));
            }
        }
        if units.tasks == 0 {
            continue;
        }
        let status = task_status(&units);
        let class = TaskClass::of(status, last, task.due_date, today, time_zone);
        let key = (task.dimension_code.clone(), task.dimension.clone());
        let index = match rows
            .iter()
            .position(|r| (&r.code, &r.title) == (&key.0, &key.1))
        {
            Some(i) => i,
            None => {
                rows.push(DimensionRow {
                    code: key.0,
                    title: key.1,
                    figures: ClassFigures::default(),
                });
                rows.len() - 1
            }
        };
        rows[index].figures.add(class, status);
    }
    let mut total = ClassFigures::default();
    for row in &rows {
        total.sum(&row.figures);
    }
    (rows, total)
}

/// The units' reports for the period, cut to what `visible` holds, with their counts.
pub fn visible_reports<'r>(
    units: &'r [UnitReport],
    visible: &HashSet<UnitId>,
) -> (Vec<&'r UnitReport>, ReportFigures) {
    let shown: Vec<&UnitReport> = units
        .iter()
        .filter(|u| visible.contains(&u.unit.id))
        .collect();
    let mut figures = ReportFigures {
        owing: shown.len(),
        ..ReportFigures::default()
    };
    for unit in &shown {
        match unit.state {
            ReportState::OnTime => figures.on_time += 1,
            ReportState::Late => figures.late += 1,
            ReportState::Missing => figures.missing += 1,
            ReportState::NotYetDue => figures.not_yet_due += 1,
        }
    }
    (shown, figures)
}
