//! The outbox: every message the service sends on its own is a row here before it is sent.
//!
//! A row moves `queued → sending → sent` (or `parked` when the member cannot be reached,
//! `failed` when Telegram refuses it for good). Only the holder of the `sender` lease may move
//! a row to `sending`, and the move is one conditional UPDATE, so two processes never both send
//! a row; a row left `sending` by a holder that died is queued again by the next holder — that
//! one message in flight is the only one that can go out twice.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::{audit, with_pool, BeginWrite, EscalationRecord, Store, StoreError};
use crate::chat::Markup;
use crate::domain::text::{split_message, TELEGRAM_TEXT_LIMIT};
use crate::domain::{Actor, AssignmentId, CaseHopId, DeliveryState, MessageKind, PeriodId, UnitId};

/// The lease a sender must hold.
pub const SENDER_LEASE: &str = "sender";

/// What a message is about, so a reply to it lands on the right item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MessageSubject {
    pub assignment_id: Option<AssignmentId>,
    pub period_id: Option<PeriodId>,
    pub unit_id: Option<UnitId>,
    /// A citizen's case as sent to one unit: a reply to the message is that unit's answer.
    pub case_hop_id: Option<CaseHopId>,
}

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// Why it exists, unique: the same key is never queued twice.
    pub key: String,
    pub kind: MessageKind,
    pub chat_id: i64,
    pub person_id: Option<i64>,
    pub body: String,
    /// The buttons under the message, channel-neutral (stored as [`Markup`]'s JSON, drawn
    /// for the messenger when sent).
    pub reply_markup: Option<Markup>,
    pub subject: MessageSubject,
}

/// A queued message as the sender sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueuedMessage {
    pub id: i64,
    pub chat_id: i64,
    pub kind: String,
    pub body: String,
    /// The keyboard as stored: a [`Markup`]'s JSON (the channel reads it when sending).
    pub reply_markup: Option<String>,
    pub attempts: i64,
    /// A file to send with the body as its caption: "photo:FILE_ID" or "document:FILE_ID".
    pub attachment: Option<String>,
}

/// A message in the outbox, whatever its state.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMessage {
    pub id: i64,
    #[sqlx(rename = "idempotency_key")]
    pub key: String,
    pub kind: String,
    pub chat_id: i64,
    pub body: String,
    pub reply_markup: Option<String>,
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub telegram_message_id: Option<i64>,
}

/// How many messages are in each state, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxCount {
    pub kind: MessageKind,
    pub state: DeliveryState,
    pub count: i64,
}

/// The queue's health at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutboxSummary {
    pub counts: Vec<OutboxCount>,
    /// When the oldest message still waiting was queued.
    pub oldest_queued: Option<DateTime<Utc>>,
}

impl OutboxSummary {
    pub fn total(&self, state: DeliveryState) -> i64 {
        self.counts
            .iter()
            .filter(|c| c.state == state)
            .map(|c| c.count)
            .sum()
    }
}

#[derive(sqlx::FromRow)]
struct CountRow {
    kind: String,
    state: String,
    count: i64,
}

/// Splits over-long texts: each queued row is one Telegram message. Parts get the key
/// `KEY#2`, `KEY#3` … and the keyboard stays on the last part.
fn into_rows(messages: &[NewMessage]) -> Vec<NewMessage> {
    let mut rows = Vec::with_capacity(messages.len());
    for message in messages {
        let parts = split_message(&message.body, TELEGRAM_TEXT_LIMIT);
        let last = parts.len() - 1;
        for (i, body) in parts.into_iter().enumerate() {
            rows.push(NewMessage {
                key: if i == 0 {
                    message.key.clone()
                } else {
                    format!("{}#{}", message.key, i + 1)
                },
                kind: message.kind,
                chat_id: message.chat_id,
                person_id: message.person_id,
                body,
                reply_markup: if i == last {
                    message.reply_markup.clone()
                } else {
                    None
                },
                subject: message.subject,
            });
        }
    }
    rows
}

