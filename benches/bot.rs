//! Status replies end to end: an update goes into the fake Bot API server
//! (`tests/support/fake_telegram.rs`), the real bot (`dondoc::bot::spawn`, long polling)
//! fetches it, commits the status update, and its "Đã ghi nhận" `sendMessage` arrives back at
//! the fake. The same loads are put on a bare teloxide echo bot (one endpoint that sends the
//! text back as a reply, no database), wired like dondoc's (`Bot::new` + `set_api_url`,
//! `Polling` with a 1 s timeout, `Dispatcher` with a no-op default handler), in the same run.
//! It is the floor that teloxide, HTTP on loopback and the fake set.
//!
//! dondoc runs on SQLite (a file in a temp dir) and, when `DONDOC_BENCH_POSTGRES_URL` is set,
//! on Postgres (schema `dondoc_bench_bot_<pid>`, dropped at the end), each seeded as
//! `tests/it/bot.rs` seeds (seed-004 units and plan `HG-2023`), with the default
//! `DatabaseConfig` (8 connections) and `poll_timeout_secs = 1`.
//!
//! Each load gets a fresh fake, a freshly started bot and its own users, so one load's call
//! log does not slow the next load's watcher. The fake's update ids are moved past the
//! earlier loads' ones, which the store would otherwise take for redeliveries. dondoc: each
//! user is invited (`Store::invite`, a member of commune `i mod 8`) and links themselves with
//! `/start CODE`, then sends `/viec` and opens the cards of its first 5 items. echo: each user sends
//! `/viec`; the echo stands in for a card. Then, each status reply being a Telegram reply to
//! one of the user's cards (cycling through them) with a note unique in the run:
//! - `c=1`: one user, 200 replies, each sent once the previous one was confirmed.
//! - `c=50`: 50 users at once, 2,000 replies (40 each); each user sends the next reply when
//!   the previous one is confirmed, so 50 replies are in flight (closed loop).
//! - `burst`: 2,000 replies (40 from each of 50 users, round robin) pushed at once.
//! - `paced` (dondoc only): `c=50` with 600 replies (12 each), the default configuration's
//!   reply pacing (29 a second in all, one a chat every 1,100 ms) and the fake enforcing
//!   Telegram's limits (a refused send is a 429, counted).
//!
//! The first three measure what the bot itself does: dondoc's replies are not paced in them
//! (`outbox.messages_per_second` = 10⁶, `chat_interval_ms` = 0, like the echo bot, which
//! never paces) and the fake's limits are off. Paced, one user's 200 replies would take
//! 200 × 1.1 s and 2,000 replies at least 69 s: the figures would be the pacing's. `paced`
//! shows it: throughput at Telegram's rate, latency the wait for the chat's turn. Each load
//! must end within [`Load::limit`] (120 s, or twice what the pacing needs and a minute).
//!
//! Latency runs from just before the update is pushed to when the bench sees the bot's
//! `sendMessage` answering it (matched by `reply_parameters.message_id`) in the fake's call
//! log. The fake records a call before it answers it and wakes waiters when it does; the
//! bench waits with `wait_for_call` and a predicate that stamps each new call, so nothing is
//! added to the fake. That predicate runs over the whole call log at every wake-up, under
//! the fake's lock: a perf profile puts it at about 3–4 % of the process's CPU. In `burst`
//! the pushes (the `pushed in` figure) yield to the watcher every 20 updates. Throughput is
//! replies over the time from the first push to the last confirmation.
//!
//! The fake shapes the figures: `getUpdates` answers at once when anything is pending, else
//! waits at most `LONG_POLL_CAP` (1 s), and hands out at most 100 updates a call (teloxide
//! sets no `limit`). The `polls` line gives each load's `getUpdates` calls and their mean
//! batch. Bot, fake and bench share one process and one Tokio runtime (a worker per CPU);
//! the `cpu` line gives this process's CPU time and how busy the whole machine was (Postgres
//! runs outside the process), read from `/proc`.
//!
//! After every load the bench checks that each reply got exactly one confirmation and, for
//! dondoc, that the database holds exactly one status update per reply (every note once, the
//! total on the cards' assignments equal to the replies so far).
//!
//! ```text
//! cargo bench --bench bot
//! DONDOC_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench bot
//! ```
//!
//! `cargo bench --bench bot -- presses` runs only the issue-12 loads instead (see
//! [`run_presses`]): status *button presses* (recorded at the press, since issue 12) from 50
//! members, with the fake answering every call 150 ms after it arrives and enforcing
//! Telegram's limits: `steady`, 600 presses at 10 a second; `burst`, 1,000 pushed at once;
//! `unpaced`, the same burst with the bot's reply pacing lifted and the fake's limits off.
//! Each press is checked recorded exactly once (its update processed, the status update its
//! confirmation names stored on its task with its status, the total on the cards equal to
//! the presses so far).

#[path = "../tests/support/fake_telegram.rs"]
mod fake_telegram;

mod common;
use common::Db;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Duration as Span;
use dondoc::bot::{self, invitation, Callback, RunningBot};
use dondoc::clock::SystemClock;
use dondoc::config::Config;
use dondoc::domain::calendar::{default_templates, periods_for_year};
use dondoc::domain::plan::NewPlan;
use dondoc::domain::unit::NewPerson;
use dondoc::domain::{
    Actor, AssignmentId, AssignmentStatus, Lang, PersonRole, PlanCode, PlanYear, UnitCode,
};
use dondoc::import::{self, UnitDirectory};
use dondoc::messages::Text;
use dondoc::store::{SaveMode, Store, Subject};
use fake_telegram::{Call, FakeTelegram};
use secrecy::SecretString;
use serde_json::{json, Value};
use teloxide::dispatching::{Dispatcher, ShutdownToken, UpdateFilterExt};
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::payloads::SendMessageSetters;
use teloxide::prelude::*;
use teloxide::types::ReplyParameters;
use teloxide::update_listeners::Polling;
use teloxide::RequestError;

