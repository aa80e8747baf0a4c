//! `dondoc serve`: the bot, the scheduler, the outbox sender and (with `http.listen`) the
//! health and metrics listener, started and stopped together.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::bot::{self, RunningBot};
use crate::clock::Clock;
use crate::config::Config;
use crate::ops::{Metrics, RunningHttp};
use crate::outbox::{self, Doorbell, Sender};
use crate::scheduler::{Rules, Scheduler};
use crate::store::Store;

/// How long stopping waits for the scheduler and the sender to finish what they hold.
const STOP_WAIT: Duration = Duration::from_secs(15);

/// The running service; [`RunningService::stop`] ends it cleanly.
pub struct RunningService {
    bot: Option<RunningBot>,
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
        let bot = match config.telegram.bot_token {
            Some(_) => {
                // One pacer for the bot's replies and the outbox: Telegram counts both.
                let pacer = outbox::Pacer::new(&config.outbox);
                let running = bot::spawn_observed(
                    config,
                    store.clone(),
                    Arc::clone(&clock),
                    metrics.clone(),
                    pacer.clone(),
                )
                .await?;
                tracing::info!(bot = %running.username, "bot polling for updates");
                let sender = Sender::new(
                    store.clone(),
                    outbox::client(config)?,
                    config.outbox.clone(),
                    doorbell.clone(),
                )
                .observed_by(metrics.clone())
                .paced_by(pacer);
                let sender = match config.outbox.working_hours_only {
                    true => sender.within(outbox::OfficeHours::new(
                        config.schedule.working_hours,
                        config.province.time_zone,
                    )),
                    false => sender,
                };
                tasks.push(tokio::spawn(sender.run(stopped.clone())));
                Some(running)
            }
            None => None,
        };
        let scheduler = Scheduler::new(store, Rules::from_config(config), doorbell)
            .observed_by(metrics.clone());
        tasks.push(tokio::spawn(scheduler.run(clock, stopped)));
        Ok(RunningService {
            bot,
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
        if let Some(bot) = self.bot {
            bot.stop().await;
        }
        let _ = self.stop.send(true);
        for task in self.tasks {
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
        stopped.clone(),
    )
    .await?;
    Ok(Some(http))
}
