//! Plain types and rules of the domain. Nothing here does I/O.

pub mod calendar;
pub mod case;
pub mod channel;
pub mod config_problem;
pub mod connect_failure;
pub mod ids;
pub mod plan;
pub mod rules;
pub mod schedule;
pub mod status_text;
pub mod text;
pub mod timeframe;
pub mod unit;
pub mod workdays;

pub use calendar::{PeriodKey, PeriodTemplate, ReportOwers, ReportState, ReportingPeriod};
pub use case::NewAttachment;
pub use channel::{Channel, ZALO_NUMBER_BASE};
pub use connect_failure::ConnectFailure;
pub use ids::{
    AssignmentId, CaseHopId, CaseId, HeldFileId, PeriodId, PersonId, StatusUpdateId, SubmissionId,
    UnitId, UpdateId,
};
pub use plan::{AssignmentStatus, PlanCode, PlanYear, TaskClass};
pub use rules::{CronSchedule, Rules};
pub use schedule::{DeliveryState, EscalationStep, Ladder, MessageKind, ReminderPolicy};
pub use unit::{PersonRole, UnitCode, UnitKind, ZaloLink};
pub use workdays::{CalendarDay, DayKind, WorkingCalendar, WorkingHours};

/// The language people read: Vietnamese first, English for those who ask.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = ParseError;

    /// "vi", "en", or the languages' names as people type them.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match text::match_key(raw).as_str() {
            "vi" | "tieng viet" | "vietnamese" => Ok(Lang::Vi),
            "en" | "english" | "tieng anh" => Ok(Lang::En),
            _ => Err(ParseError::new("language", raw)),
        }
    }
}

/// Who made a change, as written into the audit log ("cli:hoa", "telegram:123456", "system").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(String);

impl Actor {
    pub fn new(who: impl Into<String>) -> Self {
        Self(who.into())
    }

    pub fn system() -> Self {
        Self("system".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(&self.0)
    }
}

/// A value that failed to parse at the edge, with the offending text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {value:?}")]
pub struct ParseError {
    pub what: &'static str,
    pub value: String,
}

impl ParseError {
    pub fn new(what: &'static str, value: impl Into<String>) -> Self {
        Self {
            what,
            value: value.into(),
        }
    }
}
