//! Channel-neutral buttons under a message: what they offer ([`Keyboard`]), not how one
//! messenger draws them. The outbox stores a [`Markup`] (serde JSON) with each message; the
//! sending channel lays it out ([`Markup::rows`]) and draws it in its own terms
//! (`chat::telegram::inline_keyboard`) only when the message is sent.

use serde::{Deserialize, Serialize};

use super::button::{Callback, HopAction, OperatorAction};
use crate::domain::{AssignmentId, AssignmentStatus, CaseHopId, CaseId, Lang, PeriodId, UnitId};
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
}
