//! Sending: say (`chat::telegram::say` with the process's pacer), confirm (the outbox when
//! Telegram refuses), tell, hint, show.

use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;
use teloxide::RequestError;

use super::App;
use crate::chat::telegram;
use crate::domain::{MessageKind, UpdateId};
use crate::messages::BotText;
use crate::store::{MessageSubject, NewMessage, StoreError};

pub(super) type HandlerResult = anyhow::Result<()>;

/// Sends `text` when Telegram's limits allow (paced with the outbox), waiting out its flood
/// limit a few times rather than dropping it: [`telegram::say`] with the process's pacer.
pub(super) async fn say(
    app: &App,
    bot: &Bot,
    chat: ChatId,
    text: String,
    keyboard: Option<InlineKeyboardMarkup>,
    reply_to: Option<teloxide::types::MessageId>,
) -> Result<Message, RequestError> {
    telegram::say(bot, &app.pacer, chat, text, keyboard, reply_to).await
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
            telegram::retrying(&app.pacer, chat, || {
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
