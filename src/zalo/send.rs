//! Sending to Zalo members through the outbox: the `chat::Messenger` the Zalo sender uses,
//! Zalo's pacing, and the sender's settings from `[zalo]`.
//!
//! An outbox row is channel-neutral (a body and a `chat::Markup`); here it becomes Zalo's
//! text. Zalo has no buttons, so the keyboard is written as the one line of typed syntax that
//! answers the message (`chat::text_keyboard`), with the task's number as the member's `viec`
//! list shows it at the time of sending. A row fits one Zalo message (`store::outbox` splits
//! Zalo bodies leaving room for that line); a longer text, from a row queued some other way,
//! is split at line breaks within 2,000 characters and each further part waits for the
//! chat's next slot in the same pacer.

use std::time::Duration;

use secrecy::SecretString;

use super::api::{split_text, ZaloApi, ZaloChatId, ZaloError};
use crate::chat::messenger::{Messenger, Outcome, Outgoing, Sending};
use crate::chat::pacer::{Groups, Pacer, Rates};
use crate::chat::text_keyboard::{self, Known, Lookup};
use crate::chat::Markup;
use crate::config::{OutboxConfig, ZaloConfig};
use crate::domain::{Channel, Lang, MessageKind};
use crate::messages::AnswerText;
use crate::store::{Store, StoreError};

/// Zalo's pacing from `[zalo]`'s rates: one pacer per process, shared by the Zalo sender and
/// the listener's direct replies, as Telegram's is by its sender and the bot.
pub fn pacer(config: &ZaloConfig) -> Pacer {
    Pacer::with_rates(Rates {
        messages_per_second: config.messages_per_second,
        chat_interval_ms: config.chat_interval_ms,
        group_messages_per_minute: config.group_messages_per_minute,
        groups: Groups::EveryChat,
    })
}

/// The Zalo sender's settings: the outbox's (lease, retries, office hours, pruning) with
/// Zalo's rates, in-flight ceiling and time-out.
pub fn outbox_config(outbox: &OutboxConfig, zalo: &ZaloConfig) -> OutboxConfig {
    OutboxConfig {
        messages_per_second: zalo.messages_per_second,
        chat_interval_ms: zalo.chat_interval_ms,
        group_messages_per_minute: zalo.group_messages_per_minute,
        max_in_flight: zalo.max_in_flight,
        request_timeout_secs: zalo.request_timeout_secs,
        ..outbox.clone()
    }
}

/// The Bot API client the sender uses, with `[zalo]`'s time-out.
pub fn client(config: &ZaloConfig, token: SecretString) -> Result<ZaloApi, ZaloError> {
    ZaloApi::new(
        &config.api_url,
        token,
        Duration::from_secs(config.request_timeout_secs.max(1)),
    )
}

/// Zalo as the outbox sender's messenger.
#[derive(Clone)]
pub struct ZaloMessenger {
    api: ZaloApi,
    store: Store,
    pacer: Pacer,
    /// The province's language, for members who chose none.
    lang: Lang,
}

impl ZaloMessenger {
    /// `pacer` is the one the sender paces with ([`pacer`]): a text in several parts books
    /// each further part there.
    pub fn new(api: ZaloApi, store: Store, pacer: Pacer, lang: Lang) -> Self {
        Self {
            api,
            store,
            pacer,
            lang,
        }
    }

    async fn send_row(&self, message: Outgoing<'_>) -> Outcome {
        let chat = match self.store.zalo_id_of(message.chat_id).await {
            Ok(Some(id)) => ZaloChatId(id),
            Ok(None) => {
                return Outcome::Refused(format!("no Zalo id for chat {}", message.chat_id))
            }
            Err(e) => return Outcome::Transient(e.to_string()),
        };
        let text = match self.text_of(message).await {
            Ok(text) => text,
            Err(e) => return Outcome::Transient(e.to_string()),
        };
        let mut pieces = split_text(&text).into_iter();
        let Some(first) = pieces.next() else {
            return Outcome::Refused("empty message".into());
        };
        if let Err(e) = self.api.send_message(&chat, &first).await {
            return outcome(e);
        }
        for piece in pieces {
            // The sender booked the first part's slot; each further part waits for its own.
            if let Err(wait) = self.pacer.reply_slot(message.chat_id).await {
                return Outcome::RetryAfter(wait);
            }
            if let Err(e) = self.api.send_message(&chat, &piece).await {
                return outcome(e);
            }
        }
        Outcome::Sent(None)
    }

