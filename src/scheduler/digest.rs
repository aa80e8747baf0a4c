//! The daily digest (and `/tonghop`, `/quahan`): counts by plan and dimension, overdue items
//! grouped by unit (worst first), late reporters, members who cannot be reached, and what is
//! due in the next 7 days.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Duration, NaiveDate};

use super::compose::owing_units;
use super::{Audience, Day};
use crate::domain::text::ellipsize;
use crate::domain::{AssignmentStatus, EscalationStep, MessageKind};
use crate::hotline::stats::{CaseStats, Figures};
use crate::messages::{ChaseText, Lang};
use crate::store::{
    ItemKind, MessageSubject, NewMessage, Recipient, StatusTally, Store, StoreError,
    TaskStatusCount,
};

/// The digest looks this many days ahead.
pub const UPCOMING_DAYS: i64 = 7;
/// Units listed with their overdue items before "… and N more units".
const LISTED_UNITS: usize = 40;
/// Late reports are listed for windows that closed this many days ago or less.
const LATE_WINDOW_DAYS: i64 = 30;

/// Assignment counts and this month's citizen cases for the digest, read once per pass that
/// composes digests. The assignments are counted by the database, by task and status (a few
/// rows a task): a digest for every unit at work or for a lead unit adds these up; a digest
/// for fewer units asks the database for those units' figures (`Counts::tallies`).
#[derive(Debug, Default)]
pub struct Counts {
    by_task: Vec<TaskStatusCount>,
    /// task → its lead units, for every live task.
    leads: HashMap<i64, Vec<i64>>,
    /// Cases received since the first of the month (figures for the coordinators).
    month_cases: Vec<crate::store::CaseView>,
    /// Wrong invitation codes in the last day (coordinators only).
    bad_codes: crate::store::BadCodes,
}

/// The outbox key of the digest a chat gets on `today`: one a day.
pub fn digest_key(today: NaiveDate, chat_id: i64) -> String {
    format!("digest:{today}:{chat_id}")
}

impl Counts {
    /// The counts as they stood at `at` (the pass's instant: a `tick --at` in the past must not
    /// count cases received since).
    pub async fn load(
        store: &Store,
        rules: &super::Rules,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Counts, StoreError> {
        let today = at.with_timezone(&rules.time_zone).date_naive();
        use chrono::{Datelike, TimeZone};
        let first = today.with_day(1).unwrap_or(today);
        let start = rules
            .time_zone
            .from_local_datetime(&first.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_default();
        Ok(Counts {
            by_task: store.status_counts_by_task().await?,
            leads: store.live_task_leads().await?,
            month_cases: crate::hotline::stats::as_of(
                &store.cases_received(start, at.max(start)).await?,
                at,
            ),
            bad_codes: store
                .start_failures_since(store.now() - Duration::hours(24))
                .await?,
        })
    }

    /// Units that lead at least one live task with live assignments.
    pub fn lead_units(&self) -> HashSet<i64> {
        self.by_task
            .iter()
            .filter_map(|c| self.leads.get(&c.task_id))
            .flatten()
            .copied()
            .collect()
    }

    /// The assignment figures `audience`'s digest prints, by plan, dimension and status: the
    /// tasks a lead unit leads; or the assignments of an office's or a unit's units, which are
    /// the counts already read when those units include every unit at work (a province's
    /// office), and are read for those units otherwise.
    pub async fn tallies(
        &self,
        store: &Store,
        day: &Day<'_>,
        audience: &Audience,
    ) -> Result<Vec<StatusTally>, StoreError> {
        let units = match audience {
            Audience::Lead(lead) => {
                return Ok(self
                    .by_task
                    .iter()
                    .filter(|c| self.leads.get(&c.task_id).is_some_and(|l| l.contains(lead)))
                    .map(StatusTally::from)
                    .collect())
            }
            Audience::Office(units) | Audience::Units(units) => units,
        };
        let everyone = day
            .snapshot
            .plan_units
            .iter()
            .all(|(_, unit)| units.contains(unit));
        if everyone {
            return Ok(self.by_task.iter().map(StatusTally::from).collect());
        }
        let mut units: Vec<i64> = units.iter().copied().collect();
        units.sort_unstable();
        store.status_tallies_of_units(&units).await
    }
}

/// One overdue item in a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueItem {
    pub unit_id: i64,
    pub item: String,
    pub due: NaiveDate,
    pub days: i64,
    /// It reached the coordinating office's digest step.
    pub escalated: bool,
    /// It belongs to a plan of a past year: the daily digest sums these up in one line.
    pub past_year: bool,
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    done: i64,
    in_progress: i64,
    blocked: i64,
    not_started: i64,
}

impl Tally {
    fn add(&mut self, status: AssignmentStatus, n: i64) {
        match status {
            AssignmentStatus::Done => self.done += n,
            AssignmentStatus::InProgress => self.in_progress += n,
            AssignmentStatus::Blocked => self.blocked += n,
            AssignmentStatus::NotStarted => self.not_started += n,
        }
    }

