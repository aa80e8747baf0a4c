//! The sender: takes queued messages from the outbox and hands them to a messenger within its
//! limits (Telegram: 30 messages a second in all, one a second to a chat, 20 a minute to a
//! group; Zalo: its configured rates). One sender per messenger, each with its own lease,
//! pacer and window, each taking only the rows whose chat is on its messenger
//! (`domain::Channel::of_chat`); everything below is written once for both
//! (`chat::Messenger`).
//!
//! One process at a time sends: the holder of the `sender` lease in the database, renewed
//! while it runs. That keeps the global rate budget whole when several `serve` processes share
//! a Postgres database, and the lease check inside each claim keeps a process that lost the
//! lease from sending. The messenger's answers decide each message's fate:
//! - 429: every send waits out `retry_after`, and the message is queued again;
//! - 5xx, time-outs, broken connections: queued again with a doubling back-off, then failed;
//! - 403 and "chat not found": the member cannot be reached; the message is parked, the member
//!   marked unreachable (the coordinator's digest lists them);
//! - any other refusal: failed at once (it would be refused again);
//! - the bot's token refused (Zalo's 401): the message goes back to the queue and this sender
//!   stops, loudly, until the token is fixed and the service restarted.
//!
//! Several messages are in flight at once, as many as the measured round trip to Telegram
//! needs for the rate (`Window`), at most `max_in_flight`; never two to one chat. A chat's
//! next message waits until the one in flight is settled.
//!
//! With office hours set (as `serve` does), reminders, escalations and digests go out only in
//! working hours on working days, however late they were queued or held up; replies and
//! citizens' cases go at any time.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::chat::pacer::{self, Pacer};
use crate::chat::telegram::Telegram;
use crate::chat::{Messenger, Outcome, Outgoing};
use crate::config::OutboxConfig;
use crate::domain::{Channel, WorkingCalendar, WorkingHours};
use crate::ops::{Delivery, Metrics};
use crate::store::{sender_lease, QueuedMessage, Store};

mod window;
pub use window::Window;

/// How many queued messages one look at the queue takes.
const BATCH: i64 = 200;

/// The wait before attempt `attempts + 1`: 1 s, 2 s, 4 s … up to `max`.
pub fn backoff(attempts: i64, max: Duration) -> Duration {
    let exponent = attempts.clamp(1, 20) - 1;
    Duration::from_secs(1u64 << exponent).min(max)
}

/// Working hours on working days, read with the store's clock in the province's time zone.
#[derive(Debug)]
pub struct OfficeHours {
    hours: WorkingHours,
    time_zone: Tz,
    /// The holiday calendar, read again when the day changes or a while has passed (a
    /// `dondoc holidays import` takes effect without a restart).
    calendar: Option<(NaiveDate, Instant, WorkingCalendar)>,
}

impl OfficeHours {
    const RELOAD: Duration = Duration::from_secs(600);

    pub fn new(hours: WorkingHours, time_zone: Tz) -> Self {
        Self {
            hours,
            time_zone,
            calendar: None,
        }
    }

    /// Whether it is working time now.
    async fn open(&mut self, store: &Store) -> Result<bool, crate::store::StoreError> {
        Ok(self.opens_at(store).await?.is_none())
    }

    /// None in working time; else when it next begins (local time in the province), which is
    /// when held reminders, escalations and digests go out.
    pub async fn opens_at(
        &mut self,
        store: &Store,
    ) -> Result<Option<chrono::NaiveDateTime>, crate::store::StoreError> {
        let local = store.now().with_timezone(&self.time_zone).naive_local();
        let today = local.date();
        let calendar = match self.calendar.take() {
            Some((day, read, calendar)) if day == today && read.elapsed() < Self::RELOAD => {
                (day, read, calendar)
            }
            _ => (today, Instant::now(), store.working_calendar().await?),
        };
        let (_, _, working) = self.calendar.insert(calendar);
        let opening = self.hours.next_opening(working, local);
        Ok((opening != local).then_some(opening))
    }
}

/// Wakes the senders at once when a message is queued in this process: each messenger's
/// sender has its own bell, and a ring sounds both (the queuer does not know, and need not,
/// which messenger its messages go to).
#[derive(Debug, Clone, Default)]
pub struct Doorbell(Arc<[Notify; 2]>);

impl Doorbell {
    pub fn ring(&self) {
        for bell in self.0.iter() {
            bell.notify_one();
        }
    }

