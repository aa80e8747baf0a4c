//! What the operator's commands print (`tick`, `outbox`, `check-config`, `init`, `backup`,
//! `serve`'s start): configuration problems, database and Telegram failures.

use super::{Lang, Render};

/// What the operator's commands (`tick`, `outbox`, `plan ladder`) print.
#[derive(Debug, Clone, PartialEq)]
pub enum OpsText<'a> {
    TickHeader {
        at: &'a str,
        working_time: bool,
        digest: bool,
    },
    TickMessage {
        kind: crate::domain::MessageKind,
        chat: i64,
        key: &'a str,
    },
    TickDryRun {
        messages: usize,
        escalations: usize,
    },
    TickDone {
        queued: u64,
        escalations: u64,
    },
    Total,
    OldestQueued {
        minutes: i64,
    },
    /// Reminders, escalations and digests wait for office hours, which open at `at`.
    HeldUntil {
        at: &'a str,
    },
    Requeued {
        messages: u64,
    },
    Pruned {
        messages: u64,
        days: u32,
    },
    Ladder {
        plan: &'a str,
        nudge: u32,
        heads: u32,
        office: u32,
        own: bool,
    },
    /// What is wrong with one configuration value (without its key).
    ProblemKind(&'a crate::domain::config_problem::ProblemKind),
    /// `check-config`: one value that cannot work.
    ConfigProblem {
        key: &'a str,
        kind: &'a crate::domain::config_problem::ProblemKind,
    },
    /// `check-config`: a section that does not read (syntax, type, unknown key); `detail` is
    /// the parser's own words with the key and line.
    ConfigUnreadable {
        section: &'a str,
        detail: &'a str,
    },
    ConfigFileMissing {
        path: &'a str,
    },
    SqliteFolderMissing {
        folder: &'a str,
    },
    DatabaseUnreachable {
        detail: &'a str,
    },
    /// Not an error: `serve` runs without a bot and only queues messages.
    ConfigNoToken,
    /// A command in a folder with no configuration and no database.
    NothingHere {
        folder: &'a str,
        config: &'a str,
        database: &'a str,
    },
    /// `dondoc init`: what it made.
    Initialized {
        config: &'a str,
        wrote: bool,
        database: &'a str,
    },
    /// `units import --dry-run`: what would change.
    UnitsDryRun {
        added: usize,
        updated: usize,
        unchanged: usize,
    },
    /// `holidays import --dry-run`: what would change in one year.
    HolidaysDryRun {
        year: i32,
        added: usize,
        removed: usize,
        changed: usize,
        unchanged: usize,
    },
    /// `serve`'s start line: what it chases, tasks and assignments counted apart.
    ServingCounts {
        units: i64,
        members: i64,
        linked: i64,
        tasks: i64,
        assignments: i64,
    },
    /// `--at`: not an instant dondoc reads.
    BadInstant {
        raw: &'a str,
    },
    /// `plan deadlines`: a date outside the plan's year ± 1, refused without `--force`.
    DeadlineOutsideYear {
        key: &'a str,
        date: &'a str,
        year: i32,
    },
    /// `invite` with neither `telegram.bot_username` nor a token to ask Telegram with.
    InviteNeedsBot,
    /// `invite`: Telegram did not say the bot's username.
    InviteNoBotName {
        detail: &'a str,
    },
    /// `invite`: the same person was invited before: a new code, the old one revoked.
    Reinvited {
        name: &'a str,
        id: i64,
    },
    /// `serve`: another serve holds the SQLite file's lock.
    AlreadyServing {
        database: &'a str,
        lock: &'a str,
    },
    /// `check-config`: `schedule.digest` parses but never fires.
    DigestNeverFires,
    /// `check-config`: the database or its folder cannot be written.
    DatabaseNotWritable {
        path: &'a str,
        detail: &'a str,
    },
    /// Any command: the database could not be opened; `failure` is why.
    DatabaseCannotOpen {
        url: &'a str,
        failure: &'a crate::domain::ConnectFailure,
    },
    /// `serve`: Telegram answered getMe with 401: the token itself is wrong.
    TelegramBadToken,
    /// `serve`: Zalo refused the bot token (getMe).
    ZaloBadToken,
    /// `serve`: Telegram could not be reached (network, time-out, 5xx); the service keeps
    /// running and asks again after `retry_secs`.
    TelegramUnreachable {
        detail: &'a str,
        retry_secs: u64,
    },
    /// `serve`: Telegram answered after being unreachable.
    TelegramReached {
        bot: &'a str,
    },
    ConfigOk {
        file: &'a str,
        database: &'a str,
        bot: bool,
        webhook: bool,
        http: Option<&'a str>,
        /// With a Zalo token: whether Zalo pushes (webhook) rather than being polled.
        zalo_webhook: Option<bool>,
    },
    ConfigBad {
        problems: usize,
    },
    /// No file: the built-in defaults and the environment.
    ConfigDefaults,
    BackupDone {
        path: &'a str,
        bytes: u64,
    },
    BackupExists {
        path: &'a str,
    },
    BackupPostgres,
}

