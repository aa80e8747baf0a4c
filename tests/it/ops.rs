//! Watching and keeping the service: `/metrics` moves with a scripted conversation, `/healthz`
//! turns 503 when the database goes, `dondoc backup` copies a database being written to,
//! `dondoc check-config` names every problem, and logs can be JSON. On SQLite and Postgres.

use crate::support;

use std::path::Path;
use std::process::{ExitCode, Output};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use dondoc::cli::{execute, Command};
use dondoc::clock::Clock;
use dondoc::domain::{MessageKind, PersonRole};
use dondoc::ops::check::{check, Finding};
use dondoc::service::RunningService;
use dondoc::store::{MessageSubject, NewMessage, Store};
use secrecy::SecretString;
use serde_json::Value;
use sqlx::Connection;
use support::fake_telegram::{FakeTelegram, Fault};
use support::{test_dbs, TestDb};

const CHAIRMAN: i64 = 1011;
const WAIT: Duration = Duration::from_secs(20);

fn text(p: &Value) -> String {
    p["text"].as_str().unwrap_or_default().to_string()
}

/// The value of one series (`name{labels}` exactly as written) in a scrape.
fn series(scrape: &str, wanted: &str) -> Option<f64> {
    scrape.lines().find_map(|line| {
        let (name, value) = line.rsplit_once(' ')?;
        (name == wanted).then(|| value.parse().ok())?
    })
}

