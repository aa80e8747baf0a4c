//! The hotline operator's command line through the real binary, on SQLite and Postgres:
//! `cases routing import|list`, `cases import` (numbers, routing, all or nothing),
//! `cases export` (contacts masked unless a coordinator asks, and then audited) and
//! `cases stats` for a month made by hand through the store.

use crate::support;

use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use dondoc::domain::case::{CaseClocks, CaseNumber, Channel};
use dondoc::domain::{PersonRole, UnitCode};
use dondoc::hotline::stats::{case_stats, Figures};
use dondoc::import::table::read_tables;
use dondoc::store::{CaseTime, NewCase, Store};
use support::{actor, fixture, stderr, stdout, test_dbs, TestDb};

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Ho_Chi_Minh
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("one instant")
        .with_timezone(&Utc)
}

async fn unit_id(store: &Store, code: &str) -> dondoc::domain::UnitId {
    store
        .unit(&UnitCode::parse(code).expect("code"))
        .await
        .expect("unit")
        .expect("exists")
        .id
}

async fn person_id(store: &Store, unit: &str) -> dondoc::domain::PersonId {
    store
        .people_in_unit(&UnitCode::parse(unit).expect("code"))
        .await
        .expect("people")[0]
        .id
}

/// Seed 004's units, a coordinator in the Phòng Nội vụ and the chairman of Minh Khai.
async fn prepared(db: &TestDb) -> Store {
    let store = db.store(support::clock()).await;
    support::seed004(&store, "HG-2026", 2026).await;
    support::linked_member(
        &store,
        "HG-PNV",
        PersonRole::Coordinator,
        "Lê Điều Phối",
        2001,
    )
    .await;
    support::linked_member(
        &store,
        "HG-MINHKHAI",
        PersonRole::Head,
        "Chủ tịch Minh Khai",
        2002,
    )
    .await;
    store
}

