//! A fake Telegram Bot API server for end-to-end tests.
//!
//! [`FakeTelegram::start`] serves the Bot API over HTTP on `127.0.0.1:0`, so the real teloxide
//! client ([`FakeTelegram::bot`]) talks to it exactly as it talks to Telegram:
//! `POST {api_url}/bot{token}/{Method}` (method names match case-insensitively) with a JSON or
//! `multipart/form-data` body, answered with `{"ok":true,"result":…}` or
//! `{"ok":false,"error_code":…,"description":…}`.
//!
//! What it models:
//! - **Updates.** Tests inject them ([`FakeTelegram::text_from`], [`FakeTelegram::callback`],
//!   …). `getUpdates` long-polls (capped at [`LONG_POLL_CAP`]), honours `offset` (confirming
//!   every update below it), `limit` and `allowed_updates` (remembered between calls, as
//!   Telegram does), answers 409 while a webhook is set and to a poll overtaken by another.
//!   [`FakeTelegram::redeliver`] delivers an update again.
//! - **Chats.** A chat exists once a helper introduced it; sending anywhere else is
//!   "chat not found". Positive ids are private chats, negative ids groups (below
//!   -1 000 000 000 000 supergroups).
//! - **Messages the bot sends, edits and deletes**, with Telegram's own refusals: empty or
//!   too long text and captions, HTML / MarkdownV2 that does not parse, `callback_data` over
//!   64 bytes, "message is not modified", replies to missing messages, answering a callback
//!   query twice. An edit without `reply_markup` drops the inline keyboard, as on Telegram.
//! - **Files.** `getFile` and `GET {api_url}/file/bot{token}/{file_path}`; files over 20 MB
//!   are "file is too big". Uploads by the bot are kept ([`FakeTelegram::uploads`]).
//! - **Faults.** [`FakeTelegram::fail_next`] makes the next calls of a method fail;
//!   [`FakeTelegram::random_faults`] makes any message-sending call fail at given rates (429,
//!   502, a slow answer, a dropped connection), from a seeded random source;
//!   [`FakeTelegram::block_chat`] makes a person block the bot (403).
//! - **Telegram's limits**, when [`FakeTelegram::enforce_limits`] turns them on (off by
//!   default): a message sent over 30 a second in all, less than a second after the previous
//!   one to the same chat, or over 20 a minute to one group is refused with 429 and
//!   `retry_after` ([`Limits`]; [`FakeTelegram::limit_hits`] counts the refusals).
//! - **Distance.** [`FakeTelegram::set_round_trip`] makes every Bot API call wait that long
//!   before its answer goes back (changeable while calls run; 0 by default), as a server far
//!   from Telegram sees. The call is decided, and counted against the limits, when it
//!   arrives: its recorded time is then, the wait comes after. [`FakeTelegram::most_in_flight`]
//!   tells how many message-sending calls were open at once.
//!
//! Every call is recorded ([`FakeTelegram::calls`], [`FakeTelegram::wait_for`]) with the
//! time it was answered and the token it came with.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State as Shared};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use teloxide::Bot;
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The bot's user id, as `getMe` reports it.
pub const BOT_ID: i64 = 999;
/// The bot's username, as `getMe` reports it.
pub const BOT_USERNAME: &str = "dondoc_test_bot";
/// Longest a `getUpdates` call waits for an update, whatever its `timeout`.
pub const LONG_POLL_CAP: Duration = Duration::from_secs(1);

const BOT_FIRST_NAME: &str = "Đôn Đốc (test)";
const FIRST_UPDATE_ID: i32 = 100_001;
const MAX_BODY: usize = 64 * 1024 * 1024;
const MAX_TEXT: usize = 4096;
const MAX_CAPTION: usize = 1024;
const MAX_CALLBACK_ANSWER: usize = 200;
const MAX_CALLBACK_DATA: usize = 64;
const MAX_DOWNLOAD: u64 = 20 * 1024 * 1024;
const SUPERGROUP_BELOW: i64 = -1_000_000_000_000;
/// Methods that send a message, the ones [`Limits`] apply to.
const SENDING: &[&str] = &["sendmessage", "senddocument", "sendphoto"];
/// Update kinds Telegram sends when `allowed_updates` was never given (or given empty).
const NOT_SENT_BY_DEFAULT: &[&str] = &["chat_member", "message_reaction", "message_reaction_count"];
/// Methods answered with a plain `true` (after the call is recorded).
const ANSWERED_TRUE: &[&str] = &[
    "close",
    "logout",
    "deletemessages",
    "pinchatmessage",
    "unpinchatmessage",
    "unpinallchatmessages",
    "setmessagereaction",
    "setmydescription",
    "setmyshortdescription",
    "setmyname",
    "setchatmenubutton",
    "setmydefaultadministratorrights",
    "leavechat",
];
/// Multipart fields that stay strings even when they look like JSON (`"123"` as a caption).
const STRING_FIELDS: &[&str] = &[
    "text",
    "caption",
    "parse_mode",
    "file_name",
    "title",
    "description",
    "short_description",
    "name",
    "language_code",
    "action",
    "url",
    "secret_token",
    "inline_message_id",
    "callback_query_id",
    "business_connection_id",
    "message_effect_id",
];

/// A failure [`FakeTelegram::fail_next`] injects instead of the normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429 "Too Many Requests: retry after N" with `parameters.retry_after`; teloxide reports
    /// `RequestError::RetryAfter`. Nothing happens.
    RetryAfter(u32),
    /// 403 "Forbidden: bot was blocked by the user"; teloxide reports `ApiError::BotBlocked`.
    Forbidden,
    /// 502 "Bad Gateway". Note that teloxide sleeps 10 s before reading any 5xx answer, so each
    /// such fault costs the test 10 s.
    ServerError,
    /// The call is handled normally (its effect happens: a message is sent, updates are handed
    /// out) but the answer comes only after this delay, so a client with a shorter timeout sees
    /// a network error — as when Telegram is slow.
    Timeout(Duration),
    /// Any other error answer: HTTP status / `error_code` and `description`,
    /// e.g. `Api(403, "Forbidden: bot was kicked from the group chat".into())`.
    Api(u16, String),
    /// The connection breaks before the call is handled: nothing happens, and the client
    /// sees a broken response (headers promising a body that never comes).
    Dropped,
}

/// Rates (0.0–1.0) at which message-sending calls get each fault, drawn independently per
/// call from a random source seeded with `seed`, so a run can be replayed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaultRates {
    pub seed: u64,
    /// 429 with a `retry_after` of 1 to `max_retry_after` seconds.
    pub retry_after: f64,
    pub max_retry_after: u32,
    /// 502 Bad Gateway.
    pub server_error: f64,
    /// Handled, but answered after `slow_delay` (a client with a shorter time-out sees a
    /// network error although the message went out).
    pub slow: f64,
    pub slow_delay: Duration,
    /// The connection breaks before the call is handled.
    pub dropped: f64,
}

impl FaultRates {
    pub fn none() -> FaultRates {
        FaultRates {
            seed: 1,
            retry_after: 0.0,
            max_retry_after: 1,
            server_error: 0.0,
            slow: 0.0,
            slow_delay: Duration::from_secs(2),
            dropped: 0.0,
        }
    }
}

/// The random faults in force and their random source.
struct RandomFaults {
    rates: FaultRates,
    rng: rand::rngs::StdRng,
}

impl RandomFaults {
    fn draw(&mut self) -> Option<Fault> {
        use rand::Rng;
        let r = &self.rates;
        let roll: f64 = self.rng.gen();
        let mut edge = r.retry_after;
        if roll < edge {
            let secs = self.rng.gen_range(1..=r.max_retry_after.max(1));
            return Some(Fault::RetryAfter(secs));
        }
        edge += r.server_error;
        if roll < edge {
            return Some(Fault::ServerError);
        }
        edge += r.slow;
        if roll < edge {
            return Some(Fault::Timeout(r.slow_delay));
        }
        edge += r.dropped;
        (roll < edge).then_some(Fault::Dropped)
    }
}

/// Telegram's broadcast limits, as the fake enforces them on the methods that send a message
/// once [`FakeTelegram::enforce_limits`] is on. Each window slides: a message is refused when
/// it would be one too many in the second (or minute) that ends with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Messages accepted in any one second, all chats together (Telegram: 30).
    pub per_second: usize,
    /// Least time between two messages accepted for one chat (Telegram: about a second).
    pub chat_interval: Duration,
    /// Messages accepted for one group chat in any one minute (Telegram: 20).
    pub group_per_minute: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            per_second: 30,
            chat_interval: Duration::from_secs(1),
            group_per_minute: 20,
        }
    }
}

/// One recorded Bot API call (downloads are recorded as method `"download"`).
#[derive(Debug, Clone)]
pub struct Call {
    /// The method name in lower case, e.g. `"sendmessage"`.
    pub method: String,
    /// The token in the URL (`/bot{token}/…`), telling apart bots that share the fake.
    pub token: String,
    /// When the answer was decided (before a [`Fault::Timeout`] delays it).
    pub at: std::time::Instant,
    /// The parameters as JSON. For multipart calls every field is here: JSON-looking values are
    /// parsed (`chat_id`, `reply_markup`), and an uploaded file becomes
    /// `{"file_name": …, "size": …}`.
    pub params: Value,
    /// The fault injected into this call, if any (a refusal by [`Limits`] is not a fault: its
    /// `response` has `error_code` 429).
    pub fault: Option<Fault>,
    /// The whole answer sent back, `{"ok": …}`.
    pub response: Value,
}

