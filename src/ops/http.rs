//! The operator's listener: `GET /healthz` (is the database answering, when did the scheduler
//! last pass, how long has the oldest message waited) and `GET /metrics` (Prometheus). It binds
//! only where `http.listen` says — keep it on a private address: it needs no secret to read.
//! With `http.public_url` set, the web board (`crate::web`) is served there too, behind its
//! own login.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::json;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::metrics::{age_secs, Metrics, TelegramLink};
use crate::store::{Store, StoreError};

/// How long `/healthz` waits for the database before calling it unhealthy.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(5);

/// What the handlers read.
struct Watch {
    store: Store,
    metrics: Metrics,
    /// Overdue means past the due date in the province.
    time_zone: Tz,
}

/// The listener of a running service.
pub struct RunningHttp {
    /// Where it listens (the real port when `http.listen` asked for port 0).
    pub address: SocketAddr,
    pub task: JoinHandle<()>,
}

/// Binds `listen` and serves until `stopped` turns true; with `board`, the web board too.
pub async fn start(
    listen: SocketAddr,
    store: Store,
    metrics: Metrics,
    time_zone: Tz,
    board: Option<crate::web::Board>,
    mut stopped: watch::Receiver<bool>,
) -> anyhow::Result<RunningHttp> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("http.listen: cannot listen on {listen}"))?;
    let address = listener
        .local_addr()
        .context("http.listen: local address")?;
    let state = Arc::new(Watch {
        store,
        metrics,
        time_zone,
    });
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .with_state(state);
    if let Some(board) = board {
        router = router.merge(crate::web::router(board));
    }
    let task = tokio::spawn(async move {
        let shutdown = async move {
            while !*stopped.borrow() {
                if stopped.changed().await.is_err() {
                    break;
                }
            }
        };
        if let Err(e) = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "health and metrics listener failed");
        }
    });
    tracing::info!(%address, "health and metrics listener on /healthz and /metrics");
    Ok(RunningHttp { address, task })
}

/// What `/healthz` found in the database.
struct Health {
    last_pass: Option<DateTime<Utc>>,
    oldest_queued: Option<DateTime<Utc>>,
}

async fn read_health(store: &Store) -> Result<Health, StoreError> {
    Ok(Health {
        last_pass: store.last_pass().await?,
        oldest_queued: store.oldest_queued().await?,
    })
}

async fn healthz(State(watch): State<Arc<Watch>>) -> Response {
    let read = tokio::time::timeout(HEALTH_TIMEOUT, read_health(&watch.store)).await;
    let reason = match read {
        Ok(Ok(health)) => {
            let now = watch.store.now();
            let (status, telegram) = match watch.metrics.telegram() {
                TelegramLink::NotConfigured => ("ok", "not configured".to_string()),
                TelegramLink::Connected => ("ok", "ok".to_string()),
                // Still 200: the scheduler runs and messages queue; restarting would not help.
                TelegramLink::Unreachable { since, reason } => (
                    "degraded",
                    format!(
                        "unreachable since {} ({reason})",
                        since.with_timezone(&watch.time_zone).to_rfc3339()
                    ),
                ),
            };
            let body = json!({
                "status": status,
                "database": "ok",
                "telegram": telegram,
                "backend": format!("{:?}", watch.store.backend()).to_lowercase(),
                "last_pass": health.last_pass.map(|at| at.to_rfc3339()),
                "last_pass_age_secs": health.last_pass.map(|at| age_secs(Some(at), now)),
                "outbox_lag_secs": age_secs(health.oldest_queued, now),
            });
            return (StatusCode::OK, Json(body)).into_response();
        }
        Ok(Err(e)) => e.to_string(),
        Err(_) => format!(
            "the database did not answer within {} s",
            HEALTH_TIMEOUT.as_secs()
        ),
    };
    tracing::warn!(%reason, "health check failed");
    let body = json!({ "status": "unhealthy", "database": "error", "reason": reason });
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}

async fn metrics_text(State(watch): State<Arc<Watch>>) -> Response {
    let today = watch
        .store
        .now()
        .with_timezone(&watch.time_zone)
        .date_naive();
    let text = watch.metrics.render(&watch.store, today).await;
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
