//! Reminders to Zalo members (issue 18, the outbound half): the scheduler writes to each
//! member's one chat (chosen, else last used, else Telegram), and two senders — Telegram's and
//! Zalo's, each with its own lease, pacer and rates — send a mixed wave to the fake Telegram
//! and the fake Zalo servers within each one's limits. Zalo rows are text with the line that
//! answers them, split at line breaks within 2,000 characters; a Zalo member who blocked the
//! bot is parked and shown as unreachable. On SQLite and Postgres.

use crate::support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use dondoc::chat::{Keyboard, Pacer};
use dondoc::config::{Config, DatabaseConfig, OutboxConfig, ZaloConfig};
use dondoc::domain::unit::NewPerson;
use dondoc::domain::{Channel, DeliveryState, Lang, MessageKind, PersonId, PersonRole, UnitCode};
use dondoc::outbox::{Doorbell, Sender};
use dondoc::scheduler::{Rules, Scheduler};
use dondoc::store::{MessageSubject, NewMessage, OutboxSummary, Store};
use dondoc::zalo::send::{self, ZaloMessenger};
use secrecy::{ExposeSecret, SecretString};
use sqlx::Connection;
use support::fake_telegram::FakeTelegram;
use support::fake_zalo::{self, FakeZalo, Limits as ZaloLimits};
use support::{actor, test_dbs};
use tokio::sync::watch;
use tokio::task::JoinHandle;

const TELEGRAM_TOKEN: &str = "123456:MIXED-WAVE";
const WAIT: Duration = Duration::from_secs(90);
/// Members per messenger in the wave (half in each of two communes).
const EACH: i64 = 24;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn local(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    Ho_Chi_Minh
        .from_local_datetime(&day.and_hms_opt(hour, 0, 0).expect("valid time"))
        .single()
        .expect("no DST in Vietnam")
        .with_timezone(&Utc)
}

/// Runs `statement` on a connection of its own (links on Zalo are made by the listener's
/// onboarding, which these tests do not run).
async fn sql(db: &DatabaseConfig, statement: &str) {
    let url = db.url.expose_secret();
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("SQLite");
        sqlx::raw_sql(statement)
            .execute(&mut conn)
            .await
            .expect("statement");
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("Postgres");
        let schema = db.postgres_schema.as_deref().expect("the test schema");
        sqlx::raw_sql(&format!("SET search_path TO \"{schema}\"; {statement}"))
            .execute(&mut conn)
            .await
            .expect("statement");
    }
}

/// A member of `unit`, linked on Telegram (`telegram`) and/or Zalo (`zalo`: the Zalo user id,
/// which is also their private chat's id). Returns the person and their Zalo chat number.
async fn member(
    store: &Store,
    db: &DatabaseConfig,
    unit: &str,
    name: &str,
    telegram: Option<i64>,
    zalo: Option<&str>,
) -> (PersonId, Option<i64>) {
    let person = store
        .add_person(
            &NewPerson {
                unit: UnitCode::parse(unit).expect("code"),
                full_name: name.into(),
                role: PersonRole::Head,
                telegram_user_id: telegram,
                phone: None,
            },
            &actor(),
        )
        .await
        .expect("person");
    let Some(zalo) = zalo else {
        return (person.id, None);
    };
    let number = store.zalo_number(zalo).await.expect("a Zalo number");
    sql(
        db,
        &format!(
            "UPDATE people SET zalo_user = {number}, zalo_chat = {number} WHERE id = {}",
            person.id
        ),
    )
    .await;
    (person.id, Some(number))
}

fn telegram_config() -> OutboxConfig {
    OutboxConfig {
        messages_per_second: 29.0,
        chat_interval_ms: 1_050,
        max_in_flight: 8,
        request_timeout_secs: 2,
        lease_secs: 3,
        poll_interval_ms: 20,
        max_backoff_secs: 1,
        ..OutboxConfig::default()
    }
}

/// Zalo publishes no limits; the fake refuses over 10 a second and a second per chat, and
/// the sender keeps under both.
fn zalo_config(fake: &FakeZalo, token: &str) -> ZaloConfig {
    ZaloConfig {
        bot_token: Some(SecretString::from(token.to_string())),
        api_url: fake.api_url(),
        messages_per_second: 9.0,
        chat_interval_ms: 1_100,
        max_in_flight: 4,
        request_timeout_secs: 2,
        ..ZaloConfig::default()
    }
}

