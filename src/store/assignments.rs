//! What the Telegram bot keeps: invitations, members' links, dialogue state, what each bot
//! message was about, and status replies. Every effect of an update is written in one
//! transaction together with its update id, so a redelivered update changes nothing.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::{
    audit, brief, parse_status, with_pool, BeginWrite, StatusUpdate, Store, StoreError, UnitBrief,
};
use crate::domain::unit::{NewPerson, Person};
use crate::domain::{Actor, AssignmentStatus, PersonRole};

/// Marks `$update_id` processed on `$conn`; false when it already was (a redelivery).
macro_rules! first_delivery {
    ($conn:expr, $update_id:expr, $now:expr) => {
        sqlx::query(
            "INSERT INTO processed_updates (update_id, processed_at) VALUES ($1, $2) \
             ON CONFLICT (update_id) DO NOTHING",
        )
        .bind($update_id)
        .bind($now)
        .execute($conn)
        .await?
        .rows_affected()
            == 1
    };
}

pub(crate) use first_delivery;

/// Sets an assignment's status and appends the status update that says so, inside the
/// caller's transaction; evaluates to the update's id. A retired or unknown assignment is
/// `NotFound` (the caller's transaction then rolls back).
macro_rules! save_status_reply {
    ($conn:expr, $reply:expr, $now:expr) => {{
        let reply = $reply;
        let updated = sqlx::query("UPDATE assignments SET status = $1 WHERE id = $2 AND retired_at IS NULL")
            .bind(reply.status.as_str())
            .bind(reply.assignment_id)
            .execute($conn)
            .await?
            .rows_affected();
        if updated == 0 {
            return Err(StoreError::NotFound { what: "assignment", key: reply.assignment_id.to_string() });
        }
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO status_updates (assignment_id, status, note, person_id, reported_at, telegram_message_id) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(reply.assignment_id)
        .bind(reply.status.as_str())
        .bind(&reply.note)
        .bind(reply.person_id)
        .bind($now)
        .bind(reply.telegram_message_id)
        .fetch_one($conn)
        .await?
    }};
}

/// Inside a reply's transaction: stores its file (linked through `$column`) and ends the
/// dialogue of the user in the chat.
macro_rules! attach_and_close_dialogue {
    ($conn:expr, $column:literal, $owner_id:expr, $file:expr, $chat_id:expr, $user_id:expr) => {
        if let Some(file) = $file {
            sqlx::query(concat!(
                "INSERT INTO attachments (",
                $column,
                ", file_id, file_unique_id, file_name, mime_type, file_size) VALUES ($1, $2, $3, $4, $5, $6)"
            ))
            .bind($owner_id)
            .bind(&file.file_id)
            .bind(&file.file_unique_id)
            .bind(&file.file_name)
            .bind(&file.mime_type)
            .bind(file.file_size)
            .execute($conn)
            .await?;
        }
        sqlx::query("DELETE FROM dialogues WHERE chat_id = $1 AND user_id = $2")
            .bind($chat_id)
            .bind($user_id)
            .execute($conn)
            .await?;
    };
}

/// The result of an effect keyed by a Telegram update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect<T> {
    Done(T),
    /// The update was processed before; nothing changed.
    Duplicate,
}

/// A person's membership of a unit, with the unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub person: Person,
    pub unit: UnitBrief,
}

/// A member as `dondoc members list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberListing {
    pub member: Member,
    pub invitation_expires_at: Option<DateTime<Utc>>,
    pub invitation_used: bool,
}

/// Wrong invitation codes in a period: a brute-force attempt shows as many from few chats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BadCodes {
    pub attempts: i64,
    pub chats: i64,
}

/// What a `/start CODE` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    Linked(Member),
    Unknown,
    Used,
    Expired,
}

/// An assignment as the bot shows it: the task, its plan and the unit that owes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentCard {
    pub assignment_id: i64,
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

/// A file received from Telegram, kept by its file id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub file_id: String,
    pub file_unique_id: String,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
    pub file_size: Option<i64>,
}

