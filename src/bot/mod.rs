//! The Telegram bot: long polling through teloxide, a handler tree over the [`Store`].
//!
//! `dondoc serve` (through [`crate::service`]) calls [`spawn`]; tests call it to start and
//! stop the same wiring against a fake Bot API server.

pub(crate) mod cards;
mod export;
mod files;
pub(crate) mod flood;
mod hops;
mod hotline;
mod inbox;
pub mod invitation;
mod onboarding;
mod overview;
mod reports;
mod router;
mod send;
mod tasks;
mod web;

// The pure parsers of what people send, public for the fuzz targets (fuzz/).
pub use crate::chat::Callback;
pub use router::command as parse_command;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use teloxide::dispatching::ShutdownToken;
use teloxide::dispatching::{Dispatcher, UpdateFilterExt};
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::prelude::*;
use teloxide::types::BotCommand;
use teloxide::update_listeners::{webhooks, Polling};

use crate::clock::Clock;
use crate::config::Config;
use crate::messages::Lang;
use crate::store::Store;

/// What every handler needs.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub lang: Lang,
    /// Due dates are compared with today in the province.
    pub time_zone: chrono_tz::Tz,
    /// Where received files are also saved, if anywhere.
    pub download_dir: Option<std::path::PathBuf>,
    /// The scheduler's rules, for `/tonghop` and `/quahan`.
    pub rules: crate::scheduler::Rules,
    /// The hotline's clocks and categories.
    pub hotline: crate::domain::case::CaseClocks,
    pub categories: Vec<String>,
    /// Hints per chat, so a flood of nonsense does not flood the chat back.
    pub hints: Arc<flood::HintLimiter>,
    /// Updates kept by a run that stopped before finishing them: one already recorded is
    /// confirmed again, as the stop may have come before its confirmation.
    pub replayed: Arc<std::sync::Mutex<std::collections::HashSet<u32>>>,
    /// Updates handled and replies recorded, for `/metrics`.
    pub metrics: crate::ops::Metrics,
    /// Telegram's limits, shared with the outbox sender: replies count in the same budget.
    pub pacer: crate::chat::Pacer,
    /// `http.public_url`: `/web` sends login links to the web board there.
    pub web_url: Option<String>,
}

impl App {
    /// This app speaking the language a member chose, when they chose one.
    pub fn localized(&self, members: &[crate::store::Member]) -> Option<App> {
        let lang = members.iter().find_map(|m| m.person.language)?;
        (lang != self.lang).then(|| App {
            lang,
            ..self.clone()
        })
    }

    /// Whether update `id` is one a stopped run kept (true once: Telegram may deliver the same
    /// update again after it, and that copy is a plain duplicate).
    pub fn take_replayed(&self, id: u32) -> bool {
        // A poisoned lock only means a handler panicked holding it: the set is still right.
        let mut replayed = self.replayed.lock().unwrap_or_else(|e| e.into_inner());
        replayed.remove(&id)
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.now().with_timezone(&self.time_zone).date_naive()
    }
}

/// A running bot; [`RunningBot::stop`] finishes the updates in hand, then returns.
pub struct RunningBot {
    token: ShutdownToken,
    task: tokio::task::JoinHandle<()>,
    pub username: String,
}

impl RunningBot {
    /// Stops fetching updates and waits for the ones in hand, within bounds: a dispatcher that
    /// fails to report its shutdown must not keep `serve` from exiting.
    pub async fn stop(self) {
        let RunningBot {
            token, mut task, ..
        } = self;
        // teloxide's shutdown future can miss the end of a dispatcher that finished quickly;
        // the task's own end cannot be missed, so wait on that.
        if let Ok(done) = token.shutdown() {
            drop(done);
        }
        if tokio::time::timeout(Duration::from_secs(15), &mut task)
            .await
            .is_err()
        {
            tracing::warn!("the dispatcher did not stop in 15 s; aborting it");
            task.abort();
        }
    }
}

/// The bot client for `config` (kept in `chat::telegram` with the outbox's).
pub use crate::chat::telegram::client;

/// The Vietnamese (or English) command menu.
fn commands(lang: Lang) -> Vec<BotCommand> {
    router::Command::MENU
        .into_iter()
        .filter_map(|command| {
            let text = command.describe(lang)?;
            Some(BotCommand::new(command.name(), text))
        })
        .collect()
}

/// Why the bot did not start: only Telegram's 401 (getMe) means the token is wrong; a
/// network failure, a time-out or a 5xx means Telegram cannot be reached *now*, and `serve`
/// keeps running and asks again. Carried inside the `anyhow::Error` of [`spawn_observed`].
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("Telegram refused the bot token (getMe answered 401 Unauthorized)")]
    BadToken,
    #[error("Telegram cannot be reached: {0}")]
    Unreachable(String),
}

impl StartError {
    /// The reason inside `error`, when it is one of these.
    pub fn of(error: &anyhow::Error) -> Option<&StartError> {
        error.downcast_ref::<StartError>()
    }
}

