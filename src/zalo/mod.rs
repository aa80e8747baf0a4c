//! The second messenger: officials on Zalo (see `shared/ZALO.md` and the README's "Zalo").
//! `api`: the Zalo Bot API client (tolerant reading of updates, 2,000-character texts,
//! refusals classified as the sender needs). `listener`: updates by long polling or webhook,
//! each kept in `zalo_inbox` before it is handled, replayed at start. `conversation`: the
//! text conversation (lists, one-line answers, «1»/«2» confirmations, onboarding, `/nhom`)
//! and the paced replies.

pub mod api;
pub mod conversation;
pub mod listener;
pub mod send;

pub use send::pacer;
