//! The command line end to end, and every broken input refused without writing anything.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use dondoc::cli::{execute, Command, PlanCommand, PlanImportArgs, UnitsCommand};
use dondoc::clock::SystemClock;
use dondoc::config::Config;
use dondoc::domain::{PlanCode, PlanYear, UnitCode};
use dondoc::import::{self, ProblemKind, UnitDirectory};
use dondoc::store::Store;
use support::{fixture, stdout, test_dbs};

fn import_args(file: &Path, code: &str, scope: &str, year: i32) -> PlanImportArgs {
    PlanImportArgs {
        file: file.to_path_buf(),
        code: code.into(),
        title: "Kế hoạch cải thiện Chỉ số PAPI".into(),
        year,
        scope: scope.into(),
        dry_run: false,
        replace: false,
        from_prose: false,
        yes: false,
        allow_other_years: false,
        suggest_aliases: None,
    }
}

async fn run(config: &Config, command: Command) -> ExitCode {
    execute(command, config).await.expect("command runs")
}

async fn open(config: &Config) -> Store {
    Store::connect(&config.database, Arc::new(SystemClock))
        .await
        .expect("store")
}

async fn import_units(config: &Config, file: PathBuf) -> ExitCode {
    run(
        config,
        Command::Units(UnitsCommand::Import {
            file,
            dry_run: false,
        }),
    )
    .await
}

#[tokio::test]
async fn import_show_replace_and_deadlines() {
    for db in test_dbs().await {
        let config = &db.config;
        let name = db.name;
        assert_eq!(
            import_units(config, fixture("seed004_units.csv")).await,
            ExitCode::SUCCESS
        );
        assert_eq!(
            import_units(config, fixture("seed004_units.csv")).await,
            ExitCode::SUCCESS
        );
        let store = open(config).await;
        assert_eq!(
            store.list_units().await.expect("units").len(),
            31,
            "{name}: no duplicates"
        );

        let mut args = import_args(
            &fixture("seed004_plan.xlsx"),
            "HG-PAPI-2023",
            "HAGIANG",
            2023,
        );
        args.dry_run = true;
        assert_eq!(
            run(config, Command::Plan(PlanCommand::Import(args))).await,
            ExitCode::SUCCESS
        );
        assert!(
            store.list_plans().await.expect("plans").is_empty(),
            "{name}: dry run writes nothing"
        );

        let args = || {
            import_args(
                &fixture("seed004_plan.docx"),
                "HG-PAPI-2023",
                "HAGIANG",
                2023,
            )
        };
        assert_eq!(
            run(config, Command::Plan(PlanCommand::Import(args()))).await,
            ExitCode::SUCCESS
        );
        let plans = store.list_plans().await.expect("plans");
        assert_eq!((plans.len(), plans[0].task_count), (1, 40), "{name}");

        // Same code again: refused without --replace …
        assert_eq!(
            run(config, Command::Plan(PlanCommand::Import(args()))).await,
            ExitCode::FAILURE
        );
        // … and with it, every task is recognised and kept.
        let mut replace = import_args(
            &fixture("seed004_plan.tsv"),
            "HG-PAPI-2023",
            "HAGIANG",
            2023,
        );
        replace.replace = true;
        assert_eq!(
            run(config, Command::Plan(PlanCommand::Import(replace))).await,
            ExitCode::SUCCESS
        );
        let entries = store.audit_entries(1).await.expect("audit");
        assert_eq!(entries[0].action, "plan.replace");
        assert!(
            entries[0].detail.contains("\"tasks_kept\":40"),
            "{name}: {}",
            entries[0].detail
        );

        let deadlines_file = tempfile::NamedTempFile::new().expect("temp");
        std::fs::write(deadlines_file.path(), "# Hà Giang 2023\nq1 = 09/03/2023\n").expect("write");
        let set = Command::Plan(PlanCommand::Deadlines {
            code: "HG-PAPI-2023".into(),
            set: vec!["annual=2023-11-14".into()],
            file: Some(deadlines_file.path().to_path_buf()),
            force: false,
        });
        assert_eq!(run(config, set).await, ExitCode::SUCCESS);
        let plan = store
            .require_plan(&PlanCode::parse("HG-PAPI-2023").expect("code"))
            .await
            .expect("plan");
        let calendar = store.reporting_periods(plan.id).await.expect("calendar");
        let q1 = calendar
            .iter()
            .find(|p| p.key.as_str() == "q1")
            .expect("q1");
        let annual = calendar
            .iter()
            .find(|p| p.key.as_str() == "annual")
            .expect("annual");
        assert_eq!(
            (q1.due_date.to_string(), annual.due_date.to_string()),
            ("2023-03-09".into(), "2023-11-14".into())
        );
        let bad = Command::Plan(PlanCommand::Deadlines {
            code: "HG-PAPI-2023".into(),
            set: vec!["annual=15/13/2023".into()],
            file: None,
            force: false,
        });
        assert!(
            execute(bad, config).await.is_err(),
            "{name}: a bad date is an error"
        );

        // Issue 14.7: a date outside the plan's year ± 1 is refused (nothing changes) unless
        // --force.
        let typo = |force| {
            Command::Plan(PlanCommand::Deadlines {
                code: "HG-PAPI-2023".into(),
                set: vec!["q2=2023-06-10".into(), "q1=1999-03-10".into()],
                file: None,
                force,
            })
        };
        assert_eq!(run(config, typo(false)).await, ExitCode::FAILURE, "{name}");
        let calendar = store.reporting_periods(plan.id).await.expect("calendar");
        let due = |key: &str| {
            calendar
                .iter()
                .find(|p| p.key.as_str() == key)
                .map(|p| p.due_date.to_string())
        };
        assert_eq!(
            due("q1").as_deref(),
            Some("2023-03-09"),
            "{name}: unchanged"
        );
        assert_ne!(
            due("q2").as_deref(),
            Some("2023-06-10"),
            "{name}: nothing written"
        );
        assert_eq!(run(config, typo(true)).await, ExitCode::SUCCESS, "{name}");
        let calendar = store.reporting_periods(plan.id).await.expect("calendar");
        assert!(calendar
            .iter()
            .any(|p| p.key.as_str() == "q1" && p.due_date.to_string() == "1999-03-10"));
        let output = db.dondoc(&[
            "plan",
            "deadlines",
            "HG-PAPI-2023",
            "--set",
            "q3=2030-09-10",
        ]);
        assert!(!output.status.success(), "{name}");
        assert!(
            support::stderr(&output).contains("ngoài năm của kế hoạch (2023)"),
            "{name}"
        );

        for command in [
            Command::Plan(PlanCommand::Show {
                code: "HG-PAPI-2023".into(),
            }),
            Command::Plan(PlanCommand::List),
            Command::Units(UnitsCommand::List { tree: true }),
            Command::Units(UnitsCommand::List { tree: false }),
        ] {
            assert_eq!(run(config, command).await, ExitCode::SUCCESS, "{name}");
        }
        assert_eq!(
            run(
                config,
                Command::Plan(PlanCommand::Show {
                    code: "NOPE".into()
                })
            )
            .await,
            ExitCode::FAILURE
        );
        store.close().await;
        db.finish().await;
    }
}

/// A broken input and the problem it must produce.
struct Broken {
    name: &'static str,
    file: PathBuf,
    expect: fn(&ProblemKind) -> bool,
}

