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
    pub fn new(inner: L, store: Store, replay: Vec<Update>) -> Durable<L> {
        Durable {
            inner,
            store,
            replay,
        }
    }
}

/// Keeps `update`; a database failure is logged and the update passed on all the same (its
/// handling will meet the same failure and ask the sender to resend).
async fn keep(store: &Store, update: &Update) {
    let payload = match serde_json::to_string(update) {
        Ok(payload) => payload,
        Err(e) => {
            tracing::warn!(update_id = update.id.0, error = %e, "update not serialisable");
            return;
        }
    };
    if let Err(e) = store.keep_update(i64::from(update.id.0), &payload).await {
        tracing::warn!(update_id = update.id.0, error = %e, "update not kept before handling");
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
        let live = self.inner.as_stream().then(move |item| {
            let store = store.clone();
            async move {
                if let Ok(update) = &item {
                    keep(&store, update).await;
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
