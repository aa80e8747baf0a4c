//! How tasks look in chat, the buttons under them, and what the buttons' data mean.

use serde::{Deserialize, Serialize};
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::chat::telegram::button;
pub use crate::chat::Callback;
use crate::chat::Keyboard;

use crate::domain::text::ellipsize;
use crate::domain::{
    AssignmentId, CaseHopId, CaseId, PeriodId, PersonId, StatusUpdateId, UnitId, UpdateId,
};
use crate::messages::{BotText, Lang, Text};
use chrono::NaiveDate;

use crate::store::{AssignmentCard, ReportDue};

/// Items per `/viec` or `/baocao` page: a screenful of one-line items on a small phone.
pub const PAGE_SIZE: usize = 8;

/// What the bot is waiting for from someone, kept in the database between updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "waiting", rename_all = "snake_case")]
pub enum Waiting {
    /// A note for status update `status_update_id`, already recorded (its reason, for a
    /// blocked task). Answered by a reply to its question, or plain text within
    /// [`QUESTION_TTL_MINUTES`] with no command in between.
    Note {
        status_update_id: StatusUpdateId,
        person_id: PersonId,
    },
    /// «Đúng» / «Không phải» for what the bot read in a free text (`token`: its update id).
    Proposal {
        token: UpdateId,
        actions: Vec<Proposed>,
    },
    File {
        assignment_id: AssignmentId,
        person_id: PersonId,
    },
    Report {
        period_id: PeriodId,
        unit_id: UnitId,
        person_id: PersonId,
    },
    /// A citizen's case being logged by the hotline.
    Case { draft: Box<super::hotline::Draft> },
    /// Why a case is not the unit's.
    HopReason {
        hop_id: CaseHopId,
        person_id: PersonId,
    },
    /// The unit's answer to a case.
    HopAnswer {
        hop_id: CaseHopId,
        person_id: PersonId,
    },
    /// The unit to send an existing case to.
    Route {
        case_id: CaseId,
        draft: Box<super::hotline::Draft>,
        /// Moving the case: the units holding it are relieved (absent in older states: add).
        #[serde(default)]
        withdraw: bool,
    },
}

/// How long a question waits for plain text (a reply to it is always its answer).
pub const QUESTION_TTL_MINUTES: i64 = 10;

pub use crate::answers::Proposed;

/// A task card: plan and dimension, the task, the unit, due date and status.
/// `next_report` is the plan's next reporting deadline, shown so a task without a date of its
/// own ("Thường xuyên") still says when the unit must next report on it.
pub fn card_text(
    card: &AssignmentCard,
    next_report: Option<NaiveDate>,
    today: NaiveDate,
    lang: Lang,
) -> String {
    let mut lines = vec![format!(
        "📌 {} · {} {}",
        card.plan_code,
        card.task_code.as_deref().unwrap_or("·"),
        card.dimension
            .as_deref()
            .map(|d| ellipsize(d, 40))
            .unwrap_or_default()
    )];
    lines.push(ellipsize(&card.text, 300));
    lines.push(format!(
        "{}: {}",
        BotText::CardUnit.render(lang),
        card.unit.name
    ));
    let due = match card.due_date {
        Some(d) => d.format("%d/%m/%Y").to_string(),
        None => card.timeframe.clone(),
    };
    let overdue = overdue_days(card, today)
        .map(|days| format!(" · {}", BotText::Overdue { days }.render(lang)))
        .unwrap_or_default();
    lines.push(format!(
        "{}: {due}{overdue} · {}: {}",
        BotText::CardDue.render(lang),
        BotText::CardStatus.render(lang),
        Text::Status(card.status).render(lang)
    ));
    if let Some(next) = next_report {
        let next = next.format("%d/%m/%Y").to_string();
        lines.push(BotText::NextReport { on: &next }.render(lang));
    }
    lines.join("\n")
}

pub use crate::answers::overdue_days;

