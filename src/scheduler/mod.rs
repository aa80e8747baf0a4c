//! The scheduler: a pass (every 5 minutes by default) computes what is due now — report
//! windows and reminders, dated-task reminders, escalation steps, closing reports, the daily
//! digest — and queues it in the outbox in one transaction with the escalation steps it
//! records. Every message has an idempotency key, so passes can run as often as they like, in
//! several processes at once, and queue each message once.
//!
//! Reminders and escalations go out only in working hours on working days; the digest on
//! working days, from its cron time until the end of working hours. Time comes from the
//! injected clock (or `dondoc tick --at`).

mod compose;
pub mod digest;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::watch;

use crate::clock::Clock;
use crate::domain::unit::PersonRole;
use crate::domain::{Ladder, UnitKind, WorkingCalendar};
use crate::messages::Lang;
use crate::ops::Metrics;
use crate::outbox::Doorbell;
use crate::store::{
    EscalationRecord, NewMessage, Recipient, ScheduleSnapshot, ScheduleVersions, SnapshotCache,
    Store, StoreError,
};

pub use compose::Outgoing;

/// The breath between two parts of a wave (`PassReport::more`).
const NEXT_PART_AFTER: Duration = Duration::from_millis(500);

/// The rules a pass follows (moved to `domain`; named here too for existing paths).
pub use crate::domain::Rules;

/// Whom a digest is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// A coordinating office: every unit under the city or province it serves.
    Office(HashSet<i64>),
    /// A lead unit: the tasks it leads, whoever implements them.
    Lead(i64),
    /// A unit's own items.
    Units(HashSet<i64>),
}

/// One day's view of the snapshot, with lookups the composers share.
pub struct Day<'a> {
    pub today: NaiveDate,
    pub calendar: &'a WorkingCalendar,
    pub rules: &'a Rules,
    pub snapshot: &'a ScheduleSnapshot,
}

impl<'a> Day<'a> {
    /// The lookups come with the snapshot (`ScheduleSnapshot::index`): a pass that read nothing
    /// new builds nothing.
    pub fn new(
        today: NaiveDate,
        calendar: &'a WorkingCalendar,
        rules: &'a Rules,
        snapshot: &'a ScheduleSnapshot,
    ) -> Self {
        Self {
            today,
            calendar,
            rules,
            snapshot,
        }
    }

    pub fn units_of_plan(&self, plan_id: i64) -> &[i64] {
        self.snapshot
            .index
            .plan_units
            .get(&plan_id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn reported(&self, period_id: i64, unit_id: i64) -> bool {
        self.snapshot
            .submissions
            .contains_key(&(period_id, unit_id))
    }

    pub fn unit_name(&self, unit_id: i64) -> &'a str {
        self.snapshot
            .units
            .get(&unit_id)
            .map(|u| u.name.as_str())
            .unwrap_or("?")
    }

    pub fn is_office(&self, unit_id: i64) -> bool {
        self.snapshot
            .units
            .get(&unit_id)
            .is_some_and(|u| u.kind == UnitKind::CoordinatingOffice)
    }

    pub fn plan_code(&self, plan_id: i64) -> &'a str {
        self.snapshot
            .plans
            .iter()
            .find(|p| p.id == plan_id)
            .map(|p| p.code.as_str())
            .unwrap_or("?")
    }

    pub fn ladder_of(&self, plan_id: i64) -> Ladder {
        self.snapshot
            .plans
            .iter()
            .find(|p| p.id == plan_id)
            .and_then(|p| p.ladder)
            .unwrap_or(self.rules.ladder)
    }

    /// Linked, reachable members of a unit.
    pub fn members(&self, unit_id: i64) -> impl Iterator<Item = &'a Recipient> + '_ {
        let snapshot = self.snapshot;
        snapshot
            .index
            .members
            .get(&unit_id)
            .into_iter()
            .flatten()
            .filter_map(move |position| snapshot.recipients.get(*position))
    }

