//! The coordinators' web board (issue 17): the plan at a glance in a browser, served on the
//! `http.listen` listener beside `/healthz` and `/metrics` once `http.public_url` is set.
//!
//! - `auth`: one-time login links (from `/web` or `dondoc web link`), sessions, CSRF.
//! - `data`: scopes (the chat's: a coordinator the city/province, a lead unit the tasks it
//!   monitors, a commune itself) and the figures, from the periodic report's own reading.
//! - `pages`: the HTML (maud, checked at compile time), plain CSS, server-drawn SVG bars.
//! - its sentences are `messages::WebText` (`messages/web.rs`), Vietnamese and English side
//!   by side like every area of the catalogue.
//!
//! Every page and download checks the session and the scope on the server.

pub mod auth;
pub mod data;
mod pages;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use chrono_tz::Tz;
use teloxide::Bot;

use crate::config::Config;
use crate::messages::Lang;
use crate::store::Store;

pub use auth::{login_link, LOGIN_LINK_MINUTES, SESSION_IDLE_HOURS};

/// What the board's handlers share.
pub struct Board {
    pub store: Store,
    pub time_zone: Tz,
    /// The province's language, for people who chose none.
    pub lang: Lang,
    /// `http.public_url` without a trailing slash.
    pub public_url: String,
    /// The session cookie is `Secure` (the public address is https).
    pub secure_cookie: bool,
    /// The hotline's acknowledgement clock, for the export's case figures.
    pub ack_hours: u32,
    /// The bot's client, to fetch stored files by id (getFile); None without a token.
    pub bot: Option<Bot>,
    /// The last reading of each plan (and period, language), with the data version and day
    /// it was read at: pages reuse it until something is written or the day changes.
    pub(crate) cache: pages::SnapshotCache,
    /// How many times a plan was read in full (not kept, not brought up to date).
    full_reads: Arc<AtomicU64>,
    /// How many workbooks were written (downloads and those written ahead).
    workbooks: Arc<AtomicU64>,
}

impl Board {
    /// The board `config` asks for: None when `http.public_url` is not set.
    pub fn from_config(config: &Config, store: Store) -> anyhow::Result<Option<Board>> {
        let Some(public_url) = config.http.public_url.as_deref() else {
            return Ok(None);
        };
        let bot = match config.telegram.bot_token {
            Some(_) => Some(crate::chat::telegram::client(config)?),
            None => None,
        };
        Ok(Some(Board::new(
            store,
            public_url,
            config.province.time_zone,
            config.province.language,
            config.hotline.clocks.ack_hours,
            bot,
        )))
    }

    pub fn new(
        store: Store,
        public_url: &str,
        time_zone: Tz,
        lang: Lang,
        ack_hours: u32,
        bot: Option<Bot>,
    ) -> Board {
        let public_url = public_url.trim_end_matches('/').to_string();
        Board {
            store,
            time_zone,
            lang,
            secure_cookie: public_url.starts_with("https://"),
            public_url,
            ack_hours,
            bot,
            cache: pages::SnapshotCache::default(),
            full_reads: Arc::default(),
            workbooks: Arc::default(),
        }
    }

    /// A handle on the count of full plan readings, to watch it once the board serves (the
    /// tests check that a reply does not make the board read the plan again).
    pub fn full_reads(&self) -> Counter {
        Counter(self.full_reads.clone())
    }

    /// A handle on the count of workbooks written (the tests check that one is written ahead
    /// of the download after a write).
    pub fn workbooks_written(&self) -> Counter {
        Counter(self.workbooks.clone())
    }
}

/// A count a board keeps (see [`Board::full_reads`], [`Board::workbooks_written`]).
#[derive(Debug, Clone)]
pub struct Counter(Arc<AtomicU64>);

impl Counter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// The board's routes, to merge beside `/healthz` and `/metrics`.
pub fn router(board: Board) -> Router {
    let board = Arc::new(board);
    tokio::spawn(pages::keep_fresh(Arc::downgrade(&board)));
    Router::new()
        .route("/", get(pages::home))
        .route("/board.css", get(pages::stylesheet))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/login/{token}", get(auth::login_confirm))
        .route("/logout", post(auth::logout))
        .route("/plans/{plan}", get(pages::overview))
        .route("/plans/{plan}/grid", get(pages::grid))
        .route("/plans/{plan}/units/{unit}", get(pages::unit))
        .route("/plans/{plan}/reach", get(pages::reach))
        .route("/plans/{plan}/export.xlsx", get(pages::export))
        .route("/cases", get(pages::cases))
        .route("/files/{id}", get(pages::file))
        .with_state(board)
}
