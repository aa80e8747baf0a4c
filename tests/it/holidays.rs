//! The holiday table: seeded by the migration, replaced a year at a time, read into the
//! working calendar, and the `holidays` commands through the real binary.

use crate::support;

use std::process::ExitCode;

use chrono::NaiveDate;
use dondoc::cli::{execute, Command, HolidaysCommand};
use dondoc::domain::{CalendarDay, DayKind};
use dondoc::import::{self, ProblemKind};
use dondoc::store::{HolidaysSaved, Store, StoreError};
use support::{actor, fixture, on_each_backend, stdout, test_dbs};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn off(y: i32, m: u32, d: u32, name: &str) -> CalendarDay {
    CalendarDay {
        date: date(y, m, d),
        name: name.into(),
        kind: DayKind::DayOff,
    }
}

fn dates(days: &[CalendarDay]) -> Vec<NaiveDate> {
    days.iter().map(|d| d.date).collect()
}

#[tokio::test]
async fn the_migration_seeds_2026_and_2027() {
    on_each_backend(|store, _clock, name| async move {
        let y2026 = store.holidays(2026).await.unwrap();
        let y2027 = store.holidays(2027).await.unwrap();
        assert_eq!((y2026.len(), y2027.len()), (17, 15), "{name}");
        assert!(
            y2026.windows(2).all(|w| w[0].date < w[1].date),
            "{name}: by date"
        );
        assert!(y2026
            .iter()
            .chain(&y2027)
            .all(|d| d.kind == DayKind::DayOff));
        let tet = y2026.iter().filter(|d| d.name == "Tết Nguyên đán").count();
        assert_eq!(tet, 9, "{name}: Tết 2026 is 14/02–22/02");
        assert!(y2026.contains(&off(2026, 11, 24, "Ngày Văn hóa Việt Nam")));
        assert!(dates(&y2026).contains(&date(2026, 4, 27)));
        assert!(dates(&y2027).contains(&date(2027, 2, 8)));
        assert!(store.holidays(2025).await.unwrap().is_empty());

        let calendar = store.working_calendar().await.unwrap();
        assert!(!calendar.is_working_day(date(2027, 2, 8)), "{name}");
        assert!(!calendar.is_working_day(date(2026, 11, 24)), "{name}");
        assert!(calendar.is_working_day(date(2026, 5, 4)), "{name}");
        assert_eq!(
            calendar.on_or_before(date(2026, 5, 3)),
            date(2026, 4, 29),
            "{name}"
        );
        assert_eq!(calendar.on_or_after(date(2027, 2, 5)), date(2027, 2, 12));
    })
    .await;
}

