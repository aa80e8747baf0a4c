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
use crate::domain::text::{split_message, TELEGRAM_TEXT_LIMIT, ZALO_TEXT_LIMIT};
use crate::domain::{
    Actor, AssignmentId, CaseHopId, Channel, DeliveryState, Lang, MessageKind, PeriodId, UnitId,
    ZALO_NUMBER_BASE,
};

/// The lease Telegram's sender must hold.
pub const SENDER_LEASE: &str = "sender";
/// The lease Zalo's sender must hold: each messenger has its own budget, so its own sender.
pub const ZALO_SENDER_LEASE: &str = "sender:zalo";

/// The lease of `channel`'s sender.
pub fn sender_lease(channel: Channel) -> &'static str {
    match channel {
        Channel::Telegram => SENDER_LEASE,
        Channel::Zalo => ZALO_SENDER_LEASE,
    }
}

/// The outbox rows on `channel`, as SQL over `outbox.chat_id`: a chat number from 2^60 is a
/// Zalo chat (`domain::channel`).
fn chats_on(channel: Channel) -> String {
    match channel {
        Channel::Telegram => format!("outbox.chat_id < {ZALO_NUMBER_BASE}"),
        Channel::Zalo => format!("outbox.chat_id >= {ZALO_NUMBER_BASE}"),
    }
}

/// The lease that guards a row, as SQL over `outbox.chat_id` (for the claim's check).
fn lease_of_row() -> String {
    format!(
        "CASE WHEN outbox.chat_id >= {ZALO_NUMBER_BASE} THEN '{ZALO_SENDER_LEASE}' \
         ELSE '{SENDER_LEASE}' END"
    )
}

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

/// The longest body of one outbox row on `channel`. Zalo takes 2,000 characters (counted
/// here in UTF-16 units, never fewer than characters) and the keyboard is drawn there as
/// text lines after the body (`chat::text_keyboard`), so a Zalo row leaves room for them.
fn row_limit(channel: Channel) -> usize {
    match channel {
        Channel::Telegram => TELEGRAM_TEXT_LIMIT,
        Channel::Zalo => ZALO_TEXT_LIMIT - crate::chat::text_keyboard::ROOM,
    }
}

