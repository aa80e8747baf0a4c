//! Onboarding: `/start CODE`, `/nhom` (binding a group), `/ngonngu`.

use chrono::Duration as Span;
use teloxide::prelude::*;

use super::send::{say, tell, HandlerResult};
use super::{invitation, App};
use crate::domain::UpdateId;
use crate::messages::BotText;
use crate::store::{Effect, Member, Redeemed};

pub(super) use super::invitation::MAX_BAD_CODES_PER_HOUR;

/// `/ngonngu en|vi`: the language the bot speaks to this person from now on.
pub(super) async fn set_language(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    choice: &str,
) -> HandlerResult {
    let Ok(lang) = choice.parse::<crate::domain::Lang>() else {
        tell(bot, app, chat, BotText::LanguageUsage).await?;
        return Ok(());
    };
    if app.store.set_language(update_id, user_id, lang).await? == Effect::Done(()) {
        say(
            app,
            bot,
            chat,
            BotText::LanguageSet.render(lang),
            None,
            None,
        )
        .await?;
    }
    Ok(())
}

/// `/nhom [UNIT]` in a group: the group now belongs to the member's unit.
pub(super) async fn bind_group(
    bot: &Bot,
    msg: &Message,
    app: &App,
    update_id: UpdateId,
    members: &[Member],
    code: &str,
) -> HandlerResult {
    let chat = msg.chat.id;
    if msg.chat.is_private() {
        tell(bot, app, chat, BotText::GroupOnly).await?;
        return Ok(());
    }
    let chosen = crate::answers::membership_for_group(members, code);
    let Some(member) = chosen else {
        let codes: Vec<&str> = members.iter().map(|m| m.unit.code.as_str()).collect();
        say(
            app,
            bot,
            chat,
            BotText::ChooseUnit {
                codes: &codes.join(", "),
            }
            .render(app.lang),
            None,
            None,
        )
        .await?;
        return Ok(());
    };
    if app.store.bind_group(update_id, chat.0, member).await? == Effect::Done(()) {
        tell(
            bot,
            app,
            chat,
            BotText::GroupBound {
                unit: &member.unit.name,
            },
        )
        .await?;
    }
    Ok(())
}

pub(super) async fn on_start(
    bot: &Bot,
    chat: ChatId,
    app: &App,
    update_id: UpdateId,
    user_id: i64,
    code: &str,
) -> HandlerResult {
    if code.is_empty() {
        let members = app.store.members_of_user(user_id).await?;
        let text = match members.first() {
            Some(m) => welcome(app, m),
            None => BotText::NeedInvitation.render(app.lang),
        };
        say(app, bot, chat, text, None, None).await?;
        return Ok(());
    }
    let since = app.clock.now() - Span::hours(1);
    if app.store.recent_start_failures(chat.0, since).await? >= MAX_BAD_CODES_PER_HOUR {
        app.store
            .record_refused_start(chat.0, app.clock.now())
            .await?;
        tell(bot, app, chat, BotText::TooManyBadCodes).await?;
        return Ok(());
    }
    // A malformed code is looked up like any other, so it counts as a bad attempt too.
    let hash = invitation::hash(code);
    let outcome = match app
        .store
        .redeem_invitation(update_id, &hash, user_id, chat.0)
        .await?
    {
        Effect::Done(outcome) => outcome,
        Effect::Duplicate => return Ok(()),
    };
    let text = match outcome {
        Redeemed::Linked(member) => welcome(app, &member),
        Redeemed::Unknown => BotText::CodeUnknown.render(app.lang),
        Redeemed::Used => BotText::CodeUsed.render(app.lang),
        Redeemed::Expired => BotText::CodeExpired.render(app.lang),
    };
    say(app, bot, chat, text, None, None).await?;
    Ok(())
}

pub(super) fn welcome(app: &App, member: &Member) -> String {
    BotText::Welcome {
        name: &member.person.full_name,
        unit: &member.unit.name,
        role: &BotText::Role(member.person.role).render(app.lang),
    }
    .render(app.lang)
}
