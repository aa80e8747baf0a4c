//! Updates kept between their arrival and their handling (see `bot::inbox`).

use super::{with_pool, Store, StoreError};

impl Store {
    /// Keeps update `update_id` (its JSON) until [`Store::update_handled`]; a second copy of
    /// the same update changes nothing.
    pub async fn keep_update(&self, update_id: i64, payload: &str) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO inbox (update_id, payload, received_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (update_id) DO NOTHING",
            )
            .bind(update_id)
            .bind(payload)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Whether an effect of update `update_id` is committed (see `processed_updates`).
    pub async fn was_processed(&self, update_id: i64) -> Result<bool, StoreError> {
        let found: Option<i64> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT update_id FROM processed_updates WHERE update_id = $1")
                .bind(update_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(found.is_some())
    }

    /// Update `update_id` was handled: it need not be replayed.
    pub async fn update_handled(&self, update_id: i64) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query("DELETE FROM inbox WHERE update_id = $1")
                .bind(update_id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Updates kept and not handled (a process stopped in between), oldest first:
    /// (update id, JSON).
    pub async fn kept_updates(&self) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_as("SELECT update_id, payload FROM inbox ORDER BY update_id")
                .fetch_all(pool)
                .await?
        }))
    }
}
