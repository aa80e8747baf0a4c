//! What the command line prints: plan and unit imports and their problems, plan
//! listings, holidays, `serve`'s first lines; the headers of its tables and where members stand.

use super::{Lang, Render};
use crate::domain::{AssignmentStatus, DayKind, ReportOwers};
use crate::import::prose::Review;
use crate::import::{Column, Problem, ProblemKind, UnitColumn};

/// Everything dondoc says, with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Text<'a> {
    Problem(&'a Problem),
    /// "N lỗi, không ghi gì vào cơ sở dữ liệu."
    NothingWritten {
        problems: usize,
    },
    UnitsSaved {
        created: usize,
        updated: usize,
        unchanged: usize,
    },
    DryRunUnits {
        units: usize,
    },
    PlanRead {
        tasks: usize,
        assignments: usize,
        table: &'a str,
        header_row: usize,
    },
    DryRunNothingWritten,
    /// One thing to check about a drafted task (the `Cần xem lại` cell's line).
    ProseReview(&'a Review),
    /// A drafted task's thing to check, printed with where it came from.
    ProseProblem {
        paragraph: usize,
        review: &'a Review,
        excerpt: &'a str,
    },
    /// The implementing cell of a drafted task that names no unit (the importer refuses it).
    ProseNoUnit,
    /// `plan draft` read a prose plan.
    DraftRead {
        tasks: usize,
        to_review: usize,
    },
    /// `plan draft` wrote its table.
    DraftWritten {
        path: &'a str,
    },
    /// Whether the department groups ("Các Sở, Ban, ngành") include the coordinating office.
    PlanDepartments {
        include_coordinating_office: bool,
    },
    /// `--replace --dry-run`: the header of the task diff.
    PlanDiffSummary {
        kept: usize,
        changed: usize,
        revived: usize,
        added: usize,
        retired: usize,
    },
    /// One line of the task diff: `task` is "II.3 text" as rendered by the caller.
    PlanDiffChanged {
        old: &'a str,
        new: &'a str,
    },
    PlanDiffAdded {
        task: &'a str,
    },
    PlanDiffRevived {
        task: &'a str,
    },
    PlanDiffRetired {
        task: &'a str,
    },
    /// More than a third of the tasks would be retired or rematched.
    PlanReplaceNeedsYes {
        affected: usize,
        live: usize,
    },
    /// `--suggest-aliases FILE`: the registry patch written.
    AliasPatchWritten {
        path: &'a str,
        rows: usize,
    },
    /// A unit text with no registry spelling close enough to suggest.
    AliasNoSuggestion {
        row: usize,
        text: &'a str,
    },
    PlanExists {
        code: &'a str,
    },
    PlanSaved {
        code: &'a str,
        added: usize,
        kept: usize,
        retired: usize,
    },
    PlanNotFound {
        code: &'a str,
    },
    UnitNotFound {
        code: &'a str,
    },
    DeadlineChanged {
        key: &'a str,
        before: Option<String>,
        after: String,
    },
    /// One year of the holiday table replaced by `dondoc holidays import`.
    HolidaysReplaced {
        year: i32,
        days_off: usize,
        working_days: usize,
    },
    /// `dondoc holidays list` for a year without rows.
    NoHolidays {
        year: i32,
    },
    Weekday(chrono::Weekday),
    DayKind(DayKind),
    Status(AssignmentStatus),
    OwedBy(ReportOwers),
    ColumnName(Column),
    UnitColumnName(UnitColumn),
    Label(Label),
    NoBotToken,
    InvitationsValidUntil {
        until: String,
    },
}

/// Field labels of listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Plan,
    Year,
    Scope,
    Calendar,
    Target,
    Lead,
    Implementing,
    Timeframe,
    Due,
    Output,
    Units,
    Tasks,
    NoDimension,
    Owing,
    UnitName,
    UnitKind,
    UnitParent,
    UnitAliases,
}

