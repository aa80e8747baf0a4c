//! Any string as a button's callback data, through the one decoder the bot has
//! (`chat::Callback::decode`, task and hotline buttons alike). Properties: never a panic; what
//! decodes encodes back within Telegram's 64 bytes to data that decodes to the same button,
//! and encoding is stable.
#![no_main]
use dondoc::chat::Callback;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    if let Some(callback) = Callback::decode(data) {
        let encoded = callback.encode();
        assert!(encoded.len() <= 64, "{encoded:?} is over 64 bytes");
        assert_eq!(Callback::decode(&encoded), Some(callback), "{data:?}");
        assert_eq!(callback.encode(), encoded, "encoding is stable");
    }
});
