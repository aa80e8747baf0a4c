//! Any string as the payload of `/start <payload>` (what opening an invitation deep link
//! sends): the command parser, the code check and the hash the database is searched by.
//! Properties: never a panic; the hash is 64 lowercase hex digits and ignores surrounding
//! spaces; a code that looks valid survives the deep link and `/start` unchanged.
#![no_main]
use dondoc::bot::{invitation, parse_command};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|payload: &str| {
    let message = format!("/start {payload}");
    let Some((name, code)) = parse_command(&message) else {
        panic!("{message:?} is not a command");
    };
    assert_eq!(name, "start");
    let hash = invitation::hash(code);
    assert_eq!(hash.len(), 64);
    assert!(hash
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    assert_eq!(hash, invitation::hash(&format!(" {code}\n")));
    let valid = invitation::looks_valid(payload);
    if valid {
        assert_eq!(code, payload);
        assert!(payload.len() <= 64, "Telegram's payload limit");
        let link = invitation::deep_link("dondoc_bot", payload);
        let url = url::Url::parse(&link).expect("a valid code makes a valid link");
        let start = url
            .query_pairs()
            .find(|(k, _)| k == "start")
            .map(|(_, v)| v.into_owned());
        assert_eq!(start.as_deref(), Some(payload), "{link}");
    }
});
