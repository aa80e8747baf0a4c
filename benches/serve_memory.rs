//! `dondoc serve` at national scale: its resident memory during a reminder wave and a burst of
//! 1,000 messages from members, and the time from its start to the first message sent.
//!
//! The bench builds the national data set (5,000 units: a province, 20 departments, 60
//! districts, 4,919 communes; one 2026 plan of 36 tasks for every unit and 400 tasks for 50
//! units each, 199,964 live assignments; a linked head in every unit and two coordinators:
//! 5,002 people) in a fresh database, queues a reminder wave (one reminder to every head,
//! 5,000 rows), then starts the release `dondoc serve` binary (its own process, the default
//! configuration but `outbox.working_hours_only = false`, so the wave goes whatever the hour)
//! against the fake Bot API server (`tests/support/fake_telegram.rs`, Telegram's limits on,
//! a round trip of `SERVE_MEMORY_RTT_MS`, 50 by default) and measures:
//! - **first message**: from spawning the process to the first `sendMessage` the fake accepts
//!   (start-up: configuration, migrations, the scheduler's first pass, the sender's lease and
//!   first read of the queue);
//! - **wave**: the process's resident memory (`VmRSS` in `/proc/<pid>/status`, sampled every
//!   50 ms) while the wave is sent, for `SERVE_MEMORY_WAVE_SECS` (30);
//! - **burst**: 1,000 heads each write to the bot at once (1,000 updates waiting in
//!   `getUpdates`) while the wave goes on; memory until the bot has answered every one (the
//!   answers share the 29.5-a-second budget with the wave) or 180 s;
//! - **peak**: `VmHWM`, the most resident memory the process ever had, at the end.
//!
//! SQLite (a file in a temp dir), and Postgres when `DONDOC_BENCH_POSTGRES_URL` is set (a
//! fresh schema, dropped at the end). Build the binary in release first: `cargo bench` does.
//!
//! ```text
//! cargo bench --bench serve_memory
//! DONDOC_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench serve_memory
//! ```

#[path = "../tests/support/fake_telegram.rs"]
mod fake_telegram;

mod common;
use common::Db;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dondoc::domain::calendar::{default_templates, periods_for_year};
use dondoc::domain::plan::{NewPlan, NewTask, UnitRef};
use dondoc::domain::timeframe;
use dondoc::domain::unit::{NewPerson, NewUnit, Unit};
use dondoc::domain::{Actor, MessageKind, PersonRole, PlanCode, PlanYear, UnitCode, UnitKind};
use dondoc::store::{MessageSubject, NewMessage, SaveMode, Store};
use fake_telegram::FakeTelegram;
use secrecy::ExposeSecret;

const POSTGRES_ENV: &str = "DONDOC_BENCH_POSTGRES_URL";
const YEAR: i32 = 2026;
const UNITS: usize = 5_000;
const DEPARTMENTS: usize = 20;
const DISTRICTS: usize = 60;
const BROAD_TASKS: usize = 36;
const TARGETED_TASKS: usize = 400;
const TARGETED_COMMUNES: usize = 45;
const TARGETED_OTHERS: usize = 5;
const FIRST_TELEGRAM_ID: i64 = 100_000_000;
const BURST: usize = 1_000;
const TOKEN: &str = "123456:MEMORY-BENCH";

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime for the bench");
    runtime.block_on(run());
}

