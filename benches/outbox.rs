//! The outbox sender's throughput against Telegram's limits at a distance: N reminders to N
//! distinct private chats are queued (`Store::enqueue`), then the real sender
//! (`dondoc::outbox::Sender`, the bot client from `dondoc::chat::telegram::sender_client`, the
//! default `OutboxConfig`: 29 messages a second, one a chat every 1,100 ms, in flight as many as
//! the measured round trip needs up to `max_in_flight` = 32, 15 s lease) sends them to the fake
//! Bot API server
//! (`tests/support/fake_telegram.rs`) with its limits mode on (a `sendMessage` that would be
//! the 31st accepted in the last second, or the second to a chat within a second, is refused
//! with 429 and `retry_after`) and a round trip: every call is answered that long after it
//! arrives (`FakeTelegram::set_round_trip`).
//!
//! One run per round trip: 0, 50, 150 and 300 ms, then one whose round trip changes every
//! quarter of N (0 → 150 → 300 → 50 ms). The rate is accepted messages over the time from the
//! first accepted call to the last (N − 1 intervals), shown as a fraction of Telegram's 30 a
//! second. `429s` counts the fake's refusals; `dups` the messages that arrived more than once
//! (none should: nothing crashes here); `in flight` the most `sendMessage` calls the fake had
//! open at once; `window` the most messages the fake accepted in any one second (sliding).
//! Every message must arrive and every row end `sent`. Each run prints its table row as soon as
//! it ends (`row:`), so a long invocation stopped early keeps what it measured; the whole table
//! is printed at the end.
//!
//! dondoc runs on SQLite (a file in a temp dir) and, when `DONDOC_BENCH_POSTGRES_URL` is set,
//! on Postgres (schema `dondoc_bench_outbox_<pid>`, dropped at the end), with the default
//! `DatabaseConfig`. Sender, fake and bench share one process and one Tokio runtime.
//!
//! N is 10,000 (about 6 minutes a run), or the first argument that is a number, or
//! `DONDOC_BENCH_OUTBOX_COUNT`; the round trips `DONDOC_BENCH_OUTBOX_RTTS` (milliseconds,
//! comma-separated, `changing` for the changing run); the backends `DONDOC_BENCH_OUTBOX_BACKENDS`
//! (`sqlite`, `postgres`, or both comma-separated; by default both, Postgres when its URL is
//! set), so the two can run as two processes at once:
//!
//! ```text
//! cargo bench --bench outbox
//! cargo bench --bench outbox -- 600
//! DONDOC_BENCH_OUTBOX_RTTS=150 cargo bench --bench outbox -- 1000
//! DONDOC_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench outbox
//! DONDOC_BENCH_OUTBOX_BACKENDS=postgres DONDOC_BENCH_POSTGRES_URL=… cargo bench --bench outbox
//! ```

#[path = "../tests/support/fake_telegram.rs"]
mod fake_telegram;

mod common;
use common::Db;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use dondoc::config::Config;
use dondoc::domain::{DeliveryState, MessageKind};
use dondoc::outbox::{Doorbell, Sender};
use dondoc::store::{MessageSubject, NewMessage};
use fake_telegram::FakeTelegram;
use secrecy::SecretString;
use tokio::sync::watch;

const POSTGRES_ENV: &str = "DONDOC_BENCH_POSTGRES_URL";
const COUNT_ENV: &str = "DONDOC_BENCH_OUTBOX_COUNT";
const RTTS_ENV: &str = "DONDOC_BENCH_OUTBOX_RTTS";
/// `sqlite`, `postgres` or both (comma-separated): the backends to run; by default SQLite,
/// and Postgres when its URL is set.
const BACKENDS_ENV: &str = "DONDOC_BENCH_OUTBOX_BACKENDS";
const DEFAULT_RTTS: &str = "0,50,150,300,changing";
/// The round trips of the changing run, a quarter of N each.
const CHANGING: [u64; 4] = [0, 150, 300, 50];
const DEFAULT_COUNT: usize = 10_000;
const TOKEN: &str = "123456:BENCH-TOKEN";
const FIRST_CHAT: i64 = 300_000;
/// Telegram's limit the rate is compared with.
const TELEGRAM_PER_SECOND: f64 = 30.0;

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime for the bench");
    runtime.block_on(run());
}

/// N: the first numeric argument (cargo passes `--bench` too), else the variable, else 10,000.
fn count() -> usize {
    let from_args = std::env::args().skip(1).find_map(|a| a.parse().ok());
    let from_env = || std::env::var(COUNT_ENV).ok().and_then(|v| v.parse().ok());
    from_args.or_else(from_env).unwrap_or(DEFAULT_COUNT).max(2)
}

