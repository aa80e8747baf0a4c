//! A simulated province for load, fault and crash runs, on the fake Bot API server.
//!
//! [`run`] builds a province of `units` communes (a head each, linked to Telegram) and one
//! coordinating office, with a plan whose commune plan report (due 30/5/2026) is reminded
//! seven days before, on Friday 22/5/2026 at 08:00. A scheduler pass at that instant queues the
//! fan-out; `dondoc serve` sends it — in this process ([`RunningService`]) or as real child
//! processes that are killed with SIGKILL at random moments and started again. Each head
//! answers the reminder at a random moment within `reply_spread`: a text reply, a document
//! reply, or the «Nộp báo cáo» button followed by a text — while the fake server injects faults
//! at the configured rates and some heads have blocked the bot (403).
//!
//! At the end it checks, from the database and the fake's call log: every reply recorded
//! exactly once (lost: replied, no submission; duplicated: more than one), every queued
//! message sent exactly once (lost: failed, still queued, parked for someone who had not
//! blocked the bot, or marked sent but never accepted by the fake; duplicated: accepted more
//! than once — split into those explained by an ambiguous send, i.e. a slow answer that timed
//! out after Telegram took the message or a process killed mid-send, and the rest), and it
//! measures updates handled per second, update-to-confirmation latency, and messages sent per
//! second as a fraction of Telegram's 30 a second.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use dondoc::clock::FixedClock;
use dondoc::config::Config;
use dondoc::domain::calendar::{default_templates, periods_for_year};
use dondoc::domain::plan::{Dimension, NewPlan, NewTask, UnitRef};
use dondoc::domain::unit::{NewPerson, NewUnit, Unit};
use dondoc::domain::{Actor, PersonRole, PlanCode, PlanYear, UnitCode, UnitKind};
use dondoc::outbox::Doorbell;
use dondoc::scheduler::{Rules, Scheduler};
use dondoc::service::RunningService;
use dondoc::store::{SaveMode, Store};
use rand::{Rng, SeedableRng};
use secrecy::{ExposeSecret, SecretString};

use super::fake_telegram::{Call, FakeTelegram, Fault, FaultRates, IncomingDocument};

/// Telegram's global limit, messages a second.
const TELEGRAM_PER_SECOND: f64 = 30.0;
const FIRST_CHAT: i64 = 70_000_000;
const YEAR: i32 = 2026;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct Plan {
    pub units: usize,
    pub seed: u64,
    pub faults: FaultRates,
    /// Every n-th head has blocked the bot (0: nobody).
    pub blocked_every: usize,
    /// Heads answer within this long of getting their reminder.
    pub reply_spread: Duration,
    /// Whether the fake enforces Telegram's limits (30/s, 1/s a chat).
    pub limits: bool,
    /// 0: the service runs in this process; n: n `dondoc serve` child processes.
    pub processes: usize,
    /// Between SIGKILLs of a random child, a random wait in this range (child processes only).
    pub kill_between: Option<(Duration, Duration)>,
    /// Stop killing after this many kills, so the run can settle.
    pub max_kills: usize,
    /// Run this command (e.g. restarting the Postgres server) once, this long into the run.
    pub database_restart: Option<(Duration, Vec<String>)>,
    /// The `dondoc` binary, for child processes.
    pub binary: Option<PathBuf>,
    /// Give up (and report what is missing) after this long.
    pub deadline: Duration,
}

impl Plan {
    pub fn quick(units: usize) -> Plan {
        Plan {
            units,
            seed: 7,
            faults: FaultRates::none(),
            blocked_every: 0,
            reply_spread: Duration::from_secs(2),
            limits: true,
            processes: 0,
            kill_between: None,
            max_kills: 0,
            database_restart: None,
            binary: None,
            deadline: Duration::from_secs(120),
        }
    }
}