    fn bell(&self, channel: Channel) -> &Notify {
        match channel {
            Channel::Telegram => &self.0[0],
            Channel::Zalo => &self.0[1],
        }
    }
}

/// A send in flight: the message, the messenger's answer, and how long the call took.
type Flight = (QueuedMessage, Outcome, Duration);

/// The outbox sender of one process.
pub struct Sender {
    store: Store,
    /// The messenger messages go out through.
    channel: Arc<dyn Messenger>,
    /// Its lease (`store::sender_lease`).
    lease: &'static str,
    config: OutboxConfig,
    /// This process's name in the lease: host, pid and a random part.
    holder: String,
    doorbell: Doorbell,
    /// The messenger's limits, shared with the bot's direct replies in this process.
    pacer: Pacer,
    lease_until: Option<Instant>,
    /// When the kinds that wait for office hours may go; None: at any time.
    office_hours: Option<OfficeHours>,
    /// A batch was cut short (a database error, a failed send task) and may have left rows
    /// this holder claimed `sending`: they go back to the queue before the next batch.
    orphans: bool,
    metrics: Metrics,
    /// The sends in flight, kept from one look at the queue to the next so the pipeline
    /// never empties between batches, and the chat of each.
    in_flight: JoinSet<Flight>,
    chats_in_flight: HashMap<tokio::task::Id, i64>,
    /// How many may be in flight, from the measured round trip.
    window: Window,
    /// The messenger refused the bot's token: this sender stops.
    bad_token: bool,
}

impl Sender {
    /// Telegram's sender.
    pub fn new(
        store: Store,
        channel: impl Into<Telegram>,
        config: OutboxConfig,
        doorbell: Doorbell,
    ) -> Self {
        Self::through(store, Arc::new(channel.into()), config, doorbell)
    }

    /// The sender of any messenger: `config`'s rates are that messenger's (see
    /// `zalo::send::outbox_config`), and a messenger with its own pacing is given its pacer
    /// with [`Sender::paced_by`].
    pub fn through(
        store: Store,
        channel: Arc<dyn Messenger>,
        config: OutboxConfig,
        doorbell: Doorbell,
    ) -> Self {
        let holder = format!(
            "{}:{}:{:08x}",
            hostname(),
            std::process::id(),
            rand::random::<u32>()
        );
        Self {
            pacer: Pacer::new(&config),
            window: Window::new(config.messages_per_second, config.max_in_flight),
            in_flight: JoinSet::new(),
            chats_in_flight: HashMap::new(),
            store,
            lease: sender_lease(channel.channel()),
            channel,
            config,
            holder,
            doorbell,
            lease_until: None,
            office_hours: None,
            orphans: false,
            metrics: Metrics::default(),
            bad_token: false,
        }
    }

    fn channel(&self) -> Channel {
        self.channel.channel()
    }

    /// This sender, counting Telegram's answers (and its 429s) into `metrics`.
    pub fn observed_by(self, metrics: Metrics) -> Self {
        Self { metrics, ..self }
    }

    /// This sender, holding reminders, escalations and digests outside `office`'s hours.
    pub fn within(self, office: OfficeHours) -> Self {
        Self {
            office_hours: Some(office),
            ..self
        }
    }

    /// This sender, pacing its sends with `pacer` (the bot's replies use the same one, so
    /// together they keep Telegram's limits).
    pub fn paced_by(self, pacer: Pacer) -> Self {
        Self { pacer, ..self }
    }

    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// Whether a message to `chat` is in flight.
    fn chat_in_flight(&self, chat: i64) -> bool {
        self.chats_in_flight.values().any(|c| *c == chat)
    }

