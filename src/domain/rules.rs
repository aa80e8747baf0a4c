//! The rules a scheduler pass follows: the reminder policy, the escalation ladder, working
//! hours, the digest's and the pass's cron schedules, the province's time zone and language.
//! Plain values; `Rules::from_config` (in `config`) fills them from configuration.

use std::str::FromStr;

use chrono::{DateTime, TimeZone};
use chrono_tz::Tz;
use serde::Deserialize;

use super::case::CaseClocks;
use super::{Ladder, Lang, ReminderPolicy, WorkingHours};

/// A cron expression as configuration writes it ("0 */5 * * * *": sec min hour day month
/// weekday), parsed once.
#[derive(Debug, Clone)]
pub struct CronSchedule {
    pub expression: String,
    pub schedule: Option<cron::Schedule>,
}

impl CronSchedule {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let schedule = cron::Schedule::from_str(raw.trim()).map_err(|e| {
            format!("not a cron expression (sec min hour day month weekday): {raw:?}: {e}")
        })?;
        Ok(Self {
            expression: raw.trim().to_string(),
            schedule: Some(schedule),
        })
    }

    pub(crate) fn never() -> Self {
        Self {
            expression: String::new(),
            schedule: None,
        }
    }
}

impl<'de> Deserialize<'de> for CronSchedule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        CronSchedule::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// The rules a scheduler pass follows, from configuration (`Rules::from_config`, in `config`).
#[derive(Debug, Clone)]
pub struct Rules {
    pub policy: ReminderPolicy,
    pub ladder: Ladder,
    pub hours: WorkingHours,
    pub digest: CronSchedule,
    pub pass: CronSchedule,
    pub time_zone: Tz,
    pub lang: Lang,
    /// The hotline's two clocks.
    pub case_clocks: CaseClocks,
    /// Reminders, window and escalation messages one pass queues at most
    /// (`schedule.wave_part`); the rest of the day's wave is the next passes'.
    pub wave_part: usize,
}

impl Rules {
    /// Whether the digest is due at `local` (the caller checks it is a working day): its cron
    /// fired earlier today and the working day is not over. A service started at 22:00 (or
    /// down all day) does not send that day's digest in the night; the next morning's comes at
    /// its time. A cron set at or after the end of working hours is due until midnight.
    pub fn digest_due(&self, local: DateTime<Tz>) -> bool {
        let Some(schedule) = &self.digest.schedule else {
            return false;
        };
        let Some(midnight) = local
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .and_then(|m| self.time_zone.from_local_datetime(&m).earliest())
        else {
            return false;
        };
        let since = midnight - chrono::Duration::seconds(1);
        schedule.after(&since).next().is_some_and(|fire| {
            let day_over = fire.time() < self.hours.end && local.time() >= self.hours.end;
            fire.date_naive() == local.date_naive() && fire <= local && !day_over
        })
    }
}
