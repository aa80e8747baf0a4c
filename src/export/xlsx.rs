//! The report as an XLSX workbook ready to attach to an official letter: Vietnamese headers,
//! real dates shown dd/mm/yyyy, column widths set, title and header rows frozen and repeated
//! on every printed page, A4 landscape, one page wide.

use chrono::Datelike;
use rust_xlsxwriter::{
    ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::layout::{self, Cell, RowStyle, Sheet};
use super::Report;
use crate::messages::Lang;

/// rust_xlsxwriter's code for A4 paper.
const A4: u8 = 9;

struct Formats {
    title: Format,
    note: Format,
    section: Format,
    header: Format,
    body: Format,
    number: Format,
    date: Format,
    total: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Top);
        Formats {
            title: Format::new().set_bold().set_font_size(13),
            note: Format::new().set_italic(),
            section: Format::new().set_bold(),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(0xD9E1F2),
            body: cell.clone().set_text_wrap(),
            number: cell.clone(),
            date: cell.clone().set_num_format("dd/mm/yyyy"),
            total: cell.set_bold(),
        }
    }
}

/// The workbook's bytes.
pub fn write(report: &Report, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    write_again(&mut None, report, lang)
}

/// A workbook kept between writes of a report that changes a little (the web board's download
/// after each reply): the sheets last written and the workbook holding exactly their cells.
/// Setting every cell of a national report is about a third of writing its workbook
/// (BENCHMARKS.md); the next write sets only the cells that differ and saves again, or gives
/// the same bytes when no cell differs (a write the report does not show).
pub struct KeptWorkbook {
    sheets: Vec<Sheet>,
    workbook: Workbook,
    bytes: Vec<u8>,
}

/// [`write`], starting from `kept` (the workbook of an earlier report) when its sheets are
/// laid out alike: the same sheets, none shorter. Otherwise, or with none kept, every cell is
/// written. `kept` is left holding this report's workbook (none after an error: the next
/// write starts afresh).
pub fn write_again(
    kept: &mut Option<KeptWorkbook>,
    report: &Report,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    write_sheets_again(kept, layout::sheets(report, lang))
}

fn write_sheets_again(
    kept: &mut Option<KeptWorkbook>,
    sheets: Vec<Sheet>,
) -> Result<Vec<u8>, XlsxError> {
    if let Some(earlier) = kept.as_ref().filter(|k| k.sheets == sheets) {
        return Ok(earlier.bytes.clone());
    }
    let formats = Formats::new();
    let mut workbook = match kept.take().filter(|k| alike(&k.sheets, &sheets)) {
        Some(mut earlier) => {
            for (i, (was, now)) in earlier.sheets.iter().zip(&sheets).enumerate() {
                let worksheet = earlier.workbook.worksheet_from_index(i)?;
                write_changes(worksheet, was, now, &formats)?;
            }
            earlier.workbook
        }
        None => {
            let mut workbook = Workbook::new();
            for sheet in &sheets {
                write_sheet(workbook.add_worksheet(), sheet, &formats)?;
            }
            workbook
        }
    };
    let bytes = workbook.save_to_buffer()?;
    *kept = Some(KeptWorkbook {
        sheets,
        workbook,
        bytes: bytes.clone(),
    });
    Ok(bytes)
}

/// Whether a workbook of `was` becomes one of `now` by setting cells: the same sheets with
/// the same names, widths and frozen rows, and none shorter (a sheet keeps the extent of the
/// cells ever written, so rows cleared at its end would print as empty ones).
fn alike(was: &[Sheet], now: &[Sheet]) -> bool {
    was.len() == now.len()
        && was.iter().zip(now).all(|(was, now)| {
            was.name == now.name
                && was.widths == now.widths
                && was.frozen_rows == now.frozen_rows
                && was.rows.len() <= now.rows.len()
                && was
                    .rows
                    .iter()
                    .zip(&now.rows)
                    .all(|(w, n)| w.cells.len() <= n.cells.len())
        })
}

/// Sets the cells of `now` that differ from `was` in `worksheet` (which holds `was`).
fn write_changes(
    worksheet: &mut Worksheet,
    was: &Sheet,
    now: &Sheet,
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (r, row) in now.rows.iter().enumerate() {
        let before = was.rows.get(r);
        if before == Some(row) {
            continue;
        }
        let same_style = before.is_some_and(|b| b.style == row.style);
        let r = row_num(r)?;
        for (c, cell) in row.cells.iter().enumerate() {
            let earlier = before.and_then(|b| b.cells.get(c));
            if same_style && earlier == Some(cell) {
                continue;
            }
            let col = col_num(c)?;
            if earlier.is_some() {
                // What was there goes, whether or not this cell writes anything.
                worksheet.clear_cell(r, col);
            }
            write_cell(worksheet, r, col, cell, row.style, formats)?;
        }
    }
    Ok(())
}

fn write_sheet(
    worksheet: &mut Worksheet,
    sheet: &Sheet,
    formats: &Formats,
) -> Result<(), XlsxError> {
    worksheet.set_name(&sheet.name)?;
    for (col, width) in sheet.widths.iter().enumerate() {
        worksheet.set_column_width(col_num(col)?, *width)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = row_num(r)?;
        for (c, cell) in row.cells.iter().enumerate() {
            write_cell(worksheet, r, col_num(c)?, cell, row.style, formats)?;
        }
    }
    if sheet.frozen_rows > 0 {
        worksheet.set_freeze_panes(sheet.frozen_rows, 0)?;
        worksheet.set_repeat_rows(0, sheet.frozen_rows - 1)?;
    }
    worksheet
        .set_landscape()
        .set_paper_size(A4)
        .set_print_fit_to_pages(1, 0)
        .set_footer("&C&P / &N");
    Ok(())
}

