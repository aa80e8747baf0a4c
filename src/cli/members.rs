//! `dondoc invite` and `dondoc members`: one-time invitation links, and who is linked.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{aligned, CliError, Output};
use crate::config::Config;
use crate::domain::{Actor, UnitCode};
use crate::import::{self, Problem};
use crate::messages::{OpsText, Text};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct InviteArgs {
    /// Unit code of the person invited.
    #[arg(long, required_unless_present = "file")]
    pub unit: Option<String>,
    /// head, deputy, focal_point, coordinator, hotline_operator (or chủ tịch, đầu mối …).
    #[arg(long, required_unless_present = "file")]
    pub role: Option<String>,
    /// The person's full name (required: it tells members apart; inviting the same unit, role
    /// and name again issues a new code for the same member and revokes the old one).
    #[arg(long, required_unless_present = "file")]
    pub name: Option<String>,
    /// Invite many at once: CSV/TSV/XLSX with columns unit, role, name.
    #[arg(long, conflicts_with_all = ["unit", "role", "name"])]
    pub file: Option<PathBuf>,
    /// The messenger the code is for: telegram (a t.me link) or zalo (the code to send to the
    /// Zalo bot, with `zalo.bot_link` when set). The code links the member on either.
    #[arg(long, value_enum, default_value = "telegram")]
    pub channel: InviteChannel,
}

/// The messenger an invitation is printed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InviteChannel {
    Telegram,
    Zalo,
}

#[derive(Debug, Subcommand)]
pub enum MembersCommand {
    /// Who is linked to Telegram and who still has an invitation pending.
    List {
        /// Only who the bot cannot reach: units with tasks and nobody linked (or every linked
        /// member unreachable), then members whose chat is unreachable.
        #[arg(long)]
        missing: bool,
    },
    /// Which messenger a member linked on both is written to: `telegram`, `zalo`, or `last`
    /// (the one they used last, the default). Never both.
    Channel {
        /// The member's number, as `members list` shows it (#12 → 12).
        #[arg(long)]
        person: crate::domain::PersonId,
        choice: ChannelChoice,
    },
}

/// `members channel`'s choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ChannelChoice {
    Telegram,
    Zalo,
    Last,
}

