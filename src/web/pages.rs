//! The board's pages. Each reads the store once (the report's reading, plus what the page
//! alone needs), checks the viewer's scope, and renders HTML with maud.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

use super::auth::{viewer, Viewer};
use super::data::{cell, dimension_rows, visible_reports, Cell, ClassFigures, TaskClass};
use super::Board;
use crate::domain::case::{mask_name, mask_phone};
use crate::domain::text::{ellipsize, match_key};
use crate::domain::unit::subtree;
use crate::domain::{PlanCode, UnitId, UnitKind};
use crate::export::{
    self, ExportError, LiveReading, PlanReading, Report, ReportRequest, ReportState,
};
use crate::messages::WebText;
use crate::messages::{CaseText, Lang, Text};
use crate::store::{ItemKind, LatestUpdate, TaskView, UnitBrief};

const CSS: &str = include_str!("board.css");
/// Units per page of the grid.
const GRID_ROWS: usize = 100;
/// Open cases `Store::open_cases` reads at most (the newest).
const OPEN_CASES_READ: usize = 200;
/// Units listed under the overview's report figures.
const OVERVIEW_UNITS: usize = 20;

type PageResult = Result<Response, Response>;

/// An HTML response with the board's headers: no caching, no framing, no referrer to other
/// sites (a login link's token must not leak; same-origin keeps the `Origin` of the board's
/// own forms, which login and logout check), a policy that allows only the board's own
/// stylesheet.
pub fn html(status: StatusCode, markup: Markup) -> Response {
    let mut response = (status, markup.into_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    secure_headers(headers);
    response
}

fn secure_headers(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// The language a browser asks for, for pages before login.
pub fn accepted_lang(headers: &HeaderMap, default: Lang) -> Lang {
    let Some(accept) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return default;
    };
    let first = accept.split(',').next().unwrap_or("").trim().to_lowercase();
    if first.starts_with("vi") {
        Lang::Vi
    } else if first.starts_with("en") {
        Lang::En
    } else {
        default
    }
}

pub fn paragraph(text: String) -> Markup {
    html! { p { (text) } }
}

fn head(lang: Lang, title: &str) -> Markup {
    html! {
        (DOCTYPE)
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · " (WebText::Board.render(lang)) }
            link rel="stylesheet" href="/board.css";
        }
    }
}

/// A page for someone not logged in (login, refusals).
pub fn message_page(lang: Lang, title: WebText<'_>, body: Markup) -> Markup {
    let title = title.render(lang);
    html! {
        html lang=(lang.as_str()) {
            (head(lang, &title))
            body {
                header.top { span.brand { (WebText::Board.render(lang)) } }
                main.narrow { h1 { (title) } (body) }
            }
        }
    }
}

pub fn login_body(lang: Lang, token: Option<&str>) -> Markup {
    html! {
        @if let Some(token) = token {
            p { (WebText::LoginPrompt.render(lang)) }
            form method="post" action="/login" {
                input type="hidden" name="token" value=(token);
                button type="submit" id="login" { (WebText::LoginButton.render(lang)) }
            }
        } @else {
            p { (WebText::LoginHowTo.render(lang)) }
        }
    }
}

pub fn login_body_after_logout(lang: Lang) -> Markup {
    html! {
        p #logged-out { (WebText::LoggedOut.render(lang)) }
        p { (WebText::LoginHowTo.render(lang)) }
    }
}

/// Which plan's pages the navigation links to.
struct Nav<'a> {
    plan: Option<&'a str>,
}

fn layout(viewer: &Viewer, nav: Nav<'_>, title: &str, body: Markup) -> Markup {
    let lang = viewer.lang;
    let (name, unit) = viewer.label();
    html! {
        html lang=(lang.as_str()) {
            (head(lang, title))
            body {
                header.top {
                    a.brand href="/" { (WebText::Board.render(lang)) }
                    nav {
                        a href="/" { (WebText::NavPlans.render(lang)) }
                        @if let Some(plan) = nav.plan {
                            a href={ "/plans/" (plan) } { (WebText::NavOverview.render(lang)) }
                            a href={ "/plans/" (plan) "/grid" } id="nav-grid" { (WebText::NavGrid.render(lang)) }
                            a href={ "/plans/" (plan) "/reach" } { (WebText::NavReach.render(lang)) }
                        }
                        a href="/cases" { (WebText::NavCases.render(lang)) }
                    }
                    div.who {
                        span { (WebText::SignedInAs { name: &name, unit: &unit }.render(lang)) }
                        form method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(viewer.session.csrf_token);
                            button type="submit" id="logout" { (WebText::Logout.render(lang)) }
                        }
                    }
                }
                main { h1 { (title) } (body) }
            }
        }
    }
}

fn status_page(lang: Lang, status: StatusCode, text: WebText<'_>) -> Response {
    html(
        status,
        message_page(lang, WebText::Board, paragraph(text.render(lang))),
    )
}

pub fn forbidden(lang: Lang) -> Response {
    status_page(lang, StatusCode::FORBIDDEN, WebText::Forbidden)
}

fn not_found(lang: Lang) -> Response {
    status_page(lang, StatusCode::NOT_FOUND, WebText::NotFound)
}

pub fn server_error(lang: Lang, error: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %error, "web board: reading failed");
    status_page(
        lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        WebText::ServerError,
    )
}

/// The viewer, or the way to the login page.
async fn require(board: &Board, headers: &HeaderMap) -> Result<Viewer, Response> {
    match viewer(board, headers).await {
        Ok(Some(viewer)) => Ok(viewer),
        Ok(None) => Err(Redirect::to("/login").into_response()),
        Err(e) => Err(server_error(board.lang, &e)),
    }
}

