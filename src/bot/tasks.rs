//! What the bot does with each message and button press.
//!
//! Every effect goes through a store method that takes the update id, so a redelivered
//! update changes nothing; a reply saying "recorded" is sent only after the commit.

use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Span;
use teloxide::payloads::SendMessageSetters;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, ReplyParameters};
use teloxide::RequestError;

use super::cards::{self, Callback, Proposed, Waiting};
use super::{invitation, App};
use crate::chat::Intake;
use crate::domain::text::{split_message, TELEGRAM_TEXT_LIMIT};
use crate::domain::unit::{subtree, Unit};
use crate::domain::MessageKind;
use crate::domain::{
    AssignmentId, AssignmentStatus, CaseHopId, EscalationStep, HeldFileId, PeriodId, PersonId,
    StatusUpdateId, UnitId, UnitKind, UpdateId,
};
use crate::messages::BotText;
use crate::ops::UpdateKind;
use crate::store::{
    Applied, AssignmentCard, BotAction, Effect, Member, MessageSubject, NewAttachment, NewMessage,
    Redeemed, StatusReply, StoreError, Subject, Submission,
};

pub(super) type HandlerResult = anyhow::Result<()>;

/// More bad codes than this from one chat within an hour are refused unchecked.
const MAX_BAD_CODES_PER_HOUR: i64 = 5;

/// A command and its argument: "/viec@dondoc_bot 2" → ("viec", "2").
pub fn command(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix('/')?;
    let (head, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let name = head.split('@').next().unwrap_or(head);
    Some((name, args.trim()))
}

/// Sends `text` when Telegram's limits allow (paced with the outbox), waiting out its flood
/// limit a few times rather than dropping it.
pub(super) async fn say(
    app: &App,
    bot: &Bot,
    chat: ChatId,
    text: String,
    keyboard: Option<InlineKeyboardMarkup>,
    reply_to: Option<teloxide::types::MessageId>,
) -> Result<Message, RequestError> {
    retrying(&app.pacer, chat, || {
        let mut request = bot.send_message(chat, text.clone());
        if let Some(keyboard) = &keyboard {
            request = request.reply_markup(keyboard.clone());
        }
        if let Some(id) = reply_to {
            request =
                request.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
        }
        request
    })
    .await
}

/// Sends what `send` builds to `chat` in the slot `pacer` gives it, waiting out Telegram's
/// flood limit (every send of the process waits with it) and network failures up to three
/// times before giving the error back.
pub(super) async fn retrying<R, F>(
    pacer: &crate::chat::Pacer,
    chat: ChatId,
    mut send: F,
) -> Result<Message, RequestError>
where
    F: FnMut() -> R,
    R: std::future::IntoFuture<Output = Result<Message, RequestError>>,
{
    let mut attempt = 0;
    loop {
        if let Err(wait) = pacer.reply_slot(chat.0).await {
            let seconds = u32::try_from(wait.as_secs().max(1)).unwrap_or(u32::MAX);
            return Err(RequestError::RetryAfter(
                teloxide::types::Seconds::from_seconds(seconds),
            ));
        }
        match send().await {
            // Every 429 holds the process's sends, the last one too (its reply goes to the
            // outbox, which must not send straight into the same flood limit).
            Err(RequestError::RetryAfter(wait)) => {
                pacer.pause(wait.duration());
                if attempt >= 3 {
                    return Err(RequestError::RetryAfter(wait));
                }
                attempt += 1;
            }
            Err(RequestError::Network(_)) if attempt < 3 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
            }
            other => return other,
        }
    }
}

/// Confirms an effect already committed (keyed by `update_id`). If Telegram still refuses
/// after [`say`]'s retries, the confirmation goes to the outbox, which keeps trying: a
/// recorded reply is never left unconfirmed.
async fn confirm(
    bot: &Bot,
    app: &App,
    chat: ChatId,
    update_id: i64,
    text: String,
    reply_to: Option<teloxide::types::MessageId>,
) -> HandlerResult {
    if let Err(e) = say(app, bot, chat, text.clone(), None, reply_to).await {
        tracing::warn!(error = %e, update_id, "confirmation not sent; queued in the outbox");
        let message = NewMessage {
            key: format!("reply:{update_id}:{}", chat.0),
            kind: MessageKind::Reply,
            chat_id: chat.0,
            person_id: None,
            body: text,
            reply_markup: None,
            subject: MessageSubject::default(),
        };
        app.store.enqueue(&[message]).await?;
    }
    Ok(())
}

/// The subject of one of the bot's messages read from its own buttons, for a message whose id
/// the bot never learned: a copy sent twice when Telegram's answer was lost (a time-out after
/// Telegram took it), which the member may well answer.
fn subject_from_buttons(original: &Message) -> Option<Subject> {
    let keyboard = original.reply_markup()?;
    let mut subjects = keyboard
        .inline_keyboard
        .iter()
        .flatten()
        .filter_map(|button| {
            let teloxide::types::InlineKeyboardButtonKind::CallbackData(data) = &button.kind else {
                return None;
            };
            match Callback::decode(data)? {
                Callback::Report { period_id, unit_id } => Some(Subject::Report {
                    period_id: PeriodId(period_id),
                    unit_id: UnitId(unit_id),
                }),
                Callback::Status { assignment_id, .. } => {
                    Some(Subject::Assignment(AssignmentId(assignment_id)))
                }
                Callback::Hop { hop_id, .. } => Some(Subject::CaseHop(CaseHopId(hop_id))),
                _ => None,
            }
        });
    let first = subjects.next()?;
    // A list of several items (the /baocao list) names none of them: never guess one.
    subjects.all(|s| s == first).then_some(first)
}

/// For an update whose effect is already committed: `Some(true)` when a stopped run kept it
/// (its confirmation may never have gone out), `Some(false)` for a second delivery of it.
/// `None`: handle it. A database failure handles it; its own writes will meet the failure.
async fn already_handled(app: &App, update: &Update) -> Option<bool> {
    let replayed = app.take_replayed(update.id.0);
    match app.store.was_processed(i64::from(update.id.0)).await {
        Ok(true) => Some(replayed),
        Ok(false) | Err(_) => None,
    }
}

async fn tell(
    bot: &Bot,
    app: &App,
    chat: ChatId,
    text: BotText<'_>,
) -> Result<Message, RequestError> {
    say(app, bot, chat, text.render(app.lang), None, None).await
}

/// The answer to a message the bot did not understand, unless the chat floods the bot.
async fn hint(bot: &Bot, app: &App, chat: ChatId, text: BotText<'_>) -> HandlerResult {
    use super::flood::HintVerdict;
    match app.hints.verdict(chat.0, std::time::Instant::now()) {
        HintVerdict::Send => {
            tell(bot, app, chat, text).await?;
        }
        HintVerdict::SlowDown => {
            tell(bot, app, chat, BotText::SlowDown).await?;
        }
        HintVerdict::Quiet => {}
    }
    Ok(())
}

/// After a failed update: if the database failed, nothing was confirmed, so ask to send
/// again. (A Telegram failure after a commit must not be answered with "not saved".)
async fn ask_to_resend_if_unsaved(
    bot: &Bot,
    app: &App,
    chat: ChatId,
    reply_to: Option<teloxide::types::MessageId>,
    error: &anyhow::Error,
) -> Result<(), RequestError> {
    if error.downcast_ref::<StoreError>().is_some() {
        say(
            app,
            bot,
            chat,
            BotText::SaveFailed.render(app.lang),
            None,
            reply_to,
        )
        .await?;
    }
    Ok(())
}

pub async fn on_message(bot: Bot, msg: Message, update: Update, app: Arc<App>) -> HandlerResult {
    match already_handled(&app, &update).await {
        Some(true) => {
            // Kept by a run that stopped after recording it, perhaps before saying so.
            confirm(
                &bot,
                &app,
                msg.chat.id,
                i64::from(update.id.0),
                BotText::AlreadyRecorded.render(app.lang),
                Some(msg.id),
            )
            .await?;
            super::inbox::handled(&app.store, update.id.0).await;
            return Ok(());
        }
        Some(false) => {
            super::inbox::handled(&app.store, update.id.0).await;
            return Ok(());
        }
        None => {}
    }
    app.metrics.update_handled(UpdateKind::Message);
    if let Err(e) = handle_message(&bot, &msg, &update, &app).await {
        app.metrics.update_failed(UpdateKind::Message);
        tracing::error!(error = %e, update_id = update.id.0, "message not handled");
        // The database failed: nothing was confirmed, so ask to send again. (A Telegram
        // failure after a commit must not be answered with "not saved".)
        ask_to_resend_if_unsaved(&bot, &app, msg.chat.id, Some(msg.id), &e).await?;
    }
    super::inbox::handled(&app.store, update.id.0).await;
    Ok(())
}

