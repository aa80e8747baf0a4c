//! Telegram, the one channel today: the client (its API URL and time-outs), keyboards drawn
//! as inline keyboards, one message sent, and what Telegram's answer means for it.

use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use teloxide::payloads::{SendDocumentSetters, SendMessageSetters, SendPhotoSetters};
use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, ReplyParameters,
};
use teloxide::{ApiError, RequestError};

use super::keyboard::{Button, Callback, Markup};
use super::messenger::{Messenger, Sending};
pub use super::messenger::{Outcome, Outgoing};
use super::pacer::Pacer;
use crate::config::Config;

/// The bot client for `config`, pointed at `telegram.api_url`.
pub fn client(config: &Config) -> anyhow::Result<Bot> {
    client_with_timeout(config, None)
}

/// As [`client`], with its own HTTP time-out (teloxide's default otherwise).
pub fn client_with_timeout(config: &Config, timeout: Option<Duration>) -> anyhow::Result<Bot> {
    let token = config
        .telegram
        .bot_token
        .as_ref()
        .context("telegram.bot_token is not set (DONDOC_TELEGRAM__BOT_TOKEN)")?;
    let api_url = url::Url::parse(&config.telegram.api_url)
        .with_context(|| format!("telegram.api_url is not a URL: {}", config.telegram.api_url))?;
    let bot = match timeout {
        None => Bot::new(token.expose_secret()),
        Some(timeout) => {
            let http = teloxide::net::default_reqwest_settings()
                .timeout(timeout)
                .build()
                .context("building the HTTP client")?;
            Bot::with_client(token.expose_secret(), http)
        }
    };
    Ok(bot.set_api_url(api_url))
}

/// The client the outbox sender uses: the configured API URL with the outbox's request
/// time-out.
pub fn sender_client(config: &Config) -> anyhow::Result<Bot> {
    let timeout = Duration::from_secs(config.outbox.request_timeout_secs.max(1));
    client_with_timeout(config, Some(timeout))
}

/// One button with its typed data.
pub fn button(label: impl Into<String>, callback: Callback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(label.into(), callback.encode())
}

/// Rows of channel-neutral buttons as Telegram's inline keyboard.
pub fn inline_keyboard(rows: Vec<Vec<Button>>) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(rows.into_iter().map(|row| {
        row.into_iter()
            .map(|b| button(b.label, b.callback))
            .collect::<Vec<_>>()
    }))
}

/// A keyboard as Telegram draws it.
pub fn render(markup: &Markup) -> InlineKeyboardMarkup {
    inline_keyboard(markup.rows())
}

