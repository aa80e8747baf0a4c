//! Citizen reports and petitions (phản ánh, kiến nghị) logged by the hotline: their numbers,
//! channels, lifecycle, routing and the two clocks (acknowledge within 24 hours, answer within
//! 6 working days). Plain rules, no I/O.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::text::match_key;
use super::workdays::{WorkingCalendar, WorkingHours};
use super::ParseError;

/// How the citizen reached the hotline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Phone,
    Sms,
    Zalo,
    Email,
    WebPortal,
    InPerson,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::Phone,
        Channel::Sms,
        Channel::Zalo,
        Channel::Email,
        Channel::WebPortal,
        Channel::InPerson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Sms => "sms",
            Channel::Zalo => "zalo",
            Channel::Email => "email",
            Channel::WebPortal => "web_portal",
            Channel::InPerson => "in_person",
        }
    }
}

impl FromStr for Channel {
    type Err = ParseError;

    /// The stored names, or what an operator writes ("1022", "điện thoại", "cổng thông tin").
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let key = match_key(raw);
        let channel = match key.as_str() {
            "phone" | "1022" | "dien thoai" | "goi dien" | "tong dai" | "tong dai 1022" => {
                Channel::Phone
            }
            "sms" | "tin nhan" | "nhan tin" => Channel::Sms,
            "zalo" => Channel::Zalo,
            "email" | "thu dien tu" | "e mail" => Channel::Email,
            "web portal" | "web" | "cong thong tin" | "cong dich vu cong" | "website" => {
                Channel::WebPortal
            }
            "in person" | "truc tiep" | "den truc tiep" => Channel::InPerson,
            _ => return Err(ParseError::new("channel", raw)),
        };
        Ok(channel)
    }
}

/// `PA-2026-000123`: the year the case was received and its number within the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNumber {
    pub year: i32,
    pub seq: i64,
}

impl CaseNumber {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let err = || ParseError::new("case number (PA-YYYY-NNNNNN)", raw);
        let upper = raw.trim().to_ascii_uppercase();
        let rest = upper.strip_prefix("PA-").unwrap_or(&upper);
        let (year, seq) = rest.split_once('-').ok_or_else(err)?;
        let year: i32 = year.parse().map_err(|_| err())?;
        let seq: i64 = seq.parse().map_err(|_| err())?;
        if !(2000..=2100).contains(&year) || seq < 1 {
            return Err(err());
        }
        Ok(Self { year, seq })
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PA-{}-{:06}", self.year, self.seq)
    }
}

/// Where a case stands, as the README's diagram draws it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Logged; not yet sent to a unit.
    Received,
    /// Sent to one or more units; none has acknowledged yet.
    Forwarded,
    /// Every unit it was sent to has acknowledged (tiếp nhận).
    Accepted,
    /// Every unit it was sent to has answered.
    Answered,
    /// The citizen was informed and the operator closed it.
    Closed,
    /// A unit said it is not theirs; the operator must route it again.
    Returned,
    /// The citizen called back: open again.
    Reopened,
    Cancelled,
}

impl CaseState {
    pub const ALL: [CaseState; 8] = [
        CaseState::Received,
        CaseState::Forwarded,
        CaseState::Accepted,
        CaseState::Answered,
        CaseState::Closed,
        CaseState::Returned,
        CaseState::Reopened,
        CaseState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Received => "received",
            CaseState::Forwarded => "forwarded",
            CaseState::Accepted => "accepted",
            CaseState::Answered => "answered",
            CaseState::Closed => "closed",
            CaseState::Returned => "returned",
            CaseState::Reopened => "reopened",
            CaseState::Cancelled => "cancelled",
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(self, CaseState::Closed | CaseState::Cancelled)
    }
}

impl FromStr for CaseState {
    type Err = ParseError;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        CaseState::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| ParseError::new("case state", raw))
    }
}

/// Where one unit stands with a case sent to it (one forward hop).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HopState {
    Forwarded,
    Accepted,
    /// "Không thuộc thẩm quyền", with a reason.
    Returned,
    Answered,
    /// The operator took the case back from this unit (forwarded elsewhere, cancelled).
    Withdrawn,
}

impl HopState {
    pub const ALL: [HopState; 5] = [
        HopState::Forwarded,
        HopState::Accepted,
        HopState::Returned,
        HopState::Answered,
        HopState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HopState::Forwarded => "forwarded",
            HopState::Accepted => "accepted",
            HopState::Returned => "returned",
            HopState::Answered => "answered",
            HopState::Withdrawn => "withdrawn",
        }
    }

    /// Still the unit's to handle.
    pub fn is_live(self) -> bool {
        matches!(self, HopState::Forwarded | HopState::Accepted)
    }
}

impl FromStr for HopState {
    type Err = ParseError;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        HopState::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| ParseError::new("hop state", raw))
    }
}

