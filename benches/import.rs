//! Wall time of importing a plan end to end: read the file → resolve its units → save it in
//! one transaction, on SQLite (a file in a temp dir) and, when `DONDOC_BENCH_POSTGRES_URL` is
//! set, on Postgres (a fresh schema `dondoc_bench_<pid>`, dropped at the end).
//!
//! Cases, per backend:
//! - `seed004`: `tests/fixtures/seed004_plan.tsv` (40 tasks) against `seed004_units.csv`,
//!   scope `HAGIANG`, year 2023; 10 imports, each a create under a new plan code.
//! - `units5k`: one `upsert_units` of a generated 5,000-unit registry (a province, 20
//!   departments, 60 districts, 4,919 communes, each with one alias).
//! - `plan10k`: a generated XLSX plan of 10,000 tasks under 8 dimensions against that registry,
//!   scope the province, year 2026; 3 creates, then one `SaveMode::Replace` re-import of the
//!   same file over the last of them (every task kept).
//!
//! The seed-004 runs come first, so their directory holds only the seed-004 registry; the
//! 5,000 units are loaded after them into the same database.
//!
//! Each import is the CLI's path without the printing, in four timed phases: `registry`
//! (`list_units` + `UnitDirectory::new`), `read` (`table::read_tables`: the file into rows),
//! `resolve` (`read_plan_tables`: rows into tasks, unit cells into units) and `save`
//! (`save_plan`); `read_plan` is exactly `read_tables` then `read_plan_tables`. The `split`
//! line prints their medians, "read+resolve" being everything before the save. The `rows`
//! line counts the plan's tasks, leads and assignments. The `floor` line times 2,000 trivial
//! `SELECT $1` on one connection inside a transaction: the price of one statement round trip,
//! for whatever `save_plan` still sends one row at a time. The bench does not count
//! statements: that would have to mirror the store and would go stale with it. Generating
//! the registry and the XLSX file is timed and printed apart, never inside an import.
//!
//! ```text
//! cargo bench --bench import
//! DONDOC_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench import
//! ```

mod common;
use common::Db;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dondoc::config::ImportConfig;
use dondoc::domain::calendar::{default_templates, periods_for_year};
use dondoc::domain::plan::{NewPlan, NewTask};
use dondoc::domain::unit::NewUnit;
use dondoc::domain::{Actor, PlanCode, PlanYear, UnitCode, UnitKind};
use dondoc::import::{self, UnitDirectory};
use dondoc::store::{SaveMode, Store};
use rust_xlsxwriter::Workbook;
use secrecy::ExposeSecret;
use sqlx::Connection;

const POSTGRES_ENV: &str = "DONDOC_BENCH_POSTGRES_URL";

const SEED004_RUNS: usize = 10;
const PLAN10K_RUNS: usize = 3;
const FLOOR_STATEMENTS: usize = 2_000;

const UNITS: usize = 5_000;
const DEPARTMENTS: usize = 20;
const DISTRICTS: usize = 60;
const TASKS_PER_DIMENSION: usize = 1_250;
const PLAN10K_YEAR: i32 = 2026;

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime for the bench");
    runtime.block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().expect("a temp dir for the generated files");
    let generated = generate(dir.path());

    run_backend(Db::sqlite(dir.path(), "bench.db"), &generated).await;
    match std::env::var(POSTGRES_ENV) {
        Ok(url) => {
            run_backend(
                Db::postgres(&url, format!("dondoc_bench_{}", std::process::id())),
                &generated,
            )
            .await
        }
        Err(_) => println!("postgres skipped: set {POSTGRES_ENV} to run it"),
    }
}

// ---------------------------------------------------------------------------------------------
// The cases

/// A plan file to import and what it must give.
struct Case {
    name: &'static str,
    file: PathBuf,
    scope: UnitCode,
    year: PlanYear,
    tasks: usize,
}

/// How many tasks, leads and assignments one import read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    tasks: usize,
    leads: usize,
    assignments: usize,
}

