//! Reaching members on the messenger they use. [`AnswerText`]: how to answer on a messenger
//! without buttons (Zalo), the keyboards of reminders, reports and cases drawn as one line of
//! typed syntax (`chat::text_keyboard`). [`ChannelText`]: `dondoc members channel`. The words typed —
//! `viec`, `3 xong`, `3 đang làm`, `3 vướng: …`, `bc quý I: …` — are what the Zalo
//! conversation reads, in both languages; only the explanations around them are translated.

use super::{Lang, Render};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerText<'a> {
    /// Under one task: its number in the member's `viec` list now.
    Task { number: usize },
    /// Under one task that is not on the member's `viec` list (closed meanwhile, or they are
    /// linked to no unit that holds it): the number cannot be given.
    TaskWithoutNumber,
    /// Under a report reminder: the period as typed after `bc`.
    Report { period: &'a str },
    /// Under a reminder or escalation about several items.
    List,
    /// Under a citizen's case sent to a unit or its operator: no typed answer on Zalo yet.
    CaseElsewhere,
    /// A file came with the message; Zalo is sent its caption only.
    FileElsewhere,
}

impl Render for AnswerText<'_> {
    fn render(&self, lang: Lang) -> String {
        use AnswerText as A;
        match self {
            A::Task { number: n } => match lang {
                Lang::Vi => format!("Trả lời: `{n} xong` · `{n} đang làm` · `{n} vướng: lý do`"),
                Lang::En => format!(
                    "Reply: `{n} xong` (done) · `{n} đang làm` (in progress) · `{n} vướng: reason` (blocked)"
                ),
            },
            A::TaskWithoutNumber => match lang {
                Lang::Vi => {
                    "Gõ `viec` để xem số, rồi trả lời: `số xong` · `số đang làm` · `số vướng: lý do`".into()
                }
                Lang::En => {
                    "Send `viec` to see the number, then reply: `N xong` (done) · `N đang làm` (in progress) · `N vướng: reason` (blocked)".into()
                }
            },
            A::Report { period } => match lang {
                Lang::Vi => format!("Nộp báo cáo: `bc {period}: nội dung` (hoặc gửi ảnh kèm chú thích đó)"),
                Lang::En => format!(
                    "To submit the report: `bc {period}: your text` (or a photo with that caption)"
                ),
            },
            A::List => match lang {
                Lang::Vi => {
                    "Gõ `viec` để xem danh sách, rồi trả lời: `3 xong` · `3 đang làm` · `3 vướng: lý do`".into()
                }
                Lang::En => {
                    "Send `viec` for the list, then reply: `3 xong` (done) · `3 đang làm` (in progress) · `3 vướng: reason` (blocked)".into()
                }
            },
            A::CaseElsewhere => match lang {
                Lang::Vi => {
                    "Tiếp nhận, chuyển hoặc trả lời vụ việc này trên Telegram hoặc báo cán bộ đường dây nóng.".into()
                }
                Lang::En => {
                    "Accept, pass on or answer this case on Telegram, or tell the hotline's operator.".into()
                }
            },
            A::FileElsewhere => match lang {
                Lang::Vi => "📎 Kèm tệp: xem trên Telegram hoặc trang web điều hành.".into(),
                Lang::En => "📎 A file came with this: see it on Telegram or the web board.".into(),
            },
        }
    }
}

/// `dondoc members channel --person ID telegram|zalo|last`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelText<'a> {
    /// The person does not exist.
    NoPerson { id: i64 },
    /// Set: `channel` None = the one they used last.
    Chosen {
        name: &'a str,
        channel: Option<crate::domain::Channel>,
    },
    /// Chosen a messenger they are not linked on: messages go elsewhere until they link.
    NotLinkedThere {
        channel: crate::domain::Channel,
        instead: Option<crate::domain::Channel>,
    },
}

fn channel_name(channel: crate::domain::Channel) -> &'static str {
    match channel {
        crate::domain::Channel::Telegram => "Telegram",
        crate::domain::Channel::Zalo => "Zalo",
    }
}

impl Render for ChannelText<'_> {
    fn render(&self, lang: Lang) -> String {
        use ChannelText as C;
        match self {
            C::NoPerson { id } => match lang {
                Lang::Vi => format!("Không có thành viên #{id}."),
                Lang::En => format!("No member #{id}."),
            },
            C::Chosen {
                name,
                channel: Some(channel),
            } => {
                let channel = channel_name(*channel);
                match lang {
                    Lang::Vi => format!("{name}: nhắc việc gửi qua {channel}."),
                    Lang::En => format!("{name}: reminders go by {channel}."),
                }
            }
            C::Chosen {
                name,
                channel: None,
            } => match lang {
                Lang::Vi => format!("{name}: nhắc việc gửi qua ứng dụng họ dùng gần nhất."),
                Lang::En => format!("{name}: reminders go by the messenger they used last."),
            },
            C::NotLinkedThere { channel, instead } => {
                let channel = channel_name(*channel);
                match (lang, instead) {
                    (Lang::Vi, Some(instead)) => format!(
                        "Lưu ý: chưa liên kết {channel}; đến khi liên kết, tin vẫn gửi qua {}.",
                        channel_name(*instead)
                    ),
                    (Lang::Vi, None) => {
                        format!("Lưu ý: chưa liên kết {channel}; chưa gửi được tin cho người này.")
                    }
                    (Lang::En, Some(instead)) => format!(
                        "Note: not linked on {channel}; until they are, messages still go by {}.",
                        channel_name(*instead)
                    ),
                    (Lang::En, None) => {
                        format!("Note: not linked on {channel}; no message can reach them yet.")
                    }
                }
            }
        }
    }
}
