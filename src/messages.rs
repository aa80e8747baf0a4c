//! Every sentence a person reads, Vietnamese first, English second. Code elsewhere builds a
//! [`Text`] and renders it in the configured [`Lang`].

use crate::domain::{AssignmentStatus, DayKind, ReportOwers};
use crate::import::prose::Review;
use crate::import::{Column, Problem, ProblemKind, UnitColumn};

pub use crate::domain::Lang;

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

impl Text<'_> {
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.vi(),
            Lang::En => self.en(),
        }
    }

    fn vi(&self) -> String {
        match self {
            Text::Problem(p) => {
                let body = problem_vi(&p.kind);
                match p.row {
                    Some(row) => format!("Dòng {row}: {body}"),
                    None => body,
                }
            }
            Text::NothingWritten { problems } => {
                format!("{problems} lỗi. Không ghi gì vào cơ sở dữ liệu; sửa tệp rồi nhập lại.")
            }
            Text::UnitsSaved { created, updated, unchanged } => format!(
                "Đã lưu danh mục đơn vị: {created} thêm mới, {updated} cập nhật, {unchanged} không đổi."
            ),
            Text::DryRunUnits { units } => {
                format!("Chạy thử: {units} đơn vị đọc được, không ghi gì.")
            }
            Text::PlanRead { tasks, assignments, table, header_row } => format!(
                "Đọc được {tasks} nhiệm vụ, {assignments} lượt giao cho đơn vị thực hiện (bảng {table}, dòng tiêu đề {header_row})."
            ),
            Text::DryRunNothingWritten => "Chạy thử: không ghi gì vào cơ sở dữ liệu.".into(),
            Text::ProseReview(review) => review_vi(review),
            Text::ProseNoUnit => "(chưa rõ)".into(),
            Text::ProseProblem { paragraph, review, excerpt } => {
                format!("Đoạn {paragraph}: {} — “{excerpt}”", review_vi(review))
            }
            Text::DraftRead { tasks, to_review } => format!(
                "Đọc được {tasks} nhiệm vụ; {to_review} nhiệm vụ cần xem lại (cột \"Cần xem lại\")."
            ),
            Text::DraftWritten { path } => format!(
                "Đã ghi bảng nháp vào {path}. Kiểm tra trong Excel, sửa các ô cần xem lại và xoá nội dung cột \"Cần xem lại\", rồi nhập bằng \"dondoc plan import\"."
            ),
            Text::PlanDepartments { include_coordinating_office: true } => "Nhóm \"Các Sở, Ban, ngành\" gồm cả Sở Nội vụ (cơ quan điều phối); đổi bằng import.departments_include_coordinating_office = false.".into(),
            Text::PlanDepartments { include_coordinating_office: false } => "Nhóm \"Các Sở, Ban, ngành\" không gồm Sở Nội vụ (cơ quan điều phối), theo import.departments_include_coordinating_office = false.".into(),
            Text::PlanDiffSummary { kept, changed, revived, added, retired } => format!(
                "So với kế hoạch đang lưu: {kept} giữ nguyên, {changed} thay đổi, {revived} theo dõi lại, {added} mới, {retired} thôi theo dõi."
            ),
            Text::PlanDiffChanged { old, new } => format!("  ~ {old}\n    → {new}"),
            Text::PlanDiffAdded { task } => format!("  + {task}"),
            Text::PlanDiffRevived { task } => format!("  ↺ {task}"),
            Text::PlanDiffRetired { task } => format!("  - {task}"),
            Text::PlanReplaceNeedsYes { affected, live } => format!(
                "{affected}/{live} nhiệm vụ đang theo dõi sẽ thôi theo dõi hoặc khớp với dòng đã đổi (hơn một phần ba): xem lại bằng --dry-run, rồi thêm --yes để thay thế."
            ),
            Text::AliasPatchWritten { path, rows } => format!(
                "Đã ghi {rows} dòng đề xuất tên khác vào {path}: xem lại từng dòng, rồi nạp bằng dondoc units import {path}."
            ),
            Text::AliasNoSuggestion { row, text } => format!(
                "Dòng {row}: không có đơn vị nào gần với \"{text}\" để đề xuất; hãy thêm vào danh mục."
            ),
            Text::PlanExists { code } => format!(
                "Kế hoạch {code} đã có. Thêm --replace để thay thế (giữ lịch sử báo cáo của các nhiệm vụ còn lại)."
            ),
            Text::PlanSaved { code, added, kept, retired } => format!(
                "Đã lưu kế hoạch {code}: {added} nhiệm vụ mới, {kept} giữ nguyên lịch sử, {retired} nhiệm vụ thôi theo dõi."
            ),
            Text::PlanNotFound { code } => format!("Không có kế hoạch {code}."),
            Text::UnitNotFound { code } => format!("Không có đơn vị mã {code} trong danh mục."),
            Text::DeadlineChanged { key, before, after } => match before {
                Some(before) => format!("{key}: {before} → {after}"),
                None => format!("{key}: thêm kỳ báo cáo mới, hạn {after}"),
            },
            Text::HolidaysReplaced { year, days_off, working_days } => format!(
                "Năm {year}: đã thay lịch nghỉ bằng {days_off} ngày nghỉ, {working_days} ngày làm bù."
            ),
            Text::NoHolidays { year } => format!(
                "Chưa có ngày lễ nào của năm {year}: chỉ thứ Bảy, Chủ nhật là ngày nghỉ (nhập bằng dondoc holidays import)."
            ),
            Text::Weekday(day) => weekday_vi(*day).into(),
            Text::DayKind(kind) => match kind {
                DayKind::DayOff => "nghỉ",
                DayKind::WorkingDay => "làm việc",
            }
            .into(),
            Text::Status(s) => match s {
                AssignmentStatus::NotStarted => "chưa báo cáo",
                AssignmentStatus::InProgress => "đang thực hiện",
                AssignmentStatus::Done => "đã hoàn thành",
                AssignmentStatus::Blocked => "vướng mắc",
            }
            .into(),
            Text::OwedBy(o) => match o {
                ReportOwers::ImplementingUnits => "mọi đơn vị thực hiện",
                ReportOwers::Communes => "UBND cấp xã",
            }
            .into(),
            Text::ColumnName(c) => column_vi(*c).into(),
            Text::UnitColumnName(c) => unit_column_vi(*c).into(),
            Text::Label(l) => match l {
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
            Text::NoBotToken => "Chưa đặt telegram.bot_token (DONDOC_TELEGRAM__BOT_TOKEN): bot chưa chạy; lịch nhắc vẫn tính và xếp hàng tin nhắn, chờ có mã bot để gửi.".into(),
            Text::InvitationsValidUntil { until } => format!("Liên kết mời dùng một lần, hết hạn ngày {until}."),
        }
    }

    fn en(&self) -> String {
        match self {
            Text::Problem(p) => {
                let body = problem_en(&p.kind);
                match p.row {
                    Some(row) => format!("Row {row}: {body}"),
                    None => body,
                }
            }
            Text::NothingWritten { problems } => {
                format!("{problems} problem(s). Nothing was written; fix the file and import again.")
            }
            Text::UnitsSaved { created, updated, unchanged } => format!(
                "Unit registry saved: {created} new, {updated} updated, {unchanged} unchanged."
            ),
            Text::DryRunUnits { units } => format!("Dry run: {units} units read, nothing written."),
            Text::PlanRead { tasks, assignments, table, header_row } => format!(
                "Read {tasks} tasks, {assignments} assignments to implementing units (table {table}, header row {header_row})."
            ),
            Text::DryRunNothingWritten => "Dry run: nothing was written to the database.".into(),
            Text::ProseReview(review) => review_en(review),
            Text::ProseNoUnit => "(unknown)".into(),
            Text::ProseProblem { paragraph, review, excerpt } => {
                format!("Paragraph {paragraph}: {} — “{excerpt}”", review_en(review))
            }
            Text::DraftRead { tasks, to_review } => format!(
                "Read {tasks} tasks; {to_review} to review (column \"Cần xem lại\")."
            ),
            Text::DraftWritten { path } => format!(
                "Draft table written to {path}. Check it in Excel, fix the cells to review and empty the \"Cần xem lại\" column, then import it with \"dondoc plan import\"."
            ),
            Text::PlanDepartments { include_coordinating_office: true } => "The group \"Các Sở, Ban, ngành\" (departments) includes the Sở Nội vụ (coordinating office); change with import.departments_include_coordinating_office = false.".into(),
            Text::PlanDepartments { include_coordinating_office: false } => "The group \"Các Sở, Ban, ngành\" (departments) leaves out the Sở Nội vụ (coordinating office), as import.departments_include_coordinating_office = false says.".into(),
            Text::PlanDiffSummary { kept, changed, revived, added, retired } => format!(
                "Against the stored plan: {kept} kept, {changed} changed, {revived} revived, {added} new, {retired} retired."
            ),
            Text::PlanDiffChanged { old, new } => format!("  ~ {old}\n    → {new}"),
            Text::PlanDiffAdded { task } => format!("  + {task}"),
            Text::PlanDiffRevived { task } => format!("  ↺ {task}"),
            Text::PlanDiffRetired { task } => format!("  - {task}"),
            Text::PlanReplaceNeedsYes { affected, live } => format!(
                "{affected} of {live} live tasks would be retired or matched to a changed row (more than a third): check with --dry-run, then add --yes to replace."
            ),
            Text::AliasPatchWritten { path, rows } => format!(
                "Wrote {rows} suggested aliases to {path}: review each row, then load it with dondoc units import {path}."
            ),
            Text::AliasNoSuggestion { row, text } => format!(
                "Row {row}: no unit close to \"{text}\" to suggest; add it to the registry."
            ),
            Text::PlanExists { code } => format!(
                "Plan {code} already exists. Add --replace to replace it (the history of tasks that remain is kept)."
            ),
            Text::PlanSaved { code, added, kept, retired } => format!(
                "Plan {code} saved: {added} new tasks, {kept} kept with their history, {retired} retired."
            ),
            Text::PlanNotFound { code } => format!("No plan {code}."),
            Text::UnitNotFound { code } => format!("No unit with code {code} in the registry."),
            Text::DeadlineChanged { key, before, after } => match before {
                Some(before) => format!("{key}: {before} → {after}"),
                None => format!("{key}: new reporting period, due {after}"),
            },
            Text::HolidaysReplaced { year, days_off, working_days } => format!(
                "{year}: holidays replaced with {days_off} day(s) off, {working_days} working weekend day(s)."
            ),
            Text::NoHolidays { year } => format!(
                "No holidays for {year}: only Saturdays and Sundays are days off (import them with dondoc holidays import)."
            ),
            Text::Weekday(day) => weekday_en(*day).into(),
            Text::DayKind(kind) => match kind {
                DayKind::DayOff => "day off",
                DayKind::WorkingDay => "working day",
            }
            .into(),
            Text::Status(s) => match s {
                AssignmentStatus::NotStarted => "not reported",
                AssignmentStatus::InProgress => "in progress",
                AssignmentStatus::Done => "done",
                AssignmentStatus::Blocked => "blocked",
            }
            .into(),
            Text::OwedBy(o) => match o {
                ReportOwers::ImplementingUnits => "every implementing unit",
                ReportOwers::Communes => "commune People's Committees",
            }
            .into(),
            Text::ColumnName(c) => column_en(*c).into(),
            Text::UnitColumnName(c) => unit_column_en(*c).into(),
            Text::Label(l) => match l {
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
            Text::NoBotToken => "telegram.bot_token is not set (DONDOC_TELEGRAM__BOT_TOKEN): the bot is not running; the scheduler still queues reminders, which wait for a token to be sent.".into(),
            Text::InvitationsValidUntil { until } => format!("Each link works once and expires on {until}."),
        }
    }
}

fn column_vi(c: Column) -> &'static str {
    match c {
        Column::Number => "TT",
        Column::Criterion => "Chỉ số nội dung/Tiêu chí thành phần",
        Column::Task => "Nhiệm vụ trọng tâm",
        Column::Target => "Chỉ tiêu",
        Column::Lead => "Đơn vị chủ trì theo dõi",
        Column::Implementing => "Đơn vị thực hiện",
        Column::Timeframe => "Thời gian thực hiện",
        Column::Output => "Kết quả thực hiện",
        Column::Review => "Cần xem lại",
    }
}

fn column_en(c: Column) -> &'static str {
    match c {
        Column::Number => "number",
        Column::Criterion => "criterion",
        Column::Task => "task",
        Column::Target => "target",
        Column::Lead => "lead unit",
        Column::Implementing => "implementing units",
        Column::Timeframe => "timeframe",
        Column::Output => "expected output",
        Column::Review => "to review",
    }
}

fn unit_column_vi(c: UnitColumn) -> &'static str {
    match c {
        UnitColumn::Code => "mã (code)",
        UnitColumn::Name => "tên (name)",
        UnitColumn::Kind => "loại (kind)",
        UnitColumn::Parent => "mã cấp trên (parent_code)",
        UnitColumn::Aliases => "tên khác (aliases)",
    }
}

fn unit_column_en(c: UnitColumn) -> &'static str {
    match c {
        UnitColumn::Code => "code",
        UnitColumn::Name => "name",
        UnitColumn::Kind => "kind",
        UnitColumn::Parent => "parent_code",
        UnitColumn::Aliases => "aliases",
    }
}

fn weekday_vi(day: chrono::Weekday) -> &'static str {
    use chrono::Weekday as W;
    match day {
        W::Mon => "Thứ Hai",
        W::Tue => "Thứ Ba",
        W::Wed => "Thứ Tư",
        W::Thu => "Thứ Năm",
        W::Fri => "Thứ Sáu",
        W::Sat => "Thứ Bảy",
        W::Sun => "Chủ nhật",
    }
}

