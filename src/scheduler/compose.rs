//! From a snapshot and a day to the messages of one pass: report windows and reminders,
//! dated-task reminders, escalation steps and closing reports. Pure: no I/O.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};

use crate::domain::case::HopState;

use super::{Audience, Day};
use crate::chat::Keyboard;
use crate::domain::text::ellipsize;
use crate::domain::{
    AssignmentId, EscalationStep, MessageKind, PeriodId, PersonRole, ReportOwers, UnitId, UnitKind,
};
use crate::messages::{due_with_weekday, ChaseText, Lang};
use crate::store::{
    DatedAssignment, EscalationRecord, ItemKind, MessageSubject, NewMessage, OpenTasks, PeriodDue,
    Recipient, TaskLine,
};

/// Tasks listed in one reminder before "… and N more".
pub(super) const LISTED_TASKS: usize = 15;

/// What one pass will queue and record.
#[derive(Debug, Default)]
pub struct Outgoing {
    pub messages: Vec<NewMessage>,
    pub escalations: Vec<EscalationRecord>,
    /// Escalation message key → the units whose items it names (for folding it into the
    /// reader's digest, see [`fold_into_digests`]).
    pub escalation_units: HashMap<String, Vec<i64>>,
    /// Steps reached today that a later part of the wave records (`escalations` with less
    /// room than the morning needs): today's digest marks them all the same.
    pub later_escalations: Vec<EscalationRecord>,
}

/// A report reminder or window announcement still waiting for its task list.
#[derive(Debug, Clone)]
pub struct ReportNotice<'s> {
    pub period: &'s PeriodDue,
    pub unit_id: i64,
    /// The reminder day (None: the window-opening message).
    pub reminder_day: Option<NaiveDate>,
    /// A reminder that also announces the window (it opens the same day, with no day of its
    /// own before the first reminder).
    pub window_too: bool,
}

/// One overdue item that climbed the ladder today.
#[derive(Debug, Clone)]
struct Climb {
    kind: ItemKind,
    /// The period, assignment or case hop: with `kind` and `unit_id`, the item's identity.
    item_id: i64,
    unit_id: i64,
    item: String,
    due: NaiveDate,
    /// The step whose message goes out (Nudge or Heads), if any.
    message: Option<EscalationStep>,
    /// Lead units told at the Heads step.
    leads: Vec<i64>,
}

impl ReportNotice<'_> {
    /// The outbox key of this notice's message to `person_id`.
    pub fn key(&self, person_id: i64) -> String {
        match self.reminder_day {
            Some(on) => format!(
                "remind:report:{}:{}:{person_id}:{on}",
                self.period.id, self.unit_id
            ),
            None => format!("window:{}:{}:{person_id}", self.period.id, self.unit_id),
        }
    }
}

/// The units owing `period`'s report.
pub fn owing_units<'a>(day: &'a Day<'a>, period: &'a PeriodDue) -> impl Iterator<Item = i64> + 'a {
    day.units_of_plan(period.plan_id)
        .iter()
        .copied()
        .filter(move |unit| match period.owed_by {
            ReportOwers::ImplementingUnits => true,
            ReportOwers::Communes => day
                .snapshot
                .units
                .get(unit)
                .is_some_and(|u| u.kind == UnitKind::Commune),
        })
}

/// Report windows and reminders due today, before their task lists are read.
pub fn report_notices<'s>(day: &Day<'s>) -> Vec<ReportNotice<'s>> {
    let mut notices = Vec::new();
    for period in &day.snapshot.periods {
        let reminder_day = day
            .rules
            .policy
            .reminder_day(period.due_date, day.today, day.calendar);
        let window = day
            .rules
            .policy
            .window_open_on(period.due_date, day.today, day.calendar);
        if reminder_day.is_none() && !window {
            continue;
        }
        // A window notice and a reminder are never two messages, and the window notice never
        // comes after a reminder: it goes alone only on the days before the first reminder.
        // When the window has no such day (it opens on the first reminder's day, or a day off
        // moved them together), that first reminder announces it.
        let window_alone = window && reminder_day.is_none();
        let window_too = reminder_day.is_some_and(|on| {
            let opens = day.rules.policy.window_opens(period.due_date, day.calendar);
            let reminders = day
                .rules
                .policy
                .reminder_days(period.due_date, day.calendar);
            reminders.first().is_some_and(|first| *first <= opens)
                && reminders.iter().find(|d| **d >= opens) == Some(&on)
        });
        for unit_id in owing_units(day, period) {
            if day.reported(period.id, unit_id) {
                continue;
            }
            if window_alone {
                notices.push(ReportNotice {
                    period,
                    unit_id,
                    reminder_day: None,
                    window_too: false,
                });
            }
            if reminder_day.is_some() {
                notices.push(ReportNotice {
                    period,
                    unit_id,
                    reminder_day,
                    window_too,
                });
            }
        }
    }
    notices
}

