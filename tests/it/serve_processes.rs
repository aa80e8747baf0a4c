//! Two real `dondoc serve` processes on one database share one outbox: 2,000 queued messages
//! reach Telegram (the fake server) exactly once each, even when the process holding the sender
//! lease is killed (SIGKILL) in the middle — then at most the one message it had in flight
//! goes out twice (`max_in_flight = 1`). With the default window, 150 ms from Telegram, a kill
//! sends again at most what was in flight. On SQLite and Postgres (on SQLite the second process
//! starts after the kill: two at once on one file are refused).

use crate::support;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dondoc::domain::MessageKind;
use dondoc::store::{MessageSubject, NewMessage, Store};
use secrecy::ExposeSecret;
use support::fake_telegram::FakeTelegram;
use support::{test_dbs, TestDb};

const MESSAGES: i64 = 2_000;

/// `serve` with quick lease settings and the `extra` environment on top.
fn serve_with(db: &TestDb, fake: &FakeTelegram, extra: &[(&str, &str)]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dondoc"));
    command
        .arg("serve")
        .env(
            "DONDOC_DATABASE__URL",
            db.config.database.url.expose_secret(),
        )
        .env("DONDOC_TELEGRAM__BOT_TOKEN", "123456:TEST-TOKEN")
        .env("DONDOC_TELEGRAM__API_URL", fake.api_url())
        .env("DONDOC_TELEGRAM__POLL_TIMEOUT_SECS", "1")
        .env("DONDOC_OUTBOX__LEASE_SECS", "2")
        .env("DONDOC_OUTBOX__REQUEST_TIMEOUT_SECS", "1")
        .env("DONDOC_OUTBOX__POLL_INTERVAL_MS", "50")
        // These processes run on the wall clock, whatever the hour in Viet Nam.
        .env("DONDOC_OUTBOX__WORKING_HOURS_ONLY", "false")
        .env("DONDOC_LOG__FILTER", "warn")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (key, value) in extra {
        command.env(key, value);
    }
    if let Some(schema) = &db.config.database.postgres_schema {
        command.env("DONDOC_DATABASE__POSTGRES_SCHEMA", schema);
    }
    command.spawn().expect("dondoc serve starts")
}

/// Successful sendMessage calls by text.
fn delivered(fake: &FakeTelegram) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for call in fake.calls() {
        if call.method == "sendmessage" && call.is_ok() {
            let text = call.params["text"].as_str().unwrap_or_default().to_string();
            *seen.entry(text).or_insert(0) += 1;
        }
    }
    seen
}

async fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The pid in the lease holder's name ("host:pid:random").
async fn lease_holder_pid(store: &Store) -> Option<u32> {
    let holder = store
        .lease_holder(dondoc::store::SENDER_LEASE)
        .await
        .expect("lease")?;
    holder.split(':').nth(1)?.parse().ok()
}

#[tokio::test]
async fn two_serve_processes_send_each_message_once_through_a_kill() {
    for db in test_dbs().await {
        let fake = FakeTelegram::start().await;
        let store = db.store(support::clock()).await;
        let messages: Vec<NewMessage> = (1..=MESSAGES)
            .map(|chat| {
                fake.add_user(chat, "Cán bộ", None);
                NewMessage {
                    key: format!("test:{chat}"),
                    kind: MessageKind::Reminder,
                    chat_id: chat,
                    person_id: None,
                    body: format!("Nhắc việc số {chat}"),
                    reply_markup: None,
                    subject: MessageSubject::default(),
                }
            })
            .collect();
        assert_eq!(
            store.enqueue(&messages).await.expect("queued"),
            MESSAGES as u64
        );

        // One message in flight at a time: the kill can send at most that one again.
        let one = [
            ("DONDOC_OUTBOX__MESSAGES_PER_SECOND", "1000"),
            ("DONDOC_OUTBOX__MAX_IN_FLIGHT", "1"),
        ];
        // On SQLite a second serve refuses to start while the first holds the file (see
        // tests/it/cli.rs); it takes over once the first is gone.
        let sqlite = db.name == "sqlite";
        let mut processes = vec![serve_with(&db, &fake, &one)];
        if !sqlite {
            processes.push(serve_with(&db, &fake, &one));
        }
        wait_until("500 messages", Duration::from_secs(60), || {
            delivered(&fake).len() >= 500
        })
        .await;
        // Kill the process that holds the sender lease, mid-stream, without warning.
        let holder = lease_holder_pid(&store)
            .await
            .expect("someone holds the lease");
        let index = processes
            .iter()
            .position(|p| p.id() == holder)
            .expect("the holder is one of ours");
        let mut killed = processes.remove(index);
        killed.kill().expect("SIGKILL");
        killed.wait().expect("reaped");
        if sqlite {
            processes.push(serve_with(&db, &fake, &one));
        }
        let at_kill = delivered(&fake).len();
        assert!(
            at_kill < MESSAGES as usize,
            "{}: the kill came too late to mean anything",
            db.name
        );

        // The other process takes the lease over and finishes.
        wait_until("every message", Duration::from_secs(120), || {
            delivered(&fake).len() >= MESSAGES as usize
        })
        .await;
        let seen = delivered(&fake);
        for chat in 1..=MESSAGES {
            assert!(
                seen.contains_key(&format!("Nhắc việc số {chat}")),
                "{}: message {chat} lost",
                db.name
            );
        }
        let twice: Vec<(&String, &usize)> = seen.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            twice.len() <= 1,
            "{}: more than the one message in flight went twice: {twice:?}",
            db.name
        );
        assert!(twice.iter().all(|(_, n)| **n == 2));
        let summary = store.outbox_summary().await.expect("summary");
        assert_eq!(summary.total(dondoc::domain::DeliveryState::Sent), MESSAGES);

        for mut process in processes {
            let _ = process.kill();
            let _ = process.wait();
        }
        store.close().await;
        fake.shutdown().await;
        db.finish().await;
    }
}

