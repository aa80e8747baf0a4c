//! Setting up and running: `serve` (with its SQLite lock), `init`, `check-config`, `backup`,
//! and what to say when there is nothing here yet or the database does not open.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use super::{CliError, Output};
use crate::clock::SystemClock;
use crate::config::Config;
use crate::messages::{Lang, OpsText, Text};
use crate::store::{Store, StoreError};

/// The SQLite file `config` names, when it names one.
fn sqlite_file(config: &Config) -> Option<PathBuf> {
    use secrecy::ExposeSecret;
    use std::str::FromStr;
    let url = config.database.url.expose_secret();
    if !url.starts_with("sqlite:") {
        return None;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    let file = options.get_filename();
    (!file.as_os_str().is_empty() && file.to_str() != Some(":memory:")).then(|| file.to_path_buf())
}

/// What to say when there is no configuration file, no `DONDOC_DATABASE__URL` and the
/// default SQLite file does not exist: a command would otherwise leave an empty `dondoc.db`.
pub(super) fn nothing_here(config: &Config) -> Option<String> {
    if Path::new(crate::config::DEFAULT_CONFIG_PATH).exists()
        || std::env::var_os("DONDOC_DATABASE__URL").is_some()
    {
        return None;
    }
    let file = sqlite_file(config)?;
    if file.exists() {
        return None;
    }
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    Some(
        OpsText::NothingHere {
            folder: &here.display().to_string(),
            config: crate::config::DEFAULT_CONFIG_PATH,
            database: &file.display().to_string(),
        }
        .render(config.province.language),
    )
}

/// The committed, commented configuration: every key with its default.
const COMMENTED_CONFIG: &str = include_str!("../../config/dondoc.toml");

/// `dondoc init`: a commented `config/dondoc.toml` (unless one is there) and the database it
/// names, migrated.
pub(super) async fn init(config: &Config) -> ExitCode {
    let lang = config.province.language;
    let path = Path::new(crate::config::DEFAULT_CONFIG_PATH);
    let wrote = if path.exists() {
        false
    } else {
        let written = std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))
            .and_then(|()| std::fs::write(path, COMMENTED_CONFIG));
        if let Err(e) = written {
            eprintln!(
                "{}",
                super::describe_error(&CliError::write(path)(e).into(), lang)
            );
            return ExitCode::FAILURE;
        }
        true
    };
    // Read back as every command will: the file just written, then the environment.
    let config = match Config::load(None) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{}", super::config_failure(None, &e));
            return ExitCode::FAILURE;
        }
    };
    match Store::connect(&config.database, Arc::new(SystemClock)).await {
        Ok(store) => store.close().await,
        Err(e) => {
            eprintln!("{}", open_failure(&config, e, lang));
            return ExitCode::FAILURE;
        }
    }
    say!(
        "{}",
        OpsText::Initialized {
            config: &path.display().to_string(),
            wrote,
            database: &config.database.redacted_url(),
        }
        .render(lang)
    );
    ExitCode::SUCCESS
}

/// `dondoc check-config`: every problem, then a one-line verdict. Exit 1 on any problem.
pub(super) async fn check_config(file: Option<&Path>) -> ExitCode {
    let checked = crate::ops::check::check(file).await;
    let lang = checked.lang;
    for finding in &checked.findings {
        if finding.is_error() {
            eprintln!("{}", finding.render(lang));
        } else {
            say!("{}", finding.render(lang));
        }
    }
    let errors = checked.errors();
    match &checked.config {
        Some(config) if errors == 0 => {
            let file = checked.file.as_ref().map_or_else(
                || OpsText::ConfigDefaults.render(lang),
                |f| f.display().to_string(),
            );
            let http = config.http.listen.map(|a| a.to_string());
            let ok = OpsText::ConfigOk {
                file: &file,
                database: &config.database.redacted_url(),
                bot: config.telegram.bot_token.is_some(),
                webhook: config.telegram.webhook_url.is_some(),
                http: http.as_deref(),
                zalo_webhook: config
                    .zalo
                    .bot_token
                    .as_ref()
                    .map(|_| config.zalo.webhook_url.is_some()),
            };
            say!("{}", ok.render(lang));
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "{}",
                OpsText::ConfigBad {
                    problems: errors.max(1)
                }
                .render(lang)
            );
            ExitCode::FAILURE
        }
    }
}

