//! The coordinators' web board (issue 17) on SQLite and Postgres, over real HTTP: the
//! service's listener with `http.public_url` set, seed 004's plan with reports on time, late
//! and missing, status updates and files; a coordinator (Phòng Nội vụ), a lead unit (Phòng
//! TN&MT) and a commune (Phường Minh Khai) log in through one-time links.
//!
//! - every URL as every role and as nobody: 200 / 403 / redirect to the login page;
//! - a login link works once and for ten minutes; logout needs the session's CSRF token;
//! - the board's figures are the export's for the same instant;
//! - files come through the bot's getFile (the fake Bot API), never a Telegram address;
//! - `dondoc web link --person ID` prints a link that logs in;
//! - in a real browser (headless Chromium through chromedriver, `support::browser`): log in,
//!   overview, filter the grid, a unit, the export, screenshots; a commune cannot open
//!   another unit's page.

use crate::support;
use crate::support::browser;

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use dondoc::clock::FixedClock;
use dondoc::domain::unit::NewPerson;
use dondoc::domain::{AssignmentStatus, PersonId, PersonRole, PlanCode, UnitCode};
use dondoc::export::{self, ReportRequest};
use dondoc::messages::Lang;
use dondoc::ops::Metrics;
use dondoc::store::{NewAttachment, Store, Submission, TaskView};
use dondoc::web::{self, Board};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use support::fake_telegram::FakeTelegram;
use support::{actor, on_each_backend, reimport004, seed004, test_dbs};
use tokio::sync::watch;

const PLAN: &str = "HG-2026";
const YEAR: i32 = 2026;

fn local(m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Ho_Chi_Minh
        .with_ymd_and_hms(YEAR, m, d, h, 0, 0)
        .single()
        .expect("a local time")
        .with_timezone(&Utc)
}

/// Who logs in, and what each may or may not see.
struct Seeded {
    plan_id: i64,
    coordinator: i64,
    lead: i64,
    commune: i64,
    /// A unit implementing a task the lead unit monitors (not the lead unit itself).
    led_unit: String,
    /// A unit the lead unit does not monitor and the commune is not.
    other_unit: String,
    /// Every unit implementing a task the lead unit monitors.
    led_units: std::collections::HashSet<String>,
    /// Files of the commune's report (kept on disk) and of another unit's (by getFile).
    own_file: i64,
    other_file: i64,
    _dir: tempfile::TempDir,
}

async fn person(store: &Store, unit: &str, role: PersonRole, name: &str, tg: i64) -> i64 {
    store
        .add_person(
            &NewPerson {
                unit: UnitCode::parse(unit).expect("code"),
                full_name: name.into(),
                role,
                telegram_user_id: Some(tg),
                phone: None,
            },
            &actor(),
        )
        .await
        .expect("person")
        .id
        .get()
}

fn unit_id(tasks: &[TaskView], code: &str) -> dondoc::domain::UnitId {
    tasks
        .iter()
        .flat_map(|t| t.assignments.iter().map(|a| &a.unit))
        .chain(tasks.iter().flat_map(|t| t.leads.iter()))
        .find(|u| u.code.as_str() == code)
        .map(|u| u.id)
        .unwrap_or_else(|| panic!("unit {code} in the plan"))
}

/// Seed 004 for 2026; Q3 (due 10/9) reported on time by Minh Khai (with a file kept on disk)
/// and late by Trần Phú (a file only Telegram has); status updates on several tasks, some
/// before their due dates and some after.
async fn seed(store: &Store, clock: &FixedClock) -> Seeded {
    let plan_id = seed004(store, PLAN, YEAR).await;
    let coordinator = person(
        store,
        "HG-PNV",
        PersonRole::Coordinator,
        "Lê Thị Nội Vụ",
        9001,
    )
    .await;
    let lead = person(
        store,
        "HG-PTNMT",
        PersonRole::FocalPoint,
        "Trần Môi Trường",
        9002,
    )
    .await;
    let commune = person(
        store,
        "HG-MINHKHAI",
        PersonRole::Head,
        "Chủ tịch Minh Khai",
        9003,
    )
    .await;
    let tranphu = person(
        store,
        "HG-TRANPHU",
        PersonRole::Head,
        "Chủ tịch Trần Phú",
        9004,
    )
    .await;
    let tasks = store.plan_tasks(plan_id).await.expect("tasks");
    let lead_id = unit_id(&tasks, "HG-PTNMT");
    let minhkhai_id = unit_id(&tasks, "HG-MINHKHAI");
    let tranphu_id = unit_id(&tasks, "HG-TRANPHU");
    let led: Vec<&TaskView> = tasks
        .iter()
        .filter(|t| t.leads.iter().any(|l| l.id == lead_id))
        .collect();
    assert!(!led.is_empty(), "Phòng TN&MT monitors tasks in seed 004");
    let led_units: std::collections::HashSet<String> = led
        .iter()
        .flat_map(|t| t.assignments.iter().map(|a| a.unit.code.to_string()))
        .collect();
    let led_unit = led_units
        .iter()
        .filter(|c| *c != "HG-PTNMT" && *c != "HG-MINHKHAI")
        .min()
        .expect("a unit implementing a monitored task")
        .clone();
    let other_unit = tasks
        .iter()
        .flat_map(|t| t.assignments.iter().map(|a| a.unit.code.as_str()))
        .find(|c| !led_units.contains(*c) && *c != "HG-PTNMT" && *c != "HG-MINHKHAI")
        .expect("a unit outside the lead's tasks")
        .to_string();

    // Reports for Q3.
    let periods = store.reporting_periods(plan_id).await.expect("periods");
    let q3 = periods.iter().find(|p| p.key.as_str() == "q3").expect("q3");
    let file = |id: &str| NewAttachment {
        file_id: format!("file-{id}"),
        file_unique_id: format!("unique-{id}"),
        file_name: Some(format!("bao-cao-{id}.pdf")),
        mime_type: Some("application/pdf".into()),
        file_size: Some(10),
    };
    clock.set(local(9, 5, 9));
    store
        .record_submission(
            dondoc::domain::UpdateId(1),
            9003,
            9003,
            &Submission {
                period_id: dondoc::domain::PeriodId(q3.id),
                unit_id: minhkhai_id,
                person_id: dondoc::domain::PersonId(commune),
                body: "Báo cáo quý III Minh Khai".into(),
                telegram_message_id: None,
                attachment: Some(file("minhkhai")),
            },
        )
        .await
        .expect("submission");
    let dir = tempfile::tempdir().expect("dir");
    let kept = dir.path().join("minhkhai.pdf");
    std::fs::write(&kept, b"MINHKHAI-PDF").expect("file");
    store
        .set_attachment_path("unique-minhkhai", &kept.display().to_string())
        .await
        .expect("path");
    clock.set(local(9, 12, 9));
    store
        .record_submission(
            dondoc::domain::UpdateId(2),
            9004,
            9004,
            &Submission {
                period_id: dondoc::domain::PeriodId(q3.id),
                unit_id: tranphu_id,
                person_id: dondoc::domain::PersonId(tranphu),
                body: "Báo cáo quý III Trần Phú".into(),
                telegram_message_id: None,
                attachment: Some(file("tranphu")),
            },
        )
        .await
        .expect("submission");

    // Status updates: done early, done late, in progress, blocked, for several units.
    let update = |assignment: i64, status: AssignmentStatus, note: &'static str| async move {
        store
            .record_status_update(
                dondoc::domain::AssignmentId(assignment),
                status,
                note,
                None,
                &actor(),
            )
            .await
            .expect("status update");
    };
    clock.set(local(3, 1, 10));
    for a in &tasks[0].assignments {
        update(a.id, AssignmentStatus::Done, "Đã niêm yết công khai").await;
    }
    clock.set(local(8, 20, 10));
    update(
        tasks[1].assignments[0].id,
        AssignmentStatus::Blocked,
        "Thiếu kinh phí",
    )
    .await;
    update(
        tasks[2].assignments[0].id,
        AssignmentStatus::InProgress,
        "Đang họp thôn",
    )
    .await;
    for a in &tasks[3].assignments {
        update(a.id, AssignmentStatus::Done, "Xong").await;
    }
    for t in &led {
        for a in t.assignments.iter().take(2) {
            update(a.id, AssignmentStatus::InProgress, "Đang triển khai").await;
        }
    }
    for t in tasks
        .iter()
        .filter(|t| t.assignments.iter().any(|a| a.unit.id == minhkhai_id))
        .take(3)
    {
        if let Some(a) = t.assignments.iter().find(|a| a.unit.id == minhkhai_id) {
            update(a.id, AssignmentStatus::InProgress, "Minh Khai đang làm").await;
        }
    }
    clock.set(local(9, 30, 10));
    let files = |unit| async move {
        store
            .web_unit_submissions(plan_id, unit)
            .await
            .expect("submissions")
            .iter()
            .flat_map(|s| s.files.iter().map(|f| f.0))
            .next()
            .expect("a file")
    };
    Seeded {
        plan_id,
        coordinator,
        lead,
        commune,
        led_unit,
        other_unit,
        led_units,
        own_file: files(minhkhai_id.get()).await,
        other_file: files(tranphu_id.get()).await,
        _dir: dir,
    }
}