/// What a run found.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub backend: String,
    pub units: usize,
    pub blocked: usize,
    pub elapsed: Duration,
    pub kills: usize,
    // Replies.
    pub replies: usize,
    pub updates: usize,
    pub replies_recorded: usize,
    pub replies_lost: usize,
    pub replies_duplicated: usize,
    pub unconfirmed: usize,
    /// Answers sent again because the bot said it could not save them.
    pub resent: usize,
    pub updates_per_second: f64,
    pub latency_p50: Duration,
    pub latency_p99: Duration,
    // Messages.
    pub queued: usize,
    pub sent: usize,
    pub parked: usize,
    pub messages_lost: usize,
    pub duplicated_ambiguous: usize,
    pub duplicated_unexplained: usize,
    pub sends_per_second: f64,
    pub fraction_of_limit: f64,
    pub limit_429s: usize,
    pub injected: HashMap<&'static str, usize>,
    /// What went missing, for the report.
    pub problems: Vec<String>,
}

impl Outcome {
    /// Nothing lost, nothing sent twice beyond what ambiguous sends explain.
    pub fn is_clean(&self) -> bool {
        self.replies_lost == 0
            && self.replies_duplicated == 0
            && self.messages_lost == 0
            && self.duplicated_unexplained == 0
    }

    pub fn print(&self) {
        let mut injected: Vec<_> = self.injected.iter().collect();
        injected.sort();
        println!(
            "{} · {} units ({} blocked the bot) · {:.1} s · {} kills\n\
             replies: {} ({} updates) · recorded {} · lost {} · duplicated {} · unconfirmed {} · \
             sent again when asked {}\n\
             updates handled {:.1}/s · update → confirmation p50 {} ms, p99 {} ms\n\
             messages: {} queued · {} sent · {} parked (403) · lost {} · duplicated {} (ambiguous \
             send) + {} (unexplained)\n\
             sending {:.1} messages/s = {:.2} of 30/s · 429s from the limits: {} · injected {:?}",
            self.backend,
            self.units,
            self.blocked,
            self.elapsed.as_secs_f64(),
            self.kills,
            self.replies,
            self.updates,
            self.replies_recorded,
            self.replies_lost,
            self.replies_duplicated,
            self.unconfirmed,
            self.resent,
            self.updates_per_second,
            self.latency_p50.as_millis(),
            self.latency_p99.as_millis(),
            self.queued,
            self.sent,
            self.parked,
            self.messages_lost,
            self.duplicated_ambiguous,
            self.duplicated_unexplained,
            self.sends_per_second,
            self.fraction_of_limit,
            self.limit_429s,
            injected,
        );
        for problem in self.problems.iter().take(20) {
            println!("  ! {problem}");
        }
    }
}

/// How a head answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Text,
    Document,
    Button,
}

/// One simulated head of a commune.
#[derive(Debug)]
struct Head {
    chat: i64,
    unit_id: i64,
    blocked: bool,
    /// The reminder's message id and its «Nộp báo cáo» button data.
    reminder: Option<(i32, String)>,
    answer_at: Option<Instant>,
    answered_at: Option<Instant>,
    confirmed_at: Option<Instant>,
    confirmations: usize,
    /// Answers sent again after "Chưa lưu được … gửi lại".
    resends: usize,
}

/// 08:00 on Friday 22/5/2026 in the province: seven days before the commune plan is due.
pub fn reminder_morning() -> DateTime<Utc> {
    chrono_tz::Asia::Ho_Chi_Minh
        .from_local_datetime(
            &NaiveDate::from_ymd_opt(YEAR, 5, 22)
                .and_then(|d| d.and_hms_opt(8, 0, 0))
                .expect("valid"),
        )
        .single()
        .expect("one instant")
        .with_timezone(&Utc)
}