async fn get(url: String) -> (u16, String) {
    let response = reqwest::get(&url).await.expect("the listener answers");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

/// Tuesday 3/3/2026, 08:00 in Hà Giang: a working morning, seven days before the Q1 report.
fn working_morning() -> chrono::DateTime<Utc> {
    Ho_Chi_Minh
        .from_local_datetime(
            &NaiveDate::from_ymd_opt(2026, 3, 3)
                .and_then(|d| d.and_hms_opt(8, 0, 0))
                .expect("valid"),
        )
        .single()
        .expect("one instant")
        .with_timezone(&Utc)
}

#[tokio::test]
async fn metrics_move_with_a_conversation_and_health_follows_the_database() {
    for db in test_dbs().await {
        let fake = FakeTelegram::start().await;
        let clock = support::clock();
        clock.set(working_morning());
        let store = db.store(clock.clone()).await;
        support::seed004(&store, "HG-2026", 2026).await;
        support::linked_member(
            &store,
            "HG-MINHKHAI",
            PersonRole::Head,
            "Chủ tịch",
            CHAIRMAN,
        )
        .await;
        fake.add_user(CHAIRMAN, "Chủ tịch", None);
        // The sender's first message meets Telegram's flood control once.
        fake.fail_next("sendMessage", Fault::RetryAfter(1), 1);
        let mut config = db.config.clone();
        config.telegram.bot_token = Some(SecretString::from("123456:TEST-TOKEN"));
        config.telegram.api_url = fake.api_url();
        config.telegram.poll_timeout_secs = 1;
        config.outbox.poll_interval_ms = 50;
        config.outbox.request_timeout_secs = 5;
        config.http.listen = Some("127.0.0.1:0".parse().expect("address"));
        let service = RunningService::start(&config, store.clone(), Arc::new(clock.clone()))
            .await
            .expect("service starts");
        let address = service.http_address().expect("the listener is on");

        // The pass at start queues the Q1 reminder; after the 429 it goes out.
        fake.wait_for_ok(
            "sendMessage",
            |p| p["chat_id"] == CHAIRMAN && text(p).contains("Nhắc hạn báo cáo"),
            WAIT,
        )
        .await;
        // The chairman opens the task list, a task's card, and presses "in progress" (recorded
        // at the press).
        fake.text_from(CHAIRMAN, CHAIRMAN, "/viec");
        let list = fake
            .wait_for_ok(
                "sendMessage",
                |p| p["chat_id"] == CHAIRMAN && text(p).starts_with("Việc đang mở"),
                WAIT,
            )
            .await;
        let (list_id, open) = button(&fake, &list, "o:");
        fake.callback(CHAIRMAN, CHAIRMAN, list_id, &open);
        let card = fake
            .wait_for_ok(
                "sendMessage",
                |p| p["chat_id"] == CHAIRMAN && text(p).starts_with("📌"),
                WAIT,
            )
            .await;
        let (card_id, in_progress) = in_progress_button(&fake, &card);
        fake.callback(CHAIRMAN, CHAIRMAN, card_id, &in_progress);
        let confirmation = fake
            .wait_for_ok(
                "sendMessage",
                |p| p["chat_id"] == CHAIRMAN && text(p).contains("Đã ghi nhận"),
                WAIT,
            )
            .await;
        // «Thêm ghi chú», then the note.
        let (confirmation_id, add_note) = button(&fake, &confirmation, "nt:");
        fake.callback(CHAIRMAN, CHAIRMAN, confirmation_id, &add_note);
        fake.wait_for_ok(
            "sendMessage",
            |p| p["chat_id"] == CHAIRMAN && text(p).contains("Gửi ghi chú cho"),
            WAIT,
        )
        .await;
        fake.text_from(CHAIRMAN, CHAIRMAN, "Đã họp triển khai với các tổ dân phố");
        fake.wait_for_ok(
            "sendMessage",
            |p| p["chat_id"] == CHAIRMAN && text(p).contains("Đã thêm ghi chú"),
            WAIT,
        )
        .await;

        let (status, scrape) = get(format!("http://{address}/metrics")).await;
        assert_eq!(status, 200, "{}", db.name);
        let at_least = |name: &str, least: f64| {
            let value = series(&scrape, name).unwrap_or_else(|| panic!("{name} in\n{scrape}"));
            assert!(value >= least, "{}: {name} = {value}\n{scrape}", db.name);
        };
        at_least(
            "dondoc_telegram_updates_handled_total{kind=\"message\"}",
            2.0,
        );
        at_least(
            "dondoc_telegram_updates_handled_total{kind=\"button\"}",
            1.0,
        );
        at_least("dondoc_status_replies_recorded_total", 1.0);
        at_least("dondoc_outbox_queued_total{kind=\"reminder\"}", 1.0);
        at_least(
            "dondoc_outbox_deliveries_total{kind=\"reminder\",outcome=\"sent\"}",
            1.0,
        );
        at_least(
            "dondoc_outbox_deliveries_total{kind=\"reminder\",outcome=\"retried\"}",
            1.0,
        );
        at_least("dondoc_telegram_retry_after_total", 1.0);
        at_least("dondoc_scheduler_pass_duration_seconds_count", 1.0);
        at_least("dondoc_database_up", 1.0);
        at_least(
            "dondoc_outbox_messages{kind=\"reminder\",state=\"sent\"}",
            1.0,
        );
        // Seed 004's dated tasks fell due in 2023: overdue on 3/3/2026.
        at_least("dondoc_overdue_items{plan=\"HG-2026\",item=\"task\"}", 1.0);
        let last_pass = series(&scrape, "dondoc_scheduler_last_pass_timestamp_seconds");
        assert_eq!(last_pass, Some(working_morning().timestamp() as f64));
        assert!(scrape.trim_end().ends_with("# EOF"), "{scrape}");

        let (status, body) = get(format!("http://{address}/healthz")).await;
        assert_eq!(status, 200, "{}: {body}", db.name);
        let health: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(health["database"], "ok");
        assert_eq!(health["last_pass"], working_morning().to_rfc3339());
        // The test clock stands still, so a message still waiting has waited 0 s.
        assert!(health["outbox_lag_secs"].as_f64().is_some(), "{body}");

        // The database goes away: SQLite's pool is closed; Postgres loses dondoc's schema.
        take_database_away(&db, &store).await;
        let (status, body) = get(format!("http://{address}/healthz")).await;
        assert_eq!(status, 503, "{}: {body}", db.name);
        let health: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(health["status"], "unhealthy");
        assert!(
            health["reason"].as_str().is_some_and(|r| !r.is_empty()),
            "{body}"
        );
        let (status, scrape) = get(format!("http://{address}/metrics")).await;
        assert_eq!(status, 200);
        assert_eq!(series(&scrape, "dondoc_database_up"), Some(0.0), "{scrape}");

        service.stop().await;
        store.close().await;
        fake.shutdown().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn the_outbox_lag_and_overdue_reports_are_read_from_the_database() {
    for db in test_dbs().await {
        // Sunday 22/11/2026: every 2026 report of seed 004 is past due, none sent.
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        support::seed004(&store, "HG-2026", 2026).await;
        store.enqueue(&[message(1)]).await.expect("queued");
        clock.set(clock.now() + chrono::Duration::seconds(120));
        // No bot token: nothing is sent, the message keeps waiting.
        let mut config = db.config.clone();
        config.http.listen = Some("127.0.0.1:0".parse().expect("address"));
        let service = RunningService::start(&config, store.clone(), Arc::new(clock.clone()))
            .await
            .expect("service starts");
        let address = service.http_address().expect("the listener is on");

        let (status, body) = get(format!("http://{address}/healthz")).await;
        assert_eq!(status, 200, "{}: {body}", db.name);
        let health: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(health["outbox_lag_secs"], 120.0, "{body}");
        let (_, scrape) = get(format!("http://{address}/metrics")).await;
        assert_eq!(
            series(&scrape, "dondoc_outbox_oldest_queued_age_seconds"),
            Some(120.0),
            "{scrape}"
        );
        assert_eq!(
            series(
                &scrape,
                "dondoc_outbox_messages{kind=\"reply\",state=\"queued\"}"
            ),
            Some(1.0)
        );
        let reports = series(
            &scrape,
            "dondoc_overdue_items{plan=\"HG-2026\",item=\"report\"}",
        )
        .unwrap_or_else(|| panic!("overdue reports in {scrape}"));
        assert!(reports >= 5.0, "{}: {reports}", db.name);
        // Queued before the service started: not this process's doing.
        assert_eq!(
            series(&scrape, "dondoc_outbox_queued_total{kind=\"reply\"}"),
            None
        );

        service.stop().await;
        store.close().await;
        db.finish().await;
    }
}

/// The card's message id and its "in progress" button's data (`s:ID:p`).
/// The message as Telegram holds it, and the data of its first button starting with `prefix`.
fn button(fake: &FakeTelegram, message: &Value, prefix: &str) -> (i32, String) {
    let sent = fake
        .sent_to(CHAIRMAN)
        .into_iter()
        .find(|m| m["text"] == message["text"])
        .expect("the message as Telegram holds it");
    let id = sent["message_id"].as_i64().expect("message id") as i32;
    let data = sent["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .filter_map(|button| button["callback_data"].as_str())
        .find(|data| data.starts_with(prefix))
        .expect("the button")
        .to_string();
    (id, data)
}

fn in_progress_button(fake: &FakeTelegram, card: &Value) -> (i32, String) {
    let sent = fake
        .sent_to(CHAIRMAN)
        .into_iter()
        .find(|m| m["text"] == card["text"])
        .expect("the card as Telegram holds it");
    let id = sent["message_id"].as_i64().expect("message id") as i32;
    let data = sent["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .filter_map(|button| button["callback_data"].as_str())
        .find(|data| data.starts_with("s:") && data.ends_with(":p"))
        .expect("an in-progress button")
        .to_string();
    (id, data)
}

async fn take_database_away(db: &TestDb, store: &Store) {
    match &db.config.database.postgres_schema {
        Some(schema) => {
            let url = std::env::var(support::POSTGRES_ENV).expect("Postgres URL");
            let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
            sqlx::raw_sql(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
                .execute(&mut conn)
                .await
                .expect("schema dropped");
        }
        None => store.close().await,
    }
}

fn message(n: u64) -> NewMessage {
    NewMessage {
        key: format!("backup-test:{n}"),
        kind: MessageKind::Reply,
        chat_id: 42,
        person_id: None,
        body: format!("dòng {n}"),
        reply_markup: None,
        subject: MessageSubject::default(),
    }
}

#[tokio::test]
async fn a_backup_taken_while_the_service_writes_holds_every_committed_row() {
    for db in test_dbs().await {
        let store = db.store(support::clock()).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("dondoc-backup.db");
        if db.name == "postgres" {
            // Postgres is backed up with pg_dump; the command says so and writes nothing.
            let code = execute(Command::Backup { out: out.clone() }, &db.config)
                .await
                .expect("runs");
            assert_eq!(code, ExitCode::FAILURE);
            assert!(!out.exists());
            store.close().await;
            db.finish().await;
            continue;
        }
        // A writer commits one outbox row after another, as a busy service does.
        let committed = Arc::new(AtomicU64::new(0));
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let writer = {
            let (store, committed) = (store.clone(), Arc::clone(&committed));
            tokio::spawn(async move {
                let mut n = 0;
                while !*stopped.borrow() {
                    store.enqueue(&[message(n)]).await.expect("row written");
                    n += 1;
                    committed.store(n, Ordering::SeqCst);
                }
            })
        };
        while committed.load(Ordering::SeqCst) < 50 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Another process (the command line, its own connections) copies the live file.
        let before = committed.load(Ordering::SeqCst);
        let code = execute(Command::Backup { out: out.clone() }, &db.config)
            .await
            .expect("backup runs");
        assert_eq!(code, ExitCode::SUCCESS);
        let after = committed.load(Ordering::SeqCst);
        let _ = stop.send(true);
        writer.await.expect("writer ends");
        assert!(after > before, "the service kept writing during the backup");

        let copy = open_read_only(&out).await;
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&copy)
            .await
            .expect("integrity check");
        assert_eq!(check, "ok");
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT idempotency_key FROM outbox WHERE idempotency_key LIKE 'backup-test:%'",
        )
        .fetch_all(&copy)
        .await
        .expect("rows");
        let held: std::collections::HashSet<String> = rows.into_iter().collect();
        for n in 0..before {
            assert!(
                held.contains(&message(n).key),
                "row {n} of {before} is missing"
            );
        }
        assert!(held.len() as u64 <= after);
        copy.close().await;

        // A second backup to the same file is refused; the first copy stays as it was.
        let size = std::fs::metadata(&out).expect("copy").len();
        let code = execute(Command::Backup { out: out.clone() }, &db.config)
            .await
            .expect("runs");
        assert_eq!(code, ExitCode::FAILURE);
        assert_eq!(std::fs::metadata(&out).expect("copy").len(), size);
        store.close().await;
        db.finish().await;
    }
}

async fn open_read_only(path: &Path) -> sqlx::SqlitePool {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true);
    sqlx::SqlitePool::connect_with(options)
        .await
        .expect("the backup opens")
}

// ----- check-config ------------------------------------------------------------------------

fn write(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, body).expect("written");
    path
}

/// The file's problems: each finding that is an error, rendered in Vietnamese.
async fn problems(path: &Path) -> Vec<String> {
    check(Some(path))
        .await
        .findings
        .iter()
        .filter(|f| f.is_error())
        .map(|f| f.render(dondoc::messages::Lang::Vi))
        .collect()
}

fn dondoc(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dondoc"));
    command.args(args);
    for (key, _) in std::env::vars() {
        if key.starts_with("DONDOC_") || key == "RUST_LOG" {
            command.env_remove(key);
        }
    }
    command.envs(env.iter().copied());
    command.output().expect("dondoc runs")
}

#[tokio::test]
async fn check_config_passes_a_good_file_and_names_each_problem() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("dondoc.db");
    let good = write(
        dir.path(),
        "good.toml",
        &format!(
            "[database]\nurl = \"sqlite://{}\"\n[telegram]\nbot_token = \"123456:ABCDEF-gh\"\n\
             [http]\nlisten = \"127.0.0.1:9464\"\n[log]\nformat = \"json\"\n",
            db.display()
        ),
    );
    let found = check(Some(&good)).await;
    assert_eq!(found.errors(), 0, "{:?}", found.findings);
    let output = dondoc(&["check-config", good.to_str().expect("utf-8")], &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("Cấu hình hợp lệ"), "{stdout}");
    assert!(stdout.contains("127.0.0.1:9464"), "{stdout}");
    assert!(!db.exists(), "checking creates no database");

    // Each bad file, and the key its problem names.
    let cases: &[(&str, &str, &str)] = &[
        ("syntax", "[database\nurl = 1\n", "line 1"),
        (
            "type",
            "[outbox]\nmax_in_flight = \"two\"\n",
            "outbox.max_in_flight",
        ),
        (
            "cron",
            "[schedule]\npass = \"every five minutes\"\n",
            "schedule.pass",
        ),
        (
            "never",
            "[schedule]\npass = \"0 0 0 30 2 *\"\n",
            "schedule.pass",
        ),
        (
            "zone",
            "[province]\ntime_zone = \"Mars/Olympus\"\n",
            "province.time_zone",
        ),
        (
            "hours",
            "[schedule]\nworking_hours = \"17:00-07:30\"\n",
            "schedule.working_hours",
        ),
        (
            "scheme",
            "[database]\nurl = \"mysql://db/dondoc\"\n",
            "database.url",
        ),
        (
            "folder",
            "[database]\nurl = \"sqlite:///no/such/folder/d.db\"\n",
            "/no/such/folder",
        ),
        (
            "unreachable",
            "[database]\nurl = \"postgres://dondoc@127.0.0.1:1/dondoc\"\n",
            "không kết nối được",
        ),
        (
            "webhook",
            "[telegram]\nwebhook_url = \"https://dondoc.example.gov.vn/t\"\n",
            "telegram.bot_token",
        ),
        (
            "token",
            "[telegram]\nbot_token = \"not a token\"\n",
            "telegram.bot_token",
        ),
        ("listen", "[http]\nlisten = \"localhost\"\n", "http.listen"),
        ("format", "[log]\nformat = \"xml\"\n", "log.format"),
        (
            "filter",
            "[log]\nfilter = \"info,dondoc=loud\"\n",
            "log.filter",
        ),
        ("lease", "[outbox]\nlease_secs = 1\n", "outbox.lease_secs"),
        (
            "ack_from",
            "[hotline.clocks]\nack_from = \"monday\"\n",
            "hotline.clocks.ack_from",
        ),
        ("unknown", "[databse]\nurl = \"sqlite://x.db\"\n", "databse"),
    ];
    for (name, body, key) in cases {
        // Every file but the database cases points at a good database.
        let body = if body.contains("[database") {
            body.to_string()
        } else {
            format!("{body}\n[database]\nurl = \"sqlite://{}\"\n", db.display())
        };
        let path = write(dir.path(), &format!("{name}.toml"), &body);
        let found = problems(&path).await;
        assert!(
            found.iter().any(|p| p.contains(key)),
            "{name}: {key:?} not named in {found:?}"
        );
    }

    // Several problems at once are all listed, and the exit code says so.
    let many = write(
        dir.path(),
        "many.toml",
        "[database]\nurl = \"mysql://x\"\nmax_connections = 0\n[outbox]\nmax_in_flight = \"two\"\n",
    );
    assert_eq!(
        problems(&many).await.len(),
        3,
        "{:?}",
        problems(&many).await
    );
    let output = dondoc(&["check-config", many.to_str().expect("utf-8")], &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    for key in [
        "database.url",
        "database.max_connections",
        "outbox.max_in_flight",
        "3 lỗi",
    ] {
        assert!(stderr.contains(key), "{key} in {stderr}");
    }
    // The environment counts, as it does for serve.
    let output = dondoc(
        &["check-config", good.to_str().expect("utf-8")],
        &[("DONDOC_OUTBOX__LEASE_SECS", "abc")],
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("outbox.lease_secs"));
    let missing = dir.path().join("missing.toml");
    assert!(matches!(
        check(Some(&missing)).await.findings.as_slice(),
        [Finding::FileMissing(_)]
    ));
}

#[tokio::test]
async fn logs_can_be_json_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("dondoc.db").display());
    // Ordinary commands log only with -v (serve always does).
    let output = dondoc(
        &["-v", "migrate"],
        &[
            ("DONDOC_DATABASE__URL", url.as_str()),
            ("DONDOC_LOG__FORMAT", "json"),
            ("DONDOC_LOG__FILTER", "info"),
        ],
    );
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr
        .lines()
        .find(|l| l.contains("migrations applied"))
        .unwrap_or_else(|| panic!("no migration line in {stderr}"));
    let event: Value = serde_json::from_str(line).expect("a JSON object per line");
    assert_eq!(event["level"], "INFO");
    assert_eq!(event["message"], "database ready, migrations applied");
    assert!(event["timestamp"].is_string());
}

