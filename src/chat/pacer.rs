//! Telegram's limits, shared by everything one process sends: the outbox sender and the
//! bot's direct replies. One send every `1 / messages_per_second` in all, to each chat one
//! every `chat_interval_ms`, and to a group no more than `group_messages_per_minute` in any
//! minute (a short exchange in a group goes at the chat's pace; the 21st message waits).
//! A 429's `retry_after` holds every send of the process.
//!
//! Replies share the budget because Telegram counts them too: a confirmation sent at once,
//! within a second of the reminder it answers, earned a 429 from the per-chat limit, and that
//! 429 paused the outbox as well (the province run reached 0.6 of 30/s that way).
//!
//! The spacing runs from when a send really starts and nothing is saved up while idle: a
//! catch-up burst would put one message too many in Telegram's sliding windows and earn a
//! 429. (governor 0.6's GCRA, used before, let two cells through back to back whenever a
//! check came more than one period late.) A send books its slot under the lock and sleeps
//! outside it, so a reply arriving while the sender waits takes the next slot, not a second
//! one at the same instant.
//!
//! The even spacing alone does not keep Telegram's 30 in any second when sends start late:
//! a send whose timer woke 38 ms late lets the next one go at once, and the 30th after them
//! still comes on the grid, 996 ms after the late one. So the pacer also counts when the
//! recent sends really began (the outbox's call task says when it starts the call) and never
//! starts one within a second and [`ARRIVAL_MARGIN`] of the 30th before it.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use crate::config::OutboxConfig;

const MINUTE: Duration = Duration::from_secs(60);

/// Telegram counts a group's minute by when messages arrive, and a send's start and its
/// arrival are apart by a time that varies (a busy runtime, a new connection): the 21st message
/// goes out a minute and this much after the first, never a hair under a minute by arrival.
const GROUP_ARRIVAL_MARGIN: Duration = Duration::from_secs(1);

/// Telegram's limit in all: messages in any one second.
const TELEGRAM_PER_SECOND: usize = 30;

/// Telegram counts its 30 a second by arrival too, and a send reaches it a varying time after
/// it began (the request written, the network; on a loaded machine a send can take tens of
/// milliseconds more than the next). No send begins within a second and this much of the 30th
/// send before it. Evenly spaced at 29 a second, 30 sends span 1,034 ms, so on time this
/// margin costs nothing; it holds only a send that would close up on a late one.
const ARRIVAL_MARGIN: Duration = Duration::from_millis(30);
const SECOND: Duration = Duration::from_secs(1);

/// The longest the outbox sender waits for a slot once it has claimed a message; the claim's
/// lease covers this on top of the longest call (`Sender::lease_reserve`).
pub const MAX_SEND_WAIT: Duration = Duration::from_millis(500);

/// The longest a reply waits for its slot before it is handed to the outbox.
pub const MAX_REPLY_WAIT: Duration = Duration::from_secs(30);

/// Which chats the per-group minute applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Groups {
    /// Telegram: groups and channels have negative chat ids, private chats positive.
    NegativeIds,
    /// Zalo: a chat's local number does not say whether it is a group, so every chat is held
    /// to the group's minute (a private chat rarely gets 20 messages a minute anyway).
    EveryChat,
}

impl Groups {
    fn is_group(self, chat: i64) -> bool {
        match self {
            Groups::NegativeIds => chat < 0,
            Groups::EveryChat => true,
        }
    }
}

/// The limits one messenger sets (each messenger has its own `Pacer`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    pub messages_per_second: f64,
    pub chat_interval_ms: u64,
    pub group_messages_per_minute: u32,
    pub groups: Groups,
}

/// A send [`Pacer::start_send`] let begin.
#[derive(Debug)]
pub struct Slot {
    pacer: Pacer,
    chat: i64,
    /// When the pacer counts it as begun.
    counted: Instant,
}

