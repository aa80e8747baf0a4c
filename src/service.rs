//! `dondoc serve`: the bot, the scheduler, the outbox sender and (with `http.listen`) the
//! health and metrics listener, started and stopped together.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::bot::{self, RunningBot, StartError};
use crate::clock::Clock;
use crate::config::Config;
use crate::messages::OpsText;
use crate::ops::{Metrics, RunningHttp};
use crate::outbox::{self, Doorbell, Sender};
use crate::scheduler::{Rules, Scheduler};
use crate::store::Store;

/// The waits between attempts to reach Telegram when it cannot be reached at start; the
/// last one repeats.
const RETRY_DELAYS: [Duration; 6] = [
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(5),
    Duration::from_secs(10),
    Duration::from_secs(30),
    Duration::from_secs(60),
];

/// How long stopping waits for the scheduler and the sender to finish what they hold.
const STOP_WAIT: Duration = Duration::from_secs(15);

/// The running service; [`RunningService::stop`] ends it cleanly.
pub struct RunningService {
    bot: BotState,
    /// The Zalo listener, when `zalo.bot_token` is set.
    zalo: Option<crate::zalo::listener::RunningZalo>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    metrics: Metrics,
    http_address: Option<SocketAddr>,
}

impl RunningService {
    /// Starts the scheduler, and with a bot token the bot and the outbox sender. Without a
    /// token, reminders are still computed and queued; they wait in the outbox for a token.
    /// With `http.listen`, `/healthz` and `/metrics` are served there.
    pub async fn start(
        config: &Config,
        store: Store,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<RunningService> {
        let (stop, stopped) = watch::channel(false);
        let metrics = Metrics::new();
        let store = store.observed_by(metrics.clone());
        let doorbell = Doorbell::default();
        let mut tasks = Vec::new();
        // The listener first: a port already taken should stop `serve` before anything runs.
        let http_address = match start_http(config, &store, &metrics, &stopped).await? {
            Some(http) => {
                tasks.push(http.task);
                Some(http.address)
            }
            None => None,
        };
        // One pacer for Zalo replies and Zalo sends (Zalo counts both): made here, once per
        // process, and handed to the listener and the Zalo sender.
        let zalo_pacer = crate::zalo::pacer(&config.zalo);
        let zalo = match config.zalo.bot_token {
            Some(_) => {
                let started = crate::zalo::listener::spawn(
                    config,
                    store.clone(),
                    Arc::clone(&clock),
                    metrics.clone(),
                    zalo_pacer.clone(),
                )
                .await;
                match started {
                    Ok(started) => Some(started),
                    Err(e) if e.is::<crate::zalo::listener::ZaloStartError>() => {
                        anyhow::bail!(OpsText::ZaloBadToken.render(config.province.language))
                    }
                    Err(e) => return Err(e),
                }
            }
            None => None,
        };
        let bot = match config.telegram.bot_token {
            Some(_) => {
                let link = TelegramLink {
                    config: config.clone(),
                    store: store.clone(),
                    clock: Arc::clone(&clock),
                    metrics: metrics.clone(),
                    // One pacer for the bot's replies and the outbox: Telegram counts both.
                    pacer: crate::chat::Pacer::new(&config.outbox),
                    doorbell: doorbell.clone(),
                    stopped: stopped.clone(),
                };
                match link.attempt().await {
                    Ok(started) => BotState::Running(started),
                    Err(Attempt::BadToken) => {
                        anyhow::bail!(OpsText::TelegramBadToken.render(config.province.language))
                    }
                    Err(Attempt::Failed(e)) => return Err(e),
                    Err(Attempt::Unreachable(detail)) => {
                        link.unreachable(detail, RETRY_DELAYS[0]);
                        BotState::Retrying(tokio::spawn(link.retry()))
                    }
                }
            }
            None => BotState::None,
        };
        if let Some(sender) = zalo_sender(config, &store, &metrics, &doorbell, zalo_pacer)? {
            tasks.push(tokio::spawn(sender.run(stopped.clone())));
        }
        let scheduler = Scheduler::new(store, Rules::from_config(config), doorbell)
            .observed_by(metrics.clone());
        tasks.push(tokio::spawn(scheduler.run(clock, stopped)));
        Ok(RunningService {
            bot,
            zalo,
            stop,
            tasks,
            metrics,
            http_address,
        })
    }

    /// Where `/healthz` and `/metrics` are served, when `http.listen` is set.
    pub fn http_address(&self) -> Option<SocketAddr> {
        self.http_address
    }

    /// This service's figures, as `/metrics` shows them.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Stops taking updates, lets the updates in hand, the pass under way and the message in
    /// flight finish, then returns.
    pub async fn stop(self) {
        if let Some(zalo) = self.zalo {
            zalo.stop().await;
        }
        let mut tasks = self.tasks;
        let retrying = match self.bot {
            BotState::Running(started) => {
                started.bot.stop().await;
                tasks.push(started.sender);
                None
            }
            BotState::Retrying(handle) => Some(handle),
            BotState::None => None,
        };
        let _ = self.stop.send(true);
        if let Some(mut handle) = retrying {
            // The retry loop sees the stop at once, unless a getMe is under way.
            match tokio::time::timeout(STOP_WAIT, &mut handle).await {
                Ok(Ok(Some(started))) => {
                    started.bot.stop().await;
                    tasks.push(started.sender);
                }
                Ok(_) => {}
                Err(_) => handle.abort(),
            }
        }
        for task in tasks {
            let abort = task.abort_handle();
            if tokio::time::timeout(STOP_WAIT, task).await.is_err() {
                tracing::warn!("a background task did not stop in time; aborting it");
                abort.abort();
            }
        }
    }
}

/// The `/healthz` and `/metrics` listener, when `http.listen` is set. If starting the rest
/// fails, `stop` is dropped and the listener ends with it.
async fn start_http(
    config: &Config,
    store: &Store,
    metrics: &Metrics,
    stopped: &watch::Receiver<bool>,
) -> anyhow::Result<Option<RunningHttp>> {
    let Some(listen) = config.http.listen else {
        return Ok(None);
    };
    let http = crate::ops::http::start(
        listen,
        store.clone(),
        metrics.clone(),
        config.province.time_zone,
        crate::web::Board::from_config(config, store.clone())?,
        stopped.clone(),
    )
    .await?;
    Ok(Some(http))
}

/// The outbox's sender to Zalo members, when `zalo.bot_token` is set: beside Telegram's, with
/// its own lease, Zalo's rates and the process's Zalo pacer (shared with the listener's replies). It needs no answer from Zalo to
/// start: an unreachable Zalo is retried message by message, a refused token stops it loudly.
fn zalo_sender(
    config: &Config,
    store: &Store,
    metrics: &Metrics,
    doorbell: &Doorbell,
    pacer: crate::chat::Pacer,
) -> anyhow::Result<Option<Sender>> {
    use crate::zalo::send;
    let Some(token) = config.zalo.bot_token.clone() else {
        return Ok(None);
    };
    let api = send::client(&config.zalo, token)?;
    let zalo =
        send::ZaloMessenger::new(api, store.clone(), pacer.clone(), config.province.language);
    let sender = Sender::through(
        store.clone(),
        Arc::new(zalo),
        send::outbox_config(&config.outbox, &config.zalo),
        doorbell.clone(),
    )
    .observed_by(metrics.clone())
    .paced_by(pacer);
    Ok(Some(match config.outbox.working_hours_only {
        true => sender.within(outbox::OfficeHours::new(
            config.schedule.working_hours,
            config.province.time_zone,
        )),
        false => sender,
    }))
}

/// The bot and the outbox sender, once Telegram answered.
struct Started {
    bot: RunningBot,
    sender: JoinHandle<()>,
}

enum BotState {
    /// No bot token: the scheduler queues, nothing is sent.
    None,
    Running(Started),
    /// Telegram could not be reached at start; this task asks again with back-off and
    /// returns what it started (nothing if the service stopped first).
    Retrying(JoinHandle<Option<Started>>),
}

/// Why one attempt to start the bot did not.
enum Attempt {
    /// getMe answered 401: asking again will not help.
    BadToken,
    /// Network, time-out, 5xx: ask again later.
    Unreachable(String),
    /// Anything else (the database): `serve` stops.
    Failed(anyhow::Error),
}

/// What starting the bot and the sender needs, kept for the retries.
struct TelegramLink {
    config: Config,
    store: Store,
    clock: Arc<dyn Clock>,
    metrics: Metrics,
    pacer: crate::chat::Pacer,
    doorbell: Doorbell,
    stopped: watch::Receiver<bool>,
}

impl TelegramLink {
    /// getMe, the command menu, polling (or the webhook), then the outbox sender.
    async fn attempt(&self) -> Result<Started, Attempt> {
        let config = &self.config;
        let running = match bot::spawn_observed(
            config,
            self.store.clone(),
            Arc::clone(&self.clock),
            self.metrics.clone(),
            self.pacer.clone(),
        )
        .await
        {
            Ok(running) => running,
            Err(e) => {
                return Err(match StartError::of(&e) {
                    Some(StartError::BadToken) => Attempt::BadToken,
                    Some(StartError::Unreachable(detail)) => Attempt::Unreachable(detail.clone()),
                    None => Attempt::Failed(e),
                })
            }
        };
        tracing::info!(bot = %running.username, "bot polling for updates");
        let client = match crate::chat::telegram::sender_client(config) {
            Ok(client) => client,
            Err(e) => {
                running.stop().await;
                return Err(Attempt::Failed(e));
            }
        };
        let sender = Sender::new(
            self.store.clone(),
            client,
            config.outbox.clone(),
            self.doorbell.clone(),
        )
        .observed_by(self.metrics.clone())
        .paced_by(self.pacer.clone());
        let sender = match config.outbox.working_hours_only {
            true => sender.within(outbox::OfficeHours::new(
                config.schedule.working_hours,
                config.province.time_zone,
            )),
            false => sender,
        };
        let sender = tokio::spawn(sender.run(self.stopped.clone()));
        self.metrics.telegram_connected();
        Ok(Started {
            bot: running,
            sender,
        })
    }

