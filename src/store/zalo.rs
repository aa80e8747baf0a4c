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
