//! The fake Telegram server speaks the Bot API well enough for the real teloxide client:
//! requests, answers, errors, updates, files and a whole polling dispatcher.

use crate::support::fake_telegram;

use std::time::{Duration, Instant};

use fake_telegram::{
    FakeTelegram, Fault, IncomingDocument, Limits, BOT_ID, BOT_USERNAME, LONG_POLL_CAP,
};
use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::{
    AllowedUpdate, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageId, ParseMode,
    ReplyParameters, UpdateKind, UserId,
};
use teloxide::{ApiError, RequestError};

const TOKEN: &str = "123456:TEST-TOKEN";
const PERSON: i64 = 4242;
const GROUP: i64 = -4_005_006;
const WAIT: Duration = Duration::from_secs(5);

fn keyboard(data: &str) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Xong", data)]])
}

/// Fetches the pending updates and confirms them, as a polling bot does.
async fn drain(bot: &Bot) -> Vec<Update> {
    let updates = bot.get_updates().timeout(0).await.expect("getUpdates");
    if let Some(last) = updates.last() {
        bot.get_updates()
            .offset(last.id.as_offset())
            .timeout(0)
            .await
            .expect("getUpdates confirming the offset");
    }
    updates
}

fn only_message(updates: Vec<Update>) -> Message {
    match <[Update; 1]>::try_from(updates) {
        Ok(
            [Update {
                kind: UpdateKind::Message(message),
                ..
            }],
        ) => message,
        other => panic!("expected one message update, got {other:?}"),
    }
}

#[tokio::test]
async fn get_me_describes_the_bot() {
    let fake = FakeTelegram::start().await;
    let me = fake.bot(TOKEN).get_me().await.expect("getMe");
    assert_eq!(me.id, UserId(BOT_ID as u64));
    assert!(me.is_bot);
    assert_eq!(me.username(), BOT_USERNAME);
    assert_eq!(fake.calls_to("getme").len(), 1);
}

#[tokio::test]
async fn a_sent_message_is_answered_and_recorded() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    fake.text_from(PERSON, PERSON, "/start");

    let sent = bot
        .send_message(ChatId(PERSON), "Xin chào")
        .reply_markup(keyboard("ok"))
        .await
        .expect("sendMessage");

    assert!(sent.chat.is_private());
    assert_eq!(sent.chat.id, ChatId(PERSON));
    assert_eq!(sent.text(), Some("Xin chào"));
    assert_eq!(
        sent.from.as_ref().map(|u| u.id),
        Some(UserId(BOT_ID as u64))
    );
    assert_eq!(sent.reply_markup(), Some(&keyboard("ok")));
    let params = fake
        .wait_for("SendMessage", |p| p["text"] == "Xin chào", WAIT)
        .await;
    assert_eq!(params["chat_id"], PERSON);
    assert_eq!(fake.sent_to(PERSON).len(), 1);

    let second = bot
        .send_message(ChatId(PERSON), "Lần hai")
        .await
        .expect("sendMessage");
    assert!(second.id.0 > sent.id.0, "message ids increase");
}

#[tokio::test]
async fn a_group_message_is_answered_in_the_group() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    fake.text_in_group(GROUP, PERSON, "/status@dondoc_test_bot");

    let message = only_message(drain(&bot).await);
    assert!(message.chat.is_group());
    assert_eq!(
        message.from.as_ref().map(|u| u.id),
        Some(UserId(PERSON as u64))
    );

    let sent = bot
        .send_message(ChatId(GROUP), "Tình hình")
        .reply_parameters(ReplyParameters::new(message.id))
        .await
        .expect("sendMessage");
    assert!(sent.chat.is_group());
    assert_eq!(sent.reply_to_message().map(|m| m.id), Some(message.id));
}

