//! The operator's commands for chasing: `tick`, `outbox status|retry`, `plan ladder`.

use std::process::ExitCode;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

use super::Output;
use crate::config::Config;
use crate::domain::{Actor, DeliveryState, Ladder, MessageKind};
use crate::messages::OpsText;
use crate::outbox::Doorbell;
use crate::scheduler::{Rules, Scheduler};
use crate::store::Store;
use clap::Subcommand;

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

/// `2026-06-08T08:00` (province time), or with seconds or an offset.
pub fn parse_instant(raw: &str, config: &Config) -> anyhow::Result<DateTime<Utc>> {
    let raw = raw.trim();
    // With an offset: RFC 3339, seconds optional (2026-06-08T08:00+07:00).
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(raw) {
        return Ok(with_offset.with_timezone(&Utc));
    }
    if let Ok(with_offset) = DateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M%:z") {
        return Ok(with_offset.with_timezone(&Utc));
    }
    let local = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
    .ok_or_else(|| {
        super::CliError::Said(OpsText::BadInstant { raw }.render(config.province.language))
    })?;
    local_instant(local, config)
}

fn local_instant(local: NaiveDateTime, config: &Config) -> anyhow::Result<DateTime<Utc>> {
    config
        .province
        .time_zone
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            super::CliError::Said(
                OpsText::BadInstant {
                    raw: &local.to_string(),
                }
                .render(config.province.language),
            )
            .into()
        })
}

/// `tick --at`: the forms `export --as-of` reads (2026-06-08, 08/06/2026, 2026-06-08T08:00,
/// with an offset); a day alone means the start of its working hours, when a pass does the
/// day's work (the header says which instant was taken).
pub fn parse_tick_instant(raw: &str, config: &Config) -> anyhow::Result<DateTime<Utc>> {
    match crate::domain::calendar::parse_date(raw.trim()) {
        Some(day) => local_instant(day.and_time(config.schedule.working_hours.start), config),
        None => parse_instant(raw, config),
    }
}

/// `dondoc tick --at … [--dry-run]`: one scheduler pass as if it were that instant.
pub async fn tick(
    store: &Store,
    config: &Config,
    out: &Output,
    at: &str,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let at = parse_tick_instant(at, config)?;
    let scheduler = Scheduler::new(
        store.clone(),
        Rules::from_config(config),
        Doorbell::default(),
    );
    let report = scheduler.pass_whole(at, dry_run).await?;
    let local = at.with_timezone(&config.province.time_zone);
    println!(
        "{}",
        out.ops(OpsText::TickHeader {
            at: &local.format("%d/%m/%Y %H:%M").to_string(),
            working_time: report.working_time,
            digest: report.digest_due,
        })
    );
    for message in &report.messages {
        println!(
            "{}",
            out.ops(OpsText::TickMessage {
                kind: message.kind,
                chat: message.chat_id,
                key: &message.key,
            })
        );
        for line in message.body.lines() {
            println!("    {line}");
        }
    }
    let summary = if dry_run {
        OpsText::TickDryRun {
            messages: report.messages.len(),
            escalations: report.escalations.len(),
        }
    } else {
        OpsText::TickDone {
            queued: report.queued,
            escalations: report.new_escalations,
        }
    };
    println!("{}", out.ops(summary));
    Ok(ExitCode::SUCCESS)
}