/// The state a case shows, from its hops: a case sent to several units is answered when
/// every unit still holding it has answered, and returned when the last one gave it back.
pub fn derive_state(hops: &[HopState], reopened: bool) -> CaseState {
    let counted: Vec<HopState> = hops
        .iter()
        .copied()
        .filter(|h| *h != HopState::Withdrawn)
        .collect();
    let handling: Vec<HopState> = counted
        .iter()
        .copied()
        .filter(|h| *h != HopState::Returned)
        .collect();
    if counted.is_empty() {
        return if reopened {
            CaseState::Reopened
        } else {
            CaseState::Received
        };
    }
    if handling.is_empty() {
        return CaseState::Returned;
    }
    if handling.iter().all(|h| *h == HopState::Answered) {
        CaseState::Answered
    } else if handling.contains(&HopState::Forwarded) {
        CaseState::Forwarded
    } else {
        CaseState::Accepted
    }
}

/// The two clocks of a case, configurable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseClocks {
    /// Hours from intake (or a forward) to the unit's acknowledgement.
    pub ack_hours: u32,
    /// Working days from intake (or a forward) to the answer.
    pub answer_working_days: u32,
    /// Hours before the acknowledgement deadline that the unit is reminded.
    pub ack_reminder_hours: u32,
    /// Working days before the answer's due date that the unit is reminded (0 = that day).
    pub answer_reminder_days: Vec<u32>,
    /// When the acknowledgement clock of a case (or forward) starts.
    pub ack_from: AckFrom,
}

/// When the acknowledgement clock starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckFrom {
    /// At the next opening of working hours (the moment itself when they are open): a case
    /// received on Saturday counts from Monday morning, as a paper received after hours counts
    /// from the next working day.
    #[default]
    NextOpening,
    /// At the moment the case is received (or forwarded), whatever the hour.
    Received,
}

impl Default for CaseClocks {
    fn default() -> Self {
        Self {
            ack_hours: 24,
            answer_working_days: 6,
            ack_reminder_hours: 4,
            answer_reminder_days: vec![2, 0],
            ack_from: AckFrom::NextOpening,
        }
    }
}

impl CaseClocks {
    /// `ack_hours` after `from`, whatever the hour (the clock as `ack_from = "received"`).
    pub fn ack_due(&self, from: DateTime<Utc>) -> DateTime<Utc> {
        from + Duration::hours(i64::from(self.ack_hours))
    }

    /// When the acknowledgement clock of something received at `at` starts: the next opening
    /// of `hours` on a working day (`at` itself in working hours), or `at` (`ack_from`).
    pub fn ack_start(
        &self,
        at: DateTime<Utc>,
        hours: &WorkingHours,
        calendar: &WorkingCalendar,
        tz: Tz,
    ) -> DateTime<Utc> {
        match self.ack_from {
            AckFrom::Received => at,
            AckFrom::NextOpening => {
                let local = at.with_timezone(&tz).naive_local();
                to_utc(hours.next_opening(calendar, local), tz).unwrap_or(at)
            }
        }
    }

    /// The acknowledgement deadline of something received (or forwarded) at `at`: Saturday
    /// 07:01 → Tuesday 07:30 when Monday opens at 07:30 (24 hours from the opening).
    pub fn ack_due_from(
        &self,
        at: DateTime<Utc>,
        hours: &WorkingHours,
        calendar: &WorkingCalendar,
        tz: Tz,
    ) -> DateTime<Utc> {
        self.ack_due(self.ack_start(at, hours, calendar, tz))
    }

    /// When the reminder before the acknowledgement deadline `due` may go: `ack_reminder_hours`
    /// before it when that is in working hours; else the next opening when that is still before
    /// the deadline; else the same number of hours before the close of the last working day
    /// before (never before that day's opening). A reminder is only sent in working hours, so
    /// a deadline at 07:30 is reminded the afternoon before, not when it has already passed.
    pub fn ack_reminder_at(
        &self,
        due: DateTime<Utc>,
        hours: &WorkingHours,
        calendar: &WorkingCalendar,
        tz: Tz,
    ) -> DateTime<Utc> {
        let window = Duration::hours(i64::from(self.ack_reminder_hours));
        let natural = due - window;
        let local = natural.with_timezone(&tz).naive_local();
        if hours.open_at(calendar, local) {
            return natural;
        }
        let due_local = due.with_timezone(&tz).naive_local();
        let opening = hours.next_opening(calendar, local);
        if opening < due_local {
            return to_utc(opening, tz).unwrap_or(natural);
        }
        let closed_day = if calendar.is_working_day(local.date()) && local.time() >= hours.end {
            local.date()
        } else {
            calendar.on_or_before(local.date() - Duration::days(1))
        };
        let before_close =
            (closed_day.and_time(hours.end) - window).max(closed_day.and_time(hours.start));
        to_utc(before_close, tz).unwrap_or(natural)
    }

