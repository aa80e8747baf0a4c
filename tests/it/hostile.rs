//! Hostile and careless users against the running service (fake Bot API server, SQLite and
//! Postgres): forged and replayed buttons, a message of 4,096 emoji, a 20 MB document and a
//! bigger one, a flood of 1,000 messages from one chat, and invitation codes guessed by brute
//! force.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use dondoc::clock::{Clock, FixedClock};
use dondoc::domain::case::{CaseState, Channel, HopState};
use dondoc::domain::{PersonRole, UnitCode};
use dondoc::service::RunningService;
use dondoc::store::{CaseTime, NewCase, Store};
use secrecy::SecretString;
use serde_json::Value;
use support::fake_telegram::{FakeTelegram, IncomingDocument};
use support::{test_dbs, TestDb};

// Twenty answers to one chat take 20 × 1.1 s at Telegram's per-chat pace (with its margin).
const WAIT: Duration = Duration::from_secs(40);
/// The chairman of Phường Trần Phú.
const TRANPHU: i64 = 6001;
/// The chairman of Phường Minh Khai.
const MINHKHAI: i64 = 6002;
const COORDINATOR: i64 = 6003;
const STRANGER: i64 = 6004;

struct World {
    db: TestDb,
    fake: FakeTelegram,
    store: Store,
    service: RunningService,
    downloads: tempfile::TempDir,
}

impl World {
    async fn new(db: TestDb) -> World {
        let fake = FakeTelegram::start().await;
        // Monday 23/11/2026, 09:00 in Viet Nam: reminders go out (not on the Sunday before).
        let clock: FixedClock = support::clock();
        clock.set(clock.now() + chrono::Duration::days(1));
        let store = db.store(clock.clone()).await;
        support::seed004(&store, "HG-2026", 2026).await;
        let people = [
            ("HG-TRANPHU", PersonRole::Head, "Chủ tịch Trần Phú", TRANPHU),
            (
                "HG-MINHKHAI",
                PersonRole::Head,
                "Chủ tịch Minh Khai",
                MINHKHAI,
            ),
            ("HG-PNV", PersonRole::Coordinator, "Nội vụ", COORDINATOR),
        ];
        for (unit, role, name, chat) in people {
            support::linked_member(&store, unit, role, name, chat).await;
            fake.add_user(chat, name, None);
        }
        fake.add_user(STRANGER, "Lạ", None);
        let downloads = tempfile::tempdir().expect("download dir");
        let mut config = db.config.clone();
        config.telegram.bot_token = Some(SecretString::from("123456:TEST-TOKEN"));
        config.telegram.api_url = fake.api_url();
        config.telegram.poll_timeout_secs = 1;
        config.telegram.download_dir = Some(downloads.path().to_path_buf());
        config.outbox.poll_interval_ms = 20;
        config.outbox.request_timeout_secs = 1;
        config.outbox.lease_secs = 3;
        let service = RunningService::start(&config, store.clone(), Arc::new(clock))
            .await
            .expect("service starts");
        World {
            db,
            fake,
            store,
            service,
            downloads,
        }
    }

    async fn finish(self) {
        self.service.stop().await;
        self.store.close().await;
        self.fake.shutdown().await;
        self.db.finish().await;
    }

    async fn said(&self, chat: i64, needle: &str) -> String {
        let params = self
            .fake
            .wait_for_ok(
                "sendMessage",
                |p| p["chat_id"] == chat && text(p).contains(needle),
                WAIT,
            )
            .await;
        text(&params)
    }

    fn count_to(&self, chat: i64, needle: &str) -> usize {
        self.fake
            .calls_to("sendMessage")
            .iter()
            .filter(|p| p["chat_id"] == chat && text(p).contains(needle))
            .count()
    }

    async fn unit_id(&self, code: &str) -> dondoc::domain::UnitId {
        self.store
            .unit(&UnitCode::parse(code).expect("code"))
            .await
            .expect("unit")
            .expect("exists")
            .id
    }

    /// The first open assignment of `unit`.
    async fn assignment(&self, unit: &str) -> dondoc::domain::AssignmentId {
        let unit = self.unit_id(unit).await;
        self.store
            .open_assignments(&[unit])
            .await
            .expect("cards")
            .first()
            .expect("an open task")
            .assignment_id
    }