/// Builds the province in `store`: the units, one head per commune, a coordinator, the plan.
pub async fn populate(store: &Store, units: usize) -> Vec<Unit> {
    let actor = Actor::new("province-sim");
    let province = UnitCode::parse("SIM").expect("code");
    let office = UnitCode::parse("SIM-SNV").expect("code");
    let mut registry = vec![
        NewUnit {
            code: province.clone(),
            name: "Tỉnh Mô Phỏng".into(),
            kind: UnitKind::Province,
            parent: None,
            aliases: Vec::new(),
        },
        NewUnit {
            code: office.clone(),
            name: "Sở Nội vụ".into(),
            kind: UnitKind::CoordinatingOffice,
            parent: Some(province.clone()),
            aliases: Vec::new(),
        },
    ];
    for i in 1..=units {
        registry.push(NewUnit {
            code: UnitCode::parse(&format!("SIM-X{i:05}")).expect("code"),
            name: format!("UBND xã Mô Phỏng {i}"),
            kind: UnitKind::Commune,
            parent: Some(province.clone()),
            aliases: Vec::new(),
        });
    }
    store
        .upsert_units(&registry, &actor)
        .await
        .expect("the registry");
    let mut stored: Vec<Unit> = store.list_units().await.expect("units");
    stored.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    let communes: Vec<Unit> = stored
        .iter()
        .filter(|u| u.kind == UnitKind::Commune)
        .cloned()
        .collect();
    let office_unit = stored
        .iter()
        .find(|u| u.code == office)
        .expect("the office")
        .clone();
    let unit_ref = |u: &Unit| UnitRef {
        id: u.id,
        code: u.code.clone(),
        name: u.name.clone(),
    };
    let plan = NewPlan {
        code: PlanCode::parse("SIM-PAPI-2026").expect("plan code"),
        title: "Kế hoạch cải thiện chỉ số PAPI (mô phỏng)".into(),
        year: PlanYear::new(YEAR).expect("year"),
        scope: province,
        source: "tests/support/province.rs".into(),
        tasks: vec![NewTask {
            source_row: 2,
            code: Some("1.1".into()),
            dimension: Some(Dimension {
                code: "1".into(),
                title: "Tham gia của người dân ở cấp cơ sở".into(),
            }),
            criterion: None,
            text: "Niêm yết công khai các thủ tục hành chính tại trụ sở UBND".into(),
            target: "100% xã".into(),
            timeframe: "Thường xuyên".into(),
            due_date: None,
            expected_output: "Báo cáo kết quả".into(),
            lead_units: vec![unit_ref(&office_unit)],
            implementing_units: communes.iter().map(unit_ref).collect(),
        }],
    };
    store
        .save_plan(
            &plan,
            &periods_for_year(&default_templates(), YEAR),
            SaveMode::CreateOnly,
            &actor,
        )
        .await
        .expect("the plan");
    for (i, unit) in communes.iter().enumerate() {
        let person = NewPerson {
            unit: unit.code.clone(),
            full_name: format!("Chủ tịch xã {}", i + 1),
            role: PersonRole::Head,
            telegram_user_id: Some(FIRST_CHAT + i as i64),
            phone: None,
        };
        store.add_person(&person, &actor).await.expect("a head");
    }
    let coordinator = NewPerson {
        unit: office_unit.code.clone(),
        full_name: "Cán bộ Nội vụ".into(),
        role: PersonRole::Coordinator,
        telegram_user_id: Some(FIRST_CHAT - 1),
        phone: None,
    };
    store
        .add_person(&coordinator, &actor)
        .await
        .expect("the coordinator");
    communes
}

/// The service under test: in this process, or child `serve` processes.
enum Service {
    InProcess(RunningService),
    Children {
        children: Vec<Child>,
        command: Box<dyn Fn() -> Command + Send>,
    },
}

impl Service {
    async fn stop(self) {
        match self {
            Service::InProcess(service) => service.stop().await,
            Service::Children { mut children, .. } => {
                for child in &mut children {
                    // SIGTERM: a clean stop gives the lease up.
                    let _ = Command::new("kill")
                        .arg("-TERM")
                        .arg(child.id().to_string())
                        .status();
                }
                for child in &mut children {
                    let deadline = Instant::now() + Duration::from_secs(20);
                    while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    let _ = child.kill();
                    let _ = child.wait();
                }
            }
        }
    }

    /// SIGKILLs a random child and starts it again; false in process.
    fn kill_one(&mut self, rng: &mut rand::rngs::StdRng) -> bool {
        let Service::Children { children, command } = self else {
            return false;
        };
        let i = rng.gen_range(0..children.len());
        let _ = children[i].kill();
        let _ = children[i].wait();
        children[i] = command().spawn().expect("serve starts again");
        true
    }
}