/// A run's round trip: fixed, or changing every quarter of N.
#[derive(Debug, Clone, Copy)]
enum RoundTrip {
    Fixed(u64),
    Changing,
}

impl RoundTrip {
    fn label(self) -> String {
        match self {
            RoundTrip::Fixed(ms) => format!("{ms} ms"),
            RoundTrip::Changing => {
                let steps: Vec<String> = CHANGING.iter().map(|ms| ms.to_string()).collect();
                format!("{} ms", steps.join(" → "))
            }
        }
    }

    /// The round trip once `accepted` of `n` messages are in.
    fn at(self, accepted: usize, n: usize) -> Duration {
        let ms = match self {
            RoundTrip::Fixed(ms) => ms,
            RoundTrip::Changing => {
                CHANGING[(accepted * CHANGING.len() / n).min(CHANGING.len() - 1)]
            }
        };
        Duration::from_millis(ms)
    }
}

fn round_trips() -> Vec<RoundTrip> {
    let raw = std::env::var(RTTS_ENV).unwrap_or_else(|_| DEFAULT_RTTS.into());
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s {
            "changing" => RoundTrip::Changing,
            ms => RoundTrip::Fixed(
                ms.parse()
                    .unwrap_or_else(|_| panic!("{RTTS_ENV}: {ms} is not milliseconds")),
            ),
        })
        .collect()
}

/// One line of the final table.
struct Row {
    backend: &'static str,
    round_trip: String,
    rate: f64,
    limit_hits: usize,
    duplicates: usize,
    most_in_flight: usize,
    widest: usize,
    took: Duration,
}

async fn run() {
    let n = count();
    let trips = round_trips();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let outbox = Config::default().outbox;
    println!(
        "{n} reminders to {n} chats a run; default OutboxConfig ({} messages/s, at most {} in \
         flight, chat interval {} ms); fake Telegram enforcing its limits; one Tokio runtime, \
         {workers} workers",
        outbox.messages_per_second, outbox.max_in_flight, outbox.chat_interval_ms
    );
    let mut rows = Vec::new();
    let dir = tempfile::tempdir().expect("a temp dir for the SQLite file");
    let backends = std::env::var(BACKENDS_ENV).unwrap_or_else(|_| "sqlite,postgres".into());
    let wanted = |name: &str| backends.split(',').any(|b| b.trim() == name);
    let mut dbs = Vec::new();
    if wanted("sqlite") {
        dbs.push(Db::sqlite(dir.path(), "bench-outbox.db"));
    }
    match std::env::var(POSTGRES_ENV) {
        Ok(url) if wanted("postgres") => dbs.push(Db::postgres(
            &url,
            format!("dondoc_bench_outbox_{}", std::process::id()),
        )),
        Ok(_) => {}
        Err(_) => println!("postgres skipped: set {POSTGRES_ENV} to run it"),
    }
    for db in dbs {
        let store = db.open().await;
        for (run, trip) in trips.iter().enumerate() {
            rows.push(bench(&db, &store, n, run, *trip).await);
        }
        store.close().await;
        db.finish().await;
    }
    println!();
    println!("{n} reminders a run:");
    println!("| backend | round trip | rate | of 30/s | 429s | dups | most in flight | busiest second | first to last |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        println!("{}", row.line());
    }
}

impl Row {
    fn line(&self) -> String {
        format!(
            "| {} | {} | {:.2}/s | {:.3} | {} | {} | {} | {} | {:.1} s |",
            self.backend,
            self.round_trip,
            self.rate,
            self.rate / TELEGRAM_PER_SECOND,
            self.limit_hits,
            self.duplicates,
            self.most_in_flight,
            self.widest,
            self.took.as_secs_f64()
        )
    }
}

