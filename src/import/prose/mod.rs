//! Plans written as prose rather than as a task table: reading them into a draft task table.
//!
//! [`read_prose`] turns a DOCX or plain-text plan into paragraphs ([`paragraphs`]), finds its
//! tasks ([`shapes`]) and resolves their units with the importer's [`UnitDirectory`]. Nothing
//! is guessed: each task carries the things a person must check ([`Review`]); [`write_xlsx`]
//! writes them into the `Cần xem lại` column, which `plan import` refuses until it is cleared.

mod paragraphs;
mod shapes;
mod xlsx;

use std::path::Path;

use chrono::NaiveDate;

use super::{Column, Problem, ProblemKind, UnitDirectory};
use crate::domain::plan::{Dimension, NewTask, UnitRef};
use crate::domain::PlanYear;

pub use paragraphs::Paragraph;
pub use xlsx::{write_xlsx, TableWords};

/// Something the reader could not settle about a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    /// No unit is named as leading the task, here or for its dimension.
    NoLead,
    /// No unit is named as implementing the task (neither its own words nor the plan's).
    NoImplementer,
    /// A unit phrase that does not resolve (or a group with nothing under the scope).
    Unit(ProblemKind),
    /// A unit phrase naming two units or more by the same name.
    Ambiguous { column: Column, text: String },
    /// A timeframe naming a date that could not be read.
    Timeframe(String),
    /// A task with no text of its own.
    NoText,
}

/// One task of the draft.
#[derive(Debug, Clone)]
pub struct ProseTask {
    /// Where the task starts: the line of a text file, the paragraph of a Word document.
    pub paragraph: usize,
    pub dimension: Dimension,
    pub criterion: String,
    pub text: String,
    /// The lead cell as the plan wrote it (unit phrases joined by "; ").
    pub lead: String,
    pub implementing: String,
    pub timeframe: String,
    pub due_date: Option<NaiveDate>,
    /// The paragraphs the task was read from.
    pub source: String,
    pub review: Vec<Review>,
    pub lead_units: Vec<UnitRef>,
    /// Resolved implementers; the lead when the plan names none.
    pub implementing_units: Vec<UnitRef>,
}

/// A prose plan read into tasks.
#[derive(Debug, Clone, Default)]
pub struct ProseDraft {
    pub tasks: Vec<ProseTask>,
}

impl ProseDraft {
    /// True when a person has nothing to check before importing.
    pub fn is_clean(&self) -> bool {
        self.tasks.iter().all(|t| t.review.is_empty())
    }

    /// The draft's tasks as the importer's, numbered as [`write_xlsx`] numbers them.
    pub fn new_tasks(&self) -> Vec<NewTask> {
        numbered(&self.tasks)
            .into_iter()
            .map(|(dimension, code, task)| NewTask {
                source_row: task.paragraph,
                code: Some(code),
                dimension: Some(dimension),
                criterion: Some(task.criterion.clone()).filter(|c| !c.is_empty()),
                text: task.text.clone(),
                target: String::new(),
                timeframe: task.timeframe.clone(),
                due_date: task.due_date,
                expected_output: String::new(),
                lead_units: task.lead_units.clone(),
                implementing_units: task.implementing_units.clone(),
            })
            .collect()
    }
}

/// Tasks with the table's numbering: dimensions "1", "2" … in order of appearance and tasks
/// "1.1", "1.2" … under them.
pub fn numbered(tasks: &[ProseTask]) -> Vec<(Dimension, String, &ProseTask)> {
    let mut dimensions: Vec<Dimension> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    for task in tasks {
        let index = match dimensions.iter().position(|d| d == &task.dimension) {
            Some(i) => i,
            None => {
                dimensions.push(task.dimension.clone());
                counts.push(0);
                dimensions.len() - 1
            }
        };
        counts[index] += 1;
        let dimension = Dimension {
            code: (index + 1).to_string(),
            title: if task.dimension.title.is_empty() {
                "—".into()
            } else {
                task.dimension.title.clone()
            },
        };
        out.push((dimension, format!("{}.{}", index + 1, counts[index]), task));
    }
    out
}

/// Reads a prose plan (DOCX or UTF-8 text) into paragraphs.
pub fn read_paragraphs(path: &Path, max_bytes: u64) -> Result<Vec<Paragraph>, Problem> {
    let size = std::fs::metadata(path)
        .map_err(crate::import::table::cannot_open)?
        .len();
    if size > max_bytes {
        return Err(Problem::file(ProblemKind::TooLarge {
            bytes: size,
            limit: max_bytes,
        }));
    }
    let bytes = std::fs::read(path).map_err(crate::import::table::cannot_open)?;
    paragraphs_from_bytes(&bytes)
}

/// As [`read_paragraphs`], from memory.
pub fn paragraphs_from_bytes(bytes: &[u8]) -> Result<Vec<Paragraph>, Problem> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Problem::file(ProblemKind::EmptyFile));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return paragraphs::from_docx(bytes).map(nfc);
    }
    if bytes.starts_with(b"%PDF") {
        return Err(Problem::file(ProblemKind::Unsupported("PDF".into())));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Problem::file(ProblemKind::Unsupported(
            "Word 97-2003 (.doc)".into(),
        )));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(nfc(paragraphs::from_text(text))),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            Err(Problem::at(line, ProblemKind::NotUtf8 { line }))
        }
    }
}

/// Composed Unicode (NFC), so "phối hợp" typed with combining marks reads as the same words.
fn nfc(paragraphs: Vec<Paragraph>) -> Vec<Paragraph> {
    use unicode_normalization::UnicodeNormalization;
    paragraphs
        .into_iter()
        .map(|p| Paragraph {
            number: p.number,
            text: p.text.nfc().collect(),
        })
        .collect()
}

/// Finds the tasks in paragraphs already read.
pub fn draft_from_paragraphs(
    paragraphs: &[Paragraph],
    directory: &UnitDirectory,
    year: PlanYear,
) -> ProseDraft {
    ProseDraft {
        tasks: shapes::find_tasks(directory, paragraphs, year.value()).tasks,
    }
}

/// Reads the prose plan in `path` into a draft task table.
pub fn read_prose(
    path: &Path,
    directory: &UnitDirectory,
    year: PlanYear,
    max_bytes: u64,
) -> Result<ProseDraft, Problem> {
    let paragraphs = read_paragraphs(path, max_bytes)?;
    let draft = draft_from_paragraphs(&paragraphs, directory, year);
    if draft.tasks.is_empty() {
        return Err(Problem::file(ProblemKind::NoProseTasks));
    }
    Ok(draft)
}
