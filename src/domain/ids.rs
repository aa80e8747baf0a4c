//! Typed ids: one type per table's key, so that a period id cannot be passed where a unit id
//! is meant (`report_due(period, unit)`), nor an update id where a chat id is. Each is the
//! `i64` the database stores (`#[sqlx(transparent)]`: bound and read as that integer) and the
//! number that dialogue state keeps in JSON (`#[serde(transparent)]`), so neither the schema
//! nor stored rows change.

use std::fmt;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, sqlx::Type,
        )]
        #[sqlx(transparent)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The number as stored.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                raw.parse().map($name)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }
    )*};
}

ids! {
    /// A unit of the registry (`units.id`).
    UnitId;
    /// A member (`people.id`).
    PersonId;
    /// One unit's share of one task (`assignments.id`).
    AssignmentId;
    /// One entry of an assignment's history (`status_updates.id`).
    StatusUpdateId;
    /// A reporting period of a plan (`reporting_periods.id`).
    PeriodId;
    /// A report a unit sent for a period (`report_submissions.id`).
    SubmissionId;
    /// A file kept until its owner says what it is for (`held_files.id`).
    HeldFileId;
    /// A citizen's case (`cases.id`).
    CaseId;
    /// A citizen's case as sent to one unit (`case_hops.id`).
    CaseHopId;
    /// A Telegram update (`processed_updates.update_id`): the key that makes an effect happen
    /// once.
    UpdateId;
}