#[tokio::test]
async fn replacing_a_year_keeps_the_others() {
    on_each_backend(|store, _clock, name| async move {
        let y2026 = store.holidays(2026).await.unwrap();
        let new_2027 = vec![
            off(2027, 1, 1, "Tết Dương lịch"),
            off(2027, 2, 12, "Tết Nguyên đán (nghỉ thêm)"),
            CalendarDay {
                date: date(2027, 2, 20),
                name: "Làm bù".into(),
                kind: DayKind::WorkingDay,
            },
        ];
        let saved = store.replace_holidays(&new_2027, &actor()).await.unwrap();
        assert_eq!(
            saved,
            HolidaysSaved {
                years: vec![2027],
                days: 3
            }
        );
        assert_eq!(store.holidays(2027).await.unwrap(), new_2027, "{name}");
        assert_eq!(store.holidays(2026).await.unwrap(), y2026, "{name}");
        let audit = store.audit_entries(1).await.unwrap();
        assert_eq!(
            (
                audit[0].action.as_str(),
                audit[0].entity.as_str(),
                audit[0].entity_key.as_str()
            ),
            ("holidays.replace", "holidays", "2027")
        );
        assert!(
            audit[0].detail.contains("\"days\":3") && audit[0].detail.contains("\"replaced\":15"),
            "{name}: {}",
            audit[0].detail
        );
        let calendar = store.working_calendar().await.unwrap();
        assert!(
            calendar.is_working_day(date(2027, 2, 8)),
            "{name}: replaced"
        );
        assert!(
            calendar.is_working_day(date(2027, 2, 20)),
            "{name}: a worked Saturday"
        );
        assert!(
            !calendar.is_working_day(date(2026, 2, 17)),
            "{name}: 2026 kept"
        );

        // Two years at once: one audit row each.
        let two_years = [
            off(2028, 1, 1, "Tết Dương lịch"),
            off(2027, 9, 2, "Quốc khánh"),
        ];
        let saved = store.replace_holidays(&two_years, &actor()).await.unwrap();
        assert_eq!(saved.years, [2027, 2028]);
        assert_eq!(store.holidays(2027).await.unwrap().len(), 1);
        let keys: Vec<String> = store
            .audit_entries(2)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.entity_key)
            .collect();
        assert_eq!(keys, ["2028", "2027"]);

        // A date given twice is refused whole.
        let twice = [off(2026, 1, 1, "A"), off(2026, 1, 1, "B")];
        assert!(matches!(
            store.replace_holidays(&twice, &actor()).await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(store.holidays(2026).await.unwrap(), y2026, "{name}");
        assert_eq!(
            store.replace_holidays(&[], &actor()).await.unwrap(),
            HolidaysSaved::default()
        );
    })
    .await;
}

#[tokio::test]
async fn a_bad_file_reports_every_row_and_writes_nothing() {
    let problems = import::read_holidays(&fixture("holidays/bad.csv"), 1 << 20).unwrap_err();
    let rows: Vec<Option<usize>> = problems.iter().map(|p| p.row).collect();
    assert_eq!(rows, [Some(3), Some(5)], "{problems:?}");
    assert_eq!(problems[0].kind, ProblemKind::BadDate("2028-02-30".into()));
    assert_eq!(problems[1].kind, ProblemKind::BadDayKind("half_day".into()));

    for db in test_dbs().await {
        let code = execute(
            Command::Holidays(HolidaysCommand::Import {
                file: fixture("holidays/bad.csv"),
                dry_run: false,
            }),
            &db.config,
        )
        .await
        .unwrap();
        assert_eq!(code, ExitCode::FAILURE, "{}", db.name);
        let store = db.store(support::clock()).await;
        assert!(
            store.holidays(2028).await.unwrap().is_empty(),
            "{}",
            db.name
        );
        assert!(
            store.audit_entries(10).await.unwrap().is_empty(),
            "{}: nothing audited",
            db.name
        );
        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn an_xlsx_with_date_cells_is_read() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nghi_le.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let as_date = Format::new().set_num_format("dd/mm/yyyy");
    sheet.write_string(0, 0, "Ngày").unwrap();
    sheet.write_string(0, 1, "Tên ngày lễ").unwrap();
    sheet
        .write_datetime_with_format(1, 0, ExcelDateTime::from_ymd(2028, 9, 2).unwrap(), &as_date)
        .unwrap();
    sheet.write_string(1, 1, "Quốc khánh").unwrap();
    sheet.write_string(2, 0, "04/09/2028").unwrap();
    sheet.write_string(2, 1, "Quốc khánh (nghỉ bù)").unwrap();
    workbook.save(&path).unwrap();
    let days = import::read_holidays(&path, 1 << 20).unwrap();
    assert_eq!(
        days,
        [
            off(2028, 9, 2, "Quốc khánh"),
            off(2028, 9, 4, "Quốc khánh (nghỉ bù)")
        ]
    );
}

#[tokio::test]
async fn the_holidays_commands_through_the_binary() {
    for db in test_dbs().await {
        let name = db.name;
        let list = db.dondoc(&["holidays", "list", "2026"]);
        assert!(list.status.success(), "{name}: {list:?}");
        let lines: Vec<String> = stdout(&list).lines().map(String::from).collect();
        // A header row, then one aligned row a day.
        assert_eq!(lines.len(), 18, "{name}: {lines:#?}");
        assert_eq!(lines[0], "ngày        thứ       loại  tên");
        assert_eq!(lines[1], "01/01/2026  Thứ Năm   nghỉ  Tết Dương lịch");
        assert!(lines.contains(&"17/02/2026  Thứ Ba    nghỉ  Tết Nguyên đán".to_string()));
        assert!(lines.contains(&"26/04/2026  Chủ nhật  nghỉ  Giỗ Tổ Hùng Vương".to_string()));
        assert_eq!(
            lines[17],
            "24/11/2026  Thứ Ba    nghỉ  Ngày Văn hóa Việt Nam"
        );

        let path = fixture("holidays/holidays_2027.csv");
        let import = db.dondoc(&["holidays", "import", path.to_str().unwrap()]);
        assert!(import.status.success(), "{name}: {import:?}");
        assert_eq!(
            stdout(&import).trim(),
            "Năm 2027: đã thay lịch nghỉ bằng 16 ngày nghỉ, 1 ngày làm bù."
        );
        let list = stdout(&db.dondoc(&["holidays", "list", "2027"]));
        assert_eq!(
            list.lines().count(),
            18,
            "{name}: header and 17 days: {list}"
        );
        assert!(list.contains("20/02/2027  Thứ Bảy   làm việc  Làm bù cho ngày 12/02\n"));
        assert!(list.contains(
            "30/04/2027  Thứ Sáu   nghỉ      Ngày Giải phóng miền Nam, thống nhất đất nước\n"
        ));
        assert_eq!(
            stdout(&db.dondoc(&["holidays", "list", "2026"]))
                .lines()
                .count(),
            18,
            "{name}: 2026 untouched"
        );

        let bad = db.dondoc(&[
            "holidays",
            "import",
            fixture("holidays/bad.csv").to_str().unwrap(),
        ]);
        assert_eq!(bad.status.code(), Some(1), "{name}");
        let errors = String::from_utf8_lossy(&bad.stderr);
        assert!(
            errors.contains("Dòng 3: ngày \"2028-02-30\" không hợp lệ"),
            "{errors}"
        );
        assert!(
            errors.contains("Dòng 5: loại ngày \"half_day\" không hợp lệ"),
            "{errors}"
        );
        assert!(errors.contains("Không ghi gì"), "{errors}");

        let empty = db.dondoc(&["holidays", "list", "2030"]);
        assert!(stdout(&empty).starts_with("Chưa có ngày lễ nào của năm 2030"));

        let store: Store = db.store(support::clock()).await;
        assert_eq!(store.holidays(2027).await.unwrap().len(), 17, "{name}");
        assert!(store.holidays(2028).await.unwrap().is_empty(), "{name}");
        store.close().await;
        db.finish().await;
    }
}