/// Splits over-long texts at line breaks: each queued row is one message on its chat's
/// messenger. Parts get the key `KEY#2`, `KEY#3` … and the keyboard stays on the last part.
fn into_rows(messages: &[NewMessage]) -> Vec<NewMessage> {
    let mut rows = Vec::with_capacity(messages.len());
    for message in messages {
        let limit = row_limit(Channel::of_chat(message.chat_id));
        let parts = split_message(&message.body, limit);
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
                // Only the rows this lease guards: taking Zalo's lease must not queue again
                // what Telegram's sender has in flight.
                let channel = match name {
                    SENDER_LEASE => Some(Channel::Telegram),
                    ZALO_SENDER_LEASE => Some(Channel::Zalo),
                    _ => None,
                };
                let rows = channel.map_or_else(|| "TRUE".to_string(), chats_on);
                let requeued = sqlx::query(&format!(
                    "UPDATE outbox SET state = 'queued', claimed_by = NULL \
                     WHERE state = 'sending' AND (claimed_by IS NULL OR claimed_by <> $1) AND {rows}",
                ))
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
        channel: Channel,
        limit: i64,
        now: DateTime<Utc>,
        office_hours: bool,
    ) -> Result<Vec<QueuedMessage>, StoreError> {
        let on_channel = chats_on(channel);
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
             WHERE state = 'queued' AND {on_channel} AND (retry_at IS NULL OR retry_at <= $1) {kinds}\
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
        // The lease of the row's own messenger: a sender claims only its channel's rows.
        let sql = format!(
            "UPDATE outbox SET state = 'sending', claimed_by = $2, attempts = attempts + 1 \
             WHERE id = $1 AND state = 'queued' AND EXISTS \
             (SELECT 1 FROM leases WHERE name = {} AND holder = $2 AND expires_at > $3)",
            lease_of_row()
        );
        let claimed = with_pool!(self, pool => {
            sqlx::query(&sql)
                .bind(id)
                .bind(holder)
                .bind(until)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(claimed == 1)
    }

    /// The messenger took message `id` (as its message `message_id` on Telegram; Zalo gives
    /// no number): mark it sent and remember what it was about, so a reply to it lands on the
    /// right task or report.
    pub async fn message_sent(&self, id: i64, message_id: Option<i64>) -> Result<(), StoreError> {
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
                 WHERE id = $1 AND telegram_message_id IS NOT NULL \
                 AND (assignment_id IS NOT NULL OR period_id IS NOT NULL OR case_hop_id IS NOT NULL) \
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
                // The member written to in that chat: by their Telegram id, or their Zalo
                // chat's number (each from its own range, so one never matches the other).
                let marked = sqlx::query(
                    "UPDATE people SET unreachable_at = $2, unreachable_reason = $3 \
                     WHERE (telegram_user_id = $1 OR zalo_chat = $1) AND unreachable_at IS NULL",
                )
                .bind(chat)
                .bind(now)
                .bind(reason)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if marked > 0 {
                    let target = match Channel::of_chat(chat) {
                        Channel::Telegram => "telegram_chat",
                        Channel::Zalo => "zalo_chat",
                    };
                    audit!(&mut *tx, now, Actor::system(), "person.unreachable", target,
                        chat.to_string(), json!({ "reason": reason, "members": marked }));
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// A member wrote to the bot (`user`: a Telegram user id, or a Zalo user's local number):
    /// they can be reached again, and a member linked on both messengers is written to on
    /// this one from now on (unless one was chosen for them: `channel_choice` wins).
    pub async fn mark_reachable(&self, user: i64) -> Result<(), StoreError> {
        let channel = Channel::of_chat(user);
        let who = match channel {
            Channel::Telegram => "telegram_user_id = $1",
            Channel::Zalo => "zalo_user = $1",
        };
        // Only members linked on both have a last channel worth keeping.
        let switched = "(telegram_user_id IS NOT NULL AND zalo_chat IS NOT NULL                         AND (last_channel IS NULL OR last_channel <> $2))";
        // Nearly always nothing changes: read first, so messages take no write lock.
        let changed: i64 = with_pool!(self, pool => {
            sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM people WHERE {who} AND (unreachable_at IS NOT NULL OR {switched})"
            ))
            .bind(user)
            .bind(channel.as_str())
            .fetch_one(pool)
            .await?
        });
        if changed == 0 {
            return Ok(());
        }
        let now = self.now();
        let target = match channel {
            Channel::Telegram => "telegram_chat",
            Channel::Zalo => "zalo_user",
        };
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let cleared = sqlx::query(&format!(
                "UPDATE people SET unreachable_at = NULL, unreachable_reason = NULL \
                 WHERE {who} AND unreachable_at IS NOT NULL"
            ))
            .bind(user)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if cleared > 0 {
                audit!(&mut *tx, now, Actor::system(), "person.reachable", target,
                    user.to_string(), json!({ "members": cleared }));
            }
            let switched = sqlx::query(&format!(
                "UPDATE people SET last_channel = $2 WHERE {who} AND {switched}"
            ))
            .bind(user)
            .bind(channel.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if switched > 0 {
                audit!(&mut *tx, now, Actor::system(), "person.last_channel", target,
                    user.to_string(), json!({ "channel": channel.as_str(), "members": switched }));
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Who is written to in Zalo chat `chat` (a local number): their language and their
    /// units, for the answer line of a message sent there (`zalo::send`).
    pub async fn zalo_reader(&self, chat: i64) -> Result<(Option<Lang>, Vec<UnitId>), StoreError> {
        let rows: Vec<(i64, Option<String>)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT unit_id, language FROM people WHERE zalo_chat = $1 ORDER BY id")
                .bind(chat)
                .fetch_all(pool)
                .await?
        });
        let lang = rows
            .iter()
            .find_map(|(_, lang)| lang.as_deref().and_then(|l| l.parse().ok()));
        Ok((
            lang,
            rows.into_iter().map(|(unit, _)| UnitId(unit)).collect(),
        ))
    }

    /// A reporting period's name, as its reminders show it.
    pub async fn period_label(&self, period: PeriodId) -> Result<Option<String>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar("SELECT label FROM reporting_periods WHERE id = $1")
                .bind(period)
                .fetch_optional(pool)
                .await?
        }))
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
