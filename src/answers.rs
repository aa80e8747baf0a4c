//! What people's typed answers mean, whichever messenger they came from: free text read as
//! status claims (`domain::status_text`) turned into a [`Proposed`] list against the person's
//! open items, the lines that ask «Đúng?» about it, what a confirmed proposal records, and
//! the lines that confirm what was recorded. The Telegram bot (`bot::tasks`) and the Zalo
//! conversation (`zalo::conversation`) both call these, so a text means the same on both.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::status_text::{Claim, ItemRef, StatusClaim};
use crate::domain::{AssignmentId, AssignmentStatus, PeriodId, PersonId, StatusUpdateId, UnitId};
use crate::messages::{BotText, Lang};
use crate::store::{
    Applied, AssignmentCard, BotAction, Member, ReportDue, StatusReply, Store, StoreError,
    Submission,
};

/// One thing a confirmed proposal records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Proposed {
    Status {
        assignment_id: AssignmentId,
        status: AssignmentStatus,
        note: String,
        person_id: PersonId,
    },
    Submit {
        period_id: PeriodId,
        unit_id: UnitId,
        body: String,
        person_id: PersonId,
    },
    Note {
        status_update_id: StatusUpdateId,
        note: String,
        person_id: PersonId,
    },
}

/// Days past an open task's due date, if it is past.
pub fn overdue_days(card: &AssignmentCard, today: NaiveDate) -> Option<i64> {
    let due = card.due_date?;
    (card.status != AssignmentStatus::Done && due < today).then(|| (today - due).num_days())
}

/// One line of the open tasks list, numbered as free text refers to it: the same on
/// Telegram's `/viec` and Zalo's `viec`.
pub fn task_line(number: usize, card: &AssignmentCard, today: NaiveDate, lang: Lang) -> String {
    let overdue = overdue_days(card, today)
        .map(|days| format!(" · ‼ {}", BotText::Overdue { days }.render(lang)))
        .unwrap_or_default();
    format!(
        "{number}. {} · {} {} – {}{overdue}",
        card.plan_code,
        card.task_code.as_deref().unwrap_or("·"),
        crate::domain::text::ellipsize(&card.text, 50),
        crate::messages::Text::Status(card.status).render(lang)
    )
}

/// The member through whom a person may act on `card`: one of their own units.
pub fn member_for<'m>(members: &'m [Member], card: &AssignmentCard) -> Option<&'m Member> {
    members.iter().find(|m| m.unit.id == card.unit.id)
}

/// The status a claim sets.
pub fn claimed_status(claim: Claim) -> AssignmentStatus {
    match claim {
        Claim::Done | Claim::Submitted => AssignmentStatus::Done,
        Claim::InProgress => AssignmentStatus::InProgress,
        Claim::Blocked => AssignmentStatus::Blocked,
    }
}

/// The one open task `item` names among `tasks` (the `/viec` list, in its order): a number
/// of the list, or a task's own dotted number when exactly one task has it. None otherwise.
pub fn task_named<'t>(tasks: &'t [AssignmentCard], item: &ItemRef) -> Option<&'t AssignmentCard> {
    match item {
        ItemRef::Number(n) => tasks.get((*n as usize).wrapping_sub(1)),
        ItemRef::Code(code) => {
            let mut found = tasks
                .iter()
                .filter(|c| c.task_code.as_deref() == Some(code.as_str()));
            let first = found.next()?;
            found.next().is_none().then_some(first)
        }
        ItemRef::Report(_) => None,
    }
}

/// The unsent reports of `units` whose name answers to `words` ("quy", "quy 1"), the one due
/// nearest `today` first.
pub async fn reports_named(
    store: &Store,
    units: &[UnitId],
    words: &str,
    today: NaiveDate,
) -> Result<Vec<ReportDue>, StoreError> {
    let mut matching: Vec<ReportDue> = store
        .reports_owed(units)
        .await?
        .into_iter()
        .filter(|r| r.submitted_at.is_none())
        .filter(|r| crate::domain::status_text::report_matches(&r.label, words))
        .collect();
    matching.sort_by_key(|r| (r.due_date - today).num_days().abs());
    Ok(matching)
}

/// What `claims` (read from `body`) would record for `members`, and the items that name
/// nothing of theirs. Numbers are the `/viec` list's; a dotted number is a task's own number.
pub async fn read_claims(
    store: &Store,
    members: &[Member],
    claims: &[StatusClaim],
    body: &str,
    today: NaiveDate,
) -> Result<(Vec<Proposed>, Vec<String>), StoreError> {
    let unit_ids: Vec<UnitId> = members.iter().map(Member::unit_id).collect();
    let tasks = store.open_assignments(&unit_ids).await?;
    let mut actions = Vec::new();
    let mut unknown = Vec::new();
    for claim in claims {
        if let ItemRef::Report(words) = &claim.item {
            // "báo cáo quý" with two quarterly reports open: the one due nearest today,
            // named in the proposal for the person to confirm.
            let reports = reports_named(store, &unit_ids, words, today).await?;
            let submit = reports.first().and_then(|report| {
                let member = members.iter().find(|m| m.unit.id == report.unit.id)?;
                Some(Proposed::Submit {
                    period_id: report.period_id,
                    unit_id: report.unit.id,
                    body: body.trim().to_string(),
                    person_id: member.person_id(),
                })
            });
            match submit {
                Some(submit) => actions.push(submit),
                None => unknown.push(claim.item.to_string()),
            }
            continue;
        }
        let Some(card) = task_named(&tasks, &claim.item) else {
            unknown.push(claim.item.to_string());
            continue;
        };
        let Some(member) = member_for(members, card) else {
            unknown.push(claim.item.to_string());
            continue;
        };
        actions.push(Proposed::Status {
            assignment_id: card.assignment_id,
            status: claimed_status(claim.claim),
            note: claim.note.clone(),
            person_id: member.person_id(),
        });
    }
    Ok((actions, unknown))
}

