//! The one typed configuration: `config/dondoc.toml` (every key documented there), then
//! `DONDOC_SECTION__KEY` environment variables (`DONDOC_DATABASE__URL=postgres://…`).
//! Secrets (bot token, database URL with its password) are [`SecretString`]s: `Debug` and logs
//! never show them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono_tz::Tz;
use figment::providers::{Env, Format, Toml};
use figment::Figment;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::domain::calendar::{default_templates, PeriodTemplate};
use crate::domain::case::CaseClocks;
use crate::domain::{Ladder, Lang, ReminderPolicy, Rules, WorkingHours};

pub use crate::domain::CronSchedule;

/// The file read when no `--config` is given.
pub const DEFAULT_CONFIG_PATH: &str = "config/dondoc.toml";

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub database: DatabaseConfig,
    pub province: ProvinceConfig,
    pub telegram: TelegramConfig,
    pub zalo: ZaloConfig,
    pub import: ImportConfig,
    pub calendar: CalendarConfig,
    pub schedule: ScheduleConfig,
    pub escalation: Ladder,
    pub outbox: OutboxConfig,
    pub hotline: HotlineConfig,
    pub http: HttpConfig,
    pub log: LogConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://dondoc.db` (default) or `postgres://user:password@host/db`.
    pub url: SecretString,
    pub max_connections: u32,
    /// SQLite: how long a writer waits for another writer before giving up.
    pub busy_timeout_ms: u64,
    /// Postgres: the schema dondoc's tables live in (created if missing).
    pub postgres_schema: Option<String>,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: SecretString::from("sqlite://dondoc.db"),
            max_connections: 8,
            busy_timeout_ms: 5_000,
            postgres_schema: None,
        }
    }
}

impl DatabaseConfig {
    /// The URL with any password replaced by `***`, for logs and error messages.
    pub fn redacted_url(&self) -> String {
        redact_url(self.url.expose_secret())
    }
}

/// Replaces the password part of `scheme://user:password@host` with `***`; a URL without
/// a password is returned unchanged.
pub fn redact_url(url: &str) -> String {
    // `?password=…` (libpq's form) is as secret as `user:password@`.
    if let Some((base, query)) = url.split_once('?') {
        let query: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => pair.to_string(),
            })
            .collect();
        return format!("{}?{}", redact_url(base), query.join("&"));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    // Only a password is secret: `postgres://dondoc@db/dondoc` is shown as it is.
    match authority.rfind('@') {
        Some(at) => match authority[..at].split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{}", &rest[at + 1..]),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProvinceConfig {
    /// Due dates are calendar dates in this zone.
    pub time_zone: Tz,
    /// Language of messages to people: "vi" or "en".
    pub language: Lang,
}