impl Counts {
    fn of(tasks: &[NewTask]) -> Counts {
        Counts {
            tasks: tasks.len(),
            leads: tasks.iter().map(|t| t.lead_units.len()).sum(),
            assignments: tasks.iter().map(|t| t.implementing_units.len()).sum(),
        }
    }
}

/// One import's phases.
#[derive(Debug, Clone, Copy)]
struct Timing {
    registry: Duration,
    read: Duration,
    resolve: Duration,
    save: Duration,
}

impl Timing {
    fn total(&self) -> Duration {
        self.registry + self.read + self.resolve + self.save
    }
}

async fn run_backend(db: Db, generated: &Generated) {
    let store = db.open().await;
    let b = db.name;
    print_floor(&db).await;

    let seed004 = Case {
        name: "seed004",
        file: fixture("seed004_plan.tsv"),
        scope: UnitCode::parse("HAGIANG").expect("scope code"),
        year: PlanYear::new(2023).expect("year"),
        tasks: 40,
    };
    let units = import::read_units(&fixture("seed004_units.csv"), &[], max_file_bytes())
        .expect("the seed-004 registry reads");
    upsert(&store, &units).await;
    run_creates(&store, b, &seed004, SEED004_RUNS).await;

    let started = Instant::now();
    upsert(&store, &generated.units).await;
    println!(
        "{b:<8} {:<8} upsert  {}  ({} units, one transaction, n=1)",
        "units5k",
        ms(started.elapsed()),
        generated.units.len()
    );

    let plan10k = Case {
        name: "plan10k",
        file: generated.plan.clone(),
        scope: generated.scope.clone(),
        year: PlanYear::new(PLAN10K_YEAR).expect("year"),
        tasks: 8 * TASKS_PER_DIMENSION,
    };
    let last_code = run_creates(&store, b, &plan10k, PLAN10K_RUNS).await;
    run_replace(&store, b, &plan10k, &last_code).await;

    store.close().await;
    db.finish().await;
}

/// `runs` imports of `case`, each under a new code; prints min/median and the split.
/// Returns the last plan code.
async fn run_creates(store: &Store, backend: &str, case: &Case, runs: usize) -> String {
    let mut timings = Vec::with_capacity(runs);
    let mut code = String::new();
    let mut counts = None;
    for run in 1..=runs {
        code = format!("BENCH-{}-{}-{run:02}", case.name, std::process::id());
        let (timing, c) = import_once(store, case, &code, SaveMode::CreateOnly).await;
        timings.push(timing);
        counts = Some(c);
    }
    let counts = counts.expect("at least one run");
    let c = case.name;
    let totals: Vec<Duration> = timings.iter().map(Timing::total).collect();
    println!(
        "{backend:<8} {c:<8} import  median {}  (min {}, n={runs})",
        ms(median(&totals)),
        ms(min(&totals))
    );
    print_split(backend, c, &timings);
    print_rows(backend, c, counts);
    code
}

/// One `SaveMode::Replace` import of `case` over the plan `code`: every task must be kept.
async fn run_replace(store: &Store, backend: &str, case: &Case, code: &str) {
    let (timing, counts) = import_once(store, case, code, SaveMode::Replace).await;
    let c = case.name;
    println!(
        "{backend:<8} {c:<8} replace {}  (all {} tasks kept, n=1)",
        ms(timing.total()),
        counts.tasks
    );
    print_split(backend, c, &[timing]);
    print_rows(backend, c, counts);
}

