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
}

impl Finding {
    pub fn is_error(&self) -> bool {
        !matches!(self, Finding::NoToken)
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
    if config.telegram.bot_token.is_none() && config.telegram.webhook_url.is_none() {
        findings.push(Finding::NoToken);
    }
    findings.extend(database(&config.database).await);
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
                    Err(e) => findings.push(unreadable(Some(key), e)),
                }
            }
        )*};
    }
    section!(database, province, telegram, import, calendar, schedule, escalation, outbox);
    section!(hotline, http, log);
    let readable = findings.len() == before;
    (config, readable)
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

/// Whether the database can be reached, without creating or migrating anything.
async fn database(config: &config::DatabaseConfig) -> Option<Finding> {
    let url = config.url.expose_secret();
    if url.starts_with("sqlite:") {
        sqlite(url).await
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        postgres(url).await
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
        // `serve` creates the file; its folder must be there.
        let folder = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        return (!folder.is_dir()).then(|| Finding::SqliteFolderMissing(folder.to_path_buf()));
    }
    // Read-only: the check must not create, lock or migrate anything.
    let reached = tokio::time::timeout(CONNECT_TIMEOUT, async {
        let mut conn = sqlx::SqliteConnection::connect_with(&options.read_only(true)).await?;
        sqlx::query("SELECT COUNT(*) FROM sqlite_master")
            .execute(&mut conn)
            .await?;
        conn.close().await
    })
    .await;
    unreachable(reached)
}

async fn postgres(url: &str) -> Option<Finding> {
    let options = match sqlx::postgres::PgConnectOptions::from_str(url) {
        Ok(options) => options,
        Err(e) => return Some(Finding::DatabaseUnreachable(e.to_string())),
    };
    crate::store::probe_postgres(&options)
        .await
        .err()
        .map(Finding::DatabaseRefused)
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
