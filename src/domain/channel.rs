//! Which messenger a chat or a member is on.
//!
//! Every table keyed by a chat (`outbox.chat_id`, `dialogues`, `group_chats`, `bot_messages`,
//! `start_failures`, `processed_updates`) keeps one `i64`. Telegram's ids are used as they
//! come (they fit in 52 bits, negative for groups). Zalo's ids are strings, so each Zalo id a
//! chat or a user has is given a local number in `zalo_ids`, counted from [`ZALO_NUMBER_BASE`]
//! (2^60) — a range no Telegram id reaches. The channel of any stored chat number is then
//! read off the number itself ([`Channel::of_chat`]), and every table and every per-chat rule
//! (order, pacing, dialogue state) works unchanged for both messengers, with no chance that a
//! Telegram chat and a Zalo chat share a key.

use serde::{Deserialize, Serialize};

/// Zalo's local numbers start here (`zalo_ids.id`, `zalo_inbox.id`); Telegram's chat and user
/// ids stay below 2^52 in absolute value.
pub const ZALO_NUMBER_BASE: i64 = 1 << 60;

/// A messenger dondoc speaks on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Telegram,
    Zalo,
}

impl Channel {
    /// The channel a stored chat (or user, or update) number belongs to.
    pub fn of_chat(number: i64) -> Channel {
        if number >= ZALO_NUMBER_BASE {
            Channel::Zalo
        } else {
            Channel::Telegram
        }
    }

    /// The messenger a stored file id came from: Zalo gives a photo as its address, which is
    /// kept as the id (`zalo::conversation`); Telegram's file ids never start with a scheme.
    pub fn of_file(file_id: &str) -> Channel {
        if file_id.starts_with("https://") || file_id.starts_with("http://") {
            Channel::Zalo
        } else {
            Channel::Telegram
        }
    }

    /// As stored in `people.channel_choice` / `people.last_channel`.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Telegram => "telegram",
            Channel::Zalo => "zalo",
        }
    }

    /// Reads a stored value; None for anything else (a column the migration constrains).
    pub fn parse(raw: &str) -> Option<Channel> {
        match raw {
            "telegram" => Some(Channel::Telegram),
            "zalo" => Some(Channel::Zalo),
            _ => None,
        }
    }
}

/// The one chat a member is written to, from their links as stored: the messenger chosen for
/// them when they are linked there, else the one they wrote from last, else Telegram, else
/// Zalo; None when linked on neither. `Person::chat_to_write` and the scheduler's snapshot
/// (which reads the columns without a `Person`) both ask this, so the rule lives once.
pub fn chat_to_write(
    telegram: Option<i64>,
    zalo_chat: Option<i64>,
    choice: Option<Channel>,
    last: Option<Channel>,
) -> Option<i64> {
    let chat_on = |channel: Channel| match channel {
        Channel::Telegram => telegram,
        Channel::Zalo => zalo_chat,
    };
    choice
        .and_then(chat_on)
        .or_else(|| last.and_then(chat_on))
        .or(telegram)
        .or(zalo_chat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zalo_photo_address_is_told_from_a_telegram_file_id() {
        assert_eq!(
            Channel::of_file("https://zalo.invalid/a.jpg"),
            Channel::Zalo
        );
        assert_eq!(Channel::of_file("http://127.0.0.1:9/a.jpg"), Channel::Zalo);
        assert_eq!(Channel::of_file("AgACAgIAAxkBAAIB"), Channel::Telegram);
    }

    #[test]
    fn telegram_ids_and_zalo_numbers_never_meet() {
        // A Telegram user id, a supergroup id and the largest id Telegram documents (52 bits).
        for id in [42_i64, -1_001_234_567_890, (1 << 52) - 1, -((1 << 52) - 1)] {
            assert_eq!(Channel::of_chat(id), Channel::Telegram);
        }
        assert_eq!(Channel::of_chat(ZALO_NUMBER_BASE), Channel::Zalo);
        assert_eq!(Channel::of_chat(ZALO_NUMBER_BASE + 7), Channel::Zalo);
    }

    #[test]
    fn stored_names_read_back() {
        for channel in [Channel::Telegram, Channel::Zalo] {
            assert_eq!(Channel::parse(channel.as_str()), Some(channel));
        }
        assert_eq!(Channel::parse("Zalo"), None);
    }
}
