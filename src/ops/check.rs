//! `dondoc check-config`: reads a configuration exactly as `serve` would (file, then
//! `DONDOC_…` variables) and lists every problem at once — a section that does not read, a
//! value that cannot work, a database that cannot be reached — instead of the first one
//! `serve` would stop on.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use figment::Figment;
use secrecy::ExposeSecret;
use sqlx::Connection;

use crate::config::{self, Config, ConfigProblem};
use crate::messages::{Lang, OpsText};

/// How long the check waits for the database to answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// One thing the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    FileMissing(PathBuf),
    /// A section (or the whole file) that does not parse: syntax, a wrong type, an unknown
    /// key. `detail` is the parser's message, with the key (and the line for syntax errors).
    Unreadable {
        section: String,
        detail: String,
    },
    Problem(ConfigProblem),
    SqliteFolderMissing(PathBuf),
    DatabaseUnreachable(String),
    /// Postgres could not be reached or refused: why.
    DatabaseRefused(crate::store::ConnectFailure),
    /// Not an error: `serve` runs without a bot.
    NoToken,
    /// Not an error: `schedule.digest` parses but never fires (no daily digest).
    DigestNeverFires,
    /// The database (or its folder) cannot be written: `serve` could not start or migrate.
    NotWritable {
        path: String,
        detail: String,
    },
}

impl Finding {
    pub fn is_error(&self) -> bool {
        !matches!(self, Finding::NoToken | Finding::DigestNeverFires)
    }

    pub fn render(&self, lang: Lang) -> String {
        match self {
            Finding::FileMissing(path) => OpsText::ConfigFileMissing {
                path: &path.display().to_string(),
            }
            .render(lang),
            Finding::Unreadable { section, detail } => {
                OpsText::ConfigUnreadable { section, detail }.render(lang)
            }
            Finding::Problem(problem) => OpsText::ConfigProblem {
                key: problem.key,
                kind: &problem.kind,
            }
            .render(lang),
            Finding::SqliteFolderMissing(folder) => OpsText::SqliteFolderMissing {
                folder: &folder.display().to_string(),
            }
            .render(lang),
            Finding::DatabaseUnreachable(detail) => {
                OpsText::DatabaseUnreachable { detail }.render(lang)
            }
            Finding::DatabaseRefused(failure) => OpsText::DatabaseUnreachable {
                detail: &crate::messages::connect_failure(failure, lang),
            }
            .render(lang),
            Finding::NoToken => OpsText::ConfigNoToken.render(lang),
            Finding::DigestNeverFires => OpsText::DigestNeverFires.render(lang),
            Finding::NotWritable { path, detail } => {
                OpsText::DatabaseNotWritable { path, detail }.render(lang)
            }
        }
    }
}

/// What `check-config` found in one configuration.
#[derive(Debug)]
pub struct Checked {
    /// The file read, if any (none: built-in defaults and the environment only).
    pub file: Option<PathBuf>,
    /// The configuration, when it reads at all.
    pub config: Option<Config>,
    pub findings: Vec<Finding>,
    /// The language to speak: the file's own when it can be read, else Vietnamese.
    pub lang: Lang,
}

impl Checked {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }
}

/// Checks `file` (or `config/dondoc.toml` when it exists, as `serve` does).
pub async fn check(file: Option<&Path>) -> Checked {
    let mut checked = read(file);
    if let Some(config) = &checked.config {
        checked.findings.extend(database(&config.database).await);
    }
    checked
}

/// What the configuration itself says, without trying the database: every command that
/// cannot load its configuration lists these problems.
pub fn read(file: Option<&Path>) -> Checked {
    let file = match file {
        Some(path) if !path.exists() => {
            return Checked {
                file: Some(path.to_path_buf()),
                config: None,
                findings: vec![Finding::FileMissing(path.to_path_buf())],
                lang: Lang::Vi,
            };
        }
        Some(path) => Some(path.to_path_buf()),
        None => Some(PathBuf::from(config::DEFAULT_CONFIG_PATH)).filter(|p| p.exists()),
    };
    let mut findings = Vec::new();
    if let Some(path) = &file {
        if let Some(finding) = syntax(path) {
            return Checked {
                file,
                config: None,
                findings: vec![finding],
                lang: Lang::Vi,
            };
        }
    }
    let figment = Config::figment(file.as_deref());
    let lang = figment
        .extract_inner::<Lang>("province.language")
        .unwrap_or(Lang::Vi);
    let (config, readable) = assemble(&figment, &mut findings);
    if readable {
        if let Err(whole) = figment.extract::<Config>() {
            // Every section read on its own: an unknown section, or a stray variable.
            findings.push(unreadable(None, whole));
        }
    }
    findings.extend(config.problems().into_iter().map(Finding::Problem));
    if config.telegram.bot_token.is_none()
        && config.telegram.webhook_url.is_none()
        && config.zalo.bot_token.is_none()
    {
        findings.push(Finding::NoToken);
    }
    let digest_fires = config
        .schedule
        .digest
        .schedule
        .as_ref()
        .is_some_and(|s| s.upcoming(chrono::Utc).next().is_some());
    if !digest_fires {
        findings.push(Finding::DigestNeverFires);
    }
    let config = Some(config);
    Checked {
        file,
        config,
        findings,
        lang,
    }
}

