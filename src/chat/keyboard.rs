//! The buttons under a message, independent of the messenger: what a keyboard offers
//! ([`Keyboard`]), not how one messenger draws it, and what each press asks for
//! ([`Callback`]) with the one encoding of it into a button's data.
//!
//! - The outbox stores a [`Markup`] (serde JSON) with each message; the sending channel lays
//!   it out ([`Markup::rows`]) and draws it in its own terms (`chat::telegram::inline_keyboard`)
//!   only when the message is sent.
//! - A press's data holds ids and short words, never text, so every button fits Telegram's 64
//!   bytes. Data written by an older version (buttons under messages already in people's
//!   chats) decodes the same.

use serde::{Deserialize, Serialize};

use crate::domain::case::Channel;
use crate::domain::{
    AssignmentId, AssignmentStatus, CaseHopId, CaseId, HeldFileId, Lang, PeriodId, StatusUpdateId,
    UnitId, UpdateId,
};
use crate::messages::{BotText, HotlineText};

/// The keyboards queued with messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Keyboard {
    /// The four buttons under a task card: done, in progress, blocked, send a document.
    TaskCard { assignment: AssignmentId },
    /// «Nộp báo cáo» for one unit's report of one period.
    SubmitReport { period: PeriodId, unit: UnitId },
    /// A unit's three buttons under a case sent to it: accept, not ours, answer.
    CaseHop { hop: CaseHopId },
    /// The operator's buttons under a case, one a row.
    CaseOperator {
        case: CaseId,
        buttons: Vec<OperatorButton>,
    },
}

/// One of the operator's buttons: what it does and how it is labelled (sending to a unit
/// reads «Chuyển đơn vị» when no unit holds the case, «Thêm đơn vị» while one does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorButton {
    Informed,
    InformedClose,
    Route,
    AddUnit,
    Move,
    Reopen,
}

impl OperatorButton {
    fn label(self) -> HotlineText<'static> {
        match self {
            OperatorButton::Informed => HotlineText::ButtonInformed,
            OperatorButton::InformedClose => HotlineText::ButtonInformedClose,
            OperatorButton::Route | OperatorButton::Move => HotlineText::ButtonRoute,
            OperatorButton::AddUnit => HotlineText::ButtonAddUnit,
            OperatorButton::Reopen => HotlineText::ButtonReopen,
        }
    }

    fn action(self) -> OperatorAction {
        match self {
            OperatorButton::Informed => OperatorAction::Informed,
            OperatorButton::InformedClose => OperatorAction::Close,
            OperatorButton::Route | OperatorButton::AddUnit => OperatorAction::Forward,
            OperatorButton::Move => OperatorAction::Move,
            OperatorButton::Reopen => OperatorAction::Reopen,
        }
    }
}

/// A keyboard in the language of its labels: what an outbox row keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Markup {
    pub lang: Lang,
    pub keyboard: Keyboard,
}

/// One button as every channel can draw it: a label and what pressing it asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    pub callback: Callback,
}

impl Button {
    pub fn new(label: impl Into<String>, callback: Callback) -> Self {
        Self {
            label: label.into(),
            callback,
        }
    }
}

impl Keyboard {
    /// This keyboard with its labels in `lang`.
    pub fn in_lang(self, lang: Lang) -> Markup {
        Markup {
            lang,
            keyboard: self,
        }
    }
}

