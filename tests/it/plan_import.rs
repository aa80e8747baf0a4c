//! Importing the plans rebuilt from seeds 001 (Đắk Nông 2020) and 004 (Hà Giang 2023) in
//! all three formats, on every backend.

use crate::support;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use dondoc::domain::plan::NewTask;
use dondoc::domain::{PlanYear, UnitCode, UnitKind};
use dondoc::import::{self, Column, PlanReading, ProblemKind, UnitDirectory};
use dondoc::store::Store;
use support::{actor, fixture, on_each_backend};

const MAX: u64 = 20 * 1024 * 1024;

async fn registry(store: &Store, file: &str) {
    let units = import::read_units(&fixture(file), &[], MAX).expect("registry fixture reads");
    store
        .upsert_units(&units, &actor())
        .await
        .expect("registry saved");
}

async fn read(store: &Store, scope: &str, year: i32, file: &str) -> PlanReading {
    let scope = UnitCode::parse(scope).expect("scope");
    let directory =
        UnitDirectory::new(store.list_units().await.expect("units"), &scope).expect("scope exists");
    import::read_plan(
        &fixture(file),
        &directory,
        PlanYear::new(year).expect("year"),
        MAX,
    )
}

/// Codes of all units of the given kinds in the registry (the registries have one scope).
async fn kinds(store: &Store, kinds: &[UnitKind]) -> BTreeSet<String> {
    store
        .list_units()
        .await
        .expect("units")
        .into_iter()
        .filter(|u| kinds.contains(&u.kind))
        .map(|u| u.code.to_string())
        .collect()
}

fn set(codes: &[&str]) -> BTreeSet<String> {
    codes.iter().map(|c| c.to_string()).collect()
}

fn union(a: &BTreeSet<String>, b: &BTreeSet<String>) -> BTreeSet<String> {
    a.union(b).cloned().collect()
}

fn leads(t: &NewTask) -> BTreeSet<String> {
    t.lead_units.iter().map(|u| u.code.to_string()).collect()
}

fn implementing(t: &NewTask) -> BTreeSet<String> {
    t.implementing_units
        .iter()
        .map(|u| u.code.to_string())
        .collect()
}

fn at_row(reading: &PlanReading, row: usize) -> &NewTask {
    reading
        .tasks
        .iter()
        .find(|t| t.source_row == row)
        .unwrap_or_else(|| panic!("no task starts at row {row}"))
}

fn by_code<'a>(reading: &'a PlanReading, dimension: &str, code: &str) -> &'a NewTask {
    reading
        .tasks
        .iter()
        .find(|t| {
            t.dimension.as_ref().map(|d| d.code.as_str()) == Some(dimension)
                && t.code.as_deref() == Some(code)
        })
        .unwrap_or_else(|| panic!("no task {dimension}.{code}"))
}

fn per_dimension(reading: &PlanReading) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for t in &reading.tasks {
        let d = t
            .dimension
            .as_ref()
            .map(|d| d.code.clone())
            .unwrap_or_default();
        match counts.last_mut() {
            Some((last, n)) if *last == d => *n += 1,
            _ => counts.push((d, 1)),
        }
    }
    counts
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Seed 004 as published: page breaks, repeated headers, continuation rows, merged cells
/// exported as empty ones, HTML remnants. Fixture row = seed line − 188.
#[tokio::test]
async fn seed_004_tsv_reads_task_by_task() {
    on_each_backend(|store, _clock, backend| async move {
        registry(&store, "seed004_units.csv").await;
        let r = read(&store, "HAGIANG", 2023, "seed004_plan.tsv").await;
        assert!(r.problems.is_empty(), "{backend}: {:?}", r.problems);
        assert_eq!(r.tasks.len(), 40);
        assert_eq!(
            per_dimension(&r),
            counts(&[("1", 4), ("2", 6), ("3", 4), ("4", 6), ("5", 5), ("6", 9), ("7", 3), ("8", 3)])
        );

        let communes = kinds(&store, &[UnitKind::Commune]).await;
        let departments = kinds(&store, &[UnitKind::Department, UnitKind::CoordinatingOffice]).await;
        assert_eq!((communes.len(), departments.len()), (8, 11));

        let t = at_row(&r, 6); // 1.1
        assert_eq!(t.code.as_deref(), Some("1.1"));
        let dim = t.dimension.as_ref().expect("dimension");
        assert_eq!((dim.code.as_str(), dim.title.as_str()), ("1", "Tham gia của người dân ở cấp cơ sở"));
        assert_eq!(t.criterion.as_deref(), Some("Tri thức công dân"));
        assert_eq!(leads(t), set(&["HG-PVHTT"]));
        assert_eq!(implementing(t), communes, "group 'UBND xã, Phường'");
        assert_eq!(t.timeframe, "Thường xuyên");
        assert_eq!(t.due_date, None);

        assert_eq!(at_row(&r, 7).due_date, date(2023, 12, 31), "Trong năm 2023");
        assert_eq!(at_row(&r, 23).due_date, date(2023, 12, 31), "6 tháng cuối năm 2023");

        // 2.2 continues after the page break (seed line 203) …
        let t = at_row(&r, 12);
        assert!(
            t.text.ends_with("các chế độ chính sách theo quy định hiện hành tại UBND xã, phường và thông qua các cuộc họp thôn, tổ dân phố."),
            "{}",
            t.text
        );
        // … and the unnumbered row after it is a task of its own, with the merged cells.
        let t = at_row(&r, 16);
        assert_eq!(t.code.as_deref(), Some("2.2"));
        assert!(t.text.starts_with("Tổ chức kiểm tra và xử lý nghiêm"));
        assert_eq!(t.target, "Tối thiểu 30% đơn vị cấp xã được kiểm tra");
        assert_eq!(leads(t), set(&["HG-PLDTBXH"]));
        assert_eq!(implementing(t), communes);
        assert_eq!(t.timeframe, "Thường xuyên");

        // 4.5's second row keeps its own timeframe and inherits the units.
        let t = at_row(&r, 37);
        assert_eq!(leads(t), set(&["HG-TTRA"]));
        assert_eq!(implementing(t), union(&departments, &communes));
        assert_eq!((t.timeframe.as_str(), t.due_date), ("Tháng 12 hàng năm", date(2023, 12, 31)));

        // A row cut by a page break in every cell: "Văn phòng" + "HĐND-UBND thành phố".
        let t = at_row(&r, 49);
        assert_eq!(t.text, "Kịp thời tiếp nhận xử lý, phản ánh của người dân đối với sự phục vụ của cán bộ, công chức, viên chức tại Trung tâm y tế thành phố");
        assert_eq!(leads(t), set(&["HG-VP"]));
        assert_eq!(implementing(t), set(&["HG-TTYT"]));
        assert_eq!(t.timeframe, "Thường xuyên");

        // HTML remnants are gone; "UBND 3 xã" is an alias shared by the three xã.
        let t = at_row(&r, 58);
        assert!(!t.criterion.as_deref().unwrap_or("").contains('<'));
        assert_eq!(t.criterion.as_deref(), Some("Cơ sở hạ tầng căn bản (Thu gom rác thải)"));
        assert_eq!(implementing(t), set(&["HG-MTDT", "HG-PHUONGTHIEN", "HG-PHUONGDO", "HG-NGOCDUONG"]));

        // No implementing unit: the lead implements.
        let t = at_row(&r, 65);
        assert_eq!(t.code.as_deref(), Some("7.2"));
        assert_eq!(implementing(t), set(&["HG-PKT"]));

        // 8.1's units continue after the break: "… các cơ" + "quan liên quan, UBND các xã, phường".
        let t = at_row(&r, 68);
        assert_eq!(implementing(t), union(&departments, &communes));
        assert!(t.text.contains("\n- Nghiên cứu, đề xuất"), "{}", t.text);
    })
    .await;
}

