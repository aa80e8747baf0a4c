//! How tasks look in chat, the buttons under them, and what the buttons' data mean.

use serde::{Deserialize, Serialize};
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::domain::text::ellipsize;
use crate::domain::{AssignmentId, AssignmentStatus, PeriodId, PersonId, StatusUpdateId, UnitId};
use crate::messages::{BotText, Lang, Text};
use chrono::NaiveDate;

use crate::store::{AssignmentCard, ReportDue};

/// Items per `/viec` or `/baocao` page: a screenful of one-line items on a small phone.
pub const PAGE_SIZE: usize = 8;

/// What a button press asks for. Encoded in at most 64 bytes: ids, never text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callback {
    Status {
        assignment_id: i64,
        status: AssignmentStatus,
    },
    File {
        assignment_id: i64,
    },
    /// The «Bỏ qua» of a message older than issue 12, bound to nothing: closes nothing.
    Skip,
    Page(usize),
    Report {
        period_id: i64,
        unit_id: i64,
    },
    /// «Thêm ghi chú» under the confirmation of status update `0`.
    AddNote(i64),
    /// «Bỏ qua» under the note question of status update `0`.
    SkipNote(i64),
    /// An item number under the `/viec` list: its card with the status buttons.
    Open(i64),
    /// A page of the `/baocao` list.
    ReportPage(usize),
    /// File held file `held` with assignment `assignment_id`.
    FileTask {
        held: i64,
        assignment_id: i64,
    },
    /// File held file `held` with a unit's report of a period.
    FileReport {
        held: i64,
        period_id: i64,
        unit_id: i64,
    },
    /// Keep held file `0` with nothing.
    FileNone(i64),
    /// «Đúng» / «Không phải» under the proposal made for update `token`.
    Proposal {
        token: i64,
        yes: bool,
    },
}

impl Callback {
    pub fn encode(self) -> String {
        match self {
            Callback::Status {
                assignment_id,
                status,
            } => {
                let s = match status {
                    AssignmentStatus::Done => 'd',
                    AssignmentStatus::InProgress => 'p',
                    AssignmentStatus::Blocked => 'b',
                    AssignmentStatus::NotStarted => 'n',
                };
                format!("s:{assignment_id}:{s}")
            }
            Callback::File { assignment_id } => format!("f:{assignment_id}"),
            Callback::Skip => "skip".into(),
            Callback::Page(page) => format!("pg:{page}"),
            Callback::Report { period_id, unit_id } => format!("r:{period_id}:{unit_id}"),
            Callback::AddNote(id) => format!("nt:{id}"),
            Callback::SkipNote(id) => format!("sk:{id}"),
            Callback::Open(id) => format!("o:{id}"),
            Callback::ReportPage(page) => format!("rpg:{page}"),
            Callback::FileTask {
                held,
                assignment_id,
            } => format!("hf:{held}:a{assignment_id}"),
            Callback::FileReport {
                held,
                period_id,
                unit_id,
            } => format!("hf:{held}:r{period_id}-{unit_id}"),
            Callback::FileNone(held) => format!("hf:{held}:x"),
            Callback::Proposal { token, yes } => {
                format!("pr:{token}:{}", if yes { "y" } else { "n" })
            }
        }
    }

    pub fn decode(data: &str) -> Option<Self> {
        let mut parts = data.split(':');
        let callback = match (parts.next()?, parts.next(), parts.next()) {
            ("s", Some(id), Some(s)) => Callback::Status {
                assignment_id: id.parse().ok()?,
                status: match s {
                    "d" => AssignmentStatus::Done,
                    "p" => AssignmentStatus::InProgress,
                    "b" => AssignmentStatus::Blocked,
                    _ => return None,
                },
            },
            ("f", Some(id), None) => Callback::File {
                assignment_id: id.parse().ok()?,
            },
            ("skip", None, None) => Callback::Skip,
            ("pg", Some(page), None) => Callback::Page(page.parse().ok()?),
            ("r", Some(period), Some(unit)) => Callback::Report {
                period_id: period.parse().ok()?,
                unit_id: unit.parse().ok()?,
            },
            ("nt", Some(id), None) => Callback::AddNote(id.parse().ok()?),
            ("sk", Some(id), None) => Callback::SkipNote(id.parse().ok()?),
            ("o", Some(id), None) => Callback::Open(id.parse().ok()?),
            ("rpg", Some(page), None) => Callback::ReportPage(page.parse().ok()?),
            ("hf", Some(held), Some(target)) => {
                let held = held.parse().ok()?;
                if target == "x" {
                    Callback::FileNone(held)
                } else if let Some(id) = target.strip_prefix('a') {
                    Callback::FileTask {
                        held,
                        assignment_id: id.parse().ok()?,
                    }
                } else {
                    let (period, unit) = target.strip_prefix('r')?.split_once('-')?;
                    Callback::FileReport {
                        held,
                        period_id: period.parse().ok()?,
                        unit_id: unit.parse().ok()?,
                    }
                }
            }
            ("pr", Some(token), Some(answer)) => Callback::Proposal {
                token: token.parse().ok()?,
                yes: match answer {
                    "y" => true,
                    "n" => false,
                    _ => return None,
                },
            },
            _ => return None,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(callback)
    }
}

/// A hotline button's data: `k:ACTION[:ARG]` during intake or routing, `h:ACTION:HOP` a
/// unit's action on a case, `v:ACTION:CASE` the operator's (the action words are read in
/// `bot::hotline`). Never the same data as a [`Callback`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HotlineButton<'a> {
    /// `arg` is everything after the second `:`.
    Intake {
        action: &'a str,
        arg: Option<&'a str>,
    },
    Hop {
        action: &'a str,
        hop_id: i64,
    },
    Case {
        action: &'a str,
        case_id: i64,
    },
    /// `h:` or `v:` data whose id is not a number: a hotline button, but nothing to do.
    Stale,
}