async fn handle_message(bot: &Bot, msg: &Message, update: &Update, app: &App) -> HandlerResult {
    let (bot, app) = (bot.clone(), app);
    let Some(user) = msg.from.as_ref() else {
        return Ok(());
    };
    let user_id = user.id.0 as i64;
    let update_id = i64::from(update.id.0);
    if msg.chat.is_private() {
        // Someone who writes to the bot can be written to again.
        app.store.mark_reachable(user_id).await?;
    }
    let text = msg.text().or(msg.caption()).unwrap_or("").trim();
    if let Some((name, args)) = command(text) {
        return on_command(&bot, msg, app, update_id, user_id, name, args).await;
    }
    // In a group only members of the group's unit count; everyone else is ignored there.
    let members = match members_here(app, &msg.chat, user_id).await? {
        Here::Members(members) => members,
        Here::Stranger if msg.chat.is_private() => {
            tell(&bot, app, msg.chat.id, BotText::NotRegistered).await?;
            return Ok(());
        }
        Here::Stranger | Here::UnboundGroup(_) => return Ok(()),
    };
    let localized = app.localized(&members);
    let app = localized.as_ref().unwrap_or(app);
    on_report(&bot, msg, app, update_id, user_id, &members).await
}

/// Who a user counts as in this chat.
enum Here {
    /// Their memberships (in a group: only those of the group's unit).
    Members(Vec<Member>),
    /// Not linked, or in a group that belongs to another unit.
    Stranger,
    /// A linked member in a group not yet bound to a unit: their memberships, to bind it.
    UnboundGroup(Vec<Member>),
}

async fn members_here(
    app: &App,
    chat: &teloxide::types::Chat,
    user_id: i64,
) -> anyhow::Result<Here> {
    let members = app.store.members_of_user(user_id).await?;
    if members.is_empty() {
        return Ok(Here::Stranger);
    }
    if chat.is_private() {
        return Ok(Here::Members(members));
    }
    Ok(match app.store.group_unit(chat.id.0).await? {
        None => Here::UnboundGroup(members),
        Some(unit_id) => {
            let own: Vec<Member> = members
                .into_iter()
                .filter(|m| m.unit_id() == unit_id)
                .collect();
            if own.is_empty() {
                Here::Stranger
            } else {
                Here::Members(own)
            }
        }
    })
}

/// Remembers what the bot now waits for; false when this update was handled before.
async fn start_waiting(
    app: &App,
    update_id: i64,
    chat: ChatId,
    user_id: i64,
    waiting: &Waiting,
) -> anyhow::Result<bool> {
    let effect = app
        .store
        .save_dialogue(UpdateId(update_id), chat.0, user_id, Some(waiting))
        .await?;
    Ok(effect == Effect::Done(()))
}

/// What the bot waits for from `user_id` in `chat` ([`crate::store::Store::load_dialogue`]:
/// a stored state that cannot be read is logged and taken as no question).
async fn waiting_of(app: &App, chat: ChatId, user_id: i64) -> anyhow::Result<Option<Waiting>> {
    Ok(app
        .store
        .load_dialogue::<Waiting>(chat.0, user_id)
        .await?
        .map(|(waiting, _)| waiting))
}

/// `/ngonngu en|vi`: the language the bot speaks to this person from now on.
async fn set_language(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    update_id: i64,
    user_id: i64,
    choice: &str,
) -> HandlerResult {
    let Ok(lang) = choice.parse::<crate::domain::Lang>() else {
        tell(bot, app, chat, BotText::LanguageUsage).await?;
        return Ok(());
    };
    if app
        .store
        .set_language(UpdateId(update_id), user_id, lang)
        .await?
        == Effect::Done(())
    {
        say(
            app,
            bot,
            chat,
            BotText::LanguageSet.render(lang),
            None,
            None,
        )
        .await?;
    }
    Ok(())
}

/// `/nhom [UNIT]` in a group: the group now belongs to the member's unit.
async fn bind_group(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: i64,
    members: &[Member],
    code: &str,
) -> HandlerResult {
    let chat = msg.chat.id;
    if msg.chat.is_private() {
        tell(bot, app, chat, BotText::GroupOnly).await?;
        return Ok(());
    }
    let chosen = match (code.is_empty(), members) {
        (true, [only]) => Some(only),
        (true, _) => None,
        (false, _) => members
            .iter()
            .find(|m| m.unit.code.as_str().eq_ignore_ascii_case(code)),
    };
    let Some(member) = chosen else {
        let codes: Vec<&str> = members.iter().map(|m| m.unit.code.as_str()).collect();
        say(
            app,
            bot,
            chat,
            BotText::ChooseUnit {
                codes: &codes.join(", "),
            }
            .render(app.lang),
            None,
            None,
        )
        .await?;
        return Ok(());
    };
    if app
        .store
        .bind_group(UpdateId(update_id), chat.0, member)
        .await?
        == Effect::Done(())
    {
        tell(
            bot,
            app,
            chat,
            BotText::GroupBound {
                unit: &member.unit.name,
            },
        )
        .await?;
    }
    Ok(())
}

async fn on_command(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: i64,
    user_id: i64,
    name: &str,
    args: &str,
) -> HandlerResult {
    let chat = msg.chat.id;
    if name == "start" {
        return on_start(bot, chat, app, update_id, user_id, args).await;
    }
    // A command in between cancels the question the bot was waiting on (a hotline intake
    // keeps its own dialogue).
    cancel_question(app, chat, user_id).await?;
    if name == "trogiup" || name == "help" {
        let members = app.store.members_of_user(user_id).await?;
        let localized = app.localized(&members);
        let app = localized.as_ref().unwrap_or(app);
        // Only the commands of the person's role; the widest role they hold wins.
        let text = match members
            .iter()
            .map(|m| m.person.role)
            .max_by_key(|r| role_rank(*r))
        {
            Some(role) => BotText::HelpFor(role),
            None => BotText::Help,
        };
        tell(bot, app, chat, text).await?;
        return Ok(());
    }
    let members = match members_here(app, &msg.chat, user_id).await? {
        Here::Members(members) => members,
        Here::UnboundGroup(members) if name == "nhom" => members,
        Here::UnboundGroup(_) => {
            tell(bot, app, chat, BotText::GroupNotBound).await?;
            return Ok(());
        }
        Here::Stranger if msg.chat.is_private() => {
            tell(bot, app, chat, BotText::NotRegistered).await?;
            return Ok(());
        }
        Here::Stranger => {
            if name == "nhom" {
                tell(bot, app, chat, BotText::GroupTaken).await?;
            }
            return Ok(());
        }
    };
    let localized = app.localized(&members);
    let app = localized.as_ref().unwrap_or(app);
    match name {
        "nhom" => bind_group(bot, msg, app, update_id, &members, args).await,
        "ngonngu" | "language" => set_language(bot, chat, app, update_id, user_id, args).await,
        "viec" => send_task_page(bot, chat, app, &members, 0, None).await,
        "baocao" => send_reports(bot, chat, app, &members, 0, None).await,
        "tinhhinh" => send_overview(bot, chat, app, &members, args).await,
        "phananh" => super::hotline::start(bot, chat, app, update_id, user_id, &members).await,
        "vuviec" => super::hotline::show(bot, chat, app, &members, args).await,
        "tonghop" => send_digest(bot, chat, app, &members, false).await,
        "quahan" => send_digest(bot, chat, app, &members, true).await,
        "xuat" => super::export::send(bot, chat, app, &members, args).await,
        _ => hint(bot, app, chat, BotText::Hint).await,
    }
}

async fn on_start(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    update_id: i64,
    user_id: i64,
    code: &str,
) -> HandlerResult {
    if code.is_empty() {
        let members = app.store.members_of_user(user_id).await?;
        let text = match members.first() {
            Some(m) => welcome(app, m),
            None => BotText::NeedInvitation.render(app.lang),
        };
        say(app, bot, chat, text, None, None).await?;
        return Ok(());
    }
    let since = app.clock.now() - Span::hours(1);
    if app.store.recent_start_failures(chat.0, since).await? >= MAX_BAD_CODES_PER_HOUR {
        app.store
            .record_refused_start(chat.0, app.clock.now())
            .await?;
        tell(bot, app, chat, BotText::TooManyBadCodes).await?;
        return Ok(());
    }
    // A malformed code is looked up like any other, so it counts as a bad attempt too.
    let hash = invitation::hash(code);
    let outcome = match app
        .store
        .redeem_invitation(UpdateId(update_id), &hash, user_id, chat.0)
        .await?
    {
        Effect::Done(outcome) => outcome,
        Effect::Duplicate => return Ok(()),
    };
    let text = match outcome {
        Redeemed::Linked(member) => welcome(app, &member),
        Redeemed::Unknown => BotText::CodeUnknown.render(app.lang),
        Redeemed::Used => BotText::CodeUsed.render(app.lang),
        Redeemed::Expired => BotText::CodeExpired.render(app.lang),
    };
    say(app, bot, chat, text, None, None).await?;
    Ok(())
}

