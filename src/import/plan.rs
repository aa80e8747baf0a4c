//! Reading a plan's task table into tasks.
//!
//! Rows after the header are read in order:
//! - blank rows and header rows repeated on later pages are skipped (a repeat marks a page
//!   break); so is a row of column numbers "(1) (2) (3)";
//! - a numbered row without lead, units, timeframe or target is a heading: a Roman numeral or
//!   a plain number starts a dimension ("I", "Chỉ số: Công khai, minh bạch"); a number under a
//!   Roman dimension starts a sub-dimension;
//! - an unnumbered row right after a page break, with no criterion of its own, continues the
//!   row cut by the break: each cell is appended to the same cell above;
//! - an unnumbered row with task text is a task of its own under the same item; its empty
//!   lead, units and timeframe cells were merged cells in the original, so it takes them from
//!   the task above;
//! - an unnumbered row without task text adds its cells to the task above.
//!
//! Then lead and implementing cells are resolved against the registry. A task with no
//! implementing unit is implemented by its lead.

use std::path::Path;

use chrono::Datelike;

use super::header::{find_header, is_column_numbering, HeaderMap};
use super::resolve::UnitDirectory;
use super::table::{read_tables, RawRow, RawTable};
use super::{Column, Problem, ProblemKind};
use crate::domain::plan::{Dimension, NewTask};
use crate::domain::text::match_key;
use crate::domain::timeframe;
use crate::domain::PlanYear;

/// The outcome of reading a plan file: the tasks, and every problem (empty when importable).
#[derive(Debug, Default)]
pub struct PlanReading {
    pub tasks: Vec<NewTask>,
    pub problems: Vec<Problem>,
    /// Which sheet / delimiter the table was found in, and its header row.
    pub table_label: String,
    pub header_row: usize,
}

impl PlanReading {
    fn failed(problem: Problem) -> Self {
        Self {
            problems: vec![problem],
            ..Self::default()
        }
    }
}

/// How to read a plan beyond its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanOptions {
    pub year: PlanYear,
    /// Accept timeframes that fall in another year than `year` ("Quý III/2026" in a 2027
    /// plan); without it each is a problem at its row.
    pub allow_other_years: bool,
}

impl PlanOptions {
    pub fn new(year: PlanYear) -> Self {
        Self {
            year,
            allow_other_years: false,
        }
    }
}

/// Reads the plan table in `path` and resolves its units with `directory`.
pub fn read_plan(
    path: &Path,
    directory: &UnitDirectory,
    year: PlanYear,
    max_bytes: u64,
) -> PlanReading {
    read_plan_with(path, directory, PlanOptions::new(year), max_bytes)
}

/// As [`read_plan`], with every option.
pub fn read_plan_with(
    path: &Path,
    directory: &UnitDirectory,
    options: PlanOptions,
    max_bytes: u64,
) -> PlanReading {
    match read_tables(path, max_bytes) {
        Ok(tables) => read_plan_tables_with(&tables, directory, options),
        Err(problem) => PlanReading::failed(problem),
    }
}

/// As [`read_plan`] on tables already read: the first table with a plan header and tasks
/// under it is used (a workbook may start with an empty template sheet).
pub fn read_plan_tables(
    tables: &[RawTable],
    directory: &UnitDirectory,
    year: PlanYear,
) -> PlanReading {
    read_plan_tables_with(tables, directory, PlanOptions::new(year))
}

