//! The periodic report (`dondoc export`, `/xuat`) on SQLite and Postgres: seed 004's plan with
//! Q3 reports on time, late and missing, status updates and hotline cases, exported and read
//! back with calamine; the figures are checked against the database.

use crate::support;

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use calamine::{Data, DataType, Reader, Xlsx};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use dondoc::clock::FixedClock;
use dondoc::domain::case::{CaseClocks, Channel};
use dondoc::domain::{AssignmentStatus, PersonRole, PlanCode, UnitCode};
use dondoc::export::{self, ExportError, Report, ReportRequest};
use dondoc::messages::Lang;
use dondoc::store::{CaseTime, NewCase, Store, Submission, UnitBrief};
use secrecy::SecretString;
use serde_json::Value;
use support::fake_telegram::FakeTelegram;
use support::{actor, linked_member, seed004, test_dbs};

const PLAN: &str = "HG-2026";
const YEAR: i32 = 2026;

fn local(m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Ho_Chi_Minh
        .with_ymd_and_hms(YEAR, m, d, h, 0, 0)
        .single()
        .expect("a local time")
        .with_timezone(&Utc)
}

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, m, d).expect("date")
}

/// What the seeding did, to compare with the export.
struct Seeded {
    owing: Vec<UnitBrief>,
    on_time: Vec<String>,
    late: Vec<String>,
}

/// Seed 004 for 2026; Q3 (due 10/9) reported on time by three units (one adds to it late),
/// late by two, missing for the rest; status updates on four tasks; three hotline cases, one
/// outside Q3. Everything is recorded with the injected clock.
async fn seed(store: &Store, clock: &FixedClock) -> Seeded {
    let plan_id = seed004(store, PLAN, YEAR).await;
    let periods = store.reporting_periods(plan_id).await.expect("periods");
    let q3 = periods
        .iter()
        .find(|p| p.key.as_str() == "q3")
        .expect("q3")
        .clone();
    let owing = store.units_owing(plan_id, &q3).await.expect("owing");
    assert!(owing.len() > 8, "seed 004 has many implementing units");
    let mut update_id = 1;
    let mut submit = |unit: UnitBrief, at: DateTime<Utc>| {
        update_id += 1;
        let id = update_id;
        let q3_id = q3.id;
        async move {
            clock.set(at);
            let person = store
                .people_in_unit(&unit.code)
                .await
                .expect("people")
                .first()
                .map(|p| p.id)
                .expect("a member");
            let submission = Submission {
                period_id: dondoc::domain::PeriodId(q3_id),
                unit_id: unit.id,
                person_id: person,
                body: format!("Báo cáo quý III của {}", unit.name),
                telegram_message_id: None,
                attachment: None,
            };
            store
                .record_submission(dondoc::domain::UpdateId(id), 1, 1, &submission)
                .await
                .expect("submission");
        }
    };
    for (i, unit) in owing.iter().take(5).enumerate() {
        linked_member(
            store,
            unit.code.as_str(),
            PersonRole::Head,
            "Trưởng",
            7000 + i as i64,
        )
        .await;
    }
    for unit in &owing[..3] {
        submit(unit.clone(), local(9, 5, 9)).await;
    }
    // On time first, then again after the due date: still on time.
    submit(owing[0].clone(), local(9, 12, 9)).await;
    for unit in &owing[3..5] {
        submit(unit.clone(), local(9, 12, 15)).await;
    }

    let tasks = store.plan_tasks(plan_id).await.expect("tasks");
    clock.set(local(8, 20, 10));
    let update = |assignment: i64, status: AssignmentStatus, note: &'static str| async move {
        store
            .record_status_update(
                dondoc::domain::AssignmentId(assignment),
                status,
                note,
                None,
                &actor(),
            )
            .await
            .expect("status update");
    };
    for a in &tasks[0].assignments {
        update(a.id, AssignmentStatus::Done, "Đã niêm yết công khai").await;
    }
    update(
        tasks[1].assignments[0].id,
        AssignmentStatus::Blocked,
        "Thiếu kinh phí",
    )
    .await;
    update(
        tasks[2].assignments[0].id,
        AssignmentStatus::InProgress,
        "Đang họp thôn",
    )
    .await;
    update(
        tasks[3].assignments[0].id,
        AssignmentStatus::Done,
        "Xong phần việc",
    )
    .await;

    let calendar = store.working_calendar().await.expect("calendar");
    let clocks = CaseClocks::default();
    let time = CaseTime {
        clocks: &clocks,
        calendar: &calendar,
        time_zone: Ho_Chi_Minh,
        hours: Default::default(),
    };
    let minhkhai = store
        .unit(&UnitCode::parse("HG-MINHKHAI").expect("code"))
        .await
        .expect("unit")
        .expect("exists")
        .id;
    let case = |received_at, content: &str| NewCase {
        channel: Channel::Phone,
        content: content.into(),
        place_unit_id: minhkhai,
        category: "Khác".into(),
        citizen_name: Some("Nguyễn Văn An".into()),
        citizen_phone: Some("0912 345 678".into()),
        contact_consent: false,
        operator_id: None,
        received_at,
        source: "test".into(),
        files: Vec::new(),
        route_to: vec![minhkhai],
    };
    let cases = [
        case(local(7, 2, 9), "Đèn đường hỏng ở tổ 5"),
        case(local(9, 28, 9), "Rác thải ùn ứ ở tổ 3"),
        case(local(6, 15, 9), "Ngoài quý III"),
    ];
    store
        .create_cases(&cases, &time, None, &actor())
        .await
        .expect("cases")
        .expect("created");
    Seeded {
        on_time: owing[..3].iter().map(|u| u.code.to_string()).collect(),
        late: owing[3..5].iter().map(|u| u.code.to_string()).collect(),
        owing,
    }
}

