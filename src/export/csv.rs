//! The report as CSV: one file per sheet, since CSV has no sheets. `--out bao_cao.csv` writes
//! `bao_cao-tong-hop.csv` (the summary), `bao_cao-noi-dung-1.csv` … (one per dimension),
//! `bao_cao-don-vi.csv` (the units) and `bao_cao-phan-anh.csv` (the cases) beside it, each
//! UTF-8 with a byte-order mark (so Excel shows the accents) and the same cells as the
//! workbook, dates written dd/mm/yyyy.

use std::path::{Path, PathBuf};

use super::layout::{self, RowStyle, Sheet};
use super::Report;
use crate::messages::Lang;

/// One sheet's CSV bytes.
pub fn sheet_bytes(sheet: &Sheet) -> std::io::Result<Vec<u8>> {
    let mut writer = ::csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    for row in &sheet.rows {
        if row.style == RowStyle::Blank {
            // An empty record would be written `""`; a row of empty fields reads as blank.
            writer.write_record(sheet.widths.iter().map(|_| ""))?;
        } else {
            writer.write_record(row.cells.iter().map(|c| c.plain()))?;
        }
    }
    writer
        .into_inner()
        .map_err(|e| std::io::Error::other(e.error().to_string()))
}

/// The file a sheet goes to: beside `out`, named after its stem.
fn sheet_path(out: &Path, sheet: &Sheet) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bao-cao".into());
    out.with_file_name(format!("{stem}-{}.csv", sheet.slug))
}

/// Writes every sheet; returns the files written, the summary first.
pub fn write_files(report: &Report, lang: Lang, out: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for sheet in layout::sheets(report, lang) {
        let path = sheet_path(out, &sheet);
        std::fs::write(&path, sheet_bytes(&sheet)?)?;
        written.push(path);
    }
    Ok(written)
}
