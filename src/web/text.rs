//! Every sentence of the web board, Vietnamese first, English second, following the
//! catalogue's pattern (`crate::messages`). It lives here, not in `src/messages.rs`, only
//! because that file was being edited in parallel when the board was written: it should move
//! into the catalogue.

use crate::domain::schedule::EscalationStep;
use crate::export::ReportState;
use crate::messages::Lang;

use super::data::TaskClass;

/// What the board says.
#[derive(Debug, Clone, PartialEq)]
pub enum WebText<'a> {
    Board,
    NavPlans,
    NavOverview,
    NavGrid,
    NavReach,
    NavCases,
    Export,
    Logout,
    SignedInAs {
        name: &'a str,
        unit: &'a str,
    },
    LoginTitle,
    LoginHowTo,
    LoginButton,
    LoginPrompt,
    LoginRefused,
    LoggedOut,
    Forbidden,
    NotFound,
    ServerError,
    Plans,
    NoPlans,
    Period,
    PeriodDue {
        label: &'a str,
        due: &'a str,
    },
    AsOf {
        day: &'a str,
    },
    ReportsTitle,
    TasksTitle,
    UnitsOwing {
        units: usize,
    },
    Report(ReportState),
    Class(TaskClass),
    /// A task or a cell with no report counts as not reported, even when "not started" was
    /// sent: the legend says so.
    NotReportedNote,
    Dimension,
    NoDimension,
    Total,
    Tasks,
    Task,
    Unit,
    Code,
    State,
    Due,
    Area,
    All,
    Filter,
    SortBy,
    SortCode,
    SortName,
    SortOverdue,
    SortDone,
    Shown {
        from: usize,
        to: usize,
        total: usize,
    },
    Previous,
    Next,
    NoUnits,
    Members,
    NoMembers,
    Linked,
    NotLinked,
    UnreachableSince {
        day: &'a str,
    },
    History,
    NoUpdates,
    Submissions,
    NoSubmissions,
    Escalations,
    NoEscalations,
    Step(EscalationStep),
    ReportItem,
    TaskItem,
    CaseItem,
    ReachTitle,
    UnitsNoOne,
    NobodyLinked,
    AllUnreachable {
        members: i64,
    },
    MembersUnreachable,
    EveryoneReachable,
    CasesTitle,
    NoCases,
    /// Only the newest open cases were read.
    CasesCut {
        read: usize,
    },
    CaseNumber,
    Received,
    Place,
    Category,
    Content,
    Citizen,
    Hops,
    AckClock,
    AnswerClock,
    Late,
    OnTime,
    Pending,
    Files,
    By,
    Note,
    /// `dondoc web link` / `/web`: the board is not enabled.
    NoPublicUrl,
    /// `/web` in a group.
    PrivateOnly,
    /// The bot's command menu.
    CommandWeb,
    /// `dondoc web link --person ID`: no such person.
    UnknownPerson {
        id: i64,
    },
    /// The link, for whom, how long it works.
    LinkMade {
        name: &'a str,
        unit: &'a str,
        link: &'a str,
        minutes: i64,
    },
}

