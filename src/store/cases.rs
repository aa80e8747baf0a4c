//! Citizen cases: intake (one by chat or many from a spreadsheet), forwarding to units, each
//! unit's acknowledgement, return or answer, and the operator's closing. Every transition is
//! one transaction with its audit row; audit rows carry the case number and the units, never
//! the citizen's name or phone.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::json;

use super::tx::Steps;
use super::{audit, brief, with_pool, BeginWrite, NewAttachment, Store, StoreError, UnitBrief};
use crate::domain::case::{
    derive_state, CaseClocks, CaseNumber, CaseState, Channel, HopState, RoutingRule,
};
use crate::domain::{Actor, CaseHopId, CaseId, PersonId, UnitId, WorkingCalendar, WorkingHours};

pub use crate::domain::case::NewCase;

/// What the clocks need: the rules, the working days, the province's day.
#[derive(Debug, Clone)]
pub struct CaseTime<'a> {
    pub clocks: &'a CaseClocks,
    pub calendar: &'a WorkingCalendar,
    pub time_zone: Tz,
    /// Working hours: the acknowledgement clock of a case received outside them starts at
    /// their next opening (`hotline.clocks.ack_from`).
    pub hours: WorkingHours,
}

impl CaseTime<'_> {
    /// The acknowledgement deadline of a case received (or forwarded) at `at`.
    pub fn ack_due(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        self.clocks
            .ack_due_from(at, &self.hours, self.calendar, self.time_zone)
    }

    fn answer_due(&self, from: DateTime<Utc>) -> NaiveDate {
        let day = from.with_timezone(&self.time_zone).date_naive();
        self.clocks.answer_due(day, self.calendar)
    }

    /// Whether something done at `at` is after the end of `due` in the province.
    pub fn late(&self, at: DateTime<Utc>, due: NaiveDate) -> bool {
        at.with_timezone(&self.time_zone).date_naive() > due
    }
}

/// One unit's part in a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopView {
    pub id: CaseHopId,
    pub case_id: CaseId,
    pub unit: UnitBrief,
    pub state: HopState,
    pub forwarded_at: DateTime<Utc>,
    pub ack_due_at: DateTime<Utc>,
    pub answer_due_date: NaiveDate,
    pub accepted_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub return_reason: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answer: Option<String>,
    pub late: bool,
}

/// A file of a case.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseFile {
    pub hop_id: Option<CaseHopId>,
    pub file_id: String,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
}

/// A case's file with the case it belongs to, as [`Store::open_cases`] reads them.
#[derive(sqlx::FromRow)]
struct CaseFileRow {
    case_id: i64,
    hop_id: Option<i64>,
    file_id: String,
    file_name: Option<String>,
    mime_type: Option<String>,
}

/// A case with its hops and files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseView {
    pub id: CaseId,
    pub number: CaseNumber,
    pub channel: Channel,
    pub content: String,
    pub place: UnitBrief,
    pub category: String,
    pub citizen_name: Option<String>,
    pub citizen_phone: Option<String>,
    pub contact_consent: bool,
    pub state: CaseState,
    pub operator_id: Option<PersonId>,
    pub received_at: DateTime<Utc>,
    pub ack_due_at: DateTime<Utc>,
    pub answer_due_date: NaiveDate,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub citizen_informed_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub hops: Vec<HopView>,
    pub files: Vec<CaseFile>,
}

impl CaseView {
    /// Hops still with a unit (forwarded or accepted).
    pub fn live_hops(&self) -> impl Iterator<Item = &HopView> {
        self.hops.iter().filter(|h| h.state.is_live())
    }
}

/// The Telegram update a chat action comes from: the action commits together with the
/// update id (a redelivered update changes nothing) and ends the user's dialogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub update_id: crate::domain::UpdateId,
    pub chat_id: i64,
    pub user_id: i64,
}

/// Marks `delivery` processed and ends its dialogue; false for a redelivery (the caller then
/// refuses with [`CaseRefusal::Duplicate`] and changes nothing).
async fn delivered_once<C: Steps>(
    conn: &mut C,
    delivery: Option<&Delivery>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    if let Some(d) = delivery {
        if !conn.first_delivery(d.update_id, now).await? {
            return Ok(false);
        }
        conn.end_dialogue(d.chat_id, d.user_id).await?;
    }
    Ok(true)
}

