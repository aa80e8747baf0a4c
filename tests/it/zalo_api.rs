//! dondoc's Zalo client against the fake Zalo Bot API: one update per poll, nothing
//! redelivered, the 2,000-character limit, and each refusal classified as the sender needs.

use crate::support::fake_zalo;

use std::time::Duration;

use dondoc::zalo::api::{split_text, ZaloApi, ZaloChatId, ZaloError, ZaloEvent, MAX_TEXT_CHARS};
use fake_zalo::{FakeZalo, Fault, Limits, TOKEN};
use secrecy::SecretString;

fn client(fake: &FakeZalo, token: &str) -> ZaloApi {
    match ZaloApi::new(
        &fake.api_url(),
        SecretString::from(token),
        Duration::from_secs(5),
    ) {
        Ok(api) => api,
        Err(e) => panic!("client: {e}"),
    }
}

#[tokio::test]
async fn get_me_and_a_wrong_token() {
    let fake = FakeZalo::start().await;
    let me = client(&fake, TOKEN).get_me().await;
    assert!(me.is_ok(), "{me:?}");
    let wrong = client(&fake, "1:wrong").get_me().await;
    assert!(
        matches!(wrong, Err(ZaloError::BadToken { .. })),
        "{wrong:?}"
    );
}

#[tokio::test]
async fn one_update_per_poll_and_an_empty_poll_is_no_error() {
    let fake = FakeZalo::start().await;
    let api = client(&fake, TOKEN);
    fake.text_from("u1", "Chủ tịch xã A", "viec");
    fake.photo_from(
        "u1",
        "Chủ tịch xã A",
        "https://zalo.invalid/p.jpg",
        Some("2 xong"),
    );
    let (first, bad) = api
        .get_updates(Duration::from_secs(1))
        .await
        .expect("first poll");
    assert!(bad.is_empty());
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].event, ZaloEvent::Text("viec".into()));
    let (second, _) = api
        .get_updates(Duration::from_secs(1))
        .await
        .expect("second poll");
    assert_eq!(
        second[0].event,
        ZaloEvent::Photo {
            url: "https://zalo.invalid/p.jpg".into(),
            caption: Some("2 xong".into())
        }
    );
    // Nothing left, and nothing handed out again.
    let (none, _) = api
        .get_updates(Duration::from_secs(1))
        .await
        .expect("empty poll");
    assert!(none.is_empty());
    assert_eq!(fake.pending_updates(), 0);
}

#[tokio::test]
async fn an_unknown_event_is_read_not_fatal() {
    let fake = FakeZalo::start().await;
    let api = client(&fake, TOKEN);
    fake.raw_update(serde_json::json!({
        "event_name": "message.sticker.received",
        "message": {"message_id": "s1", "date": 1, "chat": {"id": "u9", "chat_type": "PRIVATE"},
                    "from": {"id": "u9"}, "sticker": "abc"}
    }));
    fake.raw_update(serde_json::json!({"event_name": "bot.added", "surprise": true}));
    let (sticker, _) = api.get_updates(Duration::from_secs(1)).await.expect("poll");
    assert_eq!(sticker[0].event, ZaloEvent::Sticker);
    let (nothing, bad) = api.get_updates(Duration::from_secs(1)).await.expect("poll");
    assert!(nothing.is_empty() && bad.is_empty());
}

#[tokio::test]
async fn sending_keeps_the_limit_and_refusals_are_classified() {
    let fake = FakeZalo::start().await;
    let api = client(&fake, TOKEN);
    fake.add_user("u1");
    let chat = ZaloChatId("u1".into());
    let id = api.send_message(&chat, "Xin chào").await.expect("send");
    assert!(id.is_some());

    let long: String = (0..120)
        .map(|i| format!("{i}. Báo cáo kết quả thực hiện nhiệm vụ cải thiện chỉ số PAPI"))
        .collect::<Vec<_>>()
        .join("\n");
    let too_long = api.send_message(&chat, &long).await;
    assert!(
        matches!(too_long, Err(ZaloError::Refused { code: 400, .. })),
        "{too_long:?}"
    );
    for piece in split_text(&long) {
        assert!(piece.chars().count() <= MAX_TEXT_CHARS);
        api.send_message(&chat, &piece).await.expect("a piece fits");
    }
    assert_eq!(fake.texts_to("u1").len(), 1 + split_text(&long).len());

    fake.fail_next("sendMessage", Fault::Flood { retry_after: 4 }, 1);
    let flood = api.send_message(&chat, "x").await;
    assert!(
        matches!(flood, Err(ZaloError::Flood { retry_after }) if retry_after == Duration::from_secs(4)),
        "{flood:?}"
    );
    fake.fail_next("sendMessage", Fault::ServerError, 1);
    let server = api.send_message(&chat, "x").await;
    assert!(matches!(&server, Err(e) if e.is_retryable()), "{server:?}");

    fake.block_user("u1");
    let blocked = api.send_message(&chat, "x").await;
    assert!(
        matches!(blocked, Err(ZaloError::Unreachable { .. })),
        "{blocked:?}"
    );

    let nowhere = api.send_message(&ZaloChatId("nobody".into()), "x").await;
    assert!(
        matches!(nowhere, Err(ZaloError::Refused { code: 400, .. })),
        "{nowhere:?}"
    );
}

#[tokio::test]
async fn the_fakes_limits_answer_429_which_the_client_reads_as_flood() {
    let fake = FakeZalo::start().await;
    let api = client(&fake, TOKEN);
    fake.add_user("u1");
    fake.enforce_limits(Some(Limits::default()));
    let chat = ZaloChatId("u1".into());
    api.send_message(&chat, "một").await.expect("first");
    let second = api.send_message(&chat, "hai").await;
    assert!(matches!(second, Err(ZaloError::Flood { .. })), "{second:?}");
    assert_eq!(fake.limit_hits(), 1);
}

#[tokio::test]
async fn a_webhook_stops_polling_until_it_is_deleted() {
    let fake = FakeZalo::start().await;
    let api = client(&fake, TOKEN);
    let short = api
        .set_webhook("https://dondoc.example/zalo", &SecretString::from("short"))
        .await;
    assert!(
        matches!(short, Err(ZaloError::Refused { code: 400, .. })),
        "{short:?}"
    );
    api.set_webhook(
        "https://dondoc.example/zalo",
        &SecretString::from("a-long-enough-secret"),
    )
    .await
    .expect("webhook");
    let polled = api.get_updates(Duration::from_secs(1)).await;
    assert!(
        matches!(polled, Err(ZaloError::Refused { code: 409, .. })),
        "{polled:?}"
    );
    api.delete_webhook().await.expect("delete");
    assert!(api.get_updates(Duration::from_secs(1)).await.is_ok());
}