impl Store {
    /// Queues `messages`; a key already queued (in any state) is skipped. Returns how many
    /// rows were added (a long text adds one row per part).
    pub async fn enqueue(&self, messages: &[NewMessage]) -> Result<u64, StoreError> {
        Ok(self.queue_pass(messages, &[]).await?.0)
    }

    /// Queues a scheduler pass's messages and records its escalation steps in one
    /// transaction, so a crash never leaves a step recorded without its message (or the other
    /// way round). Returns (rows queued, steps newly recorded).
    pub async fn queue_pass(
        &self,
        messages: &[NewMessage],
        escalations: &[EscalationRecord],
    ) -> Result<(u64, u64), StoreError> {
        let rows = into_rows(messages);
        if rows.is_empty() && escalations.is_empty() {
            return Ok((0, 0));
        }
        let now = self.now();
        let actor = Actor::system();
        let mut added = 0;
        let mut queued_kinds: std::collections::HashMap<String, u64> = Default::default();
        let stepped = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            for chunk in rows.chunks(super::BATCH_PARAMETERS / 13) {
                let mut query = sqlx::QueryBuilder::new(
                    "INSERT INTO outbox (idempotency_key, kind, priority, chat_id, person_id, body, \
                     reply_markup, assignment_id, period_id, unit_id, case_hop_id, state, created_at) ",
                );
                query.push_values(chunk, |mut b, m| {
                    b.push_bind(&m.key)
                        .push_bind(m.kind.as_str())
                        .push_bind(m.kind.priority())
                        .push_bind(m.chat_id)
                        .push_bind(m.person_id)
                        .push_bind(&m.body)
                        .push_bind(m.reply_markup.as_ref().map(Markup::to_json))
                        .push_bind(m.subject.assignment_id)
                        .push_bind(m.subject.period_id)
                        .push_bind(m.subject.unit_id)
                        .push_bind(m.subject.case_hop_id)
                        .push_bind(DeliveryState::Queued.as_str())
                        .push_bind(now);
                });
                // RETURNING lists only the rows inserted, not those skipped on conflict.
                query.push(" ON CONFLICT (idempotency_key) DO NOTHING RETURNING kind");
                let kinds: Vec<String> = query.build_query_scalar().fetch_all(&mut *tx).await?;
                added += kinds.len() as u64;
                for kind in kinds {
                    *queued_kinds.entry(kind).or_insert(0u64) += 1;
                }
            }
            let stepped = super::schedule::insert_escalations!(&mut *tx, escalations, now, actor);
            tx.commit().await?;
            stepped
        });
        // Counted after the commit: a rolled-back pass queued nothing.
        if let Some(observer) = &self.observer {
            for (kind, count) in &queued_kinds {
                observer.queued(kind, *count);
            }
        }
        Ok((added, stepped))
    }

    /// Queues a file (a Telegram file id) for `chat_id` with `caption`; a key already queued
    /// is skipped. Returns whether it was added.
    pub async fn enqueue_file(
        &self,
        key: &str,
        kind: MessageKind,
        chat_id: i64,
        caption: &str,
        file_id: &str,
        photo: bool,
    ) -> Result<bool, StoreError> {
        let now = self.now();
        let attachment = format!("{}:{file_id}", if photo { "photo" } else { "document" });
        let caption =
            crate::domain::text::fit_utf16(caption, crate::domain::text::TELEGRAM_CAPTION_LIMIT);
        let added = with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO outbox (idempotency_key, kind, priority, chat_id, body, attachment, state, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7) ON CONFLICT (idempotency_key) DO NOTHING",
            )
            .bind(key)
            .bind(kind.as_str())
            .bind(kind.priority())
            .bind(chat_id)
            .bind(&caption)
            .bind(&attachment)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        if let (Some(observer), 1) = (&self.observer, added) {
            observer.queued(kind.as_str(), 1);
        }
        Ok(added == 1)
    }

    /// Which of `keys` are already in the outbox (for `tick --dry-run`).
    pub async fn queued_keys(&self, keys: &[String]) -> Result<Vec<String>, StoreError> {
        let mut found = Vec::new();
        for chunk in keys.chunks(super::BATCH_PARAMETERS - 1) {
            let rows: Vec<String> = with_pool!(self, pool => {
                let mut query = sqlx::QueryBuilder::new(
                    "SELECT idempotency_key FROM outbox WHERE idempotency_key IN (",
                );
                let mut list = query.separated(", ");
                for key in chunk {
                    list.push_bind(key);
                }
                query.push(")");
                query.build_query_scalar().fetch_all(pool).await?
            });
            found.extend(rows);
        }
        Ok(found)
    }

    /// Takes or renews lease `name` for `holder` until `now + ttl`. True when `holder` holds it.
    /// When a holder takes over from another, the other's messages left `sending` are queued
    /// again (it died or lost the lease before hearing from Telegram).
    pub async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let expires = now + ttl;
        let held = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let previous: Option<String> =
                sqlx::query_scalar("SELECT holder FROM leases WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&mut *tx)
                    .await?;
            let taken = sqlx::query(
                "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
                 WHERE leases.holder = excluded.holder OR leases.expires_at < $4",
            )
            .bind(name)
            .bind(holder)
            .bind(expires)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if taken && previous.as_deref() != Some(holder) {
                let requeued = sqlx::query(
                    "UPDATE outbox SET state = 'queued', claimed_by = NULL \
                     WHERE state = 'sending' AND (claimed_by IS NULL OR claimed_by <> $1)",
                )
                .bind(holder)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if requeued > 0 {
                    tracing::warn!(requeued, previous = ?previous, "took over the sender lease; messages in flight queued again");
                }
            }
            tx.commit().await?;
            taken
        });
        Ok(held)
    }

    /// Who holds lease `name` now, if anyone.
    pub async fn lease_holder(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar("SELECT holder FROM leases WHERE name = $1")
                .bind(name)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Messages `holder` claimed and then lost track of (a database error or a failed send task
    /// cut its batch short before it heard from Telegram) go back to the queue; returns how
    /// many. Each may have reached Telegram: it is the message in flight that can go out twice.
    pub async fn requeue_claimed(&self, holder: &str) -> Result<u64, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query(
                "UPDATE outbox SET state = 'queued', claimed_by = NULL \
                 WHERE state = 'sending' AND claimed_by = $1",
            )
            .bind(holder)
            .execute(pool)
            .await?
            .rows_affected()
        }))
    }

    /// Gives lease `name` up, if `holder` has it, so another process need not wait it out.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
                .bind(name)
                .bind(holder)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Up to `limit` queued messages ready to send at `now` (wall time), replies first, then
    /// oldest first; only the first of each chat, as a chat takes one message at a time
    /// anyway, so a chat with a long queue cannot fill the batch and hold every other chat
    /// back. A chat with a message waiting for its retry gets none: its later messages must
    /// not overtake it.
    pub async fn ready_messages(
        &self,
        limit: i64,
        now: DateTime<Utc>,
        office_hours: bool,
    ) -> Result<Vec<QueuedMessage>, StoreError> {
        // Out of office hours only the kinds that go at any time are taken; the others keep
        // their place in the queue.
        let kinds = if office_hours {
            String::new()
        } else {
            let anytime: Vec<String> = MessageKind::ALL
                .into_iter()
                .filter(|kind| !kind.waits_for_office_hours())
                .map(|kind| format!("'{}'", kind.as_str()))
                .collect();
            format!("AND kind IN ({}) ", anytime.join(", "))
        };
        let sql = format!(
            "SELECT id, chat_id, kind, body, reply_markup, attempts, attachment FROM ( \
             SELECT id, chat_id, kind, body, reply_markup, priority, attempts, attachment, \
             ROW_NUMBER() OVER (PARTITION BY chat_id ORDER BY priority, id) AS nth \
             FROM outbox \
             WHERE state = 'queued' AND (retry_at IS NULL OR retry_at <= $1) {kinds}\
             AND chat_id NOT IN (SELECT chat_id FROM outbox \
             WHERE state = 'queued' AND retry_at > $1)) ready \
             WHERE nth = 1 ORDER BY priority, id LIMIT $2"
        );
        Ok(with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(now).bind(limit).fetch_all(pool).await?
        }))
    }

    /// Moves message `id` to `sending` for `holder`, only if it is still queued and `holder`
    /// still holds the sender lease `reserve` after `now` (the longest a send can take).
    /// False: someone else has it, or the lease is lost or about to be.
    pub async fn claim_message(
        &self,
        id: i64,
        holder: &str,
        now: DateTime<Utc>,
        reserve: std::time::Duration,
    ) -> Result<bool, StoreError> {
        // The lease must outlast the whole call; an absurd reserve claims nothing.
        let until = chrono::Duration::from_std(reserve)
            .ok()
            .and_then(|r| now.checked_add_signed(r))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        const SQL: &str = "UPDATE outbox SET state = 'sending', claimed_by = $2, attempts = attempts + 1 \
                           WHERE id = $1 AND state = 'queued' AND EXISTS \
                           (SELECT 1 FROM leases WHERE name = $3 AND holder = $2 AND expires_at > $4)";
        let claimed = with_pool!(self, pool => {
            sqlx::query(SQL)
                .bind(id)
                .bind(holder)
                .bind(SENDER_LEASE)
                .bind(until)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(claimed == 1)
    }

    /// Telegram took message `id` as its message `message_id`: mark it sent and remember what
    /// it was about, so a reply to it lands on the right task or report.
    pub async fn message_sent(&self, id: i64, message_id: i64) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "UPDATE outbox SET state = 'sent', sent_at = $2, telegram_message_id = $3, \
                 last_error = NULL WHERE id = $1",
            )
            .bind(id)
            .bind(now)
            .bind(message_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO bot_messages (chat_id, message_id, assignment_id, period_id, unit_id, case_hop_id, sent_at) \
                 SELECT chat_id, telegram_message_id, assignment_id, period_id, unit_id, case_hop_id, $2 FROM outbox \
                 WHERE id = $1 AND (assignment_id IS NOT NULL OR period_id IS NOT NULL OR case_hop_id IS NOT NULL) \
                 ON CONFLICT (chat_id, message_id) DO NOTHING",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Message `id` failed for a reason that may pass: queue it again for `retry_at` (wall
    /// time). `count_attempt` false (a 429) gives the attempt back.
    pub async fn retry_message(
        &self,
        id: i64,
        retry_at: DateTime<Utc>,
        error: &str,
        count_attempt: bool,
    ) -> Result<(), StoreError> {
        let give_back: i64 = if count_attempt { 0 } else { 1 };
        with_pool!(self, pool => {
            sqlx::query(
                "UPDATE outbox SET state = 'queued', claimed_by = NULL, retry_at = $2, last_error = $3, \
                 attempts = attempts - $4 WHERE id = $1 AND state = 'sending'",
            )
            .bind(id)
            .bind(retry_at)
            .bind(error)
            .bind(give_back)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Telegram refused message `id` for good.
    pub async fn fail_message(&self, id: i64, error: &str) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query("UPDATE outbox SET state = 'failed', last_error = $2 WHERE id = $1")
                .bind(id)
                .bind(error)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The chat of message `id` cannot be reached: park the message, and mark every member
    /// linked to that chat unreachable so no more is queued for them until they write again.
    pub async fn park_message(&self, id: i64, reason: &str) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let chat: Option<i64> = sqlx::query_scalar(
                "UPDATE outbox SET state = 'parked', last_error = $2 WHERE id = $1 RETURNING chat_id",
            )
            .bind(id)
            .bind(reason)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(chat) = chat {
                let marked = sqlx::query(
                    "UPDATE people SET unreachable_at = $2, unreachable_reason = $3 \
                     WHERE telegram_user_id = $1 AND unreachable_at IS NULL",
                )
                .bind(chat)
                .bind(now)
                .bind(reason)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if marked > 0 {
                    audit!(&mut *tx, now, Actor::system(), "person.unreachable", "telegram_chat",
                        chat.to_string(), json!({ "reason": reason, "members": marked }));
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// A member wrote to the bot: they can be reached again.
    pub async fn mark_reachable(&self, telegram_user_id: i64) -> Result<(), StoreError> {
        // Nearly always nobody is marked: read first, so messages take no write lock.
        let marked: i64 = with_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM people WHERE telegram_user_id = $1 AND unreachable_at IS NOT NULL",
            )
            .bind(telegram_user_id)
            .fetch_one(pool)
            .await?
        });
        if marked == 0 {
            return Ok(());
        }
        let now = self.now();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let cleared = sqlx::query(
                "UPDATE people SET unreachable_at = NULL, unreachable_reason = NULL \
                 WHERE telegram_user_id = $1 AND unreachable_at IS NOT NULL",
            )
            .bind(telegram_user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if cleared > 0 {
                audit!(&mut *tx, now, Actor::system(), "person.reachable", "telegram_chat",
                    telegram_user_id.to_string(), json!({ "members": cleared }));
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Failed messages queued again (`dondoc outbox retry`); returns how many.
    pub async fn retry_failed_messages(&self, actor: &Actor) -> Result<u64, StoreError> {
        let now = self.now();
        Ok(with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let requeued = sqlx::query(
                "UPDATE outbox SET state = 'queued', attempts = 0, retry_at = NULL WHERE state = 'failed'",
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            audit!(&mut *tx, now, actor, "outbox.retry", "outbox", "failed",
                json!({ "requeued": requeued }));
            tx.commit().await?;
            requeued
        }))
    }

    /// Deletes sent, parked and failed messages created before `before` (queued and sending
    /// ones stay, whatever their age). What a reply to an old message is about stays in
    /// `bot_messages`. Returns how many were deleted. A citizen case's messages stay: their
    /// keys (`case:…`) are composed for as long as the case is open, however long that is.
    pub async fn prune_outbox(
        &self,
        before: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<u64, StoreError> {
        let now = self.now();
        Ok(with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let deleted = sqlx::query(
                "DELETE FROM outbox WHERE state IN ('sent', 'parked', 'failed') AND created_at < $1 \
                 AND idempotency_key NOT LIKE 'case:%'",
            )
            .bind(before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if deleted > 0 {
                audit!(&mut *tx, now, actor, "outbox.prune", "outbox", "old",
                    json!({ "deleted": deleted, "before": before.to_rfc3339() }));
            }
            tx.commit().await?;
            deleted
        }))
    }

    /// Counts by kind and state, and the age of the queue.
    pub async fn outbox_summary(&self) -> Result<OutboxSummary, StoreError> {
        const COUNTS: &str =
            "SELECT kind, state, COUNT(*) AS count FROM outbox GROUP BY kind, state";
        const OLDEST: &str =
            "SELECT MIN(created_at) FROM outbox WHERE state IN ('queued', 'sending')";
        let (rows, oldest): (Vec<CountRow>, Option<DateTime<Utc>>) = with_pool!(self, pool => {
            (
                sqlx::query_as(COUNTS).fetch_all(pool).await?,
                sqlx::query_scalar(OLDEST).fetch_one(pool).await?,
            )
        });
        let mut counts = Vec::with_capacity(rows.len());
        for row in rows {
            counts.push(OutboxCount {
                kind: row
                    .kind
                    .parse()
                    .map_err(|e: crate::domain::ParseError| StoreError::Corrupt(e.to_string()))?,
                state: row
                    .state
                    .parse()
                    .map_err(|e: crate::domain::ParseError| StoreError::Corrupt(e.to_string()))?,
                count: row.count,
            });
        }
        counts.sort_by_key(|c| (c.kind, c.state));
        Ok(OutboxSummary {
            counts,
            oldest_queued: oldest,
        })
    }

    /// Every message in the outbox, oldest first (for `tick` checks, tests and support).
    pub async fn outbox_messages(&self) -> Result<Vec<OutboxMessage>, StoreError> {
        const SQL: &str = "SELECT id, idempotency_key, kind, chat_id, body, reply_markup, state, \
                           created_at, telegram_message_id FROM outbox ORDER BY id";
        Ok(with_pool!(self, pool => sqlx::query_as(SQL).fetch_all(pool).await?))
    }
}
