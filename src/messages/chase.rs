//! What the scheduler sends on its own: reminders, escalations, closing reports, digests;
//! due dates with their weekday.

use super::{Lang, Render};

/// What the scheduler sends on its own: reminders, escalations, closing reports, digests.
/// Lines are built by the caller; these are the sentences around them.
#[derive(Debug, Clone, PartialEq)]
pub enum ChaseText<'a> {
    /// "còn 3 ngày" / "hôm nay là hạn cuối".
    DaysLeft(i64),
    ReportReminder {
        label: &'a str,
        plan: &'a str,
        unit: &'a str,
        due: &'a str,
        days_left: i64,
    },
    ReportCovers,
    ReportHowTo,
    WindowOpen {
        label: &'a str,
        plan: &'a str,
        unit: &'a str,
        due: &'a str,
    },
    TaskReminder {
        unit: &'a str,
        due: &'a str,
        days_left: i64,
        count: usize,
    },
    TaskHowTo,
    MoreTasks(usize),
    Nudge {
        unit: &'a str,
    },
    HeadsEscalation {
        unit: &'a str,
    },
    /// To a lead unit's focal point: the units late on what it monitors (listed after).
    LeadEscalation {
        lead: &'a str,
        units: usize,
    },
    EscalationHowTo,
    EscalationHowToCases,
    EscalationHowToBoth,
    /// "– Báo cáo quý I (PAPI-2026): hạn 10/03/2026, quá 3 ngày"
    OverdueItem {
        item: &'a str,
        due: &'a str,
        days: i64,
    },
    Closing {
        label: &'a str,
        plan: &'a str,
        due: &'a str,
        reported: usize,
        owing: usize,
    },
    ClosingMissing(usize),
    ClosingAllReported,
    DigestHeader {
        date: &'a str,
    },
    DigestPlan {
        plan: &'a str,
        done: i64,
        total: i64,
        in_progress: i64,
        blocked: i64,
        not_started: i64,
    },
    DigestDimension {
        dimension: &'a str,
        done: i64,
        total: i64,
        blocked: i64,
    },
    DigestOverdue {
        items: usize,
        units: usize,
    },
    DigestNothingOverdue,
    DigestUnit {
        unit: &'a str,
        items: usize,
    },
    /// Appended to an item that reached the coordinating office's digest step.
    DigestEscalatedMark,
    DigestMoreUnits(usize),
    DigestLate,
    DigestLateItem {
        unit: &'a str,
        label: &'a str,
        due: &'a str,
        submitted: &'a str,
    },
    DigestUnreachable,
    /// Wrong invitation codes typed in the last 24 hours.
    DigestBadCodes {
        attempts: i64,
        chats: i64,
    },
    DigestUnreachableItem {
        name: &'a str,
        unit: &'a str,
        since: &'a str,
    },
    DigestUpcoming,
    DigestUpcomingReport {
        label: &'a str,
        plan: &'a str,
        due: &'a str,
        missing: usize,
    },
    DigestUpcomingTask {
        task: &'a str,
        due: &'a str,
        units: usize,
    },
    DigestNothingUpcoming,
    NoDigestScope,
    NothingOverdue,
    /// A citizen case in an escalation list.
    CaseItem {
        number: &'a str,
    },
    CaseAckReminder {
        number: &'a str,
        by: &'a str,
        late: bool,
    },
    CaseAnswerReminder {
        number: &'a str,
        due: &'a str,
        days_left: i64,
    },
    DigestLateCases(usize),
    /// This month's citizen cases in the coordinator's digest.
    DigestCaseFigures {
        month: &'a str,
        received: u32,
        acknowledged: u32,
        answered: u32,
        late: u32,
        open: u32,
    },
    DigestCasesByUnit,
    DigestCasesByCategory,
    /// One unit's or category's case figures this month.
    DigestCaseRow {
        name: &'a str,
        received: u32,
        acknowledged: u32,
        answered: u32,
        late: u32,
        open: u32,
    },
    DigestMoreCaseUnits(usize),
    DigestLateCase {
        number: &'a str,
        unit: &'a str,
        due: &'a str,
        days: i64,
    },
    /// Units with work and no one the bot can tell (digest, `/tinhhinh`, `members list --missing`).
    NoOneToTellUnits(usize),
    /// One of them: nobody linked (`unreachable` 0), or every linked member unreachable.
    NoOneToTellUnit {
        unit: &'a str,
        unreachable: i64,
    },
    MoreNoOneToTell(usize),
    MoreUnreachable(usize),
    /// `members list --missing` with nothing to show.
    EveryoneReachable,
    /// Citizen cases with a unit no one can be told in (the coordinator's digest).
    DigestUnreachedCases(usize),
    DigestUnreachedCase {
        number: &'a str,
        unit: &'a str,
    },
    /// Overdue items of plans of past years, in one line instead of one each.
    DigestPastYears {
        items: usize,
        units: usize,
    },
    /// In a coordinator's digest: her own unit's overdue items (the nudge she is not sent
    /// separately).
    DigestOwnOverdue {
        unit: &'a str,
        items: usize,
    },
    /// Opens a reminder that also announces its window (both due the same day).
    WindowOpenToo,
    /// `/tinhhinh UNIT`: how far up the escalation ladder the unit's overdue items are.
    EscalationSummary {
        nudged: usize,
        heads: usize,
        office: usize,
    },
}

