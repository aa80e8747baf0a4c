//! Assignments as the bot works on them: task cards, status updates and their notes and files,
//! files held until their owner says what they are for, the actions a confirmed proposal
//! records, and each unit's progress.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;

use super::tx::{AttachedTo, Steps};
use super::{
    audit, brief, parse_status, with_pool, BeginWrite, Effect, StatusUpdate, Store, StoreError,
    Submission, UnitBrief,
};
use crate::domain::{
    Actor, AssignmentId, AssignmentStatus, HeldFileId, PersonId, StatusUpdateId, SubmissionId,
    UnitId, UpdateId,
};

/// An assignment as the bot shows it: the task, its plan and the unit that owes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentCard {
    pub assignment_id: AssignmentId,
    pub status: AssignmentStatus,
    pub unit: UnitBrief,
    pub plan_code: String,
    pub plan_title: String,
    pub dimension: Option<String>,
    pub task_code: Option<String>,
    pub text: String,
    pub timeframe: String,
    pub due_date: Option<NaiveDate>,
}

impl AssignmentCard {
    /// How messages name the task: plan, task number and the start of its text
    /// ("HG-2023 · 1.1 Niêm yết công khai …"), the same in every language.
    pub fn title(&self) -> String {
        let code = self.task_code.as_deref().unwrap_or("·");
        format!(
            "{} · {code} {}",
            self.plan_code,
            crate::domain::text::ellipsize(&self.text, 60)
        )
    }
}

pub use crate::domain::NewAttachment;

/// The number of `assignment` in a `/viec` list of `cards` ([`Store::open_assignments`]'s
/// order): its place, from 1. One rule for the list and for what a reminder quotes.
pub fn task_number(cards: &[AssignmentCard], assignment: AssignmentId) -> Option<usize> {
    cards
        .iter()
        .position(|card| card.assignment_id == assignment)
        .map(|index| index + 1)
}

/// A status reply about one assignment, from one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReply {
    pub assignment_id: AssignmentId,
    pub status: AssignmentStatus,
    pub note: String,
    pub person_id: PersonId,
    pub telegram_message_id: Option<i64>,
    pub attachment: Option<NewAttachment>,
}

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    file_id: String,
    file_unique_id: String,
    file_name: Option<String>,
    mime_type: Option<String>,
    file_size: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct CardRow {
    assignment_id: AssignmentId,
    status: String,
    unit_id: UnitId,
    unit_code: String,
    unit_name: String,
    unit_kind: String,
    plan_code: String,
    plan_title: String,
    dimension: Option<String>,
    task_code: Option<String>,
    text: String,
    timeframe: String,
    due_date: Option<NaiveDate>,
}

const CARD_QUERY: &str =
    "SELECT a.id AS assignment_id, a.status, u.id AS unit_id, u.code AS unit_code, \
     u.name AS unit_name, u.kind AS unit_kind, pl.code AS plan_code, pl.title AS plan_title, \
     t.dimension, t.code AS task_code, t.text, t.timeframe, t.due_date \
     FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN plans pl ON pl.id = t.plan_id \
     JOIN units u ON u.id = a.unit_id WHERE a.retired_at IS NULL AND t.retired_at IS NULL";

fn card_from_row(r: CardRow) -> Result<AssignmentCard, StoreError> {
    Ok(AssignmentCard {
        assignment_id: r.assignment_id,
        status: parse_status(&r.status)?,
        unit: brief(r.unit_id, r.unit_code, r.unit_name, &r.unit_kind)?,
        plan_code: r.plan_code,
        plan_title: r.plan_title,
        dimension: r.dimension,
        task_code: r.task_code,
        text: r.text,
        timeframe: r.timeframe,
        due_date: r.due_date,
    })
}

/// What `serve` reports at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceCounts {
    pub units: i64,
    pub members: i64,
    pub linked_members: i64,
    pub open_assignments: i64,
    /// Live tasks with at least one open assignment.
    pub open_tasks: i64,
}

/// How far one unit has got with its assignments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitProgress {
    pub unit: UnitBrief,
    pub done: i64,
    pub in_progress: i64,
    pub blocked: i64,
    pub not_started: i64,
}

#[derive(sqlx::FromRow)]
struct ProgressRow {
    unit_id: UnitId,
    unit_code: String,
    unit_name: String,
    unit_kind: String,
    status: String,
    n: i64,
}

