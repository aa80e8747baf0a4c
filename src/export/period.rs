//! Which reporting period a coordinator means, and which days it covers.
//!
//! A plan's calendar has keys such as `q1`, `h1`, `q3`, `annual`, `commune_plan` (see
//! `domain::calendar`). People type "Q3", "quý III", "6T", "6 tháng", "CN", "năm", or the
//! label itself ("Báo cáo quý III"). Seed 004's regime has no separate Q2 and Q4 reports: the
//! 6-month report stands for Q2 and the annual report for Q4, so "Q2" finds `h1` and "Q4"
//! finds `annual` when the plan has no `q2`/`q4` of its own.

use chrono::{Datelike, NaiveDate};

use crate::domain::text::match_key;
use crate::store::StoredPeriod;

/// What people type for each usual period, after [`compact`], with the key it means.
const ALIASES: &[(&str, &[&str])] = &[
    ("q1", &["q1", "qi", "quy1", "quyi", "3t", "3thang"]),
    (
        "q2",
        &["q2", "qii", "quy2", "quyii"], // falls back to h1 below
    ),
    (
        "h1",
        &[
            "h1", "6t", "6thang", "06thang", "sauthang", "nuanam", "halfyear", "6months",
        ],
    ),
    (
        "q3",
        &["q3", "qiii", "quy3", "quyiii", "9t", "9thang", "09thang"],
    ),
    ("q4", &["q4", "qiv", "quy4", "quyiv"]), // falls back to annual below
    (
        "annual",
        &[
            "annual", "year", "cn", "canam", "nam", "12t", "12thang", "y",
        ],
    ),
];

/// Keys that stand in for a missing one: the 6-month report covers Q2, the annual report Q4.
const STAND_INS: &[(&str, &str)] = &[("q2", "h1"), ("q4", "annual")];

/// Lower-case, no diacritics, no spaces or punctuation: "Quý III" → "quyiii", "6 tháng" → "6thang".
fn compact(text: &str) -> String {
    match_key(text).replace(' ', "")
}

/// "quy3/2026" → "quy3", "quyiiinam2026" → "quyiii": the plan's year is implied (a plan has
/// one calendar). `compacted` is ASCII (see [`compact`]), so byte offsets are characters.
fn without_year(compacted: &str) -> &str {
    if compacted.len() <= 4 || !compacted.is_ascii() {
        return compacted;
    }
    let (head, year) = compacted.split_at(compacted.len() - 4);
    let is_year = (year.starts_with("19") || year.starts_with("20"))
        && year.chars().all(|c| c.is_ascii_digit());
    if !is_year {
        return compacted;
    }
    match head.strip_suffix("nam") {
        Some(rest) if !rest.is_empty() => rest,
        _ => head,
    }
}

/// The period of `periods` that `typed` names: its key, its label, or a usual alias, with or
/// without the year ("Q3/2026").
pub fn find_period<'a>(periods: &'a [StoredPeriod], typed: &str) -> Option<&'a StoredPeriod> {
    let compacted = compact(typed);
    find_compact(periods, &compacted).or_else(|| find_compact(periods, without_year(&compacted)))
}

fn find_compact<'a>(periods: &'a [StoredPeriod], wanted: &str) -> Option<&'a StoredPeriod> {
    if wanted.is_empty() {
        return None;
    }
    let by_key = |key: &str| periods.iter().find(|p| compact(p.key.as_str()) == key);
    if let Some(period) = by_key(wanted) {
        return Some(period);
    }
    if let Some(period) = periods.iter().find(|p| compact(&p.label) == wanted) {
        return Some(period);
    }
    let (key, _) = ALIASES
        .iter()
        .find(|(_, spellings)| spellings.contains(&wanted))?;
    by_key(key).or_else(|| {
        STAND_INS
            .iter()
            .find(|(missing, _)| missing == key)
            .and_then(|(_, stand_in)| by_key(stand_in))
    })
}