/// Why a transition was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRefusal {
    /// The update was handled before; nothing changed.
    Duplicate,
    NotFound,
    /// The case or hop is not in a state that allows it (answered twice, closed …).
    WrongState,
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: CaseId,
    year: i32,
    seq: i64,
    channel: String,
    content: String,
    place_unit_id: UnitId,
    place_code: String,
    place_name: String,
    place_kind: String,
    category: String,
    citizen_name: Option<String>,
    citizen_phone: Option<String>,
    contact_consent: bool,
    state: String,
    operator_id: Option<PersonId>,
    received_at: DateTime<Utc>,
    ack_due_at: DateTime<Utc>,
    answer_due_date: NaiveDate,
    acknowledged_at: Option<DateTime<Utc>>,
    answered_at: Option<DateTime<Utc>>,
    late: bool,
    citizen_informed_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct HopRow {
    id: CaseHopId,
    case_id: CaseId,
    unit_id: UnitId,
    unit_code: String,
    unit_name: String,
    unit_kind: String,
    state: String,
    forwarded_at: DateTime<Utc>,
    ack_due_at: DateTime<Utc>,
    answer_due_date: NaiveDate,
    accepted_at: Option<DateTime<Utc>>,
    returned_at: Option<DateTime<Utc>>,
    return_reason: Option<String>,
    answered_at: Option<DateTime<Utc>>,
    answer: Option<String>,
    late: bool,
}

const CASE_COLUMNS: &str = "c.id, c.year, c.seq, c.channel, c.content, c.place_unit_id, \
    u.code AS place_code, u.name AS place_name, u.kind AS place_kind, c.category, c.citizen_name, \
    c.citizen_phone, c.contact_consent, c.state, c.operator_id, c.received_at, c.ack_due_at, \
    c.answer_due_date, c.acknowledged_at, c.answered_at, c.late, c.citizen_informed_at, c.closed_at \
    FROM cases c JOIN units u ON u.id = c.place_unit_id";

const HOP_COLUMNS: &str = "h.id, h.case_id, h.unit_id, u.code AS unit_code, u.name AS unit_name, \
    u.kind AS unit_kind, h.state, h.forwarded_at, h.ack_due_at, h.answer_due_date, h.accepted_at, \
    h.returned_at, h.return_reason, h.answered_at, h.answer, h.late \
    FROM case_hops h JOIN units u ON u.id = h.unit_id";

/// ` (id, id, …)`, each bound: at most a few hundred ids (a page's cases).
fn push_id_list<'a, DB>(query: &mut sqlx::QueryBuilder<'a, DB>, ids: &'a [i64])
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    query.push(" (");
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    list.push_unseparated(")");
}

fn corrupt(e: crate::domain::ParseError) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn hop_from_row(r: HopRow) -> Result<HopView, StoreError> {
    Ok(HopView {
        id: r.id,
        case_id: r.case_id,
        unit: brief(r.unit_id, r.unit_code, r.unit_name, &r.unit_kind)?,
        state: r.state.parse().map_err(corrupt)?,
        forwarded_at: r.forwarded_at,
        ack_due_at: r.ack_due_at,
        answer_due_date: r.answer_due_date,
        accepted_at: r.accepted_at,
        returned_at: r.returned_at,
        return_reason: r.return_reason,
        answered_at: r.answered_at,
        answer: r.answer,
        late: r.late,
    })
}

fn case_from_row(r: CaseRow) -> Result<CaseView, StoreError> {
    Ok(CaseView {
        id: r.id,
        number: CaseNumber {
            year: r.year,
            seq: r.seq,
        },
        channel: r.channel.parse().map_err(corrupt)?,
        content: r.content,
        place: brief(r.place_unit_id, r.place_code, r.place_name, &r.place_kind)?,
        category: r.category,
        citizen_name: r.citizen_name,
        citizen_phone: r.citizen_phone,
        contact_consent: r.contact_consent,
        state: r.state.parse().map_err(corrupt)?,
        operator_id: r.operator_id,
        received_at: r.received_at,
        ack_due_at: r.ack_due_at,
        answer_due_date: r.answer_due_date,
        acknowledged_at: r.acknowledged_at,
        answered_at: r.answered_at,
        late: r.late,
        citizen_informed_at: r.citizen_informed_at,
        closed_at: r.closed_at,
        hops: Vec::new(),
        files: Vec::new(),
    })
}