impl<'a> HotlineButton<'a> {
    /// None when `data` is not a hotline button.
    pub fn decode(data: &'a str) -> Option<Self> {
        if data == "k" {
            return Some(HotlineButton::Intake {
                action: "",
                arg: None,
            });
        }
        if let Some(rest) = data.strip_prefix("k:") {
            let (action, arg) = match rest.split_once(':') {
                Some((action, arg)) => (action, Some(arg)),
                None => (rest, None),
            };
            return Some(HotlineButton::Intake { action, arg });
        }
        let mut parts = data.split(':');
        let (Some(kind), Some(action), Some(id), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let id = id.parse::<i64>();
        Some(match (kind, id) {
            ("h", Ok(hop_id)) => HotlineButton::Hop { action, hop_id },
            ("v", Ok(case_id)) => HotlineButton::Case { action, case_id },
            ("h" | "v", Err(_)) => HotlineButton::Stale,
            _ => return None,
        })
    }

    /// The data of a button; None for [`HotlineButton::Stale`], which no button carries.
    pub fn encode(self) -> Option<String> {
        Some(match self {
            HotlineButton::Intake { action, arg: None } => format!("k:{action}"),
            HotlineButton::Intake {
                action,
                arg: Some(arg),
            } => format!("k:{action}:{arg}"),
            HotlineButton::Hop { action, hop_id } => format!("h:{action}:{hop_id}"),
            HotlineButton::Case { action, case_id } => format!("v:{action}:{case_id}"),
            HotlineButton::Stale => return None,
        })
    }
}

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
    Proposal { token: i64, actions: Vec<Proposed> },
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
    HopReason { hop_id: i64, person_id: i64 },
    /// The unit's answer to a case.
    HopAnswer { hop_id: i64, person_id: i64 },
    /// The unit to send an existing case to.
    Route {
        case_id: i64,
        draft: Box<super::hotline::Draft>,
        /// Moving the case: the units holding it are relieved (absent in older states: add).
        #[serde(default)]
        withdraw: bool,
    },
}

/// How long a question waits for plain text (a reply to it is always its answer).
pub const QUESTION_TTL_MINUTES: i64 = 10;

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

/// "PAPI-2023 · 2.2 Thực hiện công khai…", the one-line name of a task in replies.
pub fn task_title(card: &AssignmentCard) -> String {
    let code = card.task_code.as_deref().unwrap_or("·");
    format!("{} · {code} {}", card.plan_code, ellipsize(&card.text, 60))
}

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

/// Days past an open task's due date, if it is past.
pub fn overdue_days(card: &AssignmentCard, today: NaiveDate) -> Option<i64> {
    let due = card.due_date?;
    (card.status != AssignmentStatus::Done && due < today).then(|| (today - due).num_days())
}

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
        let overdue = overdue_days(card, today)
            .map(|days| format!(" · ‼ {}", BotText::Overdue { days }.render(lang)))
            .unwrap_or_default();
        lines.push(format!(
            "{number}. {} · {} {} – {}{overdue}",
            card.plan_code,
            card.task_code.as_deref().unwrap_or("·"),
            ellipsize(&card.text, 50),
            Text::Status(card.status).render(lang)
        ));
        numbers.push(InlineKeyboardButton::callback(
            number.to_string(),
            Callback::Open(card.assignment_id.get()).encode(),
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
        row.push(InlineKeyboardButton::callback(
            BotText::ButtonPrev.render(lang),
            to(page - 1).encode(),
        ));
    }
    if page + 1 < pages {
        row.push(InlineKeyboardButton::callback(
            BotText::ButtonNext.render(lang),
            to(page + 1).encode(),
        ));
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
        rows.push(vec![InlineKeyboardButton::callback(
            format!("{number}. {}", BotText::ButtonSubmit.render(lang)),
            Callback::Report {
                period_id: report.period_id.get(),
                unit_id: report.unit.id,
            }
            .encode(),
        )]);
    }
    rows.extend(page_row(page, pages, lang, Callback::ReportPage));
    (lines.join("\n"), InlineKeyboardMarkup::new(rows))
}

