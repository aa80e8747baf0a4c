//! Conversations: what the bot waits for from each person in each chat (`dialogues`), what
//! each message the bot sent was about (`bot_messages`), and the updates already handled
//! (`processed_updates`, written by every effect through [`super::tx::Steps::first_delivery`],
//! so a redelivered update changes nothing).

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::tx::Steps;
use super::{with_pool, BeginWrite, Store, StoreError};
use crate::domain::{AssignmentId, CaseHopId, PeriodId, StatusUpdateId, UnitId, UpdateId};

/// The result of an effect keyed by a Telegram update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect<T> {
    Done(T),
    /// The update was processed before; nothing changed.
    Duplicate,
}

/// What a message sent by the bot was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Assignment(AssignmentId),
    Report {
        period_id: PeriodId,
        unit_id: UnitId,
    },
    /// A citizen's case as sent to one unit (a forward hop).
    CaseHop(CaseHopId),
}

#[derive(sqlx::FromRow)]
struct SubjectRow {
    assignment_id: Option<AssignmentId>,
    period_id: Option<PeriodId>,
    unit_id: Option<UnitId>,
    case_hop_id: Option<CaseHopId>,
}

impl Store {
    /// What the bot waits for from `user_id` in `chat_id` (JSON), if anything.
    pub async fn dialogue(&self, chat_id: i64, user_id: i64) -> Result<Option<String>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar("SELECT state FROM dialogues WHERE chat_id = $1 AND user_id = $2")
                .bind(chat_id)
                .bind(user_id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// What the bot waits for from `user_id` in `chat_id` (JSON), and since when.
    pub async fn dialogue_since(
        &self,
        chat_id: i64,
        user_id: i64,
    ) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_as("SELECT state, updated_at FROM dialogues WHERE chat_id = $1 AND user_id = $2")
                .bind(chat_id)
                .bind(user_id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Sets (or with `None` clears) the dialogue state as the effect of `update_id`.
    pub async fn set_dialogue(
        &self,
        update_id: UpdateId,
        chat_id: i64,
        user_id: i64,
        state: Option<&str>,
    ) -> Result<Effect<()>, StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !tx.first_delivery(update_id, now).await? {
                return Ok(Effect::Duplicate);
            }
            tx.end_dialogue(chat_id, user_id).await?;
            if let Some(state) = state {
                tx.insert_dialogue(chat_id, user_id, state, now).await?;
            }
            tx.commit().await?;
        });
        Ok(Effect::Done(()))
    }

    /// Forgets what the bot waited for from `user_id` in `chat_id` (a command cancels a
    /// question). Deleting twice is deleting once, so no update id is needed.
    pub async fn clear_dialogue(&self, chat_id: i64, user_id: i64) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query("DELETE FROM dialogues WHERE chat_id = $1 AND user_id = $2")
                .bind(chat_id)
                .bind(user_id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Remembers that bot message `message_id` in `chat_id` is about `assignment_id`.
    pub async fn remember_bot_message(
        &self,
        chat_id: i64,
        message_id: i64,
        assignment_id: AssignmentId,
    ) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO bot_messages (chat_id, message_id, assignment_id, sent_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (chat_id, message_id) DO UPDATE SET assignment_id = excluded.assignment_id",
            )
            .bind(chat_id)
            .bind(message_id)
            .bind(assignment_id)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The assignment a bot message was about, if any.
    pub async fn bot_message_assignment(
        &self,
        chat_id: i64,
        message_id: i64,
    ) -> Result<Option<AssignmentId>, StoreError> {
        let found: Option<Option<AssignmentId>> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT assignment_id FROM bot_messages WHERE chat_id = $1 AND message_id = $2")
                .bind(chat_id)
                .bind(message_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(found.flatten())
    }

    /// Remembers that bot message `message_id` confirmed (or asks about) status update
    /// `status_update_id` of `assignment_id`: a reply to it is a note on that update.
    pub async fn remember_update_message(
        &self,
        chat_id: i64,
        message_id: i64,
        assignment_id: AssignmentId,
        status_update_id: StatusUpdateId,
    ) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO bot_messages (chat_id, message_id, assignment_id, status_update_id, sent_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (chat_id, message_id) DO UPDATE SET assignment_id = excluded.assignment_id, status_update_id = excluded.status_update_id",
            )
            .bind(chat_id)
            .bind(message_id)
            .bind(assignment_id)
            .bind(status_update_id)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The status update a bot message confirmed or asked about, if any.
    pub async fn bot_message_update(
        &self,
        chat_id: i64,
        message_id: i64,
    ) -> Result<Option<StatusUpdateId>, StoreError> {
        let found: Option<Option<StatusUpdateId>> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT status_update_id FROM bot_messages WHERE chat_id = $1 AND message_id = $2")
                .bind(chat_id)
                .bind(message_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(found.flatten())
    }

    /// Remembers that bot message `message_id` in `chat_id` is about a unit's report.
    pub async fn remember_report_message(
        &self,
        chat_id: i64,
        message_id: i64,
        period_id: PeriodId,
        unit_id: UnitId,
    ) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO bot_messages (chat_id, message_id, period_id, unit_id, sent_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (chat_id, message_id) DO UPDATE SET period_id = excluded.period_id, unit_id = excluded.unit_id",
            )
            .bind(chat_id)
            .bind(message_id)
            .bind(period_id)
            .bind(unit_id)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// What a bot message was about, if anything.
    pub async fn bot_message_subject(
        &self,
        chat_id: i64,
        message_id: i64,
    ) -> Result<Option<Subject>, StoreError> {
        let row: Option<SubjectRow> = with_pool!(self, pool => {
            sqlx::query_as("SELECT assignment_id, period_id, unit_id, case_hop_id FROM bot_messages WHERE chat_id = $1 AND message_id = $2")
                .bind(chat_id)
                .bind(message_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(
            row.and_then(|r| match (r.assignment_id, r.period_id, r.unit_id) {
                _ if r.case_hop_id.is_some() => r.case_hop_id.map(Subject::CaseHop),
                (Some(a), _, _) => Some(Subject::Assignment(a)),
                (None, Some(period_id), Some(unit_id)) => {
                    Some(Subject::Report { period_id, unit_id })
                }
                _ => None,
            }),
        )
    }

    /// When each item was last put in front of `chat_id` (a reminder, a card, a question):
    /// assignment ids and (period, unit) pairs, newest first.
    pub async fn recently_shown(
        &self,
        chat_id: i64,
    ) -> Result<Vec<(Option<AssignmentId>, Option<(PeriodId, UnitId)>)>, StoreError> {
        let rows: Vec<(Option<AssignmentId>, Option<PeriodId>, Option<UnitId>)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT assignment_id, period_id, unit_id FROM bot_messages \
                 WHERE chat_id = $1 AND (assignment_id IS NOT NULL OR period_id IS NOT NULL) \
                 GROUP BY assignment_id, period_id, unit_id ORDER BY MAX(sent_at) DESC, MAX(message_id) DESC",
            )
            .bind(chat_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(a, p, u)| (a, p.zip(u))).collect())
    }
}

impl Store {
    /// What the bot waits for from `user_id` in `chat_id`, read as `T` (the bot's `Waiting`),
    /// and since when. A stored row that does not read as `T` — written by a version that
    /// asked other questions, or damaged — is logged as a warning with its text and taken as
    /// no question. It is not deleted here (the next question or command replaces it), and
    /// nothing already recorded is undone.
    pub async fn load_dialogue<T: DeserializeOwned>(
        &self,
        chat_id: i64,
        user_id: i64,
    ) -> Result<Option<(T, DateTime<Utc>)>, StoreError> {
        let Some((row, since)) = self.dialogue_since(chat_id, user_id).await? else {
            return Ok(None);
        };
        match serde_json::from_str(&row) {
            Ok(state) => Ok(Some((state, since))),
            Err(error) => {
                tracing::warn!(
                    chat_id,
                    user_id,
                    row = %row,
                    since = %since,
                    %error,
                    "a stored dialogue state cannot be read; taken as no question"
                );
                Ok(None)
            }
        }
    }

    /// Stores what the bot now waits for (as JSON; `None` clears it) as the effect of
    /// `update_id`: [`Store::set_dialogue`] with a typed state.
    pub async fn save_dialogue<T: Serialize>(
        &self,
        update_id: UpdateId,
        chat_id: i64,
        user_id: i64,
        state: Option<&T>,
    ) -> Result<Effect<()>, StoreError> {
        let row = state.map(dialogue_json).transpose()?;
        self.set_dialogue(update_id, chat_id, user_id, row.as_deref())
            .await
    }
}

/// A dialogue state as stored: its JSON, or [`StoreError::Invalid`] when it cannot be
/// written as JSON (a map with non-string keys, a failing `Serialize`), never an empty row.
pub(super) fn dialogue_json<T: Serialize + ?Sized>(state: &T) -> Result<String, StoreError> {
    serde_json::to_string(state)
        .map_err(|e| StoreError::Invalid(format!("dialogue state cannot be written: {e}")))
}
