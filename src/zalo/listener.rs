//! Zalo updates in: long polling (`getUpdates`, one update per call) or a webhook (Zalo POSTs
//! each update with `X-Bot-Api-Secret-Token`; anything else gets 401). Zalo hands an update
//! out once and never again, so each is kept in `zalo_inbox` (one row per `message_id`: a
//! repeated delivery is the same row) before anything acts on it; at start the rows not yet
//! handled (the process died in between) are handled first.
//!
//! Updates of one chat are handled in order, chats in parallel: each chat's updates run one
//! after another on a chain of tasks.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::api::{read_updates, ZaloApi, ZaloError, ZaloUpdate};
use super::conversation::Desk;
use crate::chat::Pacer;
use crate::clock::Clock;
use crate::config::Config;
use crate::domain::UpdateId;
use crate::ops::Metrics;
use crate::store::Store;

/// The header Zalo sends the webhook's secret in.
pub const SECRET_HEADER: &str = "x-bot-api-secret-token";

/// How long stopping waits for the updates in hand.
const STOP_WAIT: Duration = Duration::from_secs(15);

/// Why the listener did not start.
#[derive(Debug, thiserror::Error)]
pub enum ZaloStartError {
    #[error("Zalo refused the bot token (getMe): {0}")]
    BadToken(String),
}

/// The running listener; [`RunningZalo::stop`] stops taking updates and finishes those in hand.
pub struct RunningZalo {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    /// Where the webhook listens, when Zalo pushes.
    pub webhook_address: Option<SocketAddr>,
}

impl RunningZalo {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let abort = self.task.abort_handle();
        if tokio::time::timeout(STOP_WAIT, self.task).await.is_err() {
            tracing::warn!("the Zalo listener did not stop in time; aborting it");
            abort.abort();
        }
    }
}

/// Handles updates in arrival order per chat, chats in parallel.
#[derive(Clone)]
struct Dispatch {
    desk: Arc<Desk>,
    chains: Arc<Mutex<HashMap<String, JoinHandle<()>>>>,
}

impl Dispatch {
    fn send(&self, id: UpdateId, update: ZaloUpdate) {
        let desk = Arc::clone(&self.desk);
        // A poisoned lock only means a task panicked holding it: the map is still right.
        let mut chains = self.chains.lock().unwrap_or_else(|e| e.into_inner());
        chains.retain(|_, task| !task.is_finished());
        let before = chains.remove(&update.chat.0);
        let chat = update.chat.0.clone();
        let task = tokio::spawn(async move {
            if let Some(before) = before {
                let _ = before.await;
            }
            desk.handle(id, &update).await;
        });
        chains.insert(chat, task);
    }

    /// Waits for every update in hand.
    async fn drain(&self) {
        let tasks: Vec<JoinHandle<()>> = {
            let mut chains = self.chains.lock().unwrap_or_else(|e| e.into_inner());
            chains.drain().map(|(_, task)| task).collect()
        };
        for task in tasks {
            let _ = task.await;
        }
    }

