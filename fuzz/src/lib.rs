//! What the import targets share: the example registry as a unit directory, the importer's
//! whole path from bytes, and minimal XLSX/DOCX packages around fuzzed XML.

use std::io::{Cursor, Write};
use std::sync::OnceLock;

use dondoc::domain::unit::Unit;
use dondoc::domain::{PlanYear, UnitCode};
use dondoc::import::{self, table, UnitDirectory};
use zip::write::SimpleFileOptions;

/// `examples/units.csv` as a directory scoped to the province.
fn directory() -> &'static UnitDirectory {
    static DIRECTORY: OnceLock<UnitDirectory> = OnceLock::new();
    DIRECTORY.get_or_init(|| {
        let csv = include_bytes!("../../examples/units.csv");
        let tables = table::tables_from_bytes(csv, "csv").expect("example registry reads");
        let units = import::read_units_tables(&tables, &[])
            .expect("example registry is valid")
            .into_iter()
            .enumerate()
            .map(|(i, u)| Unit {
                id: i as i64 + 1,
                code: u.code,
                name: u.name,
                kind: u.kind,
                parent: u.parent,
                aliases: u.aliases,
            })
            .collect();
        let scope = UnitCode::parse("TINH").expect("code");
        UnitDirectory::new(units, &scope).expect("scope exists")
    })
}

/// The importer's path after reading the file: bytes → tables → plan tasks. Never panics;
/// whatever it returns is fine.
pub fn import_plan(bytes: &[u8], extension: &str) {
    let Ok(tables) = table::tables_from_bytes(bytes, extension) else {
        return;
    };
    for t in &tables {
        for row in &t.rows {
            assert!(row.number >= 1, "rows are numbered from 1");
        }
    }
    let year = PlanYear::new(2026).expect("year");
    // A header row with no task under it reads as no tasks and no problems (see
    // RELIABILITY.md): not asserted here.
    let reading = import::read_plan_tables(&tables, directory(), year);
    for problem in &reading.problems {
        if let Some(row) = problem.row {
            assert!(row >= 1, "problems are numbered from row 1");
        }
    }
    // Accepting other years only takes those problems away.
    let options = import::PlanOptions {
        allow_other_years: true,
        ..import::PlanOptions::new(year)
    };
    let lenient = import::read_plan_tables_with(&tables, directory(), options);
    assert!(lenient
        .problems
        .iter()
        .all(|p| !matches!(p.kind, import::ProblemKind::OtherYear { .. })));
    assert!(lenient.problems.len() <= reading.problems.len());
}

/// A zip package of `parts` (name, content), stored uncompressed.
pub fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, content) in parts {
        zip.start_file(*name, options).expect("in memory");
        zip.write_all(content).expect("in memory");
    }
    zip.finish().expect("in memory").into_inner()
}

const XLSX_CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const XLSX_RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const XLSX_WORKBOOK: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const XLSX_WORKBOOK_RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A one-sheet workbook with `sheet` as `xl/worksheets/sheet1.xml` and `strings` as
/// `xl/sharedStrings.xml`.
pub fn xlsx(sheet: &[u8], strings: &[u8]) -> Vec<u8> {
    package(&[
        ("[Content_Types].xml", XLSX_CONTENT_TYPES),
        ("_rels/.rels", XLSX_RELS),
        ("xl/workbook.xml", XLSX_WORKBOOK),
        ("xl/_rels/workbook.xml.rels", XLSX_WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", strings),
    ])
}

const DOCX_CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
const DOCX_RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
const DOCX_DOCUMENT_RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>"#;

/// A Word package with `document` as `word/document.xml`.
pub fn docx(document: &[u8]) -> Vec<u8> {
    package(&[
        ("[Content_Types].xml", DOCX_CONTENT_TYPES),
        ("_rels/.rels", DOCX_RELS),
        ("word/_rels/document.xml.rels", DOCX_DOCUMENT_RELS),
        ("word/document.xml", document),
    ])
}