    /// The members who do the work (all but the head), or the head when there is no one else.
    pub fn staff(&self, unit_id: i64) -> Vec<&'a Recipient> {
        let all: Vec<&Recipient> = self.members(unit_id).collect();
        let staff: Vec<&Recipient> = all
            .iter()
            .copied()
            .filter(|r| compose::is_staff(r.role))
            .collect();
        if staff.is_empty() {
            all
        } else {
            staff
        }
    }

    /// A unit's focal points (or its head when it has none): who a lead unit is told through.
    pub fn focal_points(&self, unit_id: i64) -> Vec<&'a Recipient> {
        let all: Vec<&Recipient> = self.members(unit_id).collect();
        let focal: Vec<&Recipient> = all
            .iter()
            .copied()
            .filter(|r| matches!(r.role, PersonRole::FocalPoint | PersonRole::Coordinator))
            .collect();
        if focal.is_empty() {
            all.into_iter()
                .filter(|r| r.role == PersonRole::Head)
                .collect()
        } else {
            focal
        }
    }

    pub fn recipient(&self, person_id: i64) -> Option<&'a Recipient> {
        self.snapshot
            .recipients
            .iter()
            .find(|r| r.person_id == person_id)
    }

    pub fn lang_of(&self, r: &Recipient) -> Lang {
        r.language.unwrap_or(self.rules.lang)
    }

    /// `root` and every unit under it.
    pub fn subtree(&self, root: i64) -> HashSet<i64> {
        let mut seen = HashSet::from([root]);
        let mut stack = vec![root];
        while let Some(unit) = stack.pop() {
            for child in self
                .snapshot
                .index
                .children
                .get(&unit)
                .into_iter()
                .flatten()
            {
                if seen.insert(*child) {
                    stack.push(*child);
                }
            }
        }
        seen
    }

    /// What a coordinating office watches: everything under the unit it serves (its parent).
    pub fn watched_by_office(&self, office_unit: i64) -> HashSet<i64> {
        let root = self
            .snapshot
            .units
            .get(&office_unit)
            .filter(|u| u.kind == UnitKind::CoordinatingOffice)
            .and_then(|u| u.parent_id)
            .unwrap_or(office_unit);
        self.subtree(root)
    }

    /// Coordinating offices serving a plan's scope (its children of that kind), or every
    /// office when the registry has none there.
    pub fn offices_of_plan(&self, plan_id: i64) -> Vec<i64> {
        let scope = self
            .snapshot
            .plans
            .iter()
            .find(|p| p.id == plan_id)
            .map(|p| p.scope_unit_id);
        let offices = || {
            self.snapshot
                .units
                .values()
                .filter(|u| u.kind == UnitKind::CoordinatingOffice)
        };
        let under_scope: Vec<i64> = offices()
            .filter(|u| u.parent_id == scope || Some(u.id) == scope)
            .map(|u| u.id)
            .collect();
        if under_scope.is_empty() {
            offices().map(|u| u.id).collect()
        } else {
            under_scope
        }
    }

    /// Coordinators whose office watches the plan's scope.
    pub fn coordinators_of_plan(&self, plan_id: i64) -> Vec<&'a Recipient> {
        let Some(scope) = self
            .snapshot
            .plans
            .iter()
            .find(|p| p.id == plan_id)
            .map(|p| p.scope_unit_id)
        else {
            return Vec::new();
        };
        let mut chats = HashSet::new();
        self.snapshot
            .recipients
            .iter()
            .filter(|r| r.role == PersonRole::Coordinator)
            .filter(|r| self.watched_by_office(r.unit_id).contains(&scope))
            .filter(|r| chats.insert(r.chat_id))
            .collect()
    }

    /// The digest audience of one member.
    pub fn audience_of(&self, r: &Recipient, lead_units: &HashSet<i64>) -> Audience {
        if r.role == PersonRole::Coordinator || self.is_office(r.unit_id) {
            Audience::Office(self.watched_by_office(r.unit_id))
        } else if lead_units.contains(&r.unit_id) {
            Audience::Lead(r.unit_id)
        } else {
            Audience::Units(HashSet::from([r.unit_id]))
        }
    }
}

/// What one pass did (or, dry, would do).
#[derive(Debug, Default)]
pub struct PassReport {
    pub at: Option<DateTime<Utc>>,
    pub today: Option<NaiveDate>,
    /// Whether it was working time (reminders and escalations considered).
    pub working_time: bool,
    pub digest_due: bool,
    /// Messages computed and not queued before (a real pass: those it queued).
    pub messages: Vec<NewMessage>,
    pub escalations: Vec<EscalationRecord>,
    /// Rows added to the outbox (0 in a dry run).
    pub queued: u64,
    /// Escalation steps newly recorded (0 in a dry run).
    pub new_escalations: u64,
    /// The day's reminders and escalations were more than one part (`schedule.wave_part`):
    /// this pass queued a part and left the rest to the next pass, which `run` starts right
    /// away. (Never in a dry run: it shows the whole wave.)
    pub more: bool,
}