/// Runs the simulation on the database of `config` (fresh: [`populate`] fills it).
pub async fn run(config: &Config, backend: &str, plan: &Plan) -> Outcome {
    let started = Instant::now();
    let _ = backend;
    let clock = FixedClock::new(reminder_morning());
    let store = Store::connect(&config.database, Arc::new(clock.clone()))
        .await
        .expect("the database");
    let communes = populate(&store, plan.units).await;
    let fake = FakeTelegram::start().await;
    let mut heads: Vec<Head> = communes
        .iter()
        .enumerate()
        .map(|(i, unit)| Head {
            chat: FIRST_CHAT + i as i64,
            unit_id: unit.id,
            blocked: plan.blocked_every > 0 && i % plan.blocked_every == plan.blocked_every - 1,
            reminder: None,
            answer_at: None,
            answered_at: None,
            confirmed_at: None,
            confirmations: 0,
            resends: 0,
        })
        .collect();
    for head in &heads {
        fake.add_user(head.chat, "Chủ tịch", None);
        if head.blocked {
            fake.block_chat(head.chat);
        }
    }
    fake.add_user(FIRST_CHAT - 1, "Nội vụ", None);
    if plan.limits {
        fake.enforce_limits(true);
    }
    fake.random_faults(plan.faults);

    let mut config = config.clone();
    config.telegram.bot_token = Some(SecretString::from("123456:TEST-TOKEN"));
    config.telegram.api_url = fake.api_url();
    config.telegram.poll_timeout_secs = 1;
    config.outbox.request_timeout_secs = 1;
    config.outbox.lease_secs = 3;
    config.outbox.poll_interval_ms = 50;
    config.outbox.max_backoff_secs = 5;

    // The fan-out: one pass at 08:00 queues the reminders.
    let scheduler = Scheduler::new(
        store.clone(),
        Rules::from_config(&config),
        Doorbell::default(),
    );
    scheduler
        .pass(reminder_morning(), false)
        .await
        .expect("the pass");
    let mut service = start(&config, &store, &clock, &fake, plan).await;

    let mut rng = rand::rngs::StdRng::seed_from_u64(plan.seed);
    let by_chat: HashMap<i64, usize> = heads.iter().enumerate().map(|(i, h)| (h.chat, i)).collect();
    let mut cursor = 0usize;
    let mut kills = 0usize;
    let mut next_kill = plan
        .kill_between
        .map(|(low, high)| Instant::now() + random_between(&mut rng, low, high));
    let mut updates = 0usize;
    let deadline = Instant::now() + plan.deadline;
    let mut restart = plan
        .database_restart
        .clone()
        .map(|(after, command)| (Instant::now() + after, command));
    loop {
        // Read what the bot sent since the last look.
        let calls = fake.calls_since(cursor);
        cursor += calls.len();
        for call in calls
            .iter()
            .filter(|c| c.method == "sendmessage" && c.is_ok())
        {
            let Some(&i) = chat_of(call).and_then(|chat| by_chat.get(&chat)) else {
                continue;
            };
            let head = &mut heads[i];
            let text = call.params["text"].as_str().unwrap_or_default();
            // The confirmation, or the one a restarted service gives a reply recorded before
            // the stop.
            if text.starts_with("Đã nhận báo cáo") || text.starts_with("✅ Đã ghi nhận tin nhắn")
            {
                head.confirmations += 1;
                if head.confirmed_at.is_none() {
                    head.confirmed_at = Some(call.at);
                }
            }
            // Told the database failed, a head sends the answer again a little later, as the
            // message asks.
            if text.starts_with("Chưa lưu được") && head.answered_at.is_some() {
                head.resends += 1;
                head.answered_at = None;
                head.answer_at = Some(Instant::now() + Duration::from_secs(5));
            }
            if head.reminder.is_none() {
                if let Some(button) = report_button(call) {
                    let message_id = call.response["result"]["message_id"].as_i64().unwrap_or(0);
                    head.reminder = Some((message_id as i32, button));
                    let wait = random_between(&mut rng, Duration::ZERO, plan.reply_spread);
                    head.answer_at = Some(Instant::now() + wait);
                }
            }
        }
        // Heads whose moment has come answer.
        let now = Instant::now();
        for head in heads.iter_mut() {
            if head.answered_at.is_some() || head.answer_at.is_none_or(|at| at > now) {
                continue;
            }
            let Some((message_id, button)) = head.reminder.clone() else {
                continue;
            };
            let answer = match rng.gen_range(0..10) {
                0..=3 => Answer::Text,
                4..=6 => Answer::Document,
                _ => Answer::Button,
            };
            updates += answer_reminder(&fake, head.chat, message_id, &button, answer);
            head.answered_at = Some(Instant::now());
        }
        // A kill now and then.
        if let Some(at) = next_kill {
            if kills < plan.max_kills && Instant::now() >= at && service.kill_one(&mut rng) {
                kills += 1;
                next_kill = plan
                    .kill_between
                    .map(|(low, high)| Instant::now() + random_between(&mut rng, low, high));
            }
        }
        if let Some((at, command)) = &restart {
            if Instant::now() >= *at {
                let status = Command::new(&command[0]).args(&command[1..]).status();
                println!("database restarted ({command:?}): {status:?}");
                restart = None;
            }
        }
        let waiting = heads
            .iter()
            .filter(|h| !h.blocked && (h.answered_at.is_none() || h.confirmed_at.is_none()))
            .count();
        if waiting == 0 && restart.is_none() && outbox_idle(&store).await {
            break;
        }
        if Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    service.stop().await;
    let mut outcome = Outcome {
        backend: backend.to_string(),
        units: plan.units,
        blocked: heads.iter().filter(|h| h.blocked).count(),
        kills,
        updates,
        ..Outcome::default()
    };
    measure(&store, &fake, &heads, &mut outcome).await;
    outcome.elapsed = started.elapsed();
    store.close().await;
    fake.shutdown().await;
    outcome
}

async fn start(
    config: &Config,
    store: &Store,
    clock: &FixedClock,
    fake: &FakeTelegram,
    plan: &Plan,
) -> Service {
    if plan.processes == 0 {
        let service = RunningService::start(config, store.clone(), Arc::new(clock.clone()))
            .await
            .expect("the service starts");
        return Service::InProcess(service);
    }
    let binary = plan.binary.clone().expect("the dondoc binary");
    let database = config.database.clone();
    let api_url = fake.api_url();
    let command = move || {
        let mut command = Command::new(&binary);
        command
            .arg("serve")
            .env("DONDOC_DATABASE__URL", database.url.expose_secret())
            .env("DONDOC_TELEGRAM__BOT_TOKEN", "123456:TEST-TOKEN")
            .env("DONDOC_TELEGRAM__API_URL", &api_url)
            .env("DONDOC_TELEGRAM__POLL_TIMEOUT_SECS", "1")
            .env("DONDOC_OUTBOX__REQUEST_TIMEOUT_SECS", "1")
            .env("DONDOC_OUTBOX__LEASE_SECS", "2")
            .env("DONDOC_OUTBOX__POLL_INTERVAL_MS", "50")
            // These processes run on the wall clock, whatever the hour in Viet Nam.
            .env("DONDOC_OUTBOX__WORKING_HOURS_ONLY", "false")
            .env("DONDOC_OUTBOX__MAX_BACKOFF_SECS", "5")
            .env_remove("RUST_LOG")
            .stdout(Stdio::null());
        // PROVINCE_LOG=FILE appends the children's logs there, for a run that needs a look.
        match std::env::var_os("PROVINCE_LOG").and_then(|path| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .ok()
        }) {
            Some(file) => {
                command
                    .env("DONDOC_LOG__FILTER", "info,sqlx=warn")
                    .stderr(file);
            }
            None => {
                command
                    .env("DONDOC_LOG__FILTER", "error")
                    .stderr(Stdio::null());
            }
        }
        if let Some(schema) = &database.postgres_schema {
            command.env("DONDOC_DATABASE__POSTGRES_SCHEMA", schema);
        }
        command
    };
    let children = (0..plan.processes)
        .map(|_| command().spawn().expect("serve starts"))
        .collect();
    Service::Children {
        children,
        command: Box::new(command),
    }
}