    fn unreachable(&self, detail: String, retry: Duration) {
        let lang = self.config.province.language;
        let text = OpsText::TelegramUnreachable {
            detail: &detail,
            retry_secs: retry.as_secs(),
        };
        tracing::warn!("{}", text.render(lang));
        self.metrics.telegram_unreachable(self.clock.now(), detail);
    }

    /// Asks again after each of [`RETRY_DELAYS`] (the last repeating) until Telegram
    /// answers or the service stops.
    async fn retry(self) -> Option<Started> {
        let lang = self.config.province.language;
        let mut stopped = self.stopped.clone();
        let mut attempt = 0usize;
        loop {
            let delay = RETRY_DELAYS[attempt.min(RETRY_DELAYS.len() - 1)];
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = stopped.wait_for(|stop| *stop) => return None,
            }
            if *stopped.borrow() {
                return None;
            }
            attempt += 1;
            match self.attempt().await {
                Ok(started) => {
                    let text = OpsText::TelegramReached {
                        bot: &started.bot.username,
                    };
                    tracing::info!("{}", text.render(lang));
                    return Some(started);
                }
                Err(Attempt::Unreachable(detail)) => {
                    let next = RETRY_DELAYS[attempt.min(RETRY_DELAYS.len() - 1)];
                    self.unreachable(detail, next);
                }
                Err(Attempt::BadToken) => {
                    let text = OpsText::TelegramBadToken.render(lang);
                    tracing::error!("{text}");
                    self.metrics.telegram_unreachable(self.clock.now(), text);
                    return None;
                }
                Err(Attempt::Failed(e)) => {
                    let next = RETRY_DELAYS[attempt.min(RETRY_DELAYS.len() - 1)];
                    self.unreachable(format!("{e:#}"), next);
                }
            }
        }
    }
}