impl Render for OpsText<'_> {
    fn render(&self, lang: Lang) -> String {
        let yes_no_vi = |b: bool| if b { "có" } else { "không" };
        let yes_no_en = |b: bool| if b { "yes" } else { "no" };
        match self {
            OpsText::TickHeader { at, working_time, digest } => match lang {
                Lang::Vi => format!(
                    "Lượt lịch lúc {at}: giờ làm việc: {}; bản tổng hợp: {}",
                    yes_no_vi(*working_time),
                    yes_no_vi(*digest)
                ),
                Lang::En => format!(
                    "Scheduler pass at {at}: working time: {}; digest: {}",
                    yes_no_en(*working_time),
                    yes_no_en(*digest)
                ),
            },
            OpsText::TickMessage { kind, chat, key } => format!("→ [{kind}] chat {chat} ({key})"),
            OpsText::TickDryRun { messages, escalations } => match lang {
                Lang::Vi => format!(
                    "Chạy thử: sẽ xếp {messages} tin nhắn, ghi {escalations} bước đôn đốc. Chưa ghi gì."
                ),
                Lang::En => format!(
                    "Dry run: would queue {messages} messages and record {escalations} escalation steps. Nothing written."
                ),
            },
            OpsText::TickDone { queued, escalations } => match lang {
                Lang::Vi => format!(
                    "Đã xếp {queued} tin nhắn vào hàng gửi, ghi {escalations} bước đôn đốc mới."
                ),
                Lang::En => format!(
                    "Queued {queued} messages; recorded {escalations} new escalation steps."
                ),
            },
            OpsText::Total => match lang {
                Lang::Vi => "tổng".into(),
                Lang::En => "total".into(),
            },
            OpsText::OldestQueued { minutes } => match lang {
                Lang::Vi => format!("Tin chờ lâu nhất: {minutes} phút."),
                Lang::En => format!("Oldest waiting message: {minutes} minutes."),
            },
            OpsText::HeldUntil { at } => match lang {
                Lang::Vi => format!(
                    "Ngoài giờ làm việc: nhắc việc, đôn đốc và bản tổng hợp chờ đến {at} mới gửi (trả lời và phản ánh vẫn gửi ngay)."
                ),
                Lang::En => format!(
                    "Outside working hours: reminders, escalations and digests wait until {at} (replies and cases still go at once)."
                ),
            },
            OpsText::Requeued { messages } => match lang {
                Lang::Vi => format!("Đã xếp lại {messages} tin nhắn lỗi để gửi lại."),
                Lang::En => format!("Queued {messages} failed messages again."),
            },
            OpsText::Pruned { messages, days } => match lang {
                Lang::Vi => format!("Đã xóa {messages} tin nhắn đã gửi (hoặc tạm dừng, lỗi) cũ hơn {days} ngày."),
                Lang::En => format!("Deleted {messages} sent (or parked, failed) messages older than {days} days."),
            },
            OpsText::Ladder { plan, nudge, heads, office, own } => match lang {
                Lang::Vi => format!(
                    "Thang đôn đốc của {plan}{}: nhắc đơn vị sau {nudge} ngày; báo lãnh đạo và đơn vị chủ trì sau {heads} ngày làm việc; đưa vào tổng hợp của Nội vụ sau {office} ngày làm việc.",
                    if *own { "" } else { " (mặc định)" }
                ),
                Lang::En => format!(
                    "Escalation ladder of {plan}{}: nudge the unit after {nudge} days; tell the head and the lead unit after {heads} working days; into the coordinating office's digest after {office} working days.",
                    if *own { "" } else { " (default)" }
                ),
            },
            OpsText::ProblemKind(kind) => config_problem_text(kind, lang),
            OpsText::ConfigProblem { key, kind } => format!("✗ {key}: {}", config_problem_text(kind, lang)),
            OpsText::ConfigUnreadable { section, detail } => match lang {
                Lang::Vi => format!("✗ {section}: không đọc được giá trị — {detail}"),
                Lang::En => format!("✗ {section}: cannot read the value — {detail}"),
            },
            OpsText::ConfigFileMissing { path } => match lang {
                Lang::Vi => format!("✗ Không có tệp cấu hình {path}."),
                Lang::En => format!("✗ There is no configuration file {path}."),
            },
            OpsText::SqliteFolderMissing { folder } => match lang {
                Lang::Vi => format!(
                    "✗ database.url: thư mục {folder} không tồn tại, không tạo được tệp cơ sở dữ liệu."
                ),
                Lang::En => format!(
                    "✗ database.url: the folder {folder} does not exist, so the database file cannot be created."
                ),
            },
            OpsText::DatabaseUnreachable { detail } => match lang {
                Lang::Vi => format!("✗ database.url: không kết nối được cơ sở dữ liệu — {detail}"),
                Lang::En => format!("✗ database.url: cannot connect to the database — {detail}"),
            },
            OpsText::ConfigNoToken => match lang {
                Lang::Vi => "! telegram.bot_token chưa đặt: serve chỉ xếp tin nhắn vào hàng chờ, không gửi đi (đặt DONDOC_TELEGRAM__BOT_TOKEN).".into(),
                Lang::En => "! telegram.bot_token is not set: serve only queues messages and sends nothing (set DONDOC_TELEGRAM__BOT_TOKEN).".into(),
            },
            OpsText::NothingHere { folder, config, database } => match lang {
                Lang::Vi => format!(
                    "Chưa có gì ở thư mục {folder}: không có tệp cấu hình {config} (cũng không có --config, DONDOC_CONFIG hay DONDOC_DATABASE__URL) và không có cơ sở dữ liệu {database}. Chạy `dondoc init` để tạo cấu hình có chú thích và cơ sở dữ liệu tại đây, hoặc chạy lệnh trong thư mục đã cài dondoc."
                ),
                Lang::En => format!(
                    "Nothing here in {folder}: no configuration file {config} (nor --config, DONDOC_CONFIG or DONDOC_DATABASE__URL) and no database {database}. Run `dondoc init` to create a commented configuration and the database here, or run the command in the folder where dondoc is set up."
                ),
            },
            OpsText::Initialized { config, wrote, database } => match lang {
                Lang::Vi => format!(
                    "{} Cơ sở dữ liệu {database} đã sẵn sàng. Tiếp theo: dondoc units import TỆP (xem README), rồi dondoc check-config và dondoc serve.",
                    if *wrote { format!("Đã ghi {config} (mỗi khóa kèm chú thích và giá trị mặc định).") } else { format!("{config} đã có, giữ nguyên.") }
                ),
                Lang::En => format!(
                    "{} The database {database} is ready. Next: dondoc units import FILE (see the README), then dondoc check-config and dondoc serve.",
                    if *wrote { format!("Wrote {config} (every key with a comment and its default).") } else { format!("{config} is already there, kept.") }
                ),
            },
            OpsText::UnitsDryRun { added, updated, unchanged } => match lang {
                Lang::Vi => format!(
                    "Chạy thử: {added} thêm mới, {updated} cập nhật, {unchanged} không đổi; không ghi gì."
                ),
                Lang::En => format!(
                    "Dry run: {added} added, {updated} updated, {unchanged} unchanged; nothing written."
                ),
            },
            OpsText::HolidaysDryRun { year, added, removed, changed, unchanged } => match lang {
                Lang::Vi => format!(
                    "Năm {year}: {added} ngày thêm, {removed} ngày bỏ, {changed} ngày đổi, {unchanged} ngày giữ nguyên."
                ),
                Lang::En => format!(
                    "{year}: {added} days added, {removed} removed, {changed} changed, {unchanged} kept."
                ),
            },
            OpsText::ServingCounts { units, members, linked, tasks, assignments } => match lang {
                Lang::Vi => format!(
                    "dondoc đang chạy: {units} đơn vị, {members} thành viên ({linked} đã liên kết Telegram), đang theo dõi {tasks} nhiệm vụ, {assignments} lượt giao. Nhấn Ctrl-C để dừng."
                ),
                Lang::En => format!(
                    "dondoc is running: {units} units, {members} members ({linked} linked to Telegram), chasing {tasks} tasks, {assignments} assignments. Press Ctrl-C to stop."
                ),
            },
            OpsText::BadInstant { raw } => match lang {
                Lang::Vi => format!(
                    "--at: \"{raw}\" không phải thời điểm (viết yyyy-mm-dd, dd/mm/yyyy, yyyy-mm-ddTHH:MM hoặc dd/mm/yyyy HH:MM, có thể kèm múi giờ +07:00)."
                ),
                Lang::En => format!(
                    "--at: \"{raw}\" is not an instant (write yyyy-mm-dd, dd/mm/yyyy, yyyy-mm-ddTHH:MM or dd/mm/yyyy HH:MM, optionally with an offset such as +07:00)."
                ),
            },
            OpsText::DeadlineOutsideYear { key, date, year } => match lang {
                Lang::Vi => format!(
                    "{key}={date}: ngày nằm ngoài năm của kế hoạch ({year}) ± 1 năm — có thể gõ nhầm. Kiểm tra lại, hoặc thêm --force nếu đúng là ngày này."
                ),
                Lang::En => format!(
                    "{key}={date}: the date is outside the plan's year ({year}) ± 1 — likely a typo. Check it, or add --force if it is meant."
                ),
            },
            OpsText::InviteNeedsBot => match lang {
                Lang::Vi => "Chưa biết tên bot để tạo liên kết mời: đặt telegram.bot_username (DONDOC_TELEGRAM__BOT_USERNAME) hoặc telegram.bot_token (DONDOC_TELEGRAM__BOT_TOKEN). Chưa ghi gì.".into(),
                Lang::En => "The bot's name is needed for invitation links: set telegram.bot_username (DONDOC_TELEGRAM__BOT_USERNAME) or telegram.bot_token (DONDOC_TELEGRAM__BOT_TOKEN). Nothing written.".into(),
            },
            OpsText::InviteNoBotName { detail } => match lang {
                Lang::Vi => format!(
                    "Không hỏi được Telegram tên bot ({detail}): đặt telegram.bot_username (DONDOC_TELEGRAM__BOT_USERNAME) hoặc thử lại. Chưa ghi gì."
                ),
                Lang::En => format!(
                    "Telegram did not say the bot's name ({detail}): set telegram.bot_username (DONDOC_TELEGRAM__BOT_USERNAME) or try again. Nothing written."
                ),
            },
            OpsText::Reinvited { name, id } => match lang {
                Lang::Vi => format!(
                    "  ↻ {name} (thành viên #{id}) đã được mời trước đó: mã mới ở trên, mã cũ chưa dùng hết hiệu lực."
                ),
                Lang::En => format!(
                    "  ↻ {name} (member #{id}) was invited before: the new code is above, the unused old one no longer works."
                ),
            },
            OpsText::AlreadyServing { database, lock } => match lang {
                Lang::Vi => format!(
                    "Một tiến trình dondoc serve khác đang chạy trên {database} (đang giữ khóa {lock}). Hai bộ lập lịch trên một tệp SQLite sẽ gửi trùng: dừng tiến trình kia trước, hoặc dùng Postgres để chạy nhiều tiến trình."
                ),
                Lang::En => format!(
                    "Another dondoc serve is running on {database} (it holds {lock}). Two schedulers on one SQLite file would send twice: stop the other first, or use Postgres to run several."
                ),
            },
            OpsText::DigestNeverFires => match lang {
                Lang::Vi => "! schedule.digest: biểu thức cron không bao giờ đến lượt chạy — sẽ không có bản tổng hợp hằng ngày.".into(),
                Lang::En => "! schedule.digest: the cron expression never fires — there will be no daily digest.".into(),
            },
            OpsText::DatabaseNotWritable { path, detail } => match lang {
                Lang::Vi => format!(
                    "✗ database.url: không ghi được vào {path} — serve sẽ không chạy được ({detail})."
                ),
                Lang::En => format!(
                    "✗ database.url: cannot write to {path} — serve could not run ({detail})."
                ),
            },
            OpsText::DatabaseCannotOpen { url, failure } => match lang {
                Lang::Vi => format!("Không mở được cơ sở dữ liệu {url}: {}.", connect_failure_vi(failure)),
                Lang::En => format!("Cannot open the database {url}: {failure}."),
            },
            OpsText::TelegramBadToken => match lang {
                Lang::Vi => "Telegram từ chối mã bot (getMe trả lời 401 Unauthorized): kiểm tra telegram.bot_token (DONDOC_TELEGRAM__BOT_TOKEN).".into(),
                Lang::En => "Telegram refused the bot token (getMe answered 401 Unauthorized): check telegram.bot_token (DONDOC_TELEGRAM__BOT_TOKEN).".into(),
            },
            OpsText::ZaloBadToken => match lang {
                Lang::Vi => "Zalo từ chối mã bot (getMe): kiểm tra zalo.bot_token (DONDOC_ZALO__BOT_TOKEN).".into(),
                Lang::En => "Zalo refused the bot token (getMe): check zalo.bot_token (DONDOC_ZALO__BOT_TOKEN).".into(),
            },
            OpsText::TelegramUnreachable { detail, retry_secs } => match lang {
                Lang::Vi => format!(
                    "Chưa kết nối được Telegram ({detail}). Dịch vụ vẫn chạy: bộ lập lịch làm việc, tin nhắn nằm chờ trong hàng đợi; thử lại sau {retry_secs} giây."
                ),
                Lang::En => format!(
                    "Telegram cannot be reached yet ({detail}). The service keeps running: the scheduler works and messages wait in the outbox; trying again in {retry_secs} s."
                ),
            },
            OpsText::TelegramReached { bot } => match lang {
                Lang::Vi => format!("Đã kết nối Telegram: bot @{bot} bắt đầu nhận tin nhắn và gửi hàng đợi."),
                Lang::En => format!("Telegram reached: bot @{bot} now takes updates and sends the outbox."),
            },
            OpsText::ConfigOk { file, database, bot, webhook, http, zalo_webhook } => match lang {
                Lang::Vi => format!(
                    "Cấu hình hợp lệ ({file}). Cơ sở dữ liệu: {database}; bot: {}{}; /healthz và /metrics: {}.",
                    match (bot, webhook) {
                        (false, _) => "chưa có token",
                        (true, false) => "long polling",
                        (true, true) => "webhook",
                    },
                    match zalo_webhook {
                        None => "",
                        Some(false) => "; Zalo: long polling",
                        Some(true) => "; Zalo: webhook",
                    },
                    http.unwrap_or("tắt")
                ),
                Lang::En => format!(
                    "Configuration OK ({file}). Database: {database}; bot: {}{}; /healthz and /metrics: {}.",
                    match (bot, webhook) {
                        (false, _) => "no token",
                        (true, false) => "long polling",
                        (true, true) => "webhook",
                    },
                    match zalo_webhook {
                        None => "",
                        Some(false) => "; Zalo: long polling",
                        Some(true) => "; Zalo: webhook",
                    },
                    http.unwrap_or("off")
                ),
            },
            OpsText::ConfigBad { problems } => match lang {
                Lang::Vi => format!("Cấu hình có {problems} lỗi; serve sẽ không chạy đúng."),
                Lang::En => format!("The configuration has {problems} problem(s); serve would not run right."),
            },
            OpsText::ConfigDefaults => match lang {
                Lang::Vi => "không có tệp: giá trị mặc định và biến DONDOC_*".into(),
                Lang::En => "no file: built-in defaults and DONDOC_* variables".into(),
            },
            OpsText::BackupDone { path, bytes } => match lang {
                Lang::Vi => format!("Đã sao lưu cơ sở dữ liệu vào {path} ({bytes} byte)."),
                Lang::En => format!("Database backed up to {path} ({bytes} bytes)."),
            },
            OpsText::BackupExists { path } => match lang {
                Lang::Vi => format!("Tệp {path} đã có; chọn tên khác (không ghi đè bản sao lưu cũ)."),
                Lang::En => format!("{path} already exists; choose another name (an old backup is never overwritten)."),
            },
            OpsText::BackupPostgres => match lang {
                Lang::Vi => "Cơ sở dữ liệu là Postgres: hãy sao lưu bằng pg_dump, ví dụ\n  pg_dump --format=custom --file=dondoc.dump \"$DATABASE_URL\"\n(xem README, mục Sao lưu).".into(),
                Lang::En => "The database is Postgres: back it up with pg_dump, for example\n  pg_dump --format=custom --file=dondoc.dump \"$DATABASE_URL\"\n(see the README, Backup).".into(),
            },
        }
    }
}