/// Reads, resolves and saves `case` as plan `code`, timing each phase.
async fn import_once(store: &Store, case: &Case, code: &str, mode: SaveMode) -> (Timing, Counts) {
    let started = Instant::now();
    let units = store.list_units().await.expect("list the registry");
    let directory = UnitDirectory::new(units, &case.scope).expect("the scope unit exists");
    let registry = started.elapsed();

    let started = Instant::now();
    let tables = import::table::read_tables(&case.file, max_file_bytes())
        .unwrap_or_else(|p| panic!("{}: the plan file reads: {p:?}", case.name));
    let read = started.elapsed();

    let started = Instant::now();
    let reading = import::read_plan_tables(&tables, &directory, case.year);
    let resolve = started.elapsed();
    assert!(
        reading.problems.is_empty(),
        "{}: {} problems, first: {:?}",
        case.name,
        reading.problems.len(),
        &reading.problems[..reading.problems.len().min(5)]
    );
    assert_eq!(reading.tasks.len(), case.tasks, "{}: task count", case.name);
    let counts = Counts::of(&reading.tasks);

    let plan = NewPlan {
        code: PlanCode::parse(code).expect("plan code"),
        title: format!("Benchmark {}", case.name),
        year: case.year,
        scope: case.scope.clone(),
        source: case.file.display().to_string(),
        tasks: reading.tasks,
    };
    let periods = periods_for_year(&default_templates(), case.year.value());
    let started = Instant::now();
    let saved = store
        .save_plan(&plan, &periods, mode, &Actor::new("bench"))
        .await
        .expect("save the plan");
    let save = started.elapsed();
    if mode == SaveMode::Replace {
        assert_eq!(
            (saved.tasks_kept, saved.tasks_added, saved.tasks_retired),
            (counts.tasks, 0, 0),
            "{}: a replace of the same file keeps every task",
            case.name
        );
    }
    (
        Timing {
            registry,
            read,
            resolve,
            save,
        },
        counts,
    )
}

async fn upsert(store: &Store, units: &[NewUnit]) {
    store
        .upsert_units(units, &Actor::new("bench"))
        .await
        .expect("save the registry");
}

fn print_split(backend: &str, case: &str, timings: &[Timing]) {
    let phase = |f: fn(&Timing) -> Duration| median(&timings.iter().map(f).collect::<Vec<_>>());
    println!(
        "{backend:<8} {case:<8} split   read+resolve {} (registry {} + read {} + resolve {}) \
         | save {}  (medians)",
        ms(phase(|t| t.registry + t.read + t.resolve)),
        ms(phase(|t| t.registry)),
        ms(phase(|t| t.read)),
        ms(phase(|t| t.resolve)),
        ms(phase(|t| t.save)),
    );
}

fn print_rows(backend: &str, case: &str, counts: Counts) {
    println!(
        "{backend:<8} {case:<8} rows    {} tasks, {} leads, {} assignments",
        counts.tasks, counts.leads, counts.assignments
    );
}

// ---------------------------------------------------------------------------------------------
// Backends

/// Times [`FLOOR_STATEMENTS`] trivial statements on one connection in one transaction.
async fn print_floor(db: &Db) {
    let elapsed = match &db.postgres {
        Some((url, _)) => {
            let mut conn = sqlx::PgConnection::connect(url)
                .await
                .expect("a Postgres connection for the floor");
            floor_postgres(&mut conn).await
        }
        None => {
            let url = db.config.url.expose_secret().to_string();
            let mut conn = sqlx::SqliteConnection::connect(&url)
                .await
                .expect("a SQLite connection for the floor");
            floor_sqlite(&mut conn).await
        }
    };
    let each = elapsed.as_secs_f64() * 1e6 / FLOOR_STATEMENTS as f64;
    println!(
        "{:<8} {:<8} select  {each:.1} µs per statement  \
         ({FLOOR_STATEMENTS} × SELECT $1, one connection)",
        db.name, "floor"
    );
}

async fn floor_postgres(conn: &mut sqlx::PgConnection) -> Duration {
    let mut tx = conn.begin().await.expect("begin");
    let started = Instant::now();
    for i in 0..FLOOR_STATEMENTS as i64 {
        let _: i64 = sqlx::query_scalar("SELECT $1::int8")
            .bind(i)
            .fetch_one(&mut *tx)
            .await
            .expect("SELECT $1");
    }
    let elapsed = started.elapsed();
    tx.rollback().await.expect("rollback");
    elapsed
}

async fn floor_sqlite(conn: &mut sqlx::SqliteConnection) -> Duration {
    let mut tx = conn.begin().await.expect("begin");
    let started = Instant::now();
    for i in 0..FLOOR_STATEMENTS as i64 {
        let _: i64 = sqlx::query_scalar("SELECT $1")
            .bind(i)
            .fetch_one(&mut *tx)
            .await
            .expect("SELECT $1");
    }
    let elapsed = started.elapsed();
    tx.rollback().await.expect("rollback");
    elapsed
}