    /// `/viec` in `chat`, then the first item's number button; the message id of its card.
    async fn first_card(&self, chat: i64) -> i32 {
        self.fake.text_from(chat, chat, "/viec");
        self.said(chat, "Việc đang mở").await;
        let list = self
            .fake
            .sent_to(chat)
            .into_iter()
            .find(|m| text(m).starts_with("Việc đang mở"))
            .expect("the list");
        let open = list["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            .as_str()
            .expect("a number button")
            .to_string();
        let list_id = list["message_id"].as_i64().expect("the list's id") as i32;
        self.fake.callback(chat, chat, list_id, &open);
        self.said(chat, "📌").await;
        self.fake
            .sent_to(chat)
            .iter()
            .find(|m| text(m).starts_with("📌"))
            .and_then(|m| m["message_id"].as_i64())
            .expect("a task card") as i32
    }
}

fn text(p: &Value) -> String {
    p["text"].as_str().unwrap_or_default().to_string()
}

async fn each_world<F, Fut>(body: F)
where
    F: Fn(World) -> Fut,
    Fut: std::future::Future<Output = World>,
{
    for db in test_dbs().await {
        let world = World::new(db).await;
        body(world).await.finish().await;
    }
}

#[tokio::test]
async fn forged_and_replayed_buttons_change_nothing() {
    each_world(|w| async move {
        let fake = &w.fake;
        // Trần Phú's chairman forges a status button for Minh Khai's task.
        let theirs = w.assignment("HG-MINHKHAI").await;
        let card = w.first_card(TRANPHU).await;
        fake.callback(TRANPHU, TRANPHU, card, &format!("s:{theirs}:d"));
        w.said(TRANPHU, "không thuộc đơn vị của bạn").await;
        assert!(w.store.status_history(theirs).await.expect("h").is_empty());

        // A citizen's case for Minh Khai; Trần Phú forges its buttons, and the operator's.
        let minhkhai = w.unit_id("HG-MINHKHAI").await;
        let calendar = w.store.working_calendar().await.expect("calendar");
        let clocks = dondoc::domain::case::CaseClocks::default();
        let time = CaseTime {
            clocks: &clocks,
            calendar: &calendar,
            time_zone: chrono_tz::Asia::Ho_Chi_Minh,
            hours: Default::default(),
        };
        let case = NewCase {
            channel: Channel::Phone,
            content: "Cống thoát nước tắc".into(),
            place_unit_id: minhkhai,
            category: "Khác".into(),
            citizen_name: Some("Nguyễn Văn An".into()),
            citizen_phone: Some("0912345678".into()),
            contact_consent: false,
            operator_id: None,
            received_at: w.store.now(),
            source: "test".into(),
            files: Vec::new(),
            route_to: vec![minhkhai],
        };
        let number = w
            .store
            .create_cases(&[case], &time, None, &support::actor())
            .await
            .expect("created")
            .expect("new")[0];
        let case = w.store.case(number).await.expect("read").expect("exists");
        let hop = case.hops[0].id;
        dondoc::hotline::queue_for_units(
            &w.store,
            &case,
            &[hop],
            dondoc::messages::Lang::Vi,
            chrono_tz::Asia::Ho_Chi_Minh,
        )
        .await
        .expect("queued");
        w.said(MINHKHAI, "Cống thoát nước tắc").await;
        let case_card = w
            .fake
            .sent_to(MINHKHAI)
            .iter()
            .find(|m| text(m).contains("Cống thoát nước tắc"))
            .and_then(|m| m["message_id"].as_i64())
            .expect("the case card") as i32;
        for forged in [
            format!("h:a:{hop}"),
            format!("h:r:{hop}"),
            format!("h:w:{hop}"),
        ] {
            fake.callback(TRANPHU, TRANPHU, card, &forged);
        }
        fake.callback(TRANPHU, TRANPHU, card, &format!("v:cl:{}", case.id));
        w.said(TRANPHU, "Chỉ tổng đài viên và Nội vụ").await;
        // Garbage of every shape: answered, ignored.
        let garbage = [
            "",
            "zz",
            "s:abc:d",
            "s:1:",
            "h:a:99999999999999999999999",
            "v:cl:-1",
            "k:to:1",
            ":::::",
            "p:2147483648",
            &"x".repeat(64),
        ];
        let mut queries = Vec::new();
        for data in garbage {
            queries.push(fake.callback(TRANPHU, TRANPHU, card, data));
        }
        for query in &queries {
            fake.wait_for_ok(
                "answerCallbackQuery",
                |p| p["callback_query_id"] == query.as_str(),
                WAIT,
            )
            .await;
        }
        let case = w.store.case(number).await.expect("read").expect("exists");
        assert_eq!(case.hops[0].state, HopState::Forwarded, "{}", w.db.name);
        assert_eq!(case.state, CaseState::Forwarded);

        // Minh Khai accepts and answers; an old Tiếp nhận pressed again changes nothing.
        fake.callback(MINHKHAI, MINHKHAI, case_card, &format!("h:a:{hop}"));
        w.said(MINHKHAI, &format!("Đã tiếp nhận {number}")).await;
        fake.callback(MINHKHAI, MINHKHAI, case_card, &format!("h:w:{hop}"));
        w.said(MINHKHAI, "gửi nội dung trả lời").await;
        fake.text_from(MINHKHAI, MINHKHAI, "Đã thông cống");
        w.said(MINHKHAI, &format!("Đã ghi nhận trả lời {number}"))
            .await;
        for replay in [format!("h:a:{hop}"), format!("h:r:{hop}")] {
            fake.callback(MINHKHAI, MINHKHAI, case_card, &replay);
        }
        let deadline = tokio::time::Instant::now() + WAIT;
        while w.count_to(MINHKHAI, "không còn thực hiện được") < 2 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "replays not refused"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let case = w.store.case(number).await.expect("read").expect("exists");
        assert_eq!(case.state, CaseState::Answered);
        assert_eq!(case.hops[0].answer.as_deref(), Some("Đã thông cống"));
        let accepted = w
            .store
            .audit_entries(1_000)
            .await
            .expect("audit")
            .iter()
            .filter(|e| e.action == "case.accepted")
            .count();
        assert_eq!(accepted, 1, "{}", w.db.name);
        w
    })
    .await;
}

#[tokio::test]
async fn a_message_of_4096_emoji_is_kept_whole() {
    each_world(|w| async move {
        let card = w.first_card(TRANPHU).await;
        let assignment = w
            .fake
            .sent_to(TRANPHU)
            .iter()
            .find(|m| m["message_id"].as_i64() == Some(i64::from(card)))
            .and_then(|m| {
                m["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
                    .as_str()
                    .map(String::from)
            })
            .and_then(|d| {
                d.split(':')
                    .nth(1)
                    .and_then(|id| id.parse::<dondoc::domain::AssignmentId>().ok())
            })
            .expect("the card's assignment");
        // Flags (two code points each), a family (a ZWJ sequence) and plain emoji.
        let unit = "🇻🇳👨‍👩‍👧😀🎉";
        let note: String = unit.chars().cycle().take(4096).collect();
        w.fake.reply_to(TRANPHU, TRANPHU, card, &note);
        w.said(TRANPHU, "Đã ghi nhận").await;
        let history = w.store.status_history(assignment).await.expect("history");
        assert_eq!(history.len(), 1, "{}", w.db.name);
        assert_eq!(
            history[0].note, note,
            "kept whole, code point for code point"
        );
        w
    })
    .await;
}

#[tokio::test]
async fn a_20_mb_document_is_kept_and_a_bigger_one_still_recorded() {
    each_world(|w| async move {
        let card = w.first_card(TRANPHU).await;
        let twenty = IncomingDocument {
            file_id: "file-20mb",
            file_name: "bao_cao_scan.pdf",
            mime_type: "application/pdf",
            size: 20 * 1024 * 1024,
        };
        w.fake
            .document_reply(TRANPHU, TRANPHU, card, twenty, Some("Bản quét"));
        w.said(TRANPHU, "Đã ghi nhận").await;
        let deadline = tokio::time::Instant::now() + WAIT;
        let saved = loop {
            let found = std::fs::read_dir(w.downloads.path())
                .ok()
                .and_then(|mut entries| entries.next())
                .and_then(Result::ok)
                .map(|e| e.path());
            if let Some(path) = found {
                if std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) == 20 * 1024 * 1024 {
                    break path;
                }
            }
            assert!(tokio::time::Instant::now() < deadline, "20 MB never saved");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(saved.display().to_string().ends_with("bao_cao_scan.pdf"));

        // Over Telegram's 20 MB download limit: recorded by its file id, confirmed, not saved.
        let bigger = IncomingDocument {
            file_id: "file-25mb",
            file_name: "video.mp4",
            mime_type: "video/mp4",
            size: 25 * 1024 * 1024,
        };
        w.fake.document_reply(TRANPHU, TRANPHU, card, bigger, None);
        let deadline = tokio::time::Instant::now() + WAIT;
        while w.count_to(TRANPHU, "Đã ghi nhận") < 2 {
            assert!(tokio::time::Instant::now() < deadline, "not confirmed");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        w.fake
            .wait_for("getFile", |p| p["file_id"] == "file-25mb", WAIT)
            .await;
        let files = std::fs::read_dir(w.downloads.path()).expect("dir").count();
        assert_eq!(files, 1, "{}", w.db.name);
        w
    })
    .await;
}

#[tokio::test]
async fn a_flood_from_one_chat_leaves_the_others_answered() {
    each_world(|w| async move {
        for n in 0..1_000 {
            w.fake.text_from(TRANPHU, TRANPHU, &format!("alo alo {n}"));
        }
        // Another chairman, asking in the middle of the flood, is answered.
        w.fake.text_from(MINHKHAI, MINHKHAI, "/trogiup");
        w.said(MINHKHAI, "/viec").await;
        // The flood is all read (a command sent after it is answered) but earns only a few
        // hints and one "slow down", not a thousand replies.
        w.fake.text_from(TRANPHU, TRANPHU, "/viec");
        w.said(TRANPHU, "Việc đang mở").await;
        assert_eq!(
            w.count_to(TRANPHU, "Chưa hiểu tin nhắn"),
            5,
            "{}",
            w.db.name
        );
        assert_eq!(w.count_to(TRANPHU, "Bạn gửi nhiều tin nhắn quá"), 1);
        w
    })
    .await;
}

#[tokio::test]
async fn guessed_invitation_codes_are_refused_and_the_office_sees_them() {
    each_world(|w| async move {
        for n in 0..20 {
            w.fake.text_from(
                STRANGER,
                STRANGER,
                &format!("/start AAAAAAAAAAAAAAAAAAAA{n:02}"),
            );
        }
        let deadline = tokio::time::Instant::now() + WAIT;
        while w.count_to(STRANGER, "quá nhiều lần") < 15 {
            assert!(tokio::time::Instant::now() < deadline, "not refused");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(w.count_to(STRANGER, "không đúng"), 5, "{}", w.db.name);
        assert!(w
            .store
            .members_of_user(STRANGER)
            .await
            .expect("m")
            .is_empty());
        // The coordinator's digest on demand shows the attempts (the morning digest, queued
        // when the service started, showed the first few).
        w.fake.text_from(COORDINATOR, COORDINATOR, "/tonghop");
        let digest = w.said(COORDINATOR, "Mã mời sai trong 24 giờ qua: 20").await;
        assert!(
            digest.contains("🔐 Mã mời sai trong 24 giờ qua: 20 lần từ 1 tài khoản Telegram"),
            "{digest}"
        );
        w
    })
    .await;
}

/// Telegram took a reminder but its answer was lost (a time-out), so the outbox sent it again:
/// the chairman answers the first copy, whose id the bot never learned. The reply is recorded
/// all the same, its subject read from the copy's own button.
#[tokio::test]
async fn a_reply_to_a_reminder_sent_twice_is_recorded() {
    use dondoc::domain::MessageKind;
    use dondoc::store::{MessageSubject, NewMessage};
    use support::fake_telegram::Fault;
    each_world(|w| async move {
        let unit = w.unit_id("HG-TRANPHU").await;
        let report = w.store.reports_owed(&[unit]).await.expect("owed")[0].clone();
        // «Nộp báo cáo» (`r:PERIOD:UNIT`), as a reminder carries it.
        let keyboard = dondoc::chat::Keyboard::SubmitReport {
            period: report.period_id,
            unit,
        }
        .in_lang(dondoc::domain::Lang::Vi);
        w.fake.fail_next(
            "sendMessage",
            Fault::Timeout(Duration::from_millis(1_500)),
            1,
        );
        w.store
            .enqueue(&[NewMessage {
                key: "test:twice".into(),
                kind: MessageKind::Reminder,
                chat_id: TRANPHU,
                person_id: None,
                body: "⏰ Nhắc hạn báo cáo (thử)".into(),
                reply_markup: Some(keyboard),
                subject: MessageSubject {
                    period_id: Some(report.period_id),
                    unit_id: Some(unit),
                    ..MessageSubject::default()
                },
            }])
            .await
            .expect("queued");
        let deadline = tokio::time::Instant::now() + WAIT;
        while w.count_to(TRANPHU, "Nhắc hạn báo cáo (thử)") < 2 {
            assert!(tokio::time::Instant::now() < deadline, "not sent twice");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let first = w
            .fake
            .sent_to(TRANPHU)
            .iter()
            .find(|m| text(m).contains("Nhắc hạn báo cáo (thử)"))
            .and_then(|m| m["message_id"].as_i64())
            .expect("the first copy") as i32;
        w.fake
            .reply_to(TRANPHU, TRANPHU, first, "Báo cáo quý đã gửi");
        w.said(TRANPHU, "Đã nhận báo cáo").await;
        let submitted = w
            .store
            .submissions(report.period_id, unit)
            .await
            .expect("submissions");
        assert_eq!(submitted.len(), 1, "{}", w.db.name);
        w
    })
    .await;
}