    /// Keeps `update` in the inbox, then hands it on; retried until it is kept (Zalo will not
    /// deliver it again) or the service stops. False when it could not be kept.
    async fn keep_and_send(&self, update: ZaloUpdate, stopped: &watch::Receiver<bool>) -> bool {
        let payload = match serde_json::to_string(&update) {
            Ok(payload) => payload,
            Err(e) => {
                tracing::error!(error = %e, "a Zalo update cannot be written down");
                return false;
            }
        };
        let key = inbox_key(&update);
        let mut wait = Duration::from_millis(200);
        loop {
            match self.desk.store.keep_zalo_update(&key, &payload).await {
                Ok((kept, true)) => {
                    self.send(kept.id, update);
                    return true;
                }
                // Delivered before (a webhook retry): handled through its first row.
                Ok((_, false)) => return true,
                Err(e) => {
                    tracing::error!(error = %e, message_id = %key, "a Zalo update could not be kept; trying again");
                    if *stopped.borrow() {
                        return false;
                    }
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    /// What a stopped run left: kept, not handled.
    async fn replay(&self) -> anyhow::Result<usize> {
        let kept = self
            .desk
            .store
            .unhandled_zalo_updates()
            .await
            .context("reading the Zalo inbox")?;
        let count = kept.len();
        for row in kept {
            match serde_json::from_str::<ZaloUpdate>(&row.payload) {
                Ok(update) => self.send(row.id, update),
                Err(e) => {
                    tracing::error!(error = %e, id = row.id.get(), "a kept Zalo update cannot be read; left as handled");
                    self.desk.store.zalo_update_handled(row.id).await?;
                }
            }
        }
        Ok(count)
    }
}

/// The key an update is kept under: its message id (the platform's own), or, for an update
/// without one, what it is made of.
fn inbox_key(update: &ZaloUpdate) -> String {
    if update.message_id.is_empty() {
        format!(
            "no-id:{}:{}:{}",
            update.chat.0, update.from.id, update.date_ms
        )
    } else {
        update.message_id.clone()
    }
}

/// Starts the Zalo listener: checks the token, replays what a stopped run left, then polls
/// or listens for the webhook. Replies are paced with `pacer` (see `zalo::pacer`).
pub async fn spawn(
    config: &Config,
    store: Store,
    clock: Arc<dyn Clock>,
    metrics: Metrics,
    pacer: Pacer,
) -> anyhow::Result<RunningZalo> {
    let zalo = &config.zalo;
    let Some(token) = zalo.bot_token.clone() else {
        anyhow::bail!("zalo.bot_token is not set");
    };
    let api = ZaloApi::new(
        &zalo.api_url,
        token,
        Duration::from_secs(zalo.request_timeout_secs.max(1)),
    )?;
    match api.get_me().await {
        Ok(me) => tracing::info!(bot = %me.id, name = ?me.display_name, "Zalo bot answers"),
        Err(ZaloError::BadToken { description }) => {
            return Err(ZaloStartError::BadToken(description).into())
        }
        // Polling retries on its own; a webhook is set below (and fails loudly if it cannot).
        Err(e) => tracing::warn!(error = %e, "Zalo cannot be reached now; polling will retry"),
    }
    let desk = Desk {
        store,
        clock,
        lang: config.province.language,
        time_zone: config.province.time_zone,
        api: api.clone(),
        pacer,
        metrics,
        hints: Arc::default(),
    };
    let dispatch = Dispatch {
        desk: Arc::new(desk),
        chains: Arc::default(),
    };
    let replayed = dispatch.replay().await?;
    if replayed > 0 {
        tracing::info!(replayed, "Zalo updates kept by a stopped run handled again");
    }
    let (stop, stopped) = watch::channel(false);
    let (task, webhook_address) = match &zalo.webhook_url {
        None => {
            if let Err(e) = api.delete_webhook().await {
                tracing::warn!(error = %e, "deleteWebhook failed; polling anyway");
            }
            let timeout = Duration::from_secs(u64::from(zalo.poll_timeout_secs));
            let task = tokio::spawn(poll(api, dispatch, timeout, stopped));
            (task, None)
        }
        Some(url) => {
            let secret = zalo
                .webhook_secret
                .clone()
                .unwrap_or_else(|| SecretString::from(random_secret()));
            let address: SocketAddr = zalo.webhook_listen.parse().with_context(|| {
                format!(
                    "zalo.webhook_listen is not an address: {}",
                    zalo.webhook_listen
                )
            })?;
            let tcp = tokio::net::TcpListener::bind(address)
                .await
                .with_context(|| format!("listening for the Zalo webhook on {address}"))?;
            let bound = tcp.local_addr()?;
            api.set_webhook(url, &secret)
                .await
                .context("Zalo setWebhook")?;
            let task = tokio::spawn(serve_webhook(tcp, dispatch, secret, stopped));
            (task, Some(bound))
        }
    };
    Ok(RunningZalo {
        stop,
        task,
        webhook_address,
    })
}

/// 32 characters from the webhook secret's alphabet, when none is configured.
fn random_secret() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let mut rng = rand::rngs::OsRng;
    (0..32)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The long-polling loop: one `getUpdates` at a time, each update kept before the next call.
async fn poll(
    api: ZaloApi,
    dispatch: Dispatch,
    timeout: Duration,
    mut stopped: watch::Receiver<bool>,
) {
    let mut backoff = Duration::from_secs(1);
    loop {
        if *stopped.borrow() {
            break;
        }
        let polled = tokio::select! {
            polled = api.get_updates(timeout) => polled,
            _ = stopped.changed() => break,
        };
        let wait = match polled {
            Ok((updates, unreadable)) => {
                for bad in unreadable {
                    tracing::warn!(update = %bad, "a Zalo update dondoc cannot read");
                }
                for update in updates {
                    dispatch.keep_and_send(update, &stopped).await;
                }
                backoff = Duration::from_secs(1);
                None
            }
            Err(ZaloError::Flood { retry_after }) => Some(retry_after),
            Err(e) => {
                tracing::warn!(error = %e, wait = ?backoff, "getUpdates failed");
                let wait = backoff;
                backoff = (backoff * 2).min(Duration::from_secs(30));
                Some(wait)
            }
        };
        if let Some(wait) = wait {
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                _ = stopped.changed() => break,
            }
        }
    }
    dispatch.drain().await;
}

#[derive(Clone)]
struct Webhook {
    dispatch: Dispatch,
    secret: Arc<SecretString>,
    stopped: watch::Receiver<bool>,
}

async fn serve_webhook(
    tcp: tokio::net::TcpListener,
    dispatch: Dispatch,
    secret: SecretString,
    stopped: watch::Receiver<bool>,
) {
    let state = Webhook {
        dispatch: dispatch.clone(),
        secret: Arc::new(secret),
        stopped: stopped.clone(),
    };
    let app = Router::new()
        .fallback(axum::routing::post(on_webhook))
        .with_state(state);
    let mut until = stopped.clone();
    let shutdown = async move {
        let _ = until.wait_for(|stop| *stop).await;
    };
    if let Err(e) = axum::serve(tcp, app).with_graceful_shutdown(shutdown).await {
        tracing::error!(error = %e, "the Zalo webhook listener stopped");
    }
    dispatch.drain().await;
}

/// Equal secrets, compared in time that does not depend on where they differ.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// One POST from Zalo: the secret checked, each update kept, then 200.
async fn on_webhook(
    State(hook): State<Webhook>,
    headers: HeaderMap,
    body: String,
) -> impl IntoResponse {
    let given = headers
        .get(SECRET_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !same_secret(given, hook.secret.expose_secret().as_bytes()) {
        return (StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let Ok(value) = serde_json::from_str::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "not JSON");
    };
    // The update itself, or wrapped as getUpdates answers it.
    let value = match value {
        Value::Object(mut map) if map.contains_key("result") => {
            map.remove("result").unwrap_or(Value::Null)
        }
        other => other,
    };
    let (updates, unreadable) = read_updates(value);
    for bad in unreadable {
        tracing::warn!(update = %bad, "a Zalo update dondoc cannot read");
    }
    for update in updates {
        if !hook.dispatch.keep_and_send(update, &hook.stopped).await {
            return (StatusCode::INTERNAL_SERVER_ERROR, "not kept");
        }
    }
    (StatusCode::OK, "ok")
}
