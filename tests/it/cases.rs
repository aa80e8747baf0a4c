//! Citizen cases in the store: numbering, forwarding, acknowledgement, return and re-routing,
//! answers from two units, a late answer across a weekend and a holiday, closing and reopening,
//! and the audit log without the citizen's contact details. On SQLite and Postgres.

use crate::support;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use dondoc::domain::case::{route, CaseClocks, CaseNumber, CaseState, Channel, HopState};
use dondoc::domain::{PersonRole, UnitCode};
use dondoc::store::{CaseAction, CaseRefusal, CaseTime, NewCase, Store};
use support::{actor, on_each_backend};

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Ho_Chi_Minh
        .from_local_datetime(
            &NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|day| day.and_hms_opt(h, 0, 0))
                .expect("valid"),
        )
        .single()
        .expect("one instant")
        .with_timezone(&Utc)
}

async fn unit(store: &Store, code: &str) -> dondoc::domain::UnitId {
    store
        .unit(&UnitCode::parse(code).expect("code"))
        .await
        .expect("unit")
        .expect("exists")
        .id
}

fn new_case(
    place: dondoc::domain::UnitId,
    route_to: Vec<dondoc::domain::UnitId>,
    received_at: DateTime<Utc>,
) -> NewCase {
    NewCase {
        channel: Channel::Phone,
        content: "Đèn đường tổ 5 hỏng hai tuần nay".into(),
        place_unit_id: place,
        category: "Hạ tầng đô thị".into(),
        citizen_name: Some("Nguyễn Văn An".into()),
        citizen_phone: Some("0912345678".into()),
        contact_consent: false,
        operator_id: None,
        received_at,
        source: "chat".into(),
        files: Vec::new(),
        route_to,
    }
}