    fn total(&self) -> i64 {
        self.done + self.in_progress + self.blocked + self.not_started
    }
}

/// A digest's content before it is written in a language.
#[derive(Debug, Default)]
pub struct Digest {
    /// plan id → (plan tally, dimension → tally).
    plans: BTreeMap<i64, (Tally, BTreeMap<String, Tally>)>,
    pub overdue: Vec<OverdueItem>,
    late: Vec<(i64, String, NaiveDate, NaiveDate)>,
    unreachable: Vec<(String, i64, NaiveDate)>,
    upcoming_reports: Vec<(String, String, NaiveDate, usize)>,
    upcoming_tasks: Vec<(String, NaiveDate, usize)>,
    /// Citizen cases past their answer date: number, unit, due date.
    late_cases: Vec<(String, i64, NaiveDate)>,
    /// This month's case figures (coordinators only).
    case_stats: Option<crate::hotline::stats::CaseStats>,
    /// Wrong invitation codes in the last day (coordinators only).
    bad_codes: crate::store::BadCodes,
    /// A coordinating office's digest (the one morning message of its coordinators).
    office: bool,
    /// Units with live work no one can be told in: (unit, linked members unreachable).
    no_one: Vec<(i64, i64)>,
    /// Citizen cases with such a unit: number, unit.
    unreached_cases: Vec<(String, i64)>,
}

/// This month's case figures: the total, then per unit (the first [`LISTED_UNITS`]) and per
/// category, each one line.
fn case_figure_lines(stats: &CaseStats, day: &Day, lang: Lang) -> Vec<String> {
    let row = |name: &str, f: &Figures| {
        ChaseText::DigestCaseRow {
            name,
            received: f.received,
            acknowledged: f.acknowledged_in_time,
            answered: f.answered_in_time,
            late: f.answered_late,
            open: f.open,
        }
        .render(lang)
    };
    let f = &stats.total;
    let mut lines = vec![ChaseText::DigestCaseFigures {
        month: &day.today.format("%m/%Y").to_string(),
        received: f.received,
        acknowledged: f.acknowledged_in_time,
        answered: f.answered_in_time,
        late: f.answered_late,
        open: f.open,
    }
    .render(lang)];
    lines.push(ChaseText::DigestCasesByUnit.render(lang));
    for (unit, figures) in stats.by_unit.iter().take(LISTED_UNITS) {
        lines.push(row(&unit.name, figures));
    }
    if stats.by_unit.len() > LISTED_UNITS {
        lines.push(ChaseText::DigestMoreCaseUnits(stats.by_unit.len() - LISTED_UNITS).render(lang));
    }
    lines.push(ChaseText::DigestCasesByCategory.render(lang));
    for (category, figures) in &stats.by_category {
        lines.push(row(category, figures));
    }
    lines
}

impl Digest {
    /// `tallies` are the audience's assignment figures (`Counts::tallies`).
    pub fn compose(
        day: &Day<'_>,
        audience: &Audience,
        counts: &Counts,
        tallies: &[StatusTally],
    ) -> Digest {
        let mut digest = Digest::default();
        let in_units = |unit: i64| match audience {
            Audience::Office(units) | Audience::Units(units) => units.contains(&unit),
            Audience::Lead(_) => false,
        };
        let leads_task = |task_id: i64| match audience {
            Audience::Lead(lead) => day
                .snapshot
                .task_leads
                .get(&task_id)
                .is_some_and(|l| l.contains(lead)),
            _ => false,
        };
        for row in tallies {
            let (plan, dims) = digest.plans.entry(row.plan_id).or_default();
            plan.add(row.status(), row.n);
            let dimension = row.dimension.clone().unwrap_or_default();
            dims.entry(dimension).or_default().add(row.status(), row.n);
        }
        let reports = !matches!(audience, Audience::Lead(_));
        let today = day.today;
        let past_year = |plan_id: i64| {
            use chrono::Datelike;
            day.snapshot
                .plans
                .iter()
                .find(|p| p.id == plan_id)
                .is_some_and(|p| p.year < i64::from(today.year()))
        };
        let upcoming_end = today + Duration::days(UPCOMING_DAYS);
        if reports {
            for period in &day.snapshot.periods {
                let owing: Vec<i64> = owing_units(day, period).filter(|u| in_units(*u)).collect();
                if period.due_date < today {
                    for unit in &owing {
                        if day.reported(period.id, *unit) {
                            continue;
                        }
                        digest.overdue.push(OverdueItem {
                            unit_id: *unit,
                            item: format!("{} ({})", period.label, period.plan_code),
                            due: period.due_date,
                            days: (today - period.due_date).num_days(),
                            escalated: day.snapshot.escalated.get(&(
                                ItemKind::Report,
                                period.id,
                                *unit,
                            )) == Some(&EscalationStep::Office),
                            past_year: past_year(period.plan_id),
                        });
                    }
                    if (today - period.due_date).num_days() <= LATE_WINDOW_DAYS {
                        for unit in &owing {
                            if let Some(at) = day.snapshot.submissions.get(&(period.id, *unit)) {
                                let sent = at.with_timezone(&day.rules.time_zone).date_naive();
                                if sent > period.due_date {
                                    digest.late.push((
                                        *unit,
                                        period.label.clone(),
                                        period.due_date,
                                        sent,
                                    ));
                                }
                            }
                        }
                    }
                } else if period.due_date <= upcoming_end {
                    let missing = owing
                        .iter()
                        .filter(|u| !day.reported(period.id, **u))
                        .count();
                    if missing > 0 {
                        digest.upcoming_reports.push((
                            period.label.clone(),
                            period.plan_code.clone(),
                            period.due_date,
                            missing,
                        ));
                    }
                }
            }
            for person in &day.snapshot.unreachable {
                if in_units(person.unit_id) {
                    let since = person
                        .since
                        .with_timezone(&day.rules.time_zone)
                        .date_naive();
                    digest
                        .unreachable
                        .push((person.full_name.clone(), person.unit_id, since));
                }
            }
        }
        if matches!(audience, Audience::Office(_)) {
            digest.bad_codes = counts.bad_codes;
            digest.office = true;
            digest.reach_gaps(day, &in_units);
        }
        if matches!(audience, Audience::Office(_)) && !counts.month_cases.is_empty() {
            let stats = crate::hotline::stats::case_stats(
                &counts.month_cases,
                day.rules.case_clocks.ack_hours,
                day.rules.time_zone,
                today,
            );
            digest.case_stats = Some(stats);
        }
        for (hop, number) in &day.snapshot.case_hops {
            if hop.answer_due_date < today && in_units(hop.unit.id.get()) {
                digest.late_cases.push((
                    number.to_string(),
                    hop.unit.id.get(),
                    hop.answer_due_date,
                ));
            }
        }
        let mut upcoming: BTreeMap<(NaiveDate, i64), (String, usize)> = BTreeMap::new();
        for a in &day.snapshot.dated {
            if !(in_units(a.unit_id) || leads_task(a.task_id)) {
                continue;
            }
            let title = format!(
                "{} · {} {}",
                day.plan_code(a.plan_id),
                a.task_code.as_deref().unwrap_or("·"),
                ellipsize(&a.text, 60)
            );
            if a.due_date < today {
                digest.overdue.push(OverdueItem {
                    unit_id: a.unit_id,
                    item: title,
                    due: a.due_date,
                    days: (today - a.due_date).num_days(),
                    escalated: day.snapshot.escalated.get(&(
                        ItemKind::Task,
                        a.assignment_id,
                        a.unit_id,
                    )) == Some(&EscalationStep::Office),
                    past_year: past_year(a.plan_id),
                });
            } else if a.due_date <= upcoming_end {
                upcoming
                    .entry((a.due_date, a.task_id))
                    .or_insert_with(|| (title, 0))
                    .1 += 1;
            }
        }
        digest.upcoming_tasks = upcoming
            .into_iter()
            .map(|((due, _), (title, units))| (title, due, units))
            .collect();
        digest
    }

