//! Routing: the entry points for each update (`on_message`, `on_callback`), the commands,
//! and which conversation a message or button belongs to.
//!
//! Every effect goes through a store method that takes the update id, so a redelivered
//! update changes nothing; a reply saying "recorded" is sent only after the commit.

use std::sync::Arc;

use tracing::Instrument;

use chrono::Duration as Span;
use teloxide::prelude::*;

use super::cards::{self, Callback, Proposed, Waiting};
use super::onboarding::{bind_group, on_start, set_language};
use super::overview::{send_digest, send_overview, send_reports, send_task_page};
use super::reports::{ask_for_report, on_report_reply};
use super::send::{ask_to_resend_if_unsaved, confirm, hint, tell, HandlerResult};
use super::tasks::{
    add_note, answer_proposal, ask_for, ask_note, file_held, hold_file, on_task_reply,
    press_status, propose, propose_claims, send_card, skip_note,
};
use super::App;
use crate::chat::Intake;
use crate::domain::{Lang, UpdateId};
use crate::messages::BotText;
use crate::ops::UpdateKind;
use crate::store::{Effect, Member, NewAttachment, Subject};

/// The bot's commands: one list read by the router (what a command does) and by the menu
/// Telegram shows (`setMyCommands`, in [`Command::MENU`]'s order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Command {
    /// `/start [CODE]`: welcome, or link an invitation code.
    Start,
    /// `/trogiup`, `/help`.
    Help,
    /// `/nhom [UNIT]`: bind a group to a unit.
    Group,
    /// `/ngonngu`, `/language`.
    Language,
    /// `/viec`.
    Tasks,
    /// `/baocao`.
    Reports,
    /// `/tinhhinh`.
    Overview,
    /// `/tonghop`.
    Digest,
    /// `/phananh`.
    Case,
    /// `/vuviec`.
    Cases,
    /// `/quahan`.
    Overdue,
    /// `/xuat`.
    Export,
    /// `/web`: a one-time login link to the web board.
    Web,
}

impl Command {
    /// The commands in the menu, in its order.
    pub(crate) const MENU: [Command; 10] = [
        Command::Tasks,
        Command::Reports,
        Command::Overview,
        Command::Digest,
        Command::Case,
        Command::Cases,
        Command::Overdue,
        Command::Export,
        Command::Help,
        Command::Web,
    ];

    /// A command's name as typed (without the slash and the bot's name); `None`: no command.
    pub(crate) fn parse(name: &str) -> Option<Command> {
        Some(match name {
            "start" => Command::Start,
            "trogiup" | "help" => Command::Help,
            "nhom" => Command::Group,
            "ngonngu" | "language" => Command::Language,
            "viec" => Command::Tasks,
            "baocao" => Command::Reports,
            "tinhhinh" => Command::Overview,
            "tonghop" => Command::Digest,
            "phananh" => Command::Case,
            "vuviec" => Command::Cases,
            "quahan" => Command::Overdue,
            "xuat" => Command::Export,
            "web" => Command::Web,
            _ => return None,
        })
    }

    /// The name the menu shows.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Command::Start => "start",
            Command::Help => "trogiup",
            Command::Group => "nhom",
            Command::Language => "ngonngu",
            Command::Tasks => "viec",
            Command::Reports => "baocao",
            Command::Overview => "tinhhinh",
            Command::Digest => "tonghop",
            Command::Case => "phananh",
            Command::Cases => "vuviec",
            Command::Overdue => "quahan",
            Command::Export => "xuat",
            Command::Web => "web",
        }
    }

    /// What the menu says about a command, in `lang`; `None`: not in the menu.
    pub(crate) fn describe(self, lang: Lang) -> Option<String> {
        let text = match self {
            Command::Tasks => BotText::CommandTasks,
            Command::Reports => BotText::CommandReports,
            Command::Overview => BotText::CommandOverview,
            Command::Digest => BotText::CommandDigest,
            Command::Case => BotText::CommandCase,
            Command::Cases => BotText::CommandCases,
            Command::Overdue => BotText::CommandOverdue,
            Command::Export => BotText::CommandExport,
            Command::Help => BotText::CommandHelp,
            Command::Web => return Some(crate::messages::WebText::CommandWeb.render(lang)),
            Command::Start | Command::Group | Command::Language => return None,
        };
        Some(text.render(lang))
    }
}

