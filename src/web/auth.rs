//! Logging in without a password. A one-time link (`{public_url}/login/{token}`) is made by
//! `/web` in the bot or `dondoc web link --person ID`; the database keeps only the token's
//! SHA-256, for ten minutes, for one use. Opening the link shows a button (a link preview
//! fetching the page uses nothing); pressing it POSTs the token, which starts a session: a
//! fresh random cookie (`HttpOnly; SameSite=Strict; Path=/`, `Secure` when the public address
//! is https), kept as a hash too, with its own CSRF token for every form. A session ends
//! after eight idle hours or at logout (a POST carrying that CSRF token).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Duration;
use rand::distributions::{Alphanumeric, DistString};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::data::Scope;
use super::pages::{self, message_page};
use super::Board;
use crate::domain::Actor;
use crate::messages::Lang;
use crate::messages::WebText;
use crate::store::{Member, Store, StoreError, WebSession};

/// How long a login link works.
pub const LOGIN_LINK_MINUTES: i64 = 10;
/// A session unused this long is over.
pub const SESSION_IDLE_HOURS: i64 = 8;
const COOKIE: &str = "dondoc_session";
/// Random characters of a token: 43 alphanumerics ≈ 256 bits.
const TOKEN_LENGTH: usize = 43;

fn new_token() -> String {
    Alphanumeric.sample_string(&mut rand::rngs::OsRng, TOKEN_LENGTH)
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Makes a one-time login link for `person_id`, valid [`LOGIN_LINK_MINUTES`].
pub async fn login_link(
    store: &Store,
    public_url: &str,
    person_id: crate::domain::PersonId,
    actor: &Actor,
) -> Result<String, StoreError> {
    let token = new_token();
    let expires_at = store.now() + Duration::minutes(LOGIN_LINK_MINUTES);
    store
        .create_web_login(person_id.get(), &hash(&token), expires_at, actor)
        .await?;
    Ok(format!(
        "{}/login/{token}",
        public_url.trim_end_matches('/')
    ))
}

/// The person behind a request, with what they may see.
pub struct Viewer {
    pub session: WebSession,
    pub members: Vec<Member>,
    pub lang: Lang,
    pub scope: Scope,
    /// The registry, read once per request (scopes and areas are subtrees of it).
    pub units: Vec<crate::domain::unit::Unit>,
}

impl Viewer {
    /// Name and unit, for the page header.
    pub fn label(&self) -> (String, String) {
        self.members
            .first()
            .map(|m| (m.person.full_name.clone(), m.unit.name.clone()))
            .unwrap_or_default()
    }
}

fn cookie_value(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| v.len() == TOKEN_LENGTH && v.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The session's viewer, or None (no cookie, unknown, ended, idle too long).
pub async fn viewer(board: &Board, headers: &HeaderMap) -> Result<Option<Viewer>, StoreError> {
    let Some(token) = cookie_value(headers) else {
        return Ok(None);
    };
    let Some(session) = board
        .store
        .web_session(&hash(&token), SESSION_IDLE_HOURS * 3600)
        .await?
    else {
        return Ok(None);
    };
    let mut members = board
        .store
        .members_by_id(&[crate::domain::PersonId(session.person_id)])
        .await?;
    // Every membership of the same Telegram account counts, as in the chat.
    if let Some(user) = members.first().and_then(|m| m.person.telegram_user_id) {
        let all = board.store.members_of_user(user).await?;
        if !all.is_empty() {
            members = all;
        }
    }
    if members.is_empty() {
        return Ok(None);
    }
    let units = board.store.list_units().await?;
    let scope = Scope::of(&members, &units);
    let lang = members
        .iter()
        .find_map(|m| m.person.language)
        .unwrap_or(board.lang);
    Ok(Some(Viewer {
        session,
        members,
        lang,
        scope,
        units,
    }))
}

fn session_cookie(board: &Board, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut cookie = format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict");
    if board.secure_cookie {
        cookie.push_str("; Secure");
    }
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    // Only ASCII letters, digits and separators: always a valid header value.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `GET /login`: how to get a link (and "logged out" after logout).
pub async fn login_page(State(board): State<Arc<Board>>, headers: HeaderMap) -> Response {
    let lang = pages::accepted_lang(&headers, board.lang);
    let body = pages::login_body(lang, None);
    pages::html(
        StatusCode::OK,
        message_page(lang, WebText::LoginTitle, body),
    )
}

/// `GET /login/{token}`: a button that posts the token; nothing is used yet.
pub async fn login_confirm(
    State(board): State<Arc<Board>>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = pages::accepted_lang(&headers, board.lang);
    let body = pages::login_body(lang, Some(&token));
    pages::html(
        StatusCode::OK,
        message_page(lang, WebText::LoginTitle, body),
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    token: String,
}

/// `POST /login`: uses the link, starts the session, goes to the board.
pub async fn login(
    State(board): State<Arc<Board>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let lang = pages::accepted_lang(&headers, board.lang);
    let token = form.token.trim();
    if !same_origin(&headers) {
        return pages::forbidden(lang);
    }
    let refused = || {
        pages::html(
            StatusCode::FORBIDDEN,
            message_page(
                lang,
                WebText::LoginTitle,
                pages::paragraph(WebText::LoginRefused.render(lang)),
            ),
        )
    };
    if token.len() != TOKEN_LENGTH || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return refused();
    }
    let session = new_token();
    let csrf = new_token();
    match board
        .store
        .redeem_web_login(&hash(token), &hash(&session), &csrf)
        .await
    {
        Ok(Some(_)) => {
            let mut response = Redirect::to("/").into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, session_cookie(&board, &session, None));
            response
        }
        Ok(None) => refused(),
        Err(e) => pages::server_error(lang, &e),
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`: only with the session's CSRF token.
pub async fn logout(
    State(board): State<Arc<Board>>,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    let lang = pages::accepted_lang(&headers, board.lang);
    let viewer = match viewer(&board, &headers).await {
        Ok(Some(viewer)) => viewer,
        Ok(None) => return Redirect::to("/login").into_response(),
        Err(e) => return pages::server_error(lang, &e),
    };
    if !same_origin(&headers)
        || !constant_time_eq(form.csrf.as_bytes(), viewer.session.csrf_token.as_bytes())
    {
        return pages::forbidden(viewer.lang);
    }
    if let Err(e) = board
        .store
        .end_web_session(viewer.session.id, viewer.session.person_id)
        .await
    {
        return pages::server_error(viewer.lang, &e);
    }
    let mut response = pages::html(
        StatusCode::OK,
        message_page(
            viewer.lang,
            WebText::LoginTitle,
            pages::login_body_after_logout(viewer.lang),
        ),
    );
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&board, "", Some(0)));
    response
}

/// A form posted from another site is refused: when the browser says where the form came
/// from (`Origin`), it must be this site (`Host`, as the reverse proxy passes it on).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    url::Url::parse(origin).is_ok_and(|url| {
        let origin_host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => return false,
        };
        origin_host.eq_ignore_ascii_case(host)
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let a = new_token();
        assert_eq!(a.len(), TOKEN_LENGTH);
        assert_ne!(a, new_token());
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), a);
    }

    #[test]
    fn the_session_cookie_is_read_among_others() {
        let token = new_token();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {COOKIE}={token}; c=d")).expect("header"),
        );
        assert_eq!(cookie_value(&headers), Some(token));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("dondoc_session=short"),
        );
        assert_eq!(cookie_value(&headers), None);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn forms_from_other_sites_are_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("theodoi.example.vn"));
        assert!(
            same_origin(&headers),
            "no Origin: a client that does not say"
        );
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://theodoi.example.vn"),
        );
        assert!(same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&headers));
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(same_origin(&headers));
    }
}
