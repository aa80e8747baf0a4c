//! The hotline in chat, its intake: an operator logs a case with `/phananh` (one question a
//! message, «Huỷ» stops), and the notices a case's moves send. The draft lives in the
//! `dialogues` table, so a restart in mid-intake loses nothing. What follows (the units
//! accept, return or answer a case; the operator closes, reopens or routes it; `/vuviec`)
//! is `hops.rs`.

use serde::{Deserialize, Serialize};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::chat::telegram::{self, button};
use crate::chat::{Callback, Intake};

use super::cards::Waiting;
use super::send::{say, HandlerResult};
use super::App;
use crate::domain::case::{route, Channel};
use crate::domain::text::match_key;
use crate::domain::{Actor, CaseHopId, PersonId, PersonRole, UnitId, UnitKind, UpdateId};
use crate::hotline::{self, Addressee};
use crate::messages::HotlineText;
use crate::store::{CaseTime, CaseView, Delivery, Member, NewAttachment, NewCase, StoreError};

/// Buttons offered when a typed name matches several units.
pub(super) const MAX_CHOICES: usize = 8;

/// The question an intake is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Channel,
    Content,
    Place,
    Category,
    Name,
    Phone,
    Consent,
    Files,
    Route,
    OtherUnit,
}

/// A file the operator sent during intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftFile {
    pub file_id: String,
    pub file_unique_id: String,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
    pub file_size: Option<i64>,
}

/// A case being logged, answer by answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub person_id: PersonId,
    pub step: Step,
    pub channel: Option<Channel>,
    pub content: Option<String>,
    pub place: Option<UnitId>,
    pub category: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub consent: Option<bool>,
    #[serde(default)]
    pub files: Vec<DraftFile>,
    pub unit: Option<UnitId>,
}

impl Draft {
    /// A draft with nothing answered yet, at `step`.
    pub(super) fn new(person_id: PersonId, step: Step) -> Self {
        Self {
            person_id,
            step,
            channel: None,
            content: None,
            place: None,
            category: None,
            name: None,
            phone: None,
            consent: None,
            files: Vec::new(),
            unit: None,
        }
    }
}

/// Says one line of the hotline's catalogue, in the app's language, with no buttons.
pub(super) async fn tell(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    text: HotlineText<'_>,
) -> HandlerResult {
    say(app, bot, chat, text.render(app.lang), None, None).await?;
    Ok(())
}

/// A button of the intake's questions.
pub(super) fn intake(text: String, pressed: Intake) -> InlineKeyboardButton {
    button(text, Callback::Intake(pressed))
}

pub(super) fn keyboard(rows: Vec<Vec<InlineKeyboardButton>>) -> Option<InlineKeyboardMarkup> {
    Some(InlineKeyboardMarkup::new(rows))
}

pub(super) fn actor_of(member: &Member) -> Actor {
    Actor::new(format!("person:{}", member.person.id))
}

pub(super) fn is_hotline(members: &[Member]) -> Option<&Member> {
    members.iter().find(|m| {
        matches!(
            m.person.role,
            PersonRole::HotlineOperator | PersonRole::Coordinator
        ) || m.unit.kind == UnitKind::Hotline
    })
}

pub(super) fn time(app: &App) -> (crate::domain::case::CaseClocks, chrono_tz::Tz) {
    (app.hotline.clone(), app.time_zone)
}

/// `/phananh`: starts an intake.
pub async fn start(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    members: &[Member],
) -> HandlerResult {
    let Some(operator) = is_hotline(members) else {
        tell(bot, chat, app, HotlineText::OnlyHotline).await?;
        return Ok(());
    };
    let draft = Draft::new(operator.person.id, Step::Channel);
    save_and_ask(bot, chat, app, update_id, user_id, draft).await
}

/// Saves the draft (keyed by the update) and asks its next question.
async fn save_and_ask(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    draft: Draft,
) -> HandlerResult {
    let state = serde_json::to_string(&Waiting::Case {
        draft: Box::new(draft.clone()),
    })?;
    if let crate::store::Effect::Duplicate = app
        .store
        .set_dialogue(update_id, chat.0, user_id, Some(&state))
        .await?
    {
        return Ok(());
    }
    ask(bot, chat, app, &draft).await
}