    /// Units with live work and no one the bot can tell in them (nobody linked, or every
    /// linked member unreachable), and the citizen cases sitting with such units: a
    /// coordinating office's digest names both, as nothing else tells anyone.
    fn reach_gaps(&mut self, day: &Day<'_>, in_units: &impl Fn(i64) -> bool) {
        let mut working: Vec<i64> = day
            .snapshot
            .plan_units
            .iter()
            .map(|(_, unit)| *unit)
            .filter(|unit| in_units(*unit))
            .collect();
        working.sort_unstable();
        working.dedup();
        for unit in working {
            if day.members(unit).next().is_none() {
                let unreachable = day
                    .snapshot
                    .unreachable
                    .iter()
                    .filter(|p| p.unit_id == unit)
                    .count();
                self.no_one
                    .push((unit, i64::try_from(unreachable).unwrap_or(i64::MAX)));
            }
        }
        self.no_one
            .sort_by(|(a, _), (b, _)| day.unit_name(*a).cmp(day.unit_name(*b)));
        for (hop, number) in &day.snapshot.case_hops {
            let unit = hop.unit.id.get();
            if in_units(unit) && day.members(unit).next().is_none() {
                self.unreached_cases.push((number.to_string(), unit));
            }
        }
    }

    /// Overdue items grouped by unit, the unit with the oldest item first.
    pub fn overdue_by_unit(&self) -> Vec<(i64, Vec<&OverdueItem>)> {
        self.overdue_grouped(true)
    }

