//! The scheduler walks a year with an injected clock: reminders on the right working days,
//! none on weekends, holidays or after a unit reported, escalation steps on the right days,
//! digests with the right content, closing reports. On SQLite and Postgres.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Asia::Ho_Chi_Minh;
use dondoc::clock::FixedClock;
use dondoc::config::Config;
use dondoc::domain::calendar::DueDateEdit;
use dondoc::domain::{PeriodKey, PersonRole, UnitCode};
use dondoc::outbox::Doorbell;
use dondoc::scheduler::{Rules, Scheduler};
use dondoc::store::{OutboxMessage, Store, Submission};
use support::{actor, test_dbs};

const TRANPHU_HEAD: i64 = 1001;
const TRANPHU_STAFF: i64 = 1002;
const MINHKHAI_HEAD: i64 = 1011;
const COORDINATOR: i64 = 2001;
const OFFICE_FOCAL: i64 = 2002;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// `hour:minute` in Hà Giang on `day`.
fn local(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    Ho_Chi_Minh
        .from_local_datetime(&day.and_hms_opt(hour, minute, 0).expect("valid time"))
        .single()
        .expect("no DST in Vietnam")
        .with_timezone(&Utc)
}

/// Seed 004's units and plan, as the 2026 plan, with members linked to Telegram.
async fn seed(store: &Store) -> i64 {
    let plan_id = support::seed004(store, "HG-2026", 2026).await;
    let people = [
        (
            "HG-TRANPHU",
            PersonRole::Head,
            "Chủ tịch Trần Phú",
            TRANPHU_HEAD,
        ),
        (
            "HG-TRANPHU",
            PersonRole::FocalPoint,
            "Cán bộ Trần Phú",
            TRANPHU_STAFF,
        ),
        (
            "HG-MINHKHAI",
            PersonRole::Head,
            "Chủ tịch Minh Khai",
            MINHKHAI_HEAD,
        ),
        (
            "HG-PNV",
            PersonRole::Coordinator,
            "Chuyên viên Nội vụ",
            COORDINATOR,
        ),
        (
            "HG-PNV",
            PersonRole::FocalPoint,
            "Đầu mối Nội vụ",
            OFFICE_FOCAL,
        ),
    ];
    for (unit, role, name, telegram) in people {
        support::linked_member(store, unit, role, name, telegram).await;
    }
    // Two extra periods: one due the Monday after 30/4–1/5, one in the week after Tết 2027.
    store
        .set_due_dates(
            plan_id,
            &[
                DueDateEdit {
                    key: PeriodKey::parse("after_holiday").expect("key"),
                    due_date: date(2026, 5, 4),
                },
                DueDateEdit {
                    key: PeriodKey::parse("after_tet").expect("key"),
                    due_date: date(2027, 2, 12),
                },
            ],
            &actor(),
        )
        .await
        .expect("periods");
    plan_id
}

async fn period_id(store: &Store, plan_id: i64, key: &str) -> i64 {
    store
        .reporting_periods(plan_id)
        .await
        .expect("periods")
        .into_iter()
        .find(|p| p.key.as_str() == key)
        .unwrap_or_else(|| panic!("period {key}"))
        .id
}

async fn unit_id(store: &Store, code: &str) -> i64 {
    store
        .unit(&UnitCode::parse(code).expect("code"))
        .await
        .expect("unit")
        .expect("unit exists")
        .id
        .get()
}

async fn person_id(store: &Store, unit: &str, telegram: i64) -> i64 {
    store
        .people_in_unit(&UnitCode::parse(unit).expect("code"))
        .await
        .expect("people")
        .into_iter()
        .find(|p| p.telegram_user_id == Some(telegram))
        .expect("person")
        .id
        .get()
}

/// Minh Khai's head reports Q1 (update 1), through `store`.
async fn report_q1(store: &Store, q1: i64, minhkhai: i64, head: i64) {
    let submission = Submission {
        period_id: dondoc::domain::PeriodId(q1),
        unit_id: dondoc::domain::UnitId(minhkhai),
        person_id: dondoc::domain::PersonId(head),
        body: "Báo cáo quý I".into(),
        telegram_message_id: None,
        attachment: None,
    };
    store
        .record_submission(
            dondoc::domain::UpdateId(1),
            MINHKHAI_HEAD,
            MINHKHAI_HEAD,
            &submission,
        )
        .await
        .expect("submission");
}

/// How many of `messages` go to `chat`.
fn to(messages: &[dondoc::store::NewMessage], chat: i64) -> usize {
    messages.iter().filter(|m| m.chat_id == chat).count()
}

/// A kept scheduler's dry run at `at`, which must show what a fresh scheduler's shows.
async fn dry_as_fresh(
    kept: &Scheduler,
    other: &Store,
    at: DateTime<Utc>,
    name: &str,
) -> (
    Vec<dondoc::store::NewMessage>,
    Vec<dondoc::store::EscalationRecord>,
) {
    let seen = kept.pass(at, true).await.expect("dry pass");
    let truth = scheduler(other)
        .pass(at, true)
        .await
        .expect("fresh dry pass");
    assert_eq!(seen.messages, truth.messages, "{name}: messages at {at}");
    assert_eq!(seen.escalations, truth.escalations, "{name}: steps at {at}");
    (seen.messages, seen.escalations)
}

fn scheduler(store: &Store) -> Scheduler {
    Scheduler::new(
        store.clone(),
        Rules::from_config(&Config::default()),
        Doorbell::default(),
    )
}

/// The day (in Hà Giang) each message was queued.
fn queued_on(message: &OutboxMessage) -> NaiveDate {
    message.created_at.with_timezone(&Ho_Chi_Minh).date_naive()
}

/// Report reminders for one period and chat: the days they were queued.
fn reminder_days(messages: &[OutboxMessage], period: i64, chat: i64) -> Vec<NaiveDate> {
    let prefix = format!("remind:report:{period}:");
    let mut days: Vec<NaiveDate> = messages
        .iter()
        .filter(|m| m.chat_id == chat && m.key.starts_with(&prefix))
        .map(queued_on)
        .collect();
    days.sort();
    days
}

fn keys_to(messages: &[OutboxMessage], chat: i64, prefix: &str) -> Vec<(NaiveDate, String)> {
    messages
        .iter()
        .filter(|m| m.chat_id == chat && m.key.starts_with(prefix))
        .map(|m| (queued_on(m), m.key.clone()))
        .collect()
}

/// What the sender does when Telegram answers 403 for `chat`: the message is parked and the
/// member marked unreachable.
async fn mark_blocked(store: &Store, chat: i64) {
    let message = dondoc::store::NewMessage {
        key: format!("test:blocked:{chat}"),
        kind: dondoc::domain::MessageKind::Reminder,
        chat_id: chat,
        person_id: None,
        body: "?".into(),
        reply_markup: None,
        subject: Default::default(),
    };
    store.enqueue(&[message]).await.expect("queued");
    let id = store
        .outbox_messages()
        .await
        .expect("outbox")
        .into_iter()
        .find(|m| m.key == format!("test:blocked:{chat}"))
        .expect("the message")
        .id;
    let now = Utc::now();
    let lease = dondoc::store::SENDER_LEASE;
    assert!(store
        .acquire_lease(lease, "test", now, Duration::seconds(60))
        .await
        .expect("lease"));
    assert!(store
        .claim_message(id, "test", now, std::time::Duration::ZERO)
        .await
        .expect("claim"));
    store
        .park_message(id, "Forbidden: bot was blocked by the user")
        .await
        .expect("parked");
    store.release_lease(lease, "test").await.expect("released");
}

/// Walks every day from `from` to `to` with a pass at 06:00 (nothing may go out), 08:00 and
/// 20:00 (nothing may go out); `on_day` runs before the 08:00 pass.
async fn walk<F, Fut>(
    store: &Store,
    clock: &FixedClock,
    from: NaiveDate,
    to: NaiveDate,
    mut on_day: F,
) where
    F: FnMut(NaiveDate) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let scheduler = scheduler(store);
    let mut day = from;
    while day <= to {
        for (hour, minute) in [(6, 0), (8, 0), (20, 0)] {
            let at = local(day, hour, minute);
            clock.set(at);
            if (hour, minute) == (8, 0) {
                on_day(day).await;
                clock.set(at);
            }
            let report = scheduler.pass(at, false).await.expect("pass");
            if hour != 8 {
                assert_eq!(report.queued, 0, "nothing goes out at {hour}:00 on {day}");
            }
        }
        day += Duration::days(1);
    }
}

