//! Working days and working hours: when reminders may go out and how overdue counts.
//!
//! Saturdays and Sundays are days off; the holiday table (data, editable with
//! `dondoc holidays import`) adds public holidays and the weekend days the government turns
//! into working days when it moves a holiday.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use super::ParseError;

/// What a holiday-table row says about its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday or a day off the government granted.
    DayOff,
    /// A Saturday or Sunday worked in exchange for a day off.
    WorkingDay,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::DayOff => "day_off",
            DayKind::WorkingDay => "working_day",
        }
    }
}

impl FromStr for DayKind {
    type Err = ParseError;

    /// The stored names, or the words an operator writes in a spreadsheet. (`match_key`
    /// turns `_` into a space, so "day_off" arrives as "day off".)
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match super::text::match_key(raw).as_str() {
            "day off" | "off" | "holiday" | "nghi" | "ngay nghi" | "nghi le" => Ok(DayKind::DayOff),
            "working day" | "work" | "working" | "lam viec" | "di lam" | "lam bu" => {
                Ok(DayKind::WorkingDay)
            }
            _ => Err(ParseError::new("day kind (nghỉ / làm việc)", raw)),
        }
    }
}

/// One row of the holiday table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub name: String,
    pub kind: DayKind,
}

/// How far the search for a working day looks before giving up on odd data (a year of
/// days off would otherwise loop forever).
const SEARCH_LIMIT_DAYS: i64 = 60;

/// Which dates are working days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    days_off: BTreeSet<NaiveDate>,
    extra_working_days: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    pub fn new<'a>(days: impl IntoIterator<Item = &'a CalendarDay>) -> Self {
        let mut calendar = Self::default();
        for day in days {
            match day.kind {
                DayKind::DayOff => calendar.days_off.insert(day.date),
                DayKind::WorkingDay => calendar.extra_working_days.insert(day.date),
            };
        }
        calendar
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.extra_working_days.contains(&date) {
            return true;
        }
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        !weekend && !self.days_off.contains(&date)
    }

    /// `date` itself when it is a working day, else the working day before it: a reminder
    /// meant for a Sunday goes out on the Friday.
    pub fn on_or_before(&self, date: NaiveDate) -> NaiveDate {
        self.search(date, -1)
    }

    /// `date` itself when it is a working day, else the next working day.
    pub fn on_or_after(&self, date: NaiveDate) -> NaiveDate {
        self.search(date, 1)
    }

    fn search(&self, date: NaiveDate, step: i64) -> NaiveDate {
        (0..SEARCH_LIMIT_DAYS)
            .map(|i| date + Duration::days(i * step))
            .find(|d| self.is_working_day(*d))
            .unwrap_or(date)
    }

    /// Working days in `(after, until]`: how many working days an item due on `after` is
    /// overdue on `until`. Zero when `until` is not later.
    pub fn working_days_between(&self, after: NaiveDate, until: NaiveDate) -> i64 {
        if until <= after {
            return 0;
        }
        let span = (until - after).num_days();
        (1..=span)
            .filter(|i| self.is_working_day(after + Duration::days(*i)))
            .count() as i64
    }

    /// The `n`-th working day after `date` (`n` = 0: `date` itself, moved to a working day).
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        if n == 0 {
            return self.on_or_after(date);
        }
        let mut day = date;
        let mut left = n;
        let mut steps = 0;
        while left > 0 && steps < i64::from(n) * 7 + SEARCH_LIMIT_DAYS {
            day += Duration::days(1);
            steps += 1;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }
}

/// The part of a working day when messages may go out ("07:30-17:00").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WorkingHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl WorkingHours {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let err = || ParseError::new("working hours (HH:MM-HH:MM)", raw);
        let (start, end) = raw.trim().split_once('-').ok_or_else(err)?;
        let time = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| err());
        let hours = Self {
            start: time(start)?,
            end: time(end)?,
        };
        if hours.start < hours.end {
            Ok(hours)
        } else {
            Err(err())
        }
    }

    pub fn contains(&self, time: NaiveTime) -> bool {
        self.start <= time && time < self.end
    }

    /// Whether `at` (local time) falls in these hours on a working day.
    pub fn open_at(&self, calendar: &WorkingCalendar, at: NaiveDateTime) -> bool {
        calendar.is_working_day(at.date()) && self.contains(at.time())
    }

    /// When these hours next begin at or after `at` (local time): `at` itself when open.
    pub fn next_opening(&self, calendar: &WorkingCalendar, at: NaiveDateTime) -> NaiveDateTime {
        if self.open_at(calendar, at) {
            return at;
        }
        let today = at.date();
        let day = if calendar.is_working_day(today) && at.time() < self.start {
            today
        } else {
            calendar.on_or_after(today + Duration::days(1))
        };
        day.and_time(self.start)
    }
}