fn welcome(app: &App, member: &Member) -> String {
    BotText::Welcome {
        name: &member.person.full_name,
        unit: &member.unit.name,
        role: &BotText::Role(member.person.role).render(app.lang),
    }
    .render(app.lang)
}

/// Which of a person's roles decides their `/trogiup`: the one with the most commands.
fn role_rank(role: crate::domain::PersonRole) -> u8 {
    use crate::domain::PersonRole as R;
    match role {
        R::Coordinator => 4,
        R::HotlineOperator => 3,
        R::Head => 2,
        R::Deputy | R::FocalPoint => 1,
    }
}

/// Forgets a pending note, file, report or proposal question of `user_id` in `chat`.
async fn cancel_question(app: &App, chat: ChatId, user_id: i64) -> anyhow::Result<()> {
    let waiting = waiting_of(app, chat, user_id).await?;
    if matches!(
        waiting,
        Some(
            Waiting::Note { .. }
                | Waiting::File { .. }
                | Waiting::Report { .. }
                | Waiting::Proposal { .. }
        )
    ) {
        app.store.clear_dialogue(chat.0, user_id).await?;
    }
    Ok(())
}

/// The open tasks of all the user's units as one numbered list, page `page` (0-based): sent,
/// or with `edit`, written over that message (the page buttons).
async fn send_task_page(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    members: &[Member],
    page: usize,
    edit: Option<teloxide::types::MessageId>,
) -> HandlerResult {
    let unit_ids: Vec<UnitId> = members.iter().map(Member::unit_id).collect();
    let cards = app.store.open_assignments(&unit_ids).await?;
    if cards.is_empty() {
        tell(bot, app, chat, BotText::NoOpenTasks).await?;
        return Ok(());
    }
    let (text, keyboard) = cards::task_list(&cards, page, app.today(), app.lang);
    show(app, bot, chat, text, keyboard, edit).await
}

/// Sends a list, or writes it over message `edit`.
async fn show(
    app: &App,
    bot: &Bot,
    chat: ChatId,
    text: String,
    keyboard: InlineKeyboardMarkup,
    edit: Option<teloxide::types::MessageId>,
) -> HandlerResult {
    match edit {
        Some(id) => {
            retrying(&app.pacer, chat, || {
                bot.edit_message_text(chat, id, text.clone())
                    .reply_markup(keyboard.clone())
            })
            .await?;
        }
        None => {
            say(app, bot, chat, text, Some(keyboard), None).await?;
        }
    }
    Ok(())
}

/// One task's card with its status buttons (a number under the `/viec` list).
async fn send_card(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    members: &[Member],
    assignment_id: i64,
) -> HandlerResult {
    let Some(card) = app
        .store
        .assignment_card(AssignmentId(assignment_id))
        .await?
    else {
        tell(bot, app, chat, BotText::ReplyToUnrelated).await?;
        return Ok(());
    };
    if member_for(members, &card).is_none() {
        tell(bot, app, chat, BotText::NotYourTask).await?;
        return Ok(());
    }
    let today = app.today();
    let next = app.store.next_report_due(&card.plan_code, today).await?;
    let sent = say(
        app,
        bot,
        chat,
        cards::card_text(&card, next, today, app.lang),
        Some(cards::card_keyboard(card.assignment_id.get(), app.lang)),
        None,
    )
    .await?;
    app.store
        .remember_bot_message(chat.0, i64::from(sent.id.0), card.assignment_id)
        .await?;
    Ok(())
}

/// The member through whom `user` may act on `card`: one of their own units.
fn member_for<'m>(members: &'m [Member], card: &AssignmentCard) -> Option<&'m Member> {
    members.iter().find(|m| m.unit.id == card.unit.id)
}

/// A text, document or photo that is not a command: a reply to a task or report message,
/// or the answer to the question the bot is waiting on (plain text only within
/// [`cards::QUESTION_TTL_MINUTES`]), or a file to file, or a status report in free text.
async fn on_report(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: i64,
    user_id: i64,
    members: &[Member],
) -> HandlerResult {
    let chat = msg.chat.id;
    let (waiting, asked_at) = match app.store.load_dialogue::<Waiting>(chat.0, user_id).await? {
        Some((waiting, at)) => (Some(waiting), Some(at)),
        None => (None, None),
    };
    match &waiting {
        Some(Waiting::Case { draft }) => {
            let draft = (**draft).clone();
            return super::hotline::on_draft_message(bot, msg, app, update_id, user_id, draft)
                .await;
        }
        Some(Waiting::Route {
            case_id, withdraw, ..
        }) => {
            let typed = msg.text().unwrap_or("").trim();
            let route = super::hotline::Route {
                case_id: *case_id,
                withdraw: *withdraw,
            };
            return super::hotline::on_route_message(
                bot, chat, app, update_id, user_id, route, typed, None,
            )
            .await;
        }
        Some(Waiting::HopReason { hop_id, .. }) => {
            return super::hotline::on_hop_message(
                bot, msg, app, update_id, user_id, members, *hop_id, true,
            )
            .await;
        }
        Some(Waiting::HopAnswer { hop_id, .. }) => {
            return super::hotline::on_hop_message(
                bot, msg, app, update_id, user_id, members, *hop_id, false,
            )
            .await;
        }
        _ => {}
    }
    // A reply names its subject, whatever the bot was waiting on.
    if let Some(original) = msg.reply_to_message() {
        let original_id = i64::from(original.id.0);
        if let Some(status_update_id) = app.store.bot_message_update(chat.0, original_id).await? {
            return add_note(bot, msg, app, update_id, user_id, members, status_update_id).await;
        }
        let subject = app
            .store
            .bot_message_subject(chat.0, original_id)
            .await?
            .or_else(|| subject_from_buttons(original));
        return match subject {
            Some(subject) => on_subject(bot, msg, app, update_id, user_id, members, subject).await,
            None if msg.chat.is_private() => match attachment_of(msg) {
                // A file in reply to something that is about no task: kept, and asked about.
                Some(file) => hold_file(bot, msg, app, update_id, user_id, members, file).await,
                None => hint(bot, app, chat, BotText::ReplyToUnrelated).await,
            },
            None => Ok(()),
        };
    }
    // Plain text or a file answers the pending question only while it is fresh.
    let fresh = asked_at
        .is_some_and(|at| app.clock.now() - at <= Span::minutes(cards::QUESTION_TTL_MINUTES));
    match (&waiting, fresh) {
        (
            Some(Waiting::Note {
                status_update_id, ..
            }),
            true,
        ) => {
            return add_note(
                bot,
                msg,
                app,
                update_id,
                user_id,
                members,
                *status_update_id,
            )
            .await;
        }
        (Some(Waiting::File { assignment_id, .. }), true) => {
            let subject = Subject::Assignment(*assignment_id);
            return on_subject(bot, msg, app, update_id, user_id, members, subject).await;
        }
        (
            Some(Waiting::Report {
                period_id, unit_id, ..
            }),
            true,
        ) => {
            let subject = Subject::Report {
                period_id: *period_id,
                unit_id: *unit_id,
            };
            return on_subject(bot, msg, app, update_id, user_id, members, subject).await;
        }
        _ => {}
    }
    // Files never reach the hint (nor its flood limit): in a private chat they are kept and
    // asked about; in a group, where photos are shared all day, only a reply files one.
    if let Some(file) = attachment_of(msg) {
        if msg.chat.is_private() {
            return hold_file(bot, msg, app, update_id, user_id, members, file).await;
        }
        return Ok(());
    }
    let text = msg.text().unwrap_or("").trim();
    let claims = crate::domain::status_text::parse(text);
    if !claims.is_empty() {
        return propose_claims(bot, msg, app, update_id, user_id, members, &claims).await;
    }
    // A late answer to a note question: only with the person's say-so.
    if let Some(Waiting::Note {
        status_update_id,
        person_id,
    }) = &waiting
    {
        if !text.is_empty() {
            let actions = vec![Proposed::Note {
                status_update_id: *status_update_id,
                note: text.to_string(),
                person_id: *person_id,
            }];
            return propose(bot, msg, app, update_id, user_id, actions, Vec::new()).await;
        }
    }
    if msg.chat.is_private() {
        hint(bot, app, chat, BotText::Hint).await?;
    }
    Ok(())
}