#[tokio::test]
async fn a_year_of_reminders_escalations_and_digests() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        let plan = seed(&store).await;
        let q1 = period_id(&store, plan, "q1").await;
        let commune_plan = period_id(&store, plan, "commune_plan").await;
        let h1 = period_id(&store, plan, "h1").await;
        let annual = period_id(&store, plan, "annual").await;
        let after_holiday = period_id(&store, plan, "after_holiday").await;
        let after_tet = period_id(&store, plan, "after_tet").await;
        let tranphu = unit_id(&store, "HG-TRANPHU").await;
        let minhkhai = unit_id(&store, "HG-MINHKHAI").await;
        let tranphu_head = person_id(&store, "HG-TRANPHU", TRANPHU_HEAD).await;

        // Trần Phú sends its Q1 report on Thursday 5/3 (after the 7-day reminder).
        let submitting = store.clone();
        walk(&store, &clock, date(2026, 1, 1), date(2027, 2, 28), |day| {
            let store = submitting.clone();
            async move {
                // Trần Phú reports Q1 on Thursday 5/3, before its due date, and the 6-month
                // report on Friday 12/6, two days late.
                let report = |period_id, body: &'static str, update_id| {
                    let store = store.clone();
                    async move {
                        let submission = Submission {
                            period_id,
                            unit_id: dondoc::domain::UnitId(tranphu),
                            person_id: dondoc::domain::PersonId(tranphu_head),
                            body: body.into(),
                            telegram_message_id: None,
                            attachment: None,
                        };
                        store
                            .record_submission(
                                dondoc::domain::UpdateId(update_id),
                                TRANPHU_HEAD,
                                TRANPHU_HEAD,
                                &submission,
                            )
                            .await
                            .expect("submission");
                    }
                };
                if day == date(2026, 3, 5) {
                    report(dondoc::domain::PeriodId(q1), "Báo cáo quý I", 1).await;
                }
                if day == date(2026, 6, 12) {
                    report(dondoc::domain::PeriodId(h1), "Báo cáo 6 tháng", 2).await;
                }
                // Trần Phú's focal point blocks the bot on 1/10: Telegram answers 403.
                if day == date(2026, 10, 1) {
                    mark_blocked(&store, TRANPHU_STAFF).await;
                }
            }
        })
        .await;
        let messages = store.outbox_messages().await.expect("outbox");
        let calendar = store.working_calendar().await.expect("calendar");

        // Nothing at all on a weekend or a holiday.
        for m in &messages {
            let day = queued_on(m);
            assert!(
                calendar.is_working_day(day),
                "{} queued on {day} ({:?}), a day off",
                m.key,
                day.weekday()
            );
        }

        // Q1 (due Tuesday 10/3): 7 days before is 3/3; Trần Phú reported on 5/3, so its
        // 3-day (Sat 7/3 → Fri 6/3), 1-day and same-day reminders never come. Minh Khai gets all.
        assert_eq!(
            reminder_days(&messages, q1, TRANPHU_HEAD),
            vec![date(2026, 3, 3)]
        );
        assert_eq!(
            reminder_days(&messages, q1, TRANPHU_STAFF),
            vec![date(2026, 3, 3)]
        );
        assert_eq!(
            reminder_days(&messages, q1, MINHKHAI_HEAD),
            vec![
                date(2026, 3, 3),
                date(2026, 3, 6),
                date(2026, 3, 9),
                date(2026, 3, 10)
            ]
        );
        // The commune plan (due Saturday 30/5): Sat 23/5 → Fri 22/5; 27/5; Fri 29/5 (the
        // 1-day and the same-day reminder land on the same Friday: one message).
        assert_eq!(
            reminder_days(&messages, commune_plan, MINHKHAI_HEAD),
            vec![date(2026, 5, 22), date(2026, 5, 27), date(2026, 5, 29)]
        );
        // The 6-month report (due Wednesday 10/6): 3/6, Sun 7/6 → Fri 5/6, 9/6, 10/6.
        assert_eq!(
            reminder_days(&messages, h1, TRANPHU_HEAD),
            vec![
                date(2026, 6, 3),
                date(2026, 6, 5),
                date(2026, 6, 9),
                date(2026, 6, 10)
            ]
        );
        // Due Monday 4/5 after 30/4–1/5: 7 days before is Monday 27/4, the day off for Giỗ
        // Tổ → Friday 24/4; 3 days (1/5) and 1 day (Sun 3/5) → Wednesday 29/4; then 4/5.
        assert_eq!(
            reminder_days(&messages, after_holiday, MINHKHAI_HEAD),
            vec![date(2026, 4, 24), date(2026, 4, 29), date(2026, 5, 4)]
        );
        // The annual report is due Sunday 15/11: Sun 8/11 → Fri 6/11; 12/11; Sat 14/11 and
        // Sun 15/11 → Fri 13/11. The due date shows as it is, with its weekday.
        assert_eq!(
            reminder_days(&messages, annual, MINHKHAI_HEAD),
            vec![date(2026, 11, 6), date(2026, 11, 12), date(2026, 11, 13)]
        );
        let annual_reminder = messages
            .iter()
            .find(|m| m.key.starts_with(&format!("remind:report:{annual}:")))
            .expect("annual reminder");
        assert!(
            annual_reminder.body.contains("15/11/2026 (Chủ nhật)"),
            "{}",
            annual_reminder.body
        );
        // «Nộp báo cáo», stored channel-neutral.
        assert!(annual_reminder
            .reply_markup
            .as_deref()
            .unwrap_or("")
            .contains("submit_report"));
        // Due Friday 12/2/2027, the week after Tết (5/2–11/2 off): 7, 3 and 1 days before all
        // fall in Tết → Thursday 4/2, one message; then the morning of the 12th.
        assert_eq!(
            reminder_days(&messages, after_tet, MINHKHAI_HEAD),
            vec![date(2027, 2, 4), date(2027, 2, 12)]
        );

        // The window opens 14 days before: one message listing the tasks the report covers.
        let windows = keys_to(&messages, MINHKHAI_HEAD, &format!("window:{q1}:"));
        assert_eq!(windows.len(), 1, "{windows:?}");
        assert_eq!(windows[0].0, date(2026, 2, 24));
        let window = messages
            .iter()
            .find(|m| m.key == windows[0].1)
            .expect("window");
        assert!(
            window.body.contains("Báo cáo kết quả các nhiệm vụ:"),
            "{}",
            window.body
        );

        // Minh Khai never reports Q1 (due Tue 10/3): nudge Wed 11/3 to its chairman, second
        // step Thu 12/3 to him and the coordinating office's focal points; the fifth working
        // day (Tue 17/3) puts it in the office's digest, marked ‼, with no message.
        // An escalation's key ends with a digest of the items it names.
        let nudges = keys_to(&messages, MINHKHAI_HEAD, "escalate:2026-03-");
        let steps: BTreeSet<(NaiveDate, String)> = nudges
            .into_iter()
            .map(|(day, key)| {
                let (key, _items) = key.rsplit_once(':').expect("a digest");
                (day, key.to_string())
            })
            .collect();
        assert!(
            steps.contains(&(
                date(2026, 3, 11),
                format!("escalate:2026-03-11:1:{minhkhai}:{MINHKHAI_HEAD}")
            )),
            "{steps:?}"
        );
        assert!(
            steps.contains(&(
                date(2026, 3, 12),
                format!("escalate:2026-03-12:2:{minhkhai}:{MINHKHAI_HEAD}")
            )),
            "{steps:?}"
        );
        let office = keys_to(&messages, OFFICE_FOCAL, "escalate:2026-03-12:lead:");
        assert_eq!(
            office.len(),
            1,
            "the office's focal point is told on the second step"
        );
        let told = messages
            .iter()
            .find(|m| m.key == office[0].1)
            .expect("lead message");
        assert!(
            told.body.contains("Phòng Nội vụ chủ trì theo dõi"),
            "{}",
            told.body
        );
        assert!(
            told.body
                .contains("Phường Minh Khai:\n  – Báo cáo quý I (HG-2026)"),
            "{}",
            told.body
        );
        assert!(
            !told.body.contains("Phường Trần Phú:\n  – Báo cáo quý I"),
            "{}",
            told.body
        );
        let second = messages
            .iter()
            .find(|m| {
                m.key.starts_with(&format!(
                    "escalate:2026-03-12:2:{minhkhai}:{MINHKHAI_HEAD}:"
                ))
            })
            .expect("second step");
        assert!(
            second
                .body
                .contains("Báo cáo quý I (HG-2026): hạn 10/03/2026 (Thứ Ba), quá 2 ngày"),
            "{}",
            second.body
        );
        // Trần Phú reported: never escalated for Q1.
        assert!(
            !messages.iter().any(|m| m.chat_id == TRANPHU_HEAD
                && m.key.starts_with("escalate:2026-03-1")
                && m.body.contains("Báo cáo quý I")),
            "a unit that reported is not escalated"
        );
        let audit = store.audit_entries(100_000).await.expect("audit");
        let q1_steps: BTreeMap<i64, String> = audit
            .iter()
            .filter(|e| e.action == "escalation.step" && e.entity_key == format!("{q1}/{minhkhai}"))
            .map(|e| (e.id, e.detail.clone()))
            .collect();
        assert_eq!(
            q1_steps.len(),
            3,
            "three steps recorded once each: {q1_steps:?}"
        );

        // Digests: every working day to the coordinator, never on a day off.
        let digests: Vec<NaiveDate> = keys_to(&messages, COORDINATOR, "digest:")
            .into_iter()
            .map(|(day, _)| day)
            .collect();
        assert!(digests.iter().all(|d| calendar.is_working_day(*d)));
        assert!(digests.contains(&date(2026, 3, 18)));
        assert!(!digests.contains(&date(2026, 4, 30)));
        assert!(!digests.contains(&date(2026, 2, 16)), "Tết");
        assert!(
            !digests.contains(&date(2026, 11, 24)),
            "Ngày Văn hóa Việt Nam"
        );
        // Marked ‼ from the day it reaches the office's step (the pass that records the step
        // queues the digest).
        let digest = messages
            .iter()
            .find(|m| m.key == format!("digest:2026-03-17:{COORDINATOR}"))
            .expect("digest of 17/3");
        assert!(
            digest
                .body
                .contains("Báo cáo quý I (HG-2026): hạn 10/03/2026, quá 7 ngày ‼"),
            "{}",
            digest.body
        );
        let digest = messages
            .iter()
            .find(|m| m.key == format!("digest:2026-03-18:{COORDINATOR}"))
            .expect("digest of 18/3");
        assert!(
            digest.body.starts_with("📊 Tổng hợp ngày 18/03/2026"),
            "{}",
            digest.body
        );
        assert!(digest.body.contains("HG-2026:"), "{}", digest.body);
        assert!(digest.body.contains("Phường Minh Khai"), "{}", digest.body);
        assert!(
            digest
                .body
                .contains("Báo cáo quý I (HG-2026): hạn 10/03/2026, quá 8 ngày ‼"),
            "{}",
            digest.body
        );
        // Closing report the day after Q1's due date, to the coordinator, naming who did not
        // report (Minh Khai) and not Trần Phú.
        let coordinator = person_id(&store, "HG-PNV", COORDINATOR).await;
        let closing = messages
            .iter()
            .find(|m| m.chat_id == COORDINATOR && m.key == format!("closing:{q1}:{coordinator}"))
            .expect("closing report");
        assert_eq!(queued_on(closing), date(2026, 3, 11));
        assert!(
            closing.body.contains("Phường Minh Khai"),
            "{}",
            closing.body
        );
        assert!(
            !closing.body.contains("Phường Trần Phú"),
            "{}",
            closing.body
        );
        // The late 6-month report shows in the digest; so does the member who blocked the
        // bot, who gets nothing more after that day.
        // A long digest is queued in parts (KEY, KEY#2 …), each within Telegram's limit.
        let digest_of = |day: &str| {
            let key = format!("digest:{day}:{COORDINATOR}");
            let parts: Vec<&str> = messages
                .iter()
                .filter(|m| m.key == key || m.key.starts_with(&format!("{key}#")))
                .map(|m| m.body.as_str())
                .collect();
            assert!(!parts.is_empty(), "digest of {day}");
            parts.join("\n")
        };
        let june = digest_of("2026-06-15");
        assert!(
            june.contains(
                "🐢 Nộp muộn:\n– Phường Trần Phú: Báo cáo 6 tháng (hạn 10/06, nộp 12/06)"
            ),
            "{june}"
        );
        let october = digest_of("2026-10-02");
        assert!(
            october.contains("📵 Không liên lạc được qua Telegram:\n– Cán bộ Trần Phú (Phường Trần Phú), từ 01/10/2026"),
            "{october}"
        );
        assert!(
            !messages.iter().any(|m| m.chat_id == TRANPHU_STAFF
                && queued_on(m) > date(2026, 10, 1)
                && !m.key.starts_with("test:")),
            "nothing is queued for a member who cannot be reached"
        );
        assert!(
            keys_to(&messages, TRANPHU_HEAD, &format!("remind:report:{annual}:")).len() == 3,
            "the unit's other member still gets the annual reminders"
        );
        // Every message fits one Telegram message.
        assert!(messages
            .iter()
            .all(|m| m.body.encode_utf16().count() <= 4096));
        assert!(messages
            .iter()
            .all(|m| m.created_at.with_timezone(&Ho_Chi_Minh).weekday() != Weekday::Sun));

        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn a_dry_run_tick_shows_what_would_go_and_writes_nothing() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        seed(&store).await;
        let scheduler = scheduler(&store);
        let at = local(date(2026, 3, 3), 8, 0);
        clock.set(at);
        let dry = scheduler.pass(at, true).await.expect("dry pass");
        assert!(dry.working_time && dry.digest_due);
        assert!(dry
            .messages
            .iter()
            .any(|m| m.chat_id == MINHKHAI_HEAD && m.key.starts_with("remind:report:")));
        assert!(
            store.outbox_messages().await.expect("outbox").is_empty(),
            "a dry run writes nothing"
        );
        let real = scheduler.pass(at, false).await.expect("pass");
        assert_eq!(
            real.queued as usize,
            store.outbox_messages().await.expect("outbox").len()
        );
        assert!(real.queued > 0);
        // A second pass the same morning queues nothing new; a dry run now shows nothing.
        assert_eq!(
            scheduler
                .pass(at + Duration::minutes(5), false)
                .await
                .expect("pass")
                .queued,
            0
        );
        assert!(scheduler
            .pass(at, true)
            .await
            .expect("dry")
            .messages
            .is_empty());
        store.close().await;
        db.finish().await;
    }
}