fn request(period: &str, as_of: DateTime<Utc>) -> ReportRequest {
    ReportRequest {
        plan: PlanCode::parse(PLAN).expect("code"),
        period: Some(period.into()),
        as_of,
        time_zone: Ho_Chi_Minh,
        ack_hours: 24,
        lang: Lang::Vi,
    }
}

/// The workbook's sheets by name, in order.
fn open(bytes: &[u8]) -> Vec<(String, calamine::Range<Data>)> {
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("a readable XLSX");
    workbook
        .sheet_names()
        .into_iter()
        .map(|name| {
            let range = workbook.worksheet_range(&name).expect("sheet");
            (name, range)
        })
        .collect()
}

fn sheet<'a>(
    sheets: &'a [(String, calamine::Range<Data>)],
    name: &str,
) -> &'a calamine::Range<Data> {
    &sheets
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
        .1
}

fn text(cell: Option<&Data>) -> String {
    cell.and_then(|c| c.as_string()).unwrap_or_default()
}

/// The numbers right of the row whose second cell is `label`.
fn figures(range: &calamine::Range<Data>, label: &str) -> Vec<f64> {
    let row = range
        .rows()
        .find(|r| text(r.get(1)) == label)
        .unwrap_or_else(|| panic!("no row {label:?}"));
    row[2..].iter().filter_map(|c| c.as_f64()).collect()
}

fn header(range: &calamine::Range<Data>, row: usize) -> Vec<String> {
    range
        .rows()
        .nth(row)
        .expect("a header row")
        .iter()
        .map(|c| text(Some(c)))
        .collect()
}

/// The rule the report states: done when every unit is done, blocked when any is, in
/// progress when any started, else not started. Recomputed here from the database.
fn expected_tasks(store_tasks: &[dondoc::store::TaskView]) -> HashMap<String, [usize; 5]> {
    let mut by_dimension: HashMap<String, [usize; 5]> = HashMap::new();
    for task in store_tasks {
        let statuses: Vec<AssignmentStatus> = task.assignments.iter().map(|a| a.status).collect();
        let all_done =
            !statuses.is_empty() && statuses.iter().all(|s| *s == AssignmentStatus::Done);
        let column = if all_done {
            1
        } else if statuses.contains(&AssignmentStatus::Blocked) {
            3
        } else if statuses
            .iter()
            .any(|s| matches!(s, AssignmentStatus::InProgress | AssignmentStatus::Done))
        {
            2
        } else {
            4
        };
        let dimension = task.dimension.clone().unwrap_or_else(|| "Khác".into());
        let counts = by_dimension.entry(dimension).or_default();
        counts[0] += 1;
        counts[column] += 1;
    }
    by_dimension
}

