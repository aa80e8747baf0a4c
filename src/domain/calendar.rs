//! The reporting calendar: which reports a plan expects, when, and from whom.
//!
//! Defaults come from configuration as month-day templates (seed 004: commune plan by 30/5,
//! Q1/6-month/Q3 reports by the 10th of the period's last month, annual report by 15/11) and
//! become calendar dates in the plan's year; each plan can then move any date.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ParseError;

/// A period's short key ("q1", "annual", "commune_plan"): lower-case letters, digits, `_`, `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PeriodKey(String);

impl PeriodKey {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let key = raw.trim().to_ascii_lowercase();
        let valid = !key.is_empty()
            && key.len() <= 32
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if valid {
            Ok(Self(key))
        } else {
            Err(ParseError::new("period key", raw))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PeriodKey {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PeriodKey> for String {
    fn from(key: PeriodKey) -> Self {
        key.0
    }
}

impl fmt::Display for PeriodKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// Who owes a period's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportOwers {
    /// Every unit that implements at least one task of the plan.
    ImplementingUnits,
    /// Only the communes among the implementing units (their own implementation plan).
    Communes,
}

impl ReportOwers {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportOwers::ImplementingUnits => "implementing_units",
            ReportOwers::Communes => "communes",
        }
    }
}

impl FromStr for ReportOwers {
    type Err = ParseError;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw {
            "implementing_units" => Ok(ReportOwers::ImplementingUnits),
            "communes" => Ok(ReportOwers::Communes),
            _ => Err(ParseError::new("report owers", raw)),
        }
    }
}

/// A day of the year without the year ("05-30"), as configuration writes default due dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

impl MonthDay {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let err = || ParseError::new("month-day (MM-DD)", raw);
        let (m, d) = raw.trim().split_once('-').ok_or_else(err)?;
        let month: u32 = m.parse().map_err(|_| err())?;
        let day: u32 = d.parse().map_err(|_| err())?;
        // 2024 is a leap year, so 02-29 is accepted here and clamped in `in_year`.
        NaiveDate::from_ymd_opt(2024, month, day).ok_or_else(err)?;
        Ok(Self { month, day })
    }

    /// The date in `year`; 29 February becomes 28 February in common years.
    pub fn in_year(self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
            .or_else(|| NaiveDate::from_ymd_opt(year, self.month, self.day - 1))
    }
}

impl TryFrom<String> for MonthDay {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<MonthDay> for String {
    fn from(md: MonthDay) -> Self {
        format!("{:02}-{:02}", md.month, md.day)
    }
}

/// A default period as configuration describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodTemplate {
    pub key: PeriodKey,
    pub label: String,
    pub due: MonthDay,
    pub owed_by: ReportOwers,
}

/// A period of one plan with its calendar due date (in the province's time zone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportingPeriod {
    pub key: PeriodKey,
    pub label: String,
    pub due_date: NaiveDate,
    pub owed_by: ReportOwers,
}

/// The seed-004 regime, used when configuration does not say otherwise.
pub fn default_templates() -> Vec<PeriodTemplate> {
    let template = |key: &str, label: &str, month, day, owed_by| PeriodTemplate {
        key: PeriodKey(key.into()),
        label: label.into(),
        due: MonthDay { month, day },
        owed_by,
    };
    vec![
        template(
            "commune_plan",
            "Kế hoạch triển khai của UBND cấp xã",
            5,
            30,
            ReportOwers::Communes,
        ),
        template("q1", "Báo cáo quý I", 3, 10, ReportOwers::ImplementingUnits),
        template(
            "h1",
            "Báo cáo 6 tháng",
            6,
            10,
            ReportOwers::ImplementingUnits,
        ),
        template(
            "q3",
            "Báo cáo quý III",
            9,
            10,
            ReportOwers::ImplementingUnits,
        ),
        template(
            "annual",
            "Báo cáo năm",
            11,
            15,
            ReportOwers::ImplementingUnits,
        ),
    ]
}

