//! What every benchmark shares: a fresh database per backend (a SQLite file in a temp dir, or
//! a Postgres schema of its own, dropped at the end).
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use dondoc::clock::{Clock, SystemClock};
use dondoc::config::DatabaseConfig;
use dondoc::store::Store;
use secrecy::SecretString;
use sqlx::Connection;

/// A fresh database for one backend.
pub struct Db {
    pub name: &'static str,
    pub config: DatabaseConfig,
    /// Postgres: the server URL and our schema, dropped by [`Db::finish`].
    pub postgres: Option<(String, String)>,
}

impl Db {
    /// The SQLite file `file` in `dir`.
    pub fn sqlite(dir: &Path, file: &str) -> Db {
        let url = format!("sqlite://{}", dir.join(file).display());
        Db {
            name: "sqlite",
            config: DatabaseConfig {
                url: SecretString::from(url),
                ..DatabaseConfig::default()
            },
            postgres: None,
        }
    }

    /// Schema `schema` on the Postgres server at `url`.
    pub fn postgres(url: &str, schema: String) -> Db {
        Db {
            name: "postgres",
            config: DatabaseConfig {
                url: SecretString::from(url.to_string()),
                postgres_schema: Some(schema.clone()),
                ..DatabaseConfig::default()
            },
            postgres: Some((url.to_string(), schema)),
        }
    }

    /// The store on the wall clock.
    pub async fn open(&self) -> Store {
        self.open_with(SystemClock).await
    }

    /// The store on `clock`.
    pub async fn open_with(&self, clock: impl Clock + 'static) -> Store {
        Store::connect(&self.config, Arc::new(clock))
            .await
            .unwrap_or_else(|e| panic!("{}: cannot open the bench database: {e}", self.name))
    }

    /// Drops the Postgres schema (the SQLite file goes with the temp dir).
    pub async fn finish(self) {
        if let Some((url, schema)) = &self.postgres {
            let mut conn = sqlx::PgConnection::connect(url)
                .await
                .expect("a Postgres connection to drop the bench schema");
            sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                .execute(&mut conn)
                .await
                .expect("drop the bench schema");
        }
    }
}