#[tokio::test]
async fn import_routes_numbers_and_refuses_a_bad_file_whole() {
    for db in test_dbs().await {
        let name = db.name;
        let store = prepared(&db).await;

        let bad_rules = db.dondoc(&[
            "cases",
            "routing",
            "import",
            path(&fixture("cases/bad_routing.csv")),
        ]);
        assert_eq!(bad_rules.status.code(), Some(1), "{name}: {bad_rules:?}");
        let errors = stderr(&bad_rules);
        assert!(
            errors.contains("Dòng 3: lĩnh vực \"Thời tiết\""),
            "{errors}"
        );
        assert!(errors.contains("Dòng 4: quy tắc trùng"), "{errors}");
        assert!(
            store.routing_rules().await.expect("rules").is_empty(),
            "{name}"
        );

        let rules = db.dondoc(&[
            "cases",
            "routing",
            "import",
            path(&fixture("cases/routing.csv")),
        ]);
        assert!(rules.status.success(), "{name}: {rules:?}");
        let listed = stdout(&db.dondoc(&["cases", "routing", "list"]));
        assert!(
            listed.contains("Quản trị môi trường\t(mọi địa bàn)\t→ Phòng Tài nguyên và Môi trường"),
            "{listed}"
        );
        assert!(
            listed.contains("(mọi lĩnh vực)\tXã Phương Thiện\t→ Phòng Kinh tế"),
            "{listed}"
        );
        assert_eq!(store.routing_rules().await.expect("rules").len(), 3);

        // Rows 3 (a 31st of November) and 5 (a pigeon, a place on Mars) are wrong: nothing
        // is written, not even rows 2 and 4.
        let bad = db.dondoc(&["cases", "import", path(&fixture("cases/bad.csv"))]);
        assert_eq!(bad.status.code(), Some(1), "{name}: {bad:?}");
        let errors = stderr(&bad);
        assert!(
            errors.contains("Dòng 3: ngày giờ tiếp nhận \"31/11/2026 08:00\" không hợp lệ"),
            "{errors}"
        );
        assert!(
            errors.contains("Dòng 5: kênh \"bồ câu đưa thư\" không hợp lệ"),
            "{errors}"
        );
        assert!(
            errors.contains("Dòng 5: không có xã/phường hay đơn vị \"Phường Sao Hỏa\""),
            "{errors}"
        );
        assert!(
            !errors.contains("Dòng 2") && !errors.contains("Dòng 4"),
            "{errors}"
        );
        assert!(errors.contains("Không ghi gì"), "{errors}");
        let november = store
            .cases_received(at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0))
            .await
            .expect("cases");
        assert!(november.is_empty(), "{name}: {november:?}");

        support::linked_member(
            &store,
            "HG-NGOCHA",
            PersonRole::Head,
            "Chủ tịch Ngọc Hà",
            2003,
        )
        .await;
        // A dry run shows where each case would go and writes nothing.
        let trial = db.dondoc(&[
            "cases",
            "import",
            "--dry-run",
            path(&fixture("cases/good.csv")),
        ]);
        assert!(trial.status.success(), "{name}: {trial:?}");
        let lines: Vec<String> = stdout(&trial).lines().map(String::from).collect();
        assert_eq!(
            lines,
            [
                "#1\tPhường Minh Khai\t→ Phòng Tài nguyên và Môi trường",
                "#2\tPhường Ngọc Hà\t→ Phường Ngọc Hà",
                "#3\tPhường Nguyễn Trãi\t→ Phòng Tài nguyên và Môi trường",
                "Chạy thử: 3 phản ánh hợp lệ, chưa ghi gì.",
            ],
            "{name}"
        );
        let after_trial = store
            .cases_received(at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0))
            .await
            .expect("cases");
        assert!(after_trial.is_empty(), "{name}: {after_trial:?}");

        let good = db.dondoc(&["cases", "import", path(&fixture("cases/good.csv"))]);
        assert!(good.status.success(), "{name}: {good:?}");
        let lines: Vec<String> = stdout(&good).lines().map(String::from).collect();
        assert_eq!(
            lines,
            [
                "PA-2026-000001\tPhường Minh Khai\t→ Phòng Tài nguyên và Môi trường",
                "PA-2026-000002\tPhường Ngọc Hà\t→ Phường Ngọc Hà",
                "PA-2026-000003\tPhường Nguyễn Trãi\t→ Phòng Tài nguyên và Môi trường",
                "Đã ghi 3 phản ánh, kiến nghị.",
            ],
            "{name}"
        );
        // Nobody in the environment office is linked: the operator is told, for both of its
        // cases; Ngọc Hà has its chairman.
        let warned = stderr(&good);
        assert!(
            warned.contains(
                "⚠️ PA-2026-000001: Phòng Tài nguyên và Môi trường chưa có ai nhận tin qua Telegram"
            ),
            "{name}: {warned}"
        );
        assert!(warned.contains("⚠️ PA-2026-000003:"), "{warned}");
        assert!(!warned.contains("PA-2026-000002"), "{warned}");
        let first = store
            .case(CaseNumber { year: 2026, seq: 1 })
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(first.received_at, at(2026, 11, 2, 8, 30), "{name}");
        assert_eq!(first.channel, Channel::Phone);
        assert_eq!(first.category, "Quản trị môi trường");
        assert_eq!(first.citizen_phone.as_deref(), Some("0912 345 678"));
        assert!(first.contact_consent);
        assert_eq!(first.hops.len(), 1);
        assert_eq!(first.hops[0].unit.code.as_str(), "HG-PTNMT");
        let second = store
            .case(CaseNumber { year: 2026, seq: 2 })
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(second.category, "Khác", "the configured spelling");
        assert!(!second.contact_consent);
        // The commune hears of its case through the outbox, without the citizen's phone.
        let queued = store.outbox_messages().await.expect("outbox");
        let card = queued
            .iter()
            .find(|m| m.chat_id == 2003 && m.key.starts_with("case:hop:"))
            .unwrap_or_else(|| panic!("{name}: no case for Ngọc Hà in {queued:?}"));
        assert!(card.body.contains("Đèn đường ngõ 12 hỏng"), "{}", card.body);
        assert!(!card.body.contains("0987654321"), "{}", card.body);

        // An XLSX with a real date-time cell carries on the numbering.
        let dir = tempfile::tempdir().expect("temp dir");
        let xlsx = dir.path().join("tong_dai.xlsx");
        write_xlsx_cases(&xlsx);
        let from_xlsx = db.dondoc(&["cases", "import", path(&xlsx)]);
        assert!(from_xlsx.status.success(), "{name}: {from_xlsx:?}");
        assert!(
            stdout(&from_xlsx).starts_with("PA-2026-000004\tXã Phương Thiện\t→ Phòng Kinh tế\n"),
            "{}",
            stdout(&from_xlsx)
        );
        let fourth = store
            .case(CaseNumber { year: 2026, seq: 4 })
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(fourth.received_at, at(2026, 11, 9, 10, 45), "{name}");
        assert_eq!(fourth.channel, Channel::InPerson);

        store.close().await;
        db.finish().await;
    }
}