/// The scheduler of one process.
#[derive(Clone)]
pub struct Scheduler {
    store: Store,
    rules: Rules,
    doorbell: Doorbell,
    metrics: Metrics,
    /// What the last pass read, with the database's change counters at the time: a pass
    /// reads again only the parts whose tables changed since (`Store::refresh_snapshot`).
    /// Passes take it in turn.
    snapshot: Arc<tokio::sync::Mutex<SnapshotCache>>,
    /// The inputs of the last pass whose dated-task reminders and escalations were all
    /// queued or recorded: a pass with the same inputs would compose them again only to
    /// leave every one out, so it skips that walk over every overdue item and dated task
    /// (a quiet pass then does not grow with the data).
    settled: Arc<std::sync::Mutex<Option<Settled>>>,
    /// The day and change counters at which a pass found every chat's digest of that day in
    /// the outbox: with the same counters (the same people and tasks) a later pass that day
    /// skips asking again (a lookup of one key per focal point, which grows with the data).
    digests_done: Arc<std::sync::Mutex<Option<(NaiveDate, ScheduleVersions)>>>,
}

/// What dated-task reminders and escalation steps are composed from, besides the fixed
/// rules: the snapshot (its change counters), the day and the working calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Settled {
    versions: ScheduleVersions,
    today: NaiveDate,
    calendar: WorkingCalendar,
}

impl Scheduler {
    pub fn new(store: Store, rules: Rules, doorbell: Doorbell) -> Self {
        Self {
            store,
            rules,
            doorbell,
            metrics: Metrics::default(),
            snapshot: Arc::default(),
            settled: Arc::default(),
            digests_done: Arc::default(),
        }
    }