impl Slot {
    /// The call is being made now: the pacer counts the send from now, not from when its
    /// slot came. The call's task may start a while after the slot (a busy runtime), and
    /// Telegram counts when the message arrives.
    pub fn calling(self) {
        let now = Instant::now();
        self.pacer.limits().started(self.chat, self.counted, now);
    }
}

/// The pacing of one process; clones share it.
#[derive(Debug, Clone)]
pub struct Pacer(Arc<Mutex<Limits>>);

#[derive(Debug)]
struct Limits {
    global_every: Duration,
    chat_every: Duration,
    group_per_minute: usize,
    groups: Groups,
    /// When the next send may start.
    next_global: Instant,
    /// When each chat may get its next message.
    next_chat: HashMap<i64, Instant>,
    /// The starts of each group's sends in the last minute, oldest first.
    group_sends: HashMap<i64, VecDeque<Instant>>,
    /// Telegram's last `retry_after`: nothing is sent before this.
    paused_until: Option<Instant>,
    /// How many sends any second and [`ARRIVAL_MARGIN`] may hold: Telegram's 30, or the
    /// configured rate where that is higher (a bot allowed more, a test that lifts pacing).
    per_second: usize,
    /// When the last `per_second` sends began (booked, then as really started), in order.
    starts: VecDeque<Instant>,
}

impl Limits {
    /// Lateness up to this keeps the global grid (timers wake a little late); beyond it the
    /// grid starts again from now, so a stall is never made up by a burst.
    const SLACK: Duration = Duration::from_millis(5);

    fn chat_wait(&self, chat: i64, now: Instant) -> Option<Duration> {
        let next_chat = self.next_chat.get(&chat).copied();
        let next = next_chat.max(self.group_slot(chat));
        next.filter(|next| *next > now).map(|next| next - now)
    }

    /// When a group may get its next message under the per-minute limit: a minute after the
    /// oldest of its last `group_per_minute` sends. None for a private chat or a group with
    /// room left.
    fn group_slot(&self, chat: i64) -> Option<Instant> {
        let sends = self.group_sends.get(&chat)?;
        let window = sends.len().checked_sub(self.group_per_minute)?;
        sends
            .get(window)
            .map(|oldest| *oldest + MINUTE + GROUP_ARRIVAL_MARGIN)
    }

