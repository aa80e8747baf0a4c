//! All integration tests in one binary (linked once instead of once per file).
//! Run one area with `cargo test --test it bot::`; the Postgres half runs when
//! `DONDOC_TEST_POSTGRES_URL` is set (see `support`).

#[path = "../support/mod.rs"]
mod support;

mod bot;
mod cases;
mod cases_cli;
mod cli;
mod config;
mod export;
mod fake_telegram;
mod holidays;
mod hostile;
mod hotline;
mod ops;
mod outbox;
mod plan_import;
mod prose;
mod province;
mod scheduler;
mod serve_processes;
mod service;
mod store_contract;
mod web;
mod zalo;
mod zalo_api;
mod zalo_outbound;
