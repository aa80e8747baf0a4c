//! Wall time of one scheduler pass (`Scheduler::pass`) at national scale, on SQLite (a file
//! in a temp dir) and, when `DONDOC_BENCH_POSTGRES_URL` is set, on Postgres (a fresh schema
//! `dondoc_bench_sched_<pid>_x<scale>` per scale, dropped at the end of that scale).
//!
//! Data set, at scale ×1 (×2 doubles units, districts, people and the targeted tasks' width):
//! - a registry of 5,000 units built like `benches/import.rs` builds its own: a province, 20
//!   departments (the first, Sở Nội vụ, is the coordinating office), 60 districts and 4,919
//!   communes spread over the districts;
//! - one plan for 2026 (scope the province, the default reporting periods), saved with
//!   `save_plan`: 36 broad tasks implemented by every unit under the province (2 of them
//!   dated: "Trước ngày 10/6/2026" and "Trước ngày 15/11/2026", the rest "Thường xuyên") and
//!   400 targeted tasks implemented by 50 units each (45 communes, 5 departments or
//!   districts); one targeted task in four is due on the 15th of a month, spread over the
//!   year, the rest are "Thường xuyên". Each task has one lead department. 199,964 live
//!   assignments (399,964 at ×2);
//! - members linked to Telegram, added with `add_person`: a head in every unit, a focal
//!   point in every department, district and fifth commune, two coordinators and a focal
//!   point in the coordinating office: 6,066 people (12,114 at ×2);
//! - report submissions (`record_submission`): 90 % of the units for Q1 (on 9/3), 80 % of the
//!   communes for the commune plan (on 26/5), 30 % of the units for the 6-month report (on
//!   9/6, after the busy pass).
//!
//! Every write and every pass runs with the store's clock, a `FixedClock`, set to the time
//! of the pass (`at`), so `created_at` and `submitted_at` are what they would have been. Set-up
//! is timed and printed apart. History passes (marked `history`) run at 08:00 on the days a
//! running service would have done something that matters later: 17/3 (Q1 escalation steps,
//! closing report), 23/4 (the quiet day's first pass), 27/5 (the 6-month window opens),
//! 1/6 and 2/6 (commune plan closing and escalation steps), 10/6 (the 6-month due day).
//!
//! Measured passes (all times local, Asia/Ho_Chi_Minh):
//! - `quiet`: Thursday 23/4/2026 10:00 and every 5 minutes after (median of 5): no window
//!   open, no reminder or escalation step due, the digest already queued at 08:00. What it
//!   costs is reading the snapshot and composing (the digests are composed and re-offered to
//!   the outbox, which keeps the ones it has).
//! - `busy`: Wednesday 3/6/2026 08:00, once: the 6-month report's 7-day reminder and the
//!   broad dated task's 7-day reminder to every unit, the digest; the window messages queued
//!   on 27/5 are composed again and skipped by the outbox. The wave (12,165 rows) is bigger than
//!   a part (`schedule.wave_part`, 1,500 by default): this pass queues the first part, and
//!   its split's `dry` (a dry run shows the whole wave) is more than the part composes.
//! - `busy-parts`: the passes that queue the rest of the wave, one after another at 08:00 as
//!   `run` makes them, each timed (once each), then the slowest and the sum.
//! - `escalate-parts`: the same for the escalation morning below.
//! - `busy-again`: the same day at 08:05 and every 5 minutes after (median of 5): what every
//!   pass of a day inside a reporting window costs once its messages are queued.
//! - `escalate`: Thursday 11/6/2026 08:00, once, the day after the 6-month report and the
//!   broad dated task were due: 70 % of the units have not reported and no assignment of the
//!   dated task is done, so each gets its first escalation step; the closing report lists
//!   the units that did not report.
//! - `escalate-again`: 11/6 at 08:05 and every 5 minutes after (median of 5).
//!
//! Each measured pass is split by timing, from outside it and on the same state, what it
//! does: `snapshot` (`schedule_snapshot` with the pass's horizon), `counts`
//! (`digest::Counts::load`, when the digest is due), `open tasks` (`open_tasks_of` the units
//! the pass reminded of a report, at most 15 per unit and plan: the list and the limit the
//! pass uses), `keys` (`queued_keys` of every
//! composed message: what a dry run adds), `calendar` (`working_calendar`) and `dry` (the
//! pass with `dry_run`, which writes nothing). Then `compose` = dry − snapshot − counts −
//! open tasks − keys − calendar, and `write` = pass − dry. For a one-off pass the reads and
//! the dry run are timed `SAMPLES` (3) times before it, the open tasks and the key lookup 3
//! times after it (medians); a repeated pass is split once per run (medians over the runs).
//! `compose` and `write` are differences of separately timed runs: on a busy machine they
//! can be off by the noise of the parts (and show 0.0 when the difference is negative).
//!
//! ```text
//! cargo bench --bench scheduler
//! DONDOC_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench scheduler
//! ```
//!
//! The bench keeps one `Scheduler`, as a running `serve` does: a pass reads again only the
//! parts of its snapshot whose tables changed since the previous pass (`schedule_parts`),
//! so the measured passes (each after a dry run of the same instant) find the snapshot read.
//! The `snapshot` split is the whole read, what a new `Scheduler` pays. After `quiet`,
//! `quiet-cold` (a new `Scheduler` each time), `quiet-status` (one status update before the
//! pass) and `quiet-report` (one late Q1 report before the pass), median of 5 each, measure a
//! quiet pass that finds something changed.
//!
//! `DONDOC_BENCH_SCALES=1` (or `2`) runs one scale only; `DONDOC_BENCH_SKIP_SQLITE=1` runs
//! only Postgres. The `counts` split is timed from outside on every case, also when the pass
//! itself skips the counts (the digests already queued today).

