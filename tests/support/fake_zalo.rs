//! A fake Zalo Bot API server for end-to-end tests (see `shared/ZALO.md`).
//!
//! [`FakeZalo::start`] serves `POST {api_url}/bot{token}/{method}` on `127.0.0.1:0` with JSON
//! bodies, answered `{"ok":true,"result":…}` or `{"ok":false,"error_code":…,"description":…}`.
//!
//! What it models, as the platform documents it:
//! - **Updates** injected by tests ([`FakeZalo::text_from`], [`FakeZalo::photo_from`],
//!   [`FakeZalo::text_in_group`]). `getUpdates` hands out **one update per call**, as an
//!   object, with no update id: once returned it is gone (Zalo does not redeliver). With none
//!   waiting it long-polls up to [`LONG_POLL_CAP`] and answers 408 "Request timeout". It is
//!   refused while a webhook is set.
//! - **Messages the bot sends** (`sendMessage`, `sendPhoto`): text and captions of 1–2,000
//!   characters, to a chat a test introduced; anything else is refused with 400.
//! - **Limits**, when [`FakeZalo::enforce_limits`] turns them on (off by default; Zalo does not
//!   document its own, so the numbers are the test's): messages a second in all and the
//!   shortest gap between two messages to one chat, over which a send gets 429.
//! - **Faults**: [`FakeZalo::fail_next`] (429, 502, a slow answer), [`FakeZalo::block_user`]
//!   (a person who blocked the bot: 403), a bad token (401 for any token but the one given).
//! - **Distance**: [`FakeZalo::set_round_trip`].
#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::{oneshot, Notify};
use tokio::time::Instant;

/// Longest a `getUpdates` call waits for an update, whatever its `timeout`.
pub const LONG_POLL_CAP: Duration = Duration::from_secs(1);
/// The only token the fake accepts.
pub const TOKEN: &str = "1234567890:zalo-test-secret";
const MAX_TEXT: usize = 2_000;
const SENDING: &[&str] = &["sendmessage", "sendphoto"];

/// The fake's own limits (Zalo publishes none).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_second: usize,
    pub per_chat_gap: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_second: 10,
            per_chat_gap: Duration::from_millis(1_000),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Flood { retry_after: u64 },
    ServerError,
    Slow(Duration),
}

/// One call the bot made, as the fake decided it.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub body: Value,
    pub ok: bool,
    pub error_code: Option<i64>,
    pub at: Instant,
}

#[derive(Default)]
struct Inner {
    state: Mutex<FakeState>,
    arrived: Notify,
}

#[derive(Default)]
struct FakeState {
    updates: VecDeque<Value>,
    chats: HashMap<String, &'static str>,
    blocked: HashSet<String>,
    calls: Vec<Call>,
    next_message: u64,
    webhook: Option<(String, String)>,
    limits: Option<Limits>,
    recent_sends: VecDeque<Instant>,
    last_send_to: HashMap<String, Instant>,
    limit_hits: usize,
    faults: HashMap<String, VecDeque<Fault>>,
    round_trip: Duration,
}

