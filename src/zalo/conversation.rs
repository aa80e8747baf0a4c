//! The text conversation on Zalo (no buttons): `viec` lists the person's open tasks numbered
//! as on Telegram's `/viec`; one typed line answers (`3 xong`, `1.2 đang làm`, `4 vướng: lý
//! do`, `bc quý I: nội dung`, or a photo with such a caption) and is recorded at once; looser
//! free text is read as on Telegram (`answers::read_claims`) and recorded only after «1»
//! (đúng) — «2» drops it; `/start CODE` (or the bare code) links a member; `/nhom` binds a
//! group to the sender's unit.
//!
//! Every effect is a store call keyed by the update's `zalo_inbox` number, which marks the
//! inbox row handled in the effect's own transaction (`Steps::first_delivery`), so an effect
//! is recorded once whatever is replayed. Zalo's string ids become local numbers
//! (`Store::zalo_number`), so dialogues, group bindings and `/start` failures are the
//! Telegram bot's tables.

use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Span;
use serde::{Deserialize, Serialize};

use super::api::{split_text, ZaloApi, ZaloChatId, ZaloChatType, ZaloError, ZaloEvent, ZaloUpdate};
use crate::answers::{self, Proposed};
use crate::bot::invitation;
use crate::chat::Pacer;
use crate::clock::Clock;
use crate::domain::status_text::{self, ItemRef, OneLine};
use crate::domain::text::match_key;
use crate::domain::{Channel, Lang, MessageKind, UnitId, UpdateId};
use crate::messages::{BotText, ZaloText};
use crate::ops::{Metrics, UpdateKind};
use crate::store::{
    BotAction, Effect, Member, MessageSubject, NewAttachment, NewMessage, Redeemed, StatusReply,
    Store, StoreError, Submission,
};

/// What the bot waits for from someone on Zalo: only a proposal's «1» / «2». Stored in
/// `dialogues` as the Telegram bot's `Waiting::Proposal` is (same JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "waiting", rename_all = "snake_case")]
enum Question {
    Proposal { token: i64, actions: Vec<Proposed> },
}

/// Everything handling a Zalo update needs.
#[derive(Clone)]
pub struct Desk {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub lang: Lang,
    pub time_zone: chrono_tz::Tz,
    pub api: ZaloApi,
    /// Zalo's limits, shared with the outbox's Zalo sender (`zalo::pacer`).
    pub pacer: Pacer,
    pub metrics: Metrics,
    /// Hints per chat, so a flood of nonsense does not flood the chat back (as on Telegram).
    pub hints: Arc<crate::bot::flood::HintLimiter>,
}

/// One update as its handlers see it.
struct Turn<'a> {
    desk: &'a Desk,
    /// The language to answer in (the member's, when they chose one).
    lang: Lang,
    update_id: UpdateId,
    /// Local numbers of the chat and of the writer.
    chat: i64,
    user: i64,
    zalo_chat: &'a ZaloChatId,
    group: bool,
}

impl Desk {
    fn today(&self) -> chrono::NaiveDate {
        self.clock.now().with_timezone(&self.time_zone).date_naive()
    }

    /// Handles update `update` kept as `update_id`, then marks it handled (an update whose
    /// handling wrote an effect is marked already, in the effect's transaction).
    pub async fn handle(&self, update_id: UpdateId, update: &ZaloUpdate) {
        self.metrics.update_handled(UpdateKind::Message);
        if let Err(e) = self.handle_update(update_id, update).await {
            self.metrics.update_failed(UpdateKind::Message);
            tracing::error!(error = %e, update_id = update_id.get(), "Zalo message not handled");
            if e.downcast_ref::<StoreError>().is_some() {
                // Nothing was recorded: ask to send again (as the Telegram bot does).
                if let Ok(chat) = self.store.zalo_number(&update.chat.0).await {
                    let text = BotText::SaveFailed.render(self.lang);
                    self.say(chat, &update.chat, update_id, text).await;
                }
            }
        }
        if let Err(e) = self.store.zalo_update_handled(update_id).await {
            tracing::warn!(error = %e, update_id = update_id.get(), "Zalo update not marked handled; it will be handled again at the next start");
        }
    }