async fn build(store: &Store, period: &str, as_of: DateTime<Utc>) -> Report {
    export::build_report(store, &request(period, as_of))
        .await
        .expect("a report")
}

#[tokio::test]
async fn xlsx_figures_match_the_database() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        let seeded = seed(&store, &clock).await;
        let as_of = local(9, 30, 17);
        let report = build(&store, "Q3", as_of).await;
        let bytes = export::xlsx::write(&report, Lang::Vi).expect("xlsx");
        let sheets = open(&bytes);
        let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.first(), Some(&"Tổng hợp"), "{}: {names:?}", db.name);
        assert!(names.contains(&"Báo cáo của đơn vị"), "{names:?}");
        assert_eq!(names.last(), Some(&"Phản ánh, kiến nghị"), "{names:?}");

        // Reports: owing, on time, late, missing as seeded; nothing "not yet due" after 10/9.
        let summary = sheet(&sheets, "Tổng hợp");
        let owing = seeded.owing.len() as f64;
        assert_eq!(
            figures(summary, "Đơn vị phải báo cáo")[0],
            owing,
            "{}",
            db.name
        );
        assert_eq!(figures(summary, "Nộp đúng hạn")[0], 3.0);
        assert_eq!(figures(summary, "Nộp trễ hạn")[0], 2.0);
        assert_eq!(figures(summary, "Chưa nộp (quá hạn)")[0], owing - 5.0);
        assert_eq!(figures(summary, "Chưa nộp (chưa đến hạn)")[0], 0.0);
        let on_time_share = figures(summary, "Nộp đúng hạn")[1];
        assert!((on_time_share - (300.0 / owing * 10.0).round() / 10.0).abs() < 1e-9);
        assert!(text(summary.get((1, 0))).contains("Báo cáo quý III"));
        assert!(text(summary.get((2, 0))).contains("30/09/2026"));

        // Tasks by dimension and in total, as the database has them.
        let plan = store
            .plan(&PlanCode::parse(PLAN).expect("code"))
            .await
            .expect("plan")
            .expect("exists");
        let tasks = store.plan_tasks(plan.id).await.expect("tasks");
        let expected = expected_tasks(&tasks);
        let mut total = [0usize; 5];
        for (dimension, counts) in &expected {
            let got: Vec<usize> = figures(summary, dimension)
                .iter()
                .map(|f| *f as usize)
                .collect();
            assert_eq!(got, counts.to_vec(), "{}: {dimension}", db.name);
            for (t, c) in total.iter_mut().zip(counts) {
                *t += c;
            }
        }
        let got: Vec<usize> = figures(summary, "Tổng cộng")
            .iter()
            .map(|f| *f as usize)
            .collect();
        assert_eq!(got, total.to_vec());
        assert_eq!(total[0], tasks.len());
        assert!(total[1] >= 1 && total[2] >= 1 && total[3] >= 1, "{total:?}");

        // Hotline: two cases received in Q3 (the June one is left out).
        assert_eq!(figures(summary, "Phản ánh, kiến nghị tiếp nhận")[0], 2.0);

        // A dimension sheet: Vietnamese headers, the blocked task with its note and date.
        let first_dimension = &sheets[1].1;
        assert_eq!(
            header(first_dimension, 1)[..8],
            [
                "STT",
                "Nhiệm vụ",
                "Chỉ tiêu",
                "Thời gian thực hiện",
                "Hạn",
                "Đơn vị chủ trì theo dõi",
                "Đơn vị thực hiện",
                "Trạng thái"
            ]
        );
        let blocked = sheets[1..]
            .iter()
            .flat_map(|(_, r)| r.rows())
            .find(|r| text(r.get(9)).contains("Thiếu kinh phí"))
            .expect("the blocked task's update");
        assert_eq!(text(blocked.get(7)), "Vướng mắc");
        assert_eq!(blocked[10].as_date(), Some(date(8, 20)), "a real date");

        // The units sheet: every owing unit, the dates as dates.
        let units = sheet(&sheets, "Báo cáo của đơn vị");
        assert_eq!(
            header(units, 1),
            [
                "STT",
                "Mã đơn vị",
                "Tên đơn vị",
                "Tình trạng báo cáo",
                "Ngày nộp",
                "Số ngày trễ"
            ]
        );
        let rows: Vec<&[Data]> = units.rows().skip(2).collect();
        assert_eq!(rows.len(), seeded.owing.len());
        let row_of = |code: &str| {
            *rows
                .iter()
                .find(|r| text(r.get(1)) == code)
                .unwrap_or_else(|| panic!("no row for {code}"))
        };
        for code in &seeded.on_time {
            let row = row_of(code);
            assert_eq!(text(row.get(3)), "Nộp đúng hạn", "{code}");
            assert_eq!(row[4].as_date(), Some(date(9, 5)), "{code}");
        }
        for code in &seeded.late {
            let row = row_of(code);
            assert_eq!(text(row.get(3)), "Nộp trễ hạn", "{code}");
            assert_eq!(row[4].as_date(), Some(date(9, 12)));
            assert_eq!(row[5].as_f64(), Some(2.0), "two days after 10/9");
        }
        assert_eq!(
            text(rows[0].get(3)),
            "Chưa nộp (quá hạn)",
            "most behind first"
        );

        // Cases: masked contact details only.
        let cases = sheet(&sheets, "Phản ánh, kiến nghị");
        assert_eq!(text(cases.get((1, 0))), "Số phản ánh");
        let body: Vec<&[Data]> = cases.rows().skip(2).collect();
        assert_eq!(body.len(), 2, "{}", db.name);
        for row in &body {
            assert_eq!(text(row.get(12)), "09******78");
            assert_eq!(text(row.get(11)), "N. V. A.");
        }
        let all: String = cases.rows().flatten().map(|c| text(Some(c))).collect();
        assert!(
            !all.contains("345") && !all.contains("Nguyễn Văn An"),
            "{all}"
        );

        // As of an earlier day: later updates and reports do not count.
        let early = build(&store, "q3", local(9, 8, 17)).await;
        assert_eq!(early.reports.on_time, 3);
        assert_eq!(early.reports.late, 0);
        assert_eq!(early.reports.not_yet_due, seeded.owing.len() - 3);
        let before_updates = build(&store, "q3", local(8, 1, 17)).await;
        assert_eq!(before_updates.tasks.not_started, tasks.len());
        assert_eq!(
            before_updates.cases.figures.received, 1,
            "only the 2/7 case yet"
        );

        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn csv_writes_one_file_per_sheet() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        seed(&store, &clock).await;
        let report = build(&store, "quý III", local(9, 30, 17)).await;
        let dir = tempfile::tempdir().expect("dir");
        let written = export::csv::write_files(&report, Lang::Vi, &dir.path().join("q3.csv"))
            .expect("written");
        let names: Vec<String> = written
            .iter()
            .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.first().map(String::as_str), Some("q3-tong-hop.csv"));
        assert!(names.contains(&"q3-don-vi.csv".to_string()), "{names:?}");
        assert!(names.contains(&"q3-phan-anh.csv".to_string()), "{names:?}");
        assert!(
            names.iter().any(|n| n.starts_with("q3-noi-dung-")),
            "{names:?}"
        );
        let read = |name: &str| std::fs::read(dir.path().join(name)).expect("file");
        let summary = read("q3-tong-hop.csv");
        assert!(summary.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
        let summary = String::from_utf8(summary).expect("utf-8");
        assert!(summary.contains("2,Nộp đúng hạn,3,"), "{summary}");
        assert!(summary.contains("3,Nộp trễ hạn,2,"), "{summary}");
        let units = String::from_utf8(read("q3-don-vi.csv")).expect("utf-8");
        assert!(units.contains("Nộp đúng hạn,05/09/2026,"), "{units}");
        assert!(units.contains("Nộp trễ hạn,12/09/2026,2"), "{units}");
        let cases = String::from_utf8(read("q3-phan-anh.csv")).expect("utf-8");
        assert!(
            cases.contains("09******78") && !cases.contains("0912"),
            "{cases}"
        );
        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn an_unknown_period_lists_the_valid_ones() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        seed004(&store, PLAN, YEAR).await;
        match export::build_report(&store, &request("Q5", local(9, 30, 17))).await {
            Err(ExportError::UnknownPeriod { typed, periods }) => {
                assert_eq!(typed, "Q5");
                let choices = export::period::choices(&periods);
                for key in ["q1", "h1", "q3", "annual", "commune_plan"] {
                    assert!(choices.contains(key), "{choices}");
                }
            }
            other => panic!("{}: expected UnknownPeriod, got {other:?}", db.name),
        }
        // What coordinators type for the 6-month and annual reports.
        assert_eq!(
            build(&store, "6T", local(9, 30, 17))
                .await
                .period
                .key
                .as_str(),
            "h1"
        );
        assert_eq!(
            build(&store, "Q4", local(9, 30, 17))
                .await
                .period
                .key
                .as_str(),
            "annual"
        );
        assert_eq!(
            build(&store, "CN", local(9, 30, 17))
                .await
                .period
                .key
                .as_str(),
            "annual"
        );
        store.close().await;
        db.finish().await;
    }
}