    /// As [`Self::overdue_by_unit`], with or without the items of past years' plans.
    fn overdue_grouped(&self, past_years: bool) -> Vec<(i64, Vec<&OverdueItem>)> {
        let mut by_unit: HashMap<i64, Vec<&OverdueItem>> = HashMap::new();
        for item in self.overdue.iter().filter(|i| past_years || !i.past_year) {
            by_unit.entry(item.unit_id).or_default().push(item);
        }
        let mut units: Vec<(i64, Vec<&OverdueItem>)> = by_unit.into_iter().collect();
        for (_, items) in &mut units {
            items.sort_by(|a, b| b.days.cmp(&a.days).then(a.item.cmp(&b.item)));
        }
        units.sort_by(|(ua, a), (ub, b)| {
            let worst = |items: &Vec<&OverdueItem>| items.first().map_or(0, |i| i.days);
            worst(b)
                .cmp(&worst(a))
                .then(b.len().cmp(&a.len()))
                .then(ua.cmp(ub))
        });
        units
    }

    /// The overdue section alone (`/quahan`): every item, past years' plans included.
    pub fn overdue_lines(&self, day: &Day<'_>, lang: Lang, unit_limit: usize) -> Vec<String> {
        self.overdue_section(day, lang, unit_limit, true)
    }

    /// The overdue section; without `past_years`, the items of past years' plans are one
    /// summary line at the end instead of a line each every day.
    fn overdue_section(
        &self,
        day: &Day<'_>,
        lang: Lang,
        unit_limit: usize,
        past_years: bool,
    ) -> Vec<String> {
        let units = self.overdue_grouped(past_years);
        let past: Vec<&OverdueItem> = self.overdue.iter().filter(|i| i.past_year).collect();
        let past_line = (!past_years && !past.is_empty()).then(|| {
            let mut past_units: Vec<i64> = past.iter().map(|i| i.unit_id).collect();
            past_units.sort_unstable();
            past_units.dedup();
            ChaseText::DigestPastYears {
                items: past.len(),
                units: past_units.len(),
            }
            .render(lang)
        });
        if units.is_empty() {
            let mut lines = vec![ChaseText::DigestNothingOverdue.render(lang)];
            lines.extend(past_line);
            return lines;
        }
        let items: usize = units.iter().map(|(_, items)| items.len()).sum();
        let mut lines = vec![ChaseText::DigestOverdue {
            items,
            units: units.len(),
        }
        .render(lang)];
        for (unit, items) in units.iter().take(unit_limit) {
            lines.push(
                ChaseText::DigestUnit {
                    unit: day.unit_name(*unit),
                    items: items.len(),
                }
                .render(lang),
            );
            for item in items {
                let due = item.due.format("%d/%m/%Y").to_string();
                let mut line = ChaseText::OverdueItem {
                    item: &item.item,
                    due: &due,
                    days: item.days,
                }
                .render(lang);
                if item.escalated {
                    line.push_str(&ChaseText::DigestEscalatedMark.render(lang));
                }
                lines.push(format!("  {line}"));
            }
        }
        if units.len() > unit_limit {
            lines.push(ChaseText::DigestMoreUnits(units.len() - unit_limit).render(lang));
        }
        lines.extend(past_line);
        lines
    }