fn broken_inputs(dir: &Path) -> Vec<Broken> {
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write fixture");
        path
    };
    let header = "STT,Nhiệm vụ trọng tâm,Chỉ tiêu,Đơn vị chủ trì theo dõi,Đơn vị thực hiện,Thời gian thực hiện\n";
    let no_table_docx = dir.join("no_table.docx");
    let file = std::fs::File::create(&no_table_docx).expect("create");
    docx_rs::Docx::new()
        .add_paragraph(
            docx_rs::Paragraph::new()
                .add_run(docx_rs::Run::new().add_text("Kế hoạch không có bảng")),
        )
        .build()
        .pack(file)
        .expect("docx written");
    let huge = dir.join("huge.csv");
    std::fs::File::create(&huge)
        .expect("create")
        .set_len(50 * 1024 * 1024)
        .expect("50 MB");
    vec![
        Broken {
            name: "missing required column",
            file: write("missing.csv", "STT,Nhiệm vụ trọng tâm,Chỉ tiêu,Đơn vị chủ trì theo dõi,Thời gian thực hiện\n1,Công khai,100%,Phòng Tư pháp,Thường xuyên\n".as_bytes()),
            expect: |k| matches!(k, ProblemKind::MissingPlanColumns(c) if c == &[import::Column::Implementing]),
        },
        Broken {
            name: "unknown unit",
            file: write("unknown.csv", format!("{header}1,Công khai,100%,Phòng Tư pháp,UBND các xã phường,Thường xuyên\n2,Đối thoại,,Phòng Tư pháp,Sở Không Có Thật,Quý IV/2023\n").as_bytes()),
            expect: |k| matches!(k, ProblemKind::UnknownUnit { text, .. } if text == "Sở Không Có Thật"),
        },
        Broken { name: "empty file", file: write("empty.csv", b""), expect: |k| *k == ProblemKind::EmptyFile },
        Broken { name: "blank file", file: write("blank.tsv", b"\n\n  \n"), expect: |k| *k == ProblemKind::EmptyFile },
        Broken {
            name: "a picture named .xlsx",
            file: write("picture.xlsx", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89"),
            expect: |k| matches!(k, ProblemKind::NoTable),
        },
        Broken {
            name: "a zip that is no spreadsheet",
            file: write("broken.xlsx", b"PK\x03\x04xl/workbook.xml garbage"),
            expect: |k| matches!(k, ProblemKind::Unreadable(_)),
        },
        Broken {
            name: "prose, not a table",
            file: write("prose.txt", "Kế hoạch cải thiện chỉ số PAPI năm 2023.\nCác cơ quan, đơn vị triển khai thực hiện.\n".as_bytes()),
            expect: |k| *k == ProblemKind::NoHeader,
        },
        Broken { name: "a Word file without a table", file: no_table_docx, expect: |k| *k == ProblemKind::NoTable },
        Broken {
            name: "a header and no task under it",
            file: write("header_only.csv", format!("{header},,,,,\n").as_bytes()),
            expect: |k| *k == ProblemKind::NoTasks,
        },
        Broken {
            name: "non-UTF-8 CSV (Windows-1258)",
            file: write("cp1258.csv", b"STT,Nhi\xd2m v\xf2,Ch\xec ti\xeau\n1,C\xf4ng khai,100%\n"),
            expect: |k| *k == ProblemKind::NotUtf8 { line: 1 },
        },
        Broken {
            name: "a 50 MB file",
            file: huge,
            expect: |k| matches!(k, ProblemKind::TooLarge { bytes, .. } if *bytes == 50 * 1024 * 1024),
        },
    ]
}

#[tokio::test]
async fn broken_plan_files_are_refused_and_nothing_is_written() {
    for db in test_dbs().await {
        let config = &db.config;
        assert_eq!(
            import_units(config, fixture("seed004_units.csv")).await,
            ExitCode::SUCCESS
        );
        let store = open(config).await;
        let audit_before = store.audit_entries(1000).await.expect("audit").len();
        let dir = tempfile::tempdir().expect("dir");
        let scope = UnitCode::parse("HAGIANG").expect("scope");
        let directory = UnitDirectory::new(store.list_units().await.expect("units"), &scope)
            .expect("directory");
        for broken in broken_inputs(dir.path()) {
            let reading = import::read_plan(
                &broken.file,
                &directory,
                PlanYear::new(2023).expect("year"),
                config.import.max_file_bytes,
            );
            assert!(
                reading.problems.iter().any(|p| (broken.expect)(&p.kind)),
                "{}: {}: {:?}",
                db.name,
                broken.name,
                reading.problems
            );
            let args = import_args(&broken.file, "BROKEN", "HAGIANG", 2023);
            assert_eq!(
                run(config, Command::Plan(PlanCommand::Import(args))).await,
                ExitCode::FAILURE,
                "{}",
                broken.name
            );
        }
        assert!(
            store.list_plans().await.expect("plans").is_empty(),
            "{}: nothing written",
            db.name
        );
        assert_eq!(
            store.audit_entries(1000).await.expect("audit").len(),
            audit_before
        );
        store.close().await;
        db.finish().await;
    }
}

/// With the size limit raised, the 50 MB file is read — and refused as no table, calmly.
#[tokio::test]
async fn a_50_mb_file_under_a_raised_limit_is_still_refused_calmly() {
    let dir = tempfile::tempdir().expect("dir");
    let huge = dir.path().join("huge.tsv");
    std::fs::File::create(&huge)
        .expect("create")
        .set_len(50 * 1024 * 1024)
        .expect("50 MB");
    let tables = import::table::read_tables(&huge, 100 * 1024 * 1024);
    assert!(
        matches!(tables, Err(p) if p.kind == ProblemKind::EmptyFile || p.kind == ProblemKind::NoTable)
    );
}

