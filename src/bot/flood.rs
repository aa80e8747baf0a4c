//! A chat that floods the bot with messages it cannot understand gets a few hints a minute,
//! one "slow down", then silence until the minute is over: answering each would spend the
//! chat's one-message-a-second Telegram budget for minutes and earn the bot 429s. Messages the
//! bot understands (replies to cards, commands) are always handled, and documents and photos
//! never count: they are kept and asked about (`tasks::hold_file`), never hinted at.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Hints answered per chat and minute before the bot asks the chat to slow down.
pub const HINTS_PER_MINUTE: u32 = 5;
const WINDOW: Duration = Duration::from_secs(60);
/// Past this many chats, windows that have ended are forgotten.
const REMEMBERED_CHATS: usize = 10_000;

/// What to do with one more hint for a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintVerdict {
    Send,
    /// The first hint over the limit: say "slow down" instead.
    SlowDown,
    Quiet,
}

/// Counts hints per chat in fixed one-minute windows.
#[derive(Debug, Default)]
pub struct HintLimiter {
    chats: Mutex<HashMap<i64, (Instant, u32)>>,
}

impl HintLimiter {
    pub fn verdict(&self, chat: i64, now: Instant) -> HintVerdict {
        // A poisoned lock only means another handler panicked mid-count: the counts still hold.
        let mut chats = self.chats.lock().unwrap_or_else(|e| e.into_inner());
        if chats.len() > REMEMBERED_CHATS {
            chats.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = chats.entry(chat).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        match entry.1 {
            n if n <= HINTS_PER_MINUTE => HintVerdict::Send,
            n if n == HINTS_PER_MINUTE + 1 => HintVerdict::SlowDown,
            _ => HintVerdict::Quiet,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_hints_a_minute_then_one_slow_down_then_quiet() {
        let limiter = HintLimiter::default();
        let start = Instant::now();
        let verdicts: Vec<HintVerdict> = (0..8).map(|_| limiter.verdict(1, start)).collect();
        assert_eq!(verdicts[..5], [HintVerdict::Send; 5]);
        assert_eq!(verdicts[5], HintVerdict::SlowDown);
        assert_eq!(verdicts[6..], [HintVerdict::Quiet; 2]);
        assert_eq!(limiter.verdict(2, start), HintVerdict::Send, "other chats");
        assert_eq!(
            limiter.verdict(1, start + WINDOW),
            HintVerdict::Send,
            "a new minute"
        );
    }
}
