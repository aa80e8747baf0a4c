//! `dondoc plan`: import a task table (or a prose draft), list and show plans, edit the
//! reporting calendar.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Datelike;
use clap::{Args, Subcommand};

use super::{aligned, CliError, Output};
use crate::config::Config;
use crate::domain::calendar::{periods_for_year, DueDateEdit};
use crate::domain::plan::NewPlan;
use crate::domain::text::ellipsize;
use crate::domain::{Actor, PlanCode, PlanYear, UnitCode};
use crate::import::{self, Problem, UnitDirectory};
use crate::messages::{Label, OpsText, Text};
use crate::store::{SaveMode, Store, StoreError, TaskView};

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Import a plan's task table from CSV/TSV, XLSX or DOCX.
    Import(PlanImportArgs),
    /// Draft a task table from a plan written as prose (DOCX or text), to check then import.
    Draft(super::draft::PlanDraftArgs),
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

pub(super) async fn import_plan(
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
        super::draft::prose_reading(out, &args.file, &directory, year, config)
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
        csv::Writer::from_writer(std::fs::File::create(path).map_err(CliError::write(path))?);
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

pub(super) async fn list_plans(store: &Store, out: &Output) -> anyhow::Result<ExitCode> {
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

pub(super) async fn show_plan(store: &Store, out: &Output, code: &str) -> anyhow::Result<ExitCode> {
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
pub(super) async fn find_plan(
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

pub(super) async fn deadlines(
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
        let text = std::fs::read_to_string(file).map_err(CliError::read(file))?;
        edits.extend(
            DueDateEdit::parse_file(&text).map_err(|(line, source)| CliError::Line {
                path: file.to_path_buf(),
                line,
                source,
            })?,
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