fn counts(expected: &[(&str, usize)]) -> Vec<(String, usize)> {
    expected.iter().map(|(d, n)| (d.to_string(), *n)).collect()
}

#[tokio::test]
async fn seed_001_tsv_reads_task_by_task() {
    on_each_backend(|store, _clock, backend| async move {
        registry(&store, "seed001_units.csv").await;
        let r = read(&store, "DAKNONG", 2020, "seed001_plan.tsv").await;
        assert!(r.problems.is_empty(), "{backend}: {:?}", r.problems);
        assert_eq!(r.tasks.len(), 41);
        assert_eq!(
            per_dimension(&r),
            counts(&[
                ("I", 1),
                ("II", 7),
                ("III", 5),
                ("IV", 6),
                ("V", 6),
                ("VI", 9),
                ("VII", 2),
                ("IX", 5)
            ])
        );

        let districts = kinds(&store, &[UnitKind::District]).await;
        let communes = kinds(&store, &[UnitKind::Commune]).await;

        let t = by_code(&r, "I", "1");
        assert_eq!(
            t.dimension.as_ref().map(|d| d.title.as_str()),
            Some("Tham gia của người dân ở cấp cơ sở")
        );
        assert!(
            t.text.contains("\n1.1 Tuyên truyền") && t.text.contains("\n1.2 Tuyên truyền"),
            "multi-line cell: {}",
            t.text
        );
        assert_eq!(leads(t), districts, "'UBND cấp huyện.' is every district");
        assert!(implementing(t).is_superset(&communes));
        assert!(implementing(t).contains("DN-BAODN"));

        let t = by_code(&r, "II", "1");
        assert_eq!(
            t.dimension.as_ref().map(|d| d.title.as_str()),
            Some("Công khai, minh bạch")
        );
        assert_eq!(leads(t), set(&["DN-SLDTBXH"]));
        assert_eq!(
            implementing(t),
            union(&districts, &communes),
            "'UBND cấp huyện; UBND cấp xã.'"
        );

        let t = by_code(&r, "III", "3");
        assert_eq!(leads(t), set(&["DN-TAND"]));
        assert_eq!(implementing(t), set(&["DN-STP", "DN-TAND-HUYEN"]));

        let t = by_code(&r, "IV", "4");
        assert_eq!(
            (t.timeframe.as_str(), t.due_date),
            ("Tháng 12.", date(2020, 12, 31))
        );
        assert!(implementing(t).contains("SNV") && implementing(t).is_superset(&communes));

        let t = by_code(&r, "V", "4");
        assert_eq!(leads(t), set(&["SNV"]));
        assert_eq!(t.due_date, date(2020, 9, 30), "Quý III/2020");

        let t = by_code(&r, "IX", "2");
        assert_eq!(leads(t), set(&["DN-VPUBND"]));
        assert_eq!(t.due_date, date(2020, 12, 31), "Quý IV/2020");
        assert_eq!(t.expected_output, "Báo cáo định kỳ.");

        let t = by_code(&r, "IX", "4");
        assert_eq!(
            t.target,
            "- Các TTHC được tích hợp.\n- 20% TTHC dịch công TT mức độ 3, 4 được tích hợp."
        );
    })
    .await;
}

/// The as-published seed 001 names a lead "UBND cấp" (cut off): reported at its row.
#[tokio::test]
async fn an_unknown_unit_is_reported_with_its_row() {
    on_each_backend(|store, _clock, _backend| async move {
        registry(&store, "seed001_units.csv").await;
        let good = read(&store, "DAKNONG", 2020, "seed001_plan.tsv").await;
        let row = by_code(&good, "II", "7").source_row;
        let r = read(&store, "DAKNONG", 2020, "seed001_plan_as_published.tsv").await;
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        assert_eq!(r.problems[0].row, Some(row));
        assert!(
            matches!(&r.problems[0].kind, ProblemKind::UnknownUnit { column: Column::Lead, text, .. } if text == "UBND cấp"),
            "{:?}",
            r.problems[0]
        );
    })
    .await;
}

