//! A mixed reminder wave (issue 18): T reminders to T Telegram chats and Z reminders to Z Zalo
//! chats are queued in one `enqueue`, then Telegram's sender and Zalo's sender — the real
//! `dondoc::outbox::Sender`, each with its own lease, pacer and rates from the default
//! configuration (`outbox`: 29 messages a second, 1,100 ms a chat; `zalo`: 9 a second,
//! 1,100 ms a chat, 8 in flight) — send them at once to the fake Bot API servers
//! (`tests/support/fake_telegram.rs`, `tests/support/fake_zalo.rs`), both with their limits
//! on (Telegram: 30 a second, a second a chat; the Zalo fake: 10 a second, a second a chat —
//! Zalo publishes none) and a round trip of R ms on each.
//!
//! For each messenger: messages accepted, the rate from its first accepted call to its last,
//! 429s (the fake's refusals), duplicates (a text that arrived twice) and the busiest second;
//! then the wave's wall time. Every message must arrive and every row end `sent`.
//!
//! T, Z: the first two numeric arguments (default 2,000 and 1,000); R:
//! `DONDOC_BENCH_MIXED_RTT_MS` (default 50). SQLite (a temp file), and Postgres when
//! `DONDOC_BENCH_POSTGRES_URL` is set.
//!
//! ```text
//! cargo bench --bench mixed_wave
//! cargo bench --bench mixed_wave -- 600 300
//! ```

#[path = "../tests/support/fake_telegram.rs"]
mod fake_telegram;
#[path = "../tests/support/fake_zalo.rs"]
mod fake_zalo;

mod common;
use common::Db;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dondoc::config::Config;
use dondoc::domain::{DeliveryState, Lang, MessageKind};
use dondoc::outbox::{Doorbell, Sender};
use dondoc::store::{MessageSubject, NewMessage, Store};
use dondoc::zalo::send;
use fake_telegram::FakeTelegram;
use fake_zalo::FakeZalo;
use secrecy::SecretString;
use tokio::sync::watch;

const POSTGRES_ENV: &str = "DONDOC_BENCH_POSTGRES_URL";
const RTT_ENV: &str = "DONDOC_BENCH_MIXED_RTT_MS";
const TELEGRAM_TOKEN: &str = "123456:BENCH-MIXED";
const FIRST_CHAT: i64 = 500_000;

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime for the bench");
    runtime.block_on(run());
}

fn counts() -> (usize, usize) {
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    (
        numbers.first().copied().unwrap_or(2_000).max(2),
        numbers.get(1).copied().unwrap_or(1_000).max(2),
    )
}

struct Figures {
    accepted: usize,
    rate: f64,
    limit_hits: usize,
    duplicates: usize,
    busiest: usize,
    span: Duration,
}

/// Rate, duplicates and the busiest second from the accepted calls' times and texts.
fn figures(times: &mut [Instant], texts: &[String], limit_hits: usize) -> Figures {
    times.sort();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for text in texts {
        *seen.entry(text.as_str()).or_default() += 1;
    }
    let n = times.len();
    let span = times[n - 1].duration_since(times[0]);
    let mut busiest = 0;
    let mut from = 0;
    for (to, at) in times.iter().enumerate() {
        while at.duration_since(times[from]) >= Duration::from_secs(1) {
            from += 1;
        }
        busiest = busiest.max(to - from + 1);
    }
    Figures {
        accepted: n,
        rate: (n - 1) as f64 / span.as_secs_f64(),
        limit_hits,
        duplicates: seen.values().filter(|c| **c > 1).count(),
        busiest,
        span,
    }
}

