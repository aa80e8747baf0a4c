//! Reading a file into rows of cleaned text cells, whatever its format: CSV/TSV (UTF-8, or
//! UTF-16 with a BOM as Excel's "Unicode text" writes it), XLSX/XLS/ODS (calamine) and DOCX
//! tables (docx-rs). Merged cells are resolved here: a vertically merged cell repeats its value
//! in every row it covers; a horizontally merged one keeps it in its first column only.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};

use super::{Problem, ProblemKind};
use crate::domain::text::clean_cell;

/// Refuse sheets bigger than this many cells: a small zip can inflate to a huge sheet.
const MAX_CELLS: usize = 20_000_000;

/// One row of a source table, numbered as the person who typed the file sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// 1-based: the line of a CSV (where the record starts), the row of a sheet, or the row
    /// counted through all tables of a Word document.
    pub number: usize,
    pub cells: Vec<String>,
}

impl RawRow {
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map(String::as_str).unwrap_or("")
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.is_empty())
    }
}

/// A candidate table: one sheet, one document's tables, or a text file cut by one delimiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTable {
    /// "Sheet1", "DOCX", "TSV" … for messages.
    pub label: String,
    pub rows: Vec<RawRow>,
}

/// A file that cannot be opened or read, said in the words the reader can act on.
pub fn cannot_open(e: std::io::Error) -> Problem {
    Problem::file(ProblemKind::CannotOpen {
        kind: e.kind(),
        detail: e.to_string(),
    })
}

/// Reads `path` into candidate tables, most likely first. The caller keeps the first one in
/// which it finds its header row.
pub fn read_tables(path: &Path, max_bytes: u64) -> Result<Vec<RawTable>, Problem> {
    let size = std::fs::metadata(path).map_err(cannot_open)?.len();
    if size > max_bytes {
        return Err(Problem::file(ProblemKind::TooLarge {
            bytes: size,
            limit: max_bytes,
        }));
    }
    let bytes = std::fs::read(path).map_err(cannot_open)?;
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    tables_from_bytes(&bytes, &extension)
}

/// As [`read_tables`], from memory; `extension` only breaks ties the content cannot.
pub fn tables_from_bytes(bytes: &[u8], extension: &str) -> Result<Vec<RawTable>, Problem> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Problem::file(ProblemKind::EmptyFile));
    }
    let tables = if bytes.starts_with(b"PK\x03\x04") {
        if contains(bytes, b"word/document.xml") {
            vec![read_docx(bytes)?]
        } else if contains(bytes, b"xl/workbook") {
            read_xlsx(bytes)?
        } else {
            read_other_spreadsheet(bytes)?
        }
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        if extension == "doc" {
            return Err(Problem::file(ProblemKind::Unsupported(
                "Word 97-2003 (.doc)".into(),
            )));
        }
        read_other_spreadsheet(bytes)?
    } else if looks_binary(bytes) || ["xlsx", "xlsm", "xls", "ods", "docx"].contains(&extension) {
        // Not a zip or OLE container, yet named like one, or full of NUL bytes: a picture,
        // a PDF or a damaged file, but no table.
        return Err(Problem::file(
            if extension == "pdf" || bytes.starts_with(b"%PDF") {
                ProblemKind::Unsupported("PDF".into())
            } else {
                ProblemKind::NoTable
            },
        ));
    } else {
        read_text(bytes, extension)?
    };
    if tables.iter().all(|t| t.rows.iter().all(RawRow::is_blank)) {
        return Err(Problem::file(ProblemKind::NoTable));
    }
    Ok(tables)
}

