//! Everything the bot says in chat: onboarding, tasks and their buttons, reports, `/trogiup`.

use super::{Lang, Render, ReportText};
use crate::domain::AssignmentStatus;

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

impl Render for BotText<'_> {
    fn render(&self, lang: Lang) -> String {
        use crate::domain::PersonRole as R;
        match self {
            BotText::Welcome { name, unit, role } => match lang {
                Lang::Vi => format!(
                    "Xin chào {name}. Bạn đã được đăng ký: {role}, {unit}.\nBạn sẽ nhận nhiệm vụ, hạn báo cáo và lời nhắc tại đây. Gõ /viec để xem việc của bạn."
                ),
                Lang::En => format!(
                    "Hello {name}. You are registered as {role}, {unit}.\nYou will get tasks, report deadlines and reminders here. Send /viec to see your tasks."
                ),
            },
            BotText::NeedInvitation => match lang {
                Lang::Vi => "Bạn cần mã mời từ Sở/Phòng Nội vụ. Mở liên kết mời hoặc gõ /start MÃ_MỜI.".into(),
                Lang::En => "You need an invitation code from the Department of Home Affairs. Open the invitation link or send /start CODE.".into(),
            },
            BotText::CodeUnknown => match lang {
                Lang::Vi => "Mã mời không đúng. Kiểm tra lại hoặc xin mã mới từ Phòng Nội vụ.".into(),
                Lang::En => "That invitation code is not valid. Check it or ask for a new one.".into(),
            },
            BotText::CodeUsed => match lang {
                Lang::Vi => "Mã mời này đã được dùng. Xin mã mới từ Phòng Nội vụ nếu cần.".into(),
                Lang::En => "That invitation code has already been used.".into(),
            },
            BotText::CodeExpired => match lang {
                Lang::Vi => "Mã mời đã hết hạn. Xin mã mới từ Phòng Nội vụ.".into(),
                Lang::En => "That invitation code has expired. Ask for a new one.".into(),
            },
            BotText::TooManyBadCodes => match lang {
                Lang::Vi => "Nhập sai mã quá nhiều lần. Vui lòng thử lại sau một giờ.".into(),
                Lang::En => "Too many wrong codes. Please try again in an hour.".into(),
            },
            BotText::NotRegistered => match lang {
                Lang::Vi => "Bạn chưa được đăng ký. Mở liên kết mời từ Phòng Nội vụ để bắt đầu.".into(),
                Lang::En => "You are not registered yet. Open your invitation link to start.".into(),
            },
            BotText::Help => match lang {
                Lang::Vi => "/viec – việc của tôi, bấm nút để báo tình hình\n/baocao – báo cáo phải nộp\n/tinhhinh – tình hình các đơn vị (lãnh đạo, Nội vụ)\n/tonghop – bản tổng hợp hằng ngày\n/quahan – việc quá hạn\n/xuat [kỳ] – xuất báo cáo định kỳ (Nội vụ), ví dụ /xuat Q3\n/phananh – ghi nhận phản ánh (tổng đài)\n/vuviec [số] – phản ánh, kiến nghị\n/nhom – gắn nhóm chat với đơn vị\n/ngonngu en – English\n/trogiup – hướng dẫn\nTrả lời (reply) vào tin nhắn nhiệm vụ bằng chữ, tệp hoặc ảnh để báo cáo.".into(),
                Lang::En => "/viec – my tasks, with buttons to report\n/baocao – reports owed\n/tinhhinh – status of units (leaders, coordinators)\n/tonghop – the daily digest\n/quahan – overdue items\n/xuat [period] – export the periodic report (coordinators), e.g. /xuat Q3\n/phananh – log a citizen report (hotline)\n/vuviec [number] – citizen cases\n/nhom – bind a group chat to your unit\n/ngonngu vi – tiếng Việt\n/trogiup – help\nReply to a task message with text, a file or a photo to report on it.".into(),
            },
            BotText::Hint => match lang {
                Lang::Vi => "Chưa hiểu tin nhắn. Gõ /viec để xem việc, /trogiup để xem hướng dẫn.".into(),
                Lang::En => "Sorry, I did not understand. Send /viec for your tasks or /trogiup for help.".into(),
            },
            BotText::AlreadyRecorded => match lang {
                Lang::Vi => "✅ Đã ghi nhận tin nhắn này.".into(),
                Lang::En => "✅ This message was recorded.".into(),
            },
            BotText::WillRecord => match lang {
                Lang::Vi => "⏳ Hệ thống đang tạm gián đoạn. Tin nhắn của bạn đã được giữ lại và sẽ được ghi nhận ngay khi hệ thống hoạt động trở lại; không cần gửi lại.".into(),
                Lang::En => "⏳ The system is briefly unavailable. Your message is held and will be recorded as soon as it is back; no need to send it again.".into(),
            },
            BotText::SlowDown => match lang {
                Lang::Vi => "Bạn gửi nhiều tin nhắn quá. Bot sẽ không trả lời các tin nhắn không hiểu trong một phút; gõ /trogiup để xem hướng dẫn.".into(),
                Lang::En => "That is a lot of messages. For a minute I will not answer messages I do not understand; send /trogiup for help.".into(),
            },
            BotText::ReplyToUnrelated => match lang {
                Lang::Vi => "Tin nhắn này không gắn với nhiệm vụ nào. Hãy trả lời vào tin nhắn nhiệm vụ (gõ /viec).".into(),
                Lang::En => "That message is not about a task. Reply to a task message (send /viec).".into(),
            },
            BotText::NoOpenTasks => match lang {
                Lang::Vi => "Bạn không có nhiệm vụ nào đang mở.".into(),
                Lang::En => "You have no open tasks.".into(),
            },
            BotText::Page { page, pages } => match lang {
                Lang::Vi => format!("Trang {page}/{pages}"),
                Lang::En => format!("Page {page}/{pages}"),
            },
            BotText::NextPage => match lang {
                Lang::Vi => "Trang sau ▶".into(),
                Lang::En => "Next page ▶".into(),
            },
            BotText::AskNote { task, status } => match lang {
                Lang::Vi => format!(
                    "{task}\n→ {}. Gửi ghi chú (trả lời tin này) hoặc bấm Bỏ qua.",
                    status_word(*status, Lang::Vi)
                ),
                Lang::En => format!(
                    "{task}\n→ {}. Send a note (reply to this message) or press Skip.",
                    status_word(*status, Lang::En)
                ),
            },
            BotText::AskBlockedNote { task } => match lang {
                Lang::Vi => format!("{task}\n→ vướng mắc. Nêu vướng mắc (trả lời tin này)."),
                Lang::En => format!("{task}\n→ blocked. Describe the difficulty (reply to this message)."),
            },
            BotText::AskDocument { task } => match lang {
                Lang::Vi => format!("{task}\nGửi tài liệu hoặc ảnh (trả lời tin này)."),
                Lang::En => format!("{task}\nSend the document or photo (reply to this message)."),
            },
            BotText::Skip => match lang {
                Lang::Vi => "Bỏ qua".into(),
                Lang::En => "Skip".into(),
            },
            BotText::Recorded { task, status } => match lang {
                Lang::Vi => format!(
                    "Đã ghi nhận: {task} – {}.",
                    status_word(*status, Lang::Vi)
                ),
                Lang::En => format!(
                    "Recorded: {task} – {}.",
                    status_word(*status, Lang::En)
                ),
            },
            BotText::NotYourTask => match lang {
                Lang::Vi => "Nhiệm vụ này không thuộc đơn vị của bạn.".into(),
                Lang::En => "This task does not belong to your unit.".into(),
            },
            BotText::SaveFailed => match lang {
                Lang::Vi => "Chưa lưu được báo cáo do lỗi hệ thống. Vui lòng gửi lại sau ít phút.".into(),
                Lang::En => "Your report could not be saved because of a system error. Please send it again in a few minutes.".into(),
            },
            BotText::NoteRequired => match lang {
                Lang::Vi => "Cần nêu vướng mắc. Vui lòng gửi ghi chú bằng chữ.".into(),
                Lang::En => "Please describe the difficulty in a text message.".into(),
            },
            BotText::ButtonDone => match lang {
                Lang::Vi => "Đã hoàn thành".into(),
                Lang::En => "Done".into(),
            },
            BotText::ButtonInProgress => match lang {
                Lang::Vi => "Đang thực hiện".into(),
                Lang::En => "In progress".into(),
            },
            BotText::ButtonBlocked => match lang {
                Lang::Vi => "Gặp vướng mắc".into(),
                Lang::En => "Blocked".into(),
            },
            BotText::ButtonDocument => match lang {
                Lang::Vi => "Gửi tài liệu".into(),
                Lang::En => "Send document".into(),
            },
            BotText::CardUnit => match lang {
                Lang::Vi => "Đơn vị".into(),
                Lang::En => "Unit".into(),
            },
            BotText::CardDue => match lang {
                Lang::Vi => "Hạn".into(),
                Lang::En => "Due".into(),
            },
            BotText::CardStatus => match lang {
                Lang::Vi => "Trạng thái".into(),
                Lang::En => "Status".into(),
            },
            BotText::CommandTasks => match lang {
                Lang::Vi => "Việc của tôi".into(),
                Lang::En => "My tasks".into(),
            },
            BotText::CommandReports => match lang {
                Lang::Vi => "Báo cáo phải nộp".into(),
                Lang::En => "Reports owed".into(),
            },
            BotText::CommandHelp => match lang {
                Lang::Vi => "Hướng dẫn".into(),
                Lang::En => "Help".into(),
            },
            BotText::CommandOverview => match lang {
                Lang::Vi => "Tình hình các đơn vị".into(),
                Lang::En => "Status of units".into(),
            },
            BotText::CommandDigest => match lang {
                Lang::Vi => "Tổng hợp (Nội vụ, đơn vị chủ trì)".into(),
                Lang::En => "Digest (coordinators, lead units)".into(),
            },
            BotText::CommandCase => match lang {
                Lang::Vi => "Ghi nhận phản ánh (tổng đài)".into(),
                Lang::En => "Log a citizen report (hotline)".into(),
            },
            BotText::CommandCases => match lang {
                Lang::Vi => "Phản ánh, kiến nghị".into(),
                Lang::En => "Citizen cases".into(),
            },
            BotText::CommandOverdue => match lang {
                Lang::Vi => "Việc quá hạn".into(),
                Lang::En => "Overdue items".into(),
            },
            BotText::CommandExport => ReportText::CommandExport.render(lang),
            BotText::OverviewHeader { units } => match lang {
                Lang::Vi => format!("Tình hình thực hiện ({units} đơn vị):"),
                Lang::En => format!("Progress ({units} units):"),
            },
            BotText::OverviewLine { unit, done, in_progress, blocked, not_started } => match lang {
                Lang::Vi => format!(
                    "• {unit}: {done} xong · {in_progress} đang làm · {blocked} vướng · {not_started} chưa báo cáo"
                ),
                Lang::En => format!(
                    "• {unit}: {done} done · {in_progress} in progress · {blocked} blocked · {not_started} not reported"
                ),
            },
            BotText::OverviewMore { units } => match lang {
                Lang::Vi => format!("… và {units} đơn vị khác. Gõ /tinhhinh MÃ_ĐƠN_VỊ để xem một đơn vị."),
                Lang::En => format!("… and {units} more units. Send /tinhhinh UNIT_CODE for one unit."),
            },
            BotText::NothingToOverview => match lang {
                Lang::Vi => "Chưa có nhiệm vụ nào trong phạm vi theo dõi của bạn.".into(),
                Lang::En => "There are no tasks within what you monitor.".into(),
            },
            BotText::GroupOnly => match lang {
                Lang::Vi => "Lệnh /nhom dùng trong nhóm chat của đơn vị.".into(),
                Lang::En => "Use /nhom in your unit's group chat.".into(),
            },
            BotText::LanguageSet => match lang {
                Lang::Vi => "Đã chuyển sang tiếng Việt.".into(),
                Lang::En => "Language: English.".into(),
            },
            BotText::NextReport { on } => match lang {
                Lang::Vi => format!("Báo cáo tiếp theo: {on}"),
                Lang::En => format!("Next report due: {on}"),
            },
            BotText::RecordedBlocked { task } => match lang {
                Lang::Vi => format!("Đã ghi nhận: {task} – vướng mắc.\nNêu lý do vướng mắc (trả lời tin này)."),
                Lang::En => format!("Recorded: {task} – blocked.\nWhat is blocking it? (reply to this message)"),
            },
            BotText::ButtonAddNote => match lang {
                Lang::Vi => "Thêm ghi chú".into(),
                Lang::En => "Add a note".into(),
            },
            BotText::AskNoteFor { task } => match lang {
                Lang::Vi => format!("Gửi ghi chú cho: {task} (trả lời tin này)."),
                Lang::En => format!("Send the note for: {task} (reply to this message)."),
            },
            BotText::NoteAdded { task } => match lang {
                Lang::Vi => format!("Đã thêm ghi chú: {task}."),
                Lang::En => format!("Note added: {task}."),
            },
            BotText::NoteSkipped => match lang {
                Lang::Vi => "Không thêm ghi chú.".into(),
                Lang::En => "No note added.".into(),
            },
            BotText::QuestionClosed => match lang {
                Lang::Vi => "Câu hỏi này đã đóng. Gõ /viec để báo tình hình.".into(),
                Lang::En => "That question is closed. Send /viec to report.".into(),
            },
            BotText::ConfirmNote { task, note } => match lang {
                Lang::Vi => format!("Ghi tin nhắn này làm ghi chú cho: {task}?\n«{note}»"),
                Lang::En => format!("Add this message as a note to: {task}?\n«{note}»"),
            },
            BotText::ButtonYes => match lang {
                Lang::Vi => "Đúng".into(),
                Lang::En => "Yes".into(),
            },
            BotText::ButtonNo => match lang {
                Lang::Vi => "Không phải".into(),
                Lang::En => "No".into(),
            },
            BotText::ProposeStatus { task, status } => match lang {
                Lang::Vi => format!("Ghi nhận: {task} – {}?", status_word(*status, Lang::Vi)),
                Lang::En => format!("Record: {task} – {}?", status_word(*status, Lang::En)),
            },
            BotText::ProposeReport { report, unit } => match lang {
                Lang::Vi => format!("Ghi nhận: {report} – {unit} – đã nộp?"),
                Lang::En => format!("Record: {report} – {unit} – submitted?"),
            },
            BotText::ProposeNote { note } => match lang {
                Lang::Vi => format!("Ghi chú: {note}"),
                Lang::En => format!("Note: {note}"),
            },
            BotText::ProposeUnknown { item } => match lang {
                Lang::Vi => format!("Không thấy việc số {item} trong /viec của bạn."),
                Lang::En => format!("There is no task {item} in your /viec."),
            },
            BotText::ProposeFooter => match lang {
                Lang::Vi => "Bấm «Đúng» để ghi nhận, «Không phải» để bỏ.".into(),
                Lang::En => "Press «Yes» to record, «No» to drop it.".into(),
            },
            BotText::ProposalDeclined => match lang {
                Lang::Vi => "Không ghi nhận gì. Gõ /viec để chọn việc và bấm nút.".into(),
                Lang::En => "Nothing recorded. Send /viec to choose a task and press its button.".into(),
            },
            BotText::WhichItemForFile => match lang {
                Lang::Vi => "Đã giữ tệp. Tệp này cho việc hoặc báo cáo nào? Bấm một mục để gửi vào đó.".into(),
                Lang::En => "File kept. Which task or report is it for? Tap one to file it there.".into(),
            },
            BotText::ButtonNoItem => match lang {
                Lang::Vi => "Không thuộc mục nào".into(),
                Lang::En => "None of these".into(),
            },
            BotText::FileKeptUnfiled => match lang {
                Lang::Vi => "Tệp được giữ lại, chưa gắn với việc nào.".into(),
                Lang::En => "The file is kept, filed with no task.".into(),
            },
            BotText::NoItemsForFile => match lang {
                Lang::Vi => "Đã giữ tệp, nhưng bạn không có việc hay báo cáo nào đang mở để gắn vào.".into(),
                Lang::En => "File kept, but you have no open task or report to file it with.".into(),
            },
            BotText::TaskList { count, page, pages } => match lang {
                Lang::Vi => format!("Việc đang mở: {count} · trang {page}/{pages}\nBấm số để xem và báo tình hình."),
                Lang::En => format!("Open tasks: {count} · page {page}/{pages}\nTap a number to see it and report."),
            },
            BotText::ButtonPrev => match lang {
                Lang::Vi => "‹ Trước".into(),
                Lang::En => "‹ Previous".into(),
            },
            BotText::ButtonNext => match lang {
                Lang::Vi => "Sau ›".into(),
                Lang::En => "Next ›".into(),
            },
            BotText::Overdue { days } => match lang {
                Lang::Vi => format!("quá hạn {days} ngày"),
                Lang::En => format!("{days} days overdue"),
            },
            BotText::ReportList { count } => match lang {
                Lang::Vi => format!("Báo cáo phải nộp: {count}. Bấm để nộp."),
                Lang::En => format!("Reports owed: {count}. Tap to submit."),
            },
            BotText::BlockedNoReason => match lang {
                Lang::Vi => "vướng mắc, chưa nêu lý do".into(),
                Lang::En => "blocked, no reason given yet".into(),
            },
            BotText::HelpFor(role) => help_text(*role, lang),
            BotText::LanguageUsage => match lang {
                Lang::Vi => "Gõ /ngonngu vi (tiếng Việt) hoặc /ngonngu en (English).".into(),
                Lang::En => "Send /ngonngu en (English) or /ngonngu vi (tiếng Việt).".into(),
            },
            BotText::GroupNotBound => match lang {
                Lang::Vi => "Nhóm này chưa gắn với đơn vị nào. Thành viên đơn vị gõ /nhom để gắn.".into(),
                Lang::En => "This group belongs to no unit yet. A member of the unit sends /nhom to bind it.".into(),
            },
            BotText::GroupTaken => match lang {
                Lang::Vi => "Nhóm này đã gắn với một đơn vị khác.".into(),
                Lang::En => "This group belongs to another unit.".into(),
            },
            BotText::ChooseUnit { codes } => match lang {
                Lang::Vi => format!("Bạn thuộc nhiều đơn vị. Gõ /nhom MÃ_ĐƠN_VỊ, một trong: {codes}"),
                Lang::En => format!("You belong to several units. Send /nhom UNIT_CODE, one of: {codes}"),
            },
            BotText::GroupBound { unit } => match lang {
                Lang::Vi => format!("Nhóm này đã gắn với {unit}: việc và báo cáo của đơn vị sẽ hiện ở đây."),
                Lang::En => format!("This group now belongs to {unit}: its tasks and reports show here."),
            },
            BotText::UnitNotVisible => match lang {
                Lang::Vi => "Đơn vị này không thuộc phạm vi theo dõi của bạn.".into(),
                Lang::En => "That unit is not within what you monitor.".into(),
            },
            BotText::NoReportsOwed => match lang {
                Lang::Vi => "Đơn vị của bạn không có báo cáo nào phải nộp.".into(),
                Lang::En => "Your unit owes no reports.".into(),
            },
            BotText::ButtonSubmit => match lang {
                Lang::Vi => "Nộp báo cáo".into(),
                Lang::En => "Submit report".into(),
            },
            BotText::ReportSubmitted { on } => match lang {
                Lang::Vi => format!("đã nộp {on}"),
                Lang::En => format!("submitted {on}"),
            },
            BotText::ReportOverdue => match lang {
                Lang::Vi => "quá hạn, chưa nộp".into(),
                Lang::En => "overdue, not submitted".into(),
            },
            BotText::ReportPending => match lang {
                Lang::Vi => "chưa nộp".into(),
                Lang::En => "not submitted".into(),
            },
            BotText::AskReport { report, unit } => match lang {
                Lang::Vi => format!("{report} – {unit}\nGửi báo cáo: chữ, tệp hoặc ảnh (trả lời tin này)."),
                Lang::En => format!("{report} – {unit}\nSend the report: text, a file or a photo (reply to this message)."),
            },
            BotText::ReportReceived { report, unit } => match lang {
                Lang::Vi => format!("Đã nhận báo cáo: {report} – {unit}."),
                Lang::En => format!("Report received: {report} – {unit}."),
            },
            BotText::Role(role) => match lang {
                Lang::Vi => match role {
                    R::Head => "thủ trưởng/chủ tịch",
                    R::Deputy => "cấp phó",
                    R::FocalPoint => "cán bộ đầu mối",
                    R::Coordinator => "cán bộ Nội vụ theo dõi",
                    R::HotlineOperator => "cán bộ tổng đài",
                }
                .into(),
                Lang::En => match role {
                    R::Head => "head",
                    R::Deputy => "deputy",
                    R::FocalPoint => "focal point",
                    R::Coordinator => "coordinator",
                    R::HotlineOperator => "hotline operator",
                }
                .into(),
            },
        }
    }
}

/// `/trogiup` for one role: only the commands that role can use.
fn help_text(role: crate::domain::PersonRole, lang: Lang) -> String {
    match lang {
        Lang::Vi => {
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
        Lang::En => {
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
    }
}

/// A task's status in a sentence ("đã hoàn thành" / "done"): the one wording of each status,
/// for the bot's confirmations and, through [`super::Text::Status`], everywhere else.
pub fn status_word(status: AssignmentStatus, lang: Lang) -> &'static str {
    match status {
        AssignmentStatus::NotStarted => match lang {
            Lang::Vi => "chưa báo cáo",
            Lang::En => "not reported",
        },
        AssignmentStatus::InProgress => match lang {
            Lang::Vi => "đang thực hiện",
            Lang::En => "in progress",
        },
        AssignmentStatus::Done => match lang {
            Lang::Vi => "đã hoàn thành",
            Lang::En => "done",
        },
        AssignmentStatus::Blocked => match lang {
            Lang::Vi => "vướng mắc",
            Lang::En => "blocked",
        },
    }
}