#[tokio::test]
async fn a_case_from_intake_to_closing_and_back() {
    on_each_backend(|store, clock, name| async move {
        support::seed004(&store, "HG-2026", 2026).await;
        support::linked_member(&store, "HG-MINHKHAI", PersonRole::Head, "Chủ tịch", 1011).await;
        let minhkhai = unit(&store, "HG-MINHKHAI").await;
        let qldt = unit(&store, "HG-PQLDT").await;
        let calendar = store.working_calendar().await.expect("calendar");
        let clocks = CaseClocks::default();
        let time = CaseTime {
            clocks: &clocks,
            calendar: &calendar,
            time_zone: Ho_Chi_Minh,
            hours: Default::default(),
        };
        let head = store
            .people_in_unit(&UnitCode::parse("HG-MINHKHAI").expect("code"))
            .await
            .expect("people")[0]
            .id;

        // Received Tuesday 28/4/2026 at 09:00: acknowledgement due in 24 hours; the answer
        // after 6 working days — 30/4, 1/5 and the weekend are off, so Friday 8/5.
        let received = at(2026, 4, 28, 9);
        clock.set(received);
        let numbers = store
            .create_cases(
                &[new_case(minhkhai, vec![minhkhai], received)],
                &time,
                None,
                &actor(),
            )
            .await
            .expect("created")
            .expect("new");
        assert_eq!(numbers, vec![CaseNumber { year: 2026, seq: 1 }]);
        assert_eq!(numbers[0].to_string(), "PA-2026-000001");
        let case = store.case(numbers[0]).await.expect("read").expect("exists");
        assert_eq!(case.state, CaseState::Forwarded, "{name}");
        assert_eq!(case.ack_due_at, received + Duration::hours(24));
        assert_eq!(
            case.answer_due_date,
            NaiveDate::from_ymd_opt(2026, 5, 8).unwrap()
        );
        let hop = case.hops[0].clone();
        assert_eq!(hop.unit.id, minhkhai);
        assert_eq!(hop.answer_due_date, case.answer_due_date);

        // Minh Khai says it is not theirs; the operator re-routes to the urban works office.
        clock.set(at(2026, 4, 28, 10));
        assert_eq!(
            store
                .return_hop(hop.id, head, "Thuộc Phòng Quản lý đô thị", None, &actor())
                .await
                .expect("returned"),
            Ok(CaseState::Returned)
        );
        assert_eq!(
            store
                .accept_hop(hop.id, head, None, &actor())
                .await
                .expect("refused"),
            Err(CaseRefusal::WrongState),
            "a returned hop cannot be accepted"
        );
        clock.set(at(2026, 4, 28, 11));
        let hops = store
            .forward_case(case.id, &[qldt], false, None, &time, None, &actor())
            .await
            .expect("forwarded")
            .expect("allowed");
        assert_eq!(hops.len(), 1);
        let case = store.case(numbers[0]).await.expect("read").expect("exists");
        assert_eq!(case.state, CaseState::Forwarded);
        let second = case
            .hops
            .iter()
            .find(|h| h.unit.id == qldt)
            .expect("second hop");
        assert_eq!(second.state, HopState::Forwarded);

        // Accepted the next morning; answered Monday 11/5, after its due date 8/5: late.
        clock.set(at(2026, 4, 29, 8));
        assert_eq!(
            store
                .accept_hop(second.id, head, None, &actor())
                .await
                .expect("accepted"),
            Ok(CaseState::Accepted)
        );
        clock.set(at(2026, 5, 11, 14));
        assert_eq!(
            store
                .answer_hop(
                    second.id,
                    head,
                    "Đã thay bóng đèn ngày 11/5",
                    &[],
                    &time,
                    None,
                    &actor()
                )
                .await
                .expect("answered"),
            Ok(CaseState::Answered)
        );
        let case = store.case(numbers[0]).await.expect("read").expect("exists");
        assert!(case.late, "{name}: answered after 8/5");
        assert_eq!(
            case.acknowledged_at,
            Some(at(2026, 4, 29, 8)),
            "the first acknowledgement"
        );
        assert!(case
            .hops
            .iter()
            .any(|h| h.late && h.answer.as_deref() == Some("Đã thay bóng đèn ngày 11/5")));

        // The operator informs the citizen and closes; the citizen calls back: reopened.
        assert_eq!(
            store
                .operate_case(case.id, CaseAction::Close, None, &actor())
                .await
                .expect("closed"),
            Ok(CaseState::Closed)
        );
        assert_eq!(
            store
                .operate_case(case.id, CaseAction::Close, None, &actor())
                .await
                .expect("refused"),
            Err(CaseRefusal::WrongState)
        );
        assert_eq!(
            store
                .operate_case(case.id, CaseAction::Reopen, None, &actor())
                .await
                .expect("reopened"),
            Ok(CaseState::Reopened)
        );
        let case = store.case(numbers[0]).await.expect("read").expect("exists");
        assert_eq!(case.state, CaseState::Reopened);
        assert!(case.hops.iter().all(|h| !h.state.is_live()));

        // Nothing about the citizen in the audit log.
        let audit = store.audit_entries(1_000).await.expect("audit");
        let case_entries: Vec<_> = audit.iter().filter(|e| e.entity == "case").collect();
        assert!(case_entries.len() >= 6, "{name}: {case_entries:?}");
        for entry in case_entries {
            assert!(
                !entry.detail.contains("0912345678") && !entry.detail.contains("Nguyễn Văn An")
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_case_for_two_units_is_answered_when_both_answer() {
    on_each_backend(|store, clock, name| async move {
        support::seed004(&store, "HG-2026", 2026).await;
        support::linked_member(&store, "HG-MINHKHAI", PersonRole::Head, "Chủ tịch", 1011).await;
        let minhkhai = unit(&store, "HG-MINHKHAI").await;
        let tnmt = unit(&store, "HG-PTNMT").await;
        let calendar = store.working_calendar().await.expect("calendar");
        let clocks = CaseClocks::default();
        let time = CaseTime {
            clocks: &clocks,
            calendar: &calendar,
            time_zone: Ho_Chi_Minh,
            hours: Default::default(),
        };
        let person = store
            .people_in_unit(&UnitCode::parse("HG-MINHKHAI").expect("code"))
            .await
            .expect("people")[0]
            .id;
        clock.set(at(2026, 11, 2, 9));
        let cases = [
            new_case(minhkhai, vec![minhkhai, tnmt], at(2026, 11, 2, 9)),
            new_case(minhkhai, Vec::new(), at(2026, 11, 2, 9)),
        ];
        let numbers = store
            .create_cases(&cases, &time, None, &actor())
            .await
            .expect("created")
            .expect("new");
        assert_eq!(
            numbers.iter().map(|n| n.seq).collect::<Vec<_>>(),
            vec![1, 2]
        );
        let unrouted = store.case(numbers[1]).await.expect("read").expect("exists");
        assert_eq!(unrouted.state, CaseState::Received, "{name}");
        let case = store.case(numbers[0]).await.expect("read").expect("exists");
        assert_eq!(case.hops.len(), 2);
        let (a, b) = (case.hops[0].id, case.hops[1].id);
        clock.set(at(2026, 11, 3, 9));
        assert_eq!(
            store
                .answer_hop(a, person, "Phường đã kiểm tra", &[], &time, None, &actor())
                .await
                .expect("ok"),
            Ok(CaseState::Forwarded),
            "one unit answered, the other has not even acknowledged"
        );
        assert_eq!(
            store
                .answer_hop(b, person, "Phòng đã xử lý", &[], &time, None, &actor())
                .await
                .expect("ok"),
            Ok(CaseState::Answered)
        );
        let case = store.case(numbers[0]).await.expect("read").expect("exists");
        assert!(!case.late);
        assert_eq!(
            store.open_cases(Some(&[tnmt])).await.expect("open").len(),
            0
        );
        assert_eq!(store.open_cases(None).await.expect("open").len(), 2);
    })
    .await;
}

#[test]
fn routing_prefers_the_most_specific_rule() {
    use dondoc::domain::case::RoutingRule;
    use dondoc::domain::UnitId as U;
    let rules = [RoutingRule {
        category: None,
        place_unit_id: Some(U(5)),
        unit_id: U(9),
    }];
    assert_eq!(route(&rules, "Đất đai", U(5), U(1)), U(9));
    assert_eq!(route(&rules, "Đất đai", U(6), U(1)), U(1));
}

/// A case answered late across 30/4–1/5 and a weekend: reminders and escalation steps on the
/// right working days, the late answer flagged, the coordinator's digest listing the case.
#[tokio::test]
async fn a_late_answer_is_chased_on_working_days_and_flagged() {
    use dondoc::config::Config;
    use dondoc::outbox::Doorbell;
    use dondoc::scheduler::{Rules, Scheduler};
    on_each_backend(|store, clock, name| async move {
        support::seed004(&store, "HG-2026", 2026).await;
        support::linked_member(&store, "HG-MINHKHAI", PersonRole::Head, "Chủ tịch", 1011).await;
        support::linked_member(&store, "HG-PNV", PersonRole::Coordinator, "Nội vụ", 2001).await;
        let minhkhai = unit(&store, "HG-MINHKHAI").await;
        let head = store
            .people_in_unit(&UnitCode::parse("HG-MINHKHAI").expect("code"))
            .await
            .expect("people")[0]
            .id;
        let calendar = store.working_calendar().await.expect("calendar");
        let clocks = CaseClocks::default();
        let time = CaseTime {
            clocks: &clocks,
            calendar: &calendar,
            time_zone: Ho_Chi_Minh,
            hours: Default::default(),
        };
        clock.set(at(2026, 4, 28, 9));
        let number = store
            .create_cases(
                &[new_case(minhkhai, vec![minhkhai], at(2026, 4, 28, 9))],
                &time,
                None,
                &actor(),
            )
            .await
            .expect("created")
            .expect("new")[0];
        let hop = store
            .case(number)
            .await
            .expect("read")
            .expect("exists")
            .hops[0]
            .id;
        let scheduler = Scheduler::new(
            store.clone(),
            Rules::from_config(&Config::default()),
            Doorbell::default(),
        );
        let mut day = NaiveDate::from_ymd_opt(2026, 4, 28).expect("date");
        while day <= NaiveDate::from_ymd_opt(2026, 5, 15).expect("date") {
            let morning = at(2026, day.month(), day.day(), 8);
            clock.set(morning);
            scheduler.pass(morning, false).await.expect("pass");
            clock.set(morning + Duration::hours(2));
            if day == NaiveDate::from_ymd_opt(2026, 5, 4).expect("date") {
                store
                    .accept_hop(hop, head, None, &actor())
                    .await
                    .expect("accepted")
                    .expect("ok");
            }
            if day == NaiveDate::from_ymd_opt(2026, 5, 13).expect("date") {
                let state = store
                    .answer_hop(hop, head, "Đã sửa xong", &[], &time, None, &actor())
                    .await
                    .expect("answered");
                assert_eq!(state, Ok(CaseState::Answered));
            }
            day += Duration::days(1);
        }
        let messages = store.outbox_messages().await.expect("outbox");
        let queued_on = |key: &str| -> Vec<NaiveDate> {
            messages
                .iter()
                .filter(|m| m.key.starts_with(key))
                .map(|m| m.created_at.with_timezone(&Ho_Chi_Minh).date_naive())
                .collect()
        };
        let d = |m, dd| NaiveDate::from_ymd_opt(2026, m, dd).expect("date");
        // Acknowledgement due Wednesday 29/4 at 09:00: reminded that morning; overdue next
        // on the first working day after 30/4, 1/5 and the weekend.
        assert_eq!(
            queued_on(&format!("case:ackremind:{hop}:")),
            vec![d(4, 29)],
            "{name}"
        );
        assert_eq!(
            queued_on(&format!("case:acklate:{hop}:")),
            vec![d(5, 4)],
            "{name}"
        );
        // Answer due Friday 8/5: reminded two working days before and on the day.
        assert_eq!(
            queued_on(&format!("case:remind:{hop}:2026-05-06:")),
            vec![d(5, 6)]
        );
        assert_eq!(
            queued_on(&format!("case:remind:{hop}:2026-05-08:")),
            vec![d(5, 8)]
        );
        // Overdue: the nudge on Monday 11/5, the second step on Tuesday 12/5; answered 13/5.
        let steps: Vec<(NaiveDate, String)> = messages
            .iter()
            .filter(|m| {
                m.key.starts_with("escalate:") && m.body.contains(&format!("Phản ánh {number}"))
            })
            .map(|m| {
                // The key ends with a digest of the items the message names.
                let (key, _items) = m.key.rsplit_once(':').expect("a digest");
                (
                    m.created_at.with_timezone(&Ho_Chi_Minh).date_naive(),
                    key.to_string(),
                )
            })
            .collect();
        assert_eq!(
            steps,
            vec![
                (d(5, 11), format!("escalate:2026-05-11:1:{minhkhai}:1011")),
                (d(5, 12), format!("escalate:2026-05-12:2:{minhkhai}:1011")),
            ],
            "{name}"
        );
        let digest = messages
            .iter()
            .filter(|m| m.key.starts_with("digest:2026-05-12:2001"))
            .map(|m| m.body.clone())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            digest.contains(&format!(
                "– {number} · Phường Minh Khai: hạn 08/05/2026, quá 4 ngày"
            )),
            "{digest}"
        );
        let april = messages
            .iter()
            .filter(|m| m.key.starts_with("digest:2026-04-29:2001"))
            .map(|m| m.body.clone())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            april.contains("📨 Phản ánh tháng 04/2026: 1 tiếp nhận · 0 được tiếp nhận trong 24 giờ · 0 trả lời đúng hạn · 0 trả lời muộn · 1 đang mở"),
            "{april}"
        );
        let case = store.case(number).await.expect("read").expect("exists");
        assert!(case.late, "{name}: answered after its due date");
        assert!(
            !messages.iter().any(|m| m.key.starts_with("case:")
                && m.created_at.with_timezone(&Ho_Chi_Minh).date_naive() > d(5, 13)),
            "nothing more once answered"
        );
    })
    .await;
}