mod common;
use common::Db;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use dondoc::clock::FixedClock;
use dondoc::config::Config;
use dondoc::domain::calendar::{default_templates, periods_for_year};
use dondoc::domain::plan::{Dimension, NewPlan, NewTask, UnitRef};
use dondoc::domain::timeframe;
use dondoc::domain::unit::{NewPerson, NewUnit, Unit};
use dondoc::domain::{Actor, MessageKind, PersonRole, PlanCode, PlanYear, UnitCode, UnitKind};
use dondoc::outbox::Doorbell;
use dondoc::scheduler::digest::{self, Counts};
use dondoc::scheduler::{PassReport, Rules, Scheduler};
use dondoc::store::{SaveMode, ScheduleSnapshot, Store, Submission};

const POSTGRES_ENV: &str = "DONDOC_BENCH_POSTGRES_URL";

const SCALES: [usize; 2] = [1, 2];
const REPEATS: usize = 5;
/// How many times the reads and the dry run of a one-off pass are timed.
const SAMPLES: usize = 3;
/// Open tasks a report reminder lists per unit and plan (`scheduler::compose`).
const LISTED_TASKS: usize = 15;

const YEAR: i32 = 2026;
const UNITS: usize = 5_000;
const DEPARTMENTS: usize = 20;
const DISTRICTS: usize = 60;
const BROAD_TASKS: usize = 36;
const TARGETED_TASKS: usize = 400;
const TARGETED_COMMUNES: usize = 45;
const TARGETED_OTHERS: usize = 5;
/// Postgres set-up writes run this many at once (SQLite has one writer: one at a time).
const POSTGRES_WRITERS: usize = 8;
const FIRST_TELEGRAM_ID: i64 = 100_000_000;

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime for the bench");
    runtime.block_on(run());
}

/// `DONDOC_BENCH_SCALES=1` (or `2`) runs one scale only: a shorter run while working.
fn scales() -> Vec<usize> {
    match std::env::var("DONDOC_BENCH_SCALES") {
        Ok(list) => list
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .filter(|s| SCALES.contains(s))
            .collect(),
        Err(_) => SCALES.to_vec(),
    }
}

async fn run() {
    let postgres = std::env::var(POSTGRES_ENV).ok();
    let skip_sqlite = std::env::var("DONDOC_BENCH_SKIP_SQLITE").is_ok();
    for scale in scales().into_iter().filter(|_| !skip_sqlite) {
        let dir = tempfile::tempdir().expect("a temp dir for the SQLite file");
        bench(Db::sqlite(dir.path(), "bench.db"), scale).await;
    }
    match postgres {
        Some(url) => {
            for scale in scales() {
                bench(
                    Db::postgres(
                        &url,
                        format!("dondoc_bench_sched_{}_x{scale}", std::process::id()),
                    ),
                    scale,
                )
                .await;
            }
        }
        None => println!("postgres skipped: set {POSTGRES_ENV} to run it"),
    }
}

// ---------------------------------------------------------------------------------------------
// One backend, one scale

/// The database, the scheduler and what set-up made.
struct World {
    label: String,
    store: Store,
    clock: FixedClock,
    scheduler: Scheduler,
    rules: Rules,
    /// The registry, in generated order (the province first).
    units: Vec<Unit>,
    /// unit id → the head's person id (who submits the unit's reports).
    heads: HashMap<i64, i64>,
    periods: HashMap<String, i64>,
    writers: usize,
    next_update_id: i64,
}

