//! Zalo end to end: the real `serve` wiring (`RunningService` with only a Zalo token, and the
//! `dondoc` binary for the kill) against the fake Zalo Bot API over loopback, on SQLite and
//! Postgres: onboarding by code, `viec`, one-line answers, a photo with a caption, a free
//! text confirmed by «1», `/nhom` in a group, the webhook's secret, and a SIGKILL in a burst
//! of answers with every answer recorded exactly once.

use crate::support;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Duration as Span;
use dondoc::bot::invitation;
use dondoc::clock::{Clock, FixedClock};
use dondoc::config::Config;
use dondoc::domain::unit::NewPerson;
use dondoc::domain::{AssignmentStatus, Channel, PersonRole, UnitCode, UnitId, UpdateId};
use dondoc::service::RunningService;
use dondoc::store::{Effect, Store};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use support::fake_zalo::{FakeZalo, Fault, TOKEN};
use support::{actor, test_dbs, TestDb};

const WAIT: Duration = Duration::from_secs(15);
const CHAIRMAN: &str = "zalo-user-an";
const STRANGER: &str = "zalo-user-la";
const GROUP: &str = "zalo-group-tranphu";

fn zalo_config(db: &TestDb, fake: &FakeZalo) -> Config {
    let mut config = db.config.clone();
    config.telegram.bot_token = None;
    config.zalo.bot_token = Some(SecretString::from(TOKEN));
    config.zalo.api_url = fake.api_url();
    config.zalo.poll_timeout_secs = 1;
    config.zalo.chat_interval_ms = 20;
    config.zalo.messages_per_second = 100.0;
    config
}

async fn invite(store: &Store, clock: &FixedClock, unit: &str, name: &str) -> String {
    let code = invitation::new_code();
    let person = NewPerson {
        unit: UnitCode::parse(unit).expect("unit"),
        full_name: name.into(),
        role: PersonRole::Head,
        telegram_user_id: None,
        phone: None,
    };
    store
        .invite(
            &person,
            &invitation::hash(&code),
            clock.now() + Span::days(14),
            &actor(),
        )
        .await
        .expect("invited");
    code
}

async fn unit_id(store: &Store, unit: &str) -> UnitId {
    store
        .unit(&UnitCode::parse(unit).expect("unit"))
        .await
        .expect("q")
        .expect("unit")
        .id
}