#[tokio::test]
async fn telegram_refusals_surface_as_api_errors() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    fake.text_from(PERSON, PERSON, "hi");

    let unknown = bot.send_message(ChatId(777), "ai đó?").await;
    assert!(
        matches!(unknown, Err(RequestError::Api(ApiError::ChatNotFound))),
        "{unknown:?}"
    );

    let html = bot
        .send_message(ChatId(PERSON), "a < b")
        .parse_mode(ParseMode::Html)
        .await;
    assert!(
        matches!(html, Err(RequestError::Api(ApiError::CantParseEntities(_)))),
        "{html:?}"
    );
    let markdown = bot
        .send_message(ChatId(PERSON), "Hạn 12.05")
        .parse_mode(ParseMode::MarkdownV2)
        .await;
    assert!(matches!(
        markdown,
        Err(RequestError::Api(ApiError::CantParseEntities(_)))
    ));
    let fine = bot
        .send_message(ChatId(PERSON), "<b>Hạn</b> 12.05 &amp; a &lt; b")
        .parse_mode(ParseMode::Html)
        .await
        .expect("valid HTML");
    assert_eq!(fine.text(), Some("Hạn 12.05 & a < b"));

    let markdown = bot
        .send_message(
            ChatId(PERSON),
            "*Hạn* 12\\.05 \\- _ok_ `a.b` [xem](https://t.me/a_b)",
        )
        .parse_mode(ParseMode::MarkdownV2)
        .await
        .expect("valid MarkdownV2");
    assert_eq!(markdown.text(), Some("Hạn 12.05 - ok a.b xem"));

    let too_long = bot.send_message(ChatId(PERSON), "x".repeat(4097)).await;
    assert!(matches!(
        too_long,
        Err(RequestError::Api(ApiError::MessageIsTooLong))
    ));
    let long_data = bot
        .send_message(ChatId(PERSON), "chọn")
        .reply_markup(keyboard(&"đ".repeat(33)))
        .await;
    assert!(matches!(
        long_data,
        Err(RequestError::Api(ApiError::ButtonDataInvalid))
    ));

    let edited = bot
        .edit_message_text(ChatId(PERSON), fine.id, "<b>Hạn</b> 12.05 &amp; a &lt; b")
        .parse_mode(ParseMode::Html)
        .await;
    assert!(matches!(
        edited,
        Err(RequestError::Api(ApiError::MessageNotModified))
    ));
    let edited = bot
        .edit_message_text(ChatId(PERSON), fine.id, "Đã sửa")
        .await
        .expect("editMessageText");
    assert_eq!(edited.text(), Some("Đã sửa"));
    assert!(edited.edit_date().is_some());
    let missing = bot
        .edit_message_text(ChatId(PERSON), MessageId(9_999), "?")
        .await;
    assert!(matches!(
        missing,
        Err(RequestError::Api(ApiError::MessageToEditNotFound))
    ));
}

#[tokio::test]
async fn retry_after_surfaces_and_service_resumes() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    fake.text_from(PERSON, PERSON, "hi");
    fake.fail_next("sendMessage", Fault::RetryAfter(3), 1);

    let limited = bot.send_message(ChatId(PERSON), "một").await;
    match limited {
        Err(RequestError::RetryAfter(after)) => assert_eq!(after.seconds(), 3),
        other => panic!("expected RetryAfter(3), got {other:?}"),
    }
    bot.send_message(ChatId(PERSON), "một")
        .await
        .expect("the next call succeeds");

    let calls: Vec<_> = fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "sendmessage")
        .collect();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].fault, Some(Fault::RetryAfter(3)));
    assert!(!calls[0].is_ok() && calls[1].is_ok());
    assert_eq!(
        fake.sent_to(PERSON).len(),
        1,
        "a refused call sends nothing"
    );
}

#[tokio::test]
async fn a_blocked_bot_is_forbidden() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    fake.text_from(PERSON, PERSON, "hi");
    fake.fail_next("sendmessage", Fault::Forbidden, 2);

    for _ in 0..2 {
        let blocked = bot.send_message(ChatId(PERSON), "nhắc việc").await;
        assert!(
            matches!(blocked, Err(RequestError::Api(ApiError::BotBlocked))),
            "{blocked:?}"
        );
    }
    bot.send_message(ChatId(PERSON), "nhắc việc")
        .await
        .expect("service resumes");
}