/// One pass at `at`, with the clock set there.
async fn pass_at(
    scheduler: &Scheduler,
    clock: &FixedClock,
    at: DateTime<Utc>,
) -> dondoc::scheduler::PassReport {
    clock.set(at);
    scheduler.pass(at, false).await.expect("pass")
}

/// Adds (or moves) period `key` of `plan` to `due`, as `dondoc plan deadlines` does.
async fn add_period(store: &Store, plan: i64, key: &str, due: NaiveDate) {
    store
        .set_due_dates(
            plan,
            &[DueDateEdit {
                key: PeriodKey::parse(key).expect("key"),
                due_date: due,
            }],
            &actor(),
        )
        .await
        .expect("period");
}

/// Escalation steps recorded in the audit log for `item/unit`.
async fn audited_steps(store: &Store, item: i64, unit: i64) -> usize {
    store
        .audit_entries(100_000)
        .await
        .expect("audit")
        .iter()
        .filter(|e| e.action == "escalation.step" && e.entity_key == format!("{item}/{unit}"))
        .count()
}

#[tokio::test]
async fn an_item_reaching_a_step_later_the_same_day_is_still_sent() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        let plan = seed(&store).await;
        let minhkhai = unit_id(&store, "HG-MINHKHAI").await;
        let scheduler = scheduler(&store);
        let wednesday = date(2026, 3, 11);
        let thursday = date(2026, 3, 12);

        // Wednesday 11/3, 08:00: Q1 (due Tuesday 10/3) is nudged.
        pass_at(&scheduler, &clock, local(wednesday, 8, 0)).await;
        let nudge = format!("escalate:2026-03-11:1:{minhkhai}:{MINHKHAI_HEAD}:");
        let bodies = |messages: &[OutboxMessage], chat: i64, prefix: &str| -> Vec<String> {
            messages
                .iter()
                .filter(|m| m.chat_id == chat && m.key.starts_with(prefix))
                .map(|m| m.body.clone())
                .collect()
        };
        let messages = store.outbox_messages().await.expect("outbox");
        let first = bodies(&messages, MINHKHAI_HEAD, &nudge);
        assert_eq!(first.len(), 1, "{first:?}");
        assert!(first[0].contains("Báo cáo quý I (HG-2026)"), "{}", first[0]);

        // Mid-morning a coordinator adds a period also due 10/3 (`plan deadlines`): at 08:05
        // it is one day overdue too, the same step for the same unit on the same day.
        add_period(&store, plan, "late_a", date(2026, 3, 10)).await;
        let late_a = period_id(&store, plan, "late_a").await;
        let report = pass_at(&scheduler, &clock, local(wednesday, 8, 5)).await;
        assert!(
            report.queued > 0,
            "the nudge naming the new period is queued"
        );
        let messages = store.outbox_messages().await.expect("outbox");
        let nudges = bodies(&messages, MINHKHAI_HEAD, &nudge);
        assert_eq!(nudges.len(), 2, "{nudges:?}");
        let second = nudges
            .iter()
            .find(|b| b.contains("late_a (HG-2026)"))
            .expect("a nudge names the new period");
        assert!(!second.contains("Báo cáo quý I"), "{second}");
        assert_eq!(audited_steps(&store, late_a, minhkhai).await, 1);
        // The same pass again (or another process) queues nothing more.
        assert_eq!(
            pass_at(&scheduler, &clock, local(wednesday, 8, 5))
                .await
                .queued,
            0
        );
        assert_eq!(
            pass_at(&scheduler, &clock, local(wednesday, 8, 10))
                .await
                .queued,
            0
        );

        // Thursday 12/3, 08:00: both reach the second step together: one message each to the
        // unit and to the office's focal point naming both.
        pass_at(&scheduler, &clock, local(thursday, 8, 0)).await;
        let heads = format!("escalate:2026-03-12:2:{minhkhai}:{MINHKHAI_HEAD}:");
        let lead = "escalate:2026-03-12:lead:";
        let messages = store.outbox_messages().await.expect("outbox");
        let to_unit = bodies(&messages, MINHKHAI_HEAD, &heads);
        assert_eq!(to_unit.len(), 1, "{to_unit:?}");
        assert!(
            to_unit[0].contains("Báo cáo quý I (HG-2026)") && to_unit[0].contains("late_a"),
            "{}",
            to_unit[0]
        );
        assert_eq!(bodies(&messages, OFFICE_FOCAL, lead).len(), 1);

        // Another period due 10/3 appears; at 08:05 it is first seen at the second step: the
        // unit and the lead's focal point are told of it, not of the others again.
        add_period(&store, plan, "late_b", date(2026, 3, 10)).await;
        let late_b = period_id(&store, plan, "late_b").await;
        assert!(
            pass_at(&scheduler, &clock, local(thursday, 8, 5))
                .await
                .queued
                > 0
        );
        let messages = store.outbox_messages().await.expect("outbox");
        let to_unit = bodies(&messages, MINHKHAI_HEAD, &heads);
        assert_eq!(to_unit.len(), 2, "{to_unit:?}");
        let new = to_unit
            .iter()
            .find(|b| b.contains("late_b (HG-2026)"))
            .expect("the unit is told of the new period");
        assert!(!new.contains("late_a") && !new.contains("quý I"), "{new}");
        let to_lead = bodies(&messages, OFFICE_FOCAL, lead);
        assert_eq!(to_lead.len(), 2, "{to_lead:?}");
        let new = to_lead
            .iter()
            .find(|b| b.contains("late_b (HG-2026)"))
            .expect("the lead's focal point is told of the new period");
        assert!(
            new.contains("Phường Minh Khai:\n  – late_b (HG-2026)"),
            "{new}"
        );
        assert!(!new.contains("late_a"), "{new}");
        assert_eq!(
            audited_steps(&store, late_b, minhkhai).await,
            2,
            "first seen at the second step: both steps recorded"
        );
        assert_eq!(
            pass_at(&scheduler, &clock, local(thursday, 8, 10))
                .await
                .queued,
            0
        );
        assert!(scheduler
            .pass(local(thursday, 8, 10), true)
            .await
            .expect("dry run")
            .messages
            .iter()
            .all(|m| !m.key.starts_with("escalate:")));
        store.close().await;
        db.finish().await;
    }
}

const MINHKHAI_STAFF: i64 = 1012;
const PTP_FOCAL: i64 = 3001;
const PTP_HEAD: i64 = 3002;

/// One dated task of a plan built in the test: number, text, due date, lead unit, implementers.
type DatedTask<'a> = (&'a str, &'a str, NaiveDate, &'a str, &'a [&'a str]);

/// Seed 004's units, with members linked to Telegram in two communes, the Phòng Tư pháp (a
/// lead unit) and the Phòng Nội vụ; no plan yet.
async fn units_and_members(store: &Store) {
    let units = dondoc::import::read_units(&support::fixture("seed004_units.csv"), &[], 1 << 24)
        .expect("units");
    store
        .upsert_units(&units, &actor())
        .await
        .expect("units saved");
    let people = [
        (
            "HG-TRANPHU",
            PersonRole::Head,
            "Chủ tịch Trần Phú",
            TRANPHU_HEAD,
        ),
        (
            "HG-TRANPHU",
            PersonRole::FocalPoint,
            "Cán bộ Trần Phú",
            TRANPHU_STAFF,
        ),
        (
            "HG-MINHKHAI",
            PersonRole::Head,
            "Chủ tịch Minh Khai",
            MINHKHAI_HEAD,
        ),
        (
            "HG-MINHKHAI",
            PersonRole::FocalPoint,
            "Cán bộ Minh Khai",
            MINHKHAI_STAFF,
        ),
        (
            "HG-PTP",
            PersonRole::FocalPoint,
            "Đầu mối Tư pháp",
            PTP_FOCAL,
        ),
        ("HG-PTP", PersonRole::Head, "Trưởng phòng Tư pháp", PTP_HEAD),
        (
            "HG-PNV",
            PersonRole::Coordinator,
            "Chuyên viên Nội vụ",
            COORDINATOR,
        ),
    ];
    for (unit, role, name, telegram) in people {
        support::linked_member(store, unit, role, name, telegram).await;
    }
}