/// A command and its argument: "/viec@dondoc_bot 2" → ("viec", "2").
pub fn command(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix('/')?;
    let (head, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let name = head.split('@').next().unwrap_or(head);
    Some((name, args.trim()))
}

/// The subject of one of the bot's messages read from its own buttons, for a message whose id
/// the bot never learned: a copy sent twice when Telegram's answer was lost (a time-out after
/// Telegram took it), which the member may well answer.
pub(super) fn subject_from_buttons(original: &Message) -> Option<Subject> {
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
                Callback::Report { period_id, unit_id } => {
                    Some(Subject::Report { period_id, unit_id })
                }
                Callback::Status { assignment_id, .. } => Some(Subject::Assignment(assignment_id)),
                Callback::Hop { hop_id, .. } => Some(Subject::CaseHop(hop_id)),
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
pub(super) async fn already_handled(app: &App, update: &Update) -> Option<bool> {
    let replayed = app.take_replayed(update.id.0);
    match app.store.was_processed(i64::from(update.id.0)).await {
        Ok(true) => Some(replayed),
        Ok(false) | Err(_) => None,
    }
}

/// A message (text, file, command): handled in one span naming the update, its chat and kind.
pub async fn on_message(bot: Bot, msg: Message, update: Update, app: Arc<App>) -> HandlerResult {
    let span = tracing::info_span!(
        "update",
        update_id = update.id.0,
        chat = msg.chat.id.0,
        kind = ?UpdateKind::Message,
    );
    message_update(bot, msg, update, app).instrument(span).await
}

async fn message_update(bot: Bot, msg: Message, update: Update, app: Arc<App>) -> HandlerResult {
    match already_handled(&app, &update).await {
        Some(true) => {
            // Kept by a run that stopped after recording it, perhaps before saying so.
            confirm(
                &bot,
                &app,
                msg.chat.id,
                UpdateId(i64::from(update.id.0)),
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

pub(super) async fn handle_message(
    bot: &Bot,
    msg: &Message,
    update: &Update,
    app: &App,
) -> HandlerResult {
    let (bot, app) = (bot.clone(), app);
    let Some(user) = msg.from.as_ref() else {
        return Ok(());
    };
    let user_id = user.id.0 as i64;
    let update_id = UpdateId(i64::from(update.id.0));
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
pub(super) enum Here {
    /// Their memberships (in a group: only those of the group's unit).
    Members(Vec<Member>),
    /// Not linked, or in a group that belongs to another unit.
    Stranger,
    /// A linked member in a group not yet bound to a unit: their memberships, to bind it.
    UnboundGroup(Vec<Member>),
}

pub(super) async fn members_here(
    app: &App,
    chat: &teloxide::types::Chat,
    user_id: i64,
) -> anyhow::Result<Here> {
    let members = app.store.members_of_user(user_id).await?;
    if members.is_empty() {
        return Ok(Here::Stranger);
    }
    // A member linked on both messengers is written to on the one they used last: this one.
    // Written only when it changes, so an ordinary message takes no write lock.
    if members
        .iter()
        .any(|m| m.person.last_channel != Some(crate::domain::Channel::Telegram))
    {
        app.store
            .used_channel(user_id, crate::domain::Channel::Telegram)
            .await?;
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
pub(super) async fn start_waiting(
    app: &App,
    update_id: UpdateId,
    chat: ChatId,
    user_id: i64,
    waiting: &Waiting,
) -> anyhow::Result<bool> {
    let effect = app
        .store
        .save_dialogue(update_id, chat.0, user_id, Some(waiting))
        .await?;
    Ok(effect == Effect::Done(()))
}

/// What the bot waits for from `user_id` in `chat` ([`crate::store::Store::load_dialogue`]:
/// a stored state that cannot be read is logged and taken as no question).
pub(super) async fn waiting_of(
    app: &App,
    chat: ChatId,
    user_id: i64,
) -> anyhow::Result<Option<Waiting>> {
    Ok(app
        .store
        .load_dialogue::<Waiting>(chat.0, user_id)
        .await?
        .map(|(waiting, _)| waiting))
}

pub(super) async fn on_command(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    name: &str,
    args: &str,
) -> HandlerResult {
    let chat = msg.chat.id;
    let name = Command::parse(name);
    if name == Some(Command::Start) {
        return on_start(bot, chat, app, update_id, user_id, args).await;
    }
    // A command in between cancels the question the bot was waiting on (a hotline intake
    // keeps its own dialogue).
    cancel_question(app, chat, user_id).await?;
    if name == Some(Command::Help) {
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
        Here::UnboundGroup(members) if name == Some(Command::Group) => members,
        Here::UnboundGroup(_) => {
            tell(bot, app, chat, BotText::GroupNotBound).await?;
            return Ok(());
        }
        Here::Stranger if msg.chat.is_private() => {
            tell(bot, app, chat, BotText::NotRegistered).await?;
            return Ok(());
        }
        Here::Stranger => {
            if name == Some(Command::Group) {
                tell(bot, app, chat, BotText::GroupTaken).await?;
            }
            return Ok(());
        }
    };
    let localized = app.localized(&members);
    let app = localized.as_ref().unwrap_or(app);
    let Some(name) = name else {
        return hint(bot, app, chat, BotText::Hint).await;
    };
    match name {
        Command::Group => bind_group(bot, msg, app, update_id, &members, args).await,
        Command::Language => set_language(bot, chat, app, update_id, user_id, args).await,
        Command::Tasks => send_task_page(bot, chat, app, &members, 0, None).await,
        Command::Reports => send_reports(bot, chat, app, &members, 0, None).await,
        Command::Overview => send_overview(bot, chat, app, &members, args).await,
        Command::Case => super::hotline::start(bot, chat, app, update_id, user_id, &members).await,
        Command::Cases => super::hops::show(bot, chat, app, &members, args).await,
        Command::Digest => send_digest(bot, chat, app, &members, false).await,
        Command::Overdue => send_digest(bot, chat, app, &members, true).await,
        Command::Export => super::export::send(bot, chat, app, &members, args).await,
        Command::Web => super::web::send(bot, msg, app, &members).await,
        // Handled above, before anyone's memberships are looked at.
        Command::Start | Command::Help => hint(bot, app, chat, BotText::Hint).await,
    }
}

/// Which of a person's roles decides their `/trogiup`: the one with the most commands.
pub(super) fn role_rank(role: crate::domain::PersonRole) -> u8 {
    use crate::domain::PersonRole as R;
    match role {
        R::Coordinator => 4,
        R::HotlineOperator => 3,
        R::Head => 2,
        R::Deputy | R::FocalPoint => 1,
    }
}

/// Forgets a pending note, file, report or proposal question of `user_id` in `chat`.
pub(super) async fn cancel_question(app: &App, chat: ChatId, user_id: i64) -> anyhow::Result<()> {
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

/// A text, document or photo that is not a command: a reply to a task or report message,
/// or the answer to the question the bot is waiting on (plain text only within
/// [`cards::QUESTION_TTL_MINUTES`]), or a file to file, or a status report in free text.
pub(super) async fn on_report(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    members: &[Member],
) -> HandlerResult {
    let chat = msg.chat.id;
    let turn = Turn {
        bot,
        app,
        chat,
        update_id,
        user_id,
        members,
    };
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
            let route = super::hops::Route {
                case_id: *case_id,
                withdraw: *withdraw,
            };
            return super::hops::on_route_message(turn, route, typed, None).await;
        }
        Some(Waiting::HopReason { hop_id, .. }) => {
            return super::hops::on_hop_message(turn, msg, *hop_id, true).await;
        }
        Some(Waiting::HopAnswer { hop_id, .. }) => {
            return super::hops::on_hop_message(turn, msg, *hop_id, false).await;
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
pub(super) async fn on_subject(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    members: &[Member],
    subject: Subject,
) -> HandlerResult {
    let turn = Turn {
        bot,
        app,
        chat: msg.chat.id,
        update_id,
        user_id,
        members,
    };
    match subject {
        Subject::Assignment(assignment_id) => on_task_reply(turn, msg, assignment_id, None).await,
        Subject::CaseHop(hop_id) => super::hops::on_hop_message(turn, msg, hop_id, false).await,
        Subject::Report { period_id, unit_id } => {
            on_report_reply(turn, msg, period_id, unit_id).await
        }
    }
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

/// A button press: handled in one span naming the update, its chat and kind.
pub async fn on_callback(
    bot: Bot,
    query: CallbackQuery,
    update: Update,
    app: Arc<App>,
) -> HandlerResult {
    let span = tracing::info_span!(
        "update",
        update_id = update.id.0,
        chat = query.regular_message().map(|m| m.chat.id.0),
        kind = ?UpdateKind::Button,
    );
    callback_update(bot, query, update, app)
        .instrument(span)
        .await
}

async fn callback_update(
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

pub(super) async fn handle_callback(
    bot: &Bot,
    query: &CallbackQuery,
    chat: ChatId,
    update: &Update,
    app: &App,
) -> HandlerResult {
    let user_id = query.from.id.0 as i64;
    let update_id = UpdateId(i64::from(update.id.0));
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
    let turn = Turn {
        bot,
        app,
        chat,
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
        }) => press_status(turn, assignment_id, status).await,
        Some(Callback::File { assignment_id }) => ask_for(turn, assignment_id).await,
        Some(Callback::AddNote(status_update_id)) => ask_note(turn, status_update_id).await,
        Some(Callback::SkipNote(status_update_id)) => skip_note(turn, Some(status_update_id)).await,
        Some(Callback::Skip) => skip_note(turn, None).await,
        Some(Callback::Report { period_id, unit_id }) => {
            ask_for_report(turn, period_id, unit_id).await
        }
        Some(Callback::FileTask {
            held,
            assignment_id,
        }) => {
            let target = Some(Subject::Assignment(assignment_id));
            file_held(turn, held, target).await
        }
        Some(Callback::FileReport {
            held,
            period_id,
            unit_id,
        }) => {
            let target = Some(Subject::Report { period_id, unit_id });
            file_held(turn, held, target).await
        }
        Some(Callback::FileNone(held)) => file_held(turn, held, None).await,
        Some(Callback::Proposal { token, yes }) => answer_proposal(turn, token, yes).await,
        Some(
            button @ (Callback::Hop { .. }
            | Callback::Case { .. }
            | Callback::Intake(_)
            | Callback::Stale),
        ) => hotline_button(turn, button).await,
        None => hint(bot, app, chat, BotText::Hint).await,
    }
}

/// The hotline's buttons: intake or routing, a unit's action on a case, the operator's.
pub(super) async fn hotline_button(turn: Turn<'_>, button: Callback) -> HandlerResult {
    let Turn {
        bot,
        app,
        chat,
        update_id,
        user_id,
        ..
    } = turn;
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
                        super::hops::on_route_message(
                            turn,
                            super::hops::Route { case_id, withdraw },
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
            super::hops::on_hop_button(turn, action, hop_id).await?;
        }
        Callback::Case { case_id, action } => {
            super::hops::on_case_button(turn, action, case_id).await?;
        }
        _ => {}
    }
    Ok(())
}

/// One update as its handlers see it: the bot and app (in the person's language), the chat,
/// the update, who sent it and their memberships here.
#[derive(Clone, Copy)]
pub(crate) struct Turn<'a> {
    pub(crate) bot: &'a Bot,
    pub(crate) app: &'a App,
    pub(crate) chat: ChatId,
    pub(crate) update_id: UpdateId,
    pub(crate) user_id: i64,
    pub(crate) members: &'a [Member],
}

#[cfg(test)]
mod tests {
    use super::{command, Command};

    #[test]
    fn commands_in_groups_carry_the_bot_name() {
        assert_eq!(command("/viec@dondoc_bot"), Some(("viec", "")));
        assert_eq!(command("/start  abc "), Some(("start", "abc")));
        assert_eq!(command("viec"), None);
    }

    #[test]
    fn every_menu_command_routes_to_itself() {
        for command in Command::MENU {
            assert_eq!(Command::parse(command.name()), Some(command));
            assert!(command.describe(crate::domain::Lang::Vi).is_some());
        }
        assert_eq!(Command::parse("help"), Some(Command::Help));
        assert_eq!(Command::parse("language"), Some(Command::Language));
        assert_eq!(Command::parse("khong"), None);
    }
}