/// A status reply about one assignment, from one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReply {
    pub assignment_id: i64,
    pub status: AssignmentStatus,
    pub note: String,
    pub person_id: i64,
    pub telegram_message_id: Option<i64>,
    pub attachment: Option<NewAttachment>,
}

#[derive(sqlx::FromRow)]
pub(super) struct MemberRow {
    person_id: i64,
    full_name: String,
    role: String,
    telegram_user_id: Option<i64>,
    phone: Option<String>,
    language: Option<String>,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    unit_kind: String,
}

#[derive(sqlx::FromRow)]
struct MemberListingRow {
    #[sqlx(flatten)]
    member: MemberRow,
    expires_at: Option<DateTime<Utc>>,
    used: Option<bool>,
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
    assignment_id: i64,
    status: String,
    unit_id: i64,
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

pub(super) const MEMBER_COLUMNS: &str =
    "p.id AS person_id, p.full_name, p.role, p.telegram_user_id, p.phone, p.language, \
     u.id AS unit_id, u.code AS unit_code, u.name AS unit_name, u.kind AS unit_kind";

const CARD_QUERY: &str =
    "SELECT a.id AS assignment_id, a.status, u.id AS unit_id, u.code AS unit_code, \
     u.name AS unit_name, u.kind AS unit_kind, pl.code AS plan_code, pl.title AS plan_title, \
     t.dimension, t.code AS task_code, t.text, t.timeframe, t.due_date \
     FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN plans pl ON pl.id = t.plan_id \
     JOIN units u ON u.id = a.unit_id WHERE a.retired_at IS NULL AND t.retired_at IS NULL";

pub(super) fn member_from_row(r: MemberRow) -> Result<Member, StoreError> {
    let unit = brief(r.unit_id, r.unit_code, r.unit_name, &r.unit_kind)?;
    Ok(Member {
        person: Person {
            id: r.person_id,
            unit: unit.code.clone(),
            full_name: r.full_name,
            role: r
                .role
                .parse::<PersonRole>()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            telegram_user_id: r.telegram_user_id,
            phone: r.phone,
            language: r.language.as_deref().and_then(|l| l.parse().ok()),
        },
        unit,
    })
}

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

impl Store {
    /// Creates a member (not yet linked) and an invitation for them, by the hash of its code.
    pub async fn invite(
        &self,
        person: &NewPerson,
        code_hash: &str,
        expires_at: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Person, StoreError> {
        // The same person invited again (same unit, role and name): a new code for the same
        // member, the codes not yet used revoked — not a second member.
        let existing = self.invited_person(person).await?;
        let reinvited = existing.is_some();
        let member = match existing {
            Some(member) => member,
            None => self.add_person(person, actor).await?,
        };
        let now = self.now();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if reinvited {
                let revoked = sqlx::query(
                    "UPDATE invitations SET expires_at = $1 WHERE person_id = $2 AND used_at IS NULL AND expires_at > $1",
                )
                .bind(now)
                .bind(member.id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                audit!(&mut *tx, now, actor, "invitation.revoke", "person", member.id.to_string(),
                    json!({ "revoked": revoked, "reason": "invited again" }));
            }
            sqlx::query(
                "INSERT INTO invitations (person_id, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(member.id)
            .bind(code_hash)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            audit!(&mut *tx, now, actor, "invitation.create", "person", member.id.to_string(),
                json!({ "expires_at": expires_at.to_rfc3339() }));
            tx.commit().await?;
        });
        Ok(member)
    }

    /// The member `person` describes, if already there: same unit and role, and the same name
    /// up to case, accents and spacing.
    pub async fn invited_person(&self, person: &NewPerson) -> Result<Option<Person>, StoreError> {
        let key = crate::domain::text::match_key(&person.full_name);
        Ok(self
            .people_in_unit(&person.unit)
            .await?
            .into_iter()
            .find(|p| p.role == person.role && crate::domain::text::match_key(&p.full_name) == key))
    }

    /// Links Telegram user `user_id` to the member invited with `code_hash`. A bad code is
    /// counted against `chat_id` (see [`Store::recent_start_failures`]).
    pub async fn redeem_invitation(
        &self,
        update_id: i64,
        code_hash: &str,
        user_id: i64,
        chat_id: i64,
    ) -> Result<Effect<Redeemed>, StoreError> {
        let now = self.now();
        let outcome = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !first_delivery!(&mut *tx, update_id, now) {
                return Ok(Effect::Duplicate);
            }
            let found: Option<(i64, i64, DateTime<Utc>, bool)> = sqlx::query_as(
                "SELECT id, person_id, expires_at, used_at IS NOT NULL FROM invitations WHERE code_hash = $1",
            )
            .bind(code_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let outcome = match found {
                None => Redeemed::Unknown,
                Some((_, _, _, true)) => Redeemed::Used,
                Some((_, _, expires_at, _)) if expires_at <= now => Redeemed::Expired,
                Some((invitation_id, person_id, _, false)) => {
                    sqlx::query("UPDATE invitations SET used_at = $1, used_by_user = $2 WHERE id = $3")
                        .bind(now)
                        .bind(user_id)
                        .bind(invitation_id)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("UPDATE people SET telegram_user_id = $1 WHERE id = $2")
                        .bind(user_id)
                        .bind(person_id)
                        .execute(&mut *tx)
                        .await?;
                    let actor = Actor::new(format!("telegram:{user_id}"));
                    audit!(&mut *tx, now, actor, "person.link", "person", person_id.to_string(),
                        json!({ "telegram_user_id": user_id }));
                    let sql = format!("SELECT {MEMBER_COLUMNS} FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1");
                    let row: MemberRow = sqlx::query_as(&sql).bind(person_id).fetch_one(&mut *tx).await?;
                    Redeemed::Linked(member_from_row(row)?)
                }
            };
            if !matches!(outcome, Redeemed::Linked(_)) {
                sqlx::query("INSERT INTO start_failures (chat_id, at) VALUES ($1, $2)")
                    .bind(chat_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            outcome
        });
        Ok(Effect::Done(outcome))
    }

    /// Bad `/start` codes from `chat_id` since `since`.
    pub async fn recent_start_failures(
        &self,
        chat_id: i64,
        since: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM start_failures WHERE chat_id = $1 AND at > $2")
                .bind(chat_id)
                .bind(since)
                .fetch_one(pool)
                .await?
        }))
    }

