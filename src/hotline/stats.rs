//! The hotline's figures for a month (or any set of cases): received, acknowledged within the
//! acknowledgement clock, answered within the working-day clock, answered late, still waiting
//! for an answer and overdue — in total, per unit and per category. A pure function of the
//! cases, so `dondoc cases stats` and the coordinator's digest count the same way.
//!
//! In total and per category a case counts once, on the case's own clocks (from intake). Per
//! unit, every forward to the unit counts on that forward's clocks; forwards the unit gave back
//! (not its responsibility) or that the operator withdrew before an answer are left out.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::domain::case::HopState;
use crate::domain::text::match_key;
use crate::store::{CaseView, HopView, UnitBrief};

/// One line of figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub received: u32,
    /// Acknowledged no later than `ack_hours` after intake (or the forward).
    pub acknowledged_in_time: u32,
    /// Answered on or before the answer's due date.
    pub answered_in_time: u32,
    /// Answered after it.
    pub answered_late: u32,
    /// Not answered yet (cancelled cases aside).
    pub open: u32,
    /// Of the open ones, those whose answer's due date has passed.
    pub overdue: u32,
}

impl Figures {
    fn count(&mut self, clock: Clock) {
        self.received += 1;
        self.acknowledged_in_time += u32::from(clock.acknowledged_in_time);
        match clock.answered_in_time {
            Some(true) => self.answered_in_time += 1,
            Some(false) => self.answered_late += 1,
            None if clock.open => {
                self.open += 1;
                self.overdue += u32::from(clock.overdue);
            }
            None => {}
        }
    }
}

/// The figures of a set of cases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseStats {
    pub total: Figures,
    /// Most cases first, then by name.
    pub by_unit: Vec<(UnitBrief, Figures)>,
    /// Most cases first, then by name; spellings that differ only in case or accents are one.
    pub by_category: Vec<(String, Figures)>,
}

/// Where one case, or one forward, stands against its two clocks.
#[derive(Debug, Clone, Copy)]
struct Clock {
    acknowledged_in_time: bool,
    /// None: not answered.
    answered_in_time: Option<bool>,
    open: bool,
    overdue: bool,
}

struct Rules {
    ack: Duration,
    time_zone: Tz,
    today: NaiveDate,
}

impl Rules {
    fn clock(
        &self,
        (from, ack_due): (DateTime<Utc>, DateTime<Utc>),
        acknowledged: Option<DateTime<Utc>>,
        answered: Option<DateTime<Utc>>,
        due: NaiveDate,
        open: bool,
    ) -> Clock {
        let answered_in_time =
            answered.map(|at| at.with_timezone(&self.time_zone).date_naive() <= due);
        let open = open && answered.is_none();
        Clock {
            // Within `ack_hours`, or by the deadline recorded (a case received after hours
            // counts from the next opening, `hotline.clocks.ack_from`).
            acknowledged_in_time: acknowledged
                .is_some_and(|at| at - from <= self.ack || at <= ack_due),
            answered_in_time,
            open,
            overdue: open && self.today > due,
        }
    }
}

/// Whether case `case` was answered late, or is still unanswered after its due date on
/// `today`: what the export's "late" column shows.
pub fn case_late(case: &CaseView, time_zone: Tz, today: NaiveDate) -> bool {
    match case.answered_at {
        Some(at) => case.late || at.with_timezone(&time_zone).date_naive() > case.answer_due_date,
        None => case.state.is_open() && today > case.answer_due_date,
    }
}

/// `cases` as they stood at `at`: those received later left out, and every step taken later
/// (acknowledged, forwarded, accepted, returned, answered, closed) undone, so that figures
/// "as of" an instant mean that instant, whatever happened since.
pub fn as_of(cases: &[CaseView], at: DateTime<Utc>) -> Vec<CaseView> {
    use crate::domain::case::CaseState;
    let before = |t: Option<DateTime<Utc>>| t.filter(|t| *t <= at);
    cases
        .iter()
        .filter(|c| c.received_at <= at)
        .map(|case| {
            let mut case = case.clone();
            case.hops.retain(|h| h.forwarded_at <= at);
            for hop in &mut case.hops {
                let later = [hop.accepted_at, hop.returned_at, hop.answered_at]
                    .iter()
                    .any(|t| t.is_some_and(|t| t > at));
                hop.accepted_at = before(hop.accepted_at);
                hop.returned_at = before(hop.returned_at);
                hop.answered_at = before(hop.answered_at);
                if later {
                    hop.state = if hop.answered_at.is_some() {
                        HopState::Answered
                    } else if hop.returned_at.is_some() {
                        HopState::Returned
                    } else if hop.accepted_at.is_some() {
                        HopState::Accepted
                    } else {
                        HopState::Forwarded
                    };
                    if hop.answered_at.is_none() {
                        hop.answer = None;
                        hop.late = false;
                    }
                }
            }
            let later = [
                case.acknowledged_at,
                case.answered_at,
                case.citizen_informed_at,
                case.closed_at,
            ]
            .iter()
            .any(|t| t.is_some_and(|t| t > at));
            case.acknowledged_at = before(case.acknowledged_at);
            case.answered_at = before(case.answered_at);
            case.citizen_informed_at = before(case.citizen_informed_at);
            case.closed_at = before(case.closed_at);
            if later {
                case.state = if case.closed_at.is_some() {
                    CaseState::Closed
                } else if case.answered_at.is_some() {
                    CaseState::Answered
                } else if case.hops.iter().any(|h| h.accepted_at.is_some()) {
                    CaseState::Accepted
                } else if case.hops.is_empty() {
                    CaseState::Received
                } else {
                    CaseState::Forwarded
                };
                if case.answered_at.is_none() {
                    case.late = false;
                }
            }
            case
        })
        .collect()
}