/// The lines of a proposal: what each action would record, then the items not found.
pub async fn proposal_lines(
    store: &Store,
    actions: &[Proposed],
    unknown: &[String],
    lang: Lang,
) -> Result<Vec<String>, StoreError> {
    let mut lines = Vec::new();
    for action in actions {
        match action {
            Proposed::Status {
                assignment_id,
                status,
                note,
                ..
            } => {
                let Some(card) = store.assignment_card(*assignment_id).await? else {
                    continue;
                };
                lines.push(
                    BotText::ProposeStatus {
                        task: &card.title(),
                        status: *status,
                    }
                    .render(lang),
                );
                if !note.is_empty() {
                    lines.push(BotText::ProposeNote { note }.render(lang));
                }
            }
            Proposed::Submit {
                period_id, unit_id, ..
            } => {
                if let Some(report) = store.report_due(*period_id, *unit_id).await? {
                    lines.push(
                        BotText::ProposeReport {
                            report: &report.label,
                            unit: &report.unit.name,
                        }
                        .render(lang),
                    );
                }
            }
            Proposed::Note {
                status_update_id,
                note,
                ..
            } => {
                let Some(update) = store.status_update(*status_update_id).await? else {
                    continue;
                };
                let Some(card) = store.assignment_card(update.assignment_id).await? else {
                    continue;
                };
                lines.push(
                    BotText::ConfirmNote {
                        task: &card.title(),
                        note: &crate::domain::text::ellipsize(note, 200),
                    }
                    .render(lang),
                );
            }
        }
    }
    for item in unknown {
        lines.push(BotText::ProposeUnknown { item }.render(lang));
    }
    Ok(lines)
}

/// What a confirmed proposal records: its actions for the person's own memberships only (a
/// membership may have ended since it was proposed).
pub fn confirmed_actions(actions: &[Proposed], members: &[Member]) -> Vec<BotAction> {
    let own_person = |person_id: PersonId| members.iter().any(|m| m.person_id() == person_id);
    let mut store_actions = Vec::new();
    for action in actions {
        match action {
            Proposed::Status {
                assignment_id,
                status,
                note,
                person_id,
            } if own_person(*person_id) => store_actions.push(BotAction::Status(StatusReply {
                assignment_id: *assignment_id,
                status: *status,
                note: note.clone(),
                person_id: *person_id,
                telegram_message_id: None,
                attachment: None,
            })),
            Proposed::Submit {
                period_id,
                unit_id,
                body,
                person_id,
            } if own_person(*person_id) => store_actions.push(BotAction::Submit(Submission {
                period_id: *period_id,
                unit_id: *unit_id,
                person_id: *person_id,
                body: body.clone(),
                telegram_message_id: None,
                attachment: None,
            })),
            Proposed::Note {
                status_update_id,
                note,
                person_id,
            } if own_person(*person_id) => store_actions.push(BotAction::Note {
                status_update_id: *status_update_id,
                person_id: *person_id,
                note: note.clone(),
                attachment: None,
            }),
            _ => {}
        }
    }
    store_actions
}

/// The confirmation of what `actions` recorded (`applied`), counted into `metrics`.
pub async fn applied_lines(
    store: &Store,
    metrics: &crate::ops::Metrics,
    actions: &[BotAction],
    applied: &[Applied],
    lang: Lang,
) -> Result<Vec<String>, StoreError> {
    let mut lines = Vec::new();
    for done in applied {
        match done {
            Applied::Status(update) | Applied::Noted(update) => {
                metrics.status_reply_recorded();
                if let Some(card) = store.assignment_card(update.assignment_id).await? {
                    let task = card.title();
                    lines.push(match done {
                        Applied::Noted(_) => BotText::NoteAdded { task: &task }.render(lang),
                        _ => BotText::Recorded {
                            task: &task,
                            status: update.status,
                        }
                        .render(lang),
                    });
                }
            }
            Applied::Submitted(_) => metrics.report_recorded(),
            Applied::Filed => {}
        }
    }
    for action in actions {
        if let BotAction::Submit(s) = action {
            if let Some(report) = store.report_due(s.period_id, s.unit_id).await? {
                lines.push(
                    BotText::ReportReceived {
                        report: &report.label,
                        unit: &report.unit.name,
                    }
                    .render(lang),
                );
            }
        }
    }
    Ok(lines)
}

/// Which of a person's memberships `/nhom CODE` binds a group to: the one of unit `CODE`
/// (any case), or with no code the only one; None when the person must name it.
pub fn membership_for_group<'a>(
    members: &'a [crate::store::Member],
    code: &str,
) -> Option<&'a crate::store::Member> {
    match (code.is_empty(), members) {
        (true, [only]) => Some(only),
        (true, _) => None,
        (false, _) => members
            .iter()
            .find(|m| m.unit.code.as_str().eq_ignore_ascii_case(code)),
    }
}