struct Running {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Running {
    fn start(sender: Sender) -> Running {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(sender.run(stopped));
        Running { stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(true);
        tokio::time::timeout(WAIT, self.task)
            .await
            .expect("the sender stops")
            .expect("the sender did not panic");
    }
}

fn telegram_sender(store: &Store, fake: &FakeTelegram) -> Sender {
    let bot = fake.bot_with_timeout(TELEGRAM_TOKEN, Duration::from_secs(2));
    Sender::new(store.clone(), bot, telegram_config(), Doorbell::default())
}

fn zalo_sender(store: &Store, zalo: &ZaloConfig) -> Sender {
    let pacer: Pacer = send::pacer(zalo);
    let token = zalo.bot_token.clone().expect("a token");
    let api = send::client(zalo, token).expect("the client");
    let messenger = ZaloMessenger::new(api, store.clone(), pacer.clone(), Lang::Vi);
    let config = send::outbox_config(&telegram_config(), zalo);
    Sender::through(
        store.clone(),
        Arc::new(messenger),
        config,
        Doorbell::default(),
    )
    .paced_by(pacer)
}

/// Waits until nothing is queued or being sent.
async fn drained(store: &Store) -> OutboxSummary {
    let deadline = Instant::now() + WAIT;
    loop {
        let summary = store.outbox_summary().await.expect("summary");
        if summary.total(DeliveryState::Queued) + summary.total(DeliveryState::Sending) == 0 {
            return summary;
        }
        assert!(
            Instant::now() < deadline,
            "the queue did not empty: {summary:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_mixed_reminder_wave_reaches_each_member_once_on_their_messenger() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        let database = &db.config.database;
        support::seed004(&store, "HG-2026", 2026).await;
        let telegram = FakeTelegram::start().await;
        telegram.enforce_limits(true);
        let zalo = FakeZalo::start().await;
        zalo.enforce_limits(Some(ZaloLimits {
            per_second: 10,
            per_chat_gap: Duration::from_millis(1_000),
        }));

        // Where each member's reminder must arrive: a Telegram id or a Zalo user id.
        let mut expect_telegram: Vec<i64> = Vec::new();
        let mut expect_zalo: Vec<String> = Vec::new();
        let mut silent_telegram: Vec<i64> = Vec::new();
        let mut silent_zalo: Vec<String> = Vec::new();
        let units = ["HG-TRANPHU", "HG-MINHKHAI"];
        for i in 0..EACH {
            let unit = units[usize::from(i % 2 == 1)];
            let id = 7_000 + i;
            telegram.add_user(id, "Cán bộ", None);
            member(
                &store,
                database,
                unit,
                &format!("Telegram {i}"),
                Some(id),
                None,
            )
            .await;
            expect_telegram.push(id);
            let zid = format!("zu{i:03}");
            zalo.add_user(&zid);
            member(
                &store,
                database,
                unit,
                &format!("Zalo {i}"),
                None,
                Some(&zid),
            )
            .await;
            expect_zalo.push(zid);
        }
        // Linked on both: Telegram when nothing says otherwise; the one used last; a choice
        // over the one used last.
        for (id, zid) in [(8_001, "zboth1"), (8_002, "zboth2"), (8_003, "zboth3")] {
            telegram.add_user(id, "Hai ứng dụng", None);
            zalo.add_user(zid);
        }
        member(
            &store,
            database,
            "HG-TRANPHU",
            "Cả hai, chưa dùng",
            Some(8_001),
            Some("zboth1"),
        )
        .await;
        let (_, last_zalo) = member(
            &store,
            database,
            "HG-TRANPHU",
            "Cả hai, dùng Zalo",
            Some(8_002),
            Some("zboth2"),
        )
        .await;
        let (chose, chose_zalo) = member(
            &store,
            database,
            "HG-MINHKHAI",
            "Cả hai, chọn Telegram",
            Some(8_003),
            Some("zboth3"),
        )
        .await;
        // They wrote on Zalo last (as the listener records it), one of them chose Telegram.
        for number in [last_zalo, chose_zalo].into_iter().flatten() {
            store.mark_reachable(number).await.expect("last used");
        }
        store
            .set_channel_choice(chose, Some(Channel::Telegram), &actor())
            .await
            .expect("chosen")
            .expect("the person");
        expect_telegram.extend([8_001, 8_003]);
        silent_zalo.extend(["zboth1".to_string(), "zboth3".to_string()]);
        expect_zalo.push("zboth2".into());
        silent_telegram.push(8_002);
        // A Zalo member who blocked the bot.
        zalo.add_user("zblocked");
        zalo.block_user("zblocked");
        let (_, blocked) = member(
            &store,
            database,
            "HG-MINHKHAI",
            "Đã chặn bot",
            None,
            Some("zblocked"),
        )
        .await;
        let blocked = blocked.expect("a Zalo number");

        // The 7-day reminder of the first quarter's report, to every member of both communes.
        let at = local(date(2026, 3, 3), 8);
        clock.set(at);
        let scheduler = Scheduler::new(
            store.clone(),
            Rules::from_config(&Config::default()),
            Doorbell::default(),
        );
        let report = scheduler.pass(at, false).await.expect("pass");
        assert!(report.queued > 0, "{}: nothing queued", db.name);
        let outbox = store.outbox_messages().await.expect("outbox");
        let mut rows_by_chat: HashMap<i64, usize> = HashMap::new();
        for row in &outbox {
            *rows_by_chat.entry(row.chat_id).or_default() += 1;
        }

        // Both messengers at once, each with its own sender.
        let started = Instant::now();
        let telegram_run = Running::start(telegram_sender(&store, &telegram));
        let zalo_run = Running::start(zalo_sender(&store, &zalo_config(&zalo, fake_zalo::TOKEN)));
        let summary = drained(&store).await;
        let took = started.elapsed();
        telegram_run.stop().await;
        zalo_run.stop().await;

        assert_eq!(telegram.limit_hits(), 0, "{}: Telegram said 429", db.name);
        assert_eq!(zalo.limit_hits(), 0, "{}: Zalo said 429", db.name);
        assert_eq!(
            summary.total(DeliveryState::Failed),
            0,
            "{}: {summary:?}",
            db.name
        );
        assert_eq!(
            summary.total(DeliveryState::Parked),
            1,
            "{}: {summary:?}",
            db.name
        );

        // Each member got exactly what the outbox held for their one chat, once, there.
        for id in &expect_telegram {
            let rows = rows_by_chat.get(id).copied().unwrap_or(0);
            assert!(rows >= 1, "{}: nothing queued for Telegram {id}", db.name);
            assert_eq!(
                telegram.sent_to(*id).len(),
                rows,
                "{}: Telegram {id}",
                db.name
            );
        }
        for zid in &expect_zalo {
            let number = store.zalo_number(zid).await.expect("number");
            let rows = rows_by_chat.get(&number).copied().unwrap_or(0);
            assert!(rows >= 1, "{}: nothing queued for Zalo {zid}", db.name);
            let texts = zalo.texts_to(zid);
            assert_eq!(texts.len(), rows, "{}: Zalo {zid}: {texts:?}", db.name);
            for text in &texts {
                assert!(text.chars().count() <= 2_000);
                let last = text.lines().last().unwrap_or_default();
                assert_eq!(
                    last, "Nộp báo cáo: `bc quý I: nội dung` (hoặc gửi ảnh kèm chú thích đó)",
                    "{}: the reminder ends with how to answer it: {text}",
                    db.name
                );
                assert!(!text.contains("Bấm «Nộp báo cáo»"), "{text}");
            }
        }
        for id in &silent_telegram {
            assert!(
                telegram.sent_to(*id).is_empty(),
                "{}: Telegram {id} got a copy",
                db.name
            );
        }
        for zid in &silent_zalo {
            assert!(
                zalo.texts_to(zid).is_empty(),
                "{}: Zalo {zid} got a copy",
                db.name
            );
        }
        // Telegram's rows are as before: buttons, not text lines.
        let sample = telegram.sent_to(expect_telegram[0]);
        assert!(
            sample[0]["reply_markup"]["inline_keyboard"].is_array(),
            "{sample:?}"
        );

        // The member who blocked the bot: parked and shown as unreachable.
        let parked: Vec<_> = store
            .outbox_messages()
            .await
            .expect("outbox")
            .into_iter()
            .filter(|m| m.state == "parked")
            .collect();
        assert_eq!(parked.len(), 1);
        assert_eq!(parked[0].chat_id, blocked);
        let gaps = store.reach_gaps().await.expect("gaps");
        assert!(
            gaps.members.iter().any(|m| m.full_name == "Đã chặn bot"),
            "{}: {gaps:?}",
            db.name
        );

        let telegram_sent = expect_telegram
            .iter()
            .map(|id| telegram.sent_to(*id).len())
            .sum::<usize>();
        let zalo_sent = zalo
            .calls()
            .iter()
            .filter(|c| c.ok && c.method == "sendmessage")
            .count();
        eprintln!(
            "{}: mixed wave: {telegram_sent} Telegram + {zalo_sent} Zalo messages in {took:?}",
            db.name
        );
        store.close().await;
        db.finish().await;
    }
}

/// Queues `messages` and sends with Zalo's sender alone, until no Zalo row waits (Telegram's
/// rows are not its to send).
async fn send_on_zalo(store: &Store, zalo: &FakeZalo, messages: &[NewMessage]) {
    store.enqueue(messages).await.expect("queued");
    let run = Running::start(zalo_sender(store, &zalo_config(zalo, fake_zalo::TOKEN)));
    let deadline = Instant::now() + WAIT;
    loop {
        let outbox = store.outbox_messages().await.expect("outbox");
        let waiting = outbox
            .iter()
            .filter(|m| Channel::of_chat(m.chat_id) == Channel::Zalo)
            .filter(|m| m.state == "queued" || m.state == "sending")
            .count();
        if waiting == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Zalo's rows did not go: {outbox:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    run.stop().await;
}

fn message(key: &str, kind: MessageKind, chat_id: i64, body: String) -> NewMessage {
    NewMessage {
        key: key.into(),
        kind,
        chat_id,
        person_id: None,
        body,
        reply_markup: None,
        subject: MessageSubject::default(),
    }
}

#[tokio::test]
async fn a_long_digest_is_split_at_line_breaks_within_two_thousand_characters() {
    for db in test_dbs().await {
        let store = db.store(support::clock()).await;
        let zalo = FakeZalo::start().await;
        zalo.add_user("zlong");
        let chat = store.zalo_number("zlong").await.expect("number");
        let lines: Vec<String> = (1..=160)
            .map(|i| format!("{i}. Xã số {i}: 3 nhiệm vụ quá hạn, 1 báo cáo chưa nộp"))
            .collect();
        let body = lines.join("\n");
        assert!(body.chars().count() > 6_000);
        // The same digest to a Telegram chat keeps Telegram's 4,096.
        let telegram_copy = message("digest:tg", MessageKind::Digest, 4242, body.clone());
        let zalo_copy = message("digest:zalo", MessageKind::Digest, chat, body.clone());
        store.enqueue(&[telegram_copy]).await.expect("queued");
        send_on_zalo(&store, &zalo, &[zalo_copy]).await;

        let texts = zalo.texts_to("zlong");
        assert!(texts.len() >= 4, "{}: {} parts", db.name, texts.len());
        for text in &texts {
            let n = text.chars().count();
            assert!(n <= 2_000, "{}: a part of {n} characters", db.name);
            for line in text.lines() {
                assert!(
                    lines.iter().any(|l| l == line),
                    "{}: a cut line: {line}",
                    db.name
                );
            }
        }
        assert_eq!(
            texts.join("\n"),
            body,
            "{}: every line once, in order",
            db.name
        );
        let outbox = store.outbox_messages().await.expect("outbox");
        let telegram_rows = outbox.iter().filter(|m| m.chat_id == 4242).count();
        let telegram_parts = dondoc::domain::text::split_message(&body, 4096).len();
        assert!(telegram_parts < texts.len());
        assert_eq!(
            telegram_rows, telegram_parts,
            "{}: Telegram's split is unchanged",
            db.name
        );
        assert!(
            outbox
                .iter()
                .filter(|m| m.chat_id == 4242)
                .all(|m| m.state == "queued"),
            "{}: Zalo's sender leaves Telegram's rows alone",
            db.name
        );
        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn a_task_reminder_on_zalo_quotes_the_number_viec_shows() {
    for db in test_dbs().await {
        let store = db.store(support::clock()).await;
        let database = &db.config.database;
        support::seed004(&store, "HG-2026", 2026).await;
        let zalo = FakeZalo::start().await;
        zalo.add_user("ztask");
        let (_, chat) = member(
            &store,
            database,
            "HG-TRANPHU",
            "Chủ tịch",
            None,
            Some("ztask"),
        )
        .await;
        let chat = chat.expect("number");
        let unit = store
            .unit(&UnitCode::parse("HG-TRANPHU").expect("code"))
            .await
            .expect("unit")
            .expect("exists");
        let cards = store.open_assignments(&[unit.id]).await.expect("cards");
        assert!(
            cards.len() >= 3,
            "{}: seed 004 gives Trần Phú tasks",
            db.name
        );
        let third = cards[2].assignment_id;
        assert_eq!(
            store.task_number(&[unit.id], third).await.expect("number"),
            Some(3)
        );
        let mut card = message(
            "remind:task:zalo",
            MessageKind::Reminder,
            chat,
            format!("⏰ Nhiệm vụ sắp đến hạn\n– {}", cards[2].text),
        );
        card.reply_markup = Some(Keyboard::TaskCard { assignment: third }.in_lang(Lang::Vi));
        // Several tasks in one reminder: no keyboard, the list's syntax.
        let several = message(
            "remind:tasks:zalo",
            MessageKind::Reminder,
            chat,
            "⏰ 4 nhiệm vụ sắp đến hạn".into(),
        );
        send_on_zalo(&store, &zalo, &[card, several]).await;
        let texts = zalo.texts_to("ztask");
        assert_eq!(texts.len(), 2, "{}: {texts:?}", db.name);
        assert_eq!(
            texts[0].lines().last(),
            Some("Trả lời: `3 xong` · `3 đang làm` · `3 vướng: lý do`"),
            "{}: {}",
            db.name,
            texts[0]
        );
        assert!(
            texts[1].ends_with("rồi trả lời: `3 xong` · `3 đang làm` · `3 vướng: lý do`"),
            "{}: {}",
            db.name,
            texts[1]
        );
        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn a_refused_zalo_token_stops_the_zalo_sender_and_keeps_the_message() {
    for db in test_dbs().await {
        let store = db.store(support::clock()).await;
        let zalo = FakeZalo::start().await;
        zalo.add_user("ztoken");
        let chat = store.zalo_number("ztoken").await.expect("number");
        store
            .enqueue(&[message(
                "t:1",
                MessageKind::Reminder,
                chat,
                "Nhắc việc".into(),
            )])
            .await
            .expect("queued");
        let sender = zalo_sender(&store, &zalo_config(&zalo, "1:wrong-token"));
        let (_stop, stopped) = watch::channel(false);
        // It stops by itself.
        tokio::time::timeout(WAIT, sender.run(stopped))
            .await
            .expect("the sender stops on a refused token");
        let outbox = store.outbox_messages().await.expect("outbox");
        assert_eq!(outbox[0].state, "queued", "{}: the message waits", db.name);
        assert!(zalo.texts_to("ztoken").is_empty());
        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn members_channel_chooses_the_messenger_and_writing_last_switches_it() {
    for db in test_dbs().await {
        let store = db.store(support::clock()).await;
        let database = &db.config.database;
        support::seed004(&store, "HG-2026", 2026).await;
        let (person, zalo_chat) = member(
            &store,
            database,
            "HG-TRANPHU",
            "Cả hai",
            Some(9_001),
            Some("zsw"),
        )
        .await;
        let zalo_chat = zalo_chat.expect("number");
        let chat_of = |store: Store| async move {
            store.members_by_id(&[person]).await.expect("member")[0]
                .person
                .chat_to_write()
        };
        assert_eq!(chat_of(store.clone()).await, Some(9_001), "Telegram first");
        // Writing on Zalo makes Zalo the one used last; on Telegram again, Telegram.
        store
            .mark_reachable(zalo_chat)
            .await
            .expect("wrote on Zalo");
        assert_eq!(chat_of(store.clone()).await, Some(zalo_chat));
        store
            .mark_reachable(9_001)
            .await
            .expect("wrote on Telegram");
        assert_eq!(chat_of(store.clone()).await, Some(9_001));

        let id = person.get().to_string();
        let out = db.dondoc(&["members", "channel", "--person", &id, "zalo"]);
        assert!(out.status.success(), "{}", support::stderr(&out));
        assert!(support::stdout(&out).contains("Cả hai: nhắc việc gửi qua Zalo."));
        assert_eq!(
            chat_of(store.clone()).await,
            Some(zalo_chat),
            "chosen beats last used"
        );
        store
            .mark_reachable(9_001)
            .await
            .expect("wrote on Telegram");
        assert_eq!(
            chat_of(store.clone()).await,
            Some(zalo_chat),
            "still chosen"
        );
        let out = db.dondoc(&["members", "channel", "--person", &id, "last"]);
        assert!(out.status.success(), "{}", support::stderr(&out));
        assert_eq!(
            chat_of(store.clone()).await,
            Some(9_001),
            "back to the last used"
        );
        let audit = store.audit_entries(50).await.expect("audit");
        assert_eq!(
            audit
                .iter()
                .filter(|e| e.action == "person.channel")
                .count(),
            2,
            "{}",
            db.name
        );
        let missing = db.dondoc(&["members", "channel", "--person", "99999", "zalo"]);
        assert!(!missing.status.success());
        assert!(support::stderr(&missing).contains("Không có thành viên #99999."));
        store.close().await;
        db.finish().await;
    }
}