/// Counts `cases` with an acknowledgement clock of `ack_hours`, days in `time_zone`, and
/// `today` (in the province) deciding what is overdue.
pub fn case_stats(
    cases: &[CaseView],
    ack_hours: u32,
    time_zone: Tz,
    today: NaiveDate,
) -> CaseStats {
    let rules = Rules {
        ack: Duration::hours(i64::from(ack_hours)),
        time_zone,
        today,
    };
    let mut stats = CaseStats::default();
    let mut units: Vec<(UnitBrief, Figures)> = Vec::new();
    let mut categories: Vec<(String, String, Figures)> = Vec::new();
    for case in cases {
        let clock = rules.clock(
            (case.received_at, case.ack_due_at),
            case.acknowledged_at,
            case.answered_at,
            case.answer_due_date,
            case.state.is_open(),
        );
        stats.total.count(clock);
        let key = match_key(&case.category);
        match categories.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, figures)) => figures.count(clock),
            None => {
                let mut figures = Figures::default();
                figures.count(clock);
                categories.push((key, case.category.clone(), figures));
            }
        }
        for hop in case.hops.iter().filter(|h| counts_for_unit(h)) {
            let clock = rules.clock(
                (hop.forwarded_at, hop.ack_due_at),
                hop.accepted_at,
                hop.answered_at,
                hop.answer_due_date,
                hop.state.is_live(),
            );
            match units.iter_mut().find(|(u, _)| u.id == hop.unit.id) {
                Some((_, figures)) => figures.count(clock),
                None => {
                    let mut figures = Figures::default();
                    figures.count(clock);
                    units.push((hop.unit.clone(), figures));
                }
            }
        }
    }
    units.sort_by(|(a, fa), (b, fb)| fb.received.cmp(&fa.received).then(a.name.cmp(&b.name)));
    categories.sort_by(|(_, a, fa), (_, b, fb)| fb.received.cmp(&fa.received).then(a.cmp(b)));
    stats.by_unit = units;
    stats.by_category = categories
        .into_iter()
        .map(|(_, name, figures)| (name, figures))
        .collect();
    stats
}