    /// The answer is due by the end of the `answer_working_days`-th working day after the
    /// day the case reached the unit (`from_day`, in the province).
    pub fn answer_due(&self, from_day: NaiveDate, calendar: &WorkingCalendar) -> NaiveDate {
        calendar.add_working_days(from_day, self.answer_working_days)
    }

    /// The working day a reminder `k` working days before `due` goes out.
    pub fn answer_reminder_day(
        &self,
        due: NaiveDate,
        k: u32,
        calendar: &WorkingCalendar,
    ) -> NaiveDate {
        let mut day = calendar.on_or_before(due);
        for _ in 0..k {
            day = calendar.on_or_before(day - Duration::days(1));
        }
        day
    }
}

fn to_utc(local: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// A routing rule: cases of `category` (any when None) from `place` (anywhere when None) go to
/// `unit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingRule {
    pub category: Option<String>,
    pub place_unit_id: Option<super::UnitId>,
    pub unit_id: super::UnitId,
}

/// The unit a case should go to: the most specific matching rule (category and place, then
/// place, then category), else `fallback` (the commune's People's Committee).
pub fn route(
    rules: &[RoutingRule],
    category: &str,
    place_unit_id: super::UnitId,
    fallback: super::UnitId,
) -> super::UnitId {
    let specificity = |rule: &RoutingRule| -> Option<u8> {
        let category_fits = rule
            .category
            .as_deref()
            .is_none_or(|c| match_key(c) == match_key(category));
        let place_fits = rule.place_unit_id.is_none_or(|p| p == place_unit_id);
        (category_fits && place_fits).then_some(
            u8::from(rule.place_unit_id.is_some()) * 2 + u8::from(rule.category.is_some()),
        )
    };
    rules
        .iter()
        .filter_map(|r| specificity(r).map(|s| (s, r.unit_id)))
        .max_by_key(|(s, _)| *s)
        .map(|(_, unit)| unit)
        .unwrap_or(fallback)
}

/// "0912 345 678" → "09******78": enough to recognise, not to call.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() < 5 {
        return "***".into();
    }
    let head: String = digits[..2].iter().collect();
    let tail: String = digits[digits.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(digits.len() - 4))
}

/// "Nguyễn Văn An" → "N. V. A.": initials only.
pub fn mask_name(name: &str) -> String {
    let initials: Vec<String> = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}."))
        .collect();
    if initials.is_empty() {
        "***".into()
    } else {
        initials.join(" ")
    }
}

/// A file received from a messenger, kept by its file id (plain data; `store` keeps it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub file_id: String,
    pub file_unique_id: String,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
    pub file_size: Option<i64>,
}

