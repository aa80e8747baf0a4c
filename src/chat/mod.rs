//! The messaging layer beneath the bot, the scheduler, the outbox and the hotline: what a
//! message offers, independent of the messenger, and the one messenger we speak today.
//!
//! - [`keyboard`]: channel-neutral keyboards ([`Keyboard`], in a language: [`Markup`]), as the
//!   outbox stores them with each message, laid out as rows of labelled buttons; and typed
//!   button presses ([`Callback`]) with the one encoding of them into a button's data
//!   (≤ 64 bytes; data written by older versions reads the same).
//! - [`pacer`]: Telegram's rate limits, shared by the outbox sender and the bot's replies.
//! - [`telegram`]: the Bot API client and its time-outs, keyboards drawn as inline keyboards,
//!   one message sent and Telegram's answer sorted ([`Outcome`]).
//!
//! Nothing here reads the store. `scheduler` and `hotline` build [`Markup`]s and never see
//! teloxide; only `telegram` (and `bot`, which speaks Telegram) does. A second messenger is a
//! sibling of `telegram`: it draws the same [`Markup::rows`] and decodes the same data.

pub mod keyboard;
pub mod messenger;
pub mod pacer;
pub mod telegram;
pub mod text_keyboard;

pub use keyboard::{
    Button, Callback, HopAction, Intake, Keyboard, Markup, OperatorAction, OperatorButton,
};
pub use messenger::{Messenger, Outcome, Outgoing};
pub use pacer::Pacer;
