//! The hotline end to end, as `dondoc serve` runs it against the fake Bot API server: an
//! operator logs a case by chat, the commune gets it without the citizen's phone (no consent),
//! accepts and answers it by replying, the operator hears of the answer and closes the case.
//! On SQLite and Postgres.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use dondoc::domain::case::{CaseNumber, CaseState, HopState};
use dondoc::domain::PersonRole;
use dondoc::service::RunningService;
use secrecy::SecretString;
use serde_json::Value;
use support::fake_telegram::FakeTelegram;
use support::test_dbs;

const OPERATOR: i64 = 3001;
const CHAIRMAN: i64 = 1011;
const WAIT: Duration = Duration::from_secs(20);

fn text(p: &Value) -> String {
    p["text"].as_str().unwrap_or_default().to_string()
}

/// The id of the latest message the bot sent to `chat` containing `needle`.
fn message_id(fake: &FakeTelegram, chat: i64, needle: &str) -> i32 {
    fake.sent_to(chat)
        .into_iter()
        .rev()
        .find(|m| text(m).contains(needle))
        .and_then(|m| m["message_id"].as_i64())
        .unwrap_or_else(|| panic!("no message to {chat} with {needle:?}")) as i32
}

async fn said(fake: &FakeTelegram, chat: i64, needle: &str) -> String {
    let params = fake
        .wait_for_ok(
            "sendMessage",
            |p| p["chat_id"] == chat && text(p).contains(needle),
            WAIT,
        )
        .await;
    text(&params)
}