    /// Sends until `shutdown` turns true; then finishes the messages in flight and gives the
    /// lease up so another process can take over at once.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(holder = %self.holder, channel = self.channel().as_str(), "outbox sender started");
        let poll = Duration::from_millis(self.config.poll_interval_ms.max(10));
        let mut last_cleanup = Instant::now();
        let mut last_prune: Option<Instant> = None;
        while !*shutdown.borrow() && !self.bad_token {
            let idle = match self.round(&mut shutdown).await {
                Ok(sent_or_tried) => !sent_or_tried,
                Err(e) => {
                    tracing::error!(error = %e, "outbox sender: database error, retrying");
                    self.lease_until = None;
                    self.orphans = true;
                    true
                }
            };
            if last_cleanup.elapsed() > Duration::from_secs(60) {
                self.pacer.forget_idle_chats();
                last_cleanup = Instant::now();
            }
            // Old rows go when the queue is idle, by the lease holder alone, once an hour.
            let prune_due = last_prune.is_none_or(|at| at.elapsed() > Self::PRUNE_EVERY);
            if idle && prune_due && self.lease_until.is_some_and(|u| u > Instant::now()) {
                self.prune_old().await;
                last_prune = Some(Instant::now());
            }
            if idle && !self.in_flight.is_empty() {
                // The lease was lost or the queue is empty: what is in flight lands first.
                if let Err(e) = self.land_all().await {
                    tracing::error!(error = %e, "outbox sender: database error, retrying");
                }
            }
            if idle {
                tokio::select! {
                    _ = shutdown.changed() => {}
                    _ = self.doorbell.bell(self.channel()).notified() => {}
                    _ = tokio::time::sleep(poll) => {}
                }
            }
        }
        // The sends in flight finish (each within the lease's reserve) and are recorded.
        if let Err(e) = self.land_all().await {
            tracing::error!(error = %e, "outbox sender: could not record the last sends");
        }
        if let Err(e) = self.store.release_lease(self.lease, &self.holder).await {
            tracing::warn!(error = %e, "could not release the sender lease");
        }
        tracing::info!("outbox sender stopped");
    }

    const PRUNE_EVERY: Duration = Duration::from_secs(3600);

    /// Deletes sent, parked and failed messages older than `keep_days`, so the table holds
    /// months, not years. A failure only waits for the next hour.
    async fn prune_old(&self) {
        let keep = chrono::Duration::try_days(i64::from(self.config.keep_days.max(1)));
        let Some(before) = keep.and_then(|keep| self.store.now().checked_sub_signed(keep)) else {
            return;
        };
        match self
            .store
            .prune_outbox(before, &crate::domain::Actor::system())
            .await
        {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "old outbox messages deleted"),
            Err(e) => tracing::warn!(error = %e, "could not delete old outbox messages"),
        }
    }

    /// How much lease must be left to hand a message to Telegram: the longest a call can take.
    /// Claims need that much in the database too, so when this process loses the lease (a
    /// pause, a slow database), its last send has ended before another process can take over
    /// and queue that message again.
    fn lease_reserve(&self) -> Duration {
        Duration::from_secs(self.config.request_timeout_secs.max(1))
            + pacer::MAX_SEND_WAIT
            + Duration::from_millis(250)
    }

    /// Renews the lease when a third of it has passed, or when less than a call's length is
    /// left. False: another process holds it.
    async fn hold_lease(&mut self) -> Result<bool, crate::store::StoreError> {
        let ttl = Duration::from_secs(self.config.lease_secs);
        let reserve = self.lease_reserve();
        let fresh = self.lease_until.is_some_and(|until| {
            let left = until.saturating_duration_since(Instant::now());
            left > ttl * 2 / 3 && left > reserve
        });
        if fresh {
            return Ok(true);
        }
        let started = Instant::now();
        let held = self
            .store
            .acquire_lease(
                self.lease,
                &self.holder,
                Utc::now(),
                chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::seconds(15)),
            )
            .await?;
        self.lease_until = held.then(|| started + ttl);
        Ok(held)
    }

    /// One look at the queue: sends what it can. True when it tried to send something.
    async fn round(
        &mut self,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<bool, crate::store::StoreError> {
        if let Some(until) = self.pacer.paused_until() {
            // What is in flight answers meanwhile (a 429 too, likely): record it first.
            self.land_all().await?;
            // Telegram's wait holds for the bot, whichever process sends: keep the lease
            // through it, so no other process takes over and sends in the meantime.
            self.hold_lease().await?;
            let renew = Instant::now() + Duration::from_secs(self.config.lease_secs) / 3;
            tokio::select! {
                _ = shutdown.changed() => {}
                _ = tokio::time::sleep_until(until.min(renew)) => {}
            }
            return Ok(true);
        }
        if !self.hold_lease().await? {
            return Ok(false);
        }
        if self.orphans {
            // Only what no send holds any more goes back: the sends in flight end first.
            self.land_all().await?;
            self.chats_in_flight.clear();
            let requeued = self.store.requeue_claimed(&self.holder).await?;
            if requeued > 0 {
                tracing::warn!(requeued, "messages cut off in flight queued again");
            }
            self.orphans = false;
        }
        let office_hours = match &mut self.office_hours {
            Some(office) => office.open(&self.store).await?,
            None => true,
        };
        let batch = self
            .store
            .ready_messages(self.channel(), BATCH, Utc::now(), office_hours)
            .await?;
        if batch.is_empty() {
            // Nothing new to start: wait for what is in flight, then look again.
            let landed = !self.in_flight.is_empty();
            self.land_all().await?;
            return Ok(landed);
        }
        let tried = self.send_batch(batch, shutdown).await?;
        Ok(tried)
    }

    async fn send_batch(
        &mut self,
        batch: Vec<QueuedMessage>,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<bool, crate::store::StoreError> {
        // A chat whose earlier message waits keeps its later ones waiting too, in order.
        let mut held_back: HashSet<i64> = HashSet::new();
        let mut soonest_chat_slot: Option<Duration> = None;
        let mut tried = false;
        for message in batch {
            if *shutdown.borrow() || self.bad_token || self.pacer.paused_until().is_some() {
                break;
            }
            // Answers already in: recorded now, so the window and the chats are up to date.
            while let Some(done) = self.in_flight.try_join_next_with_id() {
                self.settle(done, &mut held_back).await?;
            }
            if held_back.contains(&message.chat_id) || self.chat_in_flight(message.chat_id) {
                held_back.insert(message.chat_id);
                continue;
            }
            while self.in_flight.len() >= self.window.size() {
                if let Some(done) = self.in_flight.join_next_with_id().await {
                    self.settle(done, &mut held_back).await?;
                }
            }
            // What was just settled may be a 429 (pause everything) or a retry of this chat's
            // earlier message (keep its later ones back).
            if self.pacer.paused_until().is_some() {
                break;
            }
            if held_back.contains(&message.chat_id) {
                continue;
            }
            if !self.hold_lease().await? {
                break;
            }
            if let Err(wait) = self.pacer.chat_ready(message.chat_id) {
                soonest_chat_slot = Some(soonest_chat_slot.map_or(wait, |s| s.min(wait)));
                held_back.insert(message.chat_id);
                continue;
            }
            if !self
                .store
                .claim_message(message.id, &self.holder, Utc::now(), self.lease_reserve())
                .await?
            {
                continue;
            }
            // Paced last, after the claim's database write, so that its jitter cannot bring
            // two sends closer than the limits allow. A reply may have taken the chat, or a
            // pause begun, meanwhile: the claim goes back and the chat waits its turn.
            let slot = match self.pacer.start_send(message.chat_id).await {
                Ok(slot) => slot,
                Err(wait) => {
                    held_back.insert(message.chat_id);
                    soonest_chat_slot = Some(soonest_chat_slot.map_or(wait, |s| s.min(wait)));
                    let at = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                    self.store
                        .retry_message(message.id, at, "waiting for the messenger's limits", false)
                        .await?;
                    continue;
                }
            };
            tried = true;
            let chat = message.chat_id;
            let channel = Arc::clone(&self.channel);
            let flight = self.in_flight.spawn(async move {
                // Telegram counts the message when it arrives: the pacer counts the send from
                // here, where the call starts, however late this task runs.
                slot.calling();
                let started = Instant::now();
                let outcome = channel.send(outgoing(&message)).await;
                (message, outcome, started.elapsed())
            });
            self.chats_in_flight.insert(flight.id(), chat);
        }
        // The sends in flight stay in flight: the next look at the queue starts more while
        // they are answered. Nothing could start: wait for an answer or a chat's turn.
        if !tried {
            if let Some(done) = self.in_flight.join_next_with_id().await {
                self.settle(done, &mut held_back).await?;
                return Ok(true);
            }
            if let Some(wait) = soonest_chat_slot {
                // Only chats that must wait are left: wait for the first, not a full poll.
                tokio::time::sleep(wait.min(Duration::from_secs(3))).await;
                return Ok(true);
            }
        }
        Ok(tried)
    }

    /// Waits for every send in flight and records Telegram's answers. On a database error the
    /// rest are still waited for (their rows stay `sending`, queued again as orphans).
    async fn land_all(&mut self) -> Result<(), crate::store::StoreError> {
        let mut held_back = HashSet::new();
        let mut first_error = None;
        while let Some(done) = self.in_flight.join_next_with_id().await {
            if let Err(e) = self.settle(done, &mut held_back).await {
                self.orphans = true;
                first_error.get_or_insert(e);
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Records what Telegram said about one message. A message queued again holds its chat's
    /// later messages back (`held_back`), so they do not overtake it.
    async fn settle(
        &mut self,
        done: Result<(tokio::task::Id, Flight), tokio::task::JoinError>,
        held_back: &mut HashSet<i64>,
    ) -> Result<(), crate::store::StoreError> {
        let (message, outcome, took) = match done {
            Ok((id, done)) => {
                self.chats_in_flight.remove(&id);
                done
            }
            // A panicked send leaves its row `sending`; it is queued again before the next
            // batch, and its chat waits until then.
            Err(e) => {
                self.orphans = true;
                if let Some(chat) = self.chats_in_flight.remove(&e.id()) {
                    held_back.insert(chat);
                }
                tracing::error!(error = %e, "a send task failed");
                return Ok(());
            }
        };
        // Telegram's answers measure the round trip; a time-out or a broken connection says
        // nothing about it.
        if !matches!(outcome, Outcome::Transient(_)) {
            self.window.observe(took);
        }
        self.count(&message, &outcome);
        let store = &self.store;
        match outcome {
            Outcome::Sent(message_id) => store.message_sent(message.id, message_id).await?,
            Outcome::RetryAfter(wait) => {
                held_back.insert(message.chat_id);
                tracing::warn!(
                    ?wait,
                    chat = message.chat_id,
                    channel = self.channel().as_str(),
                    "flood control: pausing"
                );
                self.pacer.pause(wait);
                let at = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                store
                    .retry_message(message.id, at, "429 retry after", false)
                    .await?;
            }
            Outcome::Transient(error)
                if message.attempts + 1 >= i64::from(self.config.max_attempts) =>
            {
                tracing::error!(id = message.id, %error, "message failed too many times");
                store.fail_message(message.id, &error).await?;
            }
            Outcome::Transient(error) => {
                held_back.insert(message.chat_id);
                let wait = backoff(
                    message.attempts + 1,
                    Duration::from_secs(self.config.max_backoff_secs),
                );
                tracing::warn!(id = message.id, %error, ?wait, "send failed; will retry");
                let at = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                store.retry_message(message.id, at, &error, true).await?;
            }
            Outcome::Unreachable(reason) => {
                tracing::warn!(chat = message.chat_id, %reason, "member cannot be reached");
                store.park_message(message.id, &reason).await?;
            }
            Outcome::Refused(reason) => {
                tracing::error!(id = message.id, %reason, channel = self.channel().as_str(), "the messenger refused a message");
                store.fail_message(message.id, &reason).await?;
            }
            Outcome::BadToken(reason) => {
                // Nothing can go until the token is fixed: the message keeps its place and
                // this sender stops (the others, and the rest of the service, go on).
                tracing::error!(
                    channel = self.channel().as_str(),
                    %reason,
                    "the messenger refused the bot token: this sender stops; fix the token and restart"
                );
                self.bad_token = true;
                held_back.insert(message.chat_id);
                store
                    .retry_message(message.id, Utc::now(), &reason, false)
                    .await?;
            }
        }
        Ok(())
    }
}

impl Sender {
    /// Counts Telegram's answer as settled below (a transient error on the last attempt
    /// fails the message).
    fn count(&self, message: &QueuedMessage, outcome: &Outcome) {
        let delivery = match outcome {
            Outcome::Sent(_) => Delivery::Sent,
            Outcome::RetryAfter(_) => {
                self.metrics.retry_after_seen();
                Delivery::Retried
            }
            Outcome::Transient(_)
                if message.attempts + 1 >= i64::from(self.config.max_attempts) =>
            {
                Delivery::Failed
            }
            Outcome::Transient(_) => Delivery::Retried,
            Outcome::Unreachable(_) => Delivery::Parked,
            Outcome::Refused(_) => Delivery::Failed,
            Outcome::BadToken(_) => Delivery::Retried,
        };
        self.metrics.delivered(&message.kind, delivery);
    }
}

/// A queued message as the messenger sends it.
fn outgoing(message: &QueuedMessage) -> Outgoing<'_> {
    Outgoing {
        chat_id: message.chat_id,
        body: &message.body,
        keyboard: message.reply_markup.as_deref(),
        attachment: message.attachment.as_deref(),
        kind: &message.kind,
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let max = Duration::from_secs(300);
        assert_eq!(backoff(1, max), Duration::from_secs(1));
        assert_eq!(backoff(2, max), Duration::from_secs(2));
        assert_eq!(backoff(5, max), Duration::from_secs(16));
        assert_eq!(backoff(15, max), max);
    }
}