    /// Records a `/start` refused unchecked because `chat_id` guessed too often: the attempts
    /// go on counting, so a chat that keeps guessing stays refused and the office sees it.
    pub async fn record_refused_start(
        &self,
        chat_id: i64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query("INSERT INTO start_failures (chat_id, at) VALUES ($1, $2)")
                .bind(chat_id)
                .bind(at)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Bad `/start` codes since `since`: how many, from how many chats.
    pub async fn start_failures_since(&self, since: DateTime<Utc>) -> Result<BadCodes, StoreError> {
        let (attempts, chats): (i64, i64) = with_pool!(self, pool => {
            sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT chat_id) FROM start_failures WHERE at > $1")
                .bind(since)
                .fetch_one(pool)
                .await?
        });
        Ok(BadCodes { attempts, chats })
    }

    /// Every membership linked to Telegram user `user_id`.
    pub async fn members_of_user(&self, user_id: i64) -> Result<Vec<Member>, StoreError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM people p JOIN units u ON u.id = p.unit_id \
             WHERE p.telegram_user_id = $1 ORDER BY p.id"
        );
        let rows: Vec<MemberRow> = with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await?
        });
        rows.into_iter().map(member_from_row).collect()
    }

    /// Every member with their latest invitation.
    pub async fn list_members(&self) -> Result<Vec<MemberListing>, StoreError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS}, i.expires_at, i.used_at IS NOT NULL AS used \
             FROM people p JOIN units u ON u.id = p.unit_id \
             LEFT JOIN invitations i ON i.id = (SELECT MAX(id) FROM invitations WHERE person_id = p.id) \
             ORDER BY u.code, p.id"
        );
        let rows: Vec<MemberListingRow> = with_pool!(self, pool => {
            sqlx::query_as(&sql).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|r| {
                Ok(MemberListing {
                    member: member_from_row(r.member)?,
                    invitation_expires_at: r.expires_at,
                    invitation_used: r.used.unwrap_or(false),
                })
            })
            .collect()
    }

    /// Open (not done) assignments of `unit_ids`, by plan and task order.
    pub async fn open_assignments(
        &self,
        unit_ids: &[i64],
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

    pub async fn assignment_card(
        &self,
        assignment_id: i64,
    ) -> Result<Option<AssignmentCard>, StoreError> {
        let sql = format!("{CARD_QUERY} AND a.id = $1");
        let row: Option<CardRow> = with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(assignment_id).fetch_optional(pool).await?
        });
        row.map(card_from_row).transpose()
    }

    /// Remembers that bot message `message_id` in `chat_id` is about `assignment_id`.
    pub async fn remember_bot_message(
        &self,
        chat_id: i64,
        message_id: i64,
        assignment_id: i64,
    ) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO bot_messages (chat_id, message_id, assignment_id, sent_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (chat_id, message_id) DO UPDATE SET assignment_id = excluded.assignment_id",
            )
            .bind(chat_id)
            .bind(message_id)
            .bind(assignment_id)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The assignment a bot message was about, if any.
    pub async fn bot_message_assignment(
        &self,
        chat_id: i64,
        message_id: i64,
    ) -> Result<Option<i64>, StoreError> {
        let found: Option<Option<i64>> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT assignment_id FROM bot_messages WHERE chat_id = $1 AND message_id = $2")
                .bind(chat_id)
                .bind(message_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(found.flatten())
    }

    /// What the bot waits for from `user_id` in `chat_id` (JSON), if anything.
    pub async fn dialogue(&self, chat_id: i64, user_id: i64) -> Result<Option<String>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar("SELECT state FROM dialogues WHERE chat_id = $1 AND user_id = $2")
                .bind(chat_id)
                .bind(user_id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Sets (or with `None` clears) the dialogue state as the effect of `update_id`.
    pub async fn set_dialogue(
        &self,
        update_id: i64,
        chat_id: i64,
        user_id: i64,
        state: Option<&str>,
    ) -> Result<Effect<()>, StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !first_delivery!(&mut *tx, update_id, now) {
                return Ok(Effect::Duplicate);
            }
            sqlx::query("DELETE FROM dialogues WHERE chat_id = $1 AND user_id = $2")
                .bind(chat_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            if let Some(state) = state {
                sqlx::query("INSERT INTO dialogues (chat_id, user_id, state, updated_at) VALUES ($1, $2, $3, $4)")
                    .bind(chat_id)
                    .bind(user_id)
                    .bind(state)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(Effect::Done(()))
    }

    /// Records a status reply as the effect of `update_id`: the assignment's status, the
    /// history row, the file if any, and the end of the dialogue in `chat_id`.
    pub async fn record_status_reply(
        &self,
        update_id: i64,
        chat_id: i64,
        user_id: i64,
        reply: &StatusReply,
    ) -> Result<Effect<StatusUpdate>, StoreError> {
        self.record_status_then(update_id, chat_id, user_id, reply, None)
            .await
    }

    /// [`Store::record_status_reply`], the dialogue then set to `next(update id)` in the same
    /// transaction when given.
    async fn record_status_then(
        &self,
        update_id: i64,
        chat_id: i64,
        user_id: i64,
        reply: &StatusReply,
        next: Option<&(dyn Fn(i64) -> String + Send + Sync)>,
    ) -> Result<Effect<StatusUpdate>, StoreError> {
        let now = self.now();
        let actor = Actor::new(format!("telegram:{user_id}/person:{}", reply.person_id));
        let id: i64 = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !first_delivery!(&mut *tx, update_id, now) {
                return Ok(Effect::Duplicate);
            }
            let id: i64 = save_status_reply!(&mut *tx, reply, now);
            attach_and_close_dialogue!(&mut *tx, "status_update_id", id, &reply.attachment, chat_id, user_id);
            if let Some(next) = next {
                sqlx::query("INSERT INTO dialogues (chat_id, user_id, state, updated_at) VALUES ($1, $2, $3, $4)")
                    .bind(chat_id)
                    .bind(user_id)
                    .bind(next(id))
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
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

    /// Files attached to a status update.
    pub async fn attachments_of(
        &self,
        status_update_id: i64,
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

impl Store {
    pub async fn service_counts(&self) -> Result<ServiceCounts, StoreError> {
        const SQL: &str = "SELECT (SELECT COUNT(*) FROM units), (SELECT COUNT(*) FROM people), \
             (SELECT COUNT(*) FROM people WHERE telegram_user_id IS NOT NULL), \
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

/// What a message sent by the bot was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Assignment(i64),
    Report {
        period_id: i64,
        unit_id: i64,
    },
    /// A citizen's case as sent to one unit (a forward hop).
    CaseHop(i64),
}

/// One report a unit owes for one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDue {
    pub period_id: i64,
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
    pub period_id: i64,
    pub unit_id: i64,
    pub person_id: i64,
    pub body: String,
    pub telegram_message_id: Option<i64>,
    pub attachment: Option<NewAttachment>,
}

#[derive(sqlx::FromRow)]
struct ReportDueRow {
    period_id: i64,
    plan_code: String,
    label: String,
    due_date: NaiveDate,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    unit_kind: String,
    submitted_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct SubjectRow {
    assignment_id: Option<i64>,
    period_id: Option<i64>,
    unit_id: Option<i64>,
    case_hop_id: Option<i64>,
}

impl Store {
    /// Every report `unit_ids` owe: each period of each plan they implement (the commune
    /// plan only for communes), earliest first, with the latest submission.
    pub async fn reports_owed(&self, unit_ids: &[i64]) -> Result<Vec<ReportDue>, StoreError> {
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
        period_id: i64,
        unit_id: i64,
    ) -> Result<Option<ReportDue>, StoreError> {
        Ok(self
            .reports_owed(&[unit_id])
            .await?
            .into_iter()
            .find(|r| r.period_id == period_id))
    }

    /// Remembers that bot message `message_id` in `chat_id` is about a unit's report.
    pub async fn remember_report_message(
        &self,
        chat_id: i64,
        message_id: i64,
        period_id: i64,
        unit_id: i64,
    ) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO bot_messages (chat_id, message_id, period_id, unit_id, sent_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (chat_id, message_id) DO UPDATE SET period_id = excluded.period_id, unit_id = excluded.unit_id",
            )
            .bind(chat_id)
            .bind(message_id)
            .bind(period_id)
            .bind(unit_id)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// What a bot message was about, if anything.
    pub async fn bot_message_subject(
        &self,
        chat_id: i64,
        message_id: i64,
    ) -> Result<Option<Subject>, StoreError> {
        let row: Option<SubjectRow> = with_pool!(self, pool => {
            sqlx::query_as("SELECT assignment_id, period_id, unit_id, case_hop_id FROM bot_messages WHERE chat_id = $1 AND message_id = $2")
                .bind(chat_id)
                .bind(message_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(
            row.and_then(|r| match (r.assignment_id, r.period_id, r.unit_id) {
                _ if r.case_hop_id.is_some() => r.case_hop_id.map(Subject::CaseHop),
                (Some(a), _, _) => Some(Subject::Assignment(a)),
                (None, Some(period_id), Some(unit_id)) => {
                    Some(Subject::Report { period_id, unit_id })
                }
                _ => None,
            }),
        )
    }

    /// Records a report submission as the effect of `update_id`, with its file, and ends the
    /// dialogue in `chat_id`.
    pub async fn record_submission(
        &self,
        update_id: i64,
        chat_id: i64,
        user_id: i64,
        submission: &Submission,
    ) -> Result<Effect<i64>, StoreError> {
        let now = self.now();
        let actor = Actor::new(format!(
            "telegram:{user_id}/person:{}",
            submission.person_id
        ));
        let id: i64 = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !first_delivery!(&mut *tx, update_id, now) {
                return Ok(Effect::Duplicate);
            }
            let id: i64 = sqlx::query_scalar(
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
            attach_and_close_dialogue!(&mut *tx, "submission_id", id, &submission.attachment, chat_id, user_id);
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
        period_id: i64,
        unit_id: i64,
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
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    unit_kind: String,
    status: String,
    n: i64,
}

impl Store {
    /// Progress of every unit in `unit_ids`, and of every unit implementing a task led by one
    /// of `lead_ids`: live assignments counted by status, units with most left to do first.
    pub async fn unit_progress(
        &self,
        unit_ids: &[i64],
        lead_ids: &[i64],
    ) -> Result<Vec<UnitProgress>, StoreError> {
        let rows: Vec<ProgressRow> = with_pool!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT u.id AS unit_id, u.code AS unit_code, u.name AS unit_name, u.kind AS unit_kind, \
                 a.status, COUNT(*) AS n FROM assignments a JOIN tasks t ON t.id = a.task_id \
                 JOIN units u ON u.id = a.unit_id WHERE a.retired_at IS NULL AND t.retired_at IS NULL AND (a.unit_id IN (",
            );
            let mut ids = query.separated(", ");
            ids.push_bind(-1_i64);
            for id in unit_ids {
                ids.push_bind(*id);
            }
            query.push(") OR t.id IN (SELECT task_id FROM task_leads WHERE unit_id IN (");
            let mut leads = query.separated(", ");
            leads.push_bind(-1_i64);
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
}

impl Store {
    /// The unit a group chat belongs to, if it was bound.
    pub async fn group_unit(&self, chat_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar("SELECT unit_id FROM group_chats WHERE chat_id = $1")
                .bind(chat_id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Binds a group chat to the unit of `member` (again: moves it), as the effect of `update_id`.
    pub async fn bind_group(
        &self,
        update_id: i64,
        chat_id: i64,
        member: &Member,
    ) -> Result<Effect<()>, StoreError> {
        let now = self.now();
        let actor = Actor::new(format!("person:{}", member.person.id));
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !first_delivery!(&mut *tx, update_id, now) {
                return Ok(Effect::Duplicate);
            }
            sqlx::query(
                "INSERT INTO group_chats (chat_id, unit_id, bound_by, bound_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (chat_id) DO UPDATE SET unit_id = excluded.unit_id, bound_by = excluded.bound_by, \
                 bound_at = excluded.bound_at",
            )
            .bind(chat_id)
            .bind(member.unit.id)
            .bind(member.person.id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            audit!(&mut *tx, now, actor, "group.bind", "group_chat", chat_id.to_string(),
                json!({ "unit": member.unit.code.as_str() }));
            tx.commit().await?;
        });
        Ok(Effect::Done(()))
    }
}

impl Store {
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
}

impl Store {
    /// Sets the language of every membership of Telegram user `user_id`.
    pub async fn set_language(
        &self,
        update_id: i64,
        user_id: i64,
        lang: crate::domain::Lang,
    ) -> Result<Effect<()>, StoreError> {
        let now = self.now();
        let actor = Actor::new(format!("telegram:{user_id}"));
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !first_delivery!(&mut *tx, update_id, now) {
                return Ok(Effect::Duplicate);
            }
            sqlx::query("UPDATE people SET language = $1 WHERE telegram_user_id = $2")
                .bind(lang.as_str())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            audit!(&mut *tx, now, actor, "person.language", "telegram_user", user_id.to_string(),
                json!({ "language": lang.as_str() }));
            tx.commit().await?;
        });
        Ok(Effect::Done(()))
    }
}

impl Store {
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

/// What one button press or confirmed proposal writes, all in one transaction with its update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BotAction {
    /// A new status update (and its file).
    Status(StatusReply),
    /// A report submission (and its file).
    Submit(Submission),
    /// A note (and file) added to an update already recorded: the one its question was about.
    Note {
        status_update_id: i64,
        person_id: i64,
        note: String,
        attachment: Option<NewAttachment>,
    },
    /// A held file is now filed (with a [`BotAction::Status`] or [`BotAction::Submit`] that
    /// carries it).
    FileHeld(i64),
}

/// What a [`BotAction`] recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Status(StatusUpdate),
    Submitted(i64),
    Noted(StatusUpdate),
    Filed,
}

/// A file or photo kept until its owner says what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldFile {
    pub id: i64,
    pub chat_id: i64,
    pub user_id: i64,
    pub telegram_message_id: i64,
    pub caption: String,
    pub file: NewAttachment,
    pub filed: bool,
}

#[derive(sqlx::FromRow)]
struct HeldRow {
    id: i64,
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
    id: i64,
    assignment_id: i64,
    status: String,
    note: String,
    person_id: Option<i64>,
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

/// Inserts `$file` linked through `$column` to `$owner_id`.
macro_rules! insert_attachment {
    ($conn:expr, $column:literal, $owner_id:expr, $file:expr) => {
        sqlx::query(concat!(
            "INSERT INTO attachments (",
            $column,
            ", file_id, file_unique_id, file_name, mime_type, file_size) VALUES ($1, $2, $3, $4, $5, $6)"
        ))
        .bind($owner_id)
        .bind(&$file.file_id)
        .bind(&$file.file_unique_id)
        .bind(&$file.file_name)
        .bind(&$file.mime_type)
        .bind($file.file_size)
        .execute($conn)
        .await?;
    };
}

impl Store {
    /// What the bot waits for from `user_id` in `chat_id` (JSON), and since when.
    pub async fn dialogue_since(
        &self,
        chat_id: i64,
        user_id: i64,
    ) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_as("SELECT state, updated_at FROM dialogues WHERE chat_id = $1 AND user_id = $2")
                .bind(chat_id)
                .bind(user_id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Forgets what the bot waited for from `user_id` in `chat_id` (a command cancels a
    /// question). Deleting twice is deleting once, so no update id is needed.
    pub async fn clear_dialogue(&self, chat_id: i64, user_id: i64) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query("DELETE FROM dialogues WHERE chat_id = $1 AND user_id = $2")
                .bind(chat_id)
                .bind(user_id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Records a status chosen with a button as the effect of `update_id`, at once, in one
    /// transaction: the dialogue of the user in the chat ends, or, with `next`, becomes
    /// `next(update id)` (a blocked task's question for its reason, bound to that update).
    pub async fn record_status_press(
        &self,
        update_id: i64,
        chat_id: i64,
        user_id: i64,
        reply: &StatusReply,
        next: Option<&(dyn Fn(i64) -> String + Send + Sync)>,
    ) -> Result<Effect<StatusUpdate>, StoreError> {
        self.record_status_then(update_id, chat_id, user_id, reply, next)
            .await
    }

    /// Applies `actions` as the effect of `update_id`, in one transaction, and ends the
    /// dialogue of `user_id` in `chat_id`.
    pub async fn apply_bot_actions(
        &self,
        update_id: i64,
        chat_id: i64,
        user_id: i64,
        actions: &[BotAction],
    ) -> Result<Effect<Vec<Applied>>, StoreError> {
        let now = self.now();
        let applied = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !first_delivery!(&mut *tx, update_id, now) {
                return Ok(Effect::Duplicate);
            }
            let mut applied = Vec::with_capacity(actions.len());
            for action in actions {
                match action {
                    BotAction::Status(reply) => {
                        let actor = Actor::new(format!("telegram:{user_id}/person:{}", reply.person_id));
                        let id: i64 = save_status_reply!(&mut *tx, reply, now);
                        if let Some(file) = &reply.attachment {
                            insert_attachment!(&mut *tx, "status_update_id", id, file);
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
                        let id: i64 = sqlx::query_scalar(
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
                            insert_attachment!(&mut *tx, "submission_id", id, file);
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
                            insert_attachment!(&mut *tx, "status_update_id", *status_update_id, file);
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
            sqlx::query("DELETE FROM dialogues WHERE chat_id = $1 AND user_id = $2")
                .bind(chat_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            applied
        });
        Ok(Effect::Done(applied))
    }

    /// One status update.
    pub async fn status_update(&self, id: i64) -> Result<Option<StatusUpdate>, StoreError> {
        let row: Option<UpdateRow> = with_pool!(self, pool => {
            sqlx::query_as("SELECT id, assignment_id, status, note, person_id, reported_at FROM status_updates WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        row.map(update_from_row).transpose()
    }

    /// Remembers that bot message `message_id` confirmed (or asks about) status update
    /// `status_update_id` of `assignment_id`: a reply to it is a note on that update.
    pub async fn remember_update_message(
        &self,
        chat_id: i64,
        message_id: i64,
        assignment_id: i64,
        status_update_id: i64,
    ) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO bot_messages (chat_id, message_id, assignment_id, status_update_id, sent_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (chat_id, message_id) DO UPDATE SET assignment_id = excluded.assignment_id, status_update_id = excluded.status_update_id",
            )
            .bind(chat_id)
            .bind(message_id)
            .bind(assignment_id)
            .bind(status_update_id)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The status update a bot message confirmed or asked about, if any.
    pub async fn bot_message_update(
        &self,
        chat_id: i64,
        message_id: i64,
    ) -> Result<Option<i64>, StoreError> {
        let found: Option<Option<i64>> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT status_update_id FROM bot_messages WHERE chat_id = $1 AND message_id = $2")
                .bind(chat_id)
                .bind(message_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(found.flatten())
    }

    /// Keeps a file sent without a subject, as the effect of `update_id`; its id.
    pub async fn hold_file(
        &self,
        update_id: i64,
        chat_id: i64,
        user_id: i64,
        telegram_message_id: i64,
        caption: &str,
        file: &NewAttachment,
    ) -> Result<Effect<i64>, StoreError> {
        let now = self.now();
        let actor = Actor::new(format!("telegram:{user_id}"));
        let id = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !first_delivery!(&mut *tx, update_id, now) {
                return Ok(Effect::Duplicate);
            }
            let id: i64 = sqlx::query_scalar(
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
            sqlx::query("DELETE FROM dialogues WHERE chat_id = $1 AND user_id = $2")
                .bind(chat_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            audit!(&mut *tx, now, actor, "file.hold", "held_file", id.to_string(),
                json!({ "file": file.file_id, "chat": chat_id }));
            tx.commit().await?;
            id
        });
        Ok(Effect::Done(id))
    }

    /// A held file.
    pub async fn held_file(&self, id: i64) -> Result<Option<HeldFile>, StoreError> {
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

    /// When each item was last put in front of `chat_id` (a reminder, a card, a question):
    /// assignment ids and (period, unit) pairs, newest first.
    pub async fn recently_shown(
        &self,
        chat_id: i64,
    ) -> Result<Vec<(Option<i64>, Option<(i64, i64)>)>, StoreError> {
        let rows: Vec<(Option<i64>, Option<i64>, Option<i64>)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT assignment_id, period_id, unit_id FROM bot_messages \
                 WHERE chat_id = $1 AND (assignment_id IS NOT NULL OR period_id IS NOT NULL) \
                 GROUP BY assignment_id, period_id, unit_id ORDER BY MAX(sent_at) DESC, MAX(message_id) DESC",
            )
            .bind(chat_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(a, p, u)| (a, p.zip(u))).collect())
    }
}

impl Store {
    /// The note of the latest status update of each of `assignment_ids` that has one.
    pub async fn latest_notes(
        &self,
        assignment_ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, String>, StoreError> {
        if assignment_ids.is_empty() {
            return Ok(Default::default());
        }
        let rows: Vec<(i64, String)> = with_pool!(self, pool => {
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
}