#[tokio::test]
async fn an_operator_logs_a_case_the_commune_answers_and_the_operator_closes_it() {
    for db in test_dbs().await {
        let fake = FakeTelegram::start().await;
        let clock = support::clock();
        let received = Ho_Chi_Minh
            .from_local_datetime(
                &NaiveDate::from_ymd_opt(2026, 4, 28)
                    .and_then(|d| d.and_hms_opt(9, 0, 0))
                    .expect("valid"),
            )
            .single()
            .expect("one instant")
            .with_timezone(&Utc);
        clock.set(received);
        let store = db.store(clock.clone()).await;
        support::seed004(&store, "HG-2026", 2026).await;
        support::linked_member(
            &store,
            "HG-PNV",
            PersonRole::HotlineOperator,
            "Tổng đài viên",
            OPERATOR,
        )
        .await;
        support::linked_member(
            &store,
            "HG-MINHKHAI",
            PersonRole::Head,
            "Chủ tịch",
            CHAIRMAN,
        )
        .await;
        fake.add_user(OPERATOR, "Tổng đài", None);
        fake.add_user(CHAIRMAN, "Chủ tịch", None);
        let mut config = db.config.clone();
        config.telegram.bot_token = Some(SecretString::from("123456:TEST-TOKEN"));
        config.telegram.api_url = fake.api_url();
        config.telegram.poll_timeout_secs = 1;
        config.outbox.poll_interval_ms = 50;
        let service = RunningService::start(&config, store.clone(), Arc::new(clock.clone()))
            .await
            .expect("service starts");

        // The intake, one answer a message.
        fake.text_from(OPERATOR, OPERATOR, "/phananh");
        said(&fake, OPERATOR, "Tiếp nhận qua kênh nào").await;
        let question = message_id(&fake, OPERATOR, "Tiếp nhận qua kênh nào");
        fake.callback(OPERATOR, OPERATOR, question, "k:ch:phone");
        said(&fake, OPERATOR, "Nội dung phản ánh").await;
        fake.text_from(OPERATOR, OPERATOR, "Đèn đường tổ 5 hỏng hai tuần nay");
        said(&fake, OPERATOR, "Ở xã/phường nào").await;
        fake.text_from(OPERATOR, OPERATOR, "minh khai");
        said(&fake, OPERATOR, "Lĩnh vực?").await;
        let question = message_id(&fake, OPERATOR, "Lĩnh vực?");
        fake.callback(OPERATOR, OPERATOR, question, "k:ca:5");
        said(&fake, OPERATOR, "Họ tên người phản ánh").await;
        fake.text_from(OPERATOR, OPERATOR, "Nguyễn Văn An");
        said(&fake, OPERATOR, "Số điện thoại").await;
        fake.text_from(OPERATOR, OPERATOR, "0912 345 678");
        said(&fake, OPERATOR, "có đồng ý").await;
        let question = message_id(&fake, OPERATOR, "có đồng ý");
        fake.callback(OPERATOR, OPERATOR, question, "k:co:0");
        said(&fake, OPERATOR, "rồi bấm Xong").await;
        let photo = support::fake_telegram::IncomingDocument {
            file_id: "file-den-duong",
            file_name: "den_duong_to5.pdf",
            mime_type: "application/pdf",
            size: 52_000,
        };
        fake.document_from(OPERATOR, OPERATOR, photo, None);
        said(&fake, OPERATOR, "Đã nhận 1 tệp").await;
        let question = message_id(&fake, OPERATOR, "rồi bấm Xong");
        fake.callback(OPERATOR, OPERATOR, question, "k:done");
        said(&fake, OPERATOR, "Đề xuất chuyển xử lý: Phường Minh Khai").await;
        let question = message_id(&fake, OPERATOR, "Đề xuất chuyển xử lý");
        fake.callback(OPERATOR, OPERATOR, question, "k:ok");
        let receipt = said(&fake, OPERATOR, "Đã tiếp nhận phản ánh số PA-2026-000001").await;
        assert!(
            receipt.contains("trả lời trước hết ngày 08/05/2026"),
            "{receipt}"
        );

        // The commune gets it through the outbox, without the citizen's name or phone.
        let card = said(&fake, CHAIRMAN, "Phản ánh chuyển Phường Minh Khai").await;
        assert!(card.contains("Đèn đường tổ 5"), "{card}");
        assert!(
            !card.contains("0912") && !card.contains("Nguyễn Văn An"),
            "{card}"
        );
        assert!(card.contains("N. V. A. · 09******78"), "{card}");
        assert!(card.contains("📎 1 tệp đính kèm"), "{card}");
        // The citizen's file follows the case, by its Telegram file id.
        fake.wait_for_ok(
            "sendDocument",
            |p| p["chat_id"] == CHAIRMAN && p["document"] == "file-den-duong",
            WAIT,
        )
        .await;
        let number = CaseNumber::parse("PA-2026-000001").expect("number");
        let case = store.case(number).await.expect("read").expect("exists");
        let hop = case.hops[0].id;
        let card_id = message_id(&fake, CHAIRMAN, "Phản ánh chuyển");
        fake.callback(CHAIRMAN, CHAIRMAN, card_id, &format!("h:a:{hop}"));
        said(&fake, CHAIRMAN, "Đã tiếp nhận PA-2026-000001").await;
        fake.reply_to(CHAIRMAN, CHAIRMAN, card_id, "Đã thay bóng đèn sáng nay");
        said(&fake, CHAIRMAN, "Đã ghi nhận trả lời PA-2026-000001").await;

        // The operator hears of the answer (with the citizen's details) and closes the case.
        let news = said(&fake, OPERATOR, "Đã thay bóng đèn sáng nay").await;
        assert!(news.contains("Nguyễn Văn An"), "{news}");
        let news_id = message_id(&fake, OPERATOR, "Đã thay bóng đèn sáng nay");
        fake.callback(OPERATOR, OPERATOR, news_id, &format!("v:cl:{}", case.id));
        said(&fake, OPERATOR, "Đã đóng PA-2026-000001").await;
        let case = store.case(number).await.expect("read").expect("exists");
        assert_eq!(case.state, CaseState::Closed, "{}", db.name);
        assert!(!case.late);

        // /vuviec: the commune sees no open case; the operator sees the closed one by number.
        fake.text_from(CHAIRMAN, CHAIRMAN, "/vuviec");
        said(&fake, CHAIRMAN, "Không có phản ánh nào đang mở").await;
        fake.text_from(OPERATOR, OPERATOR, "/vuviec PA-2026-000001");
        said(&fake, OPERATOR, "📨 Phản ánh PA-2026-000001 — đã đóng").await;

        // A second case, logged by spreadsheet for the same commune: it is not theirs. The
        // chairman says why; the operator hears of it and routes it to the urban works office.
        let calendar = store.working_calendar().await.expect("calendar");
        let clocks = dondoc::domain::case::CaseClocks::default();
        let time = dondoc::store::CaseTime {
            clocks: &clocks,
            calendar: &calendar,
            time_zone: Ho_Chi_Minh,
            hours: Default::default(),
        };
        let minhkhai = case.place.id;
        let operator_id = store
            .people_in_unit(&dondoc::domain::UnitCode::parse("HG-PNV").expect("code"))
            .await
            .expect("people")[0]
            .id;
        let second = store
            .create_cases(
                &[dondoc::store::NewCase {
                    channel: dondoc::domain::case::Channel::Zalo,
                    content: "Vỉa hè phố Nguyễn Trãi bị lấn chiếm".into(),
                    place_unit_id: minhkhai,
                    category: "Khác".into(),
                    citizen_name: None,
                    citizen_phone: None,
                    contact_consent: false,
                    operator_id: Some(operator_id),
                    received_at: received,
                    source: "test".into(),
                    files: Vec::new(),
                    route_to: vec![minhkhai],
                }],
                &time,
                None,
                &support::actor(),
            )
            .await
            .expect("created")
            .expect("new")[0];
        let second = store.case(second).await.expect("read").expect("exists");
        fake.callback(
            CHAIRMAN,
            CHAIRMAN,
            card_id,
            &format!("h:r:{}", second.hops[0].id),
        );
        said(&fake, CHAIRMAN, "nêu lý do không thuộc thẩm quyền").await;
        fake.text_from(CHAIRMAN, CHAIRMAN, "Thuộc Phòng Quản lý đô thị");
        said(&fake, CHAIRMAN, "Đã trả lại PA-2026-000002").await;
        let returned = said(&fake, OPERATOR, "PA-2026-000002 — bị trả lại").await;
        assert!(
            returned.contains("không thuộc thẩm quyền: Thuộc Phòng Quản lý đô thị"),
            "{returned}"
        );
        let news_id = message_id(&fake, OPERATOR, "PA-2026-000002 — bị trả lại");
        fake.callback(OPERATOR, OPERATOR, news_id, &format!("v:fw:{}", second.id));
        said(&fake, OPERATOR, "Gõ một phần tên đơn vị").await;
        fake.text_from(OPERATOR, OPERATOR, "quản lý đô thị");
        said(&fake, OPERATOR, "Phòng Quản lý đô thị: chờ tiếp nhận").await;
        let second = store
            .case(second.number)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(second.state, CaseState::Forwarded);

        service.stop().await;
        store.close().await;
        fake.shutdown().await;
        db.finish().await;
    }
}