impl Markup {
    /// The buttons, row by row.
    pub fn rows(&self) -> Vec<Vec<Button>> {
        let lang = self.lang;
        match &self.keyboard {
            Keyboard::TaskCard { assignment } => {
                let assignment_id = *assignment;
                let status = |label: BotText, status| {
                    Button::new(
                        label.render(lang),
                        Callback::Status {
                            assignment_id,
                            status,
                        },
                    )
                };
                vec![
                    vec![
                        status(BotText::ButtonDone, AssignmentStatus::Done),
                        status(BotText::ButtonInProgress, AssignmentStatus::InProgress),
                    ],
                    vec![
                        status(BotText::ButtonBlocked, AssignmentStatus::Blocked),
                        Button::new(
                            BotText::ButtonDocument.render(lang),
                            Callback::File { assignment_id },
                        ),
                    ],
                ]
            }
            Keyboard::SubmitReport { period, unit } => vec![vec![Button::new(
                BotText::ButtonSubmit.render(lang),
                Callback::Report {
                    period_id: *period,
                    unit_id: *unit,
                },
            )]],
            Keyboard::CaseHop { hop } => [
                (HotlineText::ButtonAccept, HopAction::Accept),
                (HotlineText::ButtonNotOurs, HopAction::NotOurs),
                (HotlineText::ButtonAnswer, HopAction::Answer),
            ]
            .into_iter()
            .map(|(label, action)| {
                vec![Button::new(
                    label.render(lang),
                    Callback::Hop {
                        hop_id: *hop,
                        action,
                    },
                )]
            })
            .collect(),
            Keyboard::CaseOperator { case, buttons } => buttons
                .iter()
                .map(|button| {
                    vec![Button::new(
                        button.label().render(lang),
                        Callback::Case {
                            case_id: *case,
                            action: button.action(),
                        },
                    )]
                })
                .collect(),
        }
    }

    /// The stored form (serde JSON).
    pub fn to_json(&self) -> String {
        // A struct of ids, enums and a language: serialising it cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A unit's action on a case sent to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HopAction {
    /// «Tiếp nhận».
    Accept,
    /// «Không thuộc thẩm quyền»: asks why.
    NotOurs,
    /// «Trả lời»: asks for the answer.
    Answer,
}

/// The hotline operator's action on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorAction {
    /// The citizen was told the answer.
    Informed,
    /// The citizen was told; the case is closed.
    Close,
    /// Send the case to one more unit (or, with no unit holding it, to a unit).
    Forward,
    /// Move the case: the units holding it are relieved.
    Move,
    Reopen,
}

/// A button of the hotline's intake (`/phananh`) or of routing an existing case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intake {
    Cancel,
    Skip,
    Channel(Channel),
    /// The configured category at this index.
    Category(usize),
    Consent(bool),
    /// No more files.
    Done,
    /// The proposed unit is right.
    Agree,
    /// Another unit than the one proposed.
    OtherUnit,
    /// A commune picked as the place.
    Place(UnitId),
    /// A unit picked to send the case to.
    Unit(UnitId),
}

/// What a button press asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callback {
    Status {
        assignment_id: AssignmentId,
        status: AssignmentStatus,
    },
    File {
        assignment_id: AssignmentId,
    },
    /// The «Bỏ qua» of a message older than issue 12, bound to nothing: closes nothing.
    Skip,
    Page(usize),
    Report {
        period_id: PeriodId,
        unit_id: UnitId,
    },
    /// «Thêm ghi chú» under the confirmation of status update `0`.
    AddNote(StatusUpdateId),
    /// «Bỏ qua» under the note question of status update `0`.
    SkipNote(StatusUpdateId),
    /// An item number under the `/viec` list: its card with the status buttons.
    Open(AssignmentId),
    /// A page of the `/baocao` list.
    ReportPage(usize),
    /// File held file `held` with assignment `assignment_id`.
    FileTask {
        held: HeldFileId,
        assignment_id: AssignmentId,
    },
    /// File held file `held` with a unit's report of a period.
    FileReport {
        held: HeldFileId,
        period_id: PeriodId,
        unit_id: UnitId,
    },
    /// Keep held file `0` with nothing.
    FileNone(HeldFileId),
    /// «Đúng» / «Không phải» under the proposal made for update `token`.
    Proposal {
        token: UpdateId,
        yes: bool,
    },
    /// A unit's button under a case sent to it (hop `hop_id`).
    Hop {
        hop_id: CaseHopId,
        action: HopAction,
    },
    /// The operator's button under case `case_id`.
    Case {
        case_id: CaseId,
        action: OperatorAction,
    },
    /// A button of the hotline's questions.
    Intake(Intake),
    /// Hotline data that means nothing (an unknown action, an id that is no number): a
    /// hotline button all the same, so nothing is done and no hint is given.
    Stale,
}