pub async fn stylesheet() -> Response {
    let mut response = CSS.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

fn day(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

fn time(board: &Board, at: DateTime<Utc>) -> String {
    at.with_timezone(&board.time_zone)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// A stacked horizontal bar of `parts` (count, CSS class, label), drawn on the server.
fn bar(parts: &[(usize, &str, String)]) -> Markup {
    let total: usize = parts.iter().map(|p| p.0).sum();
    // Each part with where it starts.
    let placed: Vec<(usize, &(usize, &str, String))> = parts
        .iter()
        .scan(0usize, |x, part| {
            let at = *x;
            *x += part.0;
            Some((at, part))
        })
        .collect();
    html! {
        svg.bar viewBox={ "0 0 " (total.max(1)) " 1" } preserveAspectRatio="none" role="img" {
            @if total == 0 {
                rect.empty x="0" y="0" width="1" height="1" {}
            }
            @for (x, (count, class, label)) in placed {
                @if *count > 0 {
                    rect class=(class) x=(x) y="0" width=(count) height="1" {
                        title { (label) ": " (count) }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------- plans

/// `GET /`: the plans the viewer can see something of.
pub async fn home(State(board): State<Arc<Board>>, headers: HeaderMap) -> PageResult {
    let viewer = require(&board, &headers).await?;
    let lang = viewer.lang;
    let plans = board
        .store
        .list_plans()
        .await
        .map_err(|e| server_error(lang, &e))?;
    let body = html! {
        @if plans.is_empty() {
            p { (WebText::NoPlans.render(lang)) }
        }
        ul.plans {
            @for summary in &plans {
                li {
                    a href={ "/plans/" (summary.plan.code) } { (summary.plan.title) }
                    " (" (summary.plan.code) ", " (summary.task_count) " " (WebText::Tasks.render(lang).to_lowercase()) ")"
                }
            }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout(
            &viewer,
            Nav { plan: None },
            &WebText::Plans.render(lang),
            body,
        ),
    ))
}

/// What a plan page reads: the export's two readings (the plan's, kept across replies; the
/// live one) and the report composed from them.
pub(crate) struct Snapshot {
    report: Report,
    plan: Arc<PlanReading>,
    live: LiveReading,
    /// The report's workbook, written at the first download (or by [`keep_fresh`] when the
    /// reading before had one): the same bytes until a write. Written once: a second
    /// download waits for the one being written.
    workbook: tokio::sync::OnceCell<Bytes>,
    /// The last workbook written along this reading's line (the readings it was brought up to
    /// date from): the next one sets only the cells that changed.
    kept_workbook: KeptWorkbookCell,
    /// The grid's search keys (`match_key` of each implementing unit's name and code), made
    /// at the first search and kept while the plan's reading is: a reply does not change them.
    search_keys: Arc<std::sync::OnceLock<SearchKeys>>,
}

/// Shared by a reading and the ones brought up to date from it; one workbook written at a time.
type KeptWorkbookCell = Arc<std::sync::Mutex<Option<export::xlsx::KeptWorkbook>>>;

/// Unit → the search keys of its name and its code.
type SearchKeys = HashMap<UnitId, (String, String)>;

/// A unit's name and code as the grid's search compares them ([`match_key`]).
fn search_keys_of(unit: &UnitBrief) -> (String, String) {
    (match_key(&unit.name), match_key(unit.code.as_str()))
}

impl Snapshot {
    fn tasks(&self) -> &[TaskView] {
        &self.plan.tasks
    }

    fn updates(&self) -> &HashMap<i64, LatestUpdate> {
        &self.live.updates
    }

    /// The search keys of a reading of the same tasks with the units `fresh` renamed: these
    /// with theirs folded again, or made at the next search if these were not made yet.
    fn search_keys_with(&self, fresh: &UnitBriefs) -> std::sync::OnceLock<SearchKeys> {
        let made = std::sync::OnceLock::new();
        if let Some(keys) = self.search_keys.get() {
            let mut keys = keys.clone();
            for unit in fresh.values() {
                if let Some(kept) = keys.get_mut(&unit.id) {
                    *kept = search_keys_of(unit);
                }
            }
            let _ = made.set(keys);
        }
        made
    }

    /// Whether `unit`'s name or code holds the search key `key`.
    fn unit_matches(&self, unit: &UnitBrief, key: &str) -> bool {
        let keys = self.search_keys.get_or_init(|| {
            // Each unit folded once, not once per assignment (200,000 at national scale).
            let mut keys = SearchKeys::new();
            for a in self.tasks().iter().flat_map(|t| &t.assignments) {
                keys.entry(a.unit.id)
                    .or_insert_with(|| search_keys_of(&a.unit));
            }
            keys
        });
        // Every grid row is a unit of the plan's tasks; one that is not is folded here.
        let folded;
        let (name, code) = match keys.get(&unit.id) {
            Some(kept) => kept,
            None => {
                folded = search_keys_of(unit);
                &folded
            }
        };
        name.contains(key) || code.contains(key)
    }
}

/// (plan, period asked, language) → (data version, province day, the reading).
type CacheKey = (String, Option<String>, Lang);

/// How often [`keep_fresh`] looks for writes.
const KEEP_FRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// [`keep_fresh`] keeps up to date only the readings a page used this recently: during a
/// reminder wave replies come every second, and a reading no one looks at is brought up to
/// date when someone does.
const KEEP_FRESH_WHILE_USED: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// Brings the kept readings up to date with the writes since, once a second, before anyone
/// asks: the page after an import or a due date finds its reading ready, and a reading whose
/// workbook was downloaded gets its new workbook too. A page that comes while a reading is
/// being brought up to date waits for that one refresh rather than making a second. Ends when
/// the board is dropped (its listener stopped).
pub(crate) async fn keep_fresh(board: std::sync::Weak<Board>) {
    let mut tick = tokio::time::interval(KEEP_FRESH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(board) = board.upgrade() else {
            break;
        };
        if let Err(e) = refresh_kept(&board).await {
            tracing::warn!(error = %e, "web board: kept readings not brought up to date");
        }
    }
}

/// The report a plan page (or [`keep_fresh`]) reads, as of `as_of`, in the board's province.
fn report_request(
    board: &Board,
    plan: PlanCode,
    period: Option<String>,
    lang: Lang,
    as_of: DateTime<Utc>,
) -> ReportRequest {
    ReportRequest {
        plan,
        period,
        as_of,
        time_zone: board.time_zone,
        ack_hours: board.ack_hours,
        lang,
    }
}

/// One round of [`keep_fresh`]: each kept reading older than the data or the day.
async fn refresh_kept(board: &Board) -> Result<(), crate::store::StoreError> {
    let version = board.store.web_data_version().await?;
    let now = board.store.now();
    let day = now.with_timezone(&board.time_zone).date_naive();
    for (key, kept_at, had_workbook) in board.cache.entries() {
        if kept_at == (version, day) {
            continue;
        }
        let Ok(plan) = PlanCode::parse(&key.0) else {
            continue;
        };
        let lang = key.2;
        let request = report_request(board, plan, key.1.clone(), lang, now);
        match reading(board, key.clone(), &request, day).await {
            Ok(snapshot) if had_workbook => {
                if workbook(board, &snapshot, lang).await.is_err() {
                    tracing::warn!(plan = %key.0, "web board: workbook not written ahead");
                }
            }
            Ok(_) => {}
            Err(ExportError::Store(e)) => return Err(e),
            // The plan or its period is gone: a page asking says so; nothing to keep.
            Err(_) => board.cache.forget(&key),
        }
    }
    Ok(())
}

/// Readings kept between pages. Every write appends to the audit log, so a reading made at
/// the same audit-log length and on the same province day is what a new one would read: the
/// figures stay the export's for that instant. Reading a national plan takes a second or
/// more (BENCHMARKS.md); rendering from a kept one, milliseconds. After writes, a kept
/// reading is brought up to date from the audit log ([`Changes`]) when the writes are of
/// kinds it knows (a reply, a report, a member, a case …): only the parts those change are
/// read again, as the export reads them; any other write reads everything again.
#[derive(Default)]
pub(crate) struct SnapshotCache {
    kept: std::sync::Mutex<HashMap<CacheKey, Kept>>,
    /// When a page last used each reading.
    used: std::sync::Mutex<HashMap<CacheKey, std::time::Instant>>,
    /// One refresh at a time per reading: who comes second waits and finds it done.
    refreshing: std::sync::Mutex<HashMap<CacheKey, Arc<tokio::sync::Mutex<()>>>>,
    /// The tasks last renamed, with the units' briefs they were renamed to: every period's and
    /// language's reading shares its plan's tasks, so after a unit renamed the first reading
    /// brought up to date patches them (tens of milliseconds at national scale) and the others
    /// take the same.
    renamed: std::sync::Mutex<Option<(UnitBriefs, export::RenamedTasks)>>,
}

/// Units' briefs as the registry has them now, by id ([`units_now`]).
type UnitBriefs = HashMap<UnitId, UnitBrief>;

/// A kept reading: (data version, province day, the reading).
type Kept = (i64, NaiveDate, Arc<Snapshot>);

/// Readings kept at most (plans × periods × languages looked at).
const CACHE_ENTRIES: usize = 16;

/// Writes read from the audit log at most to bring a reading up to date; more, and the plan
/// is read again (as cheap by then, and no list of thousands of ids).
const WRITES_APPLIED: i64 = 2_000;

impl SnapshotCache {
    /// The reading kept for `key` on `day`, at whatever version.
    fn get(&self, key: &CacheKey, day: NaiveDate) -> Option<(i64, Arc<Snapshot>)> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(key)
            .filter(|(_, d, _)| *d == day)
            .map(|(v, _, s)| (*v, s.clone()))
    }

    /// Every kept reading a page used within [`KEEP_FRESH_WHILE_USED`]: its key, (data
    /// version, day) and whether its workbook was written.
    fn entries(&self) -> Vec<(CacheKey, (i64, NaiveDate), bool)> {
        let recent: HashSet<CacheKey> = {
            let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
            used.iter()
                .filter(|(_, at)| at.elapsed() < KEEP_FRESH_WHILE_USED)
                .map(|(key, _)| key.clone())
                .collect()
        };
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.iter()
            .filter(|(key, _)| recent.contains(*key))
            .map(|(key, (v, d, s))| (key.clone(), (*v, *d), s.workbook.initialized()))
            .collect()
    }

    /// A reading of `key`'s plan (another period or language) kept at `version` on `day`.
    fn sibling(&self, key: &CacheKey, version: i64, day: NaiveDate) -> Option<Arc<Snapshot>> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.iter()
            .find(|(other, (v, d, _))| {
                other.0 == key.0 && other != &key && (*v, *d) == (version, day)
            })
            .map(|(_, (_, _, snapshot))| snapshot.clone())
    }

    /// A page used `key`'s reading now.
    fn used(&self, key: &CacheKey) {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        if used.len() >= CACHE_ENTRIES && !used.contains_key(key) {
            used.retain(|_, at| at.elapsed() < KEEP_FRESH_WHILE_USED);
        }
        used.insert(key.clone(), std::time::Instant::now());
    }

    /// `plan` with the units `fresh` renamed: the tasks patched once for every reading that
    /// shares them and takes the same briefs in. None when no task names a changed unit.
    fn renamed(&self, plan: &PlanReading, fresh: &UnitBriefs) -> Option<PlanReading> {
        if fresh.is_empty() {
            return None;
        }
        // Held while the tasks are patched: a second reading waits for them, not redoes them.
        let mut renamed = self.renamed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((briefs, tasks)) = renamed.as_ref() {
            if briefs == fresh && plan.renamed_from_here(tasks) {
                return Some(plan.with_renamed(tasks));
            }
        }
        let tasks = plan.renamed_tasks(fresh)?;
        let reading = plan.with_renamed(&tasks);
        *renamed = Some((fresh.clone(), tasks));
        Some(reading)
    }

    fn forget(&self, key: &CacheKey) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.remove(key);
    }

    /// The lock a refresh of `key`'s reading holds.
    fn refreshing(&self, key: &CacheKey) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        if locks.len() >= CACHE_ENTRIES && !locks.contains_key(key) {
            // Only those no refresh holds (a held lock has another owner).
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
        }
        locks.entry(key.clone()).or_default().clone()
    }

    fn put(&self, key: CacheKey, version: i64, day: NaiveDate, snapshot: Arc<Snapshot>) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= CACHE_ENTRIES && !kept.contains_key(&key) {
            kept.clear();
        }
        // A slower reader must not put back an older reading over a newer one.
        if kept
            .get(&key)
            .is_some_and(|(v, d, _)| (*d, *v) > (day, version))
        {
            return;
        }
        kept.insert(key, (version, day, snapshot));
    }
}

/// What the writes since a reading change in it, by the audit log's actions.
#[derive(Debug, Default, PartialEq, Eq)]
struct Changes {
    /// Assignments with a new status update.
    assignments: Vec<i64>,
    /// Status updates whose note grew.
    notes: Vec<i64>,
    submissions: bool,
    reach: bool,
    cases: bool,
    /// A due date set: the plan's periods (and what depends on the period) are read again.
    periods: bool,
    /// Units changed in the registry (by code): their names and kinds are read again into
    /// the kept tasks.
    units: Vec<crate::domain::UnitCode>,
}

/// Units changed in the registry that a kept reading reads again one by one; more (a whole
/// registry re-imported), and the plan is read again.
const UNITS_APPLIED: usize = 100;

impl Changes {
    /// None when a write may have changed the reading of plan `plan` beyond what can be
    /// applied (its import, a task of it retired — `has_task` says which are — many units)
    /// or is of a kind not listed here: then everything is read again. A new kind of write
    /// is thus safe by default, merely slower until it is listed.
    fn of(
        writes: &[crate::store::WebWrite],
        plan: &str,
        has_task: impl Fn(i64) -> bool,
    ) -> Option<Changes> {
        let mut changes = Changes::default();
        for write in writes {
            match write.action.as_str() {
                // Another plan's import changes nothing of this one's (the registry's writes
                // come as their own unit rows, below).
                "plan.create" | "plan.replace" if write.key != plan => {}
                // A task retires only in its plan's import (which comes with it); another
                // plan's task is not in this reading.
                "task.retire" => {
                    let task: i64 = write.key.parse().ok()?;
                    if has_task(task) {
                        return None;
                    }
                }
                "unit.update" => {
                    changes
                        .units
                        .push(crate::domain::UnitCode::parse(&write.key).ok()?);
                }
                // A new unit implements no live assignment until a plan names it (an import,
                // read in full): neither the plan nor who cannot be reached changes.
                "unit.create" => {}
                "assignment.status" => changes.assignments.push(write.key.parse().ok()?),
                "assignment.note" => changes.notes.push(write.key.parse().ok()?),
                "report.submit" => changes.submissions = true,
                // People linked, added, (un)reachable: who cannot be reached.
                "person.create"
                | "person.link"
                | "person.reachable"
                | "person.unreachable"
                | "person.language"
                | "person.channel"
                | "person.last_channel"
                | "group.bind" => changes.reach = true,
                action if action.starts_with("case.") => changes.cases = true,
                "period.set_due_date" => changes.periods = true,
                // Nothing a report reads: logins, invitations, the outbox, held files waiting
                // for a task, escalation steps, the hotline's routing and contact exports, and
                // the holidays (a case's and a period's due dates are stored when set, so new
                // holidays move no date the board shows).
                "holidays.replace"
                | "web.link"
                | "web.login"
                | "web.logout"
                | "invitation.create"
                | "invitation.revoke"
                | "outbox.prune"
                | "outbox.retry"
                | "file.hold"
                | "escalation.step"
                | "plan.ladder"
                | "routing.replace"
                | "cases.export_contacts"
                | "bot.changed" => {}
                _ => return None,
            }
        }
        changes.units.sort();
        changes.units.dedup();
        (changes.units.len() <= UNITS_APPLIED).then_some(changes)
    }
}

/// The kept reading brought up to date with the writes after `since`, or None when they
/// call for reading the plan again.
async fn refresh(
    board: &Board,
    kept: &Snapshot,
    since: i64,
    request: &ReportRequest,
) -> Result<Option<(i64, Snapshot)>, crate::store::StoreError> {
    let store = &board.store;
    let writes = store.web_writes_since(since, WRITES_APPLIED).await?;
    if writes.len() as i64 >= WRITES_APPLIED {
        return Ok(None);
    }
    let has_task = |id| kept.tasks().iter().any(|t| t.id == id);
    let Some(changes) = Changes::of(&writes, &kept.plan.plan.code, has_task) else {
        return Ok(None);
    };
    let version = writes.last().map_or(since, |w| w.id);
    let mut live = kept.live.clone();
    let plan = if changes.periods {
        match for_period(store, &kept.plan, &mut live, request).await? {
            Some(plan) => plan,
            None => return Ok(None),
        }
    } else {
        kept.plan.clone()
    };
    let fresh_units = units_now(store, &changes.units).await?;
    let plan = match board.cache.renamed(&plan, &fresh_units) {
        Some(renamed) => Arc::new(renamed),
        None => plan,
    };
    // The assignments whose latest update may differ from the kept reading's.
    let mut touched = HashSet::new();
    if !changes.assignments.is_empty() || !changes.notes.is_empty() {
        let fresh = store
            .latest_updates_of(
                plan.plan.id,
                request.as_of,
                &changes.assignments,
                &changes.notes,
            )
            .await?;
        touched.extend(fresh.keys().copied());
        live.updates.extend(fresh);
    }
    if changes.submissions {
        live.first_submissions = export::read_first_submissions(store, &plan, request).await?;
    }
    if changes.reach {
        live.reach = store.reach_gaps().await?;
    }
    if !fresh_units.is_empty() {
        live.reach = live.reach.with_units(&fresh_units);
    }
    if changes.cases {
        live.cases = export::read_cases(store, &plan.period, request).await?;
    }
    // Another period or due date changes units' reports, and may change which task lines
    // the report draws; a unit renamed changes its name in every line: everything is
    // composed again (from memory, milliseconds).
    let units_changed = !fresh_units.is_empty();
    let report = if changes.periods || units_changed {
        export::compose(&plan, &live, request)
    } else {
        export::recompose(&kept.report, &plan, &live, request, &touched)
    };
    Ok(Some((
        version,
        Snapshot {
            report,
            plan,
            live,
            workbook: Default::default(),
            kept_workbook: kept.kept_workbook.clone(),
            search_keys: if units_changed {
                Arc::new(kept.search_keys_with(&fresh_units))
            } else {
                kept.search_keys.clone()
            },
        },
    )))
}

/// The registry's briefs of the units `codes` (one that is gone is left out: the kept tasks
/// keep the brief they had, as their assignments do).
async fn units_now(
    store: &crate::store::Store,
    codes: &[crate::domain::UnitCode],
) -> Result<UnitBriefs, crate::store::StoreError> {
    let mut fresh = HashMap::new();
    for code in codes {
        if let Some(unit) = store.unit(code).await? {
            fresh.insert(unit.id, unit);
        }
    }
    Ok(fresh)
}

/// `kept`'s plan reading for `request`'s period as the store has it now: the plan's periods read
/// again (a due date set, or another period asked), its tasks shared; `live`'s first reports
/// and cases read again only when the period, or the days its cases span, differ. None when
/// the plan or the period is gone (a full read says so as it always does).
async fn for_period(
    store: &crate::store::Store,
    kept: &PlanReading,
    live: &mut LiveReading,
    request: &ReportRequest,
) -> Result<Option<Arc<PlanReading>>, crate::store::StoreError> {
    let plan = match kept.with_periods_read_again(store, request).await {
        Ok(plan) => plan,
        Err(ExportError::Store(e)) => return Err(e),
        Err(_) => return Ok(None),
    };
    if plan.period.id != kept.period.id {
        live.first_submissions = export::read_first_submissions(store, &plan, request).await?;
    }
    if !export::same_case_span(&kept.period, &plan.period) {
        live.cases = export::read_cases(store, &plan.period, request).await?;
    }
    Ok(Some(Arc::new(plan)))
}

/// The reading for `request` made from `sibling`, a reading of the same plan at the same data
/// version for another period or language: what a full read would give, without reading the
/// plan's tasks and updates again.
async fn derived(
    store: &crate::store::Store,
    sibling: &Snapshot,
    request: &ReportRequest,
) -> Result<Option<Snapshot>, crate::store::StoreError> {
    let mut live = sibling.live.clone();
    let Some(plan) = for_period(store, &sibling.plan, &mut live, request).await? else {
        return Ok(None);
    };
    let report = export::compose(&plan, &live, request);
    Ok(Some(Snapshot {
        report,
        plan,
        live,
        workbook: Default::default(),
        kept_workbook: Default::default(),
        search_keys: sibling.search_keys.clone(),
    }))
}

/// The reading for `request`: kept, brought up to date, made from another period's reading
/// of the same data, or read in full.
async fn reading(
    board: &Board,
    key: CacheKey,
    request: &ReportRequest,
    day: NaiveDate,
) -> Result<Arc<Snapshot>, ExportError> {
    let store = &board.store;
    let refreshing = board.cache.refreshing(&key);
    let _one_at_a_time = refreshing.lock().await;
    let version = store.web_data_version().await?;
    if let Some((kept_version, kept)) = board.cache.get(&key, day) {
        if kept_version == version {
            return Ok(kept);
        }
        if let Some((version, snapshot)) = refresh(board, &kept, kept_version, request).await? {
            let snapshot = Arc::new(snapshot);
            board.cache.put(key, version, day, snapshot.clone());
            return Ok(snapshot);
        }
    }
    if let Some(sibling) = board.cache.sibling(&key, version, day) {
        if let Some(snapshot) = derived(store, &sibling, request).await? {
            let snapshot = Arc::new(snapshot);
            board.cache.put(key, version, day, snapshot.clone());
            return Ok(snapshot);
        }
    }
    board
        .full_reads
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (plan, live) = export::read(store, request).await?;
    let report = export::compose(&plan, &live, request);
    let snapshot = Arc::new(Snapshot {
        report,
        plan: Arc::new(plan),
        live,
        workbook: Default::default(),
        kept_workbook: Default::default(),
        search_keys: Default::default(),
    });
    board.cache.put(key, version, day, snapshot.clone());
    Ok(snapshot)
}

async fn snapshot(
    board: &Board,
    viewer: &Viewer,
    plan: &str,
    period: Option<&str>,
) -> Result<Arc<Snapshot>, Response> {
    let lang = viewer.lang;
    let Ok(code) = PlanCode::parse(plan) else {
        return Err(not_found(lang));
    };
    let now = board.store.now();
    let day = now.with_timezone(&board.time_zone).date_naive();
    let key: CacheKey = (code.to_string(), period.map(str::to_string), lang);
    let request = report_request(board, code, period.map(str::to_string), lang, now);
    board.cache.used(&key);
    match reading(board, key, &request, day).await {
        // Whether the viewer sees anything of the plan.
        Ok(snapshot) => {
            let sees = snapshot.tasks().iter().any(|t| {
                t.assignments
                    .iter()
                    .any(|a| viewer.scope.sees(a.unit.id, t))
            });
            if sees {
                Ok(snapshot)
            } else {
                Err(forbidden(lang))
            }
        }
        Err(
            ExportError::UnknownPlan(_)
            | ExportError::UnknownPeriod { .. }
            | ExportError::NoPeriods(_),
        ) => Err(not_found(lang)),
        Err(ExportError::Store(e)) => Err(server_error(lang, &e)),
    }
}

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    period: Option<String>,
}

fn report_parts(
    lang: Lang,
    figures: &crate::export::ReportFigures,
) -> Vec<(usize, &'static str, String)> {
    [
        (figures.on_time, ReportState::OnTime, "r-on-time"),
        (figures.late, ReportState::Late, "r-late"),
        (figures.not_yet_due, ReportState::NotYetDue, "r-not-yet"),
        (figures.missing, ReportState::Missing, "r-missing"),
    ]
    .into_iter()
    .map(|(n, state, class)| (n, class, WebText::Report(state).render(lang)))
    .collect()
}

fn class_parts(lang: Lang, figures: &ClassFigures) -> Vec<(usize, &'static str, String)> {
    TaskClass::ALL
        .into_iter()
        .map(|c| (figures.get(c), c.key(), WebText::Class(c).render(lang)))
        .collect()
}

fn report_state_key(state: ReportState) -> &'static str {
    match state {
        ReportState::OnTime => "r-on-time",
        ReportState::Late => "r-late",
        ReportState::NotYetDue => "r-not-yet",
        ReportState::Missing => "r-missing",
    }
}

/// `GET /plans/{plan}`: report figures for a period and tasks by dimension and class.
pub async fn overview(
    State(board): State<Arc<Board>>,
    Path(plan): Path<String>,
    Query(query): Query<PeriodQuery>,
    headers: HeaderMap,
) -> PageResult {
    let viewer = require(&board, &headers).await?;
    let lang = viewer.lang;
    let snap = snapshot(&board, &viewer, &plan, query.period.as_deref()).await?;
    let periods = board
        .store
        .reporting_periods(snap.report.plan.id)
        .await
        .map_err(|e| server_error(lang, &e))?;
    let report = &snap.report;
    let visible = viewer.scope.visible_units(snap.tasks());
    let (units, figures) = visible_reports(&report.units, &visible);
    let (dimensions, total) = dimension_rows(
        snap.tasks(),
        snap.updates(),
        &viewer.scope,
        report.as_of_day,
        board.time_zone,
    );
    let code = &report.plan.code;
    let body = html! {
        p.meta {
            (WebText::AsOf { day: &time(&board, report.as_of) }.render(lang))
            @if viewer.scope.coordinator {
                " · "
                a.button #export href={ "/plans/" (code) "/export.xlsx?period=" (report.period.key.as_str()) } download {
                    (WebText::Export.render(lang))
                }
            }
        }
        section {
            h2 { (WebText::ReportsTitle.render(lang)) }
            nav.periods {
                (WebText::Period.render(lang)) ": "
                @for period in &periods {
                    @let label = WebText::PeriodDue { label: &period.label, due: &day(period.due_date) }.render(lang);
                    @if period.id == report.period.id {
                        strong { (label) }
                    } @else {
                        a href={ "/plans/" (code) "?period=" (period.key.as_str()) } { (label) }
                    }
                    " "
                }
            }
            p { (WebText::UnitsOwing { units: figures.owing }.render(lang)) }
            (bar(&report_parts(lang, &figures)))
            table.figures #report-figures {
                tr {
                    @for (n, class, label) in report_parts(lang, &figures) {
                        td { span class={ "key " (class) } {} (label) } td.num data-key=(class) { (n) }
                    }
                }
            }
            @if !units.is_empty() {
                table.list {
                    thead { tr { th { (WebText::Unit.render(lang)) } th { (WebText::State.render(lang)) } } }
                    tbody {
                        @for unit in units.iter().take(OVERVIEW_UNITS) {
                            tr {
                                td { a href={ "/plans/" (code) "/units/" (unit.unit.code.as_str()) } { (unit.unit.name) } }
                                td { span class={ "key " (report_state_key(unit.state)) } {} (WebText::Report(unit.state).render(lang)) }
                            }
                        }
                    }
                }
            }
        }
        section {
            h2 { (WebText::TasksTitle.render(lang)) }
            (bar(&class_parts(lang, &total)))
            div.scroll {
                table.figures #task-figures {
                    thead {
                        tr {
                            th { (WebText::Dimension.render(lang)) }
                            @for class in TaskClass::ALL { th { span class={ "key " (class.key()) } {} (WebText::Class(class).render(lang)) } }
                            th { (WebText::Total.render(lang)) }
                            th {}
                        }
                    }
                    tbody {
                        @for (index, row) in dimensions.iter().enumerate() {
                            tr {
                                td {
                                    a href={ "/plans/" (code) "/grid?dimension=" (index) } {
                                        @if let Some(c) = &row.code { (c) ". " }
                                        (row.title.clone().unwrap_or_else(|| WebText::NoDimension.render(lang)))
                                    }
                                }
                                @for class in TaskClass::ALL { td.num { (row.figures.get(class)) } }
                                td.num { (row.figures.total()) }
                                td.chart { (bar(&class_parts(lang, &row.figures))) }
                            }
                        }
                    }
                    tfoot {
                        tr #task-total {
                            th { (WebText::Total.render(lang)) }
                            @for class in TaskClass::ALL { td.num data-key=(class.key()) { (total.get(class)) } }
                            td.num data-key="total" { (total.total()) }
                            td {}
                        }
                    }
                }
            }
            p.note { (WebText::NotReportedNote.render(lang)) }
        }
    };
    let title = format!("{} ({})", report.plan.title, report.plan.code);
    Ok(html(
        StatusCode::OK,
        layout(&viewer, Nav { plan: Some(code) }, &title, body),
    ))
}