async fn bench(db: Db, scale: usize) {
    let setup_at = local(date(YEAR, 1, 5), 8, 0);
    let clock = FixedClock::new(setup_at);
    let store = db.open_with(clock.clone()).await;
    let rules = Rules::from_config(&Config::default());
    let mut world = World {
        label: format!("{:<8} x{scale}", db.name),
        scheduler: Scheduler::new(store.clone(), rules.clone(), Doorbell::default()),
        store,
        clock,
        rules,
        units: Vec::new(),
        heads: HashMap::new(),
        periods: HashMap::new(),
        writers: if db.postgres.is_some() {
            POSTGRES_WRITERS
        } else {
            1
        },
        next_update_id: 1,
    };
    setup(&mut world, scale).await;

    // Q1 (due Tue 10/3): 90 % report on 9/3; the rest climb the ladder on 17/3.
    submit(&mut world, "q1", date(YEAR, 3, 9), |i, _| i % 10 != 0).await;
    history(&world, date(YEAR, 3, 17)).await;

    // The quiet day.
    history(&world, date(YEAR, 4, 23)).await;
    repeated(&world, "quiet", local(date(YEAR, 4, 23), 10, 0)).await;
    after_changes(&mut world, local(date(YEAR, 4, 23), 10, 30)).await;

    // The commune plan (due Sat 30/5): 80 % of the communes report on 26/5.
    submit(&mut world, "commune_plan", date(YEAR, 5, 26), |i, u| {
        u.kind == UnitKind::Commune && i % 5 != 0
    })
    .await;
    for day in [date(YEAR, 5, 27), date(YEAR, 6, 1), date(YEAR, 6, 2)] {
        history(&world, day).await;
    }

    // The busy day: the 6-month report (due Wed 10/6) is 7 days away.
    let busy = local(date(YEAR, 6, 3), 8, 0);
    once(&world, "busy", busy).await;
    rest_of_wave(&world, "busy-parts", busy).await;
    repeated(&world, "busy-again", busy + chrono::Duration::minutes(5)).await;

    // 30 % report the 6-month report on 9/6; the due day passes; the next morning escalates.
    submit(&mut world, "h1", date(YEAR, 6, 9), |i, _| i % 10 < 3).await;
    history(&world, date(YEAR, 6, 10)).await;
    let escalate = local(date(YEAR, 6, 11), 8, 0);
    once(&world, "escalate", escalate).await;
    rest_of_wave(&world, "escalate-parts", escalate).await;
    repeated(
        &world,
        "escalate-again",
        escalate + chrono::Duration::minutes(5),
    )
    .await;

    world.store.close().await;
    db.finish().await;
}

/// Units, plan and people, timed apart.
async fn setup(world: &mut World, scale: usize) {
    let actor = Actor::new("bench");
    let registry = registry(scale);
    let started = Instant::now();
    world
        .store
        .upsert_units(&registry, &actor)
        .await
        .expect("save the registry");
    let stored: HashMap<UnitCode, Unit> = world
        .store
        .list_units()
        .await
        .expect("list the registry")
        .into_iter()
        .map(|u| (u.code.clone(), u))
        .collect();
    world.units = registry
        .iter()
        .map(|u| stored.get(&u.code).expect("every unit stored").clone())
        .collect();
    let units_time = started.elapsed();

    let tasks = tasks(&world.units, scale);
    let assignments: usize = tasks.iter().map(|t| t.implementing_units.len()).sum();
    let dated = tasks.iter().filter(|t| t.due_date.is_some()).count();
    let plan = NewPlan {
        code: PlanCode::parse("BA-PAPI-2026").expect("plan code"),
        title: "Kế hoạch cải thiện chỉ số PAPI năm 2026 (bản sinh cho benchmark)".into(),
        year: PlanYear::new(YEAR).expect("year"),
        scope: world.units[0].code.clone(),
        source: "benches/scheduler.rs".into(),
        tasks,
    };
    let started = Instant::now();
    let saved = world
        .store
        .save_plan(
            &plan,
            &periods_for_year(&default_templates(), YEAR),
            SaveMode::CreateOnly,
            &actor,
        )
        .await
        .expect("save the plan");
    let plan_time = started.elapsed();
    world.periods = world
        .store
        .reporting_periods(saved.plan_id)
        .await
        .expect("periods")
        .into_iter()
        .map(|p| (p.key.as_str().to_string(), p.id))
        .collect();

    let people = people(&world.units);
    let count = people.len();
    let started = Instant::now();
    let added = in_parallel(&world.store, world.writers, people, |store, p| async move {
        let person = store
            .add_person(&p, &Actor::new("bench"))
            .await
            .expect("add a person");
        (person.unit, person.role, person.id)
    })
    .await;
    let people_time = started.elapsed();
    let id_of: HashMap<&UnitCode, i64> = world.units.iter().map(|u| (&u.code, u.id)).collect();
    for (unit, role, person) in added {
        if role == PersonRole::Head {
            world.heads.insert(id_of[&unit], person.get());
        }
    }
    println!(
        "{} setup    units {} ({} units) | plan {} ({} tasks, {} dated, {assignments} \
         assignments) | people {} ({count}, {} at a time)",
        world.label,
        ms(units_time),
        world.units.len(),
        ms(plan_time),
        plan.tasks.len(),
        dated,
        ms(people_time),
        world.writers,
    );
}

/// Records period `key`'s report for the units `pick` chooses (by registry index), as their
/// heads, at 14:00 on `day`.
async fn submit(world: &mut World, key: &str, day: NaiveDate, pick: impl Fn(usize, &Unit) -> bool) {
    world.clock.set(local(day, 14, 0));
    let period_id = world.periods[key];
    let mut submissions = Vec::new();
    for (i, unit) in world.units.iter().enumerate().skip(1) {
        if pick(i, unit) {
            submissions.push((
                world.next_update_id,
                Submission {
                    period_id: dondoc::domain::PeriodId(period_id),
                    unit_id: dondoc::domain::UnitId(unit.id),
                    person_id: dondoc::domain::PersonId(world.heads[&unit.id]),
                    body: format!("Báo cáo của {}", unit.name),
                    telegram_message_id: None,
                    attachment: None,
                },
            ));
            world.next_update_id += 1;
        }
    }
    let count = submissions.len();
    let started = Instant::now();
    in_parallel(
        &world.store,
        world.writers,
        submissions,
        |store, (update, s)| async move {
            store
                .record_submission(dondoc::domain::UpdateId(update), 1, 1, &s)
                .await
                .expect("record a submission");
        },
    )
    .await;
    println!(
        "{} setup    {count} submissions of {key} on {day}: {}",
        world.label,
        ms(started.elapsed())
    );
}

