//! SQLite specifics: the file is created if missing, WAL journal so readers never block the
//! writer, a busy timeout so concurrent writers wait instead of failing, foreign keys on.

use std::str::FromStr;
use std::time::Duration;

use secrecy::ExposeSecret;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use super::StoreError;
use crate::config::DatabaseConfig;

pub(super) async fn connect(config: &DatabaseConfig) -> Result<SqlitePool, StoreError> {
    let options = SqliteConnectOptions::from_str(config.url.expose_secret())?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_millis(config.busy_timeout_ms))
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(config.max_connections)
        .connect_with(options)
        .await?;
    sqlx::migrate!("migrations/sqlite").run(&pool).await?;
    Ok(pool)
}

impl super::BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}