impl Default for WorkingHours {
    fn default() -> Self {
        Self {
            start: NaiveTime::from_hms_opt(7, 30, 0).unwrap_or_default(),
            end: NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default(),
        }
    }
}

impl TryFrom<String> for WorkingHours {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<WorkingHours> for String {
    fn from(hours: WorkingHours) -> Self {
        hours.to_string()
    }
}

impl fmt::Display for WorkingHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn calendar() -> WorkingCalendar {
        let off = |m, d, name: &str| CalendarDay {
            date: date(2026, m, d),
            name: name.into(),
            kind: DayKind::DayOff,
        };
        WorkingCalendar::new(&[
            off(4, 30, "Giải phóng miền Nam"),
            off(5, 1, "Quốc tế Lao động"),
            CalendarDay {
                date: date(2026, 5, 9),
                name: "làm bù".into(),
                kind: DayKind::WorkingDay,
            },
        ])
    }

    #[test]
    fn the_next_opening_skips_evenings_weekends_and_holidays() {
        let cal = calendar();
        let hours = WorkingHours::default();
        let at = |d: NaiveDate, h, m| d.and_hms_opt(h, m, 0).unwrap();
        // Open: now.
        assert_eq!(
            hours.next_opening(&cal, at(date(2026, 4, 29), 9, 0)),
            at(date(2026, 4, 29), 9, 0)
        );
        // Early morning: this morning.
        assert_eq!(
            hours.next_opening(&cal, at(date(2026, 4, 29), 6, 0)),
            at(date(2026, 4, 29), 7, 30)
        );
        // Wednesday evening before 30/4–1/5 and the weekend: Monday 4/5.
        assert_eq!(
            hours.next_opening(&cal, at(date(2026, 4, 29), 17, 0)),
            at(date(2026, 5, 4), 7, 30)
        );
        // Friday evening before a Saturday worked.
        assert_eq!(
            hours.next_opening(&cal, at(date(2026, 5, 8), 20, 0)),
            at(date(2026, 5, 9), 7, 30)
        );
        assert!(!hours.open_at(&cal, at(date(2026, 4, 30), 9, 0)));
    }

    #[test]
    fn weekends_and_holidays_are_days_off_unless_worked() {
        let cal = calendar();
        assert!(cal.is_working_day(date(2026, 4, 29)));
        assert!(!cal.is_working_day(date(2026, 4, 30)));
        assert!(!cal.is_working_day(date(2026, 5, 2)));
        assert!(cal.is_working_day(date(2026, 5, 9)), "a Saturday worked");
    }

    #[test]
    fn moving_to_working_days() {
        let cal = calendar();
        assert_eq!(cal.on_or_before(date(2026, 5, 3)), date(2026, 4, 29));
        assert_eq!(cal.on_or_after(date(2026, 4, 30)), date(2026, 5, 4));
        assert_eq!(cal.on_or_before(date(2026, 5, 4)), date(2026, 5, 4));
    }

    #[test]
    fn counting_working_days() {
        let cal = calendar();
        // Due Wednesday 29/4: Thursday and Friday are holidays, the weekend too.
        assert_eq!(
            cal.working_days_between(date(2026, 4, 29), date(2026, 5, 3)),
            0
        );
        assert_eq!(
            cal.working_days_between(date(2026, 4, 29), date(2026, 5, 5)),
            2
        );
        assert_eq!(
            cal.working_days_between(date(2026, 5, 5), date(2026, 5, 5)),
            0
        );
        assert_eq!(cal.add_working_days(date(2026, 4, 29), 2), date(2026, 5, 5));
        assert_eq!(cal.add_working_days(date(2026, 5, 2), 0), date(2026, 5, 4));
    }

    #[test]
    fn working_hours_parse_and_contain() {
        let hours = WorkingHours::parse("07:30-17:00").unwrap();
        assert_eq!(hours, WorkingHours::default());
        assert!(hours.contains(NaiveTime::from_hms_opt(7, 30, 0).unwrap()));
        assert!(!hours.contains(NaiveTime::from_hms_opt(17, 0, 0).unwrap()));
        assert!(WorkingHours::parse("17:00-07:30").is_err());
        assert_eq!("nghỉ lễ".parse::<DayKind>().unwrap(), DayKind::DayOff);
        assert_eq!("Làm bù".parse::<DayKind>().unwrap(), DayKind::WorkingDay);
        for kind in [DayKind::DayOff, DayKind::WorkingDay] {
            assert_eq!(kind.as_str().parse::<DayKind>().unwrap(), kind);
        }
    }
}