/// Issue 14.3: check-config tries what `serve` needs — writing the database (a SQLite file in
/// a folder nothing can be created in, a file that is not a database), reaching Postgres —
/// and lists every problem, several in one section included.
#[tokio::test]
async fn check_config_tries_what_serve_needs_and_lists_every_problem() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Five sections' worth of problems, two and three in one section: all nine named.
    let many = write(
        dir.path(),
        "nine.toml",
        "[database]\nurl = \"sqlite://no-such-folder/dondoc.db\"\nmax_connections = 0\n\
         [schedule]\npass = \"0 0 0 30 2 *\"\nworking_hours = \"17:00-07:30\"\ndigest = \"nonsense\"\n\
         [outbox]\nmax_in_flight = \"two\"\nmessages_per_second = 0\nlease_secs = \"abc\"\n\
         [http]\nlisten = \"localhost\"\n",
    );
    let found = problems(&many).await;
    for key in [
        "database.url",
        "database.max_connections",
        "schedule.pass",
        "schedule.working_hours",
        "schedule.digest",
        "outbox.max_in_flight",
        "outbox.messages_per_second",
        "outbox.lease_secs",
        "http.listen",
    ] {
        assert!(found.iter().any(|p| p.contains(key)), "{key} in {found:?}");
    }
    assert_eq!(found.len(), 9, "{found:?}");
    let output = dondoc(&["check-config", many.to_str().expect("utf-8")], &[]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("9 lỗi"));

    // A folder where no file can be created (even root cannot create files in /proc).
    let readonly = write(
        dir.path(),
        "readonly.toml",
        "[database]\nurl = \"sqlite:///proc/dondoc.db\"\n",
    );
    let found = problems(&readonly).await;
    assert!(
        found.iter().any(|p| p.contains("không ghi được vào /proc")),
        "{found:?}"
    );
    let output = dondoc(&["check-config", readonly.to_str().expect("utf-8")], &[]);
    assert!(!output.status.success(), "check-config must not say valid");

    // A file that is not a SQLite database.
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "not a database, just notes\n").expect("written");
    let not_db = write(
        dir.path(),
        "notdb.toml",
        &format!("[database]\nurl = \"sqlite://{}\"\n", text.display()),
    );
    let found = problems(&not_db).await;
    assert!(
        found.iter().any(|p| p.contains("not a database")),
        "{found:?}"
    );

    // A good SQLite file is opened for writing and left as it was; no probe file stays.
    let db = dir.path().join("good.db");
    let url = format!("sqlite://{}", db.display());
    let migrate = dondoc(&["migrate"], &[("DONDOC_DATABASE__URL", url.as_str())]);
    assert!(migrate.status.success());
    let good = write(
        dir.path(),
        "good.toml",
        &format!("[database]\nurl = \"{url}\"\n"),
    );
    assert!(problems(&good).await.is_empty());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".dondoc-check"))
        .collect();
    assert!(leftovers.is_empty());

    // A digest that never fires is said, but it is not an error (no digest is a choice).
    let no_digest = write(
        dir.path(),
        "nodigest.toml",
        &format!("[database]\nurl = \"{url}\"\n[schedule]\ndigest = \"0 0 0 30 2 *\"\n"),
    );
    let checked = check(Some(&no_digest)).await;
    assert_eq!(checked.errors(), 0, "{:?}", checked.findings);
    assert!(checked.findings.contains(&Finding::DigestNeverFires));

    // Postgres: a database that does not exist is named; a reachable one is written to
    // (its schema created and the probe table rolled back: nothing stays).
    if let Ok(pg) = std::env::var(support::POSTGRES_ENV) {
        let (server, _) = pg.rsplit_once('/').expect("a database part");
        let missing = write(
            dir.path(),
            "pgmissing.toml",
            &format!("[database]\nurl = \"{server}/dondoc_no_such_db\"\n"),
        );
        let found = problems(&missing).await;
        assert!(
            found
                .iter()
                .any(|p| p.contains("dondoc_no_such_db không tồn tại")),
            "{found:?}"
        );
        let schema = format!("dondoc_check_{}", std::process::id());
        let good = write(
            dir.path(),
            "pg.toml",
            &format!("[database]\nurl = \"{pg}\"\npostgres_schema = \"{schema}\"\n"),
        );
        assert!(problems(&good).await.is_empty());
        let mut conn = sqlx::PgConnection::connect(&pg).await.expect("postgres");
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = $1",
        )
        .bind(&schema)
        .fetch_one(&mut conn)
        .await
        .expect("count");
        assert_eq!(left, 0, "the check leaves no schema behind");
    }
}