fn write_xlsx_cases(path: &Path) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, head) in [
        "received", "channel", "content", "place", "category", "name", "phone",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *head).expect("cell");
    }
    let when = ExcelDateTime::from_ymd(2026, 11, 9)
        .and_then(|d| d.and_hms(10, 45, 0))
        .expect("date");
    sheet
        .write_datetime_with_format(
            1,
            0,
            &when,
            &Format::new().set_num_format("dd/mm/yyyy hh:mm"),
        )
        .expect("cell");
    for (c, value) in [
        "trực tiếp",
        "Đường vào thôn sạt lở",
        "Phương Thiện",
        "Cung ứng dịch vụ công",
        "Hoàng Văn Dũng",
        "0203456789",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(1, c as u16 + 1, *value).expect("cell");
    }
    workbook.save(path).expect("saved");
}

/// The rows of an exported file, header first.
fn exported(file: &Path) -> Vec<Vec<String>> {
    let tables = read_tables(file, 1 << 24).expect("readable");
    tables[0].rows.iter().map(|r| r.cells.clone()).collect()
}

#[tokio::test]
async fn exports_mask_contacts_unless_a_coordinator_asks() {
    for db in test_dbs().await {
        let name = db.name;
        let store = prepared(&db).await;
        let coordinator = person_id(&store, "HG-PNV").await.to_string();
        let chairman = person_id(&store, "HG-MINHKHAI").await.to_string();
        let imported = db.dondoc(&["cases", "import", path(&fixture("cases/good.csv"))]);
        assert!(imported.status.success(), "{name}: {imported:?}");
        let dir = tempfile::tempdir().expect("temp dir");
        let range = ["--from", "2026-11-01", "--to", "03/11/2026"];

        let masked = dir.path().join("masked.csv");
        let run =
            db.dondoc(&[&["cases", "export"][..], &range, &["--out", path(&masked)]].concat());
        assert!(run.status.success(), "{name}: {run:?}");
        assert!(
            stdout(&run).contains("Đã xuất 2 phản ánh"),
            "{}",
            stdout(&run)
        );
        let bytes = std::fs::read(&masked).expect("written");
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("0912 345 678") && !text.contains("Nguyễn Văn An"),
            "{text}"
        );
        let rows = exported(&masked);
        assert_eq!(
            rows.len(),
            3,
            "{name}: header and the cases of 1–3/11: {rows:?}"
        );
        assert_eq!(rows[0][0], "Số phản ánh");
        assert_eq!(
            rows[1],
            [
                "PA-2026-000001",
                "02/11/2026 08:30",
                "Điện thoại (1022)",
                "Phường Minh Khai",
                "Quản trị môi trường",
                "Rác thải ùn ứ ở tổ 3 ba ngày chưa thu gom",
                // No routing rules here: the commune itself.
                "Phường Minh Khai (chờ tiếp nhận)",
                "",
                "",
                // Never acknowledged and long past its due date (the binary runs on the
                // real clock).
                "có",
                "đã chuyển xử lý",
                "N. V. A.",
                "09******78",
            ]
        );

        // Refused: no --by, --by a commune chairman, --by nobody. Nothing written, nothing
        // logged.
        let audit_before = store.audit_entries(10_000).await.expect("audit").len();
        let refused_file = dir.path().join("refused.csv");
        for (by, says) in [
            (None, "--with-contact cần --by"),
            (Some(chairman.as_str()), "không được xuất họ tên"),
            (Some("999999"), "Không có người nào mã 999999"),
        ] {
            let mut args = [&["cases", "export"][..], &range].concat();
            args.extend(["--out", path(&refused_file), "--with-contact"]);
            if let Some(by) = by {
                args.extend(["--by", by]);
            }
            let run = db.dondoc(&args);
            assert_eq!(run.status.code(), Some(1), "{name}: {run:?}");
            assert!(stderr(&run).contains(says), "{}", stderr(&run));
            if by.is_none() {
                let who = format!("  {coordinator}\tLê Điều Phối\tcoordinator\tHG-PNV");
                assert!(stderr(&run).lines().any(|l| l == who), "{}", stderr(&run));
                assert!(
                    !stderr(&run).contains("Chủ tịch Minh Khai"),
                    "{}",
                    stderr(&run)
                );
            }
            assert!(!refused_file.exists(), "{name}");
        }
        assert_eq!(
            store.audit_entries(10_000).await.expect("audit").len(),
            audit_before
        );

        // A coordinator sees the contacts, in XLSX; the audit log records who and how many.
        let clear = dir.path().join("lien_he.xlsx");
        let run = db.dondoc(
            &[
                &["cases", "export"][..],
                &range,
                &[
                    "--out",
                    path(&clear),
                    "--with-contact",
                    "--by",
                    &coordinator,
                ],
            ]
            .concat(),
        );
        assert!(run.status.success(), "{name}: {run:?}");
        let rows = exported(&clear);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1][11], "Nguyễn Văn An");
        assert_eq!(rows[1][12], "0912 345 678");
        assert_eq!(rows[2][12], "0987654321");
        let audit = store.audit_entries(1).await.expect("audit");
        assert_eq!(audit[0].action, "cases.export_contacts", "{name}");
        assert!(audit[0].detail.contains(&format!("\"by\":{coordinator}")));
        assert!(
            audit[0].detail.contains("\"cases\":2"),
            "{}",
            audit[0].detail
        );
        let everything: String = store
            .audit_entries(10_000)
            .await
            .expect("audit")
            .iter()
            .map(|e| format!("{} {}\n", e.entity_key, e.detail))
            .collect();
        for secret in ["0912", "0987654321", "Nguyễn Văn An", "Trần Thị Bình"] {
            assert!(
                !everything.contains(secret),
                "{name}: {secret} in the audit log"
            );
        }

        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn stats_for_a_hand_made_month() {
    for db in test_dbs().await {
        let name = db.name;
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        support::seed004(&store, "HG-2026", 2026).await;
        support::linked_member(
            &store,
            "HG-PNV",
            PersonRole::Coordinator,
            "Lê Điều Phối",
            2001,
        )
        .await;
        let someone = person_id(&store, "HG-PNV").await;
        let minhkhai = unit_id(&store, "HG-MINHKHAI").await;
        let ngocha = unit_id(&store, "HG-NGOCHA").await;
        let tnmt = unit_id(&store, "HG-PTNMT").await;
        let calendar = store.working_calendar().await.expect("calendar");
        let clocks = CaseClocks::default();
        let time = CaseTime {
            clocks: &clocks,
            calendar: &calendar,
            time_zone: Ho_Chi_Minh,
            hours: Default::default(),
        };
        let case = |place, unit, category: &str, received_at| NewCase {
            channel: Channel::Phone,
            content: "Phản ánh".into(),
            place_unit_id: place,
            category: category.into(),
            citizen_name: None,
            citizen_phone: None,
            contact_consent: false,
            operator_id: None,
            received_at,
            source: "test".into(),
            files: Vec::new(),
            route_to: vec![unit],
        };
        let env = "Quản trị môi trường";
        let numbers = store
            .create_cases(
                &[
                    // A: Thursday 1/10, answer due Friday 9/10.
                    case(minhkhai, minhkhai, env, at(2026, 10, 1, 9, 0)),
                    // B: Friday 2/10.
                    case(ngocha, ngocha, env, at(2026, 10, 2, 9, 0)),
                    // C: Monday 5/10, never acknowledged.
                    case(minhkhai, tnmt, "Khác", at(2026, 10, 5, 9, 0)),
                    // D: the last half hour of October, province time.
                    case(minhkhai, minhkhai, "Khác", at(2026, 10, 31, 23, 30)),
                    // E: November already.
                    case(minhkhai, minhkhai, "Khác", at(2026, 11, 1, 0, 30)),
                ],
                &time,
                None,
                &actor(),
            )
            .await
            .expect("created")
            .expect("new");
        let hop = |seq: usize| {
            let store = store.clone();
            let number = numbers[seq];
            async move {
                store
                    .case(number)
                    .await
                    .expect("read")
                    .expect("exists")
                    .hops[0]
                    .id
            }
        };
        // A: acknowledged in 2 hours, answered Monday 5/10 (in time).
        let a = hop(0).await;
        clock.set(at(2026, 10, 1, 11, 0));
        store
            .accept_hop(a, someone, None, &actor())
            .await
            .expect("ok")
            .expect("accepted");
        clock.set(at(2026, 10, 5, 15, 0));
        store
            .answer_hop(a, someone, "Đã thu gom", &[], &time, None, &actor())
            .await
            .expect("ok")
            .expect("answered");
        // B: acknowledged after 30 hours, answered Tuesday 20/10 (due Monday 12/10: late).
        let b = hop(1).await;
        clock.set(at(2026, 10, 3, 15, 0));
        store
            .accept_hop(b, someone, None, &actor())
            .await
            .expect("ok")
            .expect("accepted");
        clock.set(at(2026, 10, 20, 10, 0));
        store
            .answer_hop(b, someone, "Đã xử lý", &[], &time, None, &actor())
            .await
            .expect("ok")
            .expect("answered");

        let october = store
            .cases_received(at(2026, 10, 1, 0, 0), at(2026, 11, 1, 0, 0))
            .await
            .expect("cases");
        assert_eq!(october.len(), 4, "{name}");
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
        let stats = case_stats(&october, 24, Ho_Chi_Minh, today);
        let figures = |received, ack, in_time, late, open, overdue| Figures {
            received,
            acknowledged_in_time: ack,
            answered_in_time: in_time,
            answered_late: late,
            open,
            overdue,
        };
        assert_eq!(stats.total, figures(4, 1, 1, 1, 2, 2), "{name}");
        let by_unit: Vec<(&str, Figures)> = stats
            .by_unit
            .iter()
            .map(|(u, f)| (u.code.as_str(), *f))
            .collect();
        assert_eq!(
            by_unit,
            [
                ("HG-MINHKHAI", figures(2, 1, 1, 0, 1, 1)),
                ("HG-PTNMT", figures(1, 0, 0, 0, 1, 1)),
                ("HG-NGOCHA", figures(1, 0, 0, 1, 0, 0)),
            ],
            "{name}"
        );
        let by_category: Vec<(&str, Figures)> = stats
            .by_category
            .iter()
            .map(|(c, f)| (c.as_str(), *f))
            .collect();
        assert_eq!(
            by_category,
            [
                ("Khác", figures(2, 0, 0, 0, 2, 2)),
                (env, figures(2, 1, 1, 1, 0, 0)),
            ]
        );

        // The command prints the same figures, counted as of the same day.
        let run = db.dondoc(&[
            "cases",
            "stats",
            "--month",
            "2026-10",
            "--at",
            "2026-11-22T09:00",
        ]);
        assert!(run.status.success(), "{name}: {run:?}");
        let printed = stdout(&run);
        assert!(
            printed.starts_with("Phản ánh, kiến nghị tháng 10/2026\n"),
            "{printed}"
        );
        for line in [
            "Tổng\t4\t1\t1\t1\t2\t2",
            "Phường Minh Khai\t2\t1\t1\t0\t1\t1",
            "Phường Ngọc Hà\t1\t0\t0\t1\t0\t0",
            "Phòng Tài nguyên và Môi trường\t1\t0\t0\t0\t1\t1",
            "Khác\t2\t0\t0\t0\t2\t2",
            "Quản trị môi trường\t2\t1\t1\t1\t0\t0",
        ] {
            assert!(
                printed.lines().any(|l| l == line),
                "{name}: {line:?} in\n{printed}"
            );
        }
        // As of 6/10, before any answer was due, nothing is overdue yet.
        let early = db.dondoc(&[
            "cases",
            "stats",
            "--month",
            "2026-10",
            "--at",
            "2026-10-06T09:00",
        ]);
        let early = stdout(&early);
        let total = early
            .lines()
            .find(|l| l.starts_with("Tổng\t"))
            .unwrap_or_default();
        assert!(total.ends_with("\t0"), "{name}: {early}");
        // Issue 14.8: as of 3/10 08:00 the data is what it was then: C and D not received
        // yet, A acknowledged but not answered, B not even acknowledged.
        let then = stdout(&db.dondoc(&[
            "cases",
            "stats",
            "--month",
            "2026-10",
            "--at",
            "2026-10-03T08:00",
        ]));
        for line in [
            "Tổng\t2\t1\t0\t0\t2\t0",
            "Phường Minh Khai\t1\t1\t0\t0\t1\t0",
            "Phường Ngọc Hà\t1\t0\t0\t0\t1\t0",
        ] {
            assert!(
                then.lines().any(|l| l == line),
                "{name}: {line:?} in\n{then}"
            );
        }
        assert!(
            !then.contains("Phòng Tài nguyên và Môi trường"),
            "{name}: C came on 5/10: {then}"
        );
        let bad = db.dondoc(&["cases", "stats", "--month", "tháng mười"]);
        assert_eq!(bad.status.code(), Some(1), "{name}");

        store.close().await;
        db.finish().await;
    }
}

