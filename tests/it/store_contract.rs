//! The store's contract, run on SQLite and (with DONDOC_TEST_POSTGRES_URL) on Postgres.

use crate::support;

use chrono::{Duration, NaiveDate};
use dondoc::domain::calendar::{default_templates, periods_for_year, DueDateEdit};
use dondoc::domain::plan::{Dimension, NewPlan, NewTask, UnitRef};
use dondoc::domain::unit::{NewPerson, NewUnit};
use dondoc::domain::{AssignmentStatus, PersonRole, PlanCode, PlanYear, UnitCode, UnitKind};
use dondoc::store::{SaveMode, Store, StoreError};
use support::{actor, on_each_backend};

fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).expect("valid code")
}

fn unit(c: &str, name: &str, kind: UnitKind, parent: Option<&str>, aliases: &[&str]) -> NewUnit {
    NewUnit {
        code: code(c),
        name: name.into(),
        kind,
        parent: parent.map(code),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
    }
}

/// A province without a district level: communes sit right under it.
fn registry() -> Vec<NewUnit> {
    vec![
        // Children before their parent on purpose: the file order must not matter.
        unit("X-A", "UBND xã A", UnitKind::Commune, Some("P"), &["Xã A"]),
        unit("X-B", "UBND phường B", UnitKind::Commune, Some("P"), &[]),
        unit("P", "Tỉnh Mẫu", UnitKind::Province, None, &[]),
        unit(
            "SNV",
            "Sở Nội vụ",
            UnitKind::CoordinatingOffice,
            Some("P"),
            &[],
        ),
        unit(
            "STP",
            "Sở Tư pháp",
            UnitKind::Department,
            Some("P"),
            &["STP tỉnh"],
        ),
    ]
}

async fn seeded(store: &Store) {
    store
        .upsert_units(&registry(), &actor())
        .await
        .expect("units saved");
}

async fn unit_ref(store: &Store, c: &str) -> UnitRef {
    let u = store
        .unit(&code(c))
        .await
        .expect("query")
        .expect("unit exists");
    UnitRef {
        id: u.id.get(),
        code: u.code,
        name: u.name,
    }
}

async fn task(store: &Store, code_: &str, text: &str, lead: &str, units: &[&str]) -> NewTask {
    let mut implementing = Vec::new();
    for u in units {
        implementing.push(unit_ref(store, u).await);
    }
    NewTask {
        source_row: 1,
        code: Some(code_.into()),
        dimension: Some(Dimension {
            code: "1".into(),
            title: "Công khai, minh bạch".into(),
        }),
        criterion: None,
        text: text.into(),
        target: "100%".into(),
        timeframe: "Quý III/2026".into(),
        due_date: NaiveDate::from_ymd_opt(2026, 9, 30),
        expected_output: String::new(),
        lead_units: vec![unit_ref(store, lead).await],
        implementing_units: implementing,
    }
}

fn plan(tasks: Vec<NewTask>) -> NewPlan {
    NewPlan {
        code: PlanCode::parse("PAPI-2026").expect("code"),
        title: "Kế hoạch PAPI 2026".into(),
        year: PlanYear::new(2026).expect("year"),
        scope: code("P"),
        source: "test".into(),
        tasks,
    }
}

fn periods() -> Vec<dondoc::domain::ReportingPeriod> {
    periods_for_year(&default_templates(), 2026)
}

#[tokio::test]
async fn units_are_saved_by_code_and_updated_in_place() {
    on_each_backend(|store, _clock, backend| async move {
        let saved = store
            .upsert_units(&registry(), &actor())
            .await
            .expect("first import");
        assert_eq!(
            (saved.created, saved.updated, saved.unchanged),
            (5, 0, 0),
            "{backend}"
        );

        let mut again = registry();
        again[4].name = "Sở Tư pháp tỉnh".into();
        again[4].aliases.push("Sở TP".into());
        let saved = store
            .upsert_units(&again, &actor())
            .await
            .expect("re-import");
        assert_eq!(
            (saved.created, saved.updated, saved.unchanged),
            (0, 1, 4),
            "{backend}"
        );

        let units = store.list_units().await.expect("list");
        assert_eq!(units.len(), 5, "{backend}: re-import must not duplicate");
        let stp = units
            .iter()
            .find(|u| u.code.as_str() == "STP")
            .expect("STP");
        assert_eq!(stp.name, "Sở Tư pháp tỉnh");
        assert_eq!(stp.parent, Some(code("P")));
        let mut aliases = stp.aliases.clone();
        aliases.sort();
        assert_eq!(aliases, ["STP tỉnh", "Sở TP"]);
        let commune = units
            .iter()
            .find(|u| u.code.as_str() == "X-A")
            .expect("X-A");
        assert_eq!(
            commune.parent,
            Some(code("P")),
            "communes directly under the province"
        );

        // A parent that exists nowhere is refused and nothing is written.
        let orphan = [unit(
            "X-C",
            "UBND xã C",
            UnitKind::Commune,
            Some("NOPE"),
            &[],
        )];
        assert!(store.upsert_units(&orphan, &actor()).await.is_err());
        assert_eq!(
            store.list_units().await.expect("list").len(),
            5,
            "{backend}"
        );
    })
    .await;
}