fn status_letter(status: AssignmentStatus) -> char {
    match status {
        AssignmentStatus::Done => 'd',
        AssignmentStatus::InProgress => 'p',
        AssignmentStatus::Blocked => 'b',
        AssignmentStatus::NotStarted => 'n',
    }
}

impl HopAction {
    fn code(self) -> &'static str {
        match self {
            HopAction::Accept => "a",
            HopAction::NotOurs => "r",
            HopAction::Answer => "w",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        Some(match code {
            "a" => HopAction::Accept,
            "r" => HopAction::NotOurs,
            "w" => HopAction::Answer,
            _ => return None,
        })
    }
}

impl OperatorAction {
    fn code(self) -> &'static str {
        match self {
            OperatorAction::Informed => "in",
            OperatorAction::Close => "cl",
            OperatorAction::Forward => "fw",
            OperatorAction::Move => "mv",
            OperatorAction::Reopen => "ro",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        Some(match code {
            "in" => OperatorAction::Informed,
            "cl" => OperatorAction::Close,
            "fw" => OperatorAction::Forward,
            "mv" => OperatorAction::Move,
            "ro" => OperatorAction::Reopen,
            _ => return None,
        })
    }
}

impl Intake {
    fn encode(self) -> String {
        match self {
            Intake::Cancel => "k:x".into(),
            Intake::Skip => "k:sk".into(),
            Intake::Channel(channel) => format!("k:ch:{}", channel.as_str()),
            Intake::Category(index) => format!("k:ca:{index}"),
            Intake::Consent(yes) => format!("k:co:{}", u8::from(yes)),
            Intake::Done => "k:done".into(),
            Intake::Agree => "k:ok".into(),
            Intake::OtherUnit => "k:other".into(),
            Intake::Place(id) => format!("k:pl:{id}"),
            Intake::Unit(id) => format!("k:to:{id}"),
        }
    }

    /// `rest` is what follows `k:`.
    fn decode(rest: &str) -> Option<Self> {
        let (action, arg) = match rest.split_once(':') {
            Some((action, arg)) => (action, Some(arg)),
            None => (rest, None),
        };
        Some(match (action, arg) {
            ("x", None) => Intake::Cancel,
            ("sk", None) => Intake::Skip,
            ("ch", Some(channel)) => Intake::Channel(channel.parse().ok()?),
            ("ca", Some(index)) => Intake::Category(index.parse().ok()?),
            ("co", Some("1")) => Intake::Consent(true),
            ("co", Some("0")) => Intake::Consent(false),
            ("done", None) => Intake::Done,
            ("ok", None) => Intake::Agree,
            ("other", None) => Intake::OtherUnit,
            ("pl", Some(id)) => Intake::Place(id.parse().ok()?),
            ("to", Some(id)) => Intake::Unit(id.parse().ok()?),
            _ => return None,
        })
    }
}

impl Callback {
    /// The button's data, at most 64 bytes.
    pub fn encode(self) -> String {
        match self {
            Callback::Status {
                assignment_id,
                status,
            } => format!("s:{assignment_id}:{}", status_letter(status)),
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
            Callback::Hop { hop_id, action } => format!("h:{}:{hop_id}", action.code()),
            Callback::Case { case_id, action } => format!("v:{}:{case_id}", action.code()),
            Callback::Intake(intake) => intake.encode(),
            Callback::Stale => "k".into(),
        }
    }