/// Runs `work` over `items` with `writers` tasks at once; returns the results in no order.
async fn in_parallel<T, R, F, Fut>(store: &Store, writers: usize, items: Vec<T>, work: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(Store, T) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = R> + Send,
{
    let mut lanes: Vec<Vec<T>> = (0..writers).map(|_| Vec::new()).collect();
    for (i, item) in items.into_iter().enumerate() {
        lanes[i % writers].push(item);
    }
    let mut set = tokio::task::JoinSet::new();
    for lane in lanes {
        let store = store.clone();
        let work = work.clone();
        set.spawn(async move {
            let mut out = Vec::with_capacity(lane.len());
            for item in lane {
                out.push(work(store.clone(), item).await);
            }
            out
        });
    }
    let mut results = Vec::new();
    while let Some(lane) = set.join_next().await {
        results.extend(lane.expect("a set-up task"));
    }
    results
}

// ---------------------------------------------------------------------------------------------
// Passes

/// A pass at 08:00 on `day` that puts the store where a running service would have left it.
async fn history(world: &World, day: NaiveDate) {
    let at = local(day, 8, 0);
    world.clock.set(at);
    let started = Instant::now();
    let report = world
        .scheduler
        .pass_whole(at, false)
        .await
        .expect("history pass");
    println!(
        "{} history  {} 08:00  pass {}  {}",
        world.label,
        day,
        ms(started.elapsed()),
        outcome(&report)
    );
}

/// One measured pass, and the work it does timed on its own.
#[derive(Debug, Clone, Copy, Default)]
struct Split {
    /// The pass (`dry_run = false`).
    pass: Duration,
    calendar: Duration,
    snapshot: Duration,
    counts: Duration,
    open_tasks: Duration,
    keys: Duration,
    /// The same pass with `dry_run = true`: everything but the writes.
    dry: Duration,
}

impl Split {
    /// A dry run less the reads it makes: composing the messages.
    fn compose(&self) -> Duration {
        self.dry.saturating_sub(
            self.calendar + self.snapshot + self.counts + self.open_tasks + self.keys,
        )
    }

    /// What the pass costs beyond a dry run: its writes.
    fn write(&self) -> Duration {
        self.pass.saturating_sub(self.dry)
    }
}

/// Times the reads a pass at `at` makes before composing, `samples` times each (medians);
/// returns the snapshot too.
async fn time_reads(
    world: &World,
    at: DateTime<Utc>,
    samples: usize,
    split: &mut Split,
) -> ScheduleSnapshot {
    let local_at = at.with_timezone(&world.rules.time_zone);
    let horizon = local_at.date_naive() + chrono::Duration::days(horizon_days(&world.rules));
    let (mut calendar, mut snapshot, mut counts) = (Vec::new(), Vec::new(), Vec::new());
    let mut read = None;
    for _ in 0..samples {
        let started = Instant::now();
        world.store.working_calendar().await.expect("calendar");
        calendar.push(started.elapsed());
        let started = Instant::now();
        read = Some(
            world
                .store
                .schedule_snapshot(horizon)
                .await
                .expect("snapshot"),
        );
        snapshot.push(started.elapsed());
        if world.rules.digest_due(local_at) {
            let started = Instant::now();
            Counts::load(
                &world.store,
                &world.rules,
                local_at.with_timezone(&chrono::Utc),
            )
            .await
            .expect("digest counts");
            counts.push(started.elapsed());
        }
    }
    split.calendar = median(&calendar);
    split.snapshot = median(&snapshot);
    split.counts = median(&counts);
    read.expect("at least one sample")
}

/// Times a dry run of the pass at `at`, `samples` times (median).
async fn time_dry(world: &World, at: DateTime<Utc>, samples: usize, split: &mut Split) {
    let mut dry = Vec::new();
    for _ in 0..samples {
        let started = Instant::now();
        world.scheduler.pass(at, true).await.expect("dry pass");
        dry.push(started.elapsed());
    }
    split.dry = median(&dry);
}

/// Times what the pass reads besides its snapshot, on the pass's own lists, `samples` times
/// each (medians): the open tasks of the units it reminded of a report, and the lookup of
/// its keys.
async fn time_lookups(world: &World, report: &PassReport, samples: usize, split: &mut Split) {
    let mut units: Vec<i64> = report
        .messages
        .iter()
        .filter(|m| matches!(m.kind, MessageKind::Window | MessageKind::Reminder))
        .filter(|m| m.subject.period_id.is_some())
        .filter_map(|m| m.subject.unit_id.map(|u| u.get()))
        .collect();
    units.sort_unstable();
    units.dedup();
    let keys: Vec<String> = report.messages.iter().map(|m| m.key.clone()).collect();
    let (mut open_tasks, mut lookups) = (Vec::new(), Vec::new());
    for _ in 0..samples {
        if report.working_time {
            let started = Instant::now();
            world
                .store
                .open_tasks_of(&units, LISTED_TASKS)
                .await
                .expect("open tasks");
            open_tasks.push(started.elapsed());
        }
        let started = Instant::now();
        world.store.queued_keys(&keys).await.expect("queued keys");
        lookups.push(started.elapsed());
    }
    split.open_tasks = median(&open_tasks);
    split.keys = median(&lookups);
}

/// A pass that changes the store, measured once. Its reads and a dry run are timed before
/// it (same state), `SAMPLES` times each; the open tasks and the key lookup after it.
async fn once(world: &World, case: &str, at: DateTime<Utc>) {
    world.clock.set(at);
    let mut split = Split::default();
    let snapshot = time_reads(world, at, SAMPLES, &mut split).await;
    time_dry(world, at, SAMPLES, &mut split).await;
    let started = Instant::now();
    let report = world.scheduler.pass(at, false).await.expect("pass");
    split.pass = started.elapsed();
    time_lookups(world, &report, SAMPLES, &mut split).await;
    print_pass(world, case, at, &[split], &report, &snapshot);
}

/// The passes that queue the rest of a wave bigger than a part (`schedule.wave_part`), one
/// after another at the same instant as `run` makes them: each part's time and rows, then the
/// slowest and the sum.
async fn rest_of_wave(world: &World, case: &str, at: DateTime<Utc>) {
    let l = &world.label;
    let mut times = Vec::new();
    let mut rows = 0;
    loop {
        let started = Instant::now();
        let report = world.scheduler.pass(at, false).await.expect("part");
        let took = started.elapsed();
        println!(
            "{l} {case:<14} part {}  pass {}  {}",
            times.len() + 2,
            ms(took),
            outcome(&report)
        );
        times.push(took);
        rows += report.queued;
        if !report.more {
            break;
        }
    }
    println!(
        "{l} {case:<14} {} more parts after the first: slowest {}, together {}, {rows} rows",
        times.len(),
        ms(max(&times)),
        ms(times.iter().sum())
    );
}

/// A pass that finds everything queued already: `REPEATS` passes 5 minutes apart, each
/// split once; medians.
async fn repeated(world: &World, case: &str, first: DateTime<Utc>) {
    let mut splits = Vec::with_capacity(REPEATS);
    let mut last = None;
    for n in 0..REPEATS {
        let at = first + chrono::Duration::minutes(5 * n as i64);
        world.clock.set(at);
        let mut split = Split::default();
        let snapshot = time_reads(world, at, 1, &mut split).await;
        time_dry(world, at, 1, &mut split).await;
        let started = Instant::now();
        let report = world.scheduler.pass(at, false).await.expect("pass");
        split.pass = started.elapsed();
        time_lookups(world, &report, 1, &mut split).await;
        assert_eq!(
            (report.queued, report.new_escalations),
            (0, 0),
            "{case}: a repeated pass queues nothing new"
        );
        splits.push(split);
        last = Some((report, snapshot));
    }
    let (report, snapshot) = last.expect("at least one run");
    print_pass(world, case, first, &splits, &report, &snapshot);
}

/// A quiet pass that finds something changed since the last one (each measured `REPEATS`
/// times, each time after its own change, medians): `quiet-cold`, a new `Scheduler` (what
/// `dondoc tick` or a restarted `serve` pays: the whole snapshot); `quiet-status`, after one
/// status update (another process, a bot reply: the assignments' part of the snapshot is read
/// again); `quiet-report`, after one late Q1 report (the submissions are read again).
async fn after_changes(world: &mut World, first: DateTime<Utc>) {
    let l = world.label.clone();
    let actor = Actor::new("bench");
    let commune = world
        .units
        .iter()
        .rev()
        .find(|u| u.kind == UnitKind::Commune)
        .expect("a commune")
        .id;
    let assignments = world
        .store
        .open_assignments(&[dondoc::domain::UnitId(commune)])
        .await
        .expect("open assignments");
    let late: Vec<(i64, i64)> = world
        .units
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(i, _)| i % 10 == 0)
        .map(|(_, u)| (u.id, world.heads[&u.id]))
        .take(REPEATS)
        .collect();
    let (mut cold, mut status, mut report) = (Vec::new(), Vec::new(), Vec::new());
    // Rows and steps the passes added (a quiet pass adds none; a late report might).
    let mut queued = [0u64; 3];
    for n in 0..REPEATS {
        let at = first + chrono::Duration::minutes(5 * n as i64);
        world.clock.set(at);
        let fresh = Scheduler::new(
            world.store.clone(),
            world.rules.clone(),
            Doorbell::default(),
        );
        let started = Instant::now();
        let done = fresh.pass(at, false).await.expect("cold pass");
        cold.push(started.elapsed());
        queued[0] += done.queued + done.new_escalations;

        let assignment = assignments[n % assignments.len()].assignment_id;
        world
            .store
            .record_status_update(
                assignment,
                dondoc::domain::AssignmentStatus::InProgress,
                "đang làm",
                None,
                &actor,
            )
            .await
            .expect("a status update");
        let started = Instant::now();
        let done = world.scheduler.pass(at, false).await.expect("pass");
        status.push(started.elapsed());
        queued[1] += done.queued + done.new_escalations;

        let (unit_id, person_id) = late[n % late.len()];
        let submission = Submission {
            period_id: dondoc::domain::PeriodId(world.periods["q1"]),
            unit_id: dondoc::domain::UnitId(unit_id),
            person_id: dondoc::domain::PersonId(person_id),
            body: "Báo cáo quý I (muộn)".into(),
            telegram_message_id: None,
            attachment: None,
        };
        world
            .store
            .record_submission(
                dondoc::domain::UpdateId(world.next_update_id),
                1,
                1,
                &submission,
            )
            .await
            .expect("a late report");
        world.next_update_id += 1;
        let started = Instant::now();
        let done = world.scheduler.pass(at, false).await.expect("pass");
        report.push(started.elapsed());
        queued[2] += done.queued + done.new_escalations;
    }
    for (case, times, added) in [
        ("quiet-cold", cold, queued[0]),
        ("quiet-status", status, queued[1]),
        ("quiet-report", report, queued[2]),
    ] {
        println!(
            "{l} {case:<14} {}  pass {}  (median of {}, min {}, max {}; {added} rows or steps added)",
            first
                .with_timezone(&world.rules.time_zone)
                .format("%Y-%m-%d %H:%M"),
            ms(median(&times)),
            times.len(),
            ms(min(&times)),
            ms(max(&times))
        );
    }
}

