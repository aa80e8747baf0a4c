//! The rules of chasing: on which working day a reminder goes out, which step of the
//! escalation ladder an overdue item has reached, and what kinds of message the outbox carries.

use std::fmt;
use std::str::FromStr;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::workdays::WorkingCalendar;
use super::ParseError;

/// Why the service sends a message; it also orders the queue (lower first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageKind {
    /// An answer to someone who wrote, which could not be sent at once.
    Reply,
    /// A citizen's case sent to a unit, or news of it to the hotline.
    Case,
    /// An overdue item pressed on its unit, its head or its lead unit.
    Escalation,
    /// A report or task coming due.
    Reminder,
    /// A reporting window opening: what the report must cover.
    Window,
    /// Who did not report when a window closed.
    Closing,
    /// The daily digest for coordinators and lead units.
    Digest,
}

impl MessageKind {
    pub const ALL: [MessageKind; 7] = [
        MessageKind::Reply,
        MessageKind::Case,
        MessageKind::Escalation,
        MessageKind::Reminder,
        MessageKind::Window,
        MessageKind::Closing,
        MessageKind::Digest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Reply => "reply",
            MessageKind::Case => "case",
            MessageKind::Escalation => "escalation",
            MessageKind::Reminder => "reminder",
            MessageKind::Window => "window",
            MessageKind::Closing => "closing",
            MessageKind::Digest => "digest",
        }
    }

    /// Whether it goes out only in working hours on working days. Replies answer someone
    /// who just wrote, and a citizen's case runs on a 24-hour clock: those go at any time.
    /// A reminder held up past 17:00 (a 429, an outage) waits for the next working morning.
    pub fn waits_for_office_hours(self) -> bool {
        !matches!(self, MessageKind::Reply | MessageKind::Case)
    }

    /// Replies first: someone is looking at their phone waiting for it.
    pub fn priority(self) -> i64 {
        match self {
            MessageKind::Reply => 0,
            MessageKind::Case => 1,
            MessageKind::Escalation => 1,
            MessageKind::Reminder => 2,
            MessageKind::Window => 3,
            MessageKind::Closing => 4,
            MessageKind::Digest => 5,
        }
    }
}

impl FromStr for MessageKind {
    type Err = ParseError;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        MessageKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| ParseError::new("message kind", raw))
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Where a queued message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeliveryState {
    Queued,
    /// Handed to Telegram by a sender that may have died before hearing back.
    Sending,
    Sent,
    /// The member cannot be reached (blocked the bot, never started it); kept, not retried.
    Parked,
    /// Telegram refused it for good, or it failed too many times.
    Failed,
}

impl DeliveryState {
    pub const ALL: [DeliveryState; 5] = [
        DeliveryState::Queued,
        DeliveryState::Sending,
        DeliveryState::Sent,
        DeliveryState::Parked,
        DeliveryState::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Queued => "queued",
            DeliveryState::Sending => "sending",
            DeliveryState::Sent => "sent",
            DeliveryState::Parked => "parked",
            DeliveryState::Failed => "failed",
        }
    }
}

impl FromStr for DeliveryState {
    type Err = ParseError;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        DeliveryState::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| ParseError::new("delivery state", raw))
    }
}

/// When reminders go out, relative to a due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderPolicy {
    /// Days before the due date (0 = the morning of the day).
    pub days_before: Vec<u32>,
    /// A reporting window opens this many days before its due date.
    pub window_days: u32,
    /// The closing report goes out on the first working day after the due date, and is
    /// still sent up to this many days late (after an outage); older windows stay quiet.
    pub closing_grace_days: u32,
}

impl Default for ReminderPolicy {
    fn default() -> Self {
        Self {
            days_before: vec![7, 3, 1, 0],
            window_days: 14,
            closing_grace_days: 7,
        }
    }
}