/// Renders report notices with the open tasks of each unit in the period's plan.
pub fn report_messages(
    day: &Day<'_>,
    notices: &[ReportNotice<'_>],
    open_tasks: &OpenTasks,
    out: &mut Outgoing,
) {
    for notice in notices {
        let period = notice.period;
        let unit_name = day.unit_name(notice.unit_id);
        let (tasks, open) = open_tasks.of(notice.unit_id, period.plan_id);
        for recipient in day.members(notice.unit_id) {
            let lang = day.lang_of(recipient);
            let due = due_with_weekday(period.due_date, lang);
            let mut lines = Vec::new();
            if notice.window_too {
                lines.push(ChaseText::WindowOpenToo.render(lang));
            }
            lines.push(match notice.reminder_day {
                Some(_) => ChaseText::ReportReminder {
                    label: &period.label,
                    plan: &period.plan_code,
                    unit: unit_name,
                    due: &due,
                    days_left: (period.due_date - day.today).num_days(),
                }
                .render(lang),
                None => ChaseText::WindowOpen {
                    label: &period.label,
                    plan: &period.plan_code,
                    unit: unit_name,
                    due: &due,
                }
                .render(lang),
            });
            if !tasks.is_empty() {
                lines.push(ChaseText::ReportCovers.render(lang));
                lines.extend(task_lines(&tasks, open, lang));
            }
            lines.push(ChaseText::ReportHowTo.render(lang));
            let key = notice.key(recipient.person_id);
            let keyboard = Keyboard::SubmitReport {
                period: PeriodId(period.id),
                unit: UnitId(notice.unit_id),
            };
            out.messages.push(NewMessage {
                key,
                kind: if notice.reminder_day.is_some() {
                    MessageKind::Reminder
                } else {
                    MessageKind::Window
                },
                chat_id: recipient.chat_id,
                person_id: Some(recipient.person_id),
                body: lines.join("\n"),
                reply_markup: Some(keyboard.in_lang(lang)),
                subject: MessageSubject {
                    period_id: Some(PeriodId(period.id)),
                    unit_id: Some(UnitId(notice.unit_id)),
                    ..MessageSubject::default()
                },
            });
        }
    }
}

/// The first open tasks a reminder lists (the store gives at most a few), then how many more
/// of the `open` there are.
fn task_lines(tasks: &[&TaskLine], open: usize, lang: Lang) -> Vec<String> {
    let open = open.max(tasks.len());
    let mut lines: Vec<String> = tasks
        .iter()
        .take(LISTED_TASKS)
        .map(|t| {
            format!(
                "– {} {}",
                t.code.as_deref().unwrap_or("·"),
                ellipsize(&t.text, 80)
            )
        })
        .collect();
    if open > LISTED_TASKS {
        lines.push(ChaseText::MoreTasks(open - LISTED_TASKS).render(lang));
    }
    lines
}

/// The dated assignments of one unit sharing a due date and a reminder day: one reminder per
/// member.
pub struct DatedGroup<'s> {
    unit_id: i64,
    due_date: NaiveDate,
    on: NaiveDate,
    assignments: Vec<&'s DatedAssignment>,
}

impl DatedGroup<'_> {
    /// The outbox key of this group's reminder to `person_id`.
    pub fn key(&self, person_id: i64) -> String {
        let (unit_id, due_date, on) = (self.unit_id, self.due_date, self.on);
        match self.assignments.as_slice() {
            [single] => format!("remind:task:{}:{person_id}:{on}", single.assignment_id),
            _ => format!("remind:tasks:{unit_id}:{due_date}:{person_id}:{on}"),
        }
    }

    pub fn unit_id(&self) -> i64 {
        self.unit_id
    }
}

