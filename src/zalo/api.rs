//! The Zalo Bot API over HTTP: `POST {api_url}/bot{TOKEN}/{method}` with a JSON body,
//! answered `{"ok":true,"result":…}` or `{"ok":false,"error_code":N,"description":"…"}`
//! (see `shared/ZALO.md`). The platform is young and its documentation thin, so everything
//! read from it is tolerant: unknown fields are ignored, an unknown `event_name` becomes
//! [`ZaloEvent::Other`] (logged by the caller, never fatal), and `getUpdates` may answer one
//! update as an object or several as a list.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Longest text Zalo accepts in one message or caption, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// A Zalo chat: a person's private chat or a group. Ids are strings on Zalo.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ZaloChatId(pub String);

/// What went wrong with a call, classified the way the outbox treats Telegram's answers.
#[derive(Debug, thiserror::Error)]
pub enum ZaloError {
    /// 429 or a "too many" refusal: wait, then send again.
    #[error("Zalo: too many requests (retry after {retry_after:?})")]
    Flood { retry_after: Duration },
    /// The person blocked the bot or the chat is gone: park, mark unreachable.
    #[error("Zalo: the person blocked the bot or the chat is gone ({description})")]
    Unreachable { description: String },
    /// 401/403 on the bot itself: the token is wrong.
    #[error("Zalo refused the bot token ({description})")]
    BadToken { description: String },
    /// 5xx, a time-out, a dropped connection: back off and try again.
    #[error("Zalo did not answer: {0}")]
    Transient(String),
    /// Any other refusal (a text too long, a bad chat id): retrying will not help.
    #[error("Zalo refused the call ({code}): {description}")]
    Refused { code: i64, description: String },
}

impl ZaloError {
    /// Whether sending the same call again later can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ZaloError::Flood { .. } | ZaloError::Transient(_))
    }
}

/// The bot, as `getMe` describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct ZaloBotInfo {
    #[serde(deserialize_with = "string_or_number")]
    pub id: String,
    #[serde(default, alias = "account_name", alias = "username")]
    pub account_name: Option<String>,
    #[serde(default, alias = "display_name", alias = "first_name")]
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ZaloChatType {
    Private,
    Group,
}

/// Who wrote a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZaloUser {
    pub id: String,
    pub display_name: String,
}

/// One update, reduced to what dondoc acts on (kept in `zalo_inbox` as this type's JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZaloUpdate {
    /// The message's own id; Zalo gives no update id, so this (with the chat) is the key
    /// under which the update is kept and its effect recorded once.
    pub message_id: String,
    /// Milliseconds since the epoch, as Zalo sends it.
    pub date_ms: i64,
    pub chat: ZaloChatId,
    pub chat_type: ZaloChatType,
    pub from: ZaloUser,
    pub event: ZaloEvent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ZaloEvent {
    Text(String),
    Photo {
        url: String,
        caption: Option<String>,
    },
    Sticker,
    /// `message.unsupported.received` or an event name this version does not know.
    Other(String),
}

#[derive(Deserialize)]
struct RawUpdate {
    #[serde(default)]
    event_name: String,
    message: Option<RawMessage>,
}

#[derive(Deserialize)]
struct RawMessage {
    #[serde(default, deserialize_with = "string_or_number")]
    message_id: String,
    #[serde(default)]
    date: i64,
    chat: RawChat,
    from: Option<RawUser>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    photo: Option<Value>,
    #[serde(default)]
    caption: Option<String>,
}

#[derive(Deserialize)]
struct RawChat {
    #[serde(deserialize_with = "string_or_number")]
    id: String,
    #[serde(default)]
    chat_type: String,
}

#[derive(Deserialize)]
struct RawUser {
    #[serde(deserialize_with = "string_or_number")]
    id: String,
    #[serde(default, alias = "name", alias = "first_name")]
    display_name: Option<String>,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a string or a number, got {other}"
        ))),
    }
}

