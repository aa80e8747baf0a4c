//! The national-scale data set the export and web-board benches share (5,000 units, 199,964
//! live assignments, Q3 reports, status updates, hotline cases); see `benches/export.rs`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use dondoc::clock::FixedClock;
use dondoc::domain::calendar::{default_templates, periods_for_year};
use dondoc::domain::case::{CaseClocks, Channel};
use dondoc::domain::plan::{Dimension, NewPlan, NewTask, UnitRef};
use dondoc::domain::timeframe;
use dondoc::domain::unit::{NewPerson, NewUnit, Unit};
use dondoc::domain::{Actor, AssignmentStatus, PersonRole, PlanCode, PlanYear, UnitCode, UnitKind};
use dondoc::store::{CaseTime, NewCase, SaveMode, Store, Submission};

pub const YEAR: i32 = 2026;
pub const UNITS: usize = 5_000;
pub const DEPARTMENTS: usize = 20;
pub const DISTRICTS: usize = 60;
pub const BROAD_TASKS: usize = 36;
pub const TARGETED_TASKS: usize = 400;
pub const TARGETED_COMMUNES: usize = 45;
pub const TARGETED_OTHERS: usize = 5;
pub const STATUS_UPDATES: usize = 6_000;
pub const CASES: usize = 3_000;
/// Postgres set-up writes run this many at once (SQLite has one writer: one at a time).
pub const POSTGRES_WRITERS: usize = 8;
pub const PLAN: &str = "BA-PAPI-2026";

// ---------------------------------------------------------------------------------------------
// Set-up

pub async fn setup(store: &Store, clock: &FixedClock, writers: usize, source: &str) {
    let actor = Actor::new("bench");
    let registry = registry();
    store
        .upsert_units(&registry, &actor)
        .await
        .expect("save the registry");
    let units = stored(store, &registry).await;
    let saved = store
        .save_plan(
            &the_plan(&units, source),
            &periods_for_year(&default_templates(), YEAR),
            SaveMode::CreateOnly,
            &actor,
        )
        .await
        .expect("save the plan");
    let q3 = store
        .reporting_periods(saved.plan_id)
        .await
        .expect("periods")
        .into_iter()
        .find(|p| p.key.as_str() == "q3")
        .expect("q3")
        .id;

    let heads: Vec<NewPerson> = units
        .iter()
        .enumerate()
        .map(|(n, unit)| NewPerson {
            unit: unit.code.clone(),
            full_name: format!("Nguyễn Văn {n}"),
            role: PersonRole::Head,
            telegram_user_id: None,
            phone: None,
        })
        .collect();
    let heads: HashMap<UnitCode, dondoc::domain::PersonId> =
        in_parallel(store, writers, heads, |store, p| async move {
            let person = store
                .add_person(&p, &Actor::new("bench"))
                .await
                .expect("add a person");
            (person.unit, person.id)
        })
        .await
        .into_iter()
        .collect();

    // 70 % on time (9/9), 15 % late (15/9), 15 % missing.
    for (batch, (day, pick)) in [(date(9, 9), 0..14), (date(9, 15), 14..17)]
        .into_iter()
        .enumerate()
    {
        clock.set(local(day, 14));
        let submissions: Vec<(i64, Submission)> = units
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(i, _)| pick.contains(&(i % 20)))
            .map(|(i, unit)| {
                let submission = Submission {
                    period_id: dondoc::domain::PeriodId(q3),
                    unit_id: dondoc::domain::UnitId(unit.id),
                    person_id: heads[&unit.code],
                    body: format!("Báo cáo quý III của {}", unit.name),
                    telegram_message_id: None,
                    attachment: None,
                };
                // A distinct update id per submission, as Telegram's would be.
                ((batch as i64 + 1) * 1_000_000 + i as i64, submission)
            })
            .collect();
        in_parallel(
            store,
            writers,
            submissions,
            |store, (update, s)| async move {
                store
                    .record_submission(dondoc::domain::UpdateId(update), 1, 1, &s)
                    .await
                    .expect("record a submission");
            },
        )
        .await;
    }

    clock.set(local(date(8, 20), 10));
    let assignments: Vec<i64> = store
        .plan_tasks(saved.plan_id)
        .await
        .expect("tasks")
        .iter()
        .flat_map(|t| t.assignments.iter().map(|a| a.id))
        .collect();
    let step = (assignments.len() / STATUS_UPDATES).max(1);
    let updates: Vec<(i64, AssignmentStatus)> = assignments
        .iter()
        .step_by(step)
        .take(STATUS_UPDATES)
        .enumerate()
        .map(|(n, id)| {
            let status = match n % 4 {
                0 | 1 => AssignmentStatus::Done,
                2 => AssignmentStatus::InProgress,
                _ => AssignmentStatus::Blocked,
            };
            (*id, status)
        })
        .collect();
    in_parallel(store, writers, updates, |store, (id, status)| async move {
        store
            .record_status_update(
                dondoc::domain::AssignmentId(id),
                status,
                "Đã triển khai theo kế hoạch",
                None,
                &Actor::new("bench"),
            )
            .await
            .expect("a status update");
    })
    .await;

    let calendar = store.working_calendar().await.expect("calendar");
    let clocks = CaseClocks::default();
    let time = CaseTime {
        clocks: &clocks,
        calendar: &calendar,
        time_zone: Ho_Chi_Minh,
        hours: Default::default(),
    };
    let communes = &units[1 + DEPARTMENTS + DISTRICTS..];
    let cases: Vec<NewCase> = (0..CASES)
        .map(|n| {
            let place = dondoc::domain::UnitId(communes[(n * 13) % communes.len()].id);
            let day = date(7, 1) + chrono::Duration::days((n % 90) as i64);
            NewCase {
                channel: Channel::Phone,
                content: format!("Phản ánh số {n} về rác thải, đèn đường"),
                place_unit_id: place,
                category: "Khác".into(),
                citizen_name: Some("Trần Thị Bình".into()),
                citizen_phone: Some(format!("0912 {:06}", n)),
                contact_consent: false,
                operator_id: None,
                received_at: local(day, 9),
                source: "bench".into(),
                files: Vec::new(),
                route_to: vec![place],
            }
        })
        .collect();
    store
        .create_cases(&cases, &time, None, &actor)
        .await
        .expect("cases")
        .expect("created");
}