impl Render for Text<'_> {
    fn render(&self, lang: Lang) -> String {
        match self {
            Text::Problem(p) => match lang {
                Lang::Vi => {
                    let body = problem_text(&p.kind, Lang::Vi);
                    match p.row {
                        Some(row) => format!("Dòng {row}: {body}"),
                        None => body,
                    }
                },
                Lang::En => {
                    let body = problem_text(&p.kind, Lang::En);
                    match p.row {
                        Some(row) => format!("Row {row}: {body}"),
                        None => body,
                    }
                },
            },
            Text::NothingWritten { problems } => match lang {
                Lang::Vi => format!("{problems} lỗi. Không ghi gì vào cơ sở dữ liệu; sửa tệp rồi nhập lại."),
                Lang::En => format!("{problems} problem(s). Nothing was written; fix the file and import again."),
            },
            Text::UnitsSaved { created, updated, unchanged } => match lang {
                Lang::Vi => format!(
                    "Đã lưu danh mục đơn vị: {created} thêm mới, {updated} cập nhật, {unchanged} không đổi."
                ),
                Lang::En => format!(
                    "Unit registry saved: {created} new, {updated} updated, {unchanged} unchanged."
                ),
            },
            Text::DryRunUnits { units } => match lang {
                Lang::Vi => format!("Chạy thử: {units} đơn vị đọc được, không ghi gì."),
                Lang::En => format!("Dry run: {units} units read, nothing written."),
            },
            Text::PlanRead { tasks, assignments, table, header_row } => match lang {
                Lang::Vi => format!(
                    "Đọc được {tasks} nhiệm vụ, {assignments} lượt giao cho đơn vị thực hiện (bảng {table}, dòng tiêu đề {header_row})."
                ),
                Lang::En => format!(
                    "Read {tasks} tasks, {assignments} assignments to implementing units (table {table}, header row {header_row})."
                ),
            },
            Text::DryRunNothingWritten => match lang {
                Lang::Vi => "Chạy thử: không ghi gì vào cơ sở dữ liệu.".into(),
                Lang::En => "Dry run: nothing was written to the database.".into(),
            },
            Text::ProseReview(review) => review_text(review, lang),
            Text::ProseNoUnit => match lang {
                Lang::Vi => "(chưa rõ)".into(),
                Lang::En => "(unknown)".into(),
            },
            Text::ProseProblem { paragraph, review, excerpt } => match lang {
                Lang::Vi => format!("Đoạn {paragraph}: {} — “{excerpt}”", review_text(review, Lang::Vi)),
                Lang::En => format!("Paragraph {paragraph}: {} — “{excerpt}”", review_text(review, Lang::En)),
            },
            Text::DraftRead { tasks, to_review } => match lang {
                Lang::Vi => format!(
                    "Đọc được {tasks} nhiệm vụ; {to_review} nhiệm vụ cần xem lại (cột \"Cần xem lại\")."
                ),
                Lang::En => format!(
                    "Read {tasks} tasks; {to_review} to review (column \"Cần xem lại\")."
                ),
            },
            Text::DraftWritten { path } => match lang {
                Lang::Vi => format!(
                    "Đã ghi bảng nháp vào {path}. Kiểm tra trong Excel, sửa các ô cần xem lại và xoá nội dung cột \"Cần xem lại\", rồi nhập bằng \"dondoc plan import\"."
                ),
                Lang::En => format!(
                    "Draft table written to {path}. Check it in Excel, fix the cells to review and empty the \"Cần xem lại\" column, then import it with \"dondoc plan import\"."
                ),
            },
            Text::PlanDepartments { include_coordinating_office: true } => match lang {
                Lang::Vi => "Nhóm \"Các Sở, Ban, ngành\" gồm cả Sở Nội vụ (cơ quan điều phối); đổi bằng import.departments_include_coordinating_office = false.".into(),
                Lang::En => "The group \"Các Sở, Ban, ngành\" (departments) includes the Sở Nội vụ (coordinating office); change with import.departments_include_coordinating_office = false.".into(),
            },
            Text::PlanDepartments { include_coordinating_office: false } => match lang {
                Lang::Vi => "Nhóm \"Các Sở, Ban, ngành\" không gồm Sở Nội vụ (cơ quan điều phối), theo import.departments_include_coordinating_office = false.".into(),
                Lang::En => "The group \"Các Sở, Ban, ngành\" (departments) leaves out the Sở Nội vụ (coordinating office), as import.departments_include_coordinating_office = false says.".into(),
            },
            Text::PlanDiffSummary { kept, changed, revived, added, retired } => match lang {
                Lang::Vi => format!(
                    "So với kế hoạch đang lưu: {kept} giữ nguyên, {changed} thay đổi, {revived} theo dõi lại, {added} mới, {retired} thôi theo dõi."
                ),
                Lang::En => format!(
                    "Against the stored plan: {kept} kept, {changed} changed, {revived} revived, {added} new, {retired} retired."
                ),
            },
            Text::PlanDiffChanged { old, new } => format!("  ~ {old}\n    → {new}"),
            Text::PlanDiffAdded { task } => format!("  + {task}"),
            Text::PlanDiffRevived { task } => format!("  ↺ {task}"),
            Text::PlanDiffRetired { task } => format!("  - {task}"),
            Text::PlanReplaceNeedsYes { affected, live } => match lang {
                Lang::Vi => format!(
                    "{affected}/{live} nhiệm vụ đang theo dõi sẽ thôi theo dõi hoặc khớp với dòng đã đổi (hơn một phần ba): xem lại bằng --dry-run, rồi thêm --yes để thay thế."
                ),
                Lang::En => format!(
                    "{affected} of {live} live tasks would be retired or matched to a changed row (more than a third): check with --dry-run, then add --yes to replace."
                ),
            },
            Text::AliasPatchWritten { path, rows } => match lang {
                Lang::Vi => format!(
                    "Đã ghi {rows} dòng đề xuất tên khác vào {path}: xem lại từng dòng, rồi nạp bằng dondoc units import {path}."
                ),
                Lang::En => format!(
                    "Wrote {rows} suggested aliases to {path}: review each row, then load it with dondoc units import {path}."
                ),
            },
            Text::AliasNoSuggestion { row, text } => match lang {
                Lang::Vi => format!(
                    "Dòng {row}: không có đơn vị nào gần với \"{text}\" để đề xuất; hãy thêm vào danh mục."
                ),
                Lang::En => format!(
                    "Row {row}: no unit close to \"{text}\" to suggest; add it to the registry."
                ),
            },
            Text::PlanExists { code } => match lang {
                Lang::Vi => format!(
                    "Kế hoạch {code} đã có. Thêm --replace để thay thế (giữ lịch sử báo cáo của các nhiệm vụ còn lại)."
                ),
                Lang::En => format!(
                    "Plan {code} already exists. Add --replace to replace it (the history of tasks that remain is kept)."
                ),
            },
            Text::PlanSaved { code, added, kept, retired } => match lang {
                Lang::Vi => format!(
                    "Đã lưu kế hoạch {code}: {added} nhiệm vụ mới, {kept} giữ nguyên lịch sử, {retired} nhiệm vụ thôi theo dõi."
                ),
                Lang::En => format!(
                    "Plan {code} saved: {added} new tasks, {kept} kept with their history, {retired} retired."
                ),
            },
            Text::PlanNotFound { code } => match lang {
                Lang::Vi => format!("Không có kế hoạch {code}."),
                Lang::En => format!("No plan {code}."),
            },
            Text::UnitNotFound { code } => match lang {
                Lang::Vi => format!("Không có đơn vị mã {code} trong danh mục."),
                Lang::En => format!("No unit with code {code} in the registry."),
            },
            Text::DeadlineChanged { key, before, after } => match lang {
                Lang::Vi => match before {
                    Some(before) => format!("{key}: {before} → {after}"),
                    None => format!("{key}: thêm kỳ báo cáo mới, hạn {after}"),
                },
                Lang::En => match before {
                    Some(before) => format!("{key}: {before} → {after}"),
                    None => format!("{key}: new reporting period, due {after}"),
                },
            },
            Text::HolidaysReplaced { year, days_off, working_days } => match lang {
                Lang::Vi => format!(
                    "Năm {year}: đã thay lịch nghỉ bằng {days_off} ngày nghỉ, {working_days} ngày làm bù."
                ),
                Lang::En => format!(
                    "{year}: holidays replaced with {days_off} day(s) off, {working_days} working weekend day(s)."
                ),
            },
            Text::NoHolidays { year } => match lang {
                Lang::Vi => format!(
                    "Chưa có ngày lễ nào của năm {year}: chỉ thứ Bảy, Chủ nhật là ngày nghỉ (nhập bằng dondoc holidays import)."
                ),
                Lang::En => format!(
                    "No holidays for {year}: only Saturdays and Sundays are days off (import them with dondoc holidays import)."
                ),
            },
            Text::Weekday(day) => super::weekday_name(*day, lang).into(),
            Text::DayKind(kind) => match lang {
                Lang::Vi => match kind {
                    DayKind::DayOff => "nghỉ",
                    DayKind::WorkingDay => "làm việc",
                }
                .into(),
                Lang::En => match kind {
                    DayKind::DayOff => "day off",
                    DayKind::WorkingDay => "working day",
                }
                .into(),
            },
            Text::Status(s) => super::bot::status_word(*s, lang).into(),
            Text::OwedBy(o) => match lang {
                Lang::Vi => match o {
                    ReportOwers::ImplementingUnits => "mọi đơn vị thực hiện",
                    ReportOwers::Communes => "UBND cấp xã",
                }
                .into(),
                Lang::En => match o {
                    ReportOwers::ImplementingUnits => "every implementing unit",
                    ReportOwers::Communes => "commune People's Committees",
                }
                .into(),
            },
            Text::ColumnName(c) => column_text(*c, lang).into(),
            Text::UnitColumnName(c) => unit_column_text(*c, lang).into(),
            Text::Label(l) => match lang {
                Lang::Vi => match l {
                    Label::Plan => "Kế hoạch",
                    Label::Year => "năm",
                    Label::Scope => "phạm vi",
                    Label::Calendar => "Lịch báo cáo",
                    Label::UnitName => "tên",
                    Label::UnitKind => "loại",
                    Label::UnitParent => "đơn vị cha",
                    Label::UnitAliases => "tên khác",
                    Label::Target => "Chỉ tiêu",
                    Label::Lead => "Chủ trì theo dõi",
                    Label::Implementing => "Đơn vị thực hiện",
                    Label::Timeframe => "Thời gian",
                    Label::Due => "hạn",
                    Label::Output => "Kết quả",
                    Label::Units => "đơn vị",
                    Label::Tasks => "nhiệm vụ",
                    Label::NoDimension => "(chưa có nội dung)",
                    Label::Owing => "phải nộp",
                }
                .into(),
                Lang::En => match l {
                    Label::Plan => "Plan",
                    Label::Year => "year",
                    Label::Scope => "scope",
                    Label::Calendar => "Reporting calendar",
                    Label::UnitName => "name",
                    Label::UnitKind => "kind",
                    Label::UnitParent => "parent",
                    Label::UnitAliases => "aliases",
                    Label::Target => "Target",
                    Label::Lead => "Lead",
                    Label::Implementing => "Implementing units",
                    Label::Timeframe => "Timeframe",
                    Label::Due => "due",
                    Label::Output => "Output",
                    Label::Units => "units",
                    Label::Tasks => "tasks",
                    Label::NoDimension => "(no dimension)",
                    Label::Owing => "owed by",
                }
                .into(),
            },
            Text::NoBotToken => match lang {
                Lang::Vi => "Chưa đặt telegram.bot_token (DONDOC_TELEGRAM__BOT_TOKEN): bot chưa chạy; lịch nhắc vẫn tính và xếp hàng tin nhắn, chờ có mã bot để gửi.".into(),
                Lang::En => "telegram.bot_token is not set (DONDOC_TELEGRAM__BOT_TOKEN): the bot is not running; the scheduler still queues reminders, which wait for a token to be sent.".into(),
            },
            Text::InvitationsValidUntil { until } => match lang {
                Lang::Vi => format!("Liên kết mời dùng một lần, hết hạn ngày {until}."),
                Lang::En => format!("Each link works once and expires on {until}."),
            },
        }
    }
}