/// A 2026 plan `code` of dated tasks only (no reporting periods). Returns its id.
async fn dated_plan(store: &Store, code: &str, tasks: &[DatedTask<'_>]) -> i64 {
    dated_plan_of(store, code, 2026, tasks).await
}

/// A plan `code` of `year` of dated tasks only. Returns its id.
async fn dated_plan_of(store: &Store, code: &str, year: i32, tasks: &[DatedTask<'_>]) -> i64 {
    use dondoc::domain::plan::{NewPlan, NewTask, UnitRef};
    use dondoc::domain::{PlanCode, PlanYear};
    let unit_ref = |code: &str| {
        let store = store.clone();
        let code = UnitCode::parse(code).expect("code");
        async move {
            let unit = store.unit(&code).await.expect("unit").expect("unit exists");
            UnitRef {
                id: unit.id.get(),
                code: unit.code,
                name: unit.name,
            }
        }
    };
    let mut new_tasks = Vec::new();
    for (row, (number, text, due, lead, implementers)) in tasks.iter().enumerate() {
        let mut implementing_units = Vec::new();
        for unit in implementers.iter() {
            implementing_units.push(unit_ref(unit).await);
        }
        new_tasks.push(NewTask {
            source_row: row + 1,
            code: Some((*number).to_string()),
            text: (*text).to_string(),
            timeframe: format!("Trước ngày {}", due.format("%d/%m/%Y")),
            due_date: Some(*due),
            lead_units: vec![unit_ref(lead).await],
            implementing_units,
            ..NewTask::default()
        });
    }
    let plan = NewPlan {
        code: PlanCode::parse(code).expect("code"),
        title: format!("Kế hoạch {code}"),
        year: PlanYear::new(year).expect("year"),
        scope: UnitCode::parse("HAGIANG").expect("scope"),
        source: "test".into(),
        tasks: new_tasks,
    };
    store
        .save_plan(&plan, &[], dondoc::store::SaveMode::CreateOnly, &actor())
        .await
        .expect("plan saved")
        .plan_id
}

/// The assignment of `unit` on task `number` of plan `plan_code`.
async fn assignment_of(store: &Store, unit: &str, plan_code: &str, number: &str) -> i64 {
    let unit = unit_id(store, unit).await;
    store
        .open_assignments(&[dondoc::domain::UnitId(unit)])
        .await
        .expect("assignments")
        .into_iter()
        .find(|c| c.plan_code == plan_code && c.task_code.as_deref() == Some(number))
        .unwrap_or_else(|| panic!("no assignment of {plan_code} {number}"))
        .assignment_id
        .get()
}

/// The escalation steps recorded for `item/unit`, with the day (in Hà Giang) each was taken.
async fn steps_taken(store: &Store, item: i64, unit: i64) -> Vec<(NaiveDate, i64)> {
    let mut steps: Vec<(NaiveDate, i64)> = store
        .audit_entries(100_000)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "escalation.step" && e.entity_key == format!("{item}/{unit}"))
        .map(|e| {
            let detail: serde_json::Value = serde_json::from_str(&e.detail).expect("json");
            (
                e.at.with_timezone(&Ho_Chi_Minh).date_naive(),
                detail["step"].as_i64().expect("step"),
            )
        })
        .collect();
    steps.sort();
    steps
}

/// Escalation messages to `chat`: (day queued, step — 1, 2 or "lead").
fn escalations_to(messages: &[OutboxMessage], chat: i64) -> Vec<(NaiveDate, String)> {
    let mut found: Vec<(NaiveDate, String)> = messages
        .iter()
        .filter(|m| m.chat_id == chat && m.key.starts_with("escalate:"))
        .map(|m| {
            let step = m.key.split(':').nth(2).expect("step").to_string();
            (queued_on(m), step)
        })
        .collect();
    found.sort();
    found
}

/// The coordinator's digest of `day`, all parts.
fn digest_body(messages: &[OutboxMessage], day: NaiveDate) -> String {
    let key = format!("digest:{day}:{COORDINATOR}");
    let parts: Vec<&str> = messages
        .iter()
        .filter(|m| m.key == key || m.key.starts_with(&format!("{key}#")))
        .map(|m| m.body.as_str())
        .collect();
    assert!(!parts.is_empty(), "no digest on {day}");
    parts.join("\n")
}

#[tokio::test]
async fn dated_tasks_are_reminded_and_climb_the_ladder_until_done() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        units_and_members(&store).await;
        // Tasks 1 and 2 are due Monday 4/5, right after 30/4–1/5 (and Giỗ Tổ moved to Monday
        // 27/4); task 3 is due Saturday 20/6. The Phòng Tư pháp monitors them all.
        dated_plan(
            &store,
            "NV-2026",
            &[
                (
                    "1",
                    "Niêm yết công khai thủ tục hành chính",
                    date(2026, 5, 4),
                    "HG-PTP",
                    &["HG-TRANPHU", "HG-MINHKHAI"],
                ),
                (
                    "2",
                    "Tổ chức đối thoại với người dân",
                    date(2026, 5, 4),
                    "HG-PTP",
                    &["HG-MINHKHAI"],
                ),
                (
                    "3",
                    "Rà soát hòm thư góp ý",
                    date(2026, 6, 20),
                    "HG-PTP",
                    &["HG-MINHKHAI"],
                ),
            ],
        )
        .await;
        let tranphu = unit_id(&store, "HG-TRANPHU").await;
        let minhkhai = unit_id(&store, "HG-MINHKHAI").await;
        let tp1 = assignment_of(&store, "HG-TRANPHU", "NV-2026", "1").await;
        let mk1 = assignment_of(&store, "HG-MINHKHAI", "NV-2026", "1").await;
        let mk2 = assignment_of(&store, "HG-MINHKHAI", "NV-2026", "2").await;
        let mk3 = assignment_of(&store, "HG-MINHKHAI", "NV-2026", "3").await;

        // Trần Phú finishes task 1 on Tuesday 28/4; Minh Khai finishes task 2 on Thursday 7/5,
        // after its second step.
        let updating = store.clone();
        walk(
            &store,
            &clock,
            date(2026, 4, 20),
            date(2026, 6, 30),
            |day| {
                let store = updating.clone();
                async move {
                    let done = |assignment| {
                        let store = store.clone();
                        async move {
                            store
                                .record_status_update(
                                    dondoc::domain::AssignmentId(assignment),
                                    dondoc::domain::AssignmentStatus::Done,
                                    "xong",
                                    None,
                                    &actor(),
                                )
                                .await
                                .expect("done");
                        }
                    };
                    if day == date(2026, 4, 28) {
                        done(tp1).await;
                    }
                    if day == date(2026, 5, 7) {
                        done(mk2).await;
                    }
                }
            },
        )
        .await;
        let messages = store.outbox_messages().await.expect("outbox");
        let days_of = |chat: i64, prefix: &str| -> Vec<NaiveDate> {
            let mut days: Vec<NaiveDate> = messages
                .iter()
                .filter(|m| m.chat_id == chat && m.key.starts_with(prefix))
                .map(queued_on)
                .collect();
            days.sort();
            days
        };

        // Due Monday 4/5: 7 days before is Monday 27/4, a day off → Friday 24/4; 3 days (Fri
        // 1/5) and 1 day (Sun 3/5) → Wednesday 29/4 (30/4 and 1/5 are off), one message; then
        // the morning of 4/5. Minh Khai's two tasks come as one list to every member.
        let mk_list = format!("remind:tasks:{minhkhai}:2026-05-04:");
        let expected = vec![date(2026, 4, 24), date(2026, 4, 29), date(2026, 5, 4)];
        assert_eq!(days_of(MINHKHAI_HEAD, &mk_list), expected);
        assert_eq!(days_of(MINHKHAI_STAFF, &mk_list), expected);
        let list = messages
            .iter()
            .find(|m| m.chat_id == MINHKHAI_STAFF && m.key.starts_with(&mk_list))
            .expect("the list");
        assert!(
            list.body.starts_with(
                "⏰ 2 nhiệm vụ của Phường Minh Khai đến hạn 04/05/2026 (Thứ Hai) — còn 10 ngày:"
            ),
            "{}",
            list.body
        );
        assert!(
            list.body
                .contains("– NV-2026 · 1 Niêm yết công khai thủ tục hành chính")
                && list
                    .body
                    .contains("– NV-2026 · 2 Tổ chức đối thoại với người dân"),
            "{}",
            list.body
        );
        // Trần Phú's one task comes as its card with the status buttons, on 24/4 only: it was
        // done on 28/4.
        let tp_card = format!("remind:task:{tp1}:");
        assert_eq!(days_of(TRANPHU_STAFF, &tp_card), vec![date(2026, 4, 24)]);
        assert_eq!(days_of(TRANPHU_HEAD, &tp_card), vec![date(2026, 4, 24)]);
        let card = messages
            .iter()
            .find(|m| m.chat_id == TRANPHU_STAFF && m.key.starts_with(&tp_card))
            .expect("the card");
        assert!(card.reply_markup.is_some(), "a card has its buttons");
        assert!(
            !messages.iter().any(
                |m| (m.chat_id == TRANPHU_STAFF || m.chat_id == TRANPHU_HEAD)
                    && queued_on(m) >= date(2026, 4, 28)
            ),
            "nothing more to Trần Phú once its task is done"
        );
        assert!(steps_taken(&store, tp1, tranphu).await.is_empty());
        // Due Saturday 20/6, shown as it is: 7 days (Sat 13/6) → Friday 12/6; 17/6; 1 day and
        // the day itself (Fri 19/6, Sat 20/6) → Friday 19/6.
        let mk_card = format!("remind:task:{mk3}:");
        assert_eq!(
            days_of(MINHKHAI_STAFF, &mk_card),
            vec![date(2026, 6, 12), date(2026, 6, 17), date(2026, 6, 19)]
        );
        let card = messages
            .iter()
            .find(|m| m.chat_id == MINHKHAI_STAFF && m.key.starts_with(&mk_card))
            .expect("the card");
        assert!(card.body.contains("20/06/2026 (Thứ Bảy)"), "{}", card.body);

        // The ladder. Due 4/5: the nudge the next day (Tue 5/5) to the unit's staff; after 2
        // working days (Wed 6/5) to every member and the lead unit's focal point; after 5
        // (Mon 11/5) into the office's digest. Task 2, done on 7/5, stops at step 2.
        assert_eq!(
            steps_taken(&store, mk1, minhkhai).await,
            vec![
                (date(2026, 5, 5), 1),
                (date(2026, 5, 6), 2),
                (date(2026, 5, 11), 3)
            ]
        );
        assert_eq!(
            steps_taken(&store, mk2, minhkhai).await,
            vec![(date(2026, 5, 5), 1), (date(2026, 5, 6), 2)]
        );
        // Due Saturday 20/6: the nudge on Monday 22/6 (Sunday is off), step 2 on Tuesday 23/6,
        // the office on Friday 26/6.
        assert_eq!(
            steps_taken(&store, mk3, minhkhai).await,
            vec![
                (date(2026, 6, 22), 1),
                (date(2026, 6, 23), 2),
                (date(2026, 6, 26), 3)
            ]
        );
        let step = |s: &str| s.to_string();
        assert_eq!(
            escalations_to(&messages, MINHKHAI_STAFF),
            vec![
                (date(2026, 5, 5), step("1")),
                (date(2026, 5, 6), step("2")),
                (date(2026, 6, 22), step("1")),
                (date(2026, 6, 23), step("2")),
            ]
        );
        assert_eq!(
            escalations_to(&messages, MINHKHAI_HEAD),
            vec![
                (date(2026, 5, 6), step("2")),
                (date(2026, 6, 23), step("2"))
            ],
            "the head is told from the second step (the unit has staff for the nudge)"
        );
        assert_eq!(
            escalations_to(&messages, PTP_FOCAL),
            vec![
                (date(2026, 5, 6), step("lead")),
                (date(2026, 6, 23), step("lead"))
            ]
        );
        assert!(
            escalations_to(&messages, PTP_HEAD).is_empty(),
            "a lead unit is told through its focal point"
        );
        let nudge = messages
            .iter()
            .find(|m| m.chat_id == MINHKHAI_STAFF && m.key.starts_with("escalate:2026-05-05:1:"))
            .expect("nudge");
        assert!(
            nudge.body.starts_with("⚠️ Quá hạn — Phường Minh Khai:")
                && nudge.body.contains(
                    "1 Niêm yết công khai thủ tục hành chính (NV-2026): hạn 04/05/2026 (Thứ Hai), quá 1 ngày"
                )
                && nudge.body.contains("2 Tổ chức đối thoại với người dân (NV-2026)"),
            "{}",
            nudge.body
        );
        let lead = messages
            .iter()
            .find(|m| m.chat_id == PTP_FOCAL && m.key.starts_with("escalate:2026-05-06:lead:"))
            .expect("lead message");
        assert!(
            lead.body.contains("Phòng Tư pháp chủ trì theo dõi")
                && lead.body.contains(
                    "Phường Minh Khai:\n  – 1 Niêm yết công khai thủ tục hành chính (NV-2026): hạn 04/05/2026 (Thứ Hai), quá 2 ngày"
                ),
            "{}",
            lead.body
        );
        assert!(!lead.body.contains("Phường Trần Phú"), "{}", lead.body);
        // In the coordinator's digest: overdue before the office step, marked ‼ from it.
        let before = digest_body(&messages, date(2026, 5, 8));
        assert!(
            before.contains(
                "– NV-2026 · 1 Niêm yết công khai thủ tục hành chính: hạn 04/05/2026, quá 4 ngày\n"
            ),
            "{before}"
        );
        let office = digest_body(&messages, date(2026, 5, 11));
        assert!(
            office.contains(
                "– NV-2026 · 1 Niêm yết công khai thủ tục hành chính: hạn 04/05/2026, quá 7 ngày ‼"
            ),
            "{office}"
        );
        assert!(
            !office.contains("Tổ chức đối thoại"),
            "a task done leaves the digest: {office}"
        );
        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn a_plan_with_its_own_ladder_climbs_on_its_own_days() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        units_and_members(&store).await;
        // Two plans, each with a task of Minh Khai due Wednesday 3/6/2026: one on the default
        // ladder (nudge 1 day after, heads after 2 working days, office after 5), one with its
        // own (`dondoc plan ladder RIENG-2026 --nudge-after-days 3 --heads-after 4
        // --office-after 6`).
        dated_plan(
            &store,
            "NV-2026",
            &[(
                "1",
                "Niêm yết công khai thủ tục hành chính",
                date(2026, 6, 3),
                "HG-PTP",
                &["HG-MINHKHAI"],
            )],
        )
        .await;
        let own = dated_plan(
            &store,
            "RIENG-2026",
            &[(
                "1",
                "Khảo sát sự hài lòng của người dân",
                date(2026, 6, 3),
                "HG-PTP",
                &["HG-MINHKHAI"],
            )],
        )
        .await;
        let ladder = dondoc::domain::Ladder {
            nudge_after_days: 3,
            heads_after_working_days: 4,
            office_after_working_days: 6,
        };
        store
            .set_plan_ladder(own, Some(&ladder), &actor())
            .await
            .expect("ladder");
        assert_eq!(store.plan_ladder(own).await.expect("ladder"), Some(ladder));
        let minhkhai = unit_id(&store, "HG-MINHKHAI").await;
        let default_item = assignment_of(&store, "HG-MINHKHAI", "NV-2026", "1").await;
        let own_item = assignment_of(&store, "HG-MINHKHAI", "RIENG-2026", "1").await;

        walk(
            &store,
            &clock,
            date(2026, 6, 1),
            date(2026, 6, 12),
            |_| async {},
        )
        .await;
        let messages = store.outbox_messages().await.expect("outbox");

        // Default: Thursday 4/6, Friday 5/6 (2 working days), Wednesday 10/6 (5).
        assert_eq!(
            steps_taken(&store, default_item, minhkhai).await,
            vec![
                (date(2026, 6, 4), 1),
                (date(2026, 6, 5), 2),
                (date(2026, 6, 10), 3)
            ]
        );
        // Its own: 3 days after is Saturday 6/6 → Monday 8/6; 4 working days Tuesday 9/6; 6
        // working days Thursday 11/6.
        assert_eq!(
            steps_taken(&store, own_item, minhkhai).await,
            vec![
                (date(2026, 6, 8), 1),
                (date(2026, 6, 9), 2),
                (date(2026, 6, 11), 3)
            ]
        );
        let step = |s: &str| s.to_string();
        assert_eq!(
            escalations_to(&messages, MINHKHAI_STAFF),
            vec![
                (date(2026, 6, 4), step("1")),
                (date(2026, 6, 5), step("2")),
                (date(2026, 6, 8), step("1")),
                (date(2026, 6, 9), step("2")),
            ]
        );
        assert_eq!(
            escalations_to(&messages, PTP_FOCAL),
            vec![
                (date(2026, 6, 5), step("lead")),
                (date(2026, 6, 9), step("lead"))
            ]
        );
        let body_on = |chat: i64, prefix: &str| -> String {
            messages
                .iter()
                .find(|m| m.chat_id == chat && m.key.starts_with(prefix))
                .unwrap_or_else(|| panic!("{prefix} to {chat}"))
                .body
                .clone()
        };
        let nudge = body_on(MINHKHAI_STAFF, "escalate:2026-06-08:1:");
        assert!(
            nudge.contains("Khảo sát sự hài lòng của người dân (RIENG-2026): hạn 03/06/2026 (Thứ Tư), quá 5 ngày")
                && !nudge.contains("NV-2026"),
            "{nudge}"
        );
        let first = body_on(MINHKHAI_STAFF, "escalate:2026-06-04:1:");
        assert!(
            first.contains("(NV-2026)") && !first.contains("RIENG-2026"),
            "{first}"
        );
        let lead = body_on(PTP_FOCAL, "escalate:2026-06-09:lead:");
        assert!(
            lead.contains("Khảo sát sự hài lòng") && !lead.contains("NV-2026"),
            "{lead}"
        );
        // The office's digest marks each item from its own office day.
        let wednesday = digest_body(&messages, date(2026, 6, 10));
        assert!(
            wednesday.contains(
                "– NV-2026 · 1 Niêm yết công khai thủ tục hành chính: hạn 03/06/2026, quá 7 ngày ‼"
            ) && wednesday.contains(
                "– RIENG-2026 · 1 Khảo sát sự hài lòng của người dân: hạn 03/06/2026, quá 7 ngày\n"
            ),
            "{wednesday}"
        );
        let thursday = digest_body(&messages, date(2026, 6, 11));
        assert!(
            thursday.contains(
                "– RIENG-2026 · 1 Khảo sát sự hài lòng của người dân: hạn 03/06/2026, quá 8 ngày ‼"
            ),
            "{thursday}"
        );
        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn the_digest_comes_on_working_saturdays_and_never_after_working_hours() {
    use dondoc::domain::{CalendarDay, DayKind};
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        seed(&store).await;
        // The government makes Saturday 21/3/2026 a working day (the holiday table's
        // 'working_day'); the default configuration applies.
        let saturday = date(2026, 3, 21);
        let mut y2026 = store.holidays(2026).await.expect("holidays");
        y2026.push(CalendarDay {
            date: saturday,
            name: "Làm bù".into(),
            kind: DayKind::WorkingDay,
        });
        store
            .replace_holidays(&y2026, &actor())
            .await
            .expect("holidays saved");
        let scheduler = scheduler(&store);
        let digest_on = |messages: &[OutboxMessage], day: NaiveDate| {
            messages
                .iter()
                .any(|m| m.key == format!("digest:{day}:{COORDINATOR}"))
        };

        let report = pass_at(&scheduler, &clock, local(saturday, 7, 35)).await;
        assert!(report.working_time && report.digest_due);
        let messages = store.outbox_messages().await.expect("outbox");
        assert!(
            digest_on(&messages, saturday),
            "a working Saturday has its digest"
        );
        // Not on the Sunday after, nor on an ordinary Saturday.
        for day in [date(2026, 3, 22), date(2026, 3, 28)] {
            let report = pass_at(&scheduler, &clock, local(day, 7, 35)).await;
            assert!(!report.digest_due && report.queued == 0, "{day}");
        }

        // The service starts at 22:00 on Monday 23/3: that day's digest is not sent at night.
        let monday = date(2026, 3, 23);
        let report = pass_at(&scheduler, &clock, local(monday, 22, 0)).await;
        assert!(!report.digest_due);
        assert_eq!(report.queued, 0);
        // Nor just before its time the next morning; then at 07:30.
        let tuesday = date(2026, 3, 24);
        assert!(
            !pass_at(&scheduler, &clock, local(tuesday, 7, 25))
                .await
                .digest_due
        );
        assert!(
            pass_at(&scheduler, &clock, local(tuesday, 7, 30))
                .await
                .digest_due
        );
        // Started late on Wednesday, still in working hours: that day's digest goes out; on
        // Thursday the first pass is at 17:00, when the working day is over: none.
        let wednesday = date(2026, 3, 25);
        let thursday = date(2026, 3, 26);
        assert!(
            pass_at(&scheduler, &clock, local(wednesday, 16, 55))
                .await
                .digest_due
        );
        let report = pass_at(&scheduler, &clock, local(thursday, 17, 0)).await;
        assert!(!report.digest_due && report.queued == 0);
        let messages = store.outbox_messages().await.expect("outbox");
        assert!(!digest_on(&messages, monday), "no digest in the night");
        assert!(digest_on(&messages, tuesday));
        assert!(digest_on(&messages, wednesday));
        assert!(!digest_on(&messages, thursday));
        let tuesday_digest = messages
            .iter()
            .find(|m| m.key == format!("digest:{tuesday}:{COORDINATOR}"))
            .expect("digest");
        assert_eq!(
            tuesday_digest
                .created_at
                .with_timezone(&Ho_Chi_Minh)
                .format("%H:%M")
                .to_string(),
            "07:30"
        );
        store.close().await;
        db.finish().await;
    }
}

