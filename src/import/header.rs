//! Finding a plan table's header row by its Vietnamese column names, in any order and with
//! the variants different provinces use.

use super::table::{RawRow, RawTable};
use super::{Problem, ProblemKind};
use crate::domain::text::match_key;

/// The columns of a plan's task table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// TT / STT
    Number,
    /// Chỉ số nội dung / Tiêu chí thành phần
    Criterion,
    /// Nhiệm vụ (trọng tâm)
    Task,
    /// Chỉ tiêu
    Target,
    /// Đơn vị chủ trì theo dõi / Đầu mối chủ trì thực hiện
    Lead,
    /// Đơn vị thực hiện
    Implementing,
    /// Thời gian thực hiện
    Timeframe,
    /// Kết quả thực hiện
    Output,
    /// Cần xem lại: what a drafted row still needs checked (`plan draft`); must be empty.
    Review,
}

impl Column {
    pub const REQUIRED: [Column; 2] = [Column::Task, Column::Implementing];
}

/// Which column a header cell names, if any. Order matters: "Đầu mối chủ trì thực hiện" is
/// the lead, "Thời gian thực hiện" the timeframe, before "… thực hiện" means implementing units.
pub fn classify(cell: &str) -> Option<Column> {
    let key = match_key(cell);
    let has = |s: &str| key.contains(s);
    let column = if matches!(key.as_str(), "tt" | "stt" | "so tt" | "so thu tu") {
        Column::Number
    } else if key == "can xem lai" {
        Column::Review
    } else if has("chi so noi dung")
        || has("tieu chi")
        || has("noi dung thanh phan")
        || key == "chi so"
        || key.starts_with("linh vuc")
    {
        Column::Criterion
    } else if has("chu tri") {
        Column::Lead
    } else if key.starts_with("thoi gian") || key.starts_with("thoi han") {
        Column::Timeframe
    } else if has("ket qua") || has("san pham") {
        Column::Output
    } else if key.starts_with("chi tieu") {
        Column::Target
    } else if has("nhiem vu") || key == "noi dung" || key.starts_with("noi dung cong viec") {
        Column::Task
    } else if (has("thuc hien") || has("phoi hop")) && (has("don vi") || has("co quan")) {
        Column::Implementing
    } else {
        return None;
    };
    Some(column)
}

/// Where each column sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    pub row: usize,
    columns: Vec<(Column, usize)>,
}

impl HeaderMap {
    pub fn index(&self, column: Column) -> Option<usize> {
        self.columns
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, i)| *i)
    }

    pub fn has(&self, column: Column) -> bool {
        self.index(column).is_some()
    }

    pub fn cell<'r>(&self, row: &'r RawRow, column: Column) -> &'r str {
        self.index(column).map_or("", |i| row.cell(i))
    }

    /// A header repeated at the top of a later page.
    pub fn is_repeat(&self, row: &RawRow) -> bool {
        let same = self
            .columns
            .iter()
            .filter(|(c, i)| classify(row.cell(*i)) == Some(*c))
            .count();
        same >= 2 && same + 1 >= self.columns.len()
    }

    fn missing(&self) -> Vec<Column> {
        Column::REQUIRED
            .into_iter()
            .filter(|c| !self.has(*c))
            .collect()
    }
}

fn header_of(row: &RawRow) -> HeaderMap {
    let mut columns: Vec<(Column, usize)> = Vec::new();
    for (i, cell) in row.cells.iter().enumerate() {
        if let Some(column) = classify(cell) {
            if !columns.iter().any(|(c, _)| *c == column) {
                columns.push((column, i));
            }
        }
    }
    HeaderMap {
        row: row.number,
        columns,
    }
}

/// The first row naming at least three known columns. Errors say which required column is
/// missing (from the best partial header) or that no header exists at all.
pub fn find_header(table: &RawTable) -> Result<(usize, HeaderMap), Problem> {
    let mut partial: Option<HeaderMap> = None;
    for (index, row) in table.rows.iter().enumerate() {
        let header = header_of(row);
        if header.columns.len() < 3 {
            continue;
        }
        if header.missing().is_empty() {
            return Ok((index, header));
        }
        if partial.is_none() {
            partial = Some(header);
        }
    }
    Err(match partial {
        Some(h) => Problem::at(h.row, ProblemKind::MissingPlanColumns(h.missing())),
        None => Problem::file(ProblemKind::NoHeader),
    })
}

/// A row of column numbers under the header: "(1) (2) (3)…" or "1 2 3…".
pub fn is_column_numbering(row: &RawRow) -> bool {
    let numbered: Vec<&String> = row.cells.iter().filter(|c| !c.is_empty()).collect();
    numbered.len() >= 3
        && numbered.iter().all(|c| {
            let inner = c.trim_start_matches('(').trim_end_matches(')');
            !inner.is_empty() && inner.chars().all(|ch| ch.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_header_variants() {
        assert_eq!(classify("STT"), Some(Column::Number));
        assert_eq!(classify("TT"), Some(Column::Number));
        assert_eq!(
            classify("Chỉ số nội dung/ Tiêu chí thành phần"),
            Some(Column::Criterion)
        );
        assert_eq!(classify("Nhiệm vụ trọng tâm"), Some(Column::Task));
        assert_eq!(classify("Chỉ tiêu"), Some(Column::Target));
        assert_eq!(classify("Đơn vị Chủ trì theo dõi"), Some(Column::Lead));
        assert_eq!(classify("Đầu mối chủ trì thực hiện"), Some(Column::Lead));
        assert_eq!(classify("Đơn vị thực hiện"), Some(Column::Implementing));
        assert_eq!(classify("Thời gian thực hiện"), Some(Column::Timeframe));
        assert_eq!(classify("Kết quả thực hiện"), Some(Column::Output));
        assert_eq!(classify("Ghi chú"), None);
    }
}