/// NUL bytes near the start, outside UTF-16 text (which announces itself with a BOM).
fn looks_binary(bytes: &[u8]) -> bool {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    !utf16 && bytes.iter().take(8192).any(|&b| b == 0)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn read_text(bytes: &[u8], extension: &str) -> Result<Vec<RawTable>, Problem> {
    let text = decode_text(bytes)?;
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count();
    if control > text.len() / 100 + 8 {
        return Err(Problem::file(ProblemKind::NoTable));
    }
    let mut delimiters: Vec<(u8, usize)> = [b'\t', b',', b';']
        .iter()
        .map(|&d| {
            let sample = text.lines().take(200).collect::<String>();
            (d, sample.bytes().filter(|&b| b == d).count())
        })
        .collect();
    // Most frequent delimiter first; a .tsv/.csv name wins ties.
    let preferred = if extension == "tsv" || extension == "txt" {
        b'\t'
    } else {
        b','
    };
    delimiters.sort_by_key(|&(d, n)| (std::cmp::Reverse(n), d != preferred));
    delimiters
        .into_iter()
        .map(|(d, _)| parse_delimited(&text, d))
        .collect()
}

/// UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused with the line
/// of the first byte that is not UTF-8, rather than guessed and imported garbled.
fn decode_text(bytes: &[u8]) -> Result<String, Problem> {
    let utf16 = |le: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| Problem::file(ProblemKind::NotUtf8 { line: 1 }))
    };
    match bytes {
        [0xFF, 0xFE, ..] => utf16(true),
        [0xFE, 0xFF, ..] => utf16(false),
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(rest),
        _ => utf8(bytes),
    }
}

fn utf8(bytes: &[u8]) -> Result<String, Problem> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
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

fn parse_delimited(text: &str, delimiter: u8) -> Result<RawTable, Problem> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let lines = LineIndex::new(text);
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
            Problem::at(line, ProblemKind::Unreadable(e.to_string()))
        })?;
        let number = record
            .position()
            .map_or(rows.len() + 1, |p| lines.line_at(p.byte()));
        rows.push(RawRow {
            number,
            cells: record.iter().map(clean_cell).collect(),
        });
    }
    let label = match delimiter {
        b'\t' => "TSV",
        b';' => "CSV (;)",
        _ => "CSV",
    };
    Ok(RawTable {
        label: label.into(),
        rows,
    })
}

/// Line numbers as an editor shows them, from byte offsets. The csv crate's own line count
/// is one short for a record after a CRLF line end (it starts the record at the `\n`).
struct LineIndex<'t> {
    text: &'t str,
    /// Byte offsets of every line end (`\n`, or a `\r` alone as old Macs wrote).
    breaks: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let breaks = (0..bytes.len())
            .filter(|&i| {
                bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
            })
            .collect();
        Self { text, breaks }
    }

    /// The 1-based line of the first character at or after `byte` that is not a line end.
    fn line_at(&self, byte: u64) -> usize {
        let bytes = self.text.as_bytes();
        let mut at = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        self.breaks.partition_point(|&b| b < at) + 1
    }
}

fn data_text(data: &Data) -> String {
    match data {
        Data::Empty => String::new(),
        // A date cell reads as dd/mm/yyyy; one with a time of day (a hotline's "ngày giờ
        // tiếp nhận") as dd/mm/yyyy HH:MM.
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|d| {
                if d.time() == chrono::NaiveTime::MIN {
                    d.format("%d/%m/%Y").to_string()
                } else {
                    d.format("%d/%m/%Y %H:%M").to_string()
                }
            })
            .unwrap_or_else(|| data.to_string()),
        other => other.to_string(),
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<RawTable>, Problem> {
    check_workbook(bytes)?;
    let unreadable = |e: calamine::XlsxError| Problem::file(ProblemKind::Unreadable(e.to_string()));
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut tables = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).map_err(unreadable)?;
        let merges = workbook
            .merge_cells_by_sheet_name(&name)
            .map_err(unreadable)?;
        tables.push(sheet_table(&name, &range, &merges)?);
    }
    Ok(tables)
}

/// Excel's own limits: column XFD, row 1,048,576.
const MAX_COLUMN: u32 = 16_384;
const MAX_ROW: u32 = 1_048_576;

/// Checks a workbook's sheets and shared strings before calamine reads them: every cell, row,
/// merge and dimension reference within Excel's limits, the cells' bounding box within
/// [`MAX_CELLS`], a shared-string count no larger than its part. calamine's reference arithmetic
/// overflows on a reference such as "AAAAAAAA1" or a range "B2:A1", it allocates the whole bounding box of the
/// cells at once, and it reserves room for as many shared strings as the file claims: a file of
/// a few hundred bytes could take all memory. Found by the `import_xlsx` fuzz target.
fn check_workbook(bytes: &[u8]) -> Result<(), Problem> {
    let unreadable =
        |e: &dyn std::fmt::Display| Problem::file(ProblemKind::Unreadable(e.to_string()));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).map_err(|e| unreadable(&e))?;
        let name = part.name().to_ascii_lowercase();
        let sheet = name.starts_with("xl/worksheets/") && name.ends_with(".xml");
        if !sheet && name != "xl/sharedstrings.xml" {
            continue;
        }
        let mut xml = Vec::new();
        std::io::Read::read_to_end(&mut part, &mut xml).map_err(|e| unreadable(&e))?;
        let cells = check_sheet_xml(&xml).map_err(|e| unreadable(&format!("{name}: {e}")))?;
        if cells > MAX_CELLS as u64 {
            return Err(Problem::file(ProblemKind::TooManyCells {
                cells: usize::try_from(cells).unwrap_or(usize::MAX),
            }));
        }
    }
    Ok(())
}

