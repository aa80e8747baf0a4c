//! `dondoc serve`: the bot, the scheduler and the outbox sender, started and stopped together.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::bot::{self, RunningBot};
use crate::clock::Clock;
use crate::config::Config;
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
}

impl RunningService {
    /// Starts the scheduler, and with a bot token the bot and the outbox sender. Without a
    /// token, reminders are still computed and queued; they wait in the outbox for a token.
    pub async fn start(
        config: &Config,
        store: Store,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<RunningService> {
        let (stop, stopped) = watch::channel(false);
        let doorbell = Doorbell::default();
        let mut tasks = Vec::new();
        let bot = match config.telegram.bot_token {
            Some(_) => {
                let running = bot::spawn(config, store.clone(), Arc::clone(&clock)).await?;
                tracing::info!(bot = %running.username, "bot polling for updates");
                let sender = Sender::new(
                    store.clone(),
                    outbox::client(config)?,
                    config.outbox.clone(),
                    doorbell.clone(),
                );
                tasks.push(tokio::spawn(sender.run(stopped.clone())));
                Some(running)
            }
            None => None,
        };
        let scheduler = Scheduler::new(store, Rules::from_config(config), doorbell);
        tasks.push(tokio::spawn(scheduler.run(clock, stopped)));
        Ok(RunningService { bot, stop, tasks })
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