impl Call {
    /// Whether Telegram accepted the call (a [`Fault::Timeout`] call still counts: it happened).
    pub fn is_ok(&self) -> bool {
        self.response["ok"] == Value::Bool(true)
    }
}

/// A file the bot uploaded.
#[derive(Debug, Clone)]
pub struct Upload {
    pub method: String,
    /// The parameter that carried it, e.g. `"document"`.
    pub field: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A document a person sends, for [`FakeTelegram::document_reply`].
#[derive(Debug, Clone, Copy)]
pub struct IncomingDocument<'a> {
    pub file_id: &'a str,
    pub file_name: &'a str,
    pub mime_type: &'a str,
    /// The size Telegram announces; [`FakeTelegram::put_file`] bytes, if any, are served.
    pub size: u64,
}

/// The fake server. Dropping it stops the server.
pub struct FakeTelegram {
    inner: Arc<Inner>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<()>,
}

impl FakeTelegram {
    /// Starts serving on `127.0.0.1:0`.
    pub async fn start() -> FakeTelegram {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the fake Telegram binds 127.0.0.1:0");
        let addr = listener
            .local_addr()
            .expect("a bound listener has an address");
        let inner = Arc::new(Inner::default());
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&inner));
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let graceful = async {
                // A dropped sender stops the server too.
                let _ = stopped.await;
            };
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(graceful)
                .await
            {
                eprintln!("fake Telegram server stopped: {e}");
            }
        });
        FakeTelegram {
            inner,
            addr,
            stop: Some(stop),
            server,
        }
    }

    /// The URL to give `Bot::set_api_url`, e.g. `http://127.0.0.1:41234`.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A teloxide bot pointed at this server (teloxide's default 17 s client timeout).
    pub fn bot(&self, token: &str) -> Bot {
        self.bot_with_timeout(token, Duration::from_secs(17))
    }

    /// A teloxide bot whose HTTP client gives up after `timeout` (for [`Fault::Timeout`]).
    pub fn bot_with_timeout(&self, token: &str, timeout: Duration) -> Bot {
        let client = teloxide::net::default_reqwest_settings()
            .no_proxy()
            .timeout(timeout)
            .build()
            .expect("a reqwest client builds");
        Bot::with_client(token, client).set_api_url(
            self.api_url()
                .parse()
                .expect("the fake's address is a valid URL"),
        )
    }

    /// Stops the server, letting calls in flight finish (for at most 2 s).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(2), &mut self.server).await;
    }

    // ----- people and chats --------------------------------------------------------------

    /// Introduces a person (and their private chat, whose id is the user id) by name.
    pub fn add_user(&self, user_id: i64, first_name: &str, username: Option<&str>) {
        let mut user = json!({"id": user_id, "is_bot": false, "first_name": first_name,
                              "language_code": "vi"});
        if let Some(username) = username {
            user["username"] = json!(username);
        }
        let mut state = self.inner.state();
        state.users.insert(user_id, user);
        state.chats.remove(&user_id);
        state.ensure_chat(user_id, user_id);
    }

    /// Introduces a group chat with its title.
    pub fn add_group(&self, chat_id: i64, title: &str) {
        assert!(chat_id < 0, "group chat ids are negative, got {chat_id}");
        let mut chat = group_chat(chat_id);
        chat["title"] = json!(title);
        self.inner.state().chats.insert(chat_id, chat);
    }

    // ----- update injection --------------------------------------------------------------

    /// Queues a raw update (an `update_id` is assigned unless given); returns its id. Chats,
    /// people and messages in it become known.
    pub fn push_update(&self, update: Value) -> i32 {
        let id = self.inner.state().push_update(update);
        self.inner.updates.notify_waiters();
        id
    }

    /// A person writes `text` in a chat (private for a positive id); returns the update id.
    pub fn text_from(&self, chat_id: i64, user_id: i64, text: &str) -> i32 {
        self.message_update(chat_id, user_id, None, text_content(text))
    }

    /// A person writes `text` in a group chat (negative id); returns the update id.
    pub fn text_in_group(&self, group_chat_id: i64, user_id: i64, text: &str) -> i32 {
        assert!(
            group_chat_id < 0,
            "group chat ids are negative, got {group_chat_id}"
        );
        self.text_from(group_chat_id, user_id, text)
    }

    /// A person replies with `text` to message `reply_to_message_id`; returns the update id.
    pub fn reply_to(
        &self,
        chat_id: i64,
        user_id: i64,
        reply_to_message_id: i32,
        text: &str,
    ) -> i32 {
        self.message_update(
            chat_id,
            user_id,
            Some(reply_to_message_id),
            text_content(text),
        )
    }

    /// A person sends a document in reply to message `reply_to_message_id`.
    pub fn document_reply(
        &self,
        chat_id: i64,
        user_id: i64,
        reply_to_message_id: i32,
        document: IncomingDocument<'_>,
        caption: Option<&str>,
    ) -> i32 {
        let content = self.document_content(document, caption);
        self.message_update(chat_id, user_id, Some(reply_to_message_id), content)
    }

    /// A person sends a document, not as a reply.
    pub fn document_from(
        &self,
        chat_id: i64,
        user_id: i64,
        document: IncomingDocument<'_>,
        caption: Option<&str>,
    ) -> i32 {
        let content = self.document_content(document, caption);
        self.message_update(chat_id, user_id, None, content)
    }

    /// A person sends a photo in reply to a message. Its largest size has `file_id` and `size`;
    /// a thumbnail `{file_id}-thumb` comes first, as Telegram sends sizes smallest first.
    pub fn photo_reply(
        &self,
        chat_id: i64,
        user_id: i64,
        reply_to_message_id: i32,
        file_id: &str,
        size: u64,
        caption: Option<&str>,
    ) -> i32 {
        self.photo(
            chat_id,
            user_id,
            Some(reply_to_message_id),
            file_id,
            size,
            caption,
        )
    }

    /// A person sends a photo, replying to nothing.
    pub fn photo_from(
        &self,
        chat_id: i64,
        user_id: i64,
        file_id: &str,
        size: u64,
        caption: Option<&str>,
    ) -> i32 {
        self.photo(chat_id, user_id, None, file_id, size, caption)
    }

    fn photo(
        &self,
        chat_id: i64,
        user_id: i64,
        reply_to_message_id: Option<i32>,
        file_id: &str,
        size: u64,
        caption: Option<&str>,
    ) -> i32 {
        let photo = {
            let mut state = self.inner.state();
            let thumb = format!("{file_id}-thumb");
            state.files.add(&thumb, FileEntry::photo(1_200));
            state.files.add(file_id, FileEntry::photo(size));
            json!([
                photo_size(&thumb, 90, 68, 1_200),
                photo_size(file_id, 1280, 960, size)
            ])
        };
        let mut content = Map::new();
        content.insert("photo".into(), photo);
        insert_caption(&mut content, caption);
        self.message_update(chat_id, user_id, reply_to_message_id, content)
    }

    /// A person presses an inline button with `data` under message `message_id`; returns the
    /// callback query id. A message the fake never saw arrives as inaccessible (date 0).
    pub fn callback(&self, chat_id: i64, user_id: i64, message_id: i32, data: &str) -> String {
        let query_id = {
            let mut state = self.inner.state();
            state.callback_update(chat_id, user_id, message_id, data)
        };
        self.inner.updates.notify_waiters();
        query_id
    }

    /// Delivers an already delivered update again at the next `getUpdates`, even if the offset
    /// already confirmed it — as Telegram does when the confirming offset never arrived.
    pub fn redeliver(&self, update_id: i32) {
        self.inner.state().updates.redeliver(update_id);
        self.inner.updates.notify_waiters();
    }

    /// The id of the last injected update.
    pub fn last_update_id(&self) -> i32 {
        self.inner.state().updates.next_id - 1
    }

    /// The message an injected update carries (`message` or the callback's `message`).
    pub fn message_of(&self, update_id: i32) -> Value {
        let state = self.inner.state();
        let update = state
            .updates
            .history
            .get(&update_id)
            .unwrap_or_else(|| panic!("no update {update_id} was injected"));
        update
            .get("message")
            .or_else(|| update.pointer("/callback_query/message"))
            .cloned()
            .unwrap_or_else(|| panic!("update {update_id} carries no message: {update}"))
    }

    /// Updates not yet confirmed by an offset.
    pub fn pending_updates(&self) -> usize {
        self.inner.state().updates.pending.len()
    }

    // ----- files ---------------------------------------------------------------------------

    /// The bytes served for `file_id` (a document or photo a person sent).
    pub fn put_file(&self, file_id: &str, bytes: Vec<u8>) {
        self.inner.state().files.put_bytes(file_id, bytes);
    }

    /// Every file the bot uploaded, in order.
    pub fn uploads(&self) -> Vec<Upload> {
        self.inner.state().uploads.clone()
    }

    // ----- faults --------------------------------------------------------------------------

    /// Message-sending calls fail at `rates` from now on ([`FaultRates::none`] stops it).
    pub fn random_faults(&self, rates: FaultRates) {
        use rand::SeedableRng;
        self.inner.state().random_faults = Some(RandomFaults {
            rates,
            rng: rand::rngs::StdRng::seed_from_u64(rates.seed),
        });
    }

    /// Person `chat_id` blocks the bot: every message to them gets 403.
    pub fn block_chat(&self, chat_id: i64) {
        self.inner.state().blocked.insert(chat_id);
    }

    /// The next `times` calls of `method` (any case) get `fault`; then service resumes.
    pub fn fail_next(&self, method: &str, fault: Fault, times: usize) {
        let mut state = self.inner.state();
        let queue = state.faults.entry(method.to_ascii_lowercase()).or_default();
        queue.extend(std::iter::repeat_n(fault, times));
    }

    /// Turns Telegram's limits ([`Limits::default`]) on or off. Messages accepted before are
    /// counted either way.
    pub fn enforce_limits(&self, on: bool) {
        self.inner.state().limits.enforced = on.then(Limits::default);
    }

    /// Enforces `limits` from now on.
    pub fn enforce_these_limits(&self, limits: Limits) {
        self.inner.state().limits.enforced = Some(limits);
    }

    /// How many calls the limits refused with 429 (injected [`Fault::RetryAfter`]s excepted).
    pub fn limit_hits(&self) -> usize {
        self.inner.state().limits.hits
    }

    // ----- distance ------------------------------------------------------------------------

    /// Every call from now on is answered `round_trip` after it arrives (calls already waiting
    /// keep their wait). [`Duration::ZERO`] answers at once again.
    pub fn set_round_trip(&self, round_trip: Duration) {
        self.inner.state().round_trip = round_trip;
    }

    /// The round trip calls get now.
    pub fn round_trip(&self) -> Duration {
        self.inner.state().round_trip
    }

    /// The most message-sending calls (`sendMessage`, `sendPhoto`, …) open at once so far:
    /// arrived and not yet answered.
    pub fn most_in_flight(&self) -> usize {
        self.inner.state().most_in_flight
    }

    // ----- inspection ----------------------------------------------------------------------

    /// Every call so far, in the order they were answered.
    pub fn calls(&self) -> Vec<Call> {
        self.inner.state().calls.clone()
    }

    /// The calls from the `from`-th on (0-based), for a watcher that reads the log as it grows.
    pub fn calls_since(&self, from: usize) -> Vec<Call> {
        let state = self.inner.state();
        state
            .calls
            .get(from..)
            .map(<[Call]>::to_vec)
            .unwrap_or_default()
    }

    /// How many calls to `method` (any case) Telegram accepted so far; cheaper than
    /// [`FakeTelegram::calls`] on a long log.
    pub fn accepted(&self, method: &str) -> usize {
        let method = method.to_ascii_lowercase();
        let state = self.inner.state();
        let calls = state.calls.iter().filter(|c| c.method == method);
        calls.filter(|c| c.is_ok()).count()
    }

    /// The params of every call to `method` (any case) so far.
    pub fn calls_to(&self, method: &str) -> Vec<Value> {
        let method = method.to_ascii_lowercase();
        let state = self.inner.state();
        let calls = state.calls.iter().filter(|c| c.method == method);
        calls.map(|c| c.params.clone()).collect()
    }

    /// Waits until a call to `method` (made at any time, faulted or not) has params matching
    /// `predicate`, and returns them. Panics listing every call if none comes in `timeout`.
    pub async fn wait_for(
        &self,
        method: &str,
        predicate: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Value {
        let call = self
            .wait_for_call(method, |c| predicate(&c.params), timeout)
            .await;
        call.params
    }

    /// As [`FakeTelegram::wait_for`], but only calls Telegram accepted count.
    pub async fn wait_for_ok(
        &self,
        method: &str,
        predicate: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Value {
        let call = self
            .wait_for_call(method, |c| c.is_ok() && predicate(&c.params), timeout)
            .await;
        call.params
    }

    /// Waits until a call to `method` matches `predicate`; panics listing every call if none
    /// comes in `timeout`.
    pub async fn wait_for_call(
        &self,
        method: &str,
        predicate: impl Fn(&Call) -> bool,
        timeout: Duration,
    ) -> Call {
        let method = method.to_ascii_lowercase();
        let deadline = Instant::now() + timeout;
        loop {
            let mut recorded = pin!(self.inner.recorded.notified());
            recorded.as_mut().enable();
            let found = {
                let state = self.inner.state();
                let mut calls = state.calls.iter();
                calls.find(|c| c.method == method && predicate(c)).cloned()
            };
            if let Some(call) = found {
                return call;
            }
            if tokio::time::timeout_at(deadline, recorded).await.is_err() {
                panic!(
                    "no matching {method} call within {timeout:?}; calls so far:\n{}",
                    describe_calls(&self.calls())
                );
            }
        }
    }

    /// The messages the bot sent to `chat_id` and has not deleted, as they are now (edits
    /// applied), oldest first.
    pub fn sent_to(&self, chat_id: i64) -> Vec<Value> {
        let state = self.inner.state();
        let keys = state.sent.iter().filter(|(chat, _)| *chat == chat_id);
        keys.filter_map(|key| state.messages.get(key).cloned())
            .collect()
    }

    /// A message as it is now, whoever sent it.
    pub fn message(&self, chat_id: i64, message_id: i32) -> Option<Value> {
        self.inner
            .state()
            .messages
            .get(&(chat_id, message_id))
            .cloned()
    }

    // ----- helpers -------------------------------------------------------------------------

    fn document_content(
        &self,
        document: IncomingDocument<'_>,
        caption: Option<&str>,
    ) -> Map<String, Value> {
        let entry = FileEntry::document(document.file_name, document.mime_type, document.size);
        let json = entry.document_json(document.file_id);
        self.inner.state().files.add(document.file_id, entry);
        let mut content = Map::new();
        content.insert("document".into(), json);
        insert_caption(&mut content, caption);
        content
    }

    fn message_update(
        &self,
        chat_id: i64,
        user_id: i64,
        reply_to: Option<i32>,
        content: Map<String, Value>,
    ) -> i32 {
        let id = {
            let mut state = self.inner.state();
            state.incoming_message(chat_id, user_id, reply_to, content)
        };
        self.inner.updates.notify_waiters();
        id
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        drop(self.stop.take());
        self.server.abort();
    }
}

fn describe_calls(calls: &[Call]) -> String {
    let polls = calls.iter().filter(|c| c.method == "getupdates").count();
    let mut lines: Vec<String> = calls
        .iter()
        .filter(|c| c.method != "getupdates")
        .map(|c| {
            let fault = c
                .fault
                .as_ref()
                .map(|f| format!(" [fault {f:?}]"))
                .unwrap_or_default();
            format!("  {} {}{fault} -> {}", c.method, c.params, c.response)
        })
        .collect();
    lines.push(format!("  (and {polls} getupdates calls)"));
    lines.join("\n")
}

// ===== server ===============================================================================

#[derive(Default)]
struct Inner {
    state: Mutex<State>,
    /// Woken when an update is queued or a poll begins.
    updates: Notify,
    /// Woken when a call is recorded.
    recorded: Notify,
}

impl Inner {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking test helper must not hide the server from the next assertion.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, call: Call) {
        self.state().calls.push(call);
        self.recorded.notify_waiters();
    }
}