async fn run_cli(config: &dondoc::config::Config, args: dondoc::cli::ReportArgs) -> ExitCode {
    dondoc::cli::execute(dondoc::cli::Command::Export(args), config)
        .await
        .expect("the command runs")
}

fn cli_args(out: &Path, period: &str) -> dondoc::cli::ReportArgs {
    dondoc::cli::ReportArgs {
        plan: PLAN.into(),
        period: Some(period.into()),
        out: out.to_path_buf(),
        format: None,
        as_of: Some("30/09/2026".into()),
    }
}

#[tokio::test]
async fn the_command_line_writes_xlsx_and_csv_and_refuses_a_bad_period() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        let seeded = seed(&store, &clock).await;
        store.close().await;
        let dir = tempfile::tempdir().expect("dir");

        let out = dir.path().join("bao_cao_q3.xlsx");
        assert_eq!(
            run_cli(&db.config, cli_args(&out, "Q3")).await,
            ExitCode::SUCCESS
        );
        let sheets = open(&std::fs::read(&out).expect("written"));
        let summary = sheet(&sheets, "Tổng hợp");
        assert_eq!(figures(summary, "Nộp đúng hạn")[0], 3.0, "{}", db.name);
        assert_eq!(
            figures(summary, "Chưa nộp (quá hạn)")[0],
            seeded.owing.len() as f64 - 5.0
        );

        let mut args = cli_args(&dir.path().join("q3.csv"), "q3");
        args.format = Some(dondoc::cli::ExportFormat::Csv);
        assert_eq!(run_cli(&db.config, args).await, ExitCode::SUCCESS);
        assert!(dir.path().join("q3-tong-hop.csv").exists());

        let bad = dir.path().join("bad.xlsx");
        assert_eq!(
            run_cli(&db.config, cli_args(&bad, "Q7")).await,
            ExitCode::FAILURE
        );
        assert!(!bad.exists(), "nothing written for a bad period");
        let mut args = cli_args(&bad, "Q3");
        args.as_of = Some("hôm qua".into());
        assert_eq!(run_cli(&db.config, args).await, ExitCode::FAILURE);
        let mut args = cli_args(&bad, "Q3");
        args.plan = "KHONG-CO".into();
        assert_eq!(run_cli(&db.config, args).await, ExitCode::FAILURE);
        assert!(!bad.exists());
        db.finish().await;
    }
}