/// Slow: teloxide waits 10 s before reading any 5xx answer.
#[tokio::test]
async fn a_server_error_is_an_error() {
    let fake = FakeTelegram::start().await;
    fake.fail_next("getMe", Fault::ServerError, 1);
    let failed = fake.bot(TOKEN).get_me().await;
    assert!(matches!(failed, Err(RequestError::Api(_))), "{failed:?}");
    fake.bot(TOKEN).get_me().await.expect("service resumes");
}

#[tokio::test]
async fn a_slow_answer_times_the_client_out_but_still_happens() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot_with_timeout(TOKEN, Duration::from_millis(500));
    fake.text_from(PERSON, PERSON, "hi");
    fake.fail_next("sendMessage", Fault::Timeout(Duration::from_secs(2)), 1);

    let slow = bot.send_message(ChatId(PERSON), "chậm").await;
    assert!(matches!(slow, Err(RequestError::Network(_))), "{slow:?}");
    assert_eq!(fake.sent_to(PERSON).len(), 1, "Telegram sent it anyway");
    bot.get_me()
        .await
        .expect("other calls are answered at once");
}

#[tokio::test]
async fn get_updates_honours_offset_and_redelivers() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    let first = fake.text_from(PERSON, PERSON, "một");
    let second = fake.text_from(PERSON, PERSON, "hai");
    let third = fake.text_from(PERSON, PERSON, "ba");
    assert!(first < second && second < third);

    let all = bot.get_updates().await.expect("getUpdates");
    let ids: Vec<_> = all.iter().map(|u| u.id.0).collect();
    let expected: Vec<u32> = [first, second, third].iter().map(|&id| id as u32).collect();
    assert_eq!(ids, expected);
    let again = bot.get_updates().await.expect("getUpdates");
    assert_eq!(again.len(), 3, "nothing is confirmed without an offset");

    let after_first = bot.get_updates().offset(second).await.expect("getUpdates");
    assert_eq!(after_first.len(), 2);
    let confirmed = bot
        .get_updates()
        .offset(third + 1)
        .await
        .expect("getUpdates");
    assert!(confirmed.is_empty());
    assert_eq!(fake.pending_updates(), 0);

    fake.redeliver(second);
    let redelivered = bot
        .get_updates()
        .offset(third + 1)
        .await
        .expect("getUpdates");
    assert_eq!(redelivered.len(), 1);
    assert_eq!(redelivered[0].id.0, second as u32);
    let message = only_message(redelivered);
    assert_eq!(message.text(), Some("hai"));
    let done = bot
        .get_updates()
        .offset(third + 1)
        .await
        .expect("getUpdates");
    assert!(done.is_empty(), "a redelivery happens once");
}

