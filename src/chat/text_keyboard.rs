//! Keyboards for a messenger without buttons (Zalo): what a [`Markup`] offers, written as the
//! one line of typed syntax that answers the message, at its end. The numbers and names the
//! line needs (a task's number in the member's `viec` list at the time of sending, a report
//! period's name) are looked up by the sender and handed in as [`Known`]; nothing here reads
//! the store.

use super::keyboard::{Keyboard, Markup};
use crate::domain::{AssignmentId, Lang, MessageKind, PeriodId};
use crate::messages::{AnswerText, ChaseText};

/// Room a Zalo outbox row leaves after its body for the answer line (and the blank line
/// before it): `store::outbox` splits Zalo bodies at `ZALO_TEXT_LIMIT - ROOM`.
pub const ROOM: usize = 300;

/// What the answer line refers to, for the sender to look up before drawing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Nothing,
    /// The number of this assignment in the member's `viec` list.
    TaskNumber {
        assignment: AssignmentId,
    },
    /// The name of this reporting period.
    PeriodLabel {
        period: PeriodId,
    },
}

/// What the sender found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    pub task_number: Option<usize>,
    pub period_label: Option<String>,
}

/// What `markup`'s answer line needs looked up.
pub fn lookup(markup: Option<&Markup>) -> Lookup {
    match markup.map(|m| &m.keyboard) {
        Some(Keyboard::TaskCard { assignment }) => Lookup::TaskNumber {
            assignment: *assignment,
        },
        Some(Keyboard::SubmitReport { period, .. }) => Lookup::PeriodLabel { period: *period },
        _ => Lookup::Nothing,
    }
}

/// A period's name as typed after `bc`: "Báo cáo quý I" → "quý I" (the words the
/// conversation needs), any other label whole.
pub fn report_term(label: &str) -> &str {
    let mut words = label.splitn(3, ' ');
    let (Some(first), Some(second)) = (words.next(), words.next()) else {
        return label.trim();
    };
    let lead = crate::domain::text::match_key(&format!("{first} {second}"));
    match (lead.as_str(), words.next()) {
        ("bao cao", Some(rest)) if !rest.trim().is_empty() => rest.trim(),
        _ => label.trim(),
    }
}

/// The line that answers a message: from its keyboard when it has one, else from its kind
/// (a reminder or escalation about several items points to `viec`). None: nothing to answer.
pub fn answer_line(
    markup: Option<&Markup>,
    kind: MessageKind,
    lang: Lang,
    known: &Known,
) -> Option<String> {
    let text = match markup.map(|m| &m.keyboard) {
        Some(Keyboard::TaskCard { .. }) => match known.task_number {
            Some(number) => AnswerText::Task { number },
            None => AnswerText::TaskWithoutNumber,
        },
        Some(Keyboard::SubmitReport { .. }) => match &known.period_label {
            Some(label) => {
                return Some(
                    AnswerText::Report {
                        period: report_term(label),
                    }
                    .render(lang),
                )
            }
            None => AnswerText::List,
        },
        Some(Keyboard::CaseHop { .. } | Keyboard::CaseOperator { .. }) => AnswerText::CaseElsewhere,
        None => match kind {
            MessageKind::Reminder | MessageKind::Window | MessageKind::Escalation => {
                AnswerText::List
            }
            MessageKind::Reply | MessageKind::Case | MessageKind::Closing | MessageKind::Digest => {
                return None
            }
        },
    };
    Some(text.render(lang))
}

/// The text a messenger without buttons sends: the body without the lines that tell how to
/// press a button (the answer line replaces them), then the answer line after a blank line.
pub fn compose(body: &str, answer: Option<&str>) -> String {
    let button_hints: Vec<String> = [Lang::Vi, Lang::En]
        .into_iter()
        .flat_map(|lang| {
            [
                ChaseText::ReportHowTo.render(lang),
                ChaseText::TaskHowTo.render(lang),
            ]
        })
        .collect();
    let kept: Vec<&str> = body
        .split('\n')
        .filter(|line| !button_hints.iter().any(|hint| hint == line))
        .collect();
    let mut text = kept.join("\n").trim_end().to_string();
    if let Some(answer) = answer {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(answer);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_card_becomes_its_number_and_the_three_answers() {
        let card = Keyboard::TaskCard {
            assignment: AssignmentId(42),
        }
        .in_lang(Lang::Vi);
        assert_eq!(
            lookup(Some(&card)),
            Lookup::TaskNumber {
                assignment: AssignmentId(42)
            }
        );
        let known = Known {
            task_number: Some(3),
            ..Known::default()
        };
        let line = answer_line(Some(&card), MessageKind::Reminder, Lang::Vi, &known);
        assert_eq!(
            line.as_deref(),
            Some("Trả lời: `3 xong` · `3 đang làm` · `3 vướng: lý do`")
        );
        let unknown = answer_line(
            Some(&card),
            MessageKind::Reminder,
            Lang::Vi,
            &Known::default(),
        );
        assert!(unknown.is_some_and(|l| l.contains("`viec`")));
    }

    #[test]
    fn a_report_names_its_period_as_typed_after_bc() {
        assert_eq!(report_term("Báo cáo quý I"), "quý I");
        assert_eq!(report_term("BAO CAO 6 tháng"), "6 tháng");
        assert_eq!(
            report_term("Kế hoạch triển khai của UBND cấp xã"),
            "Kế hoạch triển khai của UBND cấp xã"
        );
        assert_eq!(report_term("Báo cáo"), "Báo cáo");
        let submit = Keyboard::SubmitReport {
            period: PeriodId(5),
            unit: crate::domain::UnitId(3),
        }
        .in_lang(Lang::Vi);
        let known = Known {
            period_label: Some("Báo cáo quý I".into()),
            ..Known::default()
        };
        assert_eq!(
            answer_line(Some(&submit), MessageKind::Reminder, Lang::Vi, &known).as_deref(),
            Some("Nộp báo cáo: `bc quý I: nội dung` (hoặc gửi ảnh kèm chú thích đó)")
        );
    }

    #[test]
    fn reminders_without_a_keyboard_point_to_viec_and_digests_end_as_they_are() {
        for kind in [
            MessageKind::Reminder,
            MessageKind::Window,
            MessageKind::Escalation,
        ] {
            let line = answer_line(None, kind, Lang::En, &Known::default());
            assert!(line.is_some_and(|l| l.contains("`viec`")), "{kind:?}");
        }
        assert_eq!(
            answer_line(None, MessageKind::Digest, Lang::Vi, &Known::default()),
            None
        );
    }

    #[test]
    fn the_button_hint_gives_way_to_the_answer_line() {
        let body = format!(
            "⏰ Nhắc nộp báo cáo\n{}",
            ChaseText::ReportHowTo.render(Lang::Vi)
        );
        assert_eq!(
            compose(&body, Some("Nộp báo cáo: `bc quý I: nội dung`")),
            "⏰ Nhắc nộp báo cáo\n\nNộp báo cáo: `bc quý I: nội dung`"
        );
        assert_eq!(compose("Tổng hợp\n", None), "Tổng hợp");
    }
}
