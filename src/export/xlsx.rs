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
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    for sheet in layout::sheets(report, lang) {
        let worksheet = workbook.add_worksheet();
        write_sheet(worksheet, &sheet, &formats)?;
    }
    workbook.save_to_buffer()
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
