//! Overviews: `/viec` and `/baocao` lists, `/tinhhinh`, `/tonghop`, `/quahan`.

use teloxide::prelude::*;

use super::cards::{self};
use super::send::{say, show, tell, HandlerResult};
use super::App;
use crate::domain::text::{split_message, TELEGRAM_TEXT_LIMIT};
use crate::domain::unit::{subtree, Unit};
use crate::domain::{AssignmentId, AssignmentStatus, EscalationStep, UnitId, UnitKind};
use crate::messages::BotText;
use crate::store::{AssignmentCard, Member};

/// The open tasks of all the user's units as one numbered list, page `page` (0-based): sent,
/// or with `edit`, written over that message (the page buttons).
pub(super) async fn send_task_page(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    members: &[Member],
    page: usize,
    edit: Option<teloxide::types::MessageId>,
) -> HandlerResult {
    let unit_ids: Vec<UnitId> = members.iter().map(Member::unit_id).collect();
    let cards = app.store.open_assignments(&unit_ids).await?;
    if cards.is_empty() {
        tell(bot, app, chat, BotText::NoOpenTasks).await?;
        return Ok(());
    }
    let (text, keyboard) = cards::task_list(&cards, page, app.today(), app.lang);
    show(app, bot, chat, text, keyboard, edit).await
}

/// Units listed in one `/tinhhinh` message: a screenful.
pub(super) const OVERVIEW_LINES: usize = 30;

/// The units a member watches: a coordinating office everything under its parent (the city
/// or province it serves), a province or district everything under it, anyone else their own
/// unit. Tasks their units lead are added by the store.
pub(super) fn watched_units(members: &[Member], units: &[Unit]) -> Vec<UnitId> {
    let mut watched = std::collections::BTreeSet::new();
    for member in members {
        let Some(index) = units.iter().position(|u| UnitId(u.id) == member.unit.id) else {
            continue;
        };
        let root = match member.unit.kind {
            UnitKind::CoordinatingOffice => units[index]
                .parent
                .as_ref()
                .and_then(|p| units.iter().position(|u| &u.code == p))
                .unwrap_or(index),
            _ => index,
        };
        watched.extend(
            subtree(units, root)
                .into_iter()
                .map(|i| UnitId(units[i].id)),
        );
    }
    watched.into_iter().collect()
}

