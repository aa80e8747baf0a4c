//! Builds the XLSX and DOCX versions of the plan fixtures from their TSV originals:
//! `tests/fixtures/seed001_plan.tsv` and `tests/fixtures/seed004_plan.tsv` each give a
//! `.xlsx` and a `.docx` next to them, laid out as an official would type the same table into
//! Excel or Word, with merged cells:
//!
//! - the single-cell title rows above the table: in XLSX a cell merged across all 7 columns,
//!   in DOCX ordinary paragraphs before the table;
//! - dimension rows ("I" / "1" and a title, other cells empty): the title merged over the
//!   remaining columns (XLSX merge, DOCX `gridSpan`);
//! - multi-line cells: the newline kept in the XLSX string (wrapped), one DOCX paragraph per line;
//! - a repeated header row (a page break in seed 004): kept as a row in XLSX, the start of a
//!   new table in DOCX; blank lines are dropped;
//! - seed 004 only: in an unnumbered row that does not directly follow a repeated header, an
//!   empty lead, implementing units or timeframe cell is merged vertically with the cell above
//!   (XLSX merge over both rows, DOCX `vMerge`), as it was in the original Word file.
//!
//! Run from the crate root: `cargo run --example make_fixtures`.

use std::error::Error;
use std::fs::File;
use std::path::Path;

use docx_rs::{
    AlignmentType, BreakType, Docx, Paragraph, Run, Table, TableCell, TableRow, VMergeType,
    WidthType,
};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Every fixture table has this many columns.
const COLUMNS: usize = 7;
/// Columns (0-based) whose empty cells seed 004 merged with the cell above: lead,
/// implementing units, timeframe.
const VERTICALLY_MERGED_COLUMNS: [usize; 3] = [4, 5, 6];
/// Column widths: XLSX in characters, DOCX in twentieths of a point.
const XLSX_WIDTHS: [f64; COLUMNS] = [6.0, 30.0, 40.0, 25.0, 22.0, 25.0, 16.0];
const DOCX_WIDTHS: [usize; COLUMNS] = [600, 1800, 2400, 1500, 1400, 1500, 1000];

/// The fixtures to build: file stem under `tests/fixtures`, and whether to add seed 004's
/// vertical merges.
const FIXTURES: [(&str, bool); 2] = [("seed001_plan", false), ("seed004_plan", true)];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Header,
    RepeatedHeader,
    /// A dimension row: number, title, the other cells empty.
    Heading,
    Task,
}

struct Row {
    kind: Kind,
    cells: Vec<String>,
}

/// A cell merged with the cells below it, in one column; rows are indices into `Plan::rows`.
struct VerticalMerge {
    column: usize,
    top: usize,
    bottom: usize,
}

struct Plan {
    titles: Vec<String>,
    rows: Vec<Row>,
    vertical_merges: Vec<VerticalMerge>,
}