/// An answer: HTTP status and the JSON body.
struct Reply {
    status: StatusCode,
    body: Value,
}

impl Reply {
    fn ok(result: Value) -> Reply {
        Reply {
            status: StatusCode::OK,
            body: json!({"ok": true, "result": result}),
        }
    }

    fn error(code: u16, description: impl Into<String>) -> Reply {
        let description = description.into();
        Reply {
            status: StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST),
            body: json!({"ok": false, "error_code": code, "description": description}),
        }
    }

    /// Flood control: 429 with `parameters.retry_after`.
    fn too_many_requests(secs: u32) -> Reply {
        let mut reply = Reply::error(429, format!("Too Many Requests: retry after {secs}"));
        reply.body["parameters"] = json!({"retry_after": secs});
        reply
    }

    fn bad_request(what: impl std::fmt::Display) -> Reply {
        Reply::error(400, format!("Bad Request: {what}"))
    }

    /// The error answer a fault gives instead of handling the call; `None` for a
    /// [`Fault::Timeout`], which handles the call and answers late.
    fn refusal(fault: &Fault) -> Option<Reply> {
        let reply = match fault {
            Fault::RetryAfter(secs) => Reply::too_many_requests(*secs),
            Fault::Forbidden => Reply::error(403, "Forbidden: bot was blocked by the user"),
            Fault::ServerError => Reply::error(502, "Bad Gateway"),
            Fault::Api(code, description) => Reply::error(*code, description.clone()),
            Fault::Timeout(_) | Fault::Dropped => return None,
        };
        Some(reply)
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

type Answer = Result<Value, Reply>;

enum Route {
    /// Token and method.
    Method(String, String),
    /// Token and file path.
    File(String, String),
}

fn route(path: &str) -> Option<Route> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let is_bot = |segment: &str| segment.len() > 3 && segment.starts_with("bot");
    match segments.as_slice() {
        [bot, method] if is_bot(bot) && !method.is_empty() => Some(Route::Method(
            percent_decode(&bot[3..]),
            (*method).to_owned(),
        )),
        ["file", bot, rest @ ..] if is_bot(bot) && !rest.is_empty() => Some(Route::File(
            percent_decode(&bot[3..]),
            percent_decode(&rest.join("/")),
        )),
        _ => None,
    }
}

async fn handle(Shared(inner): Shared<Arc<Inner>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = match axum::body::to_bytes(request.into_body(), MAX_BODY).await {
        Ok(body) => body,
        Err(e) => return Reply::bad_request(format!("unreadable body: {e}")).into_response(),
    };
    match route(&path) {
        Some(Route::Method(token, name)) => {
            api_call(&inner, token, &name, &content_type, &body).await
        }
        Some(Route::File(token, file_path)) => download(&inner, token, &file_path),
        None => Reply::error(404, "Not Found").into_response(),
    }
}

