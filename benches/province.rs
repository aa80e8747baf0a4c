//! The load-and-fault harness at full size: a province of 5,000 communes (`PROVINCE_UNITS`),
//! each head answering the reminder at a random moment, while the fake Bot API server enforces
//! Telegram's limits and injects faults; then the same served by `dondoc serve` child
//! processes killed with SIGKILL at random moments. The harness is `tests/support/province.rs`
//! (the short version runs in `cargo test --test province`); what it measures and checks is
//! described there. Figures go to BENCHMARKS.md, fault runs to RELIABILITY.md.
//!
//! ```text
//! cargo bench --bench province                        # SQLite, in process, faults
//! PROVINCE_KILLS=25 cargo bench --bench province      # + one serve process killed 25 times
//! PROVINCE_PROCESSES=2 PROVINCE_KILLS=25 DONDOC_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//!     cargo bench --bench province                    # two processes on Postgres
//! ```
//!
//! Other knobs: `PROVINCE_UNITS` (5000), `PROVINCE_SPREAD_SECS` (how long heads take to
//! answer, 120), `PROVINCE_SEED` (7), `PROVINCE_FAULTS` (`none` or `default`),
//! `PROVINCE_RESTART_DB_SECS` (restart the machine's Postgres server that long into the run).

#[path = "../tests/support/mod.rs"]
#[allow(unused_imports)]
mod support;

use std::time::Duration;

use dondoc::config::Config;
use support::fake_telegram::FaultRates;
use support::province::{self, Plan};

const POSTGRES_ENV: &str = "DONDOC_BENCH_POSTGRES_URL";

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run());
}

async fn run() {
    let units: usize = env_or("PROVINCE_UNITS", 5_000);
    let kills: usize = env_or("PROVINCE_KILLS", 0);
    let processes: usize = env_or("PROVINCE_PROCESSES", usize::from(kills > 0));
    let faults = match std::env::var("PROVINCE_FAULTS").as_deref() {
        Ok("none") => FaultRates::none(),
        _ => FaultRates {
            seed: env_or("PROVINCE_SEED", 7),
            retry_after: 0.005,
            max_retry_after: 3,
            server_error: 0.001,
            slow: 0.005,
            slow_delay: Duration::from_millis(1_500),
            dropped: 0.005,
        },
    };
    let plan = Plan {
        units,
        seed: env_or("PROVINCE_SEED", 7),
        faults,
        blocked_every: 50,
        reply_spread: Duration::from_secs(env_or("PROVINCE_SPREAD_SECS", 120)),
        limits: true,
        processes,
        kill_between: (kills > 0).then_some((Duration::from_secs(2), Duration::from_secs(12))),
        max_kills: kills,
        // PROVINCE_RESTART_DB_SECS=N restarts the machine's Postgres N seconds in.
        database_restart: std::env::var("PROVINCE_RESTART_DB_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .map(|secs| {
                let cluster = std::fs::read_dir("/etc/postgresql")
                    .ok()
                    .and_then(|mut d| d.next())
                    .and_then(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .unwrap_or_else(|| "15".into());
                (
                    Duration::from_secs(secs),
                    [
                        "pg_ctlcluster",
                        "--skip-systemctl-redirect",
                        &cluster,
                        "main",
                        "restart",
                    ]
                    .map(String::from)
                    .to_vec(),
                )
            }),
        binary: Some(env!("CARGO_BIN_EXE_dondoc").into()),
        deadline: Duration::from_secs(env_or("PROVINCE_DEADLINE_SECS", 3_600)),
    };
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut config = Config::default();
    let (backend, schema) = match std::env::var(POSTGRES_ENV) {
        Ok(url) => {
            let schema = format!("dondoc_bench_province_{}", std::process::id());
            config.database.url = secrecy::SecretString::from(url);
            config.database.postgres_schema = Some(schema.clone());
            ("postgres", Some(schema))
        }
        Err(_) => {
            let path = dir.path().join("province.db");
            config.database.url =
                secrecy::SecretString::from(format!("sqlite://{}", path.display()));
            ("sqlite", None)
        }
    };
    println!(
        "province: {units} units, {processes} serve process(es), {kills} kills, machine: {} CPUs",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let outcome = province::run(&config, backend, &plan).await;
    outcome.print();
    if let (Some(schema), Ok(url)) = (schema, std::env::var(POSTGRES_ENV)) {
        use sqlx::Connection;
        if let Ok(mut conn) = sqlx::PgConnection::connect(&url).await {
            let _ = sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                .execute(&mut conn)
                .await;
        }
    }
    if !outcome.is_clean() {
        std::process::exit(1);
    }
}