/// "q1 (Báo cáo quý I, 10/03/2026), h1 (…)": the periods a coordinator may name.
pub fn choices(periods: &[StoredPeriod]) -> String {
    periods
        .iter()
        .map(|p| format!("{} ({}, {})", p.key, p.label, p.due_date.format("%d/%m/%Y")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The period to report on when none is named: the latest one already due on `today`, else
/// the first one (early in the year nothing is due yet, and the first report is next).
pub fn default_period(periods: &[StoredPeriod], today: NaiveDate) -> Option<&StoredPeriod> {
    periods
        .iter()
        .filter(|p| p.due_date <= today)
        .max_by_key(|p| (p.due_date, p.id))
        .or_else(|| periods.iter().min_by_key(|p| (p.due_date, p.id)))
}

/// The days a period's report covers, for the hotline cases it lists: a quarter for `q1`…`q4`
/// (Q1 from 1/1 to 31/3 …), the first half for `h1`, the calendar year for `annual`, and from
/// 1 January to the due date for any other period (the commune plan, an ad-hoc report).
pub fn coverage(period: &StoredPeriod) -> (NaiveDate, NaiveDate) {
    let year = period.due_date.year();
    let day = |m, d| NaiveDate::from_ymd_opt(year, m, d).unwrap_or(period.due_date);
    match period.key.as_str() {
        "q1" => (day(1, 1), day(3, 31)),
        "q2" => (day(4, 1), day(6, 30)),
        "h1" => (day(1, 1), day(6, 30)),
        "q3" => (day(7, 1), day(9, 30)),
        "q4" => (day(10, 1), day(12, 31)),
        "annual" => (day(1, 1), day(12, 31)),
        _ => (day(1, 1), period.due_date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{default_templates, periods_for_year};

    fn stored() -> Vec<StoredPeriod> {
        periods_for_year(&default_templates(), 2026)
            .into_iter()
            .enumerate()
            .map(|(i, p)| StoredPeriod {
                id: i as i64 + 1,
                key: p.key,
                label: p.label,
                due_date: p.due_date,
                owed_by: p.owed_by,
            })
            .collect()
    }

    fn key_of(typed: &str) -> Option<String> {
        let periods = stored();
        find_period(&periods, typed).map(|p| p.key.as_str().to_string())
    }

    #[test]
    fn what_coordinators_type() {
        for (typed, key) in [
            ("Q3", "q3"),
            ("q1", "q1"),
            ("Quý III", "q3"),
            ("quy 3", "q3"),
            ("6T", "h1"),
            ("6 tháng", "h1"),
            ("H1", "h1"),
            ("Q2", "h1"),
            ("Q4", "annual"),
            ("CN", "annual"),
            ("năm", "annual"),
            ("annual", "annual"),
            ("Báo cáo quý III", "q3"),
            ("Q3/2026", "q3"),
            ("quý III năm 2026", "q3"),
            ("6 tháng 2026", "h1"),
            ("Năm 2026", "annual"),
            ("commune_plan", "commune_plan"),
        ] {
            assert_eq!(key_of(typed).as_deref(), Some(key), "{typed}");
        }
        assert_eq!(key_of("Q5"), None);
        assert_eq!(key_of(""), None);
    }

    #[test]
    fn default_is_the_latest_due() {
        let periods = stored();
        let on = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
        let key = |day| default_period(&periods, day).map(|p| p.key.as_str().to_string());
        assert_eq!(key(on(9, 20)).as_deref(), Some("q3"));
        assert_eq!(key(on(9, 10)).as_deref(), Some("q3"));
        assert_eq!(key(on(12, 31)).as_deref(), Some("annual"));
        assert_eq!(key(on(1, 5)).as_deref(), Some("q1"));
    }

    #[test]
    fn quarters_and_halves() {
        let periods = stored();
        let span = |key: &str| {
            let p = periods
                .iter()
                .find(|p| p.key.as_str() == key)
                .expect("period");
            let (from, to) = coverage(p);
            (
                from.format("%d/%m").to_string(),
                to.format("%d/%m").to_string(),
            )
        };
        assert_eq!(span("q3"), ("01/07".into(), "30/09".into()));
        assert_eq!(span("h1"), ("01/01".into(), "30/06".into()));
        assert_eq!(span("annual"), ("01/01".into(), "31/12".into()));
        assert_eq!(span("commune_plan"), ("01/01".into(), "30/05".into()));
    }
}