impl Render for ChaseText<'_> {
    fn render(&self, lang: Lang) -> String {
        use ChaseText as C;
        match self {
            C::DaysLeft(value) => match lang {
                Lang::Vi => match value {
                    0 => "hôm nay là hạn cuối".into(),
                    n => format!("còn {n} ngày"),
                },
                Lang::En => match value {
                    0 => "due today".into(),
                    1 => "1 day left".into(),
                    n => format!("{n} days left"),
                },
            },
            C::ReportReminder { label, plan, unit, due, days_left } => match lang {
                Lang::Vi => format!(
                    "⏰ Nhắc hạn báo cáo: {label} ({plan})\nĐơn vị: {unit}\nHạn: {due} — {}",
                    C::DaysLeft(*days_left).render(Lang::Vi)
                ),
                Lang::En => format!(
                    "⏰ Report reminder: {label} ({plan})\nUnit: {unit}\nDue: {due} — {}",
                    C::DaysLeft(*days_left).render(Lang::En)
                ),
            },
            C::ReportCovers => match lang {
                Lang::Vi => "Báo cáo kết quả các nhiệm vụ:".into(),
                Lang::En => "The report covers these tasks:".into(),
            },
            C::ReportHowTo => match lang {
                Lang::Vi => "Bấm «Nộp báo cáo» hoặc trả lời tin này bằng văn bản, tệp hoặc ảnh.".into(),
                Lang::En => "Press “Submit report” or reply to this message with text, a file or a photo.".into(),
            },
            C::WindowOpen { label, plan, unit, due } => match lang {
                Lang::Vi => format!(
                    "🗓 Bắt đầu kỳ báo cáo: {label} ({plan})\nĐơn vị: {unit} · hạn nộp {due}"
                ),
                Lang::En => format!(
                    "🗓 Reporting window open: {label} ({plan})\nUnit: {unit} · due {due}"
                ),
            },
            C::TaskReminder { unit, due, days_left, count } => match lang {
                Lang::Vi => format!(
                    "⏰ {count} nhiệm vụ của {unit} đến hạn {due} — {}:",
                    C::DaysLeft(*days_left).render(Lang::Vi)
                ),
                Lang::En => format!(
                    "⏰ {count} task(s) of {unit} due {due} — {}:",
                    C::DaysLeft(*days_left).render(Lang::En)
                ),
            },
            C::TaskHowTo => match lang {
                Lang::Vi => "Gõ /viec để báo tình hình từng nhiệm vụ.".into(),
                Lang::En => "Send /viec to report on each task.".into(),
            },
            C::MoreTasks(n) => match lang {
                Lang::Vi => format!("… và {n} nhiệm vụ khác (gõ /viec)"),
                Lang::En => format!("… and {n} more tasks (send /viec)"),
            },
            C::Nudge { unit } => match lang {
                Lang::Vi => format!("⚠️ Quá hạn — {unit}:"),
                Lang::En => format!("⚠️ Overdue — {unit}:"),
            },
            C::HeadsEscalation { unit } => match lang {
                Lang::Vi => format!(
                    "🔴 Nhắc lần hai — {unit} vẫn chưa thực hiện (đã báo lãnh đạo đơn vị và đơn vị chủ trì):"
                ),
                Lang::En => format!(
                    "🔴 Second reminder — {unit} has still not done this (the unit's head and the lead unit are told):"
                ),
            },
            C::LeadEscalation { lead, units } => match lang {
                Lang::Vi => format!(
                    "🔴 {units} đơn vị quá hạn việc do {lead} chủ trì theo dõi (đã nhắc hai lần):"
                ),
                Lang::En => format!(
                    "🔴 {units} units are late on what {lead} monitors (reminded twice):"
                ),
            },
            C::EscalationHowTo => match lang {
                Lang::Vi => "Đề nghị khẩn trương thực hiện: gõ /baocao hoặc /viec.".into(),
                Lang::En => "Please act now: send /baocao or /viec.".into(),
            },
            C::EscalationHowToCases => match lang {
                Lang::Vi => "Đề nghị trả lời ngay: trả lời tin nhắn phản ánh hoặc gõ /vuviec.".into(),
                Lang::En => "Please answer now: reply to the case's message or send /vuviec.".into(),
            },
            C::EscalationHowToBoth => match lang {
                Lang::Vi => "Đề nghị khẩn trương thực hiện: gõ /baocao, /viec hoặc /vuviec.".into(),
                Lang::En => "Please act now: send /baocao, /viec or /vuviec.".into(),
            },
            C::OverdueItem { item, due, days } => match lang {
                Lang::Vi => format!("– {item}: hạn {due}, quá {days} ngày"),
                Lang::En => format!("– {item}: due {due}, {days} days overdue"),
            },
            C::Closing { label, plan, due, reported, owing } => match lang {
                Lang::Vi => format!(
                    "📋 Hết hạn {label} ({plan}), hạn {due}.\nĐã nộp: {reported}/{owing} đơn vị."
                ),
                Lang::En => format!(
                    "📋 {label} ({plan}) closed, due {due}.\nReported: {reported}/{owing} units."
                ),
            },
            C::ClosingMissing(n) => match lang {
                Lang::Vi => format!("Chưa nộp ({n}):"),
                Lang::En => format!("Not reported ({n}):"),
            },
            C::ClosingAllReported => match lang {
                Lang::Vi => "Tất cả đơn vị đã nộp.".into(),
                Lang::En => "Every unit reported.".into(),
            },
            C::DigestHeader { date } => match lang {
                Lang::Vi => format!("📊 Tổng hợp ngày {date}"),
                Lang::En => format!("📊 Digest for {date}"),
            },
            C::DigestPlan { plan, done, total, in_progress, blocked, not_started } => match lang {
                Lang::Vi => format!(
                    "{plan}: {done}/{total} xong · {in_progress} đang làm · {blocked} vướng · {not_started} chưa báo"
                ),
                Lang::En => format!(
                    "{plan}: {done}/{total} done · {in_progress} in progress · {blocked} blocked · {not_started} not reported"
                ),
            },
            C::DigestDimension { dimension, done, total, blocked } => match lang {
                Lang::Vi => format!("  – {dimension}: {done}/{total} xong, {blocked} vướng"),
                Lang::En => format!("  – {dimension}: {done}/{total} done, {blocked} blocked"),
            },
            C::DigestOverdue { items, units } => match lang {
                Lang::Vi => format!("⏰ Quá hạn: {items} việc ở {units} đơn vị"),
                Lang::En => format!("⏰ Overdue: {items} items in {units} units"),
            },
            C::DigestNothingOverdue => match lang {
                Lang::Vi => "✅ Không có việc quá hạn.".into(),
                Lang::En => "✅ Nothing overdue.".into(),
            },
            C::DigestUnit { unit, items } => format!("{unit} ({items}):"),
            C::DigestEscalatedMark => " ‼".into(),
            C::DigestMoreUnits(n) => match lang {
                Lang::Vi => format!("… và {n} đơn vị khác (gõ /quahan)"),
                Lang::En => format!("… and {n} more units (send /quahan)"),
            },
            C::DigestLate => match lang {
                Lang::Vi => "🐢 Nộp muộn:".into(),
                Lang::En => "🐢 Reported late:".into(),
            },
            C::DigestLateItem { unit, label, due, submitted } => match lang {
                Lang::Vi => format!("– {unit}: {label} (hạn {due}, nộp {submitted})"),
                Lang::En => format!("– {unit}: {label} (due {due}, sent {submitted})"),
            },
            C::DigestUnreachable => match lang {
                Lang::Vi => "📵 Không liên lạc được qua Telegram:".into(),
                Lang::En => "📵 Cannot be reached on Telegram:".into(),
            },
            C::DigestBadCodes { attempts, chats } => match lang {
                Lang::Vi => format!(
                    "🔐 Mã mời sai trong 24 giờ qua: {attempts} lần từ {chats} tài khoản Telegram (sau 5 lần sai trong một giờ, tài khoản bị từ chối không kiểm tra)."
                ),
                Lang::En => format!(
                    "🔐 Wrong invitation codes in the last 24 hours: {attempts} from {chats} Telegram accounts (after 5 wrong codes in an hour an account is refused unchecked)."
                ),
            },
            C::DigestUnreachableItem { name, unit, since } => match lang {
                Lang::Vi => format!("– {name} ({unit}), từ {since}"),
                Lang::En => format!("– {name} ({unit}), since {since}"),
            },
            C::DigestUpcoming => match lang {
                Lang::Vi => "📅 7 ngày tới:".into(),
                Lang::En => "📅 Next 7 days:".into(),
            },
            C::DigestUpcomingReport { label, plan, due, missing } => match lang {
                Lang::Vi => format!("– {label} ({plan}): hạn {due}, {missing} đơn vị chưa nộp"),
                Lang::En => format!("– {label} ({plan}): due {due}, {missing} units yet to report"),
            },
            C::DigestUpcomingTask { task, due, units } => match lang {
                Lang::Vi => format!("– {task}: hạn {due}, {units} đơn vị chưa xong"),
                Lang::En => format!("– {task}: due {due}, {units} units not done"),
            },
            C::DigestNothingUpcoming => match lang {
                Lang::Vi => "📅 7 ngày tới: không có hạn nào.".into(),
                Lang::En => "📅 Next 7 days: nothing due.".into(),
            },
            C::NoDigestScope => match lang {
                Lang::Vi => "Bạn không theo dõi đơn vị hay nhiệm vụ nào để tổng hợp.".into(),
                Lang::En => "You monitor no units or tasks to digest.".into(),
            },
            C::NothingOverdue => match lang {
                Lang::Vi => "✅ Không có việc quá hạn.".into(),
                Lang::En => "✅ Nothing overdue.".into(),
            },
            C::CaseItem { number } => match lang {
                Lang::Vi => format!("Phản ánh {number}"),
                Lang::En => format!("Case {number}"),
            },
            C::CaseAckReminder { number, by, late: false } => match lang {
                Lang::Vi => format!(
                    "⏰ Phản ánh {number} chưa được tiếp nhận. Hạn tiếp nhận: {by}."
                ),
                Lang::En => format!(
                    "⏰ Case {number} is not acknowledged yet. Acknowledge by {by}."
                ),
            },
            C::CaseAckReminder { number, by, late: true } => match lang {
                Lang::Vi => format!(
                    "⚠️ Phản ánh {number} đã quá hạn tiếp nhận ({by}). Đề nghị tiếp nhận ngay."
                ),
                Lang::En => format!(
                    "⚠️ Case {number} was due for acknowledgement at {by}. Please accept it now."
                ),
            },
            C::CaseAnswerReminder { number, due, days_left } => match lang {
                Lang::Vi => format!(
                    "⏰ Phản ánh {number}: hạn trả lời {due} — {}. Trả lời tin nhắn phản ánh hoặc bấm «Trả lời».",
                    C::DaysLeft(*days_left).render(Lang::Vi)
                ),
                Lang::En => format!(
                    "⏰ Case {number}: answer due {due} — {}. Reply to the case message or press “Answer”.",
                    C::DaysLeft(*days_left).render(Lang::En)
                ),
            },
            C::DigestLateCases(n) => match lang {
                Lang::Vi => format!("📨 Phản ánh quá hạn trả lời ({n}):"),
                Lang::En => format!("📨 Cases past their answer date ({n}):"),
            },
            C::DigestCaseFigures { month, received, acknowledged, answered, late, open } => match lang {
                Lang::Vi => format!(
                    "📨 Phản ánh tháng {month}: {received} tiếp nhận · {acknowledged} được tiếp nhận trong 24 giờ · {answered} trả lời đúng hạn · {late} trả lời muộn · {open} đang mở"
                ),
                Lang::En => format!(
                    "📨 Cases in {month}: {received} received · {acknowledged} acknowledged within 24 h · {answered} answered in time · {late} answered late · {open} open"
                ),
            },
            C::DigestLateCase { number, unit, due, days } => match lang {
                Lang::Vi => format!("– {number} · {unit}: hạn {due}, quá {days} ngày"),
                Lang::En => format!("– {number} · {unit}: due {due}, {days} days late"),
            },
            C::DigestCasesByUnit => match lang {
                Lang::Vi => "Theo đơn vị (tiếp nhận · trong 24 giờ · đúng hạn · muộn · đang mở):".into(),
                Lang::En => "By unit (received · within 24 h · in time · late · open):".into(),
            },
            C::DigestCasesByCategory => match lang {
                Lang::Vi => "Theo lĩnh vực:".into(),
                Lang::En => "By category:".into(),
            },
            C::DigestCaseRow { name, received, acknowledged, answered, late, open } => format!("– {name}: {received} · {acknowledged} · {answered} · {late} · {open}"),
            C::DigestMoreCaseUnits(n) => match lang {
                Lang::Vi => format!("… và {n} đơn vị khác"),
                Lang::En => format!("… and {n} more units"),
            },
            C::NoOneToTellUnits(n) => match lang {
                Lang::Vi => format!(
                    "👤 Đơn vị chưa có ai nhận tin qua Telegram ({n}) — không được nhắc việc:"
                ),
                Lang::En => format!(
                    "👤 Units no one can be told in on Telegram ({n}) — never reminded:"
                ),
            },
            C::NoOneToTellUnit { unit, unreachable: 0 } => match lang {
                Lang::Vi => format!("– {unit}: chưa ai liên kết"),
                Lang::En => format!("– {unit}: nobody linked"),
            },
            C::NoOneToTellUnit { unit, unreachable } => match lang {
                Lang::Vi => format!(
                    "– {unit}: {unreachable} người đã liên kết nhưng không liên lạc được"
                ),
                Lang::En => format!(
                    "– {unit}: {unreachable} linked but cannot be reached"
                ),
            },
            C::MoreNoOneToTell(n) => match lang {
                Lang::Vi => format!("… và {n} đơn vị khác (dondoc members list --missing)"),
                Lang::En => format!("… and {n} more units (dondoc members list --missing)"),
            },
            C::MoreUnreachable(n) => match lang {
                Lang::Vi => format!("… và {n} người khác (dondoc members list --missing)"),
                Lang::En => format!("… and {n} more people (dondoc members list --missing)"),
            },
            C::EveryoneReachable => match lang {
                Lang::Vi => "✅ Đơn vị nào có việc cũng có người nhận tin qua Telegram.".into(),
                Lang::En => "✅ Every unit with work has someone the bot can tell.".into(),
            },
            C::DigestUnreachedCases(n) => match lang {
                Lang::Vi => format!(
                    "📵 Phản ánh ở đơn vị không có ai nhận tin ({n}) — chuyển đơn vị khác hoặc báo bằng điện thoại, văn bản:"
                ),
                Lang::En => format!(
                    "📵 Cases with a unit no one can be told in ({n}) — route elsewhere or tell them by phone or in writing:"
                ),
            },
            C::DigestUnreachedCase { number, unit } => format!("– {number} · {unit}"),
            C::DigestPastYears { items, units } => match lang {
                Lang::Vi => format!(
                    "📦 Kế hoạch các năm trước: {items} việc chưa xong ở {units} đơn vị (gõ /quahan để xem từng việc)"
                ),
                Lang::En => format!(
                    "📦 Plans of past years: {items} items not done in {units} units (send /quahan for each)"
                ),
            },
            C::DigestOwnOverdue { unit, items } => match lang {
                Lang::Vi => format!(
                    "🔔 Đơn vị của bạn — {unit}: {items} việc quá hạn (xem bên dưới). Gõ /baocao hoặc /viec."
                ),
                Lang::En => format!(
                    "🔔 Your unit — {unit}: {items} overdue items (below). Send /baocao or /viec."
                ),
            },
            C::WindowOpenToo => match lang {
                Lang::Vi => "🗓 Kỳ báo cáo đã mở.".into(),
                Lang::En => "🗓 The reporting window is open.".into(),
            },
            C::EscalationSummary { nudged, heads, office } => match lang {
                Lang::Vi => format!(
                    "⚠️ Đôn đốc: {nudged} việc đã nhắc đơn vị · {heads} việc đã báo lãnh đạo và đơn vị chủ trì · {office} việc đã vào tổng hợp của Nội vụ"
                ),
                Lang::En => format!(
                    "⚠️ Escalation: {nudged} items nudged · {heads} told to the head and lead unit · {office} in the coordinating office's digest"
                ),
            },
        }
    }
}

