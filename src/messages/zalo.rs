//! What the bot says on Zalo that it does not say on Telegram: Zalo has no buttons, so
//! lists end with how to answer them in one typed line, and questions with «1» / «2».

use super::{Lang, Render};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZaloText<'a> {
    /// The one-line answer syntax, after a list and for a text not understood.
    Syntax,
    /// A text not understood: then [`ZaloText::Syntax`].
    NotUnderstood,
    /// The head of the open tasks list (no pages on Zalo: long lists are split).
    TaskList { count: usize },
    /// Under a proposal: how to confirm it.
    ConfirmFooter,
    /// A person not linked wrote to the bot.
    NotLinked,
    /// `/start CODE` in a group.
    StartInPrivate,
    /// A photo whose caption says nothing to record.
    PhotoNeedsCaption,
    /// An item the one-line answer names that is not on the person's list.
    NoSuchItem { item: &'a str },
    /// `dondoc invite --channel zalo`: how to send the code to the bot.
    InviteHowTo {
        code: &'a str,
        link: Option<&'a str>,
    },
}

impl Render for ZaloText<'_> {
    fn render(&self, lang: Lang) -> String {
        match self {
            ZaloText::Syntax => match lang {
                Lang::Vi => "Cách trả lời (gõ một dòng):\n• viec – xem danh sách việc\n• 3 xong · 1.2 đang làm · 4 vướng: lý do\n• bc quý I: nội dung báo cáo\n• Ảnh kèm chú thích như trên để gửi kèm tài liệu.".into(),
                Lang::En => "How to answer (one typed line):\n• viec – see your task list\n• 3 xong (done) · 1.2 đang làm (in progress) · 4 vướng: reason (blocked)\n• bc quý I: the report's text\n• A photo with such a caption to attach it.".into(),
            },
            ZaloText::NotUnderstood => match lang {
                Lang::Vi => "Chưa hiểu tin nhắn.".into(),
                Lang::En => "Sorry, I did not understand.".into(),
            },
            ZaloText::TaskList { count } => match lang {
                Lang::Vi => format!("Việc đang mở: {count}"),
                Lang::En => format!("Open tasks: {count}"),
            },
            ZaloText::ConfirmFooter => match lang {
                Lang::Vi => "Trả lời 1 = đúng, 2 = không phải.".into(),
                Lang::En => "Answer 1 = correct, 2 = not so.".into(),
            },
            ZaloText::NotLinked => match lang {
                Lang::Vi => "Bạn chưa được liên kết. Gửi mã mời mà Phòng Nội vụ đã gửi cho bạn (ví dụ: /start MÃ_MỜI).".into(),
                Lang::En => "You are not linked yet. Send the invitation code you were given (e.g. /start CODE).".into(),
            },
            ZaloText::StartInPrivate => match lang {
                Lang::Vi => "Hãy gửi mã mời cho bot trong trò chuyện riêng, không gửi trong nhóm.".into(),
                Lang::En => "Send your invitation code to the bot in a private chat, not in a group.".into(),
            },
            ZaloText::PhotoNeedsCaption => match lang {
                Lang::Vi => "Đã nhận ảnh. Để ghi vào một việc, gửi lại ảnh kèm chú thích, ví dụ «3 xong» hoặc «bc quý I: nội dung».".into(),
                Lang::En => "Photo received. To file it with a task, send it again with a caption such as «3 xong» or «bc quý I: text».".into(),
            },
            ZaloText::NoSuchItem { item } => match lang {
                Lang::Vi => format!("Không có việc số {item} trong danh sách của bạn. Gõ viec để xem số của từng việc."),
                Lang::En => format!("There is no item {item} on your list. Send viec to see each task's number."),
            },
            ZaloText::InviteHowTo { code, link } => {
                let link = link.map(|l| match lang {
                    Lang::Vi => format!(" (mở bot: {l})"),
                    Lang::En => format!(" (open the bot: {l})"),
                });
                let link = link.unwrap_or_default();
                match lang {
                    Lang::Vi => format!("gửi cho bot Zalo{link}: /start {code}"),
                    Lang::En => format!("send to the Zalo bot{link}: /start {code}"),
                }
            }
        }
    }
}