/// The plan's periods for `year`, ordered by due date.
pub fn periods_for_year(templates: &[PeriodTemplate], year: i32) -> Vec<ReportingPeriod> {
    let mut periods: Vec<ReportingPeriod> = templates
        .iter()
        .filter_map(|t| {
            Some(ReportingPeriod {
                key: t.key.clone(),
                label: t.label.clone(),
                due_date: t.due.in_year(year)?,
                owed_by: t.owed_by,
            })
        })
        .collect();
    periods.sort_by(|a, b| a.due_date.cmp(&b.due_date).then(a.key.cmp(&b.key)));
    periods
}

/// One edit of a plan's calendar: `annual=2026-11-15` (a new key adds a period).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDateEdit {
    pub key: PeriodKey,
    pub due_date: NaiveDate,
}

impl DueDateEdit {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let err = || ParseError::new("deadline (key=YYYY-MM-DD)", raw);
        let (key, date) = raw.split_once('=').ok_or_else(err)?;
        let key = PeriodKey::parse(key).map_err(|_| err())?;
        let due_date = parse_date(date.trim()).ok_or_else(err)?;
        Ok(Self { key, due_date })
    }

    /// A deadlines file: one `key=date` per line, `#` starts a comment.
    pub fn parse_file(text: &str) -> Result<Vec<Self>, (usize, ParseError)> {
        text.lines()
            .enumerate()
            .map(|(i, line)| (i + 1, line.split('#').next().unwrap_or("").trim()))
            .filter(|(_, line)| !line.is_empty())
            .map(|(n, line)| Self::parse(line).map_err(|e| (n, e)))
            .collect()
    }
}

/// `2026-11-15` or the Vietnamese `15/11/2026`.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d/%m/%Y"))
        .ok()
}

/// Where one unit's report for the period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReportState {
    /// First submitted on or before the due date (province time).
    OnTime,
    /// First submitted after it.
    Late,
    /// Not submitted, and the due date has passed.
    Missing,
    /// Not submitted yet, and not due yet.
    NotYetDue,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn defaults_follow_seed_004() {
        let periods = periods_for_year(&default_templates(), 2023);
        let got: Vec<_> = periods
            .iter()
            .map(|p| (p.key.as_str(), p.due_date))
            .collect();
        assert_eq!(
            got,
            [
                ("q1", date(2023, 3, 10)),
                ("commune_plan", date(2023, 5, 30)),
                ("h1", date(2023, 6, 10)),
                ("q3", date(2023, 9, 10)),
                ("annual", date(2023, 11, 15)),
            ]
        );
        assert_eq!(periods[1].owed_by, ReportOwers::Communes);
    }

    #[test]
    fn edits_parse_both_date_styles() {
        assert_eq!(
            DueDateEdit::parse("annual=2026-11-15").unwrap().due_date,
            date(2026, 11, 15)
        );
        assert_eq!(
            DueDateEdit::parse("Q1 = 09/03/2026").unwrap(),
            DueDateEdit {
                key: PeriodKey::parse("q1").unwrap(),
                due_date: date(2026, 3, 9)
            }
        );
        assert!(DueDateEdit::parse("annual").is_err());
        assert!(DueDateEdit::parse("annual=31/02/2026").is_err());
        let file = "# hạn\nq1=2026-03-09\n\nannual=2026-11-14 # sớm hơn\n";
        assert_eq!(DueDateEdit::parse_file(file).unwrap().len(), 2);
        assert_eq!(DueDateEdit::parse_file("q1=x").unwrap_err().0, 1);
    }

    #[test]
    fn leap_day_clamps() {
        let md = MonthDay::parse("02-29").unwrap();
        assert_eq!(md.in_year(2026), Some(date(2026, 2, 28)));
        assert!(MonthDay::parse("13-01").is_err());
    }
}
