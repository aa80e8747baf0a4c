//! The second messenger: officials on Zalo (see `shared/ZALO.md` and the README's "Zalo").
//! `api`: the Zalo Bot API client (tolerant reading of updates, 2,000-character texts,
//! refusals classified as the sender needs). `listener`: updates by long polling or webhook,
//! each kept in `zalo_inbox` before it is handled, replayed at start. `conversation`: the
//! text conversation (lists, one-line answers, «1»/«2» confirmations, onboarding, `/nhom`)
//! and the paced replies.

pub mod api;
pub mod conversation;
pub mod listener;

use crate::chat::Pacer;
use crate::config::ZaloConfig;

/// Zalo's limits for one process, from `[zalo]`: made once in `serve` and shared by the
/// listener's replies and the outbox's Zalo sender, as Telegram's pacer is shared.
pub fn pacer(config: &ZaloConfig) -> Pacer {
    Pacer::with_rates(
        config.messages_per_second,
        config.chat_interval_ms,
        config.group_messages_per_minute,
    )
}