    /// This scheduler, timing its passes into `metrics`.
    pub fn observed_by(self, metrics: Metrics) -> Self {
        Self { metrics, ..self }
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// One pass as if it were `at`. A dry run computes and returns what would be queued
    /// (leaving out what is already queued) and writes nothing.
    pub async fn pass(&self, at: DateTime<Utc>, dry_run: bool) -> Result<PassReport, StoreError> {
        let local = at.with_timezone(&self.rules.time_zone);
        let today = local.date_naive();
        let calendar = self.store.working_calendar().await?;
        let working_day = calendar.is_working_day(today);
        let mut report = PassReport {
            at: Some(at),
            today: Some(today),
            working_time: working_day && self.rules.hours.contains(local.time()),
            digest_due: working_day && self.rules.digest_due(local),
            ..PassReport::default()
        };
        if !report.working_time && !report.digest_due {
            return Ok(report);
        }
        let horizon = self.horizon(today, &calendar);
        let mut cache = self.snapshot.lock().await;
        self.store.refresh_snapshot(&mut cache, horizon).await?;
        let snapshot = cache.snapshot();
        // The digest is composed once a day: when every chat that can get one already has
        // today's in the outbox, a later pass would compose them only to leave them out, so it
        // skips the digest counts (a read over every live assignment) and the composing.
        let digest_pending =
            report.digest_due && !self.digests_done(today, cache.versions(), snapshot).await?;
        let inputs = cache.versions().map(|versions| Settled {
            versions,
            today,
            calendar: calendar.clone(),
        });
        // Skipped only when nothing they read changed since a pass that queued them all, and
        // never in the digest's pass (it folds a coordinator's escalations into her digest).
        let dated_settled = !digest_pending
            && inputs.is_some()
            && *self.settled.lock().unwrap_or_else(|p| p.into_inner()) == inputs;
        let mut out = Outgoing::default();
        // Digest key → (chat, units covered) of each coordinating office's digest.
        let mut office_digests: HashMap<String, (i64, HashSet<i64>)> = HashMap::new();
        // Keys already looked up in the outbox, and those of them it holds: the final lookup
        // asks only about the rest.
        let mut looked_up: HashSet<String> = HashSet::new();
        let mut already: HashSet<String> = HashSet::new();
        // How many reminders, window and escalation messages this pass may word and queue: a
        // wave bigger than that is queued in parts, each pass taking the next (what an earlier
        // part queued is left out by its key before anything is read or worded for it).
        let part = if dry_run {
            usize::MAX
        } else {
            self.rules.wave_part
        };
        if report.working_time {
            let day = Day::new(today, &calendar, &self.rules, snapshot);
            let mut notices = compose::report_notices(&day);
            // A window stays open for days and a reminder day has many passes: the notices
            // an earlier pass queued to every member are left out before their open tasks are
            // read (the outbox would keep its copies anyway).
            let notice_keys: Vec<String> = notices
                .iter()
                .flat_map(|n| day.members(n.unit_id).map(|r| n.key(r.person_id)))
                .collect();
            already.extend(self.store.queued_keys(&notice_keys).await?);
            notices.retain(|n| {
                !day.members(n.unit_id)
                    .all(|r| already.contains(&n.key(r.person_id)))
            });
            looked_up.extend(notice_keys);
            let taken =
                compose::how_many_fit(notices.iter().map(|n| day.members(n.unit_id).count()), part);
            report.more |= taken < notices.len();
            notices.truncate(taken);
            let mut units: Vec<i64> = notices.iter().map(|n| n.unit_id).collect();
            units.sort_unstable();
            units.dedup();
            let open_tasks = self
                .store
                .open_tasks_of(&units, compose::LISTED_TASKS)
                .await?;
            compose::report_messages(&day, &notices, &open_tasks, &mut out);
            if !dated_settled {
                let groups = compose::dated_groups(&day);
                let keys: Vec<String> = groups
                    .iter()
                    .flat_map(|g| day.members(g.unit_id()).map(|r| g.key(r.person_id)))
                    .collect();
                already.extend(self.store.queued_keys(&keys).await?);
                let room = part.saturating_sub(out.messages.len());
                let unqueued: Vec<&String> =
                    keys.iter().filter(|k| !already.contains(*k)).collect();
                report.more |= unqueued.len() > room;
                let wanted: HashSet<&str> = unqueued
                    .into_iter()
                    .take(room)
                    .map(String::as_str)
                    .collect();
                compose::task_reminders(&day, &groups, |key| wanted.contains(key), &mut out);
                looked_up.extend(keys);
            }
            compose::case_reminders(&day, at, &mut out);
            if !dated_settled {
                let room = part.saturating_sub(out.messages.len());
                report.more |= compose::escalations(&day, room, &mut out);
            }
            compose::closings(&day, &mut out);
        }
        if digest_pending {
            // The steps this pass records count too: an item reaching the office's step today
            // is marked in today's digest, not from tomorrow's — also when a later part of the
            // wave records it, seconds later. (On a copy: the kept snapshot holds only what the
            // database holds; a dry run records nothing.)
            let mut snapshot = snapshot.clone();
            for r in out.escalations.iter().chain(&out.later_escalations) {
                let step = snapshot
                    .escalated
                    .entry((r.kind, r.item_id, r.unit_id))
                    .or_insert(r.step);
                if r.step > *step {
                    *step = r.step;
                }
            }
            let day = Day::new(today, &calendar, &self.rules, &snapshot);
            let counts = digest::Counts::load(&self.store, &self.rules, at).await?;
            let lead_units = counts.lead_units();
            for (recipient, audience) in compose::digest_audiences(&day, &lead_units) {
                let lang = day.lang_of(recipient);
                let tallies = counts.tallies(&self.store, &day, &audience).await?;
                let digest = digest::Digest::compose(&day, &audience, &counts, &tallies);
                let message = digest.message(&day, recipient, lang);
                if let Audience::Office(units) = audience {
                    office_digests.insert(message.key.clone(), (recipient.chat_id, units));
                }
                out.messages.push(message);
            }
        }
        let keys: Vec<String> = out
            .messages
            .iter()
            .filter(|m| !looked_up.contains(&m.key))
            .map(|m| m.key.clone())
            .collect();
        already.extend(self.store.queued_keys(&keys).await?);
        // A coordinator's escalations fold into the digest this pass queues for her (not into
        // one an earlier pass queued: that one is sent or on its way).
        let folding: HashMap<i64, HashSet<i64>> = office_digests
            .into_iter()
            .filter(|(key, _)| !already.contains(key))
            .map(|(_, chat_units)| chat_units)
            .collect();
        compose::fold_into_digests(&mut out, &folding);
        if dry_run {
            out.messages.retain(|m| !already.contains(&m.key));
            report.messages = out.messages;
            report.escalations = out.escalations;
            return Ok(report);
        }
        // Messages queued by an earlier pass would be skipped by the outbox anyway (same
        // key); leaving them out here spares writing them again, and a pass with nothing
        // new does not open a write transaction at all.
        let fresh: Vec<NewMessage> = out
            .messages
            .into_iter()
            .filter(|m| !already.contains(&m.key))
            .collect();
        let (queued, new_escalations) = self.store.queue_pass(&fresh, &out.escalations).await?;
        if report.working_time && !report.more {
            // Everything composed is now in the outbox (or was), every step recorded: the
            // same inputs would give nothing new. A step recorded here moves the counters, so
            // the next pass composes once more and settles then. (A pass that left part of
            // the wave has not settled: the next one queues the rest.)
            *self.settled.lock().unwrap_or_else(|p| p.into_inner()) = inputs;
        }
        report.queued = queued;
        report.new_escalations = new_escalations;
        // Only what this pass queued: a message queued by an earlier pass is not new.
        report.messages = fresh;
        report.escalations = out.escalations;
        if queued > 0 {
            self.doorbell.ring();
        }
        Ok(report)
    }

    /// Whether every chat that may get a digest on `today` has it in the outbox already, as a
    /// pass at the same counters found or as the outbox says now. (Queued rows are not deleted
    /// on the day they are queued, so a `true` holds while the people and tasks do.)
    async fn digests_done(
        &self,
        today: NaiveDate,
        versions: Option<ScheduleVersions>,
        snapshot: &ScheduleSnapshot,
    ) -> Result<bool, StoreError> {
        let known = versions.map(|v| (today, v));
        if known.is_some() && *self.digests_done.lock().unwrap_or_else(|p| p.into_inner()) == known
        {
            return Ok(true);
        }
        let done = self.digests_queued(today, snapshot).await?;
        if done {
            *self.digests_done.lock().unwrap_or_else(|p| p.into_inner()) = known;
        }
        Ok(done)
    }

    /// Whether every chat that may get a digest on `today` has it in the outbox already: every
    /// coordinator, and every focal point of a unit leading a live task (a superset of the
    /// lead units the digest counts find, so a `true` here never leaves out a digest that a
    /// full composition would queue).
    async fn digests_queued(
        &self,
        today: NaiveDate,
        snapshot: &ScheduleSnapshot,
    ) -> Result<bool, StoreError> {
        let leads: HashSet<i64> = self.store.lead_units_of_live_tasks().await?;
        let keys: HashSet<String> = snapshot
            .recipients
            .iter()
            .filter(|r| {
                r.role == PersonRole::Coordinator
                    || (r.role == PersonRole::FocalPoint && leads.contains(&r.unit_id))
            })
            .map(|r| digest::digest_key(today, r.chat_id))
            .collect();
        if keys.is_empty() {
            // No one to send a digest to: composing would make none.
            return Ok(true);
        }
        let keys: Vec<String> = keys.into_iter().collect();
        let queued: HashSet<String> = self.store.queued_keys(&keys).await?.into_iter().collect();
        Ok(keys.iter().all(|k| queued.contains(k)))
    }

    /// The last due date of the dated tasks a pass on `today` reads: those whose earliest
    /// reminder may fall today, and the digest's week. A reminder meant for a day off moves to
    /// the working day before, so the days off right after today (a weekend, Tết) bring their
    /// reminders forward to today: 7 days before a due date of Monday 4/5/2026 is Monday 27/4,
    /// a day off after a weekend, and that reminder goes out on Friday 24/4, 10 days ahead.
    fn horizon(&self, today: NaiveDate, calendar: &WorkingCalendar) -> NaiveDate {
        let furthest = self
            .rules
            .policy
            .days_before
            .iter()
            .copied()
            .max()
            .unwrap_or(0);
        let day = chrono::Duration::days(1);
        let last_day_off_ahead = calendar.on_or_after(today + day) - day;
        let reminders = last_day_off_ahead.max(today) + chrono::Duration::days(i64::from(furthest));
        let digest = today + chrono::Duration::days(digest::UPCOMING_DAYS);
        reminders.max(digest) + day
    }

    /// Runs a pass at each time of the `schedule.pass` cron until `shutdown`.
    pub async fn run(self, clock: Arc<dyn Clock>, mut shutdown: watch::Receiver<bool>) {
        let Some(schedule) = self.rules.pass.schedule.clone() else {
            tracing::warn!("schedule.pass has no times: the scheduler does not run");
            return;
        };
        tracing::info!(cron = %self.rules.pass.expression, "scheduler started");
        // A pass at start catches up with anything due while the service was down.
        let mut more = self.pass_and_log(clock.now()).await;
        while !*shutdown.borrow() {
            // The next part of a wave follows at once, after a breath that lets replies'
            // writes in between; otherwise the next pass is the cron's.
            let wait = if more {
                NEXT_PART_AFTER
            } else {
                let now = clock.now().with_timezone(&self.rules.time_zone);
                let Some(next) = schedule.after(&now).next() else {
                    break;
                };
                (next - now).to_std().unwrap_or(Duration::from_secs(1))
            };
            tokio::select! {
                _ = shutdown.changed() => continue,
                _ = tokio::time::sleep(wait) => {}
            }
            more = self.pass_and_log(clock.now()).await;
        }
        tracing::info!("scheduler stopped");
    }

    /// One pass, timed and logged; whether it left part of the wave for the next.
    async fn pass_and_log(&self, at: DateTime<Utc>) -> bool {
        let started = std::time::Instant::now();
        let result = self.pass(at, false).await;
        self.metrics
            .pass_finished(started.elapsed(), result.is_ok());
        match result {
            Ok(report) => {
                tracing::info!(
                    queued = report.queued,
                    escalations = report.new_escalations,
                    working_time = report.working_time,
                    digest = report.digest_due,
                    more = report.more,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "scheduler pass"
                );
                if let Err(e) = self
                    .store
                    .set_service_state(crate::store::LAST_PASS, &at.to_rfc3339())
                    .await
                {
                    tracing::warn!(error = %e, "could not record the scheduler pass");
                }
                report.more
            }
            Err(e) => {
                tracing::error!(error = %e, "scheduler pass failed; the next pass retries");
                false
            }
        }
    }

    /// Passes at `at` until the day's wave is queued whole (`dondoc tick`): one report of
    /// everything they queued and recorded. A dry run is one pass (it shows the whole wave).
    pub async fn pass_whole(
        &self,
        at: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<PassReport, StoreError> {
        let mut whole = self.pass(at, dry_run).await?;
        while whole.more {
            let part = self.pass(at, false).await?;
            whole.messages.extend(part.messages);
            whole.escalations.extend(part.escalations);
            whole.queued += part.queued;
            whole.new_escalations += part.new_escalations;
            whole.more = part.more;
        }
        Ok(whole)
    }
}

/// What `/tonghop` (the whole digest) or `/quahan` (overdue items only) shows a member at
/// `at`: a coordinator their city or province, a lead unit's member the tasks it leads, anyone
/// else their own unit.
pub async fn digest_on_demand(
    store: &Store,
    rules: &Rules,
    member: &crate::store::Member,
    at: DateTime<Utc>,
    overdue_only: bool,
    lang: Lang,
) -> Result<String, StoreError> {
    let today = at.with_timezone(&rules.time_zone).date_naive();
    let calendar = store.working_calendar().await?;
    let horizon = today + chrono::Duration::days(digest::UPCOMING_DAYS + 1);
    let snapshot = store.schedule_snapshot(horizon).await?;
    let day = Day::new(today, &calendar, rules, &snapshot);
    let counts = digest::Counts::load(store, rules, at).await?;
    let recipient = Recipient {
        person_id: member.person.id.get(),
        unit_id: member.unit.id.get(),
        role: member.person.role,
        chat_id: member.person.chat_to_write().unwrap_or_default(),
        language: member.person.language,
        full_name: member.person.full_name.clone(),
    };
    let audience = day.audience_of(&recipient, &counts.lead_units());
    let tallies = counts.tallies(store, &day, &audience).await?;
    let digest = digest::Digest::compose(&day, &audience, &counts, &tallies);
    let lines = if overdue_only {
        digest.overdue_lines(&day, lang, usize::MAX)
    } else {
        digest.lines(&day, lang)
    };
    Ok(lines.join("\n"))
}
