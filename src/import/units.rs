//! Reading the unit registry (CSV/TSV/XLSX): code, name, kind, parent code, aliases.
//! Headers may be English or Vietnamese ("mã", "tên", "loại", "mã cấp trên", "tên khác").

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::table::{read_tables, RawRow, RawTable};
use super::{Problem, ProblemKind};
use crate::domain::text::match_key;
use crate::domain::unit::{NewUnit, Unit};
use crate::domain::{UnitCode, UnitKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitColumn {
    Code,
    Name,
    Kind,
    Parent,
    Aliases,
}

impl UnitColumn {
    const REQUIRED: [UnitColumn; 3] = [UnitColumn::Code, UnitColumn::Name, UnitColumn::Kind];
}

fn classify(cell: &str) -> Option<UnitColumn> {
    let column = match match_key(cell).as_str() {
        "code" | "ma" | "ma don vi" | "unit code" => UnitColumn::Code,
        "name" | "ten" | "ten don vi" | "unit name" => UnitColumn::Name,
        "kind" | "loai" | "loai don vi" | "type" => UnitColumn::Kind,
        "parent" | "parent code" | "ma cap tren" | "don vi cap tren" | "cap tren" => {
            UnitColumn::Parent
        }
        "aliases" | "alias" | "ten khac" | "ten goi khac" | "other names" => UnitColumn::Aliases,
        _ => return None,
    };
    Some(column)
}

type UnitHeader = (usize, HashMap<UnitColumn, usize>);

fn find_header(table: &RawTable) -> Result<UnitHeader, Problem> {
    let mut partial = None;
    for (index, row) in table.rows.iter().enumerate() {
        let mut columns = HashMap::new();
        for (i, cell) in row.cells.iter().enumerate() {
            if let Some(c) = classify(cell) {
                columns.entry(c).or_insert(i);
            }
        }
        let missing: Vec<UnitColumn> = UnitColumn::REQUIRED
            .into_iter()
            .filter(|c| !columns.contains_key(c))
            .collect();
        if missing.is_empty() {
            return Ok((index, columns));
        }
        if columns.len() >= 2 && partial.is_none() {
            partial = Some(Problem::at(
                row.number,
                ProblemKind::MissingUnitColumns(missing),
            ));
        }
    }
    Err(partial.unwrap_or(Problem::file(ProblemKind::NoHeader)))
}

/// Reads the registry file; `existing` is the stored registry, where parents may also be.
pub fn read_units(
    path: &Path,
    existing: &[Unit],
    max_bytes: u64,
) -> Result<Vec<NewUnit>, Vec<Problem>> {
    let tables = read_tables(path, max_bytes).map_err(|p| vec![p])?;
    read_units_tables(&tables, existing)
}

pub fn read_units_tables(
    tables: &[RawTable],
    existing: &[Unit],
) -> Result<Vec<NewUnit>, Vec<Problem>> {
    let mut first_problem = None;
    for table in tables {
        match find_header(table) {
            Ok((index, columns)) => return read_rows(&table.rows[index + 1..], &columns, existing),
            Err(p) => {
                if first_problem.is_none() || matches!(p.kind, ProblemKind::MissingUnitColumns(_)) {
                    first_problem = Some(p);
                }
            }
        }
    }
    Err(vec![
        first_problem.unwrap_or(Problem::file(ProblemKind::NoHeader))
    ])
}

fn read_rows(
    rows: &[RawRow],
    columns: &HashMap<UnitColumn, usize>,
    existing: &[Unit],
) -> Result<Vec<NewUnit>, Vec<Problem>> {
    let cell = |row: &RawRow, c: UnitColumn| {
        columns
            .get(&c)
            .map_or("", |&i| row.cell(i))
            .trim()
            .to_string()
    };
    let mut problems = Vec::new();
    let mut units: Vec<(usize, NewUnit)> = Vec::new();
    let mut first_row_of: HashMap<UnitCode, usize> = HashMap::new();
    for row in rows.iter().filter(|r| !r.is_blank()) {
        let mut bad = |kind| problems.push(Problem::at(row.number, kind));
        let code = match UnitCode::parse(&cell(row, UnitColumn::Code)) {
            Ok(code) => code,
            Err(_) if cell(row, UnitColumn::Code).is_empty() => {
                bad(ProblemKind::MissingValue(UnitColumn::Code));
                continue;
            }
            Err(_) => {
                bad(ProblemKind::BadUnitCode(cell(row, UnitColumn::Code)));
                continue;
            }
        };
        if let Some(&first_row) = first_row_of.get(&code) {
            bad(ProblemKind::DuplicateCode {
                code: code.to_string(),
                first_row,
            });
            continue;
        }
        first_row_of.insert(code.clone(), row.number);
        let name = cell(row, UnitColumn::Name);
        if name.is_empty() {
            bad(ProblemKind::MissingValue(UnitColumn::Name));
        }
        let kind_text = cell(row, UnitColumn::Kind);
        let kind = match kind_text.parse::<UnitKind>() {
            Ok(kind) => kind,
            Err(_) if kind_text.is_empty() => {
                bad(ProblemKind::MissingValue(UnitColumn::Kind));
                UnitKind::Other
            }
            Err(_) => {
                bad(ProblemKind::BadUnitKind(kind_text));
                UnitKind::Other
            }
        };
        let parent_text = cell(row, UnitColumn::Parent);
        let parent = if parent_text.is_empty() {
            None
        } else {
            match UnitCode::parse(&parent_text) {
                Ok(p) => Some(p),
                Err(_) => {
                    bad(ProblemKind::UnknownParent(parent_text));
                    None
                }
            }
        };
        let aliases = cell(row, UnitColumn::Aliases)
            .split(['|', '\n'])
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect();
        units.push((
            row.number,
            NewUnit {
                code,
                name,
                kind,
                parent,
                aliases,
            },
        ));
    }
    check_parents(&units, existing, &mut problems);
    if problems.is_empty() {
        Ok(units.into_iter().map(|(_, u)| u).collect())
    } else {
        problems.sort_by_key(|p| p.row);
        Err(problems)
    }
}

/// Every parent exists (in the file or the registry) and no unit is its own ancestor.
fn check_parents(units: &[(usize, NewUnit)], existing: &[Unit], problems: &mut Vec<Problem>) {
    let mut parent_of: HashMap<&UnitCode, Option<&UnitCode>> = existing
        .iter()
        .map(|u| (&u.code, u.parent.as_ref()))
        .collect();
    for (_, unit) in units {
        parent_of.insert(&unit.code, unit.parent.as_ref());
    }
    for (row, unit) in units {
        let Some(parent) = &unit.parent else { continue };
        if !parent_of.contains_key(parent) {
            problems.push(Problem::at(
                *row,
                ProblemKind::UnknownParent(parent.to_string()),
            ));
            continue;
        }
        let mut seen = HashSet::from([&unit.code]);
        let mut current = Some(parent);
        while let Some(code) = current {
            if !seen.insert(code) {
                problems.push(Problem::at(
                    *row,
                    ProblemKind::ParentCycle(unit.code.to_string()),
                ));
                break;
            }
            current = parent_of.get(code).copied().flatten();
        }
    }
}
