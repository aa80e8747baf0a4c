//! XLSX through calamine, then the whole plan importer. Input starting with `PK` is taken as
//! a whole file (so damaged packages are fuzzed); anything else is the XML of the one sheet,
//! then a NUL byte, then the shared strings, packed into a valid workbook, so the mutations
//! reach the sheet parser instead of dying on zip checksums.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") {
        dondoc_fuzz::import_plan(data, "xlsx");
        return;
    }
    let mut parts = data.splitn(2, |&b| b == 0);
    let sheet = parts.next().unwrap_or_default();
    let strings = parts.next().unwrap_or_default();
    dondoc_fuzz::import_plan(&dondoc_fuzz::xlsx(sheet, strings), "xlsx");
});
