//! `dondoc export`: the periodic report to a file. The work is in [`crate::export`]; this
//! only reads the options and says what happened.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use clap::Args;

use super::{ExportFormat, Output};
use crate::config::Config;
use crate::domain::calendar::parse_date;
use crate::domain::PlanCode;
use crate::export::{self, ExportError, Report, ReportRequest};
use crate::messages::{ReportText, Text};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The plan's code, e.g. PAPI-2026.
    #[arg(long)]
    pub plan: String,
    /// Q1, Q2 (= 6 tháng), Q3, Q4 (= năm), 6T, CN, or a key of `plan deadlines`
    /// [default: the latest period already due]
    #[arg(long)]
    pub period: Option<String>,
    /// The file to write (with --format csv, the stem of one file per sheet).
    #[arg(long)]
    pub out: PathBuf,
    /// [default: from the file's extension, else xlsx]
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Figures as they stood at the end of this day (yyyy-mm-dd or dd/mm/yyyy, province
    /// time) or at this instant (yyyy-mm-ddTHH:MM) [default: now]
    #[arg(long)]
    pub as_of: Option<String>,
}

pub async fn run(
    store: &Store,
    config: &Config,
    out: &Output,
    args: &ReportArgs,
) -> anyhow::Result<ExitCode> {
    let as_of = match args.as_of.as_deref() {
        None => store.now(),
        Some(raw) => match parse_as_of(raw, config) {
            Some(at) => at,
            None => {
                eprintln!("{}", out.report(ReportText::BadAsOf { raw }));
                return Ok(ExitCode::FAILURE);
            }
        },
    };
    let request = ReportRequest {
        plan: PlanCode::parse(&args.plan)?,
        period: args.period.clone(),
        as_of,
        time_zone: config.province.time_zone,
        ack_hours: config.hotline.clocks.ack_hours,
        lang: out.lang,
    };
    let report = match export::build_report(store, &request).await {
        Ok(report) => report,
        Err(refusal) => return refuse(out, &request.plan, refusal),
    };
    let paths = write(&report, out, args)?;
    let day = report.as_of_day.format("%d/%m/%Y").to_string();
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    say!(
        "{}",
        out.report(ReportText::Written {
            label: &report.period.label,
            code: &report.plan.code,
            day: &day,
            paths: &paths.join(", "),
        })
    );
    Ok(ExitCode::SUCCESS)
}

/// A day means its end (the report counts everything sent that day); an instant is exact.
fn parse_as_of(raw: &str, config: &Config) -> Option<DateTime<Utc>> {
    if let Some(day) = parse_date(raw.trim()) {
        let end = day.and_time(NaiveTime::from_hms_opt(23, 59, 59)?);
        return config
            .province
            .time_zone
            .from_local_datetime(&end)
            .latest()
            .map(|t| t.with_timezone(&Utc));
    }
    super::chase::parse_instant(raw, config).ok()
}

fn write(report: &Report, out: &Output, args: &ReportArgs) -> anyhow::Result<Vec<PathBuf>> {
    let csv = args.format == Some(ExportFormat::Csv)
        || (args.format.is_none()
            && args
                .out
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv")));
    if csv {
        return Ok(export::csv::write_files(report, out.lang, &args.out)
            .map_err(super::CliError::write(&args.out))?);
    }
    let bytes = export::xlsx::write(report, out.lang).context("composing the workbook")?;
    std::fs::write(&args.out, bytes).map_err(super::CliError::write(&args.out))?;
    Ok(vec![args.out.clone()])
}

/// Says why there is no report; a database failure is an error, the rest exit 1.
fn refuse(out: &Output, plan: &PlanCode, refusal: ExportError) -> anyhow::Result<ExitCode> {
    let code = plan.as_str();
    let message = match &refusal {
        ExportError::UnknownPlan(_) => out.text(Text::PlanNotFound { code }),
        ExportError::NoPeriods(_) => out.report(ReportText::NoPeriods { code }),
        ExportError::UnknownPeriod { typed, periods } => out.report(ReportText::UnknownPeriod {
            typed,
            code,
            choices: &export::period::choices(periods),
        }),
        ExportError::Store(_) => return Err(refusal.into()),
    };
    eprintln!("{message}");
    Ok(ExitCode::FAILURE)
}