fn main() -> Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (stem, vertical) in FIXTURES {
        let plan = read_plan(&dir.join(format!("{stem}.tsv")), vertical)?;
        let xlsx = dir.join(format!("{stem}.xlsx"));
        let docx = dir.join(format!("{stem}.docx"));
        let xlsx_merges = write_xlsx(&plan, &xlsx)?;
        let (tables, spans, vmerges) = write_docx(&plan, &docx)?;
        println!("tests/fixtures/{stem}.xlsx: {xlsx_merges} merged ranges");
        println!(
            "tests/fixtures/{stem}.docx: {tables} table(s), {spans} gridSpan cells, \
             {vmerges} vMerge continuations"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading the TSV

fn read_records(path: &Path) -> Result<Vec<Vec<String>>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .flexible(true)
        .from_path(path)?;
    let mut records = Vec::new();
    for record in reader.records() {
        records.push(record?.iter().map(str::to_string).collect());
    }
    Ok(records)
}

fn read_plan(path: &Path, vertical: bool) -> Result<Plan> {
    let records = read_records(path)?;
    let table_start = records
        .iter()
        .position(|r| r.len() > 1)
        .ok_or_else(|| format!("{}: no table row", path.display()))?;
    let titles = records[..table_start]
        .iter()
        .map(|r| r.join(" "))
        .filter(|t| !t.trim().is_empty())
        .collect();
    let rows = classify(&records[table_start..]);
    let vertical_merges = if vertical {
        find_vertical_merges(&rows)
    } else {
        Vec::new()
    };
    Ok(Plan {
        titles,
        rows,
        vertical_merges,
    })
}

/// The first row is the header; an identical row later is a repeated header.
fn classify(records: &[Vec<String>]) -> Vec<Row> {
    let header = padded(&records[0]);
    records
        .iter()
        .map(|record| padded(record))
        .filter(|cells| cells.iter().any(|c| !c.is_empty()))
        .enumerate()
        .map(|(i, cells)| {
            let kind = if i == 0 {
                Kind::Header
            } else if cells == header {
                Kind::RepeatedHeader
            } else if is_heading(&cells) {
                Kind::Heading
            } else {
                Kind::Task
            };
            Row { kind, cells }
        })
        .collect()
}

fn padded(record: &[String]) -> Vec<String> {
    let mut cells = record.to_vec();
    cells.resize(COLUMNS.max(cells.len()), String::new());
    cells
}

/// "I" … "IX" or "1" … "8", a title, and nothing else.
fn is_heading(cells: &[String]) -> bool {
    let number = cells[0].trim();
    let numeral = !number.is_empty()
        && (number.chars().all(|c| c.is_ascii_digit())
            || number
                .chars()
                .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C')));
    numeral && !cells[1].trim().is_empty() && cells[2..].iter().all(|c| c.trim().is_empty())
}

/// An unnumbered task row that does not follow a header continues the cells above it in the
/// lead, units and timeframe columns where it is empty.
fn find_vertical_merges(rows: &[Row]) -> Vec<VerticalMerge> {
    let mut merges: Vec<VerticalMerge> = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(1) {
        let above = &rows[i - 1];
        if row.kind != Kind::Task || above.kind != Kind::Task || !row.cells[0].is_empty() {
            continue;
        }
        for column in VERTICALLY_MERGED_COLUMNS {
            if !row.cells[column].is_empty() {
                continue;
            }
            match merges
                .iter_mut()
                .find(|m| m.column == column && m.bottom == i - 1)
            {
                Some(merge) => merge.bottom = i,
                None => merges.push(VerticalMerge {
                    column,
                    top: i - 1,
                    bottom: i,
                }),
            }
        }
    }
    merges
}

impl Plan {
    /// The `vMerge` of a cell: `Restart` at the top of a vertical merge, `Continue` below it.
    fn vertical_merge_at(&self, row: usize, column: usize) -> Option<VMergeType> {
        self.vertical_merges
            .iter()
            .find(|m| m.column == column && (m.top..=m.bottom).contains(&row))
            .map(|m| {
                if m.top == row {
                    VMergeType::Restart
                } else {
                    VMergeType::Continue
                }
            })
    }
}

// ---------------------------------------------------------------------------------------------
// XLSX

struct XlsxFormats {
    title: Format,
    header: Format,
    heading: Format,
    cell: Format,
}

impl XlsxFormats {
    fn new() -> Self {
        let cell = Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin);
        Self {
            title: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center),
            header: cell.clone().set_bold().set_align(FormatAlign::Center),
            heading: cell.clone().set_bold(),
            cell,
        }
    }

    fn for_kind(&self, kind: Kind) -> &Format {
        match kind {
            Kind::Header | Kind::RepeatedHeader => &self.header,
            Kind::Heading => &self.heading,
            Kind::Task => &self.cell,
        }
    }
}

/// Writes the sheet and returns the number of merged ranges.
fn write_xlsx(plan: &Plan, path: &Path) -> Result<usize> {
    let formats = XlsxFormats::new();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, width) in XLSX_WIDTHS.iter().enumerate() {
        sheet.set_column_width(column as u16, *width)?;
    }
    let last_column = (COLUMNS - 1) as u16;
    let mut merges = 0;
    for (i, title) in plan.titles.iter().enumerate() {
        sheet.merge_range(i as u32, 0, i as u32, last_column, title, &formats.title)?;
        merges += 1;
    }
    let first_row = plan.titles.len();
    for (i, row) in plan.rows.iter().enumerate() {
        merges += write_xlsx_row(sheet, (first_row + i) as u32, row, &formats)?;
    }
    for merge in &plan.vertical_merges {
        let value = &plan.rows[merge.top].cells[merge.column];
        let (top, bottom) = (
            (first_row + merge.top) as u32,
            (first_row + merge.bottom) as u32,
        );
        let column = merge.column as u16;
        sheet.merge_range(top, column, bottom, column, value, &formats.cell)?;
        merges += 1;
    }
    workbook.save(path)?;
    Ok(merges)
}