/// Passes at 08:00 on every day from `from` to `to` with `scheduler`.
async fn mornings(scheduler: &Scheduler, clock: &FixedClock, from: NaiveDate, to: NaiveDate) {
    let mut day = from;
    while day <= to {
        pass_at(scheduler, clock, local(day, 8, 0)).await;
        day += Duration::days(1);
    }
}

/// A window that opens on the day of the first reminder comes in that reminder, one message
/// (`window_days = 7`, as many as the first reminder); a window that would open after the
/// first reminder (`window_days = 5`) is never sent on its own after it.
#[tokio::test]
async fn a_window_and_a_reminder_on_one_day_are_one_message() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        let plan = seed(&store).await;
        let q1 = period_id(&store, plan, "q1").await;
        let h1 = period_id(&store, plan, "h1").await;
        let with_window = |days: u32| {
            let mut config = Config::default();
            config.schedule.window_days = days;
            Scheduler::new(
                store.clone(),
                Rules::from_config(&config),
                Doorbell::default(),
            )
        };
        // Q1 is due Tuesday 10/3: the window (7 days) and the first reminder both on 3/3.
        let seven = with_window(7);
        let at = local(date(2026, 3, 3), 8, 0);
        clock.set(at);
        let dry = seven.pass(at, true).await.expect("dry pass");
        let about_q1: Vec<&dondoc::store::NewMessage> = dry
            .messages
            .iter()
            .filter(|m| {
                m.chat_id == MINHKHAI_HEAD
                    && m.subject.period_id == Some(dondoc::domain::PeriodId(q1))
            })
            .collect();
        assert_eq!(about_q1.len(), 1, "{}: {about_q1:?}", db.name);
        assert!(about_q1[0].key.starts_with(&format!("remind:report:{q1}:")));
        assert!(
            about_q1[0]
                .body
                .starts_with("🗓 Kỳ báo cáo đã mở.\n⏰ Nhắc hạn báo cáo: Báo cáo quý I"),
            "{}",
            about_q1[0].body
        );
        // The same dry run twice says the same; the real pass queues exactly that.
        let again = seven.pass(at, true).await.expect("dry pass");
        let keys = |r: &dondoc::scheduler::PassReport| -> Vec<String> {
            r.messages.iter().map(|m| m.key.clone()).collect()
        };
        assert_eq!(keys(&dry), keys(&again));
        mornings(&seven, &clock, date(2026, 2, 20), date(2026, 3, 10)).await;
        let messages = store.outbox_messages().await.expect("outbox");
        assert!(
            keys_to(&messages, MINHKHAI_HEAD, &format!("window:{q1}:")).is_empty(),
            "no window notice of its own"
        );
        let reminders: Vec<&OutboxMessage> = messages
            .iter()
            .filter(|m| {
                m.chat_id == MINHKHAI_HEAD && m.key.starts_with(&format!("remind:report:{q1}:"))
            })
            .collect();
        assert_eq!(reminders.len(), 4);
        let announcing: Vec<NaiveDate> = reminders
            .iter()
            .filter(|m| m.body.contains("Kỳ báo cáo đã mở"))
            .map(|m| queued_on(m))
            .collect();
        assert_eq!(
            announcing,
            vec![date(2026, 3, 3)],
            "only the first announces it"
        );

        // The 6-month report, due Wednesday 10/6: a 5-day window would open on Friday 5/6,
        // after the reminder of 3/6. No window notice comes after that reminder.
        let five = with_window(5);
        mornings(&five, &clock, date(2026, 5, 25), date(2026, 6, 10)).await;
        let messages = store.outbox_messages().await.expect("outbox");
        assert!(
            keys_to(&messages, MINHKHAI_HEAD, &format!("window:{h1}:")).is_empty(),
            "{:?}",
            keys_to(&messages, MINHKHAI_HEAD, &format!("window:{h1}:"))
        );
        assert_eq!(
            reminder_days(&messages, h1, MINHKHAI_HEAD),
            vec![
                date(2026, 6, 3),
                date(2026, 6, 5),
                date(2026, 6, 9),
                date(2026, 6, 10)
            ]
        );
        store.close().await;
        db.finish().await;
    }
}

