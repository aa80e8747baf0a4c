//! Render time of each page of the web board (`dondoc::web`) at national scale, on SQLite (a
//! file in a temp dir) and, when `DONDOC_BENCH_POSTGRES_URL` (or `DONDOC_TEST_POSTGRES_URL`)
//! is set, on Postgres (a fresh schema `dondoc_bench_web_<pid>`, dropped at the end).
//!
//! Data set: the export bench's (`benches/export.rs`, copied here): 5,000 units, one 2026 plan
//! of 436 tasks with 199,964 live assignments in 8 dimensions, a head in every unit, Q3
//! reports on time / late / missing, 6,000 status updates, 3,000 hotline cases; plus a
//! coordinator at the Sở Nội vụ, logged in through a one-time link as a browser would.
//!
//! Each page is fetched over HTTP from the service's own listener (`ops::http::start` with the
//! board) as of 30/9/2026 17:00, reported as p50 / p99 / max: `warm` = `RUNS` requests in a
//! row (the plan's reading kept, as between two writes); `after a reply` = `RUNS` requests,
//! each right after a status update about a different assignment (the kept reading brought
//! up to date); `after a due date` = `DUE_DATES` requests, each after a due date set again
//! (the plan's periods read again, its tasks kept); `after a renaming` = `RENAMES` requests,
//! each after a commune of the plan renamed in the registry (its name taken into the kept
//! tasks); `full read` = `FULL` requests, each after the plan imported again over itself
//! (every task kept), the one write that reads the whole plan again; `a moment after a write`
//! = `LATER` requests 2 s after a reply and as many 2 s after the import, the board having
//! brought its reading (and a downloaded workbook) up to date on its own meanwhile (max of
//! the six).
//!
//! ```text
//! cargo bench --bench web
//! DONDOC_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench web
//! ```

mod common;
use common::Db;
#[path = "common/national.rs"]
mod national;
use national::*;
use std::time::{Duration, Instant};

use chrono_tz::Asia::Ho_Chi_Minh;
use dondoc::clock::FixedClock;
use dondoc::domain::calendar::DueDateEdit;
use dondoc::domain::unit::NewPerson;
use dondoc::domain::{Actor, AssignmentStatus, PersonRole, PlanCode, UnitCode};
use dondoc::messages::Lang;

const POSTGRES_ENVS: [&str; 2] = ["DONDOC_BENCH_POSTGRES_URL", "DONDOC_TEST_POSTGRES_URL"];
const RUNS: usize = 100;
/// Requests after a due date set (the plan's periods read again).
const DUE_DATES: usize = 10;
/// Requests after a unit renamed.
const RENAMES: usize = 10;
/// Requests after the plan imported again (a full read each).
const FULL: usize = 3;
/// Requests a moment after a reply, and as many a moment after an import.
const LATER: usize = 3;
/// The moment: the board looks for writes once a second, and a full read of the national plan
/// takes 0.4–0.7 s.
const A_MOMENT: Duration = Duration::from_secs(2);
/// The statuses the bench's replies cycle through.
const STATUSES: [AssignmentStatus; 3] = [
    AssignmentStatus::InProgress,
    AssignmentStatus::Done,
    AssignmentStatus::Blocked,
];

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime for the bench");
    runtime.block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().expect("a temp dir for the SQLite file");
    bench(Db::sqlite(dir.path(), "bench.db")).await;
    match POSTGRES_ENVS.iter().find_map(|v| std::env::var(v).ok()) {
        Some(url) => {
            bench(Db::postgres(
                &url,
                format!("dondoc_bench_web_{}", std::process::id()),
            ))
            .await
        }
        None => println!("postgres skipped: set {} to run it", POSTGRES_ENVS[0]),
    }
}

