//! What the hotline's chat says: intake questions, the case card, the units' buttons.

use super::{Lang, Render};

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

impl Render for HotlineText<'_> {
    fn render(&self, lang: Lang) -> String {
        use crate::domain::case::{CaseState as S, Channel as C, HopState as H};
        use HotlineText as T;
        match self {
            T::Channel(c) => match lang {
                Lang::Vi => match c {
                    C::Phone => "Điện thoại 1022",
                    C::Sms => "Tin nhắn SMS",
                    C::Zalo => "Zalo",
                    C::Email => "Thư điện tử",
                    C::WebPortal => "Cổng thông tin",
                    C::InPerson => "Trực tiếp",
                }
                .into(),
                Lang::En => match c {
                    C::Phone => "Phone 1022",
                    C::Sms => "SMS",
                    C::Zalo => "Zalo",
                    C::Email => "Email",
                    C::WebPortal => "Web portal",
                    C::InPerson => "In person",
                }
                .into(),
            },
            T::State(s) => match lang {
                Lang::Vi => match s {
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
                Lang::En => match s {
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
            },
            T::Hop(h) => match lang {
                Lang::Vi => match h {
                    H::Forwarded => "chờ tiếp nhận",
                    H::Accepted => "đã tiếp nhận",
                    H::Returned => "không thuộc thẩm quyền",
                    H::Answered => "đã trả lời",
                    H::Withdrawn => "đã rút",
                }
                .into(),
                Lang::En => match h {
                    H::Forwarded => "waiting for acknowledgement",
                    H::Accepted => "accepted",
                    H::Returned => "not their responsibility",
                    H::Answered => "answered",
                    H::Withdrawn => "withdrawn",
                }
                .into(),
            },
            T::AskChannel => match lang {
                Lang::Vi => "📞 Phản ánh mới. Tiếp nhận qua kênh nào? (gõ «Huỷ» để dừng bất cứ lúc nào)".into(),
                Lang::En => "📞 New citizen report. Which channel? (send «Huỷ» to stop at any time)".into(),
            },
            T::AskContent => match lang {
                Lang::Vi => "Nội dung phản ánh, kiến nghị?".into(),
                Lang::En => "What does the citizen report or ask?".into(),
            },
            T::AskPlace => match lang {
                Lang::Vi => "Ở xã/phường nào? Gõ một phần tên.".into(),
                Lang::En => "Which commune or ward? Type part of its name.".into(),
            },
            T::NoPlaceFound => match lang {
                Lang::Vi => "Không tìm thấy xã/phường nào. Gõ lại một phần tên.".into(),
                Lang::En => "No commune or ward found. Type part of its name again.".into(),
            },
            T::ChoosePlace => match lang {
                Lang::Vi => "Chọn xã/phường:".into(),
                Lang::En => "Choose the commune or ward:".into(),
            },
            T::AskCategory => match lang {
                Lang::Vi => "Lĩnh vực?".into(),
                Lang::En => "Category?".into(),
            },
            T::AskName => match lang {
                Lang::Vi => "Họ tên người phản ánh? (hoặc Bỏ qua)".into(),
                Lang::En => "The citizen's name? (or Skip)".into(),
            },
            T::AskPhone => match lang {
                Lang::Vi => "Số điện thoại người phản ánh? (hoặc Bỏ qua)".into(),
                Lang::En => "The citizen's phone number? (or Skip)".into(),
            },
            T::AskConsent => match lang {
                Lang::Vi => "Người phản ánh có đồng ý cho đơn vị xử lý biết họ tên, số điện thoại không?".into(),
                Lang::En => "May the unit handling it see the citizen's name and phone?".into(),
            },
            T::AskFiles => match lang {
                Lang::Vi => "Gửi ảnh hoặc tài liệu kèm theo (nếu có), rồi bấm Xong.".into(),
                Lang::En => "Send photos or documents, if any, then press Done.".into(),
            },
            T::FileKept(n) => match lang {
                Lang::Vi => format!("Đã nhận {n} tệp. Gửi thêm hoặc bấm Xong."),
                Lang::En => format!("{n} file(s) received. Send more or press Done."),
            },
            T::ProposeUnit { unit } => match lang {
                Lang::Vi => format!("Đề xuất chuyển xử lý: {unit}."),
                Lang::En => format!("Proposed unit: {unit}."),
            },
            T::AskOtherUnit => match lang {
                Lang::Vi => "Gõ một phần tên đơn vị xử lý.".into(),
                Lang::En => "Type part of the unit's name.".into(),
            },
            T::NoUnitFound => match lang {
                Lang::Vi => "Không tìm thấy đơn vị. Gõ lại một phần tên.".into(),
                Lang::En => "No unit found. Type part of its name again.".into(),
            },
            T::ChooseUnit => match lang {
                Lang::Vi => "Chọn đơn vị:".into(),
                Lang::En => "Choose the unit:".into(),
            },
            T::Receipt { number, unit, ack_by, answer_by } => match lang {
                Lang::Vi => format!(
                    "✅ Đã tiếp nhận phản ánh số {number}, chuyển {unit}.\nĐơn vị tiếp nhận trước {ack_by}, trả lời trước hết ngày {answer_by}.\nĐọc số {number} cho người dân để tra cứu."
                ),
                Lang::En => format!(
                    "✅ Case {number} logged and sent to {unit}.\nAcknowledgement by {ack_by}, answer by the end of {answer_by}.\nGive the citizen the number {number}."
                ),
            },
            T::Cancelled => match lang {
                Lang::Vi => "Đã huỷ, không ghi gì.".into(),
                Lang::En => "Cancelled; nothing was saved.".into(),
            },
            T::OnlyHotline => match lang {
                Lang::Vi => "Chỉ tổng đài viên và Nội vụ ghi nhận phản ánh.".into(),
                Lang::En => "Only hotline operators and coordinators log citizen reports.".into(),
            },
            T::CaseHeader { number, state } => match lang {
                Lang::Vi => format!("📨 Phản ánh {number} — {}", T::State(*state).render(Lang::Vi)),
                Lang::En => format!("📨 Case {number} — {}", T::State(*state).render(Lang::En)),
            },
            T::CaseWhat { channel, received, place, category } => format!(
                "{} · {received} · {place} · {category}",
                T::Channel(*channel).render(lang)
            ),
            T::Citizen { name, phone } => match lang {
                Lang::Vi => format!("Người phản ánh: {name} · {phone}"),
                Lang::En => format!("Citizen: {name} · {phone}"),
            },
            T::CitizenHidden { initials, phone } => match lang {
                Lang::Vi => format!(
                    "Người phản ánh: {initials} · {phone} (không đồng ý cung cấp thông tin liên hệ)"
                ),
                Lang::En => format!(
                    "Citizen: {initials} · {phone} (contact details not shared)"
                ),
            },
            T::CitizenNoContact => match lang {
                Lang::Vi => "Người phản ánh: không có thông tin liên hệ".into(),
                Lang::En => "Citizen: no contact details given".into(),
            },
            T::NoOneToTell { number, units } => match lang {
                Lang::Vi => format!(
                    "⚠️ {number}: {units} chưa có ai nhận tin qua Telegram (chưa ai liên kết, hoặc không liên lạc được) — phản ánh chưa đến được đơn vị. Bấm «Chuyển đơn vị» để chuyển nơi khác, hoặc báo đơn vị bằng điện thoại, văn bản."
                ),
                Lang::En => format!(
                    "⚠️ {number}: no one in {units} can be reached on Telegram (nobody linked, or unreachable) — the case has reached no one there. Press “Route to a unit” to send it elsewhere, or tell the unit by phone or in writing."
                ),
            },
            T::CaseClocks { ack_by, answer_by } => match lang {
                Lang::Vi => format!("Hạn tiếp nhận: {ack_by} · hạn trả lời: {answer_by}"),
                Lang::En => format!("Acknowledge by {ack_by} · answer by {answer_by}"),
            },
            T::Files(n) => match lang {
                Lang::Vi => format!("📎 {n} tệp đính kèm"),
                Lang::En => format!("📎 {n} attachment(s)"),
            },
            T::HopLine { unit, state } => format!("– {unit}: {}", T::Hop(*state).render(lang)),
            T::LateApology => match lang {
                Lang::Vi => "⚠️ Trả lời muộn: gửi văn bản xin lỗi người dân.".into(),
                Lang::En => "⚠️ Answered late: send the citizen a letter of apology.".into(),
            },
            T::NewCaseForUnit { unit } => match lang {
                Lang::Vi => format!("📨 Phản ánh chuyển {unit} xử lý. Trả lời tin này để trả lời."),
                Lang::En => format!("📨 A citizen's case for {unit}. Reply to this message to answer."),
            },
            T::ButtonAccept => match lang {
                Lang::Vi => "✅ Tiếp nhận".into(),
                Lang::En => "✅ Accept".into(),
            },
            T::ButtonNotOurs => match lang {
                Lang::Vi => "↩️ Không thuộc thẩm quyền".into(),
                Lang::En => "↩️ Not ours".into(),
            },
            T::ButtonAnswer => match lang {
                Lang::Vi => "✍️ Trả lời".into(),
                Lang::En => "✍️ Answer".into(),
            },
            T::ButtonInformedClose => match lang {
                Lang::Vi => "✅ Đã báo người dân, đóng".into(),
                Lang::En => "✅ Citizen informed, close".into(),
            },
            T::ButtonInformed => match lang {
                Lang::Vi => "📞 Đã báo người dân".into(),
                Lang::En => "📞 Citizen informed".into(),
            },
            T::ButtonRoute => match lang {
                Lang::Vi => "↪️ Chuyển đơn vị".into(),
                Lang::En => "↪️ Route to a unit".into(),
            },
            T::ButtonAddUnit => match lang {
                Lang::Vi => "➕ Thêm đơn vị cùng xử lý".into(),
                Lang::En => "➕ Add a unit".into(),
            },
            T::ButtonReopen => match lang {
                Lang::Vi => "Mở lại".into(),
                Lang::En => "Reopen".into(),
            },
            T::ButtonYes => match lang {
                Lang::Vi => "Có".into(),
                Lang::En => "Yes".into(),
            },
            T::ButtonNo => match lang {
                Lang::Vi => "Không".into(),
                Lang::En => "No".into(),
            },
            T::ButtonSkip => match lang {
                Lang::Vi => "Bỏ qua".into(),
                Lang::En => "Skip".into(),
            },
            T::ButtonDone => match lang {
                Lang::Vi => "Xong".into(),
                Lang::En => "Done".into(),
            },
            T::ButtonCancel => match lang {
                Lang::Vi => "Huỷ".into(),
                Lang::En => "Cancel".into(),
            },
            T::ButtonAgree => match lang {
                Lang::Vi => "Đồng ý".into(),
                Lang::En => "Agree".into(),
            },
            T::ButtonOtherUnit => match lang {
                Lang::Vi => "Chọn đơn vị khác".into(),
                Lang::En => "Another unit".into(),
            },
            T::Accepted { number } => match lang {
                Lang::Vi => format!("Đã tiếp nhận {number}."),
                Lang::En => format!("{number} accepted."),
            },
            T::AskReason { number } => match lang {
                Lang::Vi => format!("{number}: nêu lý do không thuộc thẩm quyền (trả lời tin này)."),
                Lang::En => format!("{number}: why is it not yours? (reply to this message)"),
            },
            T::Returned { number } => match lang {
                Lang::Vi => format!("Đã trả lại {number} cho tổng đài."),
                Lang::En => format!("{number} returned to the hotline."),
            },
            T::AskAnswer { number } => match lang {
                Lang::Vi => format!("{number}: gửi nội dung trả lời (chữ, tệp hoặc ảnh)."),
                Lang::En => format!("{number}: send the answer (text, a file or a photo)."),
            },
            T::Answered { number } => match lang {
                Lang::Vi => format!("Đã ghi nhận trả lời {number}."),
                Lang::En => format!("Answer to {number} recorded."),
            },
            T::AnsweredLate { number } => match lang {
                Lang::Vi => format!("Đã ghi nhận trả lời {number} (quá hạn)."),
                Lang::En => format!("Answer to {number} recorded (late)."),
            },
            T::Closed { number } => match lang {
                Lang::Vi => format!("Đã đóng {number}."),
                Lang::En => format!("{number} closed."),
            },
            T::Reopened { number } => match lang {
                Lang::Vi => format!("Đã mở lại {number}: chọn đơn vị xử lý."),
                Lang::En => format!("{number} reopened: choose a unit."),
            },
            T::Informed { number } => match lang {
                Lang::Vi => format!("Đã ghi nhận: người dân đã được báo kết quả {number}."),
                Lang::En => format!("Recorded: the citizen was told the answer to {number}."),
            },
            T::CitizenInformed { at } => match lang {
                Lang::Vi => format!("📞 Đã báo người dân: {at}"),
                Lang::En => format!("📞 Citizen informed: {at}"),
            },
            T::Withdrawn { number } => match lang {
                Lang::Vi => format!("{number} đã chuyển đơn vị khác xử lý; đơn vị không cần trả lời nữa."),
                Lang::En => format!("{number} was moved to another unit; your unit need not answer it."),
            },
            T::NotAllowed => match lang {
                Lang::Vi => "Thao tác này không còn thực hiện được.".into(),
                Lang::En => "That can no longer be done.".into(),
            },
            T::CaseNotFound { number } => match lang {
                Lang::Vi => format!("Không có phản ánh {number} trong phạm vi của bạn."),
                Lang::En => format!("No case {number} within what you can see."),
            },
            T::NoOpenCases => match lang {
                Lang::Vi => "Không có phản ánh nào đang mở.".into(),
                Lang::En => "No open cases.".into(),
            },
            T::OpenCasesHeader(n) => match lang {
                Lang::Vi => format!("Phản ánh đang mở ({n}):"),
                Lang::En => format!("Open cases ({n}):"),
            },
        }
    }
}
