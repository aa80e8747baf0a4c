//! Units, their names and aliases, and the people in them.

use std::collections::{HashMap, HashSet};

use serde_json::json;

use super::members::{member_from_row, MemberRow, MEMBER_COLUMNS};
use super::{
    audit, audit_batch, for_ids, insert_batched, parse_code, parse_kind, with_pool, AuditRow,
    BeginWrite, Store, StoreError, UnitBrief,
};
use crate::domain::text::match_key;
use crate::domain::unit::{NewPerson, NewUnit, Person, Unit};
use crate::domain::{Actor, PersonId, UnitCode, UnitId};

/// What `upsert_units` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnitsSaved {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    code: String,
    name: String,
    kind: String,
    parent_code: Option<String>,
}

#[derive(sqlx::FromRow)]
struct NameRow {
    unit_id: i64,
    name: String,
}

const LIST_UNITS: &str = "SELECT u.id, u.code, u.name, u.kind, p.code AS parent_code \
                          FROM units u LEFT JOIN units p ON p.id = u.parent_id ORDER BY u.id";
const LIST_ALIASES: &str =
    "SELECT unit_id, name FROM unit_names WHERE is_alias ORDER BY unit_id, name";

/// The distinct spellings of a unit: its name first, then its aliases, one per match key.
fn spellings(unit: &NewUnit) -> Vec<(String, String, bool)> {
    let mut seen = HashSet::new();
    std::iter::once((unit.name.as_str(), false))
        .chain(unit.aliases.iter().map(|a| (a.as_str(), true)))
        .filter_map(|(text, is_alias)| {
            let key = match_key(text);
            (!key.is_empty() && seen.insert(key.clone()))
                .then(|| (text.trim().to_string(), key, is_alias))
        })
        .collect()
}

fn same_unit(stored: &Unit, new: &NewUnit) -> bool {
    let mut stored_aliases = stored.aliases.clone();
    let mut new_aliases: Vec<String> = spellings(new)
        .into_iter()
        .filter(|(_, _, is_alias)| *is_alias)
        .map(|(text, _, _)| text)
        .collect();
    stored_aliases.sort();
    new_aliases.sort();
    stored.name == new.name
        && stored.kind == new.kind
        && stored.parent == new.parent
        && stored_aliases == new_aliases
}

/// `changed` ordered so every parent in it comes before its children. Refuses a parent that
/// exists nowhere and a unit that would become its own ancestor.
fn parents_first<'u>(
    changed: &[&'u NewUnit],
    existing: &HashMap<UnitCode, Unit>,
) -> Result<Vec<&'u NewUnit>, StoreError> {
    let in_batch: HashMap<&UnitCode, &NewUnit> = changed.iter().map(|u| (&u.code, *u)).collect();
    let parent_of = |code: &UnitCode| -> Option<UnitCode> {
        match in_batch.get(code) {
            Some(u) => u.parent.clone(),
            None => existing.get(code).and_then(|u| u.parent.clone()),
        }
    };
    let mut depth_of: HashMap<&UnitCode, usize> = HashMap::new();
    for unit in changed {
        let mut seen = HashSet::from([unit.code.clone()]);
        let mut depth = 0;
        let mut current = unit.parent.clone();
        while let Some(code) = current {
            if !in_batch.contains_key(&code) && !existing.contains_key(&code) {
                return Err(StoreError::Invalid(format!(
                    "unit {}: parent {code} does not exist",
                    unit.code
                )));
            }
            if !seen.insert(code.clone()) {
                return Err(StoreError::Invalid(format!(
                    "unit {} is its own ancestor",
                    unit.code
                )));
            }
            depth += 1;
            current = parent_of(&code);
        }
        depth_of.insert(&unit.code, depth);
    }
    let mut ordered = changed.to_vec();
    ordered.sort_by_key(|u| depth_of.get(&u.code).copied().unwrap_or(0));
    Ok(ordered)
}

