//! Invitation codes: random, single use, stored only as a hash.

use rand::Rng;
use sha2::{Digest, Sha256};

/// Telegram's deep-link payload alphabet.
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/// 22 characters of 6 bits each: 132 random bits, inside the 64-character payload limit.
const CODE_LENGTH: usize = 22;

/// More bad codes than this from one chat within an hour are refused unchecked (on every
/// messenger: the chat's number counts them).
pub const MAX_BAD_CODES_PER_HOUR: i64 = 5;

/// A fresh code from the operating system's random source.
pub fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LENGTH)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// What the database keeps of a code.
pub fn hash(code: &str) -> String {
    let digest = Sha256::digest(code.trim().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Plausible codes only: the right length and alphabet (anything else is not even looked up).
pub fn looks_valid(code: &str) -> bool {
    code.len() == CODE_LENGTH && code.bytes().all(|b| ALPHABET.contains(&b))
}

/// `https://t.me/<bot>?start=<code>`: opening it sends `/start <code>` to the bot.
pub fn deep_link(bot_username: &str, code: &str) -> String {
    format!("https://t.me/{bot_username}?start={code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_random_and_linkable() {
        let a = new_code();
        let b = new_code();
        assert_ne!(a, b);
        assert!(looks_valid(&a) && a.len() <= 64);
        assert_eq!(hash(&a).len(), 64);
        assert_eq!(hash(&a), hash(&format!(" {a} ")));
        assert!(!looks_valid("short"));
        assert_eq!(
            deep_link("dondoc_bot", "abc"),
            "https://t.me/dondoc_bot?start=abc"
        );
    }
}