const TNMT_HEAD: i64 = 1021;
const COORDINATOR: i64 = 2001;

/// 09:00 on a day, province time.
fn nine(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    at_hour(y, m, d, 9)
}

fn at_hour(y: i32, m: u32, d: u32, h: u32) -> chrono::DateTime<Utc> {
    Ho_Chi_Minh
        .from_local_datetime(
            &NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|day| day.and_hms_opt(h, 0, 0))
                .expect("valid"),
        )
        .single()
        .expect("one instant")
        .with_timezone(&Utc)
}

/// A seeded store (seed 004) with the operator, Minh Khai's chairman, the head of the
/// environment office and a coordinator linked, and the service running against `fake`.
async fn hotline_service(
    db: &support::TestDb,
    fake: &FakeTelegram,
    clock: &dondoc::clock::FixedClock,
) -> (dondoc::store::Store, RunningService, dondoc::config::Config) {
    let store = db.store(clock.clone()).await;
    support::seed004(&store, "HG-2026", 2026).await;
    let people = [
        (
            "HG-PNV",
            PersonRole::HotlineOperator,
            "Tổng đài viên",
            OPERATOR,
        ),
        ("HG-MINHKHAI", PersonRole::Head, "Chủ tịch", CHAIRMAN),
        ("HG-PTNMT", PersonRole::Head, "Trưởng phòng", TNMT_HEAD),
        ("HG-PNV", PersonRole::Coordinator, "Nội vụ", COORDINATOR),
    ];
    for (unit, role, name, chat) in people {
        support::linked_member(&store, unit, role, name, chat).await;
        fake.add_user(chat, name, None);
    }
    let mut config = db.config.clone();
    config.telegram.bot_token = Some(SecretString::from("123456:TEST-TOKEN"));
    config.telegram.api_url = fake.api_url();
    config.telegram.poll_timeout_secs = 1;
    config.outbox.poll_interval_ms = 20;
    // Days of reminders go out in seconds of test time.
    config.outbox.chat_interval_ms = 10;
    config.outbox.messages_per_second = 1_000.0;
    let service = RunningService::start(&config, store.clone(), Arc::new(clock.clone()))
        .await
        .expect("service starts");
    (store, service, config)
}

/// The operator logs a case by chat for `place`, with the citizen's consent or without.
async fn log_case_by_chat(fake: &FakeTelegram, content: &str, place: &str, consent: bool) {
    fake.text_from(OPERATOR, OPERATOR, "/phananh");
    said(fake, OPERATOR, "Tiếp nhận qua kênh nào").await;
    let question = message_id(fake, OPERATOR, "Tiếp nhận qua kênh nào");
    fake.callback(OPERATOR, OPERATOR, question, "k:ch:phone");
    said(fake, OPERATOR, "Nội dung phản ánh").await;
    fake.text_from(OPERATOR, OPERATOR, content);
    said(fake, OPERATOR, "Ở xã/phường nào").await;
    fake.text_from(OPERATOR, OPERATOR, place);
    said(fake, OPERATOR, "Lĩnh vực?").await;
    let question = message_id(fake, OPERATOR, "Lĩnh vực?");
    fake.callback(OPERATOR, OPERATOR, question, "k:ca:5");
    said(fake, OPERATOR, "Họ tên người phản ánh").await;
    fake.text_from(OPERATOR, OPERATOR, "Nguyễn Văn An");
    said(fake, OPERATOR, "Số điện thoại").await;
    fake.text_from(OPERATOR, OPERATOR, "0912 345 678");
    said(fake, OPERATOR, "có đồng ý").await;
    let question = message_id(fake, OPERATOR, "có đồng ý");
    let answer = if consent { "k:co:1" } else { "k:co:0" };
    fake.callback(OPERATOR, OPERATOR, question, answer);
    said(fake, OPERATOR, "rồi bấm Xong").await;
    let question = message_id(fake, OPERATOR, "rồi bấm Xong");
    fake.callback(OPERATOR, OPERATOR, question, "k:done");
    said(fake, OPERATOR, "Đề xuất chuyển xử lý").await;
    let question = message_id(fake, OPERATOR, "Đề xuất chuyển xử lý");
    fake.callback(OPERATOR, OPERATOR, question, "k:ok");
    said(fake, OPERATOR, "Đã tiếp nhận phản ánh số").await;
}