    /// What `data` asks for; None when it is no button of ours.
    pub fn decode(data: &str) -> Option<Self> {
        // The hotline's data: `k…` intake or routing, `h:ACTION:HOP`, `v:ACTION:CASE`.
        if data == "k" {
            return Some(Callback::Stale);
        }
        if let Some(rest) = data.strip_prefix("k:") {
            return Some(Intake::decode(rest).map_or(Callback::Stale, Callback::Intake));
        }
        let mut parts = data.split(':');
        let (kind, second, third, rest) = (parts.next()?, parts.next(), parts.next(), parts.next());
        if let ("h" | "v", Some(action), Some(id), None) = (kind, second, third, rest) {
            let Ok(id) = id.parse::<i64>() else {
                return Some(Callback::Stale);
            };
            let callback = if kind == "h" {
                HopAction::parse(action).map(|action| Callback::Hop {
                    hop_id: CaseHopId(id),
                    action,
                })
            } else {
                OperatorAction::parse(action).map(|action| Callback::Case {
                    case_id: CaseId(id),
                    action,
                })
            };
            return Some(callback.unwrap_or(Callback::Stale));
        }
        if rest.is_some() {
            return None;
        }
        Some(match (kind, second, third) {
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
        })
    }

    /// Whether the button belongs to the hotline (answered by `bot::hotline`).
    pub fn is_hotline(self) -> bool {
        matches!(
            self,
            Callback::Hop { .. } | Callback::Case { .. } | Callback::Intake(_) | Callback::Stale
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_form_reads_back_and_names_what_it_offers() {
        let markup = Keyboard::SubmitReport {
            period: PeriodId(5),
            unit: UnitId(3),
        }
        .in_lang(Lang::Vi);
        let json = markup.to_json();
        assert_eq!(
            json,
            r#"{"lang":"vi","keyboard":{"submit_report":{"period":5,"unit":3}}}"#
        );
        assert_eq!(serde_json::from_str::<Markup>(&json).ok(), Some(markup));
        let operator = Keyboard::CaseOperator {
            case: CaseId(9),
            buttons: vec![OperatorButton::AddUnit, OperatorButton::Move],
        }
        .in_lang(Lang::En);
        assert_eq!(
            operator.to_json(),
            r#"{"lang":"en","keyboard":{"case_operator":{"case":9,"buttons":["add_unit","move"]}}}"#
        );
        let rows = operator.rows();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][0].callback.encode(), "v:fw:9");
        assert_eq!(rows[1][0].callback.encode(), "v:mv:9");
    }

    // What a press asks for, and its data.

    /// Every button at its largest ids (ids are the database's, never negative).
    fn every_button() -> Vec<Callback> {
        let mut all = vec![
            Callback::Status {
                assignment_id: AssignmentId(i64::MAX),
                status: AssignmentStatus::Blocked,
            },
            Callback::Status {
                assignment_id: AssignmentId(i64::MAX),
                status: AssignmentStatus::InProgress,
            },
            Callback::File {
                assignment_id: AssignmentId(i64::MAX),
            },
            Callback::Skip,
            Callback::Page(usize::MAX),
            Callback::AddNote(StatusUpdateId(i64::MAX)),
            Callback::SkipNote(StatusUpdateId(i64::MAX)),
            Callback::Open(AssignmentId(i64::MAX)),
            Callback::ReportPage(usize::MAX),
            Callback::FileTask {
                held: HeldFileId(i64::MAX),
                assignment_id: AssignmentId(i64::MAX),
            },
            Callback::FileReport {
                held: HeldFileId(i64::MAX),
                period_id: PeriodId(i64::MAX),
                unit_id: UnitId(i64::MAX),
            },
            Callback::FileNone(HeldFileId(i64::MAX)),
            Callback::Proposal {
                token: UpdateId(i64::MAX),
                yes: false,
            },
            Callback::Report {
                period_id: PeriodId(i64::MAX),
                unit_id: UnitId(i64::MAX),
            },
            Callback::Stale,
        ];
        for action in [HopAction::Accept, HopAction::NotOurs, HopAction::Answer] {
            all.push(Callback::Hop {
                hop_id: CaseHopId(i64::MAX),
                action,
            });
        }
        for action in [
            OperatorAction::Informed,
            OperatorAction::Close,
            OperatorAction::Forward,
            OperatorAction::Move,
            OperatorAction::Reopen,
        ] {
            all.push(Callback::Case {
                case_id: CaseId(i64::MAX),
                action,
            });
        }
        all.extend(
            [
                Intake::Cancel,
                Intake::Skip,
                Intake::Category(usize::MAX),
                Intake::Consent(true),
                Intake::Consent(false),
                Intake::Done,
                Intake::Agree,
                Intake::OtherUnit,
                Intake::Place(UnitId(i64::MAX)),
                Intake::Unit(UnitId(i64::MAX)),
            ]
            .into_iter()
            .chain(Channel::ALL.iter().map(|c| Intake::Channel(*c)))
            .map(Callback::Intake),
        );
        all
    }