pub(super) async fn ask(bot: &Bot, chat: ChatId, app: &App, draft: &Draft) -> HandlerResult {
    let lang = app.lang;
    let cancel = || intake(HotlineText::ButtonCancel.render(lang), Intake::Cancel);
    let skip = || intake(HotlineText::ButtonSkip.render(lang), Intake::Skip);
    let (text, markup) = match draft.step {
        Step::Channel => {
            let rows = Channel::ALL
                .chunks(2)
                .map(|pair| {
                    pair.iter()
                        .map(|c| intake(hotline::channel_label(*c, lang), Intake::Channel(*c)))
                        .collect()
                })
                .chain(std::iter::once(vec![cancel()]))
                .collect();
            (HotlineText::AskChannel, keyboard(rows))
        }
        Step::Content => (HotlineText::AskContent, keyboard(vec![vec![cancel()]])),
        Step::Place => (HotlineText::AskPlace, keyboard(vec![vec![cancel()]])),
        Step::Category => {
            let rows = app
                .categories
                .iter()
                .enumerate()
                .map(|(i, c)| vec![intake(c.clone(), Intake::Category(i))])
                .chain(std::iter::once(vec![cancel()]))
                .collect();
            (HotlineText::AskCategory, keyboard(rows))
        }
        Step::Name => (HotlineText::AskName, keyboard(vec![vec![skip(), cancel()]])),
        Step::Phone => (
            HotlineText::AskPhone,
            keyboard(vec![vec![skip(), cancel()]]),
        ),
        Step::Consent => (
            HotlineText::AskConsent,
            keyboard(vec![vec![
                intake(HotlineText::ButtonYes.render(lang), Intake::Consent(true)),
                intake(HotlineText::ButtonNo.render(lang), Intake::Consent(false)),
            ]]),
        ),
        Step::Files => (
            HotlineText::AskFiles,
            keyboard(vec![vec![
                intake(HotlineText::ButtonDone.render(lang), Intake::Done),
                cancel(),
            ]]),
        ),
        Step::Route => {
            let unit = match draft.unit {
                Some(id) => app.store.unit_name(id).await?.unwrap_or_default(),
                None => String::new(),
            };
            let text = HotlineText::ProposeUnit { unit: &unit }.render(lang);
            let markup = InlineKeyboardMarkup::new(vec![
                vec![intake(HotlineText::ButtonAgree.render(lang), Intake::Agree)],
                vec![intake(
                    HotlineText::ButtonOtherUnit.render(lang),
                    Intake::OtherUnit,
                )],
                vec![cancel()],
            ]);
            say(app, bot, chat, text, Some(markup), None).await?;
            return Ok(());
        }
        Step::OtherUnit => (HotlineText::AskOtherUnit, keyboard(vec![vec![cancel()]])),
    };
    say(app, bot, chat, text.render(lang), markup, None).await?;
    Ok(())
}

/// Units whose name contains what was typed (case and diacritics ignored); communes only
/// for the place.
pub(super) async fn find_units(
    app: &App,
    typed: &str,
    communes_only: bool,
) -> Result<Vec<(UnitId, String)>, StoreError> {
    let key = match_key(typed);
    let units = app.store.list_units().await?;
    Ok(units
        .into_iter()
        .filter(|u| !communes_only || u.kind == UnitKind::Commune)
        .filter(|u| match_key(&u.name).contains(&key) || match_key(u.code.as_str()) == key)
        .map(|u| (UnitId(u.id), u.name))
        .collect())
}