/// The header row of a command-line table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `outbox status`: kind, then one column per delivery state.
    Outbox,
    /// `plan list`.
    Plans,
    /// `members list`.
    Members,
    /// `units list`.
    Units,
    /// `units import --dry-run`: a change mark (+ added, ~ updated), then the unit.
    UnitChanges,
    /// `holidays list`.
    Holidays,
    /// `holidays import --dry-run`: a change mark (+ added, - removed, ~ changed), then the day.
    HolidayChanges,
}

impl Table {
    pub fn header(self, lang: Lang) -> Vec<String> {
        let words: &[&str] = match (self, lang) {
            (Table::Outbox, Lang::Vi) => &["loại", "chờ", "đang gửi", "đã gửi", "tạm dừng", "lỗi"],
            (Table::Outbox, Lang::En) => &["kind", "queued", "sending", "sent", "parked", "failed"],
            (Table::Plans, Lang::Vi) => &[
                "mã",
                "năm",
                "phạm vi",
                "nhiệm vụ",
                "lượt giao",
                "tên kế hoạch",
            ],
            (Table::Plans, Lang::En) => &["code", "year", "scope", "tasks", "assignments", "title"],
            (Table::Members, Lang::Vi) => &["mã số", "đơn vị", "vai trò", "họ tên", "Telegram"],
            (Table::Members, Lang::En) => &["id", "unit", "role", "name", "Telegram"],
            (Table::Units, Lang::Vi) => &["mã", "loại", "tên", "thuộc", "tên gọi khác"],
            (Table::Units, Lang::En) => &["code", "kind", "name", "parent", "aliases"],
            (Table::UnitChanges, Lang::Vi) => &["", "mã", "tên", "loại", "thuộc", "tên gọi khác"],
            (Table::UnitChanges, Lang::En) => &["", "code", "name", "kind", "parent", "aliases"],
            (Table::Holidays, Lang::Vi) => &["ngày", "thứ", "loại", "tên"],
            (Table::Holidays, Lang::En) => &["date", "weekday", "kind", "name"],
            (Table::HolidayChanges, Lang::Vi) => &["", "ngày", "loại", "tên"],
            (Table::HolidayChanges, Lang::En) => &["", "date", "kind", "name"],
        };
        words.iter().map(|w| w.to_string()).collect()
    }
}

/// `members list`: where a member stands with Telegram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberState {
    Linked,
    InvitedUntil(String),
    NotLinked,
}

impl Render for MemberState {
    fn render(&self, lang: Lang) -> String {
        match self {
            MemberState::Linked => match lang {
                Lang::Vi => "đã liên kết".into(),
                Lang::En => "linked".into(),
            },
            MemberState::InvitedUntil(day) => match lang {
                Lang::Vi => format!("đã mời, mã dùng được đến {day}"),
                Lang::En => format!("invited until {day}"),
            },
            MemberState::NotLinked => match lang {
                Lang::Vi => "chưa liên kết".into(),
                Lang::En => "not linked".into(),
            },
        }
    }
}

