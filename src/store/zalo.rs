//! Zalo's string ids as local numbers (`zalo_ids`, from `domain::ZALO_NUMBER_BASE`), so every
//! table keyed by a chat or a user keeps one integer for both messengers.

use super::{with_pool, BeginWrite, Store, StoreError};

impl Store {
    /// The local number of Zalo id `zalo_id` (a user's or a chat's), given on first sight and
    /// the same ever after, whichever process asks first.
    pub async fn zalo_number(&self, zalo_id: &str) -> Result<i64, StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // ON CONFLICT DO NOTHING + a read: two processes that see a new id at once agree.
            sqlx::query(
                "INSERT INTO zalo_ids (zalo_id, created_at) VALUES ($1, $2) \
                 ON CONFLICT (zalo_id) DO NOTHING",
            )
            .bind(zalo_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let number: i64 = sqlx::query_scalar("SELECT id FROM zalo_ids WHERE zalo_id = $1")
                .bind(zalo_id)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(number)
        })
    }

    /// The Zalo id behind local number `number`; None when it was never given.
    pub async fn zalo_id_of(&self, number: i64) -> Result<Option<String>, StoreError> {
        with_pool!(self, pool => {
            Ok(sqlx::query_scalar("SELECT zalo_id FROM zalo_ids WHERE id = $1")
                .bind(number)
                .fetch_optional(pool)
                .await?)
        })
    }
}

/// A Zalo update as kept in `zalo_inbox`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptZaloUpdate {
    /// The update's number (from 2^60): its `UpdateId` in `processed_updates`.
    pub id: crate::domain::UpdateId,
    pub payload: String,
}

impl Store {
    /// Keeps a Zalo update before it is acted on. Returns its row, and whether this call
    /// inserted it (false: the same message arrived before — a webhook retry, a second
    /// poller's copy — and is handled through its first row).
    pub async fn keep_zalo_update(
        &self,
        message_id: &str,
        payload: &str,
    ) -> Result<(KeptZaloUpdate, bool), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let inserted = sqlx::query(
                "INSERT INTO zalo_inbox (message_id, payload, received_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (message_id) DO NOTHING",
            )
            .bind(message_id)
            .bind(payload)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            let (id, payload): (i64, String) =
                sqlx::query_as("SELECT id, payload FROM zalo_inbox WHERE message_id = $1")
                    .bind(message_id)
                    .fetch_one(&mut *tx)
                    .await?;
            tx.commit().await?;
            Ok((
                KeptZaloUpdate {
                    id: crate::domain::UpdateId(id),
                    payload,
                },
                inserted,
            ))
        })
    }

    /// A Zalo update whose handling wrote nothing (a list shown, a hint) is done. Updates with
    /// an effect are marked in the effect's own transaction (`Steps::first_delivery`).
    pub async fn zalo_update_handled(&self, id: crate::domain::UpdateId) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            sqlx::query("UPDATE zalo_inbox SET handled_at = $1 WHERE id = $2 AND handled_at IS NULL")
                .bind(now)
                .bind(id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Zalo updates kept and not handled (the process stopped in between), oldest first.
    pub async fn unhandled_zalo_updates(&self) -> Result<Vec<KeptZaloUpdate>, StoreError> {
        let rows: Vec<(i64, String)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT id, payload FROM zalo_inbox WHERE handled_at IS NULL ORDER BY id")
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, payload)| KeptZaloUpdate {
                id: crate::domain::UpdateId(id),
                payload,
            })
            .collect())
    }
}