    fn pause_left(&self, now: Instant) -> Option<Duration> {
        self.paused_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// The earliest a send may begin for the count of recent sends: a second and the
    /// margin after the `per_second`-th latest. None while fewer began lately.
    fn window_slot(&self) -> Option<Instant> {
        let oldest = self.starts.len().checked_sub(self.per_second)?;
        self.starts
            .get(oldest)
            .map(|start| *start + SECOND + ARRIVAL_MARGIN)
    }

    /// When the next send may begin: the global grid, and the count of recent sends.
    fn next_start(&self, now: Instant) -> Instant {
        self.next_global
            .max(now)
            .max(self.window_slot().unwrap_or(now))
    }

    /// Counts a send beginning at `at` among the recent ones, kept in order and only as many
    /// as [`Self::window_slot`] reads: an entry dropped is the earliest, and entries only
    /// ever move later, so it can never be one of the latest again; or one that can no longer
    /// hold a send back `now`.
    fn count_start(&mut self, at: Instant, now: Instant) {
        let position = self.starts.partition_point(|start| *start <= at);
        self.starts.insert(position, at);
        while self.starts.len() > self.per_second
            || self
                .starts
                .front()
                .is_some_and(|start| *start + SECOND + ARRIVAL_MARGIN <= now)
        {
            self.starts.pop_front();
        }
    }

    /// A send counted as beginning at `was` began at `now`: it moves later among the recent.
    fn recount_start(&mut self, was: Instant, now: Instant) {
        if let Some(position) = self.starts.iter().rposition(|start| *start == was) {
            self.starts.remove(position);
        }
        self.count_start(now, now);
    }

    /// Takes the next global slot for a send to `chat`: when it may start. The chat's clock
    /// runs from that start.
    fn book(&mut self, chat: i64, now: Instant) -> Instant {
        let start = self.next_start(now);
        self.count_start(start, now);
        // The grid runs from now, not from a start the count held back: the sends after it
        // keep their slots (the count still holds each of them), so a late send costs the
        // rate nothing beyond its own wait.
        let grid = now.checked_sub(Self::SLACK).unwrap_or(now);
        self.next_global = self.next_global.max(grid) + self.global_every;
        self.next_chat.insert(chat, start + self.chat_every);
        if self.groups.is_group(chat) {
            let sends = self.group_sends.entry(chat).or_default();
            while sends
                .front()
                .is_some_and(|oldest| *oldest + MINUTE + GROUP_ARRIVAL_MARGIN <= start)
            {
                sends.pop_front();
            }
            sends.push_back(start);
        }
        start
    }

    /// The send booked for `planned` to `chat` really starts `now` (timers wake a little
    /// late): the chat's clocks run from now, or the next message could come a few
    /// milliseconds under a second after this one.
    fn started(&mut self, chat: i64, planned: Instant, now: Instant) {
        if now <= planned {
            return;
        }
        self.recount_start(planned, now);
        let late = now - planned;
        if let Some(next) = self.next_chat.get_mut(&chat) {
            *next = (*next).max(planned + self.chat_every + late);
        }
        if let Some(sends) = self.group_sends.get_mut(&chat) {
            if let Some(send) = sends.iter_mut().rev().find(|s| **s == planned) {
                *send = now;
            }
        }
    }
}

impl Pacer {
    /// Telegram's pacing, from the outbox's rates.
    pub fn new(config: &OutboxConfig) -> Self {
        Self::with_rates(Rates {
            messages_per_second: config.messages_per_second,
            chat_interval_ms: config.chat_interval_ms,
            group_messages_per_minute: config.group_messages_per_minute,
            groups: Groups::NegativeIds,
        })
    }

    pub fn with_rates(rates: Rates) -> Self {
        Self(Arc::new(Mutex::new(Limits {
            global_every: Duration::from_secs_f64(1.0 / rates.messages_per_second.max(0.01)),
            chat_every: Duration::from_millis(rates.chat_interval_ms),
            group_per_minute: usize::try_from(rates.group_messages_per_minute.max(1))
                .unwrap_or(usize::MAX),
            groups: rates.groups,
            next_global: Instant::now(),
            next_chat: HashMap::new(),
            group_sends: HashMap::new(),
            paused_until: None,
            per_second: Self::per_second(rates.messages_per_second),
            starts: VecDeque::new(),
        })))
    }

    /// Telegram's 30, or a higher configured rate (rounded up).
    fn per_second(rate: f64) -> usize {
        let configured = if rate.is_finite() && rate > 0.0 {
            // `as` saturates; a rate of a million a second is a test lifting the pacing.
            rate.ceil().min(1e9) as usize
        } else {
            0
        };
        configured.max(TELEGRAM_PER_SECOND)
    }

