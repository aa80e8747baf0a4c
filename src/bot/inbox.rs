//! No update is lost to a crash. Telegram forgets an update once the next `getUpdates` call
//! confirms it, and teloxide makes that call as soon as the dispatcher has taken the batch —
//! before the handlers have run. So [`Durable`] keeps each update in the `inbox` table before
//! passing it on (the next call waits for that), the handlers delete it when done, and at start
//! the updates still kept are handled first. Handlers record each effect with its update id,
//! so an update handled twice changes nothing twice.

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