/// The service's listener with the board, on a free port.
struct Site {
    base: String,
    http: reqwest::Client,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    /// How many times the board read a plan in full.
    full_reads: web::Counter,
    /// How many workbooks the board wrote.
    workbooks: web::Counter,
}

impl Site {
    async fn start(store: &Store, fake: &FakeTelegram) -> Site {
        let (stop, stopped) = watch::channel(false);
        let board = Board::new(
            store.clone(),
            "http://127.0.0.1",
            Ho_Chi_Minh,
            Lang::Vi,
            24,
            Some(fake.bot("123456:TEST-TOKEN")),
        );
        let full_reads = board.full_reads();
        let workbooks = board.workbooks_written();
        let running = dondoc::ops::http::start(
            "127.0.0.1:0".parse().expect("address"),
            store.clone(),
            Metrics::new(),
            Ho_Chi_Minh,
            Some(board),
            stopped,
        )
        .await
        .expect("listener");
        Site {
            base: format!("http://{}", running.address),
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .no_proxy()
                .build()
                .expect("client"),
            stop,
            task: running.task,
            full_reads,
            workbooks,
        }
    }

    async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(5), self.task).await;
    }

    /// A fresh login link's token for `person`.
    async fn link(&self, store: &Store, person: i64) -> String {
        let link = web::login_link(store, &self.base, PersonId(person), &actor())
            .await
            .expect("link");
        let token = link
            .rsplit('/')
            .next()
            .expect("a token at the end")
            .to_string();
        assert_eq!(link, format!("{}/login/{token}", self.base));
        token
    }

    async fn post_login(&self, token: &str) -> reqwest::Response {
        self.http
            .post(format!("{}/login", self.base))
            .form(&[("token", token)])
            .send()
            .await
            .expect("POST /login")
    }

    /// Logs `person` in; the session cookie.
    async fn login(&self, store: &Store, person: i64) -> String {
        let token = self.link(store, person).await;
        // Opening the link uses nothing (a chat's link preview fetches it too).
        let page = self
            .http
            .get(format!("{}/login/{token}", self.base))
            .send()
            .await
            .expect("GET link");
        assert_eq!(page.status(), StatusCode::OK);
        let response = self.post_login(&token).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .expect("a session cookie")
            .to_string();
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain http here: {cookie}");
        cookie.split(';').next().expect("name=value").to_string()
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("GET")
    }

    async fn page(&self, path: &str, cookie: &str) -> String {
        let response = self.get(path, Some(cookie)).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.text().await.expect("body")
    }
}

/// What a role gets at each URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Ok,
    Forbidden,
    ToLogin,
}

async fn check(site: &Site, cookie: Option<&str>, path: &str, expect: Expect, who: &str) {
    let response = site.get(path, cookie).await;
    let status = response.status();
    match expect {
        Expect::Ok => assert_eq!(status, StatusCode::OK, "{who} at {path}"),
        Expect::Forbidden => assert_eq!(status, StatusCode::FORBIDDEN, "{who} at {path}"),
        Expect::ToLogin => {
            assert_eq!(status, StatusCode::SEE_OTHER, "{who} at {path}");
            assert_eq!(
                response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok()),
                Some("/login"),
                "{who} at {path}"
            );
        }
    }
}