/// Waits until the outbox has nothing left to send.
async fn drained(store: &dondoc::store::Store) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let messages = store.outbox_messages().await.expect("outbox");
        if messages
            .iter()
            .all(|m| m.state != "queued" && m.state != "sending")
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the outbox did not drain: {messages:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A case for two units: the operator adds the environment office from `/vuviec`, both
/// answer (one by replying, one through the Trả lời button), the operator gets the combined
/// answers, marks the citizen informed and closes. A second case is moved from the commune to
/// the urban works office: the commune is told it need not answer, and its buttons stop.
#[tokio::test]
async fn a_case_for_two_units_is_answered_by_both_and_a_moved_case_relieves_the_first() {
    for db in test_dbs().await {
        let fake = FakeTelegram::start().await;
        let clock = support::clock();
        clock.set(nine(2026, 11, 2));
        let (store, service, config) = hotline_service(&db, &fake, &clock).await;

        log_case_by_chat(
            &fake,
            "Khói từ xưởng gỗ ở tổ 7 gây ô nhiễm",
            "minh khai",
            true,
        )
        .await;
        let number = CaseNumber::parse("PA-2026-000001").expect("number");
        // With consent, the commune sees who to call back.
        let card = said(&fake, CHAIRMAN, "Phản ánh chuyển Phường Minh Khai").await;
        assert!(card.contains("Nguyễn Văn An · 0912 345 678"), "{card}");

        // The operator adds the environment office from the case's card.
        fake.text_from(OPERATOR, OPERATOR, "/vuviec PA-2026-000001");
        said(
            &fake,
            OPERATOR,
            "📨 Phản ánh PA-2026-000001 — đã chuyển xử lý",
        )
        .await;
        let card_id = message_id(&fake, OPERATOR, "📨 Phản ánh PA-2026-000001");
        let case = store.case(number).await.expect("read").expect("exists");
        fake.callback(OPERATOR, OPERATOR, card_id, &format!("v:fw:{}", case.id));
        said(&fake, OPERATOR, "Gõ một phần tên đơn vị").await;
        fake.text_from(OPERATOR, OPERATOR, "tài nguyên");
        let both = said(
            &fake,
            OPERATOR,
            "Phòng Tài nguyên và Môi trường: chờ tiếp nhận",
        )
        .await;
        assert!(both.contains("– Phường Minh Khai: chờ tiếp nhận"), "{both}");
        said(
            &fake,
            TNMT_HEAD,
            "Phản ánh chuyển Phòng Tài nguyên và Môi trường",
        )
        .await;

        // Each unit answers its own forward.
        let case = store.case(number).await.expect("read").expect("exists");
        assert_eq!(case.hops.len(), 2, "{}", db.name);
        let (commune_hop, office_hop) = (case.hops[0].id, case.hops[1].id);
        let commune_card = message_id(&fake, CHAIRMAN, "Phản ánh chuyển");
        fake.reply_to(
            CHAIRMAN,
            CHAIRMAN,
            commune_card,
            "Phường đã kiểm tra hiện trường",
        );
        said(&fake, CHAIRMAN, "Đã ghi nhận trả lời PA-2026-000001").await;
        let case = store.case(number).await.expect("read").expect("exists");
        assert_eq!(case.state, CaseState::Forwarded, "one unit still owes");
        let office_card = message_id(&fake, TNMT_HEAD, "Phản ánh chuyển");
        fake.callback(
            TNMT_HEAD,
            TNMT_HEAD,
            office_card,
            &format!("h:w:{office_hop}"),
        );
        said(&fake, TNMT_HEAD, "gửi nội dung trả lời").await;
        fake.text_from(TNMT_HEAD, TNMT_HEAD, "Phòng đã yêu cầu xưởng lắp lọc bụi");
        said(&fake, TNMT_HEAD, "Đã ghi nhận trả lời PA-2026-000001").await;

        // The operator gets both answers in one card, tells the citizen, then closes.
        let news = said(&fake, OPERATOR, "Phòng đã yêu cầu xưởng lắp lọc bụi").await;
        assert!(news.contains("Phường đã kiểm tra hiện trường"), "{news}");
        assert!(news.contains("đã có trả lời"), "{news}");
        let news_id = message_id(&fake, OPERATOR, "Phòng đã yêu cầu xưởng lắp lọc bụi");
        fake.callback(OPERATOR, OPERATOR, news_id, &format!("v:in:{}", case.id));
        said(
            &fake,
            OPERATOR,
            "người dân đã được báo kết quả PA-2026-000001",
        )
        .await;
        let case = store.case(number).await.expect("read").expect("exists");
        assert_eq!(case.state, CaseState::Answered, "{}", db.name);
        assert!(case.citizen_informed_at.is_some());
        fake.callback(OPERATOR, OPERATOR, news_id, &format!("v:cl:{}", case.id));
        said(&fake, OPERATOR, "Đã đóng PA-2026-000001").await;
        let case = store.case(number).await.expect("read").expect("exists");
        assert_eq!(case.state, CaseState::Closed);
        assert!(
            case.hops.iter().all(|h| h.answer.is_some()),
            "{commune_hop}"
        );

        // A second case, logged from the hotline's spreadsheet for the commune, then moved.
        let dir = tempfile::tempdir().expect("temp dir");
        let sheet = dir.path().join("tong_dai.csv");
        std::fs::write(
            &sheet,
            "Ngày giờ tiếp nhận,Kênh,Nội dung,Xã/phường,Lĩnh vực\n\
             02/11/2026 10:00,Zalo,Vỉa hè phố Nguyễn Trãi bị lấn chiếm,Minh Khai,Khác\n",
        )
        .expect("sheet written");
        let units = store.list_units().await.expect("units");
        let rules = store.routing_rules().await.expect("rules");
        let context = dondoc::import::CaseContext {
            units: &units,
            rules: &rules,
            categories: &config.hotline.categories,
            time_zone: Ho_Chi_Minh,
            source: "test",
        };
        let cases = dondoc::import::read_cases(&sheet, 1 << 20, &context).expect("valid sheet");
        let calendar = store.working_calendar().await.expect("calendar");
        let time = dondoc::store::CaseTime {
            clocks: &config.hotline.clocks,
            calendar: &calendar,
            time_zone: Ho_Chi_Minh,
            hours: Default::default(),
        };
        let second = store
            .create_cases(&cases, &time, None, &support::actor())
            .await
            .expect("created")
            .expect("new")[0];
        let second = store.case(second).await.expect("read").expect("exists");
        let hops: Vec<dondoc::domain::CaseHopId> = second.hops.iter().map(|h| h.id).collect();
        dondoc::hotline::queue_for_units(
            &store,
            &second,
            &hops,
            dondoc::messages::Lang::Vi,
            Ho_Chi_Minh,
        )
        .await
        .expect("queued");
        said(&fake, CHAIRMAN, "Vỉa hè phố Nguyễn Trãi").await;
        fake.text_from(OPERATOR, OPERATOR, "/vuviec PA-2026-000002");
        said(&fake, OPERATOR, "📨 Phản ánh PA-2026-000002").await;
        let card_id = message_id(&fake, OPERATOR, "📨 Phản ánh PA-2026-000002");
        fake.callback(OPERATOR, OPERATOR, card_id, &format!("v:mv:{}", second.id));
        said(&fake, OPERATOR, "Gõ một phần tên đơn vị").await;
        fake.text_from(OPERATOR, OPERATOR, "quản lý đô thị");
        let moved = said(&fake, OPERATOR, "Phòng Quản lý đô thị: chờ tiếp nhận").await;
        assert!(!moved.contains("Phường Minh Khai:"), "relieved: {moved}");
        said(
            &fake,
            CHAIRMAN,
            "PA-2026-000002 đã chuyển đơn vị khác xử lý",
        )
        .await;
        let old_card = message_id(&fake, CHAIRMAN, "Vỉa hè phố Nguyễn Trãi");
        fake.callback(CHAIRMAN, CHAIRMAN, old_card, &format!("h:a:{}", hops[0]));
        said(&fake, CHAIRMAN, "Thao tác này không còn thực hiện được").await;
        let second = store
            .case(second.number)
            .await
            .expect("read")
            .expect("exists");
        let states: Vec<(&str, HopState)> = second
            .hops
            .iter()
            .map(|h| (h.unit.code.as_str(), h.state))
            .collect();
        assert_eq!(
            states,
            [
                ("HG-MINHKHAI", HopState::Withdrawn),
                ("HG-PQLDT", HopState::Forwarded)
            ],
            "{}",
            db.name
        );

        service.stop().await;
        store.close().await;
        fake.shutdown().await;
        db.finish().await;
    }
}

/// A case logged Tuesday 28/4/2026 and answered late: the scheduler's reminders and
/// escalations reach the commune's chairman through the fake server only on working days
/// (not on 30/4, 1/5 or the weekends), the late answer is flagged to the operator for an
/// apology, and the coordinator's digest lists the case among the late ones.
#[tokio::test]
async fn a_late_answer_is_chased_on_working_days_and_flagged_for_an_apology() {
    use dondoc::outbox::Doorbell;
    use dondoc::scheduler::{Rules, Scheduler};
    use std::collections::BTreeMap;
    for db in test_dbs().await {
        let fake = FakeTelegram::start().await;
        let clock = support::clock();
        clock.set(nine(2026, 4, 28));
        let (store, service, config) = hotline_service(&db, &fake, &clock).await;
        log_case_by_chat(
            &fake,
            "Đèn đường tổ 5 hỏng hai tuần nay",
            "minh khai",
            false,
        )
        .await;
        said(&fake, CHAIRMAN, "Phản ánh chuyển Phường Minh Khai").await;
        let card = message_id(&fake, CHAIRMAN, "Phản ánh chuyển");
        let number = CaseNumber::parse("PA-2026-000001").expect("number");
        let hop = store
            .case(number)
            .await
            .expect("read")
            .expect("exists")
            .hops[0]
            .id;

        // Each morning at 08:00 a scheduler pass, as `dondoc tick` or the running service's
        // cron would run it; the service's sender delivers what it queues.
        let scheduler = Scheduler::new(
            store.clone(),
            Rules::from_config(&config),
            Doorbell::default(),
        );
        let about_the_case = |fake: &FakeTelegram| {
            fake.sent_to(CHAIRMAN)
                .iter()
                .filter(|m| text(m).contains("PA-2026-000001"))
                .count()
        };
        let mut chased_on: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        let mut day = NaiveDate::from_ymd_opt(2026, 4, 29).expect("date");
        while day <= NaiveDate::from_ymd_opt(2026, 5, 13).expect("date") {
            let morning = at_hour(2026, day.month(), day.day(), 8);
            clock.set(morning);
            let before = about_the_case(&fake);
            scheduler.pass(morning, false).await.expect("pass");
            drained(&store).await;
            let after = about_the_case(&fake);
            if after > before {
                chased_on.insert(day, after - before);
            }
            clock.set(morning + chrono::Duration::hours(2));
            if day == NaiveDate::from_ymd_opt(2026, 5, 4).expect("date") {
                fake.callback(CHAIRMAN, CHAIRMAN, card, &format!("h:a:{hop}"));
                said(&fake, CHAIRMAN, "Đã tiếp nhận PA-2026-000001").await;
            }
            day += chrono::Duration::days(1);
        }
        let d = |m, dd| NaiveDate::from_ymd_opt(2026, m, dd).expect("date");
        // 29/4 the acknowledgement is due (09:00); after 30/4, 1/5 and the weekend it is late
        // on Monday 4/5; the answer (due Friday 8/5) is reminded on 6/5 and 8/5; the nudge on
        // Monday 11/5 and the head's step on 12/5.
        assert_eq!(
            chased_on.keys().copied().collect::<Vec<_>>(),
            vec![d(4, 29), d(5, 4), d(5, 6), d(5, 8), d(5, 11), d(5, 12)],
            "{}: {chased_on:?}",
            db.name
        );
        let nudge = fake.sent_to(CHAIRMAN).iter().map(text).find(|t| {
            t.contains("PA-2026-000001")
                && t.starts_with("⚠️ Quá hạn — Phường Minh Khai")
                && t.contains("trả lời tin nhắn phản ánh")
        });
        assert!(nudge.is_some(), "{:?}", fake.sent_to(CHAIRMAN));

        // The coordinator's digest of 12/5 lists it among late cases, with the unit's figures.
        let digest: String = fake
            .sent_to(COORDINATOR)
            .iter()
            .map(text)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            digest.contains("– PA-2026-000001 · Phường Minh Khai: hạn 08/05/2026, quá 4 ngày"),
            "{digest}"
        );
        assert!(digest.contains("Theo đơn vị"), "{digest}");

        // Answered on Wednesday 13/5: late; the operator is told to send an apology.
        fake.reply_to(CHAIRMAN, CHAIRMAN, card, "Đã thay bóng đèn");
        said(
            &fake,
            CHAIRMAN,
            "Đã ghi nhận trả lời PA-2026-000001 (quá hạn)",
        )
        .await;
        let news = said(&fake, OPERATOR, "Đã thay bóng đèn").await;
        assert!(
            news.contains("⚠️ Trả lời muộn: gửi văn bản xin lỗi người dân"),
            "{news}"
        );
        let case = store.case(number).await.expect("read").expect("exists");
        assert!(case.late, "{}", db.name);
        assert_eq!(case.state, CaseState::Answered);

        // Nothing more about the case once answered.
        let before = about_the_case(&fake);
        for d in [d(5, 14), d(5, 15)] {
            let morning = at_hour(2026, d.month(), d.day(), 8);
            clock.set(morning);
            scheduler.pass(morning, false).await.expect("pass");
        }
        drained(&store).await;
        assert_eq!(about_the_case(&fake), before);

        service.stop().await;
        store.close().await;
        fake.shutdown().await;
        db.finish().await;
    }
}