fn random_between(rng: &mut rand::rngs::StdRng, low: Duration, high: Duration) -> Duration {
    if high <= low {
        return low;
    }
    low + Duration::from_millis(rng.gen_range(0..=(high - low).as_millis() as u64))
}

fn chat_of(call: &Call) -> Option<i64> {
    super::fake_telegram::chat_id_of(&call.params)
}

/// The «Nộp báo cáo» button's data, if the message has one.
fn report_button(call: &Call) -> Option<String> {
    let rows = call.params["reply_markup"]["inline_keyboard"].as_array()?;
    rows.iter()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .filter_map(|button| button["callback_data"].as_str())
        .find(|data| data.starts_with("r:"))
        .map(String::from)
}

/// Answers a reminder; returns the updates it took.
fn answer_reminder(
    fake: &FakeTelegram,
    chat: i64,
    message_id: i32,
    button: &str,
    answer: Answer,
) -> usize {
    match answer {
        Answer::Text => {
            let text = format!("Xã đã xây dựng kế hoạch ({chat})");
            fake.reply_to(chat, chat, message_id, &text);
            1
        }
        Answer::Document => {
            let file_id = format!("ke-hoach-{chat}");
            let document = IncomingDocument {
                file_id: &file_id,
                file_name: "ke_hoach.pdf",
                mime_type: "application/pdf",
                size: 80_000,
            };
            fake.document_reply(chat, chat, message_id, document, Some("Kế hoạch của xã"));
            1
        }
        Answer::Button => {
            fake.callback(chat, chat, message_id, button);
            fake.text_from(chat, chat, &format!("Kế hoạch đã ban hành ({chat})"));
            2
        }
    }
}

