//! Every sentence a person reads, Vietnamese first, English second. Code elsewhere builds a
//! message ([`Text`], [`BotText`], [`ChaseText`], …) and renders it in the configured
//! [`Lang`]: `text.render(lang)`.
//!
//! One file per area: `cli` (the command line's imports, listings and tables), `bot` (chat),
//! `chase` (reminders, escalations, digests), `hotline` (the hotline's chat), `cases`
//! (`dondoc cases …`), `report` (the periodic report), `ops` (operating commands, configuration
//! and connection problems), `web` (the coordinators' web board, `/web`, `dondoc web link`),
//! `zalo` (what only Zalo's text conversation says). Each sentence gives its two languages
//! side by side, in one arm:
//!
//! ```text
//! Text::PlanNotFound { code } => match lang {
//!     Lang::Vi => format!("Không có kế hoạch {code}."),
//!     Lang::En => format!("No plan {code}."),
//! },
//! ```
//!
//! so a variant without its sentence, or a sentence without one of its languages, does not
//! compile. Words that are the same in both languages (symbols, codes) are written once.

mod bot;
mod cases;
mod chase;
mod cli;
mod hotline;
mod ops;
mod outbound;
mod report;
mod web;
mod zalo;

pub use crate::domain::Lang;
pub use bot::BotText;
pub use cases::{CaseText, EXPORT_COLUMNS, STATS_COLUMNS};
pub use chase::{due_with_weekday, weekday_name, ChaseText};
pub use cli::{
    draft_table_words, io_error_kind_text, io_error_vi, value_name_vi, CliText, Label, MemberState,
    Table, Text,
};
pub use hotline::HotlineText;
pub use ops::{connect_failure, connect_failure_vi, OpsText};
pub use outbound::{AnswerText, ChannelText};
pub use report::{ReportText, REPORT_DIMENSION_COLUMNS, REPORT_TASK_COLUMNS, REPORT_UNIT_COLUMNS};
pub use web::WebText;
pub use zalo::ZaloText;

/// A message that can be said in every [`Lang`].
pub trait Render {
    /// The message in `lang`.
    fn render(&self, lang: Lang) -> String;
}

/// Gives each message type an inherent `render` that calls [`Render::render`], so code that
/// names only the type (`BotText::Hint.render(lang)`) needs no `use` of the trait.
macro_rules! render_without_import {
    ($($message:ty),+ $(,)?) => {
        $(
            impl $message {
                pub fn render(&self, lang: Lang) -> String {
                    <Self as Render>::render(self, lang)
                }
            }
        )+
    };
}

render_without_import!(
    AnswerText<'_>,
    ChannelText<'_>,
    Text<'_>,
    BotText<'_>,
    ChaseText<'_>,
    OpsText<'_>,
    HotlineText<'_>,
    CaseText<'_>,
    ReportText<'_>,
    MemberState,
    CliText<'_>,
    WebText<'_>,
    ZaloText<'_>,
);