async fn bench(
    db: &Db,
    store: &dondoc::store::Store,
    n: usize,
    run: usize,
    trip: RoundTrip,
) -> Row {
    let fake = FakeTelegram::start().await;
    fake.enforce_limits(true);
    fake.set_round_trip(trip.at(0, n));
    let first_chat = FIRST_CHAT + (run * n) as i64;
    let before = store
        .outbox_summary()
        .await
        .expect("summary")
        .total(DeliveryState::Sent);
    let mut messages = Vec::with_capacity(n);
    for i in 0..n {
        let chat = first_chat + i as i64;
        fake.add_user(chat, "Cán bộ", None);
        messages.push(NewMessage {
            key: format!("bench:reminder:{run}:{i}"),
            kind: MessageKind::Reminder,
            chat_id: chat,
            person_id: None,
            body: format!("Nhắc việc số {i}: đề nghị đơn vị báo cáo tiến độ trước ngày 25."),
            reply_markup: None,
            subject: MessageSubject::default(),
        });
    }
    let queuing = Instant::now();
    let added = store.enqueue(&messages).await.expect("queued");
    assert_eq!(added, n as u64);
    let queued_in = queuing.elapsed();

    let mut config = Config::default();
    config.telegram.bot_token = Some(SecretString::from(TOKEN));
    config.telegram.api_url = fake.api_url();
    let bot = dondoc::chat::telegram::sender_client(&config).expect("the outbox client");
    let sender = Sender::new(
        store.clone(),
        bot,
        config.outbox.clone(),
        Doorbell::default(),
    );
    let (stop, stopped) = watch::channel(false);
    let started = Instant::now();
    let task = tokio::spawn(sender.run(stopped));

    // Progress every 30 s; a run that stalls for a minute fails.
    let mut last_progress = Instant::now();
    let mut last_count = 0;
    let mut last_change = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let accepted = fake.accepted("sendMessage");
        if accepted >= n {
            break;
        }
        if fake.round_trip() != trip.at(accepted, n) {
            fake.set_round_trip(trip.at(accepted, n));
        }
        if accepted != last_count {
            last_count = accepted;
            last_change = Instant::now();
        }
        assert!(
            last_change.elapsed() < Duration::from_secs(60),
            "{}: stalled at {accepted} of {n}",
            db.name
        );
        if last_progress.elapsed() >= Duration::from_secs(30) {
            println!(
                "  {} {}: {accepted} of {n} after {:.0} s, {} 429s",
                db.name,
                trip.label(),
                started.elapsed().as_secs_f64(),
                fake.limit_hits()
            );
            last_progress = Instant::now();
        }
    }
    // Let the last `message_sent` commit.
    let drained = Instant::now();
    let summary = loop {
        let summary = store.outbox_summary().await.expect("summary");
        if summary.total(DeliveryState::Sent) == before + n as i64 {
            break summary;
        }
        assert!(
            drained.elapsed() < Duration::from_secs(30),
            "not all sent: {summary:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let _ = stop.send(true);
    tokio::time::timeout(Duration::from_secs(30), task)
        .await
        .expect("the sender stops")
        .expect("the sender did not panic");

    let calls = fake.calls();
    let sends: Vec<_> = calls.iter().filter(|c| c.method == "sendmessage").collect();
    let accepted: Vec<_> = sends.iter().filter(|c| c.is_ok()).collect();
    let mut arrivals: HashMap<&str, usize> = HashMap::new();
    for call in &accepted {
        *arrivals
            .entry(call.params["text"].as_str().unwrap_or_default())
            .or_default() += 1;
    }
    assert_eq!(arrivals.len(), n, "every message arrived");
    let duplicates = arrivals.values().filter(|c| **c > 1).count();
    assert_eq!(summary.total(DeliveryState::Sent), before + n as i64);

    let times: Vec<Instant> = accepted.iter().map(|c| c.at).collect();
    let n = times.len();
    let span = times[n - 1].duration_since(times[0]);
    let rate = (n - 1) as f64 / span.as_secs_f64();
    let mut gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort();
    let gap = |q: f64| gaps[((gaps.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mut widest = 0;
    let mut from = 0;
    for (to, at) in times.iter().enumerate() {
        while at.duration_since(times[from]) >= Duration::from_secs(1) {
            from += 1;
        }
        widest = widest.max(to - from + 1);
    }

    println!("{} {}:", db.name, trip.label());
    println!(
        "  queued      {n} rows in {:.2} s (one enqueue call)",
        queued_in.as_secs_f64()
    );
    println!(
        "  sent        {n} in {:.1} s from the sender's start ({:.1} s first to last)",
        times[n - 1].duration_since(started).as_secs_f64(),
        span.as_secs_f64()
    );
    println!(
        "  rate        {rate:.2} messages/s = {:.3} of Telegram's {TELEGRAM_PER_SECOND}/s",
        rate / TELEGRAM_PER_SECOND
    );
    println!(
        "  429s        {} (of {} sendMessage calls)",
        fake.limit_hits(),
        sends.len()
    );
    println!(
        "  window      at most {widest} accepted in any 1 s; gap between sends: min {:.1} ms, \
         median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(gaps[0]),
        ms(gap(0.5)),
        ms(gap(0.99)),
        ms(gaps[gaps.len() - 1])
    );

    let row = Row {
        backend: db.name,
        round_trip: trip.label(),
        rate,
        limit_hits: fake.limit_hits(),
        duplicates,
        most_in_flight: fake.most_in_flight(),
        widest,
        took: span,
    };
    println!("row: {}", row.line());
    // The machine is shared: what else ran shows in the load average at the end of each run.
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("  load        {}", load.trim());
    }
    fake.shutdown().await;
    row
}
