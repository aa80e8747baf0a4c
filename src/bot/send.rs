//! Sending: say (paced, retried on flood limits), confirm, tell, hint, show.

use std::time::Duration;

use teloxide::payloads::SendMessageSetters;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, ReplyParameters};
use teloxide::RequestError;

use super::App;
use crate::domain::{MessageKind, UpdateId};
use crate::messages::BotText;
use crate::store::{MessageSubject, NewMessage, StoreError};

pub(super) type HandlerResult = anyhow::Result<()>;

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
pub(super) async fn confirm(
    bot: &Bot,
    app: &App,
    chat: ChatId,
    update_id: UpdateId,
    text: String,
    reply_to: Option<teloxide::types::MessageId>,
) -> HandlerResult {
    if let Err(e) = say(app, bot, chat, text.clone(), None, reply_to).await {
        tracing::warn!(error = %e, update_id = update_id.get(), "confirmation not sent; queued in the outbox");
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

pub(super) async fn tell(
    bot: &Bot,
    app: &App,
    chat: ChatId,
    text: BotText<'_>,
) -> Result<Message, RequestError> {
    say(app, bot, chat, text.render(app.lang), None, None).await
}

/// The answer to a message the bot did not understand, unless the chat floods the bot.
pub(super) async fn hint(bot: &Bot, app: &App, chat: ChatId, text: BotText<'_>) -> HandlerResult {
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
pub(super) async fn ask_to_resend_if_unsaved(
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

/// Sends a list, or writes it over message `edit`.
pub(super) async fn show(
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