/// Day names, for due dates shown with their weekday ("15/11/2026 (Chủ nhật)"): a due date
/// that falls on a day off is shown as it is, and the weekday says so.
pub fn weekday_name(day: chrono::Weekday, lang: Lang) -> &'static str {
    use chrono::Weekday as W;
    match (lang, day) {
        (Lang::Vi, W::Mon) => "Thứ Hai",
        (Lang::Vi, W::Tue) => "Thứ Ba",
        (Lang::Vi, W::Wed) => "Thứ Tư",
        (Lang::Vi, W::Thu) => "Thứ Năm",
        (Lang::Vi, W::Fri) => "Thứ Sáu",
        (Lang::Vi, W::Sat) => "Thứ Bảy",
        (Lang::Vi, W::Sun) => "Chủ nhật",
        (Lang::En, W::Mon) => "Monday",
        (Lang::En, W::Tue) => "Tuesday",
        (Lang::En, W::Wed) => "Wednesday",
        (Lang::En, W::Thu) => "Thursday",
        (Lang::En, W::Fri) => "Friday",
        (Lang::En, W::Sat) => "Saturday",
        (Lang::En, W::Sun) => "Sunday",
    }
}

/// "15/11/2026 (Chủ nhật)".
pub fn due_with_weekday(date: chrono::NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    format!(
        "{} ({})",
        date.format("%d/%m/%Y"),
        weekday_name(date.weekday(), lang)
    )
}