/// A message while an intake is open: the answer to its question.
pub async fn on_draft_message(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    mut draft: Draft,
) -> HandlerResult {
    let chat = msg.chat.id;
    let text = msg
        .text()
        .or(msg.caption())
        .unwrap_or("")
        .trim()
        .to_string();
    if matches!(match_key(&text).as_str(), "huy" | "cancel") {
        return cancel(bot, chat, app, update_id, user_id).await;
    }
    match draft.step {
        Step::Content if !text.is_empty() => {
            draft.content = Some(text);
            draft.step = Step::Place;
        }
        Step::Place | Step::OtherUnit if !text.is_empty() => {
            let communes_only = draft.step == Step::Place;
            let found = find_units(app, &text, communes_only).await?;
            match found.as_slice() {
                [] => {
                    let missing = if communes_only {
                        HotlineText::NoPlaceFound
                    } else {
                        HotlineText::NoUnitFound
                    };
                    tell(bot, chat, app, missing).await?;
                    return Ok(());
                }
                [(id, _)] => {
                    return chose_unit(bot, chat, app, update_id, user_id, draft, *id).await
                }
                many => {
                    let pick = if communes_only {
                        Intake::Place
                    } else {
                        Intake::Unit
                    };
                    let rows = many
                        .iter()
                        .take(MAX_CHOICES)
                        .map(|(id, name)| vec![intake(name.clone(), pick(*id))])
                        .collect();
                    let question = if communes_only {
                        HotlineText::ChoosePlace
                    } else {
                        HotlineText::ChooseUnit
                    };
                    say(
                        app,
                        bot,
                        chat,
                        question.render(app.lang),
                        keyboard(rows),
                        None,
                    )
                    .await?;
                    return Ok(());
                }
            }
        }
        Step::Name if !text.is_empty() => {
            draft.name = Some(text);
            draft.step = Step::Phone;
        }
        Step::Phone if !text.is_empty() => {
            draft.phone = Some(text);
            draft.step = Step::Consent;
        }
        Step::Files => {
            if let Some(file) = super::router::attachment_of(msg) {
                draft.files.push(DraftFile {
                    file_id: file.file_id,
                    file_unique_id: file.file_unique_id,
                    file_name: file.file_name,
                    mime_type: file.mime_type,
                    file_size: file.file_size,
                });
                let state = serde_json::to_string(&Waiting::Case {
                    draft: Box::new(draft.clone()),
                })?;
                app.store
                    .set_dialogue(update_id, chat.0, user_id, Some(&state))
                    .await?;
                let kept = HotlineText::FileKept(draft.files.len()).render(app.lang);
                let done = intake(HotlineText::ButtonDone.render(app.lang), Intake::Done);
                say(app, bot, chat, kept, keyboard(vec![vec![done]]), None).await?;
                return Ok(());
            }
        }
        _ => {}
    }
    save_and_ask(bot, chat, app, update_id, user_id, draft).await
}

pub(super) async fn cancel(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
) -> HandlerResult {
    app.store
        .set_dialogue(update_id, chat.0, user_id, None)
        .await?;
    tell(bot, chat, app, HotlineText::Cancelled).await?;
    Ok(())
}

/// A unit picked (typed or from buttons): the place, or the unit to send the case to.
async fn chose_unit(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    mut draft: Draft,
    unit_id: UnitId,
) -> HandlerResult {
    if draft.step == Step::Place {
        draft.place = Some(unit_id);
        draft.step = Step::Category;
        return save_and_ask(bot, chat, app, update_id, user_id, draft).await;
    }
    draft.unit = Some(unit_id);
    finish(bot, chat, app, update_id, user_id, draft).await
}

/// A button during intake.
pub async fn on_draft_button(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    mut draft: Draft,
    pressed: Intake,
) -> HandlerResult {
    match pressed {
        Intake::Cancel => return cancel(bot, chat, app, update_id, user_id).await,
        Intake::Channel(channel) if draft.step == Step::Channel => {
            draft.channel = Some(channel);
            draft.step = Step::Content;
        }
        Intake::Place(id) | Intake::Unit(id) => {
            return chose_unit(bot, chat, app, update_id, user_id, draft, id).await;
        }
        Intake::Category(index) if draft.step == Step::Category => {
            let Some(category) = app.categories.get(index) else {
                return Ok(());
            };
            draft.category = Some(category.clone());
            draft.step = Step::Name;
        }
        Intake::Skip if draft.step == Step::Name => draft.step = Step::Phone,
        // Consent is asked only about details given: with neither a name nor a phone there
        // is nothing to share, and the unit reads "no contact details", not "did not agree".
        Intake::Skip if draft.step == Step::Phone => {
            draft.step = if draft.name.is_some() {
                Step::Consent
            } else {
                Step::Files
            };
        }
        Intake::Consent(yes) if draft.step == Step::Consent => {
            draft.consent = Some(yes);
            draft.step = Step::Files;
        }
        Intake::Done if draft.step == Step::Files => {
            let rules = app.store.routing_rules().await?;
            let (Some(place), Some(category)) = (draft.place, draft.category.as_deref()) else {
                return Ok(());
            };
            draft.unit = Some(route(&rules, category, place, place));
            draft.step = Step::Route;
        }
        Intake::Agree if draft.step == Step::Route => {
            return finish(bot, chat, app, update_id, user_id, draft).await;
        }
        Intake::OtherUnit if draft.step == Step::Route => draft.step = Step::OtherUnit,
        _ => return Ok(()),
    }
    save_and_ask(bot, chat, app, update_id, user_id, draft).await
}