pub async fn in_parallel<T, R, F, Fut>(
    store: &Store,
    writers: usize,
    items: Vec<T>,
    work: F,
) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(Store, T) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = R> + Send,
{
    let mut lanes: Vec<Vec<T>> = (0..writers).map(|_| Vec::new()).collect();
    for (i, item) in items.into_iter().enumerate() {
        lanes[i % writers].push(item);
    }
    let mut set = tokio::task::JoinSet::new();
    for lane in lanes {
        let store = store.clone();
        let work = work.clone();
        set.spawn(async move {
            let mut out = Vec::with_capacity(lane.len());
            for item in lane {
                out.push(work(store.clone(), item).await);
            }
            out
        });
    }
    let mut results = Vec::new();
    while let Some(lane) = set.join_next().await {
        results.extend(lane.expect("a set-up task"));
    }
    results
}

// ---------------------------------------------------------------------------------------------
// Generated registry and plan (as in benches/scheduler.rs, at scale ×1)

pub const DEPARTMENT_NAMES: [&str; DEPARTMENTS] = [
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tài nguyên và Môi trường",
    "Sở Xây dựng",
    "Sở Giao thông vận tải",
    "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Thông tin và Truyền thông",
    "Sở Khoa học và Công nghệ",
    "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh",
    "Ban Dân tộc tỉnh",
    "Công an tỉnh",
    "Bảo hiểm xã hội tỉnh",
];
pub const PLACE_FIRST: [&str; 12] = [
    "Tân", "Phú", "Vĩnh", "An", "Hòa", "Thạch", "Long", "Quang", "Bình", "Đông", "Tây", "Hưng",
];
pub const PLACE_SECOND: [&str; 10] = [
    "Sơn", "Hà", "Yên", "Lâm", "Thành", "Phong", "Mỹ", "Lộc", "Điền", "Thịnh",
];
pub const DIMENSIONS: [&str; 8] = [
    "Tham gia của người dân ở cấp cơ sở",
    "Công khai, minh bạch trong việc ra quyết định",
    "Trách nhiệm giải trình với người dân",
    "Kiểm soát tham nhũng trong khu vực công",
    "Thủ tục hành chính công",
    "Cung ứng dịch vụ công",
    "Quản trị môi trường",
    "Quản trị điện tử",
];
pub const VERBS: [&str; 4] = [
    "Tổ chức tuyên truyền, phổ biến",
    "Niêm yết công khai",
    "Rà soát, cập nhật và công bố",
    "Kiểm tra, giám sát việc thực hiện",
];
pub const OBJECTS: [&str; 4] = [
    "Luật Thực hiện dân chủ ở cơ sở",
    "các thủ tục hành chính thuộc thẩm quyền giải quyết",
    "quy hoạch, kế hoạch sử dụng đất và khung giá đất",
    "dịch vụ công trực tuyến toàn trình",
];

/// The stored units of `registry`, in its order.
async fn stored(store: &Store, registry: &[NewUnit]) -> Vec<Unit> {
    let stored: HashMap<UnitCode, Unit> = store
        .list_units()
        .await
        .expect("list the registry")
        .into_iter()
        .map(|u| (u.code.clone(), u))
        .collect();
    registry
        .iter()
        .map(|u| stored.get(&u.code).expect("every unit stored").clone())
        .collect()
}

/// The plan the set-up saves, over the registry's stored `units` in [`registry`]'s order.
fn the_plan(units: &[Unit], source: &str) -> NewPlan {
    NewPlan {
        code: PlanCode::parse(PLAN).expect("plan code"),
        title: "Kế hoạch cải thiện chỉ số PAPI năm 2026 (bản sinh cho benchmark)".into(),
        year: PlanYear::new(YEAR).expect("year"),
        scope: units[0].code.clone(),
        source: source.into(),
        tasks: tasks(units),
    }
}