async fn api_call(
    inner: &Inner,
    token: String,
    name: &str,
    content_type: &str,
    body: &[u8],
) -> Response {
    let method = name.to_ascii_lowercase();
    let request = match ApiRequest::parse(content_type, body) {
        Ok(request) => request,
        Err(e) => return Reply::bad_request(e).into_response(),
    };
    let sending = SENDING.contains(&method.as_str());
    let round_trip = inner.state().round_trip;
    // Counted open until answered, or until the client goes away (hyper then drops this).
    let _open = sending.then(|| InFlight::open(inner));
    let response = answer_call(inner, token, method, request).await;
    if !round_trip.is_zero() {
        tokio::time::sleep(round_trip).await;
    }
    response
}

/// One message-sending call open at the fake, from its arrival until it is answered or
/// dropped.
struct InFlight<'a>(&'a Inner);

impl<'a> InFlight<'a> {
    fn open(inner: &'a Inner) -> Self {
        let mut state = inner.state();
        state.in_flight += 1;
        state.most_in_flight = state.most_in_flight.max(state.in_flight);
        InFlight(inner)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.in_flight = state.in_flight.saturating_sub(1);
    }
}

/// Decides and records one call; the round trip is waited by [`api_call`].
async fn answer_call(
    inner: &Inner,
    token: String,
    method: String,
    request: ApiRequest,
) -> Response {
    let fault = inner.state().take_fault(&method, &request.params);
    let reply = match fault.as_ref() {
        Some(Fault::Dropped) => Reply::error(599, "connection dropped"),
        Some(fault) => match Reply::refusal(fault) {
            Some(refusal) => refusal,
            None => dispatch(inner, &method, &request).await,
        },
        None => dispatch(inner, &method, &request).await,
    };
    inner.record(Call {
        method,
        token,
        at: std::time::Instant::now(),
        params: request.params,
        fault: fault.clone(),
        response: reply.body.clone(),
    });
    match fault {
        Some(Fault::Timeout(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::Dropped) => return broken_response(),
        _ => {}
    }
    reply.into_response()
}

/// Headers that promise a body which never comes: the server gives up on the connection and
/// the client reads a broken response, as when a connection drops mid-answer.
fn broken_response() -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    response.headers_mut().insert(
        header::CONTENT_LENGTH,
        header::HeaderValue::from_static("1024"),
    );
    response
}

async fn dispatch(inner: &Inner, method: &str, request: &ApiRequest) -> Reply {
    if method == "getupdates" {
        return get_updates(inner, &request.params).await;
    }
    let p = &request.params;
    let mut state = inner.state();
    let sending = SENDING.contains(&method);
    if sending {
        if let Some(secs) = state
            .limits
            .refuse(chat_id_of(p), std::time::Instant::now())
        {
            return Reply::too_many_requests(secs);
        }
    }
    let answer = match method {
        "getme" => Ok(me()),
        "sendmessage" => state.send_message(p),
        "senddocument" => state.send_media(p, &request.files, Media::Document),
        "sendphoto" => state.send_media(p, &request.files, Media::Photo),
        "editmessagetext" => state.edit_text(p),
        "editmessagecaption" => state.edit_caption(p),
        "editmessagereplymarkup" => state.edit_markup(p),
        "deletemessage" => state.delete_message(p),
        "answercallbackquery" => state.answer_callback(p),
        "setmycommands" => state.set_commands(p),
        "getmycommands" => Ok(state.commands(p)),
        "deletemycommands" => state.delete_commands(p),
        "setwebhook" => state.set_webhook(p),
        "deletewebhook" => Ok(state.delete_webhook(p)),
        "getwebhookinfo" => Ok(state.webhook_info()),
        "getfile" => state.files.get_file(p),
        "sendchataction" => state.known_chat(p).map(|_| Value::Bool(true)),
        m if ANSWERED_TRUE.contains(&m) => Ok(Value::Bool(true)),
        _ => Err(Reply::error(
            404,
            format!("Not Found: method {method} is not implemented by FakeTelegram"),
        )),
    };
    match answer {
        Ok(result) => {
            if sending {
                state
                    .limits
                    .accepted(chat_id_of(p), std::time::Instant::now());
            }
            Reply::ok(result)
        }
        Err(reply) => reply,
    }
}

/// `getUpdates`: confirm below `offset`, then answer at once if anything is pending, else when
/// an update arrives or the (capped) timeout passes. A newer poll overtakes this one (409).
async fn get_updates(inner: &Inner, params: &Value) -> Reply {
    let generation = match inner.state().begin_poll(params) {
        Ok(generation) => generation,
        Err(reply) => return reply,
    };
    inner.updates.notify_waiters();
    let wait = Duration::from_secs(params["timeout"].as_u64().unwrap_or(0)).min(LONG_POLL_CAP);
    let deadline = Instant::now() + wait;
    let limit = params["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    loop {
        let mut woken = pin!(inner.updates.notified());
        woken.as_mut().enable();
        {
            let mut state = inner.state();
            if state.updates.generation != generation {
                return Reply::error(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one \
                     bot instance is running",
                );
            }
            let batch = state.updates.take_batch(limit);
            if !batch.is_empty() || Instant::now() >= deadline {
                return Reply::ok(Value::Array(batch));
            }
        }
        let _ = tokio::time::timeout_at(deadline, woken).await;
    }
}

fn download(inner: &Inner, token: String, file_path: &str) -> Response {
    let bytes = inner.state().files.bytes_at(file_path);
    let found = bytes.is_some();
    inner.record(Call {
        method: "download".into(),
        token,
        at: std::time::Instant::now(),
        params: json!({"file_path": file_path}),
        fault: None,
        response: json!({"ok": found}),
    });
    match bytes {
        Some(bytes) => (StatusCode::OK, bytes).into_response(),
        None => Reply::error(404, "Not Found").into_response(),
    }
}

// ===== request parsing ======================================================================

struct ApiRequest {
    params: Value,
    /// Uploaded files by the parameter that refers to them (`document`, `photo`, …).
    files: HashMap<String, FilePart>,
}

struct FilePart {
    file_name: String,
    bytes: Vec<u8>,
}

impl ApiRequest {
    fn parse(content_type: &str, body: &[u8]) -> Result<ApiRequest, String> {
        if let Some(boundary) = multipart_boundary(content_type) {
            return ApiRequest::from_multipart(body, &boundary);
        }
        let params = if body.iter().all(u8::is_ascii_whitespace) {
            json!({})
        } else {
            serde_json::from_slice(body).map_err(|e| format!("can't parse JSON body: {e}"))?
        };
        Ok(ApiRequest {
            params,
            files: HashMap::new(),
        })
    }

    /// Text parts become params; `attach://id` params take the file part named `id`.
    fn from_multipart(body: &[u8], boundary: &str) -> Result<ApiRequest, String> {
        let mut params = Map::new();
        let mut attachments = HashMap::new();
        for part in parse_multipart(body, boundary)? {
            match part.file_name {
                Some(file_name) => {
                    let file = FilePart {
                        file_name,
                        bytes: part.data,
                    };
                    attachments.insert(part.name, file);
                }
                None => {
                    let text = String::from_utf8_lossy(&part.data).into_owned();
                    let value = multipart_value(&part.name, text);
                    params.insert(part.name, value);
                }
            }
        }
        let mut files = HashMap::new();
        for (field, value) in params.iter_mut() {
            let Some(id) = value.as_str().and_then(|v| v.strip_prefix("attach://")) else {
                continue;
            };
            let file = attachments
                .remove(id)
                .ok_or_else(|| format!("no multipart part for {field}=attach://{id}"))?;
            *value = json!({"file_name": file.file_name, "size": file.bytes.len()});
            files.insert(field.clone(), file);
        }
        Ok(ApiRequest {
            params: Value::Object(params),
            files,
        })
    }
}

fn multipart_value(name: &str, text: String) -> Value {
    if STRING_FIELDS.contains(&name) {
        return Value::String(text);
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(value @ (Value::Number(_) | Value::Bool(_) | Value::Object(_) | Value::Array(_))) => {
            value
        }
        _ => Value::String(text),
    }
}

fn multipart_boundary(content_type: &str) -> Option<String> {
    let (kind, rest) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    rest.split(';').find_map(|param| {
        let (key, value) = param.split_once('=')?;
        let boundary = value.trim().trim_matches('"');
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| boundary.to_owned())
    })
}

struct Part {
    name: String,
    file_name: Option<String>,
    data: Vec<u8>,
}

fn parse_multipart(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let next_delimiter = [b"\r\n".as_slice(), &delimiter].concat();
    let mut pos =
        find(body, &delimiter, 0).ok_or("no multipart boundary in the body")? + delimiter.len();
    let mut parts = Vec::new();
    while !body[pos..].starts_with(b"--") {
        let header_end = find(body, b"\r\n\r\n", pos).ok_or("a multipart part without headers")?;
        let headers = String::from_utf8_lossy(&body[pos..header_end]).into_owned();
        let content_start = header_end + 4;
        let content_end =
            find(body, &next_delimiter, content_start).ok_or("an unterminated multipart part")?;
        let disposition = headers
            .lines()
            .find(|line| {
                line.to_ascii_lowercase()
                    .starts_with("content-disposition:")
            })
            .ok_or("a multipart part without Content-Disposition")?;
        let params = disposition_params(disposition);
        parts.push(Part {
            name: params
                .get("name")
                .cloned()
                .ok_or("a multipart part without a name")?,
            file_name: params.get("filename").cloned(),
            data: body[content_start..content_end].to_vec(),
        });
        pos = content_end + next_delimiter.len();
    }
    Ok(parts)
}

