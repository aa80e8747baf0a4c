//! Storage: one [`Store`] over SQLite and Postgres.
//!
//! Both backends accept the same SQL here (`$1` placeholders, `ON CONFLICT`, `RETURNING`), so
//! each method is written once and [`with_pool!`] compiles its body against each driver.
//! What differs — connecting, pragmas, schemas, migrations — lives in `sqlite.rs` and
//! `postgres.rs`. Every write happens in a transaction together with its audit-log rows.

mod assignments;
mod cases;
mod conversations;
mod export;
mod ops;
mod outbox;
mod plans;
mod postgres;
mod schedule;
mod sqlite;
mod units;
mod zalo;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use secrecy::ExposeSecret;
use sqlx::{PgPool, SqlitePool};

use crate::clock::Clock;
use crate::config::DatabaseConfig;
use crate::domain::{AssignmentStatus, PeriodKey, ReportOwers, UnitCode, UnitKind};

pub use assignments::{
    task_number, Applied, AssignmentCard, BotAction, HeldFile, NewAttachment, ServiceCounts,
    StatusReply, UnitProgress,
};
pub use cases::{
    CaseAction, CaseFile, CaseRefusal, CaseTime, CaseView, Delivery, HopView, NewCase,
};
pub use conversations::{Effect, Subject};
pub use export::LatestUpdate;
pub use ops::{OverdueCount, OverdueItem, LAST_PASS};
pub use outbox::{
    sender_lease, MessageSubject, NewMessage, OutboxCount, OutboxMessage, OutboxSummary,
    QueuedMessage, SENDER_LEASE, ZALO_SENDER_LEASE,
};
pub use plans::{owing_among, PlanDiff, PlanSaved, SaveMode, TaskLabel};
pub use postgres::probe as probe_postgres;
pub use schedule::{
    DatedAssignment, EscalationRecord, ItemKind, OpenTasks, PeriodDue, PlanBrief, Recipient,
    ScheduleSnapshot, ScheduleVersions, SnapshotCache, SnapshotIndex, StatusTally, TaskLine,
    TaskStatusCount, UnitInfo, Unreachable,
};
pub use units::{ReachGaps, UnitWithoutReach, UnitsSaved, UnreachableMember};

mod holidays;
mod inbox;
mod members;
mod reports;
mod tx;
pub use holidays::HolidaysSaved;
pub use members::{BadCodes, Member, MemberListing, Redeemed};
pub use reports::{ReportDue, Submission};
mod web;
pub use web::{WebFile, WebFileName, WebMember, WebSession, WebSubmission, WebUpdate, WebWrite};
pub use zalo::KeptZaloUpdate;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL {0:?}: use sqlite://… or postgres://…")]
    UnsupportedUrl(String),
    /// The database could not be opened at all: the real cause, found within
    /// [`CONNECT_TIMEOUT`].
    #[error("cannot open database {url}: {failure}")]
    Connect {
        url: String,
        failure: ConnectFailure,
    },
    #[error("{what} {key:?} not found")]
    NotFound { what: &'static str, key: String },
    #[error("plan {0:?} already exists")]
    PlanExists(String),
    #[error("{0}")]
    Invalid(String),
    #[error("stored value is corrupt: {0}")]
    Corrupt(String),
}

/// How long opening the database may take before it counts as not answering.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

pub use crate::domain::ConnectFailure;

