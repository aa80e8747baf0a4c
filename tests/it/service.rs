//! The whole service as `dondoc serve` runs it — bot, scheduler, outbox sender — against the
//! fake Bot API server: a reminder goes out on its day, the member answers it by replying to
//! it, the coordinator asks for the digest and the overdue list. On SQLite and Postgres.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use dondoc::domain::PersonRole;
use dondoc::service::RunningService;
use secrecy::SecretString;
use serde_json::Value;
use support::fake_telegram::FakeTelegram;
use support::test_dbs;

const CHAIRMAN: i64 = 1011;
const COORDINATOR: i64 = 2001;
const WAIT: Duration = Duration::from_secs(20);

fn text(p: &Value) -> String {
    p["text"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_reminder_goes_out_and_its_reply_is_the_report() {
    for db in test_dbs().await {
        let fake = FakeTelegram::start().await;
        let clock = support::clock();
        // Tuesday 3/3/2026, 08:00 in Hà Giang: seven days before the Q1 report, a working day.
        let morning = Ho_Chi_Minh
            .from_local_datetime(
                &NaiveDate::from_ymd_opt(2026, 3, 3)
                    .and_then(|d| d.and_hms_opt(8, 0, 0))
                    .expect("valid"),
            )
            .single()
            .expect("one instant")
            .with_timezone(&Utc);
        clock.set(morning);
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
        support::linked_member(
            &store,
            "HG-PNV",
            PersonRole::Coordinator,
            "Nội vụ",
            COORDINATOR,
        )
        .await;
        fake.add_user(CHAIRMAN, "Chủ tịch", None);
        fake.add_user(COORDINATOR, "Nội vụ", None);
        let mut config = db.config.clone();
        config.telegram.bot_token = Some(SecretString::from("123456:TEST-TOKEN"));
        config.telegram.api_url = fake.api_url();
        config.telegram.poll_timeout_secs = 1;
        config.outbox.poll_interval_ms = 50;
        config.outbox.request_timeout_secs = 5;

        let service = RunningService::start(&config, store.clone(), Arc::new(clock.clone()))
            .await
            .expect("service starts");

        // The pass at start queues the Q1 reminder; the sender delivers it with its button.
        let reminder = fake
            .wait_for_ok(
                "sendMessage",
                |p| p["chat_id"] == CHAIRMAN && text(p).contains("Nhắc hạn báo cáo: Báo cáo quý I"),
                WAIT,
            )
            .await;
        assert!(
            text(&reminder).contains("10/03/2026 (Thứ Ba) — còn 7 ngày"),
            "{}",
            text(&reminder)
        );
        let sent = fake
            .sent_to(CHAIRMAN)
            .into_iter()
            .find(|m| text(m).contains("Nhắc hạn báo cáo"))
            .expect("the reminder as Telegram holds it");
        assert!(sent["reply_markup"].to_string().contains("Nộp báo cáo"));
        let message_id = sent["message_id"].as_i64().expect("message id") as i32;
        // The coordinator's digest goes out too (the pass ran after 07:30 on a working day).
        fake.wait_for_ok(
            "sendMessage",
            |p| p["chat_id"] == COORDINATOR && text(p).starts_with("📊 Tổng hợp ngày 03/03/2026"),
            WAIT,
        )
        .await;

        // The chairman answers the reminder: that is the unit's Q1 report.
        fake.reply_to(
            CHAIRMAN,
            CHAIRMAN,
            message_id,
            "Báo cáo quý I của phường Minh Khai",
        );
        fake.wait_for_ok(
            "sendMessage",
            |p| p["chat_id"] == CHAIRMAN && text(p).contains("Đã nhận báo cáo"),
            WAIT,
        )
        .await;
        let unit = store
            .unit(&dondoc::domain::UnitCode::parse("HG-MINHKHAI").expect("code"))
            .await
            .expect("unit")
            .expect("exists");
        let owed = store.reports_owed(&[unit.id]).await.expect("reports");
        let q1 = owed
            .iter()
            .find(|r| r.label == "Báo cáo quý I")
            .expect("q1");
        assert!(
            q1.submitted_at.is_some(),
            "the reply to the reminder is the report"
        );

        // On demand: the digest and the overdue list.
        fake.text_from(COORDINATOR, COORDINATOR, "/tonghop");
        fake.wait_for_ok(
            "sendMessage",
            |p| {
                p["chat_id"] == COORDINATOR
                    && text(p).contains("7 ngày tới")
                    && text(p).contains("HG-2026:")
            },
            WAIT,
        )
        .await;
        fake.text_from(COORDINATOR, COORDINATOR, "/quahan");
        fake.wait_for_ok(
            "sendMessage",
            // Seed 004's dated tasks fell due in 2023: long past the office step (‼).
            |p| {
                p["chat_id"] == COORDINATOR
                    && text(p).starts_with("⏰ Quá hạn:")
                    && text(p).contains("‼")
            },
            WAIT,
        )
        .await;

        let summary = store.outbox_summary().await.expect("summary");
        assert_eq!(summary.total(dondoc::domain::DeliveryState::Queued), 0);
        assert!(summary.total(dondoc::domain::DeliveryState::Sent) >= 2);
        service.stop().await;
        store.close().await;
        fake.shutdown().await;
        db.finish().await;
    }
}

/// Tuesday 3/3/2026, 08:00 in Hà Giang: the Q1 reminder and the digest are due.
fn tuesday_morning() -> chrono::DateTime<Utc> {
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

async fn healthz(service: &RunningService) -> Value {
    let address = service.http_address().expect("http.listen is set");
    let body = reqwest::get(format!("http://{address}/healthz"))
        .await
        .expect("the listener answers")
        .text()
        .await
        .expect("a body");
    serde_json::from_str(&body).expect("JSON")
}

/// Issue 14.1: Telegram down at start is not a refused token. `serve` keeps running: the
/// scheduler passes and queues, /healthz says since when Telegram is unreachable.
#[tokio::test]
async fn telegram_unreachable_at_start_keeps_the_service_running() {
    for db in test_dbs().await {
        let clock = support::clock();
        clock.set(tuesday_morning());
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
        let mut config = db.config.clone();
        config.telegram.bot_token = Some(SecretString::from("123456:TEST-TOKEN"));
        // Nothing listens on port 1: connection refused, as when the network is down.
        config.telegram.api_url = "http://127.0.0.1:1/".into();
        config.http.listen = Some("127.0.0.1:0".parse().expect("address"));

        let service = RunningService::start(&config, store.clone(), Arc::new(clock.clone()))
            .await
            .expect("the service starts without Telegram");
        let health = healthz(&service).await;
        assert_eq!(health["status"], "degraded", "{health}");
        let telegram = health["telegram"].as_str().unwrap_or_default().to_string();
        assert!(
            telegram.starts_with("unreachable since 2026-03-03T08:00:00+07:00"),
            "{telegram}"
        );
        // The scheduler still passes: the reminder waits in the outbox.
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let queued = store.outbox_messages().await.expect("outbox");
            if queued.iter().any(|m| m.chat_id == CHAIRMAN) {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the pass queued nothing"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        service.stop().await;
    }
}

/// Issue 14.1: getMe is asked again with back-off; once Telegram answers, the bot and the
/// sender start and what was queued goes out.
#[tokio::test]
async fn get_me_is_retried_until_telegram_answers() {
    for db in test_dbs().await {
        let fake = FakeTelegram::start().await;
        fake.fail_next("getMe", support::fake_telegram::Fault::Dropped, 2);
        let clock = support::clock();
        clock.set(tuesday_morning());
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
        let mut config = db.config.clone();
        config.telegram.bot_token = Some(SecretString::from("123456:TEST-TOKEN"));
        config.telegram.api_url = fake.api_url();
        config.telegram.poll_timeout_secs = 1;
        config.outbox.poll_interval_ms = 50;
        config.outbox.request_timeout_secs = 5;
        config.http.listen = Some("127.0.0.1:0".parse().expect("address"));

        let service = RunningService::start(&config, store.clone(), Arc::new(clock.clone()))
            .await
            .expect("the service starts while getMe fails");
        assert!(healthz(&service).await["telegram"]
            .as_str()
            .unwrap_or_default()
            .starts_with("unreachable since"));
        fake.wait_for_ok(
            "sendMessage",
            |p| p["chat_id"] == CHAIRMAN && text(p).contains("Nhắc hạn báo cáo"),
            WAIT,
        )
        .await;
        assert!(fake.calls_to("getMe").len() >= 3, "asked again");
        let health = healthz(&service).await;
        assert_eq!(health["telegram"], "ok", "{health}");
        assert_eq!(health["status"], "ok", "{health}");
        service.stop().await;
        fake.shutdown().await;
    }
}

/// Issue 14.1: only Telegram's 401 is a wrong token, and then `serve` stops saying so.
#[tokio::test]
async fn only_a_401_is_a_bad_token() {
    for db in test_dbs().await {
        let fake = FakeTelegram::start().await;
        fake.fail_next(
            "getMe",
            support::fake_telegram::Fault::Api(401, "Unauthorized".into()),
            1,
        );
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        let mut config = db.config.clone();
        config.telegram.bot_token = Some(SecretString::from("123456:WRONG"));
        config.telegram.api_url = fake.api_url();
        let error = match RunningService::start(&config, store, Arc::new(clock.clone())).await {
            Ok(service) => {
                service.stop().await;
                panic!("a refused token must stop serve");
            }
            Err(e) => format!("{e:#}"),
        };
        assert!(error.contains("Telegram từ chối mã bot"), "{error}");
        assert!(error.contains("401"), "{error}");
        fake.shutdown().await;
    }
}