/// `members channel --person ID telegram|zalo|last` (audited).
pub(super) async fn set_channel(
    store: &Store,
    out: &Output,
    person: crate::domain::PersonId,
    choice: ChannelChoice,
    actor: &crate::domain::Actor,
) -> anyhow::Result<ExitCode> {
    use crate::domain::Channel;
    use crate::messages::ChannelText;
    let channel = match choice {
        ChannelChoice::Telegram => Some(Channel::Telegram),
        ChannelChoice::Zalo => Some(Channel::Zalo),
        ChannelChoice::Last => None,
    };
    let Some(stored) = store.set_channel_choice(person, channel, actor).await? else {
        return Err(
            CliError::Said(ChannelText::NoPerson { id: person.get() }.render(out.lang)).into(),
        );
    };
    say!(
        "{}",
        ChannelText::Chosen {
            name: &stored.full_name,
            channel
        }
        .render(out.lang)
    );
    if let Some(channel) = channel {
        let writes_to = stored.chat_to_write().map(Channel::of_chat);
        if writes_to != Some(channel) {
            say!(
                "{}",
                ChannelText::NotLinkedThere {
                    channel,
                    instead: writes_to
                }
                .render(out.lang)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The bot's username, from configuration or by asking Telegram.
async fn bot_username(config: &Config) -> anyhow::Result<String> {
    if let Some(name) = &config.telegram.bot_username {
        return Ok(name.clone());
    }
    use teloxide::prelude::Requester;
    let lang = config.province.language;
    if config.telegram.bot_token.is_none() {
        return Err(CliError::Said(OpsText::InviteNeedsBot.render(lang)).into());
    }
    let me = crate::bot::client(config)?.get_me().await.map_err(|e| {
        CliError::Said(
            OpsText::InviteNoBotName {
                detail: &e.to_string(),
            }
            .render(lang),
        )
    })?;
    Ok(me.username().to_string())
}

pub(super) async fn invite(
    store: &Store,
    config: &Config,
    out: &Output,
    args: &InviteArgs,
    actor: &Actor,
) -> anyhow::Result<ExitCode> {
    // Every problem of every row first (a unit the registry lacks included), then writing.
    let mut problems = Vec::new();
    let rows = match &args.file {
        Some(file) => match import::read_invitation_sheet(file, config.import.max_file_bytes) {
            Ok((rows, found)) => {
                problems = found;
                rows
            }
            Err(problems) => {
                out.problems(&problems);
                return Ok(ExitCode::FAILURE);
            }
        },
        None => {
            let unit = UnitCode::parse(args.unit.as_deref().unwrap_or_default())?;
            let role = args
                .role
                .as_deref()
                .unwrap_or_default()
                .parse::<crate::domain::PersonRole>()?;
            let full_name = args.name.as_deref().unwrap_or_default().trim().to_string();
            if full_name.is_empty() {
                out.problems(&[Problem::file(import::ProblemKind::MissingPersonName)]);
                return Ok(ExitCode::FAILURE);
            }
            vec![(
                0,
                crate::domain::unit::NewPerson {
                    unit,
                    full_name,
                    role,
                    telegram_user_id: None,
                    phone: None,
                },
            )]
        }
    };
    for (row, person) in &rows {
        if store.unit(&person.unit).await?.is_none() {
            let kind = import::ProblemKind::NoSuchUnit(person.unit.to_string());
            problems.push(match args.file {
                Some(_) => Problem::at(*row, kind),
                None => Problem::file(kind),
            });
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        out.problems(&problems);
        return Ok(ExitCode::FAILURE);
    }
    let people: Vec<crate::domain::unit::NewPerson> = rows.into_iter().map(|(_, p)| p).collect();
    // Telegram's link needs the bot's name; Zalo's code is typed to the bot.
    let username = match args.channel {
        InviteChannel::Telegram => Some(bot_username(config).await?),
        InviteChannel::Zalo => None,
    };
    let expires_at =
        store.now() + chrono::Duration::days(i64::from(config.telegram.invitation_days));
    for person in &people {
        let again = store.invited_person(person).await?.is_some();
        let code = crate::bot::invitation::new_code();
        let member = store
            .invite(
                person,
                &crate::bot::invitation::hash(&code),
                expires_at,
                actor,
            )
            .await?;
        let how = match &username {
            Some(username) => crate::bot::invitation::deep_link(username, &code),
            None => crate::messages::ZaloText::InviteHowTo {
                code: &code,
                link: config.zalo.bot_link.as_deref(),
            }
            .render(out.lang),
        };
        say!(
            "{}\t{}\t{}\t{how}\t{code}",
            member.unit,
            member.role.as_str(),
            member.full_name,
        );
        if again {
            say!(
                "{}",
                out.ops(OpsText::Reinvited {
                    name: &member.full_name,
                    id: member.id.get()
                })
            );
        }
    }
    say!(
        "{}",
        out.text(Text::InvitationsValidUntil {
            until: expires_at.format("%d/%m/%Y").to_string()
        })
    );
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn list_members(store: &Store, out: &Output) -> anyhow::Result<ExitCode> {
    use crate::messages::{BotText, MemberState, Table};
    let mut rows = vec![Table::Members.header(out.lang)];
    for listing in store.list_members().await? {
        let member = &listing.member;
        // Linked on either messenger.
        let state = match (member.person.chat_to_write(), listing.invitation_expires_at) {
            (Some(_), _) => MemberState::Linked,
            (None, Some(until)) if !listing.invitation_used => {
                MemberState::InvitedUntil(until.format("%d/%m/%Y").to_string())
            }
            (None, _) => MemberState::NotLinked,
        };
        rows.push(vec![
            format!("#{}", member.person.id),
            member.unit.code.to_string(),
            BotText::Role(member.person.role).render(out.lang),
            member.person.full_name.clone(),
            state.render(out.lang),
        ]);
    }
    for line in aligned(&rows, &[]) {
        say!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `members list --missing`: what the bot cannot reach, for the office to fix (invite someone,
/// ask a member to unblock the bot).
pub(super) async fn list_missing(store: &Store, config: &Config) -> anyhow::Result<ExitCode> {
    let lang = config.province.language;
    let gaps = store.reach_gaps().await?;
    let lines = crate::scheduler::digest::reach_gap_lines(
        &gaps,
        usize::MAX,
        config.province.time_zone,
        lang,
    );
    if lines.is_empty() {
        say!(
            "{}",
            crate::messages::ChaseText::EveryoneReachable.render(lang)
        );
    }
    for line in lines {
        say!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}
