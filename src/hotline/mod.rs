//! The citizen-feedback hotline's messages: how a case is shown to the operator and to a
//! unit (the citizen's name and phone only with their consent), the unit's buttons, and the
//! notices queued in the outbox when a case moves; `stats` holds the figures.

pub mod stats;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::chat::{Keyboard, Markup, OperatorButton};
use crate::domain::case::{mask_name, mask_phone, CaseState, Channel, HopState};
use crate::domain::{CaseHopId, MessageKind};
use crate::messages::{CaseText, HotlineText, Lang, EXPORT_COLUMNS};
use crate::store::{CaseView, HopView, MessageSubject, NewMessage, Store, StoreError};

/// Who reads a case: the hotline and coordinators see the citizen's contact details; a unit
/// only when the citizen agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Hotline,
    Unit,
}

fn when(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%H:%M %d/%m/%Y").to_string()
}

/// The citizen line as `reader` may see it.
fn citizen_line(case: &CaseView, reader: Reader, lang: Lang) -> String {
    let visible = reader == Reader::Hotline || case.contact_consent;
    let name = case.citizen_name.clone().unwrap_or_default();
    let phone = case.citizen_phone.clone().unwrap_or_default();
    if name.trim().is_empty() && phone.trim().is_empty() {
        // Nothing was given: there was nothing to agree or refuse to share.
        HotlineText::CitizenNoContact.render(lang)
    } else if visible {
        HotlineText::Citizen {
            name: &name,
            phone: &phone,
        }
        .render(lang)
    } else {
        // Initials only: enough to tell two cases apart, not to find the person.
        HotlineText::CitizenHidden {
            initials: &mask_name(&name),
            phone: &mask_phone(&phone),
        }
        .render(lang)
    }
}

/// A case as a card: number, what, where, which field, the clocks, the units and answers.
pub fn case_card(case: &CaseView, reader: Reader, tz: Tz, lang: Lang) -> String {
    let mut lines = vec![
        HotlineText::CaseHeader {
            number: &case.number.to_string(),
            state: case.state,
        }
        .render(lang),
        HotlineText::CaseWhat {
            channel: case.channel,
            received: &when(case.received_at, tz),
            place: &case.place.name,
            category: &case.category,
        }
        .render(lang),
        case.content.clone(),
        citizen_line(case, reader, lang),
        HotlineText::CaseClocks {
            ack_by: &when(case.ack_due_at, tz),
            answer_by: &case.answer_due_date.format("%d/%m/%Y").to_string(),
        }
        .render(lang),
    ];
    let citizen_files = case.files.iter().filter(|f| f.hop_id.is_none()).count();
    if citizen_files > 0 {
        lines.push(HotlineText::Files(citizen_files).render(lang));
    }
    for hop in case.hops.iter().filter(|h| h.state != HopState::Withdrawn) {
        lines.push(hop_line(hop, tz, lang));
    }
    if case.late {
        lines.push(HotlineText::LateApology.render(lang));
    }
    if let Some(at) = case.citizen_informed_at {
        lines.push(HotlineText::CitizenInformed { at: &when(at, tz) }.render(lang));
    }
    lines.join("\n")
}

fn hop_line(hop: &HopView, tz: Tz, lang: Lang) -> String {
    let mut line = HotlineText::HopLine {
        unit: &hop.unit.name,
        state: hop.state,
    }
    .render(lang);
    if let Some(reason) = &hop.return_reason {
        line.push_str(&format!(": {reason}"));
    }
    if let (Some(answer), Some(at)) = (&hop.answer, hop.answered_at) {
        line.push_str(&format!(" ({}): {answer}", when(at, tz)));
    }
    line
}

/// The unit's three buttons under a case.
pub fn hop_keyboard(hop_id: CaseHopId, lang: Lang) -> Markup {
    Keyboard::CaseHop { hop: hop_id }.in_lang(lang)
}