/// Issue 14.5: importing the same file again writes nothing twice and says how many were
/// skipped; the hotline's own number tells two look-alike cases apart; two rows of one file
/// that are one case are asked about, not guessed.
#[tokio::test]
async fn reimport_skips_cases_already_there() {
    for db in test_dbs().await {
        let name = db.name;
        let store = prepared(&db).await;
        let file = path(&fixture("cases/good.csv")).to_string();
        let first = db.dondoc(&["cases", "import", &file]);
        assert!(first.status.success(), "{name}: {first:?}");
        let again = db.dondoc(&["cases", "import", &file]);
        assert!(again.status.success(), "{name}: {again:?}");
        let out = stdout(&again);
        assert!(out.contains("Đã ghi 0 phản ánh"), "{name}: {out}");
        assert!(out.contains("Bỏ qua 3 phản ánh đã có"), "{name}: {out}");
        let trial = stdout(&db.dondoc(&["cases", "import", "--dry-run", &file]));
        assert!(trial.contains("Bỏ qua 3 phản ánh đã có"), "{name}: {trial}");
        assert!(trial.contains("Chạy thử: 0 phản ánh"), "{name}: {trial}");
        let all = store
            .cases_received(at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0))
            .await
            .expect("cases");
        assert_eq!(all.len(), 3, "{name}: no PA-2026-000004…6");

        let dir = tempfile::tempdir().expect("dir");
        // Same time, phone and content, told apart by the hotline's number: two cases; the
        // file read again: none more. A third row added later is the only one written.
        let header = "Số phiếu,Ngày giờ tiếp nhận,Kênh,Nội dung,Xã/phường,Lĩnh vực,Số điện thoại\n";
        let row = |n: &str| {
            format!("{n},05/11/2026 09:00,1022,Cống thoát nước tắc,Minh Khai,Quản trị môi trường,0911000111\n")
        };
        let numbered = dir.path().join("numbered.csv");
        std::fs::write(
            &numbered,
            format!("{header}{}{}", row("1022-77"), row("1022-78")),
        )
        .expect("written");
        let out = stdout(&db.dondoc(&["cases", "import", path(&numbered)]));
        assert!(out.contains("Đã ghi 2 phản ánh"), "{name}: {out}");
        std::fs::write(
            &numbered,
            format!(
                "{header}{}{}{}",
                row("1022-77"),
                row("1022-78"),
                row("1022-79")
            ),
        )
        .expect("written");
        let out = stdout(&db.dondoc(&["cases", "import", path(&numbered)]));
        assert!(out.contains("Đã ghi 1 phản ánh"), "{name}: {out}");
        assert!(out.contains("Bỏ qua 2 phản ánh đã có"), "{name}: {out}");

        // Without a number, two identical rows in one file: a problem at the second row.
        let twice = dir.path().join("twice.csv");
        let plain = "Ngày giờ tiếp nhận,Kênh,Nội dung,Xã/phường,Lĩnh vực,Số điện thoại\n\
                     06/11/2026 10:00,Zalo,Đèn hỏng,Minh Khai,khac,0911 000 222\n\
                     06/11/2026 10:00,Zalo,  đèn HỎNG ,Minh Khai,khac,0911000222\n";
        std::fs::write(&twice, plain).expect("written");
        let refused = db.dondoc(&["cases", "import", path(&twice)]);
        assert_eq!(refused.status.code(), Some(1), "{name}: {refused:?}");
        let err = stderr(&refused);
        assert!(
            err.contains("Dòng 3: cùng một vụ việc với dòng 2"),
            "{name}: {err}"
        );
        let all = store
            .cases_received(at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0))
            .await
            .expect("cases");
        assert_eq!(all.len(), 6, "{name}");
        store.close().await;
        db.finish().await;
    }
}

