//! Wall time of the periodic report (`dondoc export`) at national scale, on SQLite (a file in
//! a temp dir) and, when `DONDOC_BENCH_POSTGRES_URL` (or `DONDOC_TEST_POSTGRES_URL`) is set,
//! on Postgres (a fresh schema `dondoc_bench_export_<pid>`, dropped at the end).
//!
//! Data set, generated like `benches/scheduler.rs` builds its own (same shapes, same names):
//! - 5,000 units: a province, 20 departments (the first, Sở Nội vụ, is the coordinating
//!   office), 60 districts, 4,919 communes;
//! - one plan for 2026 with the default calendar: 36 broad tasks implemented by every unit
//!   under the province and 400 targeted tasks implemented by 50 units each: 199,964 live
//!   assignments in 8 dimensions;
//! - a head in every unit (`add_person`);
//! - Q3 (due 10/9/2026) reported on 9/9 by 70 % of the units and on 15/9 by 15 % (late); 15 %
//!   missing (`record_submission`, one transaction each, as the bot does);
//! - 6,000 status updates (`record_status_update`), spread over the tasks and statuses;
//! - 3,000 hotline cases received in Q3 (`create_cases`, one batch), with names and phones.
//!
//! Measured, as of 30/9/2026 17:00 (median of `REPEATS`): `build` (`export::build_report`:
//! every query and the composition), `xlsx` (`export::xlsx::write` of that report, in
//! memory), `xlsx kept` (`export::xlsx::write_again` from the workbook kept from that same
//! report: the layout, the comparison and the save, as the web board's download after a reply
//! spends them), `csv` (`export::csv::write_files` to the temp dir), and `total` = build + xlsx,
//! what `dondoc export --period Q3 --out report.xlsx` spends besides opening the database
//! and writing the file. Then `split` times each read `build` makes, one by one (medians).
//!
//! ```text
//! cargo bench --bench export
//! DONDOC_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench export
//! ```

mod common;
use common::Db;
#[path = "common/national.rs"]
mod national;
use national::*;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono_tz::Asia::Ho_Chi_Minh;
use dondoc::clock::FixedClock;
use dondoc::domain::PlanCode;
use dondoc::export::{self, ReportRequest};
use dondoc::messages::Lang;
use dondoc::store::Store;

const POSTGRES_ENVS: [&str; 2] = ["DONDOC_BENCH_POSTGRES_URL", "DONDOC_TEST_POSTGRES_URL"];
const REPEATS: usize = 5;

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime for the bench");
    runtime.block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().expect("a temp dir for the SQLite file");
    bench(Db::sqlite(dir.path(), "bench.db"), dir.path()).await;
    match POSTGRES_ENVS.iter().find_map(|v| std::env::var(v).ok()) {
        Some(url) => {
            bench(
                Db::postgres(&url, format!("dondoc_bench_export_{}", std::process::id())),
                dir.path(),
            )
            .await
        }
        None => println!("postgres skipped: set {} to run it", POSTGRES_ENVS[0]),
    }
}

