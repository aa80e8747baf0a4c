//! Postgres specifics: an optional schema of our own (created if missing and put first on the
//! search path), and the Postgres migrations. Several `serve` processes may share the database:
//! sqlx serialises concurrent migration runs with an advisory lock.

use std::str::FromStr;

use secrecy::ExposeSecret;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

use super::StoreError;
use crate::config::DatabaseConfig;

pub(super) async fn connect(config: &DatabaseConfig) -> Result<PgPool, StoreError> {
    let mut options = PgConnectOptions::from_str(config.url.expose_secret())?;
    if let Some(schema) = &config.postgres_schema {
        create_schema(&options, schema).await?;
        options = options.options([("search_path", schema.as_str())]);
    }
    let pool = PgPoolOptions::new()
        .max_connections(config.max_connections)
        .connect_with(options)
        .await?;
    sqlx::migrate!("migrations/postgres").run(&pool).await?;
    Ok(pool)
}

async fn create_schema(options: &PgConnectOptions, schema: &str) -> Result<(), StoreError> {
    if !crate::config::valid_schema_name(schema) {
        return Err(StoreError::Invalid(format!(
            "database.postgres_schema must be lower-case letters, digits and _: {schema:?}"
        )));
    }
    let mut conn = PgConnection::connect_with(options).await?;
    // The name was checked above, so quoting it into the statement is safe.
    sqlx::raw_sql(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

impl super::BeginWrite for PgPool {
    type Database = sqlx::Postgres;

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}