/// `dondoc outbox status`.
pub async fn outbox_status(
    store: &Store,
    config: &Config,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    let summary = store.outbox_summary().await?;
    let mut rows = vec![crate::messages::Table::Outbox.header(out.lang)];
    let cells = |label: String, counts: &[i64]| {
        std::iter::once(label)
            .chain(counts.iter().map(i64::to_string))
            .collect::<Vec<String>>()
    };
    for kind in MessageKind::ALL {
        let count = |state| {
            summary
                .counts
                .iter()
                .filter(|c| c.kind == kind && c.state == state)
                .map(|c| c.count)
                .sum::<i64>()
        };
        let row: Vec<i64> = DeliveryState::ALL.iter().map(|s| count(*s)).collect();
        if row.iter().any(|n| *n > 0) {
            rows.push(cells(kind.as_str().to_string(), &row));
        }
    }
    let totals: Vec<i64> = DeliveryState::ALL
        .iter()
        .map(|s| summary.total(*s))
        .collect();
    rows.push(cells(out.ops(OpsText::Total), &totals));
    let right = [false, true, true, true, true, true];
    for line in super::aligned(&rows, &right) {
        println!("{line}");
    }
    if let Some(oldest) = summary.oldest_queued {
        let age = Utc::now() - oldest;
        println!(
            "{}",
            out.ops(OpsText::OldestQueued {
                minutes: age.num_minutes().max(0)
            })
        );
    }
    // A long queue at night is the sender waiting for office hours, not a stuck sender.
    let held = summary
        .counts
        .iter()
        .any(|c| c.state == DeliveryState::Queued && c.kind.waits_for_office_hours());
    if held && config.outbox.working_hours_only {
        let mut office = crate::outbox::OfficeHours::new(
            config.schedule.working_hours,
            config.province.time_zone,
        );
        if let Some(opening) = office.opens_at(store).await? {
            println!(
                "{}",
                out.ops(OpsText::HeldUntil {
                    at: &opening.format("%H:%M %d/%m/%Y").to_string()
                })
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `dondoc outbox retry`: failed messages queued again.
pub async fn outbox_retry(store: &Store, out: &Output, actor: &Actor) -> anyhow::Result<ExitCode> {
    let requeued = store.retry_failed_messages(actor).await?;
    println!("{}", out.ops(OpsText::Requeued { messages: requeued }));
    Ok(ExitCode::SUCCESS)
}

/// `dondoc outbox prune [--older-than-days N]`.
pub async fn outbox_prune(
    store: &Store,
    config: &Config,
    out: &Output,
    days: Option<u32>,
    actor: &Actor,
) -> anyhow::Result<ExitCode> {
    let mut checked = config.clone();
    if let Some(days) = days {
        checked.outbox.keep_days = days;
    }
    let problems: Vec<_> = checked
        .problems()
        .into_iter()
        .filter(|p| p.key == "outbox.keep_days")
        .collect();
    if !problems.is_empty() {
        for problem in problems {
            eprintln!(
                "{}",
                out.ops(OpsText::ConfigProblem {
                    key: problem.key,
                    kind: &problem.kind
                })
            );
        }
        return Ok(ExitCode::FAILURE);
    }
    let days = checked.outbox.keep_days;
    let too_large = || super::CliError::TooLarge {
        option: "--older-than-days",
        value: days.to_string(),
    };
    let keep = chrono::Duration::try_days(i64::from(days)).ok_or_else(too_large)?;
    let before = store.now().checked_sub_signed(keep).ok_or_else(too_large)?;
    let messages = store.prune_outbox(before, actor).await?;
    println!("{}", out.ops(OpsText::Pruned { messages, days }));
    Ok(ExitCode::SUCCESS)
}

/// `dondoc plan ladder CODE [--nudge-after-days N] [--heads-after N] [--office-after N] [--default]`.
#[allow(clippy::too_many_arguments)]
pub async fn plan_ladder(
    store: &Store,
    config: &Config,
    out: &Output,
    code: &str,
    nudge: Option<u32>,
    heads: Option<u32>,
    office: Option<u32>,
    default: bool,
    actor: &Actor,
) -> anyhow::Result<ExitCode> {
    let Some(plan) = super::plan::find_plan(store, out, code).await? else {
        return Ok(ExitCode::FAILURE);
    };
    let current = store.plan_ladder(plan.id).await?;
    let changing = nudge.is_some() || heads.is_some() || office.is_some();
    if default {
        store.set_plan_ladder(plan.id, None, actor).await?;
    } else if changing {
        let base = current.unwrap_or(config.escalation);
        let ladder = Ladder {
            nudge_after_days: nudge.unwrap_or(base.nudge_after_days),
            heads_after_working_days: heads.unwrap_or(base.heads_after_working_days),
            office_after_working_days: office.unwrap_or(base.office_after_working_days),
        };
        if let Err(e) = ladder.validate() {
            eprintln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
        store.set_plan_ladder(plan.id, Some(&ladder), actor).await?;
    }
    let own = store.plan_ladder(plan.id).await?;
    let shown = own.unwrap_or(config.escalation);
    println!(
        "{}",
        out.ops(OpsText::Ladder {
            plan: &plan.code,
            nudge: shown.nudge_after_days,
            heads: shown.heads_after_working_days,
            office: shown.office_after_working_days,
            own: own.is_some(),
        })
    );
    Ok(ExitCode::SUCCESS)
}
