//! The periodic report (`dondoc export`, `/xuat`): its sheets' words and what is said about it.

use super::{Lang, Render};
use crate::domain::AssignmentStatus;

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
    State(crate::domain::ReportState),
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
}

impl Render for ReportText<'_> {
    fn render(&self, lang: Lang) -> String {
        use crate::domain::ReportState as S;
        match self {
            ReportText::SheetSummary => match lang {
                Lang::Vi => "Tổng hợp".into(),
                Lang::En => "Summary".into(),
            },
            ReportText::SheetUnits => match lang {
                Lang::Vi => "Báo cáo của đơn vị".into(),
                Lang::En => "Unit reports".into(),
            },
            ReportText::SheetCases => match lang {
                Lang::Vi => "Phản ánh, kiến nghị".into(),
                Lang::En => "Citizen cases".into(),
            },
            ReportText::SheetNoOneToTell => match lang {
                Lang::Vi => "Chưa nhận tin".into(),
                Lang::En => "No one to tell".into(),
            },
            ReportText::NoOneLinked { unreachable: 0 } => match lang {
                Lang::Vi => "Chưa ai liên kết: không được nhắc việc".into(),
                Lang::En => "Nobody linked: never reminded".into(),
            },
            ReportText::NoOneLinked { unreachable } => match lang {
                Lang::Vi => format!("{unreachable} người đã liên kết nhưng không liên lạc được: không được nhắc việc"),
                Lang::En => format!("{unreachable} linked but cannot be reached: never reminded"),
            },
            ReportText::MemberUnreachable { name, since } => match lang {
                Lang::Vi => format!("{name}: không liên lạc được từ {since}"),
                Lang::En => format!("{name}: cannot be reached since {since}"),
            },
            ReportText::EveryoneReachable => match lang {
                Lang::Vi => "Đơn vị nào có việc cũng có người nhận tin qua Telegram.".into(),
                Lang::En => "Every unit with work has someone the bot can tell.".into(),
            },
            ReportText::NoDimension => match lang {
                Lang::Vi => "Khác".into(),
                Lang::En => "Other".into(),
            },
            ReportText::Title { plan, code } => match lang {
                Lang::Vi => format!("BÁO CÁO KẾT QUẢ THỰC HIỆN {} ({code})", plan.to_uppercase()),
                Lang::En => format!("IMPLEMENTATION REPORT: {} ({code})", plan.to_uppercase()),
            },
            ReportText::Period { label, due } => match lang {
                Lang::Vi => format!("Kỳ báo cáo: {label} (hạn nộp {due})"),
                Lang::En => format!("Period: {label} (due {due})"),
            },
            ReportText::AsOf { day } => match lang {
                Lang::Vi => format!("Số liệu tính đến ngày {day}"),
                Lang::En => format!("Figures as of {day}"),
            },
            ReportText::CasesSpan { from, to } => match lang {
                Lang::Vi => format!("Phản ánh, kiến nghị tiếp nhận từ {from} đến {to}"),
                Lang::En => format!("Citizen cases received from {from} to {to}"),
            },
            ReportText::SectionReports => match lang {
                Lang::Vi => "I. TÌNH HÌNH NỘP BÁO CÁO CỦA CÁC ĐƠN VỊ".into(),
                Lang::En => "I. REPORTS FROM UNITS".into(),
            },
            ReportText::SectionTasks => match lang {
                Lang::Vi => "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO NỘI DUNG".into(),
                Lang::En => "II. TASKS BY DIMENSION".into(),
            },
            ReportText::SectionCases => match lang {
                Lang::Vi => "III. TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ".into(),
                Lang::En => "III. CITIZEN REPORTS AND PETITIONS".into(),
            },
            ReportText::Owing => match lang {
                Lang::Vi => "Đơn vị phải báo cáo".into(),
                Lang::En => "Units owing the report".into(),
            },
            ReportText::State(state) => match lang {
                Lang::Vi => match state {
                    S::OnTime => "Nộp đúng hạn",
                    S::Late => "Nộp trễ hạn",
                    S::Missing => "Chưa nộp (quá hạn)",
                    S::NotYetDue => "Chưa nộp (chưa đến hạn)",
                }
                .into(),
                Lang::En => match state {
                    S::OnTime => "Reported on time",
                    S::Late => "Reported late",
                    S::Missing => "Missing (overdue)",
                    S::NotYetDue => "Not yet reported (not due yet)",
                }
                .into(),
            },
            ReportText::TaskStatus(status) => match lang {
                Lang::Vi => match status {
                    AssignmentStatus::Done => "Đã hoàn thành",
                    AssignmentStatus::InProgress => "Đang thực hiện",
                    AssignmentStatus::Blocked => "Vướng mắc",
                    AssignmentStatus::NotStarted => "Chưa thực hiện",
                }
                .into(),
                Lang::En => match status {
                    AssignmentStatus::Done => "Done",
                    AssignmentStatus::InProgress => "In progress",
                    AssignmentStatus::Blocked => "Blocked",
                    AssignmentStatus::NotStarted => "Not started",
                }
                .into(),
            },
            ReportText::Total => match lang {
                Lang::Vi => "Tổng cộng".into(),
                Lang::En => "Total".into(),
            },
            ReportText::ByUnit { units, done, in_progress, blocked } => match lang {
                Lang::Vi => format!(
                    "{done}/{units} đơn vị hoàn thành; {in_progress} đang thực hiện; {blocked} vướng mắc"
                ),
                Lang::En => format!(
                    "{done}/{units} units done; {in_progress} in progress; {blocked} blocked"
                ),
            },
            ReportText::MoreUnits { more } => match lang {
                Lang::Vi => format!("… và {more} đơn vị khác"),
                Lang::En => format!("… and {more} more units"),
            },
            ReportText::Written { label, code, day, paths } => match lang {
                Lang::Vi => format!("Đã xuất {label} của kế hoạch {code} (số liệu đến {day}): {paths}"),
                Lang::En => format!("Exported {label} of plan {code} (as of {day}): {paths}"),
            },
            ReportText::UnknownPeriod { typed, code, choices } => match lang {
                Lang::Vi => format!(
                    "Kế hoạch {code} không có kỳ báo cáo \"{typed}\". Các kỳ: {choices}. Có thể gõ Q1, Q2 (= 6 tháng), Q3, Q4 (= năm), 6T, CN."
                ),
                Lang::En => format!(
                    "Plan {code} has no reporting period \"{typed}\". Its periods: {choices}. Q1, Q2 (= 6 months), Q3, Q4 (= year), 6T and CN work too."
                ),
            },
            ReportText::NoPeriods { code } => match lang {
                Lang::Vi => format!("Kế hoạch {code} chưa có kỳ báo cáo nào (dondoc plan deadlines)."),
                Lang::En => format!("Plan {code} has no reporting periods (dondoc plan deadlines)."),
            },
            ReportText::BadAsOf { raw } => match lang {
                Lang::Vi => format!("--as-of: \"{raw}\" không phải ngày (viết yyyy-mm-dd, dd/mm/yyyy hoặc yyyy-mm-ddTHH:MM)."),
                Lang::En => format!("--as-of: \"{raw}\" is not a date (write yyyy-mm-dd, dd/mm/yyyy or yyyy-mm-ddTHH:MM)."),
            },
            ReportText::CoordinatorsOnly => match lang {
                Lang::Vi => "Chỉ cán bộ Nội vụ theo dõi được xuất báo cáo định kỳ.".into(),
                Lang::En => "Only coordinators can export the periodic report.".into(),
            },
            ReportText::ChoosePlan { codes } => match lang {
                Lang::Vi => format!("Bạn theo dõi nhiều kế hoạch. Gõ /xuat MÃ_KẾ_HOẠCH [kỳ], một trong: {codes}"),
                Lang::En => format!("You follow several plans. Send /xuat PLAN_CODE [period], one of: {codes}"),
            },
            ReportText::NoPlan => match lang {
                Lang::Vi => "Chưa có kế hoạch nào trong phạm vi theo dõi của bạn.".into(),
                Lang::En => "There is no plan within what you monitor.".into(),
            },
            ReportText::Caption { label, code, day, owing, on_time, late, missing, not_yet_due } => match lang {
                Lang::Vi => format!(
                    "{label} – {code}, số liệu đến {day}: {owing} đơn vị phải báo cáo = {on_time} đúng hạn + {late} trễ hạn + {missing} quá hạn chưa nộp + {not_yet_due} chưa đến hạn."
                ),
                Lang::En => format!(
                    "{label} – {code}, as of {day}: {owing} units owe it = {on_time} on time + {late} late + {missing} overdue, missing + {not_yet_due} not yet due."
                ),
            },
            ReportText::CommandExport => match lang {
                Lang::Vi => "Xuất báo cáo định kỳ (Nội vụ)".into(),
                Lang::En => "Export the periodic report (coordinators)".into(),
            },
        }
    }
}
