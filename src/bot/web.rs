//! `/web`: a one-time login link to the web board (`crate::web`), sent only in a private chat
//! (a link in a group would log in whoever opens it first).

use teloxide::prelude::*;

use super::send::{say, HandlerResult};
use super::App;
use crate::domain::{Actor, PersonRole};
use crate::messages::WebText;
use crate::store::Member;
use crate::web::{login_link, LOGIN_LINK_MINUTES};

pub(super) async fn send(bot: &Bot, msg: &Message, app: &App, members: &[Member]) -> HandlerResult {
    let chat = msg.chat.id;
    let tell = |text: WebText<'_>| say(app, bot, chat, text.render(app.lang), None, None);
    let Some(public_url) = app.web_url.as_deref() else {
        tell(WebText::NoPublicUrl).await?;
        return Ok(());
    };
    if !msg.chat.is_private() {
        tell(WebText::PrivateOnly).await?;
        return Ok(());
    }
    // The widest membership: the board widens the scope with every membership of the account.
    let Some(member) = members
        .iter()
        .find(|m| m.person.role == PersonRole::Coordinator)
        .or_else(|| members.first())
    else {
        return Ok(());
    };
    let actor = Actor::new(format!("telegram:{}", chat.0));
    let link = login_link(&app.store, public_url, member.person.id, &actor).await?;
    tell(WebText::LinkMade {
        name: &member.person.full_name,
        unit: &member.unit.name,
        link: &link,
        minutes: LOGIN_LINK_MINUTES,
    })
    .await?;
    Ok(())
}