impl Store {
    /// Every unit with its parent code and aliases, in registry order.
    pub async fn list_units(&self) -> Result<Vec<Unit>, StoreError> {
        let (rows, names): (Vec<UnitRow>, Vec<NameRow>) = with_pool!(self, pool => {
            (
                sqlx::query_as(LIST_UNITS).fetch_all(pool).await?,
                sqlx::query_as(LIST_ALIASES).fetch_all(pool).await?,
            )
        });
        let mut aliases: HashMap<i64, Vec<String>> = HashMap::new();
        for n in names {
            aliases.entry(n.unit_id).or_default().push(n.name);
        }
        rows.into_iter()
            .map(|r| {
                Ok(Unit {
                    id: r.id,
                    code: parse_code(r.code)?,
                    name: r.name,
                    kind: parse_kind(&r.kind)?,
                    parent: r.parent_code.map(parse_code).transpose()?,
                    aliases: aliases.remove(&r.id).unwrap_or_default(),
                })
            })
            .collect()
    }

    pub async fn unit(&self, code: &UnitCode) -> Result<Option<UnitBrief>, StoreError> {
        const SQL: &str =
            "SELECT id, code, name, kind, NULL AS parent_code FROM units WHERE code = $1";
        let row: Option<UnitRow> = with_pool!(self, pool => {
            sqlx::query_as(SQL).bind(code.as_str()).fetch_optional(pool).await?
        });
        row.map(|r| {
            Ok(UnitBrief {
                id: UnitId(r.id),
                code: parse_code(r.code)?,
                name: r.name,
                kind: parse_kind(&r.kind)?,
            })
        })
        .transpose()
    }