impl ConnectFailure {
    /// Reads sqlx's error for `host:port` (user and database for the server's refusals).
    pub fn classify(error: &sqlx::Error, address: &str, user: &str, database: &str) -> Self {
        match error {
            sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                ConnectFailure::Refused {
                    address: address.to_string(),
                }
            }
            sqlx::Error::PoolTimedOut => ConnectFailure::NoAnswer {
                address: address.to_string(),
                secs: CONNECT_TIMEOUT.as_secs(),
            },
            sqlx::Error::Database(db) => match db.code().as_deref() {
                Some("28P01") => ConnectFailure::BadPassword {
                    user: user.to_string(),
                },
                Some("3D000") => ConnectFailure::NoDatabase {
                    database: database.to_string(),
                },
                _ => ConnectFailure::Other(db.message().to_string()),
            },
            other => ConnectFailure::Other(other.to_string()),
        }
    }
}

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the concrete pool of whichever backend is in use.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// Appends one audit-log row on `$conn` (a transaction's connection).
macro_rules! audit {
    ($conn:expr, $at:expr, $actor:expr, $action:expr, $entity:expr, $key:expr, $detail:expr) => {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, entity, entity_key, detail) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind($at)
        .bind($actor.as_str())
        .bind($action)
        .bind($entity)
        .bind($key)
        .bind($detail.to_string())
        .execute($conn)
        .await?
    };
}
pub(crate) use audit;

/// Bound parameters per statement in batched writes: under SQLite's limit (32,766) and
/// Postgres's (65,535). Batching matters: one statement per row costs a round trip each.
pub(crate) const BATCH_PARAMETERS: usize = 30_000;

/// Inserts `$rows` with multi-row `INSERT … VALUES (…), (…)`, in chunks that respect
/// [`BATCH_PARAMETERS`]; `$push` binds one row's `$params` values on `$b`.
macro_rules! insert_batched {
    ($conn:expr, $head:expr, $rows:expr, $params:expr, |$b:ident, $row:ident| $push:expr) => {
        for chunk in $rows.chunks(($crate::store::BATCH_PARAMETERS / $params).max(1)) {
            let mut query = sqlx::QueryBuilder::new($head);
            query.push_values(chunk, |mut $b, $row| {
                $push;
            });
            query.build().execute($conn).await?;
        }
    };
}
pub(crate) use insert_batched;

/// Runs a statement ending in `WHERE id IN (…)` over `$ids` in chunks; `$head` pushes the
/// part before the list onto `$query`. Evaluates to the number of rows affected.
macro_rules! for_ids {
    ($conn:expr, $ids:expr, |$query:ident| $head:expr) => {{
        let mut affected: u64 = 0;
        for chunk in $ids.chunks($crate::store::BATCH_PARAMETERS - 1) {
            let mut $query = sqlx::QueryBuilder::new("");
            $head;
            $query.push(" (");
            let mut list = $query.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            $query.push(")");
            affected += $query.build().execute($conn).await?.rows_affected();
        }
        affected
    }};
}
pub(crate) use for_ids;

/// One audit-log row waiting to be written with [`insert_batched!`].
pub(crate) struct AuditRow {
    pub action: &'static str,
    pub entity: &'static str,
    pub key: String,
    pub detail: String,
}

/// Appends many audit rows at once (see [`audit!`] for one).
macro_rules! audit_batch {
    ($conn:expr, $at:expr, $actor:expr, $rows:expr) => {
        $crate::store::insert_batched!(
            $conn,
            "INSERT INTO audit_log (at, actor, action, entity, entity_key, detail) ",
            $rows,
            6,
            |b, row| b
                .push_bind($at)
                .push_bind($actor.as_str())
                .push_bind(row.action)
                .push_bind(row.entity)
                .push_bind(row.key.as_str())
                .push_bind(row.detail.as_str())
        )
    };
}
pub(crate) use audit_batch;

/// Opening a transaction that will write. SQLite must take the write lock up front
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and then writes can fail at
/// once with "database is locked" when another writer got there in between.
pub(crate) trait BeginWrite {
    type Database: sqlx::Database;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>;
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    clock: Arc<dyn Clock>,
    /// Told what is queued in the outbox, when a running service watches.
    observer: Option<Arc<dyn QueueObserver>>,
}

/// Whoever counts what the store queues (a running service's `ops::Metrics`). A trait here,
/// implemented by `ops`, so the store reports counts without importing what reads it: `ops`
/// imports `store`, never the reverse.
pub trait QueueObserver: std::fmt::Debug + Send + Sync {
    /// `count` messages of `kind` were added to the outbox (counted after the commit).
    fn queued(&self, kind: &str, count: u64);
}