async fn run() {
    let (t, z) = counts();
    let rtt = std::env::var(RTT_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50u64);
    let config = Config::default();
    println!(
        "{t} Telegram + {z} Zalo reminders; Telegram {}/s, Zalo {}/s, chat interval {} / {} ms; \
         round trip {rtt} ms; {} workers",
        config.outbox.messages_per_second,
        config.zalo.messages_per_second,
        config.outbox.chat_interval_ms,
        config.zalo.chat_interval_ms,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut dbs = vec![Db::sqlite(dir.path(), "bench-mixed.db")];
    if let Ok(url) = std::env::var(POSTGRES_ENV) {
        dbs.push(Db::postgres(
            &url,
            format!("dondoc_bench_mixed_{}", std::process::id()),
        ));
    }
    let mut rows = Vec::new();
    for db in dbs {
        let store = db.open().await;
        rows.extend(wave(&db, &store, t, z, rtt).await);
        store.close().await;
        db.finish().await;
    }
    println!();
    println!("| backend | messenger | messages | rate | 429s | dups | busiest second | first to last | wave |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        println!("{row}");
    }
}

async fn wave(db: &Db, store: &Store, t: usize, z: usize, rtt: u64) -> Vec<String> {
    let telegram = FakeTelegram::start().await;
    telegram.enforce_limits(true);
    telegram.set_round_trip(Duration::from_millis(rtt));
    let zalo = FakeZalo::start().await;
    zalo.enforce_limits(Some(fake_zalo::Limits::default()));
    zalo.set_round_trip(Duration::from_millis(rtt));
    let mut messages = Vec::with_capacity(t + z);
    let reminder = |key: String, chat_id: i64, i: usize| NewMessage {
        key,
        kind: MessageKind::Reminder,
        chat_id,
        person_id: None,
        body: format!("Nhắc việc số {i}: đề nghị đơn vị báo cáo tiến độ trước ngày 25."),
        reply_markup: None,
        subject: MessageSubject::default(),
    };
    for i in 0..t {
        let chat = FIRST_CHAT + i as i64;
        telegram.add_user(chat, "Cán bộ", None);
        messages.push(reminder(format!("bench:tg:{i}"), chat, i));
    }
    for i in 0..z {
        let id = format!("zbench{i:05}");
        zalo.add_user(&id);
        let chat = store.zalo_number(&id).await.expect("a Zalo number");
        messages.push(reminder(format!("bench:zalo:{i}"), chat, t + i));
    }
    let added = store.enqueue(&messages).await.expect("queued");
    assert_eq!(added, (t + z) as u64);

    let mut config = Config::default();
    config.telegram.bot_token = Some(SecretString::from(TELEGRAM_TOKEN));
    config.telegram.api_url = telegram.api_url();
    config.zalo.bot_token = Some(SecretString::from(fake_zalo::TOKEN));
    config.zalo.api_url = zalo.api_url();
    let bot = dondoc::chat::telegram::sender_client(&config).expect("the Telegram client");
    let telegram_sender = Sender::new(
        store.clone(),
        bot,
        config.outbox.clone(),
        Doorbell::default(),
    );
    let pacer = send::pacer(&config.zalo);
    let api = send::client(&config.zalo, SecretString::from(fake_zalo::TOKEN)).expect("client");
    let messenger = send::ZaloMessenger::new(api, store.clone(), pacer.clone(), Lang::Vi);
    let zalo_sender = Sender::through(
        store.clone(),
        Arc::new(messenger),
        send::outbox_config(&config.outbox, &config.zalo),
        Doorbell::default(),
    )
    .paced_by(pacer);
    let (stop, stopped) = watch::channel(false);
    let started = Instant::now();
    let tasks = [
        tokio::spawn(telegram_sender.run(stopped.clone())),
        tokio::spawn(zalo_sender.run(stopped)),
    ];
    let mut last = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let summary = store.outbox_summary().await.expect("summary");
        let left = summary.total(DeliveryState::Queued) + summary.total(DeliveryState::Sending);
        if left == 0 {
            assert_eq!(
                summary.total(DeliveryState::Sent),
                (t + z) as i64,
                "{summary:?}"
            );
            break;
        }
        if last.elapsed() > Duration::from_secs(30) {
            println!(
                "  {}: {left} left after {:.0} s",
                db.name,
                started.elapsed().as_secs_f64()
            );
            last = Instant::now();
        }
        assert!(started.elapsed() < Duration::from_secs(1_800), "stalled");
    }
    let took = started.elapsed();
    let _ = stop.send(true);
    for task in tasks {
        task.await.expect("a sender did not panic");
    }

    let tg_calls: Vec<_> = telegram
        .calls()
        .into_iter()
        .filter(|c| c.method == "sendmessage" && c.is_ok())
        .collect();
    let mut tg_times: Vec<Instant> = tg_calls.iter().map(|c| c.at).collect();
    let tg_texts: Vec<String> = tg_calls
        .iter()
        .map(|c| c.params["text"].as_str().unwrap_or_default().to_string())
        .collect();
    let tg = figures(&mut tg_times, &tg_texts, telegram.limit_hits());
    let zalo_calls: Vec<_> = zalo
        .calls()
        .into_iter()
        .filter(|c| c.method == "sendmessage" && c.ok)
        .collect();
    let zalo_texts: Vec<String> = zalo_calls
        .iter()
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_string())
        .collect();
    // Zalo's calls are timed by the fake's tokio clock; the span is what matters.
    let mut zalo_times: Vec<Instant> = zalo_calls.iter().map(|c| c.at.into_std()).collect();
    let za = figures(&mut zalo_times, &zalo_texts, zalo.limit_hits());
    assert_eq!(
        tg.accepted - tg.duplicates,
        t,
        "every Telegram message arrived"
    );
    assert_eq!(za.accepted - za.duplicates, z, "every Zalo message arrived");
    let row = |name: &str, f: &Figures| {
        format!(
            "| {} | {name} | {} | {:.2}/s | {} | {} | {} | {:.1} s | {:.1} s |",
            db.name,
            f.accepted,
            f.rate,
            f.limit_hits,
            f.duplicates,
            f.busiest,
            f.span.as_secs_f64(),
            took.as_secs_f64()
        )
    };
    let rows = vec![row("Telegram", &tg), row("Zalo", &za)];
    for r in &rows {
        println!("row: {r}");
    }
    rows
}