/// Waits until a text to `chat` contains `needle`; returns it.
async fn said(fake: &FakeZalo, chat: &str, needle: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(text) = fake.texts_to(chat).into_iter().find(|t| t.contains(needle)) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "no text with {needle:?} to {chat}; got {:#?}",
            fake.texts_to(chat)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until `chat` got `n` texts containing `needle`.
async fn said_times(fake: &FakeZalo, chat: &str, needle: &str, n: usize) {
    let deadline = Instant::now() + WAIT;
    while fake
        .texts_to(chat)
        .iter()
        .filter(|t| t.contains(needle))
        .count()
        < n
    {
        assert!(
            Instant::now() < deadline,
            "{needle:?} said fewer than {n} times to {chat}: {:#?}",
            fake.texts_to(chat)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn history_len(
    store: &Store,
    assignment: dondoc::domain::AssignmentId,
    n: usize,
) -> Vec<dondoc::store::StatusUpdate> {
    let deadline = Instant::now() + WAIT;
    loop {
        let history = store.status_history(assignment).await.expect("history");
        if history.len() >= n {
            assert_eq!(history.len(), n, "{history:?}");
            return history;
        }
        assert!(
            Instant::now() < deadline,
            "history stayed at {}",
            history.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn onboarding_viec_answers_a_photo_and_a_confirmed_proposal() {
    for db in test_dbs().await {
        let fake = FakeZalo::start().await;
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        support::seed004(&store, "HG-2023", 2023).await;
        let config = zalo_config(&db, &fake);
        // Only a Zalo token: serve runs the Zalo listener alone.
        let service = RunningService::start(&config, store.clone(), Arc::new(clock.clone()))
            .await
            .expect("serve starts with only a Zalo token");

        // A stranger is told how to link; a wrong code counts against the chat.
        fake.text_from(STRANGER, "Lạ", "xin chào");
        said(&fake, STRANGER, "chưa được liên kết").await;
        fake.text_from(STRANGER, "Lạ", "/start AAAAAAAAAAAAAAAAAAAAAA");
        said(&fake, STRANGER, "Mã mời không đúng").await;

        // Onboarding by the bare code.
        let code = invite(&store, &clock, "HG-TRANPHU", "Nguyễn Văn An").await;
        fake.text_from(CHAIRMAN, "An", &code);
        let welcome = said(&fake, CHAIRMAN, "Xin chào Nguyễn Văn An").await;
        assert!(
            welcome.contains("3 xong"),
            "the welcome teaches the syntax: {welcome}"
        );
        let user = store.zalo_number(CHAIRMAN).await.expect("number");
        assert_eq!(Channel::of_chat(user), Channel::Zalo);
        let members = store.members_of_user(user).await.expect("members");
        assert_eq!(members.len(), 1, "{}", db.name);
        assert_eq!(members[0].unit.code.as_str(), "HG-TRANPHU");
        assert_eq!(members[0].person.last_channel, Some(Channel::Zalo));
        assert_eq!(members[0].person.zalo.map(|z| z.user), Some(user));
        // The code is single use.
        fake.text_from(STRANGER, "Lạ", &format!("/start {code}"));
        said(&fake, STRANGER, "đã được dùng").await;

        // viec: numbered as Telegram's /viec.
        let unit = unit_id(&store, "HG-TRANPHU").await;
        let open = store.open_assignments(&[unit]).await.expect("open");
        assert!(open.len() >= 5);
        fake.text_from(CHAIRMAN, "An", "việc");
        let list = said(&fake, CHAIRMAN, "Việc đang mở").await;
        let third = open[2].task_code.clone().expect("a code");
        assert!(list.contains(&format!("3. HG-2023 · {third} ")), "{list}");
        // 26 tasks: more than 2,000 characters, split at line breaks; the syntax ends it.
        said_times(&fake, CHAIRMAN, "Cách trả lời", 2).await;
        assert!(fake
            .texts_to(CHAIRMAN)
            .iter()
            .all(|t| t.chars().count() <= 2_000));
        assert!(
            fake.texts_to(CHAIRMAN)
                .iter()
                .any(|t| t.contains("26. HG-2023")),
            "every task listed"
        );

        // "2 xong": recorded at once.
        let second = open[1].assignment_id;
        fake.text_from(CHAIRMAN, "An", "2 xong");
        said(&fake, CHAIRMAN, "Đã ghi nhận").await;
        let history = history_len(&store, second, 1).await;
        assert_eq!(history[0].status, AssignmentStatus::Done);

        // A photo with a caption: the status, its note and the photo.
        let open = store.open_assignments(&[unit]).await.expect("open");
        let first = open[0].assignment_id;
        fake.photo_from(
            CHAIRMAN,
            "An",
            "https://zalo.invalid/hien-truong.jpg",
            Some("1 vướng: thiếu kinh phí"),
        );
        said_times(&fake, CHAIRMAN, "Đã ghi nhận", 2).await;
        let history = history_len(&store, first, 1).await;
        assert_eq!(history[0].status, AssignmentStatus::Blocked);
        assert_eq!(history[0].note, "thiếu kinh phí");
        let files = store.attachments_of(history[0].id).await.expect("files");
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].file_id, "https://zalo.invalid/hien-truong.jpg");

        // Looser free text: proposed, nothing recorded before «1»; «2» drops another.
        let open = store.open_assignments(&[unit]).await.expect("open");
        let fourth = open[3].assignment_id;
        fake.text_from(CHAIRMAN, "An", "xã em đã làm xong việc 4 rồi ạ");
        let proposal = said(&fake, CHAIRMAN, "Trả lời 1 = đúng").await;
        assert!(proposal.contains("đã hoàn thành?"), "{proposal}");
        assert!(store.status_history(fourth).await.expect("h").is_empty());
        fake.text_from(CHAIRMAN, "An", "1");
        said_times(&fake, CHAIRMAN, "Đã ghi nhận", 3).await;
        assert_eq!(
            history_len(&store, fourth, 1).await[0].status,
            AssignmentStatus::Done
        );
        let open = store.open_assignments(&[unit]).await.expect("open");
        let other = open[1].assignment_id;
        fake.text_from(CHAIRMAN, "An", "đang làm việc 2 rồi");
        said_times(&fake, CHAIRMAN, "Trả lời 1 = đúng", 2).await;
        fake.text_from(CHAIRMAN, "An", "2");
        said(&fake, CHAIRMAN, "Không ghi nhận gì").await;
        assert!(store.status_history(other).await.expect("h").is_empty());

        // A report by its name and its text.
        let reports = store.reports_owed(&[unit]).await.expect("reports");
        let quarterly = reports
            .iter()
            .filter(|r| r.submitted_at.is_none())
            .filter(|r| dondoc::domain::status_text::report_matches(&r.label, "quy"))
            .count();
        fake.text_from(CHAIRMAN, "An", "bc quý: đã hoàn thành 5/6 nhiệm vụ");
        if quarterly > 1 {
            // Several quarterly reports open: never guessed, asked about.
            said(&fake, CHAIRMAN, "đã nộp?").await;
            fake.text_from(CHAIRMAN, "An", "1");
        }
        said(&fake, CHAIRMAN, "Đã nhận báo cáo: Báo cáo quý").await;

        // Not understood: a short explanation with the syntax.
        fake.text_from(CHAIRMAN, "An", "anh ơi cho hỏi chút");
        let hint = said(&fake, CHAIRMAN, "Chưa hiểu").await;
        assert!(hint.contains("4 vướng: lý do"), "{hint}");
        fake.text_from(CHAIRMAN, "An", "/trogiup");
        said_times(&fake, CHAIRMAN, "Cách trả lời", 4).await;
        // An item not on the list.
        fake.text_from(CHAIRMAN, "An", "99 xong");
        said(&fake, CHAIRMAN, "Không có việc số 99").await;

        // Guessing: more than 5 wrong codes from one chat in an hour are refused unchecked.
        for guess in 0..5 {
            fake.text_from(
                STRANGER,
                "Lạ",
                &format!("/start BBBBBBBBBBBBBBBBBBBBB{guess}"),
            );
        }
        said(&fake, STRANGER, "Nhập sai mã quá nhiều lần").await;
        let stranger = store.zalo_number(STRANGER).await.expect("n");
        let since = clock.now() - Span::hours(1);
        assert!(
            store
                .recent_start_failures(stranger, since)
                .await
                .expect("q")
                >= 6
        );
        // A code is not linked in a group.
        fake.text_in_group(GROUP, STRANGER, "Lạ", "/start AAAAAAAAAAAAAAAAAAAAAB");
        said(&fake, GROUP, "trò chuyện riêng").await;
        // /nhom in a Zalo group binds it to the sender's unit.
        fake.text_in_group(GROUP, CHAIRMAN, "An", "/nhom");
        said(&fake, GROUP, "Nhóm này đã gắn với Phường Trần Phú").await;
        let group = store.zalo_number(GROUP).await.expect("number");
        assert_eq!(store.group_unit(group).await.expect("q"), Some(unit));

        service.stop().await;
        store.close().await;
        db.finish().await;
    }
}

/// A member linked on Telegram who writes there again is written to there
/// (`last_channel`), and one Zalo user may hold two memberships.
#[tokio::test]
async fn last_channel_follows_the_messenger_used() {
    support::on_each_backend(|store, clock, name| async move {
        support::seed004(&store, "HG-2023", 2023).await;
        let zalo_user = store.zalo_number("zu-both").await.expect("n");
        for (index, unit) in ["HG-TRANPHU", "HG-MINHKHAI"].iter().enumerate() {
            let code = invite(&store, &clock, unit, "Trần Thị Hai").await;
            let redeemed = store
                .redeem_invitation(
                    UpdateId(dondoc::domain::ZALO_NUMBER_BASE + 100 + index as i64),
                    &invitation::hash(&code),
                    zalo_user,
                    zalo_user,
                )
                .await
                .expect("redeemed");
            assert!(
                matches!(redeemed, Effect::Done(dondoc::store::Redeemed::Linked(_))),
                "{name}"
            );
        }
        let members = store.members_of_user(zalo_user).await.expect("m");
        assert_eq!(members.len(), 2, "{name}: two memberships on one Zalo user");
        store
            .used_channel(zalo_user, Channel::Telegram)
            .await
            .expect("used");
        let members = store.members_of_user(zalo_user).await.expect("m");
        assert!(members
            .iter()
            .all(|m| m.person.last_channel == Some(Channel::Telegram)));
    })
    .await;
}

#[tokio::test]
async fn the_webhook_refuses_a_wrong_secret_and_keeps_a_repeat_once() {
    for db in test_dbs().await {
        let fake = FakeZalo::start().await;
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        let mut config = zalo_config(&db, &fake);
        let secret = "a-long-enough-secret";
        config.zalo.webhook_url = Some("https://dondoc.example/zalo".into());
        config.zalo.webhook_listen = "127.0.0.1:0".into();
        config.zalo.webhook_secret = Some(SecretString::from(secret));
        let pacer = dondoc::zalo::pacer(&config.zalo);
        let listener = dondoc::zalo::listener::spawn(
            &config,
            store.clone(),
            Arc::new(clock.clone()),
            dondoc::ops::Metrics::default(),
            pacer,
        )
        .await
        .expect("listener");
        let address = listener.webhook_address.expect("an address");
        let set = fake
            .calls()
            .into_iter()
            .find(|c| c.method == "setwebhook")
            .expect("setWebhook called");
        assert_eq!(set.body["secret_token"], secret);
        assert_eq!(set.body["url"], "https://dondoc.example/zalo");

        fake.add_user(STRANGER);
        let update = json!({
            "event_name": "message.text.received",
            "message": {
                "message_id": "wh-1", "date": 1_764_900_000_000_i64,
                "chat": {"id": STRANGER, "chat_type": "PRIVATE"},
                "from": {"id": STRANGER, "display_name": "Lạ"},
                "text": "xin chào"
            }
        });
        let http = reqwest::Client::new();
        let url = format!("http://{address}/zalo");
        let none = http.post(&url).json(&update).send().await.expect("post");
        assert_eq!(none.status(), 401);
        let wrong = http
            .post(&url)
            .header("X-Bot-Api-Secret-Token", "a-wrong-secret-here")
            .json(&update)
            .send()
            .await
            .expect("post");
        assert_eq!(wrong.status(), 401);
        assert!(
            fake.texts_to(STRANGER).is_empty(),
            "{}: nothing handled",
            db.name
        );
        for _ in 0..2 {
            let right = http
                .post(&url)
                .header("X-Bot-Api-Secret-Token", secret)
                .json(&update)
                .send()
                .await
                .expect("post");
            assert_eq!(right.status(), 200);
        }
        said(&fake, STRANGER, "chưa được liên kết").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            fake.texts_to(STRANGER).len(),
            1,
            "a repeated delivery is one update"
        );
        listener.stop().await;
        store.close().await;
        db.finish().await;
    }
}

/// `dondoc serve` with only a Zalo token.
fn serve(db: &TestDb, fake: &FakeZalo) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dondoc"));
    command
        .arg("serve")
        .env(
            "DONDOC_DATABASE__URL",
            db.config.database.url.expose_secret(),
        )
        .env("DONDOC_ZALO__BOT_TOKEN", TOKEN)
        .env("DONDOC_ZALO__API_URL", fake.api_url())
        .env("DONDOC_ZALO__POLL_TIMEOUT_SECS", "1")
        .env("DONDOC_ZALO__CHAT_INTERVAL_MS", "20")
        .env("DONDOC_OUTBOX__WORKING_HOURS_ONLY", "false")
        .env("DONDOC_LOG__FILTER", "warn")
        .env_remove("DONDOC_TELEGRAM__BOT_TOKEN")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(schema) = &db.config.database.postgres_schema {
        command.env("DONDOC_DATABASE__POSTGRES_SCHEMA", schema);
    }
    command.spawn().expect("dondoc serve starts")
}

const MEMBERS: [(&str, &str); 4] = [
    ("zk-1", "HG-TRANPHU"),
    ("zk-2", "HG-MINHKHAI"),
    ("zk-3", "HG-NGUYENTRAI"),
    ("zk-4", "HG-QUANGTRUNG"),
];
const ANSWERS_EACH: usize = 5;

/// Status updates recorded on the assignments answered.
async fn recorded(store: &Store, answered: &[dondoc::domain::AssignmentId]) -> Vec<usize> {
    let mut counts = Vec::new();
    for id in answered {
        counts.push(store.status_history(*id).await.expect("history").len());
    }
    counts
}

#[tokio::test]
async fn a_sigkill_in_a_burst_of_answers_records_each_once() {
    for db in test_dbs().await {
        let fake = FakeZalo::start().await;
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        support::seed004(&store, "HG-2023", 2023).await;
        // Members linked on Zalo (onboarding itself is tested above).
        let mut answered = Vec::new();
        for (index, (user, unit)) in MEMBERS.iter().enumerate() {
            let code = invite(&store, &clock, unit, &format!("Cán bộ {index}")).await;
            let number = store.zalo_number(user).await.expect("n");
            store
                .redeem_invitation(
                    UpdateId(dondoc::domain::ZALO_NUMBER_BASE - 1 - index as i64),
                    &invitation::hash(&code),
                    number,
                    number,
                )
                .await
                .expect("linked");
            let open = store
                .open_assignments(&[unit_id(&store, unit).await])
                .await
                .expect("open");
            assert!(open.len() >= ANSWERS_EACH, "{unit}");
            answered.extend(open.iter().take(ANSWERS_EACH).map(|c| c.assignment_id));
        }
        // Slow replies: the kill lands while answers wait behind their chat's replies.
        fake.fail_next("sendMessage", Fault::Slow(Duration::from_millis(700)), 400);
        let mut first = serve(&db, &fake);
        // "đang làm" keeps a task open, so the numbers do not move between answers.
        for k in 1..=ANSWERS_EACH {
            for (user, _) in MEMBERS {
                fake.text_from(user, "Cán bộ", &format!("{k} đang làm"));
            }
        }
        let total = MEMBERS.len() * ANSWERS_EACH;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let counts = recorded(&store, &answered).await;
            if fake.pending_updates() == 0 && counts.iter().sum::<usize>() >= 1 {
                break;
            }
            assert!(Instant::now() < deadline, "{}: serve took nothing", db.name);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Every update handed out is kept before the next poll; let the last one land.
        tokio::time::sleep(Duration::from_millis(300)).await;
        first.kill().expect("SIGKILL");
        first.wait().expect("reaped");
        let at_kill: usize = recorded(&store, &answered).await.iter().sum();
        assert!(
            at_kill < total,
            "{}: the kill came too late to mean anything ({at_kill} of {total})",
            db.name
        );
        let waiting = store.unhandled_zalo_updates().await.expect("inbox");
        assert!(!waiting.is_empty(), "{}: nothing left to replay", db.name);
        eprintln!(
            "{}: killed with {at_kill} of {total} answers recorded, {} kept and not handled",
            db.name,
            waiting.len()
        );

        let mut second = serve(&db, &fake);
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let sum: usize = recorded(&store, &answered).await.iter().sum();
            if sum >= total {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{}: {sum} of {total} recorded after the restart",
                db.name
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Let anything that would be recorded twice arrive, then count.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let counts = recorded(&store, &answered).await;
        assert!(
            counts.iter().all(|n| *n == 1),
            "{}: each answer recorded exactly once: {counts:?}",
            db.name
        );
        assert!(store
            .unhandled_zalo_updates()
            .await
            .expect("inbox")
            .is_empty());
        second.kill().expect("stop");
        second.wait().expect("reaped");
        store.close().await;
        db.finish().await;
    }
}

/// `dondoc invite --channel zalo` needs no Telegram bot: it prints the code to send to the
/// Zalo bot (with `zalo.bot_link`), and that code links the member on Zalo.
#[tokio::test]
async fn invite_for_zalo_prints_the_code_to_send() {
    for db in test_dbs().await {
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        support::seed004(&store, "HG-2023", 2023).await;
        let dir = tempfile::tempdir().expect("dir");
        let url = db.config.database.url.expose_secret().to_string();
        let mut env = vec![
            ("DONDOC_DATABASE__URL", url.as_str()),
            ("DONDOC_PROVINCE__LANGUAGE", "vi"),
            ("DONDOC_ZALO__BOT_LINK", "https://zalo.me/dondoc-test"),
        ];
        if let Some(schema) = &db.config.database.postgres_schema {
            env.push(("DONDOC_DATABASE__POSTGRES_SCHEMA", schema.as_str()));
        }
        let output = support::dondoc_in(
            dir.path(),
            &[
                "invite",
                "--channel",
                "zalo",
                "--unit",
                "HG-TRANPHU",
                "--role",
                "head",
                "--name",
                "Lê Văn Ba",
            ],
            &env,
        );
        let out = support::stdout(&output);
        assert!(
            output.status.success(),
            "{}: {}",
            db.name,
            support::stderr(&output)
        );
        let line = out.lines().next().expect("a line");
        let code = line.rsplit('\t').next().expect("the code");
        assert!(invitation::looks_valid(code), "{line}");
        assert!(
            line.contains(&format!(
                "gửi cho bot Zalo (mở bot: https://zalo.me/dondoc-test): /start {code}"
            )),
            "{line}"
        );
        let user = store.zalo_number("zu-ba").await.expect("n");
        let linked = store
            .redeem_invitation(UpdateId(42), &invitation::hash(code), user, user)
            .await
            .expect("redeem");
        assert!(matches!(
            linked,
            Effect::Done(dondoc::store::Redeemed::Linked(_))
        ));
        // A member linked on Zalo only is listed as linked.
        let listed = support::dondoc_in(dir.path(), &["members", "list"], &env);
        let line = support::stdout(&listed)
            .lines()
            .find(|l| l.contains("Lê Văn Ba"))
            .map(str::to_string)
            .expect("listed");
        assert!(line.contains("đã liên kết"), "{line}");
        store.close().await;
        db.finish().await;
    }
}

/// `serve` with both tokens runs both messengers; a member linked on both is written to on
/// the one they wrote from last (the Telegram bot records it too).
#[tokio::test]
async fn a_member_on_both_messengers_is_written_to_on_the_one_used_last() {
    const TELEGRAM_USER: i64 = 7001;
    for db in test_dbs().await {
        let fake = FakeZalo::start().await;
        let telegram = support::fake_telegram::FakeTelegram::start().await;
        telegram.add_user(TELEGRAM_USER, "An", None);
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        support::seed004(&store, "HG-2023", 2023).await;
        let mut config = zalo_config(&db, &fake);
        config.telegram.bot_token = Some(SecretString::from("123456:TEST-TOKEN"));
        config.telegram.api_url = telegram.api_url();
        config.telegram.poll_timeout_secs = 1;
        config.outbox.chat_interval_ms = 20;
        let service = RunningService::start(&config, store.clone(), Arc::new(clock.clone()))
            .await
            .expect("serve starts with both tokens");
        let to_telegram = |needle: &'static str| {
            move |p: &serde_json::Value| {
                p["chat_id"] == TELEGRAM_USER
                    && p["text"].as_str().is_some_and(|t| t.contains(needle))
            }
        };

        let code = invite(&store, &clock, "HG-TRANPHU", "Nguyễn Văn An").await;
        fake.text_from(CHAIRMAN, "An", &format!("/start {code}"));
        said(&fake, CHAIRMAN, "Xin chào").await;
        // The same member invited again, linked on Telegram as well.
        let code = invite(&store, &clock, "HG-TRANPHU", "Nguyễn Văn An").await;
        telegram.text_from(TELEGRAM_USER, TELEGRAM_USER, &format!("/start {code}"));
        telegram
            .wait_for("sendMessage", to_telegram("Xin chào"), WAIT)
            .await;
        let zalo_user = store.zalo_number(CHAIRMAN).await.expect("n");
        let person = |members: Vec<dondoc::store::Member>| {
            assert_eq!(members.len(), 1, "{}: one member, two messengers", db.name);
            members[0].person.clone()
        };
        let both = person(store.members_of_user(TELEGRAM_USER).await.expect("m"));
        assert_eq!(both.zalo.map(|z| z.user), Some(zalo_user));
        assert_eq!(both.last_channel, Some(Channel::Telegram));
        assert_eq!(both.chat_to_write(), Some(TELEGRAM_USER));

        fake.text_from(CHAIRMAN, "An", "viec");
        said(&fake, CHAIRMAN, "Việc đang mở").await;
        let both = person(store.members_of_user(zalo_user).await.expect("m"));
        assert_eq!(both.last_channel, Some(Channel::Zalo));
        assert_eq!(both.chat_to_write(), both.zalo.map(|z| z.chat));

        telegram.text_from(TELEGRAM_USER, TELEGRAM_USER, "/viec");
        telegram
            .wait_for("sendMessage", to_telegram("Việc đang mở"), WAIT)
            .await;
        let both = person(store.members_of_user(TELEGRAM_USER).await.expect("m"));
        assert_eq!(both.last_channel, Some(Channel::Telegram), "{}", db.name);

        service.stop().await;
        telegram.shutdown().await;
        store.close().await;
        db.finish().await;
    }
}

/// A reply Zalo refuses is retried (a 429 waited out), and one it keeps refusing goes to the
/// outbox as a `reply` to the chat's number, never dropped.
#[tokio::test]
async fn a_refused_reply_is_retried_then_queued() {
    for db in test_dbs().await {
        let fake = FakeZalo::start().await;
        let clock = support::clock();
        let store = db.store(clock.clone()).await;
        support::seed004(&store, "HG-2023", 2023).await;
        let config = zalo_config(&db, &fake);
        let service = RunningService::start(&config, store.clone(), Arc::new(clock.clone()))
            .await
            .expect("serve");
        let code = invite(&store, &clock, "HG-TRANPHU", "Nguyễn Văn An").await;
        fake.text_from(CHAIRMAN, "An", &format!("/start {code}"));
        said(&fake, CHAIRMAN, "Xin chào").await;

        fake.fail_next("sendMessage", Fault::Flood { retry_after: 1 }, 1);
        fake.text_from(CHAIRMAN, "An", "viec");
        // Both pieces of the list (the welcome ends with the syntax too).
        said_times(&fake, CHAIRMAN, "Cách trả lời", 2).await;
        assert!(
            fake.calls().iter().any(|c| c.error_code == Some(429)),
            "{}: the 429 came and was waited out",
            db.name
        );

        fake.fail_next("sendMessage", Fault::ServerError, 50);
        fake.text_from(CHAIRMAN, "An", "2 xong");
        let chat = store.zalo_number(CHAIRMAN).await.expect("n");
        let deadline = Instant::now() + WAIT;
        let queued = loop {
            let rows = store.outbox_messages().await.expect("outbox");
            if let Some(row) = rows.into_iter().find(|m| m.chat_id == chat) {
                break row;
            }
            assert!(
                Instant::now() < deadline,
                "{}: the reply was dropped",
                db.name
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(queued.kind, "reply");
        assert_eq!(queued.state, "queued");
        assert!(queued.body.contains("Đã ghi nhận"), "{}", queued.body);
        service.stop().await;
        store.close().await;
        db.finish().await;
    }
}

/// `dondoc check-config` reads `[zalo]`: a good Zalo-only file passes and says how Zalo is
/// reached; each bad value is named by its key.
#[test]
fn check_config_reads_the_zalo_section() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("dondoc.db");
    let write = |name: &str, zalo: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!(
                "[database]\nurl = \"sqlite://{}\"\n[province]\nlanguage = \"vi\"\n[zalo]\n{zalo}",
                db.display()
            ),
        )
        .expect("write");
        path
    };
    let check = |path: &std::path::Path| {
        support::dondoc_in(
            dir.path(),
            &["check-config", path.to_str().expect("utf-8")],
            &[],
        )
    };
    let good = write("good.toml", "bot_token = \"1234567890:abcdef-secret\"\n");
    let output = check(&good);
    let stdout = support::stdout(&output);
    assert!(
        output.status.success(),
        "{stdout}{}",
        support::stderr(&output)
    );
    assert!(stdout.contains("Zalo: long polling"), "{stdout}");
    assert!(!stdout.contains("telegram.bot_token chưa đặt"), "{stdout}");

    let bad = write(
        "bad.toml",
        "bot_token = \"no-colon\"\napi_url = \"nowhere\"\n\
         webhook_url = \"http://dondoc.example/zalo\"\nwebhook_secret = \"short\"\n",
    );
    let output = check(&bad);
    let stderr = support::stderr(&output);
    assert!(!output.status.success());
    for key in [
        "zalo.bot_token",
        "zalo.api_url",
        "zalo.webhook_url",
        "zalo.webhook_secret",
    ] {
        assert!(stderr.contains(key), "{key} in {stderr}");
    }
    assert!(stderr.contains("8 đến 256 ký tự"), "{stderr}");
    let unknown = write("unknown.toml", "bot_tokn = \"x\"\n");
    let output = check(&unknown);
    assert!(!output.status.success());
    assert!(
        support::stderr(&output).contains("bot_tokn"),
        "{}",
        support::stderr(&output)
    );
}