impl ReminderPolicy {
    /// The working days reminders for `due` go out on: each offset moved back to a working
    /// day, two offsets landing on the same day counted once.
    pub fn reminder_days(&self, due: NaiveDate, calendar: &WorkingCalendar) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = self
            .days_before
            .iter()
            .map(|k| calendar.on_or_before(due - Duration::days(i64::from(*k))))
            .collect();
        days.sort();
        days.dedup();
        days
    }

    /// The reminder for `due` that `today` should have sent: the latest reminder day not
    /// after today (so a day the service was down is caught up once), none after the due date.
    pub fn reminder_day(
        &self,
        due: NaiveDate,
        today: NaiveDate,
        calendar: &WorkingCalendar,
    ) -> Option<NaiveDate> {
        if today > due {
            return None;
        }
        self.reminder_days(due, calendar)
            .into_iter()
            .filter(|d| *d <= today)
            .max()
    }

    /// The working day a window due on `due` opens.
    pub fn window_opens(&self, due: NaiveDate, calendar: &WorkingCalendar) -> NaiveDate {
        let opens = calendar.on_or_after(due - Duration::days(i64::from(self.window_days)));
        opens.min(due)
    }

    /// Whether `today` should announce the window for `due` (from its opening to its due date).
    pub fn window_open_on(
        &self,
        due: NaiveDate,
        today: NaiveDate,
        calendar: &WorkingCalendar,
    ) -> bool {
        self.window_opens(due, calendar) <= today && today <= due
    }

    /// The working day after the due date the closing report goes out.
    pub fn closing_day(&self, due: NaiveDate, calendar: &WorkingCalendar) -> NaiveDate {
        calendar.on_or_after(due + Duration::days(1))
    }

    pub fn closing_due_on(
        &self,
        due: NaiveDate,
        today: NaiveDate,
        calendar: &WorkingCalendar,
    ) -> bool {
        let closing = self.closing_day(due, calendar);
        closing <= today && today <= closing + Duration::days(i64::from(self.closing_grace_days))
    }
}

/// A step of the escalation ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EscalationStep {
    /// The unit's members are reminded, with the due date.
    Nudge = 1,
    /// The unit's head and the lead unit's focal point are told too.
    Heads = 2,
    /// The item enters the coordinating office's escalation digest.
    Office = 3,
}

impl EscalationStep {
    pub fn number(self) -> i64 {
        self as i64
    }

    pub fn from_number(n: i64) -> Option<Self> {
        match n {
            1 => Some(EscalationStep::Nudge),
            2 => Some(EscalationStep::Heads),
            3 => Some(EscalationStep::Office),
            _ => None,
        }
    }

    /// Every step up to and including this one.
    pub fn and_below(self) -> impl Iterator<Item = EscalationStep> {
        [
            EscalationStep::Nudge,
            EscalationStep::Heads,
            EscalationStep::Office,
        ]
        .into_iter()
        .filter(move |s| *s <= self)
    }
}

/// When each escalation step starts; configured by default, and per plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Ladder {
    /// Calendar days after the due date for the nudge (moved to the next working day).
    pub nudge_after_days: u32,
    /// Working days overdue before the head and the lead unit are told.
    pub heads_after_working_days: u32,
    /// Working days overdue before the item enters the coordinating office's digest.
    pub office_after_working_days: u32,
}

impl Default for Ladder {
    fn default() -> Self {
        Self {
            nudge_after_days: 1,
            heads_after_working_days: 2,
            office_after_working_days: 5,
        }
    }
}

impl Ladder {
    pub fn validate(&self) -> Result<(), ParseError> {
        let ordered = self.nudge_after_days >= 1
            && self.heads_after_working_days >= 1
            && self.heads_after_working_days <= self.office_after_working_days;
        if ordered {
            Ok(())
        } else {
            Err(ParseError::new(
                "escalation ladder (nudge ≥ 1, heads ≥ 1, heads ≤ office)",
                format!(
                    "{}/{}/{}",
                    self.nudge_after_days,
                    self.heads_after_working_days,
                    self.office_after_working_days
                ),
            ))
        }
    }