fn weekday_en(day: chrono::Weekday) -> &'static str {
    use chrono::Weekday as W;
    match day {
        W::Mon => "Monday",
        W::Tue => "Tuesday",
        W::Wed => "Wednesday",
        W::Thu => "Thursday",
        W::Fri => "Friday",
        W::Sat => "Saturday",
        W::Sun => "Sunday",
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

fn review_vi(review: &Review) -> String {
    match review {
        Review::NoLead => "chưa rõ đơn vị chủ trì theo dõi".into(),
        Review::NoImplementer => "chưa rõ đơn vị thực hiện".into(),
        Review::Ambiguous { column, text } => format!(
            "cột \"{}\": \"{text}\" là tên của nhiều đơn vị trong danh mục; chọn một",
            column_vi(*column)
        ),
        Review::Unit(kind) => problem_vi(kind),
        Review::Timeframe(text) => format!("không đọc được thời hạn \"{text}\""),
        Review::NoText => "không có nội dung nhiệm vụ".into(),
    }
}

fn review_en(review: &Review) -> String {
    match review {
        Review::NoLead => "no lead (monitoring) unit named".into(),
        Review::NoImplementer => "no implementing unit named".into(),
        Review::Ambiguous { column, text } => format!(
            "{}: \"{text}\" is the name of several units in the registry; pick one",
            column_en(*column)
        ),
        Review::Unit(kind) => problem_en(kind),
        Review::Timeframe(text) => format!("cannot read the timeframe \"{text}\""),
        Review::NoText => "no task text".into(),
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

fn problem_vi(kind: &ProblemKind) -> String {
    match kind {
        ProblemKind::Unreadable(reason) => format!("không đọc được tệp ({reason})"),
        ProblemKind::CannotOpen { kind, detail } => {
            format!("không mở được tệp: {}", io_error_kind_vi(*kind, detail))
        }
        ProblemKind::TooLarge { bytes, limit } => format!(
            "tệp quá lớn ({}, giới hạn {}; đổi import.max_file_bytes nếu cần)",
            mib(*bytes),
            mib(*limit)
        ),
        ProblemKind::TooManyCells { cells } => format!("bảng quá lớn ({cells} ô)"),
        ProblemKind::EmptyFile => "tệp rỗng".into(),
        ProblemKind::NotUtf8 { line } => format!(
            "tệp không phải UTF-8 (lỗi mã hóa ở dòng {line}); hãy lưu lại dạng \"CSV UTF-8\" hoặc XLSX"
        ),
        ProblemKind::Unsupported(what) => format!("chưa đọc được định dạng {what}; hãy lưu lại dạng DOCX, XLSX hoặc CSV"),
        ProblemKind::NoTable => "tệp không có bảng nào".into(),
        ProblemKind::NoHeader => "không tìm thấy dòng tiêu đề của bảng (các cột như \"Nhiệm vụ trọng tâm\", \"Đơn vị thực hiện\")".into(),
        ProblemKind::MissingPlanColumns(cols) => format!("thiếu cột bắt buộc {}", list(cols, column_vi)),
        ProblemKind::MissingUnitColumns(cols) => format!("thiếu cột bắt buộc {}", list(cols, unit_column_vi)),
        ProblemKind::UnknownUnit {
            column,
            text,
            suggestions,
        } => format!(
            "cột \"{}\": không tìm thấy đơn vị \"{text}\" trong danh mục{} (thêm tên khác bằng dondoc units import)",
            column_vi(*column),
            suggestions_text(suggestions, "có phải", "hay")
        ),
        ProblemKind::Ambiguous {
            column,
            text,
            readings,
        } => format!(
            "cột \"{}\": \"{text}\" đọc được nhiều cách: {}; hãy ghi rõ từng đơn vị, hoặc thêm tên khác vào danh mục",
            column_vi(*column),
            readings.join(" | ")
        ),
        ProblemKind::OtherYear {
            timeframe,
            year,
            plan_year,
        } => format!(
            "thời gian \"{timeframe}\" rơi vào năm {year}, không phải năm {plan_year} của kế hoạch (nếu đúng là vậy, thêm --allow-other-years)"
        ),
        ProblemKind::EmptyGroup { column, text } => format!(
            "cột \"{}\": nhóm \"{text}\" không có đơn vị nào thuộc phạm vi kế hoạch",
            column_vi(*column)
        ),
        ProblemKind::NoUnits => "nhiệm vụ không có đơn vị chủ trì lẫn đơn vị thực hiện".into(),
        ProblemKind::NoTaskText => "dòng không có nội dung nhiệm vụ".into(),
        ProblemKind::ScopeNotFound(code) => format!("không có đơn vị phạm vi {code} trong danh mục"),
        ProblemKind::MissingValue(col) => format!("thiếu {}", unit_column_vi(*col)),
        ProblemKind::BadUnitCode(code) => format!("mã đơn vị \"{code}\" không hợp lệ (không được có dấu cách)"),
        ProblemKind::BadUnitKind(kind) => format!(
            "loại đơn vị \"{kind}\" không hợp lệ (province, department, district, commune, coordinating_office, hotline, other)"
        ),
        ProblemKind::UnknownParent(code) => format!("không có đơn vị cấp trên mã \"{code}\""),
        ProblemKind::DuplicateCode { code, first_row } => format!("mã \"{code}\" trùng với dòng {first_row}"),
        ProblemKind::ParentCycle(code) => format!("đơn vị \"{code}\" nằm trong vòng lặp cấp trên"),
        ProblemKind::BadRole(role) => format!(
            "vai trò \"{role}\" không hợp lệ (head/chủ tịch, deputy, focal_point/đầu mối, coordinator, hotline_operator)"
        ),
        ProblemKind::NoHolidayHeader => "không tìm thấy dòng tiêu đề có các cột \"ngày\" và \"tên\" (\"loại\" nếu có)".into(),
        ProblemKind::NoDates => "tệp không có ngày nào dưới dòng tiêu đề".into(),
        ProblemKind::NoTasks => "có dòng tiêu đề nhưng không có nhiệm vụ nào bên dưới".into(),
        ProblemKind::BadDate(text) => format!("ngày \"{text}\" không hợp lệ (viết dd/mm/yyyy hoặc yyyy-mm-dd)"),
        ProblemKind::BadDayKind(text) => format!("loại ngày \"{text}\" không hợp lệ (nghỉ hoặc làm việc; để trống là nghỉ)"),
        ProblemKind::MissingPersonName => "thiếu họ tên người được mời".into(),
        ProblemKind::NoSuchUnit(code) => format!("không có đơn vị mã \"{code}\" trong danh mục"),
        ProblemKind::DuplicatePerson { first_row } => {
            format!("cùng người (đơn vị, vai trò, họ tên) với dòng {first_row}")
        }
        ProblemKind::MissingHolidayName => "thiếu tên ngày lễ".into(),
        ProblemKind::DuplicateDate { date, first_row } => {
            format!("ngày {} trùng với dòng {first_row}", date.format("%d/%m/%Y"))
        }
        ProblemKind::Case(p) => case_problem_vi(p),
        ProblemKind::NeedsReview(text) => format!(
            "ô \"Cần xem lại\" còn ghi: {text} — kiểm tra, sửa dòng này rồi xoá nội dung ô đó trước khi nhập"
        ),
        ProblemKind::NoProseTasks => "không tìm thấy nhiệm vụ nào: văn bản cần có phần đánh số La Mã về \"NHIỆM VỤ, GIẢI PHÁP\" (một bảng nhiệm vụ thì nhập bằng \"dondoc plan import\")".into(),
        ProblemKind::DraftNeedsReview { tasks } => format!(
            "bản nháp có {tasks} nhiệm vụ cần xem lại; dùng \"dondoc plan draft\" để xuất bảng, sửa rồi nhập bảng đó"
        ),
    }
}

fn problem_en(kind: &ProblemKind) -> String {
    match kind {
        ProblemKind::Unreadable(reason) => format!("cannot read the file ({reason})"),
        ProblemKind::CannotOpen { kind, detail } => {
            format!("cannot open the file: {}", io_error_kind_en(*kind, detail))
        }
        ProblemKind::TooLarge { bytes, limit } => format!(
            "file too large ({}, limit {}; raise import.max_file_bytes if needed)",
            mib(*bytes),
            mib(*limit)
        ),
        ProblemKind::TooManyCells { cells } => format!("table too large ({cells} cells)"),
        ProblemKind::EmptyFile => "empty file".into(),
        ProblemKind::NotUtf8 { line } => format!(
            "the file is not UTF-8 (bad encoding at line {line}); save it as \"CSV UTF-8\" or XLSX"
        ),
        ProblemKind::Unsupported(what) => format!("{what} is not supported; save as DOCX, XLSX or CSV"),
        ProblemKind::NoTable => "the file holds no table".into(),
        ProblemKind::NoHeader => "no header row found (columns such as \"Nhiệm vụ trọng tâm\", \"Đơn vị thực hiện\")".into(),
        ProblemKind::MissingPlanColumns(cols) => format!("required column(s) missing: {}", list(cols, column_en)),
        ProblemKind::MissingUnitColumns(cols) => format!("required column(s) missing: {}", list(cols, unit_column_en)),
        ProblemKind::UnknownUnit {
            column,
            text,
            suggestions,
        } => format!(
            "{} column: unit \"{text}\" is not in the registry{} (add it as an alias with dondoc units import)",
            column_en(*column),
            suggestions_text(suggestions, "did you mean", "or")
        ),
        ProblemKind::Ambiguous {
            column,
            text,
            readings,
        } => format!(
            "{} column: \"{text}\" reads more than one way: {}; name each unit, or add an alias to the registry",
            column_en(*column),
            readings.join(" | ")
        ),
        ProblemKind::OtherYear {
            timeframe,
            year,
            plan_year,
        } => format!(
            "timeframe \"{timeframe}\" falls in {year}, not the plan's year {plan_year} (if that is right, add --allow-other-years)"
        ),
        ProblemKind::EmptyGroup { column, text } => format!(
            "{} column: group \"{text}\" has no unit under the plan's scope",
            column_en(*column)
        ),
        ProblemKind::NoUnits => "the task has neither a lead nor an implementing unit".into(),
        ProblemKind::NoTaskText => "the row has no task text".into(),
        ProblemKind::ScopeNotFound(code) => format!("scope unit {code} is not in the registry"),
        ProblemKind::MissingValue(col) => format!("{} is missing", unit_column_en(*col)),
        ProblemKind::BadUnitCode(code) => format!("invalid unit code \"{code}\" (no spaces allowed)"),
        ProblemKind::BadUnitKind(kind) => format!(
            "invalid unit kind \"{kind}\" (province, department, district, commune, coordinating_office, hotline, other)"
        ),
        ProblemKind::UnknownParent(code) => format!("no parent unit with code \"{code}\""),
        ProblemKind::DuplicateCode { code, first_row } => format!("code \"{code}\" repeats row {first_row}"),
        ProblemKind::ParentCycle(code) => format!("unit \"{code}\" is its own ancestor"),
        ProblemKind::BadRole(role) => format!(
            "invalid role \"{role}\" (head, deputy, focal_point, coordinator, hotline_operator)"
        ),
        ProblemKind::NoHolidayHeader => "no header row with the columns \"date\" and \"name\" (and \"kind\" if any)".into(),
        ProblemKind::NoDates => "the file lists no dates under its header row".into(),
        ProblemKind::NoTasks => "a header row and no task under it".into(),
        ProblemKind::BadDate(text) => format!("invalid date \"{text}\" (write dd/mm/yyyy or yyyy-mm-dd)"),
        ProblemKind::BadDayKind(text) => format!("invalid kind \"{text}\" (day_off or working_day; empty means day off)"),
        ProblemKind::MissingPersonName => "the invited person's name is missing".into(),
        ProblemKind::NoSuchUnit(code) => format!("no unit with code \"{code}\" in the registry"),
        ProblemKind::DuplicatePerson { first_row } => {
            format!("the same person (unit, role, name) as row {first_row}")
        }
        ProblemKind::MissingHolidayName => "the holiday's name is missing".into(),
        ProblemKind::DuplicateDate { date, first_row } => {
            format!("date {} repeats row {first_row}", date.format("%d/%m/%Y"))
        }
        ProblemKind::Case(p) => case_problem_en(p),
        ProblemKind::NeedsReview(text) => format!(
            "the \"Cần xem lại\" (to review) cell still says: {text} — check and fix the row, then empty that cell before importing"
        ),
        ProblemKind::NoProseTasks => "no task found: the text needs a Roman-numbered part on \"NHIỆM VỤ, GIẢI PHÁP\" (import a task table with \"dondoc plan import\")".into(),
        ProblemKind::DraftNeedsReview { tasks } => format!(
            "the draft has {tasks} task(s) to review; write the table with \"dondoc plan draft\", fix it, then import that table"
        ),
    }
}

/// Everything the bot says in chat. Short lines: officials read them on small phones.
#[derive(Debug, Clone, PartialEq)]
pub enum BotText<'a> {
    Welcome {
        name: &'a str,
        unit: &'a str,
        role: &'a str,
    },
    NeedInvitation,
    CodeUnknown,
    CodeUsed,
    CodeExpired,
    TooManyBadCodes,
    NotRegistered,
    Help,
    Hint,
    /// A message recorded just before the service stopped, handled again after the restart.
    AlreadyRecorded,
    /// The database does not answer: the message waits and will be recorded.
    WillRecord,
    /// A chat sending too many messages the bot cannot understand.
    SlowDown,
    ReplyToUnrelated,
    NoOpenTasks,
    Page {
        page: usize,
        pages: usize,
    },
    NextPage,
    AskNote {
        task: &'a str,
        status: AssignmentStatus,
    },
    AskBlockedNote {
        task: &'a str,
    },
    AskDocument {
        task: &'a str,
    },
    Skip,
    Recorded {
        task: &'a str,
        status: AssignmentStatus,
    },
    NotYourTask,
    SaveFailed,
    NoteRequired,
    ButtonDone,
    ButtonInProgress,
    ButtonBlocked,
    ButtonDocument,
    CardUnit,
    CardDue,
    CardStatus,
    CommandTasks,
    CommandReports,
    CommandHelp,
    CommandOverview,
    CommandDigest,
    CommandCase,
    CommandCases,
    CommandOverdue,
    CommandExport,
    Role(crate::domain::PersonRole),
    NoReportsOwed,
    ButtonSubmit,
    ReportSubmitted {
        on: String,
    },
    ReportOverdue,
    ReportPending,
    AskReport {
        report: &'a str,
        unit: &'a str,
    },
    ReportReceived {
        report: &'a str,
        unit: &'a str,
    },
    OverviewHeader {
        units: usize,
    },
    OverviewLine {
        unit: &'a str,
        done: i64,
        in_progress: i64,
        blocked: i64,
        not_started: i64,
    },
    OverviewMore {
        units: usize,
    },
    NothingToOverview,
    UnitNotVisible,
    GroupOnly,
    GroupNotBound,
    GroupTaken,
    ChooseUnit {
        codes: &'a str,
    },
    GroupBound {
        unit: &'a str,
    },
    LanguageSet,
    LanguageUsage,
    NextReport {
        on: &'a str,
    },
    // The safe, quiet dialogue (issue 12).
    /// A status recorded at the press of its button.
    RecordedBlocked {
        task: &'a str,
    },
    ButtonAddNote,
    AskNoteFor {
        task: &'a str,
    },
    NoteAdded {
        task: &'a str,
    },
    NoteSkipped,
    QuestionClosed,
    ConfirmNote {
        task: &'a str,
        note: &'a str,
    },
    ButtonYes,
    ButtonNo,
    ProposeStatus {
        task: &'a str,
        status: AssignmentStatus,
    },
    ProposeReport {
        report: &'a str,
        unit: &'a str,
    },
    ProposeNote {
        note: &'a str,
    },
    ProposeUnknown {
        item: &'a str,
    },
    ProposeFooter,
    ProposalDeclined,
    WhichItemForFile,
    ButtonNoItem,
    FileKeptUnfiled,
    NoItemsForFile,
    TaskList {
        count: usize,
        page: usize,
        pages: usize,
    },
    ButtonPrev,
    ButtonNext,
    Overdue {
        days: i64,
    },
    ReportList {
        count: usize,
    },
    BlockedNoReason,
    HelpFor(crate::domain::PersonRole),
}

impl BotText<'_> {
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.vi(),
            Lang::En => self.en(),
        }
    }

    fn vi(&self) -> String {
        use crate::domain::PersonRole as R;
        match self {
            BotText::Welcome { name, unit, role } => format!(
                "Xin chào {name}. Bạn đã được đăng ký: {role}, {unit}.\nBạn sẽ nhận nhiệm vụ, hạn báo cáo và lời nhắc tại đây. Gõ /viec để xem việc của bạn."
            ),
            BotText::NeedInvitation => "Bạn cần mã mời từ Sở/Phòng Nội vụ. Mở liên kết mời hoặc gõ /start MÃ_MỜI.".into(),
            BotText::CodeUnknown => "Mã mời không đúng. Kiểm tra lại hoặc xin mã mới từ Phòng Nội vụ.".into(),
            BotText::CodeUsed => "Mã mời này đã được dùng. Xin mã mới từ Phòng Nội vụ nếu cần.".into(),
            BotText::CodeExpired => "Mã mời đã hết hạn. Xin mã mới từ Phòng Nội vụ.".into(),
            BotText::TooManyBadCodes => "Nhập sai mã quá nhiều lần. Vui lòng thử lại sau một giờ.".into(),
            BotText::NotRegistered => "Bạn chưa được đăng ký. Mở liên kết mời từ Phòng Nội vụ để bắt đầu.".into(),
            BotText::Help => "/viec – việc của tôi, bấm nút để báo tình hình\n/baocao – báo cáo phải nộp\n/tinhhinh – tình hình các đơn vị (lãnh đạo, Nội vụ)\n/tonghop – bản tổng hợp hằng ngày\n/quahan – việc quá hạn\n/xuat [kỳ] – xuất báo cáo định kỳ (Nội vụ), ví dụ /xuat Q3\n/phananh – ghi nhận phản ánh (tổng đài)\n/vuviec [số] – phản ánh, kiến nghị\n/nhom – gắn nhóm chat với đơn vị\n/ngonngu en – English\n/trogiup – hướng dẫn\nTrả lời (reply) vào tin nhắn nhiệm vụ bằng chữ, tệp hoặc ảnh để báo cáo.".into(),
            BotText::Hint => "Chưa hiểu tin nhắn. Gõ /viec để xem việc, /trogiup để xem hướng dẫn.".into(),
            BotText::AlreadyRecorded => "✅ Đã ghi nhận tin nhắn này.".into(),
            BotText::WillRecord => "⏳ Hệ thống đang tạm gián đoạn. Tin nhắn của bạn đã được giữ lại và sẽ được ghi nhận ngay khi hệ thống hoạt động trở lại; không cần gửi lại.".into(),
            BotText::SlowDown => "Bạn gửi nhiều tin nhắn quá. Bot sẽ không trả lời các tin nhắn không hiểu trong một phút; gõ /trogiup để xem hướng dẫn.".into(),
            BotText::ReplyToUnrelated => "Tin nhắn này không gắn với nhiệm vụ nào. Hãy trả lời vào tin nhắn nhiệm vụ (gõ /viec).".into(),
            BotText::NoOpenTasks => "Bạn không có nhiệm vụ nào đang mở.".into(),
            BotText::Page { page, pages } => format!("Trang {page}/{pages}"),
            BotText::NextPage => "Trang sau ▶".into(),
            BotText::AskNote { task, status } => format!(
                "{task}\n→ {}. Gửi ghi chú (trả lời tin này) hoặc bấm Bỏ qua.",
                Text::Status(*status).render(Lang::Vi)
            ),
            BotText::AskBlockedNote { task } => format!("{task}\n→ vướng mắc. Nêu vướng mắc (trả lời tin này)."),
            BotText::AskDocument { task } => format!("{task}\nGửi tài liệu hoặc ảnh (trả lời tin này)."),
            BotText::Skip => "Bỏ qua".into(),
            BotText::Recorded { task, status } => format!(
                "Đã ghi nhận: {task} – {}.",
                Text::Status(*status).render(Lang::Vi)
            ),
            BotText::NotYourTask => "Nhiệm vụ này không thuộc đơn vị của bạn.".into(),
            BotText::SaveFailed => "Chưa lưu được báo cáo do lỗi hệ thống. Vui lòng gửi lại sau ít phút.".into(),
            BotText::NoteRequired => "Cần nêu vướng mắc. Vui lòng gửi ghi chú bằng chữ.".into(),
            BotText::ButtonDone => "Đã hoàn thành".into(),
            BotText::ButtonInProgress => "Đang thực hiện".into(),
            BotText::ButtonBlocked => "Gặp vướng mắc".into(),
            BotText::ButtonDocument => "Gửi tài liệu".into(),
            BotText::CardUnit => "Đơn vị".into(),
            BotText::CardDue => "Hạn".into(),
            BotText::CardStatus => "Trạng thái".into(),
            BotText::CommandTasks => "Việc của tôi".into(),
            BotText::CommandReports => "Báo cáo phải nộp".into(),
            BotText::CommandHelp => "Hướng dẫn".into(),
            BotText::CommandOverview => "Tình hình các đơn vị".into(),
            BotText::CommandDigest => "Tổng hợp (Nội vụ, đơn vị chủ trì)".into(),
            BotText::CommandCase => "Ghi nhận phản ánh (tổng đài)".into(),
            BotText::CommandCases => "Phản ánh, kiến nghị".into(),
            BotText::CommandOverdue => "Việc quá hạn".into(),
            BotText::CommandExport => ReportText::CommandExport.render(Lang::Vi),
            BotText::OverviewHeader { units } => format!("Tình hình thực hiện ({units} đơn vị):"),
            BotText::OverviewLine { unit, done, in_progress, blocked, not_started } => format!(
                "• {unit}: {done} xong · {in_progress} đang làm · {blocked} vướng · {not_started} chưa báo cáo"
            ),
            BotText::OverviewMore { units } => format!("… và {units} đơn vị khác. Gõ /tinhhinh MÃ_ĐƠN_VỊ để xem một đơn vị."),
            BotText::NothingToOverview => "Chưa có nhiệm vụ nào trong phạm vi theo dõi của bạn.".into(),
            BotText::GroupOnly => "Lệnh /nhom dùng trong nhóm chat của đơn vị.".into(),
            BotText::LanguageSet => "Đã chuyển sang tiếng Việt.".into(),
            BotText::NextReport { on } => format!("Báo cáo tiếp theo: {on}"),
            BotText::RecordedBlocked { task } => format!("Đã ghi nhận: {task} – vướng mắc.\nNêu lý do vướng mắc (trả lời tin này)."),
            BotText::ButtonAddNote => "Thêm ghi chú".into(),
            BotText::AskNoteFor { task } => format!("Gửi ghi chú cho: {task} (trả lời tin này)."),
            BotText::NoteAdded { task } => format!("Đã thêm ghi chú: {task}."),
            BotText::NoteSkipped => "Không thêm ghi chú.".into(),
            BotText::QuestionClosed => "Câu hỏi này đã đóng. Gõ /viec để báo tình hình.".into(),
            BotText::ConfirmNote { task, note } => format!("Ghi tin nhắn này làm ghi chú cho: {task}?\n«{note}»"),
            BotText::ButtonYes => "Đúng".into(),
            BotText::ButtonNo => "Không phải".into(),
            BotText::ProposeStatus { task, status } => format!("Ghi nhận: {task} – {}?", Text::Status(*status).render(Lang::Vi)),
            BotText::ProposeReport { report, unit } => format!("Ghi nhận: {report} – {unit} – đã nộp?"),
            BotText::ProposeNote { note } => format!("Ghi chú: {note}"),
            BotText::ProposeUnknown { item } => format!("Không thấy việc số {item} trong /viec của bạn."),
            BotText::ProposeFooter => "Bấm «Đúng» để ghi nhận, «Không phải» để bỏ.".into(),
            BotText::ProposalDeclined => "Không ghi nhận gì. Gõ /viec để chọn việc và bấm nút.".into(),
            BotText::WhichItemForFile => "Đã giữ tệp. Tệp này cho việc hoặc báo cáo nào? Bấm một mục để gửi vào đó.".into(),
            BotText::ButtonNoItem => "Không thuộc mục nào".into(),
            BotText::FileKeptUnfiled => "Tệp được giữ lại, chưa gắn với việc nào.".into(),
            BotText::NoItemsForFile => "Đã giữ tệp, nhưng bạn không có việc hay báo cáo nào đang mở để gắn vào.".into(),
            BotText::TaskList { count, page, pages } => format!("Việc đang mở: {count} · trang {page}/{pages}\nBấm số để xem và báo tình hình."),
            BotText::ButtonPrev => "‹ Trước".into(),
            BotText::ButtonNext => "Sau ›".into(),
            BotText::Overdue { days } => format!("quá hạn {days} ngày"),
            BotText::ReportList { count } => format!("Báo cáo phải nộp: {count}. Bấm để nộp."),
            BotText::BlockedNoReason => "vướng mắc, chưa nêu lý do".into(),
            BotText::HelpFor(role) => help_vi(*role),
            BotText::LanguageUsage => "Gõ /ngonngu vi (tiếng Việt) hoặc /ngonngu en (English).".into(),
            BotText::GroupNotBound => "Nhóm này chưa gắn với đơn vị nào. Thành viên đơn vị gõ /nhom để gắn.".into(),
            BotText::GroupTaken => "Nhóm này đã gắn với một đơn vị khác.".into(),
            BotText::ChooseUnit { codes } => format!("Bạn thuộc nhiều đơn vị. Gõ /nhom MÃ_ĐƠN_VỊ, một trong: {codes}"),
            BotText::GroupBound { unit } => format!("Nhóm này đã gắn với {unit}: việc và báo cáo của đơn vị sẽ hiện ở đây."),
            BotText::UnitNotVisible => "Đơn vị này không thuộc phạm vi theo dõi của bạn.".into(),
            BotText::NoReportsOwed => "Đơn vị của bạn không có báo cáo nào phải nộp.".into(),
            BotText::ButtonSubmit => "Nộp báo cáo".into(),
            BotText::ReportSubmitted { on } => format!("đã nộp {on}"),
            BotText::ReportOverdue => "quá hạn, chưa nộp".into(),
            BotText::ReportPending => "chưa nộp".into(),
            BotText::AskReport { report, unit } => format!("{report} – {unit}\nGửi báo cáo: chữ, tệp hoặc ảnh (trả lời tin này)."),
            BotText::ReportReceived { report, unit } => format!("Đã nhận báo cáo: {report} – {unit}."),
            BotText::Role(role) => match role {
                R::Head => "thủ trưởng/chủ tịch",
                R::Deputy => "cấp phó",
                R::FocalPoint => "cán bộ đầu mối",
                R::Coordinator => "cán bộ Nội vụ theo dõi",
                R::HotlineOperator => "cán bộ tổng đài",
            }
            .into(),
        }
    }

    fn en(&self) -> String {
        use crate::domain::PersonRole as R;
        match self {
            BotText::Welcome { name, unit, role } => format!(
                "Hello {name}. You are registered as {role}, {unit}.\nYou will get tasks, report deadlines and reminders here. Send /viec to see your tasks."
            ),
            BotText::NeedInvitation => "You need an invitation code from the Department of Home Affairs. Open the invitation link or send /start CODE.".into(),
            BotText::CodeUnknown => "That invitation code is not valid. Check it or ask for a new one.".into(),
            BotText::CodeUsed => "That invitation code has already been used.".into(),
            BotText::CodeExpired => "That invitation code has expired. Ask for a new one.".into(),
            BotText::TooManyBadCodes => "Too many wrong codes. Please try again in an hour.".into(),
            BotText::NotRegistered => "You are not registered yet. Open your invitation link to start.".into(),
            BotText::Help => "/viec – my tasks, with buttons to report\n/baocao – reports owed\n/tinhhinh – status of units (leaders, coordinators)\n/tonghop – the daily digest\n/quahan – overdue items\n/xuat [period] – export the periodic report (coordinators), e.g. /xuat Q3\n/phananh – log a citizen report (hotline)\n/vuviec [number] – citizen cases\n/nhom – bind a group chat to your unit\n/ngonngu vi – tiếng Việt\n/trogiup – help\nReply to a task message with text, a file or a photo to report on it.".into(),
            BotText::Hint => "Sorry, I did not understand. Send /viec for your tasks or /trogiup for help.".into(),
            BotText::AlreadyRecorded => "✅ This message was recorded.".into(),
            BotText::WillRecord => "⏳ The system is briefly unavailable. Your message is held and will be recorded as soon as it is back; no need to send it again.".into(),
            BotText::SlowDown => "That is a lot of messages. For a minute I will not answer messages I do not understand; send /trogiup for help.".into(),
            BotText::ReplyToUnrelated => "That message is not about a task. Reply to a task message (send /viec).".into(),
            BotText::NoOpenTasks => "You have no open tasks.".into(),
            BotText::Page { page, pages } => format!("Page {page}/{pages}"),
            BotText::NextPage => "Next page ▶".into(),
            BotText::AskNote { task, status } => format!(
                "{task}\n→ {}. Send a note (reply to this message) or press Skip.",
                Text::Status(*status).render(Lang::En)
            ),
            BotText::AskBlockedNote { task } => format!("{task}\n→ blocked. Describe the difficulty (reply to this message)."),
            BotText::AskDocument { task } => format!("{task}\nSend the document or photo (reply to this message)."),
            BotText::Skip => "Skip".into(),
            BotText::Recorded { task, status } => format!(
                "Recorded: {task} – {}.",
                Text::Status(*status).render(Lang::En)
            ),
            BotText::NotYourTask => "This task does not belong to your unit.".into(),
            BotText::SaveFailed => "Your report could not be saved because of a system error. Please send it again in a few minutes.".into(),
            BotText::NoteRequired => "Please describe the difficulty in a text message.".into(),
            BotText::ButtonDone => "Done".into(),
            BotText::ButtonInProgress => "In progress".into(),
            BotText::ButtonBlocked => "Blocked".into(),
            BotText::ButtonDocument => "Send document".into(),
            BotText::CardUnit => "Unit".into(),
            BotText::CardDue => "Due".into(),
            BotText::CardStatus => "Status".into(),
            BotText::CommandTasks => "My tasks".into(),
            BotText::CommandReports => "Reports owed".into(),
            BotText::CommandHelp => "Help".into(),
            BotText::CommandOverview => "Status of units".into(),
            BotText::CommandDigest => "Digest (coordinators, lead units)".into(),
            BotText::CommandCase => "Log a citizen report (hotline)".into(),
            BotText::CommandCases => "Citizen cases".into(),
            BotText::CommandOverdue => "Overdue items".into(),
            BotText::CommandExport => ReportText::CommandExport.render(Lang::En),
            BotText::OverviewHeader { units } => format!("Progress ({units} units):"),
            BotText::OverviewLine { unit, done, in_progress, blocked, not_started } => format!(
                "• {unit}: {done} done · {in_progress} in progress · {blocked} blocked · {not_started} not reported"
            ),
            BotText::OverviewMore { units } => format!("… and {units} more units. Send /tinhhinh UNIT_CODE for one unit."),
            BotText::NothingToOverview => "There are no tasks within what you monitor.".into(),
            BotText::GroupOnly => "Use /nhom in your unit's group chat.".into(),
            BotText::LanguageSet => "Language: English.".into(),
            BotText::NextReport { on } => format!("Next report due: {on}"),
            BotText::RecordedBlocked { task } => format!("Recorded: {task} – blocked.\nWhat is blocking it? (reply to this message)"),
            BotText::ButtonAddNote => "Add a note".into(),
            BotText::AskNoteFor { task } => format!("Send the note for: {task} (reply to this message)."),
            BotText::NoteAdded { task } => format!("Note added: {task}."),
            BotText::NoteSkipped => "No note added.".into(),
            BotText::QuestionClosed => "That question is closed. Send /viec to report.".into(),
            BotText::ConfirmNote { task, note } => format!("Add this message as a note to: {task}?\n«{note}»"),
            BotText::ButtonYes => "Yes".into(),
            BotText::ButtonNo => "No".into(),
            BotText::ProposeStatus { task, status } => format!("Record: {task} – {}?", Text::Status(*status).render(Lang::En)),
            BotText::ProposeReport { report, unit } => format!("Record: {report} – {unit} – submitted?"),
            BotText::ProposeNote { note } => format!("Note: {note}"),
            BotText::ProposeUnknown { item } => format!("There is no task {item} in your /viec."),
            BotText::ProposeFooter => "Press «Yes» to record, «No» to drop it.".into(),
            BotText::ProposalDeclined => "Nothing recorded. Send /viec to choose a task and press its button.".into(),
            BotText::WhichItemForFile => "File kept. Which task or report is it for? Tap one to file it there.".into(),
            BotText::ButtonNoItem => "None of these".into(),
            BotText::FileKeptUnfiled => "The file is kept, filed with no task.".into(),
            BotText::NoItemsForFile => "File kept, but you have no open task or report to file it with.".into(),
            BotText::TaskList { count, page, pages } => format!("Open tasks: {count} · page {page}/{pages}\nTap a number to see it and report."),
            BotText::ButtonPrev => "‹ Previous".into(),
            BotText::ButtonNext => "Next ›".into(),
            BotText::Overdue { days } => format!("{days} days overdue"),
            BotText::ReportList { count } => format!("Reports owed: {count}. Tap to submit."),
            BotText::BlockedNoReason => "blocked, no reason given yet".into(),
            BotText::HelpFor(role) => help_en(*role),
            BotText::LanguageUsage => "Send /ngonngu en (English) or /ngonngu vi (tiếng Việt).".into(),
            BotText::GroupNotBound => "This group belongs to no unit yet. A member of the unit sends /nhom to bind it.".into(),
            BotText::GroupTaken => "This group belongs to another unit.".into(),
            BotText::ChooseUnit { codes } => format!("You belong to several units. Send /nhom UNIT_CODE, one of: {codes}"),
            BotText::GroupBound { unit } => format!("This group now belongs to {unit}: its tasks and reports show here."),
            BotText::UnitNotVisible => "That unit is not within what you monitor.".into(),
            BotText::NoReportsOwed => "Your unit owes no reports.".into(),
            BotText::ButtonSubmit => "Submit report".into(),
            BotText::ReportSubmitted { on } => format!("submitted {on}"),
            BotText::ReportOverdue => "overdue, not submitted".into(),
            BotText::ReportPending => "not submitted".into(),
            BotText::AskReport { report, unit } => format!("{report} – {unit}\nSend the report: text, a file or a photo (reply to this message)."),
            BotText::ReportReceived { report, unit } => format!("Report received: {report} – {unit}."),
            BotText::Role(role) => match role {
                R::Head => "head",
                R::Deputy => "deputy",
                R::FocalPoint => "focal point",
                R::Coordinator => "coordinator",
                R::HotlineOperator => "hotline operator",
            }
            .into(),
        }
    }
}

