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
    // One plain connection first: the pool would retry for its whole acquire time-out and
    // then say only "pool timed out"; this says why, within CONNECT_TIMEOUT.
    probe(&options)
        .await
        .map_err(|failure| StoreError::Connect {
            url: config.redacted_url(),
            failure,
        })?;
    if let Some(schema) = &config.postgres_schema {
        create_schema(&options, schema).await?;
        options = options.options([("search_path", schema.as_str())]);
    }
    let pool = PgPoolOptions::new()
        .max_connections(config.max_connections)
        .acquire_timeout(super::CONNECT_TIMEOUT)
        .connect_with(options)
        .await?;
    sqlx::migrate!("migrations/postgres").run(&pool).await?;
    Ok(pool)
}

/// Connects once (and disconnects) within [`super::CONNECT_TIMEOUT`]: the real reason when
/// the server cannot be reached or refuses.
pub async fn probe(options: &PgConnectOptions) -> Result<(), super::ConnectFailure> {
    let address = format!("{}:{}", options.get_host(), options.get_port());
    let user = options.get_username().to_string();
    let database = options.get_database().unwrap_or(&user).to_string();
    let reached = tokio::time::timeout(super::CONNECT_TIMEOUT, async {
        let mut conn = PgConnection::connect_with(options).await?;
        sqlx::query("SELECT 1").execute(&mut conn).await?;
        conn.close().await
    })
    .await;
    match reached {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(super::ConnectFailure::classify(
            &e, &address, &user, &database,
        )),
        Err(_) => Err(super::ConnectFailure::NoAnswer {
            address,
            secs: super::CONNECT_TIMEOUT.as_secs(),
        }),
    }
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