/// Inserts hops for `$units` of case `$case_id` forwarded at `$at`, with their clocks.
macro_rules! insert_hops {
    ($conn:expr, $case_id:expr, $units:expr, $by:expr, $at:expr, $time:expr) => {
        for unit in $units {
            sqlx::query(
                "INSERT INTO case_hops (case_id, unit_id, state, forwarded_at, forwarded_by, ack_due_at, answer_due_date) \
                 VALUES ($1, $2, 'forwarded', $3, $4, $5, $6)",
            )
            .bind($case_id)
            .bind(*unit)
            .bind($at)
            .bind($by)
            .bind($time.ack_due($at))
            .bind($time.answer_due($at))
            .execute($conn)
            .await?;
        }
    };
}

/// Recomputes a case's state from its hops (closed and cancelled stay so) and stores it.
macro_rules! refresh_state {
    ($conn:expr, $case_id:expr) => {{
        let (state, reopened): (String, i64) =
            sqlx::query_as("SELECT state, reopened FROM cases WHERE id = $1")
                .bind($case_id)
                .fetch_one($conn)
                .await?;
        let hops: Vec<String> =
            sqlx::query_scalar("SELECT state FROM case_hops WHERE case_id = $1")
                .bind($case_id)
                .fetch_all($conn)
                .await?;
        let current: CaseState = state.parse().map_err(corrupt)?;
        let next = if current.is_open() {
            let hops: Vec<HopState> = hops
                .iter()
                .map(|h| h.parse())
                .collect::<Result<_, _>>()
                .map_err(corrupt)?;
            derive_state(&hops, reopened > 0)
        } else {
            current
        };
        sqlx::query("UPDATE cases SET state = $1 WHERE id = $2")
            .bind(next.as_str())
            .bind($case_id)
            .execute($conn)
            .await?;
        next
    }};
}

impl Store {
    /// Logs cases (one from chat, or a whole spreadsheet) in one transaction, numbering each
    /// within its year and forwarding it to `route_to`. Returns the numbers, in order.
    pub async fn create_cases(
        &self,
        cases: &[NewCase],
        time: &CaseTime<'_>,
        delivery: Option<&Delivery>,
        actor: &Actor,
    ) -> Result<Result<Vec<CaseNumber>, CaseRefusal>, StoreError> {
        let cases: Vec<(&NewCase, Option<&str>)> = cases.iter().map(|c| (c, None)).collect();
        self.create_identified_cases(&cases, time, delivery, actor)
            .await
    }

    /// Which of `identities` (see `import::case_identity`) are cases already stored.
    pub async fn known_case_identities(
        &self,
        identities: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let mut known = std::collections::HashSet::new();
        for chunk in identities.chunks(super::BATCH_PARAMETERS) {
            let found: Vec<String> = with_pool!(self, pool => {
                let mut query = sqlx::QueryBuilder::new("SELECT identity FROM cases WHERE identity IN (");
                let mut list = query.separated(", ");
                for identity in chunk {
                    list.push_bind(identity);
                }
                query.push(")");
                query.build_query_scalar().fetch_all(pool).await?
            });
            known.extend(found);
        }
        Ok(known)
    }

