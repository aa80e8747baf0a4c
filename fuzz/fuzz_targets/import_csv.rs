//! Any bytes as a plan file named `.csv` (the first byte picks `.tsv` or `.txt` instead when it
//! is 't' or 'x', so the tie-breaking by name is fuzzed too): the text path (UTF-8/UTF-16
//! decoding, delimiter guess, CSV parsing), then header finding, row grouping, unit resolution.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let extension = match data.first() {
        Some(b't') => "tsv",
        Some(b'x') => "txt",
        _ => "csv",
    };
    dondoc_fuzz::import_plan(data, extension);
});