/// The last answer: the case is created, sent to the unit, and the operator gets a receipt.
async fn finish(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    draft: Draft,
) -> HandlerResult {
    let (Some(channel), Some(content), Some(place), Some(category), Some(unit)) = (
        draft.channel,
        draft.content.clone(),
        draft.place,
        draft.category.clone(),
        draft.unit,
    ) else {
        return Ok(());
    };
    let now = app.clock.now();
    let case = NewCase {
        channel,
        content,
        place_unit_id: place,
        category,
        citizen_name: draft.name.clone(),
        citizen_phone: draft.phone.clone(),
        contact_consent: draft.consent.unwrap_or(false),
        operator_id: Some(draft.person_id),
        received_at: now,
        source: "chat".into(),
        files: draft
            .files
            .iter()
            .map(|f| NewAttachment {
                file_id: f.file_id.clone(),
                file_unique_id: f.file_unique_id.clone(),
                file_name: f.file_name.clone(),
                mime_type: f.mime_type.clone(),
                file_size: f.file_size,
            })
            .collect(),
        route_to: vec![unit],
    };
    let calendar = app.store.working_calendar().await?;
    let (clocks, tz) = time(app);
    let case_time = CaseTime {
        clocks: &clocks,
        calendar: &calendar,
        time_zone: tz,
        hours: app.rules.hours,
    };
    let delivery = Delivery {
        update_id,
        chat_id: chat.0,
        user_id,
    };
    let actor = Actor::new(format!("person:{}", draft.person_id));
    let numbers = match app
        .store
        .create_cases(&[case], &case_time, Some(&delivery), &actor)
        .await?
    {
        Ok(numbers) => numbers,
        Err(_) => return Ok(()),
    };
    let Some(number) = numbers.first().copied() else {
        return Ok(());
    };
    let Some(case) = app.store.case(number).await? else {
        return Ok(());
    };
    let unreached = notify_units(
        app,
        &case,
        &case.hops.iter().map(|h| h.id).collect::<Vec<_>>(),
    )
    .await?;
    let receipt = HotlineText::Receipt {
        number: &number.to_string(),
        unit: &case
            .hops
            .first()
            .map(|h| h.unit.name.clone())
            .unwrap_or_default(),
        ack_by: &case
            .ack_due_at
            .with_timezone(&tz)
            .format("%H:%M %d/%m/%Y")
            .to_string(),
        answer_by: &case.answer_due_date.format("%d/%m/%Y").to_string(),
    };
    say(app, bot, chat, receipt.render(app.lang), None, None).await?;
    warn_unreached(bot, chat, app, &case, &unreached).await?;
    Ok(())
}

/// Queues the case for the members of the units of `hop_ids`; returns the units no one could
/// be told in.
pub async fn notify_units(
    app: &App,
    case: &CaseView,
    hop_ids: &[CaseHopId],
) -> Result<Vec<crate::store::UnitBrief>, StoreError> {
    hotline::queue_for_units(&app.store, case, hop_ids, app.lang, app.time_zone).await
}

/// Tells the operator at once that the case reached no one in `units`, with the buttons to
/// send it elsewhere.
pub(super) async fn warn_unreached(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    case: &CaseView,
    units: &[crate::store::UnitBrief],
) -> HandlerResult {
    if let Some((text, markup)) = hotline::unreached_warning(case, units, app.lang) {
        say(
            app,
            bot,
            chat,
            text,
            markup.map(|m| telegram::render(&m)),
            None,
        )
        .await?;
    }
    Ok(())
}

/// Tells the members of the units whose forwards `hop_ids` were withdrawn that they need not
/// answer any more.
pub(super) async fn notify_withdrawn(
    app: &App,
    case: &CaseView,
    hop_ids: &[CaseHopId],
) -> Result<(), StoreError> {
    let mut messages = Vec::new();
    for hop in case.hops.iter().filter(|h| hop_ids.contains(&h.id)) {
        let members = app.store.linked_members_of_unit(hop.unit.id).await?;
        let to: Vec<Addressee> = members.iter().filter_map(|m| addressee(app, m)).collect();
        messages.extend(hotline::withdrawn(case, hop, &to));
    }
    app.store.enqueue(&messages).await?;
    Ok(())
}

fn addressee(app: &App, member: &Member) -> Option<Addressee> {
    Addressee::of(member, app.lang)
}

/// Queues news of the case for the operator who logged it.
pub(super) async fn notify_hotline(
    app: &App,
    case: &CaseView,
    event: &str,
) -> Result<(), StoreError> {
    let operators = match case.operator_id {
        Some(id) => app.store.members_by_id(&[id]).await?,
        None => Vec::new(),
    };
    let to: Vec<Addressee> = operators.iter().filter_map(|m| addressee(app, m)).collect();
    app.store
        .enqueue(&hotline::to_hotline(case, event, &to, app.time_zone))
        .await?;
    Ok(())
}