fn write_cell(
    worksheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    style: RowStyle,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let text_format = match style {
        RowStyle::Title => &formats.title,
        RowStyle::Note => &formats.note,
        RowStyle::Section => &formats.section,
        RowStyle::Header => &formats.header,
        RowStyle::Total => &formats.total,
        RowStyle::Body | RowStyle::Blank => &formats.body,
    };
    let number_format = if style == RowStyle::Total {
        &formats.total
    } else {
        &formats.number
    };
    match cell {
        Cell::Text(text) => {
            worksheet.write_string_with_format(row, col, text, text_format)?;
        }
        Cell::Number(n) => {
            worksheet.write_number_with_format(row, col, *n, number_format)?;
        }
        Cell::Date(day) => {
            let date = excel_date(*day)?;
            worksheet.write_datetime_with_format(row, col, &date, &formats.date)?;
        }
        Cell::Empty if matches!(style, RowStyle::Body | RowStyle::Total) => {
            // Borders on empty cells keep the table's grid whole when printed.
            worksheet.write_blank(row, col, text_format)?;
        }
        Cell::Empty => {}
    }
    Ok(())
}

fn excel_date(day: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let year =
        u16::try_from(day.year()).map_err(|_| XlsxError::DateTimeRangeError(day.to_string()))?;
    // Month and day always fit in u8.
    ExcelDateTime::from_ymd(year, day.month() as u8, day.day() as u8)
}

fn row_num(index: usize) -> Result<u32, XlsxError> {
    u32::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

fn col_num(index: usize) -> Result<u16, XlsxError> {
    u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::layout::Row;
    use chrono::NaiveDate;

    fn sheet(name: &str, rows: Vec<(RowStyle, Vec<Cell>)>) -> Sheet {
        Sheet {
            name: name.into(),
            slug: name.into(),
            widths: vec![10.0, 20.0, 12.0],
            rows: rows
                .into_iter()
                .map(|(style, cells)| Row { style, cells })
                .collect(),
            frozen_rows: 1,
        }
    }

    fn text(t: &str) -> Cell {
        Cell::Text(t.into())
    }

    fn day(d: u32) -> Cell {
        Cell::Date(NaiveDate::from_ymd_opt(2026, 9, d).expect("a day"))
    }

    /// Every cell of every sheet, as text, with its format's number format.
    fn cells(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
        use calamine::Reader;
        let mut workbook: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
        workbook
            .worksheets()
            .into_iter()
            .map(|(name, range)| {
                let rows = range
                    .rows()
                    .map(|r| r.iter().map(|c| format!("{c:?}")).collect())
                    .collect();
                (name, rows)
            })
            .collect()
    }

    fn before() -> Vec<Sheet> {
        vec![
            sheet(
                "Tổng hợp",
                vec![
                    (RowStyle::Title, vec![text("Báo cáo")]),
                    (RowStyle::Note, vec![text("Kỳ Q3"), text("đến 30/9")]),
                    (
                        RowStyle::Body,
                        vec![Cell::Number(1.0), text("Xã A"), day(9)],
                    ),
                    (
                        RowStyle::Body,
                        vec![Cell::Number(2.0), text("Xã B"), Cell::Empty],
                    ),
                    (
                        RowStyle::Total,
                        vec![Cell::Empty, text("Tổng"), Cell::Number(2.0)],
                    ),
                ],
            ),
            sheet(
                "Đơn vị",
                vec![(RowStyle::Header, vec![text("STT"), text("Tên")])],
            ),
        ]
    }

    #[test]
    fn a_kept_workbook_written_again_is_the_workbook_written_afresh() {
        let mut after = before();
        let rows = &mut after[0].rows;
        rows[1].cells[1] = Cell::Empty; // a note's cell that goes
        rows[2].cells[2] = day(15); // a date moved
        rows[3].cells[1] = text("Xã B (tên mới)");
        rows[3].cells[2] = Cell::Number(40.5); // empty, now a figure
        rows[4].style = RowStyle::Body; // another style, same cells
        rows.push(Row {
            style: RowStyle::Body,
            cells: vec![Cell::Number(3.0), text("Xã C"), day(20)],
        });
        after[1].rows.push(Row {
            style: RowStyle::Body,
            cells: vec![Cell::Number(1.0), text("Sở Nội vụ")],
        });
        let mut kept = None;
        let first = write_sheets_again(&mut kept, before()).expect("first");
        assert_eq!(
            cells(&first),
            cells(&write_sheets_again(&mut None, before()).expect("xlsx"))
        );
        let again = write_sheets_again(&mut kept, after.clone()).expect("again");
        let unchanged = write_sheets_again(&mut kept, after.clone()).expect("unchanged");
        assert_eq!(unchanged, again, "nothing changed: the same bytes");
        let afresh = write_sheets_again(&mut None, after.clone()).expect("afresh");
        assert_ne!(cells(&first), cells(&afresh), "the change shows");
        assert_eq!(cells(&again), cells(&afresh));
        // And back: a sheet shorter than the kept one is written whole.
        assert!(!alike(&after, &before()));
        let back = write_sheets_again(&mut kept, before()).expect("back");
        assert_eq!(cells(&back), cells(&first));
    }
}
