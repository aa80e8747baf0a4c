//! `dondoc holidays`: replace whole years of the holiday table (with a dry run) and list one.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Datelike;
use clap::Subcommand;

use super::{aligned, Output};
use crate::config::Config;
use crate::domain::{Actor, DayKind};
use crate::import;
use crate::messages::{OpsText, Text};
use crate::store::Store;

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

pub(super) async fn import_holidays(
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
            let row = |mark: &str, d: &crate::domain::CalendarDay| {
                vec![
                    mark.to_string(),
                    d.date.format("%d/%m/%Y").to_string(),
                    out.text(Text::DayKind(d.kind)),
                    d.name.clone(),
                ]
            };
            let mut rows = vec![crate::messages::Table::HolidayChanges.header(out.lang)];
            let (mut added, mut removed, mut changed, mut same) = (0, 0, 0, 0);
            for day in &after {
                match before.iter().find(|b| b.date == day.date) {
                    None => {
                        added += 1;
                        rows.push(row("+", day));
                    }
                    Some(old) if old.name != day.name || old.kind != day.kind => {
                        changed += 1;
                        let cell = |before: String, after: String| match before == after {
                            true => after,
                            false => format!("{before} → {after}"),
                        };
                        let (old, new) = (row("~", old), row("~", day));
                        rows.push(old.into_iter().zip(new).map(|(o, n)| cell(o, n)).collect());
                    }
                    Some(_) => same += 1,
                }
            }
            for old in before
                .iter()
                .filter(|b| !after.iter().any(|d| d.date == b.date))
            {
                removed += 1;
                rows.push(row("-", old));
            }
            // By date, whatever happened to each day.
            rows[1..].sort_by_key(|r| {
                chrono::NaiveDate::parse_from_str(&r[1], "%d/%m/%Y").unwrap_or_default()
            });
            if rows.len() > 1 {
                for line in aligned(&rows, &[]) {
                    say!("{line}");
                }
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

pub(super) async fn list_holidays(
    store: &Store,
    out: &Output,
    year: i32,
) -> anyhow::Result<ExitCode> {
    let days = store.holidays(year).await?;
    if days.is_empty() {
        say!("{}", out.text(Text::NoHolidays { year }));
        return Ok(ExitCode::SUCCESS);
    }
    let mut rows = vec![crate::messages::Table::Holidays.header(out.lang)];
    for day in &days {
        rows.push(vec![
            day.date.format("%d/%m/%Y").to_string(),
            out.text(Text::Weekday(day.date.weekday())),
            out.text(Text::DayKind(day.kind)),
            day.name.clone(),
        ]);
    }
    for line in aligned(&rows, &[]) {
        say!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}