const POSTGRES_ENV: &str = "DONDOC_BENCH_POSTGRES_URL";
const TOKEN: &str = "123456:BENCH-TOKEN";
const FIRST_USER: i64 = 7_001;
const USERS: usize = 50;
const REPLIES: usize = 2_000;
const SOLO_REPLIES: usize = 200;
const POLL_TIMEOUT_SECS: u32 = 1;
/// A load fails if it takes longer than this (a paced load: see [`Load::limit`]).
const LOAD_LIMIT: Duration = Duration::from_secs(120);
/// Replies in the `paced` load: 12 from each of the 50 users.
const PACED_REPLIES: usize = 600;
/// How long stopping a bot may take (`RunningBot::stop` bounds itself at 15 s + 5 s).
const STOP_LIMIT: Duration = Duration::from_secs(30);
/// How long setup waits for the bot's welcomes and cards.
const SETUP_WAIT: Duration = Duration::from_secs(30);
const COMMUNES: [&str; 8] = [
    "HG-TRANPHU",
    "HG-MINHKHAI",
    "HG-NGUYENTRAI",
    "HG-QUANGTRUNG",
    "HG-NGOCHA",
    "HG-PHUONGTHIEN",
    "HG-PHUONGDO",
    "HG-NGOCDUONG",
];

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime for the bench");
    // `cargo bench --bench bot -- presses`: the issue-12 loads only (see "Status presses at a
    // distance" below).
    if std::env::args().any(|arg| arg == "presses") {
        runtime.block_on(run_presses());
    } else {
        runtime.block_on(run());
    }
}

async fn run() {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{USERS} users, {REPLIES} replies a load (c=1: {SOLO_REPLIES}, paced: {PACED_REPLIES}); \
         replies not paced but in `paced`; one Tokio runtime, \
         {workers} workers; fake getUpdates: long poll capped at {:?}, at most 100 a call",
        fake_telegram::LONG_POLL_CAP
    );
    let dir = tempfile::tempdir().expect("a temp dir for the SQLite file");
    bench_dondoc(Db::sqlite(dir.path(), "bench-bot.db")).await;
    match std::env::var(POSTGRES_ENV) {
        Ok(url) => {
            bench_dondoc(Db::postgres(
                &url,
                format!("dondoc_bench_bot_{}", std::process::id()),
            ))
            .await
        }
        Err(_) => println!("postgres skipped: set {POSTGRES_ENV} to run it"),
    }
    bench_echo().await;
}

// ---------------------------------------------------------------------------------------------
// Loads

#[derive(Debug, Clone, Copy)]
enum Load {
    /// One user, one reply in flight.
    Solo,
    /// Every user, one reply in flight each.
    Closed,
    /// Every user, every reply pushed at once.
    Burst,
    /// Every user, one reply in flight each, the replies paced as Telegram requires.
    Paced,
}

impl Load {
    /// The loads of the bot alone, replies not paced: dondoc's and the echo bot's.
    const UNPACED: [Load; 3] = [Load::Solo, Load::Closed, Load::Burst];
    /// dondoc's loads.
    const ALL: [Load; 4] = [Load::Solo, Load::Closed, Load::Burst, Load::Paced];

    fn label(self) -> &'static str {
        match self {
            Load::Solo => "c=1",
            Load::Closed => "c=50",
            Load::Burst => "burst",
            Load::Paced => "paced",
        }
    }

    fn users(self) -> usize {
        match self {
            Load::Solo => 1,
            Load::Closed | Load::Burst | Load::Paced => USERS,
        }
    }

    fn replies(self) -> usize {
        match self {
            Load::Solo => SOLO_REPLIES,
            Load::Closed | Load::Burst => REPLIES,
            Load::Paced => PACED_REPLIES,
        }
    }

    /// Replies one user may have in flight.
    fn window(self) -> usize {
        match self {
            Load::Solo | Load::Closed | Load::Paced => 1,
            Load::Burst => usize::MAX,
        }
    }

    /// Whether dondoc paces its replies (the default configuration) and the fake enforces
    /// Telegram's limits.
    fn paced(self) -> bool {
        matches!(self, Load::Paced)
    }

    /// How long the load may take: 120 s, or for a paced load twice the least the pacing
    /// allows (the replies at the configured rate, one user's at the chat interval) and a
    /// minute.
    fn limit(self) -> Duration {
        if !self.paced() {
            return LOAD_LIMIT;
        }
        let outbox = Config::default().outbox;
        let in_all = self.replies() as f64 / outbox.messages_per_second.max(0.01);
        let one_chat =
            (self.replies() / self.users()) as f64 * outbox.chat_interval_ms as f64 / 1e3;
        let least = Duration::from_secs_f64(in_all.max(one_chat));
        LOAD_LIMIT.max(least * 2 + Duration::from_secs(60))
    }
}

/// A user's private chat and the bot messages they reply to.
struct Chat {
    user: i64,
    cards: Vec<i32>,
}

/// What one load gave.
struct Outcome {
    /// Every note sent, each confirmed exactly once.
    notes: Vec<String>,
    elapsed: Duration,
    latencies: Vec<Duration>,
    /// Burst only: how long pushing every update took.
    pushing: Option<Duration>,
    polls: usize,
    polled_updates: usize,
    /// CPU used over the load, if `/proc` tells.
    cpu: Option<CpuUse>,
}

impl Outcome {
    fn print(&self, bot: &str, load: Load) {
        let n = self.notes.len();
        let secs = self.elapsed.as_secs_f64();
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{bot:<8} {:<6} status replies {n:>5} in {secs:>6.2} s {:>6.0} /s  \
             p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
            load.label(),
            n as f64 / secs,
            ms(percentile(&sorted, 50.0)),
            ms(percentile(&sorted, 99.0)),
            ms(*sorted.last().expect("at least one reply")),
        );
        let pushing = self
            .pushing
            .map(|d| format!("; pushed in {:.1} ms", ms(d)))
            .unwrap_or_default();
        println!(
            "{bot:<8} {:<6} polls {} getUpdates, {:.1} updates each{pushing}",
            load.label(),
            self.polls,
            self.polled_updates as f64 / self.polls.max(1) as f64,
        );
        if let Some(cpu) = self.cpu {
            println!(
                "{bot:<8} {:<6} cpu   this process {:.2} s ({:.2} ms a reply); machine {:.0} % busy",
                load.label(),
                cpu.process,
                cpu.process * 1e3 / n as f64,
                cpu.machine_busy * 100.0,
            );
        }
    }
}

