//! The hotline's later steps in chat: the unit's members accept a case, return it with a
//! reason or answer it (case hops), the operator closes, reopens or routes it; `/vuviec`
//! shows cases. The intake (`/phananh`) and the notices are in `hotline.rs`.

use teloxide::prelude::*;

use crate::chat::telegram;
use crate::chat::{HopAction, Intake, OperatorAction};

use super::cards::Waiting;
use super::hotline::{
    actor_of, cancel, find_units, intake, is_hotline, keyboard, notify_hotline, notify_units,
    notify_withdrawn, tell, time, warn_unreached, Draft, Step, MAX_CHOICES,
};
use super::router::Turn;
use super::send::{say, HandlerResult};
use super::App;
use crate::domain::case::{CaseNumber, CaseState};
use crate::domain::text::{match_key, split_message, TELEGRAM_TEXT_LIMIT};
use crate::domain::{Actor, CaseHopId, CaseId, UnitId};
use crate::hotline::{self, Reader};
use crate::messages::HotlineText;
use crate::store::{
    CaseAction, CaseRefusal, CaseTime, CaseView, Delivery, Member, NewAttachment, StoreError,
};

/// The member of the hop's unit pressing or replying, if they are one.
async fn hop_member<'m>(
    app: &App,
    members: &'m [Member],
    hop_id: CaseHopId,
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
pub async fn on_hop_button(turn: Turn<'_>, action: HopAction, hop_id: CaseHopId) -> HandlerResult {
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
    hop_id: CaseHopId,
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
pub async fn on_case_button(
    turn: Turn<'_>,
    action: OperatorAction,
    case_id: CaseId,
) -> HandlerResult {
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
    pub case_id: CaseId,
    pub withdraw: bool,
}

/// Routing an existing case (after a return or a reopen, or adding or moving a unit): the
/// operator types a unit's name.
pub async fn on_route_message(
    turn: Turn<'_>,
    route: Route,
    typed: &str,
    unit_id: Option<UnitId>,
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
    let relieved: Vec<CaseHopId> = match app.store.case_number(case_id).await? {
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
    let unit_ids: Vec<UnitId> = members.iter().map(|m| m.unit.id).collect();
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