/// A case created at `received` for Minh Khai, with the clocks of `clocks`.
async fn case_received_at(
    store: &dondoc::store::Store,
    received: chrono::DateTime<Utc>,
    clocks: &dondoc::domain::case::CaseClocks,
) -> dondoc::store::CaseView {
    let calendar = store.working_calendar().await.expect("calendar");
    let time = dondoc::store::CaseTime {
        clocks,
        calendar: &calendar,
        time_zone: Ho_Chi_Minh,
        hours: Default::default(),
    };
    let minhkhai = store
        .unit(&dondoc::domain::UnitCode::parse("HG-MINHKHAI").expect("code"))
        .await
        .expect("unit")
        .expect("exists")
        .id;
    let number = store
        .create_cases(
            &[dondoc::store::NewCase {
                channel: dondoc::domain::case::Channel::Zalo,
                content: "Rác thải chưa được thu gom".into(),
                place_unit_id: minhkhai,
                category: "Khác".into(),
                citizen_name: None,
                citizen_phone: None,
                contact_consent: false,
                operator_id: None,
                received_at: received,
                source: "test".into(),
                files: Vec::new(),
                route_to: vec![minhkhai],
            }],
            &time,
            None,
            &support::actor(),
        )
        .await
        .expect("created")
        .expect("new")[0];
    store.case(number).await.expect("read").expect("exists")
}