/// The bot's direct reply: sends `text` (with `keyboard`, in reply to `reply_to`) to `chat`
/// when Telegram's limits allow — a slot of `pacer`, the one the outbox sender uses — waiting
/// out its flood limit a few times rather than dropping it.
pub async fn say(
    bot: &Bot,
    pacer: &Pacer,
    chat: ChatId,
    text: String,
    keyboard: Option<InlineKeyboardMarkup>,
    reply_to: Option<teloxide::types::MessageId>,
) -> Result<Message, RequestError> {
    retrying(pacer, chat, || {
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
pub async fn retrying<R, F>(
    pacer: &Pacer,
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

/// Sorts a failed call into what to do next.
pub fn classify(error: &RequestError) -> Outcome {
    match error {
        RequestError::RetryAfter(wait) => Outcome::RetryAfter(wait.duration()),
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => {
            Outcome::Transient(error.to_string())
        }
        RequestError::Api(api) => classify_api(api, error.to_string()),
        RequestError::MigrateToChatId(_) => Outcome::Unreachable(error.to_string()),
    }
}

fn classify_api(api: &ApiError, text: String) -> Outcome {
    match api {
        ApiError::BotBlocked
        | ApiError::BotKicked
        | ApiError::BotKickedFromSupergroup
        | ApiError::BotKickedFromChannel
        | ApiError::UserDeactivated
        | ApiError::CantInitiateConversation
        | ApiError::CantTalkWithBots
        | ApiError::ChatNotFound
        | ApiError::UserNotFound
        | ApiError::GroupDeactivated => Outcome::Unreachable(text),
        // Telegram words some 403s differently from teloxide's list.
        ApiError::Unknown(description) if description.starts_with("Forbidden") => {
            Outcome::Unreachable(text)
        }
        // Without the status code, an unknown error may be a 5xx: retrying is the safe side.
        ApiError::Unknown(_) => Outcome::Transient(text),
        _ => Outcome::Refused(text),
    }
}

/// The channel a sender sends through: Telegram's Bot API.
#[derive(Clone)]
pub struct Telegram {
    bot: Bot,
}

impl From<Bot> for Telegram {
    fn from(bot: Bot) -> Self {
        Self { bot }
    }
}

/// The stored keyboard as Telegram's: a [`Markup`]; or, in a row kept from before keyboards
/// were stored channel-neutral and that the migration could not read (none the service
/// wrote), Telegram's own JSON as it was queued.
fn stored_keyboard(stored: &str) -> Result<InlineKeyboardMarkup, String> {
    match serde_json::from_str::<Markup>(stored) {
        Ok(markup) => Ok(render(&markup)),
        Err(e) => serde_json::from_str::<InlineKeyboardMarkup>(stored)
            .map_err(|_| format!("stored keyboard is not valid: {e}")),
    }
}

impl Telegram {
    /// One `sendMessage` (or `sendPhoto` / `sendDocument`) call.
    pub async fn send(&self, message: Outgoing<'_>) -> Outcome {
        if let Some(attachment) = message.attachment {
            return self.send_file(message, attachment).await;
        }
        let mut request = self
            .bot
            .send_message(ChatId(message.chat_id), message.body.to_string());
        if let Some(stored) = message.keyboard {
            match stored_keyboard(stored) {
                Ok(keyboard) => request = request.reply_markup(keyboard),
                Err(e) => return Outcome::Refused(e),
            }
        }
        match request.await {
            Ok(sent) => Outcome::Sent(Some(i64::from(sent.id.0))),
            Err(e) => classify(&e),
        }
    }

    /// A photo or document by its Telegram file id, the body as its caption.
    async fn send_file(&self, message: Outgoing<'_>, attachment: &str) -> Outcome {
        let chat = ChatId(message.chat_id);
        let caption = message.body.to_string();
        let result = match attachment.split_once(':') {
            Some(("photo", id)) => {
                self.bot
                    .send_photo(chat, InputFile::file_id(id.to_string().into()))
                    .caption(caption)
                    .await
            }
            Some((_, id)) => {
                self.bot
                    .send_document(chat, InputFile::file_id(id.to_string().into()))
                    .caption(caption)
                    .await
            }
            None => {
                return Outcome::Refused(format!("stored attachment is not valid: {attachment}"))
            }
        };
        match result {
            Ok(sent) => Outcome::Sent(Some(i64::from(sent.id.0))),
            Err(e) => classify(&e),
        }
    }
}

impl Messenger for Telegram {
    fn channel(&self) -> crate::domain::Channel {
        crate::domain::Channel::Telegram
    }

    fn send<'a>(&'a self, message: Outgoing<'a>) -> Sending<'a> {
        Box::pin(Telegram::send(self, message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::Keyboard;
    use crate::domain::Lang;

    #[test]
    fn telegram_errors_are_sorted() {
        let blocked = RequestError::Api(ApiError::BotBlocked);
        assert!(matches!(classify(&blocked), Outcome::Unreachable(_)));
        let forbidden = RequestError::Api(ApiError::Unknown(
            "Forbidden: bot can't initiate conversation with a user".into(),
        ));
        assert!(matches!(classify(&forbidden), Outcome::Unreachable(_)));
        let gateway = RequestError::Api(ApiError::Unknown("Bad Gateway".into()));
        assert!(matches!(classify(&gateway), Outcome::Transient(_)));
        let empty = RequestError::Api(ApiError::MessageTextIsEmpty);
        assert!(matches!(classify(&empty), Outcome::Refused(_)));
    }

    #[test]
    fn a_task_card_draws_as_the_four_buttons_it_always_had() {
        let drawn = render(
            &Keyboard::TaskCard {
                assignment: crate::domain::AssignmentId(42),
            }
            .in_lang(Lang::Vi),
        );
        let json = serde_json::to_value(&drawn).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"inline_keyboard": [
                [{"text": "Đã hoàn thành", "callback_data": "s:42:d"},
                 {"text": "Đang thực hiện", "callback_data": "s:42:p"}],
                [{"text": "Gặp vướng mắc", "callback_data": "s:42:b"},
                 {"text": "Gửi tài liệu", "callback_data": "f:42"}],
            ]})
        );
        assert!(stored_keyboard("{\"inline_keyboard\":[]}").is_ok());
        assert!(stored_keyboard("nonsense").is_err());
    }
}
