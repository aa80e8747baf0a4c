//! Every sentence a person reads, Vietnamese first, English second. Code elsewhere builds a
//! [`Text`] and renders it in the configured [`Lang`].

use crate::domain::{AssignmentStatus, ReportOwers};
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
    Status(AssignmentStatus),
    OwedBy(ReportOwers),
    ColumnName(Column),
    UnitColumnName(UnitColumn),
    Label(Label),
    Serving,
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
            Text::Serving => "dondoc đang chạy: cơ sở dữ liệu sẵn sàng. Nhấn Ctrl-C để dừng.".into(),
            Text::NoBotToken => "Chưa đặt telegram.bot_token (DONDOC_TELEGRAM__BOT_TOKEN): bot chưa chạy, chỉ mở cơ sở dữ liệu.".into(),
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
            Text::Serving => "dondoc is running: the database is ready. Press Ctrl-C to stop.".into(),
            Text::NoBotToken => "telegram.bot_token is not set (DONDOC_TELEGRAM__BOT_TOKEN): the bot is not running, only the database is open.".into(),
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

fn problem_vi(kind: &ProblemKind) -> String {
    match kind {
        ProblemKind::Unreadable(reason) => format!("không đọc được tệp ({reason})"),
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
        ProblemKind::UnknownUnit { column, text } => format!(
            "cột \"{}\": không tìm thấy đơn vị \"{text}\" trong danh mục (thêm tên khác bằng dondoc units import)",
            column_vi(*column)
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
    }
}

fn problem_en(kind: &ProblemKind) -> String {
    match kind {
        ProblemKind::Unreadable(reason) => format!("cannot read the file ({reason})"),
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
        ProblemKind::UnknownUnit { column, text } => format!(
            "{} column: unit \"{text}\" is not in the registry (add it as an alias with dondoc units import)",
            column_en(*column)
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
            BotText::Help => "/viec – việc của tôi, bấm nút để báo tình hình\n/baocao – báo cáo phải nộp\n/tinhhinh – tình hình các đơn vị (lãnh đạo, Nội vụ)\n/nhom – gắn nhóm chat với đơn vị\n/ngonngu en – English\n/trogiup – hướng dẫn\nTrả lời (reply) vào tin nhắn nhiệm vụ bằng chữ, tệp hoặc ảnh để báo cáo.".into(),
            BotText::Hint => "Chưa hiểu tin nhắn. Gõ /viec để xem việc, /trogiup để xem hướng dẫn.".into(),
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
            BotText::OverviewHeader { units } => format!("Tình hình thực hiện ({units} đơn vị):"),
            BotText::OverviewLine { unit, done, in_progress, blocked, not_started } => format!(
                "• {unit}: {done} xong · {in_progress} đang làm · {blocked} vướng · {not_started} chưa báo cáo"
            ),
            BotText::OverviewMore { units } => format!("… và {units} đơn vị khác. Gõ /tinhhinh MÃ_ĐƠN_VỊ để xem một đơn vị."),
            BotText::NothingToOverview => "Chưa có nhiệm vụ nào trong phạm vi theo dõi của bạn.".into(),
            BotText::GroupOnly => "Lệnh /nhom dùng trong nhóm chat của đơn vị.".into(),
            BotText::LanguageSet => "Đã chuyển sang tiếng Việt.".into(),
            BotText::NextReport { on } => format!("Báo cáo tiếp theo: {on}"),
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
            BotText::Help => "/viec – my tasks, with buttons to report\n/baocao – reports owed\n/tinhhinh – status of units (leaders, coordinators)\n/nhom – bind a group chat to your unit\n/ngonngu vi – tiếng Việt\n/trogiup – help\nReply to a task message with text, a file or a photo to report on it.".into(),
            BotText::Hint => "Sorry, I did not understand. Send /viec for your tasks or /trogiup for help.".into(),
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
            BotText::OverviewHeader { units } => format!("Progress ({units} units):"),
            BotText::OverviewLine { unit, done, in_progress, blocked, not_started } => format!(
                "• {unit}: {done} done · {in_progress} in progress · {blocked} blocked · {not_started} not reported"
            ),
            BotText::OverviewMore { units } => format!("… and {units} more units. Send /tinhhinh UNIT_CODE for one unit."),
            BotText::NothingToOverview => "There are no tasks within what you monitor.".into(),
            BotText::GroupOnly => "Use /nhom in your unit's group chat.".into(),
            BotText::LanguageSet => "Language: English.".into(),
            BotText::NextReport { on } => format!("Next report due: {on}"),
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