/// The operator's buttons under an answered or returned case.
pub fn operator_keyboard(case: &CaseView, lang: Lang) -> Option<Markup> {
    use OperatorButton as B;
    let buttons = match case.state {
        // The operator may tell the citizen first and close once they are satisfied.
        CaseState::Answered if case.citizen_informed_at.is_none() => {
            vec![B::Informed, B::InformedClose]
        }
        CaseState::Answered => vec![B::InformedClose],
        CaseState::Returned | CaseState::Received | CaseState::Reopened => vec![B::Route],
        // While a unit holds it: add another unit (a case for several units), or move it.
        CaseState::Forwarded | CaseState::Accepted => vec![B::AddUnit, B::Move],
        CaseState::Closed => vec![B::Reopen],
        CaseState::Cancelled => return None,
    };
    let keyboard = Keyboard::CaseOperator {
        case: case.id,
        buttons,
    };
    Some(keyboard.in_lang(lang))
}

/// Someone to tell: their chat, person and language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addressee {
    pub chat_id: i64,
    pub person_id: i64,
    pub lang: Lang,
}

impl Addressee {
    /// `member` in their own language, else `lang`, on the one chat they are written to; None
    /// when not linked.
    pub fn of(member: &crate::store::Member, lang: Lang) -> Option<Addressee> {
        Some(Addressee {
            chat_id: member.person.chat_to_write()?,
            person_id: member.person.id.get(),
            lang: member.person.language.unwrap_or(lang),
        })
    }
}

/// The case as sent to one unit's members, with its buttons; a reply to it is the answer.
pub fn to_unit(case: &CaseView, hop: &HopView, to: &[Addressee], tz: Tz) -> Vec<NewMessage> {
    to.iter()
        .map(|a| NewMessage {
            key: format!("case:hop:{}:{}", hop.id, a.chat_id),
            kind: MessageKind::Case,
            chat_id: a.chat_id,
            person_id: Some(a.person_id),
            body: format!(
                "{}\n{}",
                HotlineText::NewCaseForUnit {
                    unit: &hop.unit.name
                }
                .render(a.lang),
                case_card(case, Reader::Unit, tz, a.lang)
            ),
            reply_markup: Some(hop_keyboard(hop.id, a.lang)),
            subject: MessageSubject {
                unit_id: Some(hop.unit.id),
                case_hop_id: Some(hop.id),
                ..MessageSubject::default()
            },
        })
        .collect()
}

/// To a unit's members when the operator moves the case away from them.
pub fn withdrawn(case: &CaseView, hop: &HopView, to: &[Addressee]) -> Vec<NewMessage> {
    to.iter()
        .map(|a| NewMessage {
            key: format!("case:withdrawn:{}:{}", hop.id, a.chat_id),
            kind: MessageKind::Case,
            chat_id: a.chat_id,
            person_id: Some(a.person_id),
            body: HotlineText::Withdrawn {
                number: &case.number.to_string(),
            }
            .render(a.lang),
            reply_markup: None,
            subject: MessageSubject {
                unit_id: Some(hop.unit.id),
                ..MessageSubject::default()
            },
        })
        .collect()
}

/// Queues case `case` for the linked members of the units of `hop_ids` (in their language,
/// else `lang`), the citizen's photos and documents following it: what the bot does after
/// intake or a forward, and `dondoc cases import` after a batch. Returns the units among them
/// that no one can be told in (nobody linked, or every member unreachable): the
/// case reached no one there, and the operator must hear of it at once.
pub async fn queue_for_units(
    store: &Store,
    case: &CaseView,
    hop_ids: &[CaseHopId],
    lang: Lang,
    tz: Tz,
) -> Result<Vec<crate::store::UnitBrief>, StoreError> {
    let hops: Vec<&HopView> = case
        .hops
        .iter()
        .filter(|h| hop_ids.contains(&h.id))
        .collect();
    let mut messages = Vec::new();
    let mut files = Vec::new();
    let mut unreached = Vec::new();
    for hop in hops {
        let members = store.linked_members_of_unit(hop.unit.id).await?;
        let to: Vec<Addressee> = members
            .iter()
            .filter_map(|m| Addressee::of(m, lang))
            .collect();
        if to.is_empty() {
            unreached.push(hop.unit.clone());
        }
        messages.extend(to_unit(case, hop, &to, tz));
        for a in &to {
            files.extend(citizen_files(case, hop, a.chat_id));
        }
    }
    store.enqueue(&messages).await?;
    for file in files {
        store
            .enqueue_file(
                &file.key,
                MessageKind::Case,
                file.chat_id,
                &file.caption,
                &file.file_id,
                file.photo,
            )
            .await?;
    }
    Ok(unreached)
}