/// `/trogiup` for one role: only the commands that role can use.
fn help_vi(role: crate::domain::PersonRole) -> String {
    use crate::domain::PersonRole as R;
    let mut lines = vec![
        "/viec – việc của tôi, bấm số rồi bấm nút để báo tình hình",
        "/baocao – báo cáo phải nộp",
    ];
    match role {
        R::Head | R::Deputy | R::FocalPoint => {
            lines.push("/tinhhinh – tình hình đơn vị");
            lines.push("/quahan – việc quá hạn");
            lines.push("/vuviec [số] – phản ánh, kiến nghị gửi đơn vị");
            lines.push("/nhom – gắn nhóm chat với đơn vị");
        }
        R::Coordinator => {
            lines.push("/tinhhinh [MÃ] – tình hình các đơn vị");
            lines.push("/tonghop – bản tổng hợp hằng ngày");
            lines.push("/quahan – việc quá hạn");
            lines.push("/xuat [kỳ] – xuất báo cáo định kỳ, ví dụ /xuat Q3");
            lines.push("/vuviec [số] – phản ánh, kiến nghị");
        }
        R::HotlineOperator => {
            lines.push("/phananh – ghi nhận phản ánh");
            lines.push("/vuviec [số] – phản ánh, kiến nghị");
        }
    }
    lines.push("/ngonngu en – English");
    lines.push("/trogiup – hướng dẫn");
    lines.push("Trả lời (reply) vào tin nhắn nhiệm vụ bằng chữ, tệp hoặc ảnh để báo cáo; hoặc viết, ví dụ: «xong việc 3», «vướng 2: thiếu kinh phí».");
    lines.join("\n")
}

fn help_en(role: crate::domain::PersonRole) -> String {
    use crate::domain::PersonRole as R;
    let mut lines = vec![
        "/viec – my tasks: tap a number, then a button to report",
        "/baocao – reports owed",
    ];
    match role {
        R::Head | R::Deputy | R::FocalPoint => {
            lines.push("/tinhhinh – my unit's progress");
            lines.push("/quahan – overdue items");
            lines.push("/vuviec [number] – citizen cases sent to my unit");
            lines.push("/nhom – bind a group chat to your unit");
        }
        R::Coordinator => {
            lines.push("/tinhhinh [CODE] – status of units");
            lines.push("/tonghop – the daily digest");
            lines.push("/quahan – overdue items");
            lines.push("/xuat [period] – export the periodic report, e.g. /xuat Q3");
            lines.push("/vuviec [number] – citizen cases");
        }
        R::HotlineOperator => {
            lines.push("/phananh – log a citizen report");
            lines.push("/vuviec [number] – citizen cases");
        }
    }
    lines.push("/ngonngu vi – tiếng Việt");
    lines.push("/trogiup – help");
    lines.push("Reply to a task message with text, a file or a photo to report on it; or write, e.g. «xong việc 3» (task 3 done), «vướng 2: thiếu kinh phí» (task 2 blocked: no budget).");
    lines.join("\n")
}

/// Day names, for due dates shown with their weekday ("15/11/2026 (Chủ nhật)"): a due date
/// that falls on a day off is shown as it is, and the weekday says so.
pub fn weekday_name(day: chrono::Weekday, lang: Lang) -> &'static str {
    use chrono::Weekday as W;
    match (lang, day) {
        (Lang::Vi, W::Mon) => "Thứ Hai",
        (Lang::Vi, W::Tue) => "Thứ Ba",
        (Lang::Vi, W::Wed) => "Thứ Tư",
        (Lang::Vi, W::Thu) => "Thứ Năm",
        (Lang::Vi, W::Fri) => "Thứ Sáu",
        (Lang::Vi, W::Sat) => "Thứ Bảy",
        (Lang::Vi, W::Sun) => "Chủ nhật",
        (Lang::En, W::Mon) => "Monday",
        (Lang::En, W::Tue) => "Tuesday",
        (Lang::En, W::Wed) => "Wednesday",
        (Lang::En, W::Thu) => "Thursday",
        (Lang::En, W::Fri) => "Friday",
        (Lang::En, W::Sat) => "Saturday",
        (Lang::En, W::Sun) => "Sunday",
    }
}

/// "15/11/2026 (Chủ nhật)".
pub fn due_with_weekday(date: chrono::NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    format!(
        "{} ({})",
        date.format("%d/%m/%Y"),
        weekday_name(date.weekday(), lang)
    )
}

/// What the scheduler sends on its own: reminders, escalations, closing reports, digests.
/// Lines are built by the caller; these are the sentences around them.
#[derive(Debug, Clone, PartialEq)]
pub enum ChaseText<'a> {
    /// "còn 3 ngày" / "hôm nay là hạn cuối".
    DaysLeft(i64),
    ReportReminder {
        label: &'a str,
        plan: &'a str,
        unit: &'a str,
        due: &'a str,
        days_left: i64,
    },
    ReportCovers,
    ReportHowTo,
    WindowOpen {
        label: &'a str,
        plan: &'a str,
        unit: &'a str,
        due: &'a str,
    },
    TaskReminder {
        unit: &'a str,
        due: &'a str,
        days_left: i64,
        count: usize,
    },
    TaskHowTo,
    MoreTasks(usize),
    Nudge {
        unit: &'a str,
    },
    HeadsEscalation {
        unit: &'a str,
    },
    /// To a lead unit's focal point: the units late on what it monitors (listed after).
    LeadEscalation {
        lead: &'a str,
        units: usize,
    },
    EscalationHowTo,
    EscalationHowToCases,
    EscalationHowToBoth,
    /// "– Báo cáo quý I (PAPI-2026): hạn 10/03/2026, quá 3 ngày"
    OverdueItem {
        item: &'a str,
        due: &'a str,
        days: i64,
    },
    Closing {
        label: &'a str,
        plan: &'a str,
        due: &'a str,
        reported: usize,
        owing: usize,
    },
    ClosingMissing(usize),
    ClosingAllReported,
    DigestHeader {
        date: &'a str,
    },
    DigestPlan {
        plan: &'a str,
        done: i64,
        total: i64,
        in_progress: i64,
        blocked: i64,
        not_started: i64,
    },
    DigestDimension {
        dimension: &'a str,
        done: i64,
        total: i64,
        blocked: i64,
    },
    DigestOverdue {
        items: usize,
        units: usize,
    },
    DigestNothingOverdue,
    DigestUnit {
        unit: &'a str,
        items: usize,
    },
    /// Appended to an item that reached the coordinating office's digest step.
    DigestEscalatedMark,
    DigestMoreUnits(usize),
    DigestLate,
    DigestLateItem {
        unit: &'a str,
        label: &'a str,
        due: &'a str,
        submitted: &'a str,
    },
    DigestUnreachable,
    /// Wrong invitation codes typed in the last 24 hours.
    DigestBadCodes {
        attempts: i64,
        chats: i64,
    },
    DigestUnreachableItem {
        name: &'a str,
        unit: &'a str,
        since: &'a str,
    },
    DigestUpcoming,
    DigestUpcomingReport {
        label: &'a str,
        plan: &'a str,
        due: &'a str,
        missing: usize,
    },
    DigestUpcomingTask {
        task: &'a str,
        due: &'a str,
        units: usize,
    },
    DigestNothingUpcoming,
    NoDigestScope,
    NothingOverdue,
    /// A citizen case in an escalation list.
    CaseItem {
        number: &'a str,
    },
    CaseAckReminder {
        number: &'a str,
        by: &'a str,
        late: bool,
    },
    CaseAnswerReminder {
        number: &'a str,
        due: &'a str,
        days_left: i64,
    },
    DigestLateCases(usize),
    /// This month's citizen cases in the coordinator's digest.
    DigestCaseFigures {
        month: &'a str,
        received: u32,
        acknowledged: u32,
        answered: u32,
        late: u32,
        open: u32,
    },
    DigestCasesByUnit,
    DigestCasesByCategory,
    /// One unit's or category's case figures this month.
    DigestCaseRow {
        name: &'a str,
        received: u32,
        acknowledged: u32,
        answered: u32,
        late: u32,
        open: u32,
    },
    DigestMoreCaseUnits(usize),
    DigestLateCase {
        number: &'a str,
        unit: &'a str,
        due: &'a str,
        days: i64,
    },
    /// Units with work and no one the bot can tell (digest, `/tinhhinh`, `members list --missing`).
    NoOneToTellUnits(usize),
    /// One of them: nobody linked (`unreachable` 0), or every linked member unreachable.
    NoOneToTellUnit {
        unit: &'a str,
        unreachable: i64,
    },
    MoreNoOneToTell(usize),
    MoreUnreachable(usize),
    /// `members list --missing` with nothing to show.
    EveryoneReachable,
    /// Citizen cases with a unit no one can be told in (the coordinator's digest).
    DigestUnreachedCases(usize),
    DigestUnreachedCase {
        number: &'a str,
        unit: &'a str,
    },
    /// Overdue items of plans of past years, in one line instead of one each.
    DigestPastYears {
        items: usize,
        units: usize,
    },
    /// In a coordinator's digest: her own unit's overdue items (the nudge she is not sent
    /// separately).
    DigestOwnOverdue {
        unit: &'a str,
        items: usize,
    },
    /// Opens a reminder that also announces its window (both due the same day).
    WindowOpenToo,
    /// `/tinhhinh UNIT`: how far up the escalation ladder the unit's overdue items are.
    EscalationSummary {
        nudged: usize,
        heads: usize,
        office: usize,
    },
}