// ---------------------------------------------------------------------------------------------
// Generated registry and plan

struct Generated {
    units: Vec<NewUnit>,
    scope: UnitCode,
    plan: PathBuf,
}

/// Builds the 5,000-unit registry and writes the 10,000-task plan into `dir`, printing how
/// long each took (not part of any measured import).
fn generate(dir: &Path) -> Generated {
    let mut rng = Rng(0x2026_0530_dead_beef);
    let started = Instant::now();
    let units = registry();
    println!(
        "{:<8} {:<8} build   {}  ({} units in memory)",
        "generate",
        "units5k",
        ms(started.elapsed()),
        units.len()
    );

    let started = Instant::now();
    let rows = plan_rows(&units, &mut rng);
    let plan = dir.join("plan10k.xlsx");
    write_xlsx(&plan, &rows);
    let bytes = std::fs::metadata(&plan)
        .expect("the generated plan exists")
        .len();
    println!(
        "{:<8} {:<8} write   {}  ({} rows, {:.1} MB XLSX)",
        "generate",
        "plan10k",
        ms(started.elapsed()),
        rows.len(),
        bytes as f64 / 1e6
    );
    Generated {
        scope: units[0].code.clone(),
        units,
        plan,
    }
}

/// Where each kind of unit sits in the generated registry.
fn departments(units: &[NewUnit]) -> &[NewUnit] {
    &units[1..=DEPARTMENTS]
}

fn districts(units: &[NewUnit]) -> &[NewUnit] {
    &units[1 + DEPARTMENTS..1 + DEPARTMENTS + DISTRICTS]
}

fn communes(units: &[NewUnit]) -> &[NewUnit] {
    &units[1 + DEPARTMENTS + DISTRICTS..]
}

const DEPARTMENT_NAMES: [(&str, &str); DEPARTMENTS] = [
    ("Sở Nội vụ", "Sở NV"),
    ("Sở Tư pháp", "Sở TP"),
    ("Sở Tài chính", "Sở TC"),
    ("Sở Kế hoạch và Đầu tư", "Sở KH&ĐT"),
    ("Sở Tài nguyên và Môi trường", "Sở TN&MT"),
    ("Sở Xây dựng", "Sở XD"),
    ("Sở Giao thông vận tải", "Sở GTVT"),
    ("Sở Công Thương", "Sở CT"),
    ("Sở Nông nghiệp và Phát triển nông thôn", "Sở NN&PTNT"),
    ("Sở Y tế", "Sở YT"),
    ("Sở Giáo dục và Đào tạo", "Sở GD&ĐT"),
    ("Sở Lao động - Thương binh và Xã hội", "Sở LĐ-TB&XH"),
    ("Sở Văn hóa, Thể thao và Du lịch", "Sở VHTT&DL"),
    ("Sở Thông tin và Truyền thông", "Sở TT&TT"),
    ("Sở Khoa học và Công nghệ", "Sở KH&CN"),
    ("Thanh tra tỉnh", "TTr tỉnh"),
    ("Văn phòng UBND tỉnh", "VP UBND tỉnh"),
    ("Ban Dân tộc tỉnh", "BDT tỉnh"),
    ("Công an tỉnh", "CA tỉnh"),
    ("Bảo hiểm xã hội tỉnh", "BHXH tỉnh"),
];

const PLACE_FIRST: [&str; 12] = [
    "Tân", "Phú", "Vĩnh", "An", "Hòa", "Thạch", "Long", "Quang", "Bình", "Đông", "Tây", "Hưng",
];
const PLACE_SECOND: [&str; 10] = [
    "Sơn", "Hà", "Yên", "Lâm", "Thành", "Phong", "Mỹ", "Lộc", "Điền", "Thịnh",
];

/// "Tân Phú 123": a Vietnamese-looking place name made unique by its number.
fn place(n: usize) -> String {
    let first = PLACE_FIRST[n % PLACE_FIRST.len()];
    let second = PLACE_SECOND[(n / PLACE_FIRST.len()) % PLACE_SECOND.len()];
    format!("{first} {second} {n}")
}