/// `form-data; name="x"; filename="a \"b\".txt"` → `{name: x, filename: a "b".txt}`.
fn disposition_params(line: &str) -> HashMap<String, String> {
    let mut params = HashMap::new();
    let mut rest = line.split_once(';').map_or("", |(_, rest)| rest);
    while let Some((key, after)) = rest.split_once('=') {
        let key = key
            .trim()
            .trim_start_matches(';')
            .trim()
            .to_ascii_lowercase();
        let (value, remaining) = match after.strip_prefix('"') {
            Some(quoted) => unquote(quoted),
            None => {
                let end = after.find(';').unwrap_or(after.len());
                (after[..end].trim().to_owned(), &after[end..])
            }
        };
        params.insert(key, value);
        rest = remaining;
    }
    params
}

/// Reads a quoted string's body (after the opening quote) up to its closing quote.
fn unquote(quoted: &str) -> (String, &str) {
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    value.push(escaped);
                }
            }
            '"' => return (value, &quoted[i + 1..]),
            c => value.push(c),
        }
    }
    (value, "")
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|i| i + from)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ===== state ================================================================================

#[derive(Default)]
struct State {
    updates: Updates,
    next_message_id: i32,
    next_callback: u64,
    chats: HashMap<i64, Value>,
    users: HashMap<i64, Value>,
    messages: HashMap<(i64, i32), Value>,
    /// The bot's messages, in the order sent.
    sent: Vec<(i64, i32)>,
    /// Callback query ids, and whether they were answered.
    callbacks: HashMap<String, bool>,
    files: Files,
    calls: Vec<Call>,
    uploads: Vec<Upload>,
    faults: HashMap<String, VecDeque<Fault>>,
    random_faults: Option<RandomFaults>,
    blocked: std::collections::HashSet<i64>,
    commands: HashMap<String, Value>,
    webhook: Option<String>,
    limits: LimitState,
    /// How long every call waits before its answer goes back.
    round_trip: Duration,
    /// Message-sending calls arrived and not answered yet, and the most there were at once.
    in_flight: usize,
    most_in_flight: usize,
}

impl State {
    /// Starts a `getUpdates` call, refused while a webhook is set.
    fn begin_poll(&mut self, params: &Value) -> Result<u64, Reply> {
        if self.webhook.is_some() {
            return Err(Reply::error(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use \
                 deleteWebhook to delete the webhook first",
            ));
        }
        Ok(self.updates.begin_poll(params))
    }

    /// The fault for this call: one queued by `fail_next`, else 403 for a blocked chat, else
    /// a random one for a message-sending call.
    fn take_fault(&mut self, method: &str, params: &Value) -> Option<Fault> {
        if let Some(fault) = self.faults.get_mut(method).and_then(VecDeque::pop_front) {
            return Some(fault);
        }
        if !SENDING.contains(&method) {
            return None;
        }
        if chat_id_of(params).is_some_and(|chat| self.blocked.contains(&chat)) {
            return Some(Fault::Forbidden);
        }
        self.random_faults.as_mut()?.draw()
    }

    fn user(&mut self, user_id: i64) -> Value {
        self.users
            .entry(user_id)
            .or_insert_with(|| default_user(user_id))
            .clone()
    }

    /// The chat, introduced now if new: private for a positive id (the person `user_id`), a group
    /// for a negative one.
    fn ensure_chat(&mut self, chat_id: i64, user_id: i64) -> Value {
        if let Some(chat) = self.chats.get(&chat_id) {
            return chat.clone();
        }
        let chat = if chat_id > 0 {
            private_chat(chat_id, &self.user(user_id))
        } else {
            group_chat(chat_id)
        };
        self.chats.insert(chat_id, chat.clone());
        chat
    }

    /// The chat `chat_id` names, or Telegram's "chat not found".
    fn known_chat(&self, p: &Value) -> Result<i64, Reply> {
        chat_id_of(p)
            .filter(|id| self.chats.contains_key(id))
            .ok_or_else(|| Reply::bad_request("chat not found"))
    }

    fn new_message(&mut self, chat_id: i64, from: Value, content: Map<String, Value>) -> Value {
        self.next_message_id += 1;
        let id = self.next_message_id;
        let mut message = Map::new();
        message.insert("message_id".into(), json!(id));
        message.insert("from".into(), from);
        message.insert("chat".into(), self.chats[&chat_id].clone());
        message.insert("date".into(), json!(unix_now()));
        message.extend(content);
        let message = Value::Object(message);
        self.messages.insert((chat_id, id), message.clone());
        message
    }

    /// A message as a reply shows it: without its own `reply_to_message`.
    fn quoted(&self, chat_id: i64, message_id: i32) -> Option<Value> {
        let mut message = self.messages.get(&(chat_id, message_id))?.clone();
        if let Some(fields) = message.as_object_mut() {
            fields.remove("reply_to_message");
        }
        Some(message)
    }

    fn incoming_message(
        &mut self,
        chat_id: i64,
        user_id: i64,
        reply_to: Option<i32>,
        mut content: Map<String, Value>,
    ) -> i32 {
        self.ensure_chat(chat_id, user_id);
        if let Some(reply_id) = reply_to {
            let quoted = self.quoted(chat_id, reply_id).unwrap_or_else(|| {
                panic!(
                    "cannot reply to message {reply_id} in chat {chat_id}: the fake never saw it"
                )
            });
            content.insert("reply_to_message".into(), quoted);
        }
        let from = self.user(user_id);
        let message = self.new_message(chat_id, from, content);
        self.updates.push(json!({"message": message}))
    }

    fn callback_update(
        &mut self,
        chat_id: i64,
        user_id: i64,
        message_id: i32,
        data: &str,
    ) -> String {
        let chat = self.ensure_chat(chat_id, user_id);
        let message = self
            .messages
            .get(&(chat_id, message_id))
            .cloned()
            .unwrap_or_else(|| json!({"message_id": message_id, "date": 0, "chat": chat}));
        self.next_callback += 1;
        let query_id = (4_200_000_000_000_000_000u64 + self.next_callback).to_string();
        self.callbacks.insert(query_id.clone(), false);
        let query = json!({
            "id": query_id,
            "from": self.user(user_id),
            "message": message,
            "chat_instance": format!("{}", chat_id.unsigned_abs() * 31 + 7),
            "data": data,
        });
        self.updates.push(json!({"callback_query": query}));
        query_id
    }

    /// Queues a raw update, learning the chat, sender and message it carries.
    fn push_update(&mut self, update: Value) -> i32 {
        let message = ["message", "edited_message"]
            .iter()
            .find_map(|kind| update.get(*kind))
            .or_else(|| update.pointer("/callback_query/message"));
        if let Some(message) = message {
            self.learn_message(message);
        }
        self.updates.push(update)
    }

    fn learn_message(&mut self, message: &Value) {
        let chat_id = message.pointer("/chat/id").and_then(Value::as_i64);
        let message_id = message["message_id"]
            .as_i64()
            .and_then(|id| i32::try_from(id).ok());
        if let Some(chat_id) = chat_id {
            self.chats
                .entry(chat_id)
                .or_insert_with(|| message["chat"].clone());
            if let Some(message_id) = message_id.filter(|_| message["date"] != 0) {
                self.messages.insert((chat_id, message_id), message.clone());
                self.next_message_id = self.next_message_id.max(message_id);
            }
        }
        if let Some(user_id) = message.pointer("/from/id").and_then(Value::as_i64) {
            self.users
                .entry(user_id)
                .or_insert_with(|| message["from"].clone());
        }
    }

    // ----- sending -------------------------------------------------------------------------

    fn bot_message(&mut self, chat_id: i64, content: Map<String, Value>) -> Value {
        let message = self.new_message(chat_id, bot_user(), content);
        let id = message["message_id"]
            .as_i64()
            .and_then(|id| i32::try_from(id).ok());
        self.sent.extend(id.map(|id| (chat_id, id)));
        message
    }

    fn send_message(&mut self, p: &Value) -> Answer {
        let chat_id = self.known_chat(p)?;
        let text = parsed(p, "text")?;
        check_text(&text, "message is too long")?;
        let mut content = Map::new();
        content.insert("text".into(), json!(text));
        self.add_reply(&mut content, chat_id, p)?;
        add_markup(&mut content, p)?;
        Ok(self.bot_message(chat_id, content))
    }

    fn send_media(&mut self, p: &Value, files: &HashMap<String, FilePart>, media: Media) -> Answer {
        let chat_id = self.known_chat(p)?;
        let caption = parsed(p, "caption")?;
        check_caption(&caption)?;
        let file = self.input_file(p, files, media)?;
        let mut content = Map::new();
        content.insert(media.field().into(), file);
        insert_caption(&mut content, Some(caption.as_str()));
        self.add_reply(&mut content, chat_id, p)?;
        add_markup(&mut content, p)?;
        Ok(self.bot_message(chat_id, content))
    }