    /// As [`Store::create_cases`], each case with its identity when it has one (an imported
    /// row); a case whose identity is already stored is refused by the database.
    pub async fn create_identified_cases(
        &self,
        cases: &[(&NewCase, Option<&str>)],
        time: &CaseTime<'_>,
        delivery: Option<&Delivery>,
        actor: &Actor,
    ) -> Result<Result<Vec<CaseNumber>, CaseRefusal>, StoreError> {
        let now = self.now();
        let mut numbers = Vec::with_capacity(cases.len());
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !delivered_once(&mut *tx, delivery, now).await? {
                return Ok(Err(CaseRefusal::Duplicate));
            }
            // Numbering takes the highest number of the year; serialise writers on Postgres.
            if self.backend() == super::Backend::Postgres {
                sqlx::query("LOCK TABLE cases IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await?;
            }
            for (case, identity) in cases {
                let year = chrono::Datelike::year(&case.received_at.with_timezone(&time.time_zone));
                let seq: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM cases WHERE year = $1")
                    .bind(year)
                    .fetch_one(&mut *tx)
                    .await?;
                let number = CaseNumber { year, seq };
                let state = if case.route_to.is_empty() { CaseState::Received } else { CaseState::Forwarded };
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO cases (year, seq, number, channel, content, place_unit_id, category, citizen_name, \
                     citizen_phone, contact_consent, state, operator_id, received_at, ack_due_at, answer_due_date, source, identity) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
                )
                .bind(year)
                .bind(seq)
                .bind(number.to_string())
                .bind(case.channel.as_str())
                .bind(&case.content)
                .bind(case.place_unit_id)
                .bind(&case.category)
                .bind(&case.citizen_name)
                .bind(&case.citizen_phone)
                .bind(case.contact_consent)
                .bind(state.as_str())
                .bind(case.operator_id)
                .bind(case.received_at)
                .bind(time.ack_due(case.received_at))
                .bind(time.answer_due(case.received_at))
                .bind(&case.source)
                .bind(*identity)
                .fetch_one(&mut *tx)
                .await?;
                for file in &case.files {
                    sqlx::query(
                        "INSERT INTO case_files (case_id, file_id, file_unique_id, file_name, mime_type, file_size, added_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(id)
                    .bind(&file.file_id)
                    .bind(&file.file_unique_id)
                    .bind(&file.file_name)
                    .bind(&file.mime_type)
                    .bind(file.file_size)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                insert_hops!(&mut *tx, id, &case.route_to, case.operator_id, case.received_at, time);
                audit!(&mut *tx, now, actor, "case.received", "case", number.to_string(),
                    json!({ "channel": case.channel.as_str(), "category": case.category,
                            "place_unit_id": case.place_unit_id, "forwarded_to": case.route_to,
                            "source": case.source }));
                numbers.push(number);
            }
            tx.commit().await?;
        });
        Ok(Ok(numbers))
    }