    /// Saves units by code: new codes are inserted, known ones updated in place, never
    /// duplicated. All or nothing; one audit row per unit that changed. Parents may come
    /// later in `units` than their children.
    pub async fn upsert_units(
        &self,
        units: &[NewUnit],
        actor: &Actor,
    ) -> Result<UnitsSaved, StoreError> {
        let now = self.now();
        let existing: HashMap<UnitCode, Unit> = self
            .list_units()
            .await?
            .into_iter()
            .map(|u| (u.code.clone(), u))
            .collect();
        let mut saved = UnitsSaved::default();
        let changed: Vec<&NewUnit> = units
            .iter()
            .filter(|u| match existing.get(&u.code) {
                Some(stored) if same_unit(stored, u) => {
                    saved.unchanged += 1;
                    false
                }
                Some(_) => {
                    saved.updated += 1;
                    true
                }
                None => {
                    saved.created += 1;
                    true
                }
            })
            .collect();
        if changed.is_empty() {
            return Ok(saved);
        }
        let ordered = parents_first(&changed, &existing)?;
        let audit_rows: Vec<AuditRow> = ordered
            .iter()
            .map(|unit| AuditRow {
                action: if existing.contains_key(&unit.code) {
                    "unit.update"
                } else {
                    "unit.create"
                },
                entity: "unit",
                key: unit.code.to_string(),
                detail: json!({
                    "name": unit.name,
                    "kind": unit.kind.as_str(),
                    "parent": unit.parent.as_ref().map(UnitCode::as_str),
                    "aliases": unit.aliases,
                    "before": existing.get(&unit.code).map(|u| json!({
                        "name": u.name, "kind": u.kind.as_str(),
                        "parent": u.parent.as_ref().map(UnitCode::as_str), "aliases": u.aliases,
                    })),
                })
                .to_string(),
            })
            .collect();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let mut ids: HashMap<&UnitCode, i64> = HashMap::new();
            for unit in &ordered {
                // Parents come first, so the parent's id is known (or already stored).
                let parent_id = unit.parent.as_ref().and_then(|p| {
                    ids.get(p).copied().or_else(|| existing.get(p).map(|u| u.id))
                });
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO units (code, name, kind, parent_id, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) \
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, \
                     parent_id = excluded.parent_id, updated_at = excluded.updated_at RETURNING id",
                )
                .bind(unit.code.as_str())
                .bind(&unit.name)
                .bind(unit.kind.as_str())
                .bind(parent_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                ids.insert(&unit.code, id);
            }
            let updated: Vec<i64> = ordered
                .iter()
                .filter(|u| existing.contains_key(&u.code))
                .filter_map(|u| ids.get(&u.code).copied())
                .collect();
            for_ids!(&mut *tx, updated, |query| query.push("DELETE FROM unit_names WHERE unit_id IN"));
            let names: Vec<(i64, String, String, bool)> = ordered
                .iter()
                .flat_map(|u| {
                    let id = ids.get(&u.code).copied().unwrap_or_default();
                    spellings(u).into_iter().map(move |(text, key, alias)| (id, text, key, alias))
                })
                .collect();
            insert_batched!(&mut *tx, "INSERT INTO unit_names (unit_id, name, name_key, is_alias) ", names, 4,
                |b, row| b.push_bind(row.0).push_bind(row.1.as_str()).push_bind(row.2.as_str()).push_bind(row.3));
            audit_batch!(&mut *tx, now, actor, audit_rows);
            tx.commit().await?;
        });
        Ok(saved)
    }

    pub async fn add_person(
        &self,
        person: &NewPerson,
        actor: &Actor,
    ) -> Result<Person, StoreError> {
        let now = self.now();
        let unit = self
            .unit(&person.unit)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "unit",
                key: person.unit.to_string(),
            })?;
        let id: PersonId = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: PersonId = sqlx::query_scalar(
                "INSERT INTO people (unit_id, full_name, role, telegram_user_id, phone, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(unit.id)
            .bind(&person.full_name)
            .bind(person.role.as_str())
            .bind(person.telegram_user_id)
            .bind(&person.phone)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let detail = json!({ "unit": person.unit.as_str(), "name": person.full_name, "role": person.role.as_str() });
            audit!(&mut *tx, now, actor, "person.create", "person", id.to_string(), detail);
            tx.commit().await?;
            id
        });
        Ok(Person {
            id,
            unit: person.unit.clone(),
            full_name: person.full_name.clone(),
            role: person.role,
            telegram_user_id: person.telegram_user_id,
            phone: person.phone.clone(),
            language: None,
            zalo: None,
            channel_choice: None,
            last_channel: None,
        })
    }

    /// Members by person id (with their units), for telling them something.
    pub async fn members_by_id(&self, ids: &[PersonId]) -> Result<Vec<super::Member>, StoreError> {
        let list: Vec<String> = ids.iter().map(PersonId::to_string).collect();
        if list.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM people p JOIN units u ON u.id = p.unit_id \
             WHERE p.id IN ({}) ORDER BY p.id",
            list.join(", ")
        );
        let rows: Vec<MemberRow> =
            with_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await?);
        rows.into_iter().map(member_from_row).collect()
    }

    /// Members of a unit (by id) the bot can write to: linked and reachable.
    pub async fn linked_members_of_unit(
        &self,
        unit_id: UnitId,
    ) -> Result<Vec<super::Member>, StoreError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM people p JOIN units u ON u.id = p.unit_id \
             WHERE p.unit_id = $1 AND {LINKED} AND p.unreachable_at IS NULL ORDER BY p.id"
        );
        let rows: Vec<MemberRow> = with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(unit_id).fetch_all(pool).await?
        });
        rows.into_iter().map(member_from_row).collect()
    }

    pub async fn people_in_unit(&self, code: &UnitCode) -> Result<Vec<Person>, StoreError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM people p JOIN units u ON u.id = p.unit_id \
             WHERE u.code = $1 ORDER BY p.id"
        );
        let rows: Vec<MemberRow> = with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(code.as_str()).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|r| Ok(member_from_row(r)?.person))
            .collect()
    }
}

/// A unit with work to do and no one the bot can tell: nobody linked (on Telegram or Zalo),
/// or every linked member unreachable. It is never reminded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitWithoutReach {
    pub unit: UnitBrief,
    /// Members linked but unreachable (0: nobody linked at all).
    pub unreachable: i64,
}

/// A linked member whose chat cannot be reached (blocked the bot, account gone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreachableMember {
    pub unit: UnitBrief,
    pub full_name: String,
    pub role: crate::domain::PersonRole,
    pub since: chrono::DateTime<chrono::Utc>,
}

/// Who the bot cannot reach, among units with live assignments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReachGaps {
    /// By unit code.
    pub units: Vec<UnitWithoutReach>,
    /// By unit code, then name.
    pub members: Vec<UnreachableMember>,
}