async fn bench(db: Db, out_dir: &Path) {
    let clock = FixedClock::new(local(date(1, 5), 8));
    let store = db.open_with(clock.clone()).await;
    let writers = if db.postgres.is_some() {
        POSTGRES_WRITERS
    } else {
        1
    };
    let started = Instant::now();
    setup(&store, &clock, writers, "benches/export.rs").await;
    println!("{:<8} setup    {}", db.name, secs(started.elapsed()));

    let request = ReportRequest {
        plan: PlanCode::parse(PLAN).expect("plan code"),
        period: Some("Q3".into()),
        as_of: local(date(9, 30), 17),
        time_zone: Ho_Chi_Minh,
        ack_hours: 24,
        lang: Lang::Vi,
    };
    let (mut build, mut xlsx, mut csv) = (Vec::new(), Vec::new(), Vec::new());
    let mut size = 0;
    let mut report = None;
    for _ in 0..REPEATS {
        let started = Instant::now();
        let built = export::build_report(&store, &request)
            .await
            .expect("the report");
        build.push(started.elapsed());
        let started = Instant::now();
        size = export::xlsx::write(&built, Lang::Vi).expect("xlsx").len();
        xlsx.push(started.elapsed());
        let started = Instant::now();
        export::csv::write_files(&built, Lang::Vi, &out_dir.join("report.csv")).expect("csv");
        csv.push(started.elapsed());
        report = Some(built);
    }
    let report = report.expect("at least one run");
    // The web board's download after a reply: the workbook written again from the one kept
    // (here the same report's, so only the layout, the comparison and the save remain).
    let mut kept = None;
    export::xlsx::write_again(&mut kept, &report, Lang::Vi).expect("xlsx");
    let mut again = Vec::new();
    for _ in 0..REPEATS {
        let started = Instant::now();
        export::xlsx::write_again(&mut kept, &report, Lang::Vi).expect("xlsx");
        again.push(started.elapsed());
    }
    let r = &report.reports;
    println!(
        "{:<8} report   {} owing: {} on time, {} late, {} missing | {} tasks in {} dimensions \
         ({} done, {} in progress, {} blocked) | {} cases | xlsx {:.1} MB",
        db.name,
        r.owing,
        r.on_time,
        r.late,
        r.missing,
        report.tasks.tasks,
        report.dimensions.len(),
        report.tasks.done,
        report.tasks.in_progress,
        report.tasks.blocked,
        report.cases.rows.len(),
        size as f64 / 1e6,
    );
    let total: Vec<Duration> = build.iter().zip(&xlsx).map(|(b, x)| *b + *x).collect();
    for (name, times) in [
        ("build", &build),
        ("xlsx", &xlsx),
        ("xlsx kept", &again),
        ("csv", &csv),
        ("total", &total),
    ] {
        println!(
            "{:<8} {name:<8} median {} (min {}, max {}, {REPEATS} runs)",
            db.name,
            ms(median(times)),
            ms(min(times)),
            ms(max(times)),
        );
    }
    split(&store, &db, &report).await;
    store.close().await;
    db.finish().await;
}

/// The reads `build_report` makes, timed one by one (medians): where `build` goes.
async fn split(store: &Store, db: &Db, report: &export::Report) {
    let plan_id = report.plan.id;
    let as_of = report.as_of;
    let (from, to) = (local(date(7, 1), 0), as_of);
    let mut times: Vec<(&str, Vec<Duration>)> = [
        "plan_tasks",
        "units_owing",
        "first_submissions",
        "latest_updates",
        "cases_received",
    ]
    .into_iter()
    .map(|name| (name, Vec::new()))
    .collect();
    for _ in 0..REPEATS {
        let started = Instant::now();
        store.plan_tasks(plan_id).await.expect("tasks");
        times[0].1.push(started.elapsed());
        let started = Instant::now();
        store
            .units_owing(plan_id, &report.period)
            .await
            .expect("owing");
        times[1].1.push(started.elapsed());
        let started = Instant::now();
        store
            .first_submissions(report.period.id, as_of)
            .await
            .expect("submissions");
        times[2].1.push(started.elapsed());
        let started = Instant::now();
        store.latest_updates(plan_id, as_of).await.expect("updates");
        times[3].1.push(started.elapsed());
        let started = Instant::now();
        store.cases_received(from, to).await.expect("cases");
        times[4].1.push(started.elapsed());
    }
    let parts: Vec<String> = times
        .iter()
        .map(|(name, t)| format!("{name} {}", ms(median(t))))
        .collect();
    println!("{:<8} split    {}", db.name, parts.join(" | "));
}

fn min(values: &[Duration]) -> Duration {
    values.iter().copied().min().unwrap_or_default()
}

fn max(values: &[Duration]) -> Duration {
    values.iter().copied().max().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}