/// The XLSX and DOCX rebuilds (merged cells, one Word table per page) read like the TSV.
#[tokio::test]
async fn the_three_formats_give_the_same_tasks() {
    on_each_backend(|store, _clock, backend| async move {
        for (units, scope, year, stem) in [
            ("seed004_units.csv", "HAGIANG", 2023, "seed004_plan"),
            ("seed001_units.csv", "DAKNONG", 2020, "seed001_plan"),
        ] {
            registry(&store, units).await;
            let key = |r: &PlanReading| -> Vec<_> {
                r.tasks
                    .iter()
                    .map(|t| {
                        (
                            t.code.clone(),
                            t.dimension.clone(),
                            t.criterion.clone(),
                            t.text.clone(),
                            t.target.clone(),
                            leads(t),
                            implementing(t),
                            t.timeframe.clone(),
                            t.due_date,
                            t.expected_output.clone(),
                        )
                    })
                    .collect()
            };
            let tsv = read(&store, scope, year, &format!("{stem}.tsv")).await;
            for ext in ["xlsx", "docx"] {
                let other = read(&store, scope, year, &format!("{stem}.{ext}")).await;
                assert!(
                    other.problems.is_empty(),
                    "{backend} {stem}.{ext}: {:?}",
                    other.problems
                );
                assert_eq!(key(&other), key(&tsv), "{backend} {stem}.{ext}");
            }
        }
    })
    .await;
}

/// Columns in any order, the registry from a spreadsheet with Vietnamese headers.
#[tokio::test]
async fn any_column_order_and_an_xlsx_registry() {
    let dir = tempfile::tempdir().expect("dir");
    let registry_file = dir.path().join("don_vi.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [
        ["Mã", "Tên đơn vị", "Loại", "Mã cấp trên", "Tên khác"],
        ["T", "UBND tỉnh Mẫu", "tỉnh", "", ""],
        ["STP", "Sở Tư pháp", "sở", "T", "STP"],
        ["XA1", "UBND xã Một", "xã", "T", "xã Một"],
        ["XA2", "UBND phường Hai", "phường", "T", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet
                .write_string(r as u32, c as u16, *value)
                .expect("cell");
        }
    }
    book.save(&registry_file).expect("xlsx saved");
    let plan_file = dir.path().join("plan.csv");
    std::fs::write(
        &plan_file,
        "Thời gian thực hiện,Đơn vị thực hiện,Đầu mối chủ trì thực hiện,Nhiệm vụ trọng tâm,STT\n\
         Quý II/2026,\"xã Một, UBND phường Hai\",STP,Công khai thủ tục,1\n",
    )
    .expect("plan written");
    on_each_backend(|store, _clock, backend| {
        let (registry_file, plan_file) = (registry_file.clone(), plan_file.clone());
        async move {
            let units = import::read_units(&registry_file, &[], MAX).expect("xlsx registry reads");
            store.upsert_units(&units, &actor()).await.expect("saved");
            let scope = UnitCode::parse("T").expect("scope");
            let directory =
                UnitDirectory::new(store.list_units().await.expect("units"), &scope).expect("dir");
            let r = import::read_plan(
                &plan_file,
                &directory,
                PlanYear::new(2026).expect("year"),
                MAX,
            );
            assert!(r.problems.is_empty(), "{backend}: {:?}", r.problems);
            let t = &r.tasks[0];
            assert_eq!(
                (t.code.as_deref(), t.text.as_str()),
                (Some("1"), "Công khai thủ tục")
            );
            assert_eq!(leads(t), set(&["STP"]));
            assert_eq!(implementing(t), set(&["XA1", "XA2"]));
            assert_eq!(t.due_date, date(2026, 6, 30));
        }
    })
    .await;
}