fn print_pass(
    world: &World,
    case: &str,
    at: DateTime<Utc>,
    splits: &[Split],
    report: &PassReport,
    snapshot: &ScheduleSnapshot,
) {
    let l = &world.label;
    let when = at
        .with_timezone(&world.rules.time_zone)
        .format("%Y-%m-%d %H:%M");
    let n = splits.len();
    let phase = |f: &dyn Fn(&Split) -> Duration| median(&splits.iter().map(f).collect::<Vec<_>>());
    let passes: Vec<Duration> = splits.iter().map(|s| s.pass).collect();
    let spread = if n > 1 {
        format!(
            "median of {n}, min {}, max {}",
            ms(min(&passes)),
            ms(max(&passes))
        )
    } else {
        "n=1".to_string()
    };
    println!(
        "{l} {case:<14} {when}  pass {}  ({spread})  {}",
        ms(median(&passes)),
        outcome(report)
    );
    println!(
        "{l} {case:<14} split  snapshot {} | counts {} | open tasks {} | keys {} | \
         compose {} | write {}  (dry {}, calendar {})",
        ms(phase(&|s| s.snapshot)),
        ms(phase(&|s| s.counts)),
        ms(phase(&|s| s.open_tasks)),
        ms(phase(&|s| s.keys)),
        ms(phase(&|s| s.compose())),
        ms(phase(&|s| s.write())),
        ms(phase(&|s| s.dry)),
        ms(phase(&|s| s.calendar)),
    );
    let leads: usize = snapshot.task_leads.values().map(Vec::len).sum();
    println!(
        "{l} {case:<14} snapshot  {} plans, {} periods, {} plan units, {} submissions, {} dated \
         assignments, {leads} task leads, {} recipients, {} unreachable, {} units, {} escalated items",
        snapshot.plans.len(),
        snapshot.periods.len(),
        snapshot.plan_units.len(),
        snapshot.submissions.len(),
        snapshot.dated.len(),
        snapshot.recipients.len(),
        snapshot.unreachable.len(),
        snapshot.units.len(),
        snapshot.escalated.len(),
    );
}