/// A message about a known subject (a reply to its message, or the answer to its question).
async fn on_subject(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: i64,
    user_id: i64,
    members: &[Member],
    subject: Subject,
) -> HandlerResult {
    match subject {
        Subject::Assignment(assignment_id) => {
            on_task_reply(
                bot,
                msg,
                app,
                update_id,
                user_id,
                members,
                assignment_id,
                None,
            )
            .await
        }
        Subject::CaseHop(hop_id) => {
            super::hotline::on_hop_message(
                bot,
                msg,
                app,
                update_id,
                user_id,
                members,
                hop_id.get(),
                false,
            )
            .await
        }
        Subject::Report { period_id, unit_id } => {
            on_report_reply(
                bot, msg, app, update_id, user_id, members, period_id, unit_id,
            )
            .await
        }
    }
}

/// A note (text, file or both) for status update `status_update_id`: the one its question or
/// confirmation was about.
async fn add_note(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: i64,
    user_id: i64,
    members: &[Member],
    status_update_id: StatusUpdateId,
) -> HandlerResult {
    let chat = msg.chat.id;
    let Some(update) = app.store.status_update(status_update_id).await? else {
        tell(bot, app, chat, BotText::ReplyToUnrelated).await?;
        return Ok(());
    };
    let Some(card) = app
        .store
        .assignment_card(AssignmentId(update.assignment_id))
        .await?
    else {
        tell(bot, app, chat, BotText::ReplyToUnrelated).await?;
        return Ok(());
    };
    let Some(member) = member_for(members, &card) else {
        tell(bot, app, chat, BotText::NotYourTask).await?;
        return Ok(());
    };
    let note = msg
        .text()
        .or(msg.caption())
        .unwrap_or("")
        .trim()
        .to_string();
    let attachment = attachment_of(msg);
    if note.is_empty() && attachment.is_none() {
        if msg.chat.is_private() {
            hint(bot, app, chat, BotText::Hint).await?;
        }
        return Ok(());
    }
    let action = BotAction::Note {
        status_update_id,
        person_id: member.person_id(),
        note,
        attachment: attachment.clone(),
    };
    match app
        .store
        .apply_bot_actions(UpdateId(update_id), chat.0, user_id, &[action])
        .await?
    {
        Effect::Done(_) => {
            app.metrics.status_reply_recorded();
            let text = BotText::NoteAdded {
                task: &cards::task_title(&card),
            }
            .render(app.lang);
            confirm(bot, app, chat, update_id, text, Some(msg.id)).await?;
            if let Some(file) = &attachment {
                super::files::keep(bot, app, file).await;
            }
        }
        Effect::Duplicate => {}
    }
    Ok(())
}

/// A file sent without a subject: kept at once, then the person taps what it belongs to.
async fn hold_file(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: i64,
    user_id: i64,
    members: &[Member],
    file: NewAttachment,
) -> HandlerResult {
    let chat = msg.chat.id;
    let caption = msg.caption().unwrap_or("").trim();
    let held = match app
        .store
        .hold_file(
            UpdateId(update_id),
            chat.0,
            user_id,
            i64::from(msg.id.0),
            caption,
            &file,
        )
        .await?
    {
        Effect::Done(id) => id,
        Effect::Duplicate => return Ok(()),
    };
    let unit_ids: Vec<UnitId> = members.iter().map(Member::unit_id).collect();
    let tasks = app.store.open_assignments(&unit_ids).await?;
    let reports: Vec<crate::store::ReportDue> = app
        .store
        .reports_owed(&unit_ids)
        .await?
        .into_iter()
        .filter(|r| r.submitted_at.is_none())
        .collect();
    if tasks.is_empty() && reports.is_empty() {
        tell(bot, app, chat, BotText::NoItemsForFile).await?;
        return Ok(());
    }
    // The most recently reminded (or shown) first; then the unsent reports (few, and what a
    // file most often is), earliest due first; then the tasks in list order.
    let shown = app.store.recently_shown(chat.0).await?;
    let rank = |assignment: Option<AssignmentId>, report: Option<(PeriodId, UnitId)>| {
        shown
            .iter()
            .position(|(a, r)| {
                (assignment.is_some() && *a == assignment) || (report.is_some() && *r == report)
            })
            .unwrap_or(usize::MAX)
    };
    let mut items: Vec<(usize, usize, teloxide::types::InlineKeyboardButton)> = Vec::new();
    for (index, card) in tasks.iter().enumerate() {
        let label = format!(
            "{}. {} {}",
            index + 1,
            card.task_code.as_deref().unwrap_or("·"),
            crate::domain::text::ellipsize(&card.text, 40)
        );
        let data = cards::Callback::FileTask {
            held: held.get(),
            assignment_id: card.assignment_id.get(),
        }
        .encode();
        items.push((
            rank(Some(card.assignment_id), None),
            reports.len() + index,
            teloxide::types::InlineKeyboardButton::callback(label, data),
        ));
    }
    for (index, report) in reports.iter().enumerate() {
        let label = format!("🗓 {} – {}", report.label, report.unit.name);
        let data = cards::Callback::FileReport {
            held: held.get(),
            period_id: report.period_id.get(),
            unit_id: report.unit.id,
        }
        .encode();
        items.push((
            rank(None, Some((report.period_id, report.unit.unit_id()))),
            index,
            teloxide::types::InlineKeyboardButton::callback(label, data),
        ));
    }
    items.sort_by_key(|(rank, index, _)| (*rank, *index));
    let mut rows: Vec<Vec<teloxide::types::InlineKeyboardButton>> = items
        .into_iter()
        .take(FILE_CHOICES)
        .map(|(_, _, button)| vec![button])
        .collect();
    rows.push(vec![teloxide::types::InlineKeyboardButton::callback(
        BotText::ButtonNoItem.render(app.lang),
        cards::Callback::FileNone(held.get()).encode(),
    )]);
    say(
        app,
        bot,
        chat,
        BotText::WhichItemForFile.render(app.lang),
        Some(InlineKeyboardMarkup::new(rows)),
        Some(msg.id),
    )
    .await?;
    Ok(())
}

/// Items offered for a held file: the most recently reminded first.
const FILE_CHOICES: usize = 8;

/// One tap under "which task is this file for?": files it there, with its caption as the note.
#[allow(clippy::too_many_arguments)]
async fn file_held(
    bot: &Bot,
    app: &App,
    chat: ChatId,
    asked: Asked<'_>,
    held_id: i64,
    target: Option<Subject>,
) -> HandlerResult {
    let Asked {
        update_id,
        user_id,
        members,
    } = asked;
    let Some(held) = app.store.held_file(HeldFileId(held_id)).await? else {
        return Ok(());
    };
    if held.user_id != user_id || held.chat_id != chat.0 {
        tell(bot, app, chat, BotText::NotYourTask).await?;
        return Ok(());
    }
    if held.filed {
        tell(bot, app, chat, BotText::QuestionClosed).await?;
        return Ok(());
    }
    let message_id = Some(held.telegram_message_id);
    let (action, text) = match target {
        None => {
            match app
                .store
                .apply_bot_actions(
                    UpdateId(update_id),
                    chat.0,
                    user_id,
                    &[BotAction::FileHeld(HeldFileId(held_id))],
                )
                .await?
            {
                Effect::Done(_) => tell(bot, app, chat, BotText::FileKeptUnfiled)
                    .await
                    .map(|_| ())?,
                Effect::Duplicate => {}
            }
            return Ok(());
        }
        Some(Subject::Assignment(assignment_id)) => {
            let Some(card) = app.store.assignment_card(assignment_id).await? else {
                tell(bot, app, chat, BotText::ReplyToUnrelated).await?;
                return Ok(());
            };
            let Some(member) = member_for(members, &card) else {
                tell(bot, app, chat, BotText::NotYourTask).await?;
                return Ok(());
            };
            let status = match card.status {
                AssignmentStatus::NotStarted => AssignmentStatus::InProgress,
                current => current,
            };
            let reply = StatusReply {
                assignment_id,
                status,
                note: held.caption.clone(),
                person_id: member.person_id(),
                telegram_message_id: message_id,
                attachment: Some(held.file.clone()),
            };
            let text = BotText::Recorded {
                task: &cards::task_title(&card),
                status,
            }
            .render(app.lang);
            (BotAction::Status(reply), text)
        }
        Some(Subject::Report { period_id, unit_id }) => {
            let Some(member) = members.iter().find(|m| m.unit_id() == unit_id) else {
                tell(bot, app, chat, BotText::NotYourTask).await?;
                return Ok(());
            };
            let Some(report) = app.store.report_due(period_id, unit_id).await? else {
                tell(bot, app, chat, BotText::ReplyToUnrelated).await?;
                return Ok(());
            };
            let submission = Submission {
                period_id,
                unit_id,
                person_id: member.person_id(),
                body: held.caption.clone(),
                telegram_message_id: message_id,
                attachment: Some(held.file.clone()),
            };
            let text = BotText::ReportReceived {
                report: &report.label,
                unit: &report.unit.name,
            }
            .render(app.lang);
            (BotAction::Submit(submission), text)
        }
        Some(Subject::CaseHop(_)) => return Ok(()),
    };
    match app
        .store
        .apply_bot_actions(
            UpdateId(update_id),
            chat.0,
            user_id,
            &[action, BotAction::FileHeld(HeldFileId(held_id))],
        )
        .await?
    {
        Effect::Done(_) => {
            app.metrics.status_reply_recorded();
            confirm(bot, app, chat, update_id, text, None).await?;
            super::files::keep(bot, app, &held.file).await;
        }
        Effect::Duplicate => {}
    }
    Ok(())
}