impl Default for ProvinceConfig {
    fn default() -> Self {
        Self {
            time_zone: chrono_tz::Asia::Ho_Chi_Minh,
            language: Lang::Vi,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelegramConfig {
    pub bot_token: Option<SecretString>,
    /// The bot's @username for invitation links; asked from Telegram (getMe) when unset.
    pub bot_username: Option<String>,
    pub api_url: String,
    /// Long-polling wait per getUpdates call, seconds.
    pub poll_timeout_secs: u32,
    /// When set, Telegram pushes updates to this public HTTPS URL instead of long polling.
    pub webhook_url: Option<String>,
    /// Where the webhook listener binds (behind the reverse proxy that serves `webhook_url`).
    pub webhook_listen: String,
    /// The secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token`; random per start if unset.
    pub webhook_secret: Option<SecretString>,
    /// How long an invitation code stays valid, days.
    pub invitation_days: u32,
    /// When set, documents and photos received are also saved in this folder.
    pub download_dir: Option<PathBuf>,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        Self {
            bot_token: None,
            bot_username: None,
            api_url: "https://api.telegram.org".into(),
            poll_timeout_secs: 30,
            webhook_url: None,
            webhook_listen: "0.0.0.0:8443".into(),
            webhook_secret: None,
            invitation_days: 14,
            download_dir: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportConfig {
    /// Larger files are refused before they are read.
    pub max_file_bytes: u64,
    /// Whether the department groups of a plan ("Các Sở, Ban, ngành", "Các cơ quan chuyên
    /// môn") include the coordinating office (the Sở/Phòng Nội vụ). Every import says which.
    pub departments_include_coordinating_office: bool,
}

impl Default for ImportConfig {
    fn default() -> Self {
        Self {
            max_file_bytes: 20 * 1024 * 1024,
            departments_include_coordinating_office: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarConfig {
    /// The reporting periods every new plan starts with.
    pub periods: Vec<PeriodTemplate>,
}

impl Default for CalendarConfig {
    fn default() -> Self {
        Self {
            periods: default_templates(),
        }
    }
}

/// When the scheduler runs and when reminders may go out.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleConfig {
    /// Cron (with seconds) for one scheduler pass: compute what is due now and queue it.
    pub pass: CronSchedule,
    /// Cron for the daily digest. It fires every day by default and days off are skipped by
    /// the holiday table, so a weekend day the government makes a working day gets its digest.
    /// A digest is queued from its time until the end of `working_hours` that day.
    pub digest: CronSchedule,
    /// Reminders and escalations go out only in these hours of working days.
    pub working_hours: WorkingHours,
    /// Days before a due date that reminders go out (0 = the morning of the day).
    pub reminder_days: Vec<u32>,
    /// A reporting window opens (one message listing what the report covers) this many days
    /// before its due date.
    pub window_days: u32,
    /// A closing report missed during an outage is still sent up to this many days late.
    pub closing_grace_days: u32,
    /// A pass queues the day's report and dated-task reminders, window and escalation messages
    /// this many at a time (whole units); a bigger wave is queued in parts by passes one after
    /// another, so no pass holds the database for long. The sender needs far fewer queued
    /// ahead: 30 a second.
    pub wave_part: usize,
}

/// About 50 seconds of sending at Telegram's 30 a second, and a part writes in well under a
/// third of a second at national scale (BENCHMARKS.md, "A wave in parts").
const DEFAULT_WAVE_PART: usize = 1_500;

impl Default for ScheduleConfig {
    fn default() -> Self {
        let policy = ReminderPolicy::default();
        Self {
            pass: CronSchedule::parse("0 */5 * * * *").unwrap_or_else(|_| CronSchedule::never()),
            digest: CronSchedule::parse("0 30 7 * * *").unwrap_or_else(|_| CronSchedule::never()),
            working_hours: WorkingHours::default(),
            reminder_days: policy.days_before,
            window_days: policy.window_days,
            closing_grace_days: policy.closing_grace_days,
            wave_part: DEFAULT_WAVE_PART,
        }
    }
}

impl ScheduleConfig {
    pub fn reminder_policy(&self) -> ReminderPolicy {
        ReminderPolicy {
            days_before: self.reminder_days.clone(),
            window_days: self.window_days,
            closing_grace_days: self.closing_grace_days,
        }
    }
}

/// Zalo, the second messenger: off until `bot_token` is set. Zalo documents no rate limits,
/// so the defaults are conservative and every rate is configurable.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ZaloConfig {
    /// `BOT_ID:SECRET`, from Zalo Bot Manager.
    pub bot_token: Option<SecretString>,
    /// The Bot API's base address (`…/bot<TOKEN>/<method>` is appended).
    pub api_url: String,
    /// Long-polling wait per getUpdates call, seconds.
    pub poll_timeout_secs: u32,
    /// When set, Zalo pushes updates to this public HTTPS URL instead of long polling.
    pub webhook_url: Option<String>,
    /// Where the webhook listener binds (behind the reverse proxy that serves `webhook_url`).
    pub webhook_listen: String,
    /// The secret Zalo sends in `X-Bot-Api-Secret-Token` (8–256 characters); random per start
    /// if unset.
    pub webhook_secret: Option<SecretString>,
    /// A link that opens the bot in Zalo, printed by `dondoc invite --channel zalo` when set.
    pub bot_link: Option<String>,
    /// Messages per second in all.
    pub messages_per_second: f64,
    /// Least time between two messages to one chat, milliseconds.
    pub chat_interval_ms: u64,
    /// Messages per minute to one group chat.
    pub group_messages_per_minute: u32,
    /// The most messages handed to Zalo at once (see `outbox.max_in_flight`).
    pub max_in_flight: usize,
    /// How long a Zalo call may take before it counts as timed out, seconds.
    pub request_timeout_secs: u64,
}

impl Default for ZaloConfig {
    fn default() -> Self {
        Self {
            bot_token: None,
            api_url: "https://bot-api.zaloplatforms.com".into(),
            poll_timeout_secs: 30,
            webhook_url: None,
            webhook_listen: "0.0.0.0:8444".into(),
            webhook_secret: None,
            bot_link: None,
            // Under the 10 a second the fake holds Zalo to, as Telegram's 29 is under its 30:
            // pacing at the limit itself earned 429s (BENCHMARKS.md, "Mixed reminder wave").
            messages_per_second: 9.0,
            chat_interval_ms: 1_100,
            group_messages_per_minute: 20,
            max_in_flight: 8,
            request_timeout_secs: 10,
        }
    }
}

/// The sender: Telegram's limits, retries and the lease that lets one process send at a time.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboxConfig {
    /// Messages per second in all (Telegram allows 30). 29 leaves room for a message that
    /// reaches Telegram a little late: at 29.5, arrival jitter over 17 ms could put 31 in one
    /// second (a 429 that pauses every send for a second).
    pub messages_per_second: f64,
    /// Least time between two messages to one chat (Telegram: about one per second).
    pub chat_interval_ms: u64,
    /// Messages per minute to one group chat (Telegram allows 20).
    pub group_messages_per_minute: u32,
    /// The most messages handed to Telegram at once. The sender keeps `messages_per_second ×
    /// round trip` in flight (measured, with some headroom), up to this; a crash may send the
    /// ones in flight twice. 1 sends one at a time (6.5 a second at a 150 ms round trip).
    pub max_in_flight: usize,
    /// Attempts before a message that keeps failing (5xx, time-outs) is marked failed.
    pub max_attempts: u32,
    /// Longest wait between two attempts, seconds (the wait doubles from one second).
    pub max_backoff_secs: u64,
    /// How long a Telegram call may take before it counts as timed out, seconds.
    pub request_timeout_secs: u64,
    /// The sender lease: another process takes over this long after the holder stops renewing.
    pub lease_secs: u64,
    /// How often an idle sender looks for new messages, milliseconds.
    pub poll_interval_ms: u64,
    /// Reminders, escalations and digests go out only in `schedule.working_hours` on working
    /// days, even when they were queued earlier and held up (replies and cases: any time).
    pub working_hours_only: bool,
    /// Sent, parked and failed messages older than this many days are deleted (the sender
    /// does it hourly; `dondoc outbox prune` on demand). Queued ones are never deleted.
    pub keep_days: u32,
}

/// The most `outbox.max_in_flight` may be: what a crash may send twice stays bounded.
pub const MAX_IN_FLIGHT: usize = 256;

/// The fewest days `outbox.keep_days` may be.
pub const MIN_KEEP_DAYS: u32 = 30;
/// The most: a century, far beyond any plan, and within chrono's range.
pub const MAX_KEEP_DAYS: u32 = 36_500;

impl Default for OutboxConfig {
    fn default() -> Self {
        Self {
            messages_per_second: 29.0,
            // Telegram allows one a second per chat, judged on arrival: the 100 ms margin
            // absorbs a send that reaches it later than the one after it.
            chat_interval_ms: 1_100,
            group_messages_per_minute: 20,
            max_in_flight: 32,
            max_attempts: 20,
            max_backoff_secs: 300,
            request_timeout_secs: 10,
            lease_secs: 15,
            poll_interval_ms: 500,
            working_hours_only: true,
            keep_days: 90,
        }
    }
}

/// The citizen-feedback hotline: the two clocks and the categories a case can be filed under.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HotlineConfig {
    pub clocks: CaseClocks,
    /// Category labels (lĩnh vực); imports and the bot accept these, in any case or accents.
    pub categories: Vec<String>,
}

impl Default for HotlineConfig {
    fn default() -> Self {
        Self {
            clocks: CaseClocks::default(),
            categories: default_case_categories(),
        }
    }
}

/// The eight PAPI dimensions, then "Khác" (other).
pub fn default_case_categories() -> Vec<String> {
    [
        "Tham gia của người dân ở cấp cơ sở",
        "Công khai, minh bạch",
        "Trách nhiệm giải trình với người dân",
        "Kiểm soát tham nhũng trong khu vực công",
        "Thủ tục hành chính công",
        "Cung ứng dịch vụ công",
        "Quản trị môi trường",
        "Quản trị điện tử",
        "Khác",
    ]
    .map(String::from)
    .to_vec()
}

/// The operator's window on a running service: `/healthz` and `/metrics`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Where the health and metrics listener binds ("127.0.0.1:9464"); unset = no listener.
    pub listen: Option<SocketAddr>,
    /// The address people open the web board at ("https://theodoi.example.gov.vn"), as the
    /// reverse proxy serves it. Set = the board is served on `listen` and login links are
    /// made with it; https = its session cookie is `Secure` (TLS ends at the proxy).
    pub public_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A `tracing` filter: "info", "dondoc=debug,sqlx=warn" …
    pub filter: String,
    /// "text" for people reading a terminal or the journal, "json" for a log collector.
    pub format: LogFormat,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            filter: "info,sqlx=warn".into(),
            format: LogFormat::Text,
        }
    }
}

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line (time, level, target, fields), for a log collector.
    Json,
}

