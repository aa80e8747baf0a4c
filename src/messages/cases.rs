//! What the hotline's commands (`dondoc cases …`) print, and the words of their exports.

use super::{Lang, Render};

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
}

impl Render for CaseText<'_> {
    fn render(&self, lang: Lang) -> String {
        use crate::domain::case::{CaseState as S, Channel as C, HopState as H};
        match self {
            CaseText::Created { number, place, units } => format!("{number}\t{place}\t→ {units}"),
            CaseText::NoOneToTell { number, units } => match lang {
                Lang::Vi => format!(
                    "⚠️ {number}: {units} chưa có ai nhận tin qua Telegram — phản ánh chưa đến được đơn vị. Chuyển đơn vị khác (/vuviec {number}, «Chuyển đơn vị») hoặc báo đơn vị bằng điện thoại, văn bản."
                ),
                Lang::En => format!(
                    "⚠️ {number}: no one in {units} can be reached on Telegram — the case has reached no one there. Route it elsewhere (/vuviec {number}, “Route to a unit”) or tell the unit by phone or in writing."
                ),
            },
            CaseText::CasesSaved { cases } => match lang {
                Lang::Vi => format!("Đã ghi {cases} phản ánh, kiến nghị."),
                Lang::En => format!("Saved {cases} citizen reports."),
            },
            CaseText::CasesSkipped { cases } => match lang {
                Lang::Vi => format!("Bỏ qua {cases} phản ánh đã có (đã nhập từ trước, cùng số phiếu hoặc cùng thời điểm, số điện thoại và nội dung)."),
                Lang::En => format!("Skipped {cases} citizen reports already stored (imported before: same reference, or same time, phone and content)."),
            },
            CaseText::WouldCreate { index, place, units } => format!("#{index}\t{place}\t→ {units}"),
            CaseText::CasesDryRun { cases } => match lang {
                Lang::Vi => format!("Chạy thử: {cases} phản ánh hợp lệ, chưa ghi gì."),
                Lang::En => format!("Dry run: {cases} valid citizen reports, nothing saved."),
            },
            CaseText::RoutingSaved { rules } => match lang {
                Lang::Vi => format!("Đã thay toàn bộ quy tắc chuyển xử lý bằng {rules} quy tắc."),
                Lang::En => format!("Replaced every routing rule with {rules} rules."),
            },
            CaseText::NoRoutingRules => match lang {
                Lang::Vi => "Chưa có quy tắc chuyển xử lý nào: mọi phản ánh chuyển về UBND xã/phường nơi phát sinh.".into(),
                Lang::En => "No routing rules: every case goes to the People's Committee of its commune.".into(),
            },
            CaseText::Rule { category, place, unit } => match lang {
                Lang::Vi => format!(
                    "{}\t{}\t→ {unit}",
                    category.unwrap_or("(mọi lĩnh vực)"),
                    place.unwrap_or("(mọi địa bàn)")
                ),
                Lang::En => format!(
                    "{}\t{}\t→ {unit}",
                    category.unwrap_or("(any category)"),
                    place.unwrap_or("(anywhere)")
                ),
            },
            CaseText::Channel(c) => match lang {
                Lang::Vi => match c {
                    C::Phone => "Điện thoại (1022)",
                    C::Sms => "Tin nhắn SMS",
                    C::Zalo => "Zalo",
                    C::Email => "Thư điện tử",
                    C::WebPortal => "Cổng thông tin",
                    C::InPerson => "Trực tiếp",
                }
                .into(),
                Lang::En => match c {
                    C::Phone => "Phone (1022)",
                    C::Sms => "SMS",
                    C::Zalo => "Zalo",
                    C::Email => "Email",
                    C::WebPortal => "Web portal",
                    C::InPerson => "In person",
                }
                .into(),
            },
            CaseText::State(state) => match lang {
                Lang::Vi => match state {
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
                Lang::En => state.as_str().replace('_', " "),
            },
            CaseText::HopState(state) => match lang {
                Lang::Vi => match state {
                    H::Forwarded => "chờ tiếp nhận",
                    H::Accepted => "đã tiếp nhận",
                    H::Returned => "trả lại",
                    H::Answered => "đã trả lời",
                    H::Withdrawn => "đã rút",
                }
                .into(),
                Lang::En => state.as_str().into(),
            },
            CaseText::YesNo(yes) => match lang {
                Lang::Vi => if *yes { "có" } else { "không" }.into(),
                Lang::En => if *yes { "yes" } else { "no" }.into(),
            },
            CaseText::BadDate { option, raw } => match lang {
                Lang::Vi => format!("{option}: \"{raw}\" không phải ngày (viết yyyy-mm-dd hoặc dd/mm/yyyy; tháng: yyyy-mm)."),
                Lang::En => format!("{option}: \"{raw}\" is not a date (write yyyy-mm-dd or dd/mm/yyyy; a month: yyyy-mm)."),
            },
            CaseText::EmptyRange => match lang {
                Lang::Vi => "--to phải sau --from.".into(),
                Lang::En => "--to must come after --from.".into(),
            },
            CaseText::ContactsNeedBy => match lang {
                Lang::Vi => "--with-contact cần --by MÃ_NGƯỜI, mã của một điều phối viên hoặc tổng đài viên. Những người được xuất:".into(),
                Lang::En => "--with-contact needs --by PERSON_ID, the id of a coordinator or hotline operator. Those who may:".into(),
            },
            CaseText::PersonNotFound { id } => match lang {
                Lang::Vi => format!("Không có người nào mã {id}."),
                Lang::En => format!("No person has id {id}."),
            },
            CaseText::ContactsRefused { name, role } => match lang {
                Lang::Vi => format!(
                    "{name} ({}) không được xuất họ tên, số điện thoại của người dân: chỉ điều phối viên và tổng đài viên được xuất.",
                    role.as_str()
                ),
                Lang::En => format!(
                    "{name} ({}) may not export citizens' names and phones: only coordinators and hotline operators may.",
                    role.as_str()
                ),
            },
            CaseText::Exported { cases, path, with_contacts } => match lang {
                Lang::Vi => format!(
                    "Đã xuất {cases} phản ánh vào {path}{}.",
                    if *with_contacts { " (có họ tên, số điện thoại; đã ghi nhật ký)" } else { " (họ tên, số điện thoại đã che)" }
                ),
                Lang::En => format!(
                    "Exported {cases} cases to {path}{}.",
                    if *with_contacts { " (with names and phones; recorded in the audit log)" } else { " (names and phones masked)" }
                ),
            },
            CaseText::StatsTitle { month } => match lang {
                Lang::Vi => format!("Phản ánh, kiến nghị tháng {month}"),
                Lang::En => format!("Citizen reports, {month}"),
            },
            CaseText::StatsTotal => match lang {
                Lang::Vi => "Tổng".into(),
                Lang::En => "Total".into(),
            },
            CaseText::StatsByUnit => match lang {
                Lang::Vi => "Theo đơn vị xử lý".into(),
                Lang::En => "By unit".into(),
            },
            CaseText::StatsByCategory => match lang {
                Lang::Vi => "Theo lĩnh vực".into(),
                Lang::En => "By category".into(),
            },
        }
    }
}
