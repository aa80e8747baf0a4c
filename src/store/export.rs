//! What the periodic report (`dondoc export`, `/xuat`) reads beyond the plan itself: each
//! unit's first report for a period and each assignment's latest status update, both as of
//! an instant, so a report can be rebuilt for any past date.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{parse_status, with_pool, Store, StoreError};
use crate::domain::{AssignmentStatus, UnitId};

/// The latest status update about one assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestUpdate {
    pub status: AssignmentStatus,
    pub note: String,
    pub reported_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct UpdateRow {
    assignment_id: i64,
    status: String,
    note: String,
    reported_at: DateTime<Utc>,
}

impl Store {
    /// unit id → the unit's first submission for `period_id` made no later than `until`.
    /// The first counts: a unit that reported on time and added to it later is on time.
    pub async fn first_submissions(
        &self,
        period_id: i64,
        until: DateTime<Utc>,
    ) -> Result<HashMap<UnitId, DateTime<Utc>>, StoreError> {
        const SQL: &str = "SELECT unit_id, MIN(submitted_at) FROM report_submissions \
                           WHERE period_id = $1 AND submitted_at <= $2 GROUP BY unit_id";
        let rows: Vec<(UnitId, DateTime<Utc>)> = with_pool!(self, pool => {
            sqlx::query_as(SQL).bind(period_id).bind(until).fetch_all(pool).await?
        });
        Ok(rows.into_iter().collect())
    }

    /// assignment id → its latest status update made no later than `until`, for the live
    /// assignments of plan `plan_id` (assignments without one are absent).
    pub async fn latest_updates(
        &self,
        plan_id: i64,
        until: DateTime<Utc>,
    ) -> Result<HashMap<i64, LatestUpdate>, StoreError> {
        // Every update up to `until`, oldest first, the last one per assignment winning: one
        // portable query instead of a window function per dialect; a plan has a few updates
        // per assignment, so reading them all costs little next to the assignments themselves.
        const SQL: &str = "SELECT s.assignment_id, s.status, s.note, s.reported_at \
             FROM status_updates s JOIN assignments a ON a.id = s.assignment_id \
             JOIN tasks t ON t.id = a.task_id \
             WHERE t.plan_id = $1 AND a.retired_at IS NULL AND t.retired_at IS NULL \
             AND s.reported_at <= $2 ORDER BY s.reported_at, s.id";
        let rows: Vec<UpdateRow> = with_pool!(self, pool => {
            sqlx::query_as(SQL).bind(plan_id).bind(until).fetch_all(pool).await?
        });
        last_per_assignment(rows)
    }

    /// [`Store::latest_updates`] for some assignments only: those in `assignment_ids` and
    /// those whose status update is in `update_ids` (a note added to it), as of `until`.
    /// Updates are never deleted, so the result replaces those assignments' entries of a
    /// kept map (the web board's reading after a reply).
    pub async fn latest_updates_of(
        &self,
        plan_id: i64,
        until: DateTime<Utc>,
        assignment_ids: &[i64],
        update_ids: &[i64],
    ) -> Result<HashMap<i64, LatestUpdate>, StoreError> {
        if assignment_ids.is_empty() && update_ids.is_empty() {
            return Ok(HashMap::new());
        }
        // The assignments a noted update belongs to first, then one plain id list, which the
        // `status_updates_assignment` index answers row by row (an `OR` of two lists leaves
        // the planner free to join the plan's every assignment instead).
        let mut ids: Vec<i64> = assignment_ids.to_vec();
        if !update_ids.is_empty() {
            let noted: Vec<i64> = with_pool!(self, pool => {
                let mut query = sqlx::QueryBuilder::new(
                    "SELECT DISTINCT assignment_id FROM status_updates WHERE id IN (",
                );
                let mut list = query.separated(", ");
                for id in update_ids {
                    list.push_bind(*id);
                }
                query.push(")");
                query.build_query_scalar().fetch_all(pool).await?
            });
            ids.extend(noted);
        }
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        const HEAD: &str = "SELECT s.assignment_id, s.status, s.note, s.reported_at \
             FROM status_updates s JOIN assignments a ON a.id = s.assignment_id \
             JOIN tasks t ON t.id = a.task_id \
             WHERE s.assignment_id IN (";
        let rows: Vec<UpdateRow> = with_pool!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(HEAD);
            let mut list = query.separated(", ");
            for id in &ids {
                list.push_bind(*id);
            }
            query.push(") AND t.plan_id = ");
            query.push_bind(plan_id);
            query.push(" AND a.retired_at IS NULL AND t.retired_at IS NULL AND s.reported_at <= ");
            query.push_bind(until);
            query.push(" ORDER BY s.reported_at, s.id");
            query.build_query_as().fetch_all(pool).await?
        });
        last_per_assignment(rows)
    }
}

/// Rows oldest first → assignment id → its last update (a later row replaces an earlier one).
fn last_per_assignment(rows: Vec<UpdateRow>) -> Result<HashMap<i64, LatestUpdate>, StoreError> {
    let mut latest = HashMap::with_capacity(rows.len());
    for row in rows {
        latest.insert(
            row.assignment_id,
            LatestUpdate {
                status: parse_status(&row.status)?,
                note: row.note,
                reported_at: row.reported_at,
            },
        );
    }
    Ok(latest)
}