impl Config {
    /// Reads `path` (or [`DEFAULT_CONFIG_PATH`] when it exists), then the environment.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        let file: Option<PathBuf> = match path {
            Some(p) => {
                anyhow::ensure!(p.exists(), "config file {} does not exist", p.display());
                Some(p.to_path_buf())
            }
            None => Some(PathBuf::from(DEFAULT_CONFIG_PATH)).filter(|p| p.exists()),
        };
        Self::from_figment(Self::figment(file.as_deref()))
    }

    /// The layered sources, file first, environment last.
    pub fn figment(file: Option<&Path>) -> Figment {
        let mut figment = Figment::new();
        if let Some(file) = file {
            figment = figment.merge(Toml::file(file));
        }
        // Only `DONDOC_SECTION__KEY` variables are configuration; others such as
        // DONDOC_CONFIG or the tests' DONDOC_TEST_POSTGRES_URL are not.
        figment.merge(
            Env::prefixed("DONDOC_")
                .filter(|key| key.as_str().contains("__"))
                .split("__"),
        )
    }

    pub fn from_figment(figment: Figment) -> anyhow::Result<Config> {
        let config: Config = figment.extract().context("invalid configuration")?;
        if let Some(problem) = config.problems().into_iter().next() {
            anyhow::bail!("{problem}");
        }
        Ok(config)
    }

    /// Every value that reads well but cannot work, each with its key. Empty when the
    /// configuration is sound; `from_figment` refuses the first, `check-config` lists them all.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        let mut refuse = |key: &'static str, kind: ProblemKind| {
            problems.push(ConfigProblem { key, kind });
        };
        self.database_problems(&mut refuse);
        if let Err(e) = self.escalation.validate() {
            refuse("escalation", ProblemKind::Ladder(e.to_string()));
        }
        self.outbox_problems(&mut refuse);
        self.hotline_problems(&mut refuse);
        self.telegram_problems(&mut refuse);
        self.zalo_problems(&mut refuse);
        // A cron expression can parse and still never fire ("0 0 0 30 2 *": 30 February); the
        // scheduler would then stop at once. (A digest that never fires is a way to have none.)
        let fires = self
            .schedule
            .pass
            .schedule
            .as_ref()
            .is_some_and(|s| s.upcoming(chrono::Utc).next().is_some());
        if !fires {
            refuse("schedule.pass", ProblemKind::NeverRuns);
        }
        if self.schedule.wave_part == 0 {
            refuse("schedule.wave_part", ProblemKind::AtLeastOne);
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.filter).is_err() {
            refuse("log.filter", ProblemKind::LogFilter);
        }
        problems
    }

    fn database_problems(&self, refuse: &mut impl FnMut(&'static str, ProblemKind)) {
        if self.database.max_connections == 0 {
            refuse("database.max_connections", ProblemKind::AtLeastOne);
        }
        let url = self.database.url.expose_secret();
        let known = ["sqlite:", "postgres:", "postgresql:"]
            .iter()
            .any(|scheme| url.starts_with(scheme));
        if !known {
            refuse("database.url", ProblemKind::UnknownDatabase);
        }
        if let Some(schema) = &self.database.postgres_schema {
            if !valid_schema_name(schema) {
                refuse("database.postgres_schema", ProblemKind::SchemaName);
            }
        }
    }

    fn hotline_problems(&self, refuse: &mut impl FnMut(&'static str, ProblemKind)) {
        let hotline = &self.hotline;
        if hotline.clocks.ack_hours == 0 {
            refuse("hotline.clocks.ack_hours", ProblemKind::AtLeastOne);
        }
        if hotline.clocks.answer_working_days == 0 {
            refuse(
                "hotline.clocks.answer_working_days",
                ProblemKind::AtLeastOne,
            );
        }
        if !hotline.categories.iter().any(|c| !c.trim().is_empty()) {
            refuse("hotline.categories", ProblemKind::NoCategory);
        }
    }

    fn outbox_problems(&self, refuse: &mut impl FnMut(&'static str, ProblemKind)) {
        let outbox = &self.outbox;
        if !(outbox.messages_per_second > 0.0 && outbox.messages_per_second.is_finite()) {
            refuse("outbox.messages_per_second", ProblemKind::Positive);
        }
        if outbox.max_in_flight == 0 {
            refuse("outbox.max_in_flight", ProblemKind::AtLeastOne);
        } else if outbox.max_in_flight > MAX_IN_FLIGHT {
            refuse(
                "outbox.max_in_flight",
                ProblemKind::InFlightTooMany {
                    most: MAX_IN_FLIGHT,
                },
            );
        }
        if outbox.group_messages_per_minute == 0 {
            refuse("outbox.group_messages_per_minute", ProblemKind::AtLeastOne);
        }
        // A message's idempotency key must outlive every pass that could compose it again: a
        // window message is composed while its window is open, a closing report for a week.
        let composed_for = self
            .schedule
            .window_days
            .saturating_add(self.schedule.closing_grace_days);
        let least = composed_for.max(MIN_KEEP_DAYS - 1).saturating_add(1);
        if outbox.keep_days < least {
            refuse("outbox.keep_days", ProblemKind::KeepTooShort { least });
        } else if outbox.keep_days > MAX_KEEP_DAYS {
            refuse("outbox.keep_days", ProblemKind::KeepTooLong);
        }
        if outbox.lease_secs < 2 {
            refuse("outbox.lease_secs", ProblemKind::LeaseTooShort);
        } else if outbox.lease_secs <= outbox.request_timeout_secs {
            // A claim must outlast the longest send (see `Sender::lease_reserve`).
            refuse(
                "outbox.lease_secs",
                ProblemKind::LeaseNotOverSend {
                    lease: outbox.lease_secs,
                    timeout: outbox.request_timeout_secs,
                },
            );
        }
    }

    fn telegram_problems(&self, refuse: &mut impl FnMut(&'static str, ProblemKind)) {
        let telegram = &self.telegram;
        if let Some(token) = &telegram.bot_token {
            if !token_looks_right(token.expose_secret()) {
                refuse("telegram.bot_token", ProblemKind::TokenShape);
            }
        }
        if url::Url::parse(&telegram.api_url).is_err() {
            refuse("telegram.api_url", ProblemKind::NotUrl);
        }
        if let Some(public) = &self.http.public_url {
            if !url::Url::parse(public).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
                refuse("http.public_url", ProblemKind::NotUrl);
            }
        }
        let Some(webhook) = &telegram.webhook_url else {
            return;
        };
        if telegram.bot_token.is_none() {
            refuse("telegram.bot_token", ProblemKind::WebhookWithoutToken);
        }
        if !url::Url::parse(webhook).is_ok_and(|u| u.scheme() == "https") {
            refuse("telegram.webhook_url", ProblemKind::NotHttps);
        }
        match telegram.webhook_listen.parse::<SocketAddr>() {
            Err(_) => refuse("telegram.webhook_listen", ProblemKind::NotAddress),
            Ok(webhook_listen) if Some(webhook_listen) == self.http.listen => {
                refuse("http.listen", ProblemKind::SameAsWebhook)
            }
            Ok(_) => {}
        }
    }
}

impl Config {
    fn zalo_problems(&self, refuse: &mut impl FnMut(&'static str, ProblemKind)) {
        let zalo = &self.zalo;
        if let Some(token) = &zalo.bot_token {
            if !zalo_token_looks_right(token.expose_secret()) {
                refuse("zalo.bot_token", ProblemKind::ZaloTokenShape);
            }
        }
        if !url::Url::parse(&zalo.api_url).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
            refuse("zalo.api_url", ProblemKind::NotUrl);
        }
        if !(zalo.messages_per_second > 0.0 && zalo.messages_per_second.is_finite()) {
            refuse("zalo.messages_per_second", ProblemKind::Positive);
        }
        if zalo.group_messages_per_minute == 0 {
            refuse("zalo.group_messages_per_minute", ProblemKind::AtLeastOne);
        }
        if zalo.max_in_flight == 0 {
            refuse("zalo.max_in_flight", ProblemKind::AtLeastOne);
        }
        if zalo.request_timeout_secs == 0 {
            refuse("zalo.request_timeout_secs", ProblemKind::AtLeastOne);
        }
        if let Some(secret) = &zalo.webhook_secret {
            if !(8..=256).contains(&secret.expose_secret().chars().count()) {
                refuse("zalo.webhook_secret", ProblemKind::SecretLength);
            }
        }
        let Some(webhook) = &zalo.webhook_url else {
            return;
        };
        if zalo.bot_token.is_none() {
            refuse("zalo.bot_token", ProblemKind::WebhookWithoutToken);
        }
        if !url::Url::parse(webhook).is_ok_and(|u| u.scheme() == "https") {
            refuse("zalo.webhook_url", ProblemKind::ZaloNotHttps);
        }
        match zalo.webhook_listen.parse::<SocketAddr>() {
            Err(_) => refuse("zalo.webhook_listen", ProblemKind::NotAddress),
            Ok(listen) if Some(listen) == self.http.listen => {
                refuse("http.listen", ProblemKind::SameAsZaloWebhook)
            }
            Ok(listen)
                if self.telegram.webhook_url.is_some()
                    && self.telegram.webhook_listen.parse::<SocketAddr>().ok() == Some(listen) =>
            {
                refuse("zalo.webhook_listen", ProblemKind::SameAsWebhook)
            }
            Ok(_) => {}
        }
    }
}

/// Zalo Bot Manager's tokens are "<bot id>:<secret>", like BotFather's; the id is not
/// documented as digits only, so any id without spaces is taken.
fn zalo_token_looks_right(token: &str) -> bool {
    token.split_once(':').is_some_and(|(id, secret)| {
        !id.is_empty()
            && !id.chars().any(char::is_whitespace)
            && secret.len() >= 5
            && !secret.chars().any(char::is_whitespace)
    })
}

/// A Postgres schema name dondoc will quote into `CREATE SCHEMA`: plain, short, lower case.
pub fn valid_schema_name(schema: &str) -> bool {
    !schema.is_empty()
        && schema.len() <= 63
        && schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// BotFather's tokens are "<bot id>:<secret>"; anything else is a paste gone wrong.
fn token_looks_right(token: &str) -> bool {
    token.split_once(':').is_some_and(|(id, secret)| {
        !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) && secret.len() >= 5
    })
}

impl Rules {
    /// The scheduler's rules from this configuration.
    pub fn from_config(config: &Config) -> Self {
        Self {
            policy: config.schedule.reminder_policy(),
            ladder: config.escalation,
            hours: config.schedule.working_hours,
            digest: config.schedule.digest.clone(),
            pass: config.schedule.pass.clone(),
            time_zone: config.province.time_zone,
            lang: config.province.language,
            case_clocks: config.hotline.clocks.clone(),
            wave_part: config.schedule.wave_part,
        }
    }
}

pub use crate::domain::config_problem::{ConfigProblem, ProblemKind};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zalo_settings_are_checked() {
        let zalo_keys = |config: &Config| -> Vec<(&'static str, ProblemKind)> {
            config
                .problems()
                .into_iter()
                .filter(|p| p.key.starts_with("zalo.") || p.key == "http.listen")
                .map(|p| (p.key, p.kind))
                .collect()
        };
        let mut config = Config::default();
        assert!(zalo_keys(&config).is_empty(), "off by default");
        config.zalo.bot_token = Some(SecretString::from("1234567890:abcdef-secret"));
        config.zalo.webhook_url = Some("https://dondoc.example/zalo".into());
        config.zalo.webhook_secret = Some(SecretString::from("a-long-enough-secret"));
        assert!(zalo_keys(&config).is_empty(), "{:?}", zalo_keys(&config));

        config.zalo.bot_token = Some(SecretString::from("no colon here"));
        config.zalo.api_url = "not a url".into();
        config.zalo.webhook_url = Some("http://dondoc.example/zalo".into());
        config.zalo.webhook_secret = Some(SecretString::from("short"));
        config.zalo.webhook_listen = "127.0.0.1:9000".into();
        config.http.listen = Some("127.0.0.1:9000".parse().unwrap_or_else(|_| unreachable!()));
        let found = zalo_keys(&config);
        for expected in [
            ("zalo.bot_token", ProblemKind::ZaloTokenShape),
            ("zalo.api_url", ProblemKind::NotUrl),
            ("zalo.webhook_url", ProblemKind::ZaloNotHttps),
            ("zalo.webhook_secret", ProblemKind::SecretLength),
            ("http.listen", ProblemKind::SameAsZaloWebhook),
        ] {
            assert!(found.contains(&expected), "{expected:?} in {found:?}");
        }
        config.zalo.webhook_secret = Some(SecretString::from("x".repeat(257)));
        config.zalo.bot_token = None;
        let found = zalo_keys(&config);
        assert!(found.contains(&("zalo.webhook_secret", ProblemKind::SecretLength)));
        assert!(found.contains(&("zalo.bot_token", ProblemKind::WebhookWithoutToken)));
    }

    #[test]
    fn max_in_flight_is_a_ceiling_between_one_and_the_most() {
        let kinds = |max_in_flight| {
            let mut config = Config::default();
            config.outbox.max_in_flight = max_in_flight;
            config
                .problems()
                .into_iter()
                .filter(|p| p.key == "outbox.max_in_flight")
                .map(|p| p.kind)
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds(0), [ProblemKind::AtLeastOne]);
        assert!(kinds(1).is_empty());
        assert!(kinds(Config::default().outbox.max_in_flight).is_empty());
        assert!(kinds(MAX_IN_FLIGHT).is_empty());
        assert_eq!(
            kinds(MAX_IN_FLIGHT + 1),
            [ProblemKind::InFlightTooMany {
                most: MAX_IN_FLIGHT
            }]
        );
    }

    #[test]
    fn a_wave_part_of_nothing_would_never_queue_a_reminder() {
        let kinds = |part| {
            let mut config = Config::default();
            config.schedule.wave_part = part;
            config
                .problems()
                .into_iter()
                .filter(|p| p.key == "schedule.wave_part")
                .map(|p| p.kind)
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds(0), [ProblemKind::AtLeastOne]);
        assert!(kinds(1).is_empty());
        assert!(kinds(Config::default().schedule.wave_part).is_empty());
    }

    #[test]
    fn keep_days_must_outlast_what_a_pass_composes_and_stay_in_range() {
        let kinds = |keep_days| {
            let mut config = Config::default();
            config.outbox.keep_days = keep_days;
            config
                .problems()
                .into_iter()
                .filter(|p| p.key == "outbox.keep_days")
                .map(|p| p.kind)
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds(10), [ProblemKind::KeepTooShort { least: 30 }]);
        assert!(kinds(30).is_empty());
        assert!(kinds(90).is_empty());
        assert_eq!(kinds(u32::MAX), [ProblemKind::KeepTooLong]);
        let mut long_windows = Config::default();
        long_windows.schedule.window_days = 60;
        long_windows.outbox.keep_days = 60;
        assert!(long_windows
            .problems()
            .iter()
            .any(|p| p.kind == ProblemKind::KeepTooShort { least: 68 }));
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://dondoc:s3cret@db.example:5432/dondoc"),
            "postgres://dondoc:***@db.example:5432/dondoc"
        );
        assert_eq!(redact_url("sqlite://dondoc.db"), "sqlite://dondoc.db");
        // Nothing secret: shown unchanged, not with a `***` that hides nothing.
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1:5432/dondoc"),
            "postgres://postgres@127.0.0.1:5432/dondoc"
        );
        assert_eq!(
            redact_url("postgres://127.0.0.1/dondoc?sslmode=disable"),
            "postgres://127.0.0.1/dondoc?sslmode=disable"
        );
        assert_eq!(
            redact_url("postgres://dondoc@db/dondoc?sslmode=require&password=s3cret"),
            "postgres://dondoc@db/dondoc?sslmode=require&password=***"
        );
        assert_eq!(
            redact_url("postgres://dondoc:s3cret@db/dondoc?application_name=x"),
            "postgres://dondoc:***@db/dondoc?application_name=x"
        );
    }
}