impl ChaseText<'_> {
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.vi(),
            Lang::En => self.en(),
        }
    }

    fn vi(&self) -> String {
        use ChaseText as C;
        match self {
            C::DaysLeft(0) => "hôm nay là hạn cuối".into(),
            C::DaysLeft(n) => format!("còn {n} ngày"),
            C::ReportReminder { label, plan, unit, due, days_left } => format!(
                "⏰ Nhắc hạn báo cáo: {label} ({plan})\nĐơn vị: {unit}\nHạn: {due} — {}",
                C::DaysLeft(*days_left).vi()
            ),
            C::ReportCovers => "Báo cáo kết quả các nhiệm vụ:".into(),
            C::ReportHowTo => "Bấm «Nộp báo cáo» hoặc trả lời tin này bằng văn bản, tệp hoặc ảnh.".into(),
            C::WindowOpen { label, plan, unit, due } => format!(
                "🗓 Bắt đầu kỳ báo cáo: {label} ({plan})\nĐơn vị: {unit} · hạn nộp {due}"
            ),
            C::TaskReminder { unit, due, days_left, count } => format!(
                "⏰ {count} nhiệm vụ của {unit} đến hạn {due} — {}:",
                C::DaysLeft(*days_left).vi()
            ),
            C::TaskHowTo => "Gõ /viec để báo tình hình từng nhiệm vụ.".into(),
            C::MoreTasks(n) => format!("… và {n} nhiệm vụ khác (gõ /viec)"),
            C::Nudge { unit } => format!("⚠️ Quá hạn — {unit}:"),
            C::HeadsEscalation { unit } => format!(
                "🔴 Nhắc lần hai — {unit} vẫn chưa thực hiện (đã báo lãnh đạo đơn vị và đơn vị chủ trì):"
            ),
            C::LeadEscalation { lead, units } => format!(
                "🔴 {units} đơn vị quá hạn việc do {lead} chủ trì theo dõi (đã nhắc hai lần):"
            ),
            C::EscalationHowTo => "Đề nghị khẩn trương thực hiện: gõ /baocao hoặc /viec.".into(),
            C::EscalationHowToCases => "Đề nghị trả lời ngay: trả lời tin nhắn phản ánh hoặc gõ /vuviec.".into(),
            C::EscalationHowToBoth => "Đề nghị khẩn trương thực hiện: gõ /baocao, /viec hoặc /vuviec.".into(),
            C::OverdueItem { item, due, days } => format!("– {item}: hạn {due}, quá {days} ngày"),
            C::Closing { label, plan, due, reported, owing } => format!(
                "📋 Hết hạn {label} ({plan}), hạn {due}.\nĐã nộp: {reported}/{owing} đơn vị."
            ),
            C::ClosingMissing(n) => format!("Chưa nộp ({n}):"),
            C::ClosingAllReported => "Tất cả đơn vị đã nộp.".into(),
            C::DigestHeader { date } => format!("📊 Tổng hợp ngày {date}"),
            C::DigestPlan { plan, done, total, in_progress, blocked, not_started } => format!(
                "{plan}: {done}/{total} xong · {in_progress} đang làm · {blocked} vướng · {not_started} chưa báo"
            ),
            C::DigestDimension { dimension, done, total, blocked } => {
                format!("  – {dimension}: {done}/{total} xong, {blocked} vướng")
            }
            C::DigestOverdue { items, units } => format!("⏰ Quá hạn: {items} việc ở {units} đơn vị"),
            C::DigestNothingOverdue => "✅ Không có việc quá hạn.".into(),
            C::DigestUnit { unit, items } => format!("{unit} ({items}):"),
            C::DigestEscalatedMark => " ‼".into(),
            C::DigestMoreUnits(n) => format!("… và {n} đơn vị khác (gõ /quahan)"),
            C::DigestLate => "🐢 Nộp muộn:".into(),
            C::DigestLateItem { unit, label, due, submitted } => {
                format!("– {unit}: {label} (hạn {due}, nộp {submitted})")
            }
            C::DigestUnreachable => "📵 Không liên lạc được qua Telegram:".into(),
            C::DigestBadCodes { attempts, chats } => format!(
                "🔐 Mã mời sai trong 24 giờ qua: {attempts} lần từ {chats} tài khoản Telegram (sau 5 lần sai trong một giờ, tài khoản bị từ chối không kiểm tra)."
            ),
            C::DigestUnreachableItem { name, unit, since } => format!("– {name} ({unit}), từ {since}"),
            C::DigestUpcoming => "📅 7 ngày tới:".into(),
            C::DigestUpcomingReport { label, plan, due, missing } => {
                format!("– {label} ({plan}): hạn {due}, {missing} đơn vị chưa nộp")
            }
            C::DigestUpcomingTask { task, due, units } => {
                format!("– {task}: hạn {due}, {units} đơn vị chưa xong")
            }
            C::DigestNothingUpcoming => "📅 7 ngày tới: không có hạn nào.".into(),
            C::NoDigestScope => "Bạn không theo dõi đơn vị hay nhiệm vụ nào để tổng hợp.".into(),
            C::NothingOverdue => "✅ Không có việc quá hạn.".into(),
            C::CaseItem { number } => format!("Phản ánh {number}"),
            C::CaseAckReminder { number, by, late: false } => format!(
                "⏰ Phản ánh {number} chưa được tiếp nhận. Hạn tiếp nhận: {by}."
            ),
            C::CaseAckReminder { number, by, late: true } => format!(
                "⚠️ Phản ánh {number} đã quá hạn tiếp nhận ({by}). Đề nghị tiếp nhận ngay."
            ),
            C::CaseAnswerReminder { number, due, days_left } => format!(
                "⏰ Phản ánh {number}: hạn trả lời {due} — {}. Trả lời tin nhắn phản ánh hoặc bấm «Trả lời».",
                C::DaysLeft(*days_left).vi()
            ),
            C::DigestLateCases(n) => format!("📨 Phản ánh quá hạn trả lời ({n}):"),
            C::DigestCaseFigures { month, received, acknowledged, answered, late, open } => format!(
                "📨 Phản ánh tháng {month}: {received} tiếp nhận · {acknowledged} được tiếp nhận trong 24 giờ · {answered} trả lời đúng hạn · {late} trả lời muộn · {open} đang mở"
            ),
            C::DigestLateCase { number, unit, due, days } => {
                format!("– {number} · {unit}: hạn {due}, quá {days} ngày")
            }
            C::DigestCasesByUnit => "Theo đơn vị (tiếp nhận · trong 24 giờ · đúng hạn · muộn · đang mở):".into(),
            C::DigestCasesByCategory => "Theo lĩnh vực:".into(),
            C::DigestCaseRow { name, received, acknowledged, answered, late, open } => {
                format!("– {name}: {received} · {acknowledged} · {answered} · {late} · {open}")
            }
            C::DigestMoreCaseUnits(n) => format!("… và {n} đơn vị khác"),
            C::NoOneToTellUnits(n) => format!(
                "👤 Đơn vị chưa có ai nhận tin qua Telegram ({n}) — không được nhắc việc:"
            ),
            C::NoOneToTellUnit { unit, unreachable: 0 } => format!("– {unit}: chưa ai liên kết"),
            C::NoOneToTellUnit { unit, unreachable } => format!(
                "– {unit}: {unreachable} người đã liên kết nhưng không liên lạc được"
            ),
            C::MoreNoOneToTell(n) => format!("… và {n} đơn vị khác (dondoc members list --missing)"),
            C::MoreUnreachable(n) => format!("… và {n} người khác (dondoc members list --missing)"),
            C::EveryoneReachable => "✅ Đơn vị nào có việc cũng có người nhận tin qua Telegram.".into(),
            C::DigestUnreachedCases(n) => format!(
                "📵 Phản ánh ở đơn vị không có ai nhận tin ({n}) — chuyển đơn vị khác hoặc báo bằng điện thoại, văn bản:"
            ),
            C::DigestUnreachedCase { number, unit } => format!("– {number} · {unit}"),
            C::DigestPastYears { items, units } => format!(
                "📦 Kế hoạch các năm trước: {items} việc chưa xong ở {units} đơn vị (gõ /quahan để xem từng việc)"
            ),
            C::DigestOwnOverdue { unit, items } => format!(
                "🔔 Đơn vị của bạn — {unit}: {items} việc quá hạn (xem bên dưới). Gõ /baocao hoặc /viec."
            ),
            C::WindowOpenToo => "🗓 Kỳ báo cáo đã mở.".into(),
            C::EscalationSummary { nudged, heads, office } => format!(
                "⚠️ Đôn đốc: {nudged} việc đã nhắc đơn vị · {heads} việc đã báo lãnh đạo và đơn vị chủ trì · {office} việc đã vào tổng hợp của Nội vụ"
            ),
        }
    }

    fn en(&self) -> String {
        use ChaseText as C;
        match self {
            C::DaysLeft(0) => "due today".into(),
            C::DaysLeft(1) => "1 day left".into(),
            C::DaysLeft(n) => format!("{n} days left"),
            C::ReportReminder { label, plan, unit, due, days_left } => format!(
                "⏰ Report reminder: {label} ({plan})\nUnit: {unit}\nDue: {due} — {}",
                C::DaysLeft(*days_left).en()
            ),
            C::ReportCovers => "The report covers these tasks:".into(),
            C::ReportHowTo => "Press “Submit report” or reply to this message with text, a file or a photo.".into(),
            C::WindowOpen { label, plan, unit, due } => format!(
                "🗓 Reporting window open: {label} ({plan})\nUnit: {unit} · due {due}"
            ),
            C::TaskReminder { unit, due, days_left, count } => format!(
                "⏰ {count} task(s) of {unit} due {due} — {}:",
                C::DaysLeft(*days_left).en()
            ),
            C::TaskHowTo => "Send /viec to report on each task.".into(),
            C::MoreTasks(n) => format!("… and {n} more tasks (send /viec)"),
            C::Nudge { unit } => format!("⚠️ Overdue — {unit}:"),
            C::HeadsEscalation { unit } => format!(
                "🔴 Second reminder — {unit} has still not done this (the unit's head and the lead unit are told):"
            ),
            C::LeadEscalation { lead, units } => format!(
                "🔴 {units} units are late on what {lead} monitors (reminded twice):"
            ),
            C::EscalationHowTo => "Please act now: send /baocao or /viec.".into(),
            C::EscalationHowToCases => "Please answer now: reply to the case's message or send /vuviec.".into(),
            C::EscalationHowToBoth => "Please act now: send /baocao, /viec or /vuviec.".into(),
            C::OverdueItem { item, due, days } => format!("– {item}: due {due}, {days} days overdue"),
            C::Closing { label, plan, due, reported, owing } => format!(
                "📋 {label} ({plan}) closed, due {due}.\nReported: {reported}/{owing} units."
            ),
            C::ClosingMissing(n) => format!("Not reported ({n}):"),
            C::ClosingAllReported => "Every unit reported.".into(),
            C::DigestHeader { date } => format!("📊 Digest for {date}"),
            C::DigestPlan { plan, done, total, in_progress, blocked, not_started } => format!(
                "{plan}: {done}/{total} done · {in_progress} in progress · {blocked} blocked · {not_started} not reported"
            ),
            C::DigestDimension { dimension, done, total, blocked } => {
                format!("  – {dimension}: {done}/{total} done, {blocked} blocked")
            }
            C::DigestOverdue { items, units } => format!("⏰ Overdue: {items} items in {units} units"),
            C::DigestNothingOverdue => "✅ Nothing overdue.".into(),
            C::DigestUnit { unit, items } => format!("{unit} ({items}):"),
            C::DigestEscalatedMark => " ‼".into(),
            C::DigestMoreUnits(n) => format!("… and {n} more units (send /quahan)"),
            C::DigestLate => "🐢 Reported late:".into(),
            C::DigestLateItem { unit, label, due, submitted } => {
                format!("– {unit}: {label} (due {due}, sent {submitted})")
            }
            C::DigestUnreachable => "📵 Cannot be reached on Telegram:".into(),
            C::DigestBadCodes { attempts, chats } => format!(
                "🔐 Wrong invitation codes in the last 24 hours: {attempts} from {chats} Telegram accounts (after 5 wrong codes in an hour an account is refused unchecked)."
            ),
            C::DigestUnreachableItem { name, unit, since } => format!("– {name} ({unit}), since {since}"),
            C::DigestUpcoming => "📅 Next 7 days:".into(),
            C::DigestUpcomingReport { label, plan, due, missing } => {
                format!("– {label} ({plan}): due {due}, {missing} units yet to report")
            }
            C::DigestUpcomingTask { task, due, units } => {
                format!("– {task}: due {due}, {units} units not done")
            }
            C::DigestNothingUpcoming => "📅 Next 7 days: nothing due.".into(),
            C::NoDigestScope => "You monitor no units or tasks to digest.".into(),
            C::NothingOverdue => "✅ Nothing overdue.".into(),
            C::CaseItem { number } => format!("Case {number}"),
            C::CaseAckReminder { number, by, late: false } => format!(
                "⏰ Case {number} is not acknowledged yet. Acknowledge by {by}."
            ),
            C::CaseAckReminder { number, by, late: true } => format!(
                "⚠️ Case {number} was due for acknowledgement at {by}. Please accept it now."
            ),
            C::CaseAnswerReminder { number, due, days_left } => format!(
                "⏰ Case {number}: answer due {due} — {}. Reply to the case message or press “Answer”.",
                C::DaysLeft(*days_left).en()
            ),
            C::DigestLateCases(n) => format!("📨 Cases past their answer date ({n}):"),
            C::DigestCaseFigures { month, received, acknowledged, answered, late, open } => format!(
                "📨 Cases in {month}: {received} received · {acknowledged} acknowledged within 24 h · {answered} answered in time · {late} answered late · {open} open"
            ),
            C::DigestLateCase { number, unit, due, days } => {
                format!("– {number} · {unit}: due {due}, {days} days late")
            }
            C::DigestCasesByUnit => "By unit (received · within 24 h · in time · late · open):".into(),
            C::DigestCasesByCategory => "By category:".into(),
            C::DigestCaseRow { name, received, acknowledged, answered, late, open } => {
                format!("– {name}: {received} · {acknowledged} · {answered} · {late} · {open}")
            }
            C::DigestMoreCaseUnits(n) => format!("… and {n} more units"),
            C::NoOneToTellUnits(n) => format!(
                "👤 Units no one can be told in on Telegram ({n}) — never reminded:"
            ),
            C::NoOneToTellUnit { unit, unreachable: 0 } => format!("– {unit}: nobody linked"),
            C::NoOneToTellUnit { unit, unreachable } => format!(
                "– {unit}: {unreachable} linked but cannot be reached"
            ),
            C::MoreNoOneToTell(n) => format!("… and {n} more units (dondoc members list --missing)"),
            C::MoreUnreachable(n) => format!("… and {n} more people (dondoc members list --missing)"),
            C::EveryoneReachable => "✅ Every unit with work has someone the bot can tell.".into(),
            C::DigestUnreachedCases(n) => format!(
                "📵 Cases with a unit no one can be told in ({n}) — route elsewhere or tell them by phone or in writing:"
            ),
            C::DigestUnreachedCase { number, unit } => format!("– {number} · {unit}"),
            C::DigestPastYears { items, units } => format!(
                "📦 Plans of past years: {items} items not done in {units} units (send /quahan for each)"
            ),
            C::DigestOwnOverdue { unit, items } => format!(
                "🔔 Your unit — {unit}: {items} overdue items (below). Send /baocao or /viec."
            ),
            C::WindowOpenToo => "🗓 The reporting window is open.".into(),
            C::EscalationSummary { nudged, heads, office } => format!(
                "⚠️ Escalation: {nudged} items nudged · {heads} told to the head and lead unit · {office} in the coordinating office's digest"
            ),
        }
    }
}

