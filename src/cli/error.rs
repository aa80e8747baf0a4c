//! How the command line says why it stopped: once, on stderr, in the province's language.
//!
//! Commands return `anyhow::Error`s; [`describe`] finds in each the typed error it carries
//! (a value that does not read, a file that cannot be read or written, a database failure)
//! and words it through the message catalogue. Text already rendered from the catalogue
//! travels as [`CliError::Said`] and is printed as it is. Usage errors are clap's, reworded
//! by [`usage`].

use std::path::{Path, PathBuf};

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::domain::ParseError;
use crate::messages::{CliText, Lang};
use crate::store::StoreError;

/// An error of a command that the catalogue can word.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Already rendered from the catalogue, in the command's language.
    #[error("{0}")]
    Said(String),
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A line of a file that does not read.
    #[error("{}:{line}: {source}", path.display())]
    Line {
        path: PathBuf,
        line: usize,
        source: ParseError,
    },
    /// An option's number that overflows a date or a count.
    #[error("{option} {value}: too large")]
    TooLarge { option: &'static str, value: String },
}

impl CliError {
    pub fn read(path: &Path) -> impl FnOnce(std::io::Error) -> CliError + '_ {
        move |source| CliError::Read {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn write(path: &Path) -> impl FnOnce(std::io::Error) -> CliError + '_ {
        move |source| CliError::Write {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// `error` as one message in `lang`.
pub fn describe(error: &anyhow::Error, lang: Lang) -> String {
    for cause in error.chain() {
        if let Some(e) = cause.downcast_ref::<CliError>() {
            return cli_error(e, lang);
        }
        if let Some(e) = cause.downcast_ref::<ParseError>() {
            return CliText::BadValue {
                what: e.what,
                value: &e.value,
            }
            .render(lang);
        }
        if let Some(e) = cause.downcast_ref::<StoreError>() {
            return store_error(e, lang);
        }
        if let Some(e) = cause.downcast_ref::<sqlx::Error>() {
            return CliText::DatabaseFailed {
                detail: &e.to_string(),
            }
            .render(lang);
        }
    }
    CliText::Failed {
        detail: &format!("{error:#}"),
    }
    .render(lang)
}

fn cli_error(error: &CliError, lang: Lang) -> String {
    match error {
        CliError::Said(text) => text.clone(),
        CliError::Read { path, source } => CliText::CannotRead {
            path: &path.display().to_string(),
            error: source,
        }
        .render(lang),
        CliError::Write { path, source } => CliText::CannotWrite {
            path: &path.display().to_string(),
            error: source,
        }
        .render(lang),
        CliError::Line { path, line, source } => CliText::BadLine {
            path: &path.display().to_string(),
            line: *line,
            what: source.what,
            value: &source.value,
        }
        .render(lang),
        CliError::TooLarge { option, value } => CliText::TooLarge { option, value }.render(lang),
    }
}

fn store_error(error: &StoreError, lang: Lang) -> String {
    match error {
        StoreError::Connect { url, failure } => {
            crate::messages::OpsText::DatabaseCannotOpen { url, failure }.render(lang)
        }
        other => CliText::DatabaseFailed {
            detail: &other.to_string(),
        }
        .render(lang),
    }
}

/// A usage error of clap's, reworded: a headline in `lang`, clap's usage line of the command,
/// and where to find help. Colourless: this goes to a terminal or a log alike.
pub fn usage(error: &clap::Error, lang: Lang) -> String {
    let get = |kind: ContextKind| -> Option<String> {
        match error.get(kind)? {
            ContextValue::String(s) => Some(s.clone()),
            ContextValue::Strings(list) => Some(list.join(", ")),
            ContextValue::StyledStr(s) => Some(s.to_string()),
            ContextValue::StyledStrs(list) => Some(
                list.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ContextValue::Number(n) => Some(n.to_string()),
            ContextValue::Bool(b) => Some(b.to_string()),
            ContextValue::None => None,
            _ => None,
        }
    };
    let arg = get(ContextKind::InvalidArg).unwrap_or_default();
    let headline = match error.kind() {
        ErrorKind::UnknownArgument if !arg.starts_with('-') => {
            CliText::UnexpectedValue { value: &arg }.render(lang)
        }
        ErrorKind::UnknownArgument => CliText::UnknownOption {
            option: &arg,
            suggestion: get(ContextKind::SuggestedArg).as_deref(),
        }
        .render(lang),
        ErrorKind::InvalidSubcommand => CliText::UnknownCommand {
            command: &get(ContextKind::InvalidSubcommand).unwrap_or_default(),
            suggestion: get(ContextKind::SuggestedSubcommand).as_deref(),
        }
        .render(lang),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            CliText::MissingCommand {
                valid: get(ContextKind::ValidSubcommand).as_deref(),
            }
            .render(lang)
        }
        ErrorKind::MissingRequiredArgument => {
            CliText::MissingArguments { arguments: &arg }.render(lang)
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => CliText::InvalidOptionValue {
            option: &arg,
            value: &get(ContextKind::InvalidValue).unwrap_or_default(),
            valid: get(ContextKind::ValidValue).as_deref(),
        }
        .render(lang),
        ErrorKind::ArgumentConflict => {
            let other = get(ContextKind::PriorArg).unwrap_or_default();
            if other == arg {
                CliText::GivenTwice { option: &arg }.render(lang)
            } else {
                CliText::Conflict {
                    option: &arg,
                    other: &other,
                }
                .render(lang)
            }
        }
        _ => {
            // clap's own first line, without its "error: " prefix.
            let text = error.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            CliText::BadUsage {
                detail: first.strip_prefix("error: ").unwrap_or(first),
            }
            .render(lang)
        }
    };
    let mut lines = vec![headline];
    if let Some(usage) = get(ContextKind::Usage) {
        let usage = usage.trim();
        lines.push(match lang {
            Lang::Vi => usage.replacen("Usage:", "Cách dùng:", 1),
            Lang::En => usage.to_string(),
        });
    }
    lines.push(CliText::SeeHelp.render(lang));
    lines.join("\n")
}

/// The language to speak before the command line is understood: the configuration named by
/// `--config` among the raw arguments (or `DONDOC_CONFIG`, or `config/dondoc.toml`), read
/// as far as `province.language`; Vietnamese when that fails.
pub fn language_of(args: &[std::ffi::OsString]) -> Lang {
    let mut file: Option<PathBuf> = None;
    let mut args = args.iter().skip(1);
    while let Some(arg) = args.next() {
        let Some(arg) = arg.to_str() else { continue };
        if arg == "--" {
            break;
        }
        if arg == "--config" {
            file = args.next().map(PathBuf::from);
        } else if let Some(value) = arg.strip_prefix("--config=") {
            file = Some(PathBuf::from(value));
        }
    }
    let file = file
        .or_else(|| std::env::var_os("DONDOC_CONFIG").map(PathBuf::from))
        .or_else(|| Some(PathBuf::from(crate::config::DEFAULT_CONFIG_PATH)))
        .filter(|p| p.exists());
    crate::config::Config::figment(file.as_deref())
        .extract_inner::<Lang>("province.language")
        .unwrap_or(Lang::Vi)
}
