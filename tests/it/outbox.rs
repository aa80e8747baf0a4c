//! The outbox sender end to end: the real `dondoc::outbox::Sender` (lease, rate limits,
//! retries, parking) on SQLite and Postgres, sending through the real teloxide client to the
//! fake Bot API server (`tests/support/fake_telegram.rs`).

use crate::support;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use dondoc::clock::FixedClock;
use dondoc::config::{DatabaseConfig, OutboxConfig};
use dondoc::domain::unit::{NewPerson, NewUnit};
use dondoc::domain::WorkingHours;
use dondoc::domain::{DeliveryState, MessageKind, PersonRole, UnitCode, UnitKind};
use dondoc::outbox::{Doorbell, OfficeHours, Sender};
use dondoc::store::{MessageSubject, NewMessage, OutboxSummary, Store};
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use sqlx::Connection;
use support::fake_telegram::{FakeTelegram, Fault, Limits};
use support::{actor, clock, test_dbs};
use teloxide::prelude::Requester;
use teloxide::Bot;
use tokio::sync::watch;
use tokio::task::JoinHandle;

const TOKEN: &str = "123456:OUTBOX-TOKEN";
/// The client's time-out in these tests (a [`Fault::Timeout`] answers later than this).
const CLIENT_TIMEOUT: Duration = Duration::from_secs(1);
/// How long a test waits for the queue to empty.
const WAIT: Duration = Duration::from_secs(60);

/// Quick settings: fast polls, a short lease, one-second back-off.
fn config() -> OutboxConfig {
    OutboxConfig {
        messages_per_second: 100.0,
        chat_interval_ms: 100,
        group_messages_per_minute: 20,
        max_in_flight: 1,
        max_attempts: 5,
        max_backoff_secs: 1,
        request_timeout_secs: 1,
        lease_secs: 2,
        poll_interval_ms: 20,
        ..OutboxConfig::default()
    }
}

fn message(key: &str, chat_id: i64, body: &str) -> NewMessage {
    NewMessage {
        key: key.into(),
        kind: MessageKind::Reminder,
        chat_id,
        person_id: None,
        body: body.into(),
        reply_markup: None,
        subject: MessageSubject::default(),
    }
}

