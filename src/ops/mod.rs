//! Running dondoc in production: the health and metrics listener (`http.listen`), the
//! figures it serves, and the checks behind `dondoc check-config`.
//!
//! - [`metrics`]: [`Metrics`], the counters and gauges of one service, rendered for Prometheus.
//! - [`http`]: the axum listener serving `/healthz` and `/metrics`.
//! - [`check`]: every problem a configuration file has, found before `serve` trips on it.

pub mod check;
pub mod http;
pub mod metrics;

pub use http::RunningHttp;
pub use metrics::{Delivery, Metrics, TelegramLink, UpdateKind};