/// CPU time over a load: this process (bot, fake and bench), and how busy the whole machine
/// was (Postgres runs outside this process).
#[derive(Debug, Clone, Copy)]
struct CpuUse {
    /// Seconds of CPU, user and system.
    process: f64,
    /// Busy share of all CPUs, 0 to 1.
    machine_busy: f64,
}

/// Clock ticks so far: (this process's user + system, the machine's busy, the machine's all).
/// Linux only; `None` elsewhere.
fn cpu_ticks() -> Option<(u64, u64, u64)> {
    let own = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which ends at the last ')': state is field 3, utime 14.
    let fields: Vec<&str> = own.get(own.rfind(')')? + 2..)?.split(' ').collect();
    let process = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let all = std::fs::read_to_string("/proc/stat").ok()?;
    let line = all.lines().next()?.strip_prefix("cpu ")?;
    let ticks: Vec<u64> = line
        .split_whitespace()
        .map(|t| t.parse().unwrap_or(0))
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is inside user).
    let total: u64 = ticks.iter().take(8).sum();
    let idle = ticks.get(3)? + ticks.get(4)?;
    Some((process, total - idle, total))
}

fn cpu_since(before: Option<(u64, u64, u64)>) -> Option<CpuUse> {
    let (process0, busy0, total0) = before?;
    let (process1, busy1, total1) = cpu_ticks()?;
    // USER_HZ is 100 on Linux.
    Some(CpuUse {
        process: (process1 - process0) as f64 / 100.0,
        machine_busy: (busy1 - busy0) as f64 / (total1 - total0).max(1) as f64,
    })
}

/// Nearest-rank percentile of sorted durations.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A `sendMessage` the bench saw arrive at the fake.
struct Arrival {
    chat: i64,
    /// The message it answers (`reply_parameters.message_id`).
    answers: Option<i64>,
    text: String,
    at: Instant,
}

/// Where the watcher is in the fake's list of `sendMessage` calls.
///
/// `wait_for_call` runs its predicate over every `sendMessage` call so far, oldest first, each
/// time the fake records a call. The predicate stamps each call it has not seen before and
/// never matches, so every new call is stamped once, when first seen.
struct Scan {
    /// Position in the current scan.
    pos: usize,
    /// `sendMessage` calls already seen.
    seen: usize,
    /// The first `sendMessage` call's message id: a new scan begins with it.
    first: Option<i64>,
}

fn sent_id(call: &Call) -> Option<i64> {
    call.response
        .pointer("/result/message_id")
        .and_then(Value::as_i64)
}

impl Scan {
    /// Starts after every `sendMessage` made so far.
    fn after(calls: &[Call]) -> RefCell<Scan> {
        let mut sent = calls.iter().filter(|c| c.method == "sendmessage");
        let first = sent.next().and_then(sent_id);
        let seen = usize::from(first.is_some()) + sent.count();
        RefCell::new(Scan {
            pos: 0,
            seen,
            first,
        })
    }

    fn visit(&mut self, call: &Call) -> Option<Arrival> {
        // A scan that found nothing new ends with the position at the end; the next scan
        // starts over from the first call.
        if self.pos == self.seen && self.seen > 0 && sent_id(call) == self.first {
            self.pos = 1;
            return None;
        }
        self.pos += 1;
        if self.pos <= self.seen {
            return None;
        }
        let at = Instant::now();
        self.seen += 1;
        if self.seen == 1 {
            self.first = sent_id(call);
        }
        let params = &call.params;
        Some(Arrival {
            chat: params["chat_id"].as_i64().unwrap_or_default(),
            answers: params
                .pointer("/reply_parameters/message_id")
                .and_then(Value::as_i64),
            text: params["text"].as_str().unwrap_or_default().to_string(),
            at,
        })
    }
}

/// Pushes each user's replies, at most `window` of them unconfirmed.
struct Sender<'a> {
    fake: &'a FakeTelegram,
    users: &'a [Chat],
    window: usize,
    /// Per user: the card to reply to and the note, in order.
    queues: Vec<VecDeque<(i32, String)>>,
    in_flight: Vec<usize>,
    /// Message id of each unconfirmed reply → (user index, note, pushed at).
    pushed: HashMap<i64, (usize, String, Instant)>,
}

impl<'a> Sender<'a> {
    fn new(fake: &'a FakeTelegram, users: &'a [Chat], load: Load) -> Sender<'a> {
        let mut queues = vec![VecDeque::new(); users.len()];
        for i in 0..load.replies() {
            let u = i % users.len();
            let k = i / users.len();
            let card = users[u].cards[k % users[u].cards.len()];
            let note = format!(
                "Tiến độ {} #{i}: đã họp {} tổ dân phố, niêm yết công khai tại trụ sở",
                load.label(),
                k + 1
            );
            queues[u].push_back((card, note));
        }
        Sender {
            fake,
            users,
            window: load.window(),
            queues,
            in_flight: vec![0; users.len()],
            pushed: HashMap::new(),
        }
    }

    /// Pushes user `u`'s next reply if their window allows; says whether it did.
    fn push_one(&mut self, u: usize) -> bool {
        if self.in_flight[u] >= self.window {
            return false;
        }
        let Some((card, note)) = self.queues[u].pop_front() else {
            return false;
        };
        let user = self.users[u].user;
        let at = Instant::now();
        let update = self.fake.reply_to(user, user, card, &note);
        let message_id = self.fake.message_of(update)["message_id"]
            .as_i64()
            .expect("a message id");
        self.pushed.insert(message_id, (u, note, at));
        self.in_flight[u] += 1;
        true
    }
}

/// What the pusher gives back.
struct Run {
    started: Instant,
    pushing: Duration,
    last: Instant,
    latencies: Vec<Duration>,
    notes: Vec<String>,
}