/// A unit as listings show it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnitBrief {
    pub id: crate::domain::UnitId,
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub year: i32,
    pub scope: UnitCode,
    pub source: String,
    pub imported_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSummary {
    pub plan: Plan,
    pub task_count: i64,
    pub assignment_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentView {
    pub id: i64,
    pub unit: UnitBrief,
    pub status: AssignmentStatus,
}

/// A live (not retired) task with its lead and implementing units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskView {
    pub id: i64,
    pub position: i64,
    pub source_row: i64,
    pub code: Option<String>,
    pub dimension_code: Option<String>,
    pub dimension: Option<String>,
    pub criterion: Option<String>,
    pub text: String,
    pub target: String,
    pub timeframe: String,
    pub due_date: Option<NaiveDate>,
    pub expected_output: String,
    pub leads: Vec<UnitBrief>,
    pub assignments: Vec<AssignmentView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPeriod {
    pub id: i64,
    pub key: PeriodKey,
    pub label: String,
    pub due_date: NaiveDate,
    pub owed_by: ReportOwers,
}

/// What a `plan deadlines --set` changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDateChange {
    pub key: PeriodKey,
    pub before: Option<NaiveDate>,
    pub after: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    pub id: crate::domain::StatusUpdateId,
    pub assignment_id: crate::domain::AssignmentId,
    pub status: AssignmentStatus,
    pub note: String,
    pub person_id: Option<crate::domain::PersonId>,
    pub reported_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    pub detail: String,
}

#[derive(sqlx::FromRow)]
struct AuditRecord {
    id: i64,
    at: DateTime<Utc>,
    actor: String,
    action: String,
    entity: String,
    entity_key: String,
    detail: String,
}

impl Store {
    /// Connects to `config.url` (backend chosen by its scheme) and applies pending migrations.
    pub async fn connect(
        config: &DatabaseConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Store, StoreError> {
        let url = config.url.expose_secret();
        let pool = if url.starts_with("sqlite:") {
            Pool::Sqlite(sqlite::connect(config).await?)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Pool::Postgres(postgres::connect(config).await?)
        } else {
            return Err(StoreError::UnsupportedUrl(config.redacted_url()));
        };
        tracing::info!(database = %config.redacted_url(), "database ready, migrations applied");
        Ok(Store {
            pool,
            clock,
            observer: None,
        })
    }

    /// This store, telling `observer` what it queues (the service's metrics:
    /// `dondoc_outbox_queued_total`). Every path into the outbox runs through the store, so
    /// this is where the count is exact.
    pub fn observed_by(&self, observer: impl QueueObserver + 'static) -> Store {
        Store {
            observer: Some(Arc::new(observer)),
            ..self.clone()
        }
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }

    /// The newest audit entries first.
    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        const SQL: &str = "SELECT id, at, actor, action, entity, entity_key, detail \
                           FROM audit_log ORDER BY id DESC LIMIT $1";
        let rows: Vec<AuditRecord> = with_pool!(self, pool => {
            sqlx::query_as(SQL).bind(limit).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                actor: r.actor,
                action: r.action,
                entity: r.entity,
                entity_key: r.entity_key,
                detail: r.detail,
            })
            .collect())
    }

    /// Tries to change an audit entry; the database refuses. Exposed so the contract tests
    /// can prove the log is append-only on each backend.
    pub async fn try_rewrite_audit_entry(&self, id: i64) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query("UPDATE audit_log SET actor = 'tampered' WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}

pub(crate) use plans::brief;

pub(crate) fn parse_code(raw: String) -> Result<UnitCode, StoreError> {
    UnitCode::parse(&raw).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn parse_kind(raw: &str) -> Result<UnitKind, StoreError> {
    raw.parse()
        .map_err(|e: crate::domain::ParseError| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn parse_status(raw: &str) -> Result<AssignmentStatus, StoreError> {
    raw.parse()
        .map_err(|e: crate::domain::ParseError| StoreError::Corrupt(e.to_string()))
}