/// Free text that reads as status reports: what it would record, proposed with «Đúng» /
/// «Không phải». Numbers are the `/viec` list's; a dotted number is a task's own number.
async fn propose_claims(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: i64,
    user_id: i64,
    members: &[Member],
    claims: &[crate::domain::status_text::StatusClaim],
) -> HandlerResult {
    use crate::domain::status_text::{Claim, ItemRef};
    let unit_ids: Vec<UnitId> = members.iter().map(Member::unit_id).collect();
    let tasks = app.store.open_assignments(&unit_ids).await?;
    let mut actions = Vec::new();
    let mut unknown = Vec::new();
    for claim in claims {
        let found: Vec<&AssignmentCard> = match &claim.item {
            ItemRef::Number(n) => tasks
                .get((*n as usize).wrapping_sub(1))
                .into_iter()
                .collect(),
            ItemRef::Code(code) => tasks
                .iter()
                .filter(|c| c.task_code.as_deref() == Some(code.as_str()))
                .collect(),
            ItemRef::Report(words) => {
                let reports = app.store.reports_owed(&unit_ids).await?;
                let matching: Vec<&crate::store::ReportDue> = reports
                    .iter()
                    .filter(|r| r.submitted_at.is_none())
                    .filter(|r| crate::domain::status_text::report_matches(&r.label, words))
                    .collect();
                // "báo cáo quý" with two quarterly reports open: the one due nearest today,
                // named in the proposal for the person to confirm.
                let today = app.today();
                match matching
                    .iter()
                    .min_by_key(|r| (r.due_date - today).num_days().abs())
                {
                    Some(report) => {
                        if let Some(member) = members.iter().find(|m| m.unit.id == report.unit.id) {
                            actions.push(Proposed::Submit {
                                period_id: report.period_id,
                                unit_id: report.unit.unit_id(),
                                body: msg.text().unwrap_or("").trim().to_string(),
                                person_id: member.person_id(),
                            });
                        }
                    }
                    None => unknown.push(claim.item.to_string()),
                }
                continue;
            }
        };
        let [card] = found.as_slice() else {
            unknown.push(claim.item.to_string());
            continue;
        };
        let Some(member) = member_for(members, card) else {
            unknown.push(claim.item.to_string());
            continue;
        };
        let status = match claim.claim {
            Claim::Done | Claim::Submitted => AssignmentStatus::Done,
            Claim::InProgress => AssignmentStatus::InProgress,
            Claim::Blocked => AssignmentStatus::Blocked,
        };
        actions.push(Proposed::Status {
            assignment_id: card.assignment_id,
            status,
            note: claim.note.clone(),
            person_id: member.person_id(),
        });
    }
    propose(bot, msg, app, update_id, user_id, actions, unknown).await
}

/// Asks «Đúng» / «Không phải» before recording `actions`; `unknown` items are named.
async fn propose(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: i64,
    user_id: i64,
    actions: Vec<Proposed>,
    unknown: Vec<String>,
) -> HandlerResult {
    let chat = msg.chat.id;
    let mut lines = Vec::new();
    for action in &actions {
        match action {
            Proposed::Status {
                assignment_id,
                status,
                note,
                ..
            } => {
                let Some(card) = app.store.assignment_card(*assignment_id).await? else {
                    continue;
                };
                let status = *status;
                lines.push(
                    BotText::ProposeStatus {
                        task: &cards::task_title(&card),
                        status,
                    }
                    .render(app.lang),
                );
                if !note.is_empty() {
                    lines.push(BotText::ProposeNote { note }.render(app.lang));
                }
            }
            Proposed::Submit {
                period_id, unit_id, ..
            } => {
                if let Some(report) = app.store.report_due(*period_id, *unit_id).await? {
                    lines.push(
                        BotText::ProposeReport {
                            report: &report.label,
                            unit: &report.unit.name,
                        }
                        .render(app.lang),
                    );
                }
            }
            Proposed::Note {
                status_update_id,
                note,
                ..
            } => {
                let Some(update) = app.store.status_update(*status_update_id).await? else {
                    continue;
                };
                let Some(card) = app
                    .store
                    .assignment_card(AssignmentId(update.assignment_id))
                    .await?
                else {
                    continue;
                };
                lines.push(
                    BotText::ConfirmNote {
                        task: &cards::task_title(&card),
                        note: &crate::domain::text::ellipsize(note, 200),
                    }
                    .render(app.lang),
                );
            }
        }
    }
    for item in &unknown {
        lines.push(BotText::ProposeUnknown { item }.render(app.lang));
    }
    if actions.is_empty() {
        lines.push(BotText::ProposalDeclined.render(app.lang));
        say(app, bot, chat, lines.join("\n"), None, Some(msg.id)).await?;
        return Ok(());
    }
    let waiting = Waiting::Proposal {
        token: update_id,
        actions,
    };
    if !start_waiting(app, update_id, chat, user_id, &waiting).await? {
        return Ok(());
    }
    lines.push(BotText::ProposeFooter.render(app.lang));
    say(
        app,
        bot,
        chat,
        lines.join("\n"),
        Some(cards::proposal_keyboard(update_id, app.lang)),
        Some(msg.id),
    )
    .await?;
    Ok(())
}

/// «Đúng» / «Không phải» under a proposal: only the proposal still waiting, and only once.
async fn answer_proposal(
    bot: &Bot,
    app: &App,
    chat: ChatId,
    asked: Asked<'_>,
    token: i64,
    yes: bool,
) -> HandlerResult {
    let Asked {
        update_id,
        user_id,
        members,
    } = asked;
    let waiting = waiting_of(app, chat, user_id).await?;
    let Some(Waiting::Proposal { token: t, actions }) = waiting else {
        tell(bot, app, chat, BotText::QuestionClosed).await?;
        return Ok(());
    };
    if t != token {
        tell(bot, app, chat, BotText::QuestionClosed).await?;
        return Ok(());
    }
    if !yes {
        if app
            .store
            .set_dialogue(update_id, chat.0, user_id, None)
            .await?
            == Effect::Done(())
        {
            tell(bot, app, chat, BotText::ProposalDeclined).await?;
        }
        return Ok(());
    }
    let own_person = |person_id: PersonId| members.iter().any(|m| m.person_id() == person_id);
    let mut store_actions = Vec::new();
    for action in &actions {
        match action {
            Proposed::Status {
                assignment_id,
                status,
                note,
                person_id,
            } if own_person(*person_id) => store_actions.push(BotAction::Status(StatusReply {
                assignment_id: *assignment_id,
                status: *status,
                note: note.clone(),
                person_id: *person_id,
                telegram_message_id: None,
                attachment: None,
            })),
            Proposed::Submit {
                period_id,
                unit_id,
                body,
                person_id,
            } if own_person(*person_id) => store_actions.push(BotAction::Submit(Submission {
                period_id: *period_id,
                unit_id: *unit_id,
                person_id: *person_id,
                body: body.clone(),
                telegram_message_id: None,
                attachment: None,
            })),
            Proposed::Note {
                status_update_id,
                note,
                person_id,
            } if own_person(*person_id) => store_actions.push(BotAction::Note {
                status_update_id: *status_update_id,
                person_id: *person_id,
                note: note.clone(),
                attachment: None,
            }),
            _ => {}
        }
    }
    let applied = match app
        .store
        .apply_bot_actions(UpdateId(update_id), chat.0, user_id, &store_actions)
        .await?
    {
        Effect::Done(applied) => applied,
        Effect::Duplicate => return Ok(()),
    };
    let mut lines = Vec::new();
    for done in &applied {
        match done {
            Applied::Status(update) | Applied::Noted(update) => {
                app.metrics.status_reply_recorded();
                if let Some(card) = app
                    .store
                    .assignment_card(AssignmentId(update.assignment_id))
                    .await?
                {
                    let task = cards::task_title(&card);
                    lines.push(match done {
                        Applied::Noted(_) => BotText::NoteAdded { task: &task }.render(app.lang),
                        _ => BotText::Recorded {
                            task: &task,
                            status: update.status,
                        }
                        .render(app.lang),
                    });
                }
            }
            Applied::Submitted(_) => {
                app.metrics.report_recorded();
            }
            Applied::Filed => {}
        }
    }
    for action in &store_actions {
        if let BotAction::Submit(s) = action {
            if let Some(report) = app.store.report_due(s.period_id, s.unit_id).await? {
                lines.push(
                    BotText::ReportReceived {
                        report: &report.label,
                        unit: &report.unit.name,
                    }
                    .render(app.lang),
                );
            }
        }
    }
    if !lines.is_empty() {
        confirm(bot, app, chat, update_id, lines.join("\n"), None).await?;
    }
    Ok(())
}

