//! `dondoc plan draft` and `plan import --from-prose`: plans written as prose.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::Output;
use crate::config::Config;
use crate::domain::text::ellipsize;
use crate::domain::{PlanYear, UnitCode};
use crate::import::prose::{self, ProseDraft};
use crate::import::{PlanReading, Problem, ProblemKind, UnitDirectory};
use crate::messages::{Label, Text};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct PlanDraftArgs {
    /// The plan: DOCX, or text (lines wrapped mid-sentence are joined back).
    pub file: PathBuf,
    /// Code of the unit the plan covers (groups such as "UBND cấp xã" expand under it).
    #[arg(long)]
    pub scope: String,
    #[arg(long)]
    pub year: i32,
    /// Where to write the draft task table (XLSX).
    #[arg(long, required_unless_present = "dry_run")]
    pub out: Option<PathBuf>,
    /// Print the draft instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
}

/// Prints every thing to check, with the paragraph it came from.
fn print_review(out: &Output, draft: &ProseDraft) {
    for task in &draft.tasks {
        let excerpt = ellipsize(task.source.lines().next().unwrap_or(""), 100);
        for review in &task.review {
            eprintln!(
                "{}",
                out.text(Text::ProseProblem {
                    paragraph: task.paragraph,
                    review,
                    excerpt: &excerpt,
                })
            );
        }
    }
}

fn to_review(draft: &ProseDraft) -> usize {
    draft.tasks.iter().filter(|t| !t.review.is_empty()).count()
}

pub(super) async fn draft_plan(
    store: &Store,
    config: &Config,
    out: &Output,
    args: &PlanDraftArgs,
) -> anyhow::Result<ExitCode> {
    let year = PlanYear::new(args.year)?;
    let scope = UnitCode::parse(&args.scope)?;
    let directory = match UnitDirectory::new(store.list_units().await?, &scope) {
        Ok(directory) => directory,
        Err(problem) => {
            out.problems(&[problem]);
            return Ok(ExitCode::FAILURE);
        }
    };
    let draft = match prose::read_prose(&args.file, &directory, year, config.import.max_file_bytes)
    {
        Ok(draft) => draft,
        Err(problem) => {
            out.problems(&[problem]);
            return Ok(ExitCode::FAILURE);
        }
    };
    if args.dry_run {
        for (dimension, code, task) in prose::numbered(&draft.tasks) {
            say!(
                "[{}] {code} {} — {}",
                task.paragraph,
                ellipsize(&dimension.title, 40),
                ellipsize(&task.text.replace('\n', " "), 90)
            );
            say!("    {}: {}", out.label(Label::Lead), task.lead);
            say!(
                "    {}: {}",
                out.label(Label::Implementing),
                task.implementing
            );
            if !task.timeframe.is_empty() {
                say!("    {}: {}", out.label(Label::Timeframe), task.timeframe);
            }
            for review in &task.review {
                say!("    ! {}", out.text(Text::ProseReview(review)));
            }
        }
    }
    print_review(out, &draft);
    say!(
        "{}",
        out.text(Text::DraftRead {
            tasks: draft.tasks.len(),
            to_review: to_review(&draft),
        })
    );
    if let Some(path) = args.out.as_ref().filter(|_| !args.dry_run) {
        let bytes = prose::write_xlsx(&draft, &crate::messages::draft_table_words())?;
        std::fs::write(path, bytes).map_err(super::CliError::write(path))?;
        say!(
            "{}",
            out.text(Text::DraftWritten {
                path: &path.display().to_string()
            })
        );
    } else {
        say!("{}", out.text(Text::DryRunNothingWritten));
    }
    Ok(ExitCode::SUCCESS)
}

/// `plan import --from-prose`: the draft's tasks when nothing needs review; otherwise the
/// review items are printed and the reading carries one problem.
pub(super) fn prose_reading(
    out: &Output,
    file: &std::path::Path,
    directory: &UnitDirectory,
    year: PlanYear,
    config: &Config,
) -> PlanReading {
    let draft = match prose::read_prose(file, directory, year, config.import.max_file_bytes) {
        Ok(draft) => draft,
        Err(problem) => {
            return PlanReading {
                problems: vec![problem],
                ..PlanReading::default()
            }
        }
    };
    if !draft.is_clean() {
        print_review(out, &draft);
        return PlanReading {
            problems: vec![Problem::file(ProblemKind::DraftNeedsReview {
                tasks: to_review(&draft),
            })],
            ..PlanReading::default()
        };
    }
    PlanReading {
        tasks: draft.new_tasks(),
        problems: Vec::new(),
        table_label: "prose".into(),
        header_row: 0,
    }
}