    /// Lines for the units of `own` (the recipient's own units) with overdue items: the nudge
    /// a coordinator is not sent on her own, since her digest lists those items.
    fn own_lines(&self, day: &Day<'_>, own: &[i64], lang: Lang) -> Vec<String> {
        let mut lines = Vec::new();
        for unit in own {
            let items = self
                .overdue
                .iter()
                .filter(|i| i.unit_id == *unit && !i.past_year)
                .count();
            if items > 0 {
                lines.push(
                    ChaseText::DigestOwnOverdue {
                        unit: day.unit_name(*unit),
                        items,
                    }
                    .render(lang),
                );
            }
        }
        lines
    }

    fn reach_lines(&self, day: &Day<'_>, lang: Lang) -> Vec<String> {
        let mut lines = Vec::new();
        if !self.no_one.is_empty() {
            lines.push(String::new());
            lines.push(ChaseText::NoOneToTellUnits(self.no_one.len()).render(lang));
            for (unit, unreachable) in self.no_one.iter().take(LISTED_UNITS) {
                lines.push(
                    ChaseText::NoOneToTellUnit {
                        unit: day.unit_name(*unit),
                        unreachable: *unreachable,
                    }
                    .render(lang),
                );
            }
            if self.no_one.len() > LISTED_UNITS {
                lines.push(
                    ChaseText::MoreNoOneToTell(self.no_one.len() - LISTED_UNITS).render(lang),
                );
            }
        }
        if !self.unreached_cases.is_empty() {
            lines.push(String::new());
            lines.push(ChaseText::DigestUnreachedCases(self.unreached_cases.len()).render(lang));
            for (number, unit) in &self.unreached_cases {
                lines.push(
                    ChaseText::DigestUnreachedCase {
                        number,
                        unit: day.unit_name(*unit),
                    }
                    .render(lang),
                );
            }
        }
        lines
    }

    /// The whole digest as lines.
    pub fn lines(&self, day: &Day<'_>, lang: Lang) -> Vec<String> {
        self.lines_for(day, &[], lang)
    }

    /// The whole digest as lines, for a reader whose own units are `own`.
    pub fn lines_for(&self, day: &Day<'_>, own: &[i64], lang: Lang) -> Vec<String> {
        let date = day.today.format("%d/%m/%Y").to_string();
        let mut lines = vec![ChaseText::DigestHeader { date: &date }.render(lang)];
        if self.office {
            lines.extend(self.own_lines(day, own, lang));
        }
        for (plan_id, (tally, dims)) in &self.plans {
            lines.push(
                ChaseText::DigestPlan {
                    plan: day.plan_code(*plan_id),
                    done: tally.done,
                    total: tally.total(),
                    in_progress: tally.in_progress,
                    blocked: tally.blocked,
                    not_started: tally.not_started,
                }
                .render(lang),
            );
            for (dimension, t) in dims.iter().filter(|(d, _)| !d.is_empty()) {
                lines.push(
                    ChaseText::DigestDimension {
                        dimension: &ellipsize(dimension, 50),
                        done: t.done,
                        total: t.total(),
                        blocked: t.blocked,
                    }
                    .render(lang),
                );
            }
        }
        lines.push(String::new());
        lines.extend(self.overdue_section(day, lang, LISTED_UNITS, false));
        if let Some(stats) = &self.case_stats {
            lines.push(String::new());
            lines.extend(case_figure_lines(stats, day, lang));
        }
        if !self.late_cases.is_empty() {
            lines.push(String::new());
            lines.push(ChaseText::DigestLateCases(self.late_cases.len()).render(lang));
            for (number, unit, due) in &self.late_cases {
                lines.push(
                    ChaseText::DigestLateCase {
                        number,
                        unit: day.unit_name(*unit),
                        due: &due.format("%d/%m/%Y").to_string(),
                        days: (day.today - *due).num_days(),
                    }
                    .render(lang),
                );
            }
        }
        if !self.late.is_empty() {
            lines.push(String::new());
            lines.push(ChaseText::DigestLate.render(lang));
            for (unit, label, due, sent) in &self.late {
                lines.push(
                    ChaseText::DigestLateItem {
                        unit: day.unit_name(*unit),
                        label,
                        due: &due.format("%d/%m").to_string(),
                        submitted: &sent.format("%d/%m").to_string(),
                    }
                    .render(lang),
                );
            }
        }
        if !self.unreachable.is_empty() {
            lines.push(String::new());
            lines.push(ChaseText::DigestUnreachable.render(lang));
            for (name, unit, since) in &self.unreachable {
                lines.push(
                    ChaseText::DigestUnreachableItem {
                        name,
                        unit: day.unit_name(*unit),
                        since: &since.format("%d/%m/%Y").to_string(),
                    }
                    .render(lang),
                );
            }
        }
        lines.extend(self.reach_lines(day, lang));
        if self.bad_codes.attempts > 0 {
            lines.push(String::new());
            lines.push(
                ChaseText::DigestBadCodes {
                    attempts: self.bad_codes.attempts,
                    chats: self.bad_codes.chats,
                }
                .render(lang),
            );
        }
        lines.push(String::new());
        if self.upcoming_reports.is_empty() && self.upcoming_tasks.is_empty() {
            lines.push(ChaseText::DigestNothingUpcoming.render(lang));
        } else {
            lines.push(ChaseText::DigestUpcoming.render(lang));
            for (label, plan, due, missing) in &self.upcoming_reports {
                lines.push(
                    ChaseText::DigestUpcomingReport {
                        label,
                        plan,
                        due: &due.format("%d/%m/%Y").to_string(),
                        missing: *missing,
                    }
                    .render(lang),
                );
            }
            for (task, due, units) in &self.upcoming_tasks {
                lines.push(
                    ChaseText::DigestUpcomingTask {
                        task,
                        due: &due.format("%d/%m/%Y").to_string(),
                        units: *units,
                    }
                    .render(lang),
                );
            }
        }
        lines
    }

