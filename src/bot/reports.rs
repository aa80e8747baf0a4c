//! Report submissions: asking for a report and recording one.

use teloxide::prelude::*;

use super::cards::Waiting;
use super::router::{attachment_of, start_waiting, Turn};
use super::send::{confirm, say, tell, HandlerResult};
use crate::domain::{PeriodId, UnitId};
use crate::messages::BotText;
use crate::store::{AssignmentCard, Effect, StatusReply, Submission};

/// A report for a period: what follows "Nộp báo cáo", or a reply to a report message.
pub(super) async fn on_report_reply(
    turn: Turn<'_>,
    msg: &Message,
    period_id: PeriodId,
    unit_id: UnitId,
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
        .record_submission(update_id, chat.0, user_id, &submission)
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

/// After "Nộp báo cáo": remember what we wait for and ask for the report.
pub(super) async fn ask_for_report(
    turn: Turn<'_>,
    period_id: PeriodId,
    unit_id: UnitId,
) -> HandlerResult {
    let Turn {
        bot,
        app,
        chat,
        update_id,
        user_id,
        members,
    } = turn;
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
pub(super) async fn record(
    turn: Turn<'_>,
    card: &AssignmentCard,
    reply: &StatusReply,
    reply_to: Option<teloxide::types::MessageId>,
) -> HandlerResult {
    let Turn {
        bot,
        app,
        chat,
        update_id,
        user_id,
        ..
    } = turn;
    match app
        .store
        .record_status_reply(update_id, chat.0, user_id, reply)
        .await
    {
        Ok(Effect::Done(update)) => {
            app.metrics.status_reply_recorded();
            let text = BotText::Recorded {
                task: &card.title(),
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
            tracing::error!(error = %e, update_id = update_id.get(), "status reply not saved");
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