/// A workbook whose first sheet is the empty template and whose second holds the plan: the
/// plan is read; a workbook with only the template is refused at its header row.
#[tokio::test]
async fn an_empty_template_sheet_before_the_plan_is_passed_over() {
    let dir = tempfile::tempdir().expect("dir");
    let header = [
        "STT",
        "Nhiệm vụ trọng tâm",
        "Đơn vị chủ trì theo dõi",
        "Đơn vị thực hiện",
        "Thời gian thực hiện",
    ];
    let task = [
        "1",
        "Công khai thủ tục",
        "Sở Tư pháp",
        "UBND xã Một",
        "Quý II/2026",
    ];
    let write = |name: &str, sheets: &[&[&[&str]]]| {
        let path = dir.path().join(name);
        let mut book = rust_xlsxwriter::Workbook::new();
        for rows in sheets {
            let sheet = book.add_worksheet();
            for (r, row) in rows.iter().enumerate() {
                for (c, value) in row.iter().enumerate() {
                    sheet
                        .write_string(r as u32, c as u16, *value)
                        .expect("cell");
                }
            }
        }
        book.save(&path).expect("xlsx saved");
        path
    };
    let template_first = write("mau_truoc.xlsx", &[&[&header], &[&header, &task]]);
    let template_only = write("chi_mau.xlsx", &[&[&["Kế hoạch năm 2026"], &header]]);
    on_each_backend(|store, _clock, backend| {
        let (template_first, template_only) = (template_first.clone(), template_only.clone());
        async move {
            let units = [
                ("T", "UBND tỉnh Mẫu", UnitKind::Province, None),
                ("STP", "Sở Tư pháp", UnitKind::Department, Some("T")),
                ("XA1", "UBND xã Một", UnitKind::Commune, Some("T")),
            ]
            .map(|(code, name, kind, parent)| dondoc::domain::unit::NewUnit {
                code: UnitCode::parse(code).expect("code"),
                name: name.into(),
                kind,
                parent: parent.map(|p| UnitCode::parse(p).expect("code")),
                aliases: vec![],
            });
            store.upsert_units(&units, &actor()).await.expect("saved");
            let scope = UnitCode::parse("T").expect("scope");
            let directory =
                UnitDirectory::new(store.list_units().await.expect("units"), &scope).expect("dir");
            let year = PlanYear::new(2026).expect("year");
            let read = import::read_plan(&template_first, &directory, year, MAX);
            assert!(read.problems.is_empty(), "{backend}: {:?}", read.problems);
            assert_eq!(read.tasks.len(), 1);
            assert_eq!(implementing(&read.tasks[0]), set(&["XA1"]));
            let refused = import::read_plan(&template_only, &directory, year, MAX);
            assert!(refused.tasks.is_empty());
            assert_eq!(
                refused
                    .problems
                    .iter()
                    .map(|p| (p.row, p.kind.clone()))
                    .collect::<Vec<_>>(),
                [(Some(2), ProblemKind::NoTasks)],
                "{backend}"
            );
        }
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Issue 13: never silently wrong.

/// Seed 001's registry without the aliases that papered over shared head nouns ("Công an cấp
/// huyện, cấp xã" on both police units, "UBND cấp huyện, xã" on every district and commune,
/// "Đài … tỉnh, huyện" on both stations); the districts' station gets the one alias a registry
/// needs, "Đài PTTH huyện".
fn seed001_units_without_workarounds() -> Vec<dondoc::domain::unit::NewUnit> {
    let mut units =
        import::read_units(&fixture("seed001_units.csv"), &[], MAX).expect("registry reads");
    for unit in &mut units {
        unit.aliases.retain(|a| !a.contains(", "));
        if unit.code.as_str() == "DN-DTTTH-HUYEN" {
            unit.aliases.push("Đài PTTH huyện".into());
        }
    }
    units
}

fn directory_of(units: Vec<dondoc::domain::unit::Unit>, scope: &str) -> UnitDirectory {
    UnitDirectory::new(units, &UnitCode::parse(scope).expect("scope")).expect("scope exists")
}

/// Point 1 on seed 001: every phrase with a shared head noun reads as with the workaround
/// aliases, task by task; without "Công an cấp xã" in the registry the phrase is a problem
/// naming both readings, not the communes' People's Committees.
#[tokio::test]
async fn shared_head_nouns_distribute_over_levels_in_seed_001() {
    on_each_backend(|store, _clock, backend| async move {
        registry(&store, "seed001_units.csv").await;
        let with_workarounds = read(&store, "DAKNONG", 2020, "seed001_plan.tsv").await;
        store
            .upsert_units(&seed001_units_without_workarounds(), &actor())
            .await
            .expect("registry saved");
        let units = store.list_units().await.expect("units");
        assert!(
            units
                .iter()
                .all(|u| u.aliases.iter().all(|a| !a.contains(", "))),
            "{backend}: the workaround aliases are gone"
        );
        let directory = directory_of(units.clone(), "DAKNONG");
        let year = PlanYear::new(2020).expect("year");
        let r = import::read_plan(&fixture("seed001_plan.tsv"), &directory, year, MAX);
        assert!(r.problems.is_empty(), "{backend}: {:?}", r.problems);
        let sets = |r: &PlanReading| -> Vec<_> {
            r.tasks
                .iter()
                .map(|t| (leads(t), implementing(t)))
                .collect()
        };
        assert_eq!(sets(&r), sets(&with_workarounds), "{backend}");

        let police = r
            .tasks
            .iter()
            .find(|t| t.text.contains("phòng, chống tội phạm"))
            .expect("the police task");
        assert_eq!(
            implementing(police),
            set(&["DN-CA-HUYEN", "DN-CA-XA"]),
            "{backend}"
        );
        let districts = kinds(&store, &[UnitKind::District]).await;
        let communes = kinds(&store, &[UnitKind::Commune]).await;
        let with_text = |needle: &str| {
            r.tasks
                .iter()
                .find(|t| t.text.contains(needle))
                .unwrap_or_else(|| panic!("a task with {needle:?}"))
        };
        // "Đài PT&TH tỉnh, huyện", "Đài PTTH tỉnh, huyện", "Đài Phát thanh và Truyền hình tỉnh, huyện".
        for task in [
            with_text("Nghị định số 90/2013"),
            with_text("các văn bản có liên quan về phòng, chống tham nhũng"),
            with_text("1.2 Tuyên truyền về giám sát"),
        ] {
            let got = implementing(task);
            assert!(
                got.contains("DN-DPTTH") && got.contains("DN-DTTTH-HUYEN"),
                "{backend}: both stations for {:?}",
                task.text
            );
        }
        let insurance = r
            .tasks
            .iter()
            .find(|t| t.text.contains("bảo hiểm y tế"))
            .expect("the insurance task");
        assert!(
            implementing(insurance).is_superset(&union(&districts, &communes)),
            "{backend}: 'UBND cấp huyện, xã'"
        );

        // Without "Công an cấp xã" the old reading ("cấp xã" = the communes' People's
        // Committees) is one of two, and the import stops.
        let without: Vec<_> = units
            .into_iter()
            .filter(|u| u.code.as_str() != "DN-CA-XA")
            .collect();
        let r = import::read_plan(
            &fixture("seed001_plan.tsv"),
            &directory_of(without, "DAKNONG"),
            year,
            MAX,
        );
        assert_eq!(r.problems.len(), 1, "{backend}: {:?}", r.problems);
        assert_eq!(r.problems[0].row, Some(police.source_row));
        match &r.problems[0].kind {
            ProblemKind::Ambiguous {
                column: Column::Implementing,
                text,
                readings,
            } => {
                assert_eq!(text, "Công an cấp huyện, cấp xã");
                assert_eq!(readings[0], "«Công an cấp xã» ?");
                assert!(readings[1].starts_with("«cấp xã» = "), "{readings:?}");
            }
            other => panic!("{backend}: {other:?}"),
        }
    })
    .await;
}

/// Also: the department groups include the Sở Nội vụ by default, and leave it out by choice.
#[tokio::test]
async fn department_groups_include_the_coordinating_office_by_choice() {
    on_each_backend(|store, _clock, backend| async move {
        registry(&store, "seed001_units.csv").await;
        let units = store.list_units().await.expect("units");
        let year = PlanYear::new(2020).expect("year");
        let file = fixture("seed001_plan.tsv");
        let with = import::read_plan(&file, &directory_of(units.clone(), "DAKNONG"), year, MAX);
        let without = import::read_plan(
            &file,
            &directory_of(units, "DAKNONG").with_departments_including_coordinating_office(false),
            year,
            MAX,
        );
        // "Các Sở, Ban, ngành; UBND cấp huyện, cấp xã; …"
        let task = |r: &PlanReading| {
            implementing(
                r.tasks
                    .iter()
                    .find(|t| t.text.contains("Nghị định số 90/2013"))
                    .expect("the task"),
            )
        };
        assert!(task(&with).contains("SNV"), "{backend}");
        assert!(task(&with).contains("DN-STP"), "{backend}");
        assert!(!task(&without).contains("SNV"), "{backend}");
        assert!(task(&without).contains("DN-STP"), "{backend}");
    })
    .await;
}

/// Point 3 on seed 004: read as a 2024 plan, each timeframe dated 2023 is a problem at its row
/// unless other years are allowed.
#[tokio::test]
async fn timeframes_in_another_year_are_problems_at_their_rows() {
    on_each_backend(|store, _clock, backend| async move {
        registry(&store, "seed004_units.csv").await;
        let units = store.list_units().await.expect("units");
        let directory = directory_of(units, "HAGIANG");
        let options = import::PlanOptions::new(PlanYear::new(2024).expect("year"));
        let file = fixture("seed004_plan.tsv");
        let r = import::read_plan_with(&file, &directory, options, MAX);
        assert!(r.tasks.len() < 40, "{backend}: dated tasks held back");
        let rows: Vec<usize> = r
            .problems
            .iter()
            .map(|p| match &p.kind {
                ProblemKind::OtherYear {
                    year: 2023,
                    plan_year: 2024,
                    ..
                } => p.row.expect("a row"),
                other => panic!("{backend}: {other:?}"),
            })
            .collect();
        assert!(
            rows.contains(&7) && rows.contains(&23),
            "{backend}: {rows:?}"
        );
        let allowed = import::PlanOptions {
            allow_other_years: true,
            ..options
        };
        let r = import::read_plan_with(&file, &directory, allowed, MAX);
        assert!(r.problems.is_empty(), "{backend}: {:?}", r.problems);
        assert_eq!(at_row(&r, 7).due_date, date(2023, 12, 31));
        // The plan's own year: no problem.
        let r = read(&store, "HAGIANG", 2023, "seed004_plan.tsv").await;
        assert!(r.problems.is_empty(), "{backend}");
    })
    .await;
}

const MERGED_HEADER: [&str; 5] = [
    "STT",
    "Nhiệm vụ trọng tâm",
    "Đơn vị chủ trì",
    "Đơn vị thực hiện",
    "Thời gian thực hiện",
];

/// In [`MERGED_ROWS`]: the header row repeated at the top of a new page.
const PAGE_BREAK: &str = "(page)";

/// A plan whose dimension rows are one cell merged across the table: (TT cell, merged text);
/// an empty TT cell means the merge starts in the TT column.
const MERGED_ROWS: &[(&str, &str)] = &[
    ("", "I. Chỉ số: Tham gia của người dân ở cấp cơ sở"),
    ("1", "Tuyên truyền pháp luật"),
    ("2", "Bầu cử trưởng thôn"),
    ("", "II. CÔNG KHAI, MINH BẠCH"),
    ("1", "Công khai ngân sách"),
    // A page break: the header repeated, then the merged dimension row first on the page.
    (PAGE_BREAK, ""),
    ("III", "Chỉ số: Trách nhiệm giải trình với người dân"),
    ("1", "Tiếp công dân"),
    (PAGE_BREAK, ""),
    ("", "Chỉ số: Kiểm soát tham nhũng"),
    ("1", "Kê khai tài sản"),
];

fn write_merged_xlsx(path: &std::path::Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let plain = rust_xlsxwriter::Format::new();
    sheet
        .merge_range(0, 0, 0, 4, "KẾ HOẠCH NĂM 2026", &plain)
        .expect("title");
    for (c, h) in MERGED_HEADER.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).expect("header");
    }
    for (i, (tt, text)) in MERGED_ROWS.iter().enumerate() {
        let r = i as u32 + 2;
        let is_task = tt.chars().all(|c| c.is_ascii_digit()) && !tt.is_empty();
        if *tt == PAGE_BREAK {
            for (c, h) in MERGED_HEADER.iter().enumerate() {
                sheet.write_string(r, c as u16, *h).expect("header");
            }
        } else if is_task {
            let cells = [
                *tt,
                *text,
                "Phòng Văn hóa – Thông tin",
                "UBND xã, Phường",
                "Quý II/2026",
            ];
            for (c, v) in cells.iter().enumerate() {
                sheet.write_string(r, c as u16, *v).expect("cell");
            }
        } else if tt.is_empty() {
            sheet.merge_range(r, 0, r, 4, text, &plain).expect("merge");
        } else {
            sheet.write_string(r, 0, *tt).expect("cell");
            sheet.merge_range(r, 1, r, 4, text, &plain).expect("merge");
        }
    }
    book.save(path).expect("xlsx saved");
}

fn write_merged_docx(path: &std::path::Path) {
    use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};
    let cell = |text: &str| {
        TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(text)))
    };
    let mut rows = vec![TableRow::new(
        MERGED_HEADER.iter().map(|h| cell(h)).collect(),
    )];
    for (tt, text) in MERGED_ROWS {
        let is_task = tt.chars().all(|c| c.is_ascii_digit()) && !tt.is_empty();
        rows.push(TableRow::new(if *tt == PAGE_BREAK {
            MERGED_HEADER.iter().map(|h| cell(h)).collect()
        } else if is_task {
            [
                *tt,
                *text,
                "Phòng Văn hóa – Thông tin",
                "UBND xã, Phường",
                "Quý II/2026",
            ]
            .iter()
            .map(|v| cell(v))
            .collect()
        } else if tt.is_empty() {
            vec![cell(text).grid_span(5)]
        } else {
            vec![cell(tt), cell(text).grid_span(4)]
        }));
    }
    let file = std::fs::File::create(path).expect("docx file");
    Docx::new()
        .add_table(Table::new(rows))
        .build()
        .pack(file)
        .expect("docx saved");
}