    /// The digest as one outbox message (split into parts at line ends when long).
    pub fn message(&self, day: &Day<'_>, recipient: &Recipient, lang: Lang) -> NewMessage {
        // Every unit the reader belongs to (one person row per unit, one chat).
        let mut own: Vec<i64> = day
            .snapshot
            .recipients
            .iter()
            .filter(|r| r.chat_id == recipient.chat_id)
            .map(|r| r.unit_id)
            .collect();
        own.sort_unstable();
        own.dedup();
        NewMessage {
            key: digest_key(day.today, recipient.chat_id),
            kind: MessageKind::Digest,
            chat_id: recipient.chat_id,
            person_id: Some(recipient.person_id),
            body: self.lines_for(day, &own, lang).join("\n"),
            reply_markup: None,
            subject: MessageSubject::default(),
        }
    }
}

/// Units with live work no one can be told in, then the members whose chat cannot be reached
/// (`/tinhhinh`, `dondoc members list --missing`), at most `limit` of each; nothing when both
/// are empty.
pub fn reach_gap_lines(
    gaps: &crate::store::ReachGaps,
    limit: usize,
    time_zone: chrono_tz::Tz,
    lang: Lang,
) -> Vec<String> {
    let mut lines = Vec::new();
    if !gaps.units.is_empty() {
        lines.push(ChaseText::NoOneToTellUnits(gaps.units.len()).render(lang));
        for gap in gaps.units.iter().take(limit) {
            lines.push(
                ChaseText::NoOneToTellUnit {
                    unit: &gap.unit.name,
                    unreachable: gap.unreachable,
                }
                .render(lang),
            );
        }
        if gaps.units.len() > limit {
            lines.push(ChaseText::MoreNoOneToTell(gaps.units.len() - limit).render(lang));
        }
    }
    if !gaps.members.is_empty() {
        lines.push(ChaseText::DigestUnreachable.render(lang));
        for member in gaps.members.iter().take(limit) {
            let since = member
                .since
                .with_timezone(&time_zone)
                .format("%d/%m/%Y")
                .to_string();
            lines.push(
                ChaseText::DigestUnreachableItem {
                    name: &member.full_name,
                    unit: &member.unit.name,
                    since: &since,
                }
                .render(lang),
            );
        }
        if gaps.members.len() > limit {
            lines.push(ChaseText::MoreUnreachable(gaps.members.len() - limit).render(lang));
        }
    }
    lines
}