/// «Thêm ghi chú» under the confirmation of status update `status_update_id`.
pub fn add_note_keyboard(status_update_id: i64, lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback(
        BotText::ButtonAddNote.render(lang),
        Callback::AddNote(status_update_id).encode(),
    )]])
}

/// «Bỏ qua» under the note question of status update `status_update_id`.
pub fn skip_note_keyboard(status_update_id: i64, lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback(
        BotText::Skip.render(lang),
        Callback::SkipNote(status_update_id).encode(),
    )]])
}

/// «Đúng» / «Không phải» under a proposal.
pub fn proposal_keyboard(token: i64, lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![
        InlineKeyboardButton::callback(
            BotText::ButtonYes.render(lang),
            Callback::Proposal { token, yes: true }.encode(),
        ),
        InlineKeyboardButton::callback(
            BotText::ButtonNo.render(lang),
            Callback::Proposal { token, yes: false }.encode(),
        ),
    ]])
}

/// The four buttons under a task card.
pub fn card_keyboard(assignment_id: i64, lang: Lang) -> InlineKeyboardMarkup {
    let button = |text: BotText, callback: Callback| {
        InlineKeyboardButton::callback(text.render(lang), callback.encode())
    };
    let status = |status| Callback::Status {
        assignment_id,
        status,
    };
    InlineKeyboardMarkup::new(vec![
        vec![
            button(BotText::ButtonDone, status(AssignmentStatus::Done)),
            button(
                BotText::ButtonInProgress,
                status(AssignmentStatus::InProgress),
            ),
        ],
        vec![
            button(BotText::ButtonBlocked, status(AssignmentStatus::Blocked)),
            button(BotText::ButtonDocument, Callback::File { assignment_id }),
        ],
    ])
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

/// The "Nộp báo cáo" button for one unit's report of one period.
pub fn report_button(period_id: i64, unit_id: i64, lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback(
        BotText::ButtonSubmit.render(lang),
        Callback::Report { period_id, unit_id }.encode(),
    )]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_data_round_trips_within_64_bytes() {
        for callback in [
            Callback::Status {
                assignment_id: i64::MAX,
                status: AssignmentStatus::Blocked,
            },
            Callback::File { assignment_id: 42 },
            Callback::Skip,
            Callback::Page(3),
            Callback::AddNote(i64::MAX),
            Callback::SkipNote(7),
            Callback::Open(i64::MAX),
            Callback::ReportPage(2),
            Callback::FileTask {
                held: i64::MAX,
                assignment_id: i64::MAX,
            },
            Callback::FileReport {
                held: i64::MAX,
                period_id: i64::MAX,
                unit_id: i64::MAX,
            },
            Callback::FileNone(3),
            Callback::Proposal {
                token: i64::MAX,
                yes: false,
            },
            Callback::Report {
                period_id: i64::MAX,
                unit_id: i64::MAX,
            },
        ] {
            let data = callback.encode();
            assert!(data.len() <= 64, "{data}");
            assert_eq!(Callback::decode(&data), Some(callback));
        }
        assert_eq!(Callback::decode("s:1:x"), None);
        assert_eq!(Callback::decode("rm -rf"), None);
    }

    #[test]
    fn hotline_data_decodes_as_the_hotline_writes_it() {
        let cases = [
            (
                "k:x",
                HotlineButton::Intake {
                    action: "x",
                    arg: None,
                },
            ),
            (
                "k:to:12",
                HotlineButton::Intake {
                    action: "to",
                    arg: Some("12"),
                },
            ),
            (
                "h:a:7",
                HotlineButton::Hop {
                    action: "a",
                    hop_id: 7,
                },
            ),
            (
                "v:in:9",
                HotlineButton::Case {
                    action: "in",
                    case_id: 9,
                },
            ),
        ];
        for (data, button) in cases {
            assert_eq!(HotlineButton::decode(data), Some(button));
            assert_eq!(button.encode().as_deref(), Some(data));
            assert_eq!(Callback::decode(data), None);
        }
        // A bare "k" and "k:to:1:2" are intake data; an id that is no number is ignored.
        assert!(HotlineButton::decode("k").is_some());
        assert_eq!(
            HotlineButton::decode("k:to:1:2"),
            Some(HotlineButton::Intake {
                action: "to",
                arg: Some("1:2")
            })
        );
        assert_eq!(HotlineButton::decode("h:a:x"), Some(HotlineButton::Stale));
        assert_eq!(HotlineButton::decode("h:a:1:2"), None);
        assert_eq!(HotlineButton::decode("v:in"), None);
        assert_eq!(HotlineButton::decode("s:1:d"), None);
        // Within Telegram's 64 bytes for every action at the largest id.
        for action in ["a", "r", "w", "in", "cl", "ro", "fw"] {
            for button in [
                HotlineButton::Hop {
                    action,
                    hop_id: i64::MIN,
                },
                HotlineButton::Case {
                    action,
                    case_id: i64::MIN,
                },
            ] {
                assert!(button.encode().is_some_and(|d| d.len() <= 64));
            }
        }
    }
}