/// "queued 123 rows (window 100, digest 23), 45 new escalation steps (45 computed)".
fn outcome(report: &PassReport) -> String {
    let mut kinds: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for m in &report.messages {
        let entry = kinds.entry(m.kind.as_str()).or_default();
        entry.0 += 1;
        entry.1 += m.body.len();
    }
    let composed: Vec<String> = kinds
        .iter()
        .map(|(k, (n, bytes))| format!("{k} {n} ({:.1} MB)", *bytes as f64 / 1e6))
        .collect();
    format!(
        "queued {} rows; composed {} messages [{}]; escalation steps {} new of {} computed",
        report.queued,
        report.messages.len(),
        composed.join(", "),
        report.new_escalations,
        report.escalations.len()
    )
}

/// The pass's read-ahead for dated tasks, as `Scheduler::pass` computes it.
fn horizon_days(rules: &Rules) -> i64 {
    let furthest = rules.policy.days_before.iter().copied().max().unwrap_or(0);
    i64::from(furthest).max(digest::UPCOMING_DAYS) + 1
}

// ---------------------------------------------------------------------------------------------
// Backends

// ---------------------------------------------------------------------------------------------
// Generated registry, plan and people

const DEPARTMENT_NAMES: [&str; DEPARTMENTS] = [
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tài nguyên và Môi trường",
    "Sở Xây dựng",
    "Sở Giao thông vận tải",
    "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Thông tin và Truyền thông",
    "Sở Khoa học và Công nghệ",
    "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh",
    "Ban Dân tộc tỉnh",
    "Công an tỉnh",
    "Bảo hiểm xã hội tỉnh",
];

