//! What the coordinators' web board (`crate::web`) keeps and reads beyond the report: one-time
//! login links and sessions (tokens stored only as SHA-256 hashes), and a unit's history —
//! its members, every status update with its files, its report submissions.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::{audit, parse_status, with_pool, BeginWrite, Store, StoreError};
use crate::domain::{Actor, AssignmentStatus, PersonRole};

/// A live board session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    pub id: i64,
    pub person_id: i64,
    /// Carried by every state-changing form of this session.
    pub csrf_token: String,
}

/// A member of a unit as the unit's page shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebMember {
    pub full_name: String,
    pub role: PersonRole,
    pub linked: bool,
    pub unreachable_since: Option<DateTime<Utc>>,
}

/// A file attached to a status update or a report submission: (attachment id, file name).
pub type WebFileName = (i64, Option<String>);

/// One status update about one of a unit's assignments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebUpdate {
    pub id: i64,
    pub assignment_id: i64,
    pub status: AssignmentStatus,
    pub note: String,
    pub reported_at: DateTime<Utc>,
    pub person: Option<String>,
    pub files: Vec<WebFileName>,
}

/// One report submission of a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSubmission {
    pub id: i64,
    pub period_label: String,
    pub submitted_at: DateTime<Utc>,
    pub body: String,
    pub person: Option<String>,
    pub files: Vec<WebFileName>,
}

/// A stored file and the unit (and plan) it belongs to, for a scoped download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebFile {
    pub unit_id: i64,
    pub plan_id: i64,
    /// For a status update's file, the task; None for a report's.
    pub task_id: Option<i64>,
    pub file_id: String,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
    pub local_path: Option<String>,
}

