//! DOCX through docx-rs, then the whole plan importer. Input starting with `PK` is taken as a
//! whole file (so damaged packages are fuzzed); anything else is `word/document.xml`, packed
//! into a valid package, so the mutations reach the table reading (gridSpan, vMerge, nested
//! tables) instead of dying on zip checksums.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") {
        dondoc_fuzz::import_plan(data, "docx");
    } else {
        dondoc_fuzz::import_plan(&dondoc_fuzz::docx(data), "docx");
    }
});
