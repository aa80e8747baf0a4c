//! Plans, their tasks and who implements them.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use super::text::match_key;
use super::unit::UnitCode;
use super::ParseError;

/// A plan's short code chosen by the coordinator ("PAPI-2023").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlanCode(String);

impl PlanCode {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let code = raw.trim();
        if code.is_empty() || code.len() > 64 || code.chars().any(char::is_whitespace) {
            return Err(ParseError::new("plan code", raw));
        }
        Ok(Self(code.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PlanCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// The calendar year a plan runs for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlanYear(i32);

impl PlanYear {
    pub fn new(year: i32) -> Result<Self, ParseError> {
        if (2000..=2100).contains(&year) {
            Ok(Self(year))
        } else {
            Err(ParseError::new("plan year", year.to_string()))
        }
    }

    pub fn value(self) -> i32 {
        self.0
    }
}

impl fmt::Display for PlanYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where an implementing unit stands on one task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignmentStatus {
    NotStarted,
    InProgress,
    Done,
    /// Vướng mắc: the unit reports a difficulty.
    Blocked,
}

impl AssignmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentStatus::NotStarted => "not_started",
            AssignmentStatus::InProgress => "in_progress",
            AssignmentStatus::Done => "done",
            AssignmentStatus::Blocked => "blocked",
        }
    }
}

impl FromStr for AssignmentStatus {
    type Err = ParseError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Ok(match raw {
            "not_started" => AssignmentStatus::NotStarted,
            "in_progress" => AssignmentStatus::InProgress,
            "done" => AssignmentStatus::Done,
            "blocked" => AssignmentStatus::Blocked,
            _ => return Err(ParseError::new("assignment status", raw)),
        })
    }
}

/// A unit as the importer resolved it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnitRef {
    pub id: i64,
    pub code: UnitCode,
    pub name: String,
}

/// The dimension (nội dung / chỉ số) a task belongs to, as its heading row wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dimension {
    /// "I", "2" …
    pub code: String,
    /// "Công khai, minh bạch" (a leading "Chỉ số:" label is dropped).
    pub title: String,
}

/// One task of a plan, read and resolved, ready to be stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewTask {
    /// The row of the source table where the task starts (1-based), for messages.
    pub source_row: usize,
    /// "2.3" as written; None for unnumbered tasks.
    pub code: Option<String>,
    pub dimension: Option<Dimension>,
    /// The sub-dimension / criterion column ("Tiếp cận thông tin").
    pub criterion: Option<String>,
    pub text: String,
    pub target: String,
    /// The timeframe exactly as written ("Quý III/2020", "Thường xuyên").
    pub timeframe: String,
    /// The due date when the timeframe names one.
    pub due_date: Option<NaiveDate>,
    pub expected_output: String,
    pub lead_units: Vec<UnitRef>,
    pub implementing_units: Vec<UnitRef>,
}

/// A whole plan ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPlan {
    pub code: PlanCode,
    pub title: String,
    pub year: PlanYear,
    pub scope: UnitCode,
    /// The file it came from, for the audit log.
    pub source: String,
    pub tasks: Vec<NewTask>,
}

/// Keys that let a re-import recognise the same task, so its history survives `--replace`.
/// A numbered task is known by its number (with an ordinal when a number repeats, as unnumbered
/// rows under "2.2" do); an unnumbered one by its criterion and text.
pub fn task_identity_keys(tasks: &[NewTask]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    tasks
        .iter()
        .map(|task| {
            let base = match &task.code {
                Some(code) => format!("code:{code}"),
                None => {
                    let words = match_key(&format!(
                        "{} {}",
                        task.criterion.as_deref().unwrap_or(""),
                        task.text
                    ));
                    let short: String = words.chars().take(160).collect();
                    format!("text:{short}")
                }
            };
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                base
            } else {
                format!("{base}#{n}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_numbers_get_ordinals() {
        let task = |code: Option<&str>, text: &str| NewTask {
            code: code.map(str::to_string),
            text: text.into(),
            ..NewTask::default()
        };
        let keys = task_identity_keys(&[
            task(Some("2.2"), "a"),
            task(Some("2.2"), "b"),
            task(None, "Cung cấp nước sạch"),
        ]);
        assert_eq!(keys, ["code:2.2", "code:2.2#2", "text:cung cap nuoc sach"]);
    }

    #[test]
    fn years_are_bounded() {
        assert!(PlanYear::new(2026).is_ok());
        assert!(PlanYear::new(26).is_err());
    }
}
