//! Shared test helpers: a fresh database per test on every backend available.
//!
//! SQLite always runs (a real file in a temp directory). Postgres runs when
//! `DONDOC_TEST_POSTGRES_URL` is set (CI sets it): each test gets its own schema, and an
//! unreachable server fails the test instead of skipping it.
#![allow(dead_code)]

pub mod browser;
pub mod fake_telegram;
pub mod fake_zalo;
pub mod province;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use dondoc::clock::FixedClock;
use dondoc::config::{Config, DatabaseConfig};
use dondoc::domain::calendar::{default_templates, periods_for_year};
use dondoc::domain::plan::NewPlan;
use dondoc::domain::unit::NewPerson;
use dondoc::domain::{Actor, PersonRole, PlanCode, PlanYear, UnitCode};
use dondoc::import::{self, UnitDirectory};
use dondoc::store::{SaveMode, Store};
use secrecy::SecretString;
use sqlx::Connection;

pub const POSTGRES_ENV: &str = "DONDOC_TEST_POSTGRES_URL";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn actor() -> Actor {
    Actor::new("test:coordinator")
}

pub fn clock() -> FixedClock {
    FixedClock::new(
        Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0)
            .single()
            .expect("valid"),
    )
}

/// One test database; keep it alive for the test, then call [`TestDb::finish`].
pub struct TestDb {
    pub name: &'static str,
    pub config: Config,
    _dir: Option<tempfile::TempDir>,
    schema: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::default();
        config.database.url = SecretString::from(format!(
            "sqlite://{}",
            dir.path().join("dondoc.db").display()
        ));
        TestDb {
            name: "sqlite",
            config,
            _dir: Some(dir),
            schema: None,
        }
    }

    pub async fn postgres(url: &str) -> TestDb {
        let schema = format!(
            "dondoc_t{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            Utc::now().timestamp_subsec_nanos()
        );
        let config = Config {
            database: DatabaseConfig {
                url: SecretString::from(url.to_string()),
                postgres_schema: Some(schema.clone()),
                max_connections: 4,
                ..DatabaseConfig::default()
            },
            ..Config::default()
        };
        TestDb {
            name: "postgres",
            config,
            _dir: None,
            schema: Some((url.to_string(), schema)),
        }
    }

    /// Runs the built `dondoc` binary on this database, in an empty directory (no config
    /// file), in Vietnamese.
    pub fn dondoc(&self, args: &[&str]) -> std::process::Output {
        use secrecy::ExposeSecret;
        let dir = tempfile::tempdir().expect("temp dir");
        let database = &self.config.database;
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dondoc"));
        command
            .args(args)
            .current_dir(dir.path())
            .env_remove("DONDOC_CONFIG")
            .env_remove("RUST_LOG")
            .env("DONDOC_DATABASE__URL", database.url.expose_secret())
            .env("DONDOC_PROVINCE__LANGUAGE", "vi");
        if let Some(schema) = &database.postgres_schema {
            command.env("DONDOC_DATABASE__POSTGRES_SCHEMA", schema);
        }
        command.output().expect("the binary runs")
    }

    pub async fn store(&self, clock: FixedClock) -> Store {
        Store::connect(&self.config.database, Arc::new(clock))
            .await
            .unwrap_or_else(|e| panic!("{}: cannot open the test database: {e}", self.name))
    }

    /// Drops the Postgres schema (SQLite's temp dir goes by itself).
    pub async fn finish(self) {
        if let Some((url, schema)) = &self.schema {
            if let Ok(mut conn) = sqlx::PgConnection::connect(url).await {
                let _ = sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                    .execute(&mut conn)
                    .await;
            }
        }
    }
}

/// Every backend this run tests: SQLite, plus Postgres when the variable is set.
pub async fn test_dbs() -> Vec<TestDb> {
    let mut dbs = vec![TestDb::sqlite().await];
    if let Ok(url) = std::env::var(POSTGRES_ENV) {
        dbs.push(TestDb::postgres(&url).await);
    }
    dbs
}

/// Runs `body` against a fresh store on every backend.
pub async fn on_each_backend<F, Fut>(body: F)
where
    F: Fn(Store, FixedClock, &'static str) -> Fut,
    Fut: Future<Output = ()>,
{
    for db in test_dbs().await {
        let clock = clock();
        let store = db.store(clock.clone()).await;
        body(store.clone(), clock, db.name).await;
        store.close().await;
        db.finish().await;
    }
}

/// Seed 004: Hà Giang city's units and its plan, saved as plan `code` for `year` with the
/// default reporting calendar. Returns the plan's id.
pub async fn seed004(store: &Store, code: &str, year: i32) -> i64 {
    save004(store, code, year, SaveMode::CreateOnly).await
}

/// Seed 004's plan imported again over plan `code` (saved by [`seed004`]): the same tasks,
/// kept, as an office re-importing its corrected file would.
pub async fn reimport004(store: &Store, code: &str, year: i32) -> i64 {
    save004(store, code, year, SaveMode::Replace).await
}

async fn save004(store: &Store, code: &str, year: i32, mode: SaveMode) -> i64 {
    let units = import::read_units(&fixture("seed004_units.csv"), &[], 1 << 24).expect("units");
    store
        .upsert_units(&units, &actor())
        .await
        .expect("units saved");
    let scope = UnitCode::parse("HAGIANG").expect("scope");
    let directory =
        UnitDirectory::new(store.list_units().await.expect("units"), &scope).expect("directory");
    let plan_year = PlanYear::new(year).expect("year");
    // The 2023 plan under other years too: its 2023 timeframes are accepted as written.
    let options = import::PlanOptions {
        allow_other_years: true,
        ..import::PlanOptions::new(plan_year)
    };
    let reading =
        import::read_plan_with(&fixture("seed004_plan.tsv"), &directory, options, 1 << 24);
    assert!(reading.problems.is_empty(), "{:?}", reading.problems);
    let plan = NewPlan {
        code: PlanCode::parse(code).expect("code"),
        title: format!("Kế hoạch PAPI {year}"),
        year: plan_year,
        scope,
        source: "seed004".into(),
        tasks: reading.tasks,
    };
    store
        .save_plan(
            &plan,
            &periods_for_year(&default_templates(), year),
            mode,
            &actor(),
        )
        .await
        .expect("plan saved")
        .plan_id
}

/// A member of `unit` already linked to Telegram user `telegram`.
pub async fn linked_member(store: &Store, unit: &str, role: PersonRole, name: &str, telegram: i64) {
    store
        .add_person(
            &NewPerson {
                unit: UnitCode::parse(unit).expect("code"),
                full_name: name.into(),
                role,
                telegram_user_id: Some(telegram),
                phone: None,
            },
            &actor(),
        )
        .await
        .expect("person");
}

/// What a command printed on standard output.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What a command printed on standard error.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs the built `dondoc` binary in `dir` with only these `DONDOC_…` variables (none from
/// the caller's environment), as a person would at a shell there.
pub fn dondoc_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dondoc"));
    command.args(args).current_dir(dir).env_remove("RUST_LOG");
    for (key, _) in std::env::vars() {
        if key.starts_with("DONDOC_") {
            command.env_remove(key);
        }
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the binary runs")
}
