//! How tasks look in chat, the buttons under them, and what the buttons' data mean.

use serde::{Deserialize, Serialize};
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::domain::text::ellipsize;
use crate::domain::AssignmentStatus;
use crate::messages::{BotText, Lang, Text};
use chrono::NaiveDate;

use crate::store::{AssignmentCard, ReportDue};

/// Task cards per `/viec` page: a screenful on a small phone.
pub const PAGE_SIZE: usize = 5;

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
    Skip,
    Page(usize),
    Report {
        period_id: i64,
        unit_id: i64,
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
            _ => return None,
        };
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
    Note {
        assignment_id: i64,
        status: String,
        person_id: i64,
    },
    File {
        assignment_id: i64,
        person_id: i64,
    },
    Report {
        period_id: i64,
        unit_id: i64,
        person_id: i64,
    },
    /// A citizen's case being logged by the hotline.
    Case {
        draft: Box<super::hotline::Draft>,
    },
    /// Why a case is not the unit's.
    HopReason {
        hop_id: i64,
        person_id: i64,
    },
    /// The unit's answer to a case.
    HopAnswer {
        hop_id: i64,
        person_id: i64,
    },
    /// The unit to send an existing case to.
    Route {
        case_id: i64,
        draft: Box<super::hotline::Draft>,
        /// Moving the case: the units holding it are relieved (absent in older states: add).
        #[serde(default)]
        withdraw: bool,
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
pub fn card_text(card: &AssignmentCard, next_report: Option<NaiveDate>, lang: Lang) -> String {
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
    lines.push(format!(
        "{}: {due} · {}: {}",
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

pub fn report_keyboard(report: &ReportDue, lang: Lang) -> InlineKeyboardMarkup {
    report_button(report.period_id, report.unit.id, lang)
}

/// The "Nộp báo cáo" button for one unit's report of one period.
pub fn report_button(period_id: i64, unit_id: i64, lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback(
        BotText::ButtonSubmit.render(lang),
        Callback::Report { period_id, unit_id }.encode(),
    )]])
}

pub fn skip_keyboard(lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback(
        BotText::Skip.render(lang),
        Callback::Skip.encode(),
    )]])
}

pub fn next_page_keyboard(page: usize, lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback(
        BotText::NextPage.render(lang),
        Callback::Page(page).encode(),
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