#[tokio::test]
async fn people_belong_to_units_with_roles() {
    on_each_backend(|store, _clock, backend| async move {
        seeded(&store).await;
        let chairman = NewPerson {
            unit: code("X-A"),
            full_name: "Nguyễn Văn A".into(),
            role: PersonRole::Head,
            telegram_user_id: Some(1001),
            phone: Some("0912345678".into()),
        };
        let saved = store
            .add_person(&chairman, &actor())
            .await
            .expect("person saved");
        assert_eq!(saved.role, PersonRole::Head);
        let people = store.people_in_unit(&code("X-A")).await.expect("people");
        assert_eq!(people, vec![saved], "{backend}");
        // The same Telegram user may also be a member of another unit (a second role).
        let focal_point = NewPerson {
            unit: code("STP"),
            role: PersonRole::FocalPoint,
            ..chairman.clone()
        };
        let second = store
            .add_person(&focal_point, &actor())
            .await
            .expect("second membership");
        assert_eq!(second.telegram_user_id, Some(1001), "{backend}");
        assert_eq!(
            store
                .people_in_unit(&code("STP"))
                .await
                .expect("people")
                .len(),
            1
        );
        let nowhere = NewPerson {
            unit: code("NOPE"),
            telegram_user_id: None,
            ..chairman
        };
        assert!(matches!(
            store.add_person(&nowhere, &actor()).await,
            Err(StoreError::NotFound { .. })
        ));
    })
    .await;
}