/// A forward the unit still holds, or answered; not one it gave back or was relieved of.
fn counts_for_unit(hop: &HopView) -> bool {
    match hop.state {
        HopState::Returned => false,
        HopState::Withdrawn => hop.answered_at.is_some(),
        HopState::Forwarded | HopState::Accepted | HopState::Answered => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::{CaseNumber, CaseState, Channel};
    use crate::domain::{UnitCode, UnitKind};
    use chrono::TimeZone;
    use chrono_tz::Asia::Ho_Chi_Minh;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Ho_Chi_Minh
            .with_ymd_and_hms(2026, 11, d, h, 0, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn unit(id: i64, name: &str) -> UnitBrief {
        UnitBrief {
            id: crate::domain::UnitId(id),
            code: UnitCode::parse(&format!("U{id}")).unwrap(),
            name: name.into(),
            kind: UnitKind::Commune,
        }
    }

    fn hop(unit_id: i64, state: HopState, accepted: Option<u32>, answered: Option<u32>) -> HopView {
        HopView {
            id: crate::domain::CaseHopId(0),
            case_id: crate::domain::CaseId(0),
            unit: unit(
                unit_id,
                if unit_id == 1 {
                    "Phường A"
                } else {
                    "Phòng B"
                },
            ),
            state,
            forwarded_at: at(2, 9),
            ack_due_at: at(3, 9),
            answer_due_date: day(10),
            accepted_at: accepted.map(|h| at(2, 9) + Duration::hours(i64::from(h))),
            returned_at: None,
            return_reason: None,
            answered_at: answered.map(|d| at(d, 15)),
            answer: None,
            late: false,
        }
    }

    fn case(category: &str, state: CaseState, hops: Vec<HopView>) -> CaseView {
        let acknowledged_at = hops.iter().filter_map(|h| h.accepted_at).min();
        let answered_at = (state == CaseState::Answered || state == CaseState::Closed)
            .then(|| hops.iter().filter_map(|h| h.answered_at).max())
            .flatten();
        CaseView {
            id: crate::domain::CaseId(0),
            number: CaseNumber { year: 2026, seq: 1 },
            channel: Channel::Phone,
            content: String::new(),
            place: unit(1, "Phường A"),
            category: category.into(),
            citizen_name: None,
            citizen_phone: None,
            contact_consent: false,
            state,
            operator_id: None,
            received_at: at(2, 9),
            ack_due_at: at(3, 9),
            answer_due_date: day(10),
            acknowledged_at,
            answered_at,
            late: false,
            citizen_informed_at: None,
            closed_at: None,
            hops,
            files: Vec::new(),
        }
    }

    #[test]
    fn counts_in_total_per_unit_and_per_category() {
        use HopState as H;
        let cases = vec![
            // Acknowledged in 2 hours, answered on the 5th: in time.
            case(
                "Quản trị môi trường",
                CaseState::Closed,
                vec![hop(1, H::Answered, Some(2), Some(5))],
            ),
            // Acknowledged after 30 hours, answered on the 12th: late.
            case(
                "quan tri moi truong",
                CaseState::Answered,
                vec![hop(1, H::Answered, Some(30), Some(12))],
            ),
            // Never acknowledged, still open on the 20th: overdue.
            case(
                "Khác",
                CaseState::Forwarded,
                vec![hop(2, H::Forwarded, None, None)],
            ),
            // Returned by unit 1, now accepted by unit 2 in time, not answered.
            case(
                "Khác",
                CaseState::Accepted,
                vec![
                    hop(1, H::Returned, None, None),
                    hop(2, H::Accepted, Some(1), None),
                ],
            ),
            // Cancelled before any answer: received, nothing else.
            case(
                "Khác",
                CaseState::Cancelled,
                vec![hop(2, H::Withdrawn, None, None)],
            ),
        ];
        let stats = case_stats(&cases, 24, Ho_Chi_Minh, day(20));
        assert_eq!(
            stats.total,
            Figures {
                received: 5,
                acknowledged_in_time: 2,
                answered_in_time: 1,
                answered_late: 1,
                open: 2,
                overdue: 2,
            }
        );
        assert_eq!(stats.by_category.len(), 2);
        assert_eq!(stats.by_category[0].0, "Khác");
        assert_eq!(stats.by_category[0].1.received, 3);
        assert_eq!(stats.by_category[1].0, "Quản trị môi trường");
        assert_eq!(
            stats.by_category[1].1,
            Figures {
                received: 2,
                acknowledged_in_time: 1,
                answered_in_time: 1,
                answered_late: 1,
                open: 0,
                overdue: 0,
            }
        );
        let units: Vec<(&str, Figures)> = stats
            .by_unit
            .iter()
            .map(|(u, f)| (u.name.as_str(), *f))
            .collect();
        assert_eq!(
            units,
            [
                (
                    "Phòng B",
                    Figures {
                        received: 2,
                        acknowledged_in_time: 1,
                        answered_in_time: 0,
                        answered_late: 0,
                        open: 2,
                        overdue: 2,
                    }
                ),
                (
                    "Phường A",
                    Figures {
                        received: 2,
                        acknowledged_in_time: 1,
                        answered_in_time: 1,
                        answered_late: 1,
                        open: 0,
                        overdue: 0,
                    }
                ),
            ]
        );
        // Before the due date nothing is overdue.
        assert_eq!(
            case_stats(&cases, 24, Ho_Chi_Minh, day(10)).total.overdue,
            0
        );
    }

    #[test]
    fn the_export_calls_late_what_the_figures_call_late() {
        use HopState as H;
        let late = case(
            "Khác",
            CaseState::Answered,
            vec![hop(1, H::Answered, Some(1), Some(12))],
        );
        let on_time = case(
            "Khác",
            CaseState::Answered,
            vec![hop(1, H::Answered, Some(1), Some(10))],
        );
        let waiting = case(
            "Khác",
            CaseState::Forwarded,
            vec![hop(1, H::Forwarded, None, None)],
        );
        assert!(case_late(&late, Ho_Chi_Minh, day(20)));
        assert!(!case_late(&on_time, Ho_Chi_Minh, day(20)));
        assert!(!case_late(&waiting, Ho_Chi_Minh, day(10)));
        assert!(case_late(&waiting, Ho_Chi_Minh, day(11)));
    }
}