/// The set-up's plan imported again over itself (every task kept, as an office re-importing
/// its file does): a write to the plan no kept reading can take in.
pub async fn reimport(store: &Store, source: &str) {
    let units = stored(store, &registry()).await;
    store
        .save_plan(
            &the_plan(&units, source),
            &periods_for_year(&default_templates(), YEAR),
            SaveMode::Replace,
            &Actor::new("bench"),
        )
        .await
        .expect("the plan imported again");
}

pub fn place(n: usize) -> String {
    let first = PLACE_FIRST[n % PLACE_FIRST.len()];
    let second = PLACE_SECOND[(n / PLACE_FIRST.len()) % PLACE_SECOND.len()];
    format!("{first} {second} {n}")
}

pub fn new_unit(code: String, name: String, kind: UnitKind, parent: &UnitCode) -> NewUnit {
    NewUnit {
        code: UnitCode::parse(&code).expect("generated unit code"),
        aliases: Vec::new(),
        name,
        kind,
        parent: Some(parent.clone()),
    }
}

pub fn registry() -> Vec<NewUnit> {
    let province = UnitCode::parse("BA").expect("province code");
    let mut units = vec![NewUnit {
        code: province.clone(),
        name: "Tỉnh Bình An".into(),
        kind: UnitKind::Province,
        parent: None,
        aliases: Vec::new(),
    }];
    for (i, name) in DEPARTMENT_NAMES.iter().enumerate() {
        let kind = if i == 0 {
            UnitKind::CoordinatingOffice
        } else {
            UnitKind::Department
        };
        units.push(new_unit(
            format!("BA-S{:02}", i + 1),
            name.to_string(),
            kind,
            &province,
        ));
    }
    let mut districts = Vec::with_capacity(DISTRICTS);
    for i in 1..=DISTRICTS {
        units.push(new_unit(
            format!("BA-H{i:03}"),
            format!("UBND huyện {}", place(i)),
            UnitKind::District,
            &province,
        ));
        districts.push(units.last().expect("just pushed").code.clone());
    }
    for i in 1..=UNITS - units.len() {
        let word = if i % 6 == 0 { "phường" } else { "xã" };
        units.push(new_unit(
            format!("BA-X{i:05}"),
            format!("UBND {word} {}", place(i)),
            UnitKind::Commune,
            &districts[i % DISTRICTS],
        ));
    }
    units
}

pub fn unit_ref(unit: &Unit) -> UnitRef {
    UnitRef {
        id: unit.id,
        code: unit.code.clone(),
        name: unit.name.clone(),
    }
}

pub fn tasks(units: &[Unit]) -> Vec<NewTask> {
    let departments = &units[1..=DEPARTMENTS];
    let others = &units[1..=DEPARTMENTS + DISTRICTS];
    let communes = &units[1 + DEPARTMENTS + DISTRICTS..];
    let below_province: Vec<UnitRef> = units[1..].iter().map(unit_ref).collect();
    let mut tasks = Vec::with_capacity(BROAD_TASKS + TARGETED_TASKS);
    let mut n = 0usize;
    let mut task = |timeframe: String, implementing: Vec<UnitRef>| {
        n += 1;
        let d = n % DIMENSIONS.len();
        NewTask {
            source_row: n + 2,
            code: Some(format!("{}.{n}", d + 1)),
            dimension: Some(Dimension {
                code: (d + 1).to_string(),
                title: DIMENSIONS[d].to_string(),
            }),
            criterion: None,
            text: format!(
                "{} {} ({n})",
                VERBS[n % VERBS.len()],
                OBJECTS[(n / 4) % OBJECTS.len()]
            ),
            target: "100% đơn vị thực hiện".into(),
            due_date: timeframe::due_date(&timeframe, YEAR),
            timeframe,
            expected_output: "Báo cáo kết quả".into(),
            lead_units: vec![unit_ref(&departments[n % DEPARTMENTS])],
            implementing_units: implementing,
        }
    };
    for _ in 0..BROAD_TASKS {
        tasks.push(task("Thường xuyên".into(), below_province.clone()));
    }
    for i in 0..TARGETED_TASKS {
        let from = i * 97;
        let mut implementing: Vec<UnitRef> = (0..TARGETED_COMMUNES)
            .map(|k| unit_ref(&communes[(from + k) % communes.len()]))
            .collect();
        implementing
            .extend((0..TARGETED_OTHERS).map(|k| unit_ref(&others[(i * 7 + k) % others.len()])));
        tasks.push(task("Thường xuyên".into(), implementing));
    }
    tasks
}

// ---------------------------------------------------------------------------------------------
// Databases and small helpers

pub fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, m, d).expect("valid date")
}

/// `hour`:00 on `day` in the province.
pub fn local(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    Ho_Chi_Minh
        .from_local_datetime(&day.and_hms_opt(hour, 0, 0).expect("valid time"))
        .single()
        .expect("no DST in Vietnam")
        .with_timezone(&Utc)
}

pub fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}
