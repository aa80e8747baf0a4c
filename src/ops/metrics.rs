//! The service's counters and gauges in Prometheus's text format (`/metrics`).
//!
//! Counters count what this process did since it started (updates handled, messages queued
//! and delivered, 429s); Prometheus's `rate()` copes with restarts. Gauges that describe the
//! shared state — the outbox by kind and state, the age of its oldest waiting message, overdue
//! items by plan, the last scheduler pass — are read from the database at each scrape, so two
//! `serve` processes on one Postgres report the same truth.
//!
//! [`Metrics`] is a value, cloned into each part of one service: several services in one
//! process (the tests) keep separate figures.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};
use tokio::sync::Mutex;

use crate::store::{OverdueCount, Store, StoreError};

/// What kind of Telegram update the bot handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateKind {
    Message,
    Button,
}

/// What became of one message the sender handed to Telegram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Queued again: a 429, a 5xx, a time-out.
    Retried,
    Parked,
    Failed,
}

impl Delivery {
    fn as_str(self) -> &'static str {
        match self {
            Delivery::Sent => "sent",
            Delivery::Retried => "retried",
            Delivery::Parked => "parked",
            Delivery::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    kind: String,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    kind: String,
    state: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OverdueLabels {
    plan: String,
    item: &'static str,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// Every figure of one service. Cheap to clone: the clones share the figures.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Registry,
    updates: Family<KindLabel, Counter>,
    update_errors: Family<KindLabel, Counter>,
    status_replies: Counter,
    reports: Counter,
    queued: Family<KindLabel, Counter>,
    deliveries: Family<DeliveryLabels, Counter>,
    retry_after: Counter,
    pass_seconds: Histogram,
    pass_failures: Counter,
    // Read from the database at each scrape.
    database_up: Gauge,
    outbox_messages: Family<StateLabels, Gauge>,
    outbox_oldest_age: FloatGauge,
    overdue: Family<OverdueLabels, Gauge>,
    last_pass: FloatGauge,
    /// One scrape refreshes the gauges at a time, so two scrapes cannot interleave their
    /// clearing and filling.
    scraping: Mutex<()>,
    /// Whether `serve` reached Telegram, for `/healthz`.
    telegram: std::sync::Mutex<TelegramLink>,
}

/// Where `serve` stands with Telegram, as `/healthz` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TelegramLink {
    /// No bot token: messages are only queued.
    #[default]
    NotConfigured,
    Connected,
    /// getMe has failed since `since` (network, time-out, 5xx); asked again with back-off.
    Unreachable {
        since: DateTime<Utc>,
        reason: String,
    },
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("dondoc");
        let updates = Family::<KindLabel, Counter>::default();
        registry.register(
            "telegram_updates_handled",
            "Telegram updates (messages, button presses) the bot handled",
            updates.clone(),
        );
        let update_errors = Family::<KindLabel, Counter>::default();
        registry.register(
            "telegram_update_errors",
            "Updates whose handling failed (the member was asked to send again)",
            update_errors.clone(),
        );
        let status_replies = Counter::default();
        registry.register(
            "status_replies_recorded",
            "Task status replies recorded from chat",
            status_replies.clone(),
        );
        let reports = Counter::default();
        registry.register(
            "reports_recorded",
            "Report submissions recorded from chat",
            reports.clone(),
        );
        let queued = Family::<KindLabel, Counter>::default();
        registry.register(
            "outbox_queued",
            "Messages this process put in the outbox, by kind",
            queued.clone(),
        );
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        registry.register(
            "outbox_deliveries",
            "Telegram's answers to messages this process sent, by kind and outcome (sent, retried, parked, failed)",
            deliveries.clone(),
        );
        let retry_after = Counter::default();
        registry.register(
            "telegram_retry_after",
            "429 Too Many Requests answers (flood control) seen by the sender",
            retry_after.clone(),
        );
        // 10 ms … about 80 s: a pass on a small province takes milliseconds, a huge one seconds.
        let pass_seconds = Histogram::new(exponential_buckets(0.01, 2.0, 14));
        registry.register_with_unit(
            "scheduler_pass_duration",
            "How long one scheduler pass took",
            Unit::Seconds,
            pass_seconds.clone(),
        );
        let pass_failures = Counter::default();
        registry.register(
            "scheduler_pass_failures",
            "Scheduler passes that failed (the next pass retries)",
            pass_failures.clone(),
        );
        let database_up = Gauge::default();
        registry.register(
            "database_up",
            "1 when the last scrape could read the database, else 0",
            database_up.clone(),
        );
        let outbox_messages = Family::<StateLabels, Gauge>::default();
        registry.register(
            "outbox_messages",
            "Messages in the outbox by kind and state (queued, sending, sent, parked, failed)",
            outbox_messages.clone(),
        );
        let outbox_oldest_age = FloatGauge::default();
        registry.register_with_unit(
            "outbox_oldest_queued_age",
            "Age of the oldest message still waiting to be sent (0 when none waits)",
            Unit::Seconds,
            outbox_oldest_age.clone(),
        );
        let overdue = Family::<OverdueLabels, Gauge>::default();
        registry.register(
            "overdue_items",
            "Overdue items by plan: open dated task assignments (item=task) and reports not sent (item=report)",
            overdue.clone(),
        );
        let last_pass = FloatGauge::default();
        registry.register(
            "scheduler_last_pass_timestamp_seconds",
            "When the last successful scheduler pass (any process) ran, Unix time",
            last_pass.clone(),
        );
        Self {
            inner: Arc::new(Inner {
                registry,
                updates,
                update_errors,
                status_replies,
                reports,
                queued,
                deliveries,
                retry_after,
                pass_seconds,
                pass_failures,
                database_up,
                outbox_messages,
                outbox_oldest_age,
                overdue,
                last_pass,
                scraping: Mutex::new(()),
                telegram: std::sync::Mutex::default(),
            }),
        }
    }