/// `dondoc backup --out FILE`: an online copy of a SQLite database; Postgres has pg_dump.
pub(super) async fn backup(store: &Store, out: &Output, file: &Path) -> anyhow::Result<ExitCode> {
    let path = file.display().to_string();
    if store.backend() == crate::store::Backend::Postgres {
        eprintln!("{}", out.ops(OpsText::BackupPostgres));
        return Ok(ExitCode::FAILURE);
    }
    if file.exists() {
        eprintln!("{}", out.ops(OpsText::BackupExists { path: &path }));
        return Ok(ExitCode::FAILURE);
    }
    let bytes = store.backup_sqlite(file).await?;
    say!("{}", out.ops(OpsText::BackupDone { path: &path, bytes }));
    Ok(ExitCode::SUCCESS)
}

/// Why the database did not open, in the configured language, said once.
pub(super) fn open_failure(config: &Config, error: StoreError, lang: Lang) -> String {
    let url = config.database.redacted_url();
    let failure = match error {
        StoreError::Connect { failure, .. } => failure,
        StoreError::Database(e) => crate::store::ConnectFailure::Other(e.to_string()),
        other => crate::store::ConnectFailure::Other(other.to_string()),
    };
    OpsText::DatabaseCannotOpen {
        url: &url,
        failure: &failure,
    }
    .render(lang)
}

pub(super) async fn serve(
    store: &Store,
    config: &Config,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    // Held until serve returns: a second serve on the same SQLite file stops here.
    let _lock = match serve_lock(config, out)? {
        Ok(lock) => lock,
        Err(code) => return Ok(code),
    };
    let counts = store.service_counts().await?;
    tracing::info!(
        backend = ?store.backend(),
        units = counts.units,
        members = counts.members,
        linked_members = counts.linked_members,
        open_tasks = counts.open_tasks,
        open_assignments = counts.open_assignments,
        "{}",
        out.ops(OpsText::ServingCounts {
            units: counts.units,
            members: counts.members,
            linked: counts.linked_members,
            tasks: counts.open_tasks,
            assignments: counts.open_assignments,
        })
    );
    if config.telegram.bot_token.is_none() && config.zalo.bot_token.is_none() {
        tracing::warn!("{}", out.text(Text::NoBotToken));
    }
    let service =
        crate::service::RunningService::start(config, store.clone(), Arc::new(SystemClock)).await?;
    shutdown_signal().await?;
    tracing::info!("finishing the work in hand");
    service.stop().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// On SQLite, an exclusive lock on `FILE.serve-lock` beside the database, so that two `serve`
/// processes cannot run two schedulers on one file (Postgres is made for several). The lock
/// goes with the process, however it ends. `Err(code)`: another serve holds it (said here).
fn serve_lock(
    config: &Config,
    out: &Output,
) -> anyhow::Result<Result<Option<std::fs::File>, ExitCode>> {
    use secrecy::ExposeSecret;
    use std::str::FromStr;
    let url = config.database.url.expose_secret();
    if !url.starts_with("sqlite:") {
        return Ok(Ok(None));
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
    let file = options.get_filename();
    if file.as_os_str().is_empty() || file.to_str() == Some(":memory:") {
        return Ok(Ok(None));
    }
    let mut lock_path = file.as_os_str().to_owned();
    lock_path.push(".serve-lock");
    let lock_path = PathBuf::from(lock_path);
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(CliError::write(&lock_path))?;
    match lock.try_lock() {
        Ok(()) => Ok(Ok(Some(lock))),
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!(
                "{}",
                out.ops(OpsText::AlreadyServing {
                    database: &file.display().to_string(),
                    lock: &lock_path.display().to_string(),
                })
            );
            Ok(Err(ExitCode::FAILURE))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(CliError::write(&lock_path)(e).into()),
    }
}

/// Ctrl-C, or SIGTERM as service managers send it.
async fn shutdown_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .context("listening for SIGTERM")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.context("waiting for Ctrl-C")?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    Ok(())
}