/// As [`read_plan_tables`], with every option.
pub fn read_plan_tables_with(
    tables: &[RawTable],
    directory: &UnitDirectory,
    options: PlanOptions,
) -> PlanReading {
    let mut first_problem = None;
    let mut header_without_tasks = None;
    for table in tables {
        match find_header(table) {
            Ok((index, header)) => {
                let mut reading = PlanReading {
                    table_label: table.label.clone(),
                    header_row: header.row,
                    ..PlanReading::default()
                };
                // A drafted table (`plan draft`) is imported only once its review column is
                // empty: each cell still holding a note is a problem at its row.
                for row in &table.rows[index + 1..] {
                    let note = header.cell(row, Column::Review);
                    if !note.is_empty() && !header.is_repeat(row) {
                        reading.problems.push(Problem::at(
                            row.number,
                            ProblemKind::NeedsReview(note.replace('\n', "; ")),
                        ));
                    }
                }
                let drafts = group_rows(&table.rows[index + 1..], &header);
                for draft in drafts {
                    if let Some(task) = resolve(draft, directory, options, &mut reading.problems) {
                        reading.tasks.push(task);
                    }
                }
                if reading.tasks.is_empty() && reading.problems.is_empty() {
                    header_without_tasks
                        .get_or_insert(Problem::at(header.row, ProblemKind::NoTasks));
                    continue;
                }
                return reading;
            }
            // Keep the most telling problem: a partial header beats "no header".
            Err(p) => {
                let better =
                    matches!(p.kind, ProblemKind::MissingPlanColumns(_)) || first_problem.is_none();
                if better
                    && !matches!(
                        first_problem,
                        Some(Problem {
                            kind: ProblemKind::MissingPlanColumns(_),
                            ..
                        })
                    )
                {
                    first_problem = Some(p);
                }
            }
        }
    }
    let problem = header_without_tasks.or(first_problem);
    PlanReading::failed(problem.unwrap_or(Problem::file(ProblemKind::NoHeader)))
}

/// A task's cells before its units are resolved.
#[derive(Debug, Clone, Default)]
struct DraftTask {
    row: usize,
    code: Option<String>,
    dimension: Option<Dimension>,
    criterion: Option<String>,
    text: String,
    target: String,
    lead: String,
    units: String,
    timeframe: String,
    output: String,
}

/// The cells of one row by column.
struct Cells<'r> {
    number: String,
    criterion: &'r str,
    text: &'r str,
    target: &'r str,
    lead: &'r str,
    units: &'r str,
    timeframe: &'r str,
    output: &'r str,
}

impl<'r> Cells<'r> {
    fn of(row: &'r RawRow, header: &HeaderMap) -> Self {
        let number = header.cell(row, Column::Number);
        Cells {
            number: number.trim().trim_end_matches('.').trim().to_string(),
            criterion: header.cell(row, Column::Criterion),
            text: header.cell(row, Column::Task),
            target: header.cell(row, Column::Target),
            lead: header.cell(row, Column::Lead),
            units: header.cell(row, Column::Implementing),
            timeframe: header.cell(row, Column::Timeframe),
            output: header.cell(row, Column::Output),
        }
    }

    /// Any cell saying who does what by when.
    fn has_work(&self) -> bool {
        [
            self.target,
            self.lead,
            self.units,
            self.timeframe,
            self.output,
        ]
        .iter()
        .any(|c| !c.is_empty())
    }
}

fn is_roman(number: &str) -> bool {
    !number.is_empty() && number.len() <= 6 && number.chars().all(|c| "IVXLC".contains(c))
}

/// A Roman numeral as written for 1 to 39 ("IX", not "VIIII" nor "CCVC").
fn is_canonical_roman(text: &str) -> bool {
    const UNITS: [&str; 10] = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];
    const TENS: [&str; 4] = ["", "X", "XX", "XXX"];
    TENS.iter().any(|t| {
        UNITS
            .iter()
            .any(|u| !(t.is_empty() && u.is_empty()) && format!("{t}{u}") == text)
    })
}

/// "Chỉ số: Công khai, minh bạch" → "Công khai, minh bạch".
fn heading_title(text: &str) -> String {
    if let Some((label, rest)) = text.split_once(':') {
        let label = match_key(label);
        if [
            "chi so",
            "chi so noi dung",
            "noi dung",
            "linh vuc",
            "tieu chi",
            "chi so thanh phan",
        ]
        .contains(&label.as_str())
        {
            return rest.trim().to_string();
        }
    }
    text.trim().to_string()
}

fn has_heading_label(text: &str) -> bool {
    text.split_once(':').is_some_and(|(label, _)| {
        matches!(
            match_key(label).as_str(),
            "chi so" | "chi so noi dung" | "noi dung" | "linh vuc"
        )
    })
}