#[tokio::test]
async fn broken_unit_registries_are_refused_whole() {
    for db in test_dbs().await {
        let config = &db.config;
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("units.csv");
        std::fs::write(
            &file,
            "code,name,kind,parent_code,aliases\n\
             P,Tỉnh Mẫu,province,,\n\
             S1,Sở A,department,P,\n\
             S1,Sở B,department,P,\n\
             X1,Xã C,planet,P,\n\
             X2,Xã D,commune,NOPE,\n\
             A,Đơn vị A,other,B,\n\
             B,Đơn vị B,other,A,\n\
             ,Không mã,other,P,\n",
        )
        .expect("write");
        let problems =
            import::read_units(&file, &[], config.import.max_file_bytes).expect_err("refused");
        let rows: Vec<Option<usize>> = problems.iter().map(|p| p.row).collect();
        assert_eq!(
            rows,
            [Some(4), Some(5), Some(6), Some(7), Some(8), Some(9)],
            "{problems:?}"
        );
        assert!(matches!(
            problems[0].kind,
            ProblemKind::DuplicateCode { first_row: 3, .. }
        ));
        assert!(matches!(problems[1].kind, ProblemKind::BadUnitKind(_)));
        assert!(matches!(problems[2].kind, ProblemKind::UnknownParent(_)));
        assert!(matches!(problems[3].kind, ProblemKind::ParentCycle(_)));
        assert_eq!(import_units(config, file).await, ExitCode::FAILURE);
        let store = open(config).await;
        assert!(
            store.list_units().await.expect("units").is_empty(),
            "{}: nothing written",
            db.name
        );
        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn a_scope_that_does_not_exist_is_a_clear_error() {
    let db = support::TestDb::sqlite().await;
    assert_eq!(
        import_units(&db.config, fixture("seed004_units.csv")).await,
        ExitCode::SUCCESS
    );
    let args = import_args(&fixture("seed004_plan.tsv"), "X", "NOWHERE", 2023);
    assert_eq!(
        run(&db.config, Command::Plan(PlanCommand::Import(args))).await,
        ExitCode::FAILURE
    );
    let store = open(&db.config).await;
    assert!(store.list_plans().await.expect("plans").is_empty());
}

/// The README's walk-through works as written.
#[tokio::test]
async fn the_readme_example_imports() {
    let db = support::TestDb::sqlite().await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        import_units(&db.config, root.join("examples/units.csv")).await,
        ExitCode::SUCCESS
    );
    let args = PlanImportArgs {
        title: "Kế hoạch cải thiện Chỉ số PAPI năm 2026".into(),
        ..import_args(&root.join("examples/plan.csv"), "PAPI-2026", "TINH", 2026)
    };
    assert_eq!(
        run(&db.config, Command::Plan(PlanCommand::Import(args))).await,
        ExitCode::SUCCESS
    );
    let store = open(&db.config).await;
    let plans = store.list_plans().await.expect("plans");
    assert_eq!((plans[0].task_count, plans[0].assignment_count), (4, 17));
}

#[tokio::test]
async fn invitations_from_the_command_line_and_a_file() {
    for db in test_dbs().await {
        let mut config = db.config.clone();
        config.telegram.bot_username = Some("dondoc_test_bot".into());
        let config = &config;
        assert_eq!(
            import_units(config, fixture("seed004_units.csv")).await,
            ExitCode::SUCCESS
        );
        let one = dondoc::cli::InviteArgs {
            unit: Some("HG-TRANPHU".into()),
            role: Some("chủ tịch".into()),
            name: Some("Nguyễn Văn An".into()),
            file: None,
            channel: dondoc::cli::InviteChannel::Telegram,
        };
        assert_eq!(run(config, Command::Invite(one)).await, ExitCode::SUCCESS);

        let dir = tempfile::tempdir().expect("dir");
        let bad = dir.path().join("bad.csv");
        std::fs::write(
            &bad,
            "unit,role,name\nHG-MINHKHAI,đầu mối,Trần Bình\nHG-NGOCHA,thủ quỹ,Lê C\n",
        )
        .expect("write");
        let from_file = |file: PathBuf| dondoc::cli::InviteArgs {
            unit: None,
            role: None,
            name: None,
            file: Some(file),
            channel: dondoc::cli::InviteChannel::Telegram,
        };
        assert_eq!(
            run(config, Command::Invite(from_file(bad))).await,
            ExitCode::FAILURE,
            "{}: bad role",
            db.name
        );
        let unknown = dir.path().join("unknown.csv");
        std::fs::write(
            &unknown,
            "unit,role,name\nHG-MINHKHAI,đầu mối,Trần Bình\nNOWHERE,head,X\n",
        )
        .expect("write");
        assert_eq!(
            run(config, Command::Invite(from_file(unknown))).await,
            ExitCode::FAILURE,
            "{}: unknown unit",
            db.name
        );
        let good = dir.path().join("good.csv");
        std::fs::write(
            &good,
            "Mã đơn vị,Vai trò,Họ tên\nHG-MINHKHAI,đầu mối,Trần Bình\nHG-PNV,coordinator,Lê Hoa\n",
        )
        .expect("write");
        assert_eq!(
            run(config, Command::Invite(from_file(good))).await,
            ExitCode::SUCCESS
        );

        let store = open(config).await;
        let members = store.list_members().await.expect("members");
        let invited: Vec<(&str, &str)> = members
            .iter()
            .map(|m| {
                (
                    m.member.unit.code.as_str(),
                    m.member.person.full_name.as_str(),
                )
            })
            .collect();
        assert_eq!(
            invited.len(),
            3,
            "{}: nothing from the refused files: {invited:?}",
            db.name
        );
        assert!(members
            .iter()
            .all(|m| m.invitation_expires_at.is_some() && !m.invitation_used));
        assert!(members
            .iter()
            .all(|m| m.member.person.telegram_user_id.is_none()));
        assert_eq!(
            run(
                config,
                Command::Members(dondoc::cli::MembersCommand::List { missing: false })
            )
            .await,
            ExitCode::SUCCESS
        );
        store.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn tick_outbox_status_and_plan_ladder_from_the_command_line() {
    use dondoc::cli::OutboxCommand;
    for db in test_dbs().await {
        let config = &db.config;
        assert_eq!(
            import_units(config, fixture("seed004_units.csv")).await,
            ExitCode::SUCCESS
        );
        // The 2023 plan as a 2026 one: its 2023 timeframes accepted as written.
        let mut args = import_args(&fixture("seed004_plan.tsv"), "HG-2026", "HAGIANG", 2026);
        args.allow_other_years = true;
        assert_eq!(
            run(config, Command::Plan(PlanCommand::Import(args))).await,
            ExitCode::SUCCESS
        );
        let store = open(config).await;
        support::linked_member(
            &store,
            "HG-MINHKHAI",
            dondoc::domain::PersonRole::Head,
            "Chủ tịch",
            1011,
        )
        .await;
        let tick = |dry_run| Command::Tick {
            at: "2026-03-03T08:00".into(),
            dry_run,
        };
        assert_eq!(run(config, tick(true)).await, ExitCode::SUCCESS);
        // What the operator reads: the pass's header, each message with its body, the sum.
        let printed = stdout(&db.dondoc(&["tick", "--at", "2026-03-03T08:00", "--dry-run"]));
        let lines: Vec<&str> = printed.lines().collect();
        assert_eq!(
            lines[0], "Lượt lịch lúc 03/03/2026 08:00: giờ làm việc: có; bản tổng hợp: có",
            "{printed}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("→ [reminder] chat 1011 (remind:report:")),
            "{printed}"
        );
        assert!(
            printed.contains("\n    "),
            "bodies indented under their message: {printed}"
        );
        let listed = lines.iter().filter(|l| l.starts_with("→ [")).count();
        assert!(
            lines
                .last()
                .is_some_and(|l| l.starts_with(&format!("Chạy thử: sẽ xếp {listed} tin nhắn"))),
            "{printed}"
        );
        assert!(
            store.outbox_messages().await.expect("outbox").is_empty(),
            "{}: a dry run queues nothing",
            db.name
        );
        assert_eq!(run(config, tick(false)).await, ExitCode::SUCCESS);
        let queued = store.outbox_messages().await.expect("outbox");
        assert!(queued
            .iter()
            .any(|m| m.chat_id == 1011 && m.key.starts_with("remind:report:")));
        // Issue 14.9: a real tick at the same instant lists nothing as new: it was queued.
        let again = stdout(&db.dondoc(&["tick", "--at", "2026-03-03T08:00"]));
        assert!(
            !again.lines().any(|l| l.starts_with("→ [")),
            "{}: already queued, not new: {again}",
            db.name
        );
        // The forms `export --as-of` reads, with an offset too; a day alone is the start of
        // the working hours.
        for (form, header) in [
            ("2026-03-03", "03/03/2026 07:30"),
            ("03/03/2026", "03/03/2026 07:30"),
            ("03/03/2026 09:15", "03/03/2026 09:15"),
            ("2026-03-03T08:00+07:00", "03/03/2026 08:00"),
            ("2026-03-03T01:00:00Z", "03/03/2026 08:00"),
        ] {
            let printed = db.dondoc(&["tick", "--at", form, "--dry-run"]);
            assert!(printed.status.success(), "{form}: {printed:?}");
            assert!(
                stdout(&printed).starts_with(&format!("Lượt lịch lúc {header}:")),
                "{form}: {}",
                stdout(&printed)
            );
        }
        let bad = db.dondoc(&["tick", "--at", "mai", "--dry-run"]);
        assert!(!bad.status.success());
        assert!(
            support::stderr(&bad).contains("\"mai\" không phải thời điểm"),
            "{}",
            support::stderr(&bad)
        );
        assert_eq!(
            run(config, Command::Outbox(OutboxCommand::Status)).await,
            ExitCode::SUCCESS
        );
        let summary = store.outbox_summary().await.expect("summary");
        assert_eq!(
            summary.total(dondoc::domain::DeliveryState::Queued) as usize,
            queued.len()
        );
        let status = stdout(&db.dondoc(&["outbox", "status"]));
        let total = status
            .lines()
            .find(|l| l.starts_with("tổng"))
            .unwrap_or_else(|| panic!("a total line: {status}"));
        let first_number: Vec<&str> = total.split_whitespace().skip(1).collect();
        assert_eq!(
            first_number.first().copied(),
            Some(queued.len().to_string().as_str()),
            "queued, then sending, sent, parked, failed: {status}"
        );
        assert!(
            status.lines().any(|l| l.starts_with("reminder")),
            "{status}"
        );
        // Pruning: too short a keep is refused (a window message could be queued again);
        // the default deletes nothing queued.
        let short = db.dondoc(&["outbox", "prune", "--older-than-days", "5"]);
        assert!(!short.status.success());
        assert!(
            support::stderr(&short).contains("outbox.keep_days: phải từ 30 ngày trở lên"),
            "{}",
            support::stderr(&short)
        );
        let pruned = db.dondoc(&["outbox", "prune"]);
        assert!(pruned.status.success(), "{}", support::stderr(&pruned));
        assert_eq!(
            stdout(&pruned).trim(),
            "Đã xóa 0 tin nhắn đã gửi (hoặc tạm dừng, lỗi) cũ hơn 90 ngày."
        );
        assert_eq!(
            store.outbox_messages().await.expect("outbox").len(),
            queued.len()
        );
        // A saturday: nothing is due, nothing queued.
        let saturday = Command::Tick {
            at: "2026-03-07T08:00".into(),
            dry_run: false,
        };
        assert_eq!(run(config, saturday).await, ExitCode::SUCCESS);
        assert_eq!(
            store.outbox_messages().await.expect("outbox").len(),
            queued.len()
        );

        let ladder = |nudge, default| {
            Command::Plan(PlanCommand::Ladder {
                code: "HG-2026".into(),
                nudge_after_days: nudge,
                heads_after: None,
                office_after: None,
                default,
            })
        };
        assert_eq!(run(config, ladder(Some(2), false)).await, ExitCode::SUCCESS);
        let plan = store
            .plan(&PlanCode::parse("HG-2026").expect("code"))
            .await
            .expect("plan")
            .expect("exists");
        let own = store
            .plan_ladder(plan.id)
            .await
            .expect("ladder")
            .expect("own ladder");
        assert_eq!(own.nudge_after_days, 2);
        assert_eq!(own.office_after_working_days, 5);
        assert_eq!(run(config, ladder(Some(0), false)).await, ExitCode::FAILURE);
        assert_eq!(run(config, ladder(None, true)).await, ExitCode::SUCCESS);
        assert_eq!(store.plan_ladder(plan.id).await.expect("ladder"), None);
        store.close().await;
        db.finish().await;
    }
}

/// Issue 14.2: an unreachable Postgres is said at once, with its real cause, once, in
/// Vietnamese by default (English with province.language = "en"), and nothing else.
#[test]
fn unreachable_postgres_says_why_once() {
    let dir = tempfile::tempdir().expect("dir");
    let url = "postgres://postgres@127.0.0.1:1/test";
    let output = support::dondoc_in(
        dir.path(),
        &["units", "list"],
        &[("DONDOC_DATABASE__URL", url)],
    );
    assert!(!output.status.success());
    let err = support::stderr(&output);
    assert!(err.contains("127.0.0.1:1 từ chối kết nối"), "{err}");
    assert_eq!(
        err.matches("Không mở được cơ sở dữ liệu").count(),
        1,
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "said once, nothing else: {err}");
    assert!(!err.contains("pool timed out"), "{err}");

    let output = support::dondoc_in(
        dir.path(),
        &["units", "list"],
        &[
            ("DONDOC_DATABASE__URL", url),
            ("DONDOC_PROVINCE__LANGUAGE", "en"),
        ],
    );
    let err = support::stderr(&output);
    assert!(err.contains("connection refused at 127.0.0.1:1"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// Issue 14.2: a database that does not exist on a reachable server is named.
#[test]
fn missing_postgres_database_is_named() {
    let Ok(url) = std::env::var(support::POSTGRES_ENV) else {
        return;
    };
    let Some((server, _)) = url.rsplit_once('/') else {
        panic!("{url} has no database part");
    };
    let missing = format!("{server}/dondoc_no_such_database");
    let dir = tempfile::tempdir().expect("dir");
    let output = support::dondoc_in(
        dir.path(),
        &["plan", "list"],
        &[("DONDOC_DATABASE__URL", missing.as_str())],
    );
    assert!(!output.status.success());
    let err = support::stderr(&output);
    assert!(
        err.contains("cơ sở dữ liệu dondoc_no_such_database không tồn tại"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// Issue 14.4: a second `serve` on the same SQLite file says so and exits, instead of a
/// second scheduler on one file; the lock goes with the first process, however it ends.
#[test]
fn a_second_serve_on_one_sqlite_file_says_so_and_exits() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("dondoc.db").display());
    let lock_path = dir.path().join("dondoc.db.serve-lock");
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_dondoc"))
        .arg("serve")
        .current_dir(dir.path())
        .env_remove("RUST_LOG")
        .env_remove("DONDOC_CONFIG")
        .env_remove("DONDOC_TELEGRAM__BOT_TOKEN")
        .env("DONDOC_DATABASE__URL", &url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve starts");
    // Wait until the first serve holds the lock.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let held = std::fs::File::open(&lock_path)
            .map(|f| matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock)))
            .unwrap_or(false);
        if held {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the first serve never took the lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let second = support::dondoc_in(dir.path(), &["serve"], &[("DONDOC_DATABASE__URL", &url)]);
    let _ = first.kill();
    let _ = first.wait();
    assert!(!second.status.success());
    let err = support::stderr(&second);
    assert!(
        err.contains("Một tiến trình dondoc serve khác đang chạy trên"),
        "{err}"
    );
    // Killed, the first one holds nothing any more.
    let file = std::fs::File::open(&lock_path).expect("lock file");
    assert!(file.try_lock().is_ok(), "the lock went with the process");
}

/// `dondoc` on `db` with extra variables (the bot's name, so no getMe is needed).
fn dondoc_with(
    db: &support::TestDb,
    args: &[&str],
    extra: &[(&str, &str)],
) -> std::process::Output {
    use secrecy::ExposeSecret;
    let dir = tempfile::tempdir().expect("dir");
    let url = db.config.database.url.expose_secret().to_string();
    let mut env: Vec<(&str, &str)> = vec![
        ("DONDOC_DATABASE__URL", url.as_str()),
        ("DONDOC_PROVINCE__LANGUAGE", "vi"),
    ];
    if let Some(schema) = &db.config.database.postgres_schema {
        env.push(("DONDOC_DATABASE__POSTGRES_SCHEMA", schema.as_str()));
    }
    env.extend_from_slice(extra);
    support::dondoc_in(dir.path(), args, &env)
}

/// Issue 14.6: a name is required; inviting the same person again is a new code for the same
/// member (the old code revoked); `invite --file` reports every row's problems before writing.
#[tokio::test]
async fn invite_again_is_a_new_code_for_the_same_member() {
    for db in test_dbs().await {
        let name = db.name;
        let bot = [("DONDOC_TELEGRAM__BOT_USERNAME", "dondoc_test_bot")];
        let units = db.dondoc(&[
            "units",
            "import",
            fixture("seed004_units.csv").to_str().expect("utf-8"),
        ]);
        assert!(units.status.success(), "{name}: {units:?}");
        // Without the bot's name (nor a token to ask for it): said in Vietnamese, once.
        let no_bot = db.dondoc(&[
            "invite",
            "--unit",
            "HG-MINHKHAI",
            "--role",
            "head",
            "--name",
            "Nguyễn Văn An",
        ]);
        assert!(!no_bot.status.success());
        let err = support::stderr(&no_bot);
        assert!(err.contains("Chưa biết tên bot"), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        let no_name = dondoc_with(
            &db,
            &["invite", "--unit", "HG-MINHKHAI", "--role", "head"],
            &bot,
        );
        assert_eq!(
            no_name.status.code(),
            Some(2),
            "{name}: clap asks for --name"
        );
        let blank = dondoc_with(
            &db,
            &[
                "invite",
                "--unit",
                "HG-MINHKHAI",
                "--role",
                "head",
                "--name",
                "  ",
            ],
            &bot,
        );
        assert!(!blank.status.success());
        assert!(support::stderr(&blank).contains("thiếu họ tên"), "{name}");

        let args = [
            "invite",
            "--unit",
            "HG-MINHKHAI",
            "--role",
            "chủ tịch",
            "--name",
            "Nguyễn Văn An",
        ];
        let code_of = |output: &std::process::Output| {
            let out = stdout(output);
            out.lines()
                .next()
                .and_then(|l| l.rsplit('\t').next())
                .expect("a code")
                .to_string()
        };
        let first = dondoc_with(&db, &args, &bot);
        assert!(first.status.success(), "{name}: {first:?}");
        let old_code = code_of(&first);
        // The same person, written differently.
        let again = dondoc_with(
            &db,
            &[
                "invite",
                "--unit",
                "HG-MINHKHAI",
                "--role",
                "head",
                "--name",
                "nguyễn  văn an",
            ],
            &bot,
        );
        assert!(again.status.success(), "{name}: {again:?}");
        assert!(stdout(&again).contains("đã được mời trước đó"), "{name}");
        let new_code = code_of(&again);
        assert_ne!(old_code, new_code);
        let store = open(&db.config).await;
        let people = store
            .people_in_unit(&UnitCode::parse("HG-MINHKHAI").expect("code"))
            .await
            .expect("people");
        assert_eq!(people.len(), 1, "{name}: one member, not two");
        let redeem = |update, code: &str| {
            let store = store.clone();
            let hash = dondoc::bot::invitation::hash(code);
            async move {
                store
                    .redeem_invitation(update, &hash, 5001, 5001)
                    .await
                    .expect("redeem")
            }
        };
        assert!(matches!(
            redeem(dondoc::domain::UpdateId(1), &old_code).await,
            dondoc::store::Effect::Done(dondoc::store::Redeemed::Expired)
        ));
        assert!(matches!(
            redeem(dondoc::domain::UpdateId(2), &new_code).await,
            dondoc::store::Effect::Done(dondoc::store::Redeemed::Linked(_))
        ));

        // Every problem of every row, then nothing written.
        let dir = tempfile::tempdir().expect("dir");
        let list = dir.path().join("moi.csv");
        std::fs::write(
            &list,
            "unit,role,name\nHG-PNV,coordinator,\nHG-PNV,thủ quỹ,Lê Ba\nHG-NOWHERE,head,Trần Tư\n\
             HG-PNV,coordinator,Lê Năm\nHG-PNV,coordinator,Lê Năm\n",
        )
        .expect("written");
        let refused = dondoc_with(
            &db,
            &["invite", "--file", list.to_str().expect("utf-8")],
            &bot,
        );
        assert!(!refused.status.success(), "{name}");
        let err = support::stderr(&refused);
        // All of them in one go, the unit the registry lacks included.
        for expected in [
            "Dòng 2: thiếu họ tên",
            "Dòng 3:",
            "Dòng 4: không có đơn vị mã \"HG-NOWHERE\"",
            "Dòng 6: cùng người",
        ] {
            assert!(err.contains(expected), "{name}: {expected} in {err}");
        }
        // Alone, the unknown unit is refused too.
        std::fs::write(
            &list,
            "unit,role,name\nHG-PNV,coordinator,Lê Năm\nHG-NOWHERE,head,Trần Tư\n",
        )
        .expect("written");
        let refused = dondoc_with(
            &db,
            &["invite", "--file", list.to_str().expect("utf-8")],
            &bot,
        );
        assert!(!refused.status.success(), "{name}");
        let err = support::stderr(&refused);
        assert!(
            err.contains("Dòng 3: không có đơn vị mã \"HG-NOWHERE\""),
            "{name}: {err}"
        );
        let pnv = store
            .people_in_unit(&UnitCode::parse("HG-PNV").expect("code"))
            .await
            .expect("people");
        assert!(pnv.is_empty(), "{name}: nothing written: {pnv:?}");
        store.close().await;
        db.finish().await;
    }
}

/// Issue 14.10: a clean command line — no log lines on ordinary commands (only with -v), no
/// colour codes into a pipe, errors said once in the province's language, tables with a header
/// row and aligned columns, `plan list` and `members list` in Vietnamese with member ids.
#[tokio::test]
async fn a_clean_command_line() {
    for db in test_dbs().await {
        let name = db.name;
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let units = db.dondoc(&[
            "units",
            "import",
            examples.join("units.csv").to_str().expect("utf-8"),
        ]);
        assert!(units.status.success(), "{name}: {units:?}");
        assert!(
            support::stderr(&units).is_empty(),
            "{name}: no INFO line: {}",
            support::stderr(&units)
        );
        let verbose = db.dondoc(&["-v", "units", "list"]);
        let log = support::stderr(&verbose);
        assert!(log.contains("INFO"), "{name}: -v shows the log: {log}");
        assert!(
            !log.contains('\u{1b}'),
            "{name}: no colour codes into a pipe: {log:?}"
        );

        let plan = db.dondoc(&[
            "plan",
            "import",
            examples.join("plan.csv").to_str().expect("utf-8"),
            "--code",
            "PAPI-2026",
            "--title",
            "Kế hoạch PAPI 2026",
            "--year",
            "2026",
            "--scope",
            "TINH",
        ]);
        assert!(plan.status.success(), "{name}: {plan:?}");
        let listed = stdout(&db.dondoc(&["plan", "list"]));
        let lines: Vec<&str> = listed.lines().collect();
        assert!(lines[0].starts_with("mã"), "{name}: {listed}");
        assert!(
            lines[0].contains("nhiệm vụ") && lines[0].contains("lượt giao"),
            "{listed}"
        );
        assert!(
            !listed.contains("tasks") && !listed.contains("assignments"),
            "{listed}"
        );
        // Aligned: the title starts at the same column on every line.
        let column = |line: &str, word: &str| line.find(word).map(|b| line[..b].chars().count());
        assert_eq!(
            column(lines[0], "tên kế hoạch"),
            column(lines[1], "Kế hoạch PAPI 2026"),
            "{listed}"
        );

        let store = open(&db.config).await;
        support::linked_member(
            &store,
            "TINH",
            dondoc::domain::PersonRole::Coordinator,
            "Lê Thị Hoa",
            9001,
        )
        .await;
        let members = stdout(&db.dondoc(&["members", "list"]));
        let lines: Vec<&str> = members.lines().collect();
        assert!(lines[0].starts_with("mã số"), "{name}: {members}");
        assert!(lines[1].starts_with('#'), "{name}: member ids: {members}");
        assert!(lines[1].contains("đã liên kết"), "{members}");
        assert!(
            !members.contains("linked") && !members.contains("coordinator"),
            "{members}"
        );

        let status = stdout(&db.dondoc(&["outbox", "status"]));
        let lines: Vec<&str> = status.lines().collect();
        assert!(
            lines[0].contains("chờ  đang gửi  đã gửi  tạm dừng  lỗi"),
            "{name}: {status}"
        );

        // An error: said once, in Vietnamese; in English with province.language = "en".
        let missing = db.dondoc(&["plan", "show", "NOPE"]);
        assert!(!missing.status.success());
        let err = support::stderr(&missing);
        assert_eq!(err.lines().count(), 1, "{name}: once: {err}");
        assert!(!err.contains("ERROR"), "{err}");
        let english = dondoc_with(
            &db,
            &["plan", "show", "NOPE"],
            &[("DONDOC_PROVINCE__LANGUAGE", "en")],
        );
        let err_en = support::stderr(&english);
        assert_eq!(err_en.lines().count(), 1, "{name}: {err_en}");
        assert_ne!(err, err_en, "{name}: another language");
        store.close().await;
        db.finish().await;
    }
}

/// Issue 14.14: serve's start line counts tasks and assignments apart.
#[test]
fn serve_says_tasks_and_assignments_apart() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("dondoc.db").display());
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let env = [("DONDOC_DATABASE__URL", url.as_str())];
    let units = examples.join("units.csv");
    let plan = examples.join("plan.csv");
    assert!(support::dondoc_in(
        dir.path(),
        &["units", "import", units.to_str().expect("utf-8")],
        &env
    )
    .status
    .success());
    let imported = support::dondoc_in(
        dir.path(),
        &[
            "plan",
            "import",
            plan.to_str().expect("utf-8"),
            "--code",
            "PAPI-2026",
            "--title",
            "Kế hoạch",
            "--year",
            "2026",
            "--scope",
            "TINH",
        ],
        &env,
    );
    assert!(imported.status.success(), "{imported:?}");
    let mut serve = std::process::Command::new(env!("CARGO_BIN_EXE_dondoc"))
        .arg("serve")
        .current_dir(dir.path())
        .env_remove("RUST_LOG")
        .env_remove("DONDOC_TELEGRAM__BOT_TOKEN")
        .env("DONDOC_DATABASE__URL", &url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = serve.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut start_line = None;
    while std::time::Instant::now() < deadline {
        match rx.recv_timeout(std::time::Duration::from_millis(200)) {
            Ok(line) if line.contains("dondoc đang chạy") => {
                start_line = Some(line);
                break;
            }
            _ => {}
        }
    }
    let _ = serve.kill();
    let _ = serve.wait();
    let line = start_line.expect("serve's start line");
    assert!(line.contains("4 nhiệm vụ, 17 lượt giao"), "{line}");
    let units = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/units.csv"),
    )
    .expect("examples/units.csv");
    let count = units
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    assert!(line.contains(&format!("{count} đơn vị")), "{line}");
}

/// Issue 14.11: `units import --dry-run` shows what would change (added, updated old → new,
/// unchanged) and `holidays import --dry-run` what would change in each year; neither writes.
#[tokio::test]
async fn dry_runs_show_what_would_change() {
    for db in test_dbs().await {
        let name = db.name;
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let units = std::fs::read_to_string(examples.join("units.csv")).expect("units.csv");
        assert!(db
            .dondoc(&[
                "units",
                "import",
                examples.join("units.csv").to_str().expect("utf-8")
            ])
            .status
            .success());
        let dir = tempfile::tempdir().expect("dir");
        let changed = dir.path().join("units.csv");
        let first_name = units
            .lines()
            .nth(1)
            .and_then(|l| l.split(',').nth(1))
            .expect("a unit name")
            .to_string();
        let edited = units.replacen(&first_name, &format!("{first_name} (mới)"), 1);
        std::fs::write(&changed, format!("{edited}XA-MOI,Xã Mới,commune,TINH,\n"))
            .expect("written");
        let trial = stdout(&db.dondoc(&[
            "units",
            "import",
            "--dry-run",
            changed.to_str().expect("utf-8"),
        ]));
        // A table: a header, then + added and ~ updated units, each changed cell old → new.
        assert!(
            trial.lines().next().is_some_and(|l| l.contains("mã")),
            "{name}: {trial}"
        );
        assert!(
            trial.lines().any(|l| l.starts_with("~ ")
                && l.contains(&format!("{first_name} → {first_name} (mới)"))),
            "{name}: {trial}"
        );
        assert!(
            trial.lines().any(|l| l.starts_with("+  XA-MOI  Xã Mới")),
            "{name}: {trial}"
        );
        let count = units
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count();
        assert!(
            trial.contains(&format!("1 thêm mới, 1 cập nhật, {} không đổi", count - 1)),
            "{name}: {trial}"
        );
        let store = open(&db.config).await;
        assert!(
            store
                .unit(&UnitCode::parse("XA-MOI").expect("code"))
                .await
                .expect("unit")
                .is_none(),
            "{name}: nothing written"
        );

        // 2027 is seeded; a file that moves one day and drops another.
        let before = store.holidays(2027).await.expect("2027");
        let holidays = dir.path().join("nghi_2027.csv");
        let mut file = String::from("date,name,kind\n");
        for day in before.iter().skip(1) {
            file.push_str(&format!("{},\"{}\",day_off\n", day.date, day.name));
        }
        file.push_str("2027-12-31,Nghỉ cuối năm,day_off\n");
        std::fs::write(&holidays, file).expect("written");
        let trial = stdout(&db.dondoc(&[
            "holidays",
            "import",
            "--dry-run",
            holidays.to_str().expect("utf-8"),
        ]));
        assert!(
            trial
                .lines()
                .any(|l| l.starts_with("+  31/12/2027  nghỉ  Nghỉ cuối năm")),
            "{name}: {trial}"
        );
        assert!(
            trial.contains(&format!("-  {}", before[0].date.format("%d/%m/%Y"))),
            "{name}: {trial}"
        );
        assert!(
            trial.contains("Năm 2027: 1 ngày thêm, 1 ngày bỏ"),
            "{name}: {trial}"
        );
        assert_eq!(
            store.holidays(2027).await.expect("2027"),
            before,
            "{name}: nothing written"
        );
        store.close().await;
        db.finish().await;
    }
}

/// Issue 14.12: in a folder with nothing, a command says where it looked and leaves no empty
/// dondoc.db; `dondoc init` writes the commented configuration and the database in one step.
#[test]
fn an_empty_folder_is_said_and_init_sets_it_up() {
    let dir = tempfile::tempdir().expect("dir");
    let nothing = support::dondoc_in(dir.path(), &["units", "list"], &[]);
    assert!(!nothing.status.success());
    let err = support::stderr(&nothing);
    assert!(err.contains("config/dondoc.toml"), "{err}");
    assert!(err.contains("dondoc init"), "{err}");
    let folder = dir.path().canonicalize().expect("path");
    assert!(
        err.contains(&folder.display().to_string())
            || err.contains(&dir.path().display().to_string()),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        !dir.path().join("dondoc.db").exists(),
        "no empty database left behind"
    );

    let init = support::dondoc_in(dir.path(), &["init"], &[]);
    assert!(init.status.success(), "{init:?}");
    assert!(
        stdout(&init).contains("Đã ghi config/dondoc.toml"),
        "{}",
        stdout(&init)
    );
    let written = std::fs::read_to_string(dir.path().join("config/dondoc.toml")).expect("config");
    assert!(
        written
            .lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
            > 20,
        "commented"
    );
    assert!(dir.path().join("dondoc.db").exists());
    let units = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/units.csv");
    let imported = support::dondoc_in(
        dir.path(),
        &["units", "import", units.to_str().expect("utf-8")],
        &[],
    );
    assert!(imported.status.success(), "{imported:?}");
    // Again: the configuration (perhaps edited) is kept.
    std::fs::write(
        dir.path().join("config/dondoc.toml"),
        format!("{written}\n# edited\n"),
    )
    .expect("edit");
    let again = support::dondoc_in(dir.path(), &["init"], &[]);
    assert!(again.status.success());
    assert!(
        std::fs::read_to_string(dir.path().join("config/dondoc.toml"))
            .expect("config")
            .ends_with("# edited\n")
    );
}

/// Issue 14.13: every file the README names under examples/ exists, and the README's
/// walk-through runs, command after command, on a fresh folder against examples/units.csv.
#[test]
fn the_readme_walk_through_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let mut named = 0;
    for (at, _) in readme.match_indices("examples/") {
        let rest = &readme[at..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '`' || c == ')' || c == ',')
            .unwrap_or(rest.len());
        let path = &rest[..end];
        if path.len() > "examples/".len() {
            named += 1;
            assert!(
                root.join(path).exists(),
                "the README names {path}, which is missing"
            );
        }
    }
    assert!(named >= 8, "{named} example files named");

    let dir = tempfile::tempdir().expect("dir");
    let ex = |name: &str| root.join("examples").join(name).display().to_string();
    let env = [("DONDOC_TELEGRAM__BOT_USERNAME", "dondoc_mau_son_bot")];
    let steps: Vec<Vec<String>> = [
        vec!["init"],
        vec!["units", "import", "--dry-run", &ex("units.csv")],
        vec!["units", "import", &ex("units.csv")],
        vec!["units", "list", "--tree"],
        vec![
            "plan",
            "import",
            &ex("plan.csv"),
            "--code",
            "PAPI-2026",
            "--title",
            "Kế hoạch cải thiện Chỉ số PAPI năm 2026",
            "--year",
            "2026",
            "--scope",
            "TINH",
            "--dry-run",
        ],
        vec![
            "plan",
            "import",
            &ex("plan.csv"),
            "--code",
            "PAPI-2026",
            "--title",
            "Kế hoạch cải thiện Chỉ số PAPI năm 2026",
            "--year",
            "2026",
            "--scope",
            "TINH",
        ],
        vec!["plan", "list"],
        vec!["plan", "show", "PAPI-2026"],
        vec!["plan", "deadlines", "PAPI-2026"],
        vec![
            "plan",
            "deadlines",
            "PAPI-2026",
            "--set",
            "annual=2026-11-13",
            "--set",
            "q1=09/03/2026",
        ],
        vec![
            "plan",
            "deadlines",
            "PAPI-2026",
            "--file",
            &ex("deadlines.txt"),
        ],
        vec!["holidays", "list", "2027"],
        vec!["holidays", "import", "--dry-run", &ex("nghi_le_2027.csv")],
        vec!["holidays", "import", &ex("nghi_le_2027.csv")],
        vec![
            "invite",
            "--unit",
            "XA-DONGTAM",
            "--role",
            "chủ tịch",
            "--name",
            "Nguyễn Văn An",
        ],
        vec!["invite", "--file", &ex("invitations.csv")],
        vec!["members", "list"],
        vec!["tick", "--at", "2026-06-08T08:00", "--dry-run"],
        vec!["tick", "--at", "2026-06-08T08:00"],
        vec!["outbox", "status"],
        vec!["cases", "routing", "import", &ex("quy_tac.csv")],
        vec!["cases", "routing", "list"],
        vec!["cases", "import", "--dry-run", &ex("tong_dai_1022.csv")],
        vec!["cases", "import", &ex("tong_dai_1022.csv")],
        vec![
            "cases",
            "export",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--out",
            "thang11.xlsx",
        ],
        vec!["cases", "stats", "--month", "2026-11"],
        vec![
            "export",
            "--plan",
            "PAPI-2026",
            "--period",
            "Q3",
            "--out",
            "bao_cao_q3.xlsx",
        ],
        vec!["check-config"],
    ]
    .iter()
    .map(|step| step.iter().map(|s| s.to_string()).collect())
    .collect();
    for step in &steps {
        let args: Vec<&str> = step.iter().map(String::as_str).collect();
        let output = support::dondoc_in(dir.path(), &args, &env);
        assert!(
            output.status.success(),
            "dondoc {}: {}\n{}",
            args.join(" "),
            stdout(&output),
            support::stderr(&output)
        );
    }
    let imported = support::dondoc_in(
        dir.path(),
        &["cases", "import", &ex("tong_dai_1022.csv")],
        &env,
    );
    assert!(
        stdout(&imported).contains("Bỏ qua 3 phản ánh đã có"),
        "{}",
        stdout(&imported)
    );
    assert!(dir.path().join("thang11.xlsx").exists());
    assert!(dir.path().join("bao_cao_q3.xlsx").exists());
}

/// `dondoc members list --missing`: the units with tasks the bot can tell no one in (nobody
/// linked), and after a member is linked, not that unit.
#[tokio::test]
async fn members_list_missing_prints_units_no_one_can_be_told_in() {
    for db in test_dbs().await {
        let config = &db.config;
        let store = open(config).await;
        support::seed004(&store, "HG-2026", 2026).await;
        let printed = stdout(&db.dondoc(&["members", "list", "--missing"]));
        assert!(
            printed.starts_with("👤 Đơn vị chưa có ai nhận tin qua Telegram ("),
            "{}: {printed}",
            db.name
        );
        assert!(
            printed.contains("\n– Phường Minh Khai: chưa ai liên kết\n"),
            "{printed}"
        );
        support::linked_member(
            &store,
            "HG-MINHKHAI",
            dondoc::domain::PersonRole::Head,
            "Chủ tịch",
            1011,
        )
        .await;
        let printed = stdout(&db.dondoc(&["members", "list", "--missing"]));
        assert!(!printed.contains("Phường Minh Khai"), "{printed}");
        assert!(
            printed.contains("– Phường Trần Phú: chưa ai liên kết"),
            "{printed}"
        );
        store.close().await;
        db.finish().await;
    }
}

/// Where each cell of an aligned line starts, in terminal columns (cells are two or more
/// spaces apart; no cell here holds two spaces in a row).
fn cell_starts(line: &str) -> Vec<usize> {
    use unicode_width::UnicodeWidthStr;
    let mut starts = Vec::new();
    let mut spaces = 0;
    for (at, ch) in line.char_indices() {
        if ch == ' ' {
            spaces += 1;
            continue;
        }
        if starts.is_empty() || spaces >= 2 {
            starts.push(line[..at].width());
        }
        spaces = 0;
    }
    starts
}

/// Every line of `table` (header first) starts its cells at the header's columns, as far as
/// the line has cells; the header has `columns` of them.
fn assert_aligned(table: &str, columns: usize, what: &str) {
    let lines: Vec<&str> = table.lines().collect();
    let header = cell_starts(lines[0]);
    assert_eq!(
        header.len(),
        columns,
        "{what}: header {:?}\n{table}",
        lines[0]
    );
    for line in &lines[1..] {
        let starts = cell_starts(line);
        assert!(
            starts.len() >= 2 && header.starts_with(&starts) || starts == header,
            "{what}: {line:?} starts its cells at {starts:?}, the header at {header:?}\n{table}"
        );
        assert!(!line.ends_with(' '), "{what}: trailing spaces in {line:?}");
    }
}

/// Issue 14.10: every table has a header row and columns aligned as a terminal shows them —
/// `units list`, `holidays list`, the dry runs of `units import` and `holidays import` —
/// whether the Vietnamese came composed (NFC) or decomposed (NFD, as some Mac and Word exports
/// write it).
#[tokio::test]
async fn tables_line_up_as_a_terminal_shows_them() {
    use unicode_normalization::UnicodeNormalization;
    for db in test_dbs().await {
        let name = db.name;
        let dir = tempfile::tempdir().expect("dir");
        let nfd = |s: &str| s.nfd().collect::<String>();
        let units = dir.path().join("units.csv");
        let registry = format!(
            "code,name,kind,parent_code,aliases\n\
             TINH,UBND tỉnh Mẫu Sơn,province,,UBND tỉnh\n\
             SNV,{},coordinating_office,TINH,Nội vụ\n\
             PNH,Phường Ngọc Hà,commune,TINH,\n\
             XTT,{},commune,TINH,{}\n",
            nfd("Sở Nội vụ"),
            nfd("Xã Thượng Tân"),
            nfd("Thượng Tân")
        );
        assert!(
            registry.chars().count() > registry.nfc().count(),
            "some NFD"
        );
        std::fs::write(&units, &registry).expect("written");
        let imported = db.dondoc(&["units", "import", units.to_str().expect("utf-8")]);
        assert!(imported.status.success(), "{name}: {imported:?}");

        let listed = stdout(&db.dondoc(&["units", "list"]));
        assert!(listed.starts_with("mã"), "{name}: a header row: {listed}");
        assert!(
            !listed.contains('\u{1b}'),
            "{name}: no colour codes into a pipe"
        );
        assert!(
            listed.lines().next().unwrap_or("").contains("tên gọi khác"),
            "{listed}"
        );
        assert_eq!(listed.lines().count(), 5, "{name}: {listed}");
        assert_aligned(&listed, 5, "units list");

        // A dry run that renames one unit (decomposed) and adds another.
        let changed = dir.path().join("units2.csv");
        std::fs::write(
            &changed,
            format!(
                "{}PXM,{},commune,TINH,\n",
                registry.replace("Phường Ngọc Hà", &nfd("Phường Ngọc Hà mới")),
                nfd("Phường Xuân Mai")
            ),
        )
        .expect("written");
        let trial = stdout(&db.dondoc(&[
            "units",
            "import",
            "--dry-run",
            changed.to_str().expect("utf-8"),
        ]));
        let table: Vec<&str> = trial.lines().take(3).collect();
        assert!(table[0].trim_start().starts_with("mã"), "{name}: {trial}");
        assert!(table[1].starts_with("~  PNH"), "{name}: {trial}");
        assert!(
            table[1].contains(&format!("Phường Ngọc Hà → {}", nfd("Phường Ngọc Hà mới"))),
            "{name}: old → new: {trial}"
        );
        assert!(table[2].starts_with("+  PXM"), "{name}: {trial}");
        // The mark column is empty in the header: compare from the code on.
        let from_code: String = table.iter().map(|l| format!("{}\n", &l[3..])).collect();
        assert_aligned(&from_code, 5, "units import --dry-run");
        assert!(
            trial.contains("1 thêm mới, 1 cập nhật, 3 không đổi"),
            "{trial}"
        );

        let holidays = stdout(&db.dondoc(&["holidays", "list", "2026"]));
        assert!(holidays.starts_with("ngày"), "{name}: {holidays}");
        assert_aligned(&holidays, 4, "holidays list");
        let english = dondoc_with(
            &db,
            &["holidays", "list", "2026"],
            &[("DONDOC_PROVINCE__LANGUAGE", "en")],
        );
        let english = stdout(&english);
        assert!(english.starts_with("date"), "{name}: {english}");
        assert_aligned(&english, 4, "holidays list, English");
        db.finish().await;
    }
}

/// Issue 14.10: an error is said once, in the province's language — a value that does not
/// read, a file that cannot be read, a mistake in the command line, a configuration that does
/// not load (naming where dondoc looked) — with no log line and no colour codes.
#[tokio::test]
async fn errors_are_said_once_in_the_provinces_language() {
    for db in test_dbs().await {
        let name = db.name;
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let dir = tempfile::tempdir().expect("dir");
        assert!(db
            .dondoc(&[
                "units",
                "import",
                examples.join("units.csv").to_str().expect("utf-8")
            ])
            .status
            .success());
        let plan = db.dondoc(&[
            "plan",
            "import",
            examples.join("plan.csv").to_str().expect("utf-8"),
            "--code",
            "PAPI-2026",
            "--title",
            "Kế hoạch PAPI 2026",
            "--year",
            "2026",
            "--scope",
            "TINH",
        ]);
        assert!(plan.status.success(), "{name}: {plan:?}");
        let bad_lines = dir.path().join("deadlines.txt");
        std::fs::write(&bad_lines, "q1=09/03/2026\nq2=31/06/2026\n").expect("written");
        let missing = dir.path().join("khong-co.txt");
        let missing = missing.to_str().expect("utf-8");
        let bad_lines = bad_lines.to_str().expect("utf-8");

        // (arguments, what the Vietnamese says, what the English says, exit status)
        type Case<'a> = (Vec<&'a str>, &'a [&'a str], &'a [&'a str], i32);
        let cases: Vec<Case> = vec![
            (
                vec!["plan", "show", "A B"],
                &["mã kế hoạch", "«A B»"],
                &["plan code", "«A B»"],
                1,
            ),
            (
                vec![
                    "plan", "import", missing, "--code", "X", "--title", "X", "--year", "2026",
                    "--scope", "TINH",
                ],
                &["không mở được tệp", "không có tệp hoặc thư mục này"],
                &["cannot open the file"],
                1,
            ),
            (
                vec![
                    "plan", "import", bad_lines, "--code", "X", "--title", "X", "--year", "1999",
                    "--scope", "TINH",
                ],
                &["năm kế hoạch", "«1999»"],
                &["plan year"],
                1,
            ),
            (
                vec![
                    "invite",
                    "--unit",
                    "TINH",
                    "--role",
                    "boss",
                    "--name",
                    "Lê Văn A",
                ],
                &["vai trò", "«boss»"],
                &["person role"],
                1,
            ),
            (
                vec!["plan", "deadlines", "PAPI-2026", "--set", "q1=2026-13-01"],
                &["hạn báo cáo", "«q1=2026-13-01»"],
                &["deadline"],
                1,
            ),
            (
                vec!["plan", "deadlines", "PAPI-2026", "--file", missing],
                &[
                    "Không đọc được",
                    "khong-co.txt",
                    "không có tệp hoặc thư mục này",
                ],
                &["Cannot read", "khong-co.txt"],
                1,
            ),
            (
                vec!["plan", "deadlines", "PAPI-2026", "--file", bad_lines],
                &["deadlines.txt, dòng 2", "«q2=31/06/2026»"],
                &["line 2"],
                1,
            ),
            (
                vec!["units", "import", missing],
                &["không mở được tệp", "không có tệp hoặc thư mục này"],
                &["cannot open the file"],
                1,
            ),
            (
                vec!["tick", "--at", "hôm qua"],
                &["không phải thời điểm"],
                &["hôm qua"],
                1,
            ),
            (
                vec!["plan", "lst"],
                &[
                    "dondoc không có lệnh «lst». Có phải ý bạn là «list»?",
                    "Cách dùng: dondoc plan",
                    "dondoc LỆNH --help",
                ],
                &[
                    "dondoc has no command «lst». Did you mean «list»?",
                    "Usage: dondoc plan",
                ],
                2,
            ),
            (
                vec!["units", "import", "--dry-rn", "x.csv"],
                &["Lệnh này không có tùy chọn «--dry-rn». Có phải ý bạn là «--dry-run»?"],
                &["This command has no option «--dry-rn»"],
                2,
            ),
            (
                vec!["plan", "show"],
                &["Còn thiếu: <CODE>", "Cách dùng: dondoc plan show <CODE>"],
                &["Missing: <CODE>"],
                2,
            ),
            (
                vec!["plan", "show", "A", "B"],
                &["Lệnh này không nhận thêm giá trị «B»."],
                &["This command takes no further value «B»."],
                2,
            ),
            (
                vec!["units", "list", "--tree", "--tree"],
                &["--tree chỉ được cho một lần."],
                &["--tree can be given only once."],
                2,
            ),
            (
                vec!["invite", "--file", "x.csv", "--unit", "TINH"],
                &["Không dùng --file <FILE> cùng với --unit <UNIT>"],
                &["cannot be used with"],
                2,
            ),
            (
                vec![
                    "cases",
                    "export",
                    "--format",
                    "pdf",
                    "--from",
                    "2026-01-01",
                    "--to",
                    "2026-01-31",
                    "--out",
                    "x",
                ],
                &["--format", "«pdf»", "csv, xlsx"],
                &["does not take «pdf»"],
                2,
            ),
        ];
        for (args, vi, en, status) in &cases {
            for (lang, words) in [("vi", vi), ("en", en)] {
                let output = dondoc_with(&db, args, &[("DONDOC_PROVINCE__LANGUAGE", lang)]);
                let err = support::stderr(&output);
                assert_eq!(
                    output.status.code(),
                    Some(*status),
                    "{name} {lang} {args:?}: {err}"
                );
                for word in words.iter() {
                    assert!(
                        err.contains(word),
                        "{name} {lang} {args:?}: {word:?} in {err}"
                    );
                }
                assert!(stdout(&output).is_empty() || *status == 1, "{args:?}");
                for english in [
                    "Error:",
                    "error:",
                    "ERROR",
                    "No such file",
                    "os error",
                    "\u{1b}[",
                ] {
                    if lang == "vi" || english != "Error:" {
                        assert!(
                            !err.contains(english),
                            "{name} {lang} {args:?}: {english:?} in {err}"
                        );
                    }
                }
                if *status == 1 {
                    // Once: one line for one problem (a refused file adds its verdict line).
                    assert!(
                        err.lines().count() <= 2,
                        "{name} {lang} {args:?}: said once: {err}"
                    );
                    let first = err.lines().next().unwrap_or_default();
                    assert_eq!(err.matches(first).count(), 1, "{name} {args:?}: {err}");
                }
                if lang == "en" {
                    for vietnamese in ["không", "Cách dùng", "Còn thiếu"] {
                        assert!(
                            !err.contains(vietnamese),
                            "{name} {args:?}: {vietnamese} in {err}"
                        );
                    }
                }
            }
        }
        db.finish().await;
    }
}

/// Issue 14.10: a configuration that does not load is said in the language it asks for (or
/// Vietnamese when it cannot be read that far), naming the file and every problem in it, once;
/// a configuration file that is not there is named with where dondoc looked.
#[test]
fn a_configuration_that_does_not_load_is_said_once_with_every_problem() {
    let dir = tempfile::tempdir().expect("dir");
    let write = |file: &str, text: &str| {
        std::fs::write(dir.path().join(file), text).expect("written");
    };
    write(
        "two.toml",
        "[outbox]\nmax_in_flight = \"nhiều\"\n[schedule]\npass = \"mỗi phút\"\n",
    );
    write(
        "en.toml",
        "[province]\nlanguage = \"en\"\n[outbox]\nmax_in_flight = \"many\"\n",
    );
    write("syntax.toml", "[province\nlanguage = \"vi\"\n");
    let run = |args: &[&str]| support::dondoc_in(dir.path(), args, &[]);

    let two = run(&["--config", "two.toml", "units", "list"]);
    let err = support::stderr(&two);
    assert_eq!(two.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "Không dùng được cấu hình two.toml:", "{err}");
    assert!(err.contains("outbox.max_in_flight"), "{err}");
    assert!(err.contains("schedule.pass"), "every problem: {err}");
    assert!(err.contains("dondoc check-config"), "{err}");
    assert!(!err.contains("invalid configuration"), "{err}");
    assert!(!dir.path().join("dondoc.db").exists(), "nothing created");

    let en = run(&["--config", "en.toml", "units", "list"]);
    let err = support::stderr(&en);
    assert!(
        err.starts_with("The configuration en.toml cannot be used:"),
        "{err}"
    );
    assert!(err.contains("outbox.max_in_flight"), "{err}");
    assert!(!err.contains("Không"), "{err}");

    let syntax = run(&["--config", "syntax.toml", "units", "list"]);
    let err = support::stderr(&syntax);
    assert!(
        err.starts_with("Không dùng được cấu hình syntax.toml:"),
        "{err}"
    );
    assert!(err.contains("line 1"), "where it stopped: {err}");

    let absent = run(&["--config", "khong-co.toml", "units", "list"]);
    let err = support::stderr(&absent);
    assert_eq!(absent.status.code(), Some(1), "{err}");
    assert!(err.contains("khong-co.toml"), "where it looked: {err}");
    assert_eq!(
        err.matches("khong-co.toml").count(),
        2,
        "headline and problem: {err}"
    );
    // A usage mistake speaks the language of the configuration the command names.
    let usage = run(&["--config", "en.toml", "plan", "lst"]);
    assert!(
        support::stderr(&usage).starts_with("dondoc has no command «lst»"),
        "{}",
        support::stderr(&usage)
    );
    for output in [two, en, syntax, absent, usage] {
        let err = support::stderr(&output);
        assert!(!err.contains('\u{1b}') && !err.contains("ERROR"), "{err}");
    }
}