/// Point 4: merged dimension rows (numeral inside the merge or in the TT column, with or
/// without "Chỉ số:") in XLSX and DOCX, and as Excel exports them to CSV.
#[tokio::test]
async fn dimension_rows_merged_across_the_table_are_dimensions() {
    let dir = tempfile::tempdir().expect("dir");
    let xlsx = dir.path().join("ke_hoach.xlsx");
    let docx = dir.path().join("ke_hoach.docx");
    let csv = dir.path().join("ke_hoach.csv");
    write_merged_xlsx(&xlsx);
    write_merged_docx(&docx);
    let mut text = format!("{}\n", MERGED_HEADER.join(","));
    for (tt, task) in MERGED_ROWS {
        let is_task = tt.chars().all(|c| c.is_ascii_digit()) && !tt.is_empty();
        text.push_str(&if *tt == PAGE_BREAK {
            format!("{}\n", MERGED_HEADER.join(","))
        } else if is_task {
            format!("{tt},{task},Phòng Văn hóa – Thông tin,\"UBND xã, Phường\",Quý II/2026\n")
        } else if tt.is_empty() {
            // Merged from the second column, the TT cell left empty.
            format!(",\"{task}\",,,\n")
        } else {
            format!("{tt},\"{task}\",,,\n")
        });
    }
    std::fs::write(&csv, text).expect("csv");
    on_each_backend(|store, _clock, backend| {
        let files = [xlsx.clone(), docx.clone(), csv.clone()];
        async move {
            registry(&store, "seed004_units.csv").await;
            let directory = directory_of(store.list_units().await.expect("units"), "HAGIANG");
            let year = PlanYear::new(2026).expect("year");
            for file in &files {
                let r = import::read_plan(file, &directory, year, MAX);
                assert!(
                    r.problems.is_empty(),
                    "{backend} {file:?}: {:?}",
                    r.problems
                );
                let got: Vec<(String, String, String)> = r
                    .tasks
                    .iter()
                    .map(|t| {
                        let d = t.dimension.clone().unwrap_or_default();
                        (d.code, d.title, t.code.clone().unwrap_or_default())
                    })
                    .collect();
                let want = [
                    ("I", "Tham gia của người dân ở cấp cơ sở", "1"),
                    ("I", "Tham gia của người dân ở cấp cơ sở", "2"),
                    ("II", "CÔNG KHAI, MINH BẠCH", "1"),
                    ("III", "Trách nhiệm giải trình với người dân", "1"),
                    ("", "Kiểm soát tham nhũng", "1"),
                ]
                .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
                assert_eq!(got, want, "{backend} {file:?}");
                assert_eq!(r.tasks[2].text, "Công khai ngân sách");
                assert_eq!(
                    implementing(&r.tasks[0]).len(),
                    8,
                    "{backend}: the communes"
                );
            }
        }
    })
    .await;
}