impl ReachGaps {
    /// These gaps after units were changed in the registry: each unit's brief as `fresh` has
    /// it. Who cannot be reached does not hang on a unit's name, kind or parent (only on its
    /// members and its live assignments), and the order is by code, which does not change.
    pub fn with_units(mut self, fresh: &HashMap<UnitId, UnitBrief>) -> ReachGaps {
        let patch = |unit: &mut UnitBrief| {
            if let Some(f) = fresh.get(&unit.id) {
                unit.clone_from(f);
            }
        };
        self.units.iter_mut().for_each(|u| patch(&mut u.unit));
        self.members.iter_mut().for_each(|m| patch(&mut m.unit));
        self
    }

    /// Only what concerns `unit_ids`.
    pub fn within(mut self, unit_ids: &HashSet<UnitId>) -> ReachGaps {
        self.units.retain(|u| unit_ids.contains(&u.unit.id));
        self.members.retain(|m| unit_ids.contains(&m.unit.id));
        self
    }
}

#[derive(sqlx::FromRow)]
struct GapRow {
    id: UnitId,
    code: String,
    name: String,
    kind: String,
    unreachable: i64,
}

#[derive(sqlx::FromRow)]
struct UnreachableRow {
    id: UnitId,
    code: String,
    name: String,
    kind: String,
    full_name: String,
    role: String,
    unreachable_at: chrono::DateTime<chrono::Utc>,
}

/// A member (`people p`) the bot can write to on either messenger.
pub(super) const LINKED: &str = "(p.telegram_user_id IS NOT NULL OR p.zalo_chat IS NOT NULL)";

/// Units implementing at least one live assignment.
const WORKING_UNIT: &str = "EXISTS (SELECT 1 FROM assignments a JOIN tasks t ON t.id = a.task_id \
                            WHERE a.unit_id = u.id AND a.retired_at IS NULL AND t.retired_at IS NULL)";

impl Store {
    /// Units with live assignments that no one can be told in, and the unreachable members of
    /// units with live assignments: what the digest, `/tinhhinh`, the export and `dondoc
    /// members list --missing` show.
    pub async fn reach_gaps(&self) -> Result<ReachGaps, StoreError> {
        let units_sql = format!(
            "SELECT u.id, u.code, u.name, u.kind, \
             (SELECT COUNT(*) FROM people p WHERE p.unit_id = u.id AND {LINKED}) AS unreachable \
             FROM units u WHERE {WORKING_UNIT} AND NOT EXISTS (SELECT 1 FROM people p WHERE p.unit_id = u.id \
             AND {LINKED} AND p.unreachable_at IS NULL) ORDER BY u.code"
        );
        let members_sql = format!(
            "SELECT u.id, u.code, u.name, u.kind, p.full_name, p.role, p.unreachable_at \
             FROM people p JOIN units u ON u.id = p.unit_id WHERE {LINKED} \
             AND p.unreachable_at IS NOT NULL AND {WORKING_UNIT} ORDER BY u.code, p.full_name, p.id"
        );
        let (units, members): (Vec<GapRow>, Vec<UnreachableRow>) = with_pool!(self, pool => {
            (
                sqlx::query_as(&units_sql).fetch_all(pool).await?,
                sqlx::query_as(&members_sql).fetch_all(pool).await?,
            )
        });
        let brief = |id, code, name, kind: &str| -> Result<UnitBrief, StoreError> {
            Ok(UnitBrief {
                id,
                code: parse_code(code)?,
                name,
                kind: parse_kind(kind)?,
            })
        };
        Ok(ReachGaps {
            units: units
                .into_iter()
                .map(|r| {
                    Ok(UnitWithoutReach {
                        unit: brief(r.id, r.code, r.name, &r.kind)?,
                        unreachable: r.unreachable,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
            members: members
                .into_iter()
                .map(|r| {
                    Ok(UnreachableMember {
                        unit: brief(r.id, r.code, r.name, &r.kind)?,
                        full_name: r.full_name,
                        role: r.role.parse().map_err(|e: crate::domain::ParseError| {
                            StoreError::Corrupt(e.to_string())
                        })?,
                        since: r.unreachable_at,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
        })
    }
}