/// A sender running in its own task.
struct Running {
    holder: String,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Running {
    fn start(store: &Store, bot: Bot, config: OutboxConfig) -> Running {
        let sender = Sender::new(store.clone(), bot, config, Doorbell::default());
        let holder = sender.holder().to_string();
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(sender.run(stopped));
        Running { holder, stop, task }
    }

    /// Asks it to stop and waits until it has.
    async fn stop(self) {
        let _ = self.stop.send(true);
        tokio::time::timeout(WAIT, self.task)
            .await
            .expect("the sender stops")
            .expect("the sender did not panic");
    }

    /// Kills it: the task is dropped wherever it is, as when the process dies.
    async fn kill(self) {
        self.task.abort();
        let ended = self.task.await;
        assert!(ended.as_ref().is_err_and(|e| e.is_cancelled()), "{ended:?}");
    }
}

/// Runs a sender with the quick settings until nothing is queued; the summary.
async fn send_everything(store: &Store, fake: &FakeTelegram) -> OutboxSummary {
    let sender = Running::start(
        store,
        fake.bot_with_timeout(TOKEN, CLIENT_TIMEOUT),
        config(),
    );
    let summary = drained(store, WAIT).await;
    sender.stop().await;
    summary
}

/// Waits until nothing is queued or being sent; returns the summary.
async fn drained(store: &Store, within: Duration) -> OutboxSummary {
    let deadline = Instant::now() + within;
    loop {
        let summary = store.outbox_summary().await.expect("summary");
        if summary.total(DeliveryState::Queued) + summary.total(DeliveryState::Sending) == 0 {
            return summary;
        }
        assert!(
            Instant::now() < deadline,
            "the queue did not empty in {within:?}: {summary:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A `sendMessage` Telegram accepted (a timed-out one included: it happened).
#[derive(Debug, Clone)]
struct Received {
    chat: i64,
    text: String,
    markup: Value,
    token: String,
    at: Instant,
}

fn received(fake: &FakeTelegram) -> Vec<Received> {
    let calls = fake.calls().into_iter();
    let sent = calls.filter(|c| c.method == "sendmessage" && c.is_ok());
    sent.map(|c| Received {
        chat: c.params["chat_id"].as_i64().expect("numeric chat id"),
        text: c.params["text"].as_str().unwrap_or_default().to_string(),
        markup: c.params["reply_markup"].clone(),
        token: c.token,
        at: c.at,
    })
    .collect()
}

fn texts_to(received: &[Received], chat: i64) -> Vec<String> {
    let to_chat = received.iter().filter(|r| r.chat == chat);
    to_chat.map(|r| r.text.clone()).collect()
}

/// How many times each text arrived.
fn arrivals(received: &[Received]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for r in received {
        *counts.entry(r.text.clone()).or_insert(0) += 1;
    }
    counts
}

/// The sender's log on the test's output, filtered by `RUST_LOG` (default: warnings).
fn logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// Runs `body` on a fresh database of every backend, with a fresh fake server.
async fn each_backend<F, Fut>(body: F)
where
    F: Fn(DatabaseConfig, Store, FakeTelegram) -> Fut,
    Fut: Future<Output = ()>,
{
    logs();
    for db in test_dbs().await {
        let name = db.name;
        let store = db.store(clock()).await;
        let fake = FakeTelegram::start().await;
        eprintln!("--- {name}");
        let started = Instant::now();
        body(db.config.database.clone(), store.clone(), fake).await;
        eprintln!("--- {name}: {:?}", started.elapsed());
        store.close().await;
        db.finish().await;
    }
}

/// Another store on the same database, as a second process opens it.
async fn open(db: &DatabaseConfig) -> Store {
    Store::connect(db, Arc::new(clock()))
        .await
        .expect("a second store on the test database")
}

#[tokio::test]
async fn queued_messages_are_sent_once_in_order_per_chat() {
    each_backend(|_db, store, fake| async move {
        let chats = [1001, 1002, 1003, -1004];
        for chat in chats {
            if chat > 0 {
                fake.add_user(chat, "An", None);
            } else {
                fake.add_group(chat, "Nhóm xã");
            }
        }
        // Telegram's limits, with a short chat interval so the test stays quick. The sender
        // keeps more than that between two messages to a chat: it paces when it takes a slot,
        // and a database round trip (the claim) comes between that and the send.
        fake.enforce_these_limits(Limits {
            chat_interval: Duration::from_millis(100),
            ..Limits::default()
        });
        let mut batch = Vec::new();
        for i in 0..5 {
            for chat in chats {
                batch.push(message(
                    &format!("m:{chat}:{i}"),
                    chat,
                    &format!("tin {i} cho {chat}"),
                ));
            }
        }
        assert_eq!(store.enqueue(&batch).await.expect("queued"), 20);
        assert_eq!(
            store.enqueue(&batch).await.expect("queued again"),
            0,
            "the same keys are queued once"
        );
        let twice = message("twice", 1001, "một lần thôi");
        assert_eq!(
            store
                .enqueue(std::slice::from_ref(&twice))
                .await
                .expect("q"),
            1
        );
        assert_eq!(store.enqueue(&[twice]).await.expect("q"), 0);

        let sender = Running::start(
            &store,
            fake.bot_with_timeout(TOKEN, CLIENT_TIMEOUT),
            OutboxConfig {
                messages_per_second: 29.5,
                chat_interval_ms: 300,
                group_messages_per_minute: 120,
                ..config()
            },
        );
        let summary = drained(&store, WAIT).await;
        sender.stop().await;

        assert_eq!(summary.total(DeliveryState::Sent), 21, "{summary:?}");
        assert_eq!(summary.counts.len(), 1, "only sent reminders: {summary:?}");
        assert_eq!(summary.oldest_queued, None);
        let received = received(&fake);
        assert_eq!(received.len(), 21, "each message once");
        for chat in chats {
            let mut expected: Vec<String> = (0..5).map(|i| format!("tin {i} cho {chat}")).collect();
            if chat == 1001 {
                expected.push("một lần thôi".into());
            }
            assert_eq!(texts_to(&received, chat), expected, "chat {chat}");
            let sent = fake.sent_to(chat);
            assert_eq!(sent.len(), expected.len());
        }
        assert_eq!(fake.limit_hits(), 0, "the sender kept within the limits");
        // The sender gave its lease up on stopping: another takes over at once.
        let next = Running::start(
            &store,
            fake.bot_with_timeout(TOKEN, CLIENT_TIMEOUT),
            config(),
        );
        store
            .enqueue(&[message("after", 1002, "sau khi dừng")])
            .await
            .expect("q");
        let started = Instant::now();
        drained(&store, WAIT).await;
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the next sender did not wait out the lease"
        );
        next.stop().await;
    })
    .await;
}

#[tokio::test]
async fn flood_control_holds_every_send_for_retry_after_and_costs_no_attempt() {
    each_backend(|_db, store, fake| async move {
        fake.add_user(2001, "An", None);
        fake.add_user(2002, "Bình", None);
        store
            .enqueue(&[
                message("a1", 2001, "a một"),
                message("b1", 2002, "b một"),
                message("a2", 2001, "a hai"),
                message("b2", 2002, "b hai"),
            ])
            .await
            .expect("queued");
        fake.fail_next("sendMessage", Fault::RetryAfter(1), 1);
        let sender = Running::start(
            &store,
            fake.bot_with_timeout(TOKEN, CLIENT_TIMEOUT),
            config(),
        );

        // While the sender waits, the message is queued again with its attempt given back.
        let limited = fake
            .wait_for_call(
                "sendMessage",
                |c| c.response["error_code"] == 429,
                Duration::from_secs(10),
            )
            .await;
        assert_eq!(limited.params["text"], "a một");
        let later = Utc::now() + chrono::Duration::seconds(10);
        let deadline = Instant::now() + Duration::from_millis(900);
        let requeued = loop {
            let ready = store
                .ready_messages(dondoc::domain::Channel::Telegram, 10, later, true)
                .await
                .expect("ready");
            if let Some(m) = ready.iter().find(|m| m.body == "a một") {
                break m.clone();
            }
            assert!(
                Instant::now() < deadline,
                "not queued again during the wait"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        assert_eq!(requeued.attempts, 0, "a 429 is not counted as an attempt");

        let summary = drained(&store, WAIT).await;
        sender.stop().await;
        assert_eq!(summary.total(DeliveryState::Sent), 4, "{summary:?}");

        let calls = fake.calls();
        let sends: Vec<_> = calls.iter().filter(|c| c.method == "sendmessage").collect();
        assert_eq!(sends.len(), 5, "one refused call, then each message once");
        let after_429: Vec<_> = sends.iter().filter(|c| c.at > limited.at).collect();
        let first_after = after_429.first().expect("sent after the wait").at;
        assert!(
            first_after.duration_since(limited.at) >= Duration::from_secs(1),
            "a message went out {:?} after the 429",
            first_after.duration_since(limited.at)
        );
        let received = received(&fake);
        assert_eq!(texts_to(&received, 2001), ["a một", "a hai"], "order kept");
        assert_eq!(texts_to(&received, 2002), ["b một", "b hai"], "order kept");
    })
    .await;
}

/// Slow: teloxide waits 10 s before reading a 5xx answer.
#[tokio::test]
async fn a_server_error_is_retried_and_the_message_sent_once() {
    each_backend(|_db, store, fake| async move {
        fake.add_user(3001, "An", None);
        store
            .enqueue(&[
                message("s1", 3001, "lần một"),
                message("s2", 3001, "lần hai"),
            ])
            .await
            .expect("queued");
        fake.fail_next("sendMessage", Fault::ServerError, 1);
        let sender = Running::start(&store, fake.bot(TOKEN), config());
        let summary = drained(&store, WAIT).await;
        sender.stop().await;

        assert_eq!(summary.total(DeliveryState::Sent), 2, "{summary:?}");
        let sends = fake.calls_to("sendMessage");
        assert_eq!(sends.len(), 3, "the failed call, its retry and the next");
        assert_eq!(sends[0]["text"], sends[1]["text"]);
        assert_eq!(
            texts_to(&received(&fake), 3001),
            ["lần một", "lần hai"],
            "sent once each, in order"
        );
    })
    .await;
}

#[tokio::test]
async fn a_timed_out_send_is_retried_and_arrives_at_most_twice() {
    each_backend(|_db, store, fake| async move {
        fake.add_user(4001, "An", None);
        store
            .enqueue(&[message("t1", 4001, "chậm"), message("t2", 4001, "sau đó")])
            .await
            .expect("queued");
        fake.fail_next(
            "sendMessage",
            Fault::Timeout(CLIENT_TIMEOUT + Duration::from_secs(1)),
            1,
        );
        let summary = send_everything(&store, &fake).await;

        assert_eq!(summary.total(DeliveryState::Sent), 2, "{summary:?}");
        let texts = texts_to(&received(&fake), 4001);
        let slow = texts.iter().filter(|t| *t == "chậm").count();
        // Telegram sent the timed-out call too: the one message in flight may arrive twice.
        assert!((1..=2).contains(&slow), "{texts:?}");
        assert_eq!(
            texts.last().map(String::as_str),
            Some("sau đó"),
            "{texts:?}"
        );
        assert_eq!(texts.len(), slow + 1, "{texts:?}");
    })
    .await;
}

#[tokio::test]
async fn a_blocked_chat_is_parked_and_its_member_unreachable() {
    each_backend(|_db, store, fake| async move {
        const BLOCKED: i64 = 5001;
        store
            .upsert_units(
                &[NewUnit {
                    code: UnitCode::parse("XA-A").expect("code"),
                    name: "UBND xã A".into(),
                    kind: UnitKind::Province,
                    parent: None,
                    aliases: vec![],
                }],
                &actor(),
            )
            .await
            .expect("unit");
        let person = store
            .add_person(
                &NewPerson {
                    unit: UnitCode::parse("XA-A").expect("code"),
                    full_name: "Nguyễn Văn Chặn".into(),
                    role: PersonRole::Head,
                    telegram_user_id: Some(BLOCKED),
                    phone: None,
                },
                &actor(),
            )
            .await
            .expect("person");
        for chat in [BLOCKED, 5002, 5003] {
            fake.add_user(chat, "An", None);
        }
        store
            .enqueue(&[
                NewMessage {
                    person_id: Some(person.id.get()),
                    ..message("x1", BLOCKED, "bị chặn")
                },
                message("x2", 5002, "cho 5002"),
                message("x3", 5003, "cho 5003"),
            ])
            .await
            .expect("queued");
        fake.fail_next("sendMessage", Fault::Forbidden, 1);
        let summary = send_everything(&store, &fake).await;

        assert_eq!(summary.total(DeliveryState::Parked), 1, "{summary:?}");
        assert_eq!(summary.total(DeliveryState::Sent), 2, "{summary:?}");
        assert_eq!(fake.calls_to("sendMessage").len(), 3, "not retried");
        let received = received(&fake);
        assert_eq!(texts_to(&received, 5002), ["cho 5002"]);
        assert_eq!(texts_to(&received, 5003), ["cho 5003"]);
        assert!(texts_to(&received, BLOCKED).is_empty());

        let snapshot = store
            .schedule_snapshot(NaiveDate::from_ymd_opt(2026, 12, 31).expect("date"))
            .await
            .expect("snapshot");
        let unreachable: Vec<i64> = snapshot.unreachable.iter().map(|u| u.person_id).collect();
        assert_eq!(unreachable, [person.id.get()]);
        assert!(snapshot.recipients.iter().all(|r| r.chat_id != BLOCKED));

        // Someone invited who never pressed Start: Telegram's other 403.
        const NEVER_STARTED: i64 = 5004;
        let silent = store
            .add_person(
                &NewPerson {
                    unit: UnitCode::parse("XA-A").expect("code"),
                    full_name: "Trần Thị Chưa Bấm".into(),
                    role: PersonRole::FocalPoint,
                    telegram_user_id: Some(NEVER_STARTED),
                    phone: None,
                },
                &actor(),
            )
            .await
            .expect("person");
        store
            .enqueue(&[NewMessage {
                person_id: Some(silent.id.get()),
                ..message("x4", NEVER_STARTED, "chưa bắt đầu")
            }])
            .await
            .expect("queued");
        fake.fail_next(
            "sendMessage",
            Fault::Api(
                403,
                "Forbidden: bot can't initiate conversation with a user".into(),
            ),
            1,
        );
        let summary = send_everything(&store, &fake).await;
        assert_eq!(summary.total(DeliveryState::Parked), 2, "{summary:?}");
        let snapshot = store
            .schedule_snapshot(NaiveDate::from_ymd_opt(2026, 12, 31).expect("date"))
            .await
            .expect("snapshot");
        let mut unreachable: Vec<i64> = snapshot.unreachable.iter().map(|u| u.person_id).collect();
        unreachable.sort_unstable();
        assert_eq!(unreachable, [person.id.get(), silent.id.get()]);
    })
    .await;
}

#[tokio::test]
async fn a_long_text_arrives_in_two_parts_split_at_a_line_end() {
    each_backend(|_db, store, fake| async move {
        const CHAT: i64 = 6001;
        fake.add_user(CHAT, "An", None);
        // 120 lines of 49 characters and a line end: 6,000 characters.
        let line = "Đề nghị đơn vị báo cáo tiến độ nhiệm vụ số ";
        let lines: Vec<String> = (0..120)
            .map(|i| format!("{line}{i:0>width$}", width = 49 - line.chars().count()))
            .collect();
        let text = lines.join("\n") + "\n";
        assert_eq!(text.chars().count(), 6_000);
        let markup = dondoc::chat::Keyboard::SubmitReport {
            period: dondoc::domain::PeriodId(7),
            unit: dondoc::domain::UnitId(3),
        }
        .in_lang(dondoc::domain::Lang::Vi);
        let keyboard =
            json!({"inline_keyboard": [[{"text": "Nộp báo cáo", "callback_data": "r:7:3"}]]});
        let added = store
            .enqueue(&[NewMessage {
                reply_markup: Some(markup),
                ..message("long", CHAT, &text)
            }])
            .await
            .expect("queued");
        assert_eq!(added, 2, "one row a part");
        let summary = send_everything(&store, &fake).await;
        assert_eq!(summary.total(DeliveryState::Sent), 2, "{summary:?}");

        let received = received(&fake);
        let parts: Vec<&Received> = received.iter().filter(|r| r.chat == CHAT).collect();
        assert_eq!(parts.len(), 2);
        for part in &parts {
            assert!(
                part.text.encode_utf16().count() <= 4096,
                "{}",
                part.text.len()
            );
        }
        // Split between two lines: both parts are whole lines, together the whole text.
        assert!(
            format!("{}\n{}", parts[0].text, parts[1].text) == text,
            "the parts are not the text split at a line end"
        );
        assert!(parts[0]
            .text
            .ends_with(&lines[parts[0].text.lines().count() - 1]));
        assert!(parts[1].text.starts_with(line));
        assert_eq!(
            parts[0].markup,
            Value::Null,
            "no keyboard on the first part"
        );
        assert_eq!(parts[1].markup, keyboard, "the keyboard on the last part");
        let sent = fake.sent_to(CHAT);
        assert_eq!(sent[1]["reply_markup"], keyboard);
    })
    .await;
}

#[tokio::test]
async fn a_killed_sender_is_taken_over_after_its_lease() {
    each_backend(|db, store, fake| async move {
        const MESSAGES: i64 = 200;
        const FIRST: i64 = 10_000;
        let mut batch = Vec::new();
        for i in 0..MESSAGES {
            fake.add_user(FIRST + i, "An", None);
            batch.push(message(&format!("k{i}"), FIRST + i, &format!("tin số {i}")));
        }
        store.enqueue(&batch).await.expect("queued");

        let first = Running::start(
            &store,
            fake.bot_with_timeout("111:FIRST", CLIENT_TIMEOUT),
            config(),
        );
        let deadline = Instant::now() + WAIT;
        while fake.accepted("sendMessage") < 80 {
            assert!(Instant::now() < deadline, "the first sender is stuck");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let first_holder = first.holder.clone();
        first.kill().await;
        // The killed process's connections die with it, as in a real kill (which closes the
        // file). Left open, this "dead" pool once held SQLite's write lock for the whole
        // takeover ("database is locked" for 60 s, under a loaded full run): most likely a
        // transaction the abort cut off between its BEGIN IMMEDIATE and its end.
        store.close().await;
        let killed_at = Instant::now();
        let by_first = fake.accepted("sendMessage");
        assert!(by_first < MESSAGES as usize, "killed too late");

        // A new process: its own store on the same database, its own lease holder name.
        let other = open(&db).await;
        let second = Running::start(
            &other,
            fake.bot_with_timeout("222:SECOND", CLIENT_TIMEOUT),
            config(),
        );
        assert_ne!(second.holder, first_holder);
        let summary = drained(&other, WAIT).await;
        second.stop().await;
        other.close().await;

        assert_eq!(summary.total(DeliveryState::Sent), MESSAGES, "{summary:?}");
        let received = received(&fake);
        let by_second: Vec<&Received> = received
            .iter()
            .filter(|r| r.token == "222:SECOND")
            .collect();
        let takeover = by_second.first().expect("the second sender sent").at;
        assert!(
            takeover.duration_since(killed_at) >= Duration::from_secs(1),
            "took over {:?} after the kill, before the lease ran out",
            takeover.duration_since(killed_at)
        );
        assert!(received
            .iter()
            .filter(|r| r.token == "111:FIRST")
            .all(|r| r.at <= killed_at));
        let arrivals = arrivals(&received);
        for i in 0..MESSAGES {
            assert!(
                arrivals.contains_key(&format!("tin số {i}")),
                "message {i} lost"
            );
        }
        let twice: Vec<_> = arrivals.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            twice.len() <= 1 && twice.iter().all(|(_, n)| **n == 2),
            "more than the one message in flight arrived twice: {twice:?}"
        );
        eprintln!(
            "killed after {by_first} sends; taken over {:?} later; duplicates {twice:?}",
            takeover.duration_since(killed_at)
        );
    })
    .await;
}

#[tokio::test]
async fn two_senders_on_one_database_send_each_message_once() {
    each_backend(|db, store, fake| async move {
        const MESSAGES: i64 = 2_000;
        const FIRST: i64 = 100_000;
        let mut batch = Vec::new();
        for i in 0..MESSAGES {
            fake.add_user(FIRST + i, "An", None);
            batch.push(message(&format!("k{i}"), FIRST + i, &format!("tin số {i}")));
        }
        store.enqueue(&batch).await.expect("queued");
        let fast = OutboxConfig {
            messages_per_second: 2_000.0,
            ..config()
        };

        let other = open(&db).await;
        let started = Instant::now();
        let a = Running::start(
            &store,
            fake.bot_with_timeout("111:A", CLIENT_TIMEOUT),
            fast.clone(),
        );
        let b = Running::start(&other, fake.bot_with_timeout("222:B", CLIENT_TIMEOUT), fast);
        let summary = drained(&store, Duration::from_secs(120)).await;
        let took = started.elapsed();
        a.stop().await;
        b.stop().await;
        other.close().await;

        assert_eq!(summary.total(DeliveryState::Sent), MESSAGES, "{summary:?}");
        let received = received(&fake);
        let arrivals = arrivals(&received);
        assert_eq!(arrivals.len(), MESSAGES as usize);
        assert!(
            arrivals.values().all(|n| *n == 1),
            "some arrived twice: {:?}",
            arrivals.iter().filter(|(_, n)| **n > 1).collect::<Vec<_>>()
        );
        // One lease holder sends at a time: the senders' calls do not interleave; the lease
        // changes hands only if its holder failed to renew it in time.
        let mut in_order = received.clone();
        in_order.sort_by_key(|r| r.at);
        let handovers = in_order
            .windows(2)
            .filter(|w| w[0].token != w[1].token)
            .count();
        let by_a = received.iter().filter(|r| r.token == "111:A").count();
        eprintln!(
            "{MESSAGES} messages in {took:?}; A sent {by_a}, B {}; {handovers} handovers",
            MESSAGES as usize - by_a
        );
        assert!(handovers <= 2, "{handovers} handovers between the senders");
    })
    .await;
}

#[tokio::test]
async fn a_second_sender_waits_out_the_first_ones_flood_control() {
    each_backend(|db, store, fake| async move {
        for chat in [7001, 7002, 7003] {
            fake.add_user(chat, "An", None);
        }
        store
            .enqueue(&[
                message("f1", 7001, "một"),
                message("f2", 7002, "hai"),
                message("f3", 7003, "ba"),
            ])
            .await
            .expect("queued");
        // Longer than the lease (2 s): the first sender must keep it through the wait.
        fake.fail_next("sendMessage", Fault::RetryAfter(3), 1);
        let first = Running::start(
            &store,
            fake.bot_with_timeout("111:FIRST", CLIENT_TIMEOUT),
            config(),
        );
        let limited = fake
            .wait_for_call(
                "sendMessage",
                |c| c.response["error_code"] == 429,
                Duration::from_secs(10),
            )
            .await;
        let other = open(&db).await;
        let second = Running::start(
            &other,
            fake.bot_with_timeout("222:SECOND", CLIENT_TIMEOUT),
            config(),
        );
        let summary = drained(&store, WAIT).await;
        first.stop().await;
        second.stop().await;
        other.close().await;

        assert_eq!(summary.total(DeliveryState::Sent), 3, "{summary:?}");
        let received = received(&fake);
        let first_after = received
            .iter()
            .map(|r| r.at)
            .filter(|at| *at > limited.at)
            .min()
            .expect("sent after the wait");
        assert!(
            first_after.duration_since(limited.at) >= Duration::from_secs(3),
            "a message went out {:?} after a 429 asking for 3 s (by {:?})",
            first_after.duration_since(limited.at),
            received
                .iter()
                .find(|r| r.at == first_after)
                .map(|r| &r.token)
        );
        assert!(arrivals(&received).values().all(|n| *n == 1));
    })
    .await;
}

/// Another connection holding the outbox locked against writes, as a stuck transaction or a
/// failing database would.
enum Blocker {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Blocker {
    async fn lock(db: &DatabaseConfig) -> Blocker {
        let url = db.url.expose_secret();
        if url.starts_with("sqlite:") {
            let mut conn = sqlx::SqliteConnection::connect(url)
                .await
                .expect("a second SQLite connection");
            sqlx::raw_sql("BEGIN IMMEDIATE")
                .execute(&mut conn)
                .await
                .expect("the write lock");
            Blocker::Sqlite(conn)
        } else {
            let mut conn = sqlx::PgConnection::connect(url)
                .await
                .expect("a second Postgres connection");
            let schema = db.postgres_schema.as_deref().expect("the test schema");
            sqlx::raw_sql(&format!(
                "SET search_path TO \"{schema}\"; BEGIN; LOCK TABLE outbox IN EXCLUSIVE MODE"
            ))
            .execute(&mut conn)
            .await
            .expect("the table lock");
            Blocker::Postgres(conn)
        }
    }

    /// Makes the writes waiting for the lock fail: SQLite's give up by themselves after the
    /// busy time-out; Postgres's connections are terminated.
    async fn fail_waiters(&mut self) {
        let Blocker::Postgres(conn) = self else {
            return;
        };
        let deadline = Instant::now() + WAIT;
        loop {
            let killed: Vec<bool> = sqlx::query_scalar(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))",
            )
            .fetch_all(&mut *conn)
            .await
            .expect("terminate the waiters");
            if !killed.is_empty() {
                return;
            }
            assert!(Instant::now() < deadline, "no write waited for the lock");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn release(self) {
        match self {
            Blocker::Sqlite(mut conn) => {
                sqlx::raw_sql("ROLLBACK")
                    .execute(&mut conn)
                    .await
                    .expect("unlock");
                conn.close().await.expect("close");
            }
            Blocker::Postgres(mut conn) => {
                sqlx::raw_sql("ROLLBACK")
                    .execute(&mut conn)
                    .await
                    .expect("unlock");
                conn.close().await.expect("close");
            }
        }
    }
}

#[tokio::test]
async fn a_message_cut_off_by_a_database_failure_is_sent_after_all() {
    each_backend(|db, _store, fake| async move {
        fake.add_user(8001, "An", None);
        fake.add_user(8002, "Bình", None);
        // SQLite writers give up quickly here, so the failure comes soon.
        let store = open(&DatabaseConfig {
            busy_timeout_ms: 300,
            ..db.clone()
        })
        .await;
        store
            .enqueue(&[message("d1", 8001, "đang gửi"), message("d2", 8002, "sau")])
            .await
            .expect("queued");
        // Telegram answers the first send late (but within the client's time-out): the
        // database fails while it is in flight, before the sender can record it as sent.
        fake.fail_next("sendMessage", Fault::Timeout(Duration::from_millis(600)), 1);
        let sender = Running::start(
            &store,
            fake.bot_with_timeout(TOKEN, Duration::from_secs(5)),
            config(),
        );
        fake.wait_for("sendMessage", |_| true, Duration::from_secs(10))
            .await;
        let mut blocker = Blocker::lock(&db).await;
        blocker.fail_waiters().await;
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        blocker.release().await;

        let summary = drained(&store, WAIT).await;
        sender.stop().await;
        store.close().await;
        assert_eq!(summary.total(DeliveryState::Sent), 2, "{summary:?}");
        let received = received(&fake);
        let cut_off = texts_to(&received, 8001);
        assert!((1..=2).contains(&cut_off.len()), "{cut_off:?}");
        assert_eq!(texts_to(&received, 8002), ["sau"]);
    })
    .await;
}

#[tokio::test]
async fn a_chat_with_a_long_queue_does_not_hold_the_others_back() {
    each_backend(|_db, store, fake| async move {
        const BUSY: i64 = 9001;
        fake.add_user(BUSY, "An", None);
        fake.add_user(9002, "Bình", None);
        // More messages to one chat than the sender takes from the queue at once (200).
        let mut batch: Vec<NewMessage> = (0..250)
            .map(|i| message(&format!("busy{i}"), BUSY, &format!("tin {i}")))
            .collect();
        batch.push(message("other", 9002, "cho người khác"));
        store.enqueue(&batch).await.expect("queued");
        let sender = Running::start(
            &store,
            fake.bot_with_timeout(TOKEN, CLIENT_TIMEOUT),
            OutboxConfig {
                chat_interval_ms: 200,
                ..config()
            },
        );
        let started = Instant::now();
        fake.wait_for_ok(
            "sendMessage",
            |p| p["chat_id"] == 9002,
            Duration::from_secs(5),
        )
        .await;
        let waited = started.elapsed();
        sender.stop().await;
        assert!(
            waited < Duration::from_secs(2),
            "the other chat waited {waited:?}"
        );
        let busy = texts_to(&received(&fake), BUSY);
        let expected: Vec<String> = (0..busy.len()).map(|i| format!("tin {i}")).collect();
        assert_eq!(busy, expected, "the busy chat's messages in order");
    })
    .await;
}

/// A message is only claimed while the sender lease outlasts the longest a send can take, so
/// a process about to lose its lease never has a send running when another takes over.
#[tokio::test]
async fn a_claim_needs_the_lease_to_outlast_the_send() {
    each_backend(|_, store, _fake| async move {
        store
            .enqueue(&[message("test:reserve", 4242, "Nhắc việc")])
            .await
            .expect("queued");
        let id = store
            .outbox_messages()
            .await
            .expect("outbox")
            .into_iter()
            .find(|m| m.key == "test:reserve")
            .expect("the message")
            .id;
        let now = Utc::now();
        let lease = dondoc::store::SENDER_LEASE;
        assert!(store
            .acquire_lease(lease, "a", now, chrono::Duration::seconds(5))
            .await
            .expect("lease"));
        assert!(
            !store
                .claim_message(id, "a", now, Duration::from_secs(10))
                .await
                .expect("claim"),
            "5 s of lease left cannot cover a 10 s send"
        );
        assert!(!store
            .claim_message(id, "b", now, Duration::from_secs(1))
            .await
            .expect("claim"));
        assert!(store
            .claim_message(id, "a", now, Duration::from_secs(1))
            .await
            .expect("claim"));
        store.release_lease(lease, "a").await.expect("released");
    })
    .await;
}

/// Local time in Viet Nam (UTC+7) on a day of 2026.
fn vietnam(month: u32, day: u32, hour: u32, minute: u32) -> chrono::DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, month, day)
        .and_then(|d| d.and_hms_opt(hour, minute, 0))
        .expect("date")
        .and_utc()
        - chrono::Duration::hours(7)
}

#[tokio::test]
async fn reminders_held_up_past_working_hours_wait_for_the_next_working_morning() {
    each_backend(|db, store, fake| async move {
        for chat in [6001, 6002] {
            fake.add_user(chat, "An", None);
        }
        let of_kind = |key: &str, chat, kind| NewMessage {
            kind,
            ..message(key, chat, key)
        };
        store
            .enqueue(&[
                of_kind("nhắc 6001", 6001, MessageKind::Reminder),
                of_kind("trả lời 6001", 6001, MessageKind::Reply),
                of_kind("đôn đốc 6002", 6002, MessageKind::Escalation),
                of_kind("tổng hợp 6002", 6002, MessageKind::Digest),
                of_kind("phản ánh 6002", 6002, MessageKind::Case),
            ])
            .await
            .expect("queued");
        // Friday 5/6/2026 at 17:30, after hours: the sender's own clock says so.
        let now = FixedClock::new(vietnam(6, 5, 17, 30));
        let sender_store = Store::connect(&db, Arc::new(now.clone()))
            .await
            .expect("the sender's store");
        let hours = WorkingHours::parse("07:30-17:00").expect("hours");
        let sender = Sender::new(
            sender_store,
            fake.bot_with_timeout(TOKEN, CLIENT_TIMEOUT),
            config(),
            Doorbell::default(),
        )
        .within(OfficeHours::new(hours, chrono_tz::Asia::Ho_Chi_Minh));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(sender.run(stopped));

        let sent = |fake: &FakeTelegram| {
            let mut texts: Vec<String> = received(fake).into_iter().map(|r| r.text).collect();
            texts.sort();
            texts
        };
        let wait_for = |count: usize| {
            let fake = &fake;
            async move {
                let deadline = Instant::now() + WAIT;
                while received(fake).len() < count && Instant::now() < deadline {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        };
        wait_for(2).await;
        assert_eq!(sent(&fake), ["phản ánh 6002", "trả lời 6001"]);
        // What `dondoc outbox status` tells the operator: the rest waits for Monday 07:30.
        let clock_store = Store::connect(&db, Arc::new(now.clone()))
            .await
            .expect("a store on the same clock");
        let mut office = OfficeHours::new(hours, chrono_tz::Asia::Ho_Chi_Minh);
        let monday_morning = NaiveDate::from_ymd_opt(2026, 6, 8)
            .and_then(|d| d.and_hms_opt(7, 30, 0))
            .expect("date");
        assert_eq!(
            office.opens_at(&clock_store).await.expect("calendar"),
            Some(monday_morning)
        );
        // Saturday morning, then the 2/9 holiday (a Wednesday) in working hours: still held.
        for held in [
            vietnam(6, 6, 9, 0),
            vietnam(9, 2, 9, 0),
            vietnam(6, 8, 7, 0),
        ] {
            now.set(held);
            tokio::time::sleep(Duration::from_millis(300)).await;
            assert_eq!(received(&fake).len(), 2, "nothing more at {held}");
        }
        // Monday 8/6 at 07:30: the rest goes, the reminder before the digest.
        now.set(vietnam(6, 8, 7, 30));
        assert_eq!(office.opens_at(&clock_store).await.expect("calendar"), None);
        wait_for(5).await;
        assert_eq!(
            sent(&fake),
            [
                "nhắc 6001",
                "phản ánh 6002",
                "trả lời 6001",
                "tổng hợp 6002",
                "đôn đốc 6002"
            ]
        );
        let _ = stop.send(true);
        task.await.expect("the sender stops");
    })
    .await;
}

#[tokio::test]
async fn old_sent_messages_are_pruned_and_queued_ones_kept() {
    each_backend(|db, _store, fake| async move {
        for chat in [7001, 7002] {
            fake.add_user(chat, "An", None);
        }
        let day0 = vietnam(3, 2, 9, 0);
        let now = FixedClock::new(day0);
        let clocked = Store::connect(&db, Arc::new(now.clone()))
            .await
            .expect("a store on the test's clock");
        clocked
            .enqueue(&[
                message("parked-old", 7002, "bị chặn"),
                message("sent-old", 7001, "gửi xong"),
            ])
            .await
            .expect("queued");
        fake.fail_next("sendMessage", Fault::Forbidden, 1);
        let summary = send_everything(&clocked, &fake).await;
        assert_eq!(summary.total(DeliveryState::Sent), 1, "{summary:?}");
        assert_eq!(summary.total(DeliveryState::Parked), 1, "{summary:?}");
        // A message still queued on day 0 (its chat must wait): never pruned, however old.
        clocked
            .enqueue(&[NewMessage {
                kind: MessageKind::Digest,
                ..message("queued-old", 7003, "chưa gửi")
            }])
            .await
            .expect("queued");

        // 89 days later nothing is old enough; 91 days later the sent rows go.
        let keys = |store: &Store| {
            let store = store.clone();
            async move {
                let mut keys: Vec<String> = store
                    .outbox_messages()
                    .await
                    .expect("outbox")
                    .into_iter()
                    .map(|m| m.key)
                    .collect();
                keys.sort();
                keys
            }
        };
        let before = |days| day0 + chrono::Duration::days(days) - chrono::Duration::days(90);
        let actor = dondoc::domain::Actor::new("test");
        assert_eq!(
            clocked
                .prune_outbox(before(89), &actor)
                .await
                .expect("prune"),
            0
        );
        assert_eq!(
            keys(&clocked).await,
            ["parked-old", "queued-old", "sent-old"]
        );

        // The sender prunes by itself, on the lease holder's first idle look at the queue.
        now.set(day0 + chrono::Duration::days(91));
        let sender = Sender::new(
            clocked.clone(),
            fake.bot_with_timeout(TOKEN, CLIENT_TIMEOUT),
            config(),
            Doorbell::default(),
        )
        .within(OfficeHours::new(
            WorkingHours::parse("07:30-07:31").expect("hours"),
            chrono_tz::Asia::Ho_Chi_Minh,
        ));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(sender.run(stopped));
        let deadline = Instant::now() + WAIT;
        while keys(&clocked).await.len() > 1 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _ = stop.send(true);
        task.await.expect("the sender stops");
        assert_eq!(
            keys(&clocked).await,
            ["queued-old"],
            "sent and parked rows 91 days old are gone; the held digest stays"
        );
        let audit = clocked.audit_entries(5).await.expect("audit");
        assert!(
            audit
                .iter()
                .any(|e| e.action == "outbox.prune" && e.detail.contains("\"deleted\":2")),
            "{audit:?}"
        );
        clocked.close().await;
    })
    .await;
}

// ----- several messages in flight, at a distance from Telegram ------------------------------

/// The default configuration, with a client that times out as the real one does.
fn default_sender(store: &Store, fake: &FakeTelegram) -> Running {
    let config = OutboxConfig::default();
    let bot = fake.bot_with_timeout(TOKEN, Duration::from_secs(config.request_timeout_secs));
    Running::start(store, bot, config)
}

/// `count` reminders to as many private chats from `first` on, each chat introduced to the fake.
async fn queue_to_distinct_chats(store: &Store, fake: &FakeTelegram, first: i64, count: i64) {
    let batch: Vec<NewMessage> = (first..first + count)
        .map(|chat| {
            fake.add_user(chat, "Cán bộ", None);
            message(&format!("far:{chat}"), chat, &format!("nhắc {chat}"))
        })
        .collect();
    assert_eq!(store.enqueue(&batch).await.expect("queued"), count as u64);
}

/// The most messages accepted in any `window` (sliding), from the fake's own timestamps.
fn busiest(received: &[Received], window: Duration) -> usize {
    let mut times: Vec<Instant> = received.iter().map(|r| r.at).collect();
    times.sort();
    let mut from = 0;
    let mut most = 0;
    for (to, at) in times.iter().enumerate() {
        while at.duration_since(times[from]) >= window {
            from += 1;
        }
        most = most.max(to - from + 1);
    }
    most
}

/// For a failure's message: each 429 of the limits, with how many the fake had accepted in
/// the second before it and the gaps between the 35 sends before it (`!` the refused one).
fn explain_refusals(fake: &FakeTelegram) {
    let calls = fake.calls();
    let sends: Vec<_> = calls.iter().filter(|c| c.method == "sendmessage").collect();
    for (i, refused) in sends.iter().enumerate().filter(|(_, c)| !c.is_ok()) {
        let in_second = sends[..i]
            .iter()
            .filter(|o| o.is_ok() && refused.at.duration_since(o.at) < Duration::from_secs(1))
            .count();
        let gaps: Vec<String> = sends[i.saturating_sub(35)..=i]
            .windows(2)
            .map(|w| {
                let mark = if w[1].is_ok() { "" } else { "!" };
                let gap = w[1].at.duration_since(w[0].at).as_secs_f64() * 1e3;
                format!("{mark}{gap:.1}")
            })
            .collect();
        eprintln!(
            "429 for send #{i} ({in_second} accepted in the second before); gaps (ms): {}",
            gaps.join(" ")
        );
    }
}

/// At least 0.95 of Telegram's 30 a second over a 5 s window: 143 messages (the sender paces
/// 29 a second, 145 in 5 s). Counted from the fake's timestamps; the busiest window of the
/// run, so a stall of the (shared, 2-core) test machine elsewhere in the run does not count.
/// One message in flight at 150 ms sends 6.5 a second: 33 in 5 s.
const RATE_WINDOW: Duration = Duration::from_secs(5);
const AT_RATE: usize = 143;

/// The measure: at 150 ms from Telegram, one message in flight reached 6.5 a second.
#[tokio::test]
async fn the_default_configuration_keeps_telegrams_rate_at_a_150_ms_round_trip() {
    each_backend(|_db, store, fake| async move {
        const MESSAGES: i64 = 300;
        fake.enforce_limits(true);
        fake.set_round_trip(Duration::from_millis(150));
        queue_to_distinct_chats(&store, &fake, 50_000, MESSAGES).await;
        let sender = default_sender(&store, &fake);
        let summary = drained(&store, WAIT).await;
        sender.stop().await;

        assert_eq!(summary.total(DeliveryState::Sent), MESSAGES, "{summary:?}");
        let received = received(&fake);
        assert_eq!(received.len(), MESSAGES as usize, "each message once");
        explain_refusals(&fake);
        assert_eq!(fake.limit_hits(), 0, "no 429");
        let best = busiest(&received, RATE_WINDOW);
        eprintln!(
            "busiest 5 s: {best} messages ({:.3} of 30/s); most in flight {}",
            best as f64 / 150.0,
            fake.most_in_flight()
        );
        assert!(
            best >= AT_RATE,
            "{best} messages in the busiest 5 s: under 0.95 of 30/s"
        );
        // 29/s × 150 ms is 4.4 messages; the window keeps a little more, not the ceiling.
        assert!(fake.most_in_flight() >= 4, "{}", fake.most_in_flight());
        assert!(fake.most_in_flight() <= 10, "{}", fake.most_in_flight());
    })
    .await;
}

/// Near Telegram, then 300 ms away, then 50 ms: the sender measures the round trip as it goes
/// and keeps the rate without a 429 at each distance.
#[tokio::test]
async fn the_sender_follows_a_round_trip_that_changes_mid_run() {
    each_backend(|_db, store, fake| async move {
        const MESSAGES: i64 = 330;
        const FAR_FROM: usize = 60;
        const NEAR_AGAIN: usize = 260;
        fake.enforce_limits(true);
        queue_to_distinct_chats(&store, &fake, 60_000, MESSAGES).await;
        let sender = default_sender(&store, &fake);
        let deadline = Instant::now() + WAIT;
        while fake.accepted("sendMessage") < FAR_FROM {
            assert!(Instant::now() < deadline, "the sender is stuck");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let near_in_flight = fake.most_in_flight();
        fake.set_round_trip(Duration::from_millis(300));
        let far_from = Instant::now();
        while fake.accepted("sendMessage") < NEAR_AGAIN {
            assert!(Instant::now() < deadline, "the sender is stuck far away");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let far_until = Instant::now();
        let far_in_flight = fake.most_in_flight();
        fake.set_round_trip(Duration::from_millis(50));
        let summary = drained(&store, WAIT).await;
        sender.stop().await;

        assert_eq!(summary.total(DeliveryState::Sent), MESSAGES, "{summary:?}");
        let received = received(&fake);
        assert_eq!(received.len(), MESSAGES as usize, "each message once");
        explain_refusals(&fake);
        assert_eq!(fake.limit_hits(), 0, "no 429 at any distance");
        let far: Vec<Received> = received
            .iter()
            .filter(|r| r.at >= far_from && r.at <= far_until)
            .cloned()
            .collect();
        let best = busiest(&far, RATE_WINDOW);
        eprintln!(
            "300 ms: busiest 5 s {best}; most in flight near {near_in_flight}, far {far_in_flight}"
        );
        assert!(best >= AT_RATE, "{best} in the busiest 5 s at 300 ms");
        assert!(near_in_flight <= 4, "near Telegram: {near_in_flight}");
        // 29/s × 300 ms is 8.7 in flight: the window grew to that, not to the ceiling (32).
        assert!(far_in_flight >= 8, "300 ms away: {far_in_flight}");
        assert!(far_in_flight <= 16, "300 ms away: {far_in_flight}");
    })
    .await;
}

/// With several messages in flight (150 ms away, the default configuration): each chat's
/// messages arrive in order, one a second; a group gets 20 in a minute and the 21st waits; the
/// bot's replies share the pacing — and Telegram refuses nothing.
#[tokio::test]
async fn several_in_flight_keep_order_per_chat_every_limit_and_the_replies_pacing() {
    each_backend(|_db, store, fake| async move {
        const GROUP: i64 = -4_242;
        const CHATS: std::ops::Range<i64> = 7_001..7_011;
        fake.enforce_limits(true);
        fake.set_round_trip(Duration::from_millis(150));
        fake.add_group(GROUP, "Nhóm huyện");
        let mut batch = Vec::new();
        for i in 0..4 {
            for chat in CHATS {
                fake.add_user(chat, "An", None);
                batch.push(message(
                    &format!("o:{chat}:{i}"),
                    chat,
                    &format!("tin {i} cho {chat}"),
                ));
            }
        }
        for i in 0..21 {
            batch.push(message(
                &format!("g:{i}"),
                GROUP,
                &format!("tin {i} cho {GROUP}"),
            ));
        }
        store.enqueue(&batch).await.expect("queued");
        queue_to_distinct_chats(&store, &fake, 70_000, 150).await;

        let config = OutboxConfig::default();
        let pacer = dondoc::chat::Pacer::new(&config);
        let bot = fake.bot_with_timeout(TOKEN, Duration::from_secs(config.request_timeout_secs));
        let sender = Sender::new(store.clone(), bot.clone(), config, Doorbell::default())
            .paced_by(pacer.clone());
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(sender.run(stopped));
        // The bot answers members of the same chats meanwhile, through the same pacer.
        let replies = tokio::spawn(async move {
            for round in 0..2 {
                for chat in CHATS {
                    pacer.reply_slot(chat).await.expect("no long pause");
                    bot.send_message(teloxide::types::ChatId(chat), format!("trả lời {round}"))
                        .await
                        .expect("the reply is taken");
                }
            }
        });
        let summary = drained(&store, Duration::from_secs(120)).await;
        tokio::time::timeout(WAIT, replies)
            .await
            .expect("the replies end")
            .expect("the replies did not panic");
        let _ = stop.send(true);
        tokio::time::timeout(WAIT, task)
            .await
            .expect("the sender stops")
            .expect("the sender did not panic");

        assert_eq!(
            summary.total(DeliveryState::Sent),
            40 + 21 + 150,
            "{summary:?}"
        );
        assert_eq!(fake.limit_hits(), 0, "Telegram refused nothing");
        assert!(fake.most_in_flight() > 1, "several were in flight");
        let received = received(&fake);
        for chat in CHATS {
            let outbox: Vec<String> = texts_to(&received, chat)
                .into_iter()
                .filter(|t| t.starts_with("tin "))
                .collect();
            let expected: Vec<String> = (0..4).map(|i| format!("tin {i} cho {chat}")).collect();
            assert_eq!(outbox, expected, "chat {chat} in order");
            assert_eq!(texts_to(&received, chat).len(), 6, "and both replies");
        }
        let group: Vec<&Received> = received.iter().filter(|r| r.chat == GROUP).collect();
        let expected: Vec<String> = (0..21).map(|i| format!("tin {i} cho {GROUP}")).collect();
        let texts: Vec<String> = group.iter().map(|r| r.text.clone()).collect();
        assert_eq!(texts, expected, "the group's in order");
        let waited = group[20].at.duration_since(group[0].at);
        assert!(
            waited >= Duration::from_secs(60),
            "the 21st came {waited:?} after the first"
        );
        for pair in group.windows(2) {
            let gap = pair[1].at.duration_since(pair[0].at);
            assert!(gap >= Duration::from_secs(1), "{gap:?} between two");
        }
    })
    .await;
}

/// A sender that loses its lease with several messages in flight claims nothing more; what it
/// had in flight lands and is recorded; nothing is left `sending`.
#[tokio::test]
async fn a_sender_losing_its_lease_with_several_in_flight_claims_nothing_more() {
    each_backend(|_db, store, fake| async move {
        const MESSAGES: i64 = 200;
        fake.enforce_limits(true);
        fake.set_round_trip(Duration::from_millis(150));
        queue_to_distinct_chats(&store, &fake, 80_000, MESSAGES).await;
        let sender = default_sender(&store, &fake);
        let deadline = Instant::now() + WAIT;
        while fake.accepted("sendMessage") < 60 {
            assert!(Instant::now() < deadline, "the sender is stuck");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        // Another process takes the lease (as after this one stalled past it).
        let lease = dondoc::store::SENDER_LEASE;
        store
            .release_lease(lease, &sender.holder)
            .await
            .expect("released");
        assert!(store
            .acquire_lease(lease, "thief", Utc::now(), chrono::Duration::seconds(60))
            .await
            .expect("lease"));
        let taken = Instant::now();
        let at_taking = fake.accepted("sendMessage");
        tokio::time::sleep(Duration::from_secs(2)).await;
        let summary = store.outbox_summary().await.expect("summary");
        let after = received(&fake).iter().filter(|r| r.at > taken).count();
        let accepted = fake.accepted("sendMessage");
        sender.stop().await;

        eprintln!("{after} sends after the lease was taken ({at_taking} before)");
        // What was claimed before: in flight (29/s × 150 ms with headroom: at most 8) and
        // the one waiting for its slot.
        assert!(after <= 9, "{after} sends after the lease was lost");
        assert_eq!(summary.total(DeliveryState::Sending), 0, "{summary:?}");
        assert_eq!(summary.total(DeliveryState::Sent), accepted as i64);
        assert_eq!(
            summary.total(DeliveryState::Queued),
            MESSAGES - accepted as i64
        );
        assert_eq!(fake.limit_hits(), 0);
    })
    .await;
}

/// Runs `sql` on a connection of its own to the test database, first setting each
/// `(reply_markup, idempotency_key)` of `markups` as an older version stored it.
async fn on_raw_connection(db: &DatabaseConfig, markups: &[(String, String)], sql: &str) {
    const SET: &str = "UPDATE outbox SET reply_markup = $1 WHERE idempotency_key = $2";
    const APPLIED: &str =
        "SELECT COUNT(*) FROM _sqlx_migrations WHERE version = 20261206000011 AND success";
    let url = db.url.expose_secret();
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
        for (markup, key) in markups {
            let set = sqlx::query(SET).bind(markup).bind(key);
            set.execute(&mut conn).await.expect("old row");
        }
        let applied: i64 = sqlx::query_scalar(APPLIED)
            .fetch_one(&mut conn)
            .await
            .expect("migrations");
        assert_eq!(applied, 1, "the migration is applied when the store opens");
        sqlx::raw_sql(sql)
            .execute(&mut conn)
            .await
            .expect("migration");
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        let schema = db.postgres_schema.as_deref().expect("the test schema");
        sqlx::raw_sql(&format!("SET search_path TO \"{schema}\""))
            .execute(&mut conn)
            .await
            .expect("search path");
        for (markup, key) in markups {
            let set = sqlx::query(SET).bind(markup).bind(key);
            set.execute(&mut conn).await.expect("old row");
        }
        let applied: i64 = sqlx::query_scalar(APPLIED)
            .fetch_one(&mut conn)
            .await
            .expect("migrations");
        assert_eq!(applied, 1, "the migration is applied when the store opens");
        sqlx::raw_sql(sql)
            .execute(&mut conn)
            .await
            .expect("migration");
    }
}

/// Telegram's inline keyboard as the versions before `chat::Markup` stored it.
fn telegram_keyboard(rows: &[&[(&str, &str)]]) -> Value {
    let rows: Vec<Vec<Value>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|(text, data)| json!({"text": text, "callback_data": data}))
                .collect()
        })
        .collect();
    json!({ "inline_keyboard": rows })
}

#[tokio::test]
async fn keyboards_queued_before_the_migration_are_converted_and_sent_as_they_were() {
    use dondoc::chat::{Keyboard, Markup, OperatorButton as B};
    use dondoc::domain::Lang;
    each_backend(|db, store, fake| async move {
        let operator = |buttons: Vec<B>| Keyboard::CaseOperator {
            case: dondoc::domain::CaseId(9),
            buttons,
        };
        // Every keyboard the service queued, as Telegram's JSON, and what it reads as now.
        let rows: Vec<(Value, Option<Markup>)> = vec![
            (
                telegram_keyboard(&[&[("Nộp báo cáo", "r:5:3")]]),
                Some(
                    Keyboard::SubmitReport {
                        period: dondoc::domain::PeriodId(5),
                        unit: dondoc::domain::UnitId(3),
                    }
                    .in_lang(Lang::Vi),
                ),
            ),
            (
                telegram_keyboard(&[
                    &[("Done", "s:42:d"), ("In progress", "s:42:p")],
                    &[("Blocked", "s:42:b"), ("Send document", "f:42")],
                ]),
                Some(
                    Keyboard::TaskCard {
                        assignment: dondoc::domain::AssignmentId(42),
                    }
                    .in_lang(Lang::En),
                ),
            ),
            (
                telegram_keyboard(&[
                    &[
                        ("Đã hoàn thành", "s:9223372036854775807:d"),
                        ("Đang thực hiện", "s:9223372036854775807:p"),
                    ],
                    &[
                        ("Gặp vướng mắc", "s:9223372036854775807:b"),
                        ("Gửi tài liệu", "f:9223372036854775807"),
                    ],
                ]),
                Some(
                    Keyboard::TaskCard {
                        assignment: dondoc::domain::AssignmentId(i64::MAX),
                    }
                    .in_lang(Lang::Vi),
                ),
            ),
            (
                telegram_keyboard(&[
                    &[("✅ Tiếp nhận", "h:a:7")],
                    &[("↩️ Không thuộc thẩm quyền", "h:r:7")],
                    &[("✍️ Trả lời", "h:w:7")],
                ]),
                Some(
                    Keyboard::CaseHop {
                        hop: dondoc::domain::CaseHopId(7),
                    }
                    .in_lang(Lang::Vi),
                ),
            ),
            (
                telegram_keyboard(&[
                    &[("📞 Đã báo người dân", "v:in:9")],
                    &[("✅ Đã báo người dân, đóng", "v:cl:9")],
                ]),
                Some(operator(vec![B::Informed, B::InformedClose]).in_lang(Lang::Vi)),
            ),
            (
                telegram_keyboard(&[&[("✅ Citizen informed, close", "v:cl:9")]]),
                Some(operator(vec![B::InformedClose]).in_lang(Lang::En)),
            ),
            (
                telegram_keyboard(&[&[("↪️ Chuyển đơn vị", "v:fw:9")]]),
                Some(operator(vec![B::Route]).in_lang(Lang::Vi)),
            ),
            (
                telegram_keyboard(&[
                    &[("➕ Add a unit", "v:fw:9")],
                    &[("↪️ Route to a unit", "v:mv:9")],
                ]),
                Some(operator(vec![B::AddUnit, B::Move]).in_lang(Lang::En)),
            ),
            (
                telegram_keyboard(&[&[("Mở lại", "v:ro:9")]]),
                Some(operator(vec![B::Reopen]).in_lang(Lang::Vi)),
            ),
            // None the service wrote: kept as it is, and sent as it is.
            (telegram_keyboard(&[&[("Xong", "done:7")]]), None),
        ];
        let mut markups = Vec::new();
        for (n, (old, _)) in rows.iter().enumerate() {
            let chat = 7001 + n as i64;
            fake.add_user(chat, "An", None);
            let key = format!("old:{n}");
            store
                .enqueue(&[message(&key, chat, &format!("Tin cũ {n}"))])
                .await
                .expect("queued");
            markups.push((old.to_string(), key));
        }
        // Not JSON at all: the migration leaves it, Telegram is never asked, the row fails.
        fake.add_user(7000, "An", None);
        let broken = message("old:broken", 7000, "Tin hỏng");
        store.enqueue(&[broken]).await.expect("queued");
        markups.push(("{not json".into(), "old:broken".into()));
        let sql = if db.url.expose_secret().starts_with("sqlite:") {
            include_str!("../../migrations/sqlite/20261206000011_outbox_keyboard.sql")
        } else {
            include_str!("../../migrations/postgres/20261206000011_outbox_keyboard.sql")
        };
        on_raw_connection(&db, &markups, sql).await;

        let stored = store.outbox_messages().await.expect("outbox");
        for (n, (old, now)) in rows.iter().enumerate() {
            let row = stored
                .iter()
                .find(|m| m.key == format!("old:{n}"))
                .expect("the row");
            let kept = row.reply_markup.as_deref().expect("a keyboard");
            match now {
                Some(markup) => assert_eq!(
                    serde_json::from_str::<Markup>(kept).ok().as_ref(),
                    Some(markup),
                    "{old} became {kept}"
                ),
                None => assert_eq!(serde_json::from_str::<Value>(kept).ok().as_ref(), Some(old)),
            }
        }
        let broken = stored.iter().find(|m| m.key == "old:broken");
        assert_eq!(
            broken.and_then(|m| m.reply_markup.as_deref()),
            Some("{not json")
        );
        // Sent, each draws as the keyboard it was queued with.
        let summary = send_everything(&store, &fake).await;
        assert_eq!(summary.total(DeliveryState::Sent), rows.len() as i64);
        assert_eq!(summary.total(DeliveryState::Failed), 1, "{summary:?}");
        assert!(fake.sent_to(7000).is_empty());
        let received = received(&fake);
        for (n, (old, _)) in rows.iter().enumerate() {
            let chat = 7001 + n as i64;
            let sent = received.iter().find(|r| r.chat == chat).expect("sent");
            assert_eq!(&sent.markup, old, "chat {chat}");
        }
    })
    .await;
}