/// Puts `load` on the bot behind `fake` (set up, nothing in flight); `confirms(note, text)`
/// says whether `text` is the bot's confirmation of `note`.
///
/// Two futures share the task: the watcher (`wait_for_call` with [`Scan`]) stamps each new
/// `sendMessage` and hands it over a channel; the pusher matches it to its reply and pushes
/// that user's next one.
async fn drive(
    fake: &FakeTelegram,
    chats: &[Chat],
    load: Load,
    confirms: impl Fn(&str, &str) -> bool,
) -> Outcome {
    let users = &chats[..load.users()];
    let calls = fake.calls();
    let calls_before = calls.len();
    let scan = Scan::after(&calls);
    drop(calls);
    let (seen, mut arrivals) = tokio::sync::mpsc::unbounded_channel::<Arrival>();
    let visit = |call: &Call| {
        if let Some(arrival) = scan.borrow_mut().visit(call) {
            let _ = seen.send(arrival);
        }
        false
    };
    let watcher = fake.wait_for_call("sendMessage", visit, load.limit() * 2);
    let mut sender = Sender::new(fake, users, load);
    let progress = Cell::new(0usize);

    let pusher = async {
        let started = Instant::now();
        // Round robin over the users, so a burst's first getUpdates already spans many chats;
        // now and then let the watcher look.
        let mut pushes = 0usize;
        loop {
            let mut any = false;
            for u in 0..users.len() {
                if sender.push_one(u) {
                    any = true;
                    pushes += 1;
                    if pushes.is_multiple_of(20) {
                        tokio::task::yield_now().await;
                    }
                }
            }
            if !any {
                break;
            }
        }
        let pushing = started.elapsed();
        let mut confirmed: HashSet<i64> = HashSet::new();
        let mut latencies = Vec::with_capacity(load.replies());
        let mut notes = Vec::with_capacity(load.replies());
        let mut last = started;
        while latencies.len() < load.replies() {
            let arrival = arrivals.recv().await.expect("the watcher runs");
            let id = arrival.answers.unwrap_or_default();
            assert!(
                !confirmed.contains(&id),
                "{}: message {id} confirmed twice",
                load.label()
            );
            let Some((u, note, at)) = sender.pushed.remove(&id) else {
                panic!(
                    "{}: unexpected sendMessage to {}: {:?}",
                    load.label(),
                    arrival.chat,
                    arrival.text
                );
            };
            confirmed.insert(id);
            assert!(
                arrival.chat == users[u].user && confirms(&note, &arrival.text),
                "{}: {note:?} answered in chat {} with {:?}",
                load.label(),
                arrival.chat,
                arrival.text
            );
            latencies.push(arrival.at - at);
            notes.push(note);
            last = last.max(arrival.at);
            progress.set(latencies.len());
            sender.in_flight[u] -= 1;
            sender.push_one(u);
        }
        Run {
            started,
            pushing,
            last,
            latencies,
            notes,
        }
    };

    let ticks = cpu_ticks();
    let both = async {
        tokio::select! {
            run = pusher => run,
            call = watcher => unreachable!("the watcher never matches, yet matched {}", call.method),
        }
    };
    let Ok(run) = tokio::time::timeout(load.limit(), both).await else {
        panic!(
            "{}: only {} of {} replies confirmed within {:?}",
            load.label(),
            progress.get(),
            load.replies(),
            load.limit()
        );
    };
    let cpu = cpu_since(ticks);

    let calls = fake.calls();
    let polls: Vec<&Call> = calls[calls_before..]
        .iter()
        .filter(|c| c.method == "getupdates")
        .collect();
    let polled_updates = polls
        .iter()
        .filter_map(|c| c.response["result"].as_array())
        .map(Vec::len)
        .sum();
    Outcome {
        notes: run.notes,
        elapsed: run.last - run.started,
        latencies: run.latencies,
        pushing: matches!(load, Load::Burst).then_some(run.pushing),
        polls: polls.len(),
        polled_updates,
        cpu,
    }
}

/// Starts a fake for the `index`-th load whose update ids continue above the earlier loads'.
///
/// Each fake numbers updates from 100001, and the store ignores an update id it has already
/// handled; so the first update is an edit (which neither bot handles) with a high id.
async fn fake_for(index: usize) -> FakeTelegram {
    let fake = FakeTelegram::start().await;
    let update_id = 1_000_000 * (index as i64 + 1);
    let user = json!({"id": 1, "is_bot": false, "first_name": "Bench"});
    let chat = json!({"id": 1, "type": "private", "first_name": "Bench"});
    fake.push_update(json!({"update_id": update_id, "edited_message": {
        "message_id": 1, "date": 0, "edit_date": 0, "chat": chat, "from": user, "text": "."
    }}));
    fake
}

/// The ids of the users of the `index`-th load: a fresh set for each load.
fn users_of(index: usize, load: Load) -> Vec<i64> {
    let first = FIRST_USER + 1_000 * index as i64;
    (0..load.users() as i64).map(|i| first + i).collect()
}

// ---------------------------------------------------------------------------------------------
// dondoc

async fn bench_dondoc(db: Db) {
    let store = db.open().await;
    let seeding = Instant::now();
    seed(&store).await;
    println!(
        "{:<8} seed   seed-004 units and plan in {:.2} s",
        db.name,
        seeding.elapsed().as_secs_f64()
    );
    let mut assignments = BTreeSet::new();
    let mut recorded = 0;
    for (index, load) in Load::ALL.into_iter().enumerate() {
        let fake = fake_for(index).await;
        let mut config = Config {
            database: db.config.clone(),
            ..Config::default()
        };
        config.telegram.bot_token = Some(SecretString::from(TOKEN));
        config.telegram.api_url = fake.api_url();
        config.telegram.poll_timeout_secs = POLL_TIMEOUT_SECS;
        fake.enforce_limits(load.paced());
        if !load.paced() {
            config.outbox.messages_per_second = 1e6;
            config.outbox.chat_interval_ms = 0;
        }
        let running: RunningBot = bot::spawn(&config, store.clone(), Arc::new(SystemClock))
            .await
            .expect("the bot starts");
        let setup = Instant::now();
        let chats = onboard(&fake, &store, &users_of(index, load)).await;
        let these = card_assignments(&store, &chats).await;
        println!(
            "{:<8} {:<6} setup {} members linked by /start, {} cards on {} assignments, in {:.2} s",
            db.name,
            load.label(),
            chats.len(),
            chats.iter().map(|c| c.cards.len()).sum::<usize>(),
            these.len(),
            setup.elapsed().as_secs_f64()
        );
        assignments.extend(these);

        let outcome = drive(&fake, &chats, load, |_, text| {
            text.starts_with("Đã ghi nhận")
        })
        .await;
        stop_dondoc(running, db.name, load.label()).await;
        let confirmations = fake
            .calls_to("sendMessage")
            .iter()
            .filter(|p| text_of(p).starts_with("Đã ghi nhận"))
            .count();
        assert_eq!(
            confirmations,
            outcome.notes.len(),
            "{} {}: confirmations sent",
            db.name,
            load.label()
        );
        outcome.print(db.name, load);
        if load.paced() {
            println!(
                "{:<8} {:<6} 429s  {} (the fake enforcing Telegram's limits)",
                db.name,
                load.label(),
                fake.limit_hits()
            );
        }
        recorded += outcome.notes.len();
        check_database(
            &store,
            &assignments,
            &outcome.notes,
            recorded,
            db.name,
            load,
        )
        .await;
        fake.shutdown().await;
    }
    store.close().await;
    db.finish().await;
}

