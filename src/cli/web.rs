//! `dondoc web link --person ID`: a one-time login link to the web board (`crate::web`), for
//! the office to hand to someone who cannot use `/web` in the bot.

use std::process::ExitCode;

use clap::Subcommand;

use super::Output;
use crate::config::Config;
use crate::domain::{Actor, PersonId};
use crate::messages::WebText;
use crate::store::Store;
use crate::web::{login_link, LOGIN_LINK_MINUTES};

#[derive(Debug, Subcommand)]
pub enum WebCommand {
    /// Print a one-time login link for a person (valid 10 minutes, single use).
    Link {
        /// The person's number, as `dondoc members list` shows it (#12 → 12).
        #[arg(long, value_parser = parse_person)]
        person: i64,
    },
}

fn parse_person(raw: &str) -> Result<i64, String> {
    raw.trim()
        .trim_start_matches('#')
        .parse()
        .map_err(|_| format!("not a person number: {raw}"))
}

pub async fn run(
    store: &Store,
    config: &Config,
    out: &Output,
    command: WebCommand,
    actor: &Actor,
) -> anyhow::Result<ExitCode> {
    let WebCommand::Link { person } = command;
    let Some(public_url) = config.http.public_url.as_deref() else {
        eprintln!("{}", WebText::NoPublicUrl.render(out.lang));
        return Ok(ExitCode::FAILURE);
    };
    let Some(member) = store
        .members_by_id(&[PersonId(person)])
        .await?
        .into_iter()
        .next()
    else {
        eprintln!("{}", WebText::UnknownPerson { id: person }.render(out.lang));
        return Ok(ExitCode::FAILURE);
    };
    let link = login_link(store, public_url, PersonId(person), actor).await?;
    say!(
        "{}",
        WebText::LinkMade {
            name: &member.person.full_name,
            unit: &member.unit.name,
            link: &link,
            minutes: LOGIN_LINK_MINUTES,
        }
        .render(out.lang)
    );
    Ok(ExitCode::SUCCESS)
}