/// To the operator when a case went to units no one can be told in: who, and the buttons to
/// send it elsewhere (or to one more unit).
pub fn unreached_warning(
    case: &CaseView,
    units: &[crate::store::UnitBrief],
    lang: Lang,
) -> Option<(String, Option<Markup>)> {
    if units.is_empty() {
        return None;
    }
    let names: Vec<&str> = units.iter().map(|u| u.name.as_str()).collect();
    let text = HotlineText::NoOneToTell {
        number: &case.number.to_string(),
        units: &names.join(", "),
    }
    .render(lang);
    Some((text, operator_keyboard(case, lang)))
}

/// One of the citizen's files for one member of a unit.
struct QueuedFile {
    key: String,
    chat_id: i64,
    caption: String,
    file_id: String,
    photo: bool,
}

/// The citizen's photos and documents for `chat`, each captioned with the case number.
fn citizen_files(case: &CaseView, hop: &HopView, chat: i64) -> Vec<QueuedFile> {
    case.files
        .iter()
        .filter(|f| f.hop_id.is_none())
        .enumerate()
        .map(|(n, file)| {
            // A photo sent as a photo has no name; a picture sent as a file stays a document.
            let photo = file.file_name.is_none()
                && file
                    .mime_type
                    .as_deref()
                    .is_some_and(|m| m.starts_with("image/"));
            let caption = match &file.file_name {
                Some(name) => format!("{} · {name}", case.number),
                None => case.number.to_string(),
            };
            QueuedFile {
                key: format!("case:hop:{}:{chat}:file:{n}", hop.id),
                chat_id: chat,
                caption,
                file_id: file.file_id.clone(),
                photo,
            }
        })
        .collect()
}

/// News of a case for the operator who logged it (or every hotline operator): a return, an
/// answer (late ones flagged for an apology). `event` makes the key unique per event.
pub fn to_hotline(case: &CaseView, event: &str, to: &[Addressee], tz: Tz) -> Vec<NewMessage> {
    to.iter()
        .map(|a| NewMessage {
            key: format!("case:news:{}:{event}:{}", case.id, a.chat_id),
            kind: MessageKind::Case,
            chat_id: a.chat_id,
            person_id: Some(a.person_id),
            body: case_card(case, Reader::Hotline, tz, a.lang),
            reply_markup: operator_keyboard(case, a.lang),
            subject: MessageSubject::default(),
        })
        .collect()
}

/// The channel's name for the operator's buttons.
pub fn channel_label(channel: Channel, lang: Lang) -> String {
    HotlineText::Channel(channel).render(lang)
}

/// One case as a row of `cases export` and of the periodic report's cases sheet: the
/// citizen's name and phone masked unless `with_contacts`.
pub fn export_row(
    case: &CaseView,
    lang: Lang,
    time_zone: Tz,
    today: NaiveDate,
    with_contacts: bool,
) -> [String; EXPORT_COLUMNS] {
    let time = |at: Option<DateTime<Utc>>| {
        at.map(|t| {
            t.with_timezone(&time_zone)
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_default()
    };
    let units: Vec<String> = case
        .hops
        .iter()
        .map(|h| {
            format!(
                "{} ({})",
                h.unit.name,
                CaseText::HopState(h.state).render(lang)
            )
        })
        .collect();
    let contact = |value: &Option<String>, mask: fn(&str) -> String| {
        value
            .as_deref()
            .map(|v| {
                if with_contacts {
                    v.to_string()
                } else {
                    mask(v)
                }
            })
            .unwrap_or_default()
    };
    [
        case.number.to_string(),
        time(Some(case.received_at)),
        CaseText::Channel(case.channel).render(lang),
        case.place.name.clone(),
        case.category.clone(),
        case.content.clone(),
        units.join("; "),
        time(case.acknowledged_at),
        time(case.answered_at),
        CaseText::YesNo(stats::case_late(case, time_zone, today)).render(lang),
        CaseText::State(case.state).render(lang),
        contact(&case.citizen_name, mask_name),
        contact(&case.citizen_phone, mask_phone),
    ]
}
