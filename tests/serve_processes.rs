//! Two real `dondoc serve` processes on one database share one outbox: 2,000 queued messages
//! reach Telegram (the fake server) exactly once each, even when the process holding the sender
//! lease is killed (SIGKILL) in the middle — then at most the one message it had in flight
//! goes out twice. On SQLite and Postgres (on SQLite the second process starts after the kill:
//! two at once on one file are refused).

mod support;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dondoc::domain::MessageKind;
use dondoc::store::{MessageSubject, NewMessage, Store};
use secrecy::ExposeSecret;
use support::fake_telegram::FakeTelegram;
use support::{test_dbs, TestDb};

const MESSAGES: i64 = 2_000;

fn serve(db: &TestDb, fake: &FakeTelegram) -> Child {
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
        .env("DONDOC_OUTBOX__MESSAGES_PER_SECOND", "1000")
        .env("DONDOC_OUTBOX__LEASE_SECS", "2")
        .env("DONDOC_OUTBOX__REQUEST_TIMEOUT_SECS", "1")
        .env("DONDOC_OUTBOX__POLL_INTERVAL_MS", "50")
        // These processes run on the wall clock, whatever the hour in Viet Nam.
        .env("DONDOC_OUTBOX__WORKING_HOURS_ONLY", "false")
        .env("DONDOC_LOG__FILTER", "warn")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
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

        // On SQLite a second serve refuses to start while the first holds the file (see
        // tests/cli.rs); it takes over once the first is gone.
        let sqlite = db.name == "sqlite";
        let mut processes = vec![serve(&db, &fake)];
        if !sqlite {
            processes.push(serve(&db, &fake));
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
            processes.push(serve(&db, &fake));
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