/// What the command line says when a command stops on an error of its own: a value that does
/// not read, a file that cannot be read or written, a usage mistake, a configuration that
/// does not load. Said once, on stderr, in the province's language.
#[derive(Debug)]
pub enum CliText<'a> {
    /// A value typed on the command line that does not read as `what` (a `ParseError`'s
    /// English name, see [`value_name_vi`]).
    BadValue { what: &'a str, value: &'a str },
    /// The same, on line `line` of the file `path`.
    BadLine {
        path: &'a str,
        line: usize,
        what: &'a str,
        value: &'a str,
    },
    CannotRead {
        path: &'a str,
        error: &'a std::io::Error,
    },
    CannotWrite {
        path: &'a str,
        error: &'a std::io::Error,
    },
    /// An option's number too large to count with (`--older-than-days 99999999999`).
    TooLarge { option: &'a str, value: &'a str },
    /// The configuration does not load; its problems follow, one a line.
    ConfigCannotLoad { file: Option<&'a str> },
    /// After the problems of a configuration that does not load.
    ConfigSeeCheck,
    /// The database refused or failed a statement while the command ran.
    DatabaseFailed { detail: &'a str },
    /// Anything else, with the technical detail as it came.
    Failed { detail: &'a str },
    /// Usage: an option this command does not have.
    UnknownOption {
        option: &'a str,
        suggestion: Option<&'a str>,
    },
    /// Usage: a value more than the command takes (`dondoc plan show A B`).
    UnexpectedValue { value: &'a str },
    /// Usage: a command dondoc does not have.
    UnknownCommand {
        command: &'a str,
        suggestion: Option<&'a str>,
    },
    /// Usage: a command group without its command (`dondoc plan`); `valid`: the commands it
    /// has, when not listed below in clap's help.
    MissingCommand { valid: Option<&'a str> },
    /// Usage: required options or arguments not given.
    MissingArguments { arguments: &'a str },
    /// Usage: a value an option does not take; `valid` lists those it does, when known.
    InvalidOptionValue {
        option: &'a str,
        value: &'a str,
        valid: Option<&'a str>,
    },
    /// Usage: two options that cannot go together.
    Conflict { option: &'a str, other: &'a str },
    /// Usage: an option given twice that takes one value.
    GivenTwice { option: &'a str },
    /// Usage: an option given a value it takes none of, twice, or without its value.
    BadUsage { detail: &'a str },
    /// The last line of a usage error.
    SeeHelp,
}

impl Render for CliText<'_> {
    fn render(&self, lang: Lang) -> String {
        let or_else_vi = |suggestion: &Option<&str>| {
            suggestion.map_or(String::new(), |s| format!(" Có phải ý bạn là «{s}»?"))
        };
        let or_else_en = |suggestion: &Option<&str>| {
            suggestion.map_or(String::new(), |s| format!(" Did you mean «{s}»?"))
        };
        match self {
            CliText::BadValue { what, value } => match lang {
                Lang::Vi => format!("Không đọc được {} «{value}».", value_name_vi(what)),
                Lang::En => format!("Not a valid {what}: «{value}»."),
            },
            CliText::BadLine { path, line, what, value } => match lang {
                Lang::Vi => format!(
                    "{path}, dòng {line}: không đọc được {} «{value}».",
                    value_name_vi(what)
                ),
                Lang::En => format!("{path}, line {line}: not a valid {what}: «{value}»."),
            },
            CliText::CannotRead { path, error } => match lang {
                Lang::Vi => format!("Không đọc được {path}: {}.", io_error_vi(error)),
                Lang::En => format!(
                    "Cannot read {path}: {}.",
                    io_error_kind_text(error.kind(), &error.to_string(), Lang::En)
                ),
            },
            CliText::CannotWrite { path, error } => match lang {
                Lang::Vi => format!("Không ghi được {path}: {}.", io_error_vi(error)),
                Lang::En => format!(
                    "Cannot write {path}: {}.",
                    io_error_kind_text(error.kind(), &error.to_string(), Lang::En)
                ),
            },
            CliText::TooLarge { option, value } => match lang {
                Lang::Vi => format!("{option} {value}: số quá lớn."),
                Lang::En => format!("{option} {value}: too large."),
            },
            CliText::ConfigCannotLoad { file: Some(file) } => match lang {
                Lang::Vi => format!("Không dùng được cấu hình {file}:"),
                Lang::En => format!("The configuration {file} cannot be used:"),
            },
            CliText::ConfigCannotLoad { file: None } => match lang {
                Lang::Vi => "Không dùng được cấu hình (giá trị mặc định và biến môi trường DONDOC_…):".into(),
                Lang::En => "The configuration (defaults and DONDOC_… variables) cannot be used:".into(),
            },
            CliText::ConfigSeeCheck => match lang {
                Lang::Vi => "Sửa các lỗi trên rồi chạy lại; `dondoc check-config` kiểm tra cả cơ sở dữ liệu."
                    .into(),
                Lang::En => "Fix the above and run again; `dondoc check-config` also checks the database."
                    .into(),
            },
            CliText::DatabaseFailed { detail } => match lang {
                Lang::Vi => format!("Lỗi cơ sở dữ liệu: {detail}"),
                Lang::En => format!("Database error: {detail}"),
            },
            CliText::Failed { detail } => match lang {
                Lang::Vi => format!("Lỗi: {detail}"),
                Lang::En => format!("Error: {detail}"),
            },
            CliText::UnknownOption { option, suggestion } => match lang {
                Lang::Vi => format!(
                    "Lệnh này không có tùy chọn «{option}».{}",
                    or_else_vi(suggestion)
                ),
                Lang::En => format!(
                    "This command has no option «{option}».{}",
                    or_else_en(suggestion)
                ),
            },
            CliText::UnknownCommand { command, suggestion } => match lang {
                Lang::Vi => format!("dondoc không có lệnh «{command}».{}", or_else_vi(suggestion)),
                Lang::En => format!("dondoc has no command «{command}».{}", or_else_en(suggestion)),
            },
            CliText::MissingCommand { valid: Some(valid) } => match lang {
                Lang::Vi => format!("Thiếu lệnh con; chọn một trong: {valid}."),
                Lang::En => format!("A subcommand is missing; choose one of: {valid}."),
            },
            CliText::MissingCommand { valid: None } => match lang {
                Lang::Vi => "Thiếu lệnh con; các lệnh có thể dùng ở dưới.".into(),
                Lang::En => "A subcommand is missing; the commands are listed below.".into(),
            },
            CliText::MissingArguments { arguments } => match lang {
                Lang::Vi => format!("Còn thiếu: {arguments}."),
                Lang::En => format!("Missing: {arguments}."),
            },
            CliText::InvalidOptionValue { option, value, valid } => match lang {
                Lang::Vi => {
                    let valid = valid.map_or(String::new(), |v| format!(" Chọn một trong: {v}."));
                    format!("{option} không nhận giá trị «{value}».{valid}")
                },
                Lang::En => {
                    let valid = valid.map_or(String::new(), |v| format!(" Choose one of: {v}."));
                    format!("{option} does not take «{value}».{valid}")
                },
            },
            CliText::Conflict { option, other } => match lang {
                Lang::Vi => format!("Không dùng {option} cùng với {other}."),
                Lang::En => format!("{option} cannot be used with {other}."),
            },
            CliText::GivenTwice { option } => match lang {
                Lang::Vi => format!("{option} chỉ được cho một lần."),
                Lang::En => format!("{option} can be given only once."),
            },
            CliText::UnexpectedValue { value } => match lang {
                Lang::Vi => format!("Lệnh này không nhận thêm giá trị «{value}»."),
                Lang::En => format!("This command takes no further value «{value}»."),
            },
            CliText::BadUsage { detail } => match lang {
                Lang::Vi => format!("Dòng lệnh chưa đúng: {detail}"),
                Lang::En => format!("The command line is not right: {detail}"),
            },
            CliText::SeeHelp => match lang {
                Lang::Vi => "Xem thêm: `dondoc --help`, hoặc `dondoc LỆNH --help` cho từng lệnh.".into(),
                Lang::En => "More: `dondoc --help`, or `dondoc COMMAND --help` for one command.".into(),
            },
        }
    }
}

fn column_text(c: Column, lang: Lang) -> &'static str {
    match c {
        Column::Number => match lang {
            Lang::Vi => "TT",
            Lang::En => "number",
        },
        Column::Criterion => match lang {
            Lang::Vi => "Chỉ số nội dung/Tiêu chí thành phần",
            Lang::En => "criterion",
        },
        Column::Task => match lang {
            Lang::Vi => "Nhiệm vụ trọng tâm",
            Lang::En => "task",
        },
        Column::Target => match lang {
            Lang::Vi => "Chỉ tiêu",
            Lang::En => "target",
        },
        Column::Lead => match lang {
            Lang::Vi => "Đơn vị chủ trì theo dõi",
            Lang::En => "lead unit",
        },
        Column::Implementing => match lang {
            Lang::Vi => "Đơn vị thực hiện",
            Lang::En => "implementing units",
        },
        Column::Timeframe => match lang {
            Lang::Vi => "Thời gian thực hiện",
            Lang::En => "timeframe",
        },
        Column::Output => match lang {
            Lang::Vi => "Kết quả thực hiện",
            Lang::En => "expected output",
        },
        Column::Review => match lang {
            Lang::Vi => "Cần xem lại",
            Lang::En => "to review",
        },
    }
}

fn unit_column_text(c: UnitColumn, lang: Lang) -> &'static str {
    match c {
        UnitColumn::Code => match lang {
            Lang::Vi => "mã (code)",
            Lang::En => "code",
        },
        UnitColumn::Name => match lang {
            Lang::Vi => "tên (name)",
            Lang::En => "name",
        },
        UnitColumn::Kind => match lang {
            Lang::Vi => "loại (kind)",
            Lang::En => "kind",
        },
        UnitColumn::Parent => match lang {
            Lang::Vi => "mã cấp trên (parent_code)",
            Lang::En => "parent_code",
        },
        UnitColumn::Aliases => match lang {
            Lang::Vi => "tên khác (aliases)",
            Lang::En => "aliases",
        },
    }
}

fn list<T: Copy>(items: &[T], name: fn(T) -> &'static str) -> String {
    items
        .iter()
        .map(|c| format!("\"{}\"", name(*c)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

fn review_text(review: &Review, lang: Lang) -> String {
    match review {
        Review::NoLead => match lang {
            Lang::Vi => "chưa rõ đơn vị chủ trì theo dõi".into(),
            Lang::En => "no lead (monitoring) unit named".into(),
        },
        Review::NoImplementer => match lang {
            Lang::Vi => "chưa rõ đơn vị thực hiện".into(),
            Lang::En => "no implementing unit named".into(),
        },
        Review::Ambiguous { column, text } => match lang {
            Lang::Vi => format!(
                "cột \"{}\": \"{text}\" là tên của nhiều đơn vị trong danh mục; chọn một",
                column_text(*column, Lang::Vi)
            ),
            Lang::En => format!(
                "{}: \"{text}\" is the name of several units in the registry; pick one",
                column_text(*column, Lang::En)
            ),
        },
        Review::Unit(kind) => problem_text(kind, lang),
        Review::Timeframe(text) => match lang {
            Lang::Vi => format!("không đọc được thời hạn \"{text}\""),
            Lang::En => format!("cannot read the timeframe \"{text}\""),
        },
        Review::NoText => match lang {
            Lang::Vi => "không có nội dung nhiệm vụ".into(),
            Lang::En => "no task text".into(),
        },
    }
}

/// "; có phải «Ủy ban MTTQ Việt Nam thành phố» (MTTQ-TP) hay «…»?" — empty without
/// suggestions.
fn suggestions_text(suggestions: &[crate::import::Suggestion], question: &str, or: &str) -> String {
    if suggestions.is_empty() {
        return String::new();
    }
    let names: Vec<String> = suggestions
        .iter()
        .map(|s| format!("«{}» ({})", s.spelling, s.code))
        .collect();
    format!("; {question} {}?", names.join(&format!(" {or} ")))
}

fn problem_text(kind: &ProblemKind, lang: Lang) -> String {
    match kind {
        ProblemKind::Unreadable(reason) => match lang {
            Lang::Vi => format!("không đọc được tệp ({reason})"),
            Lang::En => format!("cannot read the file ({reason})"),
        },
        ProblemKind::CannotOpen { kind, detail } => match lang {
            Lang::Vi => format!("không mở được tệp: {}", io_error_kind_text(*kind, detail, Lang::Vi)),
            Lang::En => format!("cannot open the file: {}", io_error_kind_text(*kind, detail, Lang::En)),
        },
        ProblemKind::TooLarge { bytes, limit } => match lang {
            Lang::Vi => format!(
                "tệp quá lớn ({}, giới hạn {}; đổi import.max_file_bytes nếu cần)",
                mib(*bytes),
                mib(*limit)
            ),
            Lang::En => format!(
                "file too large ({}, limit {}; raise import.max_file_bytes if needed)",
                mib(*bytes),
                mib(*limit)
            ),
        },
        ProblemKind::TooManyCells { cells } => match lang {
            Lang::Vi => format!("bảng quá lớn ({cells} ô)"),
            Lang::En => format!("table too large ({cells} cells)"),
        },
        ProblemKind::EmptyFile => match lang {
            Lang::Vi => "tệp rỗng".into(),
            Lang::En => "empty file".into(),
        },
        ProblemKind::NotUtf8 { line } => match lang {
            Lang::Vi => format!(
                "tệp không phải UTF-8 (lỗi mã hóa ở dòng {line}); hãy lưu lại dạng \"CSV UTF-8\" hoặc XLSX"
            ),
            Lang::En => format!(
                "the file is not UTF-8 (bad encoding at line {line}); save it as \"CSV UTF-8\" or XLSX"
            ),
        },
        ProblemKind::Unsupported(what) => match lang {
            Lang::Vi => format!("chưa đọc được định dạng {what}; hãy lưu lại dạng DOCX, XLSX hoặc CSV"),
            Lang::En => format!("{what} is not supported; save as DOCX, XLSX or CSV"),
        },
        ProblemKind::NoTable => match lang {
            Lang::Vi => "tệp không có bảng nào".into(),
            Lang::En => "the file holds no table".into(),
        },
        ProblemKind::NoHeader => match lang {
            Lang::Vi => "không tìm thấy dòng tiêu đề của bảng (các cột như \"Nhiệm vụ trọng tâm\", \"Đơn vị thực hiện\")".into(),
            Lang::En => "no header row found (columns such as \"Nhiệm vụ trọng tâm\", \"Đơn vị thực hiện\")".into(),
        },
        ProblemKind::MissingPlanColumns(cols) => match lang {
            Lang::Vi => format!("thiếu cột bắt buộc {}", list(cols, |c| column_text(c, Lang::Vi))),
            Lang::En => format!("required column(s) missing: {}", list(cols, |c| column_text(c, Lang::En))),
        },
        ProblemKind::MissingUnitColumns(cols) => match lang {
            Lang::Vi => format!("thiếu cột bắt buộc {}", list(cols, |c| unit_column_text(c, Lang::Vi))),
            Lang::En => format!("required column(s) missing: {}", list(cols, |c| unit_column_text(c, Lang::En))),
        },
        ProblemKind::UnknownUnit { column, text, suggestions } => match lang {
            Lang::Vi => format!(
                "cột \"{}\": không tìm thấy đơn vị \"{text}\" trong danh mục{} (thêm tên khác bằng dondoc units import)",
                column_text(*column, Lang::Vi),
                suggestions_text(suggestions, "có phải", "hay")
            ),
            Lang::En => format!(
                "{} column: unit \"{text}\" is not in the registry{} (add it as an alias with dondoc units import)",
                column_text(*column, Lang::En),
                suggestions_text(suggestions, "did you mean", "or")
            ),
        },
        ProblemKind::Ambiguous { column, text, readings } => match lang {
            Lang::Vi => format!(
                "cột \"{}\": \"{text}\" đọc được nhiều cách: {}; hãy ghi rõ từng đơn vị, hoặc thêm tên khác vào danh mục",
                column_text(*column, Lang::Vi),
                readings.join(" | ")
            ),
            Lang::En => format!(
                "{} column: \"{text}\" reads more than one way: {}; name each unit, or add an alias to the registry",
                column_text(*column, Lang::En),
                readings.join(" | ")
            ),
        },
        ProblemKind::OtherYear { timeframe, year, plan_year } => match lang {
            Lang::Vi => format!(
                "thời gian \"{timeframe}\" rơi vào năm {year}, không phải năm {plan_year} của kế hoạch (nếu đúng là vậy, thêm --allow-other-years)"
            ),
            Lang::En => format!(
                "timeframe \"{timeframe}\" falls in {year}, not the plan's year {plan_year} (if that is right, add --allow-other-years)"
            ),
        },
        ProblemKind::EmptyGroup { column, text } => match lang {
            Lang::Vi => format!(
                "cột \"{}\": nhóm \"{text}\" không có đơn vị nào thuộc phạm vi kế hoạch",
                column_text(*column, Lang::Vi)
            ),
            Lang::En => format!(
                "{} column: group \"{text}\" has no unit under the plan's scope",
                column_text(*column, Lang::En)
            ),
        },
        ProblemKind::NoUnits => match lang {
            Lang::Vi => "nhiệm vụ không có đơn vị chủ trì lẫn đơn vị thực hiện".into(),
            Lang::En => "the task has neither a lead nor an implementing unit".into(),
        },
        ProblemKind::NoTaskText => match lang {
            Lang::Vi => "dòng không có nội dung nhiệm vụ".into(),
            Lang::En => "the row has no task text".into(),
        },
        ProblemKind::ScopeNotFound(code) => match lang {
            Lang::Vi => format!("không có đơn vị phạm vi {code} trong danh mục"),
            Lang::En => format!("scope unit {code} is not in the registry"),
        },
        ProblemKind::MissingValue(col) => match lang {
            Lang::Vi => format!("thiếu {}", unit_column_text(*col, Lang::Vi)),
            Lang::En => format!("{} is missing", unit_column_text(*col, Lang::En)),
        },
        ProblemKind::BadUnitCode(code) => match lang {
            Lang::Vi => format!("mã đơn vị \"{code}\" không hợp lệ (không được có dấu cách)"),
            Lang::En => format!("invalid unit code \"{code}\" (no spaces allowed)"),
        },
        ProblemKind::BadUnitKind(kind) => match lang {
            Lang::Vi => format!(
                "loại đơn vị \"{kind}\" không hợp lệ (province, department, district, commune, coordinating_office, hotline, other)"
            ),
            Lang::En => format!(
                "invalid unit kind \"{kind}\" (province, department, district, commune, coordinating_office, hotline, other)"
            ),
        },
        ProblemKind::UnknownParent(code) => match lang {
            Lang::Vi => format!("không có đơn vị cấp trên mã \"{code}\""),
            Lang::En => format!("no parent unit with code \"{code}\""),
        },
        ProblemKind::DuplicateCode { code, first_row } => match lang {
            Lang::Vi => format!("mã \"{code}\" trùng với dòng {first_row}"),
            Lang::En => format!("code \"{code}\" repeats row {first_row}"),
        },
        ProblemKind::ParentCycle(code) => match lang {
            Lang::Vi => format!("đơn vị \"{code}\" nằm trong vòng lặp cấp trên"),
            Lang::En => format!("unit \"{code}\" is its own ancestor"),
        },
        ProblemKind::BadRole(role) => match lang {
            Lang::Vi => format!(
                "vai trò \"{role}\" không hợp lệ (head/chủ tịch, deputy, focal_point/đầu mối, coordinator, hotline_operator)"
            ),
            Lang::En => format!(
                "invalid role \"{role}\" (head, deputy, focal_point, coordinator, hotline_operator)"
            ),
        },
        ProblemKind::NoHolidayHeader => match lang {
            Lang::Vi => "không tìm thấy dòng tiêu đề có các cột \"ngày\" và \"tên\" (\"loại\" nếu có)".into(),
            Lang::En => "no header row with the columns \"date\" and \"name\" (and \"kind\" if any)".into(),
        },
        ProblemKind::NoDates => match lang {
            Lang::Vi => "tệp không có ngày nào dưới dòng tiêu đề".into(),
            Lang::En => "the file lists no dates under its header row".into(),
        },
        ProblemKind::NoTasks => match lang {
            Lang::Vi => "có dòng tiêu đề nhưng không có nhiệm vụ nào bên dưới".into(),
            Lang::En => "a header row and no task under it".into(),
        },
        ProblemKind::BadDate(text) => match lang {
            Lang::Vi => format!("ngày \"{text}\" không hợp lệ (viết dd/mm/yyyy hoặc yyyy-mm-dd)"),
            Lang::En => format!("invalid date \"{text}\" (write dd/mm/yyyy or yyyy-mm-dd)"),
        },
        ProblemKind::BadDayKind(text) => match lang {
            Lang::Vi => format!("loại ngày \"{text}\" không hợp lệ (nghỉ hoặc làm việc; để trống là nghỉ)"),
            Lang::En => format!("invalid kind \"{text}\" (day_off or working_day; empty means day off)"),
        },
        ProblemKind::MissingPersonName => match lang {
            Lang::Vi => "thiếu họ tên người được mời".into(),
            Lang::En => "the invited person's name is missing".into(),
        },
        ProblemKind::NoSuchUnit(code) => match lang {
            Lang::Vi => format!("không có đơn vị mã \"{code}\" trong danh mục"),
            Lang::En => format!("no unit with code \"{code}\" in the registry"),
        },
        ProblemKind::DuplicatePerson { first_row } => match lang {
            Lang::Vi => format!("cùng người (đơn vị, vai trò, họ tên) với dòng {first_row}"),
            Lang::En => format!("the same person (unit, role, name) as row {first_row}"),
        },
        ProblemKind::MissingHolidayName => match lang {
            Lang::Vi => "thiếu tên ngày lễ".into(),
            Lang::En => "the holiday's name is missing".into(),
        },
        ProblemKind::DuplicateDate { date, first_row } => match lang {
            Lang::Vi => format!("ngày {} trùng với dòng {first_row}", date.format("%d/%m/%Y")),
            Lang::En => format!("date {} repeats row {first_row}", date.format("%d/%m/%Y")),
        },
        ProblemKind::Case(p) => case_problem_text(p, lang),
        ProblemKind::NeedsReview(text) => match lang {
            Lang::Vi => format!(
                "ô \"Cần xem lại\" còn ghi: {text} — kiểm tra, sửa dòng này rồi xoá nội dung ô đó trước khi nhập"
            ),
            Lang::En => format!(
                "the \"Cần xem lại\" (to review) cell still says: {text} — check and fix the row, then empty that cell before importing"
            ),
        },
        ProblemKind::NoProseTasks => match lang {
            Lang::Vi => "không tìm thấy nhiệm vụ nào: văn bản cần có phần đánh số La Mã về \"NHIỆM VỤ, GIẢI PHÁP\" (một bảng nhiệm vụ thì nhập bằng \"dondoc plan import\")".into(),
            Lang::En => "no task found: the text needs a Roman-numbered part on \"NHIỆM VỤ, GIẢI PHÁP\" (import a task table with \"dondoc plan import\")".into(),
        },
        ProblemKind::DraftNeedsReview { tasks } => match lang {
            Lang::Vi => format!(
                "bản nháp có {tasks} nhiệm vụ cần xem lại; dùng \"dondoc plan draft\" để xuất bảng, sửa rồi nhập bảng đó"
            ),
            Lang::En => format!(
                "the draft has {tasks} task(s) to review; write the table with \"dondoc plan draft\", fix it, then import that table"
            ),
        },
    }
}

fn case_problem_text(p: &crate::import::CaseProblem, lang: Lang) -> String {
    use crate::import::CaseProblem as P;
    match p {
        P::NoHeader { routing: false } => match lang {
            Lang::Vi => "không tìm thấy dòng tiêu đề có các cột \"ngày giờ tiếp nhận\", \"kênh\", \"nội dung\", \"xã/phường\", \"lĩnh vực\"".into(),
            Lang::En => "no header row with the columns received, channel, content, place and category".into(),
        },
        P::NoHeader { routing: true } => match lang {
            Lang::Vi => "không tìm thấy dòng tiêu đề có cột \"đơn vị xử lý\" và \"lĩnh vực\" hoặc \"xã/phường\"".into(),
            Lang::En => "no header row with the column unit and category or place".into(),
        },
        P::NoRows => match lang {
            Lang::Vi => "tệp không có dòng nào dưới dòng tiêu đề".into(),
            Lang::En => "the file has no rows under its header row".into(),
        },
        P::BadReceived(raw) => match lang {
            Lang::Vi => format!("ngày giờ tiếp nhận \"{raw}\" không hợp lệ (viết dd/mm/yyyy HH:MM hoặc dd/mm/yyyy)"),
            Lang::En => format!("invalid received time \"{raw}\" (write dd/mm/yyyy HH:MM or dd/mm/yyyy)"),
        },
        P::BadChannel(raw) => match lang {
            Lang::Vi => format!("kênh \"{raw}\" không hợp lệ (1022/điện thoại, SMS, Zalo, email, cổng thông tin, trực tiếp)"),
            Lang::En => format!(
                "invalid channel \"{raw}\" (phone/1022, sms, zalo, email, web portal, in person)"
            ),
        },
        P::MissingContent => match lang {
            Lang::Vi => "thiếu nội dung phản ánh".into(),
            Lang::En => "the content is missing".into(),
        },
        P::MissingPlace => match lang {
            Lang::Vi => "thiếu xã/phường".into(),
            Lang::En => "the place is missing".into(),
        },
        P::UnknownPlace(raw) => match lang {
            Lang::Vi => format!("không có xã/phường hay đơn vị \"{raw}\" trong danh mục"),
            Lang::En => format!("no commune or unit \"{raw}\" in the registry"),
        },
        P::AmbiguousPlace { text, codes } => match lang {
            Lang::Vi => format!("\"{text}\" khớp nhiều đơn vị ({}): hãy ghi mã", codes.join(", ")),
            Lang::En => format!(
                "\"{text}\" fits several units ({}): write the code",
                codes.join(", ")
            ),
        },
        P::MissingCategory => match lang {
            Lang::Vi => "thiếu lĩnh vực".into(),
            Lang::En => "the category is missing".into(),
        },
        P::UnknownCategory(raw) => match lang {
            Lang::Vi => format!("lĩnh vực \"{raw}\" không có trong danh sách [hotline] categories"),
            Lang::En => format!("category \"{raw}\" is not in [hotline] categories"),
        },
        P::BadConsent(raw) => match lang {
            Lang::Vi => format!("đồng ý chia sẻ \"{raw}\" không hợp lệ (có hoặc không; để trống là không)"),
            Lang::En => format!("invalid consent \"{raw}\" (có/yes or không/no; empty means no)"),
        },
        P::MissingUnit => match lang {
            Lang::Vi => "thiếu đơn vị xử lý".into(),
            Lang::En => "the unit is missing".into(),
        },
        P::UnknownUnit(raw) => match lang {
            Lang::Vi => format!("không có đơn vị xử lý \"{raw}\" trong danh mục"),
            Lang::En => format!("no unit \"{raw}\" in the registry"),
        },
        P::AmbiguousUnit { text, codes } => match lang {
            Lang::Vi => format!("đơn vị \"{text}\" khớp nhiều đơn vị ({}): hãy ghi mã", codes.join(", ")),
            Lang::En => format!(
                "unit \"{text}\" fits several units ({}): write the code",
                codes.join(", ")
            ),
        },
        P::DuplicateRule { first_row } => match lang {
            Lang::Vi => format!("quy tắc trùng lĩnh vực và địa bàn với dòng {first_row}"),
            Lang::En => format!("same category and place as row {first_row}"),
        },
        P::DuplicateCase { first_row } => match lang {
            Lang::Vi => format!("cùng một vụ việc với dòng {first_row} (cùng số phiếu, hoặc cùng thời điểm, số điện thoại và nội dung): xóa một dòng, hoặc ghi số phiếu khác nhau nếu là hai vụ việc"),
            Lang::En => format!("the same case as row {first_row} (same reference, or same time, phone and content): delete one row, or give them different references if they are two cases"),
        },
    }
}

/// The Vietnamese name of a value that did not read (`ParseError::what`, written in English
/// where the value is parsed), with the form expected where there is one. A name not listed
/// here is shown as it is.
pub fn value_name_vi(what: &str) -> String {
    let name = match what {
        "plan code" => "mã kế hoạch (không rỗng, không có dấu cách, tối đa 64 ký tự)",
        "unit code" => "mã đơn vị (không rỗng, không có dấu cách, tối đa 64 ký tự)",
        "plan year" => "năm kế hoạch (từ 2000 đến 2100)",
        "person role" => {
            "vai trò (chủ tịch/thủ trưởng, phó chủ tịch/phó giám đốc, đầu mối, điều phối, \
             tổng đài viên; hoặc head, deputy, focal_point, coordinator, hotline_operator)"
        }
        "unit kind" => "loại đơn vị",
        "deadline (key=YYYY-MM-DD)" => "hạn báo cáo (kỳ=YYYY-MM-DD hoặc kỳ=DD/MM/YYYY)",
        "period key" => "mã kỳ báo cáo",
        "report owers" => "đơn vị phải báo cáo",
        "month-day (MM-DD)" => "ngày trong năm (MM-DD)",
        "case number (PA-YYYY-NNNNNN)" => "số vụ việc (PA-YYYY-NNNNNN)",
        "channel" => "kênh tiếp nhận",
        "case state" => "trạng thái vụ việc",
        "hop state" => "trạng thái chuyển xử lý",
        "language" => "ngôn ngữ (vi hoặc en)",
        "day kind (nghỉ / làm việc)" => "loại ngày (nghỉ / làm việc)",
        "working hours (HH:MM-HH:MM)" => "giờ làm việc (HH:MM-HH:MM)",
        "assignment status" => "trạng thái nhiệm vụ",
        "message kind" => "loại tin nhắn",
        "delivery state" => "trạng thái gửi",
        other => other,
    };
    name.to_string()
}

/// Why a file could not be read or written, as the person at the keyboard can act on it.
pub fn io_error_vi(error: &std::io::Error) -> String {
    io_error_kind_text(error.kind(), &error.to_string(), Lang::Vi)
}

/// [`io_error_vi`] from the error's kind and its own words (shown for a kind not listed).
pub fn io_error_kind_text(kind: std::io::ErrorKind, detail: &str, lang: Lang) -> String {
    use std::io::ErrorKind;
    match kind {
        ErrorKind::NotFound => match lang {
            Lang::Vi => "không có tệp hoặc thư mục này".into(),
            Lang::En => "no such file or folder".into(),
        },
        ErrorKind::PermissionDenied => match lang {
            Lang::Vi => "không có quyền".into(),
            Lang::En => "permission denied".into(),
        },
        ErrorKind::AlreadyExists => match lang {
            Lang::Vi => "tệp đã có".into(),
            Lang::En => "the file already exists".into(),
        },
        ErrorKind::IsADirectory => match lang {
            Lang::Vi => "đây là một thư mục, không phải tệp".into(),
            Lang::En => "this is a folder, not a file".into(),
        },
        ErrorKind::NotADirectory => match lang {
            Lang::Vi => "một phần của đường dẫn không phải thư mục".into(),
            Lang::En => "part of the path is not a folder".into(),
        },
        ErrorKind::ReadOnlyFilesystem => match lang {
            Lang::Vi => "ổ đĩa chỉ cho đọc".into(),
            Lang::En => "the disk is read-only".into(),
        },
        ErrorKind::StorageFull => match lang {
            Lang::Vi => "ổ đĩa đã đầy".into(),
            Lang::En => "the disk is full".into(),
        },
        ErrorKind::InvalidData => match lang {
            Lang::Vi => "nội dung không phải văn bản UTF-8".into(),
            Lang::En => "the content is not UTF-8 text".into(),
        },
        _ => match lang {
            Lang::Vi => format!("lỗi hệ thống ({detail})"),
            Lang::En => format!("system error ({detail})"),
        },
    }
}

/// The sentences of a prose draft's table (`import::prose::write_xlsx`), always Vietnamese:
/// the table is read back by the importer, whose column names are Vietnamese.
pub fn draft_table_words() -> crate::import::prose::TableWords {
    crate::import::prose::TableWords {
        review: |review| Text::ProseReview(review).render(Lang::Vi),
        no_unit: Text::ProseNoUnit.render(Lang::Vi),
    }
}