async fn run() {
    println!(
        "serve at national scale; machine: {} CPUs",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut dbs = vec![Db::sqlite(dir.path(), "serve-memory.db")];
    if let Ok(url) = std::env::var(POSTGRES_ENV) {
        dbs.push(Db::postgres(
            &url,
            format!("dondoc_bench_memory_{}", std::process::id()),
        ));
    }
    let mut rows = Vec::new();
    for db in dbs {
        rows.push(bench(&db).await);
        db.finish().await;
    }
    println!();
    println!("| backend | first message | RSS in the wave (median / max) | RSS in the burst (median / max) | burst answered | peak (VmHWM) |");
    println!("|---|---:|---:|---:|---:|---:|");
    for row in rows {
        println!("{row}");
    }
}

async fn bench(db: &Db) -> String {
    let store = db.open().await;
    let started = Instant::now();
    let heads = setup(&store).await;
    println!(
        "{}: data set in {:.1} s ({} heads)",
        db.name,
        started.elapsed().as_secs_f64(),
        heads.len()
    );
    let wave: Vec<NewMessage> = heads
        .iter()
        .enumerate()
        .map(|(i, head)| NewMessage {
            key: format!("bench:wave:{i}"),
            kind: MessageKind::Reminder,
            chat_id: *head,
            person_id: None,
            body: format!("Nhắc việc: đề nghị đơn vị báo cáo tiến độ thực hiện kế hoạch ({i})."),
            reply_markup: None,
            subject: MessageSubject::default(),
        })
        .collect();
    store.enqueue(&wave).await.expect("the wave queued");
    store.close().await;

    let fake = FakeTelegram::start().await;
    fake.enforce_limits(true);
    fake.set_round_trip(Duration::from_millis(env_or("SERVE_MEMORY_RTT_MS", 50)));
    for head in &heads {
        fake.add_user(*head, "Cán bộ", None);
    }
    let spawned = Instant::now();
    let mut child = serve(db, &fake);
    let pid = child.id();
    let deadline = spawned + Duration::from_secs(120);
    while fake.accepted("sendMessage") == 0 {
        assert!(
            Instant::now() < deadline,
            "{}: no message in 120 s",
            db.name
        );
        assert!(
            child.try_wait().ok().flatten().is_none(),
            "{}: serve exited",
            db.name
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let first = spawned.elapsed();
    println!(
        "{}: first message {:.2} s after the start",
        db.name,
        first.as_secs_f64()
    );

    let wave_secs = env_or("SERVE_MEMORY_WAVE_SECS", 30u64);
    let mut wave_rss = Vec::new();
    let wave_until = Instant::now() + Duration::from_secs(wave_secs);
    while Instant::now() < wave_until {
        wave_rss.extend(rss_kib(pid, "VmRSS"));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sent_in_wave = fake.accepted("sendMessage");

    // 1,000 heads write at once.
    let before = fake.calls().len();
    for head in heads.iter().take(BURST) {
        fake.text_from(
            *head,
            *head,
            "Đơn vị đã hoàn thành nhiệm vụ, báo cáo kèm theo.",
        );
    }
    let burst_started = Instant::now();
    let mut burst_rss = Vec::new();
    let answered = loop {
        burst_rss.extend(rss_kib(pid, "VmRSS"));
        let mut chats: HashMap<i64, ()> = HashMap::new();
        for call in fake.calls_since(before) {
            if call.method == "sendmessage" && call.is_ok() {
                if let Some(chat) = call.params["chat_id"].as_i64() {
                    chats.insert(chat, ());
                }
            }
        }
        let answered = heads
            .iter()
            .take(BURST)
            .filter(|h| chats.contains_key(h))
            .count();
        // A head with a reminder of the wave still to come counts once answered by the bot.
        if answered >= BURST || burst_started.elapsed() > Duration::from_secs(180) {
            break answered;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let burst_took = burst_started.elapsed();
    let peak = rss_kib(pid, "VmHWM").unwrap_or(0);
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "{}: {sent_in_wave} wave messages in {wave_secs} s; {answered} of {BURST} chats \
         answered in {:.1} s; 429s {}",
        db.name,
        burst_took.as_secs_f64(),
        fake.limit_hits()
    );
    fake.shutdown().await;
    format!(
        "| {} | {:.2} s | {} / {} | {} / {} | {answered} of {BURST} in {:.0} s | {} |",
        db.name,
        first.as_secs_f64(),
        mib(median(&mut wave_rss)),
        mib(wave_rss.iter().copied().max().unwrap_or(0)),
        mib(median(&mut burst_rss)),
        mib(burst_rss.iter().copied().max().unwrap_or(0)),
        burst_took.as_secs_f64(),
        mib(peak)
    )
}

fn serve(db: &Db, fake: &FakeTelegram) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dondoc"));
    command
        .arg("serve")
        .env("DONDOC_DATABASE__URL", db.config.url.expose_secret())
        .env("DONDOC_TELEGRAM__BOT_TOKEN", TOKEN)
        .env("DONDOC_TELEGRAM__API_URL", fake.api_url())
        .env("DONDOC_OUTBOX__WORKING_HOURS_ONLY", "false")
        .env("DONDOC_LOG__FILTER", "warn")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(schema) = &db.config.postgres_schema {
        command.env("DONDOC_DATABASE__POSTGRES_SCHEMA", schema);
    }
    command.spawn().expect("dondoc serve starts")
}

/// A field of `/proc/<pid>/status` in KiB.
fn rss_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn median(values: &mut [u64]) -> u64 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 * 1024.0 / 1e6)
}

// ----- the data set (as benches/scheduler.rs builds it at scale ×1) --------------------------

/// Units, plan and people; the heads' Telegram ids, in registry order.
async fn setup(store: &Store) -> Vec<i64> {
    let actor = Actor::new("bench");
    let registry = registry();
    store
        .upsert_units(&registry, &actor)
        .await
        .expect("save the registry");
    let stored: HashMap<UnitCode, Unit> = store
        .list_units()
        .await
        .expect("list the registry")
        .into_iter()
        .map(|u| (u.code.clone(), u))
        .collect();
    let units: Vec<Unit> = registry
        .iter()
        .map(|u| stored.get(&u.code).expect("every unit stored").clone())
        .collect();
    let plan = NewPlan {
        code: PlanCode::parse("BA-PAPI-2026").expect("plan code"),
        title: "Kế hoạch cải thiện chỉ số PAPI năm 2026 (bản sinh cho benchmark)".into(),
        year: PlanYear::new(YEAR).expect("year"),
        scope: units[0].code.clone(),
        source: "benches/serve_memory.rs".into(),
        tasks: tasks(&units),
    };
    let assignments: usize = plan.tasks.iter().map(|t| t.implementing_units.len()).sum();
    store
        .save_plan(
            &plan,
            &periods_for_year(&default_templates(), YEAR),
            SaveMode::CreateOnly,
            &actor,
        )
        .await
        .expect("save the plan");
    println!("  {} units, {assignments} assignments", units.len());
    let mut heads = Vec::new();
    let mut n = 0i64;
    for unit in &units {
        let mut roles = vec![PersonRole::Head];
        if unit.kind == UnitKind::CoordinatingOffice {
            roles.extend([PersonRole::Coordinator, PersonRole::Coordinator]);
        }
        for role in roles {
            let telegram = FIRST_TELEGRAM_ID + n;
            n += 1;
            store
                .add_person(
                    &NewPerson {
                        unit: unit.code.clone(),
                        full_name: format!("Nguyễn Văn An {n}"),
                        role,
                        telegram_user_id: Some(telegram),
                        phone: None,
                    },
                    &actor,
                )
                .await
                .expect("add a person");
            if role == PersonRole::Head {
                heads.push(telegram);
            }
        }
    }
    heads
}

fn new_unit(code: String, name: String, kind: UnitKind, parent: &UnitCode) -> NewUnit {
    NewUnit {
        code: UnitCode::parse(&code).expect("generated unit code"),
        aliases: Vec::new(),
        name,
        kind,
        parent: Some(parent.clone()),
    }
}

fn registry() -> Vec<NewUnit> {
    let province = UnitCode::parse("BA").expect("province code");
    let mut units = vec![NewUnit {
        code: province.clone(),
        name: "Tỉnh Bình An".into(),
        kind: UnitKind::Province,
        parent: None,
        aliases: vec!["UBND tỉnh Bình An".into()],
    }];
    for i in 1..=DEPARTMENTS {
        let kind = if i == 1 {
            UnitKind::CoordinatingOffice
        } else {
            UnitKind::Department
        };
        units.push(new_unit(
            format!("BA-S{i:02}"),
            format!("Sở số {i}"),
            kind,
            &province,
        ));
    }
    let mut districts = Vec::new();
    for i in 1..=DISTRICTS {
        units.push(new_unit(
            format!("BA-H{i:03}"),
            format!("UBND huyện Tân Phú {i}"),
            UnitKind::District,
            &province,
        ));
        districts.push(units.last().expect("just pushed").code.clone());
    }
    for i in 1..=UNITS - units.len() {
        units.push(new_unit(
            format!("BA-X{i:05}"),
            format!("UBND xã Yên Lâm {i}"),
            UnitKind::Commune,
            &districts[i % DISTRICTS],
        ));
    }
    units
}

fn unit_ref(unit: &Unit) -> UnitRef {
    UnitRef {
        id: unit.id,
        code: unit.code.clone(),
        name: unit.name.clone(),
    }
}

fn tasks(units: &[Unit]) -> Vec<NewTask> {
    let departments = &units[1..=DEPARTMENTS];
    let others = &units[1..=DEPARTMENTS + DISTRICTS];
    let communes = &units[1 + DEPARTMENTS + DISTRICTS..];
    let below_province: Vec<UnitRef> = units[1..].iter().map(unit_ref).collect();
    let mut tasks = Vec::new();
    let mut n = 0usize;
    let mut task = |timeframe: String, implementing: Vec<UnitRef>| {
        n += 1;
        NewTask {
            source_row: n + 2,
            code: Some(format!("1.{n}")),
            dimension: None,
            criterion: None,
            text: format!("Tổ chức tuyên truyền, phổ biến Luật Thực hiện dân chủ ở cơ sở ({n})"),
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
        let mut implementing: Vec<UnitRef> = (0..TARGETED_COMMUNES)
            .map(|k| unit_ref(&communes[(from + k) % communes.len()]))
            .collect();
        implementing
            .extend((0..TARGETED_OTHERS).map(|k| unit_ref(&others[(i * 7 + k) % others.len()])));
        tasks.push(task(timeframe, implementing));
    }
    tasks
}