async fn outbox_idle(store: &Store) -> bool {
    match store.outbox_messages().await {
        Ok(messages) => messages
            .iter()
            .all(|m| m.state != "queued" && m.state != "sending"),
        Err(_) => false,
    }
}

/// Counts replies and messages from the database and the fake's log.
async fn measure(store: &Store, fake: &FakeTelegram, heads: &[Head], outcome: &mut Outcome) {
    let calls = fake.calls();
    measure_replies(store, heads, outcome).await;
    if std::env::var_os("PROVINCE_DEBUG").is_some() {
        for head in heads
            .iter()
            .filter(|h| !h.blocked && (h.confirmed_at.is_none() || h.answered_at.is_none()))
        {
            println!(
                "  {} answered={} reminder={:?}",
                head.chat,
                head.answered_at.is_some(),
                head.reminder
            );
            for call in calls
                .iter()
                .filter(|c| chat_of(c) == Some(head.chat) || c.method == "getupdates")
            {
                if call.method == "getupdates" {
                    continue;
                }
                let text: String = call.params["text"]
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .take(60)
                    .collect();
                println!(
                    "  {} {} ok={} fault={:?} {text}",
                    head.chat,
                    call.method,
                    call.is_ok(),
                    call.fault
                );
            }
        }
    }
    measure_messages(store, &calls, heads, outcome).await;
    for call in &calls {
        let kind = match &call.fault {
            Some(Fault::RetryAfter(_)) => "429",
            Some(Fault::ServerError) => "502",
            Some(Fault::Timeout(_)) => "slow",
            Some(Fault::Dropped) => "dropped",
            Some(Fault::Forbidden) => "403",
            Some(Fault::Api(..)) => "api",
            None => continue,
        };
        *outcome.injected.entry(kind).or_default() += 1;
    }
    outcome.limit_429s = fake.limit_hits();
}

async fn measure_replies(store: &Store, heads: &[Head], outcome: &mut Outcome) {
    let mut latencies = Vec::new();
    let mut first_answer: Option<Instant> = None;
    let mut last_confirmation: Option<Instant> = None;
    outcome.resent = heads.iter().map(|h| h.resends).sum();
    for head in heads.iter().filter(|h| h.answered_at.is_some()) {
        outcome.replies += 1;
        let period = head
            .reminder
            .as_ref()
            .and_then(|(_, button)| button.split(':').nth(1))
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or_default();
        let submissions = store
            .submissions(
                dondoc::domain::PeriodId(period),
                dondoc::domain::UnitId(head.unit_id),
            )
            .await
            .map(|s| s.len())
            .unwrap_or(0);
        match submissions {
            0 => {
                outcome.replies_lost += 1;
                outcome
                    .problems
                    .push(format!("reply from {} not recorded", head.chat));
            }
            1 => outcome.replies_recorded += 1,
            n => {
                outcome.replies_recorded += 1;
                outcome.replies_duplicated += 1;
                outcome
                    .problems
                    .push(format!("reply from {} recorded {n} times", head.chat));
            }
        }
        let answered = head.answered_at.unwrap_or_else(Instant::now);
        first_answer = Some(first_answer.map_or(answered, |f| f.min(answered)));
        match head.confirmed_at {
            Some(at) => {
                latencies.push(at.saturating_duration_since(answered));
                last_confirmation = Some(last_confirmation.map_or(at, |l| l.max(at)));
            }
            None => {
                outcome.unconfirmed += 1;
                outcome
                    .problems
                    .push(format!("reply from {} not confirmed", head.chat));
            }
        }
    }
    latencies.sort();
    outcome.latency_p50 = percentile(&latencies, 0.50);
    outcome.latency_p99 = percentile(&latencies, 0.99);
    if let (Some(first), Some(last)) = (first_answer, last_confirmation) {
        let span = last
            .saturating_duration_since(first)
            .as_secs_f64()
            .max(0.001);
        outcome.updates_per_second = outcome.replies as f64 / span;
    }
}