async fn bench(db: Db) {
    let clock = FixedClock::new(local(date(1, 5), 8));
    let store = db.open_with(clock.clone()).await;
    let writers = if db.postgres.is_some() {
        POSTGRES_WRITERS
    } else {
        1
    };
    let started = Instant::now();
    setup(&store, &clock, writers, "benches/web.rs").await;
    println!("{:<8} setup    {}", db.name, secs(started.elapsed()));
    let coordinator = store
        .add_person(
            &NewPerson {
                unit: UnitCode::parse("BA-S01").expect("code"),
                full_name: "Điều phối viên".into(),
                role: PersonRole::Coordinator,
                telegram_user_id: None,
                phone: None,
            },
            &Actor::new("bench"),
        )
        .await
        .expect("coordinator");
    clock.set(local(date(9, 30), 17));

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let board = dondoc::web::Board::new(
        store.clone(),
        "http://127.0.0.1",
        Ho_Chi_Minh,
        Lang::Vi,
        24,
        None,
    );
    let running = dondoc::ops::http::start(
        "127.0.0.1:0".parse().expect("address"),
        store.clone(),
        dondoc::ops::Metrics::new(),
        Ho_Chi_Minh,
        Some(board),
        stopped,
    )
    .await
    .expect("listener");
    let base = format!("http://{}", running.address);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("client");
    let link = dondoc::web::login_link(&store, &base, coordinator.id, &Actor::new("bench"))
        .await
        .expect("link");
    let token = link.rsplit('/').next().expect("token").to_string();
    let login = http
        .post(format!("{base}/login"))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .expect("login");
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();
    let plan = store
        .plan(&PlanCode::parse(PLAN).expect("code"))
        .await
        .expect("plan")
        .expect("plan");
    // Replies land all over the plan: every 97th live assignment, in turn.
    let assignments: Vec<i64> = store
        .plan_tasks(plan.id)
        .await
        .expect("tasks")
        .iter()
        .flat_map(|t| t.assignments.iter().map(|a| a.id))
        .step_by(97)
        .collect();
    let last_period = store
        .reporting_periods(plan.id)
        .await
        .expect("periods")
        .pop()
        .expect("periods");
    // The commune the bench renames, back and forth.
    let commune = registry()
        .into_iter()
        .find(|u| u.code.as_str() == "BA-X00100")
        .expect("the commune");
    let rename = |n: usize| {
        let (store, commune) = (&store, &commune);
        async move {
            let mut renamed = commune.clone();
            if n % 2 == 1 {
                renamed.name.push_str(" (tên mới)");
            }
            store
                .upsert_units(&[renamed], &Actor::new("bench"))
                .await
                .expect("a unit renamed");
        }
    };
    let get = |path: String| {
        let (http, cookie, base) = (&http, &cookie, &base);
        async move {
            let started = Instant::now();
            let response = http
                .get(format!("{base}{path}"))
                .header("cookie", cookie)
                .send()
                .await
                .expect("a page");
            let status = response.status();
            let body = response.bytes().await.expect("the body");
            assert!(status.is_success(), "{path}: {status}");
            (started.elapsed(), body.len())
        }
    };
    let pages = [
        ("overview", format!("/plans/{PLAN}")),
        ("overview q2", format!("/plans/{PLAN}?period=q2")),
        ("grid", format!("/plans/{PLAN}/grid")),
        (
            "grid filtered",
            format!("/plans/{PLAN}/grid?dimension=all&state=open-in-time&sort=overdue&q=phuong"),
        ),
        (
            "grid page 20",
            format!("/plans/{PLAN}/grid?dimension=3&page=20"),
        ),
        ("unit", format!("/plans/{PLAN}/units/BA-X00100")),
        ("reach", format!("/plans/{PLAN}/reach")),
        ("cases", "/cases".to_string()),
        (
            "export.xlsx",
            format!("/plans/{PLAN}/export.xlsx?period=q3"),
        ),
    ];
    // The n-th status update the bench writes (statuses and assignments in turn).
    let reply = |n: usize| {
        let (store, assignments) = (&store, &assignments);
        async move {
            store
                .record_status_update(
                    dondoc::domain::AssignmentId(assignments[n % assignments.len()]),
                    STATUSES[n % STATUSES.len()],
                    &format!("bench {n}"),
                    None,
                    &Actor::new("bench"),
                )
                .await
                .expect("an update");
        }
    };
    let mut n = 0;
    for (name, path) in &pages {
        // After a reply: a status update written before each request (the reading is
        // brought up to date with it).
        let mut after_write = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            n += 1;
            reply(n).await;
            after_write.push(get(path.clone()).await.0);
        }
        // After a due date (set again, unchanged): the plan's periods read again, its
        // tasks kept.
        let mut after_due_date = Vec::with_capacity(DUE_DATES);
        for _ in 0..DUE_DATES {
            store
                .set_due_dates(
                    plan.id,
                    &[DueDateEdit {
                        key: last_period.key.clone(),
                        due_date: last_period.due_date,
                    }],
                    &Actor::new("bench"),
                )
                .await
                .expect("a due date");
            after_due_date.push(get(path.clone()).await.0);
        }
        // After a unit renamed: its name taken into the kept tasks.
        let mut after_rename = Vec::with_capacity(RENAMES);
        for r in 1..=RENAMES {
            rename(r).await;
            after_rename.push(get(path.clone()).await.0);
        }
        // After the plan imported again: read in full.
        let mut full = Vec::with_capacity(FULL);
        for _ in 0..FULL {
            reimport(&store, "benches/web.rs").await;
            full.push(get(path.clone()).await.0);
        }
        // The same writes, the page asked a moment later (as a coordinator would): by then the
        // board has brought its reading (and a downloaded workbook) up to date on its own.
        let mut later = Vec::with_capacity(LATER * 2);
        for round in 0..LATER * 2 {
            if round % 2 == 0 {
                n += 1;
                reply(n).await;
            } else {
                reimport(&store, "benches/web.rs").await;
            }
            tokio::time::sleep(A_MOMENT).await;
            later.push(get(path.clone()).await.0);
        }
        let mut warm = Vec::with_capacity(RUNS);
        let mut size = 0;
        for _ in 0..RUNS {
            let (took, bytes) = get(path.clone()).await;
            warm.push(took);
            size = bytes;
        }
        println!(
            "{:<8} {name:<14} warm p50 {} p99 {} max {} | after a reply p50 {} p99 {} max {} | after a due date p50 {} max {} | after a renaming p50 {} max {} | full read median {} max {} | a moment after a write max {} | {:.0} kB",
            db.name,
            ms(percentile(&warm, 50)),
            ms(percentile(&warm, 99)),
            ms(max(&warm)),
            ms(percentile(&after_write, 50)),
            ms(percentile(&after_write, 99)),
            ms(max(&after_write)),
            ms(percentile(&after_due_date, 50)),
            ms(max(&after_due_date)),
            ms(percentile(&after_rename, 50)),
            ms(max(&after_rename)),
            ms(median(&full)),
            ms(max(&full)),
            ms(max(&later)),
            size as f64 / 1e3,
        );
    }
    let _ = stop.send(true);
    let _ = running.task.await;
    store.close().await;
    db.finish().await;
}

/// The `p`-th percentile (nearest rank).
fn percentile(values: &[Duration], p: usize) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied().unwrap_or_default()
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