/// What the operator's commands (`tick`, `outbox`, `plan ladder`) print.
#[derive(Debug, Clone, PartialEq)]
pub enum OpsText<'a> {
    TickHeader {
        at: &'a str,
        working_time: bool,
        digest: bool,
    },
    TickMessage {
        kind: crate::domain::MessageKind,
        chat: i64,
        key: &'a str,
    },
    TickDryRun {
        messages: usize,
        escalations: usize,
    },
    TickDone {
        queued: u64,
        escalations: u64,
    },
    Total,
    OldestQueued {
        minutes: i64,
    },
    /// Reminders, escalations and digests wait for office hours, which open at `at`.
    HeldUntil {
        at: &'a str,
    },
    Requeued {
        messages: u64,
    },
    Pruned {
        messages: u64,
        days: u32,
    },
    Ladder {
        plan: &'a str,
        nudge: u32,
        heads: u32,
        office: u32,
        own: bool,
    },
    /// What is wrong with one configuration value (without its key).
    ProblemKind(&'a crate::config::ProblemKind),
    /// `check-config`: one value that cannot work.
    ConfigProblem {
        key: &'a str,
        kind: &'a crate::config::ProblemKind,
    },
    /// `check-config`: a section that does not read (syntax, type, unknown key); `detail` is
    /// the parser's own words with the key and line.
    ConfigUnreadable {
        section: &'a str,
        detail: &'a str,
    },
    ConfigFileMissing {
        path: &'a str,
    },
    SqliteFolderMissing {
        folder: &'a str,
    },
    DatabaseUnreachable {
        detail: &'a str,
    },
    /// Not an error: `serve` runs without a bot and only queues messages.
    ConfigNoToken,
    /// A command in a folder with no configuration and no database.
    NothingHere {
        folder: &'a str,
        config: &'a str,
        database: &'a str,
    },
    /// `dondoc init`: what it made.
    Initialized {
        config: &'a str,
        wrote: bool,
        database: &'a str,
    },
    /// `units import --dry-run`: what would change.
    UnitsDryRun {
        added: usize,
        updated: usize,
        unchanged: usize,
    },
    /// `holidays import --dry-run`: what would change in one year.
    HolidaysDryRun {
        year: i32,
        added: usize,
        removed: usize,
        changed: usize,
        unchanged: usize,
    },
    /// `serve`'s start line: what it chases, tasks and assignments counted apart.
    ServingCounts {
        units: i64,
        members: i64,
        linked: i64,
        tasks: i64,
        assignments: i64,
    },
    /// `--at`: not an instant dondoc reads.
    BadInstant {
        raw: &'a str,
    },
    /// `plan deadlines`: a date outside the plan's year ± 1, refused without `--force`.
    DeadlineOutsideYear {
        key: &'a str,
        date: &'a str,
        year: i32,
    },
    /// `invite` with neither `telegram.bot_username` nor a token to ask Telegram with.
    InviteNeedsBot,
    /// `invite`: Telegram did not say the bot's username.
    InviteNoBotName {
        detail: &'a str,
    },
    /// `invite`: the same person was invited before: a new code, the old one revoked.
    Reinvited {
        name: &'a str,
        id: i64,
    },
    /// `serve`: another serve holds the SQLite file's lock.
    AlreadyServing {
        database: &'a str,
        lock: &'a str,
    },
    /// `check-config`: `schedule.digest` parses but never fires.
    DigestNeverFires,
    /// `check-config`: the database or its folder cannot be written.
    DatabaseNotWritable {
        path: &'a str,
        detail: &'a str,
    },
    /// Any command: the database could not be opened; `failure` is why.
    DatabaseCannotOpen {
        url: &'a str,
        failure: &'a crate::store::ConnectFailure,
    },
    /// `serve`: Telegram answered getMe with 401: the token itself is wrong.
    TelegramBadToken,
    /// `serve`: Telegram could not be reached (network, time-out, 5xx); the service keeps
    /// running and asks again after `retry_secs`.
    TelegramUnreachable {
        detail: &'a str,
        retry_secs: u64,
    },
    /// `serve`: Telegram answered after being unreachable.
    TelegramReached {
        bot: &'a str,
    },
    ConfigOk {
        file: &'a str,
        database: &'a str,
        bot: bool,
        webhook: bool,
        http: Option<&'a str>,
    },
    ConfigBad {
        problems: usize,
    },
    /// No file: the built-in defaults and the environment.
    ConfigDefaults,
    BackupDone {
        path: &'a str,
        bytes: u64,
    },
    BackupExists {
        path: &'a str,
    },
    BackupPostgres,
}

impl OpsText<'_> {
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.vi(),
            Lang::En => self.en(),
        }
    }

    fn vi(&self) -> String {
        let yes_no = |b: bool| if b { "có" } else { "không" };
        match self {
            OpsText::TickHeader { at, working_time, digest } => format!(
                "Lượt lịch lúc {at}: giờ làm việc: {}; bản tổng hợp: {}",
                yes_no(*working_time),
                yes_no(*digest)
            ),
            OpsText::TickMessage { kind, chat, key } => format!("→ [{kind}] chat {chat} ({key})"),
            OpsText::TickDryRun { messages, escalations } => format!(
                "Chạy thử: sẽ xếp {messages} tin nhắn, ghi {escalations} bước đôn đốc. Chưa ghi gì."
            ),
            OpsText::TickDone { queued, escalations } => format!(
                "Đã xếp {queued} tin nhắn vào hàng gửi, ghi {escalations} bước đôn đốc mới."
            ),
            OpsText::Total => "tổng".into(),
            OpsText::OldestQueued { minutes } => format!("Tin chờ lâu nhất: {minutes} phút."),
            OpsText::HeldUntil { at } => format!(
                "Ngoài giờ làm việc: nhắc việc, đôn đốc và bản tổng hợp chờ đến {at} mới gửi (trả lời và phản ánh vẫn gửi ngay)."
            ),
            OpsText::Requeued { messages } => format!("Đã xếp lại {messages} tin nhắn lỗi để gửi lại."),
            OpsText::Pruned { messages, days } => format!("Đã xóa {messages} tin nhắn đã gửi (hoặc tạm dừng, lỗi) cũ hơn {days} ngày."),
            OpsText::Ladder { plan, nudge, heads, office, own } => format!(
                "Thang đôn đốc của {plan}{}: nhắc đơn vị sau {nudge} ngày; báo lãnh đạo và đơn vị chủ trì sau {heads} ngày làm việc; đưa vào tổng hợp của Nội vụ sau {office} ngày làm việc.",
                if *own { "" } else { " (mặc định)" }
            ),
            OpsText::ProblemKind(kind) => config_problem_vi(kind),
            OpsText::ConfigProblem { key, kind } => format!("✗ {key}: {}", config_problem_vi(kind)),
            OpsText::ConfigUnreadable { section, detail } => {
                format!("✗ {section}: không đọc được giá trị — {detail}")
            }
            OpsText::ConfigFileMissing { path } => format!("✗ Không có tệp cấu hình {path}."),
            OpsText::SqliteFolderMissing { folder } => format!(
                "✗ database.url: thư mục {folder} không tồn tại, không tạo được tệp cơ sở dữ liệu."
            ),
            OpsText::DatabaseUnreachable { detail } => {
                format!("✗ database.url: không kết nối được cơ sở dữ liệu — {detail}")
            }
            OpsText::ConfigNoToken => "! telegram.bot_token chưa đặt: serve chỉ xếp tin nhắn vào hàng chờ, không gửi đi (đặt DONDOC_TELEGRAM__BOT_TOKEN).".into(),
            OpsText::NothingHere { folder, config, database } => format!(
                "Chưa có gì ở thư mục {folder}: không có tệp cấu hình {config} (cũng không có --config, DONDOC_CONFIG hay DONDOC_DATABASE__URL) và không có cơ sở dữ liệu {database}. Chạy `dondoc init` để tạo cấu hình có chú thích và cơ sở dữ liệu tại đây, hoặc chạy lệnh trong thư mục đã cài dondoc."
            ),
            OpsText::Initialized { config, wrote, database } => format!(
                "{} Cơ sở dữ liệu {database} đã sẵn sàng. Tiếp theo: dondoc units import TỆP (xem README), rồi dondoc check-config và dondoc serve.",
                if *wrote { format!("Đã ghi {config} (mỗi khóa kèm chú thích và giá trị mặc định).") } else { format!("{config} đã có, giữ nguyên.") }
            ),
            OpsText::UnitsDryRun { added, updated, unchanged } => format!(
                "Chạy thử: {added} thêm mới, {updated} cập nhật, {unchanged} không đổi; không ghi gì."
            ),
            OpsText::HolidaysDryRun { year, added, removed, changed, unchanged } => format!(
                "Năm {year}: {added} ngày thêm, {removed} ngày bỏ, {changed} ngày đổi, {unchanged} ngày giữ nguyên."
            ),
            OpsText::ServingCounts { units, members, linked, tasks, assignments } => format!(
                "dondoc đang chạy: {units} đơn vị, {members} thành viên ({linked} đã liên kết Telegram), đang theo dõi {tasks} nhiệm vụ, {assignments} lượt giao. Nhấn Ctrl-C để dừng."
            ),
            OpsText::BadInstant { raw } => format!(
                "--at: \"{raw}\" không phải thời điểm (viết yyyy-mm-dd, dd/mm/yyyy, yyyy-mm-ddTHH:MM hoặc dd/mm/yyyy HH:MM, có thể kèm múi giờ +07:00)."
            ),
            OpsText::DeadlineOutsideYear { key, date, year } => format!(
                "{key}={date}: ngày nằm ngoài năm của kế hoạch ({year}) ± 1 năm — có thể gõ nhầm. Kiểm tra lại, hoặc thêm --force nếu đúng là ngày này."
            ),
            OpsText::InviteNeedsBot => "Chưa biết tên bot để tạo liên kết mời: đặt telegram.bot_username (DONDOC_TELEGRAM__BOT_USERNAME) hoặc telegram.bot_token (DONDOC_TELEGRAM__BOT_TOKEN). Chưa ghi gì.".into(),
            OpsText::InviteNoBotName { detail } => format!(
                "Không hỏi được Telegram tên bot ({detail}): đặt telegram.bot_username (DONDOC_TELEGRAM__BOT_USERNAME) hoặc thử lại. Chưa ghi gì."
            ),
            OpsText::Reinvited { name, id } => format!(
                "  ↻ {name} (thành viên #{id}) đã được mời trước đó: mã mới ở trên, mã cũ chưa dùng hết hiệu lực."
            ),
            OpsText::AlreadyServing { database, lock } => format!(
                "Một tiến trình dondoc serve khác đang chạy trên {database} (đang giữ khóa {lock}). Hai bộ lập lịch trên một tệp SQLite sẽ gửi trùng: dừng tiến trình kia trước, hoặc dùng Postgres để chạy nhiều tiến trình."
            ),
            OpsText::DigestNeverFires => "! schedule.digest: biểu thức cron không bao giờ đến lượt chạy — sẽ không có bản tổng hợp hằng ngày.".into(),
            OpsText::DatabaseNotWritable { path, detail } => format!(
                "✗ database.url: không ghi được vào {path} — serve sẽ không chạy được ({detail})."
            ),
            OpsText::DatabaseCannotOpen { url, failure } => {
                format!("Không mở được cơ sở dữ liệu {url}: {}.", connect_failure_vi(failure))
            }
            OpsText::TelegramBadToken => "Telegram từ chối mã bot (getMe trả lời 401 Unauthorized): kiểm tra telegram.bot_token (DONDOC_TELEGRAM__BOT_TOKEN).".into(),
            OpsText::TelegramUnreachable { detail, retry_secs } => format!(
                "Chưa kết nối được Telegram ({detail}). Dịch vụ vẫn chạy: bộ lập lịch làm việc, tin nhắn nằm chờ trong hàng đợi; thử lại sau {retry_secs} giây."
            ),
            OpsText::TelegramReached { bot } => format!("Đã kết nối Telegram: bot @{bot} bắt đầu nhận tin nhắn và gửi hàng đợi."),
            OpsText::ConfigOk { file, database, bot, webhook, http } => format!(
                "Cấu hình hợp lệ ({file}). Cơ sở dữ liệu: {database}; bot: {}; /healthz và /metrics: {}.",
                match (bot, webhook) {
                    (false, _) => "chưa có token",
                    (true, false) => "long polling",
                    (true, true) => "webhook",
                },
                http.unwrap_or("tắt")
            ),
            OpsText::ConfigBad { problems } => {
                format!("Cấu hình có {problems} lỗi; serve sẽ không chạy đúng.")
            }
            OpsText::ConfigDefaults => "không có tệp: giá trị mặc định và biến DONDOC_*".into(),
            OpsText::BackupDone { path, bytes } => {
                format!("Đã sao lưu cơ sở dữ liệu vào {path} ({bytes} byte).")
            }
            OpsText::BackupExists { path } => {
                format!("Tệp {path} đã có; chọn tên khác (không ghi đè bản sao lưu cũ).")
            }
            OpsText::BackupPostgres => "Cơ sở dữ liệu là Postgres: hãy sao lưu bằng pg_dump, ví dụ\n  pg_dump --format=custom --file=dondoc.dump \"$DATABASE_URL\"\n(xem README, mục Sao lưu).".into(),
        }
    }

    fn en(&self) -> String {
        let yes_no = |b: bool| if b { "yes" } else { "no" };
        match self {
            OpsText::TickHeader { at, working_time, digest } => format!(
                "Scheduler pass at {at}: working time: {}; digest: {}",
                yes_no(*working_time),
                yes_no(*digest)
            ),
            OpsText::TickMessage { kind, chat, key } => format!("→ [{kind}] chat {chat} ({key})"),
            OpsText::TickDryRun { messages, escalations } => format!(
                "Dry run: would queue {messages} messages and record {escalations} escalation steps. Nothing written."
            ),
            OpsText::TickDone { queued, escalations } => format!(
                "Queued {queued} messages; recorded {escalations} new escalation steps."
            ),
            OpsText::Total => "total".into(),
            OpsText::OldestQueued { minutes } => format!("Oldest waiting message: {minutes} minutes."),
            OpsText::HeldUntil { at } => format!(
                "Outside working hours: reminders, escalations and digests wait until {at} (replies and cases still go at once)."
            ),
            OpsText::Requeued { messages } => format!("Queued {messages} failed messages again."),
            OpsText::Pruned { messages, days } => format!("Deleted {messages} sent (or parked, failed) messages older than {days} days."),
            OpsText::Ladder { plan, nudge, heads, office, own } => format!(
                "Escalation ladder of {plan}{}: nudge the unit after {nudge} days; tell the head and the lead unit after {heads} working days; into the coordinating office's digest after {office} working days.",
                if *own { "" } else { " (default)" }
            ),
            OpsText::ProblemKind(kind) => config_problem_en(kind),
            OpsText::ConfigProblem { key, kind } => format!("✗ {key}: {}", config_problem_en(kind)),
            OpsText::ConfigUnreadable { section, detail } => {
                format!("✗ {section}: cannot read the value — {detail}")
            }
            OpsText::ConfigFileMissing { path } => format!("✗ There is no configuration file {path}."),
            OpsText::SqliteFolderMissing { folder } => format!(
                "✗ database.url: the folder {folder} does not exist, so the database file cannot be created."
            ),
            OpsText::DatabaseUnreachable { detail } => {
                format!("✗ database.url: cannot connect to the database — {detail}")
            }
            OpsText::ConfigNoToken => "! telegram.bot_token is not set: serve only queues messages and sends nothing (set DONDOC_TELEGRAM__BOT_TOKEN).".into(),
            OpsText::NothingHere { folder, config, database } => format!(
                "Nothing here in {folder}: no configuration file {config} (nor --config, DONDOC_CONFIG or DONDOC_DATABASE__URL) and no database {database}. Run `dondoc init` to create a commented configuration and the database here, or run the command in the folder where dondoc is set up."
            ),
            OpsText::Initialized { config, wrote, database } => format!(
                "{} The database {database} is ready. Next: dondoc units import FILE (see the README), then dondoc check-config and dondoc serve.",
                if *wrote { format!("Wrote {config} (every key with a comment and its default).") } else { format!("{config} is already there, kept.") }
            ),
            OpsText::UnitsDryRun { added, updated, unchanged } => format!(
                "Dry run: {added} added, {updated} updated, {unchanged} unchanged; nothing written."
            ),
            OpsText::HolidaysDryRun { year, added, removed, changed, unchanged } => format!(
                "{year}: {added} days added, {removed} removed, {changed} changed, {unchanged} kept."
            ),
            OpsText::ServingCounts { units, members, linked, tasks, assignments } => format!(
                "dondoc is running: {units} units, {members} members ({linked} linked to Telegram), chasing {tasks} tasks, {assignments} assignments. Press Ctrl-C to stop."
            ),
            OpsText::BadInstant { raw } => format!(
                "--at: \"{raw}\" is not an instant (write yyyy-mm-dd, dd/mm/yyyy, yyyy-mm-ddTHH:MM or dd/mm/yyyy HH:MM, optionally with an offset such as +07:00)."
            ),
            OpsText::DeadlineOutsideYear { key, date, year } => format!(
                "{key}={date}: the date is outside the plan's year ({year}) ± 1 — likely a typo. Check it, or add --force if it is meant."
            ),
            OpsText::InviteNeedsBot => "The bot's name is needed for invitation links: set telegram.bot_username (DONDOC_TELEGRAM__BOT_USERNAME) or telegram.bot_token (DONDOC_TELEGRAM__BOT_TOKEN). Nothing written.".into(),
            OpsText::InviteNoBotName { detail } => format!(
                "Telegram did not say the bot's name ({detail}): set telegram.bot_username (DONDOC_TELEGRAM__BOT_USERNAME) or try again. Nothing written."
            ),
            OpsText::Reinvited { name, id } => format!(
                "  ↻ {name} (member #{id}) was invited before: the new code is above, the unused old one no longer works."
            ),
            OpsText::AlreadyServing { database, lock } => format!(
                "Another dondoc serve is running on {database} (it holds {lock}). Two schedulers on one SQLite file would send twice: stop the other first, or use Postgres to run several."
            ),
            OpsText::DigestNeverFires => "! schedule.digest: the cron expression never fires — there will be no daily digest.".into(),
            OpsText::DatabaseNotWritable { path, detail } => format!(
                "✗ database.url: cannot write to {path} — serve could not run ({detail})."
            ),
            OpsText::DatabaseCannotOpen { url, failure } => {
                format!("Cannot open the database {url}: {failure}.")
            }
            OpsText::TelegramBadToken => "Telegram refused the bot token (getMe answered 401 Unauthorized): check telegram.bot_token (DONDOC_TELEGRAM__BOT_TOKEN).".into(),
            OpsText::TelegramUnreachable { detail, retry_secs } => format!(
                "Telegram cannot be reached yet ({detail}). The service keeps running: the scheduler works and messages wait in the outbox; trying again in {retry_secs} s."
            ),
            OpsText::TelegramReached { bot } => format!("Telegram reached: bot @{bot} now takes updates and sends the outbox."),
            OpsText::ConfigOk { file, database, bot, webhook, http } => format!(
                "Configuration OK ({file}). Database: {database}; bot: {}; /healthz and /metrics: {}.",
                match (bot, webhook) {
                    (false, _) => "no token",
                    (true, false) => "long polling",
                    (true, true) => "webhook",
                },
                http.unwrap_or("off")
            ),
            OpsText::ConfigBad { problems } => {
                format!("The configuration has {problems} problem(s); serve would not run right.")
            }
            OpsText::ConfigDefaults => "no file: built-in defaults and DONDOC_* variables".into(),
            OpsText::BackupDone { path, bytes } => {
                format!("Database backed up to {path} ({bytes} bytes).")
            }
            OpsText::BackupExists { path } => {
                format!("{path} already exists; choose another name (an old backup is never overwritten).")
            }
            OpsText::BackupPostgres => "The database is Postgres: back it up with pg_dump, for example\n  pg_dump --format=custom --file=dondoc.dump \"$DATABASE_URL\"\n(see the README, Backup).".into(),
        }
    }
}

