//! `dondoc units`: import the unit registry (with a dry run of what would change) and list it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use super::{aligned, Output};
use crate::config::Config;
use crate::domain::unit::Unit;
use crate::domain::{Actor, UnitCode};
use crate::import;
use crate::messages::{OpsText, Text};
use crate::store::Store;

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

pub(super) async fn import_units(
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
        // What would change, as a table: added (+) and updated (~, each changed cell
        // "old → new") units; unchanged ones are only counted.
        let parent = |p: &Option<UnitCode>| p.as_ref().map_or("-".to_string(), |c| c.to_string());
        // Aliases are a set: the store may keep them in another order than the file.
        let aliases = |aliases: &[String]| {
            let mut aliases = aliases.to_vec();
            aliases.sort();
            aliases.join(" | ")
        };
        let cell = |before: String, after: String| match before == after {
            true => after,
            false => format!("{before} → {after}"),
        };
        let mut rows = vec![crate::messages::Table::UnitChanges.header(out.lang)];
        let (mut added, mut updated, mut unchanged) = (0, 0, 0);
        for unit in &units {
            let new = [
                unit.name.clone(),
                unit.kind.to_string(),
                parent(&unit.parent),
                aliases(&unit.aliases),
            ];
            let Some(old) = existing.iter().find(|e| e.code == unit.code) else {
                added += 1;
                rows.push(
                    ["+".to_string(), unit.code.to_string()]
                        .into_iter()
                        .chain(new)
                        .collect(),
                );
                continue;
            };
            let old = [
                old.name.clone(),
                old.kind.to_string(),
                parent(&old.parent),
                aliases(&old.aliases),
            ];
            if old == new {
                unchanged += 1;
                continue;
            }
            updated += 1;
            rows.push(
                ["~".to_string(), unit.code.to_string()]
                    .into_iter()
                    .chain(old.into_iter().zip(new).map(|(o, n)| cell(o, n)))
                    .collect(),
            );
        }
        if rows.len() > 1 {
            for line in aligned(&rows, &[]) {
                say!("{line}");
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

pub(super) async fn list_units(
    store: &Store,
    out: &Output,
    tree: bool,
) -> anyhow::Result<ExitCode> {
    let units = store.list_units().await?;
    if !tree {
        let mut rows = vec![crate::messages::Table::Units.header(out.lang)];
        for u in &units {
            let parent = u.parent.as_ref().map(UnitCode::as_str).unwrap_or("-");
            rows.push(vec![
                u.code.to_string(),
                u.kind.to_string(),
                u.name.clone(),
                parent.to_string(),
                u.aliases.join(" | "),
            ]);
        }
        for line in aligned(&rows, &[]) {
            say!("{line}");
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