#[tokio::test]
async fn get_updates_long_polls_and_filters() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);

    let started = Instant::now();
    let empty = bot.get_updates().timeout(30).await.expect("getUpdates");
    assert!(empty.is_empty());
    assert!(started.elapsed() >= LONG_POLL_CAP && started.elapsed() < LONG_POLL_CAP * 3);

    let started = Instant::now();
    let poll = tokio::spawn({
        let bot = bot.clone();
        async move { bot.get_updates().timeout(30).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    fake.text_from(PERSON, PERSON, "đây");
    let woken = poll.await.expect("poll task").expect("getUpdates");
    assert_eq!(woken.len(), 1);
    assert!(
        started.elapsed() < LONG_POLL_CAP,
        "answered as soon as the update came"
    );

    let offset = woken[0].id.as_offset();
    fake.callback(PERSON, PERSON, 12_345, "ignored");
    fake.text_from(PERSON, PERSON, "kept");
    let messages_only = bot
        .get_updates()
        .offset(offset)
        .allowed_updates([AllowedUpdate::Message])
        .await
        .expect("getUpdates");
    assert_eq!(only_message(messages_only).text(), Some("kept"));
}

#[tokio::test]
async fn a_callback_query_deserializes() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    fake.text_from(PERSON, PERSON, "/start");
    drain(&bot).await;
    let prompt = bot
        .send_message(ChatId(PERSON), "Đã xong chưa?")
        .reply_markup(keyboard("done:7"))
        .await
        .expect("sendMessage");

    let query_id = fake.callback(PERSON, PERSON, prompt.id.0, "done:7");
    let updates = drain(&bot).await;
    let query = match updates.as_slice() {
        [Update {
            kind: UpdateKind::CallbackQuery(query),
            ..
        }] => query.clone(),
        other => panic!("expected one callback query, got {other:?}"),
    };
    assert_eq!(query.id.0, query_id);
    assert_eq!(query.data.as_deref(), Some("done:7"));
    assert_eq!(query.from.id, UserId(PERSON as u64));
    let pressed = query.regular_message().expect("the prompt is accessible");
    assert_eq!(pressed.id, prompt.id);
    assert_eq!(pressed.reply_markup(), Some(&keyboard("done:7")));

    bot.answer_callback_query(query.id.clone())
        .text("Đã ghi nhận")
        .await
        .expect("answerCallbackQuery");
    let twice = bot.answer_callback_query(query.id).await;
    assert!(matches!(twice, Err(RequestError::Api(_))), "{twice:?}");
}

#[tokio::test]
async fn a_document_reply_deserializes_and_downloads() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    fake.text_from(PERSON, PERSON, "/report");
    drain(&bot).await;
    let prompt = bot
        .send_message(ChatId(PERSON), "Gửi báo cáo")
        .await
        .expect("sendMessage");
    let bytes = b"PK\x03\x04 not really a spreadsheet".to_vec();
    fake.put_file("doc-1", bytes.clone());

    let document = IncomingDocument {
        file_id: "doc-1",
        file_name: "Báo cáo quý 3.xlsx",
        mime_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        size: bytes.len() as u64,
    };
    fake.document_reply(PERSON, PERSON, prompt.id.0, document, Some("Quý 3"));
    let message = only_message(drain(&bot).await);
    let received = message.document().expect("a document");
    assert_eq!(received.file_name.as_deref(), Some("Báo cáo quý 3.xlsx"));
    assert_eq!(received.file.id.0, "doc-1");
    assert_eq!(message.caption(), Some("Quý 3"));
    let replied = message.reply_to_message().expect("a reply");
    assert_eq!(replied.id, prompt.id);
    assert_eq!(replied.text(), Some("Gửi báo cáo"));

    let file = bot
        .get_file(received.file.id.clone())
        .await
        .expect("getFile");
    assert_eq!(file.size as usize, bytes.len());
    let mut downloaded = Vec::new();
    bot.download_file(&file.path, &mut downloaded)
        .await
        .expect("download");
    assert_eq!(downloaded, bytes);

    let unknown = bot.get_file("nope".to_owned().into()).await;
    assert!(matches!(unknown, Err(RequestError::Api(_))), "{unknown:?}");
}

#[tokio::test]
async fn a_photo_reply_deserializes() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    fake.text_from(PERSON, PERSON, "/start");
    drain(&bot).await;
    let prompt = bot
        .send_message(ChatId(PERSON), "Ảnh?")
        .await
        .expect("sendMessage");

    fake.photo_reply(PERSON, PERSON, prompt.id.0, "photo-1", 54_321, None);
    let message = only_message(drain(&bot).await);
    let sizes = message.photo().expect("a photo");
    assert_eq!(sizes.last().map(|p| p.file.id.0.as_str()), Some("photo-1"));
    assert_eq!(message.reply_to_message().map(|m| m.id), Some(prompt.id));
}