/// A file that is not TOML at all, with the line and column where reading stopped.
fn syntax(path: &Path) -> Option<Finding> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            return Some(Finding::Unreadable {
                section: path.display().to_string(),
                detail: e.to_string(),
            })
        }
    };
    toml::from_str::<toml::Table>(&text)
        .err()
        .map(|e| Finding::Unreadable {
            section: path.display().to_string(),
            detail: e.to_string().trim().to_string(),
        })
}

/// Reads each section on its own, so that every bad section is named (not only the first
/// serde meets) and the good ones are still checked: a bad section stays at its defaults.
/// Returns the configuration and whether every section read.
fn assemble(figment: &Figment, findings: &mut Vec<Finding>) -> (Config, bool) {
    let mut config = Config::default();
    let before = findings.len();
    macro_rules! section {
        ($($field:ident),*) => {$(
            let key = stringify!($field);
            if figment.contains(key) {
                match figment.extract_inner(key) {
                    Ok(value) => config.$field = value,
                    // serde stops at the first bad key: read them one by one, to name
                    // each bad one and keep the good ones for the value checks.
                    Err(first) => match by_key(figment, key, findings) {
                        Some(value) => config.$field = value,
                        None => findings.push(unreadable(Some(key), first)),
                    },
                }
            }
        )*};
    }
    section!(database, province, telegram, import, calendar, schedule, escalation, outbox);
    section!(hotline, http, log, zalo);
    let readable = findings.len() == before;
    (config, readable)
}

/// Reads section `section` key by key: each key that does not read on its own is a finding,
/// and the section is assembled from the keys that do. None when that fails anyway (then
/// the section's own error is reported).
fn by_key<T: serde::de::DeserializeOwned>(
    figment: &Figment,
    section: &str,
    findings: &mut Vec<Finding>,
) -> Option<T> {
    use figment::providers::Serialized;
    use figment::value::{Dict, Value};
    let Ok(Value::Dict(_, dict)) = figment.find_value(section) else {
        return None;
    };
    let before = findings.len();
    let mut good = Dict::new();
    for (key, value) in dict {
        let mut one = Dict::new();
        one.insert(key.clone(), value.clone());
        match Figment::from(Serialized::defaults(one)).extract::<T>() {
            Ok(_) => {
                good.insert(key, value);
            }
            Err(mut e) => {
                e.metadata = figment
                    .find_metadata(&format!("{section}.{key}"))
                    .cloned()
                    .or(e.metadata);
                findings.push(unreadable(Some(section), e));
            }
        }
    }
    match Figment::from(Serialized::defaults(good)).extract::<T>() {
        Ok(value) if findings.len() > before => Some(value),
        _ => {
            findings.truncate(before);
            None
        }
    }
}

/// A value that does not read, named by its full key ("outbox.max_in_flight") with the
/// parser's words and where the value came from (the file, or a `DONDOC_…` variable).
fn unreadable(section: Option<&str>, error: figment::Error) -> Finding {
    let mut path = error.path.clone();
    // `extract_inner` appends the section after the field's own path.
    if let Some(section) = section {
        if path.last().map(String::as_str) == Some(section) {
            path.pop();
        }
        path.insert(0, section.to_string());
    }
    let key = if path.is_empty() {
        "config".to_string()
    } else {
        path.join(".")
    };
    let source = error.metadata.as_ref().map(|m| match &m.source {
        Some(source) => source.to_string(),
        None => m.name.to_string(),
    });
    let detail = match source {
        Some(source) => format!("{} ({source})", error.kind),
        None => error.kind.to_string(),
    };
    Finding::Unreadable {
        section: key,
        detail,
    }
}

/// Whether the database can be reached and written as `serve` needs, leaving nothing behind
/// (SQLite's file is not created; Postgres's probe table is rolled back).
async fn database(config: &config::DatabaseConfig) -> Option<Finding> {
    let url = config.url.expose_secret();
    if url.starts_with("sqlite:") {
        sqlite(url).await
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        postgres(url, config.postgres_schema.as_deref()).await
    } else {
        // Already reported as a problem of database.url.
        None
    }
}