#[tokio::test]
async fn a_plan_is_created_once_and_replaced_keeping_history() {
    on_each_backend(|store, clock, backend| async move {
        seeded(&store).await;
        let first = plan(vec![
            task(
                &store,
                "1.1",
                "Công khai ngân sách xã",
                "STP",
                &["X-A", "X-B"],
            )
            .await,
            task(&store, "1.2", "Đối thoại với người dân", "STP", &["X-A"]).await,
        ]);
        let saved = store
            .save_plan(&first, &periods(), SaveMode::CreateOnly, &actor())
            .await
            .expect("create");
        assert_eq!(
            (saved.tasks_added, saved.assignments_added),
            (2, 3),
            "{backend}"
        );
        assert!(matches!(
            store
                .save_plan(&first, &periods(), SaveMode::CreateOnly, &actor())
                .await,
            Err(StoreError::PlanExists(_))
        ));

        let tasks = store.plan_tasks(saved.plan_id).await.expect("tasks");
        let budget = &tasks[0];
        assert_eq!(budget.code.as_deref(), Some("1.1"));
        assert_eq!(budget.leads[0].code.as_str(), "STP");
        assert_eq!(budget.due_date, NaiveDate::from_ymd_opt(2026, 9, 30));
        let x_a = budget
            .assignments
            .iter()
            .find(|a| a.unit.code.as_str() == "X-A")
            .expect("X-A assigned");
        assert_eq!(x_a.status, AssignmentStatus::NotStarted);

        clock.set(clock_now(&store) + Duration::days(30));
        store
            .record_status_update(
                dondoc::domain::AssignmentId(x_a.id),
                AssignmentStatus::InProgress,
                "Đã niêm yết",
                None,
                &actor(),
            )
            .await
            .expect("status");

        // New version: 1.1 reworded and X-B dropped, 1.2 gone, 1.3 new.
        let second = plan(vec![
            task(
                &store,
                "1.1",
                "Công khai thu, chi ngân sách xã",
                "SNV",
                &["X-A"],
            )
            .await,
            task(&store, "1.3", "Kiểm tra việc công khai", "SNV", &["X-B"]).await,
        ]);
        let saved = store
            .save_plan(&second, &periods(), SaveMode::Replace, &actor())
            .await
            .expect("replace");
        assert!(saved.replaced);
        assert_eq!(
            (saved.tasks_added, saved.tasks_kept, saved.tasks_retired),
            (1, 1, 1),
            "{backend}"
        );
        assert_eq!(
            saved.assignments_retired, 2,
            "{backend}: X-B on 1.1 and X-A on 1.2"
        );

        let tasks = store.plan_tasks(saved.plan_id).await.expect("tasks");
        let codes: Vec<_> = tasks
            .iter()
            .map(|t| t.code.clone().unwrap_or_default())
            .collect();
        assert_eq!(codes, ["1.1", "1.3"], "{backend}: retired task hidden");
        assert_eq!(tasks[0].text, "Công khai thu, chi ngân sách xã");
        assert_eq!(tasks[0].leads[0].code.as_str(), "SNV");
        let kept = &tasks[0].assignments[0];
        assert_eq!(kept.id, x_a.id, "{backend}: same assignment");
        assert_eq!(
            kept.status,
            AssignmentStatus::InProgress,
            "{backend}: status kept"
        );
        let history = store
            .status_history(dondoc::domain::AssignmentId(x_a.id))
            .await
            .expect("history");
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].note, "Đã niêm yết");

        let summary = store.list_plans().await.expect("plans");
        assert_eq!(summary.len(), 1);
        assert_eq!((summary[0].task_count, summary[0].assignment_count), (2, 2));

        // The first version again: 1.2 and X-B on 1.1 come back as the same rows, history
        // intact, and 1.3 is retired in turn.
        let saved = store
            .save_plan(&first, &periods(), SaveMode::Replace, &actor())
            .await
            .expect("back");
        assert_eq!(
            (saved.tasks_added, saved.tasks_kept, saved.tasks_retired),
            (0, 2, 1),
            "{backend}"
        );
        let tasks = store.plan_tasks(saved.plan_id).await.expect("tasks");
        let codes: Vec<_> = tasks
            .iter()
            .map(|t| t.code.clone().unwrap_or_default())
            .collect();
        assert_eq!(codes, ["1.1", "1.2"], "{backend}");
        let revived = tasks[0]
            .assignments
            .iter()
            .find(|a| a.unit.code.as_str() == "X-B")
            .expect("X-B back");
        let original_x_b = budget
            .assignments
            .iter()
            .find(|a| a.unit.code.as_str() == "X-B")
            .expect("X-B");
        assert_eq!(
            revived.id, original_x_b.id,
            "{backend}: revived, not duplicated"
        );
        assert_eq!(
            store
                .status_history(dondoc::domain::AssignmentId(x_a.id))
                .await
                .expect("history")
                .len(),
            1
        );
    })
    .await;
}

fn clock_now(store: &Store) -> chrono::DateTime<chrono::Utc> {
    store.now()
}

#[tokio::test]
async fn the_reporting_calendar_defaults_and_edits() {
    on_each_backend(|store, _clock, backend| async move {
        seeded(&store).await;
        let p = plan(vec![
            task(&store, "1.1", "Công khai", "STP", &["X-A", "X-B"]).await,
            task(&store, "1.2", "Hướng dẫn", "SNV", &["STP"]).await,
        ]);
        let saved = store
            .save_plan(&p, &periods(), SaveMode::CreateOnly, &actor())
            .await
            .expect("create");
        let calendar = store
            .reporting_periods(saved.plan_id)
            .await
            .expect("periods");
        let dates: Vec<(String, NaiveDate)> = calendar
            .iter()
            .map(|p| (p.key.to_string(), p.due_date))
            .collect();
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).expect("date");
        assert_eq!(
            dates,
            [
                ("q1".into(), d(3, 10)),
                ("commune_plan".into(), d(5, 30)),
                ("h1".into(), d(6, 10)),
                ("q3".into(), d(9, 10)),
                ("annual".into(), d(11, 15)),
            ],
            "{backend}"
        );
        let commune_plan = &calendar[1];
        let owing: Vec<_> = store
            .units_owing(saved.plan_id, commune_plan)
            .await
            .expect("owing")
            .into_iter()
            .map(|u| u.code.to_string())
            .collect();
        assert_eq!(
            owing,
            ["X-A", "X-B"],
            "{backend}: only communes owe the commune plan"
        );
        let annual = &calendar[4];
        let owing = store
            .units_owing(saved.plan_id, annual)
            .await
            .expect("owing");
        assert_eq!(
            owing.len(),
            3,
            "{backend}: every implementing unit owes the annual report"
        );

        let edits = [
            DueDateEdit::parse("annual=2026-11-13").expect("edit"),
            DueDateEdit::parse("dot_xuat=20/12/2026").expect("edit"),
        ];
        let changes = store
            .set_due_dates(saved.plan_id, &edits, &actor())
            .await
            .expect("set");
        assert_eq!(changes[0].before, Some(d(11, 15)));
        assert_eq!(changes[1].before, None);
        let calendar = store
            .reporting_periods(saved.plan_id)
            .await
            .expect("periods");
        assert_eq!(calendar.len(), 6);
        assert_eq!(calendar[4].due_date, d(11, 13));
        assert_eq!(calendar[5].key.as_str(), "dot_xuat");

        // Replacing the plan keeps the edited calendar.
        store
            .save_plan(&p, &periods(), SaveMode::Replace, &actor())
            .await
            .expect("replace");
        assert_eq!(
            store
                .reporting_periods(saved.plan_id)
                .await
                .expect("periods")[4]
                .due_date,
            d(11, 13)
        );
    })
    .await;
}