#[tokio::test]
async fn an_uploaded_document_is_kept() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    fake.text_in_group(GROUP, PERSON, "/export");

    let sent = bot
        .send_document(
            ChatId(GROUP),
            InputFile::memory(b"docx bytes".to_vec()).file_name("Kế hoạch \"PAPI\".docx"),
        )
        .caption("Kế hoạch")
        .reply_markup(keyboard("again"))
        .await
        .expect("sendDocument");
    let document = sent.document().expect("a document");
    assert_eq!(
        document.file_name.as_deref(),
        Some("Kế hoạch \"PAPI\".docx")
    );
    assert_eq!(sent.caption(), Some("Kế hoạch"));
    assert!(sent.chat.is_group());

    let params = fake.wait_for("senddocument", |_| true, WAIT).await;
    assert_eq!(params["chat_id"], GROUP);
    assert_eq!(params["caption"], "Kế hoạch");
    assert_eq!(params["document"]["file_name"], "Kế hoạch \"PAPI\".docx");
    assert_eq!(
        params["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        "again"
    );
    let uploads = fake.uploads();
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].bytes, b"docx bytes");

    let resent = bot
        .send_document(ChatId(GROUP), InputFile::file_id(document.file.id.clone()))
        .await
        .expect("sendDocument by file_id");
    assert_eq!(
        resent.document().map(|d| &d.file.id),
        Some(&document.file.id)
    );
}

#[tokio::test]
async fn a_polling_dispatcher_runs_against_the_fake() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    bot.set_my_commands([teloxide::types::BotCommand::new("start", "Bắt đầu")])
        .await
        .expect("setMyCommands");
    let handler = Update::filter_message().endpoint(|bot: Bot, message: Message| async move {
        let text = format!("pong: {}", message.text().unwrap_or_default());
        bot.send_message(message.chat.id, text).await?;
        respond(())
    });
    let mut dispatcher = Dispatcher::builder(bot, handler).build();
    let shutdown = dispatcher.shutdown_token();
    let running = tokio::spawn(async move { dispatcher.dispatch().await });

    let update_id = fake.text_from(PERSON, PERSON, "ping");
    fake.wait_for_ok("sendmessage", |p| p["text"] == "pong: ping", WAIT)
        .await;
    shutdown
        .shutdown()
        .expect("the dispatcher is running")
        .await;
    running.await.expect("dispatcher task");

    assert_eq!(
        fake.pending_updates(),
        0,
        "the dispatcher confirmed update {update_id}"
    );
    assert!(!fake.calls_to("getwebhookinfo").is_empty());
}

#[tokio::test]
#[should_panic(expected = "no matching sendmessage call")]
async fn wait_for_panics_listing_the_calls() {
    let fake = FakeTelegram::start().await;
    fake.bot(TOKEN).get_me().await.expect("getMe");
    fake.wait_for("sendMessage", |_| true, Duration::from_millis(200))
        .await;
}

#[tokio::test]
async fn a_stopped_server_is_unreachable() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot_with_timeout(TOKEN, Duration::from_secs(2));
    bot.get_me().await.expect("getMe");
    fake.shutdown().await;
    let gone = bot.get_me().await;
    assert!(matches!(gone, Err(RequestError::Network(_))), "{gone:?}");
}

fn retry_after_secs(result: Result<Message, RequestError>) -> u32 {
    match result {
        Err(RequestError::RetryAfter(after)) => after.seconds(),
        other => panic!("expected RetryAfter, got {other:?}"),
    }
}

#[tokio::test]
async fn without_limits_any_pace_is_accepted() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    fake.add_user(PERSON, "An", None);
    for i in 0..40 {
        bot.send_message(ChatId(PERSON), format!("tin {i}"))
            .await
            .expect("no limits by default");
    }
    assert_eq!(fake.limit_hits(), 0);
    assert_eq!(fake.accepted("sendMessage"), 40);
}

#[tokio::test]
async fn limits_refuse_the_31st_message_in_a_second() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    fake.enforce_limits(true);
    for user in 1..=31 {
        fake.add_user(user, "An", None);
    }
    let started = Instant::now();
    for user in 1..=30 {
        bot.send_message(ChatId(user), "nhắc việc")
            .await
            .expect("30 a second pass");
    }
    let refused = bot.send_message(ChatId(31), "nhắc việc").await;
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "too slow to test the window"
    );
    assert_eq!(retry_after_secs(refused), 1);
    assert_eq!(fake.limit_hits(), 1);
    assert!(fake.sent_to(31).is_empty(), "a refused message is not sent");
    let limited = fake.calls().into_iter().last().expect("a call");
    assert_eq!(limited.response["error_code"], 429);
    assert_eq!(limited.fault, None, "a limit is not an injected fault");
    assert_eq!(limited.token, TOKEN);

    // Once the first of them is a second old, there is room again.
    let first = fake.calls()[0].at;
    tokio::time::sleep(Duration::from_secs(1).saturating_sub(first.elapsed())).await;
    bot.send_message(ChatId(31), "nhắc việc")
        .await
        .expect("the window slid");
    assert_eq!(fake.limit_hits(), 1);
}