/// Issue 14.8: a digest for a day in September does not count November's cases: every digest
/// reads the cases as they stood at its instant.
#[tokio::test]
async fn a_digest_reads_cases_as_they_stood() {
    for db in test_dbs().await {
        let name = db.name;
        let store = prepared(&db).await;
        let file = path(&fixture("cases/good.csv")).to_string();
        // Received 2–4 November 2026; the store's clock is 22 November.
        assert!(db.dondoc(&["cases", "import", &file]).status.success());
        let rules = dondoc::scheduler::Rules::from_config(&db.config);
        let coordinator = store
            .members_of_user(2001)
            .await
            .expect("members")
            .into_iter()
            .next()
            .expect("the coordinator");
        let digest = |at| {
            let store = store.clone();
            let rules = rules.clone();
            let coordinator = coordinator.clone();
            async move {
                dondoc::scheduler::digest_on_demand(
                    &store,
                    &rules,
                    &coordinator,
                    at,
                    false,
                    dondoc::messages::Lang::Vi,
                )
                .await
                .expect("digest")
            }
        };
        let september = digest(at(2026, 9, 15, 9, 0)).await;
        assert!(
            !september.contains("Theo đơn vị (tiếp nhận"),
            "{name}: {september}"
        );
        // 3 November 09:00: one case received so far (2/11), not three.
        let november = digest(at(2026, 11, 3, 9, 0)).await;
        assert!(
            november.contains("Theo đơn vị (tiếp nhận"),
            "{name}: {november}"
        );
        assert!(
            november.contains("Phản ánh tháng 11/2026: 1 tiếp nhận"),
            "{name}: {november}"
        );
        store.close().await;
        db.finish().await;
    }
}