/// A dimension row written as one cell merged across the table: every non-empty cell holds
/// the same text (a merge keeps it in its first column), which starts with a Roman numeral
/// ("II. CÔNG KHAI, MINH BẠCH", "I. Chỉ số: Tham gia …") or a label ("Chỉ số: …"); in the TT
/// column, where no task text goes, a plain number starts it too ("3. Chỉ số: …").
/// Returns the numeral (empty when there is none) and the title.
fn merged_heading(row: &RawRow, header: &HeaderMap) -> Option<(String, String)> {
    let mut filled = row.cells.iter().enumerate().filter(|(_, c)| !c.is_empty());
    let (first_column, text) = filled.next()?;
    if filled.any(|(_, c)| c != text) {
        return None;
    }
    let in_number_column = header.index(Column::Number) == Some(first_column);
    let (numeral, rest) = split_numeral(text);
    match numeral {
        Some(n) if is_roman(&n) || in_number_column => {
            let title = heading_title(rest);
            (!title.is_empty()).then_some((n, title))
        }
        Some(_) => None,
        None if has_heading_label(text) => {
            let title = heading_title(text);
            (!title.is_empty()).then(|| (String::new(), title))
        }
        None => None,
    }
}

/// "II. Công khai" → ("II", "Công khai"); "3) Chỉ số: …" → ("3", "Chỉ số: …"). The numeral
/// must be followed by a dot, a bracket, a colon or a dash, so "CÔNG KHAI" or "Xã hội" never
/// lose their first letters.
fn split_numeral(text: &str) -> (Option<String>, &str) {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || "IVXLC".contains(c)))
        .unwrap_or(text.len());
    let head = text[..end].trim_end_matches('.');
    let rest = &text[end..];
    let marked = text[..end].ends_with('.')
        || rest.trim_start().starts_with([')', ':', '-', '–']) && !head.is_empty();
    let numeral_like = !head.is_empty()
        && (is_canonical_roman(head)
            || head
                .split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())));
    if !marked || !numeral_like {
        return (None, text);
    }
    let rest = rest
        .trim_start()
        .trim_start_matches([')', ':', '-', '–'])
        .trim_start();
    (Some(head.to_string()), rest)
}

/// Appends a continuation piece to a cell: a page-break remainder joins with a space, a new
/// bullet starts a new line, and a repeat of what is there (a merged cell) is ignored.
fn append(cell: &mut String, piece: &str) {
    if piece.is_empty() || cell.ends_with(piece) {
        return;
    }
    if cell.is_empty() {
        cell.push_str(piece);
        return;
    }
    let bullet = piece.starts_with(['-', '+', '•', '*']);
    cell.push(if bullet { '\n' } else { ' ' });
    cell.push_str(piece);
}

fn append_row(task: &mut DraftTask, cells: &Cells) {
    append(&mut task.text, cells.text);
    append(&mut task.target, cells.target);
    append(&mut task.lead, cells.lead);
    append(&mut task.units, cells.units);
    append(&mut task.timeframe, cells.timeframe);
    append(&mut task.output, cells.output);
}