/// Writes one table row (a heading's title merged to the last column); returns the merges made.
fn write_xlsx_row(
    sheet: &mut Worksheet,
    index: u32,
    row: &Row,
    formats: &XlsxFormats,
) -> Result<usize> {
    let format = formats.for_kind(row.kind);
    if row.kind == Kind::Heading {
        sheet.write_string_with_format(index, 0, &row.cells[0], format)?;
        sheet.merge_range(index, 1, index, (COLUMNS - 1) as u16, &row.cells[1], format)?;
        return Ok(1);
    }
    for (column, text) in row.cells.iter().enumerate() {
        sheet.write_string_with_format(index, column as u16, text, format)?;
    }
    Ok(0)
}

// ---------------------------------------------------------------------------------------------
// DOCX

/// Writes the document; returns the number of tables, `gridSpan` cells and `vMerge`
/// continuation cells.
fn write_docx(plan: &Plan, path: &Path) -> Result<(usize, usize, usize)> {
    let mut docx = Docx::new();
    for title in &plan.titles {
        docx = docx.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(title).bold()),
        );
    }
    let mut tables = 0;
    for (n, (start, end)) in table_ranges(&plan.rows).into_iter().enumerate() {
        if n > 0 {
            let page_break = Run::new().add_break(BreakType::Page);
            docx = docx.add_paragraph(Paragraph::new().add_run(page_break));
        }
        docx = docx.add_table(docx_table(plan, start, end));
        tables += 1;
    }
    docx.build().pack(File::create(path)?)?;
    let spans = plan.rows.iter().filter(|r| r.kind == Kind::Heading).count();
    let continuations = plan.vertical_merges.iter().map(|m| m.bottom - m.top).sum();
    Ok((tables, spans, continuations))
}

/// Row index ranges `[start, end)` of the tables: a new one at every repeated header.
fn table_ranges(rows: &[Row]) -> Vec<(usize, usize)> {
    let mut starts: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(i, r)| *i == 0 || r.kind == Kind::RepeatedHeader)
        .map(|(i, _)| i)
        .collect();
    starts.push(rows.len());
    starts.windows(2).map(|w| (w[0], w[1])).collect()
}

fn docx_table(plan: &Plan, start: usize, end: usize) -> Table {
    let rows = (start..end).map(|i| docx_row(plan, i)).collect();
    Table::new(rows).set_grid(DOCX_WIDTHS.to_vec())
}

fn docx_row(plan: &Plan, index: usize) -> TableRow {
    let row = &plan.rows[index];
    let bold = row.kind != Kind::Task;
    if row.kind == Kind::Heading {
        let rest: usize = DOCX_WIDTHS[1..].iter().sum();
        return TableRow::new(vec![
            docx_cell(&row.cells[0], DOCX_WIDTHS[0], bold),
            docx_cell(&row.cells[1], rest, bold).grid_span(COLUMNS - 1),
        ]);
    }
    let cells = row
        .cells
        .iter()
        .zip(DOCX_WIDTHS)
        .enumerate()
        .map(|(column, (text, width))| {
            let cell = docx_cell(text, width, bold);
            match plan.vertical_merge_at(index, column) {
                Some(merge) => cell.vertical_merge(merge),
                None => cell,
            }
        })
        .collect();
    TableRow::new(cells)
}

/// A cell with one paragraph per line of `text` (one empty paragraph when empty).
fn docx_cell(text: &str, width: usize, bold: bool) -> TableCell {
    text.split('\n')
        .map(|line| {
            if line.is_empty() {
                return Paragraph::new();
            }
            let run = Run::new().add_text(line);
            Paragraph::new().add_run(if bold { run.bold() } else { run })
        })
        .fold(TableCell::new().width(width, WidthType::Dxa), |cell, p| {
            cell.add_paragraph(p)
        })
}