/// What one button press or confirmed proposal writes, all in one transaction with its update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BotAction {
    /// A new status update (and its file).
    Status(StatusReply),
    /// A report submission (and its file).
    Submit(Submission),
    /// A note (and file) added to an update already recorded: the one its question was about.
    Note {
        status_update_id: StatusUpdateId,
        person_id: PersonId,
        note: String,
        attachment: Option<NewAttachment>,
    },
    /// A held file is now filed (with a [`BotAction::Status`] or [`BotAction::Submit`] that
    /// carries it).
    FileHeld(HeldFileId),
}

/// What a [`BotAction`] recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Status(StatusUpdate),
    Submitted(SubmissionId),
    Noted(StatusUpdate),
    Filed,
}

/// A file or photo kept until its owner says what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldFile {
    pub id: HeldFileId,
    pub chat_id: i64,
    pub user_id: i64,
    pub telegram_message_id: i64,
    pub caption: String,
    pub file: NewAttachment,
    pub filed: bool,
}

#[derive(sqlx::FromRow)]
struct HeldRow {
    id: HeldFileId,
    chat_id: i64,
    user_id: i64,
    telegram_message_id: i64,
    caption: String,
    file_id: String,
    file_unique_id: String,
    file_name: Option<String>,
    mime_type: Option<String>,
    file_size: Option<i64>,
    filed_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct UpdateRow {
    id: StatusUpdateId,
    assignment_id: AssignmentId,
    status: String,
    note: String,
    person_id: Option<PersonId>,
    reported_at: DateTime<Utc>,
}

fn update_from_row(r: UpdateRow) -> Result<StatusUpdate, StoreError> {
    Ok(StatusUpdate {
        id: r.id,
        assignment_id: r.assignment_id,
        status: parse_status(&r.status)?,
        note: r.note,
        person_id: r.person_id,
        reported_at: r.reported_at,
    })
}

impl Store {
    /// Open (not done) assignments of `unit_ids`, by plan and task order.
    pub async fn open_assignments(
        &self,
        unit_ids: &[UnitId],
    ) -> Result<Vec<AssignmentCard>, StoreError> {
        if unit_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<CardRow> = with_pool!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(CARD_QUERY);
            query.push(" AND a.status <> 'done' AND a.unit_id IN (");
            let mut ids = query.separated(", ");
            for id in unit_ids {
                ids.push_bind(*id);
            }
            query.push(") ORDER BY pl.year DESC, pl.code, t.position, u.code");
            query.build_query_as().fetch_all(pool).await?
        });
        rows.into_iter().map(card_from_row).collect()
    }

    /// The number `/viec` shows `assignment` under for a member of `unit_ids`, now (1-based,
    /// counted over every page; None when it is not among their open tasks). Telegram's
    /// `/viec` and Zalo's `viec` number [`Store::open_assignments`] in its order, and a
    /// reminder sent on Zalo quotes this number, so all three agree at the time of sending.
    pub async fn task_number(
        &self,
        unit_ids: &[UnitId],
        assignment: AssignmentId,
    ) -> Result<Option<usize>, StoreError> {
        let cards = self.open_assignments(unit_ids).await?;
        Ok(task_number(&cards, assignment))
    }

    pub async fn assignment_card(
        &self,
        assignment_id: AssignmentId,
    ) -> Result<Option<AssignmentCard>, StoreError> {
        let sql = format!("{CARD_QUERY} AND a.id = $1");
        let row: Option<CardRow> = with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(assignment_id).fetch_optional(pool).await?
        });
        row.map(card_from_row).transpose()
    }

    /// Records a status chosen with a button as the effect of `update_id`, at once, in one
    /// transaction: the dialogue of the user in the chat ends, or, with `next`, becomes
    /// `next(update id)` (a blocked task's question for its reason, bound to that update),
    /// stored as its JSON. A state that cannot be written as JSON is an error and nothing is
    /// recorded: the press is not half-done with no question behind it.
    pub async fn record_status_press<T: Serialize>(
        &self,
        update_id: UpdateId,
        chat_id: i64,
        user_id: i64,
        reply: &StatusReply,
        next: Option<&(dyn Fn(StatusUpdateId) -> T + Send + Sync)>,
    ) -> Result<Effect<StatusUpdate>, StoreError> {
        self.record_status_then(update_id, chat_id, user_id, reply, next)
            .await
    }

    /// Records a status reply as the effect of `update_id`: the assignment's status, the
    /// history row, the file if any, and the end of the dialogue in `chat_id`.
    pub async fn record_status_reply(
        &self,
        update_id: UpdateId,
        chat_id: i64,
        user_id: i64,
        reply: &StatusReply,
    ) -> Result<Effect<StatusUpdate>, StoreError> {
        self.record_status_then::<()>(update_id, chat_id, user_id, reply, None)
            .await
    }

    /// [`Store::record_status_reply`], the dialogue then set to `next(update id)` in the same
    /// transaction when given.
    async fn record_status_then<T: Serialize>(
        &self,
        update_id: UpdateId,
        chat_id: i64,
        user_id: i64,
        reply: &StatusReply,
        next: Option<&(dyn Fn(StatusUpdateId) -> T + Send + Sync)>,
    ) -> Result<Effect<StatusUpdate>, StoreError> {
        let now = self.now();
        let actor = Actor::new(format!("telegram:{user_id}/person:{}", reply.person_id));
        let id: StatusUpdateId = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !tx.first_delivery(update_id, now).await? {
                return Ok(Effect::Duplicate);
            }
            let id: StatusUpdateId = tx.save_status_reply(reply, now).await?;
            if let Some(file) = &reply.attachment {
                tx.insert_attachment(AttachedTo::StatusUpdate(id), file).await?;
            }
            tx.end_dialogue(chat_id, user_id).await?;
            if let Some(next) = next {
                let state = super::conversations::dialogue_json(&next(id))?;
                tx.insert_dialogue(chat_id, user_id, &state, now).await?;
            }
            audit!(&mut *tx, now, actor, "assignment.status", "assignment", reply.assignment_id.to_string(),
                json!({ "status": reply.status.as_str(), "note": reply.note, "file": reply.attachment.as_ref().map(|f| &f.file_id) }));
            tx.commit().await?;
            id
        });
        Ok(Effect::Done(StatusUpdate {
            id,
            assignment_id: reply.assignment_id,
            status: reply.status,
            note: reply.note.clone(),
            person_id: Some(reply.person_id),
            reported_at: now,
        }))
    }

    /// Applies `actions` as the effect of `update_id`, in one transaction, and ends the
    /// dialogue of `user_id` in `chat_id`.
    pub async fn apply_bot_actions(
        &self,
        update_id: UpdateId,
        chat_id: i64,
        user_id: i64,
        actions: &[BotAction],
    ) -> Result<Effect<Vec<Applied>>, StoreError> {
        let now = self.now();
        let applied = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !tx.first_delivery(update_id, now).await? {
                return Ok(Effect::Duplicate);
            }
            let mut applied = Vec::with_capacity(actions.len());
            for action in actions {
                match action {
                    BotAction::Status(reply) => {
                        let actor = Actor::new(format!("telegram:{user_id}/person:{}", reply.person_id));
                        let id: StatusUpdateId = tx.save_status_reply(reply, now).await?;
                        if let Some(file) = &reply.attachment {
                            tx.insert_attachment(AttachedTo::StatusUpdate(id), file).await?;
                        }
                        audit!(&mut *tx, now, actor, "assignment.status", "assignment", reply.assignment_id.to_string(),
                            json!({ "status": reply.status.as_str(), "note": reply.note, "file": reply.attachment.as_ref().map(|f| &f.file_id) }));
                        applied.push(Applied::Status(StatusUpdate {
                            id,
                            assignment_id: reply.assignment_id,
                            status: reply.status,
                            note: reply.note.clone(),
                            person_id: Some(reply.person_id),
                            reported_at: now,
                        }));
                    }
                    BotAction::Submit(submission) => {
                        let actor = Actor::new(format!("telegram:{user_id}/person:{}", submission.person_id));
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
                        audit!(&mut *tx, now, actor, "report.submit", "report_submission", id.to_string(),
                            json!({ "period_id": submission.period_id, "unit_id": submission.unit_id,
                                    "file": submission.attachment.as_ref().map(|f| &f.file_id) }));
                        applied.push(Applied::Submitted(id));
                    }
                    BotAction::Note { status_update_id, person_id, note, attachment } => {
                        let actor = Actor::new(format!("telegram:{user_id}/person:{person_id}"));
                        let separated = format!("\n{note}");
                        let changed = sqlx::query(
                            "UPDATE status_updates SET note = CASE WHEN note = '' THEN $1 ELSE note || $2 END WHERE id = $3",
                        )
                        .bind(note)
                        .bind(if note.is_empty() { "" } else { separated.as_str() })
                        .bind(status_update_id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        if changed == 0 {
                            return Err(StoreError::NotFound { what: "status update", key: status_update_id.to_string() });
                        }
                        if let Some(file) = attachment {
                            tx.insert_attachment(AttachedTo::StatusUpdate(*status_update_id), file).await?;
                        }
                        let row: UpdateRow = sqlx::query_as(
                            "SELECT id, assignment_id, status, note, person_id, reported_at FROM status_updates WHERE id = $1",
                        )
                        .bind(status_update_id)
                        .fetch_one(&mut *tx)
                        .await?;
                        audit!(&mut *tx, now, actor, "assignment.note", "status_update", status_update_id.to_string(),
                            json!({ "note": note, "file": attachment.as_ref().map(|f| &f.file_id) }));
                        applied.push(Applied::Noted(update_from_row(row)?));
                    }
                    BotAction::FileHeld(held_id) => {
                        sqlx::query("UPDATE held_files SET filed_at = $1 WHERE id = $2")
                            .bind(now)
                            .bind(held_id)
                            .execute(&mut *tx)
                            .await?;
                        applied.push(Applied::Filed);
                    }
                }
            }
            tx.end_dialogue(chat_id, user_id).await?;
            tx.commit().await?;
            applied
        });
        Ok(Effect::Done(applied))
    }

    /// One status update.
    pub async fn status_update(
        &self,
        id: StatusUpdateId,
    ) -> Result<Option<StatusUpdate>, StoreError> {
        let row: Option<UpdateRow> = with_pool!(self, pool => {
            sqlx::query_as("SELECT id, assignment_id, status, note, person_id, reported_at FROM status_updates WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        row.map(update_from_row).transpose()
    }

    /// Files attached to a status update.
    pub async fn attachments_of(
        &self,
        status_update_id: StatusUpdateId,
    ) -> Result<Vec<NewAttachment>, StoreError> {
        let rows: Vec<AttachmentRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT file_id, file_unique_id, file_name, mime_type, file_size FROM attachments \
                 WHERE status_update_id = $1 ORDER BY id",
            )
            .bind(status_update_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| NewAttachment {
                file_id: r.file_id,
                file_unique_id: r.file_unique_id,
                file_name: r.file_name,
                mime_type: r.mime_type,
                file_size: r.file_size,
            })
            .collect())
    }

    /// The note of the latest status update of each of `assignment_ids` that has one.
    pub async fn latest_notes(
        &self,
        assignment_ids: &[AssignmentId],
    ) -> Result<std::collections::HashMap<AssignmentId, String>, StoreError> {
        if assignment_ids.is_empty() {
            return Ok(Default::default());
        }
        let rows: Vec<(AssignmentId, String)> = with_pool!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT assignment_id, note FROM status_updates WHERE assignment_id IN (",
            );
            let mut ids = query.separated(", ");
            for id in assignment_ids {
                ids.push_bind(*id);
            }
            query.push(") ORDER BY reported_at, id");
            query.build_query_as().fetch_all(pool).await?
        });
        Ok(rows.into_iter().collect())
    }

    /// Keeps a file sent without a subject, as the effect of `update_id`; its id.
    pub async fn hold_file(
        &self,
        update_id: UpdateId,
        chat_id: i64,
        user_id: i64,
        telegram_message_id: i64,
        caption: &str,
        file: &NewAttachment,
    ) -> Result<Effect<HeldFileId>, StoreError> {
        let now = self.now();
        let actor = Actor::new(format!("telegram:{user_id}"));
        let id = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !tx.first_delivery(update_id, now).await? {
                return Ok(Effect::Duplicate);
            }
            let id: HeldFileId = sqlx::query_scalar(
                "INSERT INTO held_files (update_id, chat_id, user_id, telegram_message_id, caption, file_id, \
                 file_unique_id, file_name, mime_type, file_size, received_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(update_id)
            .bind(chat_id)
            .bind(user_id)
            .bind(telegram_message_id)
            .bind(caption)
            .bind(&file.file_id)
            .bind(&file.file_unique_id)
            .bind(&file.file_name)
            .bind(&file.mime_type)
            .bind(file.file_size)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.end_dialogue(chat_id, user_id).await?;
            audit!(&mut *tx, now, actor, "file.hold", "held_file", id.to_string(),
                json!({ "file": file.file_id, "chat": chat_id }));
            tx.commit().await?;
            id
        });
        Ok(Effect::Done(id))
    }

    /// A held file.
    pub async fn held_file(&self, id: HeldFileId) -> Result<Option<HeldFile>, StoreError> {
        let row: Option<HeldRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, chat_id, user_id, telegram_message_id, caption, file_id, file_unique_id, \
                 file_name, mime_type, file_size, filed_at FROM held_files WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|r| HeldFile {
            id: r.id,
            chat_id: r.chat_id,
            user_id: r.user_id,
            telegram_message_id: r.telegram_message_id,
            caption: r.caption,
            file: NewAttachment {
                file_id: r.file_id,
                file_unique_id: r.file_unique_id,
                file_name: r.file_name,
                mime_type: r.mime_type,
                file_size: r.file_size,
            },
            filed: r.filed_at.is_some(),
        }))
    }

    /// Notes where a received file was saved.
    pub async fn set_attachment_path(
        &self,
        file_unique_id: &str,
        path: &str,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query("UPDATE attachments SET local_path = $1 WHERE file_unique_id = $2 AND local_path IS NULL")
                .bind(path)
                .bind(file_unique_id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Where a received file was saved, if it was.
    pub async fn attachment_path(
        &self,
        file_unique_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let found: Option<Option<String>> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT local_path FROM attachments WHERE file_unique_id = $1 ORDER BY id LIMIT 1")
                .bind(file_unique_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(found.flatten())
    }

    /// Progress of every unit in `unit_ids`, and of every unit implementing a task led by one
    /// of `lead_ids`: live assignments counted by status, units with most left to do first.
    pub async fn unit_progress(
        &self,
        unit_ids: &[UnitId],
        lead_ids: &[UnitId],
    ) -> Result<Vec<UnitProgress>, StoreError> {
        let rows: Vec<ProgressRow> = with_pool!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT u.id AS unit_id, u.code AS unit_code, u.name AS unit_name, u.kind AS unit_kind, \
                 a.status, COUNT(*) AS n FROM assignments a JOIN tasks t ON t.id = a.task_id \
                 JOIN units u ON u.id = a.unit_id WHERE a.retired_at IS NULL AND t.retired_at IS NULL AND (a.unit_id IN (",
            );
            let mut ids = query.separated(", ");
            ids.push_bind(UnitId(-1));
            for id in unit_ids {
                ids.push_bind(*id);
            }
            query.push(") OR t.id IN (SELECT task_id FROM task_leads WHERE unit_id IN (");
            let mut leads = query.separated(", ");
            leads.push_bind(UnitId(-1));
            for id in lead_ids {
                leads.push_bind(*id);
            }
            query.push("))) GROUP BY u.id, u.code, u.name, u.kind, a.status");
            query.build_query_as().fetch_all(pool).await?
        });
        let mut by_unit: Vec<UnitProgress> = Vec::new();
        for r in rows {
            let position = match by_unit.iter().position(|p| p.unit.id == r.unit_id) {
                Some(i) => i,
                None => {
                    by_unit.push(UnitProgress {
                        unit: brief(r.unit_id, r.unit_code, r.unit_name, &r.unit_kind)?,
                        done: 0,
                        in_progress: 0,
                        blocked: 0,
                        not_started: 0,
                    });
                    by_unit.len() - 1
                }
            };
            let progress = &mut by_unit[position];
            match parse_status(&r.status)? {
                AssignmentStatus::Done => progress.done += r.n,
                AssignmentStatus::InProgress => progress.in_progress += r.n,
                AssignmentStatus::Blocked => progress.blocked += r.n,
                AssignmentStatus::NotStarted => progress.not_started += r.n,
            }
        }
        by_unit.sort_by_key(|p| {
            (
                std::cmp::Reverse(p.blocked + p.not_started),
                p.unit.code.clone(),
            )
        });
        Ok(by_unit)
    }

    pub async fn service_counts(&self) -> Result<ServiceCounts, StoreError> {
        const SQL: &str = "SELECT (SELECT COUNT(*) FROM units), (SELECT COUNT(*) FROM people), \
             (SELECT COUNT(*) FROM people WHERE telegram_user_id IS NOT NULL OR zalo_chat IS NOT NULL), \
             (SELECT COUNT(*) FROM assignments a JOIN tasks t ON t.id = a.task_id \
              WHERE a.retired_at IS NULL AND t.retired_at IS NULL AND a.status <> 'done'), \
             (SELECT COUNT(DISTINCT a.task_id) FROM assignments a JOIN tasks t ON t.id = a.task_id \
              WHERE a.retired_at IS NULL AND t.retired_at IS NULL AND a.status <> 'done')";
        let (units, members, linked_members, open_assignments, open_tasks): (
            i64,
            i64,
            i64,
            i64,
            i64,
        ) = with_pool!(self, pool => sqlx::query_as(SQL).fetch_one(pool).await?);
        Ok(ServiceCounts {
            units,
            members,
            linked_members,
            open_assignments,
            open_tasks,
        })
    }
}