    /// The row as Zalo's text: the body, a note for a file Zalo cannot be sent, and the line
    /// that answers it.
    async fn text_of(&self, message: Outgoing<'_>) -> Result<String, StoreError> {
        let markup: Option<Markup> = message
            .keyboard
            .and_then(|stored| serde_json::from_str(stored).ok());
        let kind: Option<MessageKind> = message.kind.parse().ok();
        let (own_lang, units) = self.store.zalo_reader(message.chat_id).await?;
        let lang = markup
            .as_ref()
            .map(|m| m.lang)
            .or(own_lang)
            .unwrap_or(self.lang);
        let mut known = Known::default();
        match text_keyboard::lookup(markup.as_ref()) {
            Lookup::Nothing => {}
            Lookup::TaskNumber { assignment } => {
                known.task_number = self.store.task_number(&units, assignment).await?;
            }
            Lookup::PeriodLabel { period } => {
                known.period_label = self.store.period_label(period).await?;
            }
        }
        let answer =
            kind.and_then(|kind| text_keyboard::answer_line(markup.as_ref(), kind, lang, &known));
        let mut body = message.body.to_string();
        if message.attachment.is_some() {
            // Telegram's file ids mean nothing to Zalo: the caption goes, with where to look.
            body = format!(
                "{}\n{}",
                body.trim_end(),
                AnswerText::FileElsewhere.render(lang)
            );
        }
        Ok(text_keyboard::compose(&body, answer.as_deref()))
    }
}

/// Zalo's refusals, sorted as the sender acts on them.
fn outcome(error: ZaloError) -> Outcome {
    match error {
        ZaloError::Flood { retry_after } => Outcome::RetryAfter(retry_after),
        ZaloError::Unreachable { description } => Outcome::Unreachable(description),
        ZaloError::BadToken { description } => Outcome::BadToken(description),
        ZaloError::Transient(error) => Outcome::Transient(error),
        e @ ZaloError::Refused { .. } => Outcome::Refused(e.to_string()),
    }
}

impl Messenger for ZaloMessenger {
    fn channel(&self) -> Channel {
        Channel::Zalo
    }

    fn send<'a>(&'a self, message: Outgoing<'a>) -> Sending<'a> {
        Box::pin(self.send_row(message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zalo_errors_become_the_senders_outcomes() {
        let flood = outcome(ZaloError::Flood {
            retry_after: Duration::from_secs(2),
        });
        assert_eq!(flood, Outcome::RetryAfter(Duration::from_secs(2)));
        assert!(matches!(
            outcome(ZaloError::Unreachable {
                description: "blocked".into()
            }),
            Outcome::Unreachable(_)
        ));
        assert!(matches!(
            outcome(ZaloError::BadToken {
                description: "Unauthorized".into()
            }),
            Outcome::BadToken(_)
        ));
        assert!(matches!(
            outcome(ZaloError::Transient("502".into())),
            Outcome::Transient(_)
        ));
        assert!(matches!(
            outcome(ZaloError::Refused {
                code: 400,
                description: "text".into()
            }),
            Outcome::Refused(_)
        ));
    }

    #[test]
    fn the_zalo_sender_keeps_the_outbox_settings_with_zalos_rates() {
        let outbox = OutboxConfig::default();
        let zalo = ZaloConfig::default();
        let config = outbox_config(&outbox, &zalo);
        assert_eq!(config.messages_per_second, zalo.messages_per_second);
        assert_eq!(config.max_in_flight, zalo.max_in_flight);
        assert_eq!(config.lease_secs, outbox.lease_secs);
        assert_eq!(config.max_attempts, outbox.max_attempts);
    }
}
