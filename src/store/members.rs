//! Members: people invited and linked to Telegram, invitations and `/start` codes guessed
//! wrong, group chats bound to a unit, each member's language.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::tx::Steps;
use super::{audit, brief, with_pool, BeginWrite, Effect, Store, StoreError, UnitBrief};
use crate::domain::unit::{NewPerson, Person, ZaloLink};
use crate::domain::{Actor, Channel, PersonId, PersonRole, UnitId, UpdateId};

/// A person's membership of a unit, with the unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub person: Person,
    pub unit: UnitBrief,
}

impl Member {
    /// The person's id, typed for the store's calls.
    pub fn person_id(&self) -> PersonId {
        self.person.id
    }

    /// The unit's id, typed for the store's calls.
    pub fn unit_id(&self) -> UnitId {
        self.unit.id
    }
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

#[derive(sqlx::FromRow)]
pub(super) struct MemberRow {
    person_id: PersonId,
    full_name: String,
    role: String,
    telegram_user_id: Option<i64>,
    phone: Option<String>,
    language: Option<String>,
    zalo_user: Option<i64>,
    zalo_chat: Option<i64>,
    channel_choice: Option<String>,
    last_channel: Option<String>,
    unit_id: UnitId,
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

pub(super) const MEMBER_COLUMNS: &str =
    "p.id AS person_id, p.full_name, p.role, p.telegram_user_id, p.phone, p.language, \
     p.zalo_user, p.zalo_chat, p.channel_choice, p.last_channel, \
     u.id AS unit_id, u.code AS unit_code, u.name AS unit_name, u.kind AS unit_kind";

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
            zalo: r
                .zalo_user
                .zip(r.zalo_chat)
                .map(|(user, chat)| ZaloLink { user, chat }),
            channel_choice: r.channel_choice.as_deref().and_then(Channel::parse),
            last_channel: r.last_channel.as_deref().and_then(Channel::parse),
        },
        unit,
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
        update_id: UpdateId,
        code_hash: &str,
        user_id: i64,
        chat_id: i64,
    ) -> Result<Effect<Redeemed>, StoreError> {
        let now = self.now();
        let outcome = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !tx.first_delivery(update_id, now).await? {
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
                    // The number says the messenger: a Zalo user's chat is written to as well
                    // (on Telegram a private chat's id is the user's).
                    let (sql, actor, detail) = match Channel::of_chat(user_id) {
                        Channel::Telegram => (
                            "UPDATE people SET telegram_user_id = $1, last_channel = 'telegram' WHERE id = $3",
                            Actor::new(format!("telegram:{user_id}")),
                            json!({ "telegram_user_id": user_id }),
                        ),
                        Channel::Zalo => (
                            "UPDATE people SET zalo_user = $1, zalo_chat = $2, last_channel = 'zalo' WHERE id = $3",
                            Actor::new(format!("zalo:{user_id}")),
                            json!({ "zalo_user": user_id, "zalo_chat": chat_id }),
                        ),
                    };
                    sqlx::query(sql)
                        .bind(user_id)
                        .bind(chat_id)
                        .bind(person_id)
                        .execute(&mut *tx)
                        .await?;
                    audit!(&mut *tx, now, actor, "person.link", "person", person_id.to_string(),
                        detail);
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

    /// Every membership linked to user `user_id`: a Telegram user id, or a Zalo user's
    /// local number (`domain::channel`).
    pub async fn members_of_user(&self, user_id: i64) -> Result<Vec<Member>, StoreError> {
        let column = match Channel::of_chat(user_id) {
            Channel::Telegram => "telegram_user_id",
            Channel::Zalo => "zalo_user",
        };
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM people p JOIN units u ON u.id = p.unit_id \
             WHERE p.{column} = $1 ORDER BY p.id"
        );
        let rows: Vec<MemberRow> = with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await?
        });
        rows.into_iter().map(member_from_row).collect()
    }

    /// `user_id` (a Telegram user, or a Zalo user's number) wrote from `channel`: their
    /// memberships there remember it (`people.last_channel`), so messages to them go to the
    /// messenger they use. Callers pass only members whose `last_channel` differs, so an
    /// ordinary message writes nothing.
    pub async fn used_channel(&self, user_id: i64, channel: Channel) -> Result<(), StoreError> {
        let column = match Channel::of_chat(user_id) {
            Channel::Telegram => "telegram_user_id",
            Channel::Zalo => "zalo_user",
        };
        let sql = format!(
            "UPDATE people SET last_channel = $1 WHERE {column} = $2 \
             AND (last_channel IS NULL OR last_channel <> $1)"
        );
        with_pool!(self, pool => {
            sqlx::query(&sql)
                .bind(channel.as_str())
                .bind(user_id)
                .execute(pool)
                .await?;
        });
        Ok(())
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

    /// The unit a group chat belongs to, if it was bound.
    pub async fn group_unit(&self, chat_id: i64) -> Result<Option<UnitId>, StoreError> {
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
        update_id: UpdateId,
        chat_id: i64,
        member: &Member,
    ) -> Result<Effect<()>, StoreError> {
        let now = self.now();
        let actor = Actor::new(format!("person:{}", member.person.id));
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !tx.first_delivery(update_id, now).await? {
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

    /// Sets the messenger `person` is written to (`dondoc members channel`): `Some` keeps to
    /// it while they are linked there, None goes back to the one they used last. Returns the
    /// person as now stored; None when there is no such person.
    pub async fn set_channel_choice(
        &self,
        person: PersonId,
        choice: Option<Channel>,
        actor: &Actor,
    ) -> Result<Option<Person>, StoreError> {
        let now = self.now();
        let changed = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query("UPDATE people SET channel_choice = $1 WHERE id = $2")
                .bind(choice.map(Channel::as_str))
                .bind(person)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed > 0 {
                audit!(&mut *tx, now, actor, "person.channel", "person", person.to_string(),
                    json!({ "channel": choice.map(Channel::as_str) }));
            }
            tx.commit().await?;
            changed
        });
        if changed == 0 {
            return Ok(None);
        }
        Ok(self
            .members_by_id(&[person])
            .await?
            .into_iter()
            .next()
            .map(|member| member.person))
    }

    /// Sets the language of every membership of Telegram user `user_id`.
    pub async fn set_language(
        &self,
        update_id: UpdateId,
        user_id: i64,
        lang: crate::domain::Lang,
    ) -> Result<Effect<()>, StoreError> {
        let now = self.now();
        let actor = Actor::new(format!("telegram:{user_id}"));
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !tx.first_delivery(update_id, now).await? {
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