const PLACE_FIRST: [&str; 12] = [
    "Tân", "Phú", "Vĩnh", "An", "Hòa", "Thạch", "Long", "Quang", "Bình", "Đông", "Tây", "Hưng",
];
const PLACE_SECOND: [&str; 10] = [
    "Sơn", "Hà", "Yên", "Lâm", "Thành", "Phong", "Mỹ", "Lộc", "Điền", "Thịnh",
];

/// "Tân Phú 123": a Vietnamese-looking place name made unique by its number.
fn place(n: usize) -> String {
    let first = PLACE_FIRST[n % PLACE_FIRST.len()];
    let second = PLACE_SECOND[(n / PLACE_FIRST.len()) % PLACE_SECOND.len()];
    format!("{first} {second} {n}")
}

fn new_unit(code: String, name: String, kind: UnitKind, parent: &UnitCode) -> NewUnit {
    let alias = name.replacen("UBND ", "", 1);
    NewUnit {
        code: UnitCode::parse(&code).expect("generated unit code"),
        aliases: if alias == name {
            Vec::new()
        } else {
            vec![alias]
        },
        name,
        kind,
        parent: Some(parent.clone()),
    }
}

/// The province first, then its departments (the first is the coordinating office),
/// districts, and communes spread over the districts: `UNITS × scale` in all.
fn registry(scale: usize) -> Vec<NewUnit> {
    let province = UnitCode::parse("BA").expect("province code");
    let mut units = vec![NewUnit {
        code: province.clone(),
        name: "Tỉnh Bình An".into(),
        kind: UnitKind::Province,
        parent: None,
        aliases: vec!["UBND tỉnh Bình An".into()],
    }];
    for (i, name) in DEPARTMENT_NAMES.iter().enumerate() {
        let kind = if i == 0 {
            UnitKind::CoordinatingOffice
        } else {
            UnitKind::Department
        };
        units.push(new_unit(
            format!("BA-S{:02}", i + 1),
            name.to_string(),
            kind,
            &province,
        ));
    }
    let districts = DISTRICTS * scale;
    let mut district_codes = Vec::with_capacity(districts);
    for i in 1..=districts {
        let word = if i % 10 == 0 { "thị xã" } else { "huyện" };
        units.push(new_unit(
            format!("BA-H{i:03}"),
            format!("UBND {word} {}", place(i)),
            UnitKind::District,
            &province,
        ));
        district_codes.push(units.last().expect("just pushed").code.clone());
    }
    for i in 1..=UNITS * scale - units.len() {
        let word = match i % 12 {
            0 => "thị trấn",
            5 | 9 => "phường",
            _ => "xã",
        };
        units.push(new_unit(
            format!("BA-X{i:05}"),
            format!("UBND {word} {}", place(i)),
            UnitKind::Commune,
            &district_codes[i % districts],
        ));
    }
    units
}

const DIMENSIONS: [&str; 8] = [
    "Tham gia của người dân ở cấp cơ sở",
    "Công khai, minh bạch trong việc ra quyết định",
    "Trách nhiệm giải trình với người dân",
    "Kiểm soát tham nhũng trong khu vực công",
    "Thủ tục hành chính công",
    "Cung ứng dịch vụ công",
    "Quản trị môi trường",
    "Quản trị điện tử",
];
const VERBS: [&str; 8] = [
    "Tổ chức tuyên truyền, phổ biến",
    "Niêm yết công khai",
    "Rà soát, cập nhật và công bố",
    "Kiểm tra, giám sát việc thực hiện",
    "Tổ chức đối thoại với người dân về",
    "Nâng cao chất lượng",
    "Đẩy mạnh ứng dụng công nghệ thông tin trong",
    "Thực hiện nghiêm quy định về",
];
const OBJECTS: [&str; 8] = [
    "Luật Thực hiện dân chủ ở cơ sở",
    "các thủ tục hành chính thuộc thẩm quyền giải quyết",
    "quy hoạch, kế hoạch sử dụng đất và khung giá đất",
    "các khoản thu, chi ngân sách và đóng góp của nhân dân",
    "chính sách hỗ trợ hộ nghèo, hộ cận nghèo",
    "việc tiếp nhận, xử lý phản ánh, kiến nghị của người dân",
    "dịch vụ công trực tuyến toàn trình",
    "công tác thu gom, xử lý rác thải sinh hoạt",
];
const PLACES: [&str; 6] = [
    "đến người dân trên địa bàn",
    "tại trụ sở UBND và nhà văn hóa thôn, tổ dân phố",
    "qua hệ thống loa truyền thanh cơ sở",
    "gắn với việc cải thiện chỉ số PAPI năm 2026",
    "bảo đảm đúng quy định, kịp thời",
    "trên Cổng thông tin điện tử của tỉnh",
];

fn unit_ref(unit: &Unit) -> UnitRef {
    UnitRef {
        id: unit.id,
        code: unit.code.clone(),
        name: unit.name.clone(),
    }
}