/// Stops the bot; says so when that took long.
///
/// `RunningBot::stop` first awaits teloxide's `ShutdownToken::shutdown()` future, which builds
/// its `Notified` only when first polled, while the dispatcher announces its end with
/// `notify_waiters` (no permit kept): when the dispatcher finishes before that first poll, the
/// future never resolves and `stop` waits out its own bound. Against the fake on loopback
/// that happens to a few stops in a hundred; the load is measured and checked by then.
async fn stop_dondoc(running: RunningBot, name: &str, label: &str) {
    let stopping = Instant::now();
    let stopped = tokio::time::timeout(STOP_LIMIT, running.stop()).await;
    let took = stopping.elapsed();
    if stopped.is_err() || took > Duration::from_secs(1) {
        println!(
            "{name:<8} {label:<6} RunningBot::stop took {:.1} s{}",
            took.as_secs_f64(),
            if stopped.is_err() {
                " and was given up"
            } else {
                ""
            }
        );
    }
}

/// Invites a member for each of `users` and links them through the bot; each then asks for
/// their cards.
async fn onboard(fake: &FakeTelegram, store: &Store, users: &[i64]) -> Vec<Chat> {
    let actor = Actor::new("bench:coordinator");
    let mut expected = HashMap::new();
    for (i, user) in users.iter().copied().enumerate() {
        let commune = UnitCode::parse(COMMUNES[i % COMMUNES.len()]).expect("a commune code");
        let name = format!("Cán bộ {user}");
        let code = invitation::new_code();
        let person = NewPerson {
            unit: commune.clone(),
            full_name: name.clone(),
            role: PersonRole::Head,
            telegram_user_id: None,
            phone: None,
        };
        store
            .invite(
                &person,
                &invitation::hash(&code),
                store.now() + Span::days(14),
                &actor,
            )
            .await
            .expect("invited");
        fake.add_user(user, &name, None);
        fake.text_from(user, user, &format!("/start {code}"));
        let unit = store
            .unit(&commune)
            .await
            .expect("unit query")
            .expect("the commune exists");
        let open = store
            .open_assignments(&[unit.id])
            .await
            .expect("open assignments")
            .len();
        // The welcome, the `/viec` list, and the cards of its first five items (opened with
        // their number buttons: since issue 12 `/viec` is one message).
        expected.insert(user, 2 + open.min(5));
    }
    wait_until(fake, users, "welcomes", |_, sent| {
        sent.iter().any(|m| text_of(m).contains("Xin chào"))
    })
    .await;
    for user in users {
        fake.text_from(*user, *user, "/viec");
    }
    wait_until(fake, users, "lists", |_, sent| {
        sent.iter().any(|m| text_of(m).starts_with("Việc đang mở"))
    })
    .await;
    for user in users {
        let sent = fake.sent_to(*user);
        let Some(list) = sent.iter().find(|m| text_of(m).starts_with("Việc đang mở")) else {
            continue;
        };
        let list_id = list["message_id"].as_i64().expect("the list's id") as i32;
        let numbers: Vec<String> = list["reply_markup"]["inline_keyboard"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|row| row.as_array().into_iter().flatten())
            .filter_map(|button| button["callback_data"].as_str())
            .filter(|data| data.starts_with("o:"))
            .take(5)
            .map(str::to_string)
            .collect();
        for data in numbers {
            fake.callback(*user, *user, list_id, &data);
        }
    }
    wait_until(fake, users, "cards", |user, sent| {
        sent.len() >= expected[&user]
    })
    .await;
    users
        .iter()
        .map(|user| {
            let cards: Vec<i32> = fake
                .sent_to(*user)
                .iter()
                .filter(|m| text_of(m).starts_with("📌"))
                .filter_map(|m| m["message_id"].as_i64())
                .map(|id| id as i32)
                .collect();
            assert!(!cards.is_empty(), "user {user} has no cards");
            Chat { user: *user, cards }
        })
        .collect()
}