/// A status update on a task: a reply to the task's card, or the file after «Gửi tài liệu».
#[allow(clippy::too_many_arguments)]
async fn on_task_reply(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: i64,
    user_id: i64,
    members: &[Member],
    assignment_id: AssignmentId,
    _pending: Option<Waiting>,
) -> HandlerResult {
    let chat = msg.chat.id;
    let Some(card) = app.store.assignment_card(assignment_id).await? else {
        tell(bot, app, chat, BotText::ReplyToUnrelated).await?;
        return Ok(());
    };
    let Some(member) = member_for(members, &card) else {
        tell(bot, app, chat, BotText::NotYourTask).await?;
        return Ok(());
    };
    // A plain reply starts an untouched task and keeps a finished or blocked one as it is.
    let status = match card.status {
        AssignmentStatus::NotStarted => AssignmentStatus::InProgress,
        current => current,
    };
    let note = msg
        .text()
        .or(msg.caption())
        .unwrap_or("")
        .trim()
        .to_string();
    let reply = StatusReply {
        assignment_id,
        status,
        note,
        person_id: member.person_id(),
        telegram_message_id: Some(i64::from(msg.id.0)),
        attachment: attachment_of(msg),
    };
    record(
        bot,
        app,
        chat,
        update_id,
        user_id,
        &card,
        &reply,
        Some(msg.id),
    )
    .await
}

/// A report for a period: what follows "Nộp báo cáo", or a reply to a report message.
#[allow(clippy::too_many_arguments)]
async fn on_report_reply(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: i64,
    user_id: i64,
    members: &[Member],
    period_id: PeriodId,
    unit_id: UnitId,
) -> HandlerResult {
    let chat = msg.chat.id;
    let Some(member) = members.iter().find(|m| m.unit_id() == unit_id) else {
        tell(bot, app, chat, BotText::NotYourTask).await?;
        return Ok(());
    };
    let Some(report) = app.store.report_due(period_id, unit_id).await? else {
        tell(bot, app, chat, BotText::ReplyToUnrelated).await?;
        return Ok(());
    };
    let submission = Submission {
        period_id,
        unit_id,
        person_id: member.person_id(),
        body: msg
            .text()
            .or(msg.caption())
            .unwrap_or("")
            .trim()
            .to_string(),
        telegram_message_id: Some(i64::from(msg.id.0)),
        attachment: attachment_of(msg),
    };
    match app
        .store
        .record_submission(UpdateId(update_id), chat.0, user_id, &submission)
        .await?
    {
        Effect::Done(_) => {
            app.metrics.report_recorded();
            let text = BotText::ReportReceived {
                report: &report.label,
                unit: &report.unit.name,
            };
            confirm(
                bot,
                app,
                chat,
                update_id,
                text.render(app.lang),
                Some(msg.id),
            )
            .await?;
            if let Some(file) = &submission.attachment {
                super::files::keep(bot, app, file).await;
            }
        }
        Effect::Duplicate => {}
    }
    Ok(())
}

/// Units listed in one `/tinhhinh` message: a screenful.
const OVERVIEW_LINES: usize = 30;

/// The units a member watches: a coordinating office everything under its parent (the city
/// or province it serves), a province or district everything under it, anyone else their own
/// unit. Tasks their units lead are added by the store.
pub(super) fn watched_units(members: &[Member], units: &[Unit]) -> Vec<i64> {
    let mut watched = std::collections::BTreeSet::new();
    for member in members {
        let Some(index) = units.iter().position(|u| u.id == member.unit.id) else {
            continue;
        };
        let root = match member.unit.kind {
            UnitKind::CoordinatingOffice => units[index]
                .parent
                .as_ref()
                .and_then(|p| units.iter().position(|u| &u.code == p))
                .unwrap_or(index),
            _ => index,
        };
        watched.extend(subtree(units, root).into_iter().map(|i| units[i].id));
    }
    watched.into_iter().collect()
}

/// `/tinhhinh [UNIT]`: progress of the units a member watches, or the open tasks of one.
async fn send_overview(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    members: &[Member],
    unit_code: &str,
) -> HandlerResult {
    let units = app.store.list_units().await?;
    let lead_ids: Vec<UnitId> = members.iter().map(Member::unit_id).collect();
    let progress = app
        .store
        .unit_progress(
            &watched_units(members, &units)
                .into_iter()
                .map(UnitId)
                .collect::<Vec<_>>(),
            &lead_ids,
        )
        .await?;
    if !unit_code.is_empty() {
        let Some(unit) = progress
            .iter()
            .find(|p| p.unit.code.as_str().eq_ignore_ascii_case(unit_code))
        else {
            tell(bot, app, chat, BotText::UnitNotVisible).await?;
            return Ok(());
        };
        let cards = app.store.open_assignments(&[unit.unit.unit_id()]).await?;
        let mut lines = vec![BotText::OverviewLine {
            unit: &unit.unit.name,
            done: unit.done,
            in_progress: unit.in_progress,
            blocked: unit.blocked,
            not_started: unit.not_started,
        }
        .render(app.lang)];
        let shown: Vec<&AssignmentCard> = cards.iter().take(OVERVIEW_LINES).collect();
        let blocked: Vec<AssignmentId> = shown
            .iter()
            .filter(|c| c.status == AssignmentStatus::Blocked)
            .map(|c| c.assignment_id)
            .collect();
        let notes = app.store.latest_notes(&blocked).await?;
        lines.extend(shown.iter().map(|c| {
            let status = match (c.status, notes.get(&c.assignment_id)) {
                // Blocked at the press, the reason not yet sent: say so.
                (AssignmentStatus::Blocked, Some(note)) if !note.trim().is_empty() => format!(
                    "{} – {}",
                    crate::messages::Text::Status(c.status).render(app.lang),
                    crate::domain::text::ellipsize(note, 80)
                ),
                (AssignmentStatus::Blocked, _) => BotText::BlockedNoReason.render(app.lang),
                (status, _) => crate::messages::Text::Status(status).render(app.lang),
            };
            format!("– {}: {status}", cards::task_title(c))
        }));
        let steps = app.store.escalations_of(&[unit.unit.id]).await?;
        if !steps.is_empty() {
            let count = |step| steps.iter().filter(|(_, _, _, s)| *s == step).count();
            lines.push(
                crate::messages::ChaseText::EscalationSummary {
                    nudged: count(EscalationStep::Nudge),
                    heads: count(EscalationStep::Heads),
                    office: count(EscalationStep::Office),
                }
                .render(app.lang),
            );
        }
        say(app, bot, chat, lines.join("\n"), None, None).await?;
        return Ok(());
    }
    if progress.is_empty() {
        tell(bot, app, chat, BotText::NothingToOverview).await?;
        return Ok(());
    }
    let mut lines = vec![BotText::OverviewHeader {
        units: progress.len(),
    }
    .render(app.lang)];
    for p in progress.iter().take(OVERVIEW_LINES) {
        let line = BotText::OverviewLine {
            unit: &p.unit.name,
            done: p.done,
            in_progress: p.in_progress,
            blocked: p.blocked,
            not_started: p.not_started,
        };
        lines.push(line.render(app.lang));
    }
    if progress.len() > OVERVIEW_LINES {
        lines.push(
            BotText::OverviewMore {
                units: progress.len() - OVERVIEW_LINES,
            }
            .render(app.lang),
        );
    }
    // Units of theirs no one can be told in (never reminded), and unreachable members.
    let watched: std::collections::HashSet<i64> =
        watched_units(members, &units).into_iter().collect();
    let gaps = app.store.reach_gaps().await?.within(&watched);
    let gap_lines = crate::scheduler::digest::reach_gap_lines(&gaps, 10, app.time_zone, app.lang);
    if !gap_lines.is_empty() {
        lines.push(String::new());
        lines.extend(gap_lines);
    }
    say(app, bot, chat, lines.join("\n"), None, None).await?;
    Ok(())
}