/// One write as the audit log names it: its action (`assignment.status` …) and the key of
/// what it wrote (an assignment id, a status update id …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebWrite {
    pub id: i64,
    pub action: String,
    pub key: String,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    person_id: i64,
    csrf_token: String,
    last_seen_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    full_name: String,
    role: String,
    telegram_user_id: Option<i64>,
    zalo_chat: Option<i64>,
    unreachable_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct UpdateRow {
    id: i64,
    assignment_id: i64,
    status: String,
    note: String,
    reported_at: DateTime<Utc>,
    full_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SubmissionRow {
    id: i64,
    label: String,
    submitted_at: DateTime<Utc>,
    body: String,
    full_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct FileRow {
    owner: i64,
    id: i64,
    file_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct OwnerRow {
    unit_id: i64,
    plan_id: i64,
    task_id: Option<i64>,
    file_id: String,
    file_name: Option<String>,
    mime_type: Option<String>,
    local_path: Option<String>,
}

/// A session's `last_seen_at` is written at most this often (not on every page).
const TOUCH_EVERY_SECS: i64 = 60;

impl Store {
    /// Keeps a one-time login link for `person_id`: only the token's hash.
    pub async fn create_web_login(
        &self,
        person_id: i64,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO web_login_tokens (person_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(person_id)
            .bind(token_hash)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            audit!(&mut *tx, now, actor, "web.link", "person", person_id.to_string(),
                json!({ "expires_at": expires_at.to_rfc3339() }));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Uses the login link whose token hashes to `token_hash` — unused and not expired — and
    /// starts a session in the same transaction. None: no such link, used, or expired.
    pub async fn redeem_web_login(
        &self,
        token_hash: &str,
        session_hash: &str,
        csrf_token: &str,
    ) -> Result<Option<i64>, StoreError> {
        let now = self.now();
        Ok(with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let person: Option<i64> = sqlx::query_scalar(
                "UPDATE web_login_tokens SET used_at = $1 WHERE token_hash = $2 \
                 AND used_at IS NULL AND expires_at > $1 RETURNING person_id",
            )
            .bind(now)
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(person_id) = person {
                sqlx::query(
                    "INSERT INTO web_sessions (person_id, session_hash, csrf_token, created_at, last_seen_at) \
                     VALUES ($1, $2, $3, $4, $4)",
                )
                .bind(person_id)
                .bind(session_hash)
                .bind(csrf_token)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let actor = Actor::new(format!("web:person:{person_id}"));
                audit!(&mut *tx, now, &actor, "web.login", "person", person_id.to_string(), json!({}));
            }
            tx.commit().await?;
            person
        }))
    }

    /// The live session whose cookie hashes to `session_hash`, seen within `idle_secs`; its
    /// last-seen time moves to now (at most once a minute).
    pub async fn web_session(
        &self,
        session_hash: &str,
        idle_secs: i64,
    ) -> Result<Option<WebSession>, StoreError> {
        let now = self.now();
        let since = now - chrono::Duration::seconds(idle_secs);
        let row: Option<SessionRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, person_id, csrf_token, last_seen_at FROM web_sessions \
                 WHERE session_hash = $1 AND ended_at IS NULL AND last_seen_at > $2",
            )
            .bind(session_hash)
            .bind(since)
            .fetch_optional(pool)
            .await?
        });
        let Some(row) = row else {
            return Ok(None);
        };
        if (now - row.last_seen_at).num_seconds() >= TOUCH_EVERY_SECS {
            with_pool!(self, pool => {
                sqlx::query("UPDATE web_sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1")
                    .bind(now)
                    .bind(row.id)
                    .execute(pool)
                    .await?;
            });
        }
        Ok(Some(WebSession {
            id: row.id,
            person_id: row.person_id,
            csrf_token: row.csrf_token,
        }))
    }

    /// Ends session `id` (logout).
    pub async fn end_web_session(&self, id: i64, person_id: i64) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE web_sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let actor = Actor::new(format!("web:person:{person_id}"));
            audit!(&mut *tx, now, &actor, "web.logout", "person", person_id.to_string(), json!({}));
            tx.commit().await?;
        });
        Ok(())
    }

    /// A unit's members: linked (on Telegram or Zalo) or not, unreachable since when.
    pub async fn web_members(&self, unit_id: i64) -> Result<Vec<WebMember>, StoreError> {
        let rows: Vec<MemberRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT full_name, role, telegram_user_id, zalo_chat, unreachable_at FROM people \
                 WHERE unit_id = $1 ORDER BY id",
            )
            .bind(unit_id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|r| {
                Ok(WebMember {
                    full_name: r.full_name,
                    role: r.role.parse().map_err(|e: crate::domain::ParseError| {
                        StoreError::Corrupt(e.to_string())
                    })?,
                    linked: r.telegram_user_id.is_some() || r.zalo_chat.is_some(),
                    unreachable_since: r.unreachable_at,
                })
            })
            .collect()
    }

    /// Every status update about `unit_id`'s live assignments in plan `plan_id`, oldest
    /// first, with who sent it and its files.
    pub async fn web_unit_updates(
        &self,
        plan_id: i64,
        unit_id: i64,
    ) -> Result<Vec<WebUpdate>, StoreError> {
        const UPDATES: &str = "SELECT s.id, s.assignment_id, s.status, s.note, s.reported_at, p.full_name \
             FROM status_updates s JOIN assignments a ON a.id = s.assignment_id \
             JOIN tasks t ON t.id = a.task_id LEFT JOIN people p ON p.id = s.person_id \
             WHERE t.plan_id = $1 AND a.unit_id = $2 AND a.retired_at IS NULL AND t.retired_at IS NULL \
             ORDER BY s.reported_at, s.id";
        const FILES: &str = "SELECT f.status_update_id AS owner, f.id, f.file_name FROM attachments f \
             JOIN status_updates s ON s.id = f.status_update_id JOIN assignments a ON a.id = s.assignment_id \
             JOIN tasks t ON t.id = a.task_id WHERE t.plan_id = $1 AND a.unit_id = $2 ORDER BY f.id";
        let (rows, files): (Vec<UpdateRow>, Vec<FileRow>) = with_pool!(self, pool => {
            (
                sqlx::query_as(UPDATES).bind(plan_id).bind(unit_id).fetch_all(pool).await?,
                sqlx::query_as(FILES).bind(plan_id).bind(unit_id).fetch_all(pool).await?,
            )
        });
        rows.into_iter()
            .map(|r| {
                Ok(WebUpdate {
                    id: r.id,
                    assignment_id: r.assignment_id,
                    status: parse_status(&r.status)?,
                    note: r.note,
                    reported_at: r.reported_at,
                    person: r.full_name,
                    files: files_of(&files, r.id),
                })
            })
            .collect()
    }

    /// Every report `unit_id` submitted for plan `plan_id`'s periods, oldest first.
    pub async fn web_unit_submissions(
        &self,
        plan_id: i64,
        unit_id: i64,
    ) -> Result<Vec<WebSubmission>, StoreError> {
        const SUBMISSIONS: &str = "SELECT s.id, r.label, s.submitted_at, s.body, p.full_name \
             FROM report_submissions s JOIN reporting_periods r ON r.id = s.period_id \
             LEFT JOIN people p ON p.id = s.person_id \
             WHERE r.plan_id = $1 AND s.unit_id = $2 ORDER BY s.submitted_at, s.id";
        const FILES: &str = "SELECT f.submission_id AS owner, f.id, f.file_name FROM attachments f \
             JOIN report_submissions s ON s.id = f.submission_id JOIN reporting_periods r ON r.id = s.period_id \
             WHERE r.plan_id = $1 AND s.unit_id = $2 ORDER BY f.id";
        let (rows, files): (Vec<SubmissionRow>, Vec<FileRow>) = with_pool!(self, pool => {
            (
                sqlx::query_as(SUBMISSIONS).bind(plan_id).bind(unit_id).fetch_all(pool).await?,
                sqlx::query_as(FILES).bind(plan_id).bind(unit_id).fetch_all(pool).await?,
            )
        });
        Ok(rows
            .into_iter()
            .map(|r| WebSubmission {
                id: r.id,
                period_label: r.label,
                submitted_at: r.submitted_at,
                body: r.body,
                person: r.full_name,
                files: files_of(&files, r.id),
            })
            .collect())
    }

    /// The stored file `attachment_id` and whose it is (a status update's or a report's).
    pub async fn web_file(&self, attachment_id: i64) -> Result<Option<WebFile>, StoreError> {
        const SQL: &str = "SELECT COALESCE(a.unit_id, s.unit_id) AS unit_id, \
             COALESCE(t.plan_id, r.plan_id) AS plan_id, a.task_id, f.file_id, f.file_name, f.mime_type, f.local_path \
             FROM attachments f \
             LEFT JOIN status_updates u ON u.id = f.status_update_id \
             LEFT JOIN assignments a ON a.id = u.assignment_id \
             LEFT JOIN tasks t ON t.id = a.task_id \
             LEFT JOIN report_submissions s ON s.id = f.submission_id \
             LEFT JOIN reporting_periods r ON r.id = s.period_id \
             WHERE f.id = $1 AND COALESCE(a.unit_id, s.unit_id) IS NOT NULL";
        let row: Option<OwnerRow> = with_pool!(self, pool => {
            sqlx::query_as(SQL).bind(attachment_id).fetch_optional(pool).await?
        });
        Ok(row.map(|r| WebFile {
            unit_id: r.unit_id,
            plan_id: r.plan_id,
            task_id: r.task_id,
            file_id: r.file_id,
            file_name: r.file_name,
            mime_type: r.mime_type,
            local_path: r.local_path,
        }))
    }

    /// A number that changes with every write (each one appends to the audit log): the
    /// board rebuilds its reading of a plan only when it moved.
    pub async fn web_data_version(&self) -> Result<i64, StoreError> {
        let max: Option<i64> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT MAX(id) FROM audit_log").fetch_one(pool).await?
        });
        Ok(max.unwrap_or(0))
    }

    /// The audit log's rows after `since` (a [`Store::web_data_version`]), oldest first, at
    /// most `limit`: what was written since the board read a plan, to bring its reading up to
    /// date instead of reading it all again.
    pub async fn web_writes_since(
        &self,
        since: i64,
        limit: i64,
    ) -> Result<Vec<WebWrite>, StoreError> {
        const SQL: &str =
            "SELECT id, action, entity_key FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2";
        let rows: Vec<(i64, String, String)> = with_pool!(self, pool => {
            sqlx::query_as(SQL).bind(since).bind(limit).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, action, key)| WebWrite { id, action, key })
            .collect())
    }

    /// The units leading task `task_id`.
    pub async fn web_task_leads(&self, task_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar("SELECT unit_id FROM task_leads WHERE task_id = $1")
                .bind(task_id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The units leading a live task that `unit_id` implements.
    pub async fn web_leads_over(&self, unit_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT DISTINCT l.unit_id FROM task_leads l JOIN assignments a ON a.task_id = l.task_id \
                 JOIN tasks t ON t.id = a.task_id WHERE a.unit_id = $1 AND a.retired_at IS NULL AND t.retired_at IS NULL",
            )
            .bind(unit_id)
            .fetch_all(pool)
            .await?
        }))
    }
}

fn files_of(files: &[FileRow], owner: i64) -> Vec<WebFileName> {
    files
        .iter()
        .filter(|f| f.owner == owner)
        .map(|f| (f.id, f.file_name.clone()))
        .collect()
}