/// Point 5: a CSV saved with CRLF line ends names the same lines as with LF, the lines an
/// editor shows: the header where "STT" is, the problem where the cut-off lead is.
#[tokio::test]
async fn crlf_files_name_the_lines_a_person_finds() {
    let dir = tempfile::tempdir().expect("dir");
    let lf = std::fs::read_to_string(fixture("seed001_plan_as_published.tsv")).expect("fixture");
    assert!(!lf.contains('\r'));
    let crlf_file = dir.path().join("ke_hoach_windows.tsv");
    std::fs::write(&crlf_file, lf.replace('\n', "\r\n")).expect("crlf");
    let header_line = lf
        .lines()
        .position(|l| l.starts_with("STT\t") || l.starts_with("TT\t"))
        .expect("a header line")
        + 1;
    on_each_backend(|store, _clock, backend| {
        let crlf_file = crlf_file.clone();
        async move {
            registry(&store, "seed001_units.csv").await;
            let unix = read(&store, "DAKNONG", 2020, "seed001_plan_as_published.tsv").await;
            let directory = directory_of(store.list_units().await.expect("units"), "DAKNONG");
            let windows = import::read_plan(
                &crlf_file,
                &directory,
                PlanYear::new(2020).expect("year"),
                MAX,
            );
            assert_eq!(unix.header_row, header_line, "{backend}");
            assert_eq!(windows.header_row, header_line, "{backend}");
            assert_eq!(windows.problems, unix.problems, "{backend}");
            let rows = |r: &PlanReading| r.tasks.iter().map(|t| t.source_row).collect::<Vec<_>>();
            assert_eq!(rows(&windows), rows(&unix), "{backend}");
            // The problem's line holds the cut-off lead "UBND cấp".
            let line = windows.problems[0].row.expect("a row");
            let text = std::fs::read_to_string(&crlf_file).expect("read");
            let lines: Vec<&str> = text.split("\r\n").collect();
            assert!(
                lines[line - 1..]
                    .iter()
                    .take(3)
                    .any(|l| l.contains("\tUBND cấp\t")),
                "{backend}: line {line}"
            );
        }
    })
    .await;
}

/// `dondoc plan import` with `args` after the file, code, title, year and scope of seed 001.
fn import_seed001(
    db: &support::TestDb,
    file: &std::path::Path,
    extra: &[&str],
) -> std::process::Output {
    let file = file.display().to_string();
    let mut args = vec![
        "plan",
        "import",
        &file,
        "--code",
        "DN-2020",
        "--title",
        "PAPI 2020",
        "--year",
        "2020",
        "--scope",
        "DAKNONG",
    ];
    args.extend_from_slice(extra);
    db.dondoc(&args)
}