    /// The file a send names: an upload (kept), a known `file_id`, or a URL.
    fn input_file(&mut self, p: &Value, files: &HashMap<String, FilePart>, media: Media) -> Answer {
        let field = media.field();
        let entry_id = if let Some(upload) = files.get(field) {
            if upload.bytes.is_empty() {
                return Err(Reply::bad_request("file must be non-empty"));
            }
            self.uploads.push(Upload {
                method: media.method().into(),
                field: field.into(),
                file_name: upload.file_name.clone(),
                bytes: upload.bytes.clone(),
            });
            let entry = media.entry(&upload.file_name, upload.bytes.len() as u64);
            let id = self.files.add_new(entry);
            self.files.put_bytes(&id, upload.bytes.clone());
            id
        } else {
            match p[field].as_str() {
                Some(id) if self.files.entries.contains_key(id) => id.to_owned(),
                Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                    let name = url.rsplit('/').next().unwrap_or("file");
                    self.files.add_new(media.entry(name, 1_024))
                }
                Some(_) => {
                    return Err(Reply::bad_request(
                        "wrong file identifier/HTTP URL specified",
                    ))
                }
                None => {
                    return Err(Reply::bad_request(format!(
                        "there is no {field} in the request"
                    )))
                }
            }
        };
        Ok(self.files.media_json(&entry_id, media))
    }

    fn add_reply(
        &self,
        content: &mut Map<String, Value>,
        chat_id: i64,
        p: &Value,
    ) -> Result<(), Reply> {
        let reply_id = p
            .pointer("/reply_parameters/message_id")
            .or_else(|| p.get("reply_to_message_id"))
            .and_then(Value::as_i64)
            .and_then(|id| i32::try_from(id).ok());
        let Some(reply_id) = reply_id else {
            return Ok(());
        };
        let without_reply = p
            .pointer("/reply_parameters/allow_sending_without_reply")
            .or_else(|| p.get("allow_sending_without_reply"))
            == Some(&Value::Bool(true));
        match self.quoted(chat_id, reply_id) {
            Some(quoted) => {
                content.insert("reply_to_message".into(), quoted);
                Ok(())
            }
            None if without_reply => Ok(()),
            None => Err(Reply::bad_request("message to be replied not found")),
        }
    }

    // ----- editing -------------------------------------------------------------------------

    fn edit_text(&mut self, p: &Value) -> Answer {
        let text = parsed(p, "text")?;
        check_text(&text, "MESSAGE_TOO_LONG")?;
        self.edit(p, Some(("text", json!(text))))
    }

    fn edit_caption(&mut self, p: &Value) -> Answer {
        let caption = parsed(p, "caption")?;
        check_caption(&caption)?;
        self.edit(p, Some(("caption", json!(caption))))
    }

    fn edit_markup(&mut self, p: &Value) -> Answer {
        self.edit(p, None)
    }

    /// Applies an edit (a field's new value and the new inline keyboard) to a bot message.
    fn edit(&mut self, p: &Value, change: Option<(&str, Value)>) -> Answer {
        let markup = inline_markup(p)?;
        if p.get("inline_message_id").is_some() {
            return Ok(Value::Bool(true));
        }
        let chat_id = self.known_chat(p)?;
        let message_id = p["message_id"]
            .as_i64()
            .and_then(|id| i32::try_from(id).ok());
        let key = (chat_id, message_id.unwrap_or_default());
        let message = self
            .messages
            .get(&key)
            .ok_or_else(|| Reply::bad_request("message to edit not found"))?;
        if message.pointer("/from/id") != Some(&json!(BOT_ID)) {
            return Err(Reply::bad_request("message can't be edited"));
        }
        let mut edited = message.clone();
        if let Some((field, value)) = change {
            let has_text = message.get("text").is_some();
            if field == "text" && !has_text {
                return Err(Reply::bad_request(
                    "there is no text in the message to edit",
                ));
            }
            if field == "caption" && has_text {
                return Err(Reply::bad_request(
                    "there is no caption in the message to edit",
                ));
            }
            edited[field] = value;
        }
        match markup {
            Some(markup) => edited["reply_markup"] = markup,
            None => {
                if let Some(fields) = edited.as_object_mut() {
                    fields.remove("reply_markup");
                }
            }
        }
        if edited == *message {
            return Err(Reply::bad_request(
                "message is not modified: specified new message content and reply markup are \
                 exactly the same as a current content and reply markup of the message",
            ));
        }
        edited["edit_date"] = json!(unix_now());
        self.messages.insert(key, edited.clone());
        Ok(edited)
    }

    fn delete_message(&mut self, p: &Value) -> Answer {
        let chat_id = self.known_chat(p)?;
        let message_id = p["message_id"]
            .as_i64()
            .and_then(|id| i32::try_from(id).ok());
        let key = (chat_id, message_id.unwrap_or_default());
        match self.messages.remove(&key) {
            Some(_) => Ok(Value::Bool(true)),
            None => Err(Reply::bad_request("message to delete not found")),
        }
    }

    // ----- callbacks, commands, webhook ----------------------------------------------------

    fn answer_callback(&mut self, p: &Value) -> Answer {
        let text = p["text"].as_str().unwrap_or_default();
        if text.chars().count() > MAX_CALLBACK_ANSWER {
            return Err(Reply::bad_request("MESSAGE_TOO_LONG"));
        }
        let id = p["callback_query_id"].as_str().unwrap_or_default();
        match self.callbacks.get_mut(id) {
            Some(answered @ false) => {
                *answered = true;
                Ok(Value::Bool(true))
            }
            _ => Err(Reply::bad_request(
                "query is too old and response timeout expired or query ID is invalid",
            )),
        }
    }

    fn set_commands(&mut self, p: &Value) -> Answer {
        let commands = p["commands"].as_array().cloned().unwrap_or_default();
        for command in &commands {
            let name = command["command"].as_str().unwrap_or_default();
            let valid = (1..=32).contains(&name.len())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid {
                return Err(Reply::bad_request("BOT_COMMAND_INVALID"));
            }
            let description = command["description"].as_str().unwrap_or_default();
            if !(1..=256).contains(&description.chars().count()) {
                return Err(Reply::bad_request(
                    "command description must be 1-256 characters",
                ));
            }
        }
        self.commands
            .insert(commands_key(p), Value::Array(commands));
        Ok(Value::Bool(true))
    }

    fn commands(&self, p: &Value) -> Value {
        self.commands
            .get(&commands_key(p))
            .cloned()
            .unwrap_or_else(|| json!([]))
    }

    fn delete_commands(&mut self, p: &Value) -> Answer {
        self.commands.remove(&commands_key(p));
        Ok(Value::Bool(true))
    }

    fn set_webhook(&mut self, p: &Value) -> Answer {
        let url = p["url"].as_str().unwrap_or_default();
        if url.is_empty() {
            self.webhook = None;
        } else if url.starts_with("https://") {
            self.webhook = Some(url.to_owned());
        } else {
            return Err(Reply::bad_request(
                "bad webhook: An HTTPS URL must be provided for webhook",
            ));
        }
        Ok(Value::Bool(true))
    }

    fn delete_webhook(&mut self, p: &Value) -> Value {
        self.webhook = None;
        if p["drop_pending_updates"] == Value::Bool(true) {
            self.updates.pending.clear();
        }
        Value::Bool(true)
    }

    fn webhook_info(&self) -> Value {
        json!({
            "url": self.webhook.clone().unwrap_or_default(),
            "has_custom_certificate": false,
            "pending_update_count": self.updates.pending.len(),
        })
    }
}

fn commands_key(p: &Value) -> String {
    let scope = p
        .get("scope")
        .cloned()
        .unwrap_or_else(|| json!({"type": "default"}));
    format!(
        "{scope}/{}",
        p["language_code"].as_str().unwrap_or_default()
    )
}

// ----- updates ----------------------------------------------------------------------------------

struct Updates {
    next_id: i32,
    pending: BTreeMap<i32, Pending>,
    history: BTreeMap<i32, Value>,
    /// The last `allowed_updates` a poll gave; `None` or empty means Telegram's default.
    allowed: Option<Vec<String>>,
    /// Bumped by every poll: a waiting poll that sees it move was overtaken.
    generation: u64,
}

struct Pending {
    update: Value,
    /// Redelivered: handed out once more even though an offset confirmed it.
    forced: bool,
}

impl Default for Updates {
    fn default() -> Updates {
        Updates {
            next_id: FIRST_UPDATE_ID,
            pending: BTreeMap::new(),
            history: BTreeMap::new(),
            allowed: None,
            generation: 0,
        }
    }
}

impl Updates {
    /// Queues an update, giving it the next id unless it has one.
    fn push(&mut self, mut update: Value) -> i32 {
        let given = update["update_id"]
            .as_i64()
            .and_then(|id| i32::try_from(id).ok());
        let id = given.unwrap_or(self.next_id);
        self.next_id = self.next_id.max(id + 1);
        update["update_id"] = json!(id);
        self.history.insert(id, update.clone());
        self.pending.insert(
            id,
            Pending {
                update,
                forced: false,
            },
        );
        id
    }

    fn redeliver(&mut self, update_id: i32) {
        let update = self
            .history
            .get(&update_id)
            .unwrap_or_else(|| panic!("cannot redeliver update {update_id}: it was never injected"))
            .clone();
        self.pending.insert(
            update_id,
            Pending {
                update,
                forced: true,
            },
        );
    }

    /// Starts a poll: remembers `allowed_updates`, confirms below `offset`. Returns the poll's
    /// generation.
    fn begin_poll(&mut self, params: &Value) -> u64 {
        if let Some(allowed) = params.get("allowed_updates").and_then(Value::as_array) {
            let kinds = allowed.iter().filter_map(Value::as_str).map(str::to_owned);
            self.allowed = Some(kinds.collect());
        }
        self.confirm(params["offset"].as_i64().unwrap_or(0));
        self.generation += 1;
        self.generation
    }

    /// A positive offset confirms every update below it; a negative one keeps only the last
    /// `-offset` updates.
    fn confirm(&mut self, offset: i64) {
        if offset > 0 {
            self.pending
                .retain(|id, p| p.forced || i64::from(*id) >= offset);
        } else if offset < 0 {
            let keep = usize::try_from(offset.unsigned_abs()).unwrap_or(usize::MAX);
            while self.pending.len() > keep {
                self.pending.pop_first();
            }
        }
    }

    /// Drops pending updates of kinds not allowed, then hands out up to `limit` of the rest.
    fn take_batch(&mut self, limit: usize) -> Vec<Value> {
        let allowed = self.allowed.clone().filter(|kinds| !kinds.is_empty());
        self.pending
            .retain(|_, p| is_allowed(&p.update, allowed.as_deref()));
        let batch = self.pending.values_mut().take(limit);
        batch
            .map(|p| {
                p.forced = false;
                p.update.clone()
            })
            .collect()
    }
}