/// The size of the cells' bounding box (as calamine places cells without a reference: after
/// the one before, in the row's row), or why the references cannot be read.
fn check_sheet_xml(xml: &[u8]) -> Result<u64, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let (mut row, mut column) = (0u32, 0u32);
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    loop {
        let (element, start) = match reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?
        {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(e) if e.local_name().as_ref() == b"row" => {
                row = row.saturating_add(1);
                column = 0;
                buf.clear();
                continue;
            }
            Event::Eof => break,
            _ => {
                buf.clear();
                continue;
            }
        };
        // Every value of a repeated attribute: calamine keeps the last, quick-xml the first.
        let values = |key: &[u8]| -> Result<Vec<Vec<u8>>, String> {
            let mut found = Vec::new();
            for attribute in element.attributes().with_checks(false) {
                let attribute = attribute.map_err(|e| e.to_string())?;
                if attribute.key.as_ref() == key {
                    found.push(attribute.value.into_owned());
                }
            }
            Ok(found)
        };
        match element.local_name().as_ref() {
            b"sst" => {
                for value in values(b"count")?.into_iter().chain(values(b"uniqueCount")?) {
                    let claimed = std::str::from_utf8(&value)
                        .ok()
                        .and_then(|v| v.trim().parse::<u64>().ok());
                    if claimed.is_some_and(|n| n > xml.len() as u64) {
                        return Err("more shared strings claimed than the part holds".into());
                    }
                }
            }
            b"row" if start => {
                for r in values(b"r")? {
                    row = parse_row(&r).ok_or("a row number beyond the sheet")? - 1;
                }
            }
            b"c" => {
                for r in values(b"r")? {
                    let (r, c) = cell_reference(&r).ok_or("a cell reference beyond the sheet")?;
                    (row, column) = (r, c);
                }
                let (top, left, bottom, right) = bounds.unwrap_or((row, column, row, column));
                bounds = Some((
                    top.min(row),
                    left.min(column),
                    bottom.max(row),
                    right.max(column),
                ));
                column = column.saturating_add(1);
            }
            b"mergeCell" | b"dimension" => {
                for reference in values(b"ref")? {
                    let corners = reference
                        .split(|&b| b == b':')
                        .map(cell_reference)
                        .collect::<Option<Vec<_>>>()
                        .ok_or("a range beyond the sheet")?;
                    // calamine subtracts the first corner from the second.
                    if let [(top, left), (bottom, right)] = corners[..] {
                        if bottom < top || right < left {
                            return Err("a range that ends before it starts".into());
                        }
                    }
                }
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(bounds.map_or(0, |(top, left, bottom, right)| {
        u64::from(bottom - top + 1) * u64::from(right - left + 1)
    }))
}

/// "B3" → (2, 1), 0-based; None unless one to three letters, then a row number, within
/// Excel's limits.
fn cell_reference(text: &[u8]) -> Option<(u32, u32)> {
    let letters = text.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if !(1..=3).contains(&letters) {
        return None;
    }
    let column = text[..letters].iter().fold(0u32, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row = parse_row(&text[letters..])?;
    (column <= MAX_COLUMN).then_some((row - 1, column - 1))
}

/// A 1-based row number within Excel's limit.
fn parse_row(text: &[u8]) -> Option<u32> {
    if text.is_empty() || text.len() > 7 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let row = std::str::from_utf8(text).ok()?.parse::<u32>().ok()?;
    (1..=MAX_ROW).contains(&row).then_some(row)
}

/// XLS (97-2003) and ODS: read without merge information.
fn read_other_spreadsheet(bytes: &[u8]) -> Result<Vec<RawTable>, Problem> {
    let unreadable = |e: calamine::Error| Problem::file(ProblemKind::Unreadable(e.to_string()));
    let mut workbook =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let mut tables = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).map_err(unreadable)?;
        tables.push(sheet_table(&name, &range, &[])?);
    }
    Ok(tables)
}

fn sheet_table(
    name: &str,
    range: &calamine::Range<Data>,
    merges: &[calamine::Dimensions],
) -> Result<RawTable, Problem> {
    let (height, width) = range.get_size();
    if height.saturating_mul(width) > MAX_CELLS {
        return Err(Problem::file(ProblemKind::TooManyCells {
            cells: height.saturating_mul(width),
        }));
    }
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut grid: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(data_text).collect())
        .collect();
    for merge in merges {
        let (top, left) = merge.start;
        let (bottom, _) = merge.end;
        let (Some(r0), Some(c)) = (top.checked_sub(row0), left.checked_sub(col0)) else {
            continue;
        };
        let value = grid
            .get(r0 as usize)
            .and_then(|row| row.get(c as usize))
            .cloned()
            .unwrap_or_default();
        // A merge may claim rows far below the last one: stop at the grid's end.
        let last = bottom
            .saturating_sub(row0)
            .min(grid.len().saturating_sub(1) as u32);
        for r in r0..=last {
            if let Some(cell) = grid
                .get_mut(r as usize)
                .and_then(|row| row.get_mut(c as usize))
            {
                *cell = value.clone();
            }
        }
    }
    let rows = grid
        .into_iter()
        .enumerate()
        .map(|(i, cells)| RawRow {
            number: row0 as usize + i + 1,
            cells: cells.iter().map(|c| clean_cell(c)).collect(),
        })
        .collect();
    Ok(RawTable {
        label: name.to_string(),
        rows,
    })
}