/// A photo is documented as a URL; accept an object with `url` too.
fn photo_url(photo: &Value) -> Option<String> {
    match photo {
        Value::String(url) => Some(url.clone()),
        Value::Object(map) => map.get("url").and_then(Value::as_str).map(str::to_string),
        Value::Array(items) => items.last().and_then(photo_url),
        _ => None,
    }
}

impl RawUpdate {
    /// `None` for an update without a message (nothing to act on).
    fn into_update(self) -> Option<ZaloUpdate> {
        let message = self.message?;
        let chat_type = if message.chat.chat_type.eq_ignore_ascii_case("GROUP") {
            ZaloChatType::Group
        } else {
            ZaloChatType::Private
        };
        let event = match self.event_name.as_str() {
            "message.text.received" => ZaloEvent::Text(message.text.clone().unwrap_or_default()),
            "message.image.received" => match message.photo.as_ref().and_then(photo_url) {
                Some(url) => ZaloEvent::Photo {
                    url,
                    caption: message.caption.clone().or_else(|| message.text.clone()),
                },
                None => ZaloEvent::Other(self.event_name.clone()),
            },
            "message.sticker.received" => ZaloEvent::Sticker,
            other => ZaloEvent::Other(other.to_string()),
        };
        let from = match message.from {
            Some(user) => ZaloUser {
                display_name: user.display_name.unwrap_or_default(),
                id: user.id,
            },
            // A private chat's id is the person's id on Zalo.
            None => ZaloUser {
                id: message.chat.id.clone(),
                display_name: String::new(),
            },
        };
        Some(ZaloUpdate {
            message_id: message.message_id,
            date_ms: message.date,
            chat: ZaloChatId(message.chat.id),
            chat_type,
            from,
            event,
        })
    }
}

/// Reads `getUpdates`' `result`: one update object, a list of them, or nothing (`null`, `{}`,
/// `[]`). Updates that cannot be read are returned as errors beside the others, so a caller
/// can log them without losing the rest.
pub fn read_updates(result: Value) -> (Vec<ZaloUpdate>, Vec<String>) {
    let items = match result {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        Value::Object(map) if map.is_empty() => Vec::new(),
        other => vec![other],
    };
    let mut updates = Vec::new();
    let mut unreadable = Vec::new();
    for item in items {
        match serde_json::from_value::<RawUpdate>(item.clone()) {
            Ok(raw) => updates.extend(raw.into_update()),
            Err(e) => unreadable.push(format!("{e}: {item}")),
        }
    }
    (updates, unreadable)
}

/// Splits a text into pieces of at most [`MAX_TEXT_CHARS`] characters, at line breaks where
/// it can (a list item stays whole), else at a space, else anywhere. Never returns an empty
/// piece, and the pieces joined with "\n" give the text back when it was split at lines.
pub fn split_text(text: &str) -> Vec<String> {
    split_text_at(text, MAX_TEXT_CHARS)
}

fn split_text_at(text: &str, max: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut current_len = 0usize;
    for line in text.split('\n') {
        let line_len = line.chars().count();
        let extra = if current.is_empty() {
            line_len
        } else {
            line_len + 1
        };
        if current_len + extra <= max {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line);
            current_len += extra;
            continue;
        }
        if !current.trim().is_empty() {
            pieces.push(std::mem::take(&mut current));
        }
        current.clear();
        current_len = 0;
        if line_len <= max {
            current.push_str(line);
            current_len = line_len;
        } else {
            pieces.extend(split_long_line(line, max));
        }
    }
    if !current.trim().is_empty() {
        pieces.push(current);
    }
    pieces
}

/// A single line longer than `max`: cut at the last space before the limit, else hard.
fn split_long_line(line: &str, max: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest: Vec<char> = line.chars().collect();
    while rest.len() > max {
        let cut = rest[..max]
            .iter()
            .rposition(|c| c.is_whitespace())
            .filter(|at| *at > 0)
            .unwrap_or(max);
        let piece: String = rest[..cut].iter().collect();
        pieces.push(piece.trim_end().to_string());
        rest = rest[cut..].to_vec();
        while rest.first().is_some_and(|c| c.is_whitespace()) {
            rest.remove(0);
        }
    }
    if !rest.is_empty() {
        pieces.push(rest.into_iter().collect());
    }
    pieces
}