#[tokio::test]
async fn every_url_as_every_role_and_as_nobody() {
    let fake = FakeTelegram::start().await;
    fake.put_file("file-tranphu", b"TRANPHU-PDF".to_vec());
    on_each_backend(|store, clock, backend| {
        let fake = &fake;
        async move {
            let seeded = seed(&store, &clock).await;
            let site = Site::start(&store, fake).await;
            let coordinator = site.login(&store, seeded.coordinator).await;
            let lead = site.login(&store, seeded.lead).await;
            let commune = site.login(&store, seeded.commune).await;
            let p = format!("/plans/{PLAN}");
            let own = format!("{p}/units/HG-MINHKHAI");
            let led = format!("{p}/units/{}", seeded.led_unit);
            let other = format!("{p}/units/{}", seeded.other_unit);
            let own_file = format!("/files/{}", seeded.own_file);
            let other_file = format!("/files/{}", seeded.other_file);
            use Expect::{Forbidden as No, Ok as Yes};
            // (url, coordinator, lead unit, commune)
            let table: Vec<(String, Expect, Expect, Expect)> = vec![
                ("/".into(), Yes, Yes, Yes),
                (p.clone(), Yes, Yes, Yes),
                (format!("{p}?period=q2"), Yes, Yes, Yes),
                (format!("{p}/grid"), Yes, Yes, Yes),
                (
                    format!("{p}/grid?dimension=all&state=open-overdue&sort=overdue&q=phuong"),
                    Yes,
                    Yes,
                    Yes,
                ),
                (format!("{p}/reach"), Yes, Yes, Yes),
                (own.clone(), Yes, seeded.lead_sees("HG-MINHKHAI"), Yes),
                (led.clone(), Yes, Yes, No),
                (other.clone(), Yes, No, No),
                (
                    format!("{p}/units/HG-TRANPHU"),
                    Yes,
                    seeded.lead_sees("HG-TRANPHU"),
                    No,
                ),
                (format!("{p}/export.xlsx"), Yes, No, No),
                ("/cases".into(), Yes, Yes, Yes),
                (own_file.clone(), Yes, seeded.lead_sees("HG-MINHKHAI"), Yes),
                (other_file.clone(), Yes, seeded.lead_sees("HG-TRANPHU"), No),
            ];
            for (url, as_coordinator, as_lead, as_commune) in &table {
                check(&site, None, url, Expect::ToLogin, "nobody").await;
                check(
                    &site,
                    Some("dondoc_session=forged0000000000000000000000000000000000000"),
                    url,
                    Expect::ToLogin,
                    "a forged cookie",
                )
                .await;
                check(
                    &site,
                    Some(&coordinator),
                    url,
                    *as_coordinator,
                    "the coordinator",
                )
                .await;
                check(&site, Some(&lead), url, *as_lead, "the lead unit").await;
                check(&site, Some(&commune), url, *as_commune, "the commune").await;
            }
            // Unknown things are 404 for anyone logged in.
            for url in [
                "/plans/NOPE".to_string(),
                format!("{p}/units/NOPE"),
                "/files/999999".into(),
            ] {
                let response = site.get(&url, Some(&coordinator)).await;
                assert_eq!(response.status(), StatusCode::NOT_FOUND, "{backend}: {url}");
            }
            // Pages open to all: the login page and the stylesheet.
            for url in ["/login", "/board.css", "/healthz"] {
                assert_eq!(site.get(url, None).await.status(), StatusCode::OK, "{url}");
            }
            // Files: the one on disk, and the one only Telegram has, fetched with getFile.
            let body = site
                .get(&own_file, Some(&commune))
                .await
                .bytes()
                .await
                .expect("bytes");
            assert_eq!(&body[..], b"MINHKHAI-PDF");
            let response = site.get(&other_file, Some(&coordinator)).await;
            assert_eq!(
                response
                    .headers()
                    .get("content-disposition")
                    .and_then(|v| v.to_str().ok()),
                Some("attachment; filename=\"bao-cao-tranphu.pdf\"")
            );
            assert_eq!(&response.bytes().await.expect("bytes")[..], b"TRANPHU-PDF");
            assert!(fake
                .calls()
                .iter()
                .any(|c| c.method.eq_ignore_ascii_case("getFile")));
            // No page ever shows a Telegram file address (it would carry the bot's token).
            let unit_page = site
                .page(&format!("{p}/units/HG-TRANPHU"), &coordinator)
                .await;
            assert!(
                unit_page.contains(&other_file),
                "the report's file is linked"
            );
            assert!(!unit_page.contains("file/bot"), "{unit_page}");
            assert!(!unit_page.contains("TEST-TOKEN"));
            // The commune's pages show only itself.
            let grid = site
                .page(&format!("{p}/grid?dimension=all"), &commune)
                .await;
            assert!(grid.contains("data-unit=\"HG-MINHKHAI\""), "{backend}");
            assert_eq!(
                grid.matches("data-unit=").count(),
                1,
                "{backend}: only itself"
            );
            // The lead unit's grid holds the units of its tasks, not others.
            let grid = site.page(&format!("{p}/grid?dimension=all"), &lead).await;
            assert!(grid.contains(&format!("data-unit=\"{}\"", seeded.led_unit)));
            assert!(!grid.contains(&format!("data-unit=\"{}\"", seeded.other_unit)));
            // Filters: a search narrows the coordinator's grid to matching units.
            let grid = site
                .page(&format!("{p}/grid?dimension=all&q=minh+khai"), &coordinator)
                .await;
            assert_eq!(grid.matches("data-unit=").count(), 1, "{backend}: {grid}");
            // The unit page holds every update in order and the report.
            let page = site.page(&own, &commune).await;
            assert!(page.contains("Minh Khai đang làm"));
            assert!(page.contains("Báo cáo quý III Minh Khai"));
            assert!(page.contains("Chủ tịch Minh Khai"));
            site.stop().await;
        }
    })
    .await;
}

impl Seeded {
    /// What the lead unit gets at a page or file of `unit`: only units implementing a task it
    /// monitors.
    fn lead_sees(&self, unit: &str) -> Expect {
        if self.led_units.contains(unit) {
            Expect::Ok
        } else {
            Expect::Forbidden
        }
    }
}

#[tokio::test]
async fn login_links_are_single_use_expire_and_logout_needs_csrf() {
    let fake = FakeTelegram::start().await;
    on_each_backend(|store, clock, backend| {
        let fake = &fake;
        async move {
            let seeded = seed(&store, &clock).await;
            let site = Site::start(&store, fake).await;
            // Posted from another site: refused, and the link is not used up.
            let token = site.link(&store, seeded.commune).await;
            let response = site
                .http
                .post(format!("{}/login", site.base))
                .header("origin", "https://evil.example")
                .form(&[("token", token.as_str())])
                .send()
                .await
                .expect("POST");
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{backend}: cross-site"
            );
            // Used twice: the second is refused.
            assert_eq!(
                site.post_login(&token).await.status(),
                StatusCode::SEE_OTHER
            );
            assert_eq!(
                site.post_login(&token).await.status(),
                StatusCode::FORBIDDEN,
                "{backend}: used"
            );
            // Expired: eleven minutes later.
            let token = site.link(&store, seeded.commune).await;
            clock.set(store.now() + chrono::Duration::minutes(11));
            let refused = site.post_login(&token).await;
            assert_eq!(
                refused.status(),
                StatusCode::FORBIDDEN,
                "{backend}: expired"
            );
            assert!(refused.headers().get("set-cookie").is_none());
            // Just inside ten minutes still works.
            let token = site.link(&store, seeded.commune).await;
            clock.set(store.now() + chrono::Duration::minutes(9));
            assert_eq!(
                site.post_login(&token).await.status(),
                StatusCode::SEE_OTHER
            );
            // Made-up and malformed tokens.
            for token in [
                "",
                "abc",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "' OR 1=1 --",
            ] {
                assert_eq!(
                    site.post_login(token).await.status(),
                    StatusCode::FORBIDDEN,
                    "{token}"
                );
            }
            // Logout: without the CSRF token or with a wrong one, refused and still logged in.
            let cookie = site.login(&store, seeded.commune).await;
            let page = site.page(&format!("/plans/{PLAN}"), &cookie).await;
            let csrf = between(&page, "name=\"csrf\" value=\"", "\"").expect("a CSRF field");
            for form in [vec![], vec![("csrf", "wrong")], vec![("csrf", "")]] {
                let response = site
                    .http
                    .post(format!("{}/logout", site.base))
                    .header("cookie", &cookie)
                    .form(&form)
                    .send()
                    .await
                    .expect("POST /logout");
                assert_eq!(
                    response.status(),
                    StatusCode::FORBIDDEN,
                    "{backend}: {form:?}"
                );
            }
            site.page("/", &cookie).await;
            // Another session's CSRF token does not work either.
            let other = site.login(&store, seeded.coordinator).await;
            let other_page = site.page("/", &other).await;
            let other_csrf = between(&other_page, "name=\"csrf\" value=\"", "\"").expect("csrf");
            assert_ne!(csrf, other_csrf);
            let response = site
                .http
                .post(format!("{}/logout", site.base))
                .header("cookie", &cookie)
                .form(&[("csrf", other_csrf.as_str())])
                .send()
                .await
                .expect("POST");
            assert_eq!(response.status(), StatusCode::FORBIDDEN);
            // With it: logged out, the cookie cleared, the session gone.
            let response = site
                .http
                .post(format!("{}/logout", site.base))
                .header("cookie", &cookie)
                .form(&[("csrf", csrf.as_str())])
                .send()
                .await
                .expect("POST");
            assert_eq!(response.status(), StatusCode::OK);
            let cleared = response
                .headers()
                .get("set-cookie")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            assert!(cleared.contains("Max-Age=0"), "{cleared}");
            check(&site, Some(&cookie), "/", Expect::ToLogin, "after logout").await;
            // Idle for more than eight hours: the coordinator's session is over.
            check(&site, Some(&other), "/", Expect::Ok, "the coordinator").await;
            clock.set(store.now() + chrono::Duration::hours(8) + chrono::Duration::minutes(1));
            check(&site, Some(&other), "/", Expect::ToLogin, "idle 8 h").await;
            site.stop().await;
        }
    })
    .await;
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(text[from..to].to_string())
}

