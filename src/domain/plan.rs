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

/// Where an implementing unit stands on one task. Stored (and kept in dialogue state) as
/// [`AssignmentStatus::as_str`]'s words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// Labels that name each task uniquely within its plan (the `identity_key` column): its
/// dimension and number, or its dimension, criterion and text when unnumbered, with an
/// ordinal when one repeats (unnumbered rows under "2.2"). A re-import does not match tasks by
/// these labels but by [`match_tasks`].
pub fn task_identity_keys(tasks: &[NewTask]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    tasks
        .iter()
        .map(|task| {
            let what = match &task.code {
                Some(code) => format!("code:{code}"),
                None => {
                    let short: String = text_key(task.criterion.as_deref(), &task.text)
                        .chars()
                        .take(160)
                        .collect();
                    format!("text:{short}")
                }
            };
            let base = match dimension_key(task.dimension.as_ref()) {
                Some(dimension) => format!("dim:{dimension}|{what}"),
                None => what,
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

/// A dimension's identity: its numeral, or its title when it has none.
fn dimension_key(dimension: Option<&Dimension>) -> Option<String> {
    let d = dimension?;
    let code = match_key(&d.code);
    Some(if code.is_empty() {
        format!("t {}", match_key(&d.title))
    } else {
        code
    })
}

fn text_key(criterion: Option<&str>, text: &str) -> String {
    match_key(&format!("{} {}", criterion.unwrap_or(""), text))
}

/// A stored task as a re-import sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredTaskIdentity {
    pub id: i64,
    pub retired: bool,
    pub code: Option<String>,
    pub dimension: Option<Dimension>,
    pub criterion: Option<String>,
    pub text: String,
}

/// Which stored task each new task is (an index into `stored`), for `--replace`. A task's
/// identity is its dimension and its number, then its text; it never crosses dimensions:
/// 1. same dimension, number and text;
/// 2. same dimension and text, another number (the plan was renumbered);
/// 3. same dimension and number, other text (the task was reworded).
///
/// Live stored tasks are preferred to retired ones (which come back with their history), then
/// document order. Each stored task is matched at most once.
pub fn match_tasks(new: &[NewTask], stored: &[StoredTaskIdentity]) -> Vec<Option<usize>> {
    type Key = (Option<String>, Option<String>, Option<String>);
    /// Dimension, number, text.
    type Parts = (Option<String>, Option<String>, String);
    let new_keys: Vec<Parts> = new
        .iter()
        .map(|t| {
            (
                dimension_key(t.dimension.as_ref()),
                t.code.as_deref().map(match_key),
                text_key(t.criterion.as_deref(), &t.text),
            )
        })
        .collect();
    let stored_keys: Vec<Parts> = stored
        .iter()
        .map(|t| {
            (
                dimension_key(t.dimension.as_ref()),
                t.code.as_deref().map(match_key),
                text_key(t.criterion.as_deref(), &t.text),
            )
        })
        .collect();
    let mut order: Vec<usize> = (0..stored.len()).collect();
    order.sort_by_key(|&i| (stored[i].retired, i));
    let mut matched: Vec<Option<usize>> = vec![None; new.len()];
    let mut used = vec![false; stored.len()];
    // Each pass: the stored tasks by the pass's key, in preference order.
    let passes: [fn(&Parts) -> Option<Key>; 3] = [
        |(d, c, t)| c.as_ref().map(|_| (d.clone(), c.clone(), Some(t.clone()))),
        |(d, _, t)| Some((d.clone(), None, Some(t.clone()))),
        |(d, c, _)| c.as_ref().map(|_| (d.clone(), c.clone(), None)),
    ];
    for key_of in passes {
        let mut queues: HashMap<Key, std::collections::VecDeque<usize>> = HashMap::new();
        for &i in &order {
            if !used[i] {
                if let Some(key) = key_of(&stored_keys[i]) {
                    queues.entry(key).or_default().push_back(i);
                }
            }
        }
        for (n, keys) in new_keys.iter().enumerate() {
            if matched[n].is_some() {
                continue;
            }
            let Some(queue) = key_of(keys).and_then(|k| queues.get_mut(&k)) else {
                continue;
            };
            while let Some(i) = queue.pop_front() {
                if !used[i] {
                    used[i] = true;
                    matched[n] = Some(i);
                    break;
                }
            }
        }
    }
    matched
}

/// The standard classification of Vietnamese task tracking, as the web board counts tasks
/// (its reading of an assignment is `web::data`'s; the catalogue names each class).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaskClass {
    DoneOnTime,
    DoneLate,
    OpenInTime,
    OpenOverdue,
    NotReported,
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

    fn in_dimension(dimension: &str, code: &str, text: &str) -> NewTask {
        NewTask {
            code: Some(code.into()),
            dimension: Some(Dimension {
                code: dimension.into(),
                title: format!("Nội dung {dimension}"),
            }),
            text: text.into(),
            ..NewTask::default()
        }
    }

    fn stored(id: i64, task: &NewTask) -> StoredTaskIdentity {
        StoredTaskIdentity {
            id,
            retired: false,
            code: task.code.clone(),
            dimension: task.dimension.clone(),
            criterion: task.criterion.clone(),
            text: task.text.clone(),
        }
    }

    /// Numbering restarts in every dimension (seed 001): deleting II.1 must not shift III.1
    /// onto it, and a renumbered or reworded task keeps its identity inside its dimension.
    #[test]
    fn identity_is_dimension_and_number_then_text_never_across_dimensions() {
        let before = [
            in_dimension("II", "1", "a"),
            in_dimension("II", "2", "b"),
            in_dimension("III", "1", "c"),
            in_dimension("III", "2", "d"),
        ];
        let stored: Vec<_> = before
            .iter()
            .enumerate()
            .map(|(i, t)| stored(i as i64, t))
            .collect();
        let keys = task_identity_keys(&before);
        assert_eq!(keys[0], "dim:ii|code:1");
        assert_eq!(keys[2], "dim:iii|code:1");
        // II.1 deleted, numbers kept.
        let after = [before[1].clone(), before[2].clone(), before[3].clone()];
        assert_eq!(match_tasks(&after, &stored), [Some(1), Some(2), Some(3)]);
        // II.1 deleted and II renumbered: "b" is now II.1, still stored task 1.
        let after = [
            in_dimension("II", "1", "b"),
            before[2].clone(),
            before[3].clone(),
        ];
        assert_eq!(match_tasks(&after, &stored), [Some(1), Some(2), Some(3)]);
        // III.1 reworded: the same task; a task moved to another dimension is new.
        let after = [
            before[0].clone(),
            before[1].clone(),
            in_dimension("III", "1", "c, reworded"),
            in_dimension("IV", "1", "d"),
        ];
        assert_eq!(
            match_tasks(&after, &stored),
            [Some(0), Some(1), Some(2), None]
        );
    }

    #[test]
    fn years_are_bounded() {
        assert!(PlanYear::new(2026).is_ok());
        assert!(PlanYear::new(26).is_err());
    }
}
