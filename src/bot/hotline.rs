//! The hotline in chat: an operator logs a case with `/phananh` (one question a message,
//! «Huỷ» stops), the unit's members accept it, return it with a reason or answer it, the
//! operator closes it; `/vuviec` shows cases. The draft lives in the `dialogues` table, so a
//! restart in mid-intake loses nothing.

use serde::{Deserialize, Serialize};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::chat::telegram::{self, button};
use crate::chat::{Callback, HopAction, Intake, OperatorAction};

use super::cards::Waiting;
use super::router::Turn;
use super::send::{say, HandlerResult};
use super::App;
use crate::domain::case::{route, CaseNumber, CaseState, Channel};
use crate::domain::text::{match_key, split_message, TELEGRAM_TEXT_LIMIT};
use crate::domain::{Actor, PersonRole, UnitKind};
use crate::hotline::{self, Addressee, Reader};
use crate::messages::HotlineText;
use crate::store::{
    CaseAction, CaseRefusal, CaseTime, CaseView, Delivery, Member, NewAttachment, NewCase,
    StoreError,
};

/// Buttons offered when a typed name matches several units.
const MAX_CHOICES: usize = 8;

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
    pub person_id: i64,
    pub step: Step,
    pub channel: Option<Channel>,
    pub content: Option<String>,
    pub place: Option<i64>,
    pub category: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub consent: Option<bool>,
    #[serde(default)]
    pub files: Vec<DraftFile>,
    pub unit: Option<i64>,
}