/// One morning message per person: the coordinator of the Phòng Nội vụ, whose office both
/// implements and leads a late task, gets her digest only — not the unit's nudge, nor its second
/// step, nor the lead unit's list of late units — and the digest says her own unit is late.
/// Minh Khai, late on the same task, still gets its own nudge. A task of a 2025 plan still open
/// is one summary line, not a ‼ line every day. Phường Ngọc Hà, which implements the task with
/// no one linked, is named as never reminded.
#[tokio::test]
async fn a_coordinator_gets_one_morning_message() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        units_and_members(&store).await;
        dated_plan(
            &store,
            "PNV-2026",
            &[(
                "1",
                "Rà soát thủ tục hành chính",
                date(2026, 3, 3),
                "HG-PNV",
                &["HG-PNV", "HG-MINHKHAI", "HG-NGOCHA"],
            )],
        )
        .await;
        dated_plan_of(
            &store,
            "PNV-2025",
            2025,
            &[(
                "7",
                "Tổng kết năm 2025",
                date(2025, 12, 15),
                "HG-PNV",
                &["HG-TRANPHU"],
            )],
        )
        .await;
        let scheduler = scheduler(&store);
        mornings(&scheduler, &clock, date(2026, 3, 4), date(2026, 3, 12)).await;
        let messages = store.outbox_messages().await.expect("outbox");
        // Minh Khai is nudged (its focal point) and its head told the day after.
        let steps_to = |chat| -> Vec<String> {
            escalations_to(&messages, chat)
                .into_iter()
                .map(|(_, step)| step)
                .collect()
        };
        assert!(steps_to(MINHKHAI_STAFF).contains(&"1".to_string()));
        assert!(steps_to(MINHKHAI_HEAD).contains(&"2".to_string()));
        // The coordinator: digests only, one a working morning.
        let to_coordinator: Vec<(NaiveDate, &str)> = messages
            .iter()
            .filter(|m| m.chat_id == COORDINATOR)
            .map(|m| (queued_on(m), m.key.as_str()))
            .collect();
        assert!(
            to_coordinator
                .iter()
                .all(|(_, key)| key.starts_with("digest:")),
            "{}: {to_coordinator:?}",
            db.name
        );
        let digest = digest_body(&messages, date(2026, 3, 5));
        assert!(
            digest.contains("🔔 Đơn vị của bạn — Phòng Nội vụ: 1 việc quá hạn"),
            "{digest}"
        );
        assert!(digest.contains("Phòng Nội vụ (1):"), "{digest}");
        assert!(digest.contains("Phường Minh Khai (1):"), "{digest}");
        // Past years: one line, not the item.
        assert!(
            digest.contains("📦 Kế hoạch các năm trước: 1 việc chưa xong ở 1 đơn vị"),
            "{digest}"
        );
        assert!(!digest.contains("Tổng kết năm 2025"), "{digest}");
        // A unit no one is linked in.
        assert!(
            digest.contains(
                "👤 Đơn vị chưa có ai nhận tin qua Telegram (1) — không được nhắc việc:\n– Phường Ngọc Hà: chưa ai liên kết"
            ),
            "{digest}"
        );
        // The steps were recorded for the coordinator's unit all the same.
        let pnv = unit_id(&store, "HG-PNV").await;
        let assignment = assignment_of(&store, "HG-PNV", "PNV-2026", "1").await;
        let steps: Vec<i64> = steps_taken(&store, assignment, pnv)
            .await
            .into_iter()
            .map(|(_, step)| step)
            .collect();
        assert_eq!(steps, vec![1, 2, 3]);
        store.close().await;
        db.finish().await;
    }
}