fn at_minute(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::DateTime<Utc> {
    at_hour(y, m, d, h) + chrono::Duration::minutes(i64::from(min))
}

/// A case received on Saturday 9/5/2026 at 07:01 counts from Monday's opening (07:30): its
/// acknowledgement is due Tuesday 07:30, and the reminder before it goes on Monday afternoon,
/// in working hours, instead of a "late" notice at Monday's opening. With
/// `ack_from = "received"` the clock runs from Saturday 07:01.
#[tokio::test]
async fn the_acknowledgement_clock_of_a_weekend_case_starts_at_the_next_opening() {
    use dondoc::domain::case::{AckFrom, CaseClocks};
    use dondoc::outbox::Doorbell;
    use dondoc::scheduler::{Rules, Scheduler};
    for db in test_dbs().await {
        let clock = support::clock();
        let received = at_minute(2026, 5, 9, 7, 1);
        clock.set(received);
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
        let clocks = CaseClocks::default();
        let case = case_received_at(&store, received, &clocks).await;
        assert_eq!(
            case.ack_due_at,
            at_minute(2026, 5, 12, 7, 30),
            "{}",
            db.name
        );
        assert_eq!(case.hops[0].ack_due_at, at_minute(2026, 5, 12, 7, 30));

        let scheduler = Scheduler::new(
            store.clone(),
            Rules::from_config(&db.config),
            Doorbell::default(),
        );
        let ack_keys = |report: &dondoc::scheduler::PassReport| -> Vec<String> {
            report
                .messages
                .iter()
                .filter(|m| m.key.starts_with("case:ack"))
                .map(|m| m.key.clone())
                .collect()
        };
        // Monday morning: not yet (the deadline is a day away).
        let monday = at_minute(2026, 5, 11, 7, 30);
        clock.set(monday);
        let report = scheduler.pass(monday, false).await.expect("pass");
        assert!(ack_keys(&report).is_empty(), "{:?}", ack_keys(&report));
        // Monday 13:00, four working hours before Monday's close: the reminder, not late.
        let afternoon = at_minute(2026, 5, 11, 13, 0);
        clock.set(afternoon);
        let report = scheduler.pass(afternoon, false).await.expect("pass");
        let hop = case.hops[0].id;
        assert_eq!(
            ack_keys(&report),
            vec![format!("case:ackremind:{hop}:{CHAIRMAN}")],
            "{}",
            db.name
        );
        let reminder = report
            .messages
            .iter()
            .find(|m| m.key.starts_with("case:ackremind"))
            .expect("the reminder");
        assert!(
            reminder.body.contains("07:30 12/05/2026"),
            "{}",
            reminder.body
        );
        // Tuesday's opening: the deadline has come; late.
        let tuesday = at_minute(2026, 5, 12, 7, 30);
        clock.set(tuesday);
        let report = scheduler.pass(tuesday, false).await.expect("pass");
        assert_eq!(
            ack_keys(&report),
            vec![format!("case:acklate:{hop}:{CHAIRMAN}")]
        );

        // From the moment received: due Sunday 07:01.
        let clocks = CaseClocks {
            ack_from: AckFrom::Received,
            ..CaseClocks::default()
        };
        let case = case_received_at(&store, received, &clocks).await;
        assert_eq!(case.ack_due_at, at_minute(2026, 5, 10, 7, 1));
        // In working hours both start at once: Monday 09:00 → Tuesday 09:00.
        let case = case_received_at(&store, nine(2026, 5, 11), &CaseClocks::default()).await;
        assert_eq!(case.ack_due_at, nine(2026, 5, 12));
        store.close().await;
        db.finish().await;
    }
}

/// A case logged with neither the citizen's name nor phone is never asked about consent, and
/// the unit reads "không có thông tin liên hệ". Routed to a commune where nobody is linked (Trần
/// Phú), the operator is warned at once, with the buttons to send it elsewhere; moved to Minh
/// Khai from that warning, it reaches the chairman. While a case sits with such a unit, the
/// coordinator's digest names it.
#[tokio::test]
async fn a_case_for_a_unit_no_one_can_be_told_in_warns_the_operator() {
    for db in test_dbs().await {
        let fake = FakeTelegram::start().await;
        let clock = support::clock();
        clock.set(nine(2026, 4, 28));
        let (store, service, config) = hotline_service(&db, &fake, &clock).await;
        fake.text_from(OPERATOR, OPERATOR, "/phananh");
        said(&fake, OPERATOR, "Tiếp nhận qua kênh nào").await;
        let question = message_id(&fake, OPERATOR, "Tiếp nhận qua kênh nào");
        fake.callback(OPERATOR, OPERATOR, question, "k:ch:phone");
        said(&fake, OPERATOR, "Nội dung phản ánh").await;
        fake.text_from(OPERATOR, OPERATOR, "Cống thoát nước tổ 3 bị tắc");
        said(&fake, OPERATOR, "Ở xã/phường nào").await;
        fake.text_from(OPERATOR, OPERATOR, "trần phú");
        said(&fake, OPERATOR, "Lĩnh vực?").await;
        let question = message_id(&fake, OPERATOR, "Lĩnh vực?");
        fake.callback(OPERATOR, OPERATOR, question, "k:ca:5");
        said(&fake, OPERATOR, "Họ tên người phản ánh").await;
        let question = message_id(&fake, OPERATOR, "Họ tên người phản ánh");
        fake.callback(OPERATOR, OPERATOR, question, "k:sk");
        said(&fake, OPERATOR, "Số điện thoại").await;
        let question = message_id(&fake, OPERATOR, "Số điện thoại");
        fake.callback(OPERATOR, OPERATOR, question, "k:sk");
        // No name, no phone: straight to the files, no consent question.
        said(&fake, OPERATOR, "rồi bấm Xong").await;
        assert!(
            !fake
                .sent_to(OPERATOR)
                .iter()
                .any(|m| text(m).contains("có đồng ý")),
            "{}: consent asked with nothing to share",
            db.name
        );
        let question = message_id(&fake, OPERATOR, "rồi bấm Xong");
        fake.callback(OPERATOR, OPERATOR, question, "k:done");
        said(&fake, OPERATOR, "Đề xuất chuyển xử lý: Phường Trần Phú").await;
        let question = message_id(&fake, OPERATOR, "Đề xuất chuyển xử lý");
        fake.callback(OPERATOR, OPERATOR, question, "k:ok");
        said(&fake, OPERATOR, "Đã tiếp nhận phản ánh số PA-2026-000001").await;
        // At once: nobody in Trần Phú can be told.
        let warning = fake
            .wait_for_ok(
                "sendMessage",
                |p| p["chat_id"] == OPERATOR && text(p).contains("chưa có ai nhận tin"),
                WAIT,
            )
            .await;
        assert!(
            text(&warning).contains("PA-2026-000001: Phường Trần Phú chưa có ai nhận tin"),
            "{}",
            text(&warning)
        );
        let case = store
            .case(CaseNumber::parse("PA-2026-000001").expect("number"))
            .await
            .expect("read")
            .expect("exists");
        assert!(
            warning["reply_markup"]
                .to_string()
                .contains(&format!("v:mv:{}", case.id)),
            "{warning}"
        );

        // The coordinator's digest the next morning names it.
        let scheduler = dondoc::scheduler::Scheduler::new(
            store.clone(),
            dondoc::scheduler::Rules::from_config(&config),
            dondoc::outbox::Doorbell::default(),
        );
        let morning = at_hour(2026, 4, 29, 8);
        clock.set(morning);
        let report = scheduler.pass(morning, true).await.expect("pass");
        let digest = report
            .messages
            .iter()
            .find(|m| m.chat_id == COORDINATOR && m.key.starts_with("digest:"))
            .expect("the coordinator's digest");
        assert!(
            digest.body.contains("– PA-2026-000001 · Phường Trần Phú"),
            "{}",
            digest.body
        );
        clock.set(nine(2026, 4, 28));

        // Moved from the warning's button to Minh Khai: the chairman gets it.
        let warning_id = message_id(&fake, OPERATOR, "chưa có ai nhận tin");
        fake.callback(OPERATOR, OPERATOR, warning_id, &format!("v:mv:{}", case.id));
        said(&fake, OPERATOR, "Gõ một phần tên đơn vị").await;
        fake.text_from(OPERATOR, OPERATOR, "minh khai");
        said(&fake, OPERATOR, "Phường Minh Khai: chờ tiếp nhận").await;
        let card = said(&fake, CHAIRMAN, "Phản ánh chuyển Phường Minh Khai").await;
        assert!(
            card.contains("Người phản ánh: không có thông tin liên hệ"),
            "{card}"
        );
        assert!(!card.contains("không đồng ý"), "{card}");
        // Minh Khai has a member: no second warning.
        drained(&store).await;
        let warnings = fake
            .sent_to(OPERATOR)
            .iter()
            .filter(|m| text(m).contains("chưa có ai nhận tin"))
            .count();
        assert_eq!(warnings, 1);

        service.stop().await;
        store.close().await;
        fake.shutdown().await;
        db.finish().await;
    }
}
