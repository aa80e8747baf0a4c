//! The hotline operator's commands: `cases import`, `cases routing import|list`,
//! `cases export` and `cases stats`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use clap::{Args, Subcommand, ValueEnum};

use super::Output;
use crate::config::Config;
use crate::domain::calendar::parse_date;
use crate::domain::{Actor, CaseHopId, PersonId, PersonRole, UnitId};
use crate::hotline::stats::{case_stats, Figures};
use crate::import::{self, CaseContext};
use crate::messages::{CaseText, Lang, EXPORT_COLUMNS};
use crate::store::{CaseTime, NewCase, Store};

#[derive(Debug, Subcommand)]
pub enum CasesCommand {
    /// Log many cases at once from the hotline's spreadsheet (CSV/TSV/XLSX). All or nothing.
    Import {
        file: PathBuf,
        /// Check the file and show where each case would go, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Which unit handles which category where.
    #[command(subcommand)]
    Routing(RoutingCommand),
    /// Write the cases received between two days to CSV or XLSX; names and phones masked.
    Export(ExportArgs),
    /// Received, acknowledged and answered in time, late, open: in total, per unit, per category.
    Stats {
        /// The month, e.g. 2026-11.
        #[arg(long)]
        month: String,
        /// Count as of this instant (province time, e.g. 2026-12-01T08:00): it decides which
        /// open cases are overdue. Default: now.
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RoutingCommand {
    /// Replace every routing rule from CSV/TSV/XLSX (columns category, place, unit). All or
    /// nothing.
    Import { file: PathBuf },
    /// The routing rules.
    List,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// First day received (yyyy-mm-dd or dd/mm/yyyy).
    #[arg(long)]
    pub from: String,
    /// Last day received, included.
    #[arg(long)]
    pub to: String,
    /// [default: from the file's extension, else csv]
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    #[arg(long)]
    pub out: PathBuf,
    /// Citizens' names and phones in clear; needs --by naming a coordinator or hotline
    /// operator, and is recorded in the audit log.
    #[arg(long)]
    pub with_contact: bool,
    /// The id of the person asking for the export (without it, --with-contact lists who may).
    #[arg(long, value_name = "PERSON_ID")]
    pub by: Option<i64>,
}

pub async fn run(
    store: &Store,
    config: &Config,
    out: &Output,
    command: CasesCommand,
    actor: &Actor,
) -> anyhow::Result<ExitCode> {
    match command {
        CasesCommand::Import { file, dry_run } => {
            import_cases(store, config, out, &file, dry_run, actor).await
        }
        CasesCommand::Routing(RoutingCommand::Import { file }) => {
            import_routing(store, config, out, &file, actor).await
        }
        CasesCommand::Routing(RoutingCommand::List) => list_routing(store, out).await,
        CasesCommand::Export(args) => export(store, config, out, &args, actor).await,
        CasesCommand::Stats { month, at } => {
            let at = match at {
                Some(raw) => super::chase::parse_instant(&raw, config)?,
                None => store.now(),
            };
            stats(store, config, out, &month, at).await
        }
    }
}

fn case_text(out: &Output, text: CaseText<'_>) -> String {
    text.render(out.lang)
}

async fn import_cases(
    store: &Store,
    config: &Config,
    out: &Output,
    file: &Path,
    dry_run: bool,
    actor: &Actor,
) -> anyhow::Result<ExitCode> {
    let units = store.list_units().await?;
    let rules = store.routing_rules().await?;
    let source = file.display().to_string();
    let context = CaseContext {
        units: &units,
        rules: &rules,
        categories: &config.hotline.categories,
        time_zone: config.province.time_zone,
        source: &source,
    };
    let identified =
        match import::read_identified_cases(file, config.import.max_file_bytes, &context) {
            Ok(cases) => cases,
            Err(problems) => {
                out.problems(&problems);
                return Ok(ExitCode::FAILURE);
            }
        };
    // A case already stored (the same file, or an overlapping export, imported before) is
    // skipped and counted, never written twice.
    let identities: Vec<String> = identified.iter().map(|(_, id)| id.clone()).collect();
    let known = store.known_case_identities(&identities).await?;
    let skipped = identified
        .iter()
        .filter(|(_, id)| known.contains(id))
        .count();
    let (cases, identities): (Vec<NewCase>, Vec<String>) = identified
        .into_iter()
        .filter(|(_, id)| !known.contains(id))
        .unzip();
    let say_skipped = || {
        if skipped > 0 {
            say!(
                "{}",
                case_text(out, CaseText::CasesSkipped { cases: skipped })
            );
        }
    };
    let name = |id: UnitId| {
        units
            .iter()
            .find(|u| UnitId(u.id) == id)
            .map_or_else(|| id.to_string(), |u| u.name.clone())
    };
    if dry_run {
        for (row, case) in cases.iter().enumerate() {
            let to: Vec<String> = case.route_to.iter().map(|id| name(*id)).collect();
            say!(
                "{}",
                case_text(
                    out,
                    CaseText::WouldCreate {
                        index: row + 1,
                        place: &name(case.place_unit_id),
                        units: &to.join("; "),
                    }
                )
            );
        }
        say_skipped();
        say!(
            "{}",
            case_text(out, CaseText::CasesDryRun { cases: cases.len() })
        );
        return Ok(ExitCode::SUCCESS);
    }
    let calendar = store.working_calendar().await?;
    let time = CaseTime {
        clocks: &config.hotline.clocks,
        calendar: &calendar,
        time_zone: config.province.time_zone,
        hours: config.schedule.working_hours,
    };
    // Without a Telegram update there is no redelivery to refuse: the result is always Ok.
    let with_identity: Vec<(&NewCase, Option<&str>)> = cases
        .iter()
        .zip(&identities)
        .map(|(case, id)| (case, Some(id.as_str())))
        .collect();
    let numbers = store
        .create_identified_cases(&with_identity, &time, None, actor)
        .await?
        .map_err(|refusal| anyhow::anyhow!("cases not created: {refusal:?}"))?;
    // The units hear of their cases through the outbox, as when the hotline logs one by chat.
    let mut unreached: Vec<(String, String)> = Vec::new();
    for number in &numbers {
        if let Some(case) = store.case(*number).await? {
            let hops: Vec<CaseHopId> = case.live_hops().map(|h| h.id).collect();
            let nobody = crate::hotline::queue_for_units(
                store,
                &case,
                &hops,
                config.province.language,
                config.province.time_zone,
            )
            .await?;
            if !nobody.is_empty() {
                let names: Vec<&str> = nobody.iter().map(|u| u.name.as_str()).collect();
                unreached.push((number.to_string(), names.join(", ")));
            }
        }
    }
    // Routed to a unit no one can be told in: the operator must send it elsewhere.
    for (number, units) in &unreached {
        eprintln!(
            "{}",
            case_text(out, CaseText::NoOneToTell { number, units })
        );
    }
    for (number, case) in numbers.iter().zip(&cases) {
        let to: Vec<String> = case.route_to.iter().map(|id| name(*id)).collect();
        say!(
            "{}",
            case_text(
                out,
                CaseText::Created {
                    number: &number.to_string(),
                    place: &name(case.place_unit_id),
                    units: &to.join("; "),
                }
            )
        );
    }
    say!(
        "{}",
        case_text(
            out,
            CaseText::CasesSaved {
                cases: numbers.len()
            }
        )
    );
    say_skipped();
    Ok(ExitCode::SUCCESS)
}

async fn import_routing(
    store: &Store,
    config: &Config,
    out: &Output,
    file: &Path,
    actor: &Actor,
) -> anyhow::Result<ExitCode> {
    let units = store.list_units().await?;
    let rules = match import::read_routing_rules(
        file,
        config.import.max_file_bytes,
        &units,
        &config.hotline.categories,
    ) {
        Ok(rules) => rules,
        Err(problems) => {
            out.problems(&problems);
            return Ok(ExitCode::FAILURE);
        }
    };
    store.replace_routing_rules(&rules, actor).await?;
    say!(
        "{}",
        case_text(out, CaseText::RoutingSaved { rules: rules.len() })
    );
    list_routing(store, out).await
}

async fn list_routing(store: &Store, out: &Output) -> anyhow::Result<ExitCode> {
    let rules = store.routing_rules().await?;
    if rules.is_empty() {
        say!("{}", case_text(out, CaseText::NoRoutingRules));
    }
    let units = store.list_units().await?;
    let name = |id: UnitId| {
        units
            .iter()
            .find(|u| UnitId(u.id) == id)
            .map_or_else(|| id.to_string(), |u| u.name.clone())
    };
    for rule in &rules {
        let place = rule.place_unit_id.map(name);
        say!(
            "{}",
            case_text(
                out,
                CaseText::Rule {
                    category: rule.category.as_deref(),
                    place: place.as_deref(),
                    unit: &name(rule.unit_id),
                }
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Midnight at the start of `day` in the province.
fn start_of(day: NaiveDate, time_zone: Tz) -> anyhow::Result<DateTime<Utc>> {
    time_zone
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| anyhow::anyhow!("{day} has no midnight in {time_zone}"))
}

async fn export(
    store: &Store,
    config: &Config,
    out: &Output,
    args: &ExportArgs,
    actor: &Actor,
) -> anyhow::Result<ExitCode> {
    let day = |option: &'static str, raw: &str| {
        let parsed = parse_date(raw.trim());
        if parsed.is_none() {
            eprintln!("{}", case_text(out, CaseText::BadDate { option, raw }));
        }
        parsed
    };
    let (Some(from), Some(to)) = (day("--from", &args.from), day("--to", &args.to)) else {
        return Ok(ExitCode::FAILURE);
    };
    if to < from {
        eprintln!("{}", case_text(out, CaseText::EmptyRange));
        return Ok(ExitCode::FAILURE);
    }
    let with_contacts = match (args.with_contact, args.by) {
        (false, _) => false,
        (true, None) => {
            eprintln!("{}", case_text(out, CaseText::ContactsNeedBy));
            for listing in store.list_members().await? {
                let person = &listing.member.person;
                if may_see_contacts(person.role) {
                    eprintln!(
                        "  {}\t{}\t{}\t{}",
                        person.id,
                        person.full_name,
                        person.role.as_str(),
                        listing.member.unit.code
                    );
                }
            }
            return Ok(ExitCode::FAILURE);
        }
        (true, Some(id)) => match store.member_by_person_id(PersonId(id)).await? {
            None => {
                eprintln!("{}", case_text(out, CaseText::PersonNotFound { id }));
                return Ok(ExitCode::FAILURE);
            }
            Some(member) if !may_see_contacts(member.person.role) => {
                eprintln!(
                    "{}",
                    case_text(
                        out,
                        CaseText::ContactsRefused {
                            name: &member.person.full_name,
                            role: member.person.role,
                        }
                    )
                );
                return Ok(ExitCode::FAILURE);
            }
            Some(_) => true,
        },
    };
    let time_zone = config.province.time_zone;
    let next_day = to.succ_opt().unwrap_or(to);
    let cases = store
        .cases_received(start_of(from, time_zone)?, start_of(next_day, time_zone)?)
        .await?;
    let today = store.now().with_timezone(&time_zone).date_naive();
    let rows: Vec<[String; EXPORT_COLUMNS]> = cases
        .iter()
        .map(|case| crate::hotline::export_row(case, out.lang, time_zone, today, with_contacts))
        .collect();
    let format = args.format.unwrap_or_else(|| {
        let xlsx = args
            .out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
        if xlsx {
            ExportFormat::Xlsx
        } else {
            ExportFormat::Csv
        }
    });
    let bytes = match format {
        ExportFormat::Csv => export_csv(out.lang, &rows)?,
        ExportFormat::Xlsx => export_xlsx(out.lang, &rows)?,
    };
    if with_contacts {
        // Logged before the file exists: a failed write may leave a record of an export that
        // did not happen, never an export without a record.
        if let Some(by) = args.by {
            store
                .record_contact_export(PersonId(by), cases.len(), from, to, actor)
                .await?;
        }
    }
    std::fs::write(&args.out, bytes).map_err(super::CliError::write(&args.out))?;
    say!(
        "{}",
        case_text(
            out,
            CaseText::Exported {
                cases: cases.len(),
                path: &args.out.display().to_string(),
                with_contacts,
            }
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// Coordinators and hotline operators see citizens' names and phones; nobody else does.
fn may_see_contacts(role: PersonRole) -> bool {
    matches!(role, PersonRole::Coordinator | PersonRole::HotlineOperator)
}

/// UTF-8 with a byte-order mark, so Excel shows the accents.
fn export_csv(lang: Lang, rows: &[[String; EXPORT_COLUMNS]]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(CaseText::export_headers(lang))?;
    for row in rows {
        writer.write_record(row)?;
    }
    writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing the CSV: {}", e.error()))
}

fn export_xlsx(lang: Lang, rows: &[[String; EXPORT_COLUMNS]]) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let bold = Format::new().set_bold();
    for (c, head) in CaseText::export_headers(lang).iter().enumerate() {
        let c = u16::try_from(c)?;
        sheet.write_string_with_format(0, c, *head, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1)?;
        for (c, value) in row.iter().enumerate() {
            sheet.write_string(r, u16::try_from(c)?, value)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(workbook.save_to_buffer()?)
}

/// `2026-11` (or `11/2026`): its first day.
fn parse_month(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&format!("01/{raw}"), "%d/%m/%Y"))
        .ok()
}

async fn stats(
    store: &Store,
    config: &Config,
    out: &Output,
    month: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<ExitCode> {
    let Some(first) = parse_month(month) else {
        eprintln!(
            "{}",
            case_text(
                out,
                CaseText::BadDate {
                    option: "--month",
                    raw: month
                }
            )
        );
        return Ok(ExitCode::FAILURE);
    };
    let next =
        first
            .checked_add_months(Months::new(1))
            .ok_or_else(|| super::CliError::TooLarge {
                option: "--month",
                value: month.to_string(),
            })?;
    let time_zone = config.province.time_zone;
    // As the data stood at `at`: a case received, or a step taken, after it does not count.
    let cases = crate::hotline::stats::as_of(
        &store
            .cases_received(start_of(first, time_zone)?, start_of(next, time_zone)?)
            .await?,
        at,
    );
    let today = at.with_timezone(&time_zone).date_naive();
    let stats = case_stats(&cases, config.hotline.clocks.ack_hours, time_zone, today);
    let heads = CaseText::stats_headers(out.lang).join("\t");
    let line = |name: &str, f: &Figures| {
        say!(
            "{name}\t{}\t{}\t{}\t{}\t{}\t{}",
            f.received,
            f.acknowledged_in_time,
            f.answered_in_time,
            f.answered_late,
            f.open,
            f.overdue
        );
    };
    say!(
        "{}",
        case_text(
            out,
            CaseText::StatsTitle {
                month: &first.format("%m/%Y").to_string()
            }
        )
    );
    say!("\t{heads}");
    line(&case_text(out, CaseText::StatsTotal), &stats.total);
    say!("\n{}\t{heads}", case_text(out, CaseText::StatsByUnit));
    for (unit, figures) in &stats.by_unit {
        line(&unit.name, figures);
    }
    say!("\n{}\t{heads}", case_text(out, CaseText::StatsByCategory));
    for (category, figures) in &stats.by_category {
        line(category, figures);
    }
    Ok(ExitCode::SUCCESS)
}
