//! `/xuat [PLAN] [PERIOD]`: a coordinator gets the periodic report as an XLSX document. Alone,
//! it picks the plan the coordinator's office watches (the newest, when there are several of
//! different years) and the latest period already due.

use teloxide::prelude::*;
use teloxide::types::InputFile;
use teloxide::RequestError;

use super::overview::watched_units;
use super::send::{say, HandlerResult};
use super::App;
use crate::domain::{PersonRole, PlanCode};
use crate::export::{self, ExportError, ReportRequest};
use crate::messages::ReportText;
use crate::store::{Member, Plan};

pub(super) async fn send(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    members: &[Member],
    args: &str,
) -> HandlerResult {
    let tell = |text: ReportText| say(app, bot, chat, text.render(app.lang), None, None);
    let coordinators: Vec<Member> = members
        .iter()
        .filter(|m| m.person.role == PersonRole::Coordinator)
        .cloned()
        .collect();
    if coordinators.is_empty() {
        tell(ReportText::CoordinatorsOnly).await?;
        return Ok(());
    }
    let plans = watched_plans(app, &coordinators).await?;
    let (named, period) = split_args(&plans, args);
    let plan = match (named, newest(&plans)) {
        (Some(plan), _) | (None, Some(plan)) => plan,
        (None, None) if plans.is_empty() => {
            tell(ReportText::NoPlan).await?;
            return Ok(());
        }
        (None, None) => {
            let codes: Vec<&str> = plans.iter().map(|p| p.code.as_str()).collect();
            tell(ReportText::ChoosePlan {
                codes: &codes.join(", "),
            })
            .await?;
            return Ok(());
        }
    };
    let request = ReportRequest {
        plan: PlanCode::parse(&plan.code)?,
        period: (!period.is_empty()).then(|| period.to_string()),
        as_of: app.clock.now(),
        time_zone: app.time_zone,
        ack_hours: app.hotline.ack_hours,
        lang: app.lang,
    };
    let report = match export::build_report(&app.store, &request).await {
        Ok(report) => report,
        Err(ExportError::UnknownPeriod { typed, periods }) => {
            tell(ReportText::UnknownPeriod {
                typed: &typed,
                code: &plan.code,
                choices: &export::period::choices(&periods),
            })
            .await?;
            return Ok(());
        }
        Err(ExportError::NoPeriods(code)) => {
            tell(ReportText::NoPeriods { code: &code }).await?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let bytes = export::xlsx::write(&report, app.lang)?;
    let file_name = format!(
        "bao-cao-{}-{}-{}.xlsx",
        report.plan.code,
        report.period.key,
        report.as_of_day.format("%Y%m%d")
    );
    let r = &report.reports;
    let caption = ReportText::Caption {
        label: &report.period.label,
        code: &report.plan.code,
        day: &report.as_of_day.format("%d/%m/%Y").to_string(),
        owing: r.owing,
        on_time: r.on_time,
        late: r.late,
        missing: r.missing,
        not_yet_due: r.not_yet_due,
    }
    .render(app.lang);
    send_document(app, bot, chat, bytes, file_name, caption).await?;
    Ok(())
}

/// The plans whose scope lies in what the coordinators' offices watch, newest first.
async fn watched_plans(app: &App, coordinators: &[Member]) -> anyhow::Result<Vec<Plan>> {
    let units = app.store.list_units().await?;
    let watched = watched_units(coordinators, &units);
    let in_scope = |plan: &Plan| {
        units
            .iter()
            .find(|u| u.code == plan.scope)
            .is_some_and(|u| watched.contains(&crate::domain::UnitId(u.id)))
    };
    Ok(app
        .store
        .list_plans()
        .await?
        .into_iter()
        .map(|s| s.plan)
        .filter(in_scope)
        .collect())
}

/// A first word naming one of `plans` picks it; the rest names the period.
fn split_args<'a, 'p>(plans: &'p [Plan], args: &'a str) -> (Option<&'p Plan>, &'a str) {
    let args = args.trim();
    let (first, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    match plans
        .iter()
        .find(|p| !first.is_empty() && p.code.eq_ignore_ascii_case(first))
    {
        Some(plan) => (Some(plan), rest.trim()),
        None => (None, args),
    }
}

/// The plan of the latest year, when only one has that year.
fn newest(plans: &[Plan]) -> Option<&Plan> {
    let year = plans.iter().map(|p| p.year).max()?;
    let mut latest = plans.iter().filter(|p| p.year == year);
    let plan = latest.next()?;
    latest.next().is_none().then_some(plan)
}

/// Sends the file, waiting out Telegram's flood limit a few times rather than dropping it.
async fn send_document(
    app: &App,
    bot: &Bot,
    chat: ChatId,
    bytes: Vec<u8>,
    file_name: String,
    caption: String,
) -> Result<Message, RequestError> {
    crate::chat::telegram::retrying(&app.pacer, chat, || {
        let file = InputFile::memory(bytes.clone()).file_name(file_name.clone());
        bot.send_document(chat, file).caption(caption.clone())
    })
    .await
}