#[tokio::test]
async fn every_change_is_audited_and_the_log_cannot_be_rewritten() {
    on_each_backend(|store, _clock, backend| async move {
        seeded(&store).await;
        let p = plan(vec![
            task(&store, "1.1", "Công khai", "STP", &["X-A"]).await,
        ]);
        let saved = store
            .save_plan(&p, &periods(), SaveMode::CreateOnly, &actor())
            .await
            .expect("create");
        store
            .set_due_dates(
                saved.plan_id,
                &[DueDateEdit::parse("q1=2026-03-09").expect("edit")],
                &actor(),
            )
            .await
            .expect("set");
        let entries = store.audit_entries(100).await.expect("audit");
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions[0], "period.set_due_date", "{backend}");
        assert_eq!(actions[1], "plan.create");
        assert_eq!(actions.iter().filter(|a| **a == "unit.create").count(), 5);
        assert!(entries.iter().all(|e| e.actor == "test:coordinator"));
        assert!(
            entries[1].detail.contains("\"tasks\":1"),
            "{}",
            entries[1].detail
        );
        assert_eq!(entries[0].at, store.now());

        assert!(
            store.try_rewrite_audit_entry(entries[0].id).await.is_err(),
            "{backend}: append-only"
        );
        assert_eq!(
            store.audit_entries(1).await.expect("audit")[0].actor,
            "test:coordinator"
        );
    })
    .await;
}

#[tokio::test]
async fn two_imports_of_the_same_new_plan_race_and_one_wins() {
    on_each_backend(|store, _clock, backend| async move {
        seeded(&store).await;
        let p = plan(vec![
            task(&store, "1.1", "Công khai", "STP", &["X-A"]).await,
        ]);
        let (calendar, who) = (periods(), actor());
        let (a, b) = tokio::join!(
            store.save_plan(&p, &calendar, SaveMode::CreateOnly, &who),
            store.save_plan(&p, &calendar, SaveMode::CreateOnly, &who),
        );
        let wins = [&a, &b].iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "{backend}: {a:?} {b:?}");
        assert!([a, b]
            .into_iter()
            .any(|r| matches!(r, Err(StoreError::PlanExists(_)))));
        assert_eq!(store.list_plans().await.expect("plans").len(), 1);
    })
    .await;
}

#[tokio::test]
async fn zalo_ids_get_local_numbers_apart_from_telegram() {
    on_each_backend(|store, _clock, backend| async move {
        let user = store
            .zalo_number("8452011234567890123")
            .await
            .expect("number");
        let group = store.zalo_number("g-5e1f0c").await.expect("number");
        assert!(
            user >= dondoc::domain::ZALO_NUMBER_BASE,
            "{backend}: {user}"
        );
        assert_ne!(user, group, "{backend}");
        for number in [user, group] {
            assert_eq!(
                dondoc::domain::Channel::of_chat(number),
                dondoc::domain::Channel::Zalo
            );
        }
        assert_eq!(
            store
                .zalo_number("8452011234567890123")
                .await
                .expect("again"),
            user,
            "{backend}: the same id keeps its number"
        );
        assert_eq!(
            store.zalo_id_of(group).await.expect("read").as_deref(),
            Some("g-5e1f0c")
        );
        assert_eq!(store.zalo_id_of(7).await.expect("read"), None);
    })
    .await;
}