/// `/tonghop` (the daily digest, now) or `/quahan` (overdue items only), in as many
/// messages as it takes, split at line ends.
async fn send_digest(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    members: &[Member],
    overdue_only: bool,
) -> HandlerResult {
    // A coordinator's view wins over a lead unit's, which wins over a unit's own.
    let Some(member) = members
        .iter()
        .find(|m| m.person.role == crate::domain::PersonRole::Coordinator)
        .or_else(|| members.first())
    else {
        return Ok(());
    };
    let text = crate::scheduler::digest_on_demand(
        &app.store,
        &app.rules,
        member,
        app.clock.now(),
        overdue_only,
        app.lang,
    )
    .await?;
    for part in split_message(&text, TELEGRAM_TEXT_LIMIT) {
        say(app, bot, chat, part, None, None).await?;
    }
    Ok(())
}

/// `/baocao`: every report the member's units owe, as one numbered list with a «Nộp báo
/// cáo» button per item.
async fn send_reports(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    members: &[Member],
    page: usize,
    edit: Option<teloxide::types::MessageId>,
) -> HandlerResult {
    let unit_ids: Vec<UnitId> = members.iter().map(Member::unit_id).collect();
    let reports = app.store.reports_owed(&unit_ids).await?;
    if reports.is_empty() {
        tell(bot, app, chat, BotText::NoReportsOwed).await?;
        return Ok(());
    }
    let (text, keyboard) = cards::report_list(&reports, page, app.today(), app.lang);
    show(app, bot, chat, text, keyboard, edit).await
}

/// After "Nộp báo cáo": remember what we wait for and ask for the report.
async fn ask_for_report(
    bot: &Bot,
    app: &App,
    chat: ChatId,
    asked: Asked<'_>,
    period_id: PeriodId,
    unit_id: UnitId,
) -> HandlerResult {
    let Asked {
        update_id,
        user_id,
        members,
    } = asked;
    let Some(member) = members.iter().find(|m| m.unit_id() == unit_id) else {
        tell(bot, app, chat, BotText::NotYourTask).await?;
        return Ok(());
    };
    let Some(report) = app.store.report_due(period_id, unit_id).await? else {
        tell(bot, app, chat, BotText::ReplyToUnrelated).await?;
        return Ok(());
    };
    let waiting = Waiting::Report {
        period_id,
        unit_id,
        person_id: member.person_id(),
    };
    if !start_waiting(app, update_id, chat, user_id, &waiting).await? {
        return Ok(());
    }
    let text = BotText::AskReport {
        report: &report.label,
        unit: &report.unit.name,
    };
    let sent = say(app, bot, chat, text.render(app.lang), None, None).await?;
    app.store
        .remember_report_message(chat.0, i64::from(sent.id.0), period_id, unit_id)
        .await?;
    Ok(())
}

/// Saves a status reply and says so only once it is committed; a failure asks to resend.
#[allow(clippy::too_many_arguments)]
async fn record(
    bot: &Bot,
    app: &App,
    chat: ChatId,
    update_id: i64,
    user_id: i64,
    card: &AssignmentCard,
    reply: &StatusReply,
    reply_to: Option<teloxide::types::MessageId>,
) -> HandlerResult {
    match app
        .store
        .record_status_reply(UpdateId(update_id), chat.0, user_id, reply)
        .await
    {
        Ok(Effect::Done(update)) => {
            app.metrics.status_reply_recorded();
            let text = BotText::Recorded {
                task: &cards::task_title(card),
                status: update.status,
            }
            .render(app.lang);
            confirm(bot, app, chat, update_id, text, reply_to).await?;
            if let Some(file) = &reply.attachment {
                super::files::keep(bot, app, file).await;
            }
        }
        Ok(Effect::Duplicate) => {}
        Err(e) => {
            tracing::error!(error = %e, update_id, "status reply not saved");
            say(
                app,
                bot,
                chat,
                BotText::SaveFailed.render(app.lang),
                None,
                reply_to,
            )
            .await?;
        }
    }
    Ok(())
}

pub(super) fn attachment_of(msg: &Message) -> Option<NewAttachment> {
    if let Some(doc) = msg.document() {
        return Some(NewAttachment {
            file_id: doc.file.id.to_string(),
            file_unique_id: doc.file.unique_id.to_string(),
            file_name: doc.file_name.clone(),
            mime_type: doc.mime_type.as_ref().map(|m| m.to_string()),
            file_size: Some(i64::from(doc.file.size)),
        });
    }
    // Telegram sends several sizes of a photo; the last is the largest.
    let photo = msg.photo()?.last()?;
    Some(NewAttachment {
        file_id: photo.file.id.to_string(),
        file_unique_id: photo.file.unique_id.to_string(),
        file_name: None,
        mime_type: Some("image/jpeg".into()),
        file_size: Some(i64::from(photo.file.size)),
    })
}

pub async fn on_callback(
    bot: Bot,
    query: CallbackQuery,
    update: Update,
    app: Arc<App>,
) -> HandlerResult {
    // Answer first, whatever follows: a button must never keep spinning.
    if let Err(e) = bot.answer_callback_query(query.id.clone()).await {
        tracing::warn!(error = %e, "answerCallbackQuery failed");
    }
    if already_handled(&app, &update).await.is_some() {
        super::inbox::handled(&app.store, update.id.0).await;
        return Ok(());
    }
    if let Some(message) = query.regular_message() {
        app.metrics.update_handled(UpdateKind::Button);
        if let Err(e) = handle_callback(&bot, &query, message.chat.id, &update, &app).await {
            app.metrics.update_failed(UpdateKind::Button);
            tracing::error!(error = %e, update_id = update.id.0, "button not handled");
            ask_to_resend_if_unsaved(&bot, &app, message.chat.id, None, &e).await?;
        }
    }
    super::inbox::handled(&app.store, update.id.0).await;
    Ok(())
}

async fn handle_callback(
    bot: &Bot,
    query: &CallbackQuery,
    chat: ChatId,
    update: &Update,
    app: &App,
) -> HandlerResult {
    let user_id = query.from.id.0 as i64;
    let update_id = i64::from(update.id.0);
    let Some(message) = query.regular_message() else {
        return Ok(());
    };
    let members = match members_here(app, &message.chat, user_id).await? {
        Here::Members(members) => members,
        Here::Stranger if message.chat.is_private() => {
            tell(bot, app, chat, BotText::NotRegistered).await?;
            return Ok(());
        }
        Here::Stranger | Here::UnboundGroup(_) => return Ok(()),
    };
    let localized = app.localized(&members);
    let app = localized.as_ref().unwrap_or(app);
    let (update_id, members) = (update_id, members.as_slice());
    let asked = Asked {
        update_id,
        user_id,
        members,
    };
    match query.data.as_deref().and_then(Callback::decode) {
        Some(Callback::Page(page)) => {
            send_task_page(bot, chat, app, members, page, Some(message.id)).await
        }
        Some(Callback::ReportPage(page)) => {
            send_reports(bot, chat, app, members, page, Some(message.id)).await
        }
        Some(Callback::Open(assignment_id)) => {
            send_card(bot, chat, app, members, assignment_id).await
        }
        Some(Callback::Status {
            assignment_id,
            status,
        }) => press_status(bot, app, chat, asked, AssignmentId(assignment_id), status).await,
        Some(Callback::File { assignment_id }) => {
            ask_for(bot, app, chat, asked, AssignmentId(assignment_id)).await
        }
        Some(Callback::AddNote(status_update_id)) => {
            ask_note(bot, app, chat, asked, StatusUpdateId(status_update_id)).await
        }
        Some(Callback::SkipNote(status_update_id)) => {
            skip_note(
                bot,
                app,
                chat,
                asked,
                Some(StatusUpdateId(status_update_id)),
            )
            .await
        }
        Some(Callback::Skip) => skip_note(bot, app, chat, asked, None).await,
        Some(Callback::Report { period_id, unit_id }) => {
            ask_for_report(bot, app, chat, asked, PeriodId(period_id), UnitId(unit_id)).await
        }
        Some(Callback::FileTask {
            held,
            assignment_id,
        }) => {
            let target = Some(Subject::Assignment(AssignmentId(assignment_id)));
            file_held(bot, app, chat, asked, held, target).await
        }
        Some(Callback::FileReport {
            held,
            period_id,
            unit_id,
        }) => {
            let target = Some(Subject::Report {
                period_id: PeriodId(period_id),
                unit_id: UnitId(unit_id),
            });
            file_held(bot, app, chat, asked, held, target).await
        }
        Some(Callback::FileNone(held)) => file_held(bot, app, chat, asked, held, None).await,
        Some(Callback::Proposal { token, yes }) => {
            answer_proposal(bot, app, chat, asked, token, yes).await
        }
        Some(
            button @ (Callback::Hop { .. }
            | Callback::Case { .. }
            | Callback::Intake(_)
            | Callback::Stale),
        ) => hotline_button(bot, chat, app, asked, button).await,
        None => hint(bot, app, chat, BotText::Hint).await,
    }
}