/// The digest is composed once a day: a later pass leaves it alone while every chat has
/// today's, and a coordinator linked after the morning's digest still gets hers that day (the
/// others' are not queued twice); a real pass and a dry run agree.
#[tokio::test]
async fn a_coordinator_linked_after_the_morning_digest_still_gets_it() {
    const LATE_COORDINATOR: i64 = 2003;
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        seed(&store).await;
        let scheduler = scheduler(&store);
        let day = date(2026, 4, 23);
        let digests = |messages: &[OutboxMessage]| -> Vec<(i64, String)> {
            let mut keys: Vec<(i64, String)> = messages
                .iter()
                // A long digest's later parts are rows `{key}#2` …: one key per digest.
                .filter(|m| m.key.starts_with("digest:") && !m.key.contains('#'))
                .map(|m| (m.chat_id, m.key.clone()))
                .collect();
            keys.sort();
            keys
        };
        let morning = pass_at(&scheduler, &clock, local(day, 7, 30)).await;
        assert!(morning.digest_due);
        let first = digests(&store.outbox_messages().await.expect("outbox"));
        assert!(first.contains(&(COORDINATOR, format!("digest:{day}:{COORDINATOR}"))));
        // Later passes: nothing to compose, nothing queued, a dry run shows nothing.
        let later = local(day, 10, 0);
        clock.set(later);
        assert!(scheduler
            .pass(later, true)
            .await
            .expect("dry")
            .messages
            .iter()
            .all(|m| !m.key.starts_with("digest:")));
        assert_eq!(pass_at(&scheduler, &clock, later).await.queued, 0);
        assert_eq!(
            digests(&store.outbox_messages().await.expect("outbox")),
            first
        );

        support::linked_member(
            &store,
            "HG-PNV",
            PersonRole::Coordinator,
            "Chuyên viên Nội vụ mới",
            LATE_COORDINATOR,
        )
        .await;
        let afternoon = local(day, 14, 0);
        clock.set(afternoon);
        let dry = scheduler.pass(afternoon, true).await.expect("dry");
        let dry_digests: Vec<&str> = dry
            .messages
            .iter()
            .filter(|m| m.key.starts_with("digest:"))
            .map(|m| m.key.as_str())
            .collect();
        let late_key = format!("digest:{day}:{LATE_COORDINATOR}");
        assert_eq!(dry_digests, vec![late_key.as_str()]);
        let real = pass_at(&scheduler, &clock, afternoon).await;
        let real_digests: Vec<&str> = real
            .messages
            .iter()
            .filter(|m| m.key.starts_with("digest:"))
            .map(|m| m.key.as_str())
            .collect();
        assert_eq!(real_digests, dry_digests);
        let mut expected = first.clone();
        expected.push((LATE_COORDINATOR, late_key));
        expected.sort();
        assert_eq!(
            digests(&store.outbox_messages().await.expect("outbox")),
            expected
        );
        store.close().await;
        db.finish().await;
    }
}

/// A scheduler keeps what its last pass read and reads again only what changed since, by the
/// database's counters: a write by another process (another `Store` on the same database)
/// shows in its next pass exactly as a fresh scheduler would see it — submissions, members,
/// statuses, due dates, escalation steps recorded by another process's pass.
#[tokio::test]
async fn a_pass_sees_what_another_process_wrote_since_the_last_pass() {
    const LATE_STAFF: i64 = 3001;
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        let other = db.store(clock.clone()).await;
        let plan = seed(&store).await;
        let q1 = period_id(&store, plan, "q1").await;
        let minhkhai = unit_id(&store, "HG-MINHKHAI").await;
        let tranphu = unit_id(&store, "HG-TRANPHU").await;
        let minhkhai_head = person_id(&store, "HG-MINHKHAI", MINHKHAI_HEAD).await;
        let kept = scheduler(&store);
        let name = db.name;
        // What this scheduler's dry run shows at `at`, checked against a fresh scheduler's.
        let dry = |at: DateTime<Utc>| dry_as_fresh(&kept, &other, at, name);
        // Tuesday 3/3: the 7-day reminder of Q1 (due 10/3).
        let reminder_day = local(date(2026, 3, 3), 8, 0);
        clock.set(reminder_day);
        let (before, _) = dry(reminder_day).await;
        assert!(to(&before, MINHKHAI_HEAD) > 0);
        assert_eq!(to(&before, LATE_STAFF), 0);

        // Minh Khai reports through the other process: no reminder for it any more.
        report_q1(&other, q1, minhkhai, minhkhai_head).await;
        let (reported, _) = dry(reminder_day).await;
        assert_eq!(to(&reported, MINHKHAI_HEAD), 0);

        // A member linked there: she is reminded too.
        support::linked_member(
            &other,
            "HG-TRANPHU",
            PersonRole::FocalPoint,
            "Cán bộ mới",
            LATE_STAFF,
        )
        .await;
        let (linked, _) = dry(reminder_day).await;
        assert!(to(&linked, LATE_STAFF) > 0);

        // A status changes: whatever it changes, both schedulers see the same.
        let assignment = other
            .open_assignments(&[dondoc::domain::UnitId(tranphu)])
            .await
            .expect("assignments")
            .first()
            .expect("an open assignment")
            .assignment_id;
        other
            .record_status_update(
                assignment,
                dondoc::domain::AssignmentStatus::Done,
                "xong",
                None,
                &actor(),
            )
            .await
            .expect("done");
        dry(reminder_day).await;

        // Wednesday 11/3, Q1 overdue: the steps this scheduler would record, until the other
        // process's pass records them.
        let overdue = local(date(2026, 3, 11), 8, 0);
        clock.set(overdue);
        let (_, steps) = dry(overdue).await;
        assert!(!steps.is_empty(), "{name}: Trần Phú's Q1 is overdue");
        let recorded = scheduler(&other).pass(overdue, false).await.expect("pass");
        assert!(recorded.new_escalations > 0);
        let (_, after) = dry(overdue).await;
        assert!(after.is_empty(), "{name}: {after:?}");

        // Q1's due date moves to 20/3: no reminder on 3/3 at all.
        clock.set(reminder_day);
        add_period(&other, plan, "q1", date(2026, 3, 20)).await;
        let (moved, _) = dry(reminder_day).await;
        assert_eq!(to(&moved, LATE_STAFF), 0);

        other.close().await;
        store.close().await;
        db.finish().await;
    }
}

/// Runs `sql` on `db` through a connection of its own, as a hand in `psql` or `sqlite3` would.
async fn by_hand(db: &support::TestDb, sql: &str) {
    use secrecy::ExposeSecret;
    use sqlx::Connection;
    let url = db.config.database.url.expose_secret().to_string();
    match &db.config.database.postgres_schema {
        Some(schema) => {
            let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
            sqlx::raw_sql(&format!("SET search_path TO \"{schema}\"; {sql}"))
                .execute(&mut conn)
                .await
                .expect("sql by hand");
            conn.close().await.expect("close");
        }
        None => {
            let mut conn = sqlx::SqliteConnection::connect(&url)
                .await
                .expect("connect");
            sqlx::raw_sql(sql)
                .execute(&mut conn)
                .await
                .expect("sql by hand");
            conn.close().await.expect("close");
        }
    }
}

/// A kept scheduler reads only the reports and escalation steps added since its last pass;
/// one deleted (by hand: nothing in dondoc deletes them) makes it read them whole again.
#[tokio::test]
async fn a_report_or_step_deleted_by_hand_is_seen_by_a_kept_scheduler() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        let other = db.store(clock.clone()).await;
        let plan = seed(&store).await;
        let q1 = period_id(&store, plan, "q1").await;
        let minhkhai = unit_id(&store, "HG-MINHKHAI").await;
        let minhkhai_head = person_id(&store, "HG-MINHKHAI", MINHKHAI_HEAD).await;
        let kept = scheduler(&store);
        let name = db.name;
        let dry = |at: DateTime<Utc>| dry_as_fresh(&kept, &other, at, name);
        let reminder_day = local(date(2026, 3, 3), 8, 0);
        clock.set(reminder_day);
        assert!(to(&dry(reminder_day).await.0, MINHKHAI_HEAD) > 0);
        report_q1(&other, q1, minhkhai, minhkhai_head).await;
        assert_eq!(to(&dry(reminder_day).await.0, MINHKHAI_HEAD), 0);
        by_hand(
            &db,
            &format!("DELETE FROM report_submissions WHERE unit_id = {minhkhai}"),
        )
        .await;
        assert!(
            to(&dry(reminder_day).await.0, MINHKHAI_HEAD) > 0,
            "{name}: the report is gone, the reminder is back"
        );

        // Q1 overdue: the other process records the steps; one deleted by hand is due again.
        let overdue = local(date(2026, 3, 11), 8, 0);
        clock.set(overdue);
        assert!(!dry(overdue).await.1.is_empty());
        let recorded = scheduler(&other).pass(overdue, false).await.expect("pass");
        assert!(recorded.new_escalations > 0);
        assert!(dry(overdue).await.1.is_empty(), "{name}: recorded");
        by_hand(
            &db,
            &format!("DELETE FROM escalations WHERE unit_id = {minhkhai}"),
        )
        .await;
        let (_, again) = dry(overdue).await;
        assert!(
            again.iter().any(|r| r.unit_id == minhkhai),
            "{name}: {again:?}"
        );

        other.close().await;
        store.close().await;
        db.finish().await;
    }
}

