//! The `dondoc` command line. Each command loads the configuration, opens the store (which
//! applies migrations) and prints in the configured language.

mod chase;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use chrono::Datelike;
use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::clock::SystemClock;
use crate::config::{Config, LogFormat};
use crate::domain::calendar::{periods_for_year, DueDateEdit};
use crate::domain::plan::NewPlan;
use crate::domain::text::ellipsize;
use crate::domain::unit::Unit;
use crate::domain::{Actor, DayKind, PlanCode, PlanYear, UnitCode};
use crate::import::{self, Problem, UnitDirectory};
use crate::messages::{Label, Lang, OpsText, Text};
use crate::store::{SaveMode, Store, StoreError, TaskView};

/// `println!` that stays quiet when the reader went away (`dondoc plan show X | head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod draft;

mod cases;
mod report;
mod web;
pub use cases::{CasesCommand, ExportArgs, ExportFormat, RoutingCommand};
pub use report::ReportArgs;

#[derive(Debug, Parser)]
#[command(
    name = "dondoc",
    version,
    about = "Chases a province's PAPI improvement plan over Telegram"
)]
pub struct Cli {
    /// Configuration file [default: config/dondoc.toml when it exists]
    #[arg(long, global = true, env = "DONDOC_CONFIG")]
    pub config: Option<PathBuf>,
    /// Show the log (log.filter) on commands other than serve, which only say what they did.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the service (applies migrations first).
    Serve,
    /// Start here: write a commented config/dondoc.toml and create the database it names.
    Init,
    /// Apply database migrations and exit.
    Migrate,
    /// The unit registry.
    #[command(subcommand)]
    Units(UnitsCommand),
    /// Plans and their task tables.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Public holidays and swapped working days (weekends are always off).
    #[command(subcommand)]
    Holidays(HolidaysCommand),
    /// Invite people to the bot: prints a one-time link per person.
    Invite(InviteArgs),
    /// Members of units and whether they are linked to Telegram.
    #[command(subcommand)]
    Members(MembersCommand),
    /// Run one scheduler pass as if it were --at (province time): queue what is due then.
    Tick {
        /// The instant, e.g. 2026-06-08T08:00.
        #[arg(long)]
        at: String,
        /// Print what would be queued, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// The outbox of messages the service sends.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Citizens' reports and petitions (hotline): import, routing rules, export, figures.
    #[command(subcommand)]
    Cases(CasesCommand),
    /// Copy a live SQLite database to FILE, consistently, while serve runs (Postgres: pg_dump).
    Backup {
        /// The copy to write; it must not exist yet.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Check a configuration file (and the environment) as serve would read it; list every problem.
    CheckConfig {
        /// The file to check [default: --config, else config/dondoc.toml when it exists].
        file: Option<PathBuf>,
    },
    /// The periodic report to the People's Committee (quarter, 6 months, year) as XLSX or CSV.
    Export(ReportArgs),
    /// The coordinators' web board (http.public_url): one-time login links.
    #[command(subcommand)]
    Web(web::WebCommand),
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Queued, sending, sent, parked and failed counts by kind.
    Status,
    /// Queue failed messages again.
    Retry,
    /// Delete sent, parked and failed messages older than `outbox.keep_days` (serve does it
    /// hourly); queued ones stay.
    Prune {
        /// Days to keep instead of `outbox.keep_days` (at least its smallest allowed value).
        #[arg(long)]
        older_than_days: Option<u32>,
    },
}

#[derive(Debug, Args)]
pub struct InviteArgs {
    /// Unit code of the person invited.
    #[arg(long, required_unless_present = "file")]
    pub unit: Option<String>,
    /// head, deputy, focal_point, coordinator, hotline_operator (or chủ tịch, đầu mối …).
    #[arg(long, required_unless_present = "file")]
    pub role: Option<String>,
    /// The person's full name (required: it tells members apart; inviting the same unit, role
    /// and name again issues a new code for the same member and revokes the old one).
    #[arg(long, required_unless_present = "file")]
    pub name: Option<String>,
    /// Invite many at once: CSV/TSV/XLSX with columns unit, role, name.
    #[arg(long, conflicts_with_all = ["unit", "role", "name"])]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum MembersCommand {
    /// Who is linked to Telegram and who still has an invitation pending.
    List {
        /// Only who the bot cannot reach: units with tasks and nobody linked (or every linked
        /// member unreachable), then members whose chat is unreachable.
        #[arg(long)]
        missing: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UnitsCommand {
    /// Import or update units from CSV/TSV/XLSX (columns code, name, kind, parent_code, aliases).
    Import {
        file: PathBuf,
        /// Check the file and print what would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// List units.
    List {
        /// Show the hierarchy.
        #[arg(long)]
        tree: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum HolidaysCommand {
    /// Replace whole years of the holiday table from CSV/TSV/XLSX (columns date, name, kind).
    Import {
        file: PathBuf,
        /// Show what would change in each year (added, removed, changed days), writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// The holiday table of one year.
    List { year: i32 },
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Import a plan's task table from CSV/TSV, XLSX or DOCX.
    Import(PlanImportArgs),
    /// Draft a task table from a plan written as prose (DOCX or text), to check then import.
    Draft(draft::PlanDraftArgs),
    /// List plans.
    List,
    /// Show a plan's tasks, units, timeframes and deadlines.
    Show { code: String },
    /// Show or edit a plan's reporting calendar.
    Deadlines {
        code: String,
        /// key=YYYY-MM-DD (or key=DD/MM/YYYY); a new key adds a period. Repeatable.
        #[arg(long = "set", value_name = "KEY=DATE")]
        set: Vec<String>,
        /// A file of key=date lines (# starts a comment).
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Accept dates outside the plan's year ± 1 (refused otherwise, as a likely typo).
        #[arg(long)]
        force: bool,
    },
    /// Show or set a plan's escalation ladder (defaults from [escalation] in the config).
    Ladder {
        code: String,
        /// Calendar days after the due date before the unit is nudged.
        #[arg(long)]
        nudge_after_days: Option<u32>,
        /// Working days overdue before the head and the lead unit are told.
        #[arg(long)]
        heads_after: Option<u32>,
        /// Working days overdue before the item enters the coordinating office's digest.
        #[arg(long)]
        office_after: Option<u32>,
        /// Go back to the configured default.
        #[arg(long, conflicts_with_all = ["nudge_after_days", "heads_after", "office_after"])]
        default: bool,
    },
}

#[derive(Debug, Args)]
pub struct PlanImportArgs {
    pub file: PathBuf,
    /// Short code for the plan, e.g. PAPI-2023.
    #[arg(long)]
    pub code: String,
    #[arg(long)]
    pub title: String,
    #[arg(long)]
    pub year: i32,
    /// Code of the unit the plan covers (groups such as "UBND cấp xã" expand under it).
    #[arg(long)]
    pub scope: String,
    /// Print what would be imported and every problem, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace an existing plan with the same code, keeping the history of remaining tasks
    /// (a task is its dimension and number, then its text). With --dry-run, prints the diff.
    #[arg(long)]
    pub replace: bool,
    /// The file is a plan written as prose: import its draft when nothing needs review.
    #[arg(long)]
    pub from_prose: bool,
    /// Replace even when more than a third of the live tasks would be retired or rematched.
    #[arg(long, requires = "replace")]
    pub yes: bool,
    /// Accept timeframes that fall in another year than --year.
    #[arg(long)]
    pub allow_other_years: bool,
    /// With --dry-run: write a registry patch (the closest unit of each unit text not found,
    /// with that text as a new alias) to this CSV, for review and `dondoc units import`.
    #[arg(long, value_name = "FILE", requires = "dry_run")]
    pub suggest_aliases: Option<PathBuf>,
}

/// Parses the command line and runs it; errors are printed once, here.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    // Checking a configuration must work on one that does not load.
    if let Command::CheckConfig { file } = &cli.command {
        return check_config(file.as_deref().or(cli.config.as_deref())).await;
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e:#}");
            return ExitCode::FAILURE;
        }
    };
    // serve logs as configured; other commands only warnings, unless -v.
    let logs = matches!(cli.command, Command::Serve) || cli.verbose > 0;
    init_tracing(&config, logs);
    if let Command::Init = cli.command {
        return init(&config).await;
    }
    // A folder with no configuration and no database: say where we looked, create nothing.
    if !matches!(cli.command, Command::Migrate) && cli.config.is_none() {
        if let Some(text) = nothing_here(&config) {
            eprintln!("{text}");
            return ExitCode::FAILURE;
        }
    }
    match execute(cli.command, &config).await {
        Ok(code) => code,
        // Said once, on stderr: not also as an ERROR log line.
        Err(e) => {
            eprintln!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(config: &Config, logs: bool) {
    use std::io::IsTerminal;
    let configured = if logs {
        config.log.filter.as_str()
    } else {
        "warn"
    };
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(configured))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    // Colour only for a person at a terminal, not in a file, a pipe or journald.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    // A second initialisation (tests calling run twice) is harmless; ignore it.
    let _ = match config.log.format {
        LogFormat::Text => builder.try_init(),
        // One JSON object per line, the event's fields flattened beside time, level and target,
        // as log collectors (Loki, Elasticsearch, journald's JSON export) expect.
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
    };
}

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
fn nothing_here(config: &Config) -> Option<String> {
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
const COMMENTED_CONFIG: &str = include_str!("../config/dondoc.toml");

/// `dondoc init`: a commented `config/dondoc.toml` (unless one is there) and the database it
/// names, migrated.
async fn init(config: &Config) -> ExitCode {
    let lang = config.province.language;
    let path = Path::new(crate::config::DEFAULT_CONFIG_PATH);
    let wrote = if path.exists() {
        false
    } else {
        let written = std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))
            .and_then(|()| std::fs::write(path, COMMENTED_CONFIG));
        if let Err(e) = written {
            eprintln!("{}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        true
    };
    // Read back as every command will: the file just written, then the environment.
    let config = match Config::load(None) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e:#}");
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
async fn check_config(file: Option<&Path>) -> ExitCode {
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
async fn backup(store: &Store, out: &Output, file: &Path) -> anyhow::Result<ExitCode> {
    let path = file.display().to_string();
    if store.backend() == crate::store::Backend::Postgres {
        eprintln!("{}", out.ops(OpsText::BackupPostgres));
        return Ok(ExitCode::FAILURE);
    }
    if file.exists() {
        eprintln!("{}", out.ops(OpsText::BackupExists { path: &path }));
        return Ok(ExitCode::FAILURE);
    }
    let bytes = store
        .backup_sqlite(file)
        .await
        .with_context(|| format!("backing up into {path}"))?;
    say!("{}", out.ops(OpsText::BackupDone { path: &path, bytes }));
    Ok(ExitCode::SUCCESS)
}

/// Rows as aligned columns (two spaces apart; `right[i]`: numbers, flush right). Widths count
/// characters, which is what a terminal shows for Vietnamese in its usual composed form.
pub fn aligned(rows: &[Vec<String>], right: &[bool]) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, cell)| {
                    let pad = " ".repeat(widths[c].saturating_sub(cell.chars().count()));
                    match right.get(c).copied().unwrap_or(false) {
                        true => format!("{pad}{cell}"),
                        false if c + 1 == row.len() => cell.clone(),
                        false => format!("{cell}{pad}"),
                    }
                })
                .collect();
            cells.join("  ")
        })
        .collect()
}

/// The person at the keyboard, for the audit log.
fn cli_actor() -> Actor {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    Actor::new(format!("cli:{user}"))
}

pub async fn execute(command: Command, config: &Config) -> anyhow::Result<ExitCode> {
    let out = Output {
        lang: config.province.language,
    };
    let store = match Store::connect(&config.database, Arc::new(SystemClock)).await {
        Ok(store) => store,
        Err(e) => anyhow::bail!(open_failure(config, e, out.lang)),
    };
    let actor = cli_actor();
    let result = match command {
        Command::Serve => serve(&store, config, &out).await,
        Command::Invite(args) => invite(&store, config, &out, &args, &actor).await,
        Command::Members(MembersCommand::List { missing: false }) => {
            list_members(&store, &out).await
        }
        Command::Members(MembersCommand::List { missing: true }) => {
            list_missing(&store, config).await
        }
        Command::Migrate => Ok(ExitCode::SUCCESS),
        Command::Tick { at, dry_run } => chase::tick(&store, config, &out, &at, dry_run).await,
        Command::Outbox(OutboxCommand::Status) => chase::outbox_status(&store, config, &out).await,
        Command::Outbox(OutboxCommand::Retry) => chase::outbox_retry(&store, &out, &actor).await,
        Command::Outbox(OutboxCommand::Prune { older_than_days }) => {
            chase::outbox_prune(&store, config, &out, older_than_days, &actor).await
        }
        Command::Cases(command) => cases::run(&store, config, &out, command, &actor).await,
        Command::Backup { out: file } => backup(&store, &out, &file).await,
        // Handled in `run` before any configuration is loaded.
        Command::CheckConfig { .. } => Ok(ExitCode::SUCCESS),
        // Handled in `run`: it must work where there is nothing yet.
        Command::Init => Ok(ExitCode::SUCCESS),
        Command::Export(args) => report::run(&store, config, &out, &args).await,
        Command::Web(command) => web::run(&store, config, &out, command, &actor).await,
        Command::Plan(PlanCommand::Ladder {
            code,
            nudge_after_days,
            heads_after,
            office_after,
            default,
        }) => {
            chase::plan_ladder(
                &store,
                config,
                &out,
                &code,
                nudge_after_days,
                heads_after,
                office_after,
                default,
                &actor,
            )
            .await
        }
        Command::Units(UnitsCommand::Import { file, dry_run }) => {
            import_units(&store, config, &out, &file, dry_run, &actor).await
        }
        Command::Units(UnitsCommand::List { tree }) => list_units(&store, tree).await,
        Command::Holidays(HolidaysCommand::Import { file, dry_run }) => {
            import_holidays(&store, config, &out, &file, dry_run, &actor).await
        }
        Command::Holidays(HolidaysCommand::List { year }) => {
            list_holidays(&store, &out, year).await
        }
        Command::Plan(PlanCommand::Import(args)) => {
            import_plan(&store, config, &out, &args, &actor).await
        }
        Command::Plan(PlanCommand::Draft(args)) => {
            draft::draft_plan(&store, config, &out, &args).await
        }
        Command::Plan(PlanCommand::List) => list_plans(&store, &out).await,
        Command::Plan(PlanCommand::Show { code }) => show_plan(&store, &out, &code).await,
        Command::Plan(PlanCommand::Deadlines {
            code,
            set,
            file,
            force,
        }) => deadlines(&store, &out, &code, &set, file.as_deref(), force, &actor).await,
    };
    store.close().await;
    result
}

/// Why the database did not open, in the configured language, said once.
fn open_failure(config: &Config, error: StoreError, lang: Lang) -> String {
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

struct Output {
    lang: Lang,
}

impl Output {
    fn text(&self, text: Text) -> String {
        text.render(self.lang)
    }

    fn ops(&self, text: crate::messages::OpsText) -> String {
        text.render(self.lang)
    }

    fn report(&self, text: crate::messages::ReportText) -> String {
        text.render(self.lang)
    }

    fn label(&self, label: Label) -> String {
        self.text(Text::Label(label))
    }

    fn problems(&self, problems: &[Problem]) {
        for problem in problems {
            eprintln!("{}", self.text(Text::Problem(problem)));
        }
        eprintln!(
            "{}",
            self.text(Text::NothingWritten {
                problems: problems.len()
            })
        );
    }
}

async fn serve(store: &Store, config: &Config, out: &Output) -> anyhow::Result<ExitCode> {
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
    if config.telegram.bot_token.is_none() {
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
        .with_context(|| format!("{}", lock_path.display()))?;
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
        Err(std::fs::TryLockError::Error(e)) => {
            Err(anyhow::Error::new(e).context(lock_path.display().to_string()))
        }
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

async fn import_units(
    store: &Store,
    config: &Config,
    out: &Output,
    file: &Path,
    dry_run: bool,
    actor: &Actor,
) -> anyhow::Result<ExitCode> {
    let existing = store.list_units().await?;
    let units = match import::read_units(file, &existing, config.import.max_file_bytes) {
        Ok(units) => units,
        Err(problems) => {
            out.problems(&problems);
            return Ok(ExitCode::FAILURE);
        }
    };
    if dry_run {
        // What would change: added, updated (old → new), unchanged.
        let parent = |p: &Option<UnitCode>| p.as_ref().map_or("-".to_string(), |c| c.to_string());
        let (mut added, mut updated, mut unchanged) = (0, 0, 0);
        for unit in &units {
            let Some(old) = existing.iter().find(|e| e.code == unit.code) else {
                added += 1;
                say!(
                    "+ {}  {} [{}] ← {}",
                    unit.code,
                    unit.name,
                    unit.kind,
                    parent(&unit.parent)
                );
                continue;
            };
            let mut changes = Vec::new();
            let mut field = |label: Label, before: String, after: String| {
                if before != after {
                    changes.push(format!("{}: {before} → {after}", out.label(label)));
                }
            };
            field(Label::UnitName, old.name.clone(), unit.name.clone());
            field(Label::UnitKind, old.kind.to_string(), unit.kind.to_string());
            field(Label::UnitParent, parent(&old.parent), parent(&unit.parent));
            // Aliases are a set: the store may keep them in another order than the file.
            let sorted = |aliases: &[String]| {
                let mut aliases = aliases.to_vec();
                aliases.sort();
                aliases.join(" | ")
            };
            field(
                Label::UnitAliases,
                sorted(&old.aliases),
                sorted(&unit.aliases),
            );
            if changes.is_empty() {
                unchanged += 1;
            } else {
                updated += 1;
                say!("~ {}  {}", unit.code, changes.join("; "));
            }
        }
        say!(
            "{}",
            out.ops(OpsText::UnitsDryRun {
                added,
                updated,
                unchanged
            })
        );
        return Ok(ExitCode::SUCCESS);
    }
    let saved = store.upsert_units(&units, actor).await?;
    say!(
        "{}",
        out.text(Text::UnitsSaved {
            created: saved.created,
            updated: saved.updated,
            unchanged: saved.unchanged
        })
    );
    Ok(ExitCode::SUCCESS)
}

async fn list_units(store: &Store, tree: bool) -> anyhow::Result<ExitCode> {
    let units = store.list_units().await?;
    if !tree {
        for u in &units {
            let parent = u.parent.as_ref().map(UnitCode::as_str).unwrap_or("-");
            say!(
                "{}\t{}\t{}\t{}\t{}",
                u.code,
                u.kind,
                u.name,
                parent,
                u.aliases.join(" | ")
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    for line in unit_tree_lines(&units) {
        say!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The registry as an indented tree; units whose parent is missing are shown as roots.
pub fn unit_tree_lines(units: &[Unit]) -> Vec<String> {
    let codes: std::collections::HashSet<&UnitCode> = units.iter().map(|u| &u.code).collect();
    let mut lines = Vec::new();
    let mut stack: Vec<(&Unit, usize)> = units
        .iter()
        .filter(|u| u.parent.as_ref().is_none_or(|p| !codes.contains(p)))
        .rev()
        .map(|u| (u, 0))
        .collect();
    let mut visited = std::collections::HashSet::new();
    while let Some((unit, depth)) = stack.pop() {
        if !visited.insert(&unit.code) {
            continue;
        }
        lines.push(format!(
            "{}{} [{}] {}",
            "  ".repeat(depth),
            unit.name,
            unit.kind,
            unit.code
        ));
        for child in units
            .iter()
            .rev()
            .filter(|c| c.parent.as_ref() == Some(&unit.code))
        {
            stack.push((child, depth + 1));
        }
    }
    lines
}

async fn import_holidays(
    store: &Store,
    config: &Config,
    out: &Output,
    file: &Path,
    dry_run: bool,
    actor: &Actor,
) -> anyhow::Result<ExitCode> {
    let days = match import::read_holidays(file, config.import.max_file_bytes) {
        Ok(days) => days,
        Err(problems) => {
            out.problems(&problems);
            return Ok(ExitCode::FAILURE);
        }
    };
    if dry_run {
        // Whole years are replaced: per year, what would be added, removed and changed.
        let mut years: Vec<i32> = days.iter().map(|d| d.date.year()).collect();
        years.sort_unstable();
        years.dedup();
        for year in years {
            let before = store.holidays(year).await?;
            let after: Vec<&crate::domain::CalendarDay> =
                days.iter().filter(|d| d.date.year() == year).collect();
            let describe = |d: &crate::domain::CalendarDay| {
                format!(
                    "{} {} ({})",
                    d.date.format("%d/%m/%Y"),
                    d.name,
                    out.text(Text::DayKind(d.kind))
                )
            };
            let (mut added, mut removed, mut changed, mut same) = (0, 0, 0, 0);
            for day in &after {
                match before.iter().find(|b| b.date == day.date) {
                    None => {
                        added += 1;
                        say!("+ {}", describe(day));
                    }
                    Some(old) if old.name != day.name || old.kind != day.kind => {
                        changed += 1;
                        say!("~ {} → {}", describe(old), describe(day));
                    }
                    Some(_) => same += 1,
                }
            }
            for old in before
                .iter()
                .filter(|b| !after.iter().any(|d| d.date == b.date))
            {
                removed += 1;
                say!("- {}", describe(old));
            }
            say!(
                "{}",
                out.ops(OpsText::HolidaysDryRun {
                    year,
                    added,
                    removed,
                    changed,
                    unchanged: same,
                })
            );
        }
        say!("{}", out.text(Text::DryRunNothingWritten));
        return Ok(ExitCode::SUCCESS);
    }
    let saved = store.replace_holidays(&days, actor).await?;
    for year in saved.years {
        let in_year = |kind| {
            days.iter()
                .filter(|d| d.date.year() == year && d.kind == kind)
                .count()
        };
        say!(
            "{}",
            out.text(Text::HolidaysReplaced {
                year,
                days_off: in_year(DayKind::DayOff),
                working_days: in_year(DayKind::WorkingDay),
            })
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn list_holidays(store: &Store, out: &Output, year: i32) -> anyhow::Result<ExitCode> {
    let days = store.holidays(year).await?;
    if days.is_empty() {
        say!("{}", out.text(Text::NoHolidays { year }));
    }
    for day in &days {
        say!(
            "{}\t{}\t{}\t{}",
            day.date.format("%d/%m/%Y"),
            out.text(Text::Weekday(day.date.weekday())),
            out.text(Text::DayKind(day.kind)),
            day.name
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn import_plan(
    store: &Store,
    config: &Config,
    out: &Output,
    args: &PlanImportArgs,
    actor: &Actor,
) -> anyhow::Result<ExitCode> {
    let code = PlanCode::parse(&args.code)?;
    let year = PlanYear::new(args.year)?;
    let scope = UnitCode::parse(&args.scope)?;
    if !args.replace && !args.dry_run && store.plan(&code).await?.is_some() {
        eprintln!(
            "{}",
            out.text(Text::PlanExists {
                code: code.as_str()
            })
        );
        return Ok(ExitCode::FAILURE);
    }
    let include_office = config.import.departments_include_coordinating_office;
    let directory = match UnitDirectory::new(store.list_units().await?, &scope) {
        Ok(directory) => directory.with_departments_including_coordinating_office(include_office),
        Err(problem) => {
            out.problems(&[problem]);
            return Ok(ExitCode::FAILURE);
        }
    };
    let options = import::PlanOptions {
        allow_other_years: args.allow_other_years,
        ..import::PlanOptions::new(year)
    };
    let reading = if args.from_prose {
        draft::prose_reading(out, &args.file, &directory, year, config)
    } else {
        import::read_plan_with(
            &args.file,
            &directory,
            options,
            config.import.max_file_bytes,
        )
    };
    if let Some(patch) = &args.suggest_aliases {
        write_alias_patch(out, &directory, &reading.problems, patch)?;
    }
    let assignments: usize = reading
        .tasks
        .iter()
        .map(|t| t.implementing_units.len())
        .sum();
    if args.dry_run {
        for task in &reading.tasks {
            print_new_task(out, task);
        }
    }
    if !reading.problems.is_empty() {
        out.problems(&reading.problems);
        return Ok(ExitCode::FAILURE);
    }
    say!(
        "{}",
        out.text(Text::PlanRead {
            tasks: reading.tasks.len(),
            assignments,
            table: &reading.table_label,
            header_row: reading.header_row,
        })
    );
    say!(
        "{}",
        out.text(Text::PlanDepartments {
            include_coordinating_office: include_office
        })
    );
    let plan = NewPlan {
        code: code.clone(),
        title: args.title.clone(),
        year,
        scope,
        source: args.file.display().to_string(),
        tasks: reading.tasks,
    };
    if args.replace {
        let diff = store.plan_diff(&plan).await?;
        if args.dry_run {
            print_plan_diff(out, &diff);
        }
        if diff.needs_confirmation() && !args.yes {
            let text = out.text(Text::PlanReplaceNeedsYes {
                affected: diff.retired.len() + diff.changed.len(),
                live: diff.live_before,
            });
            if args.dry_run {
                say!("{text}");
            } else {
                eprintln!("{text}");
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    if args.dry_run {
        say!("{}", out.text(Text::DryRunNothingWritten));
        return Ok(ExitCode::SUCCESS);
    }
    let periods = periods_for_year(&config.calendar.periods, year.value());
    let mode = if args.replace {
        SaveMode::Replace
    } else {
        SaveMode::CreateOnly
    };
    match store.save_plan(&plan, &periods, mode, actor).await {
        Ok(saved) => {
            say!(
                "{}",
                out.text(Text::PlanSaved {
                    code: code.as_str(),
                    added: saved.tasks_added,
                    kept: saved.tasks_kept,
                    retired: saved.tasks_retired,
                })
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::PlanExists(_)) => {
            eprintln!(
                "{}",
                out.text(Text::PlanExists {
                    code: code.as_str()
                })
            );
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    }
}

/// "II.3 Công khai …" for the diff.
fn task_label(label: &crate::store::TaskLabel) -> String {
    let number = match (&label.dimension, &label.code) {
        (Some(d), Some(c)) => format!("{d}.{c}"),
        (Some(d), None) => format!("{d}.·"),
        (None, Some(c)) => c.clone(),
        (None, None) => "·".into(),
    };
    format!("{number} {}", ellipsize(&label.text, 90))
}

fn print_plan_diff(out: &Output, diff: &crate::store::PlanDiff) {
    say!(
        "{}",
        out.text(Text::PlanDiffSummary {
            kept: diff.kept,
            changed: diff.changed.len(),
            revived: diff.revived.len(),
            added: diff.added.len(),
            retired: diff.retired.len(),
        })
    );
    for (old, new) in &diff.changed {
        let (old, new) = (task_label(old), task_label(new));
        say!(
            "{}",
            out.text(Text::PlanDiffChanged {
                old: &old,
                new: &new
            })
        );
    }
    for task in &diff.revived {
        say!(
            "{}",
            out.text(Text::PlanDiffRevived {
                task: &task_label(task)
            })
        );
    }
    for task in &diff.added {
        say!(
            "{}",
            out.text(Text::PlanDiffAdded {
                task: &task_label(task)
            })
        );
    }
    for task in &diff.retired {
        say!(
            "{}",
            out.text(Text::PlanDiffRetired {
                task: &task_label(task)
            })
        );
    }
}

/// `--suggest-aliases`: for every unit text not found that has a close registry unit, a row
/// of that unit (code, name, kind, parent, its aliases plus the text) that `dondoc units
/// import` reads, and a note of the row and the spelling it was close to. Texts with nothing
/// close are listed on stderr.
fn write_alias_patch(
    out: &Output,
    directory: &UnitDirectory,
    problems: &[Problem],
    path: &Path,
) -> anyhow::Result<()> {
    let mut rows: Vec<(UnitCode, Vec<String>, Vec<String>)> = Vec::new();
    for problem in problems {
        let import::ProblemKind::UnknownUnit {
            text, suggestions, ..
        } = &problem.kind
        else {
            continue;
        };
        let row = problem.row.unwrap_or(0);
        let Some(best) = suggestions.first() else {
            eprintln!("{}", out.text(Text::AliasNoSuggestion { row, text }));
            continue;
        };
        let note = format!("{row}: «{text}» ≈ «{}»", best.spelling);
        match rows.iter_mut().find(|(code, _, _)| *code == best.code) {
            Some((_, texts, notes)) => {
                if !texts.contains(text) {
                    texts.push(text.clone());
                }
                notes.push(note);
            }
            None => rows.push((best.code.clone(), vec![text.clone()], vec![note])),
        }
    }
    let mut writer =
        csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    writer.write_record(["code", "name", "kind", "parent_code", "aliases", "note"])?;
    for (code, texts, notes) in &rows {
        let Some(unit) = directory.unit(code) else {
            continue;
        };
        let mut aliases = unit.aliases.clone();
        aliases.extend(texts.iter().cloned());
        writer.write_record([
            unit.code.as_str(),
            unit.name.as_str(),
            &unit.kind.to_string(),
            unit.parent.as_ref().map(UnitCode::as_str).unwrap_or(""),
            &aliases.join("|"),
            &notes.join("; "),
        ])?;
    }
    writer.flush()?;
    say!(
        "{}",
        out.text(Text::AliasPatchWritten {
            path: &path.display().to_string(),
            rows: rows.len()
        })
    );
    Ok(())
}

fn unit_names(names: &[&str]) -> String {
    if names.len() <= 6 {
        names.join("; ")
    } else {
        format!("{}; … ({})", names[..5].join("; "), names.len())
    }
}

fn print_new_task(out: &Output, task: &crate::domain::plan::NewTask) {
    let dimension = task
        .dimension
        .as_ref()
        .map(|d| format!("{} {}", d.code, d.title))
        .unwrap_or_else(|| out.label(Label::NoDimension));
    say!(
        "[{}] {} {} — {}",
        task.source_row,
        task.code.as_deref().unwrap_or("·"),
        ellipsize(&dimension, 40),
        ellipsize(&task.text, 90)
    );
    let leads: Vec<&str> = task.lead_units.iter().map(|u| u.name.as_str()).collect();
    let units: Vec<&str> = task
        .implementing_units
        .iter()
        .map(|u| u.name.as_str())
        .collect();
    print_who_and_when(out, "    ", &leads, &units, &task.timeframe, task.due_date);
}

/// The lead, implementing-unit and timeframe lines shared by `--dry-run` and `plan show`.
fn print_who_and_when(
    out: &Output,
    indent: &str,
    leads: &[&str],
    units: &[&str],
    timeframe: &str,
    due_date: Option<chrono::NaiveDate>,
) {
    say!("{indent}{}: {}", out.label(Label::Lead), unit_names(leads));
    say!(
        "{indent}{}: {}",
        out.label(Label::Implementing),
        unit_names(units)
    );
    let due = due_date
        .map(|d| format!(" ({} {})", out.label(Label::Due), d.format("%d/%m/%Y")))
        .unwrap_or_default();
    say!("{indent}{}: {timeframe}{due}", out.label(Label::Timeframe));
}

/// The bot's username, from configuration or by asking Telegram.
async fn bot_username(config: &Config) -> anyhow::Result<String> {
    if let Some(name) = &config.telegram.bot_username {
        return Ok(name.clone());
    }
    use teloxide::prelude::Requester;
    let lang = config.province.language;
    if config.telegram.bot_token.is_none() {
        anyhow::bail!(OpsText::InviteNeedsBot.render(lang));
    }
    let me = crate::bot::client(config)?.get_me().await.map_err(|e| {
        anyhow::anyhow!(OpsText::InviteNoBotName {
            detail: &e.to_string()
        }
        .render(lang))
    })?;
    Ok(me.username().to_string())
}

async fn invite(
    store: &Store,
    config: &Config,
    out: &Output,
    args: &InviteArgs,
    actor: &Actor,
) -> anyhow::Result<ExitCode> {
    // Every problem of every row first (a unit the registry lacks included), then writing.
    let mut problems = Vec::new();
    let rows = match &args.file {
        Some(file) => match import::read_invitation_sheet(file, config.import.max_file_bytes) {
            Ok((rows, found)) => {
                problems = found;
                rows
            }
            Err(problems) => {
                out.problems(&problems);
                return Ok(ExitCode::FAILURE);
            }
        },
        None => {
            let unit = UnitCode::parse(args.unit.as_deref().unwrap_or_default())?;
            let role = args
                .role
                .as_deref()
                .unwrap_or_default()
                .parse::<crate::domain::PersonRole>()?;
            let full_name = args.name.as_deref().unwrap_or_default().trim().to_string();
            if full_name.is_empty() {
                out.problems(&[Problem::file(import::ProblemKind::MissingPersonName)]);
                return Ok(ExitCode::FAILURE);
            }
            vec![(
                0,
                crate::domain::unit::NewPerson {
                    unit,
                    full_name,
                    role,
                    telegram_user_id: None,
                    phone: None,
                },
            )]
        }
    };
    for (row, person) in &rows {
        if store.unit(&person.unit).await?.is_none() {
            let kind = import::ProblemKind::NoSuchUnit(person.unit.to_string());
            problems.push(match args.file {
                Some(_) => Problem::at(*row, kind),
                None => Problem::file(kind),
            });
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        out.problems(&problems);
        return Ok(ExitCode::FAILURE);
    }
    let people: Vec<crate::domain::unit::NewPerson> = rows.into_iter().map(|(_, p)| p).collect();
    let username = bot_username(config).await?;
    let expires_at =
        store.now() + chrono::Duration::days(i64::from(config.telegram.invitation_days));
    for person in &people {
        let again = store.invited_person(person).await?.is_some();
        let code = crate::bot::invitation::new_code();
        let member = store
            .invite(
                person,
                &crate::bot::invitation::hash(&code),
                expires_at,
                actor,
            )
            .await?;
        say!(
            "{}\t{}\t{}\t{}\t{code}",
            member.unit,
            member.role.as_str(),
            member.full_name,
            crate::bot::invitation::deep_link(&username, &code)
        );
        if again {
            say!(
                "{}",
                out.ops(OpsText::Reinvited {
                    name: &member.full_name,
                    id: member.id
                })
            );
        }
    }
    say!(
        "{}",
        out.text(Text::InvitationsValidUntil {
            until: expires_at.format("%d/%m/%Y").to_string()
        })
    );
    Ok(ExitCode::SUCCESS)
}

async fn list_members(store: &Store, out: &Output) -> anyhow::Result<ExitCode> {
    use crate::messages::{BotText, MemberState, Table};
    let mut rows = vec![Table::Members.header(out.lang)];
    for listing in store.list_members().await? {
        let member = &listing.member;
        let state = match (
            member.person.telegram_user_id,
            listing.invitation_expires_at,
        ) {
            (Some(_), _) => MemberState::Linked,
            (None, Some(until)) if !listing.invitation_used => {
                MemberState::InvitedUntil(until.format("%d/%m/%Y").to_string())
            }
            (None, _) => MemberState::NotLinked,
        };
        rows.push(vec![
            format!("#{}", member.person.id),
            member.unit.code.to_string(),
            BotText::Role(member.person.role).render(out.lang),
            member.person.full_name.clone(),
            state.render(out.lang),
        ]);
    }
    for line in aligned(&rows, &[]) {
        say!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `members list --missing`: what the bot cannot reach, for the office to fix (invite someone,
/// ask a member to unblock the bot).
async fn list_missing(store: &Store, config: &Config) -> anyhow::Result<ExitCode> {
    let lang = config.province.language;
    let gaps = store.reach_gaps().await?;
    let lines = crate::scheduler::digest::reach_gap_lines(
        &gaps,
        usize::MAX,
        config.province.time_zone,
        lang,
    );
    if lines.is_empty() {
        say!(
            "{}",
            crate::messages::ChaseText::EveryoneReachable.render(lang)
        );
    }
    for line in lines {
        say!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn list_plans(store: &Store, out: &Output) -> anyhow::Result<ExitCode> {
    let mut rows = vec![crate::messages::Table::Plans.header(out.lang)];
    for summary in store.list_plans().await? {
        let p = &summary.plan;
        rows.push(vec![
            p.code.to_string(),
            p.year.to_string(),
            p.scope.to_string(),
            summary.task_count.to_string(),
            summary.assignment_count.to_string(),
            p.title.clone(),
        ]);
    }
    for line in aligned(&rows, &[false, false, false, true, true, false]) {
        say!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn show_plan(store: &Store, out: &Output, code: &str) -> anyhow::Result<ExitCode> {
    let Some(plan) = find_plan(store, out, code).await? else {
        return Ok(ExitCode::FAILURE);
    };
    say!(
        "{} {} — {} ({} {}, {} {})",
        out.label(Label::Plan),
        plan.code,
        plan.title,
        out.label(Label::Year),
        plan.year,
        out.label(Label::Scope),
        plan.scope
    );
    print_calendar(store, out, plan.id).await?;
    let tasks = store.plan_tasks(plan.id).await?;
    let mut current_dimension: Option<String> = None;
    for task in &tasks {
        let dimension = task
            .dimension
            .clone()
            .unwrap_or_else(|| out.label(Label::NoDimension));
        if current_dimension.as_ref() != Some(&dimension) {
            say!(
                "\n{} {}",
                task.dimension_code.as_deref().unwrap_or(""),
                dimension
            );
            current_dimension = Some(dimension);
        }
        print_task(out, task);
    }
    say!("\n{} {}", tasks.len(), out.label(Label::Tasks));
    Ok(ExitCode::SUCCESS)
}

fn print_task(out: &Output, task: &TaskView) {
    let criterion = task
        .criterion
        .as_deref()
        .map(|c| format!(" [{c}]"))
        .unwrap_or_default();
    say!(
        "  {}{} {}",
        task.code.as_deref().unwrap_or("·"),
        criterion,
        ellipsize(&task.text, 120)
    );
    if !task.target.is_empty() {
        say!(
            "      {}: {}",
            out.label(Label::Target),
            ellipsize(&task.target, 100)
        );
    }
    let leads: Vec<&str> = task.leads.iter().map(|u| u.name.as_str()).collect();
    let units: Vec<&str> = task
        .assignments
        .iter()
        .map(|a| a.unit.name.as_str())
        .collect();
    print_who_and_when(
        out,
        "      ",
        &leads,
        &units,
        &task.timeframe,
        task.due_date,
    );
    if !task.expected_output.is_empty() {
        say!(
            "      {}: {}",
            out.label(Label::Output),
            ellipsize(&task.expected_output, 100)
        );
    }
}

async fn print_calendar(store: &Store, out: &Output, plan_id: i64) -> anyhow::Result<()> {
    say!("{}:", out.label(Label::Calendar));
    for period in store.reporting_periods(plan_id).await? {
        let owing = store.units_owing(plan_id, &period).await?.len();
        say!(
            "  {}  {:<14} {}  ({}: {}, {} {})",
            period.due_date.format("%d/%m/%Y"),
            period.key,
            period.label,
            out.label(Label::Owing),
            out.text(Text::OwedBy(period.owed_by)),
            owing,
            out.label(Label::Units)
        );
    }
    Ok(())
}

/// The plan with `code`, or None after saying it does not exist.
async fn find_plan(
    store: &Store,
    out: &Output,
    code: &str,
) -> anyhow::Result<Option<crate::store::Plan>> {
    let code = PlanCode::parse(code)?;
    let plan = store.plan(&code).await?;
    if plan.is_none() {
        eprintln!(
            "{}",
            out.text(Text::PlanNotFound {
                code: code.as_str()
            })
        );
    }
    Ok(plan)
}

async fn deadlines(
    store: &Store,
    out: &Output,
    code: &str,
    set: &[String],
    file: Option<&Path>,
    force: bool,
    actor: &Actor,
) -> anyhow::Result<ExitCode> {
    let Some(plan) = find_plan(store, out, code).await? else {
        return Ok(ExitCode::FAILURE);
    };
    let mut edits: Vec<DueDateEdit> = Vec::new();
    if let Some(file) = file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        edits.extend(
            DueDateEdit::parse_file(&text)
                .map_err(|(line, e)| anyhow::anyhow!("{}:{line}: {e}", file.display()))?,
        );
    }
    for raw in set {
        edits.push(DueDateEdit::parse(raw)?);
    }
    // A 2026 plan reports between 2025 and 2027; 1999 is a typo, refused unless --force.
    let year = plan.year;
    let outside: Vec<&DueDateEdit> = edits
        .iter()
        .filter(|e| (e.due_date.year() - year).abs() > 1)
        .collect();
    if !outside.is_empty() && !force {
        for edit in &outside {
            eprintln!(
                "{}",
                out.ops(OpsText::DeadlineOutsideYear {
                    key: edit.key.as_str(),
                    date: &edit.due_date.format("%d/%m/%Y").to_string(),
                    year,
                })
            );
        }
        eprintln!(
            "{}",
            out.text(Text::NothingWritten {
                problems: outside.len()
            })
        );
        return Ok(ExitCode::FAILURE);
    }
    if !edits.is_empty() {
        for change in store.set_due_dates(plan.id, &edits, actor).await? {
            say!(
                "{}",
                out.text(Text::DeadlineChanged {
                    key: change.key.as_str(),
                    before: change.before.map(|d| d.format("%d/%m/%Y").to_string()),
                    after: change.after.format("%d/%m/%Y").to_string(),
                })
            );
        }
    }
    print_calendar(store, out, plan.id).await?;
    Ok(ExitCode::SUCCESS)
}
