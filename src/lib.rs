//! # dondoc — chasing a province's governance-improvement plan
//!
//! ## Layout
//! - [`config`]: the one typed configuration (file `config/dondoc.toml`, then `DONDOC_…` env).
//! - [`clock`]: the injected notion of "now", so deadline logic is testable on any date.
//! - [`domain`]: plain types and rules (units, plans, tasks, the reporting calendar,
//!   timeframes, text normalisation). No I/O.
//! - [`store`]: SQLite and Postgres behind one [`store::Store`], one file per aggregate
//!   (units, plans, members, assignments, reports, conversations, cases, outbox …); dialect
//!   differences live in `store/sqlite.rs` and `store/postgres.rs`. It tells what it queues to
//!   a [`store::QueueObserver`] (the service's metrics) rather than importing `ops`.
//! - [`import`]: reading tables (CSV/TSV, XLSX, DOCX) and turning them into units and plans.
//! - [`chat`]: the messaging layer: typed buttons and their one encoding, channel-neutral
//!   keyboards (what outbox rows store), Telegram's client, rate limits and answers, and the
//!   bot's paced direct reply (`chat::telegram::say`).
//! - [`bot`]: the Telegram bot (teloxide): onboarding, tasks and status replies in chat.
//! - [`hotline`]: citizen cases as the hotline and the units see them, their keyboards
//!   (`chat::Keyboard`s) and notices, and their figures (`cases stats`, the digest).
//! - [`export`]: the periodic report to the People's Committee (XLSX/CSV), as plain data first.
//! - [`outbox`]: the durable, rate-limited sender of every message the service sends itself.
//! - [`scheduler`]: reminders, escalation steps, closing reports and digests, queued per pass.
//! - [`service`]: `serve` = bot + scheduler + sender (+ `/healthz`, `/metrics`), started and
//!   stopped together.
//! - [`ops`]: watching the service: metrics, the health and metrics listener, config checks.
//!
//! Imports go one way, with no circle (ARCHITECTURE.md, "Who imports whom"): `domain` at the
//! bottom; `config`, `import`, `messages`, then `chat`, then `store`; `hotline`, `export`,
//! `web`, `ops` over the store; `outbox`, then `scheduler`, then `bot`; `service` and `cli` on
//! top.
//! - [`messages`]: every user-facing sentence, one file per area (the web board's too), each
//!   with its Vietnamese and English side by side (`messages::Render`; callers write
//!   `text.render(lang)`).
//! - [`web`]: the coordinators' web board on the `http.listen` listener (`http.public_url`).
//! - [`zalo`]: the second messenger: its Bot API client, the listener `serve` runs beside the
//!   Telegram bot (polling or webhook, every update kept in `zalo_inbox` first) and the text
//!   conversation (numbered lists, one-line answers, «1»/«2» confirmations).
//! - [`answers`]: what typed answers mean, the same on Telegram and Zalo.
//! - [`cli`]: the `dondoc` command line, one file per command group (`cli/mod.rs` has the
//!   map); errors and tables go through one path each; `main.rs` only calls [`cli::run`].

pub mod answers;
pub mod bot;
pub mod chat;
pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod export;
pub mod hotline;
pub mod import;
pub mod messages;
pub mod ops;
pub mod outbox;
pub mod scheduler;
pub mod service;
pub mod store;
pub mod web;
pub mod zalo;