    /// The highest step an item due on `due` has reached on `today`, if it is overdue.
    pub fn step_on(
        &self,
        due: NaiveDate,
        today: NaiveDate,
        calendar: &WorkingCalendar,
    ) -> Option<EscalationStep> {
        if today <= due {
            return None;
        }
        let overdue = calendar.working_days_between(due, today);
        if overdue >= i64::from(self.office_after_working_days) {
            return Some(EscalationStep::Office);
        }
        if overdue >= i64::from(self.heads_after_working_days) {
            return Some(EscalationStep::Heads);
        }
        let nudge = calendar.on_or_after(due + Duration::days(i64::from(self.nudge_after_days)));
        (today >= nudge).then_some(EscalationStep::Nudge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workdays::{CalendarDay, DayKind};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn calendar() -> WorkingCalendar {
        let off = |m, d| CalendarDay {
            date: date(2026, m, d),
            name: String::new(),
            kind: DayKind::DayOff,
        };
        WorkingCalendar::new(&[off(4, 30), off(5, 1)])
    }

    #[test]
    fn reminders_move_back_to_working_days_and_merge() {
        let policy = ReminderPolicy::default();
        // Due Saturday 30/5/2026: 7 days → Sat 23 → Fri 22; 3 → Wed 27; 1 and 0 → Fri 29.
        assert_eq!(
            policy.reminder_days(date(2026, 5, 30), &calendar()),
            vec![date(2026, 5, 22), date(2026, 5, 27), date(2026, 5, 29)]
        );
        // Due Monday 4/5/2026: the day before is Sunday → Wednesday 29/4 (30/4, 1/5 off).
        assert_eq!(
            policy.reminder_days(date(2026, 5, 4), &calendar()),
            vec![date(2026, 4, 27), date(2026, 4, 29), date(2026, 5, 4)]
        );
    }

    #[test]
    fn the_reminder_due_today_catches_up_once() {
        let policy = ReminderPolicy::default();
        let due = date(2026, 3, 10);
        assert_eq!(
            policy.reminder_day(due, date(2026, 3, 2), &calendar()),
            None
        );
        assert_eq!(
            policy.reminder_day(due, date(2026, 3, 4), &calendar()),
            Some(date(2026, 3, 3))
        );
        assert_eq!(
            policy.reminder_day(due, date(2026, 3, 10), &calendar()),
            Some(due)
        );
        assert_eq!(
            policy.reminder_day(due, date(2026, 3, 11), &calendar()),
            None
        );
    }

    #[test]
    fn ladder_steps_count_working_days() {
        let ladder = Ladder::default();
        let cal = calendar();
        // Due Wednesday 29/4/2026: 30/4 and 1/5 are holidays, then a weekend.
        let due = date(2026, 4, 29);
        assert_eq!(ladder.step_on(due, due, &cal), None);
        assert_eq!(ladder.step_on(due, date(2026, 5, 3), &cal), None);
        assert_eq!(
            ladder.step_on(due, date(2026, 5, 4), &cal),
            Some(EscalationStep::Nudge)
        );
        assert_eq!(
            ladder.step_on(due, date(2026, 5, 5), &cal),
            Some(EscalationStep::Heads)
        );
        assert_eq!(
            ladder.step_on(due, date(2026, 5, 8), &cal),
            Some(EscalationStep::Office)
        );
        assert!(Ladder {
            heads_after_working_days: 6,
            ..Ladder::default()
        }
        .validate()
        .is_err());
    }

    #[test]
    fn windows_open_and_close_on_working_days() {
        let policy = ReminderPolicy::default();
        let cal = calendar();
        // Due 15/11/2026 (Sunday): opens Sunday 1/11 → Monday 2/11; closes Monday 16/11.
        let due = date(2026, 11, 15);
        assert_eq!(policy.window_opens(due, &cal), date(2026, 11, 2));
        assert_eq!(policy.closing_day(due, &cal), date(2026, 11, 16));
        assert!(policy.closing_due_on(due, date(2026, 11, 20), &cal));
        assert!(!policy.closing_due_on(due, date(2026, 12, 1), &cal));
    }
}