    /// A case by its number, with hops and files.
    pub async fn case(&self, number: CaseNumber) -> Result<Option<CaseView>, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} WHERE c.year = $1 AND c.seq = $2");
        let row: Option<CaseRow> = with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(number.year).bind(number.seq).fetch_optional(pool).await?
        });
        let Some(row) = row else {
            return Ok(None);
        };
        let mut case = case_from_row(row)?;
        self.fill_case(&mut case).await?;
        Ok(Some(case))
    }

    /// The case a hop belongs to.
    pub async fn case_of_hop(&self, hop_id: CaseHopId) -> Result<Option<CaseView>, StoreError> {
        let sql = format!(
            "SELECT {CASE_COLUMNS} WHERE c.id = (SELECT case_id FROM case_hops WHERE id = $1)"
        );
        let row: Option<CaseRow> = with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(hop_id).fetch_optional(pool).await?
        });
        let Some(row) = row else {
            return Ok(None);
        };
        let mut case = case_from_row(row)?;
        self.fill_case(&mut case).await?;
        Ok(Some(case))
    }

    async fn fill_case(&self, case: &mut CaseView) -> Result<(), StoreError> {
        let hop_sql = format!("SELECT {HOP_COLUMNS} WHERE h.case_id = $1 ORDER BY h.id");
        let (hops, files): (Vec<HopRow>, Vec<CaseFile>) = with_pool!(self, pool => {
            (
                sqlx::query_as(&hop_sql).bind(case.id).fetch_all(pool).await?,
                sqlx::query_as("SELECT hop_id, file_id, file_name, mime_type FROM case_files WHERE case_id = $1 ORDER BY id")
                    .bind(case.id)
                    .fetch_all(pool)
                    .await?,
            )
        });
        case.hops = hops
            .into_iter()
            .map(hop_from_row)
            .collect::<Result<_, _>>()?;
        case.files = files;
        Ok(())
    }

    /// Open cases, newest first: all of them, or those with a live hop at one of `unit_ids`.
    pub async fn open_cases(
        &self,
        unit_ids: Option<&[UnitId]>,
    ) -> Result<Vec<CaseView>, StoreError> {
        let mut sql = format!("SELECT {CASE_COLUMNS} WHERE c.state NOT IN ('closed', 'cancelled')");
        if let Some(units) = unit_ids {
            let ids: Vec<String> = units.iter().map(|u| u.to_string()).collect();
            sql.push_str(&format!(
                " AND c.id IN (SELECT case_id FROM case_hops WHERE state IN ('forwarded', 'accepted') AND unit_id IN ({}))",
                if ids.is_empty() { "-1".to_string() } else { ids.join(", ") }
            ));
        }
        sql.push_str(" ORDER BY c.received_at DESC, c.id DESC LIMIT 200");
        let rows: Vec<CaseRow> =
            with_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await?);
        let mut cases: Vec<CaseView> = rows
            .into_iter()
            .map(case_from_row)
            .collect::<Result<_, _>>()?;
        self.fill_cases(&mut cases).await?;
        Ok(cases)
    }

    /// [`Store::fill_case`] for many cases in two queries (hops, files) instead of two per
    /// case: the web board's case list reads up to 200 at once.
    async fn fill_cases(&self, cases: &mut [CaseView]) -> Result<(), StoreError> {
        if cases.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = cases.iter().map(|c| c.id.get()).collect();
        let hops_sql = format!("SELECT {HOP_COLUMNS} WHERE h.case_id IN");
        const FILES_SQL: &str =
            "SELECT case_id, hop_id, file_id, file_name, mime_type FROM case_files WHERE case_id IN";
        let (hops, files): (Vec<HopRow>, Vec<CaseFileRow>) = with_pool!(self, pool => {
            let mut hops = sqlx::QueryBuilder::new(hops_sql.as_str());
            push_id_list(&mut hops, &ids);
            hops.push(" ORDER BY h.id");
            let mut files = sqlx::QueryBuilder::new(FILES_SQL);
            push_id_list(&mut files, &ids);
            files.push(" ORDER BY id");
            (
                hops.build_query_as().fetch_all(pool).await?,
                files.build_query_as().fetch_all(pool).await?,
            )
        });
        let index: std::collections::HashMap<CaseId, usize> =
            cases.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        for hop in hops {
            let hop = hop_from_row(hop)?;
            if let Some(i) = index.get(&hop.case_id) {
                cases[*i].hops.push(hop);
            }
        }
        for file in files {
            if let Some(i) = index.get(&CaseId(file.case_id)) {
                cases[*i].files.push(CaseFile {
                    hop_id: file.hop_id.map(CaseHopId),
                    file_id: file.file_id,
                    file_name: file.file_name,
                    mime_type: file.mime_type,
                });
            }
        }
        Ok(())
    }

    /// Every case received in `[from, to)`, with hops (for statistics and exports).
    pub async fn cases_received(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CaseView>, StoreError> {
        let sql = format!(
            "SELECT {CASE_COLUMNS} WHERE c.received_at >= $1 AND c.received_at < $2 ORDER BY c.year, c.seq"
        );
        let rows: Vec<CaseRow> = with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(from).bind(to).fetch_all(pool).await?
        });
        let hop_sql = format!(
            "SELECT {HOP_COLUMNS} WHERE h.case_id IN (SELECT id FROM cases WHERE received_at >= $1 AND received_at < $2) ORDER BY h.id"
        );
        let hops: Vec<HopRow> = with_pool!(self, pool => {
            sqlx::query_as(&hop_sql).bind(from).bind(to).fetch_all(pool).await?
        });
        let mut cases: Vec<CaseView> = rows
            .into_iter()
            .map(case_from_row)
            .collect::<Result<_, _>>()?;
        let index: std::collections::HashMap<CaseId, usize> =
            cases.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        for hop in hops {
            let hop = hop_from_row(hop)?;
            if let Some(i) = index.get(&hop.case_id) {
                cases[*i].hops.push(hop);
            }
        }
        Ok(cases)
    }

    /// Hops still with a unit, for the scheduler's reminders and escalation.
    pub async fn live_hops(&self) -> Result<Vec<(HopView, CaseNumber)>, StoreError> {
        let sql = format!(
            "SELECT {HOP_COLUMNS} WHERE h.state IN ('forwarded', 'accepted') ORDER BY h.answer_due_date, h.id"
        );
        let rows: Vec<HopRow> =
            with_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await?);
        let numbers: Vec<(CaseId, i32, i64)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT id, year, seq FROM cases WHERE id IN (SELECT case_id FROM case_hops WHERE state IN ('forwarded', 'accepted'))")
                .fetch_all(pool)
                .await?
        });
        let numbers: std::collections::HashMap<CaseId, CaseNumber> = numbers
            .into_iter()
            .map(|(id, year, seq)| (id, CaseNumber { year, seq }))
            .collect();
        rows.into_iter()
            .map(|r| {
                let hop = hop_from_row(r)?;
                let number = numbers
                    .get(&hop.case_id)
                    .copied()
                    .ok_or_else(|| StoreError::Corrupt(format!("hop {} has no case", hop.id)))?;
                Ok((hop, number))
            })
            .collect()
    }

    /// Sends case `case_id` to more units (a forward, a re-route after a return, several units
    /// at once); with `withdraw`, the units holding it now are relieved of it.
    #[allow(clippy::too_many_arguments)]
    pub async fn forward_case(
        &self,
        case_id: CaseId,
        units: &[UnitId],
        withdraw: bool,
        by: Option<PersonId>,
        time: &CaseTime<'_>,
        delivery: Option<&Delivery>,
        actor: &Actor,
    ) -> Result<Result<Vec<CaseHopId>, CaseRefusal>, StoreError> {
        let now = self.now();
        Ok(with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !delivered_once(&mut *tx, delivery, now).await? {
                return Ok(Err(CaseRefusal::Duplicate));
            }
            let found: Option<(String, String)> = sqlx::query_as("SELECT number, state FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((number, state)) = found else {
                return Ok(Err(CaseRefusal::NotFound));
            };
            let state: CaseState = state.parse().map_err(corrupt)?;
            if !state.is_open() || units.is_empty() {
                return Ok(Err(CaseRefusal::WrongState));
            }
            if withdraw {
                sqlx::query("UPDATE case_hops SET state = 'withdrawn' WHERE case_id = $1 AND state IN ('forwarded', 'accepted')")
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await?;
            }
            insert_hops!(&mut *tx, case_id, units, by, now, time);
            let hop_ids: Vec<CaseHopId> = sqlx::query_scalar(
                "SELECT id FROM case_hops WHERE case_id = $1 AND forwarded_at = $2 AND state = 'forwarded' ORDER BY id",
            )
            .bind(case_id)
            .bind(now)
            .fetch_all(&mut *tx)
            .await?;
            let next = refresh_state!(&mut *tx, case_id);
            audit!(&mut *tx, now, actor, "case.forwarded", "case", number,
                json!({ "units": units, "withdrawn_others": withdraw, "state": next.as_str() }));
            tx.commit().await?;
            Ok(hop_ids)
        }))
    }

    /// A unit acknowledges (tiếp nhận) its hop.
    pub async fn accept_hop(
        &self,
        hop_id: CaseHopId,
        person_id: PersonId,
        delivery: Option<&Delivery>,
        actor: &Actor,
    ) -> Result<Result<CaseState, CaseRefusal>, StoreError> {
        self.move_hop(hop_id, person_id, HopMove::Accept, delivery, actor)
            .await
    }

    /// A unit says the case is not theirs, with a reason: it goes back to the operator.
    pub async fn return_hop(
        &self,
        hop_id: CaseHopId,
        person_id: PersonId,
        reason: &str,
        delivery: Option<&Delivery>,
        actor: &Actor,
    ) -> Result<Result<CaseState, CaseRefusal>, StoreError> {
        self.move_hop(hop_id, person_id, HopMove::Return(reason), delivery, actor)
            .await
    }

    /// A unit answers (text and/or files). Late when after the hop's due date.
    #[allow(clippy::too_many_arguments)]
    pub async fn answer_hop(
        &self,
        hop_id: CaseHopId,
        person_id: PersonId,
        answer: &str,
        files: &[NewAttachment],
        time: &CaseTime<'_>,
        delivery: Option<&Delivery>,
        actor: &Actor,
    ) -> Result<Result<CaseState, CaseRefusal>, StoreError> {
        self.move_hop(
            hop_id,
            person_id,
            HopMove::Answer {
                text: answer,
                files,
                time,
            },
            delivery,
            actor,
        )
        .await
    }

    async fn move_hop(
        &self,
        hop_id: CaseHopId,
        person_id: PersonId,
        action: HopMove<'_>,
        delivery: Option<&Delivery>,
        actor: &Actor,
    ) -> Result<Result<CaseState, CaseRefusal>, StoreError> {
        let now = self.now();
        Ok(with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !delivered_once(&mut *tx, delivery, now).await? {
                return Ok(Err(CaseRefusal::Duplicate));
            }
            let found: Option<(i64, String, NaiveDate, i64)> = sqlx::query_as(
                "SELECT case_id, state, answer_due_date, unit_id FROM case_hops WHERE id = $1",
            )
            .bind(hop_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((case_id, state, due, unit_id)) = found else {
                return Ok(Err(CaseRefusal::NotFound));
            };
            let state: HopState = state.parse().map_err(corrupt)?;
            let (event, detail) = match &action {
                HopMove::Accept => {
                    if state != HopState::Forwarded {
                        return Ok(Err(CaseRefusal::WrongState));
                    }
                    sqlx::query("UPDATE case_hops SET state = 'accepted', accepted_at = $2, accepted_by = $3 WHERE id = $1")
                        .bind(hop_id).bind(now).bind(person_id).execute(&mut *tx).await?;
                    sqlx::query("UPDATE cases SET acknowledged_at = COALESCE(acknowledged_at, $2) WHERE id = $1")
                        .bind(case_id).bind(now).execute(&mut *tx).await?;
                    ("case.accepted", json!({ "unit_id": unit_id }))
                }
                HopMove::Return(reason) => {
                    if !state.is_live() {
                        return Ok(Err(CaseRefusal::WrongState));
                    }
                    sqlx::query("UPDATE case_hops SET state = 'returned', returned_at = $2, return_reason = $3 WHERE id = $1")
                        .bind(hop_id).bind(now).bind(*reason).execute(&mut *tx).await?;
                    ("case.returned", json!({ "unit_id": unit_id, "reason": reason }))
                }
                HopMove::Answer { text, files, time } => {
                    if !state.is_live() {
                        return Ok(Err(CaseRefusal::WrongState));
                    }
                    let late = time.late(now, due);
                    sqlx::query(
                        "UPDATE case_hops SET state = 'answered', answered_at = $2, answered_by = $3, answer = $4, \
                         late = $5, accepted_at = COALESCE(accepted_at, $2), accepted_by = COALESCE(accepted_by, $3) WHERE id = $1",
                    )
                    .bind(hop_id).bind(now).bind(person_id).bind(*text).bind(late)
                    .execute(&mut *tx).await?;
                    sqlx::query("UPDATE cases SET acknowledged_at = COALESCE(acknowledged_at, $2) WHERE id = $1")
                        .bind(case_id).bind(now).execute(&mut *tx).await?;
                    for file in files.iter() {
                        sqlx::query(
                            "INSERT INTO case_files (case_id, hop_id, file_id, file_unique_id, file_name, mime_type, file_size, added_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        )
                        .bind(case_id).bind(hop_id).bind(&file.file_id).bind(&file.file_unique_id)
                        .bind(&file.file_name).bind(&file.mime_type).bind(file.file_size).bind(now)
                        .execute(&mut *tx).await?;
                    }
                    ("case.answered", json!({ "unit_id": unit_id, "late": late, "files": files.len() }))
                }
            };
            let next = refresh_state!(&mut *tx, case_id);
            if next == CaseState::Answered {
                // The case is answered when its last unit answers; late if any answer was.
                sqlx::query(
                    "UPDATE cases SET answered_at = $2, late = (late OR EXISTS (SELECT 1 FROM case_hops \
                     WHERE case_id = $1 AND state = 'answered' AND late)) WHERE id = $1",
                )
                .bind(case_id).bind(now).execute(&mut *tx).await?;
            }
            let number: String = sqlx::query_scalar("SELECT number FROM cases WHERE id = $1")
                .bind(case_id).fetch_one(&mut *tx).await?;
            audit!(&mut *tx, now, actor, event, "case", number, detail);
            tx.commit().await?;
            Ok(next)
        }))
    }

    /// The operator's moves on a whole case: citizen informed, closed, reopened, cancelled.
    pub async fn operate_case(
        &self,
        case_id: CaseId,
        action: CaseAction,
        delivery: Option<&Delivery>,
        actor: &Actor,
    ) -> Result<Result<CaseState, CaseRefusal>, StoreError> {
        let now = self.now();
        Ok(with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !delivered_once(&mut *tx, delivery, now).await? {
                return Ok(Err(CaseRefusal::Duplicate));
            }
            let found: Option<(String, String)> = sqlx::query_as("SELECT number, state FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((number, state)) = found else {
                return Ok(Err(CaseRefusal::NotFound));
            };
            let state: CaseState = state.parse().map_err(corrupt)?;
            let (sql, next, event) = match action {
                CaseAction::Informed if state == CaseState::Answered => (
                    "UPDATE cases SET citizen_informed_at = $2 WHERE id = $1",
                    state,
                    "case.informed",
                ),
                CaseAction::Close if state == CaseState::Answered => (
                    "UPDATE cases SET state = 'closed', closed_at = $2, \
                     citizen_informed_at = COALESCE(citizen_informed_at, $2) WHERE id = $1",
                    CaseState::Closed,
                    "case.closed",
                ),
                CaseAction::Reopen if state == CaseState::Closed => (
                    "UPDATE cases SET state = 'reopened', reopened = reopened + 1, closed_at = NULL, \
                     answered_at = NULL, citizen_informed_at = NULL WHERE id = $1 AND $2 IS NOT NULL",
                    CaseState::Reopened,
                    "case.reopened",
                ),
                CaseAction::Cancel if state.is_open() => (
                    "UPDATE cases SET state = 'cancelled', closed_at = $2 WHERE id = $1",
                    CaseState::Cancelled,
                    "case.cancelled",
                ),
                _ => return Ok(Err(CaseRefusal::WrongState)),
            };
            sqlx::query(sql).bind(case_id).bind(now).execute(&mut *tx).await?;
            if matches!(action, CaseAction::Reopen | CaseAction::Cancel) {
                // Earlier answers stay on record; the units are relieved until it is sent again.
                sqlx::query("UPDATE case_hops SET state = 'withdrawn' WHERE case_id = $1 AND state <> 'returned'")
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await?;
            }
            audit!(&mut *tx, now, actor, event, "case", number, json!({ "from": state.as_str() }));
            tx.commit().await?;
            Ok(next)
        }))
    }

    /// A case's number by its id.
    pub async fn case_number(&self, case_id: CaseId) -> Result<Option<CaseNumber>, StoreError> {
        let row: Option<(i32, i64)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT year, seq FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(year, seq)| CaseNumber { year, seq }))
    }

    /// A unit's name by its id.
    pub async fn unit_name(&self, unit_id: UnitId) -> Result<Option<String>, StoreError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar("SELECT name FROM units WHERE id = $1")
                .bind(unit_id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// The routing rules, most specific first.
    pub async fn routing_rules(&self) -> Result<Vec<RoutingRule>, StoreError> {
        let rows: Vec<(Option<String>, Option<UnitId>, UnitId)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT category, place_unit_id, unit_id FROM routing_rules ORDER BY id")
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(category, place_unit_id, unit_id)| RoutingRule {
                category,
                place_unit_id,
                unit_id,
            })
            .collect())
    }

    /// Replaces every routing rule.
    pub async fn replace_routing_rules(
        &self,
        rules: &[RoutingRule],
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("DELETE FROM routing_rules").execute(&mut *tx).await?;
            for rule in rules {
                sqlx::query("INSERT INTO routing_rules (category, place_unit_id, unit_id, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(&rule.category)
                    .bind(rule.place_unit_id)
                    .bind(rule.unit_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            audit!(&mut *tx, now, actor, "routing.replace", "routing_rules", "all",
                json!({ "rules": rules.len() }));
            tx.commit().await?;
        });
        Ok(())
    }
}