fn config_problem_text(kind: &crate::domain::config_problem::ProblemKind, lang: Lang) -> String {
    use crate::domain::config_problem::ProblemKind as P;
    match kind {
        P::AtLeastOne => match lang {
            Lang::Vi => "phải từ 1 trở lên.".into(),
            Lang::En => "must be at least 1.".into(),
        },
        P::Positive => match lang {
            Lang::Vi => "phải là số dương.".into(),
            Lang::En => "must be a positive number.".into(),
        },
        P::LeaseTooShort => match lang {
            Lang::Vi => "phải từ 2 giây trở lên.".into(),
            Lang::En => "must be at least 2 seconds.".into(),
        },
        P::LeaseNotOverSend { lease, timeout } => match lang {
            Lang::Vi => format!("({lease} giây) phải dài hơn outbox.request_timeout_secs ({timeout} giây)."),
            Lang::En => format!("({lease} s) must be longer than outbox.request_timeout_secs ({timeout} s)."),
        },
        P::KeepTooShort { least } => match lang {
            Lang::Vi => format!(
                "phải từ {least} ngày trở lên (hơn schedule.window_days + closing_grace_days, để tin đã gửi không bị xếp lại)."
            ),
            Lang::En => format!(
                "must be at least {least} days (over schedule.window_days + closing_grace_days, so a message sent is never queued again)."
            ),
        },
        P::KeepTooLong => match lang {
            Lang::Vi => "tối đa 36500 ngày (100 năm).".into(),
            Lang::En => "must be at most 36500 days (a century).".into(),
        },
        P::InFlightTooMany { most } => match lang {
            Lang::Vi => format!(
                "tối đa {most} (khi tiến trình dừng đột ngột, các tin đang gửi có thể bị gửi lại)."
            ),
            Lang::En => format!("must be at most {most} (a crash may send again what is in flight)."),
        },
        P::UnknownDatabase => match lang {
            Lang::Vi => "chỉ dùng được sqlite://TỆP hoặc postgres://…".into(),
            Lang::En => "use sqlite://FILE or postgres://…".into(),
        },
        P::SchemaName => match lang {
            Lang::Vi => "chỉ gồm chữ thường không dấu, chữ số và _ (tối đa 63 ký tự).".into(),
            Lang::En => "only lower-case letters, digits and _ (at most 63).".into(),
        },
        P::Ladder(detail) => match lang {
            Lang::Vi => format!(
                "thang đôn đốc không hợp lệ (nhắc ≥ 1, lãnh đạo ≥ 1, lãnh đạo ≤ Nội vụ): {detail}"
            ),
            Lang::En => format!(
                "the escalation ladder is not valid (nudge ≥ 1, heads ≥ 1, heads ≤ office): {detail}"
            ),
        },
        P::NoCategory => match lang {
            Lang::Vi => "phải có ít nhất một lĩnh vực.".into(),
            Lang::En => "must name at least one category.".into(),
        },
        P::TokenShape => match lang {
            Lang::Vi => "không giống token của BotFather (dạng 123456:ABC…).".into(),
            Lang::En => "does not look like a BotFather token (123456:ABC…).".into(),
        },
        P::NotUrl => match lang {
            Lang::Vi => "không phải địa chỉ URL.".into(),
            Lang::En => "is not a URL.".into(),
        },
        P::NotHttps => match lang {
            Lang::Vi => "phải là địa chỉ https://… (Telegram chỉ gửi webhook qua HTTPS).".into(),
            Lang::En => "must be an https://… URL (Telegram delivers webhooks over HTTPS only).".into(),
        },
        P::NotAddress => match lang {
            Lang::Vi => "không phải địa chỉ IP:cổng (ví dụ 0.0.0.0:8443).".into(),
            Lang::En => "is not an IP:port address (e.g. 0.0.0.0:8443).".into(),
        },
        P::WebhookWithoutToken => match lang {
            Lang::Vi => "chưa đặt, nhưng webhook_url đã đặt: webhook cần token.".into(),
            Lang::En => "is not set, but webhook_url is: a webhook needs the token.".into(),
        },
        P::SameAsWebhook => match lang {
            Lang::Vi => "trùng địa chỉ với telegram.webhook_listen.".into(),
            Lang::En => "is the same address as telegram.webhook_listen.".into(),
        },
        P::NeverRuns => match lang {
            Lang::Vi => "biểu thức cron không bao giờ đến lượt chạy.".into(),
            Lang::En => "the cron expression never fires.".into(),
        },
        P::LogFilter => match lang {
            Lang::Vi => "không phải bộ lọc tracing hợp lệ (ví dụ \"info,sqlx=warn\").".into(),
            Lang::En => "is not a valid tracing filter (e.g. \"info,sqlx=warn\").".into(),
        },
        P::ZaloTokenShape => match lang {
            Lang::Vi => "không giống token của Zalo Bot Manager (dạng BOT_ID:SECRET).".into(),
            Lang::En => "does not look like a Zalo Bot Manager token (BOT_ID:SECRET).".into(),
        },
        P::ZaloNotHttps => match lang {
            Lang::Vi => "phải là địa chỉ https://… (Zalo chỉ gửi webhook qua HTTPS).".into(),
            Lang::En => "must be an https://… URL (Zalo delivers webhooks over HTTPS only).".into(),
        },
        P::SameAsZaloWebhook => match lang {
            Lang::Vi => "trùng địa chỉ với zalo.webhook_listen.".into(),
            Lang::En => "is the same address as zalo.webhook_listen.".into(),
        },
        P::SecretLength => match lang {
            Lang::Vi => "phải dài từ 8 đến 256 ký tự (Zalo từ chối khóa khác).".into(),
            Lang::En => "must be 8 to 256 characters long (Zalo refuses any other).".into(),
        },
    }
}