#[tokio::test]
async fn limits_space_the_messages_to_one_chat() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    fake.add_user(PERSON, "An", None);
    fake.add_user(PERSON + 1, "Bình", None);
    fake.enforce_limits(true);
    bot.send_message(ChatId(PERSON), "một")
        .await
        .expect("first");
    assert_eq!(
        retry_after_secs(bot.send_message(ChatId(PERSON), "hai").await),
        1
    );
    bot.send_message(ChatId(PERSON + 1), "khác")
        .await
        .expect("another chat is not held back");
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    bot.send_message(ChatId(PERSON), "hai")
        .await
        .expect("a second later");
    assert_eq!(fake.limit_hits(), 1);
    let texts: Vec<_> = fake
        .sent_to(PERSON)
        .iter()
        .map(|m| m["text"].clone())
        .collect();
    assert_eq!(texts, ["một", "hai"]);

    fake.enforce_limits(false);
    bot.send_message(ChatId(PERSON), "ba")
        .await
        .expect("limits off again");
    assert_eq!(fake.limit_hits(), 1);
}

#[tokio::test]
async fn limits_allow_a_group_20_messages_a_minute() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot(TOKEN);
    fake.add_group(GROUP, "Nhóm");
    fake.enforce_these_limits(Limits {
        chat_interval: Duration::ZERO,
        ..Limits::default()
    });
    for i in 0..20 {
        bot.send_message(ChatId(GROUP), format!("tin {i}"))
            .await
            .expect("20 a minute pass");
    }
    let wait = retry_after_secs(bot.send_message(ChatId(GROUP), "tin 21").await);
    assert!((59..=60).contains(&wait), "retry after {wait}");
    assert_eq!(fake.limit_hits(), 1);
    assert_eq!(fake.sent_to(GROUP).len(), 20);
}

/// A set round trip delays every answer, not the decision: the call is recorded (and counted
/// against the limits) when it arrives. It can change while calls run; open sends are counted.
#[tokio::test]
async fn a_round_trip_delays_every_answer_and_can_change_at_run_time() {
    let fake = FakeTelegram::start().await;
    fake.add_user(PERSON, "An", None);
    fake.add_user(PERSON + 1, "Bình", None);
    let bot = fake.bot(TOKEN);
    let near = Instant::now();
    bot.send_message(ChatId(PERSON), "gần").await.expect("sent");
    assert!(
        near.elapsed() < Duration::from_millis(150),
        "{:?}",
        near.elapsed()
    );

    fake.set_round_trip(Duration::from_millis(300));
    assert_eq!(fake.round_trip(), Duration::from_millis(300));
    let far = Instant::now();
    let (a, b) = tokio::join!(
        bot.send_message(ChatId(PERSON), "xa"),
        bot.send_message(ChatId(PERSON + 1), "xa")
    );
    a.expect("sent");
    b.expect("sent");
    let took = far.elapsed();
    assert!(took >= Duration::from_millis(300), "{took:?}");
    let arrived = fake.calls().last().expect("recorded").at;
    assert!(
        arrived.duration_since(far) < Duration::from_millis(250),
        "recorded on arrival, before the wait"
    );
    assert_eq!(fake.most_in_flight(), 2, "both were open at once");

    fake.set_round_trip(Duration::ZERO);
    let again = Instant::now();
    bot.get_me().await.expect("getMe");
    assert!(again.elapsed() < Duration::from_millis(150));
}
