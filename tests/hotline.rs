//! The hotline end to end, as `dondoc serve` runs it against the fake Bot API server: an
//! operator logs a case by chat, the commune gets it without the citizen's phone (no consent),
//! accepts and answers it by replying, the operator hears of the answer and closes the case.
//! On SQLite and Postgres.

mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use dondoc::domain::case::{CaseNumber, CaseState};
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
