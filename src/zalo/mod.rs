//! The second messenger: officials on Zalo (see `shared/ZALO.md` and the README's "Zalo").
//! `api`: the Zalo Bot API client (tolerant reading of updates, 2,000-character texts,
//! refusals classified as the sender needs).

pub mod api;
pub mod send;