// ---------------------------------------------------------------- grid

#[derive(Deserialize, Default)]
pub struct GridQuery {
    dimension: Option<String>,
    area: Option<String>,
    q: Option<String>,
    state: Option<String>,
    sort: Option<String>,
    page: Option<usize>,
}

/// One row of the grid.
struct GridRow<'t> {
    unit: &'t UnitBrief,
    cells: Vec<Option<Cell>>,
}

impl GridRow<'_> {
    fn count(&self, classes: &[TaskClass]) -> usize {
        self.cells
            .iter()
            .flatten()
            .filter(|c| classes.contains(&c.class))
            .count()
    }
}

fn cell_mark(class: TaskClass) -> &'static str {
    match class {
        TaskClass::DoneOnTime => "✓",
        TaskClass::DoneLate => "✓!",
        TaskClass::OpenInTime => "…",
        TaskClass::OpenOverdue => "!",
        TaskClass::NotReported => "–",
    }
}

/// `GET /plans/{plan}/grid`: units × tasks of a dimension, filtered, sorted, paged.
pub async fn grid(
    State(board): State<Arc<Board>>,
    Path(plan): Path<String>,
    Query(query): Query<GridQuery>,
    headers: HeaderMap,
) -> PageResult {
    let viewer = require(&board, &headers).await?;
    let lang = viewer.lang;
    let snap = snapshot(&board, &viewer, &plan, None).await?;
    let today = snap.report.as_of_day;
    let scope = &viewer.scope;
    // Dimensions in the plan's order.
    let mut dimensions: Vec<(Option<String>, Option<String>)> = Vec::new();
    for task in snap.tasks() {
        let key = (task.dimension_code.clone(), task.dimension.clone());
        if !dimensions.contains(&key) {
            dimensions.push(key);
        }
    }
    let chosen: Option<usize> = match query.dimension.as_deref() {
        Some("all") => None,
        Some(raw) => raw.parse().ok().filter(|i| *i < dimensions.len()),
        None => (!dimensions.is_empty()).then_some(0),
    };
    let columns: Vec<&TaskView> = snap
        .tasks()
        .iter()
        .filter(|t| {
            chosen.is_none_or(|i| {
                (&t.dimension_code, &t.dimension) == (&dimensions[i].0, &dimensions[i].1)
            })
        })
        .filter(|t| t.assignments.iter().any(|a| scope.sees(a.unit.id, t)))
        .collect();
    // The area: a unit and everything under it.
    let area: Option<HashSet<UnitId>> = query
        .area
        .as_deref()
        .filter(|a| !a.is_empty())
        .and_then(|code| viewer.units.iter().position(|u| u.code.as_str() == code))
        .map(|root| {
            subtree(&viewer.units, root)
                .into_iter()
                .map(|i| UnitId(viewer.units[i].id))
                .collect()
        });
    let search = query.q.as_deref().map(match_key).filter(|q| !q.is_empty());
    let state = query.state.as_deref().and_then(TaskClass::parse);
    let mut rows: BTreeMap<UnitId, GridRow<'_>> = BTreeMap::new();
    for (column, task) in columns.iter().enumerate() {
        for a in task
            .assignments
            .iter()
            .filter(|a| scope.sees(a.unit.id, task))
        {
            if area.as_ref().is_some_and(|area| !area.contains(&a.unit.id)) {
                continue;
            }
            let row = rows.entry(a.unit.id).or_insert_with(|| GridRow {
                unit: &a.unit,
                cells: vec![None; columns.len()],
            });
            row.cells[column] = Some(cell(a.id, task, snap.updates(), today, board.time_zone));
        }
    }
    let mut rows: Vec<GridRow<'_>> = rows
        .into_values()
        .filter(|r| {
            search
                .as_ref()
                .is_none_or(|q| snap.unit_matches(r.unit, q.as_str()))
        })
        .filter(|r| state.is_none_or(|s| r.count(&[s]) > 0))
        .collect();
    let sort = query.sort.as_deref().unwrap_or("code");
    match sort {
        "name" => rows.sort_by(|a, b| a.unit.name.cmp(&b.unit.name)),
        "overdue" => rows.sort_by_key(|r| {
            (
                std::cmp::Reverse(r.count(&[TaskClass::OpenOverdue])),
                r.unit.code.clone(),
            )
        }),
        "done" => rows.sort_by_key(|r| {
            (
                std::cmp::Reverse(r.count(&[TaskClass::DoneOnTime, TaskClass::DoneLate])),
                r.unit.code.clone(),
            )
        }),
        _ => rows.sort_by(|a, b| a.unit.code.cmp(&b.unit.code)),
    }
    let total = rows.len();
    let page = query
        .page
        .unwrap_or(0)
        .min(total.saturating_sub(1) / GRID_ROWS);
    let shown = &rows[(page * GRID_ROWS).min(total)..((page + 1) * GRID_ROWS).min(total)];
    // The districts (and other units with units under them) the viewer sees, for the area filter.
    let visible = scope.visible_units(snap.tasks());
    let areas: Vec<_> = viewer
        .units
        .iter()
        .filter(|u| {
            matches!(u.kind, UnitKind::Province | UnitKind::District)
                && visible.contains(&UnitId(u.id))
        })
        .collect();
    let code = &snap.report.plan.code;
    // A cell's tooltip is its column's task and its class: both made once here, not once
    // for each of the page's (up to 100 × 436) cells.
    let column_titles: Vec<String> = columns.iter().map(|t| ellipsize(&t.text, 80)).collect();
    let class_names: Vec<String> = TaskClass::ALL
        .iter()
        .map(|class| WebText::Class(*class).render(lang))
        .collect();
    let class_name = |class: TaskClass| {
        TaskClass::ALL
            .iter()
            .position(|c| *c == class)
            .map_or("", |i| class_names[i].as_str())
    };
    let link = |page: usize, sort: &str| {
        let mut url = format!("/plans/{code}/grid?sort={sort}&page={page}");
        let mut add = |key: &str, value: Option<&str>| {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                url.push_str(&format!("&{key}={}", url_escape(v)));
            }
        };
        add("dimension", query.dimension.as_deref());
        add("area", query.area.as_deref());
        add("q", query.q.as_deref());
        add("state", query.state.as_deref());
        url
    };
    let body = html! {
        form.filters method="get" action={ "/plans/" (code) "/grid" } {
            label { (WebText::Dimension.render(lang)) " "
                select name="dimension" id="f-dimension" {
                    option value="all" selected[chosen.is_none()] { (WebText::All.render(lang)) }
                    @for (i, (dcode, title)) in dimensions.iter().enumerate() {
                        option value=(i) selected[chosen == Some(i)] {
                            @if let Some(c) = dcode { (c) ". " }
                            (ellipsize(&title.clone().unwrap_or_else(|| WebText::NoDimension.render(lang)), 60))
                        }
                    }
                }
            }
            label { (WebText::Area.render(lang)) " "
                select name="area" id="f-area" {
                    option value="" { (WebText::All.render(lang)) }
                    @for unit in &areas {
                        option value=(unit.code.as_str()) selected[query.area.as_deref() == Some(unit.code.as_str())] { (unit.name) }
                    }
                }
            }
            label { (WebText::Unit.render(lang)) " "
                input type="search" name="q" id="f-q" value=(query.q.clone().unwrap_or_default());
            }
            label { (WebText::State.render(lang)) " "
                select name="state" id="f-state" {
                    option value="" { (WebText::All.render(lang)) }
                    @for class in TaskClass::ALL {
                        option value=(class.key()) selected[state == Some(class)] { (WebText::Class(class).render(lang)) }
                    }
                }
            }
            input type="hidden" name="sort" value=(sort);
            button type="submit" id="f-submit" { (WebText::Filter.render(lang)) }
        }
        p.legend {
            @for class in TaskClass::ALL {
                span.legend-item { span class={ "cell " (class.key()) } { (cell_mark(class)) } " " (WebText::Class(class).render(lang)) }
            }
        }
        p.meta {
            (WebText::SortBy.render(lang)) ": "
            @for (key, text) in [("code", WebText::SortCode), ("name", WebText::SortName), ("overdue", WebText::SortOverdue), ("done", WebText::SortDone)] {
                @if key == sort { strong { (text.render(lang)) } } @else { a href=(link(0, key)) { (text.render(lang)) } }
                " "
            }
        }
        @if shown.is_empty() {
            p #no-units { (WebText::NoUnits.render(lang)) }
        } @else {
            p.meta #grid-count {
                (WebText::Shown { from: page * GRID_ROWS + 1, to: page * GRID_ROWS + shown.len(), total }.render(lang))
                @if page > 0 { " " a href=(link(page - 1, sort)) { (WebText::Previous.render(lang)) } }
                @if (page + 1) * GRID_ROWS < total { " " a href=(link(page + 1, sort)) id="next-page" { (WebText::Next.render(lang)) } }
            }
            div.grid-wrap {
                table.grid #grid {
                    thead {
                        tr {
                            th.unit { a href=(link(0, "name")) { (WebText::Unit.render(lang)) } }
                            @for (i, task) in columns.iter().enumerate() {
                                th title=(task.text) {
                                    (task.code.clone().unwrap_or_else(|| (i + 1).to_string()))
                                }
                            }
                        }
                    }
                    tbody {
                        @for row in shown {
                            tr data-unit=(row.unit.code.as_str()) {
                                th.unit { a href={ "/plans/" (code) "/units/" (row.unit.code.as_str()) } { (row.unit.name) } }
                                @for (i, c) in row.cells.iter().enumerate() {
                                    @if let Some(c) = c {
                                        td {
                                            a class={ "cell " (c.class.key()) }
                                                href={ "/plans/" (code) "/units/" (row.unit.code.as_str()) "#a" (c.assignment_id) }
                                                title={ (column_titles[i]) " — " (class_name(c.class)) } {
                                                (cell_mark(c.class))
                                            }
                                        }
                                    } @else {
                                        td {}
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout(
            &viewer,
            Nav { plan: Some(code) },
            &WebText::NavGrid.render(lang),
            body,
        ),
    ))
}

fn url_escape(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

// ---------------------------------------------------------------- a unit

/// `GET /plans/{plan}/units/{unit}`: members, tasks with every update, reports, steps.
pub async fn unit(
    State(board): State<Arc<Board>>,
    Path((plan, unit_code)): Path<(String, String)>,
    headers: HeaderMap,
) -> PageResult {
    let viewer = require(&board, &headers).await?;
    let lang = viewer.lang;
    let Some(unit) = viewer
        .units
        .iter()
        .find(|u| u.code.as_str() == unit_code)
        .cloned()
    else {
        return Err(not_found(lang));
    };
    let snap = snapshot(&board, &viewer, &plan, None).await?;
    let scope = &viewer.scope;
    let tasks: Vec<(&TaskView, i64)> = snap
        .tasks()
        .iter()
        .filter_map(|t| {
            t.assignments
                .iter()
                .find(|a| a.unit.id.get() == unit.id)
                .map(|a| (t, a.id))
        })
        .filter(|(t, _)| scope.sees(UnitId(unit.id), t))
        .collect();
    if !scope.units.contains(&UnitId(unit.id)) && tasks.is_empty() {
        return Err(forbidden(lang));
    }
    let store = &board.store;
    let plan_id = snap.report.plan.id;
    let read = async {
        Ok::<_, crate::store::StoreError>((
            store.web_members(unit.id).await?,
            store.web_unit_updates(plan_id, unit.id).await?,
            store.web_unit_submissions(plan_id, unit.id).await?,
            store.escalations_of(&[unit.id]).await?,
        ))
    };
    let (members, updates, submissions, steps) = read.await.map_err(|e| server_error(lang, &e))?;
    let today = snap.report.as_of_day;
    let report_state = snap
        .report
        .units
        .iter()
        .find(|u| u.unit.id.get() == unit.id);
    let code = &snap.report.plan.code;
    let task_of: HashMap<i64, &TaskView> = tasks.iter().map(|(t, a)| (*a, *t)).collect();
    let shown_assignments: HashSet<i64> = tasks.iter().map(|(_, a)| *a).collect();
    let body = html! {
        p.meta {
            (unit.code.as_str())
            @if let Some(r) = report_state {
                " · " (snap.report.period.label) ": "
                span class={ "key " (report_state_key(r.state)) } {}
                span #unit-report-state { (WebText::Report(r.state).render(lang)) }
            }
        }
        section {
            h2 { (WebText::Members.render(lang)) }
            @if members.is_empty() { p { (WebText::NoMembers.render(lang)) } }
            ul.members {
                @for m in &members {
                    li {
                        (m.full_name) " — " (crate::messages::BotText::Role(m.role).render(lang)) " — "
                        @if let Some(since) = m.unreachable_since {
                            span.bad { (WebText::UnreachableSince { day: &time(&board, since) }.render(lang)) }
                        } @else if m.linked {
                            span.good { (WebText::Linked.render(lang)) }
                        } @else {
                            span.warn { (WebText::NotLinked.render(lang)) }
                        }
                    }
                }
            }
        }
        section {
            h2 { (WebText::History.render(lang)) }
            @for (task, assignment) in &tasks {
                @let c = cell(*assignment, task, snap.updates(), today, board.time_zone);
                article.task id={ "a" (assignment) } {
                    h3 {
                        span class={ "cell " (c.class.key()) } { (cell_mark(c.class)) } " "
                        @if let Some(tc) = &task.code { (tc) ". " }
                        (task.text)
                    }
                    p.meta {
                        (WebText::Class(c.class).render(lang))
                        " · " (WebText::Due.render(lang)) ": "
                        (task.due_date.map(day).unwrap_or_else(|| task.timeframe.clone()))
                    }
                    @let history: Vec<_> = updates.iter().filter(|u| u.assignment_id == *assignment).collect();
                    @if history.is_empty() {
                        p.none { (WebText::NoUpdates.render(lang)) }
                    } @else {
                        ol.history {
                            @for u in history {
                                li {
                                    time { (time(&board, u.reported_at)) } " — "
                                    strong { (Text::Status(u.status).render(lang)) }
                                    @if let Some(p) = &u.person { " (" (p) ")" }
                                    @if !u.note.trim().is_empty() { ": " (u.note) }
                                    @for (id, name) in &u.files {
                                        " " a.file href={ "/files/" (id) } { "📎 " (name.clone().unwrap_or_else(|| WebText::Files.render(lang))) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section {
            h2 { (WebText::Submissions.render(lang)) }
            @if submissions.is_empty() { p.none { (WebText::NoSubmissions.render(lang)) } }
            ol.history {
                @for s in &submissions {
                    li {
                        time { (time(&board, s.submitted_at)) } " — " strong { (s.period_label) }
                        @if let Some(p) = &s.person { " (" (p) ")" }
                        @if !s.body.trim().is_empty() { ": " (ellipsize(&s.body, 300)) }
                        @for (id, name) in &s.files {
                            " " a.file href={ "/files/" (id) } { "📎 " (name.clone().unwrap_or_else(|| WebText::Files.render(lang))) }
                        }
                    }
                }
            }
        }
        section {
            h2 { (WebText::Escalations.render(lang)) }
            @let steps: Vec<_> = steps.iter().filter(|(kind, item, _, _)| *kind != ItemKind::Task || shown_assignments.contains(item)).collect();
            @if steps.is_empty() { p.none { (WebText::NoEscalations.render(lang)) } }
            ul {
                @for (kind, item, _, step) in steps {
                    li {
                        @match kind {
                            ItemKind::Task => {
                                (WebText::TaskItem.render(lang)) " "
                                @if let Some(t) = task_of.get(item) { (ellipsize(&t.text, 80)) }
                            }
                            ItemKind::Report => { (WebText::ReportItem.render(lang)) }
                            ItemKind::Case => { (WebText::CaseItem.render(lang)) }
                        }
                        ": " (WebText::Step(*step).render(lang))
                    }
                }
            }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout(&viewer, Nav { plan: Some(code) }, &unit.name, body),
    ))
}

// ---------------------------------------------------------------- reach

/// `GET /plans/{plan}/reach`: units no one can be told in, unreachable members.
pub async fn reach(
    State(board): State<Arc<Board>>,
    Path(plan): Path<String>,
    headers: HeaderMap,
) -> PageResult {
    let viewer = require(&board, &headers).await?;
    let lang = viewer.lang;
    let snap = snapshot(&board, &viewer, &plan, None).await?;
    let visible = viewer.scope.visible_units(snap.tasks());
    let gaps = snap.report.reach.clone().within(&visible);
    let code = &snap.report.plan.code;
    let body = html! {
        @if gaps.units.is_empty() && gaps.members.is_empty() {
            p #everyone { (WebText::EveryoneReachable.render(lang)) }
        }
        @if !gaps.units.is_empty() {
            h2 { (WebText::UnitsNoOne.render(lang)) " (" (gaps.units.len()) ")" }
            table.list #reach-units {
                tbody {
                    @for u in &gaps.units {
                        tr {
                            td { a href={ "/plans/" (code) "/units/" (u.unit.code.as_str()) } { (u.unit.name) } }
                            td {
                                @if u.unreachable == 0 { (WebText::NobodyLinked.render(lang)) }
                                @else { (WebText::AllUnreachable { members: u.unreachable }.render(lang)) }
                            }
                        }
                    }
                }
            }
        }
        @if !gaps.members.is_empty() {
            h2 { (WebText::MembersUnreachable.render(lang)) " (" (gaps.members.len()) ")" }
            table.list #reach-members {
                tbody {
                    @for m in &gaps.members {
                        tr {
                            td { (m.full_name) }
                            td { a href={ "/plans/" (code) "/units/" (m.unit.code.as_str()) } { (m.unit.name) } }
                            td { (WebText::UnreachableSince { day: &time(&board, m.since) }.render(lang)) }
                        }
                    }
                }
            }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout(
            &viewer,
            Nav { plan: Some(code) },
            &WebText::ReachTitle.render(lang),
            body,
        ),
    ))
}

// ---------------------------------------------------------------- export

/// `GET /plans/{plan}/export.xlsx`: the same workbook as `dondoc export`; coordinators of the
/// plan's area only (as `/xuat`).
pub async fn export(
    State(board): State<Arc<Board>>,
    Path(plan): Path<String>,
    Query(query): Query<PeriodQuery>,
    headers: HeaderMap,
) -> PageResult {
    let viewer = require(&board, &headers).await?;
    let lang = viewer.lang;
    if !viewer.scope.coordinator {
        return Err(forbidden(lang));
    }
    let snap = snapshot(&board, &viewer, &plan, query.period.as_deref()).await?;
    let report = &snap.report;
    let scope_unit = viewer.units.iter().find(|u| u.code == report.plan.scope);
    if !scope_unit.is_some_and(|u| viewer.scope.units.contains(&UnitId(u.id))) {
        return Err(forbidden(lang));
    }
    let bytes = workbook(&board, &snap, lang).await?;
    let file_name = format!(
        "bao-cao-{}-{}-{}.xlsx",
        report.plan.code,
        report.period.key,
        report.as_of_day.format("%Y%m%d")
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    secure_headers(headers);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        ascii_name(&file_name)
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// The snapshot's workbook, written once (on a blocking thread: a national plan's takes
/// 100–150 ms of CPU) and kept with the reading; from the workbook last written along its
/// line when there is one ([`export::xlsx::write_again`]).
async fn workbook(board: &Board, snap: &Arc<Snapshot>, lang: Lang) -> Result<Bytes, Response> {
    let kept = snap.clone();
    snap.workbook
        .get_or_try_init(|| async move {
            board
                .workbooks
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let written = tokio::task::spawn_blocking(move || {
                let mut workbook = kept.kept_workbook.lock().unwrap_or_else(|e| e.into_inner());
                export::xlsx::write_again(&mut workbook, &kept.report, lang)
            })
            .await
            .map_err(|e| server_error(lang, &e))?
            .map_err(|e| server_error(lang, &e))?;
            Ok(Bytes::from(written))
        })
        .await
        .cloned()
}

/// A file name safe in a header: ASCII letters, digits, `.-_`; anything else `_`.
fn ascii_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

// ---------------------------------------------------------------- cases

/// `GET /cases`: open citizen cases in the viewer's area, late ones first, both clocks per
/// hop; the citizen's name and phone masked, as in the exports.
pub async fn cases(State(board): State<Arc<Board>>, headers: HeaderMap) -> PageResult {
    let viewer = require(&board, &headers).await?;
    let lang = viewer.lang;
    let scope = &viewer.scope;
    let mut cases = board
        .store
        .open_cases(None)
        .await
        .map_err(|e| server_error(lang, &e))?;
    // The store gives the newest 200 open cases: say so when that cut anything.
    let cut = cases.len() >= OPEN_CASES_READ;
    cases.retain(|c| {
        c.live_hops().any(|h| scope.units.contains(&h.unit.id))
            || (scope.coordinator && scope.units.contains(&c.place.id))
    });
    let now = board.store.now();
    let late = |c: &crate::store::CaseView| {
        c.late
            || c.hops.iter().any(|h| {
                h.late || (h.state.is_live() && h.accepted_at.is_none() && now > h.ack_due_at)
            })
    };
    cases.sort_by_key(|c| (!late(c), c.received_at));
    let today = now.with_timezone(&board.time_zone).date_naive();
    let body = html! {
        @if cut { p.note { (WebText::CasesCut { read: OPEN_CASES_READ }.render(lang)) } }
        @if cases.is_empty() { p #no-cases { (WebText::NoCases.render(lang)) } }
        @else {
            div.scroll {
                table.list #cases {
                    thead {
                        tr {
                            th { (WebText::CaseNumber.render(lang)) }
                            th { (WebText::Received.render(lang)) }
                            th { (WebText::Place.render(lang)) " · " (WebText::Category.render(lang)) }
                            th { (WebText::Content.render(lang)) }
                            th { (WebText::Citizen.render(lang)) }
                            th { (WebText::Hops.render(lang)) }
                        }
                    }
                    tbody {
                        @for c in &cases {
                            tr class=[late(c).then_some("late")] {
                                td { (c.number.to_string()) }
                                td { (time(&board, c.received_at)) }
                                td { (c.place.name) " · " (c.category) }
                                td { (ellipsize(&c.content, 160)) }
                                td {
                                    (c.citizen_name.as_deref().map(mask_name).unwrap_or_default()) " "
                                    (c.citizen_phone.as_deref().map(mask_phone).unwrap_or_default())
                                }
                                td {
                                    ul.hops {
                                        @for h in &c.hops {
                                            li {
                                                strong { (h.unit.name) } " — " (CaseText::HopState(h.state).render(lang)) br;
                                                (WebText::AckClock.render(lang)) ": " (time(&board, h.ack_due_at)) " → "
                                                @match h.accepted_at {
                                                    Some(at) if at > h.ack_due_at => span.bad { (time(&board, at)) " (" (WebText::Late.render(lang)) ")" },
                                                    Some(at) => span.good { (time(&board, at)) },
                                                    None if h.state.is_live() && now > h.ack_due_at => span.bad { (WebText::Late.render(lang)) },
                                                    None => span { (WebText::Pending.render(lang)) },
                                                }
                                                br;
                                                (WebText::AnswerClock.render(lang)) ": " (day(h.answer_due_date)) " → "
                                                @match h.answered_at {
                                                    Some(at) if h.late => span.bad { (time(&board, at)) " (" (WebText::Late.render(lang)) ")" },
                                                    Some(at) => span.good { (time(&board, at)) },
                                                    None if h.late || (h.state.is_live() && today > h.answer_due_date) => span.bad { (WebText::Late.render(lang)) },
                                                    None => span { (WebText::Pending.render(lang)) },
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout(
            &viewer,
            Nav { plan: None },
            &WebText::CasesTitle.render(lang),
            body,
        ),
    ))
}

// ---------------------------------------------------------------- files

/// `GET /files/{id}`: a stored file of a status update or a report, in the viewer's scope,
/// from the download folder or fetched by id through the bot (getFile): the browser never
/// sees a Telegram address (which would carry the bot's token).
pub async fn file(
    State(board): State<Arc<Board>>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> PageResult {
    let viewer = require(&board, &headers).await?;
    let lang = viewer.lang;
    let store = &board.store;
    let Some(file) = store
        .web_file(id)
        .await
        .map_err(|e| server_error(lang, &e))?
    else {
        return Err(not_found(lang));
    };
    let scope = &viewer.scope;
    let allowed = scope.units.contains(&UnitId(file.unit_id)) || {
        let leads = match file.task_id {
            Some(task) => store.web_task_leads(task).await,
            None => store.web_leads_over(file.unit_id).await,
        }
        .map_err(|e| server_error(lang, &e))?;
        leads.iter().any(|l| scope.leads.contains(&UnitId(*l)))
    };
    if !allowed {
        return Err(forbidden(lang));
    }
    let bytes = match read_file(&board, &file).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!(error = %e, attachment = id, "web board: file not fetched");
            return Err(status_page(
                lang,
                StatusCode::BAD_GATEWAY,
                WebText::ServerError,
            ));
        }
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    secure_headers(headers);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    let name = ascii_name(file.file_name.as_deref().unwrap_or("file"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

async fn read_file(board: &Board, file: &crate::store::WebFile) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context;
    use teloxide::net::Download;
    use teloxide::prelude::Requester;
    if let Some(path) = &file.local_path {
        if let Ok(bytes) = tokio::fs::read(path).await {
            return Ok(bytes);
        }
    }
    if crate::domain::Channel::of_file(&file.file_id) == crate::domain::Channel::Zalo {
        return fetch_zalo_file(&file.file_id).await;
    }
    let bot = board
        .bot
        .as_ref()
        .context("no bot token: stored files cannot be fetched")?;
    let remote = bot
        .get_file(teloxide::types::FileId(file.file_id.clone()))
        .await
        .context("getFile")?;
    let mut bytes: Vec<u8> = Vec::new();
    bot.download_file(&remote.path, &mut bytes)
        .await
        .context("downloading")?;
    Ok(bytes)
}

/// Fetches a Zalo photo by its address on the server, so the browser gets the bytes from the
/// board like any other file and never sees the address.
async fn fetch_zalo_file(url: &str) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context;
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .context("an HTTP client")?;
    let response = client
        .get(url)
        .send()
        .await
        .context("fetching the Zalo photo")?
        .error_for_status()
        .context("the Zalo photo's address")?;
    Ok(response
        .bytes()
        .await
        .context("reading the Zalo photo")?
        .to_vec())
}

#[cfg(test)]
mod tests {
    use super::{Changes, UNITS_APPLIED};
    use crate::store::WebWrite;

    fn writes(actions: &[(&str, &str)]) -> Vec<WebWrite> {
        actions
            .iter()
            .enumerate()
            .map(|(i, (action, key))| WebWrite {
                id: i as i64 + 1,
                action: action.to_string(),
                key: key.to_string(),
            })
            .collect()
    }

    /// What `writes` change in a kept reading of plan "HG-2026", whose tasks are 1 to 10.
    fn changes(actions: &[(&str, &str)]) -> Option<Changes> {
        Changes::of(&writes(actions), "HG-2026", |task| (1..=10).contains(&task))
    }

    #[test]
    fn replies_reports_members_and_cases_are_applied_to_a_kept_reading() {
        let applied = changes(&[
            ("assignment.status", "12"),
            ("web.login", "3"),
            ("assignment.note", "40"),
            ("report.submit", "7"),
            ("person.unreachable", "5"),
            ("case.accepted", "2026-0001"),
            ("escalation.step", "x"),
            ("plan.ladder", "HG-2026"),
            ("period.set_due_date", "1/q3"),
        ])
        .expect("applied");
        assert_eq!(
            applied,
            Changes {
                assignments: vec![12],
                notes: vec![40],
                submissions: true,
                reach: true,
                cases: true,
                periods: true,
                units: Vec::new(),
            }
        );
        assert_eq!(changes(&[]), Some(Changes::default()));
    }

    #[test]
    fn the_registry_the_holidays_and_another_plans_import_are_applied_to_a_kept_reading() {
        let applied = changes(&[
            ("unit.update", "HG-PTNMT"),
            ("unit.create", "HG-NEW"),
            ("unit.update", "HG-PTNMT"),
            ("holidays.replace", "2026"),
            ("person.channel", "4"),
            ("plan.replace", "HG-2027"),
            ("task.retire", "11"),
            ("plan.create", "HG-2028"),
        ])
        .expect("applied");
        assert_eq!(
            applied,
            Changes {
                reach: true,
                units: vec![crate::domain::UnitCode::parse("HG-PTNMT").expect("code")],
                ..Changes::default()
            }
        );
        let many: Vec<(String, String)> = (0..=UNITS_APPLIED)
            .map(|i| ("unit.update".to_string(), format!("U{i}")))
            .collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(a, k)| (a.as_str(), k.as_str())).collect();
        assert_eq!(changes(&many), None, "a whole registry re-imported");
    }

    #[test]
    fn the_plans_own_import_or_an_unknown_write_reads_everything_again() {
        for (action, key) in [
            ("plan.replace", "HG-2026"),
            ("plan.create", "HG-2026"),
            ("task.retire", "3"),
            ("task.retire", "not a number"),
            ("unit.update", "not a code"),
            ("something.new", "1"),
        ] {
            assert_eq!(
                changes(&[("assignment.status", "1"), (action, key)]),
                None,
                "{action} {key}"
            );
        }
        // A key that is not an id cannot be applied.
        assert_eq!(changes(&[("assignment.status", "x")]), None);
    }
}