fn config_problem_vi(kind: &crate::config::ProblemKind) -> String {
    use crate::config::ProblemKind as P;
    match kind {
        P::AtLeastOne => "phải từ 1 trở lên.".into(),
        P::Positive => "phải là số dương.".into(),
        P::LeaseTooShort => "phải từ 2 giây trở lên.".into(),
        P::LeaseNotOverSend { lease, timeout } => {
            format!("({lease} giây) phải dài hơn outbox.request_timeout_secs ({timeout} giây).")
        }
        P::KeepTooShort { least } => format!(
            "phải từ {least} ngày trở lên (hơn schedule.window_days + closing_grace_days, để tin đã gửi không bị xếp lại)."
        ),
        P::KeepTooLong => "tối đa 36500 ngày (100 năm).".into(),
        P::InFlightTooMany { most } => format!(
            "tối đa {most} (khi tiến trình dừng đột ngột, các tin đang gửi có thể bị gửi lại)."
        ),
        P::UnknownDatabase => "chỉ dùng được sqlite://TỆP hoặc postgres://…".into(),
        P::SchemaName => "chỉ gồm chữ thường không dấu, chữ số và _ (tối đa 63 ký tự).".into(),
        P::Ladder(detail) => format!(
            "thang đôn đốc không hợp lệ (nhắc ≥ 1, lãnh đạo ≥ 1, lãnh đạo ≤ Nội vụ): {detail}"
        ),
        P::NoCategory => "phải có ít nhất một lĩnh vực.".into(),
        P::TokenShape => "không giống token của BotFather (dạng 123456:ABC…).".into(),
        P::NotUrl => "không phải địa chỉ URL.".into(),
        P::NotHttps => "phải là địa chỉ https://… (Telegram chỉ gửi webhook qua HTTPS).".into(),
        P::NotAddress => "không phải địa chỉ IP:cổng (ví dụ 0.0.0.0:8443).".into(),
        P::WebhookWithoutToken => "chưa đặt, nhưng webhook_url đã đặt: webhook cần token.".into(),
        P::SameAsWebhook => "trùng địa chỉ với telegram.webhook_listen.".into(),
        P::NeverRuns => "biểu thức cron không bao giờ đến lượt chạy.".into(),
        P::LogFilter => "không phải bộ lọc tracing hợp lệ (ví dụ \"info,sqlx=warn\").".into(),
    }
}

fn config_problem_en(kind: &crate::config::ProblemKind) -> String {
    use crate::config::ProblemKind as P;
    match kind {
        P::AtLeastOne => "must be at least 1.".into(),
        P::Positive => "must be a positive number.".into(),
        P::LeaseTooShort => "must be at least 2 seconds.".into(),
        P::LeaseNotOverSend { lease, timeout } => {
            format!("({lease} s) must be longer than outbox.request_timeout_secs ({timeout} s).")
        }
        P::KeepTooShort { least } => format!(
            "must be at least {least} days (over schedule.window_days + closing_grace_days, so a message sent is never queued again)."
        ),
        P::KeepTooLong => "must be at most 36500 days (a century).".into(),
        P::InFlightTooMany { most } => {
            format!("must be at most {most} (a crash may send again what is in flight).")
        }
        P::UnknownDatabase => "use sqlite://FILE or postgres://…".into(),
        P::SchemaName => "only lower-case letters, digits and _ (at most 63).".into(),
        P::Ladder(detail) => format!(
            "the escalation ladder is not valid (nudge ≥ 1, heads ≥ 1, heads ≤ office): {detail}"
        ),
        P::NoCategory => "must name at least one category.".into(),
        P::TokenShape => "does not look like a BotFather token (123456:ABC…).".into(),
        P::NotUrl => "is not a URL.".into(),
        P::NotHttps => {
            "must be an https://… URL (Telegram delivers webhooks over HTTPS only).".into()
        }
        P::NotAddress => "is not an IP:port address (e.g. 0.0.0.0:8443).".into(),
        P::WebhookWithoutToken => {
            "is not set, but webhook_url is: a webhook needs the token.".into()
        }
        P::SameAsWebhook => "is the same address as telegram.webhook_listen.".into(),
        P::NeverRuns => "the cron expression never fires.".into(),
        P::LogFilter => "is not a valid tracing filter (e.g. \"info,sqlx=warn\").".into(),
    }
}

/// What the hotline's chat says: intake questions, the case card, the units' buttons.
#[derive(Debug, Clone, PartialEq)]
pub enum HotlineText<'a> {
    Channel(crate::domain::case::Channel),
    State(crate::domain::case::CaseState),
    Hop(crate::domain::case::HopState),
    AskChannel,
    AskContent,
    AskPlace,
    NoPlaceFound,
    ChoosePlace,
    AskCategory,
    AskName,
    AskPhone,
    AskConsent,
    AskFiles,
    FileKept(usize),
    ProposeUnit {
        unit: &'a str,
    },
    AskOtherUnit,
    NoUnitFound,
    ChooseUnit,
    Receipt {
        number: &'a str,
        unit: &'a str,
        ack_by: &'a str,
        answer_by: &'a str,
    },
    Cancelled,
    OnlyHotline,
    CaseHeader {
        number: &'a str,
        state: crate::domain::case::CaseState,
    },
    CaseWhat {
        channel: crate::domain::case::Channel,
        received: &'a str,
        place: &'a str,
        category: &'a str,
    },
    Citizen {
        name: &'a str,
        phone: &'a str,
    },
    CitizenHidden {
        initials: &'a str,
        phone: &'a str,
    },
    /// Neither a name nor a phone was given.
    CitizenNoContact,
    /// To the operator: a case went to units where no one can be told.
    NoOneToTell {
        number: &'a str,
        units: &'a str,
    },
    CaseClocks {
        ack_by: &'a str,
        answer_by: &'a str,
    },
    Files(usize),
    HopLine {
        unit: &'a str,
        state: crate::domain::case::HopState,
    },
    LateApology,
    NewCaseForUnit {
        unit: &'a str,
    },
    ButtonAccept,
    ButtonNotOurs,
    ButtonAnswer,
    ButtonInformedClose,
    ButtonInformed,
    ButtonRoute,
    ButtonAddUnit,
    ButtonReopen,
    ButtonYes,
    ButtonNo,
    ButtonSkip,
    ButtonDone,
    ButtonCancel,
    ButtonAgree,
    ButtonOtherUnit,
    Accepted {
        number: &'a str,
    },
    AskReason {
        number: &'a str,
    },
    Returned {
        number: &'a str,
    },
    AskAnswer {
        number: &'a str,
    },
    Answered {
        number: &'a str,
    },
    AnsweredLate {
        number: &'a str,
    },
    Closed {
        number: &'a str,
    },
    Reopened {
        number: &'a str,
    },
    Informed {
        number: &'a str,
    },
    /// The card's line once the operator told the citizen the answer.
    CitizenInformed {
        at: &'a str,
    },
    /// To a unit whose forward the operator moved to another unit.
    Withdrawn {
        number: &'a str,
    },
    NotAllowed,
    CaseNotFound {
        number: &'a str,
    },
    NoOpenCases,
    OpenCasesHeader(usize),
}

impl HotlineText<'_> {
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.vi(),
            Lang::En => self.en(),
        }
    }

    fn vi(&self) -> String {
        use crate::domain::case::{CaseState as S, Channel as C, HopState as H};
        use HotlineText as T;
        match self {
            T::Channel(c) => match c {
                C::Phone => "Điện thoại 1022",
                C::Sms => "Tin nhắn SMS",
                C::Zalo => "Zalo",
                C::Email => "Thư điện tử",
                C::WebPortal => "Cổng thông tin",
                C::InPerson => "Trực tiếp",
            }
            .into(),
            T::State(s) => match s {
                S::Received => "mới tiếp nhận",
                S::Forwarded => "đã chuyển xử lý",
                S::Accepted => "đơn vị đã tiếp nhận",
                S::Answered => "đã có trả lời",
                S::Closed => "đã đóng",
                S::Returned => "bị trả lại, cần chuyển lại",
                S::Reopened => "mở lại",
                S::Cancelled => "đã huỷ",
            }
            .into(),
            T::Hop(h) => match h {
                H::Forwarded => "chờ tiếp nhận",
                H::Accepted => "đã tiếp nhận",
                H::Returned => "không thuộc thẩm quyền",
                H::Answered => "đã trả lời",
                H::Withdrawn => "đã rút",
            }
            .into(),
            T::AskChannel => "📞 Phản ánh mới. Tiếp nhận qua kênh nào? (gõ «Huỷ» để dừng bất cứ lúc nào)".into(),
            T::AskContent => "Nội dung phản ánh, kiến nghị?".into(),
            T::AskPlace => "Ở xã/phường nào? Gõ một phần tên.".into(),
            T::NoPlaceFound => "Không tìm thấy xã/phường nào. Gõ lại một phần tên.".into(),
            T::ChoosePlace => "Chọn xã/phường:".into(),
            T::AskCategory => "Lĩnh vực?".into(),
            T::AskName => "Họ tên người phản ánh? (hoặc Bỏ qua)".into(),
            T::AskPhone => "Số điện thoại người phản ánh? (hoặc Bỏ qua)".into(),
            T::AskConsent => "Người phản ánh có đồng ý cho đơn vị xử lý biết họ tên, số điện thoại không?".into(),
            T::AskFiles => "Gửi ảnh hoặc tài liệu kèm theo (nếu có), rồi bấm Xong.".into(),
            T::FileKept(n) => format!("Đã nhận {n} tệp. Gửi thêm hoặc bấm Xong."),
            T::ProposeUnit { unit } => format!("Đề xuất chuyển xử lý: {unit}."),
            T::AskOtherUnit => "Gõ một phần tên đơn vị xử lý.".into(),
            T::NoUnitFound => "Không tìm thấy đơn vị. Gõ lại một phần tên.".into(),
            T::ChooseUnit => "Chọn đơn vị:".into(),
            T::Receipt { number, unit, ack_by, answer_by } => format!(
                "✅ Đã tiếp nhận phản ánh số {number}, chuyển {unit}.\nĐơn vị tiếp nhận trước {ack_by}, trả lời trước hết ngày {answer_by}.\nĐọc số {number} cho người dân để tra cứu."
            ),
            T::Cancelled => "Đã huỷ, không ghi gì.".into(),
            T::OnlyHotline => "Chỉ tổng đài viên và Nội vụ ghi nhận phản ánh.".into(),
            T::CaseHeader { number, state } => format!("📨 Phản ánh {number} — {}", T::State(*state).vi()),
            T::CaseWhat { channel, received, place, category } => format!(
                "{} · {received} · {place} · {category}",
                T::Channel(*channel).vi()
            ),
            T::Citizen { name, phone } => format!("Người phản ánh: {name} · {phone}"),
            T::CitizenHidden { initials, phone } => format!(
                "Người phản ánh: {initials} · {phone} (không đồng ý cung cấp thông tin liên hệ)"
            ),
            T::CitizenNoContact => "Người phản ánh: không có thông tin liên hệ".into(),
            T::NoOneToTell { number, units } => format!(
                "⚠️ {number}: {units} chưa có ai nhận tin qua Telegram (chưa ai liên kết, hoặc không liên lạc được) — phản ánh chưa đến được đơn vị. Bấm «Chuyển đơn vị» để chuyển nơi khác, hoặc báo đơn vị bằng điện thoại, văn bản."
            ),
            T::CaseClocks { ack_by, answer_by } => format!("Hạn tiếp nhận: {ack_by} · hạn trả lời: {answer_by}"),
            T::Files(n) => format!("📎 {n} tệp đính kèm"),
            T::HopLine { unit, state } => format!("– {unit}: {}", T::Hop(*state).vi()),
            T::LateApology => "⚠️ Trả lời muộn: gửi văn bản xin lỗi người dân.".into(),
            T::NewCaseForUnit { unit } => format!("📨 Phản ánh chuyển {unit} xử lý. Trả lời tin này để trả lời."),
            T::ButtonAccept => "✅ Tiếp nhận".into(),
            T::ButtonNotOurs => "↩️ Không thuộc thẩm quyền".into(),
            T::ButtonAnswer => "✍️ Trả lời".into(),
            T::ButtonInformedClose => "✅ Đã báo người dân, đóng".into(),
            T::ButtonInformed => "📞 Đã báo người dân".into(),
            T::ButtonRoute => "↪️ Chuyển đơn vị".into(),
            T::ButtonAddUnit => "➕ Thêm đơn vị cùng xử lý".into(),
            T::ButtonReopen => "Mở lại".into(),
            T::ButtonYes => "Có".into(),
            T::ButtonNo => "Không".into(),
            T::ButtonSkip => "Bỏ qua".into(),
            T::ButtonDone => "Xong".into(),
            T::ButtonCancel => "Huỷ".into(),
            T::ButtonAgree => "Đồng ý".into(),
            T::ButtonOtherUnit => "Chọn đơn vị khác".into(),
            T::Accepted { number } => format!("Đã tiếp nhận {number}."),
            T::AskReason { number } => format!("{number}: nêu lý do không thuộc thẩm quyền (trả lời tin này)."),
            T::Returned { number } => format!("Đã trả lại {number} cho tổng đài."),
            T::AskAnswer { number } => format!("{number}: gửi nội dung trả lời (chữ, tệp hoặc ảnh)."),
            T::Answered { number } => format!("Đã ghi nhận trả lời {number}."),
            T::AnsweredLate { number } => format!("Đã ghi nhận trả lời {number} (quá hạn)."),
            T::Closed { number } => format!("Đã đóng {number}."),
            T::Reopened { number } => format!("Đã mở lại {number}: chọn đơn vị xử lý."),
            T::Informed { number } => format!("Đã ghi nhận: người dân đã được báo kết quả {number}."),
            T::CitizenInformed { at } => format!("📞 Đã báo người dân: {at}"),
            T::Withdrawn { number } => format!("{number} đã chuyển đơn vị khác xử lý; đơn vị không cần trả lời nữa."),
            T::NotAllowed => "Thao tác này không còn thực hiện được.".into(),
            T::CaseNotFound { number } => format!("Không có phản ánh {number} trong phạm vi của bạn."),
            T::NoOpenCases => "Không có phản ánh nào đang mở.".into(),
            T::OpenCasesHeader(n) => format!("Phản ánh đang mở ({n}):"),
        }
    }

    fn en(&self) -> String {
        use crate::domain::case::{CaseState as S, Channel as C, HopState as H};
        use HotlineText as T;
        match self {
            T::Channel(c) => match c {
                C::Phone => "Phone 1022",
                C::Sms => "SMS",
                C::Zalo => "Zalo",
                C::Email => "Email",
                C::WebPortal => "Web portal",
                C::InPerson => "In person",
            }
            .into(),
            T::State(s) => match s {
                S::Received => "received",
                S::Forwarded => "forwarded",
                S::Accepted => "accepted",
                S::Answered => "answered",
                S::Closed => "closed",
                S::Returned => "returned, to be routed again",
                S::Reopened => "reopened",
                S::Cancelled => "cancelled",
            }
            .into(),
            T::Hop(h) => match h {
                H::Forwarded => "waiting for acknowledgement",
                H::Accepted => "accepted",
                H::Returned => "not their responsibility",
                H::Answered => "answered",
                H::Withdrawn => "withdrawn",
            }
            .into(),
            T::AskChannel => "📞 New citizen report. Which channel? (send «Huỷ» to stop at any time)".into(),
            T::AskContent => "What does the citizen report or ask?".into(),
            T::AskPlace => "Which commune or ward? Type part of its name.".into(),
            T::NoPlaceFound => "No commune or ward found. Type part of its name again.".into(),
            T::ChoosePlace => "Choose the commune or ward:".into(),
            T::AskCategory => "Category?".into(),
            T::AskName => "The citizen's name? (or Skip)".into(),
            T::AskPhone => "The citizen's phone number? (or Skip)".into(),
            T::AskConsent => "May the unit handling it see the citizen's name and phone?".into(),
            T::AskFiles => "Send photos or documents, if any, then press Done.".into(),
            T::FileKept(n) => format!("{n} file(s) received. Send more or press Done."),
            T::ProposeUnit { unit } => format!("Proposed unit: {unit}."),
            T::AskOtherUnit => "Type part of the unit's name.".into(),
            T::NoUnitFound => "No unit found. Type part of its name again.".into(),
            T::ChooseUnit => "Choose the unit:".into(),
            T::Receipt { number, unit, ack_by, answer_by } => format!(
                "✅ Case {number} logged and sent to {unit}.\nAcknowledgement by {ack_by}, answer by the end of {answer_by}.\nGive the citizen the number {number}."
            ),
            T::Cancelled => "Cancelled; nothing was saved.".into(),
            T::OnlyHotline => "Only hotline operators and coordinators log citizen reports.".into(),
            T::CaseHeader { number, state } => format!("📨 Case {number} — {}", T::State(*state).en()),
            T::CaseWhat { channel, received, place, category } => format!(
                "{} · {received} · {place} · {category}",
                T::Channel(*channel).en()
            ),
            T::Citizen { name, phone } => format!("Citizen: {name} · {phone}"),
            T::CitizenHidden { initials, phone } => format!(
                "Citizen: {initials} · {phone} (contact details not shared)"
            ),
            T::CitizenNoContact => "Citizen: no contact details given".into(),
            T::NoOneToTell { number, units } => format!(
                "⚠️ {number}: no one in {units} can be reached on Telegram (nobody linked, or unreachable) — the case has reached no one there. Press “Route to a unit” to send it elsewhere, or tell the unit by phone or in writing."
            ),
            T::CaseClocks { ack_by, answer_by } => format!("Acknowledge by {ack_by} · answer by {answer_by}"),
            T::Files(n) => format!("📎 {n} attachment(s)"),
            T::HopLine { unit, state } => format!("– {unit}: {}", T::Hop(*state).en()),
            T::LateApology => "⚠️ Answered late: send the citizen a letter of apology.".into(),
            T::NewCaseForUnit { unit } => format!("📨 A citizen's case for {unit}. Reply to this message to answer."),
            T::ButtonAccept => "✅ Accept".into(),
            T::ButtonNotOurs => "↩️ Not ours".into(),
            T::ButtonAnswer => "✍️ Answer".into(),
            T::ButtonInformedClose => "✅ Citizen informed, close".into(),
            T::ButtonInformed => "📞 Citizen informed".into(),
            T::ButtonRoute => "↪️ Route to a unit".into(),
            T::ButtonAddUnit => "➕ Add a unit".into(),
            T::ButtonReopen => "Reopen".into(),
            T::ButtonYes => "Yes".into(),
            T::ButtonNo => "No".into(),
            T::ButtonSkip => "Skip".into(),
            T::ButtonDone => "Done".into(),
            T::ButtonCancel => "Cancel".into(),
            T::ButtonAgree => "Agree".into(),
            T::ButtonOtherUnit => "Another unit".into(),
            T::Accepted { number } => format!("{number} accepted."),
            T::AskReason { number } => format!("{number}: why is it not yours? (reply to this message)"),
            T::Returned { number } => format!("{number} returned to the hotline."),
            T::AskAnswer { number } => format!("{number}: send the answer (text, a file or a photo)."),
            T::Answered { number } => format!("Answer to {number} recorded."),
            T::AnsweredLate { number } => format!("Answer to {number} recorded (late)."),
            T::Closed { number } => format!("{number} closed."),
            T::Reopened { number } => format!("{number} reopened: choose a unit."),
            T::Informed { number } => format!("Recorded: the citizen was told the answer to {number}."),
            T::CitizenInformed { at } => format!("📞 Citizen informed: {at}"),
            T::Withdrawn { number } => format!("{number} was moved to another unit; your unit need not answer it."),
            T::NotAllowed => "That can no longer be done.".into(),
            T::CaseNotFound { number } => format!("No case {number} within what you can see."),
            T::NoOpenCases => "No open cases.".into(),
            T::OpenCasesHeader(n) => format!("Open cases ({n}):"),
        }
    }
}