/// `/tinhhinh [UNIT]`: progress of the units a member watches, or the open tasks of one.
pub(super) async fn send_overview(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    members: &[Member],
    unit_code: &str,
) -> HandlerResult {
    let units = app.store.list_units().await?;
    let lead_ids: Vec<UnitId> = members.iter().map(Member::unit_id).collect();
    let progress = app
        .store
        .unit_progress(&watched_units(members, &units), &lead_ids)
        .await?;
    if !unit_code.is_empty() {
        let Some(unit) = progress
            .iter()
            .find(|p| p.unit.code.as_str().eq_ignore_ascii_case(unit_code))
        else {
            tell(bot, app, chat, BotText::UnitNotVisible).await?;
            return Ok(());
        };
        let cards = app.store.open_assignments(&[unit.unit.id]).await?;
        let mut lines = vec![BotText::OverviewLine {
            unit: &unit.unit.name,
            done: unit.done,
            in_progress: unit.in_progress,
            blocked: unit.blocked,
            not_started: unit.not_started,
        }
        .render(app.lang)];
        let shown: Vec<&AssignmentCard> = cards.iter().take(OVERVIEW_LINES).collect();
        let blocked: Vec<AssignmentId> = shown
            .iter()
            .filter(|c| c.status == AssignmentStatus::Blocked)
            .map(|c| c.assignment_id)
            .collect();
        let notes = app.store.latest_notes(&blocked).await?;
        lines.extend(shown.iter().map(|c| {
            let status = match (c.status, notes.get(&c.assignment_id)) {
                // Blocked at the press, the reason not yet sent: say so.
                (AssignmentStatus::Blocked, Some(note)) if !note.trim().is_empty() => format!(
                    "{} – {}",
                    crate::messages::Text::Status(c.status).render(app.lang),
                    crate::domain::text::ellipsize(note, 80)
                ),
                (AssignmentStatus::Blocked, _) => BotText::BlockedNoReason.render(app.lang),
                (status, _) => crate::messages::Text::Status(status).render(app.lang),
            };
            format!("– {}: {status}", c.title())
        }));
        let steps = app.store.escalations_of(&[unit.unit.id.get()]).await?;
        if !steps.is_empty() {
            let count = |step| steps.iter().filter(|(_, _, _, s)| *s == step).count();
            lines.push(
                crate::messages::ChaseText::EscalationSummary {
                    nudged: count(EscalationStep::Nudge),
                    heads: count(EscalationStep::Heads),
                    office: count(EscalationStep::Office),
                }
                .render(app.lang),
            );
        }
        say(app, bot, chat, lines.join("\n"), None, None).await?;
        return Ok(());
    }
    if progress.is_empty() {
        tell(bot, app, chat, BotText::NothingToOverview).await?;
        return Ok(());
    }
    let mut lines = vec![BotText::OverviewHeader {
        units: progress.len(),
    }
    .render(app.lang)];
    for p in progress.iter().take(OVERVIEW_LINES) {
        let line = BotText::OverviewLine {
            unit: &p.unit.name,
            done: p.done,
            in_progress: p.in_progress,
            blocked: p.blocked,
            not_started: p.not_started,
        };
        lines.push(line.render(app.lang));
    }
    if progress.len() > OVERVIEW_LINES {
        lines.push(
            BotText::OverviewMore {
                units: progress.len() - OVERVIEW_LINES,
            }
            .render(app.lang),
        );
    }
    // Units of theirs no one can be told in (never reminded), and unreachable members.
    let watched: std::collections::HashSet<UnitId> =
        watched_units(members, &units).into_iter().collect();
    let gaps = app.store.reach_gaps().await?.within(&watched);
    let gap_lines = crate::scheduler::digest::reach_gap_lines(&gaps, 10, app.time_zone, app.lang);
    if !gap_lines.is_empty() {
        lines.push(String::new());
        lines.extend(gap_lines);
    }
    say(app, bot, chat, lines.join("\n"), None, None).await?;
    Ok(())
}

/// `/tonghop` (the daily digest, now) or `/quahan` (overdue items only), in as many
/// messages as it takes, split at line ends.
pub(super) async fn send_digest(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    members: &[Member],
    overdue_only: bool,
) -> HandlerResult {
    // A coordinator's view wins over a lead unit's, which wins over a unit's own.
    let Some(member) = members
        .iter()
        .find(|m| m.person.role == crate::domain::PersonRole::Coordinator)
        .or_else(|| members.first())
    else {
        return Ok(());
    };
    let text = crate::scheduler::digest_on_demand(
        &app.store,
        &app.rules,
        member,
        app.clock.now(),
        overdue_only,
        app.lang,
    )
    .await?;
    for part in split_message(&text, TELEGRAM_TEXT_LIMIT) {
        say(app, bot, chat, part, None, None).await?;
    }
    Ok(())
}

/// `/baocao`: every report the member's units owe, as one numbered list with a «Nộp báo
/// cáo» button per item.
pub(super) async fn send_reports(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    members: &[Member],
    page: usize,
    edit: Option<teloxide::types::MessageId>,
) -> HandlerResult {
    let unit_ids: Vec<UnitId> = members.iter().map(Member::unit_id).collect();
    let reports = app.store.reports_owed(&unit_ids).await?;
    if reports.is_empty() {
        tell(bot, app, chat, BotText::NoReportsOwed).await?;
        return Ok(());
    }
    let (text, keyboard) = cards::report_list(&reports, page, app.today(), app.lang);
    show(app, bot, chat, text, keyboard, edit).await
}
