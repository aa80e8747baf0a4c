//! No update is lost to a crash. Telegram forgets an update once the next `getUpdates` call
//! confirms it, and teloxide makes that call as soon as the dispatcher has taken the batch —
//! before the handlers have run. So [`Durable`] keeps each update in the `inbox` table before
//! passing it on (the next call waits for that), the handlers delete it when done, and at start
//! the updates still kept are handled first. Handlers record each effect with its update id,
//! so an update handled twice changes nothing twice.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, BoxStream, StreamExt};
use teloxide::stop::StopToken;
use teloxide::types::{AllowedUpdate, Update};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};

use crate::store::Store;

/// `inner`, with every update kept before it is passed on, and `replay` first.
pub struct Durable<L> {
    inner: L,
    store: Store,
    replay: Vec<Update>,
    notice: Notice,
}

/// Tells the sender of an update that waits for the database, once, that it will be recorded.
#[derive(Clone)]
pub struct Notice {
    bot: teloxide::Bot,
    text: String,
}

impl Notice {
    pub fn new(bot: teloxide::Bot, lang: crate::messages::Lang) -> Notice {
        Notice {
            bot,
            text: crate::messages::BotText::WillRecord.render(lang),
        }
    }

    async fn once(&self, update: &Update) {
        use teloxide::requests::Requester;
        // Told at the first failed attempt only: the retries follow every few seconds.
        let Some(chat) = update.chat() else {
            return;
        };
        if let Err(e) = self.bot.send_message(chat.id, self.text.clone()).await {
            tracing::warn!(error = %e, "could not tell a member their message waits");
        }
    }
}

/// The updates an earlier run kept and did not finish, oldest first.
pub async fn kept(store: &Store) -> Vec<Update> {
    let replay: Vec<Update> = match store.kept_updates().await {
        Ok(kept) => kept
            .into_iter()
            .filter_map(
                |(id, payload)| match serde_json::from_str::<Update>(&payload) {
                    Ok(update) => Some(update),
                    Err(e) => {
                        tracing::warn!(update_id = id, error = %e, "a kept update cannot be read");
                        None
                    }
                },
            )
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "kept updates not read; they wait for the next start");
            Vec::new()
        }
    };
    if !replay.is_empty() {
        tracing::info!(
            updates = replay.len(),
            "handling updates kept before a stop"
        );
    }
    replay
}

impl<L> Durable<L> {
    /// Wraps `inner`; `replay` (see [`kept`]) is handled first.
    pub fn new(inner: L, store: Store, replay: Vec<Update>, notice: Notice) -> Durable<L> {
        Durable {
            inner,
            store,
            replay,
            notice,
        }
    }
}

/// Keeps `update`, waiting out a database failure: until it is kept, the stream does not move
/// on, so Telegram is not told the update arrived and holds it (for a day) — a reply is
/// delayed while the database is down, never lost.
async fn keep(store: &Store, update: &Update, told: &Notice) {
    let payload = match serde_json::to_string(update) {
        Ok(payload) => payload,
        Err(e) => {
            tracing::warn!(update_id = update.id.0, error = %e, "update not serialisable");
            return;
        }
    };
    let mut wait = std::time::Duration::from_millis(100);
    loop {
        match store.keep_update(i64::from(update.id.0), &payload).await {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(update_id = update.id.0, error = %e, retry_in_ms = wait.as_millis() as u64,
                    "update not kept; updates wait until the database answers");
                if wait == std::time::Duration::from_millis(100) {
                    told.once(update).await;
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(std::time::Duration::from_secs(5));
            }
        }
    }
}

impl<'a, L> AsUpdateStream<'a> for Durable<L>
where
    L: AsUpdateStream<'a>,
    L::StreamErr: Send + 'a,
{
    type StreamErr = L::StreamErr;
    type Stream = BoxStream<'a, Result<Update, L::StreamErr>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        let replay = std::mem::take(&mut self.replay);
        let store = self.store.clone();
        let notice = self.notice.clone();
        let live = self.inner.as_stream().then(move |item| {
            let (store, notice) = (store.clone(), notice.clone());
            async move {
                if let Ok(update) = &item {
                    keep(&store, update, &notice).await;
                }
                item
            }
        });
        stream::iter(replay.into_iter().map(Ok)).chain(live).boxed()
    }
}

impl<L> UpdateListener for Durable<L>
where
    L: UpdateListener,
    L::Err: Send + 'static,
{
    type Err = L::Err;

    fn stop_token(&mut self) -> StopToken {
        self.inner.stop_token()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        self.inner.hint_allowed_updates(hint);
    }
}

/// The update was handled (or could not be, and its sender was told): forget it.
pub async fn handled(store: &Store, update_id: u32) {
    if let Err(e) = store.update_handled(i64::from(update_id)).await {
        tracing::warn!(update_id, error = %e, "handled update not forgotten; it may be replayed");
    }
}

/// What the webhook's keeper needs: where to keep updates, and the secret Telegram sends.
#[derive(Clone)]
pub struct WebhookKeep {
    pub store: Store,
    pub secret: String,
}

/// The biggest update body kept; Telegram's are a few kilobytes.
const MAX_UPDATE_BYTES: usize = 1 << 20;

/// Keeps a webhook update before teloxide answers Telegram 200 (it does so as soon as the
/// update is queued in memory). A request without the right secret goes on untouched, for
/// teloxide to refuse; when the update cannot be kept, Telegram gets a 500 and sends it again.
pub async fn keep_webhook_update(
    State(keep): State<WebhookKeep>,
    request: Request,
    next: Next,
) -> Response {
    let authentic = request
        .headers()
        .get("X-Telegram-Bot-Api-Secret-Token")
        .is_some_and(|v| v.as_bytes() == keep.secret.as_bytes());
    if !authentic {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_UPDATE_BYTES).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    if let Ok(update) = serde_json::from_slice::<Update>(&bytes) {
        let payload = String::from_utf8_lossy(&bytes);
        if let Err(e) = keep
            .store
            .keep_update(i64::from(update.id.0), &payload)
            .await
        {
            tracing::warn!(update_id = update.id.0, error = %e, "webhook update not kept; Telegram will resend it");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}
