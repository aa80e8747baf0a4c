//! The one typed configuration: `config/dondoc.toml` (every key documented there), then
//! `DONDOC_SECTION__KEY` environment variables (`DONDOC_DATABASE__URL=postgres://…`).
//! Secrets (bot token, database URL with its password) are [`SecretString`]s: `Debug` and logs
//! never show them.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono_tz::Tz;
use figment::providers::{Env, Format, Toml};
use figment::Figment;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::domain::calendar::{default_templates, PeriodTemplate};
use crate::messages::Lang;

/// The file read when no `--config` is given.
pub const DEFAULT_CONFIG_PATH: &str = "config/dondoc.toml";

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub database: DatabaseConfig,
    pub province: ProvinceConfig,
    pub telegram: TelegramConfig,
    pub import: ImportConfig,
    pub calendar: CalendarConfig,
    pub log: LogConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://dondoc.db` (default) or `postgres://user:password@host/db`.
    pub url: SecretString,
    pub max_connections: u32,
    /// SQLite: how long a writer waits for another writer before giving up.
    pub busy_timeout_ms: u64,
    /// Postgres: the schema dondoc's tables live in (created if missing).
    pub postgres_schema: Option<String>,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: SecretString::from("sqlite://dondoc.db"),
            max_connections: 8,
            busy_timeout_ms: 5_000,
            postgres_schema: None,
        }
    }
}

impl DatabaseConfig {
    /// The URL with any password replaced by `***`, for logs and error messages.
    pub fn redacted_url(&self) -> String {
        redact_url(self.url.expose_secret())
    }
}

/// Replaces the password part of `scheme://user:password@host` with `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => {
            let user = authority[..at].split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{}", &rest[at + 1..])
        }
        None => url.to_string(),
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProvinceConfig {
    /// Due dates are calendar dates in this zone.
    pub time_zone: Tz,
    /// Language of messages to people: "vi" or "en".
    pub language: Lang,
}

impl Default for ProvinceConfig {
    fn default() -> Self {
        Self {
            time_zone: chrono_tz::Asia::Ho_Chi_Minh,
            language: Lang::Vi,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelegramConfig {
    pub bot_token: Option<SecretString>,
    /// The bot's @username for invitation links; asked from Telegram (getMe) when unset.
    pub bot_username: Option<String>,
    pub api_url: String,
    /// Long-polling wait per getUpdates call, seconds.
    pub poll_timeout_secs: u32,
    /// When set, Telegram pushes updates to this public HTTPS URL instead of long polling.
    pub webhook_url: Option<String>,
    /// Where the webhook listener binds (behind the reverse proxy that serves `webhook_url`).
    pub webhook_listen: String,
    /// The secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token`; random per start if unset.
    pub webhook_secret: Option<SecretString>,
    /// How long an invitation code stays valid, days.
    pub invitation_days: u32,
    /// When set, documents and photos received are also saved in this folder.
    pub download_dir: Option<PathBuf>,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        Self {
            bot_token: None,
            bot_username: None,
            api_url: "https://api.telegram.org".into(),
            poll_timeout_secs: 30,
            webhook_url: None,
            webhook_listen: "0.0.0.0:8443".into(),
            webhook_secret: None,
            invitation_days: 14,
            download_dir: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportConfig {
    /// Larger files are refused before they are read.
    pub max_file_bytes: u64,
}

impl Default for ImportConfig {
    fn default() -> Self {
        Self {
            max_file_bytes: 20 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarConfig {
    /// The reporting periods every new plan starts with.
    pub periods: Vec<PeriodTemplate>,
}

impl Default for CalendarConfig {
    fn default() -> Self {
        Self {
            periods: default_templates(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A `tracing` filter: "info", "dondoc=debug,sqlx=warn" …
    pub filter: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            filter: "info,sqlx=warn".into(),
        }
    }
}

impl Config {
    /// Reads `path` (or [`DEFAULT_CONFIG_PATH`] when it exists), then the environment.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        let file: Option<PathBuf> = match path {
            Some(p) => {
                anyhow::ensure!(p.exists(), "config file {} does not exist", p.display());
                Some(p.to_path_buf())
            }
            None => Some(PathBuf::from(DEFAULT_CONFIG_PATH)).filter(|p| p.exists()),
        };
        Self::from_figment(Self::figment(file.as_deref()))
    }

    /// The layered sources, file first, environment last.
    pub fn figment(file: Option<&Path>) -> Figment {
        let mut figment = Figment::new();
        if let Some(file) = file {
            figment = figment.merge(Toml::file(file));
        }
        // Only `DONDOC_SECTION__KEY` variables are configuration; others such as
        // DONDOC_CONFIG or the tests' DONDOC_TEST_POSTGRES_URL are not.
        figment.merge(
            Env::prefixed("DONDOC_")
                .filter(|key| key.as_str().contains("__"))
                .split("__"),
        )
    }

    pub fn from_figment(figment: Figment) -> anyhow::Result<Config> {
        let config: Config = figment.extract().context("invalid configuration")?;
        anyhow::ensure!(
            config.database.max_connections > 0,
            "database.max_connections must be at least 1"
        );
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://dondoc:s3cret@db.example:5432/dondoc"),
            "postgres://dondoc:***@db.example:5432/dondoc"
        );
        assert_eq!(redact_url("sqlite://dondoc.db"), "sqlite://dondoc.db");
    }
}
