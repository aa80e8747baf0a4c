//! What watching and backing up the service reads: the last scheduler pass, overdue items by
//! plan, and an online copy of a SQLite database.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};

use super::{with_pool, Pool, Store, StoreError};

/// The state row the scheduler writes after each successful pass.
pub const LAST_PASS: &str = "scheduler.last_pass";

/// What kind of item is overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OverdueItem {
    /// An open assignment of a dated task past its due date.
    Task,
    /// A report a unit owes for a period past its due date, not sent.
    Report,
}

impl OverdueItem {
    pub fn as_str(self) -> &'static str {
        match self {
            OverdueItem::Task => "task",
            OverdueItem::Report => "report",
        }
    }
}

/// How many items of one kind one plan has overdue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueCount {
    pub plan: String,
    pub item: OverdueItem,
    pub count: i64,
}

/// A plan's code and a count, as the overdue queries return them.
type PlanCount = (String, i64);

const OVERDUE_TASKS: &str = "SELECT p.code, COUNT(*) FROM assignments a \
     JOIN tasks t ON t.id = a.task_id JOIN plans p ON p.id = t.plan_id \
     WHERE a.retired_at IS NULL AND t.retired_at IS NULL AND a.status <> 'done' \
     AND t.due_date IS NOT NULL AND t.due_date < $1 GROUP BY p.code";

/// Units owe a period's report when they implement a live task of its plan (only the communes
/// among them for `owed_by = 'communes'`), as the scheduler's `owing_units` has it.
const OVERDUE_REPORTS: &str = "SELECT p.code, COUNT(*) FROM reporting_periods rp \
     JOIN plans p ON p.id = rp.plan_id \
     JOIN (SELECT DISTINCT t.plan_id, a.unit_id FROM assignments a JOIN tasks t ON t.id = a.task_id \
           WHERE a.retired_at IS NULL AND t.retired_at IS NULL) pu ON pu.plan_id = rp.plan_id \
     JOIN units u ON u.id = pu.unit_id \
     WHERE rp.due_date < $1 AND (rp.owed_by = 'implementing_units' OR u.kind = 'commune') \
     AND NOT EXISTS (SELECT 1 FROM report_submissions s \
                     WHERE s.period_id = rp.id AND s.unit_id = pu.unit_id) \
     GROUP BY p.code";

impl Store {
    /// When the last successful scheduler pass ran (any process). Reads a table, so it also
    /// proves the database answers with dondoc's schema in place.
    pub async fn last_pass(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let Some(raw) = self.service_state(LAST_PASS).await? else {
            return Ok(None);
        };
        DateTime::parse_from_rfc3339(&raw)
            .map(|at| Some(at.with_timezone(&Utc)))
            .map_err(|e| StoreError::Corrupt(format!("{LAST_PASS} {raw:?}: {e}")))
    }

    /// When the oldest message still waiting to be sent (queued or in flight) was queued.
    pub async fn oldest_queued(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        const SQL: &str = "SELECT MIN(created_at) FROM outbox WHERE state IN ('queued', 'sending')";
        Ok(with_pool!(self, pool => sqlx::query_scalar(SQL).fetch_one(pool).await?))
    }

    /// Overdue items per plan as of `today` (the province's date); plans with none are left out.
    pub async fn overdue_by_plan(&self, today: NaiveDate) -> Result<Vec<OverdueCount>, StoreError> {
        let (tasks, reports): (Vec<PlanCount>, Vec<PlanCount>) = with_pool!(self, pool => {
            (
                sqlx::query_as(OVERDUE_TASKS).bind(today).fetch_all(pool).await?,
                sqlx::query_as(OVERDUE_REPORTS).bind(today).fetch_all(pool).await?,
            )
        });
        let counts = |rows: Vec<PlanCount>, item| {
            rows.into_iter()
                .map(move |(plan, count)| OverdueCount { plan, item, count })
        };
        Ok(counts(tasks, OverdueItem::Task)
            .chain(counts(reports, OverdueItem::Report))
            .collect())
    }

    /// Writes a consistent copy of a live SQLite database to `out`, which must not exist.
    /// `VACUUM INTO` reads inside one transaction, so the copy holds exactly what was committed
    /// when it began, while the service keeps writing (WAL: readers never block the writer);
    /// a file copy could catch a page half-written or miss the WAL. Postgres has pg_dump.
    pub async fn backup_sqlite(&self, out: &Path) -> Result<u64, StoreError> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Err(StoreError::Invalid(
                "backup copies SQLite databases; back Postgres up with pg_dump".into(),
            ));
        };
        if out.exists() {
            return Err(StoreError::Invalid(format!(
                "{} already exists; a backup never overwrites a file",
                out.display()
            )));
        }
        let target = out
            .to_str()
            .ok_or_else(|| StoreError::Invalid(format!("{} is not a UTF-8 path", out.display())))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await?;
        let bytes = std::fs::metadata(out)
            .map(|m| m.len())
            .map_err(|e| StoreError::Invalid(format!("{}: {e}", out.display())))?;
        Ok(bytes)
    }
}
