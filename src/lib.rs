//! # dondoc — chasing a province's governance-improvement plan
//!
//! ## Layout
//! - [`config`]: the one typed configuration (file `config/dondoc.toml`, then `DONDOC_…` env).
//! - [`clock`]: the injected notion of "now", so deadline logic is testable on any date.
//! - [`domain`]: plain types and rules (units, plans, tasks, the reporting calendar,
//!   timeframes, text normalisation). No I/O.
//! - [`store`]: SQLite and Postgres behind one [`store::Store`]; dialect differences live in
//!   `store/sqlite.rs` and `store/postgres.rs`.
//! - [`import`]: reading tables (CSV/TSV, XLSX, DOCX) and turning them into units and plans.
//! - [`bot`]: the Telegram bot (teloxide): onboarding, tasks and status replies in chat.
//! - [`hotline`]: citizen cases as the hotline and the units see them.
//! - [`export`]: the periodic report to the People's Committee (XLSX/CSV), as plain data first.
//! - [`outbox`]: the durable, rate-limited sender of every message the service sends itself.
//! - [`scheduler`]: reminders, escalation steps, closing reports and digests, queued per pass.
//! - [`hotline`]: the citizen-feedback hotline's figures (`cases stats`, the digest).
//! - [`service`]: `serve` = bot + scheduler + sender (+ `/healthz`, `/metrics`), started and
//!   stopped together.
//! - [`ops`]: watching the service: metrics, the health and metrics listener, config checks.
//! - [`messages`]: every user-facing sentence, one file per area, each with its Vietnamese and
//!   English side by side (`messages::Render`; callers write `text.render(lang)`).
//! - [`cli`]: the `dondoc` command line; `main.rs` only calls [`cli::run`].

pub mod bot;
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