/// What the hotline's commands (`dondoc cases …`) print, and the words of their exports.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseText<'a> {
    /// One case created by `cases import`: its number, place and the units it went to.
    /// `cases import`: a case went to units no one can be told in.
    NoOneToTell {
        number: &'a str,
        units: &'a str,
    },
    Created {
        number: &'a str,
        place: &'a str,
        units: &'a str,
    },
    CasesSaved {
        cases: usize,
    },
    /// `cases import`: cases of the file already stored by an earlier import, not written again.
    CasesSkipped {
        cases: usize,
    },
    /// `cases import --dry-run`: the n-th case of the file and where it would go.
    WouldCreate {
        index: usize,
        place: &'a str,
        units: &'a str,
    },
    CasesDryRun {
        cases: usize,
    },
    RoutingSaved {
        rules: usize,
    },
    NoRoutingRules,
    /// A routing rule as `cases routing list` shows it.
    Rule {
        category: Option<&'a str>,
        place: Option<&'a str>,
        unit: &'a str,
    },
    Channel(crate::domain::case::Channel),
    State(crate::domain::case::CaseState),
    HopState(crate::domain::case::HopState),
    YesNo(bool),
    /// `--from`, `--to` or `--month` that is not a date.
    BadDate {
        option: &'a str,
        raw: &'a str,
    },
    /// `--to` before `--from`.
    EmptyRange,
    ContactsNeedBy,
    PersonNotFound {
        id: i64,
    },
    /// Only coordinators and hotline operators may export contacts.
    ContactsRefused {
        name: &'a str,
        role: crate::domain::PersonRole,
    },
    Exported {
        cases: usize,
        path: &'a str,
        with_contacts: bool,
    },
    StatsTitle {
        month: &'a str,
    },
    StatsTotal,
    StatsByUnit,
    StatsByCategory,
}

/// Columns of `cases export`, in order.
pub const EXPORT_COLUMNS: usize = 13;

/// Columns of `cases stats`, after the name.
pub const STATS_COLUMNS: usize = 6;

impl CaseText<'_> {
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.vi(),
            Lang::En => self.en(),
        }
    }

    /// The header row of `cases export`.
    pub fn export_headers(lang: Lang) -> [&'static str; EXPORT_COLUMNS] {
        match lang {
            Lang::Vi => [
                "Số phản ánh",
                "Ngày giờ tiếp nhận",
                "Kênh",
                "Xã/phường",
                "Lĩnh vực",
                "Nội dung",
                "Đơn vị xử lý",
                "Tiếp nhận lúc",
                "Trả lời lúc",
                "Trễ hạn",
                "Trạng thái",
                "Họ tên",
                "Số điện thoại",
            ],
            Lang::En => [
                "Number",
                "Received",
                "Channel",
                "Place",
                "Category",
                "Content",
                "Units",
                "Acknowledged at",
                "Answered at",
                "Late",
                "State",
                "Citizen",
                "Phone",
            ],
        }
    }

    /// The column heads of `cases stats`, after the name.
    pub fn stats_headers(lang: Lang) -> [&'static str; STATS_COLUMNS] {
        match lang {
            Lang::Vi => [
                "tiếp nhận",
                "xác nhận đúng hạn",
                "trả lời đúng hạn",
                "trả lời trễ",
                "chưa trả lời",
                "quá hạn",
            ],
            Lang::En => [
                "received",
                "acknowledged in time",
                "answered in time",
                "answered late",
                "open",
                "overdue",
            ],
        }
    }

    fn vi(&self) -> String {
        use crate::domain::case::{CaseState as S, Channel as C, HopState as H};
        match self {
            CaseText::Created { number, place, units } => format!("{number}\t{place}\t→ {units}"),
            CaseText::NoOneToTell { number, units } => format!(
                "⚠️ {number}: {units} chưa có ai nhận tin qua Telegram — phản ánh chưa đến được đơn vị. Chuyển đơn vị khác (/vuviec {number}, «Chuyển đơn vị») hoặc báo đơn vị bằng điện thoại, văn bản."
            ),
            CaseText::CasesSaved { cases } => format!("Đã ghi {cases} phản ánh, kiến nghị."),
            CaseText::CasesSkipped { cases } => format!("Bỏ qua {cases} phản ánh đã có (đã nhập từ trước, cùng số phiếu hoặc cùng thời điểm, số điện thoại và nội dung)."),
            CaseText::WouldCreate { index, place, units } => format!("#{index}\t{place}\t→ {units}"),
            CaseText::CasesDryRun { cases } => format!("Chạy thử: {cases} phản ánh hợp lệ, chưa ghi gì."),
            CaseText::RoutingSaved { rules } => format!("Đã thay toàn bộ quy tắc chuyển xử lý bằng {rules} quy tắc."),
            CaseText::NoRoutingRules => "Chưa có quy tắc chuyển xử lý nào: mọi phản ánh chuyển về UBND xã/phường nơi phát sinh.".into(),
            CaseText::Rule { category, place, unit } => format!(
                "{}\t{}\t→ {unit}",
                category.unwrap_or("(mọi lĩnh vực)"),
                place.unwrap_or("(mọi địa bàn)")
            ),
            CaseText::Channel(c) => match c {
                C::Phone => "Điện thoại (1022)",
                C::Sms => "Tin nhắn SMS",
                C::Zalo => "Zalo",
                C::Email => "Thư điện tử",
                C::WebPortal => "Cổng thông tin",
                C::InPerson => "Trực tiếp",
            }
            .into(),
            CaseText::State(state) => match state {
                S::Received => "mới tiếp nhận",
                S::Forwarded => "đã chuyển xử lý",
                S::Accepted => "đơn vị đã tiếp nhận",
                S::Answered => "đã trả lời",
                S::Closed => "đã đóng",
                S::Returned => "bị trả lại",
                S::Reopened => "mở lại",
                S::Cancelled => "đã huỷ",
            }
            .into(),
            CaseText::HopState(state) => match state {
                H::Forwarded => "chờ tiếp nhận",
                H::Accepted => "đã tiếp nhận",
                H::Returned => "trả lại",
                H::Answered => "đã trả lời",
                H::Withdrawn => "đã rút",
            }
            .into(),
            CaseText::YesNo(yes) => if *yes { "có" } else { "không" }.into(),
            CaseText::BadDate { option, raw } => format!("{option}: \"{raw}\" không phải ngày (viết yyyy-mm-dd hoặc dd/mm/yyyy; tháng: yyyy-mm)."),
            CaseText::EmptyRange => "--to phải sau --from.".into(),
            CaseText::ContactsNeedBy => "--with-contact cần --by MÃ_NGƯỜI, mã của một điều phối viên hoặc tổng đài viên. Những người được xuất:".into(),
            CaseText::PersonNotFound { id } => format!("Không có người nào mã {id}."),
            CaseText::ContactsRefused { name, role } => format!(
                "{name} ({}) không được xuất họ tên, số điện thoại của người dân: chỉ điều phối viên và tổng đài viên được xuất.",
                role.as_str()
            ),
            CaseText::Exported { cases, path, with_contacts } => format!(
                "Đã xuất {cases} phản ánh vào {path}{}.",
                if *with_contacts { " (có họ tên, số điện thoại; đã ghi nhật ký)" } else { " (họ tên, số điện thoại đã che)" }
            ),
            CaseText::StatsTitle { month } => format!("Phản ánh, kiến nghị tháng {month}"),
            CaseText::StatsTotal => "Tổng".into(),
            CaseText::StatsByUnit => "Theo đơn vị xử lý".into(),
            CaseText::StatsByCategory => "Theo lĩnh vực".into(),
        }
    }

    fn en(&self) -> String {
        use crate::domain::case::Channel as C;
        match self {
            CaseText::Created { number, place, units } => format!("{number}\t{place}\t→ {units}"),
            CaseText::NoOneToTell { number, units } => format!(
                "⚠️ {number}: no one in {units} can be reached on Telegram — the case has reached no one there. Route it elsewhere (/vuviec {number}, “Route to a unit”) or tell the unit by phone or in writing."
            ),
            CaseText::CasesSaved { cases } => format!("Saved {cases} citizen reports."),
            CaseText::CasesSkipped { cases } => format!("Skipped {cases} citizen reports already stored (imported before: same reference, or same time, phone and content)."),
            CaseText::WouldCreate { index, place, units } => format!("#{index}\t{place}\t→ {units}"),
            CaseText::CasesDryRun { cases } => format!("Dry run: {cases} valid citizen reports, nothing saved."),
            CaseText::RoutingSaved { rules } => format!("Replaced every routing rule with {rules} rules."),
            CaseText::NoRoutingRules => "No routing rules: every case goes to the People's Committee of its commune.".into(),
            CaseText::Rule { category, place, unit } => format!(
                "{}\t{}\t→ {unit}",
                category.unwrap_or("(any category)"),
                place.unwrap_or("(anywhere)")
            ),
            CaseText::Channel(c) => match c {
                C::Phone => "Phone (1022)",
                C::Sms => "SMS",
                C::Zalo => "Zalo",
                C::Email => "Email",
                C::WebPortal => "Web portal",
                C::InPerson => "In person",
            }
            .into(),
            CaseText::State(state) => state.as_str().replace('_', " "),
            CaseText::HopState(state) => state.as_str().into(),
            CaseText::YesNo(yes) => if *yes { "yes" } else { "no" }.into(),
            CaseText::BadDate { option, raw } => format!("{option}: \"{raw}\" is not a date (write yyyy-mm-dd or dd/mm/yyyy; a month: yyyy-mm)."),
            CaseText::EmptyRange => "--to must come after --from.".into(),
            CaseText::ContactsNeedBy => "--with-contact needs --by PERSON_ID, the id of a coordinator or hotline operator. Those who may:".into(),
            CaseText::PersonNotFound { id } => format!("No person has id {id}."),
            CaseText::ContactsRefused { name, role } => format!(
                "{name} ({}) may not export citizens' names and phones: only coordinators and hotline operators may.",
                role.as_str()
            ),
            CaseText::Exported { cases, path, with_contacts } => format!(
                "Exported {cases} cases to {path}{}.",
                if *with_contacts { " (with names and phones; recorded in the audit log)" } else { " (names and phones masked)" }
            ),
            CaseText::StatsTitle { month } => format!("Citizen reports, {month}"),
            CaseText::StatsTotal => "Total".into(),
            CaseText::StatsByUnit => "By unit".into(),
            CaseText::StatsByCategory => "By category".into(),
        }
    }
}

fn case_problem_vi(p: &crate::import::CaseProblem) -> String {
    use crate::import::CaseProblem as P;
    match p {
        P::NoHeader { routing: false } => "không tìm thấy dòng tiêu đề có các cột \"ngày giờ tiếp nhận\", \"kênh\", \"nội dung\", \"xã/phường\", \"lĩnh vực\"".into(),
        P::NoHeader { routing: true } => "không tìm thấy dòng tiêu đề có cột \"đơn vị xử lý\" và \"lĩnh vực\" hoặc \"xã/phường\"".into(),
        P::NoRows => "tệp không có dòng nào dưới dòng tiêu đề".into(),
        P::BadReceived(raw) => format!("ngày giờ tiếp nhận \"{raw}\" không hợp lệ (viết dd/mm/yyyy HH:MM hoặc dd/mm/yyyy)"),
        P::BadChannel(raw) => format!("kênh \"{raw}\" không hợp lệ (1022/điện thoại, SMS, Zalo, email, cổng thông tin, trực tiếp)"),
        P::MissingContent => "thiếu nội dung phản ánh".into(),
        P::MissingPlace => "thiếu xã/phường".into(),
        P::UnknownPlace(raw) => format!("không có xã/phường hay đơn vị \"{raw}\" trong danh mục"),
        P::AmbiguousPlace { text, codes } => format!("\"{text}\" khớp nhiều đơn vị ({}): hãy ghi mã", codes.join(", ")),
        P::MissingCategory => "thiếu lĩnh vực".into(),
        P::UnknownCategory(raw) => format!("lĩnh vực \"{raw}\" không có trong danh sách [hotline] categories"),
        P::BadConsent(raw) => format!("đồng ý chia sẻ \"{raw}\" không hợp lệ (có hoặc không; để trống là không)"),
        P::MissingUnit => "thiếu đơn vị xử lý".into(),
        P::UnknownUnit(raw) => format!("không có đơn vị xử lý \"{raw}\" trong danh mục"),
        P::AmbiguousUnit { text, codes } => format!("đơn vị \"{text}\" khớp nhiều đơn vị ({}): hãy ghi mã", codes.join(", ")),
        P::DuplicateRule { first_row } => format!("quy tắc trùng lĩnh vực và địa bàn với dòng {first_row}"),
        P::DuplicateCase { first_row } => format!("cùng một vụ việc với dòng {first_row} (cùng số phiếu, hoặc cùng thời điểm, số điện thoại và nội dung): xóa một dòng, hoặc ghi số phiếu khác nhau nếu là hai vụ việc"),
    }
}

fn case_problem_en(p: &crate::import::CaseProblem) -> String {
    use crate::import::CaseProblem as P;
    match p {
        P::NoHeader { routing: false } => {
            "no header row with the columns received, channel, content, place and category".into()
        }
        P::NoHeader { routing: true } => {
            "no header row with the column unit and category or place".into()
        }
        P::NoRows => "the file has no rows under its header row".into(),
        P::BadReceived(raw) => {
            format!("invalid received time \"{raw}\" (write dd/mm/yyyy HH:MM or dd/mm/yyyy)")
        }
        P::BadChannel(raw) => format!(
            "invalid channel \"{raw}\" (phone/1022, sms, zalo, email, web portal, in person)"
        ),
        P::MissingContent => "the content is missing".into(),
        P::MissingPlace => "the place is missing".into(),
        P::UnknownPlace(raw) => format!("no commune or unit \"{raw}\" in the registry"),
        P::AmbiguousPlace { text, codes } => format!(
            "\"{text}\" fits several units ({}): write the code",
            codes.join(", ")
        ),
        P::MissingCategory => "the category is missing".into(),
        P::UnknownCategory(raw) => format!("category \"{raw}\" is not in [hotline] categories"),
        P::BadConsent(raw) => {
            format!("invalid consent \"{raw}\" (có/yes or không/no; empty means no)")
        }
        P::MissingUnit => "the unit is missing".into(),
        P::UnknownUnit(raw) => format!("no unit \"{raw}\" in the registry"),
        P::AmbiguousUnit { text, codes } => format!(
            "unit \"{text}\" fits several units ({}): write the code",
            codes.join(", ")
        ),
        P::DuplicateRule { first_row } => format!("same category and place as row {first_row}"),
        P::DuplicateCase { first_row } => format!("the same case as row {first_row} (same reference, or same time, phone and content): delete one row, or give them different references if they are two cases"),
    }
}

/// The periodic report (`dondoc export`, `/xuat`): its sheets' words, and what the command
/// and the bot say about it. `dondoc export` writes the document in the province's language
/// (it goes to the People's Committee); `/xuat` in the language the coordinator reads.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportText<'a> {
    SheetSummary,
    SheetUnits,
    SheetCases,
    /// The sheet of units no one can be told in and of unreachable members.
    SheetNoOneToTell,
    /// Its state cell: nobody linked, or `unreachable` linked members all unreachable.
    NoOneLinked {
        unreachable: i64,
    },
    /// A member whose chat cannot be reached, since a day.
    MemberUnreachable {
        name: &'a str,
        since: &'a str,
    },
    /// The sheet when everyone can be told.
    EveryoneReachable,
    /// Sheet and row name for tasks the plan gives no dimension.
    NoDimension,
    Title {
        plan: &'a str,
        code: &'a str,
    },
    Period {
        label: &'a str,
        due: &'a str,
    },
    AsOf {
        day: &'a str,
    },
    CasesSpan {
        from: &'a str,
        to: &'a str,
    },
    SectionReports,
    SectionTasks,
    SectionCases,
    Owing,
    State(crate::export::ReportState),
    TaskStatus(AssignmentStatus),
    Total,
    /// How a task's units stand: "3/5 đơn vị hoàn thành; 1 đang thực hiện; 1 vướng mắc".
    ByUnit {
        units: usize,
        done: usize,
        in_progress: usize,
        blocked: usize,
    },
    MoreUnits {
        more: usize,
    },
    /// `dondoc export` wrote the file(s).
    Written {
        label: &'a str,
        code: &'a str,
        day: &'a str,
        paths: &'a str,
    },
    /// The period typed is not in the plan's calendar; `choices` lists those that are.
    UnknownPeriod {
        typed: &'a str,
        code: &'a str,
        choices: &'a str,
    },
    NoPeriods {
        code: &'a str,
    },
    BadAsOf {
        raw: &'a str,
    },
    /// `/xuat` by someone who is not a coordinator.
    CoordinatorsOnly,
    /// `/xuat` when the coordinator's office watches several plans.
    ChoosePlan {
        codes: &'a str,
    },
    NoPlan,
    /// The caption of the file `/xuat` sends.
    Caption {
        label: &'a str,
        code: &'a str,
        day: &'a str,
        owing: usize,
        on_time: usize,
        late: usize,
        missing: usize,
        /// Not submitted and not due yet: its own count, so the four add up to `owing`.
        not_yet_due: usize,
    },
    CommandExport,
}

/// Columns of the report's sheets.
pub const REPORT_UNIT_COLUMNS: usize = 6;
pub const REPORT_TASK_COLUMNS: usize = 11;
pub const REPORT_DIMENSION_COLUMNS: usize = 7;