fn read_docx(bytes: &[u8]) -> Result<RawTable, Problem> {
    check_package(bytes)?;
    let docx = docx_rs::read_docx(bytes)
        .map_err(|e| Problem::file(ProblemKind::Unreadable(e.to_string())))?;
    let mut rows = Vec::new();
    for child in &docx.document.children {
        if let docx_rs::DocumentChild::Table(table) = child {
            append_docx_table(table, &mut rows);
        }
    }
    if rows.is_empty() {
        return Err(Problem::file(ProblemKind::NoTable));
    }
    Ok(RawTable {
        label: "DOCX".into(),
        rows,
    })
}

/// Reads every part of a Word package once and refuses the package when a part is damaged (a
/// wrong checksum, a broken compressed stream) or an XML part is cut short or badly nested.
/// docx-rs unwraps its own reads of parts (a panic), and its readers wait for an element's end
/// tag past the end of the document (a loop that never ends). Both found by the `import_docx`
/// fuzz target (RELIABILITY.md).
fn check_package(bytes: &[u8]) -> Result<(), Problem> {
    let unreadable =
        |e: &dyn std::fmt::Display| Problem::file(ProblemKind::Unreadable(e.to_string()));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).map_err(|e| unreadable(&e))?;
        let name = part.name().to_ascii_lowercase();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let mut xml = Vec::new();
            std::io::Read::read_to_end(&mut part, &mut xml).map_err(|e| unreadable(&e))?;
            check_xml(&xml).map_err(|e| unreadable(&format!("{name}: {e}")))?;
        } else {
            std::io::copy(&mut part, &mut std::io::sink()).map_err(|e| unreadable(&e))?;
        }
    }
    Ok(())
}

/// Deeper than any Word document: docx-rs reads nested elements by recursion, and a file of
/// thousands of nested tables would overflow its stack.
const MAX_XML_DEPTH: usize = 256;

/// Every element closed, by its own name, before the end of the text, and no deeper than
/// [`MAX_XML_DEPTH`].
fn check_xml(xml: &[u8]) -> Result<(), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut buf = Vec::new();
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?
        {
            Event::Start(_) if depth == MAX_XML_DEPTH => {
                return Err("the XML is nested too deeply".into())
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof if depth == 0 => return Ok(()),
            Event::Eof => return Err("the XML ends inside an element".into()),
            _ => {}
        }
        buf.clear();
    }
}