    async fn handle_update(&self, update_id: UpdateId, update: &ZaloUpdate) -> anyhow::Result<()> {
        let (text, photo) = match &update.event {
            ZaloEvent::Text(text) => (text.trim(), None),
            ZaloEvent::Photo { url, caption } => {
                (caption.as_deref().unwrap_or("").trim(), Some(url.as_str()))
            }
            ZaloEvent::Sticker => return Ok(()),
            ZaloEvent::Other(event) => {
                tracing::info!(event = %event, "a Zalo event dondoc does not act on");
                return Ok(());
            }
        };
        let chat = self.store.zalo_number(&update.chat.0).await?;
        let user = self.store.zalo_number(&update.from.id).await?;
        let mut turn = Turn {
            desk: self,
            lang: self.lang,
            update_id,
            chat,
            user,
            zalo_chat: &update.chat,
            group: update.chat_type == ZaloChatType::Group,
        };
        let command = crate::bot::parse_command(text);
        if let Some(("start", code)) = command {
            // A code is linked in the person's own chat only: the chat linked is where their
            // reminders go, and a code posted in a group is a code others have seen.
            if turn.group {
                turn.tell(ZaloText::StartInPrivate.render(turn.lang)).await;
                return Ok(());
            }
            return turn.start(code).await;
        }
        let members = self.store.members_of_user(user).await?;
        if members.is_empty() {
            if !turn.group {
                if invitation::looks_valid(text) {
                    return turn.start(text).await;
                }
                turn.tell(ZaloText::NotLinked.render(turn.lang)).await;
            }
            return Ok(());
        }
        if members
            .iter()
            .any(|m| m.person.last_channel != Some(Channel::Zalo))
        {
            self.store.used_channel(user, Channel::Zalo).await?;
        }
        if let Some(lang) = members.iter().find_map(|m| m.person.language) {
            turn.lang = lang;
        }
        if let Some(("nhom", code)) = command {
            return turn.bind_group(members, code).await;
        }
        // In a group only members of the group's unit count; everyone else is ignored there.
        let members = if turn.group {
            match self.store.group_unit(chat).await? {
                None => return Ok(()),
                Some(unit) => {
                    let own: Vec<Member> = members
                        .into_iter()
                        .filter(|m| m.unit_id() == unit)
                        .collect();
                    if own.is_empty() {
                        return Ok(());
                    }
                    own
                }
            }
        } else {
            members
        };
        let word = command.map_or_else(|| match_key(text), |(name, _)| name.to_string());
        match word.as_str() {
            "viec" => return turn.list(&members).await,
            "trogiup" | "help" | "huong dan" => {
                turn.tell(ZaloText::Syntax.render(turn.lang)).await;
                return Ok(());
            }
            _ => {}
        }
        turn.answer(&members, text, photo, &update.message_id).await
    }
}