/// The `/viec` list: one numbered line per task of page `page` (numbers count from the first
/// page, as free text refers to them), a number button per item, and the page buttons.
pub fn task_list(
    cards: &[AssignmentCard],
    page: usize,
    today: NaiveDate,
    lang: Lang,
) -> (String, InlineKeyboardMarkup) {
    let pages = cards.len().div_ceil(PAGE_SIZE).max(1);
    let page = page.min(pages - 1);
    let mut lines = vec![BotText::TaskList {
        count: cards.len(),
        page: page + 1,
        pages,
    }
    .render(lang)];
    let mut numbers = Vec::new();
    for (index, card) in cards
        .iter()
        .enumerate()
        .skip(page * PAGE_SIZE)
        .take(PAGE_SIZE)
    {
        let number = index + 1;
        lines.push(crate::answers::task_line(number, card, today, lang));
        numbers.push(button(
            number.to_string(),
            Callback::Open(card.assignment_id),
        ));
    }
    let mut rows: Vec<Vec<InlineKeyboardButton>> =
        numbers.chunks(4).map(|row| row.to_vec()).collect();
    rows.extend(page_row(page, pages, lang, Callback::Page));
    (lines.join("\n"), InlineKeyboardMarkup::new(rows))
}

/// «‹ Trước» / «Sau ›», when there is more than one page.
fn page_row(
    page: usize,
    pages: usize,
    lang: Lang,
    to: fn(usize) -> Callback,
) -> Option<Vec<InlineKeyboardButton>> {
    let mut row = Vec::new();
    if page > 0 {
        row.push(button(BotText::ButtonPrev.render(lang), to(page - 1)));
    }
    if page + 1 < pages {
        row.push(button(BotText::ButtonNext.render(lang), to(page + 1)));
    }
    (!row.is_empty()).then_some(row)
}

/// The `/baocao` list: one numbered line per owed report, a «Nộp báo cáo» button per item.
pub fn report_list(
    reports: &[ReportDue],
    page: usize,
    today: NaiveDate,
    lang: Lang,
) -> (String, InlineKeyboardMarkup) {
    let pages = reports.len().div_ceil(PAGE_SIZE).max(1);
    let page = page.min(pages - 1);
    let mut lines = vec![BotText::ReportList {
        count: reports.len(),
    }
    .render(lang)];
    if pages > 1 {
        lines[0].push_str(&format!(
            " {}",
            BotText::Page {
                page: page + 1,
                pages
            }
            .render(lang)
        ));
    }
    let mut rows = Vec::new();
    for (index, report) in reports
        .iter()
        .enumerate()
        .skip(page * PAGE_SIZE)
        .take(PAGE_SIZE)
    {
        let number = index + 1;
        lines.push(format!(
            "{number}. {}",
            report_text(report, today, lang).replace('\n', " · ")
        ));
        rows.push(vec![button(
            format!("{number}. {}", BotText::ButtonSubmit.render(lang)),
            Callback::Report {
                period_id: report.period_id,
                unit_id: report.unit.id,
            },
        )]);
    }
    rows.extend(page_row(page, pages, lang, Callback::ReportPage));
    (lines.join("\n"), InlineKeyboardMarkup::new(rows))
}

/// «Bỏ qua» under the note question of status update `status_update_id`.
pub fn skip_note_keyboard(status_update_id: StatusUpdateId, lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![button(
        BotText::Skip.render(lang),
        Callback::SkipNote(status_update_id),
    )]])
}

/// «Đúng» / «Không phải» under a proposal.
pub fn proposal_keyboard(token: UpdateId, lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![
        button(
            BotText::ButtonYes.render(lang),
            Callback::Proposal { token, yes: true },
        ),
        button(
            BotText::ButtonNo.render(lang),
            Callback::Proposal { token, yes: false },
        ),
    ]])
}

/// The four buttons under a task card.
pub fn card_keyboard(assignment_id: AssignmentId, lang: Lang) -> InlineKeyboardMarkup {
    let card = Keyboard::TaskCard {
        assignment: assignment_id,
    };
    crate::chat::telegram::render(&card.in_lang(lang))
}

/// One owed report: what, for which unit, by when, and where it stands.
pub fn report_text(report: &ReportDue, today: NaiveDate, lang: Lang) -> String {
    let state = match report.submitted_at {
        Some(at) => BotText::ReportSubmitted {
            on: at.format("%d/%m/%Y").to_string(),
        },
        None if report.due_date < today => BotText::ReportOverdue,
        None => BotText::ReportPending,
    };
    format!(
        "🗓 {} · {}\n{}: {}\n{}: {} · {}",
        report.plan_code,
        report.label,
        BotText::CardUnit.render(lang),
        report.unit.name,
        BotText::CardDue.render(lang),
        report.due_date.format("%d/%m/%Y"),
        state.render(lang)
    )
}