fn unit(code: String, name: String, kind: UnitKind, parent: &UnitCode, alias: String) -> NewUnit {
    NewUnit {
        code: UnitCode::parse(&code).expect("generated unit code"),
        name,
        kind,
        parent: Some(parent.clone()),
        aliases: vec![alias],
    }
}

/// The province first, then its departments, districts, and communes spread over districts.
fn registry() -> Vec<NewUnit> {
    let province = UnitCode::parse("BA").expect("province code");
    let mut units = vec![NewUnit {
        code: province.clone(),
        name: "Tỉnh Bình An".into(),
        kind: UnitKind::Province,
        parent: None,
        aliases: vec!["UBND tỉnh Bình An".into()],
    }];
    for (i, (name, alias)) in DEPARTMENT_NAMES.iter().enumerate() {
        let kind = if i == 0 {
            UnitKind::CoordinatingOffice
        } else {
            UnitKind::Department
        };
        let code = format!("BA-S{:02}", i + 1);
        units.push(unit(
            code,
            name.to_string(),
            kind,
            &province,
            alias.to_string(),
        ));
    }
    let mut district_codes = Vec::with_capacity(DISTRICTS);
    for i in 1..=DISTRICTS {
        let (word, alias) = if i % 10 == 0 {
            ("thị xã", "Thị xã")
        } else {
            ("huyện", "Huyện")
        };
        let p = place(i);
        let code = format!("BA-H{i:02}");
        let name = format!("UBND {word} {p}");
        units.push(unit(
            code,
            name,
            UnitKind::District,
            &province,
            format!("{alias} {p}"),
        ));
        district_codes.push(units.last().expect("just pushed").code.clone());
    }
    for i in 1..=UNITS - units.len() {
        let (word, alias) = match i % 12 {
            0 => ("thị trấn", "Thị trấn"),
            5 | 9 => ("phường", "Phường"),
            _ => ("xã", "Xã"),
        };
        let p = place(i);
        let parent = &district_codes[i % DISTRICTS];
        let name = format!("UBND {word} {p}");
        let code = format!("BA-X{i:04}");
        units.push(unit(
            code,
            name,
            UnitKind::Commune,
            parent,
            format!("{alias} {p}"),
        ));
    }
    units
}

const DIMENSIONS: [&str; 8] = [
    "Tham gia của người dân ở cấp cơ sở",
    "Công khai, minh bạch trong việc ra quyết định",
    "Trách nhiệm giải trình với người dân",
    "Kiểm soát tham nhũng trong khu vực công",
    "Thủ tục hành chính công",
    "Cung ứng dịch vụ công",
    "Quản trị môi trường",
    "Quản trị điện tử",
];
const CRITERIA: [&str; 5] = [
    "Tri thức công dân",
    "Cơ hội tham gia",
    "Chất lượng bầu cử",
    "Đóng góp tự nguyện",
    "",
];
const VERBS: [&str; 8] = [
    "Tổ chức tuyên truyền, phổ biến",
    "Niêm yết công khai",
    "Rà soát, cập nhật và công bố",
    "Kiểm tra, giám sát việc thực hiện",
    "Tổ chức đối thoại với người dân về",
    "Nâng cao chất lượng",
    "Đẩy mạnh ứng dụng công nghệ thông tin trong",
    "Thực hiện nghiêm quy định về",
];
const OBJECTS: [&str; 8] = [
    "Luật Thực hiện dân chủ ở cơ sở",
    "các thủ tục hành chính thuộc thẩm quyền giải quyết",
    "quy hoạch, kế hoạch sử dụng đất và khung giá đất",
    "các khoản thu, chi ngân sách và đóng góp của nhân dân",
    "chính sách hỗ trợ hộ nghèo, hộ cận nghèo",
    "việc tiếp nhận, xử lý phản ánh, kiến nghị của người dân",
    "dịch vụ công trực tuyến toàn trình",
    "công tác thu gom, xử lý rác thải sinh hoạt",
];
const PLACES: [&str; 6] = [
    "đến người dân trên địa bàn",
    "tại trụ sở UBND và nhà văn hóa thôn, tổ dân phố",
    "qua hệ thống loa truyền thanh cơ sở",
    "gắn với việc cải thiện chỉ số PAPI năm 2026",
    "bảo đảm đúng quy định, kịp thời",
    "trên Cổng thông tin điện tử của tỉnh",
];
const TARGETS: [&str; 5] = [
    "100% xã, phường, thị trấn thực hiện",
    "Tăng ít nhất 5% so với năm 2025",
    "Trên 90% người dân hài lòng",
    "100% hồ sơ được giải quyết đúng hạn",
    "Không để xảy ra khiếu nại vượt cấp",
];
const TIMEFRAMES: [&str; 3] = ["Thường xuyên", "Quý III/2026", "Tháng 12 hàng năm"];
const GROUPS: [&str; 2] = ["UBND cấp huyện", "Các Sở, Ban, ngành"];