/// The number in the cell `data-key="{key}"` of the element `id`.
fn figure(page: &str, id: &str, key: &str) -> usize {
    let section = &page[page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("#{id}"))..];
    between(section, &format!("data-key=\"{key}\">"), "<")
        .unwrap_or_else(|| panic!("#{id} [{key}]"))
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("#{id} [{key}] is a number"))
}

fn report_request(period: &str, store: &Store) -> ReportRequest {
    ReportRequest {
        plan: PlanCode::parse(PLAN).expect("code"),
        period: Some(period.into()),
        as_of: store.now(),
        time_zone: Ho_Chi_Minh,
        ack_hours: 24,
        lang: Lang::Vi,
    }
}

/// The overview of `period` against `dondoc export`'s report for the same instant: the
/// units' reports by state and the tasks by class (the classes refine the export's statuses).
async fn overview_is_the_export(
    site: &Site,
    store: &Store,
    cookie: &str,
    period: &str,
    backend: &str,
) -> (String, export::Report) {
    let page = site
        .page(&format!("/plans/{PLAN}?period={period}"), cookie)
        .await;
    let report = export::build_report(store, &report_request(period, store))
        .await
        .expect("report");
    let r = &report.reports;
    let board = |key| figure(&page, "report-figures", key);
    assert_eq!(
        (
            board("r-on-time"),
            board("r-late"),
            board("r-not-yet"),
            board("r-missing")
        ),
        (r.on_time, r.late, r.not_yet_due, r.missing),
        "{backend} {period}: reports"
    );
    assert!(page.contains(&format!("{} đơn vị phải báo cáo", r.owing)));
    let t = &report.tasks;
    let board = |key| figure(&page, "task-total", key);
    assert_eq!(board("total"), t.tasks, "{backend} {period}: tasks");
    assert_eq!(
        board("done-on-time") + board("done-late"),
        t.done,
        "{backend} {period}: done"
    );
    assert_eq!(
        board("open-in-time") + board("open-overdue"),
        t.in_progress + t.blocked,
        "{backend} {period}: open"
    );
    assert_eq!(
        board("not-reported"),
        t.not_started,
        "{backend} {period}: not reported"
    );
    (page, report)
}