impl Turn<'_> {
    /// Says `text` in this chat (split, paced, retried; queued if Zalo still refuses).
    async fn tell(&self, text: String) {
        self.desk
            .say(self.chat, self.zalo_chat, self.update_id, text)
            .await;
    }

    /// `/start CODE` or the bare code: links the writer, as on Telegram (single use, expiry,
    /// a limit on bad codes per chat).
    async fn start(&self, code: &str) -> anyhow::Result<()> {
        let store = &self.desk.store;
        if code.is_empty() {
            let members = store.members_of_user(self.user).await?;
            let text = match members.first() {
                Some(m) => self.welcome(m),
                None => ZaloText::NotLinked.render(self.lang),
            };
            self.tell(text).await;
            return Ok(());
        }
        let now = self.desk.clock.now();
        if store
            .recent_start_failures(self.chat, now - Span::hours(1))
            .await?
            >= invitation::MAX_BAD_CODES_PER_HOUR
        {
            store.record_refused_start(self.chat, now).await?;
            self.tell(BotText::TooManyBadCodes.render(self.lang)).await;
            return Ok(());
        }
        let outcome = match store
            .redeem_invitation(
                self.update_id,
                &invitation::hash(code),
                self.user,
                self.chat,
            )
            .await?
        {
            Effect::Done(outcome) => outcome,
            Effect::Duplicate => return Ok(()),
        };
        let text = match outcome {
            Redeemed::Linked(member) => self.welcome(&member),
            Redeemed::Unknown => BotText::CodeUnknown.render(self.lang),
            Redeemed::Used => BotText::CodeUsed.render(self.lang),
            Redeemed::Expired => BotText::CodeExpired.render(self.lang),
        };
        self.tell(text).await;
        Ok(())
    }

    fn welcome(&self, member: &Member) -> String {
        let lang = member.person.language.unwrap_or(self.lang);
        let welcome = BotText::Welcome {
            name: &member.person.full_name,
            unit: &member.unit.name,
            role: &BotText::Role(member.person.role).render(lang),
        }
        .render(lang);
        format!("{welcome}\n\n{}", ZaloText::Syntax.render(lang))
    }

    /// `/nhom [UNIT]` in a group: the group now belongs to the writer's unit.
    async fn bind_group(&self, members: Vec<Member>, code: &str) -> anyhow::Result<()> {
        let store = &self.desk.store;
        if !self.group {
            self.tell(BotText::GroupOnly.render(self.lang)).await;
            return Ok(());
        }
        // A group bound to another unit is that unit's: only its members may move it.
        if let Some(unit) = store.group_unit(self.chat).await? {
            if !members.iter().any(|m| m.unit_id() == unit) {
                self.tell(BotText::GroupTaken.render(self.lang)).await;
                return Ok(());
            }
        }
        let chosen = crate::answers::membership_for_group(&members, code);
        let Some(member) = chosen else {
            let codes: Vec<&str> = members.iter().map(|m| m.unit.code.as_str()).collect();
            let text = BotText::ChooseUnit {
                codes: &codes.join(", "),
            };
            self.tell(text.render(self.lang)).await;
            return Ok(());
        };
        if store.bind_group(self.update_id, self.chat, member).await? == Effect::Done(()) {
            let text = BotText::GroupBound {
                unit: &member.unit.name,
            };
            self.tell(text.render(self.lang)).await;
        }
        Ok(())
    }

    /// `viec`: every open task, numbered as Telegram's `/viec` numbers them, then the syntax.
    async fn list(&self, members: &[Member]) -> anyhow::Result<()> {
        let units: Vec<UnitId> = members.iter().map(Member::unit_id).collect();
        let cards = self.desk.store.open_assignments(&units).await?;
        if cards.is_empty() {
            self.tell(BotText::NoOpenTasks.render(self.lang)).await;
            return Ok(());
        }
        let today = self.desk.today();
        let mut lines = vec![ZaloText::TaskList { count: cards.len() }.render(self.lang)];
        lines.extend(
            cards
                .iter()
                .enumerate()
                .map(|(index, card)| answers::task_line(index + 1, card, today, self.lang)),
        );
        lines.push(String::new());
        lines.push(ZaloText::Syntax.render(self.lang));
        self.tell(lines.join("\n")).await;
        Ok(())
    }

    /// Anything else a linked member sends: «1»/«2» to a proposal, a one-line answer, free
    /// text read as status claims, a photo; else the syntax.
    async fn answer(
        &self,
        members: &[Member],
        text: &str,
        photo: Option<&str>,
        message_id: &str,
    ) -> anyhow::Result<()> {
        let attachment = photo.map(|url| NewAttachment {
            // Zalo gives a photo as a URL; it is kept as the file's id (`Channel::of_file`).
            file_id: url.to_string(),
            file_unique_id: format!("zalo:{message_id}"),
            file_name: None,
            mime_type: Some("image/jpeg".into()),
            file_size: None,
        });
        if photo.is_none() && (text == "1" || text == "2") {
            return self.confirm(members, text == "1").await;
        }
        if let Some(line) = status_text::one_line(text) {
            return self.record_line(members, line, attachment).await;
        }
        let claims = status_text::parse(text);
        if !claims.is_empty() {
            let (actions, unknown) =
                answers::read_claims(&self.desk.store, members, &claims, text, self.desk.today())
                    .await?;
            return self.propose(actions, unknown).await;
        }
        if self.group {
            return Ok(());
        }
        let reply = match attachment {
            Some(file) => {
                // Kept, so the photo is not lost; the person resends it with a caption to file it.
                let kept = self
                    .desk
                    .store
                    .hold_file(self.update_id, self.chat, self.user, 0, text, &file)
                    .await?;
                if matches!(kept, Effect::Duplicate) {
                    return Ok(());
                }
                ZaloText::PhotoNeedsCaption.render(self.lang)
            }
            None => {
                use crate::bot::flood::HintVerdict;
                match self
                    .desk
                    .hints
                    .verdict(self.chat, std::time::Instant::now())
                {
                    HintVerdict::Send => format!(
                        "{}\n{}",
                        ZaloText::NotUnderstood.render(self.lang),
                        ZaloText::Syntax.render(self.lang)
                    ),
                    HintVerdict::SlowDown => BotText::SlowDown.render(self.lang),
                    HintVerdict::Quiet => return Ok(()),
                }
            }
        };
        self.tell(reply).await;
        Ok(())
    }

    /// A one-line answer: recorded at once when it names exactly one of the person's items;
    /// a report name that fits several open reports is proposed (the nearest) for «1».
    async fn record_line(
        &self,
        members: &[Member],
        line: OneLine,
        attachment: Option<NewAttachment>,
    ) -> anyhow::Result<()> {
        let store = &self.desk.store;
        let units: Vec<UnitId> = members.iter().map(Member::unit_id).collect();
        let action = match line {
            OneLine::Status(claim) => {
                let tasks = store.open_assignments(&units).await?;
                let found = answers::task_named(&tasks, &claim.item)
                    .and_then(|card| Some((card, answers::member_for(members, card)?)));
                let Some((card, member)) = found else {
                    return self.no_such_item(&claim.item).await;
                };
                BotAction::Status(StatusReply {
                    assignment_id: card.assignment_id,
                    status: answers::claimed_status(claim.claim),
                    note: claim.note,
                    person_id: member.person_id(),
                    telegram_message_id: None,
                    attachment,
                })
            }
            OneLine::Report { words, body } => {
                let reports =
                    answers::reports_named(store, &units, &words, self.desk.today()).await?;
                let Some(report) = reports.first() else {
                    return self.no_such_item(&ItemRef::Report(words)).await;
                };
                let Some(member) = members.iter().find(|m| m.unit.id == report.unit.id) else {
                    return self.no_such_item(&ItemRef::Report(words)).await;
                };
                if reports.len() > 1 {
                    // Two reports answer to the name: never guess, ask about the nearest.
                    let proposed = Proposed::Submit {
                        period_id: report.period_id,
                        unit_id: report.unit.id,
                        body,
                        person_id: member.person_id(),
                    };
                    return self.propose(vec![proposed], Vec::new()).await;
                }
                BotAction::Submit(Submission {
                    period_id: report.period_id,
                    unit_id: report.unit.id,
                    person_id: member.person_id(),
                    body,
                    telegram_message_id: None,
                    attachment,
                })
            }
        };
        self.apply(vec![action]).await
    }

    async fn no_such_item(&self, item: &ItemRef) -> anyhow::Result<()> {
        let item = item.to_string();
        self.tell(ZaloText::NoSuchItem { item: &item }.render(self.lang))
            .await;
        Ok(())
    }

    /// Records `actions` as this update's effect and says what was recorded.
    async fn apply(&self, actions: Vec<BotAction>) -> anyhow::Result<()> {
        let store = &self.desk.store;
        let applied = match store
            .apply_bot_actions(self.update_id, self.chat, self.user, &actions)
            .await?
        {
            Effect::Done(applied) => applied,
            Effect::Duplicate => return Ok(()),
        };
        let lines =
            answers::applied_lines(store, &self.desk.metrics, &actions, &applied, self.lang)
                .await?;
        if !lines.is_empty() {
            self.tell(lines.join("\n")).await;
        }
        Ok(())
    }

    /// Asks «1 = đúng, 2 = không phải» before recording `actions`.
    async fn propose(&self, actions: Vec<Proposed>, unknown: Vec<String>) -> anyhow::Result<()> {
        let store = &self.desk.store;
        let mut lines = answers::proposal_lines(store, &actions, &unknown, self.lang).await?;
        if actions.is_empty() {
            lines.push(BotText::ProposalDeclined.render(self.lang));
            self.tell(lines.join("\n")).await;
            return Ok(());
        }
        let question = Question::Proposal {
            token: self.update_id.get(),
            actions,
        };
        let saved = store
            .save_dialogue(self.update_id, self.chat, self.user, Some(&question))
            .await?;
        if saved == Effect::Done(()) {
            lines.push(ZaloText::ConfirmFooter.render(self.lang));
            self.tell(lines.join("\n")).await;
        }
        Ok(())
    }

    /// «1» or «2»: the proposal waiting (and fresh), once.
    async fn confirm(&self, members: &[Member], yes: bool) -> anyhow::Result<()> {
        let store = &self.desk.store;
        let waiting = store
            .load_dialogue::<Question>(self.chat, self.user)
            .await?;
        let ttl = Span::minutes(crate::bot::cards::QUESTION_TTL_MINUTES);
        let actions = match waiting {
            Some((Question::Proposal { actions, .. }, at)) if self.desk.clock.now() - at <= ttl => {
                actions
            }
            Some(_) => {
                self.tell(BotText::QuestionClosed.render(self.lang)).await;
                return Ok(());
            }
            None => {
                let text = format!(
                    "{}\n{}",
                    ZaloText::NotUnderstood.render(self.lang),
                    ZaloText::Syntax.render(self.lang)
                );
                self.tell(text).await;
                return Ok(());
            }
        };
        if !yes {
            let cleared = store
                .set_dialogue(self.update_id, self.chat, self.user, None)
                .await?;
            if cleared == Effect::Done(()) {
                self.tell(BotText::ProposalDeclined.render(self.lang)).await;
            }
            return Ok(());
        }
        self.apply(answers::confirmed_actions(&actions, members))
            .await
    }
}

