//! The draft as a task table in the standard layout the importer reads, plus `Nguồn` (the
//! paragraphs a task came from) and `Cần xem lại` (what a person must check).

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::{numbered, ProseDraft, Review};

/// The sentences a draft table holds, in its language (Vietnamese). The catalogue gives them
/// (`messages::draft_table_words`), so that `import` never depends on `messages`.
pub struct TableWords {
    /// One line of the `Cần xem lại` cell.
    pub review: fn(&Review) -> String,
    /// What a task naming no unit at all shows as its implementing units.
    pub no_unit: String,
}

/// The header row: the importer's column names, then the two columns of a draft.
pub const HEADER: [&str; 8] = [
    "TT",
    "Chỉ số nội dung / tiêu chí",
    "Nhiệm vụ",
    "Đơn vị chủ trì theo dõi",
    "Đơn vị thực hiện",
    "Thời gian thực hiện",
    "Nguồn",
    "Cần xem lại",
];

const WIDTHS: [f64; 8] = [6.0, 28.0, 60.0, 26.0, 30.0, 16.0, 50.0, 36.0];

/// The review cell of a task: one line per thing to check, in Vietnamese (the table's language).
pub fn review_cell(task: &super::ProseTask, words: &TableWords) -> String {
    task.review
        .iter()
        .map(words.review)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The workbook's bytes: a row per dimension (its number and title), then its tasks.
pub fn write_xlsx(draft: &ProseDraft, words: &TableWords) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Nhiệm vụ")?;
    let cell = Format::new()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top);
    let header = cell.clone().set_bold().set_background_color(0xD9E1F2);
    let heading = cell.clone().set_bold();
    let review = cell.clone().set_background_color(0xFFE699);
    for (column, (name, width)) in HEADER.iter().zip(WIDTHS).enumerate() {
        let column = column as u16;
        sheet.write_string_with_format(0, column, *name, &header)?;
        sheet.set_column_width(column, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let mut row = 1u32;
    let mut last_dimension = None;
    for (dimension, code, task) in numbered(&draft.tasks) {
        if last_dimension.as_ref() != Some(&dimension.code) {
            sheet.write_string_with_format(row, 0, &dimension.code, &heading)?;
            sheet.write_string_with_format(row, 1, &dimension.title, &heading)?;
            row += 1;
            last_dimension = Some(dimension.code.clone());
        }
        // A task naming no unit at all would read back as a heading row (nothing in its work
        // cells) once its review cell is cleared: "(chưa rõ)", which names no unit, keeps it a
        // task the importer refuses until someone names its units.
        let implementing = if task.lead.is_empty() && task.implementing.is_empty() {
            words.no_unit.as_str()
        } else {
            task.implementing.as_str()
        };
        let cells = [
            code.as_str(),
            task.criterion.as_str(),
            task.text.as_str(),
            task.lead.as_str(),
            implementing,
            task.timeframe.as_str(),
            task.source.as_str(),
        ];
        for (column, value) in cells.iter().enumerate() {
            sheet.write_string_with_format(row, column as u16, *value, &cell)?;
        }
        let to_check = review_cell(task, words);
        let format = if to_check.is_empty() { &cell } else { &review };
        sheet.write_string_with_format(row, 7, &to_check, format)?;
        row += 1;
    }
    sheet.autofilter(0, 0, row.saturating_sub(1), 7)?;
    workbook.save_to_buffer()
}