/// Broad tasks (every unit under the province) then targeted ones (a window of communes and
/// one of departments and districts), each led by a department.
fn tasks(units: &[Unit], scale: usize) -> Vec<NewTask> {
    let departments = &units[1..=DEPARTMENTS];
    let others = &units[1..=DEPARTMENTS + DISTRICTS * scale];
    let communes = &units[1 + DEPARTMENTS + DISTRICTS * scale..];
    let below_province: Vec<UnitRef> = units[1..].iter().map(unit_ref).collect();
    let mut tasks = Vec::with_capacity(BROAD_TASKS + TARGETED_TASKS);
    let mut n = 0usize;
    let mut task = |timeframe: String, implementing: Vec<UnitRef>| {
        n += 1;
        let d = n % DIMENSIONS.len();
        let text = format!(
            "{} {} {}",
            VERBS[n % VERBS.len()],
            OBJECTS[(n / VERBS.len()) % OBJECTS.len()],
            PLACES[n % PLACES.len()]
        );
        NewTask {
            source_row: n + 2,
            code: Some(format!("{}.{n}", d + 1)),
            dimension: Some(Dimension {
                code: (d + 1).to_string(),
                title: DIMENSIONS[d].to_string(),
            }),
            criterion: None,
            text,
            target: "100% đơn vị thực hiện".into(),
            due_date: timeframe::due_date(&timeframe, YEAR),
            timeframe,
            expected_output: "Báo cáo kết quả".into(),
            lead_units: vec![unit_ref(&departments[n % DEPARTMENTS])],
            implementing_units: implementing,
        }
    };
    for i in 0..BROAD_TASKS {
        let timeframe = match i {
            8 => format!("Trước ngày 10/6/{YEAR}"),
            26 => format!("Trước ngày 15/11/{YEAR}"),
            _ => "Thường xuyên".to_string(),
        };
        tasks.push(task(timeframe, below_province.clone()));
    }
    for i in 0..TARGETED_TASKS {
        let timeframe = if i % 4 == 0 {
            format!("Trước ngày 15/{}/{YEAR}", (i / 4) % 12 + 1)
        } else {
            "Thường xuyên".to_string()
        };
        let from = i * 97;
        let mut implementing: Vec<UnitRef> = (0..TARGETED_COMMUNES * scale)
            .map(|k| unit_ref(&communes[(from + k) % communes.len()]))
            .collect();
        implementing.extend(
            (0..TARGETED_OTHERS * scale).map(|k| unit_ref(&others[(i * 7 + k) % others.len()])),
        );
        tasks.push(task(timeframe, implementing));
    }
    tasks
}

const SURNAMES: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"];
const GIVEN: [&str; 8] = [
    "Văn An",
    "Thị Bình",
    "Minh Châu",
    "Quốc Dũng",
    "Thu Hà",
    "Đức Long",
    "Thanh Mai",
    "Hữu Nam",
];

/// A head in every unit; a focal point in every department and district and in every fifth
/// commune; two coordinators and a focal point in the coordinating office. All linked.
fn people(units: &[Unit]) -> Vec<NewPerson> {
    let mut people = Vec::new();
    let mut add = |unit: &Unit, role: PersonRole| {
        let n = people.len();
        people.push(NewPerson {
            unit: unit.code.clone(),
            full_name: format!(
                "{} {} {n}",
                SURNAMES[n % SURNAMES.len()],
                GIVEN[(n / SURNAMES.len()) % GIVEN.len()]
            ),
            role,
            telegram_user_id: Some(FIRST_TELEGRAM_ID + n as i64),
            phone: None,
        });
    };
    let mut communes = 0usize;
    for unit in units {
        add(unit, PersonRole::Head);
        match unit.kind {
            UnitKind::CoordinatingOffice => {
                add(unit, PersonRole::Coordinator);
                add(unit, PersonRole::Coordinator);
                add(unit, PersonRole::FocalPoint);
            }
            UnitKind::Department | UnitKind::District => add(unit, PersonRole::FocalPoint),
            UnitKind::Commune => {
                communes += 1;
                if communes.is_multiple_of(5) {
                    add(unit, PersonRole::FocalPoint);
                }
            }
            _ => {}
        }
    }
    people
}

// ---------------------------------------------------------------------------------------------
// Small helpers

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// `hour:minute` on `day` in the province's time zone (Asia/Ho_Chi_Minh, the default).
fn local(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Ho_Chi_Minh
        .from_local_datetime(&day.and_hms_opt(hour, minute, 0).expect("valid time"))
        .single()
        .expect("no DST in Vietnam")
        .with_timezone(&Utc)
}

fn median(values: &[Duration]) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    let mut sorted = values.to_vec();
    sorted.sort();
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2
    } else {
        sorted[mid]
    }
}

fn min(values: &[Duration]) -> Duration {
    values.iter().copied().min().unwrap_or_default()
}

fn max(values: &[Duration]) -> Duration {
    values.iter().copied().max().unwrap_or_default()
}

/// Hundredths below 10 ms: a quiet pass takes about one millisecond, and its growth with the
/// data is a ratio of two such figures.
fn ms(d: Duration) -> String {
    let millis = d.as_secs_f64() * 1e3;
    if millis < 10.0 {
        format!("{millis:.2} ms")
    } else {
        format!("{millis:.1} ms")
    }
}
