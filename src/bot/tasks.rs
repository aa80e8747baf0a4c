//! Tasks: status presses, notes, proposals read from free text, held files, task cards.

use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use super::cards::{self, Proposed, Waiting};
use super::reports::record;
use super::router::{attachment_of, start_waiting, waiting_of, Turn};
use super::send::{confirm, hint, say, tell, HandlerResult};
use super::App;
use crate::chat::{telegram, Callback};
use crate::domain::{
    AssignmentId, AssignmentStatus, HeldFileId, PeriodId, StatusUpdateId, UnitId, UpdateId,
};
use crate::messages::BotText;
use crate::store::{BotAction, Effect, Member, NewAttachment, StatusReply, Subject, Submission};

/// One task's card with its status buttons (a number under the `/viec` list).
pub(super) async fn send_card(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    members: &[Member],
    assignment_id: AssignmentId,
) -> HandlerResult {
    let Some(card) = app.store.assignment_card(assignment_id).await? else {
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
        Some(cards::card_keyboard(card.assignment_id, app.lang)),
        None,
    )
    .await?;
    app.store
        .remember_bot_message(chat.0, i64::from(sent.id.0), card.assignment_id)
        .await?;
    Ok(())
}

pub(super) use crate::answers::member_for;

/// A note (text, file or both) for status update `status_update_id`: the one its question or
/// confirmation was about.
pub(super) async fn add_note(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    members: &[Member],
    status_update_id: StatusUpdateId,
) -> HandlerResult {
    let chat = msg.chat.id;
    let Some(update) = app.store.status_update(status_update_id).await? else {
        tell(bot, app, chat, BotText::ReplyToUnrelated).await?;
        return Ok(());
    };
    let Some(card) = app.store.assignment_card(update.assignment_id).await? else {
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
        .apply_bot_actions(update_id, chat.0, user_id, &[action])
        .await?
    {
        Effect::Done(_) => {
            app.metrics.status_reply_recorded();
            let text = BotText::NoteAdded {
                task: &card.title(),
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
pub(super) async fn hold_file(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    members: &[Member],
    file: NewAttachment,
) -> HandlerResult {
    let chat = msg.chat.id;
    let caption = msg.caption().unwrap_or("").trim();
    let held = match app
        .store
        .hold_file(
            update_id,
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
            held,
            assignment_id: card.assignment_id,
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
            held,
            period_id: report.period_id,
            unit_id: report.unit.id,
        }
        .encode();
        items.push((
            rank(None, Some((report.period_id, report.unit.id))),
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
        cards::Callback::FileNone(held).encode(),
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
pub(super) const FILE_CHOICES: usize = 8;

/// One tap under "which task is this file for?": files it there, with its caption as the note.
pub(super) async fn file_held(
    turn: Turn<'_>,
    held_id: HeldFileId,
    target: Option<Subject>,
) -> HandlerResult {
    let Turn {
        bot,
        app,
        chat,
        update_id,
        user_id,
        members,
    } = turn;
    let Some(held) = app.store.held_file(held_id).await? else {
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
                .apply_bot_actions(update_id, chat.0, user_id, &[BotAction::FileHeld(held_id)])
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
                task: &card.title(),
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
            update_id,
            chat.0,
            user_id,
            &[action, BotAction::FileHeld(held_id)],
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
/// «Không phải». Numbers are the `/viec` list's; a dotted number is a task's own number
/// (`answers::read_claims`, shared with Zalo).
pub(super) async fn propose_claims(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    members: &[Member],
    claims: &[crate::domain::status_text::StatusClaim],
) -> HandlerResult {
    let body = msg.text().unwrap_or("");
    let (actions, unknown) =
        crate::answers::read_claims(&app.store, members, claims, body, app.today()).await?;
    propose(bot, msg, app, update_id, user_id, actions, unknown).await
}

/// Asks «Đúng» / «Không phải» before recording `actions`; `unknown` items are named.
pub(super) async fn propose(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    actions: Vec<Proposed>,
    unknown: Vec<String>,
) -> HandlerResult {
    let chat = msg.chat.id;
    let mut lines =
        crate::answers::proposal_lines(&app.store, &actions, &unknown, app.lang).await?;
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
pub(super) async fn answer_proposal(turn: Turn<'_>, token: UpdateId, yes: bool) -> HandlerResult {
    let Turn {
        bot,
        app,
        chat,
        update_id,
        user_id,
        members,
    } = turn;
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
    let store_actions = crate::answers::confirmed_actions(&actions, members);
    let applied = match app
        .store
        .apply_bot_actions(update_id, chat.0, user_id, &store_actions)
        .await?
    {
        Effect::Done(applied) => applied,
        Effect::Duplicate => return Ok(()),
    };
    let lines =
        crate::answers::applied_lines(&app.store, &app.metrics, &store_actions, &applied, app.lang)
            .await?;
    if !lines.is_empty() {
        confirm(bot, app, chat, update_id, lines.join("\n"), None).await?;
    }
    Ok(())
}

/// A status update on a task: a reply to the task's card, or the file after «Gửi tài liệu».
pub(super) async fn on_task_reply(
    turn: Turn<'_>,
    msg: &Message,
    assignment_id: AssignmentId,
    _pending: Option<Waiting>,
) -> HandlerResult {
    let Turn {
        bot, app, members, ..
    } = turn;
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
    record(turn, &card, &reply, Some(msg.id)).await
}

/// A status button: the status is recorded at once and confirmed, with «Thêm ghi chú»
/// for a note on that update; «Gặp vướng mắc» asks for the reason in the confirmation.
pub(super) async fn press_status(
    turn: Turn<'_>,
    assignment_id: AssignmentId,
    status: AssignmentStatus,
) -> HandlerResult {
    let Turn {
        bot,
        app,
        chat,
        update_id,
        user_id,
        members,
    } = turn;
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
    let reason = move |status_update_id: StatusUpdateId| Waiting::Note {
        status_update_id,
        person_id,
    };
    let next: Option<&(dyn Fn(StatusUpdateId) -> Waiting + Send + Sync)> =
        (status == AssignmentStatus::Blocked).then_some(&reason);
    let update = match app
        .store
        .record_status_press(update_id, chat.0, user_id, &reply, next)
        .await?
    {
        Effect::Done(update) => update,
        Effect::Duplicate => return Ok(()),
    };
    app.metrics.status_reply_recorded();
    let title = card.title();
    let (text, keyboard) = match status {
        AssignmentStatus::Blocked => (BotText::RecordedBlocked { task: &title }, None),
        _ => (
            BotText::Recorded {
                task: &title,
                status,
            },
            // «Thêm ghi chú», bound to this update.
            Some(InlineKeyboardMarkup::new([[telegram::button(
                BotText::ButtonAddNote.render(app.lang),
                Callback::AddNote(update.id),
            )]])),
        ),
    };
    let text = text.render(app.lang);
    let sent = match telegram::say(bot, &app.pacer, chat, text.clone(), keyboard, None).await {
        Ok(sent) => sent,
        Err(e) => {
            // Recorded: the confirmation must still go out.
            tracing::warn!(error = %e, update_id = update_id.get(), "confirmation not sent; queued in the outbox");
            confirm(bot, app, chat, update_id, text, None).await?;
            return Ok(());
        }
    };
    app.store
        .remember_update_message(chat.0, i64::from(sent.id.0), assignment_id, update.id)
        .await?;
    Ok(())
}

/// «Thêm ghi chú»: the note question for that update (and no other).
pub(super) async fn ask_note(turn: Turn<'_>, status_update_id: StatusUpdateId) -> HandlerResult {
    let Turn {
        bot,
        app,
        chat,
        update_id,
        user_id,
        members,
    } = turn;
    let Some(update) = app.store.status_update(status_update_id).await? else {
        tell(bot, app, chat, BotText::ReplyToUnrelated).await?;
        return Ok(());
    };
    let Some(card) = app.store.assignment_card(update.assignment_id).await? else {
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
        task: &card.title(),
    };
    let sent = say(
        app,
        bot,
        chat,
        text.render(app.lang),
        Some(cards::skip_note_keyboard(status_update_id, app.lang)),
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
pub(super) async fn ask_for(turn: Turn<'_>, assignment_id: AssignmentId) -> HandlerResult {
    let Turn {
        bot,
        app,
        chat,
        update_id,
        user_id,
        members,
    } = turn;
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
    let title = card.title();
    let text = BotText::AskDocument { task: &title };
    let sent = say(app, bot, chat, text.render(app.lang), None, None).await?;
    app.store
        .remember_bot_message(chat.0, i64::from(sent.id.0), assignment_id)
        .await?;
    Ok(())
}

/// «Bỏ qua» under a note question: closes that question only (the status is recorded
/// already). A «Bỏ qua» of an older message (`None`) or of another question closes nothing.
pub(super) async fn skip_note(
    turn: Turn<'_>,
    status_update_id: Option<StatusUpdateId>,
) -> HandlerResult {
    let Turn {
        bot,
        app,
        chat,
        update_id,
        user_id,
        ..
    } = turn;
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