/// The board's workbook against `dondoc export`'s for the same instant, cell by cell (every
/// task's status, units and latest note; the units' reports; who cannot be reached; cases).
async fn workbook_is_the_export(site: &Site, store: &Store, cookie: &str, backend: &str) {
    let response = site
        .get(
            &format!("/plans/{PLAN}/export.xlsx?period=q3"),
            Some(cookie),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.expect("xlsx");
    let report = export::build_report(store, &report_request("q3", store))
        .await
        .expect("report");
    let expected = export::xlsx::write(&report, Lang::Vi).expect("xlsx");
    assert_eq!(sheets(&bytes), sheets(&expected), "{backend}");
}

#[tokio::test]
async fn the_boards_figures_are_the_exports() {
    let fake = FakeTelegram::start().await;
    on_each_backend(|store, clock, backend| {
        let fake = &fake;
        async move {
            let seeded = seed(&store, &clock).await;
            let site = Site::start(&store, fake).await;
            let cookie = site.login(&store, seeded.coordinator).await;
            // "" is the period a request without one gets (Q3 on the seed's day).
            for period in ["q3", "q2", "q4", ""] {
                let (page, report) =
                    overview_is_the_export(&site, &store, &cookie, period, backend).await;
                if period == "q3" {
                    let r = &report.reports;
                    assert_eq!((r.on_time, r.late), (1, 1), "the seed's reports");
                    let board = |key| figure(&page, "task-total", key);
                    assert!(
                        board("done-on-time") > 0 && board("open-overdue") > 0,
                        "{page}"
                    );
                }
            }
            workbook_is_the_export(&site, &store, &cookie, backend).await;
            let read_in_full = site.full_reads.get();
            let before = export::build_report(&store, &report_request("q3", &store))
                .await
                .expect("report");

            // Replies: the board brings its kept readings up to date rather than reading the
            // plan again, and its figures stay the export's. A task finished by every unit,
            // and a block whose reason comes afterwards as a note.
            let tasks = store.plan_tasks(seeded.plan_id).await.expect("tasks");
            let finished = tasks.last().expect("tasks");
            for a in &finished.assignments {
                store
                    .record_status_update(
                        dondoc::domain::AssignmentId(a.id),
                        AssignmentStatus::Done,
                        "Xong hết",
                        None,
                        &actor(),
                    )
                    .await
                    .expect("update");
            }
            let blocked = store
                .record_status_update(
                    dondoc::domain::AssignmentId(tasks[4].assignments[0].id),
                    AssignmentStatus::Blocked,
                    "",
                    None,
                    &actor(),
                )
                .await
                .expect("update");
            for period in ["q3", "q2", "q4"] {
                overview_is_the_export(&site, &store, &cookie, period, backend).await;
            }
            workbook_is_the_export(&site, &store, &cookie, backend).await;
            store
                .apply_bot_actions(
                    dondoc::domain::UpdateId(78),
                    9002,
                    9002,
                    &[dondoc::store::BotAction::Note {
                        status_update_id: blocked.id,
                        person_id: dondoc::domain::PersonId(seeded.lead),
                        note: "Chờ kinh phí".into(),
                        attachment: None,
                    }],
                )
                .await
                .expect("note");
            workbook_is_the_export(&site, &store, &cookie, backend).await;

            // A member linked in a unit no one could be told in, and a hotline case.
            let nobody = before
                .reach
                .units
                .first()
                .expect("a unit no one can be told in");
            person(
                &store,
                nobody.unit.code.as_str(),
                PersonRole::Head,
                "Chủ tịch mới",
                9050,
            )
            .await;
            let calendar = store.working_calendar().await.expect("calendar");
            let clocks = dondoc::domain::case::CaseClocks::default();
            let time = dondoc::store::CaseTime {
                clocks: &clocks,
                calendar: &calendar,
                time_zone: Ho_Chi_Minh,
                hours: Default::default(),
            };
            let place = unit_id(&tasks, "HG-MINHKHAI");
            store
                .create_cases(
                    &[dondoc::store::NewCase {
                        channel: dondoc::domain::case::Channel::Phone,
                        content: "Đèn đường hỏng".into(),
                        place_unit_id: place,
                        category: "Khác".into(),
                        citizen_name: Some("Nguyễn Văn An".into()),
                        citizen_phone: Some("0912 345 678".into()),
                        contact_consent: false,
                        operator_id: None,
                        received_at: store.now(),
                        source: "test".into(),
                        files: Vec::new(),
                        route_to: vec![place],
                    }],
                    &time,
                    None,
                    &actor(),
                )
                .await
                .expect("case")
                .expect("created");
            for period in ["q3", "q2", "q4"] {
                overview_is_the_export(&site, &store, &cookie, period, backend).await;
            }
            workbook_is_the_export(&site, &store, &cookie, backend).await;

            // A report arriving moves the figures at once.
            let page = site
                .page(&format!("/plans/{PLAN}?period=q3"), &cookie)
                .await;
            let late_before = figure(&page, "report-figures", "r-late");
            let periods = store
                .reporting_periods(seeded.plan_id)
                .await
                .expect("periods");
            let q3 = periods.iter().find(|p| p.key.as_str() == "q3").expect("q3");
            let ptnmt = unit_id(&tasks, "HG-PTNMT");
            store
                .record_submission(
                    dondoc::domain::UpdateId(77),
                    9002,
                    9002,
                    &Submission {
                        period_id: dondoc::domain::PeriodId(q3.id),
                        unit_id: ptnmt,
                        person_id: dondoc::domain::PersonId(seeded.lead),
                        body: "Báo cáo muộn".into(),
                        telegram_message_id: None,
                        attachment: None,
                    },
                )
                .await
                .expect("submission");
            let (page, after) = overview_is_the_export(&site, &store, &cookie, "q3", backend).await;
            assert_eq!(
                figure(&page, "report-figures", "r-late"),
                late_before + 1,
                "{backend}"
            );
            workbook_is_the_export(&site, &store, &cookie, backend).await;
            // Every kind of write above changed what the export shows, and none made the
            // board read the plan in full.
            assert_ne!(after.tasks, before.tasks, "{backend}: tasks moved");
            assert_ne!(after.reach, before.reach, "{backend}: reach moved");
            assert_ne!(
                after.cases.rows, before.cases.rows,
                "{backend}: cases moved"
            );
            assert_ne!(after.reports, before.reports, "{backend}: reports moved");
            assert_eq!(
                site.full_reads.get(),
                read_in_full,
                "{backend}: replies, reports, members and cases are applied to the kept readings"
            );

            // Due dates set (Q3's to a day before every report came, the annual report's — "q4"
            // stands in for it — to Q3's day, which makes it the period a request without one
            // gets) and a plan's own ladder: the
            // kept readings read the plan's periods again, not its tasks, and their figures
            // stay the export's.
            let annual = periods
                .iter()
                .find(|p| p.key.as_str() == "annual")
                .expect("annual");
            store
                .set_due_dates(
                    seeded.plan_id,
                    &[
                        dondoc::domain::calendar::DueDateEdit {
                            key: q3.key.clone(),
                            due_date: q3.due_date - chrono::Duration::days(40),
                        },
                        dondoc::domain::calendar::DueDateEdit {
                            key: annual.key.clone(),
                            due_date: q3.due_date,
                        },
                    ],
                    &actor(),
                )
                .await
                .expect("due date");
            store
                .set_plan_ladder(seeded.plan_id, None, &actor())
                .await
                .expect("ladder");
            let (page, moved) = overview_is_the_export(&site, &store, &cookie, "q3", backend).await;
            assert_ne!(
                moved.reports, after.reports,
                "{backend}: Q3's reports moved"
            );
            assert_eq!(
                figure(&page, "report-figures", "r-on-time"),
                0,
                "{backend}: every Q3 report is late now"
            );
            // "" is the period a request without one gets: Q3 until its new date moved it.
            for period in ["q2", "q4", ""] {
                overview_is_the_export(&site, &store, &cookie, period, backend).await;
            }
            workbook_is_the_export(&site, &store, &cookie, backend).await;
            assert_eq!(
                site.full_reads.get(),
                read_in_full,
                "{backend}: a due date is applied to the kept readings"
            );

            // Units renamed in the registry — one leading tasks, one no one can be told in —,
            // a unit added, another plan imported and the holidays (which move no date the
            // board shows): the kept readings take the new names in, with no full read.
            // Another plan imported (its registry import, seed 004's, changes no unit yet).
            seed004(&store, "HG-KHAC", YEAR).await;
            let unreached = moved
                .reach
                .units
                .first()
                .expect("a unit no one can be told in")
                .unit
                .code
                .clone();
            let registry = store.list_units().await.expect("units");
            let renamed: Vec<dondoc::domain::unit::NewUnit> = registry
                .into_iter()
                .filter(|u| u.code.as_str() == "HG-PTNMT" || u.code == unreached)
                .map(|unit| dondoc::domain::unit::NewUnit {
                    name: if unit.code.as_str() == "HG-PTNMT" {
                        "Phòng Tài nguyên, Môi trường và Nông nghiệp".into()
                    } else {
                        format!("{} (tên mới)", unit.name)
                    },
                    code: unit.code,
                    kind: unit.kind,
                    parent: unit.parent,
                    aliases: unit.aliases,
                })
                .collect();
            assert_eq!(renamed.len(), 2, "{backend}");
            store
                .upsert_units(&renamed, &actor())
                .await
                .expect("renamed");
            store
                .upsert_units(
                    &[dondoc::domain::unit::NewUnit {
                        code: UnitCode::parse("HG-MOI").expect("code"),
                        name: "Phường Mới".into(),
                        kind: dondoc::domain::UnitKind::Commune,
                        parent: None,
                        aliases: Vec::new(),
                    }],
                    &actor(),
                )
                .await
                .expect("a unit added");
            let holiday = q3.due_date + chrono::Duration::days(3);
            store
                .replace_holidays(
                    &[dondoc::domain::workdays::CalendarDay {
                        date: holiday,
                        name: "Nghỉ bù".into(),
                        kind: dondoc::domain::workdays::DayKind::DayOff,
                    }],
                    &actor(),
                )
                .await
                .expect("holidays");
            for period in ["q3", "q2", "q4", ""] {
                overview_is_the_export(&site, &store, &cookie, period, backend).await;
            }
            workbook_is_the_export(&site, &store, &cookie, backend).await;
            let grid = site
                .page(
                    &format!("/plans/{PLAN}/grid?dimension=all&q=nong+nghiep"),
                    &cookie,
                )
                .await;
            assert!(
                grid.contains("Phòng Tài nguyên, Môi trường và Nông nghiệp"),
                "{backend}: the new name is searched and shown: {grid}"
            );
            let reach = site.page(&format!("/plans/{PLAN}/reach"), &cookie).await;
            assert!(reach.contains("(tên mới)"), "{backend}: {reach}");
            assert_eq!(
                site.full_reads.get(),
                read_in_full,
                "{backend}: units renamed or added, another plan and the holidays are applied to the kept readings"
            );

            // The plan imported again is not: it is read again.
            reimport004(&store, PLAN, YEAR).await;
            // Once (by the board's own round, `keep_fresh`, or by a page before it): the other
            // periods' readings are made from that one, and all are the export's.
            assert_eq!(
                reaches(&site.full_reads, read_in_full + 1).await,
                read_in_full + 1,
                "{backend}"
            );
            for period in ["q3", "q2", "q4", ""] {
                overview_is_the_export(&site, &store, &cookie, period, backend).await;
            }
            workbook_is_the_export(&site, &store, &cookie, backend).await;
            assert_eq!(
                site.full_reads.get(),
                read_in_full + 1,
                "{backend}: the plan read once for every period"
            );
            site.stop().await;
        }
    })
    .await;
}

/// Every cell of every sheet, as text.
fn sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    workbook
        .worksheets()
        .into_iter()
        .map(|(name, range)| {
            (
                name,
                range
                    .rows()
                    .map(|r| r.iter().map(|c| c.to_string()).collect())
                    .collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn web_link_on_the_command_line_logs_in() {
    use secrecy::ExposeSecret;
    let fake = FakeTelegram::start().await;
    for db in test_dbs().await {
        // The binary's clock is the system's: the store's follows it here.
        let clock = FixedClock::new(Utc::now());
        let store = db.store(clock.clone()).await;
        seed004(&store, PLAN, YEAR).await;
        let id = person(
            &store,
            "HG-PNV",
            PersonRole::Coordinator,
            "Lê Thị Nội Vụ",
            1,
        )
        .await;
        let site = Site::start(&store, &fake).await;
        let run = |args: &[&str], public_url: Option<&str>| {
            let dir = tempfile::tempdir().expect("dir");
            let database = &db.config.database;
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dondoc"));
            command
                .args(args)
                .current_dir(dir.path())
                .env_remove("DONDOC_CONFIG")
                .env_remove("RUST_LOG")
                .env_remove("DONDOC_HTTP__PUBLIC_URL")
                .env("DONDOC_DATABASE__URL", database.url.expose_secret())
                .env("DONDOC_PROVINCE__LANGUAGE", "vi");
            if let Some(url) = public_url {
                command.env("DONDOC_HTTP__PUBLIC_URL", url);
            }
            if let Some(schema) = &database.postgres_schema {
                command.env("DONDOC_DATABASE__POSTGRES_SCHEMA", schema);
            }
            command.output().expect("the binary runs")
        };
        let person_arg = format!("#{id}");
        let output = run(&["web", "link", "--person", &person_arg], Some(&site.base));
        let printed = support::stdout(&output);
        assert!(
            output.status.success(),
            "{}: {printed} {}",
            db.name,
            support::stderr(&output)
        );
        assert!(
            printed.contains("Lê Thị Nội Vụ") && printed.contains("10 phút"),
            "{printed}"
        );
        let link = printed
            .split_whitespace()
            .find(|w| w.starts_with(&format!("{}/login/", site.base)))
            .expect("a link");
        let token = link.rsplit('/').next().expect("token");
        assert_eq!(
            site.post_login(token).await.status(),
            StatusCode::SEE_OTHER,
            "{}",
            db.name
        );
        // No board configured, or nobody with that number: a clear refusal.
        let output = run(&["web", "link", "--person", &person_arg], None);
        assert!(!output.status.success());
        assert!(support::stderr(&output).contains("http.public_url"));
        let output = run(&["web", "link", "--person", "987654"], Some(&site.base));
        assert!(!output.status.success());
        assert!(support::stderr(&output).contains("987654"));
        site.stop().await;
        store.close().await;
        db.finish().await;
    }
}

/// A coordinator in a real browser: the link, the overview (desktop and phone), the grid
/// filtered by state and unit, a unit's page, the export downloaded, logout. Screenshots go
/// to `target/web-screenshots/`.
#[tokio::test]
async fn a_coordinator_in_a_real_browser() {
    let Some(browser) = browser::Browser::start().await else {
        return;
    };
    let fake = FakeTelegram::start().await;
    let shots = browser::screenshot_dir();
    on_each_backend(|store, clock, backend| {
        let (fake, browser, shots) = (&fake, &browser, &shots);
        async move {
            let seeded = seed(&store, &clock).await;
            let site = Site::start(&store, fake).await;
            browser.resize(1280, 900).await;
            let link = web::login_link(&store, &site.base, PersonId(seeded.coordinator), &actor())
                .await
                .expect("link");
            // Nobody logged in: the board sends the browser to the login page.
            browser.go(&format!("{}/plans/{PLAN}", site.base)).await;
            assert!(browser.url().await.ends_with("/login"), "{backend}");
            browser.go(&link).await;
            browser.click("#login").await;
            let start = std::time::Instant::now();
            while browser.url().await != format!("{}/", site.base) {
                assert!(
                    start.elapsed() < Duration::from_secs(10),
                    "{backend}: not logged in"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            let cookies = browser.cookies().await;
            let (_, session) = cookies
                .iter()
                .find(|(name, _)| name == "dondoc_session")
                .expect("the session cookie");
            assert_eq!(session["httpOnly"], true);
            assert_eq!(session["sameSite"], "Strict");
            browser.click(&format!("a[href='/plans/{PLAN}']")).await;
            browser.wait_url(&format!("/plans/{PLAN}")).await;
            let overview = browser.source().await;
            assert!(overview.contains("id=\"report-figures\""), "{backend}");
            assert!(
                overview.contains("Hoàn thành đúng hạn")
                    && overview.contains("Đang thực hiện quá hạn")
            );
            assert!(browser.count("svg.bar rect").await > 2, "bars are drawn");
            browser
                .screenshot(&shots.join(format!("{backend}-overview.png")))
                .await;
            browser.resize(390, 844).await;
            browser
                .screenshot(&shots.join(format!("{backend}-overview-phone.png")))
                .await;
            browser.resize(1280, 900).await;

            // The grid, filtered: every unit, state "in progress, overdue", then a name.
            browser.click("#nav-grid").await;
            browser.wait_url("/grid").await;
            let all_rows = browser.count("#grid tbody tr").await;
            assert!(all_rows > 3, "{backend}: {all_rows} rows");
            browser.click("#f-dimension option[value='all']").await;
            browser.click("#f-state option[value='open-overdue']").await;
            browser.click("#f-submit").await;
            let url = browser.wait_url("state=open-overdue").await;
            assert!(
                url.contains("state=open-overdue") && url.contains("dimension=all"),
                "{url}"
            );
            let overdue_rows = browser.count("#grid tbody tr").await;
            assert!(overdue_rows > 0, "{backend}: the seed has overdue work");
            assert_eq!(
                browser.count("#grid tbody tr").await,
                browser.count("#grid tbody tr:has(a.open-overdue)").await,
                "every row shown has an overdue cell"
            );
            browser
                .screenshot(&shots.join(format!("{backend}-grid.png")))
                .await;
            browser.type_into("#f-q", "Minh Khai").await;
            browser.click("#f-submit").await;
            browser.wait_url("q=Minh").await;
            assert_eq!(
                browser.count("#grid tbody tr").await,
                1,
                "{backend}: {} {}",
                browser.url().await,
                browser.text("#grid tbody").await
            );
            // Its cell leads to the unit's page, at the task.
            browser.click("#grid tbody th.unit a").await;
            browser.wait_url("/units/HG-MINHKHAI").await;
            let unit = browser.source().await;
            assert!(unit.contains("Chủ tịch Minh Khai") && unit.contains("Minh Khai đang làm"));
            assert!(unit.contains("bao-cao-minhkhai.pdf"), "the report's file");
            browser
                .screenshot(&shots.join(format!("{backend}-unit.png")))
                .await;

            // The export, one click: the same workbook as `dondoc export`.
            browser
                .go(&format!("{}/plans/{PLAN}?period=q3", site.base))
                .await;
            browser.click("#export").await;
            let file = browser
                .downloaded(".xlsx", Duration::from_secs(20))
                .await
                .expect("the export downloaded");
            let bytes = std::fs::read(&file).expect("the file");
            let report = export::build_report(
                &store,
                &ReportRequest {
                    plan: PlanCode::parse(PLAN).expect("code"),
                    period: Some("q3".into()),
                    as_of: store.now(),
                    time_zone: Ho_Chi_Minh,
                    ack_hours: 24,
                    lang: Lang::Vi,
                },
            )
            .await
            .expect("report");
            let expected = export::xlsx::write(&report, Lang::Vi).expect("xlsx");
            assert_eq!(sheets(&bytes), sheets(&expected), "{backend}");
            let _ = std::fs::remove_file(&file);

            // Logout, then the board is closed again.
            browser.click("#logout").await;
            browser.wait_url("/logout").await;
            assert!(browser.source().await.contains("id=\"logged-out\""));
            browser.go(&format!("{}/plans/{PLAN}", site.base)).await;
            assert!(browser.url().await.ends_with("/login"));
            site.stop().await;
        }
    })
    .await;
    browser.quit().await;
}

/// A commune's session in a real browser sees its own page and cannot open another unit's.
#[tokio::test]
async fn a_commune_cannot_open_another_units_page_in_a_real_browser() {
    let Some(browser) = browser::Browser::start().await else {
        return;
    };
    let fake = FakeTelegram::start().await;
    on_each_backend(|store, clock, backend| {
        let (fake, browser) = (&fake, &browser);
        async move {
            let seeded = seed(&store, &clock).await;
            let site = Site::start(&store, fake).await;
            let link = web::login_link(&store, &site.base, PersonId(seeded.commune), &actor())
                .await
                .expect("link");
            browser.go(&link).await;
            browser.click("#login").await;
            let start = std::time::Instant::now();
            while browser.url().await != format!("{}/", site.base) {
                assert!(
                    start.elapsed() < Duration::from_secs(10),
                    "{backend}: not logged in"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            browser
                .go(&format!("{}/plans/{PLAN}/units/HG-MINHKHAI", site.base))
                .await;
            assert!(
                browser.source().await.contains("Chủ tịch Minh Khai"),
                "{backend}"
            );
            let others = [
                "HG-TRANPHU",
                seeded.other_unit.as_str(),
                seeded.led_unit.as_str(),
            ];
            for unit in others.into_iter().filter(|u| *u != "HG-MINHKHAI") {
                browser
                    .go(&format!("{}/plans/{PLAN}/units/{unit}", site.base))
                    .await;
                let page = browser.source().await;
                assert!(
                    page.contains("Bạn không có quyền xem trang này."),
                    "{backend}: {unit}"
                );
                assert!(!page.contains("Chủ tịch Trần Phú"), "{backend}: {unit}");
            }
            browser
                .go(&format!("{}/files/{}", site.base, seeded.other_file))
                .await;
            assert!(browser
                .source()
                .await
                .contains("Bạn không có quyền xem trang này."));
            browser
                .go(&format!("{}/plans/{PLAN}/export.xlsx", site.base))
                .await;
            assert!(browser
                .source()
                .await
                .contains("Bạn không có quyền xem trang này."));
            browser.go(&format!("{}/plans/{PLAN}", site.base)).await;
            browser.click("#logout").await;
            browser.wait_url("/logout").await;
            site.stop().await;
        }
    })
    .await;
    browser.quit().await;
}

/// `/web` in a private chat gets a working login link; in a group, never a link.
#[tokio::test]
async fn slash_web_sends_a_login_link_in_a_private_chat_only() {
    on_each_backend(|store, clock, backend| async move {
        let fake = FakeTelegram::start().await;
        let seeded = seed(&store, &clock).await;
        let site = Site::start(&store, &fake).await;
        let mut config = dondoc::config::Config::default();
        config.telegram.bot_token = Some(secrecy::SecretString::from("123456:TEST-TOKEN"));
        config.telegram.api_url = fake.api_url();
        config.telegram.poll_timeout_secs = 1;
        config.http.public_url = Some(site.base.clone());
        let bot = dondoc::bot::spawn(&config, store.clone(), std::sync::Arc::new(clock.clone()))
            .await
            .expect("bot starts");
        fake.wait_for(
            "setMyCommands",
            |p| {
                p["commands"]
                    .as_array()
                    .is_some_and(|c| c.iter().any(|c| c["command"] == "web"))
            },
            Duration::from_secs(10),
        )
        .await;
        fake.add_user(9001, "Nội Vụ", None);
        fake.text_from(9001, 9001, "/web");
        let sent = fake
            .wait_for(
                "sendMessage",
                |p| {
                    p["chat_id"] == 9001
                        && p["text"].as_str().is_some_and(|t| t.contains("/login/"))
                },
                Duration::from_secs(10),
            )
            .await;
        let text = sent["text"].as_str().expect("text").to_string();
        assert!(
            text.contains("Lê Thị Nội Vụ") && text.contains("10 phút"),
            "{text}"
        );
        let token = text
            .split_whitespace()
            .find_map(|w| w.strip_prefix(&format!("{}/login/", site.base)))
            .expect("a link to the board");
        assert_eq!(
            site.post_login(token).await.status(),
            StatusCode::SEE_OTHER,
            "{backend}"
        );
        // The link was for the coordinator: the export is theirs.
        let _ = seeded.coordinator;
        // In a group chat: no link.
        fake.add_group(-1001, "Nhóm Nội vụ");
        fake.text_from(-1001, 9001, "/web");
        let answer = fake
            .wait_for(
                "sendMessage",
                |p| p["chat_id"] == -1001,
                Duration::from_secs(10),
            )
            .await;
        assert!(
            !answer["text"].as_str().unwrap_or("").contains("/login/"),
            "{answer}"
        );
        bot.stop().await;
        site.stop().await;
        fake.shutdown().await;
    })
    .await;
}

/// Vietnamese first; a person who chose English in the bot reads the board in English.
#[tokio::test]
async fn english_for_a_person_who_chose_it() {
    let fake = FakeTelegram::start().await;
    on_each_backend(|store, clock, backend| {
        let fake = &fake;
        async move {
            let seeded = seed(&store, &clock).await;
            let site = Site::start(&store, fake).await;
            let commune = site.login(&store, seeded.commune).await;
            let page = site.page(&format!("/plans/{PLAN}"), &commune).await;
            assert!(
                page.contains("Hoàn thành đúng hạn") && page.contains("lang=\"vi\""),
                "{backend}"
            );
            store
                .set_language(dondoc::domain::UpdateId(555), 9003, Lang::En)
                .await
                .expect("language");
            let page = site.page(&format!("/plans/{PLAN}"), &commune).await;
            assert!(
                page.contains("Done on time") && page.contains("lang=\"en\""),
                "{backend}"
            );
            assert!(!page.contains("Hoàn thành đúng hạn"), "{backend}");
            let grid = site.page(&format!("/plans/{PLAN}/grid"), &commune).await;
            assert!(grid.contains("In progress, overdue"), "{backend}");
            site.stop().await;
        }
    })
    .await;
}

/// Behind an HTTPS reverse proxy (`http.public_url` https), the session cookie is `Secure`.
#[tokio::test]
async fn the_cookie_is_secure_when_the_public_address_is_https() {
    on_each_backend(|store, clock, backend| async move {
        let seeded = seed(&store, &clock).await;
        let (stop, stopped) = watch::channel(false);
        let board = Board::new(
            store.clone(),
            "https://theodoi.example.gov.vn/",
            Ho_Chi_Minh,
            Lang::Vi,
            24,
            None,
        );
        let running = dondoc::ops::http::start(
            "127.0.0.1:0".parse().expect("address"),
            store.clone(),
            Metrics::new(),
            Ho_Chi_Minh,
            Some(board),
            stopped,
        )
        .await
        .expect("listener");
        let link = web::login_link(
            &store,
            "https://theodoi.example.gov.vn/",
            PersonId(seeded.commune),
            &actor(),
        )
        .await
        .expect("link");
        let token = link
            .strip_prefix("https://theodoi.example.gov.vn/login/")
            .expect("a link on the public address");
        let response = reqwest::Client::builder()
            .redirect(Policy::none())
            .no_proxy()
            .build()
            .expect("client")
            .post(format!("http://{}/login", running.address))
            .form(&[("token", token)])
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{backend}");
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            cookie.contains("; Secure") && cookie.contains("HttpOnly"),
            "{cookie}"
        );
        let _ = stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(5), running.task).await;
    })
    .await;
}

/// A photo a commune sent on Zalo is kept by its address (Zalo gives no file id): the board
/// fetches it on the server and hands the bytes over like any other file, and no page shows
/// the address.
#[tokio::test]
async fn a_zalo_photo_is_fetched_by_the_board_and_its_address_never_shown() {
    let fake = FakeTelegram::start().await;
    // Zalo's photo host, on loopback.
    let photos = axum::Router::new().route(
        "/anh/hien-truong.jpg",
        axum::routing::get(|| async { b"ZALO-JPG".to_vec() }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let host = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, photos).await;
    });
    let url = format!("http://{host}/anh/hien-truong.jpg");
    on_each_backend(|store, clock, backend| {
        let (fake, url) = (&fake, url.clone());
        async move {
            let seeded = seed(&store, &clock).await;
            let tasks = store.plan_tasks(seeded.plan_id).await.expect("tasks");
            let minhkhai = unit_id(&tasks, "HG-MINHKHAI");
            let periods = store
                .reporting_periods(seeded.plan_id)
                .await
                .expect("periods");
            let q3 = periods.iter().find(|p| p.key.as_str() == "q3").expect("q3");
            store
                .record_submission(
                    dondoc::domain::UpdateId(3),
                    9003,
                    9003,
                    &Submission {
                        period_id: dondoc::domain::PeriodId(q3.id),
                        unit_id: minhkhai,
                        person_id: PersonId(seeded.commune),
                        body: "Ảnh hiện trường".into(),
                        telegram_message_id: None,
                        attachment: Some(NewAttachment {
                            file_id: url.clone(),
                            file_unique_id: url.clone(),
                            file_name: None,
                            mime_type: Some("image/jpeg".into()),
                            file_size: None,
                        }),
                    },
                )
                .await
                .expect("submission");
            let photo = store
                .web_unit_submissions(seeded.plan_id, minhkhai.get())
                .await
                .expect("submissions")
                .iter()
                .flat_map(|s| s.files.iter().map(|f| f.0))
                .find(|id| *id != seeded.own_file)
                .expect("the photo's file");
            let site = Site::start(&store, fake).await;
            let commune = site.login(&store, seeded.commune).await;
            let response = site.get(&format!("/files/{photo}"), Some(&commune)).await;
            assert_eq!(response.status(), StatusCode::OK, "{backend}");
            assert_eq!(&response.bytes().await.expect("bytes")[..], b"ZALO-JPG");
            let page = site
                .page(&format!("/plans/{PLAN}/units/HG-MINHKHAI"), &commune)
                .await;
            assert!(
                page.contains(&format!("/files/{photo}")),
                "{backend}: linked"
            );
            assert!(!page.contains(&host.to_string()), "{backend}: {page}");
            site.stop().await;
        }
    })
    .await;
}

/// Waits up to 5 s for `counter` to reach `at_least`; returns what it reached.
async fn reaches(counter: &web::Counter, at_least: u64) -> u64 {
    for _ in 0..50 {
        if counter.get() >= at_least {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    counter.get()
}

#[tokio::test]
async fn the_board_brings_its_readings_and_workbook_up_to_date_before_the_next_page() {
    let fake = FakeTelegram::start().await;
    on_each_backend(|store, clock, backend| {
        let fake = &fake;
        async move {
            let seeded = seed(&store, &clock).await;
            let site = Site::start(&store, fake).await;
            let cookie = site.login(&store, seeded.coordinator).await;
            let export = format!("/plans/{PLAN}/export.xlsx?period=q3");
            overview_is_the_export(&site, &store, &cookie, "q3", backend).await;
            assert_eq!(
                site.get(&export, Some(&cookie)).await.status(),
                StatusCode::OK
            );
            let (read, written) = (site.full_reads.get(), site.workbooks.get());
            assert_eq!(written, 1, "{backend}: the download wrote the workbook");

            // A write the kept reading cannot take in (the plan imported again): with no page
            // asked, the board reads the plan again and writes the downloaded workbook again.
            reimport004(&store, PLAN, YEAR).await;
            assert_eq!(
                reaches(&site.full_reads, read + 1).await,
                read + 1,
                "{backend}"
            );
            assert_eq!(
                reaches(&site.workbooks, written + 1).await,
                written + 1,
                "{backend}"
            );
            // The next page and download find them ready, and they are the export's.
            overview_is_the_export(&site, &store, &cookie, "q3", backend).await;
            workbook_is_the_export(&site, &store, &cookie, backend).await;
            assert_eq!(
                site.full_reads.get(),
                read + 1,
                "{backend}: no second reading"
            );

            // A reply: brought up to date the same way (not read again), workbook too.
            let tasks = store.plan_tasks(seeded.plan_id).await.expect("tasks");
            store
                .record_status_update(
                    dondoc::domain::AssignmentId(tasks[0].assignments[0].id),
                    AssignmentStatus::Done,
                    "Xong",
                    None,
                    &actor(),
                )
                .await
                .expect("update");
            let written = site.workbooks.get();
            assert_eq!(
                reaches(&site.workbooks, written + 1).await,
                written + 1,
                "{backend}"
            );
            workbook_is_the_export(&site, &store, &cookie, backend).await;
            assert_eq!(site.workbooks.get(), written + 1, "{backend}: written once");
            assert_eq!(site.full_reads.get(), read + 1, "{backend}");
            site.stop().await;
        }
    })
    .await;
}