/// Seed 001's plan with the lines of `drop` (1-based, end excluded) left out, or only the
/// lines before `keep_before`.
fn seed001_without(
    dir: &std::path::Path,
    name: &str,
    lines: impl Fn(usize) -> bool,
) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixture("seed001_plan.tsv")).expect("fixture");
    let kept: Vec<&str> = text
        .split('\n')
        .enumerate()
        .filter(|(i, _)| lines(i + 1))
        .map(|(_, l)| l)
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, kept.join("\n")).expect("written");
    path
}

/// Point 2 on seed 001 (numbers restart in every dimension), through the command line: one
/// task of dimension II deleted, `--replace --dry-run` shows the diff, `--replace` retires
/// exactly that task and every other task (III.1 above all) keeps its id, status and history;
/// a file that would retire most of the plan needs `--yes`.
#[tokio::test]
async fn replace_keeps_each_task_in_its_dimension() {
    let dir = tempfile::tempdir().expect("dir");
    for db in support::test_dbs().await {
        let name = db.name;
        let units = db.dondoc(&[
            "units",
            "import",
            &fixture("seed001_units.csv").display().to_string(),
        ]);
        assert!(
            units.status.success(),
            "{name}: {}",
            support::stderr(&units)
        );
        let first = import_seed001(&db, &fixture("seed001_plan.tsv"), &[]);
        assert!(
            first.status.success(),
            "{name}: {}",
            support::stderr(&first)
        );
        assert!(
            support::stdout(&first).contains("gồm cả Sở Nội vụ"),
            "{name}: the departments choice is stated"
        );

        let store = db.store(support::clock()).await;
        let plan = store
            .require_plan(&dondoc::domain::PlanCode::parse("DN-2020").expect("code"))
            .await
            .expect("plan");
        let before = store.plan_tasks(plan.id).await.expect("tasks");
        let find = |tasks: &[dondoc::store::TaskView], d: &str, c: &str| {
            tasks
                .iter()
                .find(|t| t.dimension_code.as_deref() == Some(d) && t.code.as_deref() == Some(c))
                .cloned()
                .unwrap_or_else(|| panic!("{name}: no task {d}.{c}"))
        };
        let (ii1, ii2, iii1) = (
            find(&before, "II", "1"),
            find(&before, "II", "2"),
            find(&before, "III", "1"),
        );
        let assignment = iii1.assignments[0].id;
        store
            .record_status_update(
                dondoc::domain::AssignmentId(assignment),
                dondoc::domain::AssignmentStatus::InProgress,
                "Đã tuyên truyền",
                None,
                &actor(),
            )
            .await
            .expect("status");

        // II.1 deleted from the document.
        let (from, to) = (ii1.source_row as usize, ii2.source_row as usize);
        let edited = seed001_without(dir.path(), &format!("{name}_bo_II1.tsv"), |l| {
            l < from || l >= to
        });
        let dry = import_seed001(&db, &edited, &["--replace", "--dry-run"]);
        let printed = support::stdout(&dry);
        assert!(dry.status.success(), "{name}: {}", support::stderr(&dry));
        assert!(
            printed.contains("40 giữ nguyên, 0 thay đổi, 0 theo dõi lại, 0 mới, 1 thôi theo dõi"),
            "{name}: {printed}"
        );
        assert!(printed.contains("  - II.1 "), "{name}: {printed}");
        assert!(!printed.contains("--yes"), "{name}: {printed}");
        assert_eq!(
            store.plan_tasks(plan.id).await.expect("tasks").len(),
            41,
            "{name}: dry"
        );

        let replaced = import_seed001(&db, &edited, &["--replace"]);
        assert!(
            replaced.status.success(),
            "{name}: {}",
            support::stderr(&replaced)
        );
        let after = store.plan_tasks(plan.id).await.expect("tasks");
        assert_eq!(after.len(), 40, "{name}");
        assert!(after.iter().all(|t| t.id != ii1.id), "{name}: II.1 retired");
        for task in &before {
            if task.id == ii1.id {
                continue;
            }
            let (d, c) = (
                task.dimension_code.as_deref().unwrap_or(""),
                task.code.as_deref().unwrap_or(""),
            );
            let now = find(&after, d, c);
            assert_eq!(
                (now.id, &now.text),
                (task.id, &task.text),
                "{name}: {d}.{c}"
            );
        }
        let iii1_now = find(&after, "III", "1");
        let kept = iii1_now
            .assignments
            .iter()
            .find(|a| a.id == assignment)
            .expect("same assignment");
        assert_eq!(
            kept.status,
            dondoc::domain::AssignmentStatus::InProgress,
            "{name}"
        );
        let history = store
            .status_history(dondoc::domain::AssignmentId(assignment))
            .await
            .expect("history");
        assert_eq!(history[0].note, "Đã tuyên truyền", "{name}");

        // III.1 reworded: shown as changed (old → new), still the same task.
        let first_line = iii1.text.lines().next().expect("text").to_string();
        let reworded_text = std::fs::read_to_string(&edited).expect("edited").replacen(
            &first_line,
            &format!("{first_line} (sửa đổi)"),
            1,
        );
        let reworded = dir.path().join(format!("{name}_sua_III1.tsv"));
        std::fs::write(&reworded, reworded_text).expect("written");
        let dry = import_seed001(&db, &reworded, &["--replace", "--dry-run"]);
        let printed = support::stdout(&dry);
        assert!(
            printed.contains("39 giữ nguyên, 1 thay đổi, 0 theo dõi lại, 0 mới, 0 thôi theo dõi"),
            "{name}: {printed}"
        );
        assert!(printed.contains("  ~ III.1 "), "{name}: {printed}");
        assert!(printed.contains("    → III.1 "), "{name}: {printed}");

        // Only dimensions I and II (8 of 41 tasks): most of the plan would be retired.
        let first_iii = iii1.source_row as usize;
        let short = seed001_without(dir.path(), &format!("{name}_ngan.tsv"), |l| l < first_iii);
        let dry = import_seed001(&db, &short, &["--replace", "--dry-run"]);
        assert!(dry.status.success(), "{name}");
        assert!(
            support::stdout(&dry).contains("--yes"),
            "{name}: {}",
            support::stdout(&dry)
        );
        let refused = import_seed001(&db, &short, &["--replace"]);
        assert!(!refused.status.success(), "{name}: refused without --yes");
        assert!(support::stderr(&refused).contains("--yes"), "{name}");
        assert_eq!(
            store.plan_tasks(plan.id).await.expect("tasks").len(),
            40,
            "{name}: unchanged"
        );
        let confirmed = import_seed001(&db, &short, &["--replace", "--yes"]);
        assert!(
            confirmed.status.success(),
            "{name}: {}",
            support::stderr(&confirmed)
        );
        // I.1 and II.1 to II.7: II.1 comes back with its history.
        assert_eq!(
            store.plan_tasks(plan.id).await.expect("tasks").len(),
            8,
            "{name}"
        );
        store.close().await;
        db.finish().await;
    }
}