/// Rows → draft tasks, following the rules in the module comment.
fn group_rows(rows: &[RawRow], header: &HeaderMap) -> Vec<DraftTask> {
    let mut tasks: Vec<DraftTask> = Vec::new();
    let mut dimension: Option<Dimension> = None;
    let mut sub_dimension: Option<String> = None;
    let mut after_break = false;
    for (i, row) in rows.iter().enumerate() {
        if row.is_blank() {
            continue;
        }
        if header.is_repeat(row) {
            after_break = true;
            continue;
        }
        if i == 0 && is_column_numbering(row) {
            continue;
        }
        let was_after_break = std::mem::replace(&mut after_break, false);
        let cells = Cells::of(row, header);

        // A merged dimension row, even first on a page, is never the rest of a cut row.
        if let Some((code, title)) = merged_heading(row, header) {
            let under_roman = dimension.as_ref().is_some_and(|d| is_roman(&d.code));
            if under_roman && !code.is_empty() && !is_roman(&code) {
                sub_dimension = Some(title);
            } else {
                dimension = Some(Dimension { code, title });
                sub_dimension = None;
            }
            continue;
        }

        if cells.number.is_empty() && cells.criterion.is_empty() && was_after_break {
            if let Some(task) = tasks.last_mut() {
                append_row(task, &cells);
                continue;
            }
        }

        let heading_text = if cells.criterion.is_empty() {
            cells.text
        } else {
            cells.criterion
        };
        let is_heading = !cells.has_work()
            && !heading_text.is_empty()
            && ((!cells.number.is_empty()
                && (cells.text.is_empty() || cells.criterion.is_empty()))
                || (cells.number.is_empty() && has_heading_label(heading_text)));
        if is_heading {
            let under_roman = dimension.as_ref().is_some_and(|d| is_roman(&d.code));
            if under_roman && !is_roman(&cells.number) && !cells.number.is_empty() {
                sub_dimension = Some(heading_title(heading_text));
            } else {
                dimension = Some(Dimension {
                    code: cells.number.clone(),
                    title: heading_title(heading_text),
                });
                sub_dimension = None;
            }
            continue;
        }

        let own_criterion = (!cells.criterion.is_empty()).then(|| cells.criterion.to_string());
        if !cells.number.is_empty() {
            tasks.push(DraftTask {
                row: row.number,
                code: Some(cells.number.clone()),
                dimension: dimension.clone(),
                // A numbered row with only a criterion names the task by it.
                text: if cells.text.is_empty() {
                    cells.criterion
                } else {
                    cells.text
                }
                .to_string(),
                criterion: own_criterion.or_else(|| sub_dimension.clone()),
                target: cells.target.to_string(),
                lead: cells.lead.to_string(),
                units: cells.units.to_string(),
                timeframe: cells.timeframe.to_string(),
                output: cells.output.to_string(),
            });
            continue;
        }

        match tasks.last_mut() {
            // No task text: more lines of the task above (a cell split over rows).
            Some(above) if cells.text.is_empty() && own_criterion.is_none() => {
                append_row(above, &cells);
            }
            above => {
                let inherited = above.map(|t| t.clone()).unwrap_or_default();
                let inherit = |own: &str, theirs: &str| {
                    if own.is_empty() {
                        theirs.to_string()
                    } else {
                        own.to_string()
                    }
                };
                tasks.push(DraftTask {
                    row: row.number,
                    code: if own_criterion.is_some() {
                        None
                    } else {
                        inherited.code.clone()
                    },
                    dimension: dimension.clone(),
                    criterion: own_criterion.or_else(|| inherited.criterion.clone()),
                    text: cells.text.to_string(),
                    target: cells.target.to_string(),
                    lead: inherit(cells.lead, &inherited.lead),
                    units: inherit(cells.units, &inherited.units),
                    timeframe: inherit(cells.timeframe, &inherited.timeframe),
                    output: cells.output.to_string(),
                });
            }
        }
    }
    tasks
}

fn resolve(
    draft: DraftTask,
    directory: &UnitDirectory,
    options: PlanOptions,
    problems: &mut Vec<Problem>,
) -> Option<NewTask> {
    let year = options.year;
    let mut ok = true;
    let mut units_of = |cell: &str, column: Column| {
        let resolution = directory.resolve(cell, column);
        for kind in resolution.problems {
            ok = false;
            problems.push(Problem::at(draft.row, kind));
        }
        resolution.units
    };
    let lead_units = units_of(&draft.lead, Column::Lead);
    let mut implementing_units = units_of(&draft.units, Column::Implementing);
    if draft.units.trim().is_empty() {
        implementing_units = lead_units.clone();
    }
    if draft.lead.trim().is_empty() && draft.units.trim().is_empty() {
        problems.push(Problem::at(draft.row, ProblemKind::NoUnits));
        ok = false;
    }
    if draft.text.is_empty() {
        problems.push(Problem::at(draft.row, ProblemKind::NoTaskText));
        ok = false;
    }
    let due_date = timeframe::due_date(&draft.timeframe, year.value());
    if let Some(due) = due_date {
        if due.year() != year.value() && !options.allow_other_years {
            problems.push(Problem::at(
                draft.row,
                ProblemKind::OtherYear {
                    timeframe: draft.timeframe.clone(),
                    year: due.year(),
                    plan_year: year.value(),
                },
            ));
            ok = false;
        }
    }
    ok.then_some(NewTask {
        source_row: draft.row,
        code: draft.code,
        dimension: draft.dimension,
        criterion: draft.criterion,
        text: draft.text,
        target: draft.target,
        timeframe: draft.timeframe,
        due_date,
        expected_output: draft.output,
        lead_units,
        implementing_units,
    })
}