/// Starts the bot in the background: checks the token, sets the command menu, then polls.
pub async fn spawn(
    config: &Config,
    store: Store,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<RunningBot> {
    let pacer = crate::chat::Pacer::new(&config.outbox);
    spawn_observed(config, store, clock, crate::ops::Metrics::default(), pacer).await
}

/// As [`spawn`], counting updates and recorded replies into `metrics`, and pacing replies
/// with `pacer` (the outbox sender's, so that together they keep Telegram's limits).
pub async fn spawn_observed(
    config: &Config,
    store: Store,
    clock: Arc<dyn Clock>,
    metrics: crate::ops::Metrics,
    pacer: crate::chat::Pacer,
) -> anyhow::Result<RunningBot> {
    let bot = client(config)?;
    let me = bot.get_me().await.map_err(|e| match e {
        teloxide::RequestError::Api(teloxide::ApiError::InvalidToken) => {
            anyhow::Error::new(StartError::BadToken)
        }
        other => anyhow::Error::new(StartError::Unreachable(other.to_string())),
    })?;
    let username = me.username().to_string();
    if store
        .adopt_bot(i64::try_from(me.id.0).unwrap_or(i64::MAX))
        .await
        .context("recording the bot's id")?
    {
        tracing::warn!(bot = %username, "a different bot serves this database now: processed update ids forgotten");
    }
    bot.set_my_commands(commands(config.province.language))
        .await
        .map_err(|e| anyhow::Error::new(StartError::Unreachable(format!("setMyCommands: {e}"))))?;
    let store_for_listener = store.clone();
    let bot_for_notice = bot.clone();
    let store_for_others = store.clone();
    let replay = inbox::kept(&store).await;
    let replayed = replay.iter().map(|u| u.id.0).collect();
    let app = Arc::new(App {
        store,
        clock,
        lang: config.province.language,
        time_zone: config.province.time_zone,
        download_dir: config.telegram.download_dir.clone(),
        rules: crate::scheduler::Rules::from_config(config),
        hotline: config.hotline.clocks.clone(),
        categories: config.hotline.categories.clone(),
        hints: Arc::default(),
        replayed: Arc::new(std::sync::Mutex::new(replayed)),
        metrics,
        pacer,
        web_url: config.http.public_url.clone(),
    });
    let handler = dptree::entry()
        .branch(Update::filter_message().endpoint(router::on_message))
        .branch(Update::filter_callback_query().endpoint(router::on_callback));
    let mut dispatcher = Dispatcher::builder(bot.clone(), handler)
        .dependencies(dptree::deps![app])
        // Updates the bot does not handle are forgotten at once, not replayed.
        .default_handler(move |update| {
            let store = store_for_others.clone();
            async move { inbox::handled(&store, update.id.0).await }
        })
        .build();
    let token = dispatcher.shutdown_token();
    let errors = LoggingErrorHandler::with_custom_text("update listener");
    let task = match &config.telegram.webhook_url {
        None => {
            let timeout = Duration::from_secs(u64::from(config.telegram.poll_timeout_secs));
            let polling = Polling::builder(bot)
                .timeout(timeout)
                .delete_webhook()
                .await
                .build();
            let notice = inbox::Notice::new(bot_for_notice, config.province.language);
            let listener = inbox::Durable::new(polling, store_for_listener, replay, notice);
            tokio::spawn(async move { dispatcher.dispatch_with_listener(listener, errors).await })
        }
        Some(url) => {
            let mut options = webhook_options(config, url)?;
            let address = options.address;
            let secret = options.get_or_gen_secret_token().to_owned();
            let (mut webhook, stop_flag, router) = webhooks::axum_to_router(bot, options)
                .await
                .context("setWebhook")?;
            // Telegram gets its 200 only once the update is kept (see `inbox`).
            let keep = inbox::WebhookKeep {
                store: store_for_listener.clone(),
                secret,
            };
            let router = router.layer(axum::middleware::from_fn_with_state(
                keep,
                inbox::keep_webhook_update,
            ));
            let tcp = tokio::net::TcpListener::bind(address)
                .await
                .with_context(|| format!("listening for the webhook on {address}"))?;
            let stop_token = teloxide::update_listeners::UpdateListener::stop_token(&mut webhook);
            tokio::spawn(async move {
                if let Err(e) = axum::serve(tcp, router)
                    .with_graceful_shutdown(stop_flag)
                    .await
                {
                    tracing::error!(error = %e, "the webhook listener stopped");
                    stop_token.stop();
                }
            });
            let notice = inbox::Notice::new(bot_for_notice, config.province.language);
            let listener = inbox::Durable::new(webhook, store_for_listener, replay, notice);
            tokio::spawn(async move { dispatcher.dispatch_with_listener(listener, errors).await })
        }
    };
    Ok(RunningBot {
        token,
        task,
        username,
    })
}

fn webhook_options(config: &Config, url: &str) -> anyhow::Result<webhooks::Options> {
    let address: std::net::SocketAddr =
        config.telegram.webhook_listen.parse().with_context(|| {
            format!(
                "telegram.webhook_listen is not an address: {}",
                config.telegram.webhook_listen
            )
        })?;
    let url = url::Url::parse(url)
        .with_context(|| format!("telegram.webhook_url is not a URL: {url}"))?;
    let mut options = webhooks::Options::new(address, url);
    if let Some(secret) = &config.telegram.webhook_secret {
        options = options.secret_token(secret.expose_secret().to_string());
    }
    Ok(options)
}