/// A case as the hotline logs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub channel: Channel,
    pub content: String,
    pub place_unit_id: super::UnitId,
    pub category: String,
    pub citizen_name: Option<String>,
    pub citizen_phone: Option<String>,
    pub contact_consent: bool,
    pub operator_id: Option<super::PersonId>,
    pub received_at: DateTime<Utc>,
    /// "chat", or the file a batch came from.
    pub source: String,
    pub files: Vec<NewAttachment>,
    /// The units it goes to at once (empty: it waits for the operator to route it).
    pub route_to: Vec<super::UnitId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_acknowledgement_clock_starts_at_the_next_opening() {
        use chrono_tz::Asia::Ho_Chi_Minh;
        let calendar = WorkingCalendar::default();
        let hours = WorkingHours::default();
        let at = |d: u32, h: u32, m: u32| {
            Ho_Chi_Minh
                .with_ymd_and_hms(2026, 5, d, h, m, 0)
                .single()
                .unwrap()
                .with_timezone(&Utc)
        };
        let clocks = CaseClocks::default();
        // Saturday 9/5 07:01 → Monday 11/5 07:30 → Tuesday 12/5 07:30.
        let due = clocks.ack_due_from(at(9, 7, 1), &hours, &calendar, Ho_Chi_Minh);
        assert_eq!(due, at(12, 7, 30));
        // Its reminder: 03:30 is closed and the next opening is the deadline itself, so 4
        // hours before Monday's close.
        assert_eq!(
            clocks.ack_reminder_at(due, &hours, &calendar, Ho_Chi_Minh),
            at(11, 13, 0)
        );
        // Monday 18:00, after hours → Tuesday 07:30 → Wednesday 07:30.
        assert_eq!(
            clocks.ack_due_from(at(11, 18, 0), &hours, &calendar, Ho_Chi_Minh),
            at(13, 7, 30)
        );
        // In working hours: 24 hours from the moment; the reminder at 05:00 moves to the
        // opening, still before the 09:00 deadline.
        let due = clocks.ack_due_from(at(11, 9, 0), &hours, &calendar, Ho_Chi_Minh);
        assert_eq!(due, at(12, 9, 0));
        assert_eq!(
            clocks.ack_reminder_at(due, &hours, &calendar, Ho_Chi_Minh),
            at(12, 7, 30)
        );
        // In hours, the reminder is simply 4 hours before.
        let due = clocks.ack_due_from(at(11, 14, 0), &hours, &calendar, Ho_Chi_Minh);
        assert_eq!(
            clocks.ack_reminder_at(due, &hours, &calendar, Ho_Chi_Minh),
            at(12, 10, 0)
        );
        let received = CaseClocks {
            ack_from: AckFrom::Received,
            ..CaseClocks::default()
        };
        assert_eq!(
            received.ack_due_from(at(9, 7, 1), &hours, &calendar, Ho_Chi_Minh),
            at(10, 7, 1)
        );
    }

    #[test]
    fn numbers_print_and_parse() {
        let n = CaseNumber {
            year: 2026,
            seq: 123,
        };
        assert_eq!(n.to_string(), "PA-2026-000123");
        assert_eq!(CaseNumber::parse("pa-2026-000123").unwrap(), n);
        assert_eq!(CaseNumber::parse("2026-123").unwrap(), n);
        assert!(CaseNumber::parse("PA-26").is_err());
    }

    #[test]
    fn channels_from_what_operators_write() {
        assert_eq!("Điện thoại".parse::<Channel>().unwrap(), Channel::Phone);
        assert_eq!("1022".parse::<Channel>().unwrap(), Channel::Phone);
        assert_eq!(
            "Cổng thông tin".parse::<Channel>().unwrap(),
            Channel::WebPortal
        );
        assert_eq!("trực tiếp".parse::<Channel>().unwrap(), Channel::InPerson);
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>().unwrap(), c);
        }
    }

    #[test]
    fn state_follows_the_hops() {
        use HopState as H;
        assert_eq!(derive_state(&[], false), CaseState::Received);
        assert_eq!(derive_state(&[H::Forwarded], false), CaseState::Forwarded);
        assert_eq!(
            derive_state(&[H::Accepted, H::Forwarded], false),
            CaseState::Forwarded
        );
        assert_eq!(
            derive_state(&[H::Accepted, H::Answered], false),
            CaseState::Accepted
        );
        assert_eq!(
            derive_state(&[H::Answered, H::Answered], false),
            CaseState::Answered
        );
        assert_eq!(derive_state(&[H::Returned], false), CaseState::Returned);
        assert_eq!(
            derive_state(&[H::Returned, H::Answered], false),
            CaseState::Answered
        );
        assert_eq!(derive_state(&[H::Withdrawn], true), CaseState::Reopened);
    }

    #[test]
    fn the_most_specific_rule_wins() {
        use crate::domain::UnitId as U;
        let rules = vec![
            RoutingRule {
                category: Some("Môi trường".into()),
                place_unit_id: None,
                unit_id: U(10),
            },
            RoutingRule {
                category: Some("moi truong".into()),
                place_unit_id: Some(U(7)),
                unit_id: U(11),
            },
            RoutingRule {
                category: None,
                place_unit_id: Some(U(8)),
                unit_id: U(12),
            },
        ];
        assert_eq!(route(&rules, "Môi trường", U(7), U(99)), U(11));
        assert_eq!(route(&rules, "Môi trường", U(8), U(99)), U(12));
        assert_eq!(route(&rules, "Môi trường", U(9), U(99)), U(10));
        assert_eq!(route(&rules, "Đất đai", U(9), U(99)), U(99));
    }

    #[test]
    fn contact_details_are_masked() {
        assert_eq!(mask_phone("0912 345 678"), "09******78");
        assert_eq!(mask_name("Nguyễn Văn An"), "N. V. A.");
        assert_eq!(mask_phone("12"), "***");
    }

    #[test]
    fn answers_are_due_after_six_working_days() {
        use crate::domain::workdays::{CalendarDay, DayKind};
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let calendar = WorkingCalendar::new(&[
            CalendarDay {
                date: day(4, 30),
                name: String::new(),
                kind: DayKind::DayOff,
            },
            CalendarDay {
                date: day(5, 1),
                name: String::new(),
                kind: DayKind::DayOff,
            },
        ]);
        let clocks = CaseClocks::default();
        // Received Tuesday 28/4: Wed 29, (30/4, 1/5 and the weekend off), Mon 4, Tue 5,
        // Wed 6, Thu 7, Fri 8.
        assert_eq!(clocks.answer_due(day(4, 28), &calendar), day(5, 8));
        assert_eq!(
            clocks.answer_reminder_day(day(5, 8), 2, &calendar),
            day(5, 6)
        );
        assert_eq!(
            clocks.answer_reminder_day(day(5, 4), 1, &calendar),
            day(4, 29)
        );
    }
}