pub struct FakeZalo {
    inner: Arc<Inner>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

fn lock(inner: &Inner) -> MutexGuard<'_, FakeState> {
    inner.state.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FakeZalo {
    pub async fn start() -> FakeZalo {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the fake Zalo binds 127.0.0.1:0");
        let addr = listener
            .local_addr()
            .expect("a bound listener has an address");
        let inner = Arc::new(Inner::default());
        let app = Router::new()
            .route("/{bot}/{method}", post(handle))
            .with_state(Arc::clone(&inner));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let graceful = async {
                let _ = stopped.await;
            };
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(graceful)
                .await
            {
                eprintln!("fake Zalo server stopped: {e}");
            }
        });
        FakeZalo {
            inner,
            addr,
            stop: Some(stop),
        }
    }

    /// The base URL to configure as `zalo.api_url`.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// A person's private chat; on Zalo its id is the person's id.
    pub fn add_user(&self, user_id: &str) {
        lock(&self.inner)
            .chats
            .insert(user_id.to_string(), "PRIVATE");
    }

    pub fn add_group(&self, chat_id: &str) {
        lock(&self.inner).chats.insert(chat_id.to_string(), "GROUP");
    }

    fn push(
        &self,
        event_name: &str,
        chat_id: &str,
        chat_type: &str,
        user_id: &str,
        name: &str,
        content: Value,
    ) -> String {
        let mut state = lock(&self.inner);
        state.next_message += 1;
        let message_id = format!("zmsg{:06}", state.next_message);
        let mut message = json!({
            "message_id": message_id,
            "date": chrono::Utc::now().timestamp_millis(),
            "chat": {"id": chat_id, "chat_type": chat_type},
            "from": {"id": user_id, "display_name": name, "is_bot": false},
        });
        if let (Some(message), Some(content)) = (message.as_object_mut(), content.as_object()) {
            for (k, v) in content {
                message.insert(k.clone(), v.clone());
            }
        }
        state
            .updates
            .push_back(json!({"event_name": event_name, "message": message}));
        drop(state);
        self.inner.arrived.notify_waiters();
        message_id
    }

    /// A person writes to the bot in their private chat. Returns the message id.
    pub fn text_from(&self, user_id: &str, name: &str, text: &str) -> String {
        self.add_user(user_id);
        self.push(
            "message.text.received",
            user_id,
            "PRIVATE",
            user_id,
            name,
            json!({"text": text}),
        )
    }

    pub fn text_in_group(&self, group_id: &str, user_id: &str, name: &str, text: &str) -> String {
        self.add_group(group_id);
        self.push(
            "message.text.received",
            group_id,
            "GROUP",
            user_id,
            name,
            json!({"text": text}),
        )
    }

    pub fn photo_from(
        &self,
        user_id: &str,
        name: &str,
        url: &str,
        caption: Option<&str>,
    ) -> String {
        self.add_user(user_id);
        let mut content = json!({"photo": url});
        if let Some(caption) = caption {
            content["caption"] = json!(caption);
        }
        self.push(
            "message.image.received",
            user_id,
            "PRIVATE",
            user_id,
            name,
            content,
        )
    }

    /// Any raw update, for what the platform may send that dondoc does not know.
    pub fn raw_update(&self, update: Value) {
        lock(&self.inner).updates.push_back(update);
        self.inner.arrived.notify_waiters();
    }

    pub fn pending_updates(&self) -> usize {
        lock(&self.inner).updates.len()
    }

    pub fn block_user(&self, user_id: &str) {
        lock(&self.inner).blocked.insert(user_id.to_string());
    }

    pub fn enforce_limits(&self, limits: Option<Limits>) {
        lock(&self.inner).limits = limits;
    }

    pub fn limit_hits(&self) -> usize {
        lock(&self.inner).limit_hits
    }

    pub fn fail_next(&self, method: &str, fault: Fault, times: usize) {
        let mut state = lock(&self.inner);
        let queue = state.faults.entry(method.to_ascii_lowercase()).or_default();
        queue.extend(std::iter::repeat_n(fault, times));
    }

    pub fn set_round_trip(&self, round_trip: Duration) {
        lock(&self.inner).round_trip = round_trip;
    }

    pub fn calls(&self) -> Vec<Call> {
        lock(&self.inner).calls.clone()
    }

    /// The texts the bot sent to a chat, accepted ones only, in order.
    pub fn texts_to(&self, chat_id: &str) -> Vec<String> {
        lock(&self.inner)
            .calls
            .iter()
            .filter(|c| c.ok && SENDING.contains(&c.method.as_str()))
            .filter(|c| c.body.get("chat_id").and_then(Value::as_str) == Some(chat_id))
            .filter_map(|c| {
                c.body
                    .get("text")
                    .or_else(|| c.body.get("caption"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .collect()
    }

    /// Waits until `pred` holds over the calls, or panics after `limit`.
    pub async fn wait_for(&self, limit: Duration, what: &str, pred: impl Fn(&[Call]) -> bool) {
        let deadline = Instant::now() + limit;
        loop {
            if pred(&lock(&self.inner).calls) {
                return;
            }
            if Instant::now() > deadline {
                panic!("fake Zalo: timed out waiting for {what}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for FakeZalo {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn answer(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

fn refuse(code: u16, description: &str) -> (StatusCode, Value) {
    (
        StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST),
        json!({"ok": false, "error_code": code, "description": description}),
    )
}

async fn handle(
    State(inner): State<Arc<Inner>>,
    Path((bot, method)): Path<(String, String)>,
    body: Option<Json<Value>>,
) -> Response {
    let method = method.to_ascii_lowercase();
    let body = body.map(|Json(v)| v).unwrap_or(json!({}));
    let round_trip = lock(&inner).round_trip;
    let (status, value) = decide(&inner, &bot, &method, &body).await;
    if !round_trip.is_zero() {
        tokio::time::sleep(round_trip).await;
    }
    answer(status, value)
}

async fn decide(inner: &Inner, bot: &str, method: &str, body: &Value) -> (StatusCode, Value) {
    if bot.strip_prefix("bot") != Some(TOKEN) {
        return record(inner, method, body, refuse(401, "Unauthorized"));
    }
    let fault = lock(inner)
        .faults
        .get_mut(method)
        .and_then(VecDeque::pop_front);
    match fault {
        Some(Fault::Flood { retry_after }) => {
            let (status, mut value) = refuse(429, "Too Many Requests");
            value["parameters"] = json!({"retry_after": retry_after});
            return record(inner, method, body, (status, value));
        }
        Some(Fault::ServerError) => {
            return record(inner, method, body, refuse(502, "Bad Gateway"));
        }
        Some(Fault::Slow(wait)) => tokio::time::sleep(wait).await,
        None => {}
    }
    match method {
        "getme" => ok(
            inner,
            method,
            body,
            json!({"id": "bot1", "account_name": "dondoc_test", "display_name": "Đôn Đốc (test)"}),
        ),
        "getupdates" => get_updates(inner, body).await,
        "setwebhook" => set_webhook(inner, body),
        "deletewebhook" => {
            lock(inner).webhook = None;
            ok(inner, method, body, json!(true))
        }
        "getwebhookinfo" => {
            let url = lock(inner)
                .webhook
                .as_ref()
                .map(|(u, _)| u.clone())
                .unwrap_or_default();
            ok(inner, method, body, json!({"url": url}))
        }
        "sendmessage" | "sendphoto" => send(inner, method, body),
        "sendchataction" => ok(inner, method, body, json!(true)),
        _ => record(inner, method, body, refuse(404, "Method not found")),
    }
}

fn ok(inner: &Inner, method: &str, body: &Value, result: Value) -> (StatusCode, Value) {
    record(
        inner,
        method,
        body,
        (StatusCode::OK, json!({"ok": true, "result": result})),
    )
}

fn record(
    inner: &Inner,
    method: &str,
    body: &Value,
    outcome: (StatusCode, Value),
) -> (StatusCode, Value) {
    let ok = outcome.1.get("ok").and_then(Value::as_bool) == Some(true);
    lock(inner).calls.push(Call {
        method: method.to_string(),
        body: body.clone(),
        ok,
        error_code: outcome.1.get("error_code").and_then(Value::as_i64),
        at: Instant::now(),
    });
    outcome
}

async fn get_updates(inner: &Inner, body: &Value) -> (StatusCode, Value) {
    if lock(inner).webhook.is_some() {
        return record(
            inner,
            "getupdates",
            body,
            refuse(409, "Conflict: webhook is active"),
        );
    }
    let wait = body
        .get("timeout")
        .and_then(Value::as_u64)
        .map(Duration::from_secs)
        .unwrap_or(Duration::from_secs(30))
        .min(LONG_POLL_CAP);
    let deadline = Instant::now() + wait;
    loop {
        let arrived = inner.arrived.notified();
        // Taken in its own statement: the guard must be gone before `ok` records the call.
        let update = lock(inner).updates.pop_front();
        if let Some(update) = update {
            return ok(inner, "getupdates", body, update);
        }
        if tokio::time::timeout_at(deadline, arrived).await.is_err() {
            return record(inner, "getupdates", body, refuse(408, "Request timeout"));
        }
    }
}

fn set_webhook(inner: &Inner, body: &Value) -> (StatusCode, Value) {
    let url = body.get("url").and_then(Value::as_str).unwrap_or("");
    let secret = body
        .get("secret_token")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !url.starts_with("https://") {
        return record(inner, "setwebhook", body, refuse(400, "url must be https"));
    }
    if !(8..=256).contains(&secret.len()) {
        return record(
            inner,
            "setwebhook",
            body,
            refuse(400, "secret_token must be 8-256 characters"),
        );
    }
    lock(inner).webhook = Some((url.to_string(), secret.to_string()));
    ok(inner, "setwebhook", body, json!(true))
}

fn send(inner: &Inner, method: &str, body: &Value) -> (StatusCode, Value) {
    let chat = body
        .get("chat_id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let text_key = if method == "sendphoto" {
        "caption"
    } else {
        "text"
    };
    let text = body.get(text_key).and_then(Value::as_str);
    let now = Instant::now();
    let mut state = lock(inner);
    if !state.chats.contains_key(&chat) {
        drop(state);
        return record(inner, method, body, refuse(400, "chat not found"));
    }
    if state.blocked.contains(&chat) {
        drop(state);
        return record(
            inner,
            method,
            body,
            refuse(403, "Forbidden: user blocked the bot"),
        );
    }
    let length = text.map(|t| t.chars().count());
    let bad_text = match (method, length) {
        ("sendmessage", None) | ("sendmessage", Some(0)) => true,
        (_, Some(n)) => n > MAX_TEXT,
        _ => false,
    };
    if bad_text {
        drop(state);
        return record(
            inner,
            method,
            body,
            refuse(400, "text must be 1-2000 characters"),
        );
    }
    if let Some(limits) = state.limits {
        while state
            .recent_sends
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            state.recent_sends.pop_front();
        }
        let too_soon = state
            .last_send_to
            .get(&chat)
            .is_some_and(|t| now.duration_since(*t) < limits.per_chat_gap);
        if state.recent_sends.len() >= limits.per_second || too_soon {
            state.limit_hits += 1;
            drop(state);
            let (status, mut value) = refuse(429, "Too Many Requests");
            value["parameters"] = json!({"retry_after": 1});
            return record(inner, method, body, (status, value));
        }
        state.recent_sends.push_back(now);
    }
    state.last_send_to.insert(chat.clone(), now);
    state.next_message += 1;
    let message_id = format!("zout{:06}", state.next_message);
    drop(state);
    ok(
        inner,
        method,
        body,
        json!({"message_id": message_id, "date": chrono::Utc::now().timestamp_millis()}),
    )
}