async fn sqlite(url: &str) -> Option<Finding> {
    let options = match sqlx::sqlite::SqliteConnectOptions::from_str(url) {
        Ok(options) => options,
        Err(e) => return Some(Finding::DatabaseUnreachable(e.to_string())),
    };
    let file = options.get_filename().to_path_buf();
    if file.as_os_str().is_empty() || file.to_str() == Some(":memory:") {
        return None;
    }
    if !file.exists() {
        // `serve` creates the file; its folder must be there and writable.
        let folder = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !folder.is_dir() {
            return Some(Finding::SqliteFolderMissing(folder.to_path_buf()));
        }
        return writable_folder(folder);
    }
    // Read-only first: a file that is not a database is said as such.
    let reached = tokio::time::timeout(CONNECT_TIMEOUT, async {
        let mut conn =
            sqlx::SqliteConnection::connect_with(&options.clone().read_only(true)).await?;
        sqlx::query("SELECT COUNT(*) FROM sqlite_master")
            .execute(&mut conn)
            .await?;
        conn.close().await
    })
    .await;
    if let Some(finding) = unreachable(reached) {
        return Some(finding);
    }
    // Then the write lock `serve` takes, released at once: nothing is written. WAL also
    // needs the folder, for its -wal and -shm files.
    let written = tokio::time::timeout(CONNECT_TIMEOUT, async {
        let mut conn = sqlx::SqliteConnection::connect_with(
            &options
                .create_if_missing(false)
                .busy_timeout(CONNECT_TIMEOUT),
        )
        .await?;
        sqlx::raw_sql("BEGIN IMMEDIATE; ROLLBACK;")
            .execute(&mut conn)
            .await?;
        conn.close().await
    })
    .await;
    let path = file.display().to_string();
    match written {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            return Some(Finding::NotWritable {
                path,
                detail: e.to_string(),
            })
        }
        Err(_) => {
            return Some(Finding::NotWritable {
                path,
                detail: format!("locked for more than {} s", CONNECT_TIMEOUT.as_secs()),
            })
        }
    }
    let folder = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    writable_folder(folder)
}

/// Whether a file can be created in `folder` (one is made and removed at once).
fn writable_folder(folder: &Path) -> Option<Finding> {
    let probe = folder.join(format!(".dondoc-check-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            None
        }
        Err(e) => Some(Finding::NotWritable {
            path: folder.display().to_string(),
            detail: e.to_string(),
        }),
    }
}

async fn postgres(url: &str, schema: Option<&str>) -> Option<Finding> {
    let options = match sqlx::postgres::PgConnectOptions::from_str(url) {
        Ok(options) => options,
        Err(e) => return Some(Finding::DatabaseUnreachable(e.to_string())),
    };
    if let Err(failure) = crate::store::probe_postgres(&options).await {
        return Some(Finding::DatabaseRefused(failure));
    }
    postgres_writable(&options, schema).await
}

/// Whether `serve` could create its schema and tables: tried in a transaction that is rolled
/// back, so nothing stays.
async fn postgres_writable(
    options: &sqlx::postgres::PgConnectOptions,
    schema: Option<&str>,
) -> Option<Finding> {
    let table = match schema {
        Some(schema) if config::valid_schema_name(schema) => format!("\"{schema}\".dondoc_check"),
        // A bad name is already a problem of database.postgres_schema.
        Some(_) => return None,
        None => "dondoc_check".to_string(),
    };
    let written = tokio::time::timeout(CONNECT_TIMEOUT, async {
        let mut conn = sqlx::PgConnection::connect_with(options).await?;
        let mut tx = conn.begin().await?;
        if let Some(schema) = schema {
            sqlx::raw_sql(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::raw_sql(&format!("CREATE TABLE {table} (id INTEGER)"))
            .execute(&mut *tx)
            .await?;
        tx.rollback().await?;
        conn.close().await
    })
    .await;
    let path = options.get_database().unwrap_or("postgres").to_string();
    match written {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(Finding::NotWritable {
            path,
            detail: e.to_string(),
        }),
        Err(_) => Some(Finding::NotWritable {
            path,
            detail: format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()),
        }),
    }
}

fn unreachable(
    reached: Result<Result<(), sqlx::Error>, tokio::time::error::Elapsed>,
) -> Option<Finding> {
    match reached {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(Finding::DatabaseUnreachable(e.to_string())),
        Err(_) => Some(Finding::DatabaseUnreachable(format!(
            "no answer within {} s",
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}