impl WebText<'_> {
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.vi(),
            Lang::En => self.en(),
        }
    }

    fn vi(&self) -> String {
        use WebText as W;
        match self {
            W::Board => "Bảng theo dõi kế hoạch".into(),
            W::NavPlans => "Kế hoạch".into(),
            W::NavOverview => "Tổng quan".into(),
            W::NavGrid => "Đơn vị × nhiệm vụ".into(),
            W::NavReach => "Chưa liên lạc được".into(),
            W::NavCases => "Phản ánh".into(),
            W::Export => "Xuất báo cáo (XLSX)".into(),
            W::Logout => "Đăng xuất".into(),
            W::SignedInAs { name, unit } => format!("{name} · {unit}"),
            W::LoginTitle => "Đăng nhập bảng theo dõi".into(),
            W::LoginHowTo => "Không cần mật khẩu: gõ /web trong bot Telegram (hoặc nhờ Phòng Nội vụ chạy dondoc web link) để nhận liên kết đăng nhập. Liên kết dùng được một lần, trong 10 phút.".into(),
            W::LoginButton => "Đăng nhập".into(),
            W::LoginPrompt => "Bấm nút dưới đây để đăng nhập trên trình duyệt này.".into(),
            W::LoginRefused => "Liên kết đăng nhập không đúng, đã được dùng hoặc đã hết hạn. Gõ /web trong bot để nhận liên kết mới.".into(),
            W::LoggedOut => "Bạn đã đăng xuất.".into(),
            W::Forbidden => "Bạn không có quyền xem trang này.".into(),
            W::NotFound => "Không tìm thấy trang này.".into(),
            W::ServerError => "Có lỗi khi đọc dữ liệu. Vui lòng thử lại.".into(),
            W::Plans => "Các kế hoạch".into(),
            W::NoPlans => "Chưa có kế hoạch nào.".into(),
            W::Period => "Kỳ báo cáo".into(),
            W::PeriodDue { label, due } => format!("{label} (hạn {due})"),
            W::AsOf { day } => format!("Số liệu đến {day}"),
            W::ReportsTitle => "Báo cáo định kỳ của các đơn vị".into(),
            W::TasksTitle => "Nhiệm vụ theo nội dung".into(),
            W::UnitsOwing { units } => format!("{units} đơn vị phải báo cáo"),
            W::Report(state) => match state {
                ReportState::OnTime => "Nộp đúng hạn",
                ReportState::Late => "Nộp trễ hạn",
                ReportState::NotYetDue => "Chưa nộp (chưa đến hạn)",
                ReportState::Missing => "Không nộp (quá hạn)",
            }
            .into(),
            W::Class(class) => match class {
                TaskClass::DoneOnTime => "Hoàn thành đúng hạn",
                TaskClass::DoneLate => "Hoàn thành quá hạn",
                TaskClass::OpenInTime => "Đang thực hiện trong hạn",
                TaskClass::OpenOverdue => "Đang thực hiện quá hạn",
                TaskClass::NotReported => "Chưa báo cáo",
            }
            .into(),
            W::NotReportedNote => "«Chưa báo cáo»: chưa có báo cáo nào, hoặc đơn vị báo «chưa bắt đầu» (như cột «Chưa bắt đầu» của báo cáo xuất ra). Nhiệm vụ không có hạn cụ thể (thường xuyên) luôn tính là trong hạn.".into(),
            W::Dimension => "Nội dung".into(),
            W::NoDimension => "Không thuộc nội dung".into(),
            W::Total => "Tổng".into(),
            W::Tasks => "Nhiệm vụ".into(),
            W::Task => "Nhiệm vụ".into(),
            W::Unit => "Đơn vị".into(),
            W::Code => "Mã".into(),
            W::State => "Tình trạng".into(),
            W::Due => "Hạn".into(),
            W::Area => "Địa bàn".into(),
            W::All => "Tất cả".into(),
            W::Filter => "Lọc".into(),
            W::SortBy => "Sắp xếp".into(),
            W::SortCode => "Mã đơn vị".into(),
            W::SortName => "Tên đơn vị".into(),
            W::SortOverdue => "Quá hạn nhiều nhất".into(),
            W::SortDone => "Hoàn thành nhiều nhất".into(),
            W::Shown { from, to, total } => format!("Đơn vị {from}–{to} trên {total}"),
            W::Previous => "← Trước".into(),
            W::Next => "Sau →".into(),
            W::NoUnits => "Không có đơn vị nào khớp.".into(),
            W::Members => "Thành viên".into(),
            W::NoMembers => "Đơn vị chưa có thành viên nào.".into(),
            W::Linked => "Đã kết nối Telegram".into(),
            W::NotLinked => "Chưa kết nối Telegram".into(),
            W::UnreachableSince { day } => format!("Không nhắn tới được từ {day}"),
            W::History => "Nhiệm vụ và các lần báo cáo tình hình".into(),
            W::NoUpdates => "Chưa có báo cáo tình hình.".into(),
            W::Submissions => "Báo cáo định kỳ đã nộp".into(),
            W::NoSubmissions => "Chưa nộp báo cáo nào.".into(),
            W::Escalations => "Các bước đôn đốc đã tới".into(),
            W::NoEscalations => "Chưa có bước đôn đốc nào.".into(),
            W::Step(step) => match step {
                EscalationStep::Nudge => "Nhắc đơn vị",
                EscalationStep::Heads => "Báo lãnh đạo đơn vị và đơn vị chủ trì",
                EscalationStep::Office => "Đưa vào bản tổng hợp của Nội vụ",
            }
            .into(),
            W::ReportItem => "Báo cáo".into(),
            W::TaskItem => "Nhiệm vụ".into(),
            W::CaseItem => "Phản ánh".into(),
            W::ReachTitle => "Ai chưa liên lạc được".into(),
            W::UnitsNoOne => "Đơn vị không ai nhận được tin".into(),
            W::NobodyLinked => "Chưa ai kết nối Telegram".into(),
            W::AllUnreachable { members } => {
                format!("Cả {members} thành viên đã kết nối đều không nhắn tới được")
            }
            W::MembersUnreachable => "Thành viên không nhắn tới được (đã chặn bot, mất tài khoản)".into(),
            W::EveryoneReachable => "Mọi đơn vị đều có người nhận được tin.".into(),
            W::CasesTitle => "Phản ánh, kiến nghị đang xử lý".into(),
            W::NoCases => "Không có phản ánh nào đang xử lý.".into(),
            W::CasesCut { read } => format!("Chỉ xét {read} phản ánh đang xử lý mới nhất; xem đủ bằng dondoc cases export."),
            W::CaseNumber => "Số".into(),
            W::Received => "Tiếp nhận".into(),
            W::Place => "Nơi".into(),
            W::Category => "Lĩnh vực".into(),
            W::Content => "Nội dung".into(),
            W::Citizen => "Người phản ánh".into(),
            W::Hops => "Đơn vị xử lý".into(),
            W::AckClock => "Hạn tiếp nhận".into(),
            W::AnswerClock => "Hạn trả lời".into(),
            W::Late => "Trễ".into(),
            W::OnTime => "Đúng hạn".into(),
            W::Pending => "Chưa".into(),
            W::Files => "Tệp".into(),
            W::By => "Người báo".into(),
            W::Note => "Ghi chú".into(),
            W::NoPublicUrl => "Bảng theo dõi trên web chưa được bật (http.public_url chưa đặt).".into(),
            W::PrivateOnly => "Vì an toàn, hãy gõ /web trong tin nhắn riêng với bot, không gõ trong nhóm.".into(),
            W::CommandWeb => "Đăng nhập bảng theo dõi trên web".into(),
            W::UnknownPerson { id } => format!("Không có người nào mang số {id}. Xem số người bằng dondoc members list."),
            W::LinkMade { name, unit, link, minutes } => format!(
                "Liên kết đăng nhập bảng theo dõi cho {name} ({unit}), dùng một lần trong {minutes} phút:\n{link}"
            ),
        }
    }

    fn en(&self) -> String {
        use WebText as W;
        match self {
            W::Board => "Plan board".into(),
            W::NavPlans => "Plans".into(),
            W::NavOverview => "Overview".into(),
            W::NavGrid => "Units × tasks".into(),
            W::NavReach => "Not reachable".into(),
            W::NavCases => "Citizen cases".into(),
            W::Export => "Export report (XLSX)".into(),
            W::Logout => "Log out".into(),
            W::SignedInAs { name, unit } => format!("{name} · {unit}"),
            W::LoginTitle => "Log in to the board".into(),
            W::LoginHowTo => "No password: send /web to the Telegram bot (or ask the Home Affairs office to run dondoc web link) to get a login link. A link works once, within 10 minutes.".into(),
            W::LoginButton => "Log in".into(),
            W::LoginPrompt => "Press the button to log in on this browser.".into(),
            W::LoginRefused => "This login link is wrong, already used or expired. Send /web to the bot for a new one.".into(),
            W::LoggedOut => "You are logged out.".into(),
            W::Forbidden => "You may not see this page.".into(),
            W::NotFound => "Page not found.".into(),
            W::ServerError => "Reading the data failed. Please try again.".into(),
            W::Plans => "Plans".into(),
            W::NoPlans => "No plan yet.".into(),
            W::Period => "Reporting period".into(),
            W::PeriodDue { label, due } => format!("{label} (due {due})"),
            W::AsOf { day } => format!("Figures as of {day}"),
            W::ReportsTitle => "Units' periodic reports".into(),
            W::TasksTitle => "Tasks by dimension".into(),
            W::UnitsOwing { units } => format!("{units} units owe the report"),
            W::Report(state) => match state {
                ReportState::OnTime => "On time",
                ReportState::Late => "Late",
                ReportState::NotYetDue => "Not yet (not due)",
                ReportState::Missing => "Missing (overdue)",
            }
            .into(),
            W::Class(class) => match class {
                TaskClass::DoneOnTime => "Done on time",
                TaskClass::DoneLate => "Done late",
                TaskClass::OpenInTime => "In progress, in time",
                TaskClass::OpenOverdue => "In progress, overdue",
                TaskClass::NotReported => "Not reported",
            }
            .into(),
            W::NotReportedNote => "“Not reported”: no report yet, or the unit reported “not started” (the export's “not started” column). Tasks without a fixed due date (ongoing) always count as in time.".into(),
            W::Dimension => "Dimension".into(),
            W::NoDimension => "No dimension".into(),
            W::Total => "Total".into(),
            W::Tasks => "Tasks".into(),
            W::Task => "Task".into(),
            W::Unit => "Unit".into(),
            W::Code => "Code".into(),
            W::State => "State".into(),
            W::Due => "Due".into(),
            W::Area => "Area".into(),
            W::All => "All".into(),
            W::Filter => "Filter".into(),
            W::SortBy => "Sort".into(),
            W::SortCode => "Unit code".into(),
            W::SortName => "Unit name".into(),
            W::SortOverdue => "Most overdue".into(),
            W::SortDone => "Most done".into(),
            W::Shown { from, to, total } => format!("Units {from}–{to} of {total}"),
            W::Previous => "← Previous".into(),
            W::Next => "Next →".into(),
            W::NoUnits => "No unit matches.".into(),
            W::Members => "Members".into(),
            W::NoMembers => "The unit has no members yet.".into(),
            W::Linked => "Linked to Telegram".into(),
            W::NotLinked => "Not linked to Telegram".into(),
            W::UnreachableSince { day } => format!("Unreachable since {day}"),
            W::History => "Tasks and every status update".into(),
            W::NoUpdates => "No status update yet.".into(),
            W::Submissions => "Periodic reports submitted".into(),
            W::NoSubmissions => "No report submitted yet.".into(),
            W::Escalations => "Escalation steps reached".into(),
            W::NoEscalations => "No escalation step yet.".into(),
            W::Step(step) => match step {
                EscalationStep::Nudge => "Unit reminded",
                EscalationStep::Heads => "Unit's head and lead unit told",
                EscalationStep::Office => "In the Home Affairs office's digest",
            }
            .into(),
            W::ReportItem => "Report".into(),
            W::TaskItem => "Task".into(),
            W::CaseItem => "Case".into(),
            W::ReachTitle => "Who cannot be reached".into(),
            W::UnitsNoOne => "Units no one can be told in".into(),
            W::NobodyLinked => "Nobody linked to Telegram".into(),
            W::AllUnreachable { members } => {
                format!("All {members} linked members unreachable")
            }
            W::MembersUnreachable => "Unreachable members (blocked the bot, account gone)".into(),
            W::EveryoneReachable => "Every unit has someone who can be told.".into(),
            W::CasesTitle => "Open citizen cases".into(),
            W::NoCases => "No open case.".into(),
            W::CasesCut { read } => format!("Only the newest {read} open cases are looked at; dondoc cases export lists them all."),
            W::CaseNumber => "No.".into(),
            W::Received => "Received".into(),
            W::Place => "Place".into(),
            W::Category => "Category".into(),
            W::Content => "Content".into(),
            W::Citizen => "Citizen".into(),
            W::Hops => "Units handling it".into(),
            W::AckClock => "Acknowledge by".into(),
            W::AnswerClock => "Answer by".into(),
            W::Late => "Late".into(),
            W::OnTime => "On time".into(),
            W::Pending => "Not yet".into(),
            W::Files => "Files".into(),
            W::By => "By".into(),
            W::Note => "Note".into(),
            W::NoPublicUrl => "The web board is not enabled (http.public_url is not set).".into(),
            W::PrivateOnly => "For safety, send /web in a private chat with the bot, not in a group.".into(),
            W::CommandWeb => "Log in to the web board".into(),
            W::UnknownPerson { id } => format!("No person has id {id}. See the ids with dondoc members list."),
            W::LinkMade { name, unit, link, minutes } => format!(
                "Board login link for {name} ({unit}), for one use within {minutes} minutes:\n{link}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_say_something() {
        for text in [
            WebText::Board,
            WebText::LoginRefused,
            WebText::Class(TaskClass::OpenOverdue),
            WebText::Report(ReportState::Missing),
        ] {
            assert!(!text.render(Lang::Vi).is_empty());
            assert!(!text.render(Lang::En).is_empty());
            assert_ne!(text.render(Lang::Vi), text.render(Lang::En));
        }
    }
}
