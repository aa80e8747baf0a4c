//! The `dondoc` command line: the clap definitions, `run` (parse, load the configuration,
//! say any error once in the province's language) and `execute`, which opens the store (and so
//! applies migrations) and hands each command to its group's file:
//!
//! | file | commands |
//! |---|---|
//! | `serve.rs` | `serve` (and its SQLite lock), `init`, `check-config`, `backup` |
//! | `units.rs` | `units import`, `units list` |
//! | `plan.rs` | `plan import`, `list`, `show`, `deadlines` |
//! | `draft.rs` | `plan draft`, `plan import --from-prose` |
//! | `holidays.rs` | `holidays import`, `holidays list` |
//! | `members.rs` | `invite`, `members list` |
//! | `chase.rs` | `tick`, `outbox …`, `plan ladder` |
//! | `cases.rs` | `cases …` |
//! | `report.rs` | `export` |
//! | `table.rs` | the one aligned-table printer |
//! | `error.rs` | errors and usage mistakes worded through the message catalogue |

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::config::{Config, LogFormat};
use crate::domain::Actor;
use crate::import::Problem;
use crate::messages::{self, Label, Lang, Text};
use crate::store::Store;

/// `println!` that stays quiet when the reader went away (`dondoc plan show X | head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod cases;
mod chase;
mod draft;
mod error;
mod holidays;
mod members;
mod plan;
mod report;
mod serve;
mod table;
mod units;
mod web;

pub use cases::{CasesCommand, ExportArgs, ExportFormat, RoutingCommand};
pub use chase::OutboxCommand;
pub use error::{describe as describe_error, CliError};
pub use holidays::HolidaysCommand;
pub use members::{InviteArgs, InviteChannel, MembersCommand};
pub use plan::{PlanCommand, PlanImportArgs};
pub use report::ReportArgs;
pub use table::aligned;
pub use units::{unit_tree_lines, UnitsCommand};

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

/// Parses the command line and runs it; errors are printed once, here, in the province's
/// language (`error::describe`).
pub async fn run() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return usage_failure(&e, &args),
    };
    // Checking a configuration must work on one that does not load.
    if let Command::CheckConfig { file } = &cli.command {
        return serve::check_config(file.as_deref().or(cli.config.as_deref())).await;
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{}", config_failure(cli.config.as_deref(), &e));
            return ExitCode::FAILURE;
        }
    };
    // serve logs as configured; other commands only warnings, unless -v.
    let logs = matches!(cli.command, Command::Serve) || cli.verbose > 0;
    init_tracing(&config, logs);
    if let Command::Init = cli.command {
        return serve::init(&config).await;
    }
    // A folder with no configuration and no database: say where we looked, create nothing.
    if !matches!(cli.command, Command::Migrate) && cli.config.is_none() {
        if let Some(text) = serve::nothing_here(&config) {
            eprintln!("{text}");
            return ExitCode::FAILURE;
        }
    }
    match execute(cli.command, &config).await {
        Ok(code) => code,
        // Said once, on stderr: not also as an ERROR log line.
        Err(e) => {
            eprintln!("{}", error::describe(&e, config.province.language));
            ExitCode::FAILURE
        }
    }
}

/// A command line clap refused: help and version as clap prints them; a mistake reworded in
/// the language of the configuration the command would have read, exit status 2 as clap's.
fn usage_failure(e: &clap::Error, args: &[std::ffi::OsString]) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // `dondoc plan`: which commands there are is the useful part of clap's help.
            let lang = error::language_of(args);
            eprintln!(
                "{}\n\n{}",
                messages::CliText::MissingCommand { valid: None }.render(lang),
                e.render().to_string().trim_end()
            );
            ExitCode::from(2)
        }
        _ => {
            eprintln!("{}", error::usage(e, error::language_of(args)));
            ExitCode::from(2)
        }
    }
}

/// Why the configuration does not load: every problem `check-config` would find in it short
/// of the database, under a headline naming the file (so a missing one says where dondoc
/// looked).
fn config_failure(path: Option<&Path>, e: &anyhow::Error) -> String {
    let checked = crate::ops::check::read(path);
    let lang = checked.lang;
    let problems: Vec<String> = checked
        .findings
        .iter()
        .filter(|f| f.is_error())
        .map(|f| f.render(lang))
        .collect();
    if problems.is_empty() {
        return messages::CliText::Failed {
            detail: &format!("{e:#}"),
        }
        .render(lang);
    }
    let file = checked.file.as_ref().map(|f| f.display().to_string());
    let mut lines = vec![messages::CliText::ConfigCannotLoad {
        file: file.as_deref(),
    }
    .render(lang)];
    lines.extend(problems);
    lines.push(messages::CliText::ConfigSeeCheck.render(lang));
    lines.join("\n")
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
    let store = match Store::connect(
        &config.database,
        std::sync::Arc::new(crate::clock::SystemClock),
    )
    .await
    {
        Ok(store) => store,
        Err(e) => return Err(CliError::Said(serve::open_failure(config, e, out.lang)).into()),
    };
    let actor = cli_actor();
    let result = match command {
        Command::Serve => serve::serve(&store, config, &out).await,
        Command::Invite(args) => members::invite(&store, config, &out, &args, &actor).await,
        Command::Members(MembersCommand::List { missing: false }) => {
            members::list_members(&store, &out).await
        }
        Command::Members(MembersCommand::List { missing: true }) => {
            members::list_missing(&store, config).await
        }
        Command::Members(MembersCommand::Channel { person, choice }) => {
            members::set_channel(&store, &out, person, choice, &actor).await
        }
        Command::Migrate => Ok(ExitCode::SUCCESS),
        Command::Tick { at, dry_run } => chase::tick(&store, config, &out, &at, dry_run).await,
        Command::Outbox(OutboxCommand::Status) => chase::outbox_status(&store, config, &out).await,
        Command::Outbox(OutboxCommand::Retry) => chase::outbox_retry(&store, &out, &actor).await,
        Command::Outbox(OutboxCommand::Prune { older_than_days }) => {
            chase::outbox_prune(&store, config, &out, older_than_days, &actor).await
        }
        Command::Cases(command) => cases::run(&store, config, &out, command, &actor).await,
        Command::Backup { out: file } => serve::backup(&store, &out, &file).await,
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
            units::import_units(&store, config, &out, &file, dry_run, &actor).await
        }
        Command::Units(UnitsCommand::List { tree }) => units::list_units(&store, &out, tree).await,
        Command::Holidays(HolidaysCommand::Import { file, dry_run }) => {
            holidays::import_holidays(&store, config, &out, &file, dry_run, &actor).await
        }
        Command::Holidays(HolidaysCommand::List { year }) => {
            holidays::list_holidays(&store, &out, year).await
        }
        Command::Plan(PlanCommand::Import(args)) => {
            plan::import_plan(&store, config, &out, &args, &actor).await
        }
        Command::Plan(PlanCommand::Draft(args)) => {
            draft::draft_plan(&store, config, &out, &args).await
        }
        Command::Plan(PlanCommand::List) => plan::list_plans(&store, &out).await,
        Command::Plan(PlanCommand::Show { code }) => plan::show_plan(&store, &out, &code).await,
        Command::Plan(PlanCommand::Deadlines {
            code,
            set,
            file,
            force,
        }) => plan::deadlines(&store, &out, &code, &set, file.as_deref(), force, &actor).await,
    };
    store.close().await;
    result
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
