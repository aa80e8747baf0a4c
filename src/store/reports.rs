//! Reports: what each unit owes for each reporting period, and the submissions members send.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::tx::{AttachedTo, Steps};
use super::{
    audit, brief, with_pool, BeginWrite, Effect, NewAttachment, Store, StoreError, UnitBrief,
};
use crate::domain::{Actor, PeriodId, PersonId, SubmissionId, UnitId, UpdateId};

/// One report a unit owes for one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDue {
    pub period_id: PeriodId,
    pub plan_code: String,
    pub label: String,
    pub due_date: NaiveDate,
    pub unit: UnitBrief,
    /// The latest submission, if any.
    pub submitted_at: Option<DateTime<Utc>>,
}

/// A report a member sends for their unit and a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub period_id: PeriodId,
    pub unit_id: UnitId,
    pub person_id: PersonId,
    pub body: String,
    pub telegram_message_id: Option<i64>,
    pub attachment: Option<NewAttachment>,
}

#[derive(sqlx::FromRow)]
struct ReportDueRow {
    period_id: PeriodId,
    plan_code: String,
    label: String,
    due_date: NaiveDate,
    unit_id: UnitId,
    unit_code: String,
    unit_name: String,
    unit_kind: String,
    submitted_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Every report `unit_ids` owe: each period of each plan they implement (the commune
    /// plan only for communes), earliest first, with the latest submission.
    pub async fn reports_owed(&self, unit_ids: &[UnitId]) -> Result<Vec<ReportDue>, StoreError> {
        if unit_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<ReportDueRow> = with_pool!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT rp.id AS period_id, pl.code AS plan_code, rp.label, rp.due_date, \
                 u.id AS unit_id, u.code AS unit_code, u.name AS unit_name, u.kind AS unit_kind, \
                 (SELECT MAX(s.submitted_at) FROM report_submissions s \
                  WHERE s.period_id = rp.id AND s.unit_id = u.id) AS submitted_at \
                 FROM reporting_periods rp JOIN plans pl ON pl.id = rp.plan_id JOIN units u ON u.id IN (",
            );
            let mut ids = query.separated(", ");
            for id in unit_ids {
                ids.push_bind(*id);
            }
            query.push(
                ") WHERE EXISTS (SELECT 1 FROM assignments a JOIN tasks t ON t.id = a.task_id \
                 WHERE t.plan_id = pl.id AND a.unit_id = u.id AND a.retired_at IS NULL AND t.retired_at IS NULL) \
                 AND (rp.owed_by = 'implementing_units' OR u.kind = 'commune') \
                 ORDER BY rp.due_date, pl.code, u.code",
            );
            query.build_query_as().fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|r| {
                Ok(ReportDue {
                    period_id: r.period_id,
                    plan_code: r.plan_code,
                    label: r.label,
                    due_date: r.due_date,
                    unit: brief(r.unit_id, r.unit_code, r.unit_name, &r.unit_kind)?,
                    submitted_at: r.submitted_at,
                })
            })
            .collect()
    }

    /// One owed report, if `unit_id` owes `period_id`.
    pub async fn report_due(
        &self,
        period_id: PeriodId,
        unit_id: UnitId,
    ) -> Result<Option<ReportDue>, StoreError> {
        Ok(self
            .reports_owed(&[unit_id])
            .await?
            .into_iter()
            .find(|r| r.period_id == period_id))
    }

    /// Records a report submission as the effect of `update_id`, with its file, and ends the
    /// dialogue in `chat_id`.
    pub async fn record_submission(
        &self,
        update_id: UpdateId,
        chat_id: i64,
        user_id: i64,
        submission: &Submission,
    ) -> Result<Effect<SubmissionId>, StoreError> {
        let now = self.now();
        let actor = Actor::new(format!(
            "telegram:{user_id}/person:{}",
            submission.person_id
        ));
        let id: SubmissionId = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !tx.first_delivery(update_id, now).await? {
                return Ok(Effect::Duplicate);
            }
            let id: SubmissionId = sqlx::query_scalar(
                "INSERT INTO report_submissions (period_id, unit_id, person_id, submitted_at, body, attachment_file_id, telegram_message_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(submission.period_id)
            .bind(submission.unit_id)
            .bind(submission.person_id)
            .bind(now)
            .bind(&submission.body)
            .bind(submission.attachment.as_ref().map(|f| f.file_id.as_str()))
            .bind(submission.telegram_message_id)
            .fetch_one(&mut *tx)
            .await?;
            if let Some(file) = &submission.attachment {
                tx.insert_attachment(AttachedTo::Submission(id), file).await?;
            }
            tx.end_dialogue(chat_id, user_id).await?;
            audit!(&mut *tx, now, actor, "report.submit", "report_submission", id.to_string(),
                json!({ "period_id": submission.period_id, "unit_id": submission.unit_id,
                        "file": submission.attachment.as_ref().map(|f| &f.file_id) }));
            tx.commit().await?;
            id
        });
        Ok(Effect::Done(id))
    }

    /// Submissions for a period by a unit, oldest first: (body, file id).
    pub async fn submissions(
        &self,
        period_id: PeriodId,
        unit_id: UnitId,
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT body, attachment_file_id FROM report_submissions WHERE period_id = $1 AND unit_id = $2 ORDER BY id",
            )
            .bind(period_id)
            .bind(unit_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The earliest reporting deadline on or after `today` of the plan coded `plan_code`.
    pub async fn next_report_due(
        &self,
        plan_code: &str,
        today: NaiveDate,
    ) -> Result<Option<NaiveDate>, StoreError> {
        let next: Option<Option<NaiveDate>> = with_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT MIN(rp.due_date) FROM reporting_periods rp JOIN plans p ON p.id = rp.plan_id \
                 WHERE p.code = $1 AND rp.due_date >= $2",
            )
            .bind(plan_code)
            .bind(today)
            .fetch_optional(pool)
            .await?
        });
        Ok(next.flatten())
    }
}