/// The Zalo Bot API client.
#[derive(Clone)]
pub struct ZaloApi {
    http: reqwest::Client,
    api_url: String,
    token: SecretString,
}

impl std::fmt::Debug for ZaloApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZaloApi")
            .field("api_url", &self.api_url)
            .finish_non_exhaustive()
    }
}

impl ZaloApi {
    /// `api_url` without the trailing `/bot…` part, e.g. `https://bot-api.zaloplatforms.com`.
    /// `timeout` bounds every call; a long poll adds its own wait on top.
    pub fn new(api_url: &str, token: SecretString, timeout: Duration) -> Result<Self, ZaloError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(timeout)
            .build()
            .map_err(|e| ZaloError::Transient(e.to_string()))?;
        Ok(Self {
            http,
            api_url: api_url.trim_end_matches('/').to_string(),
            token,
        })
    }

    fn url(&self, method: &str) -> String {
        format!(
            "{}/bot{}/{method}",
            self.api_url,
            self.token.expose_secret()
        )
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        body: Value,
        extra_wait: Duration,
    ) -> Result<T, ZaloError> {
        let request = self.http.post(self.url(method)).json(&body);
        let request = if extra_wait.is_zero() {
            request
        } else {
            // A long poll waits on the server; allow for it beyond the client's time-out.
            request.timeout(extra_wait + Duration::from_secs(10))
        };
        let response = request
            .send()
            .await
            .map_err(|e| ZaloError::Transient(without_token(&e.to_string(), &self.token)))?;
        let status = response.status();
        let retry_after_header = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let text = response
            .text()
            .await
            .map_err(|e| ZaloError::Transient(without_token(&e.to_string(), &self.token)))?;
        let answer: Value = match serde_json::from_str(&text) {
            Ok(answer) => answer,
            Err(_) if status.is_server_error() => {
                return Err(ZaloError::Transient(format!("HTTP {status}")))
            }
            Err(e) => {
                return Err(ZaloError::Refused {
                    code: i64::from(status.as_u16()),
                    description: format!("not JSON ({e})"),
                })
            }
        };
        if answer.get("ok").and_then(Value::as_bool) == Some(true) {
            let result = answer.get("result").cloned().unwrap_or(Value::Null);
            return serde_json::from_value(result).map_err(|e| ZaloError::Refused {
                code: 200,
                description: format!("unexpected result: {e}"),
            });
        }
        Err(classify(status.as_u16(), &answer, retry_after_header))
    }

    pub async fn get_me(&self) -> Result<ZaloBotInfo, ZaloError> {
        self.call("getMe", json!({}), Duration::ZERO).await
    }

    /// One long poll. Returns what arrived (maybe nothing) and the texts of updates that
    /// could not be read, for the caller to log.
    pub async fn get_updates(
        &self,
        timeout: Duration,
    ) -> Result<(Vec<ZaloUpdate>, Vec<String>), ZaloError> {
        let result: Result<Value, ZaloError> = self
            .call(
                "getUpdates",
                json!({ "timeout": timeout.as_secs() }),
                timeout,
            )
            .await;
        match result {
            Ok(result) => Ok(read_updates(result)),
            // A poll that ends with nothing to hand out is answered 408 "Request timeout".
            Err(ZaloError::Refused { code: 408, .. }) => Ok((Vec::new(), Vec::new())),
            Err(e) => Err(e),
        }
    }

    /// Sends one text of at most [`MAX_TEXT_CHARS`] characters (split longer texts with
    /// [`split_text`] first: each piece is one message). Returns Zalo's message id when given.
    pub async fn send_message(
        &self,
        chat: &ZaloChatId,
        text: &str,
    ) -> Result<Option<String>, ZaloError> {
        let result: Value = self
            .call(
                "sendMessage",
                json!({ "chat_id": chat.0, "text": text }),
                Duration::ZERO,
            )
            .await?;
        Ok(sent_message_id(&result))
    }

    pub async fn send_photo(
        &self,
        chat: &ZaloChatId,
        photo_url: &str,
        caption: Option<&str>,
    ) -> Result<Option<String>, ZaloError> {
        let mut body = json!({ "chat_id": chat.0, "photo": photo_url });
        if let Some(caption) = caption {
            body["caption"] = json!(caption);
        }
        let result: Value = self.call("sendPhoto", body, Duration::ZERO).await?;
        Ok(sent_message_id(&result))
    }

    pub async fn set_webhook(
        &self,
        url: &str,
        secret_token: &SecretString,
    ) -> Result<(), ZaloError> {
        let _: Value = self
            .call(
                "setWebhook",
                json!({ "url": url, "secret_token": secret_token.expose_secret() }),
                Duration::ZERO,
            )
            .await?;
        Ok(())
    }

    pub async fn delete_webhook(&self) -> Result<(), ZaloError> {
        let _: Value = self
            .call("deleteWebhook", json!({}), Duration::ZERO)
            .await?;
        Ok(())
    }
}