/// Why a database could not be opened, in Vietnamese (English: the failure's `Display`).
pub fn connect_failure_vi(failure: &crate::domain::ConnectFailure) -> String {
    use crate::domain::ConnectFailure;
    match failure {
        ConnectFailure::Refused { address } => {
            format!("{address} từ chối kết nối (máy chủ cơ sở dữ liệu có đang chạy ở đó không?)")
        }
        ConnectFailure::NoAnswer { address, secs } => {
            format!("{address} không trả lời trong {secs} giây")
        }
        ConnectFailure::BadPassword { user } => {
            format!("sai mật khẩu của người dùng {user}")
        }
        ConnectFailure::NoDatabase { database } => {
            format!(
                "cơ sở dữ liệu {database} không tồn tại (tạo nó trước, ví dụ createdb {database})"
            )
        }
        ConnectFailure::Other(detail) => detail.clone(),
    }
}

/// [`connect_failure_vi`] or the English words.
pub fn connect_failure(failure: &crate::domain::ConnectFailure, lang: Lang) -> String {
    match lang {
        Lang::Vi => connect_failure_vi(failure),
        Lang::En => failure.to_string(),
    }
}

impl std::fmt::Display for crate::domain::config_problem::ConfigProblem {
    /// English, for logs and `serve`'s refusal; people get `OpsText::ConfigProblem`. Written
    /// here, beside the sentence it uses, so that `config` does not depend on `messages`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = OpsText::ProblemKind(&self.kind).render(Lang::En);
        write!(f, "{}: {what}", self.key)
    }
}