    #[test]
    fn every_button_round_trips_within_64_bytes() {
        for callback in every_button() {
            let data = callback.encode();
            assert!(data.len() <= 64, "{data} is {} bytes", data.len());
            assert_eq!(Callback::decode(&data), Some(callback), "{data}");
        }
        assert_eq!(Callback::decode("s:1:x"), None);
        assert_eq!(Callback::decode("rm -rf"), None);
    }

    #[test]
    fn data_written_before_the_typed_hotline_buttons_reads_the_same() {
        let cases = [
            ("k:x", Callback::Intake(Intake::Cancel)),
            ("k:sk", Callback::Intake(Intake::Skip)),
            (
                "k:ch:phone",
                Callback::Intake(Intake::Channel(Channel::Phone)),
            ),
            ("k:ca:5", Callback::Intake(Intake::Category(5))),
            ("k:co:1", Callback::Intake(Intake::Consent(true))),
            ("k:co:0", Callback::Intake(Intake::Consent(false))),
            ("k:done", Callback::Intake(Intake::Done)),
            ("k:ok", Callback::Intake(Intake::Agree)),
            ("k:other", Callback::Intake(Intake::OtherUnit)),
            ("k:pl:12", Callback::Intake(Intake::Place(UnitId(12)))),
            ("k:to:12", Callback::Intake(Intake::Unit(UnitId(12)))),
            (
                "h:a:7",
                Callback::Hop {
                    hop_id: CaseHopId(7),
                    action: HopAction::Accept,
                },
            ),
            (
                "h:r:7",
                Callback::Hop {
                    hop_id: CaseHopId(7),
                    action: HopAction::NotOurs,
                },
            ),
            (
                "h:w:7",
                Callback::Hop {
                    hop_id: CaseHopId(7),
                    action: HopAction::Answer,
                },
            ),
            (
                "v:in:9",
                Callback::Case {
                    case_id: CaseId(9),
                    action: OperatorAction::Informed,
                },
            ),
            (
                "v:mv:9",
                Callback::Case {
                    case_id: CaseId(9),
                    action: OperatorAction::Move,
                },
            ),
        ];
        for (data, button) in cases {
            assert_eq!(Callback::decode(data), Some(button), "{data}");
            assert_eq!(button.encode(), data);
            assert!(button.is_hotline());
        }
        // Hotline data that means nothing is the hotline's, and does nothing.
        for stale in [
            "k",
            "k:to:1:2",
            "k:zz",
            "k:ca:x",
            "k:co:2",
            "h:a:x",
            "h:a:99999999999999999999999",
            "h:zz:1",
            "v:zz:1",
        ] {
            assert_eq!(Callback::decode(stale), Some(Callback::Stale), "{stale}");
        }
        assert_eq!(Callback::decode("h:a:1:2"), None);
        assert_eq!(Callback::decode("v:in"), None);
        assert!(!Callback::decode("s:1:d").is_some_and(Callback::is_hotline));
    }
}