/// The operator's command line: who asks for an export, and the audit row of one with contacts.
impl Store {
    /// The person with id `person_id`, with their unit.
    pub async fn member_by_person_id(
        &self,
        person_id: PersonId,
    ) -> Result<Option<super::Member>, StoreError> {
        let sql = format!(
            "SELECT {} FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1",
            super::members::MEMBER_COLUMNS
        );
        let row: Option<super::members::MemberRow> = with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(person_id).fetch_optional(pool).await?
        });
        row.map(super::members::member_from_row).transpose()
    }

    /// Records that `person_id` exported `cases` cases received in `[from, to)` with the
    /// citizens' names and phones. The contacts themselves never enter the log.
    pub async fn record_contact_export(
        &self,
        person_id: PersonId,
        cases: usize,
        from: NaiveDate,
        to: NaiveDate,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = self.now();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            audit!(&mut *tx, now, actor, "cases.export_contacts", "cases", format!("{from}..{to}"),
                json!({ "by": person_id, "cases": cases, "from": from.to_string(), "to": to.to_string() }));
            tx.commit().await?;
        });
        Ok(())
    }
}

/// What a unit does with its hop.
enum HopMove<'a> {
    Accept,
    Return(&'a str),
    Answer {
        text: &'a str,
        files: &'a [NewAttachment],
        time: &'a CaseTime<'a>,
    },
}

/// What the operator does with a whole case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAction {
    Informed,
    Close,
    Reopen,
    Cancel,
}
