//! Any string as a button's callback data, through every decoder the bot has: the task
//! buttons (`Callback::decode`) and the hotline's (`HotlineButton::decode`). Properties: never
//! a panic; no data is both; what decodes encodes back (within Telegram's 64 bytes for
//! `Callback`, whose fields are ids only) to data that decodes to the same button, and to the
//! very same data when it was written the way we write it.
#![no_main]
use dondoc::bot::{Callback, HotlineButton};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let callback = Callback::decode(data);
    let hotline = HotlineButton::decode(data);
    assert!(
        callback.is_none() || hotline.is_none(),
        "{data:?} is both {callback:?} and {hotline:?}"
    );
    if let Some(callback) = callback {
        let encoded = callback.encode();
        assert!(encoded.len() <= 64, "{encoded:?} is over 64 bytes");
        assert_eq!(Callback::decode(&encoded), Some(callback), "{data:?}");
        assert_eq!(callback.encode(), encoded, "encoding is stable");
    }
    if let Some(button) = hotline {
        match button.encode() {
            Some(encoded) => {
                assert_eq!(HotlineButton::decode(&encoded), Some(button), "{data:?}");
                assert!(Callback::decode(&encoded).is_none(), "{encoded:?}");
                if data.starts_with("k:") {
                    // Intake data is kept as written.
                    assert_eq!(encoded, data);
                }
            }
            None => assert_eq!(button, HotlineButton::Stale),
        }
    }
});