/// What a kill may send again with several messages in flight: 150 ms from Telegram, the
/// default rate and window (`max_in_flight` 32; the window keeps 29/s × 150 ms with headroom,
/// at most 8), the holder of the lease killed three times. Each kill sends again at most
/// what was in flight; the counts are printed for RELIABILITY.md.
#[tokio::test]
async fn a_kill_150_ms_from_telegram_sends_again_at_most_what_was_in_flight() {
    const COUNT: i64 = 600;
    const KILLS: usize = 3;
    /// The window at 150 ms: ceil(29 × 0.15 × 1.25) + 2.
    const IN_FLIGHT_BOUND: usize = 8;
    for db in test_dbs().await {
        let fake = FakeTelegram::start().await;
        fake.enforce_limits(true);
        fake.set_round_trip(Duration::from_millis(150));
        let store = db.store(support::clock()).await;
        let messages: Vec<NewMessage> = (1..=COUNT)
            .map(|chat| {
                fake.add_user(chat, "Cán bộ", None);
                NewMessage {
                    key: format!("test:{chat}"),
                    kind: MessageKind::Reminder,
                    chat_id: chat,
                    person_id: None,
                    body: format!("Nhắc việc số {chat}"),
                    reply_markup: None,
                    subject: MessageSubject::default(),
                }
            })
            .collect();
        store.enqueue(&messages).await.expect("queued");

        // On SQLite one serve holds the file; its successor starts right after each kill.
        let sqlite = db.name == "sqlite";
        let mut processes = vec![serve_with(&db, &fake, &[])];
        if !sqlite {
            processes.push(serve_with(&db, &fake, &[]));
        }
        let mut per_kill = Vec::new();
        for kill in 1..=KILLS {
            let before = delivered(&fake).len();
            wait_until("sends before the kill", Duration::from_secs(60), || {
                delivered(&fake).len() >= before + 100
            })
            .await;
            let holder = lease_holder_pid(&store)
                .await
                .expect("someone holds the lease");
            let index = processes
                .iter()
                .position(|p| p.id() == holder)
                .expect("the holder is one of ours");
            let twice_before = twice(&fake);
            let mut killed = processes.remove(index);
            killed.kill().expect("SIGKILL");
            killed.wait().expect("reaped");
            if sqlite {
                processes.push(serve_with(&db, &fake, &[]));
            }
            let at_kill = delivered(&fake).len();
            assert!(
                at_kill < COUNT as usize,
                "{}: kill {kill} came too late",
                db.name
            );
            // The other takes over (after the lease) and sends 50 more: what the killed one
            // had in flight has gone again by then (it was queued first).
            wait_until("the takeover", Duration::from_secs(60), || {
                delivered(&fake).len() >= (at_kill + 50).min(COUNT as usize)
            })
            .await;
            per_kill.push(twice(&fake) - twice_before);
            if !sqlite {
                processes.push(serve_with(&db, &fake, &[]));
            }
        }
        wait_until("every message", Duration::from_secs(120), || {
            delivered(&fake).len() >= COUNT as usize
        })
        .await;
        let seen = delivered(&fake);
        for chat in 1..=COUNT {
            assert!(
                seen.contains_key(&format!("Nhắc việc số {chat}")),
                "{}: message {chat} lost",
                db.name
            );
        }
        assert!(seen.values().all(|n| *n <= 2), "{}: {seen:?}", db.name);
        eprintln!(
            "{}: duplicates per kill {per_kill:?}; most in flight {}; 429s {}",
            db.name,
            fake.most_in_flight(),
            fake.limit_hits()
        );
        for (kill, dups) in per_kill.iter().enumerate() {
            assert!(
                *dups <= IN_FLIGHT_BOUND,
                "{}: kill {}: {dups} sent twice, more than could be in flight",
                db.name,
                kill + 1
            );
        }
        // The last answers are recorded a moment after the fake has them.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let summary = store.outbox_summary().await.expect("summary");
            if summary.total(dondoc::domain::DeliveryState::Sent) == COUNT {
                break;
            }
            assert!(Instant::now() < deadline, "{}: {summary:?}", db.name);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        for mut process in processes {
            let _ = process.kill();
            let _ = process.wait();
        }
        store.close().await;
        fake.shutdown().await;
        db.finish().await;
    }
}

/// How many texts arrived more than once.
fn twice(fake: &FakeTelegram) -> usize {
    delivered(fake).values().filter(|n| **n > 1).count()
}