/// A kept scheduler whose dated reminders and escalations are all queued skips composing them
/// again while nothing they read changes; any change, and the next day, brings them back.
#[tokio::test]
async fn a_settled_scheduler_composes_again_after_a_change_or_a_new_day() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        let other = db.store(clock.clone()).await;
        let _plan = seed(&store).await;
        let minhkhai = unit_id(&store, "HG-MINHKHAI").await;
        let kept = scheduler(&store);
        let name = db.name;
        let dry = |at: DateTime<Utc>| dry_as_fresh(&kept, &other, at, name);
        // Q1 overdue: the kept scheduler records the steps, then settles.
        let overdue = local(date(2026, 3, 11), 8, 0);
        clock.set(overdue);
        let first = kept.pass(overdue, false).await.expect("pass");
        assert!(first.new_escalations > 0, "{name}");
        for minutes in [5, 10] {
            let at = overdue + chrono::Duration::minutes(minutes);
            let again = kept.pass(at, false).await.expect("pass");
            assert_eq!(
                (again.queued, again.new_escalations),
                (0, 0),
                "{name}: +{minutes}"
            );
        }
        // A step deleted by another hand: the settled scheduler sees it is due again.
        by_hand(
            &db,
            &format!("DELETE FROM escalations WHERE unit_id = {minhkhai}"),
        )
        .await;
        let at = overdue + chrono::Duration::minutes(15);
        let (_, due_again) = dry(at).await;
        assert!(
            due_again.iter().any(|r| r.unit_id == minhkhai),
            "{name}: {due_again:?}"
        );
        let recorded = kept.pass(at, false).await.expect("pass");
        assert!(recorded.new_escalations > 0, "{name}: recorded again");
        kept.pass(at + chrono::Duration::minutes(5), false)
            .await
            .expect("settling pass");
        // The next working days: the same as a fresh scheduler's, day after day.
        for day in [12, 13, 16, 17, 18] {
            let at = local(date(2026, 3, day), 8, 0);
            clock.set(at);
            dry(at).await;
            kept.pass(at, false).await.expect("pass");
            dry(at + chrono::Duration::minutes(5)).await;
        }
        other.close().await;
        store.close().await;
    }
}

/// A scheduler whose passes queue at most `part` reminders and window messages each.
fn scheduler_in_parts(store: &Store, part: usize) -> Scheduler {
    let mut rules = Rules::from_config(&Config::default());
    rules.wave_part = part;
    Scheduler::new(store.clone(), rules, Doorbell::default())
}

fn is_reminder_or_window(key: &str) -> bool {
    key.starts_with("remind:") || key.starts_with("window:")
}

#[tokio::test]
async fn a_wave_bigger_than_a_part_is_queued_whole_in_parts_by_passes_one_after_another() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        seed(&store).await;
        // A dated task due with the "after_holiday" report (Monday 4/5), for both communes:
        // its reminders go out on the report's reminder days.
        dated_plan(
            &store,
            "NV-2026",
            &[(
                "1",
                "Niêm yết công khai thủ tục hành chính",
                date(2026, 5, 4),
                "HG-PNV",
                &["HG-TRANPHU", "HG-MINHKHAI"],
            )],
        )
        .await;
        // What a dry run at `at` shows: always the whole wave, whatever the part.
        let whole_wave = |at: DateTime<Utc>| {
            let (store, clock) = (store.clone(), clock.clone());
            async move {
                clock.set(at);
                let dry = scheduler_in_parts(&store, 1)
                    .pass(at, true)
                    .await
                    .expect("dry");
                assert!(!dry.more, "a dry run shows the whole wave");
                dry.messages
                    .into_iter()
                    .map(|m| m.key)
                    .collect::<BTreeSet<String>>()
            }
        };
        // The first morning from `day` whose wave holds report and dated-task reminders.
        let mixed_morning = |mut day: NaiveDate| {
            let whole_wave = &whole_wave;
            async move {
                while day <= date(2026, 5, 4) {
                    let at = local(day, 8, 0);
                    let keys = whole_wave(at).await;
                    let has = |prefix: &str| keys.iter().any(|k| k.starts_with(prefix));
                    if has("remind:report:") && (has("remind:task:") || has("remind:tasks:")) {
                        return (at, keys);
                    }
                    day = day.succ_opt().expect("next day");
                }
                panic!("no morning with a mixed wave");
            }
        };

        // The first, pass by pass: each queues whole units up to the part (one unit's
        // members: 2 at most here) and says whether it left some; together they queue what
        // the dry run showed, each message once.
        let (at, wave) = &mixed_morning(date(2026, 4, 20)).await;
        let scheduler = scheduler_in_parts(&store, 1);
        let mut queued: Vec<String> = Vec::new();
        let mut passes = 0;
        loop {
            let before: BTreeSet<String> = store
                .outbox_messages()
                .await
                .expect("outbox")
                .into_iter()
                .map(|m| m.key)
                .collect();
            let report = scheduler.pass(*at, false).await.expect("pass");
            passes += 1;
            let part: Vec<&String> = report
                .messages
                .iter()
                .map(|m| &m.key)
                .filter(|k| is_reminder_or_window(k))
                .collect();
            assert!(part.len() <= 2, "pass {passes} queued {part:?}");
            assert!(
                part.iter().all(|k| !before.contains(*k)),
                "a part never queues again what an earlier one did"
            );
            queued.extend(report.messages.into_iter().map(|m| m.key));
            if !report.more {
                break;
            }
            assert!(passes < 50, "the wave ends");
        }
        assert!(passes >= 3, "{passes} passes");
        let whole: BTreeSet<String> = queued.iter().cloned().collect();
        assert_eq!(whole.len(), queued.len(), "each message once");
        assert_eq!(&whole, wave);
        let again = scheduler
            .pass(*at + Duration::minutes(5), false)
            .await
            .expect("pass");
        assert_eq!((again.queued, again.more), (0, false));

        // The second, by a running scheduler: its first pass queues a part and the next parts
        // follow at once, long before the cron's next pass (5 minutes; the clock stands still).
        let next_day = at.with_timezone(&Ho_Chi_Minh).date_naive() + Duration::days(1);
        let (at, wave) = &mixed_morning(next_day).await;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let running = tokio::spawn(
            scheduler_in_parts(&store, 1).run(std::sync::Arc::new(clock.clone()), stopped),
        );
        let on_the_day = |messages: Vec<OutboxMessage>| -> BTreeSet<String> {
            messages
                .into_iter()
                .filter(|m| m.created_at == *at)
                // A long digest goes as parts `key#2`, … of the one message composed.
                .map(|m| m.key.split('#').next().unwrap_or_default().to_string())
                .collect()
        };
        let mut seen = BTreeSet::new();
        for _ in 0..100 {
            seen = on_the_day(store.outbox_messages().await.expect("outbox"));
            if &seen == wave {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let _ = stop.send(true);
        running.await.expect("scheduler stops");
        assert_eq!(&seen, wave, "the running scheduler queued the whole wave");
        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn an_escalation_morning_bigger_than_a_part_records_every_step_once_in_parts() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        seed(&store).await;
        // The first morning in March when both communes' Q1 reports (due 10/3) climb a step,
        // and what a dry run (never cut) shows for it.
        let mut day = date(2026, 3, 11);
        let (at, dry) = loop {
            let at = local(day, 8, 0);
            clock.set(at);
            let dry = scheduler_in_parts(&store, 1)
                .pass(at, true)
                .await
                .expect("dry");
            let units: BTreeSet<i64> = dry.escalations.iter().map(|r| r.unit_id).collect();
            if units.len() >= 2 {
                break (at, dry);
            }
            day = day.succ_opt().expect("next day");
            assert!(
                day < date(2026, 4, 1),
                "no morning with two units escalating"
            );
        };
        let step_of = |r: &dondoc::store::EscalationRecord| {
            (r.kind.as_str(), r.item_id, r.unit_id, r.step.number())
        };
        let steps: BTreeSet<_> = dry.escalations.iter().map(step_of).collect();
        let keys: BTreeSet<String> = dry.messages.into_iter().map(|m| m.key).collect();

        let scheduler = scheduler_in_parts(&store, 1);
        let (mut recorded, mut queued) = (Vec::new(), Vec::new());
        let mut passes = 0;
        loop {
            let report = scheduler.pass(at, false).await.expect("pass");
            passes += 1;
            // One unit's steps at a time here (each unit's messages fill the part of 1).
            let units: BTreeSet<i64> = report.escalations.iter().map(|r| r.unit_id).collect();
            assert!(units.len() <= 1, "pass {passes}: {units:?}");
            assert_eq!(report.new_escalations as usize, report.escalations.len());
            recorded.extend(report.escalations.iter().map(step_of));
            queued.extend(report.messages.into_iter().map(|m| m.key));
            if !report.more {
                break;
            }
            assert!(passes < 50, "the morning ends");
        }
        assert!(passes >= 2, "{passes} passes");
        let recorded_once: BTreeSet<_> = recorded.iter().copied().collect();
        assert_eq!(recorded_once.len(), recorded.len(), "each step once");
        assert_eq!(recorded_once, steps, "every step the dry run showed");
        let queued_once: BTreeSet<String> = queued.iter().cloned().collect();
        assert_eq!(queued_once.len(), queued.len(), "each message once");
        assert_eq!(queued_once, keys, "every message the dry run showed");
        let again = scheduler
            .pass(at + Duration::minutes(5), false)
            .await
            .expect("pass");
        assert_eq!((again.queued, again.new_escalations), (0, 0));
        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn a_kept_scheduler_queues_todays_digest_for_someone_linked_after_the_morning() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        seed(&store).await;
        let kept = scheduler(&store);
        let digests = |store: Store| async move {
            store
                .outbox_messages()
                .await
                .expect("outbox")
                .into_iter()
                .filter(|m| m.key.starts_with("digest:"))
                .map(|m| m.chat_id)
                .collect::<BTreeSet<i64>>()
        };
        let morning = local(date(2026, 4, 23), 8, 0);
        let first = pass_at(&kept, &clock, morning).await;
        assert!(first.digest_due);
        let before = digests(store.clone()).await;
        assert!(before.contains(&COORDINATOR));
        // A later pass with nothing changed queues nothing (and asks the outbox no more).
        let again = pass_at(&kept, &clock, morning + Duration::minutes(5)).await;
        assert_eq!(again.queued, 0);

        // A second coordinator is linked at 09:00: the kept scheduler's next pass sends her
        // today's digest.
        const SECOND_COORDINATOR: i64 = 2003;
        support::linked_member(
            &store,
            "HG-PNV",
            PersonRole::Coordinator,
            "Chuyên viên Nội vụ 2",
            SECOND_COORDINATOR,
        )
        .await;
        pass_at(&kept, &clock, local(date(2026, 4, 23), 9, 5)).await;
        let after = digests(store.clone()).await;
        assert_eq!(
            after.difference(&before).copied().collect::<Vec<_>>(),
            [SECOND_COORDINATOR]
        );
        store.close().await;
        db.finish().await;
    }
}