    /// Where the service stands with Telegram now.
    pub fn telegram(&self) -> TelegramLink {
        // A poisoned lock only means a writer panicked: the value is still whole.
        let link = self
            .inner
            .telegram
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        link.clone()
    }

    /// Records a failed attempt to reach Telegram; keeps the first failure's instant.
    pub fn telegram_unreachable(&self, at: DateTime<Utc>, reason: String) {
        let mut link = self
            .inner
            .telegram
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let since = match &*link {
            TelegramLink::Unreachable { since, .. } => *since,
            _ => at,
        };
        *link = TelegramLink::Unreachable { since, reason };
    }

    pub fn telegram_connected(&self) {
        let mut link = self
            .inner
            .telegram
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        *link = TelegramLink::Connected;
    }

    pub fn update_handled(&self, kind: UpdateKind) {
        self.inner.updates.get_or_create(&update_label(kind)).inc();
    }

    pub fn update_failed(&self, kind: UpdateKind) {
        self.inner
            .update_errors
            .get_or_create(&update_label(kind))
            .inc();
    }

    pub fn status_reply_recorded(&self) {
        self.inner.status_replies.inc();
    }

    pub fn report_recorded(&self) {
        self.inner.reports.inc();
    }

    /// `count` messages of `kind` were added to the outbox.
    pub fn queued(&self, kind: &str, count: u64) {
        let label = KindLabel {
            kind: kind.to_string(),
        };
        self.inner.queued.get_or_create(&label).inc_by(count);
    }

    pub fn delivered(&self, kind: &str, outcome: Delivery) {
        let labels = DeliveryLabels {
            kind: kind.to_string(),
            outcome: outcome.as_str(),
        };
        self.inner.deliveries.get_or_create(&labels).inc();
    }

    pub fn retry_after_seen(&self) {
        self.inner.retry_after.inc();
    }

    pub fn pass_finished(&self, took: Duration, ok: bool) {
        self.inner.pass_seconds.observe(took.as_secs_f64());
        if !ok {
            self.inner.pass_failures.inc();
        }
    }

    /// Reads the database's gauges (overdue as of `today`, the province's date), then writes
    /// every figure in the OpenMetrics text format. A database that cannot be read leaves its
    /// gauges out and `dondoc_database_up` at 0: the counters are still worth scraping.
    pub async fn render(&self, store: &Store, today: NaiveDate) -> String {
        let _one_at_a_time = self.inner.scraping.lock().await;
        match self.refresh(store, today).await {
            Ok(()) => {
                self.inner.database_up.set(1);
            }
            Err(e) => {
                tracing::warn!(error = %e, "metrics: the database could not be read");
                self.clear_database_gauges();
                self.inner.database_up.set(0);
            }
        }
        let mut text = String::new();
        // Writing into a String cannot fail; an error here would be a bug in the encoder.
        if let Err(e) = prometheus_client::encoding::text::encode(&mut text, &self.inner.registry) {
            tracing::error!(error = %e, "metrics could not be encoded");
        }
        text
    }

    async fn refresh(&self, store: &Store, today: NaiveDate) -> Result<(), StoreError> {
        let now = store.now();
        let summary = store.outbox_summary().await?;
        let overdue = store.overdue_by_plan(today).await?;
        let last_pass = store.last_pass().await?;
        self.clear_database_gauges();
        for count in &summary.counts {
            let labels = StateLabels {
                kind: count.kind.as_str().to_string(),
                state: count.state.as_str().to_string(),
            };
            self.inner
                .outbox_messages
                .get_or_create(&labels)
                .set(count.count);
        }
        self.inner
            .outbox_oldest_age
            .set(age_secs(summary.oldest_queued, now));
        for OverdueCount { plan, item, count } in overdue {
            let labels = OverdueLabels {
                plan,
                item: item.as_str(),
            };
            self.inner.overdue.get_or_create(&labels).set(count);
        }
        if let Some(at) = last_pass {
            self.inner.last_pass.set(at.timestamp() as f64);
        }
        Ok(())
    }

    fn clear_database_gauges(&self) {
        self.inner.outbox_messages.clear();
        self.inner.overdue.clear();
        self.inner.outbox_oldest_age.set(0.0);
    }
}

fn update_label(kind: UpdateKind) -> KindLabel {
    let kind = match kind {
        UpdateKind::Message => "message",
        UpdateKind::Button => "button",
    };
    KindLabel { kind: kind.into() }
}

/// Seconds from `since` to `now`, 0 when there is nothing (or the clocks disagree).
pub fn age_secs(since: Option<DateTime<Utc>>, now: DateTime<Utc>) -> f64 {
    since.map_or(0.0, |at| {
        ((now - at).num_milliseconds().max(0) as f64) / 1000.0
    })
}

/// The store reports what it queues through this trait, so it need not import `ops`.
impl crate::store::QueueObserver for Metrics {
    fn queued(&self, kind: &str, count: u64) {
        Metrics::queued(self, kind, count);
    }
}