    /// The limits never panic while held, so a poisoned lock still holds consistent clocks.
    fn limits(&self) -> MutexGuard<'_, Limits> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether `chat` may get a message now; else how long until it may. Takes nothing.
    pub fn chat_ready(&self, chat: i64) -> Result<(), Duration> {
        match self.limits().chat_wait(chat, Instant::now()) {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    /// Until when Telegram asked for a pause, if it has not passed.
    pub fn paused_until(&self) -> Option<Instant> {
        let now = Instant::now();
        self.limits().pause_left(now).map(|left| now + left)
    }

    /// Telegram answered 429: nothing is sent for `wait`.
    pub fn pause(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut limits = self.limits();
        limits.paused_until = Some(limits.paused_until.map_or(until, |u| u.max(until)));
    }

    /// Waits for the next global slot; then the outbox's send to `chat` starts. Err(wait),
    /// booking nothing, when it cannot start soon: a reply took the chat since the sender
    /// looked, Telegram asked for a pause, or replies hold the next slots. The sender then
    /// gives its claim back: a claim must not outlive its lease waiting here.
    ///
    /// The send is counted from when the wait ends; [`Slot::calling`], from the task that
    /// makes the call, counts it from when the call really starts, if later.
    pub async fn start_send(&self, chat: i64) -> Result<Slot, Duration> {
        let start = {
            let now = Instant::now();
            let mut limits = self.limits();
            if let Some(wait) = limits
                .pause_left(now)
                .or_else(|| limits.chat_wait(chat, now))
            {
                return Err(wait);
            }
            let wait = limits.next_start(now).saturating_duration_since(now);
            if wait > MAX_SEND_WAIT {
                return Err(wait);
            }
            limits.book(chat, now)
        };
        let began = self.sleep_until_start(chat, start).await;
        Ok(Slot {
            pacer: self.clone(),
            chat,
            counted: began,
        })
    }

    /// Sleeps until `start`; the send counts from when the sleep really ended.
    async fn sleep_until_start(&self, chat: i64, start: Instant) -> Instant {
        tokio::time::sleep_until(start).await;
        let now = Instant::now();
        self.limits().started(chat, start, now);
        now.max(start)
    }

    /// Waits until a reply to `chat` may go: past any pause, the chat's own interval and the
    /// next global slot. Replies wait rather than skip: the member is waiting for this one.
    /// Err(wait) when Telegram asked for a pause longer than [`MAX_REPLY_WAIT`]: the caller
    /// hands the reply to the outbox instead of holding the chat. (A group's per-minute limit
    /// may make a reply wait up to a minute; that is pacing, not a pause.)
    pub async fn reply_slot(&self, chat: i64) -> Result<(), Duration> {
        loop {
            let now = Instant::now();
            let next = {
                let mut limits = self.limits();
                match limits.pause_left(now) {
                    Some(pause) if pause > MAX_REPLY_WAIT => return Err(pause),
                    Some(pause) => Err(pause),
                    None => match limits.chat_wait(chat, now) {
                        Some(wait) => Err(wait),
                        None => Ok(limits.book(chat, now)),
                    },
                }
            };
            match next {
                Ok(start) => {
                    self.sleep_until_start(chat, start).await;
                    return Ok(());
                }
                // Look again after the wait: another send may have taken the chat meanwhile.
                Err(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// Forgets chats whose interval has passed, so the map stays as small as the recent sends.
    pub fn forget_idle_chats(&self) {
        let now = Instant::now();
        let mut limits = self.limits();
        limits.next_chat.retain(|_, next| *next > now);
        limits
            .group_sends
            .retain(|_, sends| sends.back().is_some_and(|last| *last + MINUTE > now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pacer() -> Pacer {
        Pacer::new(&OutboxConfig {
            chat_interval_ms: 1_000,
            ..OutboxConfig::default()
        })
    }

    /// How long `reply_slot` waited, on tokio's paused clock.
    async fn reply_wait(pacer: &Pacer, chat: i64) -> Duration {
        let started = Instant::now();
        pacer.reply_slot(chat).await.expect("a slot");
        started.elapsed()
    }

    #[tokio::test(start_paused = true)]
    async fn a_reply_waits_for_its_chat_after_a_reminder_but_not_for_other_chats() {
        let pacer = pacer();
        let _slot = pacer.start_send(7).await.expect("a free chat");
        assert_eq!(pacer.chat_ready(7).map_err(|_| ()), Err(()));
        assert!(pacer.start_send(7).await.is_err(), "the chat must wait");
        let other = reply_wait(&pacer, 8).await;
        assert!(other < Duration::from_millis(50), "{other:?}");
        let same = reply_wait(&pacer, 7).await;
        assert!(same >= Duration::from_millis(900), "{same:?}");
        assert!(same <= Duration::from_millis(1_010), "{same:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn sends_keep_the_global_spacing_whoever_sends() {
        let pacer = pacer();
        let started = Instant::now();
        for chat in 0..60 {
            if chat % 2 == 0 {
                pacer.start_send(chat).await.expect("a slot");
            } else {
                pacer.reply_slot(chat).await.expect("a slot");
            }
        }
        // 60 sends at 29 a second: the last starts after 59 intervals, not before.
        let took = started.elapsed();
        assert!(took >= Duration::from_secs_f64(59.0 / 29.0), "{took:?}");
        assert!(took < Duration::from_secs_f64(60.0 / 29.0), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_group_gets_twenty_messages_a_minute_at_the_chats_pace() {
        let pacer = pacer();
        let group = -100_042;
        let started = Instant::now();
        for _ in 0..20 {
            pacer.reply_slot(group).await.expect("a slot");
        }
        // Twenty at one a second: 19 s.
        let twenty = started.elapsed();
        assert!(twenty >= Duration::from_secs(19), "{twenty:?}");
        assert!(twenty < Duration::from_secs(20), "{twenty:?}");
        // The 21st waits until the first is a minute old, and the arrival margin more.
        pacer.reply_slot(group).await.expect("a slot");
        let then = started.elapsed();
        assert!(then >= MINUTE + GROUP_ARRIVAL_MARGIN, "{then:?}");
        assert!(
            then < MINUTE + GROUP_ARRIVAL_MARGIN + Duration::from_secs(1),
            "{then:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn zalos_pacer_holds_every_chat_to_the_groups_minute() {
        // A Zalo chat's number does not say whether it is a group: each is held to the minute.
        let zalo = Pacer::with_rates(Rates {
            messages_per_second: 10.0,
            chat_interval_ms: 1_100,
            group_messages_per_minute: 20,
            groups: Groups::EveryChat,
        });
        let chat = crate::domain::ZALO_NUMBER_BASE + 5;
        let started = Instant::now();
        for _ in 0..21 {
            zalo.reply_slot(chat).await.expect("a slot");
        }
        assert!(started.elapsed() >= MINUTE + GROUP_ARRIVAL_MARGIN);
        // Telegram's private chats (positive ids) are not.
        let telegram = pacer();
        let started = Instant::now();
        for _ in 0..21 {
            telegram.reply_slot(7).await.expect("a slot");
        }
        assert!(started.elapsed() < Duration::from_secs(21));
    }

    #[tokio::test(start_paused = true)]
    async fn a_send_that_starts_late_moves_its_chats_clock() {
        let pacer = pacer();
        let mut limits = pacer.limits();
        let now = Instant::now();
        let planned = limits.book(9, now);
        let late = planned + Duration::from_millis(3);
        limits.started(9, planned, late);
        let second_after_plan = planned + Duration::from_secs(1);
        assert_eq!(
            limits.chat_wait(9, second_after_plan),
            Some(Duration::from_millis(3))
        );
        assert_eq!(limits.chat_wait(9, late + Duration::from_secs(1)), None);
    }

    /// The shortest time over which any 31 consecutive starts were spread.
    fn tightest_31(starts: &[Instant]) -> Duration {
        starts
            .windows(TELEGRAM_PER_SECOND + 1)
            .map(|w| w[TELEGRAM_PER_SECOND] - w[0])
            .min()
            .expect("at least 31 starts")
    }

    /// The sender books a send once the one before has started. When a timer wakes 38 ms
    /// late (within the grid's slack of a slot), the next send's slot has passed and it goes
    /// at once; the 30th after them, on the grid, came 996 ms after the late one: 31 in a
    /// second at Telegram. Counting the real starts keeps any 31 over a second and the margin.
    #[tokio::test(start_paused = true)]
    async fn no_31_sends_begin_within_a_second_when_one_starts_late() {
        let pacer = Pacer::new(&OutboxConfig::default());
        let mut limits = pacer.limits();
        let first = limits.book(0, Instant::now());
        let late = first + Duration::from_millis(38);
        limits.started(0, first, late);
        let mut starts = vec![late];
        let mut now = late;
        for chat in 1..=60 {
            let start = limits.book(chat, now);
            limits.started(chat, start, start);
            starts.push(start);
            now = start;
        }
        let tightest = tightest_31(&starts);
        assert!(
            tightest >= Duration::from_secs(1) + ARRIVAL_MARGIN,
            "31 sends began within {tightest:?}"
        );
        // And the rate is kept: 61 sends at 29 a second take 60 intervals, give or take the
        // one late start.
        let took = starts[60] - starts[0];
        assert!(took < Duration::from_secs_f64(60.0 / 29.0), "{took:?}");
    }

    /// The outbox's call task may run a while after its slot (a loaded machine): the send
    /// counts from when the task calls, and the 30th after it waits for that.
    #[tokio::test(start_paused = true)]
    async fn a_call_that_starts_late_holds_the_thirtieth_after_it() {
        let pacer = Pacer::new(&OutboxConfig::default());
        let mut calls = Vec::new();
        for chat in 0..61 {
            let slot = pacer.start_send(chat).await.expect("a slot");
            // Every tenth task runs 30 ms after its slot.
            if chat % 10 == 0 {
                tokio::time::advance(Duration::from_millis(30)).await;
            }
            calls.push(Instant::now());
            slot.calling();
        }
        calls.sort();
        let tightest = tightest_31(&calls);
        assert!(
            tightest >= Duration::from_secs(1) + ARRIVAL_MARGIN,
            "31 calls within {tightest:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_count_follows_a_rate_set_above_telegrams() {
        assert_eq!(Pacer::per_second(29.0), TELEGRAM_PER_SECOND);
        assert_eq!(Pacer::per_second(29.5), TELEGRAM_PER_SECOND);
        assert_eq!(Pacer::per_second(100.0), 100);
        assert_eq!(Pacer::per_second(f64::NAN), TELEGRAM_PER_SECOND);
        // A test lifting the pacing is not held to 30 a second by the count.
        let lifted = Pacer::new(&OutboxConfig {
            messages_per_second: 1e6,
            chat_interval_ms: 0,
            ..OutboxConfig::default()
        });
        let started = Instant::now();
        for chat in 0..100 {
            lifted.start_send(chat).await.expect("a slot");
        }
        // Held to 30 in 1.03 s, the 100 would take over 3 s; a timer tick is a millisecond.
        let took = started.elapsed();
        assert!(took < Duration::from_millis(200), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_pause_hands_replies_back_and_stops_the_sender() {
        let pacer = pacer();
        pacer.pause(Duration::from_secs(600));
        assert!(
            pacer.reply_slot(3).await.is_err(),
            "not held for ten minutes"
        );
        assert!(pacer.start_send(4).await.is_err());
        assert_eq!(pacer.chat_ready(4), Ok(()), "nothing was booked");
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_replies_and_the_sender_alike() {
        let pacer = pacer();
        pacer.pause(Duration::from_secs(3));
        assert!(pacer.paused_until().is_some());
        let waited = reply_wait(&pacer, 5).await;
        assert!(waited >= Duration::from_secs(3), "{waited:?}");
        assert!(pacer.paused_until().is_none());
        // A shorter pause never cuts a longer one short.
        pacer.pause(Duration::from_secs(5));
        pacer.pause(Duration::from_secs(1));
        let waited = reply_wait(&pacer, 6).await;
        assert!(waited >= Duration::from_secs(5), "{waited:?}");
    }
}
