//! The public-holiday table: days off and worked weekend days, replaced a year at a time.
//! (The working calendar read from it is `schedule.rs`'s: deadlines and passes read it.)

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde_json::json;

use super::schedule::HolidayRow;
use super::{audit_batch, insert_batched, with_pool, AuditRow, BeginWrite, Store, StoreError};
use crate::domain::{Actor, CalendarDay};

/// What `replace_holidays` did: the years it replaced and how many days it stored in them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HolidaysSaved {
    pub years: Vec<i32>,
    pub days: usize,
}

/// 1 January of `year` and of the year after: the half-open range a year's rows live in.
fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate), StoreError> {
    let first = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1);
    match (first(year), year.checked_add(1).and_then(first)) {
        (Some(start), Some(end)) => Ok((start, end)),
        _ => Err(StoreError::Invalid(format!("year {year} is out of range"))),
    }
}

impl Store {
    /// The holiday table's rows in `year`, by date.
    pub async fn holidays(&self, year: i32) -> Result<Vec<CalendarDay>, StoreError> {
        const SQL: &str = "SELECT day, name, kind FROM holidays \
                           WHERE day >= $1 AND day < $2 ORDER BY day";
        let (start, end) = year_bounds(year)?;
        let rows: Vec<HolidayRow> = with_pool!(self, pool => {
            sqlx::query_as(SQL).bind(start).bind(end).fetch_all(pool).await?
        });
        rows.into_iter().map(CalendarDay::try_from).collect()
    }

    /// Replaces every year present in `days` with exactly the given rows, in one
    /// transaction with one audit row per year. Years not in `days` are left alone; an empty
    /// `days` changes nothing. Refuses a date given twice.
    pub async fn replace_holidays(
        &self,
        days: &[CalendarDay],
        actor: &Actor,
    ) -> Result<HolidaysSaved, StoreError> {
        let mut seen = HashSet::new();
        if let Some(twice) = days.iter().find(|d| !seen.insert(d.date)) {
            return Err(StoreError::Invalid(format!(
                "holiday {} is given twice",
                twice.date
            )));
        }
        let mut by_year: BTreeMap<i32, Vec<&CalendarDay>> = BTreeMap::new();
        for day in days {
            by_year.entry(day.date.year()).or_default().push(day);
        }
        let years = by_year
            .into_iter()
            .map(|(year, rows)| Ok((year, year_bounds(year)?, rows)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        if years.is_empty() {
            return Ok(HolidaysSaved::default());
        }
        let now = self.now();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let mut audit_rows = Vec::with_capacity(years.len());
            for (year, (start, end), rows) in &years {
                let removed = sqlx::query("DELETE FROM holidays WHERE day >= $1 AND day < $2")
                    .bind(*start)
                    .bind(*end)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                insert_batched!(&mut *tx, "INSERT INTO holidays (day, name, kind) ", rows, 3,
                    |b, day| b.push_bind(day.date).push_bind(day.name.as_str()).push_bind(day.kind.as_str()));
                audit_rows.push(AuditRow {
                    action: "holidays.replace",
                    entity: "holidays",
                    key: year.to_string(),
                    detail: json!({ "days": rows.len(), "replaced": removed }).to_string(),
                });
            }
            audit_batch!(&mut *tx, now, actor, audit_rows);
            tx.commit().await?;
        });
        Ok(HolidaysSaved {
            years: years.iter().map(|(year, _, _)| *year).collect(),
            days: days.len(),
        })
    }
}
