//! Importing the unit registry and plans' task tables.
//!
//! Reading never writes: [`read_units`] and [`read_plan`] return either everything ready to
//! store or every problem found, each with its row number, so a caller writes all or nothing.

mod cases;
mod header;
mod holidays;
mod people;
mod plan;
pub mod prose;
mod resolve;
pub mod table;
mod units;

pub use cases::{
    case_identity, parse_received, read_cases, read_cases_tables, read_identified_cases,
    read_routing_rules, read_routing_tables, CaseColumn, CaseContext, CaseProblem,
};
pub use header::Column;
pub use holidays::{read_holidays, read_holidays_tables};
pub use people::{read_invitation_rows, read_invitation_sheet, read_invitations};
pub use plan::{
    read_plan, read_plan_tables, read_plan_tables_with, read_plan_with, PlanOptions, PlanReading,
};
pub use resolve::{Resolution, Suggestion, UnitDirectory};
pub use units::{read_units, read_units_tables, UnitColumn};

/// Something wrong with an input file, at a row when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub row: Option<usize>,
    pub kind: ProblemKind,
}

impl Problem {
    pub fn file(kind: ProblemKind) -> Self {
        Self { row: None, kind }
    }

    pub fn at(row: usize, kind: ProblemKind) -> Self {
        Self {
            row: Some(row),
            kind,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file could not be opened or parsed (the reason is the library's).
    Unreadable(String),
    /// The file could not be opened or read at all: not there, no permission, a folder.
    CannotOpen {
        kind: std::io::ErrorKind,
        detail: String,
    },
    TooLarge {
        bytes: u64,
        limit: u64,
    },
    TooManyCells {
        cells: usize,
    },
    EmptyFile,
    NotUtf8 {
        line: usize,
    },
    /// A format we do not read, such as Word 97-2003.
    Unsupported(String),
    /// Nothing in the file looks like a table.
    NoTable,
    /// No row carries the expected column names.
    NoHeader,
    /// A plan's header row and no task under it (importing it would make, or with `--replace`
    /// leave, a plan with nothing to chase).
    NoTasks,
    /// The header row lacks required columns (their Vietnamese names).
    MissingPlanColumns(Vec<Column>),
    MissingUnitColumns(Vec<UnitColumn>),
    UnknownUnit {
        column: Column,
        text: String,
        /// The closest registry names and aliases, best first (perhaps none).
        suggestions: Vec<Suggestion>,
    },
    /// A group ("UBND cấp huyện") with no unit of its kind under the plan's scope.
    EmptyGroup {
        column: Column,
        text: String,
    },
    /// A timeframe whose date falls in another year than the plan's ("Quý III/2026" in a
    /// 2027 plan): refused unless `--allow-other-years`.
    OtherYear {
        timeframe: String,
        year: i32,
        plan_year: i32,
    },
    /// A unit phrase that reads two ways ("Đài PT-TH tỉnh, huyện": the province's station and
    /// the districts' stations, or only the province's): each reading's unit names.
    Ambiguous {
        column: Column,
        text: String,
        readings: Vec<String>,
    },
    /// A task with neither a lead nor an implementing unit.
    NoUnits,
    NoTaskText,
    ScopeNotFound(String),
    MissingValue(UnitColumn),
    BadUnitCode(String),
    BadUnitKind(String),
    UnknownParent(String),
    DuplicateCode {
        code: String,
        first_row: usize,
    },
    ParentCycle(String),
    BadRole(String),
    /// An invitation without the person's name (the name tells members apart).
    MissingPersonName,
    /// An invitation to a unit code the registry does not have.
    NoSuchUnit(String),
    /// The same person (unit, role, name) as an earlier row of the invitation list.
    DuplicatePerson {
        first_row: usize,
    },
    /// No row carries the holiday table's columns (date and name).
    NoHolidayHeader,
    /// A header row and no dates under it.
    NoDates,
    BadDate(String),
    BadDayKind(String),
    MissingHolidayName,
    DuplicateDate {
        date: chrono::NaiveDate,
        first_row: usize,
    },
    /// A hotline case or routing file's own problems.
    Case(CaseProblem),
    /// A drafted row whose `Cần xem lại` cell still says what to check (the text).
    NeedsReview(String),
    /// A prose plan in which no task was found (no "NHIỆM VỤ, GIẢI PHÁP" part, or nothing in it).
    NoProseTasks,
    /// A prose plan's draft still has things to check (how many tasks).
    DraftNeedsReview {
        tasks: usize,
    },
}