/// How often a reply is tried before it goes to the outbox.
const REPLY_ATTEMPTS: u32 = 3;

impl Desk {
    /// Sends `text` to a Zalo chat: split at line breaks within 2,000 characters, each piece
    /// in the slot `pacer` gives it, a flood limit waited out and a failure retried a few
    /// times. What still cannot be sent is queued in the outbox as a reply to the chat's
    /// number (the Zalo sender sends it), so a reply is never dropped.
    pub async fn say(&self, chat: i64, zalo_chat: &ZaloChatId, update_id: UpdateId, text: String) {
        let pieces = split_text(&text);
        for (index, piece) in pieces.iter().enumerate() {
            if let Err(e) = self.send_one(chat, zalo_chat, piece).await {
                tracing::warn!(error = %e, update_id = update_id.get(), "Zalo reply not sent; queued in the outbox");
                let rest = pieces[index..].join("\n");
                self.queue_reply(chat, update_id, rest).await;
                return;
            }
        }
    }

    async fn send_one(
        &self,
        chat: i64,
        zalo_chat: &ZaloChatId,
        text: &str,
    ) -> Result<(), ZaloError> {
        let mut attempt = 0;
        loop {
            if let Err(wait) = self.pacer.reply_slot(chat).await {
                return Err(ZaloError::Flood { retry_after: wait });
            }
            match self.api.send_message(zalo_chat, text).await {
                Ok(_) => return Ok(()),
                Err(ZaloError::Flood { retry_after }) => {
                    // Every send of the process waits with it (the sender too).
                    self.pacer.pause(retry_after);
                    if attempt >= REPLY_ATTEMPTS {
                        return Err(ZaloError::Flood { retry_after });
                    }
                }
                Err(ZaloError::Transient(detail)) => {
                    if attempt >= REPLY_ATTEMPTS {
                        return Err(ZaloError::Transient(detail));
                    }
                    tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt + 1))).await;
                }
                Err(other) => return Err(other),
            }
            attempt += 1;
        }
    }

    async fn queue_reply(&self, chat: i64, update_id: UpdateId, body: String) {
        let message = NewMessage {
            key: format!("reply:{}:{chat}", update_id.get()),
            kind: MessageKind::Reply,
            chat_id: chat,
            person_id: None,
            body,
            reply_markup: None,
            subject: MessageSubject::default(),
        };
        if let Err(e) = self.store.enqueue(&[message]).await {
            tracing::error!(error = %e, update_id = update_id.get(), "a Zalo reply could neither be sent nor queued");
        }
    }
}