/// The dated-task reminders due today, grouped per unit, due date and reminder day, before
/// they are worded: a pass looks their keys up first and words only what is not queued yet.
pub fn dated_groups<'s>(day: &Day<'s>) -> Vec<DatedGroup<'s>> {
    let mut groups: BTreeMap<(i64, NaiveDate, NaiveDate), Vec<&DatedAssignment>> = BTreeMap::new();
    // Many assignments share a due date: its reminder day is reckoned once.
    let mut reminder_days: HashMap<NaiveDate, Option<NaiveDate>> = HashMap::new();
    for assignment in &day.snapshot.dated {
        let on = *reminder_days.entry(assignment.due_date).or_insert_with(|| {
            day.rules
                .policy
                .reminder_day(assignment.due_date, day.today, day.calendar)
        });
        if let Some(on) = on {
            groups
                .entry((assignment.unit_id, assignment.due_date, on))
                .or_default()
                .push(assignment);
        }
    }
    groups
        .into_iter()
        .map(|((unit_id, due_date, on), assignments)| DatedGroup {
            unit_id,
            due_date,
            on,
            assignments,
        })
        .collect()
}

/// Reminders of dated tasks: one message per member, unit, due date and reminder day; a
/// single task comes as its card with the status buttons. Only the reminders `wanted` keeps
/// (by key) are worded.
pub fn task_reminders(
    day: &Day<'_>,
    groups: &[DatedGroup<'_>],
    wanted: impl Fn(&str) -> bool,
    out: &mut Outgoing,
) {
    for group in groups {
        let (unit_id, due_date) = (group.unit_id, group.due_date);
        let assignments = &group.assignments;
        let Some(first) = assignments.first().copied() else {
            continue;
        };
        let unit_name = day.unit_name(unit_id);
        for recipient in day.members(unit_id) {
            let key = group.key(recipient.person_id);
            if !wanted(&key) {
                continue;
            }
            let lang = day.lang_of(recipient);
            let due = due_with_weekday(due_date, lang);
            let days_left = (due_date - day.today).num_days();
            let mut lines = vec![ChaseText::TaskReminder {
                unit: unit_name,
                due: &due,
                days_left,
                count: assignments.len(),
            }
            .render(lang)];
            let single = assignments.len() == 1;
            lines.extend(assignments.iter().take(LISTED_TASKS).map(|a| {
                format!(
                    "– {} · {} {}",
                    day.plan_code(a.plan_id),
                    a.task_code.as_deref().unwrap_or("·"),
                    ellipsize(&a.text, 80)
                )
            }));
            if assignments.len() > LISTED_TASKS {
                lines.push(ChaseText::MoreTasks(assignments.len() - LISTED_TASKS).render(lang));
            }
            if !single {
                lines.push(ChaseText::TaskHowTo.render(lang));
            }
            out.messages.push(NewMessage {
                key,
                kind: MessageKind::Reminder,
                chat_id: recipient.chat_id,
                person_id: Some(recipient.person_id),
                body: lines.join("\n"),
                reply_markup: single.then(|| {
                    Keyboard::TaskCard {
                        assignment: AssignmentId(first.assignment_id),
                    }
                    .in_lang(lang)
                }),
                subject: MessageSubject {
                    assignment_id: single.then_some(AssignmentId(first.assignment_id)),
                    unit_id: Some(UnitId(unit_id)),
                    ..MessageSubject::default()
                },
            });
        }
    }
}

/// Steps of the ladder reached today: recorded, and the Nudge / Heads messages grouped per
/// unit (and per lead unit's focal point). When their messages would not fit in `room`, only
/// the first units' (whole units, at least one when there is room) are recorded and worded,
/// the rest kept in `out.later_escalations`; returns whether some were left for a later part.
pub fn escalations(day: &Day<'_>, room: usize, out: &mut Outgoing) -> bool {
    let start = out.escalations.len();
    let mut climbs: Vec<Climb> = Vec::new();
    for period in &day.snapshot.periods {
        let ladder = day.ladder_of(period.plan_id);
        let Some(step) = ladder.step_on(period.due_date, day.today, day.calendar) else {
            continue;
        };
        let offices = day.offices_of_plan(period.plan_id);
        for unit_id in owing_units(day, period) {
            if day.reported(period.id, unit_id)
                || !reaches_new_step(day, (ItemKind::Report, period.id, unit_id), step)
            {
                continue;
            }
            let item = format!("{} ({})", period.label, period.plan_code);
            climb(
                day,
                out,
                &mut climbs,
                (ItemKind::Report, period.id, unit_id),
                step,
                period.due_date,
                item,
                offices.clone(),
            );
        }
    }
    // Many assignments share a plan and a due date: the step is reckoned once for each.
    let mut steps: HashMap<(i64, NaiveDate), Option<EscalationStep>> = HashMap::new();
    for a in &day.snapshot.dated {
        let step = *steps.entry((a.plan_id, a.due_date)).or_insert_with(|| {
            day.ladder_of(a.plan_id)
                .step_on(a.due_date, day.today, day.calendar)
        });
        let Some(step) = step else {
            continue;
        };
        if !reaches_new_step(day, (ItemKind::Task, a.assignment_id, a.unit_id), step) {
            continue;
        }
        let item = format!(
            "{} {} ({})",
            a.task_code.as_deref().unwrap_or("·"),
            ellipsize(&a.text, 60),
            day.plan_code(a.plan_id)
        );
        let leads = day
            .snapshot
            .task_leads
            .get(&a.task_id)
            .cloned()
            .unwrap_or_default();
        climb(
            day,
            out,
            &mut climbs,
            (ItemKind::Task, a.assignment_id, a.unit_id),
            step,
            a.due_date,
            item,
            leads,
        );
    }
    // Citizen cases: the answer's due date climbs the same ladder (no lead unit: the unit,
    // its head, then the coordinating office's digest).
    for (hop, number) in &day.snapshot.case_hops {
        let Some(step) = day
            .rules
            .ladder
            .step_on(hop.answer_due_date, day.today, day.calendar)
        else {
            continue;
        };
        climb(
            day,
            out,
            &mut climbs,
            (ItemKind::Case, hop.id.get(), hop.unit.id.get()),
            step,
            hop.answer_due_date,
            ChaseText::CaseItem {
                number: &number.to_string(),
            }
            .render(day.rules.lang),
            Vec::new(),
        );
    }
    let mut left = false;
    if let Some(units) = units_within(day, &climbs, room) {
        climbs.retain(|c| units.contains(&c.unit_id));
        let (now, later): (Vec<EscalationRecord>, Vec<EscalationRecord>) = out
            .escalations
            .drain(start..)
            .partition(|r| units.contains(&r.unit_id));
        left = !later.is_empty();
        out.escalations.extend(now);
        out.later_escalations.extend(later);
    }
    escalation_messages(day, &climbs, out);
    left
}

/// The units, from the lowest id, whose escalation messages (one per member the unit's step
/// tells, counted at least one) fit in `room`; `None` when every unit's do.
fn units_within(day: &Day<'_>, climbs: &[Climb], room: usize) -> Option<HashSet<i64>> {
    let mut units: Vec<i64> = climbs.iter().map(|c| c.unit_id).collect();
    units.sort_unstable();
    units.dedup();
    let fit = how_many_fit(units.iter().map(|u| day.members(*u).count().max(1)), room);
    (fit < units.len()).then(|| units[..fit].iter().copied().collect())
}

/// How many items, from the first, fit whole in `room` messages (`sizes`: each item's
/// messages): at least one when there is any room, so every part moves a wave on.
pub fn how_many_fit(sizes: impl IntoIterator<Item = usize>, room: usize) -> usize {
    let mut total = 0usize;
    let mut taken = 0;
    for size in sizes {
        total = total.saturating_add(size);
        if total > room && (taken > 0 || room == 0) {
            break;
        }
        taken += 1;
    }
    taken
}

/// Citizen cases still with a unit: a reminder before the acknowledgement deadline (and one
/// when it has passed), and before the answer's due date.
pub fn case_reminders(day: &Day<'_>, now: DateTime<Utc>, out: &mut Outgoing) {
    let clocks = &day.rules.case_clocks;
    for (hop, number) in &day.snapshot.case_hops {
        let number = number.to_string();
        // The reminder before the deadline goes in working hours (the afternoon before a
        // deadline at the morning's opening), not once the deadline has passed.
        let remind_from = clocks.ack_reminder_at(
            hop.ack_due_at,
            &day.rules.hours,
            day.calendar,
            day.rules.time_zone,
        );
        let (what, key) = if hop.state == HopState::Forwarded && now >= remind_from {
            let late = now >= hop.ack_due_at;
            let tag = if late { "acklate" } else { "ackremind" };
            (Some((true, late)), format!("case:{tag}:{}", hop.id))
        } else {
            let due = hop.answer_due_date;
            let reminder = clocks
                .answer_reminder_days
                .iter()
                .map(|k| clocks.answer_reminder_day(due, *k, day.calendar))
                .filter(|d| *d <= day.today && day.today <= due)
                .max();
            match reminder {
                Some(on) => (Some((false, false)), format!("case:remind:{}:{on}", hop.id)),
                None => (None, String::new()),
            }
        };
        let Some((ack, late)) = what else {
            continue;
        };
        for r in day.members(hop.unit.id.get()) {
            let lang = day.lang_of(r);
            let by = hop
                .ack_due_at
                .with_timezone(&day.rules.time_zone)
                .format("%H:%M %d/%m/%Y")
                .to_string();
            let due = due_with_weekday(hop.answer_due_date, lang);
            let text = if ack {
                ChaseText::CaseAckReminder {
                    number: &number,
                    by: &by,
                    late,
                }
            } else {
                ChaseText::CaseAnswerReminder {
                    number: &number,
                    due: &due,
                    days_left: day
                        .calendar
                        .working_days_between(day.today, hop.answer_due_date),
                }
            };
            out.messages.push(NewMessage {
                key: format!("{key}:{}", r.chat_id),
                kind: MessageKind::Reminder,
                chat_id: r.chat_id,
                person_id: Some(r.person_id),
                body: text.render(lang),
                reply_markup: Some(crate::hotline::hop_keyboard(hop.id, lang)),
                subject: MessageSubject {
                    unit_id: Some(hop.unit.id),
                    case_hop_id: Some(hop.id),
                    ..MessageSubject::default()
                },
            });
        }
    }
}

/// Whether `step` is above the step recorded for the item (`climb` has something to do):
/// checked before an item's text is made, since most overdue items have long been recorded.
fn reaches_new_step(day: &Day<'_>, item: (ItemKind, i64, i64), step: EscalationStep) -> bool {
    day.snapshot
        .escalated
        .get(&item)
        .is_none_or(|recorded| step > *recorded)
}

/// Records the steps an item reached beyond those recorded, and notes its message.
#[allow(clippy::too_many_arguments)]
fn climb(
    day: &Day<'_>,
    out: &mut Outgoing,
    climbs: &mut Vec<Climb>,
    (kind, item_id, unit_id): (ItemKind, i64, i64),
    step: EscalationStep,
    due: NaiveDate,
    item: String,
    leads: Vec<i64>,
) {
    let recorded = day
        .snapshot
        .escalated
        .get(&(kind, item_id, unit_id))
        .copied();
    let new_steps: Vec<EscalationStep> = step
        .and_below()
        .filter(|s| recorded.is_none_or(|r| *s > r))
        .collect();
    if new_steps.is_empty() {
        return;
    }
    out.escalations
        .extend(new_steps.iter().map(|s| EscalationRecord {
            kind,
            item_id,
            unit_id,
            step: *s,
            due_date: due,
        }));
    // An item first seen already past the office step (a plan imported late, a long outage)
    // goes straight to the office's digest: a flood of stale nudges would help no one.
    let message = (step != EscalationStep::Office)
        .then(|| new_steps.last().copied())
        .flatten();
    climbs.push(Climb {
        kind,
        item_id,
        unit_id,
        item,
        due,
        message,
        leads,
    });
}

fn escalation_messages(day: &Day<'_>, climbs: &[Climb], out: &mut Outgoing) {
    // (unit, step) → items, for the unit's own members.
    let mut to_units: BTreeMap<(i64, EscalationStep), Vec<&Climb>> = BTreeMap::new();
    // lead person → (lead unit, items), for lead units' focal points at the Heads step.
    let mut to_leads: BTreeMap<i64, (i64, Vec<&Climb>)> = BTreeMap::new();
    for c in climbs {
        let Some(step) = c.message else {
            continue;
        };
        to_units.entry((c.unit_id, step)).or_default().push(c);
        if step == EscalationStep::Heads {
            for lead in &c.leads {
                for person in day.focal_points(*lead) {
                    to_leads
                        .entry(person.person_id)
                        .or_insert_with(|| (*lead, Vec::new()))
                        .1
                        .push(c);
                }
            }
        }
    }
    let mut told: HashSet<String> = HashSet::new();
    for ((unit_id, step), items) in &to_units {
        let unit = day.unit_name(*unit_id);
        let recipients: Vec<&Recipient> = match step {
            EscalationStep::Nudge => day.staff(*unit_id),
            _ => day.members(*unit_id).collect(),
        };
        for r in recipients {
            let lang = day.lang_of(r);
            let head = match step {
                EscalationStep::Nudge => ChaseText::Nudge { unit },
                _ => ChaseText::HeadsEscalation { unit },
            };
            let key = format!(
                "escalate:{}:{}:{unit_id}:{}:{}",
                day.today,
                step.number(),
                r.chat_id,
                items_digest(items)
            );
            if told.insert(key.clone()) {
                let mut lines = vec![head.render(lang)];
                lines.extend(item_lines(day, items, lang));
                // Point to where each kind of item is answered: reports and tasks, or cases.
                let cases = items.iter().filter(|c| c.kind == ItemKind::Case).count();
                let how = match cases {
                    0 => ChaseText::EscalationHowTo,
                    n if n == items.len() => ChaseText::EscalationHowToCases,
                    _ => ChaseText::EscalationHowToBoth,
                };
                lines.push(how.render(lang));
                out.escalation_units.insert(key.clone(), vec![*unit_id]);
                out.messages
                    .push(escalation_message(r, key, lines, Some(UnitId(*unit_id))));
            }
        }
    }
    // One message per lead focal point and day, the late units one after another.
    for (person_id, (lead, items)) in &to_leads {
        let Some(r) = day.recipient(*person_id) else {
            continue;
        };
        let key = format!(
            "escalate:{}:lead:{}:{}",
            day.today,
            r.chat_id,
            items_digest(items)
        );
        if !told.insert(key.clone()) {
            continue;
        }
        let lang = day.lang_of(r);
        out.escalation_units
            .insert(key.clone(), items.iter().map(|c| c.unit_id).collect());
        let mut by_unit: BTreeMap<&str, Vec<&Climb>> = BTreeMap::new();
        for c in items {
            by_unit.entry(day.unit_name(c.unit_id)).or_default().push(c);
        }
        let mut lines = vec![ChaseText::LeadEscalation {
            lead: day.unit_name(*lead),
            units: by_unit.len(),
        }
        .render(lang)];
        for (unit, items) in by_unit {
            lines.push(format!("{unit}:"));
            lines.extend(
                item_lines(day, &items, lang)
                    .into_iter()
                    .map(|l| format!("  {l}")),
            );
        }
        out.messages.push(escalation_message(r, key, lines, None));
    }
}

/// A short digest of the items an escalation message names, part of its key. An item that
/// reaches a step on the same day as others of its unit, but later (a plan imported, a due date
/// edited mid-day) comes in its own message with its own key, instead of being dropped as
/// already queued while its step is recorded. The same items give the same digest in every
/// process and every run (their identities, sorted, through SHA-256), so a pass repeated
/// queues nothing new.
fn items_digest(items: &[&Climb]) -> String {
    let mut ids: Vec<(ItemKind, i64, i64)> = items
        .iter()
        .map(|c| (c.kind, c.item_id, c.unit_id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut hasher = Sha256::new();
    for (kind, item, unit) in ids {
        hasher.update(format!("{}:{item}:{unit};", kind.as_str()).as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// "– Báo cáo quý I (HG-2026): hạn 10/03/2026 (Thứ Ba), quá 2 ngày", oldest due first.
fn item_lines(day: &Day<'_>, items: &[&Climb], lang: Lang) -> Vec<String> {
    let mut items: Vec<&&Climb> = items.iter().collect();
    items.sort_by_key(|c| (c.due, c.kind, c.item.clone()));
    items
        .into_iter()
        .map(|c| {
            ChaseText::OverdueItem {
                item: &c.item,
                due: &due_with_weekday(c.due, lang),
                days: (day.today - c.due).num_days(),
            }
            .render(lang)
        })
        .collect()
}

fn escalation_message(
    r: &Recipient,
    key: String,
    lines: Vec<String>,
    unit_id: Option<UnitId>,
) -> NewMessage {
    NewMessage {
        key,
        kind: MessageKind::Escalation,
        chat_id: r.chat_id,
        person_id: Some(r.person_id),
        body: lines.join("\n"),
        reply_markup: None,
        subject: MessageSubject {
            unit_id,
            ..MessageSubject::default()
        },
    }
}

/// The day after a window closes: who did not report, to the plan's coordinators.
pub fn closings(day: &Day<'_>, out: &mut Outgoing) {
    for period in &day.snapshot.periods {
        if !day
            .rules
            .policy
            .closing_due_on(period.due_date, day.today, day.calendar)
        {
            continue;
        }
        let owing: Vec<i64> = owing_units(day, period).collect();
        let mut missing: Vec<&str> = owing
            .iter()
            .filter(|u| !day.reported(period.id, **u))
            .map(|u| day.unit_name(*u))
            .collect();
        missing.sort_unstable();
        for r in day.coordinators_of_plan(period.plan_id) {
            let lang = day.lang_of(r);
            let due = due_with_weekday(period.due_date, lang);
            let mut lines = vec![ChaseText::Closing {
                label: &period.label,
                plan: &period.plan_code,
                due: &due,
                reported: owing.len() - missing.len(),
                owing: owing.len(),
            }
            .render(lang)];
            if missing.is_empty() {
                lines.push(ChaseText::ClosingAllReported.render(lang));
            } else {
                lines.push(ChaseText::ClosingMissing(missing.len()).render(lang));
                lines.extend(missing.iter().map(|m| format!("– {m}")));
            }
            out.messages.push(NewMessage {
                key: format!("closing:{}:{}", period.id, r.person_id),
                kind: MessageKind::Closing,
                chat_id: r.chat_id,
                person_id: Some(r.person_id),
                body: lines.join("\n"),
                reply_markup: None,
                subject: MessageSubject::default(),
            });
        }
    }
}

/// Whether `role` is one that handles the work (not only signs it).
pub fn is_staff(role: PersonRole) -> bool {
    !matches!(role, PersonRole::Head)
}

/// Who gets digests: coordinators, and focal points of units that lead tasks.
pub fn digest_audiences<'a>(
    day: &Day<'a>,
    lead_units: &HashSet<i64>,
) -> Vec<(&'a Recipient, Audience)> {
    let mut chosen: Vec<(&Recipient, Audience)> = Vec::new();
    let mut chats: HashSet<i64> = HashSet::new();
    let recipients = &day.snapshot.recipients;
    for r in recipients
        .iter()
        .filter(|r| r.role == PersonRole::Coordinator)
    {
        if chats.insert(r.chat_id) {
            chosen.push((r, day.audience_of(r, lead_units)));
        }
    }
    for r in recipients
        .iter()
        .filter(|r| r.role == PersonRole::FocalPoint && lead_units.contains(&r.unit_id))
    {
        if chats.insert(r.chat_id) {
            chosen.push((r, Audience::Lead(r.unit_id)));
        }
    }
    chosen
}

/// One morning message per person: a coordinator whose office's digest goes out in this pass
/// is not also sent her own unit's nudge or a lead unit's list of late units, when every unit
/// they name is one her digest covers (the digest lists those items, and says which are her
/// own unit's). `digests` maps each such chat to the units its digest covers; a chat whose
/// digest was queued by an earlier pass today is left out by the caller, so an item reaching a
/// step later in the day still gets its message. The steps are recorded all the same.
pub fn fold_into_digests(out: &mut Outgoing, digests: &HashMap<i64, HashSet<i64>>) {
    let units = &out.escalation_units;
    out.messages.retain(|m| {
        if m.kind != MessageKind::Escalation {
            return true;
        }
        let Some(covered) = digests.get(&m.chat_id) else {
            return true;
        };
        let named = units.get(&m.key).map(Vec::as_slice).unwrap_or_default();
        named.is_empty() || !named.iter().all(|u| covered.contains(u))
    });
}

#[cfg(test)]
mod tests {
    use super::how_many_fit;

    #[test]
    fn a_part_takes_whole_items_and_always_moves_on_when_there_is_room() {
        assert_eq!(how_many_fit([2, 2, 2], 5), 2);
        assert_eq!(how_many_fit([2, 2, 2], 6), 3);
        // One item bigger than the part still goes, alone.
        assert_eq!(how_many_fit([9, 1], 5), 1);
        // No room: nothing (an earlier kind filled the part).
        assert_eq!(how_many_fit([1], 0), 0);
        assert_eq!(how_many_fit([], 5), 0);
    }
}