fn sent_message_id(result: &Value) -> Option<String> {
    match result.get("message_id")? {
        Value::String(id) => Some(id.clone()),
        Value::Number(id) => Some(id.to_string()),
        _ => None,
    }
}

/// A network error's text may carry the request URL, which carries the token.
fn without_token(text: &str, token: &SecretString) -> String {
    let secret = token.expose_secret();
    if secret.is_empty() {
        text.to_string()
    } else {
        text.replace(secret, "***")
    }
}

/// Turns a refusal into the error class the sender acts on.
fn classify(http_status: u16, answer: &Value, retry_after_header: Option<u64>) -> ZaloError {
    let code = answer
        .get("error_code")
        .and_then(Value::as_i64)
        .unwrap_or(i64::from(http_status));
    let description = answer
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let lower = description.to_lowercase();
    let retry_after = answer
        .pointer("/parameters/retry_after")
        .and_then(Value::as_u64)
        .or(retry_after_header);
    if code == 429 || http_status == 429 || lower.contains("too many") {
        // Limits are not documented: without a hint, wait a conservative second.
        return ZaloError::Flood {
            retry_after: Duration::from_secs(retry_after.unwrap_or(1).max(1)),
        };
    }
    if code == 401 || http_status == 401 || lower.contains("token") && (code == 403 || code == 404)
    {
        return ZaloError::BadToken { description };
    }
    if code == 403 || lower.contains("blocked") || lower.contains("chặn") {
        return ZaloError::Unreachable { description };
    }
    if http_status >= 500 || code >= 500 {
        return ZaloError::Transient(format!("{code}: {description}"));
    }
    ZaloError::Refused { code, description }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_update_as_an_object_a_list_or_nothing() {
        let one = json!({
            "event_name": "message.text.received",
            "message": {
                "message_id": "m1", "date": 1_764_900_000_000_i64,
                "chat": {"id": "c1", "chat_type": "PRIVATE"},
                "from": {"id": "u1", "display_name": "Chủ tịch xã"},
                "text": "3 xong"
            }
        });
        let (updates, bad) = read_updates(one.clone());
        assert!(bad.is_empty());
        assert_eq!(updates.len(), 1);
        assert_eq!(updates[0].event, ZaloEvent::Text("3 xong".into()));
        assert_eq!(updates[0].from.display_name, "Chủ tịch xã");
        assert_eq!(updates[0].chat_type, ZaloChatType::Private);
        let (two, _) = read_updates(json!([one.clone(), one]));
        assert_eq!(two.len(), 2);
        assert!(read_updates(Value::Null).0.is_empty());
        assert!(read_updates(json!({})).0.is_empty());
        assert!(read_updates(json!([])).0.is_empty());
    }

    #[test]
    fn a_photo_keeps_its_caption_and_unknown_events_are_kept_as_other() {
        let photo = json!({
            "event_name": "message.image.received",
            "message": {
                "message_id": 77, "date": 1,
                "chat": {"id": 123, "chat_type": "GROUP"},
                "from": {"id": 5, "display_name": "A"},
                "photo": "https://example.invalid/p.jpg", "caption": "2 xong",
                "something_new": {"x": 1}
            }
        });
        let (updates, bad) = read_updates(photo);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(updates[0].message_id, "77");
        assert_eq!(updates[0].chat, ZaloChatId("123".into()));
        assert_eq!(updates[0].chat_type, ZaloChatType::Group);
        assert_eq!(
            updates[0].event,
            ZaloEvent::Photo {
                url: "https://example.invalid/p.jpg".into(),
                caption: Some("2 xong".into())
            }
        );
        let other = json!({
            "event_name": "message.reaction.received",
            "message": {"message_id": "m", "date": 1, "chat": {"id": "c"}, "from": {"id": "u"}}
        });
        assert_eq!(
            read_updates(other).0[0].event,
            ZaloEvent::Other("message.reaction.received".into())
        );
        let (none, bad) = read_updates(json!({"event_name": "x", "message": {"chat": 5}}));
        assert!(none.is_empty());
        assert_eq!(bad.len(), 1);
    }

    #[test]
    fn long_texts_split_at_line_breaks_within_the_limit() {
        let line = "1. Nhiệm vụ có tên khá dài để thử việc cắt tin nhắn theo dòng";
        let text: Vec<String> = (0..100).map(|i| format!("{line} {i}")).collect();
        let text = text.join("\n");
        assert!(text.chars().count() > MAX_TEXT_CHARS);
        let pieces = split_text(&text);
        assert!(pieces.len() >= 2);
        for piece in &pieces {
            let n = piece.chars().count();
            assert!(n > 0 && n <= MAX_TEXT_CHARS, "{n}");
            assert!(!piece.starts_with('\n') && !piece.ends_with('\n'));
        }
        assert_eq!(pieces.join("\n"), text);
        assert_eq!(split_text("ngắn"), vec!["ngắn".to_string()]);
        assert!(split_text("").is_empty());
    }

    #[test]
    fn a_single_long_line_is_cut_at_spaces() {
        let word = "vướng ";
        let line = word.repeat(500);
        let pieces = split_text_at(line.trim_end(), 100);
        assert!(pieces
            .iter()
            .all(|p| p.chars().count() <= 100 && !p.is_empty()));
        assert!(pieces
            .iter()
            .all(|p| !p.starts_with(' ') && !p.ends_with(' ')));
        assert_eq!(pieces.join(" "), line.trim_end());
        let no_space = "x".repeat(250);
        assert_eq!(split_text_at(&no_space, 100).len(), 3);
    }

    #[test]
    fn refusals_are_classified_as_the_sender_needs() {
        let flood = classify(
            429,
            &json!({"ok": false, "error_code": 429, "description": "Too Many Requests"}),
            Some(3),
        );
        assert!(
            matches!(flood, ZaloError::Flood { retry_after } if retry_after == Duration::from_secs(3))
        );
        let flood = classify(
            200,
            &json!({"ok": false, "error_code": 400, "description": "too many messages"}),
            None,
        );
        assert!(flood.is_retryable());
        let blocked = classify(
            403,
            &json!({"ok": false, "error_code": 403, "description": "user blocked the bot"}),
            None,
        );
        assert!(matches!(blocked, ZaloError::Unreachable { .. }));
        let token = classify(
            401,
            &json!({"ok": false, "error_code": 401, "description": "Unauthorized"}),
            None,
        );
        assert!(matches!(token, ZaloError::BadToken { .. }));
        let server = classify(502, &json!({}), None);
        assert!(server.is_retryable());
        let bad = classify(
            400,
            &json!({"ok": false, "error_code": 400, "description": "text is too long"}),
            None,
        );
        assert!(matches!(bad, ZaloError::Refused { code: 400, .. }));
        assert!(!bad.is_retryable());
    }

    #[test]
    fn the_token_never_shows_in_an_error() {
        let token = SecretString::from("123:abc");
        assert_eq!(
            without_token(
                "error sending request for url (http://x/bot123:abc/getMe)",
                &token
            ),
            "error sending request for url (http://x/bot***/getMe)"
        );
    }
}