const HEADER: [&str; 7] = [
    "TT",
    "Chỉ số nội dung/ Tiêu chí thành phần",
    "Nhiệm vụ trọng tâm",
    "Chỉ tiêu",
    "Đơn vị Chủ trì theo dõi",
    "Đơn vị thực hiện",
    "Thời gian thực hiện",
];

/// A title line, the header, then for each dimension a heading row and its numbered tasks.
fn plan_rows(units: &[NewUnit], rng: &mut Rng) -> Vec<Vec<String>> {
    let mut rows = vec![
        vec!["KẾ HOẠCH cải thiện chỉ số PAPI năm 2026 (bản sinh cho benchmark)".to_string()],
        HEADER.iter().map(|h| h.to_string()).collect(),
    ];
    for (d, title) in DIMENSIONS.iter().enumerate() {
        let d = d + 1;
        rows.push(vec![d.to_string(), title.to_string()]);
        for n in 1..=TASKS_PER_DIMENSION {
            let text = format!(
                "{} {} {}",
                rng.pick(&VERBS),
                rng.pick(&OBJECTS),
                rng.pick(&PLACES)
            );
            rows.push(vec![
                format!("{d}.{n}"),
                rng.pick(&CRITERIA).to_string(),
                text,
                rng.pick(&TARGETS).to_string(),
                rng.pick(departments(units)).name.clone(),
                implementing_cell(units, rng, n % 20 == 0),
                rng.pick(&TIMEFRAMES).to_string(),
            ]);
        }
    }
    rows
}

/// 2–4 distinct units, each by name or alias, joined by "; ", plus a group phrase if asked.
fn implementing_cell(units: &[NewUnit], rng: &mut Rng, with_group: bool) -> String {
    let count = 2 + rng.below(3);
    let mut chosen: Vec<&NewUnit> = Vec::with_capacity(count);
    while chosen.len() < count {
        let pool = match rng.below(3) {
            0 => departments(units),
            1 => districts(units),
            _ => communes(units),
        };
        let unit = rng.pick(pool);
        if !chosen.iter().any(|u| u.code == unit.code) {
            chosen.push(unit);
        }
    }
    let mut pieces: Vec<&str> = chosen
        .iter()
        .map(|u| {
            if rng.below(2) == 0 {
                u.name.as_str()
            } else {
                u.aliases[0].as_str()
            }
        })
        .collect();
    if with_group {
        pieces.push(*rng.pick(&GROUPS));
    }
    pieces.join("; ")
}

fn write_xlsx(path: &Path, rows: &[Vec<String>]) {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r).expect("row number fits an XLSX row");
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).expect("column number fits an XLSX column");
            sheet
                .write_string(r, c, cell)
                .expect("write a cell of the generated plan");
        }
    }
    workbook
        .save(path)
        .expect("save the generated plan to the temp dir");
}

/// xorshift64: a fixed sequence, so every run generates the same files.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn max_file_bytes() -> u64 {
    ImportConfig::default().max_file_bytes
}

fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2
    } else {
        sorted[mid]
    }
}

fn min(values: &[Duration]) -> Duration {
    values.iter().copied().min().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}