impl ReportText<'_> {
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.vi(),
            Lang::En => self.en(),
        }
    }

    /// The no-one-to-tell sheet's header row.
    pub fn reach_headers(lang: Lang) -> [&'static str; 4] {
        match lang {
            Lang::Vi => [
                "STT",
                "Mã đơn vị",
                "Tên đơn vị",
                "Tình trạng nhận tin qua Telegram",
            ],
            Lang::En => ["No.", "Unit code", "Unit", "Telegram"],
        }
    }

    /// The units sheet's header row.
    pub fn unit_headers(lang: Lang) -> [&'static str; REPORT_UNIT_COLUMNS] {
        match lang {
            Lang::Vi => [
                "STT",
                "Mã đơn vị",
                "Tên đơn vị",
                "Tình trạng báo cáo",
                "Ngày nộp",
                "Số ngày trễ",
            ],
            Lang::En => [
                "No.",
                "Unit code",
                "Unit",
                "Report",
                "Submitted on",
                "Days late",
            ],
        }
    }

    /// A dimension sheet's header row.
    pub fn task_headers(lang: Lang) -> [&'static str; REPORT_TASK_COLUMNS] {
        match lang {
            Lang::Vi => [
                "STT",
                "Nhiệm vụ",
                "Chỉ tiêu",
                "Thời gian thực hiện",
                "Hạn",
                "Đơn vị chủ trì theo dõi",
                "Đơn vị thực hiện",
                "Trạng thái",
                "Chi tiết theo đơn vị",
                "Cập nhật gần nhất",
                "Ngày cập nhật",
            ],
            Lang::En => [
                "No.",
                "Task",
                "Target",
                "Timeframe",
                "Due",
                "Lead unit",
                "Implementing units",
                "Status",
                "By unit",
                "Latest update",
                "Updated on",
            ],
        }
    }

    /// The summary's table of tasks by dimension.
    pub fn dimension_headers(lang: Lang) -> [&'static str; REPORT_DIMENSION_COLUMNS] {
        match lang {
            Lang::Vi => [
                "STT",
                "Nội dung",
                "Số nhiệm vụ",
                "Đã hoàn thành",
                "Đang thực hiện",
                "Vướng mắc",
                "Chưa thực hiện",
            ],
            Lang::En => [
                "No.",
                "Dimension",
                "Tasks",
                "Done",
                "In progress",
                "Blocked",
                "Not started",
            ],
        }
    }

    /// The summary's two small tables: (what, how many, share).
    pub fn figure_headers(lang: Lang) -> [&'static str; 3] {
        match lang {
            Lang::Vi => ["Chỉ tiêu", "Số lượng", "Tỷ lệ (%)"],
            Lang::En => ["Item", "Count", "Share (%)"],
        }
    }

    /// Row names of the summary's hotline table, in `hotline::stats::Figures` order.
    pub fn case_rows(lang: Lang) -> [&'static str; 6] {
        match lang {
            Lang::Vi => [
                "Phản ánh, kiến nghị tiếp nhận",
                "Tiếp nhận (xác nhận) đúng hạn",
                "Trả lời đúng hạn",
                "Trả lời trễ hạn",
                "Chưa trả lời",
                "Trong đó quá hạn",
            ],
            Lang::En => [
                "Cases received",
                "Acknowledged in time",
                "Answered in time",
                "Answered late",
                "Not answered yet",
                "Of which overdue",
            ],
        }
    }

    fn vi(&self) -> String {
        use crate::export::ReportState as S;
        match self {
            ReportText::SheetSummary => "Tổng hợp".into(),
            ReportText::SheetUnits => "Báo cáo của đơn vị".into(),
            ReportText::SheetCases => "Phản ánh, kiến nghị".into(),
            ReportText::SheetNoOneToTell => "Chưa nhận tin".into(),
            ReportText::NoOneLinked { unreachable: 0 } => "Chưa ai liên kết: không được nhắc việc".into(),
            ReportText::NoOneLinked { unreachable } => format!("{unreachable} người đã liên kết nhưng không liên lạc được: không được nhắc việc"),
            ReportText::MemberUnreachable { name, since } => format!("{name}: không liên lạc được từ {since}"),
            ReportText::EveryoneReachable => "Đơn vị nào có việc cũng có người nhận tin qua Telegram.".into(),
            ReportText::NoDimension => "Khác".into(),
            ReportText::Title { plan, code } => format!("BÁO CÁO KẾT QUẢ THỰC HIỆN {} ({code})", plan.to_uppercase()),
            ReportText::Period { label, due } => format!("Kỳ báo cáo: {label} (hạn nộp {due})"),
            ReportText::AsOf { day } => format!("Số liệu tính đến ngày {day}"),
            ReportText::CasesSpan { from, to } => format!("Phản ánh, kiến nghị tiếp nhận từ {from} đến {to}"),
            ReportText::SectionReports => "I. TÌNH HÌNH NỘP BÁO CÁO CỦA CÁC ĐƠN VỊ".into(),
            ReportText::SectionTasks => "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO NỘI DUNG".into(),
            ReportText::SectionCases => "III. TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ".into(),
            ReportText::Owing => "Đơn vị phải báo cáo".into(),
            ReportText::State(state) => match state {
                S::OnTime => "Nộp đúng hạn",
                S::Late => "Nộp trễ hạn",
                S::Missing => "Chưa nộp (quá hạn)",
                S::NotYetDue => "Chưa nộp (chưa đến hạn)",
            }
            .into(),
            ReportText::TaskStatus(status) => match status {
                AssignmentStatus::Done => "Đã hoàn thành",
                AssignmentStatus::InProgress => "Đang thực hiện",
                AssignmentStatus::Blocked => "Vướng mắc",
                AssignmentStatus::NotStarted => "Chưa thực hiện",
            }
            .into(),
            ReportText::Total => "Tổng cộng".into(),
            ReportText::ByUnit { units, done, in_progress, blocked } => format!(
                "{done}/{units} đơn vị hoàn thành; {in_progress} đang thực hiện; {blocked} vướng mắc"
            ),
            ReportText::MoreUnits { more } => format!("… và {more} đơn vị khác"),
            ReportText::Written { label, code, day, paths } => {
                format!("Đã xuất {label} của kế hoạch {code} (số liệu đến {day}): {paths}")
            }
            ReportText::UnknownPeriod { typed, code, choices } => format!(
                "Kế hoạch {code} không có kỳ báo cáo \"{typed}\". Các kỳ: {choices}. Có thể gõ Q1, Q2 (= 6 tháng), Q3, Q4 (= năm), 6T, CN."
            ),
            ReportText::NoPeriods { code } => format!("Kế hoạch {code} chưa có kỳ báo cáo nào (dondoc plan deadlines)."),
            ReportText::BadAsOf { raw } => format!("--as-of: \"{raw}\" không phải ngày (viết yyyy-mm-dd, dd/mm/yyyy hoặc yyyy-mm-ddTHH:MM)."),
            ReportText::CoordinatorsOnly => "Chỉ cán bộ Nội vụ theo dõi được xuất báo cáo định kỳ.".into(),
            ReportText::ChoosePlan { codes } => format!("Bạn theo dõi nhiều kế hoạch. Gõ /xuat MÃ_KẾ_HOẠCH [kỳ], một trong: {codes}"),
            ReportText::NoPlan => "Chưa có kế hoạch nào trong phạm vi theo dõi của bạn.".into(),
            ReportText::Caption { label, code, day, owing, on_time, late, missing, not_yet_due } => format!(
                "{label} – {code}, số liệu đến {day}: {owing} đơn vị phải báo cáo = {on_time} đúng hạn + {late} trễ hạn + {missing} quá hạn chưa nộp + {not_yet_due} chưa đến hạn."
            ),
            ReportText::CommandExport => "Xuất báo cáo định kỳ (Nội vụ)".into(),
        }
    }

    fn en(&self) -> String {
        use crate::export::ReportState as S;
        match self {
            ReportText::SheetSummary => "Summary".into(),
            ReportText::SheetUnits => "Unit reports".into(),
            ReportText::SheetCases => "Citizen cases".into(),
            ReportText::SheetNoOneToTell => "No one to tell".into(),
            ReportText::NoOneLinked { unreachable: 0 } => "Nobody linked: never reminded".into(),
            ReportText::NoOneLinked { unreachable } => format!("{unreachable} linked but cannot be reached: never reminded"),
            ReportText::MemberUnreachable { name, since } => format!("{name}: cannot be reached since {since}"),
            ReportText::EveryoneReachable => "Every unit with work has someone the bot can tell.".into(),
            ReportText::NoDimension => "Other".into(),
            ReportText::Title { plan, code } => format!("IMPLEMENTATION REPORT: {} ({code})", plan.to_uppercase()),
            ReportText::Period { label, due } => format!("Period: {label} (due {due})"),
            ReportText::AsOf { day } => format!("Figures as of {day}"),
            ReportText::CasesSpan { from, to } => format!("Citizen cases received from {from} to {to}"),
            ReportText::SectionReports => "I. REPORTS FROM UNITS".into(),
            ReportText::SectionTasks => "II. TASKS BY DIMENSION".into(),
            ReportText::SectionCases => "III. CITIZEN REPORTS AND PETITIONS".into(),
            ReportText::Owing => "Units owing the report".into(),
            ReportText::State(state) => match state {
                S::OnTime => "Reported on time",
                S::Late => "Reported late",
                S::Missing => "Missing (overdue)",
                S::NotYetDue => "Not yet reported (not due yet)",
            }
            .into(),
            ReportText::TaskStatus(status) => match status {
                AssignmentStatus::Done => "Done",
                AssignmentStatus::InProgress => "In progress",
                AssignmentStatus::Blocked => "Blocked",
                AssignmentStatus::NotStarted => "Not started",
            }
            .into(),
            ReportText::Total => "Total".into(),
            ReportText::ByUnit { units, done, in_progress, blocked } => format!(
                "{done}/{units} units done; {in_progress} in progress; {blocked} blocked"
            ),
            ReportText::MoreUnits { more } => format!("… and {more} more units"),
            ReportText::Written { label, code, day, paths } => {
                format!("Exported {label} of plan {code} (as of {day}): {paths}")
            }
            ReportText::UnknownPeriod { typed, code, choices } => format!(
                "Plan {code} has no reporting period \"{typed}\". Its periods: {choices}. Q1, Q2 (= 6 months), Q3, Q4 (= year), 6T and CN work too."
            ),
            ReportText::NoPeriods { code } => format!("Plan {code} has no reporting periods (dondoc plan deadlines)."),
            ReportText::BadAsOf { raw } => format!("--as-of: \"{raw}\" is not a date (write yyyy-mm-dd, dd/mm/yyyy or yyyy-mm-ddTHH:MM)."),
            ReportText::CoordinatorsOnly => "Only coordinators can export the periodic report.".into(),
            ReportText::ChoosePlan { codes } => format!("You follow several plans. Send /xuat PLAN_CODE [period], one of: {codes}"),
            ReportText::NoPlan => "There is no plan within what you monitor.".into(),
            ReportText::Caption { label, code, day, owing, on_time, late, missing, not_yet_due } => format!(
                "{label} – {code}, as of {day}: {owing} units owe it = {on_time} on time + {late} late + {missing} overdue, missing + {not_yet_due} not yet due."
            ),
            ReportText::CommandExport => "Export the periodic report (coordinators)".into(),
        }
    }
}

/// Why a database could not be opened, in Vietnamese (English: the failure's `Display`).
pub fn connect_failure_vi(failure: &crate::store::ConnectFailure) -> String {
    use crate::store::ConnectFailure;
    match failure {
        ConnectFailure::Refused { address } => {
            format!("{address} từ chối kết nối (máy chủ cơ sở dữ liệu có đang chạy ở đó không?)")
        }
        ConnectFailure::NoAnswer { address, secs } => {
            format!("{address} không trả lời trong {secs} giây")
        }
        ConnectFailure::BadPassword { user } => {
            format!("sai mật khẩu của người dùng {user}")
        }
        ConnectFailure::NoDatabase { database } => {
            format!(
                "cơ sở dữ liệu {database} không tồn tại (tạo nó trước, ví dụ createdb {database})"
            )
        }
        ConnectFailure::Other(detail) => detail.clone(),
    }
}

/// [`connect_failure_vi`] or the English words.
pub fn connect_failure(failure: &crate::store::ConnectFailure, lang: Lang) -> String {
    match lang {
        Lang::Vi => connect_failure_vi(failure),
        Lang::En => failure.to_string(),
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

impl MemberState {
    pub fn render(&self, lang: Lang) -> String {
        match (self, lang) {
            (MemberState::Linked, Lang::Vi) => "đã liên kết".into(),
            (MemberState::Linked, Lang::En) => "linked".into(),
            (MemberState::InvitedUntil(day), Lang::Vi) => format!("đã mời, mã dùng được đến {day}"),
            (MemberState::InvitedUntil(day), Lang::En) => format!("invited until {day}"),
            (MemberState::NotLinked, Lang::Vi) => "chưa liên kết".into(),
            (MemberState::NotLinked, Lang::En) => "not linked".into(),
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

impl CliText<'_> {
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.vi(),
            Lang::En => self.en(),
        }
    }

    fn vi(&self) -> String {
        let or_else = |suggestion: &Option<&str>| {
            suggestion.map_or(String::new(), |s| format!(" Có phải ý bạn là «{s}»?"))
        };
        match self {
            CliText::BadValue { what, value } => {
                format!("Không đọc được {} «{value}».", value_name_vi(what))
            }
            CliText::BadLine {
                path,
                line,
                what,
                value,
            } => format!(
                "{path}, dòng {line}: không đọc được {} «{value}».",
                value_name_vi(what)
            ),
            CliText::CannotRead { path, error } => {
                format!("Không đọc được {path}: {}.", io_error_vi(error))
            }
            CliText::CannotWrite { path, error } => {
                format!("Không ghi được {path}: {}.", io_error_vi(error))
            }
            CliText::TooLarge { option, value } => {
                format!("{option} {value}: số quá lớn.")
            }
            CliText::ConfigCannotLoad { file: Some(file) } => {
                format!("Không dùng được cấu hình {file}:")
            }
            CliText::ConfigCannotLoad { file: None } => {
                "Không dùng được cấu hình (giá trị mặc định và biến môi trường DONDOC_…):".into()
            }
            CliText::ConfigSeeCheck => {
                "Sửa các lỗi trên rồi chạy lại; `dondoc check-config` kiểm tra cả cơ sở dữ liệu."
                    .into()
            }
            CliText::DatabaseFailed { detail } => format!("Lỗi cơ sở dữ liệu: {detail}"),
            CliText::Failed { detail } => format!("Lỗi: {detail}"),
            CliText::UnknownOption { option, suggestion } => format!(
                "Lệnh này không có tùy chọn «{option}».{}",
                or_else(suggestion)
            ),
            CliText::UnknownCommand {
                command,
                suggestion,
            } => format!("dondoc không có lệnh «{command}».{}", or_else(suggestion)),
            CliText::MissingCommand { valid: Some(valid) } => {
                format!("Thiếu lệnh con; chọn một trong: {valid}.")
            }
            CliText::MissingCommand { valid: None } => {
                "Thiếu lệnh con; các lệnh có thể dùng ở dưới.".into()
            }
            CliText::MissingArguments { arguments } => format!("Còn thiếu: {arguments}."),
            CliText::InvalidOptionValue {
                option,
                value,
                valid,
            } => {
                let valid = valid.map_or(String::new(), |v| format!(" Chọn một trong: {v}."));
                format!("{option} không nhận giá trị «{value}».{valid}")
            }
            CliText::Conflict { option, other } => {
                format!("Không dùng {option} cùng với {other}.")
            }
            CliText::GivenTwice { option } => format!("{option} chỉ được cho một lần."),
            CliText::UnexpectedValue { value } => {
                format!("Lệnh này không nhận thêm giá trị «{value}».")
            }
            CliText::BadUsage { detail } => format!("Dòng lệnh chưa đúng: {detail}"),
            CliText::SeeHelp => {
                "Xem thêm: `dondoc --help`, hoặc `dondoc LỆNH --help` cho từng lệnh.".into()
            }
        }
    }

    fn en(&self) -> String {
        let or_else = |suggestion: &Option<&str>| {
            suggestion.map_or(String::new(), |s| format!(" Did you mean «{s}»?"))
        };
        match self {
            CliText::BadValue { what, value } => format!("Not a valid {what}: «{value}»."),
            CliText::BadLine {
                path,
                line,
                what,
                value,
            } => {
                format!("{path}, line {line}: not a valid {what}: «{value}».")
            }
            CliText::CannotRead { path, error } => {
                format!(
                    "Cannot read {path}: {}.",
                    io_error_kind_en(error.kind(), &error.to_string())
                )
            }
            CliText::CannotWrite { path, error } => {
                format!(
                    "Cannot write {path}: {}.",
                    io_error_kind_en(error.kind(), &error.to_string())
                )
            }
            CliText::TooLarge { option, value } => format!("{option} {value}: too large."),
            CliText::ConfigCannotLoad { file: Some(file) } => {
                format!("The configuration {file} cannot be used:")
            }
            CliText::ConfigCannotLoad { file: None } => {
                "The configuration (defaults and DONDOC_… variables) cannot be used:".into()
            }
            CliText::ConfigSeeCheck => {
                "Fix the above and run again; `dondoc check-config` also checks the database."
                    .into()
            }
            CliText::DatabaseFailed { detail } => format!("Database error: {detail}"),
            CliText::Failed { detail } => format!("Error: {detail}"),
            CliText::UnknownOption { option, suggestion } => format!(
                "This command has no option «{option}».{}",
                or_else(suggestion)
            ),
            CliText::UnknownCommand {
                command,
                suggestion,
            } => format!("dondoc has no command «{command}».{}", or_else(suggestion)),
            CliText::MissingCommand { valid: Some(valid) } => {
                format!("A subcommand is missing; choose one of: {valid}.")
            }
            CliText::MissingCommand { valid: None } => {
                "A subcommand is missing; the commands are listed below.".into()
            }
            CliText::MissingArguments { arguments } => format!("Missing: {arguments}."),
            CliText::InvalidOptionValue {
                option,
                value,
                valid,
            } => {
                let valid = valid.map_or(String::new(), |v| format!(" Choose one of: {v}."));
                format!("{option} does not take «{value}».{valid}")
            }
            CliText::Conflict { option, other } => {
                format!("{option} cannot be used with {other}.")
            }
            CliText::GivenTwice { option } => format!("{option} can be given only once."),
            CliText::UnexpectedValue { value } => {
                format!("This command takes no further value «{value}».")
            }
            CliText::BadUsage { detail } => format!("The command line is not right: {detail}"),
            CliText::SeeHelp => {
                "More: `dondoc --help`, or `dondoc COMMAND --help` for one command.".into()
            }
        }
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
    io_error_kind_vi(error.kind(), &error.to_string())
}

/// [`io_error_kind_vi`] in English, without the system's error number.
pub fn io_error_kind_en(kind: std::io::ErrorKind, detail: &str) -> String {
    use std::io::ErrorKind;
    match kind {
        ErrorKind::NotFound => "no such file or folder".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        ErrorKind::AlreadyExists => "the file already exists".into(),
        ErrorKind::IsADirectory => "this is a folder, not a file".into(),
        ErrorKind::NotADirectory => "part of the path is not a folder".into(),
        ErrorKind::ReadOnlyFilesystem => "the disk is read-only".into(),
        ErrorKind::StorageFull => "the disk is full".into(),
        ErrorKind::InvalidData => "the content is not UTF-8 text".into(),
        _ => format!("system error ({detail})"),
    }
}

/// [`io_error_vi`] from the error's kind and its own words (shown for a kind not listed).
pub fn io_error_kind_vi(kind: std::io::ErrorKind, detail: &str) -> String {
    use std::io::ErrorKind;
    match kind {
        ErrorKind::NotFound => "không có tệp hoặc thư mục này".into(),
        ErrorKind::PermissionDenied => "không có quyền".into(),
        ErrorKind::AlreadyExists => "tệp đã có".into(),
        ErrorKind::IsADirectory => "đây là một thư mục, không phải tệp".into(),
        ErrorKind::NotADirectory => "một phần của đường dẫn không phải thư mục".into(),
        ErrorKind::ReadOnlyFilesystem => "ổ đĩa chỉ cho đọc".into(),
        ErrorKind::StorageFull => "ổ đĩa đã đầy".into(),
        ErrorKind::InvalidData => "nội dung không phải văn bản UTF-8".into(),
        _ => format!("lỗi hệ thống ({detail})"),
    }
}
