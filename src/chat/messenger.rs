//! What the outbox sender sends through: one messenger behind a small trait, so the sender's
//! lease, window, pacing, office hours, retries and outcomes are written once for Telegram
//! and Zalo alike (`chat::telegram::Telegram`, `zalo::send::ZaloMessenger`).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::domain::Channel;

/// A message to send: text (a file's caption when there is a file) and its stored keyboard.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    pub chat_id: i64,
    pub body: &'a str,
    /// As the outbox keeps it: a [`super::Markup`]'s JSON.
    pub keyboard: Option<&'a str>,
    /// "photo:FILE_ID" or "document:FILE_ID" (Telegram file ids).
    pub attachment: Option<&'a str>,
    /// The outbox row's kind (`MessageKind::as_str`): a messenger without buttons ends a
    /// reminder with how to answer it even when no keyboard came with it.
    pub kind: &'a str,
}

/// What the messenger's answer means for a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Sent: the messenger's id of the message, when it gives a number (Telegram); None when
    /// it does not (Zalo's ids are strings and no reply refers to them).
    Sent(Option<i64>),
    /// Flood control: wait this long before sending anything.
    RetryAfter(Duration),
    /// May pass: a 5xx, a time-out, a broken connection.
    Transient(String),
    /// The member blocked the bot, never started it, or the chat is gone.
    Unreachable(String),
    /// The messenger will never take this message.
    Refused(String),
    /// The messenger refused the bot's token: nothing more can be sent until it is fixed.
    BadToken(String),
}

/// The future a send returns.
pub type Sending<'a> = Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;

/// One messenger as the sender sees it.
pub trait Messenger: Send + Sync {
    /// Which messenger: the sender takes only the outbox rows whose chat is on it.
    fn channel(&self) -> Channel;
    /// One message, sent and its answer sorted.
    fn send<'a>(&'a self, message: Outgoing<'a>) -> Sending<'a>;
}
