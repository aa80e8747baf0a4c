//! Steps that several write transactions share, as methods on a transaction's connection
//! (`tx.first_delivery(…)` on `&mut *tx`). They are functions, not macros, so that what a step
//! may do to its caller is in its signature: each returns a `Result` (and a value the caller
//! decides on — `if !tx.first_delivery(…).await? { return Ok(Effect::Duplicate) }`), and none
//! returns from the caller's function behind its back.
//!
//! The bodies are the same SQL for both databases, so [`steps_for!`] implements [`Steps`] for
//! SQLite's and Postgres's connection from one text — the same reason [`super::with_pool!`]
//! exists (see ARCHITECTURE.md, "One interface, two databases").

use chrono::{DateTime, Utc};

use super::{NewAttachment, StatusReply, StoreError};
use crate::domain::{StatusUpdateId, SubmissionId, UpdateId};

/// What a stored file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttachedTo {
    StatusUpdate(StatusUpdateId),
    Submission(SubmissionId),
}

/// The steps; implemented for [`sqlx::SqliteConnection`] and [`sqlx::PgConnection`].
pub(crate) trait Steps {
    /// Marks `update_id` processed; false when it already was (a redelivery: the caller then
    /// changes nothing).
    async fn first_delivery(
        &mut self,
        update_id: UpdateId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Sets an assignment's status and appends the status update that says so; the update's
    /// id. A retired or unknown assignment is `NotFound` (the caller's transaction then rolls
    /// back).
    async fn save_status_reply(
        &mut self,
        reply: &StatusReply,
        now: DateTime<Utc>,
    ) -> Result<StatusUpdateId, StoreError>;

    /// Stores a received file with what it belongs to.
    async fn insert_attachment(
        &mut self,
        owner: AttachedTo,
        file: &NewAttachment,
    ) -> Result<(), StoreError>;

    /// Ends what the bot waited for from `user_id` in `chat_id`.
    async fn end_dialogue(&mut self, chat_id: i64, user_id: i64) -> Result<(), StoreError>;

    /// Stores what the bot now waits for from `user_id` in `chat_id` (after
    /// [`Steps::end_dialogue`]: one row per chat and user).
    async fn insert_dialogue(
        &mut self,
        chat_id: i64,
        user_id: i64,
        state: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}

/// Implements [`Steps`] for one backend's connection type; the SQL is the same for both.
macro_rules! steps_for {
    ($conn:ty) => {
        impl Steps for $conn {
            async fn first_delivery(
                &mut self,
                update_id: UpdateId,
                now: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                let inserted = sqlx::query(
                    "INSERT INTO processed_updates (update_id, processed_at) VALUES ($1, $2) \
                     ON CONFLICT (update_id) DO NOTHING",
                )
                .bind(update_id)
                .bind(now)
                .execute(&mut *self)
                .await?
                .rows_affected();
                // A Zalo update (its number is its `zalo_inbox` row, from 2^60) is handled in
                // the same transaction as its effect: it is never replayed after the effect is
                // committed, and never lost before (Zalo does not deliver it again).
                if inserted == 1 && update_id.get() >= crate::domain::ZALO_NUMBER_BASE {
                    sqlx::query(
                        "UPDATE zalo_inbox SET handled_at = $1 WHERE id = $2 AND handled_at IS NULL",
                    )
                    .bind(now)
                    .bind(update_id)
                    .execute(&mut *self)
                    .await?;
                }
                Ok(inserted == 1)
            }

            async fn save_status_reply(
                &mut self,
                reply: &StatusReply,
                now: DateTime<Utc>,
            ) -> Result<StatusUpdateId, StoreError> {
                let updated = sqlx::query(
                    "UPDATE assignments SET status = $1 WHERE id = $2 AND retired_at IS NULL",
                )
                .bind(reply.status.as_str())
                .bind(reply.assignment_id)
                .execute(&mut *self)
                .await?
                .rows_affected();
                if updated == 0 {
                    return Err(StoreError::NotFound {
                        what: "assignment",
                        key: reply.assignment_id.to_string(),
                    });
                }
                Ok(sqlx::query_scalar(
                    "INSERT INTO status_updates (assignment_id, status, note, person_id, reported_at, telegram_message_id) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(reply.assignment_id)
                .bind(reply.status.as_str())
                .bind(&reply.note)
                .bind(reply.person_id)
                .bind(now)
                .bind(reply.telegram_message_id)
                .fetch_one(&mut *self)
                .await?)
            }

            async fn insert_attachment(
                &mut self,
                owner: AttachedTo,
                file: &NewAttachment,
            ) -> Result<(), StoreError> {
                let (sql, owner_id): (&str, i64) = match owner {
                    AttachedTo::StatusUpdate(id) => (
                        "INSERT INTO attachments (status_update_id, file_id, file_unique_id, file_name, mime_type, file_size) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                        id.get(),
                    ),
                    AttachedTo::Submission(id) => (
                        "INSERT INTO attachments (submission_id, file_id, file_unique_id, file_name, mime_type, file_size) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                        id.get(),
                    ),
                };
                sqlx::query(sql)
                    .bind(owner_id)
                    .bind(&file.file_id)
                    .bind(&file.file_unique_id)
                    .bind(&file.file_name)
                    .bind(&file.mime_type)
                    .bind(file.file_size)
                    .execute(&mut *self)
                    .await?;
                Ok(())
            }

            async fn end_dialogue(&mut self, chat_id: i64, user_id: i64) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM dialogues WHERE chat_id = $1 AND user_id = $2")
                    .bind(chat_id)
                    .bind(user_id)
                    .execute(&mut *self)
                    .await?;
                Ok(())
            }

            async fn insert_dialogue(
                &mut self,
                chat_id: i64,
                user_id: i64,
                state: &str,
                now: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO dialogues (chat_id, user_id, state, updated_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(chat_id)
                .bind(user_id)
                .bind(state)
                .bind(now)
                .execute(&mut *self)
                .await?;
                Ok(())
            }
        }
    };
}

steps_for!(sqlx::SqliteConnection);
steps_for!(sqlx::PgConnection);