/// Appends a Word table's rows. Grid columns are tracked so a `vMerge` continuation takes the
/// text of the cell above it and a `gridSpan` cell fills the columns it spans.
fn append_docx_table(table: &docx_rs::Table, rows: &mut Vec<RawRow>) {
    let mut above: Vec<String> = Vec::new();
    for row_child in &table.rows {
        let docx_rs::TableChild::TableRow(row) = row_child;
        let mut cells: Vec<String> = Vec::new();
        for cell_child in &row.cells {
            let docx_rs::TableRowChild::TableCell(cell) = cell_child;
            let (span, merge) = cell_layout(cell);
            let column = cells.len();
            let text = if merge.as_deref() == Some("continue") {
                above.get(column).cloned().unwrap_or_default()
            } else {
                clean_cell(&cell_text(cell))
            };
            cells.push(text);
            cells.extend(std::iter::repeat_n(String::new(), span.saturating_sub(1)));
        }
        above = cells.clone();
        rows.push(RawRow {
            number: rows.len() + 1,
            cells,
        });
    }
}

/// Word's own limit on a table's columns; a wider `gridSpan` is cut to it (an unbounded span
/// made us allocate as many empty cells as the file claimed: found by the `import_docx` fuzz
/// target).
const MAX_DOCX_COLUMNS: u64 = 63;

/// docx-rs keeps cell properties private but serialises them; read span and merge from there.
fn cell_layout(cell: &docx_rs::TableCell) -> (usize, Option<String>) {
    let property = serde_json::to_value(&cell.property).unwrap_or_default();
    let span = property
        .get("gridSpan")
        .and_then(serde_json::Value::as_u64)
        .map_or(1, |s| s.clamp(1, MAX_DOCX_COLUMNS) as usize);
    let merge = property
        .get("verticalMerge")
        .and_then(serde_json::Value::as_str)
        .map(str::to_string);
    (span, merge)
}

fn cell_text(cell: &docx_rs::TableCell) -> String {
    let mut lines = Vec::new();
    for content in &cell.children {
        match content {
            docx_rs::TableCellContent::Paragraph(p) => lines.push(paragraph_text(p)),
            docx_rs::TableCellContent::Table(inner) => {
                let mut inner_rows = Vec::new();
                append_docx_table(inner, &mut inner_rows);
                lines.extend(inner_rows.into_iter().map(|r| r.cells.join(" ")));
            }
            _ => {}
        }
    }
    lines.join("\n")
}

fn paragraph_text(paragraph: &docx_rs::Paragraph) -> String {
    let mut text = String::new();
    for child in &paragraph.children {
        match child {
            docx_rs::ParagraphChild::Run(run) => run_text(run, &mut text),
            docx_rs::ParagraphChild::Hyperlink(link) => {
                for c in &link.children {
                    if let docx_rs::ParagraphChild::Run(run) = c {
                        run_text(run, &mut text);
                    }
                }
            }
            docx_rs::ParagraphChild::Insert(insert) => {
                for c in &insert.children {
                    if let docx_rs::InsertChild::Run(run) = c {
                        run_text(run, &mut text);
                    }
                }
            }
            _ => {}
        }
    }
    text
}