const WAIT: Duration = Duration::from_secs(10);
const COORDINATOR: i64 = 6001;
const CHAIRMAN: i64 = 6002;

fn message_text(p: &Value) -> String {
    p["text"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_coordinator_gets_the_report_in_chat() {
    for db in test_dbs().await {
        let fake = FakeTelegram::start().await;
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        let seeded = seed(&store, &clock).await;
        clock.set(local(9, 30, 17));
        linked_member(
            &store,
            "HG-PNV",
            PersonRole::Coordinator,
            "Hoa",
            COORDINATOR,
        )
        .await;
        linked_member(&store, "HG-TRANPHU", PersonRole::Head, "An", CHAIRMAN).await;
        fake.add_user(COORDINATOR, "Hoa", None);
        fake.add_user(CHAIRMAN, "An", None);
        let mut config = db.config.clone();
        config.telegram.bot_token = Some(SecretString::from("123456:TEST-TOKEN"));
        config.telegram.api_url = fake.api_url();
        config.telegram.poll_timeout_secs = 1;
        let bot = dondoc::bot::spawn(&config, store.clone(), Arc::new(clock.clone()))
            .await
            .expect("bot starts");
        fake.wait_for(
            "setMyCommands",
            |p| {
                p["commands"]
                    .as_array()
                    .is_some_and(|c| c.iter().any(|c| c["command"] == "xuat"))
            },
            WAIT,
        )
        .await;

        // A commune chairman is refused.
        fake.text_from(CHAIRMAN, CHAIRMAN, "/xuat");
        fake.wait_for(
            "sendMessage",
            |p| p["chat_id"] == CHAIRMAN && message_text(p).contains("Chỉ cán bộ Nội vụ"),
            WAIT,
        )
        .await;

        // The coordinator: "/xuat" alone is the latest period due (Q3 on 30/9).
        fake.text_from(COORDINATOR, COORDINATOR, "/xuat");
        let sent = fake
            .wait_for("sendDocument", |p| p["chat_id"] == COORDINATOR, WAIT)
            .await;
        let caption = sent["caption"].as_str().unwrap_or_default();
        assert!(
            caption.contains("Báo cáo quý III") && caption.contains("3 đúng hạn"),
            "{caption}"
        );
        // Issue 12: the caption adds up, "chưa đến hạn" a count of its own.
        let count_before = |words: &str| -> usize {
            let at = caption
                .find(words)
                .unwrap_or_else(|| panic!("{words} in {caption}"));
            caption[..at]
                .split_whitespace()
                .last()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("a count before {words}: {caption}"))
        };
        assert_eq!(
            count_before("đơn vị phải báo cáo"),
            count_before("đúng hạn")
                + count_before("trễ hạn")
                + count_before("quá hạn chưa nộp")
                + count_before("chưa đến hạn"),
            "{caption}"
        );
        let uploads = fake.uploads();
        let upload = uploads.last().expect("an upload");
        assert_eq!(upload.field, "document");
        assert!(upload.file_name.ends_with(".xlsx"), "{}", upload.file_name);
        let sheets = open(&upload.bytes);
        let summary = sheet(&sheets, "Tổng hợp");
        assert_eq!(figures(summary, "Nộp trễ hạn")[0], 2.0, "{}", db.name);
        assert_eq!(
            figures(summary, "Đơn vị phải báo cáo")[0],
            seeded.owing.len() as f64
        );

        // A named period, and one that does not exist.
        fake.text_from(COORDINATOR, COORDINATOR, "/xuat 6T");
        fake.wait_for(
            "sendDocument",
            |p| {
                p["caption"]
                    .as_str()
                    .is_some_and(|c| c.contains("Báo cáo 6 tháng"))
            },
            WAIT,
        )
        .await;
        fake.text_from(COORDINATOR, COORDINATOR, "/xuat HG-2026 Q9");
        let refusal = fake
            .wait_for(
                "sendMessage",
                |p| p["chat_id"] == COORDINATOR && message_text(p).contains("\"Q9\""),
                WAIT,
            )
            .await;
        assert!(
            message_text(&refusal).contains("q3 (Báo cáo quý III"),
            "{refusal}"
        );
        assert_eq!(fake.calls_to("sendDocument").len(), 2);

        bot.stop().await;
        store.close().await;
        fake.shutdown().await;
        db.finish().await;
    }
}

/// The export names the plan's implementing units no one can be told in (never reminded) and
/// the members whose chat cannot be reached, on a sheet of their own before the cases.
#[tokio::test]
async fn the_export_lists_units_no_one_can_be_told_in() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        let seeded = seed(&store, &clock).await;
        // The first owing unit's head blocks the bot: Telegram answers 403.
        let blocked = 7000;
        mark_blocked(&store, blocked).await;
        let report = build(&store, "Q3", local(9, 30, 17)).await;
        let gap_units: Vec<&str> = report
            .reach
            .units
            .iter()
            .map(|u| u.unit.code.as_str())
            .collect();
        // Units 1–4 have a reachable member; unit 0's only member is unreachable; the rest
        // have nobody linked.
        assert!(
            gap_units.contains(&seeded.owing[0].code.as_str()),
            "{gap_units:?}"
        );
        assert!(!gap_units.contains(&seeded.owing[1].code.as_str()));
        assert!(gap_units.contains(&seeded.owing[5].code.as_str()));
        assert_eq!(report.reach.members.len(), 1, "{}", db.name);
        let bytes = export::xlsx::write(&report, Lang::Vi).expect("xlsx");
        let sheets = open(&bytes);
        let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.last(), Some(&"Phản ánh, kiến nghị"), "{names:?}");
        let gaps = sheet(&sheets, "Chưa nhận tin");
        assert_eq!(
            header(gaps, 1),
            vec![
                "STT",
                "Mã đơn vị",
                "Tên đơn vị",
                "Tình trạng nhận tin qua Telegram"
            ]
        );
        let rows: Vec<(String, String)> = gaps
            .rows()
            .skip(2)
            .map(|r| (text(r.get(2)), text(r.get(3))))
            .collect();
        assert!(
            rows.contains(&(
                seeded.owing[5].name.clone(),
                "Chưa ai liên kết: không được nhắc việc".to_string()
            )),
            "{rows:?}"
        );
        assert!(
            rows.contains(&(
                seeded.owing[0].name.clone(),
                "1 người đã liên kết nhưng không liên lạc được: không được nhắc việc".to_string()
            )),
            "{rows:?}"
        );
        assert!(
            rows.iter()
                .any(|(unit, state)| *unit == seeded.owing[0].name
                    && state.starts_with("Trưởng: không liên lạc được từ")),
            "{rows:?}"
        );
        assert!(!rows.iter().any(|(unit, _)| *unit == seeded.owing[1].name));
        store.close().await;
        db.finish().await;
    }
}

/// What the sender does when Telegram answers 403 for `chat`: the message is parked and the
/// member marked unreachable.
async fn mark_blocked(store: &Store, chat: i64) {
    let key = format!("test:blocked:{chat}");
    let message = dondoc::store::NewMessage {
        key: key.clone(),
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
        .find(|m| m.key == key)
        .expect("the message")
        .id;
    let now = Utc::now();
    let lease = dondoc::store::SENDER_LEASE;
    assert!(store
        .acquire_lease(lease, "test", now, chrono::Duration::seconds(60))
        .await
        .expect("lease"));
    assert!(store
        .claim_message(id, "test", now, Duration::ZERO)
        .await
        .expect("claim"));
    store
        .park_message(id, "Forbidden: bot was blocked by the user")
        .await
        .expect("parked");
    store.release_lease(lease, "test").await.expect("released");
}