fn is_allowed(update: &Value, allowed: Option<&[String]>) -> bool {
    let kind = update
        .as_object()
        .and_then(|fields| fields.keys().find(|key| *key != "update_id"))
        .map(String::as_str)
        .unwrap_or_default();
    match allowed {
        Some(kinds) => kinds.iter().any(|k| k == kind),
        None => !NOT_SENT_BY_DEFAULT.contains(&kind),
    }
}

// ----- files ------------------------------------------------------------------------------------

#[derive(Default)]
struct Files {
    entries: HashMap<String, FileEntry>,
    next: u64,
}

#[derive(Clone)]
struct FileEntry {
    unique_id: String,
    /// `documents` or `photos`: the folder of its `file_path`.
    folder: &'static str,
    file_name: Option<String>,
    mime_type: Option<String>,
    size: u64,
    bytes: Option<Vec<u8>>,
    path: Option<String>,
}

impl FileEntry {
    fn document(file_name: &str, mime_type: &str, size: u64) -> FileEntry {
        FileEntry {
            unique_id: String::new(),
            folder: "documents",
            file_name: Some(file_name.to_owned()),
            mime_type: Some(mime_type.to_owned()),
            size,
            bytes: None,
            path: None,
        }
    }

    fn photo(size: u64) -> FileEntry {
        FileEntry {
            folder: "photos",
            file_name: None,
            mime_type: None,
            ..FileEntry::document("", "", size)
        }
    }

    /// A download path like `documents/file_3.xlsx`.
    fn new_path(&self, n: u64) -> String {
        let default = if self.folder == "photos" {
            "jpg"
        } else {
            "bin"
        };
        let name = self
            .file_name
            .as_deref()
            .and_then(|name| name.rsplit_once('.'));
        let extension = name.map_or(default, |(_, extension)| extension);
        format!("{}/file_{n}.{extension}", self.folder)
    }

    fn size(&self) -> u64 {
        self.bytes
            .as_ref()
            .map_or(self.size, |bytes| bytes.len() as u64)
    }

    fn document_json(&self, file_id: &str) -> Value {
        let mut json = json!({
            "file_id": file_id,
            "file_unique_id": unique_id(file_id),
            "file_size": self.size(),
        });
        if let Some(name) = &self.file_name {
            json["file_name"] = json!(name);
        }
        if let Some(mime) = &self.mime_type {
            json["mime_type"] = json!(mime);
        }
        json
    }
}

impl Files {
    fn add(&mut self, file_id: &str, mut entry: FileEntry) {
        entry.unique_id = unique_id(file_id);
        let bytes = self.entries.get(file_id).and_then(|old| old.bytes.clone());
        entry.bytes = entry.bytes.or(bytes);
        self.entries.insert(file_id.to_owned(), entry);
    }

    /// Registers a file the bot uploaded; returns its new id.
    fn add_new(&mut self, entry: FileEntry) -> String {
        self.next += 1;
        let id = format!("BQACAgUAAxk-fake-{}", self.next);
        self.add(&id, entry);
        id
    }

    fn put_bytes(&mut self, file_id: &str, bytes: Vec<u8>) {
        let entry = self
            .entries
            .entry(file_id.to_owned())
            .or_insert_with(|| FileEntry::document("file", "application/octet-stream", 0));
        entry.unique_id = unique_id(file_id);
        entry.bytes = Some(bytes);
    }

    fn media_json(&self, file_id: &str, media: Media) -> Value {
        let entry = &self.entries[file_id];
        match media {
            Media::Document => entry.document_json(file_id),
            Media::Photo => json!([photo_size(file_id, 1280, 960, entry.size())]),
        }
    }

    /// `getFile`: the file with a download path (assigned on first request).
    fn get_file(&mut self, p: &Value) -> Answer {
        let file_id = p["file_id"].as_str().unwrap_or_default();
        let next = self.next + 1;
        let entry = self
            .entries
            .get_mut(file_id)
            .ok_or_else(|| Reply::bad_request("invalid file_id"))?;
        if entry.size() > MAX_DOWNLOAD {
            return Err(Reply::bad_request("file is too big"));
        }
        if entry.path.is_none() {
            entry.path = Some(entry.new_path(next));
            self.next = next;
        }
        Ok(json!({
            "file_id": file_id,
            "file_unique_id": entry.unique_id,
            "file_size": entry.size(),
            "file_path": entry.path,
        }))
    }

    /// The bytes served at `file_path`: those given to `put_file`, else filler of the
    /// announced size.
    fn bytes_at(&self, file_path: &str) -> Option<Vec<u8>> {
        let (file_id, entry) = self
            .entries
            .iter()
            .find(|(_, entry)| entry.path.as_deref() == Some(file_path))?;
        let filler = || {
            let line = format!("fake Telegram file {file_id}\n").into_bytes();
            let size = usize::try_from(entry.size).unwrap_or(0);
            line.into_iter().cycle().take(size).collect()
        };
        Some(entry.bytes.clone().unwrap_or_else(filler))
    }
}

#[derive(Clone, Copy)]
enum Media {
    Document,
    Photo,
}

impl Media {
    fn field(self) -> &'static str {
        match self {
            Media::Document => "document",
            Media::Photo => "photo",
        }
    }

    fn method(self) -> &'static str {
        match self {
            Media::Document => "senddocument",
            Media::Photo => "sendphoto",
        }
    }

    fn entry(self, file_name: &str, size: u64) -> FileEntry {
        match self {
            Media::Document => FileEntry::document(file_name, guess_mime(file_name), size),
            Media::Photo => FileEntry::photo(size),
        }
    }
}

fn guess_mime(file_name: &str) -> &'static str {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("pdf") => "application/pdf",
        Some("csv") => "text/csv",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    }
}

fn unique_id(file_id: &str) -> String {
    format!("AgAD-{}", file_id.len() * 7919 % 100_000)
}

fn photo_size(file_id: &str, width: u32, height: u32, size: u64) -> Value {
    json!({"file_id": file_id, "file_unique_id": unique_id(file_id), "width": width,
           "height": height, "file_size": size})
}

// ===== JSON builders ========================================================================

fn me() -> Value {
    let mut me = bot_user();
    me["can_join_groups"] = json!(true);
    me["can_read_all_group_messages"] = json!(false);
    me["supports_inline_queries"] = json!(false);
    me["can_connect_to_business"] = json!(false);
    me["has_main_web_app"] = json!(false);
    me
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME})
}

fn default_user(user_id: i64) -> Value {
    json!({"id": user_id, "is_bot": false, "first_name": format!("User {user_id}"),
           "username": format!("user{user_id}"), "language_code": "vi"})
}

fn private_chat(chat_id: i64, user: &Value) -> Value {
    let mut chat = json!({"id": chat_id, "type": "private", "first_name": user["first_name"]});
    if let Some(username) = user.get("username") {
        chat["username"] = username.clone();
    }
    chat
}

fn group_chat(chat_id: i64) -> Value {
    let kind = if chat_id < SUPERGROUP_BELOW {
        "supergroup"
    } else {
        "group"
    };
    json!({"id": chat_id, "type": kind, "title": format!("Group {chat_id}")})
}

/// A text message's content, with the `bot_command` entity Telegram adds to `/commands`.
fn text_content(text: &str) -> Map<String, Value> {
    let mut content = Map::new();
    content.insert("text".into(), json!(text));
    if text.starts_with('/') {
        let command = text.split_whitespace().next().unwrap_or(text);
        let length = command.encode_utf16().count();
        content.insert(
            "entities".into(),
            json!([{"type": "bot_command", "offset": 0, "length": length}]),
        );
    }
    content
}

fn insert_caption(content: &mut Map<String, Value>, caption: Option<&str>) {
    if let Some(caption) = caption.filter(|c| !c.is_empty()) {
        content.insert("caption".into(), json!(caption));
    }
}