fn run_text(run: &docx_rs::Run, out: &mut String) {
    for child in &run.children {
        match child {
            docx_rs::RunChild::Text(t) => out.push_str(&t.text),
            docx_rs::RunChild::Tab(_) => out.push(' '),
            docx_rs::RunChild::Break(_) | docx_rs::RunChild::CarriageReturn(_) => out.push('\n'),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_unicode_text_is_utf16_with_tabs() {
        let text = "TT\tNhiệm vụ\r\n1\tCông khai\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let tables = tables_from_bytes(&bytes, "txt").expect("reads");
        assert_eq!(tables[0].label, "TSV");
        assert_eq!(tables[0].rows[1].cells, ["1", "Công khai"]);
    }

    #[test]
    fn semicolons_from_a_vietnamese_excel_are_tried_first_when_they_dominate() {
        let text = "TT;Nhiệm vụ;Đơn vị thực hiện\n1;\"Công khai, minh bạch\";UBND cấp xã\n";
        let tables = tables_from_bytes(text.as_bytes(), "csv").expect("reads");
        assert_eq!(tables[0].label, "CSV (;)");
        assert_eq!(
            tables[0].rows[1].cells,
            ["1", "Công khai, minh bạch", "UBND cấp xã"]
        );
        assert_eq!(tables[0].rows[1].number, 2);
    }

    /// A zip package of `parts`, stored uncompressed (so a test can damage it byte by byte).
    fn stored_zip(parts: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, content) in parts {
            zip.start_file(*name, stored).expect("in memory");
            zip.write_all(content.as_bytes()).expect("in memory");
        }
        zip.finish().expect("in memory").into_inner()
    }

    const RELATIONSHIPS: &str =
        r#"xmlns="http://schemas.openxmlformats.org/package/2006/relationships""#;

    /// A Word package with `document` as its main part.
    fn stored_docx(document: &str) -> Vec<u8> {
        stored_zip(&[
            (
                "[Content_Types].xml",
                r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                &format!(
                    r#"<Relationships {RELATIONSHIPS}><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#
                ),
            ),
            (
                "word/_rels/document.xml.rels",
                &format!("<Relationships {RELATIONSHIPS}></Relationships>"),
            ),
            ("word/document.xml", document),
        ])
    }

    /// A one-sheet workbook: `cells` inside `<sheetData>`, then `after` (merges), and the
    /// shared strings' opening tag `sst`.
    fn stored_xlsx(cells: &str, after: &str, sst: &str) -> Vec<u8> {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        let office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        stored_zip(&[
            (
                "_rels/.rels",
                &format!(
                    r#"<Relationships {RELATIONSHIPS}><Relationship Id="rId1" Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/workbook.xml",
                &format!(
                    r#"<workbook xmlns="{main}" xmlns:r="{office}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                &format!(
                    r#"<Relationships {RELATIONSHIPS}><Relationship Id="rId1" Type="{office}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{office}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/worksheets/sheet1.xml",
                &format!(
                    r#"<worksheet xmlns="{main}"><sheetData>{cells}</sheetData>{after}</worksheet>"#
                ),
            ),
            (
                "xl/sharedStrings.xml",
                &format!("{sst}<si><t>TT</t></si></sst>"),
            ),
        ])
    }

    const SST: &str = r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">"#;

    #[test]
    fn workbooks_that_would_overflow_or_exhaust_calamine_are_refused() {
        let good = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>Nhiệm vụ</t></is></c></row><row r="2"><c r="A2"><v>1</v></c></row>"#;
        // A merge claiming every row of the sheet still reads, at once.
        let merged = stored_xlsx(
            good,
            r#"<mergeCells count="1"><mergeCell ref="A1:A1048576"/></mergeCells>"#,
            SST,
        );
        let tables = tables_from_bytes(&merged, "xlsx").expect("reads");
        assert_eq!(tables[0].rows[0].cells, ["TT", "Nhiệm vụ"]);
        assert_eq!(tables[0].rows[1].cells, ["TT", ""]);
        // calamine's column arithmetic overflowed on this reference (a panic in debug builds).
        let overflow = stored_xlsx(r#"<row r="1"><c r="AAAAAAAA1"><v>1</v></c></row>"#, "", SST);
        let err = tables_from_bytes(&overflow, "xlsx").expect_err("refused");
        assert!(matches!(err.kind, ProblemKind::Unreadable(_)), "{err:?}");
        // Two cells in opposite corners: calamine would allocate 17 billion cells.
        let corners = r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;
        let err = tables_from_bytes(&stored_xlsx(corners, "", SST), "xlsx").expect_err("refused");
        assert!(
            matches!(err.kind, ProblemKind::TooManyCells { .. }),
            "{err:?}"
        );
        // calamine reserved room for as many shared strings as claimed.
        let claim = SST.replace(r#"uniqueCount="1""#, r#"uniqueCount="999999999999999""#);
        let err = tables_from_bytes(&stored_xlsx(good, "", &claim), "xlsx").expect_err("refused");
        assert!(matches!(err.kind, ProblemKind::Unreadable(_)), "{err:?}");
        // A repeated reference: calamine read the last one, our check once read the first.
        let twice = r#"<row r="1"><c r="A1" r="AAAAAAAA1"><v>1</v></c></row>"#;
        let err = tables_from_bytes(&stored_xlsx(twice, "", SST), "xlsx").expect_err("refused");
        assert!(matches!(err.kind, ProblemKind::Unreadable(_)), "{err:?}");
        // A merge that ends before it starts: calamine's subtraction overflowed.
        let reversed = stored_xlsx(
            good,
            r#"<mergeCells count="1"><mergeCell ref="B2:A1"></mergeCell></mergeCells>"#,
            SST,
        );
        let err = tables_from_bytes(&reversed, "xlsx").expect_err("refused");
        assert!(matches!(err.kind, ProblemKind::Unreadable(_)), "{err:?}");
        assert_eq!(cell_reference(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_reference(b"XFE1"), None);
        assert_eq!(cell_reference(b"A0"), None);
    }

    #[test]
    fn a_damaged_word_part_is_refused_not_a_panic() {
        let document = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>TT</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Nhiệm vụ</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"#;
        let good = stored_docx(document);
        let tables = tables_from_bytes(&good, "docx").expect("the intact package reads");
        assert_eq!(tables[0].rows[0].cells, ["TT", "Nhiệm vụ"]);
        // One byte of the relationships changed, its checksum not (the fuzzer's first find).
        let mut damaged = good.clone();
        let at = damaged
            .windows(b"officeDocument\"".len())
            .position(|w| w == b"officeDocument\"")
            .expect("the relationship is stored as written");
        damaged[at] = b'X';
        let err = tables_from_bytes(&damaged, "docx").expect_err("refused");
        assert!(
            matches!(&err.kind, ProblemKind::Unreadable(why) if why.contains("checksum")),
            "{err:?}"
        );
    }

    #[test]
    fn a_word_document_cut_inside_a_table_cell_is_refused_not_an_endless_loop() {
        // docx-rs read this (the XML ends inside <w:tc>) forever.
        let document = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>TT</w:t></w:r></w:p>"#;
        let err = tables_from_bytes(&stored_docx(document), "docx").expect_err("refused");
        assert!(
            matches!(&err.kind, ProblemKind::Unreadable(why) if why.contains("word/document.xml")),
            "{err:?}"
        );
        // A cell claiming to span four billion columns spans Word's 63 at most.
        let wide = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="4294967295"/></w:tcPr><w:p><w:r><w:t>TT</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"#;
        let tables = tables_from_bytes(&stored_docx(wide), "docx").expect("reads");
        assert_eq!(tables[0].rows[0].cells.len(), 63);
        // Tables nested thousands deep are refused before docx-rs recurses into them.
        let deep = format!(
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}{}</w:body></w:document>"#,
            "<w:tbl><w:tr><w:tc>".repeat(5_000),
            "</w:tc></w:tr></w:tbl>".repeat(5_000)
        );
        let err = tables_from_bytes(&stored_docx(&deep), "docx").expect_err("refused");
        assert!(
            matches!(&err.kind, ProblemKind::Unreadable(why) if why.contains("deeply")),
            "{err:?}"
        );
        // Badly nested is refused too; whole XML still reads.
        let crossed = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:tbl><w:tr><w:tc></w:tr></w:tc></w:tbl></w:body></w:document>"#;
        assert!(tables_from_bytes(&stored_docx(crossed), "docx").is_err());
    }

    #[test]
    fn crlf_lines_are_numbered_as_an_editor_shows_them() {
        for text in [
            "Kế hoạch\r\nTT,A\r\n1,\"x\r\ny\"\r\n\r\n2,z\r\n",
            "Kế hoạch\nTT,A\n1,\"x\ny\"\n\n2,z\n",
            "Kế hoạch\rTT,A\r1,x\r\r2,z",
        ] {
            let tables = tables_from_bytes(text.as_bytes(), "csv").expect("reads");
            let numbers: Vec<usize> = tables[0].rows.iter().map(|r| r.number).collect();
            let expected: &[usize] = if text.contains('\n') {
                &[1, 2, 3, 6]
            } else {
                &[1, 2, 3, 5]
            };
            assert_eq!(numbers, expected, "{text:?}");
        }
    }

    #[test]
    fn bad_utf8_names_its_line() {
        let err = tables_from_bytes(b"TT,A\n1,ok\n2,\xe0\n", "csv").expect_err("refused");
        assert_eq!(err.kind, ProblemKind::NotUtf8 { line: 3 });
    }
}
