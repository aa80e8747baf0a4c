//! Reading an invitation list (CSV/TSV/XLSX): unit code, role, name — one person per row.

use std::path::Path;

use super::table::{read_tables, RawTable};
use super::{Problem, ProblemKind, UnitColumn};
use crate::domain::text::match_key;
use crate::domain::unit::NewPerson;
use crate::domain::{PersonRole, UnitCode};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Unit,
    Role,
    Name,
}

fn classify(cell: &str) -> Option<Field> {
    Some(match match_key(cell).as_str() {
        "unit" | "unit code" | "ma don vi" | "don vi" | "ma" => Field::Unit,
        "role" | "vai tro" | "chuc vu" => Field::Role,
        "name" | "ho ten" | "ho va ten" | "ten" => Field::Name,
        _ => return None,
    })
}

/// People to invite, or every problem with its row.
pub fn read_invitations(path: &Path, max_bytes: u64) -> Result<Vec<NewPerson>, Vec<Problem>> {
    read_invitation_rows(path, max_bytes).map(|rows| rows.into_iter().map(|(_, p)| p).collect())
}

/// As [`read_invitations`], each person with their row, for the problems only the registry
/// can find (an unknown unit code).
pub fn read_invitation_rows(
    path: &Path,
    max_bytes: u64,
) -> Result<Vec<(usize, NewPerson)>, Vec<Problem>> {
    let (rows, problems) = read_invitation_sheet(path, max_bytes)?;
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// The rows that read (with their numbers) and the problems of the others, so that what the
/// registry finds wrong in the good rows can be reported with the rest. Err: the file itself
/// does not read.
pub fn read_invitation_sheet(path: &Path, max_bytes: u64) -> Result<Rows, Vec<Problem>> {
    let tables = read_tables(path, max_bytes).map_err(|p| vec![p])?;
    for table in &tables {
        if let Some(result) = read_table(table) {
            return Ok(result);
        }
    }
    Err(vec![Problem::file(ProblemKind::NoHeader)])
}

/// People with their rows, and the problems of the rows that did not read.
pub type Rows = (Vec<(usize, NewPerson)>, Vec<Problem>);

fn read_table(table: &RawTable) -> Option<Rows> {
    let (index, columns) = table.rows.iter().enumerate().find_map(|(i, row)| {
        let columns: Vec<Option<Field>> = row.cells.iter().map(|c| classify(c)).collect();
        let has = |f| columns.contains(&Some(f));
        (has(Field::Unit) && has(Field::Role)).then_some((i, columns))
    })?;
    let position = |field| columns.iter().position(|c| *c == Some(field));
    let (unit_at, role_at, name_at) = (
        position(Field::Unit)?,
        position(Field::Role)?,
        position(Field::Name),
    );
    let mut people = Vec::new();
    let mut problems = Vec::new();
    let mut seen: std::collections::HashMap<(String, &str, String), usize> =
        std::collections::HashMap::new();
    for row in table.rows[index + 1..].iter().filter(|r| !r.is_blank()) {
        // Every problem of the row, not only the first.
        let before = problems.len();
        let unit = UnitCode::parse(row.cell(unit_at)).ok();
        if unit.is_none() {
            problems.push(Problem::at(
                row.number,
                ProblemKind::MissingValue(UnitColumn::Code),
            ));
        }
        let role = row.cell(role_at).parse::<PersonRole>().ok();
        if role.is_none() {
            problems.push(Problem::at(
                row.number,
                ProblemKind::BadRole(row.cell(role_at).to_string()),
            ));
        }
        let full_name = name_at
            .map(|i| row.cell(i).trim().to_string())
            .unwrap_or_default();
        if full_name.is_empty() {
            problems.push(Problem::at(row.number, ProblemKind::MissingPersonName));
        }
        let (Some(unit), Some(role)) = (unit, role) else {
            continue;
        };
        if problems.len() > before {
            continue;
        }
        let key = (
            unit.as_str().to_string(),
            role.as_str(),
            match_key(&full_name),
        );
        if let Some(first_row) = seen.get(&key) {
            problems.push(Problem::at(
                row.number,
                ProblemKind::DuplicatePerson {
                    first_row: *first_row,
                },
            ));
            continue;
        }
        seen.insert(key, row.number);
        people.push((
            row.number,
            NewPerson {
                unit,
                full_name,
                role,
                telegram_user_id: None,
                phone: None,
            },
        ));
    }
    Some((people, problems))
}