/// Waits until the chat of each of `users` satisfies `ready`.
async fn wait_until(
    fake: &FakeTelegram,
    users: &[i64],
    what: &str,
    ready: impl Fn(i64, &[Value]) -> bool,
) {
    let deadline = Instant::now() + SETUP_WAIT;
    while !users.iter().all(|user| ready(*user, &fake.sent_to(*user))) {
        assert!(Instant::now() < deadline, "the {what} did not all arrive");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn text_of(message: &Value) -> &str {
    message["text"].as_str().unwrap_or_default()
}

/// The assignments behind every card.
async fn card_assignments(store: &Store, chats: &[Chat]) -> BTreeSet<AssignmentId> {
    let mut ids = BTreeSet::new();
    for chat in chats {
        for card in &chat.cards {
            let subject = store
                .bot_message_subject(chat.user, i64::from(*card))
                .await
                .expect("subject query");
            match subject {
                Some(Subject::Assignment(id)) => ids.insert(id),
                other => panic!("card {card} of {} is about {other:?}", chat.user),
            };
        }
    }
    ids
}

/// Exactly `total` status updates on the cards' assignments (one per reply so far), and each
/// of this load's notes exactly once.
async fn check_database(
    store: &Store,
    assignments: &BTreeSet<AssignmentId>,
    notes: &[String],
    total: usize,
    name: &str,
    load: Load,
) {
    let mut stored: HashMap<String, usize> = HashMap::new();
    let mut count = 0;
    for id in assignments {
        let history = store.status_history(*id).await.expect("history");
        count += history.len();
        for update in history {
            *stored.entry(update.note).or_default() += 1;
        }
    }
    assert_eq!(
        count,
        total,
        "{name} {}: status updates stored",
        load.label()
    );
    for note in notes {
        assert_eq!(
            stored.get(note),
            Some(&1),
            "{name} {}: {note:?} stored",
            load.label()
        );
    }
    println!(
        "{name:<8} {:<6} db    {count} status updates in all, each of these {} replies once",
        load.label(),
        notes.len()
    );
}

// ---------------------------------------------------------------------------------------------
// The bare echo bot

async fn echo(bot: Bot, msg: Message) -> Result<(), RequestError> {
    let text = msg.text().unwrap_or("…").to_string();
    bot.send_message(msg.chat.id, text)
        .reply_parameters(ReplyParameters::new(msg.id))
        .await?;
    Ok(())
}

/// An echo bot wired as `dondoc::bot::spawn` wires dondoc: same client, same long polling.
async fn spawn_echo(api_url: &str) -> (ShutdownToken, tokio::task::JoinHandle<()>) {
    let bot = Bot::new(TOKEN).set_api_url(api_url.parse().expect("the fake's URL"));
    let handler = Update::filter_message().endpoint(echo);
    let mut dispatcher = Dispatcher::builder(bot.clone(), handler)
        .default_handler(|_| async {})
        .build();
    let token = dispatcher.shutdown_token();
    let listener = Polling::builder(bot)
        .timeout(Duration::from_secs(u64::from(POLL_TIMEOUT_SECS)))
        .delete_webhook()
        .await
        .build();
    let errors = LoggingErrorHandler::with_custom_text("update listener");
    let task =
        tokio::spawn(async move { dispatcher.dispatch_with_listener(listener, errors).await });
    (token, task)
}

async fn bench_echo() {
    for (index, load) in Load::UNPACED.into_iter().enumerate() {
        let fake = fake_for(index).await;
        let (token, mut task) = spawn_echo(&fake.api_url()).await;
        let users = users_of(index, load);
        for user in &users {
            fake.add_user(*user, &format!("Cán bộ {user}"), None);
            fake.text_from(*user, *user, "/viec");
        }
        wait_until(&fake, &users, "echoes", |_, sent| !sent.is_empty()).await;
        let chats: Vec<Chat> = users
            .iter()
            .map(|user| {
                let cards = fake
                    .sent_to(*user)
                    .iter()
                    .filter_map(|m| m["message_id"].as_i64())
                    .map(|id| id as i32)
                    .collect();
                Chat { user: *user, cards }
            })
            .collect();
        let outcome = drive(&fake, &chats, load, |note, text| text == note).await;
        // Not `token.shutdown()?.await`: that future can miss the dispatcher's end (see
        // `stop_dondoc`); the task's end cannot be missed.
        drop(token.shutdown());
        if tokio::time::timeout(STOP_LIMIT, &mut task).await.is_err() {
            println!(
                "echo     {:<6} the dispatcher did not stop within {STOP_LIMIT:?}",
                load.label()
            );
            task.abort();
        }
        assert_eq!(
            fake.calls_to("sendMessage").len(),
            users.len() + outcome.notes.len(),
            "echo {}: messages sent",
            load.label()
        );
        outcome.print("echo", load);
        fake.shutdown().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Databases

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Seed 004 as `tests/it/bot.rs` loads it: Hà Giang city, its units and its 2023 plan.
async fn seed(store: &Store) {
    let actor = Actor::new("bench:coordinator");
    let units = import::read_units(&fixture("seed004_units.csv"), &[], 1 << 24).expect("units");
    store
        .upsert_units(&units, &actor)
        .await
        .expect("units saved");
    let scope = UnitCode::parse("HAGIANG").expect("scope");
    let directory =
        UnitDirectory::new(store.list_units().await.expect("units"), &scope).expect("directory");
    let year = PlanYear::new(2023).expect("year");
    let reading = import::read_plan(&fixture("seed004_plan.tsv"), &directory, year, 1 << 24);
    assert!(reading.problems.is_empty(), "{:?}", reading.problems);
    let plan = NewPlan {
        code: PlanCode::parse("HG-2023").expect("code"),
        title: "Kế hoạch PAPI 2023".into(),
        year,
        scope,
        source: "seed004".into(),
        tasks: reading.tasks,
    };
    store
        .save_plan(
            &plan,
            &periods_for_year(&default_templates(), 2023),
            SaveMode::CreateOnly,
            &actor,
        )
        .await
        .expect("plan saved");
}

// ---------------------------------------------------------------------------------------------
// Status presses at a distance (issue 12)

/// The fake's round trip in the press loads: every Bot API call is answered this long after
/// it arrives, as a server far from Telegram sees.
const PRESS_ROUND_TRIP: Duration = Duration::from_millis(150);
/// Members pressing in each press load.
const PRESS_USERS: usize = 50;
/// `steady`: this many presses, one every [`STEADY_EVERY`] (10 a second).
const STEADY_PRESSES: usize = 600;
const STEADY_EVERY: Duration = Duration::from_millis(100);
/// `burst` and `unpaced`: this many presses pushed at once.
const BURST_PRESSES: usize = 1_000;

#[derive(Debug, Clone, Copy)]
enum PressLoad {
    /// 10 presses a second, open loop: each at its time, whatever was confirmed.
    Steady,
    /// Every press at once; the bot paces its confirmations as Telegram requires (the default
    /// `outbox` limits) and the fake enforces Telegram's limits.
    Burst,
    /// The same burst with the bot's pacing lifted and the fake's limits off: what the bot
    /// itself does, not what Telegram allows.
    Unpaced,
}

impl PressLoad {
    const ALL: [PressLoad; 3] = [PressLoad::Steady, PressLoad::Burst, PressLoad::Unpaced];

    fn label(self) -> &'static str {
        match self {
            PressLoad::Steady => "steady",
            PressLoad::Burst => "burst",
            PressLoad::Unpaced => "unpaced",
        }
    }

    fn presses(self) -> usize {
        match self {
            PressLoad::Steady => STEADY_PRESSES,
            PressLoad::Burst | PressLoad::Unpaced => BURST_PRESSES,
        }
    }

    fn paced(self) -> bool {
        !matches!(self, PressLoad::Unpaced)
    }
}

/// A member's chat and its cards: (message id, assignment id).
struct Member {
    user: i64,
    cards: Vec<(i32, AssignmentId)>,
}

/// A press pushed and not yet confirmed.
struct Press {
    update_id: i32,
    assignment_id: AssignmentId,
    status: AssignmentStatus,
    at: Instant,
}

/// A press and its confirmation.
struct Confirmed {
    update_id: i32,
    assignment_id: AssignmentId,
    status: AssignmentStatus,
    /// The status update its «Thêm ghi chú» button names.
    status_update_id: i64,
    latency: Duration,
}

/// What one press load gave.
struct PressRun {
    confirmed: Vec<Confirmed>,
    /// From the first push to the last confirmation.
    elapsed: Duration,
    /// `sendMessage` calls the fake refused with 429.
    refused: usize,
}

async fn run_presses() {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "status presses: {PRESS_USERS} members; steady {STEADY_PRESSES} at 10/s, burst \
         {BURST_PRESSES} at once; fake round trip {PRESS_ROUND_TRIP:?}; one Tokio runtime, \
         {workers} workers"
    );
    let dir = tempfile::tempdir().expect("a temp dir for the SQLite file");
    bench_presses(Db::sqlite(dir.path(), "bench-presses.db")).await;
    match std::env::var(POSTGRES_ENV) {
        Ok(url) => {
            bench_presses(Db::postgres(
                &url,
                format!("dondoc_bench_presses_{}", std::process::id()),
            ))
            .await
        }
        Err(_) => println!("postgres skipped: set {POSTGRES_ENV} to run it"),
    }
}

async fn bench_presses(db: Db) {
    let store = db.open().await;
    seed(&store).await;
    let mut assignments = BTreeSet::new();
    let mut recorded = 0;
    for (index, load) in PressLoad::ALL.into_iter().enumerate() {
        let label = load.label();
        let fake = fake_for(index).await;
        fake.set_round_trip(PRESS_ROUND_TRIP);
        fake.enforce_limits(load.paced());
        let mut config = Config {
            database: db.config.clone(),
            ..Config::default()
        };
        config.telegram.bot_token = Some(SecretString::from(TOKEN));
        config.telegram.api_url = fake.api_url();
        config.telegram.poll_timeout_secs = POLL_TIMEOUT_SECS;
        if !load.paced() {
            config.outbox.messages_per_second = 1e6;
            config.outbox.chat_interval_ms = 0;
        }
        let running: RunningBot = bot::spawn(&config, store.clone(), Arc::new(SystemClock))
            .await
            .expect("the bot starts");
        let setup = Instant::now();
        let first = FIRST_USER + 1_000 * index as i64;
        let users: Vec<i64> = (0..PRESS_USERS as i64).map(|i| first + i).collect();
        let members = press_members(&fake, &onboard(&fake, &store, &users).await);
        assignments.extend(members.iter().flat_map(|m| m.cards.iter().map(|c| c.1)));
        println!(
            "{:<8} {label:<7} setup {} members linked, {} cards, in {:.1} s",
            db.name,
            members.len(),
            members.iter().map(|m| m.cards.len()).sum::<usize>(),
            setup.elapsed().as_secs_f64()
        );
        let calls_before = fake.calls().len();
        let ticks = cpu_ticks();
        let run = press(&fake, &members, load, calls_before).await;
        let cpu = cpu_since(ticks);
        stop_dondoc(running, db.name, label).await;
        let confirmations = fake.calls_since(calls_before);
        let confirmations = confirmations
            .iter()
            .filter(|c| c.method == "sendmessage" && c.is_ok())
            .count();
        assert_eq!(
            confirmations,
            load.presses(),
            "{} {label}: one confirmation a press, none more",
            db.name
        );
        recorded += run.confirmed.len();
        check_presses(
            &store,
            &assignments,
            &run.confirmed,
            recorded,
            db.name,
            label,
        )
        .await;

        let mut sorted: Vec<Duration> = run.confirmed.iter().map(|c| c.latency).collect();
        sorted.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let n = run.confirmed.len();
        println!(
            "{:<8} {label:<7} presses {n:>5} in {:>6.2} s {:>6.1} /s  p50 {:>8.1} ms  \
             p99 {:>8.1} ms  max {:>8.1} ms  429s {}{}",
            db.name,
            run.elapsed.as_secs_f64(),
            n as f64 / run.elapsed.as_secs_f64(),
            ms(percentile(&sorted, 50.0)),
            ms(percentile(&sorted, 99.0)),
            ms(*sorted.last().expect("at least one press")),
            run.refused,
            cpu.map(|c| format!("  machine {:.0} % busy", c.machine_busy * 100.0))
                .unwrap_or_default(),
        );
        fake.shutdown().await;
    }
    store.close().await;
    db.finish().await;
}

/// Each chat's cards with the assignment behind each, read from the card's status buttons
/// (the bot stores a card's id only once Telegram's answer is back, a round trip after the
/// fake saw the card).
fn press_members(fake: &FakeTelegram, chats: &[Chat]) -> Vec<Member> {
    chats
        .iter()
        .map(|chat| {
            let cards = chat
                .cards
                .iter()
                .map(|card| {
                    let message = fake.message(chat.user, *card).unwrap_or_default();
                    let assignment = message["reply_markup"]["inline_keyboard"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .flat_map(|row| row.as_array().into_iter().flatten())
                        .filter_map(|button| button["callback_data"].as_str())
                        .find_map(|data| match Callback::decode(data) {
                            Some(Callback::Status { assignment_id, .. }) => Some(assignment_id),
                            _ => None,
                        });
                    let Some(assignment) = assignment else {
                        panic!("card {card} of {} has no status button", chat.user);
                    };
                    (*card, assignment)
                })
                .collect();
            Member {
                user: chat.user,
                cards,
            }
        })
        .collect()
}

/// The status update a confirmation's «Thêm ghi chú» button names (`nt:ID`).
fn note_button(params: &Value) -> Option<i64> {
    params["reply_markup"]["inline_keyboard"]
        .as_array()?
        .iter()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .filter_map(|button| button["callback_data"].as_str())
        .find_map(|data| data.strip_prefix("nt:")?.parse().ok())
}

/// Presses status buttons on the members' cards and collects the confirmations.
///
/// Press `i` is member `i mod M`'s, on their cards in turn: «Đã hoàn thành» on the first round
/// over the cards, «Đang thực hiện» on the next, and so on. A chat's updates are handled in
/// order (teloxide's default distribution), so a chat's confirmations answer its presses
/// first to last; each is checked against its press's status word here, and against the
/// press's assignment in the database afterwards. Latency: from just before the update is
/// put in the fake to the fake's record of the `sendMessage` (`Call::at`, taken when the call
/// arrives, before the round trip is waited).
async fn press(
    fake: &FakeTelegram,
    members: &[Member],
    load: PressLoad,
    calls_before: usize,
) -> PressRun {
    let n = load.presses();
    let label = load.label();
    let pending: RefCell<HashMap<i64, VecDeque<Press>>> = RefCell::new(HashMap::new());
    let progress = Cell::new(0usize);
    let started = Instant::now();

    let pusher = async {
        for i in 0..n {
            let member = &members[i % members.len()];
            let k = i / members.len();
            let (card, assignment_id) = member.cards[k % member.cards.len()];
            let status = if (k / member.cards.len()).is_multiple_of(2) {
                AssignmentStatus::Done
            } else {
                AssignmentStatus::InProgress
            };
            if matches!(load, PressLoad::Steady) {
                tokio::time::sleep_until((started + STEADY_EVERY * i as u32).into()).await;
            } else if i.is_multiple_of(50) {
                tokio::task::yield_now().await;
            }
            let data = Callback::Status {
                assignment_id,
                status,
            }
            .encode();
            let at = Instant::now();
            fake.callback(member.user, member.user, card, &data);
            let update_id = fake.last_update_id();
            pending
                .borrow_mut()
                .entry(member.user)
                .or_default()
                .push_back(Press {
                    update_id,
                    assignment_id,
                    status,
                    at,
                });
        }
    };

    let collector = async {
        let mut seen = calls_before;
        let mut confirmed = Vec::with_capacity(n);
        let mut last = started;
        let mut refused = 0;
        while confirmed.len() < n {
            tokio::time::sleep(Duration::from_millis(5)).await;
            let calls = fake.calls_since(seen);
            seen += calls.len();
            for call in calls.iter().filter(|c| c.method == "sendmessage") {
                if !call.is_ok() {
                    refused += 1;
                    continue;
                }
                let chat = call.params["chat_id"].as_i64().unwrap_or_default();
                let text = call.params["text"].as_str().unwrap_or_default();
                let press = pending
                    .borrow_mut()
                    .get_mut(&chat)
                    .and_then(VecDeque::pop_front);
                let Some(press) = press else {
                    panic!("{label}: a sendMessage to {chat} answers no press: {text:?}");
                };
                let word = Text::Status(press.status).render(Lang::Vi);
                assert!(
                    text.starts_with("Đã ghi nhận: ") && text.ends_with(&format!(" – {word}.")),
                    "{label}: a {word:?} press in chat {chat} was answered {text:?}"
                );
                let Some(status_update_id) = note_button(&call.params) else {
                    panic!("{label}: no «Thêm ghi chú» under {text:?}");
                };
                confirmed.push(Confirmed {
                    update_id: press.update_id,
                    assignment_id: press.assignment_id,
                    status: press.status,
                    status_update_id,
                    latency: call.at.saturating_duration_since(press.at),
                });
                last = last.max(call.at);
            }
            progress.set(confirmed.len());
        }
        (confirmed, last, refused)
    };

    let both = async { tokio::join!(pusher, collector).1 };
    let Ok((confirmed, last, refused)) = tokio::time::timeout(LOAD_LIMIT, both).await else {
        panic!(
            "{label}: only {} of {n} presses confirmed within {LOAD_LIMIT:?}",
            progress.get()
        );
    };
    PressRun {
        confirmed,
        elapsed: last - started,
        refused,
    }
}

/// Every press recorded exactly once: its update processed, the status update its
/// confirmation names stored on the press's assignment with the press's status, no status
/// update named twice, and exactly `total` status updates on the cards' assignments (every
/// press so far, nothing more).
async fn check_presses(
    store: &Store,
    assignments: &BTreeSet<AssignmentId>,
    confirmed: &[Confirmed],
    total: usize,
    name: &str,
    label: &str,
) {
    let mut ids = HashSet::new();
    for press in confirmed {
        assert!(
            ids.insert(press.status_update_id),
            "{name} {label}: status update {} confirmed twice",
            press.status_update_id
        );
        let update = store
            .status_update(dondoc::domain::StatusUpdateId(press.status_update_id))
            .await
            .expect("status update query");
        let Some(update) = update else {
            panic!(
                "{name} {label}: status update {} not stored",
                press.status_update_id
            );
        };
        assert_eq!(
            (update.assignment_id, update.status),
            (press.assignment_id, press.status),
            "{name} {label}: update {} recorded on the wrong task or status",
            press.update_id
        );
        assert!(
            store
                .was_processed(i64::from(press.update_id))
                .await
                .expect("processed query"),
            "{name} {label}: update {} not marked processed",
            press.update_id
        );
    }
    let mut count = 0;
    for id in assignments {
        count += store.status_history(*id).await.expect("history").len();
    }
    assert_eq!(count, total, "{name} {label}: status updates stored");
    println!(
        "{name:<8} {label:<7} db    recorded once: yes ({} presses, {} status updates, {} \
         processed updates; {count} status updates on the cards in all)",
        confirmed.len(),
        ids.len(),
        confirmed.len()
    );
}