impl Draft {
    /// A draft with nothing answered yet, at `step`.
    fn new(person_id: i64, step: Step) -> Self {
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
async fn tell(bot: &Bot, chat: ChatId, app: &App, text: HotlineText<'_>) -> HandlerResult {
    say(app, bot, chat, text.render(app.lang), None, None).await?;
    Ok(())
}

/// A button of the intake's questions.
fn intake(text: String, pressed: Intake) -> InlineKeyboardButton {
    button(text, Callback::Intake(pressed))
}

fn keyboard(rows: Vec<Vec<InlineKeyboardButton>>) -> Option<InlineKeyboardMarkup> {
    Some(InlineKeyboardMarkup::new(rows))
}

fn actor_of(member: &Member) -> Actor {
    Actor::new(format!("person:{}", member.person.id))
}

fn is_hotline(members: &[Member]) -> Option<&Member> {
    members.iter().find(|m| {
        matches!(
            m.person.role,
            PersonRole::HotlineOperator | PersonRole::Coordinator
        ) || m.unit.kind == UnitKind::Hotline
    })
}

fn time(app: &App) -> (crate::domain::case::CaseClocks, chrono_tz::Tz) {
    (app.hotline.clone(), app.time_zone)
}

/// `/phananh`: starts an intake.
pub async fn start(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    update_id: i64,
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
    update_id: i64,
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

async fn ask(bot: &Bot, chat: ChatId, app: &App, draft: &Draft) -> HandlerResult {
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
async fn find_units(
    app: &App,
    typed: &str,
    communes_only: bool,
) -> Result<Vec<(i64, String)>, StoreError> {
    let key = match_key(typed);
    let units = app.store.list_units().await?;
    Ok(units
        .into_iter()
        .filter(|u| !communes_only || u.kind == UnitKind::Commune)
        .filter(|u| match_key(&u.name).contains(&key) || match_key(u.code.as_str()) == key)
        .map(|u| (u.id, u.name))
        .collect())
}

/// A message while an intake is open: the answer to its question.
pub async fn on_draft_message(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: i64,
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

async fn cancel(bot: &Bot, chat: ChatId, app: &App, update_id: i64, user_id: i64) -> HandlerResult {
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
    update_id: i64,
    user_id: i64,
    mut draft: Draft,
    unit_id: i64,
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
    update_id: i64,
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
    update_id: i64,
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
    hop_ids: &[i64],
) -> Result<Vec<crate::store::UnitBrief>, StoreError> {
    hotline::queue_for_units(&app.store, case, hop_ids, app.lang, app.time_zone).await
}

/// Tells the operator at once that the case reached no one in `units`, with the buttons to
/// send it elsewhere.
async fn warn_unreached(
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
async fn notify_withdrawn(app: &App, case: &CaseView, hop_ids: &[i64]) -> Result<(), StoreError> {
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
async fn notify_hotline(app: &App, case: &CaseView, event: &str) -> Result<(), StoreError> {
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

/// The member of the hop's unit pressing or replying, if they are one.
async fn hop_member<'m>(
    app: &App,
    members: &'m [Member],
    hop_id: i64,
) -> Result<Option<(&'m Member, CaseView)>, StoreError> {
    let Some(case) = app.store.case_of_hop(hop_id).await? else {
        return Ok(None);
    };
    let Some(hop) = case.hops.iter().find(|h| h.id == hop_id) else {
        return Ok(None);
    };
    let unit = hop.unit.id;
    Ok(members
        .iter()
        .find(|m| m.unit.id == unit)
        .map(|m| (m, case)))
}

/// A unit's button under a case: accept, not ours (asks why), answer (asks for it).
pub async fn on_hop_button(turn: Turn<'_>, action: HopAction, hop_id: i64) -> HandlerResult {
    let Turn {
        bot,
        app,
        chat,
        update_id,
        user_id,
        members,
    } = turn;
    let Some((member, case)) = hop_member(app, members, hop_id).await? else {
        tell(bot, chat, app, HotlineText::NotAllowed).await?;
        return Ok(());
    };
    let number = case.number.to_string();
    match action {
        HopAction::Accept => {
            let delivery = Delivery {
                update_id,
                chat_id: chat.0,
                user_id,
            };
            match app
                .store
                .accept_hop(hop_id, member.person.id, Some(&delivery), &actor_of(member))
                .await?
            {
                Ok(_) => {
                    let text = HotlineText::Accepted { number: &number };
                    tell(bot, chat, app, text).await?;
                }
                Err(CaseRefusal::Duplicate) => {}
                Err(_) => {
                    tell(bot, chat, app, HotlineText::NotAllowed).await?;
                }
            }
        }
        HopAction::NotOurs | HopAction::Answer => {
            // An old button on a case already answered, returned or moved: say so now rather
            // than ask for a text that could not be recorded.
            let live = case
                .hops
                .iter()
                .any(|h| h.id == hop_id && h.state.is_live());
            if !live {
                tell(bot, chat, app, HotlineText::NotAllowed).await?;
                return Ok(());
            }
            let waiting = if action == HopAction::NotOurs {
                Waiting::HopReason {
                    hop_id,
                    person_id: member.person.id,
                }
            } else {
                Waiting::HopAnswer {
                    hop_id,
                    person_id: member.person.id,
                }
            };
            let state = serde_json::to_string(&waiting)?;
            if let crate::store::Effect::Done(()) = app
                .store
                .set_dialogue(update_id, chat.0, user_id, Some(&state))
                .await?
            {
                let text = if action == HopAction::NotOurs {
                    HotlineText::AskReason { number: &number }
                } else {
                    HotlineText::AskAnswer { number: &number }
                };
                tell(bot, chat, app, text).await?;
            }
        }
    }
    Ok(())
}

/// A message that answers a case (after «Trả lời», or as a reply to the case) or gives the
/// reason it is not the unit's (after «Không thuộc thẩm quyền»).
pub async fn on_hop_message(
    turn: Turn<'_>,
    msg: &Message,
    hop_id: i64,
    returning: bool,
) -> HandlerResult {
    let Turn {
        bot,
        app,
        update_id,
        user_id,
        members,
        ..
    } = turn;
    let chat = msg.chat.id;
    let Some((member, case)) = hop_member(app, members, hop_id).await? else {
        tell(bot, chat, app, HotlineText::NotAllowed).await?;
        return Ok(());
    };
    let text = msg
        .text()
        .or(msg.caption())
        .unwrap_or("")
        .trim()
        .to_string();
    let file = super::router::attachment_of(msg);
    if text.is_empty() && file.is_none() {
        return Ok(());
    }
    let delivery = Delivery {
        update_id,
        chat_id: chat.0,
        user_id,
    };
    let number = case.number.to_string();
    let actor = actor_of(member);
    let outcome = if returning {
        app.store
            .return_hop(hop_id, member.person.id, &text, Some(&delivery), &actor)
            .await?
    } else {
        let calendar = app.store.working_calendar().await?;
        let (clocks, tz) = time(app);
        let case_time = CaseTime {
            clocks: &clocks,
            calendar: &calendar,
            time_zone: tz,
            hours: app.rules.hours,
        };
        let files: Vec<NewAttachment> = file.into_iter().collect();
        app.store
            .answer_hop(
                hop_id,
                member.person.id,
                &text,
                &files,
                &case_time,
                Some(&delivery),
                &actor,
            )
            .await?
    };
    match outcome {
        Ok(state) => {
            let Some(updated) = app.store.case(case.number).await? else {
                return Ok(());
            };
            let late = updated.hops.iter().any(|h| h.id == hop_id && h.late);
            let text = match (returning, late) {
                (true, _) => HotlineText::Returned { number: &number },
                (false, true) => HotlineText::AnsweredLate { number: &number },
                (false, false) => HotlineText::Answered { number: &number },
            };
            say(app, bot, chat, text.render(app.lang), None, Some(msg.id)).await?;
            let event = format!("{}:{hop_id}:{}", state.as_str(), update_id);
            if returning || state == CaseState::Answered || state == CaseState::Returned {
                notify_hotline(app, &updated, &event).await?;
            }
        }
        Err(CaseRefusal::Duplicate) => {}
        Err(_) => {
            tell(bot, chat, app, HotlineText::NotAllowed).await?;
        }
    }
    Ok(())
}

/// The operator's buttons: informed and close, reopen, route to a unit.
pub async fn on_case_button(turn: Turn<'_>, action: OperatorAction, case_id: i64) -> HandlerResult {
    let Turn {
        bot,
        app,
        chat,
        update_id,
        user_id,
        members,
    } = turn;
    let Some(operator) = is_hotline(members) else {
        tell(bot, chat, app, HotlineText::OnlyHotline).await?;
        return Ok(());
    };
    let delivery = Delivery {
        update_id,
        chat_id: chat.0,
        user_id,
    };
    let actor = actor_of(operator);
    let action = match action {
        OperatorAction::Informed => CaseAction::Informed,
        OperatorAction::Close => CaseAction::Close,
        OperatorAction::Reopen => CaseAction::Reopen,
        OperatorAction::Forward | OperatorAction::Move => {
            let draft = Draft::new(operator.person.id, Step::OtherUnit);
            let state = serde_json::to_string(&Waiting::Route {
                case_id,
                draft: Box::new(draft),
                withdraw: action == OperatorAction::Move,
            })?;
            app.store
                .set_dialogue(update_id, chat.0, user_id, Some(&state))
                .await?;
            tell(bot, chat, app, HotlineText::AskOtherUnit).await?;
            return Ok(());
        }
    };
    match app
        .store
        .operate_case(case_id, action, Some(&delivery), &actor)
        .await?
    {
        Ok(state) => {
            let number = app
                .store
                .case_number(case_id)
                .await?
                .unwrap_or(CaseNumber { year: 0, seq: 0 });
            let number = number.to_string();
            let text = match state {
                CaseState::Closed => HotlineText::Closed { number: &number },
                CaseState::Reopened => HotlineText::Reopened { number: &number },
                _ => HotlineText::Informed { number: &number },
            };
            tell(bot, chat, app, text).await?;
            if state == CaseState::Reopened {
                let state = serde_json::to_string(&Waiting::Route {
                    case_id,
                    draft: Box::new(Draft::new(operator.person.id, Step::OtherUnit)),
                    withdraw: false,
                })?;
                app.store
                    .set_dialogue(update_id, chat.0, user_id, Some(&state))
                    .await?;
            }
        }
        Err(CaseRefusal::Duplicate) => {}
        Err(_) => {
            tell(bot, chat, app, HotlineText::NotAllowed).await?;
        }
    }
    Ok(())
}

/// Which case the operator is routing, and whether the units holding it are relieved (moving
/// it) or keep it (adding a unit).
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub case_id: i64,
    pub withdraw: bool,
}

/// Routing an existing case (after a return or a reopen, or adding or moving a unit): the
/// operator types a unit's name.
pub async fn on_route_message(
    turn: Turn<'_>,
    route: Route,
    typed: &str,
    unit_id: Option<i64>,
) -> HandlerResult {
    let Turn {
        bot,
        app,
        chat,
        update_id,
        user_id,
        ..
    } = turn;
    let case_id = route.case_id;
    if matches!(match_key(typed).as_str(), "huy" | "cancel") {
        return cancel(bot, chat, app, update_id, user_id).await;
    }
    let unit = match unit_id {
        Some(id) => id,
        None => {
            let found = find_units(app, typed, false).await?;
            match found.as_slice() {
                [] => {
                    tell(bot, chat, app, HotlineText::NoUnitFound).await?;
                    return Ok(());
                }
                [(id, _)] => *id,
                many => {
                    let rows = many
                        .iter()
                        .take(MAX_CHOICES)
                        .map(|(id, name)| vec![intake(name.clone(), Intake::Unit(*id))])
                        .collect();
                    let text = HotlineText::ChooseUnit.render(app.lang);
                    say(app, bot, chat, text, keyboard(rows), None).await?;
                    return Ok(());
                }
            }
        }
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
    let actor = Actor::new(format!("telegram:{user_id}"));
    let relieved: Vec<i64> = match app.store.case_number(case_id).await? {
        Some(number) if route.withdraw => app
            .store
            .case(number)
            .await?
            .map(|c| c.live_hops().map(|h| h.id).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let hops = match app
        .store
        .forward_case(
            case_id,
            &[unit],
            route.withdraw,
            None,
            &case_time,
            Some(&delivery),
            &actor,
        )
        .await?
    {
        Ok(hops) => hops,
        Err(CaseRefusal::Duplicate) => return Ok(()),
        Err(_) => {
            tell(bot, chat, app, HotlineText::NotAllowed).await?;
            return Ok(());
        }
    };
    let Some(number) = app.store.case_number(case_id).await? else {
        return Ok(());
    };
    if let Some(case) = app.store.case(number).await? {
        let unreached = notify_units(app, &case, &hops).await?;
        notify_withdrawn(app, &case, &relieved).await?;
        let text = hotline::case_card(&case, Reader::Hotline, tz, app.lang);
        say(app, bot, chat, text, None, None).await?;
        warn_unreached(bot, chat, app, &case, &unreached).await?;
    }
    Ok(())
}

/// `/vuviec [number]`: one case, or the open cases the member can see.
pub async fn show(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    members: &[Member],
    args: &str,
) -> HandlerResult {
    let hotline_member = is_hotline(members).is_some();
    let unit_ids: Vec<i64> = members.iter().map(|m| m.unit.id).collect();
    let reader = if hotline_member {
        Reader::Hotline
    } else {
        Reader::Unit
    };
    if !args.is_empty() {
        let found = match CaseNumber::parse(args) {
            Ok(number) => app.store.case(number).await?,
            Err(_) => None,
        };
        let visible = found
            .filter(|c| hotline_member || c.hops.iter().any(|h| unit_ids.contains(&h.unit.id)));
        let Some(case) = visible else {
            let text = HotlineText::CaseNotFound { number: args };
            tell(bot, chat, app, text).await?;
            return Ok(());
        };
        let text = hotline::case_card(&case, reader, app.time_zone, app.lang);
        let markup = if hotline_member {
            hotline::operator_keyboard(&case, app.lang)
        } else {
            case.live_hops()
                .find(|h| unit_ids.contains(&h.unit.id))
                .map(|h| hotline::hop_keyboard(h.id, app.lang))
        };
        let markup = markup.map(|m| telegram::render(&m));
        say(app, bot, chat, text, markup, None).await?;
        return Ok(());
    }
    let cases = if hotline_member {
        app.store.open_cases(None).await?
    } else {
        app.store.open_cases(Some(&unit_ids)).await?
    };
    if cases.is_empty() {
        tell(bot, chat, app, HotlineText::NoOpenCases).await?;
        return Ok(());
    }
    let mut lines = vec![HotlineText::OpenCasesHeader(cases.len()).render(app.lang)];
    for case in &cases {
        lines.push(format!(
            "{} · {} · {} · {}",
            case.number,
            HotlineText::State(case.state).render(app.lang),
            case.place.name,
            crate::domain::text::ellipsize(&case.content, 50)
        ));
    }
    for part in split_message(&lines.join("\n"), TELEGRAM_TEXT_LIMIT) {
        say(app, bot, chat, part, None, None).await?;
    }
    Ok(())
}