/// The hotline's buttons: intake or routing, a unit's action on a case, the operator's.
async fn hotline_button(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    asked: Asked<'_>,
    button: Callback,
) -> HandlerResult {
    let Asked {
        update_id,
        user_id,
        members,
    } = asked;
    match button {
        Callback::Intake(intake) => {
            let waiting = waiting_of(app, chat, user_id).await?;
            match waiting {
                Some(Waiting::Case { draft }) => {
                    super::hotline::on_draft_button(
                        bot, chat, app, update_id, user_id, *draft, intake,
                    )
                    .await?;
                }
                Some(Waiting::Route {
                    case_id, withdraw, ..
                }) => {
                    let unit = match intake {
                        Intake::Place(id) | Intake::Unit(id) => Some(id),
                        _ => None,
                    };
                    if intake == Intake::Cancel || unit.is_some() {
                        super::hotline::on_route_message(
                            bot,
                            chat,
                            app,
                            update_id,
                            user_id,
                            super::hotline::Route { case_id, withdraw },
                            if unit.is_some() { "" } else { "huy" },
                            unit,
                        )
                        .await?;
                    }
                }
                _ => {}
            }
        }
        Callback::Hop { hop_id, action } => {
            super::hotline::on_hop_button(
                bot, chat, app, update_id, user_id, members, action, hop_id,
            )
            .await?;
        }
        Callback::Case { case_id, action } => {
            super::hotline::on_case_button(
                bot, chat, app, update_id, user_id, members, action, case_id,
            )
            .await?;
        }
        _ => {}
    }
    Ok(())
}

/// Who pressed a button, in which update.
#[derive(Clone, Copy)]
struct Asked<'m> {
    update_id: i64,
    user_id: i64,
    members: &'m [Member],
}

/// A status button: the status is recorded at once and confirmed, with «Thêm ghi chú»
/// for a note on that update; «Gặp vướng mắc» asks for the reason in the confirmation.
async fn press_status(
    bot: &Bot,
    app: &App,
    chat: ChatId,
    asked: Asked<'_>,
    assignment_id: AssignmentId,
    status: AssignmentStatus,
) -> HandlerResult {
    let Asked {
        update_id,
        user_id,
        members,
    } = asked;
    let Some(card) = app.store.assignment_card(assignment_id).await? else {
        tell(bot, app, chat, BotText::ReplyToUnrelated).await?;
        return Ok(());
    };
    let Some(member) = member_for(members, &card) else {
        tell(bot, app, chat, BotText::NotYourTask).await?;
        return Ok(());
    };
    let person_id = member.person_id();
    let reply = StatusReply {
        assignment_id,
        status,
        note: String::new(),
        person_id,
        telegram_message_id: None,
        attachment: None,
    };
    let reason = move |status_update_id: StatusUpdateId| {
        serde_json::to_string(&Waiting::Note {
            status_update_id,
            person_id,
        })
        .unwrap_or_default()
    };
    let next: Option<&(dyn Fn(StatusUpdateId) -> String + Send + Sync)> =
        (status == AssignmentStatus::Blocked).then_some(&reason);
    let update = match app
        .store
        .record_status_press(UpdateId(update_id), chat.0, user_id, &reply, next)
        .await?
    {
        Effect::Done(update) => update,
        Effect::Duplicate => return Ok(()),
    };
    app.metrics.status_reply_recorded();
    let title = cards::task_title(&card);
    let (text, keyboard) = match status {
        AssignmentStatus::Blocked => (BotText::RecordedBlocked { task: &title }, None),
        _ => (
            BotText::Recorded {
                task: &title,
                status,
            },
            Some(cards::add_note_keyboard(update.id, app.lang)),
        ),
    };
    let sent = match say(app, bot, chat, text.render(app.lang), keyboard, None).await {
        Ok(sent) => sent,
        Err(e) => {
            // Recorded: the confirmation must still go out.
            tracing::warn!(error = %e, update_id, "confirmation not sent; queued in the outbox");
            confirm(bot, app, chat, update_id, text.render(app.lang), None).await?;
            return Ok(());
        }
    };
    app.store
        .remember_update_message(
            chat.0,
            i64::from(sent.id.0),
            assignment_id,
            StatusUpdateId(update.id),
        )
        .await?;
    Ok(())
}

/// «Thêm ghi chú»: the note question for that update (and no other).
async fn ask_note(
    bot: &Bot,
    app: &App,
    chat: ChatId,
    asked: Asked<'_>,
    status_update_id: StatusUpdateId,
) -> HandlerResult {
    let Asked {
        update_id,
        user_id,
        members,
    } = asked;
    let Some(update) = app.store.status_update(status_update_id).await? else {
        tell(bot, app, chat, BotText::ReplyToUnrelated).await?;
        return Ok(());
    };
    let Some(card) = app
        .store
        .assignment_card(AssignmentId(update.assignment_id))
        .await?
    else {
        tell(bot, app, chat, BotText::ReplyToUnrelated).await?;
        return Ok(());
    };
    let Some(member) = member_for(members, &card) else {
        tell(bot, app, chat, BotText::NotYourTask).await?;
        return Ok(());
    };
    let waiting = Waiting::Note {
        status_update_id,
        person_id: member.person_id(),
    };
    if !start_waiting(app, update_id, chat, user_id, &waiting).await? {
        return Ok(());
    }
    let text = BotText::AskNoteFor {
        task: &cards::task_title(&card),
    };
    let sent = say(
        app,
        bot,
        chat,
        text.render(app.lang),
        Some(cards::skip_note_keyboard(status_update_id.get(), app.lang)),
        None,
    )
    .await?;
    app.store
        .remember_update_message(
            chat.0,
            i64::from(sent.id.0),
            card.assignment_id,
            status_update_id,
        )
        .await?;
    Ok(())
}

/// After «Gửi tài liệu»: remember what we wait for, then ask for the file.
async fn ask_for(
    bot: &Bot,
    app: &App,
    chat: ChatId,
    asked: Asked<'_>,
    assignment_id: AssignmentId,
) -> HandlerResult {
    let Asked {
        update_id,
        user_id,
        members,
    } = asked;
    let Some(card) = app.store.assignment_card(assignment_id).await? else {
        tell(bot, app, chat, BotText::ReplyToUnrelated).await?;
        return Ok(());
    };
    let Some(member) = member_for(members, &card) else {
        tell(bot, app, chat, BotText::NotYourTask).await?;
        return Ok(());
    };
    let waiting = Waiting::File {
        assignment_id,
        person_id: member.person_id(),
    };
    if !start_waiting(app, update_id, chat, user_id, &waiting).await? {
        return Ok(());
    }
    let title = cards::task_title(&card);
    let text = BotText::AskDocument { task: &title };
    let sent = say(app, bot, chat, text.render(app.lang), None, None).await?;
    app.store
        .remember_bot_message(chat.0, i64::from(sent.id.0), assignment_id)
        .await?;
    Ok(())
}

/// «Bỏ qua» under a note question: closes that question only (the status is recorded
/// already). A «Bỏ qua» of an older message (`None`) or of another question closes nothing.
async fn skip_note(
    bot: &Bot,
    app: &App,
    chat: ChatId,
    asked: Asked<'_>,
    status_update_id: Option<StatusUpdateId>,
) -> HandlerResult {
    let Asked {
        update_id, user_id, ..
    } = asked;
    let waiting = waiting_of(app, chat, user_id).await?;
    match (waiting, status_update_id) {
        (
            Some(Waiting::Note {
                status_update_id: pending,
                ..
            }),
            Some(pressed),
        ) if pending == pressed => {
            if app
                .store
                .set_dialogue(update_id, chat.0, user_id, None)
                .await?
                == Effect::Done(())
            {
                tell(bot, app, chat, BotText::NoteSkipped).await?;
            }
        }
        _ => {
            tell(bot, app, chat, BotText::QuestionClosed).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::command;

    #[test]
    fn commands_in_groups_carry_the_bot_name() {
        assert_eq!(command("/viec@dondoc_bot"), Some(("viec", "")));
        assert_eq!(command("/start  abc "), Some(("start", "abc")));
        assert_eq!(command("viec"), None);
    }
}