async fn measure_messages(store: &Store, calls: &[Call], heads: &[Head], outcome: &mut Outcome) {
    let blocked: HashSet<i64> = heads.iter().filter(|h| h.blocked).map(|h| h.chat).collect();
    // Every message the fake took, and the chats and texts of ambiguous sends (taken, but
    // answered too late for the client to know).
    let mut accepted: HashMap<(i64, &str), usize> = HashMap::new();
    let mut first_taken: HashMap<(i64, &str), Instant> = HashMap::new();
    let mut ambiguous: HashSet<(i64, &str)> = HashSet::new();
    let mut sends: Vec<Instant> = Vec::new();
    for call in calls.iter().filter(|c| c.method == "sendmessage") {
        let (Some(chat), Some(text)) = (chat_of(call), call.params["text"].as_str()) else {
            continue;
        };
        if call.is_ok() {
            *accepted.entry((chat, text)).or_default() += 1;
            first_taken.entry((chat, text)).or_insert(call.at);
            sends.push(call.at);
        }
        if matches!(call.fault, Some(Fault::Timeout(_))) {
            ambiguous.insert((chat, text));
        }
    }
    let messages = store.outbox_messages().await.unwrap_or_default();
    outcome.queued = messages.len();
    let mut outbox_sends: Vec<Instant> = Vec::new();
    for message in &messages {
        let key = (message.chat_id, message.body.as_str());
        match message.state.as_str() {
            "sent" => {
                outcome.sent += 1;
                let taken = accepted.get(&key).copied().unwrap_or_else(|| {
                    // A long text goes in parts: count its first part.
                    accepted
                        .iter()
                        .filter(|((chat, text), _)| {
                            *chat == message.chat_id && message.body.starts_with(text)
                        })
                        .map(|(_, n)| *n)
                        .max()
                        .unwrap_or(0)
                });
                match taken {
                    0 => {
                        outcome.messages_lost += 1;
                        outcome
                            .problems
                            .push(format!("{} marked sent, never taken", message.key));
                    }
                    1 => {}
                    _ if ambiguous.contains(&key) || outcome.kills > 0 => {
                        outcome.duplicated_ambiguous += 1;
                    }
                    n => {
                        outcome.duplicated_unexplained += 1;
                        outcome
                            .problems
                            .push(format!("{} taken {n} times", message.key));
                    }
                }
                if let Some(at) = first_taken.get(&key) {
                    outbox_sends.push(*at);
                }
            }
            "parked" if blocked.contains(&message.chat_id) => outcome.parked += 1,
            state => {
                outcome.messages_lost += 1;
                outcome
                    .problems
                    .push(format!("{} left {state}", message.key));
            }
        }
    }
    outbox_sends.sort();
    if let (Some(first), Some(last)) = (outbox_sends.first(), outbox_sends.last()) {
        // Everything sent while the outbox was sending: its own messages and the replies.
        let in_window = sends
            .iter()
            .filter(|at| *at >= first && *at <= last)
            .count();
        let span = last
            .saturating_duration_since(*first)
            .as_secs_f64()
            .max(0.001);
        outcome.sends_per_second = in_window as f64 / span;
        outcome.fraction_of_limit = outcome.sends_per_second / TELEGRAM_PER_SECOND;
    }
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}