/// Point 6 on seed 004: a unit text not found names the closest registry spelling, and
/// `--suggest-aliases` writes a patch that `units import` takes, after which the plan reads.
#[tokio::test]
async fn unknown_units_suggest_names_and_a_patch_to_import() {
    let dir = tempfile::tempdir().expect("dir");
    for db in support::test_dbs().await {
        let name = db.name;
        let units = db.dondoc(&[
            "units",
            "import",
            &fixture("seed004_units.csv").display().to_string(),
        ]);
        assert!(units.status.success(), "{name}");
        let plan = dir.path().join(format!("{name}_plan.csv"));
        std::fs::write(
            &plan,
            "STT,Nhiệm vụ,Đơn vị chủ trì,Đơn vị thực hiện,Thời gian thực hiện\n\
             1,Giám sát đầu tư cộng đồng,Ủy ban MTTQ Việt Nam thành phố,\"UBND xã, Phường\",Quý II/2026\n\
             2,Lấy ý kiến người dân,UBMTTQ VN thành phố,UBND 3 xã,Quý III/2026\n\
             3,Hỗ trợ nông dân,Hội Nông dân thành phố,UBND 3 xã,Quý III/2026\n",
        )
        .expect("plan");
        let patch = dir.path().join(format!("{name}_patch.csv"));
        let (plan_arg, patch_arg) = (plan.display().to_string(), patch.display().to_string());
        let args = [
            "plan",
            "import",
            plan_arg.as_str(),
            "--code",
            "HG",
            "--title",
            "PAPI",
            "--year",
            "2026",
            "--scope",
            "HAGIANG",
            "--dry-run",
        ];
        let mut with_patch = args.to_vec();
        with_patch.extend(["--suggest-aliases", patch_arg.as_str()]);
        let dry = db.dondoc(&with_patch);
        assert!(!dry.status.success(), "{name}: problems remain");
        let errors = support::stderr(&dry);
        assert!(
            errors.contains("dòng 2:") || errors.contains("Dòng 2"),
            "{name}: {errors}"
        );
        assert!(
            errors.contains(
                "có phải «Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Hà Giang» (HG-MTTQ)"
            ),
            "{name}: {errors}"
        );
        assert!(
            errors.contains("có phải «UBMTTQVN thành phố» (HG-MTTQ)"),
            "{name}: {errors}"
        );
        assert!(
            errors.contains("Dòng 4: không có đơn vị nào gần với \"Hội Nông dân thành phố\""),
            "{name}: {errors}"
        );
        let written = std::fs::read_to_string(&patch).expect("patch written");
        let lines: Vec<&str> = written.lines().collect();
        assert_eq!(lines.len(), 2, "{name}: one unit, {written}");
        assert!(lines[1].starts_with("HG-MTTQ,"), "{name}: {written}");
        assert!(
            lines[1].contains("Ủy ban MTTQ Việt Nam thành phố")
                && lines[1].contains("UBMTTQ VN thành phố"),
            "{name}: {written}"
        );
        let imported = db.dondoc(&["units", "import", &patch_arg]);
        assert!(
            imported.status.success(),
            "{name}: {}",
            support::stderr(&imported)
        );
        let again = db.dondoc(&args);
        let errors = support::stderr(&again);
        assert!(
            !errors.contains("MTTQ"),
            "{name}: the aliases work: {errors}"
        );
        assert!(
            errors.contains("Hội Nông dân thành phố"),
            "{name}: {errors}"
        );
        db.finish().await;
    }
}

/// Also: group phrases naming a subset are registry data, declared as aliases shared by
/// several units, as `examples/units.csv` does.
#[tokio::test]
async fn the_example_registry_declares_subset_groups_as_shared_aliases() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("dir");
    let plan = dir.path().join("plan.csv");
    std::fs::write(
        &plan,
        "STT,Nhiệm vụ,Đơn vị chủ trì,Đơn vị thực hiện,Thời gian thực hiện\n\
         1,Tuyên truyền,Sở Tư pháp,\"UBND 2 xã; Các cơ quan truyền thông, Công an xã, phường\",Quý II/2026\n\
         2,Phát sóng,Đài PTTH tỉnh,\"Công an tỉnh, cấp xã\",Quý II/2026\n",
    )
    .expect("plan");
    on_each_backend(|store, _clock, backend| {
        let (plan, registry) = (plan.clone(), root.join("examples/units.csv"));
        async move {
            let units = import::read_units(&registry, &[], MAX).expect("example registry");
            store.upsert_units(&units, &actor()).await.expect("saved");
            let directory = directory_of(store.list_units().await.expect("units"), "TINH");
            let r = import::read_plan(&plan, &directory, PlanYear::new(2026).expect("year"), MAX);
            assert!(r.problems.is_empty(), "{backend}: {:?}", r.problems);
            assert_eq!(
                implementing(&r.tasks[0]),
                set(&["XA-DONGTAM", "XA-HOABINH", "BAO", "DAI", "CA-XA"]),
                "{backend}: not the ward"
            );
            // "Công an tỉnh, cấp xã": the police at both levels, by the alias "Công an cấp xã".
            assert_eq!(
                implementing(&r.tasks[1]),
                set(&["CA", "CA-XA"]),
                "{backend}"
            );
        }
    })
    .await;
}
