//! The coordinators' web board (`crate::web`): every page's words, its navigation, the task
//! classes and report states as the board names them, and what `/web` and `dondoc web link`
//! say.

use super::{Lang, Render};
use crate::domain::schedule::EscalationStep;
use crate::domain::{ReportState, TaskClass};

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

impl Render for WebText<'_> {
    fn render(&self, lang: Lang) -> String {
        use WebText as W;
        match self {
            W::Board => match lang {
                Lang::Vi => "Bảng theo dõi kế hoạch".into(),
                Lang::En => "Plan board".into(),
            },
            W::NavPlans => match lang {
                Lang::Vi => "Kế hoạch".into(),
                Lang::En => "Plans".into(),
            },
            W::NavOverview => match lang {
                Lang::Vi => "Tổng quan".into(),
                Lang::En => "Overview".into(),
            },
            W::NavGrid => match lang {
                Lang::Vi => "Đơn vị × nhiệm vụ".into(),
                Lang::En => "Units × tasks".into(),
            },
            W::NavReach => match lang {
                Lang::Vi => "Chưa liên lạc được".into(),
                Lang::En => "Not reachable".into(),
            },
            W::NavCases => match lang {
                Lang::Vi => "Phản ánh".into(),
                Lang::En => "Citizen cases".into(),
            },
            W::Export => match lang {
                Lang::Vi => "Xuất báo cáo (XLSX)".into(),
                Lang::En => "Export report (XLSX)".into(),
            },
            W::Logout => match lang {
                Lang::Vi => "Đăng xuất".into(),
                Lang::En => "Log out".into(),
            },
            W::SignedInAs { name, unit } => match lang {
                Lang::Vi => format!("{name} · {unit}"),
                Lang::En => format!("{name} · {unit}"),
            },
            W::LoginTitle => match lang {
                Lang::Vi => "Đăng nhập bảng theo dõi".into(),
                Lang::En => "Log in to the board".into(),
            },
            W::LoginHowTo => match lang {
                Lang::Vi => "Không cần mật khẩu: gõ /web trong bot Telegram (hoặc nhờ Phòng Nội vụ chạy dondoc web link) để nhận liên kết đăng nhập. Liên kết dùng được một lần, trong 10 phút.".into(),
                Lang::En => "No password: send /web to the Telegram bot (or ask the Home Affairs office to run dondoc web link) to get a login link. A link works once, within 10 minutes.".into(),
            },
            W::LoginButton => match lang {
                Lang::Vi => "Đăng nhập".into(),
                Lang::En => "Log in".into(),
            },
            W::LoginPrompt => match lang {
                Lang::Vi => "Bấm nút dưới đây để đăng nhập trên trình duyệt này.".into(),
                Lang::En => "Press the button to log in on this browser.".into(),
            },
            W::LoginRefused => match lang {
                Lang::Vi => "Liên kết đăng nhập không đúng, đã được dùng hoặc đã hết hạn. Gõ /web trong bot để nhận liên kết mới.".into(),
                Lang::En => "This login link is wrong, already used or expired. Send /web to the bot for a new one.".into(),
            },
            W::LoggedOut => match lang {
                Lang::Vi => "Bạn đã đăng xuất.".into(),
                Lang::En => "You are logged out.".into(),
            },
            W::Forbidden => match lang {
                Lang::Vi => "Bạn không có quyền xem trang này.".into(),
                Lang::En => "You may not see this page.".into(),
            },
            W::NotFound => match lang {
                Lang::Vi => "Không tìm thấy trang này.".into(),
                Lang::En => "Page not found.".into(),
            },
            W::ServerError => match lang {
                Lang::Vi => "Có lỗi khi đọc dữ liệu. Vui lòng thử lại.".into(),
                Lang::En => "Reading the data failed. Please try again.".into(),
            },
            W::Plans => match lang {
                Lang::Vi => "Các kế hoạch".into(),
                Lang::En => "Plans".into(),
            },
            W::NoPlans => match lang {
                Lang::Vi => "Chưa có kế hoạch nào.".into(),
                Lang::En => "No plan yet.".into(),
            },
            W::Period => match lang {
                Lang::Vi => "Kỳ báo cáo".into(),
                Lang::En => "Reporting period".into(),
            },
            W::PeriodDue { label, due } => match lang {
                Lang::Vi => format!("{label} (hạn {due})"),
                Lang::En => format!("{label} (due {due})"),
            },
            W::AsOf { day } => match lang {
                Lang::Vi => format!("Số liệu đến {day}"),
                Lang::En => format!("Figures as of {day}"),
            },
            W::ReportsTitle => match lang {
                Lang::Vi => "Báo cáo định kỳ của các đơn vị".into(),
                Lang::En => "Units' periodic reports".into(),
            },
            W::TasksTitle => match lang {
                Lang::Vi => "Nhiệm vụ theo nội dung".into(),
                Lang::En => "Tasks by dimension".into(),
            },
            W::UnitsOwing { units } => match lang {
                Lang::Vi => format!("{units} đơn vị phải báo cáo"),
                Lang::En => format!("{units} units owe the report"),
            },
            W::Report(state) => match lang {
                Lang::Vi => match state {
                    ReportState::OnTime => "Nộp đúng hạn",
                    ReportState::Late => "Nộp trễ hạn",
                    ReportState::NotYetDue => "Chưa nộp (chưa đến hạn)",
                    ReportState::Missing => "Không nộp (quá hạn)",
                }
                .into(),
                Lang::En => match state {
                    ReportState::OnTime => "On time",
                    ReportState::Late => "Late",
                    ReportState::NotYetDue => "Not yet (not due)",
                    ReportState::Missing => "Missing (overdue)",
                }
                .into(),
            },
            W::Class(class) => match lang {
                Lang::Vi => match class {
                    TaskClass::DoneOnTime => "Hoàn thành đúng hạn",
                    TaskClass::DoneLate => "Hoàn thành quá hạn",
                    TaskClass::OpenInTime => "Đang thực hiện trong hạn",
                    TaskClass::OpenOverdue => "Đang thực hiện quá hạn",
                    TaskClass::NotReported => "Chưa báo cáo",
                }
                .into(),
                Lang::En => match class {
                    TaskClass::DoneOnTime => "Done on time",
                    TaskClass::DoneLate => "Done late",
                    TaskClass::OpenInTime => "In progress, in time",
                    TaskClass::OpenOverdue => "In progress, overdue",
                    TaskClass::NotReported => "Not reported",
                }
                .into(),
            },
            W::NotReportedNote => match lang {
                Lang::Vi => "«Chưa báo cáo»: chưa có báo cáo nào, hoặc đơn vị báo «chưa bắt đầu» (như cột «Chưa bắt đầu» của báo cáo xuất ra). Nhiệm vụ không có hạn cụ thể (thường xuyên) luôn tính là trong hạn.".into(),
                Lang::En => "“Not reported”: no report yet, or the unit reported “not started” (the export's “not started” column). Tasks without a fixed due date (ongoing) always count as in time.".into(),
            },
            W::Dimension => match lang {
                Lang::Vi => "Nội dung".into(),
                Lang::En => "Dimension".into(),
            },
            W::NoDimension => match lang {
                Lang::Vi => "Không thuộc nội dung".into(),
                Lang::En => "No dimension".into(),
            },
            W::Total => match lang {
                Lang::Vi => "Tổng".into(),
                Lang::En => "Total".into(),
            },
            W::Tasks => match lang {
                Lang::Vi => "Nhiệm vụ".into(),
                Lang::En => "Tasks".into(),
            },
            W::Task => match lang {
                Lang::Vi => "Nhiệm vụ".into(),
                Lang::En => "Task".into(),
            },
            W::Unit => match lang {
                Lang::Vi => "Đơn vị".into(),
                Lang::En => "Unit".into(),
            },
            W::Code => match lang {
                Lang::Vi => "Mã".into(),
                Lang::En => "Code".into(),
            },
            W::State => match lang {
                Lang::Vi => "Tình trạng".into(),
                Lang::En => "State".into(),
            },
            W::Due => match lang {
                Lang::Vi => "Hạn".into(),
                Lang::En => "Due".into(),
            },
            W::Area => match lang {
                Lang::Vi => "Địa bàn".into(),
                Lang::En => "Area".into(),
            },
            W::All => match lang {
                Lang::Vi => "Tất cả".into(),
                Lang::En => "All".into(),
            },
            W::Filter => match lang {
                Lang::Vi => "Lọc".into(),
                Lang::En => "Filter".into(),
            },
            W::SortBy => match lang {
                Lang::Vi => "Sắp xếp".into(),
                Lang::En => "Sort".into(),
            },
            W::SortCode => match lang {
                Lang::Vi => "Mã đơn vị".into(),
                Lang::En => "Unit code".into(),
            },
            W::SortName => match lang {
                Lang::Vi => "Tên đơn vị".into(),
                Lang::En => "Unit name".into(),
            },
            W::SortOverdue => match lang {
                Lang::Vi => "Quá hạn nhiều nhất".into(),
                Lang::En => "Most overdue".into(),
            },
            W::SortDone => match lang {
                Lang::Vi => "Hoàn thành nhiều nhất".into(),
                Lang::En => "Most done".into(),
            },
            W::Shown { from, to, total } => match lang {
                Lang::Vi => format!("Đơn vị {from}–{to} trên {total}"),
                Lang::En => format!("Units {from}–{to} of {total}"),
            },
            W::Previous => match lang {
                Lang::Vi => "← Trước".into(),
                Lang::En => "← Previous".into(),
            },
            W::Next => match lang {
                Lang::Vi => "Sau →".into(),
                Lang::En => "Next →".into(),
            },
            W::NoUnits => match lang {
                Lang::Vi => "Không có đơn vị nào khớp.".into(),
                Lang::En => "No unit matches.".into(),
            },
            W::Members => match lang {
                Lang::Vi => "Thành viên".into(),
                Lang::En => "Members".into(),
            },
            W::NoMembers => match lang {
                Lang::Vi => "Đơn vị chưa có thành viên nào.".into(),
                Lang::En => "The unit has no members yet.".into(),
            },
            W::Linked => match lang {
                Lang::Vi => "Đã kết nối Telegram".into(),
                Lang::En => "Linked to Telegram".into(),
            },
            W::NotLinked => match lang {
                Lang::Vi => "Chưa kết nối Telegram".into(),
                Lang::En => "Not linked to Telegram".into(),
            },
            W::UnreachableSince { day } => match lang {
                Lang::Vi => format!("Không nhắn tới được từ {day}"),
                Lang::En => format!("Unreachable since {day}"),
            },
            W::History => match lang {
                Lang::Vi => "Nhiệm vụ và các lần báo cáo tình hình".into(),
                Lang::En => "Tasks and every status update".into(),
            },
            W::NoUpdates => match lang {
                Lang::Vi => "Chưa có báo cáo tình hình.".into(),
                Lang::En => "No status update yet.".into(),
            },
            W::Submissions => match lang {
                Lang::Vi => "Báo cáo định kỳ đã nộp".into(),
                Lang::En => "Periodic reports submitted".into(),
            },
            W::NoSubmissions => match lang {
                Lang::Vi => "Chưa nộp báo cáo nào.".into(),
                Lang::En => "No report submitted yet.".into(),
            },
            W::Escalations => match lang {
                Lang::Vi => "Các bước đôn đốc đã tới".into(),
                Lang::En => "Escalation steps reached".into(),
            },
            W::NoEscalations => match lang {
                Lang::Vi => "Chưa có bước đôn đốc nào.".into(),
                Lang::En => "No escalation step yet.".into(),
            },
            W::Step(step) => match lang {
                Lang::Vi => match step {
                    EscalationStep::Nudge => "Nhắc đơn vị",
                    EscalationStep::Heads => "Báo lãnh đạo đơn vị và đơn vị chủ trì",
                    EscalationStep::Office => "Đưa vào bản tổng hợp của Nội vụ",
                }
                .into(),
                Lang::En => match step {
                    EscalationStep::Nudge => "Unit reminded",
                    EscalationStep::Heads => "Unit's head and lead unit told",
                    EscalationStep::Office => "In the Home Affairs office's digest",
                }
                .into(),
            },
            W::ReportItem => match lang {
                Lang::Vi => "Báo cáo".into(),
                Lang::En => "Report".into(),
            },
            W::TaskItem => match lang {
                Lang::Vi => "Nhiệm vụ".into(),
                Lang::En => "Task".into(),
            },
            W::CaseItem => match lang {
                Lang::Vi => "Phản ánh".into(),
                Lang::En => "Case".into(),
            },
            W::ReachTitle => match lang {
                Lang::Vi => "Ai chưa liên lạc được".into(),
                Lang::En => "Who cannot be reached".into(),
            },
            W::UnitsNoOne => match lang {
                Lang::Vi => "Đơn vị không ai nhận được tin".into(),
                Lang::En => "Units no one can be told in".into(),
            },
            W::NobodyLinked => match lang {
                Lang::Vi => "Chưa ai kết nối Telegram".into(),
                Lang::En => "Nobody linked to Telegram".into(),
            },
            W::AllUnreachable { members } => match lang {
                Lang::Vi => {
                    format!("Cả {members} thành viên đã kết nối đều không nhắn tới được")
                },
                Lang::En => {
                    format!("All {members} linked members unreachable")
                },
            },
            W::MembersUnreachable => match lang {
                Lang::Vi => "Thành viên không nhắn tới được (đã chặn bot, mất tài khoản)".into(),
                Lang::En => "Unreachable members (blocked the bot, account gone)".into(),
            },
            W::EveryoneReachable => match lang {
                Lang::Vi => "Mọi đơn vị đều có người nhận được tin.".into(),
                Lang::En => "Every unit has someone who can be told.".into(),
            },
            W::CasesTitle => match lang {
                Lang::Vi => "Phản ánh, kiến nghị đang xử lý".into(),
                Lang::En => "Open citizen cases".into(),
            },
            W::NoCases => match lang {
                Lang::Vi => "Không có phản ánh nào đang xử lý.".into(),
                Lang::En => "No open case.".into(),
            },
            W::CasesCut { read } => match lang {
                Lang::Vi => format!("Chỉ xét {read} phản ánh đang xử lý mới nhất; xem đủ bằng dondoc cases export."),
                Lang::En => format!("Only the newest {read} open cases are looked at; dondoc cases export lists them all."),
            },
            W::CaseNumber => match lang {
                Lang::Vi => "Số".into(),
                Lang::En => "No.".into(),
            },
            W::Received => match lang {
                Lang::Vi => "Tiếp nhận".into(),
                Lang::En => "Received".into(),
            },
            W::Place => match lang {
                Lang::Vi => "Nơi".into(),
                Lang::En => "Place".into(),
            },
            W::Category => match lang {
                Lang::Vi => "Lĩnh vực".into(),
                Lang::En => "Category".into(),
            },
            W::Content => match lang {
                Lang::Vi => "Nội dung".into(),
                Lang::En => "Content".into(),
            },
            W::Citizen => match lang {
                Lang::Vi => "Người phản ánh".into(),
                Lang::En => "Citizen".into(),
            },
            W::Hops => match lang {
                Lang::Vi => "Đơn vị xử lý".into(),
                Lang::En => "Units handling it".into(),
            },
            W::AckClock => match lang {
                Lang::Vi => "Hạn tiếp nhận".into(),
                Lang::En => "Acknowledge by".into(),
            },
            W::AnswerClock => match lang {
                Lang::Vi => "Hạn trả lời".into(),
                Lang::En => "Answer by".into(),
            },
            W::Late => match lang {
                Lang::Vi => "Trễ".into(),
                Lang::En => "Late".into(),
            },
            W::OnTime => match lang {
                Lang::Vi => "Đúng hạn".into(),
                Lang::En => "On time".into(),
            },
            W::Pending => match lang {
                Lang::Vi => "Chưa".into(),
                Lang::En => "Not yet".into(),
            },
            W::Files => match lang {
                Lang::Vi => "Tệp".into(),
                Lang::En => "Files".into(),
            },
            W::By => match lang {
                Lang::Vi => "Người báo".into(),
                Lang::En => "By".into(),
            },
            W::Note => match lang {
                Lang::Vi => "Ghi chú".into(),
                Lang::En => "Note".into(),
            },
            W::NoPublicUrl => match lang {
                Lang::Vi => "Bảng theo dõi trên web chưa được bật (http.public_url chưa đặt).".into(),
                Lang::En => "The web board is not enabled (http.public_url is not set).".into(),
            },
            W::PrivateOnly => match lang {
                Lang::Vi => "Vì an toàn, hãy gõ /web trong tin nhắn riêng với bot, không gõ trong nhóm.".into(),
                Lang::En => "For safety, send /web in a private chat with the bot, not in a group.".into(),
            },
            W::CommandWeb => match lang {
                Lang::Vi => "Đăng nhập bảng theo dõi trên web".into(),
                Lang::En => "Log in to the web board".into(),
            },
            W::UnknownPerson { id } => match lang {
                Lang::Vi => format!("Không có người nào mang số {id}. Xem số người bằng dondoc members list."),
                Lang::En => format!("No person has id {id}. See the ids with dondoc members list."),
            },
            W::LinkMade { name, unit, link, minutes } => match lang {
                Lang::Vi => format!(
                    "Liên kết đăng nhập bảng theo dõi cho {name} ({unit}), dùng một lần trong {minutes} phút:\n{link}"
                ),
                Lang::En => format!(
                    "Board login link for {name} ({unit}), for one use within {minutes} minutes:\n{link}"
                ),
            },
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