/// `p.chat_id` as a number, if it is one (Telegram takes it as a number or a string).
pub fn chat_id_of(p: &Value) -> Option<i64> {
    match &p["chat_id"] {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

// ===== Telegram's limits ====================================================================

/// The messages accepted lately, kept whether or not limits are enforced.
#[derive(Default)]
struct LimitState {
    enforced: Option<Limits>,
    /// Refusals given.
    hits: usize,
    /// When messages were accepted in the last second, oldest first.
    last_second: VecDeque<std::time::Instant>,
    /// When each chat last had a message accepted.
    chat_last: HashMap<i64, std::time::Instant>,
    /// When each group had messages accepted in the last minute, oldest first.
    group_last_minute: HashMap<i64, VecDeque<std::time::Instant>>,
}

impl LimitState {
    const SECOND: Duration = Duration::from_secs(1);
    const MINUTE: Duration = Duration::from_secs(60);

    /// Forgets what fell out of the windows.
    fn prune(&mut self, now: std::time::Instant) {
        let expired =
            |at: &std::time::Instant, window| now.saturating_duration_since(*at) >= window;
        while self
            .last_second
            .front()
            .is_some_and(|at| expired(at, Self::SECOND))
        {
            self.last_second.pop_front();
        }
        for times in self.group_last_minute.values_mut() {
            while times.front().is_some_and(|at| expired(at, Self::MINUTE)) {
                times.pop_front();
            }
        }
        self.group_last_minute.retain(|_, times| !times.is_empty());
    }

    /// The `retry_after` (whole seconds, at least 1) for a message to `chat` now, if the limits
    /// are enforced and it would break one; the refusal is counted.
    fn refuse(&mut self, chat: Option<i64>, now: std::time::Instant) -> Option<u32> {
        let limits = self.enforced?;
        self.prune(now);
        let mut wait = Duration::ZERO;
        if self.last_second.len() >= limits.per_second.max(1) {
            let frees = self.last_second.len() - limits.per_second.max(1);
            wait = wait.max(Self::SECOND - now.duration_since(self.last_second[frees]));
        }
        if let Some(chat) = chat {
            if let Some(last) = self.chat_last.get(&chat) {
                let since = now.saturating_duration_since(*last);
                if since < limits.chat_interval {
                    wait = wait.max(limits.chat_interval - since);
                }
            }
            if let Some(times) = self.group_last_minute.get(&chat) {
                if times.len() >= limits.group_per_minute.max(1) {
                    let frees = times.len() - limits.group_per_minute.max(1);
                    wait = wait.max(Self::MINUTE - now.duration_since(times[frees]));
                }
            }
        }
        if wait.is_zero() {
            return None;
        }
        self.hits += 1;
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        Some(u32::try_from(secs.max(1)).unwrap_or(u32::MAX))
    }

    /// A message to `chat` was accepted now.
    fn accepted(&mut self, chat: Option<i64>, now: std::time::Instant) {
        self.prune(now);
        self.last_second.push_back(now);
        if let Some(chat) = chat {
            self.chat_last.insert(chat, now);
            if chat < 0 {
                self.group_last_minute
                    .entry(chat)
                    .or_default()
                    .push_back(now);
            }
        }
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

// ===== Telegram's checks on what the bot sends ==============================================

/// The text `p[field]` shows once its `parse_mode` is applied, or Telegram's refusal.
fn parsed(p: &Value, field: &str) -> Result<String, Reply> {
    let raw = p[field].as_str().unwrap_or_default();
    let mode = p["parse_mode"].as_str().unwrap_or_default();
    let plain = if mode.is_empty() || mode.eq_ignore_ascii_case("markdown") {
        Ok(raw.to_owned())
    } else if mode.eq_ignore_ascii_case("html") {
        parse_html(raw)
    } else if mode.eq_ignore_ascii_case("markdownv2") {
        parse_markdown_v2(raw)
    } else {
        return Err(Reply::bad_request("unsupported parse_mode"));
    };
    plain.map_err(|e| Reply::bad_request(format!("can't parse entities: {e}")))
}

fn check_text(text: &str, too_long: &str) -> Result<(), Reply> {
    if text.trim().is_empty() {
        return Err(Reply::bad_request("message text is empty"));
    }
    if text.encode_utf16().count() > MAX_TEXT {
        return Err(Reply::bad_request(too_long));
    }
    Ok(())
}

fn check_caption(caption: &str) -> Result<(), Reply> {
    if caption.encode_utf16().count() > MAX_CAPTION {
        return Err(Reply::bad_request("message caption is too long"));
    }
    Ok(())
}

/// Puts an inline keyboard into the message (other keyboards are not part of a `Message`).
fn add_markup(content: &mut Map<String, Value>, p: &Value) -> Result<(), Reply> {
    if let Some(markup) = inline_markup(p)? {
        content.insert("reply_markup".into(), markup);
    }
    Ok(())
}

/// `p.reply_markup` if it is an inline keyboard Telegram accepts.
fn inline_markup(p: &Value) -> Result<Option<Value>, Reply> {
    let Some(rows) = p.pointer("/reply_markup/inline_keyboard") else {
        return Ok(None);
    };
    let buttons = rows
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten());
    for button in buttons {
        if button["text"].as_str().unwrap_or_default().is_empty() {
            return Err(Reply::bad_request("BUTTON_TEXT_INVALID"));
        }
        if let Some(data) = button.get("callback_data").and_then(Value::as_str) {
            if data.is_empty() || data.len() > MAX_CALLBACK_DATA {
                return Err(Reply::bad_request("BUTTON_DATA_INVALID"));
            }
        }
    }
    Ok(Some(p["reply_markup"].clone()))
}

const HTML_TAGS: &[&str] = &[
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
];

/// Telegram's HTML: only its tags, properly nested; `<` and `>` elsewhere must be escaped.
fn parse_html(raw: &str) -> Result<String, String> {
    let mut plain = String::new();
    let mut open: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(c) = raw[i..].chars().next() {
        match c {
            '<' => {
                let end = raw[i..]
                    .find('>')
                    .ok_or_else(|| format!("Can't find end of the tag at byte offset {i}"))?;
                html_tag(&raw[i + 1..i + end], i, &mut open)?;
                i += end + 1;
            }
            '&' => {
                let (decoded, length) = html_entity(&raw[i..]);
                plain.push_str(&decoded);
                i += length;
            }
            c => {
                plain.push(c);
                i += c.len_utf8();
            }
        }
    }
    match open.last() {
        Some(tag) => Err(format!(
            "Can't find end tag corresponding to start tag \"{tag}\""
        )),
        None => Ok(plain),
    }
}

fn html_tag(tag: &str, offset: usize, open: &mut Vec<String>) -> Result<(), String> {
    if let Some(name) = tag.strip_prefix('/') {
        let name = name.trim().to_ascii_lowercase();
        return match open.pop() {
            Some(top) if top == name => Ok(()),
            Some(top) => Err(format!(
                "Unmatched end tag at byte offset {offset}, expected \"</{top}>\", found \"</{name}>\""
            )),
            None => Err(format!("Unexpected end tag at byte offset {offset}")),
        };
    }
    let name = tag
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !HTML_TAGS.contains(&name.as_str()) {
        return Err(format!(
            "Unsupported start tag \"{name}\" at byte offset {offset}"
        ));
    }
    open.push(name);
    Ok(())
}

/// Decodes `&lt;` `&gt;` `&amp;` `&quot;` and numeric entities; any other `&` is literal.
fn html_entity(text: &str) -> (String, usize) {
    let named = [
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&amp;", '&'),
        ("&quot;", '"'),
    ];
    if let Some((entity, c)) = named.iter().find(|(entity, _)| text.starts_with(entity)) {
        return (c.to_string(), entity.len());
    }
    let numeric = text.strip_prefix("&#").and_then(|rest| {
        let end = rest.find(';')?;
        let code = match rest[..end].strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => rest[..end].parse().ok()?,
        };
        Some((char::from_u32(code)?.to_string(), end + 3))
    });
    numeric.unwrap_or_else(|| ("&".to_owned(), 1))
}

const MARKDOWN_V2_RESERVED: &str = "_*[]()~`>#+-=|{}.!";

/// Telegram's MarkdownV2: reserved characters outside entities must be escaped with `\`, and
/// every entity must be closed.
fn parse_markdown_v2(raw: &str) -> Result<String, String> {
    let mut plain = String::new();
    let mut open: Vec<(&'static str, usize)> = Vec::new();
    let mut i = 0;
    let mut line_start = true;
    while let Some(c) = raw[i..].chars().next() {
        let rest = &raw[i..];
        let mut step = c.len_utf8();
        match c {
            '\\' => {
                let escaped = rest[1..].chars().next().unwrap_or('\\');
                plain.push(escaped);
                step += escaped.len_utf8();
            }
            '`' => {
                let fence = if rest.starts_with("```") { "```" } else { "`" };
                let (code, length) = markdown_code(rest, fence)
                    .ok_or_else(|| format!("Can't find end of Code entity at byte offset {i}"))?;
                plain.push_str(&code);
                step = length;
            }
            '*' => toggle(&mut open, "Bold", i),
            '~' => toggle(&mut open, "Strikethrough", i),
            '_' if rest.starts_with("__") => {
                toggle(&mut open, "Underline", i);
                step = 2;
            }
            '_' => toggle(&mut open, "Italic", i),
            '|' if rest.starts_with("||") => {
                toggle(&mut open, "Spoiler", i);
                step = 2;
            }
            '[' => open.push(("TextUrl", i)),
            ']' if rest.starts_with("](") && open.iter().any(|(name, _)| *name == "TextUrl") => {
                open.retain(|(name, _)| *name != "TextUrl");
                let close = rest
                    .find(')')
                    .ok_or_else(|| format!("Can't find end of a URL at byte offset {i}"))?;
                step = close + 1;
            }
            '>' if line_start => {}
            '!' if rest.starts_with("![") => {}
            c if MARKDOWN_V2_RESERVED.contains(c) => {
                return Err(format!(
                    "Character '{c}' is reserved and must be escaped with the preceding '\\'"
                ));
            }
            c => plain.push(c),
        }
        line_start = c == '\n';
        i += step;
    }
    match open.first() {
        Some((name, at)) => Err(format!(
            "Can't find end of {name} entity at byte offset {at}"
        )),
        None => Ok(plain),
    }
}

fn toggle(open: &mut Vec<(&'static str, usize)>, entity: &'static str, at: usize) {
    match open.iter().position(|(name, _)| *name == entity) {
        Some(index) => {
            open.remove(index);
        }
        None => open.push((entity, at)),
    }
}

/// An inline code or pre block starting at `text` (which starts with `fence`): its content and
/// its whole length, or `None` if unclosed. Inside, `\` escapes `` ` `` and `\`.
fn markdown_code(text: &str, fence: &str) -> Option<(String, usize)> {
    let mut code = String::new();
    let mut chars = text[fence.len()..].char_indices();
    while let Some((i, c)) = chars.next() {
        let at = fence.len() + i;
        if text[at..].starts_with(fence) {
            return Some((code, at + fence.len()));
        }
        match c {
            '\\' => code.extend(chars.next().map(|(_, escaped)| escaped)),
            c => code.push(c),
        }
    }
    None
}
